/*
 * alerts.h: subscriptions, consent and broadcasts, in the database.
 *
 * Topics are strings: "country:PH", "corridor:US-MX", "topic:scams" (a topic named in content
 * files). A number's consent changes (JOIN, LEAVE, STOP, START) are applied by
 * db_consent_apply() inside the transaction that answers the message that asked for them (see
 * db_inbox_answer), and each is logged with its time and that message.
 *
 * An alert is queued by db_alert_queue() in one transaction: the alert row (its id is unique: a
 * second queueing of the same id does nothing), its texts, and one outbox row a recipient, in
 * the recipient's language or the alert's default. From then on the outbox does the rest: the
 * claim skips numbers that said STOP, alerts not yet valid or expired, and broadcasts during
 * quiet hours. Returns follow db.h.
 */
#ifndef RL_DB_ALERTS_H
#define RL_DB_ALERTS_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

#define DB_TOPIC_MAX 48

struct db_consent {
    const char *number;
    const char *action; /* "join", "leave", "stop", "start" */
    const char *topic;  /* join and leave */
    const char *lang;   /* the language the number wrote in */
    const char *text;   /* the message that said it */
    int64_t inbox_id;   /* 0 when it came from elsewhere */
    int64_t at;
};
/* Applies and logs one consent change. Must run inside a transaction. Returns 1 if it changed
 * something (a LEAVE of a topic never joined changes nothing), 0, or -1. */
int db_consent_apply(db *d, const struct db_consent *c);

/* 1 if number said STOP (and not START since), 0 if not, -1. */
int db_subscriber_stopped(db *d, const char *number);
/* The number's topics, space-separated, into out. Returns how many. */
int db_subscriptions(db *d, const char *number, char *out, size_t outsz);
/* Whether number follows topic: 1, 0, -1. */
int db_subscribed(db *d, const char *number, const char *topic);
/* How many numbers, not stopped, follow any of the topics. */
long db_audience(db *d, const char *const *topics, int ntopics);

int db_alert_topic_put(db *d, int64_t file_id, const char *key, const char *lang,
                       const char *folded);
/* The key of the named topic whose word is folded: 1 and key, 0, -1. */
int db_alert_topic_find(db *d, const char *folded, char *key, size_t keysz);

struct db_alert_text {
    const char *lang, *text, *coding;
    int parts;
};
struct db_alert {
    const char *id;
    const char *origin; /* "file:PATH", "cli", "sms" */
    const char *const *topics;
    int ntopics;
    int priority; /* 0 urgent .. 9; all after replies */
    int64_t valid_from, valid_until;
    const struct db_alert_text *texts;
    int ntexts;
    const char *default_lang; /* the text for recipients whose language has none */
};
/* Queues the alert for every follower of its topics. Returns 1 and *recipients when queued, 0
 * if an alert with this id was queued before (nothing changes), -1. */
int db_alert_queue(db *d, const struct db_alert *a, int64_t now, long *recipients);

struct db_alert_stats {
    char id[64];
    char topics[256];
    long recipients, sent, failed, remaining;
    long parts_total; /* SMS parts of all its messages */
    long parts_left;  /* parts of those still to send */
    int64_t created_at, valid_until;
};
/* The alert id, or the newest when id is NULL: 1 and *out, 0 unknown, -1. */
int db_alert_stats(db *d, const char *id, struct db_alert_stats *out);
typedef int (*db_alert_stats_cb)(void *arg, const struct db_alert_stats *st);
/* The newest limit alerts (at most 100), newest first, each as db_alert_stats gives it: how
 * many, or -1. */
int db_alerts_each(db *d, int limit, db_alert_stats_cb cb, void *arg);
typedef int (*db_alert_text_cb)(void *arg, const char *lang, const char *text, int parts);
/* Alert id's text in each of its languages, by language: how many, or -1. */
int db_alert_texts_each(db *d, const char *id, db_alert_text_cb cb, void *arg);

/* Queued messages that must never go: to numbers that said STOP (but their STOP confirmation),
 * and alerts past their validity, are set aside as failed with the reason. Returns how many. */
int db_outbox_sweep(db *d, int64_t now);

/* PINs of operators: attempts are recorded (ok: 0 wrong PIN or YES code, 1 right PIN, 2 a lock
 * lifted by the administrator); failures since a time counted, back to the last nonzero ok. */
int db_pin_attempt(db *d, const char *number, int ok, int64_t at);
int db_pin_failures(db *d, const char *number, int64_t since);
/* When number is unlocked, if tries failures within window seconds lock it: 0 if it is not
 * locked at now, else the first second it is not, or -1. */
int64_t db_pin_locked_until(db *d, const char *number, int64_t now, int tries, int window);

/*
 * The alert files the daemon has seen (migration 011): one row a file, by path, with what it
 * was when last read and the alert id it holds ("" when it did not validate). No cap: as many
 * files as the directory holds.
 */
struct db_alert_file {
    char path[4352];
    int64_t mtime, size;
    char digest[17];
    char alert_id[64];
};
/* The row of path: 1 and *out, 0 when the file was never seen (or forgotten), -1. */
int db_alert_file_get(db *d, const char *path, struct db_alert_file *out);
/* Records f as read in the scan at seen_at (adds or replaces its row). 0 or -1. */
int db_alert_file_put(db *d, const struct db_alert_file *f, int64_t seen_at);
/* Marks path found, unchanged, by the scan at seen_at. 0 or -1. */
int db_alert_file_seen(db *d, const char *path, int64_t seen_at);
/* Forgets the files no scan has found since seen_at (deleted or renamed): how many, or -1. */
int db_alert_files_forget(db *d, int64_t seen_at);

struct db_pending_alert {
    char code[8];
    char number[32];
    char topics[256];
    char lang[8];
    char text[1024];
    long recipients;
    int64_t expires_at;
};
/* Keeps p until it expires: 1, or 0 if a pending alert not yet expired holds its code (another
 * code must be drawn: two alerts never share one), or -1. */
int db_alert_pending_put(db *d, const struct db_pending_alert *p, int64_t now);
/* Takes (and deletes) the pending alert with code from number, if not expired: 1, 0, -1. */
int db_alert_pending_take(db *d, const char *number, const char *code, int64_t now,
                          struct db_pending_alert *out);

#endif
