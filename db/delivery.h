/*
 * delivery.h: delivery reports (#17). A part a modem or Kannel took is "sent"; whether the phone
 * got it is the network's to say, later, in a report. These record both sides, whatever the
 * transport: the send path calls db_delivery_sent() once a part is taken, with the reference the
 * report will carry; whoever reads reports (the Gammu modem's SMS-STATUS-REPORT, Kannel's
 * dlr-url at /kannel/dlr) calls db_delivery_report().
 *
 * Matching: a report names (transport, modem, ref). It answers the NEWEST part recorded with that
 * key in the last DB_DELIVERY_WINDOW seconds. A GSM reference (TP-MR) is 0..255 and wraps, so
 * the same ref comes back every 256 parts a modem sends; a report answers the last of them
 * (reports come within minutes, long before 256 more parts go). Taking the newest whatever its
 * state, not the newest pending one, keeps a repeated report from landing on an older part.
 * Kannel's refs are ours ("OUTBOXID.PART") and never repeat.
 *
 *   pending part + final report   -> the part takes it (outcome "applied")
 *   same outcome again            -> "duplicate": recorded, nothing changes
 *   another final after a final   -> "duplicate": the first word stands
 *   final report on expired part  -> "late": the part takes the network's word
 *   accepted/buffered (not final) -> "intermediate": the part stays pending
 *   no part with that key         -> "waiting": kept; db_delivery_sent() adopts it if the
 *                                    part's send is recorded within DB_DELIVERY_EARLY seconds
 *                                    of the report (Kannel may call the dlr-url before the modem
 *                                    thread has recorded the part it just sent); one still
 *                                    waiting after that becomes "unmatched" (db_delivery_expire)
 * Every report is a row of delivery_report whatever its outcome, and counted in the metric
 * table (name 'delivery', state = the part's new state, or the report's outcome; a waiting
 * report once adopted or found unmatched): nothing is dropped in silence.
 *
 * A message's delivery follows its parts: delivered once every part is, failed when one
 * failed, expired when one expired (and none failed), else pending. db_delivery_expire(), from
 * the daemon's tick, ends parts with no report after delivery_timeout.
 * Returns follow db.h: 0 / count, -1 (logged).
 */
#ifndef RL_DB_DELIVERY_H
#define RL_DB_DELIVERY_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

#define DB_DELIVERY_WINDOW (14 * 86400) /* a report matches parts sent this recently */
#define DB_DELIVERY_EARLY  300          /* an unmatched report is adopted this long after */

enum db_dlr_status {
    DB_DLR_DELIVERED = 1, /* the phone has it */
    DB_DLR_FAILED = 2,    /* the network gave up, or refused it */
    DB_DLR_ACCEPTED = 3,  /* not final: the SMSC took or buffered it */
};

/* Records that part (1-based) of outbox message outbox_id was taken by transport ("gammu",
 * "kannel") on modem, under ref. Sending the part again (a retry) replaces the old record.
 * Adopts an unmatched report for the same key received since now - DB_DELIVERY_EARLY.
 * 0 or -1. */
int db_delivery_sent(db *d, int64_t outbox_id, int part, const char *transport, const char *modem,
                     const char *ref, int64_t now);

/* A report as it came. reason: the network's words, plain ("" or NULL when delivered). at: the
 * network's time (0: now). */
struct db_dlr {
    const char *transport, *modem, *ref;
    enum db_dlr_status status;
    const char *reason;
    int64_t at;
};
/* Records report r and applies it as above. Returns 1 when it changed a part, 0 when it was
 * recorded only (duplicate, intermediate, waiting), -1 on error (nothing recorded). */
int db_delivery_report(db *d, const struct db_dlr *r, int64_t now);

/* Parts still pending that were sent before cutoff become expired, and reports waiting since
 * before now - DB_DELIVERY_EARLY become unmatched (*unmatched gets how many; NULL: not told).
 * Returns how many parts expired. */
int db_delivery_expire(db *d, int64_t cutoff, int64_t now, int *unmatched);

/* Delivery of the messages of one alert (or of all broadcasts when alert_id is NULL): how many
 * asked for a report, and of those delivered, failed, expired, pending. */
struct db_delivery_counts {
    long asked, delivered, failed, expired, pending;
};
int db_delivery_alert(db *d, const char *alert_id, struct db_delivery_counts *out);

/* Per modem, the delivery of parts sent since `since`, for `status` and the console. */
typedef int (*db_delivery_modem_cb)(void *arg, const char *modem,
                                    const struct db_delivery_counts *c);
int db_delivery_modems(db *d, int64_t since, db_delivery_modem_cb cb, void *arg);

/* The delivery of outbox message id: its state ("" none asked) and the first failing part's
 * reason. 1, 0 unknown, -1. */
int db_delivery_of(db *d, int64_t outbox_id, char *state, size_t statesz, char *reason,
                   size_t reasonsz);

/* Counters for /metrics (by modem and kind: delivered, failed, expired, duplicate, late,
 * intermediate, unmatched), only growing. Rows as db_stat_cb of queue.h, keyword "". */
typedef int (*db_delivery_stat_cb)(void *arg, const char *modem, const char *kind, long count);
int db_delivery_stats(db *d, db_delivery_stat_cb cb, void *arg);

#endif
