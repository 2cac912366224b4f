// SPDX-License-Identifier: GPL-2.0
/* Tests of userspace/dns/canonical.c and the NSEC bitmap helpers of rr.c. */
#include <string.h>

#include "dns/canonical.h"
#include "dns/message.h"
#include "tap.h"
#include "util/error.h"

static size_t name(uint8_t *out, const char *text)
{
	return (size_t)dns_name_from_text(text, out);
}

static void test_rdata(void)
{
	uint8_t rd[600], out[600], expect[600];
	size_t n;

	/* MX: preference then a name that is lowercased (RFC 4034 6.2). */
	rd[0] = 0, rd[1] = 10;
	n = 2 + name(rd + 2, "Mail.EXAMPLE.com");
	is_int(dns_canonical_rdata(DNS_TYPE_MX, rd, n, out, sizeof(out)),
	       (int)n, "MX canonical");
	memcpy(expect, rd, 2);
	name(expect + 2, "mail.example.com");
	is_mem(out, expect, n, "MX exchange lowercased");

	/* SOA: both names lowered, numbers untouched even if they look like
	 * ASCII capitals. */
	n = name(rd, "NS.Example");
	n += name(rd + n, "Host.Example");
	memcpy(rd + n, "ABCDEFGHIJKLMNOPQRST", 20);
	n += 20;
	dns_canonical_rdata(DNS_TYPE_SOA, rd, n, out, sizeof(out));
	size_t e = name(expect, "ns.example");
	e += name(expect + e, "host.example");
	memcpy(expect + e, "ABCDEFGHIJKLMNOPQRST", 20);
	is_mem(out, expect, n, "SOA names lowered, serials kept");

	/* SRV and DNAME are in the list too. */
	memcpy(rd, "\0\1\0\2\0\3", 6);
	n = 6 + name(rd + 6, "SIP.Example");
	dns_canonical_rdata(DNS_TYPE_SRV, rd, n, out, sizeof(out));
	ok(!memcmp(out + 6, "\3sip\7example", 12), "SRV target lowered");
	n = name(rd, "Target.Example");
	dns_canonical_rdata(DNS_TYPE_DNAME, rd, n, rd, sizeof(rd));
	ok(!memcmp(rd, "\6target", 7), "DNAME lowered in place");

	/* RFC 6840 5.1: RRSIG signer and NSEC next name keep their case. */
	memset(rd, 0, 18);
	n = 18 + name(rd + 18, "Signer.EXAMPLE");
	rd[n++] = 0xAB;
	dns_canonical_rdata(DNS_TYPE_RRSIG, rd, n, out, sizeof(out));
	is_mem(out, rd, n, "RRSIG signer not lowered");
	n = name(rd, "Next.Example");
	rd[n++] = 0, rd[n++] = 1, rd[n++] = 0x40;
	dns_canonical_rdata(DNS_TYPE_NSEC, rd, n, out, sizeof(out));
	is_mem(out, rd, n, "NSEC next name not lowered");
	/* TXT text and unknown types are data, never lowered. */
	memcpy(rd, "\3ABC", 4);
	dns_canonical_rdata(DNS_TYPE_TXT, rd, 4, out, sizeof(out));
	is_mem(out, "\3ABC", 4, "TXT kept");
	n = name(rd, "Opaque.Name");
	dns_canonical_rdata(65280, rd, n, out, sizeof(out));
	is_mem(out, rd, n, "unknown type kept");
	is_int(dns_canonical_rdata(DNS_TYPE_MX, rd, 3, out, sizeof(out)),
	       XDPDNS_EBAD_RDATA, "malformed MX refused");
	is_int(dns_canonical_rdata(DNS_TYPE_A, rd, 4, out, 3), XDPDNS_ESPACE,
	       "capacity checked");
}

static void test_rr(void)
{
	uint8_t owner[DNS_NAME_MAXLEN], rd[64], out[128];
	/* "Www.Example." A 192.0.2.1 with original TTL 3600, by hand from
	 * RFC 4034 6.2 and 3.1.8.1. */
	static const uint8_t want[] = {
		3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0,
		0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 192, 0, 2, 1,
	};
	size_t n;
	int len;

	dns_name_from_text("Www.Example", owner);
	memcpy(rd, "\xc0\x00\x02\x01", 4);
	len = dns_canonical_rr(owner, DNS_TYPE_A, DNS_CLASS_IN, 3600, rd, 4,
			       out, sizeof(out));
	is_int(len, sizeof(want), "canonical RR length");
	is_mem(out, want, sizeof(want), "canonical RR octets");
	ok(owner[1] == 'W', "owner argument untouched");
	is_int(dns_canonical_rr(owner, DNS_TYPE_A, 1, 1, rd, 4, out, 20),
	       XDPDNS_ESPACE, "too small");
	n = 2 + (size_t)dns_name_from_text("MX.Example", rd + 2);
	rd[0] = 0, rd[1] = 5;
	len = dns_canonical_rr(owner, DNS_TYPE_MX, 1, 60, rd, n, out,
			       sizeof(out));
	ok(len > 0 && !memcmp(out + 13 + 10 + 2, "\2mx\7example", 11),
	   "RDATA name lowered in the RR form");
}

static void test_sort(void)
{
	/* RFC 4034 6.3: octet strings, shorter prefix first, no duplicates. */
	static const uint8_t a[] = { 1, 2, 3 }, b[] = { 1, 2 }, c[] = { 0, 9 },
			     d[] = { 1, 2, 3 }, e[] = { 2 };
	struct dns_rdata_view v[] = {
		{ a, 3 }, { b, 2 }, { c, 2 }, { d, 3 }, { e, 1 },
	};
	size_t n = dns_canonical_sort(v, 5);

	is_int(n, 4, "duplicate removed");
	ok(v[0].data == c && v[1].data == b && v[2].len == 3 && v[3].data == e,
	   "order 0009 < 0102 < 010203 < 02");
	struct dns_rdata_view x = { a, 0 }, y = { b, 0 };
	is_int(dns_canonical_rdata_compare(&x, &y), 0, "empty RDATA equal");
}

static void test_bitmap(void)
{
	static const uint16_t types[] = { DNS_TYPE_RRSIG, DNS_TYPE_A,
					  DNS_TYPE_NSEC, 1234, DNS_TYPE_A,
					  65535, DNS_TYPE_NS };
	/* RFC 4034 4.3's example bitmap: A MX RRSIG NSEC TYPE1234. */
	static const uint16_t rfc[] = { 1, 15, 46, 47, 1234 };
	static const uint8_t rfc_bits[] = {
		0x00, 0x06, 0x40, 0x01, 0x00, 0x00, 0x00, 0x03,
		0x04, 0x1b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x20,
	};
	uint8_t bm[8704];
	uint16_t back[16];
	int n;

	n = dns_nsec_bitmap_build(rfc, 5, bm, sizeof(bm));
	is_int(n, sizeof(rfc_bits), "RFC 4034 4.3 bitmap length");
	is_mem(bm, rfc_bits, sizeof(rfc_bits), "RFC 4034 4.3 bitmap octets");
	n = dns_nsec_bitmap_build(types, 7, bm, sizeof(bm));
	ok(n > 0, "bitmap built");
	is_int(dns_nsec_bitmap_check(bm, (size_t)n), 0, "built bitmap is valid");
	ok(dns_nsec_bitmap_has_type(bm, (size_t)n, DNS_TYPE_A), "has A");
	ok(dns_nsec_bitmap_has_type(bm, (size_t)n, 65535), "has 65535");
	ok(!dns_nsec_bitmap_has_type(bm, (size_t)n, DNS_TYPE_AAAA), "no AAAA");
	ok(!dns_nsec_bitmap_has_type(bm, (size_t)n, 1235), "no 1235");
	ok(!dns_nsec_bitmap_has_type(bm, (size_t)n, 512), "no window 2");
	is_int(dns_nsec_bitmap_types(bm, (size_t)n, back, 16), 6, "six types");
	ok(back[0] == 1 && back[1] == 2 && back[2] == 46 && back[3] == 47 &&
		   back[4] == 1234 && back[5] == 65535,
	   "types ascending, duplicates merged");
	is_int(dns_nsec_bitmap_build(types, 7, bm, 10), XDPDNS_ESPACE,
	       "capacity checked");
	is_int(dns_nsec_bitmap_build(NULL, 0, bm, sizeof(bm)), 0,
	       "empty set, empty bitmap");
}

int main(void)
{
	test_rdata();
	test_rr();
	test_sort();
	test_bitmap();
	return done_testing();
}
