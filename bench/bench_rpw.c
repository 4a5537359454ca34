/*
 * bench_rpw.c: times `remitline import` of a generated 200,000-row RPW firm-level CSV (the
 * current 42-column layout, both quotes per row, some opaque rows and promotions) into a
 * temporary database file. The issue asks for under 10 s. Prints rows, seconds and rows/s.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf/import.h"
#include "db/db.h"
#include "util/mono.h"

#define BENCH_ROWS 200000

static double now(void)
{
    return mono_s();
}

static const char *const header =
    "id,period,source_code,source_name,source_region,source_income,source_lending,source_G8G20,"
    "destination_code,destination_name,destination_region,destination_income,destination_lending,"
    "destination_G8G20,firm,firm_type,payment instrument,access point,speed actual,"
    "cc1 lcu amount,cc1 denomination amount,cc1 lcu code,cc1 lcu fee,cc1 lcu fx rate,"
    "cc1 fx margin,cc1 total cost %,cc2 lcu amount,cc2 denomination amount,cc2 lcu code,"
    "cc2 lcu fee,cc2 lcu fx rate,cc2 fx margin,cc2 total cost %,inter lcu bank fx,transparent,"
    "Standard Note,note2,receiving network coverage,pickup location,pickup method,date,"
    "corridor\n";

/* 5 corridors x 200 firms x 50 quarters x 4 products = 200,000 rows. */
static int write_rows(FILE *fp)
{
    static const char *const dst[] = {"MEX", "PHL", "IND", "GTM", "VNM"};
    static const char *const instr[] = {"Cash", "Bank account", "Mobile wallet", "Card"};
    long id = 0;
    int c, f, p, k;

    fputs(header, fp);
    for (c = 0; c < 5; c++)
        for (f = 0; f < 200; f++)
            for (p = 0; p < 50; p++)
                for (k = 0; k < 4; k++) {
                    double fee = 2 + (f % 17) + k, margin = (f % 7) - 1.5;
                    int opaque = f % 11 == 0;
                    id++;
                    fprintf(fp,
                            "%ld,%d_%dQ,USA,United States,..,High income,..,G8,%s,Dest,..,..,..,"
                            "..,Firm %d,%s,%s,Agent,Less than one hour,200,200,USD,\"%.2f\",..,"
                            "%.2f,%.2f,500,500,USD,%.2f,..,%.2f,%.2f,..,%s,\"Synthetic, "
                            "benchmark\",,..,..,Cash,24/Jan/2021,USA%s\n",
                            id, 2008 + p / 4, p % 4 + 1, dst[c], f,
                            f % 3 ? "Money Transfer Operator" : "Bank", instr[k], fee,
                            opaque ? 0 : margin, fee / 2 + (opaque ? 0 : margin), fee + 1,
                            opaque ? 0 : margin, (fee + 1) / 5 + (opaque ? 0 : margin),
                            opaque ? "no" : "yes", dst[c]);
                }
    return ferror(fp) ? -1 : 0;
}

int main(void)
{
    char csv_path[] = "/tmp/rl-bench-rpw-XXXXXX", conf_path[64], db_path[64];
    const char *paths[2] = {conf_path, csv_path};
    struct conf_errs errs;
    struct import_stats st;
    FILE *fp = NULL;
    db *d = NULL;
    int fd, rc = 1;
    double t0, secs;

    conf_errs_init(&errs);
    if ((fd = mkstemp(csv_path)) < 0 || (fp = fdopen(fd, "w")) == NULL || write_rows(fp) < 0) {
        perror("temp file");
        goto out;
    }
    fclose(fp);
    fp = NULL;
    snprintf(conf_path, sizeof(conf_path), "%s-countries.conf", csv_path);
    snprintf(db_path, sizeof(db_path), "%s.db", csv_path);
    if ((fp = fopen(conf_path, "w")) == NULL)
        goto out;
    fputs(
        "countries = (\n"
        "{ iso2 = \"US\"; iso3 = \"USA\"; currency = \"USD\"; names = { en = [\"USA\"]; }; },\n"
        "{ iso2 = \"MX\"; iso3 = \"MEX\"; currency = \"MXN\"; names = { en = [\"Mexico\"]; }; },\n"
        "{ iso2 = \"PH\"; iso3 = \"PHL\"; currency = \"PHP\"; names = { en = [\"PH\"]; }; },\n"
        "{ iso2 = \"IN\"; iso3 = \"IND\"; currency = \"INR\"; names = { en = [\"India\"]; }; },\n"
        "{ iso2 = \"GT\"; iso3 = \"GTM\"; currency = \"GTQ\"; names = { en = [\"Guate\"]; }; },\n"
        "{ iso2 = \"VN\"; iso3 = \"VNM\"; currency = \"VND\"; names = { en = [\"Vietnam\"]; }; }\n"
        ");\n",
        fp);
    fclose(fp);
    fp = NULL;
    if ((d = db_open(db_path)) == NULL)
        goto out;
    t0 = now();
    if (conf_import(d, paths, 2, CONF_FORMAT_UNKNOWN, 0, &errs, &st) < 0) {
        conf_errs_print(&errs, stderr);
        goto out;
    }
    secs = now() - t0;
    printf("rpw rows=%ld imported=%ld skipped=%ld quotes=%ld seconds=%.2f rows_per_s=%.0f\n",
           st.read, st.imported, st.skipped, st.rows, secs, (double)st.read / secs);
    rc = 0;
out:
    conf_errs_free(&errs);
    db_close(d);
    if (fp != NULL)
        fclose(fp);
    unlink(csv_path);
    unlink(conf_path);
    unlink(db_path);
    {
        char wal[80];
        snprintf(wal, sizeof(wal), "%s-wal", db_path);
        unlink(wal);
        snprintf(wal, sizeof(wal), "%s-shm", db_path);
        unlink(wal);
    }
    return rc;
}
