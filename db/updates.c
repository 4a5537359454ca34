/* updates.c: the attempts of `remitline update`, see updates.h. */
#include "db/updates.h"

#include <sqlite3.h>
#include <string.h>

#include "db/internal.h"

static const char sql_record[] =
    "INSERT INTO update_attempt(at, source, url, result, http_status, bytes, error, etag, "
    "last_modified) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
static const char sql_validators[] =
    "SELECT coalesce(etag, ''), coalesce(last_modified, '') FROM update_attempt WHERE source = ?1 "
    "AND result = 'ok' ORDER BY at DESC, id DESC LIMIT 1";
/* Per source: the counts, the last attempt, and the last time the data was known current. */
static const char sql_each[] =
    "SELECT a.source, max(a.at), sum(a.result = 'ok'), sum(a.result = 'unchanged'), "
    "sum(a.result = 'failed'), coalesce(max(CASE WHEN a.result != 'failed' THEN a.at END), 0), "
    "(SELECT result FROM update_attempt l WHERE l.source = a.source ORDER BY at DESC, id DESC "
    "LIMIT 1), (SELECT coalesce(error, '') FROM update_attempt l WHERE l.source = a.source "
    "ORDER BY at DESC, id DESC LIMIT 1) FROM update_attempt a GROUP BY a.source ORDER BY a.source";

int db_update_record(db *d, const struct db_update_attempt *a)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_record);

    if (s == NULL)
        return -1;
    sqlite3_bind_int64(s, 1, a->at);
    sqlite3_bind_text(s, 2, a->source, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, a->url, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, a->result, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 5, a->http_status);
    sqlite3_bind_int64(s, 6, a->bytes);
    dbi_bind_text(s, 7, a->error);
    dbi_bind_text(s, 8, a->etag);
    dbi_bind_text(s, 9, a->last_modified);
    return dbi_step_done(d, s);
}

int db_update_validators(db *d, const char *source, char *etag, size_t etagsz, char *lm,
                         size_t lmsz)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_validators);
    int rc, found = 0;

    etag[0] = lm[0] = '\0';
    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, source, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        dbi_col_copy(s, 0, etag, etagsz);
        dbi_col_copy(s, 1, lm, lmsz);
        found = 1;
    }
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        dbi_warn(d);
        return -1;
    }
    return found;
}

int db_update_each(db *d, int (*cb)(void *arg, const struct db_update_summary *s), void *arg)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_each);
    struct db_update_summary u;
    int rc, n = 0;

    if (s == NULL)
        return -1;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        memset(&u, 0, sizeof(u));
        dbi_col_copy(s, 0, u.source, sizeof(u.source));
        u.last_attempt = sqlite3_column_int64(s, 1);
        u.ok = (long)sqlite3_column_int64(s, 2);
        u.unchanged = (long)sqlite3_column_int64(s, 3);
        u.failed = (long)sqlite3_column_int64(s, 4);
        u.last_refresh = sqlite3_column_int64(s, 5);
        dbi_col_copy(s, 6, u.last_result, sizeof(u.last_result));
        dbi_col_copy(s, 7, u.last_error, sizeof(u.last_error));
        n++;
        if (cb(arg, &u) != 0)
            break;
    }
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        dbi_warn(d);
        return -1;
    }
    return n;
}
