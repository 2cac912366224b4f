#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
# Cross-check of userspace/dns against dnspython: random valid messages
# made by dnspython are parsed, printed and canonicalised by the C library
# (.output/tests/unit/test_dns_roundtrip in directory mode), which must
# agree record by record with what dnspython itself reads from the wire.
#
#   dns_vs_dnspython.t            run the cross-check (TAP)
#   dns_vs_dnspython.t --emit-c   print a C vector for the built-in mode
import os
import random
import subprocess
import sys
import tempfile

import dns.edns
import dns.flags
import dns.message
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset

SEED = 20261128
COUNT = 300

TYPES = ["A", "AAAA", "NS", "CNAME", "DNAME", "SOA", "PTR", "MX", "TXT",
         "SRV", "DS", "DNSKEY", "RRSIG", "NSEC", "NSEC3", "NSEC3PARAM", "CDS",
         "CDNSKEY", "TYPE65280"]
BITMAP_TYPES = ["A", "NS", "SOA", "MX", "TXT", "AAAA", "SRV", "DS", "RRSIG",
                "NSEC", "DNSKEY", "NSEC3PARAM", "CDS", "TYPE1234", "TYPE65280"]


def rand_label(rng):
    n = rng.choice([1, 1, 2, 3, 5, 8, 12, 63])
    out = bytearray()
    for _ in range(n):
        r = rng.random()
        if r < 0.85:
            out.append(ord(rng.choice("abcdefghijklmnopqrstuvwxyzABCDEFXYZ0123456789-")))
        else:
            # Octets that need escapes in presentation format.
            out.append(rng.choice([0, 9, 32, ord("."), ord("\\"), ord('"'),
                                   ord("("), ord(";"), ord("@"), ord("$"),
                                   0x7f, 0x80, 0xff]))
    return bytes(out)


def rand_name(rng, zones):
    base = rng.choice(zones)
    labels = [rand_label(rng) for _ in range(rng.choice([0, 1, 1, 2, 3]))]
    try:
        return dns.name.Name(labels + list(base.labels))
    except dns.name.NameTooLong:
        return base


def b64(rng, n):
    import base64
    return base64.b64encode(bytes(rng.getrandbits(8) for _ in range(n))).decode()


def hexs(rng, n):
    return bytes(rng.getrandbits(8) for _ in range(n)).hex()


def b32hex(rng, n):
    import base64
    t = base64.b32encode(bytes(rng.getrandbits(8) for _ in range(n))).decode()
    std = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    hexa = "0123456789ABCDEFGHIJKLMNOPQRSTUV"
    return t.rstrip("=").translate(str.maketrans(std, hexa))


def rand_bitmap(rng):
    return " ".join(sorted(set(rng.sample(BITMAP_TYPES, rng.randint(0, 6))),
                           key=dns.rdatatype.from_text))


def rand_time(rng):
    return rng.randint(0, 2**32 - 1)


def fmt_time(t):
    import time
    return time.strftime("%Y%m%d%H%M%S", time.gmtime(t))


def rand_txt_string(rng):
    s = ""
    for _ in range(rng.randint(0, 20)):
        c = rng.randint(0, 255)
        s += "\\%03d" % c
    return '"%s"' % s


def rand_rdata(rng, rtype, zones, covered="A"):
    name = lambda: rand_name(rng, zones).to_text()
    if rtype == "A":
        return "%d.%d.%d.%d" % tuple(rng.randint(0, 255) for _ in range(4))
    if rtype == "AAAA":
        import ipaddress
        words = [rng.choice([0, 0, rng.randint(0, 65535)]) for _ in range(8)]
        return str(ipaddress.IPv6Address(b"".join(w.to_bytes(2, "big") for w in words)))
    if rtype in ("NS", "CNAME", "DNAME", "PTR"):
        return name()
    if rtype == "SOA":
        return "%s %s %d %d %d %d %d" % (name(), name(), *(rng.getrandbits(32) for _ in range(5)))
    if rtype == "MX":
        return "%d %s" % (rng.randint(0, 65535), name())
    if rtype == "TXT":
        return " ".join(rand_txt_string(rng) for _ in range(rng.randint(1, 4)))
    if rtype == "SRV":
        return "%d %d %d %s" % (rng.randint(0, 65535), rng.randint(0, 65535),
                                rng.randint(0, 65535), name())
    if rtype in ("DS", "CDS"):
        dtype, dlen = rng.choice([(1, 20), (2, 32), (4, 48), (200, 7)])
        return "%d %d %d %s" % (rng.randint(0, 65535), rng.choice([8, 13, 15]),
                                dtype, hexs(rng, dlen))
    if rtype in ("DNSKEY", "CDNSKEY"):
        return "%d 3 %d %s" % (rng.choice([256, 257, 385]), rng.choice([8, 13, 15]),
                               b64(rng, rng.choice([1, 2, 3, 32, 64, 260])))
    if rtype == "RRSIG":
        return "%s %d %d %d %s %s %d %s %s" % (
            covered, rng.choice([8, 13]), rng.randint(0, 5),
            rng.getrandbits(32), fmt_time(rand_time(rng)), fmt_time(rand_time(rng)),
            rng.randint(0, 65535), name(), b64(rng, rng.choice([1, 64, 65, 66, 256])))
    if rtype == "NSEC":
        return "%s %s" % (name(), rand_bitmap(rng))
    if rtype == "NSEC3":
        salt = hexs(rng, rng.choice([0, 1, 4, 8])) or "-"
        return "1 %d %d %s %s %s" % (rng.randint(0, 1), rng.randint(0, 50), salt,
                                     b32hex(rng, rng.choice([5, 20, 25])), rand_bitmap(rng))
    if rtype == "NSEC3PARAM":
        salt = hexs(rng, rng.choice([0, 1, 4, 8])) or "-"
        return "1 0 %d %s" % (rng.randint(0, 50), salt)
    if rtype == "TYPE65280":
        n = rng.randint(0, 12)
        return "\\# %d %s" % (n, hexs(rng, n)) if n else "\\# 0"
    raise ValueError(rtype)


def rand_message(rng):
    zones = [dns.name.from_text(z) for z in
             rng.sample(["example.com.", "Example.ORG.", "a.b.c.d.example.", "xn--nxasmq6b.",
                         "zone.", "."], 3)]
    msg = dns.message.Message(id=rng.randint(0, 65535))
    msg.flags = dns.flags.QR | rng.choice([0, dns.flags.AA, dns.flags.RD | dns.flags.RA])
    qname = rand_name(rng, zones)
    msg.question.append(dns.rrset.RRset(qname, dns.rdataclass.IN,
                                        dns.rdatatype.from_text(rng.choice(TYPES[:10]))))
    for section in (msg.answer, msg.authority, msg.additional):
        seen = set()
        for _ in range(rng.randint(0, 4)):
            rtype = rng.choice(TYPES)
            owner = qname if rng.random() < 0.3 else rand_name(rng, zones)
            key = (owner.canonicalize(), rtype)
            if key in seen:
                continue
            seen.add(key)
            covered = rng.choice(TYPES[:10])
            texts = [rand_rdata(rng, rtype, zones, covered)
                     for _ in range(rng.randint(1, 3))]
            rrs = dns.rrset.from_text(owner, rng.getrandbits(31), "IN", rtype, *texts)
            section.append(rrs)
    if rng.random() < 0.6:
        options = []
        if rng.random() < 0.5:
            options.append(dns.edns.EDEOption(rng.randint(0, 30),
                                              rng.choice([None, "bogus", "ünïcode"])))
        if rng.random() < 0.3:
            options.append(dns.edns.GenericOption(10, bytes(rng.getrandbits(8) for _ in range(8))))
        msg.use_edns(0, rng.choice([0, dns.flags.DO]), rng.choice([512, 1232, 4096]),
                     options=options)
    return msg


def normalise(rtype, text):
    """dnspython prints hex lower-case; the C side prints it upper-case as dig."""
    fields = text.rstrip().split(" ")  # dnspython writes "\\# 0 "
    # owner ttl class type rdata...
    rd = fields[4:]
    if rtype in (dns.rdatatype.DS, dns.rdatatype.CDS):
        rd[3:] = ["".join(rd[3:]).upper()]
    elif rtype == dns.rdatatype.NSEC3:
        rd[3] = rd[3].upper()
        rd[4] = rd[4].upper()
    elif rtype == dns.rdatatype.NSEC3PARAM:
        rd[3] = rd[3].upper()
    elif rd and rd[0] == "\\#":
        rd[2:] = ["".join(rd[2:]).upper()] if len(rd) > 2 else []
    return " ".join(fields[:4] + rd)


def expected(wire):
    """What dnspython reads: per record, presentation and canonical RDATA."""
    msg = dns.message.from_wire(wire)
    lines = []
    for section in (msg.answer, msg.authority, msg.additional):
        for rrset in section:
            for rd in rrset:
                one = dns.rrset.RRset(rrset.name, rrset.rdclass, rrset.rdtype)
                one.add(rd, rrset.ttl)
                text = one.to_text(chunksize=0)
                # RFC 6840 5.1: the RRSIG signer is not lowercased (dnspython
                # 2.3 still lowercases it, so take its plain wire form).
                if rrset.rdtype == dns.rdatatype.RRSIG:
                    canon = rd.to_wire()
                else:
                    canon = rd.to_digestable()
                lines.append("%s\t%s" % (normalise(rrset.rdtype, text), canon.hex().upper()))
    return lines


def emit_c():
    rng = random.Random(SEED + 1)
    picked = []
    while len(picked) < 3:
        m = rand_message(rng)
        w = m.to_wire(max_size=65535)
        if 100 < len(w) < 700:
            picked.append(w)
    print("/* Generated by tests/unit/dns_vs_dnspython.t --emit-c (dnspython %s). */"
          % dns.version.version)
    for i, w in enumerate(picked):
        print("static const uint8_t builtin_msg%d[] = {" % i)
        for k in range(0, len(w), 12):
            print("\t" + " ".join("0x%02x," % b for b in w[k:k + 12]))
        print("};")
        print("static const char *const builtin_txt%d[] = {" % i)
        for line in expected(w):
            print("\t\"%s\"," % line.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t"))
        print("\tNULL,\n};")


def main():
    if "--emit-c" in sys.argv:
        emit_c()
        return 0
    out = os.environ.get("OUTPUT", ".output")
    helper = os.path.join(out, "tests", "unit", "test_dns_roundtrip")
    if not os.access(helper, os.X_OK):
        print("1..0 # SKIP %s not built" % helper)
        return 0
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory(prefix="dns-xcheck-") as tmp:
        for i in range(COUNT):
            wire = rand_message(rng).to_wire(max_size=65535)
            with open(os.path.join(tmp, "m%04d.bin" % i), "wb") as f:
                f.write(wire)
            with open(os.path.join(tmp, "m%04d.txt" % i), "w", encoding="utf-8") as f:
                f.write("".join(line + "\n" for line in expected(wire)))
        env = dict(os.environ, DNS_VECTORS_DIR=tmp)
        res = subprocess.run([helper], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, timeout=120)
    sys.stdout.write(res.stdout)
    return res.returncode


if __name__ == "__main__":
    sys.exit(main())
