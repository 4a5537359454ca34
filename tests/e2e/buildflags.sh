#!/bin/bash
# The builds people run (make build, make run, and so an install from build/) have no
# fault-injection switches; the tests use their own build with them (make test: build-test/).
. "$(dirname "$0")/lib.inc"

command -v make >/dev/null || skip_all "needs make to read the Makefile's commands"
out=$(make -n -C "$SRC" build 2>&1)
expect_contains "make build: faults off" "-DREMITLINE_FAULTS=OFF" "$out"
expect_not_contains "make build: no faults" "-DREMITLINE_FAULTS=ON" "$out"
out=$(make -n -C "$SRC" run 2>&1)
expect_not_contains "make run: no faults" "-DREMITLINE_FAULTS=ON" "$out"
out=$(make -n -C "$SRC" test-plain 2>&1)
expect_contains "make test: its own build, with faults" "-B build-test -DCMAKE_BUILD_TYPE=RelWithDebInfo -DREMITLINE_FAULTS=ON" "$out"
expect_contains "make test: runs ctest there" "cd build-test && ctest" "$out"
# A binary with the switches says so when it starts, so one cannot be run unknowingly.
if [ "$FAULTS" = ON ]; then
    "$RL" run >"$WORK/run.log" 2>&1 &
    PID=$!
    trap 'kill -9 $PID 2>/dev/null' EXIT
    wait_log "$WORK/run.log" "fault switches" 30
    kill -TERM "$PID"
    wait "$PID"
fi
done_ok
