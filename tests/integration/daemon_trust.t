#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Runtime trust anchors, negative trust anchors (RFC 7646) and the zone
inventory of xdpdnsd in the lab, through the CLI (xdpdns -j) where it fits:
an NTA turns a bogus zone's SERVFAIL into unvalidated data and back, an
NTA runs out by itself, removing the private mesh.internal. anchor ends its
AD and adding it back restores it, runtime state survives SIGHUP, and the
inventory agrees with the lab's DNSKEY, DS, CDS and RRSIG records as kdig
and dnspython read them; then, with the XDP fast path attached (generic
mode, private pin directory), NTA and anchor changes flush the kernel
cache entries at and below the name."""

import json
import re
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True     # no __pycache__ in the tree
sys.path.insert(0, HERE)
import daemon_lib  # noqa: E402
from daemon_lib import ROOT, Daemon, Tap, query  # noqa: E402

import dns.dnssec  # noqa: E402
import dns.flags  # noqa: E402
import dns.rcode  # noqa: E402
import dns.rdata  # noqa: E402
import dns.rdataclass  # noqa: E402
import dns.rdatatype  # noqa: E402

from daemon_lab_outer import outer, read_env  # noqa: E402

XDPDNS = os.environ.get("XDPDNS", os.path.join(ROOT, "xdpdns"))


def cli(ctl, *args):
    """xdpdns -j through the control socket: (exit status, parsed JSON)."""
    p = subprocess.run([XDPDNS, "--control", ctl, "-j"] + list(args),
                       capture_output=True, text=True, timeout=20)
    try:
        doc = json.loads(p.stdout)
    except ValueError:
        doc = {"unparsable": p.stdout, "stderr": p.stderr}
    return p.returncode, doc


def kdig_rdata(server, name, rdtype):
    """The answer RDATA of NAME/RDTYPE with DO, as kdig +short prints it,
    parsed with dnspython: (records of RDTYPE, RRSIGs over them)."""
    p = subprocess.run(["kdig", "+dnssec", "+short", "+timeout=3", "+retry=1",
                        "@" + server, name, rdtype],
                       capture_output=True, text=True, timeout=20)
    recs, sigs = [], []
    for line in p.stdout.splitlines():
        line = line.strip()
        if not line:
            continue
        for t, out in ((rdtype, recs), ("RRSIG", sigs)):
            try:
                rd = dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.from_text(t), line)
            except Exception:
                continue
            if t == "RRSIG" and rd.type_covered != dns.rdatatype.from_text(rdtype):
                continue
            out.append(rd)
            break
    return recs, sigs


def code(r):
    return None if r is None else dns.rcode.to_text(r.rcode())


def ad(r):
    return r is not None and bool(r.flags & dns.flags.AD)


def inner():
    env = read_env()
    t = Tap()
    work = tempfile.mkdtemp(prefix="xdpdnsd-trust.")
    v4 = env.get("LAB_VETH_FWDC4", "198.18.2.1").split("/")[0]
    upstream = env["LAB_UPSTREAM"].split(":")[0]
    # A wide warning horizon: the lab's signatures (30 days) are inside it.
    d = Daemon(work, ["--listen", v4, "--upstream", env["LAB_UPSTREAM"],
                      "--trust-anchor", env["LAB_ANCHOR_DS"],
                      "--trust-anchor", env["LAB_MESH_DS"]],
               config="dnssec:\n  expiry-warning: 3456000\n  nta-default-ttl: 1800\n",
               prefix=["nsenter", "--net=/run/netns/" + env["LAB_NS_FWD"]])
    ctl = d.ctl
    try:
        if not t.ok(d.start(), "daemon started in %s" % env["LAB_NS_FWD"]):
            t.diag(d.logtext())
            return t.done()

        # --- anchor list ------------------------------------------------------
        rc, doc = cli(ctl, "anchor", "list")
        t.is_(rc, 0, "anchor list: exit 0")
        anchors = doc.get("anchors", []) if isinstance(doc, dict) else []
        by_name = {a["name"]: a for a in anchors}
        mesh_line = open(env["LAB_MESH_DS"]).read().split()
        mesh_tag, mesh_alg, mesh_dt = (int(x) for x in mesh_line[4:7])
        mesh_rdata = " ".join(mesh_line[4:])
        t.ok("." in by_name and by_name["."]["type"] == "DS" and
             by_name["."]["source"] == env["LAB_ANCHOR_DS"],
             "anchor list: the root DS from its file (%s)" % by_name.get("."))
        m = by_name.get("mesh.internal.", {})
        t.ok(m.get("key_tag") == mesh_tag and m.get("algorithm") == mesh_alg and
             m.get("digest_type") == mesh_dt and m.get("source") == env["LAB_MESH_DS"],
             "anchor list: mesh.internal. tag %d alg %d digest %d from its file (%s)"
             % (mesh_tag, mesh_alg, mesh_dt, m))

        # --- NTA on a bogus zone (RFC 7646) ------------------------------------
        r = query(v4, "www.expired.test.", dnssec=True)
        t.is_(code(r), "SERVFAIL", "expired.test: bogus, SERVFAIL")
        rc, doc = cli(ctl, "nta", "add", "expired.test", "ttl", "600")
        t.ok(rc == 0 and doc.get("name") == "expired.test." and doc.get("ttl") == 600,
             "nta add expired.test ttl 600 (%s)" % doc)
        rc, doc = cli(ctl, "nta", "list")
        ntas = {n["name"]: n for n in (doc or {}).get("ntas", [])}
        n = ntas.get("expired.test.", {})
        t.ok(rc == 0 and n.get("source") == "runtime" and 590 <= n.get("remaining", 0) <= 600
             and n.get("expires", 0) - n.get("added", 0) == 600,
             "nta list: expired.test. with its expiry and time left (%s)" % n)
        r = query(v4, "www.expired.test.", dnssec=True)
        t.ok(code(r) == "NOERROR" and r.answer and not ad(r),
             "under the NTA: the data without AD (%s)" % code(r))
        rc, doc = cli(ctl, "zone", "show", "expired.test")
        t.ok(rc == 0 and doc.get("state") == "nta" and doc.get("validated_state") == "bogus",
             "zone show expired.test: nta over a bogus zone (%s, %s)"
             % (doc.get("state"), doc.get("validated_state")))
        rc, doc = cli(ctl, "nta", "remove", "expired.test")
        t.ok(rc == 0 and doc.get("removed") is True, "nta remove expired.test")
        r = query(v4, "www.expired.test.", dnssec=True)
        t.is_(code(r), "SERVFAIL", "NTA removed: SERVFAIL again (cache flushed)")
        rc, doc = cli(ctl, "nta", "remove", "expired.test")
        t.ok(rc == 1 and "no runtime negative trust anchor" in doc.get("error", ""),
             "nta remove again: exit 1, clear error (%s)" % doc)
        rc, doc = cli(ctl, "nta", "add", "expired.test")
        n = doc if rc == 0 else {}
        t.ok(n.get("ttl") == 1800, "nta add without ttl: the configured default (%s)" % doc)
        cli(ctl, "nta", "remove", "expired.test")
        # An NTA that runs out: validation resumes by itself.
        cli(ctl, "nta", "add", "expired.test", "ttl", "2")
        r = query(v4, "www.expired.test.", dnssec=True)
        t.is_(code(r), "NOERROR", "short NTA: data while it lasts")
        time.sleep(3.2)
        r = query(v4, "www.expired.test.", dnssec=True)
        t.is_(code(r), "SERVFAIL", "short NTA expired: SERVFAIL again")
        rc, doc = cli(ctl, "nta", "list")
        t.ok(rc == 0 and doc is None, "nta list: empty again is null (%s)" % doc)
        t.ok("negative trust anchor expired.test. expired" in d.logtext(),
             "the expiry is logged")

        # --- the private anchor removed and added back ---------------------------
        r = query(v4, "www.mesh.internal.", dnssec=True)
        t.ok(code(r) == "NOERROR" and ad(r), "www.mesh.internal.: secure (AD)")
        rc, doc = cli(ctl, "anchor", "remove", "mesh.internal")
        t.ok(rc == 0 and doc.get("removed") == 1, "anchor remove mesh.internal (%s)" % doc)
        r = query(v4, "www.mesh.internal.", dnssec=True)
        # Only the root anchor is left, and the root proves internal. does
        # not exist: the answer cannot be secure (RFC 4035 5).
        t.ok(r is not None and not ad(r) and
             (code(r) == "SERVFAIL" or (code(r) == "NOERROR" and r.answer)),
             "without its anchor: no AD (%s, AD=%s)" % (code(r), ad(r)))
        rc, doc = cli(ctl, "anchor", "list")
        names = [a["name"] for a in (doc or {}).get("anchors", [])]
        t.ok("mesh.internal." not in names and "." in names,
             "anchor list: mesh.internal. gone, the root stays")
        rc, doc = cli(ctl, "anchor", "add", "mesh.internal", "ds", mesh_rdata)
        a = doc.get("added", {}) if rc == 0 else {}
        t.ok(a.get("key_tag") == mesh_tag and a.get("source") == "runtime",
             "anchor add mesh.internal ds ...: runtime (%s)" % doc)
        r = query(v4, "www.mesh.internal.", dnssec=True)
        t.ok(code(r) == "NOERROR" and ad(r), "anchor back: secure again (AD)")
        rc, doc = cli(ctl, "anchor", "add", "mesh.internal", "ds", mesh_rdata)
        t.ok(rc == 1 and "already in force" in doc.get("error", ""),
             "the same anchor twice: exit 1 (%s)" % doc)
        rc, doc = cli(ctl, "anchor", "add", "mesh.internal", "ds", "1 2 3")
        t.ok(rc == 1 and "not a DS record" in doc.get("error", ""),
             "malformed DS RDATA: exit 1 (%s)" % doc)

        # --- runtime state across SIGHUP ------------------------------------------
        cli(ctl, "nta", "add", "future.test", "ttl", "900")
        d.send_signal(signal.SIGHUP)
        time.sleep(0.5)
        rc, doc = cli(ctl, "nta", "list")
        t.ok(rc == 0 and [n["name"] for n in doc.get("ntas", [])] == ["future.test."],
             "SIGHUP: the runtime NTA stays")
        rc, doc = cli(ctl, "anchor", "list")
        srcs = sorted(a["source"] for a in doc.get("anchors", [])
                      if a["name"] == "mesh.internal.")
        t.is_(srcs, sorted([env["LAB_MESH_DS"], "runtime"]),
              "SIGHUP: the file's mesh.internal. anchor is back, the runtime one stays")
        r = query(v4, "www.future.test.", dnssec=True)
        t.ok(code(r) == "NOERROR" and not ad(r), "the NTA still applies after SIGHUP")
        cli(ctl, "nta", "remove", "future.test")

        # --- the zone inventory ---------------------------------------------------
        # No client asks for CDS or CDNSKEY: the daemon asks them of each
        # zone that signs an answer (its probe), a moment after the answer.
        for name, rdtype in (("www.alg13.test.", "A"), ("www.insecure.test.", "A"),
                             ("www.cds.test.", "A"), ("www.revoked.test.", "A"),
                             ("www.expired.test.", "A")):
            query(v4, name, rdtype, dnssec=True)
        deadline = time.time() + 10
        while True:
            rc, doc = cli(ctl, "zone", "list")
            zones = {z["name"]: z for z in (doc or {}).get("zones", [])}
            z = zones.get("cds.test.", {})
            if (z.get("cds") and z.get("cdnskey")) or time.time() > deadline:
                break
            time.sleep(0.2)
        t.ok(rc == 0 and {"alg13.test.", "insecure.test.", "expired.test.", "test.",
                          "cds.test.", "mesh.internal."} <= set(zones),
             "zone list: the lab zones (%s)" % sorted(zones))
        z = zones.get("alg13.test.", {})
        t.ok(z.get("state") == "secure" and z.get("algorithms") == [13],
             "alg13.test.: secure, algorithm 13 (%s %s)" % (z.get("state"), z.get("algorithms")))
        t.is_(zones.get("insecure.test.", {}).get("state"), "insecure", "insecure.test.: insecure")
        t.is_(zones.get("expired.test.", {}).get("state"), "bogus", "expired.test.: bogus")
        t.is_(zones.get("test.", {}).get("state"), "secure", "test.: secure")
        t.is_(zones.get("mesh.internal.", {}).get("state"), "secure",
              "mesh.internal.: secure from its anchor")

        for zname in ("alg13.test.", "cds.test.", "test."):
            keys, ksigs = kdig_rdata(upstream, zname, "DNSKEY")
            want = sorted((dns.dnssec.key_id(k), k.algorithm, k.flags) for k in keys)
            z = zones.get(zname, {})
            got = sorted((k["key_tag"], k["algorithm"], k["flags"]) for k in z.get("keys", []))
            t.ok(want and got == want, "%s key tags, algorithms, flags as kdig and "
                 "dnspython key_id say (%s / %s)" % (zname, got, want))
            _, asigs = kdig_rdata(upstream, "www." + zname, "A")
            exp = min(s.expiration for s in ksigs + asigs) if ksigs else None
            t.ok(exp is not None and abs(z.get("expiry", 0) - exp) <= 1 and
                 0 < z.get("expires_in", 0) <= exp - time.time() + 2,
                 "%s earliest RRSIG expiry %s (kdig: %s)" % (zname, z.get("expiry"), exp))
            ds, _ = kdig_rdata(upstream, zname, "DS")
            t.is_(sorted((x["key_tag"], x["algorithm"], x["digest_type"]) for x in z.get("ds") or []),
                  sorted((x.key_tag, x.algorithm, x.digest_type) for x in ds),
                  "%s DS set as the parent serves it" % zname)
        z = zones.get("alg13.test.", {})
        t.ok([k["role"] for k in z.get("keys", [])] == ["ksk"],
             "alg13.test.: one CSK with the SEP flag, shown as ksk")
        z = zones.get("cds.test.", {})
        roles = sorted(k["role"] for k in z.get("keys", []))
        t.is_(roles, ["ksk", "zsk"], "cds.test.: a KSK and a ZSK")
        cds, _ = kdig_rdata(upstream, "cds.test.", "CDS")
        t.ok((z.get("cds") or {}).get("match") == "match" and
             sorted(x["key_tag"] for x in z["cds"]["records"]) ==
             sorted(x.key_tag for x in cds),
             "cds.test.: CDS seen and agreeing with the parent's DS (%s)" % z.get("cds"))
        t.ok((z.get("cdnskey") or {}).get("match") == "match",
             "cds.test.: CDNSKEY agrees with the DS (%s)" % z.get("cdnskey"))
        t.ok(zones.get("alg13.test.", {}).get("cds") is None,
             "alg13.test.: no CDS seen, null")
        z = zones.get("revoked.test.", {})
        t.ok(any(k["revoked"] for k in z.get("keys", [])) and z.get("state") == "bogus",
             "revoked.test.: the REVOKE bit shown, bogus (RFC 5011 7)")
        rc, doc = cli(ctl, "zone", "show", "alg13.test")
        t.ok(rc == 0 and doc.get("name") == "alg13.test." and doc.get("state") == "secure",
             "zone show alg13.test")
        rc, doc = cli(ctl, "zone", "show", "nothere.test")
        t.ok(rc == 1 and "not in the inventory" in doc.get("error", ""),
             "zone show of an unknown zone: exit 1 (%s)" % doc)

        # --- the expiry warning (dnssec.expiry-warning) -----------------------------
        log = d.logtext()
        t.is_(log.count("zone alg13.test.: a signature expires in"), 1,
              "expiry within the horizon: one warning for alg13.test.")
        r = subprocess.run([XDPDNS, "--control", ctl, "zone", "list"], capture_output=True,
                           text=True, timeout=20)
        t.ok(r.returncode == 0 and "alg13.test." in r.stdout, "zone list, plain output")
        t.is_(d.stop(), 0, "SIGTERM: exit 0")
        t.ok("Sanitizer" not in d.logtext(), "no sanitizer report")
        if os.environ.get("XDPDNS_KEEP_LOG"):
            shutil.copy(d.log, os.environ["XDPDNS_KEEP_LOG"])
        kernel_phase(t, env, work, v4)
    finally:
        d.stop()
        shutil.rmtree(work, ignore_errors=True)
    return t.done()


def kernel_phase(t, env, work, v4):
    """With the XDP fast path: trust changes flush the kernel cache too."""
    dev = env["LAB_VETH_FWDC"]
    pin = "/sys/fs/bpf/xdpdns-trust-%d" % os.getpid()
    ns = ["nsenter", "--net=/run/netns/" + env["LAB_NS_FWD"]]
    kwork = os.path.join(work, "xdp")
    os.makedirs(kwork)
    # Private copies: a parallel "make" relinking cannot disturb us.
    for b, path in (("xdpdnsd", daemon_lib.XDPDNSD), ("xdpdns", XDPDNS)):
        shutil.copy(path, os.path.join(kwork, b))
    cli_bin = os.path.join(kwork, "xdpdns")
    daemon_lib.XDPDNSD = os.path.join(kwork, "xdpdnsd")
    d = Daemon(kwork, ["--listen", v4, "--upstream", env["LAB_UPSTREAM"],
                       "--trust-anchor", env["LAB_ANCHOR_DS"],
                       "--trust-anchor", env["LAB_MESH_DS"],
                       "--interface", dev, "--xdp-mode", "generic",
                       "--pin-path", pin, "--workers", "2"], prefix=ns)

    def kernel_names():
        p = subprocess.run(ns + [cli_bin, "-j", "--pin-path", pin, "cache", "show"],
                           capture_output=True, text=True, timeout=20)
        try:
            return sorted({r["name"] for r in (json.loads(p.stdout) or [])})
        except ValueError:
            return None

    try:
        if not t.ok(d.start(), "XDP: daemon started with --interface %s" % dev):
            t.diag(d.logtext()[-2000:])
            return
        for name in ("www.alg13.test.", "www.mesh.internal.", "www.alg8.test."):
            query(v4, name, dnssec=True)
        before = kernel_names()
        t.ok(before is not None and {"www.alg13.test.", "www.mesh.internal.",
                                     "www.alg8.test."} <= set(before),
             "XDP: secure answers in the kernel cache (%s)" % before)
        rc, doc = cli(d.ctl, "nta", "add", "alg13.test", "ttl", "60")
        after = kernel_names() or []
        t.ok(rc == 0 and "www.alg13.test." not in after and "www.alg8.test." in after,
             "XDP: nta add alg13.test flushed www.alg13.test. from the kernel cache only")
        r = query(v4, "www.alg13.test.", dnssec=True)
        t.ok(r is not None and code(r) == "NOERROR" and not ad(r),
             "XDP: under the NTA the answer has no AD (not the kernel's old entry)")
        cli(d.ctl, "nta", "remove", "alg13.test")
        t.ok("www.alg13.test." not in (kernel_names() or []),
             "XDP: nta remove flushed the unvalidated entry")
        rc, doc = cli(d.ctl, "anchor", "remove", "mesh.internal")
        t.ok(rc == 0 and "www.mesh.internal." not in (kernel_names() or []),
             "XDP: anchor remove flushed www.mesh.internal. from the kernel cache")
        lines = [x for x in d.logtext().splitlines() if "trust change at mesh.internal.:" in x]
        t.ok(len(lines) == 1 and re.search(r"\(([1-9]\d*) in the kernel\)", lines[0]),
             "XDP: the flush is logged with its kernel count (%s)" % lines)
        t.is_(d.stop(), 0, "XDP: SIGTERM: exit 0")
    finally:
        d.stop()
        subprocess.run(ns + [cli_bin, "--pin-path", pin, "prog", "detach", dev],
                       capture_output=True)
        shutil.rmtree(pin, ignore_errors=True)


sys.exit(inner() if "--inner" in sys.argv else outer(os.path.abspath(__file__)))
