/*
 * text.h: folding text for matching. What people type and what content files say are both
 * folded the same way before they are compared, so "Sénégal", "SENEGAL" and "senegal" meet.
 *
 * Folding: lower case; Latin letters with accents lose them (e -acute -> e, sharp s -> ss);
 * apostrophes and dots vanish ("U.S.A." -> "usa", "d'Ivoire" -> "divoire"); any other ASCII
 * punctuation or white space separates words, and words are joined by one space. In Arabic,
 * Devanagari and Bengali script the spellings of one word meet: Arabic diacritics and tatweel
 * vanish, alef, yeh and ta marbuta variants (and the Urdu and Persian letters for them) become
 * one letter each, and a word loses the article written onto it (al-, bil-, wal-, lil-...);
 * nukta forms become their base letter, chandrabindu anusvara; digits of those
 * scripts become ASCII digits and their punctuation (Arabic comma, danda) separates words.
 * Zero-width joiners vanish. Other code points beyond Latin Extended-A are kept as they are;
 * invalid UTF-8 bytes are dropped.
 */
#ifndef RL_TEXT_H
#define RL_TEXT_H

#include <stddef.h>

/*
 * Folds the first inlen bytes of in (or all of it if inlen is (size_t)-1) into out,
 * NUL-terminated. Returns the folded length; output that would not fit is cut at a word.
 */
size_t text_fold(const char *in, size_t inlen, char *out, size_t outsz);

/*
 * Copies the first inlen bytes of in to out (NUL-terminated) with the digits of other scripts
 * (Arabic-Indic, Eastern Arabic-Indic, Devanagari, Bengali) as ASCII digits and the Arabic
 * decimal and thousands separators (U+066B, U+066C) as '.' and ',': an amount as text_number
 * reads it. Everything else is copied as it is. Returns the length written.
 */
size_t text_digits(const char *in, size_t inlen, char *out, size_t outsz);

/* Copies folded text with each run of one letter made single ("phillipines" -> "philipines"),
 * the second fold for typing on a keypad. Returns the length written. */
size_t text_collapse(const char *in, char *out, size_t outsz);

/*
 * Reads a number at s (len bytes) as people and operators write it: digits with '.' or ','
 * between them. With both, the last is the decimal point; one kind seen more than once groups
 * thousands, and so does one seen once before exactly three digits ("1.500", "12,345") unless
 * the whole part is 0 ("0.500"). Returns the bytes used and *out, or 0 when there is no digit.
 */
size_t text_number(const char *s, size_t len, double *out);

#endif
