-- remitline schema version 2: the message queue. The database is the queue: every state change
-- of a message is a committed row, so a power cut at any instant loses nothing.

-- Every SMS (or, for a concatenated SMS, every assembled message) that arrived. A message is
-- committed here before it is deleted from the SIM; `dedup` makes a second read of the same SMS
-- (a crash between the commit and the delete) a no-op.
CREATE TABLE inbox (
    id          INTEGER PRIMARY KEY,
    modem       TEXT NOT NULL,
    sender      TEXT NOT NULL,
    smsc_time   INTEGER NOT NULL,          -- the SMSC timestamp, Unix seconds
    received_at INTEGER NOT NULL,          -- when the gateway read it
    text        TEXT NOT NULL,             -- UTF-8
    coding      TEXT NOT NULL,             -- gsm7, ucs2, 8bit
    concat_ref  INTEGER NOT NULL DEFAULT -1,
    parts       INTEGER NOT NULL DEFAULT 1,
    complete    INTEGER NOT NULL DEFAULT 1, -- 0: assembled with parts missing after the timeout
    dedup       TEXT NOT NULL UNIQUE,
    state       TEXT NOT NULL DEFAULT 'received'
                    CHECK (state IN ('received', 'answered', 'ignored')),
    lang        TEXT,
    intent      TEXT,
    answered_at INTEGER
);
CREATE INDEX inbox_state ON inbox(state, id);

-- Parts of concatenated SMS. A part stays here after its message is assembled (assembled = 1),
-- so reading it again is recognised as a duplicate.
CREATE TABLE inbox_part (
    id          INTEGER PRIMARY KEY,
    modem       TEXT NOT NULL,
    sender      TEXT NOT NULL,
    concat_ref  INTEGER NOT NULL,
    parts       INTEGER NOT NULL,
    part        INTEGER NOT NULL,
    smsc_time   INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    text        TEXT NOT NULL,
    coding      TEXT NOT NULL,
    dedup       TEXT NOT NULL UNIQUE,
    assembled   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX inbox_part_set ON inbox_part(sender, concat_ref, parts, assembled);

-- What the gateway sends. priority: 0 replies, 10 broadcasts; lower goes first. A message is
-- claimed by one modem (state sending) and every part it got through is recorded in
-- parts_sent (a bit a part), so a retry resends only the parts that failed, with the same
-- concat_ref.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    inbox_id        INTEGER REFERENCES inbox(id),
    recipient       TEXT NOT NULL,
    text            TEXT NOT NULL,
    coding          TEXT NOT NULL,
    parts           INTEGER NOT NULL,
    priority        INTEGER NOT NULL DEFAULT 0,
    state           TEXT NOT NULL DEFAULT 'queued'
                        CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    concat_ref      INTEGER NOT NULL,
    parts_sent      INTEGER NOT NULL DEFAULT 0,
    modem           TEXT,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER
);
CREATE INDEX outbox_next ON outbox(state, priority, next_attempt_at, id);
CREATE INDEX outbox_inbox ON outbox(inbox_id);

-- What each modem thread last reported, for `remitline status`.
CREATE TABLE modem_status (
    name        TEXT PRIMARY KEY,
    state       TEXT NOT NULL,             -- connecting, connected, down
    signal      INTEGER,                   -- percent, NULL unknown
    network     TEXT,
    detail      TEXT,                      -- the last problem, in an operator's words
    updated_at  INTEGER NOT NULL
);
