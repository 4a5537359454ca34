#!/bin/bash
# `remitline update` against a local HTTPS server with a CA of this test's own (openssl makes
# the CA and the server's certificate; python3's http.server serves over TLS on a free port):
#   1. new ECB rates arrive and the running daemon answers with them, without a restart, through
#      `ask` and the /kannel door; a second run is a conditional GET: "unchanged";
#   2. a server whose certificate the configured CA did not sign fails TLS; an answer larger
#      than max_bytes, a truncated XML and an HTML error page are refused; a server that is down
#      is a clear error. Each time the exit status is 1 and the rates imported before are kept;
#   3. status, sources and /metrics say when the data was last refreshed and how attempts ended.
# And the system calls `remitline update` makes are all allowed by its unit's filter.
. "$(dirname "$0")/lib.inc"

for b in openssl python3 curl; do
    command -v "$b" >/dev/null || fail "$b is needed (scripts/install-deps.sh installs it)"
done

# ---- A CA, a server certificate it signs for 127.0.0.1, and another CA that signed nothing.
mkca() { # mkca NAME
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=remitline test $1" \
        -keyout "$WORK/$1.key" -out "$WORK/$1.pem" 2>>"$WORK/openssl.log" ||
        fail "openssl could not make $1: $(tail -3 "$WORK/openssl.log")"
}
mkca ca
mkca wrong-ca
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$WORK/server.key" \
    -out "$WORK/server.csr" 2>>"$WORK/openssl.log" || fail "openssl: server key"
printf 'subjectAltName = IP:127.0.0.1, DNS:localhost\n' >"$WORK/san.ext"
openssl x509 -req -in "$WORK/server.csr" -CA "$WORK/ca.pem" -CAkey "$WORK/ca.key" \
    -CAcreateserial -days 2 -extfile "$WORK/san.ext" -out "$WORK/server.pem" \
    2>>"$WORK/openssl.log" || fail "openssl: signing the server certificate"

# ---- The server: a directory over HTTPS; it picks its port and writes it down.
mkdir -p "$WORK/www"
cat >"$WORK/serve.py" <<'PY'
import functools, http.server, ssl, sys
root, cert, key, portfile = sys.argv[1:5]
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=root)
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
with open(portfile + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
import os
os.rename(portfile + ".tmp", portfile)
srv.serve_forever()
PY
SRV=
start_server() {
    rm -f "$WORK/port"
    python3 "$WORK/serve.py" "$WORK/www" "$WORK/server.pem" "$WORK/server.key" "$WORK/port" \
        >>"$WORK/server.log" 2>&1 &
    SRV=$!
    for _ in $(seq 100); do
        [ -s "$WORK/port" ] && break
        kill -0 "$SRV" 2>/dev/null || fail "the HTTPS server died: $(tail -5 "$WORK/server.log")"
        sleep 0.1
    done
    [ -s "$WORK/port" ] || fail "the HTTPS server did not start"
    SPORT=$(cat "$WORK/port")
}
start_server
HPORT=$(free_ports 1)
trap 'kill -9 $PID $SRV 2>/dev/null' EXIT

# Each change of a served file moves its time forward: the server's Last-Modified has whole
# seconds, and a conditional GET must see every change.
MTIME=$(($(date +%s) - 600))
serve() { # serve NAME < content
    cat >"$WORK/www/$1"
    MTIME=$((MTIME + 10))
    touch -d "@$MTIME" "$WORK/www/$1"
}
TODAY=$(date -u +%Y-%m-%d)
daily() { # daily USD PHP: the ECB's daily XML for today
    cat <<XML
<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
	<gesmes:subject>Reference rates</gesmes:subject>
	<gesmes:Sender><gesmes:name>European Central Bank</gesmes:name></gesmes:Sender>
	<Cube>
		<Cube time='$TODAY'>
			<Cube currency='USD' rate='$1'/>
			<Cube currency='JPY' rate='160.12'/>
			<Cube currency='PHP' rate='$2'/>
		</Cube>
	</Cube>
</gesmes:Envelope>
XML
}
daily 1.2345 71.5 | serve eurofxref-daily.xml
serve eurofxref-hist-90d.xml <"$SRC/tests/fixtures/ecb/eurofxref-hist-90d.xml"
serve rpw.xlsx <"$SRC/tests/fixtures/rpw/dataset.xlsx"

write_conf() { # write_conf CA_FILE MAX_BYTES
    cat >"$WORK/remitline.conf" <<CONF
poll_interval_ms = 100;
loop_guard = false;
http = {
  listen = "127.0.0.1:$HPORT";
  clients = ( { name = "kannel"; user = "kannel"; password = "kannel-secret"; } );
};
update = {
  ecb_daily_url = "https://127.0.0.1:$SPORT/eurofxref-daily.xml";
  ecb_90d_url = "https://127.0.0.1:$SPORT/eurofxref-hist-90d.xml";
  worldbank_url = "https://127.0.0.1:$SPORT/rpw.xlsx";
  ca_file = "$1";
  max_bytes = $2;
  timeout = 20;
};
CONF
}
write_conf "$WORK/ca.pem" 200000
"$RL" check -c "$WORK/remitline.conf" >"$WORK/check.out" 2>&1 || fail "check: $(cat "$WORK/check.out")"
run_daemon "$WORK/run.log" 1 -c "$WORK/remitline.conf"

num() { echo "+63917$(date +%N | cut -c1-7)"; }
ask() { "$RL" ask -c "$WORK/remitline.conf" "$1"; }
kannel() {
    curl -sS -m 10 -u kannel:kannel-secret -G --data-urlencode "from=$(num)" \
        --data-urlencode "text=$1" "http://127.0.0.1:$HPORT/kannel"
}
update() { "$RL" update -c "$WORK/remitline.conf" >"$WORK/update.out" 2>&1; }

# ---- 0. Before: the shipped rates.
expect_contains "ask before" "1 EUR = 1.1684 USD" "$(ask "RATE EUR USD")"
expect_contains "status before" "data refreshed by \`remitline update\`: never" \
    "$("$RL" status -c "$WORK/remitline.conf")"

# The issue's case, by the real binary: a --format the file contradicts is an error, exit 1.
expect_status "format mismatch" 1 "$RL" import -c "$WORK/remitline.conf" --format rpw \
    "$SRC/tests/fixtures/ecb/eurofxref-hist-90d.xml"
expect_contains "format mismatch said" "--format rpw does not match this file, which holds ECB euro reference rates (ecb)" \
    "$(cat "$WORK/.err")"

# ---- 1. New rates, picked up by the running daemon.
update || fail "update: $(cat "$WORK/update.out")"
out=$(cat "$WORK/update.out")
expect_contains "update ok" "ecb-daily  ok:" "$out"
expect_contains "update 90d ok" "ecb-90d    ok:" "$out"
expect_contains "update workbook ok" "worldbank  ok:" "$out"
expect_contains "workbook imported" "$WORK/var/downloads/rpw-dataset.xlsx" \
    "$("$RL" sources -c "$WORK/remitline.conf")"
expect_contains "ask after" "1 EUR = 1.2345 USD" "$(ask "RATE EUR USD")"
expect_contains "kannel after" "1 EUR = 1.2345 USD" "$(kannel "RATE EUR USD")"
expect_contains "kannel PHP after" "71.5" "$(kannel "RATE EUR PHP")"
expect_not_contains "fresh rates are not old" "old data" "$(kannel "RATE EUR USD")"
update || fail "second update: $(cat "$WORK/update.out")"
expect_contains "conditional GET" "ecb-daily  unchanged" "$(cat "$WORK/update.out")"
kill -0 "$PID" || fail "the daemon died"

# ---- 1b. Under the update unit's system call filter: every call `remitline update` makes (the
# first run into a new database, so the shipped content's import too, and TLS) is allowed.
# As systemd runs it: not root (root makes SQLite call fchown, which the unit forbids).
if command -v strace >/dev/null && command -v systemd-analyze >/dev/null; then
    as_user=()
    mkdir -p "$WORK/sandbox"
    sed -e "s|^poll_interval_ms.*|database = \"$WORK/sandbox/var/remitline.db\";|" \
        -e '/^http = {/,/^};/d' "$WORK/remitline.conf" >"$WORK/sandbox/remitline.conf"
    if [ "$(id -u)" = 0 ]; then
        id nobody >/dev/null 2>&1 || fail "no user 'nobody' on this machine"
        as_user=(setpriv --reuid=nobody --regid="$(id -g nobody)" --init-groups)
        chown -R nobody "$WORK/sandbox"
    fi
    # LeakSanitizer cannot run under ptrace; the sanitizer build checks leaks in the runs above.
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
        "${as_user[@]}" strace -f -qq -o "$WORK/sandbox/trace" "$RL" update \
        -c "$WORK/sandbox/remitline.conf" >"$WORK/sandbox/update.out" 2>&1 ||
        fail "update under strace: $(cat "$WORK/sandbox/update.out")"
    expect_contains "update under strace" "ecb-daily  ok:" "$(cat "$WORK/sandbox/update.out")"
    python3 "$SRC/scripts/systemd-filter-check.py" "$SRC/scripts/systemd/remitline-update.service" \
        "$WORK/sandbox/trace" >"$WORK/sandbox/filter.out" 2>&1 ||
        fail "the update unit's SystemCallFilter would kill it: $(cat "$WORK/sandbox/filter.out")"
    expect_contains "every system call allowed" "outside the filter: none" \
        "$(cat "$WORK/sandbox/filter.out")"
else
    skip_part "the update unit's system call filter: needs strace and systemd-analyze"
fi

# ---- 2. Failures keep the old data; each says why and exits 1.
daily 1.5000 80.0 | serve eurofxref-daily.xml
write_conf "$WORK/wrong-ca.pem" 200000
expect_status "wrong CA" 1 update
expect_contains "wrong CA says TLS" "certificate" "$(cat "$WORK/update.out")"
expect_contains "wrong CA kept" "the data imported before is kept" "$(cat "$WORK/update.out")"
expect_contains "kept after wrong CA" "1 EUR = 1.2345 USD" "$(kannel "RATE EUR USD")"

write_conf "$WORK/ca.pem" 200000
{
    daily 1.5000 80.0
    printf '<!-- %s -->\n' "$(head -c 150000 /dev/zero | tr '\0' x)"
    printf '<!-- %s -->\n' "$(head -c 150000 /dev/zero | tr '\0' y)"
} | serve eurofxref-daily.xml
expect_status "oversized" 1 update
expect_contains "oversized says the cap" "larger than the cap of 200000 bytes" \
    "$(cat "$WORK/update.out")"
expect_contains "kept after oversized" "1 EUR = 1.2345 USD" "$(ask "RATE EUR USD")"

daily 1.5000 80.0 | head -8 | serve eurofxref-daily.xml
expect_status "truncated" 1 update
expect_contains "truncated refused" "refused" "$(cat "$WORK/update.out")"
expect_contains "truncated says XML" "XML error" "$(cat "$WORK/update.out")"
expect_contains "kept after truncated" "1 EUR = 1.2345 USD" "$(kannel "RATE EUR USD")"

printf '<html><body>Service temporarily unavailable</body></html>\n' | serve eurofxref-daily.xml
expect_status "html" 1 update
expect_contains "html refused" "is not ECB euro reference rates; it starts \"<html>" \
    "$(cat "$WORK/update.out")"

rm -f "$WORK/www/eurofxref-daily.xml"
expect_status "404" 1 update
expect_contains "404 said" "the server answered HTTP 404" "$(cat "$WORK/update.out")"

kill "$SRV"
wait "$SRV" 2>/dev/null
SRV=
expect_status "server down" 1 update
expect_contains "server down said" "ecb-daily  failed: https://127.0.0.1:$SPORT/eurofxref-daily.xml" \
    "$(cat "$WORK/update.out")"
expect_contains "server down: connect" "onnect" "$(cat "$WORK/update.out")"
expect_contains "kept after server down" "1 EUR = 1.2345 USD" "$(ask "RATE EUR USD")"
expect_contains "kannel kept" "1 EUR = 1.2345 USD" "$(kannel "RATE EUR USD")"

# ---- 3. When the data was last refreshed, and how the last attempt ended.
st=$("$RL" status -c "$WORK/remitline.conf")
expect_contains "status refresh" "ecb-daily  last refreshed $TODAY" "$st"
expect_contains "status last failure" "failed: https://127.0.0.1:$SPORT" "$st"
expect_contains "status counts" "(1 ok, 1 unchanged, 6 failed)" "$st"
expect_contains "sources refresh" "ecb-90d    last refreshed" "$("$RL" sources -c "$WORK/remitline.conf")"
metrics=$(curl -sS -m 10 -u kannel:kannel-secret "http://127.0.0.1:$HPORT/metrics")
expect_contains "metrics refresh" "remitline_data_refresh_timestamp_seconds{source=\"ecb-daily\"} " "$metrics"
expect_contains "metrics failed" "remitline_data_update_attempts_total{source=\"ecb-daily\",result=\"failed\"} 6" "$metrics"
# promtool, on this feature's families (the others are another test's business).
if command -v promtool >/dev/null; then
    echo "$metrics" | grep 'remitline_data_' | promtool check metrics >"$WORK/promtool.out" 2>&1 ||
        fail "promtool: $(cat "$WORK/promtool.out")"
    checks=$((checks + 1))
else
    skip_part "promtool is not installed (scripts/install-deps.sh installs prometheus)"
fi
stop_daemon "$WORK/run.log"
done_ok
