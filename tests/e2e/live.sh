#!/bin/bash
# Live content and configuration: every door answers from the same state. `remitline import`
# run beside the daemon changes the answers of the SMS door, /kannel, USSD and `ask` alike from
# the next message, with no SIGHUP; a SIGHUP that changes the configuration (max_age_rates)
# reaches the modem threads and the HTTP workers alike.
. "$(dirname "$0")/lib.inc"

command -v curl >/dev/null || fail "curl is needed (make test installs it)"
PORT=$(free_ports 1)
URL="http://127.0.0.1:$PORT"
TOKEN="live-test-token-0123456789"
mkdir -p "$WORK/content"
cp "$SRC"/conf/content/lang-*.conf "$SRC/tests/fixtures/content/world.conf" "$WORK/content/"
write_conf() { # write_conf MAX_AGE_RATES
    cat >"$WORK/remitline.conf" <<CONF
content = "$WORK/content";
poll_interval_ms = 100;
max_age_rates = $1;
loop_guard = false;
http = {
  listen = "127.0.0.1:$PORT";
  clients = ( { name = "kannel"; user = "kannel"; password = "kannel-secret"; },
              { name = "aggregator"; token = "$TOKEN"; } );
};
CONF
}
write_conf 7
run_daemon "$WORK/run.log" 1 -c "$WORK/remitline.conf"
trap 'kill -9 $PID 2>/dev/null' EXIT

# A new number for each question (the doors run in subshells: a counter would not count), so
# no reply cap or repeat is in play.
num() { echo "+63917$(date +%N | cut -c1-7)"; }
sms() { "$RL" phone -c "$WORK/remitline.conf" --wait 20 "$(num)" "$1"; }
kannel() {
    curl -sS -m 10 -u kannel:kannel-secret -G --data-urlencode "from=$(num)" \
        --data-urlencode "text=$1" "$URL/kannel"
}
ussd() { # the USSD menu's cost of sending: to the Philippines, from the United States, USD 200
    curl -sS -m 10 -H "Authorization: Bearer $TOKEN" --data-urlencode "sessionId=live$(date +%N)" \
        --data-urlencode "serviceCode=*384#" --data-urlencode "phoneNumber=+14155550100" \
        --data-urlencode "text=1*6*1*3" "$URL/ussd"
}
ask() { "$RL" ask -c "$WORK/remitline.conf" "$1"; }

# 1. Before: USD 200 to the Philippines at EUR/PHP 66 and EUR/USD 1.10 (60 PHP a dollar).
for door in sms kannel ask; do
    expect_contains "$door before" "about PHP11760 arrives" "$($door "FEE USA PHL 200")"
done
expect_contains "ussd before" "PHP11760" "$(ussd)"

# 2. An import beside the running daemon: EUR/PHP 77, so 70 PHP a dollar.
sed -i 's/quote = "PHP"; rate = 66.0;/quote = "PHP"; rate = 77.0;/' "$WORK/content/world.conf"
grep -q 'rate = 77.0' "$WORK/content/world.conf" || fail "the fixture changed: update this test"
"$RL" import -c "$WORK/remitline.conf" >"$WORK/import.out" 2>&1 || fail "import: $(cat "$WORK/import.out")"
for door in sms kannel ask; do
    out=$($door "FEE USA PHL 200")
    expect_contains "$door after import" "about PHP13720 arrives" "$out"
done
expect_contains "ussd after import" "PHP13720" "$(ussd)"
expect_not_contains "no SIGHUP needed" "reload signal=HUP" "$(cat "$WORK/run.log")"

# 3. A SIGHUP that changes the configuration reaches every door: the rates of 20 Nov are old
# with max_age_rates = 7, and not with 3650.
expect_contains "sms old before" "(old data" "$(sms "RATE USD PHP")"
expect_contains "kannel old before" "(old data" "$(kannel "RATE USD PHP")"
write_conf 3650
kill -HUP "$PID"
wait_log "$WORK/run.log" "reload result=ok" 10
expect_not_contains "sms fresh after HUP" "(old data" "$(sms "RATE USD PHP")"
expect_not_contains "kannel fresh after HUP" "(old data" "$(kannel "RATE USD PHP")"
expect_contains "kannel still answers" "1 USD = 70" "$(kannel "RATE USD PHP")"
stop_daemon "$WORK/run.log"
done_ok
