/*
 * The languages written in Arabic, Devanagari and Bengali script, and Swahili and Indonesian, as
 * shipped: every template of every one, measured as the reply would be sent. A template in the
 * language's own script (its `native` group) goes out in UCS-2, 70 characters an SMS: filled with
 * the values a compact reply carries (ISO3 codes, a short amount, a source and date), it must fit
 * one, and so must the romanised form in GSM-7's 160. Where a placeholder holds text of any
 * length (a guide's text, a list of providers or topics), the template's own words must leave
 * room for it. Prints every measurement.
 */
#include "testutil.h"

#include "conf/import.h"
#include "db/vocab.h"
#include "handlers/lexicon.h"
#include "util/gsm.h"

static const char *const new_langs[] = {"ar", "hi", "ur", "bn", "ne", "sw", "id"};

/* Values as a compact reply (level 1 and up) fills them. */
static const struct {
    const char *key, *val;
} values[] = {
    {"from", "QAT"},
    {"to", "NPL"},
    {"amount", "QAR500"},
    {"pct", "4.6%"},
    {"cost", "QAR23.21"},
    {"value", "NPR19560"},
    {"arrive", ""},
    {"src", "WB 2020Q3"},
    {"hint", "RATE QAR NPR"},
    {"ccy_from", "QAR"},
    {"ccy_to", "NPR"},
    {"base", "SAR"},
    {"quote", "PHP"},
    {"rate", "16.0575"},
    {"conv", ""},
    {"date", "13Apr26"},
    {"derived", ", d"},
    {"code", "NPL"},
    {"country", "NPL"},
    {"topic", "permit"},
    {"n", "1"},
    {"name", "Alpha"},
    {"fee", "QAR15"},
    {"denom", "200"},
    {"period", "2020Q3"},
    {"wait", "1 h"},
    {"query", "JOIN NP"},
    /* Every language shipped, as LANG lists them: the list grows with each language added. */
    {"langs", "AR, BN, EN, ES, FR, HI, ID, NE, PT, SW, TL, UR"},
};
/* Placeholders whose text has no bound here: the template leaves room for them. */
static const char *const open_keys[] = {"text", "list", "topics", "trend"};
#define ROOM_UCS2 40  /* of 70 */
#define ROOM_GSM7 100 /* of 160 */

static int is_open(const char *key, size_t n)
{
    for (size_t i = 0; i < sizeof(open_keys) / sizeof(open_keys[0]); i++)
        if (strlen(open_keys[i]) == n && strncmp(open_keys[i], key, n) == 0)
            return 1;
    return 0;
}

/* Fills the placeholders of t into out; sets *open when one of them is unbounded. */
static void fill(const char *t, char *out, size_t outsz, int *open)
{
    size_t o = 0;

    *open = 0;
    while (*t && o + 1 < outsz) {
        const char *close = *t == '{' ? strchr(t, '}') : NULL;
        if (close == NULL) {
            out[o++] = *t++;
            continue;
        }
        {
            size_t n = (size_t)(close - t - 1);
            const char *val = "";
            if (is_open(t + 1, n))
                *open = 1;
            for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
                if (strlen(values[i].key) == n && strncmp(values[i].key, t + 1, n) == 0)
                    val = values[i].val;
            o += (size_t)snprintf(out + o, outsz - o, "%s", val);
            if (o >= outsz)
                o = outsz - 1;
        }
        t = close + 1;
    }
    out[o] = '\0';
}

/* The templates the prices work added for every language (README, "Adding a language"). */
static const char *const prices_tpl[] = {"amount_invalid", "amount_which", "fee_basis_far",
                                         "fee_avg_far",    "rate_unknown", "lang_unknown"};
#define NPRICES (sizeof(prices_tpl) / sizeof(prices_tpl[0]))
#define NLANGS  (sizeof(new_langs) / sizeof(new_langs[0]))

struct tally {
    int templates, native, failed;
    int have[NLANGS][2][NPRICES]; /* per language, romanised/native: which of prices_tpl */
    int lang_need_lists[NLANGS][2];
    char basis_far[NLANGS][2][256], avg_far[NLANGS][2][256];
};

static int on_template(void *arg, const char *lang, const char *name, const char *text)
{
    struct tally *t = arg;
    size_t np = strlen(DB_TEMPLATE_NATIVE), i;
    int native = strncmp(name, DB_TEMPLATE_NATIVE, np) == 0, open = 0, ours = 0, ussd;
    char filled[1024];
    struct gsm_info gi;
    size_t limit;

    for (i = 0; i < NLANGS && !ours; i++)
        ours = strcmp(lang, new_langs[i]) == 0;
    if (!ours)
        return 0;
    i--;
    {
        const char *bare = name + (native ? np : 0);
        size_t k;
        for (k = 0; k < NPRICES; k++)
            t->have[i][native][k] |= strcmp(bare, prices_tpl[k]) == 0;
        if (strcmp(bare, "lang_need") == 0)
            t->lang_need_lists[i][native] = strstr(text, "{langs}") != NULL;
        if (strcmp(bare, "fee_basis_far") == 0)
            snprintf(t->basis_far[i][native], sizeof(t->basis_far[0][0]), "%s", text);
        if (strcmp(bare, "fee_avg_far") == 0)
            snprintf(t->avg_far[i][native], sizeof(t->avg_far[0][0]), "%s", text);
    }
    ussd = strncmp(name + (native ? np : 0), "ussd_", 5) == 0;
    fill(text, filled, sizeof(filled), &open);
    assert_int_equal(gsm_measure(filled, &gi), 0);
    t->templates++;
    t->native += native;
    if (native) {
        limit = open ? ROOM_UCS2 : GSM_SINGLE_UNITS;
        printf("%s %-26s UCS-2 %3zu/%zu%s\n", lang, name, gi.units, limit, open ? " (room)" : "");
    } else {
        /* A romanised template is for basic phones: GSM-7, never UCS-2. */
        if (gi.coding != GSM_CODING_GSM7) {
            printf("FAIL %s %s: not GSM-7: %s\n", lang, name, filled);
            t->failed++;
        }
        limit = ussd ? 182 : open ? ROOM_GSM7 : GSM_SINGLE_SEPTETS;
        printf("%s %-26s GSM-7 %3zu/%zu%s\n", lang, name, gi.units, limit, open ? " (room)" : "");
    }
    if (gi.units > limit) {
        printf("FAIL %s %s: %zu > %zu: %s\n", lang, name, gi.units, limit, filled);
        t->failed++;
    }
    return 0;
}

static void test_every_template_fits(void **state)
{
    const char *paths[16];
    int npaths = 0;
    struct conf_errs errs;
    struct import_stats st;
    static struct tally t;
    db *d = db_open(":memory:");
    size_t i;

    (void)state;
    assert_non_null(d);
    for (i = 0; i < sizeof(new_langs) / sizeof(new_langs[0]); i++) {
        static char buf[16][256];
        snprintf(buf[i], sizeof(buf[i]), "%s/lang-%s.conf", RL_CONTENT, new_langs[i]);
        paths[npaths++] = buf[i];
    }
    paths[npaths++] = RL_CONTENT "/lang-en.conf";
    conf_errs_init(&errs);
    if (conf_import(d, paths, npaths, CONF_FORMAT_UNKNOWN, 0, &errs, &st) != 0) {
        conf_errs_print(&errs, stderr);
        fail_msg("the language files do not import");
    }
    assert_true(db_templates_each(d, on_template, &t) >= 0);
    printf("%d templates measured, %d of them in the language's own script\n", t.templates,
           t.native);
    /* Every new language has all its templates; five have a native group. */
    assert_true(t.templates >= 7 * 64 + 5 * 37);
    assert_true(t.native >= 5 * 37);
    assert_int_equal(t.failed, 0);
    /* Every one has the prices templates, its own list of languages in lang_need, and an
     * average far from the survey still fits one SMS with the note inside its amount. */
    for (i = 0; i < NLANGS; i++) {
        int native, has_native = t.have[i][1][0] || t.lang_need_lists[i][1];
        for (native = 0; native <= has_native; native++) {
            char *avg = t.avg_far[i][native], with[640], filled[1024];
            struct gsm_info gi;
            int open;
            size_t k, limit = native ? GSM_SINGLE_UNITS : GSM_SINGLE_SEPTETS;
            for (k = 0; k < NPRICES; k++)
                if (!t.have[i][native][k])
                    fail_msg("%s %s: no %s", new_langs[i], native ? "native" : "templates",
                             prices_tpl[k]);
            if (!t.lang_need_lists[i][native])
                fail_msg("%s lang_need does not list the languages ({langs})", new_langs[i]);
            for (k = 0; avg[k] != '\0'; k++)
                if (strncmp(avg + k, "{amount}", 8) == 0)
                    break;
            assert_true(avg[k] != '\0');
            /* {amount} as the far reply fills it: the amount, then the note on its basis. */
            snprintf(with, sizeof(with), "%.*sQAR50000 %s%s", (int)k, avg, t.basis_far[i][native],
                     avg + k + 8);
            fill(with, filled, sizeof(filled), &open);
            assert_int_equal(gsm_measure(filled, &gi), 0);
            printf("%s far average%s %zu/%zu: %s\n", new_langs[i], native ? " (native)" : "",
                   gi.units, limit, filled);
            assert_true(gi.units <= limit);
        }
    }
    conf_errs_free(&errs);
    db_close(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_template_fits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
