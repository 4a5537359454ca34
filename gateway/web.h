/*
 * web.h: the one HTTP client of remitline, over libcurl (TLS, redirects, timeouts, proxies and
 * HTTP's corner cases are curl's, not ours). Two uses:
 *   - Kannel's sendsms (tr_kannel.c): gw_web_open(), then gw_web_get() per request on that
 *     handle (the connection is kept between requests), gw_web_close();
 *   - `remitline update` (update.c): gw_web_fetch() downloads one file over HTTPS into a path,
 *     verifying the server's certificate, with a size cap and a conditional GET.
 * A handle belongs to one thread. gw_web_open() and gw_web_fetch() call curl_global_init()
 * once for the process.
 */
#ifndef RL_GW_WEB_H
#define RL_GW_WEB_H

#include <stddef.h>

typedef struct gw_web gw_web;

/* A client for plain GETs with the given timeout (connect and whole transfer), or NULL if out
 * of memory. */
gw_web *gw_web_open(int timeout_ms);
void gw_web_close(gw_web *w); /* accepts NULL */

/*
 * GETs url (http:// or https://, query already escaped). Returns 0 with *status and the body
 * (NUL-terminated, cut to bodysz - 1 bytes); -1 when the server could not be reached or did not
 * answer in time (why says which, in curl's words).
 */
int gw_web_get(gw_web *w, const char *url, int *status, char *body, size_t bodysz, char *why,
               size_t whysz);

/* Appends s to out (at *len, capped at outsz) percent-escaped for a query: 0, or -1 if cut. */
int gw_web_escape(const char *s, char *out, size_t outsz, size_t *len);

/* One download of `remitline update`. */
struct gw_fetch {
    const char *url;           /* https:// only: the data must come from whom it says */
    const char *path;          /* written here (created or truncated); removed on failure */
    const char *ca_file;       /* CA bundle to trust instead of the system store; NULL: system */
    long max_bytes;            /* a larger body is refused (announced or as it arrives) */
    int timeout_s;             /* the whole transfer */
    const char *etag;          /* of the last good copy, for If-None-Match; NULL or "" none */
    const char *last_modified; /* its Last-Modified, for If-Modified-Since; NULL or "" none */
    /* Out: */
    int status;         /* HTTP status, 0 if none came */
    int not_modified;   /* 304: the copy we have is current; path untouched */
    long bytes;         /* body bytes written */
    char new_etag[128]; /* the answer's ETag and Last-Modified, "" if none */
    char new_last_modified[64];
};

/*
 * Fetches f->url into f->path. Returns 0 on a 200 (or a 304: f->not_modified), -1 otherwise
 * with why: TLS failure, a status other than 200, a body over max_bytes, no connection.
 */
int gw_web_fetch(struct gw_fetch *f, char *why, size_t whysz);

#endif
