#!/bin/bash
# at_modem.sh: what the real modem path costs (issue #14 item 3), on the test modem
# (tests/atmodem.py) through Gammu's AT driver. Prints figures; asserts nothing, never part of
# `make test` (timings on a shared machine are figures, not verdicts).
#
#   bench/at_modem.sh [REMITLINE_BINARY]        (default build-release/remitline; any build)
#
# Environment: N=20        questions answered at DELAY=3 s a send (a real modem's pace)
#              IDLE_S=60   idle window, one modem attached
#              BURST=60    messages of the throughput burst, at FAST_DELAY=0.5 s a send
#              MODEMS="1 2 4"
#
# What it does, in a fresh temporary directory:
#  1. One test modem taking DELAY s a send; N questions put on its SIM at once; the daemon's CPU
#     time (utime+stime of every thread, /proc/PID/stat) from the first question to the last
#     reply, per message and as a share of the modem's DELAY s; and the link time a send takes
#     (the gap between two replies reaching the modem) beside DELAY.
#  2. The same daemon idle for IDLE_S s: its CPU time, and the AT commands it sent meanwhile.
#  3. For each count in MODEMS: that many test modems (FAST_DELAY s a send) share one queue;
#     one alert to BURST followers is queued and timed until every message reached a modem.
#     Throughput against one modem's: the target is N modems = N times one, within 10 %.
set -eu

SRC=$(cd "$(dirname "$0")/.." && pwd)
RL=$(realpath "${1:-$SRC/build-release/remitline}")
N=${N:-20}
DELAY=${DELAY:-3}
IDLE_S=${IDLE_S:-60}
BURST=${BURST:-60}
FAST_DELAY=${FAST_DELAY:-0.5}
MODEMS=${MODEMS:-1 2 4}
ATM="$SRC/tests/atmodem.py"
HZ=$(getconf CLK_TCK)

die() { echo "at_modem: $*" >&2; exit 1; }
[ -x "$RL" ] || die "no remitline binary at $RL (build first: cmake --build build-release)"
command -v python3 >/dev/null || die "python3 is needed for the test modem"
W=$(mktemp -d /tmp/at_modem.XXXXXX)
PIDS=""
cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$W"
}
trap cleanup EXIT

modem() { local n=$1; shift; python3 "$ATM" ctl "$W/$n.ctl" "$@"; }
start_modem() { # DIR NAME DELAY
    python3 "$ATM" serve --name "$2" --link "$1/$2.tty" --control "$1/$2.ctl" \
        --record "$1/$2.jsonl" --send-delay "$3" >>"$1/$2.out" 2>&1 &
    PIDS="$PIDS $!"
    python3 "$ATM" ctl "$1/$2.ctl" status >/dev/null || die "the test modem $2 did not start"
}
# submitted FILES...: how many SMS the modems accepted, all records together.
submitted() { cat "$@" 2>/dev/null | grep -c '"event": "submit"' || true; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
conf() { # DIR MODEM_NAMES...
    local d=$1 n sep=""
    shift
    {
        echo "content = \"$SRC/conf/content\";"
        echo "database = \"$d/remitline.db\";"
        echo "log_level = \"warning\";"
        echo "modems = ("
        for n in "$@"; do
            echo "  $sep{ name = \"$n\"; device = \"$d/$n.tty\"; connection = \"at\"; send_rate = 0; }"
            sep=","
        done
        echo ");"
    } >"$d/remitline.conf"
}
start_daemon() { # DIR MODEMS
    "$RL" run -c "$1/remitline.conf" >>"$1/run.log" 2>&1 &
    DPID=$!
    PIDS="$PIDS $DPID"
    for _ in $(seq 600); do
        # log_level warning hides the state lines: the modems' own counters say when it is on.
        local up=0 f
        for f in "$1"/*.ctl; do
            [ "$(python3 "$ATM" ctl "$f" status | grep -o '"+CNMI=": [0-9]*' | wc -l)" -gt 0 ] && up=$((up + 1))
        done
        [ "$up" -ge "$2" ] && return 0
        kill -0 "$DPID" 2>/dev/null || die "the daemon died: $(tail -5 "$1/run.log")"
        sleep 0.1
    done
    die "the daemon did not connect: $(tail -5 "$1/run.log")"
}

# 1. The gateway's own time per message at a real modem's pace.
mkdir -p "$W/one"
start_modem "$W/one" sim1 "$DELAY"
conf "$W/one" sim1
"$RL" import -c "$W/one/remitline.conf" >/dev/null 2>&1 || die "import failed"
start_daemon "$W/one" 1
sleep 3
c0=$(cpu_ticks "$DPID")
t0=$(date +%s.%N)
for i in $(seq 1 "$N"); do
    python3 "$ATM" ctl "$W/one/sim1.ctl" sms "+6391710$(printf %05d "$i")" "RATE EUR PHP" >/dev/null
done
while [ "$(submitted "$W/one/sim1.jsonl")" -lt "$N" ]; do sleep 0.2; done
c1=$(cpu_ticks "$DPID")
t1=$(date +%s.%N)
read -r gap <<<"$(python3 -c '
import json, sys
t = [json.loads(l)["time"] for l in open(sys.argv[1]) if "\"submit\"" in l]
print("%.2f" % ((t[-1] - t[0]) / (len(t) - 1)))' "$W/one/sim1.jsonl")"
python3 - "$N" "$DELAY" "$c0" "$c1" "$HZ" "$t0" "$t1" "$gap" <<'PY'
import sys
n, delay, c0, c1, hz, t0, t1, gap = sys.argv[1:]
n, delay, hz = int(n), float(delay), int(hz)
cpu = (int(c1) - int(c0)) / hz
per = cpu / n
print("1. %d questions, modem %.1f s a send: all answered in %.1f s" % (n, delay, float(t1) - float(t0)))
print("   daemon CPU %.3f s in all, %.1f ms a message = %.2f %% of the modem's %.1f s (target <= 1 %%)"
      % (cpu, per * 1000, 100 * per / delay, delay))
print("   link time a send: %s s between two replies reaching the modem (%.2f s more than the modem's own %.1f s)"
      % (gap, float(gap) - delay, delay))
PY

# 2. Idle, one modem attached.
sleep 3
c0=$(cpu_ticks "$DPID")
a0=$(modem one/sim1 status | python3 -c 'import json,sys; print(json.loads(sys.stdin.read()[3:])["commands"])')
sleep "$IDLE_S"
c1=$(cpu_ticks "$DPID")
a1=$(modem one/sim1 status | python3 -c 'import json,sys; print(json.loads(sys.stdin.read()[3:])["commands"])')
python3 -c '
import sys
c0, c1, hz, s, a = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
print("2. idle %.0f s, one modem attached: daemon CPU %.2f s = %.2f %% of one core (target ~0); %d AT commands (%.0f a minute)"
      % (s, (c1 - c0) / hz, 100 * (c1 - c0) / hz / s, a, a * 60 / s))' "$c0" "$c1" "$HZ" "$IDLE_S" $((a1 - a0))
kill "$DPID"
wait "$DPID" 2>/dev/null || true

# 3. Throughput of 1, 2, 4 modems on one burst.
echo "3. one alert to $BURST followers, modems at $FAST_DELAY s a send:"
base=""
for m in $MODEMS; do
    d="$W/m$m"
    mkdir -p "$d"
    names=""
    for k in $(seq 1 "$m"); do
        start_modem "$d" "sim$k" "$FAST_DELAY"
        names="$names sim$k"
    done
    # shellcheck disable=SC2086
    conf "$d" $names
    "$RL" import -c "$d/remitline.conf" >/dev/null 2>&1 || die "import failed"
    for i in $(seq 1 "$BURST"); do
        "$RL" ask -c "$d/remitline.conf" --from "+6391720$(printf %05d "$i")" --save "JOIN PH" >/dev/null 2>&1
    done
    start_daemon "$d" "$m"
    sleep 2
    t0=$(date +%s.%N)
    "$RL" broadcast -c "$d/remitline.conf" --topic PH --id "bench-$m" --text "Fee drop to the Philippines: compare before you send." >/dev/null
    while [ "$(submitted "$d"/*.jsonl)" -lt "$BURST" ]; do sleep 0.1; done
    t1=$(date +%s.%N)
    kill "$DPID"
    wait "$DPID" 2>/dev/null || true
    for k in $(seq 1 "$m"); do modem "m$m/sim$k" quit >/dev/null; done
    per=""
    for k in $(seq 1 "$m"); do per="$per $(submitted "$d/sim$k.jsonl")"; done
    rate=$(python3 -c "print('%.3f' % ($BURST / ($t1 - $t0)))")
    [ -z "$base" ] && base=$rate
    python3 -c '
import sys
m, rate, base, secs, per = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
print("   %d modem%s: %.1f s, %.2f messages/s = %.2fx one modem (ideal %dx: %.0f %% of it); per modem:%s"
      % (m, "s" if m > 1 else " ", secs, rate, rate / base, m, 100 * rate / base / m, per))' \
        "$m" "$rate" "$base" "$(python3 -c "print($t1 - $t0)")" "$per"
done
