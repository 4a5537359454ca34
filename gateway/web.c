/* web.c: the libcurl client of web.h. */
#include "gateway/web.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

struct gw_web {
    CURL *h;
    int timeout_ms;
};

static pthread_once_t web_once = PTHREAD_ONCE_INIT;
static int web_init_rc = -1;

static void web_global_init(void)
{
    web_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

static int web_ready(void)
{
    pthread_once(&web_once, web_global_init);
    return web_init_rc;
}

gw_web *gw_web_open(int timeout_ms)
{
    gw_web *w;

    if (web_ready() < 0 || (w = calloc(1, sizeof(*w))) == NULL)
        return NULL;
    if ((w->h = curl_easy_init()) == NULL) {
        free(w);
        return NULL;
    }
    w->timeout_ms = timeout_ms;
    return w;
}

void gw_web_close(gw_web *w)
{
    if (w == NULL)
        return;
    curl_easy_cleanup(w->h);
    free(w);
}

/* A body cut at its buffer's size: what is there is enough to judge the answer. */
struct sink {
    char *buf;
    size_t cap, len;
};

static size_t sink_write(char *data, size_t size, size_t n, void *arg)
{
    struct sink *s = arg;
    size_t bytes = size * n, room = s->cap > s->len + 1 ? s->cap - s->len - 1 : 0;

    if (bytes < room)
        room = bytes;
    memcpy(s->buf + s->len, data, room);
    s->len += room;
    s->buf[s->len] = '\0';
    return bytes;
}

int gw_web_get(gw_web *w, const char *url, int *status, char *body, size_t bodysz, char *why,
               size_t whysz)
{
    char err[CURL_ERROR_SIZE] = "";
    struct sink s = {body, bodysz, 0};
    long code = 0;
    CURLcode rc;

    if (bodysz > 0)
        body[0] = '\0';
    curl_easy_reset(w->h); /* keeps the open connection, forgets the last request's options */
    curl_easy_setopt(w->h, CURLOPT_URL, url);
    curl_easy_setopt(w->h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(w->h, CURLOPT_PROXY, "");    /* smsbox is ours, near: never an http_proxy */
    curl_easy_setopt(w->h, CURLOPT_NOSIGNAL, 1L); /* threads: no SIGALRM for DNS timeouts */
    curl_easy_setopt(w->h, CURLOPT_TIMEOUT_MS, (long)w->timeout_ms);
    curl_easy_setopt(w->h, CURLOPT_CONNECTTIMEOUT_MS, (long)w->timeout_ms);
    curl_easy_setopt(w->h, CURLOPT_USERAGENT, "remitline/" RL_VERSION);
    curl_easy_setopt(w->h, CURLOPT_WRITEFUNCTION, sink_write);
    curl_easy_setopt(w->h, CURLOPT_WRITEDATA, &s);
    curl_easy_setopt(w->h, CURLOPT_ERRORBUFFER, err);
    rc = curl_easy_perform(w->h);
    curl_easy_setopt(w->h, CURLOPT_ERRORBUFFER, NULL);
    if (rc != CURLE_OK) {
        snprintf(why, whysz, "%s", err[0] ? err : curl_easy_strerror(rc));
        return -1;
    }
    curl_easy_getinfo(w->h, CURLINFO_RESPONSE_CODE, &code);
    *status = (int)code;
    return 0;
}

int gw_web_escape(const char *s, char *out, size_t outsz, size_t *len)
{
    static const char hex[] = "0123456789ABCDEF";

    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        int plain = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.' || ch == '~';
        if (*len + (plain ? 1 : 3) >= outsz) {
            out[*len] = '\0';
            return -1;
        }
        if (plain) {
            out[(*len)++] = (char)ch;
        } else {
            out[(*len)++] = '%';
            out[(*len)++] = hex[ch >> 4];
            out[(*len)++] = hex[ch & 15];
        }
    }
    out[*len] = '\0';
    return 0;
}

/* ---- Downloads ---- */

struct download {
    FILE *fp;
    long max, bytes;
    int too_big;
    struct gw_fetch *f;
};

static size_t download_write(char *data, size_t size, size_t n, void *arg)
{
    struct download *d = arg;
    size_t bytes = size * n;

    /* A server may send more than it announced, or announce nothing: count as it comes. */
    if (d->bytes + (long)bytes > d->max) {
        d->too_big = 1;
        return 0; /* curl stops with CURLE_WRITE_ERROR */
    }
    if (fwrite(data, 1, bytes, d->fp) != bytes)
        return 0;
    d->bytes += (long)bytes;
    return bytes;
}

/* Copies a header's value (after "Name:"), trimmed, into out. */
static void header_value(const char *v, size_t n, char *out, size_t outsz)
{
    while (n > 0 && (*v == ' ' || *v == '\t')) {
        v++;
        n--;
    }
    while (n > 0 && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' '))
        n--;
    if (n >= outsz)
        n = 0; /* too long to trust: send no condition rather than a cut one */
    memcpy(out, v, n);
    out[n] = '\0';
}

static size_t download_header(char *data, size_t size, size_t n, void *arg)
{
    struct download *d = arg;
    size_t bytes = size * n;

    /* Each response of a redirect chain starts with its status line: keep the last one's. */
    if (bytes >= 5 && strncmp(data, "HTTP/", 5) == 0) {
        d->f->new_etag[0] = '\0';
        d->f->new_last_modified[0] = '\0';
    } else if (bytes > 5 && strncasecmp(data, "ETag:", 5) == 0) {
        header_value(data + 5, bytes - 5, d->f->new_etag, sizeof(d->f->new_etag));
    } else if (bytes > 14 && strncasecmp(data, "Last-Modified:", 14) == 0) {
        header_value(data + 14, bytes - 14, d->f->new_last_modified,
                     sizeof(d->f->new_last_modified));
    }
    return bytes;
}

int gw_web_fetch(struct gw_fetch *f, char *why, size_t whysz)
{
    char err[CURL_ERROR_SIZE] = "", hdr[2][200];
    struct download d;
    struct curl_slist *headers = NULL, *more;
    CURL *h = NULL;
    long code = 0;
    CURLcode rc;
    int ret = -1;

    memset(&d, 0, sizeof(d));
    d.f = f;
    d.max = f->max_bytes;
    f->status = 0;
    f->not_modified = 0;
    f->bytes = 0;
    f->new_etag[0] = f->new_last_modified[0] = '\0';
    if (strncmp(f->url, "https://", 8) != 0) {
        snprintf(why, whysz, "%s: only https:// URLs are fetched (the data must be verified)",
                 f->url);
        return -1;
    }
    if (web_ready() < 0 || (h = curl_easy_init()) == NULL) {
        snprintf(why, whysz, "cannot start libcurl");
        return -1;
    }
    if ((d.fp = fopen(f->path, "wb")) == NULL) {
        snprintf(why, whysz, "cannot write %s: %s", f->path, strerror(errno));
        goto out;
    }
    if (f->etag != NULL && f->etag[0] != '\0') {
        snprintf(hdr[0], sizeof(hdr[0]), "If-None-Match: %s", f->etag);
        if ((more = curl_slist_append(headers, hdr[0])) != NULL)
            headers = more;
    }
    if (f->last_modified != NULL && f->last_modified[0] != '\0') {
        snprintf(hdr[1], sizeof(hdr[1]), "If-Modified-Since: %s", f->last_modified);
        if ((more = curl_slist_append(headers, hdr[1])) != NULL)
            headers = more;
    }
    curl_easy_setopt(h, CURLOPT_URL, f->url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (f->ca_file != NULL && f->ca_file[0] != '\0') {
        curl_easy_setopt(h, CURLOPT_CAINFO, f->ca_file);
        curl_easy_setopt(h, CURLOPT_CAPATH, NULL); /* that file only, not the system store too */
    }
    curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)f->timeout_s);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)(f->timeout_s < 30 ? f->timeout_s : 30));
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)f->max_bytes);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, ""); /* whatever curl can decode */
    curl_easy_setopt(h, CURLOPT_USERAGENT, "remitline/" RL_VERSION);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, download_write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &d);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, download_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &d);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, err);
    rc = curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    f->status = (int)code;
    f->bytes = d.bytes;
    if (d.too_big || rc == CURLE_FILESIZE_EXCEEDED) {
        snprintf(why, whysz, "%s: the answer is larger than the cap of %ld bytes (max_bytes)",
                 f->url, f->max_bytes);
        goto out;
    }
    if (rc != CURLE_OK) {
        snprintf(why, whysz, "%s: %s", f->url, err[0] ? err : curl_easy_strerror(rc));
        goto out;
    }
    if (code == 304) {
        f->not_modified = 1;
        ret = 0;
        goto out;
    }
    if (code != 200) {
        snprintf(why, whysz, "%s: the server answered HTTP %ld", f->url, code);
        goto out;
    }
    if (fflush(d.fp) != 0 || fsync(fileno(d.fp)) != 0) {
        snprintf(why, whysz, "writing %s: %s", f->path, strerror(errno));
        goto out;
    }
    ret = 0;
out:
    if (d.fp != NULL && fclose(d.fp) != 0 && ret == 0) {
        snprintf(why, whysz, "writing %s: %s", f->path, strerror(errno));
        ret = -1;
    }
    if (d.fp != NULL && (ret < 0 || f->not_modified))
        unlink(f->path);
    curl_slist_free_all(headers);
    curl_easy_cleanup(h);
    return ret;
}
