#!/bin/sh
# Rates the shipped systemd unit with `systemd-analyze security --offline=true` (systemd 250 or
# later) and fails when its overall exposure is above MAX:
#   sh scripts/systemd-security.sh [UNIT [MAX]]     (defaults: scripts/systemd/remitline.service, 2.0)
# Exits 0 at or below MAX, 1 above it (with the settings that cost the most), 77 when this
# machine cannot rate a unit file (no systemd-analyze, or one without --offline).
unit=${1:-$(dirname "$0")/systemd/remitline.service}
max=${2:-2.0}
if ! command -v systemd-analyze >/dev/null 2>&1; then
    echo "systemd-analyze is not installed here (Debian: apt-get install systemd)"
    exit 77
fi
if ! systemd-analyze security --help 2>/dev/null | grep -q -- '--offline'; then
    echo "this systemd-analyze cannot rate a unit file offline (needs systemd 250 or later)"
    exit 77
fi
out=$(systemd-analyze security --offline=true "$unit" 2>&1)
level=$(printf '%s\n' "$out" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
if [ -z "$level" ]; then
    printf 'systemd-analyze gave no exposure level for %s:\n%s\n' "$unit" "$out"
    exit 77
fi
if awk -v l="$level" -v m="$max" 'BEGIN { exit !(l + 0 <= m + 0) }'; then
    echo "$unit: exposure $level (at most $max)"
    exit 0
fi
echo "$unit: exposure $level, above $max; what it is charged for:"
printf '%s\n' "$out" | grep '✗' | sed 's/^/  /'
exit 1
