/*
 * The corpus: every line of the .tsv files in tests/corpus (what people really text, with the
 * language, intent and slots the gateway should understand) is parsed as the router would answer
 * it. Prints accuracy per language and every miss; fails under 95% overall or in any language.
 *
 * Content: the shipped language files; the shipped countries.conf when it is there, else the
 * fixture tests/fixtures/content/corpus-countries.conf (names in five languages).
 *
 * Consent (the .tsv files in tests/corpus/consent, the same columns): opt-out and opt-in forms
 * people send (intent stop or start), and ordinary messages that start with or hold a word near a
 * consent word. Each is answered by handler_answer() as an SMS would be; the consent it records and
 * the keyword that answers must be right for every line (one miss fails), because a wrong STOP
 * silences a person for good and a missed one keeps texting someone who said no. Their slots and
 * language count, under the name "consent", toward the 95% like the rest.
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/import.h"
#include "handlers/handler.h"
#include "db/db.h"
#include "handlers/internal.h"
#include "handlers/lexicon.h"
#include "handlers/parse.h"

#define BAR        0.95
#define MAX_LANGS  16
#define MAX_SLOTS  8
#define SLOT_CHARS 24

struct tally {
    char lang[8];
    int total, ok;
};

/* Sorted space-separated slots, so "to=MX from=US" equals "from=US to=MX". */
static void canon(const char *in, char *out, size_t outsz)
{
    char copy[256], *tok, *save = NULL;
    char slots[MAX_SLOTS][SLOT_CHARS];
    int n = 0, i, j;
    size_t o = 0;

    snprintf(copy, sizeof(copy), "%s", in);
    for (tok = strtok_r(copy, " \t", &save); tok && n < MAX_SLOTS;
         tok = strtok_r(NULL, " \t", &save))
        snprintf(slots[n++], SLOT_CHARS, "%s", tok);
    for (i = 1; i < n; i++)
        for (j = i; j > 0 && strcmp(slots[j - 1], slots[j]) > 0; j--) {
            char t[SLOT_CHARS];
            memcpy(t, slots[j], SLOT_CHARS);
            memcpy(slots[j], slots[j - 1], SLOT_CHARS);
            memcpy(slots[j - 1], t, SLOT_CHARS);
        }
    out[0] = '\0';
    for (i = 0; i < n && o < outsz; i++)
        o += (size_t)snprintf(out + o, outsz - o, "%s%s", i ? " " : "", slots[i]);
}

static size_t add_slot(char *out, size_t o, size_t outsz, const char *key, const char *val)
{
    int w;

    if (o >= outsz)
        return o;
    w = snprintf(out + o, outsz - o, "%s%s=%s", o ? " " : "", key, val);
    return o + (size_t)(w > 0 ? w : 0);
}

/* What the router would answer: intent and the slots it would use. */
static void understand(const lexicon *lx, const char *query, char *intent, size_t isz, char *lang,
                       size_t lsz, char *slots, size_t ssz)
{
    struct parse_result p;
    const char *src = NULL, *dst = NULL;
    char amount[32], raw[256];
    size_t o = 0;

    parse_query(lx, query, &p);
    snprintf(intent, isz, "%s", router_intent(&p));
    snprintf(lang, lsz, "%s", p.lang);
    snprintf(amount, sizeof(amount), "%g", p.amount);
    raw[0] = '\0';
    if (strcmp(intent, "fee") == 0) {
        fee_places(lx, &p, NULL, &src, &dst);
        if (src)
            o = add_slot(raw, o, sizeof(raw), "from", src);
        if (dst)
            o = add_slot(raw, o, sizeof(raw), "to", dst);
    } else if (strcmp(intent, "rate") == 0 && p.nmoney >= 2) {
        char pair[16];
        snprintf(pair, sizeof(pair), "%s/%s", p.money[0], p.money[1]);
        o = add_slot(raw, o, sizeof(raw), "pair", pair);
    } else if (strcmp(intent, "guide") == 0 && p.ncountries > 0) {
        o = add_slot(raw, o, sizeof(raw), "country", p.country[0]);
    } else if (strcmp(intent, "lang") == 0 && p.target_lang[0]) {
        o = add_slot(raw, o, sizeof(raw), "lang", p.target_lang);
    }
    if ((strcmp(intent, "fee") == 0 || strcmp(intent, "rate") == 0) && p.has_amount) {
        o = add_slot(raw, o, sizeof(raw), "amount", amount);
        if (p.amount_ccy[0])
            o = add_slot(raw, o, sizeof(raw), "ccy", p.amount_ccy);
    }
    canon(raw, slots, ssz);
}

/* Whether handler_answer() answers query with the intent want, recording the consent a
 * stop or start line asks for and none for any other line, and saying something. Prints a miss. */
static int consent_hit(handler_ctx *h, const char *name, int lineno, const char *query,
                       const char *want)
{
    struct handler_query q = {.text = query, .now = 1767225600};
    struct handler_reply r;
    int consent = strcmp(want, "stop") == 0 || strcmp(want, "start") == 0;

    if (handler_answer(h, &q, &r) < 0) {
        printf("CONSENT MISS %s:%d: \"%s\": the handlers failed\n", name, lineno, query);
        return 0;
    }
    if (strcmp(r.intent, want) == 0 && strcmp(r.consent, consent ? want : "") == 0 && !r.silent)
        return 1;
    printf("CONSENT MISS %s:%d: \"%s\"\n     want %s%s\n     got  %s consent=%s%s\n", name, lineno,
           query, want, consent ? " (consent recorded)" : " (no consent)", r.intent,
           r.consent[0] ? r.consent : "none", r.silent ? " silent" : "");
    return 0;
}

static struct tally *tally_of(struct tally *t, int *n, const char *lang)
{
    int i;

    for (i = 0; i < *n; i++)
        if (strcmp(t[i].lang, lang) == 0)
            return &t[i];
    if (*n == MAX_LANGS)
        return &t[MAX_LANGS - 1];
    memset(&t[*n], 0, sizeof(t[0]));
    snprintf(t[*n].lang, sizeof(t[0].lang), "%s", lang);
    return &t[(*n)++];
}

int main(void)
{
    const char *paths[32];
    struct conf_errs errs;
    struct import_stats st;
    struct tally tally[MAX_LANGS];
    glob_t langs, corpus;
    int npaths = 0, ntally = 0, total = 0, ok = 0, failed = 0, i, nconsent = 0, consent_ok = 0;
    size_t k;
    lexicon *lx = NULL;
    handler_ctx *h = NULL;
    db *d = NULL;

    memset(&langs, 0, sizeof(langs));
    memset(&corpus, 0, sizeof(corpus));
    if (glob(RL_CONTENT "/lang-*.conf", 0, NULL, &langs) != 0 ||
        glob(RL_CORPUS "/*.tsv", 0, NULL, &corpus) != 0 ||
        glob(RL_CORPUS "/consent/*.tsv", GLOB_APPEND, NULL, &corpus) != 0) {
        fprintf(stderr, "test_corpus: no language files, no corpus or no consent corpus\n");
        return 1;
    }
    for (k = 0; k < langs.gl_pathc && npaths < 30; k++)
        paths[npaths++] = langs.gl_pathv[k];
    if (access(RL_CONTENT "/countries.conf", R_OK) == 0)
        paths[npaths++] = RL_CONTENT "/countries.conf";
    else
        paths[npaths++] = RL_FIXTURES "/content/corpus-countries.conf";
    printf("countries from %s\n", paths[npaths - 1]);
    conf_errs_init(&errs);
    d = db_open(":memory:");
    if (d == NULL || conf_import(d, paths, npaths, CONF_FORMAT_UNKNOWN, 0, &errs, &st) != 0 ||
        (lx = lex_load(d)) == NULL || (h = handler_open(d, NULL)) == NULL) {
        conf_errs_print(&errs, stderr);
        failed = 1;
        goto out;
    }
    for (k = 0; k < corpus.gl_pathc; k++) {
        FILE *fp = fopen(corpus.gl_pathv[k], "r");
        char line[512];
        int lineno = 0, consent = strstr(corpus.gl_pathv[k], "/consent/") != NULL;

        if (fp == NULL) {
            perror(corpus.gl_pathv[k]);
            failed = 1;
            continue;
        }
        while (fgets(line, sizeof(line), fp) != NULL) {
            char *f[4] = {NULL, NULL, NULL, NULL}, *p = line;
            char intent[16], lang[8], got[256], want[256];
            const char *name = strrchr(corpus.gl_pathv[k], '/') + 1;
            struct tally *t;
            int nf = 0, hit;

            lineno++;
            line[strcspn(line, "\r\n")] = '\0';
            if (line[0] == '\0' || line[0] == '#')
                continue;
            while (nf < 4) {
                f[nf++] = p;
                p = strchr(p, '\t');
                if (p == NULL)
                    break;
                *p++ = '\0';
            }
            if (nf < 3) {
                printf("%s:%d: needs query, language, intent and slots\n", name, lineno);
                failed = 1;
                continue;
            }
            understand(lx, f[0], intent, sizeof(intent), lang, sizeof(lang), got, sizeof(got));
            canon(f[3] ? f[3] : "", want, sizeof(want));
            hit = strcmp(intent, f[2]) == 0 && strcmp(got, want) == 0 &&
                  (strcmp(f[1], "-") == 0 || strcmp(lang, f[1]) == 0);
            if (consent) {
                nconsent++;
                if (consent_hit(h, name, lineno, f[0], f[2]))
                    consent_ok++;
                else
                    failed = 1;
            }
            t = tally_of(tally, &ntally, consent ? "consent" : (char[3]){name[0], name[1], 0});
            t->total++;
            t->ok += hit;
            total++;
            ok += hit;
            if (!hit)
                printf("MISS %s:%d: \"%s\"\n     want %s lang=%s %s\n     got  %s lang=%s %s\n",
                       name, lineno, f[0], f[2], f[1], want, intent, lang[0] ? lang : "?", got);
        }
        fclose(fp);
    }
    printf("\n");
    for (i = 0; i < ntally; i++) {
        double acc = tally[i].total ? (double)tally[i].ok / tally[i].total : 0;
        printf("%s: %d/%d = %.1f%%%s\n", tally[i].lang, tally[i].ok, tally[i].total, acc * 100,
               acc < BAR ? "  (below 95%)" : "");
        if (acc < BAR)
            failed = 1;
    }
    printf("all: %d/%d = %.1f%%\n", ok, total, total ? 100.0 * ok / total : 0);
    printf("consent: %d/%d lines with the right consent and keyword (every one must be)\n",
           consent_ok, nconsent);
    if (nconsent == 0)
        failed = 1;
    if (total == 0 || (double)ok / total < BAR)
        failed = 1;
out:
    conf_errs_free(&errs);
    handler_close(h);
    lex_free(lx);
    db_close(d);
    globfree(&langs);
    globfree(&corpus);
    return failed;
}
