// SPDX-License-Identifier: GPL-2.0
/* Base32hex encoding and decoding without padding (RFC 4648 7, RFC 5155 3.3). */
#include <errno.h>

#include "dnssec/base32hex.h"
#include "util/error.h"

static const char alphabet[] = "0123456789abcdefghijklmnopqrstuv";

int dnssec_base32hex_encode(const uint8_t *in, size_t len, char *out,
			    size_t out_size)
{
	size_t need = DNSSEC_BASE32HEX_LEN(len), i, o = 0;
	uint32_t acc = 0;
	unsigned int bits = 0;

	if ((!in && len) || !out)
		return -EINVAL;
	if (out_size < need + 1 || need > 0x7fffffff)
		return XDPDNS_ESPACE;
	for (i = 0; i < len; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[o++] = alphabet[(acc >> bits) & 31];
		}
	}
	/* The last group is padded with zero bits on the right. */
	if (bits)
		out[o++] = alphabet[(acc << (5 - bits)) & 31];
	out[o] = '\0';
	return (int)o;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'v')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'V')
		return c - 'A' + 10;
	return -1;
}

int dnssec_base32hex_decode(const char *in, size_t len, uint8_t *out,
			    size_t out_size)
{
	size_t i, o = 0, rem = len % 8;
	uint32_t acc = 0;
	unsigned int bits = 0;
	int v;

	if ((!in && len) || (!out && len))
		return -EINVAL;
	/* 8 characters carry 5 octets; a tail of 2, 4, 5 or 7 characters
	 * carries 1, 2, 3 or 4 octets; 1, 3 and 6 carry nothing whole. */
	if (rem == 1 || rem == 3 || rem == 6)
		return XDPDNS_ESYNTAX;
	if (len * 5 / 8 > out_size || len * 5 / 8 > 0x7fffffff)
		return XDPDNS_ESPACE;
	for (i = 0; i < len; i++) {
		v = digit_value(in[i]);
		if (v < 0)
			return XDPDNS_ESYNTAX;
		acc = (acc << 5) | (uint32_t)v;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
		}
		acc &= (1u << bits) - 1;
	}
	/* Leftover bits are padding and must be zero (canonical encoding). */
	if (acc != 0)
		return XDPDNS_ESYNTAX;
	return (int)o;
}
