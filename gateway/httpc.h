/*
 * httpc.h: a small HTTP/1.0 client over POSIX sockets, enough to call Kannel's sendsms: one
 * GET, one response, connection closed. No TLS, no redirects, no chunked bodies (HTTP/1.0
 * servers do not send them). Every wait has a timeout and the response is read into the
 * caller's buffer, cut at its size.
 *
 *   1. gw_httpc_parse(url, &u) splits "http://host:port/path?query".
 *   2. gw_httpc_get(&u, path_and_query, timeout_ms, &status, body, bodysz).
 */
#ifndef RL_GW_HTTPC_H
#define RL_GW_HTTPC_H

#include <stddef.h>

struct gw_url {
    char host[128];
    char port[8];
    char path[256]; /* "/cgi-bin/sendsms", without the query */
};

/* 0, or -1 when url is not http://host[:port][/path]. */
int gw_httpc_parse(const char *url, struct gw_url *out);

/*
 * GETs target (a path with its query, already escaped) from u's host. Returns 0 with *status
 * and the body (NUL-terminated, cut to bodysz - 1 bytes); -1 when the server could not be
 * reached or did not answer in time (why says which).
 */
int gw_httpc_get(const struct gw_url *u, const char *target, int timeout_ms, int *status,
                 char *body, size_t bodysz, char *why, size_t whysz);

/* Appends s to out (at *len, capped at outsz) percent-escaped for a query: 0, or -1 if cut. */
int gw_httpc_escape(const char *s, char *out, size_t outsz, size_t *len);

#endif
