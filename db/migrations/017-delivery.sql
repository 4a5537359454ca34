-- remitline schema version 16: delivery reports (#17). "Sent" means a modem or Kannel took a
-- part; whether a phone got it is the network's to say, in a delivery report that comes later
-- (or never). One row a part that asked for one, matched to its report by (transport, modem,
-- ref): the reference the network gave the part (a GSM TP-MR, 0..255, that wraps) or our own
-- (Kannel's dlr-url carries "OUTBOXID.PART"). db/delivery.h has the matching rules.
CREATE TABLE delivery (
    id          INTEGER PRIMARY KEY,
    outbox_id   INTEGER NOT NULL,          -- no foreign key: the purge trigger below follows it
    part        INTEGER NOT NULL,          -- 1-based
    transport   TEXT NOT NULL,             -- gammu, kannel
    modem       TEXT NOT NULL,
    ref         TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'delivered', 'failed', 'expired')),
    reason      TEXT,                      -- the network's reason, in plain words
    sent_at     INTEGER NOT NULL,
    reported_at INTEGER,                   -- when the final report came (or the part expired)
    UNIQUE (outbox_id, part)
);
CREATE INDEX delivery_ref ON delivery(transport, modem, ref, sent_at);
CREATE INDEX delivery_pending ON delivery(sent_at) WHERE state = 'pending';
CREATE INDEX delivery_modem ON delivery(modem, sent_at);

-- Every report as it came, matched or not: nothing the network says is dropped. outcome:
-- applied (it set a part's state), intermediate (accepted or buffered by the SMSC: the part
-- stays pending), duplicate (the part had its final word already), late (it came after the
-- part had expired: the part takes it), waiting (no part has that reference yet: Kannel can
-- call back before the modem thread records the part it just sent; adopted by
-- db_delivery_sent), unmatched (still no part five minutes on: counted then).
CREATE TABLE delivery_report (
    id          INTEGER PRIMARY KEY,
    transport   TEXT NOT NULL,
    modem       TEXT NOT NULL,
    ref         TEXT NOT NULL,
    status      TEXT NOT NULL,             -- delivered, failed, accepted
    reason      TEXT,
    at          INTEGER NOT NULL,          -- the network's time of the report, else arrival
    received_at INTEGER NOT NULL,
    delivery_id INTEGER,                   -- the part it answered; NULL while unmatched
    outcome     TEXT NOT NULL
);
CREATE INDEX delivery_report_ref ON delivery_report(transport, modem, ref, received_at)
    WHERE delivery_id IS NULL;
CREATE INDEX delivery_report_at ON delivery_report(received_at);

-- A message's delivery, from its parts: NULL when no report was asked for; delivered once
-- every part is; failed when a part failed; expired when a part expired (and none failed);
-- else pending.
ALTER TABLE outbox ADD COLUMN delivery TEXT;
CREATE INDEX outbox_delivery ON outbox(alert_id, delivery) WHERE alert_id IS NOT NULL;

-- The purge of a message takes its parts' records and their reports with it.
CREATE TRIGGER delivery_purge AFTER DELETE ON outbox
BEGIN
    DELETE FROM delivery_report WHERE delivery_id IN
        (SELECT id FROM delivery WHERE outbox_id = OLD.id);
    DELETE FROM delivery WHERE outbox_id = OLD.id;
END;
