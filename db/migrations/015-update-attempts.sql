-- remitline schema version 13: each attempt of `remitline update` to fetch a public data source
-- (the ECB's daily and 90-day rates, the World Bank's workbook): when, which source and URL, how
-- it ended ('ok': fetched and imported; 'unchanged': the server said the copy we have is
-- current; 'failed': with the error, the data imported before kept), the HTTP status, the bytes
-- fetched, and the ETag and Last-Modified of a good copy, for the next conditional GET.
-- `status`, `sources` and /metrics read it to say when the data was last refreshed.
CREATE TABLE update_attempt (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    source TEXT NOT NULL,
    url TEXT NOT NULL,
    result TEXT NOT NULL CHECK (result IN ('ok', 'unchanged', 'failed')),
    http_status INTEGER NOT NULL DEFAULT 0,
    bytes INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    etag TEXT,
    last_modified TEXT
);
CREATE INDEX update_attempt_source ON update_attempt(source, at);
