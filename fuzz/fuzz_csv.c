/*
 * fuzz_csv.c: libFuzzer target for the streaming CSV reader (conf/csv.h): every row of the input,
 * then the helpers on the fields it returned.
 */
#include <stdint.h>
#include <stdio.h>

#include "conf/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *fp;
    csv *c = NULL;
    char **fields;
    int n, rc, i;
    double v;

    if (size == 0 || (fp = fmemopen((void *)data, size, "r")) == NULL)
        return 0;
    if ((c = csv_open(fp)) == NULL)
        goto out;
    while ((rc = csv_next(c, &fields, &n)) != 0) {
        if (rc < 0) {
            (void)csv_error(c);
            continue;
        }
        (void)csv_line(c);
        (void)csv_header_find(fields, n, "Series Code");
        for (i = 0; i < n; i++)
            (void)csv_parse_double(fields[i], &v);
    }
out:
    csv_close(c);
    fclose(fp);
    return 0;
}
