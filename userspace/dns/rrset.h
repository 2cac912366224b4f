/* SPDX-License-Identifier: GPL-2.0 */
/* Grouping the records of a parsed section into RRsets. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "dns/message.h"

/**
 * struct dns_rrset - the records of one RRset inside a parsed message.
 * @owner:   owner name (of the first record; the others equal it ignoring
 *           case).
 * @type:    RR type.
 * @rclass:  class.
 * @covered: for RRSIG sets, the Type Covered they sign (RRSIGs are grouped
 *           per covered type, RFC 4035 5.3.1 checks them per set); else 0.
 * @ttl:     the smallest TTL of the records.
 * @first:   index in the order array given to dns_rrset_group() of the
 *           first record.
 * @count:   number of records.
 * @section: enum dns_section.
 */
struct dns_rrset {
	const uint8_t *owner;
	uint16_t type;
	uint16_t rclass;
	uint16_t covered;
	uint32_t ttl;
	uint32_t first;
	uint32_t count;
	uint8_t section;
};

/**
 * dns_rrset_group() - group a section's records into RRsets.
 * @msg:       a parsed message.
 * @section:   enum dns_section.
 * @sets:      output array of sets, in order of first appearance.
 * @max_sets:  its capacity (the section's record count always suffices).
 * @order:     output array of indexes into @msg->rr such that the records
 *             of @sets[i] are @order[@sets[i].first ..+ count], in wire
 *             order; capacity at least the section's record count.
 *
 * Records are of one set when owner (case-insensitive), class, type, and
 * for RRSIG the covered type, are equal, wherever they occur in the
 * section. Work is quadratic in the number of distinct sets, which a
 * section of at most 65535 / 11 records bounds.
 *
 * Return: the number of sets, or XDPDNS_ESPACE if @max_sets is too small.
 */
int dns_rrset_group(const struct dns_msg *msg, enum dns_section section,
		    struct dns_rrset *sets, size_t max_sets, uint32_t *order);

/**
 * dns_rrsig_covered() - the Type Covered of RRSIG RDATA (0 if too short).
 */
static inline uint16_t dns_rrsig_covered(const uint8_t *rdata, size_t len)
{
	return len >= 2 ? (uint16_t)(rdata[0] << 8 | rdata[1]) : 0;
}
