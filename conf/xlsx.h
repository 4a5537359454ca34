/*
 * xlsx.h: a streaming reader of Excel workbooks (.xlsx, Office Open XML spreadsheets), enough to
 * read a published dataset: each worksheet row by row as text cells, the way a CSV export would
 * show them. libzip opens the package, expat parses its XML parts as they are inflated.
 *
 *   1. xlsx_open(path) reads the small parts: the sheet list (workbook.xml and its rels), the
 *      cell styles (which number formats are dates) and the shared strings table;
 *   2. xlsx_sheet_rows(x, i, ...) streams sheet i, one callback per row;
 *   3. xlsx_close(x).
 *
 * Memory: the shared strings table is held whole (cells refer to it by index from anywhere in
 * any sheet), capped at XLSX_MAX_SST_BYTES of text and XLSX_MAX_SST_COUNT strings; a workbook
 * beyond that is refused with a message. Everything else is fixed: a row is at most
 * XLSX_MAX_ROW bytes of cell text and XLSX_MAX_COLS columns, and sheets are never inflated whole.
 *
 * Cells become text: shared and inline strings as written (rich-text runs joined), numbers as
 * stored ("4.18037033081055"), a number whose cell style is a date format as an ISO date
 * ("2025-01-24", from the 1900 or 1904 date system the workbook declares), booleans as "1"/"0",
 * error values (#N/A) as "" (no data). Columns come from each cell's reference ("AB7"), so
 * cells a writer left out are "".
 */
#ifndef RL_CONF_XLSX_H
#define RL_CONF_XLSX_H

#include "conf/errs.h"

#define XLSX_MAX_SHEETS    64
#define XLSX_MAX_COLS      512
#define XLSX_MAX_ROW       (64 * 1024)
#define XLSX_MAX_SST_BYTES (256L * 1024 * 1024)
#define XLSX_MAX_SST_COUNT (8L * 1024 * 1024)

typedef struct xlsx xlsx;

/* 1 if path starts like a zip archive (an .xlsx, or the ECB's history zip), else 0. */
int xlsx_is_zip(const char *path);

/* 1 if path is a zip holding a workbook (xl/workbook.xml), else 0. */
int xlsx_is_workbook(const char *path);

/* Opens the workbook at path, or NULL with the reason in errs (not a workbook, a part that does
 * not parse, a shared strings table over the caps). Close with xlsx_close(). */
xlsx *xlsx_open(const char *path, struct conf_errs *errs);
void xlsx_close(xlsx *x); /* accepts NULL */

int xlsx_nsheets(const xlsx *x);
/* The name the workbook gives sheet i (owned by x). */
const char *xlsx_sheet_name(const xlsx *x, int i);
/* Uncompressed bytes of all sheets: the total for a progress bar. */
long xlsx_sheets_bytes(const xlsx *x);
/* The shared strings table: how many strings and bytes of text it holds. */
long xlsx_sst_count(const xlsx *x);
long xlsx_sst_bytes(const xlsx *x);

/*
 * Streams sheet i. row() gets each row that has a cell: cells[0..n-1] (owned by the reader, valid
 * during the call; "" where empty) and the sheet's 1-based row number. n is -1 for a row too
 * long to hold (more than XLSX_MAX_ROW bytes): the row is reported, not cut. row() returns 0 to
 * go on, 1 to stop reading this sheet (not an error), -1 to abort. progress(), if not NULL, gets
 * the uncompressed bytes read so far of every sheet read through x. Returns 0, or -1 when row()
 * aborted or the sheet cannot be read (said in errs).
 */
int xlsx_sheet_rows(xlsx *x, int i, int (*row)(void *arg, char **cells, int n, long rownum),
                    void (*progress)(void *arg, long done, long total), void *arg,
                    struct conf_errs *errs);

#endif
