/*
 * transport.h: how the gateway talks to a phone network. Every backend (a GSM modem through
 * libGammu, Kannel's sendsms over HTTP, a fake for tests) implements struct transport_ops and is
 * found by name; the daemon never knows which one it drives.
 *
 * Order of calls, all from the one thread that owns the transport:
 *   1. gw_transport_new(name, modem config) -> t
 *   2. ops->open(t, why): connect; on failure why says, in an operator's words, what is wrong.
 *   3. loop: ops->receive(t, cb, arg) hands each waiting SMS to cb, which must commit it before
 *      returning 0; only then is the SMS deleted from the phone. ops->send(t, part) sends one
 *      part of an outgoing message. ops->wait(t, ms) sleeps until an SMS may be waiting.
 *      A return of GW_DEVICE_ERROR means the link is gone: close, back off, open again.
 *   4. ops->close(t), then gw_transport_free(t) (NULL is fine).
 */
#ifndef RL_GW_TRANSPORT_H
#define RL_GW_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "conf/config.h"
#include "db/queue.h"

#define GW_DEVICE_ERROR (-2) /* the link is gone: reconnect */
/* send only: the link went after the modem took the part, so the network may have it. Handled as
 * GW_DEVICE_ERROR (the message goes again), but counted and reported: it may arrive twice. */
#define GW_MAYBE_SENT (-3)

/* One SMS (or one part of a concatenated SMS) as it came from the network. */
struct gw_in_sms {
    char sender[DB_NUMBER_MAX]; /* whole: a transport that cannot hold it leaves the SMS */
    char text[1024];    /* UTF-8; one part is at most 160 characters; "8bit": the bytes in hex */
    const char *coding; /* "gsm7", "ucs2", "8bit" (binary: WAP push, ringtones, OTA settings) */
    time_t smsc_time;
    int concat_ref; /* -1 for a single SMS */
    int parts, part;
    /* report = 1: not a message but a GSM SMS-STATUS-REPORT (#17), for the part sent under
     * message reference report_ref (TP-MR, 0..255) with status report_status (TP-ST, 3GPP TS
     * 23.040 9.2.3.15); smsc_time is its discharge time. The callback records it (delivery.h)
     * and returns 0 once it is kept, so the transport may delete it from the SIM like an SMS. */
    int report, report_ref, report_status;
};

/* Called for each SMS read: return 0 once it is safely stored (the transport may delete it),
 * -1 to keep it on the phone and stop this pass. */
typedef int (*gw_in_cb)(void *arg, const struct gw_in_sms *m);

/* One part of an outgoing message, ready for the network. */
struct gw_out_part {
    const char *recipient;
    const char *text; /* UTF-8, this part only */
    int ucs2;         /* 1: send as UCS-2, else GSM-7 */
    int concat_ref;   /* 0..255, the message's own */
    int part, parts;  /* 1-based; parts == 1 means no UDH */
    int64_t id;       /* the outbox message it belongs to */
    /* Delivery reports (#17): report is 1 when this part asks the network for one. A transport
     * that asked writes into ref (refsz bytes, "" on entry) the reference its report will carry:
     * a GSM modem the TP-MR the network returned, in decimal ("0".."255"); Kannel its own
     * "ID.PART", which its dlr-url carries back. The daemon then records the part with
     * gw_delivery_sent() (delivery.h); a transport that leaves ref "" asked for nothing. */
    int report;
    char *ref;
    size_t refsz;
};

struct gw_link_info {
    int signal;       /* percent, -1 unknown */
    char network[64]; /* operator name or code, "" unknown */
};

/* What `remitline modem probe` reports; "" or -1 where the modem would not say. */
struct gw_probe {
    char manufacturer[64], model[64], firmware[64];
    char imei[32];    /* whole: the caller masks it */
    char network[64]; /* operator name, or its code */
    char reg[32];     /* "home", "roaming", "searching", "denied", "not registered" */
    int signal;       /* percent */
    int sim_used, sim_size, phone_used, phone_size;
    char smsc[32]; /* the SIM's SMS centre number */
    int can_read;  /* 1 the SMS list was read, 0 not (read_why) */
    char read_why[160];
    int can_send; /* 1 registered and an SMS centre is known, 0 not (send_why) */
    char send_why[160];
};

struct transport;

struct transport_ops {
    const char *name;
    int (*init)(struct transport *t);  /* allocate t->priv; 0 or -1 */
    void (*fini)(struct transport *t); /* close if open, free t->priv */
    int (*open)(struct transport *t, char *why, size_t whysz);
    void (*close)(struct transport *t);
    /* Returns the number of SMS handed to cb, or -1 (cb failed), or GW_DEVICE_ERROR. */
    int (*receive)(struct transport *t, gw_in_cb cb, void *arg);
    /* 0 sent, -1 this part failed (why says why; retry later), GW_DEVICE_ERROR (the modem
     * failed, not the part: nothing was spent on it), or GW_MAYBE_SENT. */
    int (*send)(struct transport *t, const struct gw_out_part *p, char *why, size_t whysz);
    /* 0 and *out, or -1 when the link cannot tell. */
    int (*info)(struct transport *t, struct gw_link_info *out);
    /* Sleeps up to ms, returning early (1) when the network announced an SMS. */
    int (*wait)(struct transport *t, int ms);
    /* Dials a USSD code (the airtime balance, *100#) without waiting for the network: 1 when
     * the answer will come later, 0 with the answer in reply already, -1 (why says why; "not
     * supported" when the link cannot). Called again with code NULL while it is 1: 1 still
     * waiting, 0 the answer in reply, -1 (why: no answer in time, or the link went). The
     * transport bounds the wait; it never blocks the caller for it. May be NULL. */
    int (*ussd)(struct transport *t, const char *code, char *reply, size_t replysz, char *why,
                size_t whysz);
    /* Whether the device is there to be opened: 1 yes, 0 no (unplugged), -1 cannot tell. Lets
     * the caller reconnect as soon as an unplugged modem is back. May be NULL. */
    int (*present)(struct transport *t);
    /* Opened (ops->open first): what the modem is and whether it can read and send SMS, for
     * `remitline modem probe`. 0 (what failed is said in out), or -1 when not open. May be
     * NULL. */
    int (*probe)(struct transport *t, struct gw_probe *out);
};

struct transport {
    const struct transport_ops *ops;
    const struct conf_modem *conf; /* borrowed, outlives the transport */
    void *priv;                    /* the backend's own state */
    int wakeups; /* set by the backend while wait() reliably says when an SMS came: the daemon
                  * then reads the phone on a wake-up and only now and then otherwise */
};

/* Creates a transport of the named backend ("gammu", "kannel", or "fake": tr_fake.h, for tests);
 * NULL if unknown or out of memory. */
struct transport *gw_transport_new(const char *backend, const struct conf_modem *conf);
void gw_transport_free(struct transport *t);
/* The transport behind a name a message records as its modem: a configured modem's transport
 * ("gammu", "kannel"), else the door that took it ("kannel-http" for Kannel's get-url, "ussd",
 * "cli" for remitline ask --save), else "none". For /metrics and remitline log alike. */
const char *gw_transport_of(const struct conf *c, const char *modem);

extern const struct transport_ops gw_gammu_ops;
extern const struct transport_ops gw_kannel_ops; /* Kannel's sendsms over HTTP */

/*
 * Test builds (RL_FAULTS) read REMITLINE_FAULTS, a comma-separated list of faults to inject:
 *   send-fail:NUMBER      every send to NUMBER fails
 *   send-fail:NUMBER:K    the first K sends to NUMBER in this process fail
 *   modem-fail:NAME       every send on modem NAME fails with a device error
 *   send-log:PATH         every part a transport reports sent is appended to PATH as one line,
 *                         "sent modem=NAME to=NUMBER part=I/N ref=R text=TEXT" (newlines in TEXT
 *                         become spaces), written with O_APPEND in one write() before the send
 *                         returns success. The dummy driver's SendSMS writes nothing, so this is
 *                         how the crash test counts what "went out": a line with no matching
 *                         'sent' row is a part the modem took just before a kill. PATH runs to
 *                         the next comma (it cannot hold one).
 *   sent-pause:NUMBER:MS  after the network took a part to NUMBER (and send-log has its line),
 *                         the modem thread sleeps MS before the send returns, so before the
 *                         'sent' record: the crash test kills the daemon in that window
 *   ussd-reply:NAME:TEXT  modem NAME answers every USSD code with TEXT, which runs to the end of
 *                         the list, commas and all (so it comes last); the dummy phone cannot
 *                         dial USSD, so this is how the balance check is tested
 * gw_fault_send() is asked before a part is sent: it returns 0 when the send may go ahead, -1 for
 * a failed part, GW_DEVICE_ERROR for a dead modem. gw_fault_sent() is told after the network took
 * the part (it writes the send log, then pauses if asked). Both do nothing (and return 0) in other
 * builds.
 */
int gw_fault_send(const char *modem, const char *recipient);
void gw_fault_sent(const char *modem, const struct gw_out_part *p);
/* 1 and the canned answer in reply when modem has an ussd-reply fault, else 0. */
int gw_fault_ussd(const char *modem, char *reply, size_t replysz);

#endif
