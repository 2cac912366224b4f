# SPDX-License-Identifier: GPL-2.0
"""Helpers for the xdpdnsd integration tests (tests/integration/daemon_*.t):
TAP output, a private network namespace, the daemon under test, its control
socket, and fake upstreams that misbehave on purpose."""

import json
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

import dns.exception
import dns.flags
import dns.name
import dns.query
import dns.message
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
XDPDNSD = os.environ.get("XDPDNSD", os.path.join(ROOT, "xdpdnsd"))


class Tap:
    """Minimal TAP producer."""

    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, desc):
        self.n += 1
        if not cond:
            self.failed += 1
        print("%sok %d - %s" % ("" if cond else "not ", self.n, desc), flush=True)
        return cond

    def is_(self, got, want, desc):
        if not self.ok(got == want, desc):
            self.diag("got %r, want %r" % (got, want))

    def diag(self, text):
        for line in str(text).splitlines():
            print("# " + line, flush=True)

    def done(self):
        print("1..%d" % self.n, flush=True)
        return 1 if self.failed else 0


def skip_all(reason):
    print("1..0 # SKIP " + reason)
    sys.exit(0)


def run_in_netns(script, name):
    """Outer half: create a namespace, run @script --inner inside it with
    nsenter (not ip netns exec, which remounts /sys), always delete it."""
    if os.geteuid() != 0:
        skip_all("needs root")
    if not os.access(XDPDNSD, os.X_OK):
        skip_all("%s not built" % XDPDNSD)
    ns = "%s-%d" % (name, os.getpid())
    subprocess.run(["ip", "netns", "add", ns], check=True)
    try:
        subprocess.run(["ip", "-n", ns, "link", "set", "lo", "up"], check=True)
        rc = subprocess.run(["nsenter", "--net=/run/netns/" + ns,
                             "/usr/bin/python3", script, "--inner"]).returncode
    finally:
        subprocess.run(["ip", "netns", "del", ns])
    sys.exit(rc)


class Daemon:
    """xdpdnsd under test, in the current network namespace."""

    def __init__(self, workdir, args, config=None, prefix=None, control_flag=True):
        """@control_flag False: the control socket comes from @config
        (control-socket: WORKDIR/control.sock), so that a reload can move
        it; set self.ctl when it moves."""
        self.prefix = list(prefix or [])
        self.control_flag = control_flag
        self.workdir = workdir
        os.makedirs(workdir, exist_ok=True)
        self.ctl = os.path.join(workdir, "control.sock")
        self.log = os.path.join(workdir, "xdpdnsd.log")
        self.args = list(args)
        # Tests without anchors mean a plain forwarder, also where the
        # root's anchors are installed as the default.
        if ("--trust-anchor" not in self.args and "--no-validation" not in self.args
                and "trust-anchors" not in (config or "")):
            self.args.append("--no-validation")
        if config is not None:
            path = os.path.join(workdir, "xdpdnsd.yaml")
            with open(path, "w") as f:
                f.write(config)
            self.args += ["--config", path]
        self.proc = None

    def start(self):
        logf = open(self.log, "a")
        flag = ["--control-socket", self.ctl] if self.control_flag else []
        self.proc = subprocess.Popen(self.prefix + [XDPDNSD] + flag + self.args,
                                     stdout=logf, stderr=logf)
        logf.close()
        deadline = time.time() + 10
        while time.time() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                if self.control("version").get("ok"):
                    return True
            except OSError:
                pass
            time.sleep(0.05)
        return False

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def control(self, cmd, **kw):
        req = dict(cmd=cmd, **kw)
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(10)    # a loaded 2-core machine can stall a thread
        try:
            s.connect(self.ctl)
            s.sendall((json.dumps(req) + "\n").encode())
            buf = b""
            while not buf.endswith(b"\n"):
                chunk = s.recv(65536)
                if not chunk:
                    break
                buf += chunk
        finally:
            s.close()
        return json.loads(buf.decode())

    def stats(self):
        return self.control("stats")["result"]

    def send_signal(self, sig):
        self.proc.send_signal(sig)

    def stop(self, sig=signal.SIGTERM, timeout=10):
        """Stop the daemon; return its exit status (None if it hung)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None

    def logtext(self):
        with open(self.log) as f:
            return f.read()


def query(server, name, rdtype="A", tcp=False, port=53, edns=True, dnssec=False,
          payload=1232, timeout=5.0, cd=False):
    """One query with dnspython; returns the response or None on timeout."""
    if edns:
        q = dns.message.make_query(name, rdtype, use_edns=0, payload=payload,
                                   want_dnssec=dnssec)
    else:
        q = dns.message.make_query(name, rdtype, use_edns=False)
    if cd:
        q.flags |= dns.flags.CD
    try:
        if tcp:
            return dns.query.tcp(q, server, port=port, timeout=timeout)
        return dns.query.udp(q, server, port=port, timeout=timeout,
                             ignore_trailing=True, raise_on_truncation=False)
    except (dns.exception.DNSException, OSError):
        # Timeouts, and answers from another address (UnexpectedSource).
        return None


def ede_codes(resp):
    """The EDE info codes of a response (RFC 8914)."""
    codes = []
    for opt in resp.options if resp is not None else []:
        if opt.otype == 15:
            codes.append(int(opt.code))
    return codes


def addresses(resp):
    out = []
    for rrset in resp.answer if resp is not None else []:
        for rd in rrset:
            if rrset.rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA):
                out.append(rd.address)
    return out


def tcp_frames(buf):
    """The complete length-prefixed messages at the start of @buf (RFC
    1035 4.2.2) and the rest: (list of wire messages, remaining bytes)."""
    msgs = []
    while len(buf) >= 2 and len(buf) >= 2 + struct.unpack("!H", buf[:2])[0]:
        n = struct.unpack("!H", buf[:2])[0]
        msgs.append(buf[2:2 + n])
        buf = buf[2 + n:]
    return msgs, buf


def tcp_pipeline(server, queries, timeout=5):
    """Send @queries (dns.message) in one write on one TCP connection and
    read answers until one per query came or @timeout passed: the parsed
    answers, in the order they arrived."""
    s = socket.create_connection((server, 53), timeout=timeout)
    s.sendall(b"".join(struct.pack("!H", len(w)) + w
                       for w in (q.to_wire() for q in queries)))
    got, buf = [], b""
    deadline = time.time() + timeout
    while len(got) < len(queries) and time.time() < deadline:
        try:
            chunk = s.recv(65535)
        except socket.timeout:
            break
        if not chunk:
            break
        msgs, buf = tcp_frames(buf + chunk)
        got += [dns.message.from_wire(m) for m in msgs]
    s.close()
    return got


def udp_load(server, count, prefix="load", port=53):
    """@count queries (PREFIXi.example. A, ID i), one at a time from one
    socket; a list of booleans: answered with GENUINE and the right ID."""
    results = []
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(3)
    for i in range(count):
        w = dns.message.make_query("%s%d.example." % (prefix, i), "A", id=i).to_wire()
        s.sendto(w, (server, port))
        try:
            m = dns.message.from_wire(s.recv(65535))
            results.append(m.id == i and addresses(m) == [GENUINE])
        except (socket.timeout, OSError, dns.exception.DNSException):
            results.append(False)
    s.close()
    return results


def stop_all(t, daemons):
    """SIGTERM every running daemon; a failing TAP line for each that does
    not exit 0."""
    for d in daemons:
        if d.alive():
            rc = d.stop()
            if rc != 0:
                t.ok(False, "%s exited %s" % (d.workdir, rc))
                t.diag(d.logtext()[-2000:])


def sanitizer_check(t, daemons):
    """One TAP line: no ASan/UBSan report in any daemon's log."""
    errors = [d for d in daemons if os.path.exists(d.log) and
              ("Sanitizer" in d.logtext() or "runtime error" in d.logtext())]
    t.ok(not errors, "no sanitizer report in any daemon log")
    for d in errors:
        t.diag(d.logtext()[-4000:])


def unbound_conf(workdir, server_lines):
    """Write WORKDIR/unbound.conf for a test unbound in the foreground
    (no chroot, no daemon, log to WORKDIR/unbound.log, iterator only, no
    remote control) with @server_lines (interfaces, zones) added to its
    server: clause; return the path."""
    conf = os.path.join(workdir, "unbound.conf")
    with open(conf, "w") as f:
        f.write("""server:
  do-daemonize: no
  username: ""
  chroot: ""
  directory: "%(w)s"
  pidfile: ""
  use-syslog: no
  logfile: "%(w)s/unbound.log"
  access-control: 127.0.0.0/8 allow
  module-config: "iterator"
%(l)sremote-control:
  control-enable: no
""" % dict(w=workdir, l="".join("  %s\n" % x for x in server_lines)))
    return conf


FORGED = "6.6.6.6"
GENUINE = "192.0.2.1"
BIG_TXT = ["x" * 200] * 8
FAKE_RRSIG = ("A 13 3 300 20990101000000 20200101000000 4711 example. "
              "dGhpcyBpcyBub3QgYSByZWFsIHNpZ25hdHVyZSBidXQgbG9uZyBlbm91Z2g=")


class FakeUpstream:
    """A DNS server on UDP and TCP that answers every name itself.

    mode: normal, silent (reads and drops), slow (answers after @delay),
    spoof-id, spoof-port, spoof-question (first a forged answer carrying
    FORGED, then the genuine one after 50 ms).
    Names: nx* -> NXDOMAIN with SOA; big* -> 8 TXT of 200 octets;
    signed* -> A plus an RRSIG; delayN-* -> answer after N*10 ms;
    anything else -> A 192.0.2.1. @count holds the query IDs seen per
    lowercased name (a retransmission with the same ID counts once);
    @tcp_conns the TCP connections accepted.
    """

    def __init__(self, addr, port=53, mode="normal", delay=0.0):
        self.addr, self.port, self.mode, self.delay = addr, port, mode, delay
        self.count = {}
        self.tcp_conns = 0
        self.lock = threading.Lock()
        self.stop_flag = False
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind((addr, port))
        self.udp.settimeout(0.2)
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.tcp.bind((addr, port))
        self.tcp.listen(64)
        self.tcp.settimeout(0.2)
        self.threads = [threading.Thread(target=self._udp_loop, daemon=True),
                        threading.Thread(target=self._tcp_loop, daemon=True)]
        for t in self.threads:
            t.start()

    def total(self):
        with self.lock:
            return sum(len(ids) for ids in self.count.values())

    def queries_for(self, name):
        with self.lock:
            return len(self.count.get(name.lower().rstrip(".") + ".", ()))

    def close(self):
        self.stop_flag = True
        for t in self.threads:
            t.join(2)
        self.udp.close()
        self.tcp.close()

    def _answer(self, q, qname_override=None, addr=GENUINE):
        r = dns.message.make_response(q)
        r.flags |= dns.flags.RA
        qn = q.question[0].name
        text = qn.to_text().lower()
        if text.startswith("nx"):
            r.set_rcode(dns.rcode.NXDOMAIN)
            r.authority.append(dns.rrset.from_text(
                "example.", 300, "IN", "SOA",
                "ns.example. h.example. 1 3600 600 86400 60"))
        elif text.startswith("big"):
            r.answer.append(dns.rrset.from_text_list(
                qn, 300, "IN", "TXT", ['"%s%d"' % (t, i) for i, t in enumerate(BIG_TXT)]))
        elif q.question[0].rdtype == dns.rdatatype.A:
            r.answer.append(dns.rrset.from_text(qn, 300, "IN", "A", addr))
            if text.startswith("signed"):
                r.answer.append(dns.rrset.from_text(qn, 300, "IN", "RRSIG", FAKE_RRSIG))
        if qname_override is not None:
            r.question[0] = dns.rrset.RRset(dns.name.from_text(qname_override),
                                            q.question[0].rdclass, q.question[0].rdtype)
        return r

    def _wire(self, r, limit):
        w = r.to_wire(max_size=65535)
        if limit and len(w) > limit:
            r.answer = []
            r.flags |= dns.flags.TC
            w = r.to_wire(max_size=65535)
        return w

    def _respond(self, data, send, udp):
        try:
            q = dns.message.from_wire(data)
        except Exception:
            return
        name = q.question[0].name.to_text().lower()
        with self.lock:
            # Distinct IDs: a retransmission of the same query is one query.
            self.count.setdefault(name, set()).add(q.id)
        if self.mode == "silent":
            return
        limit = (q.payload if q.edns >= 0 else 512) if udp else 0
        delay = self.delay if self.mode == "slow" else 0.0
        if name.startswith("delay"):
            delay = int(name[5:name.index("-")]) / 100.0
        forged = None
        if self.mode == "spoof-id":
            f = self._answer(q, addr=FORGED)
            f.id = (q.id + 1) & 0xffff
            forged = f
        elif self.mode == "spoof-question":
            forged = self._answer(q, qname_override="evil.example.", addr=FORGED)
            forged.answer = [dns.rrset.from_text(q.question[0].name, 300, "IN", "A", FORGED)]
        elif self.mode == "spoof-port":
            forged = self._answer(q, addr=FORGED)

        def later():
            if forged is not None:
                if self.mode == "spoof-port":
                    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                    s.bind((self.addr, 0))
                    try:
                        s.sendto(self._wire(forged, limit), send[1])
                    finally:
                        s.close()
                else:
                    send[0](self._wire(forged, limit))
                time.sleep(0.05)
            send[0](self._wire(self._answer(q), limit))

        if delay or forged is not None:
            threading.Timer(delay, later).start()
        else:
            later()

    def _udp_loop(self):
        while not self.stop_flag:
            try:
                data, peer = self.udp.recvfrom(65535)
            except socket.timeout:
                continue
            except OSError:
                return
            self._respond(data, (lambda w, p=peer: self.udp.sendto(w, p), peer), True)

    def _tcp_client(self, conn):
        lock = threading.Lock()

        def send(w):
            with lock:
                try:
                    conn.sendall(struct.pack("!H", len(w)) + w)
                except OSError:
                    pass
        buf = b""
        conn.settimeout(0.5)
        idle = 0
        while not self.stop_flag and idle < 20:
            try:
                chunk = conn.recv(65535)
            except socket.timeout:
                idle += 1
                continue
            except OSError:
                break
            if not chunk:
                break
            msgs, buf = tcp_frames(buf + chunk)
            for m in msgs:
                self._respond(m, (send, None), False)
        time.sleep(0.3)
        conn.close()

    def _tcp_loop(self):
        while not self.stop_flag:
            try:
                conn, _ = self.tcp.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            with self.lock:
                self.tcp_conns += 1
            threading.Thread(target=self._tcp_client, args=(conn,), daemon=True).start()
