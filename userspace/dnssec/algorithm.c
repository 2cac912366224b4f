// SPDX-License-Identifier: GPL-2.0
/* DNSSEC algorithm and DS digest policy (RFC 8624), names, RFC 4509 rule. */
#include <stdatomic.h>
#include <stdlib.h>
#include <strings.h>

#include "dnssec/algorithm.h"

/* The SHA-1 switch; read on every verification, written on reload. */
static atomic_bool policy_sha1 = true;

static const struct {
	uint8_t number;
	const char *name;
} algorithm_names[] = {
	{ DNSSEC_ALG_RSAMD5, "RSAMD5" },
	{ 2, "DH" },
	{ DNSSEC_ALG_DSA, "DSA" },
	{ DNSSEC_ALG_RSASHA1, "RSASHA1" },
	{ DNSSEC_ALG_DSA_NSEC3_SHA1, "DSA-NSEC3-SHA1" },
	{ DNSSEC_ALG_RSASHA1_NSEC3_SHA1, "RSASHA1-NSEC3-SHA1" },
	{ DNSSEC_ALG_RSASHA256, "RSASHA256" },
	{ DNSSEC_ALG_RSASHA512, "RSASHA512" },
	{ DNSSEC_ALG_ECC_GOST, "ECC-GOST" },
	{ DNSSEC_ALG_ECDSAP256SHA256, "ECDSAP256SHA256" },
	{ DNSSEC_ALG_ECDSAP384SHA384, "ECDSAP384SHA384" },
	{ DNSSEC_ALG_ED25519, "ED25519" },
	{ DNSSEC_ALG_ED448, "ED448" },
	{ 252, "INDIRECT" },
	{ 253, "PRIVATEDNS" },
	{ 254, "PRIVATEOID" },
};

bool dnssec_algorithm_implemented(uint8_t alg)
{
	switch (alg) {
	case DNSSEC_ALG_RSASHA1:
	case DNSSEC_ALG_RSASHA1_NSEC3_SHA1:
	case DNSSEC_ALG_RSASHA256:
	case DNSSEC_ALG_RSASHA512:
	case DNSSEC_ALG_ECDSAP256SHA256:
	case DNSSEC_ALG_ECDSAP384SHA384:
	case DNSSEC_ALG_ED25519:
	case DNSSEC_ALG_ED448:
		return true;
	default:
		return false;
	}
}

bool dnssec_algorithm_supported(uint8_t alg)
{
	if (!dnssec_algorithm_implemented(alg))
		return false;
	/* RFC 8624 3.1: 5 and 7 are MUST for validation, but SHA-1 signatures
	 * are forgeable by chosen-prefix collisions; operators may opt out. */
	if (alg == DNSSEC_ALG_RSASHA1 || alg == DNSSEC_ALG_RSASHA1_NSEC3_SHA1)
		return atomic_load_explicit(&policy_sha1, memory_order_relaxed);
	return true;
}

bool dnssec_digest_implemented(uint8_t type)
{
	return type == DNSSEC_DIGEST_SHA1 || type == DNSSEC_DIGEST_SHA256 ||
	       type == DNSSEC_DIGEST_SHA384;
}

bool dnssec_digest_supported(uint8_t type)
{
	if (!dnssec_digest_implemented(type))
		return false;
	/* RFC 8624 3.3: SHA-1 DS is MUST for validation; same switch as 5/7. */
	if (type == DNSSEC_DIGEST_SHA1)
		return atomic_load_explicit(&policy_sha1, memory_order_relaxed);
	return true;
}

void dnssec_policy_set_sha1(bool allow)
{
	atomic_store(&policy_sha1, allow);
}

bool dnssec_policy_sha1(void)
{
	return atomic_load(&policy_sha1);
}

const char *dnssec_algorithm_name(uint8_t alg)
{
	size_t i;

	for (i = 0; i < sizeof(algorithm_names) / sizeof(algorithm_names[0]); i++)
		if (algorithm_names[i].number == alg)
			return algorithm_names[i].name;
	return "UNKNOWN";
}

int dnssec_algorithm_from_name(const char *name)
{
	unsigned long value;
	char *end;
	size_t i;

	if (!name || !*name)
		return -1;
	for (i = 0; i < sizeof(algorithm_names) / sizeof(algorithm_names[0]); i++)
		if (strcasecmp(algorithm_names[i].name, name) == 0)
			return algorithm_names[i].number;
	if (name[0] < '0' || name[0] > '9')
		return -1;
	value = strtoul(name, &end, 10);
	if (*end || value > 255)
		return -1;
	return (int)value;
}

const char *dnssec_digest_name(uint8_t type)
{
	switch (type) {
	case DNSSEC_DIGEST_SHA1:
		return "SHA-1";
	case DNSSEC_DIGEST_SHA256:
		return "SHA-256";
	case DNSSEC_DIGEST_GOST:
		return "GOST R 34.11-94";
	case DNSSEC_DIGEST_SHA384:
		return "SHA-384";
	default:
		return "UNKNOWN";
	}
}

size_t dnssec_digest_length(uint8_t type)
{
	switch (type) {
	case DNSSEC_DIGEST_SHA1:
		return 20;
	case DNSSEC_DIGEST_SHA256:
	case DNSSEC_DIGEST_GOST:
		return 32;
	case DNSSEC_DIGEST_SHA384:
		return 48;
	default:
		return 0;
	}
}

/* A DS the validator could follow under the current policy. */
static bool ds_supported(const struct dnssec_ds_info *ds)
{
	return dnssec_algorithm_supported(ds->algorithm) &&
	       dnssec_digest_supported(ds->digest_type);
}

bool dnssec_ds_usable(const struct dnssec_ds_info *set, size_t n, size_t idx)
{
	size_t i;

	if (!set || idx >= n || !ds_supported(&set[idx]))
		return false;
	if (set[idx].digest_type != DNSSEC_DIGEST_SHA1)
		return true;
	/* RFC 4509 3: ignore SHA-1 DS when a stronger usable DS is present. */
	for (i = 0; i < n; i++)
		if (set[i].digest_type != DNSSEC_DIGEST_SHA1 && ds_supported(&set[i]))
			return false;
	return true;
}
