// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the client answer builder: AD rule (RFC 6840 5.7-5.8),
 * Bogus and CD (RFC 4035 3.2.2), DNSSEC records by DO (RFC 4035 3.2.1),
 * size limits and TC, TTL countdown, EDE and extended rcodes. */
#include <string.h>

#include "dns/message.h"
#include "dns/name.h"
#include "resolve.h"
#include "resolve_fixture.h"
#include "tap.h"

static uint8_t up[4096], out[65535];
static struct dns_msg upmsg, outmsg;


/* An upstream answer for www.example./A: @n A records and one RRSIG. */
static void upstream_answer(int n)
{
	fixture_upstream_answer(up, sizeof(up), &upmsg, n);
}

static void client(struct client *c, uint16_t flags, bool edns, bool do_bit,
		   uint16_t size, uint16_t qtype)
{
	fixture_client(c, 0x1234, "WWW.Example.", flags, edns, do_bit, size, qtype,
		       false);
}

/* Build, parse the result; return its length (or the error). */
static int build(const struct client *c, const struct resolve_answer *a)
{
	int len = resolve_answer_build(c, a, 1232, out, sizeof(out));

	if (len > 0 && dns_msg_parse(&outmsg, out, (size_t)len)) {
		diag("answer does not parse");
		return -1;
	}
	return len;
}

static size_t count_type(uint16_t type)
{
	size_t n = 0;

	for (size_t i = 0; i < outmsg.rr_count; i++)
		n += outmsg.rr[i].type == type;
	return n;
}

static int ede_of(void)
{
	struct dns_ede e;

	if (!outmsg.has_opt || dns_ede_find(&outmsg.edns, &e) != 1)
		return -1;
	return e.info_code;
}

int main(void)
{
	struct resolve_answer a = { .msg = &upmsg, .ede = RESOLVE_NO_EDE,
				    .ttl = UINT32_MAX };
	struct client c;
	uint8_t qname[DNS_NAME_MAXLEN];

	dns_msg_init(&upmsg);
	dns_msg_init(&outmsg);
	upstream_answer(1);

	/* AD rule */
	a.security = CACHE_SEC_SECURE;
	client(&c, DNS_FLAG_RD, true, true, 1232, DNS_TYPE_A);
	ok(build(&c, &a) > 0 && (outmsg.flags & DNS_FLAG_AD), "secure, DO: AD");
	is_int(outmsg.id, 0x1234, "client's ID");
	ok(outmsg.flags & DNS_FLAG_RD && outmsg.flags & DNS_FLAG_RA, "RD echoed, RA set");
	dns_name_from_text("WWW.Example.", qname);
	ok(!memcmp(outmsg.question[0].name, qname, dns_name_length(qname)),
	   "question as the client spelled it");
	ok(outmsg.has_opt && dns_edns_do(&outmsg.edns) && outmsg.edns.udp_size == 1232,
	   "OPT: DO echoed, our size 1232");
	client(&c, DNS_FLAG_RD, true, false, 1232, DNS_TYPE_A);
	ok(build(&c, &a) > 0 && !(outmsg.flags & DNS_FLAG_AD), "secure, no DO, no AD: no AD");
	client(&c, DNS_FLAG_RD | DNS_FLAG_AD, true, false, 1232, DNS_TYPE_A);
	ok(build(&c, &a) > 0 && (outmsg.flags & DNS_FLAG_AD), "secure, AD in the query: AD");
	a.security = CACHE_SEC_INSECURE;
	client(&c, DNS_FLAG_RD, true, true, 1232, DNS_TYPE_A);
	ok(build(&c, &a) > 0 && !(outmsg.flags & DNS_FLAG_AD), "insecure: no AD");
	a.security = CACHE_SEC_UNCHECKED;
	ok(build(&c, &a) > 0 && !(outmsg.flags & DNS_FLAG_AD), "unchecked: no AD");

	/* Bogus */
	a.security = CACHE_SEC_BOGUS;
	client(&c, DNS_FLAG_RD, true, true, 1232, DNS_TYPE_A);
	ok(build(&c, &a) > 0 && outmsg.rcode == DNS_RCODE_SERVFAIL && outmsg.rr_count == 0,
	   "bogus: SERVFAIL, no data");
	is_int(ede_of(), 6, "bogus: EDE 6 by default");
	a.ede = 7;
	build(&c, &a);
	is_int(ede_of(), 7, "bogus: the validator's EDE");
	a.ede = RESOLVE_NO_EDE;
	client(&c, DNS_FLAG_RD | DNS_FLAG_CD, true, true, 1232, DNS_TYPE_A);
	ok(build(&c, &a) > 0 && outmsg.rcode == 0 && count_type(DNS_TYPE_A) == 1 &&
	   !(outmsg.flags & DNS_FLAG_AD) && (outmsg.flags & DNS_FLAG_CD),
	   "bogus with CD: data, no AD, CD echoed");

	/* DNSSEC records by DO */
	a.security = CACHE_SEC_SECURE;
	client(&c, DNS_FLAG_RD, true, true, 1232, DNS_TYPE_A);
	build(&c, &a);
	is_int(count_type(DNS_TYPE_RRSIG), 1, "DO=1: RRSIG kept");
	client(&c, DNS_FLAG_RD, true, false, 1232, DNS_TYPE_A);
	build(&c, &a);
	is_int(count_type(DNS_TYPE_RRSIG), 0, "DO=0: RRSIG left out");
	is_int(count_type(DNS_TYPE_A), 1, "DO=0: data kept");
	client(&c, DNS_FLAG_RD, false, false, 512, DNS_TYPE_RRSIG);
	build(&c, &a);
	is_int(count_type(DNS_TYPE_RRSIG), 1, "DO=0 but QTYPE RRSIG: kept");
	ok(!outmsg.has_opt, "no EDNS in the query: no OPT");

	/* TTLs */
	a.ttl = 42;
	client(&c, DNS_FLAG_RD, true, true, 1232, DNS_TYPE_A);
	build(&c, &a);
	ok(outmsg.rr_count == 2 && outmsg.rr[0].ttl == 42 && outmsg.rr[1].ttl == 42,
	   "TTLs set to the time left");
	a.ttl = UINT32_MAX;
	build(&c, &a);
	is_int(outmsg.rr[0].ttl, 300, "TTLs kept when asked");

	/* Size limits: 40 A records are 12 + 20 + 40 * 16 + RRSIG > 512. */
	upstream_answer(40);
	client(&c, DNS_FLAG_RD, false, false, 512, DNS_TYPE_A);
	ok(build(&c, &a) <= 512 && (outmsg.flags & DNS_FLAG_TC) && outmsg.rr_count == 0,
	   "no EDNS: 512 octets, TC, answer dropped whole");
	client(&c, DNS_FLAG_RD, true, false, 4096, DNS_TYPE_A);
	ok(build(&c, &a) > 512 && !(outmsg.flags & DNS_FLAG_TC),
	   "EDNS 4096 client: up to our 1232, fits");
	upstream_answer(80);
	ok(build(&c, &a) <= 1232 && (outmsg.flags & DNS_FLAG_TC),
	   "80 records: over 1232, TC");
	c.tcp = true;
	ok(build(&c, &a) > 1232 && !(outmsg.flags & DNS_FLAG_TC) &&
	   count_type(DNS_TYPE_A) == 80, "TCP: everything");
	client(&c, DNS_FLAG_RD, true, false, 100, DNS_TYPE_A);
	upstream_answer(20);
	ok(build(&c, &a) > 100 && !(outmsg.flags & DNS_FLAG_TC),
	   "advertised size under 512 counts as 512");

	/* Error answers */
	{
		struct resolve_answer e = { .rcode = DNS_RCODE_SERVFAIL, .ede = 22,
					    .ede_text = "no upstream", .ttl = UINT32_MAX };

		client(&c, DNS_FLAG_RD, true, false, 1232, DNS_TYPE_A);
		ok(build(&c, &e) > 0 && outmsg.rcode == DNS_RCODE_SERVFAIL &&
		   outmsg.qdcount == 1 && outmsg.rr_count == 0, "SERVFAIL with the question");
		is_int(ede_of(), 22, "EDE 22 attached");
		client(&c, DNS_FLAG_RD, false, false, 512, DNS_TYPE_A);
		ok(build(&c, &e) > 0 && !outmsg.has_opt, "no EDNS: no EDE possible");
		e.rcode = DNS_RCODE_BADVERS;
		e.ede = RESOLVE_NO_EDE;
		client(&c, DNS_FLAG_RD, true, false, 1232, DNS_TYPE_A);
		ok(build(&c, &e) > 0 && outmsg.rcode == DNS_RCODE_BADVERS &&
		   outmsg.edns.ext_rcode == 1, "BADVERS through the extended rcode");
	}
	{
		struct cache_key key;

		cache_key_init(&key, c.qname, DNS_TYPE_A, DNS_CLASS_IN, true);
		is_int(resolve_handoff_kernel_cache(NULL, &key, &upmsg, 60, CACHE_SEC_BOGUS),
		       -22, "hand-off refuses Bogus (contract 2)");
		is_int(resolve_handoff_kernel_cache(NULL, &key, &upmsg, 60,
						    CACHE_SEC_INDETERMINATE),
		       -22, "hand-off refuses Indeterminate");
		is_int(resolve_handoff_kernel_cache(NULL, &key, &upmsg, 60, CACHE_SEC_SECURE),
		       0, "Secure without maps: nothing to do");
	}
	dns_msg_release(&upmsg);
	dns_msg_release(&outmsg);
	return done_testing();
}
