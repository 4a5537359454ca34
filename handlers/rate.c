/* RATE: the exchange rate between two currencies, published or derived through a common base. */
#include <stdio.h>
#include <string.h>

#include "handlers/internal.h"

int handler_rate(const struct hq *x, char *out, size_t outsz)
{
    const struct parse_result *p = x->p;
    const char *base = p->money[0], *quote = p->money[1];
    char rate_s[48], date[16], conv[96] = "", derived[48] = "", stale[64] = "";
    struct db_rate r;
    int rc;

    if (p->has_amount && p->amount_negative) {
        tpl_render(x, "amount_invalid", NULL, 0, out, outsz);
        return 0;
    }
    if (p->amount_too_large) {
        tpl_render(x, "amount_too_large", NULL, 0, out, outsz);
        return 0;
    }
    rc = hq_rate(x, base, quote, &r);
    if (rc < 0)
        return -1;
    if (rc == 0) {
        struct kv kv[] = {{"base", base}, {"quote", quote}};
        tpl_render(x, "rate_none", kv, 2, out, outsz);
        return 0;
    }
    fmt_rate(x, r.rate, r.fixed, rate_s, sizeof(rate_s));
    if (p->has_amount && p->amount > 0) {
        char a[48], b[48];
        const char *ccy = p->amount_ccy[0] ? p->amount_ccy : base;
        double v = strcmp(ccy, quote) == 0 ? p->amount / r.rate : p->amount * r.rate;
        const char *other = strcmp(ccy, quote) == 0 ? base : quote;
        snprintf(conv, sizeof(conv), ", %s=%s", fmt_money(x, ccy, p->amount, a, sizeof(a)),
                 fmt_money(x, other, v, b, sizeof(b)));
    }
    if (r.derived)
        tpl_render(x, "rate_derived", NULL, 0, derived, sizeof(derived));
    /* A published rate ages (the ECB's by the day); a fixed parity does not. */
    if (!r.fixed)
        tpl_stale(x, r.as_of, x->h->max_age_rates, stale, sizeof(stale));
    {
        struct kv kv[] = {{"base", base},      {"quote", quote},
                          {"rate", rate_s},    {"conv", conv},
                          {"src", r.source},   {"date", fmt_date(x, r.as_of, date, sizeof(date))},
                          {"derived", derived}};
        size_t n = tpl_render(x, "rate", kv, 7, out, outsz);
        snprintf(out + n, outsz - n, "%s", stale);
    }
    return 0;
}
