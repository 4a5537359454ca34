/*
 * test_console.c: the HTML escaper against hostile strings, the SVG charts, and the console's
 * pages (util/html.c, util/chart.c, gateway/console.c) on an in-memory database: numbers masked,
 * texts escaped, filters validated, an alert's progress bar and the demand charts holding the
 * figures they are given.
 */
#include "testutil.h"

#include "db/delivery.h"

#include <time.h>

#include "conf/config.h"
#include "db/guards.h"
#include "gateway/console.h"
#include "util/chart.h"
#include "util/html.h"
#include "util/utf8.h"

/* What fn wrote to a memory stream: a string the caller frees. */
struct mem {
    char *buf;
    size_t len;
    FILE *fp;
};

static FILE *mem_open(struct mem *m)
{
    m->buf = NULL;
    m->len = 0;
    m->fp = open_memstream(&m->buf, &m->len);
    assert_non_null(m->fp);
    return m->fp;
}

static char *mem_take(struct mem *m)
{
    assert_int_equal(fclose(m->fp), 0);
    return m->buf;
}

static char *escaped(const char *s)
{
    struct mem m;

    html_esc(mem_open(&m), s);
    return mem_take(&m);
}

static int count(const char *hay, const char *needle)
{
    int n = 0;

    for (; (hay = strstr(hay, needle)) != NULL; hay += strlen(needle))
        n++;
    return n;
}

/* ---- The escaper ---- */

static void test_escape_hostile(void **state)
{
    static const char *const cases[][2] = {
        {"<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
        {"\"><img src=x onerror=alert(1)>", "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"},
        {"' onmouseover='x", "&#39; onmouseover=&#39;x"},
        {"a & b &amp; c", "a &amp; b &amp;amp; c"},
        {"</title><svg onload=x>", "&lt;/title&gt;&lt;svg onload=x&gt;"},
        {"]]><!-- -->", "]]&gt;&lt;!-- --&gt;"},
        /* Controls are dropped, but tab and line breaks kept. */
        {"a\x01\x1b[31mb\x7f", "a[31mb"},
        {"l1\nl2\tx\r", "l1\nl2\tx\r"},
        /* C1 controls (U+0085, U+009B) dropped; other non-ASCII kept whole. */
        {"x\xC2\x85y\xC2\x9Bz", "xyz"},
        {"Coût d'envoi → ₱ 日本", "Coût d&#39;envoi → ₱ 日本"},
        /* Bytes that are not UTF-8 become U+FFFD: a lone continuation byte, an overlong '<',
         * a surrogate, a cut sequence at the end. */
        {"a\x80"
         "b",
         "a\xEF\xBF\xBD"
         "b"},
        {"\xC0\xBC", "\xEF\xBF\xBD\xEF\xBF\xBD"},
        {"\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},
        {"ok\xE2\x82", "ok\xEF\xBF\xBD"},
        {"", ""},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *out = escaped(cases[i][0]);
        assert_string_equal(out, cases[i][1]);
        assert_true(utf8_valid(out));
        assert_null(strchr(out, '<'));
        free(out);
    }
    {
        struct mem m;
        char *out;
        /* NULL writes nothing; n cuts, never inside a character. */
        html_esc(mem_open(&m), NULL);
        html_escn(m.fp, "<ab>", 2);
        html_escn(m.fp, "é", 1);
        out = mem_take(&m);
        assert_string_equal(out, "&lt;a\xEF\xBF\xBD");
        free(out);
    }
}

/* Every byte value in every position: the output is valid UTF-8 with no markup character. */
static void test_escape_every_byte(void **state)
{
    char in[4];
    int a, b;

    (void)state;
    for (a = 1; a < 256; a++)
        for (b = 1; b < 256; b += 7) {
            char *out;
            in[0] = (char)a;
            in[1] = (char)b;
            in[2] = '"';
            in[3] = '\0';
            out = escaped(in);
            assert_true(utf8_valid(out));
            assert_null(strpbrk(out, "<>\"'"));
            free(out);
        }
}

/* ---- Charts ---- */

static void test_chart_bars(void **state)
{
    struct chart_bar bars[] = {{"US \xE2\x86\x92 PH", 40}, {"<b>x</b>", 10}, {"zero", 0}};
    struct mem m;
    char *out;

    (void)state;
    chart_hbars(mem_open(&m), "Top \"corridors\"", bars, 3);
    out = mem_take(&m);
    assert_int_equal(count(out, "<svg"), 1);
    assert_int_equal(count(out, "<g class=\"bar\""), 3);
    assert_non_null(strstr(out, "data-label=\"US \xE2\x86\x92 PH\" data-value=\"40\""));
    assert_non_null(strstr(out, "data-label=\"&lt;b&gt;x&lt;/b&gt;\" data-value=\"10\""));
    assert_non_null(strstr(out, "aria-label=\"Top &quot;corridors&quot;\""));
    assert_null(strstr(out, "<b>"));
    assert_null(strstr(out, "style="));
    /* The largest bar is the whole width (200 units), the others in proportion. */
    assert_non_null(strstr(out, "width=\"200\""));
    assert_non_null(strstr(out, "width=\"50\""));
    assert_non_null(strstr(out, "viewBox=\"0 0 360 "));
    free(out);

    chart_hbars(mem_open(&m), "empty", NULL, 0);
    out = mem_take(&m);
    assert_non_null(strstr(out, "no data"));
    assert_int_equal(count(out, "class=\"bar\""), 0);
    free(out);
}

static void test_chart_lines(void **state)
{
    const char *weeks[] = {"W46", "W47", "W48"};
    long fee[] = {3, 0, 7}, rate[] = {1, 2, 0};
    struct chart_series s[] = {{"fee", fee}, {"r\"ate", rate}};
    struct mem m;
    char *out;

    (void)state;
    chart_lines(mem_open(&m), "per week", weeks, 3, s, 2);
    out = mem_take(&m);
    assert_int_equal(count(out, "<polyline"), 2);
    assert_non_null(strstr(out, "data-name=\"fee\" data-values=\"3,0,7\""));
    assert_non_null(strstr(out, "data-name=\"r&quot;ate\" data-values=\"1,2,0\""));
    assert_non_null(strstr(out, ">W46</text>"));
    assert_non_null(strstr(out, ">W48</text>"));
    assert_int_equal(count(out, "<circle"), 6);
    /* The axis tops at 8, a whole number in each of its four steps. */
    assert_non_null(strstr(out, ">8</text>"));
    assert_non_null(strstr(out, ">2</text>"));
    free(out);
}

static void test_chart_stack(void **state)
{
    struct chart_bar parts[] = {{"sent", 3}, {"failed", 1}, {"queued", 4}};
    struct mem m;
    char *out;

    (void)state;
    chart_stack(mem_open(&m), "progress", parts, NULL, 3, 8);
    out = mem_take(&m);
    assert_non_null(strstr(out, "data-label=\"sent\" data-value=\"3\"><rect x=\"0\" y=\"0\" "
                                "width=\"135\""));
    assert_non_null(strstr(out, "data-label=\"failed\" data-value=\"1\"><rect x=\"135\" y=\"0\" "
                                "width=\"45\""));
    assert_non_null(strstr(out, "data-label=\"queued\" data-value=\"4\"><rect x=\"180\" y=\"0\" "
                                "width=\"180\""));
    free(out);
}

/* ---- Pages ---- */

static char *page(db *d, const struct conf *c, enum gw_page p, const struct gw_console_query *q,
                  time_t now, int standalone)
{
    struct mem m;

    assert_int_equal(gw_console_page(mem_open(&m), p, c, d, q, now, standalone, NULL), 0);
    return mem_take(&m);
}

static void test_params(void **state)
{
    struct gw_console_query q;
    char why[160];

    (void)state;
    gw_console_query_init(&q);
    assert_int_equal(q.weeks, GW_CONSOLE_WEEKS);
    assert_int_equal(gw_console_param(&q, GW_PAGE_MESSAGES, "state", "sent", why, sizeof(why)), 0);
    assert_int_equal(gw_console_param(&q, GW_PAGE_MESSAGES, "keyword", "FEE", why, sizeof(why)), 0);
    assert_string_equal(q.keyword, "fee");
    assert_int_equal(gw_console_param(&q, GW_PAGE_MESSAGES, "door", "", why, sizeof(why)), 0);
    assert_int_equal(gw_console_param(&q, GW_PAGE_DEMAND, "weeks", "26", why, sizeof(why)), 0);
    assert_int_equal(q.weeks, 26);
    /* Refused: what is not a state, markup, SQL, too long, out of range, unknown names. */
    assert_int_equal(gw_console_param(&q, GW_PAGE_MESSAGES, "state", "x' OR 1=1", why, sizeof(why)),
                     -1);
    assert_non_null(strstr(why, "state must be one of"));
    assert_int_equal(
        gw_console_param(&q, GW_PAGE_MESSAGES, "keyword", "<script>", why, sizeof(why)), -1);
    assert_int_equal(gw_console_param(&q, GW_PAGE_MESSAGES, "lang", "en;drop", why, sizeof(why)),
                     -1);
    assert_int_equal(gw_console_param(&q, GW_PAGE_MESSAGES, "door",
                                      "a-door-name-far-longer-than-any-modem", why, sizeof(why)),
                     -1);
    assert_int_equal(gw_console_param(&q, GW_PAGE_DEMAND, "weeks", "0", why, sizeof(why)), -1);
    assert_int_equal(gw_console_param(&q, GW_PAGE_DEMAND, "weeks", "105", why, sizeof(why)), -1);
    assert_int_equal(gw_console_param(&q, GW_PAGE_DEMAND, "weeks", "12abc", why, sizeof(why)), -1);
    assert_int_equal(gw_console_param(&q, GW_PAGE_STATUS, "weeks", "12", why, sizeof(why)), -1);
    assert_int_equal(gw_console_param(&q, GW_PAGE_MESSAGES, "limit", "1", why, sizeof(why)), -1);
}

static int count_row(void *arg, const struct db_log_row *r)
{
    (void)arg;
    (void)r;
    return 0;
}
#define NULL_CB count_row

static void store_in(db *d, const char *from, const char *text, int64_t at)
{
    struct db_in_sms m = {"kannel", from, text, "gsm7", at, at, -1, 1, 1};

    assert_int_equal(db_inbox_store(d, &m), 1);
}

static void test_messages_masked_escaped_filtered(void **state)
{
    db *d = db_open(":memory:");
    struct db_out_sms o = {"+14155550123", "reply <i>here</i>", "gsm7", 1, 0, NULL};
    struct gw_console_query q;
    struct conf c;
    int64_t id;
    char *out;

    (void)state;
    conf_defaults(&c);
    store_in(d, "+14155550123", "<script>alert('x')</script>", 1000);
    store_in(d, "+639170000001", "FEE USA PHL", 1001);
    assert_int_equal(db_outbox_add(d, &o, 1002, &id), 0);
    gw_console_query_init(&q);
    out = page(d, &c, GW_PAGE_MESSAGES, &q, 2000, 0);
    assert_null(strstr(out, "14155550123"));
    assert_null(strstr(out, "639170000001"));
    assert_non_null(strstr(out, "+14*******23"));
    assert_null(strstr(out, "<script>"));
    assert_non_null(strstr(out, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    assert_non_null(strstr(out, "reply &lt;i&gt;here&lt;/i&gt;"));
    assert_int_equal(count(out, "<li class=\"in\""), 2);
    assert_int_equal(count(out, "<li class=\"out\""), 1);
    free(out);
    /* Only the queued reply. */
    snprintf(q.state, sizeof(q.state), "queued");
    out = page(d, &c, GW_PAGE_MESSAGES, &q, 2000, 0);
    assert_int_equal(count(out, "<li class=\"in\""), 0);
    assert_int_equal(count(out, "<li class=\"out\""), 1);
    assert_non_null(strstr(out, "<option selected>queued</option>"));
    free(out);
    /* By door: both inbound came through kannel, the reply has gone through none yet. */
    gw_console_query_init(&q);
    snprintf(q.door, sizeof(q.door), "kannel");
    out = page(d, &c, GW_PAGE_MESSAGES, &q, 2000, 0);
    assert_int_equal(count(out, "<li class=\"in\""), 2);
    assert_int_equal(count(out, "<li class=\"out\""), 0);
    free(out);
    db_close(d);
}

/* The console's filters look at the newest window messages each way only: a page costs the same
 * however large the tables grow. */
static void test_log_window(void **state)
{
    db *d = db_open(":memory:");
    struct db_log_filter f = {NULL, NULL, NULL, NULL, 2};
    int i;

    (void)state;
    for (i = 0; i < 5; i++) {
        char from[16];
        snprintf(from, sizeof(from), "+1555000%04d", i);
        store_in(d, from, "hello", 1000 + i);
    }
    assert_int_equal(db_log_query(d, &f, 100, NULL_CB, NULL), 2);
    f.window = 0;
    assert_int_equal(db_log_query(d, &f, 100, NULL_CB, NULL), 5);
    f.state = "answered";
    assert_int_equal(db_log_query(d, &f, 100, NULL_CB, NULL), 0);
    db_close(d);
}

static void consent(db *d, const char *number, const char *topic)
{
    struct db_consent k = {number, "join", topic, "en", "JOIN", 0, 1000};

    assert_int_equal(db_begin(d), 0);
    assert_true(db_consent_apply(d, &k) >= 0);
    assert_int_equal(db_commit(d), 0);
}

static void test_broadcast_progress(void **state)
{
    db *d = db_open(":memory:");
    const char *topics[] = {"country:PH"};
    struct db_alert_text texts[] = {{"en", "Fees <down>", "gsm7", 1},
                                    {"tl", "Bumaba ang bayad", "gsm7", 1}};
    struct db_alert a = {"scam-1", "cli", topics, 1, 3, 100, 100000, texts, 2, "en"};
    struct gw_console_query q;
    struct db_outbox_row o;
    struct conf c;
    long n = 0;
    char *out;

    (void)state;
    conf_defaults(&c);
    c.quiet_hours[0] = '\0';
    consent(d, "+1", "country:PH");
    consent(d, "+2", "country:PH");
    assert_int_equal(db_alert_queue(d, &a, 200, &n), 1);
    assert_int_equal(n, 2);
    gw_console_query_init(&q);
    out = page(d, &c, GW_PAGE_BROADCASTS, &q, 300, 0);
    assert_non_null(strstr(out, "data-id=\"scam-1\""));
    assert_non_null(strstr(out, "data-label=\"sent\" data-value=\"0\""));
    assert_non_null(strstr(out, "data-label=\"queued\" data-value=\"2\""));
    assert_non_null(strstr(out, "Fees &lt;down&gt;"));
    assert_non_null(strstr(out, "Bumaba ang bayad"));
    free(out);
    /* One goes out: the bar moves. */
    assert_int_equal(db_outbox_claim(d, "m1", 300, 1, &o), 1);
    assert_int_equal(db_outbox_done(d, o.id, NULL, 301, 3, 60), 0);
    out = page(d, &c, GW_PAGE_BROADCASTS, &q, 302, 0);
    assert_non_null(strstr(out, "data-label=\"sent\" data-value=\"1\"><rect x=\"0\" y=\"0\" "
                                "width=\"180\""));
    assert_non_null(strstr(out, "data-label=\"queued\" data-value=\"1\""));
    free(out);
    /* In quiet hours what is left is held, and the page says until when. */
    snprintf(c.quiet_hours, sizeof(c.quiet_hours), "00:00-23:59");
    out = page(d, &c, GW_PAGE_BROADCASTS, &q, 302, 0);
    assert_non_null(strstr(out, "data-label=\"held\" data-value=\"1\""));
    assert_non_null(strstr(out, "held by quiet hours until 23:59"));
    free(out);
    /* What the phones said (#17): the sent one asked for a report and got one. */
    out = page(d, &c, GW_PAGE_BROADCASTS, &q, 302, 0);
    assert_non_null(strstr(out, "Phones: no delivery report asked."));
    free(out);
    assert_int_equal(db_delivery_sent(d, o.id, 1, "gammu", "m1", "7", 301), 0);
    out = page(d, &c, GW_PAGE_BROADCASTS, &q, 302, 0);
    assert_non_null(strstr(out, "data-label=\"awaiting report\" data-value=\"1\""));
    free(out);
    {
        struct db_dlr r = {"gammu", "m1", "7", DB_DLR_DELIVERED, NULL, 0};
        assert_int_equal(db_delivery_report(d, &r, 303), 1);
    }
    out = page(d, &c, GW_PAGE_BROADCASTS, &q, 304, 0);
    assert_non_null(strstr(out, "data-label=\"delivered\" data-value=\"1\""));
    assert_non_null(strstr(out, "Phones: delivered 1 (100%), failed 0, expired 0, pending 0 of 1 "
                                "asked."));
    free(out);
    db_close(d);
}

static void test_demand_page_and_csv(void **state)
{
    db *d = db_open(":memory:");
    struct gw_console_query q;
    struct conf c;
    struct mem m;
    /* Thursday 2026-11-26 12:00 UTC, in ISO week 2026-W48; a week before is W47. */
    time_t now = 1795694400, week = 7 * 86400;
    char *out;
    int i;

    (void)state;
    conf_defaults(&c);
    for (i = 0; i < 5; i++)
        assert_int_equal(db_demand_count(d, now, "fee", "en", "US", "PH"), 0);
    for (i = 0; i < 2; i++)
        assert_int_equal(db_demand_count(d, now - week, "fee", "tl", "US", "PH"), 0);
    assert_int_equal(db_demand_count(d, now - week, "rate", "fr", "FR", "SN"), 0);
    assert_int_equal(db_demand_count(d, now, "guide", "ar", "", ""), 0);
    /* Older than the period: left out. */
    assert_int_equal(db_demand_count(d, now - 20 * week, "fee", "en", "GB", "NG"), 0);
    gw_console_query_init(&q);
    q.weeks = 4;
    out = page(d, &c, GW_PAGE_DEMAND, &q, now, 0);
    assert_non_null(strstr(out, "from week 2026-W45 to 2026-W48"));
    assert_non_null(strstr(out, "<b id=\"total\">9</b>"));
    assert_non_null(strstr(out, "data-label=\"US \xE2\x86\x92 PH\" data-value=\"7\""));
    assert_non_null(strstr(out, "data-label=\"FR \xE2\x86\x92 SN\" data-value=\"1\""));
    assert_null(strstr(out, "GB"));
    assert_non_null(strstr(out, "data-name=\"fee\" data-values=\"0,0,2,5\""));
    assert_non_null(strstr(out, "data-name=\"rate\" data-values=\"0,0,1,0\""));
    assert_non_null(strstr(out, "data-name=\"guide\" data-values=\"0,0,0,1\""));
    assert_non_null(strstr(out, "data-label=\"en\" data-value=\"5\""));
    assert_non_null(strstr(out, "href=\"/console/demand.csv?weeks=4\""));
    assert_non_null(strstr(out, "href=\"/console/style.css\""));
    free(out);
    /* Two years: every week drawn, the oldest first. */
    q.weeks = GW_CONSOLE_MAX_WEEKS;
    out = page(d, &c, GW_PAGE_DEMAND, &q, now, 0);
    assert_non_null(strstr(out, ",0,0,2,5\""));
    assert_non_null(strstr(out, "data-label=\"GB \xE2\x86\x92 NG\" data-value=\"1\""));
    free(out);
    q.weeks = 4;
    /* Standalone (report --html): the stylesheet inline, no link anywhere. */
    out = page(d, &c, GW_PAGE_DEMAND, &q, now, 1);
    assert_non_null(strstr(out, "<style>"));
    assert_null(strstr(out, "href=\"/"));
    assert_non_null(strstr(out, "data-label=\"US \xE2\x86\x92 PH\" data-value=\"7\""));
    free(out);
    /* The CSV of the same period. */
    assert_int_equal(gw_report_csv(mem_open(&m), d, "2026-W45"), 0);
    out = mem_take(&m);
    assert_string_equal(out, "week,keyword,language,from,to,queries\n"
                             "2026-W47,fee,tl,US,PH,2\n"
                             "2026-W47,rate,fr,FR,SN,1\n"
                             "2026-W48,fee,en,US,PH,5\n"
                             "2026-W48,guide,ar,,,1\n");
    free(out);
    db_close(d);
}

static void test_status_and_sources(void **state)
{
    db *d = test_world_db();
    struct db_modem_status ms = {"m<1>", "connected", "Globe", "", 80, 1000};
    struct gw_console_query q;
    struct conf c;
    char *out;

    (void)state;
    conf_defaults(&c);
    assert_int_equal(db_modem_status_put(d, &ms), 0);
    assert_int_equal(db_modem_paused_put(d, "m<1>", "daily budget of 10 parts reached"), 0);
    gw_console_query_init(&q);
    out = page(d, &c, GW_PAGE_STATUS, &q, time(NULL), 0);
    assert_non_null(strstr(out, "m&lt;1&gt; <span class=\"ok\">connected</span>"));
    assert_non_null(strstr(out, "80%"));
    assert_non_null(strstr(out, "paused: daily budget of 10 parts reached"));
    assert_non_null(strstr(out, "Last data refresh"));
    /* The only modem is paused: broadcasts are held, and the page says why. */
    assert_non_null(strstr(out, "held: daily budget"));
    /* Its delivery reports of the last day (#17): none asked yet. */
    assert_non_null(strstr(out, "Phones, last 24 h</dt><dd class=\"delivery\">no delivery "
                                "report asked"));
    free(out);
    out = page(d, &c, GW_PAGE_SOURCES, &q, time(NULL), 0);
    assert_non_null(strstr(out, "<ul class=\"list\" id=\"sources\">"));
    assert_true(count(out, "<li data-old=") >= 2);
    free(out);
    db_close(d);
}

/* The status page's summary of the sources is read again only after an import (or an hour). */
static void test_status_cache(void **state)
{
    db *d = test_world_db();
    struct gw_console_cache cache;
    struct gw_console_query q;
    struct conf c;
    struct mem m;
    time_t now = time(NULL);
    char *out;
    int n;

    (void)state;
    conf_defaults(&c);
    memset(&cache, 0, sizeof(cache));
    gw_console_query_init(&q);
    assert_int_equal(gw_console_page(mem_open(&m), GW_PAGE_STATUS, &c, d, &q, now, 0, &cache), 0);
    free(mem_take(&m));
    assert_true(cache.valid);
    n = cache.n;
    assert_true(n > 0);
    cache.n = 999; /* what a page built from the cache would show */
    assert_int_equal(gw_console_page(mem_open(&m), GW_PAGE_STATUS, &c, d, &q, now, 0, &cache), 0);
    out = mem_take(&m);
    assert_non_null(strstr(out, "999 sources"));
    free(out);
    assert_int_equal(db_content_bump(d), 0);
    assert_int_equal(gw_console_page(mem_open(&m), GW_PAGE_STATUS, &c, d, &q, now, 0, &cache), 0);
    free(mem_take(&m));
    assert_int_equal(cache.n, n);
    db_close(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape_hostile),
        cmocka_unit_test(test_escape_every_byte),
        cmocka_unit_test(test_chart_bars),
        cmocka_unit_test(test_chart_lines),
        cmocka_unit_test(test_chart_stack),
        cmocka_unit_test(test_params),
        cmocka_unit_test(test_messages_masked_escaped_filtered),
        cmocka_unit_test(test_log_window),
        cmocka_unit_test(test_broadcast_progress),
        cmocka_unit_test(test_demand_page_and_csv),
        cmocka_unit_test(test_status_and_sources),
        cmocka_unit_test(test_status_cache),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
