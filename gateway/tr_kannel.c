/*
 * tr_kannel.c: the Kannel transport. Messages go out through Kannel's sendsms HTTP interface
 * (smsbox), which hands them to bearerbox and on to whatever SMSC links it has: SMPP, AT modems,
 * operator links. Inbound SMS do not come through here: Kannel's sms-service get-url calls the
 * gateway's HTTP interface (/kannel), so receive() has nothing to read.
 *
 * Each part is one sendsms request: the UTF-8 text with charset=UTF-8, coding=2 when the part
 * needs UCS-2, and for a long message the concatenation header (udh) with the message's own
 * reference, so a retried part joins the others on the phone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gateway/transport.h"
#include "gateway/web.h"

#define KANNEL_TIMEOUT_MS 10000

struct kannel {
    gw_web *web; /* libcurl's handle: it keeps the connection to smsbox between parts */
    int open;
};

static int kannel_init(struct transport *t)
{
    return (t->priv = calloc(1, sizeof(struct kannel))) ? 0 : -1;
}

static void kannel_fini(struct transport *t)
{
    struct kannel *k = t->priv;

    if (k != NULL)
        gw_web_close(k->web);
    free(t->priv);
    t->priv = NULL;
}

/* Kannel answers any request on its sendsms port; one that answers at all is up. */
static int kannel_open(struct transport *t, char *why, size_t whysz)
{
    struct kannel *k = t->priv;
    char body[256], err[160] = "";
    int status = 0;

    if (strncmp(t->conf->url, "http://", 7) != 0 && strncmp(t->conf->url, "https://", 8) != 0) {
        snprintf(why, whysz, "'url' is not http://host:port/path: %s", t->conf->url);
        return -1;
    }
    if (k->web == NULL && (k->web = gw_web_open(KANNEL_TIMEOUT_MS)) == NULL) {
        snprintf(why, whysz, "cannot start libcurl (out of memory?)");
        return -1;
    }
    if (gw_web_get(k->web, t->conf->url, &status, body, sizeof(body), err, sizeof(err)) < 0) {
        snprintf(why, whysz, "Kannel's sendsms at %s does not answer (%s); is smsbox running?",
                 t->conf->url, err);
        return -1;
    }
    k->open = 1;
    return 0;
}

static void kannel_close(struct transport *t)
{
    struct kannel *k = t->priv;
    k->open = 0;
}

static int kannel_receive(struct transport *t, gw_in_cb cb, void *arg)
{
    (void)t;
    (void)cb;
    (void)arg;
    return 0;
}

static int add(char *out, size_t outsz, size_t *len, const char *name, const char *value)
{
    int n = snprintf(out + *len, outsz - *len, "%s%s=", *len ? "&" : "", name);

    if (n < 0 || (size_t)n >= outsz - *len)
        return -1;
    *len += (size_t)n;
    return gw_web_escape(value, out, outsz, len);
}

/*
 * A delivery report asked of Kannel (#17): dlr-mask 27 (1 delivered, 2 not delivered, 8 taken by
 * the SMSC, 16 refused by the SMSC; not 4, "buffered", which says nothing final), and a dlr-url
 * that brings back the modem, our own reference "ID.PART" (written into p->ref) and Kannel's %d
 * (the type), %A (the SMSC's receipt) and %T (its time) to the gateway's /kannel/dlr.
 */
static int dlr(struct transport *t, const struct gw_out_part *p, char *q, size_t qsz, size_t *qlen)
{
    char url[1024], ref[48];
    size_t len;
    int n;

    snprintf(ref, sizeof(ref), "%lld.%d", (long long)p->id, p->part);
    n = snprintf(url, sizeof(url), "%s%smodem=", t->conf->dlr_url,
                 strchr(t->conf->dlr_url, '?') ? "&" : "?");
    if (n < 0 || (size_t)n >= sizeof(url))
        return -1;
    len = (size_t)n;
    if (gw_web_escape(t->conf->name, url, sizeof(url), &len) < 0)
        return -1;
    n = snprintf(url + len, sizeof(url) - len, "&ref=%s&type=%%d&reply=%%A&at=%%T", ref);
    if (n < 0 || (size_t)n >= sizeof(url) - len)
        return -1;
    if (add(q, qsz, qlen, "dlr-mask", "27") < 0 || add(q, qsz, qlen, "dlr-url", url) < 0)
        return -1;
    if (p->ref != NULL && p->refsz > 0)
        snprintf(p->ref, p->refsz, "%s", ref);
    return 0;
}

static int kannel_send(struct transport *t, const struct gw_out_part *p, char *why, size_t whysz)
{
    struct kannel *k = t->priv;
    char *target = malloc(8192), body[256], err[160] = "";
    size_t len = 0;
    int status = 0, rc = -1, fault;

    if ((fault = gw_fault_send(t->conf->name, p->recipient)) != 0) {
        snprintf(why, whysz, "injected fault");
        free(target);
        return fault;
    }
    if (target == NULL) {
        snprintf(why, whysz, "out of memory");
        return -1;
    }
    len = (size_t)snprintf(target, 8192, "%s?", t->conf->url);
    if (len >= 8192) {
        snprintf(why, whysz, "'url' too long");
        goto out;
    }
    {
        /* The query after '?': add() puts '&' between fields once len is past the '?'. */
        char *q = target + len;
        size_t qlen = 0, qsz = 8192 - len;
        char udh[40] = "";
        int w;
        /* The concatenation header is binary (it holds a 0 byte): escaped here, not by add(). */
        if (p->parts > 1)
            snprintf(udh, sizeof(udh), "&udh=%%05%%00%%03%%%02X%%%02X%%%02X",
                     (unsigned)p->concat_ref & 0xFF, (unsigned)p->parts & 0xFF,
                     (unsigned)p->part & 0xFF);
        if (add(q, qsz, &qlen, "username", t->conf->username) < 0 ||
            add(q, qsz, &qlen, "password", t->conf->password) < 0 ||
            add(q, qsz, &qlen, "to", p->recipient) < 0 || add(q, qsz, &qlen, "text", p->text) < 0 ||
            add(q, qsz, &qlen, "charset", "UTF-8") < 0 ||
            add(q, qsz, &qlen, "coding", p->ucs2 ? "2" : "0") < 0 ||
            (p->report && dlr(t, p, q, qsz, &qlen) < 0) ||
            (w = snprintf(q + qlen, qsz - qlen, "%s", udh)) < 0 || (size_t)w >= qsz - qlen) {
            snprintf(why, whysz, "message too long for a sendsms request");
            goto out;
        }
    }
    if (k->web == NULL) {
        snprintf(why, whysz, "not connected");
        rc = GW_DEVICE_ERROR;
        goto out;
    }
    if (gw_web_get(k->web, target, &status, body, sizeof(body), err, sizeof(err)) < 0) {
        snprintf(why, whysz, "Kannel's sendsms: %s", err);
        rc = GW_DEVICE_ERROR;
        goto out;
    }
    if (status == 200 || status == 202) {
        rc = 0;
        goto out;
    }
    body[strcspn(body, "\r\n")] = '\0';
    snprintf(why, whysz, "Kannel's sendsms answered %d: %s", status, body);
out:
    free(target);
    return rc;
}

static int kannel_info(struct transport *t, struct gw_link_info *out)
{
    (void)t;
    out->signal = -1;
    snprintf(out->network, sizeof(out->network), "kannel");
    return 0;
}

static int kannel_wait(struct transport *t, int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

    (void)t;
    nanosleep(&ts, NULL);
    return 0;
}

const struct transport_ops gw_kannel_ops = {
    .name = "kannel",
    .init = kannel_init,
    .fini = kannel_fini,
    .open = kannel_open,
    .close = kannel_close,
    .receive = kannel_receive,
    .send = kannel_send,
    .info = kannel_info,
    .wait = kannel_wait,
};
