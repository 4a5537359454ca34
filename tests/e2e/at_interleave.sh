#!/bin/bash
# Sending must not starve reading: with a modem that takes 3 s a send (a real modem's pace) and
# 15 replies queued, a new question is read and answered (its reply written and queued) after
# at most a send or two, not after the whole queue; its reply then goes in its turn, behind the
# replies to the people who asked before (first come, first served: the newest question does not
# jump the queue), once.
# (Before #14 item 5 nothing was read while the queue drained: the issue measured 109 s.)
# at_link.sh step 2 checks the read with 8 questions and a USSD; this one with a longer queue,
# the reply's turn and that each reply goes once.
. "$(dirname "$0")/lib.inc"
. "$(dirname "$0")/atmodem.inc"

start_modem sim1 --send-delay 3
write_conf "$WORK/remitline.conf" sim1
run_daemon "$WORK/run.log" 1 -c "$WORK/remitline.conf"
for i in $(seq 10 24); do
    modem sim1 sms "+6391700000$i" "HELP" >/dev/null || fail "put $i"
done
wait_until 30 "the first reply" atleast 1 sent sim1
wait_until 15 "the burst read" is 0 modem_stat sim1 sim
queued() { q "SELECT count(*) FROM outbox WHERE state IN ('queued', 'sending')"; }
modem sim1 sms +639170000099 "RATE EUR PHP" >/dev/null
# Two sends (3 s each) and the read: the question is stored and its reply queued.
wait_until 10 "the new question read and answered while the queue drains" \
    is 1 q "SELECT count(*) FROM outbox o JOIN inbox i ON o.inbox_id = i.id WHERE i.sender = '+639170000099'"
left=$(queued)
[ "$left" -ge 8 ] || fail "only $left replies left: the question was read after most of the queue"
wait_until 90 "the queue drained" is 16 sent sim1
# In its turn: after every reply to an earlier question, each of the 16 once.
last=$(records sim1 | python3 -c 'import json,sys; print(json.loads(sys.stdin.readlines()[-1])["to"])')
[ "$last" = "+639170000099" ] || fail "the reply jumped the queue: last went to $last"
[ "$(records sim1 | python3 -c 'import json,sys; print(len(set(json.loads(l)["to"] for l in sys.stdin)))')" = 16 ] ||
    fail "a reply went twice or not at all: $(records sim1)"
stop_daemon "$WORK/run.log"
done_ok
