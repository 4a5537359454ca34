/*
 * cli_ask.c: the content subcommands: ask (answer a text as an SMS would be answered), import
 * (apply content files) and check (validate the configuration and the content).
 */
#include "gateway/cli.h"

#include <getopt.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gateway/answer.h"

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

/* What ask prints, as the phone would see it (silence is an empty line), and with -v how. */
struct ask_out {
    const char *text, *lang, *intent, *result, *why;
    struct gsm_info info;
};

/*
 * Answers one query for ask. Without a number it is the handlers' answer alone. With --from, it
 * is the answer service's, exactly as an SMS from that number would be answered now (saved
 * language, pending choice, guards, consent), decided in a transaction that is rolled back, so
 * nothing that number has saved changes; with --save it is kept, as a message in and a reply
 * out through "ask".
 */
static int ask_one(gw_ctx *ctx, const char *text, const char *from, const char *lang, int save,
                   struct handler_reply *reply, struct gw_result *res, struct ask_out *out)
{
    if (from == NULL) {
        struct handler_query q = {.text = text, .lang = lang, .now = time(NULL)};
        if (gw_ctx_refresh(ctx) < 0 || gw_ctx_handlers(ctx) == NULL)
            return -1;
        handler_answer(gw_ctx_handlers(ctx), &q, reply);
        out->text = reply->text;
        out->lang = reply->lang;
        out->intent = reply->intent;
        out->result = reply->silent ? "silent" : reply->understood ? "answered" : "help";
        out->why = "";
        out->info = reply->info;
    } else {
        struct gw_inbound in = {.door = "ask",
                                .sender = from,
                                .text = text,
                                .lang = lang,
                                .reply_to = save ? GW_REPLY_THROUGH : GW_REPLY_DRY};
        if (gw_answer_text(ctx, &in, time(NULL), res) < 0)
            return -1;
        out->text = res->silent ? "" : res->text;
        out->lang = res->lang;
        out->intent = res->intent;
        out->result = res->result;
        out->why = res->why;
        gsm_measure(out->text, &out->info);
    }
    return 0;
}

static void ask_verbose(const struct ask_out *o)
{
    fprintf(stderr, "lang=%s intent=%s coding=%s units=%zu parts=%d result=%s%s%s%s\n", o->lang,
            o->intent, coding_name(o->info.coding), o->info.units, o->info.parts, o->result,
            o->why[0] ? " reason=\"" : "", o->why, o->why[0] ? "\"" : "");
}

int cmd_ask(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'}, {"from", required_argument, NULL, 'f'},
        {"lang", required_argument, NULL, 'l'},   {"save", no_argument, NULL, 's'},
        {"verbose", no_argument, NULL, 'v'},      {NULL, 0, NULL, 0},
    };
    const char *conf_path = NULL, *from = NULL, *lang = NULL;
    struct handler_reply *reply = malloc(sizeof(*reply));
    struct gw_result *res = malloc(sizeof(*res));
    struct ask_out out;
    gw_live *live = NULL;
    gw_ctx *ctx = NULL;
    struct conf c;
    char *line = NULL, text[4096];
    size_t cap = 0, len = 0;
    int ch, verbose = 0, save = 0, rc = 1, i;
    long batch = 0;
    db *d = NULL;

    while ((ch = getopt_long(argc, argv, "c:f:l:sv", opts, NULL)) != -1) {
        switch (ch) {
        case 'c':
            conf_path = optarg;
            break;
        case 'f':
            from = optarg;
            break;
        case 'l':
            lang = optarg;
            break;
        case 's':
            save = 1;
            break;
        case 'v':
            verbose = 1;
            break;
        default:
            rc = cli_usage_error("ask");
            goto out;
        }
    }
    if (save && from == NULL) {
        fprintf(stderr, "remitline: ask --save keeps what a number's message changes: it needs "
                        "--from NUMBER\n");
        rc = 2;
        goto out;
    }
    if (reply == NULL || res == NULL || cli_load_conf(conf_path, &c) < 0)
        goto out;
    if ((d = cli_open_content_db(&c)) == NULL)
        goto out;
    if ((live = gw_live_new(&c)) == NULL || (ctx = gw_ctx_open(live, d)) == NULL)
        goto out;
    if (optind < argc) {
        /* The words of TEXT may come unquoted: remitline ask FEE USA MEX */
        text[0] = '\0';
        for (i = optind; i < argc; i++) {
            int w =
                snprintf(text + len, sizeof(text) - len, "%s%s", i > optind ? " " : "", argv[i]);
            if (w < 0 || (size_t)w >= sizeof(text) - len)
                break;
            len += (size_t)w;
        }
        if (ask_one(ctx, text, from, lang, save, reply, res, &out) < 0)
            goto out;
        puts(out.text);
        if (verbose)
            ask_verbose(&out);
        rc = 0;
        goto out;
    }
    /* glibc gives memory back to the system after each answer's SQLite scratch space is freed,
     * then asks for it again on the next one: a brk pair per query. Keep it for the batch. */
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    /* One read transaction per batch of lines: without it SQLite locks and checks the file for
     * every statement, which costs more than answering. Short batches keep the daemon (and its
     * checkpoints) from waiting on a long bulk run. With --from each line is a transaction of
     * its own, as each SMS is. */
    while (getline(&line, &cap, stdin) != -1) {
        size_t n = strlen(line);
        if (from == NULL && batch++ % 1000 == 0) {
            if (batch > 1)
                db_commit(d);
            db_begin(d);
        }
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (ask_one(ctx, line, from, lang, save, reply, res, &out) < 0)
            goto out;
        print_one_line(out.text);
        if (verbose)
            ask_verbose(&out);
    }
    rc = 0;
out:
    if (batch > 0)
        db_commit(d);
    free(line);
    gw_ctx_close(ctx);
    gw_live_free(live);
    db_close(d);
    free(reply);
    free(res);
    return rc;
}

int cmd_import(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"format", required_argument, NULL, 'F'},
        {"dry-run", no_argument, NULL, 'n'},
        {NULL, 0, NULL, 0},
    };
    enum conf_format format = CONF_FORMAT_UNKNOWN;
    const char *conf_path = NULL;
    const char *def[1];
    struct conf c;
    int ch, rc, dry_run = 0;
    db *d;

    while ((ch = getopt_long(argc, argv, "c:F:n", opts, NULL)) != -1) {
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

int cmd_check(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"verbose", no_argument, NULL, 'v'},
        {NULL, 0, NULL, 0},
    };
    const char *conf_path = NULL;
    const char *def[1];
    struct conf c;
    int ch, rc, verbose = 0;
    db *d;

    while ((ch = getopt_long(argc, argv, "c:v", opts, NULL)) != -1) {
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
    if (verbose)
        conf_print(&c, stdout);
    /* The content is validated by importing it into a scratch database: every rule an import
     * applies is checked, and the real database is not touched. */
    if ((d = db_open(":memory:")) == NULL)
        return 1;
    def[0] = c.content;
    if (optind < argc)
        rc = cli_run_import(d, (const char *const *)argv + optind, argc - optind,
                            CONF_FORMAT_UNKNOWN, 1, 1);
    else
        rc = cli_run_import(d, def, 1, CONF_FORMAT_UNKNOWN, 1, 1);
    db_close(d);
    if (rc < 0)
        return 1;
    puts("configuration OK");
    return 0;
}
