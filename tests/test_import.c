/* Content import: validation with file:line errors, all-or-nothing, idempotence. */
#include "testutil.h"

#include <sys/stat.h>

#include "db/vocab.h"
#include "handlers/handler.h"

static long count_quotes(db *d)
{
    struct db_counts c;
    assert_int_equal(db_counts_get(d, &c), 0);
    return c.quotes;
}

static int import_paths(db *d, const char *const *paths, int n, struct conf_errs *errs,
                        struct import_stats *st)
{
    conf_errs_init(errs);
    return conf_import(d, paths, n, CONF_FORMAT_UNKNOWN, 0, errs, st);
}

static void test_world_imports(void **state)
{
    struct db_counts c;
    db *d = test_world_db();

    (void)state;
    assert_int_equal(db_counts_get(d, &c), 0);
    assert_int_equal(c.langs, 5);
    assert_int_equal(c.countries, 9);
    assert_int_equal(c.quotes, 5);
    assert_int_equal(c.rates, 5);
    assert_int_equal(c.guides, 4);
    db_close(d);
}

static void test_reimport_changes_nothing(void **state)
{
    static const char *const paths[] = {TEST_WORLD};
    struct conf_errs errs;
    struct import_stats st;
    db *d = test_world_db();
    long before = count_quotes(d);

    (void)state;
    assert_int_equal(import_paths(d, paths, 1, &errs, &st), 0);
    assert_int_equal(st.files, 1);
    assert_int_equal(st.unchanged, 1);
    assert_int_equal(st.rows, 0);
    assert_int_equal(count_quotes(d), before);
    conf_errs_free(&errs);
    db_close(d);
}

static void test_changed_file_replaces_its_rows(void **state)
{
    char path[256];
    const char *paths[1] = {path};
    struct conf_errs errs;
    struct import_stats st;
    struct db_quote q[4];
    db *d = test_world_db();

    (void)state;
    test_write_file(path, sizeof(path), "survey.conf",
                    "quotes = ( { from = \"USA\"; to = \"MEX\"; provider = \"alpha\"; amount = 200;"
                    " currency = \"USD\"; fee = 6.0; fx_margin = 1.0; period = \"2026-11-01\";"
                    " source = \"test-survey\"; } );\n");
    assert_int_equal(import_paths(d, paths, 1, &errs, &st), 0);
    conf_errs_free(&errs);
    assert_int_equal(db_quotes_cheapest(d, "US", "MX", q, 4), 1);
    assert_true(q[0].total_pct > 3.99 && q[0].total_pct < 4.01);
    /* The operator changes the fee and imports again: the old quote is gone, the new one live. */
    test_write_file(path, sizeof(path), "survey.conf",
                    "quotes = ( { from = \"USA\"; to = \"MEX\"; provider = \"alpha\"; amount = 200;"
                    " currency = \"USD\"; fee = 2.0; fx_margin = 1.0; period = \"2026-11-02\";"
                    " source = \"test-survey\"; } );\n");
    assert_int_equal(import_paths(d, paths, 1, &errs, &st), 0);
    conf_errs_free(&errs);
    assert_int_equal(db_quotes_cheapest(d, "US", "MX", q, 4), 1);
    assert_true(q[0].total_pct > 1.99 && q[0].total_pct < 2.01);
    assert_string_equal(q[0].period, "2026-11-02");
    unlink(path);
    db_close(d);
}

/* The full cost of a quote: fee and margin must agree with a given total, an undisclosed
 * margin needs the fee alone, and a provider's quote cannot be a bare total. */
static void test_quote_cost_rules(void **state)
{
    char path[256];
    const char *paths[1] = {path};
    struct conf_errs errs;
    struct import_stats st;
    db *d = test_world_db();

    (void)state;
    test_write_file(path, sizeof(path), "costs.conf",
                    "quotes = (\n"
                    " { from = \"USA\"; to = \"MEX\"; provider = \"alpha\"; amount = 200;"
                    " currency = \"USD\"; fee = 6.0; fx_margin = 1.0; total = 9.0;"
                    " period = \"2026Q1\"; source = \"test-survey\"; },\n"
                    " { from = \"USA\"; to = \"MEX\"; provider = \"alpha\"; amount = 200;"
                    " currency = \"USD\"; fee = 6.0; fx_margin = 1.0; transparent = false;"
                    " period = \"2026Q1\"; source = \"test-survey\"; },\n"
                    " { from = \"USA\"; to = \"MEX\"; provider = \"alpha\"; amount = 200;"
                    " currency = \"USD\"; total = 4.0; period = \"2026Q1\";"
                    " source = \"test-survey\"; },\n"
                    " { from = \"USA\"; to = \"MEX\"; amount = 200; currency = \"USD\";"
                    " total = 4.0; period = \"2026Q1\"; source = \"test-survey\"; }\n"
                    ");\n");
    assert_int_equal(import_paths(d, paths, 1, &errs, &st), -1);
    assert_int_equal(errs.count, 3);
    assert_true(test_errs_have(&errs, "costs.conf:2: quote: total 9.00% does not match "
                                      "fee/amount*100 + fx_margin = 4.00%"));
    assert_true(test_errs_have(&errs, "costs.conf:3: quote: fx_margin given but transparent"));
    assert_true(test_errs_have(&errs, "costs.conf:4: quote: give 'fee' and 'fx_margin'"));
    conf_errs_free(&errs);
    unlink(path);
    db_close(d);
}

static void test_unknown_key_is_an_error_with_line(void **state)
{
    static const char *const paths[] = {RL_FIXTURES "/broken/unknown-key.conf"};
    struct conf_errs errs;
    struct import_stats st;
    db *d = test_world_db();
    long before = count_quotes(d);

    (void)state;
    assert_int_equal(import_paths(d, paths, 1, &errs, &st), -1);
    assert_true(test_errs_have(&errs, "/broken/unknown-key.conf:3: quote: unknown key 'fees'"));
    assert_int_equal(count_quotes(d), before);
    conf_errs_free(&errs);
    db_close(d);
}

static void test_every_problem_reported_nothing_changed(void **state)
{
    static const char *const paths[] = {RL_FIXTURES "/broken/bad-values.conf"};
    struct conf_errs errs;
    struct import_stats st;
    struct db_rate r;
    db *d = test_world_db();

    (void)state;
    assert_int_equal(import_paths(d, paths, 1, &errs, &st), -1);
    assert_int_equal(errs.count, 5);
    assert_true(test_errs_have(&errs, "bad-values.conf:2: rate: base and quote must be two"));
    assert_true(test_errs_have(&errs, "bad-values.conf:3: rate: rate must be more than 0"));
    assert_true(test_errs_have(&errs, "bad-values.conf:4: rate: as_of must be a date"));
    assert_true(test_errs_have(&errs, "bad-values.conf:5: rate: unknown source 'nobody'"));
    assert_true(test_errs_have(&errs, "bad-values.conf:8: quote: unknown country 'ATLANTIS'"));
    /* The rates of the world file are untouched. */
    assert_int_equal(db_rate_get(d, "EUR", "PHP", &r), 1);
    assert_true(r.rate > 65.9 && r.rate < 66.1);
    conf_errs_free(&errs);
    db_close(d);
}

/* A misspelt word kind or template is named with the full list of what is known, made from the
 * handlers' own tables. */
static void test_unknown_names_listed(void **state)
{
    char path[256];
    const char *paths[1] = {path};
    struct conf_errs errs;
    struct import_stats st;
    db *d = test_world_db();

    (void)state;
    test_write_file(path, sizeof(path), "lang-xx.conf",
                    "languages = ( { code = \"xx\"; name = \"Test\"; decimal = \".\";\n"
                    "  words = { fees = [\"FEEZ\"]; };\n"
                    "  templates = { ussd_expird = \"Gone.\"; }; } );\n");
    assert_int_equal(import_paths(d, paths, 1, &errs, &st), -1);
    assert_true(test_errs_have(&errs, "unknown word kind 'fees' (known: fee, rate, guide, lang, "));
    assert_true(test_errs_have(&errs, ", filler, trend, language)"));
    assert_true(test_errs_have(&errs, "unknown template 'ussd_expird' (known: help, fee_need, "));
    assert_true(test_errs_have(&errs, ", ussd_other_phone, ussd_no_sms)"));
    conf_errs_free(&errs);
    unlink(path);
    db_close(d);
}

static void test_syntax_error_names_line(void **state)
{
    static const char *const paths[] = {RL_FIXTURES "/broken/syntax.conf"};
    struct conf_errs errs;
    struct import_stats st;
    db *d = test_world_db();

    (void)state;
    assert_int_equal(import_paths(d, paths, 1, &errs, &st), -1);
    assert_int_equal(errs.count, 1);
    assert_true(test_errs_have(&errs, "/broken/syntax.conf:2: syntax error"));
    conf_errs_free(&errs);
    db_close(d);
}

static void test_one_bad_file_rolls_back_the_good_ones(void **state)
{
    char good[256];
    const char *paths[2] = {good, RL_FIXTURES "/broken/unknown-key.conf"};
    struct conf_errs errs;
    struct import_stats st;
    db *d = test_world_db();
    long before = count_quotes(d);

    (void)state;
    test_write_file(good, sizeof(good), "good.conf",
                    "quotes = ( { from = \"FRA\"; to = \"SEN\"; amount = 100; currency = \"EUR\";"
                    " total = 3.0; period = \"2026Q3\"; source = \"test-survey\"; } );\n");
    assert_int_equal(import_paths(d, paths, 2, &errs, &st), -1);
    assert_int_equal(count_quotes(d), before);
    conf_errs_free(&errs);
    unlink(good);
    db_close(d);
}

/* numbering: the shipped file imports; a prefix that is not digits, given twice, or a country
 * that is not an ISO code is a file:line problem, and nothing is kept. */
static void test_numbering_prefixes(void **state)
{
    static const char *const shipped[] = {RL_CONTENT "/numbering.conf"};
    char bad[256];
    const char *paths[1] = {bad};
    struct conf_errs errs;
    struct import_stats st;
    db *d = db_open(":memory:");

    (void)state;
    assert_int_equal(import_paths(d, shipped, 1, &errs, &st), 0);
    conf_errs_free(&errs);
    assert_true(st.rows > 80);
    test_write_file(bad, sizeof(bad), "numbering.conf",
                    "numbering = ( { country = \"CA\"; prefixes = [\"1416\", \"1-416\"]; },\n"
                    "  { country = \"US\"; prefixes = [\"1416\"]; },\n"
                    "  { country = \"usa\"; prefixes = [\"1\"]; } );\n");
    assert_int_equal(import_paths(d, paths, 1, &errs, &st), -1);
    assert_true(test_errs_have(&errs, "numbering.conf:1: numbering CA: prefix '1-416' must be"));
    assert_true(
        test_errs_have(&errs, "numbering.conf:2: numbering US: prefix 1416 is given twice"));
    assert_true(test_errs_have(&errs, "numbering.conf:3: numbering: country must be"));
    conf_errs_free(&errs);
    unlink(bad);
    db_close(d);
}

static void test_removing_a_referenced_country_is_refused(void **state)
{
    char countries[256], refs[256];
    const char *paths[2] = {countries, refs};
    struct conf_errs errs;
    struct import_stats st;
    db *d = db_open(":memory:");
    long before;

    (void)state;
    test_write_file(countries, sizeof(countries), "countries.conf",
                    "sources = ( { key = \"s\"; short = \"S\"; name = \"S\"; } );\n"
                    "countries = ( { iso2 = \"FR\"; iso3 = \"FRA\"; currency = \"EUR\"; "
                    "names = { en = [\"France\"]; }; }, { iso2 = \"SN\"; iso3 = \"SEN\"; "
                    "currency = \"XOF\"; names = { en = [\"Senegal\"]; }; } );\n");
    test_write_file(refs, sizeof(refs), "refs.conf",
                    "quotes = ( { from = \"FRA\"; to = \"SEN\"; amount = 100; currency = \"EUR\";"
                    " total = 3.0; period = \"2026Q3\"; source = \"s\"; } );\n");
    assert_int_equal(import_paths(d, paths, 2, &errs, &st), 0);
    conf_errs_free(&errs);
    before = count_quotes(d);
    assert_int_equal(before, 1);
    /* The operator deletes Senegal from the countries file, which refs.conf still needs. */
    test_write_file(countries, sizeof(countries), "countries.conf",
                    "sources = ( { key = \"s\"; short = \"S\"; name = \"S\"; } );\n"
                    "countries = ( { iso2 = \"FR\"; iso3 = \"FRA\"; currency = \"EUR\"; "
                    "names = { en = [\"France\"]; }; } );\n");
    assert_int_equal(import_paths(d, paths, 1, &errs, &st), -1);
    assert_true(test_errs_have(&errs, "no longer define"));
    conf_errs_free(&errs);
    assert_int_equal(count_quotes(d), 1);
    unlink(countries);
    unlink(refs);
    db_close(d);
}

static void test_public_data_files(void **state)
{
    static const char *const paths[] = {RL_CONTENT};
    struct conf_errs errs;
    struct import_stats st;
    struct db_quote q;
    struct db_rate r;
    db *d = db_open(":memory:");

    (void)state;
    /* The shipped content: every country of the World Bank file is known. */
    assert_int_equal(import_paths(d, paths, 1, &errs, &st), 0);
    conf_errs_free(&errs);
    assert_int_equal(db_corridor_average(d, "US", "MX", &q), 1);
    assert_string_equal(q.period, "2020Q3");
    assert_string_equal(q.source, "WB");
    assert_true(q.total_pct > 4.18 && q.total_pct < 4.19);
    assert_int_equal(db_rate_get(d, "EUR", "USD", &r), 1);
    assert_string_equal(r.as_of, "2026-04-13");
    assert_true(r.rate > 1.1683 && r.rate < 1.1685);
    assert_int_equal(r.derived, 0);
    assert_int_equal(db_rate_get(d, "USD", "PHP", &r), 1);
    assert_int_equal(r.derived, 1);
    assert_true(r.rate > 60.21 && r.rate < 60.22); /* 70.356 / 1.1684 */
    db_close(d);
}

#define CCY_MAX_LANGS 32 /* room for every shipped language (12) and more */

struct ccy_words {
    char have[64][CCY_MAX_LANGS][4]; /* per ECB currency: languages with a word for it */
    int nhave[64];
    char codes[64][4];
    int ncodes;
};

static int note_ccy_word(void *arg, const char *lang, const char *kind, const char *folded)
{
    struct ccy_words *w = arg;
    int i;

    (void)folded;
    if (strncmp(kind, DB_KIND_CURRENCY, strlen(DB_KIND_CURRENCY)) != 0)
        return 0;
    for (i = 0; i < w->ncodes; i++) {
        int j;
        if (strcmp(kind + strlen(DB_KIND_CURRENCY), w->codes[i]) != 0)
            continue;
        for (j = 0; j < w->nhave[i] && strcmp(w->have[i][j], lang) != 0; j++)
            ;
        assert_true(j < CCY_MAX_LANGS);
        if (j == w->nhave[i])
            snprintf(w->have[i][w->nhave[i]++], 4, "%s", lang);
    }
    return 0;
}

static int count_lang(void *arg, const char *code, const char *name, const char *decimal,
                      int translit)
{
    (void)code, (void)name, (void)decimal, (void)translit;
    (*(int *)arg)++;
    return 0;
}

/* Issue 13: every currency the ECB publishes has its words in every shipped language ("rand",
 * "rupiah", "peso filipino"), so a rate asked in words is never answered for another one. */
static void test_every_ecb_currency_has_words(void **state)
{
    static const char *const paths[] = {RL_CONTENT};
    struct ccy_words *w = calloc(1, sizeof(*w));
    struct conf_errs errs;
    struct import_stats st;
    char line[1024], *tok, *save = NULL;
    int i, nlangs = 0;
    FILE *fp = fopen(RL_CONTENT "/data/eurofxref-2026-04-13.csv", "r");
    db *d = db_open(":memory:");

    (void)state;
    assert_non_null(fp);
    assert_non_null(fgets(line, sizeof(line), fp));
    fclose(fp);
    snprintf(w->codes[w->ncodes++], 4, "EUR");
    snprintf(w->codes[w->ncodes++], 4, "BGN"); /* no column since the lev joined the euro */
    for (tok = strtok_r(line, ", \r\n", &save); tok; tok = strtok_r(NULL, ", \r\n", &save))
        if (strlen(tok) == 3 && w->ncodes < 64)
            snprintf(w->codes[w->ncodes++], 4, "%s", tok);
    assert_true(w->ncodes > 25);
    assert_int_equal(import_paths(d, paths, 1, &errs, &st), 0);
    conf_errs_free(&errs);
    assert_true(db_langs_each(d, count_lang, &nlangs) >= 0);
    assert_true(db_words_each(d, note_ccy_word, w) >= 0);
    for (i = 0; i < w->ncodes; i++)
        if (w->nhave[i] != nlangs)
            fail_msg("%s has words in %d of %d languages", w->codes[i], w->nhave[i], nlangs);
    {
        struct handler_opts o = {.default_lang = "en", .max_parts = 3};
        struct handler_query q = {"tipo de cambio dolar a peso filipino", NULL, NULL, 0, NULL};
        struct handler_reply r;
        handler_ctx *h = handler_open(d, &o);
        assert_non_null(h);
        assert_int_equal(handler_answer(h, &q, &r), 0);
        if (strstr(r.text, "1 USD =") == NULL || strstr(r.text, "PHP") == NULL)
            fail_msg("peso filipino: %s", r.text);
        q.text = "rate rand usd";
        assert_int_equal(handler_answer(h, &q, &r), 0);
        assert_non_null(strstr(r.text, "1 ZAR ="));
        q.text = "RATE EUR BGN";
        assert_int_equal(handler_answer(h, &q, &r), 0);
        assert_non_null(strstr(r.text, "1 EUR = 1.95583 BGN"));
        handler_close(h);
    }
    free(w);
    db_close(d);
}

/* Issue 13: check refuses a template with a placeholder no handler fills ({pc} would drop the
 * percentage from every FEE) and a reply that cannot fit one SMS with typical values. */
static void test_templates_checked(void **state)
{
    char path[256];
    const char *paths[1] = {path};
    struct conf_errs errs;
    struct import_stats st;
    db *d = db_open(":memory:");

    (void)state;
    test_write_file(
        path, sizeof(path), "lang-xx.conf",
        "languages = ({ code = \"xx\"; name = \"Test\"; words = { fee = [\"FEEX\"]; };\n"
        "  templates = {\n"
        "    fee_item = \"{n}){name} {pc}\";\n"
        "    help = \"Send FEEX, the country you send from, the country you send to and the "
        "amount, an"
        "d you get the cheapest providers. Send GUIDE for advice before you go abroad, any "
        "day.\";\n"
        "    fee_avg = \"{from}>{to} {amount}: average cost {pct} ({cost}){arrive}, "
        "which is what people paid on average in the last survey of the World Bank; fees "
        "change, so ask before you send. {src}\";\n"
        "    rate = \"1 {base} = {rate} {quote} ({src} {date})\";\n"
        "  }; });\n");
    assert_int_equal(import_paths(d, paths, 1, &errs, &st), -1);
    assert_true(test_errs_have(&errs, "template 'fee_item' has the unknown placeholder {pc}"));
    assert_true(test_errs_have(&errs, "template 'help' does not fit one SMS with typical values "
                                      "even in its shortest wording (166 GSM-7 characters, at "
                                      "most 160)"));
    assert_true(test_errs_have(&errs, "template 'fee_avg' does not fit one SMS"));
    assert_false(test_errs_have(&errs, "'rate'"));
    conf_errs_free(&errs);
    /* A language that keeps its letters is held to 70 UCS-2 characters. */
    test_write_file(path, sizeof(path), "lang-xx.conf",
                    "languages = ({ code = \"xx\"; name = \"Test\"; transliterate = false;\n"
                    "  words = { fee = [\"FEEX\"]; };\n"
                    "  templates = { help = \"Envoyez FEEX d’où vers où et combien, "
                    "et vous aurez la réponse tout de suite\"; }; });\n");
    assert_int_equal(import_paths(d, paths, 1, &errs, &st), -1);
    assert_true(test_errs_have(&errs, "UCS-2 characters, at most 70"));
    conf_errs_free(&errs);
    unlink(path);
    db_close(d);
}

static int find_source(void *arg, const struct db_source_info *si)
{
    if (strcmp(si->key, "wb-rpw-firms") == 0)
        *(int *)arg = 1;
    return 0;
}

static void copy_file(const char *from, const char *to)
{
    char buf[8192];
    size_t n;
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");

    assert_non_null(in);
    assert_non_null(out);
    while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
        assert_int_equal(fwrite(buf, 1, n, out), n);
    fclose(in);
    fclose(out);
}

/* Issue 13: a price file removed from the content directory takes its rows and its source
 * with it at the next import of the directory: no live quotes, no source of 0 rows. */
static void test_removed_file_forgotten(void **state)
{
    static const char *const langs[] = {TEST_LANGS};
    char dir[256], data[300], world[300], firms[300];
    const char *paths[1] = {dir};
    struct conf_errs errs;
    struct import_stats st;
    struct db_quote q[4];
    int listed = 0;
    db *d = db_open(":memory:");

    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/remitline-test-%ld-content", (long)getpid());
    snprintf(data, sizeof(data), "%s/data", dir);
    snprintf(world, sizeof(world), "%s/world.conf", dir);
    snprintf(firms, sizeof(firms), "%s/data/firms.csv", dir);
    assert_int_equal(mkdir(dir, 0700), 0);
    assert_int_equal(mkdir(data, 0700), 0);
    copy_file(TEST_WORLD, world);
    copy_file(RL_FIXTURES "/rpw/current.csv", firms);
    assert_int_equal(import_paths(d, langs, 5, &errs, &st), 0);
    conf_errs_free(&errs);
    assert_int_equal(import_paths(d, paths, 1, &errs, &st), 0);
    conf_errs_free(&errs);
    assert_int_equal(db_quotes_cheapest_at(d, "US", "MX", 200, q, 4), 4);
    assert_true(db_sources_each(d, find_source, &listed) >= 0);
    assert_int_equal(listed, 1);

    unlink(firms);
    assert_int_equal(import_paths(d, paths, 1, &errs, &st), 0);
    conf_errs_free(&errs);
    assert_int_equal(st.removed, 1);
    assert_int_equal(db_quotes_cheapest_at(d, "US", "MX", 200, q, 4), 0);
    listed = 0;
    assert_true(db_sources_each(d, find_source, &listed) >= 0);
    assert_int_equal(listed, 0);
    /* A file imported by name from elsewhere is not the directory's to forget. */
    assert_int_equal(
        import_paths(d, (const char *const[]){RL_FIXTURES "/rpw/current.csv"}, 1, &errs, &st), 0);
    conf_errs_free(&errs);
    assert_int_equal(import_paths(d, paths, 1, &errs, &st), 0);
    conf_errs_free(&errs);
    assert_int_equal(st.removed, 0);
    assert_int_equal(db_quotes_cheapest_at(d, "US", "MX", 200, q, 4), 4);
    unlink(world);
    rmdir(data);
    rmdir(dir);
    db_close(d);
}

static void test_forced_format_mismatch(void **state)
{
    static const char *const paths[] = {RL_FIXTURES "/broken/ecb-bad-number.csv"};
    struct conf_errs errs;
    struct import_stats st;
    db *d = test_world_db();

    (void)state;
    assert_int_equal(import_paths(d, paths, 1, &errs, &st), -1);
    assert_true(test_errs_have(&errs, "ecb-bad-number.csv:2:"));
    conf_errs_free(&errs);
    db_close(d);
}

/* The case: an ECB file already imported, then named again with --format rpw. It used to
 * be "unchanged" (its digest matched) and succeed; a format the content contradicts is an
 * error before anything is claimed, whether or not the file was seen before. */
static void test_forced_format_contradicted(void **state)
{
    static const char *const ecb[] = {RL_CONTENT "/data/eurofxref-2026-04-13.csv"};
    static const char *const conf[] = {TEST_WORLD};
    struct conf_errs errs;
    struct import_stats st;
    db *d = test_world_db();
    int i;

    (void)state;
    assert_int_equal(import_paths(d, ecb, 1, &errs, &st), 0);
    conf_errs_free(&errs);
    for (i = 0; i < 2; i++) {
        conf_errs_init(&errs);
        assert_int_equal(
            conf_import(d, ecb, 1, i ? CONF_FORMAT_RPW_CORRIDORS : CONF_FORMAT_RPW, 0, &errs, &st),
            -1);
        assert_true(test_errs_have(&errs, i ? "--format rpw-corridors does not match this file, "
                                            : "--format rpw does not match this file, "));
        assert_true(test_errs_have(&errs, "which holds ECB euro reference rates (ecb)"));
        assert_int_equal(st.unchanged, 0);
        conf_errs_free(&errs);
    }
    conf_errs_init(&errs);
    assert_int_equal(conf_import(d, conf, 1, CONF_FORMAT_ECB, 0, &errs, &st), -1);
    assert_true(test_errs_have(&errs, "which holds a content file (libconfig) (content)"));
    conf_errs_free(&errs);
    /* The format it is may always be said. */
    conf_errs_init(&errs);
    assert_int_equal(conf_import(d, ecb, 1, CONF_FORMAT_ECB, 0, &errs, &st), 0);
    conf_errs_free(&errs);
    db_close(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_world_imports),
        cmocka_unit_test(test_reimport_changes_nothing),
        cmocka_unit_test(test_changed_file_replaces_its_rows),
        cmocka_unit_test(test_quote_cost_rules),
        cmocka_unit_test(test_unknown_key_is_an_error_with_line),
        cmocka_unit_test(test_every_problem_reported_nothing_changed),
        cmocka_unit_test(test_syntax_error_names_line),
        cmocka_unit_test(test_unknown_names_listed),
        cmocka_unit_test(test_one_bad_file_rolls_back_the_good_ones),
        cmocka_unit_test(test_removing_a_referenced_country_is_refused),
        cmocka_unit_test(test_numbering_prefixes),
        cmocka_unit_test(test_public_data_files),
        cmocka_unit_test(test_forced_format_mismatch),
        cmocka_unit_test(test_removed_file_forgotten),
        cmocka_unit_test(test_templates_checked),
        cmocka_unit_test(test_every_ecb_currency_has_words),
        cmocka_unit_test(test_forced_format_contradicted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
