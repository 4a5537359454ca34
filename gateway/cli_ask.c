/*
 * cli_ask.c: the content subcommands: ask (answer a text as an SMS would be answered), import
 * (apply content files) and check (validate the configuration and the content).
 */
#include "gateway/cli.h"

#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf/alertfile.h"
#include "db/queue.h"
#include "gateway/answer.h"
#include "gateway/broadcast.h"

static const char *coding_name(enum gsm_coding c)
{
    return c == GSM_CODING_GSM7 ? "GSM-7" : "UCS-2";
}

/* Prints a reply on one line: newlines inside it written as \n, backslashes doubled. */
static void print_one_line(const char *s)
{
    for (; *s; s++) {
        if (*s == '\n')
            fputs("\\n", stdout);
        else if (*s == '\\')
            fputs("\\\\", stdout);
        else
            putchar(*s);
    }
    putchar('\n');
}

/* One ask run: where answers come from and how they are printed. */
struct asker {
    gw_ctx *ctx;
    const char *from, *lang; /* --from, --lang; NULL when not given */
    int save, verbose;
    struct handler_reply reply; /* the handlers' answer, without --from */
    struct gw_result res;       /* the answer service's, with --from */
};

/*
 * Answers one text and prints it as the phone would see it (one_line: newlines written as \n,
 * for bulk runs), silence as an empty line; -v adds how on stderr. Without a number it is the
 * handlers' answer alone. With --from, it is the answer service's, exactly as an SMS from that
 * number would be answered now (saved language, pending choice, guards, consent), decided in a
 * transaction that is rolled back, so nothing that number has saved changes; with --save it is
 * kept, as a message in and a reply out through "ask". 0, or -1 when the database failed.
 */
static int ask_one(struct asker *k, const char *text, int one_line)
{
    const char *out, *lang, *intent, *result, *why = "";
    struct gsm_info info;

    if (k->from == NULL) {
        struct handler_query q = {.text = text, .lang = k->lang, .now = time(NULL)};
        if (gw_ctx_refresh(k->ctx) < 0 || gw_ctx_handlers(k->ctx) == NULL)
            return -1;
        handler_answer(gw_ctx_handlers(k->ctx), &q, &k->reply);
        out = k->reply.text;
        lang = k->reply.lang;
        intent = k->reply.intent;
        result = k->reply.silent ? "silent" : k->reply.understood ? "answered" : "help";
        info = k->reply.info;
    } else {
        struct gw_inbound in = {.door = "ask",
                                .sender = k->from,
                                .text = text,
                                .lang = k->lang,
                                .reply_to = k->save ? GW_REPLY_THROUGH : GW_REPLY_DRY};
        if (gw_answer_text(k->ctx, &in, time(NULL), &k->res) < 0)
            return -1;
        out = k->res.silent ? "" : k->res.text;
        lang = k->res.lang;
        intent = k->res.intent;
        result = k->res.result;
        why = k->res.why;
        gsm_measure(out, &info);
    }
    if (one_line)
        print_one_line(out);
    else
        puts(out);
    if (k->verbose)
        fprintf(stderr, "lang=%s intent=%s coding=%s units=%zu parts=%d result=%s%s%s%s\n", lang,
                intent, coding_name(info.coding), info.units, info.parts, result,
                why[0] ? " reason=\"" : "", why, why[0] ? "\"" : "");
    return 0;
}

/* Each line of stdin, answered on one line of stdout. 0, or -1 when the database failed. */
static int ask_stdin(struct asker *k, db *d)
{
    char *line = NULL;
    size_t cap = 0;
    long batch = 0;
    int rc = 0;

    /* glibc gives memory back to the system after each answer's SQLite scratch space is freed,
     * then asks for it again on the next one: a brk pair per query. Keep it for the batch. */
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    /* One read transaction per batch of lines: without it SQLite locks and checks the file for
     * every statement, which costs more than answering. Short batches keep the daemon (and its
     * checkpoints) from waiting on a long bulk run. With --from each line is a transaction of
     * its own, as each SMS is. */
    while (rc == 0 && getline(&line, &cap, stdin) != -1) {
        size_t n = strlen(line);
        if (k->from == NULL && batch++ % 1000 == 0) {
            if (batch > 1)
                db_commit(d);
            db_begin(d);
        }
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        rc = ask_one(k, line, 1);
    }
    if (batch > 0)
        db_commit(d);
    free(line);
    return rc;
}

/* The words of TEXT, which may come unquoted (remitline ask FEE USA MEX), joined by spaces. */
static void join_words(char **words, int n, char *out, size_t outsz)
{
    size_t len = 0;
    int i;

    out[0] = '\0';
    for (i = 0; i < n; i++) {
        int w = snprintf(out + len, outsz - len, "%s%s", i > 0 ? " " : "", words[i]);
        if (w < 0 || (size_t)w >= outsz - len)
            break;
        len += (size_t)w;
    }
}

const struct cli_opt cli_opts_ask[] = {
    CLI_OPT_CONFIG,
    {"from", 'f', 1, "NUMBER",
     "answer as that number's SMS would be (its language, choice, guards)"},
    {"save", 's', 1, NULL, "with --from: keep what the message changes (LANG, a choice)"},
    {"lang", 'l', 1, "xx", "the sender's saved language, used when the text does not say"},
    {"verbose", 'v', 1, NULL, "language, keyword, coding, parts and result on stderr"},
    CLI_OPT_END,
};

int cmd_ask(int argc, char **argv)
{
    struct cli_parser gp = {.ready = 0};
    struct asker *k = calloc(1, sizeof(*k));
    const char *conf_path = NULL;
    gw_live *live = NULL;
    struct conf c;
    char text[4096];
    int ch, rc = 1;
    db *d = NULL;

    if (k == NULL)
        return 1;
    while ((ch = cli_getopt(argc, argv, cli_opts_ask, &gp)) != -1) {
        switch (ch) {
        case 'c':
            conf_path = optarg;
            break;
        case 'f':
            k->from = optarg;
            break;
        case 'l':
            k->lang = optarg;
            break;
        case 's':
            k->save = 1;
            break;
        case 'v':
            k->verbose = 1;
            break;
        default:
            rc = cli_usage_error("ask");
            goto out;
        }
    }
    if (k->save && k->from == NULL) {
        fprintf(stderr, "remitline: ask --save keeps what a number's message changes: it needs "
                        "--from NUMBER\n");
        rc = 2;
        goto out;
    }
    if (k->from != NULL && (k->from[0] == '\0' || strlen(k->from) >= DB_NUMBER_MAX)) {
        /* Never cut: a cut number is someone else's. */
        fprintf(stderr, "remitline: ask --from: a sender is 1 to %d bytes\n", DB_NUMBER_MAX - 1);
        rc = 2;
        goto out;
    }
    if (cli_load_conf(conf_path, &c) < 0 || (d = cli_open_content_db(&c)) == NULL)
        goto out;
    if ((live = gw_live_new(&c)) == NULL || (k->ctx = gw_ctx_open(live, d)) == NULL)
        goto out;
    if (optind < argc) {
        join_words(argv + optind, argc - optind, text, sizeof(text));
        rc = ask_one(k, text, 0) < 0 ? 1 : 0;
    } else {
        rc = ask_stdin(k, d) < 0 ? 1 : 0;
    }
out:
    gw_ctx_close(k->ctx);
    gw_live_free(live);
    db_close(d);
    free(k);
    return rc;
}

const struct cli_opt cli_opts_import[] = {
    CLI_OPT_CONFIG,
    {"format", 'F', 1, "FORMAT", "content, rpw-corridors, rpw or ecb (default: the header tells)"},
    {"dry-run", 'n', 1, NULL, "validate and count, then change nothing"},
    CLI_OPT_END,
};

int cmd_import(int argc, char **argv)
{
    struct cli_parser gp = {.ready = 0};
    enum conf_format format = CONF_FORMAT_UNKNOWN;
    const char *conf_path = NULL;
    const char *def[1];
    struct conf c;
    int ch, rc, dry_run = 0;
    db *d;

    while ((ch = cli_getopt(argc, argv, cli_opts_import, &gp)) != -1) {
        switch (ch) {
        case 'c':
            conf_path = optarg;
            break;
        case 'F':
            if (conf_format_parse(optarg, &format) < 0) {
                fprintf(stderr,
                        "remitline: unknown format '%s' (content, rpw-corridors, rpw, ecb)\n",
                        optarg);
                return 2;
            }
            break;
        case 'n':
            dry_run = 1;
            break;
        default:
            return cli_usage_error("import");
        }
    }
    if (cli_load_conf(conf_path, &c) < 0)
        return 1;
    if ((d = cli_open_db(&c)) == NULL)
        return 1;
    def[0] = c.content;
    if (optind < argc)
        rc = cli_run_import(d, (const char *const *)argv + optind, argc - optind, format, dry_run,
                            0);
    else
        rc = cli_run_import(d, def, 1, format, dry_run, 0);
    db_close(d);
    return rc < 0 ? 1 : 0;
}

const struct cli_opt cli_opts_check[] = {
    CLI_OPT_CONFIG,
    {"verbose", 'v', 1, NULL, "also print what would be imported"},
    CLI_OPT_END,
};
/* `check alert.conf`: the alert as `broadcast --dry-run` checks it, against the content of the
 * database, queueing nothing. 0 or -1 (problems printed). */
static int check_alert_file(const struct conf *c, const char *path)
{
    struct conf_alert *a = calloc(1, sizeof(*a));
    struct conf_errs errs;
    struct handler_opts ho;
    handler_ctx *h = NULL;
    db *d = NULL;
    int rc = -1;

    conf_errs_init(&errs);
    if (a == NULL || conf_alert_read(path, a, &errs) < 0)
        goto out;
    if ((d = cli_open_content_db(c)) == NULL)
        goto out;
    memset(&ho, 0, sizeof(ho));
    ho.default_lang = c->default_lang;
    ho.max_parts = c->max_parts;
    ho.max_age_rates = c->max_age_rates;
    ho.max_age_fees = c->max_age_fees;
    if ((h = handler_open(d, &ho)) == NULL)
        goto out;
    if (gw_alert_check(d, h, a, path, c->default_lang, c->max_parts, time(NULL), &errs) < 0)
        goto out;
    printf("%s: alert %s OK (not queued)\n", path, a->id);
    rc = 0;
out:
    conf_errs_print(&errs, stderr);
    conf_errs_free(&errs);
    handler_close(h);
    db_close(d);
    free(a);
    return rc;
}

int cmd_check(int argc, char **argv)
{
    struct cli_parser gp = {.ready = 0};
    const char *conf_path = NULL;
    const char *def[1];
    char why[PATH_MAX + 200];
    struct conf c;
    int ch, rc, verbose = 0;
    db *d;

    while ((ch = cli_getopt(argc, argv, cli_opts_check, &gp)) != -1) {
        switch (ch) {
        case 'c':
            conf_path = optarg;
            break;
        case 'v':
            verbose = 1;
            break;
        default:
            return cli_usage_error("check");
        }
    }
    if (cli_load_conf(conf_path, &c) < 0)
        return 1;
    if (conf_secrets_warning(&c, why, sizeof(why)))
        fprintf(stderr, "remitline: warning: %s\n", why);
    if (verbose)
        conf_print(&c, stdout);
    /* The content is validated by importing it into a scratch database: every rule an import
     * applies is checked, and the real database is not touched. */
    if ((d = db_open(":memory:")) == NULL)
        return 1;
    def[0] = c.content;
    if (optind < argc) {
        /* Alert files are checked as alerts; the rest is content, imported together. */
        int i, n = 0, bad = 0;
        for (i = optind; i < argc; i++) {
            if (conf_is_alert_file(argv[i]))
                bad |= check_alert_file(&c, argv[i]) < 0;
            else
                argv[optind + n++] = argv[i];
        }
        rc = n > 0 ? cli_run_import(d, (const char *const *)argv + optind, n, CONF_FORMAT_UNKNOWN,
                                    1, 1)
                   : 0;
        if (bad)
            rc = -1;
    } else {
        rc = cli_run_import(d, def, 1, CONF_FORMAT_UNKNOWN, 1, 1);
    }
    db_close(d);
    if (rc < 0)
        return 1;
    puts("configuration OK");
    return 0;
}
