/* The durable queue on an in-memory database: dedup, multipart assembly, answer, send, retry. */
#include "testutil.h"

#include "db/queue.h"

static struct db_in_sms sms(const char *sender, const char *text, int64_t t, int ref, int parts,
                            int part)
{
    struct db_in_sms m = {"m1", sender, text, "gsm7", t, t + 1, ref, parts, part};
    return m;
}

static void test_single_stored_once(void **state)
{
    db *d = db_open(":memory:");
    struct db_in_sms m = sms("+639170000001", "FEE USA PHL", 1000, -1, 1, 1);
    struct db_inbox_row row;

    (void)state;
    assert_int_equal(db_inbox_store(d, &m), 1);
    /* A crash before the SIM delete: the same SMS is read again and stored as nothing new. */
    assert_int_equal(db_inbox_store(d, &m), 0);
    assert_int_equal(test_inbox_next(d, &row), 1);
    assert_string_equal(row.text, "FEE USA PHL");
    assert_string_equal(row.sender, "+639170000001");
    /* The same text again later is a new message. */
    m.smsc_time = 1060;
    assert_int_equal(db_inbox_store(d, &m), 1);
    db_close(d);
}

static void test_multipart_out_of_order_and_duplicates(void **state)
{
    db *d = db_open(":memory:");
    struct db_in_sms p3 = sms("+1555", "three", 2000, 77, 3, 3);
    struct db_in_sms p1 = sms("+1555", "one ", 2000, 77, 3, 1);
    struct db_in_sms p2 = sms("+1555", "two ", 2001, 77, 3, 2);
    struct db_inbox_row row;

    (void)state;
    assert_int_equal(db_inbox_store(d, &p3), 1);
    assert_int_equal(db_inbox_store(d, &p1), 1);
    assert_int_equal(test_inbox_next(d, &row), 0); /* not complete yet */
    assert_int_equal(db_inbox_store(d, &p1), 0); /* re-read */
    assert_int_equal(db_inbox_store(d, &p2), 1);
    assert_int_equal(test_inbox_next(d, &row), 1);
    assert_string_equal(row.text, "one two three");
    assert_int_equal(row.parts, 3);
    assert_int_equal(row.complete, 1);
    /* Reading a part again after assembly creates nothing. */
    assert_int_equal(db_inbox_store(d, &p2), 0);
    assert_int_equal(test_inbox_answer(d, row.id, "en", "fee", NULL, NULL, 3000, NULL), 1);
    assert_int_equal(test_inbox_next(d, &row), 0);
    db_close(d);
}

static void test_incomplete_set_expires(void **state)
{
    db *d = db_open(":memory:");
    struct db_in_sms p1 = sms("+1555", "first half", 2000, 9, 2, 1);
    struct db_inbox_row row;

    (void)state;
    assert_int_equal(db_inbox_store(d, &p1), 1);
    assert_int_equal(db_inbox_expire(d, 1000, 1000), 0); /* not old yet */
    assert_int_equal(test_inbox_next(d, &row), 0);
    assert_int_equal(db_inbox_expire(d, 3000, 3000), 1);
    assert_int_equal(test_inbox_next(d, &row), 1);
    assert_string_equal(row.text, "first half");
    assert_int_equal(row.complete, 0);
    /* The missing half arriving late does not produce a second message. */
    {
        struct db_in_sms p2 = sms("+1555", "second", 2005, 9, 2, 2);
        p2.received_at = 3100;
        assert_int_equal(db_inbox_store(d, &p2), 0);
        assert_int_equal(test_inbox_answer(d, row.id, "en", "help", NULL, NULL, 3000, NULL), 1);
        assert_int_equal(db_inbox_expire(d, 99999, 99999), 0);
        assert_int_equal(test_inbox_next(d, &row), 0);
    }
    db_close(d);
}

static void test_answer_send_retry_fail(void **state)
{
    db *d = db_open(":memory:");
    struct db_in_sms m = sms("+63917", "HELP", 1000, -1, 1, 1);
    struct db_out_sms reply = {"+63917", "the help text", "gsm7", 1, DB_PRIORITY_REPLY, NULL};
    struct db_inbox_row row;
    struct db_outbox_row o;
    int64_t out_id = 0;

    (void)state;
    assert_int_equal(db_inbox_store(d, &m), 1);
    assert_int_equal(test_inbox_next(d, &row), 1);
    assert_int_equal(test_inbox_answer(d, row.id, "en", "help", NULL, &reply, 1001, &out_id), 1);
    assert_true(out_id > 0);
    /* Answering twice (two threads, or a retry) queues one reply. */
    assert_int_equal(test_inbox_answer(d, row.id, "en", "help", NULL, &reply, 1001, NULL), 0);
    assert_int_equal(db_outbox_depth(d), 1);

    assert_int_equal(db_outbox_claim(d, "m1", 1001, 1, &o), 1);
    assert_int_equal(o.id, out_id);
    assert_string_equal(o.text, "the help text");
    assert_int_equal(o.received_at, 1001);
    assert_int_equal(db_outbox_claim(d, "m2", 1001, 1, &o), 0); /* claimed by m1 */
    /* Fails: back in the queue after 2 s, not before. */
    assert_int_equal(db_outbox_done(d, out_id, "timeout", 1002, 3, 600), 0);
    assert_int_equal(db_outbox_claim(d, "m2", 1003, 1, &o), 0);
    assert_int_equal(db_outbox_claim(d, "m2", 1004, 1, &o), 1);
    assert_int_equal(o.attempts, 1);
    assert_int_equal(db_outbox_done(d, out_id, "timeout", 1004, 3, 600), 0);
    assert_int_equal(db_outbox_claim(d, "m1", 1008, 1, &o), 1);
    /* The third failure sets it aside for good. */
    assert_int_equal(db_outbox_done(d, out_id, "no network", 1008, 3, 600), 1);
    assert_int_equal(db_outbox_claim(d, "m1", 99999, 1, &o), 0);
    assert_int_equal(db_outbox_depth(d), 0);
    db_close(d);
}

static void test_replies_before_broadcasts_and_recovery(void **state)
{
    db *d = db_open(":memory:");
    struct db_out_sms b = {"+1", "alert", "gsm7", 1, DB_PRIORITY_BROADCAST, "notice"};
    struct db_out_sms r = {"+2", "reply", "gsm7", 2, DB_PRIORITY_REPLY, NULL};
    struct db_outbox_row o;

    (void)state;
    assert_int_equal(db_outbox_add(d, &b, 100, NULL), 0);
    assert_int_equal(db_outbox_add(d, &r, 200, NULL), 0);
    assert_int_equal(db_outbox_claim(d, "m1", 300, 1, &o), 1);
    assert_string_equal(o.text, "reply");
    /* One part went out, then the process died. */
    assert_int_equal(db_outbox_part_sent(d, o.id, 1u), 0);
    assert_int_equal(db_outbox_recover(d), 1);
    assert_int_equal(db_outbox_claim(d, "m1", 300, 1, &o), 1);
    assert_string_equal(o.text, "reply");
    assert_int_equal(o.parts_sent, 1u); /* only part 2 is left to send */
    assert_int_equal(db_outbox_done(d, o.id, NULL, 301, 5, 600), 0);
    assert_int_equal(db_outbox_claim(d, "m1", 300, 1, &o), 1);
    assert_string_equal(o.text, "alert");
    db_close(d);
}

static void test_reply_for_and_log(void **state)
{
    db *d = db_open(":memory:");
    struct db_in_sms m = sms("+63917", "HELP", 1000, -1, 1, 1);
    struct db_out_sms reply = {"+63917", "help text", "gsm7", 1, DB_PRIORITY_REPLY, NULL};
    struct db_inbox_row row;
    struct db_log_row lr;

    (void)state;
    assert_int_equal(db_inbox_store(d, &m), 1);
    assert_int_equal(db_reply_for(d, "+63917", 0, &lr), 0);
    assert_int_equal(db_inbox_last_id(d, "+63917"), 1);
    assert_int_equal(test_inbox_next(d, &row), 1);
    assert_int_equal(test_inbox_answer(d, row.id, "en", "help", NULL, &reply, 1002, NULL), 1);
    assert_int_equal(db_reply_for(d, "+63917", 0, &lr), 1);
    assert_string_equal(lr.state, "queued");
    assert_string_equal(lr.text, "help text");
    assert_int_equal(db_reply_for(d, "+63917", 1, &lr), 0); /* nothing after message 1 */
    db_close(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_stored_once),
        cmocka_unit_test(test_multipart_out_of_order_and_duplicates),
        cmocka_unit_test(test_incomplete_set_expires),
        cmocka_unit_test(test_answer_send_retry_fail),
        cmocka_unit_test(test_replies_before_broadcasts_and_recovery),
        cmocka_unit_test(test_reply_for_and_log),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
