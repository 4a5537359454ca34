#include "db/queue.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "db/alerts.h"
#include "db/internal.h"
#include "util/log.h"
#include "util/utf8.h"

static const char sql_in_insert[] =
    "INSERT INTO inbox(modem, sender, smsc_time, received_at, text, coding, concat_ref, parts, "
    "complete, dedup) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
    "ON CONFLICT(dedup) DO NOTHING";
static const char sql_part_insert[] =
    "INSERT INTO inbox_part(modem, sender, concat_ref, parts, part, smsc_time, received_at, text, "
    "coding, dedup) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
    "ON CONFLICT(dedup) DO NOTHING";
/* The parts of one set waiting to be assembled, in order. A set is (sender, ref, parts). */
static const char sql_part_set[] =
    "SELECT part, text, coding, smsc_time, modem, received_at FROM inbox_part "
    "WHERE sender = ?1 AND concat_ref = ?2 AND parts = ?3 AND assembled = 0 ORDER BY part, id";
static const char sql_part_count[] =
    "SELECT count(DISTINCT part) FROM inbox_part WHERE sender = ?1 AND concat_ref = ?2 "
    "AND parts = ?3 AND assembled = 0";
static const char sql_part_assembled[] =
    "UPDATE inbox_part SET assembled = 1 WHERE sender = ?1 AND concat_ref = ?2 AND parts = ?3 "
    "AND assembled = 0";
/* A part of a set assembled in the last hour arrives late: it joins nothing and is dropped,
 * so one question never gets two answers. (References repeat: the hour bounds the match.) */
static const char sql_part_late[] =
    "UPDATE inbox_part SET assembled = 1 WHERE id = ?4 AND EXISTS (SELECT 1 FROM inbox_part "
    "WHERE sender = ?1 AND concat_ref = ?2 AND parts = ?3 AND assembled = 1 "
    "AND received_at >= ?5 - 3600)";
static const char sql_part_expired[] =
    "SELECT DISTINCT sender, concat_ref, parts FROM inbox_part WHERE assembled = 0 "
    "AND received_at < ?1 LIMIT 64";
/* The claim: the oldest message waiting, taken inside the caller's write transaction, so no two
 * modem threads or workers ever handle one message (the state changes when it is answered, in
 * the same transaction: the metrics' trigger then sees its keyword). */
static const char sql_in_claim[] =
    "UPDATE inbox SET answered_at = ?1 WHERE id = (SELECT id FROM inbox WHERE state = 'received' "
    "ORDER BY id LIMIT 1) RETURNING id, modem, sender, text, parts, complete, received_at, coding";
static const char sql_in_by_dedup[] = "SELECT id FROM inbox WHERE dedup = ?1";
static const char sql_in_reply_text[] =
    "SELECT text FROM outbox WHERE inbox_id = ?1 ORDER BY id LIMIT 1";
static const char sql_in_redact[] = "UPDATE inbox SET text = ?2 WHERE id = ?1";
static const char sql_in_reason[] = "UPDATE inbox SET reason = ?2 WHERE id = ?1";
/* The parts a masked message was assembled from go blank: the PIN may sit in any of them, and
 * the message itself keeps the masked whole. (References repeat: an older set of the same
 * sender and reference goes blank too, which loses nothing anyone reads.) */
static const char sql_part_redact[] =
    "UPDATE inbox_part SET text = '' WHERE assembled = 1 AND (sender, concat_ref, parts) IN "
    "(SELECT sender, concat_ref, parts FROM inbox WHERE id = ?1 AND parts > 1) "
    "AND received_at <= (SELECT received_at FROM inbox WHERE id = ?1)";
static const char sql_in_answered[] =
    "UPDATE inbox SET state = ?2, lang = ?3, intent = ?4, answered_at = ?5 WHERE id = ?1 "
    "AND state = 'received'";
/* A reply that went out through the door the question came in by (Kannel's get-url body). */
/* A message to send (?9 NULL: queued for the modems), or one that already went through the door
 * its question came in by (?9 names it: Kannel's get-url body). */
static const char sql_out_insert[] =
    "INSERT INTO outbox(inbox_id, recipient, text, coding, parts, priority, next_attempt_at, "
    "concat_ref, created_at, kind, modem, state, attempts, sent_at) VALUES (?1, ?2, ?3, ?4, ?5, "
    "?6, ?7, (SELECT coalesce(max(id), 0) + 1 FROM outbox) % 256, ?7, ?8, ?9, "
    "CASE WHEN ?9 IS NULL THEN 'queued' ELSE 'sent' END, ?9 IS NOT NULL, "
    "CASE WHEN ?9 IS NULL THEN NULL ELSE ?7 END)";
static const char sql_out_claim[] =
    "UPDATE outbox SET state = 'sending', modem = ?1 WHERE id = (SELECT o.id FROM outbox o "
    "WHERE o.state = 'queued' AND o.next_attempt_at <= ?2 AND (o.expires_at IS NULL OR "
    "o.expires_at > ?2) AND (?3 OR o.kind != 'broadcast') AND (o.kind = 'stop' OR NOT EXISTS "
    "(SELECT 1 FROM subscriber u WHERE u.number = o.recipient AND u.stopped = 1)) "
    "ORDER BY o.priority, o.next_attempt_at, o.id LIMIT 1) RETURNING id, recipient, text, coding, "
    "parts, parts_sent, concat_ref, attempts, "
    "priority, coalesce(inbox_id, 0), "
    "coalesce((SELECT received_at FROM inbox WHERE inbox.id = outbox.inbox_id), 0)";
static const char sql_out_part_sent[] = "UPDATE outbox SET parts_sent = ?2 WHERE id = ?1";
static const char sql_out_sent[] = "UPDATE outbox SET state = 'sent', sent_at = ?2, "
                                   "attempts = attempts + 1, last_error = NULL WHERE id = ?1";
static const char sql_out_retry[] =
    "UPDATE outbox SET attempts = attempts + 1, last_error = ?2, "
    "state = CASE WHEN attempts + 1 >= ?4 THEN 'failed' ELSE 'queued' END, "
    "next_attempt_at = ?3 + min(?5, 1 << min(attempts + 1, 30)) WHERE id = ?1 "
    "RETURNING state";
static const char sql_out_release[] =
    "UPDATE outbox SET state = 'queued', modem = NULL WHERE id = ?1 AND state = 'sending'";
static const char sql_out_recover[] = "UPDATE outbox SET state = 'queued' WHERE state = 'sending'";
static const char sql_out_depth[] =
    "SELECT count(*) FROM outbox WHERE state IN ('queued', 'sending')";
static const char sql_modem_put[] =
    "INSERT INTO modem_status(name, state, signal, network, detail, updated_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(name) DO UPDATE SET state = excluded.state, "
    "signal = excluded.signal, network = excluded.network, detail = excluded.detail, "
    "updated_at = excluded.updated_at";
static const char sql_modem_reports[] =
    "SELECT m.name, m.state, coalesce(m.signal, -1), coalesce(m.network, ''), "
    "coalesce(m.detail, ''), m.updated_at, "
    "CASE WHEN ?1 < 0 THEN 0 ELSE (SELECT count(*) FROM outbox o WHERE o.modem = m.name "
    " AND o.state = 'sent' AND o.sent_at >= ?1) END, "
    "CASE WHEN ?1 < 0 THEN 0 ELSE (SELECT count(*) FROM outbox o WHERE o.modem = m.name "
    " AND o.state = 'failed' AND o.next_attempt_at >= ?1) END, "
    "(SELECT count(*) FROM outbox WHERE state IN ('queued', 'sending')), "
    "coalesce(m.balance, -1), coalesce(m.paused, ''), m.maybe_twice FROM modem_status m "
    "ORDER BY m.name";
static const char sql_modem_twice[] =
    "UPDATE modem_status SET maybe_twice = maybe_twice + 1 WHERE name = ?1";
/* Both ways, each bounded below by its window (?5 > 0: the newest ?5 rows, a rowid range), then
 * filtered; a NULL filter passes everything. */
static const char sql_log[] =
    "SELECT * FROM ("
    " SELECT 'in', id, received_at, sender, state, text, coding, parts, coalesce(lang, ''), "
    " coalesce(intent, ''), 0, '', modem, '', 0, '' FROM inbox WHERE id > CASE WHEN ?5 > 0 THEN "
    " (SELECT coalesce(max(id), 0) FROM inbox) - ?5 ELSE 0 END AND (?1 IS NULL OR state = ?1) "
    " AND (?2 IS NULL OR intent = ?2) AND (?3 IS NULL OR lang = ?3) AND (?4 IS NULL OR modem = ?4)"
    " UNION ALL SELECT 'out', o.id, coalesce(o.sent_at, o.created_at), o.recipient, o.state, "
    " o.text, o.coding, o.parts, coalesce(i.lang, ''), coalesce(i.intent, "
    " CASE WHEN o.kind = 'reply' THEN '' ELSE o.kind END), o.attempts, "
    " coalesce(o.last_error, ''), coalesce(o.modem, ''), o.kind, coalesce(o.inbox_id, 0), "
    " coalesce(o.delivery, '') "
    " FROM outbox o LEFT JOIN inbox i ON "
    " i.id = o.inbox_id WHERE o.id > CASE WHEN ?5 > 0 THEN (SELECT coalesce(max(id), 0) FROM "
    " outbox) - ?5 ELSE 0 END AND (?1 IS NULL OR o.state = ?1) AND (?2 IS NULL OR "
    " coalesce(i.intent, o.kind) = ?2) AND (?3 IS NULL OR i.lang = ?3) AND (?4 IS NULL OR "
    " o.modem = ?4)"
    ") ORDER BY 3 DESC, 2 DESC LIMIT ?6";
/* The reply to the first message from a sender after an id; a message the gateway chose not to
 * answer gives state 'ignored' and no text. */
static const char sql_reply_for[] =
    "SELECT 'out', coalesce(o.id, 0), coalesce(o.sent_at, o.created_at, i.answered_at, 0), "
    "i.sender, coalesce(o.state, i.state), coalesce(o.text, ''), coalesce(o.coding, ''), "
    "coalesce(o.parts, 0), coalesce(i.lang, ''), coalesce(i.intent, ''), coalesce(o.attempts, 0), "
    "coalesce(o.last_error, ''), coalesce(o.modem, ''), coalesce(i.reason, '') FROM inbox i "
    "LEFT JOIN outbox o ON "
    "o.inbox_id = i.id WHERE i.sender = ?1 AND i.id > ?2 AND i.state != 'received' "
    "ORDER BY i.id, o.id LIMIT 1";
static const char sql_in_last[] = "SELECT coalesce(max(id), 0) FROM inbox WHERE sender = ?1";

/* The counters migration 008 keeps by triggers: a few rows, whatever the size of the queue. */
static const char sql_stats_inbox[] =
    "SELECT modem, keyword, state, n FROM metric WHERE name = 'in'";
static const char sql_stats_outbox[] =
    "SELECT modem, keyword, CASE name WHEN 'out' THEN state ELSE 'attempts-failed' END, n "
    "FROM metric WHERE name IN ('out', 'attempt_failed')";
static const char sql_latency[] = "SELECT seconds, n FROM reply_latency ORDER BY seconds";
static const char sql_latency_sum[] =
    "SELECT coalesce(sum(n), 0) FROM metric WHERE name = 'reply_seconds'";

const int db_latency_bounds[DB_LATENCY_BUCKETS] = {1, 5, 10, 30, 60, 300, 3600};

/* A dedup key holds the whole sender: cut, two long numbers would be one. */
#define DEDUP_MAX (DB_NUMBER_MAX + 96)

/* FNV-1a 64 of the text, so the dedup key stays short whatever the message. */
static unsigned long long text_hash(const char *s)
{
    unsigned long long h = 1469598103934665603ULL;

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

int db_text_mask(const char *text, char *out, size_t outsz)
{
    const char *p = text, *w;
    size_t n;

    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    if (strncasecmp(p, "ALERT", 5) != 0) {
        snprintf(out, outsz, "%s", text);
        return 0;
    }
    /* ALERT, and the words that begin so (ALERTS, a typo, another language's ALERTA). */
    while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
        p++;
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    if (*p == '\0') {
        snprintf(out, outsz, "%s", text);
        return 0;
    }
    for (w = p; *w && *w != ' ' && *w != '\t' && *w != '\n' && *w != '\r'; w++)
        ;
    n = (size_t)(p - text);
    snprintf(out, outsz, "%.*s****%s", (int)n, text, w);
    return 1;
}

/* The text is hashed as it may be kept: a hash of the PIN's message would give the PIN away to
 * anyone trying its 10,000 values against the rest of the (stored) text. */
static void dedup_key(const struct db_in_sms *m, const char *text, char *out, size_t outsz)
{
    char masked[DB_TEXT_MAX];

    db_text_mask(text, masked, sizeof(masked));
    snprintf(out, outsz, "%s|%lld|%d|%d|%d|%016llx", m->sender, (long long)m->smsc_time,
             m->concat_ref, m->parts, m->part, text_hash(masked));
}

static int in_insert(db *d, const struct db_in_sms *m, const char *text, const char *dedup,
                     int complete)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_in_insert);

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, m->modem, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, m->sender, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, m->smsc_time);
    sqlite3_bind_int64(s, 4, m->received_at);
    /* What a reader of the row can hold, cut where a character ends. */
    sqlite3_bind_text(s, 5, text, (int)utf8_prefix(text, DB_TEXT_MAX - 1), SQLITE_STATIC);
    sqlite3_bind_text(s, 6, m->coding, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 7, m->concat_ref);
    sqlite3_bind_int(s, 8, m->parts);
    sqlite3_bind_int(s, 9, complete);
    sqlite3_bind_text(s, 10, dedup, -1, SQLITE_STATIC);
    if (dbi_step_done(d, s) < 0)
        return -1;
    return sqlite3_changes(d->conn) > 0;
}

/*
 * Joins the waiting parts of a set into one inbox message, in part order; a missing part is
 * simply absent (complete = 0). Marks the parts assembled. Returns 1, or -1.
 */
static int assemble(db *d, const char *sender, int ref, int parts, int complete)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_part_set);
    struct db_in_sms m;
    char text[DB_TEXT_MAX], coding[8] = "gsm7", modem[32] = "", dedup[DEDUP_MAX];
    size_t len = 0;
    int last = 0, rc;

    if (s == NULL)
        return -1;
    memset(&m, 0, sizeof(m));
    text[0] = '\0';
    sqlite3_bind_text(s, 1, sender, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 2, ref);
    sqlite3_bind_int(s, 3, parts);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int part = sqlite3_column_int(s, 0);
        const char *t = (const char *)sqlite3_column_text(s, 1);
        if (part == last)
            continue; /* the same part twice, differently timed: keep the first */
        last = part;
        if (strcmp((const char *)sqlite3_column_text(s, 2), "gsm7") != 0)
            dbi_col_copy(s, 2, coding, sizeof(coding));
        if (m.smsc_time == 0 || sqlite3_column_int64(s, 3) < m.smsc_time)
            m.smsc_time = sqlite3_column_int64(s, 3);
        if (sqlite3_column_int64(s, 5) > m.received_at)
            m.received_at = sqlite3_column_int64(s, 5);
        if (modem[0] == '\0')
            dbi_col_copy(s, 4, modem, sizeof(modem));
        if (t != NULL) {
            /* Parts past the room are cut where a character ends, never inside one. */
            size_t n = utf8_prefix(t, sizeof(text) - 1 - len);
            memcpy(text + len, t, n);
            len += n;
            text[len] = '\0';
        }
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
        log_warnx("database: assembling a concatenated SMS: %s", sqlite3_errmsg(d->conn));
        return -1;
    }
    m.modem = modem;
    m.sender = sender;
    m.coding = coding;
    m.concat_ref = ref;
    m.parts = parts;
    m.part = 0;
    dedup_key(&m, text, dedup, sizeof(dedup));
    if (in_insert(d, &m, text, dedup, complete) < 0)
        return -1;
    if ((s = dbi_stmt(d, sql_part_assembled)) == NULL)
        return -1;
    sqlite3_bind_text(s, 1, sender, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 2, ref);
    sqlite3_bind_int(s, 3, parts);
    return dbi_step_done(d, s) < 0 ? -1 : 1;
}

static int store_tx(db *d, void *arg)
{
    const struct db_in_sms *m = arg;
    char dedup[DEDUP_MAX];
    sqlite3_stmt *s;
    int have = 0, rc;

    dedup_key(m, m->text, dedup, sizeof(dedup));
    if (m->parts <= 1 || m->concat_ref < 0)
        return in_insert(d, m, m->text, dedup, 1);
    if ((s = dbi_stmt(d, sql_part_insert)) == NULL)
        return -1;
    sqlite3_bind_text(s, 1, m->modem, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, m->sender, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 3, m->concat_ref);
    sqlite3_bind_int(s, 4, m->parts);
    sqlite3_bind_int(s, 5, m->part);
    sqlite3_bind_int64(s, 6, m->smsc_time);
    sqlite3_bind_int64(s, 7, m->received_at);
    sqlite3_bind_text(s, 8, m->text, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 9, m->coding, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 10, dedup, -1, SQLITE_STATIC);
    if (dbi_step_done(d, s) < 0)
        return -1;
    if (sqlite3_changes(d->conn) == 0)
        return 0; /* read before: already stored, maybe already assembled */
    if ((s = dbi_stmt(d, sql_part_late)) == NULL)
        return -1;
    sqlite3_bind_text(s, 1, m->sender, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, m->concat_ref);
    sqlite3_bind_int(s, 3, m->parts);
    sqlite3_bind_int64(s, 4, sqlite3_last_insert_rowid(d->conn));
    sqlite3_bind_int64(s, 5, m->received_at);
    if (dbi_step_done(d, s) < 0)
        return -1;
    if (sqlite3_changes(d->conn) > 0)
        return 0;
    if ((s = dbi_stmt(d, sql_part_count)) == NULL)
        return -1;
    sqlite3_bind_text(s, 1, m->sender, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, m->concat_ref);
    sqlite3_bind_int(s, 3, m->parts);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        have = sqlite3_column_int(s, 0);
    sqlite3_reset(s);
    if (rc != SQLITE_ROW)
        return -1;
    if (have >= m->parts && assemble(d, m->sender, m->concat_ref, m->parts, 1) < 0)
        return -1;
    return 1;
}

int db_inbox_store(db *d, const struct db_in_sms *m)
{
    return dbi_in_tx(d, store_tx, (void *)m);
}

struct expire_arg {
    int64_t cutoff;
    int n;
};

static int expire_tx(db *d, void *arg)
{
    struct expire_arg *x = arg;
    sqlite3_stmt *s = dbi_stmt(d, sql_part_expired);
    char sender[64][DB_NUMBER_MAX];
    int ref[64], parts[64], n = 0, i;

    if (s == NULL)
        return -1;
    sqlite3_bind_int64(s, 1, x->cutoff);
    while (n < 64 && sqlite3_step(s) == SQLITE_ROW) {
        dbi_col_copy(s, 0, sender[n], sizeof(sender[n]));
        ref[n] = sqlite3_column_int(s, 1);
        parts[n] = sqlite3_column_int(s, 2);
        n++;
    }
    sqlite3_reset(s);
    for (i = 0; i < n; i++)
        if (assemble(d, sender[i], ref[i], parts[i], 0) < 0)
            return -1;
    x->n = n;
    return n;
}

int db_inbox_expire(db *d, int64_t cutoff, int64_t now)
{
    struct expire_arg x = {cutoff, 0};

    (void)now;
    return dbi_in_tx(d, expire_tx, &x);
}

static void row_read(sqlite3_stmt *s, struct db_inbox_row *out)
{
    out->id = sqlite3_column_int64(s, 0);
    dbi_col_copy(s, 1, out->modem, sizeof(out->modem));
    dbi_col_copy(s, 2, out->sender, sizeof(out->sender));
    dbi_col_copy(s, 3, out->text, sizeof(out->text));
    out->parts = sqlite3_column_int(s, 4);
    out->complete = sqlite3_column_int(s, 5);
    out->received_at = sqlite3_column_int64(s, 6);
    dbi_col_copy(s, 7, out->coding, sizeof(out->coding));
}

int db_inbox_claim(db *d, int64_t now, struct db_inbox_row *out)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_in_claim);
    int rc, found = 0;

    if (s == NULL)
        return -1;
    sqlite3_bind_int64(s, 1, now);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        row_read(s, out);
        found = 1;
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
        dbi_warn(d);
        return -1;
    }
    return found;
}

int db_inbox_take(db *d, const struct db_in_sms *m, struct db_inbox_row *out)
{
    char key[DEDUP_MAX], dedup[DEDUP_MAX + 40], kept[DB_TEXT_MAX];
    sqlite3_stmt *s;
    size_t n;
    int rc;

    /* Only the masked text is written: the answer reads the PIN from out->text. */
    db_text_mask(m->text, kept, sizeof(kept));
    /* A door's own repeat is a repeat; the same text from the same number in the same second
     * through another door (an SMS, and `ask --from` to see what it got) is another message. */
    memset(out, 0, sizeof(*out));
    if (strlen(m->sender) >= sizeof(out->sender)) {
        log_warnx("database: a sender of %zu bytes refused: more than a number can be",
                  strlen(m->sender));
        return -1; /* a door checks first; never cut it: a cut number is someone else's */
    }
    dedup_key(m, m->text, key, sizeof(key));
    snprintf(dedup, sizeof(dedup), "%s|%s", m->modem, key);
    if ((rc = in_insert(d, m, kept, dedup, 1)) < 0)
        return -1;
    if (rc == 1) {
        out->id = sqlite3_last_insert_rowid(d->conn);
    } else {
        if ((s = dbi_stmt(d, sql_in_by_dedup)) == NULL)
            return -1;
        sqlite3_bind_text(s, 1, dedup, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(s) == SQLITE_ROW)
            out->id = sqlite3_column_int64(s, 0);
        sqlite3_reset(s);
    }
    snprintf(out->modem, sizeof(out->modem), "%s", m->modem);
    snprintf(out->sender, sizeof(out->sender), "%s", m->sender);
    n = utf8_prefix(m->text, sizeof(out->text) - 1); /* as in_insert stored it */
    memcpy(out->text, m->text, n);
    out->text[n] = '\0';
    snprintf(out->coding, sizeof(out->coding), "%s", m->coding ? m->coding : "gsm7");
    out->parts = 1;
    out->complete = 1;
    out->received_at = m->received_at;
    return rc;
}

int db_inbox_reply_text(db *d, int64_t inbox_id, char *out, size_t outsz)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_in_reply_text);
    int rc;

    if (s == NULL)
        return -1;
    out[0] = '\0';
    sqlite3_bind_int64(s, 1, inbox_id);
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

int db_inbox_redact(db *d, int64_t id, const char *text)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_in_redact);

    if (s == NULL)
        return -1;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_text(s, 2, text, -1, SQLITE_STATIC);
    if (dbi_step_done(d, s) < 0 || (s = dbi_stmt(d, sql_part_redact)) == NULL)
        return -1;
    sqlite3_bind_int64(s, 1, id);
    return dbi_step_done(d, s);
}

static int out_insert(db *d, int64_t inbox_id, const struct db_out_sms *m, const char *through,
                      int64_t now, int64_t *out_id)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_out_insert);

    if (s == NULL)
        return -1;
    if (inbox_id > 0)
        sqlite3_bind_int64(s, 1, inbox_id);
    sqlite3_bind_text(s, 2, m->recipient, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, m->text, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, m->coding, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 5, m->parts);
    sqlite3_bind_int(s, 6, m->priority);
    sqlite3_bind_int64(s, 7, now);
    sqlite3_bind_text(s, 8, m->kind ? m->kind : "reply", -1, SQLITE_STATIC);
    dbi_bind_text(s, 9, through);
    if (dbi_step_done(d, s) < 0)
        return -1;
    if (out_id != NULL)
        *out_id = sqlite3_last_insert_rowid(d->conn);
    return 0;
}

int db_inbox_finish(db *d, int64_t inbox_id, int answered, const char *lang, const char *intent,
                    int64_t now)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_in_answered);

    if (s == NULL)
        return -1;
    sqlite3_bind_int64(s, 1, inbox_id);
    sqlite3_bind_text(s, 2, answered ? "answered" : "ignored", -1, SQLITE_STATIC);
    dbi_bind_text(s, 3, lang);
    dbi_bind_text(s, 4, intent);
    sqlite3_bind_int64(s, 5, now);
    if (dbi_step_done(d, s) < 0)
        return -1;
    return sqlite3_changes(d->conn) > 0;
}

int db_inbox_reason(db *d, int64_t inbox_id, const char *reason)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_in_reason);

    if (s == NULL)
        return -1;
    sqlite3_bind_int64(s, 1, inbox_id);
    dbi_bind_text(s, 2, reason);
    return dbi_step_done(d, s);
}

int db_outbox_reply(db *d, int64_t inbox_id, const struct db_out_sms *m, const char *through,
                    int64_t now, int64_t *out_id)
{
    return out_insert(d, inbox_id, m, through, now, out_id);
}

int db_outbox_add(db *d, const struct db_out_sms *m, int64_t now, int64_t *out_id)
{
    return out_insert(d, 0, m, NULL, now, out_id);
}

int db_outbox_claim(db *d, const char *modem, int64_t now, int broadcasts,
                    struct db_outbox_row *out)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_out_claim);
    int rc;

    if (s == NULL)
        return -1;
    out->id = 0;
    sqlite3_bind_text(s, 1, modem, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, now);
    sqlite3_bind_int(s, 3, broadcasts);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        out->id = sqlite3_column_int64(s, 0);
        dbi_col_copy(s, 1, out->recipient, sizeof(out->recipient));
        dbi_col_copy(s, 2, out->text, sizeof(out->text));
        dbi_col_copy(s, 3, out->coding, sizeof(out->coding));
        out->parts = sqlite3_column_int(s, 4);
        out->parts_sent = (unsigned)sqlite3_column_int64(s, 5);
        out->concat_ref = sqlite3_column_int(s, 6);
        out->attempts = sqlite3_column_int(s, 7);
        out->priority = sqlite3_column_int(s, 8);
        out->inbox_id = sqlite3_column_int64(s, 9);
        out->received_at = sqlite3_column_int64(s, 10);
    }
    /* Step to the end so the UPDATE completes (RETURNING yields before it is done). */
    while (rc == SQLITE_ROW)
        rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
        log_warnx("database: claiming a message: %s", sqlite3_errmsg(d->conn));
        dbi_full_checkpoint(d, rc);
        return -1;
    }
    return out->id > 0;
}

int db_outbox_part_sent(db *d, int64_t id, unsigned parts_sent)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_out_part_sent);

    if (s == NULL)
        return -1;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, parts_sent);
    return dbi_step_done(d, s);
}

int db_outbox_done(db *d, int64_t id, const char *error, int64_t now, int max_attempts,
                   int max_backoff)
{
    sqlite3_stmt *s;
    int rc, failed = 0;

    if (error == NULL) {
        if ((s = dbi_stmt(d, sql_out_sent)) == NULL)
            return -1;
        sqlite3_bind_int64(s, 1, id);
        sqlite3_bind_int64(s, 2, now);
        return dbi_step_done(d, s);
    }
    if ((s = dbi_stmt(d, sql_out_retry)) == NULL)
        return -1;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_text(s, 2, error, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, now);
    sqlite3_bind_int(s, 4, max_attempts);
    sqlite3_bind_int(s, 5, max_backoff);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        failed = strcmp((const char *)sqlite3_column_text(s, 0), "failed") == 0;
    while (rc == SQLITE_ROW)
        rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
        dbi_warn(d);
        return -1;
    }
    return failed;
}

int db_outbox_release(db *d, int64_t id)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_out_release);

    if (s == NULL)
        return -1;
    sqlite3_bind_int64(s, 1, id);
    return dbi_step_done(d, s);
}

int db_outbox_recover(db *d)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_out_recover);

    if (s == NULL || dbi_step_done(d, s) < 0)
        return -1;
    return sqlite3_changes(d->conn);
}

int db_outbox_depth(db *d)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_out_depth);
    int n = -1;

    if (s == NULL)
        return -1;
    if (sqlite3_step(s) == SQLITE_ROW)
        n = sqlite3_column_int(s, 0);
    sqlite3_reset(s);
    return n;
}

int db_modem_status_put(db *d, const struct db_modem_status *m)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_modem_put);

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, m->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, m->state, -1, SQLITE_STATIC);
    if (m->signal >= 0)
        sqlite3_bind_int(s, 3, m->signal);
    dbi_bind_text(s, 4, m->network);
    dbi_bind_text(s, 5, m->detail);
    sqlite3_bind_int64(s, 6, m->updated_at);
    return dbi_step_done(d, s);
}

int db_modem_maybe_twice(db *d, const char *modem)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_modem_twice);

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, modem, -1, SQLITE_STATIC);
    return dbi_step_done(d, s);
}

int db_modem_reports(db *d, int64_t day_start, db_modem_report_cb cb, void *arg)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_modem_reports);
    struct db_modem_report r;
    int rc, n = 0;

    if (s == NULL)
        return -1;
    sqlite3_bind_int64(s, 1, day_start);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        memset(&r, 0, sizeof(r));
        dbi_col_copy(s, 0, r.name, sizeof(r.name));
        dbi_col_copy(s, 1, r.state, sizeof(r.state));
        r.signal = sqlite3_column_int(s, 2);
        dbi_col_copy(s, 3, r.network, sizeof(r.network));
        dbi_col_copy(s, 4, r.detail, sizeof(r.detail));
        r.updated_at = sqlite3_column_int64(s, 5);
        r.sent_today = sqlite3_column_int64(s, 6);
        r.failed_today = sqlite3_column_int64(s, 7);
        r.queued = sqlite3_column_int64(s, 8);
        r.balance = sqlite3_column_double(s, 9);
        dbi_col_copy(s, 10, r.paused, sizeof(r.paused));
        r.maybe_twice = sqlite3_column_int64(s, 11);
        n++;
        if (cb(arg, &r) != 0)
            break;
    }
    sqlite3_reset(s);
    return n;
}

static void log_row(sqlite3_stmt *s, struct db_log_row *r)
{
    memset(r, 0, sizeof(*r));
    dbi_col_copy(s, 0, r->dir, sizeof(r->dir));
    r->id = sqlite3_column_int64(s, 1);
    r->at = sqlite3_column_int64(s, 2);
    dbi_col_copy(s, 3, r->number, sizeof(r->number));
    dbi_col_copy(s, 4, r->state, sizeof(r->state));
    dbi_col_copy(s, 5, r->text, sizeof(r->text));
    dbi_col_copy(s, 6, r->coding, sizeof(r->coding));
    r->parts = sqlite3_column_int(s, 7);
    dbi_col_copy(s, 8, r->lang, sizeof(r->lang));
    dbi_col_copy(s, 9, r->intent, sizeof(r->intent));
    r->attempts = sqlite3_column_int(s, 10);
    dbi_col_copy(s, 11, r->error, sizeof(r->error));
    dbi_col_copy(s, 12, r->modem, sizeof(r->modem));
}

int db_log_query(db *d, const struct db_log_filter *f, int limit, db_log_cb cb, void *arg)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_log);
    struct db_log_row r;
    int rc, n = 0;

    if (s == NULL)
        return -1;
    if (f != NULL) {
        dbi_bind_text(s, 1, f->state); /* "" binds NULL: any */
        dbi_bind_text(s, 2, f->keyword);
        dbi_bind_text(s, 3, f->lang);
        dbi_bind_text(s, 4, f->door);
        sqlite3_bind_int(s, 5, f->window);
    } else {
        sqlite3_bind_int(s, 5, 0);
    }
    sqlite3_bind_int(s, 6, limit);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        log_row(s, &r);
        dbi_col_copy(s, 13, r.kind, sizeof(r.kind));
        r.answers = sqlite3_column_int64(s, 14);
        dbi_col_copy(s, 15, r.delivery, sizeof(r.delivery));
        n++;
        if (cb(arg, &r) != 0)
            break;
    }
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        dbi_warn(d);
        return -1;
    }
    return n;
}

int db_log_each(db *d, int limit, db_log_cb cb, void *arg)
{
    return db_log_query(d, NULL, limit, cb, arg);
}

int64_t db_inbox_last_id(db *d, const char *sender)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_in_last);
    int64_t id = 0;

    if (s == NULL)
        return 0;
    sqlite3_bind_text(s, 1, sender, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW)
        id = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return id;
}

int db_reply_for(db *d, const char *sender, int64_t after_id, struct db_log_row *out)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_reply_for);
    int rc;

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, sender, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, after_id);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        log_row(s, out);
        dbi_col_copy(s, 13, out->reason, sizeof(out->reason));
    }
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return -1;
    return rc == SQLITE_ROW;
}

static int stats_each(db *d, const char *sql, db_stat_cb cb, void *arg)
{
    sqlite3_stmt *s = dbi_stmt(d, sql);
    int n = 0, rc;

    if (s == NULL)
        return -1;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *modem = (const char *)sqlite3_column_text(s, 0);
        const char *keyword = (const char *)sqlite3_column_text(s, 1);
        const char *what = (const char *)sqlite3_column_text(s, 2);
        n++;
        if (cb(arg, modem ? modem : "", keyword ? keyword : "", what ? what : "",
               (long)sqlite3_column_int64(s, 3)) != 0)
            break;
    }
    sqlite3_reset(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? n : -1;
}

int db_stats_inbox(db *d, db_stat_cb cb, void *arg)
{
    return stats_each(d, sql_stats_inbox, cb, arg);
}

int db_stats_outbox(db *d, db_stat_cb cb, void *arg)
{
    return stats_each(d, sql_stats_outbox, cb, arg);
}

int db_reply_latency(db *d, long counts[DB_LATENCY_BUCKETS], long *total, long *sum_s)
{
    sqlite3_stmt *s = dbi_stmt(d, sql_latency);
    int i, rc;

    if (s == NULL)
        return -1;
    memset(counts, 0, sizeof(long) * DB_LATENCY_BUCKETS);
    *total = 0;
    /* Per-second counts, summed into the cumulative buckets Prometheus expects. */
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t sec = sqlite3_column_int64(s, 0);
        long n = (long)sqlite3_column_int64(s, 1);
        for (i = 0; i < DB_LATENCY_BUCKETS; i++)
            if (sec <= db_latency_bounds[i])
                counts[i] += n;
        *total += n;
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE || (s = dbi_stmt(d, sql_latency_sum)) == NULL)
        return -1;
    rc = sqlite3_step(s);
    *sum_s = rc == SQLITE_ROW ? (long)sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? 0 : -1;
}
