/*
 * fuzz_ussd.c: libFuzzer target for the USSD request handler: an aggregator's form body (as
 * POST /ussd receives it) decoded field by field, then the menu walked for that caller's
 * inputs, on the shipped content imported once into an in-memory database.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/import.h"
#include "db/db.h"
#include "gateway/http.h"
#include "util/log.h"
#include "handlers/handler.h"
#include "handlers/ussd.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static db *fuzz_db;
static handler_ctx *fuzz_h;
static ussd_ctx *fuzz_u;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *paths[1] = {RL_CONTENT};
    struct handler_opts ho = {.default_lang = "en", .max_parts = 3};
    struct conf_errs errs;
    struct import_stats st;

    (void)argc;
    (void)argv;
    log_init(LOG_LEVEL_WARN);
    conf_errs_init(&errs);
    if ((fuzz_db = db_open(":memory:")) == NULL ||
        conf_import(fuzz_db, paths, 1, CONF_FORMAT_UNKNOWN, 0, &errs, &st) < 0 ||
        (fuzz_h = handler_open(fuzz_db, &ho)) == NULL || (fuzz_u = ussd_open(fuzz_h)) == NULL) {
        conf_errs_print(&errs, stderr);
        fprintf(stderr, "fuzz_ussd: the shipped content did not load from %s\n", RL_CONTENT);
        abort();
    }
    conf_errs_free(&errs);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char body[8192], text[1024], phone[64], session[128], lang[8];
    struct ussd_screen *s;

    if (size >= sizeof(body))
        return 0; /* the server refuses bodies past max_body long before this */
    memcpy(body, data, size);
    body[size] = '\0';
    if (gw_http_form_field(body, size, "sessionId", session, sizeof(session)) < 0 ||
        gw_http_form_field(body, size, "phoneNumber", phone, sizeof(phone)) < 1 ||
        gw_http_form_field(body, size, "text", text, sizeof(text)) < 0)
        return 0; /* answered 400 before the menu */
    /* The caller's saved language, as the server reads it from the database: any short text. */
    if (gw_http_form_field(body, size, "lang", lang, sizeof(lang)) < 1)
        lang[0] = '\0';
    if ((s = malloc(sizeof(*s))) == NULL)
        return 0;
    ussd_answer(fuzz_u, text, phone, lang, 1795000000, s);
    ussd_notice(fuzz_u, s->lang, (enum ussd_notice)(size % 3), s);
    free(s);
    return 0;
}
