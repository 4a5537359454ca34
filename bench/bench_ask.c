/*
 * bench_ask: how fast the query path answers, on the shipped content.
 *
 * Imports the shipped content into an in-memory database, then times parse_query() alone and
 * handler_answer() (parse, database, templates, GSM fitting) over a mix of realistic queries.
 * Prints the median and p99 per query and the answers per second on one core.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf/import.h"
#include "db/db.h"
#include "handlers/handler.h"
#include "handlers/lexicon.h"
#include "handlers/parse.h"
#include "util/mono.h"

static const char *const queries[] = {
    "FEE USA MEX",
    "fee us mx 300",
    "FEE FROM USA TO PHILIPPINES 200",
    "how much to send 200 dollars to mexico from usa",
    "frais france senegal 100 euros",
    "RATE USD PHP",
    "rate eur xof",
    "GUIDE PHL",
    "HELP",
    "send 500 usa->ph",
    "COSTO DE ESPAÑA A GUATEMALA",
    "magkano magpadala mula saudi papuntang pilipinas",
    "hello?",
};
#define NQ (sizeof(queries) / sizeof(queries[0]))

static double now_ns(void)
{
    return mono_s() * 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    const char *content = argc > 1 ? argv[1] : RL_CONTENT;
    int rounds = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 20000;
    struct conf_errs errs;
    struct import_stats st;
    struct handler_opts ho = {.default_lang = "en", .max_parts = 3};
    struct handler_reply reply;
    struct parse_result pr;
    double *samples, t0, total;
    lexicon *lx;
    handler_ctx *h;
    size_t i, n;
    int r;
    db *d = db_open(":memory:");

    conf_errs_init(&errs);
    if (d == NULL || conf_import(d, &content, 1, CONF_FORMAT_UNKNOWN, 0, &errs, &st) < 0) {
        conf_errs_print(&errs, stderr);
        return 1;
    }
    lx = lex_load(d);
    h = handler_open(d, &ho);
    n = (size_t)rounds * NQ;
    samples = malloc(n * sizeof(*samples));
    if (lx == NULL || h == NULL || samples == NULL)
        return 1;

    for (r = 0, i = 0; r < rounds; r++) {
        for (size_t q = 0; q < NQ; q++, i++) {
            t0 = now_ns();
            parse_query(lx, queries[q], &pr);
            samples[i] = now_ns() - t0;
        }
    }
    qsort(samples, n, sizeof(*samples), cmp_double);
    printf("parse_query:    median %.2f us, p99 %.2f us over %zu queries\n", samples[n / 2] / 1000,
           samples[n * 99 / 100] / 1000, n);

    total = now_ns();
    for (r = 0, i = 0; r < rounds / 4; r++) {
        for (size_t q = 0; q < NQ; q++, i++) {
            struct handler_query hq = {queries[q], NULL, NULL, 0, NULL};
            t0 = now_ns();
            handler_answer(h, &hq, &reply);
            samples[i] = now_ns() - t0;
        }
    }
    total = now_ns() - total;
    qsort(samples, i, sizeof(*samples), cmp_double);
    printf("handler_answer: median %.2f us, p99 %.2f us; %.0f answers/s on one core (%zu)\n",
           samples[i / 2] / 1000, samples[i * 99 / 100] / 1000, (double)i / (total / 1e9), i);
    free(samples);
    handler_close(h);
    lex_free(lx);
    db_close(d);
    conf_errs_free(&errs);
    return 0;
}
