/*
 * utf8.h: the one UTF-8 decoder (and encoder) of the program.
 *
 * Every module that reads UTF-8 byte by byte (folding, GSM 03.38, the HTTP and Kannel inputs,
 * the dummy phone's files) calls utf8_decode() or utf8_next(), so all agree on what is valid:
 * shortest forms only, no surrogates, nothing past U+10FFFF (Unicode 3.9, table 3-7).
 * Input is NUL-terminated, or at least followed by a byte that is not a continuation byte: the
 * decoder never reads past a byte that ends a sequence. Nothing allocates or keeps state.
 */
#ifndef RL_UTF8_H
#define RL_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decodes one sequence at s. Returns its length (1-4) and sets *cp; for ill-formed input
 * returns minus the length of the maximal invalid subpart (at least 1), the unit one U+FFFD
 * replaces, and leaves *cp alone.
 */
int utf8_decode(const char *s, uint32_t *cp);

/*
 * Decodes one code point at *p and advances *p past it. Returns the code point, or -1 for an
 * ill-formed sequence (then *p advances one byte, so a caller that skips bad bytes resyncs).
 */
long utf8_next(const char **p);

/* 1 if the NUL-terminated s is valid UTF-8, else 0. */
int utf8_valid(const char *s);

/* The length of the longest prefix of the NUL-terminated s of at most max bytes that ends
 * where a character (or an ill-formed unit, as utf8_decode counts it) ends: where a text too
 * long for its buffer may be cut without leaving half a character. */
size_t utf8_prefix(const char *s, size_t max);

/* Writes the UTF-8 form of cp (at most U+10FFFF, not a surrogate) into out[4]; returns its
 * length (1-4), or 0 if cp cannot be encoded. Does not NUL-terminate. */
size_t utf8_encode(uint32_t cp, char *out);

#endif
