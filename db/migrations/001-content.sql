-- remitline schema version 1: the content store. Applied by db_open() to a new database;
-- later versions are new files in db/migrations/; never edit one once released.
--
-- Content tables are derived from files: every row names the content_file it came from, and
-- re-importing a file replaces exactly the rows that file owns. Nothing here is typed by hand.

CREATE TABLE content_file (
    id          INTEGER PRIMARY KEY,
    path        TEXT NOT NULL UNIQUE,      -- absolute path as imported
    format      TEXT NOT NULL,             -- content | rpw-corridors | ecb
    digest      TEXT NOT NULL,             -- FNV-1a 64 of the bytes: unchanged files are skipped
    rows        INTEGER NOT NULL DEFAULT 0,
    imported_at TEXT NOT NULL              -- UTC, ISO 8601
);

-- Where a figure comes from. Every quote, rate and guidance entry names one, and every reply
-- that gives a figure prints its short form and date ("WB 2020Q3", "ECB 13Apr26").
CREATE TABLE source (
    id       INTEGER PRIMARY KEY,
    key      TEXT NOT NULL UNIQUE,         -- the name content files refer to it by
    short    TEXT NOT NULL,                -- what a reply prints: "WB", "ECB"
    name     TEXT NOT NULL,
    url      TEXT,
    licence  TEXT,
    file_id  INTEGER                       -- the file that last defined it; sources nobody
                                           -- refers to any more are dropped after an import
);

CREATE TABLE lang (
    code        TEXT PRIMARY KEY,          -- ISO 639-1: en fr es pt tl ...
    file_id     INTEGER NOT NULL REFERENCES content_file(id) ON DELETE CASCADE
                    DEFERRABLE INITIALLY DEFERRED,
    name        TEXT NOT NULL,
    decimal_sep TEXT NOT NULL DEFAULT '.',
    translit    INTEGER NOT NULL DEFAULT 1 -- may non-GSM letters be folded (a-acute -> a)?
);

-- Words people type, per language: keywords (kind = fee, rate, guide, help, ...), filler words,
-- and direction words (kind = from, to). Stored folded: lower case, accents removed.
CREATE TABLE word (
    lang    TEXT NOT NULL REFERENCES lang(code) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    kind    TEXT NOT NULL,
    word    TEXT NOT NULL,
    file_id INTEGER NOT NULL REFERENCES content_file(id) ON DELETE CASCADE
                DEFERRABLE INITIALLY DEFERRED,
    PRIMARY KEY (word, kind, lang)
);

-- Reply templates per language: {name} placeholders filled by the handlers.
CREATE TABLE template (
    lang    TEXT NOT NULL REFERENCES lang(code) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    name    TEXT NOT NULL,
    text    TEXT NOT NULL,
    file_id INTEGER NOT NULL REFERENCES content_file(id) ON DELETE CASCADE
                DEFERRABLE INITIALLY DEFERRED,
    PRIMARY KEY (lang, name)
);

CREATE TABLE country (
    iso2     TEXT PRIMARY KEY,
    iso3     TEXT NOT NULL UNIQUE,
    currency TEXT NOT NULL,                -- ISO 4217
    dial     TEXT,                         -- E.164 country calling code, digits only
    file_id  INTEGER NOT NULL REFERENCES content_file(id) ON DELETE CASCADE
                 DEFERRABLE INITIALLY DEFERRED
);

-- Names and aliases. lang is NULL for language-neutral aliases (codes, abbreviations).
-- primary_name = 1 marks the name a reply uses in that language.
CREATE TABLE country_name (
    iso2         TEXT NOT NULL REFERENCES country(iso2) ON DELETE CASCADE
                     DEFERRABLE INITIALLY DEFERRED,
    lang         TEXT,
    name         TEXT NOT NULL,            -- as written
    folded       TEXT NOT NULL,            -- lower case, no accents, single spaces
    primary_name INTEGER NOT NULL DEFAULT 0,
    file_id      INTEGER NOT NULL REFERENCES content_file(id) ON DELETE CASCADE
                     DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX country_name_folded ON country_name(folded);
CREATE INDEX country_name_iso2 ON country_name(iso2, lang);

CREATE TABLE provider (
    id      INTEGER PRIMARY KEY,
    key     TEXT NOT NULL UNIQUE,
    name    TEXT NOT NULL,
    type    TEXT NOT NULL CHECK (type IN ('bank', 'mto', 'mobile', 'post')),
    file_id INTEGER NOT NULL REFERENCES content_file(id) ON DELETE CASCADE
                DEFERRABLE INITIALLY DEFERRED
);

-- A price: what it cost to send `amount` of `amount_ccy` from src to dst. provider_id NULL is a
-- corridor average. live = 1 marks the latest period of a (corridor, provider); older rows are
-- history for trends.
CREATE TABLE quote (
    id          INTEGER PRIMARY KEY,
    src         TEXT NOT NULL REFERENCES country(iso2) DEFERRABLE INITIALLY DEFERRED,
    dst         TEXT NOT NULL REFERENCES country(iso2) DEFERRABLE INITIALLY DEFERRED,
    provider_id INTEGER REFERENCES provider(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    amount      REAL NOT NULL,
    amount_ccy  TEXT NOT NULL,
    fee         REAL,                      -- in amount_ccy; NULL when only a total is known
    fx_margin   REAL,                      -- %; NULL when not disclosed
    total_pct   REAL NOT NULL,             -- % of amount: fee/amount*100 + fx_margin
    speed       TEXT,
    method      TEXT,
    period      TEXT NOT NULL,             -- "2020Q3" or an ISO date
    live        INTEGER NOT NULL DEFAULT 1,
    source_id   INTEGER NOT NULL REFERENCES source(id) DEFERRABLE INITIALLY DEFERRED,
    file_id     INTEGER NOT NULL REFERENCES content_file(id) ON DELETE CASCADE
                    DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX quote_corridor ON quote(src, dst, live, total_pct);

-- Units of quote per 1 base, as published. Cross rates are derived at query time.
CREATE TABLE rate (
    base      TEXT NOT NULL,
    quote     TEXT NOT NULL,
    rate      REAL NOT NULL CHECK (rate > 0),
    as_of     TEXT NOT NULL,               -- ISO date
    source_id INTEGER NOT NULL REFERENCES source(id) DEFERRABLE INITIALLY DEFERRED,
    file_id   INTEGER NOT NULL REFERENCES content_file(id) ON DELETE CASCADE
                  DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX rate_pair ON rate(base, quote, as_of);

-- Guidance: country NULL means it applies everywhere. topic is the folded word people type.
CREATE TABLE guide (
    id        INTEGER PRIMARY KEY,
    country   TEXT REFERENCES country(iso2) DEFERRABLE INITIALLY DEFERRED,
    topic     TEXT NOT NULL,
    lang      TEXT NOT NULL,
    text      TEXT NOT NULL,
    checked   TEXT NOT NULL,               -- ISO date the text was last checked against source
    source_id INTEGER NOT NULL REFERENCES source(id) DEFERRABLE INITIALLY DEFERRED,
    file_id   INTEGER NOT NULL REFERENCES content_file(id) ON DELETE CASCADE
                  DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX guide_country ON guide(country, topic, lang);

-- Other words for a guidance topic ("frais", "costo" for cost), folded.
CREATE TABLE guide_alias (
    topic   TEXT NOT NULL,
    folded  TEXT NOT NULL,
    file_id INTEGER NOT NULL REFERENCES content_file(id) ON DELETE CASCADE
                DEFERRABLE INITIALLY DEFERRED,
    PRIMARY KEY (folded, topic)
);
