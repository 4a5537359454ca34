#include "util/hex.h"

#include <string.h>

int hex_val(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int hex_decode(const char *hex, unsigned char *out, size_t outsz)
{
    size_t n = strlen(hex);

    if (n % 2 != 0 || n / 2 > outsz)
        return -1;
    for (size_t i = 0; i < n; i += 2) {
        int hi = hex_val((unsigned char)hex[i]), lo = hex_val((unsigned char)hex[i + 1]);

        if (hi < 0 || lo < 0)
            return -1;
        out[i / 2] = (unsigned char)(hi << 4 | lo);
    }
    return (int)(n / 2);
}
