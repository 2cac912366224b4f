/* SPDX-License-Identifier: GPL-2.0 */
/* Denial of existence with NSEC3 (RFC 5155 8, RFC 9276 limits). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dnssec/limits.h"
#include "dnssec/nsec.h"
#include "dnssec/verdict.h"

#define VAL_NSEC3_FLAG_OPTOUT 0x01

/**
 * struct val_nsec3 - fields of one NSEC3 record (views into its RDATA).
 * @hash_alg, @flags, @iterations: RFC 5155 3.1 fields.
 * @salt, @salt_len:     the salt.
 * @next, @next_len:     next hashed owner name (raw octets).
 * @bitmap, @bitmap_len: the type bitmap.
 * @owner_hash:          the owner's first label decoded from base32hex.
 * @owner_hash_len:      its length (0 when it does not decode).
 */
struct val_nsec3 {
	uint8_t hash_alg;
	uint8_t flags;
	uint16_t iterations;
	const uint8_t *salt;
	size_t salt_len;
	const uint8_t *next;
	size_t next_len;
	const uint8_t *bitmap;
	size_t bitmap_len;
	uint8_t owner_hash[64];
	size_t owner_hash_len;
};

/**
 * val_nsec3_parse() - split an NSEC3 record.
 * @rr:  the record.
 * @out: receives the fields.
 * Return: 0, XDPDNS_EBAD_RDATA (malformed), XDPDNS_ESYNTAX (owner label not
 * base32hex).
 */
int val_nsec3_parse(const struct dns_rr *rr, struct val_nsec3 *out);

/**
 * val_nsec3_nxdomain() - RFC 5155 8.4: closest encloser proof, next closer
 * name covered, wildcard at the closest encloser covered.
 * @d:     validated NSEC3 records of the zone @d->zone.
 * @qname: the name said not to exist.
 * @b:     the query's budget (every hash counted).
 * @r:     receives the verdict.
 *
 * NSEC3 records with an unknown hash algorithm are ignored (RFC 5155 8.1);
 * flags other than opt-out are ignored. If a record needed for the proof
 * has more iterations than lim.max_nsec3_iterations the answer is Insecure
 * with EDE 27 (RFC 9276 3.2). If the next closer name is covered by an
 * opt-out record the name may be an unsigned delegation: Insecure, never a
 * Secure NXDOMAIN (RFC 5155 8.4 with 6: opt-out spans prove nothing about
 * unsigned delegations).
 * Return: VAL_SECURE, VAL_INSECURE or VAL_BOGUS.
 */
enum val_status val_nsec3_nxdomain(const struct val_denial *d,
				   const uint8_t *qname, struct val_budget *b,
				   struct val_result *r);

/**
 * val_nsec3_nodata() - RFC 5155 8.5-8.7: a matching NSEC3 without the type
 * and CNAME; for DS a closest encloser proof whose next closer is covered
 * by opt-out (Insecure, 8.6); the wildcard no data case (8.7).
 * Return: VAL_SECURE, VAL_INSECURE or VAL_BOGUS.
 */
enum val_status val_nsec3_nodata(const struct val_denial *d,
				 const uint8_t *qname, uint16_t qtype,
				 struct val_budget *b, struct val_result *r);

/**
 * val_nsec3_wildcard() - RFC 5155 8.8: the next closer name of a wildcard
 * expansion with @labels labels in the closest encloser is covered.
 * Return: VAL_SECURE, VAL_INSECURE (opt-out span or iterations) or
 * VAL_BOGUS.
 */
enum val_status val_nsec3_wildcard(const struct val_denial *d,
				   const uint8_t *qname, unsigned int labels,
				   struct val_budget *b, struct val_result *r);

/**
 * val_nsec3_cut() - classify @name from the NSEC3s of a no-DS answer
 * (RFC 5155 8.5, 8.6).
 * @cut: receives NONE (no delegation), INSECURE (matching NSEC3 with NS and
 *       without DS, or next closer in an opt-out span).
 * Return: VAL_SECURE (classification valid), VAL_INSECURE (iterations over
 * the limit: treat as an insecure cut), VAL_BOGUS.
 */
enum val_status val_nsec3_cut(const struct val_denial *d, const uint8_t *name,
			      enum val_cut *cut, struct val_budget *b,
			      struct val_result *r);
