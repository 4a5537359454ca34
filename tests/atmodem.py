#!/usr/bin/env python3
"""atmodem.py: a test GSM modem on a pseudo-terminal, speaking AT like a Huawei E173 dongle.

    atmodem.py serve --link PATH --control SOCK --record FILE [options]
    atmodem.py ctl SOCK COMMAND [ARGS...]
    atmodem.py count|show RECORD [EXPR]

`serve` opens a pseudo-terminal, points the symlink PATH at it, and answers the AT commands
Gammu's AT driver sends: identification, PIN, signal, registration, SMS on a SIM of --slots
locations in PDU mode (read, list, delete, send with the "> " prompt and Ctrl-Z), the SMS
centre, new-message notifications (+CMTI) and USSD (+CUSD, hex-packed as Huawei sticks do).
Every SMS-SUBMIT sent to it is decoded and appended to FILE as one JSON line. `ctl` sends one
command to a running modem's control socket and prints its answer (exit 0 on "ok"); `count`
and `show` read a record: the lines where EXPR, a Python expression over the dict r, holds
(default: r["event"] == "submit", the SMS the modem accepted).

Standard library only: the end-to-end tests run it on a fresh machine. docs/atmodem.md
describes the control commands and the record; `atmodem.py ctl SOCK help` lists the commands.
"""
import argparse
import errno
import json
import os
import pty
import select
import shlex
import socket
import sys
import termios
import time
import tty

# ---------------------------------------------------------------------------------------------
# GSM 03.38: the default alphabet and its extension table (reached through 0x1B).
GSM7 = ("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
        "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXT = {0x0A: "\f", 0x14: "^", 0x28: "{", 0x29: "}", 0x2F: "\\", 0x3C: "[", 0x3D: "~",
            0x3E: "]", 0x40: "|", 0x65: "€"}
GSM7_INDEX = {c: i for i, c in enumerate(GSM7) if i != 0x1B}
GSM7_EXT_INDEX = {v: k for k, v in GSM7_EXT.items()}


def gsm7_septets(text):
    """The septets of text, or None if a character is not in the GSM alphabet."""
    out = []
    for c in text:
        if c in GSM7_INDEX:
            out.append(GSM7_INDEX[c])
        elif c in GSM7_EXT_INDEX:
            out += [0x1B, GSM7_EXT_INDEX[c]]
        else:
            return None
    return out


def gsm7_text(septets):
    out, esc = [], False
    for s in septets:
        if esc:
            out.append(GSM7_EXT.get(s, GSM7[s]))
            esc = False
        elif s == 0x1B:
            esc = True
        else:
            out.append(GSM7[s])
    return "".join(out)


def pack7(septets, fill_bits=0):
    """Packs septets into octets, after fill_bits zero bits (the padding after a UDH)."""
    acc, nbits, out = 0, fill_bits, bytearray()
    for s in septets:
        acc |= (s & 0x7F) << nbits
        nbits += 7
        while nbits >= 8:
            out.append(acc & 0xFF)
            acc >>= 8
            nbits -= 8
    if nbits > 0:
        out.append(acc & 0xFF)
    return bytes(out)


def unpack7(data, count, fill_bits=0):
    """count septets from data, skipping fill_bits first."""
    bits = int.from_bytes(data, "little")
    return [(bits >> (fill_bits + 7 * i)) & 0x7F for i in range(count)]


def bcd_number(number):
    """An address as (digit count, type of address, swapped BCD octets)."""
    toa = 0x91 if number.startswith("+") else 0x81
    digits = number.lstrip("+")
    if not digits.isdigit():
        # Alphanumeric sender (a bank, an operator): 7-bit packed, type 0xD0.
        packed = pack7(gsm7_septets(digits) or [])
        return len(packed) * 2, 0xD0, packed
    s = digits + ("F" if len(digits) % 2 else "")
    return len(digits), toa, bytes.fromhex("".join(s[i + 1] + s[i] for i in range(0, len(s), 2)))


def read_number(pdu, pos):
    """Decodes an address at pdu[pos]: returns (number, next position)."""
    ndigits, toa = pdu[pos], pdu[pos + 1]
    nbytes = (ndigits + 1) // 2
    raw = pdu[pos + 2:pos + 2 + nbytes]
    if toa & 0x70 == 0x50:
        number = gsm7_text(unpack7(raw, ndigits * 4 // 7))
    else:
        digits = "".join("%x%x" % (b & 0x0F, b >> 4) for b in raw)[:ndigits]
        number = ("+" if toa & 0x70 == 0x10 else "") + digits.upper()
    return number, pos + 2 + nbytes


def scts(t):
    """A service-centre time stamp (7 swapped-BCD octets, UTC)."""
    tm = time.gmtime(t)
    vals = [tm.tm_year % 100, tm.tm_mon, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, 0]
    return bytes(((v % 10) << 4) | (v // 10) for v in vals)


SMSC = "+447785016005"


def smsc_field(number):
    n, toa, digits = bcd_number(number)
    return bytes([len(digits) + 1, toa]) + digits


def split_text(text, coding):
    """The parts of text: [(coding, payload units)], where units are septets or UTF-16 units."""
    if coding == "gsm7":
        sept = gsm7_septets(text)
        if len(sept) <= 160:
            return [sept]
        parts, cur = [], []
        i = 0
        while i < len(sept):
            unit = sept[i:i + 2] if sept[i] == 0x1B else sept[i:i + 1]
            if len(cur) + len(unit) > 153:
                parts.append(cur)
                cur = []
            cur += unit
            i += len(unit)
        parts.append(cur)
        return parts
    units = text.encode("utf-16-be")
    units = [units[i:i + 2] for i in range(0, len(units), 2)]
    if len(units) <= 70:
        return [units]
    parts, cur, i = [], [], 0
    while i < len(units):
        hi = int.from_bytes(units[i], "big")
        unit = units[i:i + 2] if 0xD800 <= hi < 0xDC00 else units[i:i + 1]
        if len(cur) + len(unit) > 67:
            parts.append(cur)
            cur = []
        cur += unit
        i += len(unit)
    parts.append(cur)
    return parts


def deliver_pdus(sender, text, coding=None, ref=0, t=None, ref16=False):
    """SMS-DELIVER PDUs (with the SMSC field, as +CMGL/+CMGR show them) for text from sender:
    [(hex pdu, TPDU length)], one per part."""
    if coding is None:
        coding = "gsm7" if gsm7_septets(text) is not None else "ucs2"
    if coding == "gsm7" and gsm7_septets(text) is None:
        raise ValueError("text not in the GSM 7-bit alphabet: use --ucs2")
    parts = split_text(text, coding)
    t = time.time() if t is None else t
    n, toa, digits = bcd_number(sender)
    out = []
    for i, units in enumerate(parts):
        udh = b""
        if len(parts) > 1:
            if ref16:
                udh = bytes([6, 0x08, 4, (ref >> 8) & 0xFF, ref & 0xFF, len(parts), i + 1])
            else:
                udh = bytes([5, 0x00, 3, ref & 0xFF, len(parts), i + 1])
        first = 0x04 | (0x40 if udh else 0)  # SMS-DELIVER, no more messages to send
        if coding == "gsm7":
            fill = (7 - (len(udh) * 8) % 7) % 7
            ud = udh + pack7(units, fill)
            udl = (len(udh) * 8 + fill) // 7 + len(units)
            dcs = 0x00
        else:
            ud = udh + b"".join(units)
            udl = len(ud)
            dcs = 0x08
        tpdu = bytes([first, n, toa]) + digits + bytes([0x00, dcs]) + scts(t) + bytes([udl]) + ud
        out.append(((smsc_field(SMSC) + tpdu).hex().upper(), len(tpdu)))
    return out


def deliver_8bit(sender, data, t=None):
    """One SMS-DELIVER PDU carrying 8-bit data (DCS 04: a WAP push, a ringtone, OTA settings)."""
    n, toa, digits = bcd_number(sender)
    t = time.time() if t is None else t
    tpdu = bytes([0x04, n, toa]) + digits + bytes([0x00, 0x04]) + scts(t) + bytes([len(data)]) + data
    return ((smsc_field(SMSC) + tpdu).hex().upper(), len(tpdu))


def status_report(recipient, mr, status, t=None):
    """An SMS-STATUS-REPORT PDU (GSM 03.40 9.2.2.3): the network says whether message mr to
    recipient arrived (status 0: delivered; 0x20-0x3F still trying; 0x40 and up: failed)."""
    n, toa, digits = bcd_number(recipient)
    t = time.time() if t is None else t
    tpdu = bytes([0x06, mr & 0xFF, n, toa]) + digits + scts(t) + scts(t) + bytes([status & 0xFF])
    return ((smsc_field(SMSC) + tpdu).hex().upper(), len(tpdu))


def decode_submit(hexpdu):
    """Decodes an SMS-SUBMIT PDU as Gammu sends it after AT+CMGS (SMSC field first)."""
    pdu = bytes.fromhex(hexpdu)
    pos = 1 + pdu[0]  # the SMSC field (00: the SIM's)
    first = pdu[pos]
    if first & 0x03 != 0x01:
        raise ValueError("not an SMS-SUBMIT (first octet %02X)" % first)
    mr = pdu[pos + 1]
    to, pos = read_number(pdu, pos + 2)
    pid, dcs = pdu[pos], pdu[pos + 1]
    pos += 2
    vpf = (first >> 3) & 0x03
    pos += {0: 0, 2: 1, 1: 7, 3: 7}[vpf]
    udl = pdu[pos]
    ud = pdu[pos + 1:]
    udh = None
    hdr = b""
    if first & 0x40:
        hdr = ud[:ud[0] + 1]
        i = 1
        while i < len(hdr):
            iei, ln = hdr[i], hdr[i + 1]
            data = hdr[i + 2:i + 2 + ln]
            if iei == 0x00 and ln == 3:
                udh = {"ref": data[0], "total": data[1], "part": data[2]}
            elif iei == 0x08 and ln == 4:
                udh = {"ref": (data[0] << 8) | data[1], "total": data[2], "part": data[3]}
            i += 2 + ln
    if dcs & 0xC0 == 0 or dcs & 0xF0 == 0xF0:
        alphabet = (dcs >> 2) & 0x03 if dcs & 0xF0 != 0xF0 else (dcs >> 2) & 0x01
    else:
        alphabet = (dcs >> 2) & 0x03
    if alphabet == 0:
        fill = (7 - (len(hdr) * 8) % 7) % 7 if hdr else 0
        hdr_septets = (len(hdr) * 8 + fill) // 7
        sept = unpack7(ud[len(hdr):], udl - hdr_septets, fill)
        text, coding = gsm7_text(sept), "gsm7"
    elif alphabet == 2:
        text, coding = ud[len(hdr):udl].decode("utf-16-be", "replace"), "ucs2"
    else:
        text, coding = ud[len(hdr):udl].hex(), "8bit"
    return {"to": to, "text": text, "coding": coding, "udh": udh, "srr": bool(first & 0x20),
            "pid": pid, "dcs": dcs, "gammu_mr": mr}


# ---------------------------------------------------------------------------------------------
class Modem:
    """One emulated dongle: its SIM, its link (the pseudo-terminal), and the faults to inject."""

    def __init__(self, args):
        self.args = args
        self.slots = args.slots
        self.first = 0  # Huawei sticks number SIM locations from 0 (Gammu: F_SMS_LOCATION_0)
        self.sim = {}  # location -> [stat, hex pdu, TPDU length]
        self.pending = []  # deliveries the network holds while the SIM is full
        self.memfull_said = False
        self.mr = 0
        self.send_delay = args.send_delay
        self.fail_next = 0
        self.fail_code = 500
        self.fail_cme = False
        self.fail_after = 0
        self.mute = False
        self.read_fail = False  # AT+CMGL and AT+CMGR refused: a SIM that cannot be read
        self.ussd_answer = "Your balance is 25.00 USD. Valid until 31/12/2026."
        self.ussd_mode = "answer"  # answer | none | error
        self.ussd_delay = 0.3
        self.cnmi = False
        self.echo = True
        self.pdu_mode = False
        self.charset = "IRA"
        self.cmee = 0
        self.master = self.slave = -1
        self.inbuf = b""
        self.busy_until = None  # a send in progress: (time, callback)
        self.timers = []  # (time, callback)
        self.sms_prompt = None  # length announced by AT+CMGS=n, while waiting for the PDU
        self.stats = {"commands": 0, "sent": 0, "refused": 0, "dropped": 0, "deleted": 0,
                      "read": 0, "delivered": 0, "resets": 0, "ussd": 0, "plugs": 0}
        self.next_ref = 1
        self.at_counts = {}  # commands by name ("+CSCA?", "+CMGL="), for the tests
        self.record = open(args.record, "a", buffering=1, encoding="utf-8")
        self.atlog = open(args.at_log, "a", buffering=1, encoding="utf-8") if args.at_log else None
        self.plug()

    # -- the link ---------------------------------------------------------------------------
    def plug(self):
        self.master, self.slave = pty.openpty()
        tty.setraw(self.slave)  # no echo, no line editing: a serial line, as Gammu expects
        attrs = termios.tcgetattr(self.slave)
        attrs[3] &= ~termios.ECHO
        termios.tcsetattr(self.slave, termios.TCSANOW, attrs)
        os.set_blocking(self.master, False)
        name = os.ttyname(self.slave)
        os.chmod(name, 0o666)  # the daemon may run as another user (privilege drop)
        tmp = self.args.link + ".new"
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        os.symlink(name, tmp)
        os.replace(tmp, self.args.link)  # atomically: a reader sees the old pty or the new
        self.inbuf = b""
        self.sms_prompt = None
        self.echo, self.pdu_mode, self.cnmi, self.charset = True, False, False, "IRA"
        self.stats["plugs"] += 1
        self.log("plugged in at %s" % name)

    def unplug(self):
        if self.master < 0:
            return
        if self.busy_until is not None:
            self.busy_until[2]()  # the send in progress never left: say so in the record
            self.busy_until = None
        try:
            os.unlink(self.args.link)
        except FileNotFoundError:
            pass
        os.close(self.master)
        os.close(self.slave)
        self.master = self.slave = -1
        self.log("unplugged")

    def write(self, data):
        if self.master < 0 or self.mute:
            return
        if isinstance(data, str):
            data = data.encode("latin-1")
        if self.atlog:
            self.atlog.write("%.3f > %r\n" % (time.time(), data))
        while data:
            try:
                n = os.write(self.master, data)
                data = data[n:]
            except BlockingIOError:
                select.select([], [self.master], [], 1)
            except OSError:
                return

    def respond(self, *lines, final="OK"):
        out = "".join("\r\n%s\r\n" % ln for ln in lines)
        if final:
            out += "\r\n%s\r\n" % final
        self.write(out)

    def urc(self, line):
        self.write("\r\n%s\r\n" % line)

    def log(self, msg):
        if self.args.verbose:
            print("atmodem: %s" % msg, file=sys.stderr, flush=True)

    # -- the SIM ----------------------------------------------------------------------------
    def free_location(self):
        if len(self.sim) >= self.slots:
            return None
        loc = self.first  # the lowest free location, as a SIM fills them
        while loc in self.sim:
            loc += 1
        return loc

    def land(self, pdu):
        """A PDU from the network: stored on the SIM (and announced), or held while it is full."""
        loc = self.free_location()
        if loc is None:
            self.pending.append(pdu)
            if not self.memfull_said:
                self.urc('^SMMEMFULL: "SM"')  # what a Huawei stick says when the SIM fills
                self.memfull_said = True
            return None
        self.sim[loc] = [0, pdu[0], pdu[1]]
        self.stats["delivered"] += 1
        if self.cnmi:
            self.urc('+CMTI: "SM",%d' % loc)
        return loc

    def drain_pending(self):
        """The network retries what it held once the SIM has room."""
        while self.pending and self.free_location() is not None:
            self.land(self.pending.pop(0))
        if not self.pending:
            self.memfull_said = False

    # -- AT commands ------------------------------------------------------------------------
    def feed(self, data):
        if self.atlog:
            self.atlog.write("%.3f < %r\n" % (time.time(), data))
        if self.mute:
            return  # a hung modem: what it is told goes nowhere
        self.inbuf += data
        self.process()

    def process(self):
        while self.inbuf and self.busy_until is None and self.master >= 0:
            if self.sms_prompt is not None:
                # The PDU of AT+CMGS ends with Ctrl-Z (send) or Esc (cancel).
                idx = [i for i in (self.inbuf.find(b"\x1a"), self.inbuf.find(b"\x1b")) if i >= 0]
                if not idx:
                    return
                i = min(idx)
                body, end = self.inbuf[:i], self.inbuf[i:i + 1]
                self.inbuf = self.inbuf[i + 1:]
                if self.echo:
                    self.write(body)
                if end == b"\x1b":
                    self.sms_prompt = None
                    self.respond(final="OK")
                    continue
                self.submit(body.decode("latin-1").strip())
                continue
            i = self.inbuf.find(b"\r")
            if i < 0:
                if len(self.inbuf) > 4096:
                    self.inbuf = b""
                return
            line = self.inbuf[:i].decode("latin-1")
            self.inbuf = self.inbuf[i + 1:]
            if self.inbuf.startswith(b"\n"):
                self.inbuf = self.inbuf[1:]
            line = line.strip("\n")
            if self.echo:
                self.write(line + "\r")
            if not line.strip():
                continue
            self.command(line.strip())

    def error(self, code=None, cms=False):
        if code is None or self.cmee == 0:
            self.respond(final="ERROR")
        else:
            self.respond(final="+%s ERROR: %d" % ("CMS" if cms else "CME", code))

    def command(self, line):
        self.stats["commands"] += 1
        up = line.upper()
        key = up[2:]
        for i, c in enumerate(key):
            if c in "=?":
                key = key[:i + 1]
                break
        self.at_counts[key] = self.at_counts.get(key, 0) + 1
        if not up.startswith("AT"):
            return self.error()
        body = line[2:]
        ubody = up[2:]
        if ubody == "" or ubody in ("Z", "&F", "&F0", "Z0"):
            self.echo = True
            return self.respond()
        if ubody.startswith("E") and ubody[1:] in ("", "0", "1"):
            self.echo = ubody[1:] == "1"
            return self.respond()
        if ubody in ("I", "I0"):
            return self.respond("Manufacturer: huawei", "Model: E173",
                                "Revision: 11.126.85.00.209", "IMEI: " + self.args.imei,
                                "+GCAP: +CGSM,+DS,+ES")
        simple = {
            "+CGMI": "huawei", "+GMI": "huawei", "+CGMM": "E173", "+GMM": "E173",
            "+CGMR": "11.126.85.00.209", "+GMR": "11.126.85.00.209",
            "+CGSN": self.args.imei, "+GSN": self.args.imei, "+CIMI": self.args.imsi,
            "+CPIN?": "+CPIN: READY", "+CSQ": "+CSQ: 20,99",
            "+CREG?": "+CREG: 2,1,\"3A9C\",\"07BE5F1\"", "+CGREG?": "+CGREG: 2,1,\"3A9C\",\"07BE5F1\"",
            "+CSCA?": "+CSCA: \"%s\",145" % SMSC, "+CMGF?": "+CMGF: %d" % (0 if self.pdu_mode else 1),
            "+CMGF=?": "+CMGF: (0,1)", "+CSCS?": "+CSCS: \"%s\"" % self.charset,
            "+CSCS=?": "+CSCS: (\"IRA\",\"UCS2\",\"GSM\")",
            "+CNMI=?": "+CNMI: (0,1,2),(0,1,2,3),(0,2),(0,1,2),(0,1)",
            "+CPMS=?": "+CPMS: (\"SM\"),(\"SM\"),(\"SM\")",
            "+CUSD=?": "+CUSD: (0,1,2)", "+CUSD?": "+CUSD: 1",
            "+CFUN?": "+CFUN: 1", "+CBC": "+CBC: 0,0", "+CMEE?": "+CMEE: %d" % self.cmee,
            "+CREG=?": "+CREG: (0-2)", "+CSMS?": "+CSMS: 0,1,1,1",
            "+CGATT?": "+CGATT: 1",  # Gammu's network info asks it before +CREG?
        }
        if ubody in simple:
            return self.respond(simple[ubody])
        if ubody.startswith("+CMEE="):
            self.cmee = int(ubody[6:] or 0) if ubody[6:].isdigit() else 0
            return self.respond()
        if ubody.startswith("+CMGF="):
            self.pdu_mode = ubody[6:] == "0"
            return self.respond()
        if ubody.startswith("+CSCS="):
            cs = body[6:].strip('"').upper()
            if cs not in ("IRA", "UCS2", "GSM"):
                return self.error(4)
            self.charset = cs
            return self.respond()
        if ubody.startswith("+CNMI="):
            fields = ubody[6:].split(",")
            self.cnmi = len(fields) > 1 and fields[1] in ("1", "2", "3")
            return self.respond()
        if ubody.startswith("+COPS?"):
            return self.respond("+COPS: 0,%s,2" % (
                "2,\"%s\"" % self.args.network_code if self.cops_format == 2
                else "0,\"%s\"" % self.args.network_name))
        if ubody.startswith("+COPS=3,"):
            self.cops_format = 2 if ubody.endswith("2") else 0
            return self.respond()
        if ubody.startswith("+CPMS?"):
            u = len(self.sim)
            return self.respond('+CPMS: "SM",%d,%d,"SM",%d,%d,"SM",%d,%d' % ((u, self.slots) * 3))
        if ubody.startswith("+CPMS="):
            mems = [m.strip('"') for m in ubody[6:].split(",")]
            if any(m not in ("SM",) for m in mems):
                return self.error(302, cms=True)
            u = len(self.sim)
            return self.respond("+CPMS: %d,%d,%d,%d,%d,%d" % ((u, self.slots) * 3))
        if ubody.startswith("+CMGL"):
            return self.cmgl(ubody[5:].lstrip("="))
        if ubody.startswith("+CMGR="):
            return self.cmgr(ubody[6:])
        if ubody.startswith("+CMGD="):
            return self.cmgd(ubody[6:])
        if ubody.startswith("+CMGS="):
            if not self.pdu_mode:
                return self.error(302, cms=True)
            self.sms_prompt = ubody[6:]
            return self.write("\r\n> ")
        if ubody.startswith("+CUSD="):
            return self.cusd(body[6:])
        if ubody.startswith("+CFUN=1,1"):
            self.stats["resets"] += 1
            return self.respond()
        if ubody.startswith(("^CURC=", "+CFUN=", "+CREG=", "+CGREG=", "+CSMS=", "+CSDH=",
                             "+CMMS=", "^SYSCFG", "^PORTSEL=", "+CLIP=", "+CRC=", "+CCWA=", "+CSSN=")):
            return self.respond()
        return self.error()

    cops_format = 0

    def cmgl(self, arg):
        if not self.pdu_mode:
            return self.error(302, cms=True)
        if self.read_fail:
            return self.error(500, cms=True)
        want = arg.strip().strip('"')
        lines = []
        for loc in sorted(self.sim):
            stat, pdu, ln = self.sim[loc]
            if want not in ("4", "") and want != str(stat):
                continue
            lines += ["+CMGL: %d,%d,,%d" % (loc, stat, ln), pdu]
            self.sim[loc][0] = 1 if stat == 0 else stat
            self.stats["read"] += 1
        return self.respond(*lines)

    def cmgr(self, arg):
        if not self.pdu_mode:
            return self.error(302, cms=True)
        if self.read_fail:
            return self.error(500, cms=True)
        try:
            loc = int(arg)
        except ValueError:
            return self.error(4)
        if loc < self.first or loc >= self.first + max(self.slots, len(self.sim)):
            return self.error(321, cms=True)
        if loc not in self.sim:
            return self.respond()  # an empty location: OK and nothing (as Huawei sticks do)
        stat, pdu, ln = self.sim[loc]
        self.sim[loc][0] = 1 if stat == 0 else stat
        self.stats["read"] += 1
        return self.respond("+CMGR: %d,,%d" % (stat, ln), pdu)

    def cmgd(self, arg):
        try:
            loc = int(arg.split(",")[0])
        except ValueError:
            return self.error(4)
        if loc < self.first or loc >= self.first + max(self.slots, len(self.sim)):
            return self.error(321, cms=True)
        if self.sim.pop(loc, None) is not None:
            self.stats["deleted"] += 1
        self.respond()
        if self.pending:
            self.at(time.time() + self.args.network_retry, self.drain_pending)

    def submit(self, hexpdu):
        self.sms_prompt = None
        try:
            rec = decode_submit(hexpdu)
        except (ValueError, IndexError) as e:
            self.log("bad PDU %r: %s" % (hexpdu, e))
            return self.error(304, cms=True)
        rec["time"] = round(time.time(), 3)
        rec["iso"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        rec["modem"] = self.args.name

        if self.fail_next > 0 and self.fail_after > 0:
            self.fail_after -= 1
            refuse = False
        else:
            refuse = self.fail_next > 0
        if refuse:
            self.fail_next -= 1
            rec.update(event="refused", error=self.fail_code)

            def done():
                self.busy_until = None
                self.stats["refused"] += 1
                self.put(rec)
                self.error(self.fail_code, cms=not self.fail_cme)
                self.process()
        else:
            self.mr = (self.mr + 1) % 256

            def done():
                self.busy_until = None
                self.stats["sent"] += 1
                rec.update(event="submit", mr=self.mr)
                self.put(rec)
                self.respond("+CMGS: %d" % self.mr)
                self.process()

        def dropped():
            self.stats["dropped"] += 1
            rec.update(event="dropped")
            self.put(rec)
        self.busy_until = (time.time() + self.send_delay, done, dropped)

    def put(self, rec):
        self.record.write(json.dumps(rec, ensure_ascii=False) + "\n")

    def cusd(self, arg):
        parts = [p.strip() for p in arg.split(",")]
        if len(parts) < 2 or parts[0] == "2":
            return self.respond()  # presentation on/off, or cancel the session: no request
        code = parts[1].strip('"')
        try:  # Huawei sticks take the code as hex-packed GSM 7-bit (Gammu: F_ENCODED_USSD)
            raw = bytes.fromhex(code)
            code = gsm7_text([s for s in unpack7(raw, len(raw) * 8 // 7) if s] or [])
        except ValueError:
            pass
        self.stats["ussd"] += 1
        self.put({"event": "ussd", "code": code, "time": round(time.time(), 3),
                  "modem": self.args.name})
        if self.ussd_mode == "error":
            return self.error(100)
        self.respond()
        if self.ussd_mode == "answer":
            sept = gsm7_septets(self.ussd_answer)
            if sept is None:
                payload, dcs = self.ussd_answer.encode("utf-16-be").hex().upper(), 72
            else:
                payload, dcs = pack7(sept).hex().upper(), 15
            self.at(time.time() + self.ussd_delay,
                    lambda: self.urc('+CUSD: 0,"%s",%d' % (payload, dcs)))

    def at(self, when, fn):
        self.timers.append((when, fn))

    # -- the control channel ----------------------------------------------------------------
    def control(self, line):
        try:
            argv = shlex.split(line)
        except ValueError as e:
            return "err %s" % e
        if not argv:
            return "err empty command"
        cmd, rest = argv[0], argv[1:]
        try:
            fn = getattr(self, "ctl_" + cmd.replace("-", "_"))
        except AttributeError:
            return "err unknown command %r (try help)" % cmd
        try:
            out = fn(rest)
        except (ValueError, IndexError) as e:
            return "err %s: %s" % (cmd, e)
        return "ok" + ((" " + out) if out else "")

    def ctl_help(self, rest):
        """help: this list"""
        return " | ".join(getattr(self, n).__doc__ for n in sorted(dir(self))
                          if n.startswith("ctl_"))

    def ctl_sms(self, rest):
        """sms [--ucs2|--gsm7] [--ref N] [--order 2,0,1] [--only 0,2] [--at UNIXTIME] FROM TEXT:
put a text on the SIM (parts in the given order; --only some of them)"""
        p = argparse.ArgumentParser(prog="sms", add_help=False, exit_on_error=False)
        p.add_argument("--ucs2", action="store_const", const="ucs2", dest="coding")
        p.add_argument("--gsm7", action="store_const", const="gsm7", dest="coding")
        p.add_argument("--ref", type=int)
        p.add_argument("--ref16", action="store_true")
        p.add_argument("--order")
        p.add_argument("--only")
        p.add_argument("--at", type=float)
        p.add_argument("sender")
        p.add_argument("text")
        try:
            a = p.parse_args(rest)
        except (argparse.ArgumentError, SystemExit) as e:
            raise ValueError("usage: %s" % self.ctl_sms.__doc__.split(":")[0]) from e
        ref = a.ref if a.ref is not None else self.next_ref
        self.next_ref = (ref + 1) % 256 or 1
        pdus = deliver_pdus(a.sender, a.text, a.coding, ref, a.at, a.ref16)
        order = [int(x) for x in a.order.split(",")] if a.order else list(range(len(pdus)))
        if sorted(order) != list(range(len(pdus))):
            raise ValueError("--order must name each of the %d parts once" % len(pdus))
        if a.only:
            keep = {int(x) for x in a.only.split(",")}
            order = [i for i in order if i in keep]
        locs = [self.land(pdus[i]) for i in order]
        return "parts=%d ref=%d locations=%s" % (
            len(pdus), ref, ",".join("held" if x is None else str(x) for x in locs))

    def ctl_binary(self, rest):
        """binary FROM HEXDATA: put an 8-bit SMS (DCS 04, a WAP push or OTA settings) on the SIM"""
        loc = self.land(deliver_8bit(rest[0], bytes.fromhex(rest[1])))
        return "locations=%s" % ("held" if loc is None else loc)

    def ctl_report(self, rest):
        """report TO MR [STATUS]: put a status report for message MR to TO on the SIM (STATUS 0
delivered, default; 64 failed), announced with +CDSI"""
        pdu = status_report(rest[0], int(rest[1]), int(rest[2]) if len(rest) > 2 else 0)
        loc = self.free_location()
        if loc is None:
            raise ValueError("the SIM is full")
        self.sim[loc] = [0, pdu[0], pdu[1]]
        if self.cnmi:
            self.urc('+CDSI: "SM",%d' % loc)
        return "locations=%d" % loc

    def ctl_readfail(self, rest):
        """readfail on|off: AT+CMGL and AT+CMGR answer +CMS ERROR: 500 (a SIM that cannot be read)"""
        self.read_fail = (rest[0] if rest else "on") == "on"

    def ctl_delay(self, rest):
        """delay SECONDS: each send takes this long before +CMGS answers"""
        self.send_delay = float(rest[0])

    def ctl_fail(self, rest):
        """fail N [CODE] [--cme] [--after K]: the next N sends (after K more succeed) answer
+CMS ERROR: CODE (default 500), or +CME ERROR: CODE"""
        self.fail_cme = "--cme" in rest
        rest = [r for r in rest if r != "--cme"]
        self.fail_after = 0
        if "--after" in rest:
            i = rest.index("--after")
            self.fail_after = int(rest[i + 1])
            del rest[i:i + 2]
        self.fail_next = int(rest[0])
        self.fail_code = int(rest[1]) if len(rest) > 1 else 500

    def ctl_slots(self, rest):
        """slots N: the SIM holds N messages"""
        self.slots = int(rest[0])
        self.drain_pending()

    def ctl_urc(self, rest):
        """urc LINE: send an unsolicited line now (^CEND:1,0,104,16; ^RSSI:17; ^BOOT:...)"""
        self.urc(" ".join(rest))

    def ctl_mute(self, rest):
        """mute on|off: stop answering anything (input is discarded), or answer again"""
        self.mute = (rest[0] if rest else "on") == "on"
        self.inbuf = b""

    def ctl_ussd(self, rest):
        """ussd TEXT | ussd --none | ussd --error: how the next USSD requests are answered"""
        if rest and rest[0] == "--none":
            self.ussd_mode = "none"
        elif rest and rest[0] == "--error":
            self.ussd_mode = "error"
        else:
            self.ussd_mode, self.ussd_answer = "answer", " ".join(rest)

    def ctl_unplug(self, rest):
        """unplug [--taken] [SECONDS]: close the pseudo-terminal and remove the link (replug after
SECONDS); with --taken a send in progress has left (recorded as submit) though never answered"""
        if "--taken" in rest:
            rest = [r for r in rest if r != "--taken"]
            if self.busy_until is not None:
                self.mute = True  # its +CMGS goes nowhere
                self.busy_until[1]()
                self.mute = False
        self.unplug()
        if rest:
            self.at(time.time() + float(rest[0]), self.plug)

    def ctl_replug(self, rest):
        """replug: a new pseudo-terminal behind the same link"""
        if self.master >= 0:
            self.unplug()
        self.plug()

    def ctl_status(self, rest):
        """status: JSON with the SIM's use, the held deliveries and the counters"""
        st = dict(self.stats, sim=len(self.sim), slots=self.slots, pending=len(self.pending),
                  plugged=self.master >= 0, muted=self.mute, sending=self.busy_until is not None, unread=sum(
                      1 for v in self.sim.values() if v[0] == 0), at=self.at_counts,
                  send_left=round(max(0.0, self.busy_until[0] - time.time()), 1) if self.busy_until else 0)
        return json.dumps(st)

    def ctl_sim(self, rest):
        """sim: the SIM's locations, as JSON"""
        return json.dumps({str(k): {"stat": v[0], "pdu": v[1]} for k, v in sorted(self.sim.items())})

    def ctl_quit(self, rest):
        """quit: stop the modem (its link is removed)"""
        self.quitting = True

    quitting = False

    # -- the loop ---------------------------------------------------------------------------
    def run(self, srv):
        clients = {}
        while not self.quitting:
            now = time.time()
            due = [t for t in self.timers if t[0] <= now]
            self.timers = [t for t in self.timers if t[0] > now]
            for _, fn in sorted(due, key=lambda t: t[0]):
                fn()
            if self.busy_until is not None and self.busy_until[0] <= now:
                self.busy_until[1]()
            waits = [t[0] for t in self.timers]
            if self.busy_until is not None:
                waits.append(self.busy_until[0])
            timeout = max(0.0, min(waits) - time.time()) if waits else 1.0
            rl = [srv] + list(clients)
            if self.master >= 0:
                rl.append(self.master)
            try:
                ready, _, _ = select.select(rl, [], [], min(timeout, 1.0))
            except InterruptedError:
                continue
            for fd in ready:
                if fd is srv:
                    c, _ = srv.accept()
                    clients[c] = b""
                elif fd == self.master:
                    try:
                        data = os.read(self.master, 4096)
                    except OSError as e:
                        if e.errno in (errno.EAGAIN, errno.EIO):
                            continue
                        raise
                    if data:
                        self.feed(data)
                else:
                    try:
                        data = fd.recv(4096)
                    except OSError:
                        data = b""
                    if not data:
                        fd.close()
                        del clients[fd]
                        continue
                    clients[fd] += data
                    while b"\n" in clients[fd]:
                        line, clients[fd] = clients[fd].split(b"\n", 1)
                        reply = self.control(line.decode("utf-8", "replace"))
                        try:
                            fd.sendall((reply + "\n").encode("utf-8"))
                        except OSError:
                            pass
        self.unplug()


def sock_addr(path):
    """A Unix socket path short enough for sun_path (108 bytes): a long one is reached from its
    directory (the caller's working directory changes)."""
    if len(os.fsencode(path)) < 100:
        return path
    os.chdir(os.path.dirname(os.path.abspath(path)))
    return os.path.basename(path)


def serve(args):
    for a in ("link", "control", "record", "at_log"):
        if getattr(args, a):
            setattr(args, a, os.path.abspath(getattr(args, a)))
    try:
        os.unlink(args.control)
    except FileNotFoundError:
        pass
    modem = Modem(args)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(sock_addr(args.control))
    srv.listen(8)
    print("atmodem %s: ready at %s (control %s)" % (args.name, args.link, args.control),
          flush=True)
    try:
        modem.run(srv)
    except KeyboardInterrupt:
        modem.unplug()
    finally:
        srv.close()
        try:
            os.unlink(args.control)
        except FileNotFoundError:
            pass


def ctl(sock, words):
    """Sends one command; waits up to 10 s for the modem's socket to appear."""
    deadline = time.time() + 10
    addr = sock_addr(sock)
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(addr)
            break
        except (FileNotFoundError, ConnectionRefusedError):
            s.close()
            if time.time() > deadline:
                print("err no test modem at %s" % sock)
                return 1
            time.sleep(0.05)
    s.sendall((" ".join(shlex.quote(w) for w in words) + "\n").encode("utf-8"))
    buf = b""
    while not buf.endswith(b"\n"):
        d = s.recv(65536)
        if not d:
            break
        buf += d
    s.close()
    reply = buf.decode("utf-8").strip()
    print(reply)
    return 0 if reply.startswith("ok") else 1


def query(mode, record, expr):
    """count/show: the records where expr (a Python expression over r) holds."""
    rows = []
    try:
        with open(record, encoding="utf-8") as f:
            rows = [json.loads(ln) for ln in f if ln.strip()]
    except FileNotFoundError:
        pass
    hits = [r for r in rows if eval(expr, {}, {"r": r})]  # the tests' own expressions
    if mode == "count":
        print(len(hits))
    else:
        for r in hits:
            print(json.dumps(r, ensure_ascii=False))
    return 0


def main():
    if len(sys.argv) > 2 and sys.argv[1] in ("count", "show"):
        expr = sys.argv[3] if len(sys.argv) > 3 else 'r["event"] == "submit"'
        return query(sys.argv[1], sys.argv[2], expr)
    if len(sys.argv) > 1 and sys.argv[1] == "ctl":
        if len(sys.argv) < 4:
            print("usage: atmodem.py ctl SOCK COMMAND [ARGS...]", file=sys.stderr)
            return 2
        return ctl(sys.argv[2], sys.argv[3:])
    p = argparse.ArgumentParser(description="A test GSM modem (Huawei E173-like) on a pty.")
    p.add_argument("mode", choices=["serve"])
    p.add_argument("--link", required=True, help="the symlink to point at the pseudo-terminal")
    p.add_argument("--control", required=True, help="the control socket (a Unix socket path)")
    p.add_argument("--record", required=True, help="JSON lines: every SMS sent to the modem")
    p.add_argument("--at-log", help="every byte in and out, for debugging")
    p.add_argument("--slots", type=int, default=30, help="SIM message locations (30)")
    p.add_argument("--send-delay", type=float, default=0.0, help="seconds each send takes")
    p.add_argument("--network-retry", type=float, default=0.2,
                   help="seconds before the network retries what a full SIM refused")
    p.add_argument("--name", default="atmodem")
    p.add_argument("--imei", default="861234010000001")
    p.add_argument("--imsi", default="515029900000001")
    p.add_argument("--network-code", default="51502")
    p.add_argument("--network-name", default="TestNet")
    p.add_argument("--verbose", action="store_true")
    args = p.parse_args()
    serve(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
