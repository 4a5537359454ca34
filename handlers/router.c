#include <assert.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"
#include "db/alerts.h"
#include "db/vocab.h"
#include "handlers/internal.h"

/*
 * The keywords. A row names the word kind that selects it (the words themselves are content,
 * per language), the function, what it needs from the query, the template that asks for what is
 * missing, and flags for everything else the router decides. The dispatcher checks the needs, so
 * a handler never sees a query it cannot answer. A row's place in the table means nothing: the
 * row flagged KW_DEFAULT answers anything not understood (with the help text).
 */
enum need { NEED_NONE = 0, NEED_PLACE = 1, NEED_TWO_CURRENCIES = 2 };

/* Keyword flags. */
enum kw_flag {
    /* Answered even to a number that said STOP. */
    KW_WHEN_STOPPED = 1 << 0,
    /* Only as the first word but filler of a short message (parse.h, intent_lead), so "what is
     * my rate usa mex" asks no MY. The parser holds STOP and START to the same place, and to
     * their exact words, so that a sentence around them is still read as a question. */
    KW_SHORT = 1 << 1,
    /* The one row that answers what is not understood. */
    KW_DEFAULT = 1 << 2,
    /* Taken with no keyword when the query names two places ("USA MEX"). */
    KW_FOR_PLACES = 1 << 3,
    /* Taken with no keyword when the query names two currencies ("EUR PHP"), and instead of a
     * KW_FOR_PLACES keyword that got currencies but no place ("taxa euro real"). */
    KW_FOR_CURRENCIES = 1 << 4,
    /* A place word that may mean several countries gets the numbered choice after the answer. */
    KW_OFFERS_CHOICE = 1 << 5,
    /* The reply goes out in the language the query names (LANG FR), and is remembered. */
    KW_SETS_LANG = 1 << 6,
};

static const struct keyword {
    const char *kind;
    handler_fn fn;
    enum need need;
    const char *ask_template;
    int flags;
} keywords[] = {
    {"fee", handler_fee, NEED_PLACE, "fee_need", KW_FOR_PLACES | KW_OFFERS_CHOICE},
    {"rate", handler_rate, NEED_TWO_CURRENCIES, "rate_need", KW_FOR_CURRENCIES},
    {"guide", handler_guide, NEED_NONE, NULL, KW_OFFERS_CHOICE},
    {"lang", handler_lang, NEED_NONE, NULL, KW_SETS_LANG},
    {"join", handler_join, NEED_NONE, NULL, KW_WHEN_STOPPED},
    {"leave", handler_leave, NEED_NONE, NULL, 0},
    {"stop", handler_stop, NEED_NONE, NULL, KW_WHEN_STOPPED | KW_SHORT},
    {"start", handler_start, NEED_NONE, NULL, KW_WHEN_STOPPED | KW_SHORT},
    {"my", handler_my, NEED_NONE, NULL, KW_SHORT},
    {"help", handler_help, NEED_NONE, NULL, KW_DEFAULT},
};
#define NKEYWORDS (sizeof(keywords) / sizeof(keywords[0]))

int router_vocab_check(void)
{
    for (size_t i = 0; i < NKEYWORDS; i++) {
        if (!db_word_kind_known(keywords[i].kind)) {
            log_warnx("keyword kind %s is not in db/vocab.c", keywords[i].kind);
            return -1;
        }
        if (keywords[i].ask_template != NULL && !db_template_known(keywords[i].ask_template)) {
            log_warnx("template %s is not in db/vocab.c", keywords[i].ask_template);
            return -1;
        }
    }
    return 0;
}

handler_ctx *handler_open(db *d, const struct handler_opts *opts)
{
    handler_ctx *h = calloc(1, sizeof(*h));

    if (h == NULL) {
        log_warn("handlers: allocating context");
        return NULL;
    }
    h->d = d;
    h->lx = lex_load(d);
    if (h->lx == NULL) {
        free(h);
        return NULL;
    }
    snprintf(h->default_lang, sizeof(h->default_lang), "%s",
             opts && opts->default_lang ? opts->default_lang : "en");
    h->max_parts = opts && opts->max_parts > 0 ? opts->max_parts : 3;
    h->max_age_rates = opts && opts->max_age_rates > 0 ? opts->max_age_rates : 7;
    h->max_age_fees = opts && opts->max_age_fees > 0 ? opts->max_age_fees : 365;
    return h;
}

void handler_close(handler_ctx *h)
{
    if (h == NULL)
        return;
    lex_free(h->lx);
    free(h->memo.names);
    free(h);
}

int hq_rate(const struct hq *x, const char *base, const char *quote, struct db_rate *out)
{
    struct handler_memo *m = &x->h->memo;
    struct rate_memo *e;
    int i, rc;

    for (i = 0; i < m->nrates; i++) {
        if (strcmp(m->rates[i].base, base) == 0 && strcmp(m->rates[i].quote, quote) == 0) {
            *out = m->rates[i].r;
            return m->rates[i].rc;
        }
    }
    rc = db_rate_get(x->h->d, base, quote, out);
    if (rc < 0)
        return rc; /* an error is not remembered */
    e = &m->rates[m->nrates < HANDLER_RATE_MEMO ? m->nrates++ : m->next_rate++ % HANDLER_RATE_MEMO];
    snprintf(e->base, sizeof(e->base), "%.3s", base);
    snprintf(e->quote, sizeof(e->quote), "%.3s", quote);
    e->rc = rc;
    e->r = *out;
    return rc;
}

const char *handler_template(handler_ctx *h, const char *lang, const char *name)
{
    return lex_template(h->lx, lang, name);
}

int handler_languages(const handler_ctx *h)
{
    return lex_nlangs(h->lx);
}

/* ---- Templates and number formats ---- */

size_t tpl_render(const struct hq *x, const char *name, const struct kv *kv, int nkv, char *out,
                  size_t outsz)
{
    const char *t = lex_template_in(x->h->lx, x->lang, name, x->native);
    size_t o = 0;

    if (outsz == 0)
        return 0;
    if (t == NULL)
        t = "";
    while (*t && o + 1 < outsz) {
        const char *val = NULL, *close;
        int i;

        if (*t != '{' || (close = strchr(t, '}')) == NULL) {
            /* Fold runs of spaces left by empty placeholders. */
            if (!(*t == ' ' && (o == 0 || out[o - 1] == ' ')))
                out[o++] = *t;
            t++;
            continue;
        }
        for (i = 0; i < nkv; i++)
            if (strlen(kv[i].key) == (size_t)(close - t - 1) &&
                strncmp(kv[i].key, t + 1, (size_t)(close - t - 1)) == 0)
                val = kv[i].val;
        for (; val && *val && o + 1 < outsz; val++)
            if (!(*val == ' ' && (o == 0 || out[o - 1] == ' ')))
                out[o++] = *val;
        t = close + 1;
    }
    while (o > 0 && out[o - 1] == ' ')
        o--;
    out[o] = '\0';
    /* A space left before punctuation by an empty placeholder: "cost ." -> "cost." */
    {
        size_t r, w = 0;
        for (r = 0; r < o; r++) {
            if (out[r] == ' ' && r + 1 < o && strchr(".,;:)", out[r + 1]) != NULL)
                continue;
            out[w++] = out[r];
        }
        out[w] = '\0';
        o = w;
    }
    return o;
}

/* Writes v with the language's decimal separator. */
static const char *fmt_num(const struct hq *x, double v, int decimals, char *out, size_t outsz)
{
    char *dot;

    snprintf(out, outsz, "%.*f", decimals, v);
    if (x->decimal == ',' && (dot = strchr(out, '.')) != NULL)
        *dot = ',';
    return out;
}

const char *fmt_money(const struct hq *x, const char *ccy, double v, char *out, size_t outsz)
{
    char num[48];

    fmt_num(x, v, fabs(v) >= 100 ? 0 : 2, num, sizeof(num));
    snprintf(out, outsz, "%s%s", ccy, num);
    return out;
}

const char *fmt_pct(const struct hq *x, double v, char *out, size_t outsz)
{
    char num[48];

    fmt_num(x, v, 1, num, sizeof(num));
    snprintf(out, outsz, "%s%%", num);
    return out;
}

const char *fmt_rate(const struct hq *x, double v, int fixed, char *out, size_t outsz)
{
    int decimals;

    if (fixed && v > 0 && v < 1e6) {
        /* A parity set by law is shown as the law writes it (655.957, 1.95583): up to six
         * decimals, the trailing zeros of the double dropped. */
        char *dot, *end;
        int d = 5 - (int)floor(log10(v));
        fmt_num(x, v, d > 6 ? (d < 15 ? d : 15) : 6, out, outsz);
        if ((dot = strpbrk(out, ".,")) != NULL) {
            for (end = out + strlen(out) - 1; end > dot && *end == '0'; end--)
                *end = '\0';
            if (end == dot)
                *end = '\0';
        }
        return out;
    }
    if (v >= 1000)
        decimals = 0;
    else if (v >= 100)
        decimals = 2;
    else if (v >= 0.1)
        decimals = 4;
    else
        decimals = 6;
    /* At least four significant figures however small (1 IDR = 0.00005798 USD). */
    if (v > 0 && v < 0.01) {
        int sig = 3 - (int)floor(log10(v));
        if (sig > decimals)
            decimals = sig < 15 ? sig : 15;
    }
    return fmt_num(x, v, decimals, out, outsz);
}

const char *fmt_date(const struct hq *x, const char *iso, char *out, size_t outsz)
{
    static const char en[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    const struct lex_lang *l = lex_lang(x->h->lx, x->lang);
    char d[4], mon[16], yy[4], yyyy[6];
    int m;

    if (iso == NULL || strlen(iso) != 10 || iso[4] != '-') {
        snprintf(out, outsz, "%s", iso ? iso : "");
        return out;
    }
    m = (iso[5] - '0') * 10 + (iso[6] - '0');
    if (m < 1 || m > 12) {
        snprintf(out, outsz, "%s", iso);
        return out;
    }
    /* The day without a leading zero in the languages that write it so; English keeps the
     * compact 13Apr26 the replies have always had. */
    snprintf(d, sizeof(d), "%.*s", iso[8] == '0' ? 1 : 2, iso + 8 + (iso[8] == '0'));
    if (l != NULL && l->months[m - 1][0] != '\0')
        snprintf(mon, sizeof(mon), "%s", l->months[m - 1]);
    else
        snprintf(mon, sizeof(mon), "%.3s", en + (m - 1) * 3);
    snprintf(yy, sizeof(yy), "%.2s", iso + 2);
    snprintf(yyyy, sizeof(yyyy), "%.4s", iso);
    {
        char dd[4];
        struct kv kv[] = {{"d", d}, {"dd", dd}, {"mon", mon}, {"yy", yy}, {"yyyy", yyyy}};
        snprintf(dd, sizeof(dd), "%.2s", iso + 8);
        if (tpl_render(x, "date", kv, 5, out, outsz) == 0)
            snprintf(out, outsz, "%s%s%s", dd, mon, yy);
    }
    return out;
}

const char *fmt_country(const struct hq *x, const char *iso2, char *out, size_t outsz)
{
    const struct lex_country *c = lex_country(x->h->lx, iso2);

    if (x->level > 0 && c != NULL) {
        snprintf(out, outsz, "%s", c->iso3);
        return out;
    }
    {
        /* Remembered by (ISO2, language): a reply names two countries, a burst thousands. */
        struct handler_memo *m = &x->h->memo;
        const struct lex_lang *l = lex_lang(x->h->lx, x->names_lang);
        int li = l != NULL ? (int)(l - lex_lang_at(x->h->lx, 0)) : -1;
        int k = iso2[0] >= 'A' && iso2[0] <= 'Z' && iso2[1] >= 'A' && iso2[1] <= 'Z'
                    ? (iso2[0] - 'A') * 26 + (iso2[1] - 'A')
                    : -1;

        if (k < 0 || li < 0 || li >= HANDLER_NAME_LANGS) {
            db_country_name(x->h->d, iso2, x->names_lang, out, outsz);
            return out;
        }
        if (m->names == NULL &&
            (m->names = calloc(26 * 26 * HANDLER_NAME_LANGS, sizeof(*m->names))) == NULL) {
            db_country_name(x->h->d, iso2, x->names_lang, out, outsz);
            return out;
        }
        k = k * HANDLER_NAME_LANGS + li;
        if (m->names[k].name[0] == '\0')
            db_country_name(x->h->d, iso2, x->names_lang, m->names[k].name,
                            sizeof(m->names[k].name));
        snprintf(out, outsz, "%s", m->names[k].name);
    }
    return out;
}

/* ---- Staleness ---- */

int handler_period_end(const char *period, time_t *out)
{
    struct tm tm;
    int y, m, d, q, i;

    if (period == NULL || strlen(period) < 6)
        return -1;
    memset(&tm, 0, sizeof(tm));
    for (i = 0; i < 4; i++)
        if (period[i] < '0' || period[i] > '9')
            return -1;
    y = (period[0] - '0') * 1000 + (period[1] - '0') * 100 + (period[2] - '0') * 10 +
        (period[3] - '0');
    if (strlen(period) == 6 && period[4] == 'Q' && period[5] >= '1' && period[5] <= '4') {
        q = period[5] - '0';
        tm.tm_year = y - 1900;
        tm.tm_mon = q * 3; /* the first day of the next quarter; timegm() normalises month 12 */
        tm.tm_mday = 1;
    } else if (strlen(period) == 10 && period[4] == '-' && period[7] == '-') {
        m = (period[5] - '0') * 10 + (period[6] - '0');
        d = (period[8] - '0') * 10 + (period[9] - '0');
        if (m < 1 || m > 12 || d < 1 || d > 31)
            return -1;
        tm.tm_year = y - 1900;
        tm.tm_mon = m - 1;
        tm.tm_mday = d + 1; /* the end of that day */
    } else {
        return -1;
    }
    *out = timegm(&tm);
    return 0;
}

int handler_is_stale(const char *period, time_t now, int max_age_days)
{
    time_t end;

    if (now == 0 || handler_period_end(period, &end) < 0)
        return 0;
    return now - end > (time_t)max_age_days * 86400;
}

int tpl_stale(const struct hq *x, const char *period, int max_age_days, char *out, size_t outsz)
{
    char date[16], marker[64];

    out[0] = '\0';
    if (!handler_is_stale(period, x->q->now, max_age_days))
        return 0;
    {
        struct kv kv[] = {{"date", fmt_date(x, period, date, sizeof(date))}};
        tpl_render(x, "stale", kv, 1, marker, sizeof(marker));
    }
    snprintf(out, outsz, " %s", marker);
    return 1;
}

/* ---- Dispatch ---- */

int handler_help(const struct hq *x, char *out, size_t outsz)
{
    tpl_render(x, "help", NULL, 0, out, outsz);
    return 0;
}

/* LANG xx: the router has already switched the reply language when xx is one we have; a code
 * of one we do not have is told so, with the list of those we have (as lang_need gives it). */
int handler_lang(const struct hq *x, char *out, size_t outsz)
{
    char langs[128] = "", code[4];
    size_t len = 0;
    int i;

    if (x->p->target_lang[0] != '\0' && lex_lang(x->h->lx, x->p->target_lang) != NULL) {
        tpl_render(x, "lang_set", NULL, 0, out, outsz);
        return 0;
    }
    for (i = 0; i < lex_nlangs(x->h->lx) && len < sizeof(langs); i++) {
        const struct lex_lang *l = lex_lang_at(x->h->lx, i);
        int k;
        len += (size_t)snprintf(langs + len, sizeof(langs) - len, "%s", i ? ", " : "");
        for (k = 0; l->code[k] && len + 1 < sizeof(langs); k++)
            langs[len++] = (char)toupper((unsigned char)l->code[k]);
        langs[len < sizeof(langs) ? len : sizeof(langs) - 1] = '\0';
    }
    snprintf(code, sizeof(code), "%c%c", toupper((unsigned char)x->p->asked_lang[0]),
             toupper((unsigned char)x->p->asked_lang[1]));
    {
        struct kv kv[] = {{"code", code}, {"langs", langs}};
        tpl_render(x, x->p->asked_lang[0] ? "lang_unknown" : "lang_need", kv, 2, out, outsz);
    }
    return 0;
}

/*
 * RATE naming a three-letter code that is no currency we know ("rate btc usd"): the code, so
 * the reply says so instead of pricing another currency in its place. Only in a short message
 * of codes (at most four words), where such a word can only be a code. 1 and code, else 0.
 */
static int unknown_currency(const struct parse_result *p, char code[4])
{
    int i;

    if (p->tokens > 4 || p->nmoney >= 2)
        return 0;
    for (i = 0; i < p->nrest; i++) {
        const char *w = p->rest[i];
        if (strlen(w) == 3 && isalpha((unsigned char)w[0]) && isalpha((unsigned char)w[1]) &&
            isalpha((unsigned char)w[2])) {
            code[0] = (char)toupper((unsigned char)w[0]);
            code[1] = (char)toupper((unsigned char)w[1]);
            code[2] = (char)toupper((unsigned char)w[2]);
            code[3] = '\0';
            return 1;
        }
    }
    return 0;
}

/* The row that carries flag; a flag that selects a row is on exactly one. */
static const struct keyword *keyword_with(int flag)
{
    size_t i;

    for (i = 0; i < NKEYWORDS; i++)
        if (keywords[i].flags & flag)
            return &keywords[i];
    assert(!"no keyword row carries the flag");
    return NULL;
}

static const struct keyword *pick_keyword(const struct parse_result *p)
{
    const struct keyword *kw = NULL;
    size_t i;

    for (i = 0; i < NKEYWORDS; i++)
        if (strcmp(keywords[i].kind, p->intent) == 0)
            kw = &keywords[i];
    if (kw != NULL && (kw->flags & KW_SHORT) && !p->intent_lead)
        kw = NULL; /* "stop" in the middle of a sentence is not an opt-out */
    /* A fee word with currencies and no place ("taxa euro real") asks for a rate. */
    if (kw != NULL && (kw->flags & KW_FOR_PLACES) && p->ncountries == 0 && p->nmoney >= 2)
        kw = keyword_with(KW_FOR_CURRENCIES);
    /* No keyword: two places mean a fee question, two currencies a rate question. */
    if (kw == NULL && p->ncountries >= 2)
        kw = keyword_with(KW_FOR_PLACES);
    else if (kw == NULL && p->nmoney >= 2)
        kw = keyword_with(KW_FOR_CURRENCIES);
    return kw;
}

const char *router_intent(const struct parse_result *p)
{
    const struct keyword *kw = pick_keyword(p);
    return kw ? kw->kind : keyword_with(KW_DEFAULT)->kind;
}

/* The text to answer: the query, or the option a lone digit picks from a pending choice. */
static const char *chosen_text(const struct handler_query *q, char *buf, size_t bufsz)
{
    const char *t = q->text ? q->text : "", *line;
    long k = 0;

    while (*t == ' ')
        t++;
    if (q->pending == NULL || q->pending[0] == '\0' || t[0] < '1' || t[0] > '9')
        return q->text;
    k = t[0] - '0';
    for (t++; *t == ' ' || *t == '.' || *t == ')' || *t == '\r' || *t == '\n'; t++)
        ;
    if (*t != '\0')
        return q->text;
    for (line = q->pending; k > 1 && line != NULL; k--) {
        line = strchr(line, '\n');
        if (line != NULL)
            line++;
    }
    if (line == NULL || *line == '\0')
        return q->text;
    snprintf(buf, bufsz, "%.*s", (int)strcspn(line, "\n"), line);
    return buf;
}

/*
 * A place word that may mean several countries: the options as rewritten queries (the word
 * replaced by each country's ISO3 code) into r->pending, and the numbered list to show.
 */
static void make_choice(const struct hq *x, const char *text, struct handler_reply *r, char *list,
                        size_t listsz)
{
    const struct parse_result *p = x->p;
    size_t o = 0, l = 0;
    int k;

    r->pending[0] = list[0] = '\0';
    if (p->nchoices < 2 || (size_t)p->choice_end > strlen(text) || strlen(text) > 160)
        return;
    for (k = 0; k < p->nchoices; k++) {
        const struct lex_country *c = lex_country(x->h->lx, p->choice[k]);
        char name[64];
        int w;
        if (c == NULL)
            return;
        w = snprintf(r->pending + o, sizeof(r->pending) - o, "%s%.*s%s%s", k ? "\n" : "",
                     p->choice_start, text, c->iso3, text + p->choice_end);
        if (w < 0 || (size_t)w >= sizeof(r->pending) - o) {
            r->pending[0] = list[0] = '\0';
            return;
        }
        o += (size_t)w;
        db_country_name(x->h->d, p->choice[k], x->names_lang, name, sizeof(name));
        w = snprintf(list + l, listsz - l, "%s%d=%s", k ? " " : "", k + 1, name);
        if (w < 0 || (size_t)w >= listsz - l)
            break;
        l += (size_t)w;
    }
}

static const char *pick_lang(handler_ctx *h, const struct handler_query *q,
                             const struct parse_result *p)
{
    if (p->lang[0] && lex_lang(h->lx, p->lang))
        return p->lang;
    if (q->lang && lex_lang(h->lx, q->lang))
        return q->lang;
    return h->default_lang;
}

/* Cleans and measures a candidate reply; returns its part count. */
static int finish(const struct hq *x, const char *raw, struct handler_reply *r)
{
    const struct lex_lang *l = lex_lang(x->h->lx, x->lang);

    if (gsm_prepare(raw, l ? l->translit : 1, r->text, sizeof(r->text)) < 0)
        gsm_fit(r->text, x->h->max_parts);
    gsm_measure(r->text, &r->info);
    return r->info.parts;
}

/* Appends the numbered choice to the best-guess answer when both fit one SMS, else the choice
 * alone replaces it: the question matters more than a guess. */
static void offer_choice(const struct hq *x, const char *list, struct handler_reply *r)
{
    char raw[HANDLER_REPLY_MAX + 400], ask[400];
    struct kv kv[] = {{"list", list}};

    tpl_render(x, "choose", kv, 1, ask, sizeof(ask));
    snprintf(raw, sizeof(raw), "%s %s", r->text, ask);
    if (finish(x, raw, r) > 1)
        finish(x, ask, r);
}

int handler_answer(handler_ctx *h, const struct handler_query *q, struct handler_reply *r)
{
    struct parse_result p;
    const struct keyword *kw;
    struct hq x;
    char raw[HANDLER_REPLY_MAX], chosen[HANDLER_PENDING_MAX], list[400];
    const char *text;
    int rc = 0;

    memset(r, 0, sizeof(*r));
    text = chosen_text(q, chosen, sizeof(chosen));
    parse_query(h->lx, text, &p);
    kw = pick_keyword(&p);
    r->understood = (kw != NULL);
    if (kw == NULL)
        kw = keyword_with(KW_DEFAULT);

    memset(&x, 0, sizeof(x));
    x.h = h;
    x.q = q;
    x.r = r;
    x.p = &p;
    x.text = text ? text : "";
    x.lang = pick_lang(h, q, &p);
    if ((kw->flags & KW_SETS_LANG) && p.target_lang[0] && lex_lang(h->lx, p.target_lang)) {
        x.lang = p.target_lang; /* LANG FR answers in French, and is remembered */
        snprintf(r->save_lang, sizeof(r->save_lang), "%s", p.target_lang);
    } else if ((kw->flags & KW_SETS_LANG) && p.asked_lang[0]) {
        /* LANG DE: the words are no clue ("DE" is French too); the language they had. */
        x.lang = q->lang && lex_lang(h->lx, q->lang) ? q->lang : h->default_lang;
    }
    {
        /* The language's decimal mark, unless it writes the other one in the country the
         * reply is for, the sender's (Spanish for Mexico: 1.5). */
        const struct lex_lang *l = lex_lang(h->lx, x.lang);
        const struct lex_country *home = lex_country_by_number(h->lx, q->from);
        x.decimal = l ? l->decimal : '.';
        /* Written in the language's own script: the reply too, where the content has it; else
         * its romanised form, with country names people can read in Latin letters. */
        x.native = l != NULL && l->native && p.native;
        x.names_lang = l != NULL && l->native && !x.native ? "en" : x.lang;
        if (l != NULL && home != NULL && strstr(l->other_decimal_in, home->iso2) != NULL)
            x.decimal = x.decimal == ',' ? '.' : ',';
    }
    snprintf(r->lang, sizeof(r->lang), "%s", x.lang);
    r->intent = kw->kind;
    /* A number that said STOP gets nothing more, but what undoes the STOP. */
    if (!(kw->flags & KW_WHEN_STOPPED) && q->from != NULL) {
        int stopped = db_subscriber_stopped(h->d, q->from);
        if (stopped != 0) {
            r->silent = 1;
            return stopped < 0 ? -1 : 0;
        }
    }

    /* RATE BTC USD: an unknown code is answered as unknown, never replaced by another. */
    if (kw->need == NEED_TWO_CURRENCIES) {
        char code[4];
        if (unknown_currency(&p, code)) {
            struct kv kv[] = {{"code", code}};
            tpl_render(&x, "rate_unknown", kv, 1, raw, sizeof(raw));
            finish(&x, raw, r);
            return 0;
        }
    }
    /* RATE with one currency: against the money of the sender's country ("kurso ng dolyar"
     * from a Philippine number is USD/PHP). */
    if (kw->need == NEED_TWO_CURRENCIES && p.nmoney == 1) {
        const struct lex_country *home = lex_country_by_number(h->lx, q->from);
        if (home != NULL && strcmp(home->currency, p.money[0]) != 0)
            snprintf(p.money[p.nmoney++], sizeof(p.money[0]), "%s", home->currency);
    }
    if ((kw->need == NEED_PLACE && p.ncountries == 0) ||
        (kw->need == NEED_TWO_CURRENCIES && p.nmoney < 2)) {
        tpl_render(&x, kw->ask_template, NULL, 0, raw, sizeof(raw));
        finish(&x, raw, r);
        return 0;
    }
    /* Shorter wording until it fits one SMS; else the fullest wording, cut to max_parts. */
    for (x.level = 0; x.level < HANDLER_LEVELS; x.level++) {
        if (kw->fn(&x, raw, sizeof(raw)) < 0) {
            rc = -1;
            break;
        }
        if (finish(&x, raw, r) <= 1) {
            if (p.nchoices >= 2 && (kw->flags & KW_OFFERS_CHOICE)) {
                x.level = 0;
                make_choice(&x, text ? text : "", r, list, sizeof(list));
                if (r->pending[0] != '\0')
                    offer_choice(&x, list, r);
            }
            return 0;
        }
    }
    x.level = 0;
    if (rc < 0)
        tpl_render(&x, "error", NULL, 0, raw, sizeof(raw));
    else if (kw->fn(&x, raw, sizeof(raw)) < 0)
        rc = -1;
    finish(&x, raw, r);
    if (r->info.parts > h->max_parts) {
        gsm_fit(r->text, h->max_parts);
        gsm_measure(r->text, &r->info);
    }
    return rc;
}
