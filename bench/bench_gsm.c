/* bench_gsm.c: prints the cost of measuring, splitting and preparing a typical reply. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/gsm.h"
#include "util/mono.h"

#define ROUNDS 1000000

static double now_ns(void)
{
    return mono_s() * 1e9;
}

int main(void)
{
    /* 160 characters, with an escape character and two Latin-1 letters from the GSM table. */
    const char *reply = "FEE USA>PHL 200 USD: Remitly 1.99 USD + 0.8% FX, WU 4.99 USD + 1.2% FX. "
                        "Rate 56.10 PHP/USD \xe2\x82\xac ECB 13 Apr. Reply MORE for 5 more, "
                        "HELP for h\xc3\xa9lp. Mas: ESPANOL 12";
    const char *accented = "Tarifa EE.UU.>M\xc3\xa9xico 200 USD: comisi\xc3\xb3n 3,50 USD, "
                           "cambio 17,05 MXN \xe2\x80\x94 env\xc3\xados r\xc3\xa1pidos\xe2\x80\xa6";
    struct gsm_info info;
    size_t starts[8];
    char out[512];
    volatile size_t sink = 0;
    double t0, t1;

    gsm_measure(reply, &info);
    printf("reply: %zu chars, %zu units, coding %d, %d part(s)\n", info.chars, info.units,
           (int)info.coding, info.parts);

    t0 = now_ns();
    for (int i = 0; i < ROUNDS; i++) {
        gsm_measure(reply, &info);
        sink += info.units;
    }
    t1 = now_ns();
    printf("gsm_measure: %.1f ns per 160-char reply\n", (t1 - t0) / ROUNDS);

    t0 = now_ns();
    for (int i = 0; i < ROUNDS; i++)
        sink += (size_t)gsm_split(reply, starts, 8);
    t1 = now_ns();
    printf("gsm_split:   %.1f ns per reply\n", (t1 - t0) / ROUNDS);

    t0 = now_ns();
    for (int i = 0; i < ROUNDS; i++)
        sink += (size_t)gsm_prepare(accented, 1, out, sizeof(out));
    t1 = now_ns();
    printf("gsm_prepare: %.1f ns per %zu-byte accented reply (translit)\n", (t1 - t0) / ROUNDS,
           strlen(accented));
    return sink == 0;
}
