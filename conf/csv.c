#include "conf/csv.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum csv_state { CSV_FIELD_START, CSV_UNQUOTED, CSV_QUOTED, CSV_AFTER_QUOTE };

struct csv {
    FILE *fp;        /* borrowed */
    long line;       /* physical lines consumed so far */
    long row_line;   /* first line of the row last returned */
    int bom_checked; /* the byte order mark can only come first */
    int eof;         /* fread() has nothing more */
    int read_err;    /* 1 = a read failed, 2 = already reported */
    size_t in_pos;   /* next byte in in[] */
    size_t in_len;   /* bytes in in[] */
    char err[160];   /* why the last row was rejected */
    char *fields[CSV_MAX_FIELDS];
    unsigned char in[16 * 1024];
    char row[CSV_MAX_ROW + 1]; /* field bytes, each field NUL-terminated */
};

csv *csv_open(FILE *fp)
{
    csv *c;

    if (fp == NULL)
        return NULL;
    c = calloc(1, sizeof(*c));
    if (c == NULL)
        return NULL;
    c->fp = fp;
    return c;
}

void csv_close(csv *c)
{
    free(c);
}

long csv_line(const csv *c)
{
    return c->row_line;
}

const char *csv_error(const csv *c)
{
    return c->err;
}

static int csv_fill(csv *c)
{
    if (c->eof)
        return 0;
    c->in_pos = 0;
    c->in_len = fread(c->in, 1, sizeof(c->in), c->fp);
    if (c->in_len == 0) {
        c->eof = 1;
        if (ferror(c->fp))
            c->read_err = 1;
        return 0;
    }
    return 1;
}

static int csv_getc(csv *c)
{
    if (c->in_pos == c->in_len && !csv_fill(c))
        return EOF;
    return c->in[c->in_pos++];
}

static int csv_peekc(csv *c)
{
    if (c->in_pos == c->in_len && !csv_fill(c))
        return EOF;
    return c->in[c->in_pos];
}

/* Skips the UTF-8 byte order mark that Excel and DataBank put at the start of an export. */
static void csv_skip_bom(csv *c)
{
    c->bom_checked = 1;
    if (csv_peekc(c) != 0xEF)
        return;
    /* The whole first buffer is in memory, so the three bytes can be compared in place. */
    if (c->in_len - c->in_pos >= 3 && c->in[c->in_pos + 1] == 0xBB && c->in[c->in_pos + 2] == 0xBF)
        c->in_pos += 3;
}

/* Drops the rest of a rejected row's physical line, so reading resumes on the next one. */
static void csv_skip_line(csv *c)
{
    int ch;

    while ((ch = csv_getc(c)) != EOF) {
        if (ch == '\n') {
            c->line++;
            return;
        }
    }
}

/* Rejects the current row; ch is the byte that was last read. */
static int csv_reject(csv *c, int ch, const char *why)
{
    snprintf(c->err, sizeof(c->err), "%s", why);
    if (ch != '\n' && ch != EOF)
        csv_skip_line(c);
    return -1;
}

static int csv_read_error(csv *c)
{
    c->read_err = 2;
    snprintf(c->err, sizeof(c->err), "read error");
    return -1;
}

/* Empty lines carry no row; DataBank exports end with some. Skips them and returns the next
 * byte, unread. */
static int csv_skip_empty(csv *c)
{
    int ch;

    for (;;) {
        ch = csv_peekc(c);
        if (ch == '\r') {
            csv_getc(c);
            if (csv_peekc(c) == '\n')
                csv_getc(c);
            c->line++;
        } else if (ch == '\n') {
            csv_getc(c);
            c->line++;
        } else {
            return ch;
        }
    }
}

int csv_next(csv *c, char ***fields, int *nfields)
{
    enum csv_state st = CSV_FIELD_START;
    size_t len = 0, fstart = 0, raw = 0;
    int nf = 0, ch;
    char why[96];

    *fields = NULL;
    *nfields = 0;
    c->err[0] = '\0';
    if (!c->bom_checked)
        csv_skip_bom(c);

    if (csv_skip_empty(c) == EOF)
        return c->read_err == 1 ? csv_read_error(c) : 0;
    c->row_line = c->line + 1;

    for (;;) {
        ch = csv_getc(c);
        if (ch != EOF && ++raw > CSV_MAX_ROW) {
            snprintf(why, sizeof(why), "row longer than %d bytes%s", CSV_MAX_ROW,
                     st == CSV_QUOTED ? " (unterminated quote?)" : "");
            return csv_reject(c, ch, why);
        }
        switch (st) {
        case CSV_FIELD_START:
            if (ch == ' ' || ch == '\t')
                continue;
            if (ch == '"') {
                st = CSV_QUOTED;
                continue;
            }
            st = CSV_UNQUOTED;
            /* fall through */
        case CSV_UNQUOTED:
            if (ch == '\r' && csv_peekc(c) == '\n')
                continue;
            if (ch == ',' || ch == '\n' || ch == EOF) {
                while (len > fstart && (c->row[len - 1] == ' ' || c->row[len - 1] == '\t'))
                    len--;
                break; /* end of field, below */
            }
            c->row[len++] = (char)ch;
            continue;
        case CSV_QUOTED:
            if (ch == EOF)
                return csv_reject(c, ch, "unterminated quote");
            if (ch == '"') {
                if (csv_peekc(c) == '"') {
                    csv_getc(c);
                    raw++;
                    c->row[len++] = '"';
                } else {
                    st = CSV_AFTER_QUOTE;
                }
                continue;
            }
            if (ch == '\n')
                c->line++;
            c->row[len++] = (char)ch;
            continue;
        case CSV_AFTER_QUOTE:
            if (ch == ' ' || ch == '\t' || (ch == '\r' && csv_peekc(c) == '\n'))
                continue;
            if (ch != ',' && ch != '\n' && ch != EOF)
                return csv_reject(c, ch, "text after a closing quote");
            break;
        }

        /* A field ends at ch, which is ',', '\n' or EOF. */
        if (nf == CSV_MAX_FIELDS) {
            snprintf(why, sizeof(why), "more than %d fields", CSV_MAX_FIELDS);
            return csv_reject(c, ch, why);
        }
        c->row[len++] = '\0';
        c->fields[nf++] = c->row + fstart;
        fstart = len;
        if (ch == ',') {
            st = CSV_FIELD_START;
            continue;
        }
        if (ch == '\n')
            c->line++;
        else if (c->read_err == 1)
            return csv_read_error(c); /* the row may be cut short */
        break;
    }
    *fields = c->fields;
    *nfields = nf;
    return 1;
}

static int csv_loose_eq(const char *a, const char *b)
{
    for (;;) {
        if (*a == ' ' && *b == ' ') {
            while (*a == ' ')
                a++;
            while (*b == ' ')
                b++;
            continue;
        }
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
        if (*a == '\0')
            return 1;
        a++;
        b++;
    }
}

int csv_header_find(char *const *fields, int nfields, const char *name)
{
    int i;

    for (i = 0; i < nfields; i++)
        if (csv_loose_eq(fields[i], name))
            return i;
    return -1;
}

int csv_parse_double(const char *s, double *out)
{
    const char *p = s;
    char *end;
    int digits = 0;
    double v;

    /* strtod() alone would also take "inf", "nan", hex and leading spaces. */
    if (*p == '+' || *p == '-')
        p++;
    for (; isdigit((unsigned char)*p); p++)
        digits++;
    if (*p == '.')
        for (p++; isdigit((unsigned char)*p); p++)
            digits++;
    if (digits == 0)
        return -1;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!isdigit((unsigned char)*p))
            return -1;
        while (isdigit((unsigned char)*p))
            p++;
    }
    if (*p != '\0')
        return -1;
    errno = 0;
    v = strtod(s, &end);
    if (end != p || errno == ERANGE || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}
