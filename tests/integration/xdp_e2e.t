#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The XDP fast path end to end, in the lab: xdpdnsd in xdpdns-fwd attaches
xdp_dns to xl-fwdc (generic mode) with maps in a private pin directory;
clients in xdpdns-cli get the same answers from XDP as from the daemon
(A, AAAA, NXDOMAIN, NODATA, Secure and Insecure, DO=0 and DO=1, IPv4 and
IPv6) while the daemon's socket does not see the second query; CD=1 and
Bogus answers never come from the kernel; transit DNS passes untouched;
cache-flush and a changed anchor (NTA) empty the kernel cache; with
keep-attached a killed daemon leaves XDP answering cached names and
nothing else; a restarted daemon replaces the program and reuses the
pinned maps; maps of another layout version stop the daemon with a clear
error. Pins, programs, processes and the lab go away even on failure."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True     # no __pycache__ in the tree
sys.path.insert(0, HERE)
from daemon_lib import ROOT, Daemon, Tap, addresses, ede_codes, query  # noqa: E402

import dns.flags  # noqa: E402
import dns.message  # noqa: E402
import dns.rcode  # noqa: E402
import dns.rdatatype  # noqa: E402

from daemon_lab_outer import outer, private_workdir, read_env  # noqa: E402

XDPDNS = os.path.join(ROOT, "xdpdns")
FLAG_MASK = (dns.flags.QR | dns.flags.AA | dns.flags.RD | dns.flags.RA |
             dns.flags.AD | dns.flags.CD)


def shape(m):
    """A response without its ID and TTLs: what must not differ between
    the kernel's answer and the daemon's (DESIGN contract 3)."""
    if m is None:
        return None
    secs = []
    for name, sec in (("answer", m.answer), ("authority", m.authority),
                      ("additional", m.additional)):
        rows = sorted((r.name.to_text().lower(), r.rdclass, r.rdtype, r.covers,
                       tuple(sorted(rd.to_text() for rd in r))) for r in sec)
        secs.append((name, rows))
    return (m.rcode(), m.flags & FLAG_MASK, m.edns, m.ednsflags & dns.flags.DO,
            m.payload if m.edns >= 0 else None, sorted(ede_codes(m)),
            m.question[0].to_text().lower(), secs)


class Fwd:
    """xdpdns CLI and bpftool calls for the forwarder namespace."""

    def __init__(self, env, work, pin, ctl):
        self.ns = "/run/netns/" + env["LAB_NS_FWD"]
        self.cli = os.path.join(work, "xdpdns")
        self.pin, self.ctl = pin, ctl

    def x(self, *args, pin=None):
        p = subprocess.run(["nsenter", "--net=" + self.ns, self.cli, "-j",
                            "--pin-path", pin or self.pin, "--control", self.ctl] +
                           list(args), capture_output=True, text=True, timeout=20)
        try:
            return json.loads(p.stdout) if p.stdout.strip() else None
        except ValueError:
            return None

    def kernel(self):
        st = self.x("stats")
        return st["kernel"]["counters"] if st and st.get("kernel") else {}

    def entries(self):
        """(name, type, do) of the kernel cache entries."""
        rows = self.x("cache", "show") or []
        return [(r["name"].lower(), r["type"], r["do"]) for r in rows]

    def progs(self):
        return self.x("prog", "show") or []


def inner():
    env = read_env()
    t = Tap()
    work = private_workdir("xdpdns-e2e.")
    if not work:
        return 0
    pin = "/sys/fs/bpf/xdpdns-e2e-%d" % os.getpid()
    pin_bad = pin + "-layout"
    v4 = env["LAB_VETH_FWDC4"].split("/")[0]
    v6 = env["LAB_VETH_FWDC6"].split("/")[0]
    dev = env["LAB_VETH_FWDC"]
    mesh = os.path.join(work, "mesh.anchor")
    shutil.copy(env["LAB_MESH_DS"], mesh)
    ctl = os.path.join(work, "control.sock")
    fwd = Fwd(env, work, pin, ctl)
    prefix = ["nsenter", "--net=/run/netns/" + env["LAB_NS_FWD"]]

    def daemon(extra=(), pin_dir=pin):
        return Daemon(work, ["--listen", v4, "--listen", "[%s]:53" % v6,
                             "--upstream", env["LAB_UPSTREAM"],
                             "--trust-anchor", env["LAB_ANCHOR_DS"],
                             "--trust-anchor", mesh,
                             "--interface", dev, "--xdp-mode", "generic",
                             "--pin-path", pin_dir, "--workers", "2"] + list(extra),
                      prefix=prefix)

    running = []
    try:
        d = daemon()
        running.append(d)
        if not t.ok(d.start(), "daemon started with --interface %s" % dev):
            t.diag(d.logtext())
            return t.done()
        progs = fwd.progs()
        t.ok(len(progs) == 1 and progs[0]["interface"] == dev and
             progs[0]["mode"] == "generic" and progs[0]["pinned_maps"] is True,
             "xdp_dns attached to %s in generic mode on the pinned maps (%s)" % (dev, progs))
        t.ok(all(os.path.exists(os.path.join(pin, m)) for m in
                 ("xdpdns_cache", "xdpdns_listen", "xdpdns_stats", "xdpdns_info")),
             "maps pinned in the private pin directory")

        # --- the same answers from XDP as from the daemon ------------------
        cases = [("www.alg13.test.", "A", "secure A"),
                 ("www.alg8.test.", "AAAA", "secure AAAA"),
                 ("nonexistent.alg13.test.", "A", "NXDOMAIN (NSEC)"),
                 ("nx.nsec3zero.test.", "A", "NXDOMAIN (NSEC3)"),
                 ("www.alg13.test.", "TXT", "NODATA"),
                 ("www.insecure.test.", "A", "insecure A")]
        for name, rdtype, what in cases:
            for server in (v4, v6):
                fam = "v4" if server == v4 else "v6"
                for do in (True, False):
                    label = "%s %s DO=%d" % (what, fam, do)
                    s0, k0 = d.stats()["queries"]["udp"], fwd.kernel().get("answered", 0)
                    first = query(server, name, rdtype, dnssec=do, timeout=3)
                    s1, kc1 = d.stats()["queries"]["udp"], fwd.kernel()
                    k1 = kc1.get("answered", 0)
                    second = query(server, name, rdtype, dnssec=do, timeout=3)
                    s2, kc2 = d.stats()["queries"]["udp"], fwd.kernel()
                    k2 = kc2.get("answered", 0)
                    tcp = query(server, name, rdtype, dnssec=do, tcp=True, timeout=3)
                    key = (name.lower(), rdtype, do)
                    size = len(second.to_wire()) if second is not None else 0
                    if key in fwd.entries() and size > 512 and k2 == k1:
                        # Generic XDP grows the query's skb in place: past
                        # its tailroom the program passes the query up.
                        why = [c for c in kc2 if c.startswith("pass_") and
                               kc2[c] != kc1.get(c)]
                        t.ok(s2 == s1 + 1 and why and
                             set(why) <= {"pass_error", "pass_too_big"},
                             "%s: %d-byte answer passed up by XDP (%s), the daemon "
                             "answers" % (label, size, ",".join(why)))
                    elif key in fwd.entries():
                        t.ok(second is not None and k2 == k1 + 1 and s2 == s1,
                             "%s: second query answered by XDP (%d bytes), not seen by "
                             "the daemon (udp %d->%d, xdp %d->%d)"
                             % (label, size, s1, s2, k1, k2))
                    else:
                        # An entry holds 1104 bytes of records (XDPDNS_REC_MAX)
                        # and 32 TTLs: bigger answers stay with the daemon.
                        t.ok(second is not None and size > 1104 - 12 and
                             k2 == k1 and s2 == s1 + 1,
                             "%s: %d bytes, too big for an entry: the daemon "
                             "answers it (udp %d->%d)" % (label, size, s1, s2))
                    if k1 == k0:
                        t.ok(s1 == s0 + 1 and shape(first) == shape(second),
                             "%s: XDP answer = daemon's UDP answer" % label)
                    else:
                        # The other DO form went in with the first query.
                        t.ok(s1 == s0 and shape(first) == shape(second),
                             "%s: already in the kernel (other DO form), same answer"
                             % label)
                    if not t.ok(shape(tcp) == shape(second),
                                "%s: XDP answer = daemon's TCP answer" % label):
                        t.diag("xdp: %s\ndaemon: %s" % (second, tcp))
        r = query(v4, "www.alg13.test.", dnssec=True)
        t.ok(r is not None and r.flags & dns.flags.AD and
             any(x.rdtype == dns.rdatatype.RRSIG for x in r.answer),
             "XDP DO=1 answer: AD and RRSIG")
        r = query(v4, "www.alg13.test.", dnssec=False, edns=False)
        t.ok(r is not None and addresses(r) == ["192.0.2.1"] and r.edns < 0,
             "XDP answer to a query without EDNS: no OPT")

        # A real client: kdig from xdpdns-cli, answered by XDP.
        k0 = fwd.kernel().get("answered", 0)
        kd = subprocess.run(["kdig", "+time=2", "+retry=0", "+dnssec", "@" + v4,
                             "www.alg13.test.", "A"], capture_output=True, text=True)
        k1 = fwd.kernel().get("answered", 0)
        t.ok("192.0.2.1" in kd.stdout and " ad" in kd.stdout and "status: NOERROR" in
             kd.stdout and k1 == k0 + 1, "kdig gets the secure answer from XDP")

        # --- TTLs count down in step with the daemon's cache ------------------
        time.sleep(2.2)
        same, tx, tu = False, [], []
        for _ in range(3):
            # Back to back; a second boundary between the two is retried.
            x = query(v4, "www.alg13.test.", dnssec=True)
            u = query(v4, "www.alg13.test.", dnssec=True, tcp=True)
            tx = [r.ttl for r in x.answer] if x is not None else []
            tu = [r.ttl for r in u.answer] if u is not None else []
            # The kernel counts from the entry's creation in boot-time
            # nanoseconds, the daemon in whole wall-clock seconds: the two
            # may round a second apart, never more.
            if (tx and len(tx) == len(tu) and max(tx) <= 298 and
                    all(abs(a - b) <= 1 for a, b in zip(tx, tu))):
                same = True
                break
        t.ok(same, "after 2 s: XDP and the daemon's cache give counted-down "
             "TTLs within a second of each other (%s, %s)" % (tx, tu))

        # --- CD=1 and Bogus never from the kernel ----------------------------
        kc0 = fwd.kernel()
        s0 = d.stats()["queries"]["udp"]
        r = query(v4, "www.alg13.test.", dnssec=True, cd=True)
        kc1 = fwd.kernel()
        t.ok(r is not None and kc1["pass_cd"] == kc0["pass_cd"] + 1 and
             kc1["answered"] == kc0["answered"] and d.stats()["queries"]["udp"] == s0 + 1,
             "CD=1 on a cached name: passed up, the daemon answers")
        for i in range(2):
            r = query(v4, "www.tampered.test.", dnssec=True)
            t.ok(r is not None and r.rcode() == dns.rcode.SERVFAIL and 6 in ede_codes(r),
                 "bogus name, query %d: SERVFAIL with EDE 6 from the daemon" % (i + 1))
        t.ok(not [e for e in fwd.entries() if "tampered" in e[0]],
             "bogus answer never in the kernel cache")

        # --- transit DNS is forwarded untouched -------------------------------
        kc0 = fwd.kernel()
        r = query(env["LAB_UPSTREAM"], "www.alg15.test.")
        kc1 = fwd.kernel()
        t.ok(r is not None and addresses(r) == ["192.0.2.1"] and
             kc1["seen"] > kc0["seen"] and kc1["ours"] == kc0["ours"] and
             kc1["answered"] == kc0["answered"],
             "query to the lab's upstream through %s: forwarded, not ours" % dev)

        # --- anchor change on reload: that zone leaves the kernel cache ------
        query(v4, "www.alg8.test.", "A")
        before = fwd.entries()
        with open(mesh, "a") as f:
            f.write("alg8.test. NTA\n")
        d.send_signal(signal.SIGHUP)
        deadline = time.time() + 5
        while time.time() < deadline and any("alg8.test" in e[0] for e in fwd.entries()):
            time.sleep(0.1)
        after = fwd.entries()
        t.ok(any("alg8.test" in e[0] for e in before) and
             not any("alg8.test" in e[0] for e in after) and
             any(e[0] == "www.alg13.test." for e in after),
             "NTA added on reload: alg8.test entries gone, others kept")
        r = query(v4, "www.alg8.test.", dnssec=True)
        t.ok(r is not None and addresses(r) == ["192.0.2.1"] and not r.flags & dns.flags.AD,
             "under the NTA: answered without AD")

        # --- cache-flush on the control socket empties the kernel cache -------
        res = d.control("cache-flush")
        t.ok(res.get("ok") and res["result"].get("kernel_flushed", 0) > 0 and
             fwd.entries() == [], "cache-flush: kernel cache flushed too (%s)" % res)
        r1 = query(v4, "www.alg13.test.", dnssec=True)
        s0, k0 = d.stats()["queries"]["udp"], fwd.kernel()["answered"]
        r2 = query(v4, "www.alg13.test.", dnssec=True)
        t.ok(shape(r1) == shape(r2) and fwd.kernel()["answered"] == k0 + 1 and
             d.stats()["queries"]["udp"] == s0, "refilled after the flush")
        st = d.stats()
        t.ok("kernel" in st and st["kernel"]["answered"] == fwd.kernel()["answered"],
             "daemon stats include the kernel counters")

        # --- SIGTERM without keep-attached: detached, maps stay ------------------
        t.is_(d.stop(), 0, "SIGTERM: exit 0")
        running.remove(d)
        t.is_(fwd.progs(), [], "without keep-attached: detached on exit")
        kept = fwd.entries()
        t.ok(len(kept) > 0, "maps stay pinned with their entries (%d)" % len(kept))

        # --- restart with keep-attached reuses the maps ----------------------------
        d = daemon(["--keep-attached"])
        running.append(d)
        t.ok(d.start(), "restarted with --keep-attached")
        t.ok(fwd.entries() == kept and len(fwd.progs()) == 1,
             "restart: pinned entries reused, one attachment")
        k0 = fwd.kernel()["answered"]
        r = query(v4, "www.alg13.test.", dnssec=True)
        t.ok(r is not None and r.flags & dns.flags.AD and
             fwd.kernel()["answered"] == k0 + 1 and d.stats()["queries"]["udp"] == 0,
             "restart: a name cached by the previous run answered by XDP at once")

        # --- daemon killed: XDP keeps answering the cache, nothing else ----------
        d.stop(sig=signal.SIGKILL)
        running.remove(d)
        t.is_(len(fwd.progs()), 1, "SIGKILL with keep-attached: still attached")
        k0 = fwd.kernel()["answered"]
        good = [query(v4, "www.alg13.test.", dnssec=do, timeout=2) for do in (True, False)]
        good.append(query(v6, "www.alg13.test.", dnssec=True, timeout=2))
        t.ok(all(g is not None and addresses(g) == ["192.0.2.1"] for g in good) and
             fwd.kernel()["answered"] == k0 + 3,
             "daemon dead: cached names answered by XDP (v4, v6, DO=0/1)")
        miss = query(v4, "www.alg14.test.", timeout=2)
        cd = query(v4, "www.alg13.test.", dnssec=True, cd=True, timeout=2)
        t.ok(miss is None and cd is None,
             "daemon dead: uncached name and CD=1 get no answer, never a wrong one")

        # --- a restarted daemon replaces the attached program ----------------------
        old_id = fwd.progs()[0]["prog_id"]
        d = daemon()
        running.append(d)
        t.ok(d.start(), "started over a still-attached xdp_dns")
        progs = fwd.progs()
        t.ok(len(progs) == 1 and progs[0]["prog_id"] != old_id and
             progs[0]["pinned_maps"] is True,
             "old program replaced by a new one on the same maps")
        t.ok(any(e[0] == "www.alg13.test." for e in fwd.entries()) and
             query(v4, "www.alg14.test.") is not None, "entries kept; misses answered again")
        t.is_(d.stop(), 0, "SIGTERM: exit 0")
        running.remove(d)
        t.is_(fwd.progs(), [], "detached again")

        # --- maps of another layout version: clear error, exit non-zero -----------
        os.makedirs(pin_bad)
        subprocess.run(["bpftool", "map", "create", pin_bad + "/xdpdns_info", "type",
                        "array", "key", "4", "value", "24", "entries", "1", "name",
                        "xdpdns_info"], check=True)
        # layout_version 99, key 16, entry 1456, pad 0, seed 0
        subprocess.run(["bpftool", "map", "update", "pinned", pin_bad + "/xdpdns_info",
                        "key", "0", "0", "0", "0", "value", "99", "0", "0", "0", "16",
                        "0", "0", "0", "0xb0", "5"] + ["0"] * 14, check=True)
        bad = daemon(pin_dir=pin_bad)
        running.append(bad)
        started = bad.start()
        rc = bad.proc.wait(10) if not started else bad.stop()
        running.remove(bad)
        t.ok(not started and rc not in (0, None), "another layout version: exit %s" % rc)
        t.ok("another layout version" in bad.logtext(),
             "another layout version: clear message")
        t.is_(fwd.progs(), [], "nothing attached after the refusal")
    finally:
        for r in running:
            r.stop(sig=signal.SIGKILL)
        subprocess.run(prefix + [os.path.join(work, "xdpdns"), "--pin-path", pin,
                                 "prog", "detach", dev], capture_output=True)
        shutil.rmtree(pin, ignore_errors=True)
        shutil.rmtree(pin_bad, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
    return t.done()


sys.exit(inner() if "--inner" in sys.argv else outer(os.path.abspath(__file__)))
