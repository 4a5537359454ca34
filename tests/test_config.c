/* remitline.conf: defaults, the schema table, modems, paths relative to the file. */
#include "testutil.h"

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_paths_follow_the_file),
        cmocka_unit_test(test_every_problem_with_its_line),
        cmocka_unit_test(test_modems),
        cmocka_unit_test(test_syntax_and_missing_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
