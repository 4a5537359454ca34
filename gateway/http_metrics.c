/*
 * http_metrics.c: GET /healthz (modems, database and queue as JSON) and GET /metrics (the
 * Prometheus text format: messages, modems, reply times, HTTP requests).
 */
#include "gateway/http_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/delivery.h"
#include "db/updates.h"
#include "gateway/transport.h"
#include "util/log.h"

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

enum MHD_Result http_healthz(struct gw_http *h, struct MHD_Connection *c, struct request *rq)
{
    char body[4096];
    struct buf b = {body, 0, sizeof(body), 0};
    struct health x = {&b, 0, 0};
    struct worker *w = http_worker_take(h);
    int depth = -1, ok;
    enum MHD_Result ret;

    body[0] = '\0';
    bprintf(&b, "{\"modems\":[");
    if (w->d != NULL && db_modem_reports(w->d, -1, health_modem, &x) >= 0)
        depth = db_outbox_depth(w->d);
    http_worker_give(h, w);
    ok = depth >= 0 && (x.connected > 0 || h->conf.nmodems == 0);
    bprintf(&b, "],\"database\":\"%s\",\"queue\":%d,\"status\":\"%s\"}\n",
            depth >= 0 ? "ok" : "error", depth, ok ? "ok" : "degraded");
    ret = http_respond(h, c, EP_HEALTHZ, &rq->t0, ok ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE,
                       "application/json", body);
    return ret;
}

struct stat_arg {
    struct gw_http *h;
    struct buf *b;
    const char *metric;
};

static const char *transport_of(const struct gw_http *h, const char *modem)
{
    return gw_transport_of(&h->conf, modem);
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

    /* Two families from one walk: each pass writes one, so its samples follow its own HELP and
     * TYPE lines (the text format wants a family's lines together). */
    if ((strcmp(what, "attempts-failed") == 0) != (strcmp(a->metric, "failures") == 0))
        return 0;
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

/* Delivery reports (#17), by modem and kind: what parts became (delivered, failed, expired) and
 * what reports were (duplicate, late, intermediate, unmatched). */
static int stat_delivery(void *arg, const char *modem, const char *kind, long count)
{
    struct stat_arg *a = arg;
    char m[80], k[40];

    bprintf(
        a->b, "remitline_delivery_reports_total{transport=\"%s\",modem=\"%s\",kind=\"%s\"} %ld\n",
        transport_of(a->h, modem), label(modem, m, sizeof(m)), label(kind, k, sizeof(k)), count);
    return 0;
}

/* `remitline update`: when each source's data was last known current, and its attempts. */
static int stat_refresh(void *arg, const struct db_update_summary *u)
{
    struct stat_arg *a = arg;
    char src[64];

    if (u->last_refresh > 0)
        bprintf(a->b, "remitline_data_refresh_timestamp_seconds{source=\"%s\"} %lld\n",
                label(u->source, src, sizeof(src)), (long long)u->last_refresh);
    return 0;
}

static int stat_attempts(void *arg, const struct db_update_summary *u)
{
    struct stat_arg *a = arg;
    char src[64];

    label(u->source, src, sizeof(src));
    bprintf(a->b,
            "remitline_data_update_attempts_total{source=\"%s\",result=\"ok\"} %ld\n"
            "remitline_data_update_attempts_total{source=\"%s\",result=\"unchanged\"} %ld\n"
            "remitline_data_update_attempts_total{source=\"%s\",result=\"failed\"} %ld\n",
            src, u->ok, src, u->unchanged, src, u->failed);
    return 0;
}

static int stat_modem(void *arg, const struct db_modem_report *r)
{
    struct stat_arg *a = arg;
    char m[80];

    label(r->name, m, sizeof(m));
    if (strcmp(a->metric, "up") == 0)
        bprintf(a->b, "remitline_modem_up{modem=\"%s\"} %d\n", m,
                strcmp(r->state, "connected") == 0);
    else if (r->signal >= 0) /* a ratio, Prometheus's unit for a fraction */
        bprintf(a->b, "remitline_modem_signal_ratio{modem=\"%s\"} %g\n", m, r->signal / 100.0);
    return 0;
}

/* A family of its own, after the others: Prometheus wants each family's lines together. */
static int stat_twice(void *arg, const struct db_modem_report *r)
{
    struct stat_arg *a = arg;
    char m[80];

    label(r->name, m, sizeof(m));
    bprintf(a->b, "remitline_modem_maybe_sent_twice_total{modem=\"%s\"} %ld\n", m, r->maybe_twice);
    return 0;
}

enum MHD_Result http_metrics(struct gw_http *h, struct MHD_Connection *c, struct request *rq)
{
    size_t cap = 64 * 1024;
    struct buf b = {malloc(cap), 0, cap, 0};
    struct stat_arg a = {h, &b, NULL};
    long counts[DB_LATENCY_BUCKETS], total = 0, sum = 0;
    struct worker *w;
    enum MHD_Result ret;
    int e, i, depth = -1, dbok = 0;

    if (b.p == NULL)
        return http_text(h, c, EP_METRICS, &rq->t0, MHD_HTTP_SERVICE_UNAVAILABLE,
                         "out of memory\n");
    b.p[0] = '\0';
    w = http_worker_take(h);
    if (w->d != NULL) {
        bprintf(&b, "# HELP remitline_messages_in_total Messages received and answered (or "
                    "ignored), by transport, modem and keyword.\n# TYPE "
                    "remitline_messages_in_total counter\n");
        dbok = db_stats_inbox(w->d, stat_in, &a) >= 0;
        bprintf(&b, "# HELP remitline_messages_out_total Messages sent or set aside as failed, "
                    "by transport, modem, keyword answered (or kind) and state.\n# TYPE "
                    "remitline_messages_out_total counter\n");
        a.metric = "out";
        dbok = dbok && db_stats_outbox(w->d, stat_out, &a) >= 0;
        bprintf(&b, "# HELP remitline_send_failures_total Send attempts that failed.\n"
                    "# TYPE remitline_send_failures_total counter\n");
        a.metric = "failures";
        dbok = dbok && db_stats_outbox(w->d, stat_out, &a) >= 0;
        bprintf(&b, "# HELP remitline_delivery_reports_total Delivery reports by modem and kind: "
                    "parts delivered, failed or expired (no report in time), and reports that "
                    "were duplicate, late, intermediate or unmatched.\n# TYPE "
                    "remitline_delivery_reports_total counter\n");
        dbok = dbok && db_delivery_stats(w->d, stat_delivery, &a) >= 0;
        bprintf(&b, "# HELP remitline_modem_up Whether the modem is connected.\n"
                    "# TYPE remitline_modem_up gauge\n");
        a.metric = "up";
        db_modem_reports(w->d, -1, stat_modem, &a);
        bprintf(&b, "# HELP remitline_modem_signal_ratio Signal strength the modem last "
                    "reported, 0 to 1.\n# TYPE remitline_modem_signal_ratio gauge\n");
        a.metric = "signal";
        db_modem_reports(w->d, -1, stat_modem, &a);
        bprintf(&b, "# HELP remitline_modem_maybe_sent_twice_total Parts the modem may have sent "
                    "twice: the link died after it took them, before the network answered.\n"
                    "# TYPE remitline_modem_maybe_sent_twice_total counter\n");
        db_modem_reports(w->d, -1, stat_twice, &a);
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
        bprintf(&b, "# HELP remitline_data_refresh_timestamp_seconds When `remitline update` last "
                    "found a source's data current (fetched and imported, or unchanged).\n"
                    "# TYPE remitline_data_refresh_timestamp_seconds gauge\n");
        db_update_each(w->d, stat_refresh, &a);
        bprintf(&b, "# HELP remitline_data_update_attempts_total Attempts of `remitline update` "
                    "by source and result.\n# TYPE remitline_data_update_attempts_total counter\n");
        db_update_each(w->d, stat_attempts, &a);
    }
    http_worker_give(h, w);
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
        "# HELP remitline_ussd_sms_queued_total USSD answers queued to be sent by SMS.\n"
        "# TYPE remitline_ussd_sms_queued_total counter\nremitline_ussd_sms_queued_total %lu\n"
        "# HELP remitline_ussd_sessions_expired_total USSD requests to a session that had "
        "expired.\n# TYPE remitline_ussd_sessions_expired_total counter\n"
        "remitline_ussd_sessions_expired_total %lu\n"
        "# HELP remitline_http_refused_total Connections refused by the allow list.\n"
        "# TYPE remitline_http_refused_total counter\nremitline_http_refused_total %lu\n"
        "# HELP remitline_http_cut_total Connections cut for taking longer than "
        "request_timeout.\n# TYPE remitline_http_cut_total counter\nremitline_http_cut_total %lu\n",
        atomic_load(&h->ussd_sms_queued), atomic_load(&h->sessions_expired),
        atomic_load(&h->refused_addr), atomic_load(&h->cut_slow));
    ret = http_respond(h, c, EP_METRICS, &rq->t0, MHD_HTTP_OK, "text/plain; version=0.0.4", b.p);
    free(b.p);
    return ret;
}
