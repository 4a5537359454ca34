/*
 * http_console.c: GET /console/... , the operator's console (console.h renders the pages), for
 * clients of kind "console" only. Read-only by construction: every page is a GET that runs
 * queries and writes HTML, and any other method is refused with 405 before a worker is taken.
 *
 *   /console, /console/status   modems, database, last data refresh
 *   /console/broadcasts         each alert's progress, time left and texts
 *   /console/messages           the recent log, numbers masked; ?state= &keyword= &lang= &door=
 *   /console/demand             demand charts; ?weeks= (1-104, default 12)
 *   /console/demand.csv         the same as `remitline report`; ?weeks=
 *   /console/sources            every loaded source and whether it is old
 *   /console/style.css          the stylesheet (no data in it: served without credentials)
 */
#include "gateway/http_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gateway/console.h"

/* No script, no frame, no other origin: the pages need only their own stylesheet, inline SVG
 * and the data: icon. */
#define CSP                                                                                        \
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "             \
    "frame-ancestors 'none'; base-uri 'none'"

static const char *const page_headers[] = {
    "Content-Security-Policy",
    CSP,
    "X-Content-Type-Options",
    "nosniff",
    "Referrer-Policy",
    "no-referrer",
    "X-Frame-Options",
    "DENY",
    "Cache-Control",
    "no-store",
    NULL,
};
static const char *const style_headers[] = {
    "X-Content-Type-Options", "nosniff", "Cache-Control", "no-cache", NULL,
};

struct route {
    const char *path;
    enum gw_page page;
    int csv;
};
static const struct route routes[] = {
    {"/console", GW_PAGE_STATUS, 0},
    {"/console/", GW_PAGE_STATUS, 0},
    {"/console/status", GW_PAGE_STATUS, 0},
    {"/console/broadcasts", GW_PAGE_BROADCASTS, 0},
    {"/console/messages", GW_PAGE_MESSAGES, 0},
    {"/console/demand", GW_PAGE_DEMAND, 0},
    {"/console/demand.csv", GW_PAGE_DEMAND, 1},
    {"/console/sources", GW_PAGE_SOURCES, 0},
};

int http_console_enabled(const struct gw_http *h)
{
    int i;

    for (i = 0; i < h->conf.http.nclients; i++)
        if (h->conf.http.clients[i].console)
            return 1;
    return 0;
}

struct params {
    struct gw_console_query *q;
    enum gw_page page;
    int bad;
    char why[160];
};

static enum MHD_Result param_cb(void *cls, enum MHD_ValueKind kind, const char *key,
                                const char *value)
{
    struct params *p = cls;

    (void)kind;
    if (p->bad)
        return MHD_NO;
    if (gw_console_param(p->q, p->page, key, value ? value : "", p->why, sizeof(p->why)) < 0) {
        p->bad = 1;
        return MHD_NO;
    }
    return MHD_YES;
}

/* A page's body from an open_memstream, then the response with the console's headers. */
static enum MHD_Result send_stream(struct gw_http *h, struct MHD_Connection *c, struct request *rq,
                                   unsigned status, const char *type, char *buf, size_t len)
{
    enum MHD_Result rc;

    if (buf == NULL)
        return http_text(h, c, EP_CONSOLE, &rq->t0, MHD_HTTP_SERVICE_UNAVAILABLE,
                         "out of memory\n");
    rc = http_respond_full(h, c, EP_CONSOLE, &rq->t0, status, type, buf, len, page_headers);
    free(buf);
    return rc;
}

static enum MHD_Result problem(struct gw_http *h, struct MHD_Connection *c, struct request *rq,
                               unsigned status, const char *title, const char *text)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);

    if (fp != NULL) {
        gw_console_problem(fp, title, text);
        fclose(fp);
    }
    return send_stream(h, c, rq, status, "text/html; charset=utf-8", buf, len);
}

enum MHD_Result http_console(struct gw_http *h, struct MHD_Connection *c, const char *url,
                             const char *method, struct request *rq)
{
    const struct route *r = NULL;
    struct gw_console_query q;
    struct params p;
    struct worker *w;
    char *buf = NULL, since[16];
    size_t len = 0, i;
    FILE *fp;
    int rc;

    if (strcmp(method, "GET") != 0)
        return http_respond_full(h, c, EP_CONSOLE, &rq->t0, MHD_HTTP_METHOD_NOT_ALLOWED,
                                 "text/plain; charset=utf-8",
                                 "the console is read-only: GET only\n",
                                 strlen("the console is read-only: GET only\n"), page_headers);
    for (i = 0; i < sizeof(routes) / sizeof(routes[0]) && r == NULL; i++)
        if (strcmp(url, routes[i].path) == 0)
            r = &routes[i];
    if (r == NULL)
        return problem(h, c, rq, MHD_HTTP_NOT_FOUND, "Not found",
                       "The console has Status, Broadcasts, Messages, Demand and Sources.");
    gw_console_query_init(&q);
    memset(&p, 0, sizeof(p));
    p.q = &q;
    p.page = r->page;
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, param_cb, &p);
    if (p.bad)
        return problem(h, c, rq, MHD_HTTP_BAD_REQUEST, "Bad request", p.why);
    if ((fp = open_memstream(&buf, &len)) == NULL)
        return send_stream(h, c, rq, 0, NULL, NULL, 0);
    w = http_worker_take(h);
    if (r->csv) {
        rc = w->d != NULL
                 ? gw_report_csv(fp, w->d, gw_week_since(time(NULL), q.weeks, since, sizeof(since)))
                 : -1;
    } else {
        rc = gw_console_page(fp, r->page, &h->conf, w->d, &q, time(NULL), 0, &w->console);
    }
    http_worker_give(h, w);
    if (fclose(fp) != 0) {
        free(buf);
        buf = NULL;
    }
    if (r->csv && rc < 0) {
        free(buf);
        return http_text(h, c, EP_CONSOLE, &rq->t0, MHD_HTTP_SERVICE_UNAVAILABLE,
                         "the database did not answer\n");
    }
    return send_stream(h, c, rq, rc < 0 ? MHD_HTTP_SERVICE_UNAVAILABLE : MHD_HTTP_OK,
                       r->csv ? "text/csv; charset=utf-8" : "text/html; charset=utf-8", buf, len);
}

enum MHD_Result http_console_style(struct gw_http *h, struct MHD_Connection *c, const char *method,
                                   struct request *rq)
{
    if (strcmp(method, "GET") != 0)
        return http_respond_full(h, c, EP_CONSOLE, &rq->t0, MHD_HTTP_METHOD_NOT_ALLOWED,
                                 "text/plain; charset=utf-8", "GET only\n", 9, page_headers);
    return http_respond_full(h, c, EP_CONSOLE, &rq->t0, MHD_HTTP_OK, "text/css; charset=utf-8",
                             gw_console_css, strlen(gw_console_css), style_headers);
}
