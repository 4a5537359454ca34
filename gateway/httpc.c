/* httpc.c: the HTTP/1.0 client of httpc.h. */
#include "gateway/httpc.h"
#include "util/mono.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int gw_httpc_parse(const char *url, struct gw_url *out)
{
    const char *p, *slash, *colon;
    size_t hl;

    memset(out, 0, sizeof(*out));
    if (strncmp(url, "http://", 7) != 0)
        return -1;
    p = url + 7;
    slash = strchr(p, '/');
    if (slash == NULL)
        slash = p + strlen(p);
    colon = memchr(p, ':', (size_t)(slash - p));
    hl = (size_t)((colon ? colon : slash) - p);
    if (hl == 0 || hl >= sizeof(out->host) || memchr(p, '@', (size_t)(slash - p)) != NULL)
        return -1;
    memcpy(out->host, p, hl);
    if (colon != NULL) {
        size_t pl = (size_t)(slash - colon - 1), i;
        if (pl == 0 || pl >= sizeof(out->port))
            return -1;
        for (i = 0; i < pl; i++)
            if (colon[1 + i] < '0' || colon[1 + i] > '9')
                return -1;
        memcpy(out->port, colon + 1, pl);
    } else {
        snprintf(out->port, sizeof(out->port), "80");
    }
    if (strlen(slash) >= sizeof(out->path))
        return -1;
    snprintf(out->path, sizeof(out->path), "%s", *slash ? slash : "/");
    return 0;
}

int gw_httpc_escape(const char *s, char *out, size_t outsz, size_t *len)
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

static long ms_left(const double *deadline)
{
    return (long)((*deadline - mono_s()) * 1000);
}

/* Waits for events on fd until the deadline: 1 ready, 0 timed out, -1 error. */
static int wait_fd(int fd, short events, const double *deadline)
{
    struct pollfd p = {fd, events, 0};
    long left;
    int rc;

    for (;;) {
        if ((left = ms_left(deadline)) <= 0)
            return 0;
        rc = poll(&p, 1, (int)left);
        if (rc < 0 && errno == EINTR)
            continue;
        return rc < 0 ? -1 : rc > 0;
    }
}

int gw_httpc_get(const struct gw_url *u, const char *target, int timeout_ms, int *status,
                 char *body, size_t bodysz, char *why, size_t whysz)
{
    struct addrinfo hints, *ai = NULL;
    double deadline;
    char *resp = NULL, req[2048];
    size_t cap = bodysz + 1024, got = 0, sent = 0;
    int fd = -1, rc = -1, n, err = 0;
    socklen_t errlen = sizeof(err);
    char *eol, *start;

    deadline = mono_s() + timeout_ms / 1000.0;
    n = snprintf(req, sizeof(req),
                 "GET %s HTTP/1.0\r\nHost: %s:%s\r\nUser-Agent: remitline\r\n\r\n", target, u->host,
                 u->port);
    if (n < 0 || (size_t)n >= sizeof(req)) {
        snprintf(why, whysz, "request too long");
        goto out;
    }
    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(u->host, u->port, &hints, &ai) != 0 || ai == NULL) {
        snprintf(why, whysz, "cannot resolve %s", u->host);
        goto out;
    }
    if ((fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0) {
        snprintf(why, whysz, "socket: %s", strerror(errno));
        goto out;
    }
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 && errno != EINPROGRESS) {
        snprintf(why, whysz, "cannot connect to %s:%s: %s", u->host, u->port, strerror(errno));
        goto out;
    }
    if (wait_fd(fd, POLLOUT, &deadline) != 1 ||
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &errlen) < 0 || err != 0) {
        snprintf(why, whysz, "cannot connect to %s:%s: %s", u->host, u->port,
                 err ? strerror(err) : "timed out");
        goto out;
    }
    while (sent < (size_t)n) {
        ssize_t w;
        if (wait_fd(fd, POLLOUT, &deadline) != 1) {
            snprintf(why, whysz, "timed out sending");
            goto out;
        }
        if ((w = send(fd, req + sent, (size_t)n - sent, MSG_NOSIGNAL)) < 0) {
            if (errno == EAGAIN || errno == EINTR)
                continue;
            snprintf(why, whysz, "send: %s", strerror(errno));
            goto out;
        }
        sent += (size_t)w;
    }
    if ((resp = malloc(cap + 1)) == NULL) {
        snprintf(why, whysz, "out of memory");
        goto out;
    }
    for (;;) {
        ssize_t r;
        if (got == cap)
            break; /* the rest would not fit: what we have is enough to judge */
        if (wait_fd(fd, POLLIN, &deadline) != 1) {
            snprintf(why, whysz, "timed out waiting for the answer");
            goto out;
        }
        if ((r = recv(fd, resp + got, cap - got, 0)) < 0) {
            if (errno == EAGAIN || errno == EINTR)
                continue;
            snprintf(why, whysz, "recv: %s", strerror(errno));
            goto out;
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    resp[got] = '\0';
    if (strncmp(resp, "HTTP/1.", 7) != 0 || got < 12) {
        snprintf(why, whysz, "not an HTTP answer");
        goto out;
    }
    *status = (int)strtol(resp + 9, NULL, 10);
    start = strstr(resp, "\r\n\r\n");
    eol = start ? start + 4 : resp + got;
    snprintf(body, bodysz, "%s", eol);
    rc = 0;
out:
    free(resp);
    if (fd >= 0)
        close(fd);
    if (ai != NULL)
        freeaddrinfo(ai);
    return rc;
}
