#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
# The lab's scenario table (scenarios.tsv): load it, run one scenario
# against a DNS server with dnspython, compare the answer with the table.
#
# Used by tests/lab/reference.t against the reference unbound and, later,
# by the integration tests against xdpdnsd. As a program it prints TAP:
#   scenarios.py --server 198.18.0.54 [--mode reference|rfc] [--grep TEXT]
#
# Table columns (tab-separated, '#' starts a comment line):
#   qname qtype flags security rcode ad ede ref comment
# flags:    comma list of do, cd, ad, tcp, or '-'
# security: secure, insecure or bogus (RFC 4035 4.3) of the answer
# rcode:    NOERROR, NXDOMAIN or SERVFAIL
# ad:       1 or 0, the AD bit the answer must carry
# ede:      an RFC 8914 INFO-CODE the answer must carry, or '-' (unchecked)
# ref:      'agree', or 'deviates:RFCxxxx-sec:RCODE/AD/EDE' when unbound
#           1.17 (the reference) is known to answer otherwise: the columns
#           hold what the RFC requires, the ref field what unbound does.

import argparse
import os
import sys
import time

import dns.flags
import dns.message
import dns.query
import dns.rcode

HERE = os.path.dirname(os.path.abspath(__file__))
TABLE = os.path.join(HERE, "scenarios.tsv")
SECURITY = ("secure", "insecure", "bogus")
FLAGS = ("do", "cd", "ad", "tcp")
EDE_OPTION = 15


class Scenario:
	"""One line of the table; line is its line number for messages."""

	def __init__(self, line, qname, qtype, flags, security, rcode, ad, ede,
		     ref, comment):
		self.line = line
		self.qname = qname
		self.qtype = qtype
		self.flags = set() if flags == "-" else set(flags.split(","))
		self.security = security
		self.rcode = rcode
		self.ad = int(ad)
		self.ede = None if ede == "-" else int(ede)
		self.ref = ref
		self.comment = comment
		self.deviation = None
		if ref.startswith("deviates:"):
			_, cite, outcome = ref.split(":", 2)
			rc, dad, dede = outcome.split("/")
			self.deviation = (cite, rc, int(dad),
					  None if dede == "-" else int(dede))

	def label(self):
		f = ",".join(sorted(self.flags)) or "-"
		return "%s %s %s" % (self.qname, self.qtype, f)

	def expected(self, mode):
		"""(rcode, ad, ede) to check: the RFC's outcome, or in
		'reference' mode unbound's recorded deviation."""
		if mode == "reference" and self.deviation:
			return self.deviation[1:]
		return (self.rcode, self.ad, self.ede)


def check_line(s):
	"""Rejects a table line that contradicts itself (returns a message)."""
	if s.security not in SECURITY:
		return "bad security %r" % s.security
	if s.rcode not in ("NOERROR", "NXDOMAIN", "SERVFAIL"):
		return "bad rcode %r" % s.rcode
	if not s.flags <= set(FLAGS):
		return "bad flags %r" % s.flags
	dnssec_ok = "do" in s.flags or "ad" in s.flags
	if (s.security == "secure" and "cd" not in s.flags and
	    s.ad != (1 if dnssec_ok else 0)):
		# RFC 6840 5.7/5.8: AD only when the query had DO or AD. With
		# CD=1 either is allowed (RFC 6840 5.9): the table says which.
		return "secure answer with ad=%d" % s.ad
	if s.security != "secure" and s.ad:
		return "%s answer with ad=1" % s.security
	if s.security == "bogus":
		want = "SERVFAIL" if "cd" not in s.flags else None
		if want and s.rcode != want:
			return "bogus without CD must be SERVFAIL"
		if "cd" in s.flags and s.rcode == "SERVFAIL":
			return "CD=1 must return the bogus data"
	if s.ref != "agree" and not s.deviation:
		return "bad ref %r" % s.ref
	return None


def load(path=TABLE):
	"""Returns the list of Scenario of the table; raises ValueError on a
	malformed or self-contradicting line."""
	out = []
	with open(path) as f:
		for n, raw in enumerate(f, 1):
			line = raw.rstrip("\n")
			if not line.strip() or line.startswith("#"):
				continue
			cols = line.split("\t")
			if len(cols) != 9:
				raise ValueError("%s:%d: %d columns, want 9" %
						 (path, n, len(cols)))
			s = Scenario(n, *cols)
			err = check_line(s)
			if err:
				raise ValueError("%s:%d: %s" % (path, n, err))
			out.append(s)
	return out


class Result:
	"""What a server answered: rcode text, AD bit, EDE codes, message."""

	def __init__(self, msg=None, error=None):
		self.msg = msg
		self.error = error
		self.rcode = dns.rcode.to_text(msg.rcode()) if msg else None
		self.ad = int(bool(msg.flags & dns.flags.AD)) if msg else None
		self.ede = []
		if msg:
			for opt in msg.options:
				if opt.otype == EDE_OPTION:
					self.ede.append(int(opt.code))

	def summary(self):
		if self.error:
			return "error: %s" % self.error
		return "rcode=%s ad=%d ede=%s answers=%d" % (
			self.rcode, self.ad,
			",".join(str(c) for c in self.ede) or "-",
			sum(len(r) for r in self.msg.answer))


def query(s, server, port=53, timeout=3.0, tries=3):
	"""Sends scenario s to server (RD=1, EDNS0 1232, DO/CD/AD as the
	table says, TCP if 'tcp' or on truncation). Returns a Result."""
	q = dns.message.make_query(s.qname, s.qtype, use_edns=0,
				   want_dnssec="do" in s.flags, payload=1232)
	q.flags |= dns.flags.RD
	if "cd" in s.flags:
		q.flags |= dns.flags.CD
	if "ad" in s.flags:
		q.flags |= dns.flags.AD
	last = None
	for _ in range(tries):
		try:
			if "tcp" in s.flags:
				m = dns.query.tcp(q, server, timeout=timeout,
						  port=port)
			else:
				m = dns.query.udp(q, server, timeout=timeout,
						  port=port)
				if m.flags & dns.flags.TC:
					m = dns.query.tcp(q, server,
							  timeout=timeout,
							  port=port)
			return Result(m)
		except Exception as e:  # timeouts, resets: retried, bounded
			last = e
			time.sleep(0.2)
	return Result(error=repr(last))


def compare(s, r, mode="rfc"):
	"""Returns (ok, message) for result r against scenario s. mode 'rfc'
	checks the table's outcome, 'reference' accepts unbound's recorded
	deviations instead."""
	if r.error:
		return False, r.summary()
	rcode, ad, ede = s.expected(mode)
	bad = []
	if r.rcode != rcode:
		bad.append("rcode %s, want %s" % (r.rcode, rcode))
	if r.ad != ad:
		bad.append("ad %d, want %d" % (r.ad, ad))
	if ede is not None and ede not in r.ede:
		bad.append("ede %s, want %d" %
			   (",".join(map(str, r.ede)) or "none", ede))
	return (not bad), "; ".join(bad) or r.summary()


def answer_rrsets(r):
	"""The answer section as a set of (owner, type, RDATA) apart from TTLs
	and case, for comparing two servers."""
	out = set()
	if r.msg is None:
		return out
	for rrset in r.msg.answer:
		for rd in rrset:
			out.add((rrset.name.to_text().lower(), rrset.rdtype,
				 rd.to_text().lower()))
	return out


def run_tap(server, port=53, mode="rfc", grep=None, path=TABLE,
	    out=sys.stdout, reference=None, plan_extra=None):
	"""Runs the table against server and prints TAP; returns the number
	of failed lines. With reference (an address), each line is also asked
	of it, in table order, and on every line where the reference is not
	known to deviate the two answer sections must hold the same RRsets
	apart from TTLs. plan_extra: tests the caller adds after the table
	(None: the plan is printed here, closing the output)."""
	table = load(path)
	if grep:
		table = [s for s in table if grep in s.qname or grep in s.comment]
	per_line = 2 if reference else 1
	if plan_extra is None:
		out.write("1..%d\n" % (len(table) * per_line))
	failed = 0
	n = 0
	for s in table:
		r = query(s, server, port)
		ok, msg = compare(s, r, mode)
		note = ""
		if mode == "reference" and s.deviation:
			note = " (reference deviates: %s)" % s.deviation[0]
		n += 1
		out.write("%s %d - %s: %s %s%s -- %s\n" % (
			"ok" if ok else "not ok", n, s.label(), s.security,
			s.rcode, note, s.comment))
		if not ok:
			failed += 1
			out.write("#   line %d: %s\n#   got %s\n" %
				  (s.line, msg, r.summary()))
		if reference:
			ref = query(s, reference, port)
			n += 1
			if s.deviation:
				out.write("ok %d - %s: answer RRsets # SKIP the "
					  "reference deviates (%s)\n" %
					  (n, s.label(), s.deviation[0]))
			else:
				got, want = answer_rrsets(r), answer_rrsets(ref)
				same = got == want and not ref.error
				out.write("%s %d - %s: answer RRsets equal the "
					  "reference's\n" %
					  ("ok" if same else "not ok", n, s.label()))
				if not same:
					failed += 1
					out.write("#   only ours: %s\n#   only the "
						  "reference's: %s\n" %
						  (sorted(got - want),
						   sorted(want - got)))
		out.flush()
	return failed


def main():
	ap = argparse.ArgumentParser(description=__doc__)
	ap.add_argument("--server", default=os.environ.get("LAB_VALIDATOR",
							   "198.18.0.54"))
	ap.add_argument("--port", type=int, default=53)
	ap.add_argument("--mode", choices=("rfc", "reference"), default="rfc")
	ap.add_argument("--grep")
	ap.add_argument("--table", default=TABLE)
	ap.add_argument("--check", action="store_true",
			help="only validate the table")
	a = ap.parse_args()
	if a.check:
		print("%d scenarios" % len(load(a.table)))
		return 0
	return 1 if run_tap(a.server, a.port, a.mode, a.grep, a.table) else 0


if __name__ == "__main__":
	sys.exit(main())
