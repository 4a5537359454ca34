/*
 * datafile.h: pure parsers for the public data files remitline ships and imports.
 *
 * No database here: each reader streams one file and hands every record to a callback, which
 * stores it or checks it. Call conf_detect_format() to learn what a file is (or
 * conf_format_parse() on a name the operator gave), then the matching reader with a
 * struct conf_errs from conf_errs_init(). Every problem in the file is added to errs as
 * "file:line: problem" and reading goes on with the next row; only an unopenable file or a
 * missing column stops a reader (it returns -1). Readers return the number of records delivered.
 * Numbers are read with the C locale's decimal point: do not call setlocale(LC_NUMERIC, ...).
 */
#ifndef RL_CONF_DATAFILE_H
#define RL_CONF_DATAFILE_H

#include <stddef.h>

#include "conf/errs.h"

enum conf_format {
    CONF_FORMAT_UNKNOWN = 0,
    CONF_FORMAT_CONTENT,
    CONF_FORMAT_RPW_CORRIDORS,
    CONF_FORMAT_ECB,
    CONF_FORMAT_RPW
};

/*
 * Says what path is, from its name and its first bytes: a libconfig content file (name ends in
 * ".conf"; not opened); a zip holding an Excel workbook is the RPW firm-level dataset, one
 * holding an ECB CSV (the history zip) ECB rates; XML holding the ECB's "Cube" elements is ECB
 * rates; for a CSV, its first line: World Bank RPW corridor averages (header has "Sending Countries
 * Code" and "Series Code"), ECB reference rates (first column "Date", then three-letter currency
 * codes), World Bank RPW firm-level data (header starts "id,period,source_code", any case).
 * Anything else, or a file that cannot be read, is CONF_FORMAT_UNKNOWN.
 */
enum conf_format conf_detect_format(const char *path);

/* "content", "rpw-corridors", "ecb", "rpw", "unknown"; static strings. */
const char *conf_format_name(enum conf_format f);
/* What the format is, for a message: "ECB euro reference rates"; static strings. */
const char *conf_format_what(enum conf_format f);

/* The inverse of conf_format_name(): 0 and *out set, or -1 for an unknown name ("unknown"
 * itself is not a format one can ask for). */
int conf_format_parse(const char *name, enum conf_format *out);

#define RPW_MAX_QUARTERS 64

struct rpw_quarter {
    char period[8]; /* "2020Q3" */
    double pct;     /* average total cost, % of USD 200; float noise kept, may be negative */
};

struct rpw_corridor {
    char src_iso3[4], dst_iso3[4];
    const char *src_name, *dst_name; /* borrowed, valid during the callback */
    int nq;                          /* quarters with a value, oldest first */
    struct rpw_quarter q[RPW_MAX_QUARTERS];
    long line;
};

/*
 * Streams World Bank RPW corridor averages (DataBank export of series ATCR.CORR): one callback
 * per corridor row with at least one value; rows holding only ".." are skipped silently. cb
 * returns 0 to go on, -1 to stop, and then this returns -1. Required columns are the sending and
 * receiving country names and codes and "Series Code", plus at least one quarter column
 * ("2011Q1 [YR2011Q1]"); a missing one is fatal. A row with a bad ISO3 code, a series other than
 * ATCR.CORR, a number that does not parse or lies outside -100..100 is reported and skipped whole.
 * Negative values are accepted: the World Bank publishes a few (promotions, FX gains).
 * Returns the number of corridors delivered, or -1.
 */
int conf_rpw_corridors_read(const char *path, int (*cb)(void *arg, const struct rpw_corridor *c),
                            void *arg, struct conf_errs *errs);

struct ecb_rate {
    char date[11];    /* ISO "2026-04-13" in both layouts */
    char currency[4]; /* "USD" */
    double rate;      /* units of currency per 1 EUR, > 0 */
    long line;
};

/*
 * Streams an ECB euro reference-rate CSV, daily layout ("13 April 2026") or history layout (ISO
 * dates, "N/A"): one callback per date and currency that has a value; "N/A" and empty cells have
 * none. cb returns 0 to go on, -1 to stop, and then this returns -1. A "Date" column is required.
 * A row with a bad date is reported and skipped; a rate that is not a positive finite number is
 * reported and only that cell skipped. Returns the number of rates delivered, or -1.
 */
int conf_ecb_read(const char *path, int (*cb)(void *arg, const struct ecb_rate *r), void *arg,
                  struct conf_errs *errs);

struct ecb_cbs {
    int (*rate)(void *arg, const struct ecb_rate *r); /* as cb above */
    /* A cell with no rate ("N/A" or empty: not quoted that day), passed over. May be NULL. */
    void (*skip)(void *arg, long line, const char *currency, const char *why);
    void *arg;
};

/*
 * The same for every layout the ECB publishes: the CSV files above, the XML of the daily and
 * 90-day files (eurofxref-daily.xml, eurofxref-hist-90d.xml: Cube elements with time, then
 * currency and rate; read with expat) and the history zip (eurofxref-hist.zip, its one CSV read
 * as it is inflated). An XML or zip file without a single rate is an error.
 */
int conf_ecb_read_cbs(const char *path, const struct ecb_cbs *cbs, struct conf_errs *errs);

/* The first line of the one CSV in the zip at path, for conf_detect_format(): 0, or -1 when path
 * is not a zip holding exactly one .csv. */
int conf_ecb_zip_header(const char *path, char *line, size_t linesz);

/* Why a firm-level row was skipped. The summary counts each; the first few are shown with
 * their line numbers. */
enum rpw_skip {
    RPW_SKIP_CSV,         /* unreadable CSV row: unterminated quote, too long */
    RPW_SKIP_FIELDS,      /* fewer fields than the header */
    RPW_SKIP_PERIOD,      /* period not like 2016_2Q */
    RPW_SKIP_CODE,        /* source or destination code not an ISO3 code */
    RPW_SKIP_COUNTRY,     /* a country the content does not define (the importer decides) */
    RPW_SKIP_FIRM,        /* no firm name */
    RPW_SKIP_NUMBER,      /* a number that does not parse */
    RPW_SKIP_TRANSPARENT, /* transparent neither yes nor no */
    RPW_SKIP_NO_PRICE,    /* neither the USD 200 nor the USD 500 quote is complete */
    RPW_SKIP_IMPLAUSIBLE, /* total cost outside -100..100 %, or a negative fee or amount */
    RPW_SKIP__COUNT
};

/* "bad period" ...: a short reason for the summary; static. */
const char *conf_rpw_skip_name(enum rpw_skip why);

/* One of a row's two quotes: cc1 (USD 200) or cc2 (USD 500). */
struct rpw_cc {
    int has;       /* 0: no usable quote in this row for the denomination */
    double denom;  /* 200 or 500, from "ccN denomination amount" when given */
    double amount; /* in the sender's currency (lcu) */
    char ccy[4];   /* lcu code */
    double fee;    /* lcu */
    int has_fee;
    double margin;    /* %; may be negative (promotions) */
    int has_margin;   /* 0 when transparent = no or the cell holds no data */
    double total_pct; /* fee/amount*100 + margin; with no margin, the fee's share only */
};

struct rpw_firm_row {
    long line;
    char period[8]; /* "2016Q2" */
    char src_iso3[4], dst_iso3[4];
    const char *firm, *firm_type, *speed, *pickup; /* borrowed, valid during the callback */
    char product[96];                              /* product, or instrument/access/pickup */
    int transparent;
    struct rpw_cc cc[2];
};

struct rpw_firm_cbs {
    /* Each good row. Return 0 to go on, -1 to stop (the reader then returns -1). */
    int (*row)(void *arg, const struct rpw_firm_row *r);
    /* Each skipped row, with a reason and a detail for the operator ("column 'cc1 lcu fee'"). */
    void (*skip)(void *arg, long line, enum rpw_skip why, const char *detail);
    /* Progress, now and then: bytes read of the file's total. May be NULL. */
    void (*progress)(void *arg, long done, long total);
    void *arg;
    /* Workbooks only: each sheet as its reading starts (taken -1, why ""; rows and skips that
     * follow are this sheet's, their line its row number), then as it ends: taken 1 when it
     * held the dataset, 0 when it was passed over, with why. May be NULL. */
    void (*sheet)(void *arg, const char *name, int taken, const char *why);
};

/*
 * Streams the World Bank RPW firm-level dataset as published, an Excel workbook (.xlsx, read in
 * bounded memory by xlsx.h: every sheet whose header row, within its first 20 rows, has the
 * required columns is read, whatever its name or position; dates stored as Excel serials read
 * as ISO dates), or as exported to CSV: current layout (from Q2
 * 2016) or older one (product, pick-up method), header names matched ignoring case and runs of
 * spaces. Required columns: period, source_code, destination_code, firm, transparent and the
 * cc1 lcu amount, lcu code, lcu fee, fx margin and total cost % columns (cc2 is used when all
 * of its columns are present); a missing one, or a file that cannot be read or has no header,
 * is added to errs and the reader returns -1 (the file is rejected whole). A malformed row is
 * handed to cbs->skip and reading goes on. ".." and empty cells hold no data; numbers stored as
 * text (" 12.5 ", "1,000.00", "3.2%") are numbers. Returns the number of rows delivered.
 */
long conf_rpw_firms_read(const char *path, const struct rpw_firm_cbs *cbs, struct conf_errs *errs);

#endif
