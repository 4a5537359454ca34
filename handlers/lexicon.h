/*
 * lexicon.h: every word the parser knows, in memory. Built once from the database by
 * lex_load(); read-only afterwards, so it may be shared by any number of readers.
 *
 * Entries are folded phrases (see text.h) of one to LEX_MAX_WORDS words, each tagged with what it
 * means: a keyword or other word of a kind in a language, a country, or a currency code.
 * lex_find() returns the entries for one phrase; the parser tries the longest phrase first.
 * Also here: the countries (codes, currency, calling code), the languages and the templates.
 */
#ifndef RL_LEXICON_H
#define RL_LEXICON_H

#include <stddef.h>

#include "db/db.h"

#define LEX_MAX_WORDS 5

/* Word kinds are listed in db/vocab.h (DB_KIND_*), the content schema's facts. */

enum lex_type { LEX_WORD = 0, LEX_COUNTRY = 1, LEX_CURRENCY = 2 };

struct lex_entry {
    const char *folded; /* points into the lexicon's string pool */
    unsigned char type;
    char kind[12]; /* LEX_WORD: fee, rate, from, filler, ...; else iso2, iso3, word or "" */
    char lang[4];  /* "" when the entry belongs to no language (codes, aliases) */
    char code[4];  /* LEX_COUNTRY: ISO2; LEX_CURRENCY: ISO 4217 */
    unsigned seq;  /* load order: entries of one phrase come in content-file order */
};

struct lex_country {
    char iso2[3], iso3[4], currency[4], dial[5];
    int sender; /* some live quote starts here */
};

struct lex_lang {
    char code[4];
    char decimal;
    int translit;
    /* Has templates in its own script (Arabic, Devanagari, Bengali): its plain templates are
     * then the romanised form, and so are the country names of a reply in it. */
    int native;
    char months[12][16];        /* abbreviations, January first; "" when the file gave none */
    char other_decimal_in[256]; /* ISO2 codes where it writes the other mark, space-separated */
};

typedef struct lexicon lexicon;

lexicon *lex_load(db *d);
void lex_free(lexicon *lx);

/* Entries whose phrase is exactly folded: sets *first and returns how many (0 if none). */
size_t lex_find(const lexicon *lx, const char *folded, const struct lex_entry **first);
int lex_max_words(const lexicon *lx);

/*
 * Whether words of kind count only as typed: the consent words (stop, start, join, leave), which
 * end or resume messages to a number. A guess there ("shop", "quite", "also" taken for STOP, QUIT,
 * ALTO; "quite" for QUITTER) silences a person who asked a question, so no near match,
 * run-together split, collapsed letter or 0 read as o ever reaches them (lex_find_fuzzy never
 * lands on them; a phrase it finds may still carry them, and the parser drops those).
 */
int lex_exact_kind(const char *kind);

/* Edits a word of len letters may be off by: 0 under 4 letters, 1 up to 7, then 2. */
int lex_fuzzy_bound(size_t len);
/*
 * The entries of the known phrase nearest to folded (Damerau-Levenshtein, within
 * lex_fuzzy_bound, the same number of words; codes, filler and consent words are never guessed).
 * Returns their count as lex_find does, 0 if nothing is near enough. *tie (may be NULL) gets
 * another phrase just as near, or NULL: the caller decides whether the two mean different things.
 */
size_t lex_find_fuzzy(const lexicon *lx, const char *folded, const struct lex_entry **first,
                      const char **tie);

/* The one country whose currency code is ccy (BRL: BR), or NULL when none or several (EUR). */
const char *lex_country_of_currency(const lexicon *lx, const char *ccy);

/* Whether lang is spoken in iso2 (its content file says so). */
int lex_spoken_in(const lexicon *lx, const char *lang, const char *iso2);

/* Whether iso2 is a sending country: the origin of some live quote. */
int lex_is_sender(const lexicon *lx, const char *iso2);

const struct lex_country *lex_country(const lexicon *lx, const char *iso2);
/* The country of an international number ("+1876...", "00771..."): the longest match over the
 * countries' calling codes and the numbering prefixes (migration 010); a prefix settles a code
 * that countries share. NULL for a national number, an unknown code, a code shared with no
 * prefix to settle it, or a prefix of a country the content does not define. */
const struct lex_country *lex_country_by_number(const lexicon *lx, const char *number);
int lex_is_currency(const lexicon *lx, const char *code);

const struct lex_lang *lex_lang(const lexicon *lx, const char *code);
/* The i-th language (0-based), for indexing per-language tables; NULL past the last. */
const struct lex_lang *lex_lang_at(const lexicon *lx, int i);
int lex_nlangs(const lexicon *lx);

/* Template text for (lang, name), falling back to English; NULL if neither exists. */
const char *lex_template(const lexicon *lx, const char *lang, const char *name);
/* The same, in the language's own script when native is non-zero and the language has that
 * template in it (its `native` group), else as lex_template. */
const char *lex_template_in(const lexicon *lx, const char *lang, const char *name, int native);

#endif
