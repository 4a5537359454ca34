/*
 * config.h: remitline.conf, the operator's settings, read with libconfig.
 *
 * conf_defaults() fills the built-in defaults (the database at ./var/remitline.db, Gammu's dummy
 * phone at ./var/phone, the shipped content wherever this binary was built or installed);
 * conf_load() reads a file over them. Every setting is a row of a schema table in config.c
 * (name, type, bounds, field), one table for the top level and one for each modem, and a key
 * the tables do not know is an error, so a typo never passes silently. Relative paths in a file
 * are taken from the file's own directory, so the file works from any directory.
 */
#ifndef RL_CONF_CONFIG_H
#define RL_CONF_CONFIG_H

#include <limits.h>
#include <stdio.h>

#include "conf/errs.h"

#define CONF_MAX_MODEMS 8

/* One way out to the phone network: a GSM modem (or Gammu's dummy phone) driven through
 * libGammu, or a Kannel bearerbox reached through its sendsms HTTP interface. */
struct conf_modem {
    char name[32];          /* in logs and `remitline status` */
    char transport[16];     /* "gammu" (default) or "kannel" */
    char device[PATH_MAX];  /* /dev/serial/by-id/..., or the dummy phone's directory */
    char connection[32];    /* at, at115200, none (dummy) ... as Gammu names them */
    char model[32];         /* "" (auto), dummy ... */
    char gammurc[PATH_MAX]; /* or take device/connection/model from this gammurc ... */
    int section;            /* ... its [gammu] section (0) or [gammuN] */
    int send_rate;          /* messages a minute; 0 = no limit */
    char pin[16];           /* entered if the SIM asks for it */
    char url[256];          /* kannel: the sendsms URL, http://127.0.0.1:13013/cgi-bin/sendsms */
    char username[64];      /* kannel: a sendsms-user's name and password */
    char password[64];
    int daily_parts;          /* SMS parts a day before broadcasts pause; 0 = no budget */
    char balance_ussd[32];    /* USSD code that reads the airtime balance ("*100#"), "" none */
    char balance_pattern[96]; /* extended regex; its first group is the amount */
    char balance_floor[16];   /* broadcasts pause below this balance */
    int balance_interval;     /* seconds between two balance checks */
    int timeout;              /* seconds one command may take before the watchdog gives up on it */
    int safety_poll;          /* seconds between full reads of the SIM when new-SMS notices work */

    /* Delivery reports (#17, README "Delivery reports"). */
    char delivery_reports[16]; /* "broadcasts" (default), "all" or "none": which messages ask
                                  the network for a delivery report */
    int reports;               /* delivery_reports as a mask: CONF_DLR_* */
    char dlr_url[256];         /* kannel: where Kannel calls back with a report, the gateway's
                                  /kannel/dlr with a client's credentials; "" asks none */
};
#define CONF_DLR_BROADCASTS 1
#define CONF_DLR_REPLIES    2

#define CONF_MAX_OPERATORS 16

/* A number allowed to broadcast by SMS (ALERT <PIN> <topic> <text>), with its own PIN. */
struct conf_operator {
    char number[32];
    char pin[16];
};

#define CONF_MAX_HTTP_CLIENTS 16

/* One client of the HTTP interface: a bearer token, or basic credentials, or both. Its kind
 * says what it may reach: "api" (the default) the doors and /metrics; "console" the read-only
 * console pages (GET /console/...) and nothing else. */
struct conf_http_client {
    char name[32];   /* in logs */
    char token[128]; /* Authorization: Bearer TOKEN */
    char user[64];   /* Authorization: Basic user:password */
    char password[128];
    char kind[16]; /* "api" or "console", as written; "" is "api" */
    int console;   /* kind = "console" */
};

/* The HTTP interface (USSD callbacks, Kannel get-url, health and metrics, the console). Off
 * unless listen is set; the console is off unless a client of kind "console" is configured. */
struct conf_http {
    char listen[80];     /* "127.0.0.1:8080", "[::1]:8080"; "" = off */
    char allow[512];     /* comma-separated addresses or IPv4 prefixes (10.0.0.0/8); "" = any */
    int max_body;        /* bytes of a request body */
    int max_header;      /* bytes a connection may use for its headers (memory limit) */
    int max_connections; /* connections open at once */
    int timeout;         /* seconds a connection may stay idle */
    int request_timeout; /* seconds a request may take in all, however slowly it trickles */
    int threads;         /* worker threads, each with its own database handle */
    int session_timeout; /* seconds a USSD session lives */
    struct conf_http_client clients[CONF_MAX_HTTP_CLIENTS];
    int nclients;
};

/* `remitline update`: where the public data is fetched from, and the limits of a fetch. An empty
 * URL turns that source off. */
struct conf_update {
    char ecb_daily_url[512]; /* the ECB's eurofxref-daily.xml */
    char ecb_90d_url[512];   /* the ECB's eurofxref-hist-90d.xml */
    char worldbank_url[512]; /* the World Bank's RPW workbook (.xlsx); "" = off (the default) */
    char ca_file[PATH_MAX];  /* CA certificates to trust instead of the system's; "" = system */
    char dir[PATH_MAX];      /* where downloads are kept (and imported from) */
    int max_bytes;           /* a larger answer is refused */
    int timeout;             /* seconds one download may take */
};

struct conf {
    char file[PATH_MAX];       /* the file read, "" for built-in defaults */
    char database[PATH_MAX];   /* SQLite database */
    char content[PATH_MAX];    /* content directory imported by `remitline import` with no path */
    char default_lang[8];      /* replies when the language is unclear */
    int max_parts;             /* SMS parts a reply may use */
    int log_level;             /* 0 warnings, 1 info, 2 debug */
    int poll_ms;               /* how often each modem is polled for new SMS */
    int multipart_timeout;     /* seconds to wait for the rest of a concatenated SMS */
    int max_attempts;          /* sends of one message before it is set aside as failed */
    int max_backoff;           /* seconds, the longest wait between two attempts */
    char alerts_dir[PATH_MAX]; /* alert files dropped here are queued once each */
    char quiet_hours[16];      /* "21:00-07:00": no broadcasts then; "" for none */
    char part_cost[32];        /* "0.05 USD": what one SMS part costs, for estimates */
    int answer_alphanumeric;   /* answer senders with letters in their "number" (0: never) */
    int answer_short_codes;    /* answer short codes such as 2910 (0: never) */
    int loop_guard;            /* mute numbers that behave like auto-responders */
    int max_replies_hour;      /* answers to one number an hour, then one notice, then silence */
    int max_replies_day;       /* the same a day */
    int delivery_timeout;      /* seconds a sent part waits for its report before it expires */
    int retention_days;        /* messages (texts and numbers) older than this are purged */
    int max_age_rates;         /* days an exchange rate may be old before replies say so */
    int max_age_fees;          /* days a price (from the end of its quarter) may be old */
    struct conf_modem modems[CONF_MAX_MODEMS];
    int nmodems;
    struct conf_operator operators[CONF_MAX_OPERATORS];
    int noperators;
    struct conf_http http;
    struct conf_update update;
};

/* Whether the local time of day t falls in quiet_hours (which may wrap past midnight). */
int conf_quiet_now(const struct conf *c, int minute_of_day);
/* When quiet hours end ("07:00", in buf) if minute_of_day falls in them; else NULL. */
const char *conf_quiet_until(const struct conf *c, int minute_of_day, char *buf, size_t bufsz);

void conf_defaults(struct conf *c);
/* Reads path over the defaults. Returns 0, or -1 with every problem in errs. */
int conf_load(const char *path, struct conf *c, struct conf_errs *errs);
/* Writes the shipped content directory: installed copy next to the binary, else the source. */
void conf_default_content(char *out, size_t outsz);
/* Adds a client with a bearer token (for `remitline run --http-token`): 0, or -1 when full. */
int conf_http_add_token(struct conf *c, const char *name, const char *token);
/*
 * Secrets at rest. conf_secret_read() reads a token from the first line of a file (for
 * `run --http-token-file`): 0 with it in out, or -1 with the problem in why. conf_exposed() says
 * whether every local user may read path (1), not (0), or it cannot be looked at (-1).
 * conf_secrets_warning() writes in why a warning when c's file holds secrets (HTTP tokens or
 * passwords, Kannel passwords) and every local user may read it: 1 then, else 0.
 */
int conf_secret_read(const char *path, char *out, size_t outsz, char *why, size_t whysz);
int conf_exposed(const char *path);
int conf_secrets_warning(const struct conf *c, char *why, size_t whysz);
/* Prints the settings as a config file would hold them (for `remitline check -v`). */
void conf_print(const struct conf *c, FILE *fp);

/* Calls fn for every row of the schema tables: group is "" (top level), "modems", "http" or
 * "http.clients"; help is the row's one line. For tests that hold the example file and the
 * documentation to the table (issue #18). */
void conf_schema_each(void (*fn)(void *arg, const char *group, const char *name, const char *help),
                      void *arg);

#endif
