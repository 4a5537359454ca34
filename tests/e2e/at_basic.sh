#!/bin/bash
# The gateway on the test modem (tests/atmodem.py) over Gammu's AT driver, `connection = "at"`:
# a text on the SIM is answered exactly once and deleted from the SIM; a burst of 50 on a
# 30-slot SIM likewise; replies go as ordinary SMS (not flash, no status report asked).
. "$(dirname "$0")/lib.inc"
. "$(dirname "$0")/atmodem.inc"

start_modem sim1 --slots 30
write_conf "$WORK/remitline.conf" sim1
run_daemon "$WORK/run.log" 1 -c "$WORK/remitline.conf"

# 1. One text: answered once, deleted from the SIM.
modem sim1 sms +639170000001 "FEE USA PHL" >/dev/null || fail "put a text"
wait_until 30 "the reply" is 1 sent sim1
[ "$(sent sim1 'r["to"] == "+639170000001" and "United States>Philippines" in r["text"]')" = 1 ] ||
    fail "the reply: $(records sim1)"
wait_until 10 "the SIM emptied" is 0 modem_stat sim1 sim
[ "$(modem_stat sim1 deleted)" = 1 ] || fail "deleted once: $(modem sim1 status)"
# An ordinary SMS: class 0 (flash) replies show on the screen and are gone once read.
[ "$(sent sim1 'r["dcs"] in (0, 8) and not r["srr"]')" = 1 ] || fail "flash or status report: $(records sim1)"
[ "$(q "SELECT count(*) FROM inbox")" = 1 ] || fail "one in the inbox"
[ "$(q "SELECT state FROM outbox")" = sent ] || fail "outbox: $(q "SELECT * FROM outbox")"

# 2. A burst of 50 on a 30-slot SIM: the network holds the rest until the gateway frees room.
for i in $(seq 100 149); do
    modem sim1 sms "+2217700$i" "RATE EUR XOF" >/dev/null || fail "put $i"
done
wait_until 120 "50 replies" is 51 sent sim1
wait_until 10 "the SIM emptied" is 0 modem_stat sim1 sim
[ "$(modem_stat sim1 pending)" = 0 ] || fail "the network still holds some: $(modem sim1 status)"
[ "$(q "SELECT count(*) FROM inbox WHERE sender LIKE '+2217700%'")" = 50 ] || fail "50 stored"
[ "$(sent sim1 'r["to"].startswith("+2217700")')" = 50 ] || fail "50 sent"
dups=$(records sim1 | python3 -c 'import json,sys,collections; c=collections.Counter(json.loads(l)["to"] for l in sys.stdin); print(sum(1 for v in c.values() if v > 1))')
[ "$dups" = 0 ] || fail "$dups numbers answered twice"
[ "$(modem_stat sim1 deleted)" = 51 ] || fail "each deleted once: $(modem sim1 status)"
[ "$(q "SELECT count(*) FROM outbox WHERE state != 'sent'")" = 0 ] || fail "unsent: $(q "SELECT id, state FROM outbox WHERE state != 'sent'")"
stop_daemon "$WORK/run.log"
done_ok
