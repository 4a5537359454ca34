/* remitline.conf: defaults, the schema table, modems, paths relative to the file. */
#include "testutil.h"

#include <ctype.h>

#include "conf/config.h"

static int load(const char *text, struct conf *c, struct conf_errs *errs)
{
    char path[256];
    int rc;

    test_write_file(path, sizeof(path), "remitline.conf", text);
    conf_errs_init(errs);
    rc = conf_load(path, c, errs);
    unlink(path);
    return rc;
}

static void test_defaults(void **state)
{
    struct conf c;

    (void)state;
    conf_defaults(&c);
    assert_string_equal(c.database, "var/remitline.db");
    assert_int_equal(c.nmodems, 1);
    assert_string_equal(c.modems[0].model, "dummy");
    assert_string_equal(c.modems[0].device, "var/phone");
    assert_int_equal(c.modems[0].send_rate, 0);
    assert_int_equal(c.max_parts, 3);
    assert_int_equal(c.poll_ms, 1000);
    assert_int_equal(c.multipart_timeout, 600);
    assert_int_equal(c.max_attempts, 5);
}

static void test_paths_follow_the_file(void **state)
{
    struct conf_errs errs;
    struct conf c;

    (void)state;
    assert_int_equal(load("max_parts = 2;\n", &c, &errs), 0);
    assert_string_equal(c.database, "/tmp/var/remitline.db");
    assert_string_equal(c.modems[0].device, "/tmp/var/phone");
    assert_int_equal(c.max_parts, 2);
    assert_int_equal(load("database = \"/srv/r.db\";\n", &c, &errs), 0);
    assert_string_equal(c.database, "/srv/r.db");
    conf_errs_free(&errs);
}

static void test_every_problem_with_its_line(void **state)
{
    struct conf_errs errs;
    struct conf c;

    (void)state;
    assert_int_equal(load("max_parts = 0;\nlog_level = \"loud\";\nmodme = 1;\n"
                          "default_language = \"english\";\npoll_interval_ms = \"fast\";\n",
                          &c, &errs),
                     -1);
    assert_int_equal(errs.count, 5);
    assert_true(test_errs_have(&errs, "remitline.conf:1: 'max_parts' must be between 1 and 10"));
    assert_true(test_errs_have(&errs, "remitline.conf:2: 'log_level' must be"));
    assert_true(test_errs_have(&errs, "remitline.conf:3: unknown setting 'modme'"));
    assert_true(test_errs_have(&errs, "remitline.conf:4: 'default_language' must have 2 to 3"));
    assert_true(test_errs_have(&errs, "remitline.conf:5: 'poll_interval_ms' must be a whole"));
    conf_errs_free(&errs);
}

static void test_modems(void **state)
{
    struct conf_errs errs;
    struct conf c;

    (void)state;
    assert_int_equal(load("modems = (\n"
                          "  { name = \"sim1\"; device = \"/dev/ttyUSB0\"; pin = \"1234\"; },\n"
                          "  { name = \"sim2\"; gammurc = \"/etc/gammurc\"; section = 1;\n"
                          "    send_rate = 30; timeout = 3; safety_poll = 120; },\n"
                          "  { name = \"test\"; model = \"dummy\"; connection = \"none\";\n"
                          "    device = \"phone\"; }\n"
                          ");\n",
                          &c, &errs),
                     0);
    assert_int_equal(c.nmodems, 3);
    assert_string_equal(c.modems[0].connection, "at");
    assert_int_equal(c.modems[0].send_rate, 10); /* a real SIM's default */
    assert_string_equal(c.modems[0].pin, "1234");
    assert_int_equal(c.modems[1].section, 1);
    assert_int_equal(c.modems[1].send_rate, 30);
    assert_int_equal(c.modems[2].send_rate, 0); /* the dummy phone has no limit */
    /* The watchdog's bound on one modem call, and the full read beside +CMTI notices. */
    assert_int_equal(c.modems[0].timeout, 10);
    assert_int_equal(c.modems[0].safety_poll, 60);
    assert_int_equal(c.modems[1].timeout, 3);
    assert_int_equal(c.modems[1].safety_poll, 120);
    assert_string_equal(c.modems[2].device, "/tmp/phone");
    conf_errs_free(&errs);

    assert_int_equal(load("modems = (\n  { name = \"a\"; },\n  { name = \"a\"; device = \"x\"; "
                          "speed = 9600; }\n);\n",
                          &c, &errs),
                     -1);
    assert_true(test_errs_have(&errs, "remitline.conf:2: modem a: give 'device'"));
    assert_true(test_errs_have(&errs, "remitline.conf:3: unknown modem setting 'speed'"));
    assert_true(test_errs_have(&errs, "remitline.conf:3: two modems are named 'a'"));
    conf_errs_free(&errs);

    assert_int_equal(
        load("modems = ( { device = \"x\"; timeout = 1; safety_poll = 0; } );\n", &c, &errs), -1);
    assert_true(test_errs_have(&errs, "'timeout' must be between 2 and 300"));
    assert_true(test_errs_have(&errs, "'safety_poll' must be between 5 and 3600"));
    conf_errs_free(&errs);

    assert_int_equal(load("modems = ();\n", &c, &errs), -1);
    assert_true(test_errs_have(&errs, "'modems' is empty"));
    conf_errs_free(&errs);
}

/* HTTP clients have a kind: api (the default) or console; anything else is said with its line. */
static void test_http_client_kinds(void **state)
{
    struct conf_errs errs;
    struct conf c;

    (void)state;
    assert_int_equal(
        load("http = { listen = \"127.0.0.1:8080\"; clients = (\n"
             "  { name = \"agg\"; token = \"0123456789abcdef\"; },\n"
             "  { name = \"k\"; kind = \"api\"; user = \"k\"; password = \"12345678\"; },\n"
             "  { name = \"ops\"; kind = \"console\"; user = \"ops\"; "
             "password = \"12345678\"; }\n); };\n",
             &c, &errs),
        0);
    assert_int_equal(c.http.nclients, 3);
    assert_int_equal(c.http.clients[0].console, 0);
    assert_int_equal(c.http.clients[1].console, 0);
    assert_int_equal(c.http.clients[2].console, 1);
    conf_errs_free(&errs);
    assert_int_equal(load("http = { listen = \"127.0.0.1:8080\"; clients = (\n"
                          "  { name = \"ops\"; kind = \"admin\"; user = \"ops\"; "
                          "password = \"12345678\"; }\n); };\n",
                          &c, &errs),
                     -1);
    assert_true(test_errs_have(
        &errs, "remitline.conf:2: HTTP client ops: kind = \"admin\" is neither \"api\" nor"));
    conf_errs_free(&errs);
}

static void test_syntax_and_missing_file(void **state)
{
    struct conf_errs errs;
    struct conf c;

    (void)state;
    assert_int_equal(load("max_parts = ;\n", &c, &errs), -1);
    assert_true(test_errs_have(&errs, "remitline.conf:1: syntax error"));
    conf_errs_free(&errs);
    conf_errs_init(&errs);
    assert_int_equal(conf_load("/nonexistent/remitline.conf", &c, &errs), -1);
    assert_true(test_errs_have(&errs, "cannot open the configuration file"));
    conf_errs_free(&errs);
}

struct example {
    char text[16384];
    const char *file;
    const char *after; /* what must follow the name: " =" in the example, "" in the man page */
    int missing;
};

static int word_char(char ch)
{
    return isalnum((unsigned char)ch) || ch == '_';
}

/* name (followed by x->after) as a whole word somewhere in x->text. */
static void example_has(void *arg, const char *group, const char *name, const char *help)
{
    struct example *x = arg;
    char needle[64];
    const char *p = x->text;
    size_t n;

    snprintf(needle, sizeof(needle), "%s%s", name, x->after);
    n = strlen(needle);
    while ((p = strstr(p, needle)) != NULL) {
        if ((p == x->text || !word_char(p[-1])) && (x->after[0] || !word_char(p[n])))
            return;
        p += n;
    }
    fprintf(stderr, "%s lacks %s%s%s (%s)\n", x->file, group, group[0] ? "." : "", name, help);
    x->missing++;
}

/* remitline.conf(5) names every setting of the schema table (issue #18). */
static void test_man_page_names_every_setting(void **state)
{
    struct example *x = calloc(1, sizeof(*x));
    FILE *f = fopen(RL_CONTENT "/../../docs/man/remitline.conf.5", "r");
    size_t len;

    (void)state;
    assert_non_null(x);
    assert_non_null(f);
    len = fread(x->text, 1, sizeof(x->text) - 1, f);
    fclose(f);
    assert_true(len < sizeof(x->text) - 1);
    x->file = "docs/man/remitline.conf.5";
    x->after = "";
    conf_schema_each(example_has, x);
    assert_int_equal(x->missing, 0);
    free(x);
}

/* The example file shows every setting the schema table knows, and with its comment marks
 * removed it is a configuration `remitline check` accepts (issue #18). */
static void test_example_lists_every_setting(void **state)
{
    struct example *x = calloc(1, sizeof(*x));
    struct conf_errs errs;
    struct conf c;
    char *line, *save = NULL, *out;
    size_t len = 0;
    FILE *f = fopen(RL_CONTENT "/../remitline.conf.example", "r");

    (void)state;
    assert_non_null(x);
    assert_non_null(f);
    len = fread(x->text, 1, sizeof(x->text) - 1, f);
    fclose(f);
    assert_true(len < sizeof(x->text) - 1);
    x->file = "conf/remitline.conf.example";
    x->after = " =";
    conf_schema_each(example_has, x);
    assert_int_equal(x->missing, 0);
    /* Uncommented: "# " then a setting ("name = ") or a bracket, after any indent. */
    out = calloc(1, sizeof(x->text) + 1);
    assert_non_null(out);
    len = 0;
    for (line = strtok_r(x->text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        const char *l = line, *r = line + 2;
        size_t w;
        r += strspn(r, " ");
        w = strspn(r, "abcdefghijklmnopqrstuvwxyz_");
        if (strncmp(line, "# ", 2) == 0 &&
            ((*r && strchr("({})", *r)) || (w > 0 && strncmp(r + w, " = ", 3) == 0)))
            l = line + 2;
        len += (size_t)snprintf(out + len, sizeof(x->text) + 1 - len, "%s\n", l);
    }
    assert_int_equal(load(out, &c, &errs), 0);
    conf_errs_free(&errs);
    free(out);
    free(x);
}

/* `remitline update`'s sources: the ECB's by default, https only, downloads beside the database. */
static void test_update(void **state)
{
    struct conf_errs errs;
    struct conf c;

    (void)state;
    assert_int_equal(load("database = \"/srv/rl/r.db\";\n", &c, &errs), 0);
    assert_string_equal(c.update.ecb_daily_url,
                        "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml");
    assert_string_equal(c.update.ecb_90d_url,
                        "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist-90d.xml");
    assert_string_equal(c.update.worldbank_url, ""); /* off until the operator names it */
    assert_string_equal(c.update.dir, "/srv/rl/downloads");
    assert_string_equal(c.update.ca_file, "");
    conf_errs_free(&errs);
    assert_int_equal(load("update = { worldbank_url = \"https://example.org/rpw.xlsx\"; "
                          "ecb_90d_url = \"\"; ca_file = \"ca.pem\"; dir = \"dl\"; "
                          "max_bytes = 2048; };\n",
                          &c, &errs),
                     0);
    assert_string_equal(c.update.worldbank_url, "https://example.org/rpw.xlsx");
    assert_string_equal(c.update.ecb_90d_url, "");
    assert_string_equal(c.update.ca_file, "/tmp/ca.pem");
    assert_string_equal(c.update.dir, "/tmp/dl");
    assert_int_equal(c.update.max_bytes, 2048);
    conf_errs_free(&errs);
    assert_int_equal(load("update = {\n ecb_daily_url = \"http://www.ecb.europa.eu/x.xml\";\n"
                          " max_bytes = 10;\n mirror = 1;\n};\n",
                          &c, &errs),
                     -1);
    assert_int_equal(errs.count, 3);
    assert_true(test_errs_have(&errs, "'ecb_daily_url' must be an https:// URL"));
    assert_true(test_errs_have(&errs, "remitline.conf:3: 'max_bytes' must be between 1024"));
    assert_true(test_errs_have(&errs, "remitline.conf:4: unknown update setting 'mirror'"));
    conf_errs_free(&errs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_paths_follow_the_file),
        cmocka_unit_test(test_every_problem_with_its_line),
        cmocka_unit_test(test_modems),
        cmocka_unit_test(test_http_client_kinds),
        cmocka_unit_test(test_update),
        cmocka_unit_test(test_syntax_and_missing_file),
        cmocka_unit_test(test_example_lists_every_setting),
        cmocka_unit_test(test_man_page_names_every_setting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
