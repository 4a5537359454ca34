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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
