// SPDX-License-Identifier: GPL-2.0
/* Tests of userspace/dns/edns.c: OPT decoding, options, EDE, COOKIE, ECS. */
#include <errno.h>
#include <string.h>

#include "dns/edns.h"
#include "dns/message.h"
#include "tap.h"
#include "util/error.h"

static void test_options(void)
{
	uint8_t buf[256], srv[16] = { 9, 9, 9, 9, 9, 9, 9, 9 };
	static const uint8_t client[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct dns_edns_writer w;
	struct dns_edns e;
	struct dns_ede ede;
	struct dns_cookie ck;
	const uint8_t *data;
	uint16_t dlen, code;
	size_t pos = 0;
	int n = 0;

	dns_edns_writer_init(&w, buf, sizeof(buf));
	is_int(dns_edns_add_cookie(&w, client, NULL, 0), 0, "client cookie");
	is_int(dns_edns_add_ede(&w, DNS_EDE_DNSSEC_BOGUS, "sig expired \xc3\xa9"),
	       0, "EDE with UTF-8 text");
	is_int(dns_edns_add_ede(&w, 1, "\xc3"), -EINVAL, "EDE refuses bad UTF-8");
	is_int(dns_edns_add_padding(&w, 5), 0, "padding");
	is_int(w.len, 12 + 20 + 9, "options length");
	is_int(dns_edns_decode(1232, 0x01008000, buf, (uint16_t)w.len, &e), 0,
	       "decode");
	is_int(e.ext_rcode, 1, "extended rcode");
	is_int(e.version, 0, "version");
	ok(dns_edns_do(&e), "DO");
	is_int(dns_edns_ttl(&e), 0x01008000, "TTL round trip");
	while (dns_edns_option_next(e.options, e.options_len, &pos, &code, &data,
				    &dlen) > 0)
		n++;
	is_int(n, 3, "three options iterated");
	is_int(dns_ede_find(&e, &ede), 1, "EDE found");
	is_int(ede.info_code, DNS_EDE_DNSSEC_BOGUS, "EDE code");
	ok(ede.text_len == 14 && !memcmp(ede.text, "sig expired \xc3\xa9", 14),
	   "EDE text, no NUL");
	is_int(dns_edns_option_find(&e, DNS_EDNS_OPT_COOKIE, &data, &dlen), 1,
	       "cookie found");
	is_int(dns_cookie_decode(data, dlen, &ck), 0, "cookie decodes");
	ok(!memcmp(ck.client, client, 8) && !ck.server, "client only");
	is_int(dns_edns_option_find(&e, DNS_EDNS_OPT_PADDING, &data, &dlen), 1,
	       "padding found");
	ok(dlen == 5 && !data[0] && !data[4], "padding zeros");
	is_int(dns_edns_option_find(&e, DNS_EDNS_OPT_ECS, &data, &dlen), 0,
	       "no ECS");

	dns_edns_writer_init(&w, buf, sizeof(buf));
	is_int(dns_edns_add_cookie(&w, client, srv, 7), -EINVAL,
	       "server cookie of 7");
	is_int(dns_edns_add_cookie(&w, client, srv, 16), 0, "server cookie 16");
	is_int(dns_cookie_decode(buf + 4, 24, &ck), 0, "full cookie decodes");
	is_int(ck.server_len, 16, "server cookie length");
	is_int(dns_cookie_decode(buf + 4, 12, &ck), XDPDNS_EBAD_EDNS,
	       "cookie of 12 rejected");

	static const uint8_t bad_ede[] = { 0, 6, 0xff };
	is_int(dns_ede_decode(bad_ede, 3, &ede), XDPDNS_EBAD_EDNS,
	       "EDE with invalid UTF-8");
	is_int(dns_ede_decode(bad_ede, 1, &ede), XDPDNS_EBAD_EDNS, "EDE of 1");
	is_int(dns_ede_decode(bad_ede, 2, &ede), 0, "EDE without text");
	static const uint8_t surrogate[] = { 0, 0, 0xed, 0xa0, 0x80 };
	is_int(dns_ede_decode(surrogate, 5, &ede), XDPDNS_EBAD_EDNS,
	       "surrogate is not UTF-8");
	static const uint8_t overlong[] = { 0, 0, 0xc0, 0xaf };
	is_int(dns_ede_decode(overlong, 4, &ede), XDPDNS_EBAD_EDNS,
	       "overlong is not UTF-8");

	static const uint8_t cut[] = { 0, 8, 0, 9, 1 };
	is_int(dns_edns_decode(512, 0, cut, sizeof(cut), &e), XDPDNS_EBAD_EDNS,
	       "option data past RDATA");
	is_int(dns_edns_decode(512, 0, cut, 3, &e), XDPDNS_EBAD_EDNS,
	       "option header cut");

	dns_edns_writer_init(&w, buf, 6);
	is_int(dns_edns_add_padding(&w, 3), XDPDNS_ESPACE, "writer capacity");
	is_int(w.len, 0, "nothing written");
	is_int(dns_edns_padding_len(100, 128), 24, "pad 100+4 to 128");
	is_int(dns_edns_padding_len(124, 128), 0, "already a block");
	is_int(dns_edns_padding_len(125, 128), 127, "one past a block");
}

static void test_ecs(void)
{
	uint8_t buf[64];
	struct dns_edns_writer w;
	struct dns_ecs in = { .family = 1, .source_prefix = 20 }, out;

	in.addr[0] = 192, in.addr[1] = 0, in.addr[2] = 0xff, in.addr[3] = 7;
	dns_edns_writer_init(&w, buf, sizeof(buf));
	is_int(dns_edns_add_ecs(&w, &in), 0, "ECS /20");
	is_int(w.len, 4 + 4 + 3, "three address octets");
	is_int(buf[10], 0xf0, "bits past the prefix cleared");
	is_int(dns_ecs_decode(buf + 4, 7, &out), 0, "decodes");
	ok(out.family == 1 && out.source_prefix == 20 && out.addr[2] == 0xf0,
	   "fields");
	buf[10] = 0xf8;
	is_int(dns_ecs_decode(buf + 4, 7, &out), XDPDNS_EBAD_EDNS,
	       "set bit past prefix rejected");
	is_int(dns_ecs_decode(buf + 4, 6, &out), XDPDNS_EBAD_EDNS,
	       "address length mismatch");
	in.family = 2, in.source_prefix = 129;
	is_int(dns_edns_add_ecs(&w, &in), -EINVAL, "IPv6 /129");
	in.family = 3, in.source_prefix = 0;
	is_int(dns_edns_add_ecs(&w, &in), -EINVAL, "unknown family");
}

static void test_in_message(void)
{
	uint8_t opts[64], out[128], name[DNS_NAME_MAXLEN];
	struct dns_edns_writer w;
	struct dns_edns e = { .udp_size = 1400, .ext_rcode = 0, .version = 0 };
	struct dns_builder b;
	struct dns_msg m;
	struct dns_ede ede;

	dns_msg_init(&m);
	dns_edns_writer_init(&w, opts, sizeof(opts));
	dns_edns_add_ede(&w, DNS_EDE_SIGNATURE_EXPIRED, "expired");
	e.options = opts;
	e.options_len = (uint16_t)w.len;
	e.ext_rcode = DNS_RCODE_BADVERS >> 4;
	dns_name_from_text("example", name);
	dns_builder_init(&b, out, sizeof(out), 0, 1, DNS_FLAG_QR);
	dns_builder_question(&b, name, DNS_TYPE_A, DNS_CLASS_IN);
	is_int(dns_builder_opt(&b, &e), 0, "OPT written");
	is_int(dns_msg_parse(&m, out, dns_builder_finish(&b)), 0, "parses");
	is_int(m.rcode, DNS_RCODE_BADVERS, "BADVERS through the OPT");
	is_int(m.edns.udp_size, 1400, "UDP size");
	is_int(dns_ede_find(&m.edns, &ede), 1, "EDE in message");
	is_int(ede.info_code, DNS_EDE_SIGNATURE_EXPIRED, "EDE code");
	dns_msg_release(&m);
}

int main(void)
{
	test_options();
	test_ecs();
	test_in_message();
	return done_testing();
}
