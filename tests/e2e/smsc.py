#!/usr/bin/env python3
"""A phone network for the Kannel tests: a client of bearerbox's fake SMSC, speaking the line
protocol Kannel's fakesmsc speaks ("sender receiver text words..." or "... data urlcoded"),
but in the order the test says, one line at a time.

usage: smsc.py PORT OUTFILE < lines-to-send
Each line read from stdin is sent as is; each message bearerbox sends back is appended to
OUTFILE as "sender receiver text" with url-coded data decoded, flushed at once. Exits when
stdin closes and nothing has arrived for a second, or after 300 s in all.
"""
import os
import select
import socket
import sys
import time
import urllib.parse


def main():
    port, out_path = int(sys.argv[1]), sys.argv[2]
    deadline = time.time() + 300
    for _ in range(100):
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            break
        except OSError:
            time.sleep(0.1)
    else:
        sys.exit("smsc.py: cannot connect to bearerbox's fake SMSC on port %d" % port)
    out = open(out_path, "a", encoding="utf-8")
    buf, stdin_open, quiet_since = b"", True, time.time()
    inbuf, infd = b"", sys.stdin.fileno()
    while time.time() < deadline:
        fds = [sock] + ([infd] if stdin_open else [])
        ready, _, _ = select.select(fds, [], [], 0.2)
        if infd in ready:
            # Raw reads: a buffered readline would keep a second line from select's sight.
            data = os.read(infd, 65536)
            if not data:
                stdin_open = False
            inbuf += data
            while b"\n" in inbuf:
                line, inbuf = inbuf.split(b"\n", 1)
                sock.sendall(line + b"\n")
        if sock in ready:
            data = sock.recv(65536)
            if not data:
                break
            buf += data
            while b"\n" in buf:
                raw, buf = buf.split(b"\n", 1)
                parts = raw.decode("utf-8", "replace").split(" ", 3)
                if len(parts) == 4 and parts[2] in ("data", "ucs2"):
                    data = urllib.parse.unquote_to_bytes(parts[3])
                    try:
                        parts[3] = data.decode("utf-16-be" if parts[2] == "ucs2" else "utf-8")
                    except UnicodeDecodeError:
                        parts[3] = data.decode("latin-1")
                    parts[2] = "text"
                out.write(" ".join(parts) + "\n")
                out.flush()
            quiet_since = time.time()
        if not stdin_open and time.time() - quiet_since > 1:
            break
    sock.close()


if __name__ == "__main__":
    main()
