/*
 * fuzz_regress.c: replays inputs the fuzzers once crashed on (fuzz/regress/<target>/) through the
 * target's own LLVMFuzzerTestOneInput(), one CMocka test per file, in ordinary builds and under
 * ASan+UBSan, so a fixed crash stays fixed. Linked once per target with that target's source;
 * targets without an LLVMFuzzerInitialize get the empty one below (a weak symbol).
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

#define MAX_CASES 256
static char case_path[MAX_CASES][512];

static void replay(void **state)
{
    const char *path = *state;
    FILE *fp = fopen(path, "rb");
    uint8_t *buf = malloc(1024 * 1024);
    size_t n;

    assert_non_null(fp);
    assert_non_null(buf);
    n = fread(buf, 1, 1024 * 1024, fp);
    fclose(fp);
    assert_int_equal(LLVMFuzzerTestOneInput(buf, n), 0);
    free(buf);
}

int main(int argc, char **argv)
{
    struct CMUnitTest tests[MAX_CASES];
    struct dirent *e;
    DIR *dp;
    int n = 0;

    if (argc != 2) {
        fprintf(stderr, "usage: %s REGRESS_DIR\n", argv[0]);
        return 2;
    }
    LLVMFuzzerInitialize(&argc, &argv);
    if ((dp = opendir(argv[1])) == NULL) {
        fprintf(stderr, "%s: no regression inputs\n", argv[1]);
        return 1;
    }
    while ((e = readdir(dp)) != NULL && n < MAX_CASES) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(case_path[n], sizeof(case_path[n]), "%s/%s", argv[1], e->d_name);
        memset(&tests[n], 0, sizeof(tests[n]));
        tests[n].name = case_path[n];
        tests[n].test_func = replay;
        tests[n].initial_state = case_path[n];
        n++;
    }
    closedir(dp);
    if (n == 0) {
        fprintf(stderr, "%s: no regression inputs: skipped\n", argv[1]);
        return 77; /* CTest's SKIP_RETURN_CODE: nothing replayed is not a pass */
    }
    return _cmocka_run_group_tests("fuzz_regress", tests, (size_t)n, NULL, NULL);
}
