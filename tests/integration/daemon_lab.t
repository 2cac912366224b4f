#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""xdpdnsd in the lab: the daemon in xdpdns-fwd (started with nsenter, so
that /sys/fs/bpf stays visible), the lab's iterating unbound as upstream,
clients in xdpdns-cli over IPv4 and IPv6, UDP and pipelined TCP, DNSSEC
records by DO, one upstream query for many identical ones, SIGHUP under
load, SIGTERM."""

import fcntl
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from daemon_lib import ROOT, XDPDNSD, Daemon, Tap, addresses, query, skip_all  # noqa: E402

import dns.flags  # noqa: E402
import dns.message  # noqa: E402
import dns.rcode  # noqa: E402
import dns.rdatatype  # noqa: E402

LAB = os.path.join(ROOT, "tests", "lab", "lab.sh")
ENV = os.path.join(ROOT, "tests", "lab", "run", "env.sh")


def read_env():
    env = {}
    with open(ENV) as f:
        for line in f:
            if "=" in line and not line.startswith("#"):
                k, v = line.strip().split("=", 1)
                env[k] = v.strip("'\"")
    return env


def outer():
    if os.geteuid() != 0:
        skip_all("needs root")
    if not os.access(XDPDNSD, os.X_OK):
        skip_all("%s not built" % XDPDNSD)
    if not os.access(LAB, os.X_OK):
        skip_all("tests/lab/lab.sh missing")
    lock = open("/tmp/xdpdns-lab.lock", "w")
    deadline = time.time() + 900
    while True:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.time() > deadline:
                skip_all("lab busy for 15 minutes")
            time.sleep(1)
    rc = 1
    try:
        start = subprocess.run([LAB, "start"], capture_output=True, text=True)
        if start.returncode != 0:
            print("1..0 # SKIP lab did not start: %s" % start.stderr.strip()[-200:])
            return 0
        env = read_env()
        rc = subprocess.run(["nsenter", "--net=/run/netns/" + env["LAB_NS_CLI"],
                             "/usr/bin/python3", os.path.abspath(__file__), "--inner"]
                            ).returncode
    finally:
        subprocess.run([LAB, "stop"], capture_output=True)
        lock.close()
    return rc


def inner():
    env = read_env()
    t = Tap()
    work = tempfile.mkdtemp(prefix="xdpdnsd-lab.")
    v4 = env.get("LAB_VETH_FWDC4", "198.18.2.1").split("/")[0]
    v6 = env.get("LAB_VETH_FWDC6", "fd53:2::1").split("/")[0]
    d = Daemon(work, ["--listen", v4, "--listen", "[%s]:53" % v6,
                      "--upstream", env["LAB_UPSTREAM"]],
               prefix=["nsenter", "--net=/run/netns/" + env["LAB_NS_FWD"]])
    try:
        if not t.ok(d.start(), "daemon started in %s" % env["LAB_NS_FWD"]):
            t.diag(d.logtext())
            return t.done()
        r = query(v4, "www.alg13.test.")
        t.ok(r is not None and r.rcode() == dns.rcode.NOERROR and
             addresses(r) == ["192.0.2.1"], "UDP: www.alg13.test A from the lab")
        t.ok(r is not None and not r.flags & dns.flags.AD,
             "no AD: the validator is not wired in yet")
        r = query(v4, "www.alg8.test.", tcp=True)
        t.ok(r is not None and addresses(r) == ["192.0.2.1"], "TCP answer")
        r = query(v6, "www.alg8.test.", "AAAA")
        t.ok(r is not None and addresses(r) == ["2001:db8::1"], "IPv6 listener, AAAA")

        r = query(v4, "www.alg13.test.", dnssec=True)
        t.ok(r is not None and any(x.rdtype == dns.rdatatype.RRSIG for x in r.answer),
             "DO=1: RRSIG from the signed zone")
        r = query(v4, "www.alg13.test.", dnssec=False)
        t.ok(r is not None and r.answer and
             not any(x.rdtype == dns.rdatatype.RRSIG for x in r.answer), "DO=0: no RRSIG")
        r = query(v4, "nonexistent.alg13.test.", dnssec=True)
        t.ok(r is not None and r.rcode() == dns.rcode.NXDOMAIN and
             any(x.rdtype in (dns.rdatatype.NSEC, dns.rdatatype.NSEC3) for x in r.authority),
             "NXDOMAIN with DO=1: denial records kept")
        r = query(v4, "nonexistent.alg13.test.", dnssec=False)
        t.ok(r is not None and r.rcode() == dns.rcode.NXDOMAIN and
             any(x.rdtype == dns.rdatatype.SOA for x in r.authority) and
             not any(x.rdtype in (dns.rdatatype.NSEC, dns.rdatatype.NSEC3,
                                  dns.rdatatype.RRSIG) for x in r.authority),
             "NXDOMAIN with DO=0: SOA only")

        # Five queries on one TCP connection before reading.
        names = ["www.alg%d.test." % a for a in (5, 7, 8, 10, 14)]
        s = socket.create_connection((v4, 53), timeout=5)
        s.sendall(b"".join(struct.pack("!H", len(w)) + w for w in
                           (dns.message.make_query(n, "A", id=500 + i).to_wire()
                            for i, n in enumerate(names))))
        buf, got = b"", {}
        deadline = time.time() + 5
        while len(got) < 5 and time.time() < deadline:
            try:
                chunk = s.recv(65535)
            except socket.timeout:
                break
            if not chunk:
                break
            buf += chunk
            while len(buf) >= 2 and len(buf) >= 2 + struct.unpack("!H", buf[:2])[0]:
                n = struct.unpack("!H", buf[:2])[0]
                m = dns.message.from_wire(buf[2:2 + n])
                got[m.id] = (m.question[0].name.to_text(), addresses(m))
                buf = buf[2 + n:]
        s.close()
        t.ok(len(got) == 5 and all(got[500 + i][0] == n and got[500 + i][1] == ["192.0.2.1"]
                                   for i, n in enumerate(names)),
             "pipelined TCP: five answers, each to its query")

        # Many identical queries: one upstream query.
        sent0 = d.stats()["upstreams"][0]["sent"]
        socks = []
        for i in range(30):
            so = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            so.settimeout(5)
            so.sendto(dns.message.make_query("www.alg15.test.", "A", id=i).to_wire(), (v4, 53))
            socks.append(so)
        ok = 0
        for so in socks:
            try:
                if addresses(dns.message.from_wire(so.recv(65535))) == ["192.0.2.1"]:
                    ok += 1
            except (socket.timeout, OSError):
                pass
            so.close()
        t.is_(ok, 30, "30 identical queries answered")
        t.is_(d.stats()["upstreams"][0]["sent"] - sent0, 1,
              "one upstream query for them (coalesced or cached)")

        results = []

        def load():
            so = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            so.settimeout(4)
            for i in range(300):
                name = "www.alg%d.test." % (5, 7, 8, 10, 13, 14, 15, 16)[i % 8]
                so.sendto(dns.message.make_query(name, "A", id=i).to_wire(), (v4, 53))
                try:
                    m = dns.message.from_wire(so.recv(65535))
                    results.append(m.id == i and m.rcode() == dns.rcode.NOERROR)
                except (socket.timeout, OSError):
                    results.append(False)
            so.close()
        th = threading.Thread(target=load)
        th.start()
        for _ in range(3):
            time.sleep(0.05)
            d.send_signal(signal.SIGHUP)
        th.join(60)
        t.is_(sum(results), 300, "SIGHUP under load: 300 of 300 answered")
        st = d.stats()
        t.ok(st["upstreams"][0]["up"] and st["upstreams"][0]["srtt_ms"] > 0,
             "upstream up with an RTT estimate (%d ms)" % st["upstreams"][0]["srtt_ms"])
        t.is_(d.stop(), 0, "SIGTERM: exit 0")
        t.ok("Sanitizer" not in d.logtext(), "no sanitizer report")
    finally:
        d.stop()
        shutil.rmtree(work, ignore_errors=True)
    return t.done()


sys.exit(inner() if "--inner" in sys.argv else outer())
