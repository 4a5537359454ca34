/* cli_update.c: `remitline update`, and what `status` and `sources` say about it. */
#include "gateway/cli.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "db/updates.h"
#include "gateway/update.h"

const struct cli_opt cli_opts_update[] = {
    CLI_OPT_CONFIG,
    CLI_OPT_END,
};

int cmd_update(int argc, char **argv)
{
    struct cli_parser gp = {.ready = 0};
    const char *conf_path = NULL;
    struct conf c;
    int ch, rc;
    db *d;

    while ((ch = cli_getopt(argc, argv, cli_opts_update, &gp)) != -1) {
        switch (ch) {
        case 'c':
            conf_path = optarg;
            break;
        default:
            return cli_usage_error("update");
        }
    }
    if (optind < argc)
        return cli_usage_error("update");
    if (cli_load_conf(conf_path, &c) < 0 || (d = cli_open_content_db(&c)) == NULL)
        return 1;
    rc = gw_update_run(d, &c, (int64_t)time(NULL), stdout);
    if (rc < 0)
        fprintf(stderr, "remitline: update failed; replies go on from the data imported before\n");
    db_close(d);
    return rc < 0 ? 1 : 0;
}

struct refresh_walk {
    int n;
};

static int print_refresh(void *arg, const struct db_update_summary *u)
{
    struct refresh_walk *w = arg;
    char at[32], last[32];

    if (w->n++ == 0)
        printf("data refreshed by `remitline update`:\n");
    if (u->last_refresh > 0)
        printf("  %-10s last refreshed %s", u->source,
               cli_iso_time(u->last_refresh, at, sizeof(at)));
    else
        printf("  %-10s never refreshed", u->source);
    if (strcmp(u->last_result, "failed") == 0)
        printf("; last attempt %s failed: %s", cli_iso_time(u->last_attempt, last, sizeof(last)),
               u->last_error);
    printf(" (%ld ok, %ld unchanged, %ld failed)\n", u->ok, u->unchanged, u->failed);
    return 0;
}

void cli_print_refresh(db *d)
{
    struct refresh_walk w = {0};

    if (db_update_each(d, print_refresh, &w) == 0)
        printf("data refreshed by `remitline update`: never (only imported by hand)\n");
}
