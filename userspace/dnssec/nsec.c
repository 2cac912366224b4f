// SPDX-License-Identifier: GPL-2.0
/* Denial of existence with NSEC (RFC 4035 3.1.3, 5.4; RFC 6840 4). */
#include <string.h>

#include "dns/edns.h"
#include "dns/name.h"
#include "dns/rr.h"
#include "dnssec/nsec.h"

struct nsec_view {
	const uint8_t *owner;
	const uint8_t *next;
	const uint8_t *bitmap;
	size_t bitmap_len;
};

static bool nsec_view(const struct dns_rr *rr, struct nsec_view *v)
{
	int n = dns_name_unpack_flat(rr->rdata, rr->rdata_len, NULL);

	if (n < 0)
		return false;
	v->owner = rr->owner;
	v->next = rr->rdata;
	v->bitmap = rr->rdata + n;
	v->bitmap_len = rr->rdata_len - (size_t)n;
	return dns_nsec_bitmap_check(v->bitmap, v->bitmap_len) == 0;
}

static bool has(const struct nsec_view *v, uint16_t type)
{
	return dns_nsec_bitmap_has_type(v->bitmap, v->bitmap_len, type);
}

bool val_nsec_covers(const uint8_t *owner, const uint8_t *next,
		     const uint8_t *name)
{
	if (dns_name_compare(owner, name) >= 0)
		return false;
	/* The last NSEC points back to the apex (next <= owner). */
	if (dns_name_compare(next, owner) <= 0)
		return true;
	return dns_name_compare(name, next) < 0;
}

/* RFC 6840 4.1: an NSEC at a DNAME, or at a delegation seen from the
 * parent (NS without SOA), says nothing about names below its owner. */
static bool usable_for(const struct nsec_view *v, const uint8_t *name)
{
	if (!dns_name_is_subdomain(name, v->owner) ||
	    dns_name_equal(name, v->owner))
		return true;
	if (has(v, DNS_TYPE_DNAME))
		return false;
	return !(has(v, DNS_TYPE_NS) && !has(v, DNS_TYPE_SOA));
}

/* The records of @d that are in the zone and well formed. */
static size_t views(const struct val_denial *d, struct nsec_view *out)
{
	size_t n = 0;

	for (size_t i = 0; i < d->nsec_count; i++) {
		if (!dns_name_is_subdomain(d->nsec[i]->owner, d->zone))
			continue;
		if (nsec_view(d->nsec[i], &out[n]))
			n++;
	}
	return n;
}

static const struct nsec_view *find_cover(const struct nsec_view *v,
					  size_t n, const uint8_t *name)
{
	for (size_t i = 0; i < n; i++)
		if (val_nsec_covers(v[i].owner, v[i].next, name) &&
		    usable_for(&v[i], name))
			return &v[i];
	return NULL;
}

static const struct nsec_view *find_match(const struct nsec_view *v,
					  size_t n, const uint8_t *name)
{
	for (size_t i = 0; i < n; i++)
		if (dns_name_equal(v[i].owner, name))
			return &v[i];
	return NULL;
}

/* Closest encloser of @name from the NSEC covering it: the longer of the
 * suffixes it shares with the owner and with the next name (RFC 4035
 * 5.4; a name sorting between them has no existing ancestor deeper). */
static unsigned int ce_labels(const struct nsec_view *c, const uint8_t *name)
{
	unsigned int a = dns_name_common_labels(name, c->owner);
	unsigned int b = dns_name_common_labels(name, c->next);

	return a > b ? a : b;
}

enum val_status val_nsec_nxdomain(const struct val_denial *d,
				  const uint8_t *qname, struct val_result *r)
{
	struct nsec_view v[VAL_DENIAL_MAX];
	uint8_t wild[DNS_NAME_MAXLEN];
	const struct nsec_view *c;
	size_t n = views(d, v);
	unsigned int ce;

	if (find_match(v, n, qname))
		return val_result_set(r, VAL_BOGUS, DNS_EDE_DNSSEC_BOGUS,
				      "NXDOMAIN but an NSEC owns the name");
	c = find_cover(v, n, qname);
	if (!c)
		return val_result_set(r, VAL_BOGUS, DNS_EDE_NSEC_MISSING,
				      "no NSEC covers the name");
	/* A next name below the name makes it an empty non-terminal: it
	 * exists (RFC 8020 2); such an NSEC proves no data, never a name
	 * error. */
	if (dns_name_is_subdomain(c->next, qname) && !dns_name_equal(c->next, qname))
		return val_result_set(r, VAL_BOGUS, DNS_EDE_DNSSEC_BOGUS,
				      "NXDOMAIN for an empty non-terminal");
	ce = ce_labels(c, qname);
	if (ce < dns_name_label_count(d->zone))
		return val_result_set(r, VAL_BOGUS, DNS_EDE_DNSSEC_BOGUS,
				      "NSEC closest encloser outside the zone");
	if (dns_name_wildcard(wild, dns_name_suffix(qname, ce)) < 0)
		return val_result_set(r, VAL_BOGUS, DNS_EDE_DNSSEC_BOGUS,
				      "wildcard name too long");
	/* The source of synthesis must not exist either. */
	if (find_match(v, n, wild))
		return val_result_set(r, VAL_BOGUS, DNS_EDE_DNSSEC_BOGUS,
				      "wildcard exists: NXDOMAIN is wrong");
	if (!find_cover(v, n, wild))
		return val_result_set(r, VAL_BOGUS, DNS_EDE_NSEC_MISSING,
				      "no NSEC denies the wildcard");
	return val_result_set(r, VAL_SECURE, 0, "NSEC name error proof");
}

enum val_status val_nsec_nodata(const struct val_denial *d,
				const uint8_t *qname, uint16_t qtype,
				struct val_result *r)
{
	struct nsec_view v[VAL_DENIAL_MAX];
	uint8_t wild[DNS_NAME_MAXLEN];
	const struct nsec_view *m, *c;
	size_t n = views(d, v);

	m = find_match(v, n, qname);
	if (m) {
		if (has(m, qtype) || has(m, DNS_TYPE_CNAME))
			return val_result_set(r, VAL_BOGUS,
					      DNS_EDE_DNSSEC_BOGUS,
					      "NSEC lists the type denied");
		if (qtype == DNS_TYPE_DS) {
			/* The child apex NSEC cannot deny the parent's DS
			 * (the root has no parent). */
			if (has(m, DNS_TYPE_SOA) && qname[0] != 0)
				return val_result_set(r, VAL_BOGUS,
					DNS_EDE_DNSSEC_BOGUS,
					"DS denied by the child's NSEC");
		} else if (has(m, DNS_TYPE_NS) && !has(m, DNS_TYPE_SOA)) {
			return val_result_set(r, VAL_BOGUS,
					      DNS_EDE_DNSSEC_BOGUS,
					      "NSEC from the parent side of a "
					      "delegation (RFC 6840 4.1)");
		}
		return val_result_set(r, VAL_SECURE, 0, "NSEC no data proof");
	}
	c = find_cover(v, n, qname);
	if (!c)
		return val_result_set(r, VAL_BOGUS, DNS_EDE_NSEC_MISSING,
				      "no NSEC matches or covers the name");
	/* RFC 4035 3.1.3.2: an empty non-terminal sorts just before the
	 * names below it, so the covering NSEC's next name descends. */
	if (dns_name_is_subdomain(c->next, qname) &&
	    !dns_name_equal(c->next, qname))
		return val_result_set(r, VAL_SECURE, 0,
				      "NSEC empty non-terminal proof");
	/* Wildcard no data: the name does not exist, the wildcard at its
	 * closest encloser does but lacks the type. */
	if (dns_name_wildcard(wild, dns_name_suffix(qname, ce_labels(c, qname)))
	    >= 0) {
		m = find_match(v, n, wild);
		if (m && !has(m, qtype) && !has(m, DNS_TYPE_CNAME))
			return val_result_set(r, VAL_SECURE, 0,
					      "NSEC wildcard no data proof");
	}
	return val_result_set(r, VAL_BOGUS, DNS_EDE_NSEC_MISSING,
			      "no NSEC proves the type absent");
}

enum val_status val_nsec_wildcard(const struct val_denial *d,
				  const uint8_t *qname, unsigned int labels,
				  struct val_result *r)
{
	struct nsec_view v[VAL_DENIAL_MAX];
	const struct nsec_view *c;
	size_t n = views(d, v);

	c = find_cover(v, n, qname);
	if (!c)
		return val_result_set(r, VAL_BOGUS, DNS_EDE_NSEC_MISSING,
				      "wildcard answer without an NSEC "
				      "denying the name");
	/* A name sharing more labels with the query than the wildcard's
	 * parent would be a closer match that forbids the expansion. */
	if (ce_labels(c, qname) > labels)
		return val_result_set(r, VAL_BOGUS, DNS_EDE_DNSSEC_BOGUS,
				      "a closer name exists: wildcard "
				      "expansion not allowed");
	return val_result_set(r, VAL_SECURE, 0, "NSEC wildcard proof");
}

enum val_status val_nsec_cut(const struct val_denial *d, const uint8_t *name,
			     enum val_cut *cut, struct val_result *r)
{
	struct nsec_view v[VAL_DENIAL_MAX];
	const struct nsec_view *m, *c;
	size_t n = views(d, v);

	*cut = VAL_CUT_NONE;
	m = find_match(v, n, name);
	if (m) {
		if (has(m, DNS_TYPE_DS))
			return val_result_set(r, VAL_BOGUS,
					      DNS_EDE_DNSSEC_BOGUS,
					      "NSEC lists the DS denied");
		if (has(m, DNS_TYPE_SOA))
			return val_result_set(r, VAL_BOGUS,
					      DNS_EDE_DNSSEC_BOGUS,
					      "DS denied by the child's NSEC");
		/* RFC 4035 5.2: NS without DS at a cut proves an
		 * insecure delegation. */
		if (has(m, DNS_TYPE_NS))
			*cut = VAL_CUT_INSECURE;
		return val_result_set(r, VAL_SECURE, 0, "NSEC: no DS");
	}
	c = find_cover(v, n, name);
	if (!c)
		return val_result_set(r, VAL_BOGUS, DNS_EDE_NSEC_MISSING,
				      "no NSEC proves the DS absent");
	/* Empty non-terminal or non-existent name: not a delegation. */
	return val_result_set(r, VAL_SECURE, 0, "NSEC: not a zone cut");
}
