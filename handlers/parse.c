#include "handlers/parse.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "handlers/parse_int.h"
#include "util/text.h"

/* Modifiers ("trend") are words that change what a keyword answers, never the keyword. */
static int is_keyword_kind(const char *kind)
{
    return strcmp(kind, "from") != 0 && strcmp(kind, "to") != 0 && strcmp(kind, "filler") != 0 &&
           strcmp(kind, "language") != 0 && strcmp(kind, "trend") != 0 &&
           strcmp(kind, "from_post") != 0 && strcmp(kind, "to_post") != 0;
}

/*
 * Which of several currency entries a word means ("dirham": AED in English, MAD in French;
 * "pesos" next to Mexico): the one of the query's language, else the currency of a country
 * named, else the code itself, else the first. Sets *amb when they disagree.
 */
static int pick_currency(const lexicon *lx, const struct lex_entry *e, size_t ne, const char *pref,
                         const struct parse_result *r, int *amb)
{
    int first = -1, code = -1, home = -1, lang = -1, home_lang = -1, origin = -1;
    size_t j;
    int k;

    for (j = 0; j < ne; j++) {
        int is_home = 0, is_lang;
        if (e[j].type != LEX_CURRENCY)
            continue;
        if (first < 0)
            first = (int)j;
        else if (strcmp(e[j].code, e[first].code) != 0)
            *amb = 1;
        /* The money of a country named ("riyal" next to Qatar is the Qatari riyal), the
         * origin's first ("shilingi kutoka tanzania kwenda kenya" is the Tanzanian one). */
        for (k = 0; k < r->ncountries; k++) {
            const struct lex_country *c = lex_country(lx, r->country[k]);
            if (c == NULL || strcmp(c->currency, e[j].code) != 0)
                continue;
            is_home = 1;
            if (r->role[k] == ROLE_FROM && origin < 0)
                origin = (int)j;
        }
        is_lang = pref != NULL && strcmp(e[j].lang, pref) == 0;
        if (is_lang && is_home && home_lang < 0)
            home_lang = (int)j;
        if (is_lang && lang < 0)
            lang = (int)j;
        if (is_home && home < 0)
            home = (int)j;
        if (code < 0 && e[j].lang[0] == '\0')
            code = (int)j;
    }
    if (origin >= 0 && (pref == NULL || strcmp(e[origin].lang, pref) == 0))
        return origin;
    if (home_lang >= 0)
        return home_lang;
    if (lang >= 0)
        return lang;
    return home >= 0 ? home : code >= 0 ? code : first;
}

/* Every language a query's words may belong to: more than the content has would be dropped. */
#define MAX_VOTED 24

struct votes {
    char lang[MAX_VOTED][4];
    int score[MAX_VOTED];
    int n;
    int words; /* votes cast by words (not place names): only they may break a tie */
};

static void vote(struct votes *v, const char *lang, int weight)
{
    int i;

    if (lang[0] == '\0')
        return;
    for (i = 0; i < v->n; i++)
        if (strcmp(v->lang[i], lang) == 0)
            break;
    if (i == v->n) {
        if (v->n == MAX_VOTED)
            return;
        snprintf(v->lang[v->n++], 4, "%s", lang);
        v->score[i] = 0;
    }
    v->score[i] += weight;
}

static void add_country(struct parse_result *r, const char *iso2, int role)
{
    int i;

    for (i = 0; i < r->ncountries; i++)
        if (strcmp(r->country[i], iso2) == 0)
            return; /* named twice: "philippines ph" */
    if (r->ncountries == PARSE_MAX_COUNTRIES)
        return;
    snprintf(r->country[r->ncountries], 3, "%.2s", iso2);
    r->role[r->ncountries++] = role;
}

static void add_money(struct parse_result *r, const char *code)
{
    if (code == NULL || code[0] == '\0')
        return;
    if (r->nmoney > 0 && strcmp(r->money[r->nmoney - 1], code) == 0)
        return;
    if (r->nmoney < PARSE_MAX_CURRENCIES)
        snprintf(r->money[r->nmoney++], 4, "%s", code);
}

static void add_currency(struct parse_result *r, const char *code)
{
    int i;

    for (i = 0; i < r->ncurrencies; i++)
        if (strcmp(r->currency[i], code) == 0)
            return;
    if (r->ncurrencies < PARSE_MAX_CURRENCIES)
        snprintf(r->currency[r->ncurrencies++], 4, "%s", code);
}

/* Whether a token names a currency, by code or through its country: "usd", "mex". */
static int token_currency(const lexicon *lx, const struct tok *t, const char *pref,
                          const struct parse_result *r, char ccy[4])
{
    const struct lex_entry *e;
    size_t ne, j;

    if (t->is_amount)
        return 0;
    ne = lex_find(lx, t->folded, &e);
    if (ne == 0)
        ne = lex_find_fuzzy(lx, t->folded, &e, NULL);
    for (j = 0; j < ne; j++) {
        if (e[j].type == LEX_CURRENCY) {
            int amb = 0, k = pick_currency(lx, e, ne, pref, r, &amb);
            memcpy(ccy, e[k].code, 4);
            return 1;
        }
    }
    for (j = 0; j < ne; j++) {
        const struct lex_country *c = e[j].type == LEX_COUNTRY ? lex_country(lx, e[j].code) : NULL;
        if (c != NULL) {
            memcpy(ccy, c->currency, 4);
            return 1;
        }
    }
    return 0;
}

/* Whether the two or three words at i name a currency ("dollars canadiens", "francos suicos"). */
static int phrase_currency(const lexicon *lx, const struct scan *sc, int i, const char *pref,
                           const struct parse_result *r, char ccy[4])
{
    int len, k;

    for (len = 3; len >= 2; len--) {
        const struct lex_entry *e;
        char phrase[100];
        size_t pl = 0, ne, j;

        if (i + len > sc->n)
            continue;
        for (k = 0; k < len && !sc->t[i + k].is_amount; k++) {
            int w = snprintf(phrase + pl, sizeof(phrase) - pl, "%s%s", k ? " " : "",
                             sc->t[i + k].folded);
            if (w < 0 || (size_t)w >= sizeof(phrase) - pl)
                break;
            pl += (size_t)w;
        }
        if (k < len)
            continue;
        ne = lex_find(lx, phrase, &e);
        for (j = 0; j < ne; j++) {
            if (e[j].type == LEX_CURRENCY) {
                int amb = 0;
                memcpy(ccy, e[pick_currency(lx, e, ne, pref, r, &amb)].code, 4);
                return 1;
            }
        }
    }
    return 0;
}

/* Whether a token is a country and no currency code ("mex" is a country, "php" a currency). */
static int lex_is_country_token(const lexicon *lx, const struct tok *t)
{
    const struct lex_entry *e;
    size_t ne = lex_find(lx, t->folded, &e), j;
    int country = 0;

    if (ne == 0 && !t->is_amount)
        ne = lex_find_fuzzy(lx, t->folded, &e, NULL);
    for (j = 0; j < ne; j++) {
        if (e[j].type == LEX_CURRENCY)
            return 0;
        if (e[j].type == LEX_COUNTRY)
            country = 1;
    }
    return country;
}

/*
 * When no phrase at token i is known exactly: the token with doubled letters made single, then
 * the nearest known two-word phrase, then the nearest word. Sets *len to the tokens used and
 * *tie to an equally near phrase, if any.
 */
static size_t find_near(const lexicon *lx, const struct scan *sc, int i, const struct lex_entry **e,
                        int *len, const char **tie)
{
    char buf[80];
    size_t ne;

    *len = 1;
    if (!sc->t[i].unknown && text_collapse(sc->t[i].folded, buf, sizeof(buf)) >= 4 &&
        strcmp(buf, sc->t[i].folded) != 0 && (ne = lex_find(lx, buf, e)) > 0)
        return ne;
    if (i + 1 < sc->n && !sc->t[i + 1].is_amount && strlen(sc->t[i + 1].folded) >= 4) {
        snprintf(buf, sizeof(buf), "%s %s", sc->t[i].folded, sc->t[i + 1].folded);
        if ((ne = lex_find_fuzzy(lx, buf, e, tie)) > 0) {
            *len = 2;
            return ne;
        }
    }
    return sc->t[i].unknown ? 0 : lex_find_fuzzy(lx, sc->t[i].folded, e, tie);
}

static int has_code(const struct parse_result *r, const char *iso2)
{
    int k;

    for (k = 0; k < r->nchoices; k++)
        if (strcmp(r->choice[k], iso2) == 0)
            return 1;
    return 0;
}

/* A place word that may mean several countries (one name for two, or two names equally near a
 * typo): keeps them all, best guess first, with where the word was in the text. */
static void note_choices(const lexicon *lx, struct parse_result *r, const struct lex_entry *e,
                         size_t ne, const char *tie, int start, int end)
{
    const struct lex_entry *te = NULL;
    size_t j, nte = tie ? lex_find(lx, tie, &te) : 0;

    r->nchoices = 0;
    for (j = 0; j < ne + nte && r->nchoices < PARSE_MAX_CHOICES; j++) {
        const struct lex_entry *x = j < ne ? &e[j] : &te[j - ne];
        if (x->type == LEX_COUNTRY && !has_code(r, x->code))
            snprintf(r->choice[r->nchoices++], 3, "%.2s", x->code);
    }
    if (r->nchoices < 2) {
        r->nchoices = 0;
        return;
    }
    r->choice_start = start;
    r->choice_end = end;
}

/* A token that is both a two-letter country code and a word ("de", "to", "sa", "au"). */
struct amb {
    int is;           /* taken as a word in this pass */
    char langs[4][4]; /* languages in which it is a word */
    int nlangs;
};

/*
 * Languages that tie share the words typed ("guia mexico"): the one spoken where the money goes
 * (the destination, else the last place or the last currency's country) wins. Returns the
 * winning index, or -1 when that does not decide it either.
 */
static int break_tie(const lexicon *lx, const struct votes *v, int top,
                     const struct parse_result *r)
{
    const char *place = NULL;
    int k, win = -1;

    for (k = 0; k < r->ncountries; k++)
        if (r->role[k] != ROLE_FROM)
            place = r->country[k]; /* the last place that is no origin */
    for (k = 0; k < r->ncountries; k++)
        if (r->role[k] == ROLE_TO)
            place = r->country[k];
    /* "bhasha hindi": the language the query names, when it is one of those that tie. */
    for (k = 0; r->target_lang[0] != '\0' && k < v->n; k++)
        if (v->score[k] == top && strcmp(v->lang[k], r->target_lang) == 0)
            return k;
    if (place == NULL && r->nmoney > 0)
        place = lex_country_of_currency(lx, r->money[r->nmoney - 1]);
    if (place == NULL)
        return -1;
    for (k = 0; k < v->n; k++) {
        if (v->score[k] != top || !lex_spoken_in(lx, v->lang[k], place))
            continue;
        if (win >= 0)
            return -1;
        win = k;
    }
    return win;
}

/* The longest phrase of at most maxw tokens from token i that the lexicon knows, never across an
 * amount: its entries into *e and its length into *len. Returns the number of entries, 0 if
 * none. */
static size_t match_longest(const lexicon *lx, const struct scan *sc, int i, int maxw,
                            const struct lex_entry **e, int *len)
{
    size_t ne = 0;
    int k;

    for (*len = maxw; *len >= 1; (*len)--) {
        char phrase[160];
        size_t pl = 0;
        int ok = 1;

        if (i + *len > sc->n)
            continue;
        for (k = 0; k < *len; k++) {
            int w;
            if (sc->t[i + k].is_amount) {
                ok = 0;
                break;
            }
            w = snprintf(phrase + pl, sizeof(phrase) - pl, "%s%s", k ? " " : "",
                         sc->t[i + k].folded);
            if (w < 0 || (size_t)w >= sizeof(phrase) - pl) {
                ok = 0;
                break;
            }
            pl += (size_t)w;
        }
        if (ok && (ne = lex_find(lx, phrase, e)) > 0)
            break;
    }
    return ne;
}

/* Token at i matched e[word], a word: it votes for its languages and may be the keyword, the
 * language LANG asks for, a direction for the next place, or TREND. */
static void take_word(const struct lex_entry *e, size_t ne, int word, int at,
                      struct parse_result *r, struct votes *v, int *pending_role)
{
    const char *kind = e[word].kind;
    size_t j;

    for (j = 0; j < ne; j++)
        if (e[j].type == LEX_WORD && strcmp(e[j].kind, kind) == 0 &&
            strcmp(kind, "language") != 0) {
            vote(v, e[j].lang, is_keyword_kind(kind) ? 3 : 1);
            v->words++;
        }
    /* A phrase may be both the keyword and the language ("bahasa indonesia"). */
    for (j = 0; j < ne && r->target_lang[0] == '\0'; j++)
        if (e[j].type == LEX_WORD && strcmp(e[j].kind, "language") == 0)
            snprintf(r->target_lang, sizeof(r->target_lang), "%s", e[j].lang);
    if (is_keyword_kind(kind)) {
        if (r->intent[0] == '\0') {
            snprintf(r->intent, sizeof(r->intent), "%s", kind);
            r->intent_at = at;
        } else if (r->nrest < PARSE_MAX_REST) /* "guide phl cost": a topic word */
            snprintf(r->rest[r->nrest++], 32, "%s", e[word].folded);
    } else if (strcmp(kind, "from") == 0) {
        *pending_role = ROLE_FROM;
    } else if (strcmp(kind, "to") == 0) {
        *pending_role = ROLE_TO;
    } else if (strcmp(kind, "trend") == 0) {
        r->trend = 1;
    } else if ((strcmp(kind, "from_post") == 0 || strcmp(kind, "to_post") == 0) &&
               r->ncountries > 0 && r->role[r->ncountries - 1] == ROLE_NONE) {
        /* A postposition gives its role to the place before it: "doha bata" is from Doha. */
        r->role[r->ncountries - 1] = kind[0] == 'f' ? ROLE_FROM : ROLE_TO;
    }
}

/* The tokens from start to end (text offsets) matched e[country], a place: it takes the pending
 * direction, brings its money, and notes the other countries the word may mean. */
static void take_country(const lexicon *lx, const struct lex_entry *e, size_t ne, int country,
                         int currency, const char *tie, int start, int end, struct parse_result *r,
                         struct votes *v, int *pending_role)
{
    const struct lex_country *c;
    int neutral = 0;
    size_t j;

    /* A code ("usa") is every language's: only names and words of one language vote. */
    for (j = 0; j < ne; j++)
        neutral |= e[j].lang[0] == '\0';
    for (j = 0; j < ne && !neutral; j++)
        if (e[j].type == LEX_COUNTRY)
            vote(v, e[j].lang, 1);
    if (r->nchoices == 0)
        note_choices(lx, r, e, ne, tie, start, end);
    add_country(r, e[country].code, *pending_role);
    *pending_role = ROLE_NONE;
    c = lex_country(lx, e[country].code);
    add_money(r, c ? c->currency : NULL);
    /* "usa" is a country here, and its currency may matter to RATE: keep it too. */
    if (currency >= 0)
        add_currency(r, e[currency].code);
}

/* The token matched e[currency], a currency word: its languages vote, and it is money. */
static void take_currency(const struct lex_entry *e, size_t ne, int currency,
                          struct parse_result *r, struct votes *v)
{
    size_t j;

    for (j = 0; j < ne; j++)
        if (e[j].type == LEX_CURRENCY && e[j].lang[0] != '\0') {
            vote(v, e[j].lang, 1);
            v->words++;
        }
    add_currency(r, e[currency].code);
    add_money(r, e[currency].code);
}

/*
 * An amount without a sign takes the currency written next to it: before it ("USD 200") unless
 * that is the second of a pair ("RATE USD PHP 200" converts 200 USD), else after it ("200 usd").
 */
static void amount_currency(const lexicon *lx, const struct scan *sc, const char *pref,
                            struct parse_result *r)
{
    int i;

    for (i = 0; i < sc->n && r->has_amount && r->amount_ccy[0] == '\0'; i++) {
        char c1[4], c2[4];
        if (!sc->t[i].is_amount)
            continue;
        if (i >= 1 && token_currency(lx, &sc->t[i - 1], pref, r, c1) &&
            !lex_is_country_token(lx, &sc->t[i - 1]) &&
            (i < 2 || !token_currency(lx, &sc->t[i - 2], pref, r, c2)))
            memcpy(r->amount_ccy, c1, 4);
        else if (phrase_currency(lx, sc, i + 1, pref, r, c1))
            memcpy(r->amount_ccy, c1, 4);
        else if (i + 1 < sc->n && token_currency(lx, &sc->t[i + 1], pref, r, c1) &&
                 !lex_is_country_token(lx, &sc->t[i + 1]))
            memcpy(r->amount_ccy, c1, 4);
        break;
    }
}

/* The reply language from the votes: a clear winner, else break_tie(), else none. */
static void elect_lang(const lexicon *lx, const struct votes *v, struct parse_result *r)
{
    int k, best = -1, vtie = 0;

    for (k = 0; k < v->n; k++) {
        if (best < 0 || v->score[k] > v->score[best]) {
            best = k;
            vtie = 0;
        } else if (v->score[k] == v->score[best]) {
            vtie = 1;
        }
    }
    if (best >= 0 && vtie)
        best = v->words == 0 ? -1 : break_tie(lx, v, v->score[best], r);
    if (best >= 0)
        snprintf(r->lang, sizeof(r->lang), "%s", v->lang[best]);
}

/* The consent words that end or resume every message to a number (STOP, START): only the whole
 * message, or the first word of a short one, is one. */
static int whole_kind(const char *kind)
{
    return strcmp(kind, "stop") == 0 || strcmp(kind, "start") == 0;
}

/* Whether the len tokens from i are as typed (no 0 read as o, no piece of a run-together word). */
static int as_typed(const struct scan *sc, int i, int len)
{
    int k;

    for (k = i; k < i + len && k < sc->n; k++)
        if (sc->t[k].altered)
            return 0;
    return 1;
}

/*
 * One pass over the tokens. flip[i]: take token i as a country code, not as a word. A consent
 * word (lex_exact_kind) counts only matched exactly and as typed; STOP and START only at token
 * consent_at (-1: nowhere). Anywhere else such a word is a word like any unknown one.
 */
static int parse_pass(const lexicon *lx, const struct scan *sc, const unsigned char *flip,
                      const char *pref, int consent_at, struct parse_result *r, struct amb *amb,
                      int *ccy_amb)
{
    struct votes v;
    int i = 0, pending_role = ROLE_NONE, ambiguous = 0;
    const char *tie;
    int maxw = lex_max_words(lx);

    memset(r, 0, sizeof(*r));
    memset(&v, 0, sizeof(v));
    r->tokens = sc->n;
    while (i < sc->n) {
        const struct lex_entry *e = NULL;
        size_t ne = 0, j;
        int len, word = -1, country = -1, currency = -1, code2 = 0, typed;

        if (sc->t[i].is_amount) {
            if (!r->has_amount) {
                r->has_amount = 1;
                r->amount = sc->t[i].amount;
                r->amount_too_large = !(r->amount <= PARSE_AMOUNT_MAX); /* NaN, inf too */
                memcpy(r->amount_ccy, sc->t[i].ccy, 4);
                r->amount_start = sc->t[i].start;
                r->amount_end = sc->t[i].end;
            }
            i++;
            continue;
        }
        ne = match_longest(lx, sc, i, maxw, &e, &len);
        tie = NULL;
        typed = ne > 0 && as_typed(sc, i, len);
        if (ne == 0)
            ne = find_near(lx, sc, i, &e, &len, &tie);
        for (j = 0; j < ne; j++) {
            if (e[j].type == LEX_WORD && lex_exact_kind(e[j].kind) &&
                (!typed || (whole_kind(e[j].kind) && i != consent_at)))
                continue; /* "shop fee usa mex" is no STOP, nor "how do I stop paying" */
            if (e[j].type == LEX_WORD && (word < 0 || is_keyword_kind(e[j].kind)))
                word = (int)j;
            else if (e[j].type == LEX_COUNTRY && country < 0)
                country = (int)j;
            else if (e[j].type == LEX_CURRENCY && currency < 0)
                currency = pick_currency(lx, e, ne, pref, r, ccy_amb);
            if (e[j].type == LEX_COUNTRY && strcmp(e[j].kind, "iso2") == 0)
                code2 = 1;
        }
        if (word < 0 && country < 0 && currency < 0) {
            if (r->nrest < PARSE_MAX_REST)
                snprintf(r->rest[r->nrest++], 32, "%s", sc->t[i].folded);
            i++;
            continue;
        }
        /* A bare two-letter code that is also a word ("to", "de", "sa") is a word unless the
         * caller flips it; a real country name always beats a word. */
        if (word >= 0 && country >= 0) {
            if (flip[i] || !code2 || len > 1) {
                word = -1;
            } else {
                ambiguous++;
                amb[i].is = 1;
                for (j = 0; j < ne && amb[i].nlangs < 4; j++)
                    if (e[j].type == LEX_WORD)
                        snprintf(amb[i].langs[amb[i].nlangs++], 4, "%s", e[j].lang);
                country = -1;
            }
        }
        if (word >= 0)
            take_word(e, ne, word, i, r, &v, &pending_role);
        else if (country >= 0)
            take_country(lx, e, ne, country, currency, tie, sc->t[i].start, sc->t[i + len - 1].end,
                         r, &v, &pending_role);
        else if (currency >= 0)
            take_currency(e, ne, currency, r, &v);
        i += len;
    }
    amount_currency(lx, sc, pref, r);
    elect_lang(lx, &v, r);
    return ambiguous;
}

/* Whether an ambiguous token should be read as a country after all: when the query lacks a
 * place and the token is no word of the query's language ("au" in an English query, "de" after
 * FEE). A word of the query's own language stays a word: "costo de mexico" is never Germany. */
static int should_flip(const struct amb *a, const struct parse_result *r)
{
    int k;

    if (r->lang[0] == '\0' || r->ncountries >= 2)
        return 0; /* two places already: "from saudi to pinas" needs no Tonga */
    for (k = 0; k < a->nlangs; k++)
        if (strcmp(a->langs[k], r->lang) == 0)
            return 0;
    return 1;
}

/* "GUIDE KE", a topic "KE" alone: a code that is also a word in some language ("ke"
 * is Hindi's "of" and Indonesian's "to") is the place when it is all there is besides the
 * keyword, and the keyword asks for a place (GUIDE, JOIN, LEAVE, FEE); never after a consent
 * word ("unsubscribe me", "hinto na") or HELP ("help me"). */
static int bare_code(const struct scan *sc, const struct amb *a, const struct parse_result *r)
{
    int k;

    if (sc->n > 2 || r->ncountries > 0 || r->ncurrencies > 0)
        return 0;
    if (sc->n == 1)
        return r->intent[0] == '\0';
    for (k = 0; k < a->nlangs; k++)
        if (strcmp(a->langs[k], r->lang) == 0)
            return 0; /* "guide me": a word of the keyword's own language */
    return strcmp(r->intent, "guide") == 0 || strcmp(r->intent, "join") == 0 ||
           strcmp(r->intent, "leave") == 0 || strcmp(r->intent, "fee") == 0;
}

/* Whether token t is a filler word ("please", "po", "svp", "me") and no other word; a
 * two-letter code it also is ("me", "it") is read as the word first, and is not counted. */
static int is_filler(const lexicon *lx, const struct tok *t)
{
    const struct lex_entry *e;
    size_t ne, j;
    int filler = 0;

    if (t->is_amount || (ne = lex_find(lx, t->folded, &e)) == 0)
        return 0;
    for (j = 0; j < ne; j++) {
        if (e[j].type == LEX_WORD && strcmp(e[j].kind, "filler") != 0)
            return 0;
        filler |= e[j].type == LEX_WORD;
    }
    return filler;
}

/*
 * The token a consent word (STOP, START) or another short command (MY) must be: the first word
 * but filler ("please stop", "stop po", "tigil na po"), in a message of at most
 * PARSE_SHORT_WORDS words but filler. -1 when the message is longer.
 */
static int short_lead(const lexicon *lx, const struct scan *sc)
{
    int i, lead = -1, words = 0;

    for (i = 0; i < sc->n; i++) {
        if (is_filler(lx, &sc->t[i]))
            continue;
        if (lead < 0)
            lead = i;
        words++;
    }
    return words <= PARSE_SHORT_WORDS ? lead : -1;
}

/* The passes over the tokens: the first, then again when a code should be a country after all,
 * or a currency word's language is now known. */
static void parse_read(const lexicon *lx, const struct scan *sc, int consent_at,
                       struct parse_result *out)
{
    static const unsigned char none[MAX_TOKENS];
    unsigned char flip[MAX_TOKENS];
    struct amb amb[MAX_TOKENS];
    int i, nflip = 0, ccy_amb = 0, ambiguous;

    memset(amb, 0, sizeof(amb));
    ambiguous = parse_pass(lx, sc, none, NULL, consent_at, out, amb, &ccy_amb);
    memset(flip, 0, sizeof(flip));
    for (i = 0; ambiguous && i < sc->n; i++)
        if (amb[i].is && (should_flip(&amb[i], out) || bare_code(sc, &amb[i], out))) {
            flip[i] = 1;
            nflip++;
        }
    /* Again when a code should be a country after all, or a currency word means different
     * currencies in different languages and the query's language now says which. */
    if (nflip > 0 || (ccy_amb && out->lang[0] != '\0')) {
        struct parse_result alt;
        char lang[sizeof(out->lang)];
        memcpy(lang, out->lang, sizeof(lang));
        memset(amb, 0, sizeof(amb));
        parse_pass(lx, sc, flip, lang, consent_at, &alt, amb, &ccy_amb);
        if (alt.intent[0] == '\0') {
            memcpy(alt.intent, out->intent, sizeof(alt.intent));
            alt.intent_at = out->intent_at;
        }
        if (alt.lang[0] == '\0')
            memcpy(alt.lang, lang, sizeof(alt.lang));
        *out = alt;
    }
}

int parse_query(const lexicon *lx, const char *text, struct parse_result *out)
{
    struct scan sc;
    int i, lead;

    parse_scan(lx, text ? text : "", &sc);
    lead = short_lead(lx, &sc);
    parse_read(lx, &sc, lead, out);
    out->native = sc.native;
    /* A consent word before a question ("stop fee usa mex", "end 200 mexico", "resume usd php")
     * is no consent: the question is read without it. One currency code is no question ("stop
     * all": ALL is the lek). */
    if (whole_kind(out->intent) &&
        (out->ncountries > 0 || out->has_amount || out->ncurrencies >= 2)) {
        parse_read(lx, &sc, -1, out);
        out->native = sc.native;
    }
    out->intent_lead = out->intent[0] != '\0' && out->intent_at == lead;
    /* "-50": the scanner keeps the digits; the sign right before them says it is negative. */
    if (out->has_amount && text != NULL && out->amount_start > 0 &&
        text[out->amount_start - 1] == '-' &&
        (out->amount_start == 1 || text[out->amount_start - 2] == ' '))
        out->amount_negative = 1;
    /* "LANG FR": a language code is a country code too ("es", "pt"); after LANG it is a
     * language. */
    if (strcmp(out->intent, "lang") == 0 && out->target_lang[0] == '\0') {
        for (i = 0; i < sc.n; i++) {
            if (!sc.t[i].is_amount && lex_lang(lx, sc.t[i].folded) != NULL) {
                snprintf(out->target_lang, sizeof(out->target_lang), "%.3s", sc.t[i].folded);
                break;
            }
        }
        /* "LANG DE": a code of a language we do not have is answered as such, not read as
         * whatever word it also is (DE is French for "from"). */
        for (i = out->intent_at + 1; out->target_lang[0] == '\0' && i < sc.n; i++) {
            if (!sc.t[i].is_amount && strlen(sc.t[i].folded) == 2 &&
                isalpha((unsigned char)sc.t[i].folded[0]) &&
                isalpha((unsigned char)sc.t[i].folded[1])) {
                snprintf(out->asked_lang, sizeof(out->asked_lang), "%.2s", sc.t[i].folded);
                break;
            }
        }
    }
    return 0;
}
