-- remitline schema version 11: the alert files the daemon has seen, so it reads each once per
-- change, however many there are (it kept 256 in memory and ignored the rest without a word),
-- forgets one that is deleted, and can say that a changed file whose alert id was already
-- queued is not sent again (an alert goes out once: only a new id makes a new alert).
CREATE TABLE alert_file (
    path     TEXT PRIMARY KEY,
    mtime    INTEGER NOT NULL,
    size     INTEGER NOT NULL,
    digest   TEXT NOT NULL,     -- FNV-1a 64 of the bytes, 16 hex digits
    alert_id TEXT,              -- the id the file holds; NULL when it did not validate
    seen_at  INTEGER NOT NULL   -- the scan that last found it
);
