/*
 * cli_run.c: the subcommands of the running gateway: run (the daemon) and phone (a person texting
 * it through the dummy phone).
 */
#include "gateway/cli.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "db/queue.h"
#include "gateway/answer.h"
#include "gateway/daemon.h"
#include "gateway/guard.h"
#include "gateway/http.h"
#include "gateway/phonefile.h"
#include "util/log.h"

const struct cli_opt cli_opts_run[] = {
    CLI_OPT_CONFIG,
    {"debug", 'd', 1, NULL, "log at debug level, the only one that shows whole phone numbers"},
    {"user", 'u', 1, "NAME", "as root: open modems and port, then become NAME for good"},
    {"http", 'H', 0, "ADDR:PORT", "serve USSD, /kannel, /healthz and /metrics there"},
    {"http-token-file", 'F', 0, "FILE", "an HTTP client's bearer token, from FILE's first line"},
    {"http-token", 'T', 0, "TOKEN", "the same on the command line (every local user sees it)"},
    CLI_OPT_END,
};

int cmd_run(int argc, char **argv)
{
    struct cli_parser gp = {.ready = 0};
    const char *conf_path = NULL, *http = NULL, *token_file = NULL, *user = NULL;
    char token[128] = "", why[PATH_MAX + 200];
    struct sockaddr_storage sa;
    unsigned salen;
    struct conf *c;
    int ch, debug = 0, rc;

    while ((ch = cli_getopt(argc, argv, cli_opts_run, &gp)) != -1) {
        switch (ch) {
        case 'c':
            conf_path = optarg;
            break;
        case 'u':
            user = optarg;
            break;
        case 'd':
            debug = 1;
            break;
        case 'H':
            if (gw_http_parse_listen(optarg, &sa, &salen) < 0) {
                fprintf(stderr, "remitline: --http takes ADDR:PORT, e.g. 127.0.0.1:8080\n");
                return 2;
            }
            http = optarg;
            break;
        case 'T':
            if (strlen(optarg) < 16 || strlen(optarg) > 127) {
                fprintf(stderr, "remitline: --http-token takes 16 to 127 characters\n");
                return 2;
            }
            /* Every local user sees a command line (ps, /proc/PID/cmdline): the token is
             * copied and wiped from it at once, and the operator told of a better way. */
            snprintf(token, sizeof(token), "%s", optarg);
            memset(optarg, 'x', strlen(optarg));
            fprintf(stderr, "remitline: warning: --http-token was on the command line, where "
                            "every local user can read it (ps); keep it in a file for "
                            "--http-token-file, or in http.clients of the configuration\n");
            break;
        case 'F':
            token_file = optarg;
            break;
        default:
            return cli_usage_error("run");
        }
    }
    if (optind < argc)
        return cli_usage_error("run");
    if ((c = malloc(sizeof(*c))) == NULL)
        return 1;
    if (cli_load_conf(conf_path, c) < 0) {
        free(c);
        return 1;
    }
    if (conf_secrets_warning(c, why, sizeof(why)))
        fprintf(stderr, "remitline: warning: %s\n", why);
    if (token_file != NULL) {
        if (conf_secret_read(token_file, token, sizeof(token), why, sizeof(why)) < 0) {
            fprintf(stderr, "remitline: --http-token-file: %s\n", why);
            free(c);
            return 2;
        }
        if (conf_exposed(token_file) == 1)
            fprintf(stderr,
                    "remitline: warning: every local user can read the token in %s: chmod "
                    "0600 %s (or 0640, group the gateway's)\n",
                    token_file, token_file);
    }
    if (http != NULL)
        snprintf(c->http.listen, sizeof(c->http.listen), "%s", http);
    if (token[0] != '\0' && conf_http_add_token(c, "cli", token) < 0) {
        fprintf(stderr, "remitline: too many HTTP clients to add --http-token\n");
        free(c);
        return 2;
    }
    if (c->http.listen[0] != '\0' && c->http.nclients == 0) {
        fprintf(stderr, "remitline: the HTTP interface needs a client: give --http-token-file "
                        "FILE, or http.clients in the configuration\n");
        free(c);
        return 2;
    }
    if (debug)
        log_init(LOG_LEVEL_DEBUG);
    rc = gw_run(c, conf_path, user);
    memset(token, 0, sizeof(token));
    free(c);
    return rc;
}

/* A fresh concatenation reference for the phone's message, so two runs never collide. */
static unsigned phone_ref(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (unsigned)((ts.tv_nsec / 1000 + ts.tv_sec + getpid()) & 0xff);
}

/* Waits up to wait_s seconds for the reply to number's message (the first after inbox id since)
 * and prints it: 0 when it was sent, 3 when the gateway stays silent by design, 1 when it failed
 * or did not come (said on stderr). *d is opened as soon as the database exists. */
static int phone_wait_reply(const struct conf *c, db **d, const char *number, int64_t since,
                            long wait_s, const char *dir)
{
    struct db_log_row *reply = malloc(sizeof(*reply));
    time_t deadline = time(NULL) + wait_s;
    int rc = 1, answered = 0;

    if (reply == NULL)
        return 1;
    while (time(NULL) <= deadline) {
        struct timespec tenth = {0, 100000000L};
        if (*d == NULL && access(c->database, F_OK) == 0)
            *d = db_open(c->database);
        if (*d != NULL && db_reply_for(*d, number, since, reply) == 1) {
            if (strcmp(reply->state, "ignored") == 0) {
                char why[400];
                /* What the answer service recorded with the message: a guard's reason, or
                 * that the number said STOP (databases from before migration 010 have none). */
                if (reply->reason[0] != '\0')
                    gw_guard_explain(*d, c, number, reply->reason, (int64_t)time(NULL), why,
                                     sizeof(why));
                else
                    snprintf(why, sizeof(why), "the gateway stays silent to this message (%s)",
                             reply->intent);
                fprintf(stderr, "remitline: no reply: %s\n", why);
                rc = 3; /* silence by design: not a failure, not an answer */
                goto out;
            }
            answered = 1; /* a reply waits to be sent */
            if (strcmp(reply->state, "queued") != 0 && strcmp(reply->state, "sending") != 0) {
                puts(reply->text);
                if (strcmp(reply->state, "failed") == 0)
                    fprintf(stderr, "remitline: the reply could not be sent: %s\n", reply->error);
                rc = strcmp(reply->state, "sent") == 0 ? 0 : 1;
                goto out;
            }
        }
        nanosleep(&tenth, NULL);
    }
    if (answered)
        fprintf(stderr,
                "remitline: no reply within %ld s: the gateway answered, and the reply waits to "
                "be sent (%s, %d attempts%s%s); see remitline status\n",
                wait_s, reply->state, reply->attempts, reply->error[0] ? ": " : "", reply->error);
    else
        fprintf(stderr,
                "remitline: no reply within %ld s; is `remitline run` running on %s? (the "
                "message waits in the phone)\n",
                wait_s, dir);
out:
    free(reply);
    return rc;
}

const struct cli_opt cli_opts_phone[] = {
    CLI_OPT_CONFIG,
    {"dir", 'D', 1, "DIR", "the dummy phone's directory (default: the configured dummy modem's)"},
    {"wait", 'w', 1, "SECONDS", "how long to wait for the reply (default 10; 0: do not wait)"},
    {"order", 'o', 1, "2,0,1", "the parts of a long TEXT arrive in this order, 0-based (testing)"},
    CLI_OPT_END,
};

int cmd_phone(int argc, char **argv)
{
    struct cli_parser gp = {.ready = 0};
    const char *conf_path = NULL, *dir = NULL, *number;
    int order[GW_PHONEFILE_MAX_PARTS], norder = 0;
    char text[2048];
    size_t len = 0;
    struct conf c;
    long wait_s = 10;
    int64_t since = 0;
    int ch, i, rc = 1;
    db *d = NULL;

    while ((ch = cli_getopt(argc, argv, cli_opts_phone, &gp)) != -1) {
        switch (ch) {
        case 'c':
            conf_path = optarg;
            break;
        case 'o': {
            /* The order the parts of a long message arrive in, for testing: "2,0,1". */
            char *p = optarg, *end;
            for (norder = 0; *p && norder < GW_PHONEFILE_MAX_PARTS; norder++) {
                order[norder] = (int)strtol(p, &end, 10);
                if (end == p || order[norder] < 0) {
                    fprintf(stderr, "remitline: --order takes part numbers from 0: 2,0,1\n");
                    return 2;
                }
                p = *end == ',' ? end + 1 : end;
            }
            break;
        }
        case 'D':
            dir = optarg;
            break;
        case 'w':
            if (cli_opt_long(optarg, 0, 3600, "--wait (seconds)", &wait_s) < 0)
                return 2;
            break;
        default:
            return cli_usage_error("phone");
        }
    }
    if (argc - optind < 2)
        return cli_usage_error("phone");
    if (cli_load_conf(conf_path, &c) < 0)
        return 1;
    if (dir == NULL) {
        for (i = 0; i < c.nmodems && dir == NULL; i++)
            if (strcmp(c.modems[i].model, "dummy") == 0)
                dir = c.modems[i].device;
        if (dir == NULL) {
            fprintf(stderr, "remitline: no dummy phone configured; say --dir DUMMYDIR\n");
            return 2;
        }
    }
    number = argv[optind];
    text[0] = '\0';
    for (i = optind + 1; i < argc; i++) {
        int w =
            snprintf(text + len, sizeof(text) - len, "%s%s", i > optind + 1 ? " " : "", argv[i]);
        if (w < 0 || (size_t)w >= sizeof(text) - len)
            break;
        len += (size_t)w;
    }
    if (mkdir(dir, 0750) < 0 && errno != EEXIST) {
        fprintf(stderr, "remitline: cannot create %s: %s\n", dir, strerror(errno));
        return 1;
    }
    /* The reply to wait for is the one to this message: the first stored after the newest one
     * from this number now. */
    if (access(c.database, F_OK) == 0 && (d = db_open(c.database)) != NULL)
        since = db_inbox_last_id(d, number);
    if (norder > 0) {
        struct gsm_info gi;
        if (gsm_measure(text, &gi) < 0 || gi.parts != norder) {
            fprintf(stderr, "remitline: --order names %d parts but the text has %d\n", norder,
                    gsm_measure(text, &gi) < 0 ? 0 : gi.parts);
            rc = 2;
            goto out;
        }
    }
    if (gw_phonefile_deliver(dir, number, text, time(NULL), phone_ref(),
                             norder > 0 ? order : NULL) < 0)
        goto out;
    if (wait_s == 0) {
        rc = 0;
        goto out;
    }
    rc = phone_wait_reply(&c, &d, number, since, wait_s, dir);
out:
    db_close(d);
    return rc;
}
