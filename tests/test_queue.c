/* The durable queue on an in-memory database: dedup, multipart assembly, answer, send, retry. */
#include "testutil.h"

#include "db/queue.h"
#include "util/utf8.h"

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

/* Senders are kept whole: a 50-digit and a 30-digit one that share their first 31 bytes stay two
 * numbers. A longer one than a row holds is refused, never cut. */
static void test_long_senders_whole(void **state)
{
    db *d = db_open(":memory:");
    char n50[52], n30[32], huge[DB_NUMBER_MAX + 8];
    struct db_in_sms a, b, c;
    struct db_inbox_row row;

    (void)state;
    n50[0] = n30[0] = huge[0] = '+';
    memset(n50 + 1, '7', 50);
    n50[51] = '\0';
    memset(n30 + 1, '7', 30);
    n30[31] = '\0';
    memset(huge + 1, '7', sizeof(huge) - 2);
    huge[sizeof(huge) - 1] = '\0';
    a = sms(n50, "FEE", 1000, -1, 1, 1);
    b = sms(n30, "FEE", 1000, -1, 1, 1);
    assert_int_equal(db_inbox_store(d, &a), 1);
    assert_int_equal(db_inbox_store(d, &b), 1); /* not a duplicate of the first */
    assert_int_equal(test_inbox_next(d, &row), 1);
    assert_string_equal(row.sender, n50);
    assert_int_equal(test_inbox_answer(d, row.id, "en", "guard", NULL, NULL, 1001, NULL), 1);
    assert_int_equal(test_inbox_next(d, &row), 1);
    assert_string_equal(row.sender, n30);
    assert_int_equal(db_begin(d), 0);
    c = sms(huge, "FEE", 1000, -1, 1, 1);
    assert_int_equal(db_inbox_take(d, &c, &row), -1);
    db_rollback(d);
    db_close(d);
}

/* A long text is cut where a character ends: the stored text is valid UTF-8. */
static void test_long_text_cut_on_character(void **state)
{
    db *d = db_open(":memory:");
    static char part[1024];
    struct db_in_sms p[3];
    struct db_inbox_row row;
    int i;

    (void)state;
    /* 3 parts of 341 three-byte characters each (1023 bytes): 3069 bytes, over DB_TEXT_MAX. */
    for (i = 0; i + 3 < (int)sizeof(part); i += 3)
        memcpy(part + i, "\xe2\x82\xac", 3); /* the euro sign */
    part[i] = '\0';
    for (i = 0; i < 3; i++) {
        p[i] = sms("+1555", part, 2000, 5, 3, i + 1);
        assert_true(db_inbox_store(d, &p[i]) >= 0);
    }
    assert_int_equal(test_inbox_next(d, &row), 1);
    assert_true(utf8_valid(row.text));
    assert_int_equal(strlen(row.text) % 3, 0);
    assert_true(strlen(row.text) >= DB_TEXT_MAX - 3 && strlen(row.text) < DB_TEXT_MAX);
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
    assert_int_equal(db_inbox_store(d, &p1), 0);   /* re-read */
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
        cmocka_unit_test(test_long_senders_whole),
        cmocka_unit_test(test_long_text_cut_on_character),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
