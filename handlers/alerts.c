/*
 * JOIN, LEAVE, STOP, START and MY: what a number follows. The handlers stay pure: they say in
 * the reply what consent the caller must record (handler_reply.consent and .topic), and the
 * caller records it in the transaction that queues the reply (db_inbox_answer).
 */
#include <stdio.h>
#include <string.h>

#include "db/alerts.h"
#include "handlers/internal.h"

/* The topic a parsed query names: two countries a corridor, one a country, else a named topic
 * among the words left over. Returns 1 and out, or 0. */
static int parsed_topic(handler_ctx *h, const struct parse_result *p, char *out, size_t outsz)
{
    char key[32];
    int i;

    if (p->ncountries >= 2) {
        snprintf(out, outsz, "corridor:%s-%s", p->country[0], p->country[1]);
        return 1;
    }
    if (p->ncountries == 1) {
        snprintf(out, outsz, "country:%s", p->country[0]);
        return 1;
    }
    for (i = 0; i < p->nrest; i++) {
        int rc = db_alert_topic_find(h->d, p->rest[i], key, sizeof(key));
        if (rc < 0)
            return -1;
        if (rc > 0) {
            snprintf(out, outsz, "topic:%s", key);
            return 1;
        }
    }
    return 0;
}

int handler_topic(handler_ctx *h, const char *text, char *out, size_t outsz)
{
    struct parse_result p;

    parse_query(h->lx, text, &p);
    return parsed_topic(h, &p, out, outsz) > 0;
}

/* How a topic reads in a reply, and the short code to send back: "Philippines" / "PHL". */
static void topic_words(const struct hq *x, const char *topic, char *name, size_t namesz,
                        char *code, size_t codesz)
{
    const struct lex_country *a, *b;
    char na[64], nb[64];
    size_t i;

    if (strncmp(topic, "country:", 8) == 0 && (a = lex_country(x->h->lx, topic + 8)) != NULL) {
        fmt_country(x, a->iso2, name, namesz);
        snprintf(code, codesz, "%s", a->iso3);
    } else if (strncmp(topic, "corridor:", 9) == 0 && strlen(topic) == 14 &&
               (a = lex_country(x->h->lx, (char[3]){topic[9], topic[10], 0})) != NULL &&
               (b = lex_country(x->h->lx, topic + 12)) != NULL) {
        snprintf(name, namesz, "%s>%s", fmt_country(x, a->iso2, na, sizeof(na)),
                 fmt_country(x, b->iso2, nb, sizeof(nb)));
        snprintf(code, codesz, "%s-%s", a->iso3, b->iso3);
    } else {
        const char *k = strchr(topic, ':') ? strchr(topic, ':') + 1 : topic;
        snprintf(code, codesz, "%s", k);
        for (i = 0; code[i]; i++)
            if (code[i] >= 'a' && code[i] <= 'z')
                code[i] = (char)(code[i] - 'a' + 'A');
        snprintf(name, namesz, "%s", code);
    }
}

int handler_join(const struct hq *x, char *out, size_t outsz)
{
    char topic[DB_TOPIC_MAX], name[140], code[32];
    int rc = parsed_topic(x->h, x->p, topic, sizeof(topic));

    if (rc < 0)
        return -1;
    if (rc == 0) {
        tpl_render(x, "join_need", NULL, 0, out, outsz);
        return 0;
    }
    topic_words(x, topic, name, sizeof(name), code, sizeof(code));
    snprintf(x->r->consent, sizeof(x->r->consent), "join");
    snprintf(x->r->topic, sizeof(x->r->topic), "%s", topic);
    {
        struct kv kv[] = {{"topic", name}, {"code", code}};
        tpl_render(x, "join_ok", kv, 2, out, outsz);
    }
    return 0;
}

/* Lists what the sender follows, with names. */
static int list_topics(const struct hq *x, char *out, size_t outsz)
{
    char topics[512], list[400] = "", *t, *save = NULL;
    size_t len = 0;
    int n;

    n = x->q->from ? db_subscriptions(x->h->d, x->q->from, topics, sizeof(topics)) : 0;
    if (n < 0)
        return -1;
    if (n == 0) {
        tpl_render(x, "my_none", NULL, 0, out, outsz);
        return 0;
    }
    for (t = strtok_r(topics, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        char name[140], code[32];
        int w;
        topic_words(x, t, name, sizeof(name), code, sizeof(code));
        w = snprintf(list + len, sizeof(list) - len, "%s%s (%s)", len ? ", " : "",
                     x->level > 0 ? code : name, code);
        if (w < 0 || (size_t)w >= sizeof(list) - len)
            break;
        len += (size_t)w;
    }
    {
        struct kv kv[] = {{"topics", list}};
        tpl_render(x, "my_list", kv, 1, out, outsz);
    }
    return 0;
}

int handler_leave(const struct hq *x, char *out, size_t outsz)
{
    char topic[DB_TOPIC_MAX], name[140], code[32];
    int rc = parsed_topic(x->h, x->p, topic, sizeof(topic));

    if (rc < 0)
        return -1;
    if (rc == 0)
        return list_topics(x, out, outsz); /* "LEAVE": here is what you can leave */
    topic_words(x, topic, name, sizeof(name), code, sizeof(code));
    rc = x->q->from ? db_subscribed(x->h->d, x->q->from, topic) : 0;
    if (rc < 0)
        return -1;
    {
        struct kv kv[] = {{"topic", name}, {"code", code}};
        if (rc == 0) {
            tpl_render(x, "leave_none", kv, 2, out, outsz);
            return 0;
        }
        snprintf(x->r->consent, sizeof(x->r->consent), "leave");
        snprintf(x->r->topic, sizeof(x->r->topic), "%s", topic);
        tpl_render(x, "leave_ok", kv, 2, out, outsz);
    }
    return 0;
}

int handler_stop(const struct hq *x, char *out, size_t outsz)
{
    int stopped = x->q->from ? db_subscriber_stopped(x->h->d, x->q->from) : 0;

    if (stopped < 0)
        return -1;
    if (stopped > 0) {
        /* One confirmation, and then silence: a second STOP gets no answer. */
        x->r->silent = 1;
        out[0] = '\0';
        return 0;
    }
    snprintf(x->r->consent, sizeof(x->r->consent), "stop");
    tpl_render(x, "stop_ok", NULL, 0, out, outsz);
    return 0;
}

int handler_start(const struct hq *x, char *out, size_t outsz)
{
    snprintf(x->r->consent, sizeof(x->r->consent), "start");
    tpl_render(x, "start_ok", NULL, 0, out, outsz);
    return 0;
}

int handler_my(const struct hq *x, char *out, size_t outsz)
{
    return list_topics(x, out, outsz);
}
