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
 *   1. gw_http_start(conf, live) -> h, or NULL (logged) when the address cannot be bound.
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

/* c is copied; live is borrowed and must outlive the server. */
struct gw_http *gw_http_start(const struct conf *c, gw_live *live);
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
