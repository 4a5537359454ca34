/*
 * log.h: leveled logging to stderr, in the one-line key=value style of OpenSMTPD.
 *
 * Call log_init() once from main(); every other module only calls the log_* functions.
 * log_warn() appends strerror(errno), log_warnx() does not. fatal()/fatalx() log and exit(1);
 * they are for start-up only (bad configuration, an unopenable database), never the main loop.
 * Phone numbers are never logged in full above debug level: pass them through log_number().
 */
#ifndef RL_LOG_H
#define RL_LOG_H

#include <stddef.h>

enum log_level { LOG_LEVEL_WARN = 0, LOG_LEVEL_INFO = 1, LOG_LEVEL_DEBUG = 2 };

void log_init(enum log_level level);
enum log_level log_get_level(void);

void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Writes a phone number fit for the log into buf: in full at debug level, else masked to the
 * country code and last two digits ("+63******89"). Returns buf.
 */
const char *log_number(const char *number, char *buf, size_t bufsz);
/* The same masked at every level: for what others than the operator's terminal may see (the
 * console's pages). Returns buf. */
const char *log_number_masked(const char *number, char *buf, size_t bufsz);

#endif
