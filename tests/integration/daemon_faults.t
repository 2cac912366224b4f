#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""xdpdnsd against fake upstreams in a private namespace: serving over UDP
and TCP (pipelined), coalescing, caching, TC, DO filtering, upstreams that
die, never answer, answer slowly or send forgeries, malformed queries,
SIGHUP under load, SIGTERM."""

import os
import random
import select
import shutil
import signal
import socket
import struct
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True     # no __pycache__ in the tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from daemon_lib import (FORGED, GENUINE, Daemon, FakeUpstream, Tap, addresses,  # noqa: E402
                        ede_codes, query, run_in_netns, sanitizer_check, stop_all,
                        tcp_pipeline, udp_load)

import dns.flags  # noqa: E402
import dns.message  # noqa: E402
import dns.rcode  # noqa: E402
import dns.rdatatype  # noqa: E402

if "--inner" not in sys.argv:
    run_in_netns(os.path.abspath(__file__), "xdpdnsd-faults")

t = Tap()
work = tempfile.mkdtemp(prefix="xdpdnsd-faults.")
ups = []
daemons = []


def daemon(name, args, config=None):
    d = Daemon(os.path.join(work, name), args, config)
    daemons.append(d)
    if not t.ok(d.start(), "%s: daemon started" % name):
        t.diag(d.logtext())
    return d


def upstream(addr, mode="normal", delay=0.0):
    u = FakeUpstream(addr, mode=mode, delay=delay)
    ups.append(u)
    return u


def no_ad(resp):
    return resp is not None and not (resp.flags & dns.flags.AD)


def test_serving():
    up = upstream("127.0.1.1")
    d = daemon("main", ["--listen", "127.0.0.53", "--upstream", "127.0.1.1"])
    srv = "127.0.0.53"
    mode = os.stat(d.ctl).st_mode & 0o777
    t.is_(oct(mode), oct(0o600), "control socket is 0600")

    r = query(srv, "www1.example.")
    t.ok(r is not None and addresses(r) == [GENUINE], "UDP answer")
    t.ok(no_ad(r), "no trust anchor: no AD bit")
    t.ok(r is not None and r.edns == 0 and r.payload == 1232, "EDNS(0) with UDP size 1232")
    r = query(srv, "www2.example.", tcp=True)
    t.ok(r is not None and addresses(r) == [GENUINE], "TCP answer")
    r = query(srv, "WwW1.ExAmPlE.")
    t.ok(r is not None and r.question[0].name.to_text() == "WwW1.ExAmPlE.",
         "question echoed as the client spelled it")
    t.is_(up.queries_for("www1.example."), 1, "second query served from the cache")

    time.sleep(2.1)
    r = query(srv, "www1.example.")
    ttl = r.answer[0].ttl if r is not None and r.answer else None
    t.ok(ttl is not None and ttl <= 298, "cached TTL counts down (%s)" % ttl)

    # RFC 2308: NXDOMAIN cached with the SOA's lifetime.
    r1 = query(srv, "nx1.example.")
    r2 = query(srv, "nx1.example.")
    t.ok(r1 is not None and r1.rcode() == dns.rcode.NXDOMAIN, "NXDOMAIN passed on")
    t.ok(r2 is not None and r2.authority and r2.authority[0].ttl <= 60,
         "negative answer keeps SOA, TTL within SOA minimum")
    t.is_(up.queries_for("nx1.example."), 1, "negative answer cached")

    # TC: 8 TXT of 200 octets fit neither 512 nor 1232 octets.
    r = query(srv, "big1.example.", "TXT", edns=False)
    t.ok(r is not None and r.flags & dns.flags.TC and not r.answer,
         "no EDNS: TC, answer left out")
    r = query(srv, "big1.example.", "TXT")
    t.ok(r is not None and r.flags & dns.flags.TC, "EDNS 1232: TC")
    r = query(srv, "big1.example.", "TXT", tcp=True)
    t.ok(r is not None and not r.flags & dns.flags.TC and len(r.answer[0]) == 8,
         "TCP: the whole answer (upstream retried over TCP after its TC)")
    st = d.stats()
    t.ok(st["upstreams"][0]["truncated"] >= 1, "upstream TC counted")

    # RFC 4035 3.2.1: DNSSEC records only for DO=1.
    r = query(srv, "signed1.example.", dnssec=True)
    t.ok(r is not None and any(rr.rdtype == dns.rdatatype.RRSIG for rr in r.answer),
         "DO=1: RRSIG included")
    t.ok(r is not None and r.ednsflags & dns.flags.DO, "DO echoed")
    r = query(srv, "signed1.example.", dnssec=False)
    t.ok(r is not None and r.answer and
         not any(rr.rdtype == dns.rdatatype.RRSIG for rr in r.answer),
         "DO=0: RRSIG left out")
    r = query(srv, "signed1.example.", edns=False)
    t.ok(r is not None and r.answer and
         not any(rr.rdtype == dns.rdatatype.RRSIG for rr in r.answer) and r.edns < 0,
         "no EDNS: no RRSIG, no OPT")
    r = query(srv, "signed1.example.", cd=True, dnssec=True)
    t.ok(r is not None and r.flags & dns.flags.CD and addresses(r) == [GENUINE],
         "CD=1 answered with the data, CD echoed")
    return d, up


def test_pipelining(srv):
    """Five queries on one TCP connection before reading anything."""
    names = ["delay30-p1.example.", "delay20-p2.example.", "delay0-p3.example.",
             "delay10-p4.example.", "delay0-p5.example."]
    got = [(m.id, m.question[0].name.to_text(), addresses(m)) for m in tcp_pipeline(
        srv, [dns.message.make_query(n, "A", id=100 + i) for i, n in enumerate(names)])]
    ids = sorted(g[0] for g in got)
    t.is_(ids, [100, 101, 102, 103, 104], "pipelined: five answers on one connection")
    t.ok(all(g[1] == names[g[0] - 100] and g[2] == [GENUINE] for g in got),
         "each answer matches its query")
    t.ok(got and got[0][0] != 100, "answered out of order (the slow first query last: %s)"
         % [g[0] for g in got])

    # 150 queries in one write: more than the 64 a connection may have in
    # flight, so the daemon must pause reading and resume.
    ids = {m.id for m in tcp_pipeline(srv, [
        dns.message.make_query("delay5-bulk%d.example." % i, "A", id=1000 + i)
        for i in range(150)], timeout=10)}
    t.is_(len(ids), 150, "150 pipelined queries on one connection all answered")


def test_coalescing(d, up, srv):
    """50 identical queries (name case varied) -> one upstream query."""
    name = "delay50-coal.example."
    socks = []
    for i in range(50):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(5)
        spelled = "".join(c.upper() if random.random() < 0.5 else c for c in name)
        w = dns.message.make_query(spelled, "A", id=i).to_wire()
        socks.append((s, w))
    before = d.stats()["queries"]["coalesced"]
    for s, w in socks:
        s.sendto(w, (srv, 53))
    answered = 0
    for s, w in socks:
        try:
            m = dns.message.from_wire(s.recv(65535))
            if addresses(m) == [GENUINE]:
                answered += 1
        except (socket.timeout, OSError):
            pass
        s.close()
    t.is_(answered, 50, "all 50 clients answered")
    t.is_(up.queries_for(name), 1, "one upstream query for 50 identical client queries")
    t.ok(d.stats()["queries"]["coalesced"] - before >= 49, "coalesced queries counted")
    # DO differs: not the same query.
    q1 = query(srv, "delay20-co2.example.", dnssec=True)
    q2 = query(srv, "delay20-co2.example.", dnssec=False)
    t.ok(q1 is not None and q2 is not None and up.queries_for("delay20-co2.example.") == 2,
         "DO=1 and DO=0 are different keys")


def test_malformed(d, srv):
    hdr = struct.pack("!HHHHHH", 0x4242, 0x0100, 1, 0, 0, 0)
    qtail = struct.pack("!HH", 1, 1)
    cases = {
        "random bytes": bytes(random.getrandbits(8) for _ in range(40)),
        "truncated header": b"\x42\x42\x01\x00\x00",
        "QDCOUNT=0": struct.pack("!HHHHHH", 0x4242, 0x0100, 0, 0, 0, 0),
        "QDCOUNT=2": struct.pack("!HHHHHH", 0x4242, 0x0100, 2, 0, 0, 0) +
        b"\x01a\x00" + qtail + b"\x01b\x00" + qtail,
        "QDCOUNT=1, no question": hdr,
        "label of 70 octets": hdr + b"\x46" + b"a" * 70 + b"\x00" + qtail,
        "name over 255 octets": hdr + (b"\x3f" + b"a" * 63) * 5 + b"\x00" + qtail,
        "compression loop": hdr + b"\xc0\x0c" + qtail,
        "pointer forward": hdr + b"\xc0\x40" + qtail,
        "trailing garbage": hdr + b"\x01a\x00" + qtail + b"\xff" * 7,
        "bad OPT": hdr[:10] + b"\x00\x01" + b"\x01a\x00" + qtail + b"\x00\x00\x29\x04",
    }
    for name, wire in cases.items():
        for proto in ("udp", "tcp"):
            rc = None
            if proto == "udp":
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.settimeout(0.5)
                s.sendto(wire, (srv, 53))
                try:
                    rc = s.recv(65535)
                except socket.timeout:
                    pass
            else:
                s = socket.create_connection((srv, 53), timeout=1)
                s.sendall(struct.pack("!H", len(wire)) + wire)
                try:
                    data = s.recv(65535)
                    rc = data[2:] if len(data) > 2 else None
                except (socket.timeout, ConnectionResetError):
                    pass
            s.close()
            fine = rc is None or (len(rc) >= 12 and rc[3] & 0x0f in (1, 4) and
                                  rc[:2] == wire[:2] and rc[2] & 0x80)
            t.ok(fine, "%s over %s: %s" % (name, proto, "dropped" if rc is None else
                                           "rcode %d" % (rc[3] & 0x0f)))
    t.ok(d.alive(), "daemon alive after malformed queries")
    r = query(srv, "after-malformed.example.")
    t.ok(r is not None and addresses(r) == [GENUINE], "and still answers")
    t.ok(d.stats()["queries"]["formerr"] >= 8, "FORMERR answers counted")


def test_sighup_under_load(d, srv):
    results = []
    th = threading.Thread(target=lambda: results.extend(udp_load(srv, 400)))
    th.start()
    for _ in range(5):
        time.sleep(0.1)
        d.send_signal(signal.SIGHUP)
    th.join(60)
    t.is_(sum(results), 400, "SIGHUP five times under load: no query lost")
    t.ok("configuration reloaded" in d.logtext(), "reload logged")


def test_dead_upstream():
    up = upstream("127.0.1.9")
    d = daemon("dead", ["--listen", "127.0.0.54", "--upstream", "127.0.1.9"])
    r = query("127.0.0.54", "before.example.")
    t.ok(r is not None and addresses(r) == [GENUINE], "answer while the upstream lives")
    up.close()
    ups.remove(up)
    start = time.time()
    r = query("127.0.0.54", "after.example.", timeout=6)
    took = time.time() - start
    t.ok(r is not None and r.rcode() == dns.rcode.SERVFAIL, "killed upstream: SERVFAIL")
    t.ok(r is not None and ede_codes(r) and ede_codes(r)[0] in (22, 23),
         "with EDE 22 or 23 (%s)" % (ede_codes(r) if r else None))
    t.ok(took < 3.5, "in bounded time (%.2f s)" % took)
    st = d.stats()["upstreams"][0]
    t.ok(not st["up"] and st["errors"] >= 1, "upstream marked down, errors counted")

    up2 = upstream("127.0.1.1") if not any(u.addr == "127.0.1.1" for u in ups) else None
    d2 = daemon("failover", ["--listen", "127.0.0.55", "--upstream", "127.0.1.9",
                             "--upstream", "127.0.1.1"])
    start = time.time()
    answers = [query("127.0.0.55", "fo%d.example." % i) for i in range(5)]
    took = time.time() - start
    t.ok(all(a is not None and addresses(a) == [GENUINE] for a in answers),
         "dead first upstream: failover to the second")
    t.ok(took < 3, "failover fast (%.2f s for 5 queries)" % took)
    st = d2.stats()["upstreams"]
    t.ok(not st[0]["up"] and st[1]["up"], "health: first down, second up")
    return up2


def test_silent_and_slow():
    upstream("127.0.1.2", mode="silent")
    d = daemon("silent", ["--listen", "127.0.0.56", "--upstream", "127.0.1.2"],
               "server:\n  query-timeout-ms: 1500\n")
    start = time.time()
    r = query("127.0.0.56", "quiet.example.", timeout=6)
    took = time.time() - start
    t.ok(r is not None and r.rcode() == dns.rcode.SERVFAIL and 22 in ede_codes(r),
         "silent upstream: SERVFAIL with EDE 22 (%s)" % (ede_codes(r) if r else None))
    t.ok(1.3 < took < 2.5, "after the query timeout (%.2f s)" % took)
    t.ok(d.stats()["upstreams"][0]["timeouts"] >= 1, "timeouts counted")
    r = query("127.0.0.56", "quiet.example.", timeout=6)
    t.ok(r is not None and r.rcode() == dns.rcode.SERVFAIL and ede_codes(r),
         "failure cached (RFC 9520): answered at once")

    daemon("silent-failover", ["--listen", "127.0.0.57", "--upstream", "127.0.1.2",
                               "--upstream", "127.0.1.1"])
    r = query("127.0.0.57", "sf.example.", timeout=6)
    t.ok(r is not None and addresses(r) == [GENUINE], "silent first upstream: failover")

    upstream("127.0.1.3", mode="slow", delay=0.8)
    daemon("slow", ["--listen", "127.0.0.58", "--upstream", "127.0.1.3"])
    start = time.time()
    r = query("127.0.0.58", "slow.example.", timeout=6)
    took = time.time() - start
    t.ok(r is not None and addresses(r) == [GENUINE],
         "slow upstream (0.8 s): answered (%.2f s)" % took)


def test_spoofing():
    for i, mode in enumerate(("spoof-id", "spoof-port", "spoof-question")):
        addr = "127.0.1.%d" % (4 + i)
        listen = "127.0.0.%d" % (59 + i)
        upstream(addr, mode=mode)
        d = daemon(mode, ["--listen", listen, "--upstream", addr])
        got = []
        for j in range(5):
            r = query(listen, "victim%d.example." % j, timeout=4)
            got.append(addresses(r) if r is not None else None)
        t.ok(all(g == [GENUINE] for g in got), "%s: genuine answers only (%s)" % (mode, got))
        t.ok(not any(g and FORGED in g for g in got), "%s: forged data never served" % mode)
        cached = query(listen, "victim0.example.")
        t.ok(cached is not None and FORGED not in addresses(cached),
             "%s: nothing forged in the cache" % mode)
        mism = d.stats()["upstreams"][0]["dropped_mismatch"]
        if mode == "spoof-port":
            # The connected socket makes the kernel drop them before us.
            t.ok(True, "%s: wrong-port datagrams dropped by the kernel" % mode)
        else:
            t.ok(mism >= 5, "%s: forgeries counted as dropped (%d)" % (mode, mism))


def test_inflight():
    """10,000 queries in flight against an upstream that never answers."""
    hole = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    hole.bind(("127.0.1.20", 53))     # bound, never read: no reply, no ICMP
    d = daemon("inflight", ["--listen", "127.0.0.70", "--upstream", "127.0.1.20"],
               "server:\n  query-timeout-ms: 5000\n")
    total = 10000
    socks = []
    for i in range(20):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)   # SO_RCVBUFFORCE
        s.settimeout(0.2)
        socks.append(s)
    wires = [dns.message.make_query("q%d.inflight.example." % i, "A",
                                    id=i & 0xffff).to_wire() for i in range(total)]
    start = time.time()
    for i, w in enumerate(wires):
        socks[i % 20].sendto(w, ("127.0.0.70", 53))
        if i % 200 == 199:
            time.sleep(0.01)
    sent_in = time.time() - start
    peak = 0
    for _ in range(5):
        peak = max(peak, d.stats()["queries"]["inflight"])
        time.sleep(0.1)
    servfail = 0
    deadline = time.time() + 10
    last = start
    for s in socks:
        s.setblocking(False)
    while servfail < total and time.time() < deadline:
        ready, _, _ = select.select(socks, [], [], 0.5)
        for s in ready:
            try:
                while True:
                    m = s.recv(4096)
                    if len(m) >= 4 and m[3] & 0x0f == 2:
                        servfail += 1
                        last = time.time()
            except (BlockingIOError, OSError):
                pass
    took = last - start
    for s in socks:
        s.close()
    hole.close()
    t.ok(peak >= 9000, "%d queries sent in %.1f s, %d upstream queries in flight at once"
         % (total, sent_in, peak))
    t.is_(servfail, total, "every one answered SERVFAIL after its timeout")
    t.ok(took < sent_in + 5 + 1.5, "the last at %.1f s (sent over %.1f s, timeout 5 s)"
         % (took, sent_in))
    t.ok(d.alive(), "daemon alive")


def test_wildcard():
    """Listening on 0.0.0.0 and ::, answers leave from the address asked."""
    d = daemon("wildcard", ["--listen", "0.0.0.0:5300", "--listen", "[::]:5300",
                            "--upstream", "127.0.1.1"])
    for addr in ("127.0.0.5", "127.0.0.9", "::1"):
        r = query(addr, "wild.example.", port=5300)
        t.ok(r is not None and addresses(r) == [GENUINE],
             "wildcard listener: answer from %s (the address asked)" % addr)
    r = query("127.0.0.9", "wild.example.", port=5300, tcp=True)
    t.ok(r is not None and addresses(r) == [GENUINE], "wildcard listener over TCP")
    t.ok(d.alive(), "daemon alive")


def test_tcp_idle():
    """RFC 7766 6.2.3: idle TCP clients are closed, busy ones are not."""
    d = daemon("idle", ["--listen", "127.0.0.72", "--upstream", "127.0.1.1"],
               "server:\n  tcp-idle-timeout-ms: 400\n")
    s = socket.create_connection(("127.0.0.72", 53), timeout=3)
    w = dns.message.make_query("delay80-idle.example.", "A", id=9).to_wire()
    start = time.time()
    s.sendall(struct.pack("!H", len(w)) + w)
    data = s.recv(65535)
    t.ok(len(data) > 14 and time.time() - start > 0.7,
         "a query pending longer than the idle timeout is answered")
    try:
        closed = s.recv(65535) == b""
    except (socket.timeout, ConnectionResetError):
        closed = False
    took = time.time() - start
    s.close()
    t.ok(closed and took < 2.5, "then the idle connection is closed (%.1f s)" % took)
    t.ok(d.stats()["tcp"]["closed_idle"] >= 1, "idle closes counted")


def test_reload_anchors():
    """SIGHUP keeps the cache, except below an anchor that changed."""
    up = upstream("127.0.1.30")
    anchors = os.path.join(work, "anchors.key")
    ds = "mesh.example. 3600 IN DS 4711 13 2 %s\n"
    with open(anchors, "w") as f:
        f.write("; test anchors\n" + ds % ("AB" * 32) + ". 3600 IN DS 20326 8 2 %s\n" % ("CD" * 32))
    d = daemon("anchors", ["--listen", "127.0.0.71", "--upstream", "127.0.1.30"],
               "trust-anchors:\n  - %s\n" % anchors)
    for n in ("x.mesh.example.", "www.other.example."):
        query("127.0.0.71", n)

    def cached():
        return sorted(e["name"] for e in d.control("cache-show")["result"]["entries"])
    t.is_(cached(), ["www.other.example.", "x.mesh.example."], "both answers cached")
    d.send_signal(signal.SIGHUP)
    time.sleep(0.5)
    t.is_(cached(), ["www.other.example.", "x.mesh.example."],
          "SIGHUP with the same anchors: cache kept")
    with open(anchors, "w") as f:
        f.write(ds % ("EF" * 32) + ". 3600 IN DS 20326 8 2 %s\n" % ("CD" * 32))
    d.send_signal(signal.SIGHUP)
    time.sleep(0.5)
    t.is_(cached(), ["www.other.example."],
          "mesh.example. anchor changed: only its answers flushed")
    r = query("127.0.0.71", "x.mesh.example.")
    t.ok(r is not None and up.queries_for("x.mesh.example.") == 2 and
         up.queries_for("www.other.example.") == 1, "refetched below the changed anchor only")
    r = d.control("cache-flush", name="other.example.")
    t.ok(r["ok"] and r["result"]["flushed"] == 1, "control cache-flush by name")
    r = d.control("no-such-command")
    t.ok(not r["ok"] and r["error"] == "unknown command", "control: unknown command refused")
    r = d.control("reload")
    t.ok(r["ok"], "control reload")


try:
    test_reload_anchors()
    test_inflight()
    main, up_main = test_serving()
    test_pipelining("127.0.0.53")
    test_coalescing(main, up_main, "127.0.0.53")
    test_malformed(main, "127.0.0.53")
    test_sighup_under_load(main, "127.0.0.53")
    t.is_(main.stop(), 0, "SIGTERM: exit status 0")
    t.ok("stopped" in main.logtext(), "clean stop logged")
    test_dead_upstream()
    test_tcp_idle()
    test_wildcard()
    test_silent_and_slow()
    test_spoofing()
    stop_all(t, daemons)
finally:
    for d in daemons:
        d.stop(signal.SIGKILL if d.alive() and False else signal.SIGTERM)
    for u in ups:
        u.close()
    sanitizer_check(t, daemons)
    shutil.rmtree(work, ignore_errors=True)
sys.exit(t.done())
