/* Conversation state per phone number: saved language and pending numbered choice. */
#include "db/conv.h"

#include <stdio.h>
#include <string.h>

#include "db/internal.h"
#include "util/log.h"

static const char sql_get[] =
    "SELECT coalesce(lang, ''), CASE WHEN pending_until > ?2 THEN "
    "coalesce(pending, '') ELSE '' END FROM conversation WHERE number = ?1";
static const char sql_lang[] =
    "INSERT INTO conversation (number, lang, updated_at) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (number) DO UPDATE SET lang = excluded.lang, updated_at = excluded.updated_at";
static const char sql_pending[] =
    "INSERT INTO conversation (number, pending, pending_until, updated_at) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (number) DO UPDATE SET pending = excluded.pending, "
    "pending_until = excluded.pending_until, updated_at = excluded.updated_at";
/* Clearing touches only a row that holds a choice, so most messages write nothing. */
static const char sql_clear[] = "UPDATE conversation SET pending = NULL, pending_until = NULL, "
                                "updated_at = ?2 WHERE number = ?1 AND pending IS NOT NULL";

int db_conv_get(db *d, const char *number, int64_t now, struct db_conv *out)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_get);
    int rc;

    memset(out, 0, sizeof(*out));
    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, number, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, now);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        dbi_col_copy(s, 0, out->lang, sizeof(out->lang));
        dbi_col_copy(s, 1, out->pending, sizeof(out->pending));
    }
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        dbi_warn(d);
        return -1;
    }
    return rc == SQLITE_ROW;
}

int db_conv_set_lang(db *d, const char *number, const char *lang, int64_t now)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_lang);

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, number, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, lang, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, now);
    return dbi_step_done(d, s);
}

int db_conv_set_pending(db *d, const char *number, const char *pending, int64_t expires,
                        int64_t now)
{
    sqlite3_stmt *s;

    if (pending == NULL || pending[0] == '\0') {
        if ((s = dbi_stmt(d, sql_clear)) == NULL)
            return -1;
        sqlite3_bind_text(s, 1, number, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 2, now);
        return dbi_step_done(d, s);
    }
    if ((s = dbi_stmt(d, sql_pending)) == NULL)
        return -1;
    sqlite3_bind_text(s, 1, number, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, pending, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, expires);
    sqlite3_bind_int64(s, 4, now);
    return dbi_step_done(d, s);
}
