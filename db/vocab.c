#include "db/vocab.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* The word kinds that select a keyword: one per row of handlers/router.c's keyword table, in its
 * order (test_handlers checks that every row's kind is here). */
static const char *const keyword_kinds[] = {"fee",   "rate", "guide", "lang", "join",
                                            "leave", "stop", "start", "my",   "help"};

/* Word kinds content may define beyond the keywords: direction and filler words; "trend", a
 * modifier (FEE USA MEX TREND) that never selects a keyword by itself; and the names of the
 * file's own language ("language": ESPAÑOL, SPANISH), which LANG takes. */
static const char *const other_kinds[] = {"from", "to", "filler", "trend", "language"};

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
