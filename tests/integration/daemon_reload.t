#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""xdpdnsd reloads (SIGHUP and the control "reload" command) that change
more than upstreams and anchors: listen addresses added and removed (UDP
and TCP, a connection on a removed address finishing its queries, an
address taken back moments after its removal), an address that cannot be
bound (the running set stays, the error names it), the control socket
moved, the metrics endpoint started, moved and stopped, the audit log's
path changed, a bad one refused and the log turned off, the log format,
a worker-count change refused with a warning, a reload under load
that changes the listen set without losing a query, and the XDP listen
map following the listen addresses (generic XDP on the namespace's lo)."""

import json
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
import urllib.error
import urllib.request

sys.dont_write_bytecode = True     # no __pycache__ in the tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from daemon_lib import (GENUINE, ROOT, Daemon, FakeUpstream, Tap, addresses,  # noqa: E402
                        query, run_in_netns, sanitizer_check, udp_load)

import dns.message  # noqa: E402

if "--inner" not in sys.argv:
    run_in_netns(os.path.abspath(__file__), "xdpdnsd-reload")

UP = "127.0.5.1"
XDPDNS = os.path.join(ROOT, "xdpdns")
PIN = "/sys/fs/bpf/xdpdns-reload-%d" % os.getpid()
A, B, C = "127.0.0.70", "127.0.0.71", "127.0.0.72"
t = Tap()
work = tempfile.mkdtemp(prefix="xdpdnsd-reload.")
wd = os.path.join(work, "d")
conf_path = os.path.join(wd, "xdpdnsd.yaml")


def config(listen, control="control.sock", extra=""):
    return ("listen: [%s]\nupstreams: [%s]\ncontrol-socket: %s\n%s" %
            (", ".join(listen), UP, os.path.join(wd, control), extra))


def answers(addr, name, tcp=False, timeout=1.0):
    r = query(addr, name, tcp=tcp, timeout=timeout)
    return r is not None and addresses(r) == [GENUINE]


def reload(d, text, via="sighup"):
    """Write the config, reload, wait until the daemon says it reloaded.
    Return the control reply (via="control") or True."""
    with open(conf_path, "w") as f:
        f.write(text)
    before = d.logtext().count("configuration reloaded")
    reply = True
    if via == "control":
        reply = d.control("reload")
    else:
        d.send_signal(signal.SIGHUP)
    deadline = time.time() + 5
    while time.time() < deadline and d.logtext().count("configuration reloaded") == before:
        time.sleep(0.02)
    return reply


def http_status(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return None


def tcp_query(sock, name, qid):
    w = dns.message.make_query(name, "A", id=qid).to_wire()
    sock.sendall(struct.pack("!H", len(w)) + w)
    buf = b""
    while len(buf) < 2 or len(buf) < 2 + struct.unpack("!H", buf[:2])[0]:
        chunk = sock.recv(65535)
        if not chunk:
            return None
        buf += chunk
    return dns.message.from_wire(buf[2:2 + struct.unpack("!H", buf[:2])[0]])


def test_listen(d):
    t.ok(answers(A, "a1.example.") and answers(A, "a2.example.", tcp=True),
         "serves %s over UDP and TCP" % A)
    t.ok(not answers(B, "b0.example.", timeout=0.5), "nothing on %s yet" % B)

    reload(d, config([A, B]))
    t.ok(answers(B, "b1.example.") and answers(B, "b2.example.", tcp=True),
         "SIGHUP added %s: UDP and TCP answer" % B)
    t.ok(answers(A, "a3.example."), "%s still served" % A)
    t.ok("listening on %s" % B in d.logtext(), "the new address is logged")

    # A client connected to A keeps its connection across A's removal.
    s = socket.create_connection((A, 53), timeout=3)
    r = tcp_query(s, "conn1.example.", 1)
    t.ok(r is not None and addresses(r) == [GENUINE], "TCP connection to %s answers" % A)
    reload(d, config([B]))
    t.ok(not answers(A, "a4.example.", timeout=0.7), "%s removed: no UDP answer" % A)
    try:
        socket.create_connection((A, 53), timeout=1).close()
        refused = False
    except OSError:
        refused = True
    t.ok(refused, "%s removed: new TCP connections refused" % A)
    r = tcp_query(s, "conn2.example.", 2)
    t.ok(r is not None and r.id == 2 and addresses(r) == [GENUINE],
         "the open connection on %s still gets its answers" % A)
    s.close()
    t.ok(answers(B, "b3.example.") and answers(B, "b4.example.", tcp=True),
         "%s served throughout" % B)

    # Taken back before the old UDP sockets closed: no query may land on
    # a socket nobody reads any more.
    reload(d, config([A, B]), via="control")
    ok = sum(answers(A, "back%d.example." % i) for i in range(40))
    t.is_(ok, 40, "%s taken back at once: 40 of 40 UDP queries answered" % A)
    t.ok(answers(A, "back-tcp.example.", tcp=True), "and TCP")


def test_bad_listen(d):
    before = d.stats()
    reload(d, config([A, B, "192.0.2.99"]))
    log = d.logtext()
    t.ok("192.0.2.99" in log and "keeping the listen addresses" in log,
         "an address that is not local: error names it, old set kept")
    t.ok(answers(A, "bad1.example.") and answers(B, "bad2.example.", tcp=True),
         "the running addresses still answer")
    t.is_(d.stats()["workers"], before["workers"], "workers unchanged")

    # The port of C is taken by someone else (no SO_REUSEPORT).
    squat = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    squat.bind((C, 53))
    reload(d, config([A, B, C]))
    t.ok("listen udp %s" % C in d.logtext(), "a port in use: the error names %s" % C)
    squat.close()
    t.ok(answers(A, "bad3.example.") and not answers(C, "bad4.example.", timeout=0.5),
         "old set kept, nothing half-opened on %s" % C)
    reload(d, config([A, B, C]))
    t.ok(answers(C, "bad5.example.") and answers(C, "bad6.example.", tcp=True),
         "once the port is free, the same reload succeeds")
    reload(d, config([A, B]))


def test_control_socket(d):
    old = d.ctl
    reply = reload(d, config([A, B], control="ctl2.sock"), via="control")
    t.ok(reply.get("ok"), "the reload moving the control socket answers on the old connection")
    d.ctl = os.path.join(wd, "ctl2.sock")
    t.ok(not os.path.exists(old), "old control socket removed")
    t.ok(d.control("version").get("ok"), "control socket answers at its new path")
    t.is_(oct(os.stat(d.ctl).st_mode & 0o777), oct(0o600), "new socket is 0600")
    # A path that cannot be bound: the socket stays where it is.
    reload(d, config([A, B], control="no/such/dir/x.sock"), via="control")
    t.ok(d.control("version").get("ok") and "control socket" in d.logtext(),
         "an unusable path: error logged, the socket stays")
    reload(d, config([A, B]), via="control")
    d.ctl = old
    t.ok(d.control("version").get("ok"), "moved back")


def test_metrics(d):
    t.is_(http_status("http://%s:9353/metrics" % A), None, "no metrics endpoint at first")
    reload(d, config([A, B], extra="metrics:\n  listen: %s:9353\n" % A))
    t.is_(http_status("http://%s:9353/metrics" % A), 200, "reload started /metrics")
    reload(d, config([A, B], extra="metrics:\n  listen: %s:9354\n" % B))
    t.is_(http_status("http://%s:9354/metrics" % B), 200, "moved to %s:9354" % B)
    t.is_(http_status("http://%s:9353/metrics" % A), None, "the old address is closed")
    reload(d, config([A, B]))
    t.is_(http_status("http://%s:9354/metrics" % B), None, "reload without it: stopped")


def audit_lines(path):
    try:
        with open(path) as f:
            return [json.loads(x) for x in f if x.strip()]
    except OSError:
        return []


def nta(d, name):
    r = d.control("nta-add", name=name, ttl=600)
    time.sleep(0.3)     # the audit writer is its own thread
    return r.get("ok")


def test_audit(d):
    a1, a2 = os.path.join(work, "audit1.log"), os.path.join(work, "audit2.log")
    reload(d, config([A, B], extra="audit:\n  path: %s\n" % a1))
    t.ok(nta(d, "one.test.") and [x for x in audit_lines(a1) if x["zone"] == "one.test."],
         "reload turned the audit log on: an NTA event in %s" % os.path.basename(a1))
    reload(d, config([A, B], extra="audit:\n  path: %s\n  max-size: 4096\n  keep: 1\n" % a2))
    n1 = len(audit_lines(a1))
    t.ok(nta(d, "two.test.") and [x for x in audit_lines(a2) if x["zone"] == "two.test."],
         "path changed: the next event goes to %s" % os.path.basename(a2))
    t.is_(len(audit_lines(a1)), n1, "nothing more in the old file")
    for i in range(30):
        d.control("nta-add", name="r%d.test." % i, ttl=600)
    time.sleep(0.5)
    t.ok(os.path.exists(a2 + ".1") and os.path.getsize(a2) <= 4096,
         "the new size bound rotates it (max-size 4096, keep 1)")
    reload(d, config([A, B], extra="audit:\n  path: /no/such/dir/audit.log\n"))
    t.ok("/no/such/dir/audit.log" in d.logtext(), "an unusable path is refused, logged")
    n2 = len(audit_lines(a2))
    t.ok(nta(d, "three.test.") and len(audit_lines(a2)) == n2 + 1,
         "and the log goes on in %s" % os.path.basename(a2))
    reload(d, config([A, B]))
    n2 = len(audit_lines(a2))
    nta(d, "four.test.")
    t.is_(len(audit_lines(a2)), n2, "reload without audit: the log is off")


def test_restart_only(d):
    workers = d.stats()["workers"]
    reload(d, config([A, B], extra="server:\n  workers: %d\n" % (workers + 3)))
    t.ok("server.workers changed: it needs a restart" in d.logtext(),
         "a worker-count change: warning that it needs a restart")
    t.is_(d.stats()["workers"], workers, "the running worker count stays")
    t.ok(answers(A, "w1.example."), "and it serves on")
    reload(d, config([A, B], extra="log:\n  format: json\n"))
    t.ok(answers(A, "w2.example."), "log format changed")
    last = d.logtext().strip().splitlines()[-1]
    try:
        t.ok("msg" in json.loads(last) or json.loads(last), "log lines are JSON after the reload")
    except ValueError:
        t.ok(False, "log lines are JSON after the reload: %r" % last)
    reload(d, config([A, B]))


def test_under_load(d):
    results = []
    th = threading.Thread(target=lambda: results.extend(udp_load(A, 400)))
    th.start()
    for i in range(6):
        time.sleep(0.08)
        reload(d, config([A, B, C] if i % 2 == 0 else [A, B]),
               via="control" if i % 3 == 0 else "sighup")
    th.join(60)
    t.is_(sum(results), 400, "listen set changed six times under load: no query lost")


def test_xdp_listen_map():
    """With the fast path on lo (generic XDP), the listen map follows:
    the program must answer nowhere else (DESIGN.md contract 5)."""
    xwd = os.path.join(work, "x")
    os.makedirs(xwd)
    xconf = os.path.join(xwd, "x.yaml")

    def write(listen):
        with open(xconf, "w") as f:
            f.write("listen: [%s]\nupstreams: [%s]\n" % (", ".join(listen), UP))

    def listen_map():
        out = subprocess.run([XDPDNS, "--pin-path", PIN, "listen", "show"],
                             capture_output=True, text=True).stdout
        return sorted(line.strip() for line in out.splitlines() if line.strip())
    write(["127.0.0.80"])
    x = Daemon(xwd, ["--config", xconf, "--no-validation", "--interface", "lo",
                     "--xdp-mode", "generic", "--pin-path", PIN])
    others.append(x)
    if not x.start():
        t.ok(True, "# SKIP the fast path does not start here: %s" %
             x.logtext().strip().splitlines()[-1:])
        x.stop()
        return
    t.is_(listen_map(), ["127.0.0.80 port 53"], "XDP listen map at start")
    write(["127.0.0.80", "127.0.0.81"])
    before = x.logtext().count("configuration reloaded")
    x.send_signal(signal.SIGHUP)
    deadline = time.time() + 5
    while time.time() < deadline and x.logtext().count("configuration reloaded") == before:
        time.sleep(0.02)
    t.is_(listen_map(), ["127.0.0.80 port 53", "127.0.0.81 port 53"],
          "an address added by reload enters the XDP listen map")
    write(["127.0.0.81"])
    x.control("reload")
    t.is_(listen_map(), ["127.0.0.81 port 53"], "a removed one leaves it")
    t.ok(answers("127.0.0.81", "x1.example.") and not answers("127.0.0.80", "x2.example.",
                                                              timeout=0.5),
         "and the sockets agree")
    t.is_(x.stop(), 0, "fast-path daemon stops cleanly")


others = []
up = FakeUpstream(UP)
d = Daemon(wd, ["--no-validation"], config=config([A]), control_flag=False)
try:
    if t.ok(d.start(), "daemon started from a config file"):
        test_listen(d)
        test_bad_listen(d)
        test_control_socket(d)
        test_metrics(d)
        test_audit(d)
        test_restart_only(d)
        test_under_load(d)
        t.is_(d.stop(), 0, "SIGTERM: exit status 0")
        test_xdp_listen_map()
    else:
        t.diag(d.logtext())
finally:
    for x in [d] + others:
        x.stop()
    up.close()
    shutil.rmtree(PIN, ignore_errors=True)
    sanitizer_check(t, [d] + others)
    if t.failed and os.path.exists(d.log):
        t.diag(d.logtext()[-3000:])
    shutil.rmtree(work, ignore_errors=True)
sys.exit(t.done())
