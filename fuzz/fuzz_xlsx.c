/*
 * fuzz_xlsx.c: libFuzzer target for the readers of data as published: the workbook reader
 * (xlsx.c, through conf_rpw_firms_read()) and the ECB's XML (conf_ecb_read()). The first byte
 * picks what the rest is: 0 a worksheet, 1 the shared strings table, 2 the styles, 3
 * workbook.xml, each put into an otherwise valid workbook (so the fuzzer spends its time in our
 * XML handling, not in libzip's checks); 4 an ECB rates XML file.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "conf/datafile.h"
#include "fuzz/fuzz_util.h"
#include "util/log.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char wb[] =
    "<workbook xmlns:r=\"r\"><workbookPr date1904=\"0\"/><sheets><sheet name=\"Notes\" "
    "sheetId=\"1\" r:id=\"rId1\"/><sheet name=\"Data\" sheetId=\"2\" r:id=\"rId2\"/></sheets>"
    "</workbook>";
static const char rels[] =
    "<Relationships><Relationship Id=\"rId1\" Type=\"x/worksheet\" Target=\"worksheets/s1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"x/worksheet\" Target=\"/xl/worksheets/s2.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"x/sharedStrings\" Target=\"sharedStrings.xml\"/>"
    "<Relationship Id=\"rId4\" Type=\"x/styles\" Target=\"styles.xml\"/></Relationships>";
static const char notes[] = "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is>"
                            "<t>notes</t></is></c></row></sheetData></worksheet>";
static const char sheet[] =
    "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1"
    "</v></c><c r=\"C1\" t=\"s\"><v>2</v></c><c r=\"D1\" t=\"s\"><v>3</v></c><c r=\"E1\" "
    "t=\"s\"><v>4</v></c><c r=\"F1\" t=\"s\"><v>5</v></c><c r=\"G1\" t=\"s\"><v>6</v></c><c "
    "r=\"H1\" t=\"s\"><v>7</v></c><c r=\"I1\" t=\"s\"><v>8</v></c><c r=\"J1\" t=\"s\"><v>9</v>"
    "</c></row><row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>2020_3Q</t></is></c><c r=\"B2\" "
    "t=\"inlineStr\"><is><t>USA</t></is></c><c r=\"C2\" t=\"inlineStr\"><is><t>MEX</t></is></c>"
    "<c r=\"D2\" t=\"inlineStr\"><is><r><t>Ac</t></r><r><t>me</t></r></is></c><c r=\"E2\" "
    "t=\"inlineStr\"><is><t>yes</t></is></c><c r=\"F2\"><v>200</v></c><c r=\"G2\" t=\"inlineStr\">"
    "<is><t>USD</t></is></c><c r=\"H2\"><v>8</v></c><c r=\"I2\"><v>1</v></c><c r=\"J2\" "
    "s=\"1\"><v>44220</v></c></row></sheetData></worksheet>";
static const char sst[] =
    "<sst><si><t>period</t></si><si><t>source_code</t></si><si><t>destination_code</t></si><si>"
    "<t>firm</t></si><si><t>transparent</t></si><si><t>cc1 lcu amount</t></si><si><t>cc1 lcu "
    "code</t></si><si><t>cc1 lcu fee</t></si><si><t>cc1 fx margin</t></si><si><t>cc1 total cost "
    "%</t><rPh><t>x</t></rPh></si></sst>";
static const char styles[] = "<styleSheet><numFmts><numFmt numFmtId=\"164\" formatCode=\"dd/mmm/"
                             "yyyy\"/></numFmts><cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"164\"/>"
                             "</cellXfs></styleSheet>";

static int row_cb(void *arg, const struct rpw_firm_row *r)
{
    (void)arg;
    return r->period[0] == '\0' ? -1 : 0;
}

static void skip_cb(void *arg, long line, enum rpw_skip why, const char *detail)
{
    (void)arg;
    (void)line;
    (void)why;
    (void)detail;
}

static int rate_cb(void *arg, const struct ecb_rate *r)
{
    (void)arg;
    return r->rate > 0 ? 0 : -1;
}

/* Writes a workbook whose part `which` is data, the others the valid ones above. 0 or -1. */
static int write_book(const char *path, int which, const uint8_t *data, size_t size)
{
    const char *names[] = {
        "xl/worksheets/s2.xml", "xl/sharedStrings.xml",       "xl/styles.xml",
        "xl/workbook.xml",      "xl/_rels/workbook.xml.rels", "xl/worksheets/s1.xml"};
    const char *parts[] = {sheet, sst, styles, wb, rels, notes};
    zip_t *za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, NULL);
    size_t i;

    if (za == NULL)
        return -1;
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        zip_source_t *src = (int)i == which ? zip_source_buffer(za, data, size, 0)
                                            : zip_source_buffer(za, parts[i], strlen(parts[i]), 0);
        if (src == NULL || zip_file_add(za, names[i], src, ZIP_FL_OVERWRITE) < 0) {
            zip_source_free(src);
            zip_discard(za);
            return -1;
        }
    }
    return zip_close(za) == 0 ? 0 : -1;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    log_init(LOG_LEVEL_WARN);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct rpw_firm_cbs cbs = {row_cb, skip_cb, NULL, NULL, NULL};
    struct conf_errs errs;
    char path[512];
    int which;

    if (size < 1 || size > 256 * 1024)
        return 0;
    which = data[0] % 5;
    conf_errs_init(&errs);
    if (which == 4) {
        if (fuzz_temp_file(data + 1, size - 1, ".xml", path, sizeof(path)) == 0)
            conf_ecb_read(path, rate_cb, NULL, &errs);
    } else {
        snprintf(path, sizeof(path), "%s/remitline-fuzz-%ld.xlsx",
                 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (long)getpid());
        if (write_book(path, which, data + 1, size - 1) == 0)
            conf_rpw_firms_read(path, &cbs, &errs);
    }
    conf_errs_free(&errs);
    unlink(path);
    return 0;
}
