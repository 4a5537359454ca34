#!/bin/bash
# A modem that stops answering (a hung stick) in the middle of a send, for 15 s: the gateway
# gives up on that send by the end of the network's allowance for it (60 s: a modem's manual
# gives AT+CMGS up to 60 s, and while the network works a hung stick and a slow network look the
# same), says so once, aborts libGammu's wait instead of sitting in it for minutes, never resets
# the stick (AT+CFUN=1,1), does not loop over "99999 messages", and answers what came meanwhile
# within seconds of noticing. (A stick that stops answering between sends is noticed within its
# 'timeout': at_watchdog.sh step 3.)
# (Before #14 item 5 the modem thread sat ~200 s in GSM_WaitFor, Gammu then reset the stick, and
# the read pass called GSM_GetNextSMS 99,999 times: "99999 messages on the phone cannot be read".)
. "$(dirname "$0")/lib.inc"
. "$(dirname "$0")/atmodem.inc"

start_modem sim1
write_conf "$WORK/remitline.conf" sim1
run_daemon "$WORK/run.log" 1 -c "$WORK/remitline.conf"
# The send takes 10 s, so the test cannot miss the moment it is under way on a busy machine.
modem sim1 delay 10 >/dev/null
modem sim1 sms +639170000001 "RATE EUR PHP" >/dev/null
wait_until 15 "the first send under way" long_send
lines=$(wc -l <"$WORK/run.log")
modem sim1 mute on >/dev/null # hung in the middle of the send: no +CMGS will come
hung=$(date +%s)
modem sim1 delay 0 >/dev/null
modem sim1 sms +639170000002 "RATE EUR PHP" >/dev/null # lands while the stick is hung
sleep 15
modem sim1 mute off >/dev/null
# The send's wait (60 s from the send) ends; the reply may have gone: it goes again, said so.
wait_until 75 "the hang noticed" eval "tail -n +$((lines + 1)) '$WORK/run.log' | grep -q 'modem=sim1 result=maybe-sent'"
noticed=$(date +%s)
[ $((noticed - hung)) -le 70 ] || fail "noticed $((noticed - hung)) s after the stick hung"
wait_until 30 "the answer after the hang" is 1 sent sim1 'r["to"] == "+639170000002"'
[ $(($(date +%s) - noticed)) -le 20 ] || fail "answered $(($(date +%s) - noticed)) s after the hang was noticed"
# The send the hang cut short left the modem (it recorded it) but was never acknowledged: the
# gateway sends it again, so it goes at most twice.
wait_until 30 "the interrupted reply" atleast 1 sent sim1 'r["to"] == "+639170000001"'
[ "$(sent sim1 'r["to"] == "+639170000001"')" -le 2 ] || fail "the interrupted reply went more than twice"
modem sim1 sms +639170000003 "RATE EUR PHP" >/dev/null
wait_until 15 "a later question" is 1 sent sim1 'r["to"] == "+639170000003"'
[ "$(modem_stat sim1 resets)" = 0 ] || fail "the stick was reset (AT+CFUN=1,1)"
expect_not_contains "no read loop" "99999 messages" "$(cat "$WORK/run.log")"
# One line per state change, not one per retry.
changes=$(tail -n +$((lines + 1)) "$WORK/run.log" | grep 'modem-state modem=sim1')
[ "$(echo "$changes" | wc -l)" -le 3 ] || fail "too many state lines for one hang: $changes"
stop_daemon "$WORK/run.log"
done_ok
