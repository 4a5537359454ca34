#!/bin/sh
# Runs every libFuzzer target in BUILD_DIR/fuzz for SECONDS each, starting from the checked-in
# seed corpus (fuzz/corpus/<target>/, never written to) plus what earlier runs found
# (BUILD_DIR/corpus/<target>/). A crash stops the run and leaves the input as
# BUILD_DIR/crash-<target>-*; make it a regression test (see fuzz/README.md).
# Usage: scripts/fuzz.sh BUILD_DIR SECONDS
set -eu
build=$1
seconds=$2
src=$(cd "$(dirname "$0")/.." && pwd)
status=0
# libconfig leaks on some broken files; see fuzz/lsan.supp.
export LSAN_OPTIONS="suppressions=$src/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
for target in "$build"/fuzz/fuzz_*; do
    [ -x "$target" ] || continue
    name=$(basename "$target")
    mkdir -p "$build/corpus/$name"
    echo "fuzz: $name for $seconds s"
    if ! "$target" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 \
        -artifact_prefix="$build/crash-$name-" \
        "$build/corpus/$name" "$src/fuzz/corpus/$name" >"$build/$name.log" 2>&1; then
        echo "fuzz: $name FOUND A CRASH; see $build/$name.log and $build/crash-$name-*" >&2
        status=1
    fi
    grep -E '^stat::number_of_executed_units|^stat::average_exec_per_sec' "$build/$name.log" |
        sed "s/^/fuzz: $name /"
done
exit $status
