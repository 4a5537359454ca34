/*
 * delivery.c: delivery reports between the transports and db/delivery.c (see delivery.h).
 */
#include "gateway/delivery.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "util/log.h"

int gw_delivery_wants(const struct conf_modem *mc, int priority)
{
    int mask = priority >= DB_PRIORITY_BROADCAST ? CONF_DLR_BROADCASTS : CONF_DLR_REPLIES;

    if ((mc->reports & mask) == 0)
        return 0;
    return strcmp(mc->transport, "kannel") != 0 || mc->dlr_url[0] != '\0';
}

int gw_delivery_sent(db *d, const struct conf_modem *mc, const struct gw_out_part *p, time_t now)
{
    if (!p->report || p->ref == NULL || p->ref[0] == '\0')
        return 0;
    if (db_delivery_sent(d, p->id, p->part, mc->transport, mc->name, p->ref, now) < 0) {
        log_warnx("delivery modem=%s id=%lld part=%d ref=%s problem=\"cannot record the part; "
                  "its report will be kept as unmatched\"",
                  mc->name, (long long)p->id, p->part, p->ref);
        return -1;
    }
    return 0;
}

/* 3GPP TS 23.040 9.2.3.15: 0x00-0x1F done, 0x20-0x3F the SC still tries, 0x40-0x5F permanent
 * error, 0x60-0x7F temporary error the SC no longer tries. */
enum db_dlr_status gw_delivery_gsm_status(int st, char *reason, size_t reasonsz)
{
    const char *why;
    int low = st & 0x1F;

    if (st >= 0 && st <= 0x1F) {
        snprintf(reason, reasonsz, "%s",
                 st == 1   ? "forwarded, the network could not confirm delivery"
                 : st == 2 ? "replaced by the network"
                           : "");
        return DB_DLR_DELIVERED;
    }
    if ((st & 0x60) == 0x40) {
        why = st == 0x41                 ? "the number cannot receive this SMS"
              : st == 0x42               ? "the phone refused it"
              : st == 0x43               ? "the number cannot be reached (unknown or barred)"
              : st == 0x45               ? "no route to the number's network"
              : st == 0x46               ? "expired: the phone stayed off or out of reach"
              : st == 0x47 || st == 0x48 ? "deleted by the network"
                                         : NULL;
    } else {
        why = low == 0   ? "network congestion"
              : low == 1 ? "the phone was busy"
              : low == 2 ? "the phone did not answer (off or out of reach)"
              : low == 3 ? "the phone's network refused the service"
              : low == 5 ? "the phone reported an error (memory full?)"
                         : NULL;
    }
    if (why != NULL)
        snprintf(reason, reasonsz, "%s", why);
    else
        snprintf(reason, reasonsz, "network error 0x%02X", (unsigned)st & 0xFF);
    if ((st & 0x60) == 0x20) {
        /* Still trying: not final. */
        size_t l = strlen(reason);
        if (l < reasonsz)
            snprintf(reason + l, reasonsz - l, "; the network tries again");
        return DB_DLR_ACCEPTED;
    }
    return DB_DLR_FAILED;
}

int gw_delivery_gsm(db *d, const struct conf_modem *mc, int tp_mr, int tp_st, time_t at, time_t now)
{
    char ref[8], reason[160];
    struct db_dlr r;

    if (tp_mr < 0 || tp_mr > 255)
        return -1;
    snprintf(ref, sizeof(ref), "%d", tp_mr);
    r.transport = mc->transport;
    r.modem = mc->name;
    r.ref = ref;
    r.status = gw_delivery_gsm_status(tp_st, reason, sizeof(reason));
    r.reason = reason;
    r.at = (int64_t)at;
    return db_delivery_report(d, &r, (int64_t)now);
}

/* The value of key ("stat:", "err:") in an SMPP receipt, up to a space: into out, "" if none. */
static void receipt_field(const char *text, const char *key, char *out, size_t outsz)
{
    const char *p = text;
    size_t n = 0, klen = strlen(key);

    out[0] = '\0';
    while ((p = strstr(p, key)) != NULL) {
        if (p == text || p[-1] == ' ')
            break;
        p += klen;
    }
    if (p == NULL)
        return;
    p += klen;
    while (p[n] && p[n] != ' ' && n + 1 < outsz) {
        out[n] = isprint((unsigned char)p[n]) ? p[n] : '?';
        n++;
    }
    out[n] = '\0';
}

int gw_delivery_kannel_status(int type, const char *reply, enum db_dlr_status *status, char *reason,
                              size_t reasonsz)
{
    char stat[16], err[16], plain[100];
    const char *why = NULL;
    size_t i, n = 0;

    if (reply == NULL)
        reply = "";
    receipt_field(reply, "stat:", stat, sizeof(stat));
    receipt_field(reply, "err:", err, sizeof(err));
    /* The SMSC's own answer, printable, for what the receipt words do not say. */
    for (i = 0; reply[i] && n + 1 < sizeof(plain); i++)
        plain[n++] = isprint((unsigned char)reply[i]) ? reply[i] : ' ';
    plain[n] = '\0';
    switch (type) {
    case 1:
        *status = DB_DLR_DELIVERED;
        reason[0] = '\0';
        return 0;
    case 4:
    case 8:
        *status = DB_DLR_ACCEPTED;
        snprintf(reason, reasonsz, "%s",
                 type == 4 ? "buffered by the network" : "taken by the SMSC");
        return 0;
    case 2:
    case 16:
        *status = DB_DLR_FAILED;
        break;
    default:
        return -1;
    }
    if (strcmp(stat, "EXPIRED") == 0)
        why = "expired: the phone stayed off or out of reach";
    else if (strcmp(stat, "UNDELIV") == 0)
        why = "undeliverable";
    else if (strcmp(stat, "REJECTD") == 0)
        why = "rejected by the network";
    else if (strcmp(stat, "DELETED") == 0)
        why = "deleted by the network";
    else if (strcmp(stat, "UNKNOWN") == 0)
        why = "the network does not know what became of it";
    if (why != NULL && err[0] && strspn(err, "0") != strlen(err))
        snprintf(reason, reasonsz, "%s (network error %s)", why, err);
    else if (why != NULL)
        snprintf(reason, reasonsz, "%s", why);
    else if (type == 16)
        snprintf(reason, reasonsz, "the SMSC refused it%s%s", plain[0] ? ": " : "", plain);
    else
        snprintf(reason, reasonsz, "not delivered%s%s", plain[0] ? ": " : "", plain);
    return 0;
}
