/*
 * content.c: reading the content back: the lexicon's words, names, languages and
 * templates, country codes and names, guides, and the sources with what each one covers.
 */
#include "db/db.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "db/internal.h"

/* This file's statements, prepared on first use and kept for the life of the handle. */
enum stmt_id {
    S_COUNTRY_CODE,
    S_WORDS_EACH,
    S_NAMES_EACH,
    S_LANGS_EACH,
    S_TEMPLATES_EACH,
    S_COUNTRIES_EACH,
    S_PREFIXES_EACH,
    S_SENDERS_EACH,
    S_COUNTRY_NAME,
    S_GUIDE_TOPICS,
    S_GUIDE_GET,
    S_GUIDE_TOPIC_FIND,
    S_GUIDE_TOPIC_PREFIX,
    S_SOURCES_EACH,
    S_LOCALES_EACH,
    S_RATE_CODES_EACH,
    S__COUNT
};

static const char *const stmt_sql[S__COUNT] = {
    /* A code, or a language-neutral alias such as the World Bank's KSV for Kosovo. */
    [S_COUNTRY_CODE] = "SELECT iso2 FROM country WHERE iso2 = upper(?1) OR iso3 = upper(?1) "
                       "UNION ALL SELECT iso2 FROM country_name WHERE lang IS NULL AND "
                       "folded = lower(?1) LIMIT 1",
    /* In file order: where a word means several codes ("riyal"), the first listed is the default.
     */
    [S_WORDS_EACH] = "SELECT lang, kind, word FROM word ORDER BY lang, rowid",
    [S_NAMES_EACH] = "SELECT iso2, lang, folded FROM country_name ORDER BY iso2",
    [S_LANGS_EACH] = "SELECT code, name, decimal_sep, translit FROM lang ORDER BY code",
    [S_RATE_CODES_EACH] = "SELECT base FROM rate UNION SELECT quote FROM rate",
    [S_LOCALES_EACH] = "SELECT code, months, other_decimal_in FROM lang ORDER BY code",
    [S_TEMPLATES_EACH] = "SELECT lang, name, text FROM template ORDER BY lang, name",
    [S_COUNTRIES_EACH] = "SELECT iso2, iso3, currency, dial FROM country ORDER BY iso2",
    [S_PREFIXES_EACH] = "SELECT prefix, iso2 FROM number_prefix ORDER BY prefix",
    /* Uses the quote_corridor index's leading column: one step per distinct origin. */
    [S_SENDERS_EACH] = "SELECT DISTINCT src FROM quote WHERE live = 1 ORDER BY src",
    [S_COUNTRY_NAME] = "SELECT name FROM country_name WHERE iso2 = ?1 AND primary_name = 1 "
                       "AND lang IN (?2, 'en') ORDER BY lang = ?2 DESC LIMIT 1",
    [S_GUIDE_TOPICS] = "SELECT DISTINCT topic FROM guide WHERE country = ?1 OR country IS NULL "
                       "ORDER BY country IS NULL, topic",
    [S_GUIDE_GET] = "SELECT g.topic, g.lang, g.text, g.checked, s.short FROM guide g JOIN source "
                    "s ON s.id = g.source_id WHERE g.topic = ?2 AND (g.country = ?1 OR "
                    "g.country IS NULL) AND g.lang IN (?3, 'en') ORDER BY g.country IS NULL, "
                    "g.lang = ?3 DESC LIMIT 1",
    [S_GUIDE_TOPIC_FIND] = "SELECT topic FROM guide WHERE topic = ?1 UNION ALL SELECT topic "
                           "FROM guide_alias WHERE folded = ?1 LIMIT 1",
    /* Topics of the country (?2; NULL: any) a name or alias of which begins with ?1: at most
     * two rows, as only one means the word was understood. */
    [S_GUIDE_TOPIC_PREFIX] =
        "SELECT DISTINCT w.topic FROM (SELECT topic, topic AS word FROM guide UNION SELECT "
        "topic, folded FROM guide_alias) w WHERE substr(w.word, 1, length(?1)) = ?1 AND w.topic "
        "IN (SELECT topic FROM guide WHERE ?2 IS NULL OR country = ?2 OR country IS NULL) "
        "LIMIT 2",
    /* One pass over each content table, not one per source. */
    [S_SOURCES_EACH] =
        "WITH qs AS (SELECT source_id id, count(*) n, min(period) lo, max(period) hi FROM quote "
        "GROUP BY source_id), rs AS (SELECT source_id id, count(*) n, min(as_of) lo, "
        "max(as_of) hi FROM rate GROUP BY source_id), gs AS (SELECT source_id id, count(*) n, "
        "min(checked) lo, max(checked) hi FROM guide GROUP BY source_id) "
        "SELECT s.key, s.short, s.name, f.path, f.format, f.imported_at, "
        "coalesce(qs.n, 0), qs.lo, qs.hi, coalesce(rs.n, 0), rs.lo, rs.hi, coalesce(gs.n, 0), "
        "gs.lo, gs.hi FROM source s LEFT JOIN content_file f ON f.id = s.file_id "
        "LEFT JOIN qs ON qs.id = s.id LEFT JOIN rs ON rs.id = s.id LEFT JOIN gs ON gs.id = s.id "
        "ORDER BY s.key",
};

/* This file's statements by number. */
static sqlite3_stmt *db_stmt(db *d, enum stmt_id id)
{
    return dbi_stmt(d, stmt_sql[id]);
}

int db_country_code(db *d, const char *code, char iso2_out[3])
{
    return dbi_text_by_key(d, stmt_sql[S_COUNTRY_CODE], code, iso2_out, 3) == 1 ? 0 : -1;
}

/* Runs a row-visiting statement; visit() receives the statement positioned on each row. */
static int db_each(db *d, enum stmt_id id, int (*visit)(sqlite3_stmt *s, void *ctx), void *ctx)
{
    sqlite3_stmt *s = db_stmt(d, id);
    int rc, n = 0;

    if (s == NULL)
        return -1;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        n++;
        if (visit(s, ctx) != 0)
            break;
    }
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        dbi_warn(d);
        return -1;
    }
    return n;
}

#define COL(i) ((const char *)sqlite3_column_text(s, (i)))

struct each_ctx {
    void *cb;
    void *arg;
};

static int visit_word(sqlite3_stmt *s, void *ctx)
{
    struct each_ctx *c = ctx;
    return ((db_word_cb)c->cb)(c->arg, COL(0), COL(1), COL(2));
}

static int visit_name(sqlite3_stmt *s, void *ctx)
{
    struct each_ctx *c = ctx;
    return ((db_name_cb)c->cb)(c->arg, COL(0), COL(1), COL(2));
}

static int visit_lang(sqlite3_stmt *s, void *ctx)
{
    struct each_ctx *c = ctx;
    return ((db_lang_cb)c->cb)(c->arg, COL(0), COL(1), COL(2), sqlite3_column_int(s, 3));
}

static int visit_template(sqlite3_stmt *s, void *ctx)
{
    struct each_ctx *c = ctx;
    return ((db_template_cb)c->cb)(c->arg, COL(0), COL(1), COL(2));
}

static int visit_country(sqlite3_stmt *s, void *ctx)
{
    struct each_ctx *c = ctx;
    return ((db_country_cb)c->cb)(c->arg, COL(0), COL(1), COL(2), COL(3));
}

int db_words_each(db *d, db_word_cb cb, void *arg)
{
    struct each_ctx c = {(void *)cb, arg};
    return db_each(d, S_WORDS_EACH, visit_word, &c);
}

int db_country_names_each(db *d, db_name_cb cb, void *arg)
{
    struct each_ctx c = {(void *)cb, arg};
    return db_each(d, S_NAMES_EACH, visit_name, &c);
}

int db_langs_each(db *d, db_lang_cb cb, void *arg)
{
    struct each_ctx c = {(void *)cb, arg};
    return db_each(d, S_LANGS_EACH, visit_lang, &c);
}

static int visit_locale(sqlite3_stmt *s, void *ctx)
{
    struct each_ctx *c = ctx;
    return ((db_locale_cb)c->cb)(c->arg, COL(0), COL(1), COL(2));
}

int db_lang_locales_each(db *d, db_locale_cb cb, void *arg)
{
    struct each_ctx c = {(void *)cb, arg};
    return db_each(d, S_LOCALES_EACH, visit_locale, &c);
}

int db_templates_each(db *d, db_template_cb cb, void *arg)
{
    struct each_ctx c = {(void *)cb, arg};
    return db_each(d, S_TEMPLATES_EACH, visit_template, &c);
}

int db_countries_each(db *d, db_country_cb cb, void *arg)
{
    struct each_ctx c = {(void *)cb, arg};
    return db_each(d, S_COUNTRIES_EACH, visit_country, &c);
}

static int visit_prefix(sqlite3_stmt *s, void *ctx)
{
    struct each_ctx *c = ctx;
    return ((db_prefix_cb)c->cb)(c->arg, COL(0), COL(1));
}

int db_prefixes_each(db *d, db_prefix_cb cb, void *arg)
{
    struct each_ctx c = {(void *)cb, arg};
    return db_each(d, S_PREFIXES_EACH, visit_prefix, &c);
}

static int visit_code(sqlite3_stmt *s, void *ctx)
{
    struct each_ctx *c = ctx;
    return ((db_code_cb)c->cb)(c->arg, COL(0));
}

int db_senders_each(db *d, db_code_cb cb, void *arg)
{
    struct each_ctx c = {(void *)cb, arg};
    return db_each(d, S_SENDERS_EACH, visit_code, &c);
}

int db_rate_currencies_each(db *d, db_code_cb cb, void *arg)
{
    struct each_ctx c = {(void *)cb, arg};
    return db_each(d, S_RATE_CODES_EACH, visit_code, &c);
}

int db_country_name(db *d, const char *iso2, const char *lang, char *out, size_t outsz)
{
    sqlite3_stmt *s = db_stmt(d, S_COUNTRY_NAME);
    int rc;

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, iso2, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, lang ? lang : "en", -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        dbi_col_copy(s, 0, out, outsz);
    else
        snprintf(out, outsz, "%s", iso2);
    sqlite3_reset(s);
    return 0;
}

static int visit_source(sqlite3_stmt *s, void *ctx)
{
    struct each_ctx *c = ctx;
    struct db_source_info si;
    long nq = sqlite3_column_int64(s, 6), nr = sqlite3_column_int64(s, 9),
         ng = sqlite3_column_int64(s, 12);
    int lo = nq > 0 ? 7 : nr > 0 ? 10 : 13;

    memset(&si, 0, sizeof(si));
    dbi_col_copy(s, 0, si.key, sizeof(si.key));
    dbi_col_copy(s, 1, si.short_name, sizeof(si.short_name));
    dbi_col_copy(s, 2, si.name, sizeof(si.name));
    dbi_col_copy(s, 3, si.path, sizeof(si.path));
    dbi_col_copy(s, 4, si.format, sizeof(si.format));
    dbi_col_copy(s, 5, si.imported_at, sizeof(si.imported_at));
    snprintf(si.kind, sizeof(si.kind), "%s",
             nq > 0   ? "fees"
             : nr > 0 ? "rates"
             : ng > 0 ? "guides"
                      : "");
    dbi_col_copy(s, lo, si.oldest, sizeof(si.oldest));
    dbi_col_copy(s, lo + 1, si.newest, sizeof(si.newest));
    si.rows = nq + nr + ng;
    return ((db_source_cb)c->cb)(c->arg, &si);
}

int db_sources_each(db *d, db_source_cb cb, void *arg)
{
    struct each_ctx c = {(void *)cb, arg};
    return db_each(d, S_SOURCES_EACH, visit_source, &c);
}

int db_guide_topics(db *d, const char *country, char *out, size_t outsz)
{
    sqlite3_stmt *s = db_stmt(d, S_GUIDE_TOPICS);

    if (outsz > 0)
        out[0] = '\0';
    if (s == NULL)
        return -1;
    dbi_bind_text(s, 1, country);
    return dbi_join_column(s, out, outsz);
}

int db_guide_get(db *d, const char *country, const char *topic, const char *lang,
                 struct db_guide *out)
{
    sqlite3_stmt *s = db_stmt(d, S_GUIDE_GET);
    int rc;

    if (s == NULL)
        return -1;
    dbi_bind_text(s, 1, country);
    sqlite3_bind_text(s, 2, topic, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, lang ? lang : "en", -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        dbi_col_copy(s, 0, out->topic, sizeof(out->topic));
        dbi_col_copy(s, 1, out->lang, sizeof(out->lang));
        dbi_col_copy(s, 2, out->text, sizeof(out->text));
        dbi_col_copy(s, 3, out->checked, sizeof(out->checked));
        dbi_col_copy(s, 4, out->source, sizeof(out->source));
    }
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return -1;
    return rc == SQLITE_ROW;
}

int db_guide_topic_find(db *d, const char *folded, char *topic_out, size_t outsz)
{
    return dbi_text_by_key(d, stmt_sql[S_GUIDE_TOPIC_FIND], folded, topic_out, outsz);
}

int db_guide_topic_prefix(db *d, const char *country, const char *folded, char *topic_out,
                          size_t outsz)
{
    sqlite3_stmt *s = db_stmt(d, S_GUIDE_TOPIC_PREFIX);
    int rc, n = 0;

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, folded, -1, SQLITE_STATIC);
    dbi_bind_text(s, 2, country);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        if (n++ == 0)
            dbi_col_copy(s, 0, topic_out, outsz);
    sqlite3_reset(s);
    if (n != 1 && outsz > 0)
        topic_out[0] = '\0';
    if (rc != SQLITE_DONE)
        return -1;
    return n == 1;
}
