/* SPDX-License-Identifier: GPL-2.0 */
/* DNSKEY key tag computation (RFC 4034 Appendix B); no crypto library. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/**
 * dnssec_keytag() - key tag of a DNSKEY RDATA.
 * @rdata: DNSKEY RDATA in wire form (flags, protocol, algorithm, key).
 * @len:   its length.
 * @tag:   out: the key tag.
 *
 * For every algorithm but 1 the tag is the ones'-complement-like sum of
 * RFC 4034 Appendix B over the whole RDATA. For algorithm 1 (RSA/MD5) it
 * is, per Appendix B.1, the most significant 16 of the least significant
 * 24 bits of the modulus, i.e. the third- and second-to-last octets of the
 * RDATA (RFC 3110 puts the modulus last).
 *
 * Return: 0; XDPDNS_ETRUNCATED when @len < 4 (or < 7 for algorithm 1,
 * which needs 3 key octets); XDPDNS_EBAD_RDATA when @len > 65535;
 * -EINVAL when @rdata or @tag is NULL.
 */
int dnssec_keytag(const uint8_t *rdata, size_t len, uint16_t *tag);
