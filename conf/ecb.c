#include "conf/datafile.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf/csv.h"

struct ecb_layout {
    int date_col;
    int ncur;
    int idx[CSV_MAX_FIELDS];
    char code[CSV_MAX_FIELDS][4];
    int need; /* fields a row must have to reach every column used */
};

static const char *const ecb_months[12] = {"January",   "February", "March",    "April",
                                           "May",       "June",     "July",     "August",
                                           "September", "October",  "November", "December"};

static int ecb_days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return days[m - 1];
}

/* Reads exactly n digits at *p, advancing it. Returns the value or -1. */
static int ecb_digits(const char **p, int n)
{
    int v = 0, i;

    for (i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return -1;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    return v;
}

/* "2026-04-13" (history) or "13 April 2026" / "13 Apr 2026" (daily) -> "2026-04-13". */
static int ecb_parse_date(const char *s, char out[11])
{
    const char *p = s, *word;
    char tmp[40];
    size_t wlen;
    int y, m = 0, d, i;

    if (strlen(s) == 10 && s[4] == '-' && s[7] == '-') {
        y = ecb_digits(&p, 4);
        p++;
        m = ecb_digits(&p, 2);
        p++;
        d = ecb_digits(&p, 2);
    } else {
        if (!isdigit((unsigned char)p[0]))
            return -1;
        d = ecb_digits(&p, isdigit((unsigned char)p[1]) ? 2 : 1);
        if (d < 0 || *p != ' ')
            return -1;
        while (*p == ' ')
            p++;
        for (word = p; isalpha((unsigned char)*p); p++)
            ;
        wlen = (size_t)(p - word);
        for (i = 0; i < 12 && m == 0; i++)
            if ((wlen == 3 || wlen == strlen(ecb_months[i])) &&
                strncasecmp(word, ecb_months[i], wlen) == 0)
                m = i + 1;
        if (m == 0 || *p != ' ')
            return -1;
        while (*p == ' ')
            p++;
        y = ecb_digits(&p, 4);
        if (*p != '\0')
            return -1;
    }
    if (y < 1999 || y > 9999 || m < 1 || m > 12 || d < 1 || d > ecb_days_in_month(y, m))
        return -1;
    /* The range checks above bound the output to 10 bytes; tmp only quiets -Wformat-truncation. */
    snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", y, m, d);
    memcpy(out, tmp, 11);
    return 0;
}

static int ecb_is_code(const char *s)
{
    return strlen(s) == 3 && isupper((unsigned char)s[0]) && isupper((unsigned char)s[1]) &&
           isupper((unsigned char)s[2]);
}

static int ecb_layout(struct ecb_layout *L, char **f, int n, const char *path, long line,
                      struct conf_errs *errs)
{
    int i;

    L->ncur = 0;
    L->date_col = csv_header_find(f, n, "Date");
    if (L->date_col < 0) {
        conf_errs_add(errs, path, line, "missing column \"Date\"");
        return -1;
    }
    L->need = L->date_col + 1;
    for (i = 0; i < n; i++) {
        if (i == L->date_col || f[i][0] == '\0')
            continue;
        if (!ecb_is_code(f[i])) {
            conf_errs_add(errs, path, line, "column \"%s\" is not a currency code", f[i]);
            continue;
        }
        L->idx[L->ncur] = i;
        memcpy(L->code[L->ncur], f[i], 4);
        L->ncur++;
        if (i + 1 > L->need)
            L->need = i + 1;
    }
    if (L->ncur == 0) {
        conf_errs_add(errs, path, line, "no currency columns");
        return -1;
    }
    return 0;
}

int conf_ecb_read(const char *path, int (*cb)(void *arg, const struct ecb_rate *r), void *arg,
                  struct conf_errs *errs)
{
    struct ecb_layout *L = NULL;
    struct ecb_rate rate;
    FILE *fp = NULL;
    csv *c = NULL;
    char **f;
    const char *s;
    long line;
    int n, r, i, ndelivered = 0, rc = -1;

    if ((fp = fopen(path, "r")) == NULL) {
        conf_errs_add(errs, path, 0, "cannot open: %s", strerror(errno));
        goto out;
    }
    /* The layout is 4 KiB of column tables: on the heap, like the reader, not the stack. */
    if ((c = csv_open(fp)) == NULL || (L = malloc(sizeof(*L))) == NULL) {
        conf_errs_add(errs, path, 0, "out of memory");
        goto out;
    }
    r = csv_next(c, &f, &n);
    if (r <= 0) {
        if (r == 0)
            conf_errs_add(errs, path, 0, "empty file");
        else
            conf_errs_add(errs, path, csv_line(c), "malformed header: %s", csv_error(c));
        goto out;
    }
    if (ecb_layout(L, f, n, path, csv_line(c), errs) < 0)
        goto out;

    while ((r = csv_next(c, &f, &n)) != 0) {
        line = csv_line(c);
        if (r < 0) {
            conf_errs_add(errs, path, line, "malformed row: %s", csv_error(c));
            continue;
        }
        if (n < L->need) {
            conf_errs_add(errs, path, line, "row has %d fields, needs %d", n, L->need);
            continue;
        }
        if (ecb_parse_date(f[L->date_col], rate.date) < 0) {
            conf_errs_add(errs, path, line, "bad date \"%s\"", f[L->date_col]);
            continue;
        }
        rate.line = line;
        for (i = 0; i < L->ncur; i++) {
            s = f[L->idx[i]];
            if (s[0] == '\0' || strcmp(s, "N/A") == 0)
                continue;
            if (csv_parse_double(s, &rate.rate) < 0 || !(rate.rate > 0)) {
                conf_errs_add(errs, path, line, "%s: bad rate \"%s\"", L->code[i], s);
                continue;
            }
            memcpy(rate.currency, L->code[i], sizeof(rate.currency));
            if (cb(arg, &rate) != 0)
                goto out;
            ndelivered++;
        }
    }
    rc = ndelivered;
out:
    free(L);
    csv_close(c);
    if (fp != NULL)
        fclose(fp);
    return rc;
}
