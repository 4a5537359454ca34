/*
 * test_phonefile.c: what gw_phonefile_deliver() writes, read back by libGammu's own dummy driver
 * (the reader the gateway will use) and by gw_phonefile_read(); placement, rollback and cleanup.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gammu.h>

#include "gateway/phonefile.h"
#include "util/gsm.h"

#define SENDER  "+639171234567"
#define SENDER2 "+33612345678"
#define WHEN    ((time_t)1776075300) /* 2026-04-13 10:15:00 UTC */
#define GRIN    "\xf0\x9f\x98\x80"   /* U+1F600, a surrogate pair in UTF-16 */

/* Tagalog and French with o-circumflex and e-circumflex (not GSM-7) and an emoji. */
#define UNICODE_TEXT "Salamat p\xc3\xb4! Tr\xc3\xa8s bien, f\xc3\xaate ce soir " GRIN

/* A scratch directory per test: base/phone is the dummy device, base/gammurc its config. */
struct scratch {
    char base[64];
    char phone[128];
    char inbox[160];
    char rc[128];
};

static int setup(void **state)
{
    struct scratch *t = calloc(1, sizeof(*t));
    FILE *fp;

    assert_non_null(t);
    snprintf(t->base, sizeof(t->base), "/tmp/rl-phonefile-XXXXXX");
    assert_non_null(mkdtemp(t->base));
    assert_int_equal(chmod(t->base, 0755), 0); /* the read-only test drops to another user */
    snprintf(t->phone, sizeof(t->phone), "%s/phone", t->base);
    snprintf(t->inbox, sizeof(t->inbox), "%s/sms/1", t->phone);
    snprintf(t->rc, sizeof(t->rc), "%s/gammurc", t->base);
    assert_int_equal(mkdir(t->phone, 0755), 0);
    fp = fopen(t->rc, "w");
    assert_non_null(fp);
    fprintf(fp, "[gammu]\nmodel = dummy\nconnection = none\ndevice = %s\n", t->phone);
    fclose(fp);
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    struct scratch *t = *state;
    char cmd[256];

    snprintf(cmd, sizeof(cmd), "chmod -R u+w '%s' && rm -rf '%s'", t->base, t->base);
    assert_int_equal(system(cmd), 0);
    free(t);
    return 0;
}

/* ---- libGammu on the dummy driver ---- */

static GSM_StateMachine *phone_open(const struct scratch *t)
{
    GSM_StateMachine *s = GSM_AllocStateMachine();
    INI_Section *ini = NULL;

    assert_non_null(s);
    assert_int_equal(GSM_FindGammuRC(&ini, t->rc), ERR_NONE);
    assert_int_equal(GSM_ReadConfig(ini, GSM_GetConfig(s, 0), 0), ERR_NONE);
    INI_Free(ini);
    GSM_SetConfigNum(s, 1);
    assert_int_equal(GSM_InitConnection(s, 1), ERR_NONE);
    return s;
}

static void phone_close(GSM_StateMachine *s)
{
    assert_int_equal(GSM_TerminateConnection(s), ERR_NONE);
    GSM_FreeStateMachine(s);
}

/* One SMS part as libGammu reported it. */
struct got {
    int location, folder, number_of_sms, pdu;
    char number[64];
    char text[2048];
    GSM_Coding_Type coding;
    GSM_UDH udh_type;
    int ref8, ref16, part, parts;
};

/* One full GetNextSMS pass; returns how many parts it reported (at most max). */
static int phone_read_all(GSM_StateMachine *s, struct got *got, int max)
{
    GSM_MultiSMSMessage *m = calloc(1, sizeof(*m));
    GSM_Error err;
    int n = 0;

    assert_non_null(m);
    for (gboolean start = TRUE;; start = FALSE) {
        GSM_SMSMessage *sms = &m->SMS[0];

        err = GSM_GetNextSMS(s, m, start);
        if (err == ERR_EMPTY)
            break;
        assert_int_equal(err, ERR_NONE);
        assert_true(n < max);
        got[n].location = sms->Location;
        got[n].folder = sms->Folder;
        got[n].number_of_sms = m->Number;
        got[n].pdu = sms->PDU;
        snprintf(got[n].number, sizeof(got[n].number), "%s", DecodeUnicodeString(sms->Number));
        EncodeUTF8(got[n].text, sms->Text); /* TRUE only if it had to encode something */
        got[n].coding = sms->Coding;
        got[n].udh_type = sms->UDH.Type;
        got[n].ref8 = sms->UDH.ID8bit;
        got[n].ref16 = sms->UDH.ID16bit;
        got[n].part = sms->UDH.PartNumber;
        got[n].parts = sms->UDH.AllParts;
        n++;
    }
    free(m);
    return n;
}

static void expect_got(const struct got *g, int location, const char *number, const char *text,
                       GSM_Coding_Type coding)
{
    assert_int_equal(g->location, 10000 + location); /* folder 1 is reported as 1xxxx */
    assert_int_equal(g->folder, 1);
    assert_int_equal(g->number_of_sms, 1); /* one part per file, reported on its own */
    assert_int_equal(g->pdu, SMS_Deliver);
    assert_string_equal(g->number, number);
    assert_string_equal(g->text, text);
    assert_int_equal(g->coding, coding);
}

/* ---- helpers ---- */

static void file_path(const struct scratch *t, int loc, char *buf, size_t bufsz)
{
    snprintf(buf, bufsz, "%s/%d", t->inbox, loc);
}

static void expect_file(const struct scratch *t, int loc, const char *text, int coding, int part,
                        int parts, unsigned ref)
{
    struct gw_phonefile_sms sms;
    char path[256];

    file_path(t, loc, path, sizeof(path));
    assert_int_equal(gw_phonefile_read(path, &sms), 0);
    assert_string_equal(sms.text, text);
    assert_int_equal(sms.coding, coding);
    assert_int_equal(sms.has_udh, parts > 1);
    assert_int_equal(sms.part, part);
    assert_int_equal(sms.parts, parts);
    assert_int_equal(sms.ref, parts > 1 ? ref : 0);
}

/* Names in the inbox, sorted numerically; non-numeric names make the test fail. */
static int inbox_names(const struct scratch *t, int *locs, int max)
{
    DIR *d = opendir(t->inbox);
    struct dirent *e;
    int n = 0;

    if (d == NULL)
        return errno == ENOENT ? 0 : -1;
    while ((e = readdir(d)) != NULL) {
        char *end;
        long v;

        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        v = strtol(e->d_name, &end, 10);
        if (*end != '\0') {
            print_error("stray file in inbox: %s\n", e->d_name);
            fail();
        }
        assert_true(n < max);
        locs[n++] = (int)v;
    }
    closedir(d);
    for (int i = 1; i < n; i++) /* insertion sort: a handful of names */
        for (int j = i; j > 0 && locs[j - 1] > locs[j]; j--) {
            int tmp = locs[j];
            locs[j] = locs[j - 1];
            locs[j - 1] = tmp;
        }
    return n;
}

/* A GSM-7 text of exactly 3 parts: 153 + 153 + 94 septets. */
static char *long_text(size_t septets)
{
    static const char words[] = "FEE USA PHL 200: Remitly 1.99 USD, WU 4.99 USD, bank 25 USD. ";
    char *p = malloc(septets + 1);

    assert_non_null(p);
    for (size_t i = 0; i < septets; i++)
        p[i] = words[i % (sizeof(words) - 1)];
    p[septets] = '\0';
    return p;
}

/* Concatenates text[starts[i]..starts[i+1]) of part i into buf. */
static void part_of(const char *text, int part, char *buf, size_t bufsz)
{
    size_t starts[GW_PHONEFILE_MAX_PARTS];
    int n = gsm_split(text, starts, GW_PHONEFILE_MAX_PARTS);
    size_t from, to;

    assert_true(part < n);
    from = starts[part];
    to = part + 1 < n ? starts[part + 1] : strlen(text);
    assert_true(to - from < bufsz);
    memcpy(buf, text + from, to - from);
    buf[to - from] = '\0';
}

/* Appends s to buf[bufsz], failing the test if it does not fit. */
static void append(char *buf, size_t bufsz, const char *s)
{
    size_t n = strlen(buf);

    assert_true(n + strlen(s) < bufsz);
    memcpy(buf + n, s, strlen(s) + 1);
}

/* ---- tests ---- */

/* The one that matters: libGammu reads what we write, short, Unicode and long, 8- and 16-bit. */
static void test_gammu_reads_back(void **state)
{
    struct scratch *t = *state;
    char *longmsg = long_text(400);
    char *longuni = NULL;
    struct got *got = calloc(16, sizeof(*got));
    char part[1024], joined[2048] = "";
    GSM_StateMachine *s;
    size_t len;
    int n;

    assert_non_null(got);
    /* A Unicode text of 2 parts (67 + 13 units), to carry a 16-bit reference. */
    len = strlen(UNICODE_TEXT) * 3 + 2;
    longuni = malloc(len + 1);
    assert_non_null(longuni);
    snprintf(longuni, len + 1, "%s %s %s", UNICODE_TEXT, UNICODE_TEXT, UNICODE_TEXT);

    assert_int_equal(gw_phonefile_deliver(t->phone, SENDER, "FEE USA PHL 200", WHEN, 7, NULL), 1);
    assert_int_equal(gw_phonefile_deliver(t->phone, SENDER2, UNICODE_TEXT, WHEN, 8, NULL), 1);
    assert_int_equal(gw_phonefile_deliver(t->phone, SENDER, longmsg, WHEN + 60, 0xA5, NULL), 3);
    assert_int_equal(gw_phonefile_deliver(t->phone, SENDER2, longuni, WHEN, 0x1234, NULL), 2);

    s = phone_open(t);
    n = phone_read_all(s, got, 16);
    phone_close(s);
    assert_int_equal(n, 7);

    expect_got(&got[0], 1, SENDER, "FEE USA PHL 200", SMS_Coding_Default_No_Compression);
    assert_int_equal(got[0].udh_type, UDH_NoUDH);
    expect_got(&got[1], 2, SENDER2, UNICODE_TEXT, SMS_Coding_Unicode_No_Compression);
    assert_int_equal(got[1].udh_type, UDH_NoUDH);
    for (int i = 0; i < 3; i++) {
        part_of(longmsg, i, part, sizeof(part));
        expect_got(&got[2 + i], 3 + i, SENDER, part, SMS_Coding_Default_No_Compression);
        assert_int_equal(got[2 + i].udh_type, UDH_ConcatenatedMessages);
        assert_int_equal(got[2 + i].ref8, 0xA5);
        assert_int_equal(got[2 + i].part, i + 1);
        assert_int_equal(got[2 + i].parts, 3);
        append(joined, sizeof(joined), got[2 + i].text);
    }
    assert_string_equal(joined, longmsg);
    joined[0] = '\0';
    for (int i = 0; i < 2; i++) {
        part_of(longuni, i, part, sizeof(part));
        expect_got(&got[5 + i], 6 + i, SENDER2, part, SMS_Coding_Unicode_No_Compression);
        assert_int_equal(got[5 + i].udh_type, UDH_ConcatenatedMessages16bit);
        assert_int_equal(got[5 + i].ref16, 0x1234);
        assert_int_equal(got[5 + i].part, i + 1);
        assert_int_equal(got[5 + i].parts, 2);
        append(joined, sizeof(joined), got[5 + i].text);
    }
    assert_string_equal(joined, longuni);

    /* Our own reader agrees. */
    expect_file(t, 1, "FEE USA PHL 200", 0, 1, 1, 0);
    expect_file(t, 2, UNICODE_TEXT, 1, 1, 1, 0);
    part_of(longmsg, 1, part, sizeof(part));
    expect_file(t, 4, part, 0, 2, 3, 0xA5);
    part_of(longuni, 0, part, sizeof(part));
    expect_file(t, 6, part, 1, 1, 2, 0x1234);
    free(longuni);
    free(longmsg);
    free(got);
}

/* The driver's InitConnection needs nothing but the device directory: it makes the rest. */
static void test_init_on_empty_dir(void **state)
{
    struct scratch *t = *state;
    struct got got[1];
    struct stat st;
    char path[256];
    GSM_StateMachine *s = phone_open(t);

    assert_int_equal(phone_read_all(s, got, 1), 0);
    phone_close(s);
    snprintf(path, sizeof(path), "%s/sms/5", t->phone);
    assert_int_equal(stat(path, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    snprintf(path, sizeof(path), "%s/operations.log", t->phone);
    assert_int_equal(stat(path, &st), 0);
}

/* What the gateway will do: one pass that deletes each part right after reading it. */
static void test_delete_during_pass(void **state)
{
    struct scratch *t = *state;
    char *longmsg = long_text(400);
    GSM_MultiSMSMessage *m = calloc(1, sizeof(*m));
    GSM_StateMachine *s;
    int locs[8], seen = 0;

    assert_non_null(m);
    assert_int_equal(gw_phonefile_deliver(t->phone, SENDER, longmsg, WHEN, 3, NULL), 3);
    assert_int_equal(gw_phonefile_deliver(t->phone, SENDER2, "RATE EUR PHP", WHEN, 0, NULL), 1);
    s = phone_open(t);
    for (gboolean start = TRUE;; start = FALSE) {
        GSM_Error err = GSM_GetNextSMS(s, m, start);

        if (err == ERR_EMPTY)
            break;
        assert_int_equal(err, ERR_NONE);
        assert_int_equal(m->SMS[0].Location, 10001 + seen);
        assert_int_equal(GSM_DeleteSMS(s, &m->SMS[0]), ERR_NONE);
        assert_int_equal(m->SMS[0].Location, 1 + seen); /* rewritten in place */
        seen++;
    }
    assert_int_equal(seen, 4);
    assert_int_equal(inbox_names(t, locs, 8), 0);
    m->SMS[0].Folder = 0;
    m->SMS[0].Location = 10001;
    assert_int_equal(GSM_DeleteSMS(s, &m->SMS[0]), ERR_EMPTY); /* already gone */
    phone_close(s);
    free(m);
    free(longmsg);
}

static void test_out_of_order(void **state)
{
    struct scratch *t = *state;
    char *longmsg = long_text(400);
    const int order[3] = {2, 0, 1};
    struct got got[4];
    char part[1024];
    GSM_StateMachine *s;

    assert_int_equal(gw_phonefile_deliver(t->phone, SENDER, longmsg, WHEN, 42, order), 3);
    s = phone_open(t);
    assert_int_equal(phone_read_all(s, got, 4), 3);
    phone_close(s);
    for (int i = 0; i < 3; i++) {
        part_of(longmsg, order[i], part, sizeof(part));
        expect_got(&got[i], i + 1, SENDER, part, SMS_Coding_Default_No_Compression);
        assert_int_equal(got[i].part, order[i] + 1);
        assert_int_equal(got[i].ref8, 42);
        expect_file(t, i + 1, part, 0, order[i] + 1, 3, 42);
    }
    free(longmsg);
}

static void test_no_temp_files_left(void **state)
{
    struct scratch *t = *state;
    char *longmsg = long_text(1000);
    int locs[32];

    assert_int_equal(gw_phonefile_deliver(t->phone, SENDER, "HELP", WHEN, 1, NULL), 1);
    assert_int_equal(gw_phonefile_deliver(t->phone, SENDER, longmsg, WHEN, 2, NULL), 7);
    assert_int_equal(gw_phonefile_deliver(t->phone, SENDER, "", WHEN, 3, NULL), 1);
    assert_int_equal(inbox_names(t, locs, 32), 9); /* fails on any non-numeric name */
    for (int i = 0; i < 9; i++)
        assert_int_equal(locs[i], i + 1);
    expect_file(t, 9, "", 0, 1, 1, 0);
    free(longmsg);
}

static void write_marker(const struct scratch *t, int loc)
{
    char path[256];
    FILE *fp;

    file_path(t, loc, path, sizeof(path));
    fp = fopen(path, "w");
    assert_non_null(fp);
    fprintf(fp, "[SMSBackup000]\nNumber = \"+1555%04d\"\nCoding = Default\nText00 = 0058\n", loc);
    fclose(fp);
}

static void test_first_free(void **state)
{
    struct scratch *t = *state;
    char *longmsg = long_text(400);
    struct gw_phonefile_sms sms;
    char path[256];
    int locs[16];

    assert_int_equal(gw_phonefile_deliver(t->phone, SENDER, "x", WHEN, 0, NULL), 1);
    write_marker(t, 1); /* overwrite ours: 1 and 2 are now someone else's */
    write_marker(t, 2);
    assert_int_equal(gw_phonefile_deliver(t->phone, SENDER, longmsg, WHEN, 9, NULL), 3);
    assert_int_equal(inbox_names(t, locs, 16), 5);
    for (int i = 1; i <= 2; i++) {
        file_path(t, i, path, sizeof(path));
        assert_int_equal(gw_phonefile_read(path, &sms), 0);
        assert_string_equal(sms.text, "X"); /* untouched */
    }
    for (int i = 0; i < 3; i++)
        assert_int_equal(locs[2 + i], 3 + i);

    /* A gap is filled first, then the search goes on above the next taken location. */
    file_path(t, 4, path, sizeof(path));
    assert_int_equal(unlink(path), 0);
    file_path(t, 1, path, sizeof(path));
    assert_int_equal(unlink(path), 0);
    assert_int_equal(gw_phonefile_deliver(t->phone, SENDER, longmsg, WHEN, 10, NULL), 3);
    assert_int_equal(inbox_names(t, locs, 16), 6);
    part_of(longmsg, 0, path, sizeof(path));
    expect_file(t, 1, path, 0, 1, 3, 10);
    part_of(longmsg, 1, path, sizeof(path));
    expect_file(t, 4, path, 0, 2, 3, 10);
    part_of(longmsg, 2, path, sizeof(path));
    expect_file(t, 6, path, 0, 3, 3, 10);
    free(longmsg);
}

/* Root ignores permissions, so the write is tried by an unprivileged child when we are root. */
static void test_read_only_dir(void **state)
{
    struct scratch *t = *state;
    char sms[200];
    int locs[4], status;
    pid_t pid;

    snprintf(sms, sizeof(sms), "%s/sms", t->phone);
    for (int round = 0; round < 2; round++) {
        /* Round 0: phone/ read-only, sms/ missing. Round 1: sms/1 exists and is read-only. */
        if (round == 1) {
            assert_int_equal(chmod(t->phone, 0755), 0);
            assert_int_equal(mkdir(sms, 0755), 0);
            assert_int_equal(mkdir(t->inbox, 0555), 0);
        } else {
            assert_int_equal(chmod(t->phone, 0555), 0);
        }
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
                _exit(2);
            _exit(gw_phonefile_deliver(t->phone, SENDER, "FEE", WHEN, 0, NULL) == -1 ? 0 : 1);
        }
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
        assert_int_equal(inbox_names(t, locs, 4), 0);
    }
}

/* A delivery that runs out of locations halfway takes back the parts it placed. */
static void test_full_inbox_rolls_back(void **state)
{
    struct scratch *t = *state;
    char *longmsg = long_text(400);
    char seed[256], path[256];
    int *locs = calloc(GW_PHONEFILE_MAX_LOC + 8, sizeof(int));

    assert_non_null(locs);
    assert_int_equal(gw_phonefile_deliver(t->phone, SENDER, "seed", WHEN, 0, NULL), 1);
    file_path(t, 1, seed, sizeof(seed));
    for (int i = 2; i <= GW_PHONEFILE_MAX_LOC - 2; i++) { /* hard links: cheap to make */
        file_path(t, i, path, sizeof(path));
        assert_int_equal(link(seed, path), 0);
    }
    assert_int_equal(gw_phonefile_deliver(t->phone, SENDER, longmsg, WHEN, 5, NULL), -1);
    assert_int_equal(inbox_names(t, locs, GW_PHONEFILE_MAX_LOC + 8), GW_PHONEFILE_MAX_LOC - 2);
    /* Two parts still fit exactly. */
    assert_int_equal(gw_phonefile_deliver(t->phone, SENDER, longmsg + 200, WHEN, 6, NULL), 2);
    assert_int_equal(inbox_names(t, locs, GW_PHONEFILE_MAX_LOC + 8), GW_PHONEFILE_MAX_LOC);
    free(locs);
    free(longmsg);
}

static void test_bad_arguments(void **state)
{
    struct scratch *t = *state;
    char *longmsg = long_text(400);
    char *huge = long_text(GW_PHONEFILE_MAX_PARTS * GSM_PART_SEPTETS + 1);
    const int dup[3] = {0, 0, 1}, range[3] = {0, 1, 3};
    char missing[200];
    int locs[4];

    assert_int_equal(gw_phonefile_deliver(t->phone, SENDER, "bad \xff utf-8", WHEN, 0, NULL), -1);
    assert_int_equal(gw_phonefile_deliver(t->phone, "+63\"1", "FEE", WHEN, 0, NULL), -1);
    assert_int_equal(gw_phonefile_deliver(t->phone, "", "FEE", WHEN, 0, NULL), -1);
    assert_int_equal(gw_phonefile_deliver(t->phone, SENDER, longmsg, WHEN, 70000, NULL), -1);
    assert_int_equal(gw_phonefile_deliver(t->phone, SENDER, longmsg, WHEN, 1, dup), -1);
    assert_int_equal(gw_phonefile_deliver(t->phone, SENDER, longmsg, WHEN, 1, range), -1);
    assert_int_equal(gw_phonefile_deliver(t->phone, SENDER, huge, WHEN, 1, NULL), -1);
    snprintf(missing, sizeof(missing), "%s/nowhere", t->phone);
    assert_int_equal(gw_phonefile_deliver(missing, SENDER, "FEE", WHEN, 0, NULL), -1);
    assert_int_equal(inbox_names(t, locs, 4), 0);
    free(huge);
    free(longmsg);
}

/* The reader takes Gammu's own spelling too, and says no to files the gateway could not use. */
static void test_read_variants(void **state)
{
    struct scratch *t = *state;
    struct gw_phonefile_sms sms;
    char path[256];
    FILE *fp;

    snprintf(path, sizeof(path), "%s/gammu-style", t->base);
    fp = fopen(path, "w");
    assert_non_null(fp);
    fprintf(fp, "; comment\r\n[SMSBackup000]\r\n; Hi\r\nSMSC = \"\"\r\n"
                "Number = \"ignored\"\r\nNumberUnicode = 002B0031\r\n"
                "Coding = Unicode_No_Compression\r\nText00 = 0048\r\nText01 = 0069\r\n"
                "UDH = 0B0003010302050400000000\r\n[SMSBackup001]\r\nNumber = \"x\"\r\n");
    fclose(fp);
    assert_int_equal(gw_phonefile_read(path, &sms), 0);
    assert_string_equal(sms.number, "+1");
    assert_string_equal(sms.text, "Hi");
    assert_int_equal(sms.coding, 1);
    assert_int_equal(sms.has_udh, 1);
    assert_int_equal(sms.ref, 1);
    assert_int_equal(sms.parts, 3);
    assert_int_equal(sms.part, 2);

    fp = fopen(path, "w");
    assert_non_null(fp);
    fprintf(fp, "[SMSBackup000]\nNumber = \"+1\"\nText00 = 0048\n"); /* no Coding */
    fclose(fp);
    assert_int_equal(gw_phonefile_read(path, &sms), -1);
    fp = fopen(path, "w");
    assert_non_null(fp);
    fprintf(fp, "[SMSBackup000]\nNumber = \"+1\"\nCoding = Default\nText00 = D83D\n");
    fclose(fp);
    assert_int_equal(gw_phonefile_read(path, &sms), -1); /* lone surrogate */
    fp = fopen(path, "w");
    assert_non_null(fp);
    fprintf(fp, "[Other]\nNumber = \"+1\"\nCoding = Default\n");
    fclose(fp);
    assert_int_equal(gw_phonefile_read(path, &sms), -1);
    snprintf(path, sizeof(path), "%s/absent", t->base);
    assert_int_equal(gw_phonefile_read(path, &sms), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_gammu_reads_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_init_on_empty_dir, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_during_pass, setup, teardown),
        cmocka_unit_test_setup_teardown(test_out_of_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_temp_files_left, setup, teardown),
        cmocka_unit_test_setup_teardown(test_first_free, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_only_dir, setup, teardown),
        cmocka_unit_test_setup_teardown(test_full_inbox_rolls_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_variants, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
