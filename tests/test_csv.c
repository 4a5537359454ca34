/*
 * test_csv.c: the CSV reader on hand-made input, then the RPW corridor and ECB parsers on the
 * real published files in conf/content/data and on broken copies written to a temp directory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/csv.h"
#include "conf/datafile.h"

#define RPW_FILE     RL_CONTENT "/data/corridor-averages-2011Q1-2020Q3.csv"
#define ECB_DAILY    RL_CONTENT "/data/eurofxref-2026-04-13.csv"
#define ECB_HIST     RL_CONTENT "/data/eurofxref-hist-last90.csv"
#define ECB_FIXTURES RL_FIXTURES "/ecb"
#define RPW_HEADER                                                                                 \
    "Sending Countries Name,Sending Countries Code,Series Name,Series Code,"                       \
    "Receiving Countries  Name,Receiving Countries  Code,2011Q1 [YR2011Q1],"                       \
    "2011Q3 [YR2011Q3]\n"
#define RPW_ROW(src, dst, a, b)                                                                    \
    "Xland," src ",Average Total Cost to remit in corridor,ATCR.CORR,Yland," dst "," a "," b "\n"

/* ---- temp files ---- */

struct tmpdir {
    char dir[64];
    char path[16][128];
    int n;
};

static int tmp_setup(void **state)
{
    struct tmpdir *t = calloc(1, sizeof(*t));

    if (t == NULL)
        return -1;
    snprintf(t->dir, sizeof(t->dir), "/tmp/rl-test-csv-XXXXXX");
    if (mkdtemp(t->dir) == NULL) {
        free(t);
        return -1;
    }
    *state = t;
    return 0;
}

static int tmp_teardown(void **state)
{
    struct tmpdir *t = *state;
    int i;

    for (i = 0; i < t->n; i++)
        unlink(t->path[i]);
    rmdir(t->dir);
    free(t);
    return 0;
}

/* Writes text to dir/name and returns the path (owned by t). */
static const char *tmp_write(struct tmpdir *t, const char *name, const char *text)
{
    FILE *fp;
    char *p;

    assert_true(t->n < 16);
    p = t->path[t->n++];
    {
        /* A copy keeps -O3's -Wrestrict from suspecting t->dir overlaps t->path. */
        char dir[sizeof(t->dir)];
        memcpy(dir, t->dir, sizeof(dir));
        snprintf(p, sizeof(t->path[0]), "%s/%s", dir, name);
    }
    fp = fopen(p, "w");
    assert_non_null(fp);
    assert_int_equal(fputs(text, fp) >= 0, 1);
    assert_int_equal(fclose(fp), 0);
    return p;
}

/* Asserts that errs holds message i, equal to "path" followed by rest. */
static void assert_err(const struct conf_errs *e, int i, const char *path, const char *rest)
{
    char want[512];

    snprintf(want, sizeof(want), "%s%s", path, rest);
    assert_true(i < e->nmsg);
    assert_string_equal(e->msg[i], want);
}

/* ---- the CSV reader ---- */

static csv *csv_on(const char *text, FILE **fpp)
{
    csv *c;

    *fpp = fmemopen((void *)text, strlen(text), "r");
    assert_non_null(*fpp);
    c = csv_open(*fpp);
    assert_non_null(c);
    return c;
}

static void test_csv_quotes(void **state)
{
    const char *text = "a,\"b,c\",\"d \"\"e\"\"\",  f  g  , \"  h  \" ,\"\"\n"
                       "\"two\nlines\",z\n"
                       "next\n";
    FILE *fp;
    csv *c = csv_on(text, &fp);
    char **f;
    int n;

    (void)state;
    assert_int_equal(csv_next(c, &f, &n), 1);
    assert_int_equal(n, 6);
    assert_int_equal(csv_line(c), 1);
    assert_string_equal(f[0], "a");
    assert_string_equal(f[1], "b,c");
    assert_string_equal(f[2], "d \"e\"");
    assert_string_equal(f[3], "f  g");
    assert_string_equal(f[4], "  h  ");
    assert_string_equal(f[5], "");

    assert_int_equal(csv_next(c, &f, &n), 1);
    assert_int_equal(n, 2);
    assert_int_equal(csv_line(c), 2);
    assert_string_equal(f[0], "two\nlines");
    assert_string_equal(f[1], "z");

    assert_int_equal(csv_next(c, &f, &n), 1);
    assert_int_equal(csv_line(c), 4);
    assert_string_equal(f[0], "next");
    assert_int_equal(csv_next(c, &f, &n), 0);
    assert_int_equal(csv_next(c, &f, &n), 0);
    csv_close(c);
    fclose(fp);
}

static void test_csv_crlf_bom_trailing_comma(void **state)
{
    const char *text = "\xEF\xBB\xBF"
                       "Date, USD, JPY,\r\n"
                       "\r\n"
                       "13 April 2026, 1.1684, \"186.75\",\r\n"
                       "last,row"; /* no final newline */
    FILE *fp;
    csv *c = csv_on(text, &fp);
    char **f;
    int n;

    (void)state;
    assert_int_equal(csv_next(c, &f, &n), 1);
    assert_int_equal(n, 4);
    assert_string_equal(f[0], "Date");
    assert_string_equal(f[2], "JPY");
    assert_string_equal(f[3], "");

    assert_int_equal(csv_next(c, &f, &n), 1);
    assert_int_equal(csv_line(c), 3); /* the empty line 2 is skipped but counted */
    assert_int_equal(n, 4);
    assert_string_equal(f[0], "13 April 2026");
    assert_string_equal(f[1], "1.1684");
    assert_string_equal(f[2], "186.75");
    assert_string_equal(f[3], "");

    assert_int_equal(csv_next(c, &f, &n), 1);
    assert_int_equal(csv_line(c), 4);
    assert_int_equal(n, 2);
    assert_string_equal(f[1], "row");
    assert_int_equal(csv_next(c, &f, &n), 0);
    csv_close(c);
    fclose(fp);
}

static void test_csv_overlong_line(void **state)
{
    size_t big = CSV_MAX_ROW + 1000, i;
    char *text = malloc(big + 32);
    FILE *fp;
    csv *c;
    char **f;
    int n;

    (void)state;
    assert_non_null(text);
    for (i = 0; i < big; i++)
        text[i] = i % 200 == 199 ? ',' : 'x';
    memcpy(text + big, "\nok,1\n", 7);
    c = csv_on(text, &fp);
    assert_int_equal(csv_next(c, &f, &n), -1);
    assert_int_equal(csv_line(c), 1);
    assert_string_equal(csv_error(c), "row longer than 65536 bytes");
    assert_int_equal(csv_next(c, &f, &n), 1);
    assert_int_equal(csv_line(c), 2);
    assert_int_equal(n, 2);
    assert_string_equal(f[0], "ok");
    assert_string_equal(csv_error(c), "");
    assert_int_equal(csv_next(c, &f, &n), 0);
    csv_close(c);
    fclose(fp);
    free(text);
}

static void test_csv_too_many_fields(void **state)
{
    char text[CSV_MAX_FIELDS * 2 + 64];
    size_t i;
    FILE *fp;
    csv *c;
    char **f;
    int n;

    (void)state;
    for (i = 0; i < CSV_MAX_FIELDS + 5; i++)
        text[i] = ',';
    memcpy(text + i, "\nok\n", 5);
    c = csv_on(text, &fp);
    assert_int_equal(csv_next(c, &f, &n), -1);
    assert_string_equal(csv_error(c), "more than 512 fields");
    assert_int_equal(csv_next(c, &f, &n), 1);
    assert_string_equal(f[0], "ok");
    assert_int_equal(csv_line(c), 2);
    csv_close(c);
    fclose(fp);
}

static void test_csv_bad_quotes(void **state)
{
    const char *text = "\"a\"b,c\n" /* text after the closing quote: row skipped */
                       "fine,row\n"
                       "x,\"never closed\n"
                       "y,z\n";
    FILE *fp;
    csv *c = csv_on(text, &fp);
    char **f;
    int n;

    (void)state;
    assert_int_equal(csv_next(c, &f, &n), -1);
    assert_string_equal(csv_error(c), "text after a closing quote");
    assert_int_equal(csv_next(c, &f, &n), 1);
    assert_int_equal(csv_line(c), 2);
    assert_string_equal(f[1], "row");
    /* RFC 4180 lets a quoted field span lines, so an open quote runs to the end of the file. */
    assert_int_equal(csv_next(c, &f, &n), -1);
    assert_int_equal(csv_line(c), 3);
    assert_string_equal(csv_error(c), "unterminated quote");
    assert_int_equal(csv_next(c, &f, &n), 0);
    csv_close(c);
    fclose(fp);
    csv_close(NULL);
}

static void test_csv_helpers(void **state)
{
    char *hdr[] = {"Receiving Countries  Name", "x", "DATE"};
    double v = 0;

    (void)state;
    assert_int_equal(csv_header_find(hdr, 3, "receiving countries name"), 0);
    assert_int_equal(csv_header_find(hdr, 3, "Receiving Countries  Name"), 0);
    assert_int_equal(csv_header_find(hdr, 3, "Date"), 2);
    assert_int_equal(csv_header_find(hdr, 3, "Series Code"), -1);

    assert_int_equal(csv_parse_double("4.18037033081055", &v), 0);
    assert_true(v == 4.18037033081055);
    assert_int_equal(csv_parse_double("-1.5e2", &v), 0);
    assert_true(v == -150.0);
    assert_int_equal(csv_parse_double(".5", &v), 0);
    assert_int_equal(csv_parse_double("7.", &v), 0);
    assert_true(v == 7.0);
    assert_int_equal(csv_parse_double("", &v), -1);
    assert_int_equal(csv_parse_double(".", &v), -1);
    assert_int_equal(csv_parse_double("..", &v), -1);
    assert_int_equal(csv_parse_double("inf", &v), -1);
    assert_int_equal(csv_parse_double("nan", &v), -1);
    assert_int_equal(csv_parse_double("0x10", &v), -1);
    assert_int_equal(csv_parse_double(" 1", &v), -1);
    assert_int_equal(csv_parse_double("1.2.3", &v), -1);
    assert_int_equal(csv_parse_double("1e", &v), -1);
    assert_int_equal(csv_parse_double("1e999", &v), -1);
    assert_true(v == 7.0); /* untouched on failure */
}

/* ---- RPW corridor averages ---- */

struct rpw_seen {
    int n;
    int stop_after; /* 0 = never */
    int korea;      /* rows whose receiving name is the quoted "Korea, Rep." */
    struct rpw_corridor usa_mex;
    char usa_mex_src[64], usa_mex_dst[64];
    double sau_sdn_2017q4;
    int last_nq;
};

static int rpw_collect(void *arg, const struct rpw_corridor *c)
{
    struct rpw_seen *s = arg;
    int i;

    s->n++;
    s->last_nq = c->nq;
    if (strcmp(c->dst_name, "Korea, Rep.") == 0)
        s->korea++;
    if (strcmp(c->src_iso3, "USA") == 0 && strcmp(c->dst_iso3, "MEX") == 0) {
        s->usa_mex = *c;
        snprintf(s->usa_mex_src, sizeof(s->usa_mex_src), "%s", c->src_name);
        snprintf(s->usa_mex_dst, sizeof(s->usa_mex_dst), "%s", c->dst_name);
    }
    if (strcmp(c->src_iso3, "SAU") == 0 && strcmp(c->dst_iso3, "SDN") == 0)
        for (i = 0; i < c->nq; i++)
            if (strcmp(c->q[i].period, "2017Q4") == 0)
                s->sau_sdn_2017q4 = c->q[i].pct;
    if (s->stop_after > 0 && s->n == s->stop_after)
        return -1;
    return 0;
}

static void test_rpw_real_file(void **state)
{
    struct rpw_seen s;
    struct conf_errs e;
    int i;

    (void)state;
    memset(&s, 0, sizeof(s));
    conf_errs_init(&e);
    assert_int_equal(conf_rpw_corridors_read(RPW_FILE, rpw_collect, &s, &e), 377);
    conf_errs_print(&e, stderr);
    assert_int_equal(e.count, 0);
    assert_int_equal(s.n, 377);
    assert_true(s.korea > 0);

    /* USA -> MEX, line 364: a value in every one of the 35 quarters, 2011Q1 .. 2020Q3. */
    assert_string_equal(s.usa_mex_src, "United States of America");
    assert_string_equal(s.usa_mex_dst, "Mexico");
    assert_int_equal(s.usa_mex.line, 364);
    assert_int_equal(s.usa_mex.nq, 35);
    assert_string_equal(s.usa_mex.q[0].period, "2011Q1");
    assert_true(s.usa_mex.q[0].pct == 5.00611114501953);
    assert_string_equal(s.usa_mex.q[34].period, "2020Q3");
    assert_true(s.usa_mex.q[34].pct == 4.18037033081055);
    for (i = 1; i < s.usa_mex.nq; i++)
        assert_true(strcmp(s.usa_mex.q[i - 1].period, s.usa_mex.q[i].period) < 0);

    /* The World Bank publishes a few negative averages; they are data, not errors. */
    assert_true(s.sau_sdn_2017q4 == -11.3599996566772);
    conf_errs_free(&e);
}

static void test_rpw_callback_stops(void **state)
{
    struct rpw_seen s;
    struct conf_errs e;

    (void)state;
    memset(&s, 0, sizeof(s));
    s.stop_after = 10;
    conf_errs_init(&e);
    assert_int_equal(conf_rpw_corridors_read(RPW_FILE, rpw_collect, &s, &e), -1);
    assert_int_equal(s.n, 10);
    assert_int_equal(e.count, 0);
    conf_errs_free(&e);
}

static void test_rpw_missing_column(void **state)
{
    struct tmpdir *t = *state;
    struct rpw_seen s;
    struct conf_errs e;
    const char *p = tmp_write(t, "nocode.csv",
                              "Sending Countries Name,Sending Countries Code,Series Name,"
                              "Receiving Countries  Name,2011Q1 [YR2011Q1]\n"
                              "Xland,USA,Average,Yland,5\n");

    memset(&s, 0, sizeof(s));
    conf_errs_init(&e);
    assert_int_equal(conf_rpw_corridors_read(p, rpw_collect, &s, &e), -1);
    assert_int_equal(s.n, 0);
    assert_int_equal(e.count, 2);
    assert_err(&e, 0, p, ":1: missing column \"Series Code\"");
    assert_err(&e, 1, p, ":1: missing column \"Receiving Countries  Code\"");
    conf_errs_free(&e);

    conf_errs_init(&e);
    assert_int_equal(conf_rpw_corridors_read("/nonexistent/rpw.csv", rpw_collect, &s, &e), -1);
    assert_string_equal(e.msg[0], "/nonexistent/rpw.csv: cannot open: No such file or directory");
    conf_errs_free(&e);
}

static void test_rpw_bad_rows(void **state)
{
    struct tmpdir *t = *state;
    struct rpw_seen s;
    struct conf_errs e;
    const char *p = tmp_write(t, "bad.csv",
                              RPW_HEADER                             /* line 1 */
                                  RPW_ROW("USA", "MEX", "5.5", "..") /* 2: delivered */
                              RPW_ROW("USA", "PHL", "4", "abc")      /* 3: bad number */
                              RPW_ROW("US", "GTM", "4", "3")         /* 4: bad ISO code */
                              RPW_ROW("USA", "IND", "..", "..")      /* 5: no data, skipped */
                              RPW_ROW("GBR", "NGA", "150", "-5")     /* 6: absurd value */
                              RPW_ROW("GBR", "gha", "1", "2")        /* 7: bad ISO code */
                              "Xland,GBR,\"unterminated,ATCR.CORR\n" /* 8: to EOF */
                              RPW_ROW("GBR", "KEN", "1", "2"));

    memset(&s, 0, sizeof(s));
    conf_errs_init(&e);
    assert_int_equal(conf_rpw_corridors_read(p, rpw_collect, &s, &e), 1);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.last_nq, 1);
    assert_int_equal(e.count, 5);
    assert_err(&e, 0, p, ":3: 2011Q3: bad number \"abc\"");
    assert_err(&e, 1, p, ":4: bad sending country code \"US\"");
    assert_err(&e, 2, p, ":6: 2011Q1: cost 150% is out of range -100..100");
    assert_err(&e, 3, p, ":7: bad receiving country code \"gha\"");
    assert_err(&e, 4, p, ":8: malformed row: unterminated quote");
    conf_errs_free(&e);
}

static void test_rpw_columns_by_name(void **state)
{
    struct tmpdir *t = *state;
    struct rpw_seen s;
    struct conf_errs e;
    /* Shuffled columns, newest quarter first, one space in the names, no [YR..] suffix. */
    const char *p = tmp_write(t, "shuffled.csv",
                              "2020Q3,Receiving Countries Code,Series Code,2020Q2,"
                              "Sending Countries Code,Receiving Countries Name,"
                              "Sending Countries Name\n"
                              "4.18,MEX,ATCR.CORR,4.5,USA,Mexico,United States\n");

    memset(&s, 0, sizeof(s));
    conf_errs_init(&e);
    assert_int_equal(conf_rpw_corridors_read(p, rpw_collect, &s, &e), 1);
    assert_int_equal(e.count, 0);
    assert_string_equal(s.usa_mex_src, "United States");
    assert_string_equal(s.usa_mex_dst, "Mexico");
    assert_int_equal(s.usa_mex.nq, 2);
    assert_string_equal(s.usa_mex.q[0].period, "2020Q2");
    assert_true(s.usa_mex.q[0].pct == 4.5);
    assert_string_equal(s.usa_mex.q[1].period, "2020Q3");
    assert_true(s.usa_mex.q[1].pct == 4.18);
    conf_errs_free(&e);
}

/* ---- ECB reference rates ---- */

struct ecb_seen {
    int n;
    int retired; /* rates for currency columns that hold only N/A */
    int bgn;
    int dates;
    char last_date[11];
    double usd_0413, php_0413;
};

static int ecb_collect(void *arg, const struct ecb_rate *r)
{
    static const char *const retired[] = {"CYP", "EEK", "HRK", "LTL", "LVL", "MTL",
                                          "ROL", "RUB", "SIT", "SKK", "TRL"};
    struct ecb_seen *s = arg;
    size_t i;

    s->n++;
    for (i = 0; i < sizeof(retired) / sizeof(retired[0]); i++)
        if (strcmp(r->currency, retired[i]) == 0)
            s->retired++;
    if (strcmp(r->currency, "BGN") == 0)
        s->bgn++;
    if (strcmp(r->date, s->last_date) != 0) {
        s->dates++;
        memcpy(s->last_date, r->date, sizeof(s->last_date));
    }
    if (strcmp(r->date, "2026-04-13") == 0 && strcmp(r->currency, "USD") == 0)
        s->usd_0413 = r->rate;
    if (strcmp(r->date, "2026-04-13") == 0 && strcmp(r->currency, "PHP") == 0)
        s->php_0413 = r->rate;
    return 0;
}

static void test_ecb_daily(void **state)
{
    struct ecb_seen s;
    struct conf_errs e;

    (void)state;
    memset(&s, 0, sizeof(s));
    conf_errs_init(&e);
    assert_int_equal(conf_ecb_read(ECB_DAILY, ecb_collect, &s, &e), 29);
    conf_errs_print(&e, stderr);
    assert_int_equal(e.count, 0);
    assert_int_equal(s.dates, 1);
    assert_string_equal(s.last_date, "2026-04-13");
    assert_true(s.usd_0413 == 1.1684);
    assert_true(s.php_0413 == 70.356);
    conf_errs_free(&e);
}

static void test_ecb_history(void **state)
{
    struct ecb_seen s;
    struct conf_errs e;

    (void)state;
    memset(&s, 0, sizeof(s));
    conf_errs_init(&e);
    /* 90 rows x 41 currency columns: 11 retired columns are all N/A, and BGN stops when
     * Bulgaria joins the euro, leaving 29 x 90 + 20 rates. */
    assert_int_equal(conf_ecb_read(ECB_HIST, ecb_collect, &s, &e), 2630);
    conf_errs_print(&e, stderr);
    assert_int_equal(e.count, 0);
    assert_int_equal(s.retired, 0);
    assert_int_equal(s.bgn, 20);
    assert_int_equal(s.dates, 90);
    assert_string_equal(s.last_date, "2025-12-02");
    assert_true(s.usd_0413 == 1.1684);
    assert_true(s.php_0413 == 70.356);
    conf_errs_free(&e);
}

static void test_ecb_broken(void **state)
{
    struct tmpdir *t = *state;
    struct ecb_seen s;
    struct conf_errs e;
    const char *nodate = tmp_write(t, "nodate.csv", "Day,USD,\n2026-04-13,1.1,\n");
    const char *bad = tmp_write(t, "badecb.csv",
                                "Date,USD,JPY,Euro,PHP,\n"        /* 1: "Euro" reported, ignored */
                                "2026-04-13,1.1,186.75,x,70.3,\n" /* 2: three rates */
                                "2026-04-10,abc,-1,x,N/A,\n"      /* 3: two bad rates */
                                "2026-02-30,1.1,1,x,1,\n"         /* 4: no such day */
                                "9 Apri 2026,1.1,1,x,1,\n"        /* 5: no such month */
                                "9 Apr 2026,1.2,,x,0,\n"          /* 6: one rate, zero is bad */
                                "2026-04-08,1.3\n");              /* 7: short row */

    memset(&s, 0, sizeof(s));
    conf_errs_init(&e);
    assert_int_equal(conf_ecb_read(nodate, ecb_collect, &s, &e), -1);
    assert_int_equal(e.count, 1);
    assert_err(&e, 0, nodate, ":1: missing column \"Date\"");
    conf_errs_free(&e);

    memset(&s, 0, sizeof(s));
    conf_errs_init(&e);
    assert_int_equal(conf_ecb_read(bad, ecb_collect, &s, &e), 4);
    assert_string_equal(s.last_date, "2026-04-09");
    assert_int_equal(e.count, 7);
    assert_err(&e, 0, bad, ":1: column \"Euro\" is not a currency code");
    assert_err(&e, 1, bad, ":3: USD: bad rate \"abc\"");
    assert_err(&e, 2, bad, ":3: JPY: bad rate \"-1\"");
    assert_err(&e, 3, bad, ":4: bad date \"2026-02-30\"");
    assert_err(&e, 4, bad, ":5: bad date \"9 Apri 2026\"");
    assert_err(&e, 5, bad, ":6: PHP: bad rate \"0\"");
    assert_err(&e, 6, bad, ":7: row has 2 fields, needs 5");
    conf_errs_free(&e);
}

/* The same rates in every layout the ECB publishes: the 90-day XML and the history zip hold
 * the rows of eurofxref-hist-last90.csv (tests/fixtures/ecb/README.md). */
static long ecb_no_value;

static void ecb_count_skip(void *arg, long line, const char *currency, const char *why)
{
    (void)arg;
    (void)line;
    (void)currency;
    (void)why;
    ecb_no_value++;
}

static void test_ecb_as_published(void **state)
{
    static const char *const files[] = {ECB_FIXTURES "/eurofxref-hist-90d.xml",
                                        ECB_FIXTURES "/eurofxref-hist.zip", ECB_HIST};
    struct ecb_seen s;
    struct conf_errs e;
    struct ecb_cbs cbs = {ecb_collect, ecb_count_skip, &s};
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        memset(&s, 0, sizeof(s));
        ecb_no_value = 0;
        conf_errs_init(&e);
        assert_int_equal(conf_ecb_read_cbs(files[i], &cbs, &e), 2630);
        conf_errs_print(&e, stderr);
        assert_int_equal(e.count, 0);
        assert_int_equal(s.bgn, 20);
        assert_int_equal(s.dates, 90);
        assert_true(s.usd_0413 == 1.1684);
        assert_true(s.php_0413 == 70.356);
        /* The CSVs say N/A for 12 retired or ended columns; the XML has no element for them. */
        assert_int_equal(ecb_no_value, i == 0 ? 0 : 11 * 90 + 70);
        conf_errs_free(&e);
    }

    memset(&s, 0, sizeof(s));
    conf_errs_init(&e);
    assert_int_equal(
        conf_ecb_read(ECB_FIXTURES "/eurofxref-daily-2017-03-08.xml", ecb_collect, &s, &e), 31);
    assert_int_equal(e.count, 0);
    assert_string_equal(s.last_date, "2017-03-08");
    conf_errs_free(&e);
}

static void test_ecb_xml_broken(void **state)
{
    struct tmpdir *t = *state;
    struct ecb_seen s;
    struct conf_errs e;
    const char *cut = tmp_write(t, "cut.xml",
                                "<?xml version=\"1.0\"?><gesmes:Envelope xmlns:gesmes=\"x\">"
                                "<Cube><Cube time=\"2026-04-13\"><Cube currency=\"USD\" "
                                "rate=\"1.1\"/>");
    const char *bad = tmp_write(t, "bad.xml",
                                "<?xml version=\"1.0\"?>\n<Envelope><Cube>\n"
                                "<Cube time=\"2026-02-30\"><Cube currency=\"USD\" rate=\"1\"/>"
                                "</Cube>\n"
                                "<Cube time=\"2026-04-13\"><Cube currency=\"USD\" rate=\"x\"/>"
                                "<Cube currency=\"JPY\" rate=\"186.5\"/></Cube>\n"
                                "</Cube></Envelope>\n");
    const char *html = tmp_write(t, "page.xml", "<html><body>Service unavailable</body></html>");

    memset(&s, 0, sizeof(s));
    conf_errs_init(&e);
    /* A download cut short is an error, even after good rates. */
    assert_int_equal(conf_ecb_read(cut, ecb_collect, &s, &e), -1);
    assert_err(&e, 0, cut, ":1: XML error: no element found");
    conf_errs_free(&e);

    memset(&s, 0, sizeof(s));
    conf_errs_init(&e);
    assert_int_equal(conf_ecb_read(bad, ecb_collect, &s, &e), 1);
    assert_int_equal(e.count, 3);
    assert_err(&e, 0, bad, ":3: bad date \"2026-02-30\"");
    assert_err(&e, 1, bad, ":3: USD: a rate without a dated Cube around it");
    assert_err(&e, 2, bad, ":4: USD: bad rate \"x\"");
    conf_errs_free(&e);

    conf_errs_init(&e);
    assert_int_equal(conf_ecb_read(html, ecb_collect, &s, &e), -1);
    assert_err(&e, 0, html,
               ": no rates: not the ECB's euro reference rates XML (Cube elements with time, "
               "currency and rate)");
    conf_errs_free(&e);
    assert_int_equal(conf_detect_format(html), CONF_FORMAT_UNKNOWN);
}

/* ---- format detection ---- */

static void test_detect_format(void **state)
{
    struct tmpdir *t = *state;
    const char *firm =
        tmp_write(t, "firm.csv", "ID,Period,Source_Code,source_name\n1,2016_2Q,USA,x\n");
    const char *notecb = tmp_write(t, "notecb.csv", "Date,USD,Euro,\n");
    const char *empty = tmp_write(t, "empty.csv", "");
    enum conf_format f = CONF_FORMAT_UNKNOWN;

    assert_int_equal(conf_detect_format(RPW_FILE), CONF_FORMAT_RPW_CORRIDORS);
    assert_int_equal(conf_detect_format(ECB_DAILY), CONF_FORMAT_ECB);
    assert_int_equal(conf_detect_format(ECB_HIST), CONF_FORMAT_ECB);
    assert_int_equal(conf_detect_format(firm), CONF_FORMAT_RPW);
    assert_int_equal(conf_detect_format(RL_CONTENT "/en.conf"), CONF_FORMAT_CONTENT);
    assert_int_equal(conf_detect_format(RL_FIXTURES "/gsm0338.csv"), CONF_FORMAT_UNKNOWN);
    assert_int_equal(conf_detect_format(notecb), CONF_FORMAT_UNKNOWN);
    assert_int_equal(conf_detect_format(empty), CONF_FORMAT_UNKNOWN);
    assert_int_equal(conf_detect_format("/nonexistent/file.csv"), CONF_FORMAT_UNKNOWN);
    /* As published: the ECB's XML and history zip, the World Bank's workbook. */
    assert_int_equal(conf_detect_format(ECB_FIXTURES "/eurofxref-daily-2017-03-08.xml"),
                     CONF_FORMAT_ECB);
    assert_int_equal(conf_detect_format(ECB_FIXTURES "/eurofxref-hist-90d.xml"), CONF_FORMAT_ECB);
    assert_int_equal(conf_detect_format(ECB_FIXTURES "/eurofxref-hist.zip"), CONF_FORMAT_ECB);
    assert_int_equal(conf_detect_format(RL_FIXTURES "/rpw/dataset.xlsx"), CONF_FORMAT_RPW);

    assert_string_equal(conf_format_name(CONF_FORMAT_RPW_CORRIDORS), "rpw-corridors");
    assert_string_equal(conf_format_name(CONF_FORMAT_UNKNOWN), "unknown");
    for (f = CONF_FORMAT_CONTENT; f <= CONF_FORMAT_RPW; f++) {
        enum conf_format back = CONF_FORMAT_UNKNOWN;

        assert_int_equal(conf_format_parse(conf_format_name(f), &back), 0);
        assert_int_equal(back, f);
    }
    assert_int_equal(conf_format_parse("unknown", &f), -1);
    assert_int_equal(conf_format_parse("csv", &f), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_quotes),
        cmocka_unit_test(test_csv_crlf_bom_trailing_comma),
        cmocka_unit_test(test_csv_overlong_line),
        cmocka_unit_test(test_csv_too_many_fields),
        cmocka_unit_test(test_csv_bad_quotes),
        cmocka_unit_test(test_csv_helpers),
        cmocka_unit_test(test_rpw_real_file),
        cmocka_unit_test(test_rpw_callback_stops),
        cmocka_unit_test_setup_teardown(test_rpw_missing_column, tmp_setup, tmp_teardown),
        cmocka_unit_test_setup_teardown(test_rpw_bad_rows, tmp_setup, tmp_teardown),
        cmocka_unit_test_setup_teardown(test_rpw_columns_by_name, tmp_setup, tmp_teardown),
        cmocka_unit_test(test_ecb_daily),
        cmocka_unit_test(test_ecb_history),
        cmocka_unit_test(test_ecb_as_published),
        cmocka_unit_test_setup_teardown(test_ecb_xml_broken, tmp_setup, tmp_teardown),
        cmocka_unit_test_setup_teardown(test_ecb_broken, tmp_setup, tmp_teardown),
        cmocka_unit_test_setup_teardown(test_detect_format, tmp_setup, tmp_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
