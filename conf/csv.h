/*
 * csv.h: a streaming RFC 4180 CSV reader with fixed memory, for the public data files.
 *
 * csv_open() on a FILE the caller keeps, csv_next() until it returns 0, csv_close(). A row that
 * cannot be read (unterminated quote, longer than CSV_MAX_ROW bytes, more than CSV_MAX_FIELDS
 * fields) makes csv_next() return -1 and is skipped; csv_error() says why and the caller may go
 * on. All memory is allocated once in csv_open(), so a 200,000-row file costs no malloc per row.
 *
 * What is accepted: fields quoted with '"' ("" is a quote inside them, and they may span lines),
 * LF or CRLF line ends, a UTF-8 byte order mark at the start, spaces around fields (stripped from
 * unquoted fields and around quoted ones), a trailing comma (it yields an empty last field that
 * callers ignore). Empty lines are skipped.
 */
#ifndef RL_CONF_CSV_H
#define RL_CONF_CSV_H

#include <stdio.h>

#define CSV_MAX_ROW    (64 * 1024) /* bytes of one row, quotes and separators included */
#define CSV_MAX_FIELDS 512

typedef struct csv csv;

/* Returns a reader on fp (borrowed: the caller closes it after csv_close()), or NULL if out of
 * memory. */
csv *csv_open(FILE *fp);

/*
 * Reads the next row. On 1, *fields points to *nfields NUL-terminated strings owned by the
 * reader and valid until the next call. Returns 0 at end of file, -1 on a malformed row (skipped;
 * see csv_error()) or a read error (then the next call returns 0).
 */
int csv_next(csv *c, char ***fields, int *nfields);

/* Line number (1-based) where the row last returned, or rejected, starts. */
long csv_line(const csv *c);

/* Why the last csv_next() returned -1; "" otherwise. Owned by the reader. */
const char *csv_error(const csv *c);

/* Frees the reader, not the FILE. Accepts NULL. */
void csv_close(csv *c);

/*
 * Helpers for the data-file parsers. csv_header_find() returns the index of the header field
 * equal to name, ignoring ASCII case and treating any run of spaces as one ("Receiving Countries
 * Name" matches the two-space original), or -1. csv_parse_double() accepts a plain decimal
 * number with optional sign and exponent (no hex, inf or nan, no trailing text) and returns 0,
 * else -1 with *out untouched.
 */
int csv_header_find(char *const *fields, int nfields, const char *name);
int csv_parse_double(const char *s, double *out);

#endif
