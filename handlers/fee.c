/* FEE: what it costs to send money from one country to another, cheapest first. */
#include <stdio.h>
#include <string.h>

#include "handlers/internal.h"

#define FEE_MAX_PROVIDERS 3

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

/* ", ~PHP11234 arrives" for sending amount of ccy at total cost pct, when a rate is known. */
static int fee_arrive(const struct hq *x, double amount, const char *ccy, double pct,
                      const char *dst_ccy, char *out, size_t outsz, char *rsrc, size_t rsrcsz)
{
    struct db_rate rate;
    char value[48], date[16];
    int rc;

    out[0] = rsrc[0] = '\0';
    rc = db_rate_get(x->h->d, ccy, dst_ccy, &rate);
    if (rc <= 0)
        return rc;
    fmt_money(x, dst_ccy, amount * (1.0 - pct / 100.0) * rate.rate, value, sizeof(value));
    {
        struct kv kv[] = {{"value", value}};
        tpl_render(x, "fee_arrive", kv, 1, out, outsz);
    }
    if (strcmp(ccy, dst_ccy) != 0)
        snprintf(rsrc, rsrcsz, ", %s %s", rate.source, fmt_date(rate.as_of, date, sizeof(date)));
    return 1;
}

int handler_fee(const struct hq *x, char *out, size_t outsz)
{
    const struct lex_country *sc, *dc;
    struct db_quote q[FEE_MAX_PROVIDERS];
    char from[64], to[64], amount_s[48], src_s[96], arrive[96], rsrc[48], pct[24], cost[48];
    char list[400];
    const char *src, *dst, *ccy;
    double amount;
    int n, i, max;

    fee_places(x->h->lx, x->p, x->q->from, &src, &dst);
    if (src == NULL || dst == NULL || strcmp(src, dst) == 0) {
        tpl_render(x, "fee_need", NULL, 0, out, outsz);
        return 0;
    }
    sc = lex_country(x->h->lx, src);
    dc = lex_country(x->h->lx, dst);
    fmt_country(x, src, from, sizeof(from));
    fmt_country(x, dst, to, sizeof(to));
    /* Without an amount, the survey's own basis: the equivalent of USD 200. */
    amount = x->p->has_amount ? x->p->amount : 200;
    ccy = x->p->amount_ccy[0] ? x->p->amount_ccy : (x->p->has_amount && sc ? sc->currency : "USD");
    fmt_money(x, ccy, amount, amount_s, sizeof(amount_s));

    max = FEE_MAX_PROVIDERS - x->level;
    n = db_quotes_cheapest(x->h->d, src, dst, q, max);
    if (n < 0)
        return -1;
    if (n > 0) {
        size_t len = 0;
        int best = -1;
        for (i = 0; i < n; i++) {
            char num[12], item[128], fee[48] = "";
            struct kv kv[4];
            if (q[i].has_fee)
                fmt_money(x, q[i].ccy, q[i].fee, fee, sizeof(fee));
            snprintf(num, sizeof(num), "%d", i + 1);
            fmt_pct(x, q[i].total_pct, pct, sizeof(pct));
            kv[0] = (struct kv){"n", num};
            kv[1] = (struct kv){"name", q[i].provider};
            kv[2] = (struct kv){"pct", pct};
            kv[3] = (struct kv){"fee", fee};
            tpl_render(x, q[i].has_margin ? "fee_item" : "fee_opaque", kv, 4, item, sizeof(item));
            len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", i ? " " : "", item);
            if (len >= sizeof(list))
                len = sizeof(list) - 1;
            if (best < 0 && q[i].has_margin)
                best = i;
        }
        arrive[0] = rsrc[0] = '\0';
        if (best >= 0 && dc != NULL &&
            fee_arrive(x, amount, ccy, q[best].total_pct, dc->currency, arrive, sizeof(arrive),
                       rsrc, sizeof(rsrc)) < 0)
            return -1;
        snprintf(src_s, sizeof(src_s), "%s %s%s", q[0].source, q[0].period, rsrc);
        {
            struct kv kv[] = {{"from", from}, {"to", to},         {"amount", amount_s},
                              {"list", list}, {"arrive", arrive}, {"src", src_s}};
            tpl_render(x, "fee_providers", kv, 6, out, outsz);
        }
        return 0;
    }
    n = db_corridor_average(x->h->d, src, dst, &q[0]);
    if (n < 0)
        return -1;
    if (n == 0) {
        char hint[96] = "";
        if (sc != NULL && dc != NULL && strcmp(sc->currency, dc->currency) != 0) {
            struct kv hkv[] = {{"ccy_from", sc->currency}, {"ccy_to", dc->currency}};
            tpl_render(x, "fee_rate_hint", hkv, 2, hint, sizeof(hint));
        }
        struct kv kv[] = {{"from", from}, {"to", to}, {"hint", hint}};
        tpl_render(x, "fee_none", kv, 3, out, outsz);
        return 0;
    }
    fmt_pct(x, q[0].total_pct, pct, sizeof(pct));
    fmt_money(x, ccy, amount * q[0].total_pct / 100.0, cost, sizeof(cost));
    if (dc != NULL && fee_arrive(x, amount, ccy, q[0].total_pct, dc->currency, arrive,
                                 sizeof(arrive), rsrc, sizeof(rsrc)) < 0)
        return -1;
    if (dc == NULL)
        arrive[0] = rsrc[0] = '\0';
    snprintf(src_s, sizeof(src_s), "%s %s%s", q[0].source, q[0].period, rsrc);
    {
        struct kv kv[] = {{"from", from}, {"to", to},         {"amount", amount_s}, {"pct", pct},
                          {"cost", cost}, {"arrive", arrive}, {"src", src_s}};
        tpl_render(x, "fee_avg", kv, 7, out, outsz);
    }
    return 0;
}
