#include "db/vocab.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* The word kinds that select a keyword: one per row of handlers/router.c's keyword table, in its
 * order (test_handlers checks that every row's kind is here). */
static const char *const keyword_kinds[] = {"fee",   "rate", "guide", "lang", "join",
                                            "leave", "stop", "start", "my",   "help"};

/* Word kinds content may define beyond the keywords: direction and filler words ("from" and
 * "to" come before their place, as prepositions; "from_post" and "to_post" after it, as the
 * postpositions of Hindi, Urdu, Nepali and Bengali: "dubai se india", "doha bata nepal"); "trend",
 * a modifier (FEE USA MEX TREND) that never selects a keyword by itself; and the names of the
 * file's own language ("language": ESPAÑOL, SPANISH), which LANG takes. */
static const char *const other_kinds[] = {"from",   "to",    "from_post", "to_post",
                                          "filler", "trend", "language"};

static const char *const template_names[] = {
    "help",
    "fee_need",
    "fee_avg",
    "fee_providers",
    "fee_item",
    "fee_opaque",
    "fee_none",
    "fee_rate_hint",
    "fee_arrive",
    "rate",
    "rate_derived",
    "rate_need",
    "rate_none",
    "guide_topics",
    "guide_entry",
    "guide_none",
    "guide_need",
    "error",
    "fee_basis",
    "fee_item_fee",
    "stale",
    "fee_trend",
    "fee_trend_point",
    "fee_trend_none",
    "join_ok",
    "join_need",
    "leave_ok",
    "leave_none",
    "stop_ok",
    "start_ok",
    "my_list",
    "my_none",
    "limit",
    "lang_set",
    "lang_need",
    "choose",
    "amount_too_large",
    "amount_invalid",
    "amount_which",
    "fee_basis_far",
    "fee_avg_far",
    "date",
    "rate_unknown",
    "lang_unknown",
};
#define NTEMPLATES (sizeof(template_names) / sizeof(template_names[0]))

/* The labels of the USSD screens (handlers/ussd.c), kept apart so the menus' names read as one
 * group; db_template_known() takes both. */
static const char *const ussd_template_names[] = {
    "ussd_title",        "ussd_cost",      "ussd_rates",   "ussd_guidance",
    "ussd_alerts",       "ussd_language",  "ussd_join",    "ussd_leave",
    "ussd_send_to",      "ussd_send_from", "ussd_amount",  "ussd_rate_from",
    "ussd_rate_to",      "ussd_guide_for", "ussd_topic",   "ussd_alerts_by_sms",
    "ussd_alerts_about", "ussd_pick_lang", "ussd_invalid", "ussd_more",
    "ussd_back",         "ussd_by_sms",    "ussd_sent",    "ussd_soon",
    "ussd_unreadable",   "ussd_error",     "ussd_expired", "ussd_other_phone",
    "ussd_no_sms",
};
#define NUSSD_TEMPLATES (sizeof(ussd_template_names) / sizeof(ussd_template_names[0]))

/*
 * What each template may say: the placeholders its handler fills (anything else would print as
 * nothing: "{pc}" silently drops the percentage), and whether it is a whole reply, which must fit
 * one SMS in its compact form with typical values. Fragments (an item, a marker) are measured
 * as part of the replies they go into; guide_entry carries content of any length and is cut by
 * the router like any long reply; the USSD labels have their own screen.
 */
static const struct tpl_spec {
    const char *name, *keys;
    int reply;
} tpl_specs[] = {
    {"help", "", 1},
    {"fee_need", "", 1},
    {"fee_avg", "from to amount pct cost arrive src", 1},
    {"fee_avg_far", "from to amount pct src", 1},
    {"fee_providers", "from to amount list arrive src", 1},
    {"fee_item", "n name pct fee", 0},
    {"fee_item_fee", "n name pct fee", 0},
    {"fee_opaque", "n name pct fee", 0},
    {"fee_none", "from to hint", 1},
    {"fee_rate_hint", "ccy_from ccy_to", 0},
    {"fee_arrive", "value", 0},
    {"fee_basis", "denom", 0},
    {"fee_basis_far", "denom", 0},
    {"fee_trend", "from to trend src", 1},
    {"fee_trend_point", "pct period", 0},
    {"fee_trend_none", "from to", 1},
    {"rate", "base quote rate conv src date derived", 1},
    {"rate_derived", "", 0},
    {"rate_need", "", 1},
    {"rate_none", "base quote", 1},
    {"rate_unknown", "code", 1},
    {"guide_topics", "country code topics", 1},
    {"guide_entry", "country topic text src date", 0},
    {"guide_none", "country code topics", 1},
    {"guide_need", "", 1},
    {"error", "", 1},
    {"stale", "date", 0},
    {"date", "d dd mon yy yyyy", 0},
    {"join_ok", "topic code", 1},
    {"join_need", "", 1},
    {"leave_ok", "topic code", 1},
    {"leave_none", "topic code", 1},
    {"stop_ok", "", 1},
    {"start_ok", "", 1},
    {"my_list", "topics", 1},
    {"my_none", "", 1},
    {"limit", "wait", 1},
    {"lang_set", "", 1},
    {"lang_need", "code langs", 1},
    {"lang_unknown", "code langs", 1},
    {"choose", "list", 1},
    {"amount_too_large", "", 1},
    {"amount_invalid", "", 1},
    {"amount_which", "list", 1},
    {"ussd_rate_to", "base", 0},
    {"ussd_soon", "query", 0},
};

/* A typical value of each placeholder in a compact reply (codes for countries, two providers):
 * what check fills a template with to see whether it fits one SMS. */
static const struct {
    const char *key, *value;
} examples[] = {
    {"from", "USA"},
    {"to", "MEX"},
    {"amount", "USD200 (USD200 quotes)"},
    {"pct", "4.2%"},
    {"cost", "USD8.36"},
    {"arrive", ", about MXN3333 arrives"},
    {"src", "WB 2025Q1, ECB 13Apr26"},
    {"list", "1)Remitly 3.1% 2)Western Union 4.5%"},
    {"hint", "For the rate send RATE USD MXN"},
    {"base", "USD"},
    {"quote", "PHP"},
    {"rate", "60.2157"},
    {"conv", ", USD200=PHP12043"},
    {"date", "13Apr26"},
    {"derived", ", derived"},
    {"country", "Philippines"},
    {"code", "PHL"},
    {"topics", "cost recruit scams"},
    {"topic", "USA-MEX"},
    {"trend", "4.4% in 2019Q3 -> 4.2% in 2020Q3"},
    {"wait", "45 min"},
    {"langs", "EN, FR, ES, PT, TL, AR, HI, UR, BN, NE, SW, ID"},
};

const char *db_template_keys(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(tpl_specs) / sizeof(tpl_specs[0]); i++)
        if (strcmp(tpl_specs[i].name, name) == 0)
            return tpl_specs[i].keys;
    return db_template_known(name) ? "" : NULL;
}

int db_template_is_reply(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(tpl_specs) / sizeof(tpl_specs[0]); i++)
        if (strcmp(tpl_specs[i].name, name) == 0)
            return tpl_specs[i].reply;
    return 0;
}

const char *db_placeholder_example(const char *key)
{
    size_t i;

    for (i = 0; i < sizeof(examples) / sizeof(examples[0]); i++)
        if (strcmp(examples[i].key, key) == 0)
            return examples[i].value;
    return "";
}

int db_word_kind_known(const char *kind)
{
    size_t i;

    for (i = 0; i < sizeof(keyword_kinds) / sizeof(keyword_kinds[0]); i++)
        if (strcmp(keyword_kinds[i], kind) == 0)
            return 1;
    for (i = 0; i < sizeof(other_kinds) / sizeof(other_kinds[0]); i++)
        if (strcmp(other_kinds[i], kind) == 0)
            return 1;
    return 0;
}

/* Appends the n names in a to buf as ", "-separated text. */
static void names_join(char *buf, size_t sz, const char *const *a, size_t n)
{
    size_t i, len = strlen(buf);

    for (i = 0; i < n && len < sz; i++)
        len += (size_t)snprintf(buf + len, sz - len, "%s%s", len ? ", " : "", a[i]);
}

/* The lists the importer names in its errors, made once from the tables above so they cannot
 * drift from them. */
static char kinds_text[512], templates_text[2048];
static pthread_once_t names_once = PTHREAD_ONCE_INIT;

static void names_build(void)
{
    names_join(kinds_text, sizeof(kinds_text), keyword_kinds,
               sizeof(keyword_kinds) / sizeof(keyword_kinds[0]));
    names_join(kinds_text, sizeof(kinds_text), other_kinds,
               sizeof(other_kinds) / sizeof(other_kinds[0]));
    names_join(templates_text, sizeof(templates_text), template_names, NTEMPLATES);
    names_join(templates_text, sizeof(templates_text), ussd_template_names, NUSSD_TEMPLATES);
}

const char *db_word_kinds(void)
{
    pthread_once(&names_once, names_build);
    return kinds_text;
}

int db_template_known(const char *name)
{
    size_t i;

    for (i = 0; i < NTEMPLATES; i++)
        if (strcmp(template_names[i], name) == 0)
            return 1;
    for (i = 0; i < NUSSD_TEMPLATES; i++)
        if (strcmp(ussd_template_names[i], name) == 0)
            return 1;
    return 0;
}

const char *db_template_names(void)
{
    pthread_once(&names_once, names_build);
    return templates_text;
}
