#!/bin/bash
# With new-message notifications on (AT+CNMI, +CMTI), an idle gateway does not list the SIM
# every poll interval: idle for 60 s it lists it (AT+CMGL) at most at its slow safety poll
# (safety_poll, 60 s by default: at most twice in a window a little over 60 s), not 60 times, and
# it does not reconnect; a text is still read within seconds of its +CMTI. The SMS centre is read
# once per connection, not before every send. What else an idle minute costs is the status
# refresh once a minute (signal and network: about ten commands), so the whole is bounded well
# under the ~115 commands a minute of polling.
# (Before #14 item 5 an idle gateway sent AT+CPMS and AT+CMGL=4 every poll_interval_ms, and
# AT+CSCA? before each send.)
. "$(dirname "$0")/lib.inc"
. "$(dirname "$0")/atmodem.inc"

start_modem sim1
write_conf "$WORK/remitline.conf" sim1
run_daemon "$WORK/run.log" 1 -c "$WORK/remitline.conf"
modem sim1 sms +639170000001 "RATE EUR PHP" >/dev/null
wait_until 15 "the first answer" is 1 sent sim1
sleep 2
# at_count: each AT command's count so far, as JSON ({"+CMGL=": 3, ...}).
at_count() { modem sim1 status | sed 's/^ok //' | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["at"]))'; }
a0=$(at_count)
sleep 60
a1=$(at_count)
# idle CMD: how many times CMD was sent in the idle window; idle_all: every command in it.
idle() { python3 -c 'import json,sys; a,b=json.loads(sys.argv[1]),json.loads(sys.argv[2]); print(b.get(sys.argv[3],0)-a.get(sys.argv[3],0))' "$a0" "$a1" "$1"; }
idle_all() { python3 -c 'import json,sys; a,b=json.loads(sys.argv[1]),json.loads(sys.argv[2]); d={k:v-a.get(k,0) for k,v in b.items() if v-a.get(k,0)}; print(sum(d.values()), d)' "$a0" "$a1"; }
echo "idle 60 s: $(idle_all)"
[ "$(idle '+CMGL=')" -le 2 ] || fail "idle: AT+CMGL $(idle '+CMGL=') times in 60 s: polling, not reading on +CMTI: $(idle_all)"
[ "$(idle '+CMGF=')" = 0 ] || fail "idle: the gateway connected again: $(idle_all)"
[ "$(idle_all | cut -d' ' -f1)" -le 30 ] || fail "idle: $(idle_all)"
grep -c 'state=connected' "$WORK/run.log" | grep -qx 1 || fail "reconnected while idle: $(grep modem-state "$WORK/run.log")"
t0=$(date +%s.%N)
modem sim1 sms +639170000002 "RATE EUR PHP" >/dev/null
wait_until 10 "a text read on its +CMTI" is 1 sent sim1 'r["to"] == "+639170000002"'
for i in $(seq 10 19); do modem sim1 sms "+6391700000$i" "HELP" >/dev/null; done
wait_until 60 "ten more answers" is 12 sent sim1
csca=$(modem_stat sim1 at | python3 -c 'import ast,sys; print(ast.literal_eval(sys.stdin.read()).get("+CSCA?", 0))')
[ "$csca" -le 1 ] || fail "AT+CSCA? sent $csca times on one connection"
stop_daemon "$WORK/run.log"
done_ok
