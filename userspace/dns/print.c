// SPDX-License-Identifier: GPL-2.0
/* Presentation format of records, as dig prints them on one line. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dns/print.h"
#include "util/error.h"
#include "util/outbuf.h"

static int finish(struct outbuf *o)
{
	if (o->full)
		return XDPDNS_ESPACE;
	o->buf[o->len] = '\0';
	return (int)o->len;
}

int dns_print_hex(const uint8_t *data, size_t len, char *out, size_t cap)
{
	static const char digits[] = "0123456789ABCDEF";

	if (cap < 2 * len + 1)
		return XDPDNS_ESPACE;
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[data[i] >> 4];
		out[2 * i + 1] = digits[data[i] & 15];
	}
	out[2 * len] = '\0';
	return (int)(2 * len);
}

int dns_print_base64(const uint8_t *data, size_t len, char *out, size_t cap)
{
	static const char alpha[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t olen = (len + 2) / 3 * 4, o = 0;

	if (cap < olen + 1)
		return XDPDNS_ESPACE;
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)data[i] << 16;
		size_t left = len - i;

		if (left > 1)
			v |= (uint32_t)data[i + 1] << 8;
		if (left > 2)
			v |= data[i + 2];
		out[o++] = alpha[v >> 18];
		out[o++] = alpha[(v >> 12) & 63];
		out[o++] = left > 1 ? alpha[(v >> 6) & 63] : '=';
		out[o++] = left > 2 ? alpha[v & 63] : '=';
	}
	out[o] = '\0';
	return (int)o;
}

int dns_print_base32hex(const uint8_t *data, size_t len, char *out, size_t cap)
{
	static const char alpha[] = "0123456789ABCDEFGHIJKLMNOPQRSTUV";
	size_t o = 0, bits = 0;
	uint32_t acc = 0;

	if (cap < (len * 8 + 4) / 5 + 1)
		return XDPDNS_ESPACE;
	for (size_t i = 0; i < len; i++) {
		acc = (acc << 8 | data[i]) & 0xffff;
		bits += 8;
		while (bits >= 5) {
			out[o++] = alpha[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits)
		out[o++] = alpha[(acc << (5 - bits)) & 31];
	out[o] = '\0';
	return (int)o;
}

/* Writers appending to a cursor. */
static void put_hex(struct outbuf *o, const uint8_t *d, size_t n)
{
	int r;

	if (o->full)
		return;
	r = dns_print_hex(d, n, o->buf + o->len, o->cap - o->len);
	if (r < 0)
		o->full = true;
	else
		o->len += (size_t)r;
}

static void put_base64(struct outbuf *o, const uint8_t *d, size_t n)
{
	int r;

	if (o->full)
		return;
	r = dns_print_base64(d, n, o->buf + o->len, o->cap - o->len);
	if (r < 0)
		o->full = true;
	else
		o->len += (size_t)r;
}

static void put_name(struct outbuf *o, const uint8_t *name)
{
	int r;

	if (o->full)
		return;
	r = dns_name_to_text(name, o->buf + o->len, o->cap - o->len);
	if (r < 0)
		o->full = true;
	else
		o->len += (size_t)r;
}

static void put_type(struct outbuf *o, uint16_t type)
{
	char t[16];

	dns_type_to_text(type, t, sizeof(t));
	outbuf_printf(o, "%s", t);
}

/* A <character-string> in quotes: \" and \\ escaped, others as \DDD. */
static void put_string(struct outbuf *o, const uint8_t *s, size_t n)
{
	outbuf_printf(o, "\"");
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			outbuf_printf(o, "\\%c", s[i]);
		else if (s[i] >= 0x20 && s[i] < 0x7f)
			outbuf_printf(o, "%c", s[i]);
		else
			outbuf_printf(o, "\\%03u", s[i]);
	}
	outbuf_printf(o, "\"");
}

/* RFC 4034 3.2: times as YYYYMMDDHHmmSS in UTC. */
static void put_time(struct outbuf *o, uint32_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	outbuf_printf(o, "%04d%02d%02d%02d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* Type bitmap (already checked) as " A NS SOA ..." in ascending order. */
static void put_bitmap(struct outbuf *o, const uint8_t *bm, size_t len)
{
	for (size_t i = 0; i + 2 <= len; i += 2 + (size_t)bm[i + 1]) {
		uint8_t window = bm[i], blen = bm[i + 1];

		for (unsigned int b = 0; b < blen * 8u; b++) {
			if (!(bm[i + 2 + b / 8] & (0x80 >> (b % 8))))
				continue;
			outbuf_printf(o, " ");
			put_type(o, (uint16_t)(window << 8 | b));
		}
	}
}

static void put_unknown(struct outbuf *o, const uint8_t *rd, size_t len)
{
	/* RFC 3597 5: \# <length> <hex>. */
	outbuf_printf(o, "\\# %zu", len);
	if (len) {
		outbuf_printf(o, " ");
		put_hex(o, rd, len);
	}
}

/* Types whose presentation is their fields in order: names, numbers,
 * strings. */
static bool put_generic(struct outbuf *o, const struct dns_type_info *ti,
			const uint8_t *rd, size_t len)
{
	size_t pos = 0;

	for (int i = 0; i < DNS_RDF_MAX && ti->fields[i]; i++) {
		uint8_t f = ti->fields[i];

		if (i)
			outbuf_printf(o, " ");
		switch (f) {
		case DNS_RDF_NAME_C:
		case DNS_RDF_NAME_D:
		case DNS_RDF_NAME_U:
			put_name(o, rd + pos);
			pos += dns_name_length(rd + pos);
			break;
		case DNS_RDF_FIX1:
			outbuf_printf(o, "%u", rd[pos]);
			pos += 1;
			break;
		case DNS_RDF_FIX2:
			outbuf_printf(o, "%u", dns_get16(rd + pos));
			pos += 2;
			break;
		case DNS_RDF_FIX4:
			outbuf_printf(o, "%u", dns_get32(rd + pos));
			pos += 4;
			break;
		case DNS_RDF_STR:
			put_string(o, rd + pos + 1, rd[pos]);
			pos += 1 + (size_t)rd[pos];
			break;
		case DNS_RDF_STRS:
			for (bool first = true; pos < len; first = false) {
				if (!first)
					outbuf_printf(o, " ");
				put_string(o, rd + pos + 1, rd[pos]);
				pos += 1 + (size_t)rd[pos];
			}
			break;
		default:
			return false;
		}
	}
	return true;
}

static void put_rdata(struct outbuf *o, uint16_t type, const uint8_t *rd,
		      size_t len)
{
	const struct dns_type_info *ti = dns_type_info(type);
	char addr[INET6_ADDRSTRLEN];
	size_t pos, start = o->len;

	if (!ti || type == DNS_TYPE_OPT || type == DNS_TYPE_NULL ||
	    type == DNS_TYPE_NXT || dns_rdata_check(type, rd, len)) {
		put_unknown(o, rd, len);
		return;
	}
	switch (type) {
	case DNS_TYPE_A:
	case DNS_TYPE_AAAA:
		inet_ntop(type == DNS_TYPE_A ? AF_INET : AF_INET6, rd, addr,
			  sizeof(addr));
		outbuf_printf(o, "%s", addr);
		return;
	case DNS_TYPE_DS:
	case DNS_TYPE_CDS:
		outbuf_printf(o, "%u %u %u ", dns_get16(rd), rd[2], rd[3]);
		put_hex(o, rd + 4, len - 4);
		return;
	case DNS_TYPE_DNSKEY:
	case DNS_TYPE_CDNSKEY:
		outbuf_printf(o, "%u %u %u ", dns_get16(rd), rd[2], rd[3]);
		put_base64(o, rd + 4, len - 4);
		return;
	case DNS_TYPE_RRSIG:
	case DNS_TYPE_SIG:
		put_type(o, dns_get16(rd));
		outbuf_printf(o, " %u %u %u ", rd[2], rd[3], dns_get32(rd + 4));
		put_time(o, dns_get32(rd + 8));
		outbuf_printf(o, " ");
		put_time(o, dns_get32(rd + 12));
		outbuf_printf(o, " %u ", dns_get16(rd + 16));
		put_name(o, rd + DNS_RRSIG_FIXED_LEN);
		pos = DNS_RRSIG_FIXED_LEN + dns_name_length(rd + 18);
		outbuf_printf(o, " ");
		put_base64(o, rd + pos, len - pos);
		return;
	case DNS_TYPE_NSEC:
		put_name(o, rd);
		pos = dns_name_length(rd);
		put_bitmap(o, rd + pos, len - pos);
		return;
	case DNS_TYPE_NSEC3:
	case DNS_TYPE_NSEC3PARAM:
		outbuf_printf(o, "%u %u %u ", rd[0], rd[1], dns_get16(rd + 2));
		if (rd[4])
			put_hex(o, rd + 5, rd[4]);
		else
			outbuf_printf(o, "-"); /* RFC 5155 3.3: empty salt */
		if (type == DNS_TYPE_NSEC3PARAM)
			return;
		pos = 5 + (size_t)rd[4];
		outbuf_printf(o, " ");
		if (!o->full) {
			int r = dns_print_base32hex(rd + pos + 1, rd[pos],
						    o->buf + o->len,
						    o->cap - o->len);

			if (r < 0)
				o->full = true;
			else
				o->len += (size_t)r;
		}
		pos += 1 + (size_t)rd[pos];
		put_bitmap(o, rd + pos, len - pos);
		return;
	}
	if (!put_generic(o, ti, rd, len) && !o->full) {
		o->len = start;
		put_unknown(o, rd, len);
	}
}

int dns_print_rdata(uint16_t type, const uint8_t *rdata, size_t len,
		    char *out, size_t cap)
{
	struct outbuf o = { .buf = out, .cap = cap };

	if (!cap)
		return XDPDNS_ESPACE;
	put_rdata(&o, type, rdata, len);
	return finish(&o);
}

int dns_print_rr(const struct dns_rr *rr, char *out, size_t cap)
{
	struct outbuf o = { .buf = out, .cap = cap };
	char cls[16];

	if (!cap)
		return XDPDNS_ESPACE;
	put_name(&o, rr->owner);
	dns_class_to_text(rr->rclass, cls, sizeof(cls));
	outbuf_printf(&o, " %u %s ", rr->ttl, cls);
	put_type(&o, rr->type);
	outbuf_printf(&o, " ");
	put_rdata(&o, rr->type, rr->rdata, rr->rdata_len);
	return finish(&o);
}
