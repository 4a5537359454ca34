/*
 * ussd_screens.c: what a screen shows. The labels (templates of the screen's language), the items
 * of each list screen, how many fit on a page, and the rendering of a list or an answer.
 */
#include "handlers/ussd_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/vocab.h"
#include "util/log.h"
#include "util/text.h"

static const int amounts[] = {50, 100, 200, 500, 1000};

#define NAMOUNTS (int)(sizeof(amounts) / sizeof(amounts[0]))

static const struct {
    const char *name, *en;
} labels[NLABELS] = {
    [L_TITLE] = {"ussd_title", "Remitline: free money transfer info"},
    [L_COST] = {"ussd_cost", "Cost of sending"},
    [L_RATES] = {"ussd_rates", "Exchange rates"},
    [L_GUIDANCE] = {"ussd_guidance", "Guidance"},
    [L_ALERTS] = {"ussd_alerts", "Alerts"},
    [L_LANGUAGE] = {"ussd_language", "Language"},
    [L_JOIN] = {"ussd_join", "Join alerts"},
    [L_LEAVE] = {"ussd_leave", "Leave alerts"},
    [L_SEND_TO] = {"ussd_send_to", "Send money to:"},
    [L_SEND_FROM] = {"ussd_send_from", "Send from:"},
    [L_AMOUNT] = {"ussd_amount", "Amount:"},
    [L_RATE_FROM] = {"ussd_rate_from", "Rate from:"},
    [L_RATE_TO] = {"ussd_rate_to", "Rate {base} to:"},
    [L_GUIDE_FOR] = {"ussd_guide_for", "Guidance for:"},
    [L_TOPIC] = {"ussd_topic", "Topic:"},
    [L_ALERTS_BY_SMS] = {"ussd_alerts_by_sms", "Alerts by SMS:"},
    [L_ALERTS_ABOUT] = {"ussd_alerts_about", "Alerts about:"},
    [L_PICK_LANG] = {"ussd_pick_lang", "Language:"},
    [L_INVALID] = {"ussd_invalid", "Invalid choice."},
    [L_MORE] = {"ussd_more", "More"},
    [L_BACK] = {"ussd_back", "Back"},
    [L_BY_SMS] = {"ussd_by_sms", "Send me this by SMS"},
    [L_SENT] = {"ussd_sent", "Thank you: the answer is on its way by SMS."},
    [L_SOON] = {"ussd_soon",
                "Alerts by SMS are coming soon. You will be able to text {query} here."},
    [L_UNREADABLE] = {"ussd_unreadable", "Sorry, that input could not be read."},
    [L_ERROR] = {"ussd_error", "Sorry, a technical problem here."},
    [L_EXPIRED] = {"ussd_expired", "Your session has expired. Please dial again."},
    [L_OTHER_PHONE] = {"ussd_other_phone", "This session belongs to another phone."},
    [L_NO_SMS] = {"ussd_no_sms", "No SMS sent: this number has had its limit of answers for now."},
};

int ussd_vocab_check(void)
{
    for (int k = 0; k < NLABELS; k++) {
        if (!db_template_known(labels[k].name)) {
            log_warnx("template %s is not in db/vocab.c", labels[k].name);
            return -1;
        }
    }
    return 0;
}

/* The raw text of label k in language lang (borrowed: the lexicon's, or the English above). */
const char *ussdi_label_raw(const struct ussd_ctx *u, const char *lang, enum label k)
{
    const char *t = handler_template(u->h, lang, labels[k].name);

    return t != NULL && t[0] != '\0' ? t : labels[k].en;
}

/* Label k of the screen's language into out, with {key} replaced by val (NULL for none) and any
 * other placeholder left out, as tpl_render does for the replies. */
static void label(const struct ussd_ctx *u, const char *lang, enum label k, const char *key,
                  const char *val, char *out, size_t outsz)
{
    const char *t = ussdi_label_raw(u, lang, k), *close;
    size_t o = 0, klen = key ? strlen(key) : 0;

    while (*t != '\0' && o + 1 < outsz) {
        if (*t != '{' || (close = strchr(t, '}')) == NULL) {
            out[o++] = *t++;
            continue;
        }
        if (key != NULL && (size_t)(close - t - 1) == klen && strncmp(t + 1, key, klen) == 0)
            for (const char *v = val; *v != '\0' && o + 1 < outsz; v++)
                out[o++] = *v;
        t = close + 1;
    }
    out[o] = '\0';
}

/* The country shown at position i of a country list: the caller's own first on origin lists. */
const struct country *ussdi_country_at(const struct ussd_ctx *u, const struct walk *w,
                                       int home_first, int i)
{
    const short *ord = u->order[ussdi_lang_index(u, w)];
    int k;

    if (home_first && w->home != NULL) {
        const struct country *own = NULL;
        for (k = 0; k < u->ncountries; k++)
            if (strcmp(u->countries[k].iso2, w->home->iso2) == 0)
                own = &u->countries[k];
        if (own != NULL) {
            if (i == 0)
                return own;
            for (k = 0; k < u->ncountries; k++) {
                const struct country *c = &u->countries[ord[k]];
                if (c == own)
                    continue;
                if (--i == 0)
                    return c;
            }
            return NULL;
        }
    }
    return i < u->ncountries ? &u->countries[ord[i]] : NULL;
}

/* Currency at position i: the caller's first on the "from" list, the base left out of "to". */
const char *ussdi_ccy_at(const struct ussd_ctx *u, const struct walk *w, enum scr s, int i)
{
    const char *first = s == S_RATE_BASE && w->home ? w->home->currency : NULL;
    int k;

    if (first != NULL && first[0] != '\0') {
        if (i == 0)
            return first;
        i--;
    }
    for (k = 0; k < u->nccys; k++) {
        if (first != NULL && strcmp(u->ccys[k], first) == 0)
            continue;
        if (s == S_RATE_QUOTE && strcmp(u->ccys[k], w->base) == 0)
            continue;
        if (i-- == 0)
            return u->ccys[k];
    }
    return NULL;
}

static const enum label main_items[] = {L_COST, L_RATES, L_GUIDANCE, L_ALERTS, L_LANGUAGE};

static const enum label alert_items[] = {L_JOIN, L_LEAVE};

/* The label of item i of list screen s into out; 0, or -1 when there is no such item. */
int ussdi_item(const struct ussd_ctx *u, const struct walk *w, enum scr s, int i, char *out,
               size_t outsz)
{
    const struct country *c;
    const char *k;

    if (i < 0)
        return -1;
    switch (s) {
    case S_MAIN:
        if (i >= 5)
            return -1;
        label(u, ussdi_lang_code(u, w), main_items[i], NULL, NULL, out, outsz);
        return 0;
    case S_ALERTS:
        if (i >= 2)
            return -1;
        label(u, ussdi_lang_code(u, w), alert_items[i], NULL, NULL, out, outsz);
        return 0;
    case S_FEE_DST:
    case S_FEE_SRC:
    case S_GUIDE_COUNTRY:
    case S_ALERT_COUNTRY:
        if ((c = ussdi_country_at(u, w, s == S_FEE_SRC || s == S_GUIDE_COUNTRY, i)) == NULL)
            return -1;
        snprintf(out, outsz, "%s", c->name[ussdi_lang_index(u, w)]);
        return 0;
    case S_FEE_AMT:
        if (i >= NAMOUNTS)
            return -1;
        snprintf(out, outsz, "%s %d", w->ccy, amounts[i]);
        return 0;
    case S_RATE_BASE:
    case S_RATE_QUOTE:
        if ((k = ussdi_ccy_at(u, w, s, i)) == NULL)
            return -1;
        snprintf(out, outsz, "%s", k);
        return 0;
    case S_GUIDE_TOPIC:
        if (i >= w->ntopics)
            return -1;
        snprintf(out, outsz, "%s", w->topics[i]);
        return 0;
    case S_LANG:
        if (i >= u->nlangs)
            return -1;
        snprintf(out, outsz, "%s", u->langs[i].name);
        return 0;
    case S_RESULT:
    case S_SENT:
        break;
    }
    return -1;
}

static void title(const struct ussd_ctx *u, const struct walk *w, enum scr s, char *out,
                  size_t outsz)
{
    static const enum label titles[] = {
        [S_MAIN] = L_TITLE,
        [S_FEE_DST] = L_SEND_TO,
        [S_FEE_SRC] = L_SEND_FROM,
        [S_FEE_AMT] = L_AMOUNT,
        [S_RATE_BASE] = L_RATE_FROM,
        [S_RATE_QUOTE] = L_RATE_TO,
        [S_GUIDE_COUNTRY] = L_GUIDE_FOR,
        [S_GUIDE_TOPIC] = L_TOPIC,
        [S_ALERTS] = L_ALERTS_BY_SMS,
        [S_ALERT_COUNTRY] = L_ALERTS_ABOUT,
        [S_LANG] = L_PICK_LANG,
    };

    if (s == S_RESULT || s == S_SENT) {
        out[0] = '\0';
        return;
    }
    label(u, ussdi_lang_code(u, w), titles[s], "base", w->base, out, outsz);
}

/* Characters (code points) of UTF-8 text. */
size_t ussdi_chars(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Characters of "\n98 More\n0 Back" in the screen's language, with "\n1 Send me this by SMS"
 * before it when by_sms. */
static size_t foot_chars(const struct ussd_ctx *u, const struct walk *w, int by_sms)
{
    const char *l = ussdi_lang_code(u, w);
    size_t n = 4 + ussdi_chars(ussdi_label_raw(u, l, L_MORE)) + 3 +
               ussdi_chars(ussdi_label_raw(u, l, L_BACK));

    return by_sms ? n + 3 + ussdi_chars(ussdi_label_raw(u, l, L_BY_SMS)) : n;
}

/* How many items of list s fit on a page starting at item start (at least one if any). */
int ussdi_page_fit(const struct ussd_ctx *u, const struct walk *w, enum scr s, int start)
{
    char t[LABEL_MAX], lb[LABEL_MAX];
    size_t used;
    int n = 0;

    title(u, w, s, t, sizeof(t));
    used = 4 + ussdi_chars(t) + foot_chars(u, w, 0);
    while (ussdi_item(u, w, s, start + n, lb, sizeof(lb)) == 0) {
        size_t add = ussdi_chars(lb) + 4 + (start + n + 1 >= 10 ? 1 : 0); /* "\nNN " */
        if (n > 0 && used + add > USSD_SCREEN_MAX)
            break;
        if (n == 9)
            break; /* choices are 1..9 on a page */
        used += add;
        n++;
    }
    return n;
}

int ussdi_page_start(const struct ussd_ctx *u, const struct walk *w, enum scr s, int page)
{
    int start = 0, n;

    while (page-- > 0) {
        if ((n = ussdi_page_fit(u, w, s, start)) == 0)
            break;
        start += n;
    }
    return start;
}

/* Splits a result into pages that leave foot characters for the choices under it: the byte
 * offset of page p, or -1 past the end. Cuts at a space, or mid-word for a word longer than a
 * page. */
static int result_page(const char *text, size_t foot, int page, size_t *len)
{
    size_t room = USSD_SCREEN_MAX - 4 - (foot < USSD_SCREEN_MAX - 24 ? foot : USSD_SCREEN_MAX - 24),
           off = 0;

    for (;;) {
        const char *p = text + off;
        size_t b = 0, c = 0, cut = 0;
        while (p[b] != '\0' && c < room) {
            b++;
            while (((unsigned char)p[b] & 0xC0) == 0x80)
                b++;
            c++;
            if (p[b] == ' ' || p[b] == '\n' || p[b] == '\0')
                cut = b;
        }
        if (p[b] == '\0')
            cut = b;
        else if (cut == 0)
            cut = b;
        if (page == 0) {
            *len = cut;
            return (int)off;
        }
        if (p[cut] == '\0')
            return -1;
        off += cut;
        while (text[off] == ' ' || text[off] == '\n')
            off++;
        page--;
    }
}

void ussdi_render_list(const struct ussd_ctx *u, const struct walk *w, const char *prefix,
                       struct ussd_screen *out)
{
    const struct frame *f = &w->st[w->depth - 1];
    int start = ussdi_page_start(u, w, f->s, f->page), n = ussdi_page_fit(u, w, f->s, start), i;
    char t[LABEL_MAX], lb[LABEL_MAX];
    const char *l = ussdi_lang_code(u, w);
    size_t len;

    title(u, w, f->s, t, sizeof(t));
    len = (size_t)snprintf(out->text, sizeof(out->text), "CON %s%s", prefix, t);
    for (i = 0; i < n && len < sizeof(out->text); i++) {
        ussdi_item(u, w, f->s, start + i, lb, sizeof(lb));
        len += (size_t)snprintf(out->text + len, sizeof(out->text) - len, "\n%d %s", i + 1, lb);
    }
    if (len < sizeof(out->text) && ussdi_item(u, w, f->s, start + n, lb, sizeof(lb)) == 0)
        len += (size_t)snprintf(out->text + len, sizeof(out->text) - len, "\n%d %s", MORE,
                                ussdi_label_raw(u, l, L_MORE));
    if (len < sizeof(out->text) && (w->depth > 1 || f->page > 0))
        snprintf(out->text + len, sizeof(out->text) - len, "\n0 %s", ussdi_label_raw(u, l, L_BACK));
}

/* Cuts UTF-8 text to at most max characters, at a space when there is one. */
void ussdi_cut_chars(char *s, size_t max)
{
    size_t b = 0, c = 0, space = 0;

    while (s[b] != '\0' && c < max) {
        if (s[b] == ' ')
            space = b;
        b++;
        while (((unsigned char)s[b] & 0xC0) == 0x80)
            b++;
        c++;
    }
    if (s[b] != '\0')
        s[space > 0 ? space : b] = '\0';
}

int ussdi_render_result(const struct ussd_ctx *u, const struct walk *w, time_t now,
                        struct ussd_screen *out)
{
    struct handler_reply *reply = malloc(sizeof(*reply));
    const struct frame *f = &w->st[w->depth - 1];
    struct handler_query q = {.text = w->query,
                              .from = NULL,
                              .lang = w->li >= 0 ? u->langs[w->li].code : NULL,
                              .now = now};
    const char *l = ussdi_lang_code(u, w);
    size_t len = 0, foot = foot_chars(u, w, 1);
    int rc = 0, off;

    if (reply == NULL)
        return -1;
    rc = handler_answer(u->h, &q, reply);
    if (f->s == S_SENT) {
        /* The SMS is the answer service's to write (guards, statistics): it gets the query. */
        snprintf(out->sms, sizeof(out->sms), "%s", reply->text);
        snprintf(out->inject, sizeof(out->inject), "%s", w->query);
        snprintf(out->text, sizeof(out->text), "END %s", ussdi_label_raw(u, l, L_SENT));
        ussdi_cut_chars(out->text, USSD_SCREEN_MAX);
        out->end = 1;
        goto out;
    }
    if (w->alerts) {
        /* Alerts change what the gateway sends later: the request goes through the SMS path,
         * which owns subscriptions, and is answered there by SMS. */
        out->end = 1;
        if (reply->understood) {
            snprintf(out->inject, sizeof(out->inject), "%s", w->query);
            snprintf(out->text, sizeof(out->text), "END %.720s", reply->text);
            ussdi_cut_chars(out->text, USSD_SCREEN_MAX);
        } else {
            char soon[LABEL_MAX * 2];
            label(u, l, L_SOON, "query", w->query, soon, sizeof(soon));
            snprintf(out->text, sizeof(out->text), "END %s", soon);
            ussdi_cut_chars(out->text, USSD_SCREEN_MAX);
        }
        goto out;
    }
    if ((off = result_page(reply->text, foot, f->page, &len)) < 0) {
        /* 98 past the last page: show the last one again. */
        int p = f->page;
        while (p > 0 && (off = result_page(reply->text, foot, --p, &len)) < 0)
            ;
        out->invalid = 1;
    }
    {
        int more = result_page(reply->text, foot, f->page + 1, &(size_t){0}) >= 0;
        char more_line[LABEL_MAX + 8] = "";
        if (more && !out->invalid)
            snprintf(more_line, sizeof(more_line), "\n%d %s", MORE, ussdi_label_raw(u, l, L_MORE));
        snprintf(out->text, sizeof(out->text), "CON %.*s\n1 %s%s\n0 %s", (int)len,
                 reply->text + off, ussdi_label_raw(u, l, L_BY_SMS), more_line,
                 ussdi_label_raw(u, l, L_BACK));
    }
out:
    free(reply);
    return rc;
}

int ussdi_amount(int i)
{
    return amounts[i];
}
