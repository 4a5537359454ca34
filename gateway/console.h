/*
 * console.h: the operator's console, as pages of server-rendered HTML with inline SVG charts
 * (util/chart.h), and the demand report both as CSV and as one self-contained HTML file.
 *
 * A page is written whole to a FILE (an open_memstream for the HTTP interface, the operator's
 * file for `remitline report --html`). Pages only read: every figure comes from db/ queries
 * shared with the command line (figures.h for what needs the configuration), every page is
 * bounded (the newest alerts, messages and weeks), and every string that is not this file's
 * own goes through html_esc(). Numbers are always masked (log_number_masked), whatever the log
 * level.
 *
 * Order of calls: gw_console_query_init(), then gw_console_param() for each query parameter
 * (which refuses what a page does not take), then gw_console_page() or gw_report_csv().
 */
#ifndef RL_GW_CONSOLE_H
#define RL_GW_CONSOLE_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "conf/config.h"
#include "db/db.h"

enum gw_page {
    GW_PAGE_STATUS,
    GW_PAGE_BROADCASTS,
    GW_PAGE_MESSAGES,
    GW_PAGE_DEMAND,
    GW_PAGE_SOURCES,
    GW_PAGE_N
};

#define GW_CONSOLE_WEEKS     12   /* the demand page's weeks when none are asked for */
#define GW_CONSOLE_MAX_WEEKS 104  /* and at most */
#define GW_CONSOLE_MESSAGES  100  /* messages on the messages page */
#define GW_CONSOLE_WINDOW    5000 /* the newest messages each way that its filters look at */
#define GW_CONSOLE_ALERTS    20   /* alerts on the broadcasts page */

/* A page's query parameters, validated. */
struct gw_console_query {
    char state[12];   /* messages: received answered ignored queued sending sent failed */
    char keyword[16]; /* messages: a keyword (FEE), or a kind (broadcast, notice) */
    char lang[8];     /* messages: a language code */
    char door[32];    /* messages: a modem's name, kannel, ussd, ask */
    int weeks;        /* demand: 1 to GW_CONSOLE_MAX_WEEKS */
};

void gw_console_query_init(struct gw_console_query *q);
/* Takes one query parameter of page p into q: 0, or -1 with why (a sentence for the operator)
 * when p takes no such parameter or its value is not one it can be. An empty value is "any". */
int gw_console_param(struct gw_console_query *q, enum gw_page p, const char *name,
                     const char *value, char *why, size_t whysz);

/*
 * What the status page says of the sources (how many, how many old, the last import), kept
 * between requests by its owner (an HTTP worker): reading it takes a pass over every quote,
 * rate and guide, and it changes only with the content generation (an import) or, for what is
 * old, with the day. Zeroed by its owner before first use.
 */
struct gw_console_cache {
    int valid;
    int64_t gen; /* the content generation it was read at */
    time_t at;   /* and when */
    int n, stale;
    char newest_import[24];
};

/* The page p, as a whole HTML document, to fp. standalone (report --html): the stylesheet
 * inline and no links to other pages, so the file can be mailed or printed alone. cache NULL
 * reads the sources afresh. 0, or -1 when the database failed (the page then says so). */
int gw_console_page(FILE *fp, enum gw_page p, const struct conf *c, db *d,
                    const struct gw_console_query *q, time_t now, int standalone,
                    struct gw_console_cache *cache);
/* A page that says what went wrong (a bad parameter): a whole HTML document. */
void gw_console_problem(FILE *fp, const char *title, const char *text);

/* The console's stylesheet (GET /console/style.css; inline in a standalone page). */
extern const char gw_console_css[];

/* The demand statistics from week since ("" for all) as `remitline report` writes them:
 * week,keyword,language,from,to,queries. 0, or -1. */
int gw_report_csv(FILE *fp, db *d, const char *since);
/* The ISO week (2026-W48) weeks - 1 weeks before now's, into out: where a report of the last
 * weeks weeks starts. Returns out. */
const char *gw_week_since(time_t now, int weeks, char *out, size_t outsz);

#endif
