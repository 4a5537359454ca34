/* The retention purge on an in-memory database: what goes after the period, and what must stay
 * (messages still being handled, STOPs, the consent and language of numbers that follow a topic,
 * demand statistics, which hold no number). */
#include "testutil.h"

#include "db/alerts.h"
#include "db/conv.h"
#include "db/guards.h"
#include "db/internal.h" /* to look at the tables themselves */
#include "db/queue.h"

#define DAY    86400
#define NOW    (200 * DAY)
#define BEFORE (NOW - 90 * DAY)
#define OLD    (10 * DAY)
#define RECENT (150 * DAY)

/* The single integer sql gives (a count), read straight from the tables. */
static long count(db *d, const char *sql)
{
    sqlite3_stmt *s = NULL;
    long n;

    assert_int_equal(sqlite3_prepare_v2(d->conn, sql, -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    n = (long)sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return n;
}

/* A message from sender at t, answered with reply (NULL: ignored) and, when sent, sent at t. */
static int64_t exchange(db *d, const char *sender, int64_t t, const char *reply, int sent,
                        const struct db_consent *c)
{
    struct db_in_sms m = {"m1", sender, "HELP", "gsm7", t, t, -1, 1, 1};
    struct db_out_sms r = {sender,
                           reply,
                           "gsm7",
                           1,
                           DB_PRIORITY_REPLY,
                           c != NULL && strcmp(c->action, "stop") == 0 ? "stop" : NULL};
    struct db_inbox_row row;
    struct db_outbox_row o;
    int64_t out_id = 0;

    assert_int_equal(db_inbox_store(d, &m), 1);
    assert_int_equal(test_inbox_next(d, &row), 1);
    assert_int_equal(test_inbox_answer(d, row.id, "en", "help", c, reply ? &r : NULL, t, &out_id), 1);
    if (reply != NULL && sent) {
        assert_int_equal(db_outbox_claim(d, "m1", t, 1, &o), 1);
        assert_int_equal(o.id, out_id);
        assert_int_equal(db_outbox_done(d, o.id, NULL, t, 3, 600), 0);
    }
    return row.id;
}

static void test_purge(void **state)
{
    db *d = db_open(":memory:");
    struct db_purge_counts pc;
    struct db_conv conv;
    struct db_consent join_e = {"+15550000005", "join", "country:PH", "en", "JOIN PH", 0, OLD};
    struct db_consent join_d = {"+15550000004", "join", "country:PH", "en", "JOIN PH", 0, OLD};
    struct db_consent leave_d = {"+15550000004", "leave", "country:PH", "en", "LEAVE PH", 0, OLD};
    struct db_consent stop_f = {"+15550000006", "stop", NULL, "en", "STOP", 0, OLD};

    (void)state;
    exchange(d, "+15550000001", OLD, "old answer", 1, NULL);    /* A: all of it goes */
    exchange(d, "+15550000002", RECENT, "new answer", 1, NULL); /* B: recent, stays */
    exchange(d, "+15550000004", OLD, "joined", 1, &join_d);     /* D: joined, then left */
    exchange(d, "+15550000004", OLD + 60, "left", 1, &leave_d);
    exchange(d, "+15550000005", OLD, "joined", 1, &join_e);    /* E: still follows PH */
    exchange(d, "+15550000006", OLD, "stopped", 1, &stop_f);   /* F: said STOP */
    exchange(d, "+15550000003", OLD, "still queued", 0, NULL); /* C: not sent yet, stays */
    assert_int_equal(db_conv_set_lang(d, "+15550000001", "fr", OLD), 0);
    assert_int_equal(db_conv_set_lang(d, "+15550000002", "es", OLD), 0); /* wrote since */
    assert_int_equal(db_conv_set_lang(d, "+15550000005", "tl", OLD), 0); /* follows a topic */
    assert_int_equal(db_demand_count(d, OLD, "fee", "en", "US", "PH"), 0);

    assert_int_equal(db_purge(d, BEFORE, NOW, &pc), 0);

    /* A's message, reply and language are gone; no old text or number of A is left anywhere. */
    assert_int_equal(count(d, "SELECT count(*) FROM inbox WHERE sender = '+15550000001'"), 0);
    assert_int_equal(count(d, "SELECT count(*) FROM outbox WHERE recipient = '+15550000001'"), 0);
    assert_int_equal(db_conv_get(d, "+15550000001", NOW, &conv), 0);
    /* B wrote within the period: kept, language too. C's reply has not gone out: kept. */
    assert_int_equal(count(d, "SELECT count(*) FROM inbox WHERE sender = '+15550000002'"), 1);
    assert_int_equal(db_conv_get(d, "+15550000002", NOW, &conv), 1);
    assert_string_equal(conv.lang, "es");
    assert_int_equal(count(d, "SELECT count(*) FROM outbox WHERE recipient = '+15550000003'"), 1);
    assert_int_equal(count(d, "SELECT count(*) FROM inbox WHERE sender = '+15550000003'"), 1);
    /* D follows nothing any more: its consent log goes. E still follows PH: its consent and
     * language stay. F's STOP stays, or it could not be honoured. */
    assert_int_equal(count(d, "SELECT count(*) FROM consent WHERE number = '+15550000004'"), 0);
    assert_int_equal(count(d, "SELECT count(*) FROM consent WHERE number = '+15550000005'"), 1);
    assert_int_equal(db_conv_get(d, "+15550000005", NOW, &conv), 1);
    assert_int_equal(db_subscriber_stopped(d, "+15550000006"), 1);
    /* Demand statistics hold no number and stay. */
    assert_int_equal(count(d, "SELECT sum(queries) FROM demand"), 1);
    assert_true(pc.inbox >= 3 && pc.outbox >= 3 && pc.consent >= 2 && pc.other >= 1);

    /* A second purge finds nothing more. */
    assert_int_equal(db_purge(d, BEFORE, NOW, &pc), 0);
    assert_int_equal(pc.inbox + pc.outbox + pc.consent + pc.parts + pc.other, 0);
    db_close(d);
}

struct tally {
    long in_help, out_sent, out_failed, attempts_failed;
};

static int tally_cb(void *arg, const char *modem, const char *keyword, const char *what, long n)
{
    struct tally *t = arg;

    assert_string_equal(modem, "m1");
    if (strcmp(what, "attempts-failed") == 0) {
        assert_string_equal(keyword, "");
        t->attempts_failed += n;
        return 0;
    }
    assert_string_equal(keyword, "help"); /* what the questions asked, in and out */
    if (what[0] == '\0')
        t->in_help += n;
    else if (strcmp(what, "sent") == 0)
        t->out_sent += n;
    else if (strcmp(what, "failed") == 0)
        t->out_failed += n;
    return 0;
}

/* The /metrics counters follow the messages through their states, and only ever grow: the
 * purge that deletes the messages leaves them as they were. */
static void test_metrics_survive_purge(void **state)
{
    db *d = db_open(":memory:");
    struct db_purge_counts pc;
    struct tally t = {0};
    struct db_outbox_row o;
    long counts[DB_LATENCY_BUCKETS], total = 0, sum = 0;
    int64_t id;

    (void)state;
    exchange(d, "+15550000001", OLD, "answer", 1, NULL);       /* sent at once: 0 s */
    exchange(d, "+15550000002", OLD + 100, "answer", 0, NULL); /* fails once, then sent */
    assert_int_equal(db_outbox_claim(d, "m1", OLD + 100, 1, &o), 1);
    id = o.id;
    assert_int_equal(db_outbox_done(d, id, "no network", OLD + 100, 2, 1), 0);
    assert_int_equal(db_outbox_claim(d, "m1", OLD + 107, 1, &o), 1);
    assert_int_equal(db_outbox_done(d, id, NULL, OLD + 107, 2, 1), 0); /* 7 s after arrival */
    exchange(d, "+15550000003", OLD + 200, "answer", 0, NULL);         /* fails twice: set aside */
    assert_int_equal(db_outbox_claim(d, "m1", OLD + 200, 1, &o), 1);
    id = o.id;
    assert_int_equal(db_outbox_done(d, id, "no network", OLD + 200, 2, 1), 0);
    assert_int_equal(db_outbox_claim(d, "m1", OLD + 210, 1, &o), 1);
    assert_int_equal(db_outbox_done(d, id, "no network", OLD + 210, 2, 1), 1);

    for (int round = 0; round < 2; round++) {
        memset(&t, 0, sizeof(t));
        assert_true(db_stats_inbox(d, tally_cb, &t) > 0);
        assert_true(db_stats_outbox(d, tally_cb, &t) > 0);
        assert_int_equal(t.in_help, 3);
        assert_int_equal(t.out_sent, 2);
        assert_int_equal(t.out_failed, 1);
        assert_int_equal(t.attempts_failed, 3);
        assert_int_equal(db_reply_latency(d, counts, &total, &sum), 0);
        assert_int_equal(total, 2);
        assert_int_equal(sum, 7);
        assert_int_equal(counts[0], 1); /* within 1 s */
        assert_int_equal(counts[1], 1); /* within 5 s */
        assert_int_equal(counts[2], 2); /* within 10 s */
        assert_int_equal(counts[DB_LATENCY_BUCKETS - 1], 2);
        /* Everything is old: the purge takes the messages, not the counts. */
        assert_int_equal(db_purge(d, BEFORE, NOW, &pc), 0);
        assert_int_equal(count(d, "SELECT count(*) FROM outbox"), 0);
    }
    db_close(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_purge),
        cmocka_unit_test(test_metrics_survive_purge),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
