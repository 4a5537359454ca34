#include "db/db.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/internal.h"
#include "util/log.h"

/*
 * Every statement this file runs. They are prepared on first use and kept for the life of the
 * handle (see dbi_stmt), so the hot path (answering a query) never parses SQL.
 */
enum stmt_id {
    S_BEGIN,
    S_SAVEPOINT,
    S_SAVEPOINT_UNDO,
    S_SAVEPOINT_RELEASE,
    S_GENERATION,
    S_GENERATION_BUMP,
    S_COMMIT,
    S_ROLLBACK,
    S_FILE_FIND,
    S_FILE_DELETE,
    S_FILE_INSERT,
    S_FILE_ROWS,
    S_SOURCE_UPSERT,
    S_SOURCE_FIND,
    S_SOURCES_GC,
    S_LANG_PUT,
    S_WORD_PUT,
    S_TEMPLATE_PUT,
    S_COUNTRY_PUT,
    S_COUNTRY_NAME_PUT,
    S_COUNTRY_CODE,
    S_PROVIDER_PUT,
    S_PROVIDER_FIND,
    S_QUOTE_PUT,
    S_RATE_PUT,
    S_GUIDE_PUT,
    S_GUIDE_ALIAS_PUT,
    S_WORDS_EACH,
    S_NAMES_EACH,
    S_LANGS_EACH,
    S_TEMPLATES_EACH,
    S_COUNTRIES_EACH,
    S_SENDERS_EACH,
    S_COUNTRY_NAME,
    S_QUOTES_CHEAPEST,
    S_CORRIDOR_AVG,
    S_CORRIDOR_KNOWN,
    S_RATE_DIRECT,
    S_RATE_BASES,
    S_GUIDE_TOPICS,
    S_GUIDE_GET,
    S_GUIDE_TOPIC_FIND,
    S_COUNTS,
    S_FIRM_UNLIVE,
    S_FIRM_RELIVE,
    S_FIRM_DENOM_KNOWN,
    S_TREND_AVG,
    S_TREND_FIRMS,
    S_SOURCES_EACH,
    S__COUNT
};

static const char *const stmt_sql[S__COUNT] = {
    [S_BEGIN] = "BEGIN IMMEDIATE",
    [S_SAVEPOINT] = "SAVEPOINT step",
    [S_SAVEPOINT_UNDO] = "ROLLBACK TO step",
    [S_SAVEPOINT_RELEASE] = "RELEASE step",
    [S_GENERATION] = "SELECT n FROM content_generation",
    [S_GENERATION_BUMP] = "UPDATE content_generation SET n = n + 1",
    [S_COMMIT] = "COMMIT",
    [S_ROLLBACK] = "ROLLBACK",
    [S_FILE_FIND] = "SELECT id, digest FROM content_file WHERE path = ?1",
    [S_FILE_DELETE] = "DELETE FROM content_file WHERE id = ?1",
    [S_FILE_INSERT] = "INSERT INTO content_file(path, format, digest, imported_at) "
                      "VALUES (?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
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
    [S_WORD_PUT] = "INSERT OR IGNORE INTO word(lang, kind, word, file_id) VALUES (?1, ?2, ?3, ?4)",
    [S_TEMPLATE_PUT] = "INSERT INTO template(lang, name, text, file_id) VALUES (?1, ?2, ?3, ?4)",
    [S_COUNTRY_PUT] = "INSERT INTO country(iso2, iso3, currency, dial, file_id) "
                      "VALUES (?1, ?2, ?3, ?4, ?5)",
    [S_COUNTRY_NAME_PUT] = "INSERT INTO country_name(iso2, lang, name, folded, primary_name, "
                           "file_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    /* A code, or a language-neutral alias such as the World Bank's KSV for Kosovo. */
    [S_COUNTRY_CODE] = "SELECT iso2 FROM country WHERE iso2 = upper(?1) OR iso3 = upper(?1) "
                       "UNION ALL SELECT iso2 FROM country_name WHERE lang IS NULL AND "
                       "folded = lower(?1) LIMIT 1",
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
    [S_WORDS_EACH] = "SELECT lang, kind, word FROM word ORDER BY lang, kind, word",
    [S_NAMES_EACH] = "SELECT iso2, lang, folded FROM country_name ORDER BY iso2",
    [S_LANGS_EACH] = "SELECT code, name, decimal_sep, translit FROM lang ORDER BY code",
    [S_TEMPLATES_EACH] = "SELECT lang, name, text FROM template ORDER BY lang, name",
    [S_COUNTRIES_EACH] = "SELECT iso2, iso3, currency, dial FROM country ORDER BY iso2",
    /* Uses the quote_corridor index's leading column: one step per distinct origin. */
    [S_SENDERS_EACH] = "SELECT DISTINCT src FROM quote WHERE live = 1 ORDER BY src",
    [S_COUNTRY_NAME] = "SELECT name FROM country_name WHERE iso2 = ?1 AND primary_name = 1 "
                       "AND lang IN (?2, 'en') ORDER BY lang = ?2 DESC LIMIT 1",
    /* One row per provider, its best product: SQLite takes the bare columns from the row that
     * gives min(k), and k puts every quote whose margin is unknown after the known ones. */
    [S_QUOTES_CHEAPEST] =
        "SELECT p.name, p.type, q.amount, q.amount_ccy, q.fee, q.fx_margin, q.total_pct, "
        "q.speed, q.method, q.period, s.short, q.denom, "
        "min((q.fx_margin IS NULL) * 1000 + q.total_pct) AS k FROM quote q JOIN provider p "
        "ON p.id = q.provider_id JOIN source s ON s.id = q.source_id WHERE q.src = ?1 AND "
        "q.dst = ?2 AND q.live = 1 AND (q.denom IS NULL OR q.denom = ?4) "
        "GROUP BY q.provider_id ORDER BY k, p.name LIMIT ?3",
    [S_CORRIDOR_AVG] =
        "SELECT '', '', q.amount, q.amount_ccy, q.fee, q.fx_margin, q.total_pct, q.speed, "
        "q.method, q.period, s.short, q.denom FROM quote q JOIN source s ON s.id = q.source_id "
        "WHERE q.src = ?1 AND q.dst = ?2 AND q.provider_id IS NULL AND q.live = 1 "
        "ORDER BY q.period DESC LIMIT 1",
    [S_CORRIDOR_KNOWN] = "SELECT EXISTS (SELECT 1 FROM quote WHERE src = ?1 AND dst = ?2)",
    [S_RATE_DIRECT] =
        "SELECT r.rate, r.as_of, s.short, s.fixed FROM rate r JOIN source s ON s.id = "
        "r.source_id WHERE r.base = ?1 AND r.quote = ?2 ORDER BY r.as_of DESC "
        "LIMIT 1",
    /* The distinct bases by skipping through the index, not scanning every rate. */
    [S_RATE_BASES] = "WITH RECURSIVE b(x) AS (SELECT min(base) FROM rate UNION ALL "
                     "SELECT (SELECT min(base) FROM rate WHERE base > x) FROM b WHERE x IS NOT "
                     "NULL) SELECT x FROM b WHERE x IS NOT NULL ORDER BY x = 'EUR' DESC, x LIMIT 8",
    [S_GUIDE_TOPICS] = "SELECT DISTINCT topic FROM guide WHERE country = ?1 OR country IS NULL "
                       "ORDER BY country IS NULL, topic",
    [S_GUIDE_GET] = "SELECT g.topic, g.lang, g.text, g.checked, s.short FROM guide g JOIN source "
                    "s ON s.id = g.source_id WHERE g.topic = ?2 AND (g.country = ?1 OR "
                    "g.country IS NULL) AND g.lang IN (?3, 'en') ORDER BY g.country IS NULL, "
                    "g.lang = ?3 DESC LIMIT 1",
    [S_GUIDE_TOPIC_FIND] = "SELECT topic FROM guide WHERE topic = ?1 UNION ALL SELECT topic "
                           "FROM guide_alias WHERE folded = ?1 LIMIT 1",
    [S_COUNTS] = "SELECT (SELECT count(*) FROM country), (SELECT count(*) FROM quote), "
                 "(SELECT count(*) FROM quote WHERE live = 1), (SELECT count(*) FROM rate), "
                 "(SELECT count(*) FROM guide), (SELECT count(*) FROM lang), "
                 "(SELECT count(*) FROM content_file)",
    [S_FIRM_UNLIVE] = "UPDATE quote SET live = 0 WHERE firm IS NOT NULL AND live = 1",
    [S_FIRM_RELIVE] =
        "UPDATE quote SET live = 1 WHERE id IN (SELECT id FROM (SELECT id, period, max(period) "
        "OVER (PARTITION BY firm, src, dst, product, denom) AS latest FROM quote "
        "WHERE firm IS NOT NULL) WHERE period = latest)",
    [S_FIRM_DENOM_KNOWN] = "SELECT EXISTS (SELECT 1 FROM quote WHERE src = ?1 AND dst = ?2 AND "
                           "live = 1 AND firm IS NOT NULL AND denom = ?3)",
    [S_TREND_AVG] = "SELECT q.period, avg(q.total_pct), min(s.short) FROM quote q JOIN source s "
                    "ON s.id = q.source_id WHERE q.src = ?1 AND q.dst = ?2 AND "
                    "q.provider_id IS NULL GROUP BY q.period ORDER BY q.period DESC LIMIT ?3",
    [S_TREND_FIRMS] = "SELECT q.period, avg(q.total_pct), min(s.short) FROM quote q JOIN source "
                      "s ON s.id = q.source_id WHERE q.src = ?1 AND q.dst = ?2 AND "
                      "q.firm IS NOT NULL AND q.denom = 200 AND q.fx_margin IS NOT NULL "
                      "GROUP BY q.period ORDER BY q.period DESC LIMIT ?3",
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

void dbi_warn(db *d)
{
    const char *msg = sqlite3_errmsg(d->conn);
    time_t now = time(NULL);

    if (strcmp(msg, d->last_warning) == 0 && now - d->last_warning_at < 60)
        return;
    snprintf(d->last_warning, sizeof(d->last_warning), "%s", msg);
    d->last_warning_at = now;
    log_warnx("database: %s", msg);
}

int dbi_exec(db *d, const char *sql)
{
    char *err = NULL;

    if (sqlite3_exec(d->conn, sql, NULL, NULL, &err) != SQLITE_OK) {
        log_warnx("database: %s", err ? err : sqlite3_errmsg(d->conn));
        sqlite3_free(err);
        return -1;
    }
    return 0;
}

sqlite3_stmt *dbi_stmt(db *d, const char *sql)
{
    sqlite3_stmt *s = NULL;
    int i;

    for (i = 0; i < d->ncache; i++) {
        if (d->cache[i].sql == sql) {
            s = d->cache[i].stmt;
            sqlite3_reset(s);
            sqlite3_clear_bindings(s);
            return s;
        }
    }
    if (d->ncache == DBI_MAX_CACHED) {
        log_warnx("database: statement cache full; raise DBI_MAX_CACHED");
        return NULL;
    }
    if (sqlite3_prepare_v3(d->conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK) {
        log_warnx("database: preparing \"%.60s...\": %s", sql, sqlite3_errmsg(d->conn));
        return NULL;
    }
    d->cache[d->ncache].sql = sql;
    d->cache[d->ncache].stmt = s;
    d->ncache++;
    return s;
}

/* This file's statements by number. */
static sqlite3_stmt *db_stmt(db *d, enum stmt_id id)
{
    return dbi_stmt(d, stmt_sql[id]);
}

/*
 * After a write failed with SQLITE_FULL, outside any transaction: checkpoint the WAL. The WAL
 * only rewinds to its start after a complete checkpoint, and the automatic one waits for 1000
 * pages (about 4 MB); on a disk with less room than that the WAL hits the wall first and every
 * later write fails too, for ever, even once space is freed. A passive checkpoint never waits
 * for readers; when it completes, the next write reuses the WAL from its start.
 */
void dbi_full_checkpoint(db *d, int rc)
{
    if ((rc & 0xff) != SQLITE_FULL || !sqlite3_get_autocommit(d->conn))
        return;
    if (sqlite3_wal_checkpoint_v2(d->conn, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL) !=
        SQLITE_OK)
        log_debug("database: checkpoint after a full disk: %s", sqlite3_errmsg(d->conn));
}

int dbi_step_done(db *d, sqlite3_stmt *s)
{
    int rc;

    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        ;
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
        dbi_warn(d);
        dbi_full_checkpoint(d, rc);
        return -1;
    }
    return 0;
}

void dbi_bind_text(sqlite3_stmt *s, int i, const char *v)
{
    if (v != NULL && v[0] != '\0')
        sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, i);
}

void dbi_col_copy(sqlite3_stmt *s, int i, char *out, size_t outsz)
{
    const unsigned char *v = sqlite3_column_text(s, i);

    snprintf(out, outsz, "%s", v ? (const char *)v : "");
}

int dbi_join_column(sqlite3_stmt *s, char *out, size_t outsz)
{
    size_t len = 0;
    int n = 0;

    while (sqlite3_step(s) == SQLITE_ROW) {
        const unsigned char *v = sqlite3_column_text(s, 0);
        int w = snprintf(out + len, outsz - len, "%s%s", n ? " " : "", v ? (const char *)v : "");
        if (w < 0 || (size_t)w >= outsz - len) {
            out[len] = '\0'; /* what fits, in whole words */
            break;
        }
        len += (size_t)w;
        n++;
    }
    sqlite3_reset(s);
    return n;
}

int dbi_text_by_key(db *d, const char *sql, const char *key, char *out, size_t outsz)
{
    sqlite3_stmt *s = dbi_stmt(d, sql);
    int rc;

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        dbi_col_copy(s, 0, out, outsz);
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        dbi_warn(d);
        return -1;
    }
    return rc == SQLITE_ROW;
}

static int db_simple(db *d, enum stmt_id id);

int dbi_in_tx(db *d, int (*fn)(db *d, void *arg), void *arg)
{
    int rc;

    if (!sqlite3_get_autocommit(d->conn)) {
        /* A step of the caller's transaction: a savepoint makes it all or nothing on its own. */
        if (db_simple(d, S_SAVEPOINT) < 0)
            return -1;
        rc = fn(d, arg);
        if (rc < 0)
            db_simple(d, S_SAVEPOINT_UNDO);
        if (db_simple(d, S_SAVEPOINT_RELEASE) < 0)
            return -1;
        return rc;
    }
    if (db_begin(d) < 0)
        return -1;
    rc = fn(d, arg);
    if (rc < 0) {
        int err = sqlite3_errcode(d->conn);
        db_rollback(d);
        dbi_full_checkpoint(d, err);
        return rc;
    }
    if (db_commit(d) < 0) {
        int err = sqlite3_errcode(d->conn);
        db_rollback(d);
        dbi_full_checkpoint(d, err);
        return -1;
    }
    return rc;
}

int db_in_tx(db *d, int (*fn)(db *d, void *arg), void *arg)
{
    return dbi_in_tx(d, fn, arg);
}

int db_content_generation(db *d, int64_t *gen)
{
    sqlite3_stmt *s = db_stmt(d, S_GENERATION);
    int rc;

    if (s == NULL)
        return -1;
    rc = sqlite3_step(s);
    *gen = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        dbi_warn(d);
        return -1;
    }
    return 0;
}

int db_content_bump(db *d)
{
    return db_simple(d, S_GENERATION_BUMP);
}

static int db_migrate(db *d)
{
    sqlite3_stmt *s = NULL;
    int version = -1;
    char sql[64];

    if (sqlite3_prepare_v2(d->conn, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK)
        goto out;
    if (sqlite3_step(s) == SQLITE_ROW)
        version = sqlite3_column_int(s, 0);
out:
    sqlite3_finalize(s);
    if (version < 0) {
        log_warnx("database: reading schema version: %s", sqlite3_errmsg(d->conn));
        return -1;
    }
    if (version > db_nmigrations) {
        log_warnx("database: schema version %d is newer than this remitline (%d); upgrade "
                  "remitline or use another database",
                  version, db_nmigrations);
        return -1;
    }
    /* Each step in its own transaction: a crash leaves the database at a whole version. */
    for (; version < db_nmigrations; version++) {
        snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", version + 1);
        if (dbi_exec(d, "BEGIN IMMEDIATE") < 0)
            return -1;
        if (dbi_exec(d, db_migrations[version]) < 0 || dbi_exec(d, sql) < 0) {
            dbi_exec(d, "ROLLBACK");
            log_warnx("database: migration to version %d failed", version + 1);
            return -1;
        }
        if (dbi_exec(d, "COMMIT") < 0)
            return -1;
    }
    return 0;
}

db *db_open(const char *path)
{
    db *d = calloc(1, sizeof(*d));

    if (d == NULL) {
        log_warn("database: allocating handle");
        return NULL;
    }
    if (sqlite3_open_v2(path, &d->conn,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        log_warnx("database %s: %s", path, d->conn ? sqlite3_errmsg(d->conn) : "out of memory");
        goto fail;
    }
    sqlite3_busy_timeout(d->conn, 5000);
    sqlite3_extended_result_codes(d->conn, 1);
    if (dbi_exec(d, "PRAGMA foreign_keys = ON") < 0)
        goto fail;
    /* WAL lets `remitline ask`/`log` read while the daemon writes; an in-memory db ignores it. */
    if (strcmp(path, ":memory:") != 0 && (dbi_exec(d, "PRAGMA journal_mode = WAL") < 0 ||
                                          dbi_exec(d, "PRAGMA synchronous = FULL") < 0))
        goto fail;
    /* Checkpoint every 64 pages (256 KB), not SQLite's 1000: each message writes about 50 KB of
     * WAL, and a WAL that fills a nearly full disk leaves no room for the checkpoint that would
     * rewind it (see db_checkpoint() in db.h). */
    if (dbi_exec(d, "PRAGMA wal_autocheckpoint = 64") < 0)
        goto fail;
    if (db_migrate(d) < 0) {
        log_warnx("database %s: could not bring the schema up to date", path);
        goto fail;
    }
    return d;
fail:
    db_close(d);
    return NULL;
}

void db_close(db *d)
{
    int i;

    if (d == NULL)
        return;
    for (i = 0; i < d->ncache; i++)
        sqlite3_finalize(d->cache[i].stmt);
    sqlite3_close(d->conn);
    free(d);
}

static int db_simple(db *d, enum stmt_id id)
{
    sqlite3_stmt *s = db_stmt(d, id);

    return s ? dbi_step_done(d, s) : -1;
}

int db_checkpoint(db *d)
{
    if (sqlite3_wal_checkpoint_v2(d->conn, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL) !=
        SQLITE_OK) {
        log_debug("database: checkpoint: %s", sqlite3_errmsg(d->conn));
        return -1;
    }
    return 0;
}

int db_begin(db *d)
{
    return db_simple(d, S_BEGIN);
}

int db_commit(db *d)
{
    return db_simple(d, S_COMMIT);
}

int db_rollback(db *d)
{
    if (sqlite3_get_autocommit(d->conn))
        return 0;
    return db_simple(d, S_ROLLBACK);
}

const char *db_errmsg(db *d)
{
    return sqlite3_errmsg(d->conn);
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

int db_country_code(db *d, const char *code, char iso2_out[3])
{
    return dbi_text_by_key(d, stmt_sql[S_COUNTRY_CODE], code, iso2_out, 3) == 1 ? 0 : -1;
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

static void quote_from_row(sqlite3_stmt *s, struct db_quote *q)
{
    memset(q, 0, sizeof(*q));
    dbi_col_copy(s, 0, q->provider, sizeof(q->provider));
    dbi_col_copy(s, 1, q->ptype, sizeof(q->ptype));
    q->amount = sqlite3_column_double(s, 2);
    dbi_col_copy(s, 3, q->ccy, sizeof(q->ccy));
    q->has_fee = sqlite3_column_type(s, 4) != SQLITE_NULL;
    q->fee = sqlite3_column_double(s, 4);
    q->has_margin = sqlite3_column_type(s, 5) != SQLITE_NULL;
    q->fx_margin = sqlite3_column_double(s, 5);
    q->total_pct = sqlite3_column_double(s, 6);
    dbi_col_copy(s, 7, q->speed, sizeof(q->speed));
    dbi_col_copy(s, 8, q->method, sizeof(q->method));
    dbi_col_copy(s, 9, q->period, sizeof(q->period));
    dbi_col_copy(s, 10, q->source, sizeof(q->source));
    q->denom = sqlite3_column_double(s, 11);
}

int db_quotes_cheapest_at(db *d, const char *src, const char *dst, double denom,
                          struct db_quote *out, int max)
{
    sqlite3_stmt *s = db_stmt(d, S_QUOTES_CHEAPEST);
    int rc = SQLITE_DONE, n = 0;

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, src, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, dst, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 3, max);
    sqlite3_bind_double(s, 4, denom);
    while (n < max && (rc = sqlite3_step(s)) == SQLITE_ROW)
        quote_from_row(s, &out[n++]);
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        dbi_warn(d);
        return -1;
    }
    return n;
}

int db_quotes_cheapest(db *d, const char *src, const char *dst, struct db_quote *out, int max)
{
    return db_quotes_cheapest_at(d, src, dst, 200, out, max);
}

int db_firm_denom_known(db *d, const char *src, const char *dst, double denom)
{
    sqlite3_stmt *s = db_stmt(d, S_FIRM_DENOM_KNOWN);
    int rc, known = 0;

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, src, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, dst, -1, SQLITE_STATIC);
    sqlite3_bind_double(s, 3, denom);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        known = sqlite3_column_int(s, 0);
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? known : -1;
}

/* Runs a trend statement into out, newest first; returns the count or -1. */
static int trend_rows(db *d, enum stmt_id id, const char *src, const char *dst,
                      struct db_trend_point *out, int max)
{
    sqlite3_stmt *s = db_stmt(d, id);
    int rc = SQLITE_DONE, n = 0;

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, src, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, dst, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 3, max);
    while (n < max && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        dbi_col_copy(s, 0, out[n].period, sizeof(out[n].period));
        out[n].pct = sqlite3_column_double(s, 1);
        dbi_col_copy(s, 2, out[n].source, sizeof(out[n].source));
        n++;
    }
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        dbi_warn(d);
        return -1;
    }
    return n;
}

int db_trend(db *d, const char *src, const char *dst, struct db_trend_point *out, int max)
{
    int n, i;

    n = trend_rows(d, S_TREND_AVG, src, dst, out, max);
    if (n >= 0 && n < 2)
        n = trend_rows(d, S_TREND_FIRMS, src, dst, out, max);
    /* Oldest first reads naturally: "4.4% in 2019Q3 -> 4.2% in 2020Q3". */
    for (i = 0; n > 1 && i < n / 2; i++) {
        struct db_trend_point t = out[i];
        out[i] = out[n - 1 - i];
        out[n - 1 - i] = t;
    }
    return n;
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

int db_corridor_average(db *d, const char *src, const char *dst, struct db_quote *out)
{
    sqlite3_stmt *s = db_stmt(d, S_CORRIDOR_AVG);
    int rc;

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, src, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, dst, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        quote_from_row(s, out);
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return -1;
    return rc == SQLITE_ROW;
}

int db_corridor_known(db *d, const char *src, const char *dst)
{
    sqlite3_stmt *s = db_stmt(d, S_CORRIDOR_KNOWN);
    int rc, known = 0;

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, src, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, dst, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        known = sqlite3_column_int(s, 0);
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? known : -1;
}

/* Direct lookup of base->quote; 1 found, 0 not, -1 error. */
static int rate_direct(db *d, const char *base, const char *quote, struct db_rate *out)
{
    sqlite3_stmt *s = db_stmt(d, S_RATE_DIRECT);
    int rc;

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, base, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, quote, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        out->rate = sqlite3_column_double(s, 0);
        dbi_col_copy(s, 1, out->as_of, sizeof(out->as_of));
        dbi_col_copy(s, 2, out->source, sizeof(out->source));
        out->fixed = sqlite3_column_int(s, 3);
    }
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return -1;
    return rc == SQLITE_ROW;
}

/* One published leg: direct, or the inverse of the published rate. 1, 0, -1. */
static int rate_leg(db *d, const char *base, const char *quote, struct db_rate *out)
{
    int rc;

    memset(out, 0, sizeof(*out));
    if (strcmp(base, quote) == 0) {
        out->rate = 1.0;
        out->fixed = 1;
        snprintf(out->as_of, sizeof(out->as_of), "9999-12-31");
        return 1;
    }
    if ((rc = rate_direct(d, base, quote, out)) != 0)
        return rc;
    if ((rc = rate_direct(d, quote, base, out)) > 0) {
        out->rate = 1.0 / out->rate;
        out->derived = 1;
    }
    return rc;
}

/* The freshest path base->quote of at most 2^depth published legs, through the currencies
 * others are published against (EUR for the ECB, USD for dollar pegs). 1, 0 or -1. */
static int rate_path(db *d, const char *base, const char *quote, int depth, char (*pivots)[4],
                     int npivots, struct db_rate *out)
{
    int rc, i, found = 0;

    if ((rc = rate_leg(d, base, quote, out)) != 0 || depth == 0)
        return rc;
    for (i = 0; i < npivots; i++) {
        struct db_rate a, b;
        const char *older;

        if (strcmp(pivots[i], base) == 0 || strcmp(pivots[i], quote) == 0)
            continue;
        if ((rc = rate_path(d, base, pivots[i], depth - 1, pivots, npivots, &a)) < 0)
            return -1;
        if (rc == 0)
            continue;
        if ((rc = rate_path(d, pivots[i], quote, depth - 1, pivots, npivots, &b)) < 0)
            return -1;
        if (rc == 0)
            continue;
        /* A fixed parity does not age: the path is as old as its other leg. */
        if (a.fixed != b.fixed)
            older = a.fixed ? b.as_of : a.as_of;
        else
            older = strcmp(a.as_of, b.as_of) < 0 ? a.as_of : b.as_of;
        if (found && strcmp(older, out->as_of) <= 0)
            continue;
        found = 1;
        out->rate = a.rate * b.rate;
        out->fixed = a.fixed && b.fixed;
        snprintf(out->as_of, sizeof(out->as_of), "%s", older);
        if (a.source[0] == '\0' || strcmp(a.source, b.source) == 0)
            snprintf(out->source, sizeof(out->source), "%s", b.source);
        else if (b.source[0] == '\0' || strstr(b.source, a.source) != NULL)
            snprintf(out->source, sizeof(out->source), "%s", a.source[0] ? b.source : a.source);
        else
            snprintf(out->source, sizeof(out->source), "%.19s+%.19s", a.source, b.source);
        out->derived = 1;
    }
    return found;
}

int db_rate_get(db *d, const char *base, const char *quote, struct db_rate *out)
{
    char pivots[8][4];
    sqlite3_stmt *s;
    int rc, n = 0;

    if ((s = db_stmt(d, S_RATE_BASES)) == NULL)
        return -1;
    while (n < 8 && sqlite3_step(s) == SQLITE_ROW)
        dbi_col_copy(s, 0, pivots[n++], 4);
    sqlite3_reset(s);
    rc = rate_path(d, base, quote, 2, pivots, n, out);
    if (rc > 0 && strcmp(out->as_of, "9999-12-31") == 0)
        out->as_of[0] = '\0'; /* base == quote */
    return rc;
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

int db_counts_get(db *d, struct db_counts *c)
{
    sqlite3_stmt *s = db_stmt(d, S_COUNTS);
    int rc;

    if (s == NULL)
        return -1;
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        c->countries = sqlite3_column_int64(s, 0);
        c->quotes = sqlite3_column_int64(s, 1);
        c->live_quotes = sqlite3_column_int64(s, 2);
        c->rates = sqlite3_column_int64(s, 3);
        c->guides = sqlite3_column_int64(s, 4);
        c->langs = sqlite3_column_int64(s, 5);
        c->files = sqlite3_column_int64(s, 6);
    }
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? 0 : -1;
}
