/*
 * bench_phonefile.c: prints what the dummy phone costs the gateway: one full GetNextSMS pass over
 * an empty inbox and over 200 messages, a DeleteSMS, and gw_phonefile_deliver() itself.
 * Usage: bench_phonefile [SCRATCH_DIR] (default: a new directory under /tmp, removed after).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gammu.h>

#include "gateway/phonefile.h"
#include "util/mono.h"

#define MESSAGES 200
#define PASSES   5

static double now_s(void)
{
    return mono_s();
}

/* Runs one full pass; returns the parts seen, or -1. */
static int pass(GSM_StateMachine *s, GSM_MultiSMSMessage *m, double *secs)
{
    double t0 = now_s();
    int n = 0;

    for (gboolean start = TRUE;; start = FALSE) {
        GSM_Error err = GSM_GetNextSMS(s, m, start);

        if (err == ERR_EMPTY)
            break;
        if (err != ERR_NONE)
            return -1;
        n++;
    }
    *secs = now_s() - t0;
    return n;
}

/* Best and median of PASSES passes, so one cold cache does not decide the figure. */
static int report(GSM_StateMachine *s, GSM_MultiSMSMessage *m, const char *what)
{
    double t[PASSES], tmp;
    int n = 0;

    for (int i = 0; i < PASSES; i++)
        if ((n = pass(s, m, &t[i])) < 0)
            return -1;
    for (int i = 1; i < PASSES; i++)
        for (int j = i; j > 0 && t[j - 1] > t[j]; j--) {
            tmp = t[j];
            t[j] = t[j - 1];
            t[j - 1] = tmp;
        }
    printf("GetNextSMS full pass, %-14s %3d parts: best %.1f ms, median %.1f ms\n", what, n,
           t[0] * 1e3, t[PASSES / 2] * 1e3);
    return 0;
}

int main(int argc, char **argv)
{
    char base[256], phone[300], rc[300], cmd[700];
    GSM_StateMachine *s = NULL;
    GSM_MultiSMSMessage *m = NULL;
    INI_Section *ini = NULL;
    FILE *fp = NULL;
    int status = 1, made = 0;
    double t0;

    if (argc > 1) {
        snprintf(base, sizeof(base), "%s", argv[1]);
    } else {
        snprintf(base, sizeof(base), "/tmp/rl-bench-phone-XXXXXX");
        if (mkdtemp(base) == NULL)
            return 1;
        made = 1;
    }
    snprintf(phone, sizeof(phone), "%s/phone", base);
    snprintf(rc, sizeof(rc), "%s/gammurc", base);
    mkdir(phone, 0755);
    fp = fopen(rc, "w");
    if (fp == NULL)
        goto out;
    fprintf(fp, "[gammu]\nmodel = dummy\nconnection = none\ndevice = %s\n", phone);
    fclose(fp);

    m = calloc(1, sizeof(*m));
    s = GSM_AllocStateMachine();
    if (m == NULL || s == NULL || GSM_FindGammuRC(&ini, rc) != ERR_NONE ||
        GSM_ReadConfig(ini, GSM_GetConfig(s, 0), 0) != ERR_NONE)
        goto out;
    GSM_SetConfigNum(s, 1);
    t0 = now_s();
    if (GSM_InitConnection(s, 1) != ERR_NONE)
        goto out;
    printf("InitConnection on the dummy driver: %.1f ms\n", (now_s() - t0) * 1e3);

    if (report(s, m, "empty inbox:") == -1)
        goto out;
    t0 = now_s();
    for (int i = 0; i < MESSAGES; i++)
        if (gw_phonefile_deliver(phone, "+639171234567", "FEE USA PHL 200", (time_t)1776075300,
                                 (unsigned)i, NULL) != 1)
            goto out;
    printf("gw_phonefile_deliver: %d one-part messages in %.1f ms\n", MESSAGES,
           (now_s() - t0) * 1e3);
    if (report(s, m, "200 messages:") == -1)
        goto out;

    /* Deleting what a pass returned: unlink() of sms/F/L, by the reported location. */
    m->SMS[0].Folder = 0;
    m->SMS[0].Location = 10000 + MESSAGES;
    t0 = now_s();
    if (GSM_DeleteSMS(s, &m->SMS[0]) != ERR_NONE)
        goto out;
    printf("DeleteSMS of location %d: %.3f ms\n", 10000 + MESSAGES, (now_s() - t0) * 1e3);
    status = 0;
out:
    if (status != 0)
        fprintf(stderr, "bench_phonefile: failed\n");
    if (ini != NULL)
        INI_Free(ini);
    if (s != NULL) {
        GSM_TerminateConnection(s);
        GSM_FreeStateMachine(s);
    }
    free(m);
    if (made) {
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
        if (system(cmd) != 0)
            status = 1;
    }
    return status;
}
