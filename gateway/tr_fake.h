/*
 * tr_fake.h: an in-memory transport for tests, registered as "fake". A modem configured with
 * transport "fake" talks to a phone that exists only in this process: the test pushes SMS in,
 * reads back the parts the daemon sent, and makes sends or the whole device fail.
 *
 * The daemon creates its transports itself (gw_transport_new by name), so the test cannot hold
 * them: the fake keeps its state per modem name in one process-wide table behind a mutex. Any
 * thread may call these functions while the modem thread drives the transport.
 *
 * Order of calls in a test:
 *   1. gw_fake_reset(): forget every modem's messages and faults;
 *   2. configure a modem with transport "fake" and start the daemon (gw_run in a thread);
 *   3. gw_fake_push() / gw_fake_push_part() SMS in; gw_fake_fail() to inject faults;
 *   4. gw_fake_sent() / gw_fake_nsent() to see what went out; gw_fake_opens() to see reconnects.
 * Capacities are fixed (GW_FAKE_MAX_IN waiting SMS, GW_FAKE_MAX_SENT parts sent per process);
 * a push beyond them returns -1, a send beyond them fails as a send would.
 */
#ifndef RL_GW_TR_FAKE_H
#define RL_GW_TR_FAKE_H

#include "gateway/transport.h"

#define GW_FAKE_MAX_IN   256
#define GW_FAKE_MAX_SENT 512

extern const struct transport_ops gw_fake_ops;

/* One part the daemon sent, as the fake took it. */
struct gw_fake_part {
    char modem[32];
    char recipient[DB_NUMBER_MAX];
    char text[700]; /* one part: at most 160 characters, up to 4 bytes each */
    int ucs2;
    int concat_ref;
    int part, parts;
    int ref; /* the reference handed out for a delivery report (the modem's parts sent so far,
                modulo 256), -1 when none was asked */
};

enum gw_fake_fault {
    GW_FAKE_SEND_FAIL,   /* the next n sends fail (-1): the message is retried later */
    GW_FAKE_DEVICE_FAIL, /* the next n sends find the link gone (GW_DEVICE_ERROR) */
    GW_FAKE_OPEN_FAIL,   /* the next n opens fail: the modem stays down */
};

/* Forgets every modem's waiting SMS, sent parts, faults and counters. */
void gw_fake_reset(void);

/* Puts an SMS from sender on modem's phone (a single SMS, GSM-7). 0, or -1 when full. */
int gw_fake_push(const char *modem, const char *sender, const char *text);
/* A GSM status report for the part sent under ref, with TP-ST status, as a Gammu modem would
 * read one from the SIM (gw_in_sms.report). */
int gw_fake_push_report(const char *modem, int ref, int status);

/* One part of a concatenated SMS: reference ref, part of parts (1-based). 0, or -1. */
int gw_fake_push_part(const char *modem, const char *sender, const char *text, int ref, int part,
                      int parts);

/* Makes the next n operations of the kind fault fail on modem (n = 0 clears). 0, or -1. */
int gw_fake_fail(const char *modem, enum gw_fake_fault fault, int n);

/* How many parts modem has sent (all modems for NULL). */
int gw_fake_nsent(const char *modem);

/* Copies the i-th part sent (0-based, in the order sent, all modems together) into out.
 * 0, or -1 when there is no such part. */
int gw_fake_sent(int i, struct gw_fake_part *out);

/* How many SMS still wait on modem's phone (not yet taken and stored by the daemon). */
int gw_fake_waiting(const char *modem);

/* How many times modem's transport was opened (a reconnect after a device error adds one). */
int gw_fake_opens(const char *modem);

#endif
