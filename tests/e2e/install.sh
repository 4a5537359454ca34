#!/bin/bash
# `cmake --install`: the binary, the content it finds by itself, the man pages, the example
# configuration and the systemd units (the gateway, the daily update and its timer) land where
# they belong, and the installed binary works from any directory without the source tree.
. "$(dirname "$0")/lib.inc"

command -v cmake >/dev/null || fail "cmake is needed (make test installs it)"
cmake --install "$(dirname "$RL")" --prefix "$WORK/prefix" >"$WORK/install.log" 2>&1 ||
    fail "cmake --install: $(tail -3 "$WORK/install.log")"
for f in bin/remitline share/man/man8/remitline.8 share/man/man5/remitline.conf.5 \
    share/remitline/remitline.conf.example lib/systemd/system/remitline.service \
    lib/systemd/system/remitline-update.service lib/systemd/system/remitline-update.timer \
    share/remitline/content/countries.conf share/remitline/content/data/eurofxref-2026-04-13.csv; do
    checks=$((checks + 1))
    [ -e "$WORK/prefix/$f" ] || fail "not installed: $f"
done
mkdir -p "$WORK/elsewhere"
out=$(cd "$WORK/elsewhere" && "$WORK/prefix/bin/remitline" check 2>/dev/null)
expect_contains "installed content found" "configuration OK" "$out"
out=$(cd "$WORK/elsewhere" && "$WORK/prefix/bin/remitline" check -v 2>/dev/null)
expect_contains "installed content path" "$WORK/prefix/share/remitline/content" "$out"
out=$(cd "$WORK/elsewhere" && "$WORK/prefix/bin/remitline" ask "FEE USA MEX" 2>/dev/null)
expect_contains "installed answers" "United States>Mexico" "$out"
out=$("$WORK/prefix/bin/remitline" check -c "$WORK/prefix/share/remitline/remitline.conf.example" 2>&1)
expect_contains "example config is valid" "configuration OK" "$out"
grep -q '^User=remitline' "$WORK/prefix/lib/systemd/system/remitline.service" ||
    fail "the unit does not run as the remitline user"
checks=$((checks + 1))
if command -v man >/dev/null; then
    out=$(MANWIDTH=100 man -l "$WORK/prefix/share/man/man5/remitline.conf.5" 2>&1)
    expect_contains "man page renders" "retention_days" "$out"
else
    skip_part "man is not installed: the man page was installed but not rendered"
fi
done_ok
