// SPDX-License-Identifier: GPL-2.0
/* NSEC denial proofs (RFC 4035 5.4, 3.1.3.2; RFC 6840 4.1) on a small
 * hand-built zone. The proof functions take records already validated,
 * so no signatures are needed here. */
#include <string.h>

#include "dns/name.h"
#include "dns/rr.h"
#include "dnssec/nsec.h"
#include "tap.h"

/*
 * Zone example. in canonical order (RFC 4034 6.1):
 *   example.       SOA NS DNSKEY     a.example.     A
 *   d.example.     DNAME             sub.example.   NS (no DS: insecure)
 *   *.w.example.   TXT               b.x.example.   A   (x: empty non-terminal)
 *   z.example.     A
 */
struct rec {
	const char *owner, *next;
	uint16_t types[6];
};

static const struct rec zone[] = {
	{ "example.", "a.example.", { 6, 2, 48, 46, 47 } },
	{ "a.example.", "d.example.", { 1, 46, 47 } },
	{ "d.example.", "sub.example.", { 39, 46, 47 } },
	{ "sub.example.", "*.w.example.", { 2, 46, 47 } },
	{ "*.w.example.", "b.x.example.", { 16, 46, 47 } },
	{ "b.x.example.", "z.example.", { 1, 46, 47 } },
	{ "z.example.", "example.", { 1, 46, 47 } },
};
#define NREC (sizeof(zone) / sizeof(zone[0]))

static uint8_t owners[NREC][DNS_NAME_MAXLEN];
static uint8_t rdata[NREC][DNS_NAME_MAXLEN + 64];
static struct dns_rr rrs[NREC];
static uint8_t apex[DNS_NAME_MAXLEN];

static void build(void)
{
	dns_name_from_text("example.", apex);
	for (size_t i = 0; i < NREC; i++) {
		size_t nt = 0;
		int n, b;

		while (nt < 6 && zone[i].types[nt])
			nt++;
		dns_name_from_text(zone[i].owner, owners[i]);
		n = dns_name_from_text(zone[i].next, rdata[i]);
		b = dns_nsec_bitmap_build(zone[i].types, nt, rdata[i] + n, 64);
		rrs[i].owner = owners[i];
		rrs[i].type = DNS_TYPE_NSEC;
		rrs[i].rclass = 1;
		rrs[i].rdata = rdata[i];
		rrs[i].rdata_len = (uint16_t)(n + b);
	}
}

/* A denial holding the records listed by index, -1 terminated. */
static void denial(struct val_denial *d, const int *idx)
{
	memset(d, 0, sizeof(*d));
	d->zone = apex;
	for (; *idx >= 0; idx++)
		d->nsec[d->nsec_count++] = &rrs[*idx];
}

static const int ALL[] = { 0, 1, 2, 3, 4, 5, 6, -1 };

static const uint8_t *nm(const char *text)
{
	static uint8_t buf[4][DNS_NAME_MAXLEN];
	static int k;

	k = (k + 1) % 4;
	dns_name_from_text(text, buf[k]);
	return buf[k];
}

int main(void)
{
	struct val_denial d;
	struct val_result r;
	enum val_cut cut;

	build();
	ok(val_nsec_covers(nm("a.example."), nm("d.example."),
			   nm("b.example.")), "a..d covers b");
	ok(!val_nsec_covers(nm("a.example."), nm("d.example."),
			    nm("a.example.")), "a span does not cover its owner");
	ok(!val_nsec_covers(nm("a.example."), nm("d.example."),
			    nm("d.example.")), "nor its next name");
	ok(val_nsec_covers(nm("z.example."), nm("example."),
			   nm("zz.example.")), "the last NSEC wraps to the apex");
	ok(val_nsec_covers(nm("a.example."), nm("d.example."),
			   nm("B.example.")), "comparison ignores case");

	/* Name error: the name and the wildcard at the closest encloser. */
	denial(&d, (const int[]){ 1, 0, -1 });
	is_int(val_nsec_nxdomain(&d, nm("c.example."), &r), VAL_SECURE,
	       "NXDOMAIN c.example: a..d and example..a (*.example)");
	denial(&d, (const int[]){ 1, -1 });
	is_int(val_nsec_nxdomain(&d, nm("c.example."), &r), VAL_BOGUS,
	       "without the wildcard NSEC: Bogus");
	is_int(r.ede, 12, "EDE 12 NSEC Missing");
	denial(&d, ALL);
	is_int(val_nsec_nxdomain(&d, nm("q.w.example."), &r), VAL_BOGUS,
	       "NXDOMAIN under an existing wildcard: Bogus (%s)", r.reason);
	is_int(val_nsec_nxdomain(&d, nm("a.example."), &r), VAL_BOGUS,
	       "NXDOMAIN for an owner name: Bogus");
	/* x.example. exists as the parent of b.x.example.: the NSEC
	 * *.w..b.x covers it, and proves no data there, not a name error. */
	is_int(val_nsec_nxdomain(&d, nm("x.example."), &r), VAL_BOGUS,
	       "NXDOMAIN for an empty non-terminal: Bogus (%s)", r.reason);
	is_int(val_nsec_nxdomain(&d, nm("w.example."), &r), VAL_BOGUS,
	       "NXDOMAIN for the parent of a wildcard: Bogus (%s)", r.reason);
	is_int(val_nsec_nodata(&d, nm("x.example."), DNS_TYPE_A, &r), VAL_SECURE,
	       "NODATA for the empty non-terminal stays Secure (%s)", r.reason);
	is_int(val_nsec_nxdomain(&d, nm("www.sub.example."), &r), VAL_BOGUS,
	       "parent-side NSEC cannot deny names below the cut");
	is_int(val_nsec_nxdomain(&d, nm("foo.d.example."), &r), VAL_BOGUS,
	       "NSEC at a DNAME cannot deny names below it (RFC 6840 4.1)");
	d.zone = nm("other.");
	is_int(val_nsec_nxdomain(&d, nm("c.example."), &r), VAL_BOGUS,
	       "NSECs of another zone are not used");

	/* No data. */
	denial(&d, ALL);
	is_int(val_nsec_nodata(&d, nm("a.example."), DNS_TYPE_AAAA, &r),
	       VAL_SECURE, "NODATA a AAAA");
	is_int(val_nsec_nodata(&d, nm("a.example."), DNS_TYPE_A, &r),
	       VAL_BOGUS, "NODATA a A: the type is listed");
	is_int(val_nsec_nodata(&d, nm("x.example."), DNS_TYPE_A, &r),
	       VAL_SECURE, "empty non-terminal x (next name b.x descends)");
	is_int(val_nsec_nodata(&d, nm("sub.example."), DNS_TYPE_A, &r),
	       VAL_BOGUS, "parent-side NSEC proves nothing about A at the cut");
	is_int(val_nsec_nodata(&d, nm("sub.example."), DNS_TYPE_DS, &r),
	       VAL_SECURE, "parent-side NSEC proves no DS");
	is_int(val_nsec_nodata(&d, nm("example."), DNS_TYPE_DS, &r),
	       VAL_BOGUS, "the apex NSEC cannot deny the DS above it");
	is_int(val_nsec_nodata(&d, nm("q.w.example."), DNS_TYPE_A, &r),
	       VAL_SECURE, "wildcard no data: *.w lacks A");
	is_int(val_nsec_nodata(&d, nm("q.w.example."), DNS_TYPE_TXT, &r),
	       VAL_BOGUS, "wildcard has TXT: no proof of no data");
	is_int(val_nsec_nodata(&d, nm("c.example."), DNS_TYPE_A, &r),
	       VAL_BOGUS, "nonexistent name is not a no data answer");
	denial(&d, (const int[]){ -1 });
	is_int(val_nsec_nodata(&d, nm("a.example."), DNS_TYPE_AAAA, &r),
	       VAL_BOGUS, "no NSEC at all: Bogus");

	/* Wildcard expansion proof. */
	denial(&d, ALL);
	is_int(val_nsec_wildcard(&d, nm("q.w.example."), 2, &r), VAL_SECURE,
	       "q.w from *.w: q.w is covered");
	is_int(val_nsec_wildcard(&d, nm("q.w.example."), 1, &r), VAL_BOGUS,
	       "claimed *.example but w.example exists: Bogus");
	is_int(val_nsec_wildcard(&d, nm("a.example."), 1, &r), VAL_BOGUS,
	       "an existing name cannot come from a wildcard");

	/* Zone cut classification for the chain walk. */
	is_int(val_nsec_cut(&d, nm("sub.example."), &cut, &r), VAL_SECURE,
	       "sub: proof checked");
	is_int(cut, VAL_CUT_INSECURE, "sub: insecure delegation");
	val_nsec_cut(&d, nm("a.example."), &cut, &r);
	is_int(cut, VAL_CUT_NONE, "a: not a delegation");
	val_nsec_cut(&d, nm("x.example."), &cut, &r);
	is_int(cut, VAL_CUT_NONE, "x: empty non-terminal");
	is_int(val_nsec_cut(&d, nm("c.example."), &cut, &r), VAL_SECURE,
	       "c: does not exist");
	is_int(cut, VAL_CUT_NONE, "c: no delegation");
	is_int(val_nsec_cut(&d, nm("example."), &cut, &r), VAL_BOGUS,
	       "apex NSEC (SOA) cannot classify the apex's own DS");
	return done_testing();
}
