#!/bin/bash
# A dongle pulled out for 20 s while the gateway is idle and plugged back in: the gateway says so
# once (not once per reconnect try), reconnects within seconds of the replug, and what reached
# the SIM meanwhile is answered once; nothing is lost or sent twice. (Pulled out in the middle of
# a send: at_unplug_send.sh.)
. "$(dirname "$0")/lib.inc"
. "$(dirname "$0")/atmodem.inc"

start_modem sim1
write_conf "$WORK/remitline.conf" sim1
run_daemon "$WORK/run.log" 1 -c "$WORK/remitline.conf"
for i in $(seq 10 19); do
    modem sim1 sms "+6391700000$i" "RATE EUR PHP" >/dev/null || fail "put $i"
done
wait_until 60 "ten replies" is 10 sent sim1
wait_until 10 "the SIM emptied" is 0 modem_stat sim1 sim
lines=$(wc -l <"$WORK/run.log")
modem sim1 unplug >/dev/null
wait_until 20 "the unplug noticed" eval "tail -n +$((lines + 1)) '$WORK/run.log' | grep -q 'modem-state modem=sim1 state=down'"
# Texts keep reaching the SIM while it is out of the gateway's reach.
for i in $(seq 20 24); do
    modem sim1 sms "+6391700000$i" "RATE EUR PHP" >/dev/null || fail "put $i"
done
sleep 20
modem sim1 replug >/dev/null
replugged=$(date +%s)
wait_until 60 "the reconnection" eval "tail -n +$((lines + 1)) '$WORK/run.log' | grep -q 'modem-state modem=sim1 state=connected'"
took=$(($(date +%s) - replugged))
[ "$took" -le 15 ] || fail "reconnected $took s after the replug"
wait_until 60 "all 15 answered" is 15 sent sim1
sleep 2
[ "$(records sim1 | python3 -c 'import json,sys,collections; c=collections.Counter(json.loads(l)["to"] for l in sys.stdin); print(max(c.values()))')" = 1 ] ||
    fail "a reply went twice: $(records sim1)"
[ "$(q "SELECT count(*) FROM outbox WHERE state = 'sent'")" = 15 ] || fail "outbox: $(q "SELECT recipient, state, attempts FROM outbox WHERE state != 'sent'")"
[ "$(q "SELECT count(*) FROM inbox")" = 15 ] || fail "inbox lost or doubled"
[ "$(modem_stat sim1 sim)" = 0 ] || fail "the SIM not emptied"
[ "$(q "SELECT count(*) FROM outbox WHERE attempts > 1")" = 0 ] ||
    fail "attempts burned: $(q "SELECT recipient, attempts, last_error FROM outbox WHERE attempts > 1")"
# One log line per state change, not one per reconnect try in 20 s: down (said again only when
# its reason changes: the link lost while reading, then the device gone) and connected once.
after=$(tail -n +$((lines + 1)) "$WORK/run.log" | grep 'modem-state modem=sim1')
[ "$(echo "$after" | grep -c 'state=connected')" = 1 ] || fail "connected said more than once: $after"
[ "$(echo "$after" | grep -c 'state=down')" -le 2 ] || fail "down said more than twice: $after"
[ "$(echo "$after" | sort | uniq -d)" = "" ] || fail "a state line repeated: $after"
stop_daemon "$WORK/run.log"
done_ok
