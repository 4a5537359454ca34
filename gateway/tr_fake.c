/*
 * tr_fake.c: the in-memory transport of the tests (see tr_fake.h). One table, behind one mutex,
 * holds every fake modem's waiting SMS, faults and counters, and the parts sent; a condition
 * variable wakes a modem thread in wait() as soon as a test pushes an SMS, so tests never wait
 * out a poll interval. The table is the one piece of process-wide mutable state outside main:
 * the daemon creates the transport by name, and the test has no other way to reach it.
 */
#include "gateway/tr_fake.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FAKE_MAX_MODEMS CONF_MAX_MODEMS

struct fake_modem {
    char name[32];
    int faults[3]; /* by enum gw_fake_fault: how many more operations fail */
    int opens;
    int nsent;
};

struct fake_in {
    char modem[32];
    struct gw_in_sms sms;
};

static struct {
    pthread_mutex_t lock;
    pthread_cond_t arrived; /* broadcast on every push */
    struct fake_modem modems[FAKE_MAX_MODEMS];
    struct fake_in in[GW_FAKE_MAX_IN];
    int nin;
    struct gw_fake_part sent[GW_FAKE_MAX_SENT];
    int nsent;
} fake = {.lock = PTHREAD_MUTEX_INITIALIZER, .arrived = PTHREAD_COND_INITIALIZER};

/* The named modem's entry, made on first use; NULL when the table is full. Lock held. */
static struct fake_modem *modem_locked(const char *name)
{
    int i;

    for (i = 0; i < FAKE_MAX_MODEMS; i++) {
        struct fake_modem *m = &fake.modems[i];
        if (m->name[0] == '\0') {
            snprintf(m->name, sizeof(m->name), "%s", name);
            return m;
        }
        if (strcmp(m->name, name) == 0)
            return m;
    }
    return NULL;
}

/* Takes one operation's fault of the kind, if one is armed: 1 it fails, 0 it goes ahead. */
static int fault_take(struct fake_modem *m, enum gw_fake_fault f)
{
    if (m == NULL || m->faults[f] <= 0)
        return 0;
    m->faults[f]--;
    return 1;
}

void gw_fake_reset(void)
{
    pthread_mutex_lock(&fake.lock);
    memset(fake.modems, 0, sizeof(fake.modems));
    fake.nin = 0;
    fake.nsent = 0;
    pthread_mutex_unlock(&fake.lock);
}

int gw_fake_push_part(const char *modem, const char *sender, const char *text, int ref, int part,
                      int parts)
{
    struct fake_in *f;
    int rc = -1;

    pthread_mutex_lock(&fake.lock);
    if (fake.nin == GW_FAKE_MAX_IN || modem_locked(modem) == NULL ||
        strlen(sender) >= sizeof(fake.in[0].sms.sender))
        goto out; /* a sender is never cut, here as in a real transport */
    f = &fake.in[fake.nin++];
    memset(f, 0, sizeof(*f));
    snprintf(f->modem, sizeof(f->modem), "%s", modem);
    snprintf(f->sms.sender, sizeof(f->sms.sender), "%s", sender);
    snprintf(f->sms.text, sizeof(f->sms.text), "%s", text);
    f->sms.coding = "gsm7";
    f->sms.smsc_time = time(NULL);
    f->sms.concat_ref = ref;
    f->sms.part = part;
    f->sms.parts = parts;
    pthread_cond_broadcast(&fake.arrived);
    rc = 0;
out:
    pthread_mutex_unlock(&fake.lock);
    return rc;
}

int gw_fake_push_report(const char *modem, int ref, int status)
{
    struct fake_in *f;
    int rc = -1;

    pthread_mutex_lock(&fake.lock);
    if (fake.nin < GW_FAKE_MAX_IN && modem_locked(modem) != NULL) {
        f = &fake.in[fake.nin++];
        memset(f, 0, sizeof(*f));
        snprintf(f->modem, sizeof(f->modem), "%s", modem);
        snprintf(f->sms.sender, sizeof(f->sms.sender), "+10000000000"); /* the SMSC */
        f->sms.coding = "gsm7";
        f->sms.smsc_time = time(NULL);
        f->sms.concat_ref = -1;
        f->sms.part = f->sms.parts = 1;
        f->sms.report = 1;
        f->sms.report_ref = ref;
        f->sms.report_status = status;
        pthread_cond_broadcast(&fake.arrived);
        rc = 0;
    }
    pthread_mutex_unlock(&fake.lock);
    return rc;
}

int gw_fake_push(const char *modem, const char *sender, const char *text)
{
    return gw_fake_push_part(modem, sender, text, -1, 1, 1);
}

int gw_fake_fail(const char *modem, enum gw_fake_fault fault, int n)
{
    struct fake_modem *m;
    int rc = -1;

    pthread_mutex_lock(&fake.lock);
    if ((m = modem_locked(modem)) != NULL) {
        m->faults[fault] = n;
        rc = 0;
    }
    pthread_mutex_unlock(&fake.lock);
    return rc;
}

int gw_fake_nsent(const char *modem)
{
    struct fake_modem *m;
    int n;

    pthread_mutex_lock(&fake.lock);
    if (modem == NULL)
        n = fake.nsent;
    else
        n = (m = modem_locked(modem)) ? m->nsent : 0;
    pthread_mutex_unlock(&fake.lock);
    return n;
}

int gw_fake_sent(int i, struct gw_fake_part *out)
{
    int rc = -1;

    pthread_mutex_lock(&fake.lock);
    if (i >= 0 && i < fake.nsent) {
        *out = fake.sent[i];
        rc = 0;
    }
    pthread_mutex_unlock(&fake.lock);
    return rc;
}

int gw_fake_waiting(const char *modem)
{
    int i, n = 0;

    pthread_mutex_lock(&fake.lock);
    for (i = 0; i < fake.nin; i++)
        n += strcmp(fake.in[i].modem, modem) == 0;
    pthread_mutex_unlock(&fake.lock);
    return n;
}

int gw_fake_opens(const char *modem)
{
    struct fake_modem *m;
    int n;

    pthread_mutex_lock(&fake.lock);
    n = (m = modem_locked(modem)) ? m->opens : 0;
    pthread_mutex_unlock(&fake.lock);
    return n;
}

/* --- the transport ------------------------------------------------------------------------ */

static int fake_init(struct transport *t)
{
    t->priv = NULL;
    t->wakeups = 1; /* wait() returns as soon as a push lands */
    return 0;
}

static void fake_fini(struct transport *t)
{
    (void)t;
}

static int fake_open(struct transport *t, char *why, size_t whysz)
{
    struct fake_modem *m;
    int rc = 0;

    pthread_mutex_lock(&fake.lock);
    m = modem_locked(t->conf->name);
    if (m == NULL || fault_take(m, GW_FAKE_OPEN_FAIL)) {
        snprintf(why, whysz, "the fake modem is down (injected)");
        rc = -1;
    } else {
        m->opens++;
    }
    pthread_mutex_unlock(&fake.lock);
    return rc;
}

static void fake_close(struct transport *t)
{
    (void)t;
}

/* Hands each SMS waiting for this modem to cb, in the order pushed; one cb refuses keeps it and
 * every later one. The lock is held through cb, so a push waits for the pass to end. */
static int fake_receive(struct transport *t, gw_in_cb cb, void *arg)
{
    int i = 0, n = 0;

    pthread_mutex_lock(&fake.lock);
    while (i < fake.nin) {
        if (strcmp(fake.in[i].modem, t->conf->name) != 0) {
            i++;
            continue;
        }
        if (cb(arg, &fake.in[i].sms) != 0) {
            n = -1;
            break;
        }
        memmove(&fake.in[i], &fake.in[i + 1], (size_t)(fake.nin - i - 1) * sizeof(fake.in[0]));
        fake.nin--;
        n++;
    }
    pthread_mutex_unlock(&fake.lock);
    return n;
}

static int fake_send(struct transport *t, const struct gw_out_part *p, char *why, size_t whysz)
{
    struct fake_modem *m;
    struct gw_fake_part *s;
    int rc = 0;

    pthread_mutex_lock(&fake.lock);
    m = modem_locked(t->conf->name);
    if (fault_take(m, GW_FAKE_DEVICE_FAIL)) {
        snprintf(why, whysz, "the fake modem went away (injected)");
        rc = GW_DEVICE_ERROR;
    } else if (fault_take(m, GW_FAKE_SEND_FAIL)) {
        snprintf(why, whysz, "the network refused the part (injected)");
        rc = -1;
    } else if (m == NULL || fake.nsent == GW_FAKE_MAX_SENT) {
        snprintf(why, whysz, "the fake's record of sent parts is full");
        rc = -1;
    } else {
        s = &fake.sent[fake.nsent++];
        snprintf(s->modem, sizeof(s->modem), "%s", t->conf->name);
        snprintf(s->recipient, sizeof(s->recipient), "%s", p->recipient);
        snprintf(s->text, sizeof(s->text), "%s", p->text);
        s->ucs2 = p->ucs2;
        s->concat_ref = p->concat_ref;
        s->part = p->part;
        s->parts = p->parts;
        /* Like a GSM modem: the network's reference, 0..255, wrapping. */
        if (p->report && p->ref != NULL && p->refsz > 0)
            snprintf(p->ref, p->refsz, "%d", m->nsent % 256);
        s->ref = p->report ? m->nsent % 256 : -1;
        m->nsent++;
    }
    pthread_mutex_unlock(&fake.lock);
    return rc;
}

static int fake_info(struct transport *t, struct gw_link_info *out)
{
    (void)t;
    out->signal = 100;
    snprintf(out->network, sizeof(out->network), "fake");
    return 0;
}

static int waiting_locked(const char *modem)
{
    int i;

    for (i = 0; i < fake.nin; i++)
        if (strcmp(fake.in[i].modem, modem) == 0)
            return 1;
    return 0;
}

static int fake_wait(struct transport *t, int ms)
{
    struct timespec until;
    int got;

    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&fake.lock);
    while (!(got = waiting_locked(t->conf->name)))
        if (pthread_cond_timedwait(&fake.arrived, &fake.lock, &until) == ETIMEDOUT)
            break;
    pthread_mutex_unlock(&fake.lock);
    return got;
}

const struct transport_ops gw_fake_ops = {
    .name = "fake",
    .init = fake_init,
    .fini = fake_fini,
    .open = fake_open,
    .close = fake_close,
    .receive = fake_receive,
    .send = fake_send,
    .info = fake_info,
    .wait = fake_wait,
};
