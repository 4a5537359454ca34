#!/bin/bash
# The operator's console (GET /console/...) in a real browser: Debian's headless Chromium driven
# over WebDriver (tests/e2e/webdriver.py, Python standard library, /usr/bin/chromedriver) against
# a running gateway whose database holds known demand, subscribers and a broadcast. Every page
# loads without a console error or CSP violation and fits a 360-pixel screen; the charts hold
# the bars and lines of the known demand; a broadcast's progress bar moves as its messages go
# out; credentials, methods, parameters and headers are checked with curl; `report --html`
# writes one self-contained file that the browser shows alike.
. "$(dirname "$0")/lib.inc"

command -v curl >/dev/null || fail "curl is needed (make test installs it)"
command -v sqlite3 >/dev/null || fail "sqlite3 is needed (make test installs it)"
DB="$WORK/var/remitline.db"
q() { sqlite3 -cmd '.timeout 5000' "$DB" "$1"; }
WD="$SRC/tests/e2e/webdriver.py"

PORT=$(free_ports 1)
URL="http://127.0.0.1:$PORT"
TOKEN="test-token-0123456789"
OPS_PASS="console-secret-1"
mkdir -p "$WORK/content"
cp "$SRC"/conf/content/lang-*.conf "$SRC/tests/fixtures/content/world.conf" "$WORK/content/"
# conf QUIET CONSOLE: writes the configuration, with quiet hours QUIET ("" none) and the console
# client when CONSOLE is 1.
conf() {
    local console=""
    [ "$2" = 1 ] && console=", { name = \"ops\"; kind = \"console\"; user = \"ops\"; password = \"$OPS_PASS\"; }"
    cat >"$WORK/remitline.conf" <<CONF
content = "$WORK/content";
poll_interval_ms = 100;
quiet_hours = "$1";
http = {
  listen = "127.0.0.1:$PORT";
  timeout = 5;
  clients = ( { name = "aggregator"; token = "$TOKEN"; }$console );
};
CONF
}
start() {
    "$RL" run -c "$WORK/remitline.conf" >>"$WORK/run.log" 2>&1 &
    PID=$!
    for _ in $(seq 300); do
        curl -s -o /dev/null "$URL/healthz" && return 0
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.1
    done
    fail "the daemon did not start: $(tail -20 "$WORK/run.log")"
}
stop() {
    kill -TERM "$PID" 2>/dev/null
    wait "$PID"
    [ $? -eq 0 ] || fail "daemon exited non-zero: $(tail -5 "$WORK/run.log")"
}
trap 'kill -9 $PID 2>/dev/null' EXIT
# code [curl options...] URL: the HTTP status only.
code() { curl -s -o /dev/null -m 10 -w '%{http_code}' "$@"; }
kannel() {
    curl -sS -m 10 -G -H "Authorization: Bearer $TOKEN" --data-urlencode "from=$1" \
        --data-urlencode "text=$2" "$URL/kannel"
}
# The quiet hours that hold broadcasts now: from a minute ago for two hours (local time).
QUIET="$(date -d '-1 min' +%H:%M)-$(date -d '+120 min' +%H:%M)"

# 1. Off unless configured: without a console client there is no /console at all.
conf "$QUIET" 0
start
expect_contains "no console client: 404" 404 "$(code -u "ops:$OPS_PASS" "$URL/console/status")"
expect_contains "no console client: no stylesheet" 404 "$(code "$URL/console/style.css")"
stop

# 2. Known data: three followers of PH, through the real Kannel door (their JOIN counts as
# demand too), and demand of past weeks written as the gateway keeps it.
conf "$QUIET" 1
start
for n in +639170000101 +639170000102 +639170000103; do
    out=$(kannel "$n" "JOIN PH")
    expect_contains "join $n" "Philippines" "$out"
done
# Weeks 0 (this one), 1 and 2 weeks ago, as ISO weeks: fee KE->UG 5, 3, 2; rate GB->NG 4 last week.
W0=$(date -u +%G-W%V)
W1=$(date -u -d '-7 days' +%G-W%V)
W2=$(date -u -d '-14 days' +%G-W%V)
W40=$(date -u -d '-280 days' +%G-W%V) # outside the 12 weeks shown
q "INSERT INTO demand(week, keyword, lang, src, dst, queries) VALUES
   ('$W0', 'fee', 'sw', 'KE', 'UG', 5), ('$W1', 'fee', 'sw', 'KE', 'UG', 3),
   ('$W2', 'fee', 'en', 'KE', 'UG', 2), ('$W1', 'rate', 'en', 'GB', 'NG', 4),
   ('$W40', 'fee', 'en', 'ZA', 'ZW', 99)"
# A hostile text, to be shown escaped and never run.
kannel +14155550188 '<script>document.title="pwned"</script><img src=x onerror=alert(1)>' >/dev/null
# The broadcast, held by quiet hours.
out=$("$RL" broadcast -c "$WORK/remitline.conf" --topic PH --id console-1 --lang en \
    --text "Fees to the Philippines dropped today.") || fail "broadcast: $out"
expect_contains "broadcast queued" "queued for 3 recipients" "$out"

# 3. Credentials, methods, parameters and headers (curl).
expect_contains "no credentials: 401" 401 "$(code "$URL/console/status")"
hdr=$(curl -s -D - -o /dev/null "$URL/console/status")
expect_contains "a browser is asked for a password" 'WWW-Authenticate: Basic realm="remitline console"' "$hdr"
expect_contains "wrong password: 401" 401 "$(code -u ops:wrong-password "$URL/console/status")"
expect_contains "the aggregator's token opens no console" 403 "$(code -H "Authorization: Bearer $TOKEN" "$URL/console/status")"
expect_contains "console credentials read no metrics" 403 "$(code -u "ops:$OPS_PASS" "$URL/metrics")"
expect_contains "console credentials send no USSD" 403 "$(code -u "ops:$OPS_PASS" --data 'sessionId=1&text=' "$URL/ussd")"
for m in POST PUT DELETE PATCH; do
    expect_contains "$m: 405" 405 "$(code -u "ops:$OPS_PASS" -X "$m" "$URL/console/messages")"
done
expect_contains "POST with a form: 405" 405 "$(code -u "ops:$OPS_PASS" --data 'state=sent' "$URL/console/messages")"
expect_contains "bad state: 400" 400 "$(code -u "ops:$OPS_PASS" "$URL/console/messages?state=x%27%20OR%201%3D1")"
expect_contains "bad weeks: 400" 400 "$(code -u "ops:$OPS_PASS" "$URL/console/demand?weeks=1000")"
expect_contains "unknown parameter: 400" 400 "$(code -u "ops:$OPS_PASS" "$URL/console/status?debug=1")"
expect_contains "unknown page: 404" 404 "$(code -u "ops:$OPS_PASS" "$URL/console/admin")"
out=$(curl -s -u "ops:$OPS_PASS" "$URL/console/messages?keyword=%3Cscript%3E")
expect_contains "a bad parameter is said" "keyword is a word" "$out"
expect_not_contains "a bad parameter is not echoed" "<script>" "$out"
expect_contains "the stylesheet needs no credentials" 200 "$(code "$URL/console/style.css")"
hdr=$(curl -s -D - -o "$WORK/messages.html" -u "ops:$OPS_PASS" "$URL/console/messages")
expect_contains "CSP" "Content-Security-Policy: default-src 'none'; style-src 'self'; img-src 'self' data:" "$hdr"
expect_not_contains "no script allowed" "script-src" "$hdr"
expect_contains "nosniff" "X-Content-Type-Options: nosniff" "$hdr"
expect_contains "referrer" "Referrer-Policy: no-referrer" "$hdr"
expect_contains "messages are not cached" "Cache-Control: no-store" "$hdr"
page=$(cat "$WORK/messages.html")
expect_not_contains "numbers masked" "639170000101" "$page"
expect_not_contains "numbers masked (hostile sender)" "14155550188" "$page"
expect_contains "masked as in the log" "+63********01" "$page"
expect_contains "hostile text escaped" "&lt;script&gt;document.title=&quot;pwned&quot;&lt;/script&gt;" "$page"
expect_not_contains "hostile text never raw" "<script>" "$page"
out=$(curl -s -u "ops:$OPS_PASS" "$URL/console/demand.csv?weeks=12")
expect_contains "CSV as report" "week,keyword,language,from,to,queries" "$out"
expect_contains "CSV rows" "$W1,rate,en,GB,NG,4" "$out"
expect_not_contains "CSV period" "ZA,ZW" "$out"
[ "$out" = "$("$RL" report -c "$WORK/remitline.conf" --weeks 12)" ] ||
    fail "the console's CSV differs from remitline report --weeks 12"
checks=$((checks + 1))

# 4. The browser. Nothing a page does may change the database: its rows before and after.
snapshot() {
    q "SELECT count(*), coalesce(max(id), 0), group_concat(state) FROM inbox;
       SELECT count(*), coalesce(max(id), 0), group_concat(state) FROM outbox;
       SELECT sum(queries) FROM demand; SELECT count(*) FROM subscription; SELECT count(*) FROM alert"
}
before=$(snapshot)
python3 "$WD" "$URL" ops "$OPS_PASS" /console /console/status /console/broadcasts \
    "/console/messages?state=answered&keyword=join&lang=en&door=kannel" /console/messages \
    /console/demand "/console/demand?weeks=4" /console/sources >"$WORK/pages.json" 2>"$WORK/wd.err"
rc=$?
[ "$rc" -eq "$SKIP" ] && skip_all "Chromium cannot start here: $(cat "$WORK/wd.err")"
[ "$rc" -eq 0 ] || fail "webdriver: $(cat "$WORK/wd.err")"
# page PATH EXPR: evaluates the Python expression EXPR on PATH's JSON (as p); prints the value.
page() {
    python3 -c 'import json, sys
for line in open(sys.argv[1]):
    p = json.loads(line)
    if p["path"] == sys.argv[2]:
        print(eval(sys.argv[3]))
        break
else:
    print("no page %s" % sys.argv[2])' "$WORK/pages.json" "$1" "$2"
}
for p in /console /console/status /console/broadcasts \
    "/console/messages?state=answered&keyword=join&lang=en&door=kannel" /console/messages \
    /console/demand "/console/demand?weeks=4" /console/sources; do
    expect_contains "$p: no console error" "[]" "$(page "$p" 'p["errors"]')"
    expect_contains "$p: fits 360 px" True "$(page "$p" 'p["scroll_width"] <= 360 and p["client_width"] == 360')"
    expect_contains "$p: the stylesheet applied" "rgb(11, 61, 92)" "$(page "$p" 'p["header_bg"]')"
    expect_contains "$p: no script ran" "remitline" "$(page "$p" 'p["title"]')"
done
expect_contains "status: the modem" "dummy connected" "$(page /console/status 'p["text"]')"
expect_contains "status: held" "Broadcasts are held by quiet hours until" "$(page /console/status 'p["text"]')"
expect_contains "status: data refresh" "Last data refresh" "$(page /console/status 'p["text"]')"
expect_contains "corridor bars" "[['KE → UG', 10], ['GB → NG', 4]]" "$(page /console/demand 'p["bars"][:2]')"
expect_contains "language bars" "['sw', 8]" "$(page /console/demand 'p["bars"]')"
expect_contains "a line for fee" "['fee', '0,0,0,0,0,0,0,0,0,2,3,5']" "$(page /console/demand 'p["series"]')"
expect_contains "a line for rate" "['rate', '0,0,0,0,0,0,0,0,0,0,4,0']" "$(page /console/demand 'p["series"]')"
joins=$(q "SELECT queries FROM demand WHERE week = '$W0' AND keyword = 'join'")
[ "${joins:-0}" -ge 3 ] || fail "the JOINs through Kannel were not counted as demand: $joins"
expect_contains "the JOINs counted" "['join', '0,0,0,0,0,0,0,0,0,0,0,$joins']" "$(page /console/demand 'p["series"]')"
expect_contains "4 weeks" "['fee', '0,2,3,5']" "$(page "/console/demand?weeks=4" 'p["series"]')"
expect_not_contains "outside the weeks" "ZA" "$(page /console/demand 'p["bars"]')"
expect_contains "progress held" "[['sent', 0, 0], ['failed', 0, 0], ['held', 3, 360]]" "$(page /console/broadcasts 'p["segments"]')"
expect_contains "alert text" "Fees to the Philippines dropped today." "$(page /console/broadcasts 'p["text"]')"
expect_contains "filtered messages" "3" "$(page "/console/messages?state=answered&keyword=join&lang=en&door=kannel" 'p["text"].count("JOIN PH")')"
expect_contains "hostile text shown as text" '<script>document.title="pwned"</script>' "$(page /console/messages 'p["text"]')"
expect_contains "sources" "imported" "$(page /console/sources 'p["text"]')"
[ "$before" = "$(snapshot)" ] || fail "browsing the console changed the database: $before / $(snapshot)"
checks=$((checks + 1))
stop

# 5. Quiet hours over: the broadcast goes out, and its progress bar moves to the end.
conf "" 1
start
for _ in $(seq 100); do
    [ "$(q "SELECT count(*) FROM outbox WHERE alert_id = 'console-1' AND state = 'sent'")" = 3 ] && break
    sleep 0.1
done
[ "$(q "SELECT count(*) FROM outbox WHERE alert_id = 'console-1' AND state = 'sent'")" = 3 ] ||
    fail "the broadcast was not sent: $(q "SELECT state FROM outbox WHERE alert_id = 'console-1'")"
python3 "$WD" "$URL" ops "$OPS_PASS" /console/broadcasts /console/status >"$WORK/pages.json" 2>"$WORK/wd.err" ||
    fail "webdriver: $(cat "$WORK/wd.err")"
# Sent, and under it the delivery bar (#17): the dummy phone brings no status reports, so all
# three phones are awaiting theirs.
expect_contains "progress done" "[['sent', 3, 360], ['failed', 0, 0], ['queued', 0, 0], ['delivered', 0, 0], ['not delivered', 0, 0], ['expired', 0, 0], ['awaiting report', 3, 360]]" "$(page /console/broadcasts 'p["segments"]')"
expect_contains "done" "Done." "$(page /console/broadcasts 'p["text"]')"
expect_contains "sent today" "Sent today
3" "$(page /console/status 'p["text"]')"
expect_contains "no console error after" "[]" "$(page /console/broadcasts 'p["errors"]')"
stop

# 6. report --html: one file with everything inline, shown alike from disk.
out=$("$RL" report -c "$WORK/remitline.conf" --html "$WORK/report.html")
expect_contains "report written" "written to $WORK/report.html" "$out"
html=$(cat "$WORK/report.html")
expect_contains "inline style" "<style>" "$html"
expect_not_contains "nothing fetched" 'href="/' "$html"
expect_not_contains "nothing fetched (src)" 'src=' "$html"
expect_contains "report bars" 'data-label="KE → UG" data-value="10"' "$html"
python3 "$WD" "file://" x x "$WORK/report.html" >"$WORK/pages.json" 2>"$WORK/wd.err" ||
    fail "webdriver: $(cat "$WORK/wd.err")"
expect_contains "report: no error" "[]" "$(page "$WORK/report.html" 'p["errors"]')"
expect_contains "report: fits 360 px" True "$(page "$WORK/report.html" 'p["scroll_width"] <= 360')"
expect_contains "report: styled" "rgb(11, 61, 92)" "$(page "$WORK/report.html" 'p["header_bg"]')"
expect_contains "report: bars" "['KE → UG', 10]" "$(page "$WORK/report.html" 'p["bars"]')"
expect_status "report --html with --since is refused" 2 "$RL" report -c "$WORK/remitline.conf" --since 2026-W01 --html "$WORK/x.html"
expect_status "report --html to a missing directory fails" 1 "$RL" report -c "$WORK/remitline.conf" --html "$WORK/no/such/dir/r.html"

done_ok
