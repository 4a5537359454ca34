/*
 * ussd_int.h: what the files of the USSD menus share. Not for other modules.
 *
 * ussd.c loads the lists the menus page through and answers a request: it replays the inputs
 * through ussd_walk.c (what an input does to the stack of screens) and renders the last screen
 * with ussd_screens.c (labels, items, what fits on a page).
 */
#ifndef RL_HANDLERS_USSD_INT_H
#define RL_HANDLERS_USSD_INT_H

#include <stddef.h>
#include <time.h>

#include "handlers/internal.h"
#include "handlers/ussd.h"

#define MAX_COUNTRIES 320

#define MAX_LANGS 16

#define MAX_CCYS 200

#define MAX_DEPTH 16

#define MAX_TOPICS 24

#define NAME_MAX_B 48

#define LABEL_MAX 128 /* bytes of one label or title, UTF-8 */

#define MORE 98

enum scr {
    S_MAIN,
    S_FEE_DST,
    S_FEE_SRC,
    S_FEE_AMT,
    S_RATE_BASE,
    S_RATE_QUOTE,
    S_GUIDE_COUNTRY,
    S_GUIDE_TOPIC,
    S_ALERTS,
    S_ALERT_COUNTRY,
    S_LANG,
    S_RESULT,
    S_SENT,
};

struct country {
    char iso2[3], iso3[4], ccy[4];
    char name[MAX_LANGS][NAME_MAX_B]; /* per language, in the order of langs[] */
};

struct lang {
    char code[4];
    char name[32];
    char kw_fee[24], kw_rate[24], kw_guide[24], kw_join[24], kw_stop[24];
};

struct ussd_ctx {
    handler_ctx *h;
    int def_li; /* the gateway's default language in langs[]: screens before a choice */
    struct country *countries;
    int ncountries;
    /* Countries sorted by name in each language: indexes into countries[]. */
    short order[MAX_LANGS][MAX_COUNTRIES];
    struct lang langs[MAX_LANGS];
    int nlangs;
    char ccys[MAX_CCYS][4]; /* sorted */
    int nccys;
};

struct frame {
    enum scr s;
    int page;
};

struct walk {
    struct frame st[MAX_DEPTH];
    int depth;
    int li;                         /* index of the session's language in langs[], -1 none */
    const struct lex_country *home; /* the caller's country, from the number; NULL unknown */
    char dst[3], src[3], ccy[4];    /* fee: destination, origin, origin's currency */
    int amount;
    char base[4], quote[4];      /* rate */
    char gcountry[4], topic[32]; /* guide (ISO3) */
    char topics[MAX_TOPICS][32]; /* guide topics of gcountry */
    int ntopics;
    char query[160]; /* what a person would text for the result */
    const char *intent;
    int alerts; /* the result is an alerts request */
};

/* The labels, each a template of every language file. The English here is only for a database
 * imported before the template existed, so a screen is never blank; the content says the same. */
enum label {
    L_TITLE,
    L_COST,
    L_RATES,
    L_GUIDANCE,
    L_ALERTS,
    L_LANGUAGE,
    L_JOIN,
    L_LEAVE,
    L_SEND_TO,
    L_SEND_FROM,
    L_AMOUNT,
    L_RATE_FROM,
    L_RATE_TO,
    L_GUIDE_FOR,
    L_TOPIC,
    L_ALERTS_BY_SMS,
    L_ALERTS_ABOUT,
    L_PICK_LANG,
    L_INVALID,
    L_MORE,
    L_BACK,
    L_BY_SMS,
    L_SENT,
    L_SOON,
    L_UNREADABLE,
    L_ERROR,
    L_EXPIRED,
    L_OTHER_PHONE,
    L_NO_SMS,
    NLABELS
};

/* ---- The walk (ussd_walk.c) ---- */

/* The screen on top of the stack. */
struct frame *ussdi_top(struct walk *w);
/* Opens screen s at its first page (a stack deeper than MAX_DEPTH stays as it is). */
void ussdi_push(struct walk *w, enum scr s);
/* The screen's language: the one chosen in this session or saved before, else the default. */
int ussdi_lang_index(const struct ussd_ctx *u, const struct walk *w);
/* Its code (borrowed). */
const char *ussdi_lang_code(const struct ussd_ctx *u, const struct walk *w);
/* Applies one input to the walk. Returns 0, or -1 when it is not a choice on this screen. */
int ussdi_step(const struct ussd_ctx *u, struct walk *w, const char *in);

/* ---- The screens (ussd_screens.c) ---- */

/* The raw text of label k in language lang (borrowed: the lexicon's, or the English default). */
const char *ussdi_label_raw(const struct ussd_ctx *u, const char *lang, enum label k);
/* The country at position i of a country list in the screen's language (the caller's own first
 * when home_first), or NULL past the end. */
const struct country *ussdi_country_at(const struct ussd_ctx *u, const struct walk *w,
                                       int home_first, int i);
/* The currency at position i of screen s (borrowed): the caller's first on the "from" list,
 * the base left out of "to". */
const char *ussdi_ccy_at(const struct ussd_ctx *u, const struct walk *w, enum scr s, int i);
/* The amount at position i of the fee screen (i checked by ussdi_item()). */
int ussdi_amount(int i);
/* The label of item i of list screen s into out; 0, or -1 when there is no such item. */
int ussdi_item(const struct ussd_ctx *u, const struct walk *w, enum scr s, int i, char *out,
               size_t outsz);
/* Characters (code points) of UTF-8 text. */
size_t ussdi_chars(const char *s);
/* How many items of list s fit on a page starting at item start (at least one if any). */
int ussdi_page_fit(const struct ussd_ctx *u, const struct walk *w, enum scr s, int start);
/* The first item of page page of list s. */
int ussdi_page_start(const struct ussd_ctx *u, const struct walk *w, enum scr s, int page);
/* The list screen on top of the walk as a "CON ..." screen into out, prefix before its title. */
void ussdi_render_list(const struct ussd_ctx *u, const struct walk *w, const char *prefix,
                       struct ussd_screen *out);
/* Cuts UTF-8 text to at most max characters, at a space when there is one. */
void ussdi_cut_chars(char *s, size_t max);
/* The answer the walk ended in, from handler_answer(), as a screen into out: a page of it, the
 * SMS to send (S_SENT), or an alerts request for the SMS path. handler_answer()'s return, or -1
 * out of memory. */
int ussdi_render_result(const struct ussd_ctx *u, const struct walk *w, time_t now,
                        struct ussd_screen *out);

#endif
