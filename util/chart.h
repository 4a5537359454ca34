/*
 * chart.h: charts as inline SVG, drawn by the gateway for the operator's console and
 * `remitline report --html` (no script, no library, nothing fetched: a page works offline and
 * prints). Each function writes one <svg> element to fp, 360 units wide and scaled to its
 * container (width 100%), so it reads on a 360-pixel phone screen and on a laptop alike.
 *
 * Every label is written through html_esc(); colours come from a fixed palette here, never from
 * the caller. Each bar, segment and series carries its figures in data-* attributes
 * (data-label/data-value, data-name/data-values), so a test, or a screen reader's user looking
 * at the source, reads exactly what is drawn. Only presentation attributes are used, never a
 * style attribute: the console's Content-Security-Policy allows no inline style.
 */
#ifndef RL_UTIL_CHART_H
#define RL_UTIL_CHART_H

#include <stdio.h>

#define CHART_MAX_ITEMS  32  /* bars, series or segments a chart draws; more are left out */
#define CHART_MAX_POINTS 128 /* x labels (weeks) of a line chart; more are left out */

struct chart_bar {
    const char *label;
    long value;
};
/* Horizontal bars, in the order given, scaled to the largest value. n 0 draws "no data". */
void chart_hbars(FILE *fp, const char *title, const struct chart_bar *bars, int n);

struct chart_series {
    const char *name;
    const long *values; /* nx values, one per x label */
};
/* A line per series over the nx x labels (weeks), with a legend, scaled to the largest value. */
void chart_lines(FILE *fp, const char *title, const char *const *xlabels, int nx,
                 const struct chart_series *series, int ns);

/* One bar split into segments (sent, failed, queued...) in proportion to total, segment i
 * coloured chart_color(colours[i]) (colours NULL: chart_color(i)); a total of 0 draws an empty
 * bar. */
void chart_stack(FILE *fp, const char *title, const struct chart_bar *parts, const int *colours,
                 int n, long total);

/* The palette colour for index i ("#1b7837"): for legends drawn outside a chart. */
const char *chart_color(int i);

#endif
