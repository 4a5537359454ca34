/*
 * parse.h: from what a person typed to what they asked. Pure: text and lexicon in, slots out.
 *
 * parse_query() splits the text into tokens (amounts keep their separators and currency signs:
 * "$200", "200usd", "1.500,00"), folds each, and matches the longest phrases against the
 * lexicon: keywords, direction words (from/to before a place, from_post/to_post after it: "from
 * doha", "doha bata"), filler words, countries and currency codes.
 * Two-letter country codes that are also common words ("to", "de", "it", "sa") are taken as
 * words first, and as countries only when the query lacks a country otherwise.
 *
 * What is not found exactly is looked for as people mistype it: doubled letters made single,
 * then the nearest known phrase within an edit distance that grows with its length (see
 * lex_find_fuzzy), then, for a word nothing is near, words run together ("feeusamex"). A '0'
 * inside a word is an 'o'.
 *
 * Consent words (STOP, START and each language's: lex_exact_kind) are never guessed: they count
 * only as typed (any case, accents, punctuation around them), as the whole message or the first
 * word of a short one (PARSE_SHORT_WORDS words, filler words such as "please" or "po" not
 * counted), and not when the message also names a place, an amount or two currencies ("stop fee
 * usa mex"). Anywhere else such a word is an unknown word, and the message is read without it.
 */
#ifndef RL_PARSE_H
#define RL_PARSE_H

#include "handlers/lexicon.h"

#define PARSE_MAX_COUNTRIES  4
#define PARSE_MAX_CURRENCIES 4
#define PARSE_MAX_REST       8
#define PARSE_MAX_CHOICES    4
/* A short message, where a consent word (STOP, START) or MY counts: this many words but filler. */
#define PARSE_SHORT_WORDS 3

enum parse_role { ROLE_NONE = 0, ROLE_FROM = 1, ROLE_TO = 2 };

struct parse_result {
    char intent[12]; /* kind of the first keyword found, "" if none */
    int intent_at;   /* its token position: 0 when the message starts with it */
    int intent_lead; /* the intent is the first word but filler of a short message */
    char lang[4];    /* the language the words were written in, "" if unclear */
    int ncountries;
    char country[PARSE_MAX_COUNTRIES][3]; /* ISO2, in the order typed */
    int role[PARSE_MAX_COUNTRIES];        /* enum parse_role */
    int ncurrencies;
    char currency[PARSE_MAX_CURRENCIES][4]; /* ISO 4217, in the order typed */
    int nmoney;
    char money[PARSE_MAX_CURRENCIES][4]; /* currencies and countries' currencies, as typed */
    int has_amount;
    int amount_too_large; /* over PARSE_AMOUNT_MAX (or not a finite number): no price for it */
    double amount;
    char amount_ccy[4];           /* "" when the amount came without a currency */
    int amount_negative;          /* a minus sign before it ("-50"): no price for it either */
    int amount_start, amount_end; /* the bytes of the text that gave the amount */
    int nrest;
    char rest[PARSE_MAX_REST][32]; /* folded words that matched nothing, for topics */
    int tokens;                    /* tokens seen */
    int trend;                     /* a "trend" word: the history, not today's price */
    int native; /* some word is in a script other than Latin: reply in it where content can */
    char target_lang[4]; /* a language named ("LANG FR", "idioma español"), or "" */
    char asked_lang[4]; /* after LANG, a two-letter code that is no language we have ("DE") */
    /* A place word that may mean several countries ("congo", or a typo equally near two names):
     * the candidates, best guess first (the one in country[]), and the bytes of the text that
     * named them, so a choice can rewrite the query. nchoices is 0 or at least 2. */
    int nchoices;
    char choice[PARSE_MAX_CHOICES][3];
    int choice_start, choice_end;
};

/* Fills out; returns 0. Never fails: text that means nothing gives an empty intent. */
int parse_query(const lexicon *lx, const char *text, struct parse_result *out);

/*
 * Reads an amount token: digits with '.' or ',' as thousands or decimal separators, an optional
 * k (thousands), and a currency sign or code before or after ("$200", "200usd", "EUR50",
 * "1.500,00"). Returns 1 with *amount and ccy ("" if none), 0 if the token is not an amount.
 */
int parse_amount(const lexicon *lx, const char *token, double *amount, char ccy[4]);

/* The largest amount FEE and RATE price, in any currency: ten billion is more than any one
 * transfer in the weakest currency (about USD 110,000 in Lebanese pounds); past it a reply
 * would print a number of hundreds of digits, so the sender is asked for a real amount. */
#define PARSE_AMOUNT_MAX 1e10

#endif
