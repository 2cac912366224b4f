// SPDX-License-Identifier: GPL-2.0
/* DNS messages: parsing into sections of records with their offsets. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dns/message.h"
#include "util/error.h"

/* Smallest question: root name + type + class. Smallest RR: root + 10. */
#define MIN_QUESTION_LEN 5
#define MIN_RR_LEN 11
/* Per RR, the arena may take an owner and RDATA growing by two names. */
#define ARENA_SLACK (3 * DNS_NAME_MAXLEN)

void dns_msg_init(struct dns_msg *msg)
{
	memset(msg, 0, sizeof(*msg));
	msg->opt_index = -1;
}

void dns_msg_release(struct dns_msg *msg)
{
	free(msg->q_store);
	free(msg->rr);
	free(msg->arena);
	dns_msg_init(msg);
}

struct dns_msg *dns_msg_new(void)
{
	struct dns_msg *msg = malloc(sizeof(*msg));

	if (msg)
		dns_msg_init(msg);
	return msg;
}

void dns_msg_free(struct dns_msg *msg)
{
	if (!msg)
		return;
	dns_msg_release(msg);
	free(msg);
}

static int grow(void **ptr, size_t *cap, size_t want, size_t elem)
{
	size_t n = *cap ? *cap : 16;
	void *p;

	if (want <= *cap)
		return 0;
	while (n < want)
		n *= 2;
	p = realloc(*ptr, n * elem);
	if (!p)
		return -ENOMEM;
	*ptr = p;
	*cap = n;
	return 0;
}

static void reset(struct dns_msg *msg)
{
	msg->rr_count = 0;
	msg->qdcount = 0;
	msg->question = msg->q_store;
	memset(msg->section_first, 0, sizeof(msg->section_first));
	memset(msg->section_count, 0, sizeof(msg->section_count));
	msg->has_opt = false;
	msg->opt_index = -1;
	memset(&msg->opt, 0, sizeof(msg->opt));
	memset(&msg->edns, 0, sizeof(msg->edns));
	msg->arena_len = 0;
	msg->end = 0;
}

/*
 * Names and decompressed RDATA are appended to the arena, which may move
 * while it grows; the views are therefore set in one pass at the end, in
 * the same order the data was appended.
 */
static void set_views(struct dns_msg *msg)
{
	size_t cur = 0;

	for (size_t i = 0; i < msg->qdcount; i++) {
		msg->question[i].name = msg->arena + cur;
		cur += msg->question[i].name_len;
	}
	for (size_t i = 0; i < msg->rr_count; i++) {
		struct dns_rr *rr = &msg->rr[i];

		rr->owner = msg->arena + cur;
		cur += rr->owner_len;
		if (dns_rdata_has_names(rr->type)) {
			rr->rdata = msg->arena + cur;
			cur += rr->rdata_len;
		} else {
			rr->rdata = msg->wire + rr->rdata_offset;
		}
	}
	if (msg->has_opt) {
		msg->opt.owner = (const uint8_t *)"";
		msg->opt.rdata = msg->wire + msg->opt.rdata_offset;
		msg->edns.options = msg->opt.rdata;
	}
}

static int parse_question(struct dns_msg *msg, size_t *pos)
{
	struct dns_question *q = &msg->question[msg->qdcount];
	size_t consumed;
	int len;

	len = dns_name_unpack(msg->wire, msg->wire_len, *pos,
			      msg->arena + msg->arena_len, &consumed);
	if (len < 0)
		return len;
	if (msg->wire_len - *pos - consumed < 4)
		return XDPDNS_ETRUNCATED;
	q->offset = (uint16_t)*pos;
	q->wire_len = (uint16_t)(consumed + 4);
	q->name_len = (uint16_t)len;
	q->qtype = dns_get16(msg->wire + *pos + consumed);
	q->qclass = dns_get16(msg->wire + *pos + consumed + 2);
	msg->arena_len += (size_t)len;
	msg->qdcount++;
	*pos += consumed + 4;
	return 0;
}

/* The OPT record (RFC 6891 6.1.1): one, in additional, owned by the root. */
static int take_opt(struct dns_msg *msg, struct dns_rr *rr, int section,
		    int index_in_section)
{
	int err;

	if (section != DNS_SECTION_ADDITIONAL || msg->has_opt ||
	    rr->owner_len != 1)
		return XDPDNS_EBAD_EDNS;
	err = dns_edns_decode(rr->rclass, rr->ttl, msg->wire + rr->rdata_offset,
			      rr->rdlength, &msg->edns);
	if (err)
		return err;
	msg->opt = *rr;
	msg->has_opt = true;
	msg->opt_index = index_in_section;
	return 0;
}

static int parse_rr(struct dns_msg *msg, size_t *pos, int section,
		    int index_in_section)
{
	const uint8_t *w = msg->wire;
	struct dns_rr rr = { 0 };
	size_t consumed, p;
	uint8_t *owner = msg->arena + msg->arena_len;
	int len, err;

	len = dns_name_unpack(w, msg->wire_len, *pos, owner, &consumed);
	if (len < 0)
		return len;
	p = *pos + consumed;
	if (msg->wire_len - p < DNS_RR_FIXED_LEN)
		return XDPDNS_ETRUNCATED;
	rr.offset = (uint16_t)*pos;
	rr.owner_len = (uint16_t)len;
	rr.type = dns_get16(w + p);
	rr.rclass = dns_get16(w + p + 2);
	rr.ttl_offset = (uint16_t)(p + 4);
	rr.ttl = dns_get32(w + p + 4);
	rr.rdlength = dns_get16(w + p + 8);
	rr.rdata_offset = (uint16_t)(p + DNS_RR_FIXED_LEN);
	rr.section = (uint8_t)section;
	if (msg->wire_len - rr.rdata_offset < rr.rdlength)
		return XDPDNS_ETRUNCATED;
	rr.wire_len = (uint16_t)(rr.rdata_offset + rr.rdlength - *pos);

	/* RDATA goes after the owner in the arena when it holds names. */
	len = dns_rdata_unpack(rr.type, w, msg->wire_len, rr.rdata_offset,
			       rr.rdlength, owner + rr.owner_len,
			       msg->arena_cap - msg->arena_len - rr.owner_len);
	if (len < 0)
		return rr.type == DNS_TYPE_OPT && len == XDPDNS_EBAD_RDATA ?
			       XDPDNS_EBAD_EDNS : len;
	/*
	 * Decompressed RDATA must still fit a 16-bit length. Within 65535
	 * octets it always does (an expanded name must appear earlier in the
	 * message); this guards the uint16_t fields all the same.
	 */
	if (len > DNS_RDATA_MAXLEN)
		return XDPDNS_EBAD_RDATA;
	rr.rdata_len = (uint16_t)len;
	*pos = rr.rdata_offset + rr.rdlength;

	if (rr.type == DNS_TYPE_OPT) {
		err = take_opt(msg, &rr, section, index_in_section);
		if (err)
			return err;
		return 0;
	}
	msg->arena_len += rr.owner_len;
	if (dns_rdata_has_names(rr.type))
		msg->arena_len += rr.rdata_len;
	msg->rr[msg->rr_count++] = rr;
	return 0;
}

int dns_msg_parse(struct dns_msg *msg, const uint8_t *wire, size_t len)
{
	size_t counts[4], pos = DNS_HEADER_LEN, total;
	int err;

	reset(msg);
	msg->wire = wire;
	msg->wire_len = len;
	if (len < DNS_HEADER_LEN)
		return XDPDNS_ETRUNCATED;
	if (len > DNS_MSG_MAXLEN)
		return XDPDNS_EMALFORMED;
	msg->id = dns_hdr_id(wire);
	msg->flags = dns_hdr_flags(wire);
	counts[0] = dns_hdr_qdcount(wire);
	counts[1] = dns_hdr_ancount(wire);
	counts[2] = dns_hdr_nscount(wire);
	counts[3] = dns_hdr_arcount(wire);
	total = counts[1] + counts[2] + counts[3];
	/* Counts that the message cannot hold are rejected before any work. */
	if (DNS_HEADER_LEN + counts[0] * MIN_QUESTION_LEN + total * MIN_RR_LEN >
	    len)
		return XDPDNS_EBAD_COUNT;

	err = grow((void **)&msg->q_store, &msg->q_cap, counts[0],
		   sizeof(*msg->q_store));
	if (!err)
		err = grow((void **)&msg->rr, &msg->rr_cap, total,
			   sizeof(*msg->rr));
	if (err)
		return err;
	msg->question = msg->q_store;

	for (size_t i = 0; i < counts[0]; i++) {
		err = grow((void **)&msg->arena, &msg->arena_cap,
			   msg->arena_len + DNS_NAME_MAXLEN, 1);
		if (err)
			goto fail;
		err = parse_question(msg, &pos);
		if (err)
			goto fail;
	}
	for (int s = 0; s < DNS_SECTION_COUNT; s++) {
		msg->section_first[s] = msg->rr_count;
		for (size_t i = 0; i < counts[s + 1]; i++) {
			/* Worst case growth of this RR, checked before. */
			err = grow((void **)&msg->arena, &msg->arena_cap,
				   msg->arena_len + ARENA_SLACK +
					   (len - pos), 1);
			if (err)
				goto fail;
			err = parse_rr(msg, &pos, s, (int)i);
			if (err)
				goto fail;
		}
		msg->section_count[s] = msg->rr_count - msg->section_first[s];
	}
	if (pos != len) {
		err = XDPDNS_ETRAILING;
		goto fail;
	}
	msg->end = pos;
	msg->rcode = dns_hdr_rcode(wire);
	if (msg->has_opt)
		msg->rcode |= (uint16_t)msg->edns.ext_rcode << 4;
	set_views(msg);
	return 0;
fail:
	reset(msg);
	return err;
}
