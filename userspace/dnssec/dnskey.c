// SPDX-License-Identifier: GPL-2.0
/* DS -> DNSKEY: trusting a zone's key set from DS records or anchors. */
#include <string.h>

#include "dns/edns.h"
#include "dns/name.h"
#include "dnssec/algorithm.h"
#include "dnssec/crypto.h"
#include "dnssec/dnskey.h"
#include "dnssec/keytag.h"
#include "util/error.h"

int val_ds_parse(const uint8_t *rdata, size_t len, struct val_ds *out)
{
	if (len < 5)
		return XDPDNS_ETRUNCATED;
	out->key_tag = dns_get16(rdata);
	out->algorithm = rdata[2];
	out->digest_type = rdata[3];
	out->digest = rdata + 4;
	out->digest_len = len - 4;
	return 0;
}

bool val_ds_matches(const struct val_ds *ds, const uint8_t *owner,
		    const uint8_t *dnskey, size_t len)
{
	uint8_t lower[DNS_NAME_MAXLEN];
	uint8_t digest[DNSSEC_DIGEST_MAXLEN];
	size_t dlen = sizeof(digest);
	uint16_t tag;

	if (len < 4 || dnskey[3] != ds->algorithm)
		return false;
	if (dnssec_keytag(dnskey, len, &tag) || tag != ds->key_tag)
		return false;
	dns_name_copy(lower, owner);
	dns_name_to_lower(lower);
	if (dnssec_ds_digest(ds->digest_type, lower, dns_name_length(lower),
			     dnskey, len, digest, &dlen))
		return false;
	return dlen == ds->digest_len &&
	       memcmp(digest, ds->digest, dlen) == 0;
}

/* Verify the DNSKEY RRset with the single key @k of @all. */
static enum val_status self_signed(const struct val_rrset *dnskeys,
				   const uint8_t *zone, const uint8_t *rdata,
				   uint16_t len, uint32_t now,
				   struct val_budget *b, struct val_result *r)
{
	struct val_keyset one;
	enum val_status st;

	val_keyset_init(&one, zone);
	if (val_keyset_add(&one, rdata, len))
		return val_result_set(r, VAL_BOGUS, DNS_EDE_DNSSEC_BOGUS,
				      "malformed DNSKEY");
	st = val_rrset_verify(dnskeys, &one, now, b, r, NULL);
	val_keyset_release(&one);
	return st;
}

enum val_status val_dnskey_validate(const struct val_trust *t,
				    const struct val_rrset *dnskeys,
				    uint32_t now, struct val_budget *b,
				    struct val_result *r,
				    struct val_keyset *out)
{
	struct dnssec_ds_info info[VAL_KEYSET_MAX];
	struct val_result last;
	size_t nds = t->ds_count < VAL_KEYSET_MAX ? t->ds_count :
						    VAL_KEYSET_MAX;
	bool usable_any = false, alg_ok_any = false, matched = false;
	bool revoked = false, nonzone = false;

	val_keyset_init(out, t->zone);
	val_result_init(r);
	val_result_init(&last);
	val_result_set(&last, VAL_BOGUS, DNS_EDE_DNSKEY_MISSING,
		       "no DNSKEY matches the DS RRset or trust anchor");
	if (!dnskeys || dnskeys->count == 0)
		return val_result_set(r, VAL_BOGUS, DNS_EDE_DNSKEY_MISSING,
				      "DNSKEY RRset missing");
	for (size_t i = 0; i < nds; i++) {
		struct val_ds ds;

		memset(&info[i], 0, sizeof(info[i]));
		if (val_ds_parse(t->ds[i], t->ds_len[i], &ds))
			continue;
		info[i].key_tag = ds.key_tag;
		info[i].algorithm = ds.algorithm;
		info[i].digest_type = ds.digest_type;
		if (dnssec_algorithm_supported(ds.algorithm))
			alg_ok_any = true;
	}
	for (size_t i = 0; i < nds; i++)
		if (dnssec_ds_usable(info, nds, i))
			usable_any = true;
	/* RFC 4035 5.2 and RFC 6840 5.2: a DS RRset listing only
	 * algorithms or digests we cannot use makes the zone Insecure. */
	if (!usable_any && t->key_count == 0) {
		if (nds == 0)
			return val_result_set(r, VAL_BOGUS,
					      DNS_EDE_DNSSEC_BOGUS,
					      "no DS and no anchor to trust "
					      "the DNSKEY RRset from");
		if (alg_ok_any)
			return val_result_set(r, VAL_INSECURE,
					      DNS_EDE_UNSUPPORTED_DS_DIGEST,
					      "DS digest types unsupported");
		return val_result_set(r, VAL_INSECURE,
				      DNS_EDE_UNSUPPORTED_DNSKEY_ALG,
				      "DS algorithms unsupported");
	}

	for (size_t i = 0; i < nds; i++) {
		unsigned int tried = 0;
		struct val_ds ds;

		if (!dnssec_ds_usable(info, nds, i) ||
		    val_ds_parse(t->ds[i], t->ds_len[i], &ds))
			continue;
		for (size_t k = 0; k < dnskeys->count; k++) {
			const struct dns_rr *kr = &dnskeys->rr[dnskeys->idx[k]];
			uint16_t flags;

			if (!val_ds_matches(&ds, t->zone, kr->rdata,
					    kr->rdata_len))
				continue;
			flags = dns_get16(kr->rdata);
			/* RFC 4034 2.1.1: only zone keys sign zone data. */
			if (!(flags & VAL_DNSKEY_F_ZONE)) {
				nonzone = true;
				continue;
			}
			/* RFC 5011 7: once revoked, a key is not a trust
			 * point any more, whatever its DS says. */
			if (flags & VAL_DNSKEY_F_REVOKE) {
				revoked = true;
				continue;
			}
			if (tried >= b->lim.max_keys_per_tag)
				return val_budget_fail(b, r,
					"DNSKEYs tried for one key tag");
			tried++;
			matched = true;
			if (self_signed(dnskeys, t->zone, kr->rdata,
					kr->rdata_len, now, b, &last) ==
			    VAL_SECURE)
				goto secure;
			if (b->exceeded) {
				*r = last;
				return VAL_BOGUS;
			}
		}
	}
	for (size_t a = 0; a < t->key_count; a++) {
		for (size_t k = 0; k < dnskeys->count; k++) {
			const struct dns_rr *kr = &dnskeys->rr[dnskeys->idx[k]];

			if (kr->rdata_len != t->key_len[a] ||
			    memcmp(kr->rdata, t->key[a], kr->rdata_len))
				continue;
			if (!(dns_get16(kr->rdata) & VAL_DNSKEY_F_ZONE))
				continue;
			matched = true;
			if (self_signed(dnskeys, t->zone, kr->rdata,
					kr->rdata_len, now, b, &last) ==
			    VAL_SECURE)
				goto secure;
			if (b->exceeded) {
				*r = last;
				return VAL_BOGUS;
			}
		}
	}
	if (!matched && nonzone)
		return val_result_set(r, VAL_BOGUS, DNS_EDE_NO_ZONE_KEY_BIT,
				      "the DS-matched key lacks the zone-key "
				      "flag");
	if (!matched && revoked)
		return val_result_set(r, VAL_BOGUS, DNS_EDE_DNSSEC_BOGUS,
				      "the only DS-matched key is revoked "
				      "(RFC 5011 7)");
	*r = last;
	return VAL_BOGUS;

secure:
	*r = last;
	for (size_t k = 0; k < dnskeys->count; k++) {
		const struct dns_rr *kr = &dnskeys->rr[dnskeys->idx[k]];

		/* Keys past the cap are left out; signatures made with
		 * them will then fail as "no matching DNSKEY". */
		if (val_keyset_add(out, kr->rdata, kr->rdata_len) ==
		    XDPDNS_ESPACE)
			break;
	}
	return VAL_SECURE;
}
