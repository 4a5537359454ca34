#include "gateway/guard.h"

#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/guards.h"
#include "util/log.h"
#include "util/text.h"

#define LOOP_SAME_TEXT 5   /* the same text this many times ... */
#define LOOP_WINDOW    600 /* ... within ten minutes */
/* A message arriving this soon after one of our answers to an earlier message: no person reads
 * an SMS and types an answer on a keypad that fast, but one typing a question in several
 * messages, or correcting a typo, sends the next within seconds, whatever we answered. */
#define LOOP_FAST_SECONDS 10
/* So it takes a run: this many such messages in a row (more than a person sends in one burst;
 * tests/fixtures/traces hold what people do) ... */
#define LOOP_FAST_ANSWERS GW_LOOP_MAX_ANSWERS
/* ... or this many in a row with one text ("I am away", "Unknown keyword"): an echo. */
#define LOOP_ECHO_ANSWERS 3
#define MUTE_SECONDS      86400

#define WHY_ALNUM  "alphanumeric sender id"
#define WHY_SHORT  "short code"
#define WHY_MUTED  "muted for looping"
#define WHY_SAME   "the same text again and again"
#define WHY_FAST   "answers within seconds of ours to earlier messages, like an auto-responder"
#define WHY_ECHO   "the same text within seconds of each of our answers, like an auto-responder"
#define WHY_CAPPED "too many answers to this number"

static int has_letters(const char *s)
{
    for (; *s; s++)
        if (isalpha((unsigned char)*s))
            return 1;
    return 0;
}

static int is_short_code(const char *s)
{
    size_t n = strlen(s);
    return s[0] != '+' && n >= 3 && n <= 6 && strspn(s, "0123456789") == n;
}

/* E.164: at most 15 digits after the +. A longer number is no phone's: answering it would send
 * a reply to a number that does not exist, or, cut to fit somewhere, to someone else. */
#define E164_MAX_DIGITS 15

int gw_guard_message(const char *sender, const char *coding, const char **why)
{
    size_t digits = strspn(sender + (sender[0] == '+'), "0123456789");

    *why = "";
    if (coding != NULL && strcmp(coding, "8bit") == 0) {
        *why = "binary (8-bit) SMS";
        return GW_GUARD_SILENT;
    }
    if (digits > E164_MAX_DIGITS && sender[(sender[0] == '+') + digits] == '\0') {
        *why = "number longer than E.164 allows";
        return GW_GUARD_SILENT;
    }
    return GW_GUARD_ANSWER;
}

/*
 * Whether the newest messages from sender look like a machine talking to us: the same text
 * LOOP_SAME_TEXT times in LOOP_WINDOW, or a run of messages each within LOOP_FAST_SECONDS of our
 * answer to an earlier one (never its own answer, which a fast modem sends the second the
 * message arrives): LOOP_FAST_ANSWERS of them, or LOOP_ECHO_ANSWERS with one text.
 */
static int looks_like_loop(db *d, const char *sender, const char **why)
{
    struct db_recent r[LOOP_SAME_TEXT > LOOP_FAST_ANSWERS ? LOOP_SAME_TEXT : LOOP_FAST_ANSWERS];
    int n = db_recent_from(d, sender, (int)(sizeof(r) / sizeof(r[0])), r), i, same = 1;
    int fast = 0, echo = 0;

    for (i = 1; i < n && i < LOOP_SAME_TEXT; i++)
        if (strcmp(r[i].text, r[0].text) == 0 && r[0].received_at - r[i].received_at <= LOOP_WINDOW)
            same++;
    if (same >= LOOP_SAME_TEXT) {
        *why = WHY_SAME;
        return 1;
    }
    for (i = 0; i < n && i < LOOP_FAST_ANSWERS; i++) {
        int64_t ours = db_last_reply_before(d, sender, r[i].id, r[i].received_at);
        if (ours <= 0 || r[i].received_at - ours > LOOP_FAST_SECONDS)
            break; /* the run ends at the first message that came at its own pace */
        fast++;
        if (echo == i && strcmp(r[i].text, r[0].text) == 0)
            echo++;
    }
    if (fast >= LOOP_FAST_ANSWERS || echo >= LOOP_ECHO_ANSWERS) {
        *why = fast >= LOOP_FAST_ANSWERS ? WHY_FAST : WHY_ECHO;
        return 1;
    }
    return 0;
}

int gw_guard(db *d, const struct conf *c, const char *sender, int64_t now, const char **why)
{
    char num[40];
    int n;

    *why = "";
    if (!c->answer_alphanumeric && has_letters(sender)) {
        *why = WHY_ALNUM;
        return GW_GUARD_SILENT;
    }
    if (!c->answer_short_codes && is_short_code(sender)) {
        *why = WHY_SHORT;
        return GW_GUARD_SILENT;
    }
    if ((n = db_muted(d, sender, now)) != 0) {
        *why = WHY_MUTED;
        return n < 0 ? -1 : GW_GUARD_SILENT;
    }
    if (c->loop_guard && looks_like_loop(d, sender, why)) {
        log_warnx("guard from=%s result=muted hours=24 reason=\"%s\"",
                  log_number(sender, num, sizeof(num)), *why);
        if (db_mute(d, sender, now + MUTE_SECONDS, *why, now) < 0)
            return -1;
        return GW_GUARD_SILENT;
    }
    if (db_replies_since(d, sender, now - 3600) >= c->max_replies_hour ||
        db_replies_since(d, sender, now - 86400) >= c->max_replies_day) {
        n = db_notice_since(d, sender, now - 86400);
        if (n < 0)
            return -1;
        *why = WHY_CAPPED;
        return n ? GW_GUARD_SILENT : GW_GUARD_NOTICE;
    }
    return GW_GUARD_ANSWER;
}

int gw_guard_explain(db *d, const struct conf *c, const char *number, const char *why, int64_t now,
                     char *out, size_t outsz)
{
    char reason[160], when[32];
    int64_t until = 0;
    int rc = 0;

    if (strcmp(why, WHY_ALNUM) == 0) {
        snprintf(out, outsz,
                 "the sender id has letters (a bank, an operator): such senders are "
                 "never answered (answer_alphanumeric)");
    } else if (strcmp(why, WHY_SHORT) == 0) {
        snprintf(out, outsz,
                 "the sender is a short code: short codes are never answered (answer_short_codes)");
    } else if (strcmp(why, WHY_CAPPED) == 0) {
        snprintf(out, outsz,
                 "the number reached its limit of answers (max_replies_hour = %d, "
                 "max_replies_day = %d) and was sent the notice; no answer until the window passes",
                 c->max_replies_hour, c->max_replies_day);
    } else if (strcmp(why, GW_WHY_STOPPED) == 0) {
        snprintf(out, outsz, "the number said STOP: nothing is sent to it until it sends START");
    } else if (strcmp(why, WHY_MUTED) == 0 || strcmp(why, WHY_SAME) == 0 ||
               strcmp(why, WHY_FAST) == 0 || strcmp(why, WHY_ECHO) == 0) {
        if ((rc = db_mute_get(d, number, now, &until, reason, sizeof(reason))) > 0) {
            time_t t = (time_t)until;
            struct tm tm;
            gmtime_r(&t, &tm);
            strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm);
            snprintf(out, outsz, "the number is muted for looping until %s (%s)", when, reason);
        } else {
            snprintf(out, outsz, "the number was muted for looping (%s)",
                     strcmp(why, WHY_MUTED) == 0 ? "the mute has ended since" : why);
        }
    } else {
        snprintf(out, outsz, "%s", why);
    }
    return rc < 0 ? -1 : 0;
}

/* The amount in what the pattern took: spaces group thousands ("1 234,50"), then as
 * text_number() reads it. 0, or -1 if it holds no number. */
static int number_read(const char *s, double *out)
{
    char buf[64];
    const char *d;
    size_t n = 0;

    for (; *s && n + 1 < sizeof(buf); s++)
        if (*s != ' ')
            buf[n++] = *s;
    buf[n] = '\0';
    d = strpbrk(buf, "0123456789");
    return d != NULL && text_number(d, strlen(d), out) > 0 ? 0 : -1;
}

int gw_balance_read(const char *pattern, const char *reply, double *amount)
{
    char num[64];
    regmatch_t g[2];
    regex_t re;
    size_t n;
    int rc = -1;

    if (regcomp(&re, pattern != NULL && pattern[0] ? pattern : GW_BALANCE_PATTERN, REG_EXTENDED) !=
        0)
        return -1;
    if (regexec(&re, reply, 2, g, 0) == 0 && g[1].rm_so >= 0) {
        n = (size_t)(g[1].rm_eo - g[1].rm_so);
        if (n >= sizeof(num))
            n = sizeof(num) - 1;
        memcpy(num, reply + g[1].rm_so, n);
        num[n] = '\0';
        rc = number_read(num, amount);
    }
    regfree(&re);
    return rc;
}
