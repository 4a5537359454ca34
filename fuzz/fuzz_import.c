/*
 * fuzz_import.c: libFuzzer target for conf_import(), the all-or-nothing content importer. The
 * first byte of an input picks the forced format (libconfig content, World Bank RPW corridor
 * averages, ECB rates, RPW firm-level CSV); the rest is written to a file and imported into an
 * in-memory database opened once, with the shipped languages and countries already in it, so a
 * fuzzed file can refer to what real content defines.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "conf/import.h"
#include "db/db.h"
#include "fuzz/fuzz_util.h"
#include "util/log.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static db *fuzz_db;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *paths[2] = {RL_CONTENT "/lang-en.conf", RL_CONTENT "/countries.conf"};
    struct conf_errs errs;
    struct import_stats st;

    (void)argc;
    (void)argv;
    log_init(LOG_LEVEL_WARN);
    conf_errs_init(&errs);
    if ((fuzz_db = db_open(":memory:")) == NULL ||
        conf_import(fuzz_db, paths, 2, CONF_FORMAT_UNKNOWN, 0, &errs, &st) < 0) {
        conf_errs_print(&errs, stderr);
        fprintf(stderr, "fuzz_import: the shipped content did not load from %s\n", RL_CONTENT);
        abort();
    }
    conf_errs_free(&errs);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const enum conf_format formats[] = {CONF_FORMAT_CONTENT, CONF_FORMAT_RPW_CORRIDORS,
                                               CONF_FORMAT_ECB, CONF_FORMAT_RPW};
    static const char *const suffix[] = {".conf", ".csv", ".csv", ".csv"};
    struct conf_errs errs;
    struct import_stats st;
    char path[512];
    const char *paths[1] = {path};
    int f;

    if (size < 1 || size > 256 * 1024)
        return 0;
    f = data[0] % 4;
    if (fuzz_temp_file(data + 1, size - 1, suffix[f], path, sizeof(path)) < 0)
        return 0;
    conf_errs_init(&errs);
    conf_import(fuzz_db, paths, 1, formats[f], 0, &errs, &st);
    conf_errs_free(&errs);
    unlink(path);
    return 0;
}
