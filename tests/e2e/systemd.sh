#!/bin/bash
# The systemd unit (scripts/systemd/remitline.service): `systemd-analyze security` rates it at an
# exposure of 2.0 or less (scripts/systemd-security.sh), and its SystemCallFilter= allows every
# system call the gateway makes while it answers an SMS and a USSD request, reloads and stops
# (traced with strace, as an unprivileged user, as systemd would start it).
. "$(dirname "$0")/lib.inc"

UNIT=$SRC/scripts/systemd/remitline.service
sh "$SRC/scripts/systemd-security.sh" "$UNIT" 2.0 >"$WORK/security.out" 2>&1
rc=$?
case $rc in
0) expect_contains "exposure at most 2.0" "(at most 2.0)" "$(cat "$WORK/security.out")" ;;
77) skip_part "rating the unit: $(cat "$WORK/security.out")" ;;
*) fail "the unit's exposure: $(cat "$WORK/security.out")" ;;
esac
# The daily `remitline update`: a oneshot sandboxed as tightly, started by its timer.
UPD=$SRC/scripts/systemd/remitline-update.service
sh "$SRC/scripts/systemd-security.sh" "$UPD" 2.0 >"$WORK/security-update.out" 2>&1
rc=$?
case $rc in
0) expect_contains "update unit exposure at most 2.0" "(at most 2.0)" "$(cat "$WORK/security-update.out")" ;;
77) skip_part "rating the update unit: $(cat "$WORK/security-update.out")" ;;
*) fail "the update unit's exposure: $(cat "$WORK/security-update.out")" ;;
esac
expect_contains "the update unit runs update" "remitline update -c " "$(cat "$UPD")"
expect_contains "the timer is daily" "OnCalendar=daily" "$(cat "$SRC/scripts/systemd/remitline-update.timer")"
expect_contains "the timer catches up" "Persistent=true" "$(cat "$SRC/scripts/systemd/remitline-update.timer")"
expect_contains "the unit sets LimitNOFILE" "LimitNOFILE=" "$(cat "$UNIT")"
expect_contains "the unit sets UMask" "UMask=0027" "$(cat "$UNIT")"
expect_not_contains "the unit runs no fault switches" "REMITLINE_FAULTS" "$(cat "$UNIT")"

if ! command -v strace >/dev/null || ! command -v systemd-analyze >/dev/null; then
    skip_part "the system call filter: needs strace and systemd-analyze"
    done_ok
fi
# As systemd runs it: not root (root makes SQLite call fchown, which the unit forbids).
as_user=()
if [ "$(id -u)" = 0 ]; then
    id nobody >/dev/null 2>&1 || fail "no user 'nobody' on this machine"
    as_user=(setpriv --reuid=nobody --regid="$(id -g nobody)" --init-groups)
fi
PORT=$(free_ports 1)
mkdir -p "$WORK/var"
printf 'systemd-token-0123456789\n' >"$WORK/token"
cat >"$WORK/remitline.conf" <<CONF
database = "$WORK/var/remitline.db";
content = "$SRC/conf/content";
modems = ( { name = "dummy"; device = "$WORK/var/phone"; connection = "none"; model = "dummy"; } );
http = { listen = "127.0.0.1:$PORT"; };
CONF
chmod 600 "$WORK/token" "$WORK/remitline.conf"
[ "$(id -u)" = 0 ] && chown -R nobody "$WORK"
"${as_user[@]}" strace -f -qq -o "$WORK/trace" "$RL" run -c "$WORK/remitline.conf" \
    --http-token-file "$WORK/token" >"$WORK/run.log" 2>&1 &
PID=$!
trap 'kill -9 $PID 2>/dev/null' EXIT
wait_log "$WORK/run.log" "state=connected" 60
wait_log "$WORK/run.log" "http listen=" 30
out=$("${as_user[@]}" "$RL" phone -c "$WORK/remitline.conf" --wait 120 +639170000001 "RATE EUR USD") || fail "no answer under strace: $out"
expect_contains "answers" "1 EUR = " "$out"
out=$(curl -sS -H "Authorization: Bearer systemd-token-0123456789" --data-urlencode sessionId=s1 \
    --data-urlencode serviceCode=1 --data-urlencode phoneNumber=+14155550100 --data-urlencode text= \
    "http://127.0.0.1:$PORT/ussd")
expect_contains "USSD answers" "CON " "$out"
RLPID=$(pgrep -P "$PID" -x remitline) || fail "no remitline under strace"
kill -HUP "$RLPID"
wait_log "$WORK/run.log" "reload result=ok" 30
kill -TERM "$RLPID"
wait "$PID"
PID=
# The system calls made, against those the unit's SystemCallFilter= lines allow.
python3 "$SRC/scripts/systemd-filter-check.py" "$UNIT" "$WORK/trace" >"$WORK/filter.out" 2>&1
[ $? -eq 0 ] || fail "the unit's SystemCallFilter would kill the gateway: $(cat "$WORK/filter.out")"
expect_contains "every system call allowed" "outside the filter: none" "$(cat "$WORK/filter.out")"
done_ok
