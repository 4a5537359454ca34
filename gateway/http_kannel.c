/*
 * http_kannel.c: GET /kannel, Kannel's get-url (see http.h): a message from smsbox goes through
 * the answer service, and its reply is the response body.
 */
#include "gateway/http_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "db/delivery.h"
#include "gateway/delivery.h"
#include "util/gsm.h"
#include "util/hex.h"
#include "util/log.h"
#include "util/utf8.h"

/* Kannel's text in charset, into UTF-8: 0, or -1 when it does not decode. */
static int kannel_text(const char *in, size_t len, const char *charset, char *out, size_t outsz)
{
    size_t o = 0, i;

    if (charset == NULL || charset[0] == '\0' || strcasecmp(charset, "UTF-8") == 0) {
        if (len >= outsz || memchr(in, '\0', len) != NULL)
            return -1;
        memcpy(out, in, len);
        out[len] = '\0';
        return utf8_valid(out) ? 0 : -1;
    }
    if (strcasecmp(charset, "UTF-16BE") == 0 || strcasecmp(charset, "UCS-2") == 0 ||
        strcasecmp(charset, "UCS-2BE") == 0) {
        for (i = 0; i + 1 < len; i += 2) {
            unsigned long cp = ((unsigned char)in[i] << 8) | (unsigned char)in[i + 1];
            if (cp >= 0xD800 && cp <= 0xDBFF && i + 3 < len) {
                unsigned long lo = ((unsigned char)in[i + 2] << 8) | (unsigned char)in[i + 3];
                if (lo < 0xDC00 || lo > 0xDFFF)
                    return -1;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                i += 2;
            } else if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) {
                return -1;
            }
            if (o + 5 >= outsz)
                return -1;
            o += utf8_encode((uint32_t)cp, out + o);
        }
        out[o] = '\0';
        return len % 2 == 0 ? 0 : -1;
    }
    if (strcasecmp(charset, "ISO-8859-1") == 0 || strcasecmp(charset, "WINDOWS-1252") == 0) {
        for (i = 0; i < len; i++) {
            unsigned char ch = (unsigned char)in[i];
            if (ch == 0 || o + 3 >= outsz)
                return -1;
            o += utf8_encode(ch, out + o);
        }
        out[o] = '\0';
        return 0;
    }
    return -1;
}

/* A sender as Kannel passes it: a number, a short code or an alphanumeric id ("MyBank"), in
 * printable ASCII. Whether it is answered is the guards' to say, not the door's. */
static int valid_sender(const char *s)
{
    size_t n = strlen(s), i;

    if (n == 0 || n >= DB_NUMBER_MAX)
        return 0;
    for (i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
            return 0;
    return 1;
}

/*
 * Kannel's get-url: the text goes through the answer service as an SMS from the modem would,
 * and the reply is the response body, which smsbox sends back through bearerbox. A message that
 * must stay unanswered gets an empty body: with omit-empty (README) Kannel sends nothing.
 */
/* Kannel's %T, when the get-url passes it as time=: the time the network took the message, in
 * seconds since the epoch, so a retry of one message in a later second is still the same
 * message. 0 when absent or not a plausible time (the arrival time is used then). */
static int64_t kannel_time(const char *s)
{
    char *end;
    long long t;

    if (s == NULL || s[0] < '0' || s[0] > '9')
        return 0;
    errno = 0;
    t = strtoll(s, &end, 10);
    return errno == 0 && *end == '\0' && t > 0 && t < 4102444800LL ? (int64_t)t : 0;
}

enum MHD_Result http_kannel(struct gw_http *h, struct MHD_Connection *c, struct request *rq)
{
    const char *from = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "from");
    const char *charset = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "charset");
    const char *coding = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "coding");
    int binary = coding != NULL && strcmp(coding, "1") == 0; /* Kannel's %c: 1 is 8-bit data */
    const char *raw = NULL;
    size_t rawlen = 0;
    struct gw_result *res = NULL;
    char *in = NULL;
    enum MHD_Result ret;

    if (from == NULL || !valid_sender(from) ||
        MHD_lookup_connection_value_n(c, MHD_GET_ARGUMENT_KIND, "text", 4, &raw, &rawlen) !=
            MHD_YES ||
        raw == NULL)
        return http_text(h, c, EP_KANNEL, &rq->t0, MHD_HTTP_BAD_REQUEST,
                         "from (a number or sender id, printable ASCII) and text are required\n");
    if ((in = malloc(DB_TEXT_MAX)) == NULL || (res = malloc(sizeof(*res))) == NULL) {
        ret = http_text(h, c, EP_KANNEL, &rq->t0, MHD_HTTP_SERVICE_UNAVAILABLE, "out of memory\n");
        goto out;
    }
    if (binary) {
        /* Binary data (a WAP push, OTA settings): kept as hex, for the record, never answered. */
        static const char hex[] = "0123456789abcdef";
        size_t i;
        if (2 * rawlen >= DB_TEXT_MAX) {
            ret = http_text(h, c, EP_KANNEL, &rq->t0, MHD_HTTP_BAD_REQUEST,
                            "binary data (coding=1) is at most 1023 bytes\n");
            goto out;
        }
        for (i = 0; i < rawlen; i++) {
            in[2 * i] = hex[(unsigned char)raw[i] >> 4];
            in[2 * i + 1] = hex[(unsigned char)raw[i] & 15];
        }
        in[2 * rawlen] = '\0';
    } else if (kannel_text(raw, rawlen, charset, in, DB_TEXT_MAX) < 0) {
        ret = http_text(h, c, EP_KANNEL, &rq->t0, MHD_HTTP_BAD_REQUEST,
                        "text does not decode in its charset (UTF-8, UTF-16BE, ISO-8859-1)\n");
        goto out;
    }
    {
        /* Through the answer service's group commit: nothing is answered before it is kept. */
        struct gw_inbound m = {
            .door = "kannel",
            .sender = from,
            .text = in,
            .coding = binary ? "8bit" : NULL,
            .smsc_time = kannel_time(MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "time")),
            .reply_to = GW_REPLY_THROUGH};
        if (gw_batch_answer(h->batch, &m, time(NULL), res) < 0) {
            ret = http_text(h, c, EP_KANNEL, &rq->t0, MHD_HTTP_SERVICE_UNAVAILABLE,
                            "the service has a problem\n");
            goto out;
        }
    }
    ret = http_text(h, c, EP_KANNEL, &rq->t0, MHD_HTTP_OK, res->silent ? "" : res->text);
out:
    free(res);
    free(in);
    return ret;
}

/* A printable ASCII value of at most max bytes, else NULL. */
static const char *plain_arg(struct MHD_Connection *c, const char *key, size_t max)
{
    const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, key);
    size_t i;

    if (v == NULL || v[0] == '\0' || strlen(v) > max)
        return NULL;
    for (i = 0; v[i]; i++)
        if ((unsigned char)v[i] < 0x20 || (unsigned char)v[i] > 0x7e)
            return NULL;
    return v;
}

/*
 * Kannel's dlr-url (tr_kannel.c asks for it): modem, ref (our "ID.PART"), type (%d), reply (%A)
 * and at (%T). Every well-formed report is recorded, matched or not (db/delivery.h), and answered
 * 200; a malformed one gets 400 and is logged; a database that cannot take it gets 503, so that
 * Kannel, when told to retry (smsbox's http-request-retry), brings it again.
 */
enum MHD_Result http_kannel_dlr(struct gw_http *h, struct MHD_Connection *c, struct request *rq)
{
    const char *modem = plain_arg(c, "modem", 31), *ref = plain_arg(c, "ref", 40);
    const char *type = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "type");
    const char *reply = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "reply");
    char reason[160], *end = NULL;
    struct db_dlr r;
    struct worker *w;
    long t = type ? strtol(type, &end, 10) : -1;
    int rc = -1;

    if (modem == NULL || ref == NULL || type == NULL || end == NULL || *end != '\0' ||
        gw_delivery_kannel_status((int)t, reply, &r.status, reason, sizeof(reason)) < 0) {
        log_warnx("delivery-report door=kannel result=refused problem=\"modem, ref and type "
                  "(1, 2, 4, 8 or 16) are needed\"");
        return http_text(h, c, EP_KANNEL_DLR, &rq->t0, MHD_HTTP_BAD_REQUEST,
                         "modem, ref (printable ASCII) and type (Kannel's %d: 1, 2, 4, 8, 16) "
                         "are required\n");
    }
    r.transport = "kannel";
    r.modem = modem;
    r.ref = ref;
    r.reason = reason;
    r.at = kannel_time(MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "at"));
    w = http_worker_take(h);
    if (w->d != NULL)
        rc = db_delivery_report(w->d, &r, time(NULL));
    http_worker_give(h, w);
    if (rc < 0)
        return http_text(h, c, EP_KANNEL_DLR, &rq->t0, MHD_HTTP_SERVICE_UNAVAILABLE,
                         "the report could not be recorded; send it again\n");
    return http_text(h, c, EP_KANNEL_DLR, &rq->t0, MHD_HTTP_OK, "ok\n");
}

/* A growing text buffer with a cap; writes past the cap are dropped and remembered. */
