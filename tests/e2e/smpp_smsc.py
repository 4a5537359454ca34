#!/usr/bin/env python3
"""A phone network for the delivery-report tests: a small SMSC speaking SMPP 3.4 (server side),
enough for Kannel's smsc = smpp in transceiver mode. Kannel's own fakesmsc sends no report of
delivery to a phone, so this one does, with the outcome the test chose for each number.

usage: smpp_smsc.py PORT LOG RULES RELEASE
  RULES    "DIGITS:OUTCOME,..." by the last digit of the destination, e.g.
           "0123456:delivered,7:failed,8:expired,9:delayed"; a digit with no rule: delivered.
           delivered  receipt stat:DELIVRD err:000        (Kannel's %d = 1)
           failed     receipt stat:UNDELIV err:001        (2)
           expired    receipt stat:EXPIRED err:000        (2)
           delayed    held until the file RELEASE exists, then delivered
           rejected   submit_sm_resp with ESME_RINVDSTADR, no receipt (Kannel says 16)
  LOG      one line a PDU of interest, flushed: "submit id=ID to=NUMBER outcome=OUTCOME",
           "report id=ID stat=STAT" (the receipt went), "bind", "unbind".
Receipts go only for a submit_sm that asked for one (registered_delivery & 1), and only while
Kannel is bound; one not acknowledged by deliver_sm_resp is sent again when Kannel binds again.
Exits after 600 s (the test kills it sooner).
"""
import os
import select
import socket
import struct
import sys
import time

BIND_TRX, BIND_TRX_RESP = 0x00000009, 0x80000009
BIND_TX, BIND_RX = 0x00000002, 0x00000001
SUBMIT, SUBMIT_RESP = 0x00000004, 0x80000004
DELIVER, DELIVER_RESP = 0x00000005, 0x80000005
ENQUIRE, ENQUIRE_RESP = 0x00000015, 0x80000015
UNBIND, UNBIND_RESP = 0x00000006, 0x80000006
GENERIC_NACK = 0x80000000
STAT = {"delivered": ("DELIVRD", "000"), "failed": ("UNDELIV", "001"),
        "expired": ("EXPIRED", "000"), "delayed": ("DELIVRD", "000")}


def cstr(body, i):
    end = body.index(b"\0", i)
    return body[i:end].decode("latin-1"), end + 1


def pdu(cmd, status, seq, body=b""):
    return struct.pack(">IIII", 16 + len(body), cmd, status, seq) + body


class Smsc:
    def __init__(self, rules, release, log):
        self.rules, self.release, self.log = rules, release, log
        self.conn, self.buf, self.seq, self.next_id = None, b"", 1, 1000001
        self.held = []      # (id, to, src, outcome) waiting for RELEASE
        self.unacked = {}   # our deliver_sm sequence -> receipt, to resend after a rebind
        self.todo = []      # receipts to send now

    def say(self, line):
        self.log.write(line + "\n")
        self.log.flush()

    def outcome(self, to):
        return self.rules.get(to[-1:], "delivered")

    def receipt(self, mid, to, src, outcome):
        stat, err = STAT[outcome]
        now = time.strftime("%y%m%d%H%M")
        text = ("id:%s sub:001 dlvrd:%s submit date:%s done date:%s stat:%s err:%s text:"
                % (mid, "001" if stat == "DELIVRD" else "000", now, now, stat, err))
        body = (b"\0" + bytes([1, 1]) + to.encode() + b"\0" + bytes([1, 1]) + src.encode() +
                b"\0" + bytes([0x04, 0, 0]) + b"\0\0" + bytes([0, 0, 0, 0, len(text)]) +
                text.encode())
        return (mid, stat, body)

    def send_receipts(self):
        if self.conn is None:
            return
        if self.held and os.path.exists(self.release):
            self.todo += [self.receipt(*h) for h in self.held]
            self.held = []
        while self.todo:
            mid, stat, body = self.todo.pop(0)
            self.seq += 1
            self.unacked[self.seq] = (mid, stat, body)
            self.conn.sendall(pdu(DELIVER, 0, self.seq, body))
            self.say("report id=%s stat=%s" % (mid, stat))

    def handle(self, cmd, seq, body):
        if cmd in (BIND_TRX, BIND_TX, BIND_RX):
            self.conn.sendall(pdu(cmd | 0x80000000, 0, seq, b"smsc\0"))
            self.say("bind")
            # Receipts Kannel never acknowledged go again.
            self.todo = list(self.unacked.values()) + self.todo
            self.unacked = {}
        elif cmd == ENQUIRE:
            self.conn.sendall(pdu(ENQUIRE_RESP, 0, seq))
        elif cmd == UNBIND:
            self.conn.sendall(pdu(UNBIND_RESP, 0, seq))
            self.say("unbind")
        elif cmd == DELIVER_RESP:
            self.unacked.pop(seq, None)
        elif cmd == SUBMIT:
            _, i = cstr(body, 0)
            i += 2
            src, i = cstr(body, i)
            i += 2
            to, i = cstr(body, i)
            i += 3
            _, i = cstr(body, i)
            _, i = cstr(body, i)
            registered = body[i]
            outcome = self.outcome(to)
            if outcome == "rejected":
                self.conn.sendall(pdu(SUBMIT_RESP, 0x0000000B, seq, b"\0"))
                self.say("submit id=- to=%s outcome=rejected" % to)
                return
            mid = str(self.next_id)
            self.next_id += 1
            self.conn.sendall(pdu(SUBMIT_RESP, 0, seq, mid.encode() + b"\0"))
            self.say("submit id=%s to=%s outcome=%s" % (mid, to, outcome))
            if registered & 1:
                if outcome == "delayed":
                    self.held.append((mid, to, src, outcome))
                else:
                    self.todo.append(self.receipt(mid, to, src, outcome))
        elif not cmd & 0x80000000:
            self.conn.sendall(pdu(GENERIC_NACK, 0x00000003, seq))


def main():
    port, log_path, rules_s, release = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    rules = {}
    for rule in filter(None, rules_s.split(",")):
        digits, outcome = rule.split(":")
        if outcome not in STAT and outcome != "rejected":
            sys.exit("smpp_smsc.py: unknown outcome %s" % outcome)
        for d in digits:
            rules[d] = outcome
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(4)
    smsc = Smsc(rules, release, open(log_path, "a", encoding="utf-8"))
    deadline = time.time() + 600
    while time.time() < deadline:
        fds = [srv] + ([smsc.conn] if smsc.conn else [])
        ready, _, _ = select.select(fds, [], [], 0.1)
        if srv in ready:
            conn, _ = srv.accept()
            if smsc.conn:
                smsc.conn.close()
            smsc.conn, smsc.buf = conn, b""
        if smsc.conn and smsc.conn in ready:
            data = smsc.conn.recv(65536)
            if not data:
                smsc.conn.close()
                smsc.conn = None
                continue
            smsc.buf += data
            while len(smsc.buf) >= 16:
                length, cmd, _, seq = struct.unpack(">IIII", smsc.buf[:16])
                if len(smsc.buf) < length:
                    break
                body, smsc.buf = smsc.buf[16:length], smsc.buf[length:]
                smsc.handle(cmd, seq, body)
        smsc.send_receipts()


if __name__ == "__main__":
    main()
