/*
 * ussd_walk.c: what an input does. The walk is a stack of screens with the choices made so far;
 * an input pages, goes back, opens the next screen, or ends in the query a person would text.
 */
#include "handlers/ussd_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct frame *ussdi_top(struct walk *w)
{
    return &w->st[w->depth - 1];
}

void ussdi_push(struct walk *w, enum scr s)
{
    if (w->depth < MAX_DEPTH) {
        w->st[w->depth].s = s;
        w->st[w->depth].page = 0;
        w->depth++;
    }
}

/* The screen's language: the one chosen in this session or saved before, else the default. */
int ussdi_lang_index(const struct ussd_ctx *u, const struct walk *w)
{
    return w->li >= 0 ? w->li : u->def_li;
}

const char *ussdi_lang_code(const struct ussd_ctx *u, const struct walk *w)
{
    return u->nlangs > 0 ? u->langs[ussdi_lang_index(u, w)].code : u->h->default_lang;
}

/* The keywords a menu's query is written with, in the walk's language (else English). */
enum ussd_kw { UKW_FEE, UKW_RATE, UKW_GUIDE, UKW_JOIN, UKW_STOP };

static const char *kw(const struct ussd_ctx *u, const struct walk *w, enum ussd_kw which)
{
    static const char *const en[] = {
        [UKW_FEE] = "FEE",   [UKW_RATE] = "RATE", [UKW_GUIDE] = "GUIDE",
        [UKW_JOIN] = "JOIN", [UKW_STOP] = "STOP",
    };
    const struct lang *l = w->li >= 0 ? &u->langs[w->li] : NULL;
    const char *v = NULL;

    if (l != NULL) {
        const char *const slots[] = {
            [UKW_FEE] = l->kw_fee,   [UKW_RATE] = l->kw_rate, [UKW_GUIDE] = l->kw_guide,
            [UKW_JOIN] = l->kw_join, [UKW_STOP] = l->kw_stop,
        };
        v = slots[which];
    }
    return v != NULL && v[0] != '\0' ? v : en[which];
}

static void result(const struct ussd_ctx *u, struct walk *w, const char *intent, int alerts)
{
    (void)u;
    w->intent = intent;
    w->alerts = alerts;
    ussdi_push(w, S_RESULT);
}

static void topics_load(const struct ussd_ctx *u, struct walk *w)
{
    char all[MAX_TOPICS * 32], *tok, *save = NULL;
    char iso2[3] = "";
    int i;

    for (i = 0; i < u->ncountries; i++)
        if (strcmp(u->countries[i].iso3, w->gcountry) == 0)
            snprintf(iso2, sizeof(iso2), "%s", u->countries[i].iso2);
    w->ntopics = 0;
    if (db_guide_topics(u->h->d, iso2[0] ? iso2 : NULL, all, sizeof(all)) <= 0)
        return;
    for (tok = strtok_r(all, " ", &save); tok && w->ntopics < MAX_TOPICS;
         tok = strtok_r(NULL, " ", &save))
        snprintf(w->topics[w->ntopics++], 32, "%s", tok);
}

/* The fee screens are done: the query for the chosen corridor and amount. 0, or -1 if a
 * country is gone. */
static int fee_query(const struct ussd_ctx *u, struct walk *w, int idx)
{
    const struct country *s = NULL, *d = NULL;
    int i;

    w->amount = ussdi_amount(idx);
    for (i = 0; i < u->ncountries; i++) {
        if (strcmp(u->countries[i].iso2, w->src) == 0)
            s = &u->countries[i];
        if (strcmp(u->countries[i].iso2, w->dst) == 0)
            d = &u->countries[i];
    }
    if (s == NULL || d == NULL)
        return -1;
    snprintf(w->query, sizeof(w->query), "%s %s %s %d %s", kw(u, w, UKW_FEE), s->iso3, d->iso3,
             w->amount, w->ccy);
    result(u, w, "fee", 0);
    return 0;
}

/* Item idx (counted over all pages) of screen s was chosen: the next screen, or the query. */
static int choose(const struct ussd_ctx *u, struct walk *w, enum scr s, int idx)
{
    switch (s) {
    case S_MAIN: {
        static const enum scr next[] = {S_FEE_DST, S_RATE_BASE, S_GUIDE_COUNTRY, S_ALERTS, S_LANG};
        ussdi_push(w, next[idx]);
        return 0;
    }
    case S_FEE_DST:
        snprintf(w->dst, sizeof(w->dst), "%s", ussdi_country_at(u, w, 0, idx)->iso2);
        ussdi_push(w, S_FEE_SRC);
        return 0;
    case S_FEE_SRC: {
        const struct country *c = ussdi_country_at(u, w, 1, idx);
        snprintf(w->src, sizeof(w->src), "%s", c->iso2);
        snprintf(w->ccy, sizeof(w->ccy), "%s", c->ccy[0] ? c->ccy : "USD");
        ussdi_push(w, S_FEE_AMT);
        return 0;
    }
    case S_FEE_AMT:
        return fee_query(u, w, idx);
    case S_RATE_BASE:
        snprintf(w->base, sizeof(w->base), "%s", ussdi_ccy_at(u, w, S_RATE_BASE, idx));
        ussdi_push(w, S_RATE_QUOTE);
        return 0;
    case S_RATE_QUOTE:
        snprintf(w->quote, sizeof(w->quote), "%s", ussdi_ccy_at(u, w, S_RATE_QUOTE, idx));
        snprintf(w->query, sizeof(w->query), "%s %s %s", kw(u, w, UKW_RATE), w->base, w->quote);
        result(u, w, "rate", 0);
        return 0;
    case S_GUIDE_COUNTRY:
        snprintf(w->gcountry, sizeof(w->gcountry), "%s", ussdi_country_at(u, w, 1, idx)->iso3);
        topics_load(u, w);
        if (w->ntopics == 0) {
            snprintf(w->query, sizeof(w->query), "%s %s", kw(u, w, UKW_GUIDE), w->gcountry);
            result(u, w, "guide", 0);
            return 0;
        }
        ussdi_push(w, S_GUIDE_TOPIC);
        return 0;
    case S_GUIDE_TOPIC:
        snprintf(w->topic, sizeof(w->topic), "%s", w->topics[idx]);
        snprintf(w->query, sizeof(w->query), "%s %s %s", kw(u, w, UKW_GUIDE), w->gcountry,
                 w->topic);
        result(u, w, "guide", 0);
        return 0;
    case S_ALERTS:
        if (idx == 0) {
            ussdi_push(w, S_ALERT_COUNTRY);
            return 0;
        }
        snprintf(w->query, sizeof(w->query), "%s", kw(u, w, UKW_STOP));
        result(u, w, "alerts", 1);
        return 0;
    case S_ALERT_COUNTRY:
        snprintf(w->query, sizeof(w->query), "%s %s", kw(u, w, UKW_JOIN),
                 ussdi_country_at(u, w, 0, idx)->iso2);
        result(u, w, "alerts", 1);
        return 0;
    case S_LANG:
        /* The language applies to the rest of the session: back to the main menu in it. */
        w->li = idx;
        w->depth = 1;
        w->st[0].page = 0;
        return 0;
    case S_RESULT:
    case S_SENT:
        break;
    }
    return -1;
}

/* 0 on a screen: the previous page, else the previous screen. -1 on the main menu's first. */
static int go_back(struct walk *w, struct frame *f)
{
    if (f->page > 0)
        f->page--;
    else if (w->depth > 1)
        w->depth--;
    else
        return -1;
    return 0;
}

/* An input on an answer: 1 sends it by SMS (not for alerts, which are sent anyway), MORE
 * turns its page. */
static int result_input(struct walk *w, struct frame *f, long n)
{
    if (n == 1 && !w->alerts) {
        ussdi_push(w, S_SENT);
        return 0;
    }
    if (n == MORE) {
        f->page++; /* checked against the answer's length when rendered */
        return 0;
    }
    return -1;
}

/* Applies one input to the walk. Returns 0, or -1 when it is not a choice on this screen. */
int ussdi_step(const struct ussd_ctx *u, struct walk *w, const char *in)
{
    struct frame *f = ussdi_top(w);
    char lb[LABEL_MAX], *end;
    long n = strtol(in, &end, 10);
    int start;

    if (end == in || *end != '\0' || n < 0 || n > 99)
        return -1;
    if (f->s == S_SENT)
        return -1;
    if (n == 0)
        return go_back(w, f);
    if (f->s == S_RESULT)
        return result_input(w, f, n);
    start = ussdi_page_start(u, w, f->s, f->page);
    if (n == MORE) {
        int fit = ussdi_page_fit(u, w, f->s, start);
        if (ussdi_item(u, w, f->s, start + fit, lb, sizeof(lb)) < 0)
            return -1;
        f->page++;
        return 0;
    }
    if (n > ussdi_page_fit(u, w, f->s, start))
        return -1;
    return choose(u, w, f->s, start + (int)n - 1);
}
