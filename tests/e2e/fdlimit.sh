#!/bin/bash
# File descriptors: under the default limit of 1024, 1100 idle HTTP connections must not take
# the descriptors the SMS path needs. The server's connection limit is derived from
# RLIMIT_NOFILE (gw_http_conn_limit), so the extra connections are refused and an SMS is still
# answered at once.
. "$(dirname "$0")/lib.inc"

command -v python3 >/dev/null || skip_all "needs python3 to hold 1100 connections open"
PORT=$(free_ports 1)
printf 'fd-limit-token-0123456789\n' >"$WORK/token"
chmod 600 "$WORK/token"
cat >"$WORK/remitline.conf" <<CONF
database = "$WORK/var/remitline.db";
content = "$SRC/conf/content";
modems = ( { name = "dummy"; device = "$WORK/var/phone"; connection = "none"; model = "dummy"; } );
http = { listen = "127.0.0.1:$PORT"; timeout = 120; max_connections = 4096; };
CONF
trap 'kill -9 $PID $HOLD 2>/dev/null' EXIT
PID=
HOLD=
# The limit most services get: 1024, soft and hard, for the daemon only.
(ulimit -n 1024 && exec "$RL" run -c "$WORK/remitline.conf" --http-token-file "$WORK/token") >"$WORK/run.log" 2>&1 &
PID=$!
wait_log "$WORK/run.log" "state=connected" 30
wait_log "$WORK/run.log" "http listen=" 30
expect_contains "a configured 4096 is lowered, and said" "max_connections = 4096 lowered to" "$(cat "$WORK/run.log")"
limit=$(sed -n 's/.*http listen=.* max_connections=\([0-9]*\).*/\1/p' "$WORK/run.log")
[ -n "$limit" ] && [ "$limit" -lt 1000 ] || fail "connection limit not derived from 1024: '$limit'"
python3 - "$PORT" "$WORK/held" <<'PY' &
import resource, socket, sys, time
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))
socks = []
for _ in range(1100):
    s = socket.socket()
    s.settimeout(2)
    try:
        s.connect(("127.0.0.1", int(sys.argv[1])))
        socks.append(s)
    except OSError:
        s.close()
open(sys.argv[2], "w").write("%d\n" % len(socks))
time.sleep(60)
PY
HOLD=$!
for _ in $(seq 300); do [ -s "$WORK/held" ] && break; sleep 0.1; done
[ -s "$WORK/held" ] || fail "could not open the idle connections"
sleep 1 # the server takes in what it will
start=$(date +%s)
out=$("$RL" phone -c "$WORK/remitline.conf" --wait 15 +639170000001 "RATE EUR USD") || fail "no SMS answer with 1100 idle connections: $out; $(tail -5 "$WORK/run.log")"
expect_contains "answered with 1100 idle connections" "1 EUR = " "$out"
took=$(($(date +%s) - start))
[ "$took" -le 5 ] || fail "the SMS answer waited $took s behind idle connections"
expect_not_contains "no descriptor ran out" "Too many open files" "$(cat "$WORK/run.log")"
kill "$HOLD" 2>/dev/null
wait "$HOLD" 2>/dev/null
HOLD=
stop_daemon "$WORK/run.log"
done_ok
