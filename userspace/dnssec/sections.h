/* SPDX-License-Identifier: GPL-2.0 */
/* A parsed response seen as RRsets with their RRSIGs, per section. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/message.h"
#include "dns/rrset.h"
#include "dnssec/rrsig.h"

/**
 * struct val_sections - the RRsets of each section of one message.
 * @msg:   the parsed message (borrowed).
 * @sets:  per section, the RRsets from dns_rrset_group() (RRSIG sets
 *         included, one per covered type).
 * @order: per section, the record order array they index.
 * @n:     per section, number of sets.
 */
struct val_sections {
	const struct dns_msg *msg;
	struct dns_rrset *sets[DNS_SECTION_COUNT];
	uint32_t *order[DNS_SECTION_COUNT];
	size_t n[DNS_SECTION_COUNT];
};

/**
 * val_sections_load() - group every section of @msg.
 * Return: 0, -ENOMEM, or an error of dns_rrset_group(). On error nothing
 * needs releasing.
 */
int val_sections_load(struct val_sections *vs, const struct dns_msg *msg);

/** val_sections_release() - free what val_sections_load() allocated. */
void val_sections_release(struct val_sections *vs);

/**
 * val_sections_set() - the @i-th set of a section as a struct val_rrset,
 * with the RRSIGs of the same section that cover it.
 * Return: false when @i is out of range or the set is itself RRSIGs.
 */
bool val_sections_set(const struct val_sections *vs, int section, size_t i,
		      struct val_rrset *out);

/**
 * val_sections_find() - the RRset (@owner, @type) of a section.
 * Return: true when found (then @out is filled).
 */
bool val_sections_find(const struct val_sections *vs, int section,
		       const uint8_t *owner, uint16_t type,
		       struct val_rrset *out);

/**
 * val_rrset_signer() - the signer name of the first well-formed RRSIG of
 * @set that covers its type, or NULL when it has none.
 */
const uint8_t *val_rrset_signer(const struct val_rrset *set);
