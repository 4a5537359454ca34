/*
 * prices.c: the prices and rates a query asks for: the cheapest providers of a corridor,
 * its average and trend, and exchange rates, direct or through published legs.
 */
#include "db/db.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "db/internal.h"

/* This file's statements, prepared on first use and kept for the life of the handle. */
enum stmt_id {
    S_QUOTES_CHEAPEST,
    S_CORRIDOR_AVG,
    S_CORRIDOR_KNOWN,
    S_RATE_DIRECT,
    S_RATE_BASES,
    S_FIRM_DENOM_KNOWN,
    S_TREND,
    S__COUNT
};

static const char *const stmt_sql[S__COUNT] = {
    /* One row per provider, its best product: SQLite takes the bare columns from the row that
     * gives min(k), and k puts every quote whose margin is unknown after the known ones. */
    [S_QUOTES_CHEAPEST] =
        "SELECT p.name, p.type, q.amount, q.amount_ccy, q.fee, q.fx_margin, q.total_pct, "
        "q.speed, q.method, q.period, s.short, q.denom, "
        "min((q.fx_margin IS NULL) * 1000 + q.total_pct) AS k FROM quote q JOIN provider p "
        "ON p.id = q.provider_id JOIN source s ON s.id = q.source_id WHERE q.src = ?1 AND "
        "q.dst = ?2 AND q.live = 1 AND (q.denom IS NULL OR q.denom = ?4) "
        "GROUP BY q.provider_id ORDER BY k, p.name LIMIT ?3",
    [S_CORRIDOR_AVG] =
        "SELECT '', '', q.amount, q.amount_ccy, q.fee, q.fx_margin, q.total_pct, q.speed, "
        "q.method, q.period, s.short, q.denom FROM quote q JOIN source s ON s.id = q.source_id "
        "WHERE q.src = ?1 AND q.dst = ?2 AND q.provider_id IS NULL AND q.live = 1 "
        "ORDER BY q.period DESC LIMIT 1",
    [S_CORRIDOR_KNOWN] = "SELECT EXISTS (SELECT 1 FROM quote WHERE src = ?1 AND dst = ?2)",
    [S_RATE_DIRECT] =
        "SELECT r.rate, r.as_of, s.short, s.fixed FROM rate r JOIN source s ON s.id = "
        "r.source_id WHERE r.base = ?1 AND r.quote = ?2 ORDER BY r.as_of DESC "
        "LIMIT 1",
    /* The distinct bases by skipping through the index, not scanning every rate. */
    [S_RATE_BASES] = "WITH RECURSIVE b(x) AS (SELECT min(base) FROM rate UNION ALL "
                     "SELECT (SELECT min(base) FROM rate WHERE base > x) FROM b WHERE x IS NOT "
                     "NULL) SELECT x FROM b WHERE x IS NOT NULL ORDER BY x = 'EUR' DESC, x LIMIT 8",
    [S_FIRM_DENOM_KNOWN] = "SELECT EXISTS (SELECT 1 FROM quote WHERE src = ?1 AND dst = ?2 AND "
                           "live = 1 AND firm IS NOT NULL AND denom = ?3)",
    /* A quarter's published corridor average, else the World Bank's own way of making one
     * from the firms it surveyed: the simple mean of the USD 200 total cost over the firms with
     * transparent data (a firm whose margin is undisclosed has no known cost). */
    [S_TREND] = "WITH a AS (SELECT q.period p, avg(q.total_pct) pct, min(s.short) sh FROM quote q "
                "JOIN source s ON s.id = q.source_id WHERE q.src = ?1 AND q.dst = ?2 AND "
                "q.provider_id IS NULL GROUP BY q.period), f AS (SELECT q.period p, "
                "avg(q.total_pct) pct, min(s.short) sh FROM quote q JOIN source s ON s.id = "
                "q.source_id WHERE q.src = ?1 AND q.dst = ?2 AND q.firm IS NOT NULL AND "
                "q.denom = 200 AND q.fx_margin IS NOT NULL GROUP BY q.period) "
                "SELECT p, pct, sh FROM a UNION ALL SELECT p, pct, sh FROM f WHERE p NOT IN "
                "(SELECT p FROM a) ORDER BY 1 DESC LIMIT ?3",
};

/* This file's statements by number. */
static sqlite3_stmt *db_stmt(db *d, enum stmt_id id)
{
    return dbi_stmt(d, stmt_sql[id]);
}

static void quote_from_row(sqlite3_stmt *s, struct db_quote *q)
{
    memset(q, 0, sizeof(*q));
    dbi_col_copy(s, 0, q->provider, sizeof(q->provider));
    dbi_col_copy(s, 1, q->ptype, sizeof(q->ptype));
    q->amount = sqlite3_column_double(s, 2);
    dbi_col_copy(s, 3, q->ccy, sizeof(q->ccy));
    q->has_fee = sqlite3_column_type(s, 4) != SQLITE_NULL;
    q->fee = sqlite3_column_double(s, 4);
    q->has_margin = sqlite3_column_type(s, 5) != SQLITE_NULL;
    q->fx_margin = sqlite3_column_double(s, 5);
    q->total_pct = sqlite3_column_double(s, 6);
    dbi_col_copy(s, 7, q->speed, sizeof(q->speed));
    dbi_col_copy(s, 8, q->method, sizeof(q->method));
    dbi_col_copy(s, 9, q->period, sizeof(q->period));
    dbi_col_copy(s, 10, q->source, sizeof(q->source));
    q->denom = sqlite3_column_double(s, 11);
}

int db_quotes_cheapest_at(db *d, const char *src, const char *dst, double denom,
                          struct db_quote *out, int max)
{
    sqlite3_stmt *s = db_stmt(d, S_QUOTES_CHEAPEST);
    int rc = SQLITE_DONE, n = 0;

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, src, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, dst, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 3, max);
    sqlite3_bind_double(s, 4, denom);
    while (n < max && (rc = sqlite3_step(s)) == SQLITE_ROW)
        quote_from_row(s, &out[n++]);
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        dbi_warn(d);
        return -1;
    }
    return n;
}

int db_quotes_cheapest(db *d, const char *src, const char *dst, struct db_quote *out, int max)
{
    return db_quotes_cheapest_at(d, src, dst, 200, out, max);
}

int db_firm_denom_known(db *d, const char *src, const char *dst, double denom)
{
    sqlite3_stmt *s = db_stmt(d, S_FIRM_DENOM_KNOWN);
    int rc, known = 0;

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, src, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, dst, -1, SQLITE_STATIC);
    sqlite3_bind_double(s, 3, denom);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        known = sqlite3_column_int(s, 0);
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? known : -1;
}

/* Runs a trend statement into out, newest first; returns the count or -1. */
static int trend_rows(db *d, enum stmt_id id, const char *src, const char *dst,
                      struct db_trend_point *out, int max)
{
    sqlite3_stmt *s = db_stmt(d, id);
    int rc = SQLITE_DONE, n = 0;

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, src, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, dst, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 3, max);
    while (n < max && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        dbi_col_copy(s, 0, out[n].period, sizeof(out[n].period));
        out[n].pct = sqlite3_column_double(s, 1);
        dbi_col_copy(s, 2, out[n].source, sizeof(out[n].source));
        n++;
    }
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        dbi_warn(d);
        return -1;
    }
    return n;
}

int db_trend(db *d, const char *src, const char *dst, struct db_trend_point *out, int max)
{
    int n, i;

    n = trend_rows(d, S_TREND, src, dst, out, max);
    /* Oldest first reads naturally: "4.4% in 2019Q3 -> 4.2% in 2020Q3". */
    for (i = 0; n > 1 && i < n / 2; i++) {
        struct db_trend_point t = out[i];
        out[i] = out[n - 1 - i];
        out[n - 1 - i] = t;
    }
    return n;
}

int db_corridor_average(db *d, const char *src, const char *dst, struct db_quote *out)
{
    sqlite3_stmt *s = db_stmt(d, S_CORRIDOR_AVG);
    int rc;

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, src, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, dst, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        quote_from_row(s, out);
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return -1;
    return rc == SQLITE_ROW;
}

int db_corridor_known(db *d, const char *src, const char *dst)
{
    sqlite3_stmt *s = db_stmt(d, S_CORRIDOR_KNOWN);
    int rc, known = 0;

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, src, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, dst, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        known = sqlite3_column_int(s, 0);
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? known : -1;
}

/* Direct lookup of base->quote; 1 found, 0 not, -1 error. */
static int rate_direct(db *d, const char *base, const char *quote, struct db_rate *out)
{
    sqlite3_stmt *s = db_stmt(d, S_RATE_DIRECT);
    int rc;

    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, base, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, quote, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        out->rate = sqlite3_column_double(s, 0);
        dbi_col_copy(s, 1, out->as_of, sizeof(out->as_of));
        dbi_col_copy(s, 2, out->source, sizeof(out->source));
        out->fixed = sqlite3_column_int(s, 3);
    }
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return -1;
    return rc == SQLITE_ROW;
}

/* One published leg: direct, or the inverse of the published rate. 1, 0, -1. */
static int rate_leg(db *d, const char *base, const char *quote, struct db_rate *out)
{
    int rc;

    memset(out, 0, sizeof(*out));
    if (strcmp(base, quote) == 0) {
        out->rate = 1.0;
        out->fixed = 1;
        snprintf(out->as_of, sizeof(out->as_of), "9999-12-31");
        return 1;
    }
    if ((rc = rate_direct(d, base, quote, out)) != 0)
        return rc;
    if ((rc = rate_direct(d, quote, base, out)) > 0) {
        out->rate = 1.0 / out->rate;
        out->derived = 1;
    }
    return rc;
}

/* Whether every '+'-separated name of part is one of list's ("ECB" of "SAMA+ECB"). */
static int has_part(const char *list, const char *part)
{
    while (*part) {
        size_t n = strcspn(part, "+");
        const char *l = list;
        int found = 0;

        while (*l && !found) {
            size_t m = strcspn(l, "+");
            found = m == n && strncmp(l, part, n) == 0;
            l += m + (l[m] == '+');
        }
        if (!found)
            return 0;
        part += n + (part[n] == '+');
    }
    return 1;
}

/* The sources of two legs, each named once, in order: "QCB+ECB" and "ECB+NRB" make
 * "QCB+ECB+NRB"; SAR->EUR->PHP is "SAMA+ECB". A name that would not fit is left out. */
static void join_sources(const char *a, const char *b, char *out, size_t outsz)
{
    size_t o;

    snprintf(out, outsz, "%s", a);
    o = strlen(out);
    while (*b) {
        size_t n = strcspn(b, "+");
        char part[40];

        snprintf(part, sizeof(part), "%.*s", (int)n, b);
        if (part[0] && !has_part(out, part) && o + (o > 0) + n < outsz)
            o += (size_t)snprintf(out + o, outsz - o, "%s%s", o ? "+" : "", part);
        b += n + (b[n] == '+');
    }
}

/* The freshest path base->quote of at most 2^depth published legs, through the currencies
 * others are published against (EUR for the ECB, USD for dollar pegs). 1, 0 or -1. */
static int rate_path(db *d, const char *base, const char *quote, int depth, char (*pivots)[4],
                     int npivots, struct db_rate *out)
{
    int rc, i, found = 0;

    if ((rc = rate_leg(d, base, quote, out)) != 0 || depth == 0)
        return rc;
    for (i = 0; i < npivots; i++) {
        struct db_rate a, b;
        const char *older;

        if (strcmp(pivots[i], base) == 0 || strcmp(pivots[i], quote) == 0)
            continue;
        if ((rc = rate_path(d, base, pivots[i], depth - 1, pivots, npivots, &a)) < 0)
            return -1;
        if (rc == 0)
            continue;
        if ((rc = rate_path(d, pivots[i], quote, depth - 1, pivots, npivots, &b)) < 0)
            return -1;
        if (rc == 0)
            continue;
        /* A fixed parity does not age: the path is as old as its other leg. */
        if (a.fixed != b.fixed)
            older = a.fixed ? b.as_of : a.as_of;
        else
            older = strcmp(a.as_of, b.as_of) < 0 ? a.as_of : b.as_of;
        if (found && strcmp(older, out->as_of) <= 0)
            continue;
        found = 1;
        out->rate = a.rate * b.rate;
        out->fixed = a.fixed && b.fixed;
        snprintf(out->as_of, sizeof(out->as_of), "%s", older);
        join_sources(a.source, b.source, out->source, sizeof(out->source));
        out->derived = 1;
    }
    return found;
}

int db_rate_get(db *d, const char *base, const char *quote, struct db_rate *out)
{
    char pivots[8][4];
    sqlite3_stmt *s;
    int rc, n = 0;

    if ((s = db_stmt(d, S_RATE_BASES)) == NULL)
        return -1;
    while (n < 8 && sqlite3_step(s) == SQLITE_ROW)
        dbi_col_copy(s, 0, pivots[n++], 4);
    sqlite3_reset(s);
    rc = rate_path(d, base, quote, 2, pivots, n, out);
    if (rc > 0 && strcmp(out->as_of, "9999-12-31") == 0)
        out->as_of[0] = '\0'; /* base == quote */
    return rc;
}
