#!/bin/bash
# The airtime balance read by USSD through the AT modem (AT+CUSD, the answer an unsolicited
# +CUSD, hex-packed as a Huawei stick sends it) on its schedule: below the floor broadcasts pause
# and answers to questions go on; once a later check reads more than the floor, they go out.
. "$(dirname "$0")/lib.inc"
. "$(dirname "$0")/atmodem.inc"

start_modem sim1
modem sim1 ussd "Your balance is 2.50 USD. Valid until 31/12/2026. Dial *100*1# to top up." >/dev/null
MODEM_EXTRA='balance_ussd = "*100#"; balance_floor = "5.00"; balance_interval = 60;' \
    write_conf "$WORK/remitline.conf" sim1
run_daemon "$WORK/run.log" 1 -c "$WORK/remitline.conf"
wait_log "$WORK/run.log" "balance modem=sim1 amount=2.50" 30
[ "$(events sim1 'r["event"] == "ussd" and r["code"] == "*100#"')" = 1 ] || fail "one USSD request: $(event_lines sim1 True)"
expect_contains "status" "airtime balance: 2.50" "$("$RL" status -c "$WORK/remitline.conf")"

for n in +639170000001 +639170000002; do
    modem sim1 sms "$n" "JOIN PH" >/dev/null || fail "join $n"
done
wait_until 30 "answers below the floor" is 2 sent sim1
"$RL" broadcast -c "$WORK/remitline.conf" --topic PH --id floor-1 --text "Fee drop to the Philippines." >/dev/null ||
    fail "broadcast"
wait_log "$WORK/run.log" 'broadcasts=paused reason="airtime balance 2.50 below the floor 5.00"' 30
modem sim1 sms +639170000003 "RATE EUR PHP" >/dev/null
wait_until 30 "a question answered while paused" is 1 sent sim1 'r["to"] == "+639170000003"'
[ "$(sent sim1 '"Fee drop" in r["text"]')" = 0 ] || fail "a broadcast went out below the floor"
[ "$(q "SELECT count(*) FROM outbox WHERE alert_id = 'floor-1' AND state = 'queued'")" = 2 ] || fail "the alert not queued"
expect_contains "status says why" "broadcasts paused: airtime balance 2.50 below the floor 5.00" \
    "$("$RL" status -c "$WORK/remitline.conf")"

# Topped up: the next scheduled check (60 s after the first) reads it and the alert goes.
modem sim1 ussd "Your balance is 25.00 USD. Valid until 31/12/2026." >/dev/null
wait_log "$WORK/run.log" "balance modem=sim1 amount=25.00" 90
[ "$(events sim1 'r["event"] == "ussd"')" = 2 ] || fail "checked more often than its schedule: $(event_lines sim1 'r["event"] == "ussd"')"
gap=$(event_lines sim1 'r["event"] == "ussd"' | python3 -c 'import json,sys; t=[json.loads(l)["time"] for l in sys.stdin]; print(int(t[1] - t[0]))')
[ "$gap" -ge 58 ] && [ "$gap" -le 75 ] || fail "the second check came $gap s after the first, not on its 60 s schedule"
wait_until 30 "the alert to both" is 2 sent sim1 '"Fee drop" in r["text"]'
expect_contains "resumed" "modem-state modem=sim1 broadcasts=resumed" "$(cat "$WORK/run.log")"
stop_daemon "$WORK/run.log"
done_ok
