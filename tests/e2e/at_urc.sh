#!/bin/bash
# Unsolicited lines libGammu does not know, as Huawei sticks send them (^CEND when a call ends,
# ^BOOT, ^MODE, ^SMMEMFULL when the SIM fills), must not freeze the modem's thread: each question
# is answered within seconds, the stick is never reset for it (AT+CFUN=1,1), and a SIM that fills
# while the gateway runs is reported in plain words and drained.
# (Before #14 item 5 each such line cost a ~200 s freeze in GSM_WaitFor <- ATGEN_GetSMSStatus,
# then a reset of the stick; and a SIM that filled while the gateway ran was never mentioned.)
. "$(dirname "$0")/lib.inc"
. "$(dirname "$0")/atmodem.inc"

start_modem sim1 --slots 5
write_conf "$WORK/remitline.conf" sim1
run_daemon "$WORK/run.log" 1 -c "$WORK/remitline.conf"
# ask NUMBER: puts a question on the SIM and waits at most 15 s for its answer.
ask() {
    modem sim1 sms "$1" "RATE EUR PHP" >/dev/null || fail "put $1"
    wait_until 15 "the answer to $1 after $2" is 1 sent sim1 "r[\"to\"] == \"$1\""
}
ask +639170000001 "the start"
n=2
for line in '^RSSI:17' '^CEND:1,0,104,16' '^BOOT:20131172,0,0,0,72' '^MODE:5,4' \
    '^DSFLOWRPT:00000010,00000000,00000000,0000000000000000,0000000000000000,0000000000,0000000000' \
    '^SIMST:1' '+CGEV: NW DETACH' '^SRVST:2'; do
    modem sim1 urc "$line" >/dev/null
    ask "+63917000000$n" "$line"
    n=$((n + 1))
done

# The SIM fills while the gateway runs (a burst of 12 on 5 slots): the stick says ^SMMEMFULL,
# the gateway says plainly the SIM is full, reads, deletes, and the network's held texts land.
# The first of the burst is answered by a slow send (15 s), and the other eleven land meanwhile:
# the gateway reads after the send, so it finds the SIM full however busy the machine is.
lines=$(wc -l <"$WORK/run.log")
modem sim1 delay 15 >/dev/null
modem sim1 sms "+639170000020" "FEE USA PHL" >/dev/null || fail "put 20"
wait_until 15 "the slow send under way" long_send sim1 10
modem sim1 delay 0 >/dev/null
for i in $(seq 21 31); do
    modem sim1 sms "+6391700000$i" "FEE USA PHL" >/dev/null || fail "put $i"
done
[ "$(modem_stat sim1 pending)" -ge 1 ] || fail "the burst did not fill the SIM while the send went (the send ended early?)"
wait_until 60 "the twelve answered" is 12 sent sim1 'r["to"] >= "+639170000020"'
wait_until 10 "the SIM drained" is 0 modem_stat sim1 sim
[ "$(modem_stat sim1 pending)" = 0 ] || fail "the network still holds some"
# Said once for this fill, in the same words as a SIM found full at connect (at_faults.sh).
full=$(tail -n +$((lines + 1)) "$WORK/run.log" | grep -c "modem sim1: the SIM's message memory is full; reading and deleting now")
[ "$full" = 1 ] || fail "a full SIM in plain words, once: said $full times: $(tail -n +$((lines + 1)) "$WORK/run.log")"
[ "$(modem_stat sim1 resets)" = 0 ] || fail "the stick was reset (AT+CFUN=1,1) $(modem_stat sim1 resets) times"
[ "$(sent sim1)" = 21 ] || fail "answered $(sent sim1) times, wanted 21"
stop_daemon "$WORK/run.log"
done_ok
