#!/bin/sh
# Installs the Debian packages remitline needs, and only those that are missing.
# Used by `make run` and `make test`; safe to run again at any time.
set -eu

# Build and test: compiler, CMake, the four libraries and the test framework.
PACKAGES="build-essential cmake pkg-config libgammu-dev libsqlite3-dev libconfig-dev libcmocka-dev"
# The HTTP interface (USSD callbacks, Kannel get-url, /healthz, /metrics): GNU libmicrohttpd.
PACKAGES="$PACKAGES libmicrohttpd-dev"
# Tools the end-to-end tests use: sqlite3 to look inside the database, curl to speak HTTP to
# the gateway, and real Kannel (bearerbox, smsbox; fakesmsc from kannel-extras) on loopback.
PACKAGES="$PACKAGES sqlite3 curl kannel kannel-extras"
# Data as published (#13): libzip and expat read the World Bank's .xlsx workbook and the ECB's
# XML and zip as they are downloaded; libcurl fetches them (`remitline update`) and speaks to
# Kannel's sendsms; openssl makes the test CA for the local HTTPS server the update test uses.
PACKAGES="$PACKAGES libzip-dev libexpat1-dev libcurl4-openssl-dev openssl"
# Tests only: promtool (Debian's prometheus) checks /metrics; headless Chromium and ChromeDriver
# drive the operator console in a real browser.
PACKAGES="$PACKAGES prometheus chromium chromium-driver"
# Tests only (#14): Gammu's own command-line tool checks the test modem (tests/atmodem.py)
# before the gateway is tried on it, so a failure there is the modem's and not the gateway's.
PACKAGES="$PACKAGES gammu"

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

echo "remitline: installing missing Debian packages:$missing"
if [ "$(id -u)" -ne 0 ]; then
    echo "remitline: run as root, or install them yourself: apt-get install$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
