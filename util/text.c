#include "util/text.h"
#include "util/utf8.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ASCII spelling of U+00C0..U+017F (Latin-1 letters and Latin Extended-A), from Unicode's
 * canonical decompositions with the marks dropped; "" marks a non-letter (x, division). */
static const char *const fold_latin[0x180 - 0xC0] = {
    "a", "a", "a",  "a",  "a", "a", "ae", "c",  "e",  "e", "e", "e", "i",  "i",  "i", "i", "d", "n",
    "o", "o", "o",  "o",  "o", "",  "o",  "u",  "u",  "u", "u", "y", "th", "ss", "a", "a", "a", "a",
    "a", "a", "ae", "c",  "e", "e", "e",  "e",  "i",  "i", "i", "i", "d",  "n",  "o", "o", "o", "o",
    "o", "",  "o",  "u",  "u", "u", "u",  "y",  "th", "y", "a", "a", "a",  "a",  "a", "a", "c", "c",
    "c", "c", "c",  "c",  "c", "c", "d",  "d",  "d",  "d", "e", "e", "e",  "e",  "e", "e", "e", "e",
    "e", "e", "g",  "g",  "g", "g", "g",  "g",  "g",  "g", "h", "h", "h",  "h",  "i", "i", "i", "i",
    "i", "i", "i",  "i",  "i", "i", "ij", "ij", "j",  "j", "k", "k", "k",  "l",  "l", "l", "l", "l",
    "l", "l", "l",  "l",  "l", "n", "n",  "n",  "n",  "n", "n", "n", "n",  "n",  "o", "o", "o", "o",
    "o", "o", "oe", "oe", "r", "r", "r",  "r",  "r",  "r", "s", "s", "s",  "s",  "s", "s", "s", "s",
    "t", "t", "t",  "t",  "t", "t", "u",  "u",  "u",  "u", "u", "u", "u",  "u",  "u", "u", "u", "u",
    "w", "w", "y",  "y",  "y", "z", "z",  "z",  "z",  "z", "z", "s",
};

size_t text_fold(const char *in, size_t inlen, char *out, size_t outsz)
{
    const char *p = in, *end, *start;
    size_t o = 0, word_start = 0;
    int pending_space = 0;

    if (outsz == 0)
        return 0;
    end = in + (inlen == (size_t)-1 ? strlen(in) : inlen);
    while (p < end && *p != '\0') {
        const char *piece = NULL;
        size_t plen = 0;
        char one[1];
        long cp;

        start = p;
        cp = utf8_next(&p);
        if (p > end)
            break;
        if (cp < 0)
            continue;
        if (cp == '\'' || cp == '.' || cp == 0x2019 || cp == 0x2018 || cp == 0xB4 || cp == '`')
            continue;
        if (cp < 0x80) {
            if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
                one[0] = (char)cp;
            } else if (cp >= 'A' && cp <= 'Z') {
                one[0] = (char)(cp - 'A' + 'a');
            } else {
                pending_space = (o > 0);
                continue;
            }
            piece = one;
            plen = 1;
        } else if (cp >= 0xC0 && cp < 0x180) {
            piece = fold_latin[cp - 0xC0];
            plen = strlen(piece);
            if (plen == 0) {
                pending_space = (o > 0);
                continue;
            }
        } else if (cp == 0xA0 || (cp >= 0x2000 && cp <= 0x206F) || cp == 0x3000) {
            /* No-break space, general punctuation (dashes, quotes), ideographic space. */
            pending_space = (o > 0);
            continue;
        } else {
            piece = start;
            plen = (size_t)(p - start);
        }
        if (pending_space) {
            if (o + 1 >= outsz)
                break;
            out[o++] = ' ';
            word_start = o;
            pending_space = 0;
        }
        if (o + plen >= outsz) {
            o = word_start > 0 ? word_start - 1 : 0; /* cut at the last whole word */
            break;
        }
        memcpy(out + o, piece, plen);
        o += plen;
    }
    out[o] = '\0';
    return o;
}

size_t text_collapse(const char *in, char *out, size_t outsz)
{
    size_t o = 0;

    if (outsz == 0)
        return 0;
    for (; *in && o + 1 < outsz; in++)
        if (o == 0 || *in != out[o - 1] || !((*in >= 'a' && *in <= 'z')))
            out[o++] = *in;
    out[o] = '\0';
    return o;
}

size_t text_number(const char *s, size_t len, double *out)
{
    char digits[40];
    size_t i = 0, nd = 0, ndots = 0, ncommas = 0, last_sep = 0, after_last = 0;
    int saw_digit = 0, zero;
    char *end;
    double v;

    while (i < len && (isdigit((unsigned char)s[i]) || s[i] == '.' || s[i] == ',')) {
        if (isdigit((unsigned char)s[i])) {
            saw_digit = 1;
            after_last++;
        } else {
            if (!saw_digit || i + 1 >= len || !isdigit((unsigned char)s[i + 1]))
                break;
            if (s[i] == '.')
                ndots++;
            else
                ncommas++;
            last_sep = i;
            after_last = 0;
        }
        i++;
    }
    if (!saw_digit)
        return 0;
    zero = ndots + ncommas == 1 && last_sep == 1 && s[0] == '0';
    for (size_t k = 0; k < i && nd + 1 < sizeof(digits); k++) {
        char c = s[k];
        if (isdigit((unsigned char)c))
            digits[nd++] = c;
        else if (k == last_sep && ((ndots && ncommas) || ((c == '.' ? ndots : ncommas) == 1 &&
                                                          (after_last != 3 || zero))))
            digits[nd++] = '.';
    }
    digits[nd] = '\0';
    v = strtod(digits, &end);
    if (*end != '\0' || !isfinite(v))
        return 0;
    *out = v;
    return i;
}
