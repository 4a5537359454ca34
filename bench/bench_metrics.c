/*
 * bench_metrics: what a /metrics scrape, a /healthz check and a SIM's daily-budget check cost on
 * a database holding a million messages (90 days of a busy gateway), against the row-counting
 * queries they replaced (schema 8, run here in the same process on the same data), and what the
 * counting triggers add to the send loop.
 *
 * Usage: bench_metrics [MESSAGES]   (default 1,000,000, 7 s apart: 90 days; a file in /tmp)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db/guards.h"
#include "db/internal.h" /* to fill the tables in bulk and to run the old queries */
#include "db/queue.h"
#include "util/mono.h"

/* The schema 8 queries: a scan of every message at each scrape. */
static const char *const old_scrape[] = {
    "SELECT modem, coalesce(intent, ''), count(*) FROM inbox GROUP BY 1, 2",
    "SELECT coalesce(modem, ''), state, count(*), sum(attempts - (state = 'sent')) FROM outbox "
    "GROUP BY 1, 2",
    "SELECT sum(l <= 1), sum(l <= 5), sum(l <= 10), sum(l <= 30), sum(l <= 60), sum(l <= 300), "
    "sum(l <= 3600), count(*), coalesce(sum(l), 0) FROM (SELECT o.sent_at - i.received_at AS l "
    "FROM outbox o JOIN inbox i ON i.id = o.inbox_id WHERE o.state = 'sent')",
    "SELECT (SELECT count(*) FROM outbox o INDEXED BY outbox_next WHERE o.modem = 'sim0' AND "
    "o.state = 'sent' AND o.sent_at >= 0)",
};
/* The daily budget as schema 8 planned it: by state alone. */
static const char old_budget[] =
    "SELECT coalesce(sum(parts), 0) FROM outbox INDEXED BY "
    "outbox_next WHERE modem = ?1 AND state = 'sent' AND sent_at >= ?2";

/* The messages are 7 s apart (a million over 90 days); "today" is the last day of them. */
static int64_t today_start;

static double now_s(void)
{
    return mono_s();
}

static int run_sql(db *d, const char *sql)
{
    sqlite3_stmt *s = NULL;
    int rc;

    if (sqlite3_prepare_v2(d->conn, sql, -1, &s, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench_metrics: %s: %s\n", sql, sqlite3_errmsg(d->conn));
        return -1;
    }
    sqlite3_bind_text(s, 1, "sim0", -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, today_start);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        ;
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int count_cb(void *arg, const char *modem, const char *keyword, const char *what, long n)
{
    (void)modem;
    (void)keyword;
    (void)what;
    *(long *)arg += n;
    return 0;
}

static int report_cb(void *arg, const struct db_modem_report *r)
{
    (void)r;
    ++*(int *)arg;
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The new scrape: what GET /metrics and GET /healthz ask of the database. */
static int scrape(db *d)
{
    long in = 0, out = 0, counts[DB_LATENCY_BUCKETS], total, sum;
    int modems = 0;

    if (db_stats_inbox(d, count_cb, &in) < 0 || db_stats_outbox(d, count_cb, &out) < 0 ||
        db_reply_latency(d, counts, &total, &sum) < 0 ||
        db_modem_reports(d, -1, report_cb, &modems) < 0 || db_outbox_depth(d) < 0)
        return -1;
    return in > 0 && out > 0 ? 0 : -1;
}

/* Median milliseconds of runs of fn (or of the old queries when fn is NULL). */
static double median_ms(db *d, int runs, int (*fn)(db *), const char *const *sql, int nsql)
{
    double t[32];
    int r, i;

    for (r = 0; r < runs && r < 32; r++) {
        double t0 = now_s();
        if (fn != NULL && fn(d) < 0)
            return -1;
        for (i = 0; fn == NULL && i < nsql; i++)
            if (run_sql(d, sql[i]) < 0)
                return -1;
        t[r] = (now_s() - t0) * 1e3;
    }
    qsort(t, (size_t)r, sizeof(double), cmp_double);
    return t[r / 2];
}

static int budget(db *d)
{
    return db_parts_sent_since(d, "sim0", today_start) < 0 ? -1 : 0;
}

/* The send loop's bookkeeping for n replies (store, answer, claim, sent), in microseconds each. */
static double loop_us(db *d, int n, int64_t base)
{
    struct db_out_sms r = {NULL, "the answer", "gsm7", 1, DB_PRIORITY_REPLY, NULL};
    struct db_outbox_row o;
    struct db_inbox_row row;
    char number[32];
    double t0 = now_s();
    int i;

    for (i = 0; i < n; i++) {
        struct db_in_sms m = {"sim0", number, "HELP", "gsm7", base + i, base + i, -1, 1, 1};
        snprintf(number, sizeof(number), "+1555%07d", (int)(base % 1000000) + i);
        r.recipient = number;
        if (db_inbox_store(d, &m) != 1 || db_begin(d) < 0 ||
            db_inbox_claim(d, base + i, &row) != 1 ||
            db_inbox_finish(d, row.id, 1, "en", "help", base + i) != 1 ||
            db_outbox_reply(d, row.id, &r, NULL, base + i, NULL) < 0 || db_commit(d) < 0 ||
            db_outbox_claim(d, "sim0", base + i, 1, &o) != 1 ||
            db_outbox_done(d, o.id, NULL, base + i, 5, 600) != 0)
            return -1;
    }
    return (now_s() - t0) / n * 1e6;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 1000000;
    char path[] = "/tmp/rl-bench-metrics-XXXXXX", sql[2048], side[160];
    double t0, fresh, old, budget_new, budget_old, with, without;
    int fd = mkstemp(path);
    db *d;

    if (fd < 0 || n < 1)
        return 1;
    close(fd);
    unlink(path);
    if ((d = db_open(path)) == NULL)
        return 1;
    today_start = 1790000000 + 7 * (int64_t)n - 86400;
    /* A million answered questions and their replies, over two modems and four keywords,
     * stored in bulk (the triggers count them as they go in). */
    t0 = now_s();
    snprintf(
        sql, sizeof(sql),
        "BEGIN; WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < %ld) "
        "INSERT INTO inbox(modem, sender, smsc_time, received_at, text, coding, dedup, state, "
        "lang, intent, answered_at) SELECT 'sim' || (i %% 2), '+2217' || (1000000 + i %% "
        "50000), 1790000000 + 7 * i, 1790000000 + 7 * i, 'FEE FRA SEN ' || i, 'gsm7', 'd' || i, "
        "'answered', 'fr', CASE i %% 4 WHEN 0 THEN 'fee' WHEN 1 THEN 'rate' WHEN 2 THEN "
        "'guide' ELSE 'help' END, 1790000001 + 7 * i FROM k; "
        "INSERT INTO outbox(inbox_id, recipient, text, coding, parts, state, attempts, "
        "next_attempt_at, concat_ref, parts_sent, modem, created_at, sent_at) SELECT id, "
        "sender, 'the reply to message ' || id, 'gsm7', 1, 'sent', 1, received_at, 0, 1, "
        "modem, received_at, received_at + 2 FROM inbox; COMMIT;",
        n);
    if (sqlite3_exec(d->conn, sql, NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench_metrics: filling: %s\n", sqlite3_errmsg(d->conn));
        return 1;
    }
    printf("fill %ld questions and replies (one transaction, counted by the triggers): %.1f s\n", n,
           now_s() - t0);

    fresh = median_ms(d, 21, scrape, NULL, 0);
    old = median_ms(d, 5, NULL, old_scrape, 4);
    printf("scrape (/metrics and /healthz queries), median: %.3f ms now; %.1f ms counting the "
           "rows as schema 8 did (%.0fx)\n",
           fresh, old, old / fresh);
    budget_new = median_ms(d, 21, budget, NULL, 0);
    budget_old = median_ms(d, 5, NULL, (const char *const[]){old_budget}, 1);
    printf("daily budget check (parts a SIM sent today), median: %.3f ms with outbox_sent; "
           "%.1f ms by state alone (%.0fx)\n",
           budget_new, budget_old, budget_old / budget_new);

    /* The triggers' cost in the send loop, synchronous=FULL as the daemon runs. */
    /* A warm-up first: right after the bulk fill the WAL is large and the first commits pay
     * for its checkpoint, which would count against whichever loop ran first. */
    if (loop_us(d, 500, 1890000000) < 0)
        return 1;
    with = loop_us(d, 2000, 1900000000);
    snprintf(side, sizeof(side), "%s",
             "DROP TRIGGER metric_in_answered; DROP TRIGGER "
             "metric_out_final; DROP TRIGGER metric_attempt_failed;");
    if (sqlite3_exec(d->conn, side, NULL, NULL, NULL) != SQLITE_OK)
        return 1;
    without = loop_us(d, 2000, 1910000000);
    printf("send loop bookkeeping (store, answer, claim, sent): %.0f us a message with the "
           "counting triggers, %.0f us without\n",
           with, without);
    db_close(d);
    snprintf(sql, sizeof(sql), "%s-wal", path);
    unlink(sql);
    snprintf(sql, sizeof(sql), "%s-shm", path);
    unlink(sql);
    unlink(path);
    return 0;
}
