-- remitline schema version 13: indexes for the operator's console (GET /console/...), which an
-- operator may leave open and reloading: each page's counts must read index ranges, never the
-- whole outbox. Today's failures per modem (`remitline status` and the status page), and each
-- alert's messages by state with their parts (`broadcast status` and the broadcasts page).
CREATE INDEX outbox_failed ON outbox(modem, next_attempt_at) WHERE state = 'failed';
CREATE INDEX outbox_alert_state ON outbox(alert_id, state, parts) WHERE alert_id IS NOT NULL;
