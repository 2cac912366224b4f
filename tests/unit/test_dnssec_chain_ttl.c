// SPDX-License-Identifier: GPL-2.0
/* The chain's key cache follows TTLs: val_chain_lifetime() on crafted
 * responses, and DS/DNSKEY responses asked for again once they expire. */
#include <stdint.h>
#include <string.h>

#include "dns/message.h"
#include "dnssec/answer.h"
#include "dnssec/chain.h"
#include "dnssec_run.h"
#include "tap.h"

/* --- a tiny response builder: question + records ------------------------- */

struct wire {
	uint8_t b[1024];
	size_t n;
	uint16_t count[4];
};

static void put16(struct wire *w, uint16_t v)
{
	w->b[w->n++] = v >> 8;
	w->b[w->n++] = v & 0xff;
}

static void put32(struct wire *w, uint32_t v)
{
	put16(w, v >> 16);
	put16(w, v & 0xffff);
}

static void put_bytes(struct wire *w, const void *p, size_t len)
{
	memcpy(w->b + w->n, p, len);
	w->n += len;
}

/* "\4test\0"-style owner: example.test. */
static const uint8_t OWNER[] = "\7example\4test";

static void wire_start(struct wire *w, uint16_t rcode, uint16_t qtype)
{
	memset(w, 0, sizeof(*w));
	put16(w, 0x1234);
	put16(w, 0x8400 | rcode);	/* QR AA */
	w->n += 8;			/* counts, filled by wire_end() */
	put_bytes(w, OWNER, sizeof(OWNER));
	put16(w, qtype);
	put16(w, DNS_CLASS_IN);
	w->count[0] = 1;
}

static void wire_rr(struct wire *w, int section, uint16_t type, uint32_t ttl,
		    const uint8_t *rdata, uint16_t rdlen)
{
	put_bytes(w, OWNER, sizeof(OWNER));
	put16(w, type);
	put16(w, DNS_CLASS_IN);
	put32(w, ttl);
	put16(w, rdlen);
	put_bytes(w, rdata, rdlen);
	w->count[1 + section]++;	/* header counts: QD AN NS AR */
}

static void wire_end(struct wire *w)
{
	for (int i = 0; i < 4; i++) {
		w->b[4 + 2 * i] = w->count[i] >> 8;
		w->b[5 + 2 * i] = w->count[i] & 0xff;
	}
}

/* An RRSIG RDATA (RFC 4034 3.1) whose expiration is @expiration. */
static uint16_t rrsig_rdata(uint8_t *out, uint16_t covered, uint32_t expiration,
			    uint32_t inception)
{
	struct wire w = { .n = 0 };

	put16(&w, covered);
	w.b[w.n++] = 13;		/* algorithm */
	w.b[w.n++] = 2;			/* labels */
	put32(&w, 3600);		/* original TTL */
	put32(&w, expiration);
	put32(&w, inception);
	put16(&w, 12345);		/* key tag */
	put_bytes(&w, OWNER, sizeof(OWNER));
	put_bytes(&w, "\x01\x02\x03\x04", 4);	/* "signature" */
	memcpy(out, w.b, w.n);
	return (uint16_t)w.n;
}

/* A SOA RDATA with MINIMUM @minimum (RFC 1035 3.3.13). */
static uint16_t soa_rdata(uint8_t *out, uint32_t minimum)
{
	struct wire w = { .n = 0 };

	put_bytes(&w, "\2ns\0", 4);
	put_bytes(&w, "\4host\0", 6);
	put32(&w, 1);
	put32(&w, 7200);
	put32(&w, 3600);
	put32(&w, 864000);
	put32(&w, minimum);
	memcpy(out, w.b, w.n);
	return (uint16_t)w.n;
}

static uint32_t lifetime_of(struct wire *w, uint32_t now, uint32_t max,
			    uint32_t negmax)
{
	struct dns_msg msg;
	uint32_t life = UINT32_MAX;

	wire_end(w);
	dns_msg_init(&msg);
	if (dns_msg_parse(&msg, w->b, w->n) == 0)
		life = val_chain_lifetime(&msg, now, max, negmax);
	dns_msg_release(&msg);
	return life;
}

static void test_lifetime(void)
{
	const uint32_t now = FIX_NOW;
	const uint8_t key[8] = { 0x01, 0x01, 0x03, 13, 0xaa, 0xbb, 0xcc, 0xdd };
	uint8_t sig[128], soa[64];
	uint16_t siglen, soalen;
	struct wire w;

	/* Positive: the smallest TTL of the RRsets and their RRSIGs. */
	wire_start(&w, DNS_RCODE_NOERROR, DNS_TYPE_DNSKEY);
	siglen = rrsig_rdata(sig, DNS_TYPE_DNSKEY, now + 86400, now - 3600);
	wire_rr(&w, DNS_SECTION_ANSWER, DNS_TYPE_DNSKEY, 600, key, sizeof(key));
	wire_rr(&w, DNS_SECTION_ANSWER, DNS_TYPE_DNSKEY, 300, key, sizeof(key));
	wire_rr(&w, DNS_SECTION_ANSWER, DNS_TYPE_RRSIG, 600, sig, siglen);
	is_int(lifetime_of(&w, now, 0, 0), 300, "positive: smallest TTL (300)");
	is_int(lifetime_of(&w, now, 120, 0), 120, "positive: capped by ttl_max");
	is_int(lifetime_of(&w, now, 0, 10), 300,
	       "positive: the negative cap does not apply");

	/* RFC 4035 5.3.3: no longer than the signature's validity. */
	wire_start(&w, DNS_RCODE_NOERROR, DNS_TYPE_DNSKEY);
	siglen = rrsig_rdata(sig, DNS_TYPE_DNSKEY, now + 42, now - 3600);
	wire_rr(&w, DNS_SECTION_ANSWER, DNS_TYPE_DNSKEY, 3600, key, sizeof(key));
	wire_rr(&w, DNS_SECTION_ANSWER, DNS_TYPE_RRSIG, 3600, sig, siglen);
	is_int(lifetime_of(&w, now, 0, 0), 42, "capped by the RRSIG expiration");
	is_int(lifetime_of(&w, now + 100, 0, 0), 0,
	       "an expired RRSIG: not held past the second");
	/* Serial arithmetic: an expiration past 2^32 wraps (RFC 4034 3.1.5). */
	wire_start(&w, DNS_RCODE_NOERROR, DNS_TYPE_DNSKEY);
	siglen = rrsig_rdata(sig, DNS_TYPE_DNSKEY, 30, 0xfffff000u);
	wire_rr(&w, DNS_SECTION_ANSWER, DNS_TYPE_DNSKEY, 3600, key, sizeof(key));
	wire_rr(&w, DNS_SECTION_ANSWER, DNS_TYPE_RRSIG, 3600, sig, siglen);
	is_int(lifetime_of(&w, 0xffffffe0u, 0, 0), 62,
	       "expiration across the 32-bit wrap");

	/* RFC 2308 5: NODATA lives min(SOA TTL, SOA MINIMUM). */
	wire_start(&w, DNS_RCODE_NOERROR, DNS_TYPE_DS);
	soalen = soa_rdata(soa, 30);
	wire_rr(&w, DNS_SECTION_AUTHORITY, DNS_TYPE_SOA, 900, soa, soalen);
	is_int(lifetime_of(&w, now, 0, 0), 30, "NODATA: SOA MINIMUM (30 < TTL 900)");
	wire_start(&w, DNS_RCODE_NOERROR, DNS_TYPE_DS);
	soalen = soa_rdata(soa, 3600);
	wire_rr(&w, DNS_SECTION_AUTHORITY, DNS_TYPE_SOA, 70, soa, soalen);
	is_int(lifetime_of(&w, now, 0, 0), 70, "NODATA: SOA TTL (70 < MINIMUM 3600)");
	is_int(lifetime_of(&w, now, 0, 20), 20, "NODATA: capped by negative_ttl_max");
	is_int(lifetime_of(&w, now, 10, 0), 10, "NODATA: capped by ttl_max too");
	wire_start(&w, DNS_RCODE_NXDOMAIN, DNS_TYPE_DS);
	soalen = soa_rdata(soa, 50);
	wire_rr(&w, DNS_SECTION_AUTHORITY, DNS_TYPE_SOA, 900, soa, soalen);
	siglen = rrsig_rdata(sig, DNS_TYPE_SOA, now + 40, now - 3600);
	wire_rr(&w, DNS_SECTION_AUTHORITY, DNS_TYPE_RRSIG, 900, sig, siglen);
	is_int(lifetime_of(&w, now, 0, 0), 40,
	       "NXDOMAIN: SOA bound, and no longer than its RRSIG");
	wire_start(&w, DNS_RCODE_NOERROR, DNS_TYPE_DS);
	is_int(lifetime_of(&w, now, 0, 0), 0, "NODATA without SOA: not held");
	wire_start(&w, DNS_RCODE_SERVFAIL, DNS_TYPE_DS);
	wire_rr(&w, DNS_SECTION_ANSWER, DNS_TYPE_DNSKEY, 600, key, sizeof(key));
	is_int(lifetime_of(&w, now, 0, 0), 0, "SERVFAIL: not held");
}

/* --- expiry in the chain, on a generated fixture ------------------------- */

/* Fill @c for @fc's answer from the pool, every response received at
 * @now; returns how many were fetched, -1 if the pool lacked one. */
static int fill(struct val_chain *c, const struct dns_msg *msg, uint32_t now,
		bool timed, size_t *first)
{
	struct val_need need;
	int n = 0;

	while (n < 50 && val_answer_next_need(c, msg, now, &need) > 0) {
		int i = fix_pool_find(&need);

		if (i < 0)
			return -1;
		if (first && !n)
			*first = (size_t)i;
		if (timed)
			val_chain_add_at(c, fix_pool[i].wire, fix_pool[i].len, now);
		else
			val_chain_add(c, fix_pool[i].wire, fix_pool[i].len);
		n++;
	}
	return n;
}

static uint32_t pool_lifetime(size_t i, uint32_t now)
{
	struct dns_msg msg;
	uint32_t life = 0;

	dns_msg_init(&msg);
	if (!dns_msg_parse(&msg, fix_pool[i].wire, fix_pool[i].len))
		life = val_chain_lifetime(&msg, now, 0, 0);
	dns_msg_release(&msg);
	return life;
}

static void test_expiry(void)
{
	const struct fix_case *fc = fix_case_find("rsa_positive");
	const uint32_t t0 = FIX_NOW;
	struct val_anchors *a;
	struct val_chain *c;
	struct val_result res;
	struct val_need need;
	struct dns_msg msg;
	uint32_t shortest = UINT32_MAX;
	size_t nused = 0, first = 0;
	int n;

	if (!fc) {
		ok(0, "fixture rsa_positive exists");
		return;
	}
	a = fix_anchors(fc->anchors);
	c = val_chain_new(a, NULL);
	dns_msg_init(&msg);
	if (!a || !c || dns_msg_parse(&msg, fc->wire, fc->len)) {
		ok(0, "fixture parsed");
		goto out;
	}
	val_chain_set_ttl_caps(c, 0, 0);
	n = fill(c, &msg, t0, true, NULL);
	ok(n > 0, "responses fetched at t0 (%d)", n);
	ok(val_answer_validate(c, &msg, t0, &res, NULL) == 0 &&
	   res.status == VAL_SECURE, "Secure at t0");
	/* Which responses the walk used, and the shortest-lived of them. */
	for (int i = 0; i < FIX_POOL_COUNT; i++) {
		struct val_need probe;
		struct val_chain *d = val_chain_new(a, NULL);

		/* Without response i the walk asks for it: it was used. */
		for (int j = 0; j < FIX_POOL_COUNT; j++)
			if (j != i)
				val_chain_add(d, fix_pool[j].wire, fix_pool[j].len);
		if (val_answer_next_need(d, &msg, t0, &probe) > 0 &&
		    fix_pool_find(&probe) == i) {
			nused++;
			if (pool_lifetime((size_t)i, t0) < shortest)
				shortest = pool_lifetime((size_t)i, t0);
		}
		val_chain_free(d);
	}
	ok(nused > 0 && shortest > 0 && shortest < 30 * 86400,
	   "the walk uses %zu responses, the shortest lives %u s", nused, shortest);
	is_int(val_answer_next_need(c, &msg, t0 + shortest, &need), 0,
	       "nothing needed while the shortest TTL runs (t0 + %u)", shortest);
	is_int(val_chain_expire(c, t0 + shortest), 0,
	       "val_chain_expire() drops nothing before then");
	is_int(val_answer_next_need(c, &msg, t0 + shortest + 1, &need), 1,
	       "a response is asked for again once its TTL ran out");
	n = fix_pool_find(&need);
	ok(n >= 0 && pool_lifetime((size_t)n, t0) == shortest,
	   "the one asked for is the shortest-lived one");
	/* Fetched afresh, it replaces the old one; the walk goes on. */
	n = fill(c, &msg, t0 + shortest + 1, true, &first);
	ok(n >= 1, "fetched again (%d responses)", n);
	ok(val_answer_validate(c, &msg, t0 + shortest + 1, &res, NULL) == 0 &&
	   res.status == VAL_SECURE, "Secure again with the fresh responses");
	ok(val_chain_expire(c, t0 + 2 * shortest + 2) >= 1,
	   "val_chain_expire() drops responses past their lifetime");
	is_int(val_answer_next_need(c, &msg, t0 + 2 * shortest + 2, &need), 1,
	       "and the walk asks for them again");
	val_chain_free(c);

	/* The configured cap shortens every lifetime. */
	c = val_chain_new(a, NULL);
	val_chain_set_ttl_caps(c, 5, 5);
	fill(c, &msg, t0, true, NULL);
	is_int(val_answer_next_need(c, &msg, t0 + 5, &need), 0,
	       "capped at 5 s: held through t0 + 5");
	is_int(val_answer_next_need(c, &msg, t0 + 6, &need), 1,
	       "capped at 5 s: asked for again at t0 + 6");
	val_chain_free(c);

	/* val_chain_add(): never expires by TTL (fixtures, offline use). */
	c = val_chain_new(a, NULL);
	fill(c, &msg, t0, false, NULL);
	is_int(val_answer_next_need(c, &msg, t0 + 7 * 86400, &need), 0,
	       "untimed responses are not asked for again");
	is_int(val_chain_expire(c, t0 + 7 * 86400), 0,
	       "nor dropped by val_chain_expire()");
out:
	dns_msg_release(&msg);
	val_chain_free(c);
	val_anchors_free(a);
}

int main(void)
{
	test_lifetime();
	test_expiry();
	return done_testing();
}
