/* transport.c: finding a backend by name, and the fault switch of test builds. */
#include "gateway/transport.h"

#include <stdlib.h>
#include <string.h>

#include "gateway/tr_fake.h"

static const struct transport_ops *const backends[] = {
    &gw_gammu_ops, &gw_kannel_ops,
    &gw_fake_ops, /* in-memory, for tests: the configuration accepts only the two above */
};

struct transport *gw_transport_new(const char *backend, const struct conf_modem *conf)
{
    struct transport *t;
    size_t i;

    for (i = 0; i < sizeof(backends) / sizeof(backends[0]); i++) {
        if (strcmp(backends[i]->name, backend) != 0)
            continue;
        if ((t = calloc(1, sizeof(*t))) == NULL)
            return NULL;
        t->ops = backends[i];
        t->conf = conf;
        if (t->ops->init(t) < 0) {
            free(t);
            return NULL;
        }
        return t;
    }
    return NULL;
}

void gw_transport_free(struct transport *t)
{
    if (t == NULL)
        return;
    t->ops->fini(t);
    free(t);
}

#ifdef RL_FAULTS
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

/* Sends per number so far, for "send-fail:NUMBER:K"; shared by the modem threads. */
static pthread_mutex_t fault_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
    char number[32];
    int sends;
} fault_counts[64];

static int fault_count(const char *number)
{
    int i, n = -1;

    pthread_mutex_lock(&fault_lock);
    for (i = 0; i < 64; i++) {
        if (fault_counts[i].number[0] == '\0')
            snprintf(fault_counts[i].number, sizeof(fault_counts[i].number), "%s", number);
        if (strcmp(fault_counts[i].number, number) == 0) {
            n = ++fault_counts[i].sends;
            break;
        }
    }
    pthread_mutex_unlock(&fault_lock);
    return n;
}

int gw_fault_send(const char *modem, const char *recipient)
{
    const char *spec = getenv("REMITLINE_FAULTS");
    char buf[512], *tok, *save = NULL;

    if (spec == NULL || spec[0] == '\0')
        return 0;
    snprintf(buf, sizeof(buf), "%s", spec);
    for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (strncmp(tok, "modem-fail:", 11) == 0 && strcmp(tok + 11, modem) == 0)
            return GW_DEVICE_ERROR;
        if (strncmp(tok, "send-fail:", 10) == 0) {
            char *num = tok + 10, *k = strchr(num, ':');
            if (k != NULL)
                *k++ = '\0';
            if (strcmp(num, recipient) != 0)
                continue;
            if (k == NULL)
                return -1;
            return fault_count(recipient) <= (int)strtol(k, NULL, 10) ? -1 : 0;
        }
    }
    return 0;
}

static void send_log(const char *spec, const char *modem, const struct gw_out_part *p)
{
    const char *path;
    char file[512], line[1400];
    size_t len, i;
    int fd, n;

    if ((path = strstr(spec, "send-log:")) == NULL)
        return;
    path += 9;
    len = strcspn(path, ",");
    if (len == 0 || len >= sizeof(file))
        return;
    memcpy(file, path, len);
    file[len] = '\0';
    n = snprintf(line, sizeof(line), "sent modem=%s to=%s part=%d/%d ref=%d text=%s\n", modem,
                 p->recipient, p->part, p->parts, p->concat_ref, p->text);
    if (n < 0)
        return;
    len = (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;
    line[len - 1] = '\n'; /* a cut line still ends its record */
    for (i = 0; i + 1 < len; i++)
        if (line[i] == '\n' || line[i] == '\r')
            line[i] = ' ';
    /* One write() on an O_APPEND descriptor: lines from several modem threads never mix. */
    if ((fd = open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)) < 0)
        return;
    if (write(fd, line, len) != (ssize_t)len)
        fprintf(stderr, "remitline: send-log %s: short write\n", file);
    close(fd);
}

/* sent-pause:NUMBER:MS: the modem took the part and nothing is recorded yet; wait here. */
static void fault_sent_pause(const char *spec, const char *recipient)
{
    char buf[512], *tok, *save = NULL;
    struct timespec ts;

    snprintf(buf, sizeof(buf), "%s", spec);
    for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *num = tok + 11, *ms;
        long v;
        if (strncmp(tok, "sent-pause:", 11) != 0 || (ms = strchr(num, ':')) == NULL)
            continue;
        *ms++ = '\0';
        if (strcmp(num, recipient) != 0 || (v = strtol(ms, NULL, 10)) <= 0)
            continue;
        fprintf(stderr, "remitline: fault sent-pause ms=%ld (the part went; not recorded yet)\n",
                v);
        ts.tv_sec = v / 1000;
        ts.tv_nsec = (v % 1000) * 1000000L;
        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
            ;
        return;
    }
}

void gw_fault_sent(const char *modem, const struct gw_out_part *p)
{
    const char *spec = getenv("REMITLINE_FAULTS");

    if (spec == NULL)
        return;
    send_log(spec, modem, p);
    fault_sent_pause(spec, p->recipient);
}

int gw_fault_ussd(const char *modem, char *reply, size_t replysz)
{
    const char *spec = getenv("REMITLINE_FAULTS"), *p;
    char key[80];
    size_t len;

    if (spec == NULL || modem == NULL)
        return 0;
    len = (size_t)snprintf(key, sizeof(key), "ussd-reply:%s:", modem);
    /* TEXT runs to the end of the list, commas and all (an answer like "1 234,50 FCFA"). */
    for (p = strstr(spec, key); p != NULL; p = strstr(p + 1, key))
        if (p == spec || p[-1] == ',') {
            snprintf(reply, replysz, "%s", p + len);
            return 1;
        }
    return 0;
}
#else
int gw_fault_ussd(const char *modem, char *reply, size_t replysz)
{
    (void)modem;
    (void)reply;
    (void)replysz;
    return 0;
}

int gw_fault_send(const char *modem, const char *recipient)
{
    (void)modem;
    (void)recipient;
    return 0;
}

void gw_fault_sent(const char *modem, const struct gw_out_part *p)
{
    (void)modem;
    (void)p;
}
#endif

const char *gw_transport_of(const struct conf *c, const char *modem)
{
    int i;

    for (i = 0; i < c->nmodems; i++)
        if (strcmp(c->modems[i].name, modem) == 0)
            return c->modems[i].transport;
    if (strcmp(modem, "kannel") == 0)
        return "kannel-http";
    if (strcmp(modem, "ussd") == 0)
        return "ussd";
    if (strcmp(modem, "ask") == 0)
        return "cli"; /* remitline ask --from --save */
    return "none";
}
