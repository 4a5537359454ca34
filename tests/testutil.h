/*
 * testutil.h: helpers the CMocka tests share. Header-only, static inline, so each test program
 * takes what it uses.
 */
#ifndef RL_TESTUTIL_H
#define RL_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf/import.h"
#include "db/alerts.h"
#include "db/db.h"
#include "db/queue.h"

/* The shipped language files and the synthetic world, for handler and parser tests. */
#define TEST_LANGS                                                                                 \
    RL_CONTENT "/lang-en.conf", RL_CONTENT "/lang-fr.conf", RL_CONTENT "/lang-es.conf",            \
        RL_CONTENT "/lang-pt.conf", RL_CONTENT "/lang-tl.conf"
#define TEST_WORLD RL_FIXTURES "/content/world.conf"

/* An in-memory database with paths imported; fails the test if the import does. */
static inline db *test_db(const char *const *paths, int npaths)
{
    struct conf_errs errs;
    struct import_stats st;
    db *d = db_open(":memory:");

    assert_non_null(d);
    conf_errs_init(&errs);
    if (conf_import(d, paths, npaths, CONF_FORMAT_UNKNOWN, 0, &errs, &st) != 0) {
        conf_errs_print(&errs, stderr);
        fail_msg("test content did not import");
    }
    conf_errs_free(&errs);
    return d;
}

static inline db *test_world_db(void)
{
    static const char *const paths[] = {TEST_LANGS, TEST_WORLD};
    return test_db(paths, (int)(sizeof(paths) / sizeof(paths[0])));
}

/* Writes text to a fresh file under /tmp and returns its path (static buffer per call site). */
static inline void test_write_file(char *path, size_t pathsz, const char *name, const char *text)
{
    FILE *fp;

    snprintf(path, pathsz, "/tmp/remitline-test-%ld-%s", (long)getpid(), name);
    fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

/* Whether errs holds a message containing needle. */
static inline int test_errs_have(const struct conf_errs *e, const char *needle)
{
    int i;

    for (i = 0; i < e->nmsg; i++)
        if (strstr(e->msg[i], needle) != NULL)
            return 1;
    return 0;
}

/* The oldest message waiting for an answer, without taking it (claimed in a transaction that is
 * rolled back): 1 and *row, 0, -1. */
static inline int test_inbox_next(db *d, struct db_inbox_row *row)
{
    int rc;

    if (db_begin(d) < 0)
        return -1;
    rc = db_inbox_claim(d, 0, row);
    db_rollback(d);
    return rc;
}

/* Answers message id as the answer service records an answer (consent, state, reply), in one
 * transaction: 1, 0 when it was answered already, -1. */
static inline int test_inbox_answer(db *d, int64_t id, const char *lang, const char *intent,
                                    const struct db_consent *consent,
                                    const struct db_out_sms *reply, int64_t now, int64_t *out_id)
{
    int rc;

    if (db_begin(d) < 0)
        return -1;
    rc = db_inbox_finish(d, id, reply != NULL, lang, intent, now);
    if (rc == 1 && consent != NULL && db_consent_apply(d, consent) < 0)
        rc = -1;
    if (rc == 1 && reply != NULL && db_outbox_reply(d, id, reply, NULL, now, out_id) < 0)
        rc = -1;
    if (rc < 0) {
        db_rollback(d);
        return -1;
    }
    return db_commit(d) < 0 ? -1 : rc;
}

#endif
