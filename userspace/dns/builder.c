// SPDX-License-Identifier: GPL-2.0
/* Building DNS messages: name compression, size limit, truncation. */
#include <errno.h>
#include <string.h>

#include "dns/message.h"
#include "util/error.h"

/* Offsets a compression pointer can reach (14 bits). */
#define COMPRESS_MAX_OFFSET 0x3fff

static size_t room(const struct dns_builder *b)
{
	size_t lim = b->limit < b->cap ? b->limit : b->cap;

	if (b->len + b->reserve >= lim)
		return 0;
	return lim - b->len - b->reserve;
}

int dns_builder_init(struct dns_builder *b, uint8_t *buf, size_t cap,
		     size_t limit, uint16_t id, uint16_t flags)
{
	memset(b, 0, sizeof(*b));
	b->buf = buf;
	b->cap = cap;
	b->limit = limit ? limit : cap;
	b->section = -1;
	if (cap < DNS_HEADER_LEN || b->limit < DNS_HEADER_LEN)
		return XDPDNS_ESPACE;
	memset(buf, 0, DNS_HEADER_LEN);
	dns_hdr_set_id(buf, id);
	dns_hdr_set_flags(buf, flags);
	b->len = DNS_HEADER_LEN;
	return 0;
}

int dns_builder_reserve(struct dns_builder *b, size_t len)
{
	size_t lim = b->limit < b->cap ? b->limit : b->cap;

	if (b->len + b->reserve + len > lim)
		return XDPDNS_ESPACE;
	b->reserve += len;
	return 0;
}

/*
 * Whether the name written at @off in the output (labels, possibly ending
 * in a pointer the builder wrote itself) is octet for octet @suffix.
 * Matching exactly, not ignoring case, keeps every name's case as given
 * (RFC 4343 case preservation; the question must echo the query's case).
 */
static bool wire_matches(const struct dns_builder *b, size_t off,
			 const uint8_t *suffix)
{
	for (int hops = 0; hops < DNS_NAME_MAXLEN; hops++) {
		uint8_t c = b->buf[off];

		if ((c & 0xc0) == 0xc0) {
			off = (size_t)(c & 0x3f) << 8 | b->buf[off + 1];
			continue;
		}
		if (c != *suffix || memcmp(b->buf + off + 1, suffix + 1, c))
			return false;
		if (c == 0)
			return true;
		off += 1 + c;
		suffix += 1 + c;
	}
	return false;
}

static int find_suffix(const struct dns_builder *b, const uint8_t *suffix)
{
	for (unsigned int i = 0; i < b->comp_count; i++)
		if (wire_matches(b, b->comp_off[i], suffix))
			return b->comp_off[i];
	return -1;
}

/* Write @name at the end of the output, compressed when @compress. */
static int put_name(struct dns_builder *b, const uint8_t *name, bool compress)
{
	const uint8_t *p = name;
	size_t start = b->len;
	uint16_t added[DNS_NAME_MAXLABELS];
	unsigned int nadded = 0;

	while (*p) {
		int target = compress ? find_suffix(b, p) : -1;

		if (target >= 0) {
			if (room(b) < 2)
				goto nospace;
			dns_put16(b->buf + b->len, (uint16_t)(0xc000 | target));
			b->len += 2;
			goto done;
		}
		if (room(b) < 1 + (size_t)*p)
			goto nospace;
		if (compress && b->len <= COMPRESS_MAX_OFFSET &&
		    nadded < DNS_NAME_MAXLABELS)
			added[nadded++] = (uint16_t)b->len;
		memcpy(b->buf + b->len, p, 1 + (size_t)*p);
		b->len += 1 + (size_t)*p;
		p += 1 + *p;
	}
	if (room(b) < 1)
		goto nospace;
	b->buf[b->len++] = 0;
done:
	/* Remember where each written label sequence starts, for later names. */
	for (unsigned int i = 0; i < nadded && b->comp_count < DNS_COMPRESS_MAX;
	     i++)
		b->comp_off[b->comp_count++] = added[i];
	return 0;
nospace:
	b->len = start;
	return XDPDNS_ESPACE;
}

int dns_builder_question(struct dns_builder *b, const uint8_t *name,
			 uint16_t qtype, uint16_t qclass)
{
	size_t start = b->len;
	unsigned int comp = b->comp_count;
	int err;

	if (b->section >= 0)
		return -EINVAL;
	err = put_name(b, name, true);
	if (err)
		return err;
	if (room(b) < 4) {
		b->len = start;
		b->comp_count = comp;
		return XDPDNS_ESPACE;
	}
	dns_put16(b->buf + b->len, qtype);
	dns_put16(b->buf + b->len + 2, qclass);
	b->len += 4;
	b->counts[0]++;
	return 0;
}

/* RDATA names of RFC 1035 types are compressed; all else is copied. */
static int put_rdata(struct dns_builder *b, uint16_t type,
		     const uint8_t *rdata, size_t rdlen)
{
	uint16_t offs[4];
	uint8_t kinds[4];
	size_t from = 0;
	int n = dns_rdata_name_offsets(type, rdata, rdlen, offs, kinds);

	for (int i = 0; i < n; i++) {
		size_t nlen = dns_name_length(rdata + offs[i]);

		if (room(b) < offs[i] - from)
			return XDPDNS_ESPACE;
		memcpy(b->buf + b->len, rdata + from, offs[i] - from);
		b->len += offs[i] - from;
		if (put_name(b, rdata + offs[i], kinds[i] == DNS_RDF_NAME_C))
			return XDPDNS_ESPACE;
		from = offs[i] + nlen;
	}
	if (room(b) < rdlen - from)
		return XDPDNS_ESPACE;
	memcpy(b->buf + b->len, rdata + from, rdlen - from);
	b->len += rdlen - from;
	return 0;
}

int dns_builder_rr(struct dns_builder *b, enum dns_section section,
		   const uint8_t *owner, uint16_t type, uint16_t rclass,
		   uint32_t ttl, const uint8_t *rdata, size_t rdlen)
{
	size_t start = b->len, rdstart;
	unsigned int comp = b->comp_count;
	int err;

	if ((int)section < b->section || section >= DNS_SECTION_COUNT)
		return -EINVAL;
	err = dns_rdata_check(type, rdata, rdlen);
	if (err)
		return XDPDNS_EBAD_RDATA;
	b->section = section;
	err = put_name(b, owner, true);
	if (err)
		goto undo;
	err = XDPDNS_ESPACE;
	if (room(b) < DNS_RR_FIXED_LEN)
		goto undo;
	dns_put16(b->buf + b->len, type);
	dns_put16(b->buf + b->len + 2, rclass);
	dns_put32(b->buf + b->len + 4, ttl);
	b->len += DNS_RR_FIXED_LEN;
	rdstart = b->len;
	err = put_rdata(b, type, rdata, rdlen);
	if (err || b->len - rdstart > DNS_RDATA_MAXLEN)
		goto undo;
	dns_put16(b->buf + rdstart - 2, (uint16_t)(b->len - rdstart));
	b->counts[1 + section]++;
	return 0;
undo:
	b->len = start;
	b->comp_count = comp;
	return err ? err : XDPDNS_ESPACE;
}

int dns_builder_rrset(struct dns_builder *b, enum dns_section section,
		      const struct dns_rr *rrs, size_t count)
{
	size_t start = b->len;
	unsigned int comp = b->comp_count;
	uint16_t saved = b->counts[1 + section];
	int err = 0;

	/* After a required set was dropped, a partial answer must not grow. */
	if (b->truncated && dns_hdr_flags(b->buf) & DNS_FLAG_TC)
		return XDPDNS_ESPACE;
	for (size_t i = 0; i < count && !err; i++)
		err = dns_builder_rr(b, section, rrs[i].owner, rrs[i].type,
				     rrs[i].rclass, rrs[i].ttl, rrs[i].rdata,
				     rrs[i].rdata_len);
	if (!err)
		return 0;
	b->len = start;
	b->comp_count = comp;
	b->counts[1 + section] = saved;
	if (err != XDPDNS_ESPACE)
		return err;
	b->truncated = true;
	/* RFC 2181 9: TC only when a set needed in the answer was dropped. */
	if (section != DNS_SECTION_ADDITIONAL)
		dns_hdr_set_flags(b->buf, dns_hdr_flags(b->buf) | DNS_FLAG_TC);
	return XDPDNS_ESPACE;
}

int dns_builder_opt(struct dns_builder *b, const struct dns_edns *edns)
{
	size_t need = DNS_OPT_FIXED_LEN + edns->options_len;
	uint8_t *p;

	b->reserve = 0;
	if (room(b) < need)
		return XDPDNS_ESPACE;
	b->section = DNS_SECTION_ADDITIONAL;
	p = b->buf + b->len;
	p[0] = 0;
	dns_put16(p + 1, DNS_TYPE_OPT);
	dns_put16(p + 3, edns->udp_size);
	dns_put32(p + 5, dns_edns_ttl(edns));
	dns_put16(p + 9, edns->options_len);
	if (edns->options_len)
		memcpy(p + DNS_OPT_FIXED_LEN, edns->options, edns->options_len);
	b->len += need;
	b->counts[3]++;
	return 0;
}

size_t dns_builder_finish(struct dns_builder *b)
{
	for (int i = 0; i < 4; i++)
		dns_put16(b->buf + 4 + 2 * i, b->counts[i]);
	return b->len;
}

static bool same_set(const struct dns_rr *a, const struct dns_rr *b)
{
	return a->type == b->type && a->rclass == b->rclass &&
	       dns_name_equal(a->owner, b->owner);
}

int dns_msg_write(const struct dns_msg *msg, struct dns_builder *b)
{
	int err;

	if (msg->has_opt) {
		err = dns_builder_reserve(b, DNS_OPT_FIXED_LEN +
						     msg->edns.options_len);
		if (err)
			return err;
	}
	for (size_t i = 0; i < msg->qdcount; i++) {
		const struct dns_question *q = &msg->question[i];

		err = dns_builder_question(b, q->name, q->qtype, q->qclass);
		if (err)
			return err;
	}
	for (int s = 0; s < DNS_SECTION_COUNT; s++) {
		size_t n;
		const struct dns_rr *rr = dns_msg_section(msg, s, &n);

		/* Consecutive records of one RRset are written as a unit. */
		for (size_t i = 0; i < n;) {
			size_t j = i + 1;

			while (j < n && same_set(&rr[i], &rr[j]))
				j++;
			err = dns_builder_rrset(b, s, rr + i, j - i);
			if (err && err != XDPDNS_ESPACE)
				return err;
			i = j;
		}
	}
	if (msg->has_opt)
		return dns_builder_opt(b, &msg->edns);
	return 0;
}
