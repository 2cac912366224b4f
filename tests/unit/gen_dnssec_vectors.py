#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
# Generates tests/unit/dnssec_fixtures.h: a signed DNS hierarchy at a fixed
# clock, the DS/DNSKEY responses of every zone cut, and test responses with
# the verdict the RFCs require. Run once; the output is committed.
#
#   /usr/bin/python3 tests/unit/gen_dnssec_vectors.py > tests/unit/dnssec_fixtures.h
#
#   /usr/bin/python3 tests/unit/gen_dnssec_vectors.py --corpus \
#       tests/unit/dnssec_fixtures.h tests/fuzz/corpus/validator
# writes the committed fixture messages out as fuzzing seeds.
#
# Keys come from fixed seeds (RSA primes from a seeded generator, ECDSA and
# Ed25519 scalars from hashes of fixed strings). ECDSA signatures are
# randomised by OpenSSL, so two runs give different but equally valid bytes.
# Every signature made here is checked again by dns.dnssec.validate (the
# second opinion) before it is written out.

import base64
import hashlib
import random
import struct
import sys

import dns.dnssec
import dns.flags
import dns.message
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdataset
import dns.rdatatype as T
import dns.rrset
from dns.rdtypes.ANY.RRSIG import RRSIG
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

NOW = 1767225600  # 2026-01-01T00:00:00Z, the fixtures' fixed clock
INCEPTION = NOW - 10 * 86400
EXPIRATION = NOW + 30 * 86400
IN = dns.rdataclass.IN
N = dns.name.from_text


# --- keys ---------------------------------------------------------------

def _is_prime(n, rng):
    if n < 2:
        return False
    for p in (3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47):
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for _ in range(24):
        a = rng.randrange(2, n - 2)
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def rsa_key(seed, bits=2048):
    rng = random.Random(seed)
    e = 65537
    while True:
        ps = []
        while len(ps) < 2:
            c = rng.getrandbits(bits // 2) | (3 << (bits // 2 - 2)) | 1
            if _is_prime(c, rng):
                ps.append(c)
        p, q = ps
        phi = (p - 1) * (q - 1)
        if p != q and phi % e:
            break
    d = pow(e, -1, phi)
    pub = rsa.RSAPublicNumbers(e, p * q)
    return rsa.RSAPrivateNumbers(p, q, d, d % (p - 1), d % (q - 1),
                                 pow(q, -1, p), pub).private_key()


def make_key(alg, seed):
    h = hashlib.sha256(seed.encode()).digest()
    if alg == 8:
        return rsa_key(seed, 1024 if "keytrap" in seed else 2048)
    if alg == 13:
        return ec.derive_private_key(int.from_bytes(h, "big") % (2**255),
                                     ec.SECP256R1())
    if alg == 15:
        return ed25519.Ed25519PrivateKey.from_private_bytes(h)
    raise ValueError(alg)


class Key:
    def __init__(self, alg, seed, flags):
        self.alg = alg
        self.priv = make_key(alg, seed)
        self.dnskey = dns.dnssec.make_dnskey(self.priv.public_key(), alg,
                                             flags=flags)
        self.tag = dns.dnssec.key_id(self.dnskey)


def raw_sign(priv, alg, data):
    if alg == 8:
        return priv.sign(data, padding.PKCS1v15(), hashes.SHA256())
    if alg == 13:
        r, s = decode_dss_signature(priv.sign(data, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")
    if alg == 15:
        return priv.sign(data)
    raise ValueError(alg)


def sign(rrset, key, signer, inception=INCEPTION, expiration=EXPIRATION,
         labels=None):
    """RRSIG over @rrset (RFC 4034 3.1.8.1); Labels excludes a leading '*'."""
    name = rrset.name
    if labels is None:
        labels = len(name) - 1 - (1 if name.is_wild() else 0)
    tmpl = RRSIG(IN, T.RRSIG, rrset.rdtype, key.alg, labels, rrset.ttl,
                 expiration, inception, key.tag, signer, b"")
    data = dns.dnssec._make_rrsig_signature_data(rrset, tmpl)
    return tmpl.replace(signature=raw_sign(key.priv, key.alg, data))


def sigset(name, ttl, sigs):
    rs = dns.rrset.RRset(name, IN, T.RRSIG)
    for s in sigs:
        rs.add(s, ttl)
    return rs


def second_opinion(rrset, sigs, dnskeys):
    """dns.dnssec.validate must agree that @rrset verifies at NOW."""
    dns.dnssec.validate(rrset, sigs, {dnskeys.name: dnskeys}, now=NOW)


# --- zones and an authoritative answer engine ---------------------------

def rr(owner, ttl, rtype, text):
    rs = dns.rrset.RRset(owner, IN, T.from_text(rtype))
    rs.add(dns.rdata.from_text(IN, T.from_text(rtype), text), ttl)
    return rs


class Zone:
    def __init__(self, origin, alg=13, nsec3=None, signed=True,
                 ksk_flags=257, zsk_flags=256, seed=None):
        self.origin = N(origin)
        self.signed = signed
        self.nsec3 = nsec3  # (salt bytes, iterations, optout)
        self.data = {}
        self.sigover = {}   # (name, type) -> dict(...)
        seed = seed or origin
        self.alg = alg
        if signed:
            self.ksk = Key(alg, seed + "/ksk", ksk_flags)
            self.zsk = Key(alg, seed + "/zsk", zsk_flags)
            self.extra_keys = []
        self.add("@ 3600 SOA ns hostmaster 1 7200 3600 864000 300")
        self.add("@ 3600 NS ns")

    def name(self, rel):
        return self.origin if rel == "@" else dns.name.from_text(rel,
                                                                 self.origin)

    def add(self, line):
        owner, ttl, rtype, text = line.split(None, 3)
        name = self.name(owner)
        t = T.from_text(rtype)
        node = self.data.setdefault(name, {})
        if t not in node:
            node[t] = dns.rrset.RRset(name, IN, t)
        node[t].add(dns.rdata.from_text(IN, t, text, self.origin,
                                        relativize=False), int(ttl))

    def delegations(self):
        return sorted(n for n, node in self.data.items()
                      if n != self.origin and T.NS in node)

    def below_cut(self, name):
        return any(name != d and name.is_subdomain(d)
                   for d in self.delegations())

    def finish(self):
        if not self.signed:
            return
        self.dnskeys = dns.rrset.RRset(self.origin, IN, T.DNSKEY)
        for k in self.extra_keys + [self.ksk, self.zsk]:
            self.dnskeys.add(k.dnskey, 3600)
        self.data[self.origin][T.DNSKEY] = self.dnskeys
        if self.nsec3:
            salt, it, optout = self.nsec3
            self.add("@ 0 NSEC3PARAM 1 0 %d %s" % (it, salt.hex() or "-"))
        self.build_denial()

    def auth_names(self):
        return sorted(n for n in self.data if not self.below_cut(n))

    def exists(self, name):
        """Name exists: has data, or is an empty non-terminal."""
        return any(n.is_subdomain(name) for n in self.auth_names())

    def build_denial(self):
        names = self.auth_names()
        self.nsec = {}
        self.nsec3recs = {}
        if not self.nsec3:
            for i, n in enumerate(names):
                # RRSIG is always listed: the NSEC itself is signed.
                types = set(self.data[n]) | {T.NSEC, T.RRSIG}
                nxt = names[(i + 1) % len(names)]
                text = "%s %s" % (nxt, " ".join(sorted(T.to_text(t)
                                                       for t in types)))
                self.nsec[n] = rr(n, 300, "NSEC", text)
            return
        salt, it, optout = self.nsec3
        allnames = set()
        for n in names:
            if optout and n in self.delegations() and \
                    T.DS not in self.data[n]:
                continue  # RFC 5155 7.1: opt-out skips insecure cuts
            m = n
            while m != self.origin:
                allnames.add(m)
                m = m.parent()
            allnames.add(self.origin)
        hashed = {}
        for n in allnames:
            h = dns.dnssec.nsec3_hash(n, salt, it, 1).lower()
            hashed[h] = n
        order = sorted(hashed)
        for i, h in enumerate(order):
            n = hashed[h]
            types = set(self.data.get(n, {}))
            if types and not (n in self.delegations() and
                              T.DS not in self.data[n]):
                types.add(T.RRSIG)
            nxt = order[(i + 1) % len(order)]
            text = "1 %d %d %s %s %s" % (
                1 if optout else 0, it, salt.hex() or "-", nxt.upper(),
                " ".join(sorted(T.to_text(t) for t in types)))
            owner = dns.name.from_text(h, self.origin)
            self.nsec3recs[h] = (n, rr(owner, 300, "NSEC3", text))

    def signed_set(self, rrset, override=None):
        """(rrset, rrsig set or None) with the zone's normal signature."""
        if not self.signed:
            return (rrset, None)
        o = dict(self.sigover.get((rrset.name, rrset.rdtype), {}))
        if override:
            o.update(override)
        if o.get("nosig"):
            return (rrset, None)
        key = o.get("key") or (self.ksk if rrset.rdtype == T.DNSKEY
                               else self.zsk)
        s = sign(rrset, key, self.origin, o.get("inception", INCEPTION),
                 o.get("expiration", EXPIRATION))
        sigs = sigset(rrset.name, rrset.ttl, [s])
        if not o.get("inception") and not o.get("expiration"):
            second_opinion(rrset, sigs, self.dnskeys)
        if o.get("tamper"):
            rrset = o["tamper"](rrset)
        return (rrset, sigs)

    def get(self, name, t):
        return self.data.get(name, {}).get(t)

    # The NSEC or NSEC3 records proving facts about names.
    def nsec_covering(self, name):
        names = sorted(self.nsec)
        prev = names[-1]
        for n in names:
            if n > name:
                break
            prev = n
        return self.nsec[prev]

    def n3(self, name):
        salt, it, _ = self.nsec3
        h = dns.dnssec.nsec3_hash(name, salt, it, 1).lower()
        if h in self.nsec3recs:
            return self.nsec3recs[h][1], True
        order = sorted(self.nsec3recs)
        prev = order[-1]
        for x in order:
            if x > h:
                break
            prev = x
        return self.nsec3recs[prev][1], False

    def closest_encloser(self, qname):
        m = qname
        while not self.exists(m) or self.below_cut(m):
            m = m.parent()
        return m

    def answer(self, qname, qtype):
        """Authoritative answer: (rcode, answer sets, authority sets)."""
        soa = self.signed_set(self.get(self.origin, T.SOA))
        node = self.data.get(qname, {})
        cut = qname in self.delegations() and qname != self.origin
        if qtype == T.DS and cut and T.DS in node:
            return (0, [self.signed_set(node[T.DS])], [])
        if not cut and qtype in node:
            return (0, [self.signed_set(node[qtype])], [])
        if not cut and T.CNAME in node:
            return (0, [self.signed_set(node[T.CNAME])], [])
        # DNAME at an ancestor inside the zone
        m = qname.parent() if qname != self.origin else None
        while m is not None and m.is_subdomain(self.origin):
            dn = self.get(m, T.DNAME)
            if dn:
                target = qname.relativize(m).derelativize(dn[0].target)
                syn = rr(qname, dn.ttl, "CNAME", target.to_text())
                return (0, [self.signed_set(dn), (syn, None)], [])
            if m == self.origin:
                break
            m = m.parent()
        if self.exists(qname) and (cut or not self.below_cut(qname)):
            return (0, [], [soa] + self.nodata_proof(qname, qtype))
        ce = self.closest_encloser(qname)
        wild = dns.name.from_text("*", ce)
        if wild in self.data:
            wnode = self.data[wild]
            if qtype in wnode or T.CNAME in wnode:
                t = qtype if qtype in wnode else T.CNAME
                ws = wnode[t]
                exp = dns.rrset.RRset(qname, IN, t)
                for rd in ws:
                    exp.add(rd, ws.ttl)
                sigs = None
                if self.signed:
                    s = sign(ws, self.zsk, self.origin)
                    sigs = sigset(qname, ws.ttl, [s])
                    second_opinion(exp, sigs, self.dnskeys)
                return (0, [(exp, sigs)], self.wildcard_proof(qname, ce))
            return (0, [], [soa] + self.wildcard_nodata(qname, ce, qtype))
        return (3, [], [soa] + self.nxdomain_proof(qname, ce))

    def _uniq(self, sets):
        out, seen = [], set()
        for s in sets:
            key = (s.name, s.rdtype)
            if key not in seen:
                seen.add(key)
                out.append(self.signed_set(s))
        return out

    def next_closer(self, qname, ce):
        return dns.name.Name(qname.labels[-(len(ce) + 1):])

    def nodata_proof(self, qname, qtype):
        if not self.signed:
            return []
        if not self.nsec3:
            if qname in self.nsec:
                return self._uniq([self.nsec[qname]])
            return self._uniq([self.nsec_covering(qname)])  # ENT
        rec, match = self.n3(qname)
        if match:
            return self._uniq([rec])
        # DS for an opt-out delegation: closest encloser proof (8.6)
        ce = qname.parent()
        while not self.n3(ce)[1]:
            ce = ce.parent()
        return self._uniq([self.n3(ce)[0],
                           self.n3(self.next_closer(qname, ce))[0]])

    def nxdomain_proof(self, qname, ce):
        if not self.signed:
            return []
        wild = dns.name.from_text("*", ce)
        if not self.nsec3:
            return self._uniq([self.nsec_covering(qname),
                               self.nsec_covering(wild)])
        return self._uniq([self.n3(ce)[0],
                           self.n3(self.next_closer(qname, ce))[0],
                           self.n3(wild)[0]])

    def wildcard_proof(self, qname, ce):
        if not self.signed:
            return []
        if not self.nsec3:
            return self._uniq([self.nsec_covering(qname)])
        return self._uniq([self.n3(self.next_closer(qname, ce))[0]])

    def wildcard_nodata(self, qname, ce, qtype):
        wild = dns.name.from_text("*", ce)
        if not self.nsec3:
            return self._uniq([self.nsec_covering(qname), self.nsec[wild]])
        return self._uniq([self.n3(ce)[0],
                           self.n3(self.next_closer(qname, ce))[0],
                           self.n3(wild)[0]])


# --- the hierarchy --------------------------------------------------------

ZONES = {}


def zone(z):
    ZONES[z.origin] = z
    return z


def build():
    root = zone(Zone(".", alg=8))
    tld = zone(Zone("test.", alg=13))
    sec = zone(Zone("secure.test.", alg=13))
    zone(Zone("rsa.test.", alg=8))
    zone(Zone("ed.test.", alg=15))
    n3 = zone(Zone("n3.test.", alg=13, nsec3=(bytes.fromhex("aabbccdd"), 5,
                                              False)))
    opt = zone(Zone("optout.test.", alg=13, nsec3=(b"", 0, True)))
    n3hi = zone(Zone("n3hi.test.", alg=13, nsec3=(b"\x01", 200, False)))
    ins = zone(Zone("insecure.test.", signed=False))
    zone(Zone("unsigned.optout.test.", signed=False))
    unsup = zone(Zone("unsup.test.", alg=13))
    unsupdig = zone(Zone("unsupdig.test.", alg=13))
    nokey = zone(Zone("nokey.test.", alg=13))
    revoked = zone(Zone("revoked.test.", alg=13, ksk_flags=257 | 0x80))
    nozone = zone(Zone("nozone.test.", alg=13, zsk_flags=0))
    bog = zone(Zone("bogus.test.", alg=13))
    nta = zone(Zone("nta.test.", alg=13))
    mesh = zone(Zone("mesh.internal.", alg=15))
    ktrap = zone(Zone("keytrap.test.", alg=8))
    strap = zone(Zone("sigtrap.test.", alg=13))
    vcap = zone(Zone("vcap.test.", alg=13))
    n3cap = zone(Zone("n3cap.test.", alg=13, nsec3=(b"\x02", 0, False)))

    root.add("test. 86400 NS ns.test.")
    tld.add("ns 3600 A 192.0.2.53")
    for z in ZONES.values():
        for line in ("www 300 A 192.0.2.1", "ns 300 A 192.0.2.53"):
            if z.origin not in (N("."), N("test.")):
                z.add(line)
        if z.origin != N(".") and z.origin.parent() == N("test."):
            tld.add("%s 86400 NS ns.%s" % (z.origin, z.origin))
    opt.add("unsigned 86400 NS ns.unsigned")
    opt.add("ns.unsigned 86400 A 192.0.2.54")
    opt.add("signed 300 TXT \"x\"")

    sec.add("www 300 AAAA 2001:db8::1")
    sec.add("*.wild 300 A 192.0.2.9")
    sec.add("*.wtxt 300 TXT \"wild\"")
    sec.add("alias 300 CNAME www")
    sec.add("toinsecure 300 CNAME www.insecure.test.")
    sec.add("x.ent 300 A 192.0.2.7")
    sec.add("txt 300 TXT \"t\"")
    sec.add("dname 300 DNAME rsa.test.")
    for i in range(13):
        sec.add("l%d 300 CNAME l%d" % (i, i + 1))
    sec.add("l13 300 CNAME www")
    deep = ".".join("d%d" % i for i in range(22, 0, -1)) + ".deep"
    sec.add("%s 300 A 192.0.2.22" % deep)
    for z in (n3,):
        z.add("*.wild 300 A 192.0.2.9")
        z.add("txt 300 TXT \"t\"")
        z.add("x.ent 300 A 192.0.2.7")
    bog.add("expired 300 A 192.0.2.2")
    bog.add("future 300 A 192.0.2.3")
    bog.add("tampered 300 A 192.0.2.4")
    bog.add("nosig 300 A 192.0.2.5")
    bog.sigover[(N("expired.bogus.test."), T.A)] = dict(
        inception=NOW - 40 * 86400, expiration=NOW - 86400)
    bog.sigover[(N("future.bogus.test."), T.A)] = dict(
        inception=NOW + 86400, expiration=NOW + 40 * 86400)

    def tamper(rs):
        out = dns.rrset.RRset(rs.name, IN, rs.rdtype)
        out.add(dns.rdata.from_text(IN, T.A, "192.0.2.66"), rs.ttl)
        return out
    bog.sigover[(N("tampered.bogus.test."), T.A)] = dict(tamper=tamper)
    bog.sigover[(N("nosig.bogus.test."), T.A)] = dict(nosig=True)
    # nta.test.: its DNSKEY RRset signature has expired (so it is Bogus
    # unless a negative trust anchor switches validation off).
    nta.sigover[(N("nta.test."), T.DNSKEY)] = dict(
        inception=NOW - 40 * 86400, expiration=NOW - 86400)
    # keytrap.test.: nine more RSA keys sharing the ZSK's key tag
    # (modulus octets adjusted so the checksum is unchanged).
    ktrap.extra_keys = [collide(ktrap.zsk, i) for i in range(9)]

    for z in ZONES.values():
        z.finish()
    # DS records in the parents (after the children have keys).
    for z in ZONES.values():
        if z.origin == N(".") or not z.signed or z is mesh:
            continue  # mesh.internal.: private, no DS, internal. absent
        parent = ZONES[z.origin.parent()]
        ds = dns.rrset.RRset(z.origin, IN, T.DS)
        if z is unsup:
            ds.add(dns.rdata.from_text(IN, T.DS, "%d 253 2 %s" % (
                z.ksk.tag, "ab" * 32)), 86400)
        elif z is unsupdig:
            ds.add(dns.rdata.from_text(IN, T.DS, "%d 13 3 %s" % (
                z.ksk.tag, "ab" * 32)), 86400)
        elif z is nokey:
            ds.add(dns.rdata.from_text(IN, T.DS, "%d 13 2 %s" % (
                z.ksk.tag, "00" * 32)), 86400)
        else:
            ds.add(dns.dnssec.make_ds(z.origin, z.ksk.dnskey, "SHA256"),
                   86400)
        parent.data[z.origin][T.DS] = ds
    for z in ZONES.values():
        if z.signed:
            z.build_denial()
    return ZONES


def keytag(rdata):
    ac = 0
    for i, b in enumerate(rdata):
        ac += b if i & 1 else b << 8
    ac += (ac >> 16) & 0xFFFF
    return ac & 0xFFFF


def collide(key, i):
    """A different, well-formed RSA key with @key's key tag and flags."""
    wire = bytearray(key.dnskey.to_digestable())
    # exponent length octet, exponent (3 octets), then the modulus
    pos = 4 + 1 + 3 + 40 + 2 * i
    wire[pos] ^= 0x5A
    wire[pos + 1] ^= 0xC3
    # restore the checksum: change the next word by the difference
    want = key.tag
    for delta in range(65536):
        w = (wire[pos + 2] << 8 | wire[pos + 3])
        nw = (w + delta) & 0xFFFF
        trial = bytearray(wire)
        trial[pos + 2], trial[pos + 3] = nw >> 8, nw & 0xFF
        if keytag(bytes(trial)) == want:
            wire = trial
            break
    rd = dns.rdata.from_wire(IN, T.DNSKEY, bytes(wire), 0, len(wire))
    assert dns.dnssec.key_id(rd) == want
    k = Key.__new__(Key)
    k.alg, k.priv, k.dnskey, k.tag = 8, None, rd, want
    return k


# --- a resolver over the zones --------------------------------------------

def auth_zone(qname, qtype):
    best = None
    for o, z in ZONES.items():
        if qname.is_subdomain(o) and (best is None or len(o) > len(best)):
            if qtype == T.DS and qname == o and o != N("."):
                continue
            best = o
    z = ZONES[best]
    # names below a delegation of that zone to a zone we do not have
    return z


def resolve(qname, qtype, chase=True):
    """Recursive answer: CNAME/DNAME chains followed across zones."""
    qname = N(qname) if isinstance(qname, str) else qname
    answer, authority, rcode = [], [], 0
    name = qname
    for _ in range(20):
        z = auth_zone(name, qtype)
        rcode, ans, auth = z.answer(name, qtype)
        answer += ans
        authority = auth
        nxt = None
        for rs, _ in ans:
            if rs.rdtype == T.CNAME and rs.name == name and qtype != T.CNAME:
                nxt = rs[0].target
        if nxt is None or not chase:
            break
        name = nxt
    return message(qname, qtype, rcode, answer, authority)


def message(qname, qtype, rcode, answer, authority):
    q = dns.message.make_query(qname, qtype, want_dnssec=True)
    m = dns.message.make_response(q)
    m.flags |= dns.flags.RA
    m.set_rcode(rcode)
    for sec, sets in ((m.answer, answer), (m.authority, authority)):
        for rs, sigs in sets:
            sec.append(rs)
            if sigs is not None:
                sec.append(sigs)
    return m


# --- output ----------------------------------------------------------------

def c_bytes(b):
    out = []
    for i in range(0, len(b), 16):
        out.append("\t" + " ".join("0x%02x," % x for x in b[i:i + 16]))
    return "\n".join(out)


def ancestors(name):
    out = []
    while True:
        out.append(name)
        if name == N("."):
            return out
        name = name.parent()


def anchor_lines(kind):
    root = ZONES[N(".")]
    ds = dns.dnssec.make_ds(N("."), root.ksk.dnskey, "SHA256")
    lines = []
    if "root-ds" in kind:
        lines.append(". 86400 IN DS %s" % ds.to_text())
    if "root-key" in kind:
        lines.append(". 86400 IN DNSKEY %s" % root.ksk.dnskey.to_text())
    if "mesh" in kind:
        lines.append("mesh.internal. 3600 IN DNSKEY %s"
                     % ZONES[N("mesh.internal.")].ksk.dnskey.to_text())
    if "nta" in kind:
        lines.append("nta.test. NTA")
    return lines


def strip(m, section, rtypes):
    sec = getattr(m, section)
    keep = [rs for rs in sec if rs.rdtype not in rtypes and not (
        rs.rdtype == T.RRSIG and rs.covers in rtypes)]
    sec[:] = keep
    return m


def tamper_nsec3(m):
    for rs in m.authority:
        if rs.rdtype == T.NSEC3:
            rd = list(rs)[0]
            new = rd.replace(next=bytes(x ^ 1 for x in rd.next))
            rs.clear()
            rs.add(new)
            break
    return m


def hashcap_response():
    """NXDOMAIN for a 125-label name with NSEC3 records of six salts."""
    z = ZONES[N("n3cap.test.")]
    qname = N("a." * 120 + "n3cap.test.")
    auth = [z.signed_set(z.get(z.origin, T.SOA))]
    for i in range(6):
        h = hashlib.sha1(b"hashcap%d" % i).digest()
        nh = hashlib.sha1(b"hashcap-next%d" % i).digest()
        owner = dns.name.from_text(base64.b32hexencode(h).decode().lower(),
                                   z.origin)
        text = "1 0 0 %02x%02x %s A" % (i, i,
                                        base64.b32hexencode(nh).decode())
        auth.append(z.signed_set(rr(owner, 300, "NSEC3", text)))
    return message(qname, T.A, 3, [], auth)


def sigtrap_response():
    """www.sigtrap.test. A with 20 RRSIGs, the first 8 corrupted."""
    z = ZONES[N("sigtrap.test.")]
    rs = z.get(N("www.sigtrap.test."), T.A)
    sigs = dns.rrset.RRset(rs.name, IN, T.RRSIG)
    for i in range(20):
        s = sign(rs, z.zsk, z.origin, inception=INCEPTION - i)
        if i < 8:
            s = s.replace(signature=bytes([s.signature[0] ^ 0xFF]) +
                          s.signature[1:])
        sigs.add(s, rs.ttl)
    return message(rs.name, T.A, 0, [(rs, sigs)], [])


def vcap_response():
    """A chain of 8 CNAMEs in vcap.test., each with 3 bad RRSIGs first."""
    z = ZONES[N("vcap.test.")]
    answer = []
    for i in range(8):
        owner = N("c%d.vcap.test." % i)
        target = "c%d.vcap.test." % (i + 1) if i < 7 else "www.vcap.test."
        rs = rr(owner, 300, "CNAME", target)
        sigs = dns.rrset.RRset(owner, IN, T.RRSIG)
        for j in range(4):
            s = sign(rs, z.zsk, z.origin, inception=INCEPTION - j)
            if j < 3:
                s = s.replace(signature=bytes([s.signature[0] ^ 0xFF]) +
                              s.signature[1:])
            sigs.add(s, 300)
        answer.append((rs, sigs))
    answer.append(z.signed_set(z.get(N("www.vcap.test."), T.A)))
    return message(N("c0.vcap.test."), T.A, 0, answer, [])


def deep_response():
    deep = N(".".join("d%d" % i for i in range(22, 0, -1)) +
             ".deep.secure.test.")
    z = ZONES[N("secure.test.")]
    return message(deep, T.A, 0, [(z.get(deep, T.A), None)], [])


def ds_by_child():
    """secure.test. DS signed by secure.test. itself, not by test."""
    z = ZONES[N("secure.test.")]
    ds = ZONES[N("test.")].get(N("secure.test."), T.DS)
    s = sign(ds, z.zsk, z.origin)
    return message(ds.name, T.DS, 0, [(ds, sigset(ds.name, ds.ttl, [s]))],
                   [])


CASES = []


def case(name, qname, qtype, status, ede, anchors=("root-ds",), msg=None,
         mutate=True, note=""):
    m = msg if msg is not None else resolve(N(qname), T.from_text(qtype))
    CASES.append(dict(name=name, wire=m.to_wire(want_shuffle=False, max_size=65535), status=status, ede=ede,
                      anchors=anchor_lines(anchors), mutate=mutate,
                      qname=m.question[0].name, note=note))


def cases():
    S, I, B, D = "VAL_SECURE", "VAL_INSECURE", "VAL_BOGUS", \
        "VAL_INDETERMINATE"
    case("rsa_positive", "www.rsa.test.", "A", S, 0)
    case("ecdsa_positive", "www.secure.test.", "A", S, 0)
    case("ed25519_positive", "www.ed.test.", "A", S, 0)
    case("aaaa_positive", "www.secure.test.", "AAAA", S, 0)
    case("root_key_anchor", "www.secure.test.", "A", S, 0,
         anchors=("root-key",))
    case("wildcard_nsec", "a.wild.secure.test.", "A", S, 0)
    case("wildcard_nsec3", "a.wild.n3.test.", "A", S, 0)
    case("wildcard_nodata_nsec", "a.wtxt.secure.test.", "A", S, 0)
    case("nxdomain_nsec", "nope.secure.test.", "A", S, 0)
    case("nxdomain_nsec3", "nope.n3.test.", "A", S, 0)
    case("nodata_nsec", "txt.secure.test.", "A", S, 0)
    case("nodata_nsec3", "txt.n3.test.", "A", S, 0)
    case("ent_nsec", "ent.secure.test.", "A", S, 0)
    case("ent_nsec3", "ent.n3.test.", "A", S, 0)
    case("cname_secure", "alias.secure.test.", "A", S, 0)
    case("dname_secure", "www.dname.secure.test.", "A", S, 0)
    case("private_anchor", "www.mesh.internal.", "A", S, 0,
         anchors=("root-ds", "mesh"))
    case("ds_positive", "secure.test.", "DS", S, 0)
    case("ds_nodata_nsec", "insecure.test.", "DS", S, 0)
    case("dnskey_positive", "n3.test.", "DNSKEY", S, 0)
    case("ds_optout", "unsigned.optout.test.", "DS", I, 0, mutate=False)
    case("ds_signed_by_child", "secure.test.", "DS", B, 6,
         msg=ds_by_child(), mutate=False)
    case("insecure_nsec", "www.insecure.test.", "A", I, 0, mutate=False)
    case("insecure_optout", "www.unsigned.optout.test.", "A", I, 0,
         mutate=False)
    case("cname_to_insecure", "toinsecure.secure.test.", "A", I, 0)
    case("nta", "www.nta.test.", "A", I, 0, anchors=("root-ds", "nta"),
         mutate=False)
    case("unsupported_alg", "www.unsup.test.", "A", I, 1, mutate=False)
    case("unsupported_digest", "www.unsupdig.test.", "A", I, 2,
         mutate=False)
    case("nsec3_iterations", "nope.n3hi.test.", "A", I, 27, mutate=False)
    case("no_anchor", "www.secure.test.", "A", D, 5, anchors=(),
         mutate=False)
    case("nta_absent", "www.nta.test.", "A", B, 7, mutate=False)
    case("private_anchor_denied_by_parent", "x.mesh.internal.", "A", B, 6,
         anchors=("root-ds", "mesh"), mutate=False,
         msg=message(N("x.mesh.internal."), T.A, 3, [],
                 [ZONES[N(".")].signed_set(ZONES[N(".")].get(N("."),
                                                              T.SOA)),
                  ZONES[N(".")].signed_set(ZONES[N(".")].nsec_covering(
                      N("mesh.internal.")))]))
    case("private_zone_without_anchor", "www.mesh.internal.", "A", B, 6,
         mutate=False)
    case("expired", "expired.bogus.test.", "A", B, 7, mutate=False)
    case("not_yet_valid", "future.bogus.test.", "A", B, 8, mutate=False)
    case("tampered_rdata", "tampered.bogus.test.", "A", B, 6, mutate=False)
    case("missing_rrsig", "nosig.bogus.test.", "A", B, 10, mutate=False)
    case("ds_matches_no_key", "www.nokey.test.", "A", B, 9, mutate=False)
    case("no_zone_key_bit", "www.nozone.test.", "A", B, 11, mutate=False)
    case("revoked_ksk", "www.revoked.test.", "A", B, 6, mutate=False)
    case("nxdomain_nsec_missing", "nope.secure.test.", "A", B, 12,
         msg=strip(resolve(N("nope.secure.test."), T.A), "authority",
                   (T.NSEC,)), mutate=False)
    case("nodata_nsec3_missing", "txt.n3.test.", "A", B, 12,
         msg=strip(resolve(N("txt.n3.test."), T.A), "authority",
                   (T.NSEC3,)), mutate=False)
    case("nxdomain_nsec3_tampered", "nope.n3.test.", "A", B, 6,
         msg=tamper_nsec3(resolve(N("nope.n3.test."), T.A)), mutate=False)
    case("wildcard_without_proof", "a.wild.secure.test.", "A", B, 12,
         msg=strip(resolve(N("a.wild.secure.test."), T.A), "authority",
                   (T.NSEC,)), mutate=False)
    case("limit_rrsigs", "www.sigtrap.test.", "A", B, 6,
         msg=sigtrap_response(), mutate=False, note="RRSIGs tried")
    case("limit_keys_per_tag", "www.keytrap.test.", "A", B, 6,
         mutate=False, note="DNSKEYs tried for one key tag")
    case("limit_verifications", "c0.vcap.test.", "A", B, 6,
         msg=vcap_response(), mutate=False,
         note="signature verifications")
    case("limit_nsec3_hashes", "a.n3cap.test.", "A", B, 6,
         msg=hashcap_response(), mutate=False, note="NSEC3 hash")
    case("limit_chain_links", "l0.secure.test.", "A", B, 6, mutate=False,
         note="chain length")
    case("limit_zone_depth", "deep.secure.test.", "A", B, 6,
         msg=deep_response(), mutate=False, note="zone cut depth")


def pool():
    """DS responses for every ancestor of every name, DNSKEY per zone."""
    names = set()
    for z in ZONES.values():
        for n in z.data:
            names.update(ancestors(n))
    for c in CASES:
        m = dns.message.from_wire(c["wire"])
        for sec in (m.answer, m.authority):
            for rs in sec:
                names.update(ancestors(rs.name))
        names.update(ancestors(c["qname"]))
    out = []
    for n in sorted(names):
        if n != N("."):
            out.append((n, T.DS, resolve(n, T.DS, chase=False).to_wire(
                want_shuffle=False, max_size=65535)))
    for o, z in sorted(ZONES.items()):
        if z.signed:
            out.append((o, T.DNSKEY, resolve(o, T.DNSKEY).to_wire(
                want_shuffle=False, max_size=65535)))
    return out


def main():
    build()
    cases()
    responses = pool()
    w = sys.stdout.write
    w("/* SPDX-License-Identifier: GPL-2.0 */\n")
    w("/* Generated by tests/unit/gen_dnssec_vectors.py: do not edit. */\n")
    w("#pragma once\n\n#include <stddef.h>\n#include <stdint.h>\n\n")
    w("#include \"dnssec/verdict.h\"\n\n")
    w("#define FIX_NOW %du /* 2026-01-01T00:00:00Z */\n\n" % NOW)
    w("struct fix_response {\n\tconst char *name;\n\tuint16_t qtype;\n"
      "\tconst uint8_t *wire;\n\tsize_t len;\n};\n\n")
    w("struct fix_case {\n\tconst char *name;\n\tconst uint8_t *wire;\n"
      "\tsize_t len;\n\tconst char *const *anchors;\n"
      "\tenum val_status status;\n\tint ede;\n\tint mutate;\n"
      "\tconst char *note;\n};\n\n")
    for i, (n, t, wire) in enumerate(responses):
        w("/* %s %s */\nstatic const uint8_t fix_pool_%d[] = {\n%s\n};\n\n"
          % (n, T.to_text(t), i, c_bytes(wire)))
    w("static const struct fix_response fix_pool[] = {\n")
    for i, (n, t, wire) in enumerate(responses):
        w("\t{ \"%s\", %d, fix_pool_%d, sizeof(fix_pool_%d) },\n"
          % (n, t, i, i))
    w("};\n\n#define FIX_POOL_COUNT %d\n\n" % len(responses))
    for c in CASES:
        w("static const uint8_t fix_%s[] = {\n%s\n};\n\n"
          % (c["name"], c_bytes(c["wire"])))
        w("static const char *const fix_%s_anchors[] = {\n" % c["name"])
        for line in c["anchors"]:
            w("\t\"%s\",\n" % line)
        w("\tNULL\n};\n\n")
    w("static const struct fix_case fix_cases[] = {\n")
    for c in CASES:
        w("\t{ \"%s\", fix_%s, sizeof(fix_%s), fix_%s_anchors, %s, %d, %d, "
          "\"%s\" },\n" % (c["name"], c["name"], c["name"], c["name"],
                           c["status"], c["ede"], 1 if c["mutate"] else 0,
                           c["note"]))
    w("};\n\n#define FIX_CASE_COUNT %d\n" % len(CASES))


def corpus(header, outdir):
    """Every byte array of the committed header as one seed file."""
    import os
    import re
    text = open(header).read()
    os.makedirs(outdir, exist_ok=True)
    arrays = re.findall(r"static const uint8_t (fix_\w+)\[\] = \{(.*?)\};",
                        text, re.S)
    for name, body in arrays:
        data = bytes(int(x, 16) for x in re.findall(r"0x([0-9a-f]{2})", body))
        with open(os.path.join(outdir, name), "wb") as f:
            if name.startswith("fix_pool_"):
                # chain-entry mode of the target: 0xff, fixture index 0
                f.write(b"\xff\x00")
            f.write(data)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--corpus":
        corpus(sys.argv[2], sys.argv[3])
    else:
        main()
