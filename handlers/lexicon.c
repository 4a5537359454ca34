#include "handlers/lexicon.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/vocab.h"
#include "util/log.h"
#include "util/text.h"

/* Bounds that no sane content reaches; they keep a bad file from exhausting memory. */
#define LEX_MAX_ENTRIES 200000
#define LEX_MAX_POOL    (16u << 20)

struct lex_template {
    char lang[4];
    char name[24];
    int native;       /* written in the language's own script (DB_TEMPLATE_NATIVE) */
    const char *text; /* in the pool */
};

/* One distinct phrase, for the fuzzy search: its length, word count and letter set. */
struct lex_key {
    const char *s;
    uint32_t letters; /* bit c - 'a' for each letter present */
    unsigned char len, words;
};

#define LEX_KEY_MAXLEN 48

struct lexicon {
    struct lex_entry *e;
    size_t n, cap;
    char *pool; /* every string, NUL-terminated, back to back */
    size_t pool_len, pool_cap;
    struct lex_country *countries;
    size_t ncountries, countries_cap;
    struct lex_lang *langs;
    size_t nlangs, langs_cap;
    struct lex_template *tpl;
    size_t ntpl, tpl_cap;
    struct lex_spoken {
        char lang[4], iso2[3];
    } * spoken;
    size_t nspoken, spoken_cap;
    struct lex_key *keys; /* fuzzy targets, by length then text */
    size_t nkeys;
    size_t by_len[LEX_KEY_MAXLEN + 2]; /* keys[by_len[l]] is the first key of length l */
    int max_words;
    int failed;
    unsigned short by_iso2[26 * 26]; /* 1 + index into countries, 0 for none: O(1) lookups */
    struct lex_prefix {
        char prefix[8], iso2[3];
    } * prefixes; /* numbering prefixes (migration 010), for calling codes countries share */
    size_t nprefixes, prefixes_cap;
};

/* Grows an array to hold one more element of size sz; returns 0 or -1. */
static int grow(void *arrp, size_t *cap, size_t n, size_t sz, size_t limit)
{
    void **arr = arrp;
    size_t ncap;
    void *p;

    if (n < *cap)
        return 0;
    if (n >= limit)
        return -1;
    ncap = *cap ? *cap * 2 : 64;
    if (ncap > limit)
        ncap = limit;
    p = realloc(*arr, ncap * sz);
    if (p == NULL)
        return -1;
    *arr = p;
    *cap = ncap;
    return 0;
}

/* Copies s into the pool; returns its offset, or (size_t)-1. Offsets survive pool growth. */
static size_t pool_add(lexicon *lx, const char *s)
{
    size_t len = strlen(s) + 1, off;

    while (lx->pool_len + len > lx->pool_cap) {
        size_t ncap = lx->pool_cap ? lx->pool_cap * 2 : 65536;
        char *p;
        if (ncap > LEX_MAX_POOL)
            return (size_t)-1;
        p = realloc(lx->pool, ncap);
        if (p == NULL)
            return (size_t)-1;
        lx->pool = p;
        lx->pool_cap = ncap;
    }
    off = lx->pool_len;
    memcpy(lx->pool + off, s, len);
    lx->pool_len += len;
    return off;
}

/* While loading, entry->folded holds a pool offset cast to a pointer; fixed up at the end. */
static int add_one(lexicon *lx, const char *folded, int type, const char *kind, const char *lang,
                   const char *code)
{
    struct lex_entry *x;
    size_t off;
    int words = 1;
    const char *p;

    if (folded == NULL || folded[0] == '\0')
        return 0;
    if (grow(&lx->e, &lx->cap, lx->n, sizeof(*lx->e), LEX_MAX_ENTRIES) < 0 ||
        (off = pool_add(lx, folded)) == (size_t)-1) {
        lx->failed = 1;
        return 1;
    }
    for (p = folded; *p; p++)
        words += (*p == ' ');
    if (words > LEX_MAX_WORDS)
        return 0; /* a phrase this long is never typed; keep it out of the search */
    if (words > lx->max_words)
        lx->max_words = words;
    x = &lx->e[lx->n++];
    memset(x, 0, sizeof(*x));
    x->folded = (const char *)(uintptr_t)off;
    x->type = (unsigned char)type;
    snprintf(x->kind, sizeof(x->kind), "%s", kind ? kind : "");
    snprintf(x->lang, sizeof(x->lang), "%s", lang ? lang : "");
    snprintf(x->code, sizeof(x->code), "%s", code ? code : "");
    x->seq = (unsigned)lx->n;
    return 0;
}

/* Words of a language: keywords and the like, but also "ccy:USD" (a currency word: dollars) and
 * "country:PH" (a demonym or abbreviation: pinoy, rp), which mean what a code means. */
/*
 * Adds an entry and the spellings a basic phone produces for it: run together ("elsalvador",
 * "viet nam" as "vietnam") and with doubled letters single ("philipines"). The parser tries these
 * only after the exact phrase.
 */
static int add_entry(lexicon *lx, const char *folded, int type, const char *kind, const char *lang,
                     const char *code)
{
    char v[128];
    size_t i, o = 0;

    if (add_one(lx, folded, type, kind, lang, code) != 0 || folded == NULL)
        return lx->failed;
    if (strchr(folded, ' ') != NULL) {
        for (i = 0; folded[i] && o + 1 < sizeof(v); i++)
            if (folded[i] != ' ')
                v[o++] = folded[i];
        v[o] = '\0';
        if (o >= 5)
            add_one(lx, v, type, kind, lang, code);
    }
    if (text_collapse(folded, v, sizeof(v)) >= 4 && strcmp(v, folded) != 0)
        add_one(lx, v, type, kind, lang, code);
    return lx->failed;
}

static int on_word(void *arg, const char *lang, const char *kind, const char *folded)
{
    if (strcmp(kind, DB_KIND_SPOKEN) == 0) {
        lexicon *lx = arg;
        struct lex_spoken *sp;
        if (grow(&lx->spoken, &lx->spoken_cap, lx->nspoken, sizeof(*sp), 10000) < 0) {
            lx->failed = 1;
            return 1;
        }
        sp = &lx->spoken[lx->nspoken++];
        snprintf(sp->lang, sizeof(sp->lang), "%s", lang);
        sp->iso2[0] = (char)(folded[0] & ~0x20);
        sp->iso2[1] = folded[0] ? (char)(folded[1] & ~0x20) : '\0';
        sp->iso2[2] = '\0';
        return 0;
    }
    if (strncmp(kind, DB_KIND_CURRENCY, strlen(DB_KIND_CURRENCY)) == 0)
        return add_entry(arg, folded, LEX_CURRENCY, "word", lang, kind + strlen(DB_KIND_CURRENCY));
    if (strncmp(kind, DB_KIND_COUNTRY, strlen(DB_KIND_COUNTRY)) == 0) {
        const char *iso2 = kind + strlen(DB_KIND_COUNTRY);
        /* Countries are loaded first: a word for a country the content lacks is dropped. */
        if (lex_country(arg, iso2) == NULL)
            return 0;
        return add_entry(arg, folded, LEX_COUNTRY, "word", lang, iso2);
    }
    return add_entry(arg, folded, LEX_WORD, kind, lang, NULL);
}

static int on_sender(void *arg, const char *iso2)
{
    lexicon *lx = arg;
    size_t i;

    for (i = 0; i < lx->ncountries; i++)
        if (strcmp(lx->countries[i].iso2, iso2) == 0)
            lx->countries[i].sender = 1;
    return 0;
}

static int on_name(void *arg, const char *iso2, const char *lang, const char *folded)
{
    return add_entry(arg, folded, LEX_COUNTRY, "name", lang, iso2);
}

static int on_prefix(void *arg, const char *prefix, const char *iso2)
{
    lexicon *lx = arg;
    struct lex_prefix *p;

    if (grow(&lx->prefixes, &lx->prefixes_cap, lx->nprefixes, sizeof(*p), 100000) < 0) {
        lx->failed = 1;
        return 1;
    }
    p = &lx->prefixes[lx->nprefixes++];
    snprintf(p->prefix, sizeof(p->prefix), "%s", prefix);
    snprintf(p->iso2, sizeof(p->iso2), "%s", iso2);
    return 0;
}

static int on_country(void *arg, const char *iso2, const char *iso3, const char *currency,
                      const char *dial)
{
    lexicon *lx = arg;
    struct lex_country *c;
    char low[8];
    size_t i;

    if (grow(&lx->countries, &lx->countries_cap, lx->ncountries, sizeof(*c), 1000) < 0) {
        lx->failed = 1;
        return 1;
    }
    c = &lx->countries[lx->ncountries++];
    memset(c, 0, sizeof(*c));
    snprintf(c->iso2, sizeof(c->iso2), "%s", iso2);
    snprintf(c->iso3, sizeof(c->iso3), "%s", iso3);
    snprintf(c->currency, sizeof(c->currency), "%s", currency);
    snprintf(c->dial, sizeof(c->dial), "%s", dial ? dial : "");
    /* Codes are matched like names: "us", "usa" and "php" (the currency). */
    for (i = 0; i < 2 && iso2[i]; i++)
        low[i] = (char)(iso2[i] | 0x20);
    low[i] = '\0';
    add_entry(lx, low, LEX_COUNTRY, "iso2", NULL, iso2);
    for (i = 0; i < 3 && iso3[i]; i++)
        low[i] = (char)(iso3[i] | 0x20);
    low[i] = '\0';
    add_entry(lx, low, LEX_COUNTRY, "iso3", NULL, iso2);
    for (i = 0; i < 3 && currency[i]; i++)
        low[i] = (char)(currency[i] | 0x20);
    low[i] = '\0';
    add_entry(lx, low, LEX_CURRENCY, NULL, NULL, currency);
    return lx->failed;
}

static int on_lang(void *arg, const char *code, const char *name, const char *decimal, int translit)
{
    lexicon *lx = arg;
    struct lex_lang *l;

    (void)name;
    if (grow(&lx->langs, &lx->langs_cap, lx->nlangs, sizeof(*l), 200) < 0) {
        lx->failed = 1;
        return 1;
    }
    l = &lx->langs[lx->nlangs++];
    memset(l, 0, sizeof(*l));
    snprintf(l->code, sizeof(l->code), "%s", code);
    l->decimal = decimal[0] ? decimal[0] : '.';
    l->translit = translit;
    return 0;
}

static int on_locale(void *arg, const char *code, const char *months, const char *other)
{
    lexicon *lx = arg;
    size_t i;
    int m = 0;

    for (i = 0; i < lx->nlangs; i++) {
        struct lex_lang *l = &lx->langs[i];
        const char *p = months ? months : "";
        if (strcmp(l->code, code) != 0)
            continue;
        while (*p != '\0' && m < 12) {
            size_t n = strcspn(p, "|");
            snprintf(l->months[m++], sizeof(l->months[0]), "%.*s", (int)n, p);
            p += n + (p[n] == '|');
        }
        snprintf(l->other_decimal_in, sizeof(l->other_decimal_in), "%s", other ? other : "");
    }
    return 0;
}

/* A currency that rates are published in: a code people may type ("RATE EUR BGN"). */
static int on_rate_code(void *arg, const char *code)
{
    lexicon *lx = arg;
    char low[4];
    int i;

    if (code == NULL || strlen(code) != 3)
        return 0;
    for (i = 0; i < 3; i++)
        low[i] = (char)(code[i] | 0x20);
    low[3] = '\0';
    add_entry(lx, low, LEX_CURRENCY, NULL, NULL, code);
    return lx->failed;
}

static int on_template(void *arg, const char *lang, const char *name, const char *text)
{
    lexicon *lx = arg;
    struct lex_template *t;
    size_t off;

    if (grow(&lx->tpl, &lx->tpl_cap, lx->ntpl, sizeof(*t), 10000) < 0 ||
        (off = pool_add(lx, text)) == (size_t)-1) {
        lx->failed = 1;
        return 1;
    }
    t = &lx->tpl[lx->ntpl++];
    t->native = strncmp(name, DB_TEMPLATE_NATIVE, strlen(DB_TEMPLATE_NATIVE)) == 0;
    if (t->native)
        name += strlen(DB_TEMPLATE_NATIVE);
    snprintf(t->lang, sizeof(t->lang), "%s", lang);
    snprintf(t->name, sizeof(t->name), "%s", name);
    t->text = (const char *)(uintptr_t)off;
    return 0;
}

static int cmp_template(const void *a, const void *b)
{
    const struct lex_template *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c == 0)
        c = strcmp(x->lang, y->lang);
    return c ? c : x->native - y->native;
}

/* The slot of a two-letter upper-case code in by_iso2, or -1. */
static int iso2_slot(const char *iso2);

static int cmp_entry(const void *a, const void *b)
{
    const struct lex_entry *x = a, *y = b;
    int c = strcmp(x->folded, y->folded);
    return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

int lex_exact_kind(const char *kind)
{
    return strcmp(kind, "stop") == 0 || strcmp(kind, "start") == 0 || strcmp(kind, "join") == 0 ||
           strcmp(kind, "leave") == 0;
}

/* Whether a fuzzy match may land on this entry: codes and filler words are too short or too
 * common to guess at, and consent words too costly to guess ("shop" is no STOP). */
static int fuzzy_target(const struct lex_entry *e)
{
    if (e->type == LEX_WORD)
        return strcmp(e->kind, "filler") != 0 && !lex_exact_kind(e->kind);
    return strcmp(e->kind, "iso2") != 0 && strcmp(e->kind, "iso3") != 0 && e->kind[0] != '\0';
}

static int cmp_key(const void *a, const void *b)
{
    const struct lex_key *x = a, *y = b;
    if (x->len != y->len)
        return (int)x->len - (int)y->len;
    return strcmp(x->s, y->s);
}

static uint32_t letter_set(const char *s)
{
    uint32_t m = 0;

    for (; *s; s++)
        if (*s >= 'a' && *s <= 'z')
            m |= 1u << (*s - 'a');
    return m;
}

/* The distinct phrases fuzzy matching may reach, grouped by length. */
static int build_keys(lexicon *lx)
{
    size_t i, j, l;

    lx->keys = calloc(lx->n ? lx->n : 1, sizeof(*lx->keys));
    if (lx->keys == NULL)
        return -1;
    for (i = 0; i < lx->n; i = j) {
        size_t len = strlen(lx->e[i].folded);
        int ok = 0;
        const char *p;
        struct lex_key *k;

        for (j = i; j < lx->n && strcmp(lx->e[j].folded, lx->e[i].folded) == 0; j++)
            ok |= fuzzy_target(&lx->e[j]);
        if (!ok || len < 4 || len > LEX_KEY_MAXLEN)
            continue;
        k = &lx->keys[lx->nkeys++];
        k->s = lx->e[i].folded;
        k->len = (unsigned char)len;
        k->letters = letter_set(k->s);
        k->words = 1;
        for (p = k->s; *p; p++)
            k->words += (*p == ' ');
    }
    qsort(lx->keys, lx->nkeys, sizeof(*lx->keys), cmp_key);
    for (l = 0, i = 0; l <= LEX_KEY_MAXLEN + 1; l++) {
        while (i < lx->nkeys && lx->keys[i].len < l)
            i++;
        lx->by_len[l] = i;
    }
    return 0;
}

/* The currencies ISO 4217 lists that no country in the table uses as its own. */
static const char *const extra_currencies[] = {"EUR", "XOF", "XAF", "USD"};

lexicon *lex_load(db *d)
{
    lexicon *lx = calloc(1, sizeof(*lx));
    size_t i;

    if (lx == NULL)
        return NULL;
    if (db_countries_each(d, on_country, lx) < 0 || db_prefixes_each(d, on_prefix, lx) < 0)
        goto fail;
    /* The index by code first: the words loaded next look their countries up. */
    for (i = 0; i < lx->ncountries && i < 65535; i++) {
        int k = iso2_slot(lx->countries[i].iso2);
        if (k >= 0)
            lx->by_iso2[k] = (unsigned short)(i + 1);
    }
    if (db_country_names_each(d, on_name, lx) < 0 || db_words_each(d, on_word, lx) < 0 ||
        db_langs_each(d, on_lang, lx) < 0 || db_lang_locales_each(d, on_locale, lx) < 0 ||
        db_rate_currencies_each(d, on_rate_code, lx) < 0 ||
        db_templates_each(d, on_template, lx) < 0)
        goto fail;
    for (i = 0; i < sizeof(extra_currencies) / sizeof(extra_currencies[0]); i++) {
        char low[4] = {(char)(extra_currencies[i][0] | 0x20), (char)(extra_currencies[i][1] | 0x20),
                       (char)(extra_currencies[i][2] | 0x20), '\0'};
        add_entry(lx, low, LEX_CURRENCY, NULL, NULL, extra_currencies[i]);
    }
    if (lx->failed) {
        log_warnx("lexicon: content too large or out of memory");
        goto fail;
    }
    for (i = 0; i < lx->n; i++)
        lx->e[i].folded = lx->pool + (uintptr_t)lx->e[i].folded;
    for (i = 0; i < lx->ntpl; i++)
        lx->tpl[i].text = lx->pool + (uintptr_t)lx->tpl[i].text;
    qsort(lx->e, lx->n, sizeof(*lx->e), cmp_entry);
    qsort(lx->tpl, lx->ntpl, sizeof(*lx->tpl), cmp_template);
    for (i = 0; i < lx->ntpl; i++) {
        struct lex_lang *l =
            lx->tpl[i].native ? (struct lex_lang *)lex_lang(lx, lx->tpl[i].lang) : NULL;
        if (l != NULL)
            l->native = 1;
    }
    if (db_senders_each(d, on_sender, lx) < 0 || build_keys(lx) < 0)
        goto fail;
    return lx;
fail:
    lex_free(lx);
    return NULL;
}

void lex_free(lexicon *lx)
{
    if (lx == NULL)
        return;
    free(lx->e);
    free(lx->pool);
    free(lx->countries);
    free(lx->langs);
    free(lx->tpl);
    free(lx->keys);
    free(lx->spoken);
    free(lx->prefixes);
    free(lx);
}

size_t lex_find(const lexicon *lx, const char *folded, const struct lex_entry **first)
{
    size_t lo = 0, hi = lx->n, end;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(lx->e[mid].folded, folded) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (end = lo; end < lx->n && strcmp(lx->e[end].folded, folded) == 0; end++)
        ;
    *first = lo < lx->n ? &lx->e[lo] : NULL;
    return end - lo;
}

/* Damerau-Levenshtein distance (optimal string alignment) of a and b, or max + 1 once it is sure
 * to exceed max. Both at most LEX_KEY_MAXLEN bytes. */
static int dl_distance(const char *a, size_t la, const char *b, size_t lb, int max)
{
    int rows[3][LEX_KEY_MAXLEN + 1];
    int *pp = rows[0], *prev = rows[1], *cur = rows[2];
    size_t i, j;

    for (j = 0; j <= lb; j++)
        prev[j] = (int)j;
    for (i = 1; i <= la; i++) {
        int best = max + 1;
        cur[0] = (int)i;
        for (j = 1; j <= lb; j++) {
            int cost = a[i - 1] != b[j - 1];
            int v = prev[j - 1] + cost;
            if (prev[j] + 1 < v)
                v = prev[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && pp[j - 2] + 1 < v)
                v = pp[j - 2] + 1;
            cur[j] = v;
            if (v < best)
                best = v;
        }
        if (best > max)
            return max + 1;
        {
            int *t = pp;
            pp = prev;
            prev = cur;
            cur = t;
        }
    }
    return prev[lb];
}

int lex_fuzzy_bound(size_t len)
{
    return len < 4 ? 0 : len <= 7 ? 1 : 2;
}

size_t lex_find_fuzzy(const lexicon *lx, const char *folded, const struct lex_entry **first,
                      const char **tie)
{
    size_t len = strlen(folded), l, k;
    int bound = lex_fuzzy_bound(len), best = bound + 1, words = 1;
    const char *best_s = NULL, *p;
    uint32_t letters;

    *first = NULL;
    if (tie != NULL)
        *tie = NULL;
    if (bound == 0 || len > LEX_KEY_MAXLEN)
        return 0;
    for (p = folded; *p; p++)
        words += (*p == ' ');
    letters = letter_set(folded);
    for (l = len > (size_t)bound ? len - (size_t)bound : 0; l <= len + (size_t)bound; l++) {
        if (l > LEX_KEY_MAXLEN)
            break;
        for (k = lx->by_len[l]; k < lx->by_len[l + 1]; k++) {
            const struct lex_key *key = &lx->keys[k];
            int d;
            /* An edit changes at most two letters of the letter set: a cheap first filter. */
            if (key->words != words || __builtin_popcount(key->letters ^ letters) > 2 * bound)
                continue;
            d = dl_distance(folded, len, key->s, key->len, best < bound + 1 ? best : bound);
            if (d < best) {
                best = d;
                best_s = key->s;
                if (tie != NULL)
                    *tie = NULL;
            } else if (d == best && d <= bound && tie != NULL && *tie == NULL) {
                *tie = key->s;
            }
        }
    }
    if (best_s == NULL)
        return 0;
    return lex_find(lx, best_s, first);
}

const char *lex_country_of_currency(const lexicon *lx, const char *ccy)
{
    const char *found = NULL;
    size_t i;

    for (i = 0; i < lx->ncountries; i++) {
        if (strcmp(lx->countries[i].currency, ccy) != 0)
            continue;
        if (found != NULL)
            return NULL;
        found = lx->countries[i].iso2;
    }
    return found;
}

int lex_spoken_in(const lexicon *lx, const char *lang, const char *iso2)
{
    size_t i;

    for (i = 0; i < lx->nspoken; i++)
        if (strcmp(lx->spoken[i].iso2, iso2) == 0 && strcmp(lx->spoken[i].lang, lang) == 0)
            return 1;
    return 0;
}

int lex_is_sender(const lexicon *lx, const char *iso2)
{
    const struct lex_country *c = lex_country(lx, iso2);
    return c != NULL && c->sender;
}

int lex_max_words(const lexicon *lx)
{
    return lx->max_words;
}

/* The slot of a two-letter upper-case code in by_iso2, or -1. */
static int iso2_slot(const char *iso2)
{
    if (iso2 == NULL || iso2[0] < 'A' || iso2[0] > 'Z' || iso2[1] < 'A' || iso2[1] > 'Z' ||
        iso2[2] != '\0')
        return -1;
    return (iso2[0] - 'A') * 26 + (iso2[1] - 'A');
}

const struct lex_country *lex_country(const lexicon *lx, const char *iso2)
{
    int k = iso2_slot(iso2);

    return k >= 0 && lx->by_iso2[k] ? &lx->countries[lx->by_iso2[k] - 1] : NULL;
}

const struct lex_country *lex_country_by_number(const lexicon *lx, const char *number)
{
    const struct lex_country *best = NULL;
    const struct lex_prefix *bestp = NULL;
    size_t i, best_len = 0;
    int shared = 0;

    if (number == NULL)
        return NULL;
    if (number[0] == '+')
        number++;
    else if (number[0] == '0' && number[1] == '0')
        number += 2;
    else
        return NULL; /* a national number says nothing about the country */
    /* The longest calling code; two countries with the same one (+1, +7) are a tie ... */
    for (i = 0; i < lx->ncountries; i++) {
        size_t n = strlen(lx->countries[i].dial);
        if (n == 0 || strncmp(number, lx->countries[i].dial, n) != 0)
            continue;
        if (n > best_len) {
            best = &lx->countries[i];
            best_len = n;
            shared = 0;
        } else if (n == best_len) {
            shared = 1;
        }
    }
    /* ... that only a numbering prefix settles: the longest one, as long or longer, wins. */
    for (i = 0; i < lx->nprefixes; i++) {
        size_t n = strlen(lx->prefixes[i].prefix);
        if (n >= best_len && (bestp == NULL || n > strlen(bestp->prefix)) &&
            strncmp(number, lx->prefixes[i].prefix, n) == 0)
            bestp = &lx->prefixes[i];
    }
    if (bestp != NULL)
        return lex_country(lx, bestp->iso2); /* NULL: a country the content does not define */
    return shared ? NULL : best;
}

int lex_is_currency(const lexicon *lx, const char *code)
{
    char low[4];
    const struct lex_entry *e;
    size_t n, i;

    if (strlen(code) != 3)
        return 0;
    for (i = 0; i < 3; i++)
        low[i] = (char)(code[i] | 0x20);
    low[3] = '\0';
    n = lex_find(lx, low, &e);
    for (i = 0; i < n; i++)
        if (e[i].type == LEX_CURRENCY)
            return 1;
    return 0;
}

const struct lex_lang *lex_lang(const lexicon *lx, const char *code)
{
    size_t i;

    for (i = 0; code != NULL && i < lx->nlangs; i++)
        if (strcmp(lx->langs[i].code, code) == 0)
            return &lx->langs[i];
    return NULL;
}

const struct lex_lang *lex_lang_at(const lexicon *lx, int i)
{
    return i >= 0 && (size_t)i < lx->nlangs ? &lx->langs[i] : NULL;
}

int lex_nlangs(const lexicon *lx)
{
    return (int)lx->nlangs;
}

const char *lex_template(const lexicon *lx, const char *lang, const char *name)
{
    return lex_template_in(lx, lang, name, 0);
}

const char *lex_template_in(const lexicon *lx, const char *lang, const char *name, int native)
{
    const char *fallback = NULL, *own = NULL;
    size_t lo = 0, hi = lx->ntpl, i;

    /* The templates are sorted by name: find the first of this name, then its languages. */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(lx->tpl[mid].name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (i = lo; i < lx->ntpl && strcmp(lx->tpl[i].name, name) == 0; i++) {
        if (lang != NULL && strcmp(lx->tpl[i].lang, lang) == 0) {
            if (lx->tpl[i].native == native)
                return lx->tpl[i].text;
            if (!lx->tpl[i].native)
                own = lx->tpl[i].text; /* no template in the script: the romanised one */
        }
        if (strcmp(lx->tpl[i].lang, "en") == 0 && !lx->tpl[i].native)
            fallback = lx->tpl[i].text;
    }
    return own ? own : fallback;
}
