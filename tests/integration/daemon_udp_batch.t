#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""xdpdnsd's batched UDP path (userspace/server_udp.c: recvmmsg() reads,
answers sent together with sendmmsg()) against a fake upstream in a
private namespace. Bursts are sent while the daemon is stopped (SIGSTOP),
so that every read on SIGCONT takes a full batch. Checked: every query
answered exactly once with its ID and its question as spelled, cache hits
and misses (coalesced duplicates among them) mixed in one batch, truncated
answers (no EDNS, and EDNS above the daemon's size) inside a batch,
DNSSEC records by DO, EDNS echoed, NXDOMAIN, a wildcard listener answering
from each address asked, and the counters moving by exactly the burst."""

import os
import random
import select
import shutil
import signal
import socket
import sys
import tempfile
import time

sys.dont_write_bytecode = True     # no __pycache__ in the tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from daemon_lib import (GENUINE, Daemon, FakeUpstream, Tap, addresses,  # noqa: E402
                        query, run_in_netns)

import dns.flags  # noqa: E402
import dns.message  # noqa: E402
import dns.rcode  # noqa: E402
import dns.rdatatype  # noqa: E402

if "--inner" not in sys.argv:
    run_in_netns(os.path.abspath(__file__), "xdpdnsd-udpbatch")

t = Tap()
rng = random.Random(4711)
SRV = "127.0.0.53"
WILD_PORT = 5353


def spell(name):
    """The name in a random mix of cases: the answer must echo it."""
    return "".join(c.upper() if rng.random() < 0.5 else c for c in name)


def make(name, rdtype, edns, do=False):
    if edns is None:
        q = dns.message.make_query(name, rdtype, use_edns=False)
    else:
        q = dns.message.make_query(name, rdtype, use_edns=0, payload=edns,
                                   want_dnssec=do)
    return q


def expect_for(kind, q, do):
    return {"kind": kind, "q": q, "do": do, "qname": q.question[0].name.to_text(),
            "qtype": q.question[0].rdtype, "edns": q.edns >= 0}


def check_answer(e, r, desc, fails):
    """Compare one answer with what its query must get; collect failures."""
    why = []
    q = e["q"]
    if r.id != q.id:
        why.append("id %d != %d" % (r.id, q.id))
    if len(r.question) != 1 or r.question[0].name.to_text() != e["qname"] or \
            r.question[0].rdtype != e["qtype"]:
        why.append("question %s" % [x.to_text() for x in r.question])
    if (r.edns >= 0) != e["edns"]:
        why.append("EDNS %d for a query with%s" % (r.edns, "" if e["edns"] else "out"))
    kind = e["kind"]
    tc = bool(r.flags & dns.flags.TC)
    sigs = [s for s in r.answer if s.rdtype == dns.rdatatype.RRSIG]
    if kind == "big":
        if not tc or r.rcode() != dns.rcode.NOERROR:
            why.append("big answer: TC %s rcode %s" % (tc, r.rcode()))
    elif kind == "nx":
        if r.rcode() != dns.rcode.NXDOMAIN or tc:
            why.append("rcode %s TC %s" % (dns.rcode.to_text(r.rcode()), tc))
    else:
        if r.rcode() != dns.rcode.NOERROR or tc or addresses(r) != [GENUINE]:
            why.append("rcode %s TC %s addresses %s" % (
                dns.rcode.to_text(r.rcode()), tc, addresses(r)))
        if kind == "signed" and bool(sigs) != e["do"]:
            why.append("RRSIG %s with DO=%d" % (bool(sigs), e["do"]))
        if kind != "signed" and sigs:
            why.append("an RRSIG for an unsigned name")
    if e["edns"] and r.edns >= 0 and bool(r.ednsflags & dns.flags.DO) != e["do"]:
        why.append("DO not echoed")
    if why:
        fails.append("%s %s: %s" % (desc, e["qname"], "; ".join(why)))


def burst(d, targets, plan, desc):
    """Stop the daemon, send every query of @plan (socket index, address,
    port, expectation) without reading, continue it, collect the answers.
    Return (answers by (socket, id), extra answers, sources by key)."""
    socks = []
    for _ in targets:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        s.bind(("127.0.0.1", 0))
        s.setblocking(False)
        socks.append(s)
    pending = {}
    d.send_signal(signal.SIGSTOP)
    try:
        for i, (si, addr, port, e) in enumerate(plan):
            e["q"].id = i
            socks[si].sendto(e["q"].to_wire(), (addr, port))
            pending[(si, i)] = e
    finally:
        d.send_signal(signal.SIGCONT)
    got, extra, srcs = {}, 0, {}
    deadline = time.time() + 10
    while time.time() < deadline and len(got) < len(pending):
        rd, _, _ = select.select(socks, [], [], 0.2)
        for s in rd:
            si = socks.index(s)
            while True:
                try:
                    data, src = s.recvfrom(65535)
                except BlockingIOError:
                    break
                r = dns.message.from_wire(data, ignore_trailing=True)
                key = (si, r.id)
                if key in got or key not in pending:
                    extra += 1
                else:
                    got[key] = r
                    srcs[key] = src
    # Anything after the last expected answer would be a duplicate.
    time.sleep(0.3)
    for si, s in enumerate(socks):
        while True:
            try:
                s.recvfrom(65535)
                extra += 1
            except BlockingIOError:
                break
        s.close()
    fails = []
    for key, e in pending.items():
        if key not in got:
            fails.append("%s: no answer to %s %s" % (desc, e["qname"],
                                                     dns.rdatatype.to_text(e["qtype"])))
        else:
            check_answer(e, got[key], desc, fails)
    return pending, got, extra, srcs, fails


def main():
    work = tempfile.mkdtemp(prefix="xdpdnsd-udpbatch.")
    up = FakeUpstream("127.0.1.1")
    d = Daemon(os.path.join(work, "d"), [
        "--listen", SRV, "--listen", "0.0.0.0:%d" % WILD_PORT,
        "--upstream", "127.0.1.1", "--workers", "2"])
    try:
        if not t.ok(d.start(), "daemon started (2 workers, a wildcard listener)"):
            t.diag(d.logtext())
            return
        run(d, up)
        t.is_(d.stop(), 0, "SIGTERM: clean exit")
    finally:
        if d.alive():
            d.stop(signal.SIGKILL)
        up.close()
        shutil.rmtree(work, ignore_errors=True)


def run(d, up):
    # Warm the cache: these are hits in the bursts.
    warm = ["h%d.example." % k for k in range(8)] + \
           ["signed%d.example." % k for k in range(4)] + \
           ["nxw%d.example." % k for k in range(4)]
    # The DO bit is part of the cache key: warm both.
    for do in (False, True):
        for name in warm:
            query(SRV, name, dnssec=do)
        for k in range(2):
            query(SRV, "bigw%d.example." % k, "TXT", tcp=True, dnssec=do)
    before = d.stats()

    # One burst: 4 client sockets, 400 queries, every kind mixed.
    plan = []
    run_id = "%x" % rng.getrandbits(24)
    dup_names = ["dup%d-%s.example." % (k, run_id) for k in range(5)]
    counts = {"hit": 0, "big": 0}
    for i in range(400):
        si = i % 4
        r = rng.random()
        do = rng.random() < 0.5
        edns = rng.choice([None, 1232, 4096, 512])
        if r < 0.35:
            e = expect_for("hit", make(spell(rng.choice(warm[:8])), "A", edns, do), do and edns is not None)
            counts["hit"] += 1
        elif r < 0.45:
            # Its RRSIG expires more than 2^31 s ahead, in the past by
            # RFC 1982 serial arithmetic: never cached, always a miss.
            e = expect_for("signed", make(spell(rng.choice(warm[8:12])), "A", edns or 1232, do), do)
        elif r < 0.55:
            e = expect_for("nx", make(spell(rng.choice(warm[12:])), "A", edns, do), do and edns is not None)
            counts["hit"] += 1
        elif r < 0.65:
            # Cached 8 TXT of 200 octets: over 512 and over the daemon's
            # 1232 whatever the client offers, so TC over UDP.
            e = expect_for("big", make(spell("bigw%d.example." % rng.randrange(2)), "TXT",
                                       rng.choice([None, 4096]), do), False)
            e["do"] = do and e["edns"]
            counts["hit"] += 1
            counts["big"] += 1
        elif r < 0.75:
            e = expect_for("big", make("big%d-%s.example." % (i, run_id), "TXT", None),
                           False)
            counts["big"] += 1
        elif r < 0.85:
            # Same name, type and DO: joined to one upstream query.
            e = expect_for("miss", make(rng.choice(dup_names), "A", edns), False)
        else:
            e = expect_for("miss", make("m%d-%s.example." % (i, run_id), "A", edns, do),
                           do and edns is not None)
        plan.append((si, SRV, 53, e))
    pending, got, extra, _, fails = burst(d, range(4), plan, "burst")
    t.is_(len(got), len(pending), "400 queries in one burst: every one answered")
    t.is_(extra, 0, "no answer sent twice or to the wrong query")
    t.ok(not fails, "every answer has its ID, question as spelled, rcode, "
                    "TC, DO records and EDNS as the query needs")
    for f in fails[:10]:
        t.diag(f)
    kinds = sorted({e["kind"] for _, _, _, e in plan})
    t.is_(kinds, ["big", "hit", "miss", "nx", "signed"], "the burst mixed every kind")
    t.ok(all(up.queries_for(n) == 1 for n in dup_names),
         "duplicated misses in one burst: one upstream query each (%s)" %
         [up.queries_for(n) for n in dup_names])

    after = d.stats()
    dq = after["queries"]["udp"] - before["queries"]["udp"]
    t.is_(dq, 400, "UDP query counter moved by the burst")
    da = sum(after["answers"][k] - before["answers"][k]
             for k in ("NOERROR", "NXDOMAIN", "SERVFAIL"))
    t.is_(da, 400, "answers counted by rcode: 400")
    t.is_(after["answers"]["truncated"] - before["answers"]["truncated"],
          counts["big"], "truncated answers counted (%d)" % counts["big"])
    hits = after["answers"]["from_cache"] - before["answers"]["from_cache"]
    t.ok(hits >= counts["hit"], "cache hits counted (%d >= %d)" % (hits, counts["hit"]))

    # A wildcard listener: each answer leaves from the address asked
    # (IP_PKTINFO on every message of a sendmmsg()).
    plan = []
    dests = ["127.0.0.1", "127.0.0.53", "127.0.0.77"]
    for i in range(150):
        dest = dests[i % 3]
        name = rng.choice(warm[:8]) if i % 2 else "w%d-%s.example." % (i, run_id)
        plan.append((i % 2, dest, WILD_PORT,
                     expect_for("hit", make(spell(name), "A", 1232), False)))
    pending, got, extra, srcs, fails = burst(d, range(2), plan, "wildcard")
    t.is_(len(got), len(pending), "wildcard listener: 150 queries in one burst, "
                                  "every one answered")
    t.ok(not fails and extra == 0, "wildcard listener: answers as the queries need")
    for f in fails[:10]:
        t.diag(f)
    wrong = [(srcs[k], plan[k[1]][1]) for k in srcs
             if srcs[k] != (plan[k[1]][1], WILD_PORT)]
    t.ok(not wrong, "wildcard listener: every answer from the address asked %s" %
         wrong[:3])

    # Back to one query at a time: nothing held from a batch.
    r = query(SRV, "after-%s.example." % run_id)
    t.ok(r is not None and addresses(r) == [GENUINE], "single queries still answered")
    r = query("127.0.0.9", warm[0], port=WILD_PORT)
    t.ok(r is not None and addresses(r) == [GENUINE],
         "single query to the wildcard listener answered")


main()
sys.exit(t.done())
