#!/bin/bash
# The Kannel door beside Kannel's own ceiling, in one run on loopback ports of its own: one
# bearerbox (a fake SMSC), one smsbox, one `remitline run --http`, and bench/kannel_phone.py
# playing the phone network on the fake SMSC port (fakesmsc's line protocol). Three
# sms-services, with the same smsbox and sms-service settings:
#   keyword "static":   a plain `text = "..."` answered by smsbox itself (Kannel's ceiling);
#   keyword "constant": get-url to a tiny constant web service (Kannel's get-url ceiling);
#   default:            get-url to remitline /kannel, realistic FEE/RATE/GUIDE queries.
# Each round sends COUNT messages of each kind, each from a number used once (no reply cap or
# loop guard applies), at most WINDOW unanswered at once, and prints answers/s, p50/p99
# latency (message into bearerbox to the last part of its reply out), the ratio
# remitline/static (target >= 0.5) and the CPU time each process spent a message.
# Bounded in count and time; stops by itself and cleans up.
# Usage: bash bench/kannel.sh [build-dir]   (a Release build is made there if needed; Debian's
# kannel is installed if missing, as root)
# Environment, all optional:
#   KB_COUNT   messages of each kind a round (2000)     KB_ROUNDS  rounds (2)
#   KB_WINDOW  unanswered at most (256)                 KB_SECONDS the most one phase takes (60)
#   KB_RATE    messages a second at most (0: as fast as the window allows)
#   KB_KINDS   services to drive (static,constant,remitline)
#   KB_THREADS remitline's http.threads (8)             KB_STORE   bearerbox store: none or spool
#   KB_DBDIR   directory for remitline's database (e.g. /dev/shm: the cost of its fsyncs)
#   KB_KEEP    keep the scratch directory (logs, configs)
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$src/build-release}
if [ ! -x /usr/sbin/smsbox ] && [ "$(id -u)" -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends kannel >/dev/null
fi
for b in /usr/sbin/bearerbox /usr/sbin/smsbox curl python3; do
    command -v "$b" >/dev/null || { echo "$b is needed (apt-get install kannel)" >&2; exit 1; }
done
cmake -S "$src" -B "$dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$dir" -j "$(nproc)" --target remitline >/dev/null
RL=$dir/remitline
COUNT=${KB_COUNT:-2000}
WINDOW=${KB_WINDOW:-256}
SECONDS_MAX=${KB_SECONDS:-60}
ROUNDS=${KB_ROUNDS:-2}
work=$(mktemp -d)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if [ -n "${KB_KEEP:-}" ]; then echo "scratch kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
read -r P_HTTP P_ADMIN P_BOX P_SMSC P_CONST < <(python3 -c '
import socket
ss = [socket.socket() for _ in range(5)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])')

store=
if [ "${KB_STORE:-none}" = spool ]; then
    mkdir -p "$work/spool"
    store="store-type = spool
store-location = \"$work/spool\""
fi
# The same smsbox and sms-service settings for both services: only how the text is made differs.
# The static text has the length of a typical remitline answer.
. "$src/scripts/kannel.inc"
kannel_boxes "$work/kannel.conf" "$work" "$P_ADMIN" "$P_BOX" "$P_SMSC" "$store" \
    "max-pending-requests = 512"
cat >>"$work/kannel.conf" <<CONF

group = sms-service
keyword = static
catch-all = true
max-messages = 3
concatenation = true
text = "United States>Mexico USD200: avg cost 4.2% (USD8.36), about MXN3333 arrives. WB 2020Q3"

group = sms-service
keyword = constant
catch-all = true
max-messages = 3
concatenation = true
get-url = "http://127.0.0.1:$P_CONST/sms?from=%p&to=%P&text=%a&charset=%C&coding=%c"

group = sms-service
keyword = default
catch-all = true
max-messages = 3
concatenation = true
get-url = "http://kannel:kannel-secret@127.0.0.1:$P_HTTP/kannel?from=%p&to=%P&text=%a&charset=%C&coding=%c&time=%T"
CONF
cat >"$work/remitline.conf" <<CONF
database = "${KB_DBDIR:-$work}/remitline.db";
http = {
  listen = "127.0.0.1:$P_HTTP";
  threads = ${KB_THREADS:-8};
  clients = ( { name = "kannel"; user = "kannel"; password = "kannel-secret"; } );
};
CONF

[ -z "${KB_DBDIR:-}" ] || rm -f "$KB_DBDIR"/remitline.db*
# Content first, so that the gateway starts at once.
"$RL" import -c "$work/remitline.conf" >"$work/import.log" 2>&1 ||
    { echo "content import failed: $(tail -3 "$work/import.log")" >&2; exit 1; }
/usr/sbin/bearerbox -v 4 "$work/kannel.conf" >"$work/bearerbox.out" 2>&1 &
PIDS+=($!)
KB_PIDS="bearerbox=$!"
for _ in $(seq 50); do
    curl -s "http://127.0.0.1:$P_ADMIN/status?password=admin-secret" >/dev/null && break
    sleep 0.2
done
/usr/sbin/smsbox -v 4 "$work/kannel.conf" >"$work/smsbox.out" 2>&1 &
PIDS+=($!)
KB_PIDS="$KB_PIDS smsbox=$!"
"$RL" run -c "$work/remitline.conf" >"$work/run.log" 2>&1 &
PIDS+=($!)
export KB_PIDS="$KB_PIDS remitline=$!"
python3 "$src/bench/kannel_phone.py" serve "$P_CONST" >"$work/constant.out" 2>&1 &
PIDS+=($!)
KB_PIDS="$KB_PIDS constant=$!"
# Any answer on /healthz will do (503 here: the config names no modem, so the dummy phone is down).
up() { [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$P_HTTP/healthz")" != 000 ]; }
for _ in $(seq 100); do
    up && break
    sleep 0.1
done
up ||
    { echo "remitline did not start: $(tail -5 "$work/run.log")" >&2; exit 1; }
# smsbox is connected once bearerbox's status lists it.
for _ in $(seq 50); do
    curl -s "http://127.0.0.1:$P_ADMIN/status.txt?password=admin-secret" | grep -q 'smsbox:' && break
    sleep 0.2
done
echo "Kannel $(dpkg-query -W -f '${Version}' kannel 2>/dev/null || echo '?'), remitline http.threads=${KB_THREADS:-8}, store=${KB_STORE:-none}," \
    "$COUNT messages of each kind a round, $ROUNDS rounds, at most $WINDOW unanswered at once${KB_RATE:+, at most $KB_RATE a second}"
status=0
python3 "$src/bench/kannel_phone.py" "$P_SMSC" "$COUNT" "$WINDOW" "$SECONDS_MAX" "$ROUNDS" \
    "${KB_KINDS:-static,constant,remitline}" || status=$?
# remitline's own side of it, warm-up included: from a request's arrival to its answer.
curl -s -u kannel:kannel-secret "http://127.0.0.1:$P_HTTP/metrics" | awk '
    /^remitline_http_reply_seconds_sum\{endpoint="kannel"/ { s = $2 }
    /^remitline_http_reply_seconds_count\{endpoint="kannel"/ { n = $2 }
    END { if (n > 0) printf "remitline /kannel, its own time a request (/metrics): mean %.2f ms over %d\n", s * 1000 / n, n }'
exit $status
