// SPDX-License-Identifier: GPL-2.0
/* Per-query work caps of the validator: counting and the limit verdict. */
#include <string.h>

#include "dns/edns.h"
#include "dnssec/limits.h"
#include "util/error.h"

void val_limits_default(struct val_limits *lim)
{
	lim->max_rrsigs_per_rrset = VAL_DEFAULT_MAX_RRSIGS;
	lim->max_keys_per_tag = VAL_DEFAULT_MAX_KEYS_PER_TAG;
	lim->max_verifications = VAL_DEFAULT_MAX_VERIFICATIONS;
	lim->max_nsec3_hashes = VAL_DEFAULT_MAX_NSEC3_HASHES;
	lim->max_nsec3_iterations = VAL_DEFAULT_MAX_NSEC3_ITERATIONS;
	lim->max_chain_links = VAL_DEFAULT_MAX_CHAIN_LINKS;
	lim->max_zone_depth = VAL_DEFAULT_MAX_ZONE_DEPTH;
	lim->clock_skew = 0;
}

void val_budget_init(struct val_budget *b, const struct val_limits *lim)
{
	memset(b, 0, sizeof(*b));
	if (lim)
		b->lim = *lim;
	else
		val_limits_default(&b->lim);
}

int val_budget_take_verify(struct val_budget *b)
{
	if (b->verifications >= b->lim.max_verifications) {
		if (!b->exceeded)
			b->exceeded = "signature verifications per query";
		return XDPDNS_ELIMIT;
	}
	b->verifications++;
	return 0;
}

int val_budget_take_hash(struct val_budget *b)
{
	if (b->nsec3_hashes >= b->lim.max_nsec3_hashes) {
		if (!b->exceeded)
			b->exceeded = "NSEC3 hash computations per query";
		return XDPDNS_ELIMIT;
	}
	b->nsec3_hashes++;
	return 0;
}

enum val_status val_budget_fail(struct val_budget *b, struct val_result *r,
				const char *what)
{
	if (!b->exceeded)
		b->exceeded = what;
	return val_result_set(r, VAL_BOGUS, DNS_EDE_DNSSEC_BOGUS, "limit: %s",
			      what);
}
