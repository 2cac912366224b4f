/* SPDX-License-Identifier: GPL-2.0 */
/* A fixture of the resolve tests: an upstream answer to build client
 * answers from. */
#pragma once

#include <string.h>

#include "dns/message.h"
#include "dns/name.h"
#include "server.h"
#include "tap.h"

/**
 * fixture_client() - a client as resolve_client_query() leaves it: @id,
 * header @flags, EDNS (@edns, @do_bit, @size), @tcp, and the question
 * @name (as spelled) @qtype IN.
 */
static inline void fixture_client(struct client *c, uint16_t id, const char *name,
				  uint16_t flags, bool edns, bool do_bit,
				  uint16_t size, uint16_t qtype, bool tcp)
{
	memset(c, 0, sizeof(*c));
	c->id = id;
	c->flags = flags;
	c->has_edns = edns;
	c->do_bit = do_bit;
	c->udp_size = size;
	c->tcp = tcp;
	c->qtype = qtype;
	c->qclass = DNS_CLASS_IN;
	dns_name_from_text(name, c->qname);
}

/**
 * fixture_upstream_answer() - an upstream answer for www.example./A: @n A
 * records (192.0.2.1 up) and one RRSIG (algorithm 13, signer ".").
 * @buf, @cap: where the message is built; it must outlive @msg.
 * @msg:       receives it parsed.
 */
static inline void fixture_upstream_answer(uint8_t *buf, size_t cap,
					   struct dns_msg *msg, int n)
{
	uint8_t name[DNS_NAME_MAXLEN], sig[64] = { 0 };
	struct dns_builder b;
	size_t len;

	dns_name_from_text("www.example.", name);
	sig[1] = DNS_TYPE_A;
	sig[2] = 13;
	sig[3] = 2;
	sig[18] = 0;	/* signer "." */
	memset(sig + 19, 0x77, 40);
	dns_builder_init(&b, buf, cap, 0, 7, DNS_FLAG_QR | DNS_FLAG_RD);
	dns_builder_question(&b, name, DNS_TYPE_A, DNS_CLASS_IN);
	for (int i = 0; i < n; i++) {
		uint8_t rd[4] = { 192, 0, 2, (uint8_t)(i + 1) };

		dns_builder_rr(&b, DNS_SECTION_ANSWER, name, DNS_TYPE_A, DNS_CLASS_IN,
			       300, rd, 4);
	}
	dns_builder_rr(&b, DNS_SECTION_ANSWER, name, DNS_TYPE_RRSIG, DNS_CLASS_IN,
		       300, sig, 59);
	len = dns_builder_finish(&b);
	if (dns_msg_parse(msg, buf, len))
		diag("upstream message does not parse");
}
