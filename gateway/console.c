/*
 * console.c: the console's pages and the demand report (see console.h). Layout for a phone
 * first: one column of cards, and lists rather than tables (a table's last columns fall off a
 * small screen), so no page is wider than a 360-pixel screen.
 */
#include "gateway/console.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "db/alerts.h"
#include "db/delivery.h"
#include "db/guards.h"
#include "db/queue.h"
#include "gateway/figures.h"
#include "util/chart.h"
#include "util/html.h"
#include "util/log.h"
#include "util/utf8.h"

const char gw_console_css[] =
    "*{box-sizing:border-box}\n"
    "body{margin:0;font:15px/1.4 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;"
    "color:#1d1d1d;background:#f6f6f4}\n"
    "header{background:#0b3d5c;color:#fff;padding:.5em .75em}\n"
    "header h1{font-size:1.1em;margin:0}\n"
    "nav{display:flex;flex-wrap:wrap;gap:.2em .9em;margin-top:.3em}\n"
    "nav a{color:#fff}\nnav a[aria-current]{font-weight:bold;text-decoration:none}\n"
    "main{padding:.75em;max-width:62em;margin:0 auto}\n"
    "section{background:#fff;border:1px solid #ddd;border-radius:4px;padding:.5em .75em;"
    "margin:0 0 .75em}\n"
    "h2{font-size:1.05em;margin:.2em 0 .5em;overflow-wrap:anywhere}\n"
    "h3{font-size:.95em;margin:.6em 0 .3em}\n"
    "p{margin:.3em 0}\n"
    ".list{list-style:none;margin:0;padding:0}\n"
    ".list li{border-bottom:1px solid #e6e6e6;padding:.4em 0}\n"
    ".list li.out{padding-left:.8em;border-left:3px solid #d7e3ea}\n"
    ".meta{font-size:.85em;color:#555}\n"
    ".text{overflow-wrap:anywhere;white-space:pre-wrap}\n"
    ".bad{color:#a40000}.ok{color:#17631a}.warn{color:#7a4d00}\n"
    "dl{display:grid;grid-template-columns:auto 1fr;gap:.1em .75em;margin:0}\n"
    "dt{color:#555}dd{margin:0;overflow-wrap:anywhere}\n"
    "form{display:flex;flex-wrap:wrap;gap:.5em;align-items:flex-end}\n"
    "label{display:flex;flex-direction:column;font-size:.85em}\n"
    "input,select,button{font:inherit;max-width:9em}\n"
    "svg.chart{display:block;max-width:42em;margin:.3em 0}\n"
    ".legend{font-size:.85em;margin:.2em 0}\n.legend span{margin-right:.8em;white-space:nowrap}\n"
    ".legend svg{vertical-align:middle;margin-right:.25em}\n"
    "blockquote{margin:.3em 0;padding:.2em .5em;border-left:3px solid #ccc;"
    "overflow-wrap:anywhere}\n"
    "footer{color:#666;font-size:.85em;padding:0 .75em .75em;max-width:62em;margin:0 auto}\n"
    "@media print{nav{display:none}body{background:#fff}section{border:0}}\n";

static const char *const page_path[GW_PAGE_N] = {
    [GW_PAGE_STATUS] = "/console/status",     [GW_PAGE_BROADCASTS] = "/console/broadcasts",
    [GW_PAGE_MESSAGES] = "/console/messages", [GW_PAGE_DEMAND] = "/console/demand",
    [GW_PAGE_SOURCES] = "/console/sources",
};
static const char *const page_title[GW_PAGE_N] = {
    [GW_PAGE_STATUS] = "Status",     [GW_PAGE_BROADCASTS] = "Broadcasts",
    [GW_PAGE_MESSAGES] = "Messages", [GW_PAGE_DEMAND] = "Demand",
    [GW_PAGE_SOURCES] = "Sources",
};

static const char *const states[] = {"received", "answered", "ignored", "queued",
                                     "sending",  "sent",     "failed"};
#define NSTATES (int)(sizeof(states) / sizeof(states[0]))

/* ---- Parameters ---- */

void gw_console_query_init(struct gw_console_query *q)
{
    memset(q, 0, sizeof(*q));
    q->weeks = GW_CONSOLE_WEEKS;
}

/* Whether v is 1 to max - 1 characters, each a letter, digit or one of extra. */
static int word_ok(const char *v, size_t max, const char *extra)
{
    size_t n = strlen(v), i;

    if (n == 0 || n >= max)
        return 0;
    for (i = 0; i < n; i++)
        if (!isalnum((unsigned char)v[i]) && strchr(extra, v[i]) == NULL)
            return 0;
    return 1;
}

int gw_console_param(struct gw_console_query *q, enum gw_page p, const char *name,
                     const char *value, char *why, size_t whysz)
{
    size_t i;

    if (p == GW_PAGE_MESSAGES && strcmp(name, "state") == 0) {
        int k;
        if (value[0] == '\0')
            return 0;
        for (k = 0; k < NSTATES; k++)
            if (strcmp(value, states[k]) == 0) {
                snprintf(q->state, sizeof(q->state), "%s", value);
                return 0;
            }
        snprintf(why, whysz,
                 "state must be one of received, answered, ignored, queued, sending, sent, "
                 "failed");
        return -1;
    }
    if (p == GW_PAGE_MESSAGES && strcmp(name, "keyword") == 0) {
        if (value[0] == '\0')
            return 0;
        if (!word_ok(value, sizeof(q->keyword), "_-")) {
            snprintf(why, whysz, "keyword is a word of letters and digits, like FEE or broadcast");
            return -1;
        }
        /* Keywords are kept in lower case (fee, rate, broadcast). */
        for (i = 0; value[i]; i++)
            q->keyword[i] = (char)tolower((unsigned char)value[i]);
        q->keyword[i] = '\0';
        return 0;
    }
    if (p == GW_PAGE_MESSAGES && strcmp(name, "lang") == 0) {
        if (value[0] == '\0')
            return 0;
        if (!word_ok(value, sizeof(q->lang), "-")) {
            snprintf(why, whysz, "lang is a language code, like en or fr");
            return -1;
        }
        for (i = 0; value[i]; i++)
            q->lang[i] = (char)tolower((unsigned char)value[i]);
        q->lang[i] = '\0';
        return 0;
    }
    if (p == GW_PAGE_MESSAGES && strcmp(name, "door") == 0) {
        if (value[0] == '\0')
            return 0;
        if (!word_ok(value, sizeof(q->door), "_.-")) {
            snprintf(why, whysz, "door is a modem's name, or kannel, ussd or ask");
            return -1;
        }
        snprintf(q->door, sizeof(q->door), "%s", value);
        return 0;
    }
    if (p == GW_PAGE_DEMAND && strcmp(name, "weeks") == 0) {
        char *end;
        long w;
        if (value[0] == '\0')
            return 0;
        w = strtol(value, &end, 10);
        if (end == value || *end != '\0' || w < 1 || w > GW_CONSOLE_MAX_WEEKS) {
            snprintf(why, whysz, "weeks is a whole number from 1 to %d", GW_CONSOLE_MAX_WEEKS);
            return -1;
        }
        q->weeks = (int)w;
        return 0;
    }
    snprintf(why, whysz, "this page takes no parameter of that name");
    return -1;
}

/* ---- Pieces ---- */

static void when(FILE *fp, int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    char buf[32];

    if (t <= 0) {
        fputs("-", fp);
        return;
    }
    gmtime_r(&tt, &tm);
    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M UTC", &tm);
    fputs(buf, fp);
}

static void head(FILE *fp, const char *title, enum gw_page p, int standalone)
{
    int i;

    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
          "<link rel=\"icon\" href=\"data:,\"><title>",
          fp);
    html_esc(fp, title);
    fputs(" \xC2\xB7 remitline</title>", fp);
    if (standalone)
        fprintf(fp, "<style>\n%s</style>", gw_console_css);
    else
        fputs("<link rel=\"stylesheet\" href=\"/console/style.css\">", fp);
    fputs("</head>\n<body><header><h1>remitline", fp);
    if (!standalone) {
        fputs("</h1><nav>", fp);
        for (i = 0; i < GW_PAGE_N; i++)
            fprintf(fp, "<a href=\"%s\"%s>%s</a>", page_path[i],
                    i == (int)p ? " aria-current=\"page\"" : "", page_title[i]);
        fputs("</nav>", fp);
    } else {
        fputs(" \xC2\xB7 ", fp);
        html_esc(fp, title);
        fputs("</h1>", fp);
    }
    fputs("</header>\n<main>", fp);
}

static void foot(FILE *fp, time_t now)
{
    fputs("</main>\n<footer>remitline " RL_VERSION " \xC2\xB7 ", fp);
    when(fp, (int64_t)now);
    fputs("</footer></body></html>\n", fp);
}

static void db_failed(FILE *fp)
{
    fputs("<section><p class=\"bad\">The database did not answer: see the gateway's log.</p>"
          "</section>",
          fp);
}

/* A small coloured square for a legend, palette colour i. */
static void swatch(FILE *fp, int i)
{
    fprintf(fp,
            "<svg width=\"10\" height=\"10\" aria-hidden=\"true\"><rect width=\"10\" "
            "height=\"10\" fill=\"%s\"/></svg>",
            chart_color(i));
}

/* ---- Status ---- */

struct status_walk {
    FILE *fp;
    int n;
    db *d;
    time_t now;
};

/* One modem's delivery reports of the last day, as `remitline status` shows them. */
struct modem_delivery {
    const char *name;
    struct db_delivery_counts c;
};

static int find_delivery(void *arg, const char *modem, const struct db_delivery_counts *c)
{
    struct modem_delivery *m = arg;

    if (strcmp(modem, m->name) != 0)
        return 0;
    m->c = *c;
    return 1;
}

static int status_modem(void *arg, const struct db_modem_report *r)
{
    struct status_walk *w = arg;
    FILE *fp = w->fp;
    int up = strcmp(r->state, "connected") == 0;

    fputs("<section class=\"modem\"><h2>", fp);
    html_esc(fp, r->name);
    fprintf(fp, " <span class=\"%s\">", up ? "ok" : "bad");
    html_esc(fp, r->state);
    fputs("</span></h2><dl><dt>Signal</dt><dd>", fp);
    if (r->signal >= 0)
        fprintf(fp, "%d%%", r->signal);
    else
        fputs("unknown", fp);
    fputs("</dd><dt>Network</dt><dd>", fp);
    html_esc(fp, r->network[0] ? r->network : "-");
    fprintf(fp,
            "</dd><dt>Queue</dt><dd class=\"queue\">%ld</dd><dt>Sent today</dt>"
            "<dd class=\"sent\">%ld</dd><dt>Failed today</dt><dd class=\"failed\">%ld</dd>"
            "<dt>Airtime</dt><dd>",
            r->queued, r->sent_today, r->failed_today);
    if (r->balance >= 0)
        fprintf(fp, "%.2f", r->balance);
    else
        fputs("not read", fp);
    {
        /* A SIM whose messages the network takes and then drops shows here. */
        struct modem_delivery md = {r->name, {0, 0, 0, 0, 0}};
        char line[160];
        db_delivery_modems(w->d, (int64_t)w->now - 86400, find_delivery, &md);
        gw_delivery_line(&md.c, line, sizeof(line));
        fputs("</dd><dt>Phones, last 24 h</dt><dd class=\"delivery\">", fp);
        html_esc(fp, line);
    }
    fputs("</dd><dt>Broadcasts</dt><dd class=\"paused\">", fp);
    if (r->paused[0]) {
        fputs("<span class=\"warn\">paused: ", fp);
        html_esc(fp, r->paused);
        fputs("</span>", fp);
    } else {
        fputs("going out", fp);
    }
    fputs("</dd>", fp);
    if (r->detail[0]) {
        fputs("<dt>Problem</dt><dd class=\"bad\">", fp);
        html_esc(fp, r->detail);
        fputs("</dd>", fp);
    }
    fputs("<dt>Reported</dt><dd>", fp);
    when(fp, r->updated_at);
    fputs("</dd></dl></section>", fp);
    w->n++;
    return 0;
}

struct source_sum {
    const struct conf *c;
    time_t now;
    struct gw_console_cache *x;
};

static int source_add(void *arg, const struct db_source_info *s)
{
    struct source_sum *a = arg;

    a->x->n++;
    a->x->stale += gw_source_stale(a->c, s, a->now);
    if (strcmp(s->imported_at, a->x->newest_import) > 0)
        snprintf(a->x->newest_import, sizeof(a->x->newest_import), "%s", s->imported_at);
    return 0;
}

/* The sources' summary into *x: kept from the last time while the content generation is the
 * same and the hour has not changed (a source grows old by the day). 0, or -1. */
static int source_summary(const struct conf *c, db *d, time_t now, int64_t gen,
                          struct gw_console_cache *x)
{
    struct source_sum a = {c, now, x};

    if (x->valid && x->gen == gen && now / 3600 == x->at / 3600)
        return 0;
    memset(x, 0, sizeof(*x));
    if (db_sources_each(d, source_add, &a) < 0)
        return -1;
    x->valid = 1;
    x->gen = gen;
    x->at = now;
    return 0;
}

static int page_status(FILE *fp, const struct conf *c, db *d, time_t now,
                       struct gw_console_cache *cache)
{
    struct status_walk w = {fp, 0, d, now};
    struct gw_console_cache fresh, *x = cache != NULL ? cache : &fresh;
    struct db_counts k;
    struct gw_send_plan plan;
    struct stat st;
    int64_t gen = 0;
    int depth, rc = 0;

    fputs("<h2>Modems</h2>", fp);
    if (db_modem_reports(d, (int64_t)gw_day_start(now), status_modem, &w) < 0) {
        db_failed(fp);
        return -1;
    }
    if (w.n == 0)
        fputs("<section><p class=\"warn\">No modem has reported yet.</p></section>", fp);
    gw_send_plan(c, d, now, &plan);
    if (plan.held[0]) {
        fputs("<section><p class=\"warn\" id=\"held\">Broadcasts are ", fp);
        html_esc(fp, plan.held);
        fputs(".</p></section>", fp);
    }
    depth = db_outbox_depth(d);
    fputs("<section id=\"database\"><h2>Database</h2><dl><dt>File</dt><dd>", fp);
    html_esc(fp, c->database);
    fputs("</dd><dt>Size</dt><dd>", fp);
    if (stat(c->database, &st) == 0)
        fprintf(fp, "%.1f MB", (double)st.st_size / 1e6);
    else
        fputs("-", fp);
    fputs("</dd><dt>State</dt><dd>", fp);
    if (depth >= 0 && db_content_generation(d, &gen) == 0 && db_counts_get(d, &k) == 0) {
        fprintf(fp,
                "<span class=\"ok\">answering</span></dd><dt>Queue</dt><dd>%d</dd>"
                "<dt>Content</dt><dd>%ld countries, %ld live prices, %ld rates, %ld guides from "
                "%ld files (generation %lld)</dd>",
                depth, k.countries, k.live_quotes, k.rates, k.guides, k.files, (long long)gen);
    } else {
        fputs("<span class=\"bad\">not answering</span></dd>", fp);
        rc = -1;
    }
    fputs("</dl></section>", fp);
    if (cache == NULL)
        memset(&fresh, 0, sizeof(fresh));
    fputs("<section id=\"data\"><h2>Data</h2>", fp);
    if (rc < 0 || source_summary(c, d, now, gen, x) < 0) {
        fputs("<p class=\"bad\">The sources could not be read.</p>", fp);
        rc = -1;
    } else if (x->n == 0) {
        fputs("<p class=\"bad\">No source loaded: run <code>remitline import</code>.</p>", fp);
    } else {
        fputs("<p>Last data refresh: <span id=\"refresh\">", fp);
        html_esc(fp, x->newest_import[0] ? x->newest_import : "-");
        fprintf(fp, "</span>. %d sources, ", x->n);
        if (x->stale > 0)
            fprintf(fp, "<a class=\"warn\" href=\"/console/sources\">%d old</a>.</p>", x->stale);
        else
            fputs("none old.</p>", fp);
    }
    fputs("</section>", fp);
    return rc;
}

/* ---- Broadcasts ---- */

struct alert_walk {
    FILE *fp;
    db *d;
    const struct gw_send_plan *plan;
    int n;
};

static int alert_text(void *arg, const char *lang, const char *text, int parts)
{
    FILE *fp = arg;

    fputs("<h3 lang=\"en\">", fp);
    html_esc(fp, lang);
    fprintf(fp, " \xC2\xB7 %d SMS part%s</h3><blockquote lang=\"", parts, parts == 1 ? "" : "s");
    html_esc(fp, lang);
    fputs("\">", fp);
    html_esc(fp, text);
    fputs("</blockquote>", fp);
    return 0;
}

static int alert_card(void *arg, const struct db_alert_stats *st)
{
    struct alert_walk *w = arg;
    FILE *fp = w->fp;
    int held = st->remaining > 0 && w->plan->held[0] != '\0';
    struct chart_bar parts[3] = {
        {"sent", st->sent},
        {"failed", st->failed},
        {held ? "held" : "queued", st->remaining},
    };
    /* Sent green, failed vermillion, held orange, queued grey (chart_color's palette). */
    const int colours[3] = {2, 1, held ? 4 : 6};
    long total = st->sent + st->failed + st->remaining;
    double minutes;
    int i;

    fputs("<section class=\"alert\" data-id=\"", fp);
    html_esc(fp, st->id);
    fputs("\"><h2>", fp);
    html_esc(fp, st->id);
    fputs("</h2><p>To ", fp);
    html_esc(fp, st->topics);
    fprintf(fp, ": %ld recipient%s. Queued ", st->recipients, st->recipients == 1 ? "" : "s");
    when(fp, st->created_at);
    fputs(", valid until ", fp);
    when(fp, st->valid_until);
    fputs(".</p>", fp);
    chart_stack(fp, "progress", parts, colours, 3, total > 0 ? total : 0);
    fputs("<p class=\"legend\">", fp);
    for (i = 0; i < 3; i++) {
        fputs("<span>", fp);
        swatch(fp, colours[i]);
        fprintf(fp, "%s <b class=\"%s\">%ld</b></span>", parts[i].label, parts[i].label,
                parts[i].value);
    }
    fputs("</p>", fp);
    {
        /* What the phones said (#17): delivered, failed, expired, still waiting. */
        struct db_delivery_counts dc;
        char line[160];
        if (db_delivery_alert(w->d, st->id, &dc) == 0) {
            struct chart_bar dparts[4] = {
                {"delivered", dc.delivered},
                {"not delivered", dc.failed},
                {"expired", dc.expired},
                {"awaiting report", dc.pending},
            };
            const int dcolours[4] = {2, 1, 4, 6};
            gw_delivery_line(&dc, line, sizeof(line));
            if (dc.asked > 0)
                chart_stack(fp, "delivery", dparts, dcolours, 4, dc.asked);
            fputs("<p class=\"delivery\">Phones: ", fp);
            html_esc(fp, line);
            fputs(".</p>", fp);
        }
    }
    fputs("<p class=\"eta\">", fp);
    if (st->recipients == 0) {
        fputs("Nobody followed these topics when it was queued: nothing to send.", fp);
    } else if (st->remaining == 0) {
        fputs("Done.", fp);
    } else if (held) {
        fputs("<span class=\"warn\">", fp);
        html_esc(fp, w->plan->held);
        fputs("</span>", fp);
        if (gw_send_minutes(w->plan, st->remaining, &minutes))
            fprintf(fp, "; then about %.0f minutes at %ld messages a minute", minutes + 0.5,
                    w->plan->rate);
        fputs(".", fp);
    } else if (gw_send_minutes(w->plan, st->remaining, &minutes)) {
        fprintf(fp, "About %.0f minutes left at %ld messages a minute.", minutes + 0.5,
                w->plan->rate);
    } else {
        fputs("Time left: no send limit configured (as fast as the modems go).", fp);
    }
    fprintf(fp, " SMS parts: %ld in all, %ld still to send", st->parts_total, st->parts_left);
    if (w->plan->part_cost > 0) {
        fprintf(fp, "; estimated cost %.2f ", w->plan->part_cost * (double)st->parts_total);
        html_esc(fp, w->plan->currency);
    }
    fputs(".</p>", fp);
    if (db_alert_texts_each(w->d, st->id, alert_text, fp) < 0)
        fputs("<p class=\"bad\">Its texts could not be read.</p>", fp);
    fputs("</section>", fp);
    w->n++;
    return 0;
}

static int page_broadcasts(FILE *fp, const struct conf *c, db *d, time_t now)
{
    struct gw_send_plan plan;
    struct alert_walk w = {fp, d, &plan, 0};

    gw_send_plan(c, d, now, &plan);
    fprintf(fp, "<h2>Alerts, newest first (at most %d)</h2>", GW_CONSOLE_ALERTS);
    if (db_alerts_each(d, GW_CONSOLE_ALERTS, alert_card, &w) < 0) {
        db_failed(fp);
        return -1;
    }
    if (w.n == 0)
        fputs("<section><p>No alert yet: <code>remitline broadcast</code>, an alert file, or "
              "ALERT by SMS from an operator.</p></section>",
              fp);
    return 0;
}

/* ---- Messages ---- */

static void field(FILE *fp, const char *label, const char *name, const char *value)
{
    fprintf(fp, "<label>%s<input name=\"%s\" value=\"", label, name);
    html_esc(fp, value);
    fputs("\" size=\"8\"></label>", fp);
}

/* One message as one item of a list (a table would not fit a phone): its time, way, masked
 * number, state, door, language and keyword on a line, its text under them. */
static int message_row(void *arg, const struct db_log_row *r)
{
    FILE *fp = arg;
    char num[DB_NUMBER_MAX];
    size_t cut = utf8_prefix(r->text, 320);

    fprintf(fp, "<li class=\"%s\" data-state=\"", r->dir);
    html_esc(fp, r->state);
    fprintf(fp, "\"><div class=\"meta\"><b>%s</b> ", strcmp(r->dir, "in") == 0 ? "in" : "out");
    when(fp, r->at);
    fputs(" \xC2\xB7 <span class=\"num\">", fp);
    html_esc(fp, log_number_masked(r->number, num, sizeof(num)));
    fprintf(fp, "</span> \xC2\xB7 <span class=\"%s\">",
            strcmp(r->state, "failed") == 0 ? "bad" : "state");
    html_esc(fp, r->state);
    fputs("</span> \xC2\xB7 ", fp);
    html_esc(fp, r->modem[0] ? r->modem : "-");
    fputs(" \xC2\xB7 ", fp);
    html_esc(fp, r->lang[0] ? r->lang : "-");
    fputs(" \xC2\xB7 ", fp);
    html_esc(fp, r->intent[0] ? r->intent : "-");
    fputs("</div><div class=\"text\">", fp);
    html_escn(fp, r->text, cut);
    if (r->text[cut] != '\0')
        fputs("\xE2\x80\xA6", fp);
    fputs("</div>", fp);
    if (r->error[0]) {
        fputs("<div class=\"bad\">", fp);
        html_esc(fp, r->error);
        fputs("</div>", fp);
    }
    fputs("</li>", fp);
    return 0;
}

static int page_messages(FILE *fp, db *d, const struct gw_console_query *q)
{
    struct db_log_filter f = {q->state, q->keyword, q->lang, q->door, GW_CONSOLE_WINDOW};
    int i, n;

    fputs("<section><form method=\"get\" action=\"/console/messages\"><label>State<select "
          "name=\"state\"><option value=\"\">any</option>",
          fp);
    for (i = 0; i < NSTATES; i++)
        fprintf(fp, "<option%s>%s</option>", strcmp(q->state, states[i]) == 0 ? " selected" : "",
                states[i]);
    fputs("</select></label>", fp);
    field(fp, "Keyword", "keyword", q->keyword);
    field(fp, "Language", "lang", q->lang);
    field(fp, "Door", "door", q->door);
    fputs("<button>Filter</button></form></section>", fp);
    fputs("<section><ol class=\"list\" id=\"messages\">", fp);
    n = db_log_query(d, &f, GW_CONSOLE_MESSAGES, message_row, fp);
    fputs("</ol>", fp);
    if (n < 0) {
        fputs("</section>", fp);
        db_failed(fp);
        return -1;
    }
    fprintf(fp,
            "<p>%d message%s: the newest %d that pass the filter among the newest %d each way. "
            "Numbers are masked.</p></section>",
            n, n == 1 ? "" : "s", GW_CONSOLE_MESSAGES, GW_CONSOLE_WINDOW);
    return 0;
}

/* ---- Demand ---- */

const char *gw_week_since(time_t now, int weeks, char *out, size_t outsz)
{
    time_t t = now - (time_t)(weeks - 1) * 7 * 86400;
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, outsz, "%G-W%V", &tm);
    return out;
}

#define DEMAND_BARS   10 /* corridors and languages drawn */
#define DEMAND_SERIES 6  /* keywords drawn as lines */

struct bars {
    struct chart_bar b[DEMAND_BARS];
    char keys[DEMAND_BARS][24];
    int n;
    long total;
};

static int bar_add(void *arg, const char *key, const char *week, long queries)
{
    struct bars *x = arg;
    const char *dash = strchr(key, '-');

    (void)week;
    if (x->n == DEMAND_BARS)
        return 1;
    if (dash != NULL && strlen(key) == 5) /* a corridor, "US-PH": drawn "US → PH" */
        snprintf(x->keys[x->n], sizeof(x->keys[0]), "%.2s \xE2\x86\x92 %s", key, dash + 1);
    else
        snprintf(x->keys[x->n], sizeof(x->keys[0]), "%s", key[0] ? key : "unknown");
    x->b[x->n].label = x->keys[x->n];
    x->b[x->n].value = queries;
    x->total += queries;
    x->n++;
    return 0;
}

struct lines {
    char weeks[GW_CONSOLE_MAX_WEEKS][12];
    const char *xlabels[GW_CONSOLE_MAX_WEEKS];
    int nweeks;
    char names[DEMAND_SERIES][16];
    long values[DEMAND_SERIES][GW_CONSOLE_MAX_WEEKS];
    struct chart_series s[DEMAND_SERIES];
    int ns;
    long total; /* every query of the period, whatever its keyword */
};

static int line_add(void *arg, const char *key, const char *week, long queries)
{
    struct lines *x = arg;
    int i, k;

    x->total += queries;
    for (i = 0; i < x->ns && strcmp(x->names[i], key) != 0; i++)
        ;
    if (i == x->ns)
        return 0; /* not among the top keywords */
    for (k = 0; k < x->nweeks; k++)
        if (strcmp(x->weeks[k], week) == 0) {
            x->values[i][k] += queries;
            break;
        }
    return 0;
}

static int keyword_add(void *arg, const char *key, const char *week, long queries)
{
    struct lines *x = arg;

    (void)week;
    (void)queries;
    if (x->ns == DEMAND_SERIES)
        return 1;
    snprintf(x->names[x->ns], sizeof(x->names[0]), "%s", key[0] ? key : "unknown");
    x->s[x->ns].name = x->names[x->ns];
    x->s[x->ns].values = x->values[x->ns];
    x->ns++;
    return 0;
}

static int page_demand(FILE *fp, db *d, const struct gw_console_query *q, time_t now,
                       int standalone)
{
    struct bars corridors, langs;
    struct lines *l = calloc(1, sizeof(*l));
    char since[16], title[96];
    int k, rc = -1;

    if (l == NULL) {
        fputs("<section><p class=\"bad\">Out of memory.</p></section>", fp);
        return -1;
    }
    memset(&corridors, 0, sizeof(corridors));
    memset(&langs, 0, sizeof(langs));
    gw_week_since(now, q->weeks, since, sizeof(since));
    /* The weeks of the period, oldest first: the x axis, with weeks nobody asked in at 0. */
    for (k = 0; k < q->weeks; k++) {
        time_t t = now - (time_t)(q->weeks - 1 - k) * 7 * 86400;
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(l->weeks[k], sizeof(l->weeks[0]), "%G-W%V", &tm);
        l->xlabels[k] = l->weeks[k] + 5; /* "W48": the year is in the heading */
    }
    l->nweeks = q->weeks;
    if (db_demand_sum(d, since, DB_DEMAND_CORRIDOR, DEMAND_BARS, bar_add, &corridors) < 0 ||
        db_demand_sum(d, since, DB_DEMAND_LANG, DEMAND_BARS, bar_add, &langs) < 0 ||
        db_demand_sum(d, since, DB_DEMAND_KEYWORD, DEMAND_SERIES, keyword_add, l) < 0 ||
        db_demand_sum(d, since, DB_DEMAND_KEYWORD_WEEK, DEMAND_SERIES * GW_CONSOLE_MAX_WEEKS * 50,
                      line_add, l) < 0) {
        db_failed(fp);
        goto out;
    }
    fputs("<section><p id=\"period\">Queries from week ", fp);
    html_esc(fp, since);
    fputs(" to ", fp);
    html_esc(fp, l->weeks[q->weeks - 1]);
    fprintf(fp, " (%d week%s), counted without numbers: <b id=\"total\">%ld</b> in all.", q->weeks,
            q->weeks == 1 ? "" : "s", l->total);
    if (!standalone) {
        static const int spans[] = {4, 12, 26, 52};
        fprintf(fp,
                " <a id=\"csv\" href=\"/console/demand.csv?weeks=%d\" download>Download the CSV"
                "</a> (as <code>remitline report --weeks %d</code>).",
                q->weeks, q->weeks);
        fputs("</p><p>Weeks: ", fp);
        for (k = 0; k < (int)(sizeof(spans) / sizeof(spans[0])); k++)
            fprintf(fp, "<a href=\"/console/demand?weeks=%d\">%d</a> ", spans[k], spans[k]);
    }
    fputs("</p></section>", fp);
    snprintf(title, sizeof(title), "Queries by corridor, top %d", DEMAND_BARS);
    fprintf(fp, "<section id=\"corridors\"><h2>%s</h2>", title);
    chart_hbars(fp, title, corridors.b, corridors.n);
    fputs("</section>", fp);
    snprintf(title, sizeof(title), "Queries per week by keyword, top %d", DEMAND_SERIES);
    fprintf(fp, "<section id=\"keywords\"><h2>%s</h2>", title);
    chart_lines(fp, title, l->xlabels, l->nweeks, l->s, l->ns);
    fputs("</section>", fp);
    fputs("<section id=\"languages\"><h2>Queries by language</h2>", fp);
    chart_hbars(fp, "Queries by language", langs.b, langs.n);
    fputs("</section>", fp);
    rc = 0;
out:
    free(l);
    return rc;
}

/* ---- Sources ---- */

struct source_rows {
    FILE *fp;
    const struct conf *c;
    time_t now;
    int n;
};

/* One source as one item of a list: its key and whether it is old, its name, then what it
 * holds, its dates, its rows, and the file and time it was imported from. */
static int source_row(void *arg, const struct db_source_info *s)
{
    struct source_rows *x = arg;
    FILE *fp = x->fp;
    int stale = gw_source_stale(x->c, s, x->now);

    fprintf(fp, "<li data-old=\"%s\"><div><b>", stale ? "yes" : "no");
    html_esc(fp, s->key);
    fprintf(fp, "</b> <span class=\"%s\">%s</span></div><div>", stale ? "bad" : "ok",
            stale ? "old" : "current");
    html_esc(fp, s->name);
    fputs("</div><div class=\"meta\">", fp);
    html_esc(fp, s->kind[0] ? s->kind : "-");
    fputs(" \xC2\xB7 ", fp);
    html_esc(fp, s->oldest[0] ? s->oldest : "-");
    fputs(" to ", fp);
    html_esc(fp, s->newest[0] ? s->newest : "-");
    fprintf(fp, " \xC2\xB7 %ld row%s \xC2\xB7 imported ", s->rows, s->rows == 1 ? "" : "s");
    html_esc(fp, s->imported_at[0] ? s->imported_at : "-");
    fputs(" from <span class=\"text\">", fp);
    html_esc(fp, s->path[0] ? s->path : "-");
    fputs("</span></div></li>", fp);
    x->n++;
    return 0;
}

static int page_sources(FILE *fp, const struct conf *c, db *d, time_t now)
{
    struct source_rows x = {fp, c, now, 0};
    int rc;

    fprintf(fp,
            "<section><p>Prices are old after %d days (max_age_fees), published rates after %d "
            "(max_age_rates); fixed parities never.</p><ul class=\"list\" id=\"sources\">",
            c->max_age_fees, c->max_age_rates);
    rc = db_sources_each(d, source_row, &x);
    fputs("</ul>", fp);
    if (rc >= 0 && x.n == 0)
        fputs("<p class=\"bad\">No source loaded: run <code>remitline import</code>.</p>", fp);
    fputs("</section>", fp);
    if (rc < 0) {
        db_failed(fp);
        return -1;
    }
    return 0;
}

/* ---- Pages ---- */

int gw_console_page(FILE *fp, enum gw_page p, const struct conf *c, db *d,
                    const struct gw_console_query *q, time_t now, int standalone,
                    struct gw_console_cache *cache)
{
    int rc = -1;

    head(fp, p == GW_PAGE_DEMAND && standalone ? "Demand report" : page_title[p], p, standalone);
    if (d == NULL) {
        db_failed(fp);
    } else {
        switch (p) {
        case GW_PAGE_STATUS:
            rc = page_status(fp, c, d, now, cache);
            break;
        case GW_PAGE_BROADCASTS:
            rc = page_broadcasts(fp, c, d, now);
            break;
        case GW_PAGE_MESSAGES:
            rc = page_messages(fp, d, q);
            break;
        case GW_PAGE_DEMAND:
            rc = page_demand(fp, d, q, now, standalone);
            break;
        case GW_PAGE_SOURCES:
            rc = page_sources(fp, c, d, now);
            break;
        default:
            break;
        }
    }
    foot(fp, now);
    return rc;
}

void gw_console_problem(FILE *fp, const char *title, const char *text)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
          "<link rel=\"icon\" href=\"data:,\"><link rel=\"stylesheet\" "
          "href=\"/console/style.css\"><title>",
          fp);
    html_esc(fp, title);
    fputs("</title></head><body><header><h1>remitline</h1><nav><a href=\"/console/status\">"
          "Status</a></nav></header><main><section><h2>",
          fp);
    html_esc(fp, title);
    fputs("</h2><p>", fp);
    html_esc(fp, text);
    fputs("</p></section></main></body></html>\n", fp);
}

/* ---- The report as CSV ---- */

/* A CSV field: quoted when it holds a comma, a quote or a line break. */
static void csv_field(FILE *fp, const char *v, int last)
{
    if (strpbrk(v, ",\"\n\r") != NULL) {
        fputc('"', fp);
        for (; *v; v++) {
            if (*v == '"')
                fputc('"', fp);
            fputc(*v, fp);
        }
        fputc('"', fp);
    } else {
        fputs(v, fp);
    }
    fputc(last ? '\n' : ',', fp);
}

static int csv_row(void *arg, const char *week, const char *keyword, const char *lang,
                   const char *src, const char *dst, long queries)
{
    FILE *fp = arg;
    char n[24];

    snprintf(n, sizeof(n), "%ld", queries);
    csv_field(fp, week, 0);
    csv_field(fp, keyword, 0);
    csv_field(fp, lang, 0);
    csv_field(fp, src, 0);
    csv_field(fp, dst, 0);
    csv_field(fp, n, 1);
    return 0;
}

int gw_report_csv(FILE *fp, db *d, const char *since)
{
    /* The columns say what is kept: counts, never numbers or texts. */
    fputs("week,keyword,language,from,to,queries\n", fp);
    return db_demand_each(d, since, csv_row, fp) < 0 ? -1 : 0;
}
