/*
 * config.h: remitline.conf, the operator's settings, read with libconfig.
 *
 * conf_defaults() fills the built-in defaults (the database at ./var/remitline.db, the shipped
 * content wherever this binary was built or installed); conf_load() reads a file over them. Every
 * setting is a row of the schema table in config.c (path, type, bounds, default, field), and a
 * key the table does not know is an error, so a typo never passes silently. Relative paths in a
 * file are taken from the file's own directory, so the file works from any directory.
 */
#ifndef RL_CONF_CONFIG_H
#define RL_CONF_CONFIG_H

#include <limits.h>
#include <stdio.h>

#include "conf/errs.h"

struct conf {
    char file[PATH_MAX];     /* the file read, "" for built-in defaults */
    char database[PATH_MAX]; /* SQLite database */
    char content[PATH_MAX];  /* content directory imported by `remitline import` with no path */
    char default_lang[8];    /* replies when the language is unclear */
    int max_parts;           /* SMS parts a reply may use */
    int log_level;           /* 0 warnings, 1 info, 2 debug */
};

void conf_defaults(struct conf *c);
/* Reads path over the defaults. Returns 0, or -1 with every problem in errs. */
int conf_load(const char *path, struct conf *c, struct conf_errs *errs);
/* Writes the shipped content directory: installed copy next to the binary, else the source. */
void conf_default_content(char *out, size_t outsz);
/* Prints the settings as a config file would hold them (for `remitline check -v`). */
void conf_print(const struct conf *c, FILE *fp);

#endif
