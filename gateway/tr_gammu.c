/*
 * tr_gammu.c: the GSM modem transport, through libGammu. One GSM_StateMachine per transport,
 * touched only by the thread that owns the transport.
 *
 * Gammu's habits handled here: ERR_NONE is 1, not 0; GSM_InitConnection resets every callback,
 * so they are registered after each connect; after a failed connect GSM_TerminateConnection runs
 * before the next try; GSM_MultiSMSMessage is about 260 KB and lives on the heap; Gammu's text
 * helpers work in its own UCS-2 buffers, converted here with DecodeUTF8/EncodeUTF8.
 */
#include <errno.h>
#include <gammu.h>
#include <stdio.h>
#include <stdlib.h>
#include <poll.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/log.h"
#include "util/utf8.h"
#include "gateway/transport.h"

struct gammu {
    GSM_StateMachine *sm;
    GSM_MultiSMSMessage *msms;
    int connected;
    int is_dummy;
    int send_done;    /* set by the send-status callback */
    int send_status;  /* 0 = delivered to the network */
    int incoming;     /* set by the incoming-SMS callback */
    int bad_reported; /* unreadable messages last reported, to say it once */
    int watch_fd;     /* dummy phone: inotify on DIR/sms/1, so wait() wakes when a file lands */
    int ussd_done;    /* set by the incoming-USSD callback */
    char ussd[640];   /* its text, UTF-8 */
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

static void on_send_status(GSM_StateMachine *sm, int status, int ref, void *arg)
{
    struct gammu *g = arg;

    (void)sm;
    (void)ref;
    g->send_status = status;
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
    GSM_TerminateConnection(g->sm);
    GSM_FreeStateMachine(g->sm);
    g->sm = NULL;
    g->connected = 0;
}

/* PIN, SMS centre and SIM memory: the problems that stop a modem in the field. */
static int check_sim(struct transport *t, struct gammu *g, char *why, size_t whysz)
{
    GSM_SecurityCodeType sec = SEC_None;
    GSM_SMSMemoryStatus st;
    GSM_SMSC smsc;
    GSM_Error e;

    if (g->is_dummy)
        return 0;
    if (GSM_GetSecurityStatus(g->sm, &sec) == ERR_NONE && sec == SEC_Pin) {
        GSM_SecurityCode code;
        if (t->conf->pin[0] == '\0') {
            snprintf(why, whysz, "%s", gammu_words(ERR_SECURITYERROR));
            return -1;
        }
        memset(&code, 0, sizeof(code));
        code.Type = SEC_Pin;
        snprintf(code.Code, sizeof(code.Code), "%s", t->conf->pin);
        if ((e = GSM_EnterSecurityCode(g->sm, &code)) != ERR_NONE) {
            snprintf(why, whysz,
                     "the SIM refused the configured PIN (%s); fix 'pin' before "
                     "the SIM locks",
                     GSM_ErrorString(e));
            return -1;
        }
    }
    memset(&smsc, 0, sizeof(smsc));
    smsc.Location = 1;
    e = GSM_GetSMSC(g->sm, &smsc);
    if (e == ERR_NONE && smsc.Number[0] == 0 && smsc.Number[1] == 0)
        e = ERR_EMPTYSMSC;
    if (e == ERR_EMPTYSMSC)
        log_warnx("modem %s: %s; replies cannot be sent", t->conf->name, gammu_words(e));
    memset(&st, 0, sizeof(st));
    if (GSM_GetSMSStatus(g->sm, &st) == ERR_NONE && st.SIMSize > 0 && st.SIMUsed >= st.SIMSize)
        log_warnx("modem %s: the SIM's message memory is full; reading and deleting now",
                  t->conf->name);
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
    GSM_Error e;

    gammu_close(t);
    if ((g->sm = GSM_AllocStateMachine()) == NULL) {
        snprintf(why, whysz, "out of memory");
        return -1;
    }
    if (set_config(t, g, why, whysz) < 0)
        goto fail;
    e = GSM_InitConnection(g->sm, 1);
    if (e != ERR_NONE) {
        snprintf(why, whysz, "%s", gammu_words(e));
        goto fail;
    }
    g->connected = 1;
    /* InitConnection cleared every callback: register them again on each connect. */
    GSM_SetSendSMSStatusCallback(g->sm, on_send_status, g);
    GSM_SetIncomingSMSCallback(g->sm, on_incoming, g);
    if (!g->is_dummy)
        GSM_SetIncomingSMS(g->sm, TRUE); /* not every modem can; polling covers the rest */
    else
        watch_dummy_inbox(t, g);
    if (check_sim(t, g, why, whysz) < 0)
        goto fail;
    return 0;
fail:
    gammu_close(t);
    return -1;
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

static int gammu_receive(struct transport *t, gw_in_cb cb, void *arg)
{
    struct gammu *g = t->priv;
    struct gw_in_sms m;
    gboolean start = TRUE;
    GSM_Error e;
    int n = 0, i, bad = 0;

    if (!g->connected)
        return GW_DEVICE_ERROR;
    g->incoming = 0;
    memset(g->msms, 0, sizeof(*g->msms));
    /* Bounded: a pass visits each location once; the bound only guards against a driver that
     * keeps answering. */
    for (int steps = 0; steps < 100000; steps++) {
        e = GSM_GetNextSMS(g->sm, g->msms, start);
        start = FALSE;
        if (e == ERR_EMPTY)
            break; /* the end of the pass; the buffer still holds the last SMS: do not read it */
        if (e != ERR_NONE) {
            if (is_device_error(e)) {
                log_warnx("modem %s: reading SMS: %s", t->conf->name, gammu_words(e));
                return GW_DEVICE_ERROR;
            }
            /* One unreadable message (a corrupt file on the dummy phone, a PDU Gammu cannot
             * decode) must not hide the ones after it: step past it. */
            bad++;
            continue;
        }
        for (i = 0; i < g->msms->Number; i++) {
            GSM_SMSMessage *s = &g->msms->SMS[i];
            if (!s->InboxFolder || s->PDU != SMS_Deliver)
                continue; /* the phone's own outbox, sent items, status reports */
            convert_in(s, &m);
            if (m.sender[0] == '\0') {
                bad++;
                continue; /* nobody to answer; it stays for an operator to look at */
            }
            if (cb(arg, &m) < 0)
                return -1; /* not stored: leave it on the phone for the next pass */
            /* Stored: now it may go. Deleting inside the pass is safe. */
            e = GSM_DeleteSMS(g->sm, s);
            if (e != ERR_NONE && e != ERR_EMPTY) {
                log_warnx("modem %s: deleting SMS %d after storing it: %s", t->conf->name,
                          s->Location, gammu_words(e));
                if (is_device_error(e))
                    return GW_DEVICE_ERROR;
            }
            n++;
        }
    }
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
    time_t deadline;
    int fault;

    if (!g->connected)
        return GW_DEVICE_ERROR;
    if ((fault = gw_fault_send(t->conf->name, p->recipient)) != 0) {
        snprintf(why, whysz, "injected fault");
        return fault;
    }
    GSM_SetDefaultSMSData(&sms);
    /* GSM_SetDefaultSMSData leaves Class 0: a flash SMS, shown on the screen and gone once
     * read. A reply is an ordinary message the person keeps (no class, DCS 00 or 08). */
    sms.Class = -1;
    sms.PDU = SMS_Submit;
    sms.SMSC.Location = 1; /* the SIM's SMS centre */
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
    e = GSM_SendSMS(g->sm, &sms);
    if (e != ERR_NONE) {
        snprintf(why, whysz, "%s", gammu_words(e));
        return is_device_error(e) ? GW_DEVICE_ERROR : -1;
    }
    /* The network's answer comes through the callback while Gammu reads the device. */
    deadline = time(NULL) + 60;
    while (!g->send_done && time(NULL) < deadline)
        GSM_ReadDevice(g->sm, TRUE);
    if (!g->send_done) {
        snprintf(why, whysz, "no answer from the network within 60 s");
        return -1;
    }
    if (g->send_status != 0) {
        snprintf(why, whysz, "the network refused the message (status %d)", g->send_status);
        return -1;
    }
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
    if (!g->connected)
        return -1;
    if (g->is_dummy) {
        snprintf(out->network, sizeof(out->network), "dummy");
        out->signal = 100;
        return 0;
    }
    memset(&sq, 0, sizeof(sq));
    if (GSM_GetSignalQuality(g->sm, &sq) == ERR_NONE)
        out->signal = sq.SignalPercent;
    memset(&ni, 0, sizeof(ni));
    if (GSM_GetNetworkInfo(g->sm, &ni) == ERR_NONE) {
        EncodeUTF8(buf, ni.NetworkName);
        snprintf(out->network, sizeof(out->network), "%.63s", buf[0] ? buf : ni.NetworkCode);
    }
    return 0;
}

static int gammu_wait(struct transport *t, int ms)
{
    struct gammu *g = t->priv;
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

    /* A real modem announces SMS through the device; the dummy only through files. */
    if (g->connected && !g->is_dummy) {
        GSM_ReadDevice(g->sm, FALSE);
        if (g->incoming)
            return 1;
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
    time_t deadline;
    GSM_Error e;

    if (!g->connected) {
        snprintf(why, whysz, "not connected");
        return -1;
    }
    if (gw_fault_ussd(t->conf->name, reply, replysz))
        return 0;
    snprintf(number, sizeof(number), "%s", code);
    g->ussd_done = 0;
    GSM_SetIncomingUSSDCallback(g->sm, on_ussd, g);
    GSM_SetIncomingUSSD(g->sm, TRUE);
    e = GSM_DialService(g->sm, number);
    if (e != ERR_NONE) {
        snprintf(why, whysz, "%s",
                 e == ERR_NOTIMPLEMENTED || e == ERR_NOTSUPPORTED ? "not supported by this modem"
                                                                  : gammu_words(e));
        return -1;
    }
    deadline = time(NULL) + 30;
    while (!g->ussd_done && time(NULL) < deadline)
        GSM_ReadDevice(g->sm, TRUE);
    if (!g->ussd_done) {
        snprintf(why, whysz, "no USSD answer within 30 s");
        return -1;
    }
    snprintf(reply, replysz, "%s", g->ussd);
    return 0;
}

static int gammu_init(struct transport *t)
{
    struct gammu *g = calloc(1, sizeof(*g));

    if (g == NULL || (g->msms = malloc(sizeof(*g->msms))) == NULL) {
        free(g);
        return -1;
    }
    g->watch_fd = -1;
    t->priv = g;
    return 0;
}

static void gammu_fini(struct transport *t)
{
    struct gammu *g = t->priv;

    gammu_close(t);
    if (g != NULL)
        free(g->msms);
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
};
