#!/bin/bash
# daemon_vs_smsd.sh: issue #3's figures for `remitline run`, and gammu-smsd on the same 200
# messages in the same run, for comparison. Prints figures; asserts nothing, never part of
# `make test` (timings on a shared machine are figures, not verdicts).
#
#   bench/daemon_vs_smsd.sh [REMITLINE_BINARY]        (default build-release/remitline)
#
# Environment: CONTENT=DIR  content directory (default conf/content; it must hold countries.conf)
#              N=200        messages in the burst;  SINGLES=10  single-message latency samples
#              IDLE_S=10    idle CPU window;         SMSD_CAP_S=600  longest wait for gammu-smsd
#              SKIP_SMSD=1  remitline only
#
# What it does, in a fresh temporary directory, loopback and local files only:
#  1. remitline: starts `remitline run` (default poll, 1000 ms) on a dummy phone, types N
#     messages into a staging dummy phone with `remitline phone --dir STAGING --wait 0`, then
#     renames them all into the daemon's inbox with one mv (rename(2) within one filesystem, so
#     the driver never sees half a file) and times the drop until N outbox rows are 'sent'. Then
#     SINGLES single messages, each dropped at a random offset within the poll interval, timed
#     until the reply is sent; then utime+stime of the idle daemon over IDLE_S seconds.
#  2. gammu-smsd (Debian package gammu-smsd; installed with apt-get if missing, which needs root;
#     its systemd service is never started or enabled here): run in the background on its own
#     dummy phone with the files backend and a RunOnReceive script that answers FEE queries with
#     the sqlite3 CLI against a remitline database (corridor average and its period) and queues
#     the reply with gammu-smsd-inject. The same N files are dropped into its inbox and timed
#     until N files are in its sent folder.
#  3. One summary. Every process started here is stopped on exit (trap).
set -eu

SRC=$(cd "$(dirname "$0")/.." && pwd)
RL=$(realpath "${1:-$SRC/build-release/remitline}")
N=${N:-200}
SINGLES=${SINGLES:-10}
IDLE_S=${IDLE_S:-10}
SMSD_CAP_S=${SMSD_CAP_S:-600}
SKIP_SMSD=${SKIP_SMSD:-0}
CONTENT=$(realpath "${CONTENT:-$SRC/conf/content}")

die() { echo "daemon_vs_smsd: $*" >&2; exit 1; }
[ -x "$RL" ] || die "no remitline binary at $RL (build first: cmake --build build-release)"
[ -f "$CONTENT/countries.conf" ] || die "$CONTENT has no countries.conf; say CONTENT=DIR"
command -v sqlite3 >/dev/null || die "the sqlite3 command is needed (apt-get install sqlite3)"

W=$(mktemp -d /tmp/rl-bench.XXXXXX)
RL_PID=
SMSD_PID=
cleanup() {
    [ -n "$RL_PID" ] && kill -TERM "$RL_PID" 2>/dev/null && wait "$RL_PID" 2>/dev/null
    [ -n "$SMSD_PID" ] && kill -TERM "$SMSD_PID" 2>/dev/null && wait "$SMSD_PID" 2>/dev/null
    [ "${KEEP:-0}" = 1 ] && echo "(kept $W)" >&2 || rm -rf "$W"
}
trap 'cleanup' EXIT
trap 'exit 130' INT TERM

now() { echo "$EPOCHREALTIME"; }                  # seconds, microsecond resolution (bash 5)
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
nap() { sleep "$1"; }
cputicks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; } # utime + stime
HZ=$(getconf CLK_TCK)

# The N queries: FEE over a few corridors, from N distinct numbers. Both programs get the same.
corridors=("USA MEX" "USA PHL" "FRA SEN" "USA IND" "GBR NGA")
query() { echo "FEE ${corridors[$(($1 % ${#corridors[@]}))]}"; }
number() { printf '+1555%07d' "$1"; }

echo "== remitline run vs gammu-smsd: $N messages dropped at once into Gammu's dummy phone"
echo "machine: $(nproc) cores, $(uname -r), $(date -u +%Y-%m-%dT%H:%MZ); content $CONTENT"

# --- staging: N messages typed once, hard-linked into a second copy for gammu-smsd ------------
mkdir -p "$W/stage" "$W/stage-smsd/sms/1"
for i in $(seq 1 "$N"); do
    "$RL" phone --dir "$W/stage" --wait 0 "$(number "$i")" "$(query "$i")" >/dev/null
done
ln "$W"/stage/sms/1/* "$W/stage-smsd/sms/1/"
[ "$(ls "$W/stage/sms/1" | wc -l)" = "$N" ] || die "staging: expected $N files"

# --- 1. remitline ---------------------------------------------------------------------------
R="$W/rl"
mkdir -p "$R"
printf 'content = "%s";\nlog_level = "info";\n' "$CONTENT" >"$R/remitline.conf"
DB="$R/var/remitline.db"
INBOX="$R/var/phone/sms/1"
q() { sqlite3 -cmd '.timeout 5000' "$DB" "$1"; }

"$RL" run -c "$R/remitline.conf" 2>"$R/run.log" &
RL_PID=$!
for _ in $(seq 300); do # first run imports the content: up to 30 s
    grep -q 'state=connected' "$R/run.log" 2>/dev/null && break
    kill -0 "$RL_PID" 2>/dev/null || die "remitline run exited: $(tail -3 "$R/run.log")"
    nap 0.1
done
grep -q 'state=connected' "$R/run.log" || die "remitline run did not connect: $(tail -3 "$R/run.log")"
[ -d "$INBOX" ] || die "no dummy inbox at $INBOX"
nap 1.5 # past its first poll

t0=$(now)
mv "$W"/stage/sms/1/* "$INBOX/"
sent=0
for _ in $(seq 6000); do # 15 ms steps: at most about 90 s
    sent=$(q "SELECT count(*) FROM outbox WHERE state = 'sent'")
    [ "$sent" -ge "$N" ] && break
    nap 0.015
done
rl_burst=$(since "$t0")
rl_burst_sent=$sent
if [ "$sent" -ge "$N" ]; then rl_burst_txt="${rl_burst} s"; else rl_burst_txt="did not finish in ${rl_burst} s, $sent sent"; fi
echo "remitline: $N messages answered and sent in $rl_burst_txt"
sample=$(q "SELECT text FROM outbox WHERE recipient = '$(number 1)'")
echo "  sample reply to '$(query 1)': $sample"

# Single messages, each dropped at a random offset within the 1000 ms poll interval.
lat=()
for k in $(seq 1 "$SINGLES"); do
    num=$(printf '+1666%07d' "$k")
    rm -rf "$W/one"
    "$RL" phone --dir "$W/one" --wait 0 "$num" "$(query "$k")" >/dev/null
    nap "0.$(printf '%03d' $((RANDOM % 1000)))"
    t0=$(now)
    mv "$W"/one/sms/1/* "$INBOX/"
    got=
    for _ in $(seq 1000); do # 10 ms steps: at most about 15 s
        [ "$(q "SELECT count(*) FROM outbox WHERE recipient = '$num' AND state = 'sent'")" = 1 ] && {
            got=$(since "$t0")
            break
        }
        nap 0.01
    done
    lat+=("${got:-inf}")
done
read -r lat_med lat_max <<<"$(printf '%s\n' "${lat[@]}" | sort -g | awk '{ v[NR] = $1 }
    END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.3f %s\n", m, v[NR] }')"
echo "remitline: one message, drop to reply sent, $SINGLES samples: median $lat_med s, max $lat_max s"
echo "  samples: ${lat[*]}"

nap 2 # let the last poll finish
c0=$(cputicks "$RL_PID")
nap "$IDLE_S"
c1=$(cputicks "$RL_PID")
rl_idle=$(awk -v d=$((c1 - c0)) -v hz="$HZ" -v s="$IDLE_S" 'BEGIN { printf "%.2f", d / hz / s * 100 }')
echo "remitline: idle CPU over $IDLE_S s: $rl_idle % of one core ($((c1 - c0)) ticks of 1/$HZ s)"
kill -TERM "$RL_PID"
wait "$RL_PID" || true
RL_PID=

# --- 2. gammu-smsd ----------------------------------------------------------------------------
smsd_txt="skipped (SKIP_SMSD=1)"
ratio="-"
if [ "$SKIP_SMSD" != 1 ]; then
    if ! command -v gammu-smsd >/dev/null || ! command -v gammu-smsd-inject >/dev/null; then
        [ "$(id -u)" = 0 ] || die "gammu-smsd is missing: run as root to install it, or SKIP_SMSD=1"
        echo "installing gammu-smsd (apt-get; its service is not started by this script)"
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends gammu-smsd >/dev/null
    fi
    S="$W/smsd"
    mkdir -p "$S/phone" "$S/inbox" "$S/outbox" "$S/sent" "$S/error"
    # The answering database: a copy of the one remitline used, content and all.
    cp "$DB" "$S/content.db"
    # gammu-smsd's poll settings, as close to remitline's 1 s poll as its whole-second settings
    # allow: receive every loop, rescan the outbox every loop, sleep 1 s between loops, no
    # status polling (which only costs time on the dummy phone).
    SMSD_SETTINGS="ReceiveFrequency = 1
CommTimeout = 1
LoopSleep = 1
StatusFrequency = 0
SendTimeout = 10
CheckSecurity = 0
CheckBattery = 0
CheckSignal = 0
CheckNetwork = 0
MultipartTimeout = 10"
    cat >"$S/smsdrc" <<EOF
[gammu]
model = dummy
connection = none
device = $S/phone/

[smsd]
Service = files
InboxPath = $S/inbox/
OutboxPath = $S/outbox/
SentSMSPath = $S/sent/
ErrorSMSPath = $S/error/
InboxFormat = unicode
OutboxFormat = unicode
TransmitFormat = auto
LogFile = $S/smsd.log
DebugLevel = 0
RunOnReceive = $S/answer.sh
$SMSD_SETTINGS
EOF
    # The RunOnReceive script: one query answered from the database with the sqlite3 CLI, the
    # reply queued with gammu-smsd-inject. Only three-letter codes reach the SQL.
    cat >"$S/answer.sh" <<EOF
#!/bin/sh
exec >>"$S/answer.log" 2>&1
set -- \$SMS_1_TEXT
kw=\$(echo "\${1:-}" | tr a-z A-Z)
from=\$(echo "\${2:-}" | tr a-z A-Z)
to=\$(echo "\${3:-}" | tr a-z A-Z)
reply="Send FEE FROM TO, e.g. FEE USA MEX"
case "\$kw \$from \$to" in
"FEE "[A-Z][A-Z][A-Z]" "[A-Z][A-Z][A-Z])
    r=\$(sqlite3 -cmd '.timeout 5000' "$S/content.db" "SELECT printf('%s>%s USD200: avg cost %.1f%% (USD%.2f). WB %s', s.iso3, d.iso3, q.total_pct, q.total_pct * 2, q.period) FROM quote q JOIN country s ON s.iso2 = q.src JOIN country d ON d.iso2 = q.dst WHERE s.iso3 = '\$from' AND d.iso3 = '\$to' AND q.provider_id IS NULL AND q.live = 1 LIMIT 1")
    [ -n "\$r" ] && reply=\$r ;;
esac
gammu-smsd-inject -c "$S/smsdrc" TEXT "\$SMS_1_NUMBER" -text "\$reply" >/dev/null
EOF
    chmod +x "$S/answer.sh"

    gammu-smsd -c "$S/smsdrc" >"$S/stdout.log" 2>&1 &
    SMSD_PID=$!
    for _ in $(seq 200); do # GSM_InitConnection creates the dummy phone's sms/1
        [ -d "$S/phone/sms/1" ] && grep -q 'Starting phone communication' "$S/smsd.log" 2>/dev/null && break
        kill -0 "$SMSD_PID" 2>/dev/null || die "gammu-smsd exited: $(tail -5 "$S/smsd.log" "$S/stdout.log")"
        nap 0.1
    done
    [ -d "$S/phone/sms/1" ] || die "gammu-smsd did not open its dummy phone: $(tail -5 "$S/smsd.log")"
    nap 2

    t0=$(now)
    mv "$W"/stage-smsd/sms/1/* "$S/phone/sms/1/"
    ssent=0
    deadline=$(($(date +%s) + SMSD_CAP_S))
    while [ "$(date +%s)" -lt "$deadline" ]; do
        ssent=$(find "$S/sent" -type f | wc -l)
        [ "$ssent" -ge "$N" ] && break
        kill -0 "$SMSD_PID" 2>/dev/null || break
        nap 0.05
    done
    smsd_t=$(since "$t0")
    serr=$(find "$S/error" -type f | wc -l)
    sample=$(cat "$(find "$S/sent" -type f | head -1)" 2>/dev/null | iconv -f UTF-16 -t UTF-8 2>/dev/null || true)
    if [ "$ssent" -ge "$N" ]; then
        smsd_txt="$smsd_t s"
        ratio=$(awk -v a="$smsd_t" -v b="$rl_burst" 'BEGIN { printf "%.0f", a / b }')
        [ "$rl_burst_sent" -ge "$N" ] || ratio="-"
    else
        smsd_txt="did not finish in $smsd_t s, $ssent sent"
    fi
    [ "$serr" = 0 ] || smsd_txt="$smsd_txt ($serr in its error folder)"
    echo "gammu-smsd: $N messages answered and sent in $smsd_txt"
    echo "  sample reply: $sample"
    echo "  settings: $(echo "$SMSD_SETTINGS" | tr '\n' ';' | sed 's/;/; /g')"

    c0=$(cputicks "$SMSD_PID")
    nap "$IDLE_S"
    c1=$(cputicks "$SMSD_PID")
    smsd_idle=$(awk -v d=$((c1 - c0)) -v hz="$HZ" -v s="$IDLE_S" 'BEGIN { printf "%.2f", d / hz / s * 100 }')
    echo "gammu-smsd: idle CPU over $IDLE_S s: $smsd_idle % of one core"
fi

echo
echo "== summary ($N messages, same run, $(nproc) cores)"
printf '%-44s %s\n' "remitline run, $N dropped at once, all sent:" "$rl_burst_txt"
printf '%-44s %s\n' "gammu-smsd (files, RunOnReceive), same $N:" "$smsd_txt"
printf '%-44s %s\n' "ratio gammu-smsd / remitline:" "${ratio}x"
printf '%-44s %s\n' "remitline, one message, drop to sent:" "median $lat_med s, max $lat_max s ($SINGLES samples)"
printf '%-44s %s\n' "remitline idle CPU:" "$rl_idle % of one core"
[ "$SKIP_SMSD" = 1 ] || printf '%-44s %s\n' "gammu-smsd idle CPU:" "$smsd_idle % of one core"
