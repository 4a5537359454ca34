/* GUIDE: pre-departure guidance by country and topic, each entry with its source and date. */
#include <stdio.h>
#include <string.h>

#include "handlers/internal.h"

int handler_guide(const struct hq *x, char *out, size_t outsz)
{
    const struct parse_result *p = x->p;
    const char *country = p->ncountries > 0 ? p->country[0] : NULL;
    const struct lex_country *c = country ? lex_country(x->h->lx, country) : NULL;
    char topic[32] = "", topics[256], name[64] = "", date[16], src[48];
    struct db_guide g;
    int i, rc, asked = p->nrest > 0;

    for (i = 0; i < p->nrest && topic[0] == '\0'; i++) {
        rc = db_guide_topic_find(x->h->d, p->rest[i], topic, sizeof(topic));
        if (rc < 0)
            return -1;
    }
    /* People type the start of a word ("recruit" for recruiter): a beginning of four letters or
     * more that only one of this country's topics has is that topic. */
    for (i = 0; i < p->nrest && topic[0] == '\0'; i++) {
        if (strlen(p->rest[i]) < 4)
            continue;
        rc = db_guide_topic_prefix(x->h->d, country, p->rest[i], topic, sizeof(topic));
        if (rc < 0)
            return -1;
    }
    if (country != NULL)
        fmt_country(x, country, name, sizeof(name));
    if (topic[0] != '\0') {
        rc = db_guide_get(x->h->d, country, topic, x->lang, &g);
        if (rc < 0)
            return -1;
        if (rc > 0) {
            snprintf(src, sizeof(src), "%s", g.source);
            struct kv kv[] = {{"country", name},
                              {"topic", g.topic},
                              {"text", g.text},
                              {"src", src},
                              {"date", fmt_date(x, g.checked, date, sizeof(date))}};
            tpl_render(x, "guide_entry", kv, 5, out, outsz);
            return 0;
        }
    }
    if (country == NULL && !asked) {
        tpl_render(x, "guide_need", NULL, 0, out, outsz);
        return 0;
    }
    rc = db_guide_topics(x->h->d, country, topics, sizeof(topics));
    if (rc < 0)
        return -1;
    {
        struct kv kv[] = {{"country", name}, {"code", c ? c->iso3 : ""}, {"topics", topics}};
        tpl_render(x, rc > 0 && !asked ? "guide_topics" : "guide_none", kv, 3, out, outsz);
    }
    return 0;
}
