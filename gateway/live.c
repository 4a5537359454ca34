#include "gateway/live.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>

/* The conf comes first, so a reader's const struct conf * is the snapshot's address. */
struct snap {
    struct conf conf;
    unsigned version;
    int refs; /* readers holding it, plus one while it is the newest */
};

struct gw_live {
    pthread_mutex_t lock;
    struct snap *cur;
    atomic_uint version;
};

static struct snap *snap_new(const struct conf *c, unsigned version)
{
    struct snap *s = malloc(sizeof(*s));

    if (s == NULL)
        return NULL;
    s->conf = *c;
    s->version = version;
    s->refs = 1;
    return s;
}

gw_live *gw_live_new(const struct conf *c)
{
    gw_live *l = calloc(1, sizeof(*l));

    if (l == NULL || (l->cur = snap_new(c, 1)) == NULL) {
        free(l);
        return NULL;
    }
    pthread_mutex_init(&l->lock, NULL);
    atomic_store(&l->version, 1);
    return l;
}

void gw_live_free(gw_live *l)
{
    if (l == NULL)
        return;
    free(l->cur); /* every reader has stopped: only the newest's own reference is left */
    pthread_mutex_destroy(&l->lock);
    free(l);
}

int gw_live_set(gw_live *l, const struct conf *c)
{
    struct snap *s = snap_new(c, atomic_load(&l->version) + 1), *old;

    if (s == NULL)
        return -1;
    pthread_mutex_lock(&l->lock);
    old = l->cur;
    l->cur = s;
    atomic_store(&l->version, s->version);
    if (--old->refs > 0)
        old = NULL; /* still read: its last reader frees it */
    pthread_mutex_unlock(&l->lock);
    free(old);
    return 0;
}

const struct conf *gw_live_acquire(gw_live *l, unsigned *version)
{
    struct snap *s;

    pthread_mutex_lock(&l->lock);
    s = l->cur;
    s->refs++;
    pthread_mutex_unlock(&l->lock);
    if (version != NULL)
        *version = s->version;
    return &s->conf;
}

void gw_live_release(gw_live *l, const struct conf *c)
{
    struct snap *s = (struct snap *)(void *)c;

    if (c == NULL)
        return;
    pthread_mutex_lock(&l->lock);
    if (--s->refs > 0)
        s = NULL;
    pthread_mutex_unlock(&l->lock);
    free(s);
}

unsigned gw_live_version(gw_live *l)
{
    return atomic_load(&l->version);
}
