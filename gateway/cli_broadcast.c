/*
 * cli_broadcast.c: broadcast, which queues an alert for the followers of its topics, and
 * broadcast status, which shows how far one has gone.
 */
#include "gateway/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db/alerts.h"
#include "db/delivery.h"
#include "gateway/broadcast.h"
#include "gateway/figures.h"
#include "gateway/json.h"

static void progress_bar(long done, long total)
{
    int width = 30, i, filled = total > 0 ? (int)(done * width / total) : width;

    printf("[");
    for (i = 0; i < width; i++)
        putchar(i < filled ? '#' : '.');
    printf("] %ld%%\n", total > 0 ? done * 100 / total : 100);
}

static int broadcast_status(const struct conf *c, const char *id, int json)
{
    struct db_alert_stats st;
    struct gw_send_plan plan;
    struct db_delivery_counts dc;
    char until[32], dline[160];
    double minutes = 0;
    int rc, timed;
    db *d = cli_open_existing_db(c);

    if (d == NULL)
        return 1;
    rc = db_alert_stats(d, id, &st);
    if (rc == 1 && db_delivery_alert(d, st.id, &dc) < 0)
        rc = -1;
    /* What the daemon would say: broadcasts wait out quiet hours and the modems' pauses. */
    gw_send_plan(c, d, time(NULL), &plan);
    db_close(d);
    if (rc <= 0) {
        fprintf(stderr, "remitline: %s\n", id ? "no alert with that id" : "no alert yet");
        return 1;
    }
    if (st.remaining == 0)
        plan.held[0] = '\0';
    timed = gw_send_minutes(&plan, st.remaining, &minutes);
    cli_iso_time(st.valid_until, until, sizeof(until));
    if (json) {
        struct json j;
        json_init(&j, stdout);
        json_open(&j);
        json_str_field(&j, "id", st.id);
        json_str_field(&j, "topics", st.topics);
        json_long_field(&j, "recipients", st.recipients);
        json_long_field(&j, "sent", st.sent);
        json_long_field(&j, "failed", st.failed);
        json_long_field(&j, "remaining", st.remaining);
        json_long_field(&j, "parts", st.parts_total);
        json_long_field(&j, "parts_left", st.parts_left);
        json_str_field(&j, "valid_until", until);
        json_long_field(&j, "delivery_asked", dc.asked);
        json_long_field(&j, "delivered", dc.delivered);
        json_long_field(&j, "delivery_failed", dc.failed);
        json_long_field(&j, "delivery_expired", dc.expired);
        json_long_field(&j, "delivery_pending", dc.pending);
        json_long_field(&j, "delivered_percent", gw_delivery_share(&dc));
        if (plan.held[0])
            json_str_field(&j, "held", plan.held);
        if (timed)
            json_double_field(&j, "minutes_left", 1, minutes);
        if (plan.part_cost > 0) {
            json_double_field(&j, "estimated_cost", 2, plan.part_cost * (double)st.parts_total);
            json_str_field(&j, "cost_currency", plan.currency);
        }
        json_close(&j);
        putchar('\n');
        return 0;
    }
    printf("alert %s (%s), valid until %s\n", st.id, st.topics, until);
    printf("recipients %ld: sent %ld, failed %ld, remaining %ld\n", st.recipients, st.sent,
           st.failed, st.remaining);
    if (isatty(STDOUT_FILENO))
        progress_bar(st.sent + st.failed, st.recipients);
    gw_delivery_line(&dc, dline, sizeof(dline));
    printf("phones: %s\n", dline);
    if (plan.held[0])
        printf("%s\n", plan.held);
    if (!timed)
        printf("time left: no send limit configured\n");
    else
        printf("time left: about %.0f minutes at %ld messages a minute\n", minutes + 0.5,
               plan.rate);
    printf("SMS parts: %ld in all, %ld still to send", st.parts_total, st.parts_left);
    if (plan.part_cost > 0)
        printf("; estimated cost %.2f %s", plan.part_cost * (double)st.parts_total, plan.currency);
    printf("\n");
    return 0;
}

/* The alert of a command line without an alert file: text (or the first 1 KB of file, a plain
 * text), in lang, under id (or a new one). 0, 1 when file cannot be read, or 2 (usage said)
 * when a topic or the text is missing. */
static int alert_from_text(struct conf_alert *a, const struct conf *c, const char *file,
                           const char *text, const char *lang, const char *id)
{
    char buf[1024];

    if (file != NULL) {
        FILE *fp = fopen(file, "r");
        size_t n;
        if (fp == NULL) {
            fprintf(stderr, "remitline: cannot open %s: %s\n", file, strerror(errno));
            return 1;
        }
        n = fread(buf, 1, sizeof(buf) - 1, fp);
        fclose(fp);
        buf[n] = '\0';
        while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
            buf[--n] = '\0';
        text = buf;
    }
    if (a->ntopics == 0 || text == NULL || text[0] == '\0')
        return cli_usage_error("broadcast");
    snprintf(a->texts[0].lang, sizeof(a->texts[0].lang), "%s", lang ? lang : c->default_lang);
    snprintf(a->texts[0].text, sizeof(a->texts[0].text), "%s", text);
    a->ntexts = 1;
    if (id != NULL)
        snprintf(a->id, sizeof(a->id), "%s", id);
    else
        snprintf(a->id, sizeof(a->id), "cli-%lld-%d", (long long)time(NULL), (int)getpid());
    return 0;
}

const struct cli_opt cli_opts_broadcast[] = {
    CLI_OPT_CONFIG,
    {"topic", 't', 1, "TOPIC",
     "who gets it: a country (PH), a corridor (USA-MEX) or a topic; repeat for more"},
    {"text", 'x', 1, "TEXT", "the alert's text"},
    {"file", 'f', 1, "FILE", "an alert file instead (texts in several languages)"},
    {"lang", 'l', 1, "xx", "the language of --text (default: default_language)"},
    {"id", 'i', 1, "ID", "the alert's id: an alert goes out once per id (default: made up)"},
    {"priority", 'p', 1, "0-9", "0 urgent .. 9; answers to questions always go first"},
    {"until", 'u', 1, "DATE", "never sent after this local date (default: 7 days on)"},
    {"json", 'j', 1, NULL, "broadcast status as JSON"},
    {"dry-run", 'n', 0, NULL, "check the alert as it would be queued, and queue nothing"},
    CLI_OPT_END,
};

int cmd_broadcast(int argc, char **argv)
{
    struct cli_parser gp = {.ready = 0};
    const char *conf_path = NULL, *lang = NULL, *text = NULL, *file = NULL, *id = NULL;
    struct conf_alert *a = calloc(1, sizeof(*a));
    struct conf_errs errs;
    struct handler_opts ho;
    handler_ctx *h = NULL;
    long recipients = 0;
    struct conf c;
    int ch, rc = 1, json = 0, dry_run = 0;
    db *d = NULL;

    if (a == NULL)
        return 1;
    a->priority = 5;
    conf_errs_init(&errs);
    while ((ch = cli_getopt(argc, argv, cli_opts_broadcast, &gp)) != -1) {
        switch (ch) {
        case 'c':
            conf_path = optarg;
            break;
        case 't':
            if (a->ntopics < CONF_ALERT_MAX_TOPICS)
                snprintf(a->topics[a->ntopics++], sizeof(a->topics[0]), "%s", optarg);
            break;
        case 'l':
            lang = optarg;
            break;
        case 'x':
            text = optarg;
            break;
        case 'f':
            file = optarg;
            break;
        case 'i':
            id = optarg;
            break;
        case 'j':
            json = 1;
            break;
        case 'n':
            dry_run = 1;
            break;
        case 'p': {
            long v;
            if (cli_opt_long(optarg, 0, 9, "--priority (0 urgent to 9)", &v) < 0)
                goto out;
            a->priority = (int)v;
            break;
        }
        case 'u':
            if (conf_parse_time(optarg, &a->valid_until) < 0) {
                fprintf(stderr, "remitline: --until takes a local date like 2026-12-04, "
                                "\"2026-12-04 18:00\" or \"2026-12-04 18:00:30\"\n");
                goto out;
            }
            break;
        default:
            rc = cli_usage_error("broadcast");
            goto out;
        }
    }
    if (cli_load_conf(conf_path, &c) < 0)
        goto out;
    if (optind < argc && strcmp(argv[optind], "status") == 0) {
        rc = broadcast_status(&c, optind + 1 < argc ? argv[optind + 1] : NULL, json);
        goto out;
    }
    if (file != NULL && strlen(file) > 5 && strcmp(file + strlen(file) - 5, ".conf") == 0) {
        if (conf_alert_read(file, a, &errs) < 0)
            goto fail;
    } else if ((rc = alert_from_text(a, &c, file, text, lang, id)) != 0) {
        goto out;
    }
    rc = 1;
    if ((d = cli_open_content_db(&c)) == NULL)
        goto out;
    ho.default_lang = c.default_lang;
    ho.max_parts = c.max_parts;
    ho.max_age_rates = c.max_age_rates;
    ho.max_age_fees = c.max_age_fees;
    if ((h = handler_open(d, &ho)) == NULL)
        goto out;
    if (dry_run) {
        /* Checked as it would be queued, against the same content; nothing is written. */
        if (gw_alert_check(d, h, a, file, lang && !file ? lang : c.default_lang, c.max_parts,
                           time(NULL), &errs) < 0)
            goto fail;
        printf("alert %s OK: it would be queued (nothing was queued)\n", a->id);
        rc = 0;
        goto out;
    }
    /* An alert nobody would get is an operator's mistake (a topic misspelt, or announced
     * before anyone joined): said, exit 3, and the id stays free for when someone follows. */
    if (gw_alert_audience(d, h, a) == 0) {
        fprintf(stderr,
                "remitline: nobody follows %s%s yet: alert %s not queued (people join by SMS: "
                "JOIN %s)\n",
                a->topics[0], a->ntopics > 1 ? " or the other topics" : "", a->id, a->topics[0]);
        rc = 3;
        goto out;
    }
    rc = gw_alert_queue(d, h, a, "cli", file, lang && !file ? lang : c.default_lang, c.max_parts,
                        time(NULL), &recipients, &errs);
    if (rc > 0) {
        printf("alert %s queued for %ld recipient%s; follow it with: remitline broadcast status "
               "%s\n",
               a->id, recipients, recipients == 1 ? "" : "s", a->id);
        rc = 0;
        goto out;
    }
    if (rc == 0) {
        printf("alert %s was queued before; an alert goes out once (give another --id)\n", a->id);
        goto out;
    }
fail:
    conf_errs_print(&errs, stderr);
    rc = 1;
out:
    conf_errs_free(&errs);
    handler_close(h);
    db_close(d);
    free(a);
    return rc;
}
