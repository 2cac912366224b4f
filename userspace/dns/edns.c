// SPDX-License-Identifier: GPL-2.0
/* EDNS(0) (RFC 6891): the OPT record, its options, EDE, COOKIE, ECS, padding. */
#include <errno.h>
#include <string.h>

#include "dns/edns.h"
#include "util/error.h"

int dns_edns_option_next(const uint8_t *opts, size_t len, size_t *pos,
			 uint16_t *code, const uint8_t **data, uint16_t *dlen)
{
	size_t p = *pos;
	uint16_t l;

	if (p >= len)
		return 0;
	if (len - p < 4)
		return XDPDNS_EBAD_EDNS;
	l = (uint16_t)(opts[p + 2] << 8 | opts[p + 3]);
	if (len - p - 4 < l)
		return XDPDNS_EBAD_EDNS;
	*code = (uint16_t)(opts[p] << 8 | opts[p + 1]);
	*data = opts + p + 4;
	*dlen = l;
	*pos = p + 4 + l;
	return 1;
}

int dns_edns_decode(uint16_t rclass, uint32_t ttl, const uint8_t *rdata,
		    uint16_t rdlen, struct dns_edns *out)
{
	size_t pos = 0;
	uint16_t code, dlen;
	const uint8_t *data;
	int r;

	while ((r = dns_edns_option_next(rdata, rdlen, &pos, &code, &data,
					 &dlen)) > 0)
		;
	if (r < 0)
		return r;
	out->udp_size = rclass;
	out->ext_rcode = ttl >> 24;
	out->version = (ttl >> 16) & 0xff;
	out->flags = ttl & 0xffff;
	out->options = rdata;
	out->options_len = rdlen;
	return 0;
}

int dns_edns_option_find(const struct dns_edns *edns, uint16_t code,
			 const uint8_t **data, uint16_t *dlen)
{
	size_t pos = 0;
	uint16_t c;

	while (dns_edns_option_next(edns->options, edns->options_len, &pos, &c,
				    data, dlen) > 0)
		if (c == code)
			return 1;
	return 0;
}

/* Strict UTF-8 (RFC 3629): no overlongs, surrogates or values past 10FFFF. */
static bool utf8_valid(const uint8_t *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint8_t c = s[i];
		size_t n;
		uint32_t cp, min;

		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			n = 1, cp = c & 0x1f, min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2, cp = c & 0x0f, min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3, cp = c & 0x07, min = 0x10000;
		} else {
			return false;
		}
		if (len - i - 1 < n)
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += n + 1;
	}
	return true;
}

int dns_ede_decode(const uint8_t *data, uint16_t dlen, struct dns_ede *out)
{
	if (dlen < 2)
		return XDPDNS_EBAD_EDNS;
	if (!utf8_valid(data + 2, dlen - 2u))
		return XDPDNS_EBAD_EDNS;
	out->info_code = (uint16_t)(data[0] << 8 | data[1]);
	out->text = (const char *)data + 2;
	out->text_len = dlen - 2u;
	return 0;
}

int dns_ede_find(const struct dns_edns *edns, struct dns_ede *out)
{
	const uint8_t *data;
	uint16_t dlen;
	int err;

	if (!dns_edns_option_find(edns, DNS_EDNS_OPT_EDE, &data, &dlen))
		return 0;
	err = dns_ede_decode(data, dlen, out);
	return err ? err : 1;
}

void dns_edns_writer_init(struct dns_edns_writer *w, uint8_t *buf, size_t cap)
{
	w->buf = buf;
	w->cap = cap;
	w->len = 0;
}

/* Start an option of @dlen data octets; returns where its data goes. */
static uint8_t *option_start(struct dns_edns_writer *w, uint16_t code,
			     size_t dlen)
{
	uint8_t *p;

	if (dlen > 0xffff || w->len + 4 + dlen > w->cap ||
	    w->len + 4 + dlen > 0xffff)
		return NULL;
	p = w->buf + w->len;
	p[0] = code >> 8;
	p[1] = code & 0xff;
	p[2] = (uint8_t)(dlen >> 8);
	p[3] = dlen & 0xff;
	w->len += 4 + dlen;
	return p + 4;
}

int dns_edns_add_option(struct dns_edns_writer *w, uint16_t code,
			const void *data, size_t dlen)
{
	uint8_t *p = option_start(w, code, dlen);

	if (!p)
		return XDPDNS_ESPACE;
	if (dlen)
		memcpy(p, data, dlen);
	return 0;
}

int dns_edns_add_ede(struct dns_edns_writer *w, uint16_t info_code,
		     const char *text)
{
	size_t tlen = text ? strlen(text) : 0;
	uint8_t *p;

	if (!utf8_valid((const uint8_t *)text, tlen))
		return -EINVAL;
	p = option_start(w, DNS_EDNS_OPT_EDE, 2 + tlen);
	if (!p)
		return XDPDNS_ESPACE;
	p[0] = info_code >> 8;
	p[1] = info_code & 0xff;
	if (tlen)
		memcpy(p + 2, text, tlen);
	return 0;
}

int dns_edns_add_cookie(struct dns_edns_writer *w, const uint8_t client[8],
			const uint8_t *server, size_t server_len)
{
	uint8_t *p;

	/* RFC 7873 4: server cookie 8 to 32 octets when present. */
	if ((server && (server_len < 8 || server_len > 32)) ||
	    (!server && server_len))
		return -EINVAL;
	p = option_start(w, DNS_EDNS_OPT_COOKIE, 8 + server_len);
	if (!p)
		return XDPDNS_ESPACE;
	memcpy(p, client, 8);
	if (server_len)
		memcpy(p + 8, server, server_len);
	return 0;
}

int dns_cookie_decode(const uint8_t *data, uint16_t dlen,
		      struct dns_cookie *out)
{
	if (dlen != 8 && (dlen < 16 || dlen > 40))
		return XDPDNS_EBAD_EDNS;
	memcpy(out->client, data, 8);
	out->server = dlen > 8 ? data + 8 : NULL;
	out->server_len = (uint8_t)(dlen - 8);
	return 0;
}

int dns_edns_add_padding(struct dns_edns_writer *w, size_t n)
{
	uint8_t *p = option_start(w, DNS_EDNS_OPT_PADDING, n);

	if (!p)
		return XDPDNS_ESPACE;
	/* RFC 7830 3: the padding octets should be zero. */
	memset(p, 0, n);
	return 0;
}

size_t dns_edns_padding_len(size_t msg_len, size_t block)
{
	size_t total = msg_len + 4;

	if (!block)
		return 0;
	return (block - total % block) % block;
}

static size_t ecs_addr_max(uint16_t family)
{
	return family == 1 ? 4 : family == 2 ? 16 : 0;
}

int dns_edns_add_ecs(struct dns_edns_writer *w, const struct dns_ecs *ecs)
{
	size_t amax = ecs_addr_max(ecs->family), alen;
	uint8_t *p;

	if (!amax || ecs->source_prefix > amax * 8 ||
	    ecs->scope_prefix > amax * 8)
		return -EINVAL;
	alen = (ecs->source_prefix + 7u) / 8;
	p = option_start(w, DNS_EDNS_OPT_ECS, 4 + alen);
	if (!p)
		return XDPDNS_ESPACE;
	p[0] = ecs->family >> 8;
	p[1] = ecs->family & 0xff;
	p[2] = ecs->source_prefix;
	p[3] = ecs->scope_prefix;
	memcpy(p + 4, ecs->addr, alen);
	/* RFC 7871 6: bits past SOURCE PREFIX-LENGTH must be zero. */
	if (ecs->source_prefix % 8)
		p[4 + alen - 1] &= (uint8_t)(0xff << (8 - ecs->source_prefix % 8));
	return 0;
}

int dns_ecs_decode(const uint8_t *data, uint16_t dlen, struct dns_ecs *out)
{
	size_t amax, alen;

	if (dlen < 4)
		return XDPDNS_EBAD_EDNS;
	memset(out, 0, sizeof(*out));
	out->family = (uint16_t)(data[0] << 8 | data[1]);
	out->source_prefix = data[2];
	out->scope_prefix = data[3];
	amax = ecs_addr_max(out->family);
	if (!amax || out->source_prefix > amax * 8 ||
	    out->scope_prefix > amax * 8)
		return XDPDNS_EBAD_EDNS;
	alen = (out->source_prefix + 7u) / 8;
	if (dlen - 4u != alen)
		return XDPDNS_EBAD_EDNS;
	memcpy(out->addr, data + 4, alen);
	if (out->source_prefix % 8 &&
	    (out->addr[alen - 1] & (0xff >> (out->source_prefix % 8))))
		return XDPDNS_EBAD_EDNS;
	return 0;
}
