/*
 * The guards (gateway/guard.h): conversations played through the answer service with their
 * timing (tests/fixtures/traces, see its README): people are never muted or capped under the
 * default settings, and auto-responders and gateways answering ours are stopped within the bound
 * README states; what is recorded when a message gets no answer; and the balance a SIM's USSD
 * answer gives, as operators in several countries write it.
 */
#include "testutil.h"

#include <glob.h>

#include "db/guards.h"
#include "db/internal.h" /* to read the inbox */
#include "gateway/answer.h"
#include "gateway/guard.h"
#include "gateway/live.h"

#define TRACE_T0 1767225600 /* 2026-01-01 00:00 UTC: when every trace starts */

struct world {
    db *d;
    gw_live *live;
    gw_ctx *ctx;
    struct conf c;
};

static void world_open(struct world *w)
{
    w->d = test_world_db();
    conf_defaults(&w->c);
    assert_non_null(w->live = gw_live_new(&w->c));
    assert_non_null(w->ctx = gw_ctx_open(w->live, w->d));
}

static void world_close(struct world *w)
{
    gw_ctx_close(w->ctx);
    gw_live_free(w->live);
    db_close(w->d);
}

/* Answers text from sender at now as a Kannel get-url (the reply recorded as sent at once, as
 * the fastest modem would) and says what the phone saw, in the traces' words. */
static const char *text_in(struct world *w, const char *sender, const char *text, int64_t now,
                           struct gw_result *r)
{
    struct gw_inbound in = {.door = "kannel",
                            .sender = sender,
                            .text = text,
                            .smsc_time = now,
                            .reply_to = GW_REPLY_THROUGH};
    int was_muted = db_muted(w->d, sender, now);

    assert_int_equal(gw_answer_text(w->ctx, &in, now, r), 1);
    if (!r->silent)
        return strcmp(r->result, "notice") == 0 ? "notice" : "answer";
    if (strcmp(r->result, "guard") != 0)
        return "silent";
    if (db_muted(w->d, sender, now) == 1)
        return was_muted ? "muted" : "mute";
    return "capped";
}

/* Plays one trace file; fails on the first line whose outcome is not the one written. */
static void play(const char *path)
{
    const char *name = strrchr(path, '/') + 1;
    int human = strncmp(name, "human-", 6) == 0, answers = 0, lines = 0, lineno = 0;
    const char *stop = NULL;
    struct world w;
    char line[512];
    FILE *fp = fopen(path, "r");

    assert_non_null(fp);
    assert_true(human || strncmp(name, "loop-", 5) == 0);
    world_open(&w);
    while (fgets(line, sizeof(line), fp) != NULL) {
        char *f[4], *p = line, *end;
        const char *got;
        struct gw_result r;
        long off;
        int nf;

        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '\0' || line[0] == '#')
            continue;
        for (nf = 0; nf < 4 && p != NULL; nf++) {
            f[nf] = p;
            if ((p = strchr(p, '\t')) != NULL)
                *p++ = '\0';
        }
        if (nf != 4)
            fail_msg("%s:%d: needs seconds, sender, text and outcome", name, lineno);
        off = strtol(f[0], &end, 10);
        if (end == f[0] || *end != '\0' || off < 0)
            fail_msg("%s:%d: seconds: %s", name, lineno, f[0]);
        if (human && strcmp(f[3], "answer") != 0)
            fail_msg("%s:%d: a person's message is always answered; this says %s", name, lineno,
                     f[3]);
        got = text_in(&w, f[1], f[2], TRACE_T0 + off, &r);
        lines++;
        if (strcmp(got, f[3]) != 0)
            fail_msg("%s:%d: \"%s\" at %lds: wanted %s, got %s%s%s", name, lineno, f[2], off, f[3],
                     got, r.why[0] ? ": " : "", r.why);
        if (strcmp(got, "answer") == 0 && stop == NULL)
            answers++;
        else if (stop == NULL)
            stop = f[3];
    }
    fclose(fp);
    assert_true(lines > 0);
    if (!human) {
        /* README's bound: a loop that answers within seconds is muted after at most
         * GW_LOOP_MAX_ANSWERS answers; a slower one that never repeats itself meets the cap. */
        if (stop == NULL)
            fail_msg("%s: the loop was never stopped", name);
        if (strcmp(stop, "mute") == 0 && answers > GW_LOOP_MAX_ANSWERS)
            fail_msg("%s: %d answers before the mute, README says at most %d", name, answers,
                     GW_LOOP_MAX_ANSWERS);
        if (strcmp(stop, "notice") == 0 && answers != w.c.max_replies_hour)
            fail_msg("%s: the notice after %d answers, not max_replies_hour", name, answers);
    }
    world_close(&w);
}

static void play_all(const char *prefix, int at_least)
{
    char pattern[256];
    glob_t g;
    size_t k;

    snprintf(pattern, sizeof(pattern), "%s/traces/%s-*.tsv", RL_FIXTURES, prefix);
    memset(&g, 0, sizeof(g));
    assert_int_equal(glob(pattern, 0, NULL, &g), 0);
    assert_true(g.gl_pathc >= (size_t)at_least);
    for (k = 0; k < g.gl_pathc; k++)
        play(g.gl_pathv[k]);
    globfree(&g);
}

static void test_people_never_muted_or_capped(void **state)
{
    (void)state;
    play_all("human", 5);
}

static void test_loops_stopped_within_the_bound(void **state)
{
    (void)state;
    play_all("loop", 4);
}

/* The reason a silent message was given, as recorded with it. */
static void reason_of(struct world *w, int64_t inbox_id, char *out, size_t outsz)
{
    sqlite3_stmt *s = NULL;

    assert_int_equal(sqlite3_prepare_v2(w->d->conn,
                                        "SELECT coalesce(reason, '') FROM inbox WHERE id = ?1", -1,
                                        &s, NULL),
                     SQLITE_OK);
    sqlite3_bind_int64(s, 1, inbox_id);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    snprintf(out, outsz, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
}

/* What `remitline phone` says when no reply comes: the reason recorded with the message. */
static void test_silence_says_why(void **state)
{
    struct world w;
    struct gw_result r;
    char why[160], said[400];
    int i;

    (void)state;
    world_open(&w);
    /* Answered: no reason. */
    assert_string_equal(text_in(&w, "+15550000301", "FEE USA PHL", TRACE_T0, &r), "answer");
    reason_of(&w, r.inbox_id, why, sizeof(why));
    assert_string_equal(why, "");
    /* A number that said STOP. */
    assert_string_equal(text_in(&w, "+15550000301", "STOP", TRACE_T0 + 60, &r), "answer");
    assert_string_equal(text_in(&w, "+15550000301", "FEE USA PHL", TRACE_T0 + 120, &r), "silent");
    reason_of(&w, r.inbox_id, why, sizeof(why));
    assert_string_equal(why, GW_WHY_STOPPED);
    assert_int_equal(
        gw_guard_explain(w.d, &w.c, "+15550000301", why, TRACE_T0 + 120, said, sizeof(said)), 0);
    assert_non_null(strstr(said, "said STOP"));
    /* An alphanumeric sender id. */
    assert_string_equal(text_in(&w, "MYBANK", "Your code is 1234", TRACE_T0, &r), "capped");
    reason_of(&w, r.inbox_id, why, sizeof(why));
    gw_guard_explain(w.d, &w.c, "MYBANK", why, TRACE_T0, said, sizeof(said));
    assert_non_null(strstr(said, "answer_alphanumeric"));
    /* A loop: muted, and until when. */
    for (i = 0; i < 4; i++)
        text_in(&w, "+15550000302", "Unknown keyword. Reply HELP.", TRACE_T0 + i, &r);
    assert_true(r.silent);
    reason_of(&w, r.inbox_id, why, sizeof(why));
    assert_true(why[0] != '\0');
    gw_guard_explain(w.d, &w.c, "+15550000302", why, TRACE_T0 + 10, said, sizeof(said));
    assert_non_null(strstr(said, "muted for looping until 2026-01-02 00:00 UTC"));
    assert_string_equal(text_in(&w, "+15550000302", "HELP", TRACE_T0 + 100, &r), "muted");
    reason_of(&w, r.inbox_id, why, sizeof(why));
    gw_guard_explain(w.d, &w.c, "+15550000302", why, TRACE_T0 + 100, said, sizeof(said));
    assert_non_null(strstr(said, "until 2026-01-02"));
    /* The limit of answers: the notice, then silence that names the settings. */
    for (i = 0; i < w.c.max_replies_hour; i++) {
        char q[32];
        snprintf(q, sizeof(q), "FEE USA PHL %d", 100 + 50 * i);
        assert_string_equal(text_in(&w, "+15550000303", q, TRACE_T0 + i * 60, &r), "answer");
    }
    assert_string_equal(text_in(&w, "+15550000303", "GUIDE PHL", TRACE_T0 + 700, &r), "notice");
    assert_string_equal(text_in(&w, "+15550000303", "GUIDE PHL", TRACE_T0 + 760, &r), "capped");
    reason_of(&w, r.inbox_id, why, sizeof(why));
    gw_guard_explain(w.d, &w.c, "+15550000303", why, TRACE_T0 + 760, said, sizeof(said));
    assert_non_null(strstr(said, "max_replies_hour = 10"));
    world_close(&w);
}

static void expect(const char *pattern, const char *reply, double want)
{
    double got = -1;

    if (gw_balance_read(pattern, reply, &got) != 0)
        fail_msg("no balance read in \"%s\"", reply);
    if (got < want - 1e-9 || got > want + 1e-9)
        fail_msg("\"%s\": read %f, wanted %f", reply, got, want);
}

static void test_default_pattern(void **state)
{
    (void)state;
    expect(NULL, "Your balance is 12.50 XOF, valid until 31/12/2026.", 12.5);
    expect(NULL, "Solde: 1 234,50 FCFA", 1234.5);
    expect("", "Bal: N1,234.56. Dial *556# to recharge", 1234.56);
    expect(NULL, "Saldo 1.234.567,89 GTQ", 1234567.89);
    expect(NULL, "Votre solde est de 1.500 FCFA", 1500);
    expect(NULL, "Remaining 12,345,678 units", 12345678);
    expect(NULL, "balance 0.500 KWD", 0.5);
    expect(NULL, "Credito 7,5", 7.5);
    expect(NULL, "Load balance: P35.00", 35);
}

/* What is no question: binary SMS and numbers longer than E.164's 15 digits. */
static void test_message_guard(void **state)
{
    const char *why;

    (void)state;
    assert_int_equal(gw_guard_message("+639170000001", "gsm7", &why), GW_GUARD_ANSWER);
    assert_int_equal(gw_guard_message("+639170000001", NULL, &why), GW_GUARD_ANSWER);
    assert_int_equal(gw_guard_message("+123456789012345", "ucs2", &why), GW_GUARD_ANSWER);
    assert_int_equal(gw_guard_message("+1234567890123456", "gsm7", &why), GW_GUARD_SILENT);
    assert_string_equal(why, "number longer than E.164 allows");
    assert_int_equal(gw_guard_message("1234567890123456", "gsm7", &why), GW_GUARD_SILENT);
    assert_int_equal(gw_guard_message("+639170000001", "8bit", &why), GW_GUARD_SILENT);
    assert_string_equal(why, "binary (8-bit) SMS");
    /* Sender ids are the other guards' to judge. */
    assert_int_equal(gw_guard_message("MyBank", "gsm7", &why), GW_GUARD_ANSWER);
}

static void test_operator_pattern(void **state)
{
    double got = 42;

    (void)state;
    /* The first number is a bonus; the operator's pattern takes the main account. */
    expect("Main: ([0-9., ]+)", "Bonus: 100. Main: 45,20 PHP", 45.2);
    expect(NULL, "Bonus: 100. Main: 45,20 PHP", 100);
    /* Nothing to read, or a pattern that does not compile: -1 and the amount untouched. */
    assert_int_equal(gw_balance_read(NULL, "Service unavailable, try later", &got), -1);
    assert_int_equal(gw_balance_read("(", "Balance 10", &got), -1);
    assert_int_equal(gw_balance_read("Main: ([0-9.,]*)", "Main: ., PHP", &got), -1);
    assert_true(got == 42);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_pattern),
        cmocka_unit_test(test_operator_pattern),
        cmocka_unit_test(test_message_guard),
        cmocka_unit_test(test_people_never_muted_or_capped),
        cmocka_unit_test(test_loops_stopped_within_the_bound),
        cmocka_unit_test(test_silence_says_why),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
