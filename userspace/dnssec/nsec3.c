// SPDX-License-Identifier: GPL-2.0
/* Denial of existence with NSEC3 (RFC 5155 8, RFC 9276 limits). */
#include <string.h>

#include "dns/edns.h"
#include "dns/name.h"
#include "dns/rr.h"
#include "dnssec/base32hex.h"
#include "dnssec/crypto.h"
#include "dnssec/nsec3.h"
#include "util/error.h"

int val_nsec3_parse(const struct dns_rr *rr, struct val_nsec3 *out)
{
	const uint8_t *p = rr->rdata, *end = rr->rdata + rr->rdata_len;
	int n;

	if (rr->rdata_len < 6)
		return XDPDNS_EBAD_RDATA;
	out->hash_alg = p[0];
	out->flags = p[1];
	out->iterations = dns_get16(p + 2);
	out->salt_len = p[4];
	p += 5;
	if ((size_t)(end - p) < out->salt_len + 1)
		return XDPDNS_EBAD_RDATA;
	out->salt = p;
	p += out->salt_len;
	out->next_len = *p++;
	if (out->next_len == 0 || (size_t)(end - p) < out->next_len)
		return XDPDNS_EBAD_RDATA;
	out->next = p;
	p += out->next_len;
	out->bitmap = p;
	out->bitmap_len = (size_t)(end - p);
	if (dns_nsec_bitmap_check(out->bitmap, out->bitmap_len))
		return XDPDNS_EBAD_RDATA;
	n = dnssec_base32hex_decode((const char *)rr->owner + 1, rr->owner[0],
				    out->owner_hash, sizeof(out->owner_hash));
	if (n <= 0)
		return XDPDNS_ESYNTAX;
	out->owner_hash_len = (size_t)n;
	return 0;
}

static bool has(const struct val_nsec3 *v, uint16_t type)
{
	return dns_nsec_bitmap_has_type(v->bitmap, v->bitmap_len, type);
}

/* The state of one NSEC3 proof: usable records and a small hash cache
 * so that a name is hashed once per parameter set. */
struct n3 {
	struct val_nsec3 rec[VAL_DENIAL_MAX];
	size_t count;
	bool over_limit;	/* some record exceeded the iteration cap */
	struct val_budget *b;
	struct {
		uint8_t name[DNS_NAME_MAXLEN];
		size_t rec;	/* record whose parameters were used */
		uint8_t hash[DNSSEC_NSEC3_HASH_LEN];
	} cache[16];
	size_t cached;
};

static void n3_load(struct n3 *s, const struct val_denial *d,
		    struct val_budget *b)
{
	unsigned int zl = dns_name_label_count(d->zone);

	s->count = 0;
	s->cached = 0;
	s->over_limit = false;
	s->b = b;
	for (size_t i = 0; i < d->nsec3_count; i++) {
		struct val_nsec3 *v = &s->rec[s->count];
		const uint8_t *owner = d->nsec3[i]->owner;

		/* The owner is <hash>.<zone>, exactly one label deeper. */
		if (dns_name_label_count(owner) != zl + 1 ||
		    !dns_name_equal(dns_name_strip(owner, 1), d->zone))
			continue;
		if (val_nsec3_parse(d->nsec3[i], v))
			continue;
		/* RFC 5155 8.1: unknown hash algorithms are ignored. */
		if (v->hash_alg != 1 ||
		    v->owner_hash_len != DNSSEC_NSEC3_HASH_LEN ||
		    v->next_len != DNSSEC_NSEC3_HASH_LEN)
			continue;
		/* RFC 9276 3.2: too many iterations; never hash them. */
		if (v->iterations > b->lim.max_nsec3_iterations) {
			s->over_limit = true;
			continue;
		}
		s->count++;
	}
}

static bool same_params(const struct val_nsec3 *a, const struct val_nsec3 *b)
{
	return a->iterations == b->iterations && a->salt_len == b->salt_len &&
	       memcmp(a->salt, b->salt, a->salt_len) == 0;
}

/* Hash @name with the parameters of record @ri; 0 or XDPDNS_ELIMIT. */
static int n3_hash(struct n3 *s, const uint8_t *name, size_t ri,
		   const uint8_t **out)
{
	size_t slot;

	for (size_t i = 0; i < s->cached; i++) {
		if (dns_name_equal(s->cache[i].name, name) &&
		    same_params(&s->rec[s->cache[i].rec], &s->rec[ri])) {
			*out = s->cache[i].hash;
			return 0;
		}
	}
	if (val_budget_take_hash(s->b))
		return XDPDNS_ELIMIT;
	slot = s->cached < 16 ? s->cached++ : 15;
	dns_name_copy(s->cache[slot].name, name);
	dns_name_to_lower(s->cache[slot].name);
	s->cache[slot].rec = ri;
	if (dnssec_nsec3_hash(1, s->rec[ri].iterations, s->rec[ri].salt,
			      s->rec[ri].salt_len, s->cache[slot].name,
			      dns_name_length(s->cache[slot].name),
			      s->cache[slot].hash))
		memset(s->cache[slot].hash, 0, DNSSEC_NSEC3_HASH_LEN);
	*out = s->cache[slot].hash;
	return 0;
}

/* Find the record matching (@want_cover false) or covering @name.
 * Return: index, -1 when none, XDPDNS_ELIMIT on the hash cap. */
static int n3_find(struct n3 *s, const uint8_t *name, bool want_cover)
{
	for (size_t i = 0; i < s->count; i++) {
		const struct val_nsec3 *v = &s->rec[i];
		const uint8_t *h;
		int lo, hi;

		if (n3_hash(s, name, i, &h))
			return XDPDNS_ELIMIT;
		lo = memcmp(v->owner_hash, h, DNSSEC_NSEC3_HASH_LEN);
		if (!want_cover) {
			if (lo == 0)
				return (int)i;
			continue;
		}
		hi = memcmp(h, v->next, DNSSEC_NSEC3_HASH_LEN);
		/* Covered: owner < h < next, or the last record of the
		 * chain (next <= owner) and h outside [next, owner]. */
		if (memcmp(v->next, v->owner_hash, DNSSEC_NSEC3_HASH_LEN) > 0) {
			if (lo < 0 && hi < 0)
				return (int)i;
		} else if (lo < 0 || hi < 0) {
			return (int)i;
		}
	}
	return -1;
}

static enum val_status limit(struct n3 *s, struct val_result *r)
{
	return val_budget_fail(s->b, r, "NSEC3 hash computations per query");
}

static enum val_status iter_insecure(struct val_result *r)
{
	return val_result_set(r, VAL_INSECURE,
			      DNS_EDE_UNSUPPORTED_NSEC3_ITERATIONS,
			      "NSEC3 iterations above the limit (RFC 9276)");
}

/*
 * RFC 5155 8.3 closest encloser proof for @qname. On success *ce_labels
 * is the closest encloser's label count, *nc_rec the record covering the
 * next closer name. Return VAL_SECURE, or a failure already in @r.
 */
static enum val_status closest_encloser(struct n3 *s,
					const struct val_denial *d,
					const uint8_t *qname,
					unsigned int *ce_labels, int *nc_rec,
					struct val_result *r)
{
	unsigned int zl = dns_name_label_count(d->zone);
	unsigned int ql = dns_name_label_count(qname);
	const uint8_t *next_closer = NULL;
	int m = -1;

	if (!dns_name_is_subdomain(qname, d->zone))
		return val_result_set(r, VAL_BOGUS, DNS_EDE_DNSSEC_BOGUS,
				      "name outside the NSEC3 zone");
	for (unsigned int l = ql; l >= zl; l--) {
		const uint8_t *cand = dns_name_suffix(qname, l);

		m = n3_find(s, cand, false);
		if (m == XDPDNS_ELIMIT)
			return limit(s, r);
		if (m >= 0) {
			const struct val_nsec3 *v = &s->rec[m];

			/* RFC 5155 8.3: a delegation or DNAME seen from
			 * the parent cannot be the closest encloser. */
			if (has(v, DNS_TYPE_DNAME) ||
			    (has(v, DNS_TYPE_NS) && !has(v, DNS_TYPE_SOA)))
				return val_result_set(r, VAL_BOGUS,
					DNS_EDE_DNSSEC_BOGUS,
					"NSEC3 closest encloser is a "
					"delegation or DNAME");
			*ce_labels = l;
			break;
		}
		next_closer = cand;
		if (l == 0)
			break;
	}
	if (m < 0)
		return s->over_limit ? iter_insecure(r) :
			val_result_set(r, VAL_BOGUS, DNS_EDE_NSEC_MISSING,
				       "no NSEC3 closest encloser");
	if (!next_closer)
		return val_result_set(r, VAL_BOGUS, DNS_EDE_DNSSEC_BOGUS,
				      "NSEC3 matches the name itself");
	*nc_rec = n3_find(s, next_closer, true);
	if (*nc_rec == XDPDNS_ELIMIT)
		return limit(s, r);
	if (*nc_rec < 0)
		return s->over_limit ? iter_insecure(r) :
			val_result_set(r, VAL_BOGUS, DNS_EDE_NSEC_MISSING,
				       "no NSEC3 covers the next closer name");
	return VAL_SECURE;
}

enum val_status val_nsec3_nxdomain(const struct val_denial *d,
				   const uint8_t *qname, struct val_budget *b,
				   struct val_result *r)
{
	struct n3 local, *s = &local;
	uint8_t wild[DNS_NAME_MAXLEN];
	unsigned int ce = 0;
	int nc = -1, w;
	enum val_status st;

	n3_load(s, d, b);
	st = closest_encloser(s, d, qname, &ce, &nc, r);
	if (st != VAL_SECURE)
		return st;
	if (dns_name_wildcard(wild, dns_name_suffix(qname, ce)) < 0)
		return val_result_set(r, VAL_BOGUS, DNS_EDE_DNSSEC_BOGUS,
				      "wildcard name too long");
	w = n3_find(s, wild, true);
	if (w == XDPDNS_ELIMIT)
		return limit(s, r);
	if (w < 0)
		return s->over_limit ? iter_insecure(r) :
			val_result_set(r, VAL_BOGUS, DNS_EDE_NSEC_MISSING,
				       "no NSEC3 covers the wildcard");
	/* An opt-out span may hide an unsigned delegation at the next
	 * closer name: the name error cannot be Secure. */
	if (s->rec[nc].flags & VAL_NSEC3_FLAG_OPTOUT)
		return val_result_set(r, VAL_INSECURE, 0,
				      "NXDOMAIN inside an NSEC3 opt-out span");
	return val_result_set(r, VAL_SECURE, 0, "NSEC3 name error proof");
}

enum val_status val_nsec3_nodata(const struct val_denial *d,
				 const uint8_t *qname, uint16_t qtype,
				 struct val_budget *b, struct val_result *r)
{
	struct n3 local, *s = &local;
	uint8_t wild[DNS_NAME_MAXLEN];
	unsigned int ce = 0;
	int m, nc = -1;
	enum val_status st;

	n3_load(s, d, b);
	m = n3_find(s, qname, false);
	if (m == XDPDNS_ELIMIT)
		return limit(s, r);
	if (m >= 0) {
		const struct val_nsec3 *v = &s->rec[m];

		/* RFC 5155 8.5: the matching NSEC3 lacks the type and
		 * CNAME (this covers empty non-terminals too, 7.1). */
		if (has(v, qtype) || has(v, DNS_TYPE_CNAME))
			return val_result_set(r, VAL_BOGUS,
					      DNS_EDE_DNSSEC_BOGUS,
					      "NSEC3 lists the type denied");
		if (qtype == DNS_TYPE_DS) {
			if (has(v, DNS_TYPE_SOA) && qname[0] != 0)
				return val_result_set(r, VAL_BOGUS,
					DNS_EDE_DNSSEC_BOGUS,
					"DS denied by the child's NSEC3");
		} else if (has(v, DNS_TYPE_NS) && !has(v, DNS_TYPE_SOA)) {
			return val_result_set(r, VAL_BOGUS,
					      DNS_EDE_DNSSEC_BOGUS,
					      "NSEC3 from the parent side of a "
					      "delegation");
		}
		return val_result_set(r, VAL_SECURE, 0, "NSEC3 no data proof");
	}
	if (s->over_limit)
		return iter_insecure(r);
	st = closest_encloser(s, d, qname, &ce, &nc, r);
	if (st != VAL_SECURE)
		return st;
	/* RFC 5155 8.6: no DS, next closer in an opt-out span: the
	 * delegation, if any, is unsigned. */
	if (qtype == DNS_TYPE_DS) {
		if (s->rec[nc].flags & VAL_NSEC3_FLAG_OPTOUT)
			return val_result_set(r, VAL_INSECURE, 0,
					      "DS absent in an NSEC3 opt-out "
					      "span");
		return val_result_set(r, VAL_BOGUS, DNS_EDE_DNSSEC_BOGUS,
				      "DS no data without opt-out or match");
	}
	/* RFC 5155 8.7: wildcard no data. */
	if (dns_name_wildcard(wild, dns_name_suffix(qname, ce)) >= 0) {
		m = n3_find(s, wild, false);
		if (m == XDPDNS_ELIMIT)
			return limit(s, r);
		if (m >= 0 && !has(&s->rec[m], qtype) &&
		    !has(&s->rec[m], DNS_TYPE_CNAME))
			return val_result_set(r, VAL_SECURE, 0,
					      "NSEC3 wildcard no data proof");
	}
	return val_result_set(r, VAL_BOGUS, DNS_EDE_NSEC_MISSING,
			      "no NSEC3 proves the type absent");
}

enum val_status val_nsec3_wildcard(const struct val_denial *d,
				   const uint8_t *qname, unsigned int labels,
				   struct val_budget *b, struct val_result *r)
{
	struct n3 local, *s = &local;
	unsigned int ql = dns_name_label_count(qname);
	int c;

	n3_load(s, d, b);
	if (labels >= ql)
		return val_result_set(r, VAL_BOGUS, DNS_EDE_DNSSEC_BOGUS,
				      "not a wildcard expansion");
	/* RFC 5155 8.8: the next closer name, one label longer than the
	 * closest encloser the RRSIG Labels field names, is covered. */
	c = n3_find(s, dns_name_suffix(qname, labels + 1), true);
	if (c == XDPDNS_ELIMIT)
		return limit(s, r);
	if (c < 0)
		return s->over_limit ? iter_insecure(r) :
			val_result_set(r, VAL_BOGUS, DNS_EDE_NSEC_MISSING,
				       "wildcard answer without an NSEC3 "
				       "covering the next closer name");
	if (s->rec[c].flags & VAL_NSEC3_FLAG_OPTOUT)
		return val_result_set(r, VAL_INSECURE, 0,
				      "wildcard answer in an NSEC3 opt-out "
				      "span");
	return val_result_set(r, VAL_SECURE, 0, "NSEC3 wildcard proof");
}

enum val_status val_nsec3_cut(const struct val_denial *d, const uint8_t *name,
			      enum val_cut *cut, struct val_budget *b,
			      struct val_result *r)
{
	struct n3 local, *s = &local;
	unsigned int ce = 0;
	int m, nc = -1;
	enum val_status st;

	*cut = VAL_CUT_NONE;
	n3_load(s, d, b);
	m = n3_find(s, name, false);
	if (m == XDPDNS_ELIMIT)
		return limit(s, r);
	if (m >= 0) {
		const struct val_nsec3 *v = &s->rec[m];

		if (has(v, DNS_TYPE_DS) || (has(v, DNS_TYPE_SOA) &&
					    name[0] != 0))
			return val_result_set(r, VAL_BOGUS,
					      DNS_EDE_DNSSEC_BOGUS,
					      "NSEC3 does not deny the DS");
		if (has(v, DNS_TYPE_NS))
			*cut = VAL_CUT_INSECURE;
		return val_result_set(r, VAL_SECURE, 0, "NSEC3: no DS");
	}
	if (s->over_limit) {
		*cut = VAL_CUT_INSECURE;
		return iter_insecure(r);
	}
	st = closest_encloser(s, d, name, &ce, &nc, r);
	if (st != VAL_SECURE)
		return st;
	if (s->rec[nc].flags & VAL_NSEC3_FLAG_OPTOUT)
		*cut = VAL_CUT_INSECURE;
	return val_result_set(r, VAL_SECURE, 0, "NSEC3: no DS");
}
