#include "db/alerts.h"

#include <stdio.h>
#include <string.h>

#include "db/internal.h"
#include "util/log.h"

static const char sql_subscriber_put[] =
    "INSERT INTO subscriber(number, lang, stopped, updated_at) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT(number) DO UPDATE SET lang = coalesce(excluded.lang, lang), "
    "stopped = excluded.stopped, updated_at = excluded.updated_at";
static const char sql_sub_join[] =
    "INSERT INTO subscription(number, topic, lang, joined_at) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT(number, topic) DO UPDATE SET lang = excluded.lang";
static const char sql_sub_leave[] = "DELETE FROM subscription WHERE number = ?1 AND topic = ?2";
static const char sql_sub_leave_all[] = "DELETE FROM subscription WHERE number = ?1";
static const char sql_consent_log[] =
    "INSERT INTO consent(number, action, topic, at, inbox_id, text) VALUES (?1, ?2, ?3, ?4, ?5, "
    "?6)";
static const char sql_stopped[] = "SELECT stopped FROM subscriber WHERE number = ?1";
static const char sql_subs_of[] =
    "SELECT topic FROM subscription WHERE number = ?1 ORDER BY joined_at, topic";
static const char sql_subscribed[] =
    "SELECT EXISTS (SELECT 1 FROM subscription WHERE number = ?1 AND topic = ?2)";
static const char sql_audience[] =
    "SELECT count(DISTINCT s.number) FROM subscription s WHERE s.topic IN (SELECT value FROM "
    "json_each(?1)) AND NOT EXISTS (SELECT 1 FROM subscriber u WHERE u.number = s.number "
    "AND u.stopped = 1)";
static const char sql_topic_put[] =
    "INSERT OR IGNORE INTO alert_topic(key, lang, folded, file_id) VALUES (?1, ?2, ?3, ?4)";
static const char sql_topic_find[] =
    "SELECT key FROM alert_topic WHERE folded = ?1 OR key = ?1 ORDER BY folded = ?1 DESC LIMIT 1";
static const char sql_alert_insert[] =
    "INSERT INTO alert(id, origin, topics, priority, valid_from, valid_until, created_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(id) DO NOTHING";
static const char sql_alert_text[] =
    "INSERT INTO alert_text(alert_id, lang, text, coding, parts) VALUES (?1, ?2, ?3, ?4, ?5)";
/*
 * One outbox row a follower of any of the alert's topics who has not said STOP, in the language
 * the follower joined in if the alert has a text in it, else the default. The unique index on
 * (alert_id, recipient) makes a second insert of the same pair impossible.
 */
static const char sql_alert_fanout[] =
    "INSERT OR IGNORE INTO outbox(recipient, text, coding, parts, priority, next_attempt_at, "
    "concat_ref, created_at, kind, alert_id, not_before, expires_at) "
    "SELECT r.number, t.text, t.coding, t.parts, ?3, max(?4, ?5), abs(random()) % 256, ?4, "
    "'broadcast', ?1, ?5, ?6 FROM (SELECT s.number AS number, coalesce(max(s.lang), "
    "(SELECT lang FROM subscriber u WHERE u.number = s.number)) AS lang FROM subscription s "
    "WHERE s.topic IN (SELECT value FROM json_each(?2)) AND NOT EXISTS (SELECT 1 FROM "
    "subscriber u WHERE u.number = s.number AND u.stopped = 1) GROUP BY s.number) r "
    "JOIN alert_text t ON t.alert_id = ?1 AND t.lang = coalesce((SELECT lang FROM alert_text "
    "WHERE alert_id = ?1 AND lang = r.lang), ?7)";
static const char sql_alert_count[] = "UPDATE alert SET recipients = ?2 WHERE id = ?1";
static const char sql_alert_stats[] =
    "SELECT a.id, a.topics, a.recipients, a.created_at, a.valid_until, "
    "(SELECT count(*) FROM outbox WHERE alert_id = a.id AND state = 'sent'), "
    "(SELECT count(*) FROM outbox WHERE alert_id = a.id AND state = 'failed'), "
    "(SELECT count(*) FROM outbox WHERE alert_id = a.id AND state IN ('queued', 'sending')), "
    "(SELECT coalesce(sum(parts), 0) FROM outbox WHERE alert_id = a.id), "
    "(SELECT coalesce(sum(parts), 0) FROM outbox WHERE alert_id = a.id AND state IN "
    "('queued', 'sending')) FROM alert a WHERE a.id = coalesce(?1, (SELECT id FROM alert "
    "ORDER BY created_at DESC, rowid DESC LIMIT 1))";
static const char sql_alerts_newest[] =
    "SELECT id FROM alert ORDER BY created_at DESC, rowid DESC LIMIT ?1";
static const char sql_alert_texts[] =
    "SELECT lang, text, parts FROM alert_text WHERE alert_id = ?1 ORDER BY lang";
static const char sql_sweep_stopped[] =
    "UPDATE outbox SET state = 'failed', last_error = 'the number said STOP' WHERE state = "
    "'queued' AND kind != 'stop' AND recipient IN (SELECT number FROM subscriber WHERE "
    "stopped = 1)";
static const char sql_sweep_expired[] =
    "UPDATE outbox SET state = 'failed', last_error = 'the alert expired before it could go' "
    "WHERE state = 'queued' AND expires_at IS NOT NULL AND expires_at <= ?1";
static const char sql_pin_attempt[] = "INSERT INTO pin_attempt(number, at, ok) VALUES (?1, ?2, ?3)";
static const char sql_pin_failures[] =
    "SELECT count(*) FROM pin_attempt WHERE number = ?1 AND at >= ?2 AND ok = 0 AND at > "
    "coalesce((SELECT max(at) FROM pin_attempt WHERE number = ?1 AND ok != 0), 0)";
/* The tries-th newest failure counted: when it leaves the window, the lock is off. */
static const char sql_pin_nth_failure[] =
    "SELECT at FROM pin_attempt WHERE number = ?1 AND at >= ?2 AND ok = 0 AND at > "
    "coalesce((SELECT max(at) FROM pin_attempt WHERE number = ?1 AND ok != 0), 0) "
    "ORDER BY at DESC LIMIT 1 OFFSET ?3";
static const char sql_pending_put[] =
    "INSERT INTO alert_pending(code, number, topics, lang, text, recipients, created_at, "
    "expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT(code) DO UPDATE SET "
    "number = excluded.number, topics = excluded.topics, lang = excluded.lang, text = "
    "excluded.text, recipients = excluded.recipients, created_at = excluded.created_at, "
    "expires_at = excluded.expires_at WHERE alert_pending.expires_at <= excluded.created_at";
static const char sql_pending_take[] =
    "DELETE FROM alert_pending WHERE code = ?2 AND number = ?1 AND expires_at > ?3 "
    "RETURNING topics, lang, text, recipients, expires_at";

static int bind_done(db *d, sqlite3_stmt *s)
{
    return dbi_step_done(d, s);
}

/* Runs a statement returning one integer. */
static long one_int(db *d, sqlite3_stmt *s)
{
    long v = -1;
    int rc = sqlite3_step(s);

    if (rc == SQLITE_ROW)
        v = (long)sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        dbi_warn(d);
    return rc == SQLITE_DONE ? 0 : v;
}

int db_consent_apply(db *d, const struct db_consent *c)
{
    int stop = strcmp(c->action, "stop") == 0, changed;
    sqlite3_stmt *s;

    /* Any consent given (JOIN, START) lifts a STOP; a STOP sets it; LEAVE keeps it as it is. */
    if (strcmp(c->action, "leave") != 0) {
        if ((s = dbi_stmt(d, sql_subscriber_put)) == NULL)
            return -1;
        sqlite3_bind_text(s, 1, c->number, -1, SQLITE_STATIC);
        dbi_bind_text(s, 2, strcmp(c->action, "join") == 0 ? c->lang : NULL);
        sqlite3_bind_int(s, 3, stop);
        sqlite3_bind_int64(s, 4, c->at);
        if (bind_done(d, s) < 0)
            return -1;
    }
    if (strcmp(c->action, "join") == 0) {
        s = dbi_stmt(d, sql_sub_join);
    } else if (strcmp(c->action, "leave") == 0) {
        s = dbi_stmt(d, sql_sub_leave);
    } else if (stop) {
        s = dbi_stmt(d, sql_sub_leave_all); /* STOP leaves everything */
    } else {
        s = NULL; /* START: only the STOP is lifted */
    }
    changed = 1;
    if (s != NULL) {
        sqlite3_bind_text(s, 1, c->number, -1, SQLITE_STATIC);
        if (!stop) {
            sqlite3_bind_text(s, 2, c->topic, -1, SQLITE_STATIC);
            if (strcmp(c->action, "join") == 0) {
                dbi_bind_text(s, 3, c->lang);
                sqlite3_bind_int64(s, 4, c->at);
            }
        }
        if (bind_done(d, s) < 0)
            return -1;
        if (strcmp(c->action, "leave") == 0)
            changed = sqlite3_changes(d->conn) > 0;
    }
    if ((s = dbi_stmt(d, sql_consent_log)) == NULL)
        return -1;
    sqlite3_bind_text(s, 1, c->number, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, c->action, -1, SQLITE_STATIC);
    dbi_bind_text(s, 3, c->topic);
    sqlite3_bind_int64(s, 4, c->at);
    if (c->inbox_id > 0)
        sqlite3_bind_int64(s, 5, c->inbox_id);
    dbi_bind_text(s, 6, c->text);
    if (bind_done(d, s) < 0)
        return -1;
    return changed;
}

int db_subscriber_stopped(db *d, const char *number)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_stopped);

    if (s == NULL)
        return -1;
    if (number == NULL)
        return 0;
    sqlite3_bind_text(s, 1, number, -1, SQLITE_STATIC);
    return one_int(d, s) > 0;
}

int db_subscriptions(db *d, const char *number, char *out, size_t outsz)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_subs_of);

    if (outsz > 0)
        out[0] = '\0';
    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, number, -1, SQLITE_STATIC);
    return dbi_join_column(s, out, outsz);
}

int db_subscribed(db *d, const char *number, const char *topic)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_subscribed);

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, number, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, topic, -1, SQLITE_STATIC);
    return (int)one_int(d, s);
}

/* The topics as a JSON array, for json_each(): quotes and backslashes cannot occur in topics,
 * which are built from codes and folded words, but are refused here all the same. */
static int topics_json(const char *const *topics, int n, char *out, size_t outsz)
{
    size_t len = 0;
    int i;

    len += (size_t)snprintf(out, outsz, "[");
    for (i = 0; i < n && len < outsz; i++) {
        if (strpbrk(topics[i], "\"\\") != NULL)
            return -1;
        len += (size_t)snprintf(out + len, outsz - len, "%s\"%s\"", i ? "," : "", topics[i]);
    }
    if (len + 2 > outsz)
        return -1;
    snprintf(out + len, outsz - len, "]");
    return 0;
}

long db_audience(db *d, const char *const *topics, int ntopics)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_audience);
    char json[1024];

    if (s == NULL || topics_json(topics, ntopics, json, sizeof(json)) < 0)
        return -1;
    sqlite3_bind_text(s, 1, json, -1, SQLITE_STATIC);
    return one_int(d, s);
}

int db_alert_topic_put(db *d, int64_t file_id, const char *key, const char *lang,
                       const char *folded)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_topic_put);

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    dbi_bind_text(s, 2, lang);
    sqlite3_bind_text(s, 3, folded, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, file_id);
    return dbi_step_done(d, s);
}

int db_alert_topic_find(db *d, const char *folded, char *key, size_t keysz)
{
    return dbi_text_by_key(d, sql_topic_find, folded, key, keysz);
}

struct queue_arg {
    const struct db_alert *a;
    int64_t now;
    long *recipients;
};

static int queue_tx(db *d, void *arg)
{
    struct queue_arg *x = arg;
    const struct db_alert *a = x->a;
    char json[1024], topics[1024];
    size_t len = 0;
    sqlite3_stmt *s;
    long n;
    int i;

    if (topics_json(a->topics, a->ntopics, json, sizeof(json)) < 0)
        return -1;
    topics[0] = '\0';
    for (i = 0; i < a->ntopics && len < sizeof(topics); i++)
        len += (size_t)snprintf(topics + len, sizeof(topics) - len, "%s%s", i ? " " : "",
                                a->topics[i]);
    if ((s = dbi_stmt(d, sql_alert_insert)) == NULL)
        return -1;
    sqlite3_bind_text(s, 1, a->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, a->origin, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, topics, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 4, a->priority);
    sqlite3_bind_int64(s, 5, a->valid_from);
    sqlite3_bind_int64(s, 6, a->valid_until);
    sqlite3_bind_int64(s, 7, x->now);
    if (dbi_step_done(d, s) < 0)
        return -1;
    if (sqlite3_changes(d->conn) == 0)
        return 0; /* this id was queued before: once, ever */
    for (i = 0; i < a->ntexts; i++) {
        if ((s = dbi_stmt(d, sql_alert_text)) == NULL)
            return -1;
        sqlite3_bind_text(s, 1, a->id, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, a->texts[i].lang, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, a->texts[i].text, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 4, a->texts[i].coding, -1, SQLITE_STATIC);
        sqlite3_bind_int(s, 5, a->texts[i].parts);
        if (dbi_step_done(d, s) < 0)
            return -1;
    }
    if ((s = dbi_stmt(d, sql_alert_fanout)) == NULL)
        return -1;
    sqlite3_bind_text(s, 1, a->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, json, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 3, 10 + a->priority); /* every broadcast after every reply */
    sqlite3_bind_int64(s, 4, x->now);
    sqlite3_bind_int64(s, 5, a->valid_from);
    sqlite3_bind_int64(s, 6, a->valid_until);
    sqlite3_bind_text(s, 7, a->default_lang, -1, SQLITE_STATIC);
    if (dbi_step_done(d, s) < 0)
        return -1;
    n = sqlite3_changes(d->conn);
    if ((s = dbi_stmt(d, sql_alert_count)) == NULL)
        return -1;
    sqlite3_bind_text(s, 1, a->id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, n);
    if (dbi_step_done(d, s) < 0)
        return -1;
    *x->recipients = n;
    return 1;
}

int db_alert_queue(db *d, const struct db_alert *a, int64_t now, long *recipients)
{
    struct queue_arg x = {a, now, recipients};
    long dummy = 0;

    if (x.recipients == NULL)
        x.recipients = &dummy;
    *x.recipients = 0;
    return dbi_in_tx(d, queue_tx, &x);
}

int db_alert_stats(db *d, const char *id, struct db_alert_stats *out)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_alert_stats);
    int rc;

    if (s == NULL)
        return -1;
    dbi_bind_text(s, 1, id);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        memset(out, 0, sizeof(*out));
        dbi_col_copy(s, 0, out->id, sizeof(out->id));
        dbi_col_copy(s, 1, out->topics, sizeof(out->topics));
        out->recipients = (long)sqlite3_column_int64(s, 2);
        out->created_at = sqlite3_column_int64(s, 3);
        out->valid_until = sqlite3_column_int64(s, 4);
        out->sent = (long)sqlite3_column_int64(s, 5);
        out->failed = (long)sqlite3_column_int64(s, 6);
        out->remaining = (long)sqlite3_column_int64(s, 7);
        out->parts_total = (long)sqlite3_column_int64(s, 8);
        out->parts_left = (long)sqlite3_column_int64(s, 9);
    }
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return -1;
    return rc == SQLITE_ROW;
}

#define ALERTS_MAX 100

int db_alerts_each(db *d, int limit, db_alert_stats_cb cb, void *arg)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_alerts_newest);
    char ids[ALERTS_MAX][64];
    struct db_alert_stats st;
    int rc, n = 0, i;

    if (s == NULL)
        return -1;
    sqlite3_bind_int(s, 1, limit < ALERTS_MAX ? limit : ALERTS_MAX);
    /* The ids first: each alert's counts are another statement's. */
    while (n < ALERTS_MAX && (rc = sqlite3_step(s)) == SQLITE_ROW)
        dbi_col_copy(s, 0, ids[n++], sizeof(ids[0]));
    sqlite3_reset(s);
    for (i = 0; i < n; i++) {
        if ((rc = db_alert_stats(d, ids[i], &st)) < 0)
            return -1;
        if (rc == 1 && cb(arg, &st) != 0)
            break;
    }
    return n;
}

int db_alert_texts_each(db *d, const char *id, db_alert_text_cb cb, void *arg)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_alert_texts);
    int rc, n = 0;

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        n++;
        if (cb(arg, (const char *)sqlite3_column_text(s, 0),
               (const char *)sqlite3_column_text(s, 1), sqlite3_column_int(s, 2)) != 0)
            break;
    }
    sqlite3_reset(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? n : -1;
}

int db_outbox_sweep(db *d, int64_t now)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_sweep_stopped);
    int n;

    if (s == NULL || dbi_step_done(d, s) < 0)
        return -1;
    n = sqlite3_changes(d->conn);
    if ((s = dbi_stmt(d, sql_sweep_expired)) == NULL)
        return -1;
    sqlite3_bind_int64(s, 1, now);
    if (dbi_step_done(d, s) < 0)
        return -1;
    return n + sqlite3_changes(d->conn);
}

int db_pin_attempt(db *d, const char *number, int ok, int64_t at)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_pin_attempt);

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, number, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, at);
    sqlite3_bind_int(s, 3, ok);
    return dbi_step_done(d, s);
}

int db_pin_failures(db *d, const char *number, int64_t since)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_pin_failures);

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, number, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, since);
    return (int)one_int(d, s);
}

static const char sql_file_get[] =
    "SELECT mtime, size, digest, coalesce(alert_id, '') FROM alert_file WHERE path = ?1";
static const char sql_file_put[] =
    "INSERT INTO alert_file(path, mtime, size, digest, alert_id, seen_at) VALUES (?1, ?2, ?3, "
    "?4, nullif(?5, ''), ?6) ON CONFLICT(path) DO UPDATE SET mtime = excluded.mtime, size = "
    "excluded.size, digest = excluded.digest, alert_id = excluded.alert_id, "
    "seen_at = excluded.seen_at";
static const char sql_file_seen[] = "UPDATE alert_file SET seen_at = ?2 WHERE path = ?1";
static const char sql_files_forget[] = "DELETE FROM alert_file WHERE seen_at < ?1";

int db_alert_file_get(db *d, const char *path, struct db_alert_file *out)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_file_get);
    int rc;

    if (s == NULL)
        return -1;
    memset(out, 0, sizeof(*out));
    sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        snprintf(out->path, sizeof(out->path), "%s", path);
        out->mtime = sqlite3_column_int64(s, 0);
        out->size = sqlite3_column_int64(s, 1);
        dbi_col_copy(s, 2, out->digest, sizeof(out->digest));
        dbi_col_copy(s, 3, out->alert_id, sizeof(out->alert_id));
    }
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        dbi_warn(d);
        return -1;
    }
    return rc == SQLITE_ROW;
}

int db_alert_file_put(db *d, const struct db_alert_file *f, int64_t seen_at)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_file_put);

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, f->path, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, f->mtime);
    sqlite3_bind_int64(s, 3, f->size);
    sqlite3_bind_text(s, 4, f->digest, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, f->alert_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 6, seen_at);
    return dbi_step_done(d, s);
}

int db_alert_file_seen(db *d, const char *path, int64_t seen_at)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_file_seen);

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, seen_at);
    return dbi_step_done(d, s);
}

int db_alert_files_forget(db *d, int64_t seen_at)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_files_forget);

    if (s == NULL)
        return -1;
    sqlite3_bind_int64(s, 1, seen_at);
    if (dbi_step_done(d, s) < 0)
        return -1;
    return sqlite3_changes(d->conn);
}

int64_t db_pin_locked_until(db *d, const char *number, int64_t now, int tries, int window)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_pin_nth_failure);
    int64_t until = 0;
    int rc;

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, number, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, now - window);
    sqlite3_bind_int(s, 3, tries - 1);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        until = sqlite3_column_int64(s, 0) + window + 1;
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        dbi_warn(d);
        return -1;
    }
    return until;
}

int db_alert_pending_put(db *d, const struct db_pending_alert *p, int64_t now)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_pending_put);

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, p->code, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, p->number, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, p->topics, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, p->lang, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, p->text, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 6, p->recipients);
    sqlite3_bind_int64(s, 7, now);
    sqlite3_bind_int64(s, 8, p->expires_at);
    if (dbi_step_done(d, s) < 0)
        return -1;
    return sqlite3_changes(d->conn) > 0;
}

int db_alert_pending_take(db *d, const char *number, const char *code, int64_t now,
                          struct db_pending_alert *out)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_pending_take);
    int rc, found = 0;

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, number, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, code, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, now);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        memset(out, 0, sizeof(*out));
        snprintf(out->code, sizeof(out->code), "%s", code);
        snprintf(out->number, sizeof(out->number), "%s", number);
        dbi_col_copy(s, 0, out->topics, sizeof(out->topics));
        dbi_col_copy(s, 1, out->lang, sizeof(out->lang));
        dbi_col_copy(s, 2, out->text, sizeof(out->text));
        out->recipients = (long)sqlite3_column_int64(s, 3);
        out->expires_at = sqlite3_column_int64(s, 4);
        found = 1;
    }
    while (rc == SQLITE_ROW)
        rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return -1;
    return found;
}
