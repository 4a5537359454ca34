/*
 * hex.h: the one reader of hexadecimal digits (URL escapes in form bodies, UTF-16 hex in the
 * dummy phone's files). Nothing allocates or keeps state.
 */
#ifndef RL_HEX_H
#define RL_HEX_H

#include <stddef.h>

/* The value of one hex digit (either case), or -1 if c is not one. */
int hex_val(int c);

/*
 * Decodes the NUL-terminated hex into bytes in out[outsz]. Returns the byte count, or -1 on an
 * odd length, a character that is not a hex digit, or too little room.
 */
int hex_decode(const char *hex, unsigned char *out, size_t outsz);

#endif
