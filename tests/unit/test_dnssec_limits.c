// SPDX-License-Identifier: GPL-2.0
/* Work caps (KeyTrap CVE-2023-50387, CVE-2023-50868): each one reached by
 * data built for it, and shown to be what decided by raising it. */
#include <string.h>

#include "dnssec/limits.h"
#include "dnssec_run.h"
#include "tap.h"
#include "util/error.h"

struct cap_case {
	const char *fixture;
	const char *reason;	/* substring of the limit reason */
	void (*raise)(struct val_limits *lim);
	enum val_status raised;	/* verdict once the cap is out of the way */
	const char *raised_reason;
};

static void raise_rrsigs(struct val_limits *l) { l->max_rrsigs_per_rrset = 9; }
static void raise_keys(struct val_limits *l) { l->max_keys_per_tag = 10; }
static void raise_verify(struct val_limits *l) { l->max_verifications = 100; }
static void raise_hashes(struct val_limits *l) { l->max_nsec3_hashes = 5000; }
static void raise_links(struct val_limits *l) { l->max_chain_links = 20; }
static void raise_depth(struct val_limits *l) { l->max_zone_depth = 40; }

static const struct cap_case caps[] = {
	/* 20 RRSIGs, the first 8 corrupted: the 9th would verify. */
	{ "limit_rrsigs", "RRSIGs tried for one RRset", raise_rrsigs,
	  VAL_SECURE, "" },
	/* 9 RSA keys sharing the ZSK's tag, listed before it. */
	{ "limit_keys_per_tag", "DNSKEYs tried for one key tag", raise_keys,
	  VAL_SECURE, "" },
	/* 8 CNAMEs, 3 bad RRSIGs each before the good one: 32 + 5. */
	{ "limit_verifications", "signature verifications", raise_verify,
	  VAL_SECURE, "" },
	/* 122 labels, NSEC3 records with 6 salts: 732 hashes. With room,
	 * the proof itself fails (no record matches anything). */
	{ "limit_nsec3_hashes", "NSEC3 hash computations", raise_hashes,
	  VAL_BOGUS, "no NSEC3 closest encloser" },
	/* 14 CNAMEs before the A record. */
	{ "limit_chain_links", "CNAME/DNAME chain length", raise_links,
	  VAL_SECURE, "" },
	/* Unsigned A 25 labels deep: the walk probes 24 names for cuts;
	 * with room it reaches the owner in a signed zone: Bogus, RRSIG
	 * missing, not a limit. */
	{ "limit_zone_depth", "zone cut depth", raise_depth, VAL_BOGUS,
	  "no RRSIG" },
};

static void test_budget(void)
{
	struct val_limits lim;
	struct val_budget b;
	struct val_result r;
	int fails = 0;

	val_limits_default(&lim);
	is_int(lim.max_rrsigs_per_rrset, 8, "default: 8 RRSIGs per RRset");
	is_int(lim.max_keys_per_tag, 2, "default: 2 keys per tag");
	is_int(lim.max_verifications, 30, "default: 30 verifications");
	is_int(lim.max_nsec3_hashes, 600, "default: 600 NSEC3 hashes");
	is_int(lim.max_nsec3_iterations, 150, "default: 150 iterations");
	is_int(lim.max_chain_links, 12, "default: 12 chain links");
	lim.max_verifications = 3;
	val_budget_init(&b, &lim);
	for (int i = 0; i < 5; i++)
		if (val_budget_take_verify(&b) == XDPDNS_ELIMIT)
			fails++;
	is_int(fails, 2, "verify budget: 3 allowed, 2 refused");
	ok(b.exceeded && strstr(b.exceeded, "verifications"),
	   "budget names the cap hit");
	val_result_init(&r);
	is_int(val_budget_fail(&b, &r, "x"), VAL_BOGUS, "limit is Bogus");
	is_int(r.ede, 6, "limit carries EDE 6");
	val_budget_init(&b, NULL);
	is_int(b.lim.max_nsec3_hashes, 600, "NULL limits are the defaults");
}

int main(void)
{
	test_budget();
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		const struct cap_case *c = &caps[i];
		const struct fix_case *fc = fix_case_find(c->fixture);
		struct val_limits lim;
		struct fix_run r;

		if (!ok(fc != NULL, "fixture %s exists", c->fixture))
			continue;
		is_int(fix_validate(fc->anchors, NULL, fc->wire, fc->len, &r),
		       0, "%s: ran", c->fixture);
		is_int(r.res.status, VAL_BOGUS, "%s: Bogus at the default cap",
		       c->fixture);
		is_int(r.res.ede, 6, "%s: EDE 6", c->fixture);
		ok(strstr(r.res.reason, "limit") &&
		   strstr(r.res.reason, c->reason),
		   "%s: reason '%s'", c->fixture, r.res.reason);
		val_limits_default(&lim);
		c->raise(&lim);
		fix_validate(fc->anchors, &lim, fc->wire, fc->len, &r);
		is_int(r.res.status, c->raised,
		       "%s: with the cap raised: %s (%s)", c->fixture,
		       val_status_name(r.res.status), r.res.reason);
		ok(!strstr(r.res.reason, "limit") &&
		   strstr(r.res.reason, c->raised_reason),
		   "%s: raised cap no longer decides", c->fixture);
	}
	/* Iterations: 200 > 150 gives Insecure/EDE 27; a cap of 250 lets
	 * the proof be checked and it is a Secure NXDOMAIN. */
	{
		const struct fix_case *fc = fix_case_find("nsec3_iterations");
		struct val_limits lim;
		struct fix_run r;

		val_limits_default(&lim);
		fix_validate(fc->anchors, NULL, fc->wire, fc->len, &r);
		is_int(r.res.status, VAL_INSECURE, "200 iterations: Insecure");
		is_int(r.res.ede, 27, "200 iterations: EDE 27");
		lim.max_nsec3_iterations = 250;
		fix_validate(fc->anchors, &lim, fc->wire, fc->len, &r);
		is_int(r.res.status, VAL_SECURE,
		       "iteration cap 250: proof checked, Secure (%s)",
		       r.res.reason);
	}
	return done_testing();
}
