#include "conf/errs.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void conf_errs_init(struct conf_errs *e)
{
    memset(e, 0, sizeof(*e));
}

void conf_errs_add(struct conf_errs *e, const char *file, long line, const char *fmt, ...)
{
    char body[3072], full[sizeof(body) + 1024]; /* the lists of known names run long */
    va_list ap;

    e->count++;
    if (e->nmsg >= CONF_ERRS_MAX)
        return;
    va_start(ap, fmt);
    vsnprintf(body, sizeof(body), fmt, ap);
    va_end(ap);
    if (line > 0)
        snprintf(full, sizeof(full), "%s:%ld: %s", file ? file : "-", line, body);
    else
        snprintf(full, sizeof(full), "%s: %s", file ? file : "-", body);
    e->msg[e->nmsg] = strdup(full);
    if (e->msg[e->nmsg] != NULL)
        e->nmsg++;
}

void conf_errs_print(const struct conf_errs *e, FILE *fp)
{
    int i;

    for (i = 0; i < e->nmsg; i++)
        fprintf(fp, "%s\n", e->msg[i]);
    if (e->count > e->nmsg)
        fprintf(fp, "... and %d more problems\n", e->count - e->nmsg);
}

void conf_errs_free(struct conf_errs *e)
{
    int i;

    for (i = 0; i < e->nmsg; i++)
        free(e->msg[i]);
    conf_errs_init(e);
}
