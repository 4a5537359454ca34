#!/usr/bin/env python3
"""Checks a strace -f log against a systemd unit's SystemCallFilter= lines:
    python3 scripts/systemd-filter-check.py UNIT TRACE
prints how many system calls were used and those outside the filter; exits 1 if any is.
Used by tests/e2e/systemd.sh (the gateway) and tests/e2e/update.sh (remitline update)."""
import re, subprocess, sys
groups, cur = {}, None
for line in subprocess.run(["systemd-analyze", "syscall-filter"], capture_output=True,
                           text=True).stdout.splitlines():
    s = line.strip()
    if not s or s.startswith("#"):
        continue
    if not line.startswith(" "):
        cur = s
        groups[cur] = []
    elif cur is not None:
        groups[cur].append(s)
def expand(name, seen=None):
    seen = seen or set()
    if not name.startswith("@"):
        return {name}
    if name in seen:
        return set()
    seen.add(name)
    out = set()
    for n in groups.get(name, []):
        out |= expand(n, seen)
    return out
allow, deny = set(expand("@default")), set()
for line in open(sys.argv[1]):
    m = re.match(r"SystemCallFilter=(~?)(.*)", line.strip())
    if m:
        for w in m.group(2).split():
            (deny if m.group(1) else allow).update(expand(w))
allowed = allow - deny
used = set()
for line in open(sys.argv[2]):
    m = re.match(r"\d+\s+([a-z0-9_]+)\(", line)
    if m:
        used.add(m.group(1))
# strace's own exec of the gateway, and what happens before systemd would install the filter.
used.discard("execve")
bad = sorted(used - allowed)
print("used %d system calls; outside the filter: %s" % (len(used), " ".join(bad) or "none"))
sys.exit(1 if bad else 0)
