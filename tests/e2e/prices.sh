#!/bin/bash
# The RPW firm-level dataset as an operator imports it: `import --format rpw`, the summary of
# skipped rows, a broken file refused whole, `sources`, and FEE answering from the new prices.
. "$(dirname "$0")/lib.inc"
FIX="$SRC/tests/fixtures/rpw"

"$RL" import >/dev/null 2>&1 || fail "shipped content did not import"

out=$("$RL" import --format rpw "$FIX/current.csv") || fail "rpw import failed"
expect_contains "rpw summary" "firm-level rows: 7 read, 7 imported, 0 skipped" "$out"

# Detected from the header, upper case and the older layout.
out=$("$RL" import "$FIX/older-upper.csv") || fail "older layout import failed"
expect_contains "older layout" "3 read, 3 imported" "$out"

# Bad rows: skipped with their line numbers, the rest imported.
out=$("$RL" import "$FIX/broken-rows.csv") || fail "broken rows should not fail the import"
expect_contains "skip summary" "skipped: 1 unreadable CSV row" "$out"
expect_contains "skip line" "broken-rows.csv:3: bad period (sometime)" "$out"

# A broken file: rejected whole, nothing changed.
expect_status "broken file" 1 "$RL" import --format rpw "$FIX/broken-file.csv"
expect_contains "missing column" "missing column 'cc1 lcu fee'" "$(cat "$WORK/.err")"
expect_contains "nothing changed" "nothing was changed" "$(cat "$WORK/.err")"

out=$("$RL" sources)
expect_contains "sources firms" "wb-rpw-firms" "$out"
expect_contains "sources corridors" "wb-rpw-corridors" "$out"
out=$("$RL" sources --json)
expect_contains "sources json" '"key":"wb-rpw-firms"' "$out"

out=$("$RL" ask "FEE USA MEX 450")
expect_contains "USD 500 quotes" "(USD500 quotes)" "$out"
expect_contains "cheapest" "1)Acme Transfer 2.1%" "$out"
expect_contains "old data, price and rate" "(old data: 2020Q3, 13Apr26)" "$out"

# Issue 13, through the answer service as a phone's SMS would go: an amount far from what the
# survey priced gets the percentage only; one implausible in the sender's currency is asked
# about, and the digit answers the choice the database kept for that number.
out=$("$RL" ask "FEE USA MEX 5000")
expect_contains "far amount" "USD5000 (far from the USD500 surveyed: % only, fee unknown)" "$out"
expect_not_contains "no stretched fee" "arrives" "$out"
out=$("$RL" ask --from +255712345678 --save "FEE TZA KEN 500")
expect_contains "which currency" "1=USD500 2=TZS500" "$out"
out=$("$RL" ask --from +255712345678 --save "1")
expect_contains "choice taken" "Tanzania>Kenya USD500" "$out"
expect_contains "zero" "Send an amount above 0" "$("$RL" ask "fee usa mex 0")"
expect_contains "unknown currency" "No rates for BTC" "$("$RL" ask --from +639171234567 "rate btc usd")"
expect_contains "lev" "1 EUR = 1.95583 BGN" "$("$RL" ask "RATE EUR BGN")"
expect_contains "no German" "Language DE is not available" "$("$RL" ask "LANG DE")"
expect_contains "peso filipino" "PHP" "$("$RL" ask "tipo de cambio dolar a peso filipino")"

out=$("$RL" ask "FEE USA MEX TREND")
expect_contains "trend" "in 2019Q3 ->" "$out"
done_ok
