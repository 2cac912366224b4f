// SPDX-License-Identifier: GPL-2.0
/* RRSIG checks and RRset verification (RFC 4035 5.3), on fixture data.
 * With XDPDNS_DNSSEC_VECTORS=FILE it instead judges each vector of FILE
 * (for tests/unit/dnssec_vs_dnspython.t) and prints "N secure|bogus". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/message.h"
#include "dnssec/rrsig.h"
#include "dnssec/sections.h"
#include "dnssec_run.h"
#include "tap.h"
#include "util/error.h"

#define EXPIRATION (FIX_NOW + 30 * 86400)
#define INCEPTION (FIX_NOW - 10 * 86400)

struct loaded {
	uint8_t wire[4096];
	struct dns_msg msg;
	struct val_sections vs;
};

static int load(struct loaded *l, const uint8_t *wire, size_t len)
{
	if (len > sizeof(l->wire))
		return -1;
	memcpy(l->wire, wire, len);
	dns_msg_init(&l->msg);
	if (dns_msg_parse(&l->msg, l->wire, len))
		return -1;
	return val_sections_load(&l->vs, &l->msg);
}

static void unload(struct loaded *l)
{
	val_sections_release(&l->vs);
	dns_msg_release(&l->msg);
}

static const struct fix_response *pool_get(const char *name, uint16_t qtype)
{
	for (int i = 0; i < FIX_POOL_COUNT; i++)
		if (fix_pool[i].qtype == qtype &&
		    strcmp(fix_pool[i].name, name) == 0)
			return &fix_pool[i];
	return NULL;
}

/* Key set from the DNSKEY RRset of a pool response (no chain check). */
static void keys_of(struct loaded *k, const char *zone, struct val_keyset *ks)
{
	const struct fix_response *p = pool_get(zone, DNS_TYPE_DNSKEY);
	uint8_t name[DNS_NAME_MAXLEN];
	struct val_rrset set;

	dns_name_from_text(zone, name);
	val_keyset_init(ks, name);
	if (!p || load(k, p->wire, p->len) ||
	    !val_sections_find(&k->vs, DNS_SECTION_ANSWER, name,
			       DNS_TYPE_DNSKEY, &set))
		return;
	for (size_t i = 0; i < set.count; i++)
		val_keyset_add(ks, set.rr[set.idx[i]].rdata,
			       set.rr[set.idx[i]].rdata_len);
}

static enum val_status verify_at(struct val_rrset *set, struct val_keyset *ks,
				 uint32_t now, uint32_t skew,
				 struct val_result *r, struct val_sig_info *info)
{
	struct val_limits lim;
	struct val_budget b;

	val_limits_default(&lim);
	lim.clock_skew = skew;
	val_budget_init(&b, &lim);
	val_result_init(r);
	return val_rrset_verify(set, ks, now, &b, r, info);
}

static void test_serial(void)
{
	ok(val_serial_lt(1, 2), "serial: 1 < 2");
	ok(!val_serial_lt(2, 1), "serial: not 2 < 1");
	ok(!val_serial_lt(5, 5), "serial: not 5 < 5");
	ok(val_serial_lt(0xfffffff0u, 0x10), "serial: wraps (RFC 1982)");
	ok(!val_serial_lt(0x10, 0xfffffff0u), "serial: wraps backwards");
}

static void test_positive(void)
{
	const struct fix_case *fc = fix_case_find("ecdsa_positive");
	struct loaded k, m;
	struct val_keyset ks;
	struct val_rrset set;
	struct val_result r;
	struct val_sig_info info;
	struct val_rrsig sig;
	uint8_t name[DNS_NAME_MAXLEN];

	dns_name_from_text("www.secure.test.", name);
	keys_of(&k, "secure.test.", &ks);
	ok(ks.count == 2, "secure.test. has 2 DNSKEYs");
	ok(load(&m, fc->wire, fc->len) == 0, "response parses");
	ok(val_sections_find(&m.vs, DNS_SECTION_ANSWER, name, DNS_TYPE_A,
			     &set), "A RRset found");
	is_int(set.sig_count, 1, "one RRSIG covers it");
	is_int(val_rrsig_parse(set.rr[set.sig_idx[0]].rdata,
			       set.rr[set.sig_idx[0]].rdata_len, &sig), 0,
	       "RRSIG parses");
	is_int(sig.type_covered, DNS_TYPE_A, "type covered A");
	is_int(sig.algorithm, 13, "algorithm 13");
	is_int(sig.labels, 3, "labels 3");
	is_int(sig.expiration, EXPIRATION, "expiration");
	is_int(sig.inception, INCEPTION, "inception");
	is_int(val_rrsig_parse(set.rr[set.sig_idx[0]].rdata, 10, &sig),
	       XDPDNS_ETRUNCATED, "short RRSIG refused");

	is_int(verify_at(&set, &ks, FIX_NOW, 0, &r, &info), VAL_SECURE,
	       "verifies at the fixture clock");
	is_int(r.ttl, 300, "TTL 300 (original TTL)");
	ok(r.has_expire && r.expire == EXPIRATION, "expiry reported");
	ok(!info.wildcard, "not a wildcard");
	is_int(verify_at(&set, &ks, EXPIRATION - 100, 0, &r, NULL), VAL_SECURE,
	       "verifies 100 s before expiry");
	is_int(r.ttl, 100, "TTL capped by the time left to expiry");
	is_int(verify_at(&set, &ks, EXPIRATION + 1, 0, &r, NULL), VAL_BOGUS,
	       "expired one second after");
	is_int(r.ede, 7, "EDE 7 Signature Expired");
	is_int(verify_at(&set, &ks, EXPIRATION + 60, 120, &r, NULL),
	       VAL_SECURE, "120 s of clock skew accepts it");
	is_int(verify_at(&set, &ks, INCEPTION - 1, 0, &r, NULL), VAL_BOGUS,
	       "not valid one second before inception");
	is_int(r.ede, 8, "EDE 8 Signature Not Yet Valid");
	is_int(verify_at(&set, &ks, FIX_NOW + 0x80000000u, 0, &r, NULL),
	       VAL_BOGUS, "half the serial space later: not valid");

	/* TTL on the wire above the Original TTL: capped (RFC 4035 5.3.3). */
	{
		struct val_rrset s2 = set;
		struct dns_rr *all = calloc(m.msg.rr_count, sizeof(*all));

		memcpy(all, m.msg.rr, m.msg.rr_count * sizeof(*all));
		all[set.idx[0]].ttl = 100000;
		s2.rr = all;
		s2.ttl = 100000;
		is_int(verify_at(&s2, &ks, FIX_NOW, 0, &r, NULL), VAL_SECURE,
		       "TTL is not signed: still Secure");
		is_int(r.ttl, 300, "TTL 100000 capped to Original TTL 300");
		s2.ttl = 60;
		verify_at(&s2, &ks, FIX_NOW, 0, &r, NULL);
		is_int(r.ttl, 60, "a lower TTL is kept");
		free(all);
	}

	/* The signer must be the key set's zone. */
	{
		struct val_keyset other = ks;
		uint8_t tld[DNS_NAME_MAXLEN];

		dns_name_from_text("test.", tld);
		memcpy(other.zone, tld, dns_name_length(tld));
		memset(other.key, 0, sizeof(other.key));
		is_int(verify_at(&set, &other, FIX_NOW, 0, &r, NULL), VAL_BOGUS,
		       "keys of another zone: Bogus");
		val_keyset_release(&other);
	}
	/* No RRSIG at all. */
	{
		struct val_rrset s3 = set;

		s3.sig_count = 0;
		is_int(verify_at(&s3, &ks, FIX_NOW, 0, &r, NULL), VAL_BOGUS,
		       "no RRSIG: Bogus");
		is_int(r.ede, 10, "EDE 10 RRSIGs Missing");
	}
	/* Keys with the zone flag cleared (RFC 4035 5.3.1). The key tag
	 * changes with the flags, so patch the tag back to the RRSIG's. */
	{
		uint8_t copy[2][512];
		struct val_keyset nz;

		val_keyset_init(&nz, ks.zone);
		for (size_t i = 0; i < ks.count; i++) {
			memcpy(copy[i], ks.rdata[i], ks.len[i]);
			copy[i][0] = 0;	/* flags 256 -> 0 or 257 -> 1 */
			val_keyset_add(&nz, copy[i], ks.len[i]);
			nz.tag[i] = ks.tag[i];
		}
		is_int(verify_at(&set, &nz, FIX_NOW, 0, &r, NULL), VAL_BOGUS,
		       "key without the zone flag: Bogus");
		is_int(r.ede, 11, "EDE 11 No Zone Key Bit Set");
		for (size_t i = 0; i < ks.count; i++)
			copy[i][1] |= 0x80;	/* REVOKE */
		for (size_t i = 0; i < ks.count; i++)
			copy[i][0] = 1;
		is_int(verify_at(&set, &nz, FIX_NOW, 0, &r, NULL), VAL_BOGUS,
		       "revoked key never used (RFC 5011 7)");
		ok(strstr(r.reason, "revoked") != NULL, "reason: %s",
		   r.reason);
		val_keyset_release(&nz);
	}
	/* A per-query verification budget of zero. */
	{
		struct val_limits lim;
		struct val_budget b;

		val_limits_default(&lim);
		lim.max_verifications = 0;
		val_budget_init(&b, &lim);
		is_int(val_rrset_verify(&set, &ks, FIX_NOW, &b, &r, NULL),
		       VAL_BOGUS, "no verification allowed: Bogus");
		ok(strstr(r.reason, "limit") != NULL, "reason: %s", r.reason);
	}
	val_keyset_release(&ks);
	unload(&m);
	unload(&k);
}

static void test_wildcard(void)
{
	const struct fix_case *fc = fix_case_find("wildcard_nsec");
	struct loaded k, m;
	struct val_keyset ks;
	struct val_rrset set;
	struct val_result r;
	struct val_sig_info info;
	struct val_rrsig sig;
	uint8_t name[DNS_NAME_MAXLEN], *data = NULL;
	size_t len = 0;

	dns_name_from_text("a.wild.secure.test.", name);
	keys_of(&k, "secure.test.", &ks);
	load(&m, fc->wire, fc->len);
	ok(val_sections_find(&m.vs, DNS_SECTION_ANSWER, name, DNS_TYPE_A,
			     &set), "expanded A found");
	is_int(verify_at(&set, &ks, FIX_NOW, 0, &r, &info), VAL_SECURE,
	       "wildcard expansion verifies");
	ok(info.wildcard, "reported as a wildcard expansion");
	is_int(info.labels, 3, "closest encloser has 3 labels");
	val_rrsig_parse(set.rr[set.sig_idx[0]].rdata,
			set.rr[set.sig_idx[0]].rdata_len, &sig);
	is_int(val_rrsig_signed_data(&set, &sig, &data, &len), 0,
	       "signed data built");
	/* RRSIG RDATA, then "*.wild.secure.test." as the owner. */
	ok(len > 18 + sig.signer_len + 2 &&
	   memcmp(data + 18 + sig.signer_len, "\001*\004wild", 7) == 0,
	   "signed data uses the wildcard owner");
	free(data);
	sig.labels = 9;
	is_int(val_rrsig_signed_data(&set, &sig, &data, &len),
	       XDPDNS_EBAD_LABELS, "labels above the owner's: refused");
	val_keyset_release(&ks);
	unload(&m);
	unload(&k);
}

static void test_revoked_self_signed(void)
{
	const struct fix_response *p = pool_get("revoked.test.",
						DNS_TYPE_DNSKEY);
	struct loaded m;
	struct val_keyset ks;
	struct val_rrset set;
	struct val_result r;
	uint8_t name[DNS_NAME_MAXLEN];

	dns_name_from_text("revoked.test.", name);
	load(&m, p->wire, p->len);
	val_sections_find(&m.vs, DNS_SECTION_ANSWER, name, DNS_TYPE_DNSKEY,
			  &set);
	val_keyset_init(&ks, name);
	for (size_t i = 0; i < set.count; i++)
		val_keyset_add(&ks, set.rr[set.idx[i]].rdata,
			       set.rr[set.idx[i]].rdata_len);
	is_int(verify_at(&set, &ks, FIX_NOW, 0, &r, NULL), VAL_BOGUS,
	       "DNSKEY RRset signed only by a revoked KSK: Bogus");
	val_keyset_release(&ks);
	unload(&m);
}

static void test_keyset(void)
{
	static const uint8_t key[] = { 1, 0, 3, 13, 1, 2, 3, 4 };
	uint8_t root[1] = { 0 };
	struct val_keyset ks;
	int err = 0;

	val_keyset_init(&ks, root);
	for (int i = 0; i < VAL_KEYSET_MAX; i++)
		err |= val_keyset_add(&ks, key, sizeof(key));
	is_int(err, 0, "%d keys accepted", VAL_KEYSET_MAX);
	is_int(val_keyset_add(&ks, key, sizeof(key)), XDPDNS_ESPACE,
	       "one more refused");
	is_int(val_keyset_add(&ks, key, 3), XDPDNS_ESPACE, "full set first");
	val_keyset_release(&ks);
}

/* Vector mode: each line "HEX NOW"; the message's answer holds a DNSKEY
 * RRset (the keys, trusted as given) and one other RRset with RRSIGs. */
static int vectors(const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	int n = 0;

	if (!f) {
		perror(path);
		return 1;
	}
	while (getline(&line, &cap, f) > 0) {
		static uint8_t wire[65536];
		unsigned long now = 0;
		size_t len = 0;
		char *p = line;
		struct dns_msg msg;
		struct val_sections vs;
		struct val_keyset ks;
		struct val_rrset keys, set;
		struct val_result r;
		const char *verdict = "error";

		n++;
		while (p[0] && p[1] && p[0] != ' ' && len < sizeof(wire)) {
			unsigned int b;

			if (sscanf(p, "%2x", &b) != 1)
				break;
			wire[len++] = (uint8_t)b;
			p += 2;
		}
		now = strtoul(p, NULL, 10);
		dns_msg_init(&msg);
		if (dns_msg_parse(&msg, wire, len) ||
		    val_sections_load(&vs, &msg)) {
			printf("%d %s\n", n, verdict);
			dns_msg_release(&msg);
			continue;
		}
		keys.count = 0;
		set.count = 0;
		for (size_t i = 0; i < vs.n[DNS_SECTION_ANSWER]; i++) {
			struct val_rrset s;

			if (!val_sections_set(&vs, DNS_SECTION_ANSWER, i, &s))
				continue;
			if (s.type == DNS_TYPE_DNSKEY)
				keys = s;
			else
				set = s;
		}
		if (keys.count && set.count) {
			val_keyset_init(&ks, keys.owner);
			for (size_t i = 0; i < keys.count; i++)
				val_keyset_add(&ks, keys.rr[keys.idx[i]].rdata,
					       keys.rr[keys.idx[i]].rdata_len);
			verdict = val_status_name(
				verify_at(&set, &ks, (uint32_t)now, 0, &r,
					  NULL));
			val_keyset_release(&ks);
		}
		printf("%d %s\n", n, verdict);
		val_sections_release(&vs);
		dns_msg_release(&msg);
	}
	free(line);
	fclose(f);
	return 0;
}

int main(void)
{
	const char *v = getenv("XDPDNS_DNSSEC_VECTORS");

	if (v)
		return vectors(v);
	test_serial();
	test_positive();
	test_wildcard();
	test_revoked_self_signed();
	test_keyset();
	return done_testing();
}
