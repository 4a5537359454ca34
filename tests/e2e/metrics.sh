#!/bin/bash
# GET /metrics on a running gateway is what Prometheus accepts: `promtool check metrics` (Debian's
# prometheus package) finds nothing to say, every family's samples follow its own HELP and TYPE,
# and the names keep Prometheus's conventions (_total for counters, base units). Issue #18.
. "$(dirname "$0")/lib.inc"

command -v promtool >/dev/null || skip_all "promtool is needed (make test installs prometheus)"
command -v curl >/dev/null || fail "curl is needed (make test installs it)"
PORT=$(free_ports 1)
URL="http://127.0.0.1:$PORT"
TOKEN="metrics-token-0123456789"
mkdir -p "$WORK/content"
cp "$SRC"/conf/content/lang-*.conf "$SRC/tests/fixtures/content/world.conf" "$WORK/content/"
cat >"$WORK/remitline.conf" <<CONF
content = "$WORK/content";
poll_interval_ms = 100;
http = { listen = "127.0.0.1:$PORT"; clients = ( { name = "prom"; token = "$TOKEN"; } ); };
CONF
run_daemon "$WORK/run.log" 1 -c "$WORK/remitline.conf"
trap 'kill -9 $PID 2>/dev/null' EXIT
# Something in every family: an SMS answered and sent, a USSD screen, a Kannel-less 4xx.
"$RL" phone -c "$WORK/remitline.conf" +14155550100 "FEE USA PHL 200" >/dev/null || fail "phone"
curl -sS -o /dev/null -H "Authorization: Bearer $TOKEN" --data-urlencode sessionId=m1 \
    --data-urlencode serviceCode=1 --data-urlencode phoneNumber=+14155550101 \
    --data-urlencode text= "$URL/ussd"
curl -sS -o /dev/null -H "Authorization: Bearer $TOKEN" "$URL/ussd"
# A delivery report for nothing sent: kept (counted as unmatched five minutes on).
curl -sS -o /dev/null -H "Authorization: Bearer $TOKEN" "$URL/kannel/dlr?modem=dummy&ref=1.1&type=1"
curl -sS -H "Authorization: Bearer $TOKEN" "$URL/metrics" >"$WORK/metrics.txt" || fail "no /metrics"

out=$(promtool check metrics <"$WORK/metrics.txt" 2>&1)
status=$?
checks=$((checks + 1))
[ "$status" -eq 0 ] && [ -z "$out" ] || fail "promtool check metrics (exit $status): $out"
# promtool's parser lets a family's samples drift under another's HELP: checked here.
out=$(python3 - "$WORK/metrics.txt" <<'PY'
import re, sys
fam, seen, types, bad = None, set(), {}, []
for n, line in enumerate(open(sys.argv[1]), 1):
    m = re.match(r"# (HELP|TYPE) (\S+)", line)
    if m:
        if m.group(2) != fam and m.group(2) in seen:
            bad.append(f"line {n}: {m.group(2)} comes back after another family")
        fam = m.group(2)
        seen.add(fam)
        if m.group(1) == "TYPE":
            types[fam] = line.split()[3]
        continue
    name = re.match(r"[a-zA-Z_:][a-zA-Z0-9_:]*", line).group(0)
    base = re.sub(r"_(bucket|sum|count)$", "", name) if types.get(fam) == "histogram" else name
    if base != fam:
        bad.append(f"line {n}: {name} under the HELP/TYPE of {fam}")
for f, t in types.items():
    if (t == "counter") != f.endswith("_total"):
        bad.append(f"{f}: a {t} {'without' if t == 'counter' else 'with'} _total")
    if re.search(r"_(percent|milliseconds|ms|kilobytes)$", f):
        bad.append(f"{f}: not a base unit")
print("\n".join(bad))
PY
)
checks=$((checks + 1))
[ -z "$out" ] || fail "/metrics: $out"
expect_contains "delivery family" '# TYPE remitline_delivery_reports_total counter' "$(cat "$WORK/metrics.txt")"
expect_contains "signal as a ratio" 'remitline_modem_signal_ratio{modem="dummy"} 1' "$(cat "$WORK/metrics.txt")"
stop_daemon "$WORK/run.log"
done_ok
