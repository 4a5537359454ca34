/*
 * live.h: the configuration every thread answers with, as one versioned snapshot.
 *
 * The daemon's main thread owns a gw_live and replaces its configuration on SIGHUP; the modem
 * threads and the HTTP workers hold a snapshot while they answer and take the newest one before
 * the next message, so a reload reaches every door at once and no thread ever reads a
 * configuration while it is being replaced. Snapshots are immutable and counted: the old one is
 * freed when its last reader lets it go.
 *
 *   1. gw_live_new(conf)            at start (the configuration is copied);
 *   2. gw_live_acquire() / _release() around each use, from any thread;
 *      gw_live_version()            cheap: whether a held snapshot is still the newest;
 *   3. gw_live_set(conf)            on SIGHUP, from the main thread;
 *   4. gw_live_free()               after every reader has stopped.
 */
#ifndef RL_GW_LIVE_H
#define RL_GW_LIVE_H

#include "conf/config.h"

typedef struct gw_live gw_live;

/* NULL when out of memory. */
gw_live *gw_live_new(const struct conf *c);
void gw_live_free(gw_live *l);

/* Publishes a copy of c as the newest snapshot. 0, or -1 when out of memory (the old stays). */
int gw_live_set(gw_live *l, const struct conf *c);

/* The newest snapshot, to be given back with gw_live_release(); *version (may be NULL) gets its
 * version. Never NULL. */
const struct conf *gw_live_acquire(gw_live *l, unsigned *version);
void gw_live_release(gw_live *l, const struct conf *c);

/* The newest snapshot's version. */
unsigned gw_live_version(gw_live *l);

#endif
