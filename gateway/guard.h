/*
 * guard.h: whether to answer a message at all. An SMS gateway that answers everything can be
 * turned into a cost: a bank's alphanumeric sender, a short code, another machine that answers
 * every SMS (two auto-responders loop for ever), or one number texting all day. Checked before
 * the query path, in this order:
 *   0. what is no question at all (gw_guard_message): a sender longer than E.164 allows (15
 *      digits), which no network delivers from a real phone, and binary (8-bit) SMS such as a
 *      WAP push: stored whole, never answered, whatever they say (a STOP included);
 *   1. senders with letters in their id, and short codes: never answered (configurable);
 *   2. a number muted for looping: silence until the mute ends;
 *   3. a loop (loop_guard): the same text five times in ten minutes, or a run of messages each
 *      arriving within ten seconds of our answer to an earlier one (the answer to a message
 *      itself never counts: a fast modem sends it the second the message arrives), five in a row
 *      or three with one text: muted for a day, logged once;
 *   4. caps: max_replies_hour and max_replies_day answers a number, then one polite notice,
 *      then silence until the window passes.
 * So a loop that answers ours within ten seconds gets at most GW_LOOP_MAX_ANSWERS answers
 * before it is muted (three if it repeats one text), one that repeats one text at any pace under
 * two minutes at most four; any other is held to the caps. README ("Cost, loops...") states the
 * same bound; tests/test_guard.c plays people's and machines' traces (tests/fixtures/traces) to
 * hold the guards to it.
 */
#ifndef RL_GW_GUARD_H
#define RL_GW_GUARD_H

#include <stdint.h>

#include "conf/config.h"
#include "db/db.h"

enum gw_guard { GW_GUARD_ANSWER = 0, GW_GUARD_SILENT = 1, GW_GUARD_NOTICE = 2 };

/* Whether a message can be answered at all (step 0 above): GW_GUARD_ANSWER, or GW_GUARD_SILENT
 * with *why. coding is the stored one ("gsm7", "ucs2", "8bit"); NULL is text. Pure. */
int gw_guard_message(const char *sender, const char *coding, const char **why);

/* The most answers a loop that answers ours within ten seconds gets before it is muted. */
#define GW_LOOP_MAX_ANSWERS 5

/* Why a message from a number that said STOP gets no answer (the answer service records it as
 * the guards' reasons are recorded). */
#define GW_WHY_STOPPED "the number said STOP"

/* Decides for the message just stored from sender; *why says why not (a static string, short
 * enough for a log line; the answer service records it with the message). Returns the verdict,
 * or -1 on a database error (then answer). */
int gw_guard(db *d, const struct conf *c, const char *sender, int64_t now, const char **why);

/* A sentence for an operator saying what a recorded reason (a gw_guard why, GW_WHY_STOPPED)
 * means for number now: which setting, until when a mute lasts. 0, or -1 when the database
 * failed (out still says what it can). */
int gw_guard_explain(db *d, const struct conf *c, const char *number, const char *why, int64_t now,
                     char *out, size_t outsz);

/*
 * The airtime balance in a SIM's USSD answer ("Solde: 1 234,50 FCFA", "Bal N1,234.56"): the
 * first parenthesised group of pattern (POSIX extended; NULL or "" for the first number in the
 * answer), read as operators write numbers: spaces and a repeated or three-digit-group separator
 * are thousands, the last of '.' and ',' the decimal point. 0 and *amount, or -1 when the
 * pattern does not compile or match, or what it took holds no digit.
 */
#define GW_BALANCE_PATTERN "([0-9]+(( [0-9]{3})+)?([.,][0-9]+)*)"
int gw_balance_read(const char *pattern, const char *reply, double *amount);

#endif
