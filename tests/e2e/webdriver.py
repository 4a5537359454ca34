#!/usr/bin/env python3
"""A WebDriver client in the Python standard library, for the console's browser tests.

Starts Debian's /usr/bin/chromedriver on a free loopback port, opens one headless Chromium
session emulating a 360-pixel-wide phone, and for each PATH given loads BASE + PATH with the
console client's basic credentials (sent as a header through the DevTools protocol, as a
browser sends them once its user has typed them) and prints one JSON line:

  {"path", "title", "scroll_width", "client_width", "header_bg", "errors": [browser log
   entries at level SEVERE or WARNING: console errors, failed loads, CSP violations],
   "bars": [[label, value]], "series": [[name, "v1,v2,..."]], "segments": [[label, value,
   width]], "text": the page's visible text}

Usage: webdriver.py BASE USER PASSWORD PATH...
Exit 0; 77 (skipped, said on stderr) when chromedriver or Chromium cannot start here; 1 on a
WebDriver failure after the browser started.
"""
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

CHROMEDRIVER = os.environ.get("RL_CHROMEDRIVER", "/usr/bin/chromedriver")
CHROMIUM = os.environ.get("RL_CHROMIUM", "/usr/bin/chromium")
SKIP = 77

# What each page is asked, in the page: the figures drawn, the layout width, the stylesheet.
PROBE = """
const q = (sel, f) => Array.from(document.querySelectorAll(sel)).map(f);
return {
  title: document.title,
  scroll_width: document.documentElement.scrollWidth,
  client_width: document.documentElement.clientWidth,
  header_bg: getComputedStyle(document.querySelector('header') || document.body).backgroundColor,
  bars: q('g.bar', g => [g.dataset.label, Number(g.dataset.value)]),
  series: q('g.series', g => [g.dataset.name, g.dataset.values]),
  segments: q('g.segment', g => [g.dataset.label, Number(g.dataset.value),
                                 Number(g.querySelector('rect').getAttribute('width'))]),
  text: document.body ? document.body.innerText : ''
};
"""


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Driver:
    def __init__(self, port):
        self.base = "http://127.0.0.1:%d" % port
        self.session = None

    def call(self, method, path, body=None, timeout=60):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return json.loads(r.read().decode() or "{}").get("value")
        except urllib.error.HTTPError as e:
            raise RuntimeError("%s %s: %s" % (method, path, e.read().decode()[:2000]))

    def s(self, method, path, body=None):
        return self.call(method, "/session/%s%s" % (self.session, path), body)


def main():
    if len(sys.argv) < 5:
        print(__doc__, file=sys.stderr)
        return 2
    base, user, password, paths = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    for exe in (CHROMEDRIVER, CHROMIUM):
        if not os.access(exe, os.X_OK):
            print("SKIPPED: %s is not installed (scripts/install-deps.sh installs it)" % exe,
                  file=sys.stderr)
            return SKIP
    port = free_port()
    profile = tempfile.mkdtemp(prefix="rl-chromium-")
    log = open(os.path.join(profile, "chromedriver.log"), "w")
    proc = subprocess.Popen([CHROMEDRIVER, "--port=%d" % port], stdout=log, stderr=log)
    d = Driver(port)
    try:
        for _ in range(300):
            try:
                if d.call("GET", "/status", timeout=2).get("ready"):
                    break
            except (OSError, RuntimeError, ValueError):
                pass
            if proc.poll() is not None:
                break
            time.sleep(0.1)
        else:
            print("SKIPPED: chromedriver did not become ready in 30 s", file=sys.stderr)
            return SKIP
        if proc.poll() is not None:
            print("SKIPPED: chromedriver exited at start (status %s)" % proc.returncode,
                  file=sys.stderr)
            return SKIP
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:loggingPrefs": {"browser": "ALL"},
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                         "--disable-dev-shm-usage", "--no-first-run",
                         "--user-data-dir=" + os.path.join(profile, "profile")],
                # A phone: 360 CSS pixels wide.
                "mobileEmulation": {"deviceMetrics": {"width": 360, "height": 740,
                                                      "pixelRatio": 2.0}},
            }}}}
        try:
            d.session = d.call("POST", "/session", caps, timeout=120)["sessionId"]
        except (OSError, RuntimeError, KeyError, TypeError) as e:
            print("SKIPPED: Chromium did not start under chromedriver: %s" % str(e)[:600],
                  file=sys.stderr)
            return SKIP
        auth = base64.b64encode(("%s:%s" % (user, password)).encode()).decode()
        d.s("POST", "/goog/cdp/execute", {"cmd": "Network.enable", "params": {}})
        d.s("POST", "/goog/cdp/execute", {"cmd": "Network.setExtraHTTPHeaders",
                                          "params": {"headers": {"Authorization":
                                                                 "Basic " + auth}}})
        d.s("POST", "/se/log", {"type": "browser"})  # empty the log
        for path in paths:
            d.s("POST", "/url", {"url": base + path})
            out = d.s("POST", "/execute/sync", {"script": PROBE, "args": []})
            entries = d.s("POST", "/se/log", {"type": "browser"}) or []
            out["errors"] = [e.get("message", "") for e in entries
                             if e.get("level") in ("SEVERE", "WARNING")]
            out["path"] = path
            print(json.dumps(out, ensure_ascii=False), flush=True)
        return 0
    except RuntimeError as e:
        print("webdriver: %s" % e, file=sys.stderr)
        return 1
    finally:
        if d.session is not None:
            try:
                d.s("DELETE", "")
            except (OSError, RuntimeError):
                pass
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
