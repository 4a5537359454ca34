#include "conf/config.h"

#include <errno.h>
#include <libconfig.h>
#include <regex.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum ctype { C_PATH, C_STRING, C_INT, C_LEVEL, C_QUIET, C_BOOL, C_REGEX, C_NUMBER };

/* The schema: one row a setting; offsets into struct conf or struct conf_modem. */
struct setting {
    const char *name;
    enum ctype type;
    size_t offset, size;
    long min, max;
    const char *help;
};

static const struct setting settings[] = {
    {"database", C_PATH, offsetof(struct conf, database), PATH_MAX, 0, 0,
     "path of the SQLite database"},
    {"content", C_PATH, offsetof(struct conf, content), PATH_MAX, 0, 0,
     "directory of content files imported by default"},
    {"default_language", C_STRING, offsetof(struct conf, default_lang), 8, 2, 3,
     "language code used when a message's language is unclear"},
    {"max_parts", C_INT, offsetof(struct conf, max_parts), sizeof(int), 1, 10,
     "SMS parts one reply may use"},
    {"log_level", C_LEVEL, offsetof(struct conf, log_level), sizeof(int), 0, 2,
     "warning, info or debug"},
    {"poll_interval_ms", C_INT, offsetof(struct conf, poll_ms), sizeof(int), 50, 60000,
     "milliseconds between two looks for new SMS on each modem"},
    {"multipart_timeout", C_INT, offsetof(struct conf, multipart_timeout), sizeof(int), 1, 86400,
     "seconds to wait for the missing parts of a long SMS"},
    {"max_attempts", C_INT, offsetof(struct conf, max_attempts), sizeof(int), 1, 100,
     "sends of one message before it is set aside as failed"},
    {"max_backoff", C_INT, offsetof(struct conf, max_backoff), sizeof(int), 1, 86400,
     "the longest wait in seconds between two attempts"},
    {"alerts_dir", C_PATH, offsetof(struct conf, alerts_dir), PATH_MAX, 0, 0,
     "directory of alert files to broadcast"},
    {"quiet_hours", C_QUIET, offsetof(struct conf, quiet_hours), 16, 0, 0,
     "\"HH:MM-HH:MM\", local time when no broadcast goes out"},
    {"part_cost", C_STRING, offsetof(struct conf, part_cost), 32, 0, 31,
     "what one SMS part costs, e.g. \"0.05 USD\", for broadcast estimates"},
    {"answer_alphanumeric", C_BOOL, offsetof(struct conf, answer_alphanumeric), sizeof(int), 0, 1,
     "answer senders whose id has letters (banks, operators, auto-responders)"},
    {"answer_short_codes", C_BOOL, offsetof(struct conf, answer_short_codes), sizeof(int), 0, 1,
     "answer short codes (service numbers of 3 to 6 digits)"},
    {"loop_guard", C_BOOL, offsetof(struct conf, loop_guard), sizeof(int), 0, 1,
     "stop answering a number that behaves like an auto-responder"},
    {"max_replies_hour", C_INT, offsetof(struct conf, max_replies_hour), sizeof(int), 1, 1000,
     "answers to one number in an hour before one notice and silence"},
    {"max_replies_day", C_INT, offsetof(struct conf, max_replies_day), sizeof(int), 1, 10000,
     "answers to one number in a day before one notice and silence"},
    {"delivery_timeout", C_INT, offsetof(struct conf, delivery_timeout), sizeof(int), 600, 2592000,
     "seconds a sent part waits for its delivery report before it counts as expired"},
    {"retention_days", C_INT, offsetof(struct conf, retention_days), sizeof(int), 1, 3650,
     "days messages (texts and numbers) are kept"},
    {"max_age_rates", C_INT, offsetof(struct conf, max_age_rates), sizeof(int), 1, 3650,
     "days an exchange rate may be old before replies mark it \"old data\""},
    {"max_age_fees", C_INT, offsetof(struct conf, max_age_fees), sizeof(int), 1, 3650,
     "days a price may be old (from the end of its quarter) before replies mark it"},
};

static const struct setting modem_settings[] = {
    {"name", C_STRING, offsetof(struct conf_modem, name), 32, 1, 31, "the modem's name"},
    {"device", C_PATH, offsetof(struct conf_modem, device), PATH_MAX, 0, 0,
     "the modem's device, or the dummy phone's directory"},
    {"connection", C_STRING, offsetof(struct conf_modem, connection), 32, 1, 31,
     "Gammu connection: at, at115200, none (dummy) ..."},
    {"model", C_STRING, offsetof(struct conf_modem, model), 32, 0, 31,
     "Gammu model: empty for auto, dummy ..."},
    {"gammurc", C_PATH, offsetof(struct conf_modem, gammurc), PATH_MAX, 0, 0,
     "a gammurc file to take device, connection and model from"},
    {"section", C_INT, offsetof(struct conf_modem, section), sizeof(int), 0, 99,
     "the gammurc section: 0 for [gammu], N for [gammuN]"},
    {"send_rate", C_INT, offsetof(struct conf_modem, send_rate), sizeof(int), 0, 6000,
     "messages a minute this modem may send; 0 for no limit"},
    {"pin", C_STRING, offsetof(struct conf_modem, pin), 16, 4, 8, "the SIM's PIN"},
    {"daily_parts", C_INT, offsetof(struct conf_modem, daily_parts), sizeof(int), 0, 1000000,
     "SMS parts a day before broadcasts pause on this SIM; 0 for no budget"},
    {"balance_ussd", C_STRING, offsetof(struct conf_modem, balance_ussd), 32, 2, 31,
     "USSD code that reads the airtime balance, e.g. \"*100#\""},
    {"balance_pattern", C_REGEX, offsetof(struct conf_modem, balance_pattern), 96, 1, 95,
     "extended regular expression whose first group is the amount"},
    {"balance_floor", C_NUMBER, offsetof(struct conf_modem, balance_floor), 16, 0, 15,
     "broadcasts pause below this balance"},
    {"balance_interval", C_INT, offsetof(struct conf_modem, balance_interval), sizeof(int), 60,
     604800, "seconds between two balance checks"},
    {"timeout", C_INT, offsetof(struct conf_modem, timeout), sizeof(int), 2, 300,
     "seconds one modem command may take before the watchdog aborts it and reconnects"},
    {"safety_poll", C_INT, offsetof(struct conf_modem, safety_poll), sizeof(int), 5, 3600,
     "seconds between full reads of the SIM when the modem announces new SMS (+CMTI)"},
    {"delivery_reports", C_STRING, offsetof(struct conf_modem, delivery_reports), 16, 3, 15,
     "which messages ask for a delivery report: \"broadcasts\" (the default), \"all\" or "
     "\"none\""},
    {"dlr_url", C_STRING, offsetof(struct conf_modem, dlr_url), 256, 8, 255,
     "kannel: the URL Kannel calls with a delivery report, the gateway's /kannel/dlr, e.g. "
     "http://kannel:secret@127.0.0.1:8080/kannel/dlr"},
    {"transport", C_STRING, offsetof(struct conf_modem, transport), 16, 1, 15,
     "\"gammu\" (a modem through libGammu, the default) or \"kannel\" (Kannel's sendsms)"},
    {"url", C_STRING, offsetof(struct conf_modem, url), 256, 8, 255,
     "kannel: the sendsms URL, e.g. http://127.0.0.1:13013/cgi-bin/sendsms"},
    {"username", C_STRING, offsetof(struct conf_modem, username), 64, 1, 63,
     "kannel: the sendsms-user's username"},
    {"password", C_STRING, offsetof(struct conf_modem, password), 64, 1, 63,
     "kannel: the sendsms-user's password"},
};

static const struct setting http_settings[] = {
    {"listen", C_STRING, offsetof(struct conf_http, listen), 80, 0, 79,
     "address:port to serve HTTP on, e.g. 127.0.0.1:8080; empty for off"},
    {"allow", C_STRING, offsetof(struct conf_http, allow), 512, 0, 511,
     "comma-separated client addresses or IPv4 prefixes (10.0.0.0/8); empty for any"},
    {"max_body", C_INT, offsetof(struct conf_http, max_body), sizeof(int), 64, 1048576,
     "bytes a request body may have"},
    {"max_header", C_INT, offsetof(struct conf_http, max_header), sizeof(int), 2048, 1048576,
     "bytes a connection may use for its request line and headers"},
    {"max_connections", C_INT, offsetof(struct conf_http, max_connections), sizeof(int), 0, 60000,
     "connections open at once; 0 (the default) for what the open-files limit leaves"},
    {"timeout", C_INT, offsetof(struct conf_http, timeout), sizeof(int), 1, 3600,
     "seconds a connection may stay idle before it is closed"},
    {"request_timeout", C_INT, offsetof(struct conf_http, request_timeout), sizeof(int), 1, 3600,
     "seconds a request may take in all, from its first byte to its answer"},
    {"threads", C_INT, offsetof(struct conf_http, threads), sizeof(int), 1, 64,
     "worker threads serving requests"},
    {"session_timeout", C_INT, offsetof(struct conf_http, session_timeout), sizeof(int), 10, 3600,
     "seconds a USSD session lives"},
};

static const struct setting update_settings[] = {
    {"ecb_daily_url", C_STRING, offsetof(struct conf_update, ecb_daily_url), 512, 0, 511,
     "https URL of the ECB's daily reference rates XML; \"\" for off"},
    {"ecb_90d_url", C_STRING, offsetof(struct conf_update, ecb_90d_url), 512, 0, 511,
     "https URL of the ECB's 90-day reference rates XML; \"\" for off"},
    {"worldbank_url", C_STRING, offsetof(struct conf_update, worldbank_url), 512, 0, 511,
     "https URL of the World Bank's RPW workbook (.xlsx); \"\" (the default) for off"},
    {"ca_file", C_PATH, offsetof(struct conf_update, ca_file), PATH_MAX, 0, 0,
     "PEM file of the CA certificates to trust instead of the system's"},
    {"dir", C_PATH, offsetof(struct conf_update, dir), PATH_MAX, 0, 0,
     "directory where downloads are kept and imported from (default: downloads/ beside the "
     "database)"},
    {"max_bytes", C_INT, offsetof(struct conf_update, max_bytes), sizeof(int), 1024, 1073741824,
     "bytes one download may have"},
    {"timeout", C_INT, offsetof(struct conf_update, timeout), sizeof(int), 5, 3600,
     "seconds one download may take"},
};

static const struct setting client_settings[] = {
    {"name", C_STRING, offsetof(struct conf_http_client, name), 32, 1, 31, "the client's name"},
    {"token", C_STRING, offsetof(struct conf_http_client, token), 128, 16, 127,
     "a bearer token of 16 to 127 characters"},
    {"user", C_STRING, offsetof(struct conf_http_client, user), 64, 1, 63,
     "a user name for basic authentication"},
    {"password", C_STRING, offsetof(struct conf_http_client, password), 128, 8, 127,
     "the password for basic authentication"},
    {"kind", C_STRING, offsetof(struct conf_http_client, kind), 16, 1, 15,
     "\"api\" (USSD, Kannel, metrics: the default) or \"console\" (the read-only console "
     "pages only)"},
};

#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

void conf_default_content(char *out, size_t outsz)
{
    char exe[PATH_MAX], cand[PATH_MAX + 64];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

    if (n > 0) {
        char *slash;
        exe[n] = '\0';
        if ((slash = strrchr(exe, '/')) != NULL) {
            *slash = '\0';
            /* <prefix>/bin/remitline -> <prefix>/share/remitline/content */
            snprintf(cand, sizeof(cand), "%s/../share/remitline/content", exe);
            if (is_dir(cand) && realpath(cand, out) != NULL)
                return;
        }
    }
    if (is_dir(RL_INSTALL_CONTENT_DIR)) {
        snprintf(out, outsz, "%s", RL_INSTALL_CONTENT_DIR);
        return;
    }
    snprintf(out, outsz, "%s", RL_SOURCE_CONTENT_DIR);
}

/* The embedded default: Gammu's dummy phone in ./var/phone, no send limit. */
static void modem_dummy(struct conf_modem *m)
{
    memset(m, 0, sizeof(*m));
    snprintf(m->name, sizeof(m->name), "dummy");
    snprintf(m->device, sizeof(m->device), "var/phone");
    snprintf(m->connection, sizeof(m->connection), "none");
    snprintf(m->model, sizeof(m->model), "dummy");
    snprintf(m->transport, sizeof(m->transport), "gammu");
    m->timeout = 10;
    m->safety_poll = 60;
    snprintf(m->delivery_reports, sizeof(m->delivery_reports), "broadcasts");
    m->reports = CONF_DLR_BROADCASTS;
}

void conf_defaults(struct conf *c)
{
    memset(c, 0, sizeof(*c));
    snprintf(c->database, sizeof(c->database), "var/remitline.db");
    conf_default_content(c->content, sizeof(c->content));
    snprintf(c->default_lang, sizeof(c->default_lang), "en");
    c->max_parts = 3;
    c->log_level = 1;
    c->poll_ms = 1000;
    c->multipart_timeout = 600;
    c->max_attempts = 5;
    c->max_backoff = 600;
    c->loop_guard = 1;
    c->max_replies_hour = 10;
    c->max_replies_day = 50;
    c->retention_days = 90;
    c->delivery_timeout = 172800; /* two days: a phone off for a weekend night still answers */
    snprintf(c->alerts_dir, sizeof(c->alerts_dir), "var/alerts");
    c->max_age_rates = 7;
    c->max_age_fees = 365;
    modem_dummy(&c->modems[0]);
    c->nmodems = 1;
    snprintf(c->update.ecb_daily_url, sizeof(c->update.ecb_daily_url),
             "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml");
    snprintf(c->update.ecb_90d_url, sizeof(c->update.ecb_90d_url),
             "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist-90d.xml");
    snprintf(c->update.dir, sizeof(c->update.dir), "var/downloads");
    c->update.max_bytes = 128 * 1024 * 1024; /* the World Bank's workbook is about 50 MB */
    c->update.timeout = 600;
    c->http.max_body = 4096;
    c->http.max_header = 8192;
    c->http.max_connections = 0; /* from RLIMIT_NOFILE: gw_http_conn_limit() */
    c->http.timeout = 10;
    c->http.request_timeout = 30;
    c->http.threads = 8;
    c->http.session_timeout = 180;
}

/* A relative path in a config file is relative to that file's directory. */
static void resolve(const char *file, const char *value, char *out, size_t outsz)
{
    const char *slash = strrchr(file, '/');

    if (value[0] == '/' || slash == NULL)
        snprintf(out, outsz, "%s", value);
    else
        snprintf(out, outsz, "%.*s/%s", (int)(slash - file), file, value);
}

/* One function per setting type: checks member m, stores it in field. 0, or -1 (reported). */
typedef int apply_fn(const struct setting *s, const config_setting_t *m, const char *file,
                     long line, char *field, struct conf_errs *errs);

/* A string member's value, or "" when m is not a string. */
static const char *str_or_empty(const config_setting_t *m)
{
    return config_setting_type(m) == CONFIG_TYPE_STRING ? config_setting_get_string(m) : "";
}

/* C_STRING and C_PATH (resolved against the file's directory). */
static int apply_string(const struct setting *s, const config_setting_t *m, const char *file,
                        long line, char *field, struct conf_errs *errs)
{
    const char *v;

    if (config_setting_type(m) != CONFIG_TYPE_STRING) {
        conf_errs_add(errs, file, line, "'%s' must be a string in double quotes (%s)", s->name,
                      s->help);
        return -1;
    }
    v = config_setting_get_string(m);
    if (s->type == C_STRING && (strlen(v) < (size_t)s->min || strlen(v) > (size_t)s->max)) {
        conf_errs_add(errs, file, line, "'%s' must have %ld to %ld characters (%s)", s->name,
                      s->min, s->max, s->help);
        return -1;
    }
    if (s->type == C_PATH && v[0] == '\0') {
        conf_errs_add(errs, file, line, "'%s' cannot be empty (%s)", s->name, s->help);
        return -1;
    }
    if (s->type == C_PATH)
        resolve(file, v, field, s->size);
    else
        snprintf(field, s->size, "%s", v);
    return 0;
}

static int apply_int(const struct setting *s, const config_setting_t *m, const char *file,
                     long line, char *field, struct conf_errs *errs)
{
    long long n;

    if (config_setting_type(m) != CONFIG_TYPE_INT && config_setting_type(m) != CONFIG_TYPE_INT64) {
        conf_errs_add(errs, file, line, "'%s' must be a whole number (%s)", s->name, s->help);
        return -1;
    }
    n = config_setting_get_int64(m);
    if (n < s->min || n > s->max) {
        conf_errs_add(errs, file, line, "'%s' must be between %ld and %ld (got %lld)", s->name,
                      s->min, s->max, n);
        return -1;
    }
    *(int *)field = (int)n;
    return 0;
}

static int apply_quiet(const struct setting *s, const config_setting_t *m, const char *file,
                       long line, char *field, struct conf_errs *errs)
{
    const char *v = str_or_empty(m);
    int h1, m1, h2, m2;
    char tail;

    if (v[0] != '\0' &&
        (sscanf(v, "%2d:%2d-%2d:%2d%c", &h1, &m1, &h2, &m2, &tail) != 4 || h1 > 23 || h2 > 23 ||
         m1 > 59 || m2 > 59 || h1 < 0 || h2 < 0 || m1 < 0 || m2 < 0)) {
        conf_errs_add(errs, file, line, "'%s' must look like \"21:00-07:00\" (got \"%s\")", s->name,
                      v);
        return -1;
    }
    snprintf(field, s->size, "%s", v);
    return 0;
}

static int apply_bool(const struct setting *s, const config_setting_t *m, const char *file,
                      long line, char *field, struct conf_errs *errs)
{
    if (config_setting_type(m) != CONFIG_TYPE_BOOL) {
        conf_errs_add(errs, file, line, "'%s' must be true or false (%s)", s->name, s->help);
        return -1;
    }
    *(int *)field = config_setting_get_bool(m);
    return 0;
}

static int apply_regex(const struct setting *s, const config_setting_t *m, const char *file,
                       long line, char *field, struct conf_errs *errs)
{
    const char *v = str_or_empty(m);
    regex_t re;

    if (v[0] == '\0' || strlen(v) >= s->size || regcomp(&re, v, REG_EXTENDED) != 0) {
        conf_errs_add(errs, file, line, "'%s' must be a valid extended regular expression (%s)",
                      s->name, s->help);
        return -1;
    }
    if (re.re_nsub < 1) {
        regfree(&re);
        conf_errs_add(errs, file, line, "'%s' needs a group ( ) around the amount", s->name);
        return -1;
    }
    regfree(&re);
    snprintf(field, s->size, "%s", v);
    return 0;
}

static int apply_number(const struct setting *s, const config_setting_t *m, const char *file,
                        long line, char *field, struct conf_errs *errs)
{
    const char *v = str_or_empty(m);
    char *end;

    if (v[0] == '\0' || strlen(v) >= s->size || (strtod(v, &end), *end != '\0')) {
        conf_errs_add(errs, file, line, "'%s' must be a number in quotes, e.g. \"5.00\" (%s)",
                      s->name, s->help);
        return -1;
    }
    snprintf(field, s->size, "%s", v);
    return 0;
}

static int apply_level(const struct setting *s, const config_setting_t *m, const char *file,
                       long line, char *field, struct conf_errs *errs)
{
    const char *v = str_or_empty(m);

    if (strcmp(v, "warning") == 0)
        *(int *)field = 0;
    else if (strcmp(v, "info") == 0)
        *(int *)field = 1;
    else if (strcmp(v, "debug") == 0)
        *(int *)field = 2;
    else {
        conf_errs_add(errs, file, line, "'%s' must be \"warning\", \"info\" or \"debug\"", s->name);
        return -1;
    }
    return 0;
}

static int apply(const struct setting *s, const config_setting_t *m, const char *file, char *base,
                 struct conf_errs *errs)
{
    apply_fn *fn = NULL;

    switch (s->type) {
    case C_PATH:
    case C_STRING:
        fn = apply_string;
        break;
    case C_INT:
        fn = apply_int;
        break;
    case C_QUIET:
        fn = apply_quiet;
        break;
    case C_BOOL:
        fn = apply_bool;
        break;
    case C_REGEX:
        fn = apply_regex;
        break;
    case C_NUMBER:
        fn = apply_number;
        break;
    case C_LEVEL:
        fn = apply_level;
        break;
    }
    if (fn == NULL)
        return -1;
    return fn(s, m, file, (long)config_setting_source_line(m), base + s->offset, errs);
}

/* Applies every member of group g through table; unknown keys are errors. */
static void apply_group(const config_setting_t *g, const struct setting *table, size_t n,
                        const char *what, const char *file, char *base, struct conf_errs *errs)
{
    char known[512];
    size_t k, len = 0;
    int i;

    for (k = 0; k < n && len < sizeof(known); k++)
        len += (size_t)snprintf(known + len, sizeof(known) - len, "%s%s", k ? ", " : "",
                                table[k].name);
    for (i = 0; i < config_setting_length(g); i++) {
        const config_setting_t *m = config_setting_get_elem(g, (unsigned)i);
        const char *name = config_setting_name(m);
        if (name == NULL)
            continue;
        for (k = 0; k < n; k++)
            if (strcmp(table[k].name, name) == 0)
                break;
        if (k == n) {
            if (strcmp(what, "setting") == 0 &&
                (strcmp(name, "modems") == 0 || strcmp(name, "operators") == 0 ||
                 strcmp(name, "http") == 0 || strcmp(name, "update") == 0))
                continue;
            if (strcmp(what, "http setting") == 0 && strcmp(name, "clients") == 0)
                continue;
            conf_errs_add(errs, file, (long)config_setting_source_line(m),
                          "unknown %s '%s' (known: %s)", what, name, known);
            continue;
        }
        apply(&table[k], m, file, base, errs);
    }
}

static void load_modems(const config_setting_t *list, struct conf *c, struct conf_errs *errs)
{
    int i, j;

    if (config_setting_type(list) != CONFIG_TYPE_LIST) {
        conf_errs_add(errs, c->file, (long)config_setting_source_line(list),
                      "'modems' must be a list: modems = ( { name = \"sim1\"; ... } );");
        return;
    }
    c->nmodems = 0;
    for (i = 0; i < config_setting_length(list); i++) {
        const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
        long line = (long)config_setting_source_line(g);
        struct conf_modem *m;

        if (c->nmodems == CONF_MAX_MODEMS) {
            conf_errs_add(errs, c->file, line, "at most %d modems", CONF_MAX_MODEMS);
            return;
        }
        if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
            conf_errs_add(errs, c->file, line, "each modem must be a group { ... }");
            continue;
        }
        m = &c->modems[c->nmodems];
        memset(m, 0, sizeof(*m));
        snprintf(m->connection, sizeof(m->connection), "at");
        m->send_rate = 10; /* a real SIM: stay well under what operators flag as spam */
        m->balance_interval = 21600;
        m->timeout = 10;
        m->safety_poll = 60;
        snprintf(m->delivery_reports, sizeof(m->delivery_reports), "broadcasts");
        apply_group(g, modem_settings, NELEMS(modem_settings), "modem setting", c->file, (char *)m,
                    errs);
        if (m->name[0] == '\0')
            snprintf(m->name, sizeof(m->name), "modem%d", c->nmodems + 1);
        if (m->transport[0] == '\0')
            snprintf(m->transport, sizeof(m->transport), "gammu");
        if (strcmp(m->delivery_reports, "broadcasts") == 0)
            m->reports = CONF_DLR_BROADCASTS;
        else if (strcmp(m->delivery_reports, "all") == 0)
            m->reports = CONF_DLR_BROADCASTS | CONF_DLR_REPLIES;
        else if (strcmp(m->delivery_reports, "none") == 0)
            m->reports = 0;
        else
            conf_errs_add(errs, c->file, line,
                          "modem %s: 'delivery_reports' must be \"broadcasts\", \"all\" or "
                          "\"none\" (got '%s')",
                          m->name, m->delivery_reports);
        if (m->dlr_url[0] && strncmp(m->dlr_url, "http://", 7) != 0 &&
            strncmp(m->dlr_url, "https://", 8) != 0)
            conf_errs_add(errs, c->file, line,
                          "modem %s: 'dlr_url' is the gateway's /kannel/dlr as Kannel reaches it: "
                          "http://user:password@127.0.0.1:8080/kannel/dlr",
                          m->name);
        if (strcmp(m->transport, "kannel") == 0) {
            if (strncmp(m->url, "http://", 7) != 0)
                conf_errs_add(errs, c->file, line,
                              "modem %s: a kannel transport needs 'url', Kannel's sendsms URL: "
                              "http://127.0.0.1:13013/cgi-bin/sendsms",
                              m->name);
        } else if (strcmp(m->transport, "gammu") != 0) {
            conf_errs_add(errs, c->file, line,
                          "modem %s: 'transport' must be \"gammu\" or \"kannel\" (got '%s')",
                          m->name, m->transport);
        } else if (m->device[0] == '\0' && m->gammurc[0] == '\0') {
            conf_errs_add(errs, c->file, line,
                          "modem %s: give 'device' (and 'connection'), or a 'gammurc' file",
                          m->name);
        }
        if (strcmp(m->model, "dummy") == 0 && config_setting_get_member(g, "send_rate") == NULL)
            m->send_rate = 0;
        for (j = 0; j < c->nmodems; j++)
            if (strcmp(c->modems[j].name, m->name) == 0)
                conf_errs_add(errs, c->file, line, "two modems are named '%s'", m->name);
        c->nmodems++;
    }
    if (c->nmodems == 0)
        conf_errs_add(errs, c->file, (long)config_setting_source_line(list),
                      "'modems' is empty: name at least one, or leave it out for the dummy phone");
}

static void load_operators(const config_setting_t *list, struct conf *c, struct conf_errs *errs)
{
    int i;

    if (config_setting_type(list) != CONFIG_TYPE_LIST) {
        conf_errs_add(errs, c->file, (long)config_setting_source_line(list),
                      "'operators' must be a list: operators = ( { number = \"+63...\"; "
                      "pin = \"4821\"; } );");
        return;
    }
    for (i = 0; i < config_setting_length(list); i++) {
        const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
        long line = (long)config_setting_source_line(g);
        const char *number = NULL, *pin = NULL;
        struct conf_operator *o;

        if (c->noperators == CONF_MAX_OPERATORS) {
            conf_errs_add(errs, c->file, line, "at most %d operators", CONF_MAX_OPERATORS);
            return;
        }
        if (config_setting_type(g) != CONFIG_TYPE_GROUP || config_setting_length(g) != 2 ||
            config_setting_lookup_string(g, "number", &number) != CONFIG_TRUE ||
            config_setting_lookup_string(g, "pin", &pin) != CONFIG_TRUE) {
            conf_errs_add(errs, c->file, line,
                          "each operator is { number = \"+63...\"; pin = \"4821\"; } and nothing "
                          "else");
            continue;
        }
        if (number[0] != '+' || strlen(number) < 8 || strlen(number) > 16 ||
            strspn(number + 1, "0123456789") != strlen(number) - 1) {
            conf_errs_add(errs, c->file, line,
                          "operator number must be in international form, +<digits>");
            continue;
        }
        if (strlen(pin) < 4 || strlen(pin) > 12 || strspn(pin, "0123456789") != strlen(pin)) {
            conf_errs_add(errs, c->file, line, "operator %s: pin must be 4 to 12 digits", number);
            continue;
        }
        o = &c->operators[c->noperators++];
        snprintf(o->number, sizeof(o->number), "%s", number);
        snprintf(o->pin, sizeof(o->pin), "%s", pin);
    }
}

int conf_quiet_now(const struct conf *c, int minute)
{
    int h1, m1, h2, m2, from, to;

    if (c->quiet_hours[0] == '\0' || sscanf(c->quiet_hours, "%d:%d-%d:%d", &h1, &m1, &h2, &m2) != 4)
        return 0;
    from = h1 * 60 + m1;
    to = h2 * 60 + m2;
    if (from <= to)
        return minute >= from && minute < to;
    return minute >= from || minute < to; /* wraps past midnight */
}

const char *conf_quiet_until(const struct conf *c, int minute, char *buf, size_t bufsz)
{
    int h1, m1, h2, m2;

    if (!conf_quiet_now(c, minute) ||
        sscanf(c->quiet_hours, "%d:%d-%d:%d", &h1, &m1, &h2, &m2) != 4)
        return NULL;
    snprintf(buf, bufsz, "%02d:%02d", h2, m2);
    return buf;
}

static void load_http(const config_setting_t *g, struct conf *c, struct conf_errs *errs)
{
    const config_setting_t *list;
    int i;

    if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
        conf_errs_add(errs, c->file, (long)config_setting_source_line(g),
                      "'http' must be a group: http = { listen = \"127.0.0.1:8080\"; ... };");
        return;
    }
    apply_group(g, http_settings, NELEMS(http_settings), "http setting", c->file, (char *)&c->http,
                errs);
    if ((list = config_setting_get_member(g, "clients")) == NULL)
        return;
    if (config_setting_type(list) != CONFIG_TYPE_LIST) {
        conf_errs_add(
            errs, c->file, (long)config_setting_source_line(list),
            "'clients' must be a list: clients = ( { name = \"at\"; token = \"...\"; } );");
        return;
    }
    for (i = 0; i < config_setting_length(list); i++) {
        const config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
        long line = (long)config_setting_source_line(e);
        struct conf_http_client *k;

        if (c->http.nclients == CONF_MAX_HTTP_CLIENTS) {
            conf_errs_add(errs, c->file, line, "at most %d HTTP clients", CONF_MAX_HTTP_CLIENTS);
            return;
        }
        if (config_setting_type(e) != CONFIG_TYPE_GROUP) {
            conf_errs_add(errs, c->file, line, "each HTTP client must be a group { ... }");
            continue;
        }
        k = &c->http.clients[c->http.nclients];
        memset(k, 0, sizeof(*k));
        apply_group(e, client_settings, NELEMS(client_settings), "http client setting", c->file,
                    (char *)k, errs);
        if (k->name[0] == '\0')
            snprintf(k->name, sizeof(k->name), "client%d", c->http.nclients + 1);
        if (k->token[0] == '\0' && (k->user[0] == '\0' || k->password[0] == '\0'))
            conf_errs_add(errs, c->file, line,
                          "HTTP client %s: give a 'token', or a 'user' and a 'password'", k->name);
        if (strcmp(k->kind, "console") == 0)
            k->console = 1;
        else if (k->kind[0] != '\0' && strcmp(k->kind, "api") != 0)
            conf_errs_add(errs, c->file, line,
                          "HTTP client %s: kind = \"%s\" is neither \"api\" nor \"console\"",
                          k->name, k->kind);
        c->http.nclients++;
    }
}

static void load_update(const config_setting_t *g, struct conf *c, struct conf_errs *errs)
{
    const char *const urls[] = {c->update.ecb_daily_url, c->update.ecb_90d_url,
                                c->update.worldbank_url};
    const char *const names[] = {"ecb_daily_url", "ecb_90d_url", "worldbank_url"};
    size_t i;

    if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
        conf_errs_add(errs, c->file, (long)config_setting_source_line(g),
                      "'update' must be a group: update = { worldbank_url = \"https://...\"; };");
        return;
    }
    apply_group(g, update_settings, NELEMS(update_settings), "update setting", c->file,
                (char *)&c->update, errs);
    /* Data that replaces what people are told must come from whom it says: TLS, verified. */
    for (i = 0; i < NELEMS(urls); i++)
        if (urls[i][0] != '\0' && strncmp(urls[i], "https://", 8) != 0)
            conf_errs_add(errs, c->file, (long)config_setting_source_line(g),
                          "update: '%s' must be an https:// URL (or \"\" for off): %s", names[i],
                          urls[i]);
}

int conf_http_add_token(struct conf *c, const char *name, const char *token)
{
    struct conf_http_client *k;

    if (c->http.nclients == CONF_MAX_HTTP_CLIENTS)
        return -1;
    k = &c->http.clients[c->http.nclients++];
    memset(k, 0, sizeof(*k));
    snprintf(k->name, sizeof(k->name), "%s", name);
    snprintf(k->token, sizeof(k->token), "%s", token);
    return 0;
}

int conf_load(const char *path, struct conf *c, struct conf_errs *errs)
{
    config_t cfg;
    const config_setting_t *modems, *http, *update;
    int before = errs->count;

    conf_defaults(c);
    if (path == NULL)
        return 0;
    if (realpath(path, c->file) == NULL) {
        conf_errs_add(errs, path, 0, "cannot open the configuration file");
        return -1;
    }
    /* Defaults that are paths follow the file too: var/ beside remitline.conf. */
    resolve(c->file, "var/remitline.db", c->database, sizeof(c->database));
    resolve(c->file, "var/alerts", c->alerts_dir, sizeof(c->alerts_dir));
    config_init(&cfg);
    if (config_read_file(&cfg, c->file) != CONFIG_TRUE) {
        conf_errs_add(errs, config_error_file(&cfg) ? config_error_file(&cfg) : c->file,
                      config_error_line(&cfg), "%s", config_error_text(&cfg));
        config_destroy(&cfg);
        return -1;
    }
    apply_group(config_root_setting(&cfg), settings, NELEMS(settings), "setting", c->file,
                (char *)c, errs);
    if ((modems = config_lookup(&cfg, "operators")) != NULL)
        load_operators(modems, c, errs);
    if ((http = config_lookup(&cfg, "http")) != NULL)
        load_http(http, c, errs);
    if ((update = config_lookup(&cfg, "update")) != NULL)
        load_update(update, c, errs);
    /* Downloads live beside the database (a service's state directory) unless placed. */
    if (config_lookup(&cfg, "update.dir") == NULL) {
        char *slash = strrchr(c->database, '/');
        int n = slash ? (int)(slash - c->database) : 1;
        snprintf(c->update.dir, sizeof(c->update.dir), "%.*s/downloads", n,
                 slash ? c->database : ".");
    }
    if ((modems = config_lookup(&cfg, "modems")) != NULL)
        load_modems(modems, c, errs);
    else
        resolve(c->file, "var/phone", c->modems[0].device, sizeof(c->modems[0].device));
    config_destroy(&cfg);
    return errs->count > before ? -1 : 0;
}

void conf_print(const struct conf *c, FILE *fp)
{
    static const char *const levels[] = {"warning", "info", "debug"};
    int i;

    fprintf(fp, "database = \"%s\";\ncontent = \"%s\";\ndefault_language = \"%s\";\n", c->database,
            c->content, c->default_lang);
    fprintf(fp, "max_parts = %d;\nlog_level = \"%s\";\n", c->max_parts,
            levels[c->log_level >= 0 && c->log_level <= 2 ? c->log_level : 1]);
    fprintf(fp, "poll_interval_ms = %d;\nmultipart_timeout = %d;\nmax_attempts = %d;\n", c->poll_ms,
            c->multipart_timeout, c->max_attempts);
    fprintf(fp, "max_backoff = %d;\nmax_age_rates = %d;\nmax_age_fees = %d;\nmodems = (\n",
            c->max_backoff, c->max_age_rates, c->max_age_fees);
    for (i = 0; i < c->nmodems; i++) {
        const struct conf_modem *m = &c->modems[i];
        fprintf(fp, "  { name = \"%s\"; ", m->name);
        if (strcmp(m->transport, "kannel") == 0)
            fprintf(fp, "transport = \"kannel\"; url = \"%s\"; username = \"%s\"; ", m->url,
                    m->username);
        else if (m->gammurc[0])
            fprintf(fp, "gammurc = \"%s\"; section = %d; ", m->gammurc, m->section);
        else
            fprintf(fp, "device = \"%s\"; connection = \"%s\"; model = \"%s\"; ", m->device,
                    m->connection, m->model);
        if (strcmp(m->transport, "kannel") != 0)
            fprintf(fp, "timeout = %d; safety_poll = %d; ", m->timeout, m->safety_poll);
        fprintf(fp, "send_rate = %d; }%s\n", m->send_rate, i + 1 < c->nmodems ? "," : "");
    }
    fprintf(fp, ");\n");
    if (c->http.listen[0])
        fprintf(fp,
                "http = { listen = \"%s\"; allow = \"%s\"; max_body = %d; max_header = %d; "
                "max_connections = %d; timeout = %d; request_timeout = %d; threads = %d; "
                "session_timeout = %d; }; # %d clients\n",
                c->http.listen, c->http.allow, c->http.max_body, c->http.max_header,
                c->http.max_connections, c->http.timeout, c->http.request_timeout, c->http.threads,
                c->http.session_timeout, c->http.nclients);
    fprintf(fp,
            "update = { ecb_daily_url = \"%s\"; ecb_90d_url = \"%s\"; worldbank_url = \"%s\"; "
            "ca_file = \"%s\"; dir = \"%s\"; max_bytes = %d; timeout = %d; };\n",
            c->update.ecb_daily_url, c->update.ecb_90d_url, c->update.worldbank_url,
            c->update.ca_file, c->update.dir, c->update.max_bytes, c->update.timeout);
}

int conf_exposed(const char *path)
{
    struct stat st;

    if (stat(path, &st) < 0)
        return -1;
    return (st.st_mode & S_IROTH) != 0;
}

int conf_secret_read(const char *path, char *out, size_t outsz, char *why, size_t whysz)
{
    char line[256];
    size_t n;
    FILE *fp;
    int rc = -1;

    if ((fp = fopen(path, "re")) == NULL) {
        snprintf(why, whysz, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    if (fgets(line, sizeof(line), fp) == NULL) {
        snprintf(why, whysz, "%s is empty: it should hold the token on its first line", path);
        goto out;
    }
    n = strcspn(line, "\r\n");
    while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t'))
        n--;
    line[n] = '\0';
    if (n < 16 || n > 127 || n >= outsz) {
        snprintf(why, whysz, "%s: the token on its first line must have 16 to 127 characters",
                 path);
        goto out;
    }
    memcpy(out, line, n + 1);
    rc = 0;
out:
    memset(line, 0, sizeof(line));
    fclose(fp);
    return rc;
}

int conf_secrets_warning(const struct conf *c, char *why, size_t whysz)
{
    int i, secrets = c->http.nclients > 0 || c->noperators > 0;

    for (i = 0; i < c->nmodems; i++)
        if (c->modems[i].password[0] != '\0')
            secrets = 1;
    if (!secrets || c->file[0] == '\0' || conf_exposed(c->file) != 1)
        return 0;
    snprintf(why, whysz,
             "%s holds operator PINs, HTTP tokens or passwords and every local user can read "
             "it: make it "
             "readable by the gateway's group only (chown root:remitline %s; chmod 0640 %s)",
             c->file, c->file, c->file);
    return 1;
}

void conf_schema_each(void (*fn)(void *arg, const char *group, const char *name, const char *help),
                      void *arg)
{
    static const struct {
        const char *group;
        const struct setting *rows;
        size_t n;
    } tables[] = {
        {"", settings, NELEMS(settings)},
        {"modems", modem_settings, NELEMS(modem_settings)},
        {"http", http_settings, NELEMS(http_settings)},
        {"http.clients", client_settings, NELEMS(client_settings)},
    };
    size_t t, i;

    for (t = 0; t < NELEMS(tables); t++)
        for (i = 0; i < tables[t].n; i++)
            fn(arg, tables[t].group, tables[t].rows[i].name, tables[t].rows[i].help);
}
