#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
# Independent check of the XDP answers: dnspython makes the queries and the
# responses, test_xdp_dns runs them through BPF_PROG_TEST_RUN, and this script
# parses every answer frame itself (headers, checksums, DNS sections, TTLs).
import base64
import os
import random
import struct
import subprocess
import sys
import tempfile

import dns.edns
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUTPUT = os.environ.get("OUTPUT", ".output")
BINARY = os.path.join(ROOT, OUTPUT, "tests", "bpf", "test_xdp_dns")

XDP_PASS, XDP_TX = 2, 3
MAC_SERVER = bytes([2, 0, 0, 0, 0, 0x53])
MAC_CLIENT = bytes([2, 0, 0, 0, 0, 1])
V4_SERVER, V4_CLIENT, V4_OTHER = bytes([192, 0, 2, 53]), bytes([192, 0, 2, 1]), bytes([192, 0, 2, 77])
V6_SERVER = bytes.fromhex("20010db8" + "00" * 11 + "53")
V6_CLIENT = bytes.fromhex("20010db8" + "00" * 11 + "01")

count = 0
failed = 0


def ok(cond, msg):
    global count, failed
    count += 1
    if not cond:
        failed += 1
    print("%sok %d - %s" % ("" if cond else "not ", count, msg))
    sys.stdout.flush()
    return cond


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def frame(dns_wire, family=4, vlans=0, ip_opts=0, dst=None, dport=53):
    eth = MAC_SERVER + MAC_CLIENT
    for i in range(vlans):
        tpid = 0x88A8 if (vlans == 2 and i == 0) else 0x8100
        eth += struct.pack("!HH", tpid, 10 + i)
    udp_len = 8 + len(dns_wire)
    udp = struct.pack("!HHHH", 40000, dport, udp_len, 0xABCD) + dns_wire
    if family == 4:
        ihl = 20 + ip_opts
        opts = b"\x01" * (ip_opts - 1) + b"\x00" if ip_opts else b""
        hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl // 4, 0, ihl + udp_len, 7, 0x4000, 64, 17, 0,
                          V4_CLIENT, dst or V4_SERVER) + opts
        c = (~csum(hdr)) & 0xFFFF
        hdr = hdr[:10] + struct.pack("!H", c) + hdr[12:]
        return eth + b"\x08\x00" + hdr + udp
    hdr = struct.pack("!IHBB16s16s", 0x60000000, udp_len, 17, 64, V6_CLIENT, dst or V6_SERVER)
    return eth + b"\x86\xdd" + hdr + udp


def layers(f):
    """Return (l3 offset, l4 offset, family) of a frame."""
    off = 12
    proto = struct.unpack("!H", f[off:off + 2])[0]
    while proto in (0x8100, 0x88A8):
        off += 4
        proto = struct.unpack("!H", f[off:off + 2])[0]
    off += 2
    if proto == 0x0800:
        return off, off + (f[off] & 15) * 4, 4
    return off, off + 40, 6


def mixed_case(name, rnd):
    return "".join(c.upper() if rnd.random() < 0.5 else c.lower() for c in name)


class Case:
    def __init__(self, name, query, response=None, lifetime=300, age=0, secure=True,
                 expect=XDP_TX, **frame_args):
        self.name = name
        self.query = query
        self.response = response
        self.lifetime = lifetime
        self.age = age
        self.secure = secure
        self.expect = expect
        self.frame = frame(query.to_wire(), **frame_args)
        self.do = bool(query.ednsflags & dns.flags.DO) if query.edns >= 0 else False


def make_query(name, rdtype, edns=-1, do=False, options=None, flags=dns.flags.RD, payload=1232):
    q = dns.message.make_query(name, rdtype, use_edns=edns, want_dnssec=do, options=options,
                               payload=payload)
    q.flags = flags
    q.id = random.randrange(65536)
    return q


def make_response(query, rrsets, section="answer", rcode=dns.rcode.NOERROR, authority=(),
                  additional=()):
    """The response userspace would hold, to a query with the same name."""
    q = dns.message.make_query(query.question[0].name.to_text().lower(), query.question[0].rdtype,
                               use_edns=(0 if query.edns >= 0 else -1),
                               want_dnssec=bool(query.edns >= 0 and query.ednsflags & dns.flags.DO))
    r = dns.message.make_response(q)
    r.flags |= dns.flags.RA
    r.set_rcode(rcode)
    getattr(r, section).extend(rrsets)
    r.authority.extend(authority)
    r.additional.extend(additional)
    return r


def rr(name, ttl, rdtype, *texts):
    return dns.rrset.from_text(name, ttl, dns.rdataclass.IN, rdtype, *texts)


def check_answer(case, verdict, out):
    what = case.name
    f = case.frame
    if not ok(verdict == XDP_TX, "%s: XDP_TX (got %d)" % (what, verdict)):
        return
    l3, l4, fam = layers(f)
    ol3, ol4, ofam = layers(out)
    ok(out[0:6] == f[6:12] and out[6:12] == f[0:6] and out[12:l3] == f[12:l3] and ol4 == l4,
       "%s: Ethernet swapped, VLAN tags kept" % what)
    udp_len = struct.unpack("!H", out[l4 + 4:l4 + 6])[0]
    ok(udp_len == len(out) - l4, "%s: UDP length" % what)
    if fam == 4:
        ihl = l4 - l3
        ok(out[l3 + 12:l3 + 16] == f[l3 + 16:l3 + 20] and out[l3 + 16:l3 + 20] == f[l3 + 12:l3 + 16],
           "%s: IPv4 addresses swapped" % what)
        ok(struct.unpack("!H", out[l3 + 2:l3 + 4])[0] == len(out) - l3 and out[l3 + 9] == 17,
           "%s: IPv4 total length" % what)
        ok(csum(out[l3:l3 + ihl]) == 0xFFFF, "%s: IPv4 header checksum" % what)
        pseudo = out[l3 + 12:l3 + 20] + struct.pack("!BBH", 0, 17, udp_len)
    else:
        ok(out[l3 + 8:l3 + 24] == f[l3 + 24:l3 + 40] and out[l3 + 24:l3 + 40] == f[l3 + 8:l3 + 24],
           "%s: IPv6 addresses swapped" % what)
        ok(struct.unpack("!H", out[l3 + 4:l3 + 6])[0] == udp_len, "%s: IPv6 payload length" % what)
        pseudo = out[l3 + 8:l3 + 40] + struct.pack("!IxxxB", udp_len, 17)
    ok(out[l4:l4 + 2] == f[l4 + 2:l4 + 4] and out[l4 + 2:l4 + 4] == f[l4:l4 + 2],
       "%s: ports swapped" % what)
    ok(csum(pseudo + out[l4:]) == 0xFFFF and out[l4 + 6:l4 + 8] != b"\0\0",
       "%s: UDP checksum" % what)

    qwire = f[l4 + 8:]
    awire = out[l4 + 8:]
    qlen = len(case.query.question[0].name.to_wire()) + 4
    ok(awire[0:2] == qwire[0:2], "%s: ID kept" % what)
    ok(awire[12:12 + qlen] == qwire[12:12 + qlen], "%s: question byte for byte (case kept)" % what)
    msg = dns.message.from_wire(awire)
    qflags = case.query.flags
    resp = case.response
    want_ad = case.secure and (case.do or bool(qflags & dns.flags.AD))
    want = dns.flags.QR | dns.flags.RA | (qflags & dns.flags.RD) | (dns.flags.AD if want_ad else 0)
    ok(msg.flags == want | resp.rcode(), "%s: flags %s" % (what, dns.flags.to_text(msg.flags)))
    ok(msg.rcode() == resp.rcode(), "%s: rcode" % what)
    for sec in ("answer", "authority", "additional"):
        got, exp = getattr(msg, sec), getattr(resp, sec)
        ok(got == exp, "%s: %s section equal apart from TTLs" % (what, sec))
        ttls = [r.ttl for r in got]
        wants = [r.ttl - case.age for r in exp]
        ok(ttls == wants, "%s: %s TTLs counted down by %d s" % (what, sec, case.age))
    if case.query.edns >= 0:
        ok(msg.edns == 0 and msg.payload == 1232 and not msg.options and
           bool(msg.ednsflags & dns.flags.DO) == case.do, "%s: OPT 1232, DO echoed, no options" % what)
    else:
        ok(msg.edns < 0, "%s: no OPT without EDNS in the query" % what)
    limit = max(512, case.query.payload) if case.query.edns >= 0 else 512
    ok(len(awire) <= limit, "%s: fits the client's %d bytes" % (what, limit))


def build_cases():
    rnd = random.Random(20261128)
    random.seed(20261128)
    sig = base64.b64encode(bytes(rnd.randrange(256) for _ in range(256))).decode()
    cases = []

    def hit(name, qname, rdtype, answer, **kw):
        q = make_query(qname, rdtype, **{k: kw.pop(k) for k in list(kw) if k in
                                         ("edns", "do", "options", "flags", "payload")})
        resp_kw = {k: kw.pop(k) for k in list(kw) if k in ("section", "rcode", "authority", "additional")}
        r = make_response(q, answer, **resp_kw)
        cases.append(Case(name, q, r, **kw))

    a = rr("www.example.com.", 300, "A", "192.0.2.10", "192.0.2.11")
    hit("A over IPv4", "www.example.com.", "A", [a])
    hit("A, 0x20 mixed case", mixed_case("www.example.com.", rnd), "A", [a])
    hit("A over IPv6, EDNS", "www.example.com.", "A", [a], edns=0, family=6)
    hit("A over 802.1Q", "www.example.com.", "A", [a], vlans=1)
    hit("A over QinQ IPv6", "www.example.com.", "A", [a], vlans=2, family=6)
    hit("A over IPv4 with options", "www.example.com.", "A", [a], ip_opts=12)
    hit("A, query AD=1, Secure", "www.example.com.", "A", [a], flags=dns.flags.RD | dns.flags.AD)
    hit("A, query AD=1, Insecure", "www.example.com.", "A", [a], flags=dns.flags.RD | dns.flags.AD,
        secure=False)
    hit("A, RD=0", "www.example.com.", "A", [a], flags=0)
    hit("A, 120 s old", "www.example.com.", "A", [a], age=120)
    aaaa = rr("v6.example.com.", 600, "AAAA", "2001:db8::10")
    rrsig = rr("v6.example.com.", 600, "RRSIG",
               "AAAA 8 3 600 20300101000000 20200101000000 12345 example.com. " + sig)
    hit("AAAA DO=1 with RRSIG", mixed_case("v6.example.com.", rnd), "AAAA", [aaaa, rrsig],
        edns=0, do=True, family=6)
    cookie = dns.edns.GenericOption(10, bytes(range(8)))
    padding = dns.edns.GenericOption(12, bytes(32))
    hit("COOKIE option", "v6.example.com.", "AAAA", [aaaa, rrsig], edns=0, do=True, options=[cookie])
    hit("PADDING option", "v6.example.com.", "AAAA", [aaaa, rrsig], edns=0, do=True,
        options=[padding])
    chain = [rr("alias.example.com.", 3600, "CNAME", "target.example.net."),
             rr("target.example.net.", 60, "A", "198.51.100.7")]
    hit("CNAME chain", "Alias.Example.com.", "A", chain)
    mx = rr("example.org.", 3600, "MX", "10 mail.example.org.", "20 mx2.example.org.")
    glue = [rr("mail.example.org.", 3600, "A", "203.0.113.25"),
            rr("mx2.example.org.", 3600, "AAAA", "2001:db8::25")]
    hit("MX with additional records", "EXAMPLE.org.", "MX", [mx], additional=glue, edns=0)
    soa = rr("example.com.", 900, "SOA", "ns.example.com. host.example.com. 1 7200 900 1209600 300")
    hit("NXDOMAIN with SOA, 50 s old", "nope.example.com.", "A", [], rcode=dns.rcode.NXDOMAIN,
        authority=[soa], age=50)
    hit("NODATA with SOA", "www.example.com.", "TXT", [], authority=[soa])
    txt = rr("big.example.com.", 300, "TXT", *['"%s"' % (chr(97 + i) * 180) for i in range(3)])
    hit("TXT over 512 with EDNS 1232", "big.example.com.", "TXT", [txt], edns=0)

    def passing(name, q, response, expect=XDP_PASS, **kw):
        cases.append(Case(name, q, response, expect=expect, **kw))

    q = make_query("big.example.com.", "TXT")
    passing("TXT over 512 without EDNS", q, make_response(q, [txt]))
    q = make_query("big.example.com.", "TXT", edns=0, payload=400)
    passing("TXT over 512, EDNS size 400", q, make_response(q, [txt]))
    q = make_query("www.example.com.", "A", flags=dns.flags.RD | dns.flags.CD)
    passing("CD=1", q, make_response(q, [a]))
    q = make_query("www.example.com.", "A")
    passing("expired", q, make_response(q, [a]), lifetime=10, age=11)
    passing("not cached", q, None)
    passing("other address", q, make_response(q, [a]), dst=V4_OTHER)
    passing("other port", q, make_response(q, [a]), dport=5353)
    passing("transit IPv6", q, make_response(q, [a]), family=6, dst=V6_CLIENT)
    ecs = dns.edns.ECSOption("192.0.2.0", 24)
    q = make_query("www.example.com.", "A", edns=0, options=[ecs])
    passing("EDNS Client Subnet", q, make_response(q, [a]))
    q = make_query("www.example.com.", "A")
    q.flags |= dns.flags.QR
    passing("QR=1", q, make_response(q, [a]))
    q = make_query("www.example.com.", "A")
    q.set_opcode(dns.opcode.NOTIFY)
    passing("NOTIFY", q, make_response(make_query("www.example.com.", "A"), [a]))
    return cases


def main():
    if os.geteuid() != 0:
        print("1..0 # SKIP needs root for BPF_PROG_TEST_RUN")
        return 0
    if not os.access(BINARY, os.X_OK):
        print("1..0 # SKIP %s not built" % BINARY)
        return 0
    cases = build_cases()
    with tempfile.TemporaryDirectory(prefix="xdpdns-answers-") as tmp:
        with open(os.path.join(tmp, "cases.txt"), "w") as fh:
            for i, c in enumerate(cases):
                rhex = c.response.to_wire().hex() if c.response else "-"
                fh.write("c%d %s %d %d %d %d %s\n" % (i, rhex, c.lifetime, c.age, int(c.secure),
                                                     int(c.do), c.frame.hex()))
        run = subprocess.run([BINARY], env=dict(os.environ, XDPDNS_XDP_CASES=tmp),
                             capture_output=True, text=True, timeout=120)
        ok(run.returncode == 0, "test_xdp_dns ran the %d cases" % len(cases))
        for line in run.stdout.splitlines():
            if line.startswith("not ok"):
                print("# " + line)
        results = {}
        with open(os.path.join(tmp, "results.txt")) as fh:
            for line in fh:
                parts = line.split()
                results[parts[0]] = (int(parts[1]), bytes.fromhex(parts[2] if len(parts) > 2 else ""))
    for i, c in enumerate(cases):
        verdict, out = results.get("c%d" % i, (-1, b""))
        if c.expect == XDP_TX:
            check_answer(c, verdict, out)
        else:
            ok(verdict == XDP_PASS and out == c.frame, "%s: XDP_PASS, untouched" % c.name)
    print("1..%d" % count)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
