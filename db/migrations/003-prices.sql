-- remitline schema version 3: provider-level prices from the World Bank RPW firm-level dataset.
--
-- A firm-level row gives two quotes, for the equivalent of USD 200 (cc1) and USD 500 (cc2);
-- both are kept, told apart by `denom` (the USD denomination). `firm` and `product` identify
-- what a provider sells on a corridor, so that the latest period of each (firm, corridor,
-- product, denomination) can be live and the older ones history, across files (the workbook's
-- two sheets arrive as two CSV files). Quotes from content files leave all three NULL.
ALTER TABLE quote ADD COLUMN denom REAL;      -- USD 200 or 500; NULL: not a firm-level quote
ALTER TABLE quote ADD COLUMN firm TEXT;       -- folded firm name; NULL for other quotes
ALTER TABLE quote ADD COLUMN product TEXT;    -- product or instrument/access point/pickup

CREATE INDEX quote_firm ON quote(firm, src, dst, product, denom, period) WHERE firm IS NOT NULL;
CREATE INDEX quote_history ON quote(src, dst, period) WHERE firm IS NOT NULL;
