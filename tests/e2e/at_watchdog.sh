#!/bin/bash
# The modem path's recovery on the test modem (#14 item 5), `connection = "at"`:
#  1. idle, the gateway reads on +CMTI, not by polling AT+CPMS/AT+CMGL every poll interval;
#  2. an unsolicited line libGammu does not know (^SMMEMFULL, ^CEND) costs seconds, not 200:
#     the watchdog aborts the lost wait and reconnects, never resetting the stick (AT+CFUN=1,1);
#  3. a modem that stops answering is given up on within its 'timeout' and reconnected once it
#     answers again;
#  4. a SIM that refuses to be read ends the read pass (no 99,999 reads), and is read once it
#     can be;
#  5. status reports and 8-bit messages are read, logged and deleted from the SIM.
. "$(dirname "$0")/lib.inc"
. "$(dirname "$0")/atmodem.inc"

ATMODEM_ATLOG=1 start_modem sim1
POLL_MS=200 MODEM_EXTRA='timeout = 5; safety_poll = 30;' write_conf "$WORK/remitline.conf" sim1
LOG="$WORK/run.log"
run_daemon "$LOG" 1 -c "$WORK/remitline.conf" -d
# The AT commands the gateway sent, from the test modem's byte log.
cmds() { grep -ac "< b'$1" "$WORK/sim1.at.log"; }
replies() { sent sim1 "r[\"to\"] == \"$1\""; }
connected() { grep -c 'state=connected' "$LOG"; }
# ge N COMMAND...: COMMAND prints N or more (for wait_until, which runs it again each time).
ge() {
    local want=$1
    shift
    [ "$("$@")" -ge "$want" ]
}
wait_until 15 "the first read pass" ge 1 cmds 'AT+CMGL'

# 1. Idle: with notices on, a poll interval of 200 ms would have listed the SIM 15 times in 3 s.
# (A window is the measure here: what does not happen cannot be waited for.)
before=$(cmds 'AT+CMGL')
sleep 3
after=$(cmds 'AT+CMGL')
[ $((after - before)) -le 1 ] || fail "idle: $((after - before)) AT+CMGL in 3 s: polling, not reading on +CMTI"
modem sim1 sms +639170000001 "RATE USD PHP" >/dev/null || fail "put a text"
wait_until 10 "the reply, read on +CMTI" is 1 replies +639170000001

# 2. Unknown unsolicited lines: the next reply of the modem is lost to libGammu. Answered within
# seconds (the watchdog, on Gammu's own "UNKNOWN frame", gives the call 2 s), not after 200.
for urc in '^SMMEMFULL: "SM"' '^CEND:1,0,104,16'; do
    n=$(connected)
    modem sim1 urc "$urc" >/dev/null
    modem sim1 sms +639170000002 "RATE EUR PHP" >/dev/null || fail "put a text"
    t0=$(date +%s)
    wait_until 20 "the reply after $urc" ge $((n + 1)) connected
    wait_until 20 "the reply after $urc" ge 1 replies +639170000002
    [ $(($(date +%s) - t0)) -le 20 ] || fail "$urc: took $(($(date +%s) - t0)) s"
    [ "$(modem_stat sim1 sim)" = 0 ] || wait_until 10 "the SIM emptied" is 0 modem_stat sim1 sim
    : >"$WORK/sim1.jsonl" # the next round counts from zero
done
expect_contains "the watchdog said why" "libGammu lost the modem's reply" "$(cat "$LOG")"
[ "$(modem_stat sim1 resets)" = 0 ] || fail "the stick was reset (AT+CFUN=1,1)"

# 3. A modem that stops answering: given up on within its timeout (5 s) at the next command
# (the safety pass, 30 s), reconnected once it answers again, never reset.
modem sim1 mute on >/dev/null
wait_log "$LOG" "the modem stopped answering (no reply within 5 s)" 45
expect_contains "one line for going down" 'state=down problem="the link to the modem was lost while reading"' "$(cat "$LOG")"
n=$(connected)
modem sim1 mute off >/dev/null
wait_until 60 "reconnected after the modem answers again" ge $((n + 1)) connected
modem sim1 sms +639170000003 "RATE GBP PHP" >/dev/null || fail "put a text"
wait_until 20 "the reply after the silence" is 1 replies +639170000003
[ "$(modem_stat sim1 resets)" = 0 ] || fail "the stick was reset (AT+CFUN=1,1)"

# 4. A SIM that answers every read with +CMS ERROR: the pass ends (no 99,999 reads of every
# location), the text waits on the SIM, and is read once the SIM can be.
modem sim1 readfail on >/dev/null
modem sim1 sms +639170000004 "RATE USD EUR" >/dev/null || fail "put a text"
wait_until 30 "the failed pass said so" grep -qE "reading SMS stopped early|kept the modem busy" "$LOG"
expect_not_contains "no 99,999" "99999" "$(cat "$LOG")"
[ "$(replies +639170000004)" = 0 ] || fail "answered while unreadable?"
modem sim1 readfail off >/dev/null
wait_until 60 "the reply once the SIM can be read" is 1 replies +639170000004
[ "$(q "SELECT count(*) FROM inbox WHERE sender = '+639170000004'")" = 1 ] || fail "stored once"

# 5. Status reports and 8-bit messages: logged, and deleted from the SIM (not left to fill it).
modem sim1 report +639170000001 7 0 >/dev/null || fail "put a report"
modem sim1 report +639170000003 8 70 >/dev/null || fail "put a report"
modem sim1 binary +639170000005 0605040B8423F00001 >/dev/null || fail "put an 8-bit SMS"
wait_until 20 "reports and the 8-bit SMS off the SIM" is 0 modem_stat sim1 sim
wait_log "$LOG" "sms-report modem=sim1 to=+639170000001 ref=7 status=delivered" 5
wait_log "$LOG" "ref=8 status=failed code=0x46" 5
wait_log "$LOG" 'result=guard reason="binary (8-bit) SMS"' 5
[ "$(q "SELECT coding FROM inbox WHERE sender = '+639170000005'")" = 8bit ] || fail "the 8-bit SMS is on record"
[ "$(replies +639170000005)" = 0 ] || fail "an 8-bit SMS was answered"
[ "$(modem_stat sim1 resets)" = 0 ] || fail "the stick was reset (AT+CFUN=1,1)"
stop_daemon "$LOG"
done_ok
