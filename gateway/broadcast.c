#include "gateway/broadcast.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/alerts.h"
#include "util/gsm.h"

/* gw_alert_queue() and gw_alert_check(): every check, then the queueing unless dry_run. */
static int alert_run(db *d, handler_ctx *h, const struct conf_alert *a, const char *origin,
                     const char *file, const char *default_lang, int max_parts, int64_t now,
                     long *recipients, struct conf_errs *errs, int dry_run)
{
    char topics[CONF_ALERT_MAX_TOPICS][DB_TOPIC_MAX];
    const char *tp[CONF_ALERT_MAX_TOPICS];
    char(*texts)[1200] = malloc(CONF_ALERT_MAX_TEXTS * sizeof(*texts));
    struct db_alert_text at[CONF_ALERT_MAX_TEXTS];
    struct db_alert da;
    int i, rc = -1, before = errs->count, have_default = 0;
    const char *where = file ? file : "alert";

    if (texts == NULL) {
        conf_errs_add(errs, where, 0, "out of memory");
        return -1;
    }

    for (i = 0; i < a->ntopics; i++) {
        if (handler_topic(h, a->topics[i], topics[i], sizeof(topics[i])) != 1)
            conf_errs_add(errs, where, file ? a->topic_line[i] : 0,
                          "alert %s: topic '%s' names no country, corridor (USA-MEX) or topic "
                          "from the content",
                          a->id, a->topics[i]);
        tp[i] = topics[i];
    }
    for (i = 0; i < a->ntexts; i++) {
        struct gsm_info gi;
        if (gsm_prepare(a->texts[i].text, 1, texts[i], sizeof(texts[i])) < 0 ||
            gsm_measure(texts[i], &gi) < 0) {
            conf_errs_add(errs, where, 0, "alert %s: text.%s cannot be sent as SMS", a->id,
                          a->texts[i].lang);
            continue;
        }
        if (gi.parts > max_parts)
            conf_errs_add(errs, where, 0,
                          "alert %s: text.%s needs %d SMS parts; the limit is %d (max_parts): "
                          "shorten it",
                          a->id, a->texts[i].lang, gi.parts, max_parts);
        at[i].lang = a->texts[i].lang;
        at[i].text = texts[i];
        at[i].coding = gi.coding == GSM_CODING_UCS2 ? "ucs2" : "gsm7";
        at[i].parts = gi.parts;
        if (strcmp(a->texts[i].lang, default_lang) == 0)
            have_default = 1;
    }
    if (!have_default)
        conf_errs_add(errs, where, 0,
                      "alert %s: needs a text in the default language (%s), for followers whose "
                      "language it has no text in",
                      a->id, default_lang);
    if (errs->count > before)
        goto out;
    memset(&da, 0, sizeof(da));
    da.id = a->id;
    da.origin = origin;
    da.topics = tp;
    da.ntopics = a->ntopics;
    da.priority = a->priority;
    da.valid_from = a->valid_from ? a->valid_from : now;
    da.valid_until = a->valid_until ? a->valid_until : da.valid_from + 7 * 86400;
    da.texts = at;
    da.ntexts = a->ntexts;
    da.default_lang = default_lang;
    if (da.valid_until <= now) {
        conf_errs_add(errs, where, 0, "alert %s: valid_until has passed; nothing to send", a->id);
        goto out;
    }
    if (dry_run) {
        rc = 1;
        goto out;
    }
    rc = db_alert_queue(d, &da, now, recipients);
    if (rc < 0)
        conf_errs_add(errs, where, 0, "alert %s: the database refused it", a->id);
out:
    free(texts);
    return rc;
}

long gw_alert_audience(db *d, handler_ctx *h, const struct conf_alert *a)
{
    char topics[CONF_ALERT_MAX_TOPICS][DB_TOPIC_MAX];
    const char *tp[CONF_ALERT_MAX_TOPICS];
    int i;

    for (i = 0; i < a->ntopics; i++) {
        if (handler_topic(h, a->topics[i], topics[i], sizeof(topics[i])) != 1)
            return -1;
        tp[i] = topics[i];
    }
    return db_audience(d, tp, a->ntopics);
}

int gw_alert_queue(db *d, handler_ctx *h, const struct conf_alert *a, const char *origin,
                   const char *file, const char *default_lang, int max_parts, int64_t now,
                   long *recipients, struct conf_errs *errs)
{
    return alert_run(d, h, a, origin, file, default_lang, max_parts, now, recipients, errs, 0);
}

int gw_alert_check(db *d, handler_ctx *h, const struct conf_alert *a, const char *file,
                   const char *default_lang, int max_parts, int64_t now, struct conf_errs *errs)
{
    long none = 0;

    return alert_run(d, h, a, "check", file, default_lang, max_parts, now, &none, errs, 1) > 0 ? 0
                                                                                               : -1;
}
