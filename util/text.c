#include "util/text.h"
#include "util/utf8.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
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

/* A digit of another script (Arabic-Indic, Eastern Arabic-Indic as written in Persian and Urdu,
 * Devanagari, Bengali) as its ASCII digit, else -1. */
static int native_digit(long cp)
{
    if (cp >= 0x660 && cp <= 0x669)
        return (int)(cp - 0x660);
    if (cp >= 0x6F0 && cp <= 0x6F9)
        return (int)(cp - 0x6F0);
    if (cp >= 0x966 && cp <= 0x96F)
        return (int)(cp - 0x966);
    if (cp >= 0x9E6 && cp <= 0x9EF)
        return (int)(cp - 0x9E6);
    return -1;
}

/* Precomposed Devanagari letters with a nukta (U+0958..U+095F), as their base letters. */
static const unsigned short deva_nukta[8] = {0x915, 0x916, 0x917, 0x91C,
                                             0x921, 0x922, 0x92B, 0x92F};

/*
 * The Arabic, Devanagari and Bengali blocks: what a code point folds to. Returns the code point
 * to write, FOLD_DROP for a mark that does not change the word, or FOLD_SPACE for punctuation.
 * Spellings that mean the same word meet: Arabic diacritics and tatweel go, the alef forms
 * become bare alef, alef maqsura and the Persian and Urdu yehs yeh, ta marbuta and the Urdu hehs
 * heh, keheh kaf; Devanagari and Bengali lose the nukta and write chandrabindu as anusvara.
 */
#define FOLD_DROP  (-1)
#define FOLD_SPACE (-2)
static long fold_indic_arabic(long cp)
{
    int d = native_digit(cp);

    if (d >= 0)
        return '0' + d;
    if (cp < 0x900) {
        if ((cp >= 0x64B && cp <= 0x65F) || cp == 0x670 || cp == 0x640 ||
            (cp >= 0x6D6 && cp <= 0x6ED) || (cp >= 0x610 && cp <= 0x61A))
            return FOLD_DROP;
        switch (cp) {
        case 0x60C:
        case 0x61B:
        case 0x61F:
        case 0x6D4:
        case 0x66A:
        case 0x66B:
        case 0x66C:
            return FOLD_SPACE;
        case 0x622:
        case 0x623:
        case 0x625:
        case 0x671:
            return 0x627;
        case 0x649:
        case 0x6CC:
        case 0x6D2:
        case 0x6D3:
        case 0x626:
        case 0x6D0:
            return 0x64A;
        case 0x629:
        case 0x6C1:
        case 0x6C2:
        case 0x6BE:
        case 0x6D5:
            return 0x647;
        case 0x6A9:
        case 0x6AA:
            return 0x643;
        case 0x624:
            return 0x648;
        default:
            return cp;
        }
    }
    if (cp == 0x93C || cp == 0x9BC)
        return FOLD_DROP;
    if (cp == 0x964 || cp == 0x965)
        return FOLD_SPACE;
    if (cp == 0x901 || cp == 0x981)
        return cp + 1;
    if (cp >= 0x958 && cp <= 0x95F)
        return deva_nukta[cp - 0x958];
    switch (cp) {
    case 0x929:
        return 0x928;
    case 0x931:
        return 0x930;
    case 0x934:
        return 0x933;
    case 0x9DC:
        return 0x9A1;
    case 0x9DD:
        return 0x9A2;
    case 0x9DF:
        return 0x9AF;
    default:
        return cp;
    }
}

size_t text_digits(const char *in, size_t inlen, char *out, size_t outsz)
{
    const char *p = in, *end = in + inlen;
    size_t o = 0;

    if (outsz == 0)
        return 0;
    while (p < end && *p != '\0' && o + 1 < outsz) {
        const char *start = p;
        long cp = utf8_next(&p);
        int d;

        if (p > end)
            break;
        d = native_digit(cp);
        if (d >= 0 || cp == 0x66B || cp == 0x66C) {
            out[o++] = d >= 0 ? (char)('0' + d) : cp == 0x66B ? '.' : ',';
            continue;
        }
        if ((size_t)(p - start) >= outsz - o)
            break;
        memmove(out + o, start, (size_t)(p - start)); /* in and out may be one buffer */
        o += (size_t)(p - start);
    }
    out[o] = '\0';
    return o;
}

/* The Arabic article and the particles written onto it ("al-", "bil-", "wal-", "fal-", "kal-",
 * "lil-"), UTF-8, longest first. Folding drops them from the start of a word, so that
 * "\u0627\u0644\u0633\u0639\u0648\u062f\u064a\u0629" meets the word without the article. */
static const char *const ar_articles[] = {
    "\xd8\xa8\xd8\xa7\xd9\x84", "\xd9\x88\xd8\xa7\xd9\x84", "\xd9\x81\xd8\xa7\xd9\x84",
    "\xd9\x83\xd8\xa7\xd9\x84", "\xd9\x84\xd9\x84",         "\xd8\xa7\xd9\x84",
};

/* Drops the article from the start of each word of out (o bytes) when at least two letters
 * remain after it (three after a particle), so "\u0627\u0644\u064a" (ila, "to") keeps its
 * letters. Returns the new length. Arabic letters are two bytes in UTF-8. */
static size_t strip_articles(char *out, size_t o)
{
    size_t r = 0, w = 0;

    while (r < o) {
        size_t end = r, k;
        while (end < o && out[end] != ' ')
            end++;
        for (k = 0; k < sizeof(ar_articles) / sizeof(ar_articles[0]); k++) {
            size_t n = strlen(ar_articles[k]);
            size_t need = n == 4 ? 4 : 6; /* letters left, in bytes */
            if (end - r >= n + need && memcmp(out + r, ar_articles[k], n) == 0) {
                r += n;
                break;
            }
        }
        memmove(out + w, out + r, end - r);
        w += end - r;
        if (end < o)
            out[w++] = ' ';
        r = end + (end < o);
    }
    out[w] = '\0';
    return w;
}

size_t text_fold(const char *in, size_t inlen, char *out, size_t outsz)
{
    const char *p = in, *end, *start;
    size_t o = 0, word_start = 0;
    int pending_space = 0, arabic = 0;

    if (outsz == 0)
        return 0;
    end = in + (inlen == (size_t)-1 ? strlen(in) : inlen);
    while (p < end && *p != '\0') {
        const char *piece = NULL;
        size_t plen = 0;
        char one[1], one4[4];
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
        } else if (cp >= 0x600 && cp < 0xA00) {
            char enc[4];
            long f = fold_indic_arabic(cp);
            arabic |= cp < 0x700;
            if (f == FOLD_DROP)
                continue;
            if (f == FOLD_SPACE) {
                pending_space = (o > 0);
                continue;
            }
            plen = utf8_encode((uint32_t)f, enc);
            piece = plen ? memcpy(one4, enc, plen) : NULL;
            if (piece == NULL)
                continue;
        } else if ((cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF) {
            continue; /* zero-width (non-)joiners live inside Indic and Persian words */
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
    return arabic ? strip_articles(out, o) : o;
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
