/*
 * parse_int.h: what the parser's files share. Not for other modules.
 *
 * parse_scan.c splits the text into tokens (parse_scan()), reading amounts as they are written;
 * parse.c matches the tokens against the lexicon and fills the parse_result.
 */
#ifndef RL_HANDLERS_PARSE_INT_H
#define RL_HANDLERS_PARSE_INT_H

#include "handlers/parse.h"

/* A query longer than this is cut: nobody asks a question in more words, and the cap keeps the
 * cost of a 2,000-character message bounded. */
#define MAX_TOKENS 48

struct tok {
    char folded[32];
    int start, end; /* bytes of the text the token came from */
    int unknown;    /* no word is this one or near it (so the parser need not look again) */
    int altered;    /* not as typed: a 0 read as o, or a piece of words run together */
    int is_amount;
    double amount;
    char ccy[4];
};

struct scan {
    struct tok t[MAX_TOKENS];
    int n;
    int native; /* some word is written in a script other than Latin */
};

/* Splits text into tokens: amounts as they are, other words folded (one token per word), at most
 * MAX_TOKENS. */
void parse_scan(const lexicon *lx, const char *text, struct scan *sc);

#endif
