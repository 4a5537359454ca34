-- remitline schema version 6: what keeps the gateway from costing more than it helps, and from
-- keeping what it need not keep.

-- Queries counted without numbers, by ISO week, for NGOs and researchers (remitline report).
CREATE TABLE demand (
    week    TEXT NOT NULL,             -- ISO 8601 week, 2026-W48
    keyword TEXT NOT NULL,
    lang    TEXT NOT NULL,
    src     TEXT NOT NULL DEFAULT '',  -- ISO2 of the corridor asked about, '' when none
    dst     TEXT NOT NULL DEFAULT '',
    queries INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (week, keyword, lang, src, dst)
);

-- Numbers the gateway stopped answering for a while (an auto-responder, a loop), and why.
CREATE TABLE muted (
    number TEXT PRIMARY KEY,
    until  INTEGER NOT NULL,
    reason TEXT NOT NULL,
    at     INTEGER NOT NULL
);

-- The airtime balance each modem last read by USSD.
ALTER TABLE modem_status ADD COLUMN balance REAL;
ALTER TABLE modem_status ADD COLUMN balance_at INTEGER;
ALTER TABLE modem_status ADD COLUMN paused TEXT;  -- why broadcasts are paused on it, or NULL

CREATE INDEX outbox_recipient ON outbox(recipient, created_at);
CREATE INDEX inbox_sender ON inbox(sender, received_at);
