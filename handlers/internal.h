/*
 * internal.h: what the keyword handlers share inside handlers/. Not for other modules.
 *
 * A handler gets the parsed query and a compactness level (0 = full wording, higher = shorter:
 * codes for names, fewer providers) and writes its reply in the reply language. The router
 * tries levels from 0 until the reply fits one SMS, and otherwise cuts it to max_parts.
 */
#ifndef RL_HANDLERS_INTERNAL_H
#define RL_HANDLERS_INTERNAL_H

#include <stddef.h>

#include "handlers/handler.h"
#include "handlers/lexicon.h"
#include "handlers/parse.h"

/* 0 full wording; 1 codes for names; 2 fewer providers; 3 no amount that arrives (for the 70
 * characters of a UCS-2 SMS). */
#define HANDLER_LEVELS 4

#define HANDLER_RATE_MEMO 64

/*
 * A context's memory of what it looked up: content only changes by an import, after which the
 * context is opened again, so names and rates found once stay true for its life. This is what
 * lets one core answer tens of thousands of queries a second.
 */
struct handler_memo {
    struct name_memo { /* a country's name in a language, by ISO2 slot and language index */
        char name[64];
    } * names; /* 26 * 26 * HANDLER_NAME_LANGS, allocated on first use */
    struct rate_memo {
        char base[4], quote[4];
        int rc; /* what db_rate_get returned: 1 found, 0 no path */
        struct db_rate r;
    } rates[HANDLER_RATE_MEMO];
    int nrates, next_rate;
};
#define HANDLER_NAME_LANGS 16

struct handler_ctx {
    db *d;
    lexicon *lx;
    char default_lang[8];
    int max_parts;
    int max_age_rates, max_age_fees; /* days */
    struct handler_memo memo;
};

struct hq;

/* db_rate_get, remembered for the context's life. */
int hq_rate(const struct hq *x, const char *base, const char *quote, struct db_rate *out);

/* What a handler sees of one query. */
struct hq {
    handler_ctx *h;
    const struct handler_query *q;
    const struct parse_result *p;
    const char *text;        /* the text p was parsed from (a choice's option, or the query) */
    struct handler_reply *r; /* a handler may set r->consent, r->topic and r->pending */
    const char *lang;        /* reply language */
    int native;              /* reply in the language's own script (the query was written in it) */
    const char *names_lang;  /* language of country names: lang, or "en" for a romanised reply */
    char decimal;            /* '.' or ',' */
    int level;               /* 0..HANDLER_LEVELS-1 */
};

/* Returns 0, or -1 on a database error. */
typedef int (*handler_fn)(const struct hq *x, char *out, size_t outsz);

int handler_fee(const struct hq *x, char *out, size_t outsz);
int handler_rate(const struct hq *x, char *out, size_t outsz);
int handler_guide(const struct hq *x, char *out, size_t outsz);
int handler_help(const struct hq *x, char *out, size_t outsz);
int handler_join(const struct hq *x, char *out, size_t outsz);
int handler_leave(const struct hq *x, char *out, size_t outsz);
int handler_stop(const struct hq *x, char *out, size_t outsz);
int handler_start(const struct hq *x, char *out, size_t outsz);
int handler_my(const struct hq *x, char *out, size_t outsz);

/*
 * Renders the "old data" marker for period into out (with a leading space) when it is older
 * than max_age_days at the query's time, else makes out empty. Returns 1 when stale.
 */
int tpl_stale(const struct hq *x, const char *period, int max_age_days, char *out, size_t outsz);

int handler_lang(const struct hq *x, char *out, size_t outsz);

/*
 * FEE's origin and destination: explicit from/to words first, then the order typed. A single
 * country is the destination, and the origin is the country of the sender's number when that is
 * a sending country (one some quote starts from). *src or *dst NULL when unknown; borrowed.
 */
void fee_places(const lexicon *lx, const struct parse_result *p, const char *number,
                const char **src, const char **dst);

/* The keyword kind the router answers a parsed query with ("fee", "rate", ..., "help"): the
 * first keyword, or what the places and currencies imply. Static string. */
const char *router_intent(const struct parse_result *p);

/* Whether the names the query path gives content are those the content schema accepts
 * (db/vocab.h): router_vocab_check() each keyword row's word kind and asking template,
 * ussd_vocab_check() each screen label's template. 0, or -1 with the first stray name logged. */
int router_vocab_check(void);
int ussd_vocab_check(void);

/* A placeholder value for a template. */
struct kv {
    const char *key;
    const char *val;
};

/*
 * Renders template name of the reply language (English if missing) with {key} placeholders;
 * unknown placeholders become empty, runs of spaces fold to one. Returns the length.
 */
size_t tpl_render(const struct hq *x, const char *name, const struct kv *kv, int nkv, char *out,
                  size_t outsz);

/* Number formats for replies. Each returns out. */
const char *fmt_money(const struct hq *x, const char *ccy, double v, char *out, size_t outsz);
const char *fmt_pct(const struct hq *x, double v, char *out, size_t outsz);
/* A rate: four significant figures at least; a fixed parity (fixed = 1) in full. */
const char *fmt_rate(const struct hq *x, double v, int fixed, char *out, size_t outsz);
/* "2026-04-13" in the reply language: its "date" template ({d} day, {dd} two-digit day,
 * {mon} the language's month abbreviation, {yy}, {yyyy}): "13Apr26", "13 avr. 2026". A period
 * such as "2020Q3" is kept. */
const char *fmt_date(const struct hq *x, const char *iso, char *out, size_t outsz);
/* The name of a country in the reply language, or its ISO3 code at compact levels. */
const char *fmt_country(const struct hq *x, const char *iso2, char *out, size_t outsz);

#endif
