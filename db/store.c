/*
 * store.c: what an import writes. Each content row names the file it came from, so that
 * re-importing a file replaces its rows (db_file_claim) and no other file's.
 */
#include "db/db.h"

#include <sqlite3.h>
#include <stdint.h>
#include <string.h>

#include "db/internal.h"
#include "util/log.h"

/* This file's statements, prepared on first use and kept for the life of the handle. */
enum stmt_id {
    S_FILE_FIND,
    S_FILE_DELETE,
    S_FILE_INSERT,
    S_FILE_ROWS,
    S_FILES_EACH,
    S_SOURCE_UPSERT,
    S_SOURCE_FIND,
    S_SOURCES_GC,
    S_LANG_PUT,
    S_LANG_LOCALE,
    S_WORD_PUT,
    S_TEMPLATE_PUT,
    S_COUNTRY_PUT,
    S_COUNTRY_NAME_PUT,
    S_PREFIX_PUT,
    S_PROVIDER_PUT,
    S_PROVIDER_FIND,
    S_QUOTE_PUT,
    S_RATE_PUT,
    S_GUIDE_PUT,
    S_GUIDE_ALIAS_PUT,
    S_FIRM_UNLIVE,
    S_FIRM_RELIVE,
    S__COUNT
};

static const char *const stmt_sql[S__COUNT] = {
    [S_FILE_FIND] = "SELECT id, digest FROM content_file WHERE path = ?1",
    [S_FILE_DELETE] = "DELETE FROM content_file WHERE id = ?1",
    [S_FILE_INSERT] = "INSERT INTO content_file(path, format, digest, imported_at) "
                      "VALUES (?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
    [S_FILES_EACH] = "SELECT id, path FROM content_file ORDER BY id",
    [S_FILE_ROWS] = "UPDATE content_file SET rows = ?2 WHERE id = ?1",
    [S_SOURCE_UPSERT] =
        "INSERT INTO source(key, short, name, url, licence, file_id, fixed) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(key) DO UPDATE SET short = "
        "excluded.short, name = excluded.name, url = excluded.url, licence = excluded.licence, "
        "file_id = excluded.file_id, fixed = excluded.fixed RETURNING id",
    [S_SOURCE_FIND] = "SELECT id FROM source WHERE key = ?1",
    [S_SOURCES_GC] = "DELETE FROM source WHERE id NOT IN (SELECT source_id FROM quote "
                     "UNION SELECT source_id FROM rate UNION SELECT source_id FROM guide) "
                     "AND (file_id IS NULL OR file_id NOT IN (SELECT id FROM content_file))",
    [S_LANG_PUT] = "INSERT INTO lang(code, file_id, name, decimal_sep, translit) "
                   "VALUES (?1, ?2, ?3, ?4, ?5)",
    [S_LANG_LOCALE] = "UPDATE lang SET months = ?2, other_decimal_in = ?3 WHERE code = ?1",
    [S_WORD_PUT] = "INSERT OR IGNORE INTO word(lang, kind, word, file_id) VALUES (?1, ?2, ?3, ?4)",
    [S_TEMPLATE_PUT] = "INSERT INTO template(lang, name, text, file_id) VALUES (?1, ?2, ?3, ?4)",
    [S_COUNTRY_PUT] = "INSERT INTO country(iso2, iso3, currency, dial, file_id) "
                      "VALUES (?1, ?2, ?3, ?4, ?5)",
    [S_PREFIX_PUT] = "INSERT INTO number_prefix(prefix, iso2, file_id) VALUES (?1, ?2, ?3)",
    [S_COUNTRY_NAME_PUT] = "INSERT INTO country_name(iso2, lang, name, folded, primary_name, "
                           "file_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [S_PROVIDER_PUT] = "INSERT INTO provider(key, name, type, file_id) VALUES (?1, ?2, ?3, ?4)",
    [S_PROVIDER_FIND] = "SELECT id FROM provider WHERE key = ?1",
    [S_QUOTE_PUT] = "INSERT INTO quote(src, dst, provider_id, amount, amount_ccy, fee, fx_margin, "
                    "total_pct, speed, method, period, live, source_id, file_id, denom, firm, "
                    "product) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
                    "?14, ?15, ?16, ?17)",
    [S_RATE_PUT] = "INSERT INTO rate(base, quote, rate, as_of, source_id, file_id) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [S_GUIDE_PUT] = "INSERT INTO guide(country, topic, lang, text, checked, source_id, file_id) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [S_GUIDE_ALIAS_PUT] =
        "INSERT OR IGNORE INTO guide_alias(topic, folded, file_id) VALUES (?1, ?2, ?3)",
    [S_FIRM_UNLIVE] = "UPDATE quote SET live = 0 WHERE firm IS NOT NULL AND live = 1",
    /* The live set of a corridor at a denomination is its latest survey, every firm of that
     * period and none of an earlier one (a firm the new survey left out is history, whatever
     * its product text says), and only if no corridor average is newer: across granularities
     * the newest data wins. */
    [S_FIRM_RELIVE] =
        "UPDATE quote SET live = 1 WHERE id IN (WITH av AS (SELECT src, dst, max(period) AS p "
        "FROM quote WHERE provider_id IS NULL GROUP BY src, dst), f AS (SELECT id, src, dst, "
        "period, max(period) OVER (PARTITION BY src, dst, denom) AS latest FROM quote WHERE "
        "firm IS NOT NULL) SELECT f.id FROM f LEFT JOIN av ON av.src = f.src AND av.dst = f.dst "
        "WHERE f.period = f.latest AND f.period >= coalesce(av.p, ''))",
};

/* This file's statements by number. */
static sqlite3_stmt *db_stmt(db *d, enum stmt_id id)
{
    return dbi_stmt(d, stmt_sql[id]);
}

static int db_simple(db *d, enum stmt_id id)
{
    sqlite3_stmt *s = db_stmt(d, id);

    return s ? dbi_step_done(d, s) : -1;
}

int db_file_claim(db *d, const char *path, const char *format, const char *digest, int64_t *file_id,
                  int *unchanged)
{
    sqlite3_stmt *s = db_stmt(d, S_FILE_FIND);
    int64_t old = 0;
    int rc;

    *unchanged = 0;
    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        old = sqlite3_column_int64(s, 0);
        if (strcmp((const char *)sqlite3_column_text(s, 1), digest) == 0) {
            *unchanged = 1;
            *file_id = old;
        }
    }
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        dbi_warn(d);
        return -1;
    }
    if (*unchanged)
        return 0;
    if (old != 0) {
        /* Cascades to every row the file owned. */
        if ((s = db_stmt(d, S_FILE_DELETE)) == NULL)
            return -1;
        sqlite3_bind_int64(s, 1, old);
        if (dbi_step_done(d, s) < 0)
            return -1;
    }
    if ((s = db_stmt(d, S_FILE_INSERT)) == NULL)
        return -1;
    sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, format, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, digest, -1, SQLITE_STATIC);
    if (dbi_step_done(d, s) < 0)
        return -1;
    *file_id = sqlite3_last_insert_rowid(d->conn);
    return 0;
}

int db_files_each(db *d, db_file_cb cb, void *arg)
{
    sqlite3_stmt *s = db_stmt(d, S_FILES_EACH);
    int rc, n = 0;

    if (s == NULL)
        return -1;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        n++;
        if (cb(arg, sqlite3_column_int64(s, 0), (const char *)sqlite3_column_text(s, 1)) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
        dbi_warn(d);
        return -1;
    }
    return n;
}

int db_file_forget(db *d, int64_t file_id)
{
    sqlite3_stmt *s = db_stmt(d, S_FILE_DELETE);

    if (s == NULL)
        return -1;
    sqlite3_bind_int64(s, 1, file_id);
    return dbi_step_done(d, s);
}

int db_file_set_rows(db *d, int64_t file_id, long rows)
{
    sqlite3_stmt *s = db_stmt(d, S_FILE_ROWS);

    if (s == NULL)
        return -1;
    sqlite3_bind_int64(s, 1, file_id);
    sqlite3_bind_int64(s, 2, rows);
    return dbi_step_done(d, s);
}

int db_sources_gc(db *d)
{
    return db_simple(d, S_SOURCES_GC);
}

int db_fk_violations(db *d)
{
    sqlite3_stmt *s = NULL;
    int n = 0;

    if (sqlite3_prepare_v2(d->conn, "PRAGMA foreign_key_check", -1, &s, NULL) != SQLITE_OK) {
        dbi_warn(d);
        return -1;
    }
    while (sqlite3_step(s) == SQLITE_ROW)
        n++;
    sqlite3_finalize(s);
    return n;
}

int db_source_put(db *d, int64_t file_id, const struct db_source *src, int64_t *id)
{
    sqlite3_stmt *s = db_stmt(d, S_SOURCE_UPSERT);
    int rc;

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, src->key, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, src->short_name, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, src->name, -1, SQLITE_STATIC);
    dbi_bind_text(s, 4, src->url);
    dbi_bind_text(s, 5, src->licence);
    sqlite3_bind_int64(s, 6, file_id);
    sqlite3_bind_int(s, 7, src->fixed);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW && id != NULL)
        *id = sqlite3_column_int64(s, 0);
    if (rc != SQLITE_ROW) {
        log_warnx("database: storing source %s: %s", src->key, sqlite3_errmsg(d->conn));
        sqlite3_reset(s);
        return -1;
    }
    return dbi_step_done(d, s);
}

/* Runs a single-row lookup bound to one text value and returns column 0 as an integer. */
static int db_find_id(db *d, enum stmt_id id, const char *key, int64_t *out)
{
    sqlite3_stmt *s = db_stmt(d, id);
    int rc;

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? 0 : -1;
}

int db_source_find(db *d, const char *key, int64_t *id)
{
    return db_find_id(d, S_SOURCE_FIND, key, id);
}

int db_provider_find(db *d, const char *key, int64_t *id)
{
    return db_find_id(d, S_PROVIDER_FIND, key, id);
}

int db_lang_put(db *d, int64_t file_id, const char *code, const char *name, const char *decimal,
                int translit)
{
    sqlite3_stmt *s = db_stmt(d, S_LANG_PUT);

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, code, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, file_id);
    sqlite3_bind_text(s, 3, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, decimal, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 5, translit);
    return dbi_step_done(d, s);
}

int db_lang_set_locale(db *d, const char *code, const char *months, const char *other_decimal_in)
{
    sqlite3_stmt *s = db_stmt(d, S_LANG_LOCALE);

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, code, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, months, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, other_decimal_in, -1, SQLITE_STATIC);
    return dbi_step_done(d, s);
}

int db_word_put(db *d, int64_t file_id, const char *lang, const char *kind, const char *folded)
{
    sqlite3_stmt *s = db_stmt(d, S_WORD_PUT);

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, lang, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, folded, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, file_id);
    return dbi_step_done(d, s);
}

int db_template_put(db *d, int64_t file_id, const char *lang, const char *name, const char *text)
{
    sqlite3_stmt *s = db_stmt(d, S_TEMPLATE_PUT);

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, lang, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, text, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, file_id);
    return dbi_step_done(d, s);
}

int db_country_put(db *d, int64_t file_id, const char *iso2, const char *iso3, const char *currency,
                   const char *dial)
{
    sqlite3_stmt *s = db_stmt(d, S_COUNTRY_PUT);

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, iso2, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, iso3, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, currency, -1, SQLITE_STATIC);
    dbi_bind_text(s, 4, dial);
    sqlite3_bind_int64(s, 5, file_id);
    return dbi_step_done(d, s);
}

int db_prefix_put(db *d, int64_t file_id, const char *prefix, const char *iso2)
{
    sqlite3_stmt *s = db_stmt(d, S_PREFIX_PUT);

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, prefix, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, iso2, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, file_id);
    return dbi_step_done(d, s);
}

int db_country_name_put(db *d, int64_t file_id, const char *iso2, const char *lang,
                        const char *name, const char *folded, int primary)
{
    sqlite3_stmt *s = db_stmt(d, S_COUNTRY_NAME_PUT);

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, iso2, -1, SQLITE_STATIC);
    dbi_bind_text(s, 2, lang);
    sqlite3_bind_text(s, 3, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, folded, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 5, primary);
    sqlite3_bind_int64(s, 6, file_id);
    return dbi_step_done(d, s);
}

int db_provider_put(db *d, int64_t file_id, const char *key, const char *name, const char *type,
                    int64_t *id)
{
    sqlite3_stmt *s = db_stmt(d, S_PROVIDER_PUT);

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, type, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, file_id);
    if (dbi_step_done(d, s) < 0)
        return -1;
    if (id != NULL)
        *id = sqlite3_last_insert_rowid(d->conn);
    return 0;
}

int db_quote_put(db *d, int64_t file_id, const struct db_quote_in *q)
{
    sqlite3_stmt *s = db_stmt(d, S_QUOTE_PUT);

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, q->src, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, q->dst, -1, SQLITE_STATIC);
    if (q->provider_id > 0)
        sqlite3_bind_int64(s, 3, q->provider_id);
    sqlite3_bind_double(s, 4, q->amount);
    sqlite3_bind_text(s, 5, q->amount_ccy, -1, SQLITE_STATIC);
    if (q->has_fee)
        sqlite3_bind_double(s, 6, q->fee);
    if (q->has_margin)
        sqlite3_bind_double(s, 7, q->fx_margin);
    sqlite3_bind_double(s, 8, q->total_pct);
    dbi_bind_text(s, 9, q->speed);
    dbi_bind_text(s, 10, q->method);
    sqlite3_bind_text(s, 11, q->period, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 12, q->live);
    sqlite3_bind_int64(s, 13, q->source_id);
    sqlite3_bind_int64(s, 14, file_id);
    if (q->denom > 0)
        sqlite3_bind_double(s, 15, q->denom);
    dbi_bind_text(s, 16, q->firm);
    dbi_bind_text(s, 17, q->product);
    return dbi_step_done(d, s);
}

int db_firm_quotes_relive(db *d)
{
    if (db_simple(d, S_FIRM_UNLIVE) < 0)
        return -1;
    return db_simple(d, S_FIRM_RELIVE);
}

int db_rate_put(db *d, int64_t file_id, const char *base, const char *quote, double rate,
                const char *as_of, int64_t source_id)
{
    sqlite3_stmt *s = db_stmt(d, S_RATE_PUT);

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, base, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, quote, -1, SQLITE_STATIC);
    sqlite3_bind_double(s, 3, rate);
    sqlite3_bind_text(s, 4, as_of, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 5, source_id);
    sqlite3_bind_int64(s, 6, file_id);
    return dbi_step_done(d, s);
}

int db_guide_put(db *d, int64_t file_id, const struct db_guide_in *g)
{
    sqlite3_stmt *s = db_stmt(d, S_GUIDE_PUT);

    if (s == NULL)
        return -1;
    dbi_bind_text(s, 1, g->country);
    sqlite3_bind_text(s, 2, g->topic, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, g->lang, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, g->text, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, g->checked, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 6, g->source_id);
    sqlite3_bind_int64(s, 7, file_id);
    return dbi_step_done(d, s);
}

int db_guide_alias_put(db *d, int64_t file_id, const char *topic, const char *folded)
{
    sqlite3_stmt *s = db_stmt(d, S_GUIDE_ALIAS_PUT);

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, topic, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, folded, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, file_id);
    return dbi_step_done(d, s);
}
