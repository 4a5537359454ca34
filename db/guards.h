/*
 * guards.h: the database side of what keeps the gateway honest about cost and privacy: how many
 * answers a number got lately, numbers muted for looping, parts each modem sent today, airtime
 * balances, demand statistics kept without numbers, and the purge of old messages.
 * Returns follow db.h.
 */
#ifndef RL_DB_GUARDS_H
#define RL_DB_GUARDS_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

/* Messages queued to number since t (answers, notices, STOP confirmations; not broadcasts). */
int db_replies_since(db *d, const char *number, int64_t since);
/* Whether a notice (kind 'notice') went to number since t: 1, 0, -1. */
int db_notice_since(db *d, const char *number, int64_t since);

/* 1 if number is muted at now, 0 if not, -1. */
int db_muted(db *d, const char *number, int64_t now);
int db_mute(db *d, const char *number, int64_t until, const char *reason, int64_t now);
/* Lifts number's mute at now (kept, as lifted, so the messages that led to it do not mute it
 * again). 1 if it was muted, 0 if not, -1. */
int db_unmute(db *d, const char *number, int64_t now);
/* Called with a number, when it is answered again, why not before, and since when; nonzero
 * stops the walk. */
typedef int (*db_mute_cb)(void *arg, const char *number, int64_t until, const char *reason,
                          int64_t since);
/* Every number muted at now, soonest freed first. Returns how many, or -1. */
int db_mute_each(db *d, int64_t now, db_mute_cb cb, void *arg);
/* When number is under the reply caps (max_hour answers an hour, max_day a day) again, counting
 * pending answers about to be created at now (the notice that says when): 0 if it is under
 * them at now, else the first second it is, or -1. */
int64_t db_cap_until(db *d, const char *number, int64_t now, int max_hour, int max_day,
                     int pending);
/* Every number at a cap at now (cb's since is now). Returns how many, or -1. */
int db_capped_each(db *d, int64_t now, int max_hour, int max_day, db_mute_cb cb, void *arg);

/* 1 with the end of number's mute and its reason (copied into reason, cut to reasonsz) if it is
 * muted at now, 0 if not, -1. */
int db_mute_get(db *d, const char *number, int64_t now, int64_t *until, char *reason,
                size_t reasonsz);

struct db_recent {
    int64_t id; /* the inbox row */
    int64_t received_at;
    char text[256];
};
/* The newest n messages from number, newest first. Returns how many. */
int db_recent_from(db *d, const char *number, int n, struct db_recent *out);
/* When the last of our answers to number's messages before inbox message inbox_id (replies,
 * notices, STOP confirmations; not broadcasts) went out, at or before at: 0 if none had, -1.
 * The answer to inbox_id itself never counts, however soon it went. */
int64_t db_last_reply_before(db *d, const char *number, int64_t inbox_id, int64_t at);

/* SMS parts modem sent since t. */
long db_parts_sent_since(db *d, const char *modem, int64_t since);
int db_modem_balance_put(db *d, const char *modem, double balance, int64_t at);
int db_modem_paused_put(db *d, const char *modem, const char *reason);

/* Adds one query to the demand statistics of its week (no number is kept). */
int db_demand_count(db *d, int64_t at, const char *keyword, const char *lang, const char *src,
                    const char *dst);
typedef int (*db_demand_cb)(void *arg, const char *week, const char *keyword, const char *lang,
                            const char *src, const char *dst, long queries);
/* Every row from week since_week on ("" for all), in order. Returns how many. */
int db_demand_each(db *d, const char *since_week, db_demand_cb cb, void *arg);

/* What db_demand_sum adds up queries by. */
enum db_demand_by {
    DB_DEMAND_CORRIDOR,     /* key "US-PH" (queries that named no corridor left out) */
    DB_DEMAND_LANG,         /* key the language */
    DB_DEMAND_KEYWORD,      /* key the keyword */
    DB_DEMAND_KEYWORD_WEEK, /* key the keyword, and the week */
};
typedef int (*db_demand_sum_cb)(void *arg, const char *key, const char *week, long queries);
/* Queries from week since_week on ("" for all) added up by, at most limit rows: the largest
 * first, but by keyword and week in week order. Returns how many, or -1. */
int db_demand_sum(db *d, const char *since_week, enum db_demand_by by, int limit,
                  db_demand_sum_cb cb, void *arg);

struct db_purge_counts {
    long inbox, outbox, parts, consent, other;
};
/*
 * Deletes messages (texts and numbers) older than before, in one transaction. Numbers that said
 * STOP stay known (or the STOP could not be honoured), and so does the consent of numbers that
 * still follow a topic.
 */
int db_purge(db *d, int64_t before, int64_t now, struct db_purge_counts *out);

#endif
