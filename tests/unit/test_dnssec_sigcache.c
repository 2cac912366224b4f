// SPDX-License-Identifier: GPL-2.0
/* The cache of verified signatures: digests that keep inputs apart, two
 * ways per set, and, through a chain, answers validated again without
 * public-key work, the same verdicts, and a changed signature never
 * taken for a remembered one. */
#include <stdint.h>
#include <string.h>

#include "dns/message.h"
#include "dnssec/answer.h"
#include "dnssec/chain.h"
#include "dnssec/sigcache.h"
#include "dnssec_run.h"
#include "tap.h"

static void test_digest(void)
{
	static const uint8_t ab[] = "ab", c[] = "c", a[] = "a", bc[] = "bc";
	uint8_t d1[VAL_SIGCACHE_DIGEST], d2[VAL_SIGCACHE_DIGEST], d3[VAL_SIGCACHE_DIGEST];

	is_int(val_sigcache_digest(ab, 2, c, 1, c, 1, d1), 0, "digest of (ab, c, c)");
	is_int(val_sigcache_digest(a, 1, bc, 2, c, 1, d2), 0, "digest of (a, bc, c)");
	ok(memcmp(d1, d2, sizeof(d1)), "same octets, other split: other digest");
	val_sigcache_digest(ab, 2, c, 1, a, 1, d3);
	ok(memcmp(d1, d3, sizeof(d1)), "other signature: other digest");
	val_sigcache_digest(ab, 2, c, 1, c, 1, d3);
	ok(!memcmp(d1, d3, sizeof(d1)), "same inputs: same digest");
}

static void test_ways(void)
{
	struct val_sigcache *sc = val_sigcache_new();
	uint8_t d[3][VAL_SIGCACHE_DIGEST];
	uint64_t hits, misses;

	/* Three digests of one set (same leading octets). */
	memset(d, 0, sizeof(d));
	for (int i = 0; i < 3; i++)
		d[i][31] = (uint8_t)(i + 1);
	ok(!val_sigcache_has(sc, d[0]), "empty: nothing found");
	val_sigcache_put(sc, d[0]);
	val_sigcache_put(sc, d[1]);
	ok(val_sigcache_has(sc, d[0]) && val_sigcache_has(sc, d[1]), "two ways kept");
	val_sigcache_put(sc, d[2]);
	ok(!val_sigcache_has(sc, d[0]) && val_sigcache_has(sc, d[1]) &&
	   val_sigcache_has(sc, d[2]), "a third replaces the older");
	val_sigcache_stats(sc, &hits, &misses);
	ok(hits == 4 && misses == 2, "hits and misses counted (%llu, %llu)",
	   (unsigned long long)hits, (unsigned long long)misses);
	val_sigcache_free(sc);
}

/* The first RRSIG of the answer or authority section: the offset of its
 * last octet (in the signature) in @wire; -1 if none. */
static long last_sig_octet(const uint8_t *wire, size_t len)
{
	struct dns_msg msg;
	long off = -1;

	dns_msg_init(&msg);
	if (!dns_msg_parse(&msg, wire, len))
		for (size_t i = 0; i < msg.rr_count && off < 0; i++)
			if (msg.rr[i].section != DNS_SECTION_ADDITIONAL &&
			    msg.rr[i].type == DNS_TYPE_RRSIG)
				off = (long)msg.rr[i].rdata_offset + msg.rr[i].rdlength - 1;
	dns_msg_release(&msg);
	return off;
}

/* Fill @c from the pool until nothing is missing for @msg. */
static void fetch_all(struct val_chain *c, const struct dns_msg *msg)
{
	struct val_need need;

	for (int n = 0; n < 100 && val_answer_next_need(c, msg, FIX_NOW, &need) > 0; n++) {
		int i = fix_pool_find(&need);

		if (i < 0)
			return;
		val_chain_add(c, fix_pool[i].wire, fix_pool[i].len);
	}
}

/* Every Secure fixture twice on one chain: the second time, every answer
 * signature comes from the cache, and the verdict is the same. */
static size_t altered;

static void test_chain(const struct fix_case *fc)
{
	struct val_anchors *a = fix_anchors(fc->anchors);
	struct val_chain *c = val_chain_new(a, NULL);
	struct val_result r1, r2, r3;
	uint64_t h1, m1, h2, m2, h3, m3;
	uint8_t bad[8192];
	struct dns_msg msg;
	long off;

	dns_msg_init(&msg);
	if (!a || !c || dns_msg_parse(&msg, fc->wire, fc->len)) {
		ok(0, "%s: set up", fc->name);
		goto out;
	}
	fetch_all(c, &msg);
	val_answer_validate(c, &msg, FIX_NOW, &r1, NULL);
	val_sigcache_stats(val_chain_sigcache(c), &h1, &m1);
	val_answer_validate(c, &msg, FIX_NOW, &r2, NULL);
	val_sigcache_stats(val_chain_sigcache(c), &h2, &m2);
	ok(r1.status == fc->status && r2.status == r1.status && r2.ede == r1.ede &&
	   r2.ttl == r1.ttl, "%s: the same verdict again (%s)", fc->name,
	   val_status_name(r2.status));
	ok(m2 == m1 && h2 > h1, "%s: again without public-key work (hits %llu -> %llu, "
	   "misses %llu -> %llu)", fc->name, (unsigned long long)h1,
	   (unsigned long long)h2, (unsigned long long)m1, (unsigned long long)m2);
	dns_msg_release(&msg);
	/* One octet of the answer's signature changed: verified afresh, Bogus. */
	off = last_sig_octet(fc->wire, fc->len);
	if (off < 0 || fc->len > sizeof(bad))
		goto out;	/* nothing signed to alter (counted below) */
	memcpy(bad, fc->wire, fc->len);
	bad[off] ^= 0x01;
	dns_msg_init(&msg);
	if (dns_msg_parse(&msg, bad, fc->len)) {
		ok(0, "%s: altered copy parses", fc->name);
		goto out;
	}
	val_answer_validate(c, &msg, FIX_NOW, &r3, NULL);
	val_sigcache_stats(val_chain_sigcache(c), &h3, &m3);
	ok(r3.status == VAL_BOGUS && m3 > m2, "%s: altered signature not taken from "
	   "the cache: %s", fc->name, val_status_name(r3.status));
	altered++;
out:
	dns_msg_release(&msg);
	val_chain_free(c);
	val_anchors_free(a);
}

int main(void)
{
	size_t n = 0;

	test_digest();
	test_ways();
	for (size_t i = 0; i < FIX_CASE_COUNT; i++)
		if (fix_cases[i].status == VAL_SECURE) {
			test_chain(&fix_cases[i]);
			n++;
		}
	ok(n >= 10 && altered == n, "Secure fixtures tried: %zu, %zu with an altered "
	   "signature", n, altered);
	return done_testing();
}
