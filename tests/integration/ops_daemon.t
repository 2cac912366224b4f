#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""xdpdnsd's operations wiring, in the lab: the metrics endpoint scraped
and parsed with the Prometheus project's parser while queries move its
counters (daemon requests, Secure and Bogus verdicts, EDE 7, the XDP
counters once the kernel answers); /healthz and /readyz, including 503
when the only upstream is unreachable; interface globs followed as veths
come and go in xdpdns-fwd; the audit log: zone_state_changed from the
zone inventory, nta_changed for NTAs added and removed through the
control socket, reopened on SIGHUP, and an anchor_changed line for a
trust anchor changed by a reload. Processes,
pins, interfaces and the lab go away even on failure."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import dns.exception
import dns.flags
import dns.message
import dns.query

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True     # no __pycache__ in the tree
sys.path.insert(0, HERE)
from daemon_lib import Daemon, Tap, ede_codes, query  # noqa: E402

from daemon_lab_outer import outer, private_workdir, read_env  # noqa: E402

from prometheus_client.parser import text_string_to_metric_families  # noqa: E402


def http(url):
    """(status, body) of a GET; (None, reason) when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
    except OSError as e:
        return None, str(e)


def scrape(base, save=False):
    """Every sample of /metrics as {(name, ((label, value), ...)): value},
    parsed by prometheus_client; None when the scrape fails. The body is
    saved to $XDPDNS_OPS_SCRAPE when set and @save."""
    status, body = http(base + "/metrics")
    if status != 200:
        return None
    if save and os.environ.get("XDPDNS_OPS_SCRAPE"):
        with open(os.environ["XDPDNS_OPS_SCRAPE"], "w") as f:
            f.write(body)
    out = {}
    for fam in text_string_to_metric_families(body):
        for s in fam.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def val(m, name, **labels):
    return (m or {}).get((name, tuple(sorted(labels.items()))), 0)


def wait_for(fn, timeout=10, step=0.2):
    deadline = time.time() + timeout
    while True:
        v = fn()
        if v or time.time() > deadline:
            return v
        time.sleep(step)


def inner():
    env = read_env()
    t = Tap()
    work = private_workdir("xdpdns-ops.")
    if not work:
        return 0
    pin = "/sys/fs/bpf/xdpdns-ops-%d" % os.getpid()
    v4 = env["LAB_VETH_FWDC4"].split("/")[0]
    dev = env["LAB_VETH_FWDC"]
    ns = "/run/netns/" + env["LAB_NS_FWD"]
    prefix = ["nsenter", "--net=" + ns]
    mesh = os.path.join(work, "mesh.anchor")
    shutil.copy(env["LAB_MESH_DS"], mesh)
    audit = os.path.join(work, "audit.log")
    base = "http://%s:9253" % v4
    veths = []

    def fwd(*args):
        return subprocess.run(prefix + list(args), capture_output=True, text=True,
                              timeout=20)

    def progs():
        p = fwd(os.path.join(work, "xdpdns"), "-j", "--pin-path", pin, "prog", "show")
        try:
            return sorted(r["interface"] for r in json.loads(p.stdout) or [])
        except ValueError:
            return None

    def daemon(extra, wd):
        return Daemon(os.path.join(work, wd),
                      ["--listen", v4, "--trust-anchor", env["LAB_ANCHOR_DS"],
                       "--trust-anchor", mesh, "--xdp-mode", "generic",
                       "--pin-path", pin, "--workers", "2",
                       "--metrics", "%s:9253" % v4] + list(extra), prefix=prefix)

    def veth_add(name):
        veths.append(name)
        # The peer's name matches no glob of the test.
        return fwd("ip", "link", "add", name, "type", "veth", "peer", "name",
                   "p" + name).returncode == 0

    def veth_del(name):
        veths.remove(name)
        return fwd("ip", "link", "del", name).returncode == 0

    running = []
    try:
        # --- metrics, health, audit with the fast path on the lab's veth ------
        d = daemon(["--upstream", env["LAB_UPSTREAM"], "--interface", dev,
                    "--audit-log", audit], "d1")
        running.append(d)
        if not t.ok(d.start(), "daemon started with --metrics, --audit-log, --interface"):
            t.diag(d.logtext() if hasattr(d, "logtext") else "")
            return t.done()
        t.is_(http(base + "/healthz")[0], 200, "/healthz: 200")
        t.ok(wait_for(lambda: http(base + "/readyz")[0] == 200),
             "/readyz: 200 with the upstream up and the anchors loaded")
        m0 = scrape(base)
        t.ok(m0 is not None, "/metrics parsed by prometheus_client")
        fams = {k[0] for k in (m0 or {})}
        want = {"xdpdns_requests_total", "xdpdns_responses_total",
                "xdpdns_cache_hits_total", "xdpdns_cache_misses_total",
                "xdpdns_cache_entries", "xdpdns_validation_total",
                "xdpdns_upstream_requests_total", "xdpdns_upstream_rtt_seconds_bucket",
                "xdpdns_upstream_rtt_seconds_count", "xdpdns_xdp_packets_total",
                "xdpdns_xdp_sent_bytes_total", "xdpdns_audit_events_total",
                "xdpdns_xdp_interfaces", "xdpdns_interface_resyncs_total",
                "xdpdns_signature_cache_total"}
        t.ok(want <= fams, "every family is served (missing: %s)" % sorted(want - fams))
        t.is_(val(m0, "xdpdns_xdp_interfaces"), 1.0, "xdp_interfaces = 1")

        r = query(v4, "www.alg13.test.", "A", dnssec=True, timeout=3)
        m1 = scrape(base)
        t.ok(r is not None and r.rcode() == 0, "secure query answered")
        t.ok(val(m1, "xdpdns_validation_total", result="secure") >
             val(m0, "xdpdns_validation_total", result="secure"),
             "a secure query moves validation_total{result=secure}")
        t.ok(val(m1, "xdpdns_requests_total", path="daemon", proto="udp") >
             val(m0, "xdpdns_requests_total", path="daemon", proto="udp"),
             "it moves requests_total{path=daemon,proto=udp}")
        t.ok(val(m1, "xdpdns_responses_total", rcode="NOERROR") >
             val(m0, "xdpdns_responses_total", rcode="NOERROR"),
             "and responses_total{rcode=NOERROR}")
        ups = [k for k in m1 if k[0] == "xdpdns_upstream_rtt_seconds_count"]
        t.ok(ups and sum(m1[k] for k in ups) > 0 and
             sum(v for k, v in m1.items() if k[0] == "xdpdns_upstream_requests_total") > 0,
             "upstream requests and RTT samples counted (%s)" % ups)
        # Two names under one wildcard: the same RRSIG, verified once. One
        # source port, so that SO_REUSEPORT gives both to one worker (the
        # cache is the worker's).
        def wild(name):
            q = dns.message.make_query(name, "A", want_dnssec=True)
            try:
                return dns.query.udp(q, v4, timeout=3, source_port=45053)
            except (OSError, dns.exception.DNSException):
                return None
        wild("a1.w.nsec3zero.test.")

        # The first answer the zone signs sends the daemon's own CDS and
        # CDNSKEY questions (validated too): let them finish first.
        def settled():
            m = scrape(base)
            time.sleep(0.5)
            n = scrape(base)
            return n if (val(m, "xdpdns_signature_cache_total", result="miss") ==
                         val(n, "xdpdns_signature_cache_total", result="miss")) else None
        ms = wait_for(settled, timeout=10, step=0)
        r = wild("a2.w.nsec3zero.test.")
        mt = scrape(base)
        # The wildcard's RRSIG comes from the cache; at most the NSEC3
        # covering the new name is verified afresh.
        t.ok(r is not None and r.rcode() == 0 and r.flags & dns.flags.AD and
             val(mt, "xdpdns_signature_cache_total", result="hit") >
             val(ms, "xdpdns_signature_cache_total", result="hit") and
             val(mt, "xdpdns_signature_cache_total", result="miss") -
             val(ms, "xdpdns_signature_cache_total", result="miss") <= 1 and
             val(ms, "xdpdns_signature_cache_total", result="miss") > 0,
             "a second name under a wildcard: secure, its RRSIG from the "
             "signature cache (hit %s -> %s, miss %s -> %s)" %
             (val(ms, "xdpdns_signature_cache_total", result="hit"),
              val(mt, "xdpdns_signature_cache_total", result="hit"),
              val(ms, "xdpdns_signature_cache_total", result="miss"),
              val(mt, "xdpdns_signature_cache_total", result="miss")))

        r = query(v4, "www.expired.test.", "A", dnssec=True, timeout=3)
        m2 = scrape(base)
        t.ok(r is not None and r.rcode() == 2 and 7 in ede_codes(r),
             "expired.test: SERVFAIL with EDE 7")
        t.ok(val(m2, "xdpdns_validation_total", result="bogus") >
             val(m1, "xdpdns_validation_total", result="bogus"),
             "a bogus answer moves validation_total{result=bogus}")
        t.is_(val(m2, "xdpdns_ede_total", code="7") - val(m1, "xdpdns_ede_total", code="7"),
              1.0, "and ede_total{code=7} by one")
        exp = {k[1]: v for k, v in m2.items() if k[0] == "xdpdns_zone_signature_expiry_seconds"}
        t.ok(any(v > 0 for v in exp.values()),
             "zone_signature_expiry_seconds for validated zones (%d zones)" % len(exp))

        # Repeated: the kernel answers it once the entry is in its cache.
        def xdp_moved():
            query(v4, "www.alg13.test.", "A", dnssec=True, timeout=3)
            m = scrape(base)
            return m if val(m, "xdpdns_requests_total", path="xdp", proto="udp") > \
                val(m2, "xdpdns_requests_total", path="xdp", proto="udp") else None
        m3 = wait_for(xdp_moved, timeout=10, step=0.3)
        scrape(base, save=True)     # every family is there by now
        t.ok(m3 is not None, "a repeated query moves requests_total{path=xdp}")
        t.ok(m3 is not None and
             val(m3, "xdpdns_xdp_packets_total", counter="answered") >
             val(m2, "xdpdns_xdp_packets_total", counter="answered") and
             val(m3, "xdpdns_cache_hits_total", cache="xdp") ==
             val(m3, "xdpdns_xdp_packets_total", counter="answered"),
             "xdp_packets_total{counter=answered} moves, = cache_hits_total{cache=xdp}")
        t.ok(m3 is not None and val(m3, "xdpdns_cache_entries", cache="xdp") >= 1 and
             val(m3, "xdpdns_cache_entries", cache="daemon") >= 1,
             "cache_entries for both caches")

        # Audit: the zone inventory's verdicts, NTAs through the control socket.
        def audit_lines():
            try:
                with open(audit) as f:
                    return [json.loads(x) for x in f if x.strip()]
            except (OSError, ValueError):
                return None
        states = wait_for(lambda: [x for x in audit_lines() or []
                                   if x.get("kind") == "zone_state_changed"], timeout=5)
        t.ok(any(x.get("zone") == "alg13.test." and x.get("before") is None and
                 x.get("after") == "secure" for x in states or []),
             "zone_state_changed: alg13.test. none -> secure")
        t.diag("zone states: %s" % ", ".join("%s %s->%s" % (x.get("zone"), x.get("before"),
                                                          x.get("after")) for x in states or []))
        add = d.control("nta-add", name="expired.test.", ttl=300)
        rm = d.control("nta-remove", name="expired.test.")
        t.ok(add.get("ok") and rm.get("ok"), "nta-add and nta-remove through the control socket")
        def nta_lines():
            return [x for x in audit_lines() or [] if x.get("kind") == "nta_changed"]
        # Both lines: the writer thread may have written only the first yet.
        wait_for(lambda: len(nta_lines()) >= 2, timeout=5)
        ntas = nta_lines()
        t.ok(len(ntas) == 2 and all(x.get("zone") == "expired.test." for x in ntas) and
             ntas[0].get("before") is None and isinstance(ntas[0].get("after"), dict) and
             ntas[0].get("detail") == "added" and ntas[1].get("after") is None and
             ntas[1].get("detail") == "removed",
             "nta_changed lines: added (until ...), removed (%s)" % ntas)

        # Audit: rotate away, change the mesh anchor, SIGHUP: the writer
        # reopens the path and logs the change there.
        os.rename(audit, audit + ".old")
        with open(mesh, "w") as f:
            f.write("mesh.internal. NTA\n")
        d.send_signal(signal.SIGHUP)
        lines = wait_for(lambda: [x for x in audit_lines() or []
                                  if x.get("kind") == "anchor_changed"], timeout=10)
        t.ok(os.path.exists(audit), "SIGHUP: the audit log is reopened at its path")
        t.ok(lines and lines[0].get("zone") == "mesh.internal.",
             "anchor_changed for mesh.internal. after the reload (%s)" % lines)
        t.ok(val(scrape(base), "xdpdns_audit_events_total", result="written") >= 1,
             "audit_events_total{result=written} counts it")
        t.is_(d.stop(), 0, "daemon stops cleanly")
        running.remove(d)
        t.ok(wait_for(lambda: http(base + "/healthz")[0] is None, timeout=5),
             "the endpoint is gone with the daemon")

        # --- interface globs ---------------------------------------------------
        t.ok(veth_add("xdt1"), "veth xdt1 created before the daemon starts")
        d = daemon(["--upstream", env["LAB_UPSTREAM"], "--interface", "xdt*"], "d2")
        running.append(d)
        t.ok(d.start(), "daemon started with --interface 'xdt*'")
        t.ok(wait_for(lambda: progs() == ["xdt1"]),
             "an existing matching interface is attached at start (%s)" % progs())
        t.ok(veth_add("xdt2"), "veth xdt2 created while the daemon runs")
        t.ok(wait_for(lambda: progs() == ["xdt1", "xdt2"]),
             "xdpdns prog show lists the new interface (%s)" % progs())
        t.is_(val(scrape(base), "xdpdns_xdp_interfaces"), 2.0, "xdp_interfaces = 2")
        t.ok(veth_del("xdt2"), "veth xdt2 deleted")
        t.ok(wait_for(lambda: val(scrape(base), "xdpdns_xdp_interfaces") == 1.0),
             "the daemon forgets it (xdp_interfaces = 1)")
        t.is_(progs(), ["xdt1"], "prog show lists only xdt1")
        # Renamed to a name no glob matches: detached under its new name.
        ren = fwd("ip", "link", "set", "xdt1", "name", "oth1").returncode == 0
        if ren:
            veths[veths.index("xdt1")] = "oth1"
        t.ok(ren and wait_for(lambda: progs() == []),
             "xdt1 renamed to oth1: detached (%s)" % progs())
        t.is_(val(scrape(base), "xdpdns_xdp_interfaces"), 0.0, "xdp_interfaces = 0")
        t.ok(d.alive(), "daemon still running")
        t.is_(d.stop(), 0, "daemon stops cleanly")
        running.remove(d)
        t.is_(progs(), [], "nothing attached after the stop")

        # --- readiness with an unreachable upstream ------------------------------
        d = daemon(["--upstream", "192.0.2.1"], "d3")
        running.append(d)
        t.ok(d.start(), "daemon started with only an unreachable upstream")
        query(v4, "www.alg13.test.", "A", dnssec=True, timeout=3)

        def unready():
            query(v4, "x%d.alg13.test." % int(time.time() * 1000), "A", timeout=1)
            return http(base + "/readyz")[0] == 503
        t.ok(wait_for(unready, timeout=20, step=0.5), "/readyz: 503")
        t.diag("readyz body: %s" % http(base + "/readyz")[1])
        t.is_(http(base + "/healthz")[0], 200, "/healthz still 200")
        t.is_(d.stop(), 0, "daemon stops cleanly")
        running.remove(d)
    finally:
        for r in running:
            r.stop(sig=signal.SIGKILL)
        for v in list(veths):
            fwd("ip", "link", "del", v)
        subprocess.run(prefix + [os.path.join(work, "xdpdns"), "--pin-path", pin,
                                 "prog", "detach", dev], capture_output=True)
        shutil.rmtree(pin, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
    return t.done()


sys.exit(inner() if "--inner" in sys.argv else outer(os.path.abspath(__file__)))
