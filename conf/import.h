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
 *   3. reads the public data files (World Bank RPW corridor averages, ECB rates);
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

struct import_stats {
    int files;     /* files read */
    int unchanged; /* files skipped because their bytes had not changed */
    long rows;     /* rows written */
    long skipped;  /* rows of public data files left out, each logged with its reason */
};

/*
 * Imports paths as described above. forced is CONF_FORMAT_UNKNOWN to detect each file's format.
 * Returns 0 when everything was applied (or, with dry_run, would have been), -1 otherwise, with
 * every problem in errs.
 */
int conf_import(db *d, const char *const *paths, int npaths, enum conf_format forced, int dry_run,
                struct conf_errs *errs, struct import_stats *st);

#endif
