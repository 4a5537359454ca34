#!/bin/bash
# Startup errors speak once, in our words (issue #18): an HTTP port already in use gives one
# line naming the address, and nothing from libmicrohttpd ("Failed to bind to port ..."), whose
# messages go to the debug log.
. "$(dirname "$0")/lib.inc"

read -r PORT < <(free_ports 1)
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen()
print("listening", flush=True); time.sleep(60)' "$PORT" >"$WORK/holder.out" &
HOLDER=$!
trap 'kill $HOLDER 2>/dev/null' EXIT
for _ in $(seq 50); do grep -q listening "$WORK/holder.out" && break; sleep 0.1; done
(umask 077; echo "startup-token-0123456789" >"$WORK/token")
expect_status "port in use: exit 1" 1 "$RL" run --http "127.0.0.1:$PORT" --http-token-file "$WORK/token"
err=$(grep -v "test build with the fault switches" "$WORK/.err")
expect_contains "our words" "http: cannot serve on 127.0.0.1:$PORT (in use" "$err"
expect_not_contains "not libmicrohttpd's" "Failed to bind" "$err"
checks=$((checks + 1))
[ "$(grep -c "127.0.0.1:$PORT" <<<"$err")" = 1 ] || fail "the address said more than once: $err"
done_ok
