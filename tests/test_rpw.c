/* The World Bank RPW firm-level importer, on synthetic files in both layouts. */
#include "testutil.h"

#include "conf/xlsx.h"
#include "handlers/handler.h"

#define RPW_DIR  RL_FIXTURES "/rpw"
#define NOV_2026 ((time_t)1795737600) /* 2026-11-27 00:00 UTC */
#define JAN_2021 ((time_t)1610668800) /* 2021-01-15 00:00 UTC */

static int import_one(db *d, const char *path, enum conf_format forced, struct conf_errs *errs,
                      struct import_stats *st)
{
    const char *paths[1] = {path};

    conf_errs_init(errs);
    return conf_import(d, paths, 1, forced, 0, errs, st);
}

static db *world_with(const char *path)
{
    struct conf_errs errs;
    struct import_stats st;
    db *d = test_world_db();

    if (import_one(d, path, CONF_FORMAT_UNKNOWN, &errs, &st) != 0) {
        conf_errs_print(&errs, stderr);
        fail_msg("%s did not import", path);
    }
    conf_errs_free(&errs);
    return d;
}

static void assert_near(double got, double want)
{
    if (got < want - 0.001 || got > want + 0.001)
        fail_msg("expected %.4f, got %.4f", want, got);
}

static void test_detected_from_header(void **state)
{
    (void)state;
    assert_int_equal(conf_detect_format(RPW_DIR "/current.csv"), CONF_FORMAT_RPW);
    assert_int_equal(conf_detect_format(RPW_DIR "/older-upper.csv"), CONF_FORMAT_RPW);
}

static void test_current_layout(void **state)
{
    struct conf_errs errs;
    struct import_stats st;
    struct db_counts c;
    struct db_quote q[5];
    db *d = test_world_db();

    (void)state;
    assert_int_equal(import_one(d, RPW_DIR "/current.csv", CONF_FORMAT_RPW, &errs, &st), 0);
    conf_errs_free(&errs);
    assert_int_equal(st.read, 7);
    assert_int_equal(st.imported, 7);
    assert_int_equal(st.skipped, 0);
    /* 12 quotes: cc1 and cc2 of six rows, cc1 only where cc2 is "..". */
    assert_int_equal(st.rows, 12);
    assert_int_equal(db_counts_get(d, &c), 0);
    assert_int_equal(c.quotes, 5 + 12);
    /* Acme's 2019Q3 cash product (both quotes) is history; everything else is live. */
    assert_int_equal(c.live_quotes, 5 + 10);

    /* USD 200: the promotion's negative cost is kept and ranks first; Acme shows its cheaper
     * product; the opaque firm comes last whatever its fee. */
    assert_int_equal(db_quotes_cheapest_at(d, "US", "MX", 200, q, 5), 4);
    assert_string_equal(q[0].provider, "Promo Pay");
    assert_near(q[0].total_pct, -1.5);
    assert_near(q[0].fx_margin, -1.5);
    assert_string_equal(q[0].ptype, "mobile");
    assert_string_equal(q[1].provider, "Acme Transfer");
    assert_near(q[1].total_pct, 3.0);
    assert_string_equal(q[1].period, "2020Q3");
    assert_string_equal(q[1].ptype, "mto");
    assert_string_equal(q[2].provider, "Banco Uno");
    assert_near(q[2].fee, 12.5); /* " 12.5 ", a number stored as text */
    assert_near(q[2].total_pct, 8.25);
    assert_string_equal(q[2].ptype, "bank");
    assert_string_equal(q[3].provider, "Opaco Cash");
    assert_int_equal(q[3].has_margin, 0); /* transparent = no: margin unknown, not 0 */
    assert_near(q[3].total_pct, 0.5);
    assert_near(q[3].denom, 200);

    /* USD 500: the cc2 quotes; Promo Pay has none. */
    assert_int_equal(db_quotes_cheapest_at(d, "US", "MX", 500, q, 5), 3);
    assert_string_equal(q[0].provider, "Acme Transfer");
    assert_near(q[0].total_pct, 2.1);
    assert_near(q[0].amount, 500);
    assert_string_equal(q[2].provider, "Opaco Cash");
    assert_int_equal(db_firm_denom_known(d, "US", "MX", 500), 1);
    assert_int_equal(db_firm_denom_known(d, "US", "PH", 500), 0);
    db_close(d);
}

static void test_older_layout_upper_case(void **state)
{
    struct db_quote q[3];
    db *d = world_with(RPW_DIR "/older-upper.csv");

    (void)state;
    assert_int_equal(db_quotes_cheapest_at(d, "FR", "SN", 200, q, 3), 2);
    assert_string_equal(q[0].provider, "Poste Test");
    assert_string_equal(q[0].ptype, "post");
    assert_string_equal(q[0].period, "2016Q1"); /* 2015Q4 is history */
    assert_near(q[0].total_pct, 6.0);
    assert_string_equal(q[0].ccy, "EUR");
    assert_near(q[0].amount, 180);
    assert_string_equal(q[1].provider, "Banque Test");
    assert_string_equal(q[1].ptype, "bank"); /* "Bank/MTO" */
    assert_int_equal(q[1].has_margin, 0);
    assert_near(q[1].total_pct, 10.0); /* only the fee's share is known */
    db_close(d);
}

/* The workbook as the World Bank publishes it: a sheet of notes first, the current layout under
 * a title row, the older layout in a third sheet; the same rows as current.csv and
 * older-upper.csv (tests/gen_xlsx.py wrote it from them), so the same quotes must come out. */
static void test_workbook_as_published(void **state)
{
    struct conf_errs errs;
    struct import_stats st;
    struct db_quote q[5];
    db *d = test_world_db();

    (void)state;
    assert_int_equal(conf_detect_format(RPW_DIR "/dataset.xlsx"), CONF_FORMAT_RPW);
    assert_int_equal(import_one(d, RPW_DIR "/dataset.xlsx", CONF_FORMAT_UNKNOWN, &errs, &st), 0);
    conf_errs_print(&errs, stderr);
    conf_errs_free(&errs);
    assert_int_equal(st.read, 7 + 3);
    assert_int_equal(st.imported, 7 + 3);
    assert_int_equal(st.skipped, 0);
    assert_int_equal(st.rows, 12 + 6);
    /* What it took and what it passed over, and why. */
    assert_int_equal(st.nnotes, 3);
    assert_non_null(strstr(st.note[0], "sheet 'Notes' passed over: no firm-level header row"));
    assert_non_null(
        strstr(st.note[1], "sheet 'Dataset (from Q2 2016)': the dataset: header on row 3, 7 rows"));
    assert_non_null(strstr(st.note[2], "sheet 'up to Q1 2016': the dataset: header on row 1"));

    assert_int_equal(db_quotes_cheapest_at(d, "US", "MX", 200, q, 5), 4);
    assert_string_equal(q[0].provider, "Promo Pay");
    assert_near(q[0].total_pct, -1.5);
    assert_string_equal(q[1].provider, "Acme Transfer"); /* an inline string */
    assert_string_equal(q[1].period, "2020Q3");
    assert_string_equal(q[2].provider, "Banco Uno"); /* rich text in two runs */
    assert_near(q[2].fee, 12.5);                     /* " 12.5 ", a number stored as text */
    assert_int_equal(q[3].has_margin, 0);
    assert_int_equal(db_quotes_cheapest_at(d, "FR", "SN", 200, q, 3), 2);
    assert_string_equal(q[0].provider, "Poste Test");
    assert_string_equal(q[0].period, "2016Q1");
    assert_near(q[0].amount, 180);
    db_close(d);
}

/* Dates stored as Excel serials under a date style read as ISO dates; cells a writer left out
 * read as empty. */
static int date_row(void *arg, char **cells, int n, long rownum)
{
    char *out = arg;

    if (rownum == 4 && n >= 42)
        snprintf(out, 64, "%s|%s|%s", cells[40], cells[41], cells[36]);
    return 0;
}

static void test_workbook_cells(void **state)
{
    struct conf_errs errs;
    char got[64] = "";
    xlsx *x;

    (void)state;
    conf_errs_init(&errs);
    assert_non_null(x = xlsx_open(RPW_DIR "/dataset.xlsx", &errs));
    assert_int_equal(xlsx_nsheets(x), 3);
    assert_string_equal(xlsx_sheet_name(x, 1), "Dataset (from Q2 2016)");
    assert_true(xlsx_sst_count(x) > 0);
    assert_int_equal(xlsx_sheet_rows(x, 1, date_row, NULL, got, &errs), 0);
    assert_string_equal(got, "2021-01-24|USAMEX|"); /* note2 was empty: no cell */
    xlsx_close(x);
    assert_int_equal(errs.count, 0);
    conf_errs_free(&errs);
}

static void test_workbook_without_dataset(void **state)
{
    struct conf_errs errs;
    struct import_stats st;
    db *d = test_world_db();

    (void)state;
    assert_int_equal(import_one(d, RPW_DIR "/notes-only.xlsx", CONF_FORMAT_RPW, &errs, &st), -1);
    assert_int_equal(errs.count, 1);
    assert_non_null(strstr(errs.msg[0], "no sheet of this workbook has the World Bank RPW "
                                        "firm-level header row"));
    assert_non_null(strstr(errs.msg[0], "sheets: 'Notes'"));
    conf_errs_free(&errs);
    /* Not a workbook at all: a zip without xl/workbook.xml. */
    assert_int_equal(
        import_one(d, RL_FIXTURES "/ecb/eurofxref-hist.zip", CONF_FORMAT_RPW, &errs, &st), -1);
    assert_non_null(strstr(errs.msg[0], "--format rpw does not match this file"));
    conf_errs_free(&errs);
    db_close(d);
}

static void test_trend_from_firm_quotes(void **state)
{
    struct db_trend_point t[4];
    db *d = world_with(RPW_DIR "/current.csv");

    (void)state;
    /* Per quarter, the published average where there is one (the world's 2019Q2), else the
     * firm-level USD 200 quotes whose cost is known, averaged (the opaque one left out). */
    assert_int_equal(db_trend(d, "US", "MX", t, 4), 3);
    assert_string_equal(t[0].period, "2019Q2");
    assert_near(t[0].pct, 4.5);
    assert_string_equal(t[1].period, "2019Q3");
    assert_near(t[1].pct, 5.0);
    assert_string_equal(t[2].period, "2020Q3");
    assert_near(t[2].pct, (4.2 + 8.25 - 1.5 + 3.0) / 4);
    db_close(d);
}

static void test_broken_rows_skipped_with_reasons(void **state)
{
    struct conf_errs errs;
    struct import_stats st;
    struct db_quote q[3];
    db *d = test_world_db();
    int i, found = 0;

    (void)state;
    assert_int_equal(import_one(d, RPW_DIR "/broken-rows.csv", CONF_FORMAT_UNKNOWN, &errs, &st), 0);
    assert_int_equal(errs.count, 0);
    conf_errs_free(&errs);
    assert_int_equal(st.read, 8);
    assert_int_equal(st.imported, 1);
    assert_int_equal(st.skipped, 7);
    assert_int_equal(st.skip_why[RPW_SKIP_PERIOD], 1);
    assert_int_equal(st.skip_why[RPW_SKIP_COUNTRY], 1);
    assert_int_equal(st.skip_why[RPW_SKIP_NUMBER], 1);
    assert_int_equal(st.skip_why[RPW_SKIP_TRANSPARENT], 1);
    assert_int_equal(st.skip_why[RPW_SKIP_NO_PRICE], 1);
    assert_int_equal(st.skip_why[RPW_SKIP_FIELDS], 1);
    assert_int_equal(st.skip_why[RPW_SKIP_CSV], 1);
    /* Each with its line number. */
    for (i = 0; i < st.nskip_msgs; i++) {
        if (strstr(st.skip_msg[i], "broken-rows.csv:3: bad period (sometime)") ||
            strstr(st.skip_msg[i], "broken-rows.csv:4: country not in the content (GBR)") ||
            strstr(st.skip_msg[i], "broken-rows.csv:5: bad number (cc1 lcu fee)") ||
            strstr(st.skip_msg[i], "broken-rows.csv:6: transparent not yes or no (perhaps)") ||
            strstr(st.skip_msg[i], "broken-rows.csv:7: no complete quote") ||
            strstr(st.skip_msg[i], "broken-rows.csv:8: too few fields") ||
            strstr(st.skip_msg[i], "broken-rows.csv:9: unreadable CSV row"))
            found++;
        else
            fail_msg("unexpected skip message %s", st.skip_msg[i]);
    }
    assert_int_equal(found, 7);
    assert_int_equal(db_quotes_cheapest_at(d, "US", "MX", 200, q, 3), 1);
    assert_string_equal(q[0].provider, "Good Firm");
    db_close(d);
}

static void test_broken_file_rejected_whole(void **state)
{
    struct conf_errs errs;
    struct import_stats st;
    struct db_counts before, after;
    db *d = test_world_db();

    (void)state;
    assert_int_equal(db_counts_get(d, &before), 0);
    assert_int_equal(import_one(d, RPW_DIR "/broken-file.csv", CONF_FORMAT_UNKNOWN, &errs, &st),
                     -1);
    assert_true(test_errs_have(&errs, "broken-file.csv:1: missing column 'cc1 lcu fee'"));
    conf_errs_free(&errs);
    assert_int_equal(db_counts_get(d, &after), 0);
    assert_int_equal(after.quotes, before.quotes);
    db_close(d);
}

static void test_file_of_no_usable_row_rejected(void **state)
{
    char path[256];
    struct conf_errs errs;
    struct import_stats st;
    db *d = test_world_db();

    (void)state;
    test_write_file(path, sizeof(path), "rpw-useless.csv",
                    "id,period,source_code,destination_code,firm,transparent,cc1 lcu amount,"
                    "cc1 lcu code,cc1 lcu fee,cc1 fx margin,cc1 total cost %\n"
                    "1,soon,USA,MEX,X,yes,200,USD,1,1,1.5\n"
                    "2,2020_3Q,USA,MEX,Y,yes,..,..,..,..,..\n");
    assert_int_equal(import_one(d, path, CONF_FORMAT_UNKNOWN, &errs, &st), -1);
    assert_true(test_errs_have(&errs, "no usable row in 2"));
    assert_int_equal(st.skipped, 2);
    conf_errs_free(&errs);
    unlink(path);
    db_close(d);
}

static void test_two_files_share_live(void **state)
{
    char path[256];
    const char *paths[2] = {RPW_DIR "/current.csv", path};
    struct conf_errs errs;
    struct import_stats st;
    struct db_quote q[5];
    db *d = test_world_db();

    (void)state;
    /* A later file (another sheet, another quarter) is the corridor's latest survey: its one
     * firm is the live set, and every 2020Q3 quote is history, Acme's and Banco Uno's too. */
    test_write_file(path, sizeof(path), "rpw-later.csv",
                    "ID,Period,Source_Code,Destination_Code,Firm,Firm_Type,Payment Instrument,"
                    "Access Point,Pickup Method,Transparent,CC1 LCU Amount,CC1 LCU Code,"
                    "CC1 LCU Fee,CC1 FX Margin,CC1 Total Cost %\n"
                    "1,2021_1Q,USA,MEX,Promo Pay,Mobile Operator,Mobile wallet,Online,Cash,yes,"
                    "200,USD,10,1,6\n");
    conf_errs_init(&errs);
    assert_int_equal(conf_import(d, paths, 2, CONF_FORMAT_UNKNOWN, 0, &errs, &st), 0);
    conf_errs_free(&errs);
    assert_int_equal(db_quotes_cheapest_at(d, "US", "MX", 200, q, 5), 1);
    assert_string_equal(q[0].provider, "Promo Pay");
    assert_string_equal(q[0].period, "2021Q1");
    assert_near(q[0].total_pct, 6.0);
    /* The survey priced no USD 500 in 2021Q1: that denomination keeps its own latest. */
    assert_int_equal(db_quotes_cheapest_at(d, "US", "MX", 500, q, 5), 3);
    assert_string_equal(q[0].period, "2020Q3");
    unlink(path);
    db_close(d);
}

/* Answers text over the synthetic world plus current.csv, at time now. */
static void answer(const char *text, time_t now, char *out, size_t outsz)
{
    struct handler_opts o = {.default_lang = "en", .max_parts = 3};
    struct handler_query q = {.text = text, .now = now};
    struct handler_reply r;
    db *d = world_with(RPW_DIR "/current.csv");
    handler_ctx *h = handler_open(d, &o);

    assert_non_null(h);
    assert_int_equal(handler_answer(h, &q, &r), 0);
    snprintf(out, outsz, "%s", r.text);
    handler_close(h);
    db_close(d);
}

static void assert_has(const char *hay, const char *needle)
{
    if (strstr(hay, needle) == NULL)
        fail_msg("expected \"%s\" in \"%s\"", needle, hay);
}

static void test_fee_nearer_quote_says_which(void **state)
{
    char out[HANDLER_REPLY_MAX];

    (void)state;
    answer("FEE USA MEX 300", JAN_2021, out, sizeof(out));
    assert_has(out, "USD300 (USD200 quotes)");
    assert_has(out, "1)Promo Pay -1.5%");
    assert_has(out, "2)Acme Transfer 3.0%");
    answer("FEE USA MEX 450", JAN_2021, out, sizeof(out));
    assert_has(out, "USD450 (USD500 quotes)");
    assert_has(out, "1)Acme Transfer 2.1%");
    assert_has(out, "2)Banco Uno 4.5%");
    /* What arrives, at the best known cost: 450 less 2.1% at 22/1.10 = 20 MXN per USD. */
    assert_has(out, "MXN8811");
    assert_null(strstr(out, "old data"));
}

static void test_fee_shows_fees_when_they_fit(void **state)
{
    char out[HANDLER_REPLY_MAX];

    (void)state;
    answer("FEE USA PHL 200", JAN_2021, out, sizeof(out));
    /* The world's survey quotes have no denomination; the firm-level one is USD 200. */
    assert_has(out, "(USD200 quotes)");
    assert_has(out, "1)Alpha Remit 2.0%");
}

static void test_opaque_never_first(void **state)
{
    char out[HANDLER_REPLY_MAX];

    (void)state;
    /* Opaco's fee alone is 0.5%, but its FX margin is not disclosed: it is never first, and
     * where it is shown the reply says so. */
    answer("FEE USA MEX", JAN_2021, out, sizeof(out));
    assert_has(out, "1)Promo Pay");
    assert_null(strstr(out, "1)Opaco"));
    if (strstr(out, "Opaco") != NULL)
        assert_has(out, "FX cost not disclosed");
}

static void test_stale_marker(void **state)
{
    char out[HANDLER_REPLY_MAX];

    (void)state;
    answer("FEE USA MEX 300", NOV_2026, out, sizeof(out));
    assert_has(out, "(old data: 2020Q3)");
    answer("FEE USA MEX 300", JAN_2021, out, sizeof(out));
    assert_null(strstr(out, "old data"));
}

static void test_period_end(void **state)
{
    time_t t;

    (void)state;
    assert_int_equal(handler_period_end("2020Q3", &t), 0);
    assert_int_equal(t, (time_t)1601510400); /* 2020-10-01 */
    assert_int_equal(handler_period_end("2020Q4", &t), 0);
    assert_int_equal(t, (time_t)1609459200); /* 2021-01-01 */
    assert_int_equal(handler_period_end("2026-04-13", &t), 0);
    assert_int_equal(t, (time_t)1776124800); /* 2026-04-14 */
    assert_int_equal(handler_period_end("soon", &t), -1);
    assert_int_equal(handler_is_stale("2026-04-13", (time_t)1776124800 + 7 * 86400, 7), 0);
    assert_int_equal(handler_is_stale("2026-04-13", (time_t)1776124800 + 7 * 86400 + 1, 7), 1);
    assert_int_equal(handler_is_stale("2020Q3", 0, 7), 0);
}

static void test_trend(void **state)
{
    char out[HANDLER_REPLY_MAX];

    (void)state;
    answer("FEE USA MEX TREND", JAN_2021, out, sizeof(out));
    assert_has(out, "5.0% in 2019Q3 -> 3.5% in 2020Q3");
    answer("fee usa philippines trend", JAN_2021, out, sizeof(out));
    assert_has(out, "No earlier quarters");
    /* The word is a modifier, never the keyword: alone with places it is still a fee query. */
    answer("USA MEX TREND", JAN_2021, out, sizeof(out));
    assert_has(out, "in 2019Q3");
}

/* Answers text over the synthetic world plus the given files, at time now. */
static void answer_over(const char *const *paths, int npaths, const char *text, time_t now,
                        char *out, size_t outsz)
{
    struct handler_opts o = {.default_lang = "en", .max_parts = 3};
    struct handler_query q = {.text = text, .now = now};
    struct handler_reply r;
    struct conf_errs errs;
    struct import_stats st;
    db *d = test_world_db();
    handler_ctx *h;

    conf_errs_init(&errs);
    if (conf_import(d, paths, npaths, CONF_FORMAT_UNKNOWN, 0, &errs, &st) != 0) {
        conf_errs_print(&errs, stderr);
        fail_msg("fixtures did not import");
    }
    conf_errs_free(&errs);
    h = handler_open(d, &o);
    assert_non_null(h);
    assert_int_equal(handler_answer(h, &q, &r), 0);
    snprintf(out, outsz, "%s", r.text);
    handler_close(h);
    db_close(d);
}

/* Issue 13: a file holding the 2011 and the 2025 survey of one corridor lists only the 2025
 * firms, labelled 2025; a firm the new survey left out (Citibank) is history. */
static void test_live_set_is_latest_survey(void **state)
{
    const char *paths[] = {RPW_DIR "/surveys.csv"};
    struct db_quote q[5];
    db *d = world_with(RPW_DIR "/surveys.csv");
    char out[HANDLER_REPLY_MAX];

    (void)state;
    assert_int_equal(db_quotes_cheapest_at(d, "FR", "SN", 200, q, 5), 3);
    assert_string_equal(q[0].provider, "MoneyGram");
    assert_string_equal(q[0].period, "2025Q1");
    assert_string_equal(q[1].provider, "UBA Africash");
    assert_string_equal(q[1].period, "2025Q1");
    assert_near(q[1].total_pct, 5.0);
    assert_string_equal(q[2].provider, "Opaque Pay");
    /* The same bank under two names from two quarters: only the later quarter is live. */
    assert_int_equal(db_quotes_cheapest_at(d, "DE", "SN", 200, q, 5), 1);
    assert_string_equal(q[0].provider, "KCB (Kenya Commercial Bank)");
    db_close(d);

    answer_over(paths, 1, "FEE FRA SEN", NOV_2026, out, sizeof(out));
    assert_has(out, "1)MoneyGram 4.5%");
    assert_has(out, "2)UBA Africash 5.0%");
    assert_has(out, "WB 2025Q1");
    assert_null(strstr(out, "Citibank"));
    assert_null(strstr(out, "2011"));
    answer_over(paths, 1, "FEE DEU SEN", NOV_2026, out, sizeof(out));
    assert_has(out, "KCB (Kenya Commercial Bank) 5.0%");
    assert_null(strstr(out, "Kenya Commercial Bank (KCB)"));
}

/* FEE and TREND tell one story: TREND's last point is the live survey's firms averaged as the
 * World Bank does (transparent firms only), and every earlier survey is a point before it. */
static void test_fee_and_trend_agree(void **state)
{
    const char *paths[] = {RPW_DIR "/surveys.csv"};
    struct db_trend_point t[4];
    db *d = world_with(RPW_DIR "/surveys.csv");
    char out[HANDLER_REPLY_MAX];

    (void)state;
    assert_int_equal(db_trend(d, "FR", "SN", t, 4), 2);
    assert_string_equal(t[0].period, "2011Q3");
    assert_near(t[0].pct, (3.6 + 3.7) / 2);
    assert_string_equal(t[1].period, "2025Q1");
    assert_near(t[1].pct, (4.5 + 5.0) / 2); /* Opaque Pay's unknown cost left out */
    db_close(d);
    answer_over(paths, 1, "FEE FRA SEN TREND", NOV_2026, out, sizeof(out));
    assert_has(out, "3.7% in 2011Q3 -> 4.8% in 2025Q1");
    assert_has(out, "WB");
}

/* A 2011 firm-level import does not replace the corridor's 2020Q3 published average in FEE,
 * and TREND shows both: 2011 from the firms, the later quarters from the averages. */
static void test_older_firms_do_not_hide_newer_average(void **state)
{
    char avg[256], out[HANDLER_REPLY_MAX];
    const char *paths[2] = {RPW_DIR "/surveys.csv", avg};
    struct db_quote q[3];

    (void)state;
    test_write_file(avg, sizeof(avg), "corridor-avg.csv",
                    "Sending Countries Name,Sending Countries Code,Series Name,Series Code,"
                    "Receiving Countries  Name,Receiving Countries  Code,2020Q2 [YR2020Q2],"
                    "2020Q3 [YR2020Q3]\n"
                    "Australia,AUS,Average Total Cost to remit in corridor,ATCR.CORR,"
                    "Philippines,PHL,7.5,7.25\n");
    answer_over(paths, 2, "FEE AUS PHL", NOV_2026, out, sizeof(out));
    assert_has(out, "avg cost 7.2%");
    assert_has(out, "WB 2020Q3");
    assert_null(strstr(out, "Old Firm"));
    answer_over(paths, 2, "FEE AUS PHL TREND", NOV_2026, out, sizeof(out));
    assert_has(out, "12.0% in 2011Q3 -> 7.5% in 2020Q2 -> 7.2% in 2020Q3");
    {
        db *d = test_world_db();
        struct conf_errs errs;
        struct import_stats st;
        conf_errs_init(&errs);
        assert_int_equal(conf_import(d, paths, 2, CONF_FORMAT_UNKNOWN, 0, &errs, &st), 0);
        conf_errs_free(&errs);
        assert_int_equal(db_quotes_cheapest_at(d, "AU", "PH", 200, q, 3), 0);
        db_close(d);
    }
    unlink(avg);
}

static void test_each_quote_labelled_with_its_period(void **state)
{
    char conf[256], out[HANDLER_REPLY_MAX];
    const char *paths[2] = {RPW_DIR "/surveys.csv", conf};

    (void)state;
    test_write_file(conf, sizeof(conf), "survey.conf",
                    "providers = ({ key = \"omega\"; name = \"Omega\"; type = \"mto\"; });\n"
                    "quotes = ({ from = \"FRA\"; to = \"SEN\"; provider = \"omega\"; "
                    "amount = 200; currency = \"EUR\"; fee = 2.0; fx_margin = 2.0; "
                    "period = \"2026-10-01\"; source = \"test-survey\"; });\n");
    /* Beside the operator's 2026 survey, the World Bank's 2025Q1 quotes say their own period. */
    answer_over(paths, 2, "FEE FRA SEN", NOV_2026, out, sizeof(out));
    assert_has(out, "1)Omega 3.0%");
    assert_has(out, "MoneyGram 4.5% (WB 2025Q1)");
    assert_has(out, "TEST 2026-10-01");
    unlink(conf);
}

/* An amount in a currency the ECB does not publish is converted through the survey's own local
 * amounts (AUD 300 was the equivalent of USD 200): AUD 500 is a remittance, AUD 5 is asked. */
static void test_amount_converted_through_the_survey(void **state)
{
    const char *paths[] = {RPW_DIR "/surveys.csv"};
    char out[HANDLER_REPLY_MAX];

    (void)state;
    answer_over(paths, 1, "FEE AUS PHL 500", NOV_2026, out, sizeof(out));
    assert_has(out, "AUD500 (USD200 quotes)");
    assert_has(out, "Old Firm 12.0% fee AUD30");
    answer_over(paths, 1, "FEE AUS PHL 5", NOV_2026, out, sizeof(out));
    assert_has(out, "1=USD5.00 2=AUD5.00");
    answer_over(paths, 1, "FEE AUS PHL 5000", NOV_2026, out, sizeof(out));
    assert_has(out, "far from the USD200 surveyed");
    assert_null(strstr(out, "fee AUD"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_detected_from_header),
        cmocka_unit_test(test_current_layout),
        cmocka_unit_test(test_older_layout_upper_case),
        cmocka_unit_test(test_workbook_as_published),
        cmocka_unit_test(test_workbook_cells),
        cmocka_unit_test(test_workbook_without_dataset),
        cmocka_unit_test(test_trend_from_firm_quotes),
        cmocka_unit_test(test_broken_rows_skipped_with_reasons),
        cmocka_unit_test(test_broken_file_rejected_whole),
        cmocka_unit_test(test_file_of_no_usable_row_rejected),
        cmocka_unit_test(test_two_files_share_live),
        cmocka_unit_test(test_fee_nearer_quote_says_which),
        cmocka_unit_test(test_fee_shows_fees_when_they_fit),
        cmocka_unit_test(test_opaque_never_first),
        cmocka_unit_test(test_stale_marker),
        cmocka_unit_test(test_period_end),
        cmocka_unit_test(test_trend),
        cmocka_unit_test(test_amount_converted_through_the_survey),
        cmocka_unit_test(test_each_quote_labelled_with_its_period),
        cmocka_unit_test(test_live_set_is_latest_survey),
        cmocka_unit_test(test_fee_and_trend_agree),
        cmocka_unit_test(test_older_firms_do_not_hide_newer_average),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
