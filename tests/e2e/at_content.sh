#!/bin/bash
# What goes through the AT modem whole: a long message as concatenated parts under one
# reference, UCS-2 (accents, non-Latin scripts, an emoji) as sent, and a long question whose parts
# reach the SIM out of order (and one part much later) answered once, as a whole.
. "$(dirname "$0")/lib.inc"
. "$(dirname "$0")/atmodem.inc"

start_modem sim1
write_conf "$WORK/remitline.conf" sim1
run_daemon "$WORK/run.log" 1 -c "$WORK/remitline.conf"
bc() { "$RL" broadcast -c "$WORK/remitline.conf" "$@" >/dev/null || fail "broadcast $*"; }
# joined NUMBER: the texts of the parts sent to NUMBER, in part order, for each reference.
joined() {
    records sim1 "r[\"to\"] == \"$1\"" | python3 -c '
import json, sys, collections
by = collections.defaultdict(list)
for l in sys.stdin:
    r = json.loads(l)
    u = r["udh"] or {"ref": "single-%d" % r["mr"], "part": 1, "total": 1}
    by[u["ref"]].append((u["part"], u["total"], r["text"], r["coding"]))
for ref, parts in by.items():
    parts.sort()
    ok = [p[0] for p in parts] == list(range(1, parts[0][1] + 1))
    print("%s|%d|%s|%s|%s" % (ref, len(parts), "whole" if ok else "broken", parts[0][3], "".join(p[2] for p in parts)))
'
}

# Two followers of the Philippines topic, by SMS through the modem.
for n in +639170000001 +639170000002; do
    modem sim1 sms "$n" "JOIN PH" >/dev/null || fail "join $n"
done
wait_until 30 "two JOIN replies" is 2 sent sim1

# 1. A long alert (three parts of GSM 7-bit, with extension-table characters): concatenated,
#    one reference per person, the parts in order make the text.
long="Fee drop: sending PHP to the Philippines now costs less at most banks [from EUR 3 to EUR 1]; compare before you send {see RATE EUR PHP}, and never pay an agent who asks for a fee by e-transfer. Your bank's own app is often the cheapest way. Keep every receipt. Questions: text GUIDE PHL. Scams: text GUIDE PHL scam. \\End of notice~"
bc --topic PH --id long-1 --text "$long"
wait_until 30 "the long alert to both" is 2 sent sim1 'r["udh"] is not None and r["udh"]["part"] == r["udh"]["total"]'
for n in +639170000001 +639170000002; do
    got=$(joined "$n" | grep '|whole|gsm7|' | grep -F "End of notice~") || fail "long alert to $n: $(joined "$n")"
    expect_contains "long alert whole to $n" "$long" "$got"
    parts=$(echo "$got" | cut -d'|' -f2)
    [ "$parts" -ge 2 ] || fail "one part for a long text: $got"
done
refs=$(records sim1 'r["udh"] is not None' | python3 -c 'import json,sys; print(len({(json.loads(l)["to"], json.loads(l)["udh"]["ref"]) for l in sys.stdin}))')
[ "$refs" = 2 ] || fail "one reference per person, got $refs: $(records sim1 'r["udh"] is not None')"

# 2. UCS-2: Cyrillic, Arabic, Devanagari, an emoji and the accents GSM 7-bit has, short (one
#    part) and long (several), arrive exactly as sent. (Accents GSM 7-bit lacks, such as c-cedilla,
#    are folded by the language's `transliterate` before queueing, by design: what arrives is then
#    what the outbox holds.)
uni="Внимание: комиссия ниже; تنبيه; सूचना 😀 é ñ ü à"
bc --topic PH --id uni-1 --text "$uni"
wait_until 30 "the UCS-2 alert" is 2 sent sim1 'r["coding"] == "ucs2"'
for n in +639170000001 +639170000002; do
    got=$(joined "$n" | grep '|whole|ucs2|') || fail "UCS-2 to $n: $(joined "$n")"
    [ "${got##*|}" = "$uni" ] || fail "UCS-2 to $n not as sent: ${got##*|}"
done
unilong="Atenção: taxa em queda ç ã õ ê. $uni $uni"
bc --topic PH --id uni-2 --text "$unilong"
wait_until 30 "the long UCS-2 alert" is 2 sent sim1 'r["coding"] == "ucs2" and r["udh"] is not None and r["udh"]["part"] == r["udh"]["total"]'
for n in +639170000001 +639170000002; do
    want=$(q "SELECT text FROM outbox WHERE alert_id = 'uni-2' AND recipient = '$n'")
    expect_contains "the outbox keeps the scripts" "$uni $uni" "$want"
    got=$(joined "$n" | grep '|whole|ucs2|' | grep -F "$uni $uni") || fail "long UCS-2 to $n: $(joined "$n")"
    [ "${got##*|}" = "$want" ] || fail "long UCS-2 to $n not as queued: ${got##*|} vs $want"
    [ "$(echo "$got" | cut -d'|' -f2)" -ge 2 ] || fail "the long UCS-2 alert in one part"
done
# No part over the limit of one SMS (70 UTF-16 units, 67 in a concatenated part).
[ "$(sent sim1 'r["coding"] == "ucs2" and len(r["text"].encode("utf-16-be")) > (134 if r["udh"] else 140)')" = 0 ] ||
    fail "a UCS-2 part over the limit"

# 3. A long question whose three parts reach the SIM out of order: answered once, as one.
q3="fee from united states to mexico please, I want to know how much it costs to send two hundred dollars to my mother who lives in the state of Oaxaca, thank you very much for the help, from her son working in Chicago, who sends money every month and would like to find the cheapest and the safest way to do it before the holidays start, and who has heard that some agencies charge much more than the banks do"
out=$(modem sim1 sms --order 2,0,1 +15550000003 "$q3") || fail "$out"
expect_contains "three parts" "parts=3" "$out"
wait_until 30 "the answer to the long question" is 1 sent sim1 'r["to"] == "+15550000003"'
[ "$(sent sim1 'r["to"] == "+15550000003" and "United States>Mexico" in r["text"]')" = 1 ] || fail "answer: $(records sim1 'r["to"] == "+15550000003"')"
[ "$(q "SELECT count(*) || '/' || max(parts) FROM inbox WHERE sender = '+15550000003'")" = 1/3 ] ||
    fail "stored as one of three parts: $(q "SELECT id, parts, complete FROM inbox WHERE sender = '+15550000003'")"
[ "$(q "SELECT text FROM inbox WHERE sender = '+15550000003'")" = "$q3" ] || fail "the question whole"

# 4. Two parts first, the middle one after they were read and deleted: still one answer.
out=$(modem sim1 sms --only 2,0 --ref 200 +15550000004 "$q3") || fail "$out"
wait_until 30 "the first parts read" is 0 modem_stat sim1 sim
wait_until 10 "the parts kept" is 2 q "SELECT count(*) FROM inbox_part WHERE sender = '+15550000004'"
[ "$(sent sim1 'r["to"] == "+15550000004"')" = 0 ] || fail "answered before the last part"
modem sim1 sms --only 1 --ref 200 +15550000004 "$q3" >/dev/null || fail "the middle part"
wait_until 30 "the answer once the middle part came" is 1 sent sim1 'r["to"] == "+15550000004"'
[ "$(q "SELECT text FROM inbox WHERE sender = '+15550000004'")" = "$q3" ] || fail "the late question whole"
sleep 1
[ "$(sent sim1 'r["to"] in ("+15550000003", "+15550000004")')" = 2 ] || fail "answered more than once"
wait_until 10 "the SIM emptied" is 0 modem_stat sim1 sim
stop_daemon "$WORK/run.log"
done_ok
