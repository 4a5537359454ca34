-- remitline schema version 13: parts a modem may have sent twice. When the link to a modem dies
-- after the modem took a part but before the network's answer came, nobody can tell whether the
-- part went out; the message goes again (nothing may be lost), so the recipient may get it
-- twice. The modem thread counts each such case here, for `remitline status` and /metrics.
ALTER TABLE modem_status ADD COLUMN maybe_twice INTEGER NOT NULL DEFAULT 0;
