/*
 * gsm_table.h: the generated GSM 03.38 tables, private to util/gsm.c (use util/gsm.h).
 *
 * util/gsm_table.c is written by scripts/gen-gsm-table.py from tests/fixtures/gsm0338.csv;
 * all tables are read-only and sorted by code point so gsm.c can binary-search them.
 */
#ifndef RL_GSM_TABLE_H
#define RL_GSM_TABLE_H

#include <stddef.h>
#include <stdint.h>

struct gsm_septet {
    uint32_t cp;     /* Unicode code point */
    uint8_t septets; /* 1, or 2 for the escape (extension) table */
};

struct gsm_fold {
    uint32_t cp;    /* a code point outside GSM-7 */
    const char *to; /* the GSM-7 text it folds to; "" means drop it */
};

/* Septets for U+0000..U+00FF, 0 if not in GSM-7: the fast path for Latin text. */
extern const unsigned char gsm_septets_low[256];
extern const struct gsm_septet gsm_septets[];
extern const size_t gsm_septets_len;
extern const struct gsm_fold gsm_translit[];
extern const size_t gsm_translit_len;

#endif
