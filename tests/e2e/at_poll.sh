#!/bin/bash
# With new-message notifications on (AT+CNMI, +CMTI), an idle gateway does not poll the modem
# every second: a slow safety poll only (here at most 10 commands in 60 s), and a text is still
# read within seconds of its +CMTI. The SMS centre is read once per connection, not before
# every send.
# DISABLED in tests/CMakeLists.txt until issue #14 item 5 (branch atfix) merges: today an idle
# gateway sends AT+CPMS and AT+CMGL=4 every poll_interval_ms (about 115 commands a minute here),
# and AT+CSCA? before each send.
. "$(dirname "$0")/lib.inc"
. "$(dirname "$0")/atmodem.inc"

start_modem sim1
write_conf "$WORK/remitline.conf" sim1
run_daemon "$WORK/run.log" 1 -c "$WORK/remitline.conf"
modem sim1 sms +639170000001 "RATE EUR PHP" >/dev/null
wait_until 15 "the first answer" is 1 sent sim1
sleep 2
c0=$(modem_stat sim1 commands)
sleep 60
c1=$(modem_stat sim1 commands)
echo "idle: $((c1 - c0)) AT commands in 60 s"
[ $((c1 - c0)) -le 10 ] || fail "$((c1 - c0)) AT commands in 60 s idle: $(modem_stat sim1 at)"
t0=$(date +%s.%N)
modem sim1 sms +639170000002 "RATE EUR PHP" >/dev/null
wait_until 10 "a text read on its +CMTI" is 1 sent sim1 'r["to"] == "+639170000002"'
for i in $(seq 10 19); do modem sim1 sms "+6391700000$i" "HELP" >/dev/null; done
wait_until 60 "ten more answers" is 12 sent sim1
csca=$(modem_stat sim1 at | python3 -c 'import ast,sys; print(ast.literal_eval(sys.stdin.read()).get("+CSCA?", 0))')
[ "$csca" -le 1 ] || fail "AT+CSCA? sent $csca times on one connection"
stop_daemon "$WORK/run.log"
done_ok
