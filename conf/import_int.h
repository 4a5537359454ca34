/*
 * import_int.h: what the files of the content import share. Not for other modules.
 *
 * conf_import_opts() (import.c) claims the files, then has each read by its kind: content files
 * in passes by import_content.c, whose keys are checked by import_check.c, and the public data
 * files (World Bank RPW, ECB) by import_data.c. All of it runs inside the one transaction that
 * import.c opens and commits or rolls back.
 */
#ifndef RL_CONF_IMPORT_INT_H
#define RL_CONF_IMPORT_INT_H

#include <libconfig.h>
#include <limits.h>
#include <stdint.h>

#include "conf/import.h"

#define IMPORT_MAX_FILES 256

/* One file of the import, as claimed. */
struct ifile {
    char path[PATH_MAX];
    enum conf_format format;
    int64_t id;
    int unchanged;
    long rows;
    config_t cfg; /* content files only, read in claim order */
    int cfg_init; /* cfg needs config_destroy() */
    int cfg_ok;
};

#define IMPORT_MAX_DIRS 4

struct importer {
    db *d;
    struct conf_errs *errs;
    struct ifile *files;
    int nfiles;
    long rows;
    long skipped;
    struct import_stats *st;
    const struct import_opts *opts;
    int price_files; /* RPW files read (firm-level or averages): live flags need recomputing */
    /* The directories named (real paths): a file imported from one before and gone from it now
     * is forgotten with its rows. */
    char dirs[IMPORT_MAX_DIRS][PATH_MAX];
    int ndirs;
};

/* ---- Checking a content file's groups (import_check.c) ---- */

enum ftype { F_STR, F_NUM, F_BOOL, F_STRLIST, F_GROUP };

struct field {
    const char *name;
    enum ftype type;
    int required;
};

/* How a value of type t is named in a message: "a number". */
const char *imp_ftype_name(enum ftype t);
/* Whether s holds a value of type t. 1 or 0. */
int imp_ftype_matches(const config_setting_t *s, enum ftype t);
/* The line of the content file s was read from. */
long imp_line_of(const config_setting_t *s);
/*
 * Checks a group against fields: unknown keys, wrong types and missing required keys are each
 * reported. Returns the number of problems.
 */
int imp_check_fields(struct importer *im, const char *file, const char *what,
                     const config_setting_t *g, const struct field *fields, int nfields);
/* The string member name of g (borrowed from the config), or NULL. */
const char *imp_get_str(const config_setting_t *g, const char *name);
/* The number member name of g into out: 1 if present and finite, else 0. */
int imp_get_num(const config_setting_t *g, const char *name, double *out);
int imp_is_upper_code(const char *s, size_t n); /* n letters A-Z */
int imp_is_lang_code(const char *s);            /* 2 or 3 letters a-z */
int imp_is_iso_date(const char *s);             /* "2026-04-13", plausible month and day */
int imp_is_period(const char *s);               /* "2020Q3" or an ISO date */
/* Resolves an ISO2 or ISO3 code to ISO2, reporting unknown ones. 0 or -1. */
int imp_want_country(struct importer *im, const char *file, long line, const char *what,
                     const char *code, char iso2[3]);
/* Finds a source defined by a 'sources' list, reporting unknown ones. 0 or -1. */
int imp_want_source(struct importer *im, const char *file, long line, const char *what,
                    const char *key, int64_t *id);
/* Records a database failure against the file being read. */
void imp_db_failed(struct importer *im, const char *file, long line, const char *what);

/* ---- Content files (import_content.c) ---- */

/* The passes over all content files: a list of pass n may use what passes before it stored. */
#define IMP_NPASSES 4

/* Parses f into f->cfg; a syntax error is reported and leaves f->cfg_ok 0. */
void imp_content_read(struct importer *im, struct ifile *f);
/* Reports top-level keys that are not a known list. */
void imp_content_check_top(struct importer *im, struct ifile *f);
/* Stores the lists of f that belong to pass. */
void imp_content_pass(struct importer *im, struct ifile *f, int pass);

/* ---- Public data files (import_data.c) ---- */

/* Stores an RPW (corridor or firm-level) or ECB file, with the source it comes from. */
void imp_data_read(struct importer *im, struct ifile *f);

#endif
