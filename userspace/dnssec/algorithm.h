/* SPDX-License-Identifier: GPL-2.0 */
/* DNSSEC algorithm and DS digest policy: what the validator accepts. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Policy: RFC 8624 sections 3.1 and 3.3 (validation columns); SHA-1 (5, 7,
 * digest 1) on by default as RFC 8624 requires, switchable off as the
 * RFC 8624 update (draft-ietf-dnsop-rfc8624-bis, 5 and 7 SHOULD NOT)
 * allows. Rationale and tables: docs/dnssec-policy.md.
 *
 *   DNSKEY/RRSIG algorithm           validation
 *   1  RSAMD5                        unsupported (MUST NOT)
 *   3  DSA                           unsupported (MUST NOT)
 *   5  RSASHA1                       supported, switchable off (SHA-1)
 *   6  DSA-NSEC3-SHA1                unsupported (MUST NOT)
 *   7  RSASHA1-NSEC3-SHA1            supported, switchable off (SHA-1)
 *   8  RSASHA256                     supported
 *   10 RSASHA512                     supported
 *   12 ECC-GOST                      unsupported (MAY; not in OpenSSL 3)
 *   13 ECDSAP256SHA256               supported
 *   14 ECDSAP384SHA384               supported
 *   15 ED25519                       supported
 *   16 ED448                         supported
 *   anything else                    unsupported
 *
 *   DS digest type                   validation
 *   0  (reserved)                    unsupported
 *   1  SHA-1                         supported, switchable off (SHA-1)
 *   2  SHA-256                       supported
 *   3  GOST R 34.11-94               unsupported
 *   4  SHA-384                       supported
 *
 * "Unsupported" means: a zone whose DS RRset names only unsupported
 * algorithms or digests is Insecure, not Bogus (RFC 4035 5.2, RFC 6840
 * 5.2); the caller makes that mapping. The SHA-1 switch
 * (dnssec_policy_set_sha1()) turns algorithms 5 and 7 and digest type 1
 * off together, for deployments that distrust SHA-1 signatures. The
 * switch may be flipped at any time from any thread (configuration
 * reload); verifications already running finish under the old setting.
 */

/* DNSKEY algorithm numbers (IANA "DNS Security Algorithm Numbers"). */
enum dnssec_algorithm {
	DNSSEC_ALG_RSAMD5 = 1,
	DNSSEC_ALG_DSA = 3,
	DNSSEC_ALG_RSASHA1 = 5,
	DNSSEC_ALG_DSA_NSEC3_SHA1 = 6,
	DNSSEC_ALG_RSASHA1_NSEC3_SHA1 = 7,
	DNSSEC_ALG_RSASHA256 = 8,
	DNSSEC_ALG_RSASHA512 = 10,
	DNSSEC_ALG_ECC_GOST = 12,
	DNSSEC_ALG_ECDSAP256SHA256 = 13,
	DNSSEC_ALG_ECDSAP384SHA384 = 14,
	DNSSEC_ALG_ED25519 = 15,
	DNSSEC_ALG_ED448 = 16,
};

/* DS digest type numbers (IANA "Delegation Signer Digest Algorithms"). */
enum dnssec_digest_type {
	DNSSEC_DIGEST_SHA1 = 1,
	DNSSEC_DIGEST_SHA256 = 2,
	DNSSEC_DIGEST_GOST = 3,
	DNSSEC_DIGEST_SHA384 = 4,
};

/**
 * dnssec_algorithm_implemented() - does crypto.c know this algorithm at all?
 * @alg: DNSKEY algorithm number.
 *
 * Independent of the policy switch: true for 5, 7, 8, 10, 13, 14, 15, 16.
 */
bool dnssec_algorithm_implemented(uint8_t alg);

/**
 * dnssec_algorithm_supported() - may this algorithm be used for validation now?
 * @alg: DNSKEY algorithm number.
 *
 * Return: true when implemented and allowed by the current policy.
 */
bool dnssec_algorithm_supported(uint8_t alg);

/**
 * dnssec_digest_implemented() - is this DS digest type computable at all?
 * @type: DS digest type.
 *
 * Independent of the policy switch: true for 1, 2, 4.
 */
bool dnssec_digest_implemented(uint8_t type);

/**
 * dnssec_digest_supported() - may this DS digest type be used now?
 * @type: DS digest type.
 *
 * Return: true when implemented and allowed by the current policy.
 */
bool dnssec_digest_supported(uint8_t type);

/**
 * dnssec_policy_set_sha1() - allow or forbid SHA-1 based validation.
 * @allow: true (the default) accepts algorithms 5 and 7 and DS digest 1;
 *         false treats them as unsupported.
 */
void dnssec_policy_set_sha1(bool allow);

/** dnssec_policy_sha1() - current state of the SHA-1 switch. */
bool dnssec_policy_sha1(void);

/**
 * dnssec_algorithm_name() - mnemonic of a DNSKEY algorithm.
 * @alg: algorithm number.
 *
 * Return: static string such as "RSASHA256" or "ED25519"; "UNKNOWN" for
 * numbers without a mnemonic. Never NULL.
 */
const char *dnssec_algorithm_name(uint8_t alg);

/**
 * dnssec_algorithm_from_name() - parse a mnemonic or a decimal number.
 * @name: "RSASHA256", "ecdsap256sha256" (case-insensitive) or "8".
 *
 * Return: 0..255 on success, -1 when @name is not understood.
 */
int dnssec_algorithm_from_name(const char *name);

/**
 * dnssec_digest_name() - mnemonic of a DS digest type.
 * @type: digest type.
 *
 * Return: static string such as "SHA-256"; "UNKNOWN" otherwise. Never NULL.
 */
const char *dnssec_digest_name(uint8_t type);

/**
 * dnssec_digest_length() - size of a DS digest of this type.
 * @type: digest type.
 *
 * Return: 20, 32 or 48 for types 1, 2, 4 (32 for 3, GOST, for length
 * checks of records we cannot verify); 0 for unknown types.
 */
size_t dnssec_digest_length(uint8_t type);

/* The fields of one DS record that the RFC 4509 rule looks at. */
struct dnssec_ds_info {
	uint16_t key_tag;
	uint8_t algorithm;
	uint8_t digest_type;
};

/**
 * dnssec_ds_usable() - should the validator try DS @idx of a DS RRset?
 * @set: the DS RRset's records (key tag, algorithm, digest type).
 * @n:   number of records in @set.
 * @idx: the record asked about, < @n.
 *
 * A DS is usable when its DNSKEY algorithm and digest type are supported
 * by the current policy, and it is not a SHA-1 DS in an RRset that also
 * holds a usable DS with a stronger digest (SHA-256 or SHA-384). The
 * latter is RFC 4509 section 3 ("SHOULD ignore DS RRs containing SHA-1
 * digests if DS RRs with SHA-256 digests are present in the DS RRset"),
 * applied to the whole RRset as the RFC words it, which also covers the
 * per-key case; only DS records the validator could actually use count as
 * "present", so a SHA-256 DS for an unsupported algorithm cannot make a
 * zone lose its only usable SHA-1 DS (that would be a downgrade to
 * Insecure). If no DS of a set is usable the zone is Insecure (RFC 4035
 * 5.2, RFC 6840 5.2); that mapping is the caller's.
 *
 * Return: true when DS @idx should be used; false otherwise (also for
 * @idx >= @n).
 */
bool dnssec_ds_usable(const struct dnssec_ds_info *set, size_t n, size_t idx);
