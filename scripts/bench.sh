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
echo "== /metrics, /healthz and the daily budget on a million messages (bench_metrics)"
"$dir/bench/bench_metrics"
echo "== remitline run vs gammu-smsd on Gammu's dummy phone (bench/daemon_vs_smsd.sh)"
# Installs gammu-smsd with apt-get if missing (root); about 4 minutes, most of it gammu-smsd's.
bash bench/daemon_vs_smsd.sh "$dir/remitline"
