#include "gateway/answer.h"

#include <assert.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/alerts.h"
#include "db/conv.h"
#include "db/guards.h"
#include "db/queue.h"
#include "gateway/guard.h"
#include "util/log.h"
#include "gateway/operator.h"

struct gw_ctx {
    gw_live *live;
    db *d;                   /* borrowed */
    const struct conf *conf; /* the snapshot held, or NULL before the first refresh */
    unsigned version;
    int64_t generation; /* of the content h was loaded from */
    handler_ctx *h;
};

gw_ctx *gw_ctx_open(gw_live *live, db *d)
{
    gw_ctx *c = calloc(1, sizeof(*c));

    if (c == NULL)
        return NULL;
    c->live = live;
    c->d = d;
    c->generation = -1;
    return c;
}

void gw_ctx_close(gw_ctx *c)
{
    if (c == NULL)
        return;
    handler_close(c->h);
    gw_live_release(c->live, c->conf);
    free(c);
}

int gw_ctx_refresh(gw_ctx *c)
{
    struct handler_opts o;
    int64_t gen;
    int conf_changed = c->conf == NULL || c->version != gw_live_version(c->live);

    if (conf_changed) {
        gw_live_release(c->live, c->conf);
        c->conf = gw_live_acquire(c->live, &c->version);
    }
    if (db_content_generation(c->d, &gen) < 0)
        return -1;
    if (c->h != NULL && !conf_changed && gen == c->generation)
        return 0;
    handler_close(c->h);
    o.default_lang = c->conf->default_lang;
    o.max_parts = c->conf->max_parts;
    o.max_age_rates = c->conf->max_age_rates;
    o.max_age_fees = c->conf->max_age_fees;
    if ((c->h = handler_open(c->d, &o)) == NULL) {
        c->generation = -1;
        return -1;
    }
    c->generation = gen;
    return 1;
}

handler_ctx *gw_ctx_handlers(gw_ctx *c)
{
    return c->h;
}

const struct conf *gw_ctx_conf(gw_ctx *c)
{
    return c->conf;
}

db *gw_ctx_db(gw_ctx *c)
{
    return c->d;
}

/* One message on its way through the transaction. */
struct job {
    struct job *next; /* in a group commit's queue */
    int rc, finished; /* a group commit's outcome, under its lock */
    gw_ctx *c;
    const struct gw_inbound *in; /* NULL: claim the oldest stored message */
    int64_t now;
    struct gw_result *out;
    struct db_inbox_row row;
    struct handler_reply reply;
    struct db_conv conv;
    char redacted[DB_TEXT_MAX];
};

/* An operator's command (ALERT, YES): 1 with its reply in the job, 0 when the text is none. */
static int operator_step(struct job *j)
{
    const struct conf *cf = j->c->conf;
    struct handler_reply *r = &j->reply;
    int rc;

    if (cf->noperators == 0)
        return 0;
    rc = gw_operator(j->c->d, j->c->h, cf, j->row.sender, j->row.text, j->now, r->text,
                     sizeof(r->text));
    if (rc <= 0)
        return rc;
    /* Its answer is not a query's, and its PIN is not kept. */
    memset(&r->info, 0, sizeof(r->info));
    gsm_measure(r->text, &r->info);
    snprintf(r->lang, sizeof(r->lang), "%s", cf->default_lang);
    r->intent = "operator";
    r->understood = 1;
    r->silent = 0;
    r->consent[0] = '\0';
    r->save_lang[0] = '\0';
    r->pending[0] = '\0';
    j->out->result = "operator";
    return 1;
}

/*
 * The text as it may be kept, in j->redacted: an operator's PIN is masked in the stored message
 * and its parts now, whoever sent it and whatever the door (a number not on the operator list,
 * a Kannel sender written without '+', a typo'd command), before any step can copy it
 * (consent keeps the text that asked). The steps still read the clear text from j->row.
 */
static int redact_step(struct job *j)
{
    if (db_text_mask(j->row.text, j->redacted, sizeof(j->redacted)) == 0)
        return 0;
    return db_inbox_redact(j->c->d, j->row.id, j->redacted) < 0 ? -1 : 0;
}

/* The handlers' answer, with the sender's saved language and pending choice. */
static int query_step(struct job *j)
{
    struct handler_query q = {.text = j->row.text, .from = j->row.sender, .now = j->now};
    const char *lang = j->in != NULL ? j->in->lang : NULL;
    int rc = db_conv_get(j->c->d, j->row.sender, j->now, &j->conv);

    if (rc < 0)
        return -1;
    if (rc == 0)
        memset(&j->conv, 0, sizeof(j->conv));
    q.lang = lang != NULL && lang[0] ? lang : j->conv.lang[0] ? j->conv.lang : NULL;
    q.pending = j->conv.pending[0] ? j->conv.pending : NULL;
    if (handler_answer(j->c->h, &q, &j->reply) < 0)
        return -1;
    j->out->result = j->reply.silent ? "silent" : j->reply.understood ? "answered" : "help";
    return 0;
}

/* The limit notice from template t, its {wait} how long until the number is answered again:
 * the real window, an hour's or a day's, not a guess. 0, or -1. */
static int limit_text(struct job *j, const char *t, char *out, size_t outsz)
{
    const struct conf *cf = j->c->conf;
    int64_t until =
        db_cap_until(j->c->d, j->row.sender, j->now, cf->max_replies_hour, cf->max_replies_day, 1);
    const char *at = strstr(t, "{wait}");
    char wait[32];
    long min;

    if (until < 0)
        return -1;
    /* To the nearest minute (an hour's window is "60 min" whatever second it began), or hour. */
    min = until - j->now >= 90 ? (long)((until - j->now + 30) / 60) : 1;
    if (min < 120)
        snprintf(wait, sizeof(wait), "%ld min", min);
    else
        snprintf(wait, sizeof(wait), "%ld h", (long)((until - j->now + 1800) / 3600));
    if (at == NULL)
        snprintf(out, outsz, "%s", t);
    else
        snprintf(out, outsz, "%.*s%s%s", (int)(at - t), t, wait, at + 6);
    return 0;
}

/*
 * The guards (guard.h), which a consent (STOP above all) passes whatever they say. Returns the
 * verdict; a notice replaces the answer with the limit template.
 */
static int guard_step(struct job *j)
{
    struct handler_reply *r = &j->reply;
    const char *t;
    int g;

    if (r->consent[0] != '\0' || r->silent)
        return GW_GUARD_ANSWER;
    g = gw_guard(j->c->d, j->c->conf, j->row.sender, j->now, &j->out->why);
    if (g != GW_GUARD_NOTICE)
        return g;
    t = handler_template(j->c->h, r->lang, "limit");
    if (limit_text(j, t ? t : "Limit reached. Try again in {wait}.", r->text, sizeof(r->text)) < 0)
        return -1;
    gsm_measure(r->text, &r->info);
    r->intent = "limit";
    j->out->result = "notice";
    return g;
}

/* What the answer leaves behind: conversation, consent, demand, the reply, the message's state. */
static int record_step(struct job *j, const char *kind)
{
    const struct gw_inbound *in = j->in;
    struct handler_reply *r = &j->reply;
    db *d = j->c->d;
    int answered = !r->silent;

    if (strcmp(kind, "reply") == 0 && answered) {
        /* Remembered only when the answer goes out: a silenced message changes nothing. */
        if (r->save_lang[0] != '\0' && db_conv_set_lang(d, j->row.sender, r->save_lang, j->now) < 0)
            return -1;
        if ((r->pending[0] != '\0' || j->conv.pending[0] != '\0') &&
            db_conv_set_pending(d, j->row.sender, r->pending, j->now + HANDLER_CHOICE_TTL, j->now) <
                0)
            return -1;
    }
    if (r->consent[0] != '\0') {
        struct db_consent cs = {.number = j->row.sender,
                                .action = r->consent,
                                .topic = r->topic,
                                .lang = r->lang,
                                .text = j->redacted,
                                .inbox_id = j->row.id,
                                .at = j->now};
        if (db_consent_apply(d, &cs) < 0)
            return -1;
    }
    if (db_inbox_finish(d, j->row.id, answered, r->lang, r->intent, j->now) < 0)
        return -1;
    if (!answered) {
        /* The handlers are silent only to a number that said STOP. */
        j->out->why = GW_WHY_STOPPED;
        if (db_inbox_reason(d, j->row.id, j->out->why) < 0)
            return -1;
    }
    if (answered) {
        struct db_out_sms o = {.recipient = j->row.sender,
                               .text = r->text,
                               .coding = r->info.coding == GSM_CODING_UCS2 ? "ucs2" : "gsm7",
                               .parts = r->info.parts,
                               .priority = DB_PRIORITY_REPLY,
                               /* The one message that goes to a number that said STOP. */
                               .kind = strcmp(r->consent, "stop") == 0 ? "stop" : kind};
        const char *through = in != NULL && in->reply_to != GW_REPLY_QUEUE ? in->door : NULL;
        if (db_outbox_reply(d, j->row.id, &o, through, j->now, &j->out->out_id) < 0)
            return -1;
    }
    if (answered && strcmp(kind, "reply") == 0 && strcmp(r->intent, "operator") != 0 &&
        db_demand_count(d, j->now, r->intent, r->lang, r->src, r->dst) < 0)
        return -1;
    return 0;
}

/* The message taken or claimed in the transaction: 1, 0 (none waits, or a duplicate), -1. */
static int message_step(struct job *j)
{
    const struct gw_inbound *in = j->in;
    struct db_in_sms m;
    int rc;

    if (in == NULL)
        return db_inbox_claim(j->c->d, j->now, &j->row);
    m.modem = in->door;
    m.sender = in->sender;
    m.text = in->text;
    m.coding = "gsm7";
    m.smsc_time = in->smsc_time > 0 ? in->smsc_time : j->now;
    m.received_at = j->now;
    m.concat_ref = -1;
    m.parts = 1;
    m.part = 1;
    if (in->coding != NULL) {
        m.coding = in->coding;
    } else {
        struct gsm_info gi;
        if (gsm_measure(in->text, &gi) == 0 && gi.coding == GSM_CODING_UCS2)
            m.coding = "ucs2";
    }
    rc = db_inbox_take(j->c->d, &m, &j->row);
    if (rc == 0) {
        j->out->duplicate = 1;
        j->out->inbox_id = j->row.id;
        j->out->result = "duplicate";
        if (j->row.id > 0 &&
            db_inbox_reply_text(j->c->d, j->row.id, j->out->text, sizeof(j->out->text)) < 0)
            return -1;
        j->out->silent = j->out->text[0] == '\0';
    }
    return rc;
}

static int answer_tx(db *d, void *arg)
{
    struct job *j = arg;
    struct gw_result *out = j->out;
    int rc, g = GW_GUARD_ANSWER;

    (void)d;
    if ((rc = message_step(j)) <= 0)
        return rc;
    out->inbox_id = j->row.id;
    if (redact_step(j) < 0)
        return -1;
    /* What is no question (a binary SMS, an impossible number) is kept and never answered:
     * not by an operator command, not by a consent. */
    if ((g = gw_guard_message(j->row.sender, j->row.coding, &out->why)) == GW_GUARD_SILENT) {
        snprintf(j->reply.lang, sizeof(j->reply.lang), "%s", j->c->conf->default_lang);
        rc = 1; /* skips the operator and the query */
    } else if ((rc = operator_step(j)) < 0)
        return -1;
    if (rc == 0) {
        if (query_step(j) < 0)
            return -1;
        if ((g = guard_step(j)) < 0)
            return -1;
    }
    if (g == GW_GUARD_SILENT) {
        out->result = "guard";
        out->silent = 1;
        if (db_inbox_finish(j->c->d, j->row.id, 0, j->reply.lang, "guard", j->now) < 0 ||
            db_inbox_reason(j->c->d, j->row.id, out->why) < 0)
            return -1;
        snprintf(out->lang, sizeof(out->lang), "%s", j->reply.lang);
        out->intent = "guard";
        return 1;
    }
    if (record_step(j, g == GW_GUARD_NOTICE ? "notice" : "reply") < 0)
        return -1;
    out->silent = j->reply.silent;
    out->intent = j->reply.intent;
    out->segs = j->reply.silent ? 0 : j->reply.info.parts;
    snprintf(out->lang, sizeof(out->lang), "%s", j->reply.lang);
    snprintf(out->consent, sizeof(out->consent), "%s", j->reply.consent);
    snprintf(out->text, sizeof(out->text), "%s", j->reply.silent ? "" : j->reply.text);
    return 1;
}

static void result_log(const struct job *j)
{
    const struct gw_result *out = j->out;
    char num[40];

    log_info("sms-in id=%lld from=%s door=%s kw=%s lang=%s result=%s%s%s%s parts=%d reply=%lld "
             "segs=%d%s%s",
             (long long)out->inbox_id, log_number(j->row.sender, num, sizeof(num)),
             j->in != NULL ? j->in->door : j->row.modem, out->intent ? out->intent : "", out->lang,
             out->result, out->why[0] ? " reason=\"" : "", out->why, out->why[0] ? "\"" : "",
             j->row.parts, (long long)out->out_id, out->segs, out->consent[0] ? " consent=" : "",
             out->consent);
}

static struct job *job_new(gw_ctx *c, const struct gw_inbound *in, int64_t now,
                           struct gw_result *out)
{
    struct job *j = calloc(1, sizeof(*j));

    memset(out, 0, sizeof(*out));
    out->result = "";
    out->why = "";
    out->intent = "";
    if (j == NULL)
        return NULL;
    j->c = c;
    j->in = in;
    j->now = now;
    j->out = out;
    return j;
}

static int answer(gw_ctx *c, const struct gw_inbound *in, int64_t now, struct gw_result *out)
{
    struct job *j = job_new(c, in, now, out);
    int rc = -1;

    if (j == NULL)
        return -1;
    if (gw_ctx_refresh(c) < 0)
        goto out;
    if (in != NULL && in->reply_to == GW_REPLY_DRY) {
        /* The same steps as for real, in a transaction that is never committed. */
        if (db_begin(c->d) < 0)
            goto out;
        rc = answer_tx(c->d, j);
        db_rollback(c->d);
    } else {
        rc = db_in_tx(c->d, answer_tx, j);
    }
    if (rc > 0 && !out->duplicate && (in == NULL || in->reply_to != GW_REPLY_DRY))
        result_log(j);
out:
    free(j);
    return rc;
}

int gw_answer_next(gw_ctx *c, struct gw_result *out)
{
    return answer(c, NULL, time(NULL), out);
}

int gw_answer_text(gw_ctx *c, const struct gw_inbound *in, int64_t now, struct gw_result *out)
{
    int rc = answer(c, in, now, out);

    return rc < 0 ? -1 : 1;
}

/* ---- Group commit ---- */

#define BATCH_MAX 64 /* messages a commit at most */

struct gw_batch {
    gw_live *live;
    char database[PATH_MAX];
    db *d;       /* the committer's own, opened on first use (after any drop of root) */
    gw_ctx *ctx; /* on d */
    pthread_t tid;
    pthread_mutex_t lock;
    pthread_cond_t work, done;
    struct job *head, *tail; /* waiting for the next commit */
    int stop;
};

/* Answers the jobs from first on in one transaction, each in a savepoint of its own (a job that
 * fails is undone alone), then commits once. A failed commit fails them all: nothing of theirs
 * was kept, and each door says it could not answer. */
static void batch_run(struct gw_batch *b, struct job *first)
{
    struct job *j;
    int ok = 0;

    if (b->d == NULL && (b->d = db_open_nofollow(b->database)) == NULL)
        goto out;
    if (b->ctx == NULL && (b->ctx = gw_ctx_open(b->live, b->d)) == NULL)
        goto out;
    if (gw_ctx_refresh(b->ctx) < 0 || db_begin(b->d) < 0)
        goto out;
    for (j = first; j != NULL; j = j->next) {
        j->c = b->ctx;
        j->rc = db_in_tx(b->d, answer_tx, j);
    }
    ok = db_commit(b->d) == 0;
    if (!ok)
        db_rollback(b->d);
out:
    for (j = first; j != NULL; j = j->next) {
        if (!ok)
            j->rc = -1;
        else if (j->rc > 0 && !j->out->duplicate)
            result_log(j);
    }
}

static void *batch_main(void *arg)
{
    struct gw_batch *b = arg;

    pthread_mutex_lock(&b->lock);
    for (;;) {
        struct job *first, *last, *j;
        int n;

        while (b->head == NULL && !b->stop)
            pthread_cond_wait(&b->work, &b->lock);
        if (b->head == NULL)
            break; /* stopping, and nothing waits */
        first = last = b->head;
        for (n = 1; n < BATCH_MAX && last->next != NULL; n++)
            last = last->next;
        b->head = last->next;
        if (b->head == NULL)
            b->tail = NULL;
        last->next = NULL;
        pthread_mutex_unlock(&b->lock);
        batch_run(b, first);
        pthread_mutex_lock(&b->lock);
        for (j = first; j != NULL; j = j->next)
            j->finished = 1;
        pthread_cond_broadcast(&b->done);
    }
    pthread_mutex_unlock(&b->lock);
    gw_ctx_close(b->ctx);
    db_close(b->d);
    return NULL;
}

gw_batch *gw_batch_start(gw_live *live, const char *database)
{
    gw_batch *b = calloc(1, sizeof(*b));

    if (b == NULL)
        return NULL;
    b->live = live;
    snprintf(b->database, sizeof(b->database), "%s", database);
    pthread_mutex_init(&b->lock, NULL);
    pthread_cond_init(&b->work, NULL);
    pthread_cond_init(&b->done, NULL);
    if (pthread_create(&b->tid, NULL, batch_main, b) != 0) {
        log_warn("starting the answer service's committer");
        pthread_cond_destroy(&b->done);
        pthread_cond_destroy(&b->work);
        pthread_mutex_destroy(&b->lock);
        free(b);
        return NULL;
    }
    return b;
}

void gw_batch_stop(gw_batch *b)
{
    if (b == NULL)
        return;
    pthread_mutex_lock(&b->lock);
    b->stop = 1;
    pthread_cond_signal(&b->work);
    pthread_mutex_unlock(&b->lock);
    pthread_join(b->tid, NULL);
    pthread_cond_destroy(&b->done);
    pthread_cond_destroy(&b->work);
    pthread_mutex_destroy(&b->lock);
    free(b);
}

int gw_batch_answer(gw_batch *b, const struct gw_inbound *in, int64_t now, struct gw_result *out)
{
    struct job *j;
    int rc;

    assert(in != NULL && in->reply_to != GW_REPLY_DRY);
    if ((j = job_new(NULL, in, now, out)) == NULL)
        return -1;
    pthread_mutex_lock(&b->lock);
    if (b->tail != NULL)
        b->tail->next = j;
    else
        b->head = j;
    b->tail = j;
    pthread_cond_signal(&b->work);
    while (!j->finished)
        pthread_cond_wait(&b->done, &b->lock);
    pthread_mutex_unlock(&b->lock);
    rc = j->rc;
    free(j);
    return rc < 0 ? -1 : 1;
}
