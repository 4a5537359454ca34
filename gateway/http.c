/*
 * http.c: the HTTP interface (see http.h). libmicrohttpd runs a small pool of epoll threads;
 * each request borrows one worker (database handle, handler context, USSD menus) from a pool of
 * as many workers as threads, so answering never shares a handler context between threads.
 */
#include "gateway/http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>

#include "db/conv.h"
#include "db/queue.h"
#include "gateway/answer.h"
#include "util/log.h"
#include "util/gsm.h"
#include "handlers/handler.h"
#include "util/hex.h"
#include "util/mono.h"
#include "util/text.h"
#include "util/utf8.h"
#include "handlers/ussd.h"

#define MAX_WORKERS    64
#define MAX_RULES      32
#define SESSION_SLOTS  8192 /* power of two */
#define SESSION_PROBE  16
#define SESSION_ID_MAX 64

enum endpoint { EP_USSD, EP_KANNEL, EP_HEALTHZ, EP_METRICS, EP_OTHER, EP_N };
static const char *const ep_names[EP_N] = {"ussd", "kannel", "healthz", "metrics", "other"};
/* Request latency histogram bounds, in microseconds. */
#define NLAT 8
static const long lat_bounds_us[NLAT] = {250, 500, 1000, 2500, 5000, 10000, 50000, 250000};

struct worker {
    db *d;
    gw_ctx *ctx; /* the answer service on d: the same as the modem threads' */
    ussd_ctx *u; /* built on ctx's handlers, rebuilt when they reload */
    int busy;
};

struct session {
    char id[SESSION_ID_MAX + 1];
    char phone[DB_NUMBER_MAX];
    time_t last_seen;
    unsigned long long sms_for; /* hash of the text whose answer was queued by SMS, 0 none */
    char lang[8];  /* the caller's saved language when the session began: the replay starts in it */
    char saved[8]; /* the caller's saved language now, as far as this session knows */
};

/*
 * An open connection, for the watchdog: the idle timeout alone lets a client that sends a byte
 * every second hold a connection for hours. since is when its current request began (the
 * connection's start, then the end of its last request), on the monotonic clock.
 */
struct conn {
    struct conn *prev, *next;
    int fd;
    time_t since;
    int cut;
};

struct rule {
    int family;
    unsigned char addr[16];
    int bits;
};

struct gw_http {
    struct conf conf; /* as at start: the server's own settings (listen, clients, limits) */
    gw_live *live;    /* what answers are made with: reloaded by SIGHUP */
    struct MHD_Daemon *mhd;
    struct worker workers[MAX_WORKERS];
    int nworkers;
    pthread_mutex_t pool_lock;
    pthread_cond_t pool_free;
    struct session *sessions;
    pthread_mutex_t session_lock;
    struct rule rules[MAX_RULES];
    int nrules;
    /* Counters for /metrics: atomics, written by every worker thread. */
    atomic_ulong requests[EP_N][6]; /* by status class 0xx..5xx */
    atomic_ulong lat_count[EP_N][NLAT + 1];
    atomic_ulong lat_sum_us[EP_N];
    atomic_ulong ussd_sms_queued, ussd_alerts_injected, sessions_expired, refused_addr;
    atomic_ulong cut_slow;
    struct conn *conns; /* every open connection, under conn_lock */
    pthread_mutex_t conn_lock;
};

/* What a connection accumulates between the calls libmicrohttpd makes for one request. */
struct request {
    char *body;
    size_t len;
    int too_big;
    double t0; /* mono_s() when the request arrived */
};

static double elapsed_us(const double *t0)
{
    return (mono_s() - *t0) * 1e6;
}

/* ---- Addresses ---- */

int gw_http_parse_listen(const char *listen, struct sockaddr_storage *out, unsigned *len)
{
    char host[64];
    const char *colon = strrchr(listen, ':');
    char *end;
    long port;

    memset(out, 0, sizeof(*out));
    if (colon == NULL || (size_t)(colon - listen) >= sizeof(host))
        return -1;
    port = strtol(colon + 1, &end, 10);
    if (end == colon + 1 || *end != '\0' || port < 1 || port > 65535)
        return -1;
    snprintf(host, sizeof(host), "%.*s", (int)(colon - listen), listen);
    if (host[0] == '[' && host[strlen(host) - 1] == ']') {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)out;
        host[strlen(host) - 1] = '\0';
        if (inet_pton(AF_INET6, host + 1, &a->sin6_addr) != 1)
            return -1;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((uint16_t)port);
        *len = sizeof(*a);
        return 0;
    }
    {
        struct sockaddr_in *a = (struct sockaddr_in *)out;
        if (inet_pton(AF_INET, host[0] ? host : "127.0.0.1", &a->sin_addr) != 1)
            return -1;
        a->sin_family = AF_INET;
        a->sin_port = htons((uint16_t)port);
        *len = sizeof(*a);
    }
    return 0;
}

static int parse_rules(struct gw_http *h)
{
    char buf[sizeof(h->conf.http.allow)], *tok, *save = NULL;

    snprintf(buf, sizeof(buf), "%s", h->conf.http.allow);
    for (tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
        struct rule *r;
        char *slash = strchr(tok, '/'), *end;

        if (h->nrules == MAX_RULES) {
            log_warnx("http: at most %d allow entries", MAX_RULES);
            return -1;
        }
        r = &h->rules[h->nrules];
        if (slash != NULL)
            *slash++ = '\0';
        if (inet_pton(AF_INET, tok, r->addr) == 1) {
            r->family = AF_INET;
            r->bits = 32;
        } else if (inet_pton(AF_INET6, tok, r->addr) == 1) {
            r->family = AF_INET6;
            r->bits = 128;
        } else {
            log_warnx("http: allow: '%s' is not an address", tok);
            return -1;
        }
        if (slash != NULL) {
            long b = strtol(slash, &end, 10);
            if (end == slash || *end != '\0' || b < 0 || b > r->bits) {
                log_warnx("http: allow: bad prefix length '/%s'", slash);
                return -1;
            }
            r->bits = (int)b;
        }
        h->nrules++;
    }
    return 0;
}

static int prefix_match(const unsigned char *a, const unsigned char *b, int bits)
{
    int full = bits / 8, rest = bits % 8;

    if (memcmp(a, b, (size_t)full) != 0)
        return 0;
    if (rest == 0)
        return 1;
    return ((a[full] ^ b[full]) & (0xFF << (8 - rest))) == 0;
}

static enum MHD_Result accept_cb(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
    struct gw_http *h = cls;
    const unsigned char *ip;
    int family, i;

    (void)addrlen;
    if (h->nrules == 0)
        return MHD_YES;
    family = addr->sa_family;
    if (family == AF_INET)
        ip = (const unsigned char *)&((const struct sockaddr_in *)addr)->sin_addr;
    else if (family == AF_INET6)
        ip = (const unsigned char *)&((const struct sockaddr_in6 *)addr)->sin6_addr;
    else
        return MHD_NO;
    for (i = 0; i < h->nrules; i++)
        if (h->rules[i].family == family && prefix_match(ip, h->rules[i].addr, h->rules[i].bits))
            return MHD_YES;
    atomic_fetch_add(&h->refused_addr, 1);
    return MHD_NO;
}

/* ---- Workers ---- */

/* A free worker, brought up to date with the newest configuration and content (its handlers
 * and USSD menus NULL when the database failed). Give it back with worker_give(). */
static struct worker *worker_take(struct gw_http *h)
{
    struct worker *w = NULL;
    int i, rc;

    pthread_mutex_lock(&h->pool_lock);
    for (;;) {
        for (i = 0; i < h->nworkers && w == NULL; i++)
            if (!h->workers[i].busy)
                w = &h->workers[i];
        if (w != NULL)
            break;
        pthread_cond_wait(&h->pool_free, &h->pool_lock);
    }
    w->busy = 1;
    pthread_mutex_unlock(&h->pool_lock);
    if (w->d == NULL && (w->d = db_open(h->conf.database)) == NULL)
        return w;
    if (w->ctx == NULL && (w->ctx = gw_ctx_open(h->live, w->d)) == NULL)
        return w;
    rc = gw_ctx_refresh(w->ctx);
    if (rc != 0 || w->u == NULL) {
        ussd_close(w->u);
        w->u = NULL;
        if (gw_ctx_handlers(w->ctx) != NULL)
            w->u = ussd_open(gw_ctx_handlers(w->ctx));
    }
    return w;
}

static void worker_give(struct gw_http *h, struct worker *w)
{
    pthread_mutex_lock(&h->pool_lock);
    w->busy = 0;
    pthread_cond_signal(&h->pool_free);
    pthread_mutex_unlock(&h->pool_lock);
}

/* ---- Responses ---- */

static enum MHD_Result respond(struct gw_http *h, struct MHD_Connection *c, enum endpoint ep,
                               const double *t0, unsigned status, const char *type,
                               const char *body)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
    enum MHD_Result rc;
    double us = elapsed_us(t0);
    int i;

    if (r == NULL)
        return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    if (status == MHD_HTTP_UNAUTHORIZED)
        MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                                "Bearer realm=\"remitline\", Basic realm=\"remitline\"");
    rc = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    atomic_fetch_add(&h->requests[ep][status / 100 <= 5 ? status / 100 : 5], 1);
    for (i = 0; i < NLAT && us > (double)lat_bounds_us[i]; i++)
        ;
    atomic_fetch_add(&h->lat_count[ep][i], 1);
    atomic_fetch_add(&h->lat_sum_us[ep], (unsigned long)us);
    return rc;
}

static enum MHD_Result text(struct gw_http *h, struct MHD_Connection *c, enum endpoint ep,
                            const double *t0, unsigned status, const char *body)
{
    return respond(h, c, ep, t0, status, "text/plain; charset=utf-8", body);
}

/* ---- Authentication ---- */

/* Compares without stopping at the first difference, so timing does not reveal a prefix. */
static int same(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), i;
    unsigned char diff = la != lb;

    for (i = 0; i < la && i < lb; i++)
        diff |= (unsigned char)(a[i] ^ b[i]);
    return diff == 0;
}

static int b64_value(int ch)
{
    if (ch >= 'A' && ch <= 'Z')
        return ch - 'A';
    if (ch >= 'a' && ch <= 'z')
        return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9')
        return ch - '0' + 52;
    if (ch == '+')
        return 62;
    if (ch == '/')
        return 63;
    return -1;
}

/* Decodes base64 into out (NUL-terminated): the length, or -1. */
static int b64_decode(const char *in, char *out, size_t outsz)
{
    size_t o = 0;
    unsigned acc = 0;
    int bits = 0, v;

    for (; *in && *in != '='; in++) {
        if ((v = b64_value((unsigned char)*in)) < 0)
            return -1;
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (o + 1 >= outsz)
                return -1;
            out[o++] = (char)((acc >> bits) & 0xFF);
        }
    }
    out[o] = '\0';
    return (int)o;
}

/* The configured client the request authenticates as, or NULL. */
static const struct conf_http_client *authenticate(struct gw_http *h, struct MHD_Connection *c)
{
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    char pair[256];
    int i;

    if (auth == NULL)
        return NULL;
    if (strncmp(auth, "Bearer ", 7) == 0) {
        for (i = 0; i < h->conf.http.nclients; i++)
            if (h->conf.http.clients[i].token[0] && same(auth + 7, h->conf.http.clients[i].token))
                return &h->conf.http.clients[i];
        return NULL;
    }
    if (strncmp(auth, "Basic ", 6) == 0 && b64_decode(auth + 6, pair, sizeof(pair)) > 0) {
        char *colon = strchr(pair, ':');
        if (colon == NULL)
            return NULL;
        *colon = '\0';
        for (i = 0; i < h->conf.http.nclients; i++) {
            const struct conf_http_client *k = &h->conf.http.clients[i];
            if (k->user[0] && same(pair, k->user) && same(colon + 1, k->password))
                return k;
        }
    }
    return NULL;
}

/*
 * Finds field name in an application/x-www-form-urlencoded body and decodes it into out.
 * Returns 1 found, 0 missing, -1 malformed (bad escape, NUL byte, or too long for out).
 */
int gw_http_form_field(const char *body, size_t len, const char *name, char *out, size_t outsz)
{
    size_t nlen = strlen(name), i = 0;

    while (i < len) {
        size_t end = i;
        while (end < len && body[end] != '&')
            end++;
        if (end - i > nlen && body[i + nlen] == '=' && memcmp(body + i, name, nlen) == 0) {
            size_t o = 0, k;
            for (k = i + nlen + 1; k < end; k++) {
                int ch = (unsigned char)body[k];
                if (ch == '+')
                    ch = ' ';
                else if (ch == '%') {
                    int hi = k + 2 < end ? hex_val(body[k + 1]) : -1;
                    int lo = k + 2 < end ? hex_val(body[k + 2]) : -1;
                    if (k + 2 >= end)
                        return -1;
                    if (hi < 0 || lo < 0)
                        return -1;
                    ch = hi * 16 + lo;
                    k += 2;
                }
                if (ch == 0 || o + 1 >= outsz)
                    return -1;
                out[o++] = (char)ch;
            }
            out[o] = '\0';
            return 1;
        }
        i = end + 1;
    }
    return 0;
}

/* A phone number as aggregators send it: "+" and digits. */
static int valid_number(const char *s)
{
    size_t i = s[0] == '+';

    if (s[i] == '\0')
        return 0;
    for (; s[i]; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* ---- Sessions ---- */

static unsigned long long hash_str(const char *s)
{
    unsigned long long x = 1469598103934665603ULL;

    for (; *s; s++)
        x = (x ^ (unsigned char)*s) * 1099511628211ULL;
    return x ? x : 1;
}

enum session_verdict { SESSION_OK, SESSION_EXPIRED, SESSION_OTHER_PHONE };

/* The entry of session id, or NULL with *victim the slot a new one would take (an empty one,
 * else the least recently seen around the id's slot). Under session_lock. */
static struct session *session_find(struct gw_http *h, const char *id, struct session **victim)
{
    unsigned long long key = hash_str(id);
    int i;

    *victim = NULL;
    for (i = 0; i < SESSION_PROBE; i++) {
        struct session *e = &h->sessions[(key + (unsigned)i) & (SESSION_SLOTS - 1)];
        if (e->id[0] != '\0' && strcmp(e->id, id) == 0)
            return e;
        if (*victim == NULL || e->id[0] == '\0' ||
            ((*victim)->id[0] != '\0' && e->last_seen < (*victim)->last_seen))
            *victim = *victim != NULL && (*victim)->id[0] == '\0' ? *victim : e;
    }
    return NULL;
}

/* The language session id of phone began in: 1 and lang, or 0 when the session is new to this
 * server (first screen, or a restart), and the caller's saved language must be read. */
static int session_lang(struct gw_http *h, const char *id, const char *phone, char *lang,
                        size_t langsz)
{
    struct session *s, *victim;
    int found;

    pthread_mutex_lock(&h->session_lock);
    s = session_find(h, id, &victim);
    found = s != NULL && strcmp(s->phone, phone) == 0;
    if (found)
        snprintf(lang, langsz, "%s", s->lang);
    pthread_mutex_unlock(&h->session_lock);
    return found;
}

/*
 * Finds or makes the session id of phone, under the lock. A session seen within the timeout
 * goes on; one past it is expired (and forgotten); an unknown one with inputs already is taken
 * up where its text says (a restarted daemon), beginning in lang. When the table is full around
 * the slot, the least recently seen entry there gives way. *sms_due says whether the answer to
 * text may be queued by SMS (not already queued for the same text in this session); *save_lang
 * whether chosen (the language the screens are in now) is new for the caller and must be saved.
 */
static enum session_verdict session_touch(struct gw_http *h, const char *id, const char *phone,
                                          const char *text, int wants_sms, const char *lang,
                                          const char *chosen, int *sms_due, int *save_lang)
{
    unsigned long long th = hash_str(text);
    time_t now = time(NULL);
    struct session *s, *victim;
    enum session_verdict v = SESSION_OK;

    *sms_due = *save_lang = 0;
    pthread_mutex_lock(&h->session_lock);
    s = session_find(h, id, &victim);
    if (s != NULL && now - s->last_seen > h->conf.http.session_timeout) {
        s->id[0] = '\0';
        v = SESSION_EXPIRED;
        goto out;
    }
    if (s != NULL && strcmp(s->phone, phone) != 0) {
        v = SESSION_OTHER_PHONE;
        goto out;
    }
    if (s == NULL) {
        s = victim;
        memset(s, 0, sizeof(*s));
        snprintf(s->id, sizeof(s->id), "%s", id);
        snprintf(s->phone, sizeof(s->phone), "%s", phone);
        snprintf(s->lang, sizeof(s->lang), "%s", lang);
        snprintf(s->saved, sizeof(s->saved), "%s", lang);
    }
    s->last_seen = now;
    if (wants_sms && s->sms_for != th) {
        s->sms_for = th;
        *sms_due = 1;
    }
    if (chosen[0] != '\0' && strcmp(chosen, s->saved) != 0) {
        snprintf(s->saved, sizeof(s->saved), "%s", chosen);
        *save_lang = 1;
    }
out:
    pthread_mutex_unlock(&h->session_lock);
    return v;
}

/* ---- Endpoints ---- */

static enum MHD_Result ussd(struct gw_http *h, struct MHD_Connection *c, struct request *rq)
{
    const char *type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
    char id[SESSION_ID_MAX + 1], phone[DB_NUMBER_MAX], service[64], network[16];
    char *input = NULL;
    struct ussd_screen *scr = NULL;
    struct worker *w = NULL;
    enum MHD_Result ret;
    enum session_verdict v;
    int sms_due = 0, save_lang = 0, rc;
    char num[40];
    struct db_conv conv;
    time_t now = time(NULL);

    if (type == NULL || strncmp(type, "application/x-www-form-urlencoded", 33) != 0)
        return text(h, c, EP_USSD, &rq->t0, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
                    "send the fields as application/x-www-form-urlencoded\n");
    if ((input = malloc(USSD_TEXT_MAX + 1)) == NULL || (scr = malloc(sizeof(*scr))) == NULL) {
        ret = text(h, c, EP_USSD, &rq->t0, MHD_HTTP_SERVICE_UNAVAILABLE, "END Out of memory\n");
        goto out;
    }
    if (gw_http_form_field(rq->body, rq->len, "sessionId", id, sizeof(id)) != 1 || id[0] == '\0' ||
        gw_http_form_field(rq->body, rq->len, "phoneNumber", phone, sizeof(phone)) != 1 ||
        !valid_number(phone) ||
        gw_http_form_field(rq->body, rq->len, "serviceCode", service, sizeof(service)) != 1) {
        ret = text(h, c, EP_USSD, &rq->t0, MHD_HTTP_BAD_REQUEST,
                   "sessionId, serviceCode and phoneNumber (+ and digits) are required\n");
        goto out;
    }
    if (gw_http_form_field(rq->body, rq->len, "networkCode", network, sizeof(network)) < 0) {
        ret = text(h, c, EP_USSD, &rq->t0, MHD_HTTP_BAD_REQUEST, "networkCode is malformed\n");
        goto out;
    }
    rc = gw_http_form_field(rq->body, rq->len, "text", input, USSD_TEXT_MAX + 1);
    if (rc < 0 || !utf8_valid(input) || !utf8_valid(id)) {
        ret = text(h, c, EP_USSD, &rq->t0, MHD_HTTP_BAD_REQUEST,
                   "text must be UTF-8, at most 512 bytes\n");
        goto out;
    }
    if (rc == 0)
        input[0] = '\0';
    w = worker_take(h);
    if (w->u == NULL) {
        ret = text(h, c, EP_USSD, &rq->t0, MHD_HTTP_SERVICE_UNAVAILABLE,
                   "END Sorry, the service has a problem. Please try again later.");
        goto out;
    }
    /* The caller's saved language (LANG by SMS, or chosen in an earlier session) starts the
     * menus; it is read once a session, and a database that cannot say gives the default. */
    if (!session_lang(h, id, phone, conv.lang, sizeof(conv.lang)) &&
        db_conv_get(w->d, phone, now, &conv) != 1)
        conv.lang[0] = '\0';
    ussd_answer(w->u, input, phone, conv.lang, now, scr);
    v = session_touch(h, id, phone, input, scr->sms[0] != '\0', conv.lang, scr->lang, &sms_due,
                      &save_lang);
    if (v == SESSION_EXPIRED) {
        atomic_fetch_add(&h->sessions_expired, 1);
        ussd_notice(w->u, scr->lang, USSD_EXPIRED, scr);
        ret = text(h, c, EP_USSD, &rq->t0, MHD_HTTP_GONE, scr->text);
        goto out;
    }
    if (v == SESSION_OTHER_PHONE) {
        ussd_notice(w->u, scr->lang, USSD_OTHER_PHONE, scr);
        ret = text(h, c, EP_USSD, &rq->t0, MHD_HTTP_CONFLICT, scr->text);
        goto out;
    }
    /* A language chosen in the menu is the caller's from now on, as LANG by SMS would be. */
    if (save_lang)
        db_conv_set_lang(w->d, phone, scr->lang, now);
    if (scr->inject[0] != '\0' && (scr->sms[0] == '\0' || sms_due)) {
        /* An answer by SMS, or alerts: the caller's request goes through the answer service,
         * as if texted (guards, consent, statistics), and the reply is queued for the modems. */
        struct gw_inbound in = {.door = "ussd",
                                .sender = phone,
                                .text = scr->inject,
                                .lang = scr->lang[0] ? scr->lang : conv.lang,
                                .reply_to = GW_REPLY_QUEUE};
        struct gw_result *res = malloc(sizeof(*res));
        if (res == NULL || gw_answer_text(w->ctx, &in, now, res) < 0) {
            free(res);
            ussd_notice(w->u, scr->lang, USSD_ERROR, scr);
            ret = text(h, c, EP_USSD, &rq->t0, MHD_HTTP_SERVICE_UNAVAILABLE, scr->text);
            goto out;
        }
        if (scr->sms[0] != '\0')
            atomic_fetch_add(&h->ussd_sms_queued, 1);
        else
            atomic_fetch_add(&h->ussd_alerts_injected, 1);
        free(res);
    }
    log_debug("ussd session=%s from=%s text=\"%s\" end=%d", id, log_number(phone, num, sizeof(num)),
              input, scr->end);
    ret = text(h, c, EP_USSD, &rq->t0, MHD_HTTP_OK, scr->text);
out:
    if (w != NULL)
        worker_give(h, w);
    free(scr);
    free(input);
    return ret;
}

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
static enum MHD_Result kannel(struct gw_http *h, struct MHD_Connection *c, struct request *rq)
{
    const char *from = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "from");
    const char *charset = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "charset");
    const char *raw = NULL;
    size_t rawlen = 0;
    struct gw_result *res = NULL;
    char *in = NULL;
    struct worker *w = NULL;
    enum MHD_Result ret;

    if (from == NULL || !valid_sender(from) ||
        MHD_lookup_connection_value_n(c, MHD_GET_ARGUMENT_KIND, "text", 4, &raw, &rawlen) !=
            MHD_YES ||
        raw == NULL)
        return text(h, c, EP_KANNEL, &rq->t0, MHD_HTTP_BAD_REQUEST,
                    "from (a number or sender id, printable ASCII) and text are required\n");
    if ((in = malloc(DB_TEXT_MAX)) == NULL || (res = malloc(sizeof(*res))) == NULL) {
        ret = text(h, c, EP_KANNEL, &rq->t0, MHD_HTTP_SERVICE_UNAVAILABLE, "out of memory\n");
        goto out;
    }
    if (kannel_text(raw, rawlen, charset, in, DB_TEXT_MAX) < 0) {
        ret = text(h, c, EP_KANNEL, &rq->t0, MHD_HTTP_BAD_REQUEST,
                   "text does not decode in its charset (UTF-8, UTF-16BE, ISO-8859-1)\n");
        goto out;
    }
    w = worker_take(h);
    {
        struct gw_inbound m = {
            .door = "kannel", .sender = from, .text = in, .reply_to = GW_REPLY_THROUGH};
        if (w->ctx == NULL || gw_answer_text(w->ctx, &m, time(NULL), res) < 0) {
            ret = text(h, c, EP_KANNEL, &rq->t0, MHD_HTTP_SERVICE_UNAVAILABLE,
                       "the service has a problem\n");
            goto out;
        }
    }
    ret = text(h, c, EP_KANNEL, &rq->t0, MHD_HTTP_OK, res->silent ? "" : res->text);
out:
    if (w != NULL)
        worker_give(h, w);
    free(res);
    free(in);
    return ret;
}

/* A growing text buffer with a cap; writes past the cap are dropped and remembered. */
struct buf {
    char *p;
    size_t len, cap;
    int full;
};

static void bprintf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bprintf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (b->full)
        return;
    va_start(ap, fmt);
    n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= b->cap - b->len) {
        b->p[b->len] = '\0';
        b->full = 1;
        return;
    }
    b->len += (size_t)n;
}

/* Label values: the names are ours or the operator's, but escape quotes and backslashes. */
static const char *label(const char *s, char *out, size_t outsz)
{
    size_t o = 0;

    for (; *s && o + 2 < outsz; s++) {
        if (*s == '"' || *s == '\\')
            out[o++] = '\\';
        if (*s == '\n')
            continue;
        out[o++] = *s;
    }
    out[o] = '\0';
    return out;
}

struct health {
    struct buf *b;
    int n, connected;
};

static int health_modem(void *arg, const struct db_modem_report *r)
{
    struct health *x = arg;
    char name[80];

    bprintf(x->b, "%s{\"name\":\"%s\",\"state\":\"%s\",\"signal\":%d}", x->n ? "," : "",
            label(r->name, name, sizeof(name)), r->state, r->signal);
    x->connected += strcmp(r->state, "connected") == 0;
    x->n++;
    return 0;
}

static enum MHD_Result healthz(struct gw_http *h, struct MHD_Connection *c, struct request *rq)
{
    char body[4096];
    struct buf b = {body, 0, sizeof(body), 0};
    struct health x = {&b, 0, 0};
    struct worker *w = worker_take(h);
    int depth = -1, ok;
    enum MHD_Result ret;

    body[0] = '\0';
    bprintf(&b, "{\"modems\":[");
    if (w->d != NULL && db_modem_reports(w->d, -1, health_modem, &x) >= 0)
        depth = db_outbox_depth(w->d);
    worker_give(h, w);
    ok = depth >= 0 && (x.connected > 0 || h->conf.nmodems == 0);
    bprintf(&b, "],\"database\":\"%s\",\"queue\":%d,\"status\":\"%s\"}\n",
            depth >= 0 ? "ok" : "error", depth, ok ? "ok" : "degraded");
    ret = respond(h, c, EP_HEALTHZ, &rq->t0, ok ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE,
                  "application/json", body);
    return ret;
}

struct stat_arg {
    struct gw_http *h;
    struct buf *b;
    const char *metric;
};

/* The transport behind a modem name: the configured modems, or the HTTP paths. */
static const char *transport_of(const struct gw_http *h, const char *modem)
{
    int i;

    for (i = 0; i < h->conf.nmodems; i++)
        if (strcmp(h->conf.modems[i].name, modem) == 0)
            return h->conf.modems[i].transport;
    if (strcmp(modem, "kannel") == 0)
        return "kannel-http";
    if (strcmp(modem, "ussd") == 0)
        return "ussd";
    return "none";
}

static int stat_in(void *arg, const char *modem, const char *keyword, const char *what, long count)
{
    struct stat_arg *a = arg;
    char m[80], k[40];

    (void)what;
    bprintf(a->b, "remitline_messages_in_total{transport=\"%s\",modem=\"%s\",keyword=\"%s\"} %ld\n",
            transport_of(a->h, modem), label(modem, m, sizeof(m)),
            label(keyword[0] ? keyword : "none", k, sizeof(k)), count);
    return 0;
}

static int stat_out(void *arg, const char *modem, const char *keyword, const char *what, long count)
{
    struct stat_arg *a = arg;
    char m[80], k[40];

    if (strcmp(what, "attempts-failed") == 0)
        bprintf(a->b, "remitline_send_failures_total{transport=\"%s\",modem=\"%s\"} %ld\n",
                transport_of(a->h, modem), label(modem, m, sizeof(m)), count);
    else
        bprintf(a->b,
                "remitline_messages_out_total{transport=\"%s\",modem=\"%s\",keyword=\"%s\","
                "state=\"%s\"} %ld\n",
                transport_of(a->h, modem), label(modem, m, sizeof(m)),
                label(keyword[0] ? keyword : "none", k, sizeof(k)), what, count);
    return 0;
}

static int stat_modem(void *arg, const struct db_modem_report *r)
{
    struct stat_arg *a = arg;
    char m[80];

    label(r->name, m, sizeof(m));
    bprintf(a->b, "remitline_modem_up{modem=\"%s\"} %d\n", m, strcmp(r->state, "connected") == 0);
    if (r->signal >= 0)
        bprintf(a->b, "remitline_modem_signal_percent{modem=\"%s\"} %d\n", m, r->signal);
    return 0;
}

static enum MHD_Result metrics(struct gw_http *h, struct MHD_Connection *c, struct request *rq)
{
    size_t cap = 64 * 1024;
    struct buf b = {malloc(cap), 0, cap, 0};
    struct stat_arg a = {h, &b, NULL};
    long counts[DB_LATENCY_BUCKETS], total = 0, sum = 0;
    struct worker *w;
    enum MHD_Result ret;
    int e, i, depth = -1, dbok = 0;

    if (b.p == NULL)
        return text(h, c, EP_METRICS, &rq->t0, MHD_HTTP_SERVICE_UNAVAILABLE, "out of memory\n");
    b.p[0] = '\0';
    w = worker_take(h);
    if (w->d != NULL) {
        bprintf(&b, "# HELP remitline_messages_in_total Messages received and answered (or "
                    "ignored), by transport, modem and keyword.\n# TYPE "
                    "remitline_messages_in_total counter\n");
        dbok = db_stats_inbox(w->d, stat_in, &a) >= 0;
        bprintf(&b, "# HELP remitline_messages_out_total Messages sent or set aside as failed, "
                    "by transport, modem, keyword answered (or kind) and state.\n# TYPE "
                    "remitline_messages_out_total counter\n"
                    "# HELP remitline_send_failures_total Send attempts that failed.\n"
                    "# TYPE remitline_send_failures_total counter\n");
        dbok = dbok && db_stats_outbox(w->d, stat_out, &a) >= 0;
        bprintf(&b, "# HELP remitline_modem_up Whether the modem is connected.\n"
                    "# TYPE remitline_modem_up gauge\n# HELP remitline_modem_signal_percent "
                    "Signal strength the modem last reported.\n"
                    "# TYPE remitline_modem_signal_percent gauge\n");
        db_modem_reports(w->d, -1, stat_modem, &a);
        depth = db_outbox_depth(w->d);
        if (db_reply_latency(w->d, counts, &total, &sum) == 0) {
            bprintf(&b, "# HELP remitline_sms_reply_seconds From a question's arrival to its "
                        "reply being sent.\n# TYPE remitline_sms_reply_seconds histogram\n");
            for (i = 0; i < DB_LATENCY_BUCKETS; i++)
                bprintf(&b, "remitline_sms_reply_seconds_bucket{le=\"%d\"} %ld\n",
                        db_latency_bounds[i], counts[i]);
            bprintf(&b,
                    "remitline_sms_reply_seconds_bucket{le=\"+Inf\"} %ld\n"
                    "remitline_sms_reply_seconds_sum %ld\nremitline_sms_reply_seconds_count %ld\n",
                    total, sum, total);
        }
    }
    worker_give(h, w);
    bprintf(&b,
            "# HELP remitline_queue_depth Messages queued or being sent.\n"
            "# TYPE remitline_queue_depth gauge\nremitline_queue_depth %d\n"
            "# HELP remitline_database_up Whether the database answered.\n"
            "# TYPE remitline_database_up gauge\nremitline_database_up %d\n",
            depth, dbok && depth >= 0);
    bprintf(&b, "# HELP remitline_http_requests_total HTTP requests by endpoint and status "
                "class.\n# TYPE remitline_http_requests_total counter\n");
    for (e = 0; e < EP_N; e++)
        for (i = 1; i < 6; i++)
            if (atomic_load(&h->requests[e][i]) > 0)
                bprintf(&b, "remitline_http_requests_total{endpoint=\"%s\",code=\"%dxx\"} %lu\n",
                        ep_names[e], i, atomic_load(&h->requests[e][i]));
    bprintf(&b, "# HELP remitline_http_reply_seconds Time to answer an HTTP request (USSD "
                "screens, Kannel replies).\n# TYPE remitline_http_reply_seconds histogram\n");
    for (e = 0; e < EP_N; e++) {
        unsigned long cum = 0;
        if (e != EP_USSD && e != EP_KANNEL)
            continue;
        for (i = 0; i < NLAT; i++) {
            cum += atomic_load(&h->lat_count[e][i]);
            bprintf(&b, "remitline_http_reply_seconds_bucket{endpoint=\"%s\",le=\"%g\"} %lu\n",
                    ep_names[e], (double)lat_bounds_us[i] / 1e6, cum);
        }
        cum += atomic_load(&h->lat_count[e][NLAT]);
        bprintf(&b,
                "remitline_http_reply_seconds_bucket{endpoint=\"%s\",le=\"+Inf\"} %lu\n"
                "remitline_http_reply_seconds_sum{endpoint=\"%s\"} %g\n"
                "remitline_http_reply_seconds_count{endpoint=\"%s\"} %lu\n",
                ep_names[e], cum, ep_names[e], (double)atomic_load(&h->lat_sum_us[e]) / 1e6,
                ep_names[e], cum);
    }
    bprintf(
        &b,
        "# TYPE remitline_ussd_sms_queued_total counter\nremitline_ussd_sms_queued_total %lu\n"
        "# TYPE remitline_ussd_sessions_expired_total counter\n"
        "remitline_ussd_sessions_expired_total %lu\n"
        "# TYPE remitline_http_refused_total counter\nremitline_http_refused_total %lu\n"
        "# HELP remitline_http_cut_total Connections cut for taking longer than "
        "request_timeout.\n# TYPE remitline_http_cut_total counter\nremitline_http_cut_total %lu\n",
        atomic_load(&h->ussd_sms_queued), atomic_load(&h->sessions_expired),
        atomic_load(&h->refused_addr), atomic_load(&h->cut_slow));
    ret = respond(h, c, EP_METRICS, &rq->t0, MHD_HTTP_OK, "text/plain; version=0.0.4", b.p);
    free(b.p);
    return ret;
}

/* ---- Dispatch ---- */

static enum endpoint endpoint_of(const char *url)
{
    if (strcmp(url, "/ussd") == 0)
        return EP_USSD;
    if (strcmp(url, "/kannel") == 0)
        return EP_KANNEL;
    if (strcmp(url, "/healthz") == 0)
        return EP_HEALTHZ;
    if (strcmp(url, "/metrics") == 0)
        return EP_METRICS;
    return EP_OTHER;
}

static enum MHD_Result access_cb(void *cls, struct MHD_Connection *c, const char *url,
                                 const char *method, const char *version, const char *upload,
                                 size_t *upload_size, void **con_cls)
{
    struct gw_http *h = cls;
    struct request *rq = *con_cls;
    enum endpoint ep = endpoint_of(url);
    int post = strcmp(method, "POST") == 0;

    (void)version;
    if (rq == NULL) {
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        if ((rq = calloc(1, sizeof(*rq))) == NULL)
            return MHD_NO;
        rq->t0 = mono_s();
        *con_cls = rq;
        if (cl != NULL && strtoul(cl, NULL, 10) > (unsigned long)h->conf.http.max_body) {
            rq->too_big = 1;
            return text(h, c, ep, &rq->t0, MHD_HTTP_CONTENT_TOO_LARGE, "body too large\n");
        }
        return MHD_YES;
    }
    if (*upload_size > 0) {
        if (!rq->too_big && rq->len + *upload_size > (size_t)h->conf.http.max_body)
            rq->too_big = 1;
        if (!rq->too_big) {
            if (rq->body == NULL && (rq->body = malloc((size_t)h->conf.http.max_body + 1)) == NULL)
                return MHD_NO;
            memcpy(rq->body + rq->len, upload, *upload_size);
            rq->len += *upload_size;
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (rq->too_big)
        return text(h, c, ep, &rq->t0, MHD_HTTP_CONTENT_TOO_LARGE, "body too large\n");
    if (rq->body == NULL)
        rq->body = calloc(1, 1);
    if (rq->body == NULL)
        return MHD_NO;
    rq->body[rq->len] = '\0';
    if (ep == EP_OTHER)
        return text(h, c, ep, &rq->t0, MHD_HTTP_NOT_FOUND,
                    "not found: POST /ussd, GET /kannel, GET /healthz, GET /metrics\n");
    if (ep == EP_HEALTHZ)
        return strcmp(method, "GET") == 0
                   ? healthz(h, c, rq)
                   : text(h, c, ep, &rq->t0, MHD_HTTP_METHOD_NOT_ALLOWED, "GET only\n");
    if (authenticate(h, c) == NULL)
        return text(h, c, ep, &rq->t0, MHD_HTTP_UNAUTHORIZED,
                    "a client token (Authorization: Bearer) or basic credentials are needed\n");
    if (ep == EP_USSD)
        return post ? ussd(h, c, rq)
                    : text(h, c, ep, &rq->t0, MHD_HTTP_METHOD_NOT_ALLOWED, "POST only\n");
    if (strcmp(method, "GET") != 0 && !post)
        return text(h, c, ep, &rq->t0, MHD_HTTP_METHOD_NOT_ALLOWED, "GET only\n");
    return ep == EP_KANNEL ? kannel(h, c, rq) : metrics(h, c, rq);
}

/* Keeps the list of open connections for gw_http_tick. MHD reports a connection closed before
 * it closes the socket, so under conn_lock a listed fd is always still this connection's. */
static void connection_cb(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    struct gw_http *h = cls;
    struct conn *k = *socket_context;

    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        if (ci == NULL || (k = calloc(1, sizeof(*k))) == NULL)
            return; /* unwatched: the idle timeout still holds */
        k->fd = ci->connect_fd;
        k->since = (time_t)mono_s();
        pthread_mutex_lock(&h->conn_lock);
        k->next = h->conns;
        if (h->conns != NULL)
            h->conns->prev = k;
        h->conns = k;
        pthread_mutex_unlock(&h->conn_lock);
        *socket_context = k;
    } else if (toe == MHD_CONNECTION_NOTIFY_CLOSED && k != NULL) {
        pthread_mutex_lock(&h->conn_lock);
        if (k->prev != NULL)
            k->prev->next = k->next;
        else
            h->conns = k->next;
        if (k->next != NULL)
            k->next->prev = k->prev;
        pthread_mutex_unlock(&h->conn_lock);
        free(k);
        *socket_context = NULL;
    }
}

void gw_http_tick(struct gw_http *h)
{
    struct conn *k;
    time_t now;
    int cut = 0;

    if (h == NULL)
        return;
    now = (time_t)mono_s();
    pthread_mutex_lock(&h->conn_lock);
    for (k = h->conns; k != NULL; k = k->next) {
        if (!k->cut && now - k->since >= h->conf.http.request_timeout) {
            /* Not close(): MHD still owns the fd. It sees end of file and closes it itself. */
            shutdown(k->fd, SHUT_RDWR);
            k->cut = 1;
            cut++;
        }
    }
    pthread_mutex_unlock(&h->conn_lock);
    if (cut > 0) {
        atomic_fetch_add(&h->cut_slow, (unsigned long)cut);
        log_warnx("http: cut connections=%d (a request went past request_timeout=%d s)", cut,
                  h->conf.http.request_timeout);
    }
}

static void completed_cb(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode why)
{
    struct gw_http *h = cls;
    struct request *rq = *con_cls;
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

    (void)why;
    if (ci != NULL && ci->socket_context != NULL) {
        struct conn *k = ci->socket_context;
        pthread_mutex_lock(&h->conn_lock);
        k->since = (time_t)mono_s(); /* the next request on this connection starts its own clock */
        pthread_mutex_unlock(&h->conn_lock);
    }
    if (rq != NULL) {
        free(rq->body);
        free(rq);
        *con_cls = NULL;
    }
}

struct gw_http *gw_http_start(const struct conf *c, gw_live *live)
{
    struct gw_http *h = calloc(1, sizeof(*h));
    struct sockaddr_storage sa;
    unsigned salen;

    if (h == NULL || (h->sessions = calloc(SESSION_SLOTS, sizeof(*h->sessions))) == NULL) {
        log_warn("http: allocating the server");
        goto fail;
    }
    h->conf = *c;
    h->live = live;
    pthread_mutex_init(&h->pool_lock, NULL);
    pthread_cond_init(&h->pool_free, NULL);
    pthread_mutex_init(&h->session_lock, NULL);
    pthread_mutex_init(&h->conn_lock, NULL);
    h->nworkers = c->http.threads < MAX_WORKERS ? c->http.threads : MAX_WORKERS;
    if (gw_http_parse_listen(c->http.listen, &sa, &salen) < 0) {
        log_warnx("http: listen = \"%s\" is not ADDR:PORT", c->http.listen);
        goto fail;
    }
    if (parse_rules(h) < 0)
        goto fail;
    h->mhd = MHD_start_daemon(
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_USE_TURBO |
            (sa.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
        0, accept_cb, h, access_cb, h, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)h->nworkers, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)c->http.max_connections, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)c->http.timeout,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)c->http.max_header,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024U, MHD_OPTION_NOTIFY_COMPLETED, completed_cb, h,
        MHD_OPTION_NOTIFY_CONNECTION, connection_cb, h, MHD_OPTION_END);
    if (h->mhd == NULL) {
        log_warnx("http: cannot serve on %s (in use, or not an address of this machine?)",
                  c->http.listen);
        goto fail;
    }
    log_info("http listen=%s clients=%d threads=%d", c->http.listen, c->http.nclients, h->nworkers);
    return h;
fail:
    gw_http_stop(h);
    return NULL;
}

void gw_http_stop(struct gw_http *h)
{
    int i;

    if (h == NULL)
        return;
    if (h->mhd != NULL)
        MHD_stop_daemon(h->mhd);
    for (i = 0; i < h->nworkers; i++) {
        ussd_close(h->workers[i].u);
        gw_ctx_close(h->workers[i].ctx);
        db_close(h->workers[i].d);
    }
    if (h->sessions != NULL) {
        pthread_mutex_destroy(&h->pool_lock);
        pthread_cond_destroy(&h->pool_free);
        pthread_mutex_destroy(&h->session_lock);
        pthread_mutex_destroy(&h->conn_lock);
    }
    free(h->sessions);
    free(h);
}
