#!/bin/bash
# `remitline run --user NAME`: opens the database and the modem as root, then becomes NAME for
# good, handing it the files it must keep writing; it still answers afterwards.
. "$(dirname "$0")/lib.inc"

[ "$(id -u)" = 0 ] || skip_all "--user needs root to test (this run is not root)"
id nobody >/dev/null 2>&1 || fail "no user 'nobody' on this machine"
chmod 755 "$WORK"
"$RL" run --user nobody >"$WORK/run.log" 2>&1 &
PID=$!
trap 'kill -9 $PID 2>/dev/null' EXIT
for _ in $(seq 100); do grep -q 'privileges user=nobody' "$WORK/run.log" && break; sleep 0.1; done
expect_contains "dropped" "privileges user=nobody" "$(cat "$WORK/run.log")"
uid=$(awk '/^Uid:/ {print $2, $3, $4, $5}' /proc/$PID/status)
[ "$uid" = "65534 65534 65534 65534" ] || fail "still privileged: Uid $uid"
out=$("$RL" phone +639170000001 "RATE EUR USD") || fail "no answer after dropping root: $out"
expect_contains "answers as nobody" "1 EUR = " "$out"
[ "$(stat -c %U "$WORK/var/remitline.db")" = nobody ] || fail "the database was not handed over"
[ "$(stat -c %U "$WORK/var/phone/sms/1")" = nobody ] || fail "the dummy phone was not handed over"
kill -TERM $PID
wait $PID || fail "exit status after SIGTERM"
"$RL" run --user root >"$WORK/root.log" 2>&1 && fail "ran with --user root"
expect_contains "root refused" "that is root" "$(cat "$WORK/root.log")"
"$RL" run --user no-such-user-here >"$WORK/bad.log" 2>&1 && fail "ran with an unknown user"
expect_contains "unknown user" "no such user" "$(cat "$WORK/bad.log")"
done_ok
