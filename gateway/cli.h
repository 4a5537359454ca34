/*
 * cli.h: what the files of the command line share (main.c, which holds the table of
 * subcommands and dispatches, and the cli_*.c file of each family); part of the remitline
 * executable only, not of the gateway library. A subcommand's function takes argc and argv from
 * its name on and returns the exit status: 0, 1 on failure (already explained on stderr), 2 on
 * a usage error.
 */
#ifndef RL_GATEWAY_CLI_H
#define RL_GATEWAY_CLI_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/config.h"
#include "conf/import.h"
#include "db/db.h"

/* The subcommands, by family: cli_ask.c, cli_run.c, cli_log.c, cli_broadcast.c,
 * cli_operator.c, cli_modem.c. */
int cmd_ask(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_phone(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_sources(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_broadcast(int argc, char **argv);
int cmd_mutes(int argc, char **argv);
int cmd_unmute(int argc, char **argv);
int cmd_operator(int argc, char **argv);
int cmd_update(int argc, char **argv);
int cmd_modem(int argc, char **argv); /* cli_modem.c */

/*
 * Each subcommand's options are one table: the parser reads it (cli_getopt) and the help prints
 * it (remitline help CMD, CMD --help), so what is accepted and what is documented cannot drift;
 * tests/man-options.py checks docs/man/remitline.8 against the same table (`remitline help
 * --options`). A table ends with a row whose name is NULL.
 */
struct cli_opt {
    const char *name; /* the long option, without "--" */
    int val;          /* what cli_getopt returns for it */
    int is_short;     /* 1: -val (a letter) works too */
    const char *arg;  /* its argument as the help shows it ("FILE"); NULL for a flag */
    const char *help; /* one line */
};
#define CLI_OPT_CONFIG                                                                             \
    {                                                                                              \
        "config", 'c', 1, "FILE",                                                                  \
            "the configuration (default: ./var/remitline.db, the dummy phone, the shipped "        \
            "content)"                                                                             \
    }
#define CLI_OPT_END                                                                                \
    {                                                                                              \
        NULL, 0, 0, NULL, NULL                                                                     \
    }
#define CLI_MAX_OPTS 16
/* getopt_long's arrays, built from a table at the first call. */
struct cli_parser {
    struct option o[CLI_MAX_OPTS + 1];
    char shorts[2 * CLI_MAX_OPTS + 2];
    int ready;
};
/* getopt_long over table t (p zeroed by the caller before the first call). */
int cli_getopt(int argc, char **argv, const struct cli_opt *t, struct cli_parser *p);

/* The tables, in the cli_*.c file of each subcommand. */
extern const struct cli_opt cli_opts_run[], cli_opts_phone[], cli_opts_log[], cli_opts_status[],
    cli_opts_ask[], cli_opts_import[], cli_opts_sources[], cli_opts_check[], cli_opts_broadcast[],
    cli_opts_mutes[], cli_opts_number[], cli_opts_report[], cli_opts_update[], cli_opts_modem[];

/* Reads a whole number option between min and max, or says what it takes. 0 or -1. */
int cli_opt_long(const char *arg, long min, long max, const char *what, long *out);
/* Prints the usage of subcommand name on stderr; returns 2, the exit status of a usage error. */
int cli_usage_error(const char *name);
/* Loads the configuration (path NULL: the defaults) or explains what is wrong with it; sets the
 * log level. 0 or -1. */
int cli_load_conf(const char *path, struct conf *c);
/* The configured database, created (and its directory) when missing; NULL when it fails. */
db *cli_open_db(const struct conf *c);
/* The same, with content in it: on first use, the shipped content is imported. */
db *cli_open_content_db(const struct conf *c);
/* The configured database for reading what the daemon wrote: NULL, said on stderr, if none. */
db *cli_open_existing_db(const struct conf *c);
/* Imports paths in one transaction (dry_run: rolled back) with a progress bar on a terminal, and
 * prints the summary unless quiet; the problems go to stderr. 0 or -1. */
int cli_run_import(db *d, const char *const *paths, int npaths, enum conf_format format,
                   int dry_run, int quiet);
/* Prints, per source `remitline update` fetches, when its data was last refreshed and how its
 * last attempt ended (cli_update.c). */
void cli_print_refresh(db *d);
/* t (Unix seconds) as 2026-12-04T18:00:00Z in buf; returns buf. */
const char *cli_iso_time(int64_t t, char *buf, size_t bufsz);

#endif
