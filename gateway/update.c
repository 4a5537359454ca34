/* update.c: `remitline update`, see update.h. */
#include "gateway/update.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/import.h"
#include "db/updates.h"
#include "gateway/web.h"
#include "util/log.h"

#define UPDATE_NSOURCES 3

struct usource {
    const char *key;  /* the name attempts are recorded under */
    const char *url;  /* "" = off */
    const char *file; /* its name in update.dir */
    enum conf_format format;
    /* The run's outcome: */
    char path[PATH_MAX], part[PATH_MAX + 16];
    struct gw_fetch f;
    int fetched; /* passed every check: to import */
    const char *result;
    char error[400];
};

static void fail(struct usource *s, const char *what, const char *detail)
{
    s->result = "failed";
    snprintf(s->error, sizeof(s->error), "%s: %s", what, detail);
}

/* The first bytes of a file, printable, for saying what came instead of what was expected. */
static void file_start(const char *path, char *out, size_t outsz)
{
    unsigned char b[48];
    FILE *fp = fopen(path, "rb");
    size_t n = 0, i, o = 0;

    if (fp != NULL) {
        n = fread(b, 1, sizeof(b), fp);
        fclose(fp);
    }
    for (i = 0; i < n && o + 2 < outsz; i++)
        out[o++] = b[i] >= 0x20 && b[i] < 0x7f ? (char)b[i] : '.';
    out[o] = '\0';
}

/* Everything but the import: fetch, then check what came. */
static void fetch_one(db *d, const struct conf *c, struct usource *s)
{
    struct conf_errs errs;
    struct import_stats st;
    struct import_opts o;
    const char *paths[1];
    char etag[128] = "", lm[64] = "", start[64];
    enum conf_format got;

    /* Ask "has it changed?" only while the copy the answer would refer to is still there. */
    if (access(s->path, R_OK) == 0)
        db_update_validators(d, s->key, etag, sizeof(etag), lm, sizeof(lm));
    memset(&s->f, 0, sizeof(s->f));
    s->f.url = s->url;
    s->f.path = s->part;
    s->f.ca_file = c->update.ca_file;
    s->f.max_bytes = c->update.max_bytes;
    s->f.timeout_s = c->update.timeout;
    s->f.etag = etag;
    s->f.last_modified = lm;
    if (gw_web_fetch(&s->f, s->error, sizeof(s->error)) < 0) {
        s->result = "failed";
        return;
    }
    if (s->f.not_modified) {
        s->result = "unchanged";
        return;
    }
    got = conf_detect_format(s->part);
    if (got != s->format) {
        file_start(s->part, start, sizeof(start));
        snprintf(s->error, sizeof(s->error),
                 "%s: the answer (%ld bytes) is not %s; it starts \"%s\"", s->url, s->f.bytes,
                 conf_format_what(s->format), start);
        s->result = "failed";
        unlink(s->part);
        return;
    }
    /* The file alone, into a transaction rolled back: every problem of a malformed body. */
    memset(&o, 0, sizeof(o));
    o.forced = s->format;
    o.dry_run = 1;
    paths[0] = s->part;
    conf_errs_init(&errs);
    if (conf_import_opts(d, paths, 1, &o, &errs, &st) < 0) {
        snprintf(s->error, sizeof(s->error), "%s: refused, %d problem%s, first: %s", s->url,
                 errs.count, errs.count == 1 ? "" : "s", errs.nmsg > 0 ? errs.msg[0] : "?");
        s->result = "failed";
        unlink(s->part);
        conf_errs_free(&errs);
        return;
    }
    conf_errs_free(&errs);
    if (rename(s->part, s->path) < 0) {
        fail(s, "cannot keep the download", strerror(errno));
        unlink(s->part);
        return;
    }
    s->fetched = 1;
}

int gw_update_run(db *d, const struct conf *c, int64_t now, FILE *out)
{
    static const struct {
        const char *key, *file;
        enum conf_format format;
    } kinds[UPDATE_NSOURCES] = {
        {"ecb-daily", "eurofxref-daily.xml", CONF_FORMAT_ECB},
        {"ecb-90d", "eurofxref-hist-90d.xml", CONF_FORMAT_ECB},
        {"worldbank", "rpw-dataset.xlsx", CONF_FORMAT_RPW},
    };
    const char *const urls[UPDATE_NSOURCES] = {c->update.ecb_daily_url, c->update.ecb_90d_url,
                                               c->update.worldbank_url};
    struct usource src[UPDATE_NSOURCES];
    const char *paths[UPDATE_NSOURCES];
    struct db_update_attempt a;
    struct conf_errs errs;
    struct import_stats st;
    int i, n = 0, active = 0, failed = 0;

    memset(src, 0, sizeof(src));
    for (i = 0; i < UPDATE_NSOURCES; i++) {
        struct usource *s = &src[i];
        s->key = kinds[i].key;
        s->file = kinds[i].file;
        s->format = kinds[i].format;
        s->url = urls[i];
        if (s->url[0] == '\0')
            continue;
        active++;
        if ((size_t)snprintf(s->path, sizeof(s->path), "%s/%s", c->update.dir, s->file) >=
            sizeof(s->path)) {
            fail(s, "update.dir", "too long a path");
            continue;
        }
        snprintf(s->part, sizeof(s->part), "%s/%s.part", c->update.dir, s->file);
        if (mkdir(c->update.dir, 0750) < 0 && errno != EEXIST)
            fail(s, "cannot create the download directory", strerror(errno));
        else
            fetch_one(d, c, s);
        if (s->fetched)
            paths[n++] = s->path;
    }
    if (active == 0) {
        fprintf(out, "update: no source configured (update.ecb_daily_url, update.ecb_90d_url, "
                     "update.worldbank_url are all empty)\n");
        return -1;
    }
    /* What passed, in one transaction: all of it becomes live, or none. */
    if (n > 0) {
        conf_errs_init(&errs);
        if (conf_import(d, paths, n, CONF_FORMAT_UNKNOWN, 0, &errs, &st) < 0) {
            for (i = 0; i < UPDATE_NSOURCES; i++)
                if (src[i].fetched) {
                    src[i].fetched = 0;
                    fail(&src[i], "the import failed, nothing changed",
                         errs.nmsg > 0 ? errs.msg[0] : "?");
                }
        } else {
            for (i = 0; i < UPDATE_NSOURCES; i++)
                if (src[i].fetched)
                    src[i].result = "ok";
        }
        conf_errs_free(&errs);
    }
    for (i = 0; i < UPDATE_NSOURCES; i++) {
        struct usource *s = &src[i];
        if (s->url[0] == '\0')
            continue;
        memset(&a, 0, sizeof(a));
        a.at = now;
        a.source = s->key;
        a.url = s->url;
        a.result = s->result;
        a.http_status = s->f.status;
        a.bytes = s->f.bytes;
        if (strcmp(s->result, "failed") == 0) {
            a.error = s->error;
            failed++;
            log_warnx("update source=%s result=failed error=\"%s\"", s->key, s->error);
            fprintf(out, "%-10s failed: %s; the data imported before is kept\n", s->key, s->error);
        } else if (strcmp(s->result, "ok") == 0) {
            a.etag = s->f.new_etag;
            a.last_modified = s->f.new_last_modified;
            log_info("update source=%s result=ok bytes=%ld", s->key, s->f.bytes);
            fprintf(out, "%-10s ok: %ld bytes from %s, imported\n", s->key, s->f.bytes, s->url);
        } else {
            log_info("update source=%s result=unchanged", s->key);
            fprintf(out, "%-10s unchanged: the copy imported before is current\n", s->key);
        }
        if (db_update_record(d, &a) < 0)
            fprintf(out, "%-10s (the attempt could not be recorded: %s)\n", s->key, db_errmsg(d));
    }
    if (failed > 0)
        fprintf(out, "update: %d of %d sources failed\n", failed, active);
    return failed > 0 ? -1 : 0;
}
