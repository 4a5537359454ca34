/*
 * bench_csv.c: times the CSV reader on a synthetic 200,000-row, 42-column file shaped like the
 * RPW firm-level export, which must import in under 10 s. Prints rows, fields and seconds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "conf/csv.h"
#include "util/mono.h"

#define BENCH_ROWS 200000
#define BENCH_COLS 42

static double now(void)
{
    return mono_s();
}

int main(void)
{
    char path[] = "/tmp/rl-bench-csv-XXXXXX";
    FILE *fp = NULL;
    csv *c = NULL;
    char **f;
    long rows = 0, fields = 0;
    int fd, i, j, n, r, rc = 1;
    double t0;

    if ((fd = mkstemp(path)) < 0 || (fp = fdopen(fd, "w+")) == NULL) {
        perror("temp file");
        goto out;
    }
    for (i = 0; i < BENCH_ROWS; i++) {
        for (j = 0; j < BENCH_COLS; j++)
            fprintf(fp, j == 35 ? "\"note, with comma %d\"," : "%d.123456789,", i + j);
        fputs("USAMEX\r\n", fp);
    }
    rewind(fp);
    t0 = now();
    if ((c = csv_open(fp)) == NULL)
        goto out;
    while ((r = csv_next(c, &f, &n)) != 0) {
        if (r < 0) {
            fprintf(stderr, "line %ld: %s\n", csv_line(c), csv_error(c));
            goto out;
        }
        rows++;
        fields += n;
    }
    printf("csv rows=%ld fields=%ld seconds=%.3f\n", rows, fields, now() - t0);
    rc = 0;
out:
    csv_close(c);
    if (fp != NULL)
        fclose(fp);
    unlink(path);
    return rc;
}
