/*
 * tr_gammu.c: the GSM modem transport, through libGammu. One GSM_StateMachine per transport,
 * touched only by the thread that owns the transport; its watchdog thread only ever calls
 * GSM_AbortOperation on it (libGammu's one thread-safe call), under the watchdog's mutex.
 *
 * The watchdog: every libGammu call that talks to the modem runs between guard_begin() and
 * guard_end(), with a deadline (the modem's 'timeout'). libGammu waits up to 200 rounds of a
 * second for a reply, and a reply can be lost for good: a line its AT parser does not know
 * (a Huawei stick's ^SMMEMFULL, ^CEND) is glued to the front of the next reply, which then
 * matches nothing. The watchdog aborts a call past its deadline, or at once when the device
 * node went away (unplugged); Gammu's debug output, read here, says when a reply was lost
 * ("UNKNOWN frame") and cuts the deadline to 2 s. An aborted state machine stays aborted
 * (Gammu never clears the flag), so the call returns GW_DEVICE_ERROR and the daemon opens the
 * modem again: a fresh connection, never a reset of the stick (AT+CFUN=1,1).
 *
 * Gammu's habits handled here: ERR_NONE is 1, not 0; GSM_InitConnection resets every callback,
 * so they are registered after each connect; after a failed connect GSM_TerminateConnection runs
 * before the next try; GSM_MultiSMSMessage is about 260 KB and lives on the heap; Gammu's text
 * helpers work in its own UCS-2 buffers, converted here with DecodeUTF8/EncodeUTF8.
 */
#include <errno.h>
#include <gammu.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/log.h"
#include "util/mono.h"
#include "util/utf8.h"
#include "gateway/transport.h"

#define SEND_WAIT   60   /* seconds the network may take to accept a part the modem took */
#define USSD_WAIT   30   /* seconds the network may take to answer a USSD code */
#define DESYNC_WAIT 2    /* seconds left to a call once Gammu said it lost a reply */
#define READ_STEPS  1000 /* GetNextSMS calls in one pass: more than any SIM and phone hold */
#define READ_ERRORS 10   /* failed GetNextSMS calls in a row that end a pass */

struct gammu {
    GSM_StateMachine *sm;
    GSM_MultiSMSMessage *msms;
    int connected;
    int is_dummy;
    int send_done;        /* set by the send-status callback */
    int send_status;      /* 0 = delivered to the network */
    int send_ref;         /* the network's message reference (TP-MR) of the last part sent */
    int incoming;         /* set by the incoming-SMS callback */
    int bad_reported;     /* unreadable messages last reported, to say it once */
    char stop_said[200];  /* why the last read pass stopped early, to say it once */
    int watch_fd;         /* dummy phone: inotify on DIR/sms/1, so wait() wakes when a file lands */
    int ussd_pending;     /* a USSD code was dialled; its answer has not come yet */
    double ussd_deadline; /* mono seconds */
    int ussd_done;        /* set by the incoming-USSD callback */
    char ussd[640];       /* its text, UTF-8 */
    unsigned char smsc[(GSM_MAX_NUMBER_LENGTH + 1) * 2]; /* the SIM's SMS centre, Gammu's UCS-2 */
    int smsc_known;        /* read once a connection, not before every send */
    char modem_error[160]; /* the modem's last +CME/+CMS ERROR with its meaning, from Gammu */
    char logline[512];     /* Gammu's debug output, gathered into lines */
    size_t loglen;
    char device[PATH_MAX]; /* the device as opened, and its node, for the watchdog */
    dev_t rdev;
    int have_dev;
    double dev_checked; /* when wait() last looked at the node */
    int dead;           /* a read failed or the node went: the link is gone (owner thread) */
    int timeout;        /* seconds one call may take */
    int pin_refused;    /* the SIM refused the configured PIN: never entered again (3 lock it) */
    int sim_size;       /* the SIM's SMS locations, as read at connect; 0 unknown */
    int full_said;      /* the SIM was last seen full, and said so: said again once it had room */
    /* Shared with the watchdog thread, under mu. */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t wd;
    int wd_started, quit;
    double deadline;     /* mono seconds by which the call in progress must end; 0: none */
    int armed;           /* the seconds it was given */
    int desync;          /* Gammu said it lost this call's reply */
    long lines;          /* lines of Gammu's reasoning during the call: busy, or silent? */
    int aborted;         /* GSM_AbortOperation was called: this state machine is spent */
    char abort_why[160]; /* why, in an operator's words */
};

/* What an operator should read for a Gammu error. */
static const char *gammu_words(GSM_Error e)
{
    switch (e) {
    case ERR_DEVICENOTEXIST:
        return "modem not found at its device (unplugged, or a wrong 'device' path?)";
    case ERR_DEVICEOPENERROR:
    case ERR_DEVICENOPERMISSION:
        return "cannot open the modem's device (permissions, or another program has it: is "
               "gammu-smsd running?)";
    case ERR_DEVICELOCKED:
    case ERR_DEVICEBUSY:
        return "the modem is in use by another program (stop gammu-smsd or ModemManager)";
    case ERR_TIMEOUT:
        return "the modem does not answer (wrong 'connection' speed, or it hung: power-cycle it)";
    case ERR_DEVICEREADERROR:
    case ERR_DEVICEWRITEERROR:
    case ERR_DEVICENOTWORK:
        return "the link to the modem broke (loose cable, power, or the modem reset)";
    case ERR_NOTCONNECTED:
        return "the modem is not connected";
    case ERR_SECURITYERROR:
        return "the SIM needs its PIN: set pin = \"....\" in this modem's config";
    case ERR_NOSIM:
        return "no SIM card in the modem";
    case ERR_FULL:
        return "the SIM's message memory is full";
    case ERR_EMPTYSMSC:
        return "no SMS centre number on the SIM: ask the operator for it and store it on the "
               "SIM";
    case ERR_UNKNOWNMODELSTRING:
    case ERR_UNKNOWNCONNECTIONTYPESTRING:
        return "Gammu does not know this 'model' or 'connection'";
    case ERR_PHONEOFF:
        return "the modem's radio is off";
    case ERR_UNKNOWN:
        return "the modem answered with an error";
    default:
        return GSM_ErrorString(e);
    }
}

/* Device errors end the link; anything else is a failure of one operation. */
static int is_device_error(GSM_Error e)
{
    switch (e) {
    case ERR_DEVICEOPENERROR:
    case ERR_DEVICELOCKED:
    case ERR_DEVICENOTEXIST:
    case ERR_DEVICEBUSY:
    case ERR_DEVICENOPERMISSION:
    case ERR_DEVICENODRIVER:
    case ERR_DEVICENOTWORK:
    case ERR_DEVICEREADERROR:
    case ERR_DEVICEWRITEERROR:
    case ERR_TIMEOUT:
    case ERR_NOTCONNECTED:
    case ERR_PHONEOFF:
        return 1;
    default:
        return 0;
    }
}

/* Whether the device node is no longer the one opened (unplugged, or another behind the same
 * name). Only character devices are watched: the dummy phone is a directory. */
static int device_gone(const struct gammu *g)
{
    struct stat st;

    if (!g->have_dev)
        return 0;
    return stat(g->device, &st) < 0 || st.st_rdev != g->rdev;
}

/* Under mu: gives up on the call in progress. */
static void abort_locked(struct gammu *g, const char *why)
{
    if (g->aborted || g->sm == NULL)
        return;
    GSM_AbortOperation(g->sm);
    g->aborted = 1;
    snprintf(g->abort_why, sizeof(g->abort_why), "%s", why);
}

static void *watchdog_main(void *arg)
{
    struct gammu *g = arg;

    pthread_mutex_lock(&g->mu);
    while (!g->quit) {
        double now = mono_s(), until;
        struct timespec ts;

        if (g->deadline == 0 || g->aborted) {
            pthread_cond_wait(&g->cv, &g->mu); /* idle: no timer, no cost */
            continue;
        }
        if (now >= g->deadline) {
            char why[160];
            if (g->desync)
                snprintf(why, sizeof(why),
                         "libGammu lost the modem's reply (the modem sent a "
                         "line libGammu does not know)");
            else if (g->lines > 500)
                snprintf(why, sizeof(why),
                         "libGammu kept the modem busy past %d s (trying location after "
                         "location: a SIM that will not list its messages?)",
                         g->armed);
            else
                snprintf(why, sizeof(why), "the modem stopped answering (no reply within %d s)",
                         g->armed);
            abort_locked(g, why);
            continue;
        }
        if (device_gone(g)) {
            abort_locked(g, "the modem's device went away (unplugged?)");
            continue;
        }
        until = g->deadline < now + 1 ? g->deadline : now + 1; /* the node, once a second */
        ts.tv_sec = (time_t)until;
        ts.tv_nsec = (long)((until - (double)ts.tv_sec) * 1e9);
        pthread_cond_timedwait(&g->cv, &g->mu, &ts);
    }
    pthread_mutex_unlock(&g->mu);
    return NULL;
}

/* Arms the watchdog for one libGammu call of at most secs seconds. */
static void guard_begin(struct gammu *g, int secs)
{
    pthread_mutex_lock(&g->mu);
    g->deadline = mono_s() + secs;
    g->armed = secs;
    g->desync = 0;
    g->lines = 0;
    pthread_cond_signal(&g->cv);
    pthread_mutex_unlock(&g->mu);
    g->modem_error[0] = '\0';
}

/* Disarms it; returns 1 when the call was aborted (the state machine is spent), else 0. */
static int guard_end(struct gammu *g)
{
    int aborted;

    pthread_mutex_lock(&g->mu);
    g->deadline = 0;
    aborted = g->aborted;
    pthread_mutex_unlock(&g->mu);
    return aborted;
}

/* Whether the link must be opened again after a call that returned e. */
static int link_lost(struct gammu *g, GSM_Error e)
{
    int aborted;

    pthread_mutex_lock(&g->mu);
    aborted = g->aborted;
    pthread_mutex_unlock(&g->mu);
    return aborted || g->dead || is_device_error(e) || e == ERR_ABORTED;
}

/* What went wrong, in an operator's words: why the watchdog stepped in, or Gammu's error with
 * the modem's own (+CME ERROR 100: "unknown"). */
static void say_error(struct gammu *g, GSM_Error e, char *why, size_t whysz)
{
    pthread_mutex_lock(&g->mu);
    if (g->aborted)
        snprintf(why, whysz, "%s", g->abort_why);
    else if (g->dead)
        snprintf(why, whysz, "%s", gammu_words(ERR_DEVICEREADERROR));
    else if (g->modem_error[0] != '\0')
        snprintf(why, whysz, "%s (%s)", gammu_words(e), g->modem_error);
    else
        snprintf(why, whysz, "%s", gammu_words(e));
    pthread_mutex_unlock(&g->mu);
}

/* One line of Gammu's debug output (the level "errors" gives every line of its reasoning). */
static void gammu_line(struct gammu *g, const char *line)
{
    int code;
    char text[120] = "";

    pthread_mutex_lock(&g->mu);
    g->lines++; /* the watchdog's measure of a busy modem */
    pthread_mutex_unlock(&g->mu);
    /* "CME Error 100: \"unknown\"": the modem's error and Gammu's name for it. */
    if ((strncmp(line, "CME Error ", 10) == 0 || strncmp(line, "CMS Error ", 10) == 0) &&
        sscanf(line + 10, "%d: \"%119[^\"]", &code, text) >= 1)
        snprintf(g->modem_error, sizeof(g->modem_error), "+%.3s ERROR %d%s%s%s", line, code,
                 text[0] ? ": \"" : "", text, text[0] ? "\"" : "");
    /* A reply matched nothing: the call in progress waits for it in vain. */
    if (strstr(line, "UNKNOWN frame") != NULL && g->connected) {
        pthread_mutex_lock(&g->mu);
        if (g->deadline != 0 && g->deadline > mono_s() + DESYNC_WAIT) {
            g->deadline = mono_s() + DESYNC_WAIT;
            g->desync = 1;
            pthread_cond_signal(&g->cv);
        }
        pthread_mutex_unlock(&g->mu);
        log_debug("modem: libGammu lost a reply (the modem sent a line it does not know)");
    }
}

static void on_gammu_log(const char *text, void *arg)
{
    struct gammu *g = arg;

    for (; *text != '\0'; text++) {
        if (*text == '\n') {
            g->logline[g->loglen] = '\0';
            gammu_line(g, g->logline);
            g->loglen = 0;
        } else if (g->loglen + 1 < sizeof(g->logline)) {
            g->logline[g->loglen++] = *text;
        }
    }
}

static void on_send_status(GSM_StateMachine *sm, int status, int ref, void *arg)
{
    struct gammu *g = arg;

    (void)sm;
    g->send_status = status;
    g->send_ref = ref; /* TP-MR: what the part's status report will carry */
    g->send_done = 1;
}

static void on_incoming(GSM_StateMachine *sm, GSM_SMSMessage *sms, void *arg)
{
    struct gammu *g = arg;

    (void)sm;
    (void)sms;
    g->incoming = 1; /* the SMS itself is read by the next GetNextSMS pass */
}

static void on_ussd(GSM_StateMachine *sm, GSM_USSDMessage *u, void *arg)
{
    struct gammu *g = arg;
    char buf[sizeof(u->Text) * 2];

    (void)sm;
    EncodeUTF8(buf, u->Text);
    snprintf(g->ussd, sizeof(g->ussd), "%.639s", buf);
    g->ussd_done = 1;
}

static int set_config(struct transport *t, struct gammu *g, char *why, size_t whysz)
{
    const struct conf_modem *m = t->conf;
    GSM_Config *cfg = GSM_GetConfig(g->sm, 0);
    INI_Section *ini = NULL;
    GSM_Error e;

    if (m->gammurc[0] != '\0') {
        e = GSM_FindGammuRC(&ini, m->gammurc);
        if (e != ERR_NONE) {
            snprintf(why, whysz, "cannot read gammurc %s: %s", m->gammurc, GSM_ErrorString(e));
            return -1;
        }
        e = GSM_ReadConfig(ini, cfg, m->section);
        INI_Free(ini);
        if (e != ERR_NONE) {
            snprintf(why, whysz, "no section %d in gammurc %s", m->section, m->gammurc);
            return -1;
        }
    } else {
        GSM_ReadConfig(NULL, cfg, 0); /* Gammu's defaults for every other field */
        free(cfg->Device);
        free(cfg->Connection);
        cfg->Device = strdup(m->device);
        cfg->Connection = strdup(m->connection);
        snprintf(cfg->Model, sizeof(cfg->Model), "%s", m->model);
        if (cfg->Device == NULL || cfg->Connection == NULL) {
            snprintf(why, whysz, "out of memory");
            return -1;
        }
    }
    cfg->LockDevice = FALSE;
    cfg->StartInfo = FALSE;
    GSM_SetConfigNum(g->sm, 1);
    g->is_dummy = strcmp(cfg->Model, "dummy") == 0;
    /* The dummy phone's directory must exist; a fresh ./var/phone is made here. */
    if (g->is_dummy && mkdir(cfg->Device, 0750) < 0 && errno != EEXIST) {
        snprintf(why, whysz, "cannot create the dummy phone's directory %s: %s", cfg->Device,
                 strerror(errno));
        return -1;
    }
    return 0;
}

static void gammu_close(struct transport *t)
{
    struct gammu *g = t->priv;

    if (g == NULL || g->sm == NULL)
        return;
    if (g->watch_fd >= 0)
        close(g->watch_fd);
    g->watch_fd = -1;
    t->wakeups = 0;
    /* Gammu's close writes nothing to the modem: quick even on a dead link. */
    GSM_TerminateConnection(g->sm);
    pthread_mutex_lock(&g->mu);
    GSM_FreeStateMachine(g->sm);
    g->sm = NULL;
    g->aborted = 0;
    g->deadline = 0;
    pthread_mutex_unlock(&g->mu);
    g->connected = 0;
    g->dead = 0;
    g->smsc_known = 0;
    g->ussd_pending = 0;
}

/* The SIM's SMS centre, read once a connection: Gammu would otherwise ask (AT+CSCA?) before
 * every send, and a failure there costs the message an attempt. 0, or -1 with why. */
static int read_smsc(struct transport *t, struct gammu *g, char *why, size_t whysz)
{
    GSM_SMSC smsc;
    GSM_Error e;

    memset(&smsc, 0, sizeof(smsc));
    smsc.Location = 1;
    guard_begin(g, g->timeout);
    e = GSM_GetSMSC(g->sm, &smsc);
    guard_end(g);
    if (e == ERR_NONE && smsc.Number[0] == 0 && smsc.Number[1] == 0)
        e = ERR_EMPTYSMSC;
    if (e != ERR_NONE) {
        say_error(g, e, why, whysz);
        return -1;
    }
    memcpy(g->smsc, smsc.Number,
           sizeof(g->smsc) < sizeof(smsc.Number) ? sizeof(g->smsc) : sizeof(smsc.Number));
    g->smsc_known = 1;
    (void)t;
    return 0;
}

/* A full SIM, in plain words, once each time it fills: at connect, or when a read pass finds
 * every location taken (the network holds what comes meanwhile, and it lands as the pass
 * deletes). A SIM seen with room again is said again the next time it fills. */
static void say_full(struct transport *t, struct gammu *g, int used)
{
    if (g->sim_size <= 0 || used < g->sim_size) {
        g->full_said = 0;
        return;
    }
    if (g->full_said)
        return;
    g->full_said = 1;
    log_warnx("modem %s: the SIM's message memory is full; reading and deleting now "
              "(%d of %d used)",
              t->conf->name, used, g->sim_size);
}

/* PIN, SMS centre and SIM memory: the problems that stop a modem in the field. */
static int check_sim(struct transport *t, struct gammu *g, char *why, size_t whysz)
{
    GSM_SecurityCodeType sec = SEC_None;
    GSM_SMSMemoryStatus st;
    GSM_Error e;
    char smsc_why[200];

    if (g->is_dummy)
        return 0;
    guard_begin(g, g->timeout);
    e = GSM_GetSecurityStatus(g->sm, &sec);
    guard_end(g);
    if (link_lost(g, e)) {
        say_error(g, e, why, whysz);
        return -1;
    }
    if (e == ERR_NONE && sec == SEC_Pin) {
        GSM_SecurityCode code;
        if (t->conf->pin[0] == '\0') {
            snprintf(why, whysz, "%s", gammu_words(ERR_SECURITYERROR));
            return -1;
        }
        if (g->pin_refused) {
            snprintf(why, whysz,
                     "the SIM refused the configured PIN; it is not tried again (three wrong "
                     "PINs lock the SIM): fix 'pin' and restart remitline");
            return -1;
        }
        memset(&code, 0, sizeof(code));
        code.Type = SEC_Pin;
        snprintf(code.Code, sizeof(code.Code), "%s", t->conf->pin);
        guard_begin(g, g->timeout);
        e = GSM_EnterSecurityCode(g->sm, &code);
        guard_end(g);
        if (e != ERR_NONE) {
            char err[200];
            g->pin_refused = !link_lost(g, e); /* refused, not lost on the way */
            say_error(g, e, err, sizeof(err));
            snprintf(why, whysz,
                     "the SIM refused the configured PIN (%s); fix 'pin' before "
                     "the SIM locks",
                     err);
            return -1;
        }
    }
    if (read_smsc(t, g, smsc_why, sizeof(smsc_why)) < 0) {
        if (link_lost(g, ERR_NONE)) {
            snprintf(why, whysz, "%s", smsc_why);
            return -1;
        }
        log_warnx("modem %s: %s; replies cannot be sent", t->conf->name, smsc_why);
    }
    memset(&st, 0, sizeof(st));
    guard_begin(g, g->timeout);
    e = GSM_GetSMSStatus(g->sm, &st);
    guard_end(g);
    if (link_lost(g, e)) {
        say_error(g, e, why, whysz);
        return -1;
    }
    if (e == ERR_NONE) {
        g->sim_size = st.SIMSize;
        say_full(t, g, st.SIMUsed);
    }
    return 0;
}

/* The dummy phone announces nothing: without a watch, an SMS waits up to a whole poll interval
 * before the next GetNextSMS pass sees it. InitConnection has created DIR/sms/1 by now. If the
 * watch cannot be set up, polling alone still finds every message. */
static void watch_dummy_inbox(struct transport *t, struct gammu *g)
{
    char path[PATH_MAX];

    snprintf(path, sizeof(path), "%s/sms/1", GSM_GetConfig(g->sm, 0)->Device);
    g->watch_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (g->watch_fd >= 0 && inotify_add_watch(g->watch_fd, path, IN_CREATE | IN_MOVED_TO) < 0) {
        log_warn("watching %s (polling only)", path);
        close(g->watch_fd);
        g->watch_fd = -1;
    }
    t->wakeups = g->watch_fd >= 0;
}

static int gammu_open(struct transport *t, char *why, size_t whysz)
{
    struct gammu *g = t->priv;
    GSM_Config *cfg;
    struct stat st;
    GSM_Error e;

    gammu_close(t);
    if ((g->sm = GSM_AllocStateMachine()) == NULL) {
        snprintf(why, whysz, "out of memory");
        return -1;
    }
    if (set_config(t, g, why, whysz) < 0)
        goto fail;
    cfg = GSM_GetConfig(g->sm, 0);
    g->timeout = t->conf->timeout > 0 ? t->conf->timeout : 10;
    snprintf(g->device, sizeof(g->device), "%s", cfg->Device);
    g->have_dev = !g->is_dummy && stat(g->device, &st) == 0 && S_ISCHR(st.st_mode);
    g->rdev = g->have_dev ? st.st_rdev : 0;
    g->dev_checked = mono_s();
    g->loglen = 0;
    /* Gammu's reasoning comes here (the +CME text, the lost replies), unless the operator's
     * gammurc sends it to a log file of their own. */
    guard_begin(g, g->timeout + 20); /* the first commands are written slowly, a char at a time */
    if (cfg->DebugFile == NULL || cfg->DebugFile[0] == '\0') {
        cfg->UseGlobalDebugFile = FALSE;
        snprintf(cfg->DebugLevel, sizeof(cfg->DebugLevel), "errors");
        e = GSM_InitConnection_Log(g->sm, 1, on_gammu_log, g);
    } else {
        e = GSM_InitConnection(g->sm, 1);
    }
    guard_end(g);
    if (e != ERR_NONE) {
        say_error(g, e, why, whysz);
        goto fail;
    }
    g->connected = 1;
    /* InitConnection cleared every callback: register them again on each connect. */
    GSM_SetSendSMSStatusCallback(g->sm, on_send_status, g);
    GSM_SetIncomingSMSCallback(g->sm, on_incoming, g);
    GSM_SetIncomingUSSDCallback(g->sm, on_ussd, g);
    if (!g->is_dummy) {
        /* New-message notices (+CMTI): read when one comes, and only now and then otherwise.
         * A modem that cannot is read every poll interval. */
        guard_begin(g, g->timeout);
        e = GSM_SetIncomingSMS(g->sm, TRUE);
        guard_end(g);
        if (link_lost(g, e)) {
            say_error(g, e, why, whysz);
            goto fail;
        }
        t->wakeups = e == ERR_NONE;
        if (e != ERR_NONE)
            log_info("modem %s: no new-message notices (%s); reading every poll interval",
                     t->conf->name, gammu_words(e));
    } else {
        watch_dummy_inbox(t, g);
    }
    if (check_sim(t, g, why, whysz) < 0)
        goto fail;
    return 0;
fail:
    gammu_close(t);
    return -1;
}

static int gammu_present(struct transport *t)
{
    struct gammu *g = t->priv;
    const char *dev = t->conf->device;

    if (t->conf->gammurc[0] != '\0' || strcmp(t->conf->model, "dummy") == 0 || dev[0] == '\0')
        return -1;
    (void)g;
    return access(dev, F_OK) == 0;
}

/* Gammu's SMS to ours: number and text to UTF-8, the concatenation UDH read. A number too long
 * to hold whole is left empty (never cut: a cut number is someone else's); binary (8-bit) data
 * is kept as hex, for the record: it is no text to answer. */
static void convert_in(const GSM_SMSMessage *s, struct gw_in_sms *m)
{
    char buf[sizeof(s->Text) * 2];
    size_t n;

    memset(m, 0, sizeof(*m));
    EncodeUTF8(buf, s->Number);
    if ((n = strlen(buf)) < sizeof(m->sender))
        memcpy(m->sender, buf, n + 1);
    if (s->Coding == SMS_Coding_8bit) {
        static const char hex[] = "0123456789abcdef";
        size_t len = s->Length > 0 ? (size_t)s->Length : 0, i;
        for (i = 0; i < len && i < sizeof(s->Text) && 2 * i + 2 < sizeof(m->text); i++) {
            m->text[2 * i] = hex[s->Text[i] >> 4];
            m->text[2 * i + 1] = hex[s->Text[i] & 15];
        }
        m->text[2 * i] = '\0';
        m->coding = "8bit";
    } else {
        EncodeUTF8(buf, s->Text); /* a part is at most 160 characters: 640 bytes */
        n = utf8_prefix(buf, sizeof(m->text) - 1);
        memcpy(m->text, buf, n);
        m->text[n] = '\0';
        m->coding = (s->Coding == SMS_Coding_Unicode_No_Compression ||
                     s->Coding == SMS_Coding_Unicode_Compression)
                        ? "ucs2"
                        : "gsm7";
    }
    m->smsc_time = Fill_Time_T(s->DateTime);
    m->concat_ref = -1;
    m->parts = m->part = 1;
    if (s->UDH.Type != UDH_NoUDH && s->UDH.AllParts > 1) {
        m->concat_ref = s->UDH.ID16bit >= 0 ? s->UDH.ID16bit : s->UDH.ID8bit;
        m->parts = s->UDH.AllParts;
        m->part = s->UDH.PartNumber;
    }
}

/* What a status report says, in a word (GSM 03.40 9.2.3.15: TP-Status). */
static const char *report_status(unsigned char st)
{
    if (st < 0x20)
        return "delivered";
    if (st < 0x40)
        return "pending";
    return "failed";
}

/* A status report (the network saying whether a reply arrived): recorded through cb as a
 * delivery report (#17), logged, then deleted, so the SIM does not fill with them. 0, -1 when
 * the daemon could not keep it (it stays on the SIM for the next pass), or GW_DEVICE_ERROR. */
static int take_report(struct transport *t, struct gammu *g, GSM_SMSMessage *s, gw_in_cb cb,
                       void *arg)
{
    char buf[sizeof(s->Number) * 2], num[40];
    struct gw_in_sms m;
    GSM_Error e;

    EncodeUTF8(buf, s->Number);
    memset(&m, 0, sizeof(m));
    if (strlen(buf) < sizeof(m.sender))
        memcpy(m.sender, buf, strlen(buf) + 1);
    m.coding = "gsm7";
    m.concat_ref = -1;
    m.parts = m.part = 1;
    m.report = 1;
    m.report_ref = s->MessageReference & 0xff;
    m.report_status = s->DeliveryStatus;
    m.smsc_time = Fill_Time_T(s->DateTime);
    if (cb(arg, &m) < 0)
        return -1;
    log_info("sms-report modem=%s to=%s ref=%d status=%s code=0x%02x", t->conf->name,
             log_number(buf, num, sizeof(num)), s->MessageReference,
             report_status(s->DeliveryStatus), s->DeliveryStatus);
    guard_begin(g, g->timeout);
    e = GSM_DeleteSMS(g->sm, s);
    guard_end(g);
    if (link_lost(g, e))
        return GW_DEVICE_ERROR;
    return 0;
}

/* Says once per change why a pass stopped before the end of the list. */
static void say_stop(struct transport *t, struct gammu *g, const char *why)
{
    if (strcmp(why, g->stop_said) == 0)
        return;
    if (why[0] != '\0')
        log_warnx("modem %s: reading SMS stopped early: %s; the rest is read at the next pass",
                  t->conf->name, why);
    snprintf(g->stop_said, sizeof(g->stop_said), "%s", why);
}

static int gammu_receive(struct transport *t, gw_in_cb cb, void *arg)
{
    struct gammu *g = t->priv;
    struct gw_in_sms m;
    gboolean start = TRUE;
    GSM_Error e;
    char why[200] = "";
    int n = 0, i, bad = 0, last_folder = -1, last_loc = -1, errors = 0, seen = 0;

    if (!g->connected)
        return GW_DEVICE_ERROR;
    if (link_lost(g, ERR_NONE)) { /* since the last pass: a status refresh, a USSD, wait() */
        say_error(g, ERR_DEVICENOTWORK, why, sizeof(why));
        log_warnx("modem %s: %s", t->conf->name, why);
        return GW_DEVICE_ERROR;
    }
    g->incoming = 0;
    memset(g->msms, 0, sizeof(*g->msms));
    /* A pass ends at the end of the list, or as soon as it stops making progress: Gammu can
     * answer the same error for the same place forever, or, when the modem will not list its
     * messages, try every location up to 100,000 (99,999 calls, once), each costing the
     * modem's time. One unreadable message is stepped over, not a reason to stop; an error
     * that does not move on, or READ_ERRORS in a row, are. */
    for (int steps = 0; steps < READ_STEPS; steps++) {
        int folder, loc, progressed, on_sim;

        guard_begin(g, g->timeout);
        e = GSM_GetNextSMS(g->sm, g->msms, start);
        guard_end(g);
        start = FALSE;
        if (e == ERR_EMPTY) {
            /* The whole list was read: how many locations it took says whether the SIM was
             * full (a burst faster than the reads, or a gateway that was away). */
            say_full(t, g, seen);
            break; /* the end of the pass; the buffer still holds the last SMS: do not read it */
        }
        if (link_lost(g, e)) {
            say_error(g, e, why, sizeof(why));
            log_warnx("modem %s: reading SMS: %s", t->conf->name, why);
            return GW_DEVICE_ERROR;
        }
        folder = g->msms->SMS[0].Folder;
        loc = g->msms->SMS[0].Location;
        /* A location of the SIM's, unless Gammu says the phone's own memory (its folders 3 and
         * 4): a modem that lists both must not be called full for the phone's messages. */
        on_sim = g->msms->SMS[0].Memory != MEM_ME && folder <= 2;
        progressed = folder != last_folder || loc != last_loc;
        last_folder = folder;
        last_loc = loc;
        if (e != ERR_NONE) {
            if (!progressed || ++errors >= READ_ERRORS) {
                say_error(g, e, why, sizeof(why));
                break;
            }
            /* One unreadable message (a corrupt file on the dummy phone, a PDU Gammu cannot
             * decode) must not hide the ones after it: step past it. */
            bad++;
            seen += on_sim;
            continue;
        }
        errors = 0;
        seen += on_sim;
        for (i = 0; i < g->msms->Number; i++) {
            GSM_SMSMessage *s = &g->msms->SMS[i];
            if (s->PDU == SMS_Status_Report) {
                int rc = take_report(t, g, s, cb, arg);
                if (rc != 0)
                    return rc; /* -1: not kept; it stays on the SIM for the next pass */
                continue;
            }
            if (!s->InboxFolder || s->PDU != SMS_Deliver)
                continue; /* the phone's own outbox and sent items */
            convert_in(s, &m);
            if (m.sender[0] == '\0') {
                bad++;
                continue; /* nobody to answer; it stays for an operator to look at */
            }
            if (cb(arg, &m) < 0)
                return -1; /* not stored: leave it on the phone for the next pass */
            /* Stored: now it may go. Deleting inside the pass is safe. */
            guard_begin(g, g->timeout);
            e = GSM_DeleteSMS(g->sm, s);
            guard_end(g);
            if (e != ERR_NONE && e != ERR_EMPTY) {
                say_error(g, e, why, sizeof(why));
                log_warnx("modem %s: deleting SMS %d after storing it: %s", t->conf->name,
                          s->Location, why);
                if (link_lost(g, e))
                    return GW_DEVICE_ERROR;
            }
            n++;
        }
    }
    say_stop(t, g, why);
    /* Said once per change, not once a pass. */
    if (bad != g->bad_reported) {
        if (bad > 0)
            log_warnx("modem %s: %d message%s on the phone cannot be read and stay there",
                      t->conf->name, bad, bad == 1 ? "" : "s");
        g->bad_reported = bad;
    }
    return n;
}

static int gammu_send(struct transport *t, const struct gw_out_part *p, char *why, size_t whysz)
{
    struct gammu *g = t->priv;
    GSM_SMSMessage sms;
    GSM_Error e;
    int fault, taken;

    if (!g->connected || g->dead || link_lost(g, ERR_NONE)) {
        snprintf(why, whysz, "%s", gammu_words(ERR_NOTCONNECTED));
        return GW_DEVICE_ERROR;
    }
    if ((fault = gw_fault_send(t->conf->name, p->recipient)) != 0) {
        snprintf(why, whysz, "injected fault");
        return fault;
    }
    /* No SMS centre: not this message's fault. The link is reopened (and the SIM asked again)
     * while the message waits for this modem or another. */
    if (!g->is_dummy && !g->smsc_known && read_smsc(t, g, why, whysz) < 0)
        return GW_DEVICE_ERROR;
    GSM_SetDefaultSMSData(&sms);
    /* GSM_SetDefaultSMSData leaves Class 0: a flash SMS, shown on the screen and gone once
     * read. A reply is an ordinary message the person keeps (no class, DCS 00 or 08). */
    sms.Class = -1;
    /* A submit of PDU type SMS_Status_Report is Gammu's way to set TP-SRR: the network will
     * send a status report for it, carrying the TP-MR the send callback gives (#17). */
    sms.PDU = p->report ? SMS_Status_Report : SMS_Submit;
    if (g->smsc_known) {
        sms.SMSC.Location = 0; /* the number read at connect: no AT+CSCA? before each send */
        memcpy(sms.SMSC.Number, g->smsc,
               sizeof(g->smsc) < sizeof(sms.SMSC.Number) ? sizeof(g->smsc)
                                                         : sizeof(sms.SMSC.Number));
    } else {
        sms.SMSC.Location = 1; /* the dummy phone's */
    }
    DecodeUTF8(sms.Number, p->recipient, strlen(p->recipient));
    DecodeUTF8(sms.Text, p->text, strlen(p->text));
    sms.Coding = p->ucs2 ? SMS_Coding_Unicode_No_Compression : SMS_Coding_Default_No_Compression;
    if (p->parts > 1) {
        /* Our own reference, not Gammu's clock-derived one that repeats within a second. */
        sms.UDH.Type = UDH_ConcatenatedMessages;
        sms.UDH.ID8bit = p->concat_ref & 0xff;
        sms.UDH.ID16bit = -1;
        sms.UDH.PartNumber = p->part;
        sms.UDH.AllParts = p->parts;
        GSM_EncodeUDHHeader(GSM_GetGlobalDebug(), &sms.UDH);
    } else {
        sms.UDH.Type = UDH_NoUDH;
    }
    g->send_done = 0;
    g->send_status = -1;
    g->send_ref = -1;
    guard_begin(g, g->timeout);
    e = GSM_SendSMS(g->sm, &sms);
    guard_end(g);
    if (e != ERR_NONE) {
        /* Gammu stops before Ctrl-Z on any failure: the modem did not take the part. */
        say_error(g, e, why, whysz);
        return link_lost(g, e) || e == ERR_GETTING_SMSC ? GW_DEVICE_ERROR : -1;
    }
    /* The modem has the part. The network's answer comes through the callback while Gammu
     * reads the device; from here a lost link leaves unknown whether it went out. */
    guard_begin(g, SEND_WAIT);
    while (!g->send_done && !link_lost(g, ERR_NONE))
        if (GSM_ReadDevice(g->sm, TRUE) < 0)
            g->dead = 1; /* the device fails: unplugged */
    taken = g->send_done;
    guard_end(g);
    if (!taken) {
        char lost[160];
        say_error(g, ERR_NONE, lost, sizeof(lost));
        snprintf(why, whysz, "%s after the modem took the part", lost);
        return GW_MAYBE_SENT;
    }
    if (g->send_status != 0) {
        if (g->modem_error[0] != '\0')
            snprintf(why, whysz, "the network refused the message (%s)", g->modem_error);
        else
            snprintf(why, whysz, "the network refused the message (status %d)", g->send_status);
        return -1;
    }
    if (p->report && p->ref != NULL && p->refsz > 0 && g->send_ref >= 0)
        snprintf(p->ref, p->refsz, "%d", g->send_ref & 0xff);
    gw_fault_sent(t->conf->name, p);
    return 0;
}

static int gammu_info(struct transport *t, struct gw_link_info *out)
{
    struct gammu *g = t->priv;
    GSM_SignalQuality sq;
    GSM_NetworkInfo ni;
    char buf[sizeof(ni.NetworkName) * 2];

    out->signal = -1;
    out->network[0] = '\0';
    if (!g->connected || link_lost(g, ERR_NONE))
        return -1;
    if (g->is_dummy) {
        snprintf(out->network, sizeof(out->network), "dummy");
        out->signal = 100;
        return 0;
    }
    memset(&sq, 0, sizeof(sq));
    guard_begin(g, g->timeout);
    if (GSM_GetSignalQuality(g->sm, &sq) == ERR_NONE)
        out->signal = sq.SignalPercent;
    guard_end(g);
    if (link_lost(g, ERR_NONE))
        return -1;
    memset(&ni, 0, sizeof(ni));
    guard_begin(g, g->timeout);
    if (GSM_GetNetworkInfo(g->sm, &ni) == ERR_NONE) {
        EncodeUTF8(buf, ni.NetworkName);
        snprintf(out->network, sizeof(out->network), "%.63s", buf[0] ? buf : ni.NetworkCode);
    }
    guard_end(g);
    return 0;
}

/* Reads what the modem sends on its own (+CMTI, +CUSD) for up to ms; 1 when an SMS came, or
 * when the link broke (the next receive says so). */
static int gammu_wait(struct transport *t, int ms)
{
    struct gammu *g = t->priv;
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

    if (g->connected && !g->is_dummy) {
        /* Each read waits up to 50 ms for a byte (Gammu's select): a few wake-ups a second,
         * and a +CMTI is seen at once. */
        double end = mono_s() + ms / 1000.0;
        do {
            if (g->incoming || link_lost(g, ERR_NONE))
                return 1;
            if (GSM_ReadDevice(g->sm, FALSE) < 0 ||
                (mono_s() - g->dev_checked >= 1 && (g->dev_checked = mono_s(), device_gone(g)))) {
                g->dead = 1; /* unplugged: reading fails, or the node went */
                return 1;
            }
        } while (mono_s() < end);
        return g->incoming;
    }
    if (g->connected && g->watch_fd >= 0) {
        struct pollfd pfd = {g->watch_fd, POLLIN, 0};
        char ev[4096];

        if (poll(&pfd, 1, ms) > 0) {
            while (read(g->watch_fd, ev, sizeof(ev)) > 0)
                ; /* drained: one pass reads every file that landed */
            return 1;
        }
        return g->incoming;
    }
    nanosleep(&ts, NULL);
    return g->incoming;
}

static int gammu_ussd(struct transport *t, const char *code, char *reply, size_t replysz, char *why,
                      size_t whysz)
{
    struct gammu *g = t->priv;
    char number[64];
    GSM_Error e;

    if (!g->connected || link_lost(g, ERR_NONE)) {
        g->ussd_pending = 0;
        snprintf(why, whysz, "not connected");
        return -1;
    }
    if (code == NULL) {
        /* The answer comes with whatever wait() or a command reads from the device. */
        if (!g->ussd_pending) {
            snprintf(why, whysz, "the link was opened again before the answer came");
            return -1;
        }
        if (g->ussd_done) {
            g->ussd_pending = 0;
            snprintf(reply, replysz, "%s", g->ussd);
            return 0;
        }
        if (mono_s() >= g->ussd_deadline) {
            g->ussd_pending = 0;
            snprintf(why, whysz, "no USSD answer within %d s", USSD_WAIT);
            return -1;
        }
        return 1;
    }
    if (gw_fault_ussd(t->conf->name, reply, replysz))
        return 0;
    snprintf(number, sizeof(number), "%s", code);
    g->ussd_done = 0;
    guard_begin(g, g->timeout);
    e = GSM_SetIncomingUSSD(g->sm, TRUE);
    if (e == ERR_NONE || e == ERR_NOTSUPPORTED || e == ERR_NOTIMPLEMENTED)
        e = GSM_DialService(g->sm, number);
    guard_end(g);
    if (e != ERR_NONE) {
        if (e == ERR_NOTIMPLEMENTED || e == ERR_NOTSUPPORTED)
            snprintf(why, whysz, "not supported by this modem");
        else
            say_error(g, e, why, whysz);
        return -1;
    }
    if (g->ussd_done) { /* some modems answer within the command */
        snprintf(reply, replysz, "%s", g->ussd);
        return 0;
    }
    g->ussd_pending = 1;
    g->ussd_deadline = mono_s() + USSD_WAIT;
    return 1;
}

/* IMEI and friends for `remitline modem probe`: each asked on its own, so one the modem will
 * not answer leaves the rest. */
static int gammu_probe(struct transport *t, struct gw_probe *out)
{
    struct gammu *g = t->priv;
    char big[GSM_MAX_VERSION_LENGTH + 1], date[GSM_MAX_VERSION_DATE_LENGTH + 1];
    char buf[512], why[160];
    GSM_SignalQuality sq;
    GSM_NetworkInfo ni;
    GSM_SMSMemoryStatus st;
    GSM_Error e;
    double num;

    memset(out, 0, sizeof(*out));
    out->signal = out->sim_used = out->sim_size = out->phone_used = out->phone_size = -1;
    if (!g->connected)
        return -1;
#define ASK(call) (guard_begin(g, g->timeout), e = (call), guard_end(g), e)
    memset(big, 0, sizeof(big));
    if (ASK(GSM_GetManufacturer(g->sm, big)) == ERR_NONE)
        snprintf(out->manufacturer, sizeof(out->manufacturer), "%.63s", big);
    memset(big, 0, sizeof(big));
    if (ASK(GSM_GetModel(g->sm, big)) == ERR_NONE)
        snprintf(out->model, sizeof(out->model), "%.63s", big);
    memset(big, 0, sizeof(big));
    if (ASK(GSM_GetFirmware(g->sm, big, date, &num)) == ERR_NONE)
        snprintf(out->firmware, sizeof(out->firmware), "%.63s", big);
    memset(big, 0, sizeof(big));
    if (ASK(GSM_GetIMEI(g->sm, big)) == ERR_NONE)
        snprintf(out->imei, sizeof(out->imei), "%.31s", big);
    memset(&sq, 0, sizeof(sq));
    if (!g->is_dummy && ASK(GSM_GetSignalQuality(g->sm, &sq)) == ERR_NONE)
        out->signal = sq.SignalPercent;
    memset(&ni, 0, sizeof(ni));
    snprintf(out->reg, sizeof(out->reg), "unknown");
    if (!g->is_dummy && ASK(GSM_GetNetworkInfo(g->sm, &ni)) == ERR_NONE) {
        EncodeUTF8(buf, ni.NetworkName);
        snprintf(out->network, sizeof(out->network), "%.63s", buf[0] ? buf : ni.NetworkCode);
        snprintf(out->reg, sizeof(out->reg), "%s",
                 ni.State == GSM_HomeNetwork          ? "home"
                 : ni.State == GSM_RoamingNetwork     ? "roaming"
                 : ni.State == GSM_RequestingNetwork  ? "searching"
                 : ni.State == GSM_RegistrationDenied ? "denied"
                 : ni.State == GSM_NoNetwork          ? "not registered"
                                                      : "unknown");
    } else if (g->is_dummy) {
        snprintf(out->network, sizeof(out->network), "dummy");
        snprintf(out->reg, sizeof(out->reg), "home");
    }
    memset(&st, 0, sizeof(st));
    if (ASK(GSM_GetSMSStatus(g->sm, &st)) == ERR_NONE) {
        out->sim_used = st.SIMUsed;
        out->sim_size = st.SIMSize;
        out->phone_used = st.PhoneUsed;
        out->phone_size = st.PhoneSize;
    }
    /* Reading: the list of messages, as the gateway reads it (nothing is deleted). */
    memset(g->msms, 0, sizeof(*g->msms));
    e = ASK(GSM_GetNextSMS(g->sm, g->msms, TRUE));
    out->can_read = e == ERR_NONE || (e == ERR_EMPTY && out->sim_used <= 0);
    if (e == ERR_EMPTY && out->sim_used > 0)
        snprintf(out->read_why, sizeof(out->read_why),
                 "the SIM holds %d message%s but none could be read", out->sim_used,
                 out->sim_used == 1 ? "" : "s");
    else if (!out->can_read) {
        say_error(g, e, why, sizeof(why));
        snprintf(out->read_why, sizeof(out->read_why), "%s", why);
    }
#undef ASK
    /* Sending: an SMS centre and a network to send through. */
    if (link_lost(g, ERR_NONE))
        snprintf(out->send_why, sizeof(out->send_why), "not known: the link was lost");
    else if (!g->smsc_known && !g->is_dummy && read_smsc(t, g, why, sizeof(why)) < 0)
        snprintf(out->send_why, sizeof(out->send_why), "%s", why);
    if (g->smsc_known) {
        EncodeUTF8(buf, g->smsc);
        snprintf(out->smsc, sizeof(out->smsc), "%.31s", buf);
    }
    if (out->send_why[0] == '\0' && strcmp(out->reg, "home") != 0 &&
        strcmp(out->reg, "roaming") != 0)
        snprintf(out->send_why, sizeof(out->send_why),
                 "not registered on a network (%s): check the SIM, the antenna, the coverage",
                 out->reg);
    out->can_send = out->send_why[0] == '\0';
    return 0;
}

static int gammu_init(struct transport *t)
{
    struct gammu *g = calloc(1, sizeof(*g));
    pthread_condattr_t ca;

    if (g == NULL || (g->msms = malloc(sizeof(*g->msms))) == NULL) {
        free(g);
        return -1;
    }
    g->watch_fd = -1;
    pthread_mutex_init(&g->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC); /* mono_s()'s clock */
    pthread_cond_init(&g->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&g->wd, NULL, watchdog_main, g) != 0) {
        log_warn("modem %s: starting its watchdog", t->conf->name);
        pthread_cond_destroy(&g->cv);
        pthread_mutex_destroy(&g->mu);
        free(g->msms);
        free(g);
        return -1;
    }
    g->wd_started = 1;
    t->priv = g;
    return 0;
}

static void gammu_fini(struct transport *t)
{
    struct gammu *g = t->priv;

    gammu_close(t);
    if (g != NULL) {
        pthread_mutex_lock(&g->mu);
        g->quit = 1;
        pthread_cond_signal(&g->cv);
        pthread_mutex_unlock(&g->mu);
        if (g->wd_started)
            pthread_join(g->wd, NULL);
        pthread_cond_destroy(&g->cv);
        pthread_mutex_destroy(&g->mu);
        free(g->msms);
    }
    free(g);
    t->priv = NULL;
}

const struct transport_ops gw_gammu_ops = {
    .name = "gammu",
    .init = gammu_init,
    .fini = gammu_fini,
    .open = gammu_open,
    .close = gammu_close,
    .receive = gammu_receive,
    .send = gammu_send,
    .info = gammu_info,
    .wait = gammu_wait,
    .ussd = gammu_ussd,
    .present = gammu_present,
    .probe = gammu_probe,
};
