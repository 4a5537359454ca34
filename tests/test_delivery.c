/* Delivery reports matched to the parts they answer (db/delivery.h), on an in-memory database:
 * wraparound of GSM references, duplicates, reports for nothing sent, reports that come before
 * the send is recorded, late after expiry, multipart messages, and what the purge leaves. */
#include "testutil.h"

#include "db/delivery.h"
#include "db/guards.h"
#include "gateway/delivery.h"

static int64_t queue(db *d, const char *to, int parts, const char *kind)
{
    struct db_out_sms m = {to, "Typhoon warning", "gsm7", parts, DB_PRIORITY_BROADCAST, kind};
    int64_t id = 0;

    assert_int_equal(db_outbox_add(d, &m, 1000, &id), 0);
    return id;
}

static struct db_dlr rep(const char *modem, const char *ref, enum db_dlr_status st,
                         const char *reason)
{
    struct db_dlr r = {"gammu", modem, ref, st, reason, 0};
    return r;
}

static void delivery_is(db *d, int64_t id, const char *want)
{
    char state[16], reason[160];

    assert_int_equal(db_delivery_of(d, id, state, sizeof(state), reason, sizeof(reason)), 1);
    assert_string_equal(state, want);
}

struct pick {
    const char *modem, *kind;
    long n;
};

static int pick_cb(void *arg, const char *m, const char *k, long n)
{
    struct pick *p = arg;
    if (strcmp(m, p->modem) == 0 && strcmp(k, p->kind) == 0)
        p->n = n;
    return 0;
}

/* The /metrics counter of modem and kind, 0 if none. */
static long metric(db *d, const char *modem, const char *kind)
{
    struct pick p = {modem, kind, 0};
    assert_true(db_delivery_stats(d, pick_cb, &p) >= 0);
    return p.n;
}

static void test_single_delivered_and_failed(void **state)
{
    db *d = db_open(":memory:");
    int64_t a = queue(d, "+639170000001", 1, "broadcast"),
            b = queue(d, "+639170000002", 1, "broadcast");
    struct db_dlr r;
    char st[16], reason[160];

    (void)state;
    delivery_is(d, a, ""); /* nothing asked yet */
    assert_int_equal(db_delivery_sent(d, a, 1, "gammu", "sim1", "17", 1000), 0);
    assert_int_equal(db_delivery_sent(d, b, 1, "gammu", "sim1", "18", 1001), 0);
    delivery_is(d, a, "pending");
    r = rep("sim1", "17", DB_DLR_DELIVERED, NULL);
    assert_int_equal(db_delivery_report(d, &r, 1010), 1);
    delivery_is(d, a, "delivered");
    r = rep("sim1", "18", DB_DLR_FAILED, "the phone was unreachable");
    assert_int_equal(db_delivery_report(d, &r, 1011), 1);
    assert_int_equal(db_delivery_of(d, b, st, sizeof(st), reason, sizeof(reason)), 1);
    assert_string_equal(st, "failed");
    assert_string_equal(reason, "the phone was unreachable");
    assert_int_equal(metric(d, "sim1", "delivered"), 1);
    assert_int_equal(metric(d, "sim1", "failed"), 1);
    db_close(d);
}

/* GSM's TP-MR wraps at 256: a report answers the newest part with its reference, and a second
 * copy of it does not fall on the older one. */
static void test_wraparound_newest(void **state)
{
    db *d = db_open(":memory:");
    int64_t old = queue(d, "+1", 1, "broadcast"), neu = queue(d, "+2", 1, "broadcast");
    struct db_dlr r = rep("sim1", "5", DB_DLR_DELIVERED, NULL);

    (void)state;
    assert_int_equal(db_delivery_sent(d, old, 1, "gammu", "sim1", "5", 1000), 0);
    assert_int_equal(db_delivery_sent(d, neu, 1, "gammu", "sim1", "5", 2000), 0);
    assert_int_equal(db_delivery_report(d, &r, 2010), 1);
    delivery_is(d, neu, "delivered");
    delivery_is(d, old, "pending");
    /* The same report again: a duplicate, the older part stays pending. */
    assert_int_equal(db_delivery_report(d, &r, 2011), 0);
    delivery_is(d, old, "pending");
    assert_int_equal(metric(d, "sim1", "duplicate"), 1);
    /* Another modem's ref 5 is not ours, nor another transport's. */
    r = rep("sim2", "5", DB_DLR_FAILED, "x");
    assert_int_equal(db_delivery_report(d, &r, 2012), 0);
    r = rep("sim1", "5", DB_DLR_FAILED, "x");
    r.transport = "kannel";
    assert_int_equal(db_delivery_report(d, &r, 2013), 0);
    delivery_is(d, neu, "delivered");
    /* They wait for a part; past DB_DELIVERY_EARLY the tick counts them unmatched. */
    assert_int_equal(metric(d, "sim2", "unmatched"), 0);
    {
        int u = -1;
        assert_int_equal(db_delivery_expire(d, 0, 2012 + DB_DELIVERY_EARLY, &u), 0);
        assert_int_equal(u, 0); /* not yet */
        assert_int_equal(db_delivery_expire(d, 0, 2014 + DB_DELIVERY_EARLY, &u), 0);
        assert_int_equal(u, 2);
        assert_int_equal(db_delivery_expire(d, 0, 2015 + DB_DELIVERY_EARLY, &u), 0);
        assert_int_equal(u, 0); /* counted once */
    }
    assert_int_equal(metric(d, "sim2", "unmatched"), 1);
    assert_int_equal(metric(d, "sim1", "unmatched"), 1);
    /* Outside the window, a reference answers nothing. */
    r = rep("sim1", "5", DB_DLR_FAILED, "x");
    assert_int_equal(db_delivery_report(d, &r, 2000 + DB_DELIVERY_WINDOW + 1), 0);
    assert_int_equal(db_delivery_expire(d, 0, 2000 + DB_DELIVERY_WINDOW + 1000, NULL), 0);
    assert_int_equal(metric(d, "sim1", "unmatched"), 2);
    db_close(d);
}

/* A final word stands: a failure after delivery (or the reverse) is a duplicate. An SMSC's
 * "accepted" leaves the part pending. */
static void test_duplicates_and_intermediate(void **state)
{
    db *d = db_open(":memory:");
    int64_t a = queue(d, "+1", 1, "broadcast");
    struct db_dlr r = rep("k", "1.1", DB_DLR_ACCEPTED, "accepted by the SMSC");

    (void)state;
    r.transport = "kannel";
    assert_int_equal(db_delivery_sent(d, a, 1, "kannel", "k", "1.1", 1000), 0);
    assert_int_equal(db_delivery_report(d, &r, 1001), 0);
    delivery_is(d, a, "pending");
    assert_int_equal(metric(d, "k", "intermediate"), 1);
    r.status = DB_DLR_DELIVERED;
    assert_int_equal(db_delivery_report(d, &r, 1002), 1);
    assert_int_equal(db_delivery_report(d, &r, 1003), 0);
    r.status = DB_DLR_FAILED;
    assert_int_equal(db_delivery_report(d, &r, 1004), 0);
    delivery_is(d, a, "delivered");
    assert_int_equal(metric(d, "k", "duplicate"), 2);
    assert_int_equal(metric(d, "k", "delivered"), 1);
    db_close(d);
}

/* A report that came before its send was recorded (Kannel calls back at once) is adopted when
 * the send is recorded soon after, but not later than DB_DELIVERY_EARLY; one for a message never
 * sent is kept and counted as unmatched once that time has passed. */
static void test_unknown_and_early(void **state)
{
    db *d = db_open(":memory:");
    int64_t a = queue(d, "+1", 1, "broadcast"), b = queue(d, "+2", 1, "broadcast");
    struct db_dlr r = rep("sim1", "42", DB_DLR_FAILED, "rejected by the network");

    (void)state;
    assert_int_equal(db_delivery_report(d, &r, 1000), 0);
    assert_int_equal(db_delivery_sent(d, a, 1, "gammu", "sim1", "42", 1002), 0);
    delivery_is(d, a, "failed");
    assert_int_equal(metric(d, "sim1", "failed"), 1);
    /* Adopted: never counted as unmatched. */
    assert_int_equal(db_delivery_expire(d, 0, 1000 + 2 * DB_DELIVERY_EARLY, NULL), 0);
    assert_int_equal(metric(d, "sim1", "unmatched"), 0);
    /* Adopted once: the next send with that reference starts pending. */
    assert_int_equal(db_delivery_sent(d, b, 1, "gammu", "sim1", "42", 1003), 0);
    delivery_is(d, b, "pending");
    /* Too old to adopt. */
    r = rep("sim1", "43", DB_DLR_DELIVERED, NULL);
    assert_int_equal(db_delivery_report(d, &r, 2000), 0);
    assert_int_equal(db_delivery_sent(d, b, 1, "gammu", "sim1", "43", 2000 + DB_DELIVERY_EARLY + 1),
                     0);
    delivery_is(d, b, "pending");
    assert_int_equal(db_delivery_expire(d, 0, 2000 + DB_DELIVERY_EARLY + 1, NULL), 0);
    assert_int_equal(metric(d, "sim1", "unmatched"), 1);
    db_close(d);
}

/* No report within the timeout: expired. A report after that still tells the truth (late). */
static void test_expiry_and_late(void **state)
{
    db *d = db_open(":memory:");
    int64_t a = queue(d, "+1", 1, "broadcast"), b = queue(d, "+2", 1, "broadcast");
    struct db_dlr r = rep("sim1", "7", DB_DLR_DELIVERED, NULL);
    struct db_delivery_counts c;

    (void)state;
    assert_int_equal(db_delivery_sent(d, a, 1, "gammu", "sim1", "7", 1000), 0);
    assert_int_equal(db_delivery_sent(d, b, 1, "gammu", "sim1", "8", 5000), 0);
    assert_int_equal(db_delivery_expire(d, 2000, 3000, NULL), 1);
    delivery_is(d, a, "expired");
    delivery_is(d, b, "pending");
    assert_int_equal(db_delivery_alert(d, NULL, &c), 0);
    assert_int_equal(c.asked, 2);
    assert_int_equal(c.expired, 1);
    assert_int_equal(c.pending, 1);
    assert_int_equal(db_delivery_report(d, &r, 3100), 1);
    delivery_is(d, a, "delivered");
    assert_int_equal(metric(d, "sim1", "late"), 1);
    assert_int_equal(metric(d, "sim1", "expired"), 1);
    assert_int_equal(db_delivery_expire(d, 2000, 3200, NULL), 0);
    db_close(d);
}

/* A message is delivered when all its parts are; one failed part fails it; a resent part
 * takes its new reference. */
static void test_multipart(void **state)
{
    db *d = db_open(":memory:");
    int64_t a = queue(d, "+1", 3, "broadcast"), b = queue(d, "+2", 2, "broadcast");
    struct db_dlr r;
    struct db_delivery_counts c;

    (void)state;
    assert_int_equal(db_delivery_sent(d, a, 1, "gammu", "sim1", "10", 1000), 0);
    assert_int_equal(db_delivery_sent(d, a, 2, "gammu", "sim1", "11", 1000), 0);
    r = rep("sim1", "10", DB_DLR_DELIVERED, NULL);
    assert_int_equal(db_delivery_report(d, &r, 1001), 1);
    r.ref = "11";
    assert_int_equal(db_delivery_report(d, &r, 1002), 1);
    delivery_is(d, a, "pending"); /* part 3 not even sent */
    /* Part 3 is sent, fails its first try and goes again under another reference. */
    assert_int_equal(db_delivery_sent(d, a, 3, "gammu", "sim1", "12", 1003), 0);
    assert_int_equal(db_delivery_sent(d, a, 3, "gammu", "sim1", "13", 1010), 0);
    r.ref = "13";
    assert_int_equal(db_delivery_report(d, &r, 1011), 1);
    delivery_is(d, a, "delivered");
    /* Out of order: the second part's report first, and it failed. */
    assert_int_equal(db_delivery_sent(d, b, 1, "gammu", "sim1", "20", 1000), 0);
    assert_int_equal(db_delivery_sent(d, b, 2, "gammu", "sim1", "21", 1000), 0);
    r = rep("sim1", "21", DB_DLR_FAILED, "the phone's memory is full");
    assert_int_equal(db_delivery_report(d, &r, 1001), 1);
    delivery_is(d, b, "failed");
    r = rep("sim1", "20", DB_DLR_DELIVERED, NULL);
    assert_int_equal(db_delivery_report(d, &r, 1002), 1);
    delivery_is(d, b, "failed");
    assert_int_equal(db_delivery_alert(d, NULL, &c), 0);
    assert_int_equal(c.asked, 2);
    assert_int_equal(c.delivered, 1);
    assert_int_equal(c.failed, 1);
    db_close(d);
}

static int modem_cb(void *arg, const char *modem, const struct db_delivery_counts *c)
{
    struct db_delivery_counts *out = arg;
    if (strcmp(modem, "sim1") == 0)
        *out = *c;
    return 0;
}

/* Per modem, parts since a time. Bad input: -1, nothing recorded. */
static void test_modems_and_bad_input(void **state)
{
    db *d = db_open(":memory:");
    int64_t a = queue(d, "+1", 1, "broadcast");
    struct db_delivery_counts c = {0, 0, 0, 0, 0};
    struct db_dlr r = rep("sim1", "", DB_DLR_DELIVERED, NULL);
    char st[16], reason[16];

    (void)state;
    assert_int_equal(db_delivery_sent(d, a, 1, "gammu", "sim1", "1", 1000), 0);
    assert_int_equal(db_delivery_modems(d, 500, modem_cb, &c), 1);
    assert_int_equal(c.asked, 1);
    assert_int_equal(c.pending, 1);
    assert_int_equal(db_delivery_modems(d, 1001, modem_cb, &c), 0);
    assert_int_equal(db_delivery_report(d, &r, 1000), -1); /* empty reference */
    r.ref = "1";
    r.status = (enum db_dlr_status)9;
    assert_int_equal(db_delivery_report(d, &r, 1000), -1);
    assert_int_equal(db_delivery_sent(d, a, 0, "gammu", "sim1", "1", 1000), -1);
    assert_int_equal(db_delivery_of(d, 999, st, sizeof(st), reason, sizeof(reason)), 0);
    db_close(d);
}

/* The retention purge: a purged message takes its parts' records and their reports; a report
 * that never matched goes once it is as old. */
static void test_purge(void **state)
{
    db *d = db_open(":memory:");
    int64_t a = queue(d, "+1", 1, "broadcast");
    struct db_dlr r = rep("sim1", "3", DB_DLR_DELIVERED, NULL);
    struct db_purge_counts pc;
    struct db_outbox_row o;
    struct db_delivery_counts c;

    (void)state;
    assert_int_equal(db_outbox_claim(d, "sim1", 1000, 1, &o), 1);
    assert_int_equal(db_delivery_sent(d, o.id, 1, "gammu", "sim1", "3", 1000), 0);
    assert_int_equal(db_outbox_done(d, o.id, NULL, 1001, 3, 60), 0);
    assert_int_equal(db_delivery_report(d, &r, 1002), 1);
    r.ref = "99";
    assert_int_equal(db_delivery_report(d, &r, 1003), 0); /* unmatched */
    assert_int_equal(db_delivery_expire(d, 0, 1003 + DB_DELIVERY_EARLY + 1, NULL), 0);
    assert_int_equal(db_purge(d, 5000, 5000, &pc), 0);
    assert_int_equal(pc.outbox, 1);
    assert_int_equal(pc.other, 1); /* the unmatched report */
    assert_int_equal(db_delivery_alert(d, NULL, &c), 0);
    assert_int_equal(c.asked, 0);
    assert_int_equal(db_delivery_modems(d, 0, modem_cb, &c), 0);
    /* The counters stay: Prometheus's totals never fall. */
    assert_int_equal(metric(d, "sim1", "delivered"), 1);
    assert_int_equal(metric(d, "sim1", "unmatched"), 1);
    (void)a;
    db_close(d);
}

/* Kannel's %d and %A in plain words (gateway/delivery.c), hostile text included. */
static void test_kannel_words(void **state)
{
    enum db_dlr_status st;
    char why[160];

    (void)state;
    assert_int_equal(
        gw_delivery_kannel_status(1, "id:9 stat:DELIVRD err:000", &st, why, sizeof(why)), 0);
    assert_int_equal(st, DB_DLR_DELIVERED);
    assert_string_equal(why, "");
    assert_int_equal(gw_delivery_kannel_status(2, "id:9 sub:001 stat:REJECTD err:0b text:x", &st,
                                               why, sizeof(why)),
                     0);
    assert_int_equal(st, DB_DLR_FAILED);
    assert_string_equal(why, "rejected by the network (network error 0b)");
    assert_int_equal(gw_delivery_kannel_status(16, "NACK/0x0000000b/Invalid Destination Address",
                                               &st, why, sizeof(why)),
                     0);
    assert_string_equal(why, "the SMSC refused it: NACK/0x0000000b/Invalid Destination Address");
    assert_int_equal(gw_delivery_kannel_status(8, NULL, &st, why, sizeof(why)), 0);
    assert_int_equal(st, DB_DLR_ACCEPTED);
    /* A "stat:" inside another word is not the receipt's; control bytes are not kept. */
    assert_int_equal(gw_delivery_kannel_status(2, "xstat:EXPIRED \x1b[2J", &st, why, sizeof(why)),
                     0);
    assert_string_equal(why, "not delivered: xstat:EXPIRED  [2J");
    assert_int_equal(gw_delivery_kannel_status(0, "", &st, why, sizeof(why)), -1);
    assert_int_equal(gw_delivery_kannel_status(32, "", &st, why, sizeof(why)), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_delivered_and_failed),
        cmocka_unit_test(test_wraparound_newest),
        cmocka_unit_test(test_duplicates_and_intermediate),
        cmocka_unit_test(test_unknown_and_early),
        cmocka_unit_test(test_expiry_and_late),
        cmocka_unit_test(test_multipart),
        cmocka_unit_test(test_modems_and_bad_input),
        cmocka_unit_test(test_purge),
        cmocka_unit_test(test_kannel_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
