#!/bin/bash
# valgrind memcheck on the end-to-end paths (issue #8): `remitline import` of the shipped content,
# `remitline ask` over a bulk stdin file, and `remitline run` on the dummy phone through a short
# daemon scenario (40 messages in, answered, sent; USSD screens, health and metrics over HTTP;
# SIGTERM). Any memcheck error or leak fails.
# Usage: scripts/valgrind.sh REMITLINE_BINARY [WORKDIR]   (make valgrind; a build without ASan)
set -u
RL=$1
WORK=${2:-$(dirname "$RL")/valgrind-work}
SRC=$(cd "$(dirname "$0")/.." && pwd)
VG="valgrind --error-exitcode=1 --leak-check=full --show-leak-kinds=definite,indirect,possible
    --errors-for-leak-kinds=definite,indirect,possible --track-origins=yes --quiet"
fail() {
    echo "valgrind: FAIL: $*" >&2
    exit 1
}
command -v valgrind >/dev/null || fail "valgrind is not installed (apt-get install valgrind)"
command -v sqlite3 >/dev/null || fail "sqlite3 is needed"
rm -rf "$WORK" && mkdir -p "$WORK" || exit 1
cat >"$WORK/remitline.conf" <<CONF
content = "$SRC/conf/content";
poll_interval_ms = 100;
CONF
# shellcheck disable=SC2086
vg() { $VG --log-file="$WORK/vg.$1.log" "${@:2}"; }

t0=$(date +%s)
vg import "$RL" import -c "$WORK/remitline.conf" >"$WORK/import.out" 2>&1 ||
    fail "remitline import: $(cat "$WORK/vg.import.log" "$WORK/import.out" | tail -30)"
echo "valgrind: import clean ($(($(date +%s) - t0)) s)"

t0=$(date +%s)
{
    for f in "$SRC"/fuzz/corpus/fuzz_parse/*; do cat "$f"; echo; done
    for i in $(seq 1 20); do
        echo "FEE USA PHL $((i * 50))"; echo "rate eur xof $i"; echo "GUIDE SAU"
        echo "fee from usa to philippines 300"; echo "AIDE"; echo "nonsense words $i"
    done
} >"$WORK/questions.txt"
vg ask "$RL" ask -c "$WORK/remitline.conf" -v <"$WORK/questions.txt" >"$WORK/ask.out" 2>&1 ||
    fail "remitline ask: $(tail -30 "$WORK/vg.ask.log")"
[ "$(grep -c . "$WORK/ask.out")" -ge 100 ] || fail "ask answered too little: $(head "$WORK/ask.out")"
echo "valgrind: ask over $(wc -l <"$WORK/questions.txt") questions clean ($(($(date +%s) - t0)) s)"

t0=$(date +%s)
# Not through vg(): a function in the background is a subshell, and SIGTERM would stop it,
# not the daemon.
# shellcheck disable=SC2086
# The HTTP interface too: USSD screens, health, metrics, and a connection cut for its time.
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
TOKEN=valgrind-token-0123456789
printf '%s\n' "$TOKEN" >"$WORK/token"
chmod 600 "$WORK/token"
$VG --log-file="$WORK/vg.run.log" "$RL" run -c "$WORK/remitline.conf" --http "127.0.0.1:$PORT" \
    --http-token-file "$WORK/token" >"$WORK/run.log" 2>&1 &
pid=$!
trap 'kill -9 $pid 2>/dev/null' EXIT
for _ in $(seq 600); do
    grep -q 'state=connected' "$WORK/run.log" && break
    sleep 0.1
done
grep -q 'state=connected' "$WORK/run.log" || fail "the daemon did not connect under valgrind: $(cat "$WORK/run.log")"
for i in $(seq 10 49); do
    "$RL" phone -c "$WORK/remitline.conf" --wait 0 "+6391700000$i" "FEE USA PHL $i" || fail "phone $i"
done
out=$("$RL" phone -c "$WORK/remitline.conf" --wait 120 +639170000099 "RATE EUR PHP") ||
    fail "no reply under valgrind: $out"
command -v curl >/dev/null || fail "curl is needed"
for t in "" "1" "1*6" "1*6*1*3" "1*6*1*3*1" "5*2" "5*2*1" "99*x" "2*1*2"; do
    curl -sS -m 30 -H "Authorization: Bearer $TOKEN" --data-urlencode sessionId=vg1 \
        --data-urlencode serviceCode='*384#' --data-urlencode phoneNumber=+14155550100 \
        --data-urlencode "text=$t" "http://127.0.0.1:$PORT/ussd" >>"$WORK/ussd.out" ||
        fail "USSD '$t' under valgrind"
done
grep -q "^CON " "$WORK/ussd.out" || fail "no USSD screen: $(head -5 "$WORK/ussd.out")"
curl -sS -m 30 "http://127.0.0.1:$PORT/healthz" >/dev/null || fail "healthz under valgrind"
metrics=$(curl -sS -m 30 -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/metrics") ||
    fail "metrics under valgrind"
case "$metrics" in *remitline_messages_in_total*) ;; *) fail "metrics without counters: $metrics" ;; esac
sent=$(sqlite3 -cmd '.timeout 5000' "$WORK/var/remitline.db" "SELECT count(*) FROM outbox WHERE state = 'sent'")
kill -TERM "$pid"
wait "$pid"
status=$?
trap - EXIT
[ "$status" -eq 0 ] || fail "remitline run under valgrind exited $status: $(tail -40 "$WORK/vg.run.log")"
[ "$sent" -ge 41 ] || fail "only $sent replies sent"
echo "valgrind: run with $sent messages answered and sent, USSD, health and metrics over HTTP, stopped by SIGTERM, clean ($(($(date +%s) - t0)) s)"
