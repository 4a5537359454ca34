#!/bin/bash
# Two test modems share one queue; one is pulled out in the middle of a burst and the other
# carries on: every reply the gateway holds goes out through the one left, once; what stayed on
# the missing modem's SIM is read when it comes back.
. "$(dirname "$0")/lib.inc"
. "$(dirname "$0")/atmodem.inc"

start_modem sim1 --send-delay 0.5
start_modem sim2 --send-delay 0.5
write_conf "$WORK/remitline.conf" sim1 sim2
run_daemon "$WORK/run.log" 2 -c "$WORK/remitline.conf"
total() { echo $(($(sent sim1) + $(sent sim2))); }

for i in $(seq 100 119); do
    modem sim1 sms "+2547000$i" "HELP" >/dev/null || fail "put $i on sim1"
    modem sim2 sms "+2547001$i" "HELP" >/dev/null || fail "put $i on sim2"
done
wait_until 60 "both modems sending" eval '[ "$(sent sim1)" -ge 2 ] && [ "$(sent sim2)" -ge 2 ]'
modem sim2 unplug >/dev/null
stored=$(q "SELECT count(*) FROM inbox")
left=$(modem_stat sim2 sim)
# Everything the gateway stored goes out, through sim1, while sim2 is away.
wait_until 90 "sim1 to carry every stored question" is "$stored" q "SELECT count(*) FROM outbox WHERE state = 'sent'"
[ "$(total)" = "$stored" ] || fail "sent $(total) for $stored questions"
# Back again: what stayed on its SIM is read and answered.
modem sim2 replug >/dev/null
wait_until 90 "all 40 answered" is 40 total
sleep 1
[ "$(total)" = 40 ] || fail "sent $(total), wanted 40"
dups=$( (records sim1; records sim2) | python3 -c 'import json,sys,collections; c=collections.Counter(json.loads(l)["to"] for l in sys.stdin); print(sum(1 for v in c.values() if v > 1))')
[ "$dups" = 0 ] || fail "$dups answered twice"
[ "$(q "SELECT count(*) FROM inbox")" = 40 ] || fail "inbox: $(q "SELECT count(*) FROM inbox")"
[ "$(modem_stat sim1 sim)$(modem_stat sim2 sim)" = 00 ] || fail "a SIM not emptied"
# Nothing set aside as failed. (Whether attempts are burned on a modem pulled out mid-send is
# at_unplug_send.sh's to say: today it depends on the instant of the unplug.)
[ "$(q "SELECT count(*) FROM outbox WHERE state = 'failed'")" = 0 ] ||
    fail "set aside as failed: $(q "SELECT recipient, attempts, last_error FROM outbox WHERE state = 'failed'")"
echo "while sim2 was away: $stored stored, $left left on its SIM; sim1 sent $(sent sim1), sim2 $(sent sim2)"
stop_daemon "$WORK/run.log"
done_ok
