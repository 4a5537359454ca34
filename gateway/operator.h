/*
 * operator.h: broadcasting by SMS, for the operators named in remitline.conf.
 *
 *   ALERT <PIN> <topic> <text>   from an operator's number: the gateway answers with the number
 *                                of people it would reach and a confirmation code;
 *   YES <code>                   from the same number within 10 minutes: it is queued.
 * A sender number can be spoofed, so the PIN is needed even from a listed number; after 3 wrong
 * PINs or YES codes in an hour the number is locked out for an hour (`remitline operator unlock`
 * lifts it sooner), and every attempt is logged.
 */
#ifndef RL_GW_OPERATOR_H
#define RL_GW_OPERATOR_H

#include <stddef.h>
#include <stdint.h>

#include "conf/config.h"
#include "db/db.h"
#include "handlers/handler.h"

#define GW_OPERATOR_TRIES        3    /* wrong PINs or YES codes ... */
#define GW_OPERATOR_LOCK_SECONDS 3600 /* ... within this long lock the number this long */

/*
 * Handles text from sender if it is an operator command. Returns 1 with the reply in reply, or 0
 * when it is not an operator command (the message is then answered as any other), or -1 on a
 * database error. What is stored of text is the caller's: the answer service keeps it masked
 * (db_text_mask), for every sender.
 */
int gw_operator(db *d, handler_ctx *h, const struct conf *c, const char *sender, const char *text,
                int64_t now, char *reply, size_t replysz);

#endif
