/*
 * internal.h: what the files of db/ share (SQLite's btreeInt.h, in small). Not for other modules.
 *
 * db.c owns the handle: the connection, the statement cache, migrations and transactions. The
 * other files each keep a table of their own statements and reach the connection through these.
 */
#ifndef RL_DB_INTERNAL_H
#define RL_DB_INTERNAL_H

#include <sqlite3.h>
#include <stddef.h>
#include <time.h>

#include "db/db.h"

#define DBI_MAX_CACHED 96

struct db {
    sqlite3 *conn;
    char last_warning[160]; /* the last error logged, and when: the same one is said once a */
    time_t last_warning_at; /* minute, not once a poll (a full disk fails every write) */
    /* Statements prepared once and kept, found by the address of their SQL text. */
    struct {
        const char *sql;
        sqlite3_stmt *stmt;
    } cache[DBI_MAX_CACHED];
    int ncache;
};

/* Logs the handle's current SQLite error, unless it said the same in the last minute. */
void dbi_warn(db *d);

/* The statement for sql (a string with static storage), reset and unbound; NULL (logged). */
sqlite3_stmt *dbi_stmt(db *d, const char *sql);
/* Steps a statement to its end, ignoring rows; 0 or -1 (logged). */
int dbi_step_done(db *d, sqlite3_stmt *s);
/* After a write failed with rc (SQLITE_FULL: the disk is full), outside a transaction: checkpoint
 * the WAL so it can rewind instead of growing, see db.c. Any other rc: nothing. */
void dbi_full_checkpoint(db *d, int rc);
/* Runs SQL text with no parameters; 0 or -1 (logged). */
int dbi_exec(db *d, const char *sql);
void dbi_bind_text(sqlite3_stmt *s, int i, const char *v); /* NULL or "" binds NULL */
void dbi_col_copy(sqlite3_stmt *s, int i, char *out, size_t outsz);
/* Steps s (already bound) and writes column 0 of its rows into out, space-separated, as many
 * whole values as fit; resets s. Returns how many were written. */
int dbi_join_column(sqlite3_stmt *s, char *out, size_t outsz);
/* Runs sql (one text parameter, ?1 = key) and copies column 0 of its first row into out.
 * Returns 1 found, 0 none, -1 on error (logged). */
int dbi_text_by_key(db *d, const char *sql, const char *key, char *out, size_t outsz);
/* Runs fn inside BEGIN IMMEDIATE ... COMMIT, rolling back if it returns < 0. Returns fn's. */
int dbi_in_tx(db *d, int (*fn)(db *d, void *arg), void *arg);

#endif
