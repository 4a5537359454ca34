/*
 * ussd.c: the USSD menus' entry points. The inputs are replayed from the main menu through a
 * small stack of screens (ussd_walk.c); only the last screen is rendered (ussd_screens.c). A list
 * screen shows as many items as fit in USSD_SCREEN_MAX characters, numbered from 1 on each page,
 * with "98 More" and "0 Back"; page boundaries depend only on the content and the language, so a
 * replay lands on the same page. Every label a person reads is a template of the screen's
 * language (ussd_*), like the replies.
 */
#include "handlers/ussd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"
#include "util/text.h"
#include "util/utf8.h"
#include "handlers/ussd_int.h"

/* ---- Loading ---- */

static int load_lang(void *arg, const char *code, const char *name, const char *decimal,
                     int translit)
{
    struct ussd_ctx *u = arg;
    struct lang *l;

    (void)decimal;
    (void)translit;
    if (u->nlangs == MAX_LANGS)
        return 1;
    l = &u->langs[u->nlangs++];
    memset(l, 0, sizeof(*l));
    snprintf(l->code, sizeof(l->code), "%s", code);
    snprintf(l->name, sizeof(l->name), "%s", name);
    return 0;
}

/* Index of language code in u->langs, or -1 (NULL, "" or not loaded). */
static int lang_find(const struct ussd_ctx *u, const char *code)
{
    int i;

    for (i = 0; code != NULL && code[0] != '\0' && i < u->nlangs; i++)
        if (strcmp(u->langs[i].code, code) == 0)
            return i;
    return -1;
}

static struct lang *find_lang(struct ussd_ctx *u, const char *code)
{
    int i = lang_find(u, code);

    return i >= 0 ? &u->langs[i] : NULL;
}

/* The first keyword of each kind in each language: the menus build the text a person of that
 * language would send, so the reply comes in that language. */
static int load_word(void *arg, const char *lang, const char *kind, const char *folded)
{
    struct lang *l = find_lang(arg, lang);
    char *slot = NULL;

    if (l == NULL)
        return 0;
    if (strcmp(kind, "fee") == 0)
        slot = l->kw_fee;
    else if (strcmp(kind, "rate") == 0)
        slot = l->kw_rate;
    else if (strcmp(kind, "guide") == 0)
        slot = l->kw_guide;
    else if (strcmp(kind, "join") == 0)
        slot = l->kw_join;
    else if (strcmp(kind, "stop") == 0 || strcmp(kind, "leave") == 0)
        slot = l->kw_stop;
    if (slot != NULL && slot[0] == '\0' && strchr(folded, ' ') == NULL)
        snprintf(slot, 24, "%s", folded);
    return 0;
}

static int load_country(void *arg, const char *iso2, const char *iso3, const char *currency,
                        const char *dial)
{
    struct ussd_ctx *u = arg;
    struct country *c;
    int i;

    (void)dial;
    if (u->ncountries == MAX_COUNTRIES)
        return 1;
    c = &u->countries[u->ncountries++];
    memset(c, 0, sizeof(*c));
    snprintf(c->iso2, sizeof(c->iso2), "%s", iso2);
    snprintf(c->iso3, sizeof(c->iso3), "%s", iso3);
    snprintf(c->ccy, sizeof(c->ccy), "%s", currency ? currency : "");
    for (i = 0; i < u->nccys; i++)
        if (strcmp(u->ccys[i], c->ccy) == 0)
            break;
    /* Only currencies the parser knows: the menu must build a query it understands. */
    if (i == u->nccys && c->ccy[0] != '\0' && u->nccys < MAX_CCYS &&
        lex_is_currency(u->h->lx, c->ccy))
        snprintf(u->ccys[u->nccys++], 4, "%s", c->ccy);
    return 0;
}

static int cmp_ccy(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* Insertion sort of one language's order by name: a few hundred entries, once at open. */
static void sort_countries(struct ussd_ctx *u, int li)
{
    int i, j;

    for (i = 0; i < u->ncountries; i++)
        u->order[li][i] = (short)i;
    for (i = 1; i < u->ncountries; i++) {
        short v = u->order[li][i];
        for (j = i - 1;
             j >= 0 && strcmp(u->countries[u->order[li][j]].name[li], u->countries[v].name[li]) > 0;
             j--)
            u->order[li][j + 1] = u->order[li][j];
        u->order[li][j + 1] = v;
    }
}

ussd_ctx *ussd_open(handler_ctx *h)
{
    struct ussd_ctx *u = calloc(1, sizeof(*u));
    int i, li;

    if (u == NULL || (u->countries = calloc(MAX_COUNTRIES, sizeof(*u->countries))) == NULL) {
        log_warn("ussd: allocating the menus");
        goto fail;
    }
    u->h = h;
    if (db_langs_each(h->d, load_lang, u) < 0 || db_words_each(h->d, load_word, u) < 0 ||
        db_countries_each(h->d, load_country, u) < 0)
        goto fail;
    for (i = 0; i < u->ncountries; i++)
        for (li = 0; li < u->nlangs; li++)
            if (db_country_name(h->d, u->countries[i].iso2, u->langs[li].code,
                                u->countries[i].name[li], NAME_MAX_B) < 0)
                goto fail;
    for (li = 0; li < u->nlangs; li++) {
        sort_countries(u, li);
        if (strcmp(u->langs[li].code, h->default_lang) == 0)
            u->def_li = li;
    }
    qsort(u->ccys, (size_t)u->nccys, sizeof(u->ccys[0]), cmp_ccy);
    return u;
fail:
    ussd_close(u);
    return NULL;
}

void ussd_close(ussd_ctx *u)
{
    if (u == NULL)
        return;
    free(u->countries);
    free(u);
}

/* ---- Answering ---- */

void ussd_notice(const ussd_ctx *u, const char *lang, enum ussd_notice n, struct ussd_screen *out)
{
    int li = lang_find(u, lang);

    memset(out, 0, sizeof(*out));
    out->intent = "menu";
    out->end = 1;
    snprintf(out->text, sizeof(out->text), "END %s",
             ussdi_label_raw(u, li >= 0 ? u->langs[li].code : u->h->default_lang,
                             n == USSD_EXPIRED       ? L_EXPIRED
                             : n == USSD_OTHER_PHONE ? L_OTHER_PHONE
                             : n == USSD_NO_SMS      ? L_NO_SMS
                                                     : L_ERROR));
    ussdi_cut_chars(out->text, USSD_SCREEN_MAX);
}

int ussd_answer(ussd_ctx *u, const char *text, const char *from, const char *lang, time_t now,
                struct ussd_screen *out)
{
    struct walk *w = calloc(1, sizeof(*w));
    char buf[USSD_TEXT_MAX + 1], *tok, *save = NULL;
    int rc = 0, bad = 0;

    memset(out, 0, sizeof(*out));
    out->intent = "menu";
    if (w == NULL) {
        snprintf(out->text, sizeof(out->text), "END %s",
                 ussdi_label_raw(u, u->h->default_lang, L_ERROR));
        out->end = 1;
        return -1;
    }
    if (text == NULL)
        text = "";
    bad = !utf8_valid(text);
    if (bad || strlen(text) > USSD_TEXT_MAX) {
        snprintf(out->text, sizeof(out->text), "END %s",
                 ussdi_label_raw(u, u->h->default_lang, L_UNREADABLE));
        ussdi_cut_chars(out->text, USSD_SCREEN_MAX);
        out->end = 1;
        out->invalid = 1;
        rc = -1;
        goto out;
    }
    w->li = lang_find(u, lang);
    w->home = from ? lex_country_by_number(u->h->lx, from) : NULL;
    ussdi_push(w, S_MAIN);
    snprintf(buf, sizeof(buf), "%s", text);
    /* Empty inputs between two '*' are kept as inputs: each is one key press the user sent. */
    for (tok = buf; tok != NULL; tok = save) {
        save = strchr(tok, '*');
        if (save != NULL)
            *save++ = '\0';
        if (tok == buf && save == NULL && *tok == '\0')
            break; /* the first request */
        out->invalid = ussdi_step(u, w, tok) < 0;
    }
    if (w->li >= 0)
        snprintf(out->lang, sizeof(out->lang), "%s", u->langs[w->li].code);
    switch (ussdi_top(w)->s) {
    case S_RESULT:
    case S_SENT:
        out->intent = w->intent;
        if (ussdi_render_result(u, w, now, out) < 0)
            rc = -1;
        break;
    default:
        if (ussdi_top(w)->s == S_LANG)
            out->intent = "lang";
        if (out->invalid) {
            char inv[LABEL_MAX];
            snprintf(inv, sizeof(inv), "%s ", ussdi_label_raw(u, ussdi_lang_code(u, w), L_INVALID));
            ussdi_render_list(u, w, inv, out);
        }
        /* Pages are filled without the notice (a replay must land on the same page): when it
         * does not fit, the screen is shown without it. */
        if (!out->invalid || ussdi_chars(out->text) > USSD_SCREEN_MAX)
            ussdi_render_list(u, w, "", out);
        break;
    }
out:
    free(w);
    return rc;
}
