/*
 * cli_log.c: the subcommands that read what the gateway holds: log (messages in and out), status
 * (each modem), sources (the loaded content and its age) and report (demand as CSV).
 */
#include "gateway/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "db/guards.h"
#include "db/queue.h"
#include "gateway/answer.h"
#include "gateway/json.h"
#include "util/log.h"
#include "util/utf8.h"

struct log_opts {
    int json, full, n;
    struct json j; /* with json: the array being written */
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
        json_str_field(j, "text", r->text);
        json_close(j);
    } else {
        char text[64], esc_num[4 * DB_NUMBER_MAX], esc_text[4 * sizeof(text)], esc_err[4 * 160];
        /* Cut on a character boundary: never half a UTF-8 sequence. */
        size_t n = utf8_prefix(r->text, 60);

        memcpy(text, r->text, n);
        text[n] = '\0';
        printf("%s %-3s #%-5lld %-14s %-8s %-5s %s/%d %s%s%s\n", when, r->dir, (long long)r->id,
               escaped(number, esc_num, sizeof(esc_num)), r->state, r->intent[0] ? r->intent : "-",
               r->coding, r->parts, escaped(text, esc_text, sizeof(esc_text)),
               r->error[0] ? "  ! " : "", escaped(r->error, esc_err, sizeof(esc_err)));
    }
    o->n++;
    return 0;
}

int cmd_log(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"json", no_argument, NULL, 'j'},
        {"limit", required_argument, NULL, 'n'},
        {"full-numbers", no_argument, NULL, 'F'},
        {NULL, 0, NULL, 0},
    };
    struct log_opts o = {0, 0, 0, {stdout, 0, 0}};
    const char *conf_path = NULL;
    long limit = 20;
    struct conf c;
    int ch;
    db *d;

    while ((ch = getopt_long(argc, argv, "c:jn:F", opts, NULL)) != -1) {
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
    db_log_each(d, (int)limit, print_log_row, &o);
    if (o.json)
        json_array_end(&o.j);
    db_close(d);
    return 0;
}

static int print_status(void *arg, const struct db_modem_report *r)
{
    struct log_opts *o = arg;
    char when[32];

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
    }
    o->n++;
    return 0;
}

/* Which sources are past their maximum age: rates by max_age_rates, prices by max_age_fees.
 * Rates defined in content files are fixed parities (the CFA francs since 1999): never old. */
struct source_walk {
    const struct conf *c;
    time_t now;
    int json, n, stale_only;
    struct json j; /* with json: the array being written */
};

static int source_stale(const struct source_walk *w, const struct db_source_info *s)
{
    if (strcmp(s->kind, "fees") == 0)
        return handler_is_stale(s->newest, w->now, w->c->max_age_fees);
    if (strcmp(s->kind, "rates") == 0 && strcmp(s->format, "content") != 0)
        return handler_is_stale(s->newest, w->now, w->c->max_age_rates);
    return 0;
}

static int print_source(void *arg, const struct db_source_info *s)
{
    struct source_walk *w = arg;
    int stale = source_stale(w, s);

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

int cmd_sources(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"json", no_argument, NULL, 'j'},
        {NULL, 0, NULL, 0},
    };
    struct source_walk w;
    const char *conf_path = NULL;
    struct conf c;
    int ch, rc;
    db *d;

    memset(&w, 0, sizeof(w));
    json_init(&w.j, stdout);
    while ((ch = getopt_long(argc, argv, "c:j", opts, NULL)) != -1) {
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
    db_close(d);
    return rc < 0 ? 1 : 0;
}

int cmd_status(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"json", no_argument, NULL, 'j'},
        {NULL, 0, NULL, 0},
    };
    struct log_opts o = {0, 0, 0, {stdout, 0, 0}};
    const char *conf_path = NULL;
    struct conf c;
    time_t now = time(NULL);
    struct tm tm;
    int ch;
    db *d;

    while ((ch = getopt_long(argc, argv, "c:j", opts, NULL)) != -1) {
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
    /* "Today" is the gateway's local day. */
    localtime_r(&now, &tm);
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    db_modem_reports(d, (int64_t)mktime(&tm), print_status, &o);
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
    }
    db_close(d);
    return 0;
}

/* A CSV field: quoted when it holds a comma, a quote or a line break. */
static void csv_field(const char *v, int last)
{
    if (strpbrk(v, ",\"\n\r") != NULL) {
        putchar('"');
        for (; *v; v++) {
            if (*v == '"')
                putchar('"');
            putchar(*v);
        }
        putchar('"');
    } else {
        fputs(v, stdout);
    }
    putchar(last ? '\n' : ',');
}

static int print_demand(void *arg, const char *week, const char *keyword, const char *lang,
                        const char *src, const char *dst, long queries)
{
    char n[24];

    (void)arg;
    snprintf(n, sizeof(n), "%ld", queries);
    csv_field(week, 0);
    csv_field(keyword, 0);
    csv_field(lang, 0);
    csv_field(src, 0);
    csv_field(dst, 0);
    csv_field(n, 1);
    return 0;
}

int cmd_report(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"since", required_argument, NULL, 's'},
        {NULL, 0, NULL, 0},
    };
    const char *conf_path = NULL, *since = "";
    struct conf c;
    int ch;
    db *d;

    while ((ch = getopt_long(argc, argv, "c:s:", opts, NULL)) != -1) {
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
        default:
            return cli_usage_error("report");
        }
    }
    if (cli_load_conf(conf_path, &c) < 0 || (d = cli_open_existing_db(&c)) == NULL)
        return 1;
    /* The columns say what is kept: counts, never numbers or texts. */
    printf("week,keyword,language,from,to,queries\n");
    db_demand_each(d, since, print_demand, NULL);
    db_close(d);
    return 0;
}
