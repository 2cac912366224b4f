/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers for the DNSSEC crypto tests: presentation data to wire bytes. */
#pragma once

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Decode base64 (RFC 4648 4), skipping white space. Returns the length or
 * -1 on a bad character. Independent of the library under test. */
static inline int tu_base64(const char *in, uint8_t *out, size_t out_size)
{
	static const char set[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;

	for (; *in; in++) {
		const char *p;

		if (isspace((unsigned char)*in))
			continue;
		if (*in == '=')
			break;
		p = strchr(set, *in);
		if (!p)
			return -1;
		acc = acc << 6 | (uint32_t)(p - set);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= out_size)
				return -1;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	return (int)o;
}

/* Decode hex, skipping white space; returns the length or -1. */
static inline int tu_hex(const char *in, uint8_t *out, size_t out_size)
{
	size_t o = 0;
	int hi = -1;

	for (; *in; in++) {
		int v;

		if (isspace((unsigned char)*in))
			continue;
		if (!isxdigit((unsigned char)*in))
			return -1;
		v = isdigit((unsigned char)*in) ? *in - '0' :
						  tolower((unsigned char)*in) - 'a' + 10;
		if (hi < 0) {
			hi = v;
		} else {
			if (o >= out_size)
				return -1;
			out[o++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	return hi < 0 ? (int)o : -1;
}

/* "www.Example.net." -> lower-case wire form; returns the length. */
static inline size_t tu_name(const char *text, uint8_t *out)
{
	size_t o = 0, start;

	while (*text && strcmp(text, ".") != 0) {
		start = o++;
		while (*text && *text != '.')
			out[o++] = (uint8_t)tolower((unsigned char)*text++);
		out[start] = (uint8_t)(o - start - 1);
		if (*text == '.')
			text++;
	}
	out[o++] = 0;
	return o;
}

/* RRSIG time, "YYYYMMDDHHmmSS" or a plain number of seconds (RFC 4034
 * 3.2 allows both) -> seconds since the epoch (UTC). */
static inline uint32_t tu_time(const char *text)
{
	struct tm tm = { 0 };

	if (strlen(text) != 14)
		return (uint32_t)strtoul(text, NULL, 10);

	sscanf(text, "%4d%2d%2d%2d%2d%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	       &tm.tm_hour, &tm.tm_min, &tm.tm_sec);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (uint32_t)timegm(&tm);
}

static inline size_t tu_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return 2;
}

static inline size_t tu_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return 4;
}

/* The fields of an RRSIG, as printed in an RFC example. */
struct tu_rrsig {
	uint16_t type_covered;
	uint8_t algorithm;
	uint8_t labels;
	uint32_t original_ttl;
	const char *expiration;	/* YYYYMMDDHHmmSS */
	const char *inception;
	uint16_t key_tag;
	const char *signer;
};

/*
 * RFC 4034 3.1.8.1: signed data = RRSIG RDATA without the signature, then
 * each RR of the RRset in canonical form (owner | type | class | original
 * TTL | RDLENGTH | RDATA); here the RRset holds one RR. Returns the length.
 */
static inline size_t tu_signed_data(uint8_t *out, const struct tu_rrsig *s,
				    const char *owner, const uint8_t *rdata,
				    size_t rdlen)
{
	size_t o = 0;

	o += tu_put16(out + o, s->type_covered);
	out[o++] = s->algorithm;
	out[o++] = s->labels;
	o += tu_put32(out + o, s->original_ttl);
	o += tu_put32(out + o, tu_time(s->expiration));
	o += tu_put32(out + o, tu_time(s->inception));
	o += tu_put16(out + o, s->key_tag);
	o += tu_name(s->signer, out + o);
	o += tu_name(owner, out + o);
	o += tu_put16(out + o, s->type_covered);
	o += tu_put16(out + o, 1);	/* class IN */
	o += tu_put32(out + o, s->original_ttl);
	o += tu_put16(out + o, (uint16_t)rdlen);
	memcpy(out + o, rdata, rdlen);
	return o + rdlen;
}

/* DNSKEY RDATA from flags, algorithm and the base64 key; returns length. */
static inline int tu_dnskey(uint8_t *out, size_t out_size, uint16_t flags,
			    uint8_t alg, const char *key_b64)
{
	int n;

	tu_put16(out, flags);
	out[2] = 3;
	out[3] = alg;
	n = tu_base64(key_b64, out + 4, out_size - 4);
	return n < 0 ? -1 : n + 4;
}
