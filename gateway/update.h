/*
 * update.h: `remitline update`, the public data fetched when the machine is online.
 *
 * gw_update_run() takes the configured sources (conf_update: the ECB's daily and 90-day XML by
 * default, the World Bank's workbook when a URL is given) and, for each:
 *   1. fetches it over verified HTTPS into update.dir (web.h: size cap, timeout, a conditional
 *      GET with the validators of the last good copy, so an unchanged file is not fetched again);
 *   2. checks what came: the format the source promises, and a dry-run import of it alone, so a
 *      malformed or truncated body is refused with its own reason and never replaces anything;
 * then imports every file that passed in one transaction (conf_import: all or nothing; the
 * content generation it bumps makes the running daemon answer from the new data without a
 * restart), and records one attempt per source (db/updates.h). A source that failed keeps the
 * data imported before.
 */
#ifndef RL_GW_UPDATE_H
#define RL_GW_UPDATE_H

#include <stdint.h>
#include <stdio.h>

#include "conf/config.h"
#include "db/db.h"

/*
 * Runs one update of c's sources against d at time now, writing a line per source to out.
 * Returns 0 when every source was fetched and imported or found unchanged, -1 when any failed
 * or none is configured (said on out).
 */
int gw_update_run(db *d, const struct conf *c, int64_t now, FILE *out);

#endif
