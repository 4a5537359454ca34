/*
 * cli_log.c: the subcommands that read what the gateway holds: log (messages in and out), status
 * (each modem), sources (the loaded content and its age) and report (demand as CSV).
 */
#include "gateway/cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db/delivery.h"
#include "db/guards.h"
#include "db/queue.h"
#include "gateway/answer.h"
#include "gateway/console.h"
#include "gateway/figures.h"
#include "gateway/json.h"
#include "gateway/transport.h"
#include "util/log.h"
#include "util/utf8.h"

struct log_opts {
    int json, full, n;
    struct json j;        /* with json: the array being written */
    const struct conf *c; /* log: which transport each modem name is */
    db *d;                /* log: a failed delivery's reason; status: each modem's delivery */
};

/*
 * s as a terminal may show it: control characters (C0, DEL, C1) and bytes that are not UTF-8
 * written as \xNN, a backslash as \\, so a text someone sent can never move the cursor, change
 * colours or retitle the operator's terminal. Into out[outsz] (4 bytes per input byte suffice).
 */
static const char *escaped(const char *s, char *out, size_t outsz)
{
    size_t o = 0;

    while (*s != '\0' && o + 5 < outsz) {
        const char *p = s;
        long cp = utf8_next(&p);
        if (cp < 0 || cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
            for (; s < p && o + 5 < outsz; s++)
                o += (size_t)snprintf(out + o, outsz - o, "\\x%02x", (unsigned char)*s);
            continue;
        }
        if (cp == '\\')
            out[o++] = '\\';
        memcpy(out + o, s, (size_t)(p - s));
        o += (size_t)(p - s);
        s = p;
    }
    out[o] = '\0';
    return out;
}

#define LOG_ROW "%-20s %-9s %-11s %-8s %-15s %-9s %-9s %-9s %s/%d %s%s%s\n"

static int print_log_row(void *arg, const struct db_log_row *r)
{
    struct log_opts *o = arg;
    char when[32], num[40];
    const char *number = o->full ? r->number : log_number(r->number, num, sizeof(num));

    cli_iso_time(r->at, when, sizeof(when));
    if (o->json) {
        struct json *j = &o->j;
        json_item(j);
        json_open(j);
        json_str_field(j, "dir", r->dir);
        json_long_field(j, "id", (long long)r->id);
        json_str_field(j, "time", when);
        json_str_field(j, "number", number);
        json_str_field(j, "state", r->state);
        json_str_field(j, "coding", r->coding);
        json_long_field(j, "parts", r->parts);
        json_str_field(j, "lang", r->lang);
        json_str_field(j, "intent", r->intent);
        json_long_field(j, "attempts", r->attempts);
        json_str_field(j, "error", r->error);
        json_str_field(j, "transport", gw_transport_of(o->c, r->modem));
        json_str_field(j, "modem", r->modem);
        json_str_field(j, "kind", r->kind);
        json_long_field(j, "answers", (long long)r->answers);
        json_str_field(j, "delivery", r->delivery);
        if (r->delivery[0] == 'f' || r->delivery[0] == 'e') {
            char st[16], why[160];
            if (db_delivery_of(o->d, r->id, st, sizeof(st), why, sizeof(why)) == 1)
                json_str_field(j, "delivery_reason", why);
        }
        json_str_field(j, "text", r->text);
        json_close(j);
    } else {
        char text[64], esc_num[4 * DB_NUMBER_MAX], esc_text[4 * sizeof(text)], esc_err[4 * 200];
        /* Cut on a character boundary: never half a UTF-8 sequence. */
        size_t n = utf8_prefix(r->text, 60);

        memcpy(text, r->text, n);
        text[n] = '\0';
        char id[32], kind[16], modem[4 * 32], err[200];

        /* One id column, its sequence named: in#29 and out#29 are different messages. */
        snprintf(id, sizeof(id), "%s#%lld", r->dir, (long long)r->id);
        /* In: the keyword it asked; out: a reply, a STOP confirmation, a broadcast, a notice. */
        snprintf(kind, sizeof(kind), "%s", r->dir[0] == 'o' ? r->kind : r->intent);
        /* A phone that never got it: the network's reason, where a send error would be. */
        snprintf(err, sizeof(err), "%s", r->error);
        if (err[0] == '\0' && (r->delivery[0] == 'f' || r->delivery[0] == 'e')) {
            char st[16], why[160];
            if (db_delivery_of(o->d, r->id, st, sizeof(st), why, sizeof(why)) == 1)
                snprintf(err, sizeof(err), "phone: %s", why);
        }
        printf(LOG_ROW, when, id, gw_transport_of(o->c, r->modem),
               escaped(r->modem[0] ? r->modem : "-", modem, sizeof(modem)),
               escaped(number, esc_num, sizeof(esc_num)), r->state, kind[0] ? kind : "-",
               r->delivery[0] ? r->delivery : "-", r->coding, r->parts,
               escaped(text, esc_text, sizeof(esc_text)), err[0] ? "  ! " : "",
               escaped(err, esc_err, sizeof(esc_err)));
    }
    o->n++;
    return 0;
}

const struct cli_opt cli_opts_log[] = {
    CLI_OPT_CONFIG,
    {"json", 'j', 1, NULL, "one JSON array instead of the table"},
    {"limit", 'n', 1, "N", "the last N messages in and out (default 20)"},
    {"full-numbers", 'F', 1, NULL, "show phone numbers whole, not masked"},
    CLI_OPT_END,
};

int cmd_log(int argc, char **argv)
{
    struct cli_parser gp = {.ready = 0};
    struct log_opts o = {0, 0, 0, {stdout, 0, 0}, NULL, NULL};
    const char *conf_path = NULL;
    long limit = 20;
    struct conf c;
    int ch;
    db *d;

    while ((ch = cli_getopt(argc, argv, cli_opts_log, &gp)) != -1) {
        switch (ch) {
        case 'c':
            conf_path = optarg;
            break;
        case 'j':
            o.json = 1;
            break;
        case 'F':
            o.full = 1;
            break;
        case 'n':
            if (cli_opt_long(optarg, 1, 100000, "--limit", &limit) < 0)
                return 2;
            break;
        default:
            return cli_usage_error("log");
        }
    }
    if (cli_load_conf(conf_path, &c) < 0 || (d = cli_open_existing_db(&c)) == NULL)
        return 1;
    o.c = &c;
    o.d = d;
    /* A header for people; a script reading a pipe gets the rows alone (or --json). */
    if (!o.json && isatty(STDOUT_FILENO))
        printf("%-20s %-9s %-11s %-8s %-15s %-9s %-9s %-9s %s\n", "TIME", "ID", "TRANSPORT",
               "MODEM", "NUMBER", "STATE", "KIND", "DELIVERY", "CODING/PARTS TEXT");
    db_log_each(d, (int)limit, print_log_row, &o);
    if (o.json)
        json_array_end(&o.j);
    db_close(d);
    return 0;
}

/* One modem's delivery reports of the last day (db_delivery_modems), for its status row. */
struct modem_delivery {
    const char *name;
    struct db_delivery_counts c;
};

static int find_delivery(void *arg, const char *modem, const struct db_delivery_counts *c)
{
    struct modem_delivery *m = arg;

    if (strcmp(modem, m->name) == 0) {
        m->c = *c;
        return 1;
    }
    return 0;
}

static int print_status(void *arg, const struct db_modem_report *r)
{
    struct log_opts *o = arg;
    char when[32], dline[160];
    struct modem_delivery md = {r->name, {0, 0, 0, 0, 0}};

    /* Parts that asked for a report in the last 24 hours: a SIM whose messages the network
     * takes and then drops shows here. */
    db_delivery_modems(o->d, (int64_t)time(NULL) - 86400, find_delivery, &md);
    gw_delivery_line(&md.c, dline, sizeof(dline));

    cli_iso_time(r->updated_at, when, sizeof(when));
    if (o->json) {
        struct json *j = &o->j;
        json_item(j);
        json_open(j);
        json_str_field(j, "modem", r->name);
        json_str_field(j, "state", r->state);
        json_bool_field(j, "connected", strcmp(r->state, "connected") == 0);
        json_long_field(j, "signal", r->signal);
        json_str_field(j, "network", r->network);
        json_long_field(j, "queue", r->queued);
        json_long_field(j, "sent_today", r->sent_today);
        json_long_field(j, "failed_today", r->failed_today);
        json_str_field(j, "updated", when);
        json_str_field(j, "problem", r->detail);
        if (r->balance >= 0)
            json_double_field(j, "balance", 2, r->balance);
        json_str_field(j, "broadcasts_paused", r->paused);
        json_long_field(j, "maybe_sent_twice", r->maybe_twice);
        json_long_field(j, "delivery_asked_day", md.c.asked);
        json_long_field(j, "delivered_day", md.c.delivered);
        json_long_field(j, "delivery_failed_day", md.c.failed);
        json_long_field(j, "delivery_expired_day", md.c.expired);
        json_long_field(j, "delivery_pending_day", md.c.pending);
        json_long_field(j, "delivered_percent_day", gw_delivery_share(&md.c));
        json_close(j);
    } else {
        if (o->n == 0)
            printf("%-10s %-10s %-7s %-14s %6s %6s %6s  %s\n", "MODEM", "STATE", "SIGNAL",
                   "NETWORK", "QUEUE", "SENT", "FAILED", "UPDATED");
        char signal[16] = "-"; /* room for any int and "%", so -O2 format checks pass */
        if (r->signal >= 0)
            snprintf(signal, sizeof(signal), "%d%%", r->signal);
        printf("%-10s %-10s %-7s %-14s %6ld %6ld %6ld  %s\n", r->name, r->state, signal,
               r->network[0] ? r->network : "-", r->queued, r->sent_today, r->failed_today, when);
        if (r->detail[0])
            printf("%-10s problem: %s\n", "", r->detail);
        if (r->balance >= 0)
            printf("%-10s airtime balance: %.2f\n", "", r->balance);
        if (r->paused[0])
            printf("%-10s broadcasts paused: %s\n", "", r->paused);
        if (r->maybe_twice > 0)
            printf("%-10s parts that may have gone twice (link lost mid-send): %ld\n", "",
                   r->maybe_twice);
        if (md.c.asked > 0)
            printf("%-10s phones, last 24 h: %s\n", "", dline);
    }
    o->n++;
    return 0;
}

/* Which sources are past their maximum age: gw_source_stale. */
struct source_walk {
    const struct conf *c;
    time_t now;
    int json, n, stale_only;
    struct json j; /* with json: the array being written */
};

static int print_source(void *arg, const struct db_source_info *s)
{
    struct source_walk *w = arg;
    int stale = gw_source_stale(w->c, s, w->now);

    if (w->stale_only && !stale)
        return 0;
    if (w->json) {
        struct json *j = &w->j;
        json_item(j);
        json_open(j);
        json_str_field(j, "key", s->key);
        json_str_field(j, "short", s->short_name);
        json_str_field(j, "name", s->name);
        json_str_field(j, "file", s->path);
        json_str_field(j, "format", s->format);
        json_str_field(j, "kind", s->kind);
        json_str_field(j, "oldest", s->oldest);
        json_str_field(j, "newest", s->newest);
        json_str_field(j, "imported", s->imported_at);
        json_long_field(j, "rows", s->rows);
        json_bool_field(j, "stale", stale);
        json_close(j);
    } else if (w->stale_only) {
        if (w->n == 0)
            printf("\nstale sources (older than max_age_fees = %d or max_age_rates = %d days):\n",
                   w->c->max_age_fees, w->c->max_age_rates);
        printf("  %-20s %-6s newest %-10s  %s\n", s->key, s->kind, s->newest, s->path);
    } else {
        if (w->n == 0)
            printf("%-20s %-6s %-6s %-10s %-10s %8s %-5s %s\n", "SOURCE", "SHORT", "KIND", "OLDEST",
                   "NEWEST", "ROWS", "OLD", "FILE");
        printf("%-20s %-6s %-6s %-10s %-10s %8ld %-5s %s\n", s->key, s->short_name,
               s->kind[0] ? s->kind : "-", s->oldest[0] ? s->oldest : "-",
               s->newest[0] ? s->newest : "-", s->rows, stale ? "yes" : "no",
               s->path[0] ? s->path : "-");
    }
    w->n++;
    return 0;
}

const struct cli_opt cli_opts_sources[] = {
    CLI_OPT_CONFIG,
    {"json", 'j', 1, NULL, "JSON instead of the table"},
    CLI_OPT_END,
};

int cmd_sources(int argc, char **argv)
{
    struct cli_parser gp = {.ready = 0};
    struct source_walk w;
    const char *conf_path = NULL;
    struct conf c;
    int ch, rc;
    db *d;

    memset(&w, 0, sizeof(w));
    json_init(&w.j, stdout);
    while ((ch = cli_getopt(argc, argv, cli_opts_sources, &gp)) != -1) {
        switch (ch) {
        case 'c':
            conf_path = optarg;
            break;
        case 'j':
            w.json = 1;
            break;
        default:
            return cli_usage_error("sources");
        }
    }
    if (optind < argc)
        return cli_usage_error("sources");
    if (cli_load_conf(conf_path, &c) < 0 || (d = cli_open_content_db(&c)) == NULL)
        return 1;
    w.c = &c;
    w.now = time(NULL);
    rc = db_sources_each(d, print_source, &w);
    if (w.json)
        json_array_end(&w.j);
    else if (w.n == 0)
        printf("no source loaded: run `remitline import`\n");
    if (!w.json)
        cli_print_refresh(d);
    db_close(d);
    return rc < 0 ? 1 : 0;
}

const struct cli_opt cli_opts_status[] = {
    CLI_OPT_CONFIG,
    {"json", 'j', 1, NULL, "JSON instead of the table"},
    CLI_OPT_END,
};

int cmd_status(int argc, char **argv)
{
    struct cli_parser gp = {.ready = 0};
    struct log_opts o = {0, 0, 0, {stdout, 0, 0}, NULL, NULL};
    const char *conf_path = NULL;
    struct conf c;
    time_t now = time(NULL);
    int ch;
    db *d;

    while ((ch = cli_getopt(argc, argv, cli_opts_status, &gp)) != -1) {
        switch (ch) {
        case 'c':
            conf_path = optarg;
            break;
        case 'j':
            o.json = 1;
            break;
        default:
            return cli_usage_error("status");
        }
    }
    if (cli_load_conf(conf_path, &c) < 0 || (d = cli_open_existing_db(&c)) == NULL)
        return 1;
    o.d = d;
    /* "Today" is the gateway's local day. */
    db_modem_reports(d, (int64_t)gw_day_start(now), print_status, &o);
    if (o.json)
        json_array_end(&o.j);
    else if (o.n == 0)
        printf("no modem has reported yet: is `remitline run` running?\n");
    if (!o.json) {
        /* Content that replies now mark as old data. */
        struct source_walk w;
        memset(&w, 0, sizeof(w));
        w.c = &c;
        w.now = now;
        w.stale_only = 1;
        db_sources_each(d, print_source, &w);
        cli_print_refresh(d);
    }
    db_close(d);
    return 0;
}

const struct cli_opt cli_opts_report[] = {
    CLI_OPT_CONFIG,
    {"since", 's', 1, "WEEK", "from this ISO week on, e.g. 2026-W01 (default: all)"},
    {"weeks", 'w', 0, "N", "only the last N weeks (1-104)"},
    {"html", 'H', 0, "FILE", "write the demand page, charts included, as one HTML file"},
    CLI_OPT_END,
};

int cmd_report(int argc, char **argv)
{
    struct cli_parser gp = {.ready = 0};
    const char *conf_path = NULL, *since = "", *html = NULL;
    char week[16];
    long weeks = 0;
    struct conf c;
    int ch, rc = 1;
    db *d;

    while ((ch = cli_getopt(argc, argv, cli_opts_report, &gp)) != -1) {
        switch (ch) {
        case 'c':
            conf_path = optarg;
            break;
        case 's':
            if (strlen(optarg) != 8 || optarg[4] != '-' || optarg[5] != 'W') {
                fprintf(stderr, "remitline: --since takes an ISO week like 2026-W01\n");
                return 2;
            }
            since = optarg;
            break;
        case 'w':
            if (cli_opt_long(optarg, 1, GW_CONSOLE_MAX_WEEKS, "--weeks", &weeks) < 0)
                return 2;
            break;
        case 'H':
            html = optarg;
            break;
        default:
            return cli_usage_error("report");
        }
    }
    if (optind < argc)
        return cli_usage_error("report");
    if (since[0] && weeks > 0) {
        fprintf(stderr, "remitline: give --since or --weeks, not both\n");
        return 2;
    }
    if (html != NULL && since[0]) {
        fprintf(stderr,
                "remitline: --html reports the last --weeks N weeks (default %d), not "
                "--since\n",
                GW_CONSOLE_WEEKS);
        return 2;
    }
    if (cli_load_conf(conf_path, &c) < 0 || (d = cli_open_existing_db(&c)) == NULL)
        return 1;
    if (html != NULL) {
        /* The console's demand page, whole in one file: written beside, then renamed, so a
         * reader never sees half a report. */
        struct gw_console_query q;
        char tmp[PATH_MAX];
        FILE *fp;

        gw_console_query_init(&q);
        if (weeks > 0)
            q.weeks = (int)weeks;
        if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", html) >= sizeof(tmp) ||
            (fp = fopen(tmp, "w")) == NULL) {
            fprintf(stderr, "remitline: cannot write %s: %s\n", html, strerror(errno));
            goto out;
        }
        if (gw_console_page(fp, GW_PAGE_DEMAND, &c, d, &q, time(NULL), 1, NULL) < 0) {
            fclose(fp);
            unlink(tmp);
            fprintf(stderr, "remitline: the demand statistics could not be read\n");
            goto out;
        }
        if (fclose(fp) != 0 || rename(tmp, html) != 0) {
            fprintf(stderr, "remitline: cannot write %s: %s\n", html, strerror(errno));
            unlink(tmp);
            goto out;
        }
        printf("demand report for the last %d week%s written to %s\n", q.weeks,
               q.weeks == 1 ? "" : "s", html);
        rc = 0;
        goto out;
    }
    if (weeks > 0)
        since = gw_week_since(time(NULL), (int)weeks, week, sizeof(week));
    rc = gw_report_csv(stdout, d, since) < 0 ? 1 : 0;
out:
    db_close(d);
    return rc;
}
