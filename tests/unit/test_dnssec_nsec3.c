// SPDX-License-Identifier: GPL-2.0
/* NSEC3 denial proofs (RFC 5155 8, RFC 9276) on hand-built hashed chains. */
#include <stdlib.h>
#include <string.h>

#include "dns/name.h"
#include "dns/rr.h"
#include "dnssec/base32hex.h"
#include "dnssec/crypto.h"
#include "dnssec/nsec3.h"
#include "tap.h"

/* Names of example. and their types; "" types = empty non-terminal. */
struct node {
	const char *name;
	uint16_t types[6];
};

static const struct node nodes[] = {
	{ "example.", { 6, 2, 48, 51, 46 } },
	{ "a.example.", { 1, 46 } },
	{ "x.example.", { 0 } },
	{ "b.x.example.", { 1, 46 } },
	{ "sub.example.", { 2 } },		/* insecure delegation */
	{ "w.example.", { 0 } },
	{ "*.w.example.", { 16, 46 } },
	{ "opt.example.", { 2 } },		/* left out of opt-out chains */
};
#define NNODES (sizeof(nodes) / sizeof(nodes[0]))

struct chain {
	size_t n;
	uint8_t hash[NNODES][DNSSEC_NSEC3_HASH_LEN];
	const struct node *node[NNODES];
	uint8_t owner[NNODES][DNS_NAME_MAXLEN];
	uint8_t rdata[NNODES][128];
	struct dns_rr rr[NNODES];
};

static uint8_t apex[DNS_NAME_MAXLEN];
static const uint8_t salt[] = { 0xab, 0xcd };

static int cmp_idx(const void *a, const void *b, void *arg)
{
	struct chain *c = arg;

	return memcmp(c->hash[*(const size_t *)a], c->hash[*(const size_t *)b],
		      DNSSEC_NSEC3_HASH_LEN);
}

/* Build the chain: every node hashed, sorted, linked (RFC 5155 7.1). */
static void build(struct chain *c, uint8_t alg, uint8_t flags, uint16_t iter,
		  bool optout)
{
	size_t order[NNODES], k = 0;
	struct chain tmp;

	memset(&tmp, 0, sizeof(tmp));
	for (size_t i = 0; i < NNODES; i++) {
		uint8_t name[DNS_NAME_MAXLEN];

		if (optout && strcmp(nodes[i].name, "opt.example.") == 0)
			continue;
		dns_name_from_text(nodes[i].name, name);
		dnssec_nsec3_hash(1, iter, salt, sizeof(salt), name,
				  dns_name_length(name), tmp.hash[tmp.n]);
		tmp.node[tmp.n++] = &nodes[i];
	}
	for (size_t i = 0; i < tmp.n; i++)
		order[i] = i;
	qsort_r(order, tmp.n, sizeof(order[0]), cmp_idx, &tmp);
	memset(c, 0, sizeof(*c));
	for (k = 0; k < tmp.n; k++) {
		size_t i = order[k], nx = order[(k + 1) % tmp.n];
		uint8_t *p = c->rdata[k];
		char label[64];
		size_t nt = 0;
		int len;

		memcpy(c->hash[k], tmp.hash[i], DNSSEC_NSEC3_HASH_LEN);
		c->node[k] = tmp.node[i];
		len = dnssec_base32hex_encode(tmp.hash[i], DNSSEC_NSEC3_HASH_LEN,
					      label, sizeof(label));
		c->owner[k][0] = (uint8_t)len;
		memcpy(c->owner[k] + 1, label, (size_t)len);
		dns_name_copy(c->owner[k] + 1 + len, apex);
		*p++ = alg;
		*p++ = flags | (optout ? VAL_NSEC3_FLAG_OPTOUT : 0);
		*p++ = iter >> 8;
		*p++ = iter & 0xff;
		*p++ = sizeof(salt);
		memcpy(p, salt, sizeof(salt));
		p += sizeof(salt);
		*p++ = DNSSEC_NSEC3_HASH_LEN;
		memcpy(p, tmp.hash[nx], DNSSEC_NSEC3_HASH_LEN);
		p += DNSSEC_NSEC3_HASH_LEN;
		while (nt < 6 && tmp.node[i]->types[nt])
			nt++;
		p += dns_nsec_bitmap_build(tmp.node[i]->types, nt, p, 64);
		c->rr[k].owner = c->owner[k];
		c->rr[k].type = DNS_TYPE_NSEC3;
		c->rr[k].rclass = 1;
		c->rr[k].rdata = c->rdata[k];
		c->rr[k].rdata_len = (uint16_t)(p - c->rdata[k]);
	}
	c->n = k;
}

static void denial(struct val_denial *d, struct chain *c)
{
	memset(d, 0, sizeof(*d));
	d->zone = apex;
	for (size_t i = 0; i < c->n; i++)
		d->nsec3[d->nsec3_count++] = &c->rr[i];
}

static const uint8_t *nm(const char *text)
{
	static uint8_t buf[4][DNS_NAME_MAXLEN];
	static int k;

	k = (k + 1) % 4;
	dns_name_from_text(text, buf[k]);
	return buf[k];
}

static struct val_budget *fresh(struct val_budget *b, unsigned int hashes,
				unsigned int iterations)
{
	struct val_limits lim;

	val_limits_default(&lim);
	if (hashes)
		lim.max_nsec3_hashes = hashes;
	if (iterations)
		lim.max_nsec3_iterations = iterations;
	val_budget_init(b, &lim);
	return b;
}

int main(void)
{
	static struct chain c;
	struct val_denial d;
	struct val_result r;
	struct val_budget b;
	struct val_nsec3 v;
	enum val_cut cut;

	dns_name_from_text("example.", apex);
	build(&c, 1, 0, 2, false);
	denial(&d, &c);
	is_int(val_nsec3_parse(&c.rr[0], &v), 0, "NSEC3 parses");
	is_int(v.iterations, 2, "iterations field");
	is_int(v.owner_hash_len, 20, "owner label decodes to 20 octets");

	is_int(val_nsec3_nxdomain(&d, nm("c.example."), fresh(&b, 0, 0), &r),
	       VAL_SECURE, "NXDOMAIN c: closest encloser proof (%s)",
	       r.reason);
	ok(b.nsec3_hashes > 0 && b.nsec3_hashes < 10,
	   "hashes counted (%u)", b.nsec3_hashes);
	is_int(val_nsec3_nxdomain(&d, nm("a.example."), fresh(&b, 0, 0), &r),
	       VAL_BOGUS, "NXDOMAIN for an existing name: Bogus");
	is_int(val_nsec3_nxdomain(&d, nm("q.w.example."), fresh(&b, 0, 0),
				  &r), VAL_BOGUS,
	       "NXDOMAIN under an existing wildcard: Bogus");
	is_int(val_nsec3_nxdomain(&d, nm("www.sub.example."), fresh(&b, 0, 0),
				  &r), VAL_BOGUS,
	       "a delegation cannot be the closest encloser");
	is_int(val_nsec3_nodata(&d, nm("a.example."), DNS_TYPE_AAAA,
				fresh(&b, 0, 0), &r), VAL_SECURE,
	       "NODATA a AAAA");
	is_int(val_nsec3_nodata(&d, nm("a.example."), DNS_TYPE_A,
				fresh(&b, 0, 0), &r), VAL_BOGUS,
	       "NODATA a A: type listed");
	is_int(val_nsec3_nodata(&d, nm("x.example."), DNS_TYPE_A,
				fresh(&b, 0, 0), &r), VAL_SECURE,
	       "empty non-terminal x has its NSEC3");
	is_int(val_nsec3_nodata(&d, nm("sub.example."), DNS_TYPE_A,
				fresh(&b, 0, 0), &r), VAL_BOGUS,
	       "parent-side NSEC3 at a cut proves nothing about A");
	is_int(val_nsec3_nodata(&d, nm("sub.example."), DNS_TYPE_DS,
				fresh(&b, 0, 0), &r), VAL_SECURE,
	       "parent-side NSEC3 proves no DS");
	is_int(val_nsec3_nodata(&d, nm("q.w.example."), DNS_TYPE_A,
				fresh(&b, 0, 0), &r), VAL_SECURE,
	       "wildcard no data (8.7)");
	is_int(val_nsec3_nodata(&d, nm("q.w.example."), DNS_TYPE_TXT,
				fresh(&b, 0, 0), &r), VAL_BOGUS,
	       "wildcard holds TXT: no proof");
	is_int(val_nsec3_wildcard(&d, nm("q.w.example."), 2, fresh(&b, 0, 0),
				  &r), VAL_SECURE, "wildcard expansion (8.8)");
	is_int(val_nsec3_wildcard(&d, nm("a.example."), 1, fresh(&b, 0, 0),
				  &r), VAL_BOGUS,
	       "existing name as wildcard expansion: Bogus");
	val_nsec3_cut(&d, nm("sub.example."), &cut, fresh(&b, 0, 0), &r);
	is_int(cut, VAL_CUT_INSECURE, "sub: insecure delegation");
	val_nsec3_cut(&d, nm("a.example."), &cut, fresh(&b, 0, 0), &r);
	is_int(cut, VAL_CUT_NONE, "a: no delegation");
	is_int(val_nsec3_cut(&d, nm("nope.example."), &cut, fresh(&b, 0, 0),
			     &r), VAL_SECURE, "nope: proof checked");
	is_int(cut, VAL_CUT_NONE, "nope: does not exist");

	/* Limits (RFC 9276 3.2) and the hash budget (CVE-2023-50868). */
	is_int(val_nsec3_nxdomain(&d, nm("c.example."), fresh(&b, 0, 1), &r),
	       VAL_INSECURE, "iterations 2 above a cap of 1: Insecure");
	is_int(r.ede, 27, "EDE 27 Unsupported NSEC3 Iterations Value");
	is_int(val_nsec3_nxdomain(&d, nm("a.b.c.d.e.f.example."),
				  fresh(&b, 3, 0), &r), VAL_BOGUS,
	       "hash budget of 3 for a 7-label name: Bogus");
	ok(strstr(r.reason, "limit") != NULL, "reason: %s", r.reason);
	is_int(b.nsec3_hashes, 3, "stopped at the cap");

	/* Flags other than opt-out are ignored (RFC 5155 8.2). */
	build(&c, 1, 0x40, 2, false);
	denial(&d, &c);
	is_int(val_nsec3_nxdomain(&d, nm("c.example."), fresh(&b, 0, 0), &r),
	       VAL_SECURE, "unknown flag bits ignored");
	/* Unknown hash algorithm: records ignored (RFC 5155 8.1). */
	build(&c, 2, 0, 2, false);
	denial(&d, &c);
	is_int(val_nsec3_nxdomain(&d, nm("c.example."), fresh(&b, 0, 0), &r),
	       VAL_BOGUS, "hash algorithm 2: no usable record");
	is_int(r.ede, 12, "EDE 12");

	/* Opt-out (RFC 5155 6, 8.6): opt.example. has no NSEC3. */
	build(&c, 1, 0, 2, true);
	denial(&d, &c);
	is_int(val_nsec3_nodata(&d, nm("opt.example."), DNS_TYPE_DS,
				fresh(&b, 0, 0), &r), VAL_INSECURE,
	       "DS of an unsigned delegation in an opt-out span: Insecure");
	val_nsec3_cut(&d, nm("opt.example."), &cut, fresh(&b, 0, 0), &r);
	is_int(cut, VAL_CUT_INSECURE, "opt: insecure cut");
	is_int(val_nsec3_nxdomain(&d, nm("c.example."), fresh(&b, 0, 0), &r),
	       VAL_INSECURE, "NXDOMAIN in an opt-out span is never Secure");
	is_int(val_nsec3_nodata(&d, nm("a.example."), DNS_TYPE_AAAA,
				fresh(&b, 0, 0), &r), VAL_SECURE,
	       "matching NSEC3 in an opt-out zone still proves no data");
	return done_testing();
}
