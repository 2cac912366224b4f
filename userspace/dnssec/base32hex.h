/* SPDX-License-Identifier: GPL-2.0 */
/* Base32hex without padding (RFC 4648 7), the NSEC3 owner label encoding. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Characters needed for @n octets, not counting a NUL. */
#define DNSSEC_BASE32HEX_LEN(n) (((n) * 8 + 4) / 5)

/**
 * dnssec_base32hex_encode() - encode octets as lower-case base32hex.
 * @in:      the octets (a 20-octet NSEC3 hash gives 32 characters).
 * @len:     their number.
 * @out:     receives DNSSEC_BASE32HEX_LEN(@len) characters and a NUL.
 * @out_size: size of @out.
 *
 * RFC 5155 3.3 writes hashed owner names without padding; so does this.
 *
 * Return: number of characters written (without the NUL), or
 * XDPDNS_ESPACE when @out is too small, -EINVAL on NULL pointers.
 */
int dnssec_base32hex_encode(const uint8_t *in, size_t len, char *out,
			    size_t out_size);

/**
 * dnssec_base32hex_decode() - decode base32hex text (either case).
 * @in:       the characters; no padding, no spaces.
 * @len:      their number.
 * @out:      receives the octets.
 * @out_size: size of @out.
 *
 * Rejects characters outside 0-9, A-V (a-v), lengths that no octet string
 * encodes to (1, 3 or 6 modulo 8), and non-zero unused trailing bits, so
 * that every octet string has exactly one accepted spelling (apart from
 * case).
 *
 * Return: number of octets written, XDPDNS_ESYNTAX on bad input,
 * XDPDNS_ESPACE when @out is too small, -EINVAL on NULL pointers.
 */
int dnssec_base32hex_decode(const char *in, size_t len, uint8_t *out,
			    size_t out_size);
