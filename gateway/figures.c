/*
 * figures.c: figures shared by the command line and the console (see figures.h).
 */
#include "gateway/figures.h"

#include <stdio.h>
#include <string.h>

#include "db/delivery.h"
#include "db/queue.h"
#include "handlers/handler.h"

time_t gw_day_start(time_t now)
{
    struct tm tm;

    localtime_r(&now, &tm);
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    tm.tm_isdst = -1;
    return mktime(&tm);
}

int gw_minute_of_day(time_t t)
{
    struct tm tm;

    localtime_r(&t, &tm);
    return tm.tm_hour * 60 + tm.tm_min;
}

int gw_source_stale(const struct conf *c, const struct db_source_info *s, time_t now)
{
    if (strcmp(s->kind, "fees") == 0)
        return handler_is_stale(s->newest, now, c->max_age_fees);
    if (strcmp(s->kind, "rates") == 0 && strcmp(s->format, "content") != 0)
        return handler_is_stale(s->newest, now, c->max_age_rates);
    return 0;
}

struct pauses {
    int modems, paused;
    char first[120];
};

static int count_pause(void *arg, const struct db_modem_report *r)
{
    struct pauses *x = arg;

    x->modems++;
    if (r->paused[0]) {
        if (x->paused++ == 0)
            snprintf(x->first, sizeof(x->first), "%s", r->paused);
    }
    return 0;
}

void gw_send_plan(const struct conf *c, db *d, time_t now, struct gw_send_plan *p)
{
    char end[8];
    int i;

    memset(p, 0, sizeof(*p));
    for (i = 0; i < c->nmodems; i++) {
        if (c->modems[i].send_rate == 0)
            p->unlimited = 1;
        p->rate += c->modems[i].send_rate;
    }
    if (c->part_cost[0] && sscanf(c->part_cost, "%lf %15s", &p->part_cost, p->currency) < 1)
        p->part_cost = 0;
    if (conf_quiet_until(c, gw_minute_of_day(now), end, sizeof(end)) != NULL) {
        snprintf(p->held, sizeof(p->held), "held by quiet hours until %s", end);
    } else if (d != NULL) {
        /* A broadcast waits when no modem may send one: each says why in its report. */
        struct pauses x = {0, 0, ""};
        if (db_modem_reports(d, -1, count_pause, &x) >= 0 && x.modems > 0 && x.paused == x.modems)
            snprintf(p->held, sizeof(p->held), "held: %s", x.first);
    }
}

int gw_send_minutes(const struct gw_send_plan *p, long remaining, double *minutes)
{
    if (p->unlimited || p->rate <= 0)
        return 0;
    *minutes = (double)remaining / (double)p->rate;
    return 1;
}

int gw_delivery_share(const struct db_delivery_counts *c)
{
    return c->asked > 0 ? (int)(c->delivered * 100 / c->asked) : 0;
}

void gw_delivery_line(const struct db_delivery_counts *c, char *out, size_t outsz)
{
    if (c->asked == 0)
        snprintf(out, outsz, "no delivery report asked");
    else
        snprintf(out, outsz,
                 "delivered %ld (%d%%), failed %ld, expired %ld, pending %ld of %ld asked",
                 c->delivered, gw_delivery_share(c), c->failed, c->expired, c->pending, c->asked);
}
