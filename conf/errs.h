/*
 * errs.h: a bounded list of "file:line: problem" messages.
 *
 * Validators add to it instead of stopping at the first problem, so an operator sees every
 * mistake in one run. conf_errs_init(), conf_errs_add() as often as needed, conf_errs_print(),
 * conf_errs_free(). Past CONF_ERRS_MAX messages only the count grows.
 */
#ifndef RL_CONF_ERRS_H
#define RL_CONF_ERRS_H

#include <stdio.h>

#define CONF_ERRS_MAX 200

struct conf_errs {
    char *msg[CONF_ERRS_MAX]; /* owned */
    int nmsg;                 /* stored messages */
    int count;                /* all problems, stored or not */
};

void conf_errs_init(struct conf_errs *e);
/* Records "file:line: problem". line <= 0 prints "file: problem". */
void conf_errs_add(struct conf_errs *e, const char *file, long line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void conf_errs_print(const struct conf_errs *e, FILE *fp);
void conf_errs_free(struct conf_errs *e);

#endif
