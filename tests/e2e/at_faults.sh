#!/bin/bash
# Faults of the AT modem the gateway must ride out: sends refused with +CMS ERROR are retried
# and delivered once each without holding up the rest; a SIM found full is reported in plain
# words and drained, with what the network held while it was full.
. "$(dirname "$0")/lib.inc"
. "$(dirname "$0")/atmodem.inc"

start_modem sim1 --slots 30
MAX_BACKOFF=2 write_conf "$WORK/remitline.conf" sim1

# 1. Ten questions wait on the SIM; the first three sends are refused (+CMS ERROR: 500).
modem sim1 fail 3 500 >/dev/null
for i in $(seq 10 19); do
    modem sim1 sms "+6391700000$i" "RATE EUR PHP" >/dev/null || fail "put $i"
done
run_daemon "$WORK/run.log" 1 -c "$WORK/remitline.conf"
wait_until 60 "ten replies" is 10 sent sim1
[ "$(events sim1 'r["event"] == "refused" and r["error"] == 500')" = 3 ] || fail "three refused: $(event_lines sim1 True)"
refused=$(event_lines sim1 'r["event"] == "refused"' | python3 -c 'import json,sys; print(" ".join(json.loads(l)["to"] for l in sys.stdin))')
for n in $refused; do
    [ "$(sent sim1 "r[\"to\"] == \"$n\"")" = 1 ] || fail "$n delivered $(sent sim1 "r[\"to\"] == \"$n\"") times"
done
[ "$(records sim1 | python3 -c 'import json,sys; print(len({json.loads(l)["to"] for l in sys.stdin}))')" = 10 ] ||
    fail "each of the ten once: $(records sim1)"
# Not held up: something else went out between a refusal and its retry.
python3 - "$WORK/sim1.jsonl" <<'PY' || fail "a refused message held up the rest: $(event_lines sim1 True)"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
rows = [r for r in rows if r["event"] in ("submit", "refused")]
for i, r in enumerate(rows):
    if r["event"] != "refused":
        continue
    later = rows[i + 1:]
    retry = next(j for j, x in enumerate(later) if x["to"] == r["to"] and x["event"] == "submit")
    others = [x for x in later[:retry] if x["to"] != r["to"] and x["event"] == "submit"]
    if not others and any(x["to"] != r["to"] for x in later):
        sys.exit(1)
PY
[ "$(q "SELECT count(*) FROM outbox WHERE state = 'sent' AND attempts = 2")" = 3 ] ||
    fail "three sent at the second attempt: $(q "SELECT recipient, state, attempts FROM outbox")"
[ "$(q "SELECT count(*) FROM outbox WHERE state = 'sent'")" = 10 ] || fail "ten sent"
expect_contains "the refusal is logged" "result=retry" "$(cat "$WORK/run.log")"

# 1b. A long alert whose second part is refused: only that part and the ones after it go
#     again, under the same reference; the first is not sent twice.
modem sim1 sms +639170000099 "JOIN PH" >/dev/null
wait_until 30 "the JOIN reply" is 1 sent sim1 'r["to"] == "+639170000099"'
modem sim1 fail 1 500 --after 1 >/dev/null
"$RL" broadcast -c "$WORK/remitline.conf" --topic PH --id long-fail --text "$(printf 'Fee drop to the Philippines, compare before you send. %.0s' $(seq 6))" >/dev/null ||
    fail "broadcast"
wait_until 30 "the last part" is 1 sent sim1 'r["to"] == "+639170000099" and r["udh"] is not None and r["udh"]["part"] == r["udh"]["total"]'
[ "$(events sim1 'r["event"] == "refused" and r["to"] == "+639170000099" and r["udh"]["part"] == 2')" = 1 ] ||
    fail "part 2 refused once: $(event_lines sim1 'r["to"] == "+639170000099"')"
for part in 1 2 3; do
    [ "$(sent sim1 "r[\"to\"] == \"+639170000099\" and r[\"udh\"] is not None and r[\"udh\"][\"part\"] == $part")" = 1 ] ||
        fail "part $part sent other than once: $(event_lines sim1 'r["to"] == "+639170000099"')"
done
[ "$(records sim1 'r["to"] == "+639170000099" and r["udh"] is not None' | python3 -c 'import json,sys; print(len({json.loads(l)["udh"]["ref"] for l in sys.stdin}))')" = 1 ] ||
    fail "the resent parts under another reference"
stop_daemon "$WORK/run.log"

# 2. A full SIM: while the gateway is stopped, eight texts reach a five-slot SIM; the network holds
#    three.
modem sim1 slots 5 >/dev/null On start the gateway says so in plain words, reads and deletes, and the held three
#    land and are answered: each of the eight once.
for i in $(seq 20 27); do
    modem sim1 sms "+6391700000$i" "FEE USA PHL" >/dev/null || fail "put $i"
done
[ "$(modem_stat sim1 pending)" = 3 ] || fail "three held by the network: $(modem sim1 status)"
run_daemon "$WORK/run.log" 1 -c "$WORK/remitline.conf"
wait_log "$WORK/run.log" "modem sim1: the SIM's message memory is full; reading and deleting now" 10
wait_until 60 "eight answers" is 8 sent sim1 '"+639170000020" <= r["to"] <= "+639170000027"'
wait_until 10 "the SIM drained" is 0 modem_stat sim1 sim
[ "$(modem_stat sim1 pending)" = 0 ] || fail "the network still holds some: $(modem sim1 status)"
[ "$(q "SELECT count(*) FROM inbox WHERE sender BETWEEN '+639170000020' AND '+639170000027'")" = 8 ] || fail "eight stored"
stop_daemon "$WORK/run.log"
done_ok
