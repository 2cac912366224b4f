#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""xdpdnsd with a DNS-over-TLS upstream (RFC 7858): a real unbound serving
TLS with a certificate made at test time for dot.test, accepted by name and
by SPKI pin, refused with a wrong name, a wrong pin or an unknown CA; one
reused connection per worker carries pipelined queries."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True     # no __pycache__ in the tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from daemon_lib import (Daemon, Tap, addresses, ede_codes, query, run_in_netns,  # noqa: E402
                        skip_all, unbound_conf)

import dns.rcode  # noqa: E402

if "--inner" not in sys.argv:
    if not shutil.which("unbound") or not shutil.which("openssl"):
        skip_all("unbound and openssl needed")
    run_in_netns(os.path.abspath(__file__), "xdpdnsd-dot")

UPSTREAM = "127.0.2.1"
t = Tap()
work = tempfile.mkdtemp(prefix="xdpdnsd-dot.")
daemons = []
unbound = None


def sh(*args):
    return subprocess.run(args, check=True, capture_output=True).stdout


def start_unbound():
    key, cert = os.path.join(work, "key.pem"), os.path.join(work, "cert.pem")
    sh("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
       "-keyout", key, "-out", cert, "-subj", "/CN=dot.test",
       "-addext", "subjectAltName=DNS:dot.test", "-days", "2", "-nodes")
    # RFC 7858 4.2 pin: base64(SHA-256(SubjectPublicKeyInfo)), by openssl.
    spki = sh("sh", "-c", "openssl x509 -in %s -pubkey -noout | openssl pkey -pubin "
              "-outform der | openssl dgst -sha256 -binary | base64" % cert)
    conf = unbound_conf(work, ["interface: %s@853" % UPSTREAM, "tls-port: 853",
                               "tls-service-key: %s" % key, "tls-service-pem: %s" % cert,
                               'local-zone: "example.test." static',
                               'local-data: "example.test. 300 IN SOA ns.example.test. '
                               'h.example.test. 1 3600 600 86400 60"',
                               'local-data: "www.example.test. 300 IN A 192.0.2.7"'] +
                        ['local-data: "n%d.example.test. 300 IN A 192.0.2.%d"' % (i, 10 + i)
                         for i in range(40)])
    proc = subprocess.Popen(["unbound", "-c", conf], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            socket.create_connection((UPSTREAM, 853), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    return proc, cert, spki.decode().strip()


def daemon(name, listen, upstream_yaml):
    d = Daemon(os.path.join(work, name), ["--listen", listen],
               "upstreams:\n" + upstream_yaml)
    daemons.append(d)
    if not t.ok(d.start(), "%s: daemon started" % name):
        t.diag(d.logtext())
    return d


def tls_connections():
    out = subprocess.run(["ss", "-Htn", "state", "established", "dst", UPSTREAM + ":853"],
                         capture_output=True, text=True).stdout
    return len([line for line in out.splitlines() if line.strip()])


try:
    unbound, cert, pin = start_unbound()
    t.ok(unbound.poll() is None, "unbound with TLS started")

    d = daemon("by-name", "127.0.0.53",
               "  - address: tls://%s#dot.test\n    ca-file: %s\n" % (UPSTREAM, cert))
    r = query("127.0.0.53", "www.example.test.")
    t.ok(r is not None and addresses(r) == ["192.0.2.7"], "by name and CA file: answered")
    # Many queries at once: pipelined on the reused connections.
    results = {}

    def ask(i):
        r = query("127.0.0.53", "n%d.example.test." % i)
        results[i] = addresses(r) if r is not None else None
    threads = [threading.Thread(target=ask, args=(i,)) for i in range(40)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(10)
    t.ok(all(results.get(i) == ["192.0.2.%d" % (10 + i)] for i in range(40)),
         "40 concurrent queries over TLS answered")
    nconn = tls_connections()
    workers = d.stats()["workers"]
    t.ok(1 <= nconn <= workers, "connections reused: %d TLS connections for %d workers"
         % (nconn, workers))
    st = d.stats()["upstreams"][0]
    t.ok(st["received"] >= 41 and st["errors"] == 0, "upstream counters (%d received)"
         % st["received"])
    t.ok(r is not None and r.rcode() == dns.rcode.NOERROR, "NOERROR")

    d = daemon("by-pin", "127.0.0.54",
               "  - address: tls://%s\n    pin: \"%s\"\n" % (UPSTREAM, pin))
    r = query("127.0.0.54", "www.example.test.")
    t.ok(r is not None and addresses(r) == ["192.0.2.7"], "by SPKI pin alone: answered")

    d = daemon("name-and-pin", "127.0.0.55",
               "  - address: tls://%s#dot.test\n    ca-file: %s\n    pin: \"%s\"\n"
               % (UPSTREAM, cert, pin))
    r = query("127.0.0.55", "www.example.test.")
    t.ok(r is not None and addresses(r) == ["192.0.2.7"], "by name and pin: answered")

    bad = [
        ("wrong-name", "  - address: tls://%s#other.test\n    ca-file: %s\n" % (UPSTREAM, cert),
         "hostname mismatch"),
        ("wrong-pin", "  - address: tls://%s\n    pin: \"%s\"\n"
         % (UPSTREAM, "A" * 43 + "="), "pin mismatch"),
        ("unknown-ca", "  - address: tls://%s#dot.test\n" % UPSTREAM, "certificate"),
        ("right-name-wrong-pin", "  - address: tls://%s#dot.test\n    ca-file: %s\n"
         "    pin: \"%s\"\n" % (UPSTREAM, cert, "B" * 43 + "="), "pin mismatch"),
    ]
    for i, (name, yaml, logword) in enumerate(bad):
        listen = "127.0.0.%d" % (60 + i)
        d = daemon(name, listen, yaml)
        start = time.time()
        r = query(listen, "www.example.test.", timeout=6)
        took = time.time() - start
        t.ok(r is not None and r.rcode() == dns.rcode.SERVFAIL and not r.answer,
             "%s: refused, SERVFAIL without data" % name)
        t.ok(r is not None and 23 in ede_codes(r), "%s: EDE 23 (%s)"
             % (name, ede_codes(r) if r else None))
        t.ok(took < 3.5, "%s: in bounded time (%.2f s)" % (name, took))
        t.ok(logword in d.logtext(), "%s: reason logged" % name)

    for d in daemons:
        t.is_(d.stop(), 0, "%s: SIGTERM exit 0" % os.path.basename(d.workdir))
finally:
    for d in daemons:
        d.stop()
    if unbound is not None:
        unbound.send_signal(signal.SIGTERM)
        try:
            unbound.wait(5)
        except subprocess.TimeoutExpired:
            unbound.kill()
    errors = [d for d in daemons if "Sanitizer" in d.logtext()]
    t.ok(not errors, "no sanitizer report in any daemon log")
    shutil.rmtree(work, ignore_errors=True)
sys.exit(t.done())
