/*
 * main.c: the remitline command line. One binary; each subcommand is a row of the table below.
 * Every subcommand reads the same configuration (-c FILE, else the built-in defaults), so they all
 * agree on where the database and the content are.
 */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "conf/config.h"
#include "conf/import.h"
#include "db/db.h"
#include "db/conv.h"
#include "db/queue.h"
#include "conf/alertfile.h"
#include "db/alerts.h"
#include "db/guards.h"
#include "gateway/answer.h"
#include "gateway/broadcast.h"
#include "gateway/daemon.h"
#include "gateway/http.h"
#include "util/log.h"
#include "util/mono.h"
#include "gateway/phonefile.h"
#include "handlers/handler.h"

struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *usage;
    const char *summary;
};

static int cmd_ask(int argc, char **argv);
static int cmd_import(int argc, char **argv);
static int cmd_check(int argc, char **argv);
static int cmd_run(int argc, char **argv);
static int cmd_phone(int argc, char **argv);
static int cmd_log(int argc, char **argv);
static int cmd_status(int argc, char **argv);
static int cmd_broadcast(int argc, char **argv);
static int cmd_report(int argc, char **argv);
static int cmd_version(int argc, char **argv);
static int cmd_sources(int argc, char **argv);
static int cmd_help(int argc, char **argv);

static const struct command commands[] = {
    {"run", cmd_run, "run [-c FILE] [-d] [--user NAME] [--http ADDR:PORT --http-token TOKEN]",
     "run the gateway: read SMS from the modems, answer, send (-d: debug logs; --http: serve "
     "USSD, Kannel, /healthz, /metrics)"},
    {"phone", cmd_phone,
     "phone [-c FILE] [--dir DUMMYDIR] [--wait SECONDS] [--order 2,0,1] NUMBER TEXT...",
     "play a phone: text the gateway through the dummy phone and print its reply"},
    {"log", cmd_log, "log [-c FILE] [--json] [--limit N] [--full-numbers]",
     "recent messages in and out, with their state"},
    {"status", cmd_status, "status [-c FILE] [--json]",
     "each modem: connected, signal, network, queue, sent and failed today"},
    {"ask", cmd_ask, "ask [-c FILE] [--from NUMBER [--save]] [--lang xx] [-v] [TEXT...]",
     "answer TEXT as an SMS would be answered (no TEXT: each line of stdin); --from: as from "
     "that number, changing nothing it saved unless --save"},
    {"import", cmd_import, "import [-c FILE] [--format content|rpw-corridors|rpw|ecb] [PATH...]",
     "validate content files and apply them in one transaction (no PATH: shipped content)"},
    {"sources", cmd_sources, "sources [-c FILE] [--json]",
     "every loaded source: its file, the dates of its data, its rows, and whether it is old"},
    {"check", cmd_check, "check [-c FILE] [PATH...]",
     "validate the configuration and content; print \"configuration OK\" or each problem"},
    {"broadcast", cmd_broadcast,
     "broadcast --topic T [--topic T2...] [--lang xx] (--text \"...\" | --file F) [--id ID] "
     "[--priority 0-9] [--until DATE] | broadcast status [ID] [--json]",
     "queue an alert for everyone who follows a topic, or show how far one has gone"},
    {"report", cmd_report, "report [-c FILE] [--since 2026-W01]",
     "demand statistics as CSV (queries by week, keyword, language and corridor; no numbers)"},
    {"version", cmd_version, "version", "print the version"},
    {"help", cmd_help, "help", "list the subcommands"},
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

/* Reads a whole number option between min and max, or says what it takes. 0 or -1. */
static int opt_long(const char *arg, long min, long max, const char *what, long *out)
{
    char *end;
    long v = strtol(arg, &end, 10);

    if (arg[0] == '\0' || *end != '\0' || v < min || v > max) {
        fprintf(stderr, "remitline: %s takes a whole number from %ld to %ld\n", what, min, max);
        return -1;
    }
    *out = v;
    return 0;
}

static int usage_error(const char *name)
{
    size_t i;

    for (i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            fprintf(stderr, "usage: remitline %s\n", commands[i].usage);
    return 2;
}

/* Loads the configuration or explains what is wrong with it. */
static int load_conf(const char *path, struct conf *c)
{
    struct conf_errs errs;
    int rc;

    conf_errs_init(&errs);
    rc = conf_load(path, c, &errs);
    if (rc < 0)
        conf_errs_print(&errs, stderr);
    conf_errs_free(&errs);
    if (rc == 0)
        log_init((enum log_level)c->log_level);
    return rc;
}

/* Creates the directory that will hold path (one level, like ./var), if missing. */
static void make_parent(const char *path)
{
    char dir[PATH_MAX];
    char *slash;

    snprintf(dir, sizeof(dir), "%s", path);
    if ((slash = strrchr(dir, '/')) == NULL || slash == dir)
        return;
    *slash = '\0';
    if (mkdir(dir, 0750) < 0 && errno != EEXIST)
        log_warn("creating %s", dir);
}

static db *open_db(const struct conf *c)
{
    make_parent(c->database);
    return db_open(c->database);
}

/* The progress bar of a long import, drawn on stderr when it is a terminal. */
struct progress {
    double last; /* monotonic seconds of the last redraw */
    int shown;
};

static void progress_draw(void *arg, const char *path, long done, long total)
{
    struct progress *p = arg;
    const char *base = strrchr(path, '/');
    double t = mono_s();
    int pct = total > 0 ? (int)(done * 100 / total) : 0, i;

    /* At most four redraws a second, and always the last one. */
    if (p->shown && t - p->last < 0.25 && done < total)
        return;
    p->last = t;
    p->shown = 1;
    if (pct > 100)
        pct = 100;
    fputc('\r', stderr);
    fputc('[', stderr);
    for (i = 0; i < 40; i++)
        fputc(i < pct * 40 / 100 ? '#' : ' ', stderr);
    fprintf(stderr, "] %3d%% %.40s", pct, base ? base + 1 : path);
    fflush(stderr);
}

static int run_import(db *d, const char *const *paths, int npaths, enum conf_format format,
                      int dry_run, int quiet)
{
    struct conf_errs errs;
    struct import_stats st;
    struct import_opts o;
    struct progress bar = {0, 0};
    int rc;

    memset(&o, 0, sizeof(o));
    o.forced = format;
    o.dry_run = dry_run;
    if (!quiet && isatty(STDERR_FILENO)) {
        o.progress = progress_draw;
        o.arg = &bar;
    }
    conf_errs_init(&errs);
    rc = conf_import_opts(d, paths, npaths, &o, &errs, &st);
    if (bar.shown)
        fputs("\r\033[K", stderr);
    if (rc < 0) {
        conf_errs_print(&errs, stderr);
        conf_import_summary(&st, stderr);
        fprintf(stderr, "remitline: import failed: %d problem%s; nothing was changed\n", errs.count,
                errs.count == 1 ? "" : "s");
    } else if (!quiet) {
        printf("imported %d file%s (%d unchanged), %ld rows\n", st.files, st.files == 1 ? "" : "s",
               st.unchanged, st.rows);
        conf_import_summary(&st, stdout);
        if (st.left_out > 0)
            printf("%ld corridor row%s left out (see the warnings above)\n", st.left_out,
                   st.left_out == 1 ? "" : "s");
    }
    conf_errs_free(&errs);
    return rc;
}

/* The database with content in it: on first use, the shipped content is imported. */
static db *open_content_db(const struct conf *c)
{
    struct db_counts counts;
    const char *paths[1];
    db *d = open_db(c);

    if (d == NULL)
        return NULL;
    if (db_counts_get(d, &counts) == 0 && counts.langs == 0) {
        fprintf(stderr, "remitline: %s has no content yet; importing %s\n", c->database,
                c->content);
        paths[0] = c->content;
        if (run_import(d, paths, 1, CONF_FORMAT_UNKNOWN, 0, 1) < 0) {
            db_close(d);
            return NULL;
        }
    }
    return d;
}

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

static int cmd_ask(int argc, char **argv)
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
            rc = usage_error("ask");
            goto out;
        }
    }
    if (save && from == NULL) {
        fprintf(stderr, "remitline: ask --save keeps what a number's message changes: it needs "
                        "--from NUMBER\n");
        rc = 2;
        goto out;
    }
    if (reply == NULL || res == NULL || load_conf(conf_path, &c) < 0)
        goto out;
    if ((d = open_content_db(&c)) == NULL)
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

static int cmd_import(int argc, char **argv)
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
            return usage_error("import");
        }
    }
    if (load_conf(conf_path, &c) < 0)
        return 1;
    if ((d = open_db(&c)) == NULL)
        return 1;
    def[0] = c.content;
    if (optind < argc)
        rc = run_import(d, (const char *const *)argv + optind, argc - optind, format, dry_run, 0);
    else
        rc = run_import(d, def, 1, format, dry_run, 0);
    db_close(d);
    return rc < 0 ? 1 : 0;
}

static int cmd_check(int argc, char **argv)
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
            return usage_error("check");
        }
    }
    if (load_conf(conf_path, &c) < 0)
        return 1;
    if (verbose)
        conf_print(&c, stdout);
    /* The content is validated by importing it into a scratch database: every rule an import
     * applies is checked, and the real database is not touched. */
    if ((d = db_open(":memory:")) == NULL)
        return 1;
    def[0] = c.content;
    if (optind < argc)
        rc = run_import(d, (const char *const *)argv + optind, argc - optind, CONF_FORMAT_UNKNOWN,
                        1, 1);
    else
        rc = run_import(d, def, 1, CONF_FORMAT_UNKNOWN, 1, 1);
    db_close(d);
    if (rc < 0)
        return 1;
    puts("configuration OK");
    return 0;
}

static int cmd_run(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'}, {"debug", no_argument, NULL, 'd'},
        {"http", required_argument, NULL, 'H'},   {"http-token", required_argument, NULL, 'T'},
        {"user", required_argument, NULL, 'u'},   {NULL, 0, NULL, 0},
    };
    const char *conf_path = NULL, *http = NULL, *token = NULL, *user = NULL;
    struct sockaddr_storage sa;
    unsigned salen;
    struct conf *c;
    int ch, debug = 0, rc;

    while ((ch = getopt_long(argc, argv, "c:du:", opts, NULL)) != -1) {
        switch (ch) {
        case 'c':
            conf_path = optarg;
            break;
        case 'u':
            user = optarg;
            break;
        case 'd':
            debug = 1;
            break;
        case 'H':
            if (gw_http_parse_listen(optarg, &sa, &salen) < 0) {
                fprintf(stderr, "remitline: --http takes ADDR:PORT, e.g. 127.0.0.1:8080\n");
                return 2;
            }
            http = optarg;
            break;
        case 'T':
            if (strlen(optarg) < 16 || strlen(optarg) > 127) {
                fprintf(stderr, "remitline: --http-token takes 16 to 127 characters\n");
                return 2;
            }
            token = optarg;
            break;
        default:
            return usage_error("run");
        }
    }
    if (optind < argc)
        return usage_error("run");
    if ((c = malloc(sizeof(*c))) == NULL)
        return 1;
    if (load_conf(conf_path, c) < 0) {
        free(c);
        return 1;
    }
    if (http != NULL)
        snprintf(c->http.listen, sizeof(c->http.listen), "%s", http);
    if (token != NULL && conf_http_add_token(c, "cli", token) < 0) {
        fprintf(stderr, "remitline: too many HTTP clients to add --http-token\n");
        free(c);
        return 2;
    }
    if (c->http.listen[0] != '\0' && c->http.nclients == 0) {
        fprintf(stderr, "remitline: the HTTP interface needs a client: give --http-token TOKEN "
                        "or http.clients in the configuration\n");
        free(c);
        return 2;
    }
    if (debug)
        log_init(LOG_LEVEL_DEBUG);
    rc = gw_run(c, conf_path, user);
    free(c);
    return rc;
}

/* A fresh concatenation reference for the phone's message, so two runs never collide. */
static unsigned phone_ref(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (unsigned)((ts.tv_nsec / 1000 + ts.tv_sec + getpid()) & 0xff);
}

static int cmd_phone(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"dir", required_argument, NULL, 'D'},
        {"wait", required_argument, NULL, 'w'},
        {"order", required_argument, NULL, 'o'},
        {NULL, 0, NULL, 0},
    };
    const char *conf_path = NULL, *dir = NULL, *number;
    int order[GW_PHONEFILE_MAX_PARTS], norder = 0;
    struct db_log_row *reply = NULL;
    char text[2048];
    size_t len = 0;
    struct conf c;
    long wait_s = 10;
    int64_t since = 0;
    time_t deadline;
    int ch, i, rc = 1;
    db *d = NULL;

    while ((ch = getopt_long(argc, argv, "c:D:w:o:", opts, NULL)) != -1) {
        switch (ch) {
        case 'c':
            conf_path = optarg;
            break;
        case 'o': {
            /* The order the parts of a long message arrive in, for testing: "2,0,1". */
            char *p = optarg, *end;
            for (norder = 0; *p && norder < GW_PHONEFILE_MAX_PARTS; norder++) {
                order[norder] = (int)strtol(p, &end, 10);
                if (end == p || order[norder] < 0) {
                    fprintf(stderr, "remitline: --order takes part numbers from 0: 2,0,1\n");
                    return 2;
                }
                p = *end == ',' ? end + 1 : end;
            }
            break;
        }
        case 'D':
            dir = optarg;
            break;
        case 'w':
            if (opt_long(optarg, 0, 3600, "--wait (seconds)", &wait_s) < 0)
                return 2;
            break;
        default:
            return usage_error("phone");
        }
    }
    if (argc - optind < 2)
        return usage_error("phone");
    if (load_conf(conf_path, &c) < 0)
        return 1;
    if (dir == NULL) {
        for (i = 0; i < c.nmodems && dir == NULL; i++)
            if (strcmp(c.modems[i].model, "dummy") == 0)
                dir = c.modems[i].device;
        if (dir == NULL) {
            fprintf(stderr, "remitline: no dummy phone configured; say --dir DUMMYDIR\n");
            return 2;
        }
    }
    number = argv[optind];
    text[0] = '\0';
    for (i = optind + 1; i < argc; i++) {
        int w =
            snprintf(text + len, sizeof(text) - len, "%s%s", i > optind + 1 ? " " : "", argv[i]);
        if (w < 0 || (size_t)w >= sizeof(text) - len)
            break;
        len += (size_t)w;
    }
    if (mkdir(dir, 0750) < 0 && errno != EEXIST) {
        fprintf(stderr, "remitline: cannot create %s: %s\n", dir, strerror(errno));
        return 1;
    }
    /* The reply to wait for is the one to this message: the first stored after the newest one
     * from this number now. */
    if (access(c.database, F_OK) == 0 && (d = db_open(c.database)) != NULL)
        since = db_inbox_last_id(d, number);
    if (norder > 0) {
        struct gsm_info gi;
        if (gsm_measure(text, &gi) < 0 || gi.parts != norder) {
            fprintf(stderr, "remitline: --order names %d parts but the text has %d\n", norder,
                    gsm_measure(text, &gi) < 0 ? 0 : gi.parts);
            rc = 2;
            goto out;
        }
    }
    if (gw_phonefile_deliver(dir, number, text, time(NULL), phone_ref(),
                             norder > 0 ? order : NULL) < 0)
        goto out;
    if (wait_s == 0) {
        rc = 0;
        goto out;
    }
    if ((reply = malloc(sizeof(*reply))) == NULL)
        goto out;
    deadline = time(NULL) + wait_s;
    while (time(NULL) <= deadline) {
        struct timespec tenth = {0, 100000000L};
        if (d == NULL && access(c.database, F_OK) == 0)
            d = db_open(c.database);
        if (d != NULL && db_reply_for(d, number, since, reply) == 1) {
            if (strcmp(reply->state, "ignored") == 0) {
                fprintf(stderr, "remitline: no reply: the gateway stays silent to this message "
                                "(%s)\n",
                        reply->intent);
                rc = 3; /* silence by design: not a failure, not an answer */
                goto out;
            }
            if (strcmp(reply->state, "queued") != 0 && strcmp(reply->state, "sending") != 0) {
                puts(reply->text);
                if (strcmp(reply->state, "failed") == 0)
                    fprintf(stderr, "remitline: the reply could not be sent: %s\n", reply->error);
                rc = strcmp(reply->state, "sent") == 0 ? 0 : 1;
                goto out;
            }
        }
        nanosleep(&tenth, NULL);
    }
    fprintf(stderr,
            "remitline: no reply within %ld s; is `remitline run` running on %s? (the message "
            "waits in the phone)\n",
            wait_s, dir);
out:
    free(reply);
    db_close(d);
    return rc;
}

/* Writes s as a JSON string. */
static void json_str(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(fp, "\\%c", ch);
        else if (ch == '\n')
            fputs("\\n", fp);
        else if (ch < 0x20)
            fprintf(fp, "\\u%04x", ch);
        else
            fputc(ch, fp);
    }
    fputc('"', fp);
}

static const char *iso_time(int64_t t, char *buf, size_t bufsz)
{
    time_t tt = (time_t)t;
    struct tm tm;

    gmtime_r(&tt, &tm);
    strftime(buf, bufsz, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

struct log_opts {
    int json, full, n;
};

static int print_log_row(void *arg, const struct db_log_row *r)
{
    struct log_opts *o = arg;
    char when[32], num[40];
    const char *number = o->full ? r->number : log_number(r->number, num, sizeof(num));

    iso_time(r->at, when, sizeof(when));
    if (o->json) {
        printf("%s{\"dir\":\"%s\",\"id\":%lld,\"time\":\"%s\",\"number\":", o->n ? ",\n " : "[",
               r->dir, (long long)r->id, when);
        json_str(stdout, number);
        printf(",\"state\":\"%s\",\"coding\":\"%s\",\"parts\":%d,\"lang\":", r->state, r->coding,
               r->parts);
        json_str(stdout, r->lang);
        printf(",\"intent\":");
        json_str(stdout, r->intent);
        printf(",\"attempts\":%d,\"error\":", r->attempts);
        json_str(stdout, r->error);
        printf(",\"text\":");
        json_str(stdout, r->text);
        printf("}");
    } else {
        char text[64];
        size_t i, n = strlen(r->text) < 60 ? strlen(r->text) : 60;
        /* Cut on a character boundary: never half a UTF-8 sequence. */
        while (n > 0 && n < strlen(r->text) && ((unsigned char)r->text[n] & 0xC0) == 0x80)
            n--;
        memcpy(text, r->text, n);
        text[n] = '\0';
        for (i = 0; text[i]; i++)
            if (text[i] == '\n')
                text[i] = ' ';
        printf("%s %-3s #%-5lld %-14s %-8s %-5s %s/%d %s%s%s\n", when, r->dir, (long long)r->id,
               number, r->state, r->intent[0] ? r->intent : "-", r->coding, r->parts, text,
               r->error[0] ? "  ! " : "", r->error);
    }
    o->n++;
    return 0;
}

/* Opens the configured database for reading what the daemon wrote. */
static db *open_existing_db(const struct conf *c)
{
    if (access(c->database, F_OK) != 0) {
        fprintf(stderr, "remitline: no database at %s yet: start `remitline run` first\n",
                c->database);
        return NULL;
    }
    return db_open(c->database);
}

static int cmd_log(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"json", no_argument, NULL, 'j'},
        {"limit", required_argument, NULL, 'n'},
        {"full-numbers", no_argument, NULL, 'F'},
        {NULL, 0, NULL, 0},
    };
    struct log_opts o = {0, 0, 0};
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
            if (opt_long(optarg, 1, 100000, "--limit", &limit) < 0)
                return 2;
            break;
        default:
            return usage_error("log");
        }
    }
    if (load_conf(conf_path, &c) < 0 || (d = open_existing_db(&c)) == NULL)
        return 1;
    db_log_each(d, (int)limit, print_log_row, &o);
    if (o.json)
        printf("%s]\n", o.n ? "\n" : "[");
    db_close(d);
    return 0;
}

static int print_status(void *arg, const struct db_modem_report *r)
{
    struct log_opts *o = arg;
    char when[32];

    iso_time(r->updated_at, when, sizeof(when));
    if (o->json) {
        printf("%s{\"modem\":", o->n ? ",\n " : "[");
        json_str(stdout, r->name);
        printf(",\"state\":\"%s\",\"connected\":%s,\"signal\":%d,\"network\":", r->state,
               strcmp(r->state, "connected") == 0 ? "true" : "false", r->signal);
        json_str(stdout, r->network);
        printf(",\"queue\":%ld,\"sent_today\":%ld,\"failed_today\":%ld,\"updated\":\"%s\","
               "\"problem\":",
               r->queued, r->sent_today, r->failed_today, when);
        json_str(stdout, r->detail);
        if (r->balance >= 0)
            printf(",\"balance\":%.2f", r->balance);
        printf(",\"broadcasts_paused\":");
        json_str(stdout, r->paused);
        printf("}");
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
        printf("%s{\"key\":", w->n ? ",\n " : "[");
        json_str(stdout, s->key);
        printf(",\"short\":");
        json_str(stdout, s->short_name);
        printf(",\"name\":");
        json_str(stdout, s->name);
        printf(",\"file\":");
        json_str(stdout, s->path);
        printf(",\"format\":");
        json_str(stdout, s->format);
        printf(",\"kind\":");
        json_str(stdout, s->kind);
        printf(",\"oldest\":");
        json_str(stdout, s->oldest);
        printf(",\"newest\":");
        json_str(stdout, s->newest);
        printf(",\"imported\":");
        json_str(stdout, s->imported_at);
        printf(",\"rows\":%ld,\"stale\":%s}", s->rows, stale ? "true" : "false");
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

static int cmd_sources(int argc, char **argv)
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
    while ((ch = getopt_long(argc, argv, "c:j", opts, NULL)) != -1) {
        switch (ch) {
        case 'c':
            conf_path = optarg;
            break;
        case 'j':
            w.json = 1;
            break;
        default:
            return usage_error("sources");
        }
    }
    if (optind < argc)
        return usage_error("sources");
    if (load_conf(conf_path, &c) < 0 || (d = open_content_db(&c)) == NULL)
        return 1;
    w.c = &c;
    w.now = time(NULL);
    rc = db_sources_each(d, print_source, &w);
    if (w.json)
        printf("%s]\n", w.n ? "\n" : "[");
    else if (w.n == 0)
        printf("no source loaded: run `remitline import`\n");
    db_close(d);
    return rc < 0 ? 1 : 0;
}

static int cmd_status(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"json", no_argument, NULL, 'j'},
        {NULL, 0, NULL, 0},
    };
    struct log_opts o = {0, 0, 0};
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
            return usage_error("status");
        }
    }
    if (load_conf(conf_path, &c) < 0 || (d = open_existing_db(&c)) == NULL)
        return 1;
    /* "Today" is the gateway's local day. */
    localtime_r(&now, &tm);
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    db_modem_reports(d, (int64_t)mktime(&tm), print_status, &o);
    if (o.json)
        printf("%s]\n", o.n ? "\n" : "[");
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
    double cost = 0;
    char ccy[16] = "", until[32];
    long rate = 0;
    int i, unlimited = 0, rc;
    db *d = open_existing_db(c);

    if (d == NULL)
        return 1;
    rc = db_alert_stats(d, id, &st);
    db_close(d);
    if (rc <= 0) {
        fprintf(stderr, "remitline: %s\n", id ? "no alert with that id" : "no alert yet");
        return 1;
    }
    for (i = 0; i < c->nmodems; i++) {
        if (c->modems[i].send_rate == 0)
            unlimited = 1;
        rate += c->modems[i].send_rate;
    }
    if (c->part_cost[0])
        sscanf(c->part_cost, "%lf %15s", &cost, ccy);
    iso_time(st.valid_until, until, sizeof(until));
    if (json) {
        printf("{\"id\":");
        json_str(stdout, st.id);
        printf(",\"topics\":");
        json_str(stdout, st.topics);
        printf(",\"recipients\":%ld,\"sent\":%ld,\"failed\":%ld,\"remaining\":%ld,"
               "\"parts\":%ld,\"parts_left\":%ld,\"valid_until\":\"%s\"",
               st.recipients, st.sent, st.failed, st.remaining, st.parts_total, st.parts_left,
               until);
        if (!unlimited && rate > 0)
            printf(",\"minutes_left\":%.1f", (double)st.remaining / (double)rate);
        if (cost > 0)
            printf(",\"estimated_cost\":%.2f,\"cost_currency\":\"%s\"",
                   cost * (double)st.parts_total, ccy);
        printf("}\n");
        return 0;
    }
    printf("alert %s (%s), valid until %s\n", st.id, st.topics, until);
    printf("recipients %ld: sent %ld, failed %ld, remaining %ld\n", st.recipients, st.sent,
           st.failed, st.remaining);
    if (isatty(STDOUT_FILENO))
        progress_bar(st.sent + st.failed, st.recipients);
    if (unlimited || rate == 0)
        printf("time left: no send limit configured\n");
    else
        printf("time left: about %.0f minutes at %ld messages a minute\n",
               (double)st.remaining / (double)rate + 0.5, rate);
    printf("SMS parts: %ld in all, %ld still to send", st.parts_total, st.parts_left);
    if (cost > 0)
        printf("; estimated cost %.2f %s", cost * (double)st.parts_total, ccy);
    printf("\n");
    return 0;
}

static int cmd_broadcast(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},   {"topic", required_argument, NULL, 't'},
        {"lang", required_argument, NULL, 'l'},     {"text", required_argument, NULL, 'x'},
        {"file", required_argument, NULL, 'f'},     {"id", required_argument, NULL, 'i'},
        {"priority", required_argument, NULL, 'p'}, {"until", required_argument, NULL, 'u'},
        {"json", no_argument, NULL, 'j'},           {NULL, 0, NULL, 0},
    };
    const char *conf_path = NULL, *lang = NULL, *text = NULL, *file = NULL, *id = NULL;
    struct conf_alert *a = calloc(1, sizeof(*a));
    struct conf_errs errs;
    struct handler_opts ho;
    handler_ctx *h = NULL;
    long recipients = 0;
    struct conf c;
    int ch, rc = 1, json = 0;
    db *d = NULL;

    if (a == NULL)
        return 1;
    a->priority = 5;
    conf_errs_init(&errs);
    while ((ch = getopt_long(argc, argv, "c:t:l:x:f:i:p:u:j", opts, NULL)) != -1) {
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
        case 'p': {
            long v;
            if (opt_long(optarg, 0, 9, "--priority (0 urgent to 9)", &v) < 0)
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
            rc = usage_error("broadcast");
            goto out;
        }
    }
    if (load_conf(conf_path, &c) < 0)
        goto out;
    if (optind < argc && strcmp(argv[optind], "status") == 0) {
        rc = broadcast_status(&c, optind + 1 < argc ? argv[optind + 1] : NULL, json);
        goto out;
    }
    if (file != NULL && strlen(file) > 5 && strcmp(file + strlen(file) - 5, ".conf") == 0) {
        if (conf_alert_read(file, a, &errs) < 0)
            goto fail;
    } else {
        char buf[1024];
        if (file != NULL) {
            FILE *fp = fopen(file, "r");
            size_t n;
            if (fp == NULL) {
                fprintf(stderr, "remitline: cannot open %s: %s\n", file, strerror(errno));
                goto out;
            }
            n = fread(buf, 1, sizeof(buf) - 1, fp);
            fclose(fp);
            buf[n] = '\0';
            while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
                buf[--n] = '\0';
            text = buf;
        }
        if (a->ntopics == 0 || text == NULL || text[0] == '\0') {
            rc = usage_error("broadcast");
            goto out;
        }
        snprintf(a->texts[0].lang, sizeof(a->texts[0].lang), "%s", lang ? lang : c.default_lang);
        snprintf(a->texts[0].text, sizeof(a->texts[0].text), "%s", text);
        a->ntexts = 1;
        if (id != NULL)
            snprintf(a->id, sizeof(a->id), "%s", id);
        else
            snprintf(a->id, sizeof(a->id), "cli-%lld-%d", (long long)time(NULL), (int)getpid());
    }
    if ((d = open_content_db(&c)) == NULL)
        goto out;
    ho.default_lang = c.default_lang;
    ho.max_parts = c.max_parts;
    ho.max_age_rates = c.max_age_rates;
    ho.max_age_fees = c.max_age_fees;
    if ((h = handler_open(d, &ho)) == NULL)
        goto out;
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

static int cmd_report(int argc, char **argv)
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
            return usage_error("report");
        }
    }
    if (load_conf(conf_path, &c) < 0 || (d = open_existing_db(&c)) == NULL)
        return 1;
    /* The columns say what is kept: counts, never numbers or texts. */
    printf("week,keyword,language,from,to,queries\n");
    db_demand_each(d, since, print_demand, NULL);
    db_close(d);
    return 0;
}

static int cmd_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("remitline %s\n", RL_VERSION);
    return 0;
}

static int cmd_help(int argc, char **argv)
{
    size_t i;

    (void)argc;
    (void)argv;
    printf("usage: remitline COMMAND [OPTIONS]\n\n");
    for (i = 0; i < NCOMMANDS; i++)
        printf("  %-8s %s\n", commands[i].name, commands[i].summary);
    printf("\nremitline COMMAND --help shows a command's options.\n");
    return 0;
}

int main(int argc, char **argv)
{
    size_t i;

    log_init(LOG_LEVEL_INFO);
    if (argc < 2) {
        cmd_help(0, NULL);
        return 2;
    }
    /* The database holds phone numbers and what they asked: what the gateway creates (database,
     * WAL, lock, the modem's files) is not for other users. `phone` plays a person texting a
     * daemon that may run as another user, who must read what it writes. */
    if (strcmp(argv[1], "phone") != 0)
        umask(027);
    for (i = 0; i < NCOMMANDS; i++) {
        if (strcmp(argv[1], commands[i].name) == 0) {
            if (argc > 2 && strcmp(argv[2], "--help") == 0) {
                printf("usage: remitline %s\n%s\n", commands[i].usage, commands[i].summary);
                return 0;
            }
            return commands[i].fn(argc - 1, argv + 1);
        }
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        return cmd_help(0, NULL);
    if (strcmp(argv[1], "--version") == 0)
        return cmd_version(0, NULL);
    fprintf(stderr, "remitline: unknown command '%s'; try 'remitline help'\n", argv[1]);
    return 2;
}
