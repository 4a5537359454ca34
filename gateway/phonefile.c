/*
 * phonefile.c: writes and reads Gammu SMS-backup files in the dummy driver's inbox.
 * The format is described in phonefile.h; nothing here calls libGammu, so the tests that do are
 * an independent check of both directions.
 */
#include "gateway/phonefile.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/log.h"
#include "util/gsm.h"
#include "util/hex.h"
#include "util/utf8.h"

#define HEX_PER_LINE 200  /* hex digits per TextNN line, as Gammu writes them */
#define FILE_MAX     2048 /* one part: 160 units = 640 hex digits, plus the other lines */
#define LINE_MAX_LEN 1024 /* longest line gw_phonefile_read() accepts */

static const char hexdigits[] = "0123456789ABCDEF";

/* ---- Writing ---- */

/* A fixed-size text buffer that remembers running out instead of growing. */
struct buf {
    char data[FILE_MAX];
    size_t len;
    int overflow;
};

static void buf_add(struct buf *b, const char *s)
{
    size_t n = strlen(s);

    if (b->overflow || n >= sizeof(b->data) - b->len) {
        b->overflow = 1;
        return;
    }
    memcpy(b->data + b->len, s, n + 1);
    b->len += n;
}

static void buf_hex16(struct buf *b, unsigned v, int digits)
{
    char h[5];

    for (int i = 0; i < digits; i++)
        h[i] = hexdigits[(v >> (4 * (digits - 1 - i))) & 0xF];
    h[digits] = '\0';
    buf_add(b, h);
}

/*
 * Appends Text00, Text01... for bytes [from, to) of text as UTF-16BE hex, HEX_PER_LINE digits a
 * line (a surrogate pair may straddle two lines: Gammu joins the lines before decoding).
 */
static void buf_text(struct buf *b, const char *from, const char *to)
{
    const char *p = from;
    char hex[FILE_MAX];
    size_t n = 0;

    while (p < to) {
        long cp = utf8_next(&p); /* valid: gsm_measure() has checked it */
        uint32_t c = cp < 0 ? 0xFFFD : (uint32_t)cp;
        unsigned units[2];
        int nu = 0;

        if (c >= 0x10000) {
            units[nu++] = 0xD800 | ((c - 0x10000) >> 10);
            units[nu++] = 0xDC00 | ((c - 0x10000) & 0x3FF);
        } else {
            units[nu++] = (unsigned)c;
        }
        for (int u = 0; u < nu; u++) {
            if (n + 4 >= sizeof(hex)) {
                b->overflow = 1;
                return;
            }
            for (int i = 0; i < 4; i++)
                hex[n++] = hexdigits[(units[u] >> (12 - 4 * i)) & 0xF];
        }
    }
    for (size_t off = 0, line = 0; off < n; off += HEX_PER_LINE, line++) {
        char head[32];
        size_t len = n - off < HEX_PER_LINE ? n - off : HEX_PER_LINE;
        char chunk[HEX_PER_LINE + 2];

        snprintf(head, sizeof(head), "Text%02zu = ", line);
        buf_add(b, head);
        memcpy(chunk, hex + off, len);
        chunk[len] = '\n';
        chunk[len + 1] = '\0';
        buf_add(b, chunk);
    }
}

/* A sender goes between quotes that Gammu strips without unescaping: keep it plain. */
static int sender_ok(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n >= sizeof(((struct gw_phonefile_sms *)0)->number))
        return 0;
    for (; *s; s++)
        if (*s < 0x21 || *s > 0x7E || *s == '"' || *s == '\\')
            return 0;
    return 1;
}

/* Builds the file of part `part` (0-based) of nparts into b. */
static int build_part(struct buf *b, const char *sender, const char *from, const char *to,
                      const struct tm *utc, enum gsm_coding coding, unsigned ref, int part,
                      int nparts)
{
    char line[128];

    b->len = 0;
    b->overflow = 0;
    b->data[0] = '\0';
    buf_add(b, "[SMSBackup000]\n");
    snprintf(line, sizeof(line), "Number = \"%s\"\n", sender);
    buf_add(b, line);
    buf_add(b, "PDU = Deliver\nState = UnRead\n");
    snprintf(line, sizeof(line), "DateTime = %04d%02d%02dT%02d%02d%02dZ\n", utc->tm_year + 1900,
             utc->tm_mon + 1, utc->tm_mday, utc->tm_hour, utc->tm_min, utc->tm_sec);
    buf_add(b, line);
    buf_add(b, coding == GSM_CODING_GSM7 ? "Coding = Default\n" : "Coding = Unicode\n");
    if (nparts > 1) {
        /* IEI 00: 8-bit reference, IEI 08: 16-bit; then count and 1-based number. */
        buf_add(b, ref <= 0xFF ? "UDH = 050003" : "UDH = 060804");
        buf_hex16(b, ref, ref <= 0xFF ? 2 : 4);
        buf_hex16(b, (unsigned)nparts, 2);
        buf_hex16(b, (unsigned)part + 1, 2);
        buf_add(b, "\n");
    }
    buf_text(b, from, to);
    return b->overflow ? -1 : 0;
}

/* Writes everything or fails; retries short writes and EINTR. */
static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Where a part landed, so a failed delivery can take back exactly its own files. */
struct placed {
    int loc;
    dev_t dev;
    ino_t ino;
};

/*
 * Writes b to a temporary file in inbox and links it to the lowest free location >= *loc.
 * On 0, *loc and *out say where it went. The temporary name is always gone on return.
 */
static int place_part(const char *inbox, const struct buf *b, int *loc, struct placed *out)
{
    char tmp[PATH_MAX], final[PATH_MAX];
    struct stat st;
    int fd = -1, rc = -1, n;

    n = snprintf(tmp, sizeof(tmp), "%s/.phonefile-XXXXXX", inbox);
    if (n < 0 || (size_t)n >= sizeof(tmp)) {
        log_warnx("phonefile: path too long: %s", inbox);
        return -1;
    }
    fd = mkstemp(tmp);
    if (fd == -1) {
        log_warn("phonefile: %s", tmp);
        return -1;
    }
    /* mkstemp() makes it 0600; a gateway running as another user must be able to read it. */
    if (fchmod(fd, 0644) == -1 || write_all(fd, b->data, b->len) == -1 || fstat(fd, &st) == -1) {
        log_warn("phonefile: writing %s", tmp);
        goto out;
    }
    if (close(fd) == -1) {
        fd = -1;
        log_warn("phonefile: closing %s", tmp);
        goto out;
    }
    fd = -1;
    for (; *loc <= GW_PHONEFILE_MAX_LOC; (*loc)++) {
        n = snprintf(final, sizeof(final), "%s/%d", inbox, *loc);
        if (n < 0 || (size_t)n >= sizeof(final)) {
            log_warnx("phonefile: path too long: %s", inbox);
            goto out;
        }
        if (link(tmp, final) == 0)
            break;
        if (errno != EEXIST) {
            log_warn("phonefile: link %s", final);
            goto out;
        }
    }
    if (*loc > GW_PHONEFILE_MAX_LOC) {
        log_warnx("phonefile: %s is full (locations 1..%d taken)", inbox, GW_PHONEFILE_MAX_LOC);
        goto out;
    }
    out->loc = *loc;
    out->dev = st.st_dev;
    out->ino = st.st_ino;
    rc = 0;
out:
    if (fd != -1)
        close(fd);
    if (unlink(tmp) == -1)
        log_warn("phonefile: unlink %s", tmp);
    return rc;
}

/* Creates path as a directory unless it already is one. */
static int ensure_dir(const char *path)
{
    struct stat st;

    if (mkdir(path, 0755) == 0)
        return 0;
    if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return 0;
    log_warn("phonefile: mkdir %s", path);
    return -1;
}

int gw_phonefile_deliver(const char *dir, const char *sender, const char *text, time_t when,
                         unsigned ref, const int *order)
{
    char inbox[PATH_MAX], sms[PATH_MAX], final[PATH_MAX];
    size_t starts[GW_PHONEFILE_MAX_PARTS];
    struct placed placed[GW_PHONEFILE_MAX_PARTS];
    int seen[GW_PHONEFILE_MAX_PARTS] = {0};
    struct buf *b = NULL;
    struct gsm_info info;
    struct tm utc;
    int nparts, nplaced = 0, loc = 1, rc = -1, n = 0;
    size_t len;

    assert(dir != NULL && sender != NULL && text != NULL);
    if (!sender_ok(sender)) {
        log_warnx("phonefile: sender must be 1..31 printable ASCII characters, no '\"' or '\\'");
        goto out;
    }
    if (ref > 0xFFFF) {
        log_warnx("phonefile: concatenation reference %u is over 65535", ref);
        goto out;
    }
    if (gsm_measure(text, &info) == -1) {
        log_warnx("phonefile: text is not valid UTF-8");
        goto out;
    }
    if (info.parts > GW_PHONEFILE_MAX_PARTS) {
        log_warnx("phonefile: text needs %d parts, more than %d", info.parts,
                  GW_PHONEFILE_MAX_PARTS);
        goto out;
    }
    nparts = gsm_split(text, starts, GW_PHONEFILE_MAX_PARTS);
    if (nparts == -1) {
        log_warnx("phonefile: text cannot be split");
        goto out;
    }
    if (nparts == 0) { /* "": one empty SMS */
        nparts = 1;
        starts[0] = 0;
    }
    if (order != NULL) {
        for (int i = 0; i < nparts; i++) {
            if (order[i] < 0 || order[i] >= nparts || seen[order[i]]) {
                log_warnx("phonefile: order is not a permutation of the %d parts", nparts);
                goto out;
            }
            seen[order[i]] = 1;
        }
    }
    if (gmtime_r(&when, &utc) == NULL) {
        log_warnx("phonefile: timestamp %lld out of range", (long long)when);
        goto out;
    }
    n = snprintf(sms, sizeof(sms), "%s/sms", dir);
    if (n < 0 || (size_t)n >= sizeof(sms) - 16) {
        log_warnx("phonefile: path too long: %s", dir);
        goto out;
    }
    n = snprintf(inbox, sizeof(inbox), "%s/1", sms);
    if (n < 0 || (size_t)n >= sizeof(inbox) - 8) {
        log_warnx("phonefile: path too long: %s", dir);
        goto out;
    }
    if (ensure_dir(sms) == -1 || ensure_dir(inbox) == -1)
        goto out;
    b = malloc(sizeof(*b));
    if (b == NULL) {
        log_warn("phonefile: malloc");
        goto out;
    }
    len = strlen(text);
    for (int i = 0; i < nparts; i++) {
        int p = order != NULL ? order[i] : i;
        const char *to = text + (p + 1 < nparts ? starts[p + 1] : len);

        if (build_part(b, sender, text + starts[p], to, &utc, info.coding, ref, p, nparts) == -1) {
            log_warnx("phonefile: part %d does not fit a file", p + 1);
            goto out;
        }
        if (place_part(inbox, b, &loc, &placed[nplaced]) == -1)
            goto out;
        nplaced++;
        loc++;
    }
    rc = nplaced;
out:
    if (rc == -1) {
        /* Take back our own parts only: the gateway may have deleted one and a second writer
         * reused its location in the meantime. */
        for (int i = nplaced - 1; i >= 0; i--) {
            struct stat st;

            n = snprintf(final, sizeof(final), "%s/%d", inbox, placed[i].loc);
            if (n > 0 && (size_t)n < sizeof(final) && stat(final, &st) == 0 &&
                st.st_dev == placed[i].dev && st.st_ino == placed[i].ino && unlink(final) == -1)
                log_warn("phonefile: unlink %s", final);
        }
    }
    free(b);
    return rc;
}

/* Converts UTF-16BE hex to NUL-terminated UTF-8 in out[outsz]; 0, or -1 on any bad input. */
static int utf16hex_to_utf8(const char *hex, char *out, size_t outsz)
{
    size_t n = strlen(hex), o = 0;

    if (n % 4 != 0)
        return -1;
    for (size_t i = 0; i < n; i += 4) {
        unsigned char u8[2];
        uint32_t c;

        if (hex_decode((char[5]){hex[i], hex[i + 1], hex[i + 2], hex[i + 3], 0}, u8, 2) != 2)
            return -1;
        c = (uint32_t)u8[0] << 8 | u8[1];
        if (c >= 0xDC00 && c <= 0xDFFF)
            return -1;
        if (c >= 0xD800 && c <= 0xDBFF) {
            uint32_t lo;

            i += 4;
            if (i >= n ||
                hex_decode((char[5]){hex[i], hex[i + 1], hex[i + 2], hex[i + 3], 0}, u8, 2) != 2)
                return -1;
            lo = (uint32_t)u8[0] << 8 | u8[1];
            if (lo < 0xDC00 || lo > 0xDFFF)
                return -1;
            c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
        }
        if (o + 5 > outsz)
            return -1;
        o += utf8_encode(c, out + o);
    }
    if (o >= outsz)
        return -1;
    out[o] = '\0';
    return 0;
}

/* Finds the concatenation element in a UDH (length byte first) and fills ref/parts/part. */
static void udh_concat(const unsigned char *udh, int n, struct gw_phonefile_sms *out)
{
    int end = 1 + udh[0] < n ? 1 + udh[0] : n;

    for (int i = 1; i + 1 < end; i += 2 + udh[i + 1]) {
        int iei = udh[i], l = udh[i + 1];

        if (i + 2 + l > end)
            return;
        if (iei == 0x00 && l == 3) {
            out->ref = udh[i + 2];
            out->parts = udh[i + 3];
            out->part = udh[i + 4];
        } else if (iei == 0x08 && l == 4) {
            out->ref = (unsigned)udh[i + 2] << 8 | udh[i + 3];
            out->parts = udh[i + 4];
            out->part = udh[i + 5];
        }
    }
}

/* Strips leading and trailing blanks (and the line end) in place; returns the start. */
static char *trim(char *s)
{
    char *e;

    while (*s == ' ' || *s == '\t')
        s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
        *--e = '\0';
    return s;
}

/* What reading a message file gathers besides the message itself, and where it is. */
struct pf_read {
    const char *path;
    long lineno;
    char text_hex[4 * GSM_SINGLE_SEPTETS + 1], num_hex[4 * 32 + 1];
    int have_number, have_coding, next_text;
};

/* One key = value line of the message's section, into out or r. 0, or -1 (logged). Unknown keys
 * are Gammu's own (State, Sent, ...) and are passed over. */
static int read_key(struct pf_read *r, const char *key, char *val, struct gw_phonefile_sms *out)
{
    if (strcasecmp(key, "Number") == 0) {
        size_t n = strlen(val);

        if (n >= 2 && val[0] == '"' && val[n - 1] == '"') {
            val[n - 1] = '\0';
            val++;
            n -= 2;
        }
        if (n >= sizeof(out->number)) {
            log_warnx("phonefile: %s:%ld: Number too long", r->path, r->lineno);
            return -1;
        }
        memcpy(out->number, val, n + 1);
        r->have_number = 1;
    } else if (strcasecmp(key, "NumberUnicode") == 0) {
        if (strlen(val) >= sizeof(r->num_hex)) {
            log_warnx("phonefile: %s:%ld: NumberUnicode too long", r->path, r->lineno);
            return -1;
        }
        memcpy(r->num_hex, val, strlen(val) + 1);
    } else if (strcasecmp(key, "Coding") == 0) {
        if (strcasecmp(val, "Default") == 0 || strcasecmp(val, "Default_No_Compression") == 0)
            out->coding = 0;
        else if (strcasecmp(val, "Unicode") == 0 || strcasecmp(val, "Unicode_No_Compression") == 0)
            out->coding = 1;
        else {
            log_warnx("phonefile: %s:%ld: Coding %s is not text", r->path, r->lineno, val);
            return -1;
        }
        r->have_coding = 1;
    } else if (strcasecmp(key, "UDH") == 0) {
        unsigned char udh[140];
        int n = hex_decode(val, udh, sizeof(udh));

        if (n < 1) {
            log_warnx("phonefile: %s:%ld: bad UDH hex", r->path, r->lineno);
            return -1;
        }
        out->has_udh = 1;
        udh_concat(udh, n, out);
    } else if (strncasecmp(key, "Text", 4) == 0 && strlen(key) == 6) {
        char *end;
        long idx = strtol(key + 4, &end, 10);

        if (*end != '\0' || idx != r->next_text) {
            log_warnx("phonefile: %s:%ld: %s where Text%02d was due", r->path, r->lineno, key,
                      r->next_text);
            return -1;
        }
        if (strlen(r->text_hex) + strlen(val) >= sizeof(r->text_hex)) {
            log_warnx("phonefile: %s:%ld: text longer than one SMS", r->path, r->lineno);
            return -1;
        }
        memcpy(r->text_hex + strlen(r->text_hex), val, strlen(val) + 1);
        r->next_text++;
    }
    return 0;
}

int gw_phonefile_read(const char *path, struct gw_phonefile_sms *out)
{
    char line[LINE_MAX_LEN + 2];
    struct pf_read r;
    FILE *fp = NULL;
    int rc = -1, in_section = 0, seen_section = 0;

    assert(path != NULL && out != NULL);
    memset(out, 0, sizeof(*out));
    memset(&r, 0, sizeof(r));
    r.path = path;
    out->parts = out->part = 1;
    fp = fopen(path, "r");
    if (fp == NULL) {
        log_warn("phonefile: %s", path);
        goto out;
    }
    while (fgets(line, sizeof(line), fp) != NULL) {
        char *s, *eq, *key, *val;

        r.lineno++;
        if (strchr(line, '\n') == NULL && !feof(fp)) {
            log_warnx("phonefile: %s:%ld: line longer than %d bytes", path, r.lineno, LINE_MAX_LEN);
            goto out;
        }
        s = trim(line);
        if (*s == '\0' || *s == ';' || *s == '#')
            continue;
        if (*s == '[') {
            if (in_section)
                break; /* only the first message of the file */
            in_section = strncasecmp(s, "[SMSBackup", 10) == 0;
            seen_section |= in_section;
            continue;
        }
        if (!in_section)
            continue;
        eq = strchr(s, '=');
        if (eq == NULL) {
            log_warnx("phonefile: %s:%ld: no '=' in a key line", path, r.lineno);
            goto out;
        }
        *eq = '\0';
        key = trim(s);
        val = trim(eq + 1);
        if (read_key(&r, key, val, out) < 0)
            goto out;
    }
    if (ferror(fp)) {
        log_warn("phonefile: reading %s", path);
        goto out;
    }
    if (!seen_section) {
        log_warnx("phonefile: %s: no [SMSBackup] section", path);
        goto out;
    }
    if (!r.have_number || !r.have_coding) {
        log_warnx("phonefile: %s: no %s", path, r.have_number ? "Coding" : "Number");
        goto out;
    }
    if (r.num_hex[0] != '\0' &&
        utf16hex_to_utf8(r.num_hex, out->number, sizeof(out->number)) == -1) {
        log_warnx("phonefile: %s: bad NumberUnicode", path);
        goto out;
    }
    if (utf16hex_to_utf8(r.text_hex, out->text, sizeof(out->text)) == -1) {
        log_warnx("phonefile: %s: text is not UTF-16BE hex", path);
        goto out;
    }
    rc = 0;
out:
    if (fp != NULL)
        fclose(fp);
    return rc;
}
