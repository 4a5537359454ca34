#include "conf/config.h"

#include <libconfig.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum ctype { C_PATH, C_STRING, C_INT, C_LEVEL };

/* The schema: one row a setting. */
static const struct setting {
    const char *name;
    enum ctype type;
    size_t offset, size;
    long min, max;
    const char *help;
} settings[] = {
    {"database", C_PATH, offsetof(struct conf, database), PATH_MAX, 0, 0,
     "path of the SQLite database"},
    {"content", C_PATH, offsetof(struct conf, content), PATH_MAX, 0, 0,
     "directory of content files imported by default"},
    {"default_language", C_STRING, offsetof(struct conf, default_lang), 8, 2, 3,
     "language code used when a message's language is unclear"},
    {"max_parts", C_INT, offsetof(struct conf, max_parts), sizeof(int), 1, 10,
     "SMS parts one reply may use"},
    {"log_level", C_LEVEL, offsetof(struct conf, log_level), sizeof(int), 0, 2,
     "warning, info or debug"},
};
#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

void conf_default_content(char *out, size_t outsz)
{
    char exe[PATH_MAX], cand[PATH_MAX + 64];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

    if (n > 0) {
        char *slash;
        exe[n] = '\0';
        if ((slash = strrchr(exe, '/')) != NULL) {
            *slash = '\0';
            /* <prefix>/bin/remitline -> <prefix>/share/remitline/content */
            snprintf(cand, sizeof(cand), "%s/../share/remitline/content", exe);
            if (is_dir(cand) && realpath(cand, out) != NULL)
                return;
        }
    }
    if (is_dir(RL_INSTALL_CONTENT_DIR)) {
        snprintf(out, outsz, "%s", RL_INSTALL_CONTENT_DIR);
        return;
    }
    snprintf(out, outsz, "%s", RL_SOURCE_CONTENT_DIR);
}

void conf_defaults(struct conf *c)
{
    memset(c, 0, sizeof(*c));
    snprintf(c->database, sizeof(c->database), "var/remitline.db");
    conf_default_content(c->content, sizeof(c->content));
    snprintf(c->default_lang, sizeof(c->default_lang), "en");
    c->max_parts = 3;
    c->log_level = 1;
}

/* A relative path in a config file is relative to that file's directory. */
static void resolve(const char *file, const char *value, char *out, size_t outsz)
{
    const char *slash = strrchr(file, '/');

    if (value[0] == '/' || slash == NULL)
        snprintf(out, outsz, "%s", value);
    else
        snprintf(out, outsz, "%.*s/%s", (int)(slash - file), file, value);
}

static int apply(const struct setting *s, const config_setting_t *m, const char *file,
                 struct conf *c, struct conf_errs *errs)
{
    char *field = (char *)c + s->offset;
    long line = (long)config_setting_source_line(m);
    const char *v;
    long long n;

    switch (s->type) {
    case C_PATH:
    case C_STRING:
        if (config_setting_type(m) != CONFIG_TYPE_STRING) {
            conf_errs_add(errs, file, line, "'%s' must be a string in double quotes (%s)", s->name,
                          s->help);
            return -1;
        }
        v = config_setting_get_string(m);
        if (s->type == C_STRING && (strlen(v) < (size_t)s->min || strlen(v) > (size_t)s->max)) {
            conf_errs_add(errs, file, line, "'%s' must have %ld to %ld characters (%s)", s->name,
                          s->min, s->max, s->help);
            return -1;
        }
        if (v[0] == '\0') {
            conf_errs_add(errs, file, line, "'%s' cannot be empty (%s)", s->name, s->help);
            return -1;
        }
        if (s->type == C_PATH)
            resolve(file, v, field, s->size);
        else
            snprintf(field, s->size, "%s", v);
        return 0;
    case C_INT:
        if (config_setting_type(m) != CONFIG_TYPE_INT &&
            config_setting_type(m) != CONFIG_TYPE_INT64) {
            conf_errs_add(errs, file, line, "'%s' must be a whole number (%s)", s->name, s->help);
            return -1;
        }
        n = config_setting_get_int64(m);
        if (n < s->min || n > s->max) {
            conf_errs_add(errs, file, line, "'%s' must be between %ld and %ld (got %lld)", s->name,
                          s->min, s->max, n);
            return -1;
        }
        *(int *)field = (int)n;
        return 0;
    case C_LEVEL:
        v = config_setting_type(m) == CONFIG_TYPE_STRING ? config_setting_get_string(m) : "";
        if (strcmp(v, "warning") == 0)
            *(int *)field = 0;
        else if (strcmp(v, "info") == 0)
            *(int *)field = 1;
        else if (strcmp(v, "debug") == 0)
            *(int *)field = 2;
        else {
            conf_errs_add(errs, file, line, "'%s' must be \"warning\", \"info\" or \"debug\"",
                          s->name);
            return -1;
        }
        return 0;
    }
    return -1;
}

int conf_load(const char *path, struct conf *c, struct conf_errs *errs)
{
    config_t cfg;
    config_setting_t *root;
    int i, before = errs->count;
    size_t k;

    conf_defaults(c);
    if (path == NULL)
        return 0;
    if (realpath(path, c->file) == NULL) {
        conf_errs_add(errs, path, 0, "cannot open the configuration file");
        return -1;
    }
    config_init(&cfg);
    if (config_read_file(&cfg, c->file) != CONFIG_TRUE) {
        conf_errs_add(errs, config_error_file(&cfg) ? config_error_file(&cfg) : c->file,
                      config_error_line(&cfg), "%s", config_error_text(&cfg));
        config_destroy(&cfg);
        return -1;
    }
    root = config_root_setting(&cfg);
    for (i = 0; i < config_setting_length(root); i++) {
        const config_setting_t *m = config_setting_get_elem(root, (unsigned)i);
        for (k = 0; k < NSETTINGS; k++)
            if (strcmp(settings[k].name, config_setting_name(m)) == 0)
                break;
        if (k == NSETTINGS) {
            conf_errs_add(errs, c->file, (long)config_setting_source_line(m),
                          "unknown setting '%s' (known: database, content, default_language, "
                          "max_parts, log_level)",
                          config_setting_name(m));
            continue;
        }
        apply(&settings[k], m, c->file, c, errs);
    }
    config_destroy(&cfg);
    return errs->count > before ? -1 : 0;
}

void conf_print(const struct conf *c, FILE *fp)
{
    static const char *const levels[] = {"warning", "info", "debug"};

    fprintf(fp, "database = \"%s\";\ncontent = \"%s\";\ndefault_language = \"%s\";\n", c->database,
            c->content, c->default_lang);
    fprintf(fp, "max_parts = %d;\nlog_level = \"%s\";\n", c->max_parts,
            levels[c->log_level >= 0 && c->log_level <= 2 ? c->log_level : 1]);
}
