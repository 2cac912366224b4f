// SPDX-License-Identifier: GPL-2.0
/* A parsed response seen as RRsets with their RRSIGs, per section. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dns/name.h"
#include "dnssec/sections.h"

int val_sections_load(struct val_sections *vs, const struct dns_msg *msg)
{
	int err = 0;

	memset(vs, 0, sizeof(*vs));
	vs->msg = msg;
	for (int s = 0; s < DNS_SECTION_COUNT; s++) {
		size_t cnt = msg->section_count[s];
		int n;

		vs->sets[s] = calloc(cnt ? cnt : 1, sizeof(struct dns_rrset));
		vs->order[s] = calloc(cnt ? cnt : 1, sizeof(uint32_t));
		if (!vs->sets[s] || !vs->order[s]) {
			err = -ENOMEM;
			goto out;
		}
		n = dns_rrset_group(msg, s, vs->sets[s], cnt ? cnt : 1,
				    vs->order[s]);
		if (n < 0) {
			err = n;
			goto out;
		}
		vs->n[s] = (size_t)n;
	}
out:
	if (err)
		val_sections_release(vs);
	return err;
}

void val_sections_release(struct val_sections *vs)
{
	for (int s = 0; s < DNS_SECTION_COUNT; s++) {
		free(vs->sets[s]);
		free(vs->order[s]);
		vs->sets[s] = NULL;
		vs->order[s] = NULL;
		vs->n[s] = 0;
	}
}

bool val_sections_set(const struct val_sections *vs, int section, size_t i,
		      struct val_rrset *out)
{
	const struct dns_rrset *set;

	if (section < 0 || section >= DNS_SECTION_COUNT || i >= vs->n[section])
		return false;
	set = &vs->sets[section][i];
	if (set->type == DNS_TYPE_RRSIG)
		return false;
	memset(out, 0, sizeof(*out));
	out->rr = vs->msg->rr;
	out->idx = vs->order[section] + set->first;
	out->count = set->count;
	out->owner = set->owner;
	out->type = set->type;
	out->rclass = set->rclass;
	out->ttl = set->ttl;
	for (size_t j = 0; j < vs->n[section]; j++) {
		const struct dns_rrset *sg = &vs->sets[section][j];

		if (sg->type != DNS_TYPE_RRSIG || sg->covered != set->type ||
		    sg->rclass != set->rclass ||
		    !dns_name_equal(sg->owner, set->owner))
			continue;
		out->sig_idx = vs->order[section] + sg->first;
		out->sig_count = sg->count;
		break;
	}
	return true;
}

bool val_sections_find(const struct val_sections *vs, int section,
		       const uint8_t *owner, uint16_t type,
		       struct val_rrset *out)
{
	for (size_t i = 0; i < vs->n[section]; i++) {
		const struct dns_rrset *set = &vs->sets[section][i];

		if (set->type == type && dns_name_equal(set->owner, owner))
			return val_sections_set(vs, section, i, out);
	}
	return false;
}

const uint8_t *val_rrset_signer(const struct val_rrset *set)
{
	for (size_t i = 0; i < set->sig_count; i++) {
		const struct dns_rr *rr = &set->rr[set->sig_idx[i]];
		struct val_rrsig sig;

		if (val_rrsig_parse(rr->rdata, rr->rdata_len, &sig) == 0 &&
		    sig.type_covered == set->type)
			return sig.signer;
	}
	return NULL;
}
