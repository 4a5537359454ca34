/*
 * conv.h: what the gateway remembers about each phone number between messages: the language it
 * asked for (LANG FR) and a numbered choice waiting for its answer. Handlers never write here
 * (they are pure); they say in their reply what to remember, and the caller stores it.
 *
 * Order of calls, per message from a number:
 *   1. db_conv_get()          before answering: the saved language and the pending choice, if it
 *                             has not expired;
 *   2. db_conv_set_lang()     when the reply says the number chose a language;
 *      db_conv_set_pending()  after every answer: the new choice, or NULL to clear the old one.
 * Returns follow db.h: 0, -1 (logged); db_conv_get returns 1 found, 0 none.
 */
#ifndef RL_DB_CONV_H
#define RL_DB_CONV_H

#include <stdint.h>

#include "db/db.h"

#define DB_CONV_PENDING_MAX 700

struct db_conv {
    char lang[8];                      /* "" when the number never chose */
    char pending[DB_CONV_PENDING_MAX]; /* "" when no choice is waiting or it expired */
};

int db_conv_get(db *d, const char *number, int64_t now, struct db_conv *out);
int db_conv_set_lang(db *d, const char *number, const char *lang, int64_t now);
/* pending NULL or "" clears it; otherwise it may be answered until expires. */
int db_conv_set_pending(db *d, const char *number, const char *pending, int64_t expires,
                        int64_t now);

#endif
