#!/bin/bash
# remitline behind real Kannel (Debian's bearerbox, smsbox and kannel-extras' fakesmsc), all on
# loopback ports of this test's own, with a kannel.conf written here (any Kannel service the
# package started is neither used nor disturbed):
#   fakesmsc -> bearerbox -> smsbox -> get-url -> remitline /kannel -> reply body -> smsbox ->
#   bearerbox -> fakesmsc
# and a queued message through remitline's kannel transport -> sendsms -> bearerbox -> fakesmsc.
. "$(dirname "$0")/lib.inc"

FAKESMSC=/usr/lib/kannel/test/fakesmsc
for b in /usr/sbin/bearerbox /usr/sbin/smsbox "$FAKESMSC" curl sqlite3 python3; do
    command -v "$b" >/dev/null || fail "$b is needed (make test installs kannel, kannel-extras)"
done
DB="$WORK/var/remitline.db"
q() { sqlite3 -cmd '.timeout 5000' "$DB" "$1"; }
read -r P_HTTP P_ADMIN P_BOX P_SMSC P_SEND < <(free_ports 5)

. "$SRC/scripts/kannel.inc"
kannel_boxes "$WORK/kannel.conf" "$WORK" "$P_ADMIN" "$P_BOX" "$P_SMSC" \
    "store-type = spool
store-location = \"$WORK/spool\"" \
    "sendsms-port = $P_SEND
sendsms-interface = 127.0.0.1"
cat >>"$WORK/kannel.conf" <<CONF

group = sms-service
keyword = default
catch-all = true
max-messages = 3
concatenation = true
omit-empty = true
get-url = "http://kannel:kannel-secret@127.0.0.1:$P_HTTP/kannel?from=%p&to=%P&text=%a&charset=%C&coding=%c&time=%T"

group = sendsms-user
username = remitline
password = sendsms-secret
default-sender = 12345
max-messages = 3
concatenation = true
CONF
mkdir -p "$WORK/spool" "$WORK/content"
cp "$SRC"/conf/content/lang-*.conf "$SRC/tests/fixtures/content/world.conf" "$WORK/content/"
cat >"$WORK/remitline.conf" <<CONF
content = "$WORK/content";
poll_interval_ms = 100;
http = {
  listen = "127.0.0.1:$P_HTTP";
  clients = ( { name = "kannel"; user = "kannel"; password = "kannel-secret"; },
              { name = "test"; token = "kannel-test-token-0123"; } );
};
modems = (
  { name = "kannel1"; transport = "kannel"; url = "http://127.0.0.1:$P_SEND/cgi-bin/sendsms";
    username = "remitline"; password = "sendsms-secret"; send_rate = 0; }
);
CONF

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; }
trap cleanup EXIT
/usr/sbin/bearerbox "$WORK/kannel.conf" >"$WORK/bearerbox.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do
    curl -s "http://127.0.0.1:$P_ADMIN/status?password=admin-secret" >/dev/null && break
    sleep 0.2
done
/usr/sbin/smsbox "$WORK/kannel.conf" >"$WORK/smsbox.out" 2>&1 &
PIDS+=($!)
"$RL" run -c "$WORK/remitline.conf" >>"$WORK/run.log" 2>&1 &
RLPID=$!
PIDS+=($RLPID)
for _ in $(seq 100); do
    grep -q 'modem=kannel1 state=connected' "$WORK/run.log" 2>/dev/null && break
    sleep 0.2
done
grep -q 'modem=kannel1 state=connected' "$WORK/run.log" ||
    fail "remitline did not reach Kannel's sendsms: $(tail -5 "$WORK/run.log"; tail -5 "$WORK/smsbox.log")"
# The phone network: fakesmsc sends one message and logs what comes back ("Got message").
"$FAKESMSC" -H 127.0.0.1 -r "$P_SMSC" -i 0.5 -m 1 "+14155550100 12345 text FEE USA PHL 200" \
    >"$WORK/fakesmsc.out" 2>"$WORK/fakesmsc.err" &
FPID=$!
PIDS+=($FPID)

# 1. Texted through Kannel: the reply comes back to the phone, and both are in remitline's log.
for _ in $(seq 100); do
    grep -q "Alpha Remit" "$WORK/fakesmsc.err" && break
    sleep 0.2
done
expect_contains "reply through Kannel" "Alpha Remit" "$(cat "$WORK/fakesmsc.err")"
expect_contains "reply to the sender" "+14155550100" "$(grep "Alpha" "$WORK/fakesmsc.err")"
out=$("$RL" log -c "$WORK/remitline.conf" --full-numbers)
expect_contains "logged in, with its transport" "in#1      kannel-http kannel   +14155550100   " "$out"
expect_contains "logged out, sent via kannel" "out#1     kannel-http kannel   +14155550100    sent     " "$out"
[ "$(q "SELECT modem FROM outbox WHERE inbox_id = 1")" = kannel ] || fail "reply not recorded as via kannel"

# 2. A queued message (the USSD 'Send me this by SMS') goes out through the kannel transport.
out=$(curl -sS -H "Authorization: Bearer kannel-test-token-0123" --data-urlencode sessionId=k1 \
    --data-urlencode serviceCode=1 --data-urlencode phoneNumber=+639170000009 \
    --data-urlencode "text=1*1*1*3*1" "http://127.0.0.1:$P_HTTP/ussd")
expect_contains "queued by USSD" "END Thank you" "$out"
for _ in $(seq 100); do
    [ "$(q "SELECT state FROM outbox WHERE recipient = '+639170000009'")" = sent ] && break
    sleep 0.2
done
[ "$(q "SELECT state || ' ' || modem FROM outbox WHERE recipient = '+639170000009'")" = "sent kannel1" ] ||
    fail "not sent through kannel1: $(q "SELECT state, modem, last_error FROM outbox WHERE recipient = '+639170000009'")"
for _ in $(seq 50); do
    grep -q "+639170000009" "$WORK/fakesmsc.err" && break
    sleep 0.2
done
expect_contains "delivered to the phone" "+639170000009" "$(cat "$WORK/fakesmsc.err")"

# 3. A UCS-2 message goes with coding=2 and arrives intact.
sqlite3 "$DB" "INSERT INTO outbox(recipient, text, coding, parts, priority, next_attempt_at, concat_ref, created_at) VALUES ('+221770000001', 'Ça coûte 2 000 FCFA — 😀', 'ucs2', 1, 10, 0, 7, strftime('%s'))"
for _ in $(seq 100); do
    grep -q "+221770000001" "$WORK/fakesmsc.err" && break
    sleep 0.2
done
expect_contains "ucs2 delivered" "+221770000001" "$(cat "$WORK/fakesmsc.err")"
expect_contains "ucs2 coding" "ucs-2 %00%C7%00a" "$(grep "+221770000001" "$WORK/fakesmsc.err")"
expect_contains "emoji intact" "%D8%3D%DE%00" "$(grep "+221770000001" "$WORK/fakesmsc.err")"

# 4. Bad requests on /kannel: clear 4xx.
out=$(curl -sS -w '\n%{http_code}' -u kannel:kannel-secret "http://127.0.0.1:$P_HTTP/kannel?text=hi")
expect_contains "missing from 400" $'\n400' "$out"
out=$(curl -sS -w '\n%{http_code}' -u kannel:kannel-secret "http://127.0.0.1:$P_HTTP/kannel?from=%2B1555&text=%FF%FE&charset=UTF-8")
expect_contains "invalid utf-8 400" $'\n400' "$out"
out=$(curl -sS -w '\n%{http_code}' -u kannel:kannel-secret "http://127.0.0.1:$P_HTTP/kannel?from=%2B1555&text=%00R%00A%00T%00E%00%20%00U%00S%00D%00%20%00P%00H%00P&charset=UTF-16BE&coding=2")
expect_contains "utf-16 decoded" "1 USD = " "$out"
# Kannel's time (%T) makes a retry of one message, a second later, the same message: one answer,
# one record, the same body.
k() { curl -sS -u kannel:kannel-secret "http://127.0.0.1:$P_HTTP/kannel?from=%2B14155550177&text=GUIDE+PHL&time=1764480000"; }
first=$(k)
sleep 1.1
[ "$(k)" = "$first" ] || fail "a retry got another body"
[ "$(q "SELECT count(*) FROM inbox WHERE sender = '+14155550177'")" = 1 ] || fail "a retry was stored twice"
# Binary data (coding=1, a WAP push) is kept as hex and answered with nothing, not the help text.
out=$(curl -sS -w '\n%{http_code}' -u kannel:kannel-secret "http://127.0.0.1:$P_HTTP/kannel?from=%2B15550000077&text=%06%05%04%0B%84%23%F0&coding=1")
[ "$out" = $'\n200' ] || fail "binary SMS answered: $out"
[ "$(sqlite3 -cmd '.timeout 5000' "$DB" "SELECT coding || ' ' || text || ' ' || state FROM inbox WHERE sender = '+15550000077'")" = \
    "8bit 0605040b8423f0 ignored" ] || fail "binary SMS not kept as hex"

# 5. Through Kannel, every promise of the SMS door: JOIN is followed by that topic's broadcast,
# STOP gets exactly one confirmation and nothing after (a broadcast included), a message the
# gateway must not answer reaches the phone as nothing at all (omit-empty), and neither does
# anything to an alphanumeric sender. A phone network that sends in order replaces fakesmsc.
kill "$FPID" 2>/dev/null
wait "$FPID" 2>/dev/null
P=+14155550111
mkfifo "$WORK/to-smsc"
python3 "$SRC/tests/e2e/smsc.py" "$P_SMSC" "$WORK/phones.out" <"$WORK/to-smsc" 2>"$WORK/smsc.err" &
PIDS+=($!)
exec 3>"$WORK/to-smsc"
text_in() { echo "$1 12345 text $2" >&3; }
got() { grep -c -- " $1 text " "$WORK/phones.out" 2>/dev/null; }
wait_phone() { # wait_phone NUMBER NEEDLE: a message to NUMBER holding NEEDLE arrives
    checks=$((checks + 1))
    for _ in $(seq 100); do
        grep -- " $1 text " "$WORK/phones.out" 2>/dev/null | grep -qF -- "$2" && return 0
        sleep 0.1
    done
    fail "nothing holding '$2' reached $1: $(cat "$WORK/phones.out" "$WORK/smsc.err" 2>/dev/null)"
}
# barrier: another phone's question and its answer, then a moment, so what was sent before
# has had every chance to arrive.
barrier=0
barrier() {
    barrier=$((barrier + 1))
    text_in "+1415555080$barrier" "RATE USD PHP"
    wait_phone "+1415555080$barrier" "1 USD ="
    sleep 1
}
text_in "$P" "JOIN PH"
wait_phone "$P" "alerts on Philippines"
out=$("$RL" broadcast -c "$WORK/remitline.conf" --topic PH --id k-1 --text "Typhoon: offices closed.")
expect_contains "broadcast to the Kannel follower" "queued for 1 recipient" "$out"
wait_phone "$P" "Typhoon: offices closed."
text_in "$P" "STOP"
wait_phone "$P" "no more messages"
[ "$(got "$P")" = 3 ] || fail "STOP: expected 3 messages so far, got: $(grep -- " $P " "$WORK/phones.out")"
text_in "$P" "FEE USA PHL 200"
out=$("$RL" broadcast -c "$WORK/remitline.conf" --topic PH --id k-2 --text "Second warning.")
barrier
[ "$(got "$P")" = 3 ] || fail "a number that said STOP through Kannel got more: $(grep -- " $P " "$WORK/phones.out")"
[ "$(q "SELECT count(*) FROM consent WHERE number = '$P' AND action = 'stop'")" = 1 ] ||
    fail "STOP through Kannel not recorded"
text_in "MyBank" "Your code is 123456"
barrier
[ "$(got MyBank)" = 0 ] || fail "an alphanumeric sender got an answer: $(grep MyBank "$WORK/phones.out")"
[ "$(q "SELECT state || ' ' || intent FROM inbox WHERE sender = 'MyBank'")" = "ignored guard" ] ||
    fail "the alphanumeric sender was not stopped by the guard: $(q "SELECT * FROM inbox WHERE sender = 'MyBank'")"
expect_not_contains "no empty-reply text" "Empty reply" "$(cat "$WORK/phones.out")"
expect_not_contains "no fetch error text" "Could not fetch" "$(cat "$WORK/phones.out")"
exec 3>&-
done_ok
