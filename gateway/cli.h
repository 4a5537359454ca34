/*
 * cli.h: what the files of the command line share (main.c, which holds the table of
 * subcommands and dispatches, and the cli_*.c file of each family); part of the remitline
 * executable only, not of the gateway library. A subcommand's function takes argc and argv from
 * its name on and returns the exit status: 0, 1 on failure (already explained on stderr), 2 on
 * a usage error.
 */
#ifndef RL_GATEWAY_CLI_H
#define RL_GATEWAY_CLI_H

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
int cmd_modem(int argc, char **argv); /* cli_modem.c */

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
/* t (Unix seconds) as 2026-12-04T18:00:00Z in buf; returns buf. */
const char *cli_iso_time(int64_t t, char *buf, size_t bufsz);

#endif
