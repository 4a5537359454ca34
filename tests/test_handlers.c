/* The query path end to end in-process: text in, reply out, on the synthetic world. */
#include "testutil.h"

#include "db/conv.h"
#include "handlers/handler.h"
#include "handlers/internal.h"

struct fixture {
    db *d;
    handler_ctx *h;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct handler_opts o = {.default_lang = "en", .max_parts = 3};

    f->d = test_world_db();
    f->h = handler_open(f->d, &o);
    assert_non_null(f->h);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    handler_close(f->h);
    db_close(f->d);
    free(f);
    return 0;
}

static struct handler_reply ask_from(void **state, const char *text, const char *from,
                                     const char *lang)
{
    struct fixture *f = *state;
    struct handler_query q = {text, from, lang, 0, NULL};
    struct handler_reply r;

    assert_int_equal(handler_answer(f->h, &q, &r), 0);
    /* Whatever was asked, the reply is sendable: non-empty, valid, within the part budget. */
    assert_true(strlen(r.text) > 0);
    assert_true(r.info.parts >= 1 && r.info.parts <= 3);
    return r;
}

static struct handler_reply ask(void **state, const char *text)
{
    return ask_from(state, text, NULL, NULL);
}

static void assert_has(const char *hay, const char *needle)
{
    if (strstr(hay, needle) == NULL)
        fail_msg("expected \"%s\" in \"%s\"", needle, hay);
}

static void test_fee_cheapest_providers_first(void **state)
{
    struct handler_reply r = ask(state, "FEE USA PHL");

    assert_string_equal(r.intent, "fee");
    assert_int_equal(r.info.parts, 1);
    /* Alpha 2.0% before Gamma 2.5% before Beta 7.0%; Delta's margin is hidden, so never first. */
    assert_has(r.text, "1)Alpha Remit 2.0%");
    assert_has(r.text, "2)Gamma Mobile 2.5%");
    assert_has(r.text, "3)Beta Bank 7.0%");
    assert_null(strstr(r.text, "Delta"));
    /* What arrives: 200 USD less 2% at 66/1.10 = 60 PHP per USD -> 11760 PHP. */
    assert_has(r.text, "PHP11760");
    assert_has(r.text, "TEST 2026-10-01");
    assert_has(r.text, "TFX 20Nov26");
}

static void test_fee_average_when_no_providers(void **state)
{
    struct handler_reply r = ask(state, "fee usa mexico 300");

    assert_has(r.text, "United States>Mexico USD300: avg cost 4.5% (USD13.50)");
    /* 300 * 0.955 * 22/1.10 = 5730 MXN; the older of the two rate dates is given. */
    assert_has(r.text, "MXN5730");
    assert_has(r.text, "TEST 2019Q2, TFX 19Nov26");
}

static void test_fee_known_corridor_without_data(void **state)
{
    struct handler_reply r = ask(state, "FEE USA CUBA");

    assert_has(r.text, "No cost data for United States>Cuba yet.");
    assert_has(r.text, "RATE USD CUP");
}

static void test_fee_missing_places(void **state)
{
    struct handler_reply r = ask(state, "FEE");
    assert_has(r.text, "Which countries?");
    r = ask(state, "FEE FROM USA");
    assert_has(r.text, "Which countries?");
    /* One country: the origin comes from the sender's number. */
    r = ask_from(state, "FEE PHILIPPINES", "+14155550100", NULL);
    assert_has(r.text, "United States>Philippines");
    r = ask_from(state, "FEE PHILIPPINES", "0917555", NULL);
    assert_has(r.text, "Which countries?");
}

static void test_fee_in_french_uses_decimal_comma(void **state)
{
    struct handler_reply r = ask(state, "FRAIS ETATS-UNIS MEXICO");

    /* Mexico has no French name in the fixture: the English one is used. */
    assert_string_equal(r.lang, "fr");
    assert_has(r.text, "Etats-Unis>Mexico USD200: cout moyen 4,5% (USD9,00), env. MXN3820 recus");
}

static void test_rate_direct_derived_and_amount(void **state)
{
    struct handler_reply r = ask(state, "RATE EUR PHP");
    assert_has(r.text, "1 EUR = 66.0000 PHP (TFX 20Nov26)");
    assert_null(strstr(r.text, "derived"));

    r = ask(state, "RATE USD PHP 200");
    assert_has(r.text, "1 USD = 60.0000 PHP, USD200=PHP12000 (TFX 20Nov26, derived)");

    /* SAR is published against USD, PHP against EUR: two legs, still derived. */
    r = ask(state, "RATE SAR PHP");
    assert_has(r.text, "1 SAR = 16.0000 PHP");
    assert_has(r.text, "derived");

    r = ask(state, "RATE PHP CUP");
    assert_has(r.text, "No exchange rate for PHP/CUP");

    r = ask(state, "RATE USD");
    assert_has(r.text, "Which currencies?");
}

static void test_old_rates_marked_but_not_parities(void **state)
{
    struct fixture *f = *state;
    struct handler_query q = {.text = "RATE EUR PHP", .now = 1798675200}; /* 2026-12-31 */
    struct handler_reply r;

    assert_int_equal(handler_answer(f->h, &q, &r), 0);
    assert_has(r.text, "(old data: 20Nov26)");
    /* A fixed parity never ages, and gives a derived rate the date of its other leg. */
    q.text = "RATE EUR XOF";
    assert_int_equal(handler_answer(f->h, &q, &r), 0);
    assert_has(r.text, "(TPEG 01Jan99)");
    assert_null(strstr(r.text, "old data"));
    q.text = "RATE USD XOF";
    assert_int_equal(handler_answer(f->h, &q, &r), 0);
    assert_has(r.text, "TFX+TPEG 20Nov26, derived");
    /* Within the week: no marker. */
    q.text = "RATE EUR PHP";
    q.now = 1795651200; /* 2026-11-26 */
    assert_int_equal(handler_answer(f->h, &q, &r), 0);
    assert_null(strstr(r.text, "old data"));
}

static void test_guide(void **state)
{
    struct handler_reply r = ask(state, "GUIDE PHL");
    assert_has(r.text, "GUIDE Philippines: recruit cost");

    r = ask(state, "GUIDE PHL RECRUIT");
    assert_has(r.text, "Check that the agency holds a licence. (TG 15Oct26)");

    r = ask_from(state, "GABAY PILIPINAS AGENCY", NULL, NULL);
    assert_string_equal(r.lang, "tl");
    assert_has(r.text, "Tiyaking lisensyado ang ahensya.");

    /* The general topic by its French alias, in French (o-circumflex folded for GSM-7). */
    r = ask(state, "GUIDE SENEGAL FRAIS");
    assert_has(r.text, "Comparez le cout total.");
    /* No Tagalog text: the English one. */
    r = ask_from(state, "GUIDE SENEGAL COST", NULL, "tl");
    assert_has(r.text, "Compare the total cost");

    r = ask(state, "GUIDE");
    assert_has(r.text, "Send GUIDE and a country");
}

static void test_help_and_not_understood(void **state)
{
    struct handler_reply r = ask(state, "HELP");
    assert_int_equal(r.understood, 1);
    assert_has(r.text, "FEE USA MEX 200");

    r = ask(state, "hello is anyone there");
    assert_int_equal(r.understood, 0);
    assert_has(r.text, "FEE USA MEX 200");

    r = ask(state, "AYUDA");
    assert_string_equal(r.lang, "es");
    assert_has(r.text, "COSTO");
}

/* The router picks rows by their flags: two places or two currencies without a keyword, a fee
 * word given currencies and no place, and the default for anything else. */
static void test_keyword_without_keyword(void **state)
{
    struct handler_reply r = ask(state, "USA MEX");
    assert_string_equal(r.intent, "fee");
    assert_int_equal(r.understood, 1);

    r = ask(state, "EUR PHP");
    assert_string_equal(r.intent, "rate");
    assert_int_equal(r.understood, 1);

    r = ask(state, "FEE EUR PHP");
    assert_string_equal(r.intent, "rate");

    r = ask(state, "hello is anyone there");
    assert_string_equal(r.intent, "help");
    assert_int_equal(r.understood, 0);
}

static void test_language_preference_when_unclear(void **state)
{
    /* Codes alone say nothing about the language: the saved preference decides. */
    struct handler_reply r = ask_from(state, "USA MEX", NULL, "es");
    assert_string_equal(r.lang, "es");
    assert_string_equal(r.intent, "fee");
}

static void test_bad_input(void **state)
{
    static const char *const inputs[] = {
        "",
        "   \t  ",
        "\x01\x02\x03\x1b[31m",
        "\xff\xfe\xfd\xc3\x28",
        "\xf0\x9f\x98\x80\xf0\x9f\x92\xb8\xf0\x9f\x8c\x8e",
        "FEE '; DROP TABLE quotes;--",
        "RATE \"); DELETE FROM rate; --",
        "FEE %s%s%s%n %x",
        "GUIDE {topics} {text}",
    };
    char big[2001];
    size_t i;

    for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++)
        ask(state, inputs[i]);
    memset(big, 'A', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    ask(state, big);
    for (i = 0; i + 8 < sizeof(big); i += 8)
        memcpy(big + i, "FEE USA ", 8);
    ask(state, big);
    /* The SQL was data: the quotes are all still there. */
    {
        struct fixture *f = *state;
        struct db_counts c;
        assert_int_equal(db_counts_get(f->d, &c), 0);
        assert_int_equal(c.quotes, 5);
        assert_int_equal(c.rates, 5);
    }
}

/* An amount past any transfer gets a clear reply, not a number of hundreds of digits. */
static void test_absurd_amount(void **state)
{
    char text[512];
    struct handler_reply r;

    snprintf(text, sizeof(text), "FEE USA PHL ");
    memset(text + strlen(text), '9', 400);
    text[12 + 400] = '\0';
    r = ask(state, text);
    assert_has(r.text, "too large");
    assert_null(strstr(r.text, "9999"));
    r = ask(state, "RATE USD PHP 20000000000");
    assert_has(r.text, "too large");
    r = ask(state, "FEE USA PHL 10000000000"); /* the bound itself is an amount */
    assert_null(strstr(r.text, "too large"));
    r = ask(state, "FEE USA PHL 200");
    assert_null(strstr(r.text, "too large"));
}

static void test_lang_keyword_sets_and_saves(void **state)
{
    struct handler_reply r = ask_from(state, "LANG FR", "+15550100", NULL);
    assert_string_equal(r.intent, "lang");
    assert_string_equal(r.save_lang, "fr");
    assert_string_equal(r.lang, "fr");
    r = ask_from(state, "idioma español", NULL, NULL);
    assert_string_equal(r.save_lang, "es");
    r = ask_from(state, "LANG XX", NULL, NULL);
    assert_string_equal(r.save_lang, "");
    r = ask_from(state, "FEE USA MEX", NULL, NULL);
    assert_string_equal(r.save_lang, "");
    assert_string_equal(r.pending, "");
}

static void test_origin_only_from_a_sending_country(void **state)
{
    /* The world's quotes start in the USA: a US number gives the origin, a French one asks. */
    struct handler_reply r = ask_from(state, "FEE PHILIPPINES", "+14155550100", NULL);
    assert_non_null(strstr(r.text, "Alpha Remit"));
    r = ask_from(state, "FEE PHILIPPINES", "+33612345678", NULL);
    assert_non_null(strstr(r.text, "Which countries"));
}

/* Calling codes countries share: +1 and +7 are told apart by area code (numbering.conf), the
 * longest prefix wins, and a prefix of a country the content lacks is no country at all. */
static void test_shared_calling_codes(void **state)
{
    static const char *const paths[] = {RL_CONTENT "/lang-en.conf", RL_CONTENT "/countries.conf",
                                        RL_CONTENT "/numbering.conf"};
    static const struct {
        const char *number, *iso2;
    } cases[] = {
        {"+14155550100", "US"}, /* California */
        {"+14165550100", "CA"}, /* Toronto */
        {"+16045550100", "CA"}, /* Vancouver */
        {"+18765550100", "JM"}, {"+16585550100", "JM"},  {"+18095550100", "DO"},
        {"+18495550100", "DO"}, {"+18005550100", "US"}, /* toll-free: none listed, the US */
        {"+12425550100", NULL},                         /* the Bahamas: not in countries.conf */
        {"+17875550100", NULL},                         /* Puerto Rico: not the mainland */
        {"+77015550100", "KZ"}, {"+77275550100", "KZ"},  {"+74955550100", "RU"},
        {"+79165550100", "RU"}, {"+639171234567", "PH"}, {"0014165550100", "CA"},
        {"4165550100", NULL}, /* national: says nothing */
    };
    struct handler_opts o = {.default_lang = "en", .max_parts = 3};
    db *d = test_db(paths, (int)(sizeof(paths) / sizeof(paths[0])));
    handler_ctx *h = handler_open(d, &o);
    size_t i;

    (void)state;
    assert_non_null(h);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct lex_country *c = lex_country_by_number(h->lx, cases[i].number);
        if (cases[i].iso2 == NULL) {
            if (c != NULL)
                fail_msg("%s: expected no country, got %s", cases[i].number, c->iso2);
        } else if (c == NULL || strcmp(c->iso2, cases[i].iso2) != 0) {
            fail_msg("%s: expected %s, got %s", cases[i].number, cases[i].iso2,
                     c ? c->iso2 : "none");
        }
    }
    handler_close(h);
    db_close(d);
}

/* Without a numbering table, a shared code names no country: not the first one listed. */
static void test_shared_code_without_prefixes(void **state)
{
    static const char *const paths[] = {RL_CONTENT "/lang-en.conf", RL_CONTENT "/countries.conf"};
    struct handler_opts o = {.default_lang = "en", .max_parts = 3};
    db *d = test_db(paths, (int)(sizeof(paths) / sizeof(paths[0])));
    handler_ctx *h = handler_open(d, &o);

    (void)state;
    assert_non_null(h);
    assert_null(lex_country_by_number(h->lx, "+14155550100"));
    assert_null(lex_country_by_number(h->lx, "+77015550100"));
    assert_string_equal(lex_country_by_number(h->lx, "+639171234567")->iso2, "PH");
    handler_close(h);
    db_close(d);
}

static void test_typos_and_run_together(void **state)
{
    struct handler_reply r = ask_from(state, "feee usa to phillipines", NULL, NULL);
    assert_non_null(strstr(r.text, "Alpha Remit"));
    r = ask_from(state, "feeusaphl", NULL, NULL);
    assert_non_null(strstr(r.text, "Alpha Remit"));
    r = ask_from(state, "fee usa to ph1l1pp1nes", NULL, NULL); /* no fuzzy on digits: not PH */
    assert_null(strstr(r.text, "Alpha Remit"));
}

static void test_numbered_choice(void **state)
{
    static const char *const paths[] = {TEST_LANGS, TEST_WORLD, RL_FIXTURES "/content/choice.conf"};
    struct handler_opts o = {.default_lang = "en", .max_parts = 3};
    struct handler_query q = {"FEE USA CONGO 100", "+14155550100", NULL, 0, NULL};
    struct handler_reply r, r2;
    db *d = test_db(paths, (int)(sizeof(paths) / sizeof(paths[0])));
    handler_ctx *h = handler_open(d, &o);

    (void)state;
    assert_non_null(h);
    assert_int_equal(handler_answer(h, &q, &r), 0);
    assert_non_null(strstr(r.text, "1="));
    assert_non_null(strstr(r.text, "2="));
    assert_non_null(strchr(r.pending, '\n'));
    /* The next SMS is just the digit: it answers the second option. */
    q.text = " 2 ";
    q.pending = r.pending;
    assert_int_equal(handler_answer(h, &q, &r2), 0);
    assert_non_null(strstr(r2.text, "7.5%"));
    assert_string_equal(r2.pending, "");
    /* Without the pending choice a digit means nothing. */
    q.pending = NULL;
    assert_int_equal(handler_answer(h, &q, &r2), 0);
    assert_int_equal(r2.understood, 0);
    handler_close(h);
    db_close(d);
}

/* Issue #18, with the shipped content: the start of a guide word names its topic when only one
 * of the country's topics begins so, and a bare "Congo" offers both Congos. */
static void test_shipped_prefix_topic_and_congo(void **state)
{
    static const char *const paths[] = {RL_CONTENT "/lang-en.conf", RL_CONTENT "/countries.conf",
                                        RL_CONTENT "/guides.conf"};
    struct handler_opts o = {.default_lang = "en", .max_parts = 3};
    struct handler_query q = {"GUIDE PHL recruit", "+14155550100", NULL, 0, NULL};
    struct handler_reply r;
    db *d = test_db(paths, (int)(sizeof(paths) / sizeof(paths[0])));
    handler_ctx *h = handler_open(d, &o);

    (void)state;
    assert_non_null(h);
    assert_int_equal(handler_answer(h, &q, &r), 0);
    assert_non_null(strstr(r.text, "Philippines agency:"));
    q.text = "GUIDE PHL re"; /* too short to guess from */
    assert_int_equal(handler_answer(h, &q, &r), 0);
    assert_null(strstr(r.text, "agency:"));
    q.text = "FEE BELGIUM CONGO 100";
    assert_int_equal(handler_answer(h, &q, &r), 0);
    assert_non_null(strstr(r.text, "1=DR Congo 2=Congo"));
    handler_close(h);
    db_close(d);
}

static void test_conversation_store(void **state)
{
    struct fixture *f = *state;
    struct db_conv c;

    assert_int_equal(db_conv_get(f->d, "+1555", 1000, &c), 0);
    assert_int_equal(db_conv_set_lang(f->d, "+1555", "fr", 1000), 0);
    assert_int_equal(db_conv_set_pending(f->d, "+1555", "FEE USA COD\nFEE USA COG", 1900, 1000), 0);
    assert_int_equal(db_conv_get(f->d, "+1555", 1500, &c), 1);
    assert_string_equal(c.lang, "fr");
    assert_string_equal(c.pending, "FEE USA COD\nFEE USA COG");
    /* Expired after its 15 minutes; the language stays. */
    assert_int_equal(db_conv_get(f->d, "+1555", 1900, &c), 1);
    assert_string_equal(c.pending, "");
    assert_string_equal(c.lang, "fr");
    assert_int_equal(db_conv_set_pending(f->d, "+1555", NULL, 0, 2000), 0);
    assert_int_equal(db_conv_get(f->d, "+1555", 1500, &c), 1);
    assert_string_equal(c.pending, "");
}

static void test_templates_placeholders_are_data(void **state)
{
    /* A user typing a placeholder name does not get it filled. */
    struct handler_reply r = ask(state, "{from} {to}");
    assert_null(strstr(r.text, "United"));
}

/* The names the query path gives content (keyword kinds, asking templates, USSD labels) are the
 * ones db/vocab.h lets an import store: the two lists cannot drift apart unnoticed. */
static void test_vocab_matches_content_schema(void **state)
{
    (void)state;
    assert_int_equal(router_vocab_check(), 0);
    assert_int_equal(ussd_vocab_check(), 0);
}

/* Issue 13: a USD 200 percentage is never stretched into a fee for an amount far from it. */
static void test_fee_far_amount_gives_percentage_only(void **state)
{
    struct handler_reply r = ask(state, "FEE USA MEX 5000");

    assert_has(r.text, "USD5000 (far from the USD200 surveyed");
    assert_has(r.text, "4.5%");
    assert_null(strstr(r.text, "USD225")); /* 5000 * 4.5%: the extrapolated fee */
    assert_null(strstr(r.text, "arrives"));
    /* Within half to twice the amount surveyed, the fee and what arrives are given. */
    r = ask(state, "FEE USA MEX 300");
    assert_has(r.text, "(USD13.50)");
    assert_has(r.text, "arrives");
}

/* An amount without a currency is read in the sender's currency only when plausible: PHP 100
 * (USD 1.67) is asked about; the choice answered by its digit prices USD 100. */
static void test_fee_implausible_amount_asks_currency(void **state)
{
    struct fixture *f = *state;
    struct handler_query q = {"FEE PHL USA 100", NULL, NULL, 0, NULL};
    struct handler_reply r, r2;

    assert_int_equal(handler_answer(f->h, &q, &r), 0);
    assert_has(r.text, "1=USD100 2=PHP100");
    assert_string_equal(r.pending, "FEE PHL USA USD100\nFEE PHL USA PHP100");
    q.text = "1";
    q.pending = r.pending;
    assert_int_equal(handler_answer(f->h, &q, &r2), 0);
    assert_null(strstr(r2.text, "Which currency"));
    assert_has(r2.text, "Philippines>United States");
    /* PHP 5000 (USD 83) is a remittance: read as pesos, no question. */
    r = ask(state, "FEE PHL USA 5000");
    assert_null(strstr(r.text, "Which currency"));
    assert_has(r.text, "Philippines>United States"); /* no data, but no question either */
    /* A currency that cannot be converted to tell: asked, as it could be dollars. */
    r = ask(state, "FEE AUS PHL 500");
    assert_has(r.text, "1=USD500 2=AUD500");
    /* A currency typed is never second-guessed. */
    r = ask(state, "FEE PHL USA PHP100");
    assert_null(strstr(r.text, "Which currency"));
}

static void test_fee_zero_and_negative_amounts(void **state)
{
    struct handler_reply r = ask(state, "fee usa mex 0");

    assert_has(r.text, "Send an amount above 0");
    r = ask(state, "fee usa mex -5");
    assert_has(r.text, "Send an amount above 0");
    r = ask(state, "FEE USA-MEX 200"); /* a dash between places is no minus sign */
    assert_null(strstr(r.text, "above 0"));
}

/* A FEE reply marks an old rate as RATE does; a fixed parity never. */
static void test_fee_marks_old_rate(void **state)
{
    struct fixture *f = *state;
    struct handler_query q = {"FEE USA PHL 200", NULL, NULL, (time_t)1798675200, NULL};
    struct handler_reply r; /* 2026-12-31: the 20 Nov rate is 41 days old, the survey not */

    assert_int_equal(handler_answer(f->h, &q, &r), 0);
    assert_has(r.text, "(old data: 20Nov26)");
    q.now = (time_t)1795132800; /* 2026-11-21 */
    assert_int_equal(handler_answer(f->h, &q, &r), 0);
    assert_null(strstr(r.text, "old data"));
}

/* Issue 13: "rate btc usd" is answered as unknown, not as USD against the home currency. */
static void test_rate_unknown_currency(void **state)
{
    struct handler_reply r = ask_from(state, "rate btc usd", "+639171234567", NULL);

    assert_has(r.text, "No rates for BTC");
    assert_null(strstr(r.text, "1 USD ="));
    /* A longer sentence with a short word is still a question about the home currency. */
    r = ask_from(state, "rate of the dollar now", "+639171234567", NULL);
    assert_null(strstr(r.text, "No rates for"));
}

static void test_rate_figures(void **state)
{
    struct fixture *f = *state;
    struct handler_query q = {"", NULL, NULL, 0, NULL};
    struct parse_result p;
    struct hq x = {.h = f->h, .q = &q, .p = &p, .lang = "en", .decimal = '.'};
    char out[64];
    struct handler_reply r;

    memset(&p, 0, sizeof(p));
    /* Fixed parities in full; small rates with four significant figures at least. */
    assert_string_equal(fmt_rate(&x, 655.957, 1, out, sizeof(out)), "655.957");
    assert_string_equal(fmt_rate(&x, 1.95583, 1, out, sizeof(out)), "1.95583");
    assert_string_equal(fmt_rate(&x, 0.0000581234, 0, out, sizeof(out)), "0.00005812");
    assert_string_equal(fmt_rate(&x, 60.2157, 0, out, sizeof(out)), "60.2157");
    r = ask(state, "RATE EUR XOF");
    assert_has(r.text, "1 EUR = 655.957 XOF");
}

/* LANG DE: not available, said in the language the sender had, with the list we have. */
static void test_lang_not_available(void **state)
{
    struct handler_reply r = ask(state, "LANG DE");

    assert_string_equal(r.lang, "en");
    assert_has(r.text, "Language DE is not available");
    assert_has(r.text, "EN, ES, FR, PT, TL");
    assert_string_equal(r.save_lang, "");
    r = ask_from(state, "LANG DE", NULL, "es");
    assert_has(r.text, "El idioma DE no");
    r = ask(state, "LANG FR");
    assert_string_equal(r.save_lang, "fr");
}

/* Dates in the reply's language; the decimal mark of the country the reply is for. */
static void test_dates_and_decimals_per_language(void **state)
{
    char conf[256];
    const char *paths[] = {TEST_LANGS, TEST_WORLD, conf};
    struct handler_opts o = {.default_lang = "en", .max_parts = 3};
    struct handler_query q = {"taux euro dollar", NULL, NULL, 0, NULL};
    struct handler_reply r;
    db *d;
    handler_ctx *h;

    (void)state;
    test_write_file(conf, sizeof(conf), "spain.conf",
                    "countries = ({ iso2 = \"ES\"; iso3 = \"ESP\"; currency = \"EUR\"; "
                    "dial = \"34\"; names = { en = [\"Spain\"]; es = [\"España\"]; }; });\n");
    d = test_db(paths, (int)(sizeof(paths) / sizeof(paths[0])));
    h = handler_open(d, &o);
    assert_non_null(h);
    assert_int_equal(handler_answer(h, &q, &r), 0);
    assert_has(r.text, "1 EUR = 1,1000 USD");
    assert_has(r.text, "20 nov. 2026");
    assert_null(strstr(r.text, "20Nov26"));
    q.text = "tipo de cambio euro dolar";
    q.from = "+525512345678"; /* Mexico writes 1.5 */
    assert_int_equal(handler_answer(h, &q, &r), 0);
    assert_has(r.text, "1 EUR = 1.1000 USD");
    assert_has(r.text, "20 nov 2026");
    q.from = "+34612345678"; /* Spain writes 1,5 */
    assert_int_equal(handler_answer(h, &q, &r), 0);
    assert_has(r.text, "1 EUR = 1,1000 USD");
    q.text = "RATE EUR USD";
    q.from = NULL;
    assert_int_equal(handler_answer(h, &q, &r), 0);
    assert_has(r.text, "(TFX 20Nov26)");
    handler_close(h);
    db_close(d);
    unlink(conf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fee_cheapest_providers_first, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fee_average_when_no_providers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fee_known_corridor_without_data, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fee_missing_places, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fee_in_french_uses_decimal_comma, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rate_direct_derived_and_amount, setup, teardown),
        cmocka_unit_test_setup_teardown(test_old_rates_marked_but_not_parities, setup, teardown),
        cmocka_unit_test_setup_teardown(test_guide, setup, teardown),
        cmocka_unit_test_setup_teardown(test_help_and_not_understood, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keyword_without_keyword, setup, teardown),
        cmocka_unit_test_setup_teardown(test_language_preference_when_unclear, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_absurd_amount, setup, teardown),
        cmocka_unit_test_setup_teardown(test_templates_placeholders_are_data, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lang_keyword_sets_and_saves, setup, teardown),
        cmocka_unit_test_setup_teardown(test_origin_only_from_a_sending_country, setup, teardown),
        cmocka_unit_test_setup_teardown(test_typos_and_run_together, setup, teardown),
        cmocka_unit_test(test_numbered_choice),
        cmocka_unit_test(test_shared_calling_codes),
        cmocka_unit_test(test_shared_code_without_prefixes),
        cmocka_unit_test(test_vocab_matches_content_schema),
        cmocka_unit_test(test_shipped_prefix_topic_and_congo),
        cmocka_unit_test_setup_teardown(test_conversation_store, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fee_far_amount_gives_percentage_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fee_implausible_amount_asks_currency, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fee_zero_and_negative_amounts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fee_marks_old_rate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rate_unknown_currency, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rate_figures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lang_not_available, setup, teardown),
        cmocka_unit_test(test_dates_and_decimals_per_language),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
