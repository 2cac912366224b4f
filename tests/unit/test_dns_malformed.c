// SPDX-License-Identifier: GPL-2.0
/* Malformed messages: every parser error of userspace/dns has a code. */
#include <stdlib.h>
#include <string.h>

#include "dns/message.h"
#include "tap.h"
#include "util/error.h"

static struct dns_msg msg;
static uint8_t buf[1024];

/* Header with the given counts, then @body. Returns the length. */
static size_t make(uint16_t qd, uint16_t an, uint16_t ns, uint16_t ar,
		   const uint8_t *body, size_t blen)
{
	memset(buf, 0, DNS_HEADER_LEN);
	buf[0] = 0xab;
	dns_put16(buf + 4, qd);
	dns_put16(buf + 6, an);
	dns_put16(buf + 8, ns);
	dns_put16(buf + 10, ar);
	if (blen)
		memcpy(buf + DNS_HEADER_LEN, body, blen);
	return DNS_HEADER_LEN + blen;
}

/* One answer RR owned by the root with @type and @rdata. */
static int parse_rr(uint16_t type, const uint8_t *rdata, size_t rdlen)
{
	uint8_t body[600] = { 0, (uint8_t)(type >> 8), (uint8_t)type, 0, 1,
			      0, 0, 0, 60, (uint8_t)(rdlen >> 8),
			      (uint8_t)rdlen };

	if (rdlen)
		memcpy(body + 11, rdata, rdlen);
	return dns_msg_parse(&msg, buf, make(0, 1, 0, 0, body, 11 + rdlen));
}

#define RR(type, ...)                                                     \
	({                                                                \
		static const uint8_t _rd[] = { __VA_ARGS__ };             \
		parse_rr(type, _rd, sizeof(_rd));                         \
	})

static void test_header(void)
{
	static const uint8_t q[] = { 0, 0, 1, 0, 1 };
	size_t len;

	is_int(dns_msg_parse(&msg, buf, 11), XDPDNS_ETRUNCATED, "short header");
	len = make(0, 0, 0, 0, NULL, 0);
	is_int(dns_msg_parse(&msg, buf, len), 0, "empty message");
	len = make(2, 0, 0, 0, q, sizeof(q));
	is_int(dns_msg_parse(&msg, buf, len), XDPDNS_EBAD_COUNT,
	       "qdcount larger than message");
	len = make(1, 65535, 65535, 65535, q, sizeof(q));
	is_int(dns_msg_parse(&msg, buf, len), XDPDNS_EBAD_COUNT,
	       "huge counts rejected before work");
	static const uint8_t minrr[] = { 0, 0xff, 0, 0, 1, 0, 0, 0, 0, 0, 0 };
	len = make(0, 1, 0, 0, minrr, sizeof(minrr));
	is_int(dns_msg_parse(&msg, buf, len), 0, "minimal RR (11 octets)");
	is_int(dns_msg_parse(&msg, buf, len - 1), XDPDNS_EBAD_COUNT,
	       "RR of 10 octets");
	len = make(1, 0, 0, 0, q, sizeof(q));
	buf[len++] = 0;
	is_int(dns_msg_parse(&msg, buf, len), XDPDNS_ETRAILING, "trailing byte");
	is_int(msg.rr_count, 0, "no records after an error");
	len = make(1, 0, 0, 0, q, 3);
	is_int(dns_msg_parse(&msg, buf, len), XDPDNS_EBAD_COUNT,
	       "question cut short counted as bad count");
	static const uint8_t q2[] = { 1, 'a', 0, 0, 1, 0, 1, 0 };
	len = make(1, 0, 0, 0, q2, 7);
	is_int(dns_msg_parse(&msg, buf, len - 1), XDPDNS_ETRUNCATED,
	       "question type/class cut");
}

static void test_rdata(void)
{
	is_int(RR(DNS_TYPE_A, 1, 2, 3, 4), 0, "A of 4");
	is_int(RR(DNS_TYPE_A, 1, 2, 3, 4, 5), XDPDNS_EBAD_RDATA, "A of 5");
	is_int(RR(DNS_TYPE_A, 1, 2, 3), XDPDNS_EBAD_RDATA, "A of 3");
	is_int(RR(DNS_TYPE_AAAA, 1, 2, 3, 4), XDPDNS_EBAD_RDATA, "AAAA of 4");
	is_int(RR(DNS_TYPE_DNSKEY, 1, 0, 3), XDPDNS_EBAD_RDATA, "DNSKEY of 3");
	is_int(RR(DNS_TYPE_DNSKEY, 1, 0, 3, 8), 0, "DNSKEY of 4");
	is_int(RR(DNS_TYPE_DS, 1, 0, 3), XDPDNS_EBAD_RDATA, "DS of 3");
	is_int(RR(DNS_TYPE_RRSIG, 0, 1, 8, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0,
		  0, 1, 0, 1),
	       XDPDNS_EBAD_RDATA, "RRSIG of 18 without signer");
	is_int(RR(DNS_TYPE_RRSIG, 0, 1, 8, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0,
		  0, 1, 0, 1, 0),
	       0, "RRSIG of 18 + root signer");
	is_int(RR(DNS_TYPE_RRSIG, 0, 1, 8, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0,
		  0, 1, 0, 1, 3, 'c', 'o'),
	       XDPDNS_EBAD_RDATA, "RRSIG signer cut by rdlength");
	is_int(RR(DNS_TYPE_RRSIG, 0, 1, 8, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0,
		  0, 1, 0, 1, 0xc0, 0x0c),
	       XDPDNS_EBAD_LABEL_TYPE, "RRSIG signer compressed");
	is_int(RR(DNS_TYPE_MX, 0, 10), XDPDNS_ETRUNCATED,
	       "MX without exchange (name runs past message)");
	is_int(RR(DNS_TYPE_MX, 0), XDPDNS_EBAD_RDATA, "MX of 1");
	is_int(RR(DNS_TYPE_NS, 1, 'a', 0, 0), XDPDNS_EBAD_RDATA,
	       "NS with an octet after the name");
	is_int(RR(DNS_TYPE_SOA, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0,
		  0, 0, 4, 0, 0, 0),
	       XDPDNS_EBAD_RDATA, "SOA one octet short");
	is_int(RR(DNS_TYPE_SOA, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0,
		  0, 0, 4, 0, 0, 0, 5),
	       0, "SOA of two roots and 20");
	is_int(parse_rr(DNS_TYPE_TXT, NULL, 0), XDPDNS_EBAD_RDATA, "empty TXT");
	is_int(RR(DNS_TYPE_TXT, 3, 'a', 'b'), XDPDNS_EBAD_RDATA,
	       "TXT string past rdlength");
	is_int(RR(DNS_TYPE_TXT, 0, 2, 'a', 'b'), 0, "TXT of two strings");
	is_int(RR(DNS_TYPE_NSEC3PARAM, 1, 0, 0, 10, 2, 0xab), XDPDNS_EBAD_RDATA,
	       "NSEC3PARAM salt cut");
	is_int(RR(DNS_TYPE_NSEC3PARAM, 1, 0, 0, 10, 0), 0, "NSEC3PARAM no salt");
	is_int(RR(DNS_TYPE_NSEC3, 1, 0, 0, 10, 0, 0), XDPDNS_EBAD_RDATA,
	       "NSEC3 with empty hash");
	is_int(RR(DNS_TYPE_NSEC3, 1, 0, 0, 10, 0, 1, 0xff), 0,
	       "NSEC3 with 1-octet hash and empty bitmap");
	is_int(RR(65280, 1, 2, 3), 0, "unknown type is opaque");
	/* Compression inside RDATA of an unknown type is just data. */
	is_int(RR(65280, 0xc0, 0xff), 0, "opaque pointer-like octets");
}

static void test_bitmaps(void)
{
	/* NSEC next name "." then bitmaps. */
	is_int(RR(DNS_TYPE_NSEC, 0, 0, 1, 0x40), 0, "bitmap window 0 A");
	is_int(RR(DNS_TYPE_NSEC, 0), 0, "empty bitmap");
	is_int(RR(DNS_TYPE_NSEC, 0, 0, 0), XDPDNS_EBAD_RDATA, "length 0");
	is_int(RR(DNS_TYPE_NSEC, 0, 0, 2, 0x40), XDPDNS_EBAD_RDATA,
	       "bitmap cut");
	is_int(RR(DNS_TYPE_NSEC, 0, 0), XDPDNS_EBAD_RDATA, "window without length");
	is_int(RR(DNS_TYPE_NSEC, 0, 1, 1, 0x40, 0, 1, 0x40), XDPDNS_EBAD_RDATA,
	       "windows out of order");
	is_int(RR(DNS_TYPE_NSEC, 0, 0, 1, 0x40, 0, 1, 0x40), XDPDNS_EBAD_RDATA,
	       "window repeated");
	{
		uint8_t rd[40] = { 0, 0, 33 };

		is_int(parse_rr(DNS_TYPE_NSEC, rd, 36), XDPDNS_EBAD_RDATA,
		       "bitmap length 33");
		rd[2] = 32;
		is_int(parse_rr(DNS_TYPE_NSEC, rd, 35), 0, "bitmap length 32");
	}
	is_int(RR(DNS_TYPE_NSEC, 0xc0, 0x0c, 0, 1, 0x40), XDPDNS_EBAD_LABEL_TYPE,
	       "NSEC next name compressed");
}

static void test_names_in_records(void)
{
	static const uint8_t loop[] = { 0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0 };
	static const uint8_t fwd[] = { 0xc0, 0x0e, 0, 0, 1, 0, 1, 0, 0, 0, 1,
				       0, 0 };
	static const uint8_t cname[] = { 0, 0, 5, 0, 1, 0, 0, 0, 1, 0, 2,
					 0xc0, 0x0d };
	size_t len;

	len = make(0, 1, 0, 0, loop, sizeof(loop));
	is_int(dns_msg_parse(&msg, buf, len), XDPDNS_EPOINTER_LOOP,
	       "owner points at itself");
	len = make(0, 1, 0, 0, fwd, sizeof(fwd));
	is_int(dns_msg_parse(&msg, buf, len), XDPDNS_EBAD_POINTER,
	       "owner points forward");
	/* CNAME target points into the RR's own RDATA (itself). */
	len = make(0, 1, 0, 0, cname, sizeof(cname));
	dns_put16(buf + 23, 0xc000 | 23);
	is_int(dns_msg_parse(&msg, buf, len), XDPDNS_EPOINTER_LOOP,
	       "RDATA name points at itself");
	/* CNAME target points back to the owner: fine. */
	dns_put16(buf + 23, 0xc000 | 12);
	is_int(dns_msg_parse(&msg, buf, len), 0, "RDATA name points back");
	is_int(msg.rr[0].rdata_len, 1, "decompressed to the root");
}

static void test_opt(void)
{
	static const uint8_t opt[] = { 0, 0, 41, 4, 0xd0, 0, 0, 0x80, 0, 0, 0 };
	static const uint8_t opt2[] = { 0, 0, 41, 4, 0xd0, 0, 0, 0x80, 0, 0, 0,
					0, 0, 41, 4, 0xd0, 0, 0, 0x80, 0, 0, 0 };
	static const uint8_t named[] = { 1, 'a', 0, 0, 41, 4, 0xd0, 0, 0, 0x80,
					 0, 0, 0 };
	static const uint8_t badopt[] = { 0, 0, 41, 4, 0xd0, 0, 0, 0x80, 0,
					  0, 5, 0, 15, 0, 9, 0 };
	static const uint8_t ext[] = { 0, 0, 41, 4, 0xd0, 1, 0, 0, 0, 0, 0 };
	size_t len;

	len = make(0, 0, 0, 1, opt, sizeof(opt));
	is_int(dns_msg_parse(&msg, buf, len), 0, "OPT in additional");
	len = make(0, 1, 0, 0, opt, sizeof(opt));
	is_int(dns_msg_parse(&msg, buf, len), XDPDNS_EBAD_EDNS, "OPT in answer");
	len = make(0, 0, 1, 0, opt, sizeof(opt));
	is_int(dns_msg_parse(&msg, buf, len), XDPDNS_EBAD_EDNS,
	       "OPT in authority");
	len = make(0, 0, 0, 2, opt2, sizeof(opt2));
	is_int(dns_msg_parse(&msg, buf, len), XDPDNS_EBAD_EDNS, "two OPTs");
	len = make(0, 0, 0, 1, named, sizeof(named));
	is_int(dns_msg_parse(&msg, buf, len), XDPDNS_EBAD_EDNS,
	       "OPT not owned by the root");
	len = make(0, 0, 0, 1, badopt, sizeof(badopt));
	is_int(dns_msg_parse(&msg, buf, len), XDPDNS_EBAD_EDNS,
	       "option longer than OPT RDATA");
	len = make(0, 0, 0, 1, ext, sizeof(ext));
	buf[3] = 6;
	is_int(dns_msg_parse(&msg, buf, len), 0, "extended rcode");
	is_int(msg.rcode, 0x16, "rcode combines header and OPT bits");
}

/* Every prefix of a valid message fails with a code, none reads past it. */
static void test_prefixes(void)
{
	static const uint8_t body[] = {
		3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0,
		0, 1, 0, 1,
		0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 9, 0, 6, 3, 'w', 'e', 'b', 0xc0, 16,
		0, 0, 41, 2, 0, 0, 0, 0, 0, 0, 0,
	};
	size_t len = make(1, 1, 0, 1, body, sizeof(body));
	int bad = 0;
	uint8_t *copy;

	is_int(dns_msg_parse(&msg, buf, len), 0, "full message parses");
	for (size_t n = 0; n < len; n++) {
		/* A heap copy of exactly n bytes lets ASan see any overread. */
		copy = malloc(n ? n : 1);
		memcpy(copy, buf, n);
		if (dns_msg_parse(&msg, copy, n) >= 0)
			bad++;
		free(copy);
	}
	is_int(bad, 0, "every strict prefix is rejected");
}

int main(void)
{
	dns_msg_init(&msg);
	test_header();
	test_rdata();
	test_bitmaps();
	test_names_in_records();
	test_opt();
	test_prefixes();
	dns_msg_release(&msg);
	return done_testing();
}
