#!/bin/sh
# USSD over HTTP on loopback: starts `remitline run --http` on a Release build with the shipped
# content, and drives POST /ussd with wrk (installed here if missing: never by make test).
# Prints wrk's figures, latency percentiles included. Usage: sh bench/http_ussd.sh [build-dir]
# RL_BENCH_CONSOLE=1: also measures the doors while an operator's browser reloads the console's
# status page every second, alternating runs without and with it (RL_BENCH_ROUNDS pairs,
# default 2), so that the machine's drift falls on both alike.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$src/build-release}
if ! command -v wrk >/dev/null; then
    [ "$(id -u)" -eq 0 ] || { echo "install wrk (apt-get install wrk) or run as root" >&2; exit 1; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk
fi
cmake -S "$src" -B "$dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$dir" -j "$(nproc)" >/dev/null
work=$(mktemp -d)
pid=
reloader=
trap 'kill $reloader 2>/dev/null; kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export RL_BENCH_TOKEN=bench-token-0123456789
printf 'log_level = "warning";\nhttp = { listen = "127.0.0.1:%s"; threads = %s; clients = ( { token = "%s"; }, { kind = "console"; user = "ops"; password = "bench-console"; } ); };\n' \
    "$port" "${RL_BENCH_THREADS:-2}" "$RL_BENCH_TOKEN" >"$work/remitline.conf"
"$dir/remitline" run -c "$work/remitline.conf" >"$work/run.log" 2>&1 &
pid=$!
for _ in $(seq 100); do
    curl -s "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done
run_wrk() {
    RL_BENCH_TEXT=$1 wrk -t1 -c"${RL_BENCH_CONNS:-16}" -d10s --latency -s "$src/bench/http_ussd.lua" \
        "http://127.0.0.1:$port/ussd"
}
# The operator's browser: the status page (modems, database, sources) once a second.
reload_status() {
    while :; do
        curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -u ops:bench-console \
            "http://127.0.0.1:$port/console/status" >>"$work/reloads"
        sleep 1
    done
}
for text in "${RL_BENCH_TEXT:-1*6}"; do
    if [ "${RL_BENCH_CONSOLE:-0}" != 1 ]; then
        echo "== POST /ussd text=$text (wrk: 1 thread, ${RL_BENCH_CONNS:-16} connections, 10 s)"
        run_wrk "$text"
        continue
    fi
    for round in $(seq "${RL_BENCH_ROUNDS:-2}"); do
        echo "== round $round, without the console: POST /ussd text=$text"
        run_wrk "$text" | grep -E 'Requests/sec|^ +50%|^ +99%'
        : >"$work/reloads"
        reload_status &
        reloader=$!
        echo "== round $round, while /console/status is reloaded every second"
        run_wrk "$text" | grep -E 'Requests/sec|^ +50%|^ +99%'
        kill $reloader
        wait $reloader 2>/dev/null || true
        reloader=
        awk '{n++; if ($1 == 200) ok++; t += $2} END {printf "   status page: %d loads, %d of them 200, mean %.1f ms\n", n, ok, n ? t * 1000 / n : 0}' "$work/reloads"
    done
done
