/*
 * http_ussd.c: POST /ussd, the aggregators' USSD callback (see http.h), and its table of
 * sessions: which caller a session id belongs to, the language it began in, and whether its
 * answer was already queued by SMS.
 */
#include "gateway/http_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/conv.h"
#include "handlers/handler.h"
#include "util/log.h"
#include "util/text.h"
#include "util/utf8.h"

/* Cuts s to at most n characters, on a character boundary. */
static void screen_cut(char *s, size_t n)
{
    size_t i, chars = 0;

    for (i = 0; s[i]; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80 && ++chars > n) {
            s[i] = '\0';
            return;
        }
}

/* A phone number as aggregators send it: "+" and digits. */
static int valid_number(const char *s)
{
    size_t i = s[0] == '+';

    if (s[i] == '\0')
        return 0;
    for (; s[i]; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* ---- Sessions ---- */

static unsigned long long hash_str(const char *s)
{
    unsigned long long x = 1469598103934665603ULL;

    for (; *s; s++)
        x = (x ^ (unsigned char)*s) * 1099511628211ULL;
    return x ? x : 1;
}

enum session_verdict { SESSION_OK, SESSION_EXPIRED, SESSION_OTHER_PHONE };

/* The entry of session id, or NULL with *victim the slot a new one would take (an empty one,
 * else the least recently seen around the id's slot). Under session_lock. */
static struct session *session_find(struct gw_http *h, const char *id, struct session **victim)
{
    unsigned long long key = hash_str(id);
    int i;

    *victim = NULL;
    for (i = 0; i < SESSION_PROBE; i++) {
        struct session *e = &h->sessions[(key + (unsigned)i) & (SESSION_SLOTS - 1)];
        if (e->id[0] != '\0' && strcmp(e->id, id) == 0)
            return e;
        if (*victim == NULL || e->id[0] == '\0' ||
            ((*victim)->id[0] != '\0' && e->last_seen < (*victim)->last_seen))
            *victim = *victim != NULL && (*victim)->id[0] == '\0' ? *victim : e;
    }
    return NULL;
}

/* The language session id of phone began in: 1 and lang, or 0 when the session is new to this
 * server (first screen, or a restart), and the caller's saved language must be read. */
static int session_lang(struct gw_http *h, const char *id, const char *phone, char *lang,
                        size_t langsz)
{
    struct session *s, *victim;
    int found;

    pthread_mutex_lock(&h->session_lock);
    s = session_find(h, id, &victim);
    found = s != NULL && strcmp(s->phone, phone) == 0;
    if (found)
        snprintf(lang, langsz, "%s", s->lang);
    pthread_mutex_unlock(&h->session_lock);
    return found;
}

/*
 * Finds or makes the session id of phone, under the lock. A session seen within the timeout
 * goes on; one past it is expired (and forgotten); an unknown one with inputs already is taken
 * up where its text says (a restarted daemon), beginning in lang. When the table is full around
 * the slot, the least recently seen entry there gives way. *sms_due says whether the answer to
 * text may be queued by SMS (not already queued for the same text in this session); *save_lang
 * whether chosen (the language the screens are in now) is new for the caller and must be saved.
 */
static enum session_verdict session_touch(struct gw_http *h, const char *id, const char *phone,
                                          const char *text, int wants_sms, const char *lang,
                                          const char *chosen, int *sms_due, int *save_lang)
{
    unsigned long long th = hash_str(text);
    time_t now = time(NULL);
    struct session *s, *victim;
    enum session_verdict v = SESSION_OK;

    *sms_due = *save_lang = 0;
    pthread_mutex_lock(&h->session_lock);
    s = session_find(h, id, &victim);
    if (s != NULL && now - s->last_seen > h->conf.http.session_timeout) {
        s->id[0] = '\0';
        v = SESSION_EXPIRED;
        goto out;
    }
    if (s != NULL && strcmp(s->phone, phone) != 0) {
        v = SESSION_OTHER_PHONE;
        goto out;
    }
    if (s == NULL) {
        s = victim;
        memset(s, 0, sizeof(*s));
        snprintf(s->id, sizeof(s->id), "%s", id);
        snprintf(s->phone, sizeof(s->phone), "%s", phone);
        snprintf(s->lang, sizeof(s->lang), "%s", lang);
        snprintf(s->saved, sizeof(s->saved), "%s", lang);
    }
    s->last_seen = now;
    if (wants_sms && s->sms_for != th) {
        s->sms_for = th;
        *sms_due = 1;
    }
    if (chosen[0] != '\0' && strcmp(chosen, s->saved) != 0) {
        snprintf(s->saved, sizeof(s->saved), "%s", chosen);
        *save_lang = 1;
    }
out:
    pthread_mutex_unlock(&h->session_lock);
    return v;
}

/* ---- Endpoints ---- */

enum MHD_Result http_ussd(struct gw_http *h, struct MHD_Connection *c, struct request *rq)
{
    const char *type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
    char id[SESSION_ID_MAX + 1], phone[DB_NUMBER_MAX], service[64], network[16];
    char *input = NULL;
    struct ussd_screen *scr = NULL;
    struct worker *w = NULL;
    enum MHD_Result ret;
    enum session_verdict v;
    int sms_due = 0, save_lang = 0, rc;
    char num[40];
    struct db_conv conv;
    time_t now = time(NULL);

    if (type == NULL || strncmp(type, "application/x-www-form-urlencoded", 33) != 0)
        return http_text(h, c, EP_USSD, &rq->t0, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
                         "send the fields as application/x-www-form-urlencoded\n");
    if ((input = malloc(USSD_TEXT_MAX + 1)) == NULL || (scr = malloc(sizeof(*scr))) == NULL) {
        ret =
            http_text(h, c, EP_USSD, &rq->t0, MHD_HTTP_SERVICE_UNAVAILABLE, "END Out of memory\n");
        goto out;
    }
    if (gw_http_form_field(rq->body, rq->len, "sessionId", id, sizeof(id)) != 1 || id[0] == '\0' ||
        gw_http_form_field(rq->body, rq->len, "phoneNumber", phone, sizeof(phone)) != 1 ||
        !valid_number(phone) ||
        gw_http_form_field(rq->body, rq->len, "serviceCode", service, sizeof(service)) != 1) {
        ret = http_text(h, c, EP_USSD, &rq->t0, MHD_HTTP_BAD_REQUEST,
                        "sessionId, serviceCode and phoneNumber (+ and digits, at most 207) "
                        "are required\n");
        goto out;
    }
    if (gw_http_form_field(rq->body, rq->len, "networkCode", network, sizeof(network)) < 0) {
        ret = http_text(h, c, EP_USSD, &rq->t0, MHD_HTTP_BAD_REQUEST, "networkCode is malformed\n");
        goto out;
    }
    rc = gw_http_form_field(rq->body, rq->len, "text", input, USSD_TEXT_MAX + 1);
    if (rc < 0 || !utf8_valid(input) || !utf8_valid(id)) {
        ret = http_text(h, c, EP_USSD, &rq->t0, MHD_HTTP_BAD_REQUEST,
                        "text must be UTF-8, at most 512 bytes\n");
        goto out;
    }
    if (rc == 0)
        input[0] = '\0';
    w = http_worker_take(h);
    if (w->u == NULL) {
        ret = http_text(h, c, EP_USSD, &rq->t0, MHD_HTTP_SERVICE_UNAVAILABLE,
                        "END Sorry, the service has a problem. Please try again later.");
        goto out;
    }
    /* The caller's saved language (LANG by SMS, or chosen in an earlier session) starts the
     * menus; it is read once a session, and a database that cannot say gives the default. */
    if (!session_lang(h, id, phone, conv.lang, sizeof(conv.lang)) &&
        db_conv_get(w->d, phone, now, &conv) != 1)
        conv.lang[0] = '\0';
    ussd_answer(w->u, input, phone, conv.lang, now, scr);
    v = session_touch(h, id, phone, input, scr->sms[0] != '\0', conv.lang, scr->lang, &sms_due,
                      &save_lang);
    if (v == SESSION_EXPIRED) {
        atomic_fetch_add(&h->sessions_expired, 1);
        ussd_notice(w->u, scr->lang, USSD_EXPIRED, scr);
        ret = http_text(h, c, EP_USSD, &rq->t0, MHD_HTTP_GONE, scr->text);
        goto out;
    }
    if (v == SESSION_OTHER_PHONE) {
        ussd_notice(w->u, scr->lang, USSD_OTHER_PHONE, scr);
        ret = http_text(h, c, EP_USSD, &rq->t0, MHD_HTTP_CONFLICT, scr->text);
        goto out;
    }
    /* A language chosen in the menu is the caller's from now on, as LANG by SMS would be. */
    if (save_lang)
        db_conv_set_lang(w->d, phone, scr->lang, now);
    if (scr->inject[0] != '\0' && (scr->sms[0] == '\0' || sms_due)) {
        /* An answer by SMS, or alerts: the caller's request goes through the answer service,
         * as if texted (guards, consent, statistics), and the reply is queued for the modems. */
        struct gw_inbound in = {.door = "ussd",
                                .sender = phone,
                                .text = scr->inject,
                                .lang = scr->lang[0] ? scr->lang : conv.lang,
                                .reply_to = GW_REPLY_QUEUE};
        struct gw_result *res = malloc(sizeof(*res));
        if (res == NULL || gw_batch_answer(h->batch, &in, now, res) < 0) {
            free(res);
            ussd_notice(w->u, scr->lang, USSD_ERROR, scr);
            ret = http_text(h, c, EP_USSD, &rq->t0, MHD_HTTP_SERVICE_UNAVAILABLE, scr->text);
            goto out;
        }
        if (scr->sms[0] != '\0' && strcmp(res->result, "notice") == 0) {
            /* The guards' notice went instead of the answer: the screen says it too. */
            snprintf(scr->text, sizeof(scr->text), "END %.*s", USSD_SCREEN_MAX * 4 - 4, res->text);
            screen_cut(scr->text, USSD_SCREEN_MAX);
        } else if (scr->sms[0] != '\0' && res->silent) {
            /* Nothing goes (a cap, a mute): never "on its way". */
            ussd_notice(w->u, scr->lang, USSD_NO_SMS, scr);
        } else if (scr->sms[0] != '\0') {
            atomic_fetch_add(&h->ussd_sms_queued, 1);
        } else
            atomic_fetch_add(&h->ussd_alerts_injected, 1);
        free(res);
    }
    log_debug("ussd session=%s from=%s text=\"%s\" end=%d", id, log_number(phone, num, sizeof(num)),
              input, scr->end);
    ret = http_text(h, c, EP_USSD, &rq->t0, MHD_HTTP_OK, scr->text);
out:
    if (w != NULL)
        http_worker_give(h, w);
    free(scr);
    free(input);
    return ret;
}
