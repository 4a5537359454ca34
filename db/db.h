/*
 * db.h: the SQLite layer. Every SQL statement of remitline lives in db/; other modules call the
 * typed functions below and never see a sqlite3 handle.
 *
 * Order of calls:
 *   1. db_open(path) creates or opens the database, turns on WAL and foreign keys, and brings the
 *      schema up to date (PRAGMA user_version). ":memory:" gives a private in-memory database.
 *   2. Content is written inside db_begin() ... db_commit() (or db_rollback()) by the importer:
 *      db_file_claim() names the file the rows come from and drops what it owned before, then the
 *      db_*_put() functions add rows.
 *   3. Readers use the db_*_get()/db_*_each() functions; results are copied into caller structs.
 *   4. db_close(db) (NULL is fine).
 *
 * Returns: 0 success, -1 failure (already logged), or a positive count where documented.
 * Statements are prepared once per handle and reused; every value is bound, never spliced.
 */
#ifndef RL_DB_H
#define RL_DB_H

#include <stddef.h>
#include <stdint.h>

typedef struct db db;

/* db/migrations/NNN-*.sql, compiled in by CMake in number order: db_migrations[i] is file
 * number i + 1 and brings user_version to i + 1 (CMake refuses a gap or a duplicate). */
extern const char *const db_migrations[];
extern const int db_nmigrations;

db *db_open(const char *path);
/* As db_open, but refuses a path with a symbolic link anywhere in it (SQLITE_OPEN_NOFOLLOW): the
 * daemon's connections, on the real path it worked out at start, so that no link planted in the
 * state directory can carry the database's writes to another file. */
db *db_open_nofollow(const char *path);
void db_close(db *d);

/*
 * Copies the write-ahead log into the database and truncates it to nothing. The daemon calls it
 * from its periodic tick: left alone the WAL grows to about 4 MB before SQLite checkpoints, and on
 * a nearly full disk it takes the last free bytes first, after which no checkpoint can grow the
 * database and every write fails even once room is freed. 0, or -1 (readers kept it from
 * finishing or the disk is full; logged at debug level, tried again next tick).
 */
int db_checkpoint(db *d);
int db_begin(db *d);
int db_commit(db *d);
int db_rollback(db *d);
/*
 * Runs fn inside one write transaction (BEGIN IMMEDIATE ... COMMIT), rolled back if fn returns
 * < 0. Called inside a transaction already, fn runs in a savepoint of it, so a function that
 * needs "all or nothing" may be used alone or as one step of a larger transaction. Returns fn's.
 */
int db_in_tx(db *d, int (*fn)(db *d, void *arg), void *arg);

/*
 * The content generation: a number every import bumps in its own transaction. Each handler
 * context remembers the generation it loaded, and every thread compares it before answering, so
 * an import by another process (`remitline import` while the daemon runs) reaches every door
 * from the next message on. 0 and *gen, or -1.
 */
int db_content_generation(db *d, int64_t *gen);
int db_content_bump(db *d);

/* Last SQLite error message of this handle, for messages to the operator. Borrowed. */
const char *db_errmsg(db *d);

/* ---- Writing content (inside a transaction) ---- */

/*
 * Registers path as the origin of the rows that follow. If the file was imported before with the
 * same digest, sets *unchanged = 1 and changes nothing; otherwise deletes every row the file
 * owned, records the new digest, and sets *file_id.
 */
int db_file_claim(db *d, const char *path, const char *format, const char *digest, int64_t *file_id,
                  int *unchanged);
/* Records how many rows the file gave, after its rows are in. */
int db_file_set_rows(db *d, int64_t file_id, long rows);
/* Every file imported before: its id and path. cb returns non-zero to stop. Count or -1. */
typedef int (*db_file_cb)(void *arg, int64_t id, const char *path);
int db_files_each(db *d, db_file_cb cb, void *arg);
/* Forgets a file that is gone, with every row it brought. 0 or -1. */
int db_file_forget(db *d, int64_t file_id);
/* Drops sources that no row refers to any more. */
int db_sources_gc(db *d);
/* Checks every deferred foreign key; returns the number of violations (0 = consistent). */
int db_fk_violations(db *d);

struct db_source {
    const char *key, *short_name, *name, *url, *licence;
    int fixed; /* publishes fixed parities: its rates never age */
};
/* Adds or replaces a source by key; *id receives its rowid. */
int db_source_put(db *d, int64_t file_id, const struct db_source *s, int64_t *id);
/* Finds a source by key: 0 and *id, or -1 (not an error worth logging: the caller reports). */
int db_source_find(db *d, const char *key, int64_t *id);

int db_lang_put(db *d, int64_t file_id, const char *code, const char *name, const char *decimal,
                int translit);
/* How language code writes dates and numbers: months, its 12 month abbreviations joined by '|'
 * ("" for English's); other_decimal_in, the ISO2 codes (space-separated) of the countries where
 * it writes the other decimal mark than its own. 0 or -1. */
int db_lang_set_locale(db *d, const char *code, const char *months, const char *other_decimal_in);
int db_word_put(db *d, int64_t file_id, const char *lang, const char *kind, const char *folded);
int db_template_put(db *d, int64_t file_id, const char *lang, const char *name, const char *text);
int db_country_put(db *d, int64_t file_id, const char *iso2, const char *iso3, const char *currency,
                   const char *dial);
/* A numbering prefix (digits after the +, longer than a shared calling code) and the country it
 * belongs to (migration 010). 0, or -1 (a prefix given twice). */
int db_prefix_put(db *d, int64_t file_id, const char *prefix, const char *iso2);
/* lang NULL: a language-neutral alias. */
int db_country_name_put(db *d, int64_t file_id, const char *iso2, const char *lang,
                        const char *name, const char *folded, int primary);
/* Finds the ISO2 code for an ISO2 or ISO3 code (any case): 0 and iso2_out, or -1. */
int db_country_code(db *d, const char *code, char iso2_out[3]);
int db_provider_put(db *d, int64_t file_id, const char *key, const char *name, const char *type,
                    int64_t *id);
int db_provider_find(db *d, const char *key, int64_t *id);

struct db_quote_in {
    const char *src, *dst; /* ISO2 */
    int64_t provider_id;   /* 0: corridor average */
    double amount;
    const char *amount_ccy;
    double fee, fx_margin, total_pct;
    int has_fee, has_margin;
    const char *speed, *method, *period;
    int live;
    int64_t source_id;
    /* Firm-level (RPW) quotes only, else 0 / NULL: the USD denomination (200 or 500), the folded
     * firm name and the product, which together say which quotes are periods of the same thing. */
    double denom;
    const char *firm, *product;
};
int db_quote_put(db *d, int64_t file_id, const struct db_quote_in *q);

int db_rate_put(db *d, int64_t file_id, const char *base, const char *quote, double rate,
                const char *as_of, int64_t source_id);

struct db_guide_in {
    const char *country; /* ISO2 or NULL for everywhere */
    const char *topic, *lang, *text, *checked;
    int64_t source_id;
};
int db_guide_put(db *d, int64_t file_id, const struct db_guide_in *g);

/*
 * After RPW quotes are written: marks live, per (corridor, denomination), the firm-level quotes
 * of the latest survey period over every file, unless a corridor average of the corridor is
 * newer (the newest data wins across granularities); every other firm-level quote is history
 * for TREND. 0 or -1.
 */
int db_firm_quotes_relive(db *d);

/* ---- Reading content ---- */

/* Callbacks return 0 to go on, non-zero to stop. */
typedef int (*db_word_cb)(void *arg, const char *lang, const char *kind, const char *folded);
typedef int (*db_name_cb)(void *arg, const char *iso2, const char *lang, const char *folded);
typedef int (*db_lang_cb)(void *arg, const char *code, const char *name, const char *decimal,
                          int translit);
typedef int (*db_template_cb)(void *arg, const char *lang, const char *name, const char *text);
typedef int (*db_country_cb)(void *arg, const char *iso2, const char *iso3, const char *currency,
                             const char *dial);
typedef int (*db_code_cb)(void *arg, const char *code);
typedef int (*db_prefix_cb)(void *arg, const char *prefix, const char *iso2);

/* Each returns the number of rows visited, or -1. */
int db_words_each(db *d, db_word_cb cb, void *arg);
int db_country_names_each(db *d, db_name_cb cb, void *arg);
int db_langs_each(db *d, db_lang_cb cb, void *arg);
/* Each language's db_lang_set_locale() values. Returns the rows visited, or -1. */
typedef int (*db_locale_cb)(void *arg, const char *code, const char *months,
                            const char *other_decimal_in);
int db_lang_locales_each(db *d, db_locale_cb cb, void *arg);
int db_templates_each(db *d, db_template_cb cb, void *arg);
int db_countries_each(db *d, db_country_cb cb, void *arg);
/* The numbering prefixes (db_prefix_put), in prefix order. */
int db_prefixes_each(db *d, db_prefix_cb cb, void *arg);
/* Sending countries: the ISO2 origin of every live quote, each once. */
int db_senders_each(db *d, db_code_cb cb, void *arg);
/* Every currency some rate is published in or against, each once (BGN, fixed to the euro,
 * though no country of the table uses it any more). Returns the rows visited, or -1. */
int db_rate_currencies_each(db *d, db_code_cb cb, void *arg);

/* The name a reply uses for iso2 in lang, falling back to English, then the ISO3 code. */
int db_country_name(db *d, const char *iso2, const char *lang, char *out, size_t outsz);

struct db_quote {
    char provider[64]; /* "" for a corridor average */
    char ptype[8];
    double amount;
    char ccy[4];
    double fee, fx_margin, total_pct;
    int has_fee, has_margin;
    char speed[32], method[32], period[16], source[16];
    double denom; /* USD 200 or 500 for a firm-level quote, 0 otherwise */
};
/*
 * The cheapest live provider quotes for src->dst, best total cost first, at most max. Quotes
 * whose FX margin was not disclosed rank after those whose full cost is known. Returns the count.
 * Same as db_quotes_cheapest_at(d, src, dst, 200, out, max).
 */
int db_quotes_cheapest(db *d, const char *src, const char *dst, struct db_quote *out, int max);
/*
 * The same at a firm-level denomination (200 or 500 USD): firm-level quotes of that denomination
 * and every quote that has none (the operator's survey), one row per provider (its cheapest
 * product). Returns the count, or -1.
 */
int db_quotes_cheapest_at(db *d, const char *src, const char *dst, double denom,
                          struct db_quote *out, int max);
/* Whether src->dst has any live firm-level quote of the denomination: 1, 0, -1. */
int db_firm_denom_known(db *d, const char *src, const char *dst, double denom);

struct db_trend_point {
    char period[16];
    double pct; /* average total cost, % */
    char source[16];
};
/*
 * The average total cost of src->dst for the latest max periods with data, oldest first: per
 * period, the published corridor average, else the mean of that period's firm-level USD 200
 * quotes whose cost is fully known (as the World Bank averages them). Returns the count or -1.
 */
int db_trend(db *d, const char *src, const char *dst, struct db_trend_point *out, int max);
/* The live corridor average: 1 and *out, 0 when there is none, -1 on error. */
int db_corridor_average(db *d, const char *src, const char *dst, struct db_quote *out);
/* Whether any quote, live or history, exists for the corridor (1/0, -1 on error). */
int db_corridor_known(db *d, const char *src, const char *dst);

struct db_rate {
    double rate;    /* units of quote per 1 base */
    char as_of[11]; /* ISO date; for derived rates, the older of the two */
    char source[40];
    int derived; /* 1: inverse or cross rate computed here, not published as such */
    int fixed;   /* 1: every leg a fixed parity (never old); as_of then the parity's date */
};
/* The latest rate base->quote: direct, else inverse, else a cross rate through a common base.
 * 1 and *out, 0 if no path exists, -1 on error. */
int db_rate_get(db *d, const char *base, const char *quote, struct db_rate *out);

struct db_guide {
    char topic[32];
    char lang[8];
    char text[512];
    char checked[11];
    char source[16];
};
/* Topics for a country (its own and the general ones) in lang, into a space-separated list.
 * Returns the number of topics. */
int db_guide_topics(db *d, const char *country, char *out, size_t outsz);
/* The entry for (country or general, topic) in lang, falling back to English: 1, 0, or -1. */
int db_guide_get(db *d, const char *country, const char *topic, const char *lang,
                 struct db_guide *out);
/* Finds the canonical topic whose name or alias is folded: 1 and topic_out, 0, -1. */
int db_guide_topic_find(db *d, const char *folded, char *topic_out, size_t outsz);
/* The one topic of country (or general; NULL: any country) whose name or an alias begins with
 * folded ("recruit" for "recruiter"): 1 and topic_out; 0 when none or several do; -1. */
int db_guide_topic_prefix(db *d, const char *country, const char *folded, char *topic_out,
                          size_t outsz);
int db_guide_alias_put(db *d, int64_t file_id, const char *topic, const char *folded);

/* A loaded source, for `remitline sources` and staleness checks. */
struct db_source_info {
    char key[64], short_name[16], name[128];
    char path[512], format[16], imported_at[24]; /* the file that defined it, "" if none */
    char kind[8];                                /* "fees", "rates", "guides" or "" */
    char oldest[16], newest[16];                 /* periods or dates of its rows */
    long rows;                                   /* quotes + rates + guides */
};
typedef int (*db_source_cb)(void *arg, const struct db_source_info *s);
/* Every source, by key. Returns the number visited, or -1. */
int db_sources_each(db *d, db_source_cb cb, void *arg);

struct db_counts {
    long countries, quotes, live_quotes, rates, guides, langs, files;
};
int db_counts_get(db *d, struct db_counts *out);

#endif
