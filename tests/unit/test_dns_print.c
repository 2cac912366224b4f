// SPDX-License-Identifier: GPL-2.0
/* Tests of userspace/dns/print.c and the type/class names of rr.c. */
#include <string.h>

#include "dns/print.h"
#include "tap.h"
#include "util/error.h"

static char out[4096];

static const char *rdata(uint16_t type, const void *rd, size_t len)
{
	if (dns_print_rdata(type, rd, len, out, sizeof(out)) < 0)
		return "(error)";
	return out;
}

static void test_encodings(void)
{
	/* RFC 4648 10 test vectors. */
	static const char *const b64[] = { "", "Zg==", "Zm8=", "Zm9v",
					   "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
	static const char *const b32[] = { "", "CO", "CPNG", "CPNMU",
					   "CPNMUOG", "CPNMUOJ1", "CPNMUOJ1E8" };

	for (size_t i = 0; i <= 6; i++) {
		dns_print_base64((const uint8_t *)"foobar", i, out, sizeof(out));
		is_str(out, b64[i], "base64 of %zu octets", i);
		dns_print_base32hex((const uint8_t *)"foobar", i, out,
				    sizeof(out));
		is_str(out, b32[i], "base32hex of %zu octets", i);
	}
	is_int(dns_print_base64((const uint8_t *)"foo", 3, out, 4),
	       XDPDNS_ESPACE, "base64 capacity");
	is_int(dns_print_hex((const uint8_t *)"\x01\xab", 2, out, sizeof(out)),
	       4, "hex length");
	is_str(out, "01AB", "hex upper case");
}

static void test_rdata(void)
{
	static const uint8_t nsec3[] = { 1, 1, 0, 12, 0, 5, 1, 2, 3, 4, 5,
					 0, 1, 0x40 };
	static const uint8_t nsec3param[] = { 1, 0, 0, 10, 2, 0xab, 0xcd };
	static const uint8_t rrsig[] = {
		0, 1, 13, 2, 0, 0, 0x0e, 0x10,
		0x6a, 0x9e, 0x7a, 0x80, /* 2026-09-07 08:49:04 (Python time) */
		0x00, 0x00, 0x00, 0x00, /* 1970-01-01 */
		0x30, 0x39, 7, 'E', 'x', 'a', 'm', 'p', 'l', 'e', 0, 'f', 'o',
		'o',
	};
	static const uint8_t txt[] = { 5, 'a', '"', ' ', '\\', 0x01, 0 };
	static const uint8_t ds[] = { 0x30, 0x39, 8, 2, 0xde, 0xad };
	static const uint8_t key[] = { 1, 1, 3, 8, 'f', 'o', 'o' };
	static const uint8_t aaaa[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	/* dnspython's wire form of "a. A NS SOA MX AAAA RRSIG NSEC TYPE1234". */
	static const uint8_t nsec[] = { 1, 'a', 0, 0, 6, 0x62, 1, 0, 8, 0, 3,
					4, 0x1b, [39] = 0x20 };

	is_str(rdata(DNS_TYPE_A, "\xc0\x00\x02\x01", 4), "192.0.2.1", "A");
	is_str(rdata(DNS_TYPE_AAAA, aaaa, 16), "2001:db8::1", "AAAA");
	is_str(rdata(DNS_TYPE_NSEC3, nsec3, sizeof(nsec3)),
	       "1 1 12 - 04106105 A", "NSEC3 with empty salt");
	is_str(rdata(DNS_TYPE_NSEC3PARAM, nsec3param, sizeof(nsec3param)),
	       "1 0 10 ABCD", "NSEC3PARAM");
	is_str(rdata(DNS_TYPE_RRSIG, rrsig, sizeof(rrsig)),
	       "A 13 2 3600 20260907084904 19700101000000 12345 Example. Zm9v",
	       "RRSIG");
	is_str(rdata(DNS_TYPE_TXT, txt, sizeof(txt)),
	       "\"a\\\" \\\\\\001\" \"\"", "TXT escapes and empty string");
	is_str(rdata(DNS_TYPE_DS, ds, sizeof(ds)), "12345 8 2 DEAD", "DS");
	is_str(rdata(DNS_TYPE_DNSKEY, key, sizeof(key)), "257 3 8 Zm9v",
	       "DNSKEY");
	is_str(rdata(DNS_TYPE_NSEC, nsec, sizeof(nsec)),
	       "a. A NS SOA MX AAAA RRSIG NSEC TYPE1234", "NSEC bitmap");
	is_str(rdata(65280, "\x0a\x0b", 2), "\\# 2 0A0B", "unknown type");
	is_str(rdata(65280, "", 0), "\\# 0", "empty unknown type");
	is_str(rdata(DNS_TYPE_A, "\1\2\3", 3), "\\# 3 010203",
	       "malformed A falls back to RFC 3597 form");
	is_str(rdata(DNS_TYPE_OPT, "", 0), "\\# 0", "OPT is opaque");
	is_int(dns_print_rdata(DNS_TYPE_RRSIG, rrsig, sizeof(rrsig), out, 20),
	       XDPDNS_ESPACE, "capacity checked");
}

static void test_rr(void)
{
	uint8_t owner[DNS_NAME_MAXLEN];
	struct dns_rr rr = { .type = DNS_TYPE_MX, .rclass = 3, .ttl = 86400 };
	uint8_t rd[64] = { 0, 10 };

	dns_name_from_text("Example.COM", owner);
	rr.owner = owner;
	rr.rdata = rd;
	rr.rdata_len = (uint16_t)(2 + dns_name_from_text("mx.example.com", rd + 2));
	dns_print_rr(&rr, out, sizeof(out));
	is_str(out, "Example.COM. 86400 CH MX 10 mx.example.com.", "MX in CH");
	rr.rclass = 4242;
	rr.type = 4242;
	dns_print_rr(&rr, out, sizeof(out));
	ok(!strncmp(out, "Example.COM. 86400 CLASS4242 TYPE4242 \\# 18 000A",
		    48), "generic class and type");
}

static void test_names(void)
{
	char t[16];

	is_int(dns_type_from_text("aaaa"), DNS_TYPE_AAAA, "type mnemonic");
	is_int(dns_type_from_text("TYPE65280"), 65280, "TYPEnnn");
	is_int(dns_type_from_text("TYPE65536"), XDPDNS_ESYNTAX, "TYPE too big");
	is_int(dns_type_from_text("TYPE"), XDPDNS_ESYNTAX, "TYPE no number");
	is_int(dns_type_from_text("nope"), XDPDNS_ESYNTAX, "unknown mnemonic");
	is_int(dns_class_from_text("in"), DNS_CLASS_IN, "class mnemonic");
	is_int(dns_class_from_text("CLASS7"), 7, "CLASSnnn");
	dns_type_to_text(DNS_TYPE_NSEC3PARAM, t, sizeof(t));
	is_str(t, "NSEC3PARAM", "type name");
	is_int(dns_type_to_text(DNS_TYPE_NSEC3PARAM, t, 5), XDPDNS_ESPACE,
	       "type name capacity");
	ok(dns_type_info(DNS_TYPE_RRSIG) != NULL, "RRSIG known");
	ok(dns_type_info(257) == NULL, "CAA opaque");
	is_str(dns_type_name(257), "CAA", "CAA has a mnemonic");

	/* Every known type's NAMES flag agrees with its field list. */
	int bad = 0, known = 0;
	for (unsigned int t = 0; t < 65536; t++) {
		const struct dns_type_info *ti = dns_type_info((uint16_t)t);
		bool names = false;

		if (!ti)
			continue;
		known++;
		for (int i = 0; i < DNS_RDF_MAX && ti->fields[i]; i++)
			if (ti->fields[i] == DNS_RDF_NAME_C ||
			    ti->fields[i] == DNS_RDF_NAME_D ||
			    ti->fields[i] == DNS_RDF_NAME_U)
				names = true;
		if (names != dns_rdata_has_names((uint16_t)t))
			bad++;
		if ((ti->flags & DNS_TYPEF_CANON_LOWER) && !names)
			bad++;
	}
	is_int(bad, 0, "type table flags match fields (%d known types)", known);
}

int main(void)
{
	test_encodings();
	test_rdata();
	test_rr();
	test_names();
	return done_testing();
}
