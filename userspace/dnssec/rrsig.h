/* SPDX-License-Identifier: GPL-2.0 */
/* RRSIG checks and verification of one RRset (RFC 4035 5.3, RFC 4034 3). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/message.h"
#include "dnssec/limits.h"
#include "dnssec/verdict.h"

struct dnssec_key;

/* DNSKEY flag bits (RFC 4034 2.1.1, RFC 5011 3). */
#define VAL_DNSKEY_F_ZONE 0x0100	/* bit 7: zone key */
#define VAL_DNSKEY_F_REVOKE 0x0080	/* bit 8: revoked (RFC 5011) */
#define VAL_DNSKEY_F_SEP 0x0001	/* bit 15: secure entry point */

/**
 * struct val_rrsig - the fields of one RRSIG RDATA (views, no copies).
 * @type_covered .. @key_tag: RFC 4034 3.1 fields, host order.
 * @signer:     signer name inside the RDATA (uncompressed wire form).
 * @signer_len: its length.
 * @signature:  the signature field.
 * @sig_len:    its length.
 * @rdata:      the whole RDATA.
 * @rdata_len:  its length.
 */
struct val_rrsig {
	uint16_t type_covered;
	uint8_t algorithm;
	uint8_t labels;
	uint32_t original_ttl;
	uint32_t expiration;
	uint32_t inception;
	uint16_t key_tag;
	const uint8_t *signer;
	size_t signer_len;
	const uint8_t *signature;
	size_t sig_len;
	const uint8_t *rdata;
	size_t rdata_len;
};

/**
 * val_rrsig_parse() - split RRSIG RDATA into its fields.
 * @rdata: uncompressed RRSIG RDATA.
 * @len:   its length.
 * @out:   receives views into @rdata.
 * Return: 0, or XDPDNS_ETRUNCATED / XDPDNS_EBAD_RDATA (no signature, bad
 * signer name).
 */
int val_rrsig_parse(const uint8_t *rdata, size_t len, struct val_rrsig *out);

/**
 * struct val_rrset - one RRset of a parsed message and its RRSIGs.
 * @rr:        the message's record array (struct dns_msg.rr).
 * @idx:       indexes into @rr of the records of the set.
 * @count:     how many.
 * @sig_idx:   indexes into @rr of the RRSIGs covering the set (same
 *             owner, class, and Type Covered); may be NULL if none.
 * @sig_count: how many.
 * @owner:     owner name.
 * @type:      RR type.
 * @rclass:    class.
 * @ttl:       the smallest TTL of the records.
 *
 * Nothing is owned: every pointer refers to the message's storage.
 */
struct val_rrset {
	const struct dns_rr *rr;
	const uint32_t *idx;
	size_t count;
	const uint32_t *sig_idx;
	size_t sig_count;
	const uint8_t *owner;
	uint16_t type;
	uint16_t rclass;
	uint32_t ttl;
};

#define VAL_KEYSET_MAX 64

/**
 * struct val_keyset - DNSKEYs of one zone that may sign its data.
 * @zone:    the zone's name (the signer name RRSIGs must carry).
 * @count:   keys held.
 * @rdata:   DNSKEY RDATA of each key (borrowed; must outlive the set).
 * @len:     their lengths.
 * @tag:     their key tags.
 * @key:     crypto objects, built on first use and owned by the set.
 * @key_err: 0, or why building the key failed (tried only once).
 * @sigcache: verifications already done with these keys (borrowed from
 *           the owner of the set, e.g. a chain); NULL: none.
 *
 * Keys past VAL_KEYSET_MAX are not added (val_keyset_add() says so).
 */
struct val_sigcache;

struct val_keyset {
	uint8_t zone[DNS_NAME_MAXLEN];
	size_t count;
	const uint8_t *rdata[VAL_KEYSET_MAX];
	uint16_t len[VAL_KEYSET_MAX];
	uint16_t tag[VAL_KEYSET_MAX];
	struct dnssec_key *key[VAL_KEYSET_MAX];
	int key_err[VAL_KEYSET_MAX];
	struct val_sigcache *sigcache;
};

/** val_keyset_init() - empty key set for @zone (copied). */
void val_keyset_init(struct val_keyset *ks, const uint8_t *zone);

/**
 * val_keyset_add() - add one DNSKEY (the RDATA is borrowed).
 * Return: 0, XDPDNS_ESPACE when the set is full, XDPDNS_ETRUNCATED when the
 * RDATA is shorter than 4 octets.
 */
int val_keyset_add(struct val_keyset *ks, const uint8_t *rdata, size_t len);

/** val_keyset_release() - free the crypto objects; the set stays usable. */
void val_keyset_release(struct val_keyset *ks);

/**
 * struct val_sig_info - what the signature that verified says.
 * @wildcard:  the RRset was synthesised from a wildcard (RRSIG Labels
 *             smaller than the owner's label count, RFC 4035 5.3.4): the
 *             caller must demand proof that the next closer name does not
 *             exist.
 * @labels:    the RRSIG Labels field (the closest encloser has that many
 *             labels when @wildcard).
 * @key_tag:   tag of the key that verified.
 * @key_index: its index in the key set.
 */
struct val_sig_info {
	bool wildcard;
	uint8_t labels;
	uint16_t key_tag;
	size_t key_index;
};

/**
 * val_rrsig_signed_data() - the octets an RRSIG signs (RFC 4034 3.1.8.1).
 * @set:  the RRset.
 * @sig:  one of its RRSIGs, parsed.
 * @out:  receives a malloc()ed buffer (caller frees).
 * @len:  receives its length.
 *
 * RRSIG RDATA without the signature (signer name lowercased) followed by
 * the RRs in canonical form (RFC 4034 6.2): owner lowercased, or "*." and
 * the rightmost Labels labels when Labels is smaller than the owner's
 * count; TTL replaced by the Original TTL; RDATA canonical; records sorted
 * by canonical RDATA with duplicates counted once (6.3).
 *
 * Return: 0, XDPDNS_EBAD_LABELS (Labels larger than the owner's count),
 * XDPDNS_EBAD_RDATA, -ENOMEM.
 */
int val_rrsig_signed_data(const struct val_rrset *set,
			  const struct val_rrsig *sig, uint8_t **out,
			  size_t *len);

/**
 * val_rrset_verify() - is @set signed by a key of @ks (RFC 4035 5.3)?
 * @set:  the RRset and its RRSIGs.
 * @ks:   the zone's DNSKEYs (already trusted by the caller).
 * @now:  current time, seconds since the epoch (RFC 1982 arithmetic).
 * @b:    the query's budget.
 * @r:    receives the verdict; on Secure its @ttl is the RRset TTL capped
 *        by the Original TTL and the time left to the expiration, and its
 *        @expire the expiration of the signature that verified.
 * @info: if not NULL, receives facts about that signature.
 *
 * An RRSIG is considered only if its Type Covered and class match, its
 * signer equals the key set's zone and is an ancestor-or-self of the
 * owner, Labels is at most the owner's label count (a leading "*" not
 * counted), the algorithm is supported, and now lies in
 * [inception - skew, expiration + skew]. Keys must match tag and
 * algorithm, carry the zone-key flag and not the REVOKE flag (RFC 5011 7:
 * a revoked key is never used here). At most lim.max_rrsigs_per_rrset
 * signatures and lim.max_keys_per_tag keys per signature are tried.
 *
 * Return: VAL_SECURE, or VAL_BOGUS with the most telling reason and EDE
 * (10 no RRSIG, 7 expired, 8 not yet valid, 9 no matching DNSKEY, 11 no
 * zone-key bit, 1 unsupported algorithm, 6 otherwise or on a limit).
 */
enum val_status val_rrset_verify(const struct val_rrset *set,
				 struct val_keyset *ks, uint32_t now,
				 struct val_budget *b, struct val_result *r,
				 struct val_sig_info *info);
