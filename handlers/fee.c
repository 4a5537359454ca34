/* FEE: what it costs to send money from one country to another, cheapest first. */
#include <stdio.h>
#include <string.h>

#include "handlers/internal.h"

#define FEE_MAX_PROVIDERS 3
#define FEE_TREND_POINTS  5

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

/* ", ~PHP11234 arrives" for sending amount of ccy at total cost pct, when a rate is known;
 * as_of receives the rate's date ("" when none was used). */
static int fee_arrive(const struct hq *x, double amount, const char *ccy, double pct,
                      const char *dst_ccy, char *out, size_t outsz, char *rsrc, size_t rsrcsz,
                      char as_of[11])
{
    struct db_rate rate;
    char value[48], date[16];
    int rc;

    out[0] = rsrc[0] = as_of[0] = '\0';
    rc = hq_rate(x, ccy, dst_ccy, &rate);
    if (rc <= 0)
        return rc;
    fmt_money(x, dst_ccy, amount * (1.0 - pct / 100.0) * rate.rate, value, sizeof(value));
    {
        struct kv kv[] = {{"value", value}};
        tpl_render(x, "fee_arrive", kv, 1, out, outsz);
    }
    if (strcmp(ccy, dst_ccy) != 0) {
        snprintf(rsrc, rsrcsz, ", %s %s", rate.source, fmt_date(rate.as_of, date, sizeof(date)));
        snprintf(as_of, 11, "%s", rate.as_of);
    }
    return 1;
}

/*
 * The "old data" marker for a reply built on a price of period. Rates are not marked here: a
 * rate's date may be that of a fixed parity (the CFA francs' 1999) that never ages; their
 * staleness is reported per source by `remitline status`.
 */
static void fee_stale(const struct hq *x, const char *period, const char *rate_as_of, char *out,
                      size_t outsz)
{
    (void)rate_as_of;
    tpl_stale(x, period, x->h->max_age_fees, out, outsz);
}

/*
 * The firm-level survey prices every provider at USD 200 and at USD 500: the nearer of the two
 * to what the person sends (converted to USD when a rate is known), if the corridor has
 * quotes at that denomination; else 200.
 */
static double fee_denom(const struct hq *x, const char *src, const char *dst, double amount,
                        const char *ccy)
{
    double usd = amount;
    struct db_rate r;

    if (!x->p->has_amount)
        return 200;
    if (strcmp(ccy, "USD") != 0) {
        if (hq_rate(x, ccy, "USD", &r) <= 0)
            return 200;
        usd = amount * r.rate;
    }
    if (usd > 350 && db_firm_denom_known(x->h->d, src, dst, 500) == 1)
        return 500;
    return 200;
}

/* TREND: the average cost over the last quarters with data, oldest first. */
static int fee_trend(const struct hq *x, const char *src, const char *dst, const char *from,
                     const char *to, char *out, size_t outsz)
{
    struct db_trend_point t[FEE_TREND_POINTS];
    char points[320], src_s[96], stale[64];
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

/* What a FEE query asks, resolved: the corridor and the amount, named for the reply. */
struct fee_ask {
    const char *src, *dst, *ccy;
    const struct lex_country *sc, *dc;
    double amount;
    char from[64], to[64], amount_s[96];
};

/* Firm-level quotes are for USD 200 or 500: appends to the amount which one priced the answer. */
static void fee_basis(const struct hq *x, const struct db_quote *q, int n, double denom,
                      struct fee_ask *f)
{
    char d_s[24], basis[64];
    size_t al = strlen(f->amount_s);
    int i;

    for (i = 0; i < n && q[i].denom == 0; i++)
        ;
    if (i == n)
        return;
    snprintf(d_s, sizeof(d_s), "%.0f", denom);
    {
        struct kv kv[] = {{"denom", d_s}};
        tpl_render(x, "fee_basis", kv, 1, basis, sizeof(basis));
    }
    snprintf(f->amount_s + al, sizeof(f->amount_s) - al, " %s", basis);
}

/* The numbered providers into list. Returns the first whose full cost is known, or -1. */
static int fee_list(const struct hq *x, const struct db_quote *q, int n, char *list, size_t listsz)
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
        else if (x->level == 0 && x->p->has_amount && q[i].has_fee)
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
    char src_s[160], arrive[96], rsrc[48], list[400], as_of[11], stale[64];
    int best;

    fee_basis(x, q, n, denom, f);
    best = fee_list(x, q, n, list, sizeof(list));
    arrive[0] = rsrc[0] = as_of[0] = '\0';
    if (best >= 0 && f->dc != NULL &&
        fee_arrive(x, f->amount, f->ccy, q[best].total_pct, f->dc->currency, arrive, sizeof(arrive),
                   rsrc, sizeof(rsrc), as_of) < 0)
        return -1;
    fee_stale(x, q[0].period, as_of, stale, sizeof(stale));
    snprintf(src_s, sizeof(src_s), "%s %s%s%s", q[0].source, q[0].period, rsrc, stale);
    {
        struct kv kv[] = {{"from", f->from}, {"to", f->to},      {"amount", f->amount_s},
                          {"list", list},    {"arrive", arrive}, {"src", src_s}};
        tpl_render(x, "fee_providers", kv, 6, out, outsz);
    }
    return 0;
}

/* No provider: the corridor's average, else that nothing is known (with a RATE hint). */
static int fee_average(const struct hq *x, const struct fee_ask *f, char *out, size_t outsz)
{
    struct db_quote q;
    char src_s[160], arrive[96], rsrc[48], pct[24], cost[48], as_of[11], stale[64];
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
    fmt_money(x, f->ccy, f->amount * q.total_pct / 100.0, cost, sizeof(cost));
    if (f->dc != NULL && fee_arrive(x, f->amount, f->ccy, q.total_pct, f->dc->currency, arrive,
                                    sizeof(arrive), rsrc, sizeof(rsrc), as_of) < 0)
        return -1;
    if (f->dc == NULL)
        arrive[0] = rsrc[0] = as_of[0] = '\0';
    fee_stale(x, q.period, as_of, stale, sizeof(stale));
    snprintf(src_s, sizeof(src_s), "%s %s%s%s", q.source, q.period, rsrc, stale);
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
    int n, max;

    memset(&f, 0, sizeof(f));
    if (x->p->amount_too_large) {
        tpl_render(x, "amount_too_large", NULL, 0, out, outsz);
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
    /* Without an amount, the survey's own basis: the equivalent of USD 200. */
    f.amount = x->p->has_amount ? x->p->amount : 200;
    f.ccy = x->p->amount_ccy[0] ? x->p->amount_ccy
                                : (x->p->has_amount && f.sc ? f.sc->currency : "USD");
    fmt_money(x, f.ccy, f.amount, f.amount_s, sizeof(f.amount_s));
    if (x->p->trend)
        return fee_trend(x, f.src, f.dst, f.from, f.to, out, outsz);

    /* With an amount, level 0 lists three providers with their fees, level 1 three without,
     * level 2 two; without one, three, two, one. */
    max = FEE_MAX_PROVIDERS - x->level + (x->p->has_amount && x->level > 0);
    denom = fee_denom(x, f.src, f.dst, f.amount, f.ccy);
    n = db_quotes_cheapest_at(x->h->d, f.src, f.dst, denom, q, max);
    if (n < 0)
        return -1;
    if (n > 0)
        return fee_providers(x, &f, q, n, denom, out, outsz);
    return fee_average(x, &f, out, outsz);
}
