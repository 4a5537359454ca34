/*
 * handler.h: the query path. Text in, reply text out, over the content in the database.
 *
 * Handlers are pure: no modem, no clock but the one passed in, no output but the reply. The same
 * call answers `remitline ask`, an SMS from the modem and (later) a USSD screen.
 *
 *   1. handler_open(db, opts) loads the words, country names and reply templates of every
 *      language from the database into memory (the lexicon), so answering costs no SQL parsing.
 *   2. handler_answer(h, query, reply) as often as needed, from one thread per context. A caller
 *      that knows the sender (the daemon, `ask --from`) passes their saved language and pending
 *      choice in the query, and afterwards stores reply->save_lang and reply->pending.
 *   3. handler_close(h). After a content import, close and open again to see the new content.
 *
 * The keywords themselves are rows of a static table in handlers/router.c (name, function,
 * arguments it needs, the template that asks for missing ones); the words people type for each
 * keyword are content, per language. Adding a keyword is adding a row and its templates.
 */
#ifndef RL_HANDLER_H
#define RL_HANDLER_H

#include <time.h>

#include "db/db.h"
#include "util/gsm.h"

/* A reply is at most a few SMS parts; 4 x 67 UCS-2 characters of up to 4 UTF-8 bytes fit. */
#define HANDLER_REPLY_MAX 1200

typedef struct handler_ctx handler_ctx;

struct handler_opts {
    const char *default_lang; /* "en" when NULL */
    int max_parts;            /* SMS parts a reply may use; 3 when 0 */
    int max_age_rates;        /* days before a rate is "old data"; 7 when 0 */
    int max_age_fees;         /* days before a price is "old data"; 365 when 0 */
};

/* Options of a numbered choice, one rewritten query per line; what a caller stores and gives
 * back (db/conv.h keeps it for the 15 minutes HANDLER_CHOICE_TTL). */
#define HANDLER_PENDING_MAX 700
#define HANDLER_CHOICE_TTL  (15 * 60)

struct handler_query {
    const char *text; /* as received, any bytes */
    const char *from; /* sender's number, or NULL */
    const char *lang; /* the sender's saved language, or NULL */
    time_t now;
    const char *pending; /* the choice offered to this sender and not expired, or NULL */
};

struct handler_reply {
    char text[HANDLER_REPLY_MAX]; /* ready to send: cleaned, fitted to max_parts */
    char lang[8];                 /* the language it was written in */
    const char *intent;           /* static: "fee", "rate", "guide", "help" */
    int understood;               /* 0 when the help text answered something unclear */
    int silent;                   /* 1: send nothing (the number said STOP) */
    char consent[8];              /* what the caller must record: join, leave, stop, start, "" */
    char topic[48];               /* for join and leave: country:PH, corridor:US-MX, topic:x */
    char src[3], dst[3];          /* the corridor a FEE asked about (ISO2), for statistics */
    struct gsm_info info;         /* coding, units and parts of text */
    /* What the caller should remember for this sender (handlers write nothing themselves): */
    char save_lang[8];                 /* LANG xx was understood: save xx; "" otherwise */
    char pending[HANDLER_PENDING_MAX]; /* a numbered choice to offer, "" to clear any */
};

/* Returns NULL on failure (logged): no memory, or a database error. */
handler_ctx *handler_open(db *d, const struct handler_opts *opts);
void handler_close(handler_ctx *h);

/* Number of languages with content; 0 means nothing has been imported yet. */
int handler_languages(const handler_ctx *h);

/* Answers one query. Always fills reply with something fit to send; returns 0, or -1 if the
 * database failed (the reply then says the service has a problem). */
int handler_answer(handler_ctx *h, const struct handler_query *q, struct handler_reply *reply);

/*
 * Resolves what an operator wrote as an alert topic ("PH", "Philippines", "USA-MEX", "SCAMS")
 * to a topic string as db/alerts.h names them. Returns 1 and out, or 0 if it names nothing.
 */
int handler_topic(handler_ctx *h, const char *text, char *out, size_t outsz);

/*
 * Staleness, shared by the replies and `remitline status`. A period "2020Q3" is as old as the
 * time since the end of its quarter, an ISO date "2026-04-13" since the end of that day (UTC).
 * handler_period_end() gives that moment: 0, or -1 for anything else.
 * handler_is_stale() says whether it lies more than max_age_days before now; now == 0 (unknown)
 * and unreadable periods are never stale.
 */
int handler_period_end(const char *period, time_t *out);
int handler_is_stale(const char *period, time_t now, int max_age_days);

/* A template's text in lang (English if missing), for messages the gateway writes outside the
 * query path (the notice to a number that reached its limit). NULL if there is none. */
const char *handler_template(handler_ctx *h, const char *lang, const char *name);

#endif
