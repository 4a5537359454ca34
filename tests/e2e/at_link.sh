#!/bin/bash
# The modem path under load and loss, on the test modem (#14 item 5), `connection = "at"`, a send
# taking 3 s as on a real network and send_rate = 0:
#  1. a balance USSD the network never answers holds up no question;
#  2. reads are interleaved with sends: a question is read while a queue drains;
#  3. the SMS centre is read once per connection, not (AT+CSCA?) before every send;
#  4. unplugged in the middle of a send: no attempt is spent on any message, the part the modem
#     had taken is reported and counted (it goes again), one log line per state change, and the
#     gateway is back within seconds of the replug;
#  5. +CMS ERROR and +CME ERROR are logged with their meaning.
. "$(dirname "$0")/lib.inc"
. "$(dirname "$0")/atmodem.inc"

ATMODEM_ATLOG=1 start_modem sim1 --send-delay 3
modem sim1 ussd --none >/dev/null
MODEM_EXTRA='timeout = 5; balance_ussd = "*123#"; balance_pattern = "balance is ([0-9.]+)";' \
    write_conf "$WORK/remitline.conf" sim1
LOG="$WORK/run.log"
run_daemon "$LOG" 1 -c "$WORK/remitline.conf"
cmds() { grep -aF -c "< b'$1" "$WORK/sim1.at.log"; }
replies() { sent sim1 "r[\"event\"] == \"submit\" and r[\"to\"] == \"$1\""; }
connected() { grep -c 'state=connected' "$LOG"; }
ge() {
    local want=$1
    shift
    [ "$("$@")" -ge "$want" ]
}
pending() { q "SELECT count(*) FROM outbox WHERE state IN ('queued', 'sending')"; }

# 1. The balance code was dialled at start and the network never answers (the old wait blocked
# the modem's thread 30 s): a question is answered meanwhile.
wait_until 30 "the balance USSD dialled" ge 1 events sim1 'r["event"] == "ussd"'
modem sim1 sms +639170000001 "RATE USD PHP" >/dev/null || fail "put a text"
wait_until 12 "a reply while the USSD waits" is 1 replies +639170000001
expect_not_contains "the USSD still waits" "no USSD answer" "$(cat "$LOG")"

# 2. Eight questions at once: the queue takes about 27 s to drain. A question that comes after
# the first reply went is read at once, not after the queue.
for i in $(seq 100 107); do
    modem sim1 sms "+2217700$i" "RATE EUR XOF" >/dev/null || fail "put $i"
done
wait_until 20 "the first reply of the burst" ge 1 sent sim1 'r.get("to", "").startswith("+2217700")'
modem sim1 sms +639179999999 "RATE USD PHP" >/dev/null || fail "put the late question"
wait_until 8 "the late question read while the queue drains" \
    is 1 q "SELECT count(*) FROM inbox WHERE sender = '+639179999999'"
[ "$(pending)" -ge 2 ] || fail "the queue had drained: reads waited for it"
wait_until 60 "the burst and the late question answered" ge 9 sent sim1 \
    'r.get("to", "").startswith("+2217700") or r.get("to") == "+639179999999"'
wait_log "$LOG" "balance modem=sim1 code=*123# result=failed problem=\"no USSD answer within 30 s\"" 30

# 3. One AT+CSCA? per connection, however many sends.
[ "$(cmds 'AT+CMGS')" -ge 10 ] || fail "sends: $(cmds 'AT+CMGS')"
[ "$(cmds 'AT+CSCA?')" = "$(connected)" ] ||
    fail "AT+CSCA? $(cmds 'AT+CSCA?') times for $(connected) connections"

# 4. Unplugged while the modem holds a part (after Ctrl-Z, before +CMGS answers), for 20 s. The
# network takes 15 s over this one, so the test cannot miss the moment on a busy machine.
modem sim1 delay 15 >/dev/null
for i in $(seq 200 205); do
    modem sim1 sms "+2217700$i" "RATE USD XOF" >/dev/null || fail "put $i"
done
# A part is in the modem's hands when it has more Ctrl-Z than answered sends.
taken() { [ "$(cmds '\x1a')" -gt "$(events sim1 'r["event"] in ("submit", "refused")')" ]; }
wait_until 30 "a send in progress" taken
downs=$(grep -c 'state=down' "$LOG")
modem sim1 unplug 20 >/dev/null
modem sim1 delay 3 >/dev/null
wait_log "$LOG" "result=maybe-sent" 10
wait_until 30 "the replug" is 2 modem_stat sim1 plugs
n=$(connected)
wait_until 8 "connected within seconds of the replug" ge $((n + 1)) connected
[ $(($(grep -c 'state=down' "$LOG") - downs)) = 1 ] || fail "one line for going down: $(grep 'state=down' "$LOG")"
wait_until 60 "the six answered" ge 6 sent sim1 'r["event"] == "submit" and r.get("to", "").startswith("+22177002")'
for i in $(seq 200 205); do
    [ "$(replies "+2217700$i")" = 1 ] || fail "+2217700$i answered $(replies "+2217700$i") times"
done
[ "$(events sim1 'r["event"] == "dropped"')" = 1 ] || fail "the modem lost the part in its hands"
[ "$(grep -c 'result=maybe-sent' "$LOG")" = 1 ] || fail "maybe-sent: $(grep 'maybe-sent' "$LOG")"
"$RL" status -c "$WORK/remitline.conf" --json >"$WORK/status.json" || fail "status"
expect_contains "counted" '"maybe_sent_twice":1' "$(tr -d ' ' <"$WORK/status.json")"
[ "$(q "SELECT count(*) FROM outbox WHERE attempts > 1")" = 0 ] ||
    fail "attempts spent on a dead link: $(q "SELECT id, attempts, last_error FROM outbox WHERE attempts > 1")"
[ "$(q "SELECT count(*) FROM outbox WHERE state != 'sent'")" = 0 ] || fail "unsent: $(q "SELECT id, state FROM outbox WHERE state != 'sent'")"

# 5. The modem's errors with their meaning.
modem sim1 fail 1 500 >/dev/null
modem sim1 sms +2217700300 "RATE EUR XOF" >/dev/null || fail "put a text"
wait_log "$LOG" "the network refused the message (+CMS ERROR 500" 20
wait_until 30 "the refused reply sent again" is 1 replies +2217700300
stop_daemon "$LOG"
modem sim1 ussd --error >/dev/null
run_daemon "$LOG" 1 -c "$WORK/remitline.conf"
wait_log "$LOG" "+CME ERROR 100" 20
stop_daemon "$LOG"
done_ok
