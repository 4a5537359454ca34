/*
 * http.h: the gateway's HTTP interface, served by GNU libmicrohttpd inside `remitline run`.
 *
 *   POST /ussd     USSD callbacks in the Africa's Talking convention (form fields sessionId,
 *                  serviceCode, phoneNumber, networkCode, text); answers "CON ..." or "END ...".
 *   GET  /kannel   Kannel's sms-service get-url (from, to, text, charset, coding); answers with
 *                  the reply as the body, and records both messages in the database.
 *   GET  /healthz  modems, database and queue depth as JSON; 200 healthy, 503 not.
 *   GET  /metrics  counters in the Prometheus text format.
 * Every endpoint but /healthz needs a configured client's bearer token or basic credentials;
 * clients outside the allowlist are refused before a byte is read. Bodies, headers,
 * connections, idle time and each request's whole time are bounded by the configuration.
 *
 * Order of calls, from the daemon's main thread:
 *   0. gw_http_bind(listen) -> a bound socket, made before `run --user` drops root, so a
 *      port below 1024 can be served without root afterwards (optional: start binds itself).
 *   1. gw_http_start(conf, live, fd) -> h, or NULL (logged) when the address cannot be bound.
 *      At most gw_http_conn_limit() connections are served at once, so idle clients cannot take
 *      the descriptors the modems and the database need.
 *      Each worker opens its own database handle and answer context (answer.h), which takes the
 *      newest configuration from live and reloads when the content generation changes, as the
 *      modem threads do. The server's own settings (listen, clients, limits) are read once.
 *   2. gw_http_tick(h) about once a second (NULL is fine): cuts connections whose request has
 *      taken longer than request_timeout, however steadily its bytes trickle in.
 *   3. gw_http_stop(h) (NULL is fine): stops accepting, finishes the requests in flight.
 */
#ifndef RL_GW_HTTP_H
#define RL_GW_HTTP_H

#include <stdatomic.h>

#include "conf/config.h"
#include "gateway/live.h"

struct gw_http;

/* Binds a socket to "ADDR:PORT" (gw_http_start makes it listen): the socket, or -1 (logged). */
int gw_http_bind(const char *listen_addr);

/* c is copied; live is borrowed and must outlive the server. listen_fd (from gw_http_bind, or -1
 * to bind c->http.listen here) is the server's from then on, closed by it even on failure. */
struct gw_http *gw_http_start(const struct conf *c, gw_live *live, int listen_fd);

/* How many connections the server may hold with nofile descriptors (RLIMIT_NOFILE) for the
 * whole process, nmodems modems and threads workers: configured (max_connections) when it
 * fits, else (and when configured is 0, the default) what is left after the rest of the
 * gateway's share, at least 1. */
int gw_http_conn_limit(long nofile, int configured, int nmodems, int threads);
void gw_http_tick(struct gw_http *h);
void gw_http_stop(struct gw_http *h);

/* Parses "ADDR:PORT" or "[V6]:PORT" into a socket address: 0, or -1. Used by the server and by
 * `remitline run --http` to check its argument early. */
struct sockaddr_storage;
/*
 * Finds field name in an application/x-www-form-urlencoded body (len bytes, not NUL-terminated)
 * and decodes it into out. Returns 1 found, 0 missing, -1 malformed (a bad escape, a NUL byte,
 * or too long for out). Exposed for the tests and the USSD fuzz target.
 */
int gw_http_form_field(const char *body, size_t len, const char *name, char *out, size_t outsz);

int gw_http_parse_listen(const char *listen, struct sockaddr_storage *out, unsigned *len);

#endif
