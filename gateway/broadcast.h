/*
 * broadcast.h: from an alert (a file, the command line, an operator's SMS) to queued messages.
 *
 * gw_alert_queue() resolves the alert's topics against the content ("PH", "USA-MEX", "SCAMS"),
 * fits each language's text to SMS (cleaned, transliterated where the language allows, at most
 * max_parts parts), and queues it with db_alert_queue(): one message a follower, in their
 * language or the default one, once per alert id, ever.
 */
#ifndef RL_GW_BROADCAST_H
#define RL_GW_BROADCAST_H

#include <stdint.h>

#include "conf/alertfile.h"
#include "conf/errs.h"
#include "db/db.h"
#include "handlers/handler.h"

/*
 * Queues a. file names where it came from for error messages (NULL for the command line).
 * Returns 1 queued (with *recipients), 0 already queued before under this id, -1 with the
 * problems in errs.
 */
int gw_alert_queue(db *d, handler_ctx *h, const struct conf_alert *a, const char *origin,
                   const char *file, const char *default_lang, int max_parts, int64_t now,
                   long *recipients, struct conf_errs *errs);

/* How many numbers follow any of a's topics now: a count, or -1 when a topic names nothing in
 * the content (gw_alert_queue says which) or the database fails. */
long gw_alert_audience(db *d, handler_ctx *h, const struct conf_alert *a);
/*
 * Every check gw_alert_queue() makes (topics, texts, parts, the default language's text, dates)
 * without queueing anything: `broadcast --dry-run`. 0 when it would be queued, -1 with errs.
 */
int gw_alert_check(db *d, handler_ctx *h, const struct conf_alert *a, const char *file,
                   const char *default_lang, int max_parts, int64_t now, struct conf_errs *errs);

#endif
