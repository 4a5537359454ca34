#include "conf/datafile.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "conf/csv.h"
#include "util/log.h"

#define RPW_SERIES  "ATCR.CORR"
#define RPW_MAX_PCT 100.0

enum rpw_col { RPW_SRC_NAME, RPW_SRC_CODE, RPW_SERIES_CODE, RPW_DST_NAME, RPW_DST_CODE, RPW_NCOLS };

/* As DataBank exports them; csv_header_find() also takes one space where the original has two. */
static const char *const rpw_col_names[RPW_NCOLS] = {
    [RPW_SRC_NAME] = "Sending Countries Name",
    [RPW_SRC_CODE] = "Sending Countries Code",
    [RPW_SERIES_CODE] = "Series Code",
    [RPW_DST_NAME] = "Receiving Countries  Name",
    [RPW_DST_CODE] = "Receiving Countries  Code",
};

struct rpw_qcol {
    int idx;
    char period[8];
};

struct rpw_layout {
    int col[RPW_NCOLS];
    struct rpw_qcol q[RPW_MAX_QUARTERS]; /* sorted oldest first */
    int nq;
    int need; /* fields a row must have to reach every column used */
};

/* "2011Q1 [YR2011Q1]" or "2011Q1" -> "2011Q1"; -1 for any other header. */
static int rpw_parse_period(const char *h, char period[8])
{
    int i;

    for (i = 0; i < 4; i++)
        if (!isdigit((unsigned char)h[i]))
            return -1;
    if (h[4] != 'Q' || h[5] < '1' || h[5] > '4')
        return -1;
    if (h[6] != '\0' &&
        (strncmp(h + 6, " [YR", 4) != 0 || strncmp(h + 10, h, 6) != 0 || strcmp(h + 16, "]") != 0))
        return -1;
    memcpy(period, h, 6);
    period[6] = '\0';
    return 0;
}

static int is_iso3(const char *s)
{
    return strlen(s) == 3 && isupper((unsigned char)s[0]) && isupper((unsigned char)s[1]) &&
           isupper((unsigned char)s[2]);
}

/* Finds every column the reader needs; reports each one missing. Returns 0 or -1. */
static int rpw_layout(struct rpw_layout *L, char **f, int n, const char *path, long line,
                      struct conf_errs *errs)
{
    struct rpw_qcol qc;
    int i, j, rc = 0;

    memset(L, 0, sizeof(*L));
    for (i = 0; i < RPW_NCOLS; i++) {
        L->col[i] = csv_header_find(f, n, rpw_col_names[i]);
        if (L->col[i] < 0) {
            conf_errs_add(errs, path, line, "missing column \"%s\"", rpw_col_names[i]);
            rc = -1;
        } else if (L->col[i] + 1 > L->need) {
            L->need = L->col[i] + 1;
        }
    }
    for (i = 0; i < n; i++) {
        if (rpw_parse_period(f[i], qc.period) < 0)
            continue;
        if (L->nq == RPW_MAX_QUARTERS) {
            conf_errs_add(errs, path, line, "more than %d quarter columns", RPW_MAX_QUARTERS);
            return -1;
        }
        qc.idx = i;
        /* Insertion sort: the export is already in order, so this is one comparison each. */
        for (j = L->nq; j > 0 && strcmp(L->q[j - 1].period, qc.period) > 0; j--)
            L->q[j] = L->q[j - 1];
        if (j > 0 && strcmp(L->q[j - 1].period, qc.period) == 0) {
            conf_errs_add(errs, path, line, "quarter %s appears twice", qc.period);
            return -1;
        }
        L->q[j] = qc;
        L->nq++;
        if (i + 1 > L->need)
            L->need = i + 1;
    }
    if (L->nq == 0) {
        conf_errs_add(errs, path, line, "no quarter columns (\"2011Q1 [YR2011Q1]\")");
        rc = -1;
    }
    return rc;
}

/* Fills c from one data row. Returns 1 if it has values, 0 if only "..", -1 if reported. */
static int rpw_row(const struct rpw_layout *L, char **f, int n, struct rpw_corridor *c,
                   const char *path, long line, struct conf_errs *errs)
{
    const char *src, *dst, *series, *s;
    double v;
    int i, rc = 0;

    if (n < L->need) {
        conf_errs_add(errs, path, line, "row has %d fields, needs %d", n, L->need);
        return -1;
    }
    src = f[L->col[RPW_SRC_CODE]];
    dst = f[L->col[RPW_DST_CODE]];
    series = f[L->col[RPW_SERIES_CODE]];
    if (!is_iso3(src)) {
        conf_errs_add(errs, path, line, "bad sending country code \"%s\"", src);
        rc = -1;
    }
    if (!is_iso3(dst)) {
        conf_errs_add(errs, path, line, "bad receiving country code \"%s\"", dst);
        rc = -1;
    }
    /* Another series (say, the 500 USD cost) mixed in would silently corrupt the averages. */
    if (strcmp(series, RPW_SERIES) != 0) {
        conf_errs_add(errs, path, line, "series \"%s\" is not %s", series, RPW_SERIES);
        rc = -1;
    }
    c->nq = 0;
    for (i = 0; i < L->nq; i++) {
        s = f[L->q[i].idx];
        if (s[0] == '\0' || strcmp(s, "..") == 0)
            continue;
        if (csv_parse_double(s, &v) < 0) {
            conf_errs_add(errs, path, line, "%s: bad number \"%s\"", L->q[i].period, s);
            rc = -1;
        } else if (v < -RPW_MAX_PCT || v > RPW_MAX_PCT) {
            conf_errs_add(errs, path, line, "%s: cost %s%% is out of range -100..100",
                          L->q[i].period, s);
            rc = -1;
        } else {
            memcpy(c->q[c->nq].period, L->q[i].period, sizeof(c->q[0].period));
            c->q[c->nq].pct = v;
            c->nq++;
        }
    }
    if (rc < 0)
        return -1;
    memcpy(c->src_iso3, src, 4);
    memcpy(c->dst_iso3, dst, 4);
    c->src_name = f[L->col[RPW_SRC_NAME]];
    c->dst_name = f[L->col[RPW_DST_NAME]];
    c->line = line;
    return c->nq > 0;
}

int conf_rpw_corridors_read(const char *path, int (*cb)(void *arg, const struct rpw_corridor *c),
                            void *arg, struct conf_errs *errs)
{
    struct rpw_layout L;
    struct rpw_corridor cor;
    FILE *fp = NULL;
    csv *c = NULL;
    char **f;
    int n, r, ndelivered = 0, nskipped = 0, rc = -1;

    if ((fp = fopen(path, "r")) == NULL) {
        conf_errs_add(errs, path, 0, "cannot open: %s", strerror(errno));
        goto out;
    }
    if ((c = csv_open(fp)) == NULL) {
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
    if (rpw_layout(&L, f, n, path, csv_line(c), errs) < 0)
        goto out;

    while ((r = csv_next(c, &f, &n)) != 0) {
        if (r < 0) {
            conf_errs_add(errs, path, csv_line(c), "malformed row: %s", csv_error(c));
            continue;
        }
        r = rpw_row(&L, f, n, &cor, path, csv_line(c), errs);
        if (r == 0)
            nskipped++;
        if (r <= 0)
            continue;
        if (cb(arg, &cor) != 0)
            goto out;
        ndelivered++;
    }
    log_debug("rpw-corridors file=%s corridors=%d no-data=%d", path, ndelivered, nskipped);
    rc = ndelivered;
out:
    csv_close(c);
    if (fp != NULL)
        fclose(fp);
    return rc;
}
