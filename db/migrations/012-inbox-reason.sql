-- remitline schema version 12: why a message got no answer. The answer service writes it with
-- the message's state, in the same transaction: a guard's reason (an alphanumeric sender id, a
-- short code, a mute for looping and why, the limit of answers), or that the number said STOP.
-- `remitline phone` reads it to say why no reply came. NULL when the message was answered.
ALTER TABLE inbox ADD COLUMN reason TEXT;
