/*
 * cli_modem.c: `remitline modem probe`, for an operator setting up real hardware: opens one modem
 * (a configured one, or any serial port), says what it is and whether it can read and send SMS,
 * and closes it, without starting the gateway. The modem is driven through the same transport
 * as the daemon's (tr_gammu.c), so what the probe sees is what the gateway will get.
 *
 * Exit status: 0 ready (reads and sends), 1 the modem could not be opened (or the configuration
 * is wrong, or the running gateway holds it), 2 usage, 3 opened but not ready (no network, no
 * SMS centre, SMS cannot be listed, or the test SMS of --send failed).
 */
#include "gateway/cli.h"

#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "gateway/transport.h"
#include "util/log.h"

/* The IMEI with its middle hidden: enough to tell two sticks apart in a photo of the screen,
 * not enough to clone one. */
static const char *mask_imei(const char *imei, char *buf, size_t bufsz)
{
    size_t n = strlen(imei), i;

    if (n < 10) {
        snprintf(buf, bufsz, "%s", n ? "(hidden)" : "-");
        return buf;
    }
    for (i = 0; i < n && i + 1 < bufsz; i++)
        buf[i] = i < 6 || i >= n - 2 ? imei[i] : '*';
    buf[i] = '\0';
    return buf;
}

/* Whether a running `remitline run` holds the database's lock (and so its modems): its pid, or
 * 0. The same lock file the daemon takes (daemon.c, lock_database). */
static long daemon_running(const struct conf *c)
{
    char path[PATH_MAX + 8];
    struct flock fl;
    int fd;

    snprintf(path, sizeof(path), "%s.lock", c->database);
    if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
        return 0;
    memset(&fl, 0, sizeof(fl));
    fl.l_type = F_RDLCK;
    fl.l_whence = SEEK_SET;
    if (fcntl(fd, F_GETLK, &fl) < 0 || fl.l_type == F_UNLCK) {
        close(fd);
        return 0;
    }
    close(fd);
    return fl.l_pid > 0 ? (long)fl.l_pid : 1;
}

const struct cli_opt cli_opts_modem[] = {
    CLI_OPT_CONFIG,
    {"modem", 'm', 0, "NAME",
     "probe this modem of the configuration (default: its first Gammu modem)"},
    {"device", 'd', 0, "PATH", "probe the modem on this serial port instead"},
    {"connection", 'C', 0, "TYPE", "Gammu's connection for --device (default: at)"},
    {"send", 's', 0, "NUMBER", "also send one test SMS to this number"},
    CLI_OPT_END,
};

static int usage(void)
{
    return cli_usage_error("modem");
}

static int probe(int argc, char **argv)
{
    struct cli_parser gp = {.ready = 0};
    const char *conf_path = NULL, *name = NULL, *device = NULL, *connection = "at", *to = NULL;
    struct conf *c = calloc(1, sizeof(*c));
    struct conf_modem mc;
    struct transport *t = NULL;
    struct gw_probe p;
    char why[200] = "", imei[40];
    int ch, i, rc = 1;
    long pid;

    if (c == NULL) {
        fprintf(stderr, "remitline: out of memory\n");
        return 1;
    }
    while ((ch = cli_getopt(argc, argv, cli_opts_modem, &gp)) != -1) {
        switch (ch) {
        case 'c':
            conf_path = optarg;
            break;
        case 'm':
            name = optarg;
            break;
        case 'd':
            device = optarg;
            break;
        case 'C':
            connection = optarg;
            break;
        case 's':
            to = optarg;
            break;
        default:
            free(c);
            return usage();
        }
    }
    if (optind != argc - 1 || strcmp(argv[optind], "probe") != 0 ||
        (name != NULL && device != NULL)) {
        free(c);
        return usage();
    }
    if (cli_load_conf(conf_path, c) < 0)
        goto out;
    memset(&mc, 0, sizeof(mc));
    if (device != NULL) {
        snprintf(mc.name, sizeof(mc.name), "probe");
        snprintf(mc.transport, sizeof(mc.transport), "gammu");
        snprintf(mc.device, sizeof(mc.device), "%s", device);
        snprintf(mc.connection, sizeof(mc.connection), "%s", connection);
        mc.timeout = 10;
    } else {
        for (i = 0; i < c->nmodems; i++)
            if (name != NULL ? strcmp(c->modems[i].name, name) == 0
                             : strcmp(c->modems[i].transport, "gammu") == 0)
                break;
        if (i == c->nmodems) {
            fprintf(stderr, "remitline: %s%s%s\n", name ? "no modem named " : "no modem",
                    name ? name : " driven through Gammu in the configuration",
                    name ? " in the configuration" : "");
            goto out;
        }
        mc = c->modems[i];
        if (strcmp(mc.transport, "gammu") != 0) {
            fprintf(stderr, "remitline: modem %s is reached through Kannel, not a device\n",
                    mc.name);
            goto out;
        }
        /* Two programs on one serial port garble each other's commands. */
        if ((pid = daemon_running(c)) != 0) {
            fprintf(stderr,
                    "remitline: the gateway is running (pid %ld) and holds modem %s: stop it "
                    "first (or probe another port with --device)\n",
                    pid, mc.name);
            goto out;
        }
    }
    if ((t = gw_transport_new("gammu", &mc)) == NULL) {
        fprintf(stderr, "remitline: out of memory\n");
        goto out;
    }
    printf("%-12s %s (%s, connection %s)\n", "modem", mc.name,
           mc.gammurc[0] ? mc.gammurc : mc.device, mc.gammurc[0] ? "from gammurc" : mc.connection);
    if (t->ops->open(t, why, sizeof(why)) < 0) {
        printf("%-12s cannot open it: %s\n", "problem", why);
        goto out;
    }
    rc = 3;
    if (t->ops->probe == NULL || t->ops->probe(t, &p) < 0) {
        printf("%-12s the link broke while asking it\n", "problem");
        goto out;
    }
    printf("%-12s %s\n", "maker", p.manufacturer[0] ? p.manufacturer : "-");
    printf("%-12s %s\n", "model", p.model[0] ? p.model : "-");
    printf("%-12s %s\n", "firmware", p.firmware[0] ? p.firmware : "-");
    printf("%-12s %s\n", "IMEI", mask_imei(p.imei, imei, sizeof(imei)));
    printf("%-12s %s (%s)", "network", p.network[0] ? p.network : "-", p.reg);
    if (p.signal >= 0)
        printf(", signal %d%%", p.signal);
    printf("\n");
    if (p.sim_size > 0)
        printf("%-12s SIM %d of %d used%s\n", "SMS storage", p.sim_used, p.sim_size,
               p.sim_used >= p.sim_size ? " (full: the network holds new texts until the "
                                          "gateway deletes some)"
                                        : "");
    else
        printf("%-12s unknown\n", "SMS storage");
    printf("%-12s %s\n", "SMS centre", p.smsc[0] ? p.smsc : "-");
    printf("%-12s %s%s%s\n", "reads SMS", p.can_read ? "yes" : "no: ", p.can_read ? "" : p.read_why,
           "");
    printf("%-12s %s%s\n", "sends SMS", p.can_send ? "yes" : "no: ", p.can_send ? "" : p.send_why);
    if (p.can_send && to != NULL) {
        struct gw_out_part part = {.recipient = to,
                                   .text = "remitline modem probe: a test message.",
                                   .part = 1,
                                   .parts = 1};
        int s = t->ops->send(t, &part, why, sizeof(why));
        printf("%-12s %s%s\n", "test SMS", s == 0 ? "sent to " : "not sent: ", s == 0 ? to : why);
        if (s != 0) {
            p.can_send = 0;
            snprintf(p.send_why, sizeof(p.send_why), "the test SMS failed");
        }
    }
    if (p.can_read && p.can_send) {
        printf("ready: this modem can read and send SMS\n");
        rc = 0;
    } else {
        printf("not ready: fix what is said above, then probe again\n");
    }
out:
    gw_transport_free(t);
    free(c);
    return rc;
}

int cmd_modem(int argc, char **argv)
{
    /* "modem probe --device X" and "modem --device X probe" alike: the options are read first
     * (getopt moves the operand to the end), then the one operand must be "probe". */
    return probe(argc, argv);
}
