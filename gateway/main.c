/*
 * main.c: the remitline command line. One binary; each subcommand is a row of the table below.
 * Every subcommand reads the same configuration (-c FILE, else the built-in defaults), so they all
 * agree on where the database and the content are.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "conf/config.h"
#include "conf/import.h"
#include "db/db.h"
#include "gateway/log.h"
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
static int cmd_version(int argc, char **argv);
static int cmd_help(int argc, char **argv);

static const struct command commands[] = {
    {"ask", cmd_ask, "ask [-c FILE] [--from NUMBER] [--lang xx] [-v] [TEXT...]",
     "answer TEXT as an SMS would be answered (no TEXT: each line of stdin)"},
    {"import", cmd_import, "import [-c FILE] [--format content|rpw-corridors|ecb] [PATH...]",
     "validate content files and apply them in one transaction (no PATH: shipped content)"},
    {"check", cmd_check, "check [-c FILE] [PATH...]",
     "validate the configuration and content; print \"configuration OK\" or each problem"},
    {"version", cmd_version, "version", "print the version"},
    {"help", cmd_help, "help", "list the subcommands"},
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

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

static int run_import(db *d, const char *const *paths, int npaths, enum conf_format format,
                      int dry_run, int quiet)
{
    struct conf_errs errs;
    struct import_stats st;
    int rc;

    conf_errs_init(&errs);
    rc = conf_import(d, paths, npaths, format, dry_run, &errs, &st);
    if (rc < 0) {
        conf_errs_print(&errs, stderr);
        fprintf(stderr, "remitline: import failed: %d problem%s; nothing was changed\n", errs.count,
                errs.count == 1 ? "" : "s");
    } else if (!quiet) {
        printf("imported %d file%s (%d unchanged), %ld rows\n", st.files, st.files == 1 ? "" : "s",
               st.unchanged, st.rows);
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

static int cmd_ask(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"from", required_argument, NULL, 'f'},
        {"lang", required_argument, NULL, 'l'},
        {"verbose", no_argument, NULL, 'v'},
        {NULL, 0, NULL, 0},
    };
    const char *conf_path = NULL, *from = NULL, *lang = NULL;
    struct handler_opts ho;
    struct handler_reply reply;
    struct handler_query q;
    handler_ctx *h = NULL;
    struct conf c;
    char *line = NULL, text[4096];
    size_t cap = 0, len = 0;
    int ch, verbose = 0, rc = 1, i;
    db *d = NULL;

    while ((ch = getopt_long(argc, argv, "c:f:l:v", opts, NULL)) != -1) {
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
        case 'v':
            verbose = 1;
            break;
        default:
            return usage_error("ask");
        }
    }
    if (load_conf(conf_path, &c) < 0)
        return 1;
    if ((d = open_content_db(&c)) == NULL)
        goto out;
    ho.default_lang = c.default_lang;
    ho.max_parts = c.max_parts;
    if ((h = handler_open(d, &ho)) == NULL)
        goto out;
    memset(&q, 0, sizeof(q));
    q.from = from;
    q.lang = lang;
    q.now = time(NULL);
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
        q.text = text;
        handler_answer(h, &q, &reply);
        puts(reply.text);
        if (verbose)
            fprintf(stderr, "lang=%s intent=%s coding=%s units=%zu parts=%d\n", reply.lang,
                    reply.intent, coding_name(reply.info.coding), reply.info.units,
                    reply.info.parts);
        rc = 0;
        goto out;
    }
    while (getline(&line, &cap, stdin) != -1) {
        size_t n = strlen(line);
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        q.text = line;
        handler_answer(h, &q, &reply);
        print_one_line(reply.text);
        if (verbose)
            fprintf(stderr, "lang=%s intent=%s coding=%s units=%zu parts=%d\n", reply.lang,
                    reply.intent, coding_name(reply.info.coding), reply.info.units,
                    reply.info.parts);
    }
    rc = 0;
out:
    free(line);
    handler_close(h);
    db_close(d);
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
            if (conf_format_parse(optarg, &format) < 0 || format == CONF_FORMAT_RPW) {
                fprintf(stderr, "remitline: unknown format '%s' (content, rpw-corridors, ecb)\n",
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
