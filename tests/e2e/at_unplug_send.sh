#!/bin/bash
# A dongle pulled out for 20 s in the middle of a send, a burst queued behind it, and plugged
# back in: the gateway treats the dead link as a device error, says so once, reconnects within
# seconds of the replug, loses nothing, sends nothing twice, and burns no attempt of the queued
# replies on the missing modem.
# (Before #14 item 5, when the unplug came while the gateway waited for +CMGS, its 60 s wait
# ignored the dead link, then every queued reply lost an attempt ("Failed to get SMSC number from
# phone."), and the reconnection came about 40 s after the replug. Pulled out a moment earlier,
# inside GSM_SendSMS, it worked: the outcome depends on the instant, so this test makes the send
# in progress last 15 s and pulls the stick out while the modem holds it.)
. "$(dirname "$0")/lib.inc"
. "$(dirname "$0")/atmodem.inc"

start_modem sim1 --send-delay 1
write_conf "$WORK/remitline.conf" sim1
run_daemon "$WORK/run.log" 1 -c "$WORK/remitline.conf"

for i in $(seq 10 29); do
    modem sim1 sms "+6391700000$i" "RATE EUR PHP" >/dev/null || fail "put $i"
done
wait_until 60 "three replies" atleast 3 sent sim1
# Pulled out while a send is in progress: that one never leaves the modem. The next send takes
# 15 s, so a busy machine cannot miss the moment (a 1 s send could end between the look and the
# unplug, and the test would pull out an idle stick: at_unplug.sh).
modem sim1 delay 15 >/dev/null
wait_until 30 "a send under way" long_send
modem sim1 unplug >/dev/null
modem sim1 delay 1 >/dev/null
[ "$(events sim1 'r["event"] == "dropped"')" = 1 ] || fail "the unplug did not catch a send in progress"
unplugged=$(date +%s)
# Texts keep reaching the SIM while it is out of the gateway's reach.
for i in $(seq 30 34); do
    modem sim1 sms "+6391700000$i" "RATE EUR PHP" >/dev/null || fail "put $i"
done
sleep 20
modem sim1 replug >/dev/null
replugged=$(date +%s)
lines_before=$(grep -c 'modem-state modem=sim1 state=connected' "$WORK/run.log")
wait_until 60 "the reconnection" is $((lines_before + 1)) grep -c 'modem-state modem=sim1 state=connected' "$WORK/run.log"
took=$(($(date +%s) - replugged))
[ "$took" -le 15 ] || fail "reconnected $took s after the replug"
wait_until 120 "all 25 answered" is 25 sent sim1
sleep 2
[ "$(records sim1 | python3 -c 'import json,sys,collections; c=collections.Counter(json.loads(l)["to"] for l in sys.stdin); print(max(c.values()))')" = 1 ] ||
    fail "a reply went twice: $(records sim1)"
[ "$(q "SELECT count(*) FROM outbox WHERE state = 'sent'")" = 25 ] || fail "outbox: $(q "SELECT recipient, state, attempts FROM outbox WHERE state != 'sent'")"
[ "$(q "SELECT count(*) FROM inbox")" = 25 ] || fail "inbox lost or doubled"
[ "$(modem_stat sim1 sim)" = 0 ] || fail "the SIM not emptied"
# At most the reply in flight at the unplug may have lost an attempt to it.
[ "$(q "SELECT count(*) FROM outbox WHERE attempts > 1")" -le 1 ] ||
    fail "attempts burned on the missing modem: $(q "SELECT recipient, attempts, last_error FROM outbox WHERE attempts > 1")"
# One log line per state change, not one per failed reconnect in 20 s: down (with why: the link
# lost mid-send, then the device gone, are two reasons for one state) and connected again once.
after=$(sed -n "/state=connected/,\$p" "$WORK/run.log" | grep 'modem-state modem=sim1' | tail -n +2)
[ "$(echo "$after" | grep -c 'state=connected')" = 1 ] || fail "connected said more than once: $after"
[ "$(echo "$after" | grep -c 'state=down')" -ge 1 ] || fail "the unplug not logged: $after"
[ "$(echo "$after" | grep -vc 'state=connected')" -le 2 ] || fail "more than one line per state change: $after"
[ "$(echo "$after" | sort | uniq -d)" = "" ] || fail "a state said twice: $after"
stop_daemon "$WORK/run.log"
done_ok
