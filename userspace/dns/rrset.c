// SPDX-License-Identifier: GPL-2.0
/* Grouping the records of a parsed section into RRsets. */
#include <string.h>

#include "dns/rrset.h"
#include "util/error.h"

static uint16_t covered_of(const struct dns_rr *rr)
{
	return rr->type == DNS_TYPE_RRSIG ?
		       dns_rrsig_covered(rr->rdata, rr->rdata_len) : 0;
}

static bool in_set(const struct dns_rrset *set, const struct dns_rr *rr)
{
	return set->type == rr->type && set->rclass == rr->rclass &&
	       set->covered == covered_of(rr) &&
	       dns_name_equal(set->owner, rr->owner);
}

int dns_rrset_group(const struct dns_msg *msg, enum dns_section section,
		    struct dns_rrset *sets, size_t max_sets, uint32_t *order)
{
	size_t n, nsets = 0, base = msg->section_first[section];
	const struct dns_rr *rr = dns_msg_section(msg, section, &n);

	/* First pass: find each record's set, counting members. */
	for (size_t i = 0; i < n; i++) {
		size_t s;

		/* Most messages list a set's records together: try the last. */
		if (nsets && in_set(&sets[nsets - 1], &rr[i])) {
			s = nsets - 1;
		} else {
			for (s = 0; s < nsets; s++)
				if (in_set(&sets[s], &rr[i]))
					break;
		}
		if (s == nsets) {
			if (nsets == max_sets)
				return XDPDNS_ESPACE;
			sets[s] = (struct dns_rrset){
				.owner = rr[i].owner,
				.type = rr[i].type,
				.rclass = rr[i].rclass,
				.covered = covered_of(&rr[i]),
				.ttl = rr[i].ttl,
				.section = (uint8_t)section,
			};
			nsets++;
		}
		sets[s].count++;
		if (rr[i].ttl < sets[s].ttl)
			sets[s].ttl = rr[i].ttl;
	}
	/* Second pass: lay the members out set after set, in wire order. */
	for (size_t s = 0, first = 0; s < nsets; s++) {
		sets[s].first = (uint32_t)first;
		first += sets[s].count;
		sets[s].count = 0;
	}
	for (size_t i = 0; i < n; i++) {
		size_t s;

		for (s = 0; s < nsets; s++)
			if (in_set(&sets[s], &rr[i]))
				break;
		order[sets[s].first + sets[s].count++] = (uint32_t)(base + i);
	}
	return (int)nsets;
}
