#!/bin/bash
# Alerts through the daemon on the dummy phone (issue #4): JOIN/LEAVE/STOP/START/MY, STOP in the
# middle of a broadcast, resume after SIGKILL without duplicates, alert files (validation, ids
# queued once), operator PINs with confirmation and lockout, language fallback, expiry, and the
# broadcast command.
. "$(dirname "$0")/lib.inc"

command -v sqlite3 >/dev/null || fail "sqlite3 is needed to look inside the database (make test installs it)"
DB="$WORK/var/remitline.db"
q() { sqlite3 -cmd '.timeout 5000' "$DB" "$1"; }
wait_for() {
    for _ in $(seq $(($3 * 10))); do
        [ "$(q "$1")" = "$2" ] && return 0
        sleep 0.1
    done
    fail "waited $3 s for [$1] = $2, got $(q "$1")"
}
start() {
    : >"$WORK/run.log"
    run_daemon "$WORK/run.log" 1 -c "$WORK/remitline.conf"
}
stop() { stop_daemon "$WORK/run.log"; }
trap 'kill -9 $PID 2>/dev/null' EXIT
phone() { "$RL" phone -c "$WORK/remitline.conf" "$@"; }
conf() {
    cat >"$WORK/remitline.conf" <<CONF
content = "$SRC/conf/content";
poll_interval_ms = 100;
loop_guard = false;   # this script answers faster than any person: it would look like a loop
operators = ( { number = "+15550009999"; pin = "4821"; }, { number = "+15550008888"; pin = "1357"; } );
$1
CONF
}
conf ""
start

# Subscribing, in several languages.
out=$(phone +639170000001 "JOIN PH") || fail "join: $out"
expect_contains "join" "You will get alerts on Philippines. LEAVE PHL" "$out"
out=$(phone +639170000002 "sali pilipinas") || fail "sali: $out"
expect_contains "sali" "Makakatanggap ka ng alerto tungkol sa Pilipinas" "$out"
out=$(phone +33600000003 "ABONNER PHILIPPINES") || fail "abonner: $out"
expect_contains "abonner" "Vous recevrez les alertes sur Philippines" "$out"
out=$(phone +15550000004 "join usa-mex") || fail "corridor: $out"
expect_contains "corridor" "United States>Mexico" "$out"
out=$(phone +15550000004 "JOIN SCAMS") || fail "named topic: $out"
out=$(phone +15550000004 "MY") || fail "my: $out"
expect_contains "my" "USA-MEX" "$out"
expect_contains "my 2" "SCAMS" "$out"
out=$(phone +15550000004 "LEAVE SCAMS") || fail "leave: $out"
expect_contains "leave" "no longer get alerts on SCAMS" "$out"
[ "$(q "SELECT count(*) FROM consent WHERE number = '+15550000004'")" = 3 ] || fail "consent log"
[ "$(q "SELECT text FROM consent WHERE action = 'leave'")" = "LEAVE SCAMS" ] || fail "consent keeps the message"

# STOP: one confirmation, then silence, even for questions; START undoes it.
out=$(phone +639170000005 "JOIN PH") || fail "join 5"
out=$(phone +639170000005 "STOP") || fail "stop: $out"
expect_contains "stop" "no more messages" "$out"
# (The same text from one number in the same second is one SMS read twice: a second apart.)
sleep 1
phone --wait 2 +639170000005 "STOP" >/dev/null 2>&1 && fail "a second STOP was answered"
phone --wait 2 +639170000005 "FEE USA PHL" >/dev/null 2>&1 && fail "a question after STOP was answered"
sleep 1
[ "$(q "SELECT count(*) FROM subscription WHERE number = '+639170000005'")" = 0 ] || fail "STOP leaves every topic"
out=$(phone +639170000005 "START") || fail "start: $out"
expect_contains "start" "Welcome back" "$out"
out=$(phone +639170000005 "FEE USA PHL") || fail "answered again after START: $out"

# An alert file: each follower in their language, the default (en) for French, once per id.
mkdir -p "$WORK/var/alerts"
cat >"$WORK/var/alerts/scam.conf" <<'ALERT'
alert = {
  id = "2026-11-scam-01";
  topics = ["PH"];
  priority = 3;
  text = { en = "Scam alert: the embassy never asks for fees by SMS.";
           tl = "Babala: hindi humihingi ng bayad ang embahada sa SMS."; };
};
ALERT
wait_for "SELECT count(*) FROM outbox WHERE alert_id = '2026-11-scam-01' AND state = 'sent'" 3 20
[ "$(q "SELECT text FROM outbox WHERE alert_id = '2026-11-scam-01' AND recipient = '+639170000002'")" = \
  "Babala: hindi humihingi ng bayad ang embahada sa SMS." ] || fail "Tagalog follower"
[ "$(q "SELECT text FROM outbox WHERE alert_id = '2026-11-scam-01' AND recipient = '+33600000003'")" = \
  "Scam alert: the embassy never asks for fees by SMS." ] || fail "French follower falls back to English"
# Dropped again (even under another name): nothing more.
cp "$WORK/var/alerts/scam.conf" "$WORK/var/alerts/scam-again.conf"
kill -HUP "$PID"
wait_log "$WORK/run.log" "result=already-queued" 10
[ "$(q "SELECT count(*) FROM outbox WHERE alert_id = '2026-11-scam-01'")" = 3 ] || fail "queued twice"

# A broken alert file: every problem with its line, nothing queued.
cat >"$WORK/var/alerts/broken.conf" <<'ALERT'
alert = {
  id = "bad one";
  topics = ["ATLANTIS"];
  priority = 12;
  text = { en = ""; };
  colour = "red";
};
ALERT
kill -HUP "$PID"
wait_log "$WORK/run.log" "broken.conf:6:" 10
log=$(cat "$WORK/run.log")
expect_contains "bad id" "broken.conf:2: alert: 'id' must be" "$log"
expect_contains "bad priority" "broken.conf:4: alert: 'priority' must be" "$log"
expect_contains "bad text" "broken.conf:5: alert: text.en must be" "$log"
expect_contains "unknown key" "broken.conf:6: alert: unknown key 'colour'" "$log"
rm "$WORK/var/alerts/broken.conf"

# Alert files are tracked in the database: a changed file under an id already queued is not
# sent again, and says so; a deleted file is forgotten; there is no cap on how many (the daemon
# once kept 256 and ignored the rest without a word).
sed -i 's/never asks for fees by SMS/never asks for fees by SMS or WhatsApp/' "$WORK/var/alerts/scam.conf"
kill -HUP "$PID"
wait_log "$WORK/run.log" "result=not-sent-again" 10
expect_contains "changed file: new id needed" "give the changed alert a new id" "$(cat "$WORK/run.log")"
[ "$(q "SELECT count(*) FROM outbox WHERE alert_id = '2026-11-scam-01'")" = 3 ] || fail "a changed file was sent again"
wait_for "SELECT count(*) FROM alert_file WHERE path LIKE '%/broken.conf'" 0 10
rm "$WORK/var/alerts/scam-again.conf"
for i in $(seq 1 260); do
    printf 'alert = { id = "bulk-%d"; topics = ["MX"]; text = { en = "Notice %d."; }; };\n' "$i" "$i" \
        >"$WORK/var/alerts/bulk-$i.conf"
done
kill -HUP "$PID"
wait_for "SELECT count(*) FROM alert WHERE id LIKE 'bulk-%'" 260 30
wait_for "SELECT count(*) FROM alert_file WHERE path LIKE '%/bulk-%.conf'" 260 10
wait_for "SELECT count(*) FROM alert_file WHERE path LIKE '%/scam-again.conf'" 0 10
expect_contains "forgotten logged" "alert files forgotten=" "$(cat "$WORK/run.log")"
rm -f "$WORK/var/alerts"/bulk-*.conf

# Operators: PIN, confirmation code, wrong PINs locked out after three.
out=$(phone +15550009999 "ALERT 4821 PH Typhoon: remittance offices in Tacloban closed today") || fail "alert: $out"
expect_contains "audience" "This alert goes to 3 people" "$out"
code=$(echo "$out" | sed -n 's/.*YES \([0-9]*\).*/\1/p')
[ -n "$code" ] || fail "no confirmation code in: $out"
[ "$(q "SELECT count(*) FROM inbox WHERE text LIKE '%4821%'")" = 0 ] || fail "the PIN was stored"
out=$(phone +15550008888 "YES $code") || true
expect_contains "code bound to its number" "No alert waits" "$out"
out=$(phone +15550009999 "YES $code") || fail "yes: $out"
expect_contains "sent" "Sent to 3 people" "$out"
# The wrong code above was +15550008888's first try: two wrong PINs more lock it.
for i in 1 2; do out=$(phone +15550008888 "ALERT 0000 PH test $i") || true; done
expect_contains "locked" "is now locked for 60 min" "$out"
out=$(phone +15550008888 "ALERT 1357 PH now the right pin") || true
expect_contains "still locked" "more min after 3 wrong" "$out"
out=$("$RL" mutes -c "$WORK/remitline.conf" --full-numbers) || fail "mutes: $out"
expect_contains "mutes lists the lockout" "+15550008888     locked" "$out"
out=$("$RL" operator unlock -c "$WORK/remitline.conf" +15550008888) || fail "unlock: $out"
expect_contains "unlocked" "+15550008888 is unlocked" "$out"
"$RL" operator unlock -c "$WORK/remitline.conf" +15550008888 >/dev/null 2>&1 && fail "unlocked twice"
out=$(phone +15550008888 "ALERT 1357 PH the right pin after the unlock") || fail "after unlock: $out"
expect_contains "answered after unlock" "This alert goes to" "$out"
expect_contains "attempts logged" "result=wrong-pin attempt=3" "$(cat "$WORK/run.log")"
# A number not on the list sends a PIN-looking ALERT: masked too, in the log and consent.
phone +639170000009 "ALERT 2468 PH Typhoon" >/dev/null 2>&1 || true
phone +639170000009 "LEAVE PH" >/dev/null 2>&1 || true # ALERT is close to ALERTS, a JOIN word
# (The PIN as it was sent, before the topic: an alert id holds a timestamp, whose digits may
# contain any four.)
expect_not_contains "no PIN in remitline log" "2468 PH" "$("$RL" log -c "$WORK/remitline.conf" --limit 100)"
expect_contains "masked in remitline log" "ALERT **** PH Typhoon" "$("$RL" log -c "$WORK/remitline.conf" --limit 100)"
stop
# Not even in the database's files: a masked cell leaves no copy behind (secure_delete).
for f in "$WORK"/var/remitline.db*; do
    ! grep -a -q -E "ALERT (4821|1357|2468|0000)" "$f" || fail "a PIN is in $f"
done

# STOP in the middle of a broadcast, at one message a second: the rest never reach that number.
conf 'modems = ( { name = "slow"; model = "dummy"; connection = "none"; device = "var/phone"; send_rate = 60; } );'
start
for i in 10 11 12 13 14 15; do phone --wait 0 "+6391700000$i" "JOIN PH"; done
wait_for "SELECT count(*) FROM outbox WHERE recipient LIKE '+63917000001%' AND state = 'sent'" 6 30
# --dry-run checks an alert as it would be queued, and queues nothing.
cat >"$WORK/dry.conf" <<'ALERT'
alert = { id = "dry-1"; topics = ["PH"]; text = { en = "Checked, not sent."; }; };
ALERT
out=$("$RL" broadcast -c "$WORK/remitline.conf" --file "$WORK/dry.conf" --dry-run) || fail "dry run: $out"
expect_contains "dry run" "alert dry-1 OK: it would be queued (nothing was queued)" "$out"
[ "$(q "SELECT count(*) FROM outbox WHERE alert_id = 'dry-1'")" = 0 ] || fail "--dry-run queued the alert"
sed -i 's/topics = \["PH"\]/topics = ["NOWHERE"]/' "$WORK/dry.conf"
if out=$("$RL" broadcast -c "$WORK/remitline.conf" --file "$WORK/dry.conf" --dry-run 2>&1); then
    fail "--dry-run passed an alert with an unknown topic: $out"
fi
expect_contains "dry run names the problem" "topic 'NOWHERE'" "$out"
# check FILE takes an alert file the same way.
if out=$("$RL" check -c "$WORK/remitline.conf" "$WORK/dry.conf" 2>&1); then
    fail "check passed an alert with an unknown topic: $out"
fi
expect_contains "check names the problem" "topic 'NOWHERE'" "$out"
sed -i 's/topics = \["NOWHERE"\]/topics = ["PH"]/' "$WORK/dry.conf"
out=$("$RL" check -c "$WORK/remitline.conf" "$WORK/dry.conf") || fail "check of a good alert: $out"
expect_contains "check alert" "alert dry-1 OK (not queued)" "$out"
[ "$(q "SELECT count(*) FROM outbox WHERE alert_id = 'dry-1'")" = 0 ] || fail "check queued the alert"
out=$("$RL" broadcast -c "$WORK/remitline.conf" --topic PH --id slow-1 --text "Rates changed today.") || fail "broadcast: $out"
expect_contains "broadcast" "alert slow-1 queued for 9 recipients" "$out"
out=$(phone +639170000015 "STOP") || fail "stop mid-broadcast: $out"
wait_for "SELECT count(*) FROM outbox WHERE alert_id = 'slow-1' AND state IN ('queued', 'sending')" 0 30
[ "$(q "SELECT count(*) FROM outbox WHERE alert_id = 'slow-1' AND recipient = '+639170000015' AND state = 'sent'")" = 0 ] ||
    fail "a broadcast reached a number after its STOP"
out=$("$RL" broadcast -c "$WORK/remitline.conf" status slow-1)
expect_contains "status" "recipients 9:" "$out"

# SIGKILL in the middle of a broadcast: after the restart everyone gets it exactly once.
out=$("$RL" broadcast -c "$WORK/remitline.conf" --topic PH --id slow-2 --text "Second notice.") || fail "$out"
sleep 2.5
kill -KILL "$PID"; wait "$PID" 2>/dev/null
start
wait_for "SELECT count(*) FROM outbox WHERE alert_id = 'slow-2' AND state IN ('queued', 'sending')" 0 30
[ "$(q "SELECT count(*) FROM outbox WHERE alert_id = 'slow-2'")" = "$(q "SELECT count(DISTINCT recipient) FROM outbox WHERE alert_id = 'slow-2'")" ] ||
    fail "a recipient got the alert twice"
stop

# Quiet hours hold broadcasts (replies still go); an alert that expires meanwhile never goes.
now=$(date +%H:%M); later=$(date -d '+3 min' +%H:%M)
conf "quiet_hours = \"$now-$later\";"
start
out=$("$RL" broadcast -c "$WORK/remitline.conf" --topic PH --id quiet-1 --until "$(date -d '+4 sec' '+%Y-%m-%d %H:%M:%S')" --text "Held.") ||
    fail "broadcast in quiet hours: $out"
expect_contains "queued in quiet hours" "alert quiet-1 queued" "$out"
out=$("$RL" broadcast -c "$WORK/remitline.conf" status quiet-1) || fail "broadcast status: $out"
expect_contains "broadcast status says quiet hours" "held by quiet hours until $later" "$out"
for _ in $(seq 30); do
    out=$("$RL" status -c "$WORK/remitline.conf")
    case "$out" in *"held by quiet hours"*) break ;; esac
    sleep 0.1
done
expect_contains "status says quiet hours" "broadcasts paused: held by quiet hours until $later" "$out"
out=$(phone +639170000001 "RATE USD PHP") || fail "replies during quiet hours: $out"
sleep 5
kill -HUP "$PID"
wait_for "SELECT group_concat(DISTINCT state) FROM outbox WHERE alert_id = 'quiet-1'" failed 10
expect_contains "expiry recorded" "expired" "$(q "SELECT last_error FROM outbox WHERE alert_id = 'quiet-1' LIMIT 1")"
stop
done_ok
