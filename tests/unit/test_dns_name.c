// SPDX-License-Identifier: GPL-2.0
/* Tests of userspace/dns/name.c: decompression limits, order, text. */
#include <string.h>

#include "dns/name.h"
#include "tap.h"
#include "util/error.h"

static const uint8_t *wire(const char *text)
{
	static uint8_t buf[4][DNS_NAME_MAXLEN];
	static int i;
	uint8_t *b = buf[i++ & 3];

	if (dns_name_from_text(text, b) < 0)
		b[0] = 0xff; /* poison: the test will fail visibly */
	return b;
}

static void test_unpack(void)
{
	/* Header-less message: name at 0, a second name at 13 using it. */
	static const uint8_t msg[] = {
		7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
		3, 'w', 'w', 'w', 0xc0, 0x00,
		0xc0, 0x08, /* pointer to "com" */
	};
	uint8_t out[DNS_NAME_MAXLEN];
	size_t used;
	int len;

	len = dns_name_unpack(msg, sizeof(msg), 0, out, &used);
	is_int(len, 13, "plain name length");
	is_int(used, 13, "plain name consumed");
	len = dns_name_unpack(msg, sizeof(msg), 13, out, &used);
	is_int(len, 17, "compressed name length");
	is_int(used, 6, "compressed name consumes up to the pointer");
	ok(dns_name_equal(out, wire("www.example.com.")), "decompressed www.example.com");
	len = dns_name_unpack(msg, sizeof(msg), 19, out, &used);
	is_int(len, 5, "pointer-only name");
	is_int(used, 2, "pointer-only consumes 2");
	ok(dns_name_equal(out, wire("com")), "pointer to a suffix");
}

static void test_unpack_errors(void)
{
	uint8_t out[DNS_NAME_MAXLEN];
	uint8_t buf[600];
	size_t used;

	static const uint8_t self[] = { 0, 0, 0xc0, 0x02 };
	is_int(dns_name_unpack(self, sizeof(self), 2, out, &used),
	       XDPDNS_EPOINTER_LOOP, "self pointer is a loop");

	/* 2: "a" -> ptr 6 is forward; 6: ptr 2 would close a cycle. */
	static const uint8_t cycle[] = { 0, 0, 1, 'a', 0xc0, 0x06, 0xc0, 0x02 };
	is_int(dns_name_unpack(cycle, sizeof(cycle), 2, out, &used),
	       XDPDNS_EBAD_POINTER, "two-pointer cycle entered forward");
	is_int(dns_name_unpack(cycle, sizeof(cycle), 6, out, &used),
	       XDPDNS_EPOINTER_LOOP, "two-pointer cycle entered backward");

	static const uint8_t into[] = { 0, 0, 3, 'f', 'o', 'o', 0xc0, 0x02 };
	is_int(dns_name_unpack(into, sizeof(into), 2, out, &used),
	       XDPDNS_EPOINTER_LOOP, "pointer into its own name");

	static const uint8_t fwd[] = { 0xc0, 0x04, 0, 0, 3, 'c', 'o', 'm', 0 };
	is_int(dns_name_unpack(fwd, sizeof(fwd), 0, out, &used),
	       XDPDNS_EBAD_POINTER, "forward pointer rejected");

	static const uint8_t range[] = { 0xc1, 0x00 };
	is_int(dns_name_unpack(range, sizeof(range), 0, out, &used),
	       XDPDNS_EBAD_POINTER, "pointer past the message");

	static const uint8_t half[] = { 1, 'a', 0xc0 };
	is_int(dns_name_unpack(half, sizeof(half), 0, out, &used),
	       XDPDNS_ETRUNCATED, "pointer cut in half");

	static const uint8_t cut[] = { 5, 'a', 'b' };
	is_int(dns_name_unpack(cut, sizeof(cut), 0, out, &used),
	       XDPDNS_ETRUNCATED, "label runs past the buffer");

	static const uint8_t noroot[] = { 1, 'a' };
	is_int(dns_name_unpack(noroot, sizeof(noroot), 0, out, &used),
	       XDPDNS_ETRUNCATED, "missing root label");

	static const uint8_t ext[] = { 0x41, 0 };
	is_int(dns_name_unpack(ext, sizeof(ext), 0, out, &used),
	       XDPDNS_ELABEL_TOO_LONG, "0x41 length octet");
	static const uint8_t res[] = { 0x80, 0 };
	is_int(dns_name_unpack(res, sizeof(res), 0, out, &used),
	       XDPDNS_EBAD_LABEL_TYPE, "0x80 reserved label type");

	/* Label of 63 accepted, 64 rejected. */
	memset(buf, 'x', sizeof(buf));
	buf[0] = 63;
	buf[64] = 0;
	is_int(dns_name_unpack(buf, 65, 0, out, &used), 65, "63-octet label ok");
	buf[0] = 64;
	buf[65] = 0;
	is_int(dns_name_unpack(buf, 66, 0, out, &used), XDPDNS_ELABEL_TOO_LONG,
	       "64-octet label rejected");

	/* 255 octets: 3 labels of 63 + one of 61 + root = 64*3+62+1 = 255. */
	memset(buf, 'y', sizeof(buf));
	buf[0] = 63, buf[64] = 63, buf[128] = 63, buf[192] = 61, buf[254] = 0;
	is_int(dns_name_unpack(buf, 255, 0, out, &used), 255,
	       "255-octet name accepted");
	is_int(dns_name_unpack_flat(buf, 255, out), 255,
	       "255-octet flat name accepted");
	buf[192] = 62, buf[254] = 'y', buf[255] = 0;
	is_int(dns_name_unpack(buf, 256, 0, out, &used), XDPDNS_ENAME_TOO_LONG,
	       "256-octet name rejected");
	is_int(dns_name_unpack_flat(buf, 256, out), XDPDNS_ENAME_TOO_LONG,
	       "256-octet flat name rejected");

	/* Too long through compression: 200 octets + pointer to 63+1+... */
	memset(buf, 'z', sizeof(buf));
	buf[0] = 63, buf[64] = 0; /* name A at 0: 65 octets */
	buf[65] = 63, buf[129] = 63, buf[193] = 63, buf[257] = 0xc0, buf[258] = 0;
	is_int(dns_name_unpack(buf, 259, 65, out, &used), XDPDNS_ENAME_TOO_LONG,
	       "name too long only after decompression");

	static const uint8_t ptr[] = { 0, 0xc0, 0x00 };
	is_int(dns_name_unpack_flat(ptr + 1, 2, out), XDPDNS_EBAD_LABEL_TYPE,
	       "flat names refuse pointers");
}

static void test_text(void)
{
	uint8_t out[DNS_NAME_MAXLEN];
	char text[DNS_NAME_TEXT_MAXLEN];
	char lab[300];
	int len;

	len = dns_name_from_text("www.Example.com.", out);
	is_int(len, 17, "from_text length");
	is_mem(out, "\3www\7Example\3com", 17, "from_text octets");
	is_int(dns_name_from_text("www.Example.com", out), 17,
	       "no trailing dot is absolute");
	is_int(dns_name_from_text(".", out), 1, "root");
	is_int(dns_name_to_text(out, text, sizeof(text)), 1, "root to text");
	is_str(text, ".", "root text");
	is_int(dns_name_from_text("a..b", out), XDPDNS_ESYNTAX, "empty label");
	is_int(dns_name_from_text("", out), XDPDNS_ESYNTAX, "empty string");
	is_int(dns_name_from_text("a\\", out), XDPDNS_ESYNTAX, "dangling escape");
	is_int(dns_name_from_text("a\\25", out), XDPDNS_ESYNTAX, "short \\DDD");
	is_int(dns_name_from_text("a\\256", out), XDPDNS_ESYNTAX, "\\DDD > 255");

	len = dns_name_from_text("a\\.b\\032c\\\\.\\000.ex", out);
	is_int(len, 13, "escapes parsed");
	is_mem(out, "\6a.b c\\\1\0\2ex", 13, "escaped octets");
	dns_name_to_text(out, text, sizeof(text));
	is_str(text, "a\\.b\\032c\\\\.\\000.ex.", "escapes printed back");
	dns_name_from_text("\"q\"(x);@$", out);
	dns_name_to_text(out, text, sizeof(text));
	is_str(text, "\\\"q\\\"\\(x\\)\\;\\@\\$.", "specials escaped");
	is_int(dns_name_to_text(wire("example.com"), text, 12), XDPDNS_ESPACE,
	       "to_text respects capacity");
	is_int(dns_name_to_text(wire("example.com"), text, 13), 12,
	       "to_text exact capacity");

	memset(lab, 'a', 63);
	lab[63] = '\0';
	is_int(dns_name_from_text(lab, out), 65, "63-char label from text");
	memset(lab, 'a', 64);
	lab[64] = '\0';
	is_int(dns_name_from_text(lab, out), XDPDNS_ELABEL_TOO_LONG,
	       "64-char label from text");
	/* 4 labels of 63 = 256 octets with root: too long; 3x63+61 is 255. */
	memset(lab, 'b', sizeof(lab));
	lab[63] = lab[127] = lab[191] = '.';
	lab[253] = '\0';
	is_int(dns_name_from_text(lab, out), 255, "255-octet name from text");
	lab[253] = 'b';
	lab[254] = '\0';
	is_int(dns_name_from_text(lab, out), XDPDNS_ENAME_TOO_LONG,
	       "256-octet name from text");
}

static void test_order(void)
{
	/* RFC 4034 6.1's example, in canonical order. */
	static const char *const names[] = {
		"example",	   "a.example",	    "yljkjljk.a.example",
		"Z.a.example",	   "zABC.a.EXAMPLE", "z.example",
		"\\001.z.example", "*.z.example",    "\\200.z.example",
	};
	uint8_t w[9][DNS_NAME_MAXLEN];
	int good = 1;

	for (int i = 0; i < 9; i++)
		dns_name_from_text(names[i], w[i]);
	for (int i = 0; i < 9; i++)
		for (int j = 0; j < 9; j++) {
			int c = dns_name_compare(w[i], w[j]);

			if ((i < j && c >= 0) || (i == j && c) || (i > j && c <= 0))
				good = 0;
		}
	ok(good, "RFC 4034 6.1 example list is in canonical order");
	is_int(dns_name_compare(wire("EXAMPLE.com"), wire("example.COM")), 0,
	       "compare ignores case");
	ok(dns_name_compare(wire("."), wire("com")) < 0, "root sorts first");
	ok(dns_name_compare(wire("ab.com"), wire("a.com")) > 0,
	   "longer label with same prefix sorts after");
}

static void test_helpers(void)
{
	uint8_t out[DNS_NAME_MAXLEN], n[DNS_NAME_MAXLEN];

	dns_name_from_text("www.Sub.Example.COM", n);

	is_int(dns_name_label_count(n), 4, "label count");
	is_int(dns_name_label_count(wire(".")), 0, "root has no labels");
	is_int(dns_name_length(n), 21, "length");
	ok(dns_name_equal(n, wire("WWW.sub.example.com")), "equal ignores case");
	ok(!dns_name_equal(n, wire("www.sub.example.org")), "not equal");
	ok(dns_name_is_subdomain(n, wire("example.com")), "subdomain");
	ok(dns_name_is_subdomain(n, wire(".")), "everything is under root");
	ok(dns_name_is_subdomain(n, n), "a name is its own subdomain");
	ok(!dns_name_is_subdomain(wire("example.com"), n), "parent is not child");
	ok(!dns_name_is_subdomain(wire("xexample.com"), wire("example.com")),
	   "label boundary respected");
	ok(dns_name_equal(dns_name_strip(n, 2), wire("example.com")), "strip 2");
	ok(dns_name_equal(dns_name_strip(n, 9), wire(".")), "strip past root");
	ok(dns_name_equal(dns_name_suffix(n, 1), wire("com")), "suffix 1");
	ok(dns_name_suffix(n, 7) == n, "suffix longer than name");
	is_int(dns_name_common_labels(n, wire("mail.example.com")), 2,
	       "common labels");
	dns_name_copy(out, n);
	dns_name_to_lower(out);
	is_mem(out, "\3www\3sub\7example\3com", 21, "to_lower");
	is_int(dns_name_wildcard(out, wire("example.com")), 15, "wildcard len");
	ok(dns_name_is_wildcard(out), "is wildcard");
	ok(!dns_name_is_wildcard(n), "not wildcard");
	ok(!dns_name_is_wildcard(wire("\\*x.com")), "*x is not a wildcard");
	is_int(dns_name_concat(out, wire("a.b"), wire("c")), 7, "concat");
	ok(dns_name_equal(out, wire("a.b.c")), "concat result");
	char lab[260];
	memset(lab, 'c', sizeof(lab));
	lab[63] = lab[127] = lab[191] = '.';
	lab[253] = '\0';
	dns_name_from_text(lab, out);
	uint8_t big[DNS_NAME_MAXLEN];
	memcpy(big, out, 255);
	is_int(dns_name_wildcard(out, big), XDPDNS_ENAME_TOO_LONG,
	       "wildcard of a 255-octet name");
}

int main(void)
{
	test_unpack();
	test_unpack_errors();
	test_text();
	test_order();
	test_helpers();
	return done_testing();
}
