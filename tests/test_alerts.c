/* Subscriptions, consent and broadcast fan-out on an in-memory database. */
#include "testutil.h"

#include "conf/alertfile.h"
#include "db/alerts.h"
#include "db/queue.h"
#include "handlers/handler.h"

static void consent(db *d, const char *number, const char *action, const char *topic,
                    const char *lang)
{
    struct db_consent c = {number, action, topic, lang, "text", 0, 1000};

    assert_int_equal(db_begin(d), 0);
    assert_true(db_consent_apply(d, &c) >= 0);
    assert_int_equal(db_commit(d), 0);
}

static void test_consent(void **state)
{
    db *d = db_open(":memory:");
    char topics[256];

    (void)state;
    consent(d, "+1", "join", "country:PH", "en");
    consent(d, "+1", "join", "topic:scams", "en");
    assert_int_equal(db_subscriptions(d, "+1", topics, sizeof(topics)), 2);
    assert_string_equal(topics, "country:PH topic:scams");
    consent(d, "+1", "leave", "topic:scams", NULL);
    assert_int_equal(db_subscribed(d, "+1", "topic:scams"), 0);
    assert_int_equal(db_subscriber_stopped(d, "+1"), 0);
    consent(d, "+1", "stop", NULL, NULL);
    assert_int_equal(db_subscriber_stopped(d, "+1"), 1);
    assert_int_equal(db_subscriptions(d, "+1", topics, sizeof(topics)), 0);
    consent(d, "+1", "start", NULL, NULL);
    assert_int_equal(db_subscriber_stopped(d, "+1"), 0);
    /* JOIN is consent too: it lifts a STOP. */
    consent(d, "+1", "stop", NULL, NULL);
    consent(d, "+1", "join", "country:PH", "tl");
    assert_int_equal(db_subscriber_stopped(d, "+1"), 0);
    db_close(d);
}

static void test_fanout_languages_stop_and_once(void **state)
{
    db *d = db_open(":memory:");
    const char *topics[] = {"country:PH", "topic:scams"};
    struct db_alert_text texts[] = {{"en", "english", "gsm7", 1}, {"tl", "tagalog", "gsm7", 1}};
    struct db_alert a = {"a1", "cli", topics, 2, 3, 100, 100000, texts, 2, "en"};
    struct db_alert_stats st;
    struct db_outbox_row o;
    long n = -1;

    (void)state;
    consent(d, "+1", "join", "country:PH", "tl");
    consent(d, "+1", "join", "topic:scams", "tl"); /* two topics, one message */
    consent(d, "+2", "join", "country:PH", "fr");  /* no French text: English */
    consent(d, "+3", "join", "topic:scams", "en");
    consent(d, "+4", "join", "country:PH", "en");
    consent(d, "+4", "stop", NULL, NULL);         /* said STOP: nothing */
    consent(d, "+5", "join", "country:MX", "en"); /* another topic */
    assert_int_equal(db_audience(d, topics, 2), 3);
    assert_int_equal(db_alert_queue(d, &a, 50, &n), 1);
    assert_int_equal(n, 3);
    assert_int_equal(db_alert_queue(d, &a, 60, &n), 0); /* the same id: once, ever */
    assert_int_equal(db_alert_stats(d, "a1", &st), 1);
    assert_int_equal(st.recipients, 3);
    assert_int_equal(st.remaining, 3);
    /* Not before valid_from. */
    assert_int_equal(db_outbox_claim(d, "m", 99, 1, &o), 0);
    /* Quiet hours: no broadcast. */
    assert_int_equal(db_outbox_claim(d, "m", 100, 0, &o), 0);
    assert_int_equal(db_outbox_claim(d, "m", 100, 1, &o), 1);
    assert_string_equal(o.recipient, "+1");
    assert_string_equal(o.text, "tagalog");
    assert_int_equal(o.priority, 13);
    assert_int_equal(db_outbox_done(d, o.id, NULL, 100, 5, 60), 0);
    assert_int_equal(db_outbox_claim(d, "m", 100, 1, &o), 1);
    assert_string_equal(o.recipient, "+2");
    assert_string_equal(o.text, "english");
    assert_int_equal(db_outbox_release(d, o.id), 0);
    /* +2 says STOP before its message goes: it never goes. */
    consent(d, "+2", "stop", NULL, NULL);
    assert_int_equal(db_outbox_claim(d, "m", 100, 1, &o), 1);
    assert_string_equal(o.recipient, "+3");
    assert_int_equal(db_outbox_done(d, o.id, NULL, 100, 5, 60), 0);
    assert_int_equal(db_outbox_claim(d, "m", 100, 1, &o), 0);
    assert_int_equal(db_outbox_sweep(d, 100), 1);
    assert_int_equal(db_alert_stats(d, NULL, &st), 1);
    assert_int_equal(st.sent, 2);
    assert_int_equal(st.failed, 1);
    assert_int_equal(st.remaining, 0);
    db_close(d);
}

static void test_expiry_and_stop_confirmation(void **state)
{
    db *d = db_open(":memory:");
    const char *topics[] = {"country:PH"};
    struct db_alert_text texts[] = {{"en", "soon stale", "gsm7", 1}};
    struct db_alert a = {"a2", "cli", topics, 1, 0, 100, 200, texts, 1, "en"};
    struct db_out_sms stop = {"+9", "You will get no more messages", "gsm7", 1, 0, "stop"};
    struct db_outbox_row o;

    (void)state;
    consent(d, "+1", "join", "country:PH", "en");
    assert_int_equal(db_alert_queue(d, &a, 100, NULL), 1);
    assert_int_equal(db_outbox_claim(d, "m", 200, 1, &o), 0); /* expired at 200 */
    assert_int_equal(db_outbox_sweep(d, 200), 1);
    /* The STOP confirmation goes even though the number said STOP. */
    consent(d, "+9", "stop", NULL, NULL);
    assert_int_equal(db_outbox_add(d, &stop, 300, NULL), 0);
    assert_int_equal(db_outbox_claim(d, "m", 300, 1, &o), 1);
    assert_string_equal(o.recipient, "+9");
    db_close(d);
}

static void test_pins_and_pending(void **state)
{
    db *d = db_open(":memory:");
    struct db_pending_alert p, got;

    (void)state;
    db_pin_attempt(d, "+1", 0, 100);
    db_pin_attempt(d, "+1", 0, 200);
    assert_int_equal(db_pin_failures(d, "+1", 0), 2);
    db_pin_attempt(d, "+1", 1, 300); /* a right PIN clears the count */
    assert_int_equal(db_pin_failures(d, "+1", 0), 0);
    memset(&p, 0, sizeof(p));
    snprintf(p.code, sizeof(p.code), "1234");
    snprintf(p.number, sizeof(p.number), "+1");
    snprintf(p.topics, sizeof(p.topics), "PH");
    snprintf(p.lang, sizeof(p.lang), "en");
    snprintf(p.text, sizeof(p.text), "hello");
    p.expires_at = 1000;
    assert_int_equal(db_alert_pending_put(d, &p, 400), 1);
    /* A live code is never given to a second alert; an expired one is. */
    snprintf(p.number, sizeof(p.number), "+3");
    assert_int_equal(db_alert_pending_put(d, &p, 999), 0);
    p.expires_at = 2000;
    assert_int_equal(db_alert_pending_put(d, &p, 1000), 1);
    assert_int_equal(db_alert_pending_take(d, "+1", "1234", 500, &got), 0);
    snprintf(p.number, sizeof(p.number), "+1");
    p.expires_at = 1000;
    assert_int_equal(db_alert_pending_put(d, &p, 2000), 1);
    assert_int_equal(db_alert_pending_take(d, "+2", "1234", 500, &got), 0);  /* other number */
    assert_int_equal(db_alert_pending_take(d, "+1", "1234", 1000, &got), 0); /* expired */
    assert_int_equal(db_alert_pending_take(d, "+1", "1234", 999, &got), 1);
    assert_string_equal(got.text, "hello");
    assert_int_equal(db_alert_pending_take(d, "+1", "1234", 999, &got), 0); /* taken once */
    db_close(d);
}

static void test_handlers(void **state)
{
    static const char *const paths[] = {TEST_LANGS, TEST_WORLD, RL_CONTENT "/topics.conf"};
    db *d = test_db(paths, (int)(sizeof(paths) / sizeof(paths[0])));
    struct handler_opts o = {.default_lang = "en", .max_parts = 3};
    handler_ctx *h = handler_open(d, &o);
    struct handler_query q = {.text = "JOIN USA-MEX", .from = "+1"};
    struct handler_reply r;
    char topic[64];

    (void)state;
    assert_int_equal(handler_answer(h, &q, &r), 0);
    assert_string_equal(r.consent, "join");
    assert_string_equal(r.topic, "corridor:US-MX");
    q.text = "join scams";
    handler_answer(h, &q, &r);
    assert_string_equal(r.topic, "topic:scams");
    q.text = "how do I stop paying so much in fees to send money";
    handler_answer(h, &q, &r);
    assert_string_equal(r.consent, ""); /* "stop" inside a sentence is no opt-out */
    q.text = "stop";
    handler_answer(h, &q, &r);
    assert_string_equal(r.consent, "stop");
    assert_int_equal(handler_topic(h, "Philippines", topic, sizeof(topic)), 1);
    assert_string_equal(topic, "country:PH");
    assert_int_equal(handler_topic(h, "ATLANTIS", topic, sizeof(topic)), 0);
    handler_close(h);
    db_close(d);
}

/* Dates for --until and alert files: minutes and seconds optional, anything else refused. */
static void test_parse_time(void **state)
{
    int64_t t = 0;

    (void)state;
    setenv("TZ", "UTC", 1);
    tzset();
    assert_int_equal(conf_parse_time("2026-11-27", &t), 0);
    assert_int_equal(t, 1795737600);
    assert_int_equal(conf_parse_time("2026-11-27 08:00", &t), 0);
    assert_int_equal(t, 1795737600 + 8 * 3600);
    assert_int_equal(conf_parse_time("2026-11-27T08:00:30", &t), 0);
    assert_int_equal(t, 1795737600 + 8 * 3600 + 30);
    static const char *const bad[] = {"",
                                      "2026-11",
                                      "2026-13-01",
                                      "2026-11-27 8",
                                      "2026-11-27 24:00",
                                      "2026-11-27 08:60",
                                      "2026-11-27 08:00:60",
                                      "2026-11-27 08:00:",
                                      "2026-11-27x08:00",
                                      "2026-11-27 08:00 tomorrow",
                                      "27/11/2026"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        t = 42;
        assert_int_equal(conf_parse_time(bad[i], &t), -1);
        assert_int_equal(t, 42);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_consent),
        cmocka_unit_test(test_fanout_languages_stop_and_once),
        cmocka_unit_test(test_expiry_and_stop_confirmation),
        cmocka_unit_test(test_pins_and_pending),
        cmocka_unit_test(test_handlers),
        cmocka_unit_test(test_parse_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
