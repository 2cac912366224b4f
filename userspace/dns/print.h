/* SPDX-License-Identifier: GPL-2.0 */
/* Presentation format of records, as dig prints them on one line. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "dns/message.h"

/**
 * dns_print_rdata() - presentation format of RDATA.
 * @type:  RR type.
 * @rdata: uncompressed RDATA.
 * @len:   its length.
 * @out:   output buffer.
 * @cap:   its size.
 *
 * Known types use their standard presentation (RFC 1035, 3596, 4034,
 * 5155, 2782): names absolute with escapes, TXT strings quoted with \" \\
 * and \DDD, DNSKEY/RRSIG keys and signatures in unbroken base64, RRSIG
 * times as YYYYMMDDHHmmSS, DS digests and NSEC3 salts as upper-case hex
 * ("-" for an empty salt), NSEC3 next hashes in upper-case base32hex
 * without padding, type bitmaps as mnemonics. Anything else, and RDATA
 * that fails its type's checks, is printed in RFC 3597 form "\# LEN HEX"
 * (upper-case hex, "\# 0" when empty).
 *
 * Return: the string length (NUL written) or XDPDNS_ESPACE.
 */
int dns_print_rdata(uint16_t type, const uint8_t *rdata, size_t len,
		    char *out, size_t cap);

/**
 * dns_print_rr() - one record as "owner TTL CLASS TYPE RDATA".
 * @rr:  a parsed record (or one filled in by hand: owner, ttl, rclass,
 *       type, rdata, rdata_len are used).
 * @out: output buffer.
 * @cap: its size.
 * Fields are separated by one space, e.g.
 * "example.com. 300 IN A 192.0.2.1".
 * Return: the string length (NUL written) or XDPDNS_ESPACE.
 */
int dns_print_rr(const struct dns_rr *rr, char *out, size_t cap);

/**
 * dns_print_base64() - RFC 4648 base64 with padding.
 * Return: the string length (NUL written) or XDPDNS_ESPACE.
 */
int dns_print_base64(const uint8_t *data, size_t len, char *out, size_t cap);

/**
 * dns_print_base32hex() - RFC 4648 base32 "extended hex" alphabet, upper
 * case, no padding (the NSEC3 presentation, RFC 5155 3.3).
 * Return: the string length (NUL written) or XDPDNS_ESPACE.
 */
int dns_print_base32hex(const uint8_t *data, size_t len, char *out,
			size_t cap);

/**
 * dns_print_hex() - upper-case hex.
 * Return: the string length (NUL written) or XDPDNS_ESPACE.
 */
int dns_print_hex(const uint8_t *data, size_t len, char *out, size_t cap);
