#include "util/gsm.h"
#include "util/gsm_table.h"
#include "util/utf8.h"

#include <assert.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

/*
 * Parts are filled greedily, a character never straddling two of them: that is what a phone or
 * SMSC does with an escape pair or a surrogate pair that would cross a part boundary, and it is
 * why the part count is not simply ceil(units / 153).
 */
struct pack {
    size_t total; /* units in the whole text */
    size_t fill;  /* units in the current part */
    int parts;    /* concatenated parts so far, the current one included */
};

#define PACK_INIT                                                                                  \
    {                                                                                              \
        0, 0, 1                                                                                    \
    }

/* Adds a character of w units; returns 1 if it had to start a new part. */
static int pack_add(struct pack *p, unsigned w, size_t part_cap)
{
    p->total += w;
    if (p->fill + w > part_cap) {
        p->parts++;
        p->fill = w;
        return 1;
    }
    p->fill += w;
    return 0;
}

static int pack_parts(const struct pack *p, size_t single_cap)
{
    if (p->total == 0)
        return 0;
    return p->total <= single_cap ? 1 : p->parts;
}

/* Septets a code point costs in GSM-7, 0 if it is not in the alphabet. */
static unsigned septets_of(uint32_t cp)
{
    size_t lo = 0, hi = gsm_septets_len;

    if (cp < 256)
        return gsm_septets_low[cp];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (gsm_septets[mid].cp < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < gsm_septets_len && gsm_septets[lo].cp == cp ? gsm_septets[lo].septets : 0;
}

/* The GSM-7 text a code point outside GSM-7 folds to, or NULL if it has none. */
static const char *fold_of(uint32_t cp)
{
    size_t lo = 0, hi = gsm_translit_len;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (gsm_translit[mid].cp < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < gsm_translit_len && gsm_translit[lo].cp == cp ? gsm_translit[lo].to : NULL;
}

static unsigned utf16_units(uint32_t cp)
{
    return cp > 0xFFFF ? 2 : 1;
}

/*
 * Measures text; with strict, ill-formed UTF-8 fails, else each invalid subpart counts as one
 * character outside GSM-7 (as U+FFFD would).
 */
static int measure(const unsigned char *s, int strict, struct gsm_info *out)
{
    struct pack g = PACK_INIT, u = PACK_INIT;
    size_t chars = 0;
    int gsm7 = 1;

    /*
     * Most replies are GSM-7, so only the GSM-7 packing runs until a character outside it turns
     * up. The prefix before it is all GSM-7, hence all one UTF-16 unit a character, and its UCS-2
     * packing is plain arithmetic.
     */
    while (*s) {
        uint32_t cp;
        int n = *s < 0x80 ? (cp = *s, 1) : utf8_decode((const char *)s, &cp);
        unsigned w;

        if (n < 0) {
            if (strict)
                return -1;
            cp = 0xFFFD;
            n = -n;
        }
        s += n;
        if (gsm7) {
            w = septets_of(cp);
            if (w != 0) {
                chars++;
                pack_add(&g, w, GSM_PART_SEPTETS);
                continue;
            }
            gsm7 = 0;
            if (chars > 0) {
                u.total = chars;
                u.parts = (int)((chars + GSM_PART_UNITS - 1) / GSM_PART_UNITS);
                u.fill = chars - (size_t)(u.parts - 1) * GSM_PART_UNITS;
            }
        }
        chars++;
        pack_add(&u, utf16_units(cp), GSM_PART_UNITS);
    }
    out->chars = chars;
    if (gsm7) {
        out->coding = GSM_CODING_GSM7;
        out->units = g.total;
        out->parts = pack_parts(&g, GSM_SINGLE_SEPTETS);
    } else {
        out->coding = GSM_CODING_UCS2;
        out->units = u.total;
        out->parts = pack_parts(&u, GSM_SINGLE_UNITS);
    }
    return 0;
}

int gsm_measure(const char *utf8, struct gsm_info *out)
{
    assert(utf8 != NULL && out != NULL);
    return measure((const unsigned char *)utf8, 1, out);
}

static int is_control(uint32_t cp)
{
    return (cp < 0x20 && cp != '\n') || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F);
}

int gsm_prepare(const char *in, int translit, char *out, size_t outsz)
{
    const unsigned char *s = (const unsigned char *)in;
    /* Room for the NUL, and a length that an int can return. */
    size_t cap = outsz > (size_t)INT_MAX ? (size_t)INT_MAX + 1 : outsz;
    size_t o = 0;
    int rc = -1;

    assert(in != NULL && out != NULL);
    if (outsz == 0)
        return -1;
    while (*s) {
        const char *rep = (const char *)s;
        uint32_t cp;
        int n = *s < 0x80 ? (cp = *s, 1) : utf8_decode((const char *)s, &cp);
        size_t rlen;

        if (n < 0) {
            rep = "?";
            n = -n;
        } else if (cp == '\r' && s[1] == '\n') {
            rep = ""; /* the '\n' follows */
        } else if (cp == '\t' || cp == '\r') {
            rep = " ";
        } else if (is_control(cp)) {
            rep = "";
        } else if (translit && septets_of(cp) == 0) {
            const char *to = fold_of(cp);
            if (to != NULL)
                rep = to;
        }
        rlen = rep == (const char *)s ? (size_t)n : strlen(rep);
        if (rlen >= cap - o)
            goto out;
        memcpy(out + o, rep, rlen);
        o += rlen;
        s += n;
    }
    rc = (int)o;
out:
    out[o] = '\0';
    return rc;
}

/* Would the text packed so far, plus "...", fit in max_parts? */
static int fits_with_dots(const struct pack *p, size_t single_cap, size_t part_cap, int max_parts)
{
    struct pack q = *p;

    for (int i = 0; i < 3; i++)
        pack_add(&q, 1, part_cap);
    return pack_parts(&q, single_cap) <= max_parts;
}

static int is_break(unsigned char c)
{
    return c == ' ' || c == '\n';
}

size_t gsm_fit(char *text, int max_parts)
{
    const unsigned char *s = (const unsigned char *)text;
    struct pack g = PACK_INIT, u = PACK_INIT;
    struct gsm_info info;
    size_t len, pos = 0, best = 0, best_word = 0;
    int gsm7 = 1;

    assert(text != NULL && max_parts >= 1);
    len = strlen(text);
    measure(s, 0, &info);
    if (info.parts <= max_parts)
        return len;
    /*
     * Walk the character boundaries while prefix + "..." still fits, in GSM-7 as long as the
     * prefix is all GSM-7, else in UCS-2. Fitting only gets harder as the prefix grows, so the
     * first boundary that fits in neither ends the walk. The cut is kept at most len - 3 so the
     * "..." never writes past the caller's NUL: that matters when the cut turns UCS-2 text into
     * GSM-7, which holds more characters than the original bytes have room for.
     */
    while (pos + 3 <= len) {
        uint32_t cp;
        int n;
        unsigned w;

        if (!(gsm7 && fits_with_dots(&g, GSM_SINGLE_SEPTETS, GSM_PART_SEPTETS, max_parts)) &&
            !fits_with_dots(&u, GSM_SINGLE_UNITS, GSM_PART_UNITS, max_parts))
            break;
        best = pos;
        if (pos > 0 && is_break(s[pos]) && !is_break(s[pos - 1]))
            best_word = pos;
        n = s[pos] < 0x80 ? (cp = s[pos], 1) : utf8_decode((const char *)s + pos, &cp);
        if (n < 0) {
            cp = 0xFFFD;
            n = -n;
        }
        pack_add(&u, utf16_units(cp), GSM_PART_UNITS);
        w = gsm7 ? septets_of(cp) : 0;
        if (w == 0)
            gsm7 = 0;
        else
            pack_add(&g, w, GSM_PART_SEPTETS);
        pos += (size_t)n;
    }
    if (best_word > 0)
        best = best_word;
    memcpy(text + best, "...", 4);
    return best + 3;
}

int gsm_split(const char *utf8, size_t *starts, int max_starts)
{
    const unsigned char *s = (const unsigned char *)utf8;
    struct pack p = PACK_INIT;
    struct gsm_info info;
    size_t pos = 0;
    int n = 0;

    assert(utf8 != NULL && (starts != NULL || max_starts == 0));
    if (measure(s, 1, &info) < 0)
        return -1;
    if (info.parts == 0)
        return 0;
    if (info.parts > max_starts)
        return -1;
    starts[n++] = 0;
    if (info.parts == 1)
        return 1;
    while (s[pos]) {
        uint32_t cp;
        int len = s[pos] < 0x80 ? (cp = s[pos], 1) : utf8_decode((const char *)s + pos, &cp);
        int started;

        assert(len > 0); /* measure() accepted it */
        if (info.coding == GSM_CODING_GSM7)
            started = pack_add(&p, septets_of(cp), GSM_PART_SEPTETS);
        else
            started = pack_add(&p, utf16_units(cp), GSM_PART_UNITS);
        if (started && n < max_starts)
            starts[n++] = pos;
        pos += (size_t)len;
    }
    assert(n == info.parts);
    return n;
}
