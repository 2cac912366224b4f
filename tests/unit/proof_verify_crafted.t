#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Crafted packs for the offline verifier (tools/proof-verify): zones signed
here with dnspython, packs made of authentic records put together to claim
what they do not prove. Each must fail; the honest packs beside them (same
zones, same keys) must verify, so that a failure means the check, not a
broken fixture. No lab, no daemon."""

import os
import subprocess
import sys
import tempfile

from cryptography.hazmat.primitives.asymmetric import ec

import dns.dnssec
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype as T
import dns.rrset

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
VERIFY = os.path.join(ROOT, "tools", "proof-verify", "xdpdns-proof-verify")
NOW = 1795914356
N = dns.name.from_text
IN = dns.rdataclass.IN


class Zone:
    """One zone with one ECDSA P-256 key (SEP and zone key)."""

    def __init__(self, name):
        self.name = N(name)
        self.priv = ec.generate_private_key(ec.SECP256R1())
        self.key = dns.dnssec.make_dnskey(self.priv.public_key(), 13, flags=257)

    def rr(self, owner, rdtype, text):
        return dns.rrset.from_text(N(owner), 300, IN, rdtype, text)

    def sign(self, rrset):
        return dns.rrset.from_rdata(rrset.name, 300, dns.dnssec.sign(
            rrset, self.priv, self.name, self.key,
            inception=NOW - 3600, expiration=NOW + 86400))

    def signed(self, owner, rdtype, *texts):
        s = dns.rrset.from_text_list(N(owner), 300, IN, rdtype, list(texts))
        return [s, self.sign(s)]

    def dnskey(self):
        return self.signed(self.name.to_text(), "DNSKEY", self.key.to_text())

    def ds(self, parent):
        ds = dns.dnssec.make_ds(self.name, self.key, "SHA256")
        return parent.signed(self.name.to_text(), "DS", ds.to_text())

    def soa(self):
        n = self.name.to_text()
        return self.signed(n, "SOA", "ns.%s h.%s 1 2 3 4 300" % (n, n))

    def nsec3(self, owner, nxt, types, flags=0, salt="-"):
        """The NSEC3 of @owner, next hashed owner that of @nxt."""
        def h(name):
            return dns.dnssec.nsec3_hash(N(name), None if salt == "-" else salt, 0, 1)
        return self.signed("%s.%s" % (h(owner), self.name.to_text()), "NSEC3",
                           "1 %d 0 %s %s %s" % (flags, salt, h(nxt), types))


root = Zone(".")
ex = Zone("example.")          # NSEC3, secure sub.example., opt-out
sub = Zone("sub.example.")
en = Zone("ent.")              # NSEC, an empty non-terminal b.ent.

chain = root.dnskey() + ex.ds(root) + ex.dnskey()


def pack(question, rcode, verdict, records):
    lines = ["; xdpdns proof pack", "; version: 1",
             "; question: %s" % question, "; rcode: %s" % rcode,
             "; verdict: %s" % verdict, "; time: %d" % NOW]
    n = 0
    for rrset in records:
        for rd in rrset:
            lines.append("%s 300 IN %s %s" % (rrset.name.to_text(),
                                              T.to_text(rrset.rdtype),
                                              rd.to_text()))
            n += 1
    lines.append("; end: %d records" % n)
    return "\n".join(lines) + "\n"


def verify(text):
    with tempfile.NamedTemporaryFile("w", suffix=".pack") as f:
        f.write(text)
        f.flush()
        r = subprocess.run(["/usr/bin/python3", VERIFY, "-a", anchor, f.name],
                           capture_output=True, text=True, timeout=60)
    return r.returncode, (r.stdout + r.stderr).strip()


tests = 0
failed = 0


def check(text, want, what):
    global tests, failed
    tests += 1
    rc, out = verify(text)
    good = out == want if want != "bogus" else (rc == 1 and out.startswith("bogus"))
    print("%s %d - %s" % ("ok" if good else "not ok", tests, what))
    if not good:
        failed += 1
        print("# got rc %d: %s" % (rc, out))


with tempfile.TemporaryDirectory() as tmp:
    anchor = os.path.join(tmp, "root.ds")
    with open(anchor, "w") as f:
        f.write(". IN DS %s\n" % dns.dnssec.make_ds(root.name, root.key, "SHA256"))

    # example.: apex, secure delegation sub., insecure opt-out range.
    apex3 = ex.nsec3("example.", "sub.example.", "SOA NS DNSKEY NSEC3PARAM RRSIG")
    sub3 = ex.nsec3("sub.example.", "example.", "NS DS RRSIG")
    apex3o = ex.nsec3("example.", "sub.example.", "SOA NS DNSKEY NSEC3PARAM RRSIG", 1)
    sub3o = ex.nsec3("sub.example.", "example.", "NS DS RRSIG", 1)
    nsec3_proof = ex.soa() + apex3 + sub3

    print("1..10")
    # Honest: nx.example. does not exist (apex closest encloser).
    check(pack("nx.example. IN A", "NXDOMAIN", "secure", chain + nsec3_proof),
          "secure", "NSEC3 NXDOMAIN from the apex verifies")
    # RFC 6840 4.1: the parent's NSEC3 of the cut sub.example. must not
    # deny names in the child zone.
    check(pack("www.sub.example. IN A", "NXDOMAIN", "secure", chain + nsec3_proof),
          "bogus", "NSEC3 of a delegation as closest encloser fails")
    # Honest opt-out: unsigned data below an opt-out span (RFC 5155 8.6).
    optout = ex.soa() + apex3o + sub3o
    check(pack("www.ins.example. IN A", "NOERROR", "insecure",
               chain + optout + [ex.rr("www.ins.example.", "A", "192.0.2.1")]),
          "insecure", "unsigned data in an opt-out span verifies insecure")
    # The same span over a name below the secure cut sub.example.
    check(pack("www.sub.example. IN A", "NOERROR", "insecure",
               chain + optout + [ex.rr("www.sub.example.", "A", "192.0.2.1")]),
          "bogus", "opt-out below a secure delegation fails")
    # Honest: the child's own data.
    check(pack("www.sub.example. IN A", "NOERROR", "secure",
               chain + sub.ds(ex) + sub.dnskey()
               + sub.signed("www.sub.example.", "A", "192.0.2.2")),
          "secure", "signed data of the child verifies")

    # Two NSEC3 chains of example. (a salt change): hashes of one chain
    # are not covered by the spans of the other.
    other = (ex.nsec3("example.", "sub.example.", "SOA NS RRSIG", salt="beef")
             + ex.nsec3("sub.example.", "example.", "NS DS RRSIG", salt="beef"))
    check(pack("sub.example. IN A", "NXDOMAIN", "secure",
               chain + ex.soa() + apex3 + other),
          "bogus", "NSEC3 of another salt do not cover an existing name")

    # ent.: NSEC chain ent. -> a.b.ent. -> ent.; b.ent. is an empty
    # non-terminal, it exists.
    ent_chain = root.dnskey() + en.ds(root) + en.dnskey()
    ent_proof = (en.soa()
                 + en.signed("ent.", "NSEC", "a.b.ent. SOA NS DNSKEY RRSIG NSEC")
                 + en.signed("a.b.ent.", "NSEC", "ent. A RRSIG NSEC"))
    check(pack("b.ent. IN A", "NOERROR", "secure", ent_chain + ent_proof),
          "secure", "NSEC no data at an empty non-terminal verifies")
    check(pack("b.ent. IN A", "NXDOMAIN", "secure", ent_chain + ent_proof),
          "bogus", "NSEC NXDOMAIN for an empty non-terminal fails")

    # ent. also delegates ins.ent. without DS: unsigned data below it is
    # insecure, an unsigned DS at the cut itself is forged.
    ins = en.signed("ins.ent.", "NSEC", "ent. NS RRSIG NSEC")
    check(pack("www.ins.ent. IN A", "NOERROR", "insecure",
               ent_chain + ins + [en.rr("www.ins.ent.", "A", "192.0.2.3")]),
          "insecure", "unsigned data below a proven insecure delegation verifies")
    fake = dns.dnssec.make_ds(N("ins.ent."), sub.key, "SHA256")
    check(pack("ins.ent. IN DS", "NOERROR", "insecure",
               ent_chain + ins + [en.rr("ins.ent.", "DS", fake.to_text())]),
          "bogus", "an unsigned DS where the parent denies DS fails")

sys.exit(1 if failed else 0)
