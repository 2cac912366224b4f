/* SPDX-License-Identifier: GPL-2.0 */
/* Denial of existence with NSEC (RFC 4035 3.1.3, 5.4; RFC 6840 4). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/message.h"
#include "dnssec/limits.h"
#include "dnssec/verdict.h"

#define VAL_DENIAL_MAX 32

/**
 * struct val_denial - NSEC or NSEC3 records a proof may use.
 * @zone:        the zone whose records they are (their RRSIG signer).
 * @nsec:        NSEC records, each already validated by the caller.
 * @nsec_count:  how many.
 * @nsec3:       NSEC3 records, each already validated by the caller.
 * @nsec3_count: how many.
 * The records are borrowed from a parsed message.
 */
struct val_denial {
	const uint8_t *zone;
	const struct dns_rr *nsec[VAL_DENIAL_MAX];
	size_t nsec_count;
	const struct dns_rr *nsec3[VAL_DENIAL_MAX];
	size_t nsec3_count;
};

/**
 * enum val_cut - what a DS lookup proved about a name below a zone.
 * @VAL_CUT_NONE:     the name is not a delegation (exists without NS, is an
 *                    empty non-terminal, or does not exist).
 * @VAL_CUT_SECURE:   a signed DS RRset exists: a secure delegation.
 * @VAL_CUT_INSECURE: a delegation proven to have no DS (or covered by an
 *                    NSEC3 opt-out span): everything below is Insecure.
 */
enum val_cut {
	VAL_CUT_NONE = 0,
	VAL_CUT_SECURE = 1,
	VAL_CUT_INSECURE = 2,
};

/**
 * val_nsec_covers() - does the NSEC span owner..next hold @name strictly
 * inside, in canonical order (RFC 4034 6.1)? The last NSEC of a zone,
 * whose next name is the apex, covers everything after its owner.
 * @owner: NSEC owner.  @next: NSEC next domain name.  @name: the name.
 * Return: true when covered.
 */
bool val_nsec_covers(const uint8_t *owner, const uint8_t *next,
		     const uint8_t *name);

/**
 * val_nsec_nxdomain() - RFC 4035 5.4 name error proof: an NSEC covers
 * @qname, and one covers the wildcard at the closest encloser.
 * @d:     the validated NSEC records.
 * @qname: the name said not to exist.
 * @r:     receives the verdict.
 *
 * NSECs whose owner is an ancestor of @qname with DNAME, or NS without SOA
 * (a delegation seen from the parent) are not used (RFC 6840 4.1).
 * Return: VAL_SECURE or VAL_BOGUS (EDE 12).
 */
enum val_status val_nsec_nxdomain(const struct val_denial *d,
				  const uint8_t *qname, struct val_result *r);

/**
 * val_nsec_nodata() - RFC 4035 5.4 no data proof for (@qname, @qtype):
 * a matching NSEC without the type and without CNAME; or @qname an empty
 * non-terminal (an NSEC covering it whose next name is below it, RFC 4035
 * 3.1.3.2); or the wildcard no data case (qname covered, matching NSEC at
 * the wildcard of the closest encloser without the type).
 * An NSEC with NS and no SOA (parent side of a cut) proves nothing about
 * types other than DS; one with SOA cannot deny a DS (it is the child's).
 * Return: VAL_SECURE or VAL_BOGUS.
 */
enum val_status val_nsec_nodata(const struct val_denial *d,
				const uint8_t *qname, uint16_t qtype,
				struct val_result *r);

/**
 * val_nsec_wildcard() - proof that a wildcard expansion was legitimate
 * (RFC 4035 5.3.4): an NSEC covers @qname and shows no name closer than
 * the @labels rightmost labels exists.
 * Return: VAL_SECURE or VAL_BOGUS.
 */
enum val_status val_nsec_wildcard(const struct val_denial *d,
				  const uint8_t *qname, unsigned int labels,
				  struct val_result *r);

/**
 * val_nsec_cut() - classify @name from the NSECs of a no-DS answer.
 * @d:    validated NSECs from the parent zone.
 * @name: the name whose DS was asked.
 * @cut:  receives the classification on Secure.
 * @r:    receives the verdict.
 * Return: VAL_SECURE (with @cut NONE or INSECURE) or VAL_BOGUS.
 */
enum val_status val_nsec_cut(const struct val_denial *d, const uint8_t *name,
			     enum val_cut *cut, struct val_result *r);
