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
 * handle (see dbi_stmt), so the hot path (answering a query) never parses SQL. The other files of
 * db/ hold tables of their own: store.c what an import writes, content.c and prices.c what a
 * query reads, queue.c and alerts.c the messages.
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
    S_COUNTS,
    S__COUNT,
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
    [S_COUNTS] = "SELECT (SELECT count(*) FROM country), (SELECT count(*) FROM quote), "
                 "(SELECT count(*) FROM quote WHERE live = 1), (SELECT count(*) FROM rate), "
                 "(SELECT count(*) FROM guide), (SELECT count(*) FROM lang), "
                 "(SELECT count(*) FROM content_file)",
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

/* PRAGMA user_version: the count of migrations applied, or -1 (logged). */
static int schema_version(db *d)
{
    sqlite3_stmt *s = NULL;
    int version = -1;

    if (sqlite3_prepare_v2(d->conn, "PRAGMA user_version", -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        version = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    if (version < 0)
        log_warnx("database: reading schema version: %s", sqlite3_errmsg(d->conn));
    return version;
}

static int db_migrate(db *d)
{
    int version = schema_version(d);
    char sql[64];

    if (version < 0)
        return -1;
    if (version > db_nmigrations) {
        log_warnx("database: schema version %d is newer than this remitline (%d); upgrade "
                  "remitline or use another database",
                  version, db_nmigrations);
        return -1;
    }
    /* Each step in its own transaction: a crash leaves the database at a whole version. The
     * version is read again once the write lock is held: two processes opening a new database
     * at once (the daemon and `remitline phone`) must not both apply the same step. */
    while (version < db_nmigrations) {
        if (dbi_exec(d, "BEGIN IMMEDIATE") < 0)
            return -1;
        if ((version = schema_version(d)) < 0) {
            dbi_exec(d, "ROLLBACK");
            return -1;
        }
        if (version >= db_nmigrations) {
            dbi_exec(d, "COMMIT");
            break;
        }
        snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", version + 1);
        if (dbi_exec(d, db_migrations[version]) < 0 || dbi_exec(d, sql) < 0) {
            dbi_exec(d, "ROLLBACK");
            log_warnx("database: migration to version %d failed", version + 1);
            return -1;
        }
        if (dbi_exec(d, "COMMIT") < 0)
            return -1;
        version++;
    }
    return 0;
}

/* PRAGMA journal_mode = WAL takes an exclusive lock when it changes the mode (a new database),
 * and SQLite answers SQLITE_BUSY at once there, without the busy handler: two processes that
 * open a new database together (test_migrate's concurrent first open) saw "database is locked".
 * Tried again every 20 ms for up to 5 s, as the busy timeout would; 0 or -1 (logged). */
static int wal_on(db *d)
{
    struct timespec ts = {0, 20 * 1000000L};
    int i, rc;

    for (i = 0; i < 250; i++) {
        rc = sqlite3_exec(d->conn, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
        if (rc == SQLITE_OK)
            return 0;
        if ((rc & 0xff) != SQLITE_BUSY)
            break;
        nanosleep(&ts, NULL);
    }
    return dbi_exec(d, "PRAGMA journal_mode = WAL");
}

static db *open_with(const char *path, int extra)
{
    db *d = calloc(1, sizeof(*d));

    if (d == NULL) {
        log_warn("database: allocating handle");
        return NULL;
    }
    if (sqlite3_open_v2(path, &d->conn,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | extra,
                        NULL) != SQLITE_OK) {
        if (d->conn != NULL && sqlite3_extended_errcode(d->conn) == SQLITE_CANTOPEN_SYMLINK)
            log_warnx("database %s: a symbolic link is in the way; the gateway opens its "
                      "database only by its real path (name that, or remove the link)",
                      path);
        else
            log_warnx("database %s: %s", path, d->conn ? sqlite3_errmsg(d->conn) : "out of memory");
        goto fail;
    }
    sqlite3_busy_timeout(d->conn, 5000);
    sqlite3_extended_result_codes(d->conn, 1);
    if (dbi_exec(d, "PRAGMA foreign_keys = ON") < 0)
        goto fail;
    /* A masked PIN and purged messages leave no copy in the pages' free space (FAST: only where
     * it costs no extra I/O). */
    if (dbi_exec(d, "PRAGMA secure_delete = FAST") < 0)
        goto fail;
    /* WAL lets `remitline ask`/`log` read while the daemon writes; an in-memory db ignores it. */
    if (strcmp(path, ":memory:") != 0 &&
        (wal_on(d) < 0 || dbi_exec(d, "PRAGMA synchronous = FULL") < 0))
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

db *db_open(const char *path)
{
    return open_with(path, 0);
}

db *db_open_nofollow(const char *path)
{
    return open_with(path, SQLITE_OPEN_NOFOLLOW);
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
