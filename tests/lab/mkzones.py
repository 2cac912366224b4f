#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
# Generates the lab's signed DNS hierarchy, its bogus variants, the trust
# anchors and the server configurations (called by tests/lab/lab.sh start).
#
# Keys come from ldns-keygen, DS records from ldns-key2ds, signatures and
# NSEC/NSEC3 chains from ldns-signzone; the bogus zones are the signed output
# edited afterwards, so every broken record is broken the way a real fault
# would break it. Everything is generated fresh with the current clock.
#
# usage: mkzones.py RUN_DIR   (addresses come from LAB_* environment vars)
#        mkzones.py RUN_DIR --event ACTION ZONE [SECONDS]
#        (events on a running lab: see run_event() and tests/lab/README.md)

import base64
import concurrent.futures
import json
import os
import subprocess
import sys
import time

import dns.dnssec
import dns.name
import dns.rdata

RUN = os.path.abspath(sys.argv[1])
ZONES = os.path.join(RUN, "zones")
KEYS = os.path.join(RUN, "keys")
ANCHORS = os.path.join(RUN, "anchors")

ADDR = {
	"root": os.environ.get("LAB_AUTH_ROOT", "198.18.0.1"),
	"tld": os.environ.get("LAB_AUTH_TLD", "198.18.0.2"),
	"sld": os.environ.get("LAB_AUTH_SLD", "198.18.0.3"),
	"deep": os.environ.get("LAB_AUTH_DEEP", "198.18.0.4"),
}
UPSTREAM = os.environ.get("LAB_UPSTREAM", "198.18.0.53")
VALIDATOR = os.environ.get("LAB_VALIDATOR", "198.18.0.54")

NOW = int(time.time())
# SOA serial of every zone written; events raise it so knotd reloads.
SERIAL = NOW
HOUR = 3600
DAY = 86400
# Valid signatures: inception an hour ago, expiration in 30 days.
VALID = (NOW - HOUR, NOW + 30 * DAY)

# Key specifications: (role, algorithm mnemonic for ldns-keygen, bits).
# role: "ksk" (flags 257), "zsk" (256), "csk" (257, signs everything).
RSA_KSK = [("ksk", "RSASHA256", 2048), ("zsk", "RSASHA256", 1024)]


def ecdsa_csk():
	return [("csk", "ECDSAP256SHA256", 0)]


# Zone table. Fields:
#   level   which knotd instance serves it (root, tld, sld, deep)
#   parent  the zone holding its delegation
#   keys    list of key specs, [] for an unsigned zone
#   denial  "nsec" or ("nsec3", iterations, salt or "", optout)
#   ds      "keys" (DS of every KSK/CSK), "none", or a special mode
#   records extra records, names relative to the zone
#   window  (inception, expiration) of the signatures
#   mutate  name of a post-processing step that breaks the signed zone
#   ttl     TTL of the zone's own records, of its delegation (NS, glue, DS)
#           at the parent, and its SOA MINIMUM
# Set by events (run_event()) and kept in run/zones/events.json:
#   ds_from  key files whose DS the parent publishes (instead of "ds")
#   cds_from key files the zone publishes CDS and CDNSKEY for
ZONE_LIST = []


def zone(name, level, parent, keys, denial="nsec", ds="keys", records=(),
	 window=VALID, mutate=None, ttl=300):
	ZONE_LIST.append(dict(name=name, level=level, parent=parent,
			      keys=keys, denial=denial, ds=ds,
			      records=list(records), window=window,
			      mutate=mutate, ttl=ttl))


STD = [
	"www 300 A 192.0.2.1",
	"www 300 AAAA 2001:db8::1",
	"txt 300 TXT \"lab\"",
]

# The root and the TLD look like the real ones: RSA KSK + ZSK with NSEC.
# internal. does not exist under the root: mesh.internal. is anchored
# privately only.
zone(".", "root", None, RSA_KSK, ds="none")
zone("test.", "tld", ".", RSA_KSK,
     records=["www 300 A 192.0.2.1", "ns1 300 A " + ADDR["root"]])

# One secure zone per algorithm (RFC 8624 policy).
zone("alg8.test.", "sld", "test.", RSA_KSK,
     records=STD + ["a.b.ent 300 A 192.0.2.8"])
zone("alg10.test.", "sld", "test.",
     [("ksk", "RSASHA512", 1024), ("zsk", "RSASHA512", 1024)], records=STD)
zone("alg13.test.", "sld", "test.", ecdsa_csk(), records=STD)
zone("alg14.test.", "sld", "test.", [("csk", "ECDSAP384SHA384", 0)],
     records=STD)
zone("alg15.test.", "sld", "test.", [("csk", "ED25519", 0)], records=STD)
zone("alg16.test.", "sld", "test.", [("csk", "ED448", 0)], records=STD)
zone("alg5.test.", "sld", "test.", [("csk", "RSASHA1", 1024)], records=STD)
zone("alg7.test.", "sld", "test.", [("csk", "RSASHA1-NSEC3-SHA1", 1024)],
     denial=("nsec3", 0, "", False), records=STD)

# NSEC3 variants.
zone("nsec3optout.test.", "sld", "test.", ecdsa_csk(),
     denial=("nsec3", 0, "", True), records=STD)
zone("unsigned.nsec3optout.test.", "deep", "nsec3optout.test.", [],
     records=STD)
zone("sub.nsec3optout.test.", "deep", "nsec3optout.test.", ecdsa_csk(),
     records=STD)
zone("nsec3zero.test.", "sld", "test.", ecdsa_csk(),
     denial=("nsec3", 0, "", False),
     records=STD + ["*.w 300 A 192.0.2.42", "*.w 300 TXT \"wild\"",
		    "a.b.ent 300 A 192.0.2.8"])
zone("insec.nsec3zero.test.", "deep", "nsec3zero.test.", [], records=STD)
zone("nsec3iter.test.", "sld", "test.", ecdsa_csk(),
     denial=("nsec3", 200, "AABBCCDD", False), records=STD)

# Wildcards, NSEC.
zone("wild.test.", "sld", "test.", ecdsa_csk(),
     records=STD + ["*.w 300 A 192.0.2.42", "*.w 300 TXT \"wild\""])

# CNAME and DNAME chains across zones.
zone("chain.test.", "sld", "test.", ecdsa_csk(), records=STD + [
	"c2s 300 CNAME www.alg8.test.",
	"c3 300 CNAME c2s.chain.test.",
	"c2i 300 CNAME www.insecure.test.",
	"c2b 300 CNAME txt.expired.test.",
	"c2nx 300 CNAME nx.alg13.test.",
	"d2s 300 DNAME alg15.test.",
	"d2i 300 DNAME insecure.test.",
])
zone("insecure.test.", "sld", "test.", [], records=STD + [
	"c2s 300 CNAME www.alg8.test.",
])

# Key management states.
zone("rollover.test.", "sld", "test.",
     [("ksk", "ECDSAP256SHA256", 0), ("kskpub", "ECDSAP256SHA256", 0),
      ("zsk", "ECDSAP256SHA256", 0)], records=STD)
zone("cds.test.", "sld", "test.",
     [("ksk", "ECDSAP256SHA256", 0), ("zsk", "ECDSAP256SHA256", 0)],
     records=STD, mutate="cds")
zone("revoked.test.", "sld", "test.",
     [("kskrevoked", "ECDSAP256SHA256", 0),
      ("zsk", "ECDSAP256SHA256", 0)], records=STD)

# Events at run time (run_event()), on zones whose TTLs are EVENT_TTL
# seconds so that validators see each change at once: a KSK rollover, a
# CDS that disagrees with the parent's DS, signatures about to expire.
EVENT_TTL = 2
EVENT_STD = [l.replace(" 300 ", " %d " % EVENT_TTL) for l in STD]
zone("keyroll.test.", "sld", "test.",
     [("ksk", "ECDSAP256SHA256", 0), ("zsk", "ECDSAP256SHA256", 0)],
     records=EVENT_STD, ttl=EVENT_TTL)
zone("cdsdiff.test.", "sld", "test.",
     [("ksk", "ECDSAP256SHA256", 0), ("zsk", "ECDSAP256SHA256", 0)],
     records=EVENT_STD, ttl=EVENT_TTL)
zone("soonexp.test.", "sld", "test.", ecdsa_csk(), records=EVENT_STD,
     ttl=EVENT_TTL)

# The private-anchor zone: served by the SLD instance, delegated from
# nowhere; the upstream recursor reaches it through a stub-zone.
zone("mesh.internal.", "sld", None, ecdsa_csk(), ds="none",
     records=STD + ["svc 300 TXT \"mesh\""])

# Bogus zones.
zone("expired.test.", "sld", "test.", ecdsa_csk(), records=STD,
     window=(NOW - 37 * DAY, NOW - 7 * DAY))
zone("future.test.", "sld", "test.", ecdsa_csk(), records=STD,
     window=(NOW + 7 * DAY, NOW + 37 * DAY))
zone("tampered.test.", "sld", "test.", ecdsa_csk(), records=STD,
     mutate="tamper_a")
zone("badds.test.", "sld", "test.", ecdsa_csk(), records=STD,
     ds="unrelated")
zone("nosig.test.", "sld", "test.", ecdsa_csk(), records=STD,
     mutate="strip_rrsig")
# ldns-signzone refuses keys without the zone-key flag, so this zone is
# signed normally and then re-signed by dnspython with the flag cleared.
zone("nozonekey.test.", "sld", "test.", ecdsa_csk(), records=STD,
     ds="nozone", mutate="nozonekey")
zone("unsupalg.test.", "sld", "test.", ecdsa_csk(), records=STD,
     ds="alg253")
zone("unsupdigest.test.", "sld", "test.", ecdsa_csk(), records=STD,
     ds="digest0")
zone("badnsec.test.", "sld", "test.", ecdsa_csk(),
     records=STD + ["a 300 A 192.0.2.10", "m 300 A 192.0.2.11",
		    "z 300 A 192.0.2.12"], mutate="badnsec")
zone("badnsec3.test.", "sld", "test.", ecdsa_csk(),
     denial=("nsec3", 0, "", False),
     records=STD + ["a 300 A 192.0.2.10", "m 300 A 192.0.2.11",
		    "z 300 A 192.0.2.12"], mutate="badnsec3")
zone("wildnoproof.test.", "sld", "test.", ecdsa_csk(),
     records=STD + ["*.w 300 A 192.0.2.42"], mutate="wildnoproof")

# Names used by the NSEC3 mutation: the NSEC3 covering the first one is
# removed, the one covering the second is altered (scenarios.tsv uses them).
BADNSEC3_GONE = "gone.badnsec3.test."
BADNSEC3_BENT = "bent.badnsec3.test."

ZONES_BY_NAME = {z["name"]: z for z in ZONE_LIST}


def fname(name):
	return "root" if name == "." else name.rstrip(".")


def run(cmd, cwd=None):
	return subprocess.run(cmd, cwd=cwd, check=True, capture_output=True,
			      text=True).stdout


def run_parallel(jobs):
	"""jobs: list of (argv, cwd). Runs up to four at a time (each bounded
	to 120 s); returns {tuple(argv): stdout}, exits on the first failure."""
	width = max(2, min(4, (os.cpu_count() or 2) * 2))

	def one(job):
		argv, cwd = job
		return argv, subprocess.run(argv, cwd=cwd, capture_output=True,
					    text=True, timeout=120)

	outputs = {}
	with concurrent.futures.ThreadPoolExecutor(width) as pool:
		for argv, r in pool.map(one, jobs):
			if r.returncode != 0:
				sys.exit("mkzones: %s failed: %s" %
					 (" ".join(argv), r.stderr))
			outputs[tuple(argv)] = r.stdout
	return outputs


# --- keys ----------------------------------------------------------------

def gen_keys():
	"""Creates every key, then rewrites the flags of the special ones."""
	script = []
	for z in ZONE_LIST:
		if not z["keys"]:
			continue
		d = os.path.join(KEYS, fname(z["name"]))
		os.makedirs(d, exist_ok=True)
		lines = ["set -e", "cd " + d]
		for i, (role, alg, bits) in enumerate(z["keys"]):
			opt = "-k " if role != "zsk" else ""
			size = ("-b %d " % bits) if bits else ""
			lines.append("b=$(ldns-keygen -a %s %s%s%s)" %
				     (alg, size, opt, z["name"]))
			lines.append("echo \"%d %s $b\"" % (i, role))
		script.append((["sh", "-c", "\n".join(lines)], None))
	outs = run_parallel(script)
	for (argv, cwd) in script:
		d = argv[2].split("\n")[1][3:]
		zname = [z for z in ZONE_LIST
			 if os.path.join(KEYS, fname(z["name"])) == d][0]
		zname["keyfiles"] = []
		for line in outs[tuple(argv)].split("\n"):
			if not line.strip():
				continue
			_, role, base = line.split()
			zname["keyfiles"].append((role, os.path.join(d, base)))
	for z in ZONE_LIST:
		for role, base in z.get("keyfiles", []):
			if role == "kskrevoked":
				# REVOKE bit (RFC 5011): flags 257 | 128.
				set_key_flags(base, base, 385)
		if z["ds"] == "nozone":
			# Flags 1: SEP kept, zone-key bit (7) cleared.
			base = z["keyfiles"][0][1]
			set_key_flags(base, base + "-nozone", 1)


def set_key_flags(base, out, flags):
	"""Writes OUT.key: the DNSKEY of BASE.key with other flags.
	ldns-signzone signs with the DNSKEY found there, so the RRSIG key tag
	follows the new flags."""
	with open(base + ".key") as f:
		parts = f.read().split(";")[0].split()
	i = parts.index("DNSKEY")
	parts[i + 1] = str(flags)
	with open(out + ".key", "w") as f:
		f.write("\t".join(parts) + "\n")


def read_dnskey(base):
	with open(base + ".key") as f:
		parts = f.read().split(";")[0].split()
	i = parts.index("DNSKEY")
	return " ".join(parts[i + 1:])


def key_ds(base):
	"""DS (SHA-256) of a key as ldns-key2ds prints it, RDATA only."""
	out = run(["ldns-key2ds", "-n", "-2", base + ".key"])
	return out.split("\tDS\t")[1].strip()


def ds_rdatas(z):
	"""DS records the parent publishes for zone z."""
	if z.get("ds_from") is not None:
		return [key_ds(b) for b in z["ds_from"]]
	mode = z["ds"]
	if mode == "none" or not z["keys"]:
		return []
	sep = [b for r, b in z["keyfiles"] if r.startswith("ksk") or r == "csk"]
	if mode == "keys":
		return [key_ds(b) for b in sep]
	if mode == "nozone":
		return [key_ds(sep[0] + "-nozone")]
	tag, alg = key_ds(sep[0]).split()[:2]
	if mode == "unrelated":
		# A well-formed SHA-256 DS whose key is in no DNSKEY RRset.
		return ["%s %s 2 %s" % (tag, alg, "5a" * 32)]
	if mode == "alg253":
		# PRIVATEDNS: no validator supports it, so the zone is insecure
		# (RFC 4035 5.2, RFC 6840 5.2).
		return ["%s 253 2 %s" % (tag, "3c" * 32)]
	if mode == "digest0":
		# Digest type 0 is reserved: unsupported digest, zone insecure.
		return ["%s %s 0 %s" % (tag, alg, "77" * 32)]
	raise ValueError(mode)


# --- zone files ----------------------------------------------------------

def ns_name(z):
	return "ns1.test." if z["name"] == "." else (
		"ns2.test." if z["name"] == "test." else "ns." + z["name"])


def write_unsigned(z):
	name = z["name"]
	ttl = z["ttl"]
	lines = ["$ORIGIN " + name, "$TTL %d" % ttl,
		 "@ %d SOA %s hostmaster.%s %d 1800 900 604800 %d" %
		 (ttl, ns_name(z), "lab." if name == "." else name, SERIAL, ttl),
		 "@ %d NS %s" % (ttl, ns_name(z))]
	if name == ".":
		lines.append("ns1.test. %d A %s" % (ttl, ADDR["root"]))
	elif name == "test.":
		lines.append("ns2 %d A %s" % (ttl, ADDR["tld"]))
	else:
		lines.append("ns %d A %s" % (ttl, ADDR[z["level"]]))
	lines += z["records"]
	for c in ZONE_LIST:
		if c["parent"] != name:
			continue
		rel = c["name"]
		lines.append("%s %d NS %s" % (rel, c["ttl"], ns_name(c)))
		if c["name"] == "test.":
			lines.append("ns2.test. %d A %s" % (c["ttl"], ADDR["tld"]))
		else:
			lines.append("%s %d A %s" % (ns_name(c), c["ttl"],
						    ADDR[c["level"]]))
		for ds in ds_rdatas(c):
			lines.append("%s %d DS %s" % (rel, c["ttl"], ds))
	if z.get("keyfiles"):
		# kskpub: published in DNSKEY (DS at the parent) but not signing,
		# the double-DS stage of a KSK rollover.
		for role, base in z["keyfiles"]:
			if role == "kskpub":
				lines.append("@ %d DNSKEY %s" % (ttl, read_dnskey(base)))
	cds = z.get("cds_from") or []
	if z["mutate"] == "cds":
		cds = [b for r, b in z["keyfiles"] if r == "ksk"][:1]
	for key in cds:
		# CDS/CDNSKEY for the key (RFC 7344), signed like any RRset.
		lines.append("@ %d CDS %s" % (ttl, key_ds(key)))
		lines.append("@ %d CDNSKEY %s" % (ttl, read_dnskey(key)))
	path = os.path.join(ZONES, fname(name) + ".unsigned")
	with open(path, "w") as f:
		f.write("\n".join(lines) + "\n")
	return path


def sign_job(z, unsigned):
	out = os.path.join(ZONES, fname(z["name"]) + ".zone")
	if not z["keys"]:
		return None, out
	inc, exp = z["window"]
	argv = ["ldns-signzone", "-i", str(inc), "-e", str(exp), "-f", out,
		"-o", z["name"]]
	if z["denial"] != "nsec":
		_, it, salt, optout = z["denial"]
		argv += ["-n", "-t", str(it)]
		if salt:
			argv += ["-s", salt]
		if optout:
			argv.append("-p")
	argv.append(unsigned)
	argv += [b for r, b in z["keyfiles"] if r != "kskpub"]
	return argv, out


# --- mutations of signed zones --------------------------------------------

def read_rrs(path):
	with open(path) as f:
		return [l.rstrip("\n") for l in f if l.strip() and
			not l.startswith(";")]


def write_rrs(path, rrs):
	with open(path, "w") as f:
		f.write("\n".join(rrs) + "\n")


def rr_fields(line):
	p = line.split()
	return p[0].lower(), p[3], p[4:]


def is_sig_over(line, owner, rtype):
	o, t, rd = rr_fields(line)
	return o == owner and t == "RRSIG" and rd[0] == rtype


def mutate_tamper_a(z, rrs):
	# Change the RDATA of www A under its intact RRSIG.
	owner = "www." + z["name"]
	res = []
	for l in rrs:
		o, t, rd = rr_fields(l)
		if o == owner and t == "A":
			l = l.replace("192.0.2.1", "192.0.2.66")
		res.append(l)
	return res


def mutate_strip_rrsig(z, rrs):
	owner = "www." + z["name"]
	return [l for l in rrs if not (is_sig_over(l, owner, "A") or
				       is_sig_over(l, owner, "AAAA"))]


def mutate_badnsec(z, rrs):
	# Names: apex, a, m, ns, txt, www, z. Remove the NSEC at a (covers
	# a..m: b.badnsec.test. has no proof) and add a type to the bitmap of
	# the NSEC at m (covers m..ns: n.badnsec.test. has a forged proof).
	gone = "a." + z["name"]
	bent = "m." + z["name"]
	res = []
	for l in rrs:
		o, t, rd = rr_fields(l)
		if o == gone and (t == "NSEC" or is_sig_over(l, gone, "NSEC")):
			continue
		if o == bent and t == "NSEC":
			l = l + " TXT"
		res.append(l)
	return res


def nsec3_covering(rrs, qname, zname):
	"""Returns the owner of the NSEC3 whose range covers hash(qname)."""
	params = None
	chain = []
	for l in rrs:
		o, t, rd = rr_fields(l)
		if t == "NSEC3":
			chain.append((o.split(".")[0].upper(), rd[4].upper(), o))
			params = (int(rd[2]), rd[3])
	it, salt = params
	salt = None if salt == "-" else salt
	h = dns.dnssec.nsec3_hash(qname, salt, it, "SHA1").upper()
	for owner_hash, nxt, o in chain:
		if owner_hash < h < nxt or (nxt <= owner_hash and
					    (h > owner_hash or h < nxt)):
			return o
	raise ValueError("no covering NSEC3 for " + qname)


def mutate_badnsec3(z, rrs):
	zname = z["name"]
	gone = nsec3_covering(rrs, BADNSEC3_GONE, zname)
	bent = nsec3_covering(rrs, BADNSEC3_BENT, zname)
	# The wildcard and apex proofs must stay intact, or every negative
	# answer would be broken instead of the two chosen ones.
	keep = {nsec3_covering(rrs, "*." + zname, zname)}
	for l in rrs:
		o, t, rd = rr_fields(l)
		if t == "NSEC3" and "SOA" in rd:
			keep.add(o)
	if gone == bent or gone in keep or bent in keep:
		sys.exit("mkzones: badnsec3 names share an NSEC3 with another "
			 "proof; choose other names")
	res = []
	for l in rrs:
		o, t, rd = rr_fields(l)
		if o == gone and (t == "NSEC3" or is_sig_over(l, o, "NSEC3")):
			continue
		if o == bent and t == "NSEC3":
			l = l + " TXT"
		res.append(l)
	return res


def mutate_wildnoproof(z, rrs):
	# The NSEC at *.w proves that foo.w does not exist; without it the
	# wildcard expansion is unproven (RFC 4035 5.3.4).
	owner = "*.w." + z["name"]
	return [l for l in rrs if not (rr_fields(l)[0] == owner and
				       (rr_fields(l)[1] == "NSEC" or
					is_sig_over(l, owner, "NSEC")))]


def read_private_key(base):
	"""Loads an ldns/BIND v1.2 private key file (ECDSA P-256 only)."""
	from cryptography.hazmat.primitives.asymmetric import ec
	with open(base + ".private") as f:
		fields = dict(l.split(": ", 1) for l in f.read().splitlines()
			      if ": " in l)
	if not fields["Algorithm"].startswith("13 "):
		raise ValueError("only ECDSAP256SHA256 keys can be re-signed")
	raw = base64.b64decode(fields["PrivateKey"])
	return ec.derive_private_key(int.from_bytes(raw, "big"),
				     ec.SECP256R1())


def mutate_nozonekey(z, rrs):
	"""Re-signs the zone with its key's zone-key flag cleared (flags 1):
	the signatures are mathematically valid and the DS matches the key,
	but RFC 4034 2.1.1 forbids using such a key to verify an RRSIG."""
	import dns.rrset
	base = z["keyfiles"][0][1]
	priv = read_private_key(base)
	origin = dns.name.from_text(z["name"])
	key = dns.rdata.from_text("IN", "DNSKEY", read_dnskey(base + "-nozone"))
	inc, exp = z["window"]
	sets = {}
	for l in rrs:
		o, t, rd = rr_fields(l)
		if t == "RRSIG":
			continue
		if t == "DNSKEY":
			l = "%s 300 IN DNSKEY %s" % (z["name"], key.to_text())
		rr = dns.rrset.from_text(o, int(l.split()[1]), "IN", t,
					 " ".join(l.split()[4:]))
		k = (o, t)
		if k in sets:
			sets[k].union_update(rr)
		else:
			sets[k] = rr
	res = []
	for (o, t), rrset in sets.items():
		res += [r for r in rrset.to_text().split("\n")]
		sig = dns.dnssec.sign(rrset, priv, origin, key, inception=inc,
				      expiration=exp)
		res.append("%s %d IN RRSIG %s" % (o, rrset.ttl, sig.to_text()))
	return res


MUTATIONS = {
	"nozonekey": mutate_nozonekey,
	"tamper_a": mutate_tamper_a,
	"strip_rrsig": mutate_strip_rrsig,
	"badnsec": mutate_badnsec,
	"badnsec3": mutate_badnsec3,
	"wildnoproof": mutate_wildnoproof,
}


# --- anchors and configurations -------------------------------------------

def write_anchors():
	os.makedirs(ANCHORS, exist_ok=True)
	root = ZONES_BY_NAME["."]
	ksk = [b for r, b in root["keyfiles"] if r == "ksk"][0]
	ds = key_ds(ksk)
	dnskey = read_dnskey(ksk)
	with open(os.path.join(ANCHORS, "root.ds"), "w") as f:
		f.write(". 3600 IN DS %s\n" % ds)
	with open(os.path.join(ANCHORS, "root.dnskey"), "w") as f:
		f.write(". 3600 IN DNSKEY %s\n" % dnskey)
	tag, alg, dt, digest = ds.split()
	with open(os.path.join(ANCHORS, "root-anchors.xml"), "w") as f:
		f.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			"<TrustAnchor id=\"xdpdns-lab\" source=\"tests/lab\">\n"
			"<Zone>.</Zone>\n"
			"<KeyDigest id=\"lab-%s\" validFrom=\"%s\">\n"
			"<KeyTag>%s</KeyTag>\n<Algorithm>%s</Algorithm>\n"
			"<DigestType>%s</DigestType>\n<Digest>%s</Digest>\n"
			"</KeyDigest>\n</TrustAnchor>\n" %
			(tag, time.strftime("%Y-%m-%dT%H:%M:%S+00:00",
					    time.gmtime(NOW - HOUR)),
			 tag, alg, dt, digest.upper()))
	mesh = ZONES_BY_NAME["mesh.internal."]
	mksk = mesh["keyfiles"][0][1]
	with open(os.path.join(ANCHORS, "mesh.internal.ds"), "w") as f:
		f.write("mesh.internal. 3600 IN DS %s\n" % key_ds(mksk))
	with open(os.path.join(ANCHORS, "mesh.internal.dnskey"), "w") as f:
		f.write("mesh.internal. 3600 IN DNSKEY %s\n" % read_dnskey(mksk))


def write_knot_conf(level):
	d = os.path.join(RUN, "knot-" + level)
	os.makedirs(os.path.join(d, "db"), exist_ok=True)
	zones = [z for z in ZONE_LIST if z["level"] == level]
	lines = [
		"server:",
		"    rundir: \"%s\"" % d,
		"    pidfile: \"%s/knot.pid\"" % d,
		"    listen: %s@53" % ADDR[level],
		"    udp-workers: 1",
		"    tcp-workers: 1",
		"    background-workers: 1",
		"control:",
		"    listen: \"%s/knot.sock\"" % d,
		"database:",
		"    storage: \"%s/db\"" % d,
		"log:",
		"  - target: \"%s/knot.log\"" % d,
		"    any: info",
		"template:",
		"  - id: default",
		"    storage: \"%s\"" % ZONES,
		"    dnssec-signing: off",
		"    zonefile-sync: -1",
		"    zonefile-load: whole",
		"    journal-content: none",
		"    semantic-checks: off",
		"zone:",
	]
	for z in zones:
		lines.append("  - domain: \"%s\"" % z["name"])
		lines.append("    file: \"%s.zone\"" % fname(z["name"]))
	with open(os.path.join(d, "knot.conf"), "w") as f:
		f.write("\n".join(lines) + "\n")
	with open(os.path.join(d, "zones.list"), "w") as f:
		f.write("\n".join(z["name"] for z in zones) + "\n")


def unbound_common(d, addr):
	return [
		"server:",
		"    interface: %s@53" % addr,
		"    outgoing-interface: %s" % addr,
		"    do-ip6: no",
		"    do-daemonize: no",
		"    chroot: \"\"",
		"    username: \"\"",
		"    directory: \"%s\"" % d,
		"    pidfile: \"%s/unbound.pid\"" % d,
		"    use-syslog: no",
		"    logfile: \"%s/unbound.log\"" % d,
		"    log-time-ascii: yes",
		"    num-threads: 1",
		"    outgoing-range: 64",
		"    access-control: 127.0.0.0/8 allow",
		"    access-control: 198.18.0.0/16 allow",
		"    access-control: fd53::/16 allow",
		"    do-not-query-localhost: no",
		"    serve-expired: no",
		"    msg-cache-size: 1m",
		"    rrset-cache-size: 2m",
		"    key-cache-size: 1m",
		"    neg-cache-size: 1m",
		# test. is an RFC 6761 name that unbound answers locally by
		# default; the lab's hierarchy lives there.
		"    local-zone: \"test.\" nodefault",
	]


def write_unbound_confs():
	d = os.path.join(RUN, "unbound-upstream")
	os.makedirs(d, exist_ok=True)
	with open(os.path.join(d, "root.hints"), "w") as f:
		f.write(". 3600000 NS ns1.test.\nns1.test. 3600000 A %s\n" %
			ADDR["root"])
	lines = unbound_common(d, UPSTREAM) + [
		"    verbosity: 1",
		"    module-config: \"iterator\"",
		"    root-hints: \"%s/root.hints\"" % d,
		"stub-zone:",
		"    name: \"mesh.internal.\"",
		"    stub-addr: %s" % ADDR["sld"],
	]
	with open(os.path.join(d, "unbound.conf"), "w") as f:
		f.write("\n".join(lines) + "\n")

	d = os.path.join(RUN, "unbound-validator")
	os.makedirs(d, exist_ok=True)
	lines = unbound_common(d, VALIDATOR) + [
		"    verbosity: 1",
		"    module-config: \"validator iterator\"",
		"    trust-anchor-file: \"%s/root.ds\"" % ANCHORS,
		"    trust-anchor-file: \"%s/mesh.internal.ds\"" % ANCHORS,
		"    ede: yes",
		"    val-log-level: 2",
		"    val-bogus-ttl: 60",
		"forward-zone:",
		"    name: \".\"",
		"    forward-addr: %s" % UPSTREAM,
	]
	with open(os.path.join(d, "unbound.conf"), "w") as f:
		f.write("\n".join(lines) + "\n")


# --- events on a running lab ----------------------------------------------

EVENTS = os.path.join(ZONES, "events.json")


def save_state():
	"""What events change (key files, DS and CDS sources, signature
	windows) and the last serial, for the next event."""
	state = {"serial": SERIAL, "zones": {}}
	for z in ZONE_LIST:
		if z.get("keyfiles"):
			state["zones"][z["name"]] = {
				k: z[k] for k in ("keyfiles", "ds_from", "cds_from",
						  "window") if z.get(k) is not None}
	with open(EVENTS + ".new", "w") as f:
		json.dump(state, f, indent=1)
	os.replace(EVENTS + ".new", EVENTS)


def load_state():
	global SERIAL
	with open(EVENTS) as f:
		state = json.load(f)
	# The serial grows at every event, even two in the same second.
	SERIAL = max(NOW, state["serial"] + 1)
	for name, kept in state["zones"].items():
		z = ZONES_BY_NAME[name]
		z.update(kept)
		z["keyfiles"] = [tuple(k) for k in z["keyfiles"]]
		z["window"] = tuple(z["window"])


def resign(z):
	"""Writes and signs zone z again, then has its knotd load it."""
	argv, _ = sign_job(z, write_unsigned(z))
	run(argv)
	sock = os.path.join(RUN, "knot-" + z["level"], "knot.sock")
	run(["knotc", "-s", sock, "-b", "-t", "10", "zone-reload", z["name"]])


def new_ksk(z):
	d = os.path.join(KEYS, fname(z["name"]))
	base = run(["ldns-keygen", "-a", "ECDSAP256SHA256", "-k", z["name"]],
		   cwd=d).strip()
	return os.path.join(d, base)


def key_tag(base):
	return dns.dnssec.key_id(dns.rdata.from_text("IN", "DNSKEY",
						     read_dnskey(base)))


def summary(action, z):
	"""The zone's keys, DS and CDS after the event, as a JSON line."""
	def ds_list(ds):
		return [{"tag": int(d.split()[0]), "digest": d.split()[3].lower()}
			for d in ds]
	return json.dumps({
		"action": action, "zone": z["name"], "serial": SERIAL,
		"dnskey_tags": [key_tag(b) for _, b in z["keyfiles"]],
		"ds": ds_list(ds_rdatas(z)),
		"cds": ds_list([key_ds(b) for b in z.get("cds_from") or []]),
		"expiration": z["window"][1]})


def run_event(action, name, arg=None):
	"""ACTION on zone NAME of the running lab (its zone files under RUN):
	  rollover-publish  a new KSK, the DNSKEY RRset signed by old and new
	  rollover-ds       the parent's DS replaced by the new KSK's
	  rollover-retire   the old KSK removed, signed by the new one only
	                    (RFC 6781 4.1.2: wait the DS TTL before this)
	  cds-mismatch      a new KSK published (not signing) with CDS and
	                    CDNSKEY for it only; the parent's DS unchanged
	  expire-soon SECS  re-signed: inception an hour ago, expiration in
	                    SECS seconds
	Prints a JSON summary of the zone afterwards."""
	load_state()
	z = ZONES_BY_NAME.get(name)
	if not z or not z.get("keyfiles"):
		sys.exit("mkzones: %s is not a signed zone of the lab" % name)
	ksks = [b for r, b in z["keyfiles"] if r == "ksk"]
	if action == "expire-soon" and not (arg or "").isdigit():
		sys.exit("mkzones: expire-soon needs SECONDS")
	if action.startswith("rollover-") or action == "cds-mismatch":
		if not ksks:
			sys.exit("mkzones: %s has no KSK to roll (KSK+ZSK zones only)"
				 % name)
		# From now on the DS set is explicit: the keys added next are
		# not at the parent until rollover-ds puts them there.
		if z.get("ds_from") is None:
			z["ds_from"] = ksks
	if action == "rollover-publish":
		z["keyfiles"].insert(len(ksks), ("ksk", new_ksk(z)))
		resign(z)
	elif action == "rollover-ds":
		z["ds_from"] = ksks[-1:]
		resign(ZONES_BY_NAME[z["parent"]])
	elif action == "rollover-retire":
		z["keyfiles"] = [(r, b) for r, b in z["keyfiles"]
				 if r != "ksk" or b in z["ds_from"]]
		resign(z)
	elif action == "cds-mismatch":
		pub = new_ksk(z)
		z["keyfiles"].append(("kskpub", pub))
		z["cds_from"] = [pub]
		resign(z)
	elif action == "expire-soon":
		z["window"] = (NOW - HOUR, NOW + int(arg))
		resign(z)
	else:
		sys.exit("mkzones: unknown event " + action)
	save_state()
	print(summary(action, z))


def main():
	for d in (ZONES, KEYS, ANCHORS):
		os.makedirs(d, exist_ok=True)
	gen_keys()
	jobs = []
	outs = []
	for z in ZONE_LIST:
		argv, out = sign_job(z, write_unsigned(z))
		if argv:
			jobs.append((argv, None))
		else:
			os.replace(os.path.join(ZONES, fname(z["name"]) +
						".unsigned"), out)
		outs.append((z, out))
	run_parallel(jobs)
	for z, out in outs:
		if z["mutate"] in MUTATIONS:
			write_rrs(out, MUTATIONS[z["mutate"]](z, read_rrs(out)))
	write_anchors()
	for level in ADDR:
		write_knot_conf(level)
	write_unbound_confs()
	# Lists for lab.t: zones signed correctly, zones broken on purpose
	# with the tool that must notice (ldns-verify-zone accepts a revoked
	# or non-zone signing key, kzonecheck does not).
	with open(os.path.join(ZONES, "signed-good.list"), "w") as g, \
	     open(os.path.join(ZONES, "signed-bogus.list"), "w") as b:
		for z in ZONE_LIST:
			if not z["keys"]:
				continue
			f = fname(z["name"]) + ".zone"
			if z["name"] in ("nozonekey.test.", "revoked.test."):
				b.write("%s %s kzonecheck\n" % (z["name"], f))
			elif z["mutate"] in MUTATIONS or z["window"] != VALID:
				b.write("%s %s ldns-verify-zone\n" % (z["name"], f))
			else:
				g.write("%s %s\n" % (z["name"], f))
	save_state()


if __name__ == "__main__":
	if len(sys.argv) > 3 and sys.argv[2] == "--event":
		run_event(*sys.argv[3:6])
	else:
		main()
