#!/bin/bash
# The HTTP interface of `remitline run`: USSD callbacks (Africa's Talking convention), /healthz,
# /metrics, credentials, the allowlist and bad input, with curl on loopback.
. "$(dirname "$0")/lib.inc"

command -v curl >/dev/null || fail "curl is needed (make test installs it)"
command -v sqlite3 >/dev/null || fail "sqlite3 is needed (make test installs it)"
DB="$WORK/var/remitline.db"
q() { sqlite3 -cmd '.timeout 5000' "$DB" "$1"; }

# A free loopback port: the kernel's choice, released just before the daemon takes it.
PORT=$(free_ports 1)
URL="http://127.0.0.1:$PORT"
TOKEN="test-token-0123456789"
cat >"$WORK/remitline.conf" <<CONF
content = "$SRC/tests/fixtures/content";
poll_interval_ms = 100;
http = {
  listen = "127.0.0.1:$PORT";
  max_body = 1024;
  max_header = 4096;
  timeout = 2;
  request_timeout = 4;
  session_timeout = 10;
  clients = (
    { name = "aggregator"; token = "$TOKEN"; },
    { name = "kannel"; user = "kannel"; password = "kannel-secret"; }
  );
};
CONF
# The fixture world has no lang files: import them with it.
mkdir -p "$WORK/content"
cp "$SRC"/conf/content/lang-*.conf "$SRC/tests/fixtures/content/world.conf" "$WORK/content/"
sed -i "s|^content = .*|content = \"$WORK/content\";|" "$WORK/remitline.conf"

start() {
    "$RL" run -c "$WORK/remitline.conf" "$@" >>"$WORK/run.log" 2>&1 &
    PID=$!
    # Ready when it answers (the log holds earlier runs' lines too).
    for _ in $(seq 100); do
        curl -s -o /dev/null "$URL/healthz" && return 0
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.1
    done
    fail "the daemon did not start: $(cat "$WORK/run.log")"
}
stop() {
    kill -TERM "$PID" 2>/dev/null
    wait "$PID"
    [ $? -eq 0 ] || fail "daemon exited non-zero: $(tail -5 "$WORK/run.log")"
}
trap 'kill -9 $PID 2>/dev/null' EXIT

# ussd SESSION PHONE TEXT [curl options...]: prints the body, then the status on its own line.
ussd() {
    local s=$1 p=$2 t=$3
    shift 3
    curl -sS -m 5 -w '\n%{http_code}' -H "Authorization: Bearer $TOKEN" \
        --data-urlencode "sessionId=$s" --data-urlencode "serviceCode=*384*1#" \
        --data-urlencode "phoneNumber=$p" --data-urlencode "networkCode=63902" \
        --data-urlencode "text=$t" "$@" "$URL/ussd"
}

start
# 1. Health, open to monitoring without credentials.
out=$(curl -sS -w '\n%{http_code}' "$URL/healthz")
expect_contains "healthz 200" $'\n200' "$out"
expect_contains "healthz json" '"database":"ok"' "$out"
expect_contains "healthz modem" '"state":"connected"' "$out"

# 2. A whole USSD session: cost of sending, US caller -> Philippines, USD 200.
out=$(ussd s1 +14155550100 "")
expect_contains "main menu" "CON Remitline" "$out"
expect_contains "main 200" $'\n200' "$out"
out=$(ussd s1 +14155550100 "1")
expect_contains "destinations" "6 Philippines" "$out"
out=$(ussd s1 +14155550100 "1*6")
expect_contains "origin: the caller's country first" "1 United States" "$out"
out=$(ussd s1 +14155550100 "1*6*1*3")
expect_contains "cheapest" "Alpha Remit" "$out"
expect_contains "sms offer" "1 Send me this by SMS" "$out"
out=$(ussd s1 +14155550100 "1*6*1*3*1")
expect_contains "sms queued" "END Thank you" "$out"
# The modem thread sends it.
for _ in $(seq 50); do
    [ "$(q "SELECT state FROM outbox WHERE recipient = '+14155550100'")" = sent ] && break
    sleep 0.1
done
[ "$(q "SELECT state FROM outbox WHERE recipient = '+14155550100'")" = sent ] ||
    fail "the USSD answer was not sent by SMS: $(q 'SELECT * FROM outbox')"
expect_contains "sms text" "Alpha Remit" "$(q "SELECT text FROM outbox WHERE recipient = '+14155550100'")"
# The same request again (an aggregator retry) does not queue a second SMS.
ussd s1 +14155550100 "1*6*1*3*1" >/dev/null
[ "$(q "SELECT count(*) FROM outbox WHERE recipient = '+14155550100'")" = 1 ] || fail "SMS queued twice"

# 3. Form-encoded Unicode and the other menus.
out=$(ussd s2 +639170000001 "5*5*1*6*1*3")
expect_contains "french result" "CON " "$out"
# The language chosen in the menu is the caller's from now on: the next session starts in it.
[ "$(q "SELECT lang FROM conversation WHERE number = '+639170000001'")" = fr ] ||
    fail "the language chosen by USSD was not saved: $(q "SELECT * FROM conversation")"
out=$(ussd s2b +639170000001 "")
expect_contains "next session in French" "1 Coût d'envoi" "$out"
out=$(ussd s3 +639170000002 "4*1*6")
expect_contains "alerts wired" "You will get alerts on Philippines" "$out"
# The request was handed to the SMS path, which records the subscription.
wait_for_sql() {
    for _ in $(seq 50); do [ "$(q "$1")" = "$2" ] && return 0; sleep 0.1; done
    fail "waited for [$1] = $2, got $(q "$1")"
}
wait_for_sql "SELECT count(*) FROM subscription WHERE number = '+639170000002' AND topic = 'country:PH'" 1
# Its confirmation goes by SMS, through the modem.
wait_for_sql "SELECT state FROM outbox WHERE recipient = '+639170000002'" sent

# 4. A restarted daemon answers a session in progress from its text alone.
stop
start
out=$(ussd s1b +14155550100 "1*6*1*3")
expect_contains "after restart" "Alpha Remit" "$out"

# 5. Credentials.
out=$(curl -sS -w '\n%{http_code}' --data-urlencode "sessionId=x" "$URL/ussd")
expect_contains "no token 401" $'\n401' "$out"
out=$(curl -sS -w '\n%{http_code}' -H "Authorization: Bearer wrong-token-0000000" -d "sessionId=x" "$URL/ussd")
expect_contains "bad token 401" $'\n401' "$out"
out=$(curl -sS -w '\n%{http_code}' -u kannel:kannel-secret "$URL/metrics")
expect_contains "basic auth metrics" $'\n200' "$out"
expect_contains "metrics queue" "remitline_queue_depth" "$out"
expect_contains "metrics in" 'remitline_messages_in_total' "$out"
# The "send me this by SMS" answer and the JOIN confirmation went out through the dummy phone,
# counted by the keyword they answer: both requests went through the answer service as texts
# from the caller (door "ussd"), a FEE and a JOIN.
expect_contains "metrics out by keyword" 'remitline_messages_out_total{transport="gammu",modem="dummy",keyword="join",state="sent"} 1' "$out"
expect_contains "metrics out fee" 'remitline_messages_out_total{transport="gammu",modem="dummy",keyword="fee",state="sent"} 1' "$out"
expect_contains "metrics in by door" 'remitline_messages_in_total{transport="ussd",modem="ussd",keyword="join"} 1' "$out"
expect_contains "metrics latency" 'remitline_http_reply_seconds_bucket{endpoint="ussd"' "$out"
out=$(curl -sS -w '\n%{http_code}' -u kannel:wrong "$URL/metrics")
expect_contains "bad basic 401" $'\n401' "$out"

# 6. Bad input: clear 4xx, and the daemon carries on.
out=$(curl -sS -w '\n%{http_code}' -H "Authorization: Bearer $TOKEN" --data-urlencode "text=1" "$URL/ussd")
expect_contains "missing fields 400" $'\n400' "$out"
out=$(ussd s4 +14155550100 "" -H "Content-Type: application/json")
expect_contains "wrong type 415" $'\n415' "$out"
out=$(curl -sS -w '\n%{http_code}' -H "Authorization: Bearer $TOKEN" \
    --data "sessionId=s5&serviceCode=1&phoneNumber=%2B1555&text=1%2A%FF%FE" "$URL/ussd")
expect_contains "invalid utf-8 400" $'\n400' "$out"
out=$(curl -sS -w '\n%{http_code}' -H "Authorization: Bearer $TOKEN" \
    --data "sessionId=s5&serviceCode=1&phoneNumber=%2B1555&text=%G1" "$URL/ussd")
expect_contains "bad escape 400" $'\n400' "$out"
head -c 5000 /dev/zero | tr '\0' 'a' >"$WORK/big"
out=$(curl -sS -w '\n%{http_code}' -H "Authorization: Bearer $TOKEN" --data-binary "@$WORK/big" "$URL/ussd")
expect_contains "oversize 413" $'\n413' "$out"
out=$(curl -sS -w '\n%{http_code}' -H "Authorization: Bearer $TOKEN" -H "X-Big: $(head -c 6000 /dev/zero | tr '\0' b)" "$URL/metrics")
case "$out" in *$'\n431'|*$'\n413'|*$'\n400'|*$'\n000') checks=$((checks + 1)) ;; *) fail "oversize header: $out" ;; esac
out=$(curl -sS -w '\n%{http_code}' "$URL/nothing")
expect_contains "404" $'\n404' "$out"
out=$(curl -sS -w '\n%{http_code}' -H "Authorization: Bearer $TOKEN" "$URL/ussd")
expect_contains "GET ussd 405" $'\n405' "$out"
out=$(ussd s1b +15550000000 "1")
expect_contains "session of another phone 409" $'\n409' "$out"

# 7. A slow client is cut off after the idle timeout (2 s here), without holding others up.
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
printf 'POST /ussd HTTP/1.1\r\nHost: x\r\n' >&3
out=$(ussd s6 +14155550100 "")
expect_contains "served while a slow client waits" "CON Remitline" "$out"
sleep 3
# The server closed it: reading gives end of file at once, not a response.
start_s=$(date +%s)
got=$(timeout 5 cat <&3)
[ $(($(date +%s) - start_s)) -lt 4 ] || fail "slow client's connection still open"
expect_not_contains "slow client cut off" "200 OK" "$got"
exec 3>&-

# 7b. A client that trickles a byte every 0.3 s never goes idle, but its request may take
#     request_timeout (4 s here) in all: then the connection is cut, unanswered.
read -r took got < <(python3 - "$PORT" <<'PY2'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"POST /ussd HTTP/1.1\r\nHost: x\r\nX-Slow: ")
s.settimeout(0.3)  # a byte every 0.3 s: never idle for the 2 s timeout
t0, got = time.monotonic(), b""
while time.monotonic() - t0 < 20:
    try:
        s.sendall(b"a")
        d = s.recv(4096)
        if not d:
            break
        got += d
    except socket.timeout:
        continue
    except OSError:
        break
print(round(time.monotonic() - t0), len(got))
PY2
)
checks=$((checks + 1))
[ "$took" -ge 3 ] && [ "$took" -le 10 ] || fail "trickling client cut after ${took} s; request_timeout is 4 s"
[ "$got" = 0 ] || fail "trickling client got $got bytes of answer"
wait_log "$WORK/run.log" "http: cut connections=1" 5
out=$(curl -sS -u kannel:kannel-secret "$URL/metrics")
expect_contains "cut counted" "remitline_http_cut_total 1" "$out"

# 8. A thousand connections at once: all served or refused cleanly, the daemon lives on.
pids=()
for i in $(seq 1000); do
    curl -s -o /dev/null -m 10 "$URL/healthz" &
    pids+=($!)
done
for j in "${pids[@]}"; do wait "$j"; done
out=$(curl -sS -w '\n%{http_code}' "$URL/healthz")
expect_contains "alive after 1000 connections" $'\n200' "$out"
kill -0 "$PID" || fail "daemon died"

# 9. Expired session: 10 s here.
ussd s7 +14155550100 "" >/dev/null
ussd s7fr +639170000001 "" >/dev/null
sleep 11
out=$(ussd s7 +14155550100 "1")
expect_contains "expired 410" $'\n410' "$out"
expect_contains "expired says so" "END Your session has expired" "$out"
out=$(ussd s7fr +639170000001 "1")
expect_contains "expired in the caller's language" "END Votre session a expiré" "$out"
stop

# 10. The allowlist refuses other addresses; --http and --http-token-file without editing the
# file; a token given on the command line is wiped from it (ps shows every command line).
sed -i 's|  max_body = 1024;|  max_body = 1024; allow = "10.9.9.9";|' "$WORK/remitline.conf"
"$RL" run -c "$WORK/remitline.conf" >"$WORK/run10.log" 2>&1 &
PID=$!
wait_log "$WORK/run10.log" "http listen=" 30
out=$(curl -sS -m 3 -w '\n%{http_code}' "$URL/healthz" 2>&1)
expect_contains "not allowed: dropped at accept" $'\n000' "$out"
stop
PORT2=$(free_ports 1)
cat >"$WORK/plain.conf" <<CONF
content = "$WORK/content";
database = "$WORK/var/remitline.db";
CONF
printf 'cli-token-0123456789\n' >"$WORK/token"
chmod 600 "$WORK/token"
"$RL" run -c "$WORK/plain.conf" --http "127.0.0.1:$PORT2" --http-token-file "$WORK/token" >"$WORK/run11.log" 2>&1 &
PID=$!
for _ in $(seq 50); do curl -s "http://127.0.0.1:$PORT2/healthz" >/dev/null && break; sleep 0.1; done
ussd_cli() {
    curl -sS -H "Authorization: Bearer cli-token-0123456789" --data-urlencode sessionId=c1 \
        --data-urlencode serviceCode=1 --data-urlencode phoneNumber=+14155550100 \
        --data-urlencode text= "http://127.0.0.1:$PORT2/ussd"
}
expect_contains "--http-token-file" "CON Remitline" "$(ussd_cli)"
expect_not_contains "a 0600 token file: no warning" "every local user" "$(cat "$WORK/run11.log")"
ussd2() {
    curl -sS -m 5 -H "Authorization: Bearer cli-token-0123456789" --data-urlencode "sessionId=$1" \
        --data-urlencode serviceCode=1 --data-urlencode "phoneNumber=$2" --data-urlencode "text=$3" \
        "http://127.0.0.1:$PORT2/ussd"
}
# 11. Sixteen sessions in seconds, each asking for the answer by SMS: the number's caps hold (the
# answer service's guards), not sixteen SMS; and a screen past them says no SMS goes.
all=
# (Destinations and amounts vary: one text repeated within a second is one message, a door's
# own repeat, and its screen rightly says the answer is on its way.)
for i in $(seq 16); do all="$all$(ussd2 "cap$i" +14155550177 "1*$(((i - 1) / 5 + 2))*1*$(((i - 1) % 5 + 1))*1")"$'\n'; done
n=$(q "SELECT count(*) FROM outbox WHERE recipient = '+14155550177'")
[ "$n" -le 11 ] || fail "16 USSD sessions queued $n SMS"
expect_contains "no SMS past the cap" "END No SMS sent" "$all"
stop
chmod 644 "$WORK/token"
"$RL" run -c "$WORK/plain.conf" --http "127.0.0.1:$PORT2" --http-token "cli-token-0123456789" >"$WORK/run12.log" 2>&1 &
PID=$!
for _ in $(seq 50); do curl -s "http://127.0.0.1:$PORT2/healthz" >/dev/null && break; sleep 0.1; done
expect_contains "--http-token still works" "CON Remitline" "$(ussd_cli)"
expect_not_contains "the token is wiped from the command line" "cli-token" "$(tr '\0' ' ' </proc/$PID/cmdline)"
expect_contains "--http-token: told it is visible" "every local user can read it" "$(cat "$WORK/run12.log")"
stop
"$RL" run -c "$WORK/plain.conf" --http "127.0.0.1:$PORT2" --http-token-file "$WORK/token" >"$WORK/run13.log" 2>&1 &
PID=$!
for _ in $(seq 50); do curl -s "http://127.0.0.1:$PORT2/healthz" >/dev/null && break; sleep 0.1; done
stop
expect_contains "a world-readable token file: told" "every local user can read the token" "$(cat "$WORK/run13.log")"
expect_status "a short token in the file" 2 sh -c "printf 'short\n' >'$WORK/short'; '$RL' run -c '$WORK/plain.conf' --http 127.0.0.1:$PORT2 --http-token-file '$WORK/short'"
expect_contains "a short token: said why" "16 to 127 characters" "$(cat "$WORK/.err")"
# check warns about a configuration holding tokens that every local user can read.
chmod 644 "$WORK/remitline.conf"
expect_status "check, a readable config" 0 "$RL" check -c "$WORK/remitline.conf"
expect_contains "check warns: tokens readable by all" "every local user can read it" "$(cat "$WORK/.err")"
chmod 640 "$WORK/remitline.conf"
expect_status "check, a 0640 config" 0 "$RL" check -c "$WORK/remitline.conf"
expect_not_contains "check: no warning at 0640" "every local user" "$(cat "$WORK/.err")"
expect_status "a missing token file" 2 "$RL" run -c "$WORK/plain.conf" --http "127.0.0.1:$PORT2" --http-token-file "$WORK/nope"
expect_status "--http without a token" 2 "$RL" run -c "$WORK/plain.conf" --http "127.0.0.1:$PORT2"
expect_status "--http bad address" 2 "$RL" run --http "nonsense" --http-token "cli-token-0123456789"
done_ok
