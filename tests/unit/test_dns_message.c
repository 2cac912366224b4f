// SPDX-License-Identifier: GPL-2.0
/* Tests of userspace/dns/message.c, builder.c and rrset.c. */
#include <string.h>

#include "dns/message.h"
#include "dns/print.h"
#include "dns/rrset.h"
#include "tap.h"
#include "util/error.h"

/*
 * dnspython 2.3: response to "www.Example.com. A" with a CNAME, two A, two
 * NS in authority, an AAAA glue and OPT (DO, 1232, EDE 3 "from cache").
 */
static const uint8_t resp[] = {
	0x12, 0x34, 0x81, 0x00, 0x00, 0x01, 0x00, 0x03, 0x00, 0x02, 0x00, 0x02,
	0x03, 0x77, 0x77, 0x77, 0x07, 0x45, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65,
	0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x01, 0x00, 0x01, 0xc0, 0x0c, 0x00,
	0x05, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c, 0x00, 0x06, 0x03, 0x77, 0x65,
	0x62, 0xc0, 0x10, 0xc0, 0x2d, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x3c, 0x00, 0x04, 0xc0, 0x00, 0x02, 0x02, 0xc0, 0x2d, 0x00, 0x01, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x04, 0xc0, 0x00, 0x02, 0x01, 0xc0,
	0x10, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x11, 0x03,
	0x6e, 0x73, 0x32, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x03,
	0x6e, 0x65, 0x74, 0x00, 0xc0, 0x10, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00,
	0x0e, 0x10, 0x00, 0x06, 0x03, 0x6e, 0x73, 0x31, 0xc0, 0x10, 0xc0, 0x7c,
	0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x10, 0x20, 0x01,
	0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x53, 0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x80, 0x00, 0x00,
	0x10, 0x00, 0x0f, 0x00, 0x0c, 0x00, 0x03, 0x66, 0x72, 0x6f, 0x6d, 0x20,
	0x63, 0x61, 0x63, 0x68, 0x65,
};

static const char *const resp_text[] = {
	"www.Example.com. 300 IN CNAME web.Example.com.",
	"web.Example.com. 60 IN A 192.0.2.2",
	"web.Example.com. 60 IN A 192.0.2.1",
	"Example.com. 3600 IN NS ns2.example.net.",
	"Example.com. 3600 IN NS ns1.Example.com.",
	"ns1.Example.com. 3600 IN AAAA 2001:db8::53",
};

static void test_parse(struct dns_msg *m)
{
	char text[512];
	size_t n;
	const struct dns_rr *rr;
	struct dns_ede ede;

	is_int(dns_msg_parse(m, resp, sizeof(resp)), 0, "parse response");
	is_int(m->id, 0x1234, "id");
	ok(m->flags & DNS_FLAG_QR, "QR");
	is_int(m->qdcount, 1, "one question");
	is_int(m->question[0].qtype, DNS_TYPE_A, "qtype");
	is_int(m->question[0].offset, 12, "question offset");
	is_int(m->question[0].wire_len, 21, "question wire length");
	is_int(m->rr_count, 6, "six records without OPT");
	is_int(m->section_count[DNS_SECTION_ANSWER], 3, "answer count");
	is_int(m->section_count[DNS_SECTION_AUTHORITY], 2, "authority count");
	is_int(m->section_count[DNS_SECTION_ADDITIONAL], 1,
	       "additional count without OPT");
	for (size_t i = 0; i < m->rr_count && i < 6; i++) {
		dns_print_rr(&m->rr[i], text, sizeof(text));
		is_str(text, resp_text[i], "record %zu text", i);
	}
	rr = dns_msg_section(m, DNS_SECTION_ANSWER, &n);
	is_int(rr[0].offset, 33, "CNAME offset");
	is_int(rr[0].wire_len, 18, "CNAME wire length");
	is_int(rr[0].ttl_offset, 39, "CNAME TTL offset");
	is_int(dns_get32(resp + rr[0].ttl_offset), 300, "TTL at its offset");
	is_int(rr[0].rdata_offset, 45, "CNAME RDATA offset");
	is_int(rr[0].rdlength, 6, "CNAME rdlength on wire");
	is_int(rr[0].rdata_len, 17, "CNAME RDATA decompressed");
	ok(rr[1].rdata == resp + rr[1].rdata_offset, "A RDATA is a view");
	is_int(rr[1].offset + rr[1].wire_len, rr[2].offset,
	       "records are contiguous");
	rr = dns_msg_section(m, DNS_SECTION_ADDITIONAL, &n);
	is_int(rr[0].section, DNS_SECTION_ADDITIONAL, "section recorded");
	ok(m->has_opt, "OPT found");
	is_int(m->opt_index, 1, "OPT is the second additional record");
	is_int(m->opt.offset, 158, "OPT offset");
	is_int(m->opt.offset + m->opt.wire_len, sizeof(resp), "OPT ends message");
	is_int(m->edns.udp_size, 1232, "UDP size");
	ok(dns_edns_do(&m->edns), "DO");
	is_int(m->edns.version, 0, "version");
	is_int(dns_ede_find(&m->edns, &ede), 1, "EDE found");
	is_int(ede.info_code, DNS_EDE_STALE_ANSWER, "EDE code");
	ok(ede.text_len == 10 && !memcmp(ede.text, "from cache", 10), "EDE text");
	is_int(m->end, sizeof(resp), "end");
}

static bool same_records(const struct dns_msg *a, const struct dns_msg *b)
{
	if (a->rr_count != b->rr_count || a->qdcount != b->qdcount)
		return false;
	for (size_t i = 0; i < a->rr_count; i++) {
		const struct dns_rr *x = &a->rr[i], *y = &b->rr[i];

		if (x->type != y->type || x->rclass != y->rclass ||
		    x->ttl != y->ttl || x->section != y->section ||
		    x->owner_len != y->owner_len ||
		    memcmp(x->owner, y->owner, x->owner_len) ||
		    x->rdata_len != y->rdata_len ||
		    memcmp(x->rdata, y->rdata, x->rdata_len))
			return false;
	}
	return true;
}

static void test_roundtrip(struct dns_msg *m)
{
	struct dns_msg again;
	struct dns_builder b;
	uint8_t out[1024];
	size_t len;

	dns_msg_init(&again);
	dns_msg_parse(m, resp, sizeof(resp));
	dns_builder_init(&b, out, sizeof(out), 0, m->id, m->flags);
	is_int(dns_msg_write(m, &b), 0, "write back");
	len = dns_builder_finish(&b);
	ok(!b.truncated, "not truncated");
	is_int(dns_msg_parse(&again, out, len), 0, "reparse");
	ok(same_records(m, &again), "same records after round trip");
	ok(again.has_opt && again.edns.udp_size == 1232 &&
		   again.edns.options_len == m->edns.options_len,
	   "same OPT");
	ok(len <= sizeof(resp) + 4, "compressed about as well (%zu vs %zu)",
	   len, sizeof(resp));

	/* Limit that holds the CNAME but not the A set: TC, whole sets only. */
	dns_builder_init(&b, out, sizeof(out), 80, m->id, m->flags);
	is_int(dns_msg_write(m, &b), 0, "truncated write is not an error");
	len = dns_builder_finish(&b);
	ok(b.truncated, "marked truncated");
	ok(dns_hdr_flags(out) & DNS_FLAG_TC, "TC set");
	ok(len <= 80, "within limit (%zu)", len);
	is_int(dns_msg_parse(&again, out, len), 0, "truncated message parses");
	is_int(again.section_count[DNS_SECTION_ANSWER], 1, "only the CNAME set");
	is_int(again.section_count[DNS_SECTION_AUTHORITY], 0, "no authority");
	ok(again.has_opt, "OPT kept thanks to the reservation");

	/* Only the additional section does not fit: no TC (RFC 2181 9). */
	dns_builder_init(&b, out, sizeof(out), 160, m->id, m->flags);
	dns_msg_write(m, &b);
	len = dns_builder_finish(&b);
	dns_msg_parse(&again, out, len);
	is_int(again.section_count[DNS_SECTION_AUTHORITY], 2, "authority kept");
	is_int(again.section_count[DNS_SECTION_ADDITIONAL], 0, "glue dropped");
	ok(!(dns_hdr_flags(out) & DNS_FLAG_TC), "no TC for dropped glue");
	dns_msg_release(&again);
}

static void test_builder(void)
{
	uint8_t out[512], name[DNS_NAME_MAXLEN], upper[DNS_NAME_MAXLEN];
	uint8_t mx[DNS_NAME_MAXLEN + 2];
	static const uint8_t a[4] = { 192, 0, 2, 7 };
	struct dns_builder b;
	struct dns_msg m;
	size_t len;

	dns_msg_init(&m);
	dns_name_from_text("www.example.com", name);
	dns_name_from_text("WWW.example.com", upper);
	dns_builder_init(&b, out, sizeof(out), 0, 7, DNS_FLAG_QR);
	is_int(dns_builder_question(&b, name, DNS_TYPE_MX, DNS_CLASS_IN), 0,
	       "question");
	is_int(dns_builder_rr(&b, DNS_SECTION_ANSWER, name, DNS_TYPE_A,
			      DNS_CLASS_IN, 5, a, 4), 0, "A record");
	ok(out[33] == 0xc0 && out[34] == 12, "owner compressed to the question");
	is_int(dns_builder_rr(&b, DNS_SECTION_ANSWER, upper, DNS_TYPE_A,
			      DNS_CLASS_IN, 5, a, 4), 0, "A with other case");
	ok(out[49] == 3 && out[50] == 'W', "case kept: first label written out");
	ok(out[53] == 0xc0 && out[54] == 16, "then pointer to example.com");
	mx[0] = 0, mx[1] = 10;
	dns_name_from_text("mail.example.com", mx + 2);
	is_int(dns_builder_rr(&b, DNS_SECTION_ANSWER, name, DNS_TYPE_MX,
			      DNS_CLASS_IN, 5, mx, 2 + 18), 0, "MX record");
	len = dns_builder_finish(&b);
	is_int(out[len - 2], 0xc0, "MX exchange compressed (RFC 1035 type)");
	is_int(dns_get16(out + len - 11), 9, "MX rdlength after compression");
	is_int(dns_builder_rr(&b, DNS_SECTION_ANSWER, name, DNS_TYPE_A,
			      DNS_CLASS_IN, 5, a, 3), XDPDNS_EBAD_RDATA,
	       "builder checks RDATA");
	is_int(dns_builder_rr(&b, DNS_SECTION_ADDITIONAL, name, DNS_TYPE_A,
			      DNS_CLASS_IN, 5, a, 4), 0, "additional");
	is_int(dns_builder_rr(&b, DNS_SECTION_ANSWER, name, DNS_TYPE_A,
			      DNS_CLASS_IN, 5, a, 4), -22, "no going back");
	is_int(dns_builder_question(&b, name, 1, 1), -22,
	       "no question after records");
	len = dns_builder_finish(&b);
	is_int(dns_msg_parse(&m, out, len), 0, "built message parses");
	is_int(m.section_count[0], 3, "three answers");
	is_int(dns_hdr_arcount(out), 1, "arcount written");

	/* RRSIG signer names are never compressed (RFC 4034 3.1.7). */
	uint8_t sig[18 + 17 + 3] = { 0, 1, 8, 3 };
	memcpy(sig + 18, name, 17);
	dns_builder_init(&b, out, sizeof(out), 0, 7, 0);
	dns_builder_question(&b, name, 1, 1);
	dns_builder_rr(&b, DNS_SECTION_ANSWER, name, DNS_TYPE_RRSIG, 1, 5, sig,
		       sizeof(sig));
	len = dns_builder_finish(&b);
	ok(!memcmp(out + len - 20, name, 17), "signer written in full");

	/* An output limit smaller than the header. */
	is_int(dns_builder_init(&b, out, 8, 0, 1, 0), XDPDNS_ESPACE,
	       "tiny buffer");
	dns_builder_init(&b, out, sizeof(out), 44, 1, 0);
	is_int(dns_builder_reserve(&b, 11), 0, "reserve 11");
	is_int(dns_builder_question(&b, name, 1, 1), 0, "question fits");
	is_int(dns_builder_rr(&b, DNS_SECTION_ANSWER, name, 1, 1, 1, a, 4),
	       XDPDNS_ESPACE, "record eats into the reservation");
	struct dns_edns e = { .udp_size = 1232, .flags = DNS_EDNS_FLAG_DO };
	is_int(dns_builder_opt(&b, &e), 0, "OPT fits in the reservation");
	len = dns_builder_finish(&b);
	is_int(len, 44, "exactly at the limit");
	is_int(dns_msg_parse(&m, out, len), 0, "parses");
	ok(m.has_opt && dns_edns_do(&m.edns), "OPT with DO");
	dns_msg_release(&m);
}

static void test_rrsets(void)
{
	uint8_t out[1024], o1[DNS_NAME_MAXLEN], o2[DNS_NAME_MAXLEN];
	static const uint8_t a1[4] = { 1, 1, 1, 1 }, a2[4] = { 2, 2, 2, 2 };
	uint8_t aaaa[16] = { 0x20, 1 };
	uint8_t sig_a[18 + 1 + 2] = { 0, DNS_TYPE_A, 13, 1 };
	uint8_t sig_aaaa[18 + 1 + 2] = { 0, DNS_TYPE_AAAA, 13, 1 };
	struct dns_rrset sets[8];
	uint32_t order[8];
	struct dns_builder b;
	struct dns_msg m;
	int n;

	dns_msg_init(&m);
	dns_name_from_text("a.example", o1);
	dns_name_from_text("A.EXAMPLE", o2);
	dns_builder_init(&b, out, sizeof(out), 0, 1, 0);
	dns_builder_rr(&b, 0, o1, DNS_TYPE_A, 1, 50, a1, 4);
	dns_builder_rr(&b, 0, o1, DNS_TYPE_AAAA, 1, 50, aaaa, 16);
	dns_builder_rr(&b, 0, o1, DNS_TYPE_RRSIG, 1, 50, sig_a, sizeof(sig_a));
	dns_builder_rr(&b, 0, o2, DNS_TYPE_A, 1, 40, a2, 4);
	dns_builder_rr(&b, 0, o1, DNS_TYPE_RRSIG, 1, 50, sig_aaaa,
		       sizeof(sig_aaaa));
	dns_builder_rr(&b, 0, o1, DNS_TYPE_A, 3, 50, a2, 4);
	is_int(dns_msg_parse(&m, out, dns_builder_finish(&b)), 0, "parse");
	n = dns_rrset_group(&m, DNS_SECTION_ANSWER, sets, 8, order);
	is_int(n, 5, "five sets (class and covered type split)");
	is_int(sets[0].type, DNS_TYPE_A, "A set first");
	is_int(sets[0].count, 2, "A set across case and position");
	ok(order[sets[0].first] == 0 && order[sets[0].first + 1] == 3,
	   "A members in wire order");
	is_int(sets[0].ttl, 40, "set TTL is the minimum");
	is_int(sets[2].covered, DNS_TYPE_A, "RRSIG(A) set");
	is_int(sets[3].covered, DNS_TYPE_AAAA, "RRSIG(AAAA) set");
	is_int(sets[4].rclass, 3, "CH record alone");
	is_int(dns_rrset_group(&m, DNS_SECTION_ANSWER, sets, 4, order),
	       XDPDNS_ESPACE, "set array too small");
	dns_msg_release(&m);
}

int main(void)
{
	struct dns_msg *m = dns_msg_new();

	test_parse(m);
	test_roundtrip(m);
	test_builder();
	test_rrsets();
	dns_msg_free(m);
	return done_testing();
}
