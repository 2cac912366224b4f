#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""xdpdnsd in the lab: the daemon in xdpdns-fwd (started with nsenter, so
that /sys/fs/bpf stays visible) with the lab's root and mesh.internal.
anchors, the lab's iterating unbound as upstream, clients in xdpdns-cli
over IPv4 and IPv6, UDP and pipelined TCP, DNSSEC records by DO, AD and
Bogus handling, one upstream query for many identical ones, SIGHUP under
load, SIGTERM. (The whole scenario table runs in daemon_scenarios.t.)"""

import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True     # no __pycache__ in the tree
sys.path.insert(0, HERE)
from daemon_lib import Daemon, Tap, addresses, ede_codes, query, tcp_pipeline  # noqa: E402

import dns.flags  # noqa: E402
import dns.message  # noqa: E402
import dns.rcode  # noqa: E402
import dns.rdatatype  # noqa: E402

from daemon_lab_outer import outer, read_env  # noqa: E402


def inner():
    env = read_env()
    t = Tap()
    work = tempfile.mkdtemp(prefix="xdpdnsd-lab.")
    v4 = env.get("LAB_VETH_FWDC4", "198.18.2.1").split("/")[0]
    v6 = env.get("LAB_VETH_FWDC6", "fd53:2::1").split("/")[0]
    d = Daemon(work, ["--listen", v4, "--listen", "[%s]:53" % v6,
                      "--upstream", env["LAB_UPSTREAM"],
                      "--trust-anchor", env["LAB_ANCHOR_DS"],
                      "--trust-anchor", env["LAB_MESH_DS"]],
               prefix=["nsenter", "--net=/run/netns/" + env["LAB_NS_FWD"]])
    try:
        if not t.ok(d.start(), "daemon started in %s" % env["LAB_NS_FWD"]):
            t.diag(d.logtext())
            return t.done()
        r = query(v4, "www.alg13.test.")
        t.ok(r is not None and r.rcode() == dns.rcode.NOERROR and
             addresses(r) == ["192.0.2.1"], "UDP: www.alg13.test A from the lab")
        t.ok(r is not None and not r.flags & dns.flags.AD,
             "secure, but no AD without DO or AD in the query (RFC 6840 5.8)")
        r = query(v4, "www.alg13.test.", dnssec=True)
        t.ok(r is not None and r.flags & dns.flags.AD, "secure with DO: AD")
        r = query(v4, "www.alg13.test.", dnssec=True, tcp=True)
        t.ok(r is not None and r.flags & dns.flags.AD, "same from the cache over TCP: AD")
        r = query(v4, "www.tampered.test.", dnssec=True)
        t.ok(r is not None and r.rcode() == dns.rcode.SERVFAIL and 6 in ede_codes(r),
             "bogus: SERVFAIL with EDE 6 (%s)" % (ede_codes(r) if r else None))
        r = query(v4, "www.tampered.test.", dnssec=True, cd=True)
        t.ok(r is not None and r.rcode() == dns.rcode.NOERROR and r.answer and
             not r.flags & dns.flags.AD, "bogus with CD: the data, no AD")
        r = query(v4, "www.insecure.test.", dnssec=True)
        t.ok(r is not None and r.rcode() == dns.rcode.NOERROR and r.answer and
             not r.flags & dns.flags.AD, "insecure: data, no AD")
        st = d.stats()
        t.ok(st["validation"]["secure"] >= 1 and st["validation"]["bogus"] >= 1,
             "validation counters (%s)" % st["validation"])
        shown = d.control("cache-show")["result"]["entries"]
        sec = {e["name"]: e["security"] for e in shown if e["type"] == "A"}
        t.ok(sec.get("www.alg13.test.") == "secure" and
             sec.get("www.tampered.test.") == "bogus" and
             sec.get("www.insecure.test.") == "insecure",
             "cache-show: validation state stored (%s)" % sec)
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
        got = {m.id: (m.question[0].name.to_text(), addresses(m)) for m in tcp_pipeline(
            v4, [dns.message.make_query(n, "A", id=500 + i) for i, n in enumerate(names)])}
        t.ok(len(got) == 5 and all(got[500 + i][0] == n and got[500 + i][1] == ["192.0.2.1"]
                                   for i, n in enumerate(names)),
             "pipelined TCP: five answers, each to its query")

        # Many identical queries: one upstream query.
        st0 = d.stats()
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
        st1 = d.stats()
        shared = (st1["queries"]["coalesced"] - st0["queries"]["coalesced"] +
                  st1["answers"]["from_cache"] - st0["answers"]["from_cache"])
        t.is_(shared, 29, "one resolution for them: 29 coalesced or from the cache")

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


sys.exit(inner() if "--inner" in sys.argv else outer(os.path.abspath(__file__)))
