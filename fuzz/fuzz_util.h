/*
 * fuzz_util.h: what the libFuzzer targets share. Header-only, static inline.
 *
 * fuzz_temp_file() writes a fuzz input to a file of its own (the readers under test take paths);
 * the caller unlinks it. Paths come from $TMPDIR (default /tmp) and the process id, so parallel
 * fuzzing jobs (-jobs=N) never share one.
 */
#ifndef RL_FUZZ_UTIL_H
#define RL_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Writes data to "$TMPDIR/remitline-fuzz-PID.suffix" and puts that path in path. 0 or -1. */
static inline int fuzz_temp_file(const uint8_t *data, size_t size, const char *suffix, char *path,
                                 size_t pathsz)
{
    const char *tmp = getenv("TMPDIR");
    FILE *fp;
    int rc = -1;

    snprintf(path, pathsz, "%s/remitline-fuzz-%ld%s", tmp ? tmp : "/tmp", (long)getpid(), suffix);
    if ((fp = fopen(path, "wb")) == NULL)
        return -1;
    if (size == 0 || fwrite(data, 1, size, fp) == size)
        rc = 0;
    if (fclose(fp) != 0)
        rc = -1;
    return rc;
}

#endif
