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
#include "db/db.h"

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

#endif
