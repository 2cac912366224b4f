// SPDX-License-Identifier: GPL-2.0
/* RRSIG checks and verification of one RRset (RFC 4035 5.3, RFC 4034 3). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/canonical.h"
#include "dns/edns.h"
#include "dns/name.h"
#include "dns/rr.h"
#include "dnssec/algorithm.h"
#include "dnssec/crypto.h"
#include "dnssec/keytag.h"
#include "dnssec/rrsig.h"
#include "dnssec/sigcache.h"
#include "util/error.h"

int val_rrsig_parse(const uint8_t *rdata, size_t len, struct val_rrsig *out)
{
	int n;

	if (len < DNS_RRSIG_FIXED_LEN + 1)
		return XDPDNS_ETRUNCATED;
	out->type_covered = dns_get16(rdata);
	out->algorithm = rdata[2];
	out->labels = rdata[3];
	out->original_ttl = dns_get32(rdata + 4);
	out->expiration = dns_get32(rdata + 8);
	out->inception = dns_get32(rdata + 12);
	out->key_tag = dns_get16(rdata + 16);
	n = dns_name_unpack_flat(rdata + DNS_RRSIG_FIXED_LEN,
				 len - DNS_RRSIG_FIXED_LEN, NULL);
	if (n < 0)
		return XDPDNS_EBAD_RDATA;
	out->signer = rdata + DNS_RRSIG_FIXED_LEN;
	out->signer_len = (size_t)n;
	out->signature = out->signer + n;
	out->sig_len = len - DNS_RRSIG_FIXED_LEN - (size_t)n;
	if (out->sig_len == 0)
		return XDPDNS_EBAD_RDATA;
	out->rdata = rdata;
	out->rdata_len = len;
	return 0;
}

void val_keyset_init(struct val_keyset *ks, const uint8_t *zone)
{
	memset(ks, 0, sizeof(*ks));
	dns_name_copy(ks->zone, zone);
}

int val_keyset_add(struct val_keyset *ks, const uint8_t *rdata, size_t len)
{
	uint16_t tag;
	int err;

	if (ks->count >= VAL_KEYSET_MAX)
		return XDPDNS_ESPACE;
	err = dnssec_keytag(rdata, len, &tag);
	if (err)
		return err;
	ks->rdata[ks->count] = rdata;
	ks->len[ks->count] = (uint16_t)len;
	ks->tag[ks->count] = tag;
	ks->key[ks->count] = NULL;
	ks->key_err[ks->count] = 0;
	ks->count++;
	return 0;
}

void val_keyset_release(struct val_keyset *ks)
{
	for (size_t i = 0; i < ks->count; i++) {
		dnssec_key_free(ks->key[i]);
		ks->key[i] = NULL;
		ks->key_err[i] = 0;
	}
}

/* The owner label count an RRSIG Labels field compares against: a
 * leading "*" label is not counted (RFC 4034 3.1.3). */
static unsigned int sig_owner_labels(const uint8_t *owner)
{
	unsigned int n = dns_name_label_count(owner);

	return dns_name_is_wildcard(owner) ? n - 1 : n;
}

int val_rrsig_signed_data(const struct val_rrset *set,
			  const struct val_rrsig *sig, uint8_t **out,
			  size_t *len)
{
	uint8_t owner[DNS_NAME_MAXLEN];
	struct dns_rdata_view *views = NULL;
	uint8_t *canon = NULL, *buf = NULL;
	size_t total = 0, cpos = 0, pos, n;
	unsigned int olabels = sig_owner_labels(set->owner);
	int err = 0, w;

	if (sig->labels > olabels)
		return XDPDNS_EBAD_LABELS;
	/* RFC 4035 5.3.2: fewer labels than the owner means the RRset was
	 * expanded from the wildcard "*." + rightmost Labels labels. */
	if (sig->labels < olabels) {
		w = dns_name_wildcard(owner, dns_name_suffix(set->owner,
							     sig->labels));
		if (w < 0)
			return w;
	} else {
		dns_name_copy(owner, set->owner);
	}
	dns_name_to_lower(owner);

	for (size_t i = 0; i < set->count; i++)
		total += set->rr[set->idx[i]].rdata_len;
	views = calloc(set->count ? set->count : 1, sizeof(*views));
	canon = malloc(total ? total : 1);
	if (!views || !canon) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < set->count; i++) {
		const struct dns_rr *rr = &set->rr[set->idx[i]];

		w = dns_canonical_rdata(rr->type, rr->rdata, rr->rdata_len,
					canon + cpos, total - cpos);
		if (w < 0) {
			err = w;
			goto out;
		}
		views[i].data = canon + cpos;
		views[i].len = (uint16_t)w;
		cpos += (size_t)w;
	}
	n = dns_canonical_sort(views, set->count);

	total = DNS_RRSIG_FIXED_LEN + sig->signer_len;
	for (size_t i = 0; i < n; i++)
		total += DNS_NAME_MAXLEN + DNS_RR_FIXED_LEN + views[i].len;
	buf = malloc(total);
	if (!buf) {
		err = -ENOMEM;
		goto out;
	}
	/* RRSIG RDATA minus the signature, signer name in canonical form. */
	memcpy(buf, sig->rdata, DNS_RRSIG_FIXED_LEN + sig->signer_len);
	dns_name_to_lower(buf + DNS_RRSIG_FIXED_LEN);
	pos = DNS_RRSIG_FIXED_LEN + sig->signer_len;
	for (size_t i = 0; i < n; i++) {
		w = dns_canonical_rr(owner, set->type, set->rclass,
				     sig->original_ttl, views[i].data,
				     views[i].len, buf + pos, total - pos);
		if (w < 0) {
			err = w;
			goto out;
		}
		pos += (size_t)w;
	}
	*out = buf;
	*len = pos;
	buf = NULL;
out:
	free(buf);
	free(canon);
	free(views);
	return err;
}

/* Failure notes ranked so that the verdict names the most specific cause
 * found among all RRSIGs (a bad signature says less than an expired one). */
struct sig_note {
	int rank;
	uint16_t ede;
	char text[VAL_REASON_MAX];
};

static void note(struct sig_note *n, int rank, uint16_t ede, const char *text,
		 unsigned int v)
{
	if (rank <= n->rank)
		return;
	n->rank = rank;
	n->ede = ede;
	snprintf(n->text, sizeof(n->text), text, v);
}

/* Try the keys of @ks matching @sig; 1 when one verifies, 0 when none
 * does, XDPDNS_ELIMIT when a cap was hit (result already filled). */
static int try_keys(struct val_keyset *ks, const struct val_rrsig *sig,
		    const uint8_t *data, size_t len, struct val_budget *b,
		    struct val_result *r, struct sig_note *nt, size_t *which)
{
	uint8_t digest[VAL_SIGCACHE_DIGEST];
	unsigned int tried = 0;
	bool any = false, cached;

	for (size_t k = 0; k < ks->count; k++) {
		uint16_t flags;
		int err;

		if (ks->tag[k] != sig->key_tag || ks->len[k] < 4 ||
		    ks->rdata[k][3] != sig->algorithm)
			continue;
		any = true;
		flags = dns_get16(ks->rdata[k]);
		/* RFC 4035 5.3.1: the key must be a zone key. */
		if (!(flags & VAL_DNSKEY_F_ZONE)) {
			note(nt, 4, DNS_EDE_NO_ZONE_KEY_BIT,
			     "DNSKEY %u lacks the zone-key flag", sig->key_tag);
			continue;
		}
		/* RFC 5011 7: a revoked key must not be used to validate. */
		if (flags & VAL_DNSKEY_F_REVOKE) {
			note(nt, 3, DNS_EDE_DNSSEC_BOGUS,
			     "DNSKEY %u is revoked (RFC 5011)", sig->key_tag);
			continue;
		}
		if (tried >= b->lim.max_keys_per_tag) {
			val_budget_fail(b, r, "DNSKEYs tried for one key tag");
			return XDPDNS_ELIMIT;
		}
		tried++;
		if (!ks->key[k] && !ks->key_err[k]) {
			err = dnssec_key_new(ks->rdata[k], ks->len[k],
					     &ks->key[k]);
			if (err)
				ks->key_err[k] = err;
		}
		if (ks->key_err[k]) {
			note(nt, 2, DNS_EDE_DNSSEC_BOGUS,
			     "DNSKEY %u unusable", sig->key_tag);
			continue;
		}
		/* A verification counts against the budget even when the
		 * cache spares the public-key work: verdicts never depend on
		 * what the cache holds. */
		if (val_budget_take_verify(b)) {
			val_budget_fail(b, r, "signature verifications per query");
			return XDPDNS_ELIMIT;
		}
		cached = ks->sigcache &&
			 !val_sigcache_digest(ks->rdata[k], ks->len[k], data, len,
					      sig->signature, sig->sig_len, digest);
		if (cached && val_sigcache_has(ks->sigcache, digest)) {
			*which = k;
			return 1;
		}
		err = dnssec_key_verify(ks->key[k], data, len, sig->signature,
					sig->sig_len);
		if (err == 0) {
			if (cached)
				val_sigcache_put(ks->sigcache, digest);
			*which = k;
			return 1;
		}
		if (err == XDPDNS_EUNSUPPORTED_ALG)
			note(nt, 2, DNS_EDE_UNSUPPORTED_DNSKEY_ALG,
			     "algorithm %u disabled by policy", sig->algorithm);
		else
			note(nt, 1, DNS_EDE_DNSSEC_BOGUS,
			     "RRSIG with key tag %u does not verify",
			     sig->key_tag);
	}
	if (!any)
		note(nt, 2, DNS_EDE_DNSKEY_MISSING,
		     "no DNSKEY matches key tag %u", sig->key_tag);
	return 0;
}

enum val_status val_rrset_verify(const struct val_rrset *set,
				 struct val_keyset *ks, uint32_t now,
				 struct val_budget *b, struct val_result *r,
				 struct val_sig_info *info)
{
	struct sig_note nt = { .rank = -1 };
	unsigned int olabels = sig_owner_labels(set->owner);
	unsigned int tried = 0;
	uint32_t skew = b->lim.clock_skew;

	val_result_init(r);
	if (set->sig_count == 0)
		return val_result_set(r, VAL_BOGUS, DNS_EDE_RRSIGS_MISSING,
				      "no RRSIG for the RRset");
	note(&nt, 0, DNS_EDE_DNSSEC_BOGUS, "no usable RRSIG", 0);
	for (size_t i = 0; i < set->sig_count; i++) {
		const struct dns_rr *srr = &set->rr[set->sig_idx[i]];
		struct val_rrsig sig;
		uint8_t *data = NULL;
		size_t len = 0, which = 0;
		int ret;

		if (val_rrsig_parse(srr->rdata, srr->rdata_len, &sig) ||
		    srr->rclass != set->rclass || sig.type_covered != set->type)
			continue;
		/* RFC 4035 5.3.1: the signer is the zone of the key set and
		 * an ancestor-or-self of the owner. */
		if (!dns_name_equal(sig.signer, ks->zone) ||
		    !dns_name_is_subdomain(set->owner, sig.signer)) {
			note(&nt, 1, DNS_EDE_DNSSEC_BOGUS,
			     "RRSIG signer is not the zone of the keys", 0);
			continue;
		}
		if (sig.labels > olabels) {
			note(&nt, 1, DNS_EDE_DNSSEC_BOGUS,
			     "RRSIG Labels %u larger than the owner's", sig.labels);
			continue;
		}
		if (!dnssec_algorithm_supported(sig.algorithm)) {
			note(&nt, 2, DNS_EDE_UNSUPPORTED_DNSKEY_ALG,
			     "RRSIG algorithm %u unsupported", sig.algorithm);
			continue;
		}
		/* RFC 4035 5.3.1: inception <= now <= expiration, compared
		 * in serial number arithmetic (RFC 4034 3.1.5). */
		if (val_serial_lt(sig.expiration + skew, now)) {
			note(&nt, 5, DNS_EDE_SIGNATURE_EXPIRED,
			     "RRSIG with key tag %u expired", sig.key_tag);
			continue;
		}
		if (val_serial_lt(now, sig.inception - skew)) {
			note(&nt, 5, DNS_EDE_SIGNATURE_NOT_YET_VALID,
			     "RRSIG with key tag %u not yet valid", sig.key_tag);
			continue;
		}
		if (tried >= b->lim.max_rrsigs_per_rrset)
			return val_budget_fail(b, r, "RRSIGs tried for one RRset");
		tried++;
		if (val_rrsig_signed_data(set, &sig, &data, &len)) {
			note(&nt, 1, DNS_EDE_DNSSEC_BOGUS,
			     "cannot build signed data", 0);
			continue;
		}
		ret = try_keys(ks, &sig, data, len, b, r, &nt, &which);
		free(data);
		if (ret < 0)
			return VAL_BOGUS;
		if (ret == 1) {
			uint32_t ttl = set->ttl, left;

			/* RFC 4035 5.3.3: the Original TTL caps the TTL,
			 * and nothing outlives its signature. */
			if (sig.original_ttl < ttl)
				ttl = sig.original_ttl;
			left = val_serial_lt(now, sig.expiration) ?
				       sig.expiration - now : 0;
			if (left < ttl)
				ttl = left;
			val_result_set(r, VAL_SECURE, 0, "%s", "");
			r->ttl = ttl;
			r->expire = sig.expiration;
			r->has_expire = true;
			if (info) {
				info->wildcard = sig.labels < olabels;
				info->labels = sig.labels;
				info->key_tag = sig.key_tag;
				info->key_index = which;
			}
			return VAL_SECURE;
		}
	}
	return val_result_set(r, VAL_BOGUS, nt.ede, "%s", nt.text);
}
