/*
 * cli_operator.c: the subcommands that undo what the gateway's guards did to a number, for the
 * administrator: mutes (who is muted, capped or locked out, why, until when), unmute NUMBER and
 * operator unlock NUMBER. Numbers are taken exactly as the gateway stored them (see mutes).
 */
#include "gateway/cli.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "db/alerts.h"
#include "db/guards.h"
#include "gateway/json.h"
#include "gateway/operator.h"
#include "util/log.h"

struct mutes_opts {
    int json, full, n;
    const char *kind; /* of the rows being walked: "muted", "capped", "locked" */
    struct json j;
};

static int print_mute(void *arg, const char *number, int64_t until, const char *reason,
                      int64_t since)
{
    struct mutes_opts *o = arg;
    char when[32], from[32], num[40];
    const char *shown = o->full ? number : log_number(number, num, sizeof(num));

    cli_iso_time(until, when, sizeof(when));
    cli_iso_time(since, from, sizeof(from));
    if (o->json) {
        json_item(&o->j);
        json_open(&o->j);
        json_str_field(&o->j, "number", shown);
        json_str_field(&o->j, "kind", o->kind);
        json_str_field(&o->j, "reason", reason);
        json_str_field(&o->j, "since", from);
        json_str_field(&o->j, "until", when);
        json_close(&o->j);
    } else {
        if (o->n == 0)
            printf("%-16s %-7s %-21s %s\n", "NUMBER", "KIND", "UNTIL", "WHY");
        printf("%-16s %-7s %-21s %s\n", shown, o->kind, when, reason);
    }
    o->n++;
    return 0;
}

const struct cli_opt cli_opts_mutes[] = {
    CLI_OPT_CONFIG,
    {"json", 'j', 1, NULL, "JSON instead of the table"},
    {"full-numbers", 'F', 1, NULL, "show phone numbers whole, as unmute takes them"},
    CLI_OPT_END,
};

int cmd_mutes(int argc, char **argv)
{
    struct cli_parser gp = {.ready = 0};
    struct mutes_opts o = {0, 0, 0, "", {stdout, 0, 0}};
    const char *conf_path = NULL;
    int64_t now = time(NULL);
    struct conf c;
    int ch, i, rc = 1;
    db *d;

    while ((ch = cli_getopt(argc, argv, cli_opts_mutes, &gp)) != -1) {
        switch (ch) {
        case 'c':
            conf_path = optarg;
            break;
        case 'j':
            o.json = 1;
            break;
        case 'F':
            o.full = 1;
            break;
        default:
            return cli_usage_error("mutes");
        }
    }
    if (optind < argc)
        return cli_usage_error("mutes");
    if (cli_load_conf(conf_path, &c) < 0 || (d = cli_open_existing_db(&c)) == NULL)
        return 1;
    o.kind = "muted";
    if (db_mute_each(d, now, print_mute, &o) < 0)
        goto out;
    o.kind = "capped";
    if (db_capped_each(d, now, c.max_replies_hour, c.max_replies_day, print_mute, &o) < 0)
        goto out;
    o.kind = "locked";
    for (i = 0; i < c.noperators; i++) {
        int64_t until = db_pin_locked_until(d, c.operators[i].number, now, GW_OPERATOR_TRIES,
                                            GW_OPERATOR_LOCK_SECONDS);
        if (until < 0)
            goto out;
        if (until > 0)
            print_mute(&o, c.operators[i].number, until,
                       "operator: wrong PINs or YES codes (remitline operator unlock)", now);
    }
    if (o.json)
        json_array_end(&o.j);
    else if (o.n == 0)
        printf("no number is muted, capped or locked out\n");
    else
        printf("\nremitline unmute NUMBER lifts a mute; a cap lifts itself at UNTIL; "
               "remitline operator unlock NUMBER unlocks an operator.%s\n",
               o.full ? "" : " --full-numbers shows the numbers whole.");
    rc = 0;
out:
    db_close(d);
    return rc;
}

/* The NUMBER argument after options: the configuration path in *conf_path. 0, or 2 (usage). */
const struct cli_opt cli_opts_number[] = {
    CLI_OPT_CONFIG,
    CLI_OPT_END,
};

static int number_args(int argc, char **argv, const char *name, const char **conf_path,
                       const char **number)
{
    struct cli_parser gp = {.ready = 0};
    int ch;

    while ((ch = cli_getopt(argc, argv, cli_opts_number, &gp)) != -1) {
        if (ch != 'c')
            return cli_usage_error(name);
        *conf_path = optarg;
    }
    if (optind + 1 != argc || argv[optind][0] == '\0' || strlen(argv[optind]) >= 32)
        return cli_usage_error(name);
    *number = argv[optind];
    return 0;
}

int cmd_unmute(int argc, char **argv)
{
    const char *conf_path = NULL, *number = NULL;
    int64_t now = time(NULL), capped = 0;
    struct conf c;
    int rc;
    db *d;

    if ((rc = number_args(argc, argv, "unmute", &conf_path, &number)) != 0)
        return rc;
    if (cli_load_conf(conf_path, &c) < 0 || (d = cli_open_existing_db(&c)) == NULL)
        return 1;
    rc = db_unmute(d, number, now);
    if (rc == 0)
        capped = db_cap_until(d, number, now, c.max_replies_hour, c.max_replies_day, 0);
    db_close(d);
    if (rc < 0)
        return 1;
    if (rc == 0 && capped > 0) {
        char when[32];
        fprintf(stderr,
                "remitline: %s is not muted but at a reply cap, which lifts itself at %s "
                "(max_replies_hour, max_replies_day)\n",
                number, cli_iso_time(capped, when, sizeof(when)));
        return 1;
    }
    if (rc == 0) {
        fprintf(stderr, "remitline: %s is not muted (remitline mutes lists who is)\n", number);
        return 1;
    }
    printf("%s is answered again\n", number);
    return 0;
}

int cmd_operator(int argc, char **argv)
{
    const char *conf_path = NULL, *number = NULL;
    int64_t now = time(NULL), until;
    struct conf c;
    int rc, i, listed = 0;
    db *d;

    if (argc < 2 || strcmp(argv[1], "unlock") != 0)
        return cli_usage_error("operator");
    if ((rc = number_args(argc - 1, argv + 1, "operator", &conf_path, &number)) != 0)
        return rc;
    if (cli_load_conf(conf_path, &c) < 0 || (d = cli_open_existing_db(&c)) == NULL)
        return 1;
    for (i = 0; i < c.noperators; i++)
        listed |= strcmp(c.operators[i].number, number) == 0;
    until = db_pin_locked_until(d, number, now, GW_OPERATOR_TRIES, GW_OPERATOR_LOCK_SECONDS);
    rc = 1;
    if (until < 0)
        goto out;
    if (until == 0) {
        fprintf(stderr, "remitline: %s is not locked out%s\n", number,
                listed ? "" : " (nor an operator in the configuration)");
        goto out;
    }
    /* Recorded as an attempt that clears the count, so the record keeps who was let in when. */
    if (db_pin_attempt(d, number, 2, now) < 0)
        goto out;
    printf("%s is unlocked: its next ALERT is checked as a first try\n", number);
    rc = 0;
out:
    db_close(d);
    return rc;
}
