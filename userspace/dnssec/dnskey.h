/* SPDX-License-Identifier: GPL-2.0 */
/* DS -> DNSKEY: trusting a zone's key set from DS records or anchors. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dnssec/limits.h"
#include "dnssec/rrsig.h"
#include "dnssec/verdict.h"

/**
 * struct val_ds - fields of one DS RDATA (RFC 4034 5.1), views.
 */
struct val_ds {
	uint16_t key_tag;
	uint8_t algorithm;
	uint8_t digest_type;
	const uint8_t *digest;
	size_t digest_len;
};

/**
 * val_ds_parse() - split DS RDATA.
 * Return: 0 or XDPDNS_ETRUNCATED (under 5 octets: no digest).
 */
int val_ds_parse(const uint8_t *rdata, size_t len, struct val_ds *out);

/**
 * val_ds_matches() - does a DS designate this DNSKEY (RFC 4034 5.1.4)?
 * @ds:     the DS.
 * @owner:  the DNSKEY's owner (the zone).
 * @dnskey: DNSKEY RDATA.
 * @len:    its length.
 *
 * Tag, algorithm, digest length and digest must all agree; a digest type
 * not supported by policy never matches.
 * Return: true on a match.
 */
bool val_ds_matches(const struct val_ds *ds, const uint8_t *owner,
		    const uint8_t *dnskey, size_t len);

/**
 * struct val_trust - what a zone's DNSKEY RRset is trusted from.
 * @zone:      the zone.
 * @ds:        DS RDATA (the parent's validated DS RRset, or DS anchors).
 * @ds_len:    their lengths.
 * @ds_count:  how many.
 * @key:       DNSKEY RDATA configured as trust anchors.
 * @key_len:   their lengths.
 * @key_count: how many.
 * All borrowed.
 */
struct val_trust {
	const uint8_t *zone;
	const uint8_t *const *ds;
	const uint16_t *ds_len;
	size_t ds_count;
	const uint8_t *const *key;
	const uint16_t *key_len;
	size_t key_count;
};

/**
 * val_dnskey_validate() - trust a DNSKEY RRset (RFC 4035 5.2).
 * @t:       DS records and/or anchor keys for the zone.
 * @dnskeys: the zone's DNSKEY RRset with its RRSIGs.
 * @now:     current time.
 * @b:       the query's budget.
 * @r:       receives the verdict.
 * @out:     on Secure, filled with every key of @dnskeys (its zone set to
 *           @t->zone); the caller releases it with val_keyset_release().
 *           Left empty otherwise.
 *
 * A DS is used when dnssec_ds_usable() says so (supported algorithm and
 * digest, RFC 4509 3 SHA-1 rule). When none is usable and no anchor key
 * exists the zone is Insecure (RFC 4035 5.2, RFC 6840 5.2) with EDE 1 or
 * 2. Otherwise some DNSKEY must match a usable DS (or equal an anchor
 * key), have the zone-key flag, not be revoked (RFC 5011 7: a DS-matched
 * revoked KSK counts as not matching), and sign the whole DNSKEY RRset.
 *
 * Return: VAL_SECURE, VAL_INSECURE or VAL_BOGUS (EDE 9 no key matches,
 * or the signature failure's EDE).
 */
enum val_status val_dnskey_validate(const struct val_trust *t,
				    const struct val_rrset *dnskeys,
				    uint32_t now, struct val_budget *b,
				    struct val_result *r,
				    struct val_keyset *out);
