#!/usr/bin/env python3
"""The README and the man pages are a test (issue #18): every example they show is run against
the shipped content, and a reply that no longer matches what the text shows fails with the
file, the line, what the text shows and what the gateway answers now.

usage: doc-examples.py REMITLINE SOURCE_DIR WORK_DIR [FILE...]
       (FILE: README.md and docs/man/*.[58] by default, relative to SOURCE_DIR)

Conventions (README.md, "Examples are tests"; keep them light):

  ```sms        "> TEXT" lines are texts; the lines after each, up to the next "> ", are the
                exact reply (`remitline ask TEXT`).
  ```console    "$ COMMAND" lines are run (bash, in a scratch directory holding build/remitline,
                conf/, tests/ and var/); the lines after each are its exact standard output
                (and standard error too when it is expected to fail, "# exit N"). A line
                "..." stands for any number of lines, and "..." within a line for any part
                of it (a path that differs from machine to machine). The exit status must be 0 unless the
                command ends with "# exit N".
  ```sh         every line is run and must exit 0 ("# comment" after it is fine); output is
                not compared. `remitline run` lines are started, waited for until they serve,
                and stopped with SIGTERM, which must end them with status 0.
  ```conf       a remitline.conf fragment: `remitline check -c FRAGMENT` must say
                "configuration OK".
  ```content    a content file fragment: `remitline check conf/content FRAGMENT` (with the
                shipped content) must say "configuration OK".
  ```alert      an alert file: `remitline broadcast --file` must accept it (nobody follows its
                topics in the scratch database: exit 3 is fine); its dates are not held to
                be in the future.
  ```kannel     a kannel.conf fragment: a real bearerbox and smsbox load it beside the
                ```conf fragments that set `http` and a kannel modem (ports 8080 and 13013
                rewritten to free ones); a text goes phone -> Kannel -> remitline -> phone and
                a broadcast through sendsms must arrive from the fragment's default-sender.
  other fences  not run (plain ``` for illustrations); a plain fence that shows a
                remitline command fails the test: give it an info string.
  `remitline CMD --opt` in the prose of README.md: CMD must be a command and --opt its option.

  In commands, 127.0.0.1:8080 is the gateway fixture's port and /etc/remitline/remitline.conf a
  scratch copy of the EXAMPLE of remitline.conf(5).

  <!-- example: NOTE --> on the line(s) just before a fence or a table says more:
    skip: WHY                 not run (say why: needs root, a modem, a data set not shipped)
    gateway                   needs a running gateway (dummy phone, HTTP on 127.0.0.1:8080
                              rewritten to a free port, bearer token in ./token)
    from NUMBER               ```sms: texts come from NUMBER (ask --from NUMBER --save), so a
                              numbered choice and LANG carry from one text to the next
    queries                   before a table: every `code` span in its last column is a text
                              that must be understood (no help text, no "no data" reply);
    needs "TEXT" WHAT         ... except TEXT, which waits for WHAT (another branch): its
                              failure is reported, not counted, and its success says to remove
                              the note.
  Man pages: .EX/.EE (or .nf/.fi) blocks under EXAMPLE(S); "$ " lines make a console block,
  anything else in remitline.conf.5 is a conf fragment.
"""
import difflib
import glob
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time

FENCE = re.compile(r"^(\s*)```(\S*)\s*$")
NOTE = re.compile(r"^\s*<!--\s*example:\s*(.*?)\s*-->\s*$")


class Block:
    def __init__(self, path, line, info, lines, note):
        self.path, self.line, self.info, self.lines, self.note = path, line, info, lines, note

    def where(self, k=0):
        return "%s:%d" % (self.path, self.line + k)


def read_markdown(path, rel):
    """Fenced blocks and annotated tables: Block(info, [(line number, text)], note)."""
    out, note, lines = [], "", open(path, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        m, n = FENCE.match(lines[i]), NOTE.match(lines[i])
        if n:
            note = n.group(1)
            i += 1
            continue
        if m:
            indent, info, body, start = len(m.group(1)), m.group(2), [], i + 1
            i += 1
            while i < len(lines) and not FENCE.match(lines[i]):
                line = lines[i]
                body.append((i + 1, line[indent:] if line[:indent].strip() == "" else
                             line.lstrip()))
                i += 1
            out.append(Block(rel, start, info, body, note))
            note = ""
        elif lines[i].startswith("|") and note.startswith("queries"):
            body = []
            while i < len(lines) and lines[i].startswith("|"):
                body.append((i + 1, lines[i]))
                i += 1
            out.append(Block(rel, body[0][0], "table", body, note))
            note = ""
            continue
        elif lines[i].strip():
            note = ""
        i += 1
    return out


def read_man(path, rel):
    text = open(path, encoding="utf-8").read().split("\n")
    out, section, i = [], "", 0
    unesc = [("\\-", "-"), ("\\(dq", '"'), ("\\(aq", "'"), ("\\e", "\\"), ("\\&", "")]
    while i < len(text):
        if text[i].startswith(".SH"):
            section = text[i][3:].strip().strip('"')
        if section.startswith("EXAMPLE") and text[i] in (".EX", ".nf"):
            body, start = [], i + 1
            i += 1
            while i < len(text) and text[i] not in (".EE", ".fi"):
                line = text[i]
                for a, b in unesc:
                    line = line.replace(a, b)
                body.append((i + 1, line))
                i += 1
            console = any(t.startswith("$ ") for _, t in body)
            out.append(Block(rel, start, "console" if console else
                             ("conf" if rel.endswith(".5") else "text"), body, ""))
        i += 1
    return out


def free_ports(n):
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


class Run:
    def __init__(self, rl, src, work):
        self.rl, self.src, self.work = rl, src, work
        self.failures, self.waiting, self.checks, self.skipped = [], [], 0, []
        self.gateway = None
        self.etc_conf = os.path.join(work, "etc-remitline.conf")
        self.port = free_ports(1)[0]
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(os.path.join(work, "build"))
        os.symlink(rl, os.path.join(work, "build", "remitline"))
        for d in ("conf", "tests"):
            os.symlink(os.path.join(src, d), os.path.join(work, d))
        with open(os.path.join(work, "questions.txt"), "w") as f:
            f.write("FEE USA MEX\nRATE USD PHP\n")
        self.env = dict(os.environ, PATH=os.path.join(work, "build") + ":" + os.environ["PATH"])
        with open(os.path.join(work, "token"), "w") as f:
            f.write("doc-examples-token-0123456789\n")
        os.chmod(os.path.join(work, "token"), 0o600)
        self.sh("remitline import", quiet=True)

    def rewrite(self, text):
        return (text.replace("127.0.0.1:8080", "127.0.0.1:%d" % self.port)
                .replace("/etc/remitline/remitline.conf", self.etc_conf))

    def sh(self, cmd, quiet=False, stdin=None):
        return subprocess.run(["bash", "-c", self.rewrite(cmd)], cwd=self.work, env=self.env,
                              capture_output=True, text=True, timeout=120, stdin=stdin)

    def fail(self, where, what, shown=None, now=None):
        msg = "%s: %s" % (where, what)
        if shown is not None:
            msg += "\n  the text shows:\n%s\n  the gateway now answers:\n%s" % (
                indent(shown), indent(now))
            diff = difflib.unified_diff(shown.split("\n"), now.split("\n"), "shown", "now",
                                        lineterm="", n=0)
            msg += "\n  diff:\n" + indent("\n".join(list(diff)[2:]))
        self.failures.append(msg)

    # --- the gateway fixture ------------------------------------------------------------
    def start_gateway(self):
        if self.gateway:
            return
        log = open(os.path.join(self.work, "gateway.log"), "a")
        self.gateway = subprocess.Popen(
            [self.rl, "run", "--http", "127.0.0.1:%d" % self.port, "--http-token-file", "token"],
            cwd=self.work, stdout=log, stderr=log)
        self.wait_http(self.port, self.gateway)

    def wait_http(self, port, proc):
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                if proc.poll() is not None:
                    break
                time.sleep(0.1)
        raise SystemExit("the gateway did not start: " +
                         open(os.path.join(self.work, "gateway.log")).read()[-2000:])

    def stop_gateway(self):
        if self.gateway:
            self.gateway.send_signal(signal.SIGTERM)
            self.gateway.wait(timeout=60)
            self.gateway = None

    # --- the kinds of block -------------------------------------------------------------
    def block(self, b):
        if b.note.startswith("skip"):
            self.skipped.append("%s: %s" % (b.where(), b.note))
            return
        if "gateway" in b.note.split():
            self.start_gateway()
        kind = getattr(self, "kind_" + (b.info or "plain").replace("-", "_"), None)
        if kind is None:
            return
        kind(b)

    def kind_plain(self, b):
        for n, t in b.lines:
            if re.match(r"\s*(\$ )?(build/)?remitline \w", t):
                self.fail("%s:%d" % (b.path, n), "a remitline command in a fence with no info "
                          "string: mark it ```sh, ```console or <!-- example: skip: why -->")
                return

    kind_text = kind_plain

    def kind_sms(self, b):
        m = re.search(r"from (\+\d+)", b.note)
        convo = ["--from", m.group(1), "--save"] if m else []
        for n, text, want in exchanges(b.lines, "> "):
            r = subprocess.run([self.rl, "ask"] + convo + [text], cwd=self.work,
                               capture_output=True, text=True, timeout=60)
            self.checks += 1
            now = r.stdout.rstrip("\n")
            if now != want:
                self.fail("%s:%d" % (b.path, n), "`remitline ask %s%s`" %
                          (" ".join(convo) + " " if convo else "", quote(text)), want, now)

    def kind_console(self, b):
        for n, cmd, want in exchanges(b.lines, "$ "):
            status = 0
            m = re.search(r"\s#\s*exit (\d+)\s*$", cmd)
            if m:
                status, cmd = int(m.group(1)), cmd[:m.start()]
            # What a failing command says on stderr is the point of showing it; otherwise the
            # log lines and warnings on stderr are not what the example shows.
            r = self.sh(cmd + (" 2>&1" if status else ""))
            self.checks += 1
            now = r.stdout.rstrip("\n")
            if r.returncode != status:
                self.fail("%s:%d" % (b.path, n), "`%s` exited %d, not %d: %s" %
                          (cmd, r.returncode, status, r.stderr.strip()[-600:]))
            elif not matches(want, now):
                self.fail("%s:%d" % (b.path, n), "`%s`" % cmd, want, now)

    def kind_sh(self, b):
        for n, line in b.lines:
            cmd = re.sub(r"\s+#\s.*$", "", line).strip()
            if not cmd or cmd.startswith("#"):
                continue
            self.checks += 1
            if re.match(r"(build/)?remitline run\b", cmd):
                self.run_daemon_line("%s:%d" % (b.path, n), cmd)
                continue
            r = self.sh(cmd, stdin=subprocess.DEVNULL)
            if r.returncode != 0:
                self.fail("%s:%d" % (b.path, n), "`%s` exited %d: %s" %
                          (cmd, r.returncode, (r.stderr or r.stdout).strip()[-600:]))

    def run_daemon_line(self, where, cmd):
        self.stop_gateway()
        log = open(os.path.join(self.work, "gateway.log"), "a")
        p = subprocess.Popen(["bash", "-c", "exec " + self.rewrite(cmd)], cwd=self.work,
                             env=self.env, stdout=log, stderr=log)
        try:
            if "--http" in cmd:
                self.wait_http(self.port, p)
            else:
                time.sleep(1)
        except SystemExit as e:
            self.fail(where, "`%s` did not start: %s" % (cmd, e))
            p.kill()
            p.wait()
            return
        p.send_signal(signal.SIGTERM)
        if p.wait(timeout=60) != 0:
            self.fail(where, "`%s` did not stop cleanly on SIGTERM (status %d)" %
                      (cmd, p.returncode))

    def fragment(self, b, suffix, text=None):
        path = os.path.join(self.work, "fragment-%d%s" % (b.line, suffix))
        with open(path, "w") as f:
            f.write(text if text is not None else "\n".join(t for _, t in b.lines) + "\n")
        os.chmod(path, 0o600)
        return path

    def kind_conf(self, b):
        path = self.fragment(b, ".conf")
        r = subprocess.run([self.rl, "check", "-c", path], cwd=self.work, capture_output=True,
                           text=True, timeout=120)
        self.checks += 1
        if r.returncode != 0 or "configuration OK" not in r.stdout:
            self.fail(b.where(), "this remitline.conf fragment fails `remitline check -c`: " +
                      (r.stdout + r.stderr).strip()[-800:])

    def kind_content(self, b):
        path = self.fragment(b, ".conf")
        r = subprocess.run([self.rl, "check", os.path.join(self.src, "conf", "content"), path],
                           cwd=self.work, capture_output=True, text=True, timeout=120)
        self.checks += 1
        if r.returncode != 0 or "configuration OK" not in r.stdout:
            self.fail(b.where(), "this content fragment fails `remitline check`: " +
                      (r.stdout + r.stderr).strip()[-800:])

    def kind_alert(self, b):
        text = "\n".join(t for _, t in b.lines if not re.match(r"\s*valid_(from|until)\s*=", t))
        path = self.fragment(b, ".alert.conf", text + "\n")
        r = subprocess.run([self.rl, "broadcast", "--file", path], cwd=self.work,
                           capture_output=True, text=True, timeout=120)
        self.checks += 1
        if r.returncode not in (0, 3):
            self.fail(b.where(), "this alert file is refused (exit %d): %s" %
                      (r.returncode, (r.stdout + r.stderr).strip()[-800:]))

    def kind_table(self, b):
        needs = dict(re.findall(r'needs "([^"]+)" ([^;]+)', b.note))
        for k, (n, row) in enumerate(b.lines):
            number = "+141555501%02d" % k  # a number a row: the reply caps hold
            cells = [c.strip() for c in row.strip().strip("|").split("|")]
            if len(cells) < 2 or set(cells[-1]) <= set("-: "):
                continue
            for text in re.findall(r"`([^`]+)`", cells[-1]):
                r = subprocess.run([self.rl, "ask", "-v", "--from", number, "--save", text],
                                   cwd=self.work, capture_output=True, text=True, timeout=60)
                self.checks += 1
                reply = r.stdout.strip()
                why = self.not_understood(reply, r.stderr) if reply else "gets no reply"
                where = "%s:%d" % (b.path, n)
                if text in needs:
                    if why:
                        self.waiting.append("%s: `%s` waits for %s: %s" %
                                            (where, text, needs[text].strip(), reply))
                    else:
                        self.fail(where, "`%s` is understood now: remove its `needs` note "
                                  "(%s)" % (text, reply))
                elif why:
                    self.fail(where, "the example `%s` %s: %s" % (text, why, reply))

    def not_understood(self, reply, verbose):
        if "result=help" in verbose:
            return "gets the help text"
        for name, pattern in self.none_templates():
            if pattern.fullmatch(reply):
                return "gets a '%s' reply" % name
        return ""

    def none_templates(self):
        if not hasattr(self, "_none"):
            self._none = []
            for f in glob.glob(os.path.join(self.src, "conf", "content", "lang-*.conf")):
                for name, tpl in re.findall(r'^\s*(\w+_none)\s*=\s*"(.*)";', open(
                        f, encoding="utf-8").read(), re.M):
                    if name in ("leave_none", "my_none"):
                        continue
                    parts = re.split(r"\{\w+\}", tpl)
                    self._none.append((name, re.compile(".*".join(map(re.escape, parts)),
                                                        re.S)))
        return self._none

    def kind_kannel(self, b, conf_blocks=()):
        if not all(os.path.exists(p) for p in ("/usr/sbin/bearerbox", "/usr/sbin/smsbox")):
            self.fail(b.where(), "Kannel is needed (make test installs kannel)")
            return
        conf = [t for t in self.conf_blocks if re.search(r"^\s*http = \{", t, re.M) or
                'transport = "kannel"' in t]
        if len(conf) < 2:
            self.fail(b.where(), "the ```kannel fragment needs the ```conf fragments that set "
                      "http and a kannel modem")
            return
        p_http, p_admin, p_box, p_smsc, p_send = free_ports(5)
        d = os.path.join(self.work, "kannel-%d" % b.line)
        os.makedirs(d)
        sub = lambda t: (t.replace("127.0.0.1:8080", "127.0.0.1:%d" % p_http)
                         .replace("127.0.0.1:13013", "127.0.0.1:%d" % p_send))
        rconf = os.path.join(d, "remitline.conf")
        with open(rconf, "w") as f:
            f.write('database = "%s/remitline.db";\npoll_interval_ms = 100;\n' % d)
            f.write("\n".join(sub(t) for t in conf) + "\n")
        os.chmod(rconf, 0o600)
        kconf = os.path.join(d, "kannel.conf")
        subprocess.run(["bash", "-c", '. "$1"; kannel_boxes "$2" "$3" "$4" "$5" "$6" "" '
                        '"sendsms-port = $7\nsendsms-interface = 127.0.0.1"', "-",
                        os.path.join(self.src, "scripts", "kannel.inc"), kconf, d,
                        str(p_admin), str(p_box), str(p_smsc), str(p_send)], check=True)
        with open(kconf, "a") as f:
            f.write("\n" + sub("\n".join(t for _, t in b.lines)) + "\n")
        procs = []
        try:
            procs.append(subprocess.Popen(["/usr/sbin/bearerbox", kconf],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            self.wait_port(p_box)
            procs.append(subprocess.Popen(["/usr/sbin/smsbox", kconf],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            log = open(os.path.join(d, "run.log"), "w")
            procs.append(subprocess.Popen([self.rl, "run", "-c", rconf], stdout=log,
                                          stderr=log))
            phones = os.path.join(d, "phones.out")
            net = subprocess.Popen([sys.executable, os.path.join(self.src, "tests", "e2e",
                                                                 "smsc.py"), str(p_smsc), phones],
                                   stdin=subprocess.PIPE, text=True, stderr=subprocess.DEVNULL)
            procs.append(net)
            if not self.wait_file(os.path.join(d, "run.log"), "modem=kannel1 state=connected"):
                self.fail(b.where(), "remitline did not reach Kannel's sendsms with these "
                          "fragments: " + open(os.path.join(d, "run.log")).read()[-600:])
                return
            net.stdin.write("+14155550100 12345 text JOIN PH\n")
            net.stdin.flush()
            self.checks += 1
            if not self.wait_file(phones, "+14155550100 text"):
                self.fail(b.where(), "a text through this Kannel fragment got no reply: see " +
                          os.path.join(d, "*.log"))
                return
            r = subprocess.run([self.rl, "broadcast", "-c", rconf, "--topic", "PH", "--text",
                                "Doc example through sendsms."], capture_output=True, text=True)
            self.checks += 1
            line = self.wait_file(phones, "Doc example through sendsms.")
            sender = re.search(r"^\s*default-sender\s*=\s*(.*)$", "\n".join(
                t for _, t in b.lines), re.M)
            if r.returncode != 0 or not line:
                self.fail(b.where(), "a broadcast through this fragment's sendsms-user did not "
                          "arrive: %s %s" % (r.stdout, r.stderr))
            else:
                came = line.split(" +14155550100 text ")[0]
                if not re.fullmatch(r"\+?[0-9A-Za-z]{1,16}", came) or (
                        sender and came != sender.group(1).strip()):
                    self.fail(b.where(), "the broadcast came from %r, not a number or short "
                              "code (kannel.conf takes no comment after a value)" % came)
        finally:
            for p in reversed(procs):
                p.terminate()
            for p in procs:
                try:
                    p.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    p.kill()

    def inline_commands(self, files):
        """`remitline CMD --opt` spans in the prose: CMD is a command and --opt one of its
        options (the tables `remitline help --options` prints), so prose cannot drift either."""
        out = subprocess.run([self.rl, "help", "--options"], capture_output=True, text=True)
        table = {}
        for line in out.stdout.splitlines():
            cmd, opt = line.split()
            table.setdefault(cmd, set()).add(opt)
        for f in files:
            if not f.endswith(".md"):
                continue
            for n, line in enumerate(open(os.path.join(self.src, f), encoding="utf-8"), 1):
                for span in re.findall(r"`((?:build/)?remitline [^`]+)`", line):
                    words = span.split()
                    if len(words) < 2 or not re.fullmatch(r"[a-z]+", words[1]):
                        continue
                    self.checks += 1
                    cmd = words[1]
                    if cmd not in table and cmd not in ("help", "version"):
                        self.fail("%s:%d" % (f, n), "`%s`: no command '%s'" % (span, cmd))
                        continue
                    for w in words[2:]:
                        o = w.split("=")[0].rstrip(".,;:)")
                        if o.startswith("--") and o not in table.get(cmd, set()) | {"--help"}:
                            self.fail("%s:%d" % (f, n), "`%s`: %s takes no %s (remitline help "
                                      "%s)" % (span, cmd, o, cmd))

    def wait_port(self, port):
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return True
            except OSError:
                time.sleep(0.1)
        return False

    def wait_file(self, path, needle, seconds=20):
        for _ in range(seconds * 10):
            try:
                for line in open(path, encoding="utf-8", errors="replace"):
                    if needle in line:
                        return line
            except FileNotFoundError:
                pass
            time.sleep(0.1)
        return ""


def exchanges(lines, prompt):
    """(line number, prompt text, the exact text after it) for each prompt line."""
    out, cur = [], None
    for n, t in lines:
        if t.startswith(prompt):
            cur = [n, t[len(prompt):], []]
            out.append(cur)
        elif cur is not None:
            cur[2].append(t)
    return [(n, text, "\n".join(body).rstrip("\n")) for n, text, body in out]


def matches(want, now):
    """want's lines equal now's, where a "..." line stands for any number of lines."""
    pat = "\n".join("(?:.*\n)*?.*" if l.strip() == "..." else
                    "[^\n]*?".join(map(re.escape, l.rstrip().split("...")))
                    for l in want.split("\n"))
    return re.fullmatch(pat, "\n".join(l.rstrip() for l in now.split("\n")), re.S) is not None


def indent(s):
    return "\n".join("    | " + l for l in (s.split("\n") if s else ["(nothing)"]))


def quote(s):
    return '"%s"' % s.replace('"', '\\"')


def main():
    rl, src, work = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]), sys.argv[3]
    files = sys.argv[4:] or (["README.md"] + sorted(
        os.path.relpath(p, src) for p in glob.glob(os.path.join(src, "docs", "man", "*.[58]"))))
    run = Run(rl, src, os.path.abspath(work))
    blocks = []
    for f in files:
        reader = read_man if re.search(r"\.[58]$", f) else read_markdown
        blocks += reader(os.path.join(src, f), f)
    run.conf_blocks = ["\n".join(t for _, t in b.lines) for b in blocks if b.info == "conf"]
    # /etc/remitline/remitline.conf in a command is a scratch copy of remitline.conf(5)'s example.
    example = [b for b in blocks if b.info == "conf" and b.path.endswith(".5")]
    with open(run.etc_conf, "w") as f:
        f.write("\n".join(t for _, t in example[0].lines) + "\n" if example else "")
    os.chmod(run.etc_conf, 0o600)
    run.inline_commands(files)
    try:
        for b in blocks:
            run.block(b)
    finally:
        run.stop_gateway()
    for s in run.skipped:
        print("not run: " + s)
    for w in run.waiting:
        print("waiting (not counted): " + w)
    if run.failures:
        print("\n%d example%s no longer match%s what the gateway does:\n" % (
            len(run.failures), "s" if len(run.failures) > 1 else "",
            "" if len(run.failures) > 1 else "es"))
        print("\n\n".join(run.failures))
        return 1
    print("%d examples checked in %s" % (run.checks, ", ".join(files)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
