/*
 * The daemon's loop, driven in-process through the fake transport (gateway/tr_fake.h): what a
 * person texts goes in at the fake phone, and the tests look only at what comes out (the parts
 * the fake was asked to send) and at rows of the database, never at the daemon's internals.
 *
 * Each test gets a scratch directory with its own database (the daemon opens it by path, once
 * per thread), runs gw_run() in a thread of its own, and stops it as `remitline run` is stopped:
 * SIGTERM, sent to that thread with pthread_kill() (see daemon.h). Every wait is bounded
 * polling for a condition, never a fixed sleep.
 */
#include "testutil.h"

#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <time.h>

#include "conf/config.h"
#include "gateway/daemon.h"
#include "util/log.h"
#include "gateway/delivery.h"
#include "gateway/tr_fake.h"

#define MODEM   "sim1"
#define WAIT_MS 15000 /* generous: the machine may be busy; a pass returns at once */

struct fixture {
    char dir[128];
    struct conf c;
    pthread_t tid;
    int running;
    int rc;
    sqlite3 *q; /* the test's own look into the database */
};

static void *run_thread(void *arg)
{
    struct fixture *f = arg;

    f->rc = gw_run(&f->c, NULL, NULL);
    return NULL;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    static int seq;

    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "/tmp/remitline-test-daemon-%ld-%d", (long)getpid(), ++seq);
    assert_int_equal(mkdir(f->dir, 0700), 0);
    conf_defaults(&f->c);
    snprintf(f->c.database, sizeof(f->c.database), "%s/remitline.db", f->dir);
    snprintf(f->c.content, sizeof(f->c.content), "%s", RL_CONTENT);
    snprintf(f->c.alerts_dir, sizeof(f->c.alerts_dir), "%s/alerts", f->dir);
    f->c.poll_ms = 50;
    f->c.max_backoff = 1;
    f->c.loop_guard = 0; /* a test answers faster than any person: it would look like a loop */
    f->c.quiet_hours[0] = '\0';
    f->c.nmodems = 1;
    memset(&f->c.modems[0], 0, sizeof(f->c.modems[0]));
    snprintf(f->c.modems[0].name, sizeof(f->c.modems[0].name), MODEM);
    snprintf(f->c.modems[0].transport, sizeof(f->c.modems[0].transport), "fake");
    gw_fake_reset();
    *state = f;
    return 0;
}

/* Stops the daemon as SIGTERM does; it must exit 0. */
static void stop_daemon(struct fixture *f)
{
    if (!f->running)
        return;
    assert_int_equal(pthread_kill(f->tid, SIGTERM), 0);
    assert_int_equal(pthread_join(f->tid, NULL), 0);
    f->running = 0;
    assert_int_equal(f->rc, 0);
}

/* The scratch directory holds only files (the database, its WAL, SHM and lock). */
static void remove_dir(const char *dir)
{
    DIR *dp = opendir(dir);
    struct dirent *e;
    char path[512];

    while (dp != NULL && (e = readdir(dp)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        if (unlink(path) != 0)
            fprintf(stderr, "could not remove %s\n", path);
    }
    if (dp != NULL)
        closedir(dp);
    if (rmdir(dir) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    stop_daemon(f);
    sqlite3_close(f->q);
    remove_dir(f->dir);
    free(f);
    return 0;
}

static long long ms_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void short_nap(void)
{
    struct timespec ts = {0, 10 * 1000000L};
    nanosleep(&ts, NULL);
}

/* Starts gw_run in its own thread and returns once the fake modem was opened. The signals the
 * daemon waits for are blocked here first, so the thread has them blocked from its first
 * instruction and a SIGTERM can never take the default action (ending the test program). */
static void start_daemon(struct fixture *f)
{
    sigset_t set;
    long long until = ms_now() + WAIT_MS;

    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    assert_int_equal(pthread_sigmask(SIG_BLOCK, &set, NULL), 0);
    assert_int_equal(pthread_create(&f->tid, NULL, run_thread, f), 0);
    f->running = 1;
    while (gw_fake_opens(MODEM) < 1) {
        if (ms_now() > until)
            fail_msg("the daemon did not open its fake modem within %d ms", WAIT_MS);
        short_nap();
    }
    if (f->q == NULL) {
        assert_int_equal(sqlite3_open(f->c.database, &f->q), SQLITE_OK);
        sqlite3_busy_timeout(f->q, 5000);
    }
}

/* The first column of the first row of sql, as an integer (0 when there is no row). */
static long long sql_int(struct fixture *f, const char *sql)
{
    sqlite3_stmt *st = NULL;
    long long v = 0;

    if (sqlite3_prepare_v2(f->q, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(f->q));
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Waits until sql gives want; fails the test with what it gave after WAIT_MS. */
static void wait_sql(struct fixture *f, const char *sql, long long want)
{
    long long until = ms_now() + WAIT_MS, got;

    while ((got = sql_int(f, sql)) != want) {
        if (ms_now() > until)
            fail_msg("waited %d ms for [%s] = %lld, got %lld", WAIT_MS, sql, want, got);
        short_nap();
    }
}

/* Parts sent to number, in order, into out (up to max); returns how many. */
static int sent_to(const char *number, struct gw_fake_part *out, int max)
{
    struct gw_fake_part p;
    int i, n = 0;

    for (i = 0; gw_fake_sent(i, &p) == 0; i++)
        if (strcmp(p.recipient, number) == 0) {
            if (n < max)
                out[n] = p;
            n++;
        }
    return n;
}

/* Waits until number has been sent want parts; fails after WAIT_MS. */
static void wait_sent(const char *number, int want)
{
    struct gw_fake_part p;
    long long until = ms_now() + WAIT_MS;
    int got;

    while ((got = sent_to(number, &p, 1)) < want) {
        if (ms_now() > until)
            fail_msg("waited %d ms for %d parts to %s, got %d", WAIT_MS, want, number, got);
        short_nap();
    }
}

/* Waits until the phone is read and no reply waits to be made or sent: every inbox row answered
 * or ignored, every outbox row sent or failed. What comes after is what the daemon decided. */
static void wait_settled(struct fixture *f)
{
    long long until = ms_now() + WAIT_MS;

    while (gw_fake_waiting(MODEM) > 0) {
        if (ms_now() > until)
            fail_msg("waited %d ms for the daemon to read the fake phone", WAIT_MS);
        short_nap();
    }
    wait_sql(f,
             "SELECT (SELECT count(*) FROM inbox WHERE state = 'received') + "
             "(SELECT count(*) FROM inbox_part WHERE assembled = 0) + "
             "(SELECT count(*) FROM outbox WHERE state IN ('queued', 'sending'))",
             0);
}

/* Texts number's message in and waits for one reply part; returns its text in out. */
static void ask(const char *number, const char *text, char *out, size_t outsz)
{
    struct gw_fake_part p[16];
    int before = sent_to(number, p, 16);

    assert_int_equal(gw_fake_push(MODEM, number, text), 0);
    wait_sent(number, before + 1);
    assert_true(sent_to(number, p, 16) > before);
    snprintf(out, outsz, "%s", p[before].text);
}

/* --- the tests ---------------------------------------------------------------------------- */

static void test_question_answered_once(void **state)
{
    struct fixture *f = *state;
    struct gw_fake_part p[4];
    char reply[700];

    start_daemon(f);
    ask("+15550000001", "FEE USA MEX 200", reply, sizeof(reply));
    wait_settled(f);
    assert_int_equal(sent_to("+15550000001", p, 4), 1);
    assert_int_equal(p[0].parts, 1);
    assert_non_null(strstr(reply, "Mexico"));
    assert_int_equal(sql_int(f, "SELECT count(*) FROM inbox WHERE sender = '+15550000001' AND "
                                "state = 'answered'"),
                     1);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM outbox WHERE recipient = '+15550000001' "
                                "AND state = 'sent' AND kind = 'reply'"),
                     1);
    /* A restart finds nothing to answer or send again. */
    stop_daemon(f);
    start_daemon(f);
    wait_settled(f);
    assert_int_equal(sent_to("+15550000001", p, 4), 1);
}

static void test_send_failure_retried(void **state)
{
    struct fixture *f = *state;
    struct gw_fake_part p[4];
    char reply[700];

    start_daemon(f);
    assert_int_equal(gw_fake_fail(MODEM, GW_FAKE_SEND_FAIL, 1), 0);
    ask("+15550000003", "RATE EUR PHP", reply, sizeof(reply));
    wait_settled(f);
    assert_int_equal(sent_to("+15550000003", p, 4), 1);
    /* Two attempts, the first one's problem kept; one modem connection throughout. */
    assert_int_equal(sql_int(f, "SELECT attempts FROM outbox WHERE recipient = '+15550000003' "
                                "AND state = 'sent'"),
                     2);
    assert_int_equal(gw_fake_opens(MODEM), 1);
}

static void test_device_error_releases(void **state)
{
    struct fixture *f = *state;
    struct gw_fake_part p[4];
    char reply[700];

    start_daemon(f);
    assert_int_equal(gw_fake_fail(MODEM, GW_FAKE_DEVICE_FAIL, 1), 0);
    ask("+15550000004", "FEE USA MEX", reply, sizeof(reply));
    wait_settled(f);
    assert_int_equal(sent_to("+15550000004", p, 4), 1);
    /* The modem failed, not the message: reconnected, and the attempt did not count. */
    assert_int_equal(gw_fake_opens(MODEM), 2);
    assert_int_equal(sql_int(f, "SELECT attempts FROM outbox WHERE recipient = '+15550000004' "
                                "AND state = 'sent'"),
                     1);
}

/* Operators +15550009999 (PIN 4821) and +15550008888 (PIN 1357). */
static void add_operator(struct fixture *f)
{
    f->c.noperators = 2;
    snprintf(f->c.operators[0].number, sizeof(f->c.operators[0].number), "+15550009999");
    snprintf(f->c.operators[0].pin, sizeof(f->c.operators[0].pin), "4821");
    snprintf(f->c.operators[1].number, sizeof(f->c.operators[1].number), "+15550008888");
    snprintf(f->c.operators[1].pin, sizeof(f->c.operators[1].pin), "1357");
}

/* ALERT <PIN> then YES <code> from the operator; returns once the confirmation came back. */
static void operator_alert(struct fixture *f, const char *text, const char *audience)
{
    char reply[700], yes[32];
    const char *code;

    (void)f;
    ask("+15550009999", text, reply, sizeof(reply));
    assert_non_null(strstr(reply, audience));
    code = strstr(reply, "YES ");
    assert_non_null(code);
    snprintf(yes, sizeof(yes), "YES %.*s", (int)strspn(code + 4, "0123456789"), code + 4);
    ask("+15550009999", yes, reply, sizeof(reply));
    assert_non_null(strstr(reply, "Sent to"));
}

static void test_operator_alert_queues_broadcast(void **state)
{
    struct fixture *f = *state;
    struct gw_fake_part p[4];
    char reply[700];

    add_operator(f);
    start_daemon(f);
    ask("+639170000001", "JOIN PH", reply, sizeof(reply));
    operator_alert(f, "ALERT 4821 PH Typhoon: offices in Tacloban closed today", "1 people");
    wait_sent("+639170000001", 2);
    wait_settled(f);
    assert_int_equal(sent_to("+639170000001", p, 4), 2);
    assert_non_null(strstr(p[1].text, "Tacloban"));
    assert_int_equal(sql_int(f, "SELECT count(*) FROM outbox WHERE kind = 'broadcast' AND "
                                "recipient = '+639170000001' AND state = 'sent'"),
                     1);
    /* The PIN is never stored. */
    assert_int_equal(sql_int(f, "SELECT count(*) FROM inbox WHERE text LIKE '%4821%'"), 0);
}

/* The longest message the gateway makes is a broadcast: an operator's ALERT, itself a long SMS
 * in two parts, goes to a follower in numbered parts under one reference. */
static void test_long_message_in_parts(void **state)
{
    static const char part1[] = "ALERT 4821 PH Typhoon warning: every remittance office in "
                                "Tacloban and Ormoc is closed from today until further notice. ";
    static const char part2[] = "Cash pick-up resumes when power is back; mobile wallets still "
                                "work. Check the agent list before you send money home.";
    struct fixture *f = *state;
    struct gw_fake_part p[16];
    char reply[700], yes[32];
    const char *code;
    int n, i;

    add_operator(f);
    f->c.max_parts = 4;
    start_daemon(f);
    ask("+639170000001", "JOIN PH", reply, sizeof(reply));
    assert_int_equal(gw_fake_push_part(MODEM, "+15550009999", part2, 77, 2, 2), 0);
    assert_int_equal(gw_fake_push_part(MODEM, "+15550009999", part1, 77, 1, 2), 0);
    wait_sent("+15550009999", 1);
    assert_int_equal(sent_to("+15550009999", p, 16), 1);
    assert_non_null(code = strstr(p[0].text, "YES "));
    snprintf(yes, sizeof(yes), "YES %.*s", (int)strspn(code + 4, "0123456789"), code + 4);
    ask("+15550009999", yes, reply, sizeof(reply));
    assert_non_null(strstr(reply, "Sent to 1"));
    wait_sql(f,
             "SELECT count(*) FROM outbox WHERE recipient = '+639170000001' AND "
             "kind = 'broadcast' AND state = 'sent'",
             1);
    n = sent_to("+639170000001", p, 16) - 1; /* after the JOIN confirmation */
    assert_true(n >= 2);
    assert_int_equal(n, (int)sql_int(f, "SELECT parts FROM outbox WHERE recipient = "
                                        "'+639170000001' AND kind = 'broadcast'"));
    for (i = 1; i <= n; i++) {
        assert_int_equal(p[i].part, i);
        assert_int_equal(p[i].parts, n);
        assert_int_equal(p[i].concat_ref, p[1].concat_ref);
    }
    assert_non_null(strstr(p[1].text, "Tacloban"));
}

static void test_stop_then_broadcast(void **state)
{
    struct fixture *f = *state;
    struct gw_fake_part p[8];
    char reply[700];

    add_operator(f);
    start_daemon(f);
    ask("+639170000001", "JOIN PH", reply, sizeof(reply));
    ask("+639170000002", "JOIN PH", reply, sizeof(reply));
    ask("+639170000002", "STOP", reply, sizeof(reply));
    assert_non_null(strstr(reply, "no more messages"));
    operator_alert(f, "ALERT 4821 PH Offices closed on Monday", "1 people");
    wait_sent("+639170000001", 2);
    /* A question after STOP is not answered either. */
    assert_int_equal(gw_fake_push(MODEM, "+639170000002", "FEE USA PHL"), 0);
    wait_settled(f);
    assert_int_equal(sent_to("+639170000002", p, 8), 2);
    assert_non_null(strstr(p[1].text, "no more messages"));
    assert_int_equal(sql_int(f, "SELECT count(*) FROM outbox WHERE recipient = '+639170000002' "
                                "AND state = 'sent' AND kind = 'stop'"),
                     1);
}

/* Delivery reports (#17) on the modem path: a broadcast part asks for one and is recorded under
 * the reference the modem returned; a reply does not (delivery_reports = "broadcasts"); a GSM
 * status report read later (gw_delivery_gsm, what the Gammu modem calls) settles the message. */
static void test_broadcast_delivery_reports(void **state)
{
    struct fixture *f = *state;
    struct gw_fake_part p[8];
    char reply[700], why[160];
    db *d;

    f->c.modems[0].reports = CONF_DLR_BROADCASTS;
    add_operator(f);
    start_daemon(f);
    ask("+639170000001", "JOIN PH", reply, sizeof(reply));
    ask("+639170000002", "JOIN PH", reply, sizeof(reply));
    operator_alert(f, "ALERT 4821 PH Offices closed on Monday", "2 people");
    wait_sent("+639170000001", 2);
    wait_sent("+639170000002", 2);
    wait_settled(f);
    assert_int_equal(sent_to("+639170000001", p, 8), 2);
    assert_int_equal(p[0].ref, -1); /* the reply to JOIN asked for nothing */
    assert_true(p[1].ref >= 0);
    wait_sql(f, "SELECT count(*) FROM delivery WHERE state = 'pending'", 2);
    /* The modem reads status reports from the SIM like SMS (gw_in_sms.report): recorded,
     * then deleted; none is taken for a question. */
    assert_int_equal(gw_fake_push_report(MODEM, p[1].ref, 0x00), 0);
    wait_sql(f, "SELECT count(*) FROM delivery WHERE state = 'delivered'", 1);
    assert_int_equal(sent_to("+639170000002", p, 8), 2);
    assert_int_equal(gw_fake_push_report(MODEM, p[1].ref, 0x46), 0);
    /* The same report read twice (the SIM was not cleared before a crash): nothing changes. */
    assert_int_equal(gw_fake_push_report(MODEM, p[1].ref, 0x00), 0);
    /* One for a part never sent is kept, waiting for its part. */
    assert_int_equal(gw_fake_push_report(MODEM, (p[1].ref + 100) % 256, 0x00), 0);
    wait_sql(f, "SELECT count(*) FROM delivery_report", 4);
    wait_settled(f);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM inbox WHERE sender = '+10000000000'"), 0);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM delivery_report WHERE outcome = 'duplicate'"),
                     1);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM delivery_report WHERE outcome = 'waiting'"),
                     1);
    d = db_open(f->c.database);
    assert_non_null(d);
    /* What the Gammu modem's read path calls, directly: the same answer. */
    assert_int_equal(gw_delivery_gsm(d, &f->c.modems[0], p[1].ref, 0x46, 0, time(NULL)), 0);
    db_close(d);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM outbox WHERE kind = 'broadcast' AND "
                                "delivery = 'delivered' AND recipient = '+639170000001'"),
                     1);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM delivery WHERE state = 'failed' AND reason "
                                "LIKE 'expired: the phone stayed off%'"),
                     1);
    /* TP-ST in plain words: final or not. */
    assert_int_equal(gw_delivery_gsm_status(0x62, why, sizeof(why)), DB_DLR_FAILED);
    assert_string_equal(why, "the phone did not answer (off or out of reach)");
    assert_int_equal(gw_delivery_gsm_status(0x22, why, sizeof(why)), DB_DLR_ACCEPTED);
    assert_int_equal(gw_delivery_gsm_status(0x01, why, sizeof(why)), DB_DLR_DELIVERED);
}

static void test_alphanumeric_sender_ignored(void **state)
{
    struct fixture *f = *state;
    struct gw_fake_part p[4];
    char reply[700];

    start_daemon(f);
    assert_int_equal(gw_fake_push(MODEM, "MYBANK", "Your OTP is 1234. FEE"), 0);
    /* A person's question after it proves the bank's message was read and passed over. */
    ask("+15550000005", "FEE USA MEX", reply, sizeof(reply));
    wait_settled(f);
    assert_int_equal(sent_to("MYBANK", p, 4), 0);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM inbox WHERE sender = 'MYBANK' AND state = "
                                "'ignored'"),
                     1);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM outbox WHERE recipient = 'MYBANK'"), 0);
}

static void test_hourly_cap_notice_then_silence(void **state)
{
    struct fixture *f = *state;
    struct gw_fake_part p[8];
    char reply[700];
    int i;

    f->c.max_replies_hour = 2;
    start_daemon(f);
    /* Distinct texts: the same text from the same number in the same second is one SMS read
     * twice, which the inbox keeps once. */
    ask("+15550000006", "FEE USA MEX 100", reply, sizeof(reply));
    ask("+15550000006", "FEE USA MEX 200", reply, sizeof(reply));
    ask("+15550000006", "FEE USA MEX 300", reply, sizeof(reply)); /* the notice */
    for (i = 4; i <= 6; i++) {
        char text[32];
        snprintf(text, sizeof(text), "FEE USA MEX %d00", i);
        assert_int_equal(gw_fake_push(MODEM, "+15550000006", text), 0);
    }
    wait_settled(f);
    assert_int_equal(sent_to("+15550000006", p, 8), 3);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM outbox WHERE recipient = '+15550000006' "
                                "AND kind = 'notice'"),
                     1);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM inbox WHERE sender = '+15550000006'"), 6);
}

/* A question in two parts, read in the wrong order, is one message with one answer. */
static void test_concatenated_question_answered_once(void **state)
{
    struct fixture *f = *state;
    struct gw_fake_part p[4];

    start_daemon(f);
    assert_int_equal(gw_fake_push_part(MODEM, "+15550000007", "MEX 200", 12, 2, 2), 0);
    assert_int_equal(gw_fake_push_part(MODEM, "+15550000007", "FEE USA ", 12, 1, 2), 0);
    wait_sent("+15550000007", 1);
    wait_settled(f);
    assert_int_equal(sent_to("+15550000007", p, 4), 1);
    assert_non_null(strstr(p[0].text, "Mexico"));
    assert_int_equal(sql_int(f, "SELECT count(*) FROM inbox WHERE sender = '+15550000007' AND "
                                "parts = 2 AND state = 'answered'"),
                     1);
}

/* A listed number still needs its PIN: three wrong ones lock it out, even with the right PIN
 * after; a confirmation code is bound to the number that asked for it. Nothing is queued. */
static void test_operator_pin_and_code_guarded(void **state)
{
    struct fixture *f = *state;
    char reply[700], yes[32];
    const char *code;
    int i;

    add_operator(f);
    start_daemon(f);
    ask("+639170000001", "JOIN PH", reply, sizeof(reply));
    ask("+15550009999", "ALERT 4821 PH Offices closed", reply, sizeof(reply));
    assert_non_null(code = strstr(reply, "YES "));
    snprintf(yes, sizeof(yes), "YES %.*s", (int)strspn(code + 4, "0123456789"), code + 4);
    ask("+15550008888", yes, reply, sizeof(reply)); /* the other operator */
    assert_non_null(strstr(reply, "No alert waits"));
    /* That wrong code was its first of three tries: two wrong PINs more lock it. */
    for (i = 1; i <= 2; i++) {
        char text[64];
        snprintf(text, sizeof(text), "ALERT 0000 PH wrong pin %d", i);
        ask("+15550008888", text, reply, sizeof(reply));
    }
    assert_non_null(strstr(reply, "is now locked for 60 min"));
    ask("+15550008888", "ALERT 1357 PH now the right pin", reply, sizeof(reply));
    assert_non_null(strstr(reply, "more min after 3 wrong"));
    wait_settled(f);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM outbox WHERE kind = 'broadcast'"), 0);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM inbox WHERE text LIKE '%4821%' OR text "
                                "LIKE '%1357%' OR text LIKE '%0000%'"),
                     0);
}

/* Another machine answering each of our answers within seconds: muted, then silence. */
/* Two modems read into one inbox: each message is claimed by one thread, in the transaction
 * that answers it, so an operator's 40 ALERTs make 40 PIN checks and 40 pending alerts, and
 * each gets exactly one reply, whichever modem read it. */
static void test_two_modems_one_answer_each(void **state)
{
    struct fixture *f = *state;
    char text[64];
    int i;

    add_operator(f);
    f->c.nmodems = 2;
    f->c.modems[1] = f->c.modems[0];
    snprintf(f->c.modems[1].name, sizeof(f->c.modems[1].name), "sim2");
    start_daemon(f);
    for (i = 0; i < 40; i++) {
        snprintf(text, sizeof(text), "ALERT 4821 PH Typhoon bulletin %d", i);
        assert_int_equal(gw_fake_push(i % 2 ? "sim2" : MODEM, "+15550009999", text), 0);
    }
    wait_sql(f, "SELECT count(*) FROM inbox WHERE state != 'received'", 40);
    wait_settled(f);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM pin_attempt"), 40);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM alert_pending"), 40);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM outbox"), 40);
    assert_int_equal(sql_int(f, "SELECT count(DISTINCT inbox_id) FROM outbox"), 40);
}

static void test_auto_responder_muted(void **state)
{
    struct fixture *f = *state;
    struct gw_fake_part p[16];
    int i, replies;

    f->c.loop_guard = 1;
    start_daemon(f);
    for (i = 1; i <= 6; i++) {
        char text[48];
        int before = sent_to("+15550000008", p, 16);
        snprintf(text, sizeof(text), "FEE USA MEX %d", 100 + i);
        assert_int_equal(gw_fake_push(MODEM, "+15550000008", text), 0);
        wait_settled(f);
        if (sent_to("+15550000008", p, 16) == before)
            break; /* silence: the guard took over */
    }
    replies = sent_to("+15550000008", p, 16);
    assert_true(i <= 6);
    assert_true(replies < 6);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM muted"), 1);
    /* Muted means silent, whatever it sends next. */
    assert_int_equal(gw_fake_push(MODEM, "+15550000008", "HELP"), 0);
    wait_settled(f);
    assert_int_equal(sent_to("+15550000008", p, 16), replies);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_question_answered_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_send_failure_retried, setup, teardown),
        cmocka_unit_test_setup_teardown(test_device_error_releases, setup, teardown),
        cmocka_unit_test_setup_teardown(test_operator_alert_queues_broadcast, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_message_in_parts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stop_then_broadcast, setup, teardown),
        cmocka_unit_test_setup_teardown(test_broadcast_delivery_reports, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alphanumeric_sender_ignored, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hourly_cap_notice_then_silence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concatenated_question_answered_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_operator_pin_and_code_guarded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_modems_one_answer_each, setup, teardown),
        cmocka_unit_test_setup_teardown(test_auto_responder_muted, setup, teardown),
    };

    log_init(LOG_LEVEL_WARN);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
