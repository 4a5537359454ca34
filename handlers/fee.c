/* FEE: what it costs to send money from one country to another, cheapest first. */
#include <stdio.h>
#include <string.h>

#include "handlers/internal.h"

#define FEE_MAX_PROVIDERS 3
#define FEE_TREND_POINTS  5
/* From this compactness level on, the amount that arrives (and its rate's source) is left out:
 * the cost and its source still fit one SMS where the whole does not, as in the 70 characters of
 * a UCS-2 message in Arabic or Devanagari. */
#define FEE_LEVEL_NO_ARRIVE 3

void fee_places(const lexicon *lx, const struct parse_result *p, const char *number,
                const char **src, const char **dst)
{
    int i, left = 0;

    *src = *dst = NULL;
    for (i = 0; i < p->ncountries; i++) {
        if (p->role[i] == ROLE_FROM && *src == NULL)
            *src = p->country[i];
        else if (p->role[i] == ROLE_TO && *dst == NULL)
            *dst = p->country[i];
        else if (p->role[i] == ROLE_NONE)
            left++;
    }
    for (i = 0; i < p->ncountries; i++) {
        if (p->role[i] != ROLE_NONE)
            continue;
        left--;
        if (*src == NULL && (*dst != NULL || left > 0))
            *src = p->country[i];
        else if (*dst == NULL && p->country[i] != *src)
            *dst = p->country[i];
    }
    if (*src == NULL && *dst != NULL) {
        const struct lex_country *home = lex_country_by_number(lx, number);
        if (home != NULL && strcmp(home->iso2, *dst) != 0 && lex_is_sender(lx, home->iso2))
            *src = home->iso2;
    }
}

/*
 * A survey quote prices an amount only from half to twice what it describes (USD 100-400 by
 * the USD 200 quotes, USD 250-1000 by the USD 500 ones): fees are mostly flat, so a percentage
 * stretched further is not what the sender would pay. Outside that band, or when the amount
 * cannot be converted to USD to tell, the reply gives the percentage and says what it was
 * surveyed for, never a fee or an amount that arrives.
 */
#define FEE_BAND_LOW  0.5
#define FEE_BAND_HIGH 2.0
/* Between the two denominations, the nearer by ratio: sqrt(200 * 500). */
#define FEE_DENOM_SPLIT 316.23
/* Less than this in USD is no remittance: an amount typed without a currency that would be so
 * little in the sender's currency (TZS 500, KRW 200) may well be dollars, so the sender is
 * asked. When the sender's currency cannot be converted to tell, amounts up to FEE_ASK_MAX
 * (which could be dollars) are asked about too; larger ones are read in that currency. */
#define FEE_MIN_USD 10.0
#define FEE_ASK_MAX 10000.0

/* What a FEE query asks, resolved: the corridor and the amount, named for the reply. */
struct fee_ask {
    const char *src, *dst, *ccy;
    const struct lex_country *sc, *dc;
    double amount;
    int has_usd; /* usd is known: the amount converted (ECB, else the quotes' own amounts) */
    double usd;
    int far; /* outside the band of the quotes used: percentages only */
    char from[64], to[64], amount_s[96];
};

/*
 * amount of ccy in USD: through a published rate, else through the corridor's firm-level
 * USD 200 quotes, whose amount is the equivalent of USD 200 in the sender's currency as the
 * survey found it. 1 known, 0 not, -1 on a database error.
 */
static int fee_to_usd(const struct hq *x, const char *src, const char *dst, double amount,
                      const char *ccy, double *usd)
{
    struct db_quote q[3];
    struct db_rate r;
    int rc, n, i;

    if (strcmp(ccy, "USD") == 0) {
        *usd = amount;
        return 1;
    }
    if ((rc = hq_rate(x, ccy, "USD", &r)) != 0) {
        if (rc > 0)
            *usd = amount * r.rate;
        return rc;
    }
    if ((n = db_quotes_cheapest_at(x->h->d, src, dst, 200, q, 3)) < 0)
        return -1;
    for (i = 0; i < n; i++) {
        if (q[i].denom == 200 && q[i].amount > 0 && strcmp(q[i].ccy, ccy) == 0) {
            *usd = amount * 200 / q[i].amount;
            return 1;
        }
    }
    return 0;
}

/* ", ~PHP11234 arrives" for sending amount of ccy at total cost pct, when a rate is known;
 * *used receives the rate (used->as_of "" when none was used or it was the same currency). */
static int fee_arrive(const struct hq *x, double amount, const char *ccy, double pct,
                      const char *dst_ccy, char *out, size_t outsz, char *rsrc, size_t rsrcsz,
                      struct db_rate *used)
{
    struct db_rate rate;
    char value[48], date[16];
    int rc;

    out[0] = rsrc[0] = '\0';
    memset(used, 0, sizeof(*used));
    rc = hq_rate(x, ccy, dst_ccy, &rate);
    if (rc <= 0)
        return rc;
    fmt_money(x, dst_ccy, amount * (1.0 - pct / 100.0) * rate.rate, value, sizeof(value));
    {
        struct kv kv[] = {{"value", value}};
        tpl_render(x, "fee_arrive", kv, 1, out, outsz);
    }
    if (strcmp(ccy, dst_ccy) != 0) {
        snprintf(rsrc, rsrcsz, ", %s %s", rate.source, fmt_date(x, rate.as_of, date, sizeof(date)));
        *used = rate;
    }
    return 1;
}

/*
 * The "old data" marker for a reply built on a price of period and, when one was used, a rate:
 * the price by max_age_fees, the rate by max_age_rates as RATE marks it, unless it is a fixed
 * parity (the CFA francs' 1999), which never ages. Both old: one marker naming both dates.
 */
static void fee_stale(const struct hq *x, const char *period, const struct db_rate *rate, char *out,
                      size_t outsz)
{
    char dates[64] = "", d[24];
    size_t len = 0;

    out[0] = '\0';
    if (handler_is_stale(period, x->q->now, x->h->max_age_fees))
        len += (size_t)snprintf(dates, sizeof(dates), "%s", fmt_date(x, period, d, sizeof(d)));
    if (rate != NULL && rate->as_of[0] != '\0' && !rate->fixed &&
        handler_is_stale(rate->as_of, x->q->now, x->h->max_age_rates) && len < sizeof(dates))
        snprintf(dates + len, sizeof(dates) - len, "%s%s", len ? ", " : "",
                 fmt_date(x, rate->as_of, d, sizeof(d)));
    if (dates[0] != '\0') {
        char marker[80];
        struct kv kv[] = {{"date", dates}};
        tpl_render(x, "stale", kv, 1, marker, sizeof(marker));
        snprintf(out, outsz, " %s", marker);
    }
}

/*
 * The firm-level survey prices every provider at USD 200 and at USD 500: the nearer of the two
 * to what the person sends, if the corridor has quotes at that denomination; else 200.
 */
static double fee_denom(const struct hq *x, const struct fee_ask *f)
{
    if (x->p->has_amount && f->has_usd && f->usd > FEE_DENOM_SPLIT &&
        db_firm_denom_known(x->h->d, f->src, f->dst, 500) == 1)
        return 500;
    return 200;
}

/* Whether the amount is outside the band a quote of denom (USD) prices. */
static int fee_far(const struct hq *x, const struct fee_ask *f, double denom)
{
    if (!x->p->has_amount)
        return 0;
    return !f->has_usd || f->usd < denom * FEE_BAND_LOW || f->usd > denom * FEE_BAND_HIGH;
}

/*
 * An amount typed without a currency, which in the sender's currency is too little to be a
 * remittance (or cannot be told): the numbered choice between dollars and that currency, as
 * the query rewritten both ways in r->pending. 1 asked (out holds the question), 0 not, -1.
 */
static int fee_ask_currency(const struct hq *x, const struct fee_ask *f, char *out, size_t outsz)
{
    const struct parse_result *p = x->p;
    const char *home = f->sc != NULL ? f->sc->currency : NULL;
    char list[96], a[48], b[48], amt[48];
    double usd = 0;
    int rc, w;

    if (!p->has_amount || p->amount_ccy[0] != '\0' || home == NULL || strcmp(home, "USD") == 0)
        return 0;
    if ((rc = fee_to_usd(x, f->src, f->dst, p->amount, home, &usd)) < 0)
        return -1;
    if ((rc == 1 && usd >= FEE_MIN_USD) || (rc == 0 && p->amount > FEE_ASK_MAX))
        return 0;
    if (p->amount_end <= p->amount_start || (size_t)p->amount_end > strlen(x->text))
        return 0;
    snprintf(amt, sizeof(amt), "%.*s", p->amount_end - p->amount_start, x->text + p->amount_start);
    w = snprintf(x->r->pending, sizeof(x->r->pending), "%.*sUSD%s%s\n%.*s%s%s%s", p->amount_start,
                 x->text, amt, x->text + p->amount_end, p->amount_start, x->text, home, amt,
                 x->text + p->amount_end);
    if (w < 0 || (size_t)w >= sizeof(x->r->pending)) {
        x->r->pending[0] = '\0';
        return 0;
    }
    snprintf(list, sizeof(list), "1=%s 2=%s", fmt_money(x, "USD", p->amount, a, sizeof(a)),
             fmt_money(x, home, p->amount, b, sizeof(b)));
    {
        struct kv kv[] = {{"list", list}};
        tpl_render(x, "amount_which", kv, 1, out, outsz);
    }
    return 1;
}

/* TREND: the average cost over the last quarters with data, oldest first. */
static int fee_trend(const struct hq *x, const char *src, const char *dst, const char *from,
                     const char *to, char *out, size_t outsz)
{
    struct db_trend_point t[FEE_TREND_POINTS];
    char points[320], src_s[224], stale[96];
    size_t len = 0;
    int n, i;

    n = db_trend(x->h->d, src, dst, t, FEE_TREND_POINTS);
    if (n < 0)
        return -1;
    if (n < 2) {
        struct kv kv[] = {{"from", from}, {"to", to}};
        tpl_render(x, "fee_trend_none", kv, 2, out, outsz);
        return 0;
    }
    points[0] = '\0';
    for (i = 0; i < n; i++) {
        char pct[24], point[64];
        /* Shorter wordings keep the ends: where it was, where it is. */
        if (x->level > 0 && i != 0 && i != n - 1)
            continue;
        fmt_pct(x, t[i].pct, pct, sizeof(pct));
        {
            struct kv kv[] = {{"pct", pct}, {"period", t[i].period}};
            tpl_render(x, "fee_trend_point", kv, 2, point, sizeof(point));
        }
        len +=
            (size_t)snprintf(points + len, sizeof(points) - len, "%s%s", len ? " -> " : "", point);
        if (len >= sizeof(points))
            len = sizeof(points) - 1;
    }
    tpl_stale(x, t[n - 1].period, x->h->max_age_fees, stale, sizeof(stale));
    snprintf(src_s, sizeof(src_s), "%s%s", t[n - 1].source, stale);
    {
        struct kv kv[] = {{"from", from}, {"to", to}, {"trend", points}, {"src", src_s}};
        tpl_render(x, "fee_trend", kv, 4, out, outsz);
    }
    return 0;
}

/* Firm-level quotes are for USD 200 or 500: appends to the amount which one priced the answer,
 * and, for an amount far from it, that the percentages are that quote's only. */
static void fee_basis(const struct hq *x, const struct db_quote *q, int n, double denom,
                      struct fee_ask *f)
{
    char d_s[24], basis[96];
    size_t al = strlen(f->amount_s);
    int i;

    for (i = 0; i < n && q[i].denom == 0; i++)
        ;
    if (i == n && !f->far)
        return;
    snprintf(d_s, sizeof(d_s), "%.0f", denom);
    {
        struct kv kv[] = {{"denom", d_s}};
        tpl_render(x, f->far ? "fee_basis_far" : "fee_basis", kv, 1, basis, sizeof(basis));
    }
    snprintf(f->amount_s + al, sizeof(f->amount_s) - al, " %s", basis);
}

/* The numbered providers into list. Returns the first whose full cost is known, or -1. */
static int fee_list(const struct hq *x, const struct fee_ask *f, const struct db_quote *q, int n,
                    char *list, size_t listsz)
{
    size_t len = 0;
    int i, best = -1;

    list[0] = '\0';
    for (i = 0; i < n; i++) {
        char num[12], item[128], fee[48] = "", pct[24];
        const char *tpl = "fee_item";
        struct kv kv[4];
        if (q[i].has_fee)
            fmt_money(x, q[i].ccy, q[i].fee, fee, sizeof(fee));
        snprintf(num, sizeof(num), "%d", i + 1);
        fmt_pct(x, q[i].total_pct, pct, sizeof(pct));
        kv[0] = (struct kv){"n", num};
        kv[1] = (struct kv){"name", q[i].provider};
        kv[2] = (struct kv){"pct", pct};
        kv[3] = (struct kv){"fee", fee};
        if (!q[i].has_margin)
            tpl = "fee_opaque";
        else if (x->level == 0 && x->p->has_amount && !f->far && q[i].has_fee)
            tpl = "fee_item_fee";
        tpl_render(x, tpl, kv, 4, item, sizeof(item));
        len += (size_t)snprintf(list + len, listsz - len, "%s%s", i ? " " : "", item);
        /* The reply's label names the first quote's source and period; a quote of another
         * (the operator's own survey beside the World Bank's) carries its own. */
        if (i > 0 && len < listsz &&
            (strcmp(q[i].period, q[0].period) != 0 || strcmp(q[i].source, q[0].source) != 0))
            len += (size_t)snprintf(list + len, listsz - len, " (%s %s)", q[i].source, q[i].period);
        if (len >= listsz)
            len = listsz - 1;
        if (best < 0 && q[i].has_margin)
            best = i;
    }
    return best;
}

/* The cheapest providers, q[0..n), n > 0. */
static int fee_providers(const struct hq *x, struct fee_ask *f, const struct db_quote *q, int n,
                         double denom, char *out, size_t outsz)
{
    char src_s[320], arrive[96], rsrc[48], list[400], stale[96];
    struct db_rate used;
    int best;

    fee_basis(x, q, n, denom, f);
    best = fee_list(x, f, q, n, list, sizeof(list));
    arrive[0] = rsrc[0] = '\0';
    memset(&used, 0, sizeof(used));
    if (best >= 0 && f->dc != NULL && !f->far && x->level < FEE_LEVEL_NO_ARRIVE &&
        fee_arrive(x, f->amount, f->ccy, q[best].total_pct, f->dc->currency, arrive, sizeof(arrive),
                   rsrc, sizeof(rsrc), &used) < 0)
        return -1;
    fee_stale(x, q[0].period, &used, stale, sizeof(stale));
    snprintf(src_s, sizeof(src_s), "%s %s%s%s", q[0].source, q[0].period, rsrc, stale);
    {
        struct kv kv[] = {{"from", f->from}, {"to", f->to},      {"amount", f->amount_s},
                          {"list", list},    {"arrive", arrive}, {"src", src_s}};
        tpl_render(x, "fee_providers", kv, 6, out, outsz);
    }
    return 0;
}

/* No provider: the corridor's average, else that nothing is known (with a RATE hint). */
static int fee_average(const struct hq *x, struct fee_ask *f, char *out, size_t outsz)
{
    struct db_quote q;
    struct db_rate used;
    char src_s[320], arrive[96], rsrc[48], pct[24], cost[48], stale[96];
    int n = db_corridor_average(x->h->d, f->src, f->dst, &q);

    if (n < 0)
        return -1;
    if (n == 0) {
        char hint[96] = "";
        if (f->sc != NULL && f->dc != NULL && strcmp(f->sc->currency, f->dc->currency) != 0) {
            struct kv hkv[] = {{"ccy_from", f->sc->currency}, {"ccy_to", f->dc->currency}};
            tpl_render(x, "fee_rate_hint", hkv, 2, hint, sizeof(hint));
        }
        struct kv kv[] = {{"from", f->from}, {"to", f->to}, {"hint", hint}};
        tpl_render(x, "fee_none", kv, 3, out, outsz);
        return 0;
    }
    fmt_pct(x, q.total_pct, pct, sizeof(pct));
    arrive[0] = rsrc[0] = '\0';
    memset(&used, 0, sizeof(used));
    /* The averages are for sending the equivalent of USD 200. */
    f->far = fee_far(x, f, 200);
    if (f->far) {
        char basis[96];
        struct kv bkv[] = {{"denom", "200"}};
        size_t al = strlen(f->amount_s);
        tpl_render(x, "fee_basis_far", bkv, 1, basis, sizeof(basis));
        snprintf(f->amount_s + al, sizeof(f->amount_s) - al, " %s", basis);
    } else if (f->dc != NULL && x->level < FEE_LEVEL_NO_ARRIVE &&
               fee_arrive(x, f->amount, f->ccy, q.total_pct, f->dc->currency, arrive,
                          sizeof(arrive), rsrc, sizeof(rsrc), &used) < 0) {
        return -1;
    }
    fee_stale(x, q.period, &used, stale, sizeof(stale));
    snprintf(src_s, sizeof(src_s), "%s %s%s%s", q.source, q.period, rsrc, stale);
    if (f->far) {
        struct kv kv[] = {{"from", f->from},
                          {"to", f->to},
                          {"amount", f->amount_s},
                          {"pct", pct},
                          {"src", src_s}};
        tpl_render(x, "fee_avg_far", kv, 5, out, outsz);
        return 0;
    }
    fmt_money(x, f->ccy, f->amount * q.total_pct / 100.0, cost, sizeof(cost));
    {
        struct kv kv[] = {{"from", f->from}, {"to", f->to},  {"amount", f->amount_s},
                          {"pct", pct},      {"cost", cost}, {"arrive", arrive},
                          {"src", src_s}};
        tpl_render(x, "fee_avg", kv, 7, out, outsz);
    }
    return 0;
}

int handler_fee(const struct hq *x, char *out, size_t outsz)
{
    struct fee_ask f;
    struct db_quote q[FEE_MAX_PROVIDERS];
    double denom;
    int n, max, rc, lv;

    memset(&f, 0, sizeof(f));
    if (x->p->amount_too_large) {
        tpl_render(x, "amount_too_large", NULL, 0, out, outsz);
        return 0;
    }
    if (x->p->has_amount && (x->p->amount <= 0 || x->p->amount_negative)) {
        tpl_render(x, "amount_invalid", NULL, 0, out, outsz);
        return 0;
    }
    fee_places(x->h->lx, x->p, x->q->from, &f.src, &f.dst);
    if (f.src == NULL || f.dst == NULL || strcmp(f.src, f.dst) == 0) {
        tpl_render(x, "fee_need", NULL, 0, out, outsz);
        return 0;
    }
    snprintf(x->r->src, sizeof(x->r->src), "%.2s", f.src);
    snprintf(x->r->dst, sizeof(x->r->dst), "%.2s", f.dst);
    f.sc = lex_country(x->h->lx, f.src);
    f.dc = lex_country(x->h->lx, f.dst);
    fmt_country(x, f.src, f.from, sizeof(f.from));
    fmt_country(x, f.dst, f.to, sizeof(f.to));
    if (x->p->trend)
        return fee_trend(x, f.src, f.dst, f.from, f.to, out, outsz);
    /* "FEE TZA KEN 500": TZS 500 is no remittance; USD 500 may be. Ask, do not guess. */
    if ((rc = fee_ask_currency(x, &f, out, outsz)) != 0)
        return rc < 0 ? -1 : 0;
    /* Without an amount, the survey's own basis: the equivalent of USD 200. */
    f.amount = x->p->has_amount ? x->p->amount : 200;
    f.ccy = x->p->amount_ccy[0] ? x->p->amount_ccy
                                : (x->p->has_amount && f.sc ? f.sc->currency : "USD");
    fmt_money(x, f.ccy, f.amount, f.amount_s, sizeof(f.amount_s));
    if ((rc = fee_to_usd(x, f.src, f.dst, f.amount, f.ccy, &f.usd)) < 0)
        return -1;
    f.has_usd = rc;

    /* With an amount, level 0 lists three providers with their fees, level 1 three without,
     * level 2 two; without one, three, two, one. Level 3 is level 2 without what arrives. */
    lv = x->level < FEE_LEVEL_NO_ARRIVE ? x->level : FEE_LEVEL_NO_ARRIVE - 1;
    max = FEE_MAX_PROVIDERS - lv + (x->p->has_amount && lv > 0);
    denom = fee_denom(x, &f);
    n = db_quotes_cheapest_at(x->h->d, f.src, f.dst, denom, q, max);
    if (n < 0)
        return -1;
    if (n > 0) {
        f.far = fee_far(x, &f, denom);
        return fee_providers(x, &f, q, n, denom, out, outsz);
    }
    return fee_average(x, &f, out, outsz);
}
