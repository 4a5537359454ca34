#!/bin/sh
# `make bench`: builds a Release tree and runs every benchmark, printing their figures.
# Benchmarks are never part of `make test`: timings on a busy machine are figures, not verdicts.
# The daemon benchmark needs the sqlite3 command and gammu-smsd (installed if missing, as root).
set -eu
dir=${1:-build}-release
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$dir" -j "$(nproc)" >/dev/null
echo "== query path (bench_ask)"
"$dir/bench/bench_ask"
echo "== GSM 03.38 (bench_gsm)"
"$dir/bench/bench_gsm"
echo "== CSV reader (bench_csv)"
"$dir/bench/bench_csv"
echo "== one alert to 100,000 subscribers, and the send loop (bench_broadcast)"
"$dir/bench/bench_broadcast"
echo "== the dummy phone's files (bench_phonefile)"
"$dir/bench/bench_phonefile"
echo "== 200,000 RPW firm-level rows (bench_rpw)"
"$dir/bench/bench_rpw"
echo "== /metrics, /healthz and the daily budget on a million messages (bench_metrics)"
"$dir/bench/bench_metrics"
echo "== remitline run vs gammu-smsd on Gammu's dummy phone (bench/daemon_vs_smsd.sh)"
# Installs gammu-smsd with apt-get if missing (root); about 4 minutes, most of it gammu-smsd's.
bash bench/daemon_vs_smsd.sh "$dir/remitline"
echo "== USSD over HTTP with wrk (bench/http_ussd.sh; installs wrk if missing, as root)"
sh bench/http_ussd.sh "$dir"
echo "== SMS through real Kannel: remitline's get-url beside a static text service (bench/kannel.sh)"
# Installs Debian's kannel if missing (root); about a minute.
bash bench/kannel.sh "$dir"
