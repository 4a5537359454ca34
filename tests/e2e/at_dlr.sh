#!/bin/bash
# Delivery reports on the real modem path (#17): a broadcast to 200 subscribers through two test
# modems asks the network for a status report with each part (TP-SRR), the modems hand out
# message references, and the status reports they put on their SIMs (SMS-STATUS-REPORT) are read,
# matched to their parts by (modem, reference), recorded and deleted. `broadcast status` says
# exactly how many were delivered, failed and are still pending as the reports come in; a report
# that comes twice counts once, and one for a reference never handed out is kept aside.
. "$(dirname "$0")/lib.inc"
. "$(dirname "$0")/atmodem.inc"

start_modem sim1 --slots 250
start_modem sim2 --slots 250
MODEM_EXTRA='safety_poll = 5;' POLL_MS=200 write_conf "$WORK/remitline.conf" sim1 sim2
CONF="$WORK/remitline.conf"
mkdir -p "$WORK/var"
add_followers "$CONF" "$DB" 200 PH +63917200

run_daemon "$WORK/run.log" 2 -c "$CONF"
out=$("$RL" broadcast -c "$CONF" --topic PH --id at-dlr-1 --text "Typhoon warning: offices closed today.")
expect_contains "queued" "queued for 200 recipients" "$out"
total() { echo $(($(sent sim1) + $(sent sim2))); }
wait_until 240 "200 sent through the two modems" is 200 total
# Every part asked for a report, and each modem handed out references of its own.
[ "$(sent sim1 'r["srr"]')$(sent sim2 'r["srr"]')" = "$(sent sim1)$(sent sim2)" ] ||
    fail "a broadcast part without a status-report request"
status() { "$RL" broadcast -c "$CONF" status at-dlr-1; }
wait_status() {
    checks=$((checks + 1))
    for _ in $(seq 300); do
        status | grep -qF -- "$1" && return 0
        sleep 0.2
    done
    fail "broadcast status never said '$1': $(status) $(tail -3 "$WORK/run.log")"
}
wait_status "phones: delivered 0 (0%), failed 0, expired 0, pending 200 of 200 asked"

# report DIGITS STATUS: each modem reports STATUS for the parts it sent to numbers ending in one
# of DIGITS, by the reference it handed out.
report() {
    local m
    for m in sim1 sim2; do
        records "$m" "r[\"to\"][-1] in \"$1\"" | python3 -c '
import json, sys
for l in sys.stdin:
    r = json.loads(l)
    print(r["to"], r["mr"])' | while read -r to mr; do
            modem "$m" report "$to" "$mr" "$2" >/dev/null || fail "report $to $mr on $m"
        done
    done
}
# 1. Half the phones say delivered.
report 01234 0
wait_status "phones: delivered 100 (50%), failed 0, expired 0, pending 100 of 200 asked"
# 2. Two more digits delivered, one failed (TP-ST 0x41: incompatible destination); 8 and 9 never
# answer and stay pending.
report 56 0
report 7 65
wait_status "phones: delivered 140 (70%), failed 20, expired 0, pending 40 of 200 asked"
# 3. The same report twice, and one for a reference this modem never handed out: nothing moves,
# nothing is lost.
first=$(records sim1 | head -1 | python3 -c 'import json,sys; r=json.loads(sys.stdin.readline()); print(r["to"], r["mr"])')
modem sim1 report ${first} 0 >/dev/null || fail "duplicate report"
modem sim1 report +639179999999 250 0 >/dev/null || fail "unknown report"
wait_until 30 "both reports recorded" atleast 2 q "SELECT count(*) FROM delivery_report WHERE outcome IN ('duplicate', 'waiting', 'unmatched')"
wait_status "phones: delivered 140 (70%), failed 20, expired 0, pending 40 of 200 asked"
# The SIMs are emptied of the reports once recorded.
wait_until 30 "the reports deleted from the SIMs" eval '[ "$(modem_stat sim1 sim)$(modem_stat sim2 sim)" = 00 ]'
[ "$(q "SELECT count(*) FROM delivery WHERE transport = 'gammu' AND state = 'failed'")" = 20 ] ||
    fail "failed parts: $(q "SELECT state, reason, count(*) FROM delivery GROUP BY 1, 2")"
echo "$(status | grep phones:)"
stop_daemon "$WORK/run.log"
done_ok
