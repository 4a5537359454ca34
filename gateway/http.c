/*
 * http.c: the HTTP interface (see http.h). libmicrohttpd runs a small pool of epoll threads;
 * each request borrows one worker (database handle, handler context, USSD menus) from a pool of
 * as many workers as threads, so answering never shares a handler context between threads.
 * This file is the server: addresses and the allowlist, workers, responses, authentication,
 * dispatch and the connection watchdog; the endpoints are in http_ussd.c, http_kannel.c and
 * http_metrics.c (http_int.h is what they share).
 */
#include "gateway/http_int.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/hex.h"
#include "util/log.h"
#include "util/mono.h"

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
 * and USSD menus NULL when the database failed). Give it back with http_worker_give(). */
struct worker *http_worker_take(struct gw_http *h)
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
    if (w->d == NULL && (w->d = db_open_nofollow(h->conf.database)) == NULL)
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

void http_worker_give(struct gw_http *h, struct worker *w)
{
    pthread_mutex_lock(&h->pool_lock);
    w->busy = 0;
    pthread_cond_signal(&h->pool_free);
    pthread_mutex_unlock(&h->pool_lock);
}

/* ---- Responses ---- */

enum MHD_Result http_respond_full(struct gw_http *h, struct MHD_Connection *c, enum endpoint ep,
                                  const double *t0, unsigned status, const char *type,
                                  const char *body, size_t len, const char *const *headers)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    enum MHD_Result rc;
    double us = elapsed_us(t0);
    int i;

    if (r == NULL)
        return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    for (i = 0; headers != NULL && headers[i] != NULL && headers[i + 1] != NULL; i += 2)
        MHD_add_response_header(r, headers[i], headers[i + 1]);
    if (status == MHD_HTTP_UNAUTHORIZED && ep == EP_CONSOLE)
        /* A browser asks for a user and password on one Basic challenge alone. */
        MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                                "Basic realm=\"remitline console\", charset=\"UTF-8\"");
    else if (status == MHD_HTTP_UNAUTHORIZED)
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

enum MHD_Result http_respond(struct gw_http *h, struct MHD_Connection *c, enum endpoint ep,
                             const double *t0, unsigned status, const char *type, const char *body)
{
    return http_respond_full(h, c, ep, t0, status, type, body, strlen(body), NULL);
}

enum MHD_Result http_text(struct gw_http *h, struct MHD_Connection *c, enum endpoint ep,
                          const double *t0, unsigned status, const char *body)
{
    return http_respond(h, c, ep, t0, status, "text/plain; charset=utf-8", body);
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

/* ---- Dispatch ---- */

static enum endpoint endpoint_of(const char *url)
{
    if (strcmp(url, "/ussd") == 0)
        return EP_USSD;
    if (strcmp(url, "/kannel") == 0)
        return EP_KANNEL;
    if (strcmp(url, "/kannel/dlr") == 0)
        return EP_KANNEL_DLR;
    if (strcmp(url, "/healthz") == 0)
        return EP_HEALTHZ;
    if (strcmp(url, "/metrics") == 0)
        return EP_METRICS;
    if (strncmp(url, "/console", 8) == 0 && (url[8] == '\0' || url[8] == '/'))
        return EP_CONSOLE;
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
    const struct conf_http_client *who;

    (void)version;
    if (ep == EP_CONSOLE && !http_console_enabled(h))
        ep = EP_OTHER; /* off unless a console client is configured */
    if (rq == NULL) {
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        if ((rq = calloc(1, sizeof(*rq))) == NULL)
            return MHD_NO;
        rq->t0 = mono_s();
        *con_cls = rq;
        if (cl != NULL && strtoul(cl, NULL, 10) > (unsigned long)h->conf.http.max_body) {
            rq->too_big = 1;
            return http_text(h, c, ep, &rq->t0, MHD_HTTP_CONTENT_TOO_LARGE, "body too large\n");
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
        return http_text(h, c, ep, &rq->t0, MHD_HTTP_CONTENT_TOO_LARGE, "body too large\n");
    if (rq->body == NULL)
        rq->body = calloc(1, 1);
    if (rq->body == NULL)
        return MHD_NO;
    rq->body[rq->len] = '\0';
    if (ep == EP_OTHER)
        return http_text(h, c, ep, &rq->t0, MHD_HTTP_NOT_FOUND,
                         "not found: POST /ussd, GET /kannel, GET /kannel/dlr, GET /healthz, "
                         "GET /metrics\n");
    if (ep == EP_HEALTHZ)
        return strcmp(method, "GET") == 0
                   ? http_healthz(h, c, rq)
                   : http_text(h, c, ep, &rq->t0, MHD_HTTP_METHOD_NOT_ALLOWED, "GET only\n");
    if (ep == EP_CONSOLE && strcmp(url, "/console/style.css") == 0)
        return http_console_style(h, c, method, rq);
    if ((who = authenticate(h, c)) == NULL)
        return http_text(
            h, c, ep, &rq->t0, MHD_HTTP_UNAUTHORIZED,
            ep == EP_CONSOLE
                ? "the console needs the user and password of a console client\n"
                : "a client token (Authorization: Bearer) or basic credentials are needed\n");
    /* Each client reaches its own side only: the aggregator's token opens no console, and a
     * console password (typed into browsers) answers no USSD, Kannel or metrics request. */
    if ((ep == EP_CONSOLE) != (who->console != 0))
        return http_text(h, c, ep, &rq->t0, MHD_HTTP_FORBIDDEN,
                         who->console ? "a console client reaches only /console\n"
                                      : "this client is not a console client (kind = "
                                        "\"console\")\n");
    if (ep == EP_CONSOLE)
        return http_console(h, c, url, method, rq);
    if (ep == EP_USSD)
        return post ? http_ussd(h, c, rq)
                    : http_text(h, c, ep, &rq->t0, MHD_HTTP_METHOD_NOT_ALLOWED, "POST only\n");
    if (strcmp(method, "GET") != 0 && !post)
        return http_text(h, c, ep, &rq->t0, MHD_HTTP_METHOD_NOT_ALLOWED, "GET only\n");
    if (ep == EP_KANNEL_DLR)
        return http_kannel_dlr(h, c, rq);
    return ep == EP_KANNEL ? http_kannel(h, c, rq) : http_metrics(h, c, rq);
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

int gw_http_bind(const char *listen_addr)
{
    struct sockaddr_storage sa;
    unsigned salen;
    int fd, one = 1;

    if (gw_http_parse_listen(listen_addr, &sa, &salen) < 0) {
        log_warnx("http: listen = \"%s\" is not ADDR:PORT", listen_addr);
        return -1;
    }
    if ((fd = socket(sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0) {
        log_warn("http: creating a socket for %s", listen_addr);
        return -1;
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (sa.ss_family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    /* Bound only: it listens when the server starts (gw_http_start), so a client connecting
     * while the gateway is still starting is refused, not left waiting in the backlog. */
    if (bind(fd, (struct sockaddr *)&sa, salen) < 0) {
        log_warn("http: cannot serve on %s (in use, or not an address of this machine?)",
                 listen_addr);
        close(fd);
        return -1;
    }
    return fd;
}

int gw_http_conn_limit(long nofile, int configured, int nmodems, int threads)
{
    /* Descriptors the rest of the gateway needs: stdio, the lock, each database connection's
     * file, WAL and SHM (the main thread, every modem, every HTTP worker, the group commit),
     * each modem's device or Kannel socket and Gammu's files, each server thread's epoll and
     * wake-up pipe, the listening socket, and a margin for a reload's files and alert scans. */
    long reserved = 4 + 3L * (2 + nmodems + threads) + 4L * nmodems + 3L * threads + 1 + 64;
    long room = nofile - reserved;

    if (room < 1)
        room = 1;
    if (configured <= 0 || configured > room)
        return room > 60000 ? 60000 : (int)room;
    return configured;
}

/* libmicrohttpd's own messages ("Failed to bind to port ...") would speak before ours and in
 * its words: they go to the debug log, and what the operator reads is the gateway's sentence. */
static void mhd_log(void *cls, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    char msg[256];
    size_t n;

    (void)cls;
    vsnprintf(msg, sizeof(msg), fmt, ap);
    n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
        msg[--n] = '\0';
    log_debug("http: libmicrohttpd: %s", msg);
}

struct gw_http *gw_http_start(const struct conf *c, gw_live *live, int listen_fd)
{
    struct gw_http *h = calloc(1, sizeof(*h));
    struct rlimit rl;
    long nofile = 1024;
    int limit;

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
    if (listen_fd < 0 && (listen_fd = gw_http_bind(c->http.listen)) < 0)
        goto fail;
    if (listen(listen_fd, 1024) < 0) {
        log_warn("http: listening on %s", c->http.listen);
        goto fail;
    }
    if (parse_rules(h) < 0)
        goto fail;
    if ((h->batch = gw_batch_start(live, c->database)) == NULL)
        goto fail;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
        nofile = rl.rlim_cur == RLIM_INFINITY ? 1L << 20 : (long)rl.rlim_cur;
    limit = gw_http_conn_limit(nofile, c->http.max_connections, c->nmodems, h->nworkers);
    if (c->http.max_connections > limit)
        log_warnx("http: max_connections = %d lowered to %d: the open-files limit is %ld, and "
                  "the modems and the database keep their share (raise LimitNOFILE, or ulimit "
                  "-n, to allow more)",
                  c->http.max_connections, limit, nofile);
    h->mhd = MHD_start_daemon(
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_USE_TURBO, 0, accept_cb, h,
        access_cb, h, MHD_OPTION_LISTEN_SOCKET, listen_fd, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned)h->nworkers, MHD_OPTION_CONNECTION_LIMIT, (unsigned)limit,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)c->http.timeout,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)c->http.max_header, MHD_OPTION_NOTIFY_COMPLETED,
        completed_cb, h, MHD_OPTION_NOTIFY_CONNECTION, connection_cb, h, MHD_OPTION_EXTERNAL_LOGGER,
        mhd_log, NULL, MHD_OPTION_END);
    if (h->mhd == NULL) {
        log_warnx("http: cannot serve on %s", c->http.listen);
        goto fail;
    }
    listen_fd = -1; /* the server's now: MHD_stop_daemon closes it */
    log_info("http listen=%s clients=%d threads=%d max_connections=%d nofile=%ld console=%s",
             c->http.listen, c->http.nclients, h->nworkers, limit, nofile,
             http_console_enabled(h) ? "on" : "off");
    return h;
fail:
    if (listen_fd >= 0)
        close(listen_fd);
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
    gw_batch_stop(h->batch); /* every request has finished: no caller waits */
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
