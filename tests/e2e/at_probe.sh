#!/bin/bash
# `remitline modem probe` (#14 item 4) on the test modem: what the modem is and whether it can
# read and send SMS, without starting the gateway, and its exit codes (0 ready, 1 cannot open,
# 2 usage, 3 not ready); it leaves a modem the running gateway holds alone.
. "$(dirname "$0")/lib.inc"
. "$(dirname "$0")/atmodem.inc"

ATMODEM_ATLOG=1 start_modem sim1
out=$("$RL" modem probe --device "$WORK/sim1.tty")
rc=$?
[ "$rc" = 0 ] || fail "probe of a ready modem: exit $rc: $out"
for want in "maker        Huawei" "model        E173" "IMEI         861234*******01" \
    "network      TestNet (home)" "SMS storage  SIM 0 of 30 used" "SMS centre   +447785016005" \
    "reads SMS    yes" "sends SMS    yes" "ready: this modem can read and send SMS"; do
    expect_contains "probe says" "$want" "$out"
done
expect_not_contains "the IMEI is masked" "861234010000001" "$out"

# --send: one test SMS, through the modem.
expect_status "probe --send" 0 "$RL" modem probe --device "$WORK/sim1.tty" --send +639170000009
[ "$(sent sim1 'r["event"] == "submit" and r["to"] == "+639170000009"')" = 1 ] || fail "the test SMS: $(records sim1)"

# A SIM that cannot be listed (with a text on it, so there is something to list): opened, not
# ready (3), and why. The probe deletes nothing: the text is still there after.
modem sim1 sms +639170000001 "RATE USD PHP" >/dev/null || fail "put a text"
modem sim1 readfail on >/dev/null
expect_status "probe of an unreadable SIM" 3 "$RL" modem probe --device "$WORK/sim1.tty"
expect_contains "why not" "reads SMS    no: " "$(cat "$WORK/.out")"
modem sim1 readfail off >/dev/null
expect_status "probe with a text on the SIM" 0 "$RL" modem probe --device "$WORK/sim1.tty"
[ "$(modem_stat sim1 sim)" = 1 ] || fail "the probe deleted the text"

# Nothing there: 1, in plain words.
expect_status "probe of a missing port" 1 "$RL" modem probe --device "$WORK/nothing.tty"
expect_contains "why not" "modem not found at its device" "$(cat "$WORK/.out")"
# Usage: 2.
expect_status "two modems at once" 2 "$RL" modem probe --modem sim1 --device "$WORK/sim1.tty"
expect_status "no subcommand" 2 "$RL" modem

# A configured modem: probed by name, but not while the gateway holds it.
write_conf "$WORK/remitline.conf" sim1
expect_status "probe --modem" 0 "$RL" modem probe -c "$WORK/remitline.conf" --modem sim1
expect_status "an unknown modem" 1 "$RL" modem probe -c "$WORK/remitline.conf" --modem sim9
run_daemon "$WORK/run.log" 1 -c "$WORK/remitline.conf"
expect_status "probe while the gateway runs" 1 "$RL" modem probe -c "$WORK/remitline.conf" --modem sim1
expect_contains "why not" "the gateway is running (pid $PID)" "$(cat "$WORK/.err")"
stop_daemon "$WORK/run.log"

# The dummy phone (the built-in configuration) probes as ready too.
mkdir -p "$WORK/dummy/var"
(cd "$WORK/dummy" && "$RL" modem probe >"$WORK/.out" 2>&1) || fail "probe of the dummy phone: $(cat "$WORK/.out")"
expect_contains "the dummy phone" "ready" "$(cat "$WORK/.out")"
done_ok
