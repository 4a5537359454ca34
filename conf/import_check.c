/*
 * import_check.c: checks the groups of a content file against a table of fields, and the
 * values the content lists share (codes, dates, the country and source a row names).
 */
#include "conf/import_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "db/db.h"

const char *imp_ftype_name(enum ftype t)
{
    switch (t) {
    case F_STR:
        return "a string in double quotes";
    case F_NUM:
        return "a number";
    case F_BOOL:
        return "true or false";
    case F_STRLIST:
        return "a list of strings like [\"a\", \"b\"]";
    case F_GROUP:
        return "a group { ... }";
    }
    return "?";
}

int imp_ftype_matches(const config_setting_t *s, enum ftype t)
{
    int st = config_setting_type(s);
    int i;

    switch (t) {
    case F_STR:
        return st == CONFIG_TYPE_STRING;
    case F_NUM:
        return st == CONFIG_TYPE_INT || st == CONFIG_TYPE_INT64 || st == CONFIG_TYPE_FLOAT;
    case F_BOOL:
        return st == CONFIG_TYPE_BOOL;
    case F_STRLIST:
        if (st != CONFIG_TYPE_ARRAY && st != CONFIG_TYPE_LIST)
            return 0;
        for (i = 0; i < config_setting_length(s); i++)
            if (config_setting_type(config_setting_get_elem(s, (unsigned)i)) != CONFIG_TYPE_STRING)
                return 0;
        return 1;
    case F_GROUP:
        return st == CONFIG_TYPE_GROUP;
    }
    return 0;
}

long imp_line_of(const config_setting_t *s)
{
    return (long)config_setting_source_line(s);
}

/*
 * Checks a group against fields: unknown keys, wrong types and missing required keys are each
 * reported. Returns the number of problems.
 */
int imp_check_fields(struct importer *im, const char *file, const char *what,
                     const config_setting_t *g, const struct field *fields, int nfields)
{
    int problems = 0, i, j;
    char expected[512];
    size_t len = 0;

    if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
        conf_errs_add(im->errs, file, imp_line_of(g), "%s: each entry must be a group { ... }",
                      what);
        return 1;
    }
    for (j = 0; j < nfields && len < sizeof(expected); j++)
        len += (size_t)snprintf(expected + len, sizeof(expected) - len, "%s%s", j ? ", " : "",
                                fields[j].name);
    for (i = 0; i < config_setting_length(g); i++) {
        const config_setting_t *m = config_setting_get_elem(g, (unsigned)i);
        const char *name = config_setting_name(m);
        for (j = 0; j < nfields; j++)
            if (strcmp(name, fields[j].name) == 0)
                break;
        if (j == nfields) {
            conf_errs_add(im->errs, file, imp_line_of(m), "%s: unknown key '%s' (known: %s)", what,
                          name, expected);
            problems++;
        } else if (!imp_ftype_matches(m, fields[j].type)) {
            conf_errs_add(im->errs, file, imp_line_of(m), "%s: '%s' must be %s", what, name,
                          imp_ftype_name(fields[j].type));
            problems++;
        }
    }
    for (j = 0; j < nfields; j++) {
        if (fields[j].required && config_setting_get_member(g, fields[j].name) == NULL) {
            conf_errs_add(im->errs, file, imp_line_of(g), "%s: missing '%s'", what, fields[j].name);
            problems++;
        }
    }
    return problems;
}

const char *imp_get_str(const config_setting_t *g, const char *name)
{
    const char *v = NULL;

    if (config_setting_lookup_string(g, name, &v) != CONFIG_TRUE)
        return NULL;
    return v;
}

int imp_get_num(const config_setting_t *g, const char *name, double *out)
{
    const config_setting_t *m = config_setting_get_member(g, name);

    if (m == NULL)
        return 0;
    switch (config_setting_type(m)) {
    case CONFIG_TYPE_INT:
    case CONFIG_TYPE_INT64:
        *out = (double)config_setting_get_int64(m);
        return 1;
    case CONFIG_TYPE_FLOAT:
        *out = config_setting_get_float(m);
        return isfinite(*out) ? 1 : 0;
    default:
        return 0;
    }
}

int imp_is_upper_code(const char *s, size_t n)
{
    size_t i;

    if (s == NULL || strlen(s) != n)
        return 0;
    for (i = 0; i < n; i++)
        if (s[i] < 'A' || s[i] > 'Z')
            return 0;
    return 1;
}

int imp_is_lang_code(const char *s)
{
    size_t i, n = s ? strlen(s) : 0;

    if (n < 2 || n > 3)
        return 0;
    for (i = 0; i < n; i++)
        if (s[i] < 'a' || s[i] > 'z')
            return 0;
    return 1;
}

/* "2026-04-13" with a plausible month and day. */
int imp_is_iso_date(const char *s)
{
    int i;

    if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    for (i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return 0;
    i = (s[5] - '0') * 10 + (s[6] - '0');
    if (i < 1 || i > 12)
        return 0;
    i = (s[8] - '0') * 10 + (s[9] - '0');
    return i >= 1 && i <= 31;
}

/* "2020Q3" or an ISO date. */
int imp_is_period(const char *s)
{
    if (s != NULL && strlen(s) == 6 && s[4] == 'Q' && s[5] >= '1' && s[5] <= '4') {
        int i;
        for (i = 0; i < 4; i++)
            if (s[i] < '0' || s[i] > '9')
                return 0;
        return 1;
    }
    return imp_is_iso_date(s);
}

/* Resolves an ISO2 or ISO3 code to ISO2, reporting unknown ones. */
int imp_want_country(struct importer *im, const char *file, long line, const char *what,
                     const char *code, char iso2[3])
{
    if (code == NULL || db_country_code(im->d, code, iso2) < 0) {
        conf_errs_add(im->errs, file, line,
                      "%s: unknown country '%s' (use an ISO 3166 code from countries.conf)", what,
                      code ? code : "");
        return -1;
    }
    return 0;
}

int imp_want_source(struct importer *im, const char *file, long line, const char *what,
                    const char *key, int64_t *id)
{
    if (key == NULL || db_source_find(im->d, key, id) < 0) {
        conf_errs_add(im->errs, file, line,
                      "%s: unknown source '%s' (define it in a 'sources' list first)", what,
                      key ? key : "");
        return -1;
    }
    return 0;
}

/* Records a database failure against the file being read. */
void imp_db_failed(struct importer *im, const char *file, long line, const char *what)
{
    conf_errs_add(im->errs, file, line, "%s: %s", what, db_errmsg(im->d));
}
