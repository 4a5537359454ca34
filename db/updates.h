/*
 * updates.h: the record of `remitline update`'s attempts (table update_attempt), one row per
 * source per run. gateway/update.c writes them (db_update_record) and reads the last good copy's
 * validators for a conditional GET (db_update_validators); `status`, `sources` and /metrics
 * read a summary per source (db_update_each).
 */
#ifndef RL_DB_UPDATES_H
#define RL_DB_UPDATES_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

struct db_update_attempt {
    int64_t at; /* Unix seconds */
    const char *source, *url;
    const char *result; /* "ok", "unchanged" or "failed" */
    int http_status;
    long bytes;
    const char *error;                /* failed only; NULL otherwise */
    const char *etag, *last_modified; /* ok only; NULL or "" for none */
};

/* Records one attempt. 0 or -1 (logged). */
int db_update_record(db *d, const struct db_update_attempt *a);

/* The ETag and Last-Modified of source's last good download ("ok"), "" for none. 1 found, 0
 * none, -1 on error. */
int db_update_validators(db *d, const char *source, char *etag, size_t etagsz, char *lm,
                         size_t lmsz);

struct db_update_summary {
    char source[32];
    int64_t last_attempt;       /* 0: never */
    char last_result[12];       /* of the last attempt */
    char last_error[200];       /* of the last attempt, "" unless it failed */
    int64_t last_refresh;       /* the last "ok" or "unchanged": the data was current then */
    long ok, unchanged, failed; /* attempts by result, ever */
};

/* Calls cb for each source ever attempted, by name. Returns the count, or -1. */
int db_update_each(db *d, int (*cb)(void *arg, const struct db_update_summary *s), void *arg);

#endif
