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
    const struct cli_opt *opts; /* what the subcommand's parser reads: cli.h */
    const char *operands;       /* what follows the options */
    const char *summary;
    const char *example;
};

static int cmd_version(int argc, char **argv);
static int cmd_help(int argc, char **argv);

static const struct cli_opt no_opts[] = {CLI_OPT_END};

static const struct command commands[] = {
    {"run", cmd_run, cli_opts_run, "",
     "run the gateway: read SMS from the modems, answer, send; with --http also serve USSD, "
     "Kannel, /healthz and /metrics",
     "remitline run --http 127.0.0.1:8080 --http-token-file token"},
    {"phone", cmd_phone, cli_opts_phone, "NUMBER TEXT...",
     "play a phone: text the running gateway through the dummy phone and print its reply (exit "
     "0 answered, 3 the gateway chose silence, 1 no reply in time)",
     "remitline phone +639171234567 \"FEE USA PHL 200\""},
    {"log", cmd_log, cli_opts_log, "", "recent messages in and out, with their state",
     "remitline log --limit 5"},
    {"status", cmd_status, cli_opts_status, "",
     "each modem: connected, signal, network, queue, sent and failed today", "remitline status"},
    {"ask", cmd_ask, cli_opts_ask, "[TEXT...]",
     "answer TEXT as an SMS would be answered (no TEXT: each line of stdin); --from: as from "
     "that number, changing nothing it saved unless --save",
     "remitline ask --from +14155550100 \"FEE PHILIPPINES\""},
    {"import", cmd_import, cli_opts_import, "[PATH...]",
     "validate content files and apply them in one transaction (no PATH: shipped content)",
     "remitline import conf/content/quotes.conf"},
    {"update", cmd_update, cli_opts_update, "",
     "fetch the configured public data (ECB rates, the World Bank's workbook) over verified "
     "HTTPS and import it; on failure the data imported before is kept",
     "remitline update -c /etc/remitline/remitline.conf"},
    {"sources", cmd_sources, cli_opts_sources, "",
     "every loaded source: its file, the dates of its data, its rows, and whether it is old",
     "remitline sources --json"},
    {"check", cmd_check, cli_opts_check, "[PATH...]",
     "validate the configuration, content and alert files (not queued); print \"configuration "
     "OK\" or each problem",
     "remitline check -c /etc/remitline/remitline.conf"},
    {"broadcast", cmd_broadcast, cli_opts_broadcast, "| broadcast status [ID]",
     "queue an alert for everyone who follows a topic (exit 3 when nobody does: nothing is "
     "queued), or show how far one has gone",
     "remitline broadcast --topic PH --id typhoon-1 --text \"Typhoon: offices closed today\""},
    {"mutes", cmd_mutes, cli_opts_mutes, "",
     "numbers the gateway does not answer now (muted, at a reply cap, operators locked out): "
     "why, and until when",
     "remitline mutes --full-numbers"},
    {"unmute", cmd_unmute, cli_opts_number, "NUMBER",
     "answer a muted number again (as remitline mutes --full-numbers shows it)",
     "remitline unmute +639171234567"},
    {"operator", cmd_operator, cli_opts_number, "unlock NUMBER",
     "lift an operator's lockout after wrong PINs or YES codes",
     "remitline operator unlock +639171230000"},
    {"modem", cmd_modem, cli_opts_modem, "probe",
     "open a modem without starting the gateway: what it is, and whether it can read and send "
     "SMS (exit 0 ready, 1 cannot open, 3 not ready)",
     "remitline modem probe --device /dev/serial/by-id/usb-HUAWEI-if00-port0"},
    {"report", cmd_report, cli_opts_report, "",
     "demand statistics as CSV (queries by week, keyword, language and corridor; no numbers), "
     "or with --html as one self-contained page of charts",
     "remitline report --since 2026-W01 >demand.csv"},
    {"version", cmd_version, no_opts, "", "print the version", "remitline version"},
    {"help", cmd_help, no_opts, "[COMMAND | --options]",
     "list the subcommands, or one's options and an example", "remitline help phone"},
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

static const struct command *command_find(const char *name)
{
    size_t i;

    for (i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

/* "usage: remitline ask [--config FILE] [--from NUMBER] ... [TEXT...]", from the table. */
static void print_usage(FILE *f, const struct command *cmd)
{
    const struct cli_opt *o;

    fprintf(f, "usage: remitline %s", cmd->name);
    for (o = cmd->opts; o->name != NULL; o++)
        fprintf(f, " [--%s%s%s]", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
    fprintf(f, "%s%s\n", cmd->operands[0] ? " " : "", cmd->operands);
}

/* Usage, summary, one line an option, and the example: remitline help CMD, CMD --help. */
static void print_command_help(const struct command *cmd)
{
    const struct cli_opt *o;
    char left[64];

    print_usage(stdout, cmd);
    printf("%s\n", cmd->summary);
    if (cmd->opts[0].name != NULL)
        printf("\noptions:\n");
    for (o = cmd->opts; o->name != NULL; o++) {
        char shortname[8] = "    ";
        if (o->is_short)
            snprintf(shortname, sizeof(shortname), "-%c, ", o->val);
        snprintf(left, sizeof(left), "%s--%s%s%s", shortname, o->name, o->arg ? " " : "",
                 o->arg ? o->arg : "");
        printf("  %-28s %s\n", left, o->help);
    }
    printf("\nexample:\n  %s\n", cmd->example);
}

int cli_usage_error(const char *name)
{
    const struct command *cmd = command_find(name);

    if (cmd != NULL) {
        print_usage(stderr, cmd);
        fprintf(stderr, "remitline help %s shows what each option does\n", name);
    }
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
        if (st.removed > 0)
            printf("forgot %d file%s no longer in the directory, with their rows\n", st.removed,
                   st.removed == 1 ? "" : "s");
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
    const struct command *cmd;
    const struct cli_opt *o;
    size_t i;

    if (argc > 1 && strcmp(argv[1], "--options") == 0) {
        /* For tests/man-options.py: "COMMAND --option" a line, from the parsers' tables. */
        for (i = 0; i < NCOMMANDS; i++)
            for (o = commands[i].opts; o->name != NULL; o++)
                printf("%s --%s\n", commands[i].name, o->name);
        return 0;
    }
    if (argc > 1) {
        if ((cmd = command_find(argv[1])) == NULL) {
            fprintf(stderr, "remitline: no command '%s'; remitline help lists them\n", argv[1]);
            return 2;
        }
        print_command_help(cmd);
        return 0;
    }
    printf("usage: remitline COMMAND [OPTIONS]\n\n");
    for (i = 0; i < NCOMMANDS; i++)
        printf("  %-9s %s\n", commands[i].name, commands[i].summary);
    printf("\nremitline help COMMAND (or COMMAND --help) shows its options and an example.\n");
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
            if (argc > 2 && (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0)) {
                print_command_help(&commands[i]);
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
