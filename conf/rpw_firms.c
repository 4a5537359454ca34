/* The World Bank RPW firm-level dataset, as published (.xlsx) or exported to CSV: a pure
 * streaming reader. */
#include "conf/datafile.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "conf/csv.h"
#include "conf/xlsx.h"

enum fcol {
    C_PERIOD,
    C_SRC,
    C_DST,
    C_FIRM,
    C_TRANSPARENT,
    C_CC1_AMOUNT,
    C_CC1_CCY,
    C_CC1_FEE,
    C_CC1_MARGIN,
    C_CC1_TOTAL,
    C_CC2_AMOUNT,
    C_CC2_CCY,
    C_CC2_FEE,
    C_CC2_MARGIN,
    C_CC2_TOTAL,
    /* optional from here */
    C_CC1_DENOM,
    C_CC2_DENOM,
    C_FIRM_TYPE,
    C_PRODUCT,
    C_INSTRUMENT,
    C_ACCESS,
    C_PICKUP,
    C_PICKUP_OLD,
    C_SPEED,
    C_NCOLS
};
#define C_FIRST_CC2      C_CC2_AMOUNT
#define C_FIRST_OPTIONAL C_CC1_DENOM

static const char *const col_names[C_NCOLS] = {
    [C_PERIOD] = "period",
    [C_SRC] = "source_code",
    [C_DST] = "destination_code",
    [C_FIRM] = "firm",
    [C_TRANSPARENT] = "transparent",
    [C_CC1_AMOUNT] = "cc1 lcu amount",
    [C_CC1_CCY] = "cc1 lcu code",
    [C_CC1_FEE] = "cc1 lcu fee",
    [C_CC1_MARGIN] = "cc1 fx margin",
    [C_CC1_TOTAL] = "cc1 total cost %",
    [C_CC2_AMOUNT] = "cc2 lcu amount",
    [C_CC2_CCY] = "cc2 lcu code",
    [C_CC2_FEE] = "cc2 lcu fee",
    [C_CC2_MARGIN] = "cc2 fx margin",
    [C_CC2_TOTAL] = "cc2 total cost %",
    [C_CC1_DENOM] = "cc1 denomination amount",
    [C_CC2_DENOM] = "cc2 denomination amount",
    [C_FIRM_TYPE] = "firm_type",
    [C_PRODUCT] = "product",
    [C_INSTRUMENT] = "payment instrument",
    [C_ACCESS] = "access point",
    [C_PICKUP] = "pickup method",
    [C_PICKUP_OLD] = "pick-up method",
    [C_SPEED] = "speed actual",
};

static const char *const skip_names[RPW_SKIP__COUNT] = {
    [RPW_SKIP_CSV] = "unreadable CSV row",
    [RPW_SKIP_FIELDS] = "too few fields",
    [RPW_SKIP_PERIOD] = "bad period",
    [RPW_SKIP_CODE] = "bad country code",
    [RPW_SKIP_COUNTRY] = "country not in the content",
    [RPW_SKIP_FIRM] = "no firm name",
    [RPW_SKIP_NUMBER] = "bad number",
    [RPW_SKIP_TRANSPARENT] = "transparent not yes or no",
    [RPW_SKIP_NO_PRICE] = "no complete quote",
    [RPW_SKIP_IMPLAUSIBLE] = "implausible cost",
};

const char *conf_rpw_skip_name(enum rpw_skip why)
{
    return (unsigned)why < RPW_SKIP__COUNT ? skip_names[why] : "?";
}

/* Trims spaces in place and returns the start. */
static char *trim(char *s)
{
    char *e;

    while (isspace((unsigned char)*s))
        s++;
    e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

/* No data: empty, "..", or the spelled-out forms some exports use. */
static int is_nodata(const char *s)
{
    return s[0] == '\0' || strcmp(s, "..") == 0 || strcmp(s, "-") == 0 ||
           strcasecmp(s, "n/a") == 0 || strcasecmp(s, "na") == 0;
}

/*
 * A number as the exports hold it, text included: " 12.5 ", "1,000.00", "3.2%". Returns 1 with
 * *out, 0 for no data, -1 if it is not a number.
 */
static int cell_number(const char *cell, double *out)
{
    char buf[64], *s;
    size_t i, o = 0;

    snprintf(buf, sizeof(buf), "%s", cell);
    s = trim(buf);
    if (is_nodata(s))
        return 0;
    if (strlen(cell) >= sizeof(buf))
        return -1;
    for (i = 0; s[i]; i++) {
        /* A comma grouping thousands: followed by three digits and then the end or a point. */
        if (s[i] == ',' && i > 0 && isdigit((unsigned char)s[i - 1]) &&
            strspn(s + i + 1, "0123456789") == 3 && (s[i + 4] == '\0' || s[i + 4] == '.'))
            continue;
        if (s[i] == '%' && s[i + 1] == '\0')
            break;
        s[o++] = s[i];
    }
    s[o] = '\0';
    return csv_parse_double(trim(s), out) == 0 ? 1 : -1;
}

/* "2016_2Q" (the dataset's own), "2016Q2", "2016-Q2", "2016_Q2", "Q2 2016" -> "2016Q2". */
static int parse_period(const char *cell, char out[8])
{
    char buf[16], *s;
    int year = -1, q = -1;

    snprintf(buf, sizeof(buf), "%s", cell);
    s = trim(buf);
    if (strlen(s) >= 6 && isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[3])) {
        const char *r = s + 4;
        if (*r == '_' || *r == '-' || *r == ' ')
            r++;
        if ((r[0] == 'Q' || r[0] == 'q') && r[1] >= '1' && r[1] <= '4' && r[2] == '\0')
            q = r[1] - '0';
        else if (r[0] >= '1' && r[0] <= '4' && (r[1] == 'Q' || r[1] == 'q') && r[2] == '\0')
            q = r[0] - '0';
        if (q > 0 && strspn(s, "0123456789") == 4)
            year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    } else if ((s[0] == 'Q' || s[0] == 'q') && s[1] >= '1' && s[1] <= '4' && s[2] == ' ' &&
               strlen(s + 3) == 4 && strspn(s + 3, "0123456789") == 4) {
        q = s[1] - '0';
        year = (s[3] - '0') * 1000 + (s[4] - '0') * 100 + (s[5] - '0') * 10 + (s[6] - '0');
    }
    if (year < 1990 || year > 2099 || q < 1)
        return -1;
    snprintf(out, 8, "%04dQ%d", year, q);
    return 0;
}

static int parse_iso3(const char *cell, char out[4])
{
    char buf[8], *s;
    int i;

    snprintf(buf, sizeof(buf), "%s", cell);
    s = trim(buf);
    if (strlen(s) != 3)
        return -1;
    for (i = 0; i < 3; i++) {
        if (!isalpha((unsigned char)s[i]))
            return -1;
        out[i] = (char)toupper((unsigned char)s[i]);
    }
    out[3] = '\0';
    return 0;
}

/* 1 yes, 0 no, -1 no data, -2 anything else. Capitalisation varies in the data. */
static int parse_yes_no(const char *cell)
{
    char buf[16], *s;

    snprintf(buf, sizeof(buf), "%s", cell);
    s = trim(buf);
    if (is_nodata(s))
        return -1;
    if (strcasecmp(s, "yes") == 0 || strcasecmp(s, "y") == 0 || strcasecmp(s, "true") == 0 ||
        strcmp(s, "1") == 0)
        return 1;
    if (strcasecmp(s, "no") == 0 || strcasecmp(s, "n") == 0 || strcasecmp(s, "false") == 0 ||
        strcmp(s, "0") == 0)
        return 0;
    return -2;
}

struct reader {
    int col[C_NCOLS];
    int ncc;  /* 1 or 2 sets of quote columns */
    int need; /* fields a row must have */
    const struct rpw_firm_cbs *cbs;
};

static const char *cell(char **f, const struct reader *rd, enum fcol c)
{
    return rd->col[c] >= 0 ? f[rd->col[c]] : "";
}

/* Reads quote k of a row; returns 0, or -1 with the column at fault in *bad. */
static int read_cc(const struct reader *rd, char **f, int k, int transparent, struct rpw_cc *cc,
                   enum rpw_skip *why, const char **bad)
{
    const enum fcol amount = k ? C_CC2_AMOUNT : C_CC1_AMOUNT, ccy = k ? C_CC2_CCY : C_CC1_CCY,
                    fee = k ? C_CC2_FEE : C_CC1_FEE, margin = k ? C_CC2_MARGIN : C_CC1_MARGIN,
                    total = k ? C_CC2_TOTAL : C_CC1_TOTAL, denom = k ? C_CC2_DENOM : C_CC1_DENOM;
    double t = 0, dn = 0;
    int has_total, has_amount, r;

    memset(cc, 0, sizeof(*cc));
    cc->denom = k ? 500 : 200;
#define NUM(col, dst, flag)                                                                        \
    do {                                                                                           \
        if ((r = cell_number(cell(f, rd, col), dst)) < 0) {                                        \
            *why = RPW_SKIP_NUMBER;                                                                \
            *bad = col_names[col];                                                                 \
            return -1;                                                                             \
        }                                                                                          \
        flag = r;                                                                                  \
    } while (0)
    NUM(amount, &cc->amount, has_amount);
    NUM(fee, &cc->fee, cc->has_fee);
    NUM(margin, &cc->margin, cc->has_margin);
    NUM(total, &t, has_total);
    if (rd->col[denom] >= 0) {
        int has_denom;
        NUM(denom, &dn, has_denom);
        if (has_denom && dn > 0)
            cc->denom = dn;
    }
#undef NUM
    if (!has_amount || parse_iso3(cell(f, rd, ccy), cc->ccy) < 0)
        return 0; /* this denomination was not surveyed */
    if (!(cc->amount > 0) || (cc->has_fee && cc->fee < 0)) {
        *why = RPW_SKIP_IMPLAUSIBLE;
        *bad = col_names[cc->amount > 0 ? fee : amount];
        return -1;
    }
    /* transparent = no stores the margin as 0: the real margin is unknown, never 0. */
    if (!transparent)
        cc->has_margin = 0;
    if (cc->has_fee && cc->has_margin)
        cc->total_pct = has_total ? t : cc->fee / cc->amount * 100.0 + cc->margin;
    else if (cc->has_fee)
        cc->total_pct = cc->fee / cc->amount * 100.0;
    else
        return 0; /* no fee: nothing we can show */
    if (cc->total_pct < -100 || cc->total_pct > 100) {
        *why = RPW_SKIP_IMPLAUSIBLE;
        *bad = col_names[total];
        return -1;
    }
    cc->has = 1;
    return 0;
}

/* Checks one data row and fills r; returns 0, or -1 with the reason. */
static int read_row(const struct reader *rd, char **f, int n, struct rpw_firm_row *r,
                    enum rpw_skip *why, const char **bad)
{
    const char *parts[3];
    size_t len = 0;
    int i, k, yn;

    *bad = "";
    if (n < rd->need) {
        *why = RPW_SKIP_FIELDS;
        return -1;
    }
    if (parse_period(cell(f, rd, C_PERIOD), r->period) < 0) {
        *why = RPW_SKIP_PERIOD;
        *bad = cell(f, rd, C_PERIOD);
        return -1;
    }
    if (parse_iso3(cell(f, rd, C_SRC), r->src_iso3) < 0 ||
        parse_iso3(cell(f, rd, C_DST), r->dst_iso3) < 0) {
        *why = RPW_SKIP_CODE;
        return -1;
    }
    r->firm = trim(f[rd->col[C_FIRM]]);
    if (is_nodata(r->firm)) {
        *why = RPW_SKIP_FIRM;
        return -1;
    }
    r->firm_type = rd->col[C_FIRM_TYPE] >= 0 ? trim(f[rd->col[C_FIRM_TYPE]]) : "";
    r->speed = rd->col[C_SPEED] >= 0 ? trim(f[rd->col[C_SPEED]]) : "";
    r->pickup = rd->col[C_PICKUP] >= 0       ? trim(f[rd->col[C_PICKUP]])
                : rd->col[C_PICKUP_OLD] >= 0 ? trim(f[rd->col[C_PICKUP_OLD]])
                                             : "";
    if (is_nodata(r->speed))
        r->speed = "";
    if (is_nodata(r->pickup))
        r->pickup = "";
    /* The product: the older layout names it; the current one describes it by instrument,
     * access point and pickup method. */
    if (rd->col[C_PRODUCT] >= 0) {
        parts[0] = trim(f[rd->col[C_PRODUCT]]);
        parts[1] = parts[2] = "";
    } else {
        parts[0] = trim((char *)cell(f, rd, C_INSTRUMENT));
        parts[1] = trim((char *)cell(f, rd, C_ACCESS));
        parts[2] = r->pickup;
    }
    r->product[0] = '\0';
    for (i = 0; i < 3; i++) {
        int w;
        if (is_nodata(parts[i]))
            continue;
        w = snprintf(r->product + len, sizeof(r->product) - len, "%s%s", len ? "/" : "", parts[i]);
        if (w < 0 || (size_t)w >= sizeof(r->product) - len)
            break;
        len += (size_t)w;
    }
    if (r->product[0] == '\0')
        snprintf(r->product, sizeof(r->product), "-");
    yn = parse_yes_no(cell(f, rd, C_TRANSPARENT));
    if (yn == -2) {
        *why = RPW_SKIP_TRANSPARENT;
        *bad = cell(f, rd, C_TRANSPARENT);
        return -1;
    }
    /* No word either way: disclosed only if a margin is given. */
    r->transparent = yn >= 0 ? yn : 1;
    for (k = 0; k < 2; k++) {
        if (k >= rd->ncc) {
            memset(&r->cc[k], 0, sizeof(r->cc[k]));
            continue;
        }
        if (read_cc(rd, f, k, r->transparent, &r->cc[k], why, bad) < 0)
            return -1;
    }
    if (!r->cc[0].has && !r->cc[1].has) {
        *why = RPW_SKIP_NO_PRICE;
        return -1;
    }
    return 0;
}

static long file_size(FILE *fp)
{
    struct stat st;

    return fstat(fileno(fp), &st) == 0 ? (long)st.st_size : 0;
}

/* Fills rd's columns from a header row; returns the index of the first required column
 * missing (C_FIRST_CC2 or more when none is). */
static int layout(struct reader *rd, char **f, int n)
{
    int i;

    rd->need = 0;
    for (i = 0; i < C_NCOLS; i++) {
        rd->col[i] = csv_header_find(f, n, col_names[i]);
        if (rd->col[i] + 1 > rd->need)
            rd->need = rd->col[i] + 1;
    }
    rd->ncc = 2;
    for (i = C_FIRST_CC2; i < C_FIRST_OPTIONAL; i++)
        if (rd->col[i] < 0)
            rd->ncc = 1; /* cc2 only when all of its columns are there */
    for (i = 0; i < C_FIRST_CC2; i++)
        if (rd->col[i] < 0)
            return i;
    return C_FIRST_CC2;
}

/* Checks one data row and hands it on, or hands on why it is skipped. 0, or -1 to stop. */
static int deliver(const struct reader *rd, char **f, int n, long line, long *good)
{
    struct rpw_firm_row row;
    enum rpw_skip why;
    const char *bad;

    memset(&row, 0, sizeof(row));
    row.line = line;
    if (read_row(rd, f, n, &row, &why, &bad) < 0) {
        rd->cbs->skip(rd->cbs->arg, line, why, bad);
        return 0;
    }
    if (rd->cbs->row(rd->cbs->arg, &row) < 0)
        return -1;
    (*good)++;
    return 0;
}

/* ---- The workbook as published (.xlsx) ---- */

/* A sheet is the dataset when one of its first rows is the header row: the title rows some
 * editions put above it are passed over, and a sheet of notes is not read to its end. */
#define RPW_XLSX_HEADER_ROWS 20

struct xreader {
    struct reader rd;
    int have_header;
    long scanned, good, header_row;
};

static int xlsx_row(void *arg, char **cells, int n, long rownum)
{
    struct xreader *x = arg;

    if (!x->have_header) {
        if (n > 0 && layout(&x->rd, cells, n) >= C_FIRST_CC2) {
            x->have_header = 1;
            x->header_row = rownum;
            return 0;
        }
        return ++x->scanned >= RPW_XLSX_HEADER_ROWS ? 1 : 0;
    }
    if (n < 0) {
        x->rd.cbs->skip(x->rd.cbs->arg, rownum, RPW_SKIP_CSV, "row longer than 64 KiB");
        return 0;
    }
    /* A writer leaves out trailing empty cells; the reader's cells past n are "". */
    return deliver(&x->rd, cells, n < x->rd.need ? x->rd.need : n, rownum, &x->good);
}

static void xlsx_progress(void *arg, long done, long total)
{
    struct xreader *x = arg;

    if (x->rd.cbs->progress != NULL)
        x->rd.cbs->progress(x->rd.cbs->arg, done, total);
}

static long firms_read_xlsx(const char *path, const struct rpw_firm_cbs *cbs,
                            struct conf_errs *errs)
{
    struct xreader x;
    char why[160], names[400] = "";
    size_t nl = 0;
    long delivered = -1;
    int i, taken = 0, w;
    xlsx *wb;

    if ((wb = xlsx_open(path, errs)) == NULL)
        return -1;
    memset(&x, 0, sizeof(x));
    x.rd.cbs = cbs;
    for (i = 0; i < xlsx_nsheets(wb); i++) {
        const char *name = xlsx_sheet_name(wb, i);

        x.have_header = 0;
        x.scanned = 0;
        if (cbs->sheet != NULL)
            cbs->sheet(cbs->arg, name, -1, "");
        if (xlsx_sheet_rows(wb, i, xlsx_row, xlsx_progress, &x, errs) < 0)
            goto out;
        if (x.have_header) {
            taken++;
            snprintf(why, sizeof(why), "the dataset: header on row %ld", x.header_row);
        } else {
            snprintf(why, sizeof(why),
                     "passed over: no firm-level header row (period, source_code, "
                     "destination_code, firm, ...) in its first %d rows",
                     RPW_XLSX_HEADER_ROWS);
        }
        if (cbs->sheet != NULL)
            cbs->sheet(cbs->arg, name, x.have_header, why);
        w = snprintf(names + nl, sizeof(names) - nl, "%s'%s'", nl ? ", " : "", name);
        if (w > 0 && (size_t)w < sizeof(names) - nl)
            nl += (size_t)w;
    }
    if (taken == 0) {
        conf_errs_add(errs, path, 0,
                      "no sheet of this workbook has the World Bank RPW firm-level header row "
                      "(period, source_code, destination_code, firm, transparent, cc1 ...); "
                      "sheets: %s",
                      names);
        goto out;
    }
    if (cbs->progress != NULL)
        cbs->progress(cbs->arg, xlsx_sheets_bytes(wb), xlsx_sheets_bytes(wb));
    delivered = x.good;
out:
    xlsx_close(wb);
    return delivered;
}

/* ---- The dataset exported to CSV ---- */

long conf_rpw_firms_read(const char *path, const struct rpw_firm_cbs *cbs, struct conf_errs *errs)
{
    struct reader rd;
    FILE *fp = NULL;
    csv *c = NULL;
    char **f;
    long delivered = -1, good = 0, size, last_progress = 0, nrows = 0;
    int n, rc, first;

    if (xlsx_is_zip(path))
        return firms_read_xlsx(path, cbs, errs);
    memset(&rd, 0, sizeof(rd));
    rd.cbs = cbs;
    if ((fp = fopen(path, "r")) == NULL) {
        conf_errs_add(errs, path, 0, "cannot open: %s", strerror(errno));
        goto out;
    }
    size = file_size(fp);
    if ((c = csv_open(fp)) == NULL) {
        conf_errs_add(errs, path, 0, "out of memory");
        goto out;
    }
    if (csv_next(c, &f, &n) != 1) {
        conf_errs_add(errs, path, 1, "no header row: not a World Bank RPW firm-level CSV");
        goto out;
    }
    if ((first = layout(&rd, f, n)) < C_FIRST_CC2) {
        int i;
        for (i = first; i < C_FIRST_CC2; i++)
            if (rd.col[i] < 0)
                conf_errs_add(errs, path, 1,
                              "missing column '%s' (a World Bank RPW firm-level CSV "
                              "needs period, source_code, destination_code, firm, transparent and "
                              "the cc1 quote columns)",
                              col_names[i]);
        goto out;
    }
    for (;;) {
        rc = csv_next(c, &f, &n);
        if (rc == 0)
            break;
        /* ftell() may cost a system call: look only every 4096 rows. */
        if (cbs->progress != NULL && (++nrows & 4095) == 0) {
            last_progress = ftell(fp);
            cbs->progress(cbs->arg, last_progress, size);
        }
        if (rc < 0) {
            if (ferror(fp)) {
                conf_errs_add(errs, path, csv_line(c), "read error: %s", strerror(errno));
                goto out;
            }
            cbs->skip(cbs->arg, csv_line(c), RPW_SKIP_CSV, csv_error(c));
            continue;
        }
        if (deliver(&rd, f, n, csv_line(c), &good) < 0)
            goto out;
    }
    if (cbs->progress != NULL)
        cbs->progress(cbs->arg, size, size);
    delivered = good;
out:
    csv_close(c);
    if (fp != NULL)
        fclose(fp);
    return delivered;
}
