#!/bin/bash
# Delivery reports through real Kannel (#17): a broadcast to 300 subscribers goes
#   remitline -> sendsms (dlr-mask, dlr-url) -> smsbox -> bearerbox -> SMPP -> smpp_smsc.py
# and each phone's outcome (delivered, undeliverable, expired in the network, or held back)
# comes back as an SMPP receipt -> bearerbox -> smsbox -> dlr-url -> remitline /kannel/dlr.
# `broadcast status` must show exactly how many were delivered, failed and still pending as the
# reports come in. Kannel's fakesmsc sends no report of delivery to a phone (it has no
# registered_delivery), hence the small SMPP SMSC of tests/e2e/smpp_smsc.py.
# Then the crash case: the gateway is down when the held reports come; smsbox retries the
# dlr-url (http-request-retry) and the gateway, back up, records every one.
. "$(dirname "$0")/lib.inc"

for b in /usr/sbin/bearerbox /usr/sbin/smsbox curl sqlite3 python3; do
    command -v "$b" >/dev/null || fail "$b is needed (make test installs kannel)"
done
DB="$WORK/var/remitline.db"
CONF="$WORK/remitline.conf"
q() { sqlite3 -cmd '.timeout 5000' "$DB" "$1"; }
read -r P_HTTP P_ADMIN P_BOX P_SMSC P_SEND < <(free_ports 5)

. "$SRC/scripts/kannel.inc"
# smsbox retries a dlr-url the gateway did not answer: every second, up to 120 times.
kannel_boxes "$WORK/kannel.conf" "$WORK" "$P_ADMIN" "$P_BOX" "$P_SMSC" \
    "dlr-storage = internal" \
    "sendsms-port = $P_SEND
sendsms-interface = 127.0.0.1
http-request-retry = 120
http-queue-delay = 1" \
    "group = smsc
smsc = smpp
smsc-id = smpp
host = 127.0.0.1
port = $P_SMSC
transceiver-mode = true
smsc-username = remitline
smsc-password = smpp-pw
system-type = remitline
enquire-link-interval = 30
reconnect-delay = 1"
cat >>"$WORK/kannel.conf" <<CONF

group = sms-service
keyword = default
catch-all = true
omit-empty = true
get-url = "http://kannel:kannel-secret@127.0.0.1:$P_HTTP/kannel?from=%p&to=%P&text=%a&charset=%C&coding=%c&time=%T"

group = sendsms-user
username = remitline
password = sendsms-secret
default-sender = 12345
max-messages = 3
concatenation = true
CONF
cat >"$CONF" <<CONF
content = "$SRC/conf/content";
poll_interval_ms = 100;
http = {
  listen = "127.0.0.1:$P_HTTP";
  clients = ( { name = "kannel"; user = "kannel"; password = "kannel-secret"; },
              { name = "test"; token = "dlr-test-token-0123456"; } );
};
modems = (
  { name = "kannel1"; transport = "kannel"; url = "http://127.0.0.1:$P_SEND/cgi-bin/sendsms";
    username = "remitline"; password = "sendsms-secret"; send_rate = 0;
    dlr_url = "http://kannel:kannel-secret@127.0.0.1:$P_HTTP/kannel/dlr"; }
);
CONF

# 300 followers of PH, 30 for each last digit: 0-6 delivered, 7 undeliverable, 8 expired in
# the network, 9 held back by the SMSC until told.
mkdir -p "$WORK/var"
add_followers "$CONF" "$DB" 300 PH +63917100

PIDS=()
RLPID=
cleanup() {
    for p in "${PIDS[@]}" $RLPID; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
}
trap cleanup EXIT
python3 "$SRC/tests/e2e/smpp_smsc.py" "$P_SMSC" "$WORK/smsc.log" \
    "0123456:delivered,7:failed,8:expired,9:delayed" "$WORK/release" 2>"$WORK/smsc.err" &
PIDS+=($!)
/usr/sbin/bearerbox "$WORK/kannel.conf" >"$WORK/bearerbox.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do
    curl -s "http://127.0.0.1:$P_ADMIN/status?password=admin-secret" >/dev/null && break
    sleep 0.2
done
/usr/sbin/smsbox "$WORK/kannel.conf" >"$WORK/smsbox.out" 2>&1 &
PIDS+=($!)
wait_log "$WORK/smsc.log" "bind" 30
start() {
    "$RL" run -c "$CONF" >>"$WORK/run.log" 2>&1 &
    RLPID=$!
    for _ in $(seq 100); do
        [ "$(grep -c 'modem=kannel1 state=connected' "$WORK/run.log")" -gt "$1" ] && return 0
        sleep 0.2
    done
    fail "remitline did not reach Kannel's sendsms: $(tail -5 "$WORK/run.log")"
}
start 0

status() { "$RL" broadcast -c "$CONF" status dlr-1; }
wait_status() { # wait_status NEEDLE: broadcast status says it, as reports come in
    checks=$((checks + 1))
    for _ in $(seq 600); do
        status | grep -qF -- "$1" && return 0
        sleep 0.2
    done
    fail "broadcast status never said '$1': $(status) $(tail -3 "$WORK/run.log")"
}
out=$("$RL" broadcast -c "$CONF" --topic PH --id dlr-1 --text "Typhoon warning: offices closed today.")
expect_contains "queued" "queued for 300 recipients" "$out"
# 1. Exactly: 210 delivered, 60 failed (30 undeliverable, 30 expired in the network), 30 pending.
wait_status "phones: delivered 210 (70%), failed 60, expired 0, pending 30 of 300 asked"
expect_contains "all sent" "recipients 300: sent 300, failed 0, remaining 0" "$(status)"
[ "$(grep -c '^submit ' "$WORK/smsc.log")" -ge 300 ] || fail "the SMSC did not get 300 messages"
[ "$(q "SELECT count(*) FROM delivery WHERE state = 'failed' AND reason = 'undeliverable (network error 001)'")" = 30 ] ||
    fail "undeliverable reason: $(q "SELECT reason, count(*) FROM delivery GROUP BY 1")"
[ "$(q "SELECT count(*) FROM delivery WHERE reason LIKE 'expired: the phone stayed off%'")" = 30 ] ||
    fail "expired reason: $(q "SELECT reason, count(*) FROM delivery GROUP BY 1")"
[ "$(q "SELECT count(*) FROM delivery WHERE state = 'delivered' AND ref = (outbox_id || '.1')")" = 210 ] ||
    fail "parts not matched by their own reference"
out=$("$RL" broadcast -c "$CONF" status dlr-1 --json)
expect_contains "json delivered" '"delivered":210' "$out"
expect_contains "json pending" '"delivery_pending":30' "$out"
# Shown where people look: the delivery column of `log` (and the network's reason for a phone
# that never got it), the modem's share in `status`, the counters of /metrics.
out=$("$RL" log -c "$CONF" --full-numbers --limit 400)
expect_contains "log: delivered" "$(printf '%-15s %-9s %-9s %-9s' +639171000001 sent broadcast delivered)" "$out"
expect_contains "log: failed, why" "! phone: undeliverable (network error 001)" "$(grep -- '+639171000007 ' <<<"$out")"
expect_contains "log: pending" "$(printf '%-15s %-9s %-9s %-9s' +639171000009 sent broadcast pending)" "$out"
out=$("$RL" log -c "$CONF" --limit 400 --json)
expect_contains "log json" '"delivery":"failed","delivery_reason":"expired: the phone stayed off or out of reach"' "$out"
out=$("$RL" status -c "$CONF")
expect_contains "status: the modem's share" "phones, last 24 h: delivered 210 (70%), failed 60, expired 0, pending 30 of 300 asked" "$out"
curl -sS -H "Authorization: Bearer dlr-test-token-0123456" "http://127.0.0.1:$P_HTTP/metrics" >"$WORK/metrics.txt"
expect_contains "metrics delivered" 'remitline_delivery_reports_total{transport="kannel",modem="kannel1",kind="delivered"} 210' "$(cat "$WORK/metrics.txt")"
# Kannel often calls back "taken by the SMSC" before the modem thread has recorded the part:
# such a report waits, is adopted, and is counted like the others.
expect_contains "metrics intermediate" 'remitline_delivery_reports_total{transport="kannel",modem="kannel1",kind="intermediate"} 300' "$(cat "$WORK/metrics.txt")"
expect_not_contains "metrics: none unmatched" 'kind="unmatched"' "$(cat "$WORK/metrics.txt")"
if command -v promtool >/dev/null; then
    out=$(promtool check metrics <"$WORK/metrics.txt" 2>&1) || fail "promtool: $out"
    [ -z "$out" ] || fail "promtool: $out"
fi

# 2. The gateway is down when the held reports come: smsbox keeps them and retries.
kill -TERM "$RLPID"
wait "$RLPID" || fail "remitline exited $? after SIGTERM"
touch "$WORK/release"
for _ in $(seq 300); do
    [ "$(grep -c '^report ' "$WORK/smsc.log")" -ge 300 ] && break
    sleep 0.1
done
[ "$(grep -c '^report ' "$WORK/smsc.log")" -ge 300 ] || fail "the SMSC did not send the held reports"
# smsbox has tried the dlr-url of a held report and found nobody: it keeps it to retry.
wait_log "$WORK/smsbox.log" "Couldn't fetch <http://kannel:kannel-secret@127.0.0.1:$P_HTTP/kannel/dlr" 30
start 1
wait_status "phones: delivered 240 (80%), failed 60, expired 0, pending 0 of 300 asked"
[ "$(q "SELECT count(*) FROM outbox WHERE alert_id = 'dlr-1' AND delivery = 'delivered'")" = 240 ] ||
    fail "message delivery not 240"

# 3. /kannel/dlr: the same credentials as /kannel; a report for nothing sent is kept and
# counted; a malformed one is refused with a clear 400.
u="http://127.0.0.1:$P_HTTP/kannel/dlr"
out=$(curl -sS -w ' %{http_code}' "$u?modem=kannel1&ref=999.1&type=1")
expect_contains "no credentials 401" " 401" "$out"
out=$(curl -sS -w ' %{http_code}' -u kannel:kannel-secret "$u?modem=kannel1&ref=999.1&type=1&reply=id%3A1")
expect_contains "unknown report 200" "ok
 200" "$out"
# (it waits five minutes for its part to be recorded, then counts as unmatched)
[ "$(q "SELECT outcome FROM delivery_report WHERE ref = '999.1'")" = waiting ] || fail "unknown report not kept"
out=$(curl -sS -w ' %{http_code}' -u kannel:kannel-secret "$u?modem=kannel1&ref=1.1&type=banana")
expect_contains "bad type 400" " 400" "$out"
out=$(curl -sS -w ' %{http_code}' -u kannel:kannel-secret "$u?ref=1.1&type=1")
expect_contains "no modem 400" " 400" "$out"
# A report Kannel brings twice changes nothing.
ref=$(q "SELECT ref FROM delivery WHERE state = 'delivered' LIMIT 1")
out=$(curl -sS -u kannel:kannel-secret "$u?modem=kannel1&ref=$ref&type=2&reply=stat%3AUNDELIV")
wait_status "phones: delivered 240 (80%), failed 60, expired 0, pending 0 of 300 asked"
[ "$(q "SELECT outcome FROM delivery_report WHERE ref = '$ref' ORDER BY id DESC LIMIT 1")" = duplicate ] ||
    fail "a second report was not taken for a duplicate"
done_ok
