/*
 * answer.h: the answer service, the one way from an inbound text to its reply and all its effects.
 *
 * Every door calls it and nothing else: the modem threads for each message they stored, /kannel
 * for each get-url, USSD when a caller asks for an answer or for alerts by SMS, and
 * `remitline ask --from`. For one message, in one write transaction, it:
 *   claims the message (or stores the one a door hands over), handles an operator's command,
 *   reads the sender's saved language and pending choice, asks the handlers, applies the guards
 *   (sender kind, reply caps, loops), records consent and subscriptions, the conversation, the
 *   demand statistics and the reply (queued for the modems, or recorded as gone through the door
 *   that delivers it itself), and marks the message answered or ignored.
 * All of it is committed, or none: a failure leaves the message waiting, to be answered again.
 * Doors differ only in how the text comes in and how the reply goes out.
 *
 * Order of calls, per thread:
 *   1. gw_ctx_open(live, d)   a context on the thread's own database handle (borrowed);
 *   2. gw_ctx_refresh()       before each answer (gw_answer_* call it): takes the newest
 *                             configuration snapshot and reloads the handler context when the
 *                             content generation (db.h) or the configuration changed;
 *      gw_answer_next()       the modem door: the oldest stored message waiting;
 *      gw_answer_text()       the other doors: a text handed over whole;
 *   3. gw_ctx_close().
 */
#ifndef RL_GW_ANSWER_H
#define RL_GW_ANSWER_H

#include <stdint.h>

#include "db/db.h"
#include "gateway/live.h"
#include "handlers/handler.h"

typedef struct gw_ctx gw_ctx;

/* NULL when out of memory. d is borrowed: it must outlive the context. */
gw_ctx *gw_ctx_open(gw_live *live, db *d);
void gw_ctx_close(gw_ctx *c);

/* Brings the context up to date (see above): 1 when the handler context was reloaded (a caller
 * that keeps something built on it, the USSD menus, rebuilds it), 0 when nothing changed, -1
 * when it could not be loaded (the database failed; logged). */
int gw_ctx_refresh(gw_ctx *c);
/* Borrowed; valid until the next gw_ctx_refresh(). The handlers are NULL until a refresh. */
handler_ctx *gw_ctx_handlers(gw_ctx *c);
const struct conf *gw_ctx_conf(gw_ctx *c);
db *gw_ctx_db(gw_ctx *c);

/* Where the reply of a text handed over whole goes. */
enum gw_reply_to {
    GW_REPLY_QUEUE,   /* queued for the modems to send (USSD's "send me this by SMS") */
    GW_REPLY_THROUGH, /* the door delivers it (Kannel's response body, `ask --from --save`):
                       * recorded as sent through the door */
    GW_REPLY_DRY,     /* decided as for real, then rolled back: nothing is kept (`ask --from`) */
};

struct gw_inbound {
    const char *door;   /* "kannel", "ussd", "ask": kept as the message's modem */
    const char *sender; /* as the network gave it: +E.164, a short code or letters */
    const char *text;   /* UTF-8; with coding "8bit", the bytes in hex */
    const char *coding; /* "8bit" for binary data; NULL: text, its coding measured */
    const char *lang;   /* a language the door knows (USSD's menu, ask --lang), else NULL */
    int64_t smsc_time;  /* when the network took it (0: now); with the text, it tells a retry */
    enum gw_reply_to reply_to;
};

struct gw_result {
    int64_t inbox_id, out_id; /* out_id 0 when nothing was queued or recorded */
    int duplicate;            /* handed over before: nothing new done; text is the reply then */
    int silent;               /* nothing goes to the phone */
    const char *result; /* static: answered, help, operator, notice, silent, guard, duplicate */
    const char *why;    /* static: why a guard or a STOP silenced it (recorded), else "" */
    const char *intent; /* static: the keyword ("fee", "stop", "operator", "limit", ...) */
    char lang[8];
    char consent[8]; /* join, leave, stop, start, or "" */
    char text[HANDLER_REPLY_MAX];
    int segs; /* SMS parts of text */
};

/*
 * The modem door: answers the oldest stored message waiting for an answer, its reply queued for
 * the modems. Returns 1 (out says what was done), 0 when no message waits, -1 on a database
 * failure (the message stays waiting).
 */
int gw_answer_next(gw_ctx *c, struct gw_result *out);

/*
 * The other doors: answers in->text from in->sender, received now. Returns 1 (out says what
 * was done; out->duplicate when the same message was handed over before), or -1 on a database
 * failure (nothing was kept; the door should say it could not answer).
 */
int gw_answer_text(gw_ctx *c, const struct gw_inbound *in, int64_t now, struct gw_result *out);

/*
 * Group commit, for doors whose callers wait for the answer (the HTTP workers: /kannel, USSD).
 * Each answer's durable commit costs an fsync, and one after another they, not the answering,
 * set the pace. A committer thread with its own database handle and context takes every text
 * waiting (up to 64), answers each exactly as gw_answer_text() does, each in a savepoint of its
 * own, commits them once, and only then hands each caller its result: nothing is answered that
 * is not on disk. Messages that arrive alone go alone, at once.
 *
 *   gw_batch_start(live, database)   the committer (it opens the database on first use);
 *   gw_batch_answer(b, in, now, out) from any thread: as gw_answer_text(), but not
 *                                    GW_REPLY_DRY; blocks until the commit;
 *   gw_batch_stop(b)                 after every caller has returned (NULL is fine).
 */
typedef struct gw_batch gw_batch;
gw_batch *gw_batch_start(gw_live *live, const char *database);
int gw_batch_answer(gw_batch *b, const struct gw_inbound *in, int64_t now, struct gw_result *out);
void gw_batch_stop(gw_batch *b);

#endif
