/*
 * queue.h: the durable message queue. The database is the queue: an SMS is committed to the
 * inbox before the modem deletes it, its reply is queued in the same transaction that marks it
 * answered, and every part a modem got through is recorded before the next is tried. A power cut
 * at any instant loses nothing, and a crash repeats nothing a user would notice.
 *
 * The life of a message, in calls:
 *   1. db_inbox_store()      a transport read an SMS or one part of a concatenated SMS; a part
 *                            that completes its set assembles the message in the same commit;
 *   2. db_inbox_expire()     from the periodic tick: sets still incomplete after the timeout are
 *                            assembled as they are;
 *   3. inside one write transaction (db_in_tx), per message, by the gateway's answer service:
 *      db_inbox_claim()      the oldest stored message waiting for an answer, or
 *      db_inbox_take()       a message a door hands over whole (Kannel, USSD, ask), stored now;
 *      db_inbox_finish()     marks it answered or ignored, with its language and keyword;
 *      db_outbox_reply()     its reply: queued for the modems, or recorded as gone through the
 *                            door it came in by;
 *   4. db_outbox_claim()     a modem takes the next message it may send (replies first);
 *      db_outbox_part_sent() after each part the modem accepted;
 *      db_outbox_done()      sent, or failed: retried with backoff, set aside after N tries;
 *   5. db_outbox_recover()   at start-up, messages a crash left half-sent go back to the queue.
 * Returns follow db.h: 0, -1 (logged), or a count; lookups return 1 found, 0 none.
 */
#ifndef RL_DB_QUEUE_H
#define RL_DB_QUEUE_H

#include <stdint.h>

#include "db/db.h"

#define DB_TEXT_MAX 2048 /* an assembled inbound message; longer ones are cut, on a character */
/* A sender or recipient, in bytes with its NUL: more than any network gives (Gammu's 50
 * characters of up to 4 bytes each), so a number is stored whole, never cut; a door refuses a
 * longer one, and the guards decline to answer one longer than E.164 allows (guard.h). */
#define DB_NUMBER_MAX 208

/* One SMS as a transport read it. For a single SMS concat_ref is -1 and parts 1. */
struct db_in_sms {
    const char *modem;
    const char *sender;
    const char *text;   /* UTF-8 */
    const char *coding; /* "gsm7", "ucs2", "8bit" */
    int64_t smsc_time;
    int64_t received_at;
    int concat_ref, parts, part;
};

/*
 * Stores one SMS or part. Returns 1 if it was new, 0 if it had been stored before (the same
 * sender, SMSC time, reference, part and text: a re-read after a crash), -1 on error. Either way
 * the transport may now delete it from the phone.
 */
int db_inbox_store(db *d, const struct db_in_sms *m);

/* Assembles sets with parts older than cutoff, marking them incomplete. Returns how many. */
int db_inbox_expire(db *d, int64_t cutoff, int64_t now);

struct db_inbox_row {
    int64_t id;
    char modem[32];
    char sender[DB_NUMBER_MAX];
    char text[DB_TEXT_MAX];
    char coding[8]; /* as stored: "gsm7", "ucs2", "8bit" (text is then the bytes in hex) */
    int parts, complete;
    int64_t received_at;
};
/*
 * What of text may be kept: a text whose first word begins with ALERT has its second word (an
 * operator's PIN, whoever sent it and through whatever door) replaced by "****". Writes into out;
 * returns 1 if it masked something, 0 if out is text as it was.
 */
int db_text_mask(const char *text, char *out, size_t outsz);
/* Replaces a stored message's text, to mask a secret in it (an operator's PIN), and blanks the
 * parts it was assembled from. */
int db_inbox_redact(db *d, int64_t id, const char *text);

/* Inside a write transaction: takes the oldest message waiting for an answer (no other
 * transaction can take it before this one ends). 1 and *out, 0 if none, -1. */
int db_inbox_claim(db *d, int64_t now, struct db_inbox_row *out);

/* Inside a write transaction: stores m (one whole message) to be answered in this transaction.
 * 1 and *out if it is new; 0 if the same message came through the same door (m->modem) before
 * (out->id is that one's, 0 if it cannot be found), -1. */
int db_inbox_take(db *d, const struct db_in_sms *m, struct db_inbox_row *out);

/* The reply already recorded for inbox message inbox_id: 1 and out, 0 if none, -1. */
int db_inbox_reply_text(db *d, int64_t inbox_id, char *out, size_t outsz);

/* Marks a claimed or taken message answered (answered = 1) or ignored, with the language and
 * keyword of its answer. 1, or 0 if it was not waiting (answered already), or -1. */
int db_inbox_finish(db *d, int64_t inbox_id, int answered, const char *lang, const char *intent,
                    int64_t now);
/* Records why message inbox_id got no answer (a guard's reason, "stopped"), for `remitline
 * phone`; NULL clears it. 0, -1. */
int db_inbox_reason(db *d, int64_t inbox_id, const char *reason);

struct db_out_sms {
    const char *recipient;
    const char *text;
    const char *coding; /* "gsm7" or "ucs2" */
    int parts;
    int priority;     /* DB_PRIORITY_REPLY or DB_PRIORITY_BROADCAST */
    const char *kind; /* "reply" (NULL), "stop" (goes even to a number that said STOP), "notice" */
};
#define DB_PRIORITY_REPLY     0
#define DB_PRIORITY_BROADCAST 10

/* The reply to inbox message inbox_id: queued for the modems (through NULL), or recorded as
 * sent through the door the question came in by (through = "kannel", "ask": the door delivers
 * it itself). *out_id gets its id. 0 or -1. */
int db_outbox_reply(db *d, int64_t inbox_id, const struct db_out_sms *m, const char *through,
                    int64_t now, int64_t *out_id);

/* Queues a message that answers nothing (a broadcast, a notice). */
int db_outbox_add(db *d, const struct db_out_sms *m, int64_t now, int64_t *out_id);

struct db_outbox_row {
    int64_t id;
    char recipient[DB_NUMBER_MAX];
    char text[DB_TEXT_MAX];
    char coding[8];
    int parts;
    unsigned parts_sent; /* bit i: part i+1 went through */
    int concat_ref;      /* 0..255, ours, kept for every retry */
    int attempts;
    int priority;
    int64_t inbox_id;    /* 0 when it answers nothing */
    int64_t received_at; /* of the message it answers, for latency */
};
/*
 * Takes the next queued message due at now for modem: 1 and *out, 0 if none, -1. Never one to
 * a number that said STOP (but its STOP confirmation), an alert outside its validity, or, when
 * broadcasts is 0 (quiet hours), any broadcast.
 */
int db_outbox_claim(db *d, const char *modem, int64_t now, int broadcasts,
                    struct db_outbox_row *out);
int db_outbox_part_sent(db *d, int64_t id, unsigned parts_sent);
/*
 * Ends a send attempt. error NULL: sent. Else the attempt failed: the message goes back to the
 * queue after a backoff of 2^attempts seconds (at most max_backoff), or is set aside as failed
 * once it has been tried max_attempts times. Returns 1 if it was set aside, else 0 (or -1).
 */
int db_outbox_done(db *d, int64_t id, const char *error, int64_t now, int max_attempts,
                   int max_backoff);
/* Gives a claimed message back untouched (the modem, not the message, failed): another modem
 * may take it at once, and the attempt does not count. */
int db_outbox_release(db *d, int64_t id);
/* Puts messages a crash left in state sending back in the queue. Returns how many. */
int db_outbox_recover(db *d);

/* Queue depth: messages queued or being sent. */
int db_outbox_depth(db *d);

struct db_modem_status {
    const char *name, *state, *network, *detail;
    int signal; /* -1 unknown */
    int64_t updated_at;
};
int db_modem_status_put(db *d, const struct db_modem_status *s);
/* Counts a part modem may have sent twice: the link died after the modem took it, before the
 * network's answer, and it goes again. 0 or -1. */
int db_modem_maybe_twice(db *d, const char *modem);

struct db_modem_report {
    char name[32], state[16], network[64], detail[160];
    int signal;
    int64_t updated_at;
    long sent_today, failed_today, queued;
    double balance;   /* airtime; < 0 unknown */
    char paused[120]; /* why broadcasts are paused, "" if not */
    long maybe_twice; /* parts that may have gone out twice (db_modem_maybe_twice) */
};
typedef int (*db_modem_report_cb)(void *arg, const struct db_modem_report *r);
/* Every modem that reported, with its sent and failed counts since day_start (day_start < 0:
 * no counts, for health checks and metrics that have no use for them). */
int db_modem_reports(db *d, int64_t day_start, db_modem_report_cb cb, void *arg);

struct db_log_row {
    char dir[4]; /* "in" or "out" */
    int64_t id;
    int64_t at;
    char number[DB_NUMBER_MAX];
    char state[12];
    char text[DB_TEXT_MAX];
    char coding[8];
    int parts;
    char lang[8], intent[12];
    int attempts;
    char error[160];
    char modem[32];
    char reason[160];  /* db_reply_for only: why the message got no answer, or "" */
    char kind[12];     /* db_log_each, out: reply, stop, broadcast or notice; in: "" */
    int64_t answers;   /* db_log_each, out: the id of the message it answers, or 0 */
    char delivery[12]; /* db_log_each, out: pending, delivered, failed, expired (delivery.h);
                          "" when no report was asked, and for in */
};
typedef int (*db_log_cb)(void *arg, const struct db_log_row *r);
/* The newest limit messages in and out, newest first. */
int db_log_each(db *d, int limit, db_log_cb cb, void *arg);
/*
 * Which messages db_log_query gives: each field NULL or "" for any. A reply carries the language
 * and keyword of the question it answers; a message that answers nothing has its kind
 * ("broadcast", "notice") as its keyword. door is the modem, or "kannel", "ussd", "ask".
 * window > 0 looks only at the newest window messages each way (the console: a page costs the
 * same however large the tables grow); 0 looks at all.
 */
struct db_log_filter {
    const char *state, *keyword, *lang, *door;
    int window;
};
/* The newest limit messages in and out that pass f (NULL: all), newest first: how many, or -1. */
int db_log_query(db *d, const struct db_log_filter *f, int limit, db_log_cb cb, void *arg);

/* Counters for /metrics, kept by triggers (migration 008) as messages change state: they only
 * grow, the purge leaves them alone, and reading them costs a few rows. Callbacks return 0 to
 * go on; the functions return how many rows they gave, or -1. */
typedef int (*db_stat_cb)(void *arg, const char *modem, const char *keyword, const char *what,
                          long count);
/* Inbound messages answered or ignored, by modem (or "kannel", "ussd") and keyword; what is "". */
int db_stats_inbox(db *d, db_stat_cb cb, void *arg);
/* Outbound messages that reached a final state (what = "sent", "failed"), by modem ("" when set
 * aside before any modem took them) and the keyword of the question they answer (else their
 * kind: "broadcast", "notice", "reply"); failed send attempts come by modem with what =
 * "attempts-failed" and keyword "". */
int db_stats_outbox(db *d, db_stat_cb cb, void *arg);
#define DB_LATENCY_BUCKETS 7
/* Bucket bounds in seconds, for the reply latency histogram. */
extern const int db_latency_bounds[DB_LATENCY_BUCKETS];
/* Replies sent: cumulative counts of those sent within each bound of the question's arrival,
 * their total count and the sum of their latencies in seconds. 0 or -1. */
int db_reply_latency(db *d, long counts[DB_LATENCY_BUCKETS], long *total, long *sum_s);

/* The id of the newest message stored from sender (0 if none), and the reply to the first
 * message from sender stored after after_id, once that message is answered: 1 and *out (state
 * tells whether it went out; 'ignored' when the gateway chose silence), 0 if none yet, -1. Used by
 * `remitline phone` to wait for the reply to its own message. */
int64_t db_inbox_last_id(db *d, const char *sender);
int db_reply_for(db *d, const char *sender, int64_t after_id, struct db_log_row *out);

#endif
