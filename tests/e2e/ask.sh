#!/bin/bash
# `remitline ask`, `import` and `check` as an operator uses them, from a fresh directory with no
# configuration: the database appears at ./var/remitline.db and the shipped content is found.
. "$(dirname "$0")/lib.inc"

# First use imports the shipped content by itself.
out=$("$RL" ask "FEE USA MEX" 2>"$WORK/first.err") || fail "ask failed: $(cat "$WORK/first.err")"
[ -f var/remitline.db ] || fail "no ./var/remitline.db after first use"
expect_contains "first use notice" "importing" "$(cat "$WORK/first.err")"
expect_contains "FEE USA MEX" "United States>Mexico USD200: avg cost 4.2%" "$out"
expect_contains "FEE USA MEX source" "WB 2020Q3" "$out"
expect_contains "FEE USA MEX rate source" "ECB 13Apr26" "$out"

out=$("$RL" ask "RATE USD PHP")
expect_contains "RATE USD PHP" "1 USD = 60.2157 PHP" "$out"
expect_contains "RATE USD PHP derived" "derived" "$out"

out=$("$RL" ask HELP)
expect_contains "HELP" "FEE USA MEX 200" "$out"

# Unquoted words and -v.
out=$("$RL" ask -v fee from usa to philippines 300 2>"$WORK/v.err")
expect_contains "unquoted" "USD300" "$out"
expect_contains "-v" "coding=GSM-7" "$(cat "$WORK/v.err")"
expect_contains "-v parts" "parts=1" "$(cat "$WORK/v.err")"

# Bulk mode: one reply per line of stdin, in order, bad input included.
printf 'FEE USA MEX\n\nRATE EUR XOF\n\377\376 bad\nFEE %s\n' "'; DROP TABLE quote;--" \
    | "$RL" ask >"$WORK/bulk.out" || fail "bulk ask failed"
[ "$(wc -l <"$WORK/bulk.out")" -eq 5 ] || fail "bulk: expected 5 lines, got $(cat "$WORK/bulk.out")"
expect_contains "bulk line 3" "1 EUR = 655.957 XOF (BCEAO 01Jan99)" "$(sed -n 3p "$WORK/bulk.out")"
out=$("$RL" ask "FEE USA MEX")
expect_contains "still answering after SQL-looking text" "avg cost" "$out"

# A 2,000-character message and control characters get an answer, never a crash.
long=$(head -c 2000 /dev/zero | tr '\0' 'x')
expect_status "2000 chars" 0 "$RL" ask "$long"
expect_status "controls" 0 "$RL" ask "$(printf 'FEE\001\002\033[31m USA MEX')"

# --from answers as the gateway would answer that number, and changes nothing it saved unless
# --save: a LANG tried out with ask is not that person's language.
N=+15550100
out=$("$RL" ask --from $N "LANG ES")
expect_contains "--from LANG answered" "español" "$out"
[ -z "$(sqlite3 var/remitline.db "SELECT lang FROM conversation WHERE number = '$N'")" ] ||
    fail "ask --from saved a language without --save"
[ "$(sqlite3 var/remitline.db "SELECT count(*) FROM inbox WHERE sender = '$N'")" = 0 ] ||
    fail "ask --from recorded a message without --save"
"$RL" ask --from $N --save "LANG ES" >/dev/null
[ "$(sqlite3 var/remitline.db "SELECT lang FROM conversation WHERE number = '$N'")" = es ] ||
    fail "ask --from --save did not save the language"
expect_contains "--save recorded through ask" "ask" \
    "$(sqlite3 var/remitline.db "SELECT modem FROM inbox WHERE sender = '$N'")"
# A STOP tried with --from leaves the number subscribed to nothing less; the guards speak in -v.
"$RL" ask --from $N "STOP" >/dev/null
[ "$(sqlite3 var/remitline.db "SELECT count(*) FROM consent WHERE number = '$N'")" = 0 ] ||
    fail "ask --from recorded a consent without --save"
out=$("$RL" ask -v --from MYBANK "Your OTP is 1234" 2>"$WORK/g.err")
[ -z "$out" ] || fail "an alphanumeric sender was answered by ask --from: $out"
expect_contains "-v says why" 'reason="alphanumeric sender id"' "$(cat "$WORK/g.err")"
expect_status "--save needs --from" 2 "$RL" ask --save "HELP"

# Import again: nothing changes.
n=$(ls "$SRC"/conf/content/*.conf "$SRC"/conf/content/data/*.csv | wc -l)
out=$("$RL" import)
expect_contains "re-import" "imported $n files ($n unchanged), 0 rows" "$out"

# An operator's mistake: every problem with file:line, exit 1, the old content stays live.
cat >"$WORK/mine.conf" <<'CONF'
sources = ( { key = "survey"; short = "NGO"; name = "Our survey"; } );
providers = ( { key = "p1"; name = "Corner Shop"; type = "shop"; } );
quotes = (
  { from = "USA"; to = "MEX"; provider = "p1"; amount = 200; currency = "USD";
    fee = "five"; fx_margin = 1.0; period = "2026-11-20"; source = "survey"; }
);
CONF
expect_status "bad import" 1 "$RL" import "$WORK/mine.conf"
expect_contains "bad type" "mine.conf:2: provider p1: type must be bank, mto, mobile or post" \
    "$(cat "$WORK/.err")"
expect_contains "bad fee" "mine.conf:5: quote: 'fee' must be a number" "$(cat "$WORK/.err")"
expect_contains "nothing changed" "nothing was changed" "$(cat "$WORK/.err")"
out=$("$RL" ask "FEE USA MEX")
expect_contains "old content live" "avg cost 4.2%" "$out"

# The operator fixes the file: the survey quote now answers first.
sed -i 's/type = "shop"/type = "mto"/; s/fee = "five"/fee = 5.0/' "$WORK/mine.conf"
expect_status "good import" 0 "$RL" import "$WORK/mine.conf"
out=$("$RL" ask "FEE USA MEX")
expect_contains "survey quote" "1)Corner Shop 3.5%" "$out"
expect_contains "survey source" "NGO 2026-11-20" "$out"

# check: configuration OK, or each problem.
out=$("$RL" check)
expect_contains "check" "configuration OK" "$out"
printf 'database = "x.db";\nmax_parts = 99;\nmodem = "none";\n' >"$WORK/bad.conf"
expect_status "check bad config" 1 "$RL" check -c "$WORK/bad.conf"
expect_contains "check range" "bad.conf:2: 'max_parts' must be between 1 and 10" "$(cat "$WORK/.err")"
expect_contains "check unknown" "bad.conf:3: unknown setting 'modem'" "$(cat "$WORK/.err")"
expect_status "check bad content" 1 "$RL" check "$SRC/tests/fixtures/broken/unknown-key.conf"

# From another directory, with a config file naming the database relative to itself.
mkdir -p "$WORK/site" "$WORK/elsewhere"
printf 'database = "data/site.db";\ndefault_language = "fr";\n' >"$WORK/site/remitline.conf"
mkdir -p "$WORK/site/data"
out=$(cd "$WORK/elsewhere" && "$RL" ask -c ../site/remitline.conf "USA MEX" 2>/dev/null)
[ -f "$WORK/site/data/site.db" ] || fail "config-relative database not created"
expect_contains "default language" "cout moyen" "$out"

# Bad input kept, never mangled: a text with terminal escapes is shown escaped by `log`; a
# sender too long to be a number is recorded and not answered; one longer than a row is refused.
"$RL" ask --from +15550177 --save "$(printf 'HELP\033]0;owned\007\033[2J\302\233x')" >/dev/null
out=$("$RL" log --full-numbers --limit 5)
expect_contains "log escapes ESC" 'HELP\x1b]0;owned\x07\x1b[2J\xc2\x9bx' "$out"
case "$out" in *$'\033'* | *$'\007'*) fail "log printed a control character raw" ;; esac
# log names each row's sequence (in#N, out#N), transport, modem and kind; a header row only on
# a terminal, so a pipe gets the rows alone.
expect_contains "log: id with its sequence, door, kind" "$(printf '%-9s %-11s %-8s %-15s %-9s %-9s' \
    "in#$(sqlite3 var/remitline.db "SELECT max(id) FROM inbox WHERE sender = '+15550177'")" cli ask \
    +15550177 answered help)" "$out"
expect_not_contains "no header into a pipe" "TRANSPORT" "$out"
if command -v script >/dev/null; then
    expect_contains "a header on a terminal" "TIME                 ID        TRANSPORT" \
        "$(script -qec "$RL log --limit 1" /dev/null)"
else
    skip_part "log's header on a terminal: no script(1) here"
fi
long=+$(printf '9%.0s' $(seq 50))
out=$("$RL" ask -v --from "$long" --save "FEE USA MEX" 2>"$WORK/long.err")
[ -z "$out" ] || fail "a 50-digit sender was answered: $out"
expect_contains "long sender: why" 'number longer than E.164 allows' "$(cat "$WORK/long.err")"
[ "$(sqlite3 var/remitline.db "SELECT count(*) FROM inbox WHERE sender = '$long'")" = 1 ] ||
    fail "the 50-digit sender was not recorded whole"
expect_status "sender over the row" 2 "$RL" ask --from "+$(printf '9%.0s' $(seq 300))" HELP
expect_contains "sender over the row says so" "a sender is 1 to" "$(cat "$WORK/.err")"

# Unknown subcommand and usage errors say what to do.
expect_status "unknown command" 2 "$RL" frobnicate
expect_contains "unknown command hint" "remitline help" "$(cat "$WORK/.err")"
done_ok
