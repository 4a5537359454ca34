-- remitline schema version 5: subscriptions, consent and broadcasts.

-- One row a number that ever joined or stopped. stopped = 1: nothing more is sent to it, of any
-- kind, but the one confirmation of its STOP.
CREATE TABLE subscriber (
    number     TEXT PRIMARY KEY,
    lang       TEXT,                      -- the language of its last JOIN
    stopped    INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL
);

-- topic: "country:PH", "corridor:US-MX" or "topic:scams" (a topic defined in content files).
CREATE TABLE subscription (
    number    TEXT NOT NULL,
    topic     TEXT NOT NULL,
    lang      TEXT,
    joined_at INTEGER NOT NULL,
    PRIMARY KEY (number, topic)
);
CREATE INDEX subscription_topic ON subscription(topic, number);

-- Every consent given or withdrawn, with its time and the message that said it.
CREATE TABLE consent (
    id       INTEGER PRIMARY KEY,
    number   TEXT NOT NULL,
    action   TEXT NOT NULL CHECK (action IN ('join', 'leave', 'stop', 'start')),
    topic    TEXT,
    at       INTEGER NOT NULL,
    inbox_id INTEGER REFERENCES inbox(id),
    text     TEXT
);
CREATE INDEX consent_number ON consent(number, at);

-- Named alert topics from content files ("scams"), with the words for them per language.
CREATE TABLE alert_topic (
    key     TEXT NOT NULL,
    lang    TEXT,
    folded  TEXT NOT NULL,
    file_id INTEGER NOT NULL REFERENCES content_file(id) ON DELETE CASCADE
                DEFERRABLE INITIALLY DEFERRED,
    PRIMARY KEY (folded, key)
);

-- An alert is queued once, ever: its id is the key. Its recipients become outbox rows
-- (kind = 'broadcast', alert_id set), at most one a number.
CREATE TABLE alert (
    id          TEXT PRIMARY KEY,
    origin      TEXT NOT NULL,             -- file:PATH, cli, sms
    topics      TEXT NOT NULL,             -- space-separated topics as above
    priority    INTEGER NOT NULL DEFAULT 5,
    valid_from  INTEGER NOT NULL,
    valid_until INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    recipients  INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE alert_text (
    alert_id TEXT NOT NULL REFERENCES alert(id),
    lang     TEXT NOT NULL,
    text     TEXT NOT NULL,
    coding   TEXT NOT NULL,
    parts    INTEGER NOT NULL,
    PRIMARY KEY (alert_id, lang)
);

ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'reply'; -- reply, stop, broadcast, notice
ALTER TABLE outbox ADD COLUMN alert_id TEXT REFERENCES alert(id);
ALTER TABLE outbox ADD COLUMN not_before INTEGER;                 -- an alert's valid_from
ALTER TABLE outbox ADD COLUMN expires_at INTEGER;                 -- never sent after this
CREATE UNIQUE INDEX outbox_alert ON outbox(alert_id, recipient) WHERE alert_id IS NOT NULL;

-- ALERT by SMS from an operator: the alert waits for "YES <code>" from the same number.
CREATE TABLE alert_pending (
    code       TEXT PRIMARY KEY,
    number     TEXT NOT NULL,
    topics     TEXT NOT NULL,
    lang       TEXT NOT NULL,
    text       TEXT NOT NULL,
    recipients INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);

-- Every PIN tried, for the lockout after 3 wrong ones in an hour and for the record.
CREATE TABLE pin_attempt (
    number TEXT NOT NULL,
    at     INTEGER NOT NULL,
    ok     INTEGER NOT NULL
);
CREATE INDEX pin_attempt_number ON pin_attempt(number, at);
