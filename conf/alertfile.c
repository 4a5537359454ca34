#include "conf/alertfile.h"

#include <libconfig.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int conf_parse_time(const char *s, int64_t *out)
{
    struct tm tm;
    int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
    char sep;
    time_t t;

    memset(&tm, 0, sizeof(tm));
    if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3)
        return -1;
    if (s[n] != '\0') {
        int k = 0;
        if (sscanf(s + n, "%c%2d:%2d%n", &sep, &h, &mi, &k) != 3 || (sep != ' ' && sep != 'T'))
            return -1;
        n += k;
        if (s[n] == ':') {
            if (sscanf(s + n, ":%2d%n", &sec, &k) != 1)
                return -1;
            n += k;
        }
        if (s[n] != '\0')
            return -1;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 ||
        sec > 59)
        return -1;
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    tm.tm_isdst = -1;
    if ((t = mktime(&tm)) == (time_t)-1)
        return -1;
    *out = (int64_t)t;
    return 0;
}

static const char *const alert_keys[] = {"id",         "topics",      "priority",
                                         "valid_from", "valid_until", "text"};
#define NALERT_KEYS (sizeof(alert_keys) / sizeof(alert_keys[0]))

static long line_of(const config_setting_t *s)
{
    return (long)config_setting_source_line(s);
}

/* The line of member m, else of its group's (line). */
static long line_or(const config_setting_t *m, long line)
{
    return m ? line_of(m) : line;
}

/* Reports anything beside the one 'alert' group, and any key of it not in alert_keys[]. */
static void check_keys(const config_t *cfg, const config_setting_t *g, const char *path,
                       struct conf_errs *errs)
{
    const config_setting_t *root = config_root_setting(cfg), *m;
    size_t k;
    int i;

    for (i = 0; i < config_setting_length(root); i++) {
        m = config_setting_get_elem(root, (unsigned)i);
        if (strcmp(config_setting_name(m), "alert") != 0)
            conf_errs_add(errs, path, line_of(m),
                          "unknown key '%s' (a file holds one 'alert' group)",
                          config_setting_name(m));
    }
    for (i = 0; i < config_setting_length(g); i++) {
        m = config_setting_get_elem(g, (unsigned)i);
        for (k = 0; k < NALERT_KEYS; k++)
            if (strcmp(config_setting_name(m), alert_keys[k]) == 0)
                break;
        if (k == NALERT_KEYS)
            conf_errs_add(errs, path, line_of(m),
                          "alert: unknown key '%s' (known: id, topics, priority, valid_from, "
                          "valid_until, text)",
                          config_setting_name(m));
    }
}

static void read_id(const config_setting_t *g, long line, const char *path, struct conf_alert *a,
                    struct conf_errs *errs)
{
    const config_setting_t *m = config_setting_get_member(g, "id");
    const char *v;

    if (config_setting_lookup_string(g, "id", &v) != CONFIG_TRUE || v[0] == '\0' ||
        strlen(v) >= sizeof(a->id) ||
        strspn(v, "abcdefghijklmnopqrstuvwxyz"
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != strlen(v))
        conf_errs_add(errs, path, line_or(m, line),
                      "alert: 'id' must be a string of letters, digits, '-', '_' or '.' (at most "
                      "63): it names the alert for ever");
    else
        snprintf(a->id, sizeof(a->id), "%s", v);
}

static void read_topics(const config_setting_t *g, long line, const char *path,
                        struct conf_alert *a, struct conf_errs *errs)
{
    const config_setting_t *m = config_setting_get_member(g, "topics");
    int i;

    if (m == NULL ||
        (config_setting_type(m) != CONFIG_TYPE_ARRAY &&
         config_setting_type(m) != CONFIG_TYPE_LIST) ||
        config_setting_length(m) == 0) {
        conf_errs_add(errs, path, line_or(m, line),
                      "alert: 'topics' must list who gets it, e.g. [\"PH\", \"SCAMS\"]");
        return;
    }
    for (i = 0; i < config_setting_length(m) && i < CONF_ALERT_MAX_TOPICS; i++) {
        const char *t = config_setting_get_string_elem(m, i);
        if (t == NULL || t[0] == '\0') {
            conf_errs_add(errs, path, line_of(m), "alert: each topic is a string");
            continue;
        }
        snprintf(a->topics[a->ntopics], sizeof(a->topics[0]), "%s", t);
        a->topic_line[a->ntopics++] = line_of(m);
    }
    if (config_setting_length(m) > CONF_ALERT_MAX_TOPICS)
        conf_errs_add(errs, path, line_of(m), "alert: at most %d topics", CONF_ALERT_MAX_TOPICS);
}

/* priority, valid_from and valid_until: all optional. */
static void read_when(const config_setting_t *g, long line, const char *path, struct conf_alert *a,
                      struct conf_errs *errs)
{
    const config_setting_t *m;
    int k;

    if ((m = config_setting_get_member(g, "priority")) != NULL) {
        if (config_setting_type(m) != CONFIG_TYPE_INT || config_setting_get_int(m) < 0 ||
            config_setting_get_int(m) > 9)
            conf_errs_add(errs, path, line_of(m),
                          "alert: 'priority' must be a whole number from 0 (urgent) to 9");
        else
            a->priority = config_setting_get_int(m);
    }
    for (k = 0; k < 2; k++) {
        const char *key = k ? "valid_until" : "valid_from";
        int64_t *dst = k ? &a->valid_until : &a->valid_from;
        if ((m = config_setting_get_member(g, key)) == NULL)
            continue;
        if (config_setting_type(m) != CONFIG_TYPE_STRING ||
            conf_parse_time(config_setting_get_string(m), dst) < 0)
            conf_errs_add(errs, path, line_of(m),
                          "alert: '%s' must be a local date and time like \"2026-11-27 08:00\" "
                          "or a date",
                          key);
    }
    if (a->valid_from && a->valid_until && a->valid_until <= a->valid_from)
        conf_errs_add(errs, path, line, "alert: valid_until must come after valid_from");
}

static void read_texts(const config_setting_t *g, long line, const char *path, struct conf_alert *a,
                       struct conf_errs *errs)
{
    const config_setting_t *m = config_setting_get_member(g, "text");
    int i;

    if (m == NULL || config_setting_type(m) != CONFIG_TYPE_GROUP || config_setting_length(m) == 0) {
        conf_errs_add(errs, path, line_or(m, line),
                      "alert: 'text' must hold the message per language: text = { en = "
                      "\"...\"; };");
        return;
    }
    for (i = 0; i < config_setting_length(m) && a->ntexts < CONF_ALERT_MAX_TEXTS; i++) {
        const config_setting_t *t = config_setting_get_elem(m, (unsigned)i);
        const char *lang = config_setting_name(t);
        size_t n = strlen(lang);
        if (n < 2 || n > 3 || strspn(lang, "abcdefghijklmnopqrstuvwxyz") != n ||
            config_setting_type(t) != CONFIG_TYPE_STRING ||
            strlen(config_setting_get_string(t)) == 0 ||
            strlen(config_setting_get_string(t)) >= sizeof(a->texts[0].text)) {
            conf_errs_add(errs, path, line_of(t),
                          "alert: text.%s must be a language code with a text of 1 to 1023 "
                          "bytes",
                          lang);
            continue;
        }
        snprintf(a->texts[a->ntexts].lang, sizeof(a->texts[0].lang), "%s", lang);
        snprintf(a->texts[a->ntexts].text, sizeof(a->texts[0].text), "%s",
                 config_setting_get_string(t));
        a->ntexts++;
    }
}

int conf_alert_read(const char *path, struct conf_alert *a, struct conf_errs *errs)
{
    const config_setting_t *g;
    config_t cfg;
    int before = errs->count;
    long line;

    memset(a, 0, sizeof(*a));
    a->priority = 5;
    config_init(&cfg);
    if (config_read_file(&cfg, path) != CONFIG_TRUE) {
        conf_errs_add(errs, path, config_error_line(&cfg), "%s", config_error_text(&cfg));
        goto out;
    }
    g = config_lookup(&cfg, "alert");
    if (g == NULL || config_setting_type(g) != CONFIG_TYPE_GROUP) {
        conf_errs_add(errs, path, 0, "no 'alert = { ... };' group in this file");
        goto out;
    }
    line = line_of(g);
    check_keys(&cfg, g, path, errs);
    read_id(g, line, path, a, errs);
    read_topics(g, line, path, a, errs);
    read_when(g, line, path, a, errs);
    read_texts(g, line, path, a, errs);
out:
    config_destroy(&cfg);
    return errs->count > before ? -1 : 0;
}

int conf_is_alert_file(const char *path)
{
    config_t cfg;
    int yes = 0;

    config_init(&cfg);
    if (config_read_file(&cfg, path) == CONFIG_TRUE)
        yes = config_lookup(&cfg, "alert") != NULL;
    config_destroy(&cfg);
    return yes;
}
