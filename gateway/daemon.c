#include "gateway/daemon.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "conf/alertfile.h"
#include "conf/import.h"
#include "db/alerts.h"
#include "db/conv.h"
#include "db/delivery.h"
#include "db/queue.h"
#include "db/guards.h"
#include "gateway/answer.h"
#include "gateway/broadcast.h"
#include "gateway/delivery.h"
#include "gateway/figures.h"
#include "gateway/guard.h"
#include "gateway/http.h"
#include "gateway/live.h"
#include "util/log.h"
#include "util/mono.h"
#include "gateway/operator.h"
#include "gateway/privdrop.h"
#include "gateway/transport.h"
#include "handlers/handler.h"

/* State shared by the main thread and the modem threads. */
struct daemon {
    struct conf conf; /* the main thread's own: replaced on SIGHUP, then published in live */
    gw_live *live;    /* the configuration every thread answers with */
    atomic_int stop;  /* set once, on SIGTERM/SIGINT */
};

struct modem {
    struct daemon *dm;
    struct conf_modem mc; /* a copy: the modem list is fixed until restart */
    pthread_t tid;
    struct transport *t;
    db *d;
    gw_ctx *ctx;      /* the answer service on d */
    char state[16];   /* last state logged: connecting, connected, down */
    char detail[160]; /* last problem logged */
    double tokens;    /* send-rate bucket */
    double last_refill;
    time_t last_report;
    double balance;      /* airtime, as the last USSD check read it; < 0 unknown */
    time_t balance_next; /* when to check again */
    char paused[120];    /* why broadcasts are paused on this SIM, "" if they are not */
    time_t store_warned; /* when a failed store was last logged */
    int ussd_pending;    /* a balance code was dialled; its answer has not come yet */
};

/* Sleeps ms, waking early when the daemon is told to stop. */
static void nap(struct daemon *dm, int ms)
{
    while (ms > 0 && !atomic_load(&dm->stop)) {
        int step = ms < 100 ? ms : 100;
        struct timespec ts = {0, (long)step * 1000000L};
        nanosleep(&ts, NULL);
        ms -= step;
    }
}

/* Logs a modem's state when it changes, not once per loop, and records it for `status`. */
static void modem_state(struct modem *m, const char *state, const char *detail)
{
    struct gw_link_info info = {-1, ""};
    struct db_modem_status st;
    time_t now = time(NULL);
    int changed = strcmp(m->state, state) != 0 || strcmp(m->detail, detail ? detail : "") != 0;

    if (changed && strcmp(m->state, state) == 0) {
        /* Still down, for another reason now (unplugged, then back without its PIN): one line
         * per state change in the log; the newest problem is in `remitline status`. */
        log_debug("modem-state modem=%s state=%s problem=\"%s\"", m->mc.name, state,
                  detail ? detail : "");
        snprintf(m->detail, sizeof(m->detail), "%s", detail ? detail : "");
    } else if (changed) {
        if (strcmp(state, "down") == 0)
            log_warnx("modem-state modem=%s state=%s problem=\"%s\"", m->mc.name, state,
                      detail ? detail : "");
        else
            log_info("modem-state modem=%s state=%s", m->mc.name, state);
        snprintf(m->state, sizeof(m->state), "%s", state);
        snprintf(m->detail, sizeof(m->detail), "%s", detail ? detail : "");
    }
    if (!changed && now - m->last_report < 60)
        return;
    m->last_report = now;
    if (strcmp(state, "connected") == 0)
        m->t->ops->info(m->t, &info);
    if (m->d == NULL)
        return;
    st.name = m->mc.name;
    st.state = state;
    st.signal = info.signal;
    st.network = info.network;
    st.detail = m->detail;
    st.updated_at = now;
    db_modem_status_put(m->d, &st);
}

static int store_cb(void *arg, const struct gw_in_sms *in)
{
    struct modem *m = arg;
    struct db_in_sms s;
    char num[40];
    int rc;

    if (in->report) {
        /* A status report: recorded (matched or kept waiting), then the SIM may drop it. */
        rc = gw_delivery_gsm(m->d, &m->mc, in->report_ref, in->report_status, in->smsc_time,
                             time(NULL));
        if (rc < 0 && in->report_ref >= 0 && in->report_ref <= 255)
            return -1; /* the database failed: keep it on the phone, read it again */
        if (rc < 0)
            log_warnx("delivery-report modem=%s ref=%d result=dropped problem=\"not a message "
                      "reference (0..255)\"",
                      m->mc.name, in->report_ref);
        return 0;
    }
    s.modem = m->mc.name;
    s.sender = in->sender;
    s.text = in->text;
    s.coding = in->coding;
    s.smsc_time = in->smsc_time;
    s.received_at = time(NULL);
    s.concat_ref = in->concat_ref;
    s.parts = in->parts;
    s.part = in->part;
    rc = db_inbox_store(m->d, &s);
    if (rc < 0) {
        /* Said once a minute: a full disk fails every pass until there is room again. */
        if (time(NULL) - m->store_warned >= 60) {
            log_warnx("sms-in modem=%s from=%s result=not-stored (kept on the phone, retrying)",
                      m->mc.name, log_number(in->sender, num, sizeof(num)));
            m->store_warned = time(NULL);
        }
        return -1;
    }
    log_debug("sms-in modem=%s from=%s part=%d/%d result=%s", m->mc.name,
              log_number(in->sender, num, sizeof(num)), in->part, in->parts,
              rc ? "stored" : "duplicate");
    return 0;
}

/* Answers every stored message that waits for an answer, through the answer service.
 * Returns how many. */
static int answer_pending(struct modem *m)
{
    struct gw_result *res = malloc(sizeof(*res));
    int n = 0;

    if (res == NULL)
        return 0;
    while (!atomic_load(&m->dm->stop) && gw_answer_next(m->ctx, res) == 1)
        n++;
    free(res);
    return n;
}

/* Whether the send rate lets one more message go now. */
static int rate_allows(struct modem *m)
{
    double now = mono_s(), cap;

    if (m->mc.send_rate <= 0)
        return 1;
    cap = m->mc.send_rate / 6.0 > 1 ? m->mc.send_rate / 6.0 : 1; /* at most 10 s worth */
    m->tokens += (now - m->last_refill) * m->mc.send_rate / 60.0;
    m->last_refill = now;
    if (m->tokens > cap)
        m->tokens = cap;
    if (m->tokens < 1)
        return 0;
    m->tokens -= 1;
    return 1;
}

/* The first part of o not yet sent (1-based): the one a failed send was on. */
static int next_part(const struct db_outbox_row *o)
{
    int i = 0;

    while (i < 16 && (o->parts_sent & (1u << i)))
        i++;
    return i + 1;
}

/* Sends the parts of o that have not gone yet. 0 all sent, -1 failed, GW_DEVICE_ERROR. */
static int send_parts(struct modem *m, struct db_outbox_row *o, char *why, size_t whysz)
{
    size_t starts[16];
    int n = gsm_split(o->text, starts, 16), i;

    if (n < 1) {
        snprintf(why, whysz, "the message cannot be split into SMS parts");
        return -1;
    }
    for (i = 0; i < n; i++) {
        struct gw_out_part p;
        char part[DB_TEXT_MAX], ref[48] = "";
        size_t end = i + 1 < n ? starts[i + 1] : strlen(o->text);
        int rc;

        if (o->parts_sent & (1u << i))
            continue; /* went out in an earlier attempt */
        snprintf(part, sizeof(part), "%.*s", (int)(end - starts[i]), o->text + starts[i]);
        p.recipient = o->recipient;
        p.text = part;
        p.ucs2 = strcmp(o->coding, "ucs2") == 0;
        p.concat_ref = o->concat_ref;
        p.part = i + 1;
        p.parts = n;
        p.id = o->id;
        p.report = gw_delivery_wants(&m->mc, o->priority);
        p.ref = ref;
        p.refsz = sizeof(ref);
        if ((rc = m->t->ops->send(m->t, &p, why, whysz)) != 0)
            return rc;
        /* Before the part's 'sent' record: a report Kannel brings back at once finds it. */
        gw_delivery_sent(m->d, &m->mc, &p, time(NULL));
        o->parts_sent |= 1u << i;
        if (n > 1 && db_outbox_part_sent(m->d, o->id, o->parts_sent) < 0) {
            snprintf(why, whysz, "database error recording part %d", i + 1);
            return -1;
        }
    }
    return 0;
}

/* Sends queued messages while the rate allows. Returns how many, or GW_DEVICE_ERROR. */

/*
 * Whether this SIM may send broadcasts now: not over its daily budget of parts, not below its
 * airtime floor, not in quiet hours. A pause is logged and recorded when it starts and ends;
 * replies to questions are never paused.
 */
static int broadcasts_allowed(struct modem *m, const struct conf *s, time_t now)
{
    char why[120] = "";

    if (m->mc.daily_parts > 0) {
        long sent = db_parts_sent_since(m->d, m->mc.name, gw_day_start(now));
        if (sent >= m->mc.daily_parts)
            snprintf(why, sizeof(why), "daily budget of %d parts reached (%ld sent today)",
                     m->mc.daily_parts, sent);
    }
    if (why[0] == '\0' && m->balance >= 0 && m->mc.balance_floor[0] != '\0' &&
        m->balance < strtod(m->mc.balance_floor, NULL))
        snprintf(why, sizeof(why), "airtime balance %.2f below the floor %s", m->balance,
                 m->mc.balance_floor);
    if (why[0] == '\0') {
        /* Said like the others, so status shows why a queued broadcast waits. */
        char end[8];
        if (conf_quiet_until(s, gw_minute_of_day(now), end, sizeof(end)) != NULL)
            snprintf(why, sizeof(why), "held by quiet hours until %s", end);
    }
    if (strcmp(why, m->paused) != 0) {
        if (why[0])
            log_warnx("modem-state modem=%s broadcasts=paused reason=\"%s\"", m->mc.name, why);
        else
            log_info("modem-state modem=%s broadcasts=resumed", m->mc.name);
        snprintf(m->paused, sizeof(m->paused), "%s", why);
        db_modem_paused_put(m->d, m->mc.name, why[0] ? why : NULL);
    }
    return why[0] == '\0';
}

/* Reads the airtime balance by USSD when it is due. The code is dialled and the answer picked up
 * on a later round (the transport bounds the wait): a network slow to answer, or one that never
 * does, holds up no question. */
static void check_balance(struct modem *m, time_t now)
{
    char reply[640] = "", why[160] = "";
    double amount;
    int rc;

    if (m->mc.balance_ussd[0] == '\0' || m->t->ops->ussd == NULL)
        return;
    if (m->ussd_pending) {
        rc = m->t->ops->ussd(m->t, NULL, reply, sizeof(reply), why, sizeof(why));
    } else {
        if (now < m->balance_next)
            return;
        m->balance_next = now + (m->mc.balance_interval > 0 ? m->mc.balance_interval : 21600);
        rc = m->t->ops->ussd(m->t, m->mc.balance_ussd, reply, sizeof(reply), why, sizeof(why));
    }
    m->ussd_pending = rc == 1;
    if (rc == 1)
        return;
    if (rc < 0) {
        log_warnx("balance modem=%s code=%s result=failed problem=\"%s\"", m->mc.name,
                  m->mc.balance_ussd, why);
        return;
    }
    if (gw_balance_read(m->mc.balance_pattern, reply, &amount) < 0) {
        log_warnx("balance modem=%s result=unreadable answer=\"%.80s\" (check balance_pattern)",
                  m->mc.name, reply);
        return;
    }
    m->balance = amount;
    db_modem_balance_put(m->d, m->mc.name, m->balance, now);
    log_info("balance modem=%s amount=%.2f", m->mc.name, m->balance);
}

/*
 * Sends queued messages while the rate allows, but never drains a long queue blind: after each
 * message it looks whether an SMS came (*woken = 1, and it returns so the phone is read and the
 * question answered before the rest of the queue), or, with a transport that cannot say, stops
 * after a poll interval. Returns how many went, or GW_DEVICE_ERROR.
 */
static int send_pending(struct modem *m, const struct conf *s, int *woken)
{
    struct db_outbox_row *o = malloc(sizeof(*o));
    double started = mono_s();
    int n = 0, rc = 0;

    if (o == NULL)
        return 0;
    while (!atomic_load(&m->dm->stop) && rate_allows(m)) {
        char why[200] = "", num[40];
        time_t now = time(NULL);
        int aside;

        if (db_outbox_claim(m->d, m->mc.name, now, broadcasts_allowed(m, s, now), o) != 1) {
            if (m->mc.send_rate > 0)
                m->tokens += 1; /* nothing to send: the token was not used */
            break;
        }
        rc = send_parts(m, o, why, sizeof(why));
        if (rc == 0) {
            /* It went: the record must follow, or the row stays 'sending' until a restart
             * sends it again. A full disk fails the write; wait for room (the phone keeps
             * what arrives meanwhile). */
            int warned = 0;
            while (db_outbox_done(m->d, o->id, NULL, time(NULL), s->max_attempts, s->max_backoff) <
                       0 &&
                   !atomic_load(&m->dm->stop)) {
                if (!warned++)
                    log_warnx("sms-out id=%lld modem=%s result=sent problem=\"cannot record "
                              "it in the database; retrying\"",
                              (long long)o->id, m->mc.name);
                nap(m->dm, 1000);
            }
            log_info("sms-out id=%lld to=%s modem=%s result=sent segs=%d attempts=%d "
                     "latency_s=%lld",
                     (long long)o->id, log_number(o->recipient, num, sizeof(num)), m->mc.name,
                     o->parts, o->attempts + 1,
                     o->received_at ? (long long)(time(NULL) - o->received_at) : 0LL);
            n++;
            if (m->t->wakeups ? m->t->ops->wait(m->t, 0) > 0
                              : mono_s() - started >= s->poll_ms / 1000.0) {
                *woken = 1; /* read (and answer) before the rest of the queue */
                break;
            }
            continue;
        }
        if (rc == GW_MAYBE_SENT) {
            /* Nothing may be lost, so it goes again; the recipient may get it twice. */
            db_modem_maybe_twice(m->d, m->mc.name);
            log_warnx("sms-out id=%lld to=%s modem=%s result=maybe-sent part=%d problem=\"%s; "
                      "it goes again and may arrive twice\"",
                      (long long)o->id, log_number(o->recipient, num, sizeof(num)), m->mc.name,
                      next_part(o), why);
            rc = GW_DEVICE_ERROR;
        }
        if (rc == GW_DEVICE_ERROR) {
            /* The modem failed, not the message: no attempt is spent on it, and another
             * modem may take it now. The rest of the queue waits for a working link. */
            db_outbox_release(m->d, o->id);
            log_warnx("sms-out id=%lld to=%s modem=%s result=released problem=\"%s\"",
                      (long long)o->id, log_number(o->recipient, num, sizeof(num)), m->mc.name,
                      why);
            break;
        }
        aside = db_outbox_done(m->d, o->id, why, time(NULL), s->max_attempts, s->max_backoff);
        log_warnx("sms-out id=%lld to=%s modem=%s result=%s attempts=%d problem=\"%s\"",
                  (long long)o->id, log_number(o->recipient, num, sizeof(num)), m->mc.name,
                  aside == 1 ? "failed" : "retry", o->attempts + 1, why);
    }
    free(o);
    return rc == GW_DEVICE_ERROR ? GW_DEVICE_ERROR : n;
}

/*
 * The wait after a failed connect: backoff seconds, or less: an unplugged modem is tried again
 * as soon as its device is back (the transport can tell; a missing device costs nothing to
 * watch). Returns the next backoff: reset when the device came back, else doubled up to 60 s.
 */
static int wait_down(struct modem *m, int backoff)
{
    int was = m->t->ops->present ? m->t->ops->present(m->t) : -1, left = backoff * 1000;

    while (left > 0 && !atomic_load(&m->dm->stop)) {
        nap(m->dm, left < 250 ? left : 250);
        left -= 250;
        if (was == 0 && m->t->ops->present(m->t) == 1)
            return 1; /* plugged back in: connect now, and from a short backoff */
    }
    return backoff < 32 ? backoff * 2 : 60;
}

static void *modem_main(void *arg)
{
    struct modem *m = arg;
    const struct conf *s;
    int backoff = 1, woken = 1, unread = 0, read_fails = 0;
    double last_pass = 0;

    s = gw_live_acquire(m->dm->live, NULL);
    /* With --user, the modem was opened as root before this thread began; the database is
     * opened here, by the gateway's user. */
    while (!atomic_load(&m->dm->stop) && m->d == NULL &&
           (m->d = db_open_nofollow(s->database)) == NULL)
        nap(m->dm, 5000);
    if (m->d != NULL && (m->ctx = gw_ctx_open(m->dm->live, m->d)) == NULL)
        log_warnx("modem %s: out of memory", m->mc.name);
    if (m->mc.reports != 0 && strcmp(m->mc.transport, "kannel") == 0 && m->mc.dlr_url[0] == '\0')
        log_warnx("delivery modem=%s reports=off problem=\"no dlr_url: Kannel is asked for no "
                  "delivery report (see README, Delivery reports)\"",
                  m->mc.name);
    m->last_refill = mono_s();
    m->tokens = 1;
    while (m->ctx != NULL && !atomic_load(&m->dm->stop)) {
        char why[200] = "";
        int busy = 0, rc;

        /* The newest configuration, held for this round: a SIGHUP publishes a new one while
         * the round goes on, and the old one is freed only when its last reader lets it go. */
        gw_live_release(m->dm->live, s);
        s = gw_live_acquire(m->dm->live, NULL);
        if (strcmp(m->state, "connected") != 0) {
            if (strcmp(m->state, "down") != 0)
                modem_state(m, "connecting", NULL);
            if (m->t->ops->open(m->t, why, sizeof(why)) < 0) {
                modem_state(m, "down", why);
                backoff = wait_down(m, backoff);
                continue;
            }
            modem_state(m, "connected", NULL);
            /* Whatever came while the modem was away; but a SIM that broke the link on the
             * last two reads waits for the safety pass, so sending goes on meanwhile. */
            woken = read_fails < 2;
        }
        /* A full read of the phone costs time (about 0.1 s on the dummy phone; on a SIM two
         * commands, AT+CPMS and AT+CMGL): with a transport whose wake-ups can be trusted (+CMTI,
         * the dummy's inotify), read when it says something came, and otherwise only every
         * safety_poll seconds; else every poll interval. */
        if (woken || !m->t->wakeups || mono_s() - last_pass >= m->mc.safety_poll) {
            last_pass = mono_s();
            rc = m->t->ops->receive(m->t, store_cb, m);
            if (rc == GW_DEVICE_ERROR) {
                m->t->ops->close(m->t);
                modem_state(m, "down", "the link to the modem was lost while reading");
                if (++read_fails == 2)
                    log_warnx("modem %s: reading the SIM failed twice in a row; the next try "
                              "in %d s (safety_poll) or when an SMS is announced, sending goes on",
                              m->mc.name, m->mc.safety_poll);
                continue;
            }
            read_fails = 0;
            /* A message that could not be stored (the database busy or full) stays on the phone,
             * and no wake-up will say so again: read once more after the next wait, not only at
             * the next safety pass. */
            unread = rc < 0;
            busy += rc > 0;
        }
        woken = 0;
        busy += answer_pending(m) > 0;
        rc = send_pending(m, s, &woken);
        if (rc == GW_DEVICE_ERROR) {
            /* Back off before the next try, so a modem that fails every send does not spin
             * taking messages the healthy ones could send; an unplugged one is back as soon
             * as its device is. */
            m->t->ops->close(m->t);
            modem_state(m, "down", "the link to the modem was lost while sending");
            backoff = wait_down(m, backoff);
            continue;
        }
        if (rc > 0)
            backoff = 1;
        busy += rc > 0;
        modem_state(m, "connected", NULL); /* refreshes status once a minute */
        check_balance(m, time(NULL));
        if (!busy)
            woken = m->t->ops->wait(m->t, s->poll_ms) > 0 || unread;
        else if (m->t->wakeups)
            woken = woken || unread || m->t->ops->wait(m->t, 0) > 0; /* what came meanwhile */
        else
            woken = 1; /* more may have come while we were busy */
    }
    gw_live_release(m->dm->live, s);
    m->t->ops->close(m->t);
    if (m->d != NULL) {
        struct db_modem_status st = {m->mc.name, "stopped", NULL, NULL, -1, time(NULL)};
        db_modem_status_put(m->d, &st);
    }
    log_info("modem-state modem=%s state=stopped", m->mc.name);
    gw_ctx_close(m->ctx);
    db_close(m->d);
    return NULL;
}

/* SIGHUP: read the configuration again and re-import the content, all or nothing. */
static void reload(struct daemon *dm, const char *conf_path, db *d)
{
    struct conf_errs errs;
    struct import_stats st;
    struct conf fresh;
    const char *paths[1];

    conf_errs_init(&errs);
    log_info("reload signal=HUP");
    if (conf_path != NULL && access(conf_path, R_OK) < 0) {
        log_warnx("reload result=failed problem=\"cannot read %s: %s; the old configuration "
                  "stays (after --user, install it 0640, owner root, group the gateway's)\"",
                  conf_path, strerror(errno));
        return;
    }
    if (conf_load(conf_path, &fresh, &errs) < 0) {
        conf_errs_print(&errs, stderr);
        log_warnx("reload result=failed problem=\"configuration has errors; the old one stays\"");
        conf_errs_free(&errs);
        return;
    }
    if (fresh.nmodems != dm->conf.nmodems ||
        memcmp(fresh.modems, dm->conf.modems, sizeof(fresh.modems)) != 0)
        log_warnx("reload: the modem list changed; restart remitline to apply that part");
    paths[0] = fresh.content;
    if (conf_import(d, paths, 1, CONF_FORMAT_UNKNOWN, 0, &errs, &st) < 0) {
        conf_errs_print(&errs, stderr);
        log_warnx("reload result=failed problem=\"content has errors; the old content stays\"");
        conf_errs_free(&errs);
        return;
    }
    memcpy(fresh.modems, dm->conf.modems, sizeof(fresh.modems));
    fresh.nmodems = dm->conf.nmodems;
    /* The database is the one opened at start (its real path): moving it takes a restart. */
    memcpy(fresh.database, dm->conf.database, sizeof(fresh.database));
    if (gw_live_set(dm->live, &fresh) < 0) {
        log_warnx("reload result=failed problem=\"out of memory; the old configuration stays\"");
        conf_errs_free(&errs);
        return;
    }
    dm->conf = fresh;
    log_init((enum log_level)fresh.log_level);
    log_info("reload result=ok files=%d unchanged=%d rows=%ld", st.files, st.unchanged, st.rows);
    conf_errs_free(&errs);
}

/* Reads one new or changed alert file and queues its alert; f->alert_id gets its id ("" when it
 * does not validate). old is the file as last read, NULL when it is new. */
static void read_alert_file(const struct conf *c, db *d, handler_ctx *h, struct db_alert_file *f,
                            const struct db_alert_file *old)
{
    struct conf_alert *a = malloc(sizeof(*a));
    struct conf_errs errs;
    long recipients = 0;
    int i, rc;

    f->alert_id[0] = '\0';
    if (a == NULL) {
        log_warn("alert file %s", f->path);
        return;
    }
    conf_errs_init(&errs);
    if (conf_alert_read(f->path, a, &errs) == 0) {
        char origin[sizeof(f->path) + 8];
        snprintf(origin, sizeof(origin), "file:%s", f->path);
        snprintf(f->alert_id, sizeof(f->alert_id), "%s", a->id);
        rc = gw_alert_queue(d, h, a, origin, f->path, c->default_lang, c->max_parts, time(NULL),
                            &recipients, &errs);
        if (rc > 0)
            log_info("alert id=%s origin=file recipients=%ld result=queued", a->id, recipients);
        else if (rc == 0 && old != NULL)
            log_warnx("alert id=%s origin=file file=%s result=not-sent-again (the file changed, "
                      "but alert %s was already queued: an alert goes out once; give the "
                      "changed alert a new id)",
                      a->id, f->path, a->id);
        else if (rc == 0)
            log_info("alert id=%s origin=file result=already-queued (an alert goes out once)",
                     a->id);
    }
    for (i = 0; i < errs.nmsg; i++)
        log_warnx("alert file: %s", errs.msg[i]);
    conf_errs_free(&errs);
    free(a);
}

/*
 * The alert files, tracked in the database (db_alert_file_*, no cap on how many): a file is read
 * when it is new or its size, time or bytes changed, each problem logged once per change; a file
 * no longer there is forgotten once a whole scan has passed without it.
 */
static void scan_alerts(const struct conf *c, db *d, handler_ctx *h)
{
    struct db_alert_file *old = NULL, *cur = NULL;
    int64_t stamp = (int64_t)time(NULL);
    int complete = 1, known, n;
    struct dirent *e;
    DIR *dp = opendir(c->alerts_dir);

    if (dp == NULL)
        return; /* no alerts directory: nothing to broadcast */
    if ((old = malloc(sizeof(*old))) == NULL || (cur = malloc(sizeof(*cur))) == NULL) {
        log_warn("alert files");
        goto out;
    }
    for (;;) {
        struct stat st;
        size_t len;

        errno = 0;
        if ((e = readdir(dp)) == NULL) {
            if (errno != 0)
                complete = 0; /* a partial listing: forget nothing */
            break;
        }
        len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len < 6 || strcmp(e->d_name + len - 5, ".conf") != 0)
            continue;
        memset(cur, 0, sizeof(*cur));
        snprintf(cur->path, sizeof(cur->path), "%s/%s", c->alerts_dir, e->d_name);
        if (stat(cur->path, &st) < 0 || !S_ISREG(st.st_mode))
            continue;
        if ((known = db_alert_file_get(d, cur->path, old)) < 0) {
            complete = 0;
            continue;
        }
        if (known && old->mtime == (int64_t)st.st_mtime && old->size == (int64_t)st.st_size) {
            if (db_alert_file_seen(d, cur->path, stamp) < 0)
                complete = 0;
            continue;
        }
        cur->mtime = (int64_t)st.st_mtime;
        cur->size = (int64_t)st.st_size;
        if (conf_file_digest(cur->path, cur->digest) < 0) {
            complete = 0; /* unreadable now: keep what is known of it */
            continue;
        }
        if (known && strcmp(old->digest, cur->digest) == 0)
            snprintf(cur->alert_id, sizeof(cur->alert_id), "%s", old->alert_id); /* touched */
        else
            read_alert_file(c, d, h, cur, known ? old : NULL);
        if (db_alert_file_put(d, cur, stamp) < 0)
            complete = 0;
    }
    if (complete && (n = db_alert_files_forget(d, stamp)) > 0)
        log_info("alert files forgotten=%d (no longer in %s)", n, c->alerts_dir);
out:
    free(cur);
    free(old);
    closedir(dp);
}

/* First use: a database with no content gets the shipped content. */
static int ensure_content(const struct conf *c, db *d)
{
    struct db_counts counts;
    struct conf_errs errs;
    struct import_stats st;
    const char *paths[1] = {c->content};
    int rc = 0;

    if (db_counts_get(d, &counts) < 0)
        return -1;
    if (counts.langs > 0)
        return 0;
    log_info("import reason=first-run content=%s", c->content);
    conf_errs_init(&errs);
    if (conf_import(d, paths, 1, CONF_FORMAT_UNKNOWN, 0, &errs, &st) < 0) {
        conf_errs_print(&errs, stderr);
        rc = -1;
    }
    conf_errs_free(&errs);
    return rc;
}

/* Copies s into out[outsz], cut to fit. memcpy, not snprintf("%s"): GCC's Release build
 * inlines the callers and takes a cut that cannot happen for a truncation warning (-Werror). */
static void copy_cut(char *out, size_t outsz, const char *s)
{
    size_t n = strlen(s);

    if (n >= outsz)
        n = outsz - 1;
    memcpy(out, s, n);
    out[n] = '\0';
}

/* The database's directory and file name, split: "var/remitline.db" -> "var", "remitline.db";
 * a bare name is in ".". */
static void split_database(const char *database, char *dir, size_t dirsz, char *base, size_t basesz)
{
    const char *slash = strrchr(database, '/');

    if (slash == NULL) {
        snprintf(dir, dirsz, ".");
        copy_cut(base, basesz, database);
    } else {
        snprintf(dir, dirsz, "%.*s", slash == database ? 1 : (int)(slash - database), database);
        copy_cut(base, basesz, slash + 1);
    }
}

/* Creates the database's directory (one level) if it is missing: the gateway's state. */
static void make_parent(const char *database)
{
    char dir[PATH_MAX], base[PATH_MAX];

    split_database(database, dir, sizeof(dir), base, sizeof(base));
    if (mkdir(dir, 0750) < 0 && errno != EEXIST)
        log_warn("creating %s", dir);
}

/*
 * One daemon per database. A second `remitline run` on the same database would, as it starts,
 * put back in the queue the messages the first is sending (they look half-sent after a crash),
 * and both would send them. An fcntl lock on DATABASE.lock, held for the life of the process,
 * dies with it, even under SIGKILL; the file says whose it is. Returns the descriptor, kept
 * open; exits when another daemon holds it.
 * Root opens it in a directory the gateway's user may own: it is opened relative to that
 * directory without following a link, and must be a plain file with one link, so no link
 * planted there can make root write the pid into another file.
 */
static int lock_database(const char *database)
{
    char dir[PATH_MAX], name[PATH_MAX + 8], pid[32] = "";
    struct flock fl;
    struct stat st;
    ssize_t n;
    int dfd, fd;

    split_database(database, dir, sizeof(dir), name, sizeof(name) - 5);
    snprintf(name + strlen(name), 6, ".lock");
    if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        fatal("cannot open the database's directory %s", dir);
    fd = openat(dfd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0640);
    if (fd < 0 && errno == ELOOP)
        fatalx("%s/%s is a symbolic link: the lock file must be a plain file (remove the link)",
               dir, name);
    if (fd < 0)
        fatal("cannot open the lock file %s/%s", dir, name);
    close(dfd);
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1)
        fatalx("%s/%s is not a plain file with one link: the lock file must be the gateway's own "
               "(remove it)",
               dir, name);
    memset(&fl, 0, sizeof(fl));
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    if (fcntl(fd, F_SETLK, &fl) < 0) {
        if (errno != EACCES && errno != EAGAIN)
            fatal("cannot lock %s/%s", dir, name);
        if ((n = pread(fd, pid, sizeof(pid) - 1, 0)) > 0)
            pid[n] = '\0';
        pid[strcspn(pid, "\n")] = '\0';
        fatalx("another `remitline run` (pid %s) is using %s: stop it first, or give this one a "
               "database of its own",
               pid[0] ? pid : "unknown", database);
    }
    n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, (size_t)n, 0) != n)
        log_warn("writing the pid into %s/%s", dir, name);
    return fd;
}

/* The name of path within dir, when path is an entry of dir itself (compared by their real
 * paths); NULL otherwise. out holds it. */
static const char *entry_of(const char *dir_real, const char *path, char *out, size_t outsz)
{
    char pdir[PATH_MAX], base[PATH_MAX], real[PATH_MAX];

    split_database(path, pdir, sizeof(pdir), base, sizeof(base));
    if (realpath(pdir, real) == NULL || strcmp(real, dir_real) != 0 || base[0] == '\0')
        return NULL;
    snprintf(out, outsz, "%s", base);
    return out;
}

/*
 * `run --user`: hands the gateway's own state directory (the database's) to user, then becomes
 * user. Only the gateway's entries are given: the database, its WAL, SHM, journal and lock, and
 * the dummy phones and the alerts directory when they live there; a directory holding anything
 * else is refused, since handing it over would hand that over too. Then warns when the user
 * cannot read what SIGHUP reads again (the configuration and the content).
 */
static int become_user(const struct conf *c, const char *conf_path, const char *user)
{
    char dir[PATH_MAX], real[PATH_MAX], why[PATH_MAX + 300], base[PATH_MAX - 16];
    char names[5 + 1 + CONF_MAX_MODEMS][PATH_MAX];
    const char *list[5 + 1 + CONF_MAX_MODEMS];
    static const char *const sidecars[] = {"", "-wal", "-shm", "-journal", ".lock"};
    uid_t uid;
    gid_t gid;
    int n = 0, i;

    if (gw_user_lookup(user, &uid, &gid) < 0)
        return -1;
    split_database(c->database, dir, sizeof(dir), base, sizeof(base));
    if (realpath(dir, real) == NULL) {
        log_warn("--user %s: finding the database's directory %s", user, dir);
        return -1;
    }
    if (strcmp(real, "/") == 0) {
        log_warnx("--user %s: the database is in /; give it a directory of its own (such as "
                  "/var/lib/remitline/)",
                  user);
        return -1;
    }
    for (i = 0; i < 5; i++) {
        snprintf(names[n], sizeof(names[n]), "%s%s", base, sidecars[i]);
        list[n] = names[n];
        n++;
    }
    list[n] = entry_of(real, c->alerts_dir, names[n], sizeof(names[n]));
    n++;
    for (i = 0; i < c->nmodems; i++) {
        list[n] = NULL;
        if (strcmp(c->modems[i].model, "dummy") == 0)
            list[n] = entry_of(real, c->modems[i].device, names[n], sizeof(names[n]));
        n++;
    }
    if (gw_state_give(real, list, n, uid, gid, why, sizeof(why)) < 0) {
        log_warnx("--user %s: %s", user, why);
        return -1;
    }
    if (gw_drop_privileges(user) < 0)
        return -1;
    if (conf_path != NULL && access(conf_path, R_OK) < 0) {
        struct group grbuf, *gr = NULL;
        char buf[1024];
        getgrgid_r(gid, &grbuf, buf, sizeof(buf), &gr);
        log_warnx("--user %s cannot read %s, so SIGHUP cannot reload it: install it readable by "
                  "the gateway's group and no one else (chown root:%s %s; chmod 0640 %s)",
                  user, conf_path, gr != NULL ? gr->gr_name : user, conf_path, conf_path);
    } else if (access(c->content, R_OK) < 0)
        log_warnx("--user %s cannot read the content %s, so SIGHUP cannot re-import it", user,
                  c->content);
    for (i = 0; i < c->nmodems; i++)
        if (strcmp(c->modems[i].model, "dummy") == 0 && access(c->modems[i].device, W_OK) < 0)
            log_warnx("--user %s cannot write the dummy phone %s: put it in the database's "
                      "directory, or give it to %s",
                      user, c->modems[i].device, user);
    return 0;
}

/* Each modem's transport, and with user (run --user: about to drop root) its device opened now,
 * while it may need root. The database is opened later, by the user. 0, or -1 when one cannot
 * be made. */
static int modems_prepare(struct daemon *dm, struct modem *modems, const struct conf *c,
                          const char *user)
{
    int i;

    for (i = 0; i < c->nmodems; i++) {
        struct modem *m = &modems[i];
        m->dm = dm;
        m->mc = c->modems[i];
        m->balance = -1;
        if ((m->t = gw_transport_new(m->mc.transport[0] ? m->mc.transport : "gammu", &m->mc)) ==
            NULL) {
            log_warnx("modem %s: cannot create its transport '%s'", m->mc.name, m->mc.transport);
            return -1;
        }
        if (user != NULL) {
            /* Open what may need root now; the thread keeps it, and reconnects as the user. */
            char why[200] = "";
            if (m->t->ops->open(m->t, why, sizeof(why)) == 0)
                modem_state(m, "connected", NULL);
            else
                modem_state(m, "down", why);
        }
    }
    return 0;
}

/* The database's real path: its directory resolved, so the daemon's connections can refuse any
 * symbolic link (db_open_nofollow) without refusing a configuration that names the directory
 * through one. Left as it is when the directory cannot be resolved (the open then says why). */
static void real_database(char *database, size_t size)
{
    char dir[PATH_MAX], base[PATH_MAX], real[PATH_MAX], out[2 * PATH_MAX + 2];
    int n;

    split_database(database, dir, sizeof(dir), base, sizeof(base));
    if (strcmp(database, ":memory:") == 0 || realpath(dir, real) == NULL)
        return;
    n = snprintf(out, sizeof(out), "%s%s%s", real, strcmp(real, "/") == 0 ? "" : "/", base);
    if (n > 0 && (size_t)n < size)
        memcpy(database, out, (size_t)n + 1);
}

/* The main thread's chores, each at its own period: when each last ran. */
struct chores {
    time_t last_tick, last_scan, last_purge;
};

/* One turn of the main loop's chores: alert files, the sweep and a WAL checkpoint every 10 s,
 * the purge every hour, long SMS whose parts stopped coming every second. */
static void main_tick(struct daemon *dm, db *d, gw_ctx *main_ctx, struct chores *ch, time_t now)
{
    int n;

    /* The main thread's handlers resolve alert topics with the current content. */
    gw_ctx_refresh(main_ctx);
    if (gw_ctx_handlers(main_ctx) != NULL && now - ch->last_scan >= 10) {
        scan_alerts(&dm->conf, d, gw_ctx_handlers(main_ctx));
        if ((n = db_outbox_sweep(d, now)) > 0)
            log_info("sweep set-aside=%d (to numbers that said STOP, or alerts expired)", n);
        db_checkpoint(d); /* keeps the WAL small: see db.h */
        ch->last_scan = now;
    }
    if (now - ch->last_purge >= 3600) {
        struct db_purge_counts pc;
        if (db_purge(d, now - (int64_t)dm->conf.retention_days * 86400, now, &pc) == 0 &&
            pc.inbox + pc.outbox + pc.parts + pc.consent + pc.other > 0)
            log_info("purge days=%d inbox=%ld outbox=%ld parts=%ld consent=%ld other=%ld",
                     dm->conf.retention_days, pc.inbox, pc.outbox, pc.parts, pc.consent, pc.other);
        ch->last_purge = now;
    }
    if (now != ch->last_tick) {
        int unmatched = 0;
        if ((n = db_delivery_expire(d, now - dm->conf.delivery_timeout, now, &unmatched)) > 0)
            log_info("delivery expired=%d (parts with no report after %d s)", n,
                     dm->conf.delivery_timeout);
        if (unmatched > 0)
            log_warnx("delivery unmatched=%d (reports that match no part sent: kept in "
                      "delivery_report)",
                      unmatched);
        n = db_inbox_expire(d, now - dm->conf.multipart_timeout, now);
        if (n > 0)
            log_warnx("sms-in incomplete=%d (long SMS with parts missing after %d s, "
                      "answered as they are)",
                      n, dm->conf.multipart_timeout);
        ch->last_tick = now;
    }
}

int gw_run(const struct conf *c, const char *conf_path, const char *user)
{
    struct daemon *dm = calloc(1, sizeof(*dm));
    struct modem *modems = calloc(CONF_MAX_MODEMS, sizeof(*modems));
    struct gw_http *http = NULL;
    sigset_t set;
    struct chores ch = {0, 0, 0};
    gw_ctx *main_ctx = NULL; /* the main thread's own, to resolve alert topics */
    db *d = NULL;
    int i, started = 0, rc = 1, recovered, lockfd, listen_fd = -1;

    if (dm == NULL || modems == NULL)
        fatal("allocating the daemon");
    dm->conf = *c;
    c = &dm->conf; /* from here on, the copy whose database path is the real one */
    make_parent(dm->conf.database);
    real_database(dm->conf.database, sizeof(dm->conf.database));
    if ((dm->live = gw_live_new(c)) == NULL)
        fatal("allocating the daemon");
    /* Signals are taken synchronously by the main thread; no handler, no flag. */
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL);

    lockfd = lock_database(c->database);
#ifdef RL_FAULTS
    log_warnx("start: this is a test build with the fault switches (REMITLINE_FAULTS) compiled "
              "in; build with `make build` (-DREMITLINE_FAULTS=OFF) for real use");
#endif
    /* What may need root first (the modems' devices, a port below 1024); then, with --user, the
     * state directory is handed over and root is dropped before the database is opened: root
     * never opens a file in a directory the gateway's user may own, but for the lock above. */
    if (modems_prepare(dm, modems, c, user) < 0)
        goto stop;
    if (c->http.listen[0] != '\0' && (listen_fd = gw_http_bind(c->http.listen)) < 0)
        goto stop;
    if (user != NULL && become_user(c, conf_path, user) < 0) {
        log_warnx("stop: could not become user %s; not running as root", user);
        goto stop;
    }
    if ((d = db_open_nofollow(c->database)) == NULL)
        fatalx("cannot open the database %s", c->database);
    if (ensure_content(c, d) < 0)
        fatalx("the shipped content did not import; fix it and start again");
    if ((main_ctx = gw_ctx_open(dm->live, d)) == NULL)
        fatal("allocating the daemon");
    if ((recovered = db_outbox_recover(d)) > 0)
        log_warnx("recover messages=%d (half-sent before a crash; they go out again)", recovered);
    log_info("start version=%s modems=%d database=%s", RL_VERSION, c->nmodems, c->database);
    if (listen_fd >= 0) {
        http = gw_http_start(c, dm->live, listen_fd);
        listen_fd = -1; /* the server's, even when it failed */
        if (http == NULL)
            goto stop;
    }
    for (i = 0; i < c->nmodems; i++) {
        struct modem *m = &modems[i];
        if (pthread_create(&m->tid, NULL, modem_main, m) != 0) {
            log_warn("modem %s: starting its thread", m->mc.name);
            goto stop;
        }
        started++;
    }
    rc = 0;
    while (!atomic_load(&dm->stop)) {
        struct timespec one = {1, 0};
        siginfo_t si;
        int sig = sigtimedwait(&set, &si, &one);
        time_t now = time(NULL);

        gw_http_tick(http);
        if (sig == SIGTERM || sig == SIGINT) {
            log_info("stop signal=%s", sig == SIGTERM ? "TERM" : "INT");
            atomic_store(&dm->stop, 1);
        } else if (sig == SIGHUP) {
            reload(dm, conf_path, d);
            ch.last_scan = 0; /* look at the alert files now */
        }
        main_tick(dm, d, main_ctx, &ch, now);
    }
stop:
    atomic_store(&dm->stop, 1);
    gw_http_stop(http);
    for (i = 0; i < started; i++)
        pthread_join(modems[i].tid, NULL);
    for (i = started; i < c->nmodems; i++)
        db_close(modems[i].d); /* opened for a thread that never ran */
    for (i = 0; i < c->nmodems; i++)
        gw_transport_free(modems[i].t);
    gw_ctx_close(main_ctx);
    db_close(d);
    gw_live_free(dm->live);
    free(modems);
    free(dm);
    if (listen_fd >= 0)
        close(listen_fd);
    close(lockfd);
    log_info("stopped");
    return rc;
}
