#!/bin/sh
# `make bench`: builds a Release tree and runs every benchmark, printing their figures.
# Benchmarks are never part of `make test`: timings on a busy machine are figures, not verdicts.
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
