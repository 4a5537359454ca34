/*
 * delivery.h: delivery reports as the gateway meets them (#17): which messages ask for one,
 * what a GSM status report's TP-ST or Kannel's dlr-url says in plain words, and the calls the
 * send paths make. The records and the matching rules are db/delivery.h's.
 *
 * The send path (daemon.c, for every transport): gw_delivery_wants() sets gw_out_part.report;
 * after a part went, gw_delivery_sent() records it under the reference the transport wrote.
 * The report paths: a modem's SMS-STATUS-REPORT is handed to the receive callback like an SMS,
 * with gw_in_sms.report set (transport.h), and the daemon calls gw_delivery_gsm(); Kannel's
 * dlr-url (GET /kannel/dlr, http_kannel.c) goes through gw_delivery_kannel_status().
 */
#ifndef RL_GW_DELIVERY_H
#define RL_GW_DELIVERY_H

#include <stddef.h>
#include <time.h>

#include "conf/config.h"
#include "db/delivery.h"
#include "gateway/transport.h"

/* Whether a message of priority (DB_PRIORITY_*) asks for a report on modem mc: its
 * delivery_reports, and for Kannel a dlr_url to be called at. 1 or 0. */
int gw_delivery_wants(const struct conf_modem *mc, int priority);

/* Records part p as taken by modem mc under p->ref (nothing when p asked for no report or the
 * transport wrote no reference). 0, or -1 (logged: the part went, only its record is missing). */
int gw_delivery_sent(db *d, const struct conf_modem *mc, const struct gw_out_part *p, time_t now);

/*
 * A GSM SMS-STATUS-REPORT read on modem mc (a Gammu modem: t->conf): tp_mr is its message reference
 * (the TP-MR the send returned, 0..255), tp_st its status byte (3GPP TS 23.040 9.2.3.15; Gammu's
 * GSM_SMSMessage.DeliveryStatus), at the discharge time it carries (0: unknown). Returns
 * db_delivery_report's: 1 a part changed, 0 recorded only, -1 not recorded (keep the report on
 * the SIM and try again).
 */
int gw_delivery_gsm(db *d, const struct conf_modem *mc, int tp_mr, int tp_st, time_t at,
                    time_t now);
/* TP-ST in plain words into reason, and what it means: DB_DLR_*. */
enum db_dlr_status gw_delivery_gsm_status(int tp_st, char *reason, size_t reasonsz);

/* Kannel's report: type is its %d (1 delivered, 2 not delivered, 4 buffered, 8 taken by the
 * SMSC, 16 refused by the SMSC), reply its %A (an SMPP receipt "id:... stat:UNDELIV err:001 ..."
 * or the SMSC's answer). -1 when type is none of those. */
int gw_delivery_kannel_status(int type, const char *reply, enum db_dlr_status *status, char *reason,
                              size_t reasonsz);

#endif
