/*
 * ussd.h: the USSD menus, in the callback convention of African aggregators (Africa's Talking):
 * each request carries every input of the session so far joined by '*' ("" on the first), and
 * the answer is one screen, "CON ..." (the menu continues) or "END ..." (the session is over).
 *
 * The menu is a pure function of that text, the content and the caller's number: ussd_answer()
 * replays the inputs from the main menu each time, so a daemon restarted in the middle of a
 * session answers its next request as if nothing had happened. The results come from
 * handler_answer(), with the text a person would send by SMS ("FEE USA PHL 200 USD"), so USSD
 * and SMS never disagree. Nothing here writes: a screen that asks for an SMS, or an alerts
 * request that must go through the SMS path, says so in struct ussd_screen and the caller acts.
 *
 *   1. ussd_open(h) loads the lists the menus page through (countries with their names in every
 *      language, currencies, languages) from h's database.
 *   2. ussd_answer(u, text, from, now, screen) as often as needed, from the thread that owns h.
 *   3. ussd_close(u), before handler_close(h).
 */
#ifndef RL_HANDLERS_USSD_H
#define RL_HANDLERS_USSD_H

#include <time.h>

#include "handlers/handler.h"

#define USSD_SCREEN_MAX 182 /* characters a screen may have, "CON "/"END " included */
#define USSD_TEXT_MAX   512 /* bytes of the inputs so far; longer texts are refused */
#define USSD_QUERY_MAX  160 /* the query a result screen stands for ("FEE USA PHL 200 USD") */

typedef struct ussd_ctx ussd_ctx;

struct ussd_screen {
    char text[USSD_SCREEN_MAX * 4 + 1]; /* "CON ..." or "END ...", UTF-8 */
    int end;                            /* 1: the session is over */
    int invalid;                        /* 1: the last input was not a choice on its screen */
    char sms[HANDLER_REPLY_MAX];        /* not "": the caller asked for this answer by SMS */
    /* not "": the caller's request, to hand to the answer service as if texted (the answer by
     * SMS, or alerts) */
    char inject[USSD_QUERY_MAX];
    const char *intent; /* static: "menu", "fee", "rate", "guide", "alerts", "lang", "help" */
    char lang[8];       /* the screens' language when not the default, else "" */
};

/* NULL on failure (logged). h is borrowed and must outlive u. */
ussd_ctx *ussd_open(handler_ctx *h);
void ussd_close(ussd_ctx *u);

/*
 * The screen for the inputs text (may be "" or NULL) from the caller from (E.164, may be NULL),
 * whose saved language is lang (LANG by SMS or a choice in an earlier session; NULL, "" or a
 * language not loaded: the gateway's default). out->lang is the language the screens end in
 * when it is not the default: the caller's to save when it differs from lang.
 * Returns 0; -1 when text is not valid (longer than USSD_TEXT_MAX, or not UTF-8), with an END
 * screen saying so; a database failure gives an END screen that says there is a problem.
 */
int ussd_answer(ussd_ctx *u, const char *text, const char *from, const char *lang, time_t now,
                struct ussd_screen *out);

/* What the HTTP layer tells a caller about the session itself, or that it could not do what
 * was asked (the database failed; the guards kept an answer by SMS from going), as an END
 * screen in lang (as for ussd_answer). */
enum ussd_notice { USSD_EXPIRED, USSD_OTHER_PHONE, USSD_ERROR, USSD_NO_SMS };
void ussd_notice(const ussd_ctx *u, const char *lang, enum ussd_notice n, struct ussd_screen *out);

#endif
