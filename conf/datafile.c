#include "conf/datafile.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "conf/csv.h"

static const char *const conf_format_names[] = {
    [CONF_FORMAT_UNKNOWN] = "unknown",
    [CONF_FORMAT_CONTENT] = "content",
    [CONF_FORMAT_RPW_CORRIDORS] = "rpw-corridors",
    [CONF_FORMAT_ECB] = "ecb",
    [CONF_FORMAT_RPW] = "rpw",
};

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
    if ((fp = fopen(path, "r")) == NULL)
        goto out;
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
