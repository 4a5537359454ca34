/*
 * bench_broadcast: queueing one alert for 100,000 subscribers (issue #4 asks under 2 s), and the
 * cost of claiming and closing one broadcast message in the send loop.
 *
 * Works on a database file in /tmp (WAL, synchronous=FULL, as the daemon runs), with the
 * subscribers added through the same consent path JOIN uses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db/alerts.h"
#include "db/queue.h"
#include "util/mono.h"

static double now_s(void)
{
    return mono_s();
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 100000, i, recipients = 0;
    char path[] = "/tmp/rl-bench-broadcast-XXXXXX", number[32], wal[64], shm[64];
    const char *topics[] = {"country:PH"};
    struct db_alert_text texts[] = {
        {"en", "Scam alert: nobody from the embassy asks for fees by SMS.", "gsm7", 1},
        {"tl", "Babala: walang taga-embahada na humihingi ng bayad sa SMS.", "gsm7", 1},
    };
    struct db_alert a = {"bench-1", "cli", topics, 1, 5, 0, 0, texts, 2, "en"};
    struct db_outbox_row *o = malloc(sizeof(*o));
    double t0, t1;
    int fd = mkstemp(path);
    db *d;

    if (fd < 0 || o == NULL)
        return 1;
    close(fd);
    unlink(path);
    if ((d = db_open(path)) == NULL)
        return 1;
    t0 = now_s();
    db_begin(d);
    for (i = 0; i < n; i++) {
        struct db_consent c = {number,    "join", "country:PH", i % 3 ? "en" : "tl",
                               "JOIN PH", 0,      1000};
        snprintf(number, sizeof(number), "+63917%07ld", i);
        if (db_consent_apply(d, &c) < 0)
            return 1;
    }
    db_commit(d);
    t1 = now_s();
    printf("subscribe %ld numbers (one transaction): %.2f s\n", n, t1 - t0);

    a.valid_from = time(NULL);
    a.valid_until = a.valid_from + 86400;
    t0 = now_s();
    if (db_alert_queue(d, &a, time(NULL), &recipients) != 1)
        return 1;
    t1 = now_s();
    printf("queue one alert for %ld subscribers: %.3f s (%ld recipients)\n", n, t1 - t0,
           recipients);
    t0 = now_s();
    if (db_alert_queue(d, &a, time(NULL), &recipients) != 0)
        return 1;
    printf("queue the same alert id again (a no-op): %.4f s\n", now_s() - t0);

    /* The send loop's own cost a message: claim, then record it sent (the modem's time apart). */
    t0 = now_s();
    for (i = 0; i < 2000; i++) {
        if (db_outbox_claim(d, "m1", time(NULL), 1, o) != 1)
            return 1;
        db_outbox_done(d, o->id, NULL, time(NULL), 5, 600);
    }
    t1 = now_s();
    printf("send loop bookkeeping: %.0f us a message (claim + done, synchronous=FULL)\n",
           (t1 - t0) / 2000 * 1e6);
    db_close(d);
    free(o);
    snprintf(wal, sizeof(wal), "%s-wal", path);
    snprintf(shm, sizeof(shm), "%s-shm", path);
    unlink(path);
    unlink(wal);
    unlink(shm);
    return 0;
}
