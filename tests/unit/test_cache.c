// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the daemon's answer cache: keys, LRU, memory limit, TTL
 * countdown, negative caching (RFC 2308) and failure caching (RFC 9520). */
#include <errno.h>
#include <string.h>

#include "cache.h"
#include "dns/message.h"
#include "dns/name.h"
#include "tap.h"

static uint8_t msgbuf[4096];

/* A response for @name/A with the given rcode and records. */
struct rec {
	int section;
	const char *owner;
	uint16_t type;
	uint32_t ttl;
	const uint8_t *rdata;
	size_t rdlen;
};

static size_t build(const char *qname, uint16_t rcode, const struct rec *recs,
		    size_t n)
{
	uint8_t name[DNS_NAME_MAXLEN], owner[DNS_NAME_MAXLEN];
	struct dns_builder b;

	dns_name_from_text(qname, name);
	dns_builder_init(&b, msgbuf, sizeof(msgbuf), 0, 1, DNS_FLAG_QR | rcode);
	dns_builder_question(&b, name, DNS_TYPE_A, DNS_CLASS_IN);
	for (size_t i = 0; i < n; i++) {
		dns_name_from_text(recs[i].owner, owner);
		if (dns_builder_rr(&b, recs[i].section, owner, recs[i].type, DNS_CLASS_IN,
				   recs[i].ttl, recs[i].rdata, recs[i].rdlen))
			diag("record %zu not written", i);
	}
	return dns_builder_finish(&b);
}

static const uint8_t a_rdata[4] = { 192, 0, 2, 1 };

/* SOA RDATA: root mname/rname, serial..minimum. */
static size_t soa_rdata(uint8_t *out, uint32_t minimum)
{
	memset(out, 0, 22);
	out[0] = 0;	/* mname . */
	out[1] = 0;	/* rname . */
	out[2 + 16 + 0] = (uint8_t)(minimum >> 24);
	out[2 + 16 + 1] = (uint8_t)(minimum >> 16);
	out[2 + 16 + 2] = (uint8_t)(minimum >> 8);
	out[2 + 16 + 3] = (uint8_t)minimum;
	return 22;
}

/* RRSIG RDATA covering A, expiring at @expire, signer ".", empty-ish sig. */
static size_t rrsig_rdata(uint8_t *out, uint32_t expire)
{
	memset(out, 0, 24);
	out[1] = DNS_TYPE_A;
	out[2] = 13;
	out[3] = 2;
	out[8] = (uint8_t)(expire >> 24);
	out[9] = (uint8_t)(expire >> 16);
	out[10] = (uint8_t)(expire >> 8);
	out[11] = (uint8_t)expire;
	out[18] = 0;	/* signer: root */
	memset(out + 19, 0xab, 5);
	return 24;
}

static uint32_t lifetime_of(size_t len, const struct cache_policy *p,
			    uint32_t wall, enum cache_kind *kind)
{
	struct dns_msg msg;
	uint32_t life;
	int err;

	dns_msg_init(&msg);
	err = dns_msg_parse(&msg, msgbuf, len);
	if (err) {
		diag("parse failed: %d", err);
		dns_msg_release(&msg);
		return 12345678;
	}
	life = cache_lifetime(&msg, p, wall, kind);
	dns_msg_release(&msg);
	return life;
}

static void test_lifetime(void)
{
	struct cache_policy p = { .ttl_min = 0, .ttl_max = 86400,
				  .negative_ttl_max = 3600, .failure_ttl = 5 };
	uint8_t soa[32], sig[32];
	enum cache_kind kind;
	size_t len;

	{
		struct rec r[] = {
			{ DNS_SECTION_ANSWER, "www.example.", DNS_TYPE_A, 300, a_rdata, 4 },
			{ DNS_SECTION_ANSWER, "www.example.", DNS_TYPE_A, 120, a_rdata, 4 },
		};

		len = build("www.example.", 0, r, 2);
		is_int(lifetime_of(len, &p, 1000, &kind), 120, "positive: smallest TTL");
		is_int(kind, CACHE_KIND_POSITIVE, "kind positive");
		p.ttl_max = 60;
		is_int(lifetime_of(len, &p, 1000, &kind), 60, "capped by ttl-max");
		p.ttl_max = 86400;
		p.ttl_min = 500;
		is_int(lifetime_of(len, &p, 1000, &kind), 500, "raised to ttl-min");
		p.ttl_min = 0;
	}
	{
		struct rec r[] = {
			{ DNS_SECTION_ANSWER, "www.example.", DNS_TYPE_A, 300, a_rdata, 4 },
			{ DNS_SECTION_ANSWER, "www.example.", DNS_TYPE_RRSIG, 300, sig,
			  rrsig_rdata(sig, 1000 + 100) },
		};

		len = build("www.example.", 0, r, 2);
		is_int(lifetime_of(len, &p, 1000, &kind), 100,
		       "never past the RRSIG expiration");
		p.ttl_min = 500;
		is_int(lifetime_of(len, &p, 1000, &kind), 100,
		       "ttl-min does not extend past the RRSIG expiration");
		p.ttl_min = 0;
		is_int(lifetime_of(len, &p, 2000, &kind), 0, "expired RRSIG: not cached");
	}
	{
		struct rec r[] = {
			{ DNS_SECTION_AUTHORITY, "example.", DNS_TYPE_SOA, 900, soa,
			  soa_rdata(soa, 60) },
		};

		len = build("nx.example.", DNS_RCODE_NXDOMAIN, r, 1);
		is_int(lifetime_of(len, &p, 1000, &kind), 60,
		       "NXDOMAIN: min(SOA TTL, MINIMUM) (RFC 2308 5)");
		is_int(kind, CACHE_KIND_NXDOMAIN, "kind nxdomain");
		soa_rdata(soa, 7200);
		len = build("nx.example.", DNS_RCODE_NXDOMAIN, r, 1);
		is_int(lifetime_of(len, &p, 1000, &kind), 900, "SOA TTL smaller than MINIMUM");
		p.negative_ttl_max = 30;
		is_int(lifetime_of(len, &p, 1000, &kind), 30, "negative-ttl-max caps");
		p.negative_ttl_max = 3600;
		len = build("nodata.example.", 0, r, 1);
		is_int(lifetime_of(len, &p, 1000, &kind), 900, "NODATA uses the SOA too");
		is_int(kind, CACHE_KIND_NODATA, "kind nodata");
	}
	len = build("nx.example.", DNS_RCODE_NXDOMAIN, NULL, 0);
	is_int(lifetime_of(len, &p, 1000, &kind), 0, "NXDOMAIN without SOA: not cached");
	len = build("fail.example.", DNS_RCODE_SERVFAIL, NULL, 0);
	is_int(lifetime_of(len, &p, 1000, &kind), 5, "SERVFAIL: failure lifetime");
	is_int(kind, CACHE_KIND_FAILURE, "kind failure");
	p.failure_ttl = 0;
	is_int(lifetime_of(len, &p, 1000, &kind), 1, "failures cached at least 1 s (RFC 9520)");
	is_int(cache_failure_lifetime(&p), 1, "local failures too");
	p.failure_ttl = 100000;
	is_int(lifetime_of(len, &p, 1000, &kind), 300, "failures cached at most 5 min");
	is_int(cache_failure_lifetime(&p), 300, "local failures too");
}

static void key_of(struct cache_key *k, const char *name, uint16_t type, bool do_bit)
{
	uint8_t wire[DNS_NAME_MAXLEN];

	dns_name_from_text(name, wire);
	cache_key_init(k, wire, type, DNS_CLASS_IN, do_bit);
}

static void test_basic(void)
{
	struct cache *c = cache_new(1 << 20);
	struct cache_key k1, k2, k3;
	struct cache_hit hit;
	struct cache_stats st;
	uint8_t out[4096], small[4];
	uint8_t wire[100];

	memset(wire, 0x5a, sizeof(wire));
	key_of(&k1, "WwW.Example.", DNS_TYPE_A, false);
	key_of(&k2, "www.example.", DNS_TYPE_A, false);
	key_of(&k3, "www.example.", DNS_TYPE_A, true);
	is_int(cache_put(c, &k1, wire, sizeof(wire), 60, CACHE_KIND_POSITIVE,
			 CACHE_SEC_SECURE, 0xffff, 100), 0, "put");
	is_int(cache_get(c, &k2, 100, out, sizeof(out), &hit), 0,
	       "name is matched case-insensitively");
	is_int(hit.len, sizeof(wire), "length");
	ok(!memcmp(out, wire, sizeof(wire)), "message copied back");
	is_int(hit.security, CACHE_SEC_SECURE, "validation state stored");
	is_int(cache_get(c, &k3, 100, out, sizeof(out), &hit), -ENOENT,
	       "DO is part of the key");
	is_int(cache_get(c, &k2, 130, out, sizeof(out), &hit), 0, "still there at +30");
	is_int(hit.age, 30, "age counted");
	is_int(hit.ttl_left, 30, "TTL counted down");
	is_int(cache_get(c, &k2, 100, small, sizeof(small), &hit), -ENOSPC, "small buffer");
	is_int(cache_get(c, &k2, 160, out, sizeof(out), &hit), -ENOENT, "expired at +60");
	cache_get_stats(c, &st);
	is_int(st.expired, 1, "expiry counted");
	is_int(st.entries, 0, "expired entry removed");
	is_int(cache_put(c, &k1, wire, sizeof(wire), 0, CACHE_KIND_POSITIVE,
			 CACHE_SEC_UNCHECKED, 0xffff, 100), -EINVAL, "lifetime 0 refused");

	/* Replacing keeps one entry. */
	cache_put(c, &k1, wire, 50, 60, CACHE_KIND_POSITIVE, CACHE_SEC_UNCHECKED, 0xffff, 200);
	cache_put(c, &k2, wire, 70, 60, CACHE_KIND_NXDOMAIN, CACHE_SEC_UNCHECKED, 0xffff, 200);
	cache_get_stats(c, &st);
	is_int(st.entries, 1, "same key replaces");
	cache_get(c, &k1, 200, out, sizeof(out), &hit);
	is_int(hit.len, 70, "newest data returned");
	is_int(hit.kind, CACHE_KIND_NXDOMAIN, "kind stored");

	/* Flushing below a name. */
	{
		struct cache_key a, b;
		uint8_t zone[DNS_NAME_MAXLEN];

		key_of(&a, "x.mesh.internal.", DNS_TYPE_A, false);
		key_of(&b, "x.other.", DNS_TYPE_A, false);
		cache_put(c, &a, wire, 10, 60, 0, 0, 0xffff, 200);
		cache_put(c, &b, wire, 10, 60, 0, 0, 0xffff, 200);
		dns_name_from_text("MESH.internal.", zone);
		is_int(cache_flush_below(c, zone), 1, "flush below a zone removes its names");
		is_int(cache_get(c, &b, 200, out, sizeof(out), &hit), 0, "others kept");
		is_int(cache_flush(c), 2, "flush all");
	}
	cache_free(c);
}

static void test_lru(void)
{
	/* Room for about ten entries of 1000 bytes. */
	struct cache *c = cache_new(10 * 1400);
	struct cache_key k[30];
	struct cache_hit hit;
	struct cache_stats st;
	uint8_t wire[1000], out[2000];
	char name[64];
	bool bounded = true;

	memset(wire, 1, sizeof(wire));
	for (int i = 0; i < 30; i++) {
		snprintf(name, sizeof(name), "n%d.example.", i);
		key_of(&k[i], name, DNS_TYPE_A, false);
	}
	for (int i = 0; i < 30; i++) {
		cache_put(c, &k[i], wire, sizeof(wire), 600, 0, 0, 0xffff, 1);
		/* Keep n0 hot: it is used after every insertion. */
		cache_get(c, &k[0], 1, out, sizeof(out), &hit);
		cache_get_stats(c, &st);
		if (st.bytes > st.limit)
			bounded = false;
	}
	ok(bounded, "memory never above the limit");
	cache_get_stats(c, &st);
	ok(st.entries >= 8 && st.entries <= 10, "about ten entries fit (%llu)",
	   (unsigned long long)st.entries);
	ok(st.evictions >= 20, "evictions counted (%llu)", (unsigned long long)st.evictions);
	is_int(cache_get(c, &k[0], 1, out, sizeof(out), &hit), 0,
	       "recently used entry survives");
	is_int(cache_get(c, &k[1], 1, out, sizeof(out), &hit), -ENOENT,
	       "least recently used entry evicted");
	is_int(cache_get(c, &k[29], 1, out, sizeof(out), &hit), 0, "newest entry present");
	cache_set_limit(c, 3000);
	cache_get_stats(c, &st);
	ok(st.bytes <= 3000 && st.entries <= 2, "lowering the limit evicts at once");
	is_int(cache_put(c, &k[5], wire, sizeof(wire), 600, 0, 0, 0xffff, 1), 0,
	       "fits after eviction");
	{
		uint8_t big[4000] = { 0 };

		is_int(cache_put(c, &k[6], big, sizeof(big), 600, 0, 0, 0xffff, 1), -E2BIG,
		       "entry larger than the limit refused");
	}
	cache_free(c);
}

/* cache_get_unless(): no copy only for the same entry at the same TTL. */
static void test_get_unless(void)
{
	struct cache *c = cache_new(1 << 20);
	struct cache_key k;
	struct cache_hit hit, again;
	struct cache_stats st;
	uint8_t wire[64], out[128];
	uint64_t id;

	memset(wire, 0x33, sizeof(wire));
	key_of(&k, "memo.example.", DNS_TYPE_A, false);
	cache_put(c, &k, wire, sizeof(wire), 60, CACHE_KIND_POSITIVE,
		  CACHE_SEC_INSECURE, 0xffff, 100);
	is_int(cache_get_unless(c, &k, 100, 0, 0, out, sizeof(out), &hit), 0,
	       "unless: hit");
	ok(hit.copied && hit.id != 0 && !memcmp(out, wire, sizeof(wire)),
	   "no id held: copied, with a non-zero id");
	id = hit.id;
	memset(out, 0, sizeof(out));
	is_int(cache_get_unless(c, &k, 100, id, hit.ttl_left, out, sizeof(out),
				&again), 0, "unless: same entry, same TTL: hit");
	ok(!again.copied && out[0] == 0, "same entry, same TTL: not copied");
	is_int(again.ttl_left, 60, "TTL still reported");
	is_int(again.len, sizeof(wire), "length still reported");
	is_int(again.security, CACHE_SEC_INSECURE, "security still reported");
	is_int(cache_get_unless(c, &k, 101, id, 60, out, sizeof(out), &again), 0,
	       "a second later: hit");
	ok(again.copied && again.ttl_left == 59 && again.id == id,
	   "TTL changed: copied again, same id");
	is_int(cache_get_unless(c, &k, 101, id, 59, NULL, 0, &again), 0,
	   "not copied: the buffer is not needed");
	cache_put(c, &k, wire, 32, 60, CACHE_KIND_POSITIVE, CACHE_SEC_INSECURE,
		  0xffff, 101);
	is_int(cache_get_unless(c, &k, 101, id, 60, out, sizeof(out), &again), 0,
	       "replaced entry: hit");
	ok(again.copied && again.id != id && again.len == 32,
	   "replaced entry: new id, copied");
	is_int(cache_get_unless(c, &k, 200, again.id, 60, out, sizeof(out), &again),
	       -ENOENT, "expired: a miss whatever id is held");
	cache_get_stats(c, &st);
	is_int(st.hits, 5, "every hit counted, copied or not");
	cache_free(c);
}

int main(void)
{
	test_lifetime();
	test_basic();
	test_lru();
	test_get_unless();
	return done_testing();
}
