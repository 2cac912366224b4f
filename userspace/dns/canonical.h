/* SPDX-License-Identifier: GPL-2.0 */
/* DNSSEC canonical form (RFC 4034 6, RFC 6840 5.1) and RRset ordering. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/**
 * struct dns_rdata_view - a view of one record's RDATA.
 * @data: uncompressed RDATA (canonical form when sorting).
 * @len:  its length.
 */
struct dns_rdata_view {
	const uint8_t *data;
	uint16_t len;
};

/**
 * dns_canonical_rdata() - canonical form of uncompressed RDATA.
 * @type:  RR type.
 * @rdata: uncompressed RDATA (as in struct dns_rr.rdata).
 * @len:   its length.
 * @out:   receives the canonical RDATA; @len bytes (names never grow).
 *         May equal @rdata to convert in place.
 * @cap:   size of @out.
 *
 * Names inside RDATA are lowercased only for the types of RFC 4034 6.2
 * as amended by RFC 6840 5.1 (NS, MD, MF, CNAME, SOA, MB, MG, MR, PTR,
 * MINFO, MX, RP, AFSDB, RT, SIG, PX, NXT, NAPTR, KX, SRV, DNAME, A6);
 * RRSIG's signer name and NSEC's next name are kept as they are, and
 * unknown types are opaque.
 *
 * Return: the length (== @len), XDPDNS_ESPACE, or XDPDNS_EBAD_RDATA.
 */
int dns_canonical_rdata(uint16_t type, const uint8_t *rdata, size_t len,
			uint8_t *out, size_t cap);

/**
 * dns_canonical_rr() - one RR in the canonical form signed by an RRSIG
 * (RFC 4034 3.1.8.1 and 6.2): owner | type | class | TTL | RDLENGTH | RDATA.
 * @owner:     owner name as it goes into the signature, already reduced
 *             for wildcards by the caller ("*." + the rightmost Labels
 *             labels); lowercased here.
 * @type, @rclass: the fields.
 * @orig_ttl:  the RRSIG's Original TTL.
 * @rdata, @rdlen: uncompressed RDATA.
 * @out:       output; owner length + 10 + @rdlen bytes.
 * @cap:       its size.
 * Return: bytes written, XDPDNS_ESPACE, or XDPDNS_EBAD_RDATA.
 */
int dns_canonical_rr(const uint8_t *owner, uint16_t type, uint16_t rclass,
		     uint32_t orig_ttl, const uint8_t *rdata, size_t rdlen,
		     uint8_t *out, size_t cap);

/**
 * dns_canonical_rdata_compare() - order of two canonical RDATA (RFC 4034
 * 6.3): left-justified octet strings, a shorter prefix sorts first.
 * Return: <0, 0, >0.
 */
int dns_canonical_rdata_compare(const struct dns_rdata_view *a,
				const struct dns_rdata_view *b);

/**
 * dns_canonical_sort() - sort canonical RDATA views of one RRset and drop
 * duplicates (RFC 4034 6.3: an RRset must not contain them; identical
 * canonical RDATA counts once in a signature).
 * @views: the views, rearranged in place.
 * @count: how many.
 * Return: the count after removing duplicates.
 */
size_t dns_canonical_sort(struct dns_rdata_view *views, size_t count);
