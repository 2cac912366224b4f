/* SPDX-License-Identifier: GPL-2.0 */
/* Per-query work caps of the validator (KeyTrap, NSEC3 hash floods). */
#pragma once

#include <stdint.h>

#include "dnssec/verdict.h"

/*
 * CVE-2023-50387 (KeyTrap) makes a validator try every RRSIG against every
 * DNSKEY of a colliding key tag; CVE-2023-50868 makes it hash a name many
 * times through NSEC3 closest-encloser proofs. Every validation entry point
 * takes a struct val_budget and stops with Bogus (EDE 6, a reason naming
 * the cap) as soon as a cap would be passed, so that no query stalls.
 */

/**
 * struct val_limits - configurable caps (val_limits_default() fills them).
 * @max_rrsigs_per_rrset: RRSIGs whose signature is tried for one RRset (8).
 * @max_keys_per_tag:     DNSKEYs tried for one RRSIG, i.e. sharing its key
 *                        tag and algorithm (2).
 * @max_verifications:    signature verifications per query, every crypto
 *                        verify call counted (30).
 * @max_nsec3_hashes:     NSEC3 hash computations per query (600).
 * @max_nsec3_iterations: NSEC3 iterations above which a proof is treated
 *                        as Insecure with EDE 27 (RFC 9276 3.2; 150 like
 *                        unbound 1.17).
 * @max_chain_links:      CNAME/DNAME links followed in one answer (12).
 * @max_zone_depth:       zone cuts (and names probed for cuts) walked
 *                        from a trust anchor down to one name (24).
 * @clock_skew:           seconds of tolerance on both ends of an RRSIG
 *                        validity window (0).
 */
struct val_limits {
	unsigned int max_rrsigs_per_rrset;
	unsigned int max_keys_per_tag;
	unsigned int max_verifications;
	unsigned int max_nsec3_hashes;
	unsigned int max_nsec3_iterations;
	unsigned int max_chain_links;
	unsigned int max_zone_depth;
	uint32_t clock_skew;
};

#define VAL_DEFAULT_MAX_RRSIGS 8
#define VAL_DEFAULT_MAX_KEYS_PER_TAG 2
#define VAL_DEFAULT_MAX_VERIFICATIONS 30
#define VAL_DEFAULT_MAX_NSEC3_HASHES 600
#define VAL_DEFAULT_MAX_NSEC3_ITERATIONS 150
#define VAL_DEFAULT_MAX_CHAIN_LINKS 12
#define VAL_DEFAULT_MAX_ZONE_DEPTH 24

/**
 * struct val_budget - what one query has spent so far.
 * @lim:           the caps (copied, so a reload cannot change them midway).
 * @verifications: crypto verify calls made.
 * @nsec3_hashes:  NSEC3 hashes computed.
 * @exceeded:      name of the first cap hit, NULL while none was.
 */
struct val_budget {
	struct val_limits lim;
	unsigned int verifications;
	unsigned int nsec3_hashes;
	const char *exceeded;
};

/**
 * val_limits_default() - fill @lim with the defaults above.
 */
void val_limits_default(struct val_limits *lim);

/**
 * val_budget_init() - start a query's budget.
 * @b:   the budget.
 * @lim: caps to copy; NULL for the defaults.
 */
void val_budget_init(struct val_budget *b, const struct val_limits *lim);

/**
 * val_budget_take_verify() - account for one signature verification.
 * Return: 0 if allowed (and counted), XDPDNS_ELIMIT when the per-query cap
 * is reached (@b->exceeded then names it).
 */
int val_budget_take_verify(struct val_budget *b);

/**
 * val_budget_take_hash() - account for one NSEC3 hash computation.
 * Return: 0 or XDPDNS_ELIMIT, as val_budget_take_verify().
 */
int val_budget_take_hash(struct val_budget *b);

/**
 * val_budget_fail() - mark a cap as hit and fill a Bogus result for it.
 * @b:    the budget.
 * @r:    the result to fill (Bogus, EDE 6, "limit: <what>").
 * @what: the cap, e.g. "8 RRSIGs tried for one RRset".
 * Return: VAL_BOGUS.
 */
enum val_status val_budget_fail(struct val_budget *b, struct val_result *r,
				const char *what);
