#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
# Builds, from the lab's signed zone FILES, the responses an authoritative
# server (and an iterator following CNAMEs) would give for every line of
# scenarios.tsv, plus the DS and DNSKEY responses of every name above them,
# and writes them as wire files with a manifest for test_dnssec_labzones.
#
# dnspython reads the zone files (a parser independent of ours); the
# response logic mirrors what knotd does with DO=1: positive answers with
# their RRSIGs, negative answers with the SOA and the NSEC/NSEC3 proofs of
# RFC 4035 3.1.3 and RFC 5155 7.2, wildcard expansion with the proof that
# the next closer name does not exist, DNAME with a synthesised CNAME.
#
# usage: zone_responses.py RUN_DIR OUT_DIR
#   RUN_DIR: the directory mkzones.py wrote (zones/, anchors/)
#   OUT_DIR: receives manifest.tsv and *.wire
#        zone_responses.py --knot RUN_DIR OUT_DIR
#   (inside the lab's namespace, lab started from RUN_DIR) asks the knotd
#   serving each zone the last step of every question of OUT_DIR's
#   manifest and compares its answer and authority sections with ours;
#   prints the differences, exits 1 if there is any.

import os
import sys
import time

import dns.dnssec
import dns.flags
import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdataclass
import dns.rdatatype as T
import dns.rdtypes.ANY.DS
import dns.rrset
import dns.zone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scenarios  # noqa: E402

IN = dns.rdataclass.IN

# unsupdigest.test.'s DS uses digest type 0, which dnspython refuses to
# parse ("reserved"); a server serves it as it stands in the zone file, so
# accept it here with the length the lab writes (32 octets).
dns.rdtypes.ANY.DS.DS._digest_length_by_type = {
	**dns.rdtypes.ANY.DS.DS._digest_length_by_type, 0: 32}
MAX_LINKS = 8


def unique(rrsets):
	"""rrsets without repeated RRsets (same owner, type, covered type)."""
	seen = set()
	out = []
	for rr in rrsets:
		key = (rr.name, rr.rdtype, rr.covers)
		if key not in seen:
			seen.add(key)
			out.append(rr)
	return out


class Zone:
	"""One zone file, indexed for authoritative lookups."""

	def __init__(self, path, origin):
		self.z = dns.zone.from_file(path, origin, relativize=False,
					    check_origin=False)
		self.apex = self.z.origin
		self.cuts = set()
		for name, node in self.z.nodes.items():
			if name != self.apex and node.get_rdataset(IN, T.NS):
				self.cuts.add(name)
		# Authoritative names: data not below a cut (glue excluded)
		# and not the NSEC3 chain's own owners.
		self.names = []
		for name, node in self.z.nodes.items():
			if self.below_cut(name):
				continue
			types = {rds.rdtype for rds in node}
			if types and types <= {T.NSEC3, T.RRSIG} and \
			   node.get_rdataset(IN, T.NSEC3) is not None:
				continue
			if not types:
				continue
			self.names.append(name)
		self.names.sort()
		self.exists = set()
		for name in self.names:
			n = name
			while True:
				self.exists.add(n)
				if n == self.apex:
					break
				n = n.parent()
		apex = self.z.nodes[self.apex]
		self.signed = apex.get_rdataset(IN, T.DNSKEY) is not None and \
			apex.get_rdataset(IN, T.RRSIG, T.SOA) is not None
		p = apex.get_rdataset(IN, T.NSEC3PARAM)
		self.nsec3 = None
		if p is not None:
			rd = p[0]
			self.nsec3 = (rd.salt, rd.iterations)
			self.chain = {}
			for name, node in self.z.nodes.items():
				if node.get_rdataset(IN, T.NSEC3) is not None:
					h = name.labels[0].decode().upper()
					self.chain[h] = name
			self.hashes = sorted(self.chain)

	def below_cut(self, name):
		"""True when name is strictly below a delegation of the zone."""
		n = name
		while n != self.apex and len(n) > 1:
			n = n.parent()
			if n in self.cuts:
				return True
		return False

	def rrset(self, name, rdtype, owner=None):
		"""[RRset, RRSIG RRset] of name/rdtype (empty if absent);
		owner replaces the owner (wildcard expansion)."""
		node = self.z.nodes.get(name)
		if node is None:
			return []
		rds = node.get_rdataset(IN, rdtype)
		if rds is None:
			return []
		o = owner or name
		out = [dns.rrset.from_rdata_list(o, rds.ttl, list(rds))]
		sig = node.get_rdataset(IN, T.RRSIG, rdtype)
		if sig is not None:
			out.append(dns.rrset.from_rdata_list(o, sig.ttl,
							     list(sig)))
		return out

	def soa(self):
		return self.rrset(self.apex, T.SOA)

	# --- NSEC (RFC 4035 3.1.3) ---------------------------------------

	def nsec_cover(self, name):
		"""The NSEC of the node before name in canonical order, as
		knotd picks it; nothing when that node lost its NSEC."""
		prev = self.apex
		for n in self.names:
			if n < name:
				prev = n
			else:
				break
		return self.rrset(prev, T.NSEC)

	def nsec_nodata(self, name):
		# An empty non-terminal has no NSEC of its own: the NSEC of
		# the previous name covers it (RFC 4035 3.1.3.2 with 4.2).
		if name in self.z.nodes and not self.below_cut(name):
			return self.rrset(name, T.NSEC)
		return self.nsec_cover(name)

	# --- NSEC3 (RFC 5155 7.2) -----------------------------------------

	def hash(self, name):
		salt, it = self.nsec3
		return dns.dnssec.nsec3_hash(name, salt or None, it,
					     "SHA1").upper()

	def n3_match(self, name):
		h = self.hash(name)
		if h in self.chain:
			return self.rrset(self.chain[h], T.NSEC3)
		return []

	def n3_cover(self, name):
		"""The NSEC3 whose hash precedes hash(name) (cyclic): the
		covering one when the chain is intact."""
		h = self.hash(name)
		prev = self.hashes[-1]
		for x in self.hashes:
			if x < h:
				prev = x
			else:
				break
		return self.rrset(self.chain[prev], T.NSEC3)

	def n3_encloser(self, name):
		"""(closest provable encloser, next closer name)."""
		nc = name
		ce = name.parent()
		while ce != self.apex and self.hash(ce) not in self.chain:
			nc = ce
			ce = ce.parent()
		return ce, nc

	# --- proofs -----------------------------------------------------------

	def closest_encloser(self, name):
		n = name
		while n not in self.exists:
			n = n.parent()
		return n

	def proof_nodata(self, name):
		if not self.signed:
			return []
		if self.nsec3 is None:
			return self.nsec_nodata(name)
		m = self.n3_match(name)
		if m:
			return m
		# No NSEC3 for the name: an opt-out range (RFC 5155 7.2.4).
		ce, nc = self.n3_encloser(name)
		return self.n3_match(ce) + self.n3_cover(nc)

	def proof_nxdomain(self, name, ce):
		if not self.signed:
			return []
		wild = dns.name.from_text("*", ce)
		if self.nsec3 is None:
			return self.nsec_cover(name) + self.nsec_cover(wild)
		# Closest encloser proof plus the wildcard (RFC 5155 7.2.2).
		pce, nc = self.n3_encloser(name)
		return (self.n3_match(pce) + self.n3_cover(nc) +
			self.n3_cover(dns.name.from_text("*", pce)))

	def proof_wildcard(self, name, ce):
		"""No closer match exists (RFC 4035 3.1.3.3, RFC 5155 7.2.6)."""
		if not self.signed:
			return []
		if self.nsec3 is None:
			return self.nsec_cover(name)
		nc = dns.name.Name(name.labels[-len(ce) - 1:])
		return self.n3_cover(nc)

	def proof_wildcard_nodata(self, name, ce):
		"""RFC 4035 3.1.3.4, RFC 5155 7.2.5."""
		if not self.signed:
			return []
		wild = dns.name.from_text("*", ce)
		if self.nsec3 is None:
			return self.nsec_cover(name) + self.rrset(wild, T.NSEC)
		nc = dns.name.Name(name.labels[-len(ce) - 1:])
		return (self.n3_match(ce) + self.n3_cover(nc) +
			self.n3_match(wild))

	# --- lookup -------------------------------------------------------------

	def lookup(self, qname, qtype):
		"""One authoritative step. Returns (kind, answer, authority,
		next name): kind is answer, cname, nodata or nxdomain. A record
		proving two things (the next closer name and the wildcard, say)
		is given once, as a server does."""
		kind, ans, auth, nxt = self.lookup_all(qname, qtype)
		return kind, unique(ans), unique(auth), nxt

	def lookup_all(self, qname, qtype):
		if qname in self.cuts:
			if qtype != T.DS:
				raise ValueError("referral for %s in %s" %
						 (qname, self.apex))
			ds = self.rrset(qname, T.DS)
			if ds:
				return "answer", ds, [], None
			return "nodata", [], self.soa() + \
				self.proof_nodata(qname), None
		# DNAME at an ancestor (RFC 6672 2.3).
		n = qname
		while n != self.apex:
			n = n.parent()
			dn = self.rrset(n, T.DNAME)
			if dn:
				target = qname.relativize(n).concatenate(
					dn[0][0].target)
				cname = dns.rrset.from_text(
					qname, dn[0].ttl, IN, T.CNAME,
					target.to_text())
				return "cname", dn + [cname], [], target
		node = self.z.nodes.get(qname)
		if node is not None and qname in self.names:
			got = self.rrset(qname, qtype)
			if got:
				return "answer", got, [], None
			cn = self.rrset(qname, T.CNAME)
			if cn and qtype != T.CNAME:
				return "cname", cn, [], cn[0][0].target
			return "nodata", [], self.soa() + \
				self.proof_nodata(qname), None
		if qname in self.exists:
			# Empty non-terminal.
			return "nodata", [], self.soa() + \
				self.proof_nodata(qname), None
		ce = self.closest_encloser(qname)
		wild = dns.name.from_text("*", ce)
		if wild in self.names:
			got = self.rrset(wild, qtype, owner=qname)
			if got:
				return "answer", got, \
					self.proof_wildcard(qname, ce), None
			cn = self.rrset(wild, T.CNAME, owner=qname)
			if cn and qtype != T.CNAME:
				return "cname", cn, self.proof_wildcard(
					qname, ce), cn[0][0].target
			return "nodata", [], self.soa() + \
				self.proof_wildcard_nodata(qname, ce), None
		return "nxdomain", [], self.soa() + \
			self.proof_nxdomain(qname, ce), None


class Lab:
	def __init__(self, run):
		zdir = os.path.join(run, "zones")
		self.zones = {}
		for f in sorted(os.listdir(zdir)):
			if not f.endswith(".zone"):
				continue
			origin = "." if f == "root.zone" else f[:-5] + "."
			z = Zone(os.path.join(zdir, f), origin)
			self.zones[z.apex] = z

	def zone_for(self, qname, qtype):
		"""The deepest zone holding qname; for DS at an apex, the
		parent's zone (RFC 4035 3.1.4.1)."""
		best = None
		for apex, z in self.zones.items():
			if not qname.is_subdomain(apex):
				continue
			if qtype == T.DS and qname == apex and len(apex) > 1:
				continue
			if best is None or len(apex) > len(best.apex):
				best = z
		if best is None:
			best = self.zones[dns.name.root]
		return best

	def steps(self, qname, qtype):
		"""The authoritative steps an iterator takes: a list of
		(zone, qname, kind, answer, authority), CNAME/DNAME links
		first, the final zone's answer or negative answer last."""
		out = []
		for _ in range(MAX_LINKS):
			z = self.zone_for(qname, qtype)
			kind, ans, auth, nxt = z.lookup(qname, qtype)
			out.append((z, qname, kind, ans, auth))
			if kind != "cname":
				return out
			qname = nxt
		raise ValueError("CNAME chain too long at %s" % qname)

	def resolve(self, qname, qtype):
		"""What an iterator hands back: every step's answer, the last
		step's rcode, and every step's authority (the last one's
		proofs, and those of a wildcard-expanded CNAME on the way)."""
		steps = self.steps(qname, qtype)
		answer = [rr for step in steps for rr in step[3]]
		auth = [rr for step in steps for rr in step[4]]
		rcode = dns.rcode.NXDOMAIN if steps[-1][2] == "nxdomain" \
			else dns.rcode.NOERROR
		return rcode, answer, auth

	def message(self, qname, qtype):
		"""The response to (qname, qtype) with DO=1, as dns.message."""
		q = dns.message.make_query(qname, qtype, want_dnssec=True)
		r = dns.message.make_response(q)
		r.flags |= dns.flags.RA
		rcode, answer, auth = self.resolve(qname, qtype)
		r.set_rcode(rcode)
		seen = set()
		for sec, rrsets in ((r.answer, answer), (r.authority, auth)):
			for rr in rrsets:
				key = (id(sec), rr.name, rr.rdtype, rr.covers)
				if key in seen:
					continue
				seen.add(key)
				sec.append(rr)
		return r


def ancestors(name):
	out = []
	n = name
	while True:
		out.append(n)
		if n == dns.name.root:
			break
		n = n.parent()
	return out


def sections_key(rrsets):
	return sorted((rr.name.to_text().lower(), rr.rdtype, rr.covers,
		       tuple(sorted(r.to_text() for r in rr)))
		      for rr in rrsets)


def compare_knot(run, out):
	"""Asks knotd the last step of every question of the manifest;
	returns the number of differences (printed)."""
	lab = Lab(run)
	env = {}
	with open(os.path.join(run, "env.sh")) as f:
		for line in f:
			if "=" in line and not line.startswith("#"):
				k, v = line.strip().split("=", 1)
				env[k] = v
	server = {}
	for level in ("root", "tld", "sld", "deep"):
		addr = env["LAB_AUTH_" + level.upper()]
		with open(os.path.join(run, "knot-" + level,
				       "zones.list")) as f:
			for z in f:
				if z.strip():
					server[dns.name.from_text(z.strip())] = addr
	questions = []
	with open(os.path.join(out, "manifest.tsv")) as f:
		for line in f:
			c = line.rstrip("\n").split("\t")
			if c[0] == "scenario":
				questions.append((c[2], T.from_text(c[3])))
			elif c[0] == "pool":
				questions.append((c[2], int(c[1])))
	diffs = same = 0
	for qtext, qtype in dict.fromkeys(questions):
		z, qname, _, ans, auth = lab.steps(dns.name.from_text(qtext),
						   qtype)[-1]
		q = dns.message.make_query(qname, qtype, want_dnssec=True)
		q.flags &= ~dns.flags.RD
		r = dns.query.udp(q, server[z.apex], timeout=3)
		if r.flags & dns.flags.TC:
			r = dns.query.tcp(q, server[z.apex], timeout=3)
		if (sections_key(r.answer), sections_key(r.authority)) == \
		   (sections_key(ans), sections_key(auth)):
			same += 1
			continue
		diffs += 1
		print("# %s %s (last step %s in %s): knotd differs" %
		      (qtext, T.to_text(qtype), qname, z.apex))
		for what, rrs in (("knotd", r.answer + r.authority),
				  ("ours", ans + auth)):
			print("#   %s: %s" % (what, " ".join(
				"%s/%s" % (rr.name, T.to_text(rr.covers or
							   rr.rdtype))
				for rr in rrs)))
	print("# %d questions asked to knotd: %d same, %d different" %
	      (same + diffs, same, diffs))
	return diffs


def main():
	if sys.argv[1] == "--knot":
		return 1 if compare_knot(sys.argv[2], sys.argv[3]) else 0
	run, out = sys.argv[1], sys.argv[2]
	os.makedirs(out, exist_ok=True)
	lab = Lab(run)
	now = int(time.time())
	lines = ["now\t%d" % now]
	for f in ("root.ds", "mesh.internal.ds"):
		with open(os.path.join(run, "anchors", f)) as a:
			for line in a:
				if line.strip():
					lines.append("anchor\t" + line.strip())
	pool = {}
	for s in scenarios.load():
		qname = dns.name.from_text(s.qname)
		qtype = T.from_text(s.qtype)
		msg = lab.message(qname, qtype)
		f = "s%03d.wire" % s.line
		with open(os.path.join(out, f), "wb") as w:
			w.write(msg.to_wire())
		ede = "-" if s.ede is None else str(s.ede)
		lines.append("\t".join([
			"scenario", str(s.line), s.qname, s.qtype,
			",".join(sorted(s.flags)) or "-", s.security, s.rcode,
			str(s.ad), ede, dns.rcode.to_text(msg.rcode()), f]))
		# DS and DNSKEY of every name above every owner and signer:
		# whatever the validator's walk may ask for.
		names = {qname}
		for rr in msg.answer + msg.authority:
			names.add(rr.name)
			if rr.rdtype == T.RRSIG:
				names.update(sig.signer for sig in rr)
		for n in names:
			for a in ancestors(n):
				for t in (T.DS, T.DNSKEY):
					pool.setdefault((a, t), None)
	for i, (name, t) in enumerate(sorted(pool, key=lambda k: (
			len(k[0]), k[0], k[1]))):
		f = "p%04d.wire" % i
		with open(os.path.join(out, f), "wb") as w:
			w.write(lab.message(name, t).to_wire())
		lines.append("pool\t%d\t%s\t%s" % (t, name.to_text(), f))
	with open(os.path.join(out, "manifest.tsv"), "w") as m:
		m.write("\n".join(lines) + "\n")
	print("zone_responses: %d zones, %d scenarios, %d DS/DNSKEY "
	      "responses" % (len(lab.zones), sum(1 for l in lines if
					      l.startswith("scenario")),
			     len(pool)), file=sys.stderr)
	return 0


if __name__ == "__main__":
	sys.exit(main())
