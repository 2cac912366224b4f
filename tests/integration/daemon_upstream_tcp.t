#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""xdpdnsd's plain-TCP upstream connections (RFC 7766 6.2.1): truncated
answers retried over one reused, pipelined connection per worker (counted
by the upstream and with ss), answers that come back in reverse order,
at most UPSTREAM_CONN_PIPELINE (32) queries outstanding on a connection,
an upstream that closes the connection after each answer or without
answering, one whose wrong length prefix breaks the stream's framing, and
a real unbound serving large answers over TCP."""

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

sys.dont_write_bytecode = True     # no __pycache__ in the tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from daemon_lib import (BIG_TXT, Daemon, FakeUpstream, Tap, addresses,  # noqa: E402
                        query, run_in_netns, sanitizer_check, stop_all, tcp_frames,
                        unbound_conf)

import dns.flags  # noqa: E402
import dns.message  # noqa: E402
import dns.rcode  # noqa: E402
import dns.rrset  # noqa: E402

if "--inner" not in sys.argv:
    run_in_netns(os.path.abspath(__file__), "xdpdnsd-uptcp")

PIPELINE = 32
t = Tap()
work = tempfile.mkdtemp(prefix="xdpdnsd-uptcp.")
daemons = []
servers = []


def daemon(name, args):
    d = Daemon(os.path.join(work, name), args)
    daemons.append(d)
    if not t.ok(d.start(), "%s: daemon started" % name):
        t.diag(d.logtext())
    return d


def upstream_stats(d):
    return d.stats()["upstreams"][0]


def number(name):
    """The digits of a name's first label: rev7.example. -> 7."""
    return int("".join(ch for ch in name.split(".")[0] if ch.isdigit()))


class StreamUpstream(FakeUpstream):
    """A test upstream whose UDP answers are all truncated (TC, no data),
    so the daemon asks again over TCP. Over TCP it gathers the queries of
    a connection until it holds @batch of them or none came for @gap
    seconds, then answers them newest first (reverse order); nameN -> A
    192.0.2.N. mode 'close': close the connection after each batch of
    answers; 'drop-first': close the first connection without answering;
    'bad-length': on the first connection, claim 65535 octets for the
    first answer (the stream's framing is lost), then answer as usual."""

    def __init__(self, addr, mode="reverse", gap=0.2, batch=0):
        self.gap, self.batch = gap, batch
        self.batches = []           # qnames per batch, in the order answered
        self.received = []          # and in the order the daemon sent them
        self.max_outstanding = 0
        super().__init__(addr, mode=mode)

    def _udp_loop(self):
        while not self.stop_flag:
            try:
                data, peer = self.udp.recvfrom(65535)
                q = dns.message.from_wire(data)
            except socket.timeout:
                continue
            except Exception:
                if self.stop_flag:
                    return
                continue
            r = dns.message.make_response(q)
            r.flags |= dns.flags.TC
            self.udp.sendto(r.to_wire(), peer)

    def _answer_frame(self, q):
        r = dns.message.make_response(q)
        name = q.question[0].name
        r.answer.append(dns.rrset.from_text(name, 300, "IN", "A",
                                            "192.0.2.%d" % number(name.to_text())))
        w = r.to_wire()
        return struct.pack("!H", len(w)) + w

    def _tcp_client(self, conn):
        with self.lock:
            first = self.tcp_conns == 1
        buf, pending, idle, bad = b"", [], 0, self.mode == "bad-length" and first
        conn.settimeout(self.gap)
        while not self.stop_flag and idle < 50:
            try:
                chunk = conn.recv(65535)
            except socket.timeout:
                chunk = None
            except OSError:
                break
            if chunk == b"":
                break
            if chunk:
                idle = 0
                msgs, buf = tcp_frames(buf + chunk)
                pending += [dns.message.from_wire(m) for m in msgs]
                with self.lock:
                    self.max_outstanding = max(self.max_outstanding, len(pending))
                if self.mode == "drop-first" and first and pending:
                    break
                if not self.batch or len(pending) < self.batch:
                    continue
            elif not pending:
                idle += 1
                continue
            with self.lock:
                self.received.append([q.question[0].name.to_text() for q in pending])
            pending.reverse()
            with self.lock:
                self.batches.append([q.question[0].name.to_text() for q in pending])
            data = b"".join(self._answer_frame(q) for q in pending)
            if bad:
                data, bad = b"\xff\xff" + data[2:], False
            try:
                conn.sendall(data)
            except OSError:
                break
            pending = []
            if self.mode == "close":
                break
        conn.close()


def concurrent(fn, args_list):
    results = [None] * len(args_list)

    def run(i, a):
        results[i] = fn(*a)
    ths = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(args_list)]
    for th in ths:
        th.start()
    for th in ths:
        th.join(20)
    return results


def ss_peers(peer):
    """TCP sockets of this namespace (any state) whose peer is @peer."""
    out = subprocess.run(["ss", "-Htan"], capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if line.split()[-1:] == [peer]]


def test_reuse_fake():
    up = FakeUpstream("127.0.4.1")
    servers.append(up)
    d = daemon("reuse", ["--listen", "127.0.0.60", "--upstream", "127.0.4.1",
                         "--workers", "1", "--no-validation"])
    ok = 0
    for i in range(12):
        r = query("127.0.0.60", "big%d.example." % i, "TXT", tcp=True)
        ok += r is not None and r.rcode() == 0 and len(r.answer) == 1 and \
            len(r.answer[0]) == len(BIG_TXT)
    t.is_(ok, 12, "12 truncated answers, one after the other, complete over TCP")
    res = concurrent(lambda n: query("127.0.0.60", n, "TXT", tcp=True),
                     [("bigc%d.example." % i,) for i in range(12)])
    t.is_(sum(r is not None and len(r.answer) == 1 for r in res), 12,
          "12 truncated answers at once, complete")
    t.is_(up.tcp_conns, 1, "all 24 over one TCP connection to the upstream")
    st = upstream_stats(d)
    t.is_(st["connections"], 1, "daemon counts one connection opened")
    t.is_(st["truncated"], 24, "24 truncated UDP answers retried over TCP")
    t.is_(len(ss_peers("127.0.4.1:53")), 1, "ss: one TCP socket to the upstream")
    t.is_(st["errors"], 0, "no upstream error")


def test_reverse_order():
    up = StreamUpstream("127.0.4.2", gap=0.05, batch=6)
    servers.append(up)
    daemon("reverse", ["--listen", "127.0.0.61", "--upstream", "127.0.4.2",
                       "--workers", "1", "--no-validation"])
    names = ["rev%d.example." % i for i in range(10, 16)]
    res = concurrent(lambda n: query("127.0.0.61", n), [(n,) for n in names])
    good = [r is not None and addresses(r) == ["192.0.2.%d" % number(n)]
            for n, r in zip(names, res)]
    t.is_(sum(good), len(names), "6 pipelined queries each get their own answer")
    t.is_(up.tcp_conns, 1, "over one connection")
    batch = up.batches[0] if up.batches else []
    t.ok(len(up.batches) == 1 and len(batch) == 6, "the upstream saw all 6 before "
         "answering (%s)" % [len(b) for b in up.batches])
    sent = up.received[0] if up.received else []
    t.ok(len(batch) == 6 and batch == sent[::-1] and batch != sent,
         "answers went back in the reverse of the daemon's order")

    # Bound: more at once than the pipeline holds.
    up.batch = PIPELINE
    names = ["wide%d.example." % i for i in range(100, 100 + PIPELINE + 8)]
    res = concurrent(lambda n: query("127.0.0.61", n), [(n,) for n in names])
    good = [r is not None and addresses(r) == ["192.0.2.%d" % (number(n) % 256)]
            for n, r in zip(names, res)]
    t.is_(sum(good), len(names), "%d queries at once: every one answered" % len(names))
    t.ok(up.max_outstanding <= PIPELINE, "at most %d outstanding on the connection "
         "(%d seen)" % (PIPELINE, up.max_outstanding))
    t.is_(up.max_outstanding, PIPELINE, "the pipeline was used to its bound")
    t.is_(up.tcp_conns, 1, "still the same connection")


def test_upstream_closes():
    up = StreamUpstream("127.0.4.3", mode="close", gap=0.05)
    servers.append(up)
    d = daemon("closing", ["--listen", "127.0.0.62", "--upstream", "127.0.4.3",
                           "--workers", "1", "--no-validation"])
    ok = 0
    for i in range(10):
        r = query("127.0.0.62", "close%d.example." % i, timeout=3)
        ok += r is not None and addresses(r) == ["192.0.2.%d" % i]
        time.sleep(0.02 * (i % 3))
    t.is_(ok, 10, "upstream closes after every answer: all 10 answered")
    t.ok(up.tcp_conns >= 2, "a new connection after each close (%d)" % up.tcp_conns)
    st = upstream_stats(d)
    t.ok(st["errors"] == 0 and st["timeouts"] == 0 and st["up"],
         "a close between queries is no upstream failure (%s)" % st)

    up2 = StreamUpstream("127.0.4.4", mode="drop-first", gap=0.05)
    servers.append(up2)
    d2 = daemon("dropping", ["--listen", "127.0.0.63", "--upstream", "127.0.4.4",
                             "--workers", "1", "--no-validation"])
    t0 = time.time()
    r = query("127.0.0.63", "drop7.example.", timeout=3)
    took = time.time() - t0
    t.ok(r is not None and addresses(r) == ["192.0.2.7"],
         "closed with the query unanswered: sent again on a new connection")
    t.ok(took < 1.0, "without waiting for a timeout (%.2f s)" % took)
    t.is_(up2.tcp_conns, 2, "two connections: the dropped one and the retry")
    st = upstream_stats(d2)
    t.ok(st["errors"] == 0 and st["timeouts"] == 0,
         "the retry is not counted against the upstream (%s)" % st)


def test_bad_length():
    """A length prefix longer than the answer: the daemon waits for octets
    that later answers fill, and the stream never frames again. Queries
    keep coming (so the connection is never idle): it must be given up
    once no answer has come for UPSTREAM_CONN_IDLE_MS (10 s), not kept."""
    up = StreamUpstream("127.0.4.5", mode="bad-length", gap=0.3)
    servers.append(up)
    daemon("badlen", ["--listen", "127.0.0.65", "--upstream", "127.0.4.5",
                      "--workers", "1", "--no-validation"])
    got, stop = [], threading.Event()

    def asker(k):
        i = 0
        while not stop.is_set():
            name = "bad%d.n%d.example." % (k, i)
            r = query("127.0.0.65", name, timeout=3)
            if r is not None and addresses(r) == ["192.0.2.%d" % k]:
                got.append(time.time())
            i += 1
            time.sleep(0.1)
    t0 = time.time()
    ths = [threading.Thread(target=asker, args=(k,)) for k in (1, 2, 3)]
    for th in ths:
        th.start()
    while time.time() - t0 < 16 and len(got) < 3:
        time.sleep(0.2)
    stop.set()
    for th in ths:
        th.join(5)
    first = min(got) - t0 if got else None
    t.ok(first is not None and 8 < first < 15,
         "a stream whose framing broke is dropped for a new one "
         "(first answer after %s s, %d answers)" % (
             "%.1f" % first if first is not None else "none", len(got)))
    t.ok(up.tcp_conns >= 2, "a second connection (%d)" % up.tcp_conns)


def start_unbound(addr):
    big = " ".join('"%s%d"' % ("u" * 240, i) for i in range(6))
    conf = unbound_conf(work, ["interface: %s@53" % addr, "tcp-idle-timeout: 30000",
                               'local-zone: "tcp.test." static',
                               'local-data: "tcp.test. 300 IN SOA ns.tcp.test. '
                               'h.tcp.test. 1 3600 600 86400 60"'] +
                        ["local-data: 'big%d.tcp.test. 300 IN TXT %s'" % (i, big)
                         for i in range(10)])
    proc = subprocess.Popen(["unbound", "-c", conf], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.time() + 10
    while time.time() < deadline:
        r = query(addr, "tcp.test.", "SOA", timeout=0.5)
        if r is not None:
            return proc
        time.sleep(0.1)
    proc.kill()
    return None


def test_unbound():
    if not shutil.which("unbound"):
        t.ok(True, "# SKIP unbound not installed")
        return
    proc = start_unbound("127.0.4.53")
    if not t.ok(proc is not None, "unbound started"):
        return
    servers.append(proc)
    d = daemon("unbound", ["--listen", "127.0.0.64", "--upstream", "127.0.4.53",
                           "--no-validation"])
    try:
        workers = d.stats().get("workers", os.cpu_count())
    except (OSError, ValueError, KeyError) as e:
        t.diag("stats: %s" % e)
        workers = os.cpu_count()
    raw = query("127.0.4.53", "big0.tcp.test.", "TXT", payload=1232)
    t.ok(raw is not None and raw.flags & dns.flags.TC,
         "unbound truncates the 1.5 KB answer at 1232 octets over UDP")
    ok = 0
    for rnd in range(2):
        for i in range(10):
            r = query("127.0.0.64", "big%d.tcp.test." % i, "TXT", tcp=True)
            ok += r is not None and len(r.answer) == 1 and \
                len(r.answer[0][0].strings) == 6
        if rnd == 0:
            d.control("cache-flush")    # the second round asks unbound again
    t.is_(ok, 20, "20 large answers from unbound, through TCP")
    st = upstream_stats(d)
    t.ok(st["truncated"] >= 20, "every one truncated over UDP first (%d)" % st["truncated"])
    t.ok(1 <= st["connections"] <= workers,
         "at most one connection per worker (%d, %s workers)" % (st["connections"], workers))
    peers = ss_peers("127.0.4.53:53")
    t.ok(1 <= len(peers) <= workers, "ss: %d TCP sockets to unbound, none left "
         "in TIME-WAIT by per-query connections" % len(peers))
    t.ok(all(p.split()[0] == "ESTAB" for p in peers), "and they are established")


try:
    test_reuse_fake()
    test_reverse_order()
    test_upstream_closes()
    test_bad_length()
    test_unbound()
    stop_all(t, daemons)
finally:
    for d in daemons:
        d.stop()
    for s in servers:
        if isinstance(s, subprocess.Popen):
            s.send_signal(signal.SIGTERM)
            try:
                s.wait(5)
            except subprocess.TimeoutExpired:
                s.kill()
        else:
            s.close()
    sanitizer_check(t, daemons)
    shutil.rmtree(work, ignore_errors=True)
sys.exit(t.done())
