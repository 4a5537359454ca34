#!/bin/bash
# `remitline run --user NAME`: opens the modem as root, hands NAME the gateway's own state
# directory and nothing else, becomes NAME for good, then opens the database; it still answers
# afterwards, and SIGHUP still reads a configuration installed 0640 root:GROUP. Root never
# follows a link planted in the state directory (the lock, the database), and a database whose
# directory holds anything else is refused.
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
out=$("$RL" phone --wait 60 +639170000001 "RATE EUR USD") || fail "no answer after dropping root: $out"
expect_contains "answers as nobody" "1 EUR = " "$out"
[ "$(stat -c %U "$WORK/var/remitline.db")" = nobody ] || fail "the database was not handed over"
[ "$(stat -c %U "$WORK/var/phone/sms/1")" = nobody ] || fail "the dummy phone was not handed over"
kill -TERM $PID
wait $PID || fail "exit status after SIGTERM"
[ "$(stat -c %U "$WORK/var/remitline.db.lock")" = nobody ] || fail "the lock was not handed over"

# A root-only file beside the database must stay root's: the directory is refused, untouched.
mkdir -p "$WORK/shared"
printf 'root only\n' >"$WORK/shared/secret.key"
chmod 600 "$WORK/shared/secret.key"
cat >"$WORK/shared.conf" <<CONF
database = "$WORK/shared/remitline.db";
modems = ( { name = "dummy"; device = "$WORK/shared-phone"; connection = "none"; model = "dummy"; } );
CONF
expect_status "a shared directory is refused" 1 "$RL" run -c "$WORK/shared.conf" --user nobody
expect_contains "says which file" "holds 'secret.key', which is not the gateway's" "$(cat "$WORK/.err")"
[ "$(stat -c '%U %a' "$WORK/shared/secret.key")" = "root 600" ] || fail "secret.key changed hands: $(stat -c '%U %a' "$WORK/shared/secret.key")"
[ "$(stat -c %U "$WORK/shared")" = root ] || fail "the shared directory changed hands"

# The state directory is nobody's now: a link nobody plants there must not reach root's files.
printf 'precious\n' >"$WORK/rootonly"
chmod 600 "$WORK/rootonly"
mv "$WORK/var/remitline.db.lock" "$WORK/lock.saved"
ln -s "$WORK/rootonly" "$WORK/var/remitline.db.lock"
expect_status "a symlinked lock is refused" 1 "$RL" run --user nobody
expect_contains "lock link: said" "is a symbolic link" "$(cat "$WORK/.err")"
rm "$WORK/var/remitline.db.lock"
ln "$WORK/rootonly" "$WORK/var/remitline.db.lock"
expect_status "a hard-linked lock is refused" 1 "$RL" run --user nobody
expect_contains "lock hard link: said" "one link" "$(cat "$WORK/.err")"
[ "$(cat "$WORK/rootonly")" = precious ] || fail "root wrote through a planted lock: $(cat "$WORK/rootonly")"
rm "$WORK/var/remitline.db.lock"
mv "$WORK/var/remitline.db" "$WORK/db.saved"
ln -s "$WORK/rootonly" "$WORK/var/remitline.db"
expect_status "a symlinked database is refused" 1 "$RL" run --user nobody
expect_contains "database link: said" "symbolic link is in the way" "$(cat "$WORK/.err")"
[ "$(cat "$WORK/rootonly")" = precious ] || fail "the database opened through a planted link"
[ "$(stat -c %U "$WORK/rootonly")" = root ] || fail "a planted link's target changed hands"
rm "$WORK/var/remitline.db"
mv "$WORK/db.saved" "$WORK/var/remitline.db"

# SIGHUP after --user: a configuration 0640 root:GROUP is read again; a root-only one is said at
# start, and a reload that cannot read it keeps the old configuration.
grp=$(id -gn nobody)
cat >"$WORK/hup.conf" <<CONF
database = "$WORK/var/remitline.db";
content = "$SRC/conf/content";
modems = ( { name = "dummy"; device = "$WORK/var/phone"; connection = "none"; model = "dummy"; } );
CONF
chown root:"$grp" "$WORK/hup.conf"
chmod 640 "$WORK/hup.conf"
run_daemon "$WORK/hup.log" 1 -c "$WORK/hup.conf" --user nobody
wait_log "$WORK/hup.log" "privileges user=nobody" 10
expect_not_contains "0640 root:group: no warning" "cannot read" "$(cat "$WORK/hup.log")"
kill -HUP "$PID"
wait_log "$WORK/hup.log" "reload result=ok" 30
stop_daemon "$WORK/hup.log"
chown root:root "$WORK/hup.conf"
chmod 600 "$WORK/hup.conf"
run_daemon "$WORK/hup2.log" 1 -c "$WORK/hup.conf" --user nobody
wait_log "$WORK/hup2.log" "SIGHUP cannot reload it" 10
kill -HUP "$PID"
wait_log "$WORK/hup2.log" "reload result=failed" 30
out=$("$RL" phone -c "$WORK/hup.conf" --wait 30 +639170000002 "RATE EUR USD") || fail "no answer after a failed reload: $out"
expect_contains "answers after a failed reload" "1 EUR = " "$out"
stop_daemon "$WORK/hup2.log"

# A port below 1024 is bound as root, then served as nobody.
LOWPORT=$(python3 -c '
import socket
for p in range(1000, 600, -1):
    try:
        s = socket.socket(); s.bind(("127.0.0.1", p)); s.close(); print(p); break
    except OSError:
        pass')
printf 'privdrop-token-0123456789\n' >"$WORK/token"
chmod 600 "$WORK/token"
chown root:"$grp" "$WORK/hup.conf"
chmod 640 "$WORK/hup.conf"
run_daemon "$WORK/low.log" 1 -c "$WORK/hup.conf" --user nobody --http "127.0.0.1:$LOWPORT" --http-token-file "$WORK/token"
wait_log "$WORK/low.log" "http listen=127.0.0.1:$LOWPORT" 10
out=$(curl -sS -H "Authorization: Bearer privdrop-token-0123456789" --data-urlencode sessionId=p1 \
    --data-urlencode serviceCode=1 --data-urlencode phoneNumber=+14155550100 --data-urlencode text= \
    "http://127.0.0.1:$LOWPORT/ussd")
expect_contains "port $LOWPORT served as nobody" "CON " "$out"
uid=$(awk '/^Uid:/ {print $2}' /proc/$PID/status)
[ "$uid" = 65534 ] || fail "serving port $LOWPORT as uid $uid"
stop_daemon "$WORK/low.log"

"$RL" run --user root >"$WORK/root.log" 2>&1 && fail "ran with --user root"
expect_contains "root refused" "that is root" "$(cat "$WORK/root.log")"
"$RL" run --user no-such-user-here >"$WORK/bad.log" 2>&1 && fail "ran with an unknown user"
expect_contains "unknown user" "no such user" "$(cat "$WORK/bad.log")"
done_ok
