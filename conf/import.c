#include "conf/import.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/import_int.h"

/* ---- Files and directories ---- */

int conf_file_digest(const char *path, char out[17])
{
    unsigned char buf[65536];
    uint64_t h = 1469598103934665603ULL;
    FILE *fp = fopen(path, "rb");
    size_t n, i;

    if (fp == NULL)
        return -1;
    while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
        for (i = 0; i < n; i++)
            h = (h ^ buf[i]) * 1099511628211ULL;
    if (ferror(fp)) {
        fclose(fp);
        return -1;
    }
    fclose(fp);
    snprintf(out, 17, "%016llx", (unsigned long long)h);
    return 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int add_file(struct importer *im, const char *path, enum conf_format forced)
{
    struct ifile *f;
    char real[PATH_MAX];
    int i;

    if (realpath(path, real) == NULL) {
        conf_errs_add(im->errs, path, 0, "cannot open: %s", strerror(errno));
        return -1;
    }
    for (i = 0; i < im->nfiles; i++)
        if (strcmp(im->files[i].path, real) == 0)
            return 0; /* named twice */
    if (im->nfiles >= IMPORT_MAX_FILES) {
        conf_errs_add(im->errs, path, 0, "too many files in one import (at most %d)",
                      IMPORT_MAX_FILES);
        return -1;
    }
    f = &im->files[im->nfiles];
    memset(f, 0, sizeof(*f));
    snprintf(f->path, sizeof(f->path), "%s", real);
    f->format = conf_detect_format(real);
    /* A forced format the content contradicts is a mistake, said before anything is read: as an
     * ECB file claimed as 'rpw' it would find its digest unchanged and say nothing. A file
     * detection cannot place is taken as forced; its reader then checks its columns. */
    if (forced != CONF_FORMAT_UNKNOWN && f->format != CONF_FORMAT_UNKNOWN && f->format != forced) {
        conf_errs_add(im->errs, real, 0,
                      "--format %s does not match this file, which holds %s (%s); leave "
                      "--format out to import it as what it is",
                      conf_format_name(forced), conf_format_what(f->format),
                      conf_format_name(f->format));
        return -1;
    }
    if (forced != CONF_FORMAT_UNKNOWN)
        f->format = forced;
    if (f->format == CONF_FORMAT_UNKNOWN) {
        conf_errs_add(im->errs, real, 0,
                      "unknown format: expected a .conf content file, World Bank RPW corridor "
                      "averages (CSV) or firm-level data (.xlsx workbook or CSV), or ECB rates "
                      "(CSV, XML or the history zip) (or say --format)");
        return -1;
    }
    im->nfiles++;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Adds the files of a directory whose names end in suffix, in name order. */
static void add_dir_files(struct importer *im, const char *dir, const char *suffix)
{
    char *names[IMPORT_MAX_FILES];
    int n = 0, i;
    struct dirent *e;
    DIR *dp = opendir(dir);

    if (dp == NULL)
        return;
    while ((e = readdir(dp)) != NULL && n < IMPORT_MAX_FILES) {
        if (e->d_name[0] == '.' || !ends_with(e->d_name, suffix))
            continue;
        names[n] = malloc(strlen(dir) + strlen(e->d_name) + 2);
        if (names[n] == NULL)
            break;
        snprintf(names[n], strlen(dir) + strlen(e->d_name) + 2, "%s/%s", dir, e->d_name);
        n++;
    }
    closedir(dp);
    qsort(names, (size_t)n, sizeof(names[0]), cmp_str);
    for (i = 0; i < n; i++) {
        add_file(im, names[i], CONF_FORMAT_UNKNOWN);
        free(names[i]);
    }
}

static void add_path(struct importer *im, const char *path, enum conf_format forced)
{
    struct stat st;
    char sub[PATH_MAX];

    if (stat(path, &st) < 0) {
        conf_errs_add(im->errs, path, 0, "cannot open: %s", strerror(errno));
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        add_file(im, path, forced);
        return;
    }
    if (im->ndirs < IMPORT_MAX_DIRS && realpath(path, im->dirs[im->ndirs]) != NULL)
        im->ndirs++;
    add_dir_files(im, path, ".conf");
    snprintf(sub, sizeof(sub), "%s/data", path);
    add_dir_files(im, sub, ".csv");
}

/* Whether path's directory is dir or dir/data (the two places a directory import reads). */
static int in_dir(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    const char *rest;

    if (strncmp(path, dir, n) != 0 || path[n] != '/')
        return 0;
    rest = path + n + 1;
    if (strncmp(rest, "data/", 5) == 0)
        rest += 5;
    return strchr(rest, '/') == NULL;
}

struct gone_ctx {
    struct importer *im;
    int64_t ids[IMPORT_MAX_FILES];
    int n;
};

static int note_gone(void *arg, int64_t id, const char *path)
{
    struct gone_ctx *g = arg;
    int i, named = 0;

    for (i = 0; i < g->im->ndirs && !named; i++)
        named = in_dir(path, g->im->dirs[i]);
    for (i = 0; named && i < g->im->nfiles; i++)
        if (strcmp(g->im->files[i].path, path) == 0)
            return 0; /* still there */
    /* Only a file that is gone: one imported by name that the scan does not take stays. */
    if (named && access(path, F_OK) != 0 && errno == ENOENT && g->n < IMPORT_MAX_FILES)
        g->ids[g->n++] = id;
    return 0;
}

/*
 * A file imported before from a directory imported now, and no longer in it, is forgotten:
 * its rows go with it (the schema cascades), and a source only it used is dropped after the
 * import (db_sources_gc). Otherwise a removed price file would stay live and listed forever.
 */
static void forget_removed(struct importer *im)
{
    struct gone_ctx *g;
    int i;

    if (im->ndirs == 0)
        return;
    if ((g = calloc(1, sizeof(*g))) == NULL) {
        conf_errs_add(im->errs, "import", 0, "out of memory");
        return;
    }
    g->im = im;
    if (db_files_each(im->d, note_gone, g) < 0)
        imp_db_failed(im, im->dirs[0], 0, "listing the files imported before");
    for (i = 0; i < g->n; i++) {
        if (db_file_forget(im->d, g->ids[i]) < 0) {
            imp_db_failed(im, im->dirs[0], 0, "forgetting a removed file");
            break;
        }
        im->st->removed++;
        im->price_files++; /* it may have held the live quotes of a corridor */
    }
    free(g);
}

int conf_import(db *d, const char *const *paths, int npaths, enum conf_format forced, int dry_run,
                struct conf_errs *errs, struct import_stats *st)
{
    struct import_opts o;

    memset(&o, 0, sizeof(o));
    o.forced = forced;
    o.dry_run = dry_run;
    return conf_import_opts(d, paths, npaths, &o, errs, st);
}

int conf_import_opts(db *d, const char *const *paths, int npaths, const struct import_opts *o,
                     struct conf_errs *errs, struct import_stats *st)
{
    struct importer im;
    enum conf_format forced = o->forced;
    int dry_run = o->dry_run;
    int i, pass, rc = -1, in_tx = 0, errors_before = errs->count;

    memset(&im, 0, sizeof(im));
    memset(st, 0, sizeof(*st));
    im.d = d;
    im.errs = errs;
    im.st = st;
    im.opts = o;
    im.files = calloc(IMPORT_MAX_FILES, sizeof(*im.files));
    if (im.files == NULL) {
        conf_errs_add(errs, "import", 0, "out of memory");
        return -1;
    }
    for (i = 0; i < npaths; i++)
        add_path(&im, paths[i], forced);
    if (errs->count > errors_before)
        goto out;
    if (im.nfiles == 0) {
        conf_errs_add(errs, npaths > 0 ? paths[0] : "import", 0, "no content files found");
        goto out;
    }
    if (db_begin(d) < 0) {
        conf_errs_add(errs, "database", 0, "cannot start a transaction: %s", db_errmsg(d));
        goto out;
    }
    in_tx = 1;
    for (i = 0; i < im.nfiles; i++) {
        struct ifile *f = &im.files[i];
        char digest[17];

        if (conf_file_digest(f->path, digest) < 0) {
            conf_errs_add(errs, f->path, 0, "cannot read: %s", strerror(errno));
            continue;
        }
        if (db_file_claim(d, f->path, conf_format_name(f->format), digest, &f->id, &f->unchanged) <
            0) {
            imp_db_failed(&im, f->path, 0, "recording the file");
            continue;
        }
        st->files++;
        if (f->unchanged) {
            st->unchanged++;
            continue;
        }
        if (f->format == CONF_FORMAT_CONTENT) {
            imp_content_read(&im, f);
            if (f->cfg_ok)
                imp_content_check_top(&im, f);
        }
    }
    forget_removed(&im);
    for (pass = 0; pass < IMP_NPASSES; pass++)
        for (i = 0; i < im.nfiles; i++)
            if (!im.files[i].unchanged && im.files[i].cfg_ok)
                imp_content_pass(&im, &im.files[i], pass);
    for (i = 0; i < im.nfiles; i++)
        if (!im.files[i].unchanged && im.files[i].format != CONF_FORMAT_CONTENT)
            imp_data_read(&im, &im.files[i]);
    if (im.price_files > 0 && errs->count == errors_before && db_firm_quotes_relive(d) < 0)
        conf_errs_add(errs, "database", 0, "marking the latest prices live: %s", db_errmsg(d));
    for (i = 0; i < im.nfiles; i++) {
        if (im.files[i].unchanged)
            continue;
        st->rows += im.files[i].rows;
        if (db_file_set_rows(d, im.files[i].id, im.files[i].rows) < 0)
            imp_db_failed(&im, im.files[i].path, 0, "recording the file");
    }
    st->left_out = im.skipped;
    if (db_sources_gc(d) < 0)
        conf_errs_add(errs, "database", 0, "%s", db_errmsg(d));
    if (errs->count == errors_before && db_fk_violations(d) != 0)
        conf_errs_add(errs, "import", 0,
                      "content still refers to a country, source or provider that the new files "
                      "no longer define; put it back or remove what refers to it");
    if (errs->count > errors_before || dry_run)
        goto out;
    /* Every door reloads its handler context before its next answer (db.h). */
    if ((st->files > st->unchanged || st->removed > 0) && db_content_bump(d) < 0) {
        conf_errs_add(errs, "database", 0, "%s", db_errmsg(d));
        goto out;
    }
    if (db_commit(d) < 0) {
        conf_errs_add(errs, "database", 0, "commit failed: %s", db_errmsg(d));
        goto out;
    }
    in_tx = 0;
    rc = 0;
out:
    if (in_tx)
        db_rollback(d);
    if (rc < 0 && dry_run && errs->count == errors_before)
        rc = 0;
    for (i = 0; i < im.nfiles; i++)
        if (im.files[i].cfg_init)
            config_destroy(&im.files[i].cfg);
    free(im.files);
    return rc;
}
