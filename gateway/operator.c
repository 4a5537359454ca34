#include "gateway/operator.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db/alerts.h"
#include "gateway/broadcast.h"
#include "util/log.h"

#define PIN_TRIES       GW_OPERATOR_TRIES
#define LOCK_SECONDS    GW_OPERATOR_LOCK_SECONDS
#define CONFIRM_SECONDS 600

/* Copies the next word of *p into out (at most outsz - 1 bytes) and advances *p past it. */
static int next_word(const char **p, char *out, size_t outsz)
{
    size_t n = 0;

    while (**p && isspace((unsigned char)**p))
        (*p)++;
    while (**p && !isspace((unsigned char)**p)) {
        if (n + 1 < outsz)
            out[n++] = **p;
        (*p)++;
    }
    out[n] = '\0';
    return n > 0;
}

static int word_is(const char *w, const char *what)
{
    return strcasecmp(w, what) == 0;
}

/* A four-digit code nobody can guess from the time alone. */
static void make_code(char out[8])
{
    unsigned v = 0;
    FILE *fp = fopen("/dev/urandom", "rb");

    if (fp == NULL || fread(&v, sizeof(v), 1, fp) != 1)
        v = (unsigned)time(NULL) ^ ((unsigned)getpid() << 16);
    if (fp != NULL)
        fclose(fp);
    snprintf(out, 8, "%04u", v % 10000);
}

/* Minutes left of sender's lock at now (at least 1): an hour from the oldest of the failures
 * that locked it, not from now. -1 on a database error. */
static long lock_minutes(db *d, const char *sender, int64_t now)
{
    int64_t until = db_pin_locked_until(d, sender, now, PIN_TRIES, LOCK_SECONDS);

    if (until < 0)
        return -1;
    return until - now >= 90 ? (long)((until - now + 30) / 60) : 1L; /* to the nearest minute */
}

/* YES <code> from an operator: queues the alert that waits for code, if it has not expired.
 * words is what follows YES; num the sender as logged; failures the wrong PINs and codes
 * counted so far. A wrong code counts as a wrong PIN: four digits are guessed in 10,000 tries,
 * and a spoofed sender could otherwise try them all. 1 (reply set), or -1. */
static int operator_yes(db *d, handler_ctx *h, const struct conf *c, const char *sender,
                        const char *words, int64_t now, const char *num, int failures, char *reply,
                        size_t replysz)
{
    struct db_pending_alert pa;
    struct conf_alert a;
    struct conf_errs errs;
    long recipients = 0;
    char code[16];
    int rc;

    next_word(&words, code, sizeof(code));
    rc = db_alert_pending_take(d, sender, code, now, &pa);
    if (rc < 0)
        return -1;
    if (rc == 0) {
        if (db_pin_attempt(d, sender, 0, now) < 0)
            return -1;
        log_warnx("operator from=%s cmd=YES result=wrong-code attempt=%d", num, failures + 1);
        if (failures + 1 >= PIN_TRIES) {
            long min = lock_minutes(d, sender, now);
            if (min < 0)
                return -1;
            snprintf(reply, replysz,
                     "No alert waits for that code. This number is now locked for %ld min.", min);
        } else
            snprintf(reply, replysz,
                     "No alert waits for code %s (%d of %d tries). Codes last 10 minutes: send "
                     "ALERT again.",
                     code, failures + 1, PIN_TRIES);
        return 1;
    }
    memset(&a, 0, sizeof(a));
    snprintf(a.id, sizeof(a.id), "sms-%s-%lld", code, (long long)now);
    snprintf(a.topics[0], sizeof(a.topics[0]), "%.63s", pa.topics);
    a.ntopics = 1;
    a.priority = 5;
    snprintf(a.texts[0].lang, sizeof(a.texts[0].lang), "%s", pa.lang);
    snprintf(a.texts[0].text, sizeof(a.texts[0].text), "%s", pa.text);
    a.ntexts = 1;
    conf_errs_init(&errs);
    rc = gw_alert_queue(d, h, &a, "sms", NULL, pa.lang, c->max_parts, now, &recipients, &errs);
    if (rc > 0) {
        time_t t = (time_t)now;
        struct tm tm;
        char end[8];

        log_info("alert id=%s origin=sms from=%s topics=%s recipients=%ld result=queued", a.id, num,
                 pa.topics, recipients);
        localtime_r(&t, &tm);
        /* Not "sent" while quiet hours hold every broadcast: say when it goes. */
        if (conf_quiet_until(c, tm.tm_hour * 60 + tm.tm_min, end, sizeof(end)) != NULL)
            snprintf(reply, replysz,
                     "Queued for %ld %s; held by quiet hours, it goes at %s. Alert %s.", recipients,
                     recipients == 1 ? "person" : "people", end, a.id);
        else
            snprintf(reply, replysz, "Sent to %ld people. Alert %s.", recipients, a.id);
    } else {
        log_warnx("alert origin=sms from=%s result=refused problem=\"%s\"", num,
                  errs.nmsg ? errs.msg[0] : "?");
        snprintf(reply, replysz, "Not sent: %s", errs.nmsg ? errs.msg[0] : "error");
    }
    conf_errs_free(&errs);
    return 1;
}

int gw_operator(db *d, handler_ctx *h, const struct conf *c, const char *sender, const char *text,
                int64_t now, char *reply, size_t replysz)
{
    const struct conf_operator *op = NULL;
    char cmd[16], pin[16], topic[64], resolved[DB_TOPIC_MAX], num[40];
    const char *p = text;
    int i, failures, rc = 0;

    if (!next_word(&p, cmd, sizeof(cmd)) || !(word_is(cmd, "ALERT") || word_is(cmd, "YES")))
        return 0;
    for (i = 0; i < c->noperators; i++)
        if (strcmp(c->operators[i].number, sender) == 0)
            op = &c->operators[i];
    if (op == NULL)
        return 0;
    log_number(sender, num, sizeof(num));
    /* ALERT <PIN> <topic> <text>: the answer service masked the PIN in what it stores
     * (db_text_mask) before this step, so not even a locked-out number's message keeps it. */
    if (word_is(cmd, "ALERT")) {
        next_word(&p, pin, sizeof(pin));
        while (*p && isspace((unsigned char)*p))
            p++;
    }
    failures = db_pin_failures(d, sender, now - LOCK_SECONDS);
    if (failures < 0)
        return -1;
    if (failures >= PIN_TRIES) {
        long min = lock_minutes(d, sender, now);
        if (min < 0)
            return -1;
        log_warnx("operator from=%s cmd=%s result=locked-out", num, cmd);
        snprintf(reply, replysz,
                 "Locked for %ld more min after %d wrong PINs or codes. If this was not you, ask "
                 "the gateway's administrator: remitline operator unlock lifts it.",
                 min, PIN_TRIES);
        return 1;
    }
    if (word_is(cmd, "YES"))
        return operator_yes(d, h, c, sender, p, now, num, failures, reply, replysz);
    /* ALERT <PIN> <topic> <text>: pin and p were read above. */
    if (strcmp(pin, op->pin) != 0) {
        if (db_pin_attempt(d, sender, 0, now) < 0)
            return -1;
        log_warnx("operator from=%s cmd=ALERT result=wrong-pin attempt=%d", num, failures + 1);
        if (failures + 1 >= PIN_TRIES) {
            long min = lock_minutes(d, sender, now);
            if (min < 0)
                return -1;
            snprintf(reply, replysz, "Wrong PIN. This number is now locked for %ld min.", min);
        } else
            snprintf(reply, replysz, "Wrong PIN (%d of %d tries).", failures + 1, PIN_TRIES);
        return 1;
    }
    if (db_pin_attempt(d, sender, 1, now) < 0)
        return -1;
    next_word(&p, topic, sizeof(topic));
    while (*p && isspace((unsigned char)*p))
        p++;
    if (handler_topic(h, topic, resolved, sizeof(resolved)) != 1 || *p == '\0') {
        snprintf(reply, replysz,
                 "Send ALERT <PIN> <topic> <text>; the topic is a country, a corridor like "
                 "USA-MEX, or a topic like SCAMS.");
        return 1;
    }
    {
        struct db_pending_alert pa;
        const char *tp[1] = {resolved};
        long n = db_audience(d, tp, 1);

        if (n < 0)
            return -1;
        int tries;

        memset(&pa, 0, sizeof(pa));
        snprintf(pa.number, sizeof(pa.number), "%s", sender);
        snprintf(pa.topics, sizeof(pa.topics), "%s", topic);
        snprintf(pa.lang, sizeof(pa.lang), "%s", c->default_lang);
        snprintf(pa.text, sizeof(pa.text), "%s", p);
        pa.recipients = n;
        pa.expires_at = now + CONFIRM_SECONDS;
        /* Forty pending alerts share a code one time in thirteen: draw again. */
        for (tries = 0; tries < 20; tries++) {
            make_code(pa.code);
            if ((rc = db_alert_pending_put(d, &pa, now)) != 0)
                break;
        }
        if (rc == 0)
            log_warnx("operator from=%s cmd=ALERT result=error problem=\"no free code\"", num);
        if (rc <= 0)
            return -1;
        log_info("operator from=%s cmd=ALERT topic=%s recipients=%ld result=awaiting-yes", num,
                 resolved, n);
        snprintf(reply, replysz,
                 "This alert goes to %ld people. Reply YES %s within 10 minutes "
                 "to send it.",
                 n, pa.code);
    }
    return 1;
}
