#!/usr/bin/env python3
"""The phone network for bench/kannel.sh: speaks fakesmsc's line protocol to bearerbox's fake
SMSC port ("sender receiver text message" each way, one line a message), sends each kind of
message from its own range of sender numbers with at most WINDOW unanswered at once, matches
every reply to its message by the phone's number, and prints one table.

Usage: kannel_phone.py PORT COUNT WINDOW SECONDS ROUNDS
  COUNT messages of each kind a round, WINDOW unanswered at most, SECONDS the most one phase
  may take (what is unanswered then is counted lost), ROUNDS static/remitline pairs.
Exit status 0 when every message was answered and the ratio was printed, 1 otherwise.
"""
import select
import socket
import sys
import time
import urllib.parse

SHORT_CODE = "12345"
STATIC_TEXT = "United States>Mexico USD200: avg cost 4.2% (USD8.36), about MXN3333 arrives. WB 2020Q3"
# A realistic mix for remitline: fees, rates and guides, several corridors.
QUERIES = [
    "FEE USA MEX 200",
    "RATE EUR PHP",
    "GUIDE PHL",
    "FEE GBR NGA 100",
    "RATE USD INR",
    "FEE ESP COL 300",
    "fee usa phl 500",
    "RATE GBP KES",
]


def parts_of(udh):
    """How many parts a concatenation element in UDH bytes announces (1 without one)."""
    i = 1
    while i + 1 < len(udh):
        iei, ln = udh[i], udh[i + 1]
        if iei == 0x00 and ln == 3 and i + 3 < len(udh):
            return udh[i + 3]
        if iei == 0x08 and ln == 4 and i + 4 < len(udh):
            return udh[i + 4]
        i += 2 + ln
    return 1


class Phone:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        self.stray = 0
        self.wrong = {}  # kind -> replies that are not that service's answer
        self.sample = {}  # kind -> one reply

    def lines(self, timeout):
        r, _, _ = select.select([self.sock], [], [], timeout)
        if not r:
            return []
        data = self.sock.recv(1 << 16)
        if not data:
            raise SystemExit("bearerbox closed the fake SMSC connection")
        now = time.monotonic()
        self.buf += data
        *done, self.buf = self.buf.split(b"\n")
        return [(now, ln.decode("latin-1")) for ln in done if ln]

    def phase(self, kind, first, count, window, seconds):
        """Sends count messages of kind from numbers first.., returns (answered, secs, lats)."""
        sent = 0
        pending = {}  # number -> [t0, parts seen]
        lat = []
        t_start = time.monotonic()
        t_last = t_start
        deadline = t_start + seconds
        while len(lat) < count and time.monotonic() < deadline:
            batch = []
            while sent < count and len(pending) < window:
                num = "+1415%07d" % (first + sent)
                if kind == "static":
                    text = "static %d" % sent
                else:
                    text = QUERIES[sent % len(QUERIES)]
                batch.append("%s %s text %s\n" % (num, SHORT_CODE, text))
                pending[num] = [time.monotonic(), 0]
                sent += 1
            if batch:
                self.sock.sendall("".join(batch).encode())
            for now, ln in self.lines(min(0.5, max(0.0, deadline - time.monotonic()))):
                f = ln.split(" ", 4)
                if len(f) < 4 or f[1] not in pending:
                    self.stray += 1
                    continue
                total = 1
                if f[2] == "udh" and len(f) == 5:
                    total = parts_of(urllib.parse.unquote_to_bytes(f[3]))
                body = f[3] if len(f) == 4 else f[3] + " " + f[4]
                if f[2] == "text" and p_first(pending[f[1]]):
                    self.sample.setdefault(kind, body)
                    bad = (body != STATIC_TEXT) if kind == "static" else (
                        body == STATIC_TEXT or body.startswith("Could not fetch"))
                    self.wrong[kind] = self.wrong.get(kind, 0) + bad
                p = pending[f[1]]
                p[1] += 1
                if p[1] >= total:
                    lat.append(now - p[0])
                    t_last = now
                    del pending[f[1]]
        return len(lat), t_last - t_start, lat


def p_first(p):
    return p[1] == 0


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] * 1000 if xs else float("nan")


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    port, count, window, seconds, rounds = (int(a) for a in sys.argv[1:])
    phone = Phone(port)
    first = 0
    # Warm-up, not counted: smsbox's threads and its keep-alive connection to remitline.
    for kind in ("static", "remitline"):
        phone.phase(kind, first, min(100, count), window, seconds)
        first += 100
    total = {k: [0, 0, 0.0, []] for k in ("static", "remitline")}
    for r in range(rounds):
        for kind in ("static", "remitline"):
            n, secs, lat = phone.phase(kind, first, count, window, seconds)
            first += count
            t = total[kind]
            t[0] += count
            t[1] += n
            t[2] += secs
            t[3] += lat
            print("round %d %-9s %d/%d answered in %.2f s" % (r + 1, kind, n, count, secs),
                  file=sys.stderr, flush=True)
    print("%-28s %8s %8s %10s %8s %8s" % ("service", "messages", "answered", "answers/s",
                                        "p50 ms", "p99 ms"))
    rate = {}
    for kind, label in (("static", "Kannel text = (ceiling)"),
                        ("remitline", "remitline get-url /kannel")):
        sent, n, secs, lat = total[kind]
        rate[kind] = n / secs if secs > 0 else 0.0
        print("%-28s %8d %8d %10.0f %8.1f %8.1f" % (label, sent, n, rate[kind], pct(lat, 0.50),
                                                  pct(lat, 0.99)))
    ratio = rate["remitline"] / rate["static"] if rate["static"] else 0.0
    print("ratio remitline/static: %.2f (target >= 0.5: %s)" % (ratio,
                                                               "met" if ratio >= 0.5 else "NOT met"))
    for kind in ("static", "remitline"):
        print("a %s reply: %s" % (kind, phone.sample.get(kind, "(none)")))
        if phone.wrong.get(kind):
            print("replies not from the %s service: %d" % (kind, phone.wrong[kind]))
    if phone.stray:
        print("replies matching no message: %d" % phone.stray)
    lost = sum(t[0] - t[1] for t in total.values())
    if lost:
        print("unanswered within %d s a phase: %d" % (seconds, lost))
    return 0 if lost == 0 and not any(phone.wrong.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
