// SPDX-License-Identifier: GPL-2.0
/* DNSKEY key tag computation (RFC 4034 Appendix B). */
#include <errno.h>

#include "dnssec/keytag.h"
#include "util/error.h"

/* DNSKEY RDATA: flags (2), protocol (1), algorithm (1), public key. */
#define DNSKEY_FIXED_LEN 4
#define DNSKEY_ALG_OFFSET 3

int dnssec_keytag(const uint8_t *rdata, size_t len, uint16_t *tag)
{
	uint32_t acc = 0;
	size_t i;

	if (!rdata || !tag)
		return -EINVAL;
	if (len < DNSKEY_FIXED_LEN)
		return XDPDNS_ETRUNCATED;
	if (len > 65535)
		return XDPDNS_EBAD_RDATA;

	if (rdata[DNSKEY_ALG_OFFSET] == 1) {
		/* Appendix B.1: bits 8..23 of the modulus, which ends the RDATA. */
		if (len < DNSKEY_FIXED_LEN + 3)
			return XDPDNS_ETRUNCATED;
		*tag = (uint16_t)(rdata[len - 3] << 8 | rdata[len - 2]);
		return 0;
	}

	/*
	 * Appendix B: even octets are the high byte, odd the low byte of
	 * 16-bit words summed into 32 bits; fold the carry once. RDATA is at
	 * most 65535 octets, so 32767 words of 0xffff cannot overflow 32 bits.
	 */
	for (i = 0; i < len; i++)
		acc += (i & 1) ? rdata[i] : (uint32_t)rdata[i] << 8;
	acc += acc >> 16;
	*tag = (uint16_t)(acc & 0xffff);
	return 0;
}
