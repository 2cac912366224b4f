#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
# Second opinion: dnspython's dns.dnssec.validate and our val_rrset_verify
# judge the same signed RRsets (several algorithms, mixed-case names in
# owners and RDATA, several records per set, wildcard owners, tampered
# data and signatures, times around the validity window) and must agree.
import os
import random
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_dnssec_vectors as g  # noqa: E402

import dns.dnssec  # noqa: E402
import dns.message  # noqa: E402
import dns.name  # noqa: E402
import dns.rdata  # noqa: E402
import dns.rdatatype as T  # noqa: E402
import dns.rrset  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
BIN = os.path.join(ROOT, os.environ.get("OUTPUT", ".output"),
                   "tests/unit/test_dnssec_rrsig")

if not os.access(BIN, os.X_OK):
    print("1..0 # SKIP %s not built" % BIN)
    sys.exit(0)

rng = random.Random(4035)
keys = {alg: g.Key(alg, "vs-dnspython/%d" % alg, 256) for alg in (13, 15)}
keys[8] = g.Key(8, "vs-dnspython/8", 256) if False else None
# RSA keys from the generator's seeded primes take seconds; one is enough.
keys[8] = g.Key(8, "vs-dnspython/rsa", 257)


def mixed(text):
    return "".join(c.upper() if rng.random() < 0.5 else c for c in text)


def make_set(zone):
    kind = rng.choice(["A", "TXT", "MX", "CNAME", "NS", "SRV"])
    owner = dns.name.from_text(mixed(rng.choice(["www", "a.b", "*", "x"])),
                               zone)
    rs = dns.rrset.RRset(owner, 1, T.from_text(kind))
    for i in range(1 if kind == "CNAME" else rng.randint(1, 4)):
        if kind == "A":
            text = "192.0.2.%d" % rng.randint(1, 254)
        elif kind == "TXT":
            text = '"%s"' % mixed("text%d" % rng.randint(0, 99))
        elif kind == "MX":
            text = "%d %s" % (rng.randint(0, 50), mixed("mx%d.%s" % (i, zone)))
        elif kind == "SRV":
            text = "0 5 %d %s" % (rng.randint(1, 9999),
                                  mixed("srv%d.%s" % (i, zone)))
        else:
            text = mixed("t%d.%s" % (i, zone))
        rs.add(dns.rdata.from_text(1, rs.rdtype, text), 300)
    return rs


lines, expected = [], []
for n in range(90):
    alg = (8, 13, 15)[n % 3]
    key = keys[alg]
    zone = dns.name.from_text(mixed("z%d.example." % n))
    rs = make_set(zone)
    inc, exp = g.INCEPTION, g.EXPIRATION
    sig = g.sign(rs, key, zone, inc, exp)
    now = g.NOW
    what = rng.choice(["ok", "ok", "tamper-data", "tamper-sig", "late",
                       "early", "recase"])
    if what == "tamper-data":
        rs2 = dns.rrset.RRset(rs.name, 1, rs.rdtype)
        for rd in rs:
            rs2.add(rd, rs.ttl)
        # one more record of the same type, or one record replaced
        extra = make_set(zone)
        while extra.rdtype != rs.rdtype:
            extra = make_set(zone)
        if len(rs) > 1 or rs.rdtype == T.CNAME:
            rs2 = dns.rrset.RRset(rs.name, 1, rs.rdtype)
        for rd in extra:
            if rd not in rs:
                rs2.add(rd, rs.ttl)
                break
        rs = rs2 if len(rs2) else rs
    elif what == "tamper-sig":
        b = bytearray(sig.signature)
        b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
        sig = sig.replace(signature=bytes(b))
    elif what == "late":
        now = exp + rng.randint(1, 10 ** 6)
    elif what == "early":
        now = inc - rng.randint(1, 10 ** 6)
    elif what == "recase":
        # case changes in the owner must not matter (RFC 4034 6.2)
        rs2 = dns.rrset.RRset(dns.name.from_text(mixed(rs.name.to_text())),
                              1, rs.rdtype)
        for rd in rs:
            rs2.add(rd, rs.ttl)
        rs = rs2
    keyset = dns.rrset.RRset(zone, 1, T.DNSKEY)
    keyset.add(key.dnskey, 3600)
    sigs = dns.rrset.RRset(rs.name, 1, T.RRSIG)
    sigs.add(sig, rs.ttl)
    try:
        dns.dnssec.validate(rs, sigs, {zone: keyset}, now=now)
        verdict = "secure"
    except dns.dnssec.ValidationFailure:
        verdict = "bogus"
    m = dns.message.make_response(dns.message.make_query(rs.name, rs.rdtype))
    m.answer += [keyset, rs, sigs]
    lines.append("%s %d" % (m.to_wire(want_shuffle=False).hex(), now))
    expected.append((verdict, what, alg, rs.name.to_text(),
                     T.to_text(rs.rdtype)))

with tempfile.NamedTemporaryFile("w", suffix=".vec") as f:
    f.write("\n".join(lines) + "\n")
    f.flush()
    out = subprocess.run([BIN], env=dict(os.environ,
                                         XDPDNS_DNSSEC_VECTORS=f.name),
                         capture_output=True, text=True, check=False)
got = {}
for line in out.stdout.splitlines():
    idx, verdict = line.split()
    got[int(idx)] = verdict

secure = sum(1 for e in expected if e[0] == "secure")
print("1..%d" % (len(expected) + 2))
print("# %d vectors, %d secure by dnspython" % (len(expected), secure))
for i, (verdict, what, alg, name, kind) in enumerate(expected, 1):
    mine = got.get(i, "missing")
    print("%sok %d - vector %d alg %d %s %s (%s): dnspython %s, ours %s" % (
        "" if mine == verdict else "not ", i, i, alg, name, kind, what,
        verdict, mine))
print("%sok %d - both verdicts occur" % (
    "" if 0 < secure < len(expected) else "not ", len(expected) + 1))
print("%sok %d - C side exited 0" % ("" if out.returncode == 0 else "not ",
                                       len(expected) + 2))
