/* The parser: keywords, places, amounts, languages, ambiguous two-letter codes. */
#include "testutil.h"

#include "handlers/lexicon.h"
#include "handlers/parse.h"
#include "util/text.h"

struct fixture {
    db *d;
    lexicon *lx;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    f->d = test_world_db();
    f->lx = lex_load(f->d);
    assert_non_null(f->lx);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    lex_free(f->lx);
    db_close(f->d);
    free(f);
    return 0;
}

static struct parse_result parse(void **state, const char *text)
{
    struct fixture *f = *state;
    struct parse_result r;
    parse_query(f->lx, text, &r);
    return r;
}

static void test_fold(void **state)
{
    char out[64];

    (void)state;
    text_fold("  Sénégal,  CÔTE d'Ivoire ", (size_t)-1, out, sizeof(out));
    assert_string_equal(out, "senegal cote divoire");
    text_fold("U.S.A.", (size_t)-1, out, sizeof(out));
    assert_string_equal(out, "usa");
    text_fold("Straße-Öl", (size_t)-1, out, sizeof(out));
    assert_string_equal(out, "strasse ol");
    text_fold("\xff\xfe bad", (size_t)-1, out, sizeof(out));
    assert_string_equal(out, "bad");
    /* Cut at a whole word when the output is too small. */
    text_fold("alpha beta gamma", (size_t)-1, out, 12);
    assert_string_equal(out, "alpha beta");
}

/* Arabic, Urdu, Devanagari and Bengali spellings of one word meet; their digits are digits. */
static void test_fold_scripts(void **state)
{
    char a[128], b[128];
    double v = 0;

    (void)state;
    /* Diacritics and tatweel go; hamza-on-alef is alef; ta marbuta is heh; alef maqsura yeh. */
    text_fold(
        "\u0627\u0644\u0633\u0651\u064e\u0639\u0652\u0648\u062f\u0650\u064a\u0651\u064e\u0629",
        (size_t)-1, a, sizeof(a));
    text_fold("\u0627\u0644\u0633\u0639\u0648\u062f\u064a\u0647", (size_t)-1, b, sizeof(b));
    assert_string_equal(a, b);
    text_fold("\u0623\u0645\u0631\u064a\u0643\u0627 \u0645\u0640\u0635\u0631", (size_t)-1, a,
              sizeof(a));
    text_fold("\u0627\u0645\u0631\u064a\u0643\u0627 \u0645\u0635\u0631", (size_t)-1, b, sizeof(b));
    assert_string_equal(a, b);
    text_fold("\u0639\u0644\u0649", (size_t)-1, a, sizeof(a));
    text_fold("\u0639\u0644\u064a", (size_t)-1, b, sizeof(b));
    assert_string_equal(a, b);
    /* The article and the particles written onto it go; a short word keeps its letters. */
    text_fold("\u0627\u0644\u0633\u0639\u0648\u062f\u064a\u0629 "
              "\u0628\u0627\u0644\u062c\u0646\u064a\u0647 \u0644\u0644\u0647\u0646\u062f "
              "\u0627\u0644\u0649",
              (size_t)-1, a, sizeof(a));
    text_fold("\u0633\u0639\u0648\u062f\u064a\u0647 \u062c\u0646\u064a\u0647 \u0647\u0646\u062f "
              "\u0627\u0644\u064a",
              (size_t)-1, b, sizeof(b));
    assert_string_equal(a, b);
    /* Urdu keheh, Farsi yeh and heh goal are the Arabic letters. */
    text_fold("\u06a9\u062a\u0646\u06cc \u06c1\u06d2", (size_t)-1, a, sizeof(a));
    text_fold("\u0643\u062a\u0646\u064a \u0647\u064a", (size_t)-1, b, sizeof(b));
    assert_string_equal(a, b);
    /* Devanagari: nukta and chandrabindu variants; danda separates. */
    text_fold("\u095b\u093f\u0902\u0926\u0917\u0940", (size_t)-1, a, sizeof(a));
    text_fold("\u091c\u093c\u093f\u0901\u0926\u0917\u0940", (size_t)-1, b, sizeof(b));
    assert_string_equal(a, b);
    text_fold("\u0928\u0947\u092a\u093e\u0932\u0964\u0915\u0924\u093e\u0930", (size_t)-1, a,
              sizeof(a));
    assert_non_null(strchr(a, ' '));
    /* Bengali: precomposed and nukta forms meet; zero-width joiners vanish inside words. */
    text_fold("\u099f\u09be\u0995\u09be\u200c \u09dc", (size_t)-1, a, sizeof(a));
    text_fold("\u099f\u09be\u0995\u09be \u09a1\u09bc", (size_t)-1, b, sizeof(b));
    assert_string_equal(a, b);
    /* Digits of four scripts, and the Arabic decimal separator. */
    text_fold("\u0665\u0660\u0660 \u06f5\u06f0 \u096b\u0966 \u09eb\u09e6", (size_t)-1, a,
              sizeof(a));
    assert_string_equal(a, "500 50 50 50");
    text_digits("\u0662\u066b\u0665", strlen("\u0662\u066b\u0665"), a, sizeof(a));
    assert_string_equal(a, "2.5");
    assert_int_equal(text_number(a, strlen(a), &v), 3);
    assert_true(v > 2.49 && v < 2.51);
    text_digits("\u0661\u066c\u0665\u0660\u0660 riyal",
                strlen("\u0661\u066c\u0665\u0660\u0660 riyal"), a, sizeof(a));
    assert_string_equal(a, "1,500 riyal");
}

/* An amount in another script's digits is an amount; a digit inside a word (Arabizi "sa3odeya")
 * is a letter, and the word is no amount. */
static void test_native_amounts(void **state)
{
    struct parse_result r = parse(state, "FEE USA PHL \u0665\u0660\u0660");
    assert_true(r.has_amount);
    assert_true(r.amount == 500);
    assert_false(r.native); /* digits are no script */
    r = parse(state, "FEE USA PHL \u0968\u0966\u0966");
    assert_true(r.amount == 200);
    r = parse(state, "FEE USA PHL \u09e7\u09e6\u09e6\u09e6");
    assert_true(r.amount == 1000);
    r = parse(state, "FEE USA PHL \u06f1\u06f5\u06f0");
    assert_true(r.amount == 150);
    r = parse(state, "FEE USA PHL \u0662\u066b\u0665");
    assert_true(r.amount > 2.49 && r.amount < 2.51);
    r = parse(state, "kam t7wel sa3odeya USA PHL");
    assert_false(r.has_amount);
    r = parse(state, "\u0645\u0635\u0631 FEE USA PHL");
    assert_true(r.native);
}

static void test_amounts(void **state)
{
    struct fixture *f = *state;
    static const struct {
        const char *in;
        double v;
        const char *ccy;
    } ok[] = {
        {"200", 200, ""},
        {"$200", 200, "USD"},
        {"200usd", 200, "USD"},
        {"USD200", 200, "USD"},
        {"1.500,00", 1500, ""},
        {"1,500.50", 1500.5, ""},
        {"1.500", 1500, ""},
        {"12,50", 12.5, ""},
        {"5k", 5000, ""},
        {"\xE2\x82\xAC"
         "50",
         50, "EUR"},
        {"50\xE2\x82\xAC", 50, "EUR"},
        {"2.5k", 2500, ""},
    };
    static const char *const bad[] = {"abc", "12abc", "$", "usd", "1.2.3x", ""};
    size_t i;

    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        double v = -1;
        char ccy[4];
        assert_int_equal(parse_amount(f->lx, ok[i].in, &v, ccy), 1);
        assert_true(v > ok[i].v - 0.001 && v < ok[i].v + 0.001);
        assert_string_equal(ccy, ok[i].ccy);
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        double v;
        char ccy[4];
        assert_int_equal(parse_amount(f->lx, bad[i], &v, ccy), 0);
    }
}

static void test_canonical_fee(void **state)
{
    struct parse_result r = parse(state, "FEE USA PHL 200");

    assert_string_equal(r.intent, "fee");
    assert_string_equal(r.lang, "en");
    assert_int_equal(r.ncountries, 2);
    assert_string_equal(r.country[0], "US");
    assert_string_equal(r.country[1], "PH");
    assert_int_equal(r.has_amount, 1);
    assert_true(r.amount == 200);
}

static void test_names_codes_and_spacing(void **state)
{
    struct parse_result r = parse(state, "  fee   us   mx ");
    assert_string_equal(r.intent, "fee");
    assert_int_equal(r.ncountries, 2);
    assert_string_equal(r.country[0], "US");
    assert_string_equal(r.country[1], "MX");

    r = parse(state, "Fee United States Mexico");
    assert_int_equal(r.ncountries, 2);
    assert_string_equal(r.country[0], "US");

    r = parse(state, "FEE U.S.A. México");
    assert_int_equal(r.ncountries, 2);
    assert_string_equal(r.country[1], "MX");
}

static void test_from_to_words_set_roles(void **state)
{
    struct parse_result r = parse(state, "FEE TO MEXICO FROM USA");

    assert_int_equal(r.ncountries, 2);
    assert_string_equal(r.country[0], "MX");
    assert_int_equal(r.role[0], ROLE_TO);
    assert_string_equal(r.country[1], "US");
    assert_int_equal(r.role[1], ROLE_FROM);
}

static void test_ambiguous_codes(void **state)
{
    /* "to" is Tonga's code, but here a word; "de" is Germany after an English keyword. */
    struct parse_result r = parse(state, "FEE FROM USA TO MEXICO");
    assert_int_equal(r.ncountries, 2);
    assert_string_equal(r.country[1], "MX");

    r = parse(state, "FEE DE FR");
    assert_int_equal(r.ncountries, 2);
    assert_string_equal(r.country[0], "DE");
    assert_string_equal(r.country[1], "FR");

    /* In Spanish, "de" stays "from". */
    r = parse(state, "COSTO DE ALEMANIA A MEXICO");
    assert_string_equal(r.lang, "es");
    assert_int_equal(r.ncountries, 2);
    assert_string_equal(r.country[0], "DE");
    assert_int_equal(r.role[0], ROLE_FROM);

    /* "au" is French for "to the", but Australia in an English query. */
    r = parse(state, "FEE AU PH");
    assert_int_equal(r.ncountries, 2);
    assert_string_equal(r.country[0], "AU");
}

static void test_languages(void **state)
{
    struct parse_result r = parse(state, "frais france senegal 100 euros");
    assert_string_equal(r.intent, "fee");
    assert_string_equal(r.lang, "fr");

    r = parse(state, "magkano magpadala mula saudi papuntang pilipinas");
    assert_string_equal(r.intent, "fee");
    assert_string_equal(r.lang, "tl");
    assert_int_equal(r.ncountries, 2);
    assert_string_equal(r.country[0], "SA");
    assert_int_equal(r.role[0], ROLE_FROM);
    assert_string_equal(r.country[1], "PH");
    assert_int_equal(r.role[1], ROLE_TO);
}

static void test_rate_currencies(void **state)
{
    struct parse_result r = parse(state, "RATE USD PHP 200");
    assert_string_equal(r.intent, "rate");
    assert_int_equal(r.nmoney, 2);
    assert_string_equal(r.money[0], "USD");
    assert_string_equal(r.money[1], "PHP");
    assert_string_equal(r.amount_ccy, ""); /* the second of a pair: the handler takes the base */

    r = parse(state, "fx us ph");
    assert_int_equal(r.nmoney, 2);
    assert_string_equal(r.money[1], "PHP");

    r = parse(state, "send 500 usa->ph");
    assert_int_equal(r.ncountries, 2);
    assert_true(r.amount == 500);
}

static void test_garbage_never_breaks(void **state)
{
    char big[2100];
    struct parse_result r;

    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    r = parse(state, big);
    assert_string_equal(r.intent, "");
    r = parse(state, "");
    assert_int_equal(r.tokens, 0);
    r = parse(state, "\x01\x02\x7f\xff\xfe\xc3");
    assert_string_equal(r.intent, "");
    r = parse(state, "FEE '; DROP TABLE quotes;--");
    assert_string_equal(r.intent, "fee");
    assert_int_equal(r.ncountries, 0);
    memset(big, ' ', sizeof(big) - 1);
    for (size_t i = 0; i + 4 < sizeof(big); i += 4)
        memcpy(big + i, "us ", 3);
    r = parse(state, big);
    assert_int_equal(r.ncountries, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fold),
        cmocka_unit_test_setup_teardown(test_amounts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_canonical_fee, setup, teardown),
        cmocka_unit_test_setup_teardown(test_names_codes_and_spacing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_from_to_words_set_roles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ambiguous_codes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_languages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rate_currencies, setup, teardown),
        cmocka_unit_test_setup_teardown(test_garbage_never_breaks, setup, teardown),
        cmocka_unit_test(test_fold_scripts),
        cmocka_unit_test_setup_teardown(test_native_amounts, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
