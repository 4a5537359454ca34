/*
 * The answer service (gateway/answer.h) on an in-memory database: what each way of handing it a
 * text leaves behind, that a dry run leaves nothing, that a repeat is answered once, that the
 * guards and consent are applied whatever the door, and that a new configuration snapshot or a
 * content import reaches a context before its next answer.
 */
#include "testutil.h"

#include <pthread.h>

#include "db/conv.h"
#include "db/guards.h"
#include "db/internal.h" /* to count rows */
#include "gateway/answer.h"
#include "gateway/live.h"

struct fx {
    db *d;
    gw_live *live;
    gw_ctx *ctx;
    struct conf c;
    struct gw_result r;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));

    assert_non_null(f);
    f->d = test_world_db();
    conf_defaults(&f->c);
    f->c.loop_guard = 0;
    assert_non_null(f->live = gw_live_new(&f->c));
    assert_non_null(f->ctx = gw_ctx_open(f->live, f->d));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    gw_ctx_close(f->ctx);
    gw_live_free(f->live);
    db_close(f->d);
    free(f);
    return 0;
}

static long long count(struct fx *f, const char *sql)
{
    sqlite3_stmt *s = NULL;
    long long n = -1;

    assert_int_equal(sqlite3_prepare_v2(f->d->conn, sql, -1, &s, NULL), SQLITE_OK);
    if (sqlite3_step(s) == SQLITE_ROW)
        n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return n;
}

static void say(struct fx *f, const char *door, enum gw_reply_to to, const char *from,
                const char *text, int64_t now)
{
    struct gw_inbound in = {.door = door, .sender = from, .text = text, .reply_to = to};

    assert_int_equal(gw_answer_text(f->ctx, &in, now, &f->r), 1);
}

static void test_through_records_both(void **state)
{
    struct fx *f = *state;

    say(f, "kannel", GW_REPLY_THROUGH, "+639170000001", "FEE USA PHL 200", 1000);
    assert_false(f->r.silent);
    assert_string_equal(f->r.result, "answered");
    assert_non_null(strstr(f->r.text, "Alpha Remit"));
    assert_int_equal(count(f, "SELECT count(*) FROM inbox WHERE modem = 'kannel' AND "
                              "state = 'answered' AND intent = 'fee'"),
                     1);
    assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE modem = 'kannel' AND "
                              "state = 'sent'"),
                     1);
    assert_int_equal(count(f, "SELECT sum(queries) FROM demand WHERE keyword = 'fee'"), 1);
}

static void test_queue_leaves_reply_for_modems(void **state)
{
    struct fx *f = *state;

    say(f, "ussd", GW_REPLY_QUEUE, "+639170000001", "RATE USD PHP", 1000);
    assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE state = 'queued' AND "
                              "modem IS NULL AND inbox_id IS NOT NULL"),
                     1);
}

static void test_dry_leaves_nothing(void **state)
{
    struct fx *f = *state;

    say(f, "ask", GW_REPLY_DRY, "+639170000001", "LANG FR", 1000);
    assert_non_null(strstr(f->r.text, "fran"));
    say(f, "ask", GW_REPLY_DRY, "+639170000001", "JOIN PH", 1001);
    assert_string_equal(f->r.consent, "join");
    assert_int_equal(count(f, "SELECT count(*) FROM inbox"), 0);
    assert_int_equal(count(f, "SELECT count(*) FROM outbox"), 0);
    assert_int_equal(count(f, "SELECT count(*) FROM conversation"), 0);
    assert_int_equal(count(f, "SELECT count(*) FROM consent"), 0);
    assert_int_equal(count(f, "SELECT count(*) FROM demand"), 0);
}

static void test_repeat_answered_once(void **state)
{
    struct fx *f = *state;
    char first[HANDLER_REPLY_MAX];

    say(f, "kannel", GW_REPLY_THROUGH, "+639170000001", "JOIN PH", 1000);
    snprintf(first, sizeof(first), "%s", f->r.text);
    say(f, "kannel", GW_REPLY_THROUGH, "+639170000001", "JOIN PH", 1000);
    assert_true(f->r.duplicate);
    assert_string_equal(f->r.text, first);
    assert_int_equal(count(f, "SELECT count(*) FROM consent"), 1);
    assert_int_equal(count(f, "SELECT count(*) FROM outbox"), 1);
    /* Through another door in the same second it is another message (an operator trying with
     * ask --from what the phone just got), answered as such. */
    say(f, "ask", GW_REPLY_DRY, "+639170000001", "JOIN PH", 1000);
    assert_false(f->r.duplicate);
    assert_string_equal(f->r.consent, "join");
}

static void test_stop_kept_and_silence_after(void **state)
{
    struct fx *f = *state;

    say(f, "kannel", GW_REPLY_THROUGH, "+639170000001", "JOIN PH", 1000);
    say(f, "kannel", GW_REPLY_THROUGH, "+639170000001", "STOP", 1001);
    assert_string_equal(f->r.consent, "stop");
    assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE kind = 'stop'"), 1);
    assert_int_equal(count(f, "SELECT count(*) FROM subscription"), 0);
    say(f, "kannel", GW_REPLY_THROUGH, "+639170000001", "FEE USA PHL", 1002);
    assert_true(f->r.silent);
    assert_string_equal(f->r.text, "");
    assert_int_equal(count(f, "SELECT count(*) FROM inbox WHERE state = 'ignored'"), 1);
}

static void test_guards_apply_to_every_door(void **state)
{
    struct fx *f = *state;
    int i;

    say(f, "kannel", GW_REPLY_THROUGH, "MyBank", "Your code is 1234", 1000);
    assert_true(f->r.silent);
    assert_string_equal(f->r.result, "guard");
    assert_string_equal(f->r.why, "alphanumeric sender id");
    /* The hourly cap (10): ten answers, one notice, then silence. */
    for (i = 0; i < 12; i++) {
        char text[32];
        snprintf(text, sizeof(text), "FEE USA PHL %d", 100 + i);
        say(f, "kannel", GW_REPLY_THROUGH, "+639170000002", text, 2000 + i);
        if (i < 10)
            assert_string_equal(f->r.result, "answered");
        else if (i == 10) {
            assert_string_equal(f->r.result, "notice");
            /* The hour's window, not "tomorrow": answered again when 2001's answer is an hour
             * old (the notice itself counts). */
            assert_non_null(strstr(f->r.text, "try again in 60 min."));
        } else
            assert_true(f->r.silent);
    }
    assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE kind = 'notice'"), 1);
}

/* At the day's cap the notice says the day's wait, in the sender's language. */
static void test_limit_notice_says_the_window(void **state)
{
    struct fx *f = *state;

    f->c.max_replies_day = 2;
    assert_int_equal(gw_live_set(f->live, &f->c), 0);
    say(f, "kannel", GW_REPLY_THROUGH, "+639170000005", "HELP", 1000);
    say(f, "kannel", GW_REPLY_THROUGH, "+639170000005", "AIDE", 1001);
    say(f, "kannel", GW_REPLY_THROUGH, "+639170000005", "TAUX EURO DOLLAR", 1002);
    assert_string_equal(f->r.result, "notice");
    assert_string_equal(f->r.lang, "fr");
    assert_non_null(strstr(f->r.text, "Réessayez dans 24 h."));
    assert_int_equal(db_cap_until(f->d, "+639170000005", 1003, 10, 2, 0), 1001 + 86401);
}

static void test_silenced_message_changes_no_conversation(void **state)
{
    struct fx *f = *state;

    f->c.max_replies_hour = 1;
    assert_int_equal(gw_live_set(f->live, &f->c), 0);
    say(f, "kannel", GW_REPLY_THROUGH, "+639170000003", "HELP", 1000);
    say(f, "kannel", GW_REPLY_THROUGH, "+639170000003", "HELP", 1001); /* the notice */
    say(f, "kannel", GW_REPLY_THROUGH, "+639170000003", "LANG FR", 1002);
    assert_true(f->r.silent);
    assert_int_equal(count(f, "SELECT count(*) FROM conversation WHERE lang = 'fr'"), 0);
}

static void test_new_snapshot_reaches_context(void **state)
{
    struct fx *f = *state;

    say(f, "ask", GW_REPLY_DRY, "+15550100", "xyzzy", 1000);
    assert_string_equal(f->r.lang, "en");
    snprintf(f->c.default_lang, sizeof(f->c.default_lang), "fr");
    assert_int_equal(gw_live_set(f->live, &f->c), 0);
    say(f, "ask", GW_REPLY_DRY, "+15550100", "xyzzy", 1001);
    assert_string_equal(f->r.lang, "fr");
}

static void test_import_reaches_context(void **state)
{
    struct fx *f = *state;
    static const char *const extra[] = {RL_FIXTURES "/content/choice.conf"};
    struct conf_errs errs;
    struct import_stats st;
    int64_t g0, g1;

    say(f, "ask", GW_REPLY_DRY, "+14155550100", "FEE USA CONGO 100", 1000);
    assert_null(strstr(f->r.text, "1="));
    assert_int_equal(db_content_generation(f->d, &g0), 0);
    conf_errs_init(&errs);
    assert_int_equal(conf_import(f->d, extra, 1, CONF_FORMAT_UNKNOWN, 0, &errs, &st), 0);
    conf_errs_free(&errs);
    assert_int_equal(db_content_generation(f->d, &g1), 0);
    assert_true(g1 > g0);
    /* The same context, with no reopening by the caller: the new content answers. */
    say(f, "ask", GW_REPLY_DRY, "+14155550100", "FEE USA CONGO 100", 1001);
    assert_non_null(strstr(f->r.text, "1="));
}

static void test_claim_takes_each_message_once(void **state)
{
    struct fx *f = *state;
    struct db_in_sms m = {"sim1", "+639170000004", "HELP", "gsm7", 900, 900, -1, 1, 1};

    assert_int_equal(db_inbox_store(f->d, &m), 1);
    assert_int_equal(gw_answer_next(f->ctx, &f->r), 1);
    assert_string_equal(f->r.intent, "help");
    assert_int_equal(gw_answer_next(f->ctx, &f->r), 0);
    assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE state = 'queued'"), 1);
}

/* What is no question is kept and never answered: a binary SMS (a WAP push), a sender longer than
 * E.164 allows, even one that says STOP; two long senders stay two numbers. */
static void test_binary_and_impossible_numbers_kept_unanswered(void **state)
{
    struct fx *f = *state;
    static const char wap[] = "0605040b8423f0dc0601ae"; /* the WAP push header, as hex */
    char n50[52], n30[32];
    struct db_in_sms m = {"sim1", "+639170000005", wap, "8bit", 900, 900, -1, 1, 1};

    assert_int_equal(db_inbox_store(f->d, &m), 1);
    assert_int_equal(gw_answer_next(f->ctx, &f->r), 1);
    assert_true(f->r.silent);
    assert_string_equal(f->r.result, "guard");
    assert_string_equal(f->r.why, "binary (8-bit) SMS");
    assert_int_equal(count(f, "SELECT count(*) FROM inbox WHERE coding = '8bit' AND text = "
                              "'0605040b8423f0dc0601ae' AND state = 'ignored'"),
                     1);
    {
        /* A door that says it is binary (Kannel's coding=1). */
        struct gw_inbound in = {.door = "kannel",
                                .sender = "+639170000006",
                                .text = "48454c50", /* "HELP" as bytes: still no question */
                                .coding = "8bit",
                                .reply_to = GW_REPLY_THROUGH};
        assert_int_equal(gw_answer_text(f->ctx, &in, 950, &f->r), 1);
        assert_true(f->r.silent);
        assert_string_equal(f->r.why, "binary (8-bit) SMS");
    }
    n50[0] = n30[0] = '+';
    memset(n50 + 1, '4', 50);
    n50[51] = '\0';
    memset(n30 + 1, '4', 30);
    n30[31] = '\0';
    say(f, "kannel", GW_REPLY_THROUGH, n50, "FEE USA PHL", 1000);
    assert_true(f->r.silent);
    assert_string_equal(f->r.why, "number longer than E.164 allows");
    say(f, "kannel", GW_REPLY_THROUGH, n30, "STOP", 1000);
    assert_true(f->r.silent);
    assert_string_equal(f->r.why, "number longer than E.164 allows");
    assert_int_equal(count(f, "SELECT count(DISTINCT sender) FROM inbox WHERE length(sender) "
                              "IN (31, 51)"),
                     2);
    assert_int_equal(count(f, "SELECT count(*) FROM outbox"), 0);
    assert_int_equal(count(f, "SELECT count(*) FROM consent"), 0);
    /* Fifteen digits is a number: answered. */
    say(f, "kannel", GW_REPLY_THROUGH, "+639170000000123", "FEE USA PHL", 1000);
    assert_string_equal(f->r.result, "answered");
}

static void add_operator(struct fx *f)
{
    snprintf(f->c.operators[0].number, sizeof(f->c.operators[0].number), "+15550009999");
    snprintf(f->c.operators[0].pin, sizeof(f->c.operators[0].pin), "4821");
    f->c.noperators = 1;
    assert_int_equal(gw_live_set(f->live, &f->c), 0);
}

/* Rows anywhere that still hold the PIN 4821 (or the wrong 0000). */
static long long pins_kept(struct fx *f)
{
    return count(f, "SELECT (SELECT count(*) FROM inbox WHERE text LIKE '%4821%' OR text LIKE "
                    "'%0000%' OR dedup LIKE '%4821%') + (SELECT count(*) FROM inbox_part WHERE "
                    "text LIKE '%4821%' OR text LIKE '%0000%') + (SELECT count(*) FROM consent "
                    "WHERE text LIKE '%4821%') + (SELECT count(*) FROM alert_pending WHERE text "
                    "LIKE '%4821%')");
}

/* The PIN is kept nowhere, whatever the door and whoever sends it: an operator, a number not on
 * the list (ALERTS is a JOIN word, so its text would be kept in consent), Kannel's sender
 * written without '+', a locked-out operator, or an ALERT in two parts read by a modem. */
static void test_pin_never_kept(void **state)
{
    struct fx *f = *state;
    struct db_in_sms p1 = {"sim1", "+15550009999", "ALERT 48", "gsm7", 900, 900, 7, 2, 1};
    struct db_in_sms p2 = {"sim1", "+15550009999", "21 PH Offices closed", "gsm7", 900, 901, 7, 2,
                           2};
    struct db_in_sms p3 = {"sim1", "+15550009999", "ALERT 4821 PH Typh", "gsm7", 950, 950, 8, 2, 1};
    struct db_in_sms p4 = {"sim1", "+15550009999", "oon: offices closed", "gsm7", 950, 951, 8, 2,
                           2};
    int i;

    add_operator(f);
    say(f, "kannel", GW_REPLY_THROUGH, "+15550009999", "ALERT 4821 PH Typhoon", 1000);
    assert_non_null(strstr(f->r.text, "YES "));
    say(f, "kannel", GW_REPLY_THROUGH, "15550009999", "ALERT 4821 PH Typhoon", 1001);
    say(f, "kannel", GW_REPLY_THROUGH, "+639170000001", "alerts 4821 PH Typhoon", 1002);
    say(f, "kannel", GW_REPLY_THROUGH, "+639170000001", "ALERT 4821 PH Typhoon", 1003);
    assert_true(count(f, "SELECT count(*) FROM consent WHERE text LIKE 'ALERT% **** PH Typhoon'") >=
                1);
    for (i = 0; i < 4; i++) /* three wrong, then locked out with the right one */
        say(f, "ussd", GW_REPLY_QUEUE, "+15550009999",
            i < 3 ? "ALERT 0000 PH x" : "ALERT 4821 PH x", 1010 + i);
    assert_non_null(strstr(f->r.text, "Locked"));
    /* In two parts split inside the PIN, and in two parts with it whole in the first. */
    assert_int_equal(db_inbox_store(f->d, &p1), 1);
    assert_int_equal(db_inbox_store(f->d, &p2), 1);
    assert_int_equal(db_inbox_store(f->d, &p3), 1);
    assert_int_equal(db_inbox_store(f->d, &p4), 1);
    assert_int_equal(gw_answer_next(f->ctx, &f->r), 1);
    assert_int_equal(gw_answer_next(f->ctx, &f->r), 1);
    assert_int_equal(count(f, "SELECT count(*) FROM inbox WHERE text LIKE 'ALERT% ****%'"), 10);
    assert_int_equal(pins_kept(f), 0);
}

/* A wrong YES code counts as a wrong PIN: six guesses do not get to the right one. */
static void test_yes_code_guesses_locked(void **state)
{
    struct fx *f = *state;
    char yes[32], guess[32];
    const char *code;
    int i;

    add_operator(f);
    say(f, "kannel", GW_REPLY_THROUGH, "+639170000001", "JOIN PH", 900);
    say(f, "kannel", GW_REPLY_THROUGH, "+15550009999", "ALERT 4821 PH Typhoon", 1000);
    assert_non_null(code = strstr(f->r.text, "YES "));
    snprintf(yes, sizeof(yes), "YES %.4s", code + 4);
    for (i = 0; i < 6; i++) {
        snprintf(guess, sizeof(guess), "YES %04d",
                 (int)((strtol(code + 4, NULL, 10) + 1 + i) % 10000));
        say(f, "kannel", GW_REPLY_THROUGH, "+15550009999", guess, 1001 + i);
        if (i < 2)
            assert_non_null(strstr(f->r.text, "No alert waits"));
        else if (i == 2)
            assert_non_null(strstr(f->r.text, "is now locked for 60 min"));
        else
            assert_non_null(strstr(f->r.text, "more min after 3 wrong"));
    }
    say(f, "kannel", GW_REPLY_THROUGH, "+15550009999", yes, 1010);
    /* An hour from the first of the three wrong codes (1001), not from now. */
    assert_non_null(strstr(f->r.text, "Locked for 60 more min after 3 wrong"));
    say(f, "kannel", GW_REPLY_THROUGH, "+15550009999", yes, 1003 + 1800);
    assert_non_null(strstr(f->r.text, "Locked for 30 more min after 3 wrong"));
    assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE kind = 'broadcast'"), 0);
    assert_int_equal(count(f, "SELECT count(*) FROM pin_attempt WHERE ok = 0"), 3);
}

/* Under quiet hours YES does not say "sent": the alert waits, and the reply says until when. */
static void test_yes_under_quiet_hours(void **state)
{
    struct fx *f = *state;
    char yes[32];
    const char *code;

    snprintf(f->c.quiet_hours, sizeof(f->c.quiet_hours), "00:00-23:59");
    add_operator(f);
    say(f, "kannel", GW_REPLY_THROUGH, "+639170000001", "JOIN PH", 900);
    say(f, "kannel", GW_REPLY_THROUGH, "+15550009999", "ALERT 4821 PH Typhoon", 1000);
    assert_non_null(code = strstr(f->r.text, "YES "));
    snprintf(yes, sizeof(yes), "YES %.4s", code + 4);
    say(f, "kannel", GW_REPLY_THROUGH, "+15550009999", yes, 1001);
    assert_null(strstr(f->r.text, "Sent"));
    assert_non_null(
        strstr(f->r.text, "Queued for 1 person; held by quiet hours, it goes at 23:59"));
}

/* A snapshot stays valid for its reader while newer ones are published and freed. */
static void test_live_snapshots_counted(void **state)
{
    struct fx *f = *state;
    const struct conf *held;
    unsigned v0, v1;

    held = gw_live_acquire(f->live, &v0);
    f->c.max_parts = 2;
    assert_int_equal(gw_live_set(f->live, &f->c), 0);
    f->c.max_parts = 1;
    assert_int_equal(gw_live_set(f->live, &f->c), 0);
    assert_int_equal(held->max_parts, 3);
    gw_live_release(f->live, held);
    held = gw_live_acquire(f->live, &v1);
    assert_int_equal(v1, v0 + 2);
    assert_int_equal(held->max_parts, 1);
    gw_live_release(f->live, held);
}

/* Group commit: callers in many threads, each answered once, every answer kept. */
struct caller {
    gw_batch *b;
    int id, ok;
};

static void *caller_main(void *arg)
{
    struct caller *k = arg;
    struct gw_result *r = malloc(sizeof(*r));
    char from[32];
    int i;

    for (i = 0; i < 20 && r != NULL; i++) {
        struct gw_inbound in = {.door = "kannel",
                                .sender = from,
                                .text = i % 2 ? "RATE USD PHP" : "FEE USA PHL 200",
                                .reply_to = GW_REPLY_THROUGH};
        snprintf(from, sizeof(from), "+6391700%02d%03d", k->id, i);
        if (gw_batch_answer(k->b, &in, 5000 + i, r) == 1 && !r->silent && r->text[0] != '\0')
            k->ok++;
    }
    free(r);
    return NULL;
}

static void test_group_commit(void **state)
{
    static const char *const paths[] = {TEST_LANGS, TEST_WORLD};
    struct fx *f = *state;
    struct caller k[8];
    pthread_t t[8];
    struct conf_errs errs;
    struct import_stats st;
    char path[64];
    gw_batch *b;
    db *d;
    int i;

    snprintf(path, sizeof(path), "/tmp/remitline-test-batch-%ld.db", (long)getpid());
    unlink(path);
    assert_non_null(d = db_open(path));
    conf_errs_init(&errs);
    assert_int_equal(conf_import(d, paths, (int)(sizeof(paths) / sizeof(paths[0])),
                                 CONF_FORMAT_UNKNOWN, 0, &errs, &st),
                     0);
    conf_errs_free(&errs);
    assert_non_null(b = gw_batch_start(f->live, path));
    for (i = 0; i < 8; i++) {
        k[i] = (struct caller){b, i, 0};
        assert_int_equal(pthread_create(&t[i], NULL, caller_main, &k[i]), 0);
    }
    for (i = 0; i < 8; i++) {
        assert_int_equal(pthread_join(t[i], NULL), 0);
        assert_int_equal(k[i].ok, 20);
    }
    gw_batch_stop(b);
    gw_ctx_close(f->ctx);
    f->ctx = NULL;
    db_close(f->d);
    f->d = d; /* count() looks at this one now; teardown closes it */
    assert_int_equal(count(f, "SELECT count(*) FROM inbox WHERE state = 'answered'"), 160);
    assert_int_equal(count(f, "SELECT count(DISTINCT inbox_id) FROM outbox WHERE state = 'sent'"),
                     160);
    assert_int_equal(count(f, "SELECT sum(queries) FROM demand"), 160);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_through_records_both, setup, teardown),
        cmocka_unit_test_setup_teardown(test_queue_leaves_reply_for_modems, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dry_leaves_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_repeat_answered_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stop_kept_and_silence_after, setup, teardown),
        cmocka_unit_test_setup_teardown(test_guards_apply_to_every_door, setup, teardown),
        cmocka_unit_test_setup_teardown(test_limit_notice_says_the_window, setup, teardown),
        cmocka_unit_test_setup_teardown(test_silenced_message_changes_no_conversation, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_new_snapshot_reaches_context, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_reaches_context, setup, teardown),
        cmocka_unit_test_setup_teardown(test_binary_and_impossible_numbers_kept_unanswered, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_claim_takes_each_message_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pin_never_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_yes_code_guesses_locked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_yes_under_quiet_hours, setup, teardown),
        cmocka_unit_test_setup_teardown(test_live_snapshots_counted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_group_commit, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
