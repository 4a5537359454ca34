#include "util/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The one piece of process-wide state outside main(): set once, before any thread starts. */
static enum log_level log_level = LOG_LEVEL_INFO;

void log_init(enum log_level level)
{
    log_level = level;
}

enum log_level log_get_level(void)
{
    return log_level;
}

/* The attribute lets clang's -Wformat-nonliteral see that fmt is checked at every caller. */
__attribute__((format(printf, 2, 0))) static void log_vwrite(const char *tag, const char *fmt,
                                                             va_list ap, int with_errno)
{
    char msg[2048];
    int saved = errno;

    vsnprintf(msg, sizeof(msg), fmt, ap);
    if (with_errno)
        fprintf(stderr, "remitline: %s%s: %s\n", tag, msg, strerror(saved));
    else
        fprintf(stderr, "remitline: %s%s\n", tag, msg);
    errno = saved;
}

#define LOG_BODY(tag, with_errno)                                                                  \
    do {                                                                                           \
        va_list ap;                                                                                \
        va_start(ap, fmt);                                                                         \
        log_vwrite(tag, fmt, ap, with_errno);                                                      \
        va_end(ap);                                                                                \
    } while (0)

void log_warn(const char *fmt, ...)
{
    LOG_BODY("warning: ", 1);
}

void log_warnx(const char *fmt, ...)
{
    LOG_BODY("warning: ", 0);
}

void log_info(const char *fmt, ...)
{
    if (log_level < LOG_LEVEL_INFO)
        return;
    LOG_BODY("", 0);
}

void log_debug(const char *fmt, ...)
{
    if (log_level < LOG_LEVEL_DEBUG)
        return;
    LOG_BODY("debug: ", 0);
}

void fatal(const char *fmt, ...)
{
    LOG_BODY("fatal: ", 1);
    exit(1);
}

void fatalx(const char *fmt, ...)
{
    LOG_BODY("fatal: ", 0);
    exit(1);
}

const char *log_number(const char *number, char *buf, size_t bufsz)
{
    if (bufsz > 0 && number != NULL && log_level >= LOG_LEVEL_DEBUG) {
        snprintf(buf, bufsz, "%s", number);
        return buf;
    }
    return log_number_masked(number, buf, bufsz);
}

const char *log_number_masked(const char *number, char *buf, size_t bufsz)
{
    size_t n, keep_head, i, o = 0;

    if (bufsz == 0)
        return buf;
    if (number == NULL) {
        snprintf(buf, bufsz, "-");
        return buf;
    }
    n = strlen(number);
    /* Keep a leading '+' and up to three digits of country code, and the last two digits. */
    keep_head = (number[0] == '+') ? 3 : 2;
    if (n <= keep_head + 2)
        keep_head = 0;
    for (i = 0; i < n && o + 1 < bufsz; i++)
        buf[o++] = (i < keep_head || i + 2 >= n) ? number[i] : '*';
    buf[o] = '\0';
    return buf;
}
