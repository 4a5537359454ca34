#include "conf/import.h"

#include <dirent.h>
#include <errno.h>
#include <libconfig.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "db/alerts.h"
#include "gateway/log.h"
#include "handlers/handler.h"
#include "handlers/lexicon.h"
#include "handlers/text.h"

#define IMPORT_MAX_FILES 256

/* One file of the import, as claimed. */
struct ifile {
    char path[PATH_MAX];
    enum conf_format format;
    int64_t id;
    int unchanged;
    long rows;
    config_t cfg; /* content files only, read in claim order */
    int cfg_init; /* cfg needs config_destroy() */
    int cfg_ok;
};

struct importer {
    db *d;
    struct conf_errs *errs;
    struct ifile *files;
    int nfiles;
    long rows;
    long skipped;
    struct import_stats *st;
    const struct import_opts *opts;
    int firm_files; /* firm-level files read: live flags need recomputing */
};

/* ---- Field checking: each list element is a group whose keys are checked against a table ---- */

enum ftype { F_STR, F_NUM, F_BOOL, F_STRLIST, F_GROUP };

struct field {
    const char *name;
    enum ftype type;
    int required;
};

static const char *ftype_name(enum ftype t)
{
    switch (t) {
    case F_STR:
        return "a string in double quotes";
    case F_NUM:
        return "a number";
    case F_BOOL:
        return "true or false";
    case F_STRLIST:
        return "a list of strings like [\"a\", \"b\"]";
    case F_GROUP:
        return "a group { ... }";
    }
    return "?";
}

static int ftype_matches(const config_setting_t *s, enum ftype t)
{
    int st = config_setting_type(s);
    int i;

    switch (t) {
    case F_STR:
        return st == CONFIG_TYPE_STRING;
    case F_NUM:
        return st == CONFIG_TYPE_INT || st == CONFIG_TYPE_INT64 || st == CONFIG_TYPE_FLOAT;
    case F_BOOL:
        return st == CONFIG_TYPE_BOOL;
    case F_STRLIST:
        if (st != CONFIG_TYPE_ARRAY && st != CONFIG_TYPE_LIST)
            return 0;
        for (i = 0; i < config_setting_length(s); i++)
            if (config_setting_type(config_setting_get_elem(s, (unsigned)i)) != CONFIG_TYPE_STRING)
                return 0;
        return 1;
    case F_GROUP:
        return st == CONFIG_TYPE_GROUP;
    }
    return 0;
}

static long line_of(const config_setting_t *s)
{
    return (long)config_setting_source_line(s);
}

/*
 * Checks a group against fields: unknown keys, wrong types and missing required keys are each
 * reported. Returns the number of problems.
 */
static int check_fields(struct importer *im, const char *file, const char *what,
                        const config_setting_t *g, const struct field *fields, int nfields)
{
    int problems = 0, i, j;
    char expected[512];
    size_t len = 0;

    if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
        conf_errs_add(im->errs, file, line_of(g), "%s: each entry must be a group { ... }", what);
        return 1;
    }
    for (j = 0; j < nfields && len < sizeof(expected); j++)
        len += (size_t)snprintf(expected + len, sizeof(expected) - len, "%s%s", j ? ", " : "",
                                fields[j].name);
    for (i = 0; i < config_setting_length(g); i++) {
        const config_setting_t *m = config_setting_get_elem(g, (unsigned)i);
        const char *name = config_setting_name(m);
        for (j = 0; j < nfields; j++)
            if (strcmp(name, fields[j].name) == 0)
                break;
        if (j == nfields) {
            conf_errs_add(im->errs, file, line_of(m), "%s: unknown key '%s' (known: %s)", what,
                          name, expected);
            problems++;
        } else if (!ftype_matches(m, fields[j].type)) {
            conf_errs_add(im->errs, file, line_of(m), "%s: '%s' must be %s", what, name,
                          ftype_name(fields[j].type));
            problems++;
        }
    }
    for (j = 0; j < nfields; j++) {
        if (fields[j].required && config_setting_get_member(g, fields[j].name) == NULL) {
            conf_errs_add(im->errs, file, line_of(g), "%s: missing '%s'", what, fields[j].name);
            problems++;
        }
    }
    return problems;
}

static const char *get_str(const config_setting_t *g, const char *name)
{
    const char *v = NULL;

    if (config_setting_lookup_string(g, name, &v) != CONFIG_TRUE)
        return NULL;
    return v;
}

static int get_num(const config_setting_t *g, const char *name, double *out)
{
    const config_setting_t *m = config_setting_get_member(g, name);

    if (m == NULL)
        return 0;
    switch (config_setting_type(m)) {
    case CONFIG_TYPE_INT:
    case CONFIG_TYPE_INT64:
        *out = (double)config_setting_get_int64(m);
        return 1;
    case CONFIG_TYPE_FLOAT:
        *out = config_setting_get_float(m);
        return isfinite(*out) ? 1 : 0;
    default:
        return 0;
    }
}

static int is_upper_code(const char *s, size_t n)
{
    size_t i;

    if (s == NULL || strlen(s) != n)
        return 0;
    for (i = 0; i < n; i++)
        if (s[i] < 'A' || s[i] > 'Z')
            return 0;
    return 1;
}

static int is_lang_code(const char *s)
{
    size_t i, n = s ? strlen(s) : 0;

    if (n < 2 || n > 3)
        return 0;
    for (i = 0; i < n; i++)
        if (s[i] < 'a' || s[i] > 'z')
            return 0;
    return 1;
}

/* "2026-04-13" with a plausible month and day. */
static int is_iso_date(const char *s)
{
    int i;

    if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    for (i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return 0;
    i = (s[5] - '0') * 10 + (s[6] - '0');
    if (i < 1 || i > 12)
        return 0;
    i = (s[8] - '0') * 10 + (s[9] - '0');
    return i >= 1 && i <= 31;
}

/* "2020Q3" or an ISO date. */
static int is_period(const char *s)
{
    if (s != NULL && strlen(s) == 6 && s[4] == 'Q' && s[5] >= '1' && s[5] <= '4') {
        int i;
        for (i = 0; i < 4; i++)
            if (s[i] < '0' || s[i] > '9')
                return 0;
        return 1;
    }
    return is_iso_date(s);
}

/* Resolves an ISO2 or ISO3 code to ISO2, reporting unknown ones. */
static int want_country(struct importer *im, const char *file, long line, const char *what,
                        const char *code, char iso2[3])
{
    if (code == NULL || db_country_code(im->d, code, iso2) < 0) {
        conf_errs_add(im->errs, file, line,
                      "%s: unknown country '%s' (use an ISO 3166 code from countries.conf)", what,
                      code ? code : "");
        return -1;
    }
    return 0;
}

static int want_source(struct importer *im, const char *file, long line, const char *what,
                       const char *key, int64_t *id)
{
    if (key == NULL || db_source_find(im->d, key, id) < 0) {
        conf_errs_add(im->errs, file, line,
                      "%s: unknown source '%s' (define it in a 'sources' list first)", what,
                      key ? key : "");
        return -1;
    }
    return 0;
}

/* Records a database failure against the file being read. */
static void db_failed(struct importer *im, const char *file, long line, const char *what)
{
    conf_errs_add(im->errs, file, line, "%s: %s", what, db_errmsg(im->d));
}

/* ---- The content lists, one function each ---- */

static void put_sources(struct importer *im, struct ifile *f, const config_setting_t *list)
{
    static const struct field fields[] = {
        {"key", F_STR, 1}, {"short", F_STR, 1},   {"name", F_STR, 1},
        {"url", F_STR, 0}, {"licence", F_STR, 0}, {"fixed", F_BOOL, 0},
    };
    int i;

    for (i = 0; i < config_setting_length(list); i++) {
        const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
        struct db_source s;

        if (check_fields(im, f->path, "source", g, fields, 6))
            continue;
        s.key = get_str(g, "key");
        s.short_name = get_str(g, "short");
        s.name = get_str(g, "name");
        s.url = get_str(g, "url");
        s.licence = get_str(g, "licence");
        s.fixed = 0;
        config_setting_lookup_bool(g, "fixed", &s.fixed);
        if (strlen(s.short_name) > 12) {
            conf_errs_add(im->errs, f->path, line_of(g),
                          "source '%s': 'short' is printed in every reply; keep it to 12 "
                          "characters",
                          s.key);
            continue;
        }
        if (db_source_put(im->d, f->id, &s, NULL) < 0)
            db_failed(im, f->path, line_of(g), "source");
        else
            f->rows++;
    }
}

/* Adds each string of list as a folded word of kind in lang. */
static void put_word_list(struct importer *im, struct ifile *f, const char *lang,
                          const char *kind, const config_setting_t *list)
{
    int j;

    for (j = 0; j < config_setting_length(list); j++) {
        const char *w = config_setting_get_string_elem(list, j);
        char folded[64];

        if (text_fold(w, (size_t)-1, folded, sizeof(folded)) == 0) {
            conf_errs_add(im->errs, f->path, line_of(list),
                          "language %s: word \"%s\" has no letters or digits", lang, w);
            continue;
        }
        if (db_word_put(im->d, f->id, lang, kind, folded) < 0)
            db_failed(im, f->path, line_of(list), "word");
        else
            f->rows++;
    }
}

/* Adds each string of a list as a folded word of kind in lang. */
static void put_words(struct importer *im, struct ifile *f, const char *lang,
                      const config_setting_t *words)
{
    int i;

    for (i = 0; i < config_setting_length(words); i++) {
        const config_setting_t *kind = config_setting_get_elem(words, (unsigned)i);
        const char *kname = config_setting_name(kind);

        if (!handler_word_kind_known(kname)) {
            conf_errs_add(im->errs, f->path, line_of(kind),
                          "language %s: unknown word kind '%s' (known: %s)", lang, kname,
                          handler_word_kinds());
            continue;
        }
        if (!ftype_matches(kind, F_STRLIST)) {
            conf_errs_add(im->errs, f->path, line_of(kind), "language %s: words '%s' must be %s",
                          lang, kname, ftype_name(F_STRLIST));
            continue;
        }
        put_word_list(im, f, lang, kname, kind);
    }
}

/*
 * A language's words that stand for a code: currencies = { USD = ["DOLLAR", "DOLLARS"]; } and
 * country_words = { PH = ["FILIPINO", "PINOY", "RP"]; } (demonyms, abbreviations, cities people
 * use for the country). Stored as words of kind "ccy:USD" or "country:PH" (handlers/lexicon.h).
 * Country codes are only checked for form here: languages are read before countries.
 */
static void put_code_words(struct importer *im, struct ifile *f, const char *lang,
                           const config_setting_t *group, const char *prefix, size_t codelen)
{
    int i;

    for (i = 0; group != NULL && i < config_setting_length(group); i++) {
        const config_setting_t *l = config_setting_get_elem(group, (unsigned)i);
        const char *code = config_setting_name(l);
        char kind[16];

        if (!is_upper_code(code, codelen) || !ftype_matches(l, F_STRLIST)) {
            conf_errs_add(im->errs, f->path, line_of(l),
                          "language %s: %s must be an upper-case %s code with a list of strings",
                          lang, code ? code : "?",
                          codelen == 3 ? "ISO 4217 currency" : "ISO 3166 country");
            continue;
        }
        snprintf(kind, sizeof(kind), "%s%s", prefix, code);
        put_word_list(im, f, lang, kind, l);
    }
}

/* spoken_in = ["FR", "SN"]: stored as words of kind "spoken" (handlers/lexicon.h). */
static void put_spoken(struct importer *im, struct ifile *f, const char *lang,
                       const config_setting_t *list)
{
    int j;

    for (j = 0; list != NULL && j < config_setting_length(list); j++) {
        const char *c = config_setting_get_string_elem(list, j);
        if (!is_upper_code(c, 2)) {
            conf_errs_add(im->errs, f->path, line_of(list),
                          "language %s: spoken_in needs ISO 3166 codes of 2 upper-case letters "
                          "(got '%s')",
                          lang, c ? c : "");
            continue;
        }
        if (db_word_put(im->d, f->id, lang, LEX_KIND_SPOKEN, c) < 0)
            db_failed(im, f->path, line_of(list), "word");
        else
            f->rows++;
    }
}

static void put_languages(struct importer *im, struct ifile *f, const config_setting_t *list)
{
    static const struct field fields[] = {
        {"code", F_STR, 1},          {"name", F_STR, 1},
        {"decimal", F_STR, 0},       {"transliterate", F_BOOL, 0},
        {"words", F_GROUP, 1},       {"templates", F_GROUP, 1},
        {"currencies", F_GROUP, 0},  {"country_words", F_GROUP, 0},
        {"spoken_in", F_STRLIST, 0},
    };
    int i, j;

    for (i = 0; i < config_setting_length(list); i++) {
        const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
        const config_setting_t *tpl;
        const char *code, *dec;
        int translit = 1;

        if (check_fields(im, f->path, "language", g, fields, 9))
            continue;
        code = get_str(g, "code");
        if (!is_lang_code(code)) {
            conf_errs_add(im->errs, f->path, line_of(g),
                          "language: code '%s' must be 2 or 3 lower-case letters (ISO 639)", code);
            continue;
        }
        dec = get_str(g, "decimal");
        if (dec == NULL)
            dec = ".";
        if (strcmp(dec, ".") != 0 && strcmp(dec, ",") != 0) {
            conf_errs_add(im->errs, f->path, line_of(g),
                          "language %s: decimal must be \".\" or \",\"", code);
            continue;
        }
        config_setting_lookup_bool(g, "transliterate", &translit);
        if (db_lang_put(im->d, f->id, code, get_str(g, "name"), dec, translit) < 0) {
            conf_errs_add(im->errs, f->path, line_of(g), "language %s: defined twice (or %s)", code,
                          db_errmsg(im->d));
            continue;
        }
        f->rows++;
        put_words(im, f, code, config_setting_get_member(g, "words"));
        put_code_words(im, f, code, config_setting_get_member(g, "currencies"), LEX_KIND_CURRENCY,
                       3);
        put_code_words(im, f, code, config_setting_get_member(g, "country_words"), LEX_KIND_COUNTRY,
                       2);
        put_spoken(im, f, code, config_setting_get_member(g, "spoken_in"));
        tpl = config_setting_get_member(g, "templates");
        for (j = 0; j < config_setting_length(tpl); j++) {
            const config_setting_t *t = config_setting_get_elem(tpl, (unsigned)j);
            const char *tname = config_setting_name(t);

            if (!handler_template_known(tname)) {
                conf_errs_add(im->errs, f->path, line_of(t),
                              "language %s: unknown template '%s' (known: %s)", code, tname,
                              handler_template_names());
                continue;
            }
            if (config_setting_type(t) != CONFIG_TYPE_STRING) {
                conf_errs_add(im->errs, f->path, line_of(t),
                              "language %s: template '%s' must be a string", code, tname);
                continue;
            }
            if (db_template_put(im->d, f->id, code, tname, config_setting_get_string(t)) < 0)
                db_failed(im, f->path, line_of(t), "template");
            else
                f->rows++;
        }
    }
}

static void put_names(struct importer *im, struct ifile *f, const char *iso2, const char *lang,
                      const config_setting_t *names, int first_is_primary)
{
    int j;

    for (j = 0; j < config_setting_length(names); j++) {
        const char *n = config_setting_get_string_elem(names, j);
        char folded[128];

        if (text_fold(n, (size_t)-1, folded, sizeof(folded)) == 0) {
            conf_errs_add(im->errs, f->path, line_of(names),
                          "country %s: name \"%s\" has no letters", iso2, n);
            continue;
        }
        if (db_country_name_put(im->d, f->id, iso2, lang, n, folded, first_is_primary && j == 0) <
            0)
            db_failed(im, f->path, line_of(names), "country name");
        else
            f->rows++;
    }
}

static void put_countries(struct importer *im, struct ifile *f, const config_setting_t *list)
{
    static const struct field fields[] = {
        {"iso2", F_STR, 1}, {"iso3", F_STR, 1},    {"currency", F_STR, 1},
        {"dial", F_STR, 0}, {"names", F_GROUP, 1}, {"aliases", F_STRLIST, 0},
    };
    int i, j;

    for (i = 0; i < config_setting_length(list); i++) {
        const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
        const config_setting_t *names, *aliases;
        const char *iso2, *iso3, *ccy, *dial;

        if (check_fields(im, f->path, "country", g, fields, 6))
            continue;
        iso2 = get_str(g, "iso2");
        iso3 = get_str(g, "iso3");
        ccy = get_str(g, "currency");
        dial = get_str(g, "dial");
        if (!is_upper_code(iso2, 2) || !is_upper_code(iso3, 3) || !is_upper_code(ccy, 3)) {
            conf_errs_add(im->errs, f->path, line_of(g),
                          "country: iso2, iso3 and currency must be upper-case ISO codes of 2, 3 "
                          "and 3 letters (got '%s', '%s', '%s')",
                          iso2, iso3, ccy);
            continue;
        }
        if (dial != NULL &&
            (strlen(dial) == 0 || strlen(dial) > 4 || strspn(dial, "0123456789") != strlen(dial))) {
            conf_errs_add(im->errs, f->path, line_of(g),
                          "country %s: dial must be the E.164 calling code, 1 to 4 digits", iso2);
            continue;
        }
        if (db_country_put(im->d, f->id, iso2, iso3, ccy, dial) < 0) {
            conf_errs_add(im->errs, f->path, line_of(g), "country %s/%s is defined twice", iso2,
                          iso3);
            continue;
        }
        f->rows++;
        names = config_setting_get_member(g, "names");
        for (j = 0; j < config_setting_length(names); j++) {
            const config_setting_t *l = config_setting_get_elem(names, (unsigned)j);
            const char *lang = config_setting_name(l);

            if (!is_lang_code(lang) || !ftype_matches(l, F_STRLIST)) {
                conf_errs_add(im->errs, f->path, line_of(l),
                              "country %s: names.%s must be a language code with a list of "
                              "strings",
                              iso2, lang);
                continue;
            }
            put_names(im, f, iso2, lang, l, 1);
        }
        if (config_setting_get_member(names, "en") == NULL)
            conf_errs_add(im->errs, f->path, line_of(names), "country %s: needs an English name",
                          iso2);
        aliases = config_setting_get_member(g, "aliases");
        if (aliases != NULL)
            put_names(im, f, iso2, NULL, aliases, 0);
    }
}

static void put_providers(struct importer *im, struct ifile *f, const config_setting_t *list)
{
    static const struct field fields[] = {
        {"key", F_STR, 1},
        {"name", F_STR, 1},
        {"type", F_STR, 1},
    };
    int i;

    for (i = 0; i < config_setting_length(list); i++) {
        const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
        const char *type;

        if (check_fields(im, f->path, "provider", g, fields, 3))
            continue;
        type = get_str(g, "type");
        if (strcmp(type, "bank") != 0 && strcmp(type, "mto") != 0 && strcmp(type, "mobile") != 0 &&
            strcmp(type, "post") != 0) {
            conf_errs_add(im->errs, f->path, line_of(g),
                          "provider %s: type must be bank, mto, mobile or post (got '%s')",
                          get_str(g, "key"), type);
            continue;
        }
        if (db_provider_put(im->d, f->id, get_str(g, "key"), get_str(g, "name"), type, NULL) < 0)
            conf_errs_add(im->errs, f->path, line_of(g), "provider '%s' is defined twice",
                          get_str(g, "key"));
        else
            f->rows++;
    }
}

static void put_quotes(struct importer *im, struct ifile *f, const config_setting_t *list)
{
    static const struct field fields[] = {
        {"from", F_STR, 1},      {"to", F_STR, 1},       {"provider", F_STR, 0},
        {"amount", F_NUM, 1},    {"currency", F_STR, 1}, {"fee", F_NUM, 0},
        {"fx_margin", F_NUM, 0}, {"total", F_NUM, 0},    {"transparent", F_BOOL, 0},
        {"speed", F_STR, 0},     {"method", F_STR, 0},   {"period", F_STR, 1},
        {"source", F_STR, 1},
    };
    int i;

    for (i = 0; i < config_setting_length(list); i++) {
        const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
        struct db_quote_in q;
        char src[3], dst[3];
        const char *pkey;
        int transparent = 1, has_total;
        double total = 0;
        long line = line_of(g);

        if (check_fields(im, f->path, "quote", g, fields, 13))
            continue;
        memset(&q, 0, sizeof(q));
        if (want_country(im, f->path, line, "quote", get_str(g, "from"), src) < 0 ||
            want_country(im, f->path, line, "quote", get_str(g, "to"), dst) < 0 ||
            want_source(im, f->path, line, "quote", get_str(g, "source"), &q.source_id) < 0)
            continue;
        q.src = src;
        q.dst = dst;
        pkey = get_str(g, "provider");
        if (pkey != NULL && db_provider_find(im->d, pkey, &q.provider_id) < 0) {
            conf_errs_add(im->errs, f->path, line,
                          "quote: unknown provider '%s' (define it in a 'providers' list)", pkey);
            continue;
        }
        get_num(g, "amount", &q.amount);
        q.amount_ccy = get_str(g, "currency");
        q.period = get_str(g, "period");
        q.speed = get_str(g, "speed");
        q.method = get_str(g, "method");
        q.has_fee = get_num(g, "fee", &q.fee);
        q.has_margin = get_num(g, "fx_margin", &q.fx_margin);
        has_total = get_num(g, "total", &total);
        config_setting_lookup_bool(g, "transparent", &transparent);
        if (!(q.amount > 0) || !is_upper_code(q.amount_ccy, 3)) {
            conf_errs_add(im->errs, f->path, line,
                          "quote: amount must be more than 0 and currency an ISO 4217 code");
            continue;
        }
        if (!is_period(q.period)) {
            conf_errs_add(im->errs, f->path, line,
                          "quote: period must look like 2026Q3 or 2026-11-27 (got '%s')", q.period);
            continue;
        }
        if (q.has_fee && q.fee < 0) {
            conf_errs_add(im->errs, f->path, line, "quote: fee cannot be negative");
            continue;
        }
        if (!transparent) {
            /* The FX margin was not disclosed: the full cost is unknown, say so, never rank. */
            if (q.has_margin) {
                conf_errs_add(im->errs, f->path, line,
                              "quote: fx_margin given but transparent = false; drop one");
                continue;
            }
            if (!q.has_fee) {
                conf_errs_add(im->errs, f->path, line,
                              "quote: a quote whose exchange margin is not disclosed needs 'fee'");
                continue;
            }
            q.total_pct = q.fee / q.amount * 100.0;
        } else if (q.has_fee && q.has_margin) {
            q.total_pct = q.fee / q.amount * 100.0 + q.fx_margin;
            if (has_total && fabs(total - q.total_pct) > 0.05) {
                conf_errs_add(im->errs, f->path, line,
                              "quote: total %.2f%% does not match fee/amount*100 + fx_margin = "
                              "%.2f%%",
                              total, q.total_pct);
                continue;
            }
        } else if (has_total && pkey == NULL) {
            q.total_pct = total; /* a corridor average: only the total is published */
        } else {
            conf_errs_add(im->errs, f->path, line,
                          "quote: give 'fee' and 'fx_margin' (the exchange-rate margin in %%, 0 if "
                          "none), or set transparent = false when the margin is not disclosed");
            continue;
        }
        if (q.total_pct < -50 || q.total_pct > 100) {
            conf_errs_add(im->errs, f->path, line, "quote: total cost %.2f%% is not plausible",
                          q.total_pct);
            continue;
        }
        q.live = 1;
        if (db_quote_put(im->d, f->id, &q) < 0)
            db_failed(im, f->path, line, "quote");
        else
            f->rows++;
    }
}

static void put_rates(struct importer *im, struct ifile *f, const config_setting_t *list)
{
    static const struct field fields[] = {
        {"base", F_STR, 1},  {"quote", F_STR, 1},  {"rate", F_NUM, 1},
        {"as_of", F_STR, 1}, {"source", F_STR, 1},
    };
    int i;

    for (i = 0; i < config_setting_length(list); i++) {
        const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
        const char *base, *quote, *as_of;
        int64_t source_id;
        double rate = 0;
        long line = line_of(g);

        if (check_fields(im, f->path, "rate", g, fields, 5))
            continue;
        base = get_str(g, "base");
        quote = get_str(g, "quote");
        as_of = get_str(g, "as_of");
        get_num(g, "rate", &rate);
        if (!is_upper_code(base, 3) || !is_upper_code(quote, 3) || strcmp(base, quote) == 0) {
            conf_errs_add(im->errs, f->path, line,
                          "rate: base and quote must be two different ISO 4217 codes");
            continue;
        }
        if (!(rate > 0)) {
            conf_errs_add(im->errs, f->path, line, "rate: rate must be more than 0");
            continue;
        }
        if (!is_iso_date(as_of)) {
            conf_errs_add(im->errs, f->path, line, "rate: as_of must be a date like 2026-04-13");
            continue;
        }
        if (want_source(im, f->path, line, "rate", get_str(g, "source"), &source_id) < 0)
            continue;
        if (db_rate_put(im->d, f->id, base, quote, rate, as_of, source_id) < 0)
            db_failed(im, f->path, line, "rate");
        else
            f->rows++;
    }
}

static void put_guides(struct importer *im, struct ifile *f, const config_setting_t *list)
{
    static const struct field fields[] = {
        {"country", F_STR, 0}, {"topic", F_STR, 1},   {"aliases", F_STRLIST, 0},
        {"source", F_STR, 1},  {"checked", F_STR, 1}, {"text", F_GROUP, 1},
    };
    int i, j;

    for (i = 0; i < config_setting_length(list); i++) {
        const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
        const config_setting_t *text, *aliases;
        struct db_guide_in gi;
        char iso2[3], topic[32];
        const char *country;
        long line = line_of(g);

        if (check_fields(im, f->path, "guide", g, fields, 6))
            continue;
        memset(&gi, 0, sizeof(gi));
        country = get_str(g, "country");
        if (country != NULL && country[0] != '\0') {
            if (want_country(im, f->path, line, "guide", country, iso2) < 0)
                continue;
            gi.country = iso2;
        }
        if (text_fold(get_str(g, "topic"), (size_t)-1, topic, sizeof(topic)) == 0 ||
            strchr(topic, ' ') != NULL) {
            conf_errs_add(im->errs, f->path, line, "guide: topic must be one word");
            continue;
        }
        gi.topic = topic;
        gi.checked = get_str(g, "checked");
        if (!is_iso_date(gi.checked)) {
            conf_errs_add(im->errs, f->path, line,
                          "guide %s: checked must be the date the text was last checked, like "
                          "2026-11-27",
                          topic);
            continue;
        }
        if (want_source(im, f->path, line, "guide", get_str(g, "source"), &gi.source_id) < 0)
            continue;
        text = config_setting_get_member(g, "text");
        if (config_setting_get_member(text, "en") == NULL)
            conf_errs_add(im->errs, f->path, line_of(text),
                          "guide %s: needs an English text (the fallback)", topic);
        for (j = 0; j < config_setting_length(text); j++) {
            const config_setting_t *t = config_setting_get_elem(text, (unsigned)j);

            gi.lang = config_setting_name(t);
            if (!is_lang_code(gi.lang) || config_setting_type(t) != CONFIG_TYPE_STRING) {
                conf_errs_add(im->errs, f->path, line_of(t),
                              "guide %s: text.%s must be a language code with a string", topic,
                              gi.lang);
                continue;
            }
            gi.text = config_setting_get_string(t);
            if (strlen(gi.text) == 0 || strlen(gi.text) > 400) {
                conf_errs_add(im->errs, f->path, line_of(t),
                              "guide %s: text.%s must have 1 to 400 bytes", topic, gi.lang);
                continue;
            }
            if (db_guide_put(im->d, f->id, &gi) < 0)
                db_failed(im, f->path, line_of(t), "guide");
            else
                f->rows++;
        }
        aliases = config_setting_get_member(g, "aliases");
        for (j = 0; aliases != NULL && j < config_setting_length(aliases); j++) {
            char folded[32];

            if (text_fold(config_setting_get_string_elem(aliases, j), (size_t)-1, folded,
                          sizeof(folded)) > 0 &&
                db_guide_alias_put(im->d, f->id, topic, folded) < 0)
                db_failed(im, f->path, line_of(aliases), "guide alias");
        }
    }
}

static void put_topics(struct importer *im, struct ifile *f, const config_setting_t *list)
{
    static const struct field fields[] = {
        {"key", F_STR, 1},
        {"names", F_GROUP, 1},
    };
    int i, j, k;

    for (i = 0; i < config_setting_length(list); i++) {
        const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
        const config_setting_t *names;
        char key[32];

        if (check_fields(im, f->path, "topic", g, fields, 2))
            continue;
        if (text_fold(get_str(g, "key"), (size_t)-1, key, sizeof(key)) == 0 ||
            strspn(key, "abcdefghijklmnopqrstuvwxyz0123456789") != strlen(key)) {
            conf_errs_add(im->errs, f->path, line_of(g),
                          "topic: key must be one word of letters and digits (got '%s')",
                          get_str(g, "key"));
            continue;
        }
        if (db_alert_topic_put(im->d, f->id, key, NULL, key) < 0) {
            db_failed(im, f->path, line_of(g), "topic");
            continue;
        }
        f->rows++;
        names = config_setting_get_member(g, "names");
        for (j = 0; j < config_setting_length(names); j++) {
            const config_setting_t *l = config_setting_get_elem(names, (unsigned)j);
            const char *lang = config_setting_name(l);

            if (!is_lang_code(lang) || !ftype_matches(l, F_STRLIST)) {
                conf_errs_add(im->errs, f->path, line_of(l),
                              "topic %s: names.%s must be a language code with a list of strings",
                              key, lang);
                continue;
            }
            for (k = 0; k < config_setting_length(l); k++) {
                char folded[48];
                if (text_fold(config_setting_get_string_elem(l, k), (size_t)-1, folded,
                              sizeof(folded)) == 0)
                    continue;
                if (db_alert_topic_put(im->d, f->id, key, lang, folded) < 0)
                    db_failed(im, f->path, line_of(l), "topic");
                else
                    f->rows++;
            }
        }
    }
}

/* The lists a content file may hold, in the order they are applied across all files. */
static const struct {
    const char *name;
    void (*put)(struct importer *, struct ifile *, const config_setting_t *);
    int pass;
} content_lists[] = {
    {"sources", put_sources, 0},     {"languages", put_languages, 0},
    {"countries", put_countries, 1}, {"providers", put_providers, 2},
    {"quotes", put_quotes, 3},       {"rates", put_rates, 3},
    {"guides", put_guides, 3},       {"topics", put_topics, 3},
};
#define NLISTS  (sizeof(content_lists) / sizeof(content_lists[0]))
#define NPASSES 4

static void content_read(struct importer *im, struct ifile *f)
{
    config_init(&f->cfg);
    f->cfg_init = 1;
    f->cfg_ok = 1;
    if (config_read_file(&f->cfg, f->path) != CONFIG_TRUE) {
        conf_errs_add(im->errs, config_error_file(&f->cfg) ? config_error_file(&f->cfg) : f->path,
                      config_error_line(&f->cfg), "%s", config_error_text(&f->cfg));
        f->cfg_ok = 0;
    }
}

static void content_check_top(struct importer *im, struct ifile *f)
{
    config_setting_t *root = config_root_setting(&f->cfg);
    size_t k;
    int i;

    for (i = 0; i < config_setting_length(root); i++) {
        const config_setting_t *m = config_setting_get_elem(root, (unsigned)i);
        for (k = 0; k < NLISTS; k++)
            if (strcmp(config_setting_name(m), content_lists[k].name) == 0)
                break;
        if (k == NLISTS)
            conf_errs_add(im->errs, f->path, line_of(m),
                          "unknown key '%s' (a content file holds sources, languages, countries, "
                          "providers, quotes, rates, guides and topics)",
                          config_setting_name(m));
        else if (config_setting_type(m) != CONFIG_TYPE_LIST)
            conf_errs_add(im->errs, f->path, line_of(m), "'%s' must be a list ( {...}, {...} )",
                          config_setting_name(m));
    }
}

static void content_pass(struct importer *im, struct ifile *f, int pass)
{
    size_t k;

    for (k = 0; k < NLISTS; k++) {
        const config_setting_t *list;
        if (content_lists[k].pass != pass)
            continue;
        list = config_lookup(&f->cfg, content_lists[k].name);
        if (list != NULL && config_setting_type(list) == CONFIG_TYPE_LIST)
            content_lists[k].put(im, f, list);
    }
}

/* ---- Public data files ---- */

struct rpw_ctx {
    struct importer *im;
    struct ifile *f;
    int64_t source_id;
};

static int rpw_corridor_cb(void *arg, const struct rpw_corridor *c)
{
    struct rpw_ctx *x = arg;
    struct db_quote_in q;
    char src[3], dst[3];
    int i;

    /* A public file may name a country whose code ISO has withdrawn (ANT, the Netherlands
     * Antilles): the operator cannot fix the World Bank's file, so the row is left out, said. */
    if (db_country_code(x->im->d, c->src_iso3, src) < 0 ||
        db_country_code(x->im->d, c->dst_iso3, dst) < 0) {
        log_warnx("%s:%ld: corridor %s->%s left out: %s is not in countries.conf", x->f->path,
                  c->line, c->src_iso3, c->dst_iso3,
                  db_country_code(x->im->d, c->src_iso3, src) < 0 ? c->src_iso3 : c->dst_iso3);
        x->im->skipped++;
        return 0;
    }
    memset(&q, 0, sizeof(q));
    q.src = src;
    q.dst = dst;
    q.amount = 200; /* the series is the cost of sending the equivalent of USD 200 */
    q.amount_ccy = "USD";
    q.source_id = x->source_id;
    for (i = 0; i < c->nq; i++) {
        q.total_pct = c->q[i].pct;
        q.period = c->q[i].period;
        q.live = (i == c->nq - 1); /* the latest quarter is live, the rest is history */
        if (db_quote_put(x->im->d, x->f->id, &q) < 0) {
            db_failed(x->im, x->f->path, c->line, "corridor");
            return -1;
        }
        x->f->rows++;
    }
    return 0;
}

static int ecb_rate_cb(void *arg, const struct ecb_rate *r)
{
    struct rpw_ctx *x = arg;

    if (db_rate_put(x->im->d, x->f->id, "EUR", r->currency, r->rate, r->date, x->source_id) < 0) {
        db_failed(x->im, x->f->path, r->line, "rate");
        return -1;
    }
    x->f->rows++;
    return 0;
}

/* ---- The RPW firm-level dataset ---- */

struct firm_ctx {
    struct importer *im;
    struct ifile *f;
    int64_t source_id;
    long read, imported, skipped;
    /* The last corridor's codes: rows come grouped by corridor, so most lookups are saved. */
    char src3[4], dst3[4], src2[3], dst2[3];
    int src_ok, dst_ok;
};

/*
 * The dataset's firm_type, free text, onto the provider types: anything with "post" is post,
 * "mobile" mobile, a bank, credit union, building society or cooperative is a bank (a "Bank/MTO"
 * too: its prices are a bank's), and everything else (money transfer operators, digital and
 * non-bank firms, no type) an mto.
 */
static const char *firm_provider_type(const char *firm_type)
{
    char t[64];

    if (text_fold(firm_type, (size_t)-1, t, sizeof(t)) == 0)
        return "mto";
    if (strstr(t, "post") != NULL)
        return "post";
    if (strstr(t, "mobile") != NULL)
        return "mobile";
    if (strstr(t, "bank") != NULL || strstr(t, "credit union") != NULL ||
        strstr(t, "building society") != NULL || strstr(t, "cooperative") != NULL)
        return "bank";
    return "mto";
}

static void firm_skip(void *arg, long line, enum rpw_skip why, const char *detail)
{
    struct firm_ctx *x = arg;
    struct import_stats *st = x->im->st;

    x->read++;
    x->skipped++;
    st->skip_why[why]++;
    /* The path's tail only: the message must fit, the operator knows which file it was. */
    if (st->nskip_msgs < IMPORT_MAX_SKIP_MSGS) {
        const char *base = strrchr(x->f->path, '/');
        snprintf(st->skip_msg[st->nskip_msgs++], sizeof(st->skip_msg[0]), "%.80s:%ld: %s%s%.60s%s",
                 base ? base + 1 : x->f->path, line, conf_rpw_skip_name(why), detail[0] ? " (" : "",
                 detail, detail[0] ? ")" : "");
    }
}

static void firm_progress(void *arg, long done, long total)
{
    struct firm_ctx *x = arg;
    const struct import_opts *o = x->im->opts;

    if (o != NULL && o->progress != NULL)
        o->progress(o->arg, x->f->path, done, total);
}

/* ISO3 -> ISO2 through the content, remembering the last answer. 0, or -1 if unknown. */
static int firm_country(struct firm_ctx *x, const char *iso3, char last3[4], char last2[3], int *ok)
{
    if (strcmp(iso3, last3) != 0) {
        snprintf(last3, 4, "%s", iso3);
        *ok = db_country_code(x->im->d, iso3, last2) == 0;
    }
    return *ok ? 0 : -1;
}

static int firm_row(void *arg, const struct rpw_firm_row *r)
{
    struct firm_ctx *x = arg;
    struct db_quote_in q;
    char slug[80], key[112];
    int k;

    x->read++;
    if (firm_country(x, r->src_iso3, x->src3, x->src2, &x->src_ok) < 0) {
        x->read--;
        firm_skip(x, r->line, RPW_SKIP_COUNTRY, r->src_iso3);
        return 0;
    }
    if (firm_country(x, r->dst_iso3, x->dst3, x->dst2, &x->dst_ok) < 0) {
        x->read--;
        firm_skip(x, r->line, RPW_SKIP_COUNTRY, r->dst_iso3);
        return 0;
    }
    memset(&q, 0, sizeof(q));
    if (text_fold(r->firm, (size_t)-1, slug, sizeof(slug)) == 0)
        snprintf(slug, sizeof(slug), "%.60s", r->firm);
    /* One provider per firm and file: re-importing one file never drops another's quotes. */
    snprintf(key, sizeof(key), "rpw:%lld:%s", (long long)x->f->id, slug);
    if (db_provider_find(x->im->d, key, &q.provider_id) < 0 &&
        db_provider_put(x->im->d, x->f->id, key, r->firm, firm_provider_type(r->firm_type),
                        &q.provider_id) < 0) {
        db_failed(x->im, x->f->path, r->line, "provider");
        return -1;
    }
    q.src = x->src2;
    q.dst = x->dst2;
    q.period = r->period;
    q.speed = r->speed;
    q.method = r->pickup;
    q.source_id = x->source_id;
    q.firm = slug;
    q.product = r->product;
    q.live = 0; /* decided over every file once all are in: db_firm_quotes_relive() */
    for (k = 0; k < 2; k++) {
        const struct rpw_cc *cc = &r->cc[k];
        if (!cc->has)
            continue;
        q.denom = cc->denom;
        q.amount = cc->amount;
        q.amount_ccy = cc->ccy;
        q.fee = cc->fee;
        q.has_fee = cc->has_fee;
        q.fx_margin = cc->margin;
        q.has_margin = cc->has_margin;
        q.total_pct = cc->total_pct;
        if (db_quote_put(x->im->d, x->f->id, &q) < 0) {
            db_failed(x->im, x->f->path, r->line, "quote");
            return -1;
        }
        x->f->rows++;
    }
    x->imported++;
    return 0;
}

static void firms_read(struct importer *im, struct ifile *f)
{
    struct firm_ctx x;
    struct rpw_firm_cbs cbs = {firm_row, firm_skip, firm_progress, NULL};
    struct db_source s;
    long n;

    memset(&x, 0, sizeof(x));
    x.im = im;
    x.f = f;
    cbs.arg = &x;
    memset(&s, 0, sizeof(s));
    s.key = "wb-rpw-firms";
    s.short_name = "WB";
    s.name = "World Bank, Remittance Prices Worldwide (firm-level data)";
    s.url = "https://remittanceprices.worldbank.org";
    s.licence = "CC BY 4.0";
    if (db_source_put(im->d, f->id, &s, &x.source_id) < 0) {
        db_failed(im, f->path, 0, "source");
        return;
    }
    im->firm_files++;
    n = conf_rpw_firms_read(f->path, &cbs, im->errs);
    im->st->read += x.read;
    im->st->imported += x.imported;
    im->st->skipped += x.skipped;
    if (n < 0)
        return;
    /* Rows may be skipped one by one, but a file none of whose rows is usable is not the file
     * the operator meant: reject it whole. */
    if (x.imported == 0)
        conf_errs_add(im->errs, f->path, 0,
                      "no usable row in %ld (is it the firm-level dataset? see the skipped rows)",
                      x.read);
}

void conf_import_summary(const struct import_stats *st, FILE *fp)
{
    int i, first = 1;

    if (st->read == 0 && st->skipped == 0)
        return;
    fprintf(fp, "firm-level rows: %ld read, %ld imported, %ld skipped", st->read, st->imported,
            st->skipped);
    for (i = 0; i < RPW_SKIP__COUNT; i++)
        if (st->skip_why[i] > 0) {
            fprintf(fp, "%s %ld %s", first ? ":" : ";", st->skip_why[i],
                    conf_rpw_skip_name((enum rpw_skip)i));
            first = 0;
        }
    fputc('\n', fp);
    for (i = 0; i < st->nskip_msgs; i++)
        fprintf(fp, "  skipped %s\n", st->skip_msg[i]);
    if (st->skipped > st->nskip_msgs)
        fprintf(fp, "  ... and %ld more skipped rows\n", st->skipped - st->nskip_msgs);
}

static void data_read(struct importer *im, struct ifile *f)
{
    struct rpw_ctx x = {im, f, 0};
    struct db_source s;

    if (f->format == CONF_FORMAT_RPW) {
        firms_read(im, f);
        return;
    }
    memset(&s, 0, sizeof(s));
    if (f->format == CONF_FORMAT_RPW_CORRIDORS) {
        s.key = "wb-rpw-corridors";
        s.short_name = "WB";
        s.name = "World Bank, Remittance Prices Worldwide (corridor averages, ATCR.CORR)";
        s.url = "https://remittanceprices.worldbank.org";
        s.licence = "CC BY 4.0";
    } else {
        s.key = "ecb-eurofxref";
        s.short_name = "ECB";
        s.name = "European Central Bank, euro foreign exchange reference rates";
        s.url = "https://www.ecb.europa.eu/stats/eurofxref/";
        s.licence = "ECB reuse policy, source acknowledged";
    }
    if (db_source_put(im->d, f->id, &s, &x.source_id) < 0) {
        db_failed(im, f->path, 0, "source");
        return;
    }
    if (f->format == CONF_FORMAT_RPW_CORRIDORS)
        conf_rpw_corridors_read(f->path, rpw_corridor_cb, &x, im->errs);
    else
        conf_ecb_read(f->path, ecb_rate_cb, &x, im->errs);
}

/* ---- Files and directories ---- */

/* FNV-1a 64 of the file's bytes, as 16 hex digits: cheap, and enough to notice an edit. */
static int file_digest(const char *path, char out[17])
{
    unsigned char buf[65536];
    uint64_t h = 1469598103934665603ULL;
    FILE *fp = fopen(path, "rb");
    size_t n, i;

    if (fp == NULL)
        return -1;
    while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
        for (i = 0; i < n; i++)
            h = (h ^ buf[i]) * 1099511628211ULL;
    if (ferror(fp)) {
        fclose(fp);
        return -1;
    }
    fclose(fp);
    snprintf(out, 17, "%016llx", (unsigned long long)h);
    return 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int add_file(struct importer *im, const char *path, enum conf_format forced)
{
    struct ifile *f;
    char real[PATH_MAX];
    int i;

    if (realpath(path, real) == NULL) {
        conf_errs_add(im->errs, path, 0, "cannot open: %s", strerror(errno));
        return -1;
    }
    for (i = 0; i < im->nfiles; i++)
        if (strcmp(im->files[i].path, real) == 0)
            return 0; /* named twice */
    if (im->nfiles >= IMPORT_MAX_FILES) {
        conf_errs_add(im->errs, path, 0, "too many files in one import (at most %d)",
                      IMPORT_MAX_FILES);
        return -1;
    }
    f = &im->files[im->nfiles];
    memset(f, 0, sizeof(*f));
    snprintf(f->path, sizeof(f->path), "%s", real);
    f->format = forced != CONF_FORMAT_UNKNOWN ? forced : conf_detect_format(real);
    if (f->format == CONF_FORMAT_UNKNOWN) {
        conf_errs_add(im->errs, real, 0,
                      "unknown format: expected a .conf content file, a World Bank RPW corridor "
                      "or firm-level CSV, or an ECB rates CSV (or say --format)");
        return -1;
    }
    im->nfiles++;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Adds the files of a directory whose names end in suffix, in name order. */
static void add_dir_files(struct importer *im, const char *dir, const char *suffix)
{
    char *names[IMPORT_MAX_FILES];
    int n = 0, i;
    struct dirent *e;
    DIR *dp = opendir(dir);

    if (dp == NULL)
        return;
    while ((e = readdir(dp)) != NULL && n < IMPORT_MAX_FILES) {
        if (e->d_name[0] == '.' || !ends_with(e->d_name, suffix))
            continue;
        names[n] = malloc(strlen(dir) + strlen(e->d_name) + 2);
        if (names[n] == NULL)
            break;
        snprintf(names[n], strlen(dir) + strlen(e->d_name) + 2, "%s/%s", dir, e->d_name);
        n++;
    }
    closedir(dp);
    qsort(names, (size_t)n, sizeof(names[0]), cmp_str);
    for (i = 0; i < n; i++) {
        add_file(im, names[i], CONF_FORMAT_UNKNOWN);
        free(names[i]);
    }
}

static void add_path(struct importer *im, const char *path, enum conf_format forced)
{
    struct stat st;
    char sub[PATH_MAX];

    if (stat(path, &st) < 0) {
        conf_errs_add(im->errs, path, 0, "cannot open: %s", strerror(errno));
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        add_file(im, path, forced);
        return;
    }
    add_dir_files(im, path, ".conf");
    snprintf(sub, sizeof(sub), "%s/data", path);
    add_dir_files(im, sub, ".csv");
}

int conf_import(db *d, const char *const *paths, int npaths, enum conf_format forced, int dry_run,
                struct conf_errs *errs, struct import_stats *st)
{
    struct import_opts o;

    memset(&o, 0, sizeof(o));
    o.forced = forced;
    o.dry_run = dry_run;
    return conf_import_opts(d, paths, npaths, &o, errs, st);
}

int conf_import_opts(db *d, const char *const *paths, int npaths, const struct import_opts *o,
                     struct conf_errs *errs, struct import_stats *st)
{
    struct importer im;
    enum conf_format forced = o->forced;
    int dry_run = o->dry_run;
    int i, pass, rc = -1, in_tx = 0, errors_before = errs->count;

    memset(&im, 0, sizeof(im));
    memset(st, 0, sizeof(*st));
    im.d = d;
    im.errs = errs;
    im.st = st;
    im.opts = o;
    im.files = calloc(IMPORT_MAX_FILES, sizeof(*im.files));
    if (im.files == NULL) {
        conf_errs_add(errs, "import", 0, "out of memory");
        return -1;
    }
    for (i = 0; i < npaths; i++)
        add_path(&im, paths[i], forced);
    if (errs->count > errors_before)
        goto out;
    if (im.nfiles == 0) {
        conf_errs_add(errs, npaths > 0 ? paths[0] : "import", 0, "no content files found");
        goto out;
    }
    if (db_begin(d) < 0) {
        conf_errs_add(errs, "database", 0, "cannot start a transaction: %s", db_errmsg(d));
        goto out;
    }
    in_tx = 1;
    for (i = 0; i < im.nfiles; i++) {
        struct ifile *f = &im.files[i];
        char digest[17];

        if (file_digest(f->path, digest) < 0) {
            conf_errs_add(errs, f->path, 0, "cannot read: %s", strerror(errno));
            continue;
        }
        if (db_file_claim(d, f->path, conf_format_name(f->format), digest, &f->id, &f->unchanged) <
            0) {
            db_failed(&im, f->path, 0, "recording the file");
            continue;
        }
        st->files++;
        if (f->unchanged) {
            st->unchanged++;
            continue;
        }
        if (f->format == CONF_FORMAT_CONTENT) {
            content_read(&im, f);
            if (f->cfg_ok)
                content_check_top(&im, f);
        }
    }
    for (pass = 0; pass < NPASSES; pass++)
        for (i = 0; i < im.nfiles; i++)
            if (!im.files[i].unchanged && im.files[i].cfg_ok)
                content_pass(&im, &im.files[i], pass);
    for (i = 0; i < im.nfiles; i++)
        if (!im.files[i].unchanged && im.files[i].format != CONF_FORMAT_CONTENT)
            data_read(&im, &im.files[i]);
    if (im.firm_files > 0 && errs->count == errors_before && db_firm_quotes_relive(d) < 0)
        conf_errs_add(errs, "database", 0, "marking the latest prices live: %s", db_errmsg(d));
    for (i = 0; i < im.nfiles; i++) {
        if (im.files[i].unchanged)
            continue;
        st->rows += im.files[i].rows;
        if (db_file_set_rows(d, im.files[i].id, im.files[i].rows) < 0)
            db_failed(&im, im.files[i].path, 0, "recording the file");
    }
    st->left_out = im.skipped;
    if (db_sources_gc(d) < 0)
        conf_errs_add(errs, "database", 0, "%s", db_errmsg(d));
    if (errs->count == errors_before && db_fk_violations(d) != 0)
        conf_errs_add(errs, "import", 0,
                      "content still refers to a country, source or provider that the new files "
                      "no longer define; put it back or remove what refers to it");
    if (errs->count > errors_before || dry_run)
        goto out;
    if (db_commit(d) < 0) {
        conf_errs_add(errs, "database", 0, "commit failed: %s", db_errmsg(d));
        goto out;
    }
    in_tx = 0;
    rc = 0;
out:
    if (in_tx)
        db_rollback(d);
    if (rc < 0 && dry_run && errs->count == errors_before)
        rc = 0;
    for (i = 0; i < im.nfiles; i++)
        if (im.files[i].cfg_init)
            config_destroy(&im.files[i].cfg);
    free(im.files);
    return rc;
}
