/* ECB euro reference rates in every layout the ECB publishes: CSV, XML, the history zip. */
#define _GNU_SOURCE /* fopencookie(): the zip's CSV is read through the one CSV reader */
#include "conf/datafile.h"

#include <ctype.h>
#include <expat.h>
#include <limits.h>
#include <zip.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf/csv.h"
#include "conf/xlsx.h"

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

/* Reads the CSV layouts from fp (borrowed); path names it in messages. */
static int ecb_read_csv(FILE *fp, const char *path, const struct ecb_cbs *cbs,
                        struct conf_errs *errs)
{
    struct ecb_layout *L = NULL;
    struct ecb_rate rate;
    csv *c = NULL;
    char **f;
    const char *s;
    long line;
    int n, r, i, ndelivered = 0, rc = -1;

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
            if (s[0] == '\0' || strcmp(s, "N/A") == 0) {
                if (cbs->skip != NULL)
                    cbs->skip(cbs->arg, line, L->code[i], "no rate");
                continue;
            }
            if (csv_parse_double(s, &rate.rate) < 0 || !(rate.rate > 0)) {
                conf_errs_add(errs, path, line, "%s: bad rate \"%s\"", L->code[i], s);
                continue;
            }
            memcpy(rate.currency, L->code[i], sizeof(rate.currency));
            if (cbs->rate(cbs->arg, &rate) != 0)
                goto out;
            ndelivered++;
        }
    }
    rc = ndelivered;
out:
    free(L);
    csv_close(c);
    return rc;
}

/* ---- The XML files: <Cube time="2017-03-08"><Cube currency="USD" rate="1.0555"/>... ---- */

struct ecb_xml {
    XML_Parser p;
    const char *path;
    const struct ecb_cbs *cbs;
    struct conf_errs *errs;
    struct ecb_rate rate;
    int have_date, stopped, ndelivered;
};

static const char *ecb_lname(const char *n)
{
    const char *c = strrchr(n, ':');
    return c ? c + 1 : n;
}

static void ecb_xml_start(void *ud, const char *name, const char **a)
{
    struct ecb_xml *x = ud;
    const char *time = NULL, *cur = NULL, *rate = NULL;
    long line = (long)XML_GetCurrentLineNumber(x->p);

    if (x->stopped || strcmp(ecb_lname(name), "Cube") != 0)
        return;
    for (; a[0] != NULL; a += 2) {
        if (strcmp(a[0], "time") == 0)
            time = a[1];
        else if (strcmp(a[0], "currency") == 0)
            cur = a[1];
        else if (strcmp(a[0], "rate") == 0)
            rate = a[1];
    }
    if (time != NULL) {
        x->have_date = ecb_parse_date(time, x->rate.date) == 0;
        if (!x->have_date)
            conf_errs_add(x->errs, x->path, line, "bad date \"%s\"", time);
        return;
    }
    if (cur == NULL)
        return;
    if (!x->have_date) {
        conf_errs_add(x->errs, x->path, line, "%s: a rate without a dated Cube around it", cur);
        return;
    }
    if (!ecb_is_code(cur)) {
        conf_errs_add(x->errs, x->path, line, "\"%s\" is not a currency code", cur);
        return;
    }
    if (rate == NULL || rate[0] == '\0' || strcmp(rate, "N/A") == 0) {
        if (x->cbs->skip != NULL)
            x->cbs->skip(x->cbs->arg, line, cur, "no rate");
        return;
    }
    if (csv_parse_double(rate, &x->rate.rate) < 0 || !(x->rate.rate > 0)) {
        conf_errs_add(x->errs, x->path, line, "%s: bad rate \"%s\"", cur, rate);
        return;
    }
    memcpy(x->rate.currency, cur, 4);
    x->rate.line = line;
    if (x->cbs->rate(x->cbs->arg, &x->rate) != 0) {
        x->stopped = 1;
        XML_StopParser(x->p, XML_FALSE);
        return;
    }
    x->ndelivered++;
}

static void ecb_xml_end(void *ud, const char *name)
{
    struct ecb_xml *x = ud;

    (void)name; /* a dated Cube stays in force until the next one */
    x->rate.currency[0] = '\0';
}

static int ecb_read_xml(const char *path, const struct ecb_cbs *cbs, struct conf_errs *errs)
{
    struct ecb_xml x;
    char buf[16384];
    FILE *fp = NULL;
    size_t n;
    int rc = -1, errors = errs->count;

    memset(&x, 0, sizeof(x));
    x.path = path;
    x.cbs = cbs;
    x.errs = errs;
    if ((fp = fopen(path, "rb")) == NULL) {
        conf_errs_add(errs, path, 0, "cannot open: %s", strerror(errno));
        return -1;
    }
    if ((x.p = XML_ParserCreate(NULL)) == NULL) {
        conf_errs_add(errs, path, 0, "out of memory");
        goto out;
    }
    XML_SetUserData(x.p, &x);
    XML_SetElementHandler(x.p, ecb_xml_start, ecb_xml_end);
    do {
        n = fread(buf, 1, sizeof(buf), fp);
        if (ferror(fp)) {
            conf_errs_add(errs, path, 0, "read error: %s", strerror(errno));
            goto out;
        }
        if (XML_Parse(x.p, buf, (int)n, n == 0) == XML_STATUS_ERROR) {
            if (x.stopped)
                goto out;
            conf_errs_add(errs, path, (long)XML_GetCurrentLineNumber(x.p), "XML error: %s",
                          XML_ErrorString(XML_GetErrorCode(x.p)));
            goto out;
        }
    } while (n > 0);
    if (x.ndelivered == 0 && errs->count == errors) {
        conf_errs_add(errs, path, 0,
                      "no rates: not the ECB's euro reference rates XML (Cube elements with "
                      "time, currency and rate)");
        goto out;
    }
    rc = x.ndelivered;
out:
    if (x.p != NULL)
        XML_ParserFree(x.p);
    fclose(fp);
    return rc;
}

/* ---- The history zip: eurofxref-hist.zip holds eurofxref-hist.csv ---- */

static ssize_t zip_cookie_read(void *cookie, char *buf, size_t size)
{
    zip_int64_t n = zip_fread(cookie, buf, size);
    return n < 0 ? -1 : (ssize_t)n;
}

/* The index of the zip's one CSV file, or -1 (none, or more than one: which would it be?). */
static zip_int64_t zip_the_csv(zip_t *za)
{
    zip_int64_t i, n = zip_get_num_entries(za, 0), found = -1;

    for (i = 0; i < n; i++) {
        const char *name = zip_get_name(za, (zip_uint64_t)i, 0);
        size_t len = name ? strlen(name) : 0;
        if (len < 4 || strcasecmp(name + len - 4, ".csv") != 0)
            continue;
        if (found >= 0)
            return -1;
        found = i;
    }
    return found;
}

/* Opens the zip's one CSV as a FILE (fclose() it, then zip_fclose(*zf), zip_discard(*za)). */
static FILE *zip_csv_open(const char *path, zip_t **za, zip_file_t **zf, char *name, size_t namesz)
{
    cookie_io_functions_t io = {zip_cookie_read, NULL, NULL, NULL};
    zip_int64_t i;
    FILE *fp;

    *zf = NULL;
    if ((*za = zip_open(path, ZIP_RDONLY, NULL)) == NULL)
        return NULL;
    if ((i = zip_the_csv(*za)) < 0 || (*zf = zip_fopen_index(*za, (zip_uint64_t)i, 0)) == NULL)
        return NULL;
    snprintf(name, namesz, "%s(%s)", path, zip_get_name(*za, (zip_uint64_t)i, 0));
    if ((fp = fopencookie(*zf, "r", io)) == NULL)
        return NULL;
    return fp;
}

static void zip_csv_close(FILE *fp, zip_t *za, zip_file_t *zf)
{
    if (fp != NULL)
        fclose(fp);
    if (zf != NULL)
        zip_fclose(zf);
    if (za != NULL)
        zip_discard(za);
}

static int ecb_read_zip(const char *path, const struct ecb_cbs *cbs, struct conf_errs *errs)
{
    char name[PATH_MAX + 64];
    zip_t *za = NULL;
    zip_file_t *zf = NULL;
    FILE *fp = zip_csv_open(path, &za, &zf, name, sizeof(name));
    int rc;

    if (fp == NULL) {
        conf_errs_add(errs, path, 0,
                      "not the ECB's history zip: it must hold exactly one .csv file "
                      "(eurofxref-hist.csv)");
        zip_csv_close(NULL, za, zf);
        return -1;
    }
    rc = ecb_read_csv(fp, name, cbs, errs);
    zip_csv_close(fp, za, zf);
    if (rc == 0) {
        conf_errs_add(errs, name, 0, "no rates in the file");
        rc = -1;
    }
    return rc;
}

/* Whether the file starts like XML (after a byte order mark and spaces). */
static int looks_like_xml(const char *path)
{
    unsigned char b[64];
    FILE *fp = fopen(path, "rb");
    size_t n, i = 0;

    if (fp == NULL)
        return 0;
    n = fread(b, 1, sizeof(b), fp);
    fclose(fp);
    if (n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF)
        i = 3;
    while (i < n && isspace(b[i]))
        i++;
    return i < n && b[i] == '<';
}

int conf_ecb_zip_header(const char *path, char *line, size_t linesz)
{
    char name[PATH_MAX + 64];
    zip_t *za = NULL;
    zip_file_t *zf = NULL;
    FILE *fp = zip_csv_open(path, &za, &zf, name, sizeof(name));
    int rc = -1;

    if (fp != NULL && fgets(line, (int)linesz, fp) != NULL)
        rc = 0;
    zip_csv_close(fp, za, zf);
    return rc;
}

int conf_ecb_read_cbs(const char *path, const struct ecb_cbs *cbs, struct conf_errs *errs)
{
    FILE *fp;
    int rc;

    if (xlsx_is_zip(path))
        return ecb_read_zip(path, cbs, errs);
    if (looks_like_xml(path))
        return ecb_read_xml(path, cbs, errs);
    if ((fp = fopen(path, "r")) == NULL) {
        conf_errs_add(errs, path, 0, "cannot open: %s", strerror(errno));
        return -1;
    }
    rc = ecb_read_csv(fp, path, cbs, errs);
    fclose(fp);
    return rc;
}

int conf_ecb_read(const char *path, int (*cb)(void *arg, const struct ecb_rate *r), void *arg,
                  struct conf_errs *errs)
{
    struct ecb_cbs cbs = {cb, NULL, arg};

    return conf_ecb_read_cbs(path, &cbs, errs);
}
