#!/bin/bash
# What Kannel sends the phone for each kind of get-url answer, with real bearerbox + smsbox on
# loopback ports of its own and a small Python web service answering each status: a 200 with an
# empty body, 202 empty, 204, 400 (with and without a body), 500, 503, and a refused connection.
# One bearerbox + smsbox per variant of the settings that matter:
#   defaults          nothing set
#   omit-empty        sms-service omit-empty = true
#   omit+couldnotfetch  and smsbox reply-couldnotfetch = ""
#   all-empty         and smsbox reply-couldnotfetch, reply-couldnotrepresent,
#                     reply-requestfailed and reply-emptymessage all ""
#   emptymsg-only     smsbox reply-emptymessage = "" alone
#   retry2            omit+couldnotfetch, and http-request-retry = 2, http-queue-delay = 1
# Prints, for each variant and answer, how many requests the service got and the SMS that
# reached the phone, or "(nothing)".
# Usage: bash scripts/kannel_replies.sh   (needs Debian's kannel package and python3)
set -eu
. "$(cd "$(dirname "$0")" && pwd)/kannel.inc"
for b in /usr/sbin/bearerbox /usr/sbin/smsbox curl python3; do
    command -v "$b" >/dev/null || { echo "$b is needed (apt-get install kannel)" >&2; exit 1; }
done
work=$(mktemp -d)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
read -r P_WEB P_DEAD < <(python3 -c '
import socket
ss = [socket.socket() for _ in range(2)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])')

# The web service: /STATUS answers that status; /STATUSbody adds a body ("error text").
cat >"$work/web.py" <<'PY'
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        path, _, query = self.path.partition("?")
        path = path.strip("/")
        with open(sys.argv[2], "a") as log:
            log.write("%s %s\n" % (query.split("v=")[-1], path))
        body = b"error text" if path.endswith("body") else b""
        status = int(path[:3])
        self.send_response(status)
        if status != 204:
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 204:
            self.wfile.write(body)
    def log_message(self, *a):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
python3 "$work/web.py" "$P_WEB" "$work/requests.log" &
PIDS+=($!)

ANSWERS="200 202 204 400 400body 500 503 refused"
url() { [ "$1" = refused ] && echo "http://127.0.0.1:$P_DEAD/x" || echo "http://127.0.0.1:$P_WEB/$1"; }

# run_variant NAME OMIT SMSBOX-LINES: prints one line an answer.
run_variant() {
    local name=$1 omit=$2 extra=$3 p_admin p_box p_smsc conf bb sb a
    read -r p_admin p_box p_smsc < <(python3 -c '
import socket
ss = [socket.socket() for _ in range(3)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])')
    conf=$work/$name.conf
    mkdir -p "$work/$name"
    kannel_boxes "$conf" "$work/$name" "$p_admin" "$p_box" "$p_smsc" "" "$extra"
    for a in $ANSWERS; do
        cat >>"$conf" <<CONF

group = sms-service
keyword = x${a}x
catch-all = true
omit-empty = $omit
get-url = "$(url "$a")?from=%p&text=%a&v=$name"
CONF
    done
    /usr/sbin/bearerbox -v 4 "$conf" >/dev/null 2>&1 &
    bb=$!
    PIDS+=("$bb")
    for _ in $(seq 50); do
        curl -s "http://127.0.0.1:$p_admin/status?password=admin-secret" >/dev/null && break
        sleep 0.2
    done
    /usr/sbin/smsbox -v 4 "$conf" >/dev/null 2>&1 &
    sb=$!
    PIDS+=("$sb")
    for _ in $(seq 50); do
        curl -s "http://127.0.0.1:$p_admin/status.txt?password=admin-secret" | grep -q 'smsbox:' && break
        sleep 0.2
    done
    python3 - "$p_smsc" "$name" "$work/requests.log" $ANSWERS <<'PY'
import select, socket, sys, time, urllib.parse
port, name, reqlog, answers = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
s = socket.create_connection(("127.0.0.1", port))
num = {a: "+1555000%04d" % i for i, a in enumerate(answers)}
for a in answers:
    s.sendall(("%s 12345 text x%sx hello\n" % (num[a], a)).encode())
got, buf, end = {}, b"", time.monotonic() + 4
while time.monotonic() < end:
    r, _, _ = select.select([s], [], [], 0.2)
    if r:
        buf += s.recv(65536)
        *lines, buf = buf.split(b"\n")
        for ln in lines:
            f = ln.decode("latin-1").split(" ", 3)
            if len(f) == 4:
                text = f[3] if f[2] == "text" else "%s %s" % (f[2], urllib.parse.unquote(f[3]))
                got.setdefault(f[1], []).append(text)
try:
    reqs = [ln.split() for ln in open(reqlog)]
except OSError:
    reqs = []
for a in answers:
    n = sum(1 for r in reqs if r == [name, a])
    print("%-20s %-8s %8d  %s" % (name, a, n,
                                  " | ".join(repr(t) for t in got.get(num[a], [])) or "(nothing)"))
PY
    kill "$sb" "$bb" 2>/dev/null || true
    wait "$sb" "$bb" 2>/dev/null || true
}

echo "Kannel $(dpkg-query -W -f '${Version}' kannel 2>/dev/null || echo '?'): what the phone gets"
printf '%-20s %-8s %8s  %s\n' variant answer requests "SMS to the phone"
run_variant defaults false ""
run_variant omit-empty true ""
run_variant omit+couldnotfetch true 'reply-couldnotfetch = ""'
run_variant all-empty true 'reply-couldnotfetch = ""
reply-couldnotrepresent = ""
reply-requestfailed = ""
reply-emptymessage = ""'
run_variant emptymsg-only false 'reply-emptymessage = ""'
run_variant retry2 true 'reply-couldnotfetch = ""
http-request-retry = 2
http-queue-delay = 1'
