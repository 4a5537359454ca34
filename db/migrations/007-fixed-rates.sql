-- remitline schema version 7: a source may publish fixed parities (the CFA francs' 655.957 to
-- the euro since 1999). Such a rate does not age: it is never marked as old data, and the date
-- of a rate derived through it is the date of the other leg.
ALTER TABLE source ADD COLUMN fixed INTEGER NOT NULL DEFAULT 0;
