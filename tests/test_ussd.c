/* The USSD menus on the synthetic world: screens, paging, results, SMS requests, replays. */
#include "testutil.h"

#include "handlers/handler.h"
#include "handlers/ussd.h"

#define US_CALLER "+14155550100"

struct fx {
    db *d;
    handler_ctx *h;
    ussd_ctx *u;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    struct handler_opts o = {.default_lang = "en", .max_parts = 3};

    f->d = test_world_db();
    f->h = handler_open(f->d, &o);
    assert_non_null(f->h);
    f->u = ussd_open(f->h);
    assert_non_null(f->u);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    ussd_close(f->u);
    handler_close(f->h);
    db_close(f->d);
    free(f);
    return 0;
}

static size_t chars(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static void screen(struct fx *f, const char *text, const char *from, struct ussd_screen *out)
{
    assert_int_equal(ussd_answer(f->u, text, from, 1700000000, out), 0);
    assert_true(chars(out->text) <= USSD_SCREEN_MAX);
    assert_true(strncmp(out->text, out->end ? "END " : "CON ", 4) == 0);
}

static void test_main_menu(void **state)
{
    struct ussd_screen s;

    screen(*state, "", US_CALLER, &s);
    assert_false(s.end);
    assert_non_null(strstr(s.text, "1 Cost of sending"));
    assert_non_null(strstr(s.text, "5 Language"));
    assert_null(strstr(s.text, "0 Back")); /* nowhere to go back to */
    screen(*state, NULL, NULL, &s);
    assert_non_null(strstr(s.text, "2 Exchange rates"));
}

static void test_fee_path(void **state)
{
    struct ussd_screen s;

    screen(*state, "1", US_CALLER, &s);
    assert_non_null(strstr(s.text, "Send money to:"));
    assert_non_null(strstr(s.text, "6 Philippines"));
    /* Origin: the caller's own country first. */
    screen(*state, "1*6", US_CALLER, &s);
    assert_non_null(strstr(s.text, "1 United States"));
    screen(*state, "1*6*1", US_CALLER, &s);
    assert_non_null(strstr(s.text, "3 USD 200"));
    screen(*state, "1*6*1*3", US_CALLER, &s);
    assert_false(s.end);
    assert_string_equal(s.intent, "fee");
    assert_non_null(strstr(s.text, "Alpha Remit"));
    assert_non_null(strstr(s.text, "1 Send me this by SMS"));
    assert_string_equal(s.sms, "");
    /* Send me this by SMS: the whole answer, to queue, and the session ends. */
    screen(*state, "1*6*1*3*1", US_CALLER, &s);
    assert_true(s.end);
    assert_non_null(strstr(s.sms, "Alpha Remit"));
}

static void test_same_answer_as_sms(void **state)
{
    struct fx *f = *state;
    struct handler_reply r;
    struct handler_query q = {.text = "FEE USA PHL 200 USD", .now = 1700000000};
    struct ussd_screen s;

    handler_answer(f->h, &q, &r);
    screen(f, "1*6*1*3*1", US_CALLER, &s);
    assert_string_equal(s.sms, r.text);
}

static void test_back_and_invalid(void **state)
{
    struct ussd_screen a, b;

    /* 0 goes back a screen: "1*6*0" is the destination list again. */
    screen(*state, "1*6*0", US_CALLER, &a);
    screen(*state, "1", US_CALLER, &b);
    assert_string_equal(a.text, b.text);
    /* A choice that is not on the screen shows it again, saying so. */
    screen(*state, "1*42", US_CALLER, &a);
    assert_true(a.invalid);
    assert_non_null(strstr(a.text, "Invalid choice"));
    assert_non_null(strstr(a.text, "Send money to:"));
    screen(*state, "abc", US_CALLER, &a);
    assert_true(a.invalid);
    /* Back from the main menu is not a choice. */
    screen(*state, "0", US_CALLER, &a);
    assert_true(a.invalid);
}

static void test_paging(void **state)
{
    struct ussd_screen s, t;

    /* The currencies of the world do not all fit with their labels on one page of 9. */
    screen(*state, "2", US_CALLER, &s);
    assert_non_null(strstr(s.text, "1 USD")); /* the caller's currency first */
    screen(*state, "2*1", US_CALLER, &s);
    assert_non_null(strstr(s.text, "Rate USD to:"));
    assert_null(strstr(s.text, "USD\n"));
    /* 98 on a list with no more pages is invalid; on the result it pages the answer. */
    screen(*state, "4*98", US_CALLER, &t);
    assert_true(t.invalid);
    screen(*state, "2*1*98", US_CALLER, &t);
    assert_true(t.invalid || strstr(t.text, "0 Back") != NULL);
}

static void test_rate_and_guide(void **state)
{
    struct ussd_screen s;
    char *p;
    int n;

    screen(*state, "2*1", US_CALLER, &s);
    /* Pick PHP wherever it is listed on the first page. */
    p = strstr(s.text, " PHP");
    assert_non_null(p);
    n = p[-1] - '0';
    {
        char text[16];
        snprintf(text, sizeof(text), "2*1*%d", n);
        screen(*state, text, US_CALLER, &s);
    }
    assert_string_equal(s.intent, "rate");
    assert_non_null(strstr(s.text, "1 USD = "));
    /* Guidance: the caller's country first, then its topics. */
    screen(*state, "3", "+639170000001", &s);
    assert_non_null(strstr(s.text, "1 Philippines"));
    screen(*state, "3*1", "+639170000001", &s);
    assert_non_null(strstr(s.text, "Topic:"));
    screen(*state, "3*1*1", "+639170000001", &s);
    assert_string_equal(s.intent, "guide");
    assert_non_null(strstr(s.text, "1 Send me this by SMS"));
}

static void test_language(void **state)
{
    struct ussd_screen s;

    screen(*state, "5", US_CALLER, &s);
    assert_non_null(strstr(s.text, "Français"));
    /* French (3rd in code order: en, es, fr): the main menu again, results in French. */
    screen(*state, "5*3", US_CALLER, &s);
    assert_string_equal(s.lang, "fr");
    assert_non_null(strstr(s.text, "1 Coût d'envoi"));
    screen(*state, "5*3*1*6*1*3", US_CALLER, &s);
    assert_string_equal(s.lang, "fr");
    assert_string_equal(s.intent, "fee");
}

static void test_alerts(void **state)
{
    struct ussd_screen s;

    screen(*state, "4", US_CALLER, &s);
    assert_non_null(strstr(s.text, "1 Join alerts"));
    /* JOIN goes through the SMS path, which owns subscriptions: the request is handed on to
     * be stored as if texted, and the screen says what will happen. */
    screen(*state, "4*1*6", US_CALLER, &s);
    assert_true(s.end);
    assert_string_equal(s.intent, "alerts");
    assert_non_null(strstr(s.text, "You will get alerts on Philippines"));
    assert_string_equal(s.inject, "JOIN PH");
    assert_string_equal(s.sms, "");
    screen(*state, "4*2", US_CALLER, &s);
    assert_true(s.end);
}

static void test_bad_input(void **state)
{
    struct fx *f = *state;
    struct ussd_screen s;
    char big[USSD_TEXT_MAX + 8];

    assert_int_equal(ussd_answer(f->u, "1*\xff\xfe", US_CALLER, 0, &s), -1);
    assert_true(s.end);
    memset(big, '1', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_int_equal(ussd_answer(f->u, big, US_CALLER, 0, &s), -1);
    /* After the session ended, more input is not a choice. */
    screen(f, "1*6*1*3*1*1", US_CALLER, &s);
    assert_true(s.invalid);
    /* Many inputs, each valid: bounded depth, no crash. */
    {
        char deep[USSD_TEXT_MAX];
        size_t i;
        for (i = 0; i + 2 < sizeof(deep); i += 2) {
            deep[i] = i % 4 ? '0' : '1';
            deep[i + 1] = '*';
        }
        deep[i] = '\0';
        screen(f, deep, US_CALLER, &s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_main_menu, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fee_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_same_answer_as_sms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_back_and_invalid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_paging, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rate_and_guide, setup, teardown),
        cmocka_unit_test_setup_teardown(test_language, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alerts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
