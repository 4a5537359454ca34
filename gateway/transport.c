/* transport.c: finding a backend by name, and the fault switch of test builds. */
#include "gateway/transport.h"

#include <stdlib.h>
#include <string.h>

static const struct transport_ops *const backends[] = {
    &gw_gammu_ops,
    &gw_kannel_ops,
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
#include <pthread.h>
#include <stdio.h>

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
#else
int gw_fault_send(const char *modem, const char *recipient)
{
    (void)modem;
    (void)recipient;
    return 0;
}
#endif
