-- remitline schema version 10: numbering prefixes. A calling code that several countries share
-- (+1 for the NANP: the United States, Canada and the Caribbean; +7 for Russia and Kazakhstan)
-- says which country a number is in only with the digits after it: the area code. A row maps
-- the digits after the + ("1876", "77") to the country they belong to, which need not be a
-- country the content defines (then the number is from no country the gateway knows). The
-- longest prefix wins, over these rows and the countries' own codes.
CREATE TABLE number_prefix (
    prefix  TEXT PRIMARY KEY,              -- digits after the +
    iso2    TEXT NOT NULL,                 -- ISO 3166-1 alpha-2
    file_id INTEGER NOT NULL REFERENCES content_file(id) ON DELETE CASCADE
                DEFERRABLE INITIALLY DEFERRED
);
