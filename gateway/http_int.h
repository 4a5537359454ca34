/*
 * http_int.h: what the files of the HTTP interface share (http.c the server, http_ussd.c,
 * http_kannel.c, http_metrics.c and http_console.c its endpoints); not for use outside them. The
 * server owns struct gw_http; an endpoint answers one request with a worker borrowed for its length
 * (http_worker_take, then http_worker_give) and replies through http_respond or http_text, which
 * also count the request for /metrics.
 */
#ifndef RL_GATEWAY_HTTP_INT_H
#define RL_GATEWAY_HTTP_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include <microhttpd.h>

#include "db/queue.h"
#include "gateway/answer.h"
#include "gateway/console.h"
#include "gateway/http.h"
#include "handlers/ussd.h"

#define MAX_WORKERS    64
#define MAX_RULES      32
#define SESSION_SLOTS  8192 /* power of two */
#define SESSION_PROBE  16
#define SESSION_ID_MAX 64

enum endpoint {
    EP_USSD,
    EP_KANNEL,
    EP_HEALTHZ,
    EP_METRICS,
    EP_CONSOLE,
    EP_KANNEL_DLR,
    EP_OTHER,
    EP_N
};
static const char *const ep_names[EP_N] = {"ussd",    "kannel",     "healthz", "metrics",
                                           "console", "kannel-dlr", "other"};
/* Request latency histogram bounds, in microseconds. */
#define NLAT 8
static const long lat_bounds_us[NLAT] = {250, 500, 1000, 2500, 5000, 10000, 50000, 250000};

struct worker {
    db *d;
    gw_ctx *ctx;                     /* the answer service on d: the same as the modem threads' */
    ussd_ctx *u;                     /* built on ctx's handlers, rebuilt when they reload */
    struct gw_console_cache console; /* the status page's summary of the sources */
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
    gw_batch *batch;  /* the answer service's group commit: /kannel and USSD answers */
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

/* A free worker, brought up to date with the newest configuration and content (its handlers
 * and USSD menus NULL when the database failed). Give it back with http_worker_give(). */
struct worker *http_worker_take(struct gw_http *h);
void http_worker_give(struct gw_http *h, struct worker *w);

/* Queues the response body (copied) of type with status, and counts it for endpoint ep with
 * the time since *t0. http_text is the same for a plain-text body. */
enum MHD_Result http_respond(struct gw_http *h, struct MHD_Connection *c, enum endpoint ep,
                             const double *t0, unsigned status, const char *type, const char *body);
enum MHD_Result http_text(struct gw_http *h, struct MHD_Connection *c, enum endpoint ep,
                          const double *t0, unsigned status, const char *body);
/* The same for len bytes of body, with extra headers: name, value, ..., NULL (NULL for none). */
enum MHD_Result http_respond_full(struct gw_http *h, struct MHD_Connection *c, enum endpoint ep,
                                  const double *t0, unsigned status, const char *type,
                                  const char *body, size_t len, const char *const *headers);

/* The endpoints, called by the dispatcher once the body is in and the client is let in. */
enum MHD_Result http_ussd(struct gw_http *h, struct MHD_Connection *c, struct request *rq);
enum MHD_Result http_kannel(struct gw_http *h, struct MHD_Connection *c, struct request *rq);
/* Kannel's dlr-url: a delivery report (delivery.h). */
enum MHD_Result http_kannel_dlr(struct gw_http *h, struct MHD_Connection *c, struct request *rq);
enum MHD_Result http_healthz(struct gw_http *h, struct MHD_Connection *c, struct request *rq);
enum MHD_Result http_metrics(struct gw_http *h, struct MHD_Connection *c, struct request *rq);
/* The console (http_console.c): whether a console client is configured (else /console is not
 * served at all), its pages for a console client, and its stylesheet for anyone. */
int http_console_enabled(const struct gw_http *h);
enum MHD_Result http_console(struct gw_http *h, struct MHD_Connection *c, const char *url,
                             const char *method, struct request *rq);
enum MHD_Result http_console_style(struct gw_http *h, struct MHD_Connection *c, const char *method,
                                   struct request *rq);

#endif
