#!/bin/bash
# The test modem (tests/atmodem.py) checked against Gammu's own command-line tool, before the
# gateway is tried on it (the other at_*.sh): identify, read every SMS (single, UCS-2,
# multipart), send (GSM 7-bit with extension characters, UCS-2, concatenated), delete, USSD,
# an injected +CMS ERROR, and unplug/replug. A failure here is the test modem's, not the gateway's.
. "$(dirname "$0")/lib.inc"
. "$(dirname "$0")/atmodem.inc"

command -v gammu >/dev/null || fail "gammu (Debian package gammu) is needed (make test installs it)"
start_modem m1 --slots 10
cat >"$WORK/gammurc" <<RC
[gammu]
device = $WORK/m1.tty
connection = at
logformat = textalldate
logfile = $WORK/gammu.log
RC
g() { timeout 60 gammu -c "$WORK/gammurc" "$@" 2>&1; }

out=$(g identify) || fail "gammu identify: $out"
expect_contains "manufacturer" "Huawei" "$out"
expect_contains "model" "E173" "$out"
expect_contains "imei" "861234010000001" "$out"

modem m1 sms +639170000001 "FEE USA PHL" >/dev/null || fail "put a text"
modem m1 sms --ucs2 +639170000002 "Ça coûte 5 € — Привет 😀" >/dev/null || fail "put a UCS-2 text"
long="$(printf 'part of a long message %.0s' $(seq 12))[{€}]"
modem m1 sms --order 1,0 --ref 77 +15550000002 "$long" >/dev/null || fail "put a long text"
modem m1 sms --ref16 --ref 4660 --only 1 +15550000003 "$long" >/dev/null || fail "put a 16-bit part"
modem m1 sms MyBank "Your code is 1234" >/dev/null || fail "put a text from a sender id"
out=$(g getallsms) || fail "gammu getallsms: $out"
expect_contains "single" "FEE USA PHL" "$out"
expect_contains "16-bit reference" "ID (16 bit) 4660, part 2 of 2" "$out"
expect_contains "alphanumeric sender" '"MyBank"' "$out"
expect_contains "sender" '"+639170000001"' "$out"
expect_contains "ucs2" "Ça coûte 5 € — Привет 😀" "$out"
expect_contains "udh part 2 first" "ID (8 bit) 77, part 2 of 2" "$out"
expect_contains "udh part 1" "ID (8 bit) 77, part 1 of 2" "$out"
expect_contains "extension chars" "[{€}]" "$out"
expect_contains "count" "6 SMS parts in 6 SMS sequences" "$out"

# Gammu numbers Huawei's SIM locations from 1 (they start at 0 on the stick).
out=$(g deletesms 1 1) || fail "gammu deletesms: $out"
out=$(g deletesms 1 5 6) || fail "gammu deletesms: $out"
[ "$(modem_stat m1 sim)" = 3 ] || fail "deleted three of six: $(modem m1 status)"
[ "$(modem_stat m1 deleted)" = 3 ] || fail "deletes counted"

out=$(g sendsms TEXT +639171234567 -text "Hello {world} €5") || fail "sendsms gsm7: $out"
expect_contains "sent" "OK, message reference=1" "$out"
out=$(g sendsms TEXT +639171234567 -unicode -text "Ça coûte 5 € — Привет") || fail "sendsms ucs2: $out"
out=$(g sendsms TEXT +639171234568 -len 400 -text "$(printf 'abcdefghij%.0s' $(seq 30))") || fail "sendsms long: $out"
[ "$(sent m1)" = 4 ] || fail "4 SMS recorded: $(records m1)"
[ "$(sent m1 'r["to"] == "+639171234567" and r["text"] == "Hello {world} €5" and r["coding"] == "gsm7" and r["udh"] is None and r["mr"] == 1')" = 1 ] ||
    fail "gsm7 record: $(records m1)"
[ "$(sent m1 'r["text"] == "Ça coûte 5 € — Привет" and r["coding"] == "ucs2"')" = 1 ] || fail "ucs2 record: $(records m1)"
[ "$(sent m1 'r["to"] == "+639171234568" and r["udh"]["total"] == 2')" = 2 ] || fail "two parts: $(records m1)"
[ "$(records m1 'r["to"] == "+639171234568"' | python3 -c 'import json,sys; print(len({json.loads(l)["udh"]["ref"] for l in sys.stdin}))')" = 1 ] ||
    fail "one reference for both parts"
[ "$(records m1 'r["to"] == "+639171234568"' | python3 -c 'import json,sys; print("".join(json.loads(l)["text"] for l in sys.stdin))')" = "$(printf 'abcdefghij%.0s' $(seq 30))" ] ||
    fail "the parts make the text"

modem m1 fail 1 500 >/dev/null
out=$(g sendsms TEXT +639171234569 -text "refused") && fail "a refused send succeeded: $out"
expect_contains "cms error" "error 500" "$out"
[ "$(events m1 'r["event"] == "refused" and r["error"] == 500')" = 1 ] || fail "refusal recorded"

modem m1 ussd "Balance: 12.50 USD" >/dev/null
out=$(g getussd '*100#') || fail "gammu getussd: $out"
expect_contains "ussd answer" "Balance: 12.50 USD" "$out"
[ "$(events m1 'r["event"] == "ussd" and r["code"] == "*100#"')" = 1 ] || fail "USSD code recorded: $(event_lines m1 True)"

modem m1 unplug >/dev/null
[ -e "$WORK/m1.tty" ] && fail "the link stays while unplugged"
out=$(g identify) && fail "identify on an unplugged modem: $out"
modem m1 replug >/dev/null
out=$(g identify) || fail "identify after the replug: $out"
expect_contains "replugged" "E173" "$out"

# A full SIM: the network holds what does not fit, the stick says ^SMMEMFULL, and what the
# network held lands as locations are freed.
modem m1 slots 3 >/dev/null
out=$(modem m1 sms +639170000009 "one too many") || fail "$out"
expect_contains "held" "locations=held" "$out"
[ "$(modem_stat m1 pending)" = 1 ] || fail "one held: $(modem m1 status)"
out=$(g deletesms 1 2 3) || fail "deletesms: $out"
wait_until 5 "the held message to land" is 0 modem_stat m1 pending
out=$(g getallsms) || fail "getallsms after the full SIM: $out"
expect_contains "held one landed" "one too many" "$out"

modem m1 quit >/dev/null
done_ok
