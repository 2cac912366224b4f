#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Proof packs in the lab (docs/proof-pack.md): `xdpdns proof` through a
running xdpdnsd for secure answers of several algorithms, CNAME and DNAME
chains across zones, NXDOMAIN and no-data under NSEC and NSEC3, wildcard
expansions, insecure delegations (NSEC, NSEC3, opt-out) and the privately
anchored mesh.internal; each pack verified offline by the independent
verifier (tools/proof-verify, dnspython's dns.dnssec) against one anchor
file alone, and part of it by dns.dnssec directly here. Then tampered packs
must fail: altered RDATA, removed RRSIG, removed DS, a swapped key (a
forged zone signed consistently with its own key), a wrong anchor, a
truncated pack, an altered NSEC/NSEC3 proof, a removed insecure-delegation
proof, a changed verdict, a stripped-signature downgrade, and signatures
checked after they expire. A Bogus answer gives a pack and exit status 1."""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True     # no __pycache__ in the tree
sys.path.insert(0, HERE)
from daemon_lib import ROOT, Daemon, Tap  # noqa: E402

from daemon_lab_outer import outer, private_workdir, read_env  # noqa: E402

import dns.dnssec  # noqa: E402
import dns.name  # noqa: E402
import dns.rdata  # noqa: E402
import dns.rdataclass  # noqa: E402
import dns.rdataset  # noqa: E402
import dns.rdatatype  # noqa: E402
import dns.rrset  # noqa: E402

VERIFY = os.path.join(ROOT, "tools", "proof-verify", "xdpdns-proof-verify")

# (name, type, which anchor file verifies it, verdict)
CASES = [
    ("www.alg13.test.", "A", "root", "secure"),
    ("www.alg8.test.", "A", "root", "secure"),
    ("www.alg10.test.", "AAAA", "root", "secure"),
    ("www.alg14.test.", "A", "root", "secure"),
    ("www.alg15.test.", "A", "root", "secure"),
    ("www.alg16.test.", "TXT", "root", "secure"),
    ("c3.chain.test.", "A", "root", "secure"),
    ("www.d2s.chain.test.", "A", "root", "secure"),
    ("c2i.chain.test.", "A", "root", "insecure"),
    ("c2nx.chain.test.", "A", "root", "secure"),
    ("nx.alg13.test.", "A", "root", "secure"),
    ("nx.nsec3zero.test.", "A", "root", "secure"),
    ("www.nsec3zero.test.", "TXT", "root", "secure"),
    ("b.ent.alg8.test.", "A", "root", "secure"),
    ("x.w.wild.test.", "A", "root", "secure"),
    ("x.w.nsec3zero.test.", "A", "root", "secure"),
    ("x.w.wild.test.", "MX", "root", "secure"),
    ("www.insecure.test.", "A", "root", "insecure"),
    ("www.insec.nsec3zero.test.", "A", "root", "insecure"),
    ("www.unsigned.nsec3optout.test.", "A", "root", "insecure"),
    ("www.sub.nsec3optout.test.", "A", "root", "secure"),
    ("www.mesh.internal.", "A", "mesh", "secure"),
    ("svc.mesh.internal.", "TXT", "mesh", "secure"),
]


def end_fixed(text):
    """The pack with its end line counting what is left, so that a tamper
    is caught by the proof, not by the count."""
    lines = [ln for ln in text.splitlines() if not ln.startswith("; end:")]
    n = sum(1 for ln in lines if ln.strip() and not ln.startswith(";"))
    return "\n".join(lines) + "\n; end: %d records\n" % n


def drop(text, pattern):
    return end_fixed("\n".join(ln for ln in text.splitlines()
                               if not re.search(pattern, ln)))


def rrsets(text):
    """{(owner, type, covered): RRset} of a pack, read by dnspython."""
    out = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith(";"):
            continue
        owner, ttl, _, rtype, rdata = line.split(None, 4)
        rd = dns.rdata.from_text("IN", rtype, rdata, origin=dns.name.root,
                                 relativize=False)
        covers = rd.type_covered if rd.rdtype == dns.rdatatype.RRSIG else 0
        key = (dns.name.from_text(owner), rd.rdtype, covers)
        out.setdefault(key, dns.rrset.RRset(key[0], dns.rdataclass.IN,
                                            rd.rdtype, covers)).add(rd, int(ttl))
    return out


def forge_zone(text, zone, owner, rtype):
    """Replace @zone's keys by a fresh ECDSA key that signs its DNSKEY
    RRset and the answer RRset (owner, rtype) consistently: only the DS
    from the parent can tell it apart."""
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    dnskey = dns.dnssec.make_dnskey(key.public_key(), dns.dnssec.Algorithm.ECDSAP256SHA256,
                                    flags=257)
    z = dns.name.from_text(zone)
    when = int(re.search(r"^; time: (\d+)", text, re.M).group(1))
    keyset = dns.rrset.from_rdata(z, 300, dnskey)
    ans = rrsets(text)[(dns.name.from_text(owner), dns.rdatatype.from_text(rtype), 0)]
    kept = [ln for ln in text.splitlines()
            if not re.match(r"%s \d+ IN (DNSKEY|RRSIG DNSKEY) " % re.escape(zone), ln) and
            not re.match(r"%s \d+ IN RRSIG %s " % (re.escape(owner), rtype), ln)]
    for rrset in (keyset, ans):
        sig = dns.dnssec.sign(rrset, key, z, dnskey, inception=when - 3600,
                              expiration=when + 86400)
        kept.append(dns.rrset.from_rdata(rrset.name, 300, sig).to_text())
    kept.append(keyset.to_text())
    return end_fixed("\n".join(kept))


def inner():
    env = read_env()
    t = Tap()
    start = time.time()
    work = private_workdir("xdpdns-proof.")
    if not work:
        return 0
    cli = os.path.join(work, "xdpdns")
    v4 = env["LAB_VETH_FWDC4"].split("/")[0]
    prefix = ["nsenter", "--net=/run/netns/" + env["LAB_NS_FWD"]]
    anchors = {"root": os.path.join(work, "root.ds"),
               "mesh": os.path.join(work, "mesh.ds")}
    shutil.copy(env["LAB_ANCHOR_DS"], anchors["root"])
    shutil.copy(env["LAB_MESH_DS"], anchors["mesh"])
    d = Daemon(os.path.join(work, "d"),
               ["--listen", v4, "--upstream", env["LAB_UPSTREAM"],
                "--trust-anchor", anchors["root"], "--trust-anchor", anchors["mesh"],
                "--workers", "2"], prefix=prefix)

    def proof(name, rtype, *extra):
        return subprocess.run([cli, "--control", d.ctl] + list(extra) +
                              ["proof", name, rtype], capture_output=True, text=True,
                              timeout=30)

    def verify(text, anchor="root", *extra):
        path = os.path.join(work, "pack.txt")
        with open(path, "w") as f:
            f.write(text)
        p = subprocess.run([VERIFY, "-a", anchors.get(anchor, anchor)] + list(extra) +
                           [path], capture_output=True, text=True, timeout=30)
        return p.returncode, p.stdout.strip() + p.stderr.strip()

    try:
        if not t.ok(d.start(), "daemon started with the lab and the mesh anchors"):
            return t.done()
        packs = {}
        for name, rtype, anchor, want in CASES:
            p = proof(name, rtype)
            packs[(name, rtype)] = p.stdout
            head = re.search(r"^; verdict: (\S+)", p.stdout, re.M)
            t.ok(p.returncode == 0 and head and head.group(1) == want,
                 "xdpdns proof %s %s: %s pack" % (name, rtype, want))
            if p.returncode != 0:
                t.diag(p.stderr)
            rc, out = verify(p.stdout, anchor)
            t.ok(rc == 0 and out == want,
                 "  verified offline from the %s anchor alone: %s" % (anchor, out))

        good = packs[("www.alg13.test.", "A")]
        # dns.dnssec directly: the anchor DS names the root KSK, and the
        # answer verifies with alg13.test.'s keys at the pack's time.
        sets = rrsets(good)
        when = int(re.search(r"^; time: (\d+)", good, re.M).group(1))
        root, zone = dns.name.root, dns.name.from_text("alg13.test.")
        with open(anchors["root"]) as f:
            ads = dns.rdata.from_text("IN", "DS", f.read().split(None, 4)[4])
        ksk = [k for k in sets[(root, dns.rdatatype.DNSKEY, 0)] if k.flags & 1]
        t.ok(any(dns.dnssec.make_ds(root, k, ads.digest_type).digest == ads.digest
                 for k in ksk), "dns.dnssec.make_ds: the anchor DS matches the pack's root KSK")
        try:
            dns.dnssec.validate(sets[(dns.name.from_text("www.alg13.test."), 1, 0)],
                                sets[(dns.name.from_text("www.alg13.test."), 46, 1)],
                                {zone: sets[(zone, dns.rdatatype.DNSKEY, 0)]}, now=when)
            dns.dnssec.validate(sets[(zone, dns.rdatatype.DNSKEY, 0)],
                                sets[(zone, 46, dns.rdatatype.DNSKEY)],
                                {zone: sets[(zone, dns.rdatatype.DNSKEY, 0)]}, now=when)
            direct = True
        except (dns.dnssec.ValidationFailure, KeyError) as e:
            t.diag("dns.dnssec: %s" % e)
            direct = False
        t.ok(direct, "dns.dnssec.validate: the answer and the DNSKEY RRset of the pack verify")

        # --- tampered packs fail ------------------------------------------
        tampers = [
            ("altered RDATA", end_fixed(good.replace(" IN A 192.0.2.1", " IN A 192.0.2.66"))),
            ("removed answer RRSIG", drop(good, r"^www\.alg13\.test\. \d+ IN RRSIG A ")),
            ("removed DS", drop(good, r"^alg13\.test\. \d+ IN (DS|RRSIG DS) ")),
            ("removed DNSKEY RRSIG", drop(good, r"^alg13\.test\. \d+ IN RRSIG DNSKEY ")),
            ("swapped key (forged zone, consistent signatures)",
             forge_zone(good, "alg13.test.", "www.alg13.test.", "A")),
            ("truncated pack", good[:len(good) // 2]),
            ("truncated at a line end", "\n".join(good.splitlines()[:-3]) + "\n"),
            ("verdict changed", end_fixed(good.replace("; verdict: secure", "; verdict: insecure"))),
            ("downgrade: signatures stripped, verdict insecure",
             drop(good.replace("; verdict: secure", "; verdict: insecure"),
                  r"^www\.alg13\.test\. \d+ IN RRSIG ")),
        ]
        nx = packs[("nx.alg13.test.", "A")]
        nsec = re.search(r"^(\S+) \d+ IN NSEC (\S+) ", nx, re.M)
        tampers.append(("NSEC next name altered",
                        end_fixed(nx.replace(" IN NSEC %s " % nsec.group(2),
                                             " IN NSEC zzzz.%s " % nsec.group(2), 1))))
        nx3 = packs[("nx.nsec3zero.test.", "A")]
        last = [ln for ln in nx3.splitlines() if " IN NSEC3 " in ln][-1]
        tampers.append(("NSEC3 proof missing a record", drop(nx3, re.escape(last.split()[0]))))
        ins = packs[("www.insecure.test.", "A")]
        tampers.append(("insecure-delegation proof removed",
                        drop(ins, r"^insecure\.test\. \d+ IN (NSEC|RRSIG NSEC) ")))
        wild = packs[("x.w.wild.test.", "A")]
        tampers.append(("wildcard without its NSEC",
                        drop(wild, r" IN (NSEC|RRSIG NSEC) ")))
        for what, text in tampers:
            rc, out = verify(text)
            t.ok(rc == 1 and out.startswith("bogus:"), "tampered (%s) fails: %s" % (what, out))

        wrong = os.path.join(work, "wrong.ds")
        with open(anchors["root"]) as f:
            w = f.read().split()
        w[-1] = ("0" if w[-1][0] != "0" else "1") + w[-1][1:]
        with open(wrong, "w") as f:
            f.write(" ".join(w) + "\n")
        rc, out = verify(good, wrong)
        t.ok(rc == 1 and out.startswith("bogus:"), "wrong anchor (one digest digit) fails: " + out)
        rc, out = verify(good, "mesh")
        t.ok(rc == 1 and out.startswith("bogus:"), "another zone's anchor fails: " + out)
        rc, out = verify(packs[("www.mesh.internal.", "A")], "root")
        t.ok(rc == 1 and out.startswith("bogus:"),
             "mesh.internal. from the root anchor alone fails: " + out)
        rc, out = verify(good, "root", "--time", str(when + 60 * 86400))
        t.ok(rc == 1 and out.startswith("bogus:"),
             "checked 60 days later, after the signatures expire: " + out)
        rc, out = verify(good, "root", "--time", "now")
        t.ok(rc == 0 and out == "secure", "checked now: " + out)

        # --- a Bogus answer, JSON, usage -----------------------------------
        p = proof("www.expired.test.", "A")
        t.ok(p.returncode == 1 and "; verdict: bogus" in p.stdout and "expired" in p.stderr,
             "bogus answer: pack written, exit 1, reason: %s" % p.stderr.strip())
        rc, out = verify(p.stdout)
        t.ok(rc == 1 and out.startswith("bogus:"), "its pack does not verify: " + out)
        t.ok("; daemon: SERVFAIL EDE 7" in p.stdout, "the pack records the daemon's SERVFAIL EDE 7")
        p = proof("www.alg15.test.", "A", "-j")
        try:
            j = json.loads(p.stdout)
        except ValueError:
            j = {}
        t.ok(p.returncode == 0 and j.get("verdict") == "secure" and
             j.get("daemon") == "NOERROR AD" and j.get("pack", "").startswith("; xdpdns proof"),
             "-j: verdict, daemon answer and pack in JSON")
        out = os.path.join(work, "out.pack")
        p = subprocess.run([cli, "--control", d.ctl, "proof", "www.alg13.test.", "A", "-o", out],
                           capture_output=True, text=True, timeout=30)
        t.ok(p.returncode == 0 and os.path.exists(out) and
             verify(open(out).read())[1] == "secure", "-o FILE writes a verifiable pack")
        p = proof("www.alg13.test.", "NOSUCHTYPE")
        t.is_(p.returncode, 2, "an unknown type is a usage error")
        t.ok(d.alive(), "daemon still running")
        t.is_(d.stop(), 0, "daemon stops cleanly")
        t.diag("ops_proof took %.1f s" % (time.time() - start))
    finally:
        if d.alive():
            d.stop(sig=signal.SIGKILL)
        shutil.rmtree(work, ignore_errors=True)
    return t.done()


sys.exit(inner() if "--inner" in sys.argv else outer(os.path.abspath(__file__)))
