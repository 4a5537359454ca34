#include "gateway/guard.h"

#include <ctype.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "db/guards.h"
#include "util/log.h"
#include "util/text.h"

#define LOOP_SAME_TEXT    5   /* the same text this many times ... */
#define LOOP_WINDOW       600 /* ... within ten minutes */
#define LOOP_FAST_ANSWERS 3   /* messages arriving this fast after our answer ... */
#define LOOP_FAST_SECONDS                                                                          \
    10 /* ... within this many seconds: no person reads an SMS and types                           \
        * an answer on a keypad that fast three times running */
#define MUTE_SECONDS 86400

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

/* Whether the newest messages from sender look like a machine talking to us. */
static int looks_like_loop(db *d, const char *sender, const char **why)
{
    struct db_recent r[LOOP_SAME_TEXT > LOOP_FAST_ANSWERS ? LOOP_SAME_TEXT : LOOP_FAST_ANSWERS];
    int n = db_recent_from(d, sender, (int)(sizeof(r) / sizeof(r[0])), r), i, same = 1, fast = 0;

    for (i = 1; i < n && i < LOOP_SAME_TEXT; i++)
        if (strcmp(r[i].text, r[0].text) == 0 && r[0].received_at - r[i].received_at <= LOOP_WINDOW)
            same++;
    if (same >= LOOP_SAME_TEXT) {
        *why = "the same text again and again";
        return 1;
    }
    /* Each of the last messages came within seconds of an answer of ours. */
    for (i = 0; i < n && i < LOOP_FAST_ANSWERS; i++) {
        int64_t ours = db_last_reply_at(d, sender, r[i].received_at + 1);
        if (ours > 0 && r[i].received_at - ours <= LOOP_FAST_SECONDS && r[i].received_at >= ours)
            fast++;
    }
    if (fast >= LOOP_FAST_ANSWERS) {
        *why = "answers arriving within seconds of ours, like an auto-responder";
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
        *why = "alphanumeric sender id";
        return GW_GUARD_SILENT;
    }
    if (!c->answer_short_codes && is_short_code(sender)) {
        *why = "short code";
        return GW_GUARD_SILENT;
    }
    if ((n = db_muted(d, sender, now)) != 0) {
        *why = "muted for looping";
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
        *why = "too many answers to this number";
        return n ? GW_GUARD_SILENT : GW_GUARD_NOTICE;
    }
    return GW_GUARD_ANSWER;
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
