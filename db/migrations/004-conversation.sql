-- remitline schema: conversation state per phone number (issue #5). Not content: written by the
-- gateway as people text, never by an import, and kept across content re-imports.
--
-- lang: the language the number asked for with LANG xx, used when a query's own language is
-- unclear. pending: the numbered choice last offered to the number (one rewritten query per
-- line, option 1 first), answered by an SMS that is just the digit before pending_until (UTC
-- seconds); NULL when nothing is pending.
CREATE TABLE conversation (
    number        TEXT PRIMARY KEY,
    lang          TEXT,
    pending       TEXT,
    pending_until INTEGER,
    updated_at    INTEGER NOT NULL
);
