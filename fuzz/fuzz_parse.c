/*
 * fuzz_parse.c: libFuzzer target for parse_query(), the first thing every SMS meets. The lexicon
 * is the shipped content, imported once into an in-memory database; each input is one message
 * text (NUL-terminated copy, as the daemon passes it). parse_amount() gets each input too.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/import.h"
#include "db/db.h"
#include "util/log.h"
#include "handlers/lexicon.h"
#include "handlers/parse.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static db *fuzz_db;
static lexicon *fuzz_lx;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *paths[1] = {RL_CONTENT};
    struct conf_errs errs;
    struct import_stats st;

    (void)argc;
    (void)argv;
    log_init(LOG_LEVEL_WARN);
    conf_errs_init(&errs);
    if ((fuzz_db = db_open(":memory:")) == NULL ||
        conf_import(fuzz_db, paths, 1, CONF_FORMAT_UNKNOWN, 0, &errs, &st) < 0 ||
        (fuzz_lx = lex_load(fuzz_db)) == NULL) {
        conf_errs_print(&errs, stderr);
        fprintf(stderr, "fuzz_parse: the shipped content did not load from %s\n", RL_CONTENT);
        abort();
    }
    conf_errs_free(&errs);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct parse_result r;
    char text[4096], ccy[4];
    double amount;

    if (size >= sizeof(text))
        return 0; /* an SMS the daemon stores is at most DB_TEXT_MAX bytes */
    memcpy(text, data, size);
    text[size] = '\0';
    parse_query(fuzz_lx, text, &r);
    parse_amount(fuzz_lx, text, &amount, ccy);
    return 0;
}
