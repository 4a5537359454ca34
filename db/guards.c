#include "db/guards.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "db/internal.h"
#include "util/log.h"

static const char sql_replies_since[] =
    "SELECT count(*) FROM outbox WHERE recipient = ?1 AND created_at >= ?2 "
    "AND kind IN ('reply', 'stop', 'notice')";
static const char sql_notice_since[] =
    "SELECT EXISTS (SELECT 1 FROM outbox WHERE recipient = ?1 AND created_at >= ?2 "
    "AND kind = 'notice')";
static const char sql_muted[] = "SELECT EXISTS (SELECT 1 FROM muted WHERE number = ?1 AND "
                                "until > ?2)";
static const char sql_mute[] =
    "INSERT INTO muted(number, until, reason, at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT(number) DO "
    "UPDATE SET until = excluded.until, reason = excluded.reason, at = excluded.at";
/* A mute lifted by the administrator (until = at) hides the messages that led to it, or the
 * loop guard would mute the number again on the same evidence. */
static const char sql_recent[] =
    "SELECT id, received_at, text FROM inbox WHERE sender = ?1 AND received_at > coalesce((SELECT "
    "at FROM muted WHERE number = ?1 AND until = at), 0) ORDER BY id DESC LIMIT ?2";
static const char sql_mute_get[] = "SELECT until, reason FROM muted WHERE number = ?1 AND "
                                   "until > ?2";
static const char sql_unmute[] =
    "UPDATE muted SET until = ?2, at = ?2, reason = 'lifted by the administrator' "
    "WHERE number = ?1 AND until > ?2";
static const char sql_mute_each[] =
    "SELECT number, until, reason, at FROM muted WHERE until > ?1 ORDER BY until";
/* Numbers that may be at a cap: answered at least min(hour, day cap) times in the last day. */
static const char sql_cap_candidates[] =
    "SELECT recipient FROM outbox WHERE created_at >= ?1 - 86400 AND kind IN ('reply', 'stop', "
    "'notice') GROUP BY recipient HAVING count(*) >= ?2 ORDER BY recipient";
/* The nth newest answer (OFFSET ?3) to a number in a window: when it leaves the window, the
 * number is under the cap again. */
static const char sql_cap_nth[] =
    "SELECT created_at FROM outbox WHERE recipient = ?1 AND created_at >= ?2 AND kind IN "
    "('reply', 'stop', 'notice') ORDER BY created_at DESC LIMIT 1 OFFSET ?3";
/* Our replies to the number's earlier messages, never the one to the message itself: a fast
 * modem (or Kannel, which sends the reply as the get-url's answer) records a message's reply as
 * sent the second it arrived. */
static const char sql_last_reply[] =
    "SELECT coalesce(max(sent_at), 0) FROM outbox WHERE recipient = ?1 AND inbox_id < ?2 "
    "AND sent_at <= ?3 AND kind != 'broadcast'";
static const char sql_parts_since[] =
    "SELECT coalesce(sum(parts), 0) FROM outbox WHERE modem = ?1 AND state = 'sent' "
    "AND sent_at >= ?2";
static const char sql_balance[] =
    "UPDATE modem_status SET balance = ?2, balance_at = ?3 WHERE name = ?1";
static const char sql_paused[] = "UPDATE modem_status SET paused = ?2 WHERE name = ?1";
static const char sql_demand[] =
    "INSERT INTO demand(week, keyword, lang, src, dst, queries) VALUES (?1, ?2, ?3, ?4, ?5, 1) "
    "ON CONFLICT(week, keyword, lang, src, dst) DO UPDATE SET queries = queries + 1";
static const char sql_demand_each[] =
    "SELECT week, keyword, lang, src, dst, queries FROM demand WHERE week >= ?1 "
    "ORDER BY week, keyword, lang, src, dst";
/* Totals for the console's charts: one statement per way of adding up, all on the primary
 * key's week range. */
static const char sql_demand_corridor[] =
    "SELECT src || '-' || dst, '', sum(queries) FROM demand WHERE week >= ?1 AND src != '' "
    "AND dst != '' GROUP BY src, dst ORDER BY 3 DESC, 1 LIMIT ?2";
static const char sql_demand_lang[] =
    "SELECT lang, '', sum(queries) FROM demand WHERE week >= ?1 GROUP BY lang "
    "ORDER BY 3 DESC, 1 LIMIT ?2";
static const char sql_demand_keyword[] =
    "SELECT keyword, '', sum(queries) FROM demand WHERE week >= ?1 GROUP BY keyword "
    "ORDER BY 3 DESC, 1 LIMIT ?2";
static const char sql_demand_keyword_week[] =
    "SELECT keyword, week, sum(queries) FROM demand WHERE week >= ?1 GROUP BY week, keyword "
    "ORDER BY week, keyword LIMIT ?2";
/* The purge, in the order foreign keys need: replies before the messages they answer. */
static const char sql_purge_outbox[] =
    "DELETE FROM outbox WHERE created_at < ?1 AND state IN ('sent', 'failed')";
static const char sql_purge_inbox[] =
    "DELETE FROM inbox WHERE received_at < ?1 AND state != 'received' AND id NOT IN "
    "(SELECT inbox_id FROM outbox WHERE inbox_id IS NOT NULL) AND id NOT IN (SELECT inbox_id "
    "FROM consent WHERE inbox_id IS NOT NULL)";
static const char sql_purge_parts[] =
    "DELETE FROM inbox_part WHERE received_at < ?1 AND assembled = 1";
static const char sql_purge_consent[] =
    "DELETE FROM consent WHERE at < ?1 AND number NOT IN (SELECT number FROM subscription) "
    "AND number NOT IN (SELECT number FROM subscriber WHERE stopped = 1)";
static const char sql_purge_subscriber[] =
    "DELETE FROM subscriber WHERE stopped = 0 AND updated_at < ?1 AND number NOT IN "
    "(SELECT number FROM subscription)";
static const char sql_purge_pins[] = "DELETE FROM pin_attempt WHERE at < ?1";
/* Reports that never matched a part (a purged message's go with it: trigger delivery_purge). */
static const char sql_purge_reports[] =
    "DELETE FROM delivery_report WHERE delivery_id IS NULL AND received_at < ?1";
static const char sql_purge_pending[] = "DELETE FROM alert_pending WHERE expires_at < ?2";
/* A lifted mute is kept a day: long enough for the loop guard's windows to pass. */
static const char sql_purge_muted[] =
    "DELETE FROM muted WHERE until < ?2 AND (until != at OR at < ?2 - 86400)";
/* A number's saved language and pending choice: forgotten once it has not written for the whole
 * period, unless it follows a topic (its alerts come in that language). */
static const char sql_purge_conversation[] =
    "DELETE FROM conversation WHERE updated_at < ?1 AND number NOT IN (SELECT number FROM "
    "subscription) AND NOT EXISTS (SELECT 1 FROM inbox WHERE sender = conversation.number AND "
    "received_at >= ?1)";

/* Binds number and a time, returns the single integer the statement gives. */
static long count2(db *d, const char *sql, const char *number, int64_t t)
{
    sqlite3_stmt *s = dbi_stmt(d, sql);
    long v = -1;

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, number, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, t);
    if (sqlite3_step(s) == SQLITE_ROW)
        v = (long)sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return v;
}

int db_replies_since(db *d, const char *number, int64_t since)
{
    return (int)count2(d, sql_replies_since, number, since);
}

int db_notice_since(db *d, const char *number, int64_t since)
{
    return (int)count2(d, sql_notice_since, number, since);
}

int db_muted(db *d, const char *number, int64_t now)
{
    return (int)count2(d, sql_muted, number, now);
}

int64_t db_last_reply_before(db *d, const char *number, int64_t inbox_id, int64_t at)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_last_reply);
    int64_t v = -1;

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, number, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, inbox_id);
    sqlite3_bind_int64(s, 3, at);
    if (sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return v;
}

int db_mute_get(db *d, const char *number, int64_t now, int64_t *until, char *reason,
                size_t reasonsz)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_mute_get);
    int rc;

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, number, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, now);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        *until = sqlite3_column_int64(s, 0);
        dbi_col_copy(s, 1, reason, reasonsz);
    }
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return -1;
    return rc == SQLITE_ROW;
}

long db_parts_sent_since(db *d, const char *modem, int64_t since)
{
    return count2(d, sql_parts_since, modem, since);
}

int db_mute(db *d, const char *number, int64_t until, const char *reason, int64_t now)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_mute);

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, number, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, until);
    sqlite3_bind_text(s, 3, reason, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, now);
    return dbi_step_done(d, s);
}

int db_unmute(db *d, const char *number, int64_t now)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_unmute);

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, number, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, now);
    if (dbi_step_done(d, s) < 0)
        return -1;
    return sqlite3_changes(d->conn) > 0;
}

int db_mute_each(db *d, int64_t now, db_mute_cb cb, void *arg)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_mute_each);
    int n = 0, rc;

    if (s == NULL)
        return -1;
    sqlite3_bind_int64(s, 1, now);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        char number[64], reason[160];
        dbi_col_copy(s, 0, number, sizeof(number));
        dbi_col_copy(s, 2, reason, sizeof(reason));
        n++;
        if (cb(arg, number, sqlite3_column_int64(s, 1), reason, sqlite3_column_int64(s, 3)) != 0)
            break;
    }
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        dbi_warn(d);
        return -1;
    }
    return n;
}

/* When the nth newest answer to number since since was created: 1 and *at, 0 if fewer, -1. */
static int cap_nth(db *d, const char *number, int64_t since, int nth, int64_t *at)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_cap_nth);
    int rc;

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, number, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, since);
    sqlite3_bind_int(s, 3, nth - 1);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        *at = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        dbi_warn(d);
        return -1;
    }
    return rc == SQLITE_ROW;
}

/* When number is under cap answers in window again, with pending more created at now. */
static int64_t window_until(db *d, const char *number, int64_t now, int cap, int window,
                            int pending)
{
    int64_t at = now;
    int rc = 1;

    /* Under the cap again when the cap-th newest answer leaves the window (the guard counts
     * answers created at or after now - window). */
    if (cap - pending > 0 && (rc = cap_nth(d, number, now - window, cap - pending, &at)) < 0)
        return -1;
    return rc == 1 ? at + window + 1 : 0;
}

int64_t db_cap_until(db *d, const char *number, int64_t now, int max_hour, int max_day, int pending)
{
    int64_t h = window_until(d, number, now, max_hour, 3600, pending);
    int64_t day = window_until(d, number, now, max_day, 86400, pending);

    if (h < 0 || day < 0)
        return -1;
    return h > day ? h : day;
}

int db_capped_each(db *d, int64_t now, int max_hour, int max_day, db_mute_cb cb, void *arg)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_cap_candidates);
    int n = 0, rc;

    if (s == NULL)
        return -1;
    sqlite3_bind_int64(s, 1, now);
    sqlite3_bind_int(s, 2, max_hour < max_day ? max_hour : max_day);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        char number[64];
        int64_t until;
        dbi_col_copy(s, 0, number, sizeof(number));
        if ((until = db_cap_until(d, number, now, max_hour, max_day, 0)) < 0) {
            sqlite3_reset(s);
            return -1;
        }
        if (until == 0)
            continue;
        n++;
        if (cb(arg, number, until, "too many answers to this number", now) != 0)
            break;
    }
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        dbi_warn(d);
        return -1;
    }
    return n;
}

int db_recent_from(db *d, const char *number, int n, struct db_recent *out)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_recent);
    int k = 0;

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, number, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, n);
    while (k < n && sqlite3_step(s) == SQLITE_ROW) {
        out[k].id = sqlite3_column_int64(s, 0);
        out[k].received_at = sqlite3_column_int64(s, 1);
        dbi_col_copy(s, 2, out[k].text, sizeof(out[k].text));
        k++;
    }
    sqlite3_reset(s);
    return k;
}

int db_modem_balance_put(db *d, const char *modem, double balance, int64_t at)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_balance);

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, modem, -1, SQLITE_STATIC);
    sqlite3_bind_double(s, 2, balance);
    sqlite3_bind_int64(s, 3, at);
    return dbi_step_done(d, s);
}

int db_modem_paused_put(db *d, const char *modem, const char *reason)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_paused);

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, modem, -1, SQLITE_STATIC);
    dbi_bind_text(s, 2, reason);
    return dbi_step_done(d, s);
}

int db_demand_count(db *d, int64_t at, const char *keyword, const char *lang, const char *src,
                    const char *dst)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_demand);
    time_t t = (time_t)at;
    char week[16];
    struct tm tm;

    if (s == NULL)
        return -1;
    gmtime_r(&t, &tm);
    strftime(week, sizeof(week), "%G-W%V", &tm);
    sqlite3_bind_text(s, 1, week, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, keyword ? keyword : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, lang ? lang : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, src ? src : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, dst ? dst : "", -1, SQLITE_STATIC);
    return dbi_step_done(d, s);
}

int db_demand_each(db *d, const char *since_week, db_demand_cb cb, void *arg)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_demand_each);
    int n = 0;

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, since_week ? since_week : "", -1, SQLITE_STATIC);
    while (sqlite3_step(s) == SQLITE_ROW) {
        n++;
        if (cb(arg, (const char *)sqlite3_column_text(s, 0),
               (const char *)sqlite3_column_text(s, 1), (const char *)sqlite3_column_text(s, 2),
               (const char *)sqlite3_column_text(s, 3), (const char *)sqlite3_column_text(s, 4),
               (long)sqlite3_column_int64(s, 5)) != 0)
            break;
    }
    sqlite3_reset(s);
    return n;
}

int db_demand_sum(db *d, const char *since_week, enum db_demand_by by, int limit,
                  db_demand_sum_cb cb, void *arg)
{
    static const char *const sql[] = {
        [DB_DEMAND_CORRIDOR] = sql_demand_corridor,
        [DB_DEMAND_LANG] = sql_demand_lang,
        [DB_DEMAND_KEYWORD] = sql_demand_keyword,
        [DB_DEMAND_KEYWORD_WEEK] = sql_demand_keyword_week,
    };
    sqlite3_stmt *s;
    int rc, n = 0;

    if ((unsigned)by >= sizeof(sql) / sizeof(sql[0]) || (s = dbi_stmt(d, sql[by])) == NULL)
        return -1;
    sqlite3_bind_text(s, 1, since_week ? since_week : "", -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, limit);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        n++;
        if (cb(arg, (const char *)sqlite3_column_text(s, 0),
               (const char *)sqlite3_column_text(s, 1), (long)sqlite3_column_int64(s, 2)) != 0)
            break;
    }
    sqlite3_reset(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? n : -1;
}

struct purge_arg {
    int64_t before, now;
    struct db_purge_counts *c;
};

static long purge_one(db *d, const char *sql, int64_t before, int64_t now)
{
    sqlite3_stmt *s = dbi_stmt(d, sql);

    if (s == NULL)
        return -1;
    /* Every purge statement names ?1, some ?2 too; binding both is harmless. */
    sqlite3_bind_int64(s, 1, before);
    if (sqlite3_bind_parameter_count(s) >= 2)
        sqlite3_bind_int64(s, 2, now);
    if (dbi_step_done(d, s) < 0)
        return -1;
    return sqlite3_changes(d->conn);
}

static int purge_tx(db *d, void *arg)
{
    struct purge_arg *p = arg;
    long n;

    if ((p->c->outbox = purge_one(d, sql_purge_outbox, p->before, p->now)) < 0 ||
        (p->c->consent = purge_one(d, sql_purge_consent, p->before, p->now)) < 0 ||
        (p->c->inbox = purge_one(d, sql_purge_inbox, p->before, p->now)) < 0 ||
        (p->c->parts = purge_one(d, sql_purge_parts, p->before, p->now)) < 0)
        return -1;
    p->c->other = 0;
    if ((n = purge_one(d, sql_purge_subscriber, p->before, p->now)) < 0)
        return -1;
    p->c->other += n;
    if ((n = purge_one(d, sql_purge_pins, p->before, p->now)) < 0)
        return -1;
    p->c->other += n;
    if ((n = purge_one(d, sql_purge_reports, p->before, p->now)) < 0)
        return -1;
    p->c->other += n;
    if ((n = purge_one(d, sql_purge_pending, p->before, p->now)) < 0)
        return -1;
    p->c->other += n;
    if ((n = purge_one(d, sql_purge_muted, p->before, p->now)) < 0)
        return -1;
    p->c->other += n;
    if ((n = purge_one(d, sql_purge_conversation, p->before, p->now)) < 0)
        return -1;
    p->c->other += n;
    return 0;
}

int db_purge(db *d, int64_t before, int64_t now, struct db_purge_counts *out)
{
    struct purge_arg p = {before, now, out};

    memset(out, 0, sizeof(*out));
    return dbi_in_tx(d, purge_tx, &p);
}
