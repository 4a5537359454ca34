-- remitline schema version 8: the counters /metrics reports, kept by triggers as messages change
-- state, and an index for the sent messages of a modem. Counting the rows at each scrape cost a full scan of inbox and outbox (about half a
-- second each at a million messages), and the totals fell whenever the retention purge deleted
-- rows, which Prometheus takes for a restart. These only grow; the purge leaves them alone.
CREATE TABLE metric (
    name    TEXT NOT NULL,  -- 'in', 'out', 'attempt_failed', 'reply_seconds'
    modem   TEXT NOT NULL,  -- the modem, transport ('kannel', 'ussd') or '' when none
    keyword TEXT NOT NULL,  -- 'in': the question's keyword; 'out': the keyword of the question
                            -- it answers, else its kind (broadcast, notice, reply); else ''
    state   TEXT NOT NULL,  -- 'out': sent or failed; else ''
    n       INTEGER NOT NULL,
    PRIMARY KEY (name, modem, keyword, state)
) WITHOUT ROWID;

-- Replies sent, by whole seconds from the question's arrival (capped at a day): the histogram's
-- buckets are summed from it, so their bounds live in the C code alone.
CREATE TABLE reply_latency (
    seconds INTEGER PRIMARY KEY,
    n       INTEGER NOT NULL
);

-- A SIM's parts sent today (its daily budget, checked as it sends) and `remitline status` look
-- up the sent messages of one modem since a time: without this, a scan of every sent message.
CREATE INDEX outbox_sent ON outbox(modem, sent_at) WHERE state = 'sent';

-- What the database holds now becomes the starting totals.
INSERT INTO metric (name, modem, keyword, state, n)
    SELECT 'in', modem, coalesce(intent, ''), '', count(*) FROM inbox WHERE state != 'received'
    GROUP BY 2, 3;
INSERT INTO metric (name, modem, keyword, state, n)
    SELECT 'out', coalesce(o.modem, ''), coalesce(i.intent, o.kind), o.state, count(*)
    FROM outbox o LEFT JOIN inbox i ON i.id = o.inbox_id
    WHERE o.state IN ('sent', 'failed') GROUP BY 2, 3, 4;
INSERT INTO metric (name, modem, keyword, state, n)
    SELECT 'attempt_failed', coalesce(modem, ''), '', '', sum(attempts - (state = 'sent'))
    FROM outbox GROUP BY 2 HAVING sum(attempts - (state = 'sent')) > 0;
INSERT INTO reply_latency (seconds, n)
    SELECT min(max(o.sent_at - i.received_at, 0), 86400), count(*)
    FROM outbox o JOIN inbox i ON i.id = o.inbox_id WHERE o.state = 'sent' GROUP BY 1;
INSERT INTO metric (name, modem, keyword, state, n)
    SELECT 'reply_seconds', '', '', '', coalesce(sum(max(o.sent_at - i.received_at, 0)), 0)
    FROM outbox o JOIN inbox i ON i.id = o.inbox_id WHERE o.state = 'sent';

-- A message counts in once answered (or ignored): its keyword is known then.
CREATE TRIGGER metric_in_answered AFTER UPDATE OF state ON inbox
WHEN OLD.state = 'received' AND NEW.state != 'received'
BEGIN
    INSERT INTO metric (name, modem, keyword, state, n)
        VALUES ('in', NEW.modem, coalesce(NEW.intent, ''), '', 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER metric_in_stored AFTER INSERT ON inbox
WHEN NEW.state != 'received'
BEGIN
    INSERT INTO metric (name, modem, keyword, state, n)
        VALUES ('in', NEW.modem, coalesce(NEW.intent, ''), '', 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

-- A message counts out once it reaches a final state; a reply sent adds its latency. It gets
-- there by an update (the send loop) or is stored there at once (Kannel's get-url): both
-- triggers hand the message to this view, whose one trigger does the counting.
CREATE VIEW metric_out_event (modem, inbox_id, kind, state, sent_at) AS
    SELECT NULL, NULL, NULL, NULL, NULL WHERE 0;
CREATE TRIGGER metric_out_count INSTEAD OF INSERT ON metric_out_event
BEGIN
    INSERT INTO metric (name, modem, keyword, state, n)
        VALUES ('out', coalesce(NEW.modem, ''),
                coalesce((SELECT intent FROM inbox WHERE id = NEW.inbox_id), NEW.kind), NEW.state, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO reply_latency (seconds, n)
        SELECT min(max(NEW.sent_at - i.received_at, 0), 86400), 1 FROM inbox i
        WHERE NEW.state = 'sent' AND i.id = NEW.inbox_id
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO metric (name, modem, keyword, state, n)
        SELECT 'reply_seconds', '', '', '', max(NEW.sent_at - i.received_at, 0) FROM inbox i
        WHERE NEW.state = 'sent' AND i.id = NEW.inbox_id
        ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER metric_out_final AFTER UPDATE OF state ON outbox
WHEN NEW.state IN ('sent', 'failed') AND OLD.state NOT IN ('sent', 'failed')
BEGIN
    INSERT INTO metric_out_event VALUES (NEW.modem, NEW.inbox_id, NEW.kind, NEW.state, NEW.sent_at);
END;
CREATE TRIGGER metric_out_stored AFTER INSERT ON outbox
WHEN NEW.state IN ('sent', 'failed')
BEGIN
    INSERT INTO metric_out_event VALUES (NEW.modem, NEW.inbox_id, NEW.kind, NEW.state, NEW.sent_at);
END;

-- Every attempt that did not end in 'sent' is a send failure of the modem that tried.
CREATE TRIGGER metric_attempt_failed AFTER UPDATE OF attempts ON outbox
WHEN NEW.attempts > OLD.attempts AND NEW.state != 'sent'
BEGIN
    INSERT INTO metric (name, modem, keyword, state, n)
        VALUES ('attempt_failed', coalesce(NEW.modem, ''), '', '', NEW.attempts - OLD.attempts)
        ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
