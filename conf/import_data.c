/*
 * import_data.c: the public data files, World Bank RPW (corridor averages and the firm-level
 * dataset) and the ECB's reference rates, stored with the source each comes from.
 */
#include "conf/import_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/log.h"
#include "util/text.h"

/* ---- Public data files ---- */

struct rpw_ctx {
    struct importer *im;
    struct ifile *f;
    int64_t source_id;
};

static int rpw_corridor_cb(void *arg, const struct rpw_corridor *c)
{
    struct rpw_ctx *x = arg;
    struct db_quote_in q;
    char src[3], dst[3];
    int i;

    /* A public file may name a country whose code ISO has withdrawn (ANT, the Netherlands
     * Antilles): the operator cannot fix the World Bank's file, so the row is left out, said. */
    if (db_country_code(x->im->d, c->src_iso3, src) < 0 ||
        db_country_code(x->im->d, c->dst_iso3, dst) < 0) {
        log_warnx("%s:%ld: corridor %s->%s left out: %s is not in countries.conf", x->f->path,
                  c->line, c->src_iso3, c->dst_iso3,
                  db_country_code(x->im->d, c->src_iso3, src) < 0 ? c->src_iso3 : c->dst_iso3);
        x->im->skipped++;
        return 0;
    }
    memset(&q, 0, sizeof(q));
    q.src = src;
    q.dst = dst;
    q.amount = 200; /* the series is the cost of sending the equivalent of USD 200 */
    q.amount_ccy = "USD";
    q.source_id = x->source_id;
    for (i = 0; i < c->nq; i++) {
        q.total_pct = c->q[i].pct;
        q.period = c->q[i].period;
        q.live = (i == c->nq - 1); /* the latest quarter is live, the rest is history */
        if (db_quote_put(x->im->d, x->f->id, &q) < 0) {
            imp_db_failed(x->im, x->f->path, c->line, "corridor");
            return -1;
        }
        x->f->rows++;
    }
    return 0;
}

/* Adds a line to what the import says it took and skipped. */
static void imp_note(struct importer *im, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void imp_note(struct importer *im, const char *path, const char *fmt, ...)
{
    struct import_stats *st = im->st;
    const char *base = strrchr(path, '/');
    char msg[200];
    va_list ap;

    if (st->nnotes >= IMPORT_MAX_NOTES)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    snprintf(st->note[st->nnotes++], sizeof(st->note[0]), "%.36s: %s", base ? base + 1 : path, msg);
}

/* ---- ECB rates: what a file held ---- */

struct ecb_ctx {
    struct rpw_ctx x;
    long rates, no_value;
    int ndates;
    char first[11], last[11], date[11];
    int ncur;
    char cur[64][4];
};

static int ecb_rate_cb(void *arg, const struct ecb_rate *r)
{
    struct ecb_ctx *e = arg;
    struct rpw_ctx *x = &e->x;
    int i;

    if (strcmp(r->date, e->date) != 0) {
        memcpy(e->date, r->date, sizeof(e->date));
        e->ndates++;
        if (e->first[0] == '\0' || strcmp(r->date, e->first) < 0)
            memcpy(e->first, r->date, sizeof(e->first));
        if (strcmp(r->date, e->last) > 0)
            memcpy(e->last, r->date, sizeof(e->last));
    }
    for (i = 0; i < e->ncur && strcmp(e->cur[i], r->currency) != 0; i++)
        ;
    if (i == e->ncur && e->ncur < 64)
        memcpy(e->cur[e->ncur++], r->currency, 4);
    e->rates++;
    if (db_rate_put(x->im->d, x->f->id, "EUR", r->currency, r->rate, r->date, x->source_id) < 0) {
        imp_db_failed(x->im, x->f->path, r->line, "rate");
        return -1;
    }
    x->f->rows++;
    return 0;
}

/* ---- The RPW firm-level dataset ---- */

struct firm_ctx {
    struct importer *im;
    struct ifile *f;
    int64_t source_id;
    long read, imported, skipped;
    /* The last corridor's codes: rows come grouped by corridor, so most lookups are saved. */
    char src3[4], dst3[4], src2[3], dst2[3];
    int src_ok, dst_ok;
    char sheet[64]; /* a workbook's sheet being read, for the skipped rows' messages */
    long sheet_read0;
};

/*
 * The dataset's firm_type, free text, onto the provider types: anything with "post" is post,
 * "mobile" mobile, a bank, credit union, building society or cooperative is a bank (a "Bank/MTO"
 * too: its prices are a bank's), and everything else (money transfer operators, digital and
 * non-bank firms, no type) an mto.
 */
static const char *firm_provider_type(const char *firm_type)
{
    char t[64];

    if (text_fold(firm_type, (size_t)-1, t, sizeof(t)) == 0)
        return "mto";
    if (strstr(t, "post") != NULL)
        return "post";
    if (strstr(t, "mobile") != NULL)
        return "mobile";
    if (strstr(t, "bank") != NULL || strstr(t, "credit union") != NULL ||
        strstr(t, "building society") != NULL || strstr(t, "cooperative") != NULL)
        return "bank";
    return "mto";
}

static void firm_skip(void *arg, long line, enum rpw_skip why, const char *detail)
{
    struct firm_ctx *x = arg;
    struct import_stats *st = x->im->st;

    x->read++;
    x->skipped++;
    st->skip_why[why]++;
    /* The path's tail only: the message must fit, the operator knows which file it was. */
    if (st->nskip_msgs < IMPORT_MAX_SKIP_MSGS) {
        const char *base = strrchr(x->f->path, '/');
        snprintf(st->skip_msg[st->nskip_msgs++], sizeof(st->skip_msg[0]),
                 "%.80s%s%.40s%s:%ld: %s%s%.60s%s", base ? base + 1 : x->f->path,
                 x->sheet[0] ? "[" : "", x->sheet, x->sheet[0] ? "]" : "", line,
                 conf_rpw_skip_name(why), detail[0] ? " (" : "", detail, detail[0] ? ")" : "");
    }
}

static void firm_progress(void *arg, long done, long total)
{
    struct firm_ctx *x = arg;
    const struct import_opts *o = x->im->opts;

    if (o != NULL && o->progress != NULL)
        o->progress(o->arg, x->f->path, done, total);
}

/* ISO3 -> ISO2 through the content, remembering the last answer. 0, or -1 if unknown. */
static int firm_country(struct firm_ctx *x, const char *iso3, char last3[4], char last2[3], int *ok)
{
    if (strcmp(iso3, last3) != 0) {
        snprintf(last3, 4, "%s", iso3);
        *ok = db_country_code(x->im->d, iso3, last2) == 0;
    }
    return *ok ? 0 : -1;
}

static int firm_row(void *arg, const struct rpw_firm_row *r)
{
    struct firm_ctx *x = arg;
    struct db_quote_in q;
    char slug[80], key[112];
    int k;

    x->read++;
    if (firm_country(x, r->src_iso3, x->src3, x->src2, &x->src_ok) < 0) {
        x->read--;
        firm_skip(x, r->line, RPW_SKIP_COUNTRY, r->src_iso3);
        return 0;
    }
    if (firm_country(x, r->dst_iso3, x->dst3, x->dst2, &x->dst_ok) < 0) {
        x->read--;
        firm_skip(x, r->line, RPW_SKIP_COUNTRY, r->dst_iso3);
        return 0;
    }
    memset(&q, 0, sizeof(q));
    if (text_fold(r->firm, (size_t)-1, slug, sizeof(slug)) == 0)
        snprintf(slug, sizeof(slug), "%.60s", r->firm);
    /* One provider per firm and file: re-importing one file never drops another's quotes. */
    snprintf(key, sizeof(key), "rpw:%lld:%s", (long long)x->f->id, slug);
    if (db_provider_find(x->im->d, key, &q.provider_id) < 0 &&
        db_provider_put(x->im->d, x->f->id, key, r->firm, firm_provider_type(r->firm_type),
                        &q.provider_id) < 0) {
        imp_db_failed(x->im, x->f->path, r->line, "provider");
        return -1;
    }
    q.src = x->src2;
    q.dst = x->dst2;
    q.period = r->period;
    q.speed = r->speed;
    q.method = r->pickup;
    q.source_id = x->source_id;
    q.firm = slug;
    q.product = r->product;
    q.live = 0; /* decided over every file once all are in: db_firm_quotes_relive() */
    for (k = 0; k < 2; k++) {
        const struct rpw_cc *cc = &r->cc[k];
        if (!cc->has)
            continue;
        q.denom = cc->denom;
        q.amount = cc->amount;
        q.amount_ccy = cc->ccy;
        q.fee = cc->fee;
        q.has_fee = cc->has_fee;
        q.fx_margin = cc->margin;
        q.has_margin = cc->has_margin;
        q.total_pct = cc->total_pct;
        if (db_quote_put(x->im->d, x->f->id, &q) < 0) {
            imp_db_failed(x->im, x->f->path, r->line, "quote");
            return -1;
        }
        x->f->rows++;
    }
    x->imported++;
    return 0;
}

static void firm_sheet(void *arg, const char *name, int taken, const char *why)
{
    struct firm_ctx *x = arg;

    snprintf(x->sheet, sizeof(x->sheet), "%s", name);
    if (taken == 1)
        imp_note(x->im, x->f->path, "sheet '%.60s': %s, %ld row%s read", name, why,
                 x->read - x->sheet_read0, x->read - x->sheet_read0 == 1 ? "" : "s");
    else if (taken == 0)
        imp_note(x->im, x->f->path, "sheet '%.60s' %s", name, why);
    else
        x->sheet_read0 = x->read;
}

static void firms_read(struct importer *im, struct ifile *f)
{
    struct firm_ctx x;
    struct rpw_firm_cbs cbs = {firm_row, firm_skip, firm_progress, NULL, firm_sheet};
    struct db_source s;
    long n;

    memset(&x, 0, sizeof(x));
    x.im = im;
    x.f = f;
    cbs.arg = &x;
    memset(&s, 0, sizeof(s));
    s.key = "wb-rpw-firms";
    s.short_name = "WB";
    s.name = "World Bank, Remittance Prices Worldwide (firm-level data)";
    s.url = "https://remittanceprices.worldbank.org";
    s.licence = "CC BY 4.0";
    if (db_source_put(im->d, f->id, &s, &x.source_id) < 0) {
        imp_db_failed(im, f->path, 0, "source");
        return;
    }
    im->price_files++;
    n = conf_rpw_firms_read(f->path, &cbs, im->errs);
    im->st->read += x.read;
    im->st->imported += x.imported;
    im->st->skipped += x.skipped;
    if (n < 0)
        return;
    /* Rows may be skipped one by one, but a file none of whose rows is usable is not the file
     * the operator meant: reject it whole. */
    if (x.imported == 0)
        conf_errs_add(im->errs, f->path, 0,
                      "no usable row in %ld (is it the firm-level dataset? see the skipped rows)",
                      x.read);
}

void conf_import_summary(const struct import_stats *st, FILE *fp)
{
    int i, first = 1;

    for (i = 0; i < st->nnotes; i++)
        fprintf(fp, "%s\n", st->note[i]);
    if (st->read == 0 && st->skipped == 0)
        return;
    fprintf(fp, "firm-level rows: %ld read, %ld imported, %ld skipped", st->read, st->imported,
            st->skipped);
    for (i = 0; i < RPW_SKIP__COUNT; i++)
        if (st->skip_why[i] > 0) {
            fprintf(fp, "%s %ld %s", first ? ":" : ";", st->skip_why[i],
                    conf_rpw_skip_name((enum rpw_skip)i));
            first = 0;
        }
    fputc('\n', fp);
    for (i = 0; i < st->nskip_msgs; i++)
        fprintf(fp, "  skipped %s\n", st->skip_msg[i]);
    if (st->skipped > st->nskip_msgs)
        fprintf(fp, "  ... and %ld more skipped rows\n", st->skipped - st->nskip_msgs);
}

static void ecb_skip(void *arg, long line, const char *currency, const char *why)
{
    struct ecb_ctx *e = arg;

    (void)line;
    (void)currency;
    (void)why;
    e->no_value++;
}

static void ecb_read(struct importer *im, struct ifile *f, int64_t source_id)
{
    struct ecb_ctx e;
    struct ecb_cbs cbs = {ecb_rate_cb, ecb_skip, &e};

    memset(&e, 0, sizeof(e));
    e.x.im = im;
    e.x.f = f;
    e.x.source_id = source_id;
    if (conf_ecb_read_cbs(f->path, &cbs, im->errs) < 0)
        return;
    imp_note(im, f->path, "%ld rate%s of %d currenc%s on %d date%s, %s to %s", e.rates,
             e.rates == 1 ? "" : "s", e.ncur, e.ncur == 1 ? "y" : "ies", e.ndates,
             e.ndates == 1 ? "" : "s", e.first[0] ? e.first : "-", e.last[0] ? e.last : "-");
    if (e.no_value > 0)
        imp_note(im, f->path,
                 "%ld cell%s without a rate skipped (N/A or empty: the currency was not quoted "
                 "that day)",
                 e.no_value, e.no_value == 1 ? "" : "s");
}

void imp_data_read(struct importer *im, struct ifile *f)
{
    struct rpw_ctx x = {im, f, 0};
    struct db_source s;

    if (f->format == CONF_FORMAT_RPW) {
        firms_read(im, f);
        return;
    }
    memset(&s, 0, sizeof(s));
    if (f->format == CONF_FORMAT_RPW_CORRIDORS) {
        s.key = "wb-rpw-corridors";
        s.short_name = "WB";
        s.name = "World Bank, Remittance Prices Worldwide (corridor averages, ATCR.CORR)";
        s.url = "https://remittanceprices.worldbank.org";
        s.licence = "CC BY 4.0";
    } else {
        s.key = "ecb-eurofxref";
        s.short_name = "ECB";
        s.name = "European Central Bank, euro foreign exchange reference rates";
        s.url = "https://www.ecb.europa.eu/stats/eurofxref/";
        s.licence = "ECB reuse policy, source acknowledged";
    }
    if (db_source_put(im->d, f->id, &s, &x.source_id) < 0) {
        imp_db_failed(im, f->path, 0, "source");
        return;
    }
    if (f->format == CONF_FORMAT_RPW_CORRIDORS) {
        im->price_files++; /* a newer average takes the live set from older firm quotes */
        conf_rpw_corridors_read(f->path, rpw_corridor_cb, &x, im->errs);
    } else {
        ecb_read(im, f, x.source_id);
    }
}
