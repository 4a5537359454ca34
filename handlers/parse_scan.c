/*
 * parse_scan.c: the parser's tokens. Amounts keep their separators and currency signs ("$200",
 * "200usd", "1.500,00"); other words are folded, a '0' inside a word read as an 'o', and words
 * run together ("feeusamex") taken apart when the pieces are known.
 */
#include "handlers/parse_int.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "util/text.h"

#define MAX_RAW 64 /* bytes of one raw token; the rest of a longer one is dropped */

/* Separators between raw tokens; '.' and ',' are handled by position, the rest always split. */
static int is_sep(unsigned char c)
{
    return isspace(c) || (c < 0x80 && strchr(";:!?()[]{}\"*/<>=+&|#@~^\\_-", c) != NULL && c);
}

/* Currency signs people put next to amounts. '$' alone is taken as US dollars. */
static const struct {
    const char *sign;
    const char *code;
} signs[] = {
    {"US$", "USD"},          {"$", "USD"},
    {"\xE2\x82\xAC", "EUR"}, {"\xC2\xA3", "GBP"},
    {"\xE2\x82\xB1", "PHP"}, {"\xE2\x82\xB9", "INR"},
    {"\xC2\xA5", "JPY"},
};

static const char *strip_sign(const char *s, size_t len, size_t *signlen, int at_end)
{
    size_t i;

    for (i = 0; i < sizeof(signs) / sizeof(signs[0]); i++) {
        size_t n = strlen(signs[i].sign);
        if (n > len)
            continue;
        if (!at_end && strncmp(s, signs[i].sign, n) == 0) {
            *signlen = n;
            return signs[i].code;
        }
        if (at_end && strncmp(s + len - n, signs[i].sign, n) == 0) {
            *signlen = n;
            return signs[i].code;
        }
    }
    return NULL;
}

static int code_is_currency(const lexicon *lx, const char *s, size_t len, char ccy[4])
{
    char code[4];
    size_t i;

    if (len != 3)
        return 0;
    for (i = 0; i < 3; i++) {
        if (!isalpha((unsigned char)s[i]))
            return 0;
        code[i] = (char)toupper((unsigned char)s[i]);
    }
    code[3] = '\0';
    if (!lex_is_currency(lx, code))
        return 0;
    memcpy(ccy, code, 4);
    return 1;
}

int parse_amount(const lexicon *lx, const char *token, double *amount, char ccy[4])
{
    size_t len = strlen(token), signlen = 0, used;
    const char *p = token, *code;
    double v = 0;

    ccy[0] = '\0';
    if ((code = strip_sign(p, len, &signlen, 0)) != NULL) {
        memcpy(ccy, code, 4);
        p += signlen;
        len -= signlen;
    } else if (len > 3 && isdigit((unsigned char)p[3]) && code_is_currency(lx, p, 3, ccy)) {
        p += 3; /* "usd200" */
        len -= 3;
    }
    used = text_number(p, len, &v);
    if (used == 0)
        return 0;
    p += used;
    len -= used;
    if (len > 0 && (*p == 'k' || *p == 'K') && (len == 1 || !isalpha((unsigned char)p[1]))) {
        v *= 1000;
        p++;
        len--;
    }
    if (len > 0) {
        if (ccy[0] == '\0' && (code = strip_sign(p, len, &signlen, 1)) != NULL && signlen == len) {
            memcpy(ccy, code, 4);
        } else if (ccy[0] == '\0' && code_is_currency(lx, p, len, ccy)) {
            ; /* "200usd" */
        } else {
            return 0;
        }
    }
    *amount = v;
    return 1;
}

/* A keypad habit: 0 typed for O inside a word ("m0rocco", "0man"). Numbers stay numbers.
 * Returns whether a letter was changed. */
static int zero_to_o(char *w)
{
    char *c;
    int letters = 0, changed = 0;

    for (c = w; *c; c++)
        letters += (*c >= 'a' && *c <= 'z');
    if (letters == 0)
        return 0;
    for (c = w; *c; c++)
        if (*c == '0') {
            *c = 'o';
            changed = 1;
        }
    return changed;
}

/* Whether a piece of a run-together word is a word worth splitting for: known exactly, three
 * letters or more, and no filler or consent word ("stopfee" is no STOP). */
static int known_piece(const lexicon *lx, const char *s, size_t len)
{
    const struct lex_entry *e;
    char buf[32];
    size_t ne, j;

    if (len < 3 || len >= sizeof(buf))
        return 0;
    memcpy(buf, s, len);
    buf[len] = '\0';
    ne = lex_find(lx, buf, &e);
    for (j = 0; j < ne; j++)
        if (e[j].type != LEX_WORD ||
            (strcmp(e[j].kind, "filler") != 0 && !lex_exact_kind(e[j].kind)))
            return 1;
    return 0;
}

static void push_one(struct scan *sc, const char *w, size_t len, int start, int end, int unknown,
                     int altered)
{
    struct tok *t;

    if (sc->n >= MAX_TOKENS)
        return;
    t = &sc->t[sc->n++];
    memset(t, 0, sizeof(*t));
    snprintf(t->folded, sizeof(t->folded), "%.*s", (int)len, w);
    t->start = start;
    t->end = end;
    t->unknown = unknown;
    t->altered = altered;
}

/*
 * Adds one folded word. A word nobody knows, nor anything near it, may be words run together on
 * a keypad ("feeusamex", "usamex"): it is split when every piece is a known word.
 */
static void push_word(const lexicon *lx, struct scan *sc, char *w, int start, int end)
{
    const struct lex_entry *e;
    char buf[32];
    size_t len, a, b;
    int altered = zero_to_o(w);

    len = strlen(w);
    if (len < 4 || lex_find(lx, w, &e) > 0) {
        push_one(sc, w, len, start, end, 0, altered);
        return;
    }
    if ((text_collapse(w, buf, sizeof(buf)) >= 4 && lex_find(lx, buf, &e) > 0) ||
        lex_find_fuzzy(lx, w, &e, NULL) > 0 || len < 6) {
        push_one(sc, w, len, start, end, 0, altered);
        return;
    }
    for (a = 3; a + 3 <= len; a++) {
        if (!known_piece(lx, w, a))
            continue;
        if (known_piece(lx, w + a, len - a)) {
            push_one(sc, w, a, start, end, 0, 1);
            push_one(sc, w + a, len - a, start, end, 0, 1);
            return;
        }
        for (b = a + 3; b + 3 <= len; b++) {
            if (known_piece(lx, w + a, b - a) && known_piece(lx, w + b, len - b)) {
                push_one(sc, w, a, start, end, 0, 1);
                push_one(sc, w + a, b - a, start, end, 0, 1);
                push_one(sc, w + b, len - b, start, end, 0, 1);
                return;
            }
        }
    }
    push_one(sc, w, len, start, end, 1, altered);
}

void parse_scan(const lexicon *lx, const char *text, struct scan *sc)
{
    const char *p = text;

    sc->n = 0;
    sc->native = 0;
    while (*p && sc->n < MAX_TOKENS) {
        char raw[MAX_RAW], folded[128];
        size_t len = 0;
        char *w, *save = NULL;

        const char *raw_start;

        while (*p && is_sep((unsigned char)*p))
            p++;
        raw_start = p;
        while (*p && !is_sep((unsigned char)*p)) {
            if ((*p == '.' || *p == ',') &&
                !(len > 0 && isalnum((unsigned char)raw[len - 1]) && isalnum((unsigned char)p[1]) &&
                  (*p == '.' || isdigit((unsigned char)p[1]))))
                break;
            if (len + 1 < sizeof(raw))
                raw[len++] = *p;
            p++;
        }
        if (*p == '.' || *p == ',')
            p++;
        raw[len] = '\0';
        if (len == 0)
            continue;
        /* Digits of other scripts ("\u0665\u0660\u0660", "\u096B\u0966\u0966") read as ASCII ones.
         */
        for (w = raw; *w && !(*w & 0x80); w++)
            ;
        if (*w)
            len = text_digits(raw, len, raw, sizeof(raw));
        if (parse_amount(lx, raw, &sc->t[sc->n].amount, sc->t[sc->n].ccy)) {
            sc->t[sc->n].is_amount = 1;
            sc->t[sc->n].folded[0] = '\0';
            sc->t[sc->n].start = (int)(raw_start - text);
            sc->t[sc->n].end = (int)(p - text);
            sc->n++;
            continue;
        }
        {
            /* A currency sign on its own ("100 \u20ac") reads as its code. */
            size_t signlen = 0;
            const char *code = strip_sign(raw, len, &signlen, 0);
            if (code != NULL && signlen == len) {
                char low[4] = {(char)(code[0] | 0x20), (char)(code[1] | 0x20),
                               (char)(code[2] | 0x20), '\0'};
                push_one(sc, low, 3, (int)(raw_start - text), (int)(p - text), 0, 0);
                continue;
            }
        }
        text_fold(raw, len, folded, sizeof(folded));
        for (w = strtok_r(folded, " ", &save); w && sc->n < MAX_TOKENS;
             w = strtok_r(NULL, " ", &save)) {
            const char *c;
            /* Folded Latin is ASCII: a byte past it is a letter of another script. */
            for (c = w; *c && !sc->native; c++)
                sc->native = (*c & 0x80) != 0;
            push_word(lx, sc, w, (int)(raw_start - text), (int)(p - text));
        }
    }
}
