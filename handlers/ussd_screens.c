/*
 * ussd.c: the USSD menus. The inputs are replayed from the main menu through a small stack of
 * screens; only the last screen is rendered. A list screen shows as many items as fit in
 * USSD_SCREEN_MAX characters, numbered from 1 on each page, with "98 More" and "0 Back"; page
 * boundaries depend only on the content and the language, so a replay lands on the same page.
 * Every label a person reads is a template of the screen's language (ussd_*), like the replies.
 */
#include "handlers/ussd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/log.h"
#include "handlers/internal.h"
#include "handlers/text.h"

#define MAX_COUNTRIES 320
#define MAX_LANGS     16
#define MAX_CCYS      200
#define MAX_DEPTH     16
#define MAX_TOPICS    24
#define NAME_MAX_B    48

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

static const int amounts[] = {50, 100, 200, 500, 1000};
#define NAMOUNTS (int)(sizeof(amounts) / sizeof(amounts[0]))

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

/* ---- The walk through the menus ---- */

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

static struct frame *top(struct walk *w)
{
    return &w->st[w->depth - 1];
}

static void push(struct walk *w, enum scr s)
{
    if (w->depth < MAX_DEPTH) {
        w->st[w->depth].s = s;
        w->st[w->depth].page = 0;
        w->depth++;
    }
}

/* The screen's language: the one chosen in this session or saved before, else the default. */
static int lang_index(const struct ussd_ctx *u, const struct walk *w)
{
    return w->li >= 0 ? w->li : u->def_li;
}

static const char *lang_code(const struct ussd_ctx *u, const struct walk *w)
{
    return u->nlangs > 0 ? u->langs[lang_index(u, w)].code : u->h->default_lang;
}

/* ---- Labels ---- */

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
    NLABELS
};

static const struct {
    const char *name, *en;
} labels[NLABELS] = {
    [L_TITLE] = {"ussd_title", "Remitline: free money transfer info"},
    [L_COST] = {"ussd_cost", "Cost of sending"},
    [L_RATES] = {"ussd_rates", "Exchange rates"},
    [L_GUIDANCE] = {"ussd_guidance", "Guidance"},
    [L_ALERTS] = {"ussd_alerts", "Alerts"},
    [L_LANGUAGE] = {"ussd_language", "Language"},
    [L_JOIN] = {"ussd_join", "Join alerts"},
    [L_LEAVE] = {"ussd_leave", "Leave alerts"},
    [L_SEND_TO] = {"ussd_send_to", "Send money to:"},
    [L_SEND_FROM] = {"ussd_send_from", "Send from:"},
    [L_AMOUNT] = {"ussd_amount", "Amount:"},
    [L_RATE_FROM] = {"ussd_rate_from", "Rate from:"},
    [L_RATE_TO] = {"ussd_rate_to", "Rate {base} to:"},
    [L_GUIDE_FOR] = {"ussd_guide_for", "Guidance for:"},
    [L_TOPIC] = {"ussd_topic", "Topic:"},
    [L_ALERTS_BY_SMS] = {"ussd_alerts_by_sms", "Alerts by SMS:"},
    [L_ALERTS_ABOUT] = {"ussd_alerts_about", "Alerts about:"},
    [L_PICK_LANG] = {"ussd_pick_lang", "Language:"},
    [L_INVALID] = {"ussd_invalid", "Invalid choice."},
    [L_MORE] = {"ussd_more", "More"},
    [L_BACK] = {"ussd_back", "Back"},
    [L_BY_SMS] = {"ussd_by_sms", "Send me this by SMS"},
    [L_SENT] = {"ussd_sent", "Thank you: the answer is on its way by SMS."},
    [L_SOON] = {"ussd_soon",
                "Alerts by SMS are coming soon. You will be able to text {query} here."},
    [L_UNREADABLE] = {"ussd_unreadable", "Sorry, that input could not be read."},
    [L_ERROR] = {"ussd_error", "Sorry, a technical problem here."},
    [L_EXPIRED] = {"ussd_expired", "Your session has expired. Please dial again."},
    [L_OTHER_PHONE] = {"ussd_other_phone", "This session belongs to another phone."},
};

/* The raw text of label k in language lang (borrowed: the lexicon's, or the English above). */
static const char *label_raw(const struct ussd_ctx *u, const char *lang, enum label k)
{
    const char *t = handler_template(u->h, lang, labels[k].name);

    return t != NULL && t[0] != '\0' ? t : labels[k].en;
}

/* Label k of the screen's language into out, with {key} replaced by val (NULL for none) and any
 * other placeholder left out, as tpl_render does for the replies. */
static void label(const struct ussd_ctx *u, const char *lang, enum label k, const char *key,
                  const char *val, char *out, size_t outsz)
{
    const char *t = label_raw(u, lang, k), *close;
    size_t o = 0, klen = key ? strlen(key) : 0;

    while (*t != '\0' && o + 1 < outsz) {
        if (*t != '{' || (close = strchr(t, '}')) == NULL) {
            out[o++] = *t++;
            continue;
        }
        if (key != NULL && (size_t)(close - t - 1) == klen && strncmp(t + 1, key, klen) == 0)
            for (const char *v = val; *v != '\0' && o + 1 < outsz; v++)
                out[o++] = *v;
        t = close + 1;
    }
    out[o] = '\0';
}

/* The country shown at position i of a country list: the caller's own first on origin lists. */
static const struct country *country_at(const struct ussd_ctx *u, const struct walk *w,
                                        int home_first, int i)
{
    const short *ord = u->order[lang_index(u, w)];
    int k;

    if (home_first && w->home != NULL) {
        const struct country *own = NULL;
        for (k = 0; k < u->ncountries; k++)
            if (strcmp(u->countries[k].iso2, w->home->iso2) == 0)
                own = &u->countries[k];
        if (own != NULL) {
            if (i == 0)
                return own;
            for (k = 0; k < u->ncountries; k++) {
                const struct country *c = &u->countries[ord[k]];
                if (c == own)
                    continue;
                if (--i == 0)
                    return c;
            }
            return NULL;
        }
    }
    return i < u->ncountries ? &u->countries[ord[i]] : NULL;
}

/* Currency at position i: the caller's first on the "from" list, the base left out of "to". */
static const char *ccy_at(const struct ussd_ctx *u, const struct walk *w, enum scr s, int i)
{
    const char *first = s == S_RATE_BASE && w->home ? w->home->currency : NULL;
    int k;

    if (first != NULL && first[0] != '\0') {
        if (i == 0)
            return first;
        i--;
    }
    for (k = 0; k < u->nccys; k++) {
        if (first != NULL && strcmp(u->ccys[k], first) == 0)
            continue;
        if (s == S_RATE_QUOTE && strcmp(u->ccys[k], w->base) == 0)
            continue;
        if (i-- == 0)
            return u->ccys[k];
    }
    return NULL;
}

static const enum label main_items[] = {L_COST, L_RATES, L_GUIDANCE, L_ALERTS, L_LANGUAGE};
static const enum label alert_items[] = {L_JOIN, L_LEAVE};

/* The label of item i of list screen s into out; 0, or -1 when there is no such item. */
static int item(const struct ussd_ctx *u, const struct walk *w, enum scr s, int i, char *out,
                size_t outsz)
{
    const struct country *c;
    const char *k;

    if (i < 0)
        return -1;
    switch (s) {
    case S_MAIN:
        if (i >= 5)
            return -1;
        label(u, lang_code(u, w), main_items[i], NULL, NULL, out, outsz);
        return 0;
    case S_ALERTS:
        if (i >= 2)
            return -1;
        label(u, lang_code(u, w), alert_items[i], NULL, NULL, out, outsz);
        return 0;
    case S_FEE_DST:
    case S_FEE_SRC:
    case S_GUIDE_COUNTRY:
    case S_ALERT_COUNTRY:
        if ((c = country_at(u, w, s == S_FEE_SRC || s == S_GUIDE_COUNTRY, i)) == NULL)
            return -1;
        snprintf(out, outsz, "%s", c->name[lang_index(u, w)]);
        return 0;
    case S_FEE_AMT:
        if (i >= NAMOUNTS)
            return -1;
        snprintf(out, outsz, "%s %d", w->ccy, amounts[i]);
        return 0;
    case S_RATE_BASE:
    case S_RATE_QUOTE:
        if ((k = ccy_at(u, w, s, i)) == NULL)
            return -1;
        snprintf(out, outsz, "%s", k);
        return 0;
    case S_GUIDE_TOPIC:
        if (i >= w->ntopics)
            return -1;
        snprintf(out, outsz, "%s", w->topics[i]);
        return 0;
    case S_LANG:
        if (i >= u->nlangs)
            return -1;
        snprintf(out, outsz, "%s", u->langs[i].name);
        return 0;
    case S_RESULT:
    case S_SENT:
        break;
    }
    return -1;
}

static void title(const struct ussd_ctx *u, const struct walk *w, enum scr s, char *out,
                  size_t outsz)
{
    static const enum label titles[] = {
        [S_MAIN] = L_TITLE,
        [S_FEE_DST] = L_SEND_TO,
        [S_FEE_SRC] = L_SEND_FROM,
        [S_FEE_AMT] = L_AMOUNT,
        [S_RATE_BASE] = L_RATE_FROM,
        [S_RATE_QUOTE] = L_RATE_TO,
        [S_GUIDE_COUNTRY] = L_GUIDE_FOR,
        [S_GUIDE_TOPIC] = L_TOPIC,
        [S_ALERTS] = L_ALERTS_BY_SMS,
        [S_ALERT_COUNTRY] = L_ALERTS_ABOUT,
        [S_LANG] = L_PICK_LANG,
    };

    if (s == S_RESULT || s == S_SENT) {
        out[0] = '\0';
        return;
    }
    label(u, lang_code(u, w), titles[s], "base", w->base, out, outsz);
}

/* Characters (code points) of UTF-8 text. */
static size_t chars(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Characters of "\n98 More\n0 Back" in the screen's language, with "\n1 Send me this by SMS"
 * before it when by_sms. */
static size_t foot_chars(const struct ussd_ctx *u, const struct walk *w, int by_sms)
{
    const char *l = lang_code(u, w);
    size_t n = 4 + chars(label_raw(u, l, L_MORE)) + 3 + chars(label_raw(u, l, L_BACK));

    return by_sms ? n + 3 + chars(label_raw(u, l, L_BY_SMS)) : n;
}

/* How many items of list s fit on a page starting at item start (at least one if any). */
static int page_fit(const struct ussd_ctx *u, const struct walk *w, enum scr s, int start)
{
    char t[LABEL_MAX], lb[LABEL_MAX];
    size_t used;
    int n = 0;

    title(u, w, s, t, sizeof(t));
    used = 4 + chars(t) + foot_chars(u, w, 0);
    while (item(u, w, s, start + n, lb, sizeof(lb)) == 0) {
        size_t add = chars(lb) + 4 + (start + n + 1 >= 10 ? 1 : 0); /* "\nNN " */
        if (n > 0 && used + add > USSD_SCREEN_MAX)
            break;
        if (n == 9)
            break; /* choices are 1..9 on a page */
        used += add;
        n++;
    }
    return n;
}

static int page_start(const struct ussd_ctx *u, const struct walk *w, enum scr s, int page)
{
    int start = 0, n;

    while (page-- > 0) {
        if ((n = page_fit(u, w, s, start)) == 0)
            break;
        start += n;
    }
    return start;
}

/* Splits a result into pages that leave foot characters for the choices under it: the byte
 * offset of page p, or -1 past the end. Cuts at a space, or mid-word for a word longer than a
 * page. */
static int result_page(const char *text, size_t foot, int page, size_t *len)
{
    size_t room = USSD_SCREEN_MAX - 4 - (foot < USSD_SCREEN_MAX - 24 ? foot : USSD_SCREEN_MAX - 24),
           off = 0;

    for (;;) {
        const char *p = text + off;
        size_t b = 0, c = 0, cut = 0;
        while (p[b] != '\0' && c < room) {
            b++;
            while (((unsigned char)p[b] & 0xC0) == 0x80)
                b++;
            c++;
            if (p[b] == ' ' || p[b] == '\n' || p[b] == '\0')
                cut = b;
        }
        if (p[b] == '\0')
            cut = b;
        else if (cut == 0)
            cut = b;
        if (page == 0) {
            *len = cut;
            return (int)off;
        }
        if (p[cut] == '\0')
            return -1;
        off += cut;
        while (text[off] == ' ' || text[off] == '\n')
            off++;
        page--;
    }
}

/* The keywords a menu's query is written with, in the walk's language (else English). */
enum ussd_kw { UKW_FEE, UKW_RATE, UKW_GUIDE, UKW_JOIN, UKW_STOP };

static const char *kw(const struct ussd_ctx *u, const struct walk *w, enum ussd_kw which)
{
    static const char *const en[] = {
        [UKW_FEE] = "FEE",   [UKW_RATE] = "RATE", [UKW_GUIDE] = "GUIDE",
        [UKW_JOIN] = "JOIN", [UKW_STOP] = "STOP",
    };
    const struct lang *l = w->li >= 0 ? &u->langs[w->li] : NULL;
    const char *v = NULL;

    if (l != NULL) {
        const char *const slots[] = {
            [UKW_FEE] = l->kw_fee,   [UKW_RATE] = l->kw_rate, [UKW_GUIDE] = l->kw_guide,
            [UKW_JOIN] = l->kw_join, [UKW_STOP] = l->kw_stop,
        };
        v = slots[which];
    }
    return v != NULL && v[0] != '\0' ? v : en[which];
}

static void result(const struct ussd_ctx *u, struct walk *w, const char *intent, int alerts)
{
    (void)u;
    w->intent = intent;
    w->alerts = alerts;
    push(w, S_RESULT);
}

static void topics_load(const struct ussd_ctx *u, struct walk *w)
{
    char all[MAX_TOPICS * 32], *tok, *save = NULL;
    char iso2[3] = "";
    int i;

    for (i = 0; i < u->ncountries; i++)
        if (strcmp(u->countries[i].iso3, w->gcountry) == 0)
            snprintf(iso2, sizeof(iso2), "%s", u->countries[i].iso2);
    w->ntopics = 0;
    if (db_guide_topics(u->h->d, iso2[0] ? iso2 : NULL, all, sizeof(all)) <= 0)
        return;
    for (tok = strtok_r(all, " ", &save); tok && w->ntopics < MAX_TOPICS;
         tok = strtok_r(NULL, " ", &save))
        snprintf(w->topics[w->ntopics++], 32, "%s", tok);
}

/* The fee screens are done: the query for the chosen corridor and amount. 0, or -1 if a
 * country is gone. */
static int fee_query(const struct ussd_ctx *u, struct walk *w, int idx)
{
    const struct country *s = NULL, *d = NULL;
    int i;

    w->amount = amounts[idx];
    for (i = 0; i < u->ncountries; i++) {
        if (strcmp(u->countries[i].iso2, w->src) == 0)
            s = &u->countries[i];
        if (strcmp(u->countries[i].iso2, w->dst) == 0)
            d = &u->countries[i];
    }
    if (s == NULL || d == NULL)
        return -1;
    snprintf(w->query, sizeof(w->query), "%s %s %s %d %s", kw(u, w, UKW_FEE), s->iso3, d->iso3,
             w->amount, w->ccy);
    result(u, w, "fee", 0);
    return 0;
}

/* Item idx (counted over all pages) of screen s was chosen: the next screen, or the query. */
static int choose(const struct ussd_ctx *u, struct walk *w, enum scr s, int idx)
{
    switch (s) {
    case S_MAIN: {
        static const enum scr next[] = {S_FEE_DST, S_RATE_BASE, S_GUIDE_COUNTRY, S_ALERTS, S_LANG};
        push(w, next[idx]);
        return 0;
    }
    case S_FEE_DST:
        snprintf(w->dst, sizeof(w->dst), "%s", country_at(u, w, 0, idx)->iso2);
        push(w, S_FEE_SRC);
        return 0;
    case S_FEE_SRC: {
        const struct country *c = country_at(u, w, 1, idx);
        snprintf(w->src, sizeof(w->src), "%s", c->iso2);
        snprintf(w->ccy, sizeof(w->ccy), "%s", c->ccy[0] ? c->ccy : "USD");
        push(w, S_FEE_AMT);
        return 0;
    }
    case S_FEE_AMT:
        return fee_query(u, w, idx);
    case S_RATE_BASE:
        snprintf(w->base, sizeof(w->base), "%s", ccy_at(u, w, S_RATE_BASE, idx));
        push(w, S_RATE_QUOTE);
        return 0;
    case S_RATE_QUOTE:
        snprintf(w->quote, sizeof(w->quote), "%s", ccy_at(u, w, S_RATE_QUOTE, idx));
        snprintf(w->query, sizeof(w->query), "%s %s %s", kw(u, w, UKW_RATE), w->base, w->quote);
        result(u, w, "rate", 0);
        return 0;
    case S_GUIDE_COUNTRY:
        snprintf(w->gcountry, sizeof(w->gcountry), "%s", country_at(u, w, 1, idx)->iso3);
        topics_load(u, w);
        if (w->ntopics == 0) {
            snprintf(w->query, sizeof(w->query), "%s %s", kw(u, w, UKW_GUIDE), w->gcountry);
            result(u, w, "guide", 0);
            return 0;
        }
        push(w, S_GUIDE_TOPIC);
        return 0;
    case S_GUIDE_TOPIC:
        snprintf(w->topic, sizeof(w->topic), "%s", w->topics[idx]);
        snprintf(w->query, sizeof(w->query), "%s %s %s", kw(u, w, UKW_GUIDE), w->gcountry,
                 w->topic);
        result(u, w, "guide", 0);
        return 0;
    case S_ALERTS:
        if (idx == 0) {
            push(w, S_ALERT_COUNTRY);
            return 0;
        }
        snprintf(w->query, sizeof(w->query), "%s", kw(u, w, UKW_STOP));
        result(u, w, "alerts", 1);
        return 0;
    case S_ALERT_COUNTRY:
        snprintf(w->query, sizeof(w->query), "%s %s", kw(u, w, UKW_JOIN),
                 country_at(u, w, 0, idx)->iso2);
        result(u, w, "alerts", 1);
        return 0;
    case S_LANG:
        /* The language applies to the rest of the session: back to the main menu in it. */
        w->li = idx;
        w->depth = 1;
        w->st[0].page = 0;
        return 0;
    case S_RESULT:
    case S_SENT:
        break;
    }
    return -1;
}

/* 0 on a screen: the previous page, else the previous screen. -1 on the main menu's first. */
static int go_back(struct walk *w, struct frame *f)
{
    if (f->page > 0)
        f->page--;
    else if (w->depth > 1)
        w->depth--;
    else
        return -1;
    return 0;
}

/* An input on an answer: 1 sends it by SMS (not for alerts, which are sent anyway), MORE
 * turns its page. */
static int result_input(struct walk *w, struct frame *f, long n)
{
    if (n == 1 && !w->alerts) {
        push(w, S_SENT);
        return 0;
    }
    if (n == MORE) {
        f->page++; /* checked against the answer's length when rendered */
        return 0;
    }
    return -1;
}

/* Applies one input to the walk. Returns 0, or -1 when it is not a choice on this screen. */
static int step(const struct ussd_ctx *u, struct walk *w, const char *in)
{
    struct frame *f = top(w);
    char lb[LABEL_MAX], *end;
    long n = strtol(in, &end, 10);
    int start;

    if (end == in || *end != '\0' || n < 0 || n > 99)
        return -1;
    if (f->s == S_SENT)
        return -1;
    if (n == 0)
        return go_back(w, f);
    if (f->s == S_RESULT)
        return result_input(w, f, n);
    start = page_start(u, w, f->s, f->page);
    if (n == MORE) {
        int fit = page_fit(u, w, f->s, start);
        if (item(u, w, f->s, start + fit, lb, sizeof(lb)) < 0)
            return -1;
        f->page++;
        return 0;
    }
    if (n > page_fit(u, w, f->s, start))
        return -1;
    return choose(u, w, f->s, start + (int)n - 1);
}

/* ---- Rendering ---- */

static void render_list(const struct ussd_ctx *u, const struct walk *w, const char *prefix,
                        struct ussd_screen *out)
{
    const struct frame *f = &w->st[w->depth - 1];
    int start = page_start(u, w, f->s, f->page), n = page_fit(u, w, f->s, start), i;
    char t[LABEL_MAX], lb[LABEL_MAX];
    const char *l = lang_code(u, w);
    size_t len;

    title(u, w, f->s, t, sizeof(t));
    len = (size_t)snprintf(out->text, sizeof(out->text), "CON %s%s", prefix, t);
    for (i = 0; i < n && len < sizeof(out->text); i++) {
        item(u, w, f->s, start + i, lb, sizeof(lb));
        len += (size_t)snprintf(out->text + len, sizeof(out->text) - len, "\n%d %s", i + 1, lb);
    }
    if (len < sizeof(out->text) && item(u, w, f->s, start + n, lb, sizeof(lb)) == 0)
        len += (size_t)snprintf(out->text + len, sizeof(out->text) - len, "\n%d %s", MORE,
                                label_raw(u, l, L_MORE));
    if (len < sizeof(out->text) && (w->depth > 1 || f->page > 0))
        snprintf(out->text + len, sizeof(out->text) - len, "\n0 %s", label_raw(u, l, L_BACK));
}

/* Cuts UTF-8 text to at most max characters, at a space when there is one. */
static void cut_chars(char *s, size_t max)
{
    size_t b = 0, c = 0, space = 0;

    while (s[b] != '\0' && c < max) {
        if (s[b] == ' ')
            space = b;
        b++;
        while (((unsigned char)s[b] & 0xC0) == 0x80)
            b++;
        c++;
    }
    if (s[b] != '\0')
        s[space > 0 ? space : b] = '\0';
}

static int render_result(const struct ussd_ctx *u, const struct walk *w, time_t now,
                         struct ussd_screen *out)
{
    struct handler_reply *reply = malloc(sizeof(*reply));
    const struct frame *f = &w->st[w->depth - 1];
    struct handler_query q = {.text = w->query,
                              .from = NULL,
                              .lang = w->li >= 0 ? u->langs[w->li].code : NULL,
                              .now = now};
    const char *l = lang_code(u, w);
    size_t len = 0, foot = foot_chars(u, w, 1);
    int rc = 0, off;

    if (reply == NULL)
        return -1;
    rc = handler_answer(u->h, &q, reply);
    if (f->s == S_SENT) {
        snprintf(out->sms, sizeof(out->sms), "%s", reply->text);
        snprintf(out->text, sizeof(out->text), "END %s", label_raw(u, l, L_SENT));
        cut_chars(out->text, USSD_SCREEN_MAX);
        out->end = 1;
        goto out;
    }
    if (w->alerts) {
        /* Alerts change what the gateway sends later: the request goes through the SMS path,
         * which owns subscriptions, and is answered there by SMS. */
        out->end = 1;
        if (reply->understood) {
            snprintf(out->inject, sizeof(out->inject), "%.63s", w->query);
            snprintf(out->text, sizeof(out->text), "END %.720s", reply->text);
            cut_chars(out->text, USSD_SCREEN_MAX);
        } else {
            char soon[LABEL_MAX * 2];
            label(u, l, L_SOON, "query", w->query, soon, sizeof(soon));
            snprintf(out->text, sizeof(out->text), "END %s", soon);
            cut_chars(out->text, USSD_SCREEN_MAX);
        }
        goto out;
    }
    if ((off = result_page(reply->text, foot, f->page, &len)) < 0) {
        /* 98 past the last page: show the last one again. */
        int p = f->page;
        while (p > 0 && (off = result_page(reply->text, foot, --p, &len)) < 0)
            ;
        out->invalid = 1;
    }
    {
        int more = result_page(reply->text, foot, f->page + 1, &(size_t){0}) >= 0;
        char more_line[LABEL_MAX + 8] = "";
        if (more && !out->invalid)
            snprintf(more_line, sizeof(more_line), "\n%d %s", MORE, label_raw(u, l, L_MORE));
        snprintf(out->text, sizeof(out->text), "CON %.*s\n1 %s%s\n0 %s", (int)len,
                 reply->text + off, label_raw(u, l, L_BY_SMS), more_line, label_raw(u, l, L_BACK));
    }
out:
    free(reply);
    return rc;
}

void ussd_notice(const ussd_ctx *u, const char *lang, enum ussd_notice n, struct ussd_screen *out)
{
    int li = lang_find(u, lang);

    memset(out, 0, sizeof(*out));
    out->intent = "menu";
    out->end = 1;
    snprintf(out->text, sizeof(out->text), "END %s",
             label_raw(u, li >= 0 ? u->langs[li].code : u->h->default_lang,
                       n == USSD_EXPIRED       ? L_EXPIRED
                       : n == USSD_OTHER_PHONE ? L_OTHER_PHONE
                                               : L_ERROR));
    cut_chars(out->text, USSD_SCREEN_MAX);
}

int ussd_answer(ussd_ctx *u, const char *text, const char *from, const char *lang, time_t now,
                struct ussd_screen *out)
{
    struct walk *w = calloc(1, sizeof(*w));
    char buf[USSD_TEXT_MAX + 1], *tok, *save = NULL;
    const char *p;
    int rc = 0, bad = 0;

    memset(out, 0, sizeof(*out));
    out->intent = "menu";
    if (w == NULL) {
        snprintf(out->text, sizeof(out->text), "END %s", label_raw(u, u->h->default_lang, L_ERROR));
        out->end = 1;
        return -1;
    }
    if (text == NULL)
        text = "";
    for (p = text; *p;)
        if (text_utf8_next(&p) < 0)
            bad = 1;
    if (bad || strlen(text) > USSD_TEXT_MAX) {
        snprintf(out->text, sizeof(out->text), "END %s",
                 label_raw(u, u->h->default_lang, L_UNREADABLE));
        cut_chars(out->text, USSD_SCREEN_MAX);
        out->end = 1;
        out->invalid = 1;
        rc = -1;
        goto out;
    }
    w->li = lang_find(u, lang);
    w->home = from ? lex_country_by_number(u->h->lx, from) : NULL;
    push(w, S_MAIN);
    snprintf(buf, sizeof(buf), "%s", text);
    /* Empty inputs between two '*' are kept as inputs: each is one key press the user sent. */
    for (tok = buf; tok != NULL; tok = save) {
        save = strchr(tok, '*');
        if (save != NULL)
            *save++ = '\0';
        if (tok == buf && save == NULL && *tok == '\0')
            break; /* the first request */
        out->invalid = step(u, w, tok) < 0;
    }
    if (w->li >= 0)
        snprintf(out->lang, sizeof(out->lang), "%s", u->langs[w->li].code);
    switch (top(w)->s) {
    case S_RESULT:
    case S_SENT:
        out->intent = w->intent;
        if (render_result(u, w, now, out) < 0)
            rc = -1;
        break;
    default:
        if (top(w)->s == S_LANG)
            out->intent = "lang";
        if (out->invalid) {
            char inv[LABEL_MAX];
            snprintf(inv, sizeof(inv), "%s ", label_raw(u, lang_code(u, w), L_INVALID));
            render_list(u, w, inv, out);
        }
        /* Pages are filled without the notice (a replay must land on the same page): when it
         * does not fit, the screen is shown without it. */
        if (!out->invalid || chars(out->text) > USSD_SCREEN_MAX)
            render_list(u, w, "", out);
        break;
    }
out:
    free(w);
    return rc;
}
