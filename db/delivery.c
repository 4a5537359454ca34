/*
 * delivery.c: delivery reports, matched to the parts they answer (see delivery.h).
 */
#include "db/delivery.h"

#include <stdio.h>
#include <string.h>

#include "db/internal.h"
#include "util/log.h"

static const char sql_part_put[] =
    "INSERT INTO delivery (outbox_id, part, transport, modem, ref, sent_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (outbox_id, part) DO UPDATE SET "
    "transport = excluded.transport, modem = excluded.modem, ref = excluded.ref, "
    "state = 'pending', reason = NULL, sent_at = excluded.sent_at, reported_at = NULL "
    "RETURNING id";
static const char sql_part_find[] =
    "SELECT id, state, outbox_id FROM delivery WHERE transport = ?1 AND modem = ?2 AND ref = ?3 "
    "AND sent_at >= ?4 ORDER BY sent_at DESC, id DESC LIMIT 1";
static const char sql_part_set[] =
    "UPDATE delivery SET state = ?2, reason = ?3, reported_at = ?4 WHERE id = ?1";
static const char sql_orphans[] =
    "SELECT id, status, reason, at FROM delivery_report WHERE transport = ?1 AND modem = ?2 AND "
    "ref = ?3 AND outcome = 'waiting' AND received_at >= ?4 ORDER BY id";
static const char sql_report_put[] =
    "INSERT INTO delivery_report (transport, modem, ref, status, reason, at, received_at, "
    "delivery_id, outcome) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
static const char sql_report_adopt[] =
    "UPDATE delivery_report SET delivery_id = ?2, outcome = ?3 WHERE id = ?1";
static const char sql_count[] =
    "INSERT INTO metric (name, modem, keyword, state, n) VALUES ('delivery', ?1, '', ?2, ?3) "
    "ON CONFLICT DO UPDATE SET n = n + excluded.n";
/* A message's delivery from its parts' (delivery.h). */
#define MESSAGE_DELIVERY                                                                           \
    "UPDATE outbox SET delivery = (SELECT CASE WHEN count(*) = 0 THEN NULL "                       \
    "WHEN sum(state = 'failed') > 0 THEN 'failed' WHEN sum(state = 'expired') > 0 THEN "           \
    "'expired' WHEN sum(state = 'delivered') >= outbox.parts THEN 'delivered' ELSE 'pending' "     \
    "END FROM delivery WHERE outbox_id = outbox.id) "
static const char sql_message_one[] = MESSAGE_DELIVERY "WHERE id = ?1";
static const char sql_message_expired[] =
    MESSAGE_DELIVERY "WHERE id IN (SELECT outbox_id FROM delivery WHERE state = 'expired' AND "
                     "reported_at = ?1)";
static const char sql_expire_count[] =
    "INSERT INTO metric (name, modem, keyword, state, n) SELECT 'delivery', modem, '', "
    "'expired', count(*) FROM delivery WHERE state = 'pending' AND sent_at < ?1 GROUP BY modem "
    "ON CONFLICT DO UPDATE SET n = n + excluded.n";
static const char sql_expire[] =
    "UPDATE delivery SET state = 'expired', reported_at = ?2, reason = 'no report within the "
    "delivery timeout' WHERE state = 'pending' AND sent_at < ?1";
/* Reports still waiting past DB_DELIVERY_EARLY: counted unmatched, by modem, then marked. */
static const char sql_unmatched_count[] =
    "INSERT INTO metric (name, modem, keyword, state, n) SELECT 'delivery', modem, '', "
    "'unmatched', count(*) FROM delivery_report WHERE outcome = 'waiting' AND received_at < ?1 "
    "GROUP BY modem ON CONFLICT DO UPDATE SET n = n + excluded.n";
static const char sql_unmatched[] =
    "UPDATE delivery_report SET outcome = 'unmatched' WHERE outcome = 'waiting' AND "
    "received_at < ?1";
static const char sql_alert[] =
    "SELECT count(delivery), coalesce(sum(delivery = 'delivered'), 0), coalesce(sum(delivery = "
    "'failed'), 0), coalesce(sum(delivery = 'expired'), 0), coalesce(sum(delivery = 'pending'), "
    "0) FROM outbox WHERE alert_id = ?1";
static const char sql_broadcasts[] =
    "SELECT count(delivery), coalesce(sum(delivery = 'delivered'), 0), coalesce(sum(delivery = "
    "'failed'), 0), coalesce(sum(delivery = 'expired'), 0), coalesce(sum(delivery = 'pending'), "
    "0) FROM outbox WHERE kind = 'broadcast'";
static const char sql_modems[] =
    "SELECT modem, count(*), sum(state = 'delivered'), sum(state = 'failed'), sum(state = "
    "'expired'), sum(state = 'pending') FROM delivery WHERE sent_at >= ?1 GROUP BY modem "
    "ORDER BY modem";
static const char sql_of[] =
    "SELECT coalesce(delivery, ''), (SELECT reason FROM delivery WHERE outbox_id = o.id AND "
    "state IN ('failed', 'expired') ORDER BY part LIMIT 1) FROM outbox o WHERE id = ?1";
static const char sql_stats[] =
    "SELECT modem, state, n FROM metric WHERE name = 'delivery' ORDER BY modem, state";

static const char *status_name(enum db_dlr_status s)
{
    return s == DB_DLR_DELIVERED ? "delivered" : s == DB_DLR_FAILED ? "failed" : "accepted";
}

static int count(db *d, const char *modem, const char *kind, long n)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_count);

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, modem, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, n);
    return dbi_step_done(d, s);
}

static int message_refresh(db *d, int64_t outbox_id)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_message_one);

    if (s == NULL)
        return -1;
    sqlite3_bind_int64(s, 1, outbox_id);
    return dbi_step_done(d, s);
}

/*
 * What a report of status does to a part in state: writes the outcome and the state the part
 * takes ("" none). Returns 1 when the part changes.
 */
static int decide(const char *state, enum db_dlr_status status, const char **outcome,
                  const char **kind)
{
    *kind = "";
    if (status == DB_DLR_ACCEPTED) {
        *outcome = "intermediate";
        return 0;
    }
    if (strcmp(state, "pending") == 0 || strcmp(state, "expired") == 0) {
        *outcome = state[0] == 'p' ? "applied" : "late";
        *kind = status_name(status);
        return 1;
    }
    *outcome = "duplicate";
    return 0;
}

/* Sets part id to the report's outcome. 0 or -1. */
static int part_set(db *d, int64_t id, enum db_dlr_status status, const char *reason, int64_t at)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_part_set);

    if (s == NULL)
        return -1;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_text(s, 2, status_name(status), -1, SQLITE_STATIC);
    dbi_bind_text(s, 3, status == DB_DLR_DELIVERED ? NULL : reason);
    sqlite3_bind_int64(s, 4, at);
    return dbi_step_done(d, s);
}

struct sent_args {
    int64_t outbox_id, now;
    int part;
    const char *transport, *modem, *ref;
};

static int sent_tx(db *d, void *arg)
{
    struct sent_args *a = arg;
    sqlite3_stmt *s = dbi_stmt(d, sql_part_put);
    int64_t id = 0, orphan[8], at[8];
    int status[8], n = 0, i, rc;
    char reason[8][160];
    const char *state = "pending";

    if (s == NULL)
        return -1;
    sqlite3_bind_int64(s, 1, a->outbox_id);
    sqlite3_bind_int(s, 2, a->part);
    sqlite3_bind_text(s, 3, a->transport, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, a->modem, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, a->ref, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 6, a->now);
    if ((rc = sqlite3_step(s)) == SQLITE_ROW)
        id = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    if (rc != SQLITE_ROW) {
        dbi_warn(d);
        return -1;
    }
    /* A report that came before this record (Kannel is quick): it answers this part. */
    if ((s = dbi_stmt(d, sql_orphans)) == NULL)
        return -1;
    sqlite3_bind_text(s, 1, a->transport, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, a->modem, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, a->ref, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, a->now - DB_DELIVERY_EARLY);
    while (n < 8 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *st = (const char *)sqlite3_column_text(s, 1);
        orphan[n] = sqlite3_column_int64(s, 0);
        status[n] = strcmp(st, "delivered") == 0 ? DB_DLR_DELIVERED
                    : strcmp(st, "failed") == 0  ? DB_DLR_FAILED
                                                 : DB_DLR_ACCEPTED;
        dbi_col_copy(s, 2, reason[n], sizeof(reason[0]));
        at[n] = sqlite3_column_int64(s, 3);
        n++;
    }
    sqlite3_reset(s);
    for (i = 0; i < n; i++) {
        const char *outcome, *kind;
        int changes = decide(state, (enum db_dlr_status)status[i], &outcome, &kind);
        if (changes) {
            if (part_set(d, id, (enum db_dlr_status)status[i], reason[i], at[i]) < 0)
                return -1;
            state = kind;
        }
        /* Counted now that it found its part, as it would have been had it come after. */
        if (count(d, a->modem, changes ? kind : outcome, 1) < 0)
            return -1;
        if ((s = dbi_stmt(d, sql_report_adopt)) == NULL)
            return -1;
        sqlite3_bind_int64(s, 1, orphan[i]);
        sqlite3_bind_int64(s, 2, id);
        sqlite3_bind_text(s, 3, outcome, -1, SQLITE_STATIC);
        if (dbi_step_done(d, s) < 0)
            return -1;
    }
    return message_refresh(d, a->outbox_id);
}

int db_delivery_sent(db *d, int64_t outbox_id, int part, const char *transport, const char *modem,
                     const char *ref, int64_t now)
{
    struct sent_args a = {outbox_id, now, part, transport, modem, ref};

    if (ref == NULL || ref[0] == '\0' || part < 1)
        return -1;
    return dbi_in_tx(d, sent_tx, &a);
}

struct report_args {
    const struct db_dlr *r;
    int64_t now, at;
    const char *outcome;
};

static int report_tx(db *d, void *arg)
{
    struct report_args *a = arg;
    const struct db_dlr *r = a->r;
    sqlite3_stmt *s = dbi_stmt(d, sql_part_find);
    int64_t id = 0, outbox_id = 0;
    char state[16] = "";
    const char *kind = "";
    int rc, changes = 0;

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, r->transport, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, r->modem, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, r->ref, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, a->now - DB_DELIVERY_WINDOW);
    if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        id = sqlite3_column_int64(s, 0);
        dbi_col_copy(s, 1, state, sizeof(state));
        outbox_id = sqlite3_column_int64(s, 2);
    }
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        dbi_warn(d);
        return -1;
    }
    if (id == 0) {
        a->outcome = "waiting"; /* counted when adopted, or as unmatched by the tick */
    } else {
        changes = decide(state, r->status, &a->outcome, &kind);
        if (changes && part_set(d, id, r->status, r->reason, a->at) < 0)
            return -1;
        if (!changes)
            kind = a->outcome;
        else if (strcmp(a->outcome, "late") == 0 && count(d, r->modem, "late", 1) < 0)
            return -1;
    }
    if ((kind[0] && count(d, r->modem, kind, 1) < 0) || (s = dbi_stmt(d, sql_report_put)) == NULL)
        return -1;
    sqlite3_bind_text(s, 1, r->transport, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, r->modem, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, r->ref, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, status_name(r->status), -1, SQLITE_STATIC);
    dbi_bind_text(s, 5, r->reason);
    sqlite3_bind_int64(s, 6, a->at);
    sqlite3_bind_int64(s, 7, a->now);
    if (id)
        sqlite3_bind_int64(s, 8, id);
    sqlite3_bind_text(s, 9, a->outcome, -1, SQLITE_STATIC);
    if (dbi_step_done(d, s) < 0)
        return -1;
    if (changes && message_refresh(d, outbox_id) < 0)
        return -1;
    return changes;
}

int db_delivery_report(db *d, const struct db_dlr *r, int64_t now)
{
    struct report_args a = {r, now, r->at > 0 ? r->at : now, ""};
    int rc;

    if (r->transport == NULL || r->modem == NULL || r->ref == NULL || r->ref[0] == '\0' ||
        (r->status != DB_DLR_DELIVERED && r->status != DB_DLR_FAILED &&
         r->status != DB_DLR_ACCEPTED))
        return -1;
    rc = dbi_in_tx(d, report_tx, &a);
    if (rc >= 0) {
        const char *q = r->reason && r->reason[0] ? "\"" : "";
        if (strcmp(a.outcome, "waiting") == 0)
            log_info("delivery-report transport=%s modem=%s ref=%s status=%s outcome=waiting "
                     "(no part recorded with that reference yet; kept)%s%s%s%s",
                     r->transport, r->modem, r->ref, status_name(r->status), q[0] ? " reason=" : "",
                     q, q[0] ? r->reason : "", q);
        else
            log_info("delivery-report transport=%s modem=%s ref=%s status=%s outcome=%s%s%s%s%s",
                     r->transport, r->modem, r->ref, status_name(r->status), a.outcome,
                     q[0] ? " reason=" : "", q, q[0] ? r->reason : "", q);
    }
    return rc;
}

struct expire_args {
    int64_t cutoff, now;
    int n, unmatched;
};

static int expire_tx(db *d, void *arg)
{
    struct expire_args *a = arg;
    sqlite3_stmt *s = dbi_stmt(d, sql_expire_count);

    if (s == NULL)
        return -1;
    sqlite3_bind_int64(s, 1, a->cutoff);
    if (dbi_step_done(d, s) < 0 || (s = dbi_stmt(d, sql_expire)) == NULL)
        return -1;
    sqlite3_bind_int64(s, 1, a->cutoff);
    sqlite3_bind_int64(s, 2, a->now);
    if (dbi_step_done(d, s) < 0)
        return -1;
    a->n = sqlite3_changes(d->conn);
    if (a->n > 0) {
        if ((s = dbi_stmt(d, sql_message_expired)) == NULL)
            return -1;
        sqlite3_bind_int64(s, 1, a->now);
        if (dbi_step_done(d, s) < 0)
            return -1;
    }
    if ((s = dbi_stmt(d, sql_unmatched_count)) == NULL)
        return -1;
    sqlite3_bind_int64(s, 1, a->now - DB_DELIVERY_EARLY);
    if (dbi_step_done(d, s) < 0 || (s = dbi_stmt(d, sql_unmatched)) == NULL)
        return -1;
    sqlite3_bind_int64(s, 1, a->now - DB_DELIVERY_EARLY);
    if (dbi_step_done(d, s) < 0)
        return -1;
    a->unmatched = sqlite3_changes(d->conn);
    return 0;
}

int db_delivery_expire(db *d, int64_t cutoff, int64_t now, int *unmatched)
{
    struct expire_args a = {cutoff, now, 0, 0};

    if (dbi_in_tx(d, expire_tx, &a) < 0)
        return -1;
    if (unmatched != NULL)
        *unmatched = a.unmatched;
    return a.n;
}

static void counts_from(sqlite3_stmt *s, int first, struct db_delivery_counts *c)
{
    c->asked = (long)sqlite3_column_int64(s, first);
    c->delivered = (long)sqlite3_column_int64(s, first + 1);
    c->failed = (long)sqlite3_column_int64(s, first + 2);
    c->expired = (long)sqlite3_column_int64(s, first + 3);
    c->pending = (long)sqlite3_column_int64(s, first + 4);
}

int db_delivery_alert(db *d, const char *alert_id, struct db_delivery_counts *out)
{
    sqlite3_stmt *s = dbi_stmt(d, alert_id ? sql_alert : sql_broadcasts);
    int rc;

    memset(out, 0, sizeof(*out));
    if (s == NULL)
        return -1;
    if (alert_id)
        sqlite3_bind_text(s, 1, alert_id, -1, SQLITE_STATIC);
    if ((rc = sqlite3_step(s)) == SQLITE_ROW)
        counts_from(s, 0, out);
    sqlite3_reset(s);
    if (rc != SQLITE_ROW) {
        dbi_warn(d);
        return -1;
    }
    return 0;
}

int db_delivery_modems(db *d, int64_t since, db_delivery_modem_cb cb, void *arg)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_modems);
    struct db_delivery_counts c;
    char modem[32];
    int rc, n = 0;

    if (s == NULL)
        return -1;
    sqlite3_bind_int64(s, 1, since);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        dbi_col_copy(s, 0, modem, sizeof(modem));
        counts_from(s, 1, &c);
        n++;
        if (cb(arg, modem, &c) != 0)
            break;
    }
    sqlite3_reset(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? n : -1;
}

int db_delivery_of(db *d, int64_t outbox_id, char *state, size_t statesz, char *reason,
                   size_t reasonsz)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_of);
    int rc;

    state[0] = reason[0] = '\0';
    if (s == NULL)
        return -1;
    sqlite3_bind_int64(s, 1, outbox_id);
    if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        dbi_col_copy(s, 0, state, statesz);
        dbi_col_copy(s, 1, reason, reasonsz);
    }
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return -1;
    return rc == SQLITE_ROW;
}

int db_delivery_stats(db *d, db_delivery_stat_cb cb, void *arg)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_stats);
    char modem[32], kind[16];
    int rc, n = 0;

    if (s == NULL)
        return -1;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        dbi_col_copy(s, 0, modem, sizeof(modem));
        dbi_col_copy(s, 1, kind, sizeof(kind));
        n++;
        if (cb(arg, modem, kind, (long)sqlite3_column_int64(s, 2)) != 0)
            break;
    }
    sqlite3_reset(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? n : -1;
}
