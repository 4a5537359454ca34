/*
 * daemon.h: `remitline run`, the gateway's main job.
 *
 * gw_run() opens the database (importing the shipped content on first use), puts back in the
 * queue any message a crash left half-sent, starts one thread per configured modem, and then
 * waits for signals in the main thread:
 *   SIGTERM, SIGINT  every modem finishes the message it is sending, then the process exits 0;
 *   SIGHUP           the configuration is read again and the content re-imported atomically;
 *                    the modem threads pick up the new content before their next answer.
 * Once a second the main thread runs the periodic chores (incomplete long SMS past their
 * timeout). Each modem thread owns its transport and its own database connection:
 *   connect (backing off 1, 2, 4 ... 60 s while the modem is down, logging each change once)
 *   -> read every waiting SMS, committing each before it is deleted from the phone
 *   -> answer every stored message (reply queued in the same transaction)
 *   -> send what the queue holds, replies first, within the modem's send rate
 *   -> wait for the poll interval or an incoming-SMS notification.
 * A modem's transport is its configured one ("gammu", or "kannel": Kannel's sendsms). With
 * http.listen set, the HTTP interface (gateway/http.h) serves USSD, Kannel's get-url, /healthz
 * and /metrics from its own threads; a content re-import reaches it through the generation.
 * Logs go to stderr, one key=value line per message event.
 */
#ifndef RL_GW_DAEMON_H
#define RL_GW_DAEMON_H

#include "conf/config.h"

/* Runs until SIGTERM or SIGINT. conf_path (may be NULL) is read again on SIGHUP. user (may be
 * NULL): after opening the database, the modems and the HTTP port as root, become this user
 * (see privdrop.h). Returns the process exit status: 0 after a clean stop, 1 if start-up
 * failed.
 * The signals are taken with sigtimedwait() by the thread that called gw_run(), which blocks
 * them itself. A program that runs gw_run() in a thread of its own (tests/test_daemon.c) blocks
 * SIGTERM, SIGINT and SIGHUP before creating that thread, and stops it with
 * pthread_kill(thread, SIGTERM) then pthread_join(): the same path as `kill -TERM`. */
int gw_run(const struct conf *c, const char *conf_path, const char *user);

#endif
