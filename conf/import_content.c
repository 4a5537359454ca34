/*
 * import_content.c: the lists of a content file (.conf), one function each, applied in passes so
 * that a list may name what an earlier pass stored.
 */
#include "conf/import_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "db/alerts.h"
#include "db/vocab.h"
#include "util/gsm.h"
#include "util/text.h"

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

        if (imp_check_fields(im, f->path, "source", g, fields, 6))
            continue;
        s.key = imp_get_str(g, "key");
        s.short_name = imp_get_str(g, "short");
        s.name = imp_get_str(g, "name");
        s.url = imp_get_str(g, "url");
        s.licence = imp_get_str(g, "licence");
        s.fixed = 0;
        config_setting_lookup_bool(g, "fixed", &s.fixed);
        if (strlen(s.short_name) > 12) {
            conf_errs_add(im->errs, f->path, imp_line_of(g),
                          "source '%s': 'short' is printed in every reply; keep it to 12 "
                          "characters",
                          s.key);
            continue;
        }
        if (db_source_put(im->d, f->id, &s, NULL) < 0)
            imp_db_failed(im, f->path, imp_line_of(g), "source");
        else
            f->rows++;
    }
}

/* Adds each string of list as a folded word of kind in lang. */
static void put_word_list(struct importer *im, struct ifile *f, const char *lang, const char *kind,
                          const config_setting_t *list)
{
    int j;

    for (j = 0; j < config_setting_length(list); j++) {
        const char *w = config_setting_get_string_elem(list, j);
        char folded[64];

        if (text_fold(w, (size_t)-1, folded, sizeof(folded)) == 0) {
            conf_errs_add(im->errs, f->path, imp_line_of(list),
                          "language %s: word \"%s\" has no letters or digits", lang, w);
            continue;
        }
        if (db_word_put(im->d, f->id, lang, kind, folded) < 0)
            imp_db_failed(im, f->path, imp_line_of(list), "word");
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

        if (!db_word_kind_known(kname)) {
            conf_errs_add(im->errs, f->path, imp_line_of(kind),
                          "language %s: unknown word kind '%s' (known: %s)", lang, kname,
                          db_word_kinds());
            continue;
        }
        if (!imp_ftype_matches(kind, F_STRLIST)) {
            conf_errs_add(im->errs, f->path, imp_line_of(kind),
                          "language %s: words '%s' must be %s", lang, kname,
                          imp_ftype_name(F_STRLIST));
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

        if (!imp_is_upper_code(code, codelen) || !imp_ftype_matches(l, F_STRLIST)) {
            conf_errs_add(im->errs, f->path, imp_line_of(l),
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
        if (!imp_is_upper_code(c, 2)) {
            conf_errs_add(im->errs, f->path, imp_line_of(list),
                          "language %s: spoken_in needs ISO 3166 codes of 2 upper-case letters "
                          "(got '%s')",
                          lang, c ? c : "");
            continue;
        }
        if (db_word_put(im->d, f->id, lang, DB_KIND_SPOKEN, c) < 0)
            imp_db_failed(im, f->path, imp_line_of(list), "word");
        else
            f->rows++;
    }
}

/*
 * months = ["janv.", ..., "déc."] (exactly 12, no '|') and other_decimal_in = ["MX", ...]
 * (the countries where the language writes the other decimal mark): how the language writes
 * dates and numbers (db_lang_set_locale). Both optional: English months, no exceptions.
 */
static void put_locale(struct importer *im, struct ifile *f, const char *lang,
                       const config_setting_t *g)
{
    const config_setting_t *months = config_setting_get_member(g, "months");
    const config_setting_t *other = config_setting_get_member(g, "other_decimal_in");
    char m[256] = "", o[512] = "";
    size_t ml = 0, ol = 0;
    int j;

    if (months != NULL && config_setting_length(months) != 12) {
        conf_errs_add(im->errs, f->path, imp_line_of(months),
                      "language %s: months needs the 12 month names, January first", lang);
        return;
    }
    for (j = 0; months != NULL && j < 12; j++) {
        const char *c = config_setting_get_string_elem(months, j);
        if (c == NULL || c[0] == '\0' || strchr(c, '|') != NULL || strlen(c) > 15) {
            conf_errs_add(im->errs, f->path, imp_line_of(months),
                          "language %s: month %d must be a short name (1-15 bytes, no '|')", lang,
                          j + 1);
            return;
        }
        ml += (size_t)snprintf(m + ml, sizeof(m) - ml, "%s%s", j ? "|" : "", c);
    }
    for (j = 0; other != NULL && j < config_setting_length(other) && ol + 4 < sizeof(o); j++) {
        const char *c = config_setting_get_string_elem(other, j);
        if (!imp_is_upper_code(c, 2)) {
            conf_errs_add(im->errs, f->path, imp_line_of(other),
                          "language %s: other_decimal_in needs ISO 3166 codes of 2 upper-case "
                          "letters (got '%s')",
                          lang, c ? c : "");
            return;
        }
        ol += (size_t)snprintf(o + ol, sizeof(o) - ol, "%s%s", j ? " " : "", c);
    }
    if (db_lang_set_locale(im->d, lang, m, o) < 0)
        imp_db_failed(im, f->path, imp_line_of(g), "language");
}

/* Whether key[0..len) is one of the space-separated words of keys. */
static int key_listed(const char *keys, const char *key, size_t len)
{
    const char *k = keys;

    while (k != NULL && *k != '\0') {
        size_t n = strcspn(k, " ");
        if (n == len && strncmp(k, key, len) == 0)
            return 1;
        k += n;
        k += strspn(k, " ");
    }
    return 0;
}

/*
 * A template may only use the placeholders its handler fills ("{pc}" would print nothing, and
 * the percentage would silently vanish from every FEE), and a whole reply must fit one SMS in
 * its compact form with typical values (db_placeholder_example): 160 GSM-7 characters, or 70
 * UCS-2 when the language keeps letters GSM-7 lacks. 0, or -1 with the problem in errs.
 */
/* The text of template text with each placeholder's typical value; compact: as the router's
 * last level words it (country codes for names, no amount that arrives, so no rate's source).
 * 0, or -1 with the unknown placeholder in errs. */
static int fill_template(struct importer *im, struct ifile *f, const char *lang,
                         const config_setting_t *t, const char *name, const char *text, int compact,
                         char *filled, size_t filledsz)
{
    static const struct {
        const char *key, *value;
    } codes[] = {{"from", "USA"}, {"to", "MEX"},        {"country", "PHL"},
                 {"arrive", ""},  {"src", "WB 2025Q1"}, {"amount", "USD200"}};
    const char *keys = db_template_keys(name), *p = text;
    size_t o = 0, i;

    while (*p != '\0' && o + 1 < filledsz) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        if (close != NULL) {
            char key[32];
            const char *v;
            size_t kl = (size_t)(close - p - 1);
            if (kl == 0 || kl >= sizeof(key) || !key_listed(keys, p + 1, kl)) {
                conf_errs_add(im->errs, f->path, imp_line_of(t),
                              "language %s: template '%s' has the unknown placeholder {%.*s} (it "
                              "takes: %s)",
                              lang, name, (int)kl, p + 1, keys && keys[0] ? keys : "none");
                return -1;
            }
            memcpy(key, p + 1, kl);
            key[kl] = '\0';
            v = db_placeholder_example(key);
            for (i = 0; compact && i < sizeof(codes) / sizeof(codes[0]); i++)
                if (strcmp(codes[i].key, key) == 0)
                    v = codes[i].value;
            o += (size_t)snprintf(filled + o, filledsz - o, "%s", v);
            if (o >= filledsz)
                o = filledsz - 1;
            p = close + 1;
            continue;
        }
        filled[o++] = *p++;
    }
    filled[o] = '\0';
    return 0;
}

/*
 * A template may only use the placeholders its handler fills ("{pc}" would print nothing, and
 * the percentage would silently vanish from every FEE), and a whole reply must fit one SMS in
 * its compact form with typical values (db_placeholder_example; the router's last level, with
 * country codes and without the amount that arrives): 160 GSM-7 characters, or 70 UCS-2 when the
 * language keeps letters GSM-7 lacks. 0, or -1 with the problem in errs.
 */
static int check_template(struct importer *im, struct ifile *f, const char *lang, int translit,
                          const config_setting_t *t, const char *name, const char *text)
{
    char filled[1024], clean[1024];
    struct gsm_info info;

    if (fill_template(im, f, lang, t, name, text, 1, filled, sizeof(filled)) < 0)
        return -1;
    if (!db_template_is_reply(name) || gsm_prepare(filled, translit, clean, sizeof(clean)) < 0 ||
        gsm_measure(clean, &info) < 0 || info.parts <= 1)
        return 0;
    conf_errs_add(im->errs, f->path, imp_line_of(t),
                  "language %s: template '%s' does not fit one SMS with typical values even in "
                  "its shortest wording (%zu %s characters, at most %d): shorten it",
                  lang, name, info.units, info.coding == GSM_CODING_UCS2 ? "UCS-2" : "GSM-7",
                  info.coding == GSM_CODING_UCS2 ? 70 : 160);
    return -1;
}

static void put_templates(struct importer *im, struct ifile *f, const char *code, int translit,
                          const config_setting_t *tpl, const char *prefix);

static void put_languages(struct importer *im, struct ifile *f, const config_setting_t *list)
{
    static const struct field fields[] = {
        {"code", F_STR, 1},          {"name", F_STR, 1},
        {"decimal", F_STR, 0},       {"transliterate", F_BOOL, 0},
        {"words", F_GROUP, 1},       {"templates", F_GROUP, 1},
        {"currencies", F_GROUP, 0},  {"country_words", F_GROUP, 0},
        {"spoken_in", F_STRLIST, 0}, {"native", F_GROUP, 0},
        {"months", F_STRLIST, 0},    {"other_decimal_in", F_STRLIST, 0},
    };
    int i;

    for (i = 0; i < config_setting_length(list); i++) {
        const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
        const char *code, *dec;
        int translit = 1;

        if (imp_check_fields(im, f->path, "language", g, fields, 12))
            continue;
        code = imp_get_str(g, "code");
        if (!imp_is_lang_code(code)) {
            conf_errs_add(im->errs, f->path, imp_line_of(g),
                          "language: code '%s' must be 2 or 3 lower-case letters (ISO 639)", code);
            continue;
        }
        dec = imp_get_str(g, "decimal");
        if (dec == NULL)
            dec = ".";
        if (strcmp(dec, ".") != 0 && strcmp(dec, ",") != 0) {
            conf_errs_add(im->errs, f->path, imp_line_of(g),
                          "language %s: decimal must be \".\" or \",\"", code);
            continue;
        }
        config_setting_lookup_bool(g, "transliterate", &translit);
        if (db_lang_put(im->d, f->id, code, imp_get_str(g, "name"), dec, translit) < 0) {
            conf_errs_add(im->errs, f->path, imp_line_of(g), "language %s: defined twice (or %s)",
                          code, db_errmsg(im->d));
            continue;
        }
        f->rows++;
        put_words(im, f, code, config_setting_get_member(g, "words"));
        put_code_words(im, f, code, config_setting_get_member(g, "currencies"), DB_KIND_CURRENCY,
                       3);
        put_code_words(im, f, code, config_setting_get_member(g, "country_words"), DB_KIND_COUNTRY,
                       2);
        put_spoken(im, f, code, config_setting_get_member(g, "spoken_in"));
        put_locale(im, f, code, g);
        put_templates(im, f, code, translit, config_setting_get_member(g, "templates"), "");
        put_templates(im, f, code, translit, config_setting_get_member(g, "native"),
                      DB_TEMPLATE_NATIVE);
    }
}

/* The templates of a group, each stored under its name with prefix ("" for the language's
 * own templates, DB_TEMPLATE_NATIVE for those in its own script). */
static void put_templates(struct importer *im, struct ifile *f, const char *code, int translit,
                          const config_setting_t *tpl, const char *prefix)
{
    int j;

    for (j = 0; tpl != NULL && j < config_setting_length(tpl); j++) {
        const config_setting_t *t = config_setting_get_elem(tpl, (unsigned)j);
        const char *tname = config_setting_name(t);
        char stored[64];

        snprintf(stored, sizeof(stored), "%s%s", prefix, tname ? tname : "");
        if (!db_template_known(tname)) {
            conf_errs_add(im->errs, f->path, imp_line_of(t),
                          "language %s: unknown template '%s' (known: %s)", code, tname,
                          db_template_names());
            continue;
        }
        if (config_setting_type(t) != CONFIG_TYPE_STRING) {
            conf_errs_add(im->errs, f->path, imp_line_of(t),
                          "language %s: template '%s' must be a string", code, tname);
            continue;
        }
        /* A template in the language's own script is UCS-2 whatever the transliteration. */
        if (check_template(im, f, code, prefix[0] ? 0 : translit, t, tname,
                           config_setting_get_string(t)) < 0)
            continue;
        if (db_template_put(im->d, f->id, code, stored, config_setting_get_string(t)) < 0)
            imp_db_failed(im, f->path, imp_line_of(t), "template");
        else
            f->rows++;
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
            conf_errs_add(im->errs, f->path, imp_line_of(names),
                          "country %s: name \"%s\" has no letters", iso2, n);
            continue;
        }
        if (db_country_name_put(im->d, f->id, iso2, lang, n, folded, first_is_primary && j == 0) <
            0)
            imp_db_failed(im, f->path, imp_line_of(names), "country name");
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

        if (imp_check_fields(im, f->path, "country", g, fields, 6))
            continue;
        iso2 = imp_get_str(g, "iso2");
        iso3 = imp_get_str(g, "iso3");
        ccy = imp_get_str(g, "currency");
        dial = imp_get_str(g, "dial");
        if (!imp_is_upper_code(iso2, 2) || !imp_is_upper_code(iso3, 3) ||
            !imp_is_upper_code(ccy, 3)) {
            conf_errs_add(im->errs, f->path, imp_line_of(g),
                          "country: iso2, iso3 and currency must be upper-case ISO codes of 2, 3 "
                          "and 3 letters (got '%s', '%s', '%s')",
                          iso2, iso3, ccy);
            continue;
        }
        if (dial != NULL &&
            (strlen(dial) == 0 || strlen(dial) > 4 || strspn(dial, "0123456789") != strlen(dial))) {
            conf_errs_add(im->errs, f->path, imp_line_of(g),
                          "country %s: dial must be the E.164 calling code, 1 to 4 digits", iso2);
            continue;
        }
        if (db_country_put(im->d, f->id, iso2, iso3, ccy, dial) < 0) {
            conf_errs_add(im->errs, f->path, imp_line_of(g), "country %s/%s is defined twice", iso2,
                          iso3);
            continue;
        }
        f->rows++;
        names = config_setting_get_member(g, "names");
        for (j = 0; j < config_setting_length(names); j++) {
            const config_setting_t *l = config_setting_get_elem(names, (unsigned)j);
            const char *lang = config_setting_name(l);

            if (!imp_is_lang_code(lang) || !imp_ftype_matches(l, F_STRLIST)) {
                conf_errs_add(im->errs, f->path, imp_line_of(l),
                              "country %s: names.%s must be a language code with a list of "
                              "strings",
                              iso2, lang);
                continue;
            }
            put_names(im, f, iso2, lang, l, 1);
        }
        if (config_setting_get_member(names, "en") == NULL)
            conf_errs_add(im->errs, f->path, imp_line_of(names),
                          "country %s: needs an English name", iso2);
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

        if (imp_check_fields(im, f->path, "provider", g, fields, 3))
            continue;
        type = imp_get_str(g, "type");
        if (strcmp(type, "bank") != 0 && strcmp(type, "mto") != 0 && strcmp(type, "mobile") != 0 &&
            strcmp(type, "post") != 0) {
            conf_errs_add(im->errs, f->path, imp_line_of(g),
                          "provider %s: type must be bank, mto, mobile or post (got '%s')",
                          imp_get_str(g, "key"), type);
            continue;
        }
        if (db_provider_put(im->d, f->id, imp_get_str(g, "key"), imp_get_str(g, "name"), type,
                            NULL) < 0)
            conf_errs_add(im->errs, f->path, imp_line_of(g), "provider '%s' is defined twice",
                          imp_get_str(g, "key"));
        else
            f->rows++;
    }
}

/*
 * The full cost of a quote in per cent of the amount: fee and FX margin, or the fee alone when
 * the margin was not disclosed (transparent = false), or the published total of a corridor
 * average (average: no provider). total: the file's own total, or NULL. 0, or -1 (reported).
 */
static int quote_total(struct importer *im, const char *file, long line, struct db_quote_in *q,
                       int transparent, int average, const double *total)
{
    if (!transparent) {
        /* The FX margin was not disclosed: the full cost is unknown, say so, never rank. */
        if (q->has_margin) {
            conf_errs_add(im->errs, file, line,
                          "quote: fx_margin given but transparent = false; drop one");
            return -1;
        }
        if (!q->has_fee) {
            conf_errs_add(im->errs, file, line,
                          "quote: a quote whose exchange margin is not disclosed needs 'fee'");
            return -1;
        }
        q->total_pct = q->fee / q->amount * 100.0;
    } else if (q->has_fee && q->has_margin) {
        q->total_pct = q->fee / q->amount * 100.0 + q->fx_margin;
        if (total != NULL && fabs(*total - q->total_pct) > 0.05) {
            conf_errs_add(im->errs, file, line,
                          "quote: total %.2f%% does not match fee/amount*100 + fx_margin = "
                          "%.2f%%",
                          *total, q->total_pct);
            return -1;
        }
    } else if (total != NULL && average) {
        q->total_pct = *total; /* a corridor average: only the total is published */
    } else {
        conf_errs_add(im->errs, file, line,
                      "quote: give 'fee' and 'fx_margin' (the exchange-rate margin in %%, 0 if "
                      "none), or set transparent = false when the margin is not disclosed");
        return -1;
    }
    return 0;
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
        long line = imp_line_of(g);

        if (imp_check_fields(im, f->path, "quote", g, fields, 13))
            continue;
        memset(&q, 0, sizeof(q));
        if (imp_want_country(im, f->path, line, "quote", imp_get_str(g, "from"), src) < 0 ||
            imp_want_country(im, f->path, line, "quote", imp_get_str(g, "to"), dst) < 0 ||
            imp_want_source(im, f->path, line, "quote", imp_get_str(g, "source"), &q.source_id) < 0)
            continue;
        q.src = src;
        q.dst = dst;
        pkey = imp_get_str(g, "provider");
        if (pkey != NULL && db_provider_find(im->d, pkey, &q.provider_id) < 0) {
            conf_errs_add(im->errs, f->path, line,
                          "quote: unknown provider '%s' (define it in a 'providers' list)", pkey);
            continue;
        }
        imp_get_num(g, "amount", &q.amount);
        q.amount_ccy = imp_get_str(g, "currency");
        q.period = imp_get_str(g, "period");
        q.speed = imp_get_str(g, "speed");
        q.method = imp_get_str(g, "method");
        q.has_fee = imp_get_num(g, "fee", &q.fee);
        q.has_margin = imp_get_num(g, "fx_margin", &q.fx_margin);
        has_total = imp_get_num(g, "total", &total);
        config_setting_lookup_bool(g, "transparent", &transparent);
        if (!(q.amount > 0) || !imp_is_upper_code(q.amount_ccy, 3)) {
            conf_errs_add(im->errs, f->path, line,
                          "quote: amount must be more than 0 and currency an ISO 4217 code");
            continue;
        }
        if (!imp_is_period(q.period)) {
            conf_errs_add(im->errs, f->path, line,
                          "quote: period must look like 2026Q3 or 2026-11-27 (got '%s')", q.period);
            continue;
        }
        if (q.has_fee && q.fee < 0) {
            conf_errs_add(im->errs, f->path, line, "quote: fee cannot be negative");
            continue;
        }
        if (quote_total(im, f->path, line, &q, transparent, pkey == NULL,
                        has_total ? &total : NULL) < 0)
            continue;
        if (q.total_pct < -50 || q.total_pct > 100) {
            conf_errs_add(im->errs, f->path, line, "quote: total cost %.2f%% is not plausible",
                          q.total_pct);
            continue;
        }
        q.live = 1;
        if (db_quote_put(im->d, f->id, &q) < 0)
            imp_db_failed(im, f->path, line, "quote");
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
        long line = imp_line_of(g);

        if (imp_check_fields(im, f->path, "rate", g, fields, 5))
            continue;
        base = imp_get_str(g, "base");
        quote = imp_get_str(g, "quote");
        as_of = imp_get_str(g, "as_of");
        imp_get_num(g, "rate", &rate);
        if (!imp_is_upper_code(base, 3) || !imp_is_upper_code(quote, 3) ||
            strcmp(base, quote) == 0) {
            conf_errs_add(im->errs, f->path, line,
                          "rate: base and quote must be two different ISO 4217 codes");
            continue;
        }
        if (!(rate > 0)) {
            conf_errs_add(im->errs, f->path, line, "rate: rate must be more than 0");
            continue;
        }
        if (!imp_is_iso_date(as_of)) {
            conf_errs_add(im->errs, f->path, line, "rate: as_of must be a date like 2026-04-13");
            continue;
        }
        if (imp_want_source(im, f->path, line, "rate", imp_get_str(g, "source"), &source_id) < 0)
            continue;
        if (db_rate_put(im->d, f->id, base, quote, rate, as_of, source_id) < 0)
            imp_db_failed(im, f->path, line, "rate");
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
        long line = imp_line_of(g);

        if (imp_check_fields(im, f->path, "guide", g, fields, 6))
            continue;
        memset(&gi, 0, sizeof(gi));
        country = imp_get_str(g, "country");
        if (country != NULL && country[0] != '\0') {
            if (imp_want_country(im, f->path, line, "guide", country, iso2) < 0)
                continue;
            gi.country = iso2;
        }
        if (text_fold(imp_get_str(g, "topic"), (size_t)-1, topic, sizeof(topic)) == 0 ||
            strchr(topic, ' ') != NULL) {
            conf_errs_add(im->errs, f->path, line, "guide: topic must be one word");
            continue;
        }
        gi.topic = topic;
        gi.checked = imp_get_str(g, "checked");
        if (!imp_is_iso_date(gi.checked)) {
            conf_errs_add(im->errs, f->path, line,
                          "guide %s: checked must be the date the text was last checked, like "
                          "2026-11-27",
                          topic);
            continue;
        }
        if (imp_want_source(im, f->path, line, "guide", imp_get_str(g, "source"), &gi.source_id) <
            0)
            continue;
        text = config_setting_get_member(g, "text");
        if (config_setting_get_member(text, "en") == NULL)
            conf_errs_add(im->errs, f->path, imp_line_of(text),
                          "guide %s: needs an English text (the fallback)", topic);
        for (j = 0; j < config_setting_length(text); j++) {
            const config_setting_t *t = config_setting_get_elem(text, (unsigned)j);

            gi.lang = config_setting_name(t);
            if (!imp_is_lang_code(gi.lang) || config_setting_type(t) != CONFIG_TYPE_STRING) {
                conf_errs_add(im->errs, f->path, imp_line_of(t),
                              "guide %s: text.%s must be a language code with a string", topic,
                              gi.lang);
                continue;
            }
            gi.text = config_setting_get_string(t);
            if (strlen(gi.text) == 0 || strlen(gi.text) > 400) {
                conf_errs_add(im->errs, f->path, imp_line_of(t),
                              "guide %s: text.%s must have 1 to 400 bytes", topic, gi.lang);
                continue;
            }
            if (db_guide_put(im->d, f->id, &gi) < 0)
                imp_db_failed(im, f->path, imp_line_of(t), "guide");
            else
                f->rows++;
        }
        aliases = config_setting_get_member(g, "aliases");
        for (j = 0; aliases != NULL && j < config_setting_length(aliases); j++) {
            char folded[32];

            if (text_fold(config_setting_get_string_elem(aliases, j), (size_t)-1, folded,
                          sizeof(folded)) > 0 &&
                db_guide_alias_put(im->d, f->id, topic, folded) < 0)
                imp_db_failed(im, f->path, imp_line_of(aliases), "guide alias");
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

        if (imp_check_fields(im, f->path, "topic", g, fields, 2))
            continue;
        if (text_fold(imp_get_str(g, "key"), (size_t)-1, key, sizeof(key)) == 0 ||
            strspn(key, "abcdefghijklmnopqrstuvwxyz0123456789") != strlen(key)) {
            conf_errs_add(im->errs, f->path, imp_line_of(g),
                          "topic: key must be one word of letters and digits (got '%s')",
                          imp_get_str(g, "key"));
            continue;
        }
        if (db_alert_topic_put(im->d, f->id, key, NULL, key) < 0) {
            imp_db_failed(im, f->path, imp_line_of(g), "topic");
            continue;
        }
        f->rows++;
        names = config_setting_get_member(g, "names");
        for (j = 0; j < config_setting_length(names); j++) {
            const config_setting_t *l = config_setting_get_elem(names, (unsigned)j);
            const char *lang = config_setting_name(l);

            if (!imp_is_lang_code(lang) || !imp_ftype_matches(l, F_STRLIST)) {
                conf_errs_add(im->errs, f->path, imp_line_of(l),
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
                    imp_db_failed(im, f->path, imp_line_of(l), "topic");
                else
                    f->rows++;
            }
        }
    }
}

/*
 * Numbering prefixes: the digits after the + that tell apart the countries sharing a calling
 * code ("1876" Jamaica, "77" Kazakhstan). The country need not be one the content defines: a
 * number from it then resolves to no country, never to a neighbour that shares its code.
 */
static void put_numbering(struct importer *im, struct ifile *f, const config_setting_t *list)
{
    static const struct field fields[] = {{"country", F_STR, 1}, {"prefixes", F_STRLIST, 1}};
    int i, j;

    for (i = 0; i < config_setting_length(list); i++) {
        const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
        const config_setting_t *pl;
        const char *iso2;

        if (imp_check_fields(im, f->path, "numbering", g, fields, 2))
            continue;
        iso2 = imp_get_str(g, "country");
        if (!imp_is_upper_code(iso2, 2)) {
            conf_errs_add(im->errs, f->path, imp_line_of(g),
                          "numbering: country must be an upper-case ISO 3166-1 alpha-2 code "
                          "(got '%s')",
                          iso2);
            continue;
        }
        pl = config_setting_get_member(g, "prefixes");
        for (j = 0; j < config_setting_length(pl); j++) {
            const char *p = config_setting_get_string_elem(pl, j);
            size_t n = strlen(p);

            if (n == 0 || n > 7 || strspn(p, "0123456789") != n) {
                conf_errs_add(im->errs, f->path, imp_line_of(pl),
                              "numbering %s: prefix '%s' must be 1 to 7 digits (what follows "
                              "the +)",
                              iso2, p);
                continue;
            }
            if (db_prefix_put(im->d, f->id, p, iso2) < 0) {
                conf_errs_add(im->errs, f->path, imp_line_of(pl),
                              "numbering %s: prefix %s is given twice", iso2, p);
                continue;
            }
            f->rows++;
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
    {"countries", put_countries, 1}, {"numbering", put_numbering, 1},
    {"providers", put_providers, 2}, {"quotes", put_quotes, 3},
    {"rates", put_rates, 3},         {"guides", put_guides, 3},
    {"topics", put_topics, 3},
};
#define NLISTS (sizeof(content_lists) / sizeof(content_lists[0]))

void imp_content_read(struct importer *im, struct ifile *f)
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

void imp_content_check_top(struct importer *im, struct ifile *f)
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
            conf_errs_add(im->errs, f->path, imp_line_of(m),
                          "unknown key '%s' (a content file holds sources, languages, countries, "
                          "numbering, providers, quotes, rates, guides and topics)",
                          config_setting_name(m));
        else if (config_setting_type(m) != CONFIG_TYPE_LIST)
            conf_errs_add(im->errs, f->path, imp_line_of(m), "'%s' must be a list ( {...}, {...} )",
                          config_setting_name(m));
    }
}

void imp_content_pass(struct importer *im, struct ifile *f, int pass)
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
