// SPDX-License-Identifier: GPL-2.0
/* DNSSEC canonical form (RFC 4034 6, RFC 6840 5.1) and RRset ordering. */
#include <stdlib.h>
#include <string.h>

#include "dns/canonical.h"
#include "dns/message.h"
#include "dns/name.h"
#include "dns/rr.h"
#include "util/error.h"

int dns_canonical_rdata(uint16_t type, const uint8_t *rdata, size_t len,
			uint8_t *out, size_t cap)
{
	const struct dns_type_info *ti = dns_type_info(type);
	uint16_t offs[4];
	int n;

	if (len > cap)
		return XDPDNS_ESPACE;
	if (out != rdata)
		memcpy(out, rdata, len);
	if (!ti || !(ti->flags & DNS_TYPEF_CANON_LOWER))
		return (int)len;
	if (dns_rdata_check(type, rdata, len))
		return XDPDNS_EBAD_RDATA;
	/*
	 * RFC 4034 6.2 item 3 with RFC 6840 5.1: only the listed types have
	 * their embedded names lowercased; RRSIG and NSEC are not listed.
	 */
	n = dns_rdata_name_offsets(type, out, len, offs, NULL);
	for (int i = 0; i < n; i++)
		dns_name_to_lower(out + offs[i]);
	return (int)len;
}

int dns_canonical_rr(const uint8_t *owner, uint16_t type, uint16_t rclass,
		     uint32_t orig_ttl, const uint8_t *rdata, size_t rdlen,
		     uint8_t *out, size_t cap)
{
	size_t olen = dns_name_length(owner);
	int n;

	if (rdlen > DNS_RDATA_MAXLEN || olen + DNS_RR_FIXED_LEN + rdlen > cap)
		return XDPDNS_ESPACE;
	memcpy(out, owner, olen);
	dns_name_to_lower(out);
	dns_put16(out + olen, type);
	dns_put16(out + olen + 2, rclass);
	dns_put32(out + olen + 4, orig_ttl);
	dns_put16(out + olen + 8, (uint16_t)rdlen);
	n = dns_canonical_rdata(type, rdata, rdlen, out + olen + DNS_RR_FIXED_LEN,
				cap - olen - DNS_RR_FIXED_LEN);
	if (n < 0)
		return n;
	return (int)(olen + DNS_RR_FIXED_LEN + rdlen);
}

int dns_canonical_rdata_compare(const struct dns_rdata_view *a,
				const struct dns_rdata_view *b)
{
	size_t m = a->len < b->len ? a->len : b->len;
	int r = m ? memcmp(a->data, b->data, m) : 0;

	if (r)
		return r;
	return (a->len > b->len) - (a->len < b->len);
}

static int view_cmp(const void *a, const void *b)
{
	return dns_canonical_rdata_compare(a, b);
}

size_t dns_canonical_sort(struct dns_rdata_view *views, size_t count)
{
	size_t out = 0;

	if (count < 2)
		return count;
	qsort(views, count, sizeof(*views), view_cmp);
	/* RFC 4034 6.3: duplicate records are not part of the RRset. */
	for (size_t i = 0; i < count; i++)
		if (!out || dns_canonical_rdata_compare(&views[out - 1],
							&views[i]))
			views[out++] = views[i];
	return out;
}
