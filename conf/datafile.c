#include "conf/datafile.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "conf/csv.h"
#include "conf/xlsx.h"

static const char *const conf_format_names[] = {
    [CONF_FORMAT_UNKNOWN] = "unknown",
    [CONF_FORMAT_CONTENT] = "content",
    [CONF_FORMAT_RPW_CORRIDORS] = "rpw-corridors",
    [CONF_FORMAT_ECB] = "ecb",
    [CONF_FORMAT_RPW] = "rpw",
};

static const char *const conf_format_whats[] = {
    [CONF_FORMAT_UNKNOWN] = "of no format remitline reads",
    [CONF_FORMAT_CONTENT] = "a content file (libconfig)",
    [CONF_FORMAT_RPW_CORRIDORS] = "World Bank RPW corridor averages",
    [CONF_FORMAT_ECB] = "ECB euro reference rates",
    [CONF_FORMAT_RPW] = "the World Bank RPW firm-level dataset",
};

const char *conf_format_what(enum conf_format f)
{
    if ((unsigned)f >= sizeof(conf_format_whats) / sizeof(conf_format_whats[0]))
        return conf_format_whats[0];
    return conf_format_whats[f];
}

const char *conf_format_name(enum conf_format f)
{
    if ((unsigned)f >= sizeof(conf_format_names) / sizeof(conf_format_names[0]))
        return "unknown";
    return conf_format_names[f];
}

int conf_format_parse(const char *name, enum conf_format *out)
{
    size_t i;

    for (i = CONF_FORMAT_UNKNOWN + 1; i < sizeof(conf_format_names) / sizeof(conf_format_names[0]);
         i++) {
        if (strcmp(name, conf_format_names[i]) == 0) {
            *out = (enum conf_format)i;
            return 0;
        }
    }
    return -1;
}

static int is_currency_code(const char *s)
{
    return strlen(s) == 3 && isupper((unsigned char)s[0]) && isupper((unsigned char)s[1]) &&
           isupper((unsigned char)s[2]);
}

static enum conf_format detect_header(char **f, int n)
{
    int i, ncur = 0;

    if (csv_header_find(f, n, "Sending Countries Code") >= 0 &&
        csv_header_find(f, n, "Series Code") >= 0)
        return CONF_FORMAT_RPW_CORRIDORS;
    if (n >= 3 && strcasecmp(f[0], "id") == 0 && strcasecmp(f[1], "period") == 0 &&
        strcasecmp(f[2], "source_code") == 0)
        return CONF_FORMAT_RPW;
    if (strcmp(f[0], "Date") == 0) {
        /* The last field may be the empty one a trailing comma leaves. */
        for (i = 1; i < n; i++) {
            if (f[i][0] == '\0' && i == n - 1)
                break;
            if (!is_currency_code(f[i]))
                return CONF_FORMAT_UNKNOWN;
            ncur++;
        }
        if (ncur > 0)
            return CONF_FORMAT_ECB;
    }
    return CONF_FORMAT_UNKNOWN;
}

/* Whether fp starts like XML (after a byte order mark and spaces); rewinds it. */
static int detect_xml(FILE *fp)
{
    unsigned char b[64];
    size_t n = fread(b, 1, sizeof(b), fp), i = 0;

    rewind(fp);
    if (n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF)
        i = 3;
    while (i < n && isspace(b[i]))
        i++;
    return i < n && b[i] == '<';
}

/* The ECB's XML names its own namespace near the top and holds Cube elements with rates. */
static int is_ecb_xml(FILE *fp)
{
    char b[8192];
    size_t n = fread(b, 1, sizeof(b) - 1, fp);

    b[n] = '\0';
    return strstr(b, "<Cube") != NULL &&
           (strstr(b, "eurofxref") != NULL || strstr(b, "gesmes") != NULL);
}

enum conf_format conf_detect_format(const char *path)
{
    enum conf_format fmt = CONF_FORMAT_UNKNOWN;
    FILE *fp = NULL;
    csv *c = NULL;
    char **f;
    int n;
    size_t len = strlen(path);

    if (len >= 5 && strcmp(path + len - 5, ".conf") == 0) {
        fmt = CONF_FORMAT_CONTENT;
        goto out;
    }
    if (xlsx_is_zip(path)) {
        char line[4096];
        if (xlsx_is_workbook(path)) {
            fmt = CONF_FORMAT_RPW; /* the sheet is found by its header row when read */
        } else if (conf_ecb_zip_header(path, line, sizeof(line)) == 0 &&
                   (fp = fmemopen(line, strlen(line), "r")) != NULL && (c = csv_open(fp)) != NULL &&
                   csv_next(c, &f, &n) == 1 && detect_header(f, n) == CONF_FORMAT_ECB) {
            fmt = CONF_FORMAT_ECB; /* only the ECB's history comes zipped */
        }
        goto out;
    }
    if ((fp = fopen(path, "r")) == NULL)
        goto out;
    if (detect_xml(fp)) {
        fmt = is_ecb_xml(fp) ? CONF_FORMAT_ECB : CONF_FORMAT_UNKNOWN;
        goto out;
    }
    if ((c = csv_open(fp)) == NULL)
        goto out;
    if (csv_next(c, &f, &n) == 1)
        fmt = detect_header(f, n);
out:
    csv_close(c);
    if (fp != NULL)
        fclose(fp);
    return fmt;
}
