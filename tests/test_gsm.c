/* test_gsm.c: the GSM 03.38 module against the published table and the SMS part boundaries. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/gsm.h"

#define EURO   "\xe2\x82\xac"     /* U+20AC, 2 septets */
#define DE     "\xd0\xb4"         /* U+0434 CYRILLIC SMALL LETTER DE: not GSM-7, 1 UTF-16 unit */
#define GRIN   "\xf0\x9f\x98\x80" /* U+1F600: a surrogate pair in UTF-16 */
#define ARABIC "\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7" /* "marhaba", 5 letters */

/* Heap copy of exactly strlen + 1 bytes, so ASan sees any write past the NUL. */
static char *dup_exact(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);

    assert_non_null(p);
    memcpy(p, s, n);
    return p;
}

/* A heap string of `count` copies of `unit`, with `head` before and `tail` after. */
static char *repeat(const char *head, const char *unit, size_t count, const char *tail)
{
    size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
    char *p = malloc(hl + ul * count + tl + 1);
    char *q = p;

    assert_non_null(p);
    memcpy(q, head, hl);
    q += hl;
    for (size_t i = 0; i < count; i++, q += ul)
        memcpy(q, unit, ul);
    memcpy(q, tail, tl + 1);
    return p;
}

static void expect_measure(const char *s, enum gsm_coding coding, size_t units, size_t chars,
                           int parts)
{
    struct gsm_info info;

    assert_int_equal(gsm_measure(s, &info), 0);
    assert_int_equal(info.coding, coding);
    assert_int_equal(info.units, units);
    assert_int_equal(info.chars, chars);
    assert_int_equal(info.parts, parts);
}

static int parts_of(const char *s)
{
    struct gsm_info info;

    assert_int_equal(gsm_measure(s, &info), 0);
    return info.parts;
}

static size_t utf8_encode(uint32_t cp, char *buf)
{
    if (cp < 0x80) {
        buf[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        buf[0] = (char)(0xC0 | (cp >> 6));
        buf[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    buf[0] = (char)(0xE0 | (cp >> 12));
    buf[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    buf[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
}

/* Every row of the published table measures as GSM-7 at its septet count. */
static void test_every_csv_row(void **state)
{
    FILE *fp = fopen(RL_FIXTURES "/gsm0338.csv", "r");
    char line[256];
    int rows = 0, escaped = 0;

    (void)state;
    assert_non_null(fp);
    assert_non_null(fgets(line, sizeof(line), fp)); /* header */
    assert_non_null(strstr(line, "gsm_code_hex,unicode_hex,unicode_name,septets"));
    while (fgets(line, sizeof(line), fp) != NULL) {
        char *uni = strchr(line, ','), *name, *sept, *end;
        char text[8], rep[16];
        unsigned long cp;
        long septets;

        assert_non_null(uni);
        uni++;
        name = strchr(uni, ',');
        assert_non_null(name);
        sept = strrchr(line, ',') + 1;
        if (name == uni)
            continue; /* 0x1B, the escape itself: no character */
        assert_memory_equal(uni, "U+", 2);
        cp = strtoul(uni + 2, &end, 16);
        assert_ptr_equal(end, name);
        septets = strtol(sept, &end, 10);
        assert_true(septets == 1 || septets == 2);

        text[utf8_encode((uint32_t)cp, text)] = '\0';
        expect_measure(text, GSM_CODING_GSM7, (size_t)septets, 1, 1);
        /* A repeat costs exactly twice as much: nothing is shared between characters. */
        snprintf(rep, sizeof(rep), "%s%s", text, text);
        expect_measure(rep, GSM_CODING_GSM7, 2 * (size_t)septets, 2, 1);
        rows++;
        escaped += septets == 2;
    }
    fclose(fp);
    assert_int_equal(rows, 137); /* 128 codes less the escape, plus 10 extension characters */
    assert_int_equal(escaped, 10);

    /* And characters the table lacks are not GSM-7, ASCII backtick included. */
    expect_measure("`", GSM_CODING_UCS2, 1, 1, 1);
    expect_measure("\xc3\xa7", GSM_CODING_UCS2, 1, 1, 1); /* c-cedilla: only the capital is */
    expect_measure("\xc3\x87", GSM_CODING_GSM7, 1, 1, 1);
    expect_measure("\t", GSM_CODING_UCS2, 1, 1, 1);
}

static void test_gsm7_boundaries(void **state)
{
    static const struct {
        size_t n;
        int parts;
    } cases[] = {{1, 1}, {160, 1}, {161, 2}, {306, 2}, {307, 3}, {459, 3}, {460, 4}};
    char *s;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        s = repeat("", "a", cases[i].n, "");
        expect_measure(s, GSM_CODING_GSM7, cases[i].n, cases[i].n, cases[i].parts);
        free(s);
    }
    /* Escape characters count two: 80 euros fill one SMS, 81 do not. */
    s = repeat("", EURO, 80, "");
    expect_measure(s, GSM_CODING_GSM7, 160, 80, 1);
    free(s);
    s = repeat("", EURO, 81, "");
    expect_measure(s, GSM_CODING_GSM7, 162, 81, 2);
    free(s);
    expect_measure("{}[]~|\\^", GSM_CODING_GSM7, 16, 8, 1);
    s = repeat("", "a", 159, "^");
    expect_measure(s, GSM_CODING_GSM7, 161, 160, 2);
    free(s);
}

static void test_ucs2_boundaries(void **state)
{
    static const struct {
        size_t n;
        int parts;
    } cases[] = {{1, 1}, {70, 1}, {71, 2}, {134, 2}, {135, 3}, {201, 3}, {202, 4}};

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *s = repeat("", DE, cases[i].n, "");
        expect_measure(s, GSM_CODING_UCS2, cases[i].n, cases[i].n, cases[i].parts);
        free(s);
    }
    /* One non-GSM character turns the whole text to UCS-2: 100 ASCII letters need 2 parts. */
    char *s = repeat(DE, "a", 99, "");
    expect_measure(s, GSM_CODING_UCS2, 100, 100, 2);
    free(s);
    /* An emoji is two UTF-16 units but one character. */
    expect_measure(GRIN, GSM_CODING_UCS2, 2, 1, 1);
    s = repeat(GRIN, DE, 68, "");
    expect_measure(s, GSM_CODING_UCS2, 70, 69, 1);
    free(s);
    expect_measure(ARABIC, GSM_CODING_UCS2, 5, 5, 1);
}

static void test_split_escape_straddle(void **state)
{
    size_t starts[8];
    char *s;

    (void)state;
    /* 151 + 2 = 153: the euro ends part 1 exactly. */
    s = repeat("", "a", 151, EURO "bbbbbbbbbb");
    assert_int_equal(gsm_split(s, starts, 8), 2);
    assert_int_equal(starts[0], 0);
    assert_int_equal(starts[1], 151 + 3);
    assert_int_equal(parts_of(s), 2);
    free(s);
    /* 152 + 2 would straddle septets 153/154: the whole pair moves to part 2. */
    s = repeat("", "a", 152, EURO "bbbbbbbbbb");
    assert_int_equal(gsm_split(s, starts, 8), 2);
    assert_int_equal(starts[1], 152);
    assert_memory_equal(s + starts[1], EURO, 3);
    free(s);
    /* 306 septets would be 2 parts by arithmetic, but the moved euro makes 3 (152, 153, 1). */
    s = repeat("", "a", 152, EURO);
    char *t = repeat(s, "b", 152, "");
    expect_measure(t, GSM_CODING_GSM7, 306, 305, 3);
    assert_int_equal(gsm_split(t, starts, 8), 3);
    assert_int_equal(starts[1], 152);
    assert_int_equal(starts[2], 152 + 3 + 151);
    free(t);
    free(s);
    /* Plain boundaries: 307 letters split 153 + 153 + 1. */
    s = repeat("", "x", 307, "");
    assert_int_equal(gsm_split(s, starts, 8), 3);
    assert_int_equal(starts[1], 153);
    assert_int_equal(starts[2], 306);
    assert_int_equal(gsm_split(s, starts, 2), -1); /* not enough room */
    free(s);
    /* Fits one SMS: one part starting at 0. */
    starts[0] = 99;
    assert_int_equal(gsm_split("hello", starts, 1), 1);
    assert_int_equal(starts[0], 0);
}

static void test_split_surrogate_pair(void **state)
{
    size_t starts[8];
    char *s;

    (void)state;
    /* 66 units, then an emoji of 2 that would straddle units 67/68: it opens part 2. */
    s = repeat("", DE, 66, GRIN DE DE DE DE DE DE DE DE DE DE);
    expect_measure(s, GSM_CODING_UCS2, 78, 77, 2);
    assert_int_equal(gsm_split(s, starts, 8), 2);
    assert_int_equal(starts[1], 66 * 2);
    assert_memory_equal(s + starts[1], GRIN, 4);
    free(s);
    /* 65 units + 2 = 67: the emoji ends part 1 exactly. */
    s = repeat("", DE, 65, GRIN DE DE DE DE DE DE DE DE DE DE);
    assert_int_equal(gsm_split(s, starts, 8), 2);
    assert_int_equal(starts[1], 65 * 2 + 4);
    free(s);
    /* 67 emoji are 134 units, 2 parts by arithmetic; 3 once no pair is split (33, 33, 1). */
    s = repeat("", GRIN, 67, "");
    expect_measure(s, GSM_CODING_UCS2, 134, 67, 3);
    assert_int_equal(gsm_split(s, starts, 8), 3);
    assert_int_equal(starts[1], 33 * 4);
    assert_int_equal(starts[2], 66 * 4);
    free(s);
}

/* A GSM-7 prefix then the first non-GSM character: the UCS-2 count must restart right. */
static void test_ucs2_after_gsm7_prefix(void **state)
{
    size_t starts[4];
    char *s;

    (void)state;
    s = repeat("", "a", 132, GRIN); /* 67 + 65 + 2 */
    expect_measure(s, GSM_CODING_UCS2, 134, 133, 2);
    free(s);
    s = repeat("", "a", 133, GRIN); /* 67 + 66, and the pair does not fit in one unit */
    expect_measure(s, GSM_CODING_UCS2, 135, 134, 3);
    assert_int_equal(gsm_split(s, starts, 4), 3);
    assert_int_equal(starts[1], 67);
    assert_int_equal(starts[2], 133);
    free(s);
}

/*
 * Property check on mixed text: every part gsm_split() makes fits a concatenated part on its
 * own, the next character would not have fit in it, and measure and split agree on the count.
 */
static void test_split_parts_are_full(void **state)
{
    static const char *const pieces[] = {"a", " ", EURO, "^", DE, GRIN, "\xc3\xa9"};
    static const unsigned char mix[][7] = {
        {1, 1, 1, 1, 0, 0, 1}, /* GSM-7 with escapes */
        {1, 1, 0, 0, 1, 1, 1}, /* UCS-2 with emoji */
    };
    uint32_t seed = 12345;

    (void)state;
    for (int round = 0; round < 200; round++) {
        const unsigned char *allow = mix[round % 2];
        char text[4096], piece[4096]; /* 649 characters of at most 4 bytes */
        size_t len = 0, starts[32];
        size_t nchars = 50 + (size_t)(round * 7 % 600);
        struct gsm_info info;
        int n;

        for (size_t i = 0; i < nchars; i++) {
            const char *pc;
            do {
                seed = seed * 1103515245u + 12345u;
                pc = pieces[(seed >> 16) % 7];
            } while (!allow[(seed >> 16) % 7]);
            memcpy(text + len, pc, strlen(pc));
            len += strlen(pc);
        }
        text[len] = '\0';
        assert_int_equal(gsm_measure(text, &info), 0);
        n = gsm_split(text, starts, 32);
        assert_int_equal(n, info.parts);
        if (n == 1)
            continue;
        for (int i = 0; i < n; i++) {
            size_t end = i + 1 < n ? starts[i + 1] : len;
            size_t cap = info.coding == GSM_CODING_GSM7 ? 153 : 67;
            struct gsm_info pi;

            memcpy(piece, text + starts[i], end - starts[i]);
            piece[end - starts[i]] = '\0';
            assert_int_equal(gsm_measure(piece, &pi), 0);
            assert_true(pi.units <= cap);
            if (i + 1 < n) {
                /* Take one more character: it must overflow the part. */
                size_t more = end + 1;
                while ((text[more] & 0xC0) == 0x80)
                    more++;
                memcpy(piece, text + starts[i], more - starts[i]);
                piece[more - starts[i]] = '\0';
                assert_int_equal(gsm_measure(piece, &pi), 0);
                assert_true(pi.units > cap);
            }
        }
    }
}

static void expect_prepare(const char *in, int translit, const char *want)
{
    char out[512];
    int n = gsm_prepare(in, translit, out, sizeof(out));

    assert_int_equal(n, (int)strlen(want));
    assert_string_equal(out, want);
}

static void test_prepare_invalid_and_controls(void **state)
{
    struct gsm_info info;

    (void)state;
    expect_prepare("a\xff"
                   "b",
                   0, "a?b");
    expect_prepare("x\xe2\x82y", 0, "x?y");        /* truncated 3-byte sequence: one '?' */
    expect_prepare("end\xe2\x82", 0, "end?");      /* truncated at the end */
    expect_prepare("\xc0\xaf", 0, "??");           /* overlong '/' */
    expect_prepare("\xed\xa0\x80", 0, "???");      /* encoded surrogate */
    expect_prepare("\xf4\x90\x80\x80", 0, "????"); /* past U+10FFFF */
    expect_prepare("\x80\x80", 0, "??");           /* lone continuation bytes */
    assert_int_equal(gsm_measure("a\xff", &info), -1);
    assert_int_equal(gsm_measure("\xed\xa0\x80", &info), -1);

    expect_prepare("a\tb\r\nc\x01"
                   "d\x7f"
                   "e\xc2\x85"
                   "f\x0cg\rh\n",
                   0, "a b\ncdefg h\n");
    expect_prepare("\x1b[31mred", 0, "[31mred"); /* ESC dropped, the rest is text */
    /* Valid text comes through untouched, whatever its script. */
    expect_prepare("Salam " ARABIC " " GRIN, 0, "Salam " ARABIC " " GRIN);
    expect_prepare("", 1, "");
}

static void expect_folds_to_one_part(const char *in, const char *want)
{
    char out[512];
    struct gsm_info info;

    /* Without translit the text needs UCS-2... */
    assert_int_equal(gsm_measure(in, &info), 0);
    assert_int_equal(info.coding, GSM_CODING_UCS2);
    /* ...with it, plain GSM-7 in one part. */
    assert_int_equal(gsm_prepare(in, 1, out, sizeof(out)), (int)strlen(want));
    assert_string_equal(out, want);
    assert_int_equal(gsm_measure(out, &info), 0);
    assert_int_equal(info.coding, GSM_CODING_GSM7);
    assert_int_equal(info.parts, 1);
}

static void test_prepare_translit(void **state)
{
    (void)state;
    /* Spanish: n-tilde, inverted marks and e-acute are GSM-7 and stay; a/o/u-acute fold. */
    expect_folds_to_one_part("\xc2\xbf"
                             "Cu\xc3\xa1nto cuesta enviar a M\xc3\xa9xico? "
                             "A\xc3\xb1"
                             "adir comisi\xc3\xb3n, \xc2\xa1"
                             "ya!",
                             "\xc2\xbf"
                             "Cuanto cuesta enviar a M\xc3\xa9xico? "
                             "A\xc3\xb1"
                             "adir comision, \xc2\xa1"
                             "ya!");
    /* Portuguese: a-tilde, c-cedilla, a-circumflex, a-acute fold; a-grave is GSM-7. */
    expect_folds_to_one_part("N\xc3\xa3o h\xc3\xa1 tarifa; c\xc3\xa2mbio \xc3\xa0s 10h "
                             "\xe2\x80\x94 a\xc3\xa7\xc3\xa3o r\xc3\xa1pida\xe2\x80\xa6",
                             "Nao ha tarifa; cambio \xc3\xa0s 10h - acao rapida...");
    /* French: e-acute/e-grave/u-grave stay; guillemets, c-cedilla, e-diaeresis, i-circumflex,
     * the oe ligature, curly apostrophe and no-break space fold. */
    expect_folds_to_one_part("Frais r\xc3\xa9"
                             "duits \xc2\xab tr\xc3\xa8s bas \xc2\xbb"
                             "\xc2\xa0: gar\xc3\xa7on, No\xc3\xabl, o\xc3\xb9, \xc3\xae"
                             "le, "
                             "\xc5\x92uvre, l\xe2\x80\x99"
                             "argent",
                             "Frais r\xc3\xa9"
                             "duits \" tr\xc3\xa8s bas \" : garcon, Noel, "
                             "o\xc3\xb9, ile, OEuvre, l'argent");
    /* Tagalog/Filipino: n-tilde stays (Paranaque), the circumflex of po and salamat folds,
     * the peso sign becomes PHP, curly quotes straighten. */
    expect_folds_to_one_part("Magpadala ng \xe2\x82\xb1"
                             "5,000 sa Para\xc3\xb1"
                             "aque, "
                             "p\xc3\xb4! Salam\xc3\xa2t \xe2\x80\x9c"
                             "kuya\xe2\x80\x9d",
                             "Magpadala ng PHP5,000 sa Para\xc3\xb1"
                             "aque, "
                             "po! Salamat \"kuya\"");
    /* Capitals fold likewise; capital C-cedilla is GSM-7 and stays. */
    expect_folds_to_one_part("\xc3\x81\xc3\x8a\xc3\x8d\xc3\x95\xc3\x9a \xc3\x87", "AEIOU \xc3\x87");

    /* Without translit nothing is folded. */
    expect_prepare("a\xc3\xa3"
                   "b",
                   0,
                   "a\xc3\xa3"
                   "b");
    /* Characters with no equivalent stay and the text measures UCS-2. */
    expect_prepare("Caf\xc3\xa9 \xe2\x80\x94 " GRIN " \xe4\xb8\xad " ARABIC, 1,
                   "Caf\xc3\xa9 - " GRIN " \xe4\xb8\xad " ARABIC);
    expect_prepare("soft\xc2\xad"
                   "hyphen\xef\xbb\xbf",
                   1, "softhyphen");
}

static void test_prepare_small_buffer(void **state)
{
    char out[8];

    (void)state;
    memset(out, 'Z', sizeof(out));
    /* "a" + e-acute is 3 bytes; the euro would need 3 more plus the NUL. */
    assert_int_equal(gsm_prepare("a\xc3\xa9" EURO, 0, out, 4), -1);
    assert_string_equal(out, "a\xc3\xa9");
    assert_int_equal(out[4], 'Z'); /* nothing written past outsz */
    assert_int_equal(gsm_prepare("a\xc3\xa9" EURO, 0, out, 3), -1);
    assert_string_equal(out, "a"); /* never half of e-acute */
    assert_int_equal(gsm_prepare("abc", 0, out, 4), 3);
    assert_int_equal(gsm_prepare("abcd", 0, out, 4), -1);
    assert_string_equal(out, "abc");
    assert_int_equal(gsm_prepare("x", 0, out, 0), -1);
    /* A fold that expands must fit whole. */
    assert_int_equal(gsm_prepare("ab\xe2\x80\xa6", 1, out, 5), -1);
    assert_string_equal(out, "ab");
}

/*
 * Checks a gsm_fit() result against the original: the kept text is a prefix of the original cut
 * just before a space, ends in "...", fits, and the next word would not have fit.
 */
static void expect_word_fit(const char *orig, int max_parts)
{
    char *t = dup_exact(orig);
    size_t n = gsm_fit(t, max_parts), cut, next;
    struct gsm_info info;
    char *longer;

    assert_true(n < strlen(orig));
    assert_int_equal(strlen(t), n);
    assert_int_equal(gsm_measure(t, &info), 0);
    assert_true(info.parts <= max_parts);
    assert_true(info.parts >= max_parts - 1); /* it did not throw away a whole part */
    assert_string_equal(t + n - 3, "...");
    cut = n - 3;
    assert_memory_equal(t, orig, cut);
    assert_int_equal(orig[cut], ' ');
    assert_true(orig[cut - 1] != ' ');
    /* The next word boundary would have been too long. */
    next = cut + 1;
    while (orig[next] != '\0' && orig[next] != ' ')
        next++;
    assert_true(orig[next] != '\0'); /* the callers' texts run on past the cut */
    longer = dup_exact(orig);
    memcpy(longer + next, "...", 4);
    assert_true(parts_of(longer) > max_parts);
    free(longer);
    free(t);
}

static void test_fit(void **state)
{
    const char *words = "Send money home: fee 2.50 USD, rate 56.10 PHP, arrives in minutes. ";
    char *s, *t;
    size_t n;

    (void)state;
    s = repeat("", words, 12, "");
    assert_true(parts_of(s) > 3);
    expect_word_fit(s, 1);
    expect_word_fit(s, 2);
    expect_word_fit(s, 3);
    free(s);

    /* Already fits: untouched. */
    t = dup_exact("Fee 2.50 USD");
    assert_int_equal(gsm_fit(t, 1), 12);
    assert_string_equal(t, "Fee 2.50 USD");
    free(t);
    t = dup_exact("");
    assert_int_equal(gsm_fit(t, 1), 0);
    free(t);

    /* No space to cut at: a character boundary, filling the SMS exactly. */
    s = repeat("", "x", 200, "");
    t = dup_exact(s);
    assert_int_equal(gsm_fit(t, 1), 160);
    assert_int_equal(parts_of(t), 1);
    assert_string_equal(t + 157, "...");
    free(t);
    free(s);

    /* UCS-2: 67 two-byte letters + "..." = 70 units, never half a letter. */
    s = repeat("", DE, 100, "");
    t = dup_exact(s);
    n = gsm_fit(t, 1);
    assert_int_equal(n, 67 * 2 + 3);
    expect_measure(t, GSM_CODING_UCS2, 70, 70, 1);
    free(t);
    free(s);

    /* Escape pairs: 78 euros + "..." = 159 septets; a 79th would make 161. */
    s = repeat("", EURO, 100, "");
    t = dup_exact(s);
    n = gsm_fit(t, 1);
    assert_int_equal(n, 78 * 3 + 3);
    expect_measure(t, GSM_CODING_GSM7, 159, 81, 1);
    free(t);
    free(s);

    /* Emoji in 3 parts: no surrogate pair split and no half UTF-8 sequence. */
    s = repeat("", GRIN, 150, "");
    t = dup_exact(s);
    n = gsm_fit(t, 3);
    assert_int_equal((n - 3) % 4, 0);
    assert_int_equal(parts_of(t), 3);
    assert_int_equal(n - 3, 4 * 98); /* 33 pairs a part, the last 32 to leave room for "..." */
    free(t);
    free(s);

    /* Cutting off the only non-GSM character makes it GSM-7, which holds more than the bytes
     * have room for: the "..." must still not write past the original NUL. */
    s = repeat("", "a", 70, DE);
    assert_int_equal(parts_of(s), 2);
    t = dup_exact(s);
    n = gsm_fit(t, 1);
    assert_true(n <= strlen(s));
    assert_int_equal(parts_of(t), 1);
    assert_string_equal(t + n - 3, "...");
    free(t);
    free(s);
}

static void test_empty(void **state)
{
    size_t starts[2] = {7, 7};
    char out[4];

    (void)state;
    expect_measure("", GSM_CODING_GSM7, 0, 0, 0);
    assert_int_equal(gsm_split("", starts, 2), 0);
    assert_int_equal(gsm_prepare("", 1, out, sizeof(out)), 0);
    assert_string_equal(out, "");
    /* Only dropped characters: empty too. */
    assert_int_equal(gsm_prepare("\x01\x02\xef\xbb\xbf", 1, out, sizeof(out)), 0);
    assert_string_equal(out, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_csv_row),
        cmocka_unit_test(test_gsm7_boundaries),
        cmocka_unit_test(test_ucs2_boundaries),
        cmocka_unit_test(test_ucs2_after_gsm7_prefix),
        cmocka_unit_test(test_split_escape_straddle),
        cmocka_unit_test(test_split_parts_are_full),
        cmocka_unit_test(test_split_surrogate_pair),
        cmocka_unit_test(test_prepare_invalid_and_controls),
        cmocka_unit_test(test_prepare_translit),
        cmocka_unit_test(test_prepare_small_buffer),
        cmocka_unit_test(test_fit),
        cmocka_unit_test(test_empty),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
