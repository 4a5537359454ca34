/*
 * fuzz_phonefile.c: libFuzzer target for gw_phonefile_read(), the reader of Gammu's SMS-backup
 * files (what sits on the dummy phone). Each input is one file.
 */
#include <stdint.h>
#include <unistd.h>

#include "fuzz/fuzz_util.h"
#include "util/log.h"
#include "gateway/phonefile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct gw_phonefile_sms sms;
    char path[512];

    if (size > 64 * 1024)
        return 0;
    if (fuzz_temp_file(data, size, ".smsbackup", path, sizeof(path)) < 0)
        return 0;
    gw_phonefile_read(path, &sms);
    unlink(path);
    return 0;
}
