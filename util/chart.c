/*
 * chart.c: bar, line and progress charts as inline SVG (see chart.h).
 */
#include "util/chart.h"

#include <string.h>

#include "util/html.h"
#include "util/utf8.h"

#define W 360 /* viewBox width: a phone screen's CSS pixels */

/* Distinct for the colour-blind (Okabe and Ito's palette). */
static const char *const palette[] = {"#0072b2", "#d55e00", "#009e73", "#cc79a7",
                                      "#e69f00", "#56b4e9", "#999999", "#000000"};
#define NPALETTE (int)(sizeof(palette) / sizeof(palette[0]))

const char *chart_color(int i)
{
    return palette[(i < 0 ? -i : i) % NPALETTE];
}

static void open_svg(FILE *fp, const char *kind, const char *title, int height)
{
    fprintf(fp,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart %s\" viewBox=\"0 0 %d %d\" "
            "width=\"100%%\" role=\"img\" aria-label=\"",
            kind, W, height);
    html_esc(fp, title);
    fputs("\" font-family=\"sans-serif\" font-size=\"11\"><title>", fp);
    html_esc(fp, title);
    fputs("</title>", fp);
}

/* A label cut to max bytes on a character boundary, with an ellipsis when cut. */
static void short_label(FILE *fp, const char *s, size_t max)
{
    size_t n = s ? strlen(s) : 0;

    if (n <= max) {
        html_esc(fp, s);
        return;
    }
    html_escn(fp, s, utf8_prefix(s, max - 1));
    fputs("\xE2\x80\xA6", fp);
}

/* The smallest of 1, 2, 5 x 10^k at or above v (at least 1): a step of a value axis. */
static long nice_max(long v)
{
    long step = 1;

    if (v < 1)
        return 1;
    for (;;) {
        if (v <= step)
            return step;
        if (v <= 2 * step)
            return 2 * step;
        if (v <= 5 * step)
            return 5 * step;
        if (step > 100000000000000L)
            return v;
        step *= 10;
    }
}

void chart_hbars(FILE *fp, const char *title, const struct chart_bar *bars, int n)
{
    const int row = 22, left = 112, right = 48, top = 4;
    long max = 0;
    int i, height;

    if (n > CHART_MAX_ITEMS)
        n = CHART_MAX_ITEMS;
    for (i = 0; i < n; i++)
        if (bars[i].value > max)
            max = bars[i].value;
    height = top * 2 + (n > 0 ? n : 1) * row;
    open_svg(fp, "bars", title, height);
    if (n == 0)
        fprintf(fp, "<text x=\"%d\" y=\"%d\" fill=\"#555\">no data</text>", W / 2 - 24, top + 15);
    for (i = 0; i < n; i++) {
        long v = bars[i].value < 0 ? 0 : bars[i].value;
        int y = top + i * row, len = max > 0 ? (int)(v * (W - left - right) / max) : 0;

        fputs("<g class=\"bar\" data-label=\"", fp);
        html_esc(fp, bars[i].label);
        fprintf(fp, "\" data-value=\"%ld\"><text x=\"%d\" y=\"%d\" text-anchor=\"end\">", v,
                left - 6, y + 15);
        short_label(fp, bars[i].label, 18);
        fprintf(fp,
                "</text><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>"
                "<text x=\"%d\" y=\"%d\">%ld</text></g>",
                left, y + 3, len > 0 ? len : 1, row - 6, palette[0], left + len + 4, y + 15, v);
    }
    fputs("</svg>", fp);
}

void chart_lines(FILE *fp, const char *title, const char *const *xlabels, int nx,
                 const struct chart_series *series, int ns)
{
    const int left = 34, right = 12, top = 8, plot_h = 150, xlab = 22, legend_row = 18;
    const int per_row = 3;
    long max = 0, top_v;
    int i, k, height, legend_rows, every;

    if (nx > CHART_MAX_POINTS)
        nx = CHART_MAX_POINTS;
    if (ns > CHART_MAX_ITEMS)
        ns = CHART_MAX_ITEMS;
    for (i = 0; i < ns; i++)
        for (k = 0; k < nx; k++)
            if (series[i].values[k] > max)
                max = series[i].values[k];
    top_v = 4 * nice_max((max + 3) / 4); /* four grid steps of 1, 2 or 5 x 10^k */
    legend_rows = (ns + per_row - 1) / per_row;
    height = top + plot_h + xlab + legend_rows * legend_row + 4;
    open_svg(fp, "lines", title, height);
    /* The value axis: four grid lines and their figures. */
    for (i = 0; i <= 4; i++) {
        int y = top + plot_h - i * plot_h / 4;
        fprintf(fp,
                "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>"
                "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"#555\">%ld</text>",
                left, y, W - right, y, left - 4, y + 4, top_v * i / 4);
    }
    /* The weeks: as many labels as fit, at most one every 40 units. */
    every = nx > 0 ? (nx * 40 + (W - left - right) - 1) / (W - left - right) : 1;
    if (every < 1)
        every = 1;
    for (k = 0; k < nx; k++) {
        int x = nx > 1 ? left + k * (W - left - right) / (nx - 1) : left + (W - left - right) / 2;
        if (k % every != 0 && k != nx - 1)
            continue;
        fprintf(fp, "<text class=\"x\" x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">", x,
                top + plot_h + 15);
        short_label(fp, xlabels[k], 10);
        fputs("</text>", fp);
    }
    if (ns == 0 || nx == 0)
        fprintf(fp, "<text x=\"%d\" y=\"%d\" fill=\"#555\">no data</text>", W / 2 - 24,
                top + plot_h / 2);
    for (i = 0; i < ns && nx > 0; i++) {
        const char *colour = palette[i % NPALETTE];
        int lx = left + (i % per_row) * 105, ly = top + plot_h + xlab + (i / per_row) * legend_row;

        fputs("<g class=\"series\" data-name=\"", fp);
        html_esc(fp, series[i].name);
        fputs("\" data-values=\"", fp);
        for (k = 0; k < nx; k++)
            fprintf(fp, "%s%ld", k ? "," : "", series[i].values[k]);
        fprintf(fp, "\"><polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"",
                colour);
        for (k = 0; k < nx; k++) {
            int x =
                nx > 1 ? left + k * (W - left - right) / (nx - 1) : left + (W - left - right) / 2;
            long v = series[i].values[k] < 0 ? 0 : series[i].values[k];
            fprintf(fp, "%s%d,%ld", k ? " " : "", x, top + plot_h - v * plot_h / top_v);
        }
        fputs("\"/>", fp);
        for (k = 0; k < nx; k++) {
            int x =
                nx > 1 ? left + k * (W - left - right) / (nx - 1) : left + (W - left - right) / 2;
            long v = series[i].values[k] < 0 ? 0 : series[i].values[k];
            fprintf(fp, "<circle cx=\"%d\" cy=\"%ld\" r=\"2.5\" fill=\"%s\"/>", x,
                    top + plot_h - v * plot_h / top_v, colour);
        }
        fprintf(fp,
                "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                "<text x=\"%d\" y=\"%d\">",
                lx, ly + 2, colour, lx + 14, ly + 11);
        short_label(fp, series[i].name, 14);
        fputs("</text></g>", fp);
    }
    fputs("</svg>", fp);
}

void chart_stack(FILE *fp, const char *title, const struct chart_bar *parts, const int *colours,
                 int n, long total)
{
    const int height = 18;
    int i, x = 0;

    if (n > CHART_MAX_ITEMS)
        n = CHART_MAX_ITEMS;
    open_svg(fp, "stack", title, height);
    fprintf(fp, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#eee\"/>", W, height);
    for (i = 0; i < n; i++) {
        long v = parts[i].value < 0 ? 0 : parts[i].value;
        int w = total > 0 ? (int)(v * W / total) : 0;

        if (x + w > W)
            w = W - x;
        fputs("<g class=\"segment\" data-label=\"", fp);
        html_esc(fp, parts[i].label);
        fprintf(fp,
                "\" data-value=\"%ld\"><rect x=\"%d\" y=\"0\" width=\"%d\" height=\"%d\" "
                "fill=\"%s\"/></g>",
                v, x, w, height, chart_color(colours != NULL ? colours[i] : i));
        x += w;
    }
    fputs("</svg>", fp);
}
