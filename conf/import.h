/*
 * import.h: turning content files into database rows, all or nothing.
 *
 * An import takes paths (files, or directories meaning every *.conf file in them and every *.csv
 * in their data/ folder), works out each file's format (or takes the forced one), and inside one
 * transaction:
 *   1. claims each file: a file whose bytes are unchanged since its last import is skipped,
 *      a changed one loses the rows it gave before;
 *   2. reads the libconfig content files in passes (sources and languages, countries, providers,
 *      then quotes, rates and guides), so a file may refer to what another defines;
 *   3. reads the public data files (World Bank RPW corridor averages and firm-level prices, ECB
 *      rates); in a firm-level file a malformed row is skipped and counted in import_stats,
 *      while a malformed file (missing columns, unreadable, no usable row) is an error;
 *   4. checks every cross reference.
 * Any problem is added to errs as "file:line: what is wrong", and then the transaction is rolled
 * back: the content imported before stays live. Nothing is written on success either when
 * dry_run is set (that is `remitline check`).
 */
#ifndef RL_CONF_IMPORT_H
#define RL_CONF_IMPORT_H

#include "conf/datafile.h"
#include "conf/errs.h"
#include "db/db.h"

#define IMPORT_MAX_SKIP_MSGS 20
#define IMPORT_MAX_NOTES     24

struct import_stats {
    int files;     /* files read */
    int unchanged; /* files skipped because their bytes had not changed */
    int removed;   /* files imported before from a directory imported now, and gone from it:
                    * their rows are dropped with them */
    long rows;     /* rows written */
    /* Firm-level (RPW) files: data rows read, imported and skipped, the count of skips per
     * reason (enum rpw_skip), and the first few as "file:line: reason (detail)". A skipped row
     * is not an error: the rest of the file is imported. */
    long read, imported, skipped;
    long left_out; /* corridor rows naming a country code not in countries.conf, each logged */
    long skip_why[RPW_SKIP__COUNT];
    int nskip_msgs;
    char skip_msg[IMPORT_MAX_SKIP_MSGS][200];
    /* What each public data file gave, one line each: a workbook's sheets taken or passed over
     * and why, the dates and currencies of ECB rates and the cells that had none. */
    int nnotes;
    char note[IMPORT_MAX_NOTES][240];
};

struct import_opts {
    enum conf_format forced; /* CONF_FORMAT_UNKNOWN: detect each file's format */
    int dry_run;
    /* Called now and then while a large data file is read (bytes done of total); may be NULL. */
    void (*progress)(void *arg, const char *path, long done, long total);
    void *arg;
};

/*
 * Imports paths as described above. forced is CONF_FORMAT_UNKNOWN to detect each file's format.
 * Returns 0 when everything was applied (or, with dry_run, would have been), -1 otherwise, with
 * every problem in errs.
 */
int conf_import(db *d, const char *const *paths, int npaths, enum conf_format forced, int dry_run,
                struct conf_errs *errs, struct import_stats *st);
/* The same with a progress callback. */
int conf_import_opts(db *d, const char *const *paths, int npaths, const struct import_opts *o,
                     struct conf_errs *errs, struct import_stats *st);
/* Prints the notes, then the firm-level summary (rows read, imported, skipped by reason, the
 * first skipped rows) to fp. */
void conf_import_summary(const struct import_stats *st, FILE *fp);

/* FNV-1a 64 of a file's bytes, as 16 hex digits: cheap, and enough to notice an edit. 0, or -1
 * when it cannot be read. */
int conf_file_digest(const char *path, char out[17]);

#endif
