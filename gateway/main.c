/*
 * main.c: the remitline command line. One binary; each subcommand is a row of the table below,
 * its function in the cli_*.c file of its family (cli.h). Every subcommand reads the same
 * configuration (-c FILE, else the built-in defaults), so they all agree on where the database
 * and the content are; the helpers here are that shared part.
 */
#include "gateway/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/log.h"
#include "util/mono.h"

struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *usage;
    const char *summary;
};

static int cmd_version(int argc, char **argv);
static int cmd_help(int argc, char **argv);

static const struct command commands[] = {
    {"run", cmd_run, "run [-c FILE] [-d] [--user NAME] [--http ADDR:PORT --http-token-file FILE]",
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
    {"mutes", cmd_mutes, "mutes [-c FILE] [--json] [--full-numbers]",
     "numbers the gateway does not answer now (muted, at a reply cap, operators locked out): "
     "why, and until when"},
    {"unmute", cmd_unmute, "unmute [-c FILE] NUMBER",
     "answer a muted number again (as remitline mutes --full-numbers shows it)"},
    {"operator", cmd_operator, "operator unlock [-c FILE] NUMBER",
     "lift an operator's lockout after wrong PINs or YES codes"},
    {"modem", cmd_modem,
     "modem probe [-c FILE] [--modem NAME | --device PATH [--connection at]] [--send NUMBER]",
     "open a modem without starting the gateway: what it is, and whether it can read and send "
     "SMS (exit 0 ready, 1 cannot open, 3 not ready)"},
    {"report", cmd_report, "report [-c FILE] [--since 2026-W01]",
     "demand statistics as CSV (queries by week, keyword, language and corridor; no numbers)"},
    {"version", cmd_version, "version", "print the version"},
    {"help", cmd_help, "help", "list the subcommands"},
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

/* Reads a whole number option between min and max, or says what it takes. 0 or -1. */
int cli_opt_long(const char *arg, long min, long max, const char *what, long *out)
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

int cli_usage_error(const char *name)
{
    size_t i;

    for (i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            fprintf(stderr, "usage: remitline %s\n", commands[i].usage);
    return 2;
}

/* Loads the configuration or explains what is wrong with it. */
int cli_load_conf(const char *path, struct conf *c)
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

db *cli_open_db(const struct conf *c)
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

int cli_run_import(db *d, const char *const *paths, int npaths, enum conf_format format,
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
db *cli_open_content_db(const struct conf *c)
{
    struct db_counts counts;
    const char *paths[1];
    db *d = cli_open_db(c);

    if (d == NULL)
        return NULL;
    if (db_counts_get(d, &counts) == 0 && counts.langs == 0) {
        fprintf(stderr, "remitline: %s has no content yet; importing %s\n", c->database,
                c->content);
        paths[0] = c->content;
        if (cli_run_import(d, paths, 1, CONF_FORMAT_UNKNOWN, 0, 1) < 0) {
            db_close(d);
            return NULL;
        }
    }
    return d;
}

/* Opens the configured database for reading what the daemon wrote. */
db *cli_open_existing_db(const struct conf *c)
{
    if (access(c->database, F_OK) != 0) {
        fprintf(stderr, "remitline: no database at %s yet: start `remitline run` first\n",
                c->database);
        return NULL;
    }
    return db_open(c->database);
}

const char *cli_iso_time(int64_t t, char *buf, size_t bufsz)
{
    time_t tt = (time_t)t;
    struct tm tm;

    gmtime_r(&tt, &tm);
    strftime(buf, bufsz, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
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
