/* xlsx.c: the streaming workbook reader of xlsx.h. */
#include "conf/xlsx.h"

#include <expat.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zip.h>

#define XLSX_CHUNK      (64 * 1024)
#define XLSX_MAX_XFS    65536
#define XLSX_MAX_NUMFMT 1024

struct sheet {
    char name[128];
    char rid[32];
    char part[256]; /* "xl/worksheets/sheet1.xml" */
    long bytes;     /* uncompressed */
};

struct xlsx {
    char path[1024];
    zip_t *za;
    int nsheets;
    struct sheet sheets[XLSX_MAX_SHEETS];
    char sst_part[256], styles_part[256];
    int date1904;
    /* Cell styles (cellXfs) whose number format is a date. */
    unsigned char *xf_date;
    int nxf;
    /* Shared strings: NUL-terminated texts in one arena, found by offset. */
    char *sst;
    size_t sst_len, sst_cap;
    uint32_t *sst_off;
    long sst_n, sst_off_cap;
    long done, total; /* progress over the sheets */
};

/* ---- XML over zip ---- */

/* An element's name without its namespace prefix ("x:row" -> "row"). */
static const char *lname(const char *n)
{
    const char *c = strrchr(n, ':');
    return c ? c + 1 : n;
}

/* The value of attribute name (matched without prefix), or NULL. */
static const char *attr(const char **a, const char *name)
{
    for (; a[0] != NULL; a += 2)
        if (strcmp(lname(a[0]), name) == 0)
            return a[1];
    return NULL;
}

/* What every part's handler state starts with: the parser (to stop it) and why it stopped. */
struct xbase {
    XML_Parser p;
    int stop;   /* 1: stop reading, not an error */
    int failed; /* -1 from a callback: abort */
    char *err;  /* a problem found by a handler, for the message */
    size_t errsz;
};

static void xstop(struct xbase *b, int failed, const char *why)
{
    if (failed) {
        b->failed = 1;
        if (why != NULL && b->err != NULL && b->err[0] == '\0')
            snprintf(b->err, b->errsz, "%s", why);
    } else {
        b->stop = 1;
    }
    XML_StopParser(b->p, XML_FALSE);
}

/*
 * Parses part of x's zip with the handlers, b being the user data. 0 when the part was read
 * (or a handler asked to stop), -1 otherwise (said in errs). A missing part is -1 unless
 * optional, then 1.
 */
static int xml_part(xlsx *x, const char *part, int optional, struct xbase *b,
                    XML_StartElementHandler start, XML_EndElementHandler end,
                    XML_CharacterDataHandler chars, void (*progress)(void *, long, long),
                    void *parg, struct conf_errs *errs)
{
    char *buf = NULL, err[200] = "";
    zip_file_t *zf = NULL;
    XML_Parser p = NULL;
    zip_int64_t n;
    int rc = -1;

    if ((zf = zip_fopen(x->za, part, 0)) == NULL) {
        if (optional)
            return 1;
        conf_errs_add(errs, x->path, 0, "not a workbook: no part %s", part);
        return -1;
    }
    if ((buf = malloc(XLSX_CHUNK)) == NULL || (p = XML_ParserCreate(NULL)) == NULL) {
        conf_errs_add(errs, x->path, 0, "out of memory");
        goto out;
    }
    b->p = p;
    b->stop = b->failed = 0;
    b->err = err;
    b->errsz = sizeof(err);
    XML_SetUserData(p, b);
    XML_SetElementHandler(p, start, end);
    XML_SetCharacterDataHandler(p, chars);
    do {
        if ((n = zip_fread(zf, buf, XLSX_CHUNK)) < 0) {
            conf_errs_add(errs, x->path, 0, "%s: %s", part, zip_file_strerror(zf));
            goto out;
        }
        if (XML_Parse(p, buf, (int)n, n == 0) == XML_STATUS_ERROR) {
            if (b->stop && !b->failed)
                break;
            if (b->failed) {
                if (err[0])
                    conf_errs_add(errs, x->path, 0, "%s: %s", part, err);
                goto out;
            }
            conf_errs_add(errs, x->path, 0, "%s: XML error at line %lu: %s", part,
                          (unsigned long)XML_GetCurrentLineNumber(p),
                          XML_ErrorString(XML_GetErrorCode(p)));
            goto out;
        }
        if (progress != NULL) {
            x->done += (long)n;
            progress(parg, x->done, x->total);
        }
    } while (n > 0);
    rc = 0;
out:
    if (p != NULL)
        XML_ParserFree(p);
    free(buf);
    zip_fclose(zf);
    return rc;
}

/* ---- workbook.xml and its relationships ---- */

struct wb_ctx {
    struct xbase b;
    xlsx *x;
};

static void wb_start(void *ud, const char *name, const char **a)
{
    struct wb_ctx *c = ud;
    xlsx *x = c->x;
    const char *n = lname(name), *v;

    if (strcmp(n, "workbookPr") == 0 && (v = attr(a, "date1904")) != NULL)
        x->date1904 = strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0;
    if (strcmp(n, "sheet") == 0 && x->nsheets < XLSX_MAX_SHEETS) {
        struct sheet *s = &x->sheets[x->nsheets];
        const char *nm = attr(a, "name"), *id = attr(a, "id");
        if (nm == NULL || id == NULL)
            return;
        snprintf(s->name, sizeof(s->name), "%s", nm);
        snprintf(s->rid, sizeof(s->rid), "%s", id);
        x->nsheets++;
    }
}

static void rel_start(void *ud, const char *name, const char **a)
{
    struct wb_ctx *c = ud;
    xlsx *x = c->x;
    const char *id = attr(a, "Id"), *type = attr(a, "Type"), *target = attr(a, "Target"), *t;
    char part[256];
    size_t tl;
    int i;

    if (strcmp(lname(name), "Relationship") != 0 || id == NULL || type == NULL || target == NULL)
        return;
    /* Targets are relative to xl/, or absolute within the package. */
    if (target[0] == '/')
        snprintf(part, sizeof(part), "%s", target + 1);
    else
        snprintf(part, sizeof(part), "xl/%s", target);
    t = strrchr(type, '/');
    t = t ? t + 1 : type;
    tl = strlen(t);
    if (tl == strlen("sharedStrings") && strcmp(t, "sharedStrings") == 0)
        snprintf(x->sst_part, sizeof(x->sst_part), "%s", part);
    else if (strcmp(t, "styles") == 0)
        snprintf(x->styles_part, sizeof(x->styles_part), "%s", part);
    else if (strcmp(t, "worksheet") == 0)
        for (i = 0; i < x->nsheets; i++)
            if (strcmp(x->sheets[i].rid, id) == 0)
                snprintf(x->sheets[i].part, sizeof(x->sheets[i].part), "%s", part);
}

static void no_end(void *ud, const char *name)
{
    (void)ud;
    (void)name;
}

/* ---- styles.xml: which cell styles show a date ---- */

struct st_ctx {
    struct xbase b;
    xlsx *x;
    int in_xfs;
    int ncustom;
    int custom_id[XLSX_MAX_NUMFMT];
    unsigned char custom_date[XLSX_MAX_NUMFMT];
};

/* A format code shows a date when it has a day or year outside quotes and [brackets] ("m"
 * alone may be minutes). */
static int format_is_date(const char *code)
{
    int quoted = 0, bracket = 0;

    for (; *code; code++) {
        if (*code == '\\' && code[1]) {
            code++;
            continue;
        }
        if (*code == '"')
            quoted = !quoted;
        else if (!quoted && *code == '[')
            bracket = 1;
        else if (!quoted && *code == ']')
            bracket = 0;
        else if (!quoted && !bracket && strchr("dDyY", *code) != NULL)
            return 1;
    }
    return 0;
}

static int builtin_is_date(long id)
{
    return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
           (id >= 50 && id <= 58);
}

static void st_start(void *ud, const char *name, const char **a)
{
    struct st_ctx *c = ud;
    xlsx *x = c->x;
    const char *n = lname(name), *id = attr(a, "numFmtId");
    long fid = id ? strtol(id, NULL, 10) : 0;
    int i, date;

    if (strcmp(n, "numFmt") == 0 && id != NULL && c->ncustom < XLSX_MAX_NUMFMT) {
        const char *code = attr(a, "formatCode");
        c->custom_id[c->ncustom] = (int)fid;
        c->custom_date[c->ncustom] = code != NULL && format_is_date(code);
        c->ncustom++;
    } else if (strcmp(n, "cellXfs") == 0) {
        c->in_xfs = 1;
    } else if (strcmp(n, "xf") == 0 && c->in_xfs && x->nxf < XLSX_MAX_XFS) {
        date = builtin_is_date(fid);
        for (i = 0; i < c->ncustom; i++)
            if (c->custom_id[i] == fid)
                date = c->custom_date[i];
        x->xf_date[x->nxf++] = (unsigned char)date;
    }
}

static void st_end(void *ud, const char *name)
{
    struct st_ctx *c = ud;

    if (strcmp(lname(name), "cellXfs") == 0)
        c->in_xfs = 0;
}

/* ---- sharedStrings.xml ---- */

struct sst_ctx {
    struct xbase b;
    xlsx *x;
    int in_si, in_t, in_rph;
};

static int sst_append(xlsx *x, const char *s, size_t n)
{
    if (x->sst_len + n + 1 > x->sst_cap) {
        size_t cap = x->sst_cap ? x->sst_cap : 64 * 1024;
        char *p;
        while (cap < x->sst_len + n + 1)
            cap *= 2;
        if (cap > (size_t)XLSX_MAX_SST_BYTES)
            cap = (size_t)XLSX_MAX_SST_BYTES;
        if (x->sst_len + n + 1 > cap || (p = realloc(x->sst, cap)) == NULL)
            return -1;
        x->sst = p;
        x->sst_cap = cap;
    }
    memcpy(x->sst + x->sst_len, s, n);
    x->sst_len += n;
    return 0;
}

static void sst_start(void *ud, const char *name, const char **a)
{
    struct sst_ctx *c = ud;
    xlsx *x = c->x;
    const char *n = lname(name);

    (void)a;
    if (strcmp(n, "si") == 0) {
        if (x->sst_n >= x->sst_off_cap) {
            long cap = x->sst_off_cap ? x->sst_off_cap * 2 : 4096;
            uint32_t *p;
            if (cap > XLSX_MAX_SST_COUNT)
                cap = XLSX_MAX_SST_COUNT;
            if (x->sst_n >= cap || (p = realloc(x->sst_off, (size_t)cap * sizeof(*p))) == NULL) {
                xstop(&c->b, 1, "more shared strings than this reader holds");
                return;
            }
            x->sst_off = p;
            x->sst_off_cap = cap;
        }
        x->sst_off[x->sst_n] = (uint32_t)x->sst_len;
        c->in_si = 1;
    } else if (strcmp(n, "rPh") == 0) {
        c->in_rph++; /* phonetic reading of East Asian text: not part of the value */
    } else if (strcmp(n, "t") == 0 && c->in_si && c->in_rph == 0) {
        c->in_t = 1;
    }
}

static void sst_end(void *ud, const char *name)
{
    struct sst_ctx *c = ud;
    const char *n = lname(name);

    if (strcmp(n, "t") == 0) {
        c->in_t = 0;
    } else if (strcmp(n, "rPh") == 0) {
        c->in_rph--;
    } else if (strcmp(n, "si") == 0 && c->in_si) {
        c->in_si = 0;
        if (sst_append(c->x, "", 1) < 0) {
            xstop(&c->b, 1, "shared strings table larger than this reader holds");
            return;
        }
        c->x->sst_n++;
    }
}

static void sst_chars(void *ud, const char *s, int len)
{
    struct sst_ctx *c = ud;

    if (c->in_t && sst_append(c->x, s, (size_t)len) < 0)
        xstop(&c->b, 1, "shared strings table larger than this reader holds");
}

/* ---- Opening ---- */

int xlsx_is_zip(const char *path)
{
    unsigned char m[4] = {0};
    FILE *fp = fopen(path, "rb");
    size_t n;

    if (fp == NULL)
        return 0;
    n = fread(m, 1, 4, fp);
    fclose(fp);
    return n == 4 && m[0] == 'P' && m[1] == 'K' && m[2] == 3 && m[3] == 4;
}

int xlsx_is_workbook(const char *path)
{
    zip_t *za;
    int yes;

    if (!xlsx_is_zip(path) || (za = zip_open(path, ZIP_RDONLY, NULL)) == NULL)
        return 0;
    yes = zip_name_locate(za, "xl/workbook.xml", 0) >= 0;
    zip_close(za);
    return yes;
}

xlsx *xlsx_open(const char *path, struct conf_errs *errs)
{
    struct wb_ctx wc;
    struct st_ctx *sc = NULL;
    struct sst_ctx ssc;
    zip_stat_t zs;
    xlsx *x;
    int zerr = 0, i, j;

    if ((x = calloc(1, sizeof(*x))) == NULL) {
        conf_errs_add(errs, path, 0, "out of memory");
        return NULL;
    }
    snprintf(x->path, sizeof(x->path), "%s", path);
    snprintf(x->sst_part, sizeof(x->sst_part), "xl/sharedStrings.xml");
    snprintf(x->styles_part, sizeof(x->styles_part), "xl/styles.xml");
    if ((x->za = zip_open(path, ZIP_RDONLY, &zerr)) == NULL) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, zerr);
        conf_errs_add(errs, path, 0, "not a readable zip (.xlsx) file: %s",
                      zip_error_strerror(&ze));
        zip_error_fini(&ze);
        goto fail;
    }
    memset(&wc, 0, sizeof(wc));
    wc.x = x;
    if (xml_part(x, "xl/workbook.xml", 0, &wc.b, wb_start, no_end, NULL, NULL, NULL, errs) < 0 ||
        xml_part(x, "xl/_rels/workbook.xml.rels", 0, &wc.b, rel_start, no_end, NULL, NULL, NULL,
                 errs) < 0)
        goto fail;
    for (i = j = 0; i < x->nsheets; i++) {
        struct sheet *s = &x->sheets[i];
        if (s->part[0] == '\0' || zip_stat(x->za, s->part, 0, &zs) < 0)
            continue; /* a chart sheet or a dangling reference: no cells to read */
        s->bytes = (zs.valid & ZIP_STAT_SIZE) ? (long)zs.size : 0;
        x->total += s->bytes;
        x->sheets[j++] = *s;
    }
    x->nsheets = j;
    if (x->nsheets == 0) {
        conf_errs_add(errs, path, 0, "the workbook has no worksheet");
        goto fail;
    }
    if ((x->xf_date = calloc(XLSX_MAX_XFS, 1)) == NULL || (sc = calloc(1, sizeof(*sc))) == NULL) {
        conf_errs_add(errs, path, 0, "out of memory");
        goto fail;
    }
    sc->x = x;
    if (xml_part(x, x->styles_part, 1, &sc->b, st_start, st_end, NULL, NULL, NULL, errs) < 0)
        goto fail;
    /* The table's XML size bounds its text: refuse early what the caps would refuse late. */
    if (zip_stat(x->za, x->sst_part, 0, &zs) == 0 && (zs.valid & ZIP_STAT_SIZE) &&
        zs.size > (zip_uint64_t)XLSX_MAX_SST_BYTES * 4) {
        conf_errs_add(errs, path, 0,
                      "shared strings table of %llu bytes: more than this reader holds (%ld MiB "
                      "of text)",
                      (unsigned long long)zs.size, XLSX_MAX_SST_BYTES >> 20);
        goto fail;
    }
    memset(&ssc, 0, sizeof(ssc));
    ssc.x = x;
    if (xml_part(x, x->sst_part, 1, &ssc.b, sst_start, sst_end, sst_chars, NULL, NULL, errs) < 0)
        goto fail;
    free(sc);
    return x;
fail:
    free(sc);
    xlsx_close(x);
    return NULL;
}

void xlsx_close(xlsx *x)
{
    if (x == NULL)
        return;
    if (x->za != NULL)
        zip_discard(x->za); /* read only: nothing to write back */
    free(x->xf_date);
    free(x->sst);
    free(x->sst_off);
    free(x);
}

int xlsx_nsheets(const xlsx *x)
{
    return x->nsheets;
}

const char *xlsx_sheet_name(const xlsx *x, int i)
{
    return x->sheets[i].name;
}

long xlsx_sheets_bytes(const xlsx *x)
{
    return x->total;
}

long xlsx_sst_count(const xlsx *x)
{
    return x->sst_n;
}

long xlsx_sst_bytes(const xlsx *x)
{
    return (long)x->sst_len;
}

/* ---- Sheets ---- */

enum ctype { CT_NUM, CT_SST, CT_INLINE, CT_STR, CT_BOOL, CT_ERR };

struct sh_ctx {
    struct xbase b;
    xlsx *x;
    int (*row)(void *arg, char **cells, int n, long rownum);
    void *arg;
    char *buf; /* the row's cell text */
    size_t len;
    char *cells[XLSX_MAX_COLS];
    int n, too_long, in_row, in_cell, collect, in_is, in_t, in_rph, col, skip_cell;
    enum ctype type;
    int date;
    size_t start;
    long rownum;
};

static char xlsx_empty[1];

static void sh_put(struct sh_ctx *c, const char *s, size_t n)
{
    if (c->len + n + 1 > XLSX_MAX_ROW) {
        c->too_long = 1;
        return;
    }
    memcpy(c->buf + c->len, s, n);
    c->len += n;
}

/* "AB7" -> column 27 (0-based), -1 if not a reference. */
static int ref_col(const char *r)
{
    long col = 0;

    if (*r < 'A' || *r > 'Z')
        return -1;
    for (; *r >= 'A' && *r <= 'Z'; r++) {
        col = col * 26 + (*r - 'A' + 1);
        if (col > 16384)
            return -1;
    }
    return (int)col - 1;
}

/* Days since 1970-01-01 -> civil date (H. Hinnant's algorithm). */
static void civil(long z, int *y, int *m, int *d)
{
    long era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

/* An Excel date serial as "2025-01-24"; 0, or -1 if it is not a plausible date. */
static int serial_date(const char *v, int date1904, char out[16])
{
    char *end;
    double s = strtod(v, &end);
    long days;
    int y, m, d;

    if (end == v || *end != '\0' || !(s >= 1 && s < 2958466))
        return -1;
    days = (long)floor(s);
    /* The 1900 system counts a 29 February 1900 that never was: serials from 61 on are days
     * since 1899-12-30, earlier ones since 1899-12-31. */
    if (date1904)
        days -= 24107;
    else
        days -= days >= 61 ? 25569 : 25568;
    civil(days, &y, &m, &d);
    snprintf(out, 16, "%04d-%02d-%02d", y, m, d);
    return 0;
}

static void sh_start(void *ud, const char *name, const char **a)
{
    struct sh_ctx *c = ud;
    const char *n = lname(name), *v;

    if (strcmp(n, "row") == 0) {
        int i;
        /* A row inside a row (malformed): the cells so far point into the buffer reused now. */
        for (i = 0; i < c->n; i++)
            c->cells[i] = xlsx_empty;
        c->n = 0;
        c->in_cell = c->collect = c->in_is = c->in_rph = 0;
        c->in_row = 1;
        c->rownum = (v = attr(a, "r")) != NULL ? strtol(v, NULL, 10) : c->rownum + 1;
        c->len = 0;
        c->too_long = 0;
        c->col = -1;
    } else if (strcmp(n, "c") == 0 && c->in_row) {
        const char *t = attr(a, "t"), *s = attr(a, "s");
        long xf = s ? strtol(s, NULL, 10) : 0;
        c->in_cell = 1;
        c->col = (v = attr(a, "r")) != NULL ? ref_col(v) : c->col + 1;
        c->skip_cell = c->col < 0 || c->col >= XLSX_MAX_COLS;
        c->type = t == NULL || strcmp(t, "n") == 0 ? CT_NUM
                  : strcmp(t, "s") == 0            ? CT_SST
                  : strcmp(t, "inlineStr") == 0    ? CT_INLINE
                  : strcmp(t, "b") == 0            ? CT_BOOL
                  : strcmp(t, "e") == 0            ? CT_ERR
                                                   : CT_STR;
        c->date = xf >= 0 && xf < c->x->nxf && c->x->xf_date[xf];
        c->start = c->len;
    } else if (c->in_cell && strcmp(n, "v") == 0) {
        c->collect = 1;
    } else if (c->in_cell && strcmp(n, "is") == 0) {
        c->in_is = 1;
    } else if (c->in_is && strcmp(n, "rPh") == 0) {
        c->in_rph++;
    } else if (c->in_is && strcmp(n, "t") == 0 && c->in_rph == 0) {
        c->collect = 1;
    }
}

static void sh_cell_done(struct sh_ctx *c)
{
    char tmp[16];
    long idx;
    char *end;

    if (c->skip_cell || c->too_long) {
        c->len = c->start;
        return;
    }
    c->buf[c->len] = '\0';
    if (c->type == CT_SST) {
        idx = strtol(c->buf + c->start, &end, 10);
        c->len = c->start;
        if (end != c->buf + c->start && idx >= 0 && idx < c->x->sst_n) {
            const char *s = c->x->sst + c->x->sst_off[idx];
            sh_put(c, s, strlen(s));
        }
    } else if (c->type == CT_ERR) {
        c->len = c->start; /* #N/A, #VALUE!: no data */
    } else if (c->type == CT_NUM && c->date &&
               serial_date(c->buf + c->start, c->x->date1904, tmp) == 0) {
        c->len = c->start;
        sh_put(c, tmp, strlen(tmp));
    }
    if (c->too_long)
        return;
    c->buf[c->len++] = '\0';
    c->cells[c->col] = c->buf + c->start;
    if (c->col + 1 > c->n)
        c->n = c->col + 1;
}

static void sh_end(void *ud, const char *name)
{
    struct sh_ctx *c = ud;
    const char *n = lname(name);
    int i, rc;

    if (strcmp(n, "v") == 0 || strcmp(n, "t") == 0) {
        c->collect = 0;
    } else if (strcmp(n, "rPh") == 0 && c->in_rph > 0) {
        c->in_rph--;
    } else if (strcmp(n, "is") == 0) {
        c->in_is = 0;
    } else if (strcmp(n, "c") == 0 && c->in_cell) {
        c->in_cell = 0;
        sh_cell_done(c);
    } else if (strcmp(n, "row") == 0 && c->in_row) {
        c->in_row = 0;
        rc = c->n > 0 || c->too_long ? c->row(c->arg, c->cells, c->too_long ? -1 : c->n, c->rownum)
                                     : 0;
        for (i = 0; i < c->n; i++)
            c->cells[i] = xlsx_empty;
        c->n = 0;
        if (rc != 0)
            xstop(&c->b, rc < 0, NULL);
    }
}

static void sh_chars(void *ud, const char *s, int len)
{
    struct sh_ctx *c = ud;

    if (c->collect && c->in_cell)
        sh_put(c, s, (size_t)len);
}

int xlsx_sheet_rows(xlsx *x, int i, int (*row)(void *arg, char **cells, int n, long rownum),
                    void (*progress)(void *arg, long done, long total), void *arg,
                    struct conf_errs *errs)
{
    struct sh_ctx *c;
    int j, rc;

    if ((c = calloc(1, sizeof(*c))) == NULL || (c->buf = malloc(XLSX_MAX_ROW + 1)) == NULL) {
        free(c);
        conf_errs_add(errs, x->path, 0, "out of memory");
        return -1;
    }
    c->x = x;
    c->row = row;
    c->arg = arg;
    for (j = 0; j < XLSX_MAX_COLS; j++)
        c->cells[j] = xlsx_empty;
    rc = xml_part(x, x->sheets[i].part, 0, &c->b, sh_start, sh_end, sh_chars, progress, arg, errs);
    if (rc == 0 && c->b.failed)
        rc = -1;
    free(c->buf);
    free(c);
    return rc;
}
