#!/usr/bin/env python3
"""The phone network for bench/kannel.sh, and a constant web service for it.

kannel_phone.py PORT COUNT WINDOW SECONDS ROUNDS KINDS
  Speaks fakesmsc's line protocol to bearerbox's fake SMSC port on PORT ("sender receiver text
  message" each way, one line a message). KINDS is a comma-separated list of services:
    static    "static N": Kannel's sms-service `text = "..."` (Kannel's own ceiling)
    constant  "constant N": get-url to `kannel_phone.py serve` (Kannel's get-url ceiling)
    remitline remitline queries (FEE, RATE, GUIDE), default service: get-url to /kannel
  Each round sends COUNT messages of each kind in turn, each from a number of its own, with at
  most WINDOW unanswered at once, and matches every reply to its message by the phone's number.
  With KB_RATE=N (messages a second) it sends no faster than that (latency at a given load).
  SECONDS bounds one phase; what is unanswered then is lost. After a warm-up, prints one table
  and the ratio remitline/static. With KB_PIDS="name=PID ..." it also prints the CPU time each
  process spent a message. Exit status 0 when every message got the right kind of answer.

kannel_phone.py serve PORT
  HTTP/1.1 with keep-alive on 127.0.0.1:PORT: every request is answered 200 with STATIC_TEXT.
"""
import asyncio
import os
import select
import socket
import sys
import time
import urllib.parse

SHORT_CODE = "12345"
# The length of a typical remitline answer; kannel.sh's static service has the same text.
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
LABELS = {
    "static": "Kannel text = (ceiling)",
    "constant": "get-url, constant server",
    "remitline": "remitline get-url /kannel",
}


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


def right_answer(kind, body):
    if kind in ("static", "constant"):
        return body == STATIC_TEXT
    return body != STATIC_TEXT and not body.startswith("Could not fetch")


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

    def phase(self, kind, first, count, window, seconds, rate=0.0):
        """Sends count messages of kind from numbers first.., at most window unanswered and,
        when rate > 0, at most rate a second; returns (answered, secs, latencies)."""
        sent = 0
        pending = {}  # number -> [t0, parts seen]
        lat = []
        t_start = time.monotonic()
        t_last = t_start
        deadline = t_start + seconds
        while len(lat) < count and time.monotonic() < deadline:
            batch = []
            due = count if rate <= 0 else min(count, int((time.monotonic() - t_start) * rate) + 1)
            while sent < due and len(pending) < window:
                num = "+1415%07d" % (first + sent)
                text = QUERIES[sent % len(QUERIES)] if kind == "remitline" else "%s %d" % (kind, sent)
                batch.append("%s %s text %s\n" % (num, SHORT_CODE, text))
                pending[num] = [time.monotonic(), 0]
                sent += 1
            if batch:
                self.sock.sendall("".join(batch).encode())
            wait = 0.5 if rate <= 0 or sent >= count else 1.0 / rate
            for now, ln in self.lines(min(wait, max(0.0, deadline - time.monotonic()))):
                f = ln.split(" ", 3)  # sender receiver type data
                if len(f) < 4 or f[1] not in pending:
                    self.stray += 1
                    continue
                p = pending[f[1]]
                total = 1
                if f[2] == "udh":
                    total = parts_of(urllib.parse.unquote_to_bytes(f[3].split(" ", 1)[0]))
                elif p[1] == 0:
                    body = f[3] if f[2] == "text" else urllib.parse.unquote(f[3])
                    self.sample.setdefault(kind, body)
                    self.wrong[kind] = self.wrong.get(kind, 0) + (not right_answer(kind, body))
                p[1] += 1
                if p[1] >= total:
                    lat.append(now - p[0])
                    t_last = now
                    del pending[f[1]]
        return len(lat), t_last - t_start, lat


def cpu_ticks(pids):
    """utime + stime of each process named in pids ({name: pid}), in clock ticks."""
    out = {}
    for name, pid in pids.items():
        try:
            with open("/proc/%s/stat" % pid) as f:
                st = f.read().rsplit(")", 1)[1].split()
            out[name] = int(st[11]) + int(st[12])
        except OSError:
            out[name] = 0
    return out


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] * 1000 if xs else float("nan")


def bench(argv):
    port, count, window, seconds, rounds = (int(a) for a in argv[:5])
    kinds = argv[5].split(",")
    rate = float(os.environ.get("KB_RATE", "0"))
    phone = Phone(port)
    first = 0
    # Warm-up, not counted: smsbox's threads and its keep-alive connections.
    for kind in kinds:
        n, _, _ = phone.phase(kind, first, min(200, count), window, min(seconds, 20))
        first += 200
        if n == 0:
            print("no answer from the %s service in 20 s: is smsbox connected?" % kind)
            return 1
    phone.wrong.clear()
    total = {k: [0, 0, 0.0, []] for k in kinds}
    pids = dict(kv.split("=", 1) for kv in os.environ.get("KB_PIDS", "").split())
    cpu = {k: {n: 0 for n in pids} for k in kinds}
    for r in range(rounds):
        for kind in kinds:
            c0 = cpu_ticks(pids)
            n, secs, lat = phone.phase(kind, first, count, window, seconds, rate)
            c1 = cpu_ticks(pids)
            first += count
            for name in pids:
                cpu[kind][name] += c1[name] - c0[name]
            t = total[kind]
            t[0] += count
            t[1] += n
            t[2] += secs
            t[3] += lat
            print("round %d %-9s %d/%d answered in %.2f s" % (r + 1, kind, n, count, secs),
                  file=sys.stderr, flush=True)
    print("%-27s %8s %8s %10s %8s %8s" % ("service", "messages", "answered", "answers/s",
                                        "p50 ms", "p99 ms"))
    rate = {}
    for kind in kinds:
        sent, n, secs, lat = total[kind]
        rate[kind] = n / secs if secs > 0 else 0.0
        print("%-27s %8d %8d %10.0f %8.1f %8.1f" % (LABELS[kind], sent, n, rate[kind],
                                                  pct(lat, 0.50), pct(lat, 0.99)))
    ok = True
    if rate.get("static") and "remitline" in rate:
        ratio = rate["remitline"] / rate["static"]
        print("ratio remitline/static: %.3f (target >= 0.5: %s)" %
              (ratio, "met" if ratio >= 0.5 else "NOT met"))
    if pids:
        hz = os.sysconf("SC_CLK_TCK")
        print("CPU time a message, us (clock ticks of %.0f ms):" % (1000 / hz))
        for kind in kinds:
            print("  %-9s %s" % (kind, ", ".join(
                "%s %.0f" % (name, cpu[kind][name] * 1e6 / hz / max(1, total[kind][1]))
                for name in pids)))
    for kind in kinds:
        print("a %s reply: %s" % (kind, phone.sample.get(kind, "(none)")))
        if phone.wrong.get(kind):
            print("replies not from the %s service: %d" % (kind, phone.wrong[kind]))
            ok = False
    if phone.stray:
        print("replies matching no message (late ones from an earlier phase): %d" % phone.stray)
    lost = sum(t[0] - t[1] for t in total.values())
    if lost:
        print("unanswered within %d s a phase: %d" % (seconds, lost))
        ok = False
    return 0 if ok else 1


async def serve_one(reader, writer):
    body = STATIC_TEXT.encode()
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: %d\r\n\r\n"
    answer = head % len(body) + body
    try:
        while True:
            req = await reader.readuntil(b"\r\n\r\n")  # GET: no body
            writer.write(answer)
            if b"connection: close" in req.lower():
                break
    except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
        pass
    writer.close()


async def serve(port):
    server = await asyncio.start_server(serve_one, "127.0.0.1", port, backlog=1024)
    async with server:
        await server.serve_forever()


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "serve":
        asyncio.run(serve(int(sys.argv[2])))
        return 0
    if len(sys.argv) != 7:
        sys.exit(__doc__)
    return bench(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
