-- remitline schema version 13: how a language writes dates and numbers. A reply in French
-- says "13 avr. 2026", not "13Apr26", and a reply for a country whose decimal mark differs
-- from the language's usual one (Spanish for Mexico: 1.5, for Spain: 1,5) uses the country's.
ALTER TABLE lang ADD COLUMN months TEXT NOT NULL DEFAULT '';   -- 12 abbreviations, '|'-separated
ALTER TABLE lang ADD COLUMN other_decimal_in TEXT NOT NULL DEFAULT ''; -- ISO2 codes, ' '-separated
