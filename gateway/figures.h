/*
 * figures.h: the figures that the command line (status, sources, broadcast status) and the
 * operator's console (console.h) both show, worked out here once so that a terminal and a
 * browser never disagree: where "today" starts, whether a source is old, and how an alert's
 * sending goes on (held by quiet hours or a budget, the time it still needs, what it costs).
 * The queries behind them are db/'s; this adds what needs the configuration.
 */
#ifndef RL_GW_FIGURES_H
#define RL_GW_FIGURES_H

#include <stddef.h>
#include <time.h>

#include "conf/config.h"
#include "db/db.h"

/* Local midnight of now's day: "today" for sent and failed counts and daily budgets. */
time_t gw_day_start(time_t now);
/* Minutes since local midnight of t, as quiet hours are given. */
int gw_minute_of_day(time_t t);

/* Whether source s is past its maximum age at now: prices by max_age_fees, published rates by
 * max_age_rates; rates defined in content files are fixed parities (never old). 1 or 0. */
int gw_source_stale(const struct conf *c, const struct db_source_info *s, time_t now);

/* How broadcasts go out now, the same for every alert. */
struct gw_send_plan {
    long rate;        /* messages a minute over every modem with a send_rate */
    int unlimited;    /* a modem has no send_rate, or none is configured: no estimate */
    double part_cost; /* part_cost, 0 if not configured */
    char currency[16];
    char held[160]; /* why no broadcast goes out now ("held by quiet hours until 07:00", or
                       every modem's pause: its daily budget, its airtime), "" if they go */
};
/* Fills *p from c and, for pauses, each modem's last report in d (d NULL: quiet hours only). */
void gw_send_plan(const struct conf *c, db *d, time_t now, struct gw_send_plan *p);
/* Minutes the remaining messages need at p's rate: 1 and *minutes, or 0 when there is no
 * limit to estimate from. */
int gw_send_minutes(const struct gw_send_plan *p, long remaining, double *minutes);

/* Delivery reports (#17) in one line, the same in the terminal and the console: "delivered 210
 * (70%), failed 60, expired 0, pending 30 of 300 asked" ("no delivery report asked" when none
 * did). The share is of those that asked for a report; 0 when none did. */
struct db_delivery_counts;
void gw_delivery_line(const struct db_delivery_counts *c, char *out, size_t outsz);
int gw_delivery_share(const struct db_delivery_counts *c);

#endif
