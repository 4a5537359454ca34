#!/bin/bash
# The database on a nearly full filesystem (issue #8, with crash.sh): store errors are logged,
# messages stay on the phone until stored, nothing accepted is lost, and everything goes through
# once there is room again. Needs root to mount a small tmpfs; skipped (exit 77) otherwise.
. "$(dirname "$0")/lib.inc"

command -v sqlite3 >/dev/null || fail "sqlite3 is needed to look inside the database (make test installs it)"
[ "$(id -u)" = 0 ] || skip_all "mounting a tmpfs needs root (this run is not root)"

q() { sqlite3 -cmd '.timeout 5000' "$DB" "$1"; }
PID=
runs=0
start() {
    runs=$((runs + 1))
    LOG="$WORK/run.$runs.log"
    run_daemon "$LOG" 1 -c "$1"
}
stop() { stop_daemon "$LOG"; }
cleanup() {
    # The daemon must be gone before the unmount, or the tmpfs stays mounted (busy).
    [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
    mountpoint -q "$WORK/full" 2>/dev/null && { umount "$WORK/full" || umount -l "$WORK/full"; }
}
trap cleanup EXIT
# wait_for SQL EXPECTED SECONDS
wait_for() {
    for _ in $(seq $(($3 * 10))); do
        [ "$(q "$1")" = "$2" ] && return 0
        sleep 0.1
    done
    fail "waited $3 s for [$1] = $2, got $(q "$1")"
}

# The shipped content makes a database of about 1.5 MB, and importing it needs as much again
# for the WAL: it is imported on the ordinary disk and copied onto a tmpfs with 2 MB to spare.
mkdir -p "$WORK/full" "$WORK/seed"
printf 'content = "%s/conf/content";\ndatabase = "%s/seed/remitline.db";\n' "$SRC" "$WORK" >"$WORK/seed.conf"
"$RL" import -c "$WORK/seed.conf" >"$WORK/.out" 2>&1 || fail "importing the content: $(cat "$WORK/.out")"
size_k=$(($(stat -c %s "$WORK/seed/remitline.db") / 1024 + 2048))
mount -t tmpfs -o "size=${size_k}k" tmpfs "$WORK/full" 2>"$WORK/.err" ||
    skip_all "mount -t tmpfs failed here: $(cat "$WORK/.err")"
DB="$WORK/full/remitline.db"
cp "$WORK/seed/remitline.db" "$DB" || fail "copying the database onto the tmpfs"
mkdir -p "$WORK/phone-full"
cat >"$WORK/full.conf" <<CONF
content = "$SRC/conf/content";
database = "$DB";
poll_interval_ms = 100;
max_backoff = 1;
modems = ( { name = "sim1"; model = "dummy"; connection = "none"; device = "$WORK/phone-full"; } );
CONF
fullphone() { "$RL" phone -c "$WORK/full.conf" --dir "$WORK/phone-full" --wait 0 "$@"; }
start "$WORK/full.conf"
for i in $(seq 1 20); do fullphone "+23481000$i" "FEE USA MEX $i" || fail "typing $i"; done
wait_for "SELECT count(*) FROM outbox WHERE recipient LIKE '+23481%' AND state = 'sent'" 20 30
# Fill what is left, to the last block; the daemon keeps running.
dd if=/dev/zero of="$WORK/full/filler" bs=4096 2>/dev/null
dd if=/dev/zero of="$WORK/full/filler2" bs=512 2>/dev/null
# Whichever write meets the full disk first (storing a message, queueing or recording a reply)
# says so; the modem thread then waits, and what arrives stays on the phone. SQLite may first
# fill pages the database and its WAL already hold (how many depends on when the last
# checkpoint ran), so messages come in batches of 20 until a write needs a block there is not.
n=0
while [ "$n" -lt 600 ]; do
    for i in $(seq $((n + 1)) $((n + 20))); do
        fullphone "+23482000$i" "RATE EUR PHP $i" || fail "typing $i"
    done
    n=$((n + 20))
    for _ in $(seq 50); do
        grep -q 'database or disk is full' "$LOG" && break 2
        sleep 0.1
    done
done
checks=$((checks + 1))
grep -q 'database or disk is full' "$LOG" || fail "no error logged on a full disk after $n messages: $(tail -20 "$LOG")"
sleep 1
left=$(ls "$WORK/phone-full/sms/1" | wc -l)
stored=$(q "SELECT count(*) FROM inbox WHERE sender LIKE '+23482%'" 2>/dev/null || echo 0)
echo "full disk: $left messages kept on the phone, $stored stored before the disk filled"
checks=$((checks + 1))
[ "$((left + stored))" -ge "$n" ] || fail "messages lost on a full disk: $left on the phone + $stored stored < $n"
# (How many wait on the phone depends on the moment: a checkpoint that rewinds the WAL makes room
# for a few more writes. That the disk was full is the logged error; what counts is that none
# is lost.)
# Room again: everything goes through, nothing accepted before was lost.
rm -f "$WORK/full/filler" "$WORK/full/filler2"
wait_for "SELECT count(*) FROM outbox o JOIN inbox i ON i.id = o.inbox_id WHERE i.sender LIKE '+23482%' AND o.state = 'sent'" "$n" 120
stop
checks=$((checks + 1))
[ "$(q "SELECT count(*) || '|' || count(DISTINCT sender) FROM inbox WHERE sender LIKE '+2348_%'")" = "$((n + 20))|$((n + 20))" ] ||
    fail "after the full disk: $(q "SELECT count(*), count(DISTINCT sender) FROM inbox WHERE sender LIKE '+2348_%'")"
checks=$((checks + 1))
[ "$(q "SELECT count(*) FROM inbox i WHERE sender LIKE '+2348_%' AND (SELECT count(*) FROM outbox o WHERE o.inbox_id = i.id AND o.state = 'sent') != 1")" = 0 ] ||
    fail "after the full disk: a message without exactly one sent reply"
[ -z "$(ls "$WORK/phone-full/sms/1/")" ] || fail "the phone kept messages after the disk had room again"
umount "$WORK/full"
done_ok
