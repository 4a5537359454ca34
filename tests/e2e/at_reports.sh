#!/bin/bash
# What else lands on a SIM: a status report is read, logged and deleted (not left to fill the
# SIM); an 8-bit (binary) SMS is stored, not answered, and deleted; a send refused with
# +CME ERROR is logged in words, not as "Unknown error.".
# (Before #14 item 5 a status report stayed on the SIM without a word, and +CME ERROR was logged
# as "Unknown error.".) A report is logged as the gateway's other SMS events are, one line
# `sms-report modem=... to=... ref=MR status=delivered|pending|failed code=0xNN` (at_watchdog.sh
# checks a failed one).
. "$(dirname "$0")/lib.inc"
. "$(dirname "$0")/atmodem.inc"

start_modem sim1
write_conf "$WORK/remitline.conf" sim1
run_daemon "$WORK/run.log" 1 -c "$WORK/remitline.conf"
modem sim1 report +639170000001 7 0 >/dev/null
modem sim1 binary +639170000009 0605040B8423F0DC0601AE >/dev/null
modem sim1 sms +639170000002 "RATE EUR PHP" >/dev/null
wait_until 15 "the question answered" is 1 sent sim1
wait_until 15 "the SIM emptied of the report and the binary SMS" is 0 modem_stat sim1 sim
[ "$(sent sim1 'r["to"] == "+639170000009"')" = 0 ] || fail "a binary SMS was answered"
expect_contains "binary kept, not answered" "binary (8-bit) SMS" "$(cat "$WORK/run.log")"
grep -q 'sms-report modem=sim1 to=+63\*\{8\}01 ref=7 status=delivered code=0x00' "$WORK/run.log" ||
    fail "the status report not logged: $(grep -a 'sms-report' "$WORK/run.log")"
modem sim1 fail 1 100 --cme >/dev/null
modem sim1 sms +639170000003 "RATE EUR PHP" >/dev/null
wait_until 30 "the retried answer" is 1 sent sim1 'r["to"] == "+639170000003"'
refused=$(grep 'result=retry' "$WORK/run.log")
expect_not_contains "+CME ERROR in words" "Unknown error" "$refused"
stop_daemon "$WORK/run.log"
done_ok
