// SPDX-License-Identifier: GPL-2.0
/* Verdict on a whole response: positive, CNAME/DNAME chains, negative. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dns/edns.h"
#include "dns/name.h"
#include "dnssec/answer.h"
#include "dnssec/nsec3.h"
#include "util/error.h"

#define VAL_VISITED_MAX 64

struct actx {
	struct val_chain *c;
	const struct val_sections *vs;
	uint32_t now;
	struct val_budget *b;
	struct val_need *need;
};

static void text_of(const uint8_t *name, char *out, size_t cap)
{
	if (dns_name_to_text(name, out, cap) < 0)
		snprintf(out, cap, "?");
}

/* Where validation of @owner starts: Indeterminate (no anchor), Insecure
 * (an NTA), or Secure with the anchor's zone in *anchor. */
static enum val_status anchor_for(struct actx *a, const uint8_t *owner,
				  const uint8_t **anchor, struct val_result *r)
{
	char t[DNS_NAME_TEXT_MAXLEN];
	bool nta;

	*anchor = val_anchors_closest(val_chain_anchors(a->c), owner, &nta);
	text_of(owner, t, sizeof(t));
	if (!*anchor)
		return val_result_set(r, VAL_INDETERMINATE,
				      DNS_EDE_DNSSEC_INDETERMINATE,
				      "no trust anchor above %s", t);
	if (nta)
		return val_result_set(r, VAL_INSECURE, 0,
				      "negative trust anchor above %s", t);
	return VAL_SECURE;
}

/* The keys of zone @signer, trusted from the anchor above @owner. */
static enum val_status signer_keys(struct actx *a, const uint8_t *owner,
				   const uint8_t *signer,
				   struct val_keyset **ks,
				   struct val_result *r)
{
	char t[DNS_NAME_TEXT_MAXLEN], u[DNS_NAME_TEXT_MAXLEN];
	const uint8_t *anchor;
	enum val_status st;

	st = anchor_for(a, owner, &anchor, r);
	if (st != VAL_SECURE)
		return st;
	text_of(signer, t, sizeof(t));
	if (!dns_name_is_subdomain(owner, signer))
		return val_result_set(r, VAL_BOGUS, DNS_EDE_DNSSEC_BOGUS,
				      "signer %s is not above the data", t);
	/* The closest anchor decides: a zone above it cannot speak for
	 * names below it (DESIGN.md "Private anchors"). */
	if (!dns_name_is_subdomain(signer, anchor)) {
		text_of(anchor, u, sizeof(u));
		return val_result_set(r, VAL_BOGUS, DNS_EDE_DNSSEC_BOGUS,
				      "signed by %s, above the trust anchor %s",
				      t, u);
	}
	st = val_chain_zone_keys(a->c, signer, a->now, a->b, r, a->need, ks);
	if (st != VAL_SECURE)
		return st;
	if (!dns_name_equal((*ks)->zone, signer))
		return val_result_set(r, VAL_BOGUS, DNS_EDE_DNSSEC_BOGUS,
				      "signer %s is not a zone apex", t);
	return VAL_SECURE;
}

/* Proof that a wildcard expansion was allowed (RFC 4035 5.3.4, RFC 5155
 * 8.8), from the authority section, signed by the same zone. */
static enum val_status wildcard_proof(struct actx *a,
				      const struct val_rrset *set,
				      struct val_keyset *ks,
				      unsigned int labels,
				      struct val_result *r)
{
	struct val_denial d;
	struct val_result dr;
	enum val_status st;

	val_result_init(&dr);
	st = val_denial_collect(a->vs, DNS_SECTION_AUTHORITY, ks, a->now,
				a->b, &d, &dr);
	if (st != VAL_SECURE) {
		*r = dr;
		return st;
	}
	if (d.nsec_count)
		st = val_nsec_wildcard(&d, set->owner, labels, r);
	else if (d.nsec3_count)
		st = val_nsec3_wildcard(&d, set->owner, labels, a->b, r);
	else
		st = val_result_set(r, VAL_BOGUS, DNS_EDE_NSEC_MISSING,
				    "wildcard answer without denial of the "
				    "next closer name");
	val_result_bound(r, dr.ttl, dr.expire, dr.has_expire);
	return st;
}

/* Judge one RRset of the answer (one link). */
static enum val_status check_set(struct actx *a, const struct val_rrset *set,
				 struct val_result *r)
{
	char t[DNS_NAME_TEXT_MAXLEN], ty[16];
	const uint8_t *signer = val_rrset_signer(set);
	struct val_keyset *ks = NULL;
	struct val_sig_info info;
	const uint8_t *anchor;
	enum val_status st;

	val_result_init(r);
	if (!signer) {
		st = anchor_for(a, set->owner, &anchor, r);
		if (st != VAL_SECURE)
			return st;
		/* Unsigned data is Insecure only below a proven unsigned
		 * delegation (or an NTA); in a signed zone it is Bogus. */
		st = val_chain_zone_keys(a->c, set->owner, a->now, a->b, r,
					 a->need, &ks);
		if (st != VAL_SECURE)
			return st;
		text_of(set->owner, t, sizeof(t));
		dns_type_to_text(set->type, ty, sizeof(ty));
		return val_result_set(r, VAL_BOGUS, DNS_EDE_RRSIGS_MISSING,
				      "no RRSIG for %s %s in a signed zone", t,
				      ty);
	}
	/* RFC 4035 5.3.1 and 2.4: a DS RRset belongs to the parent side
	 * of the cut; the child cannot vouch for its own DS. */
	if (set->type == DNS_TYPE_DS && set->owner[0] != 0 &&
	    dns_name_equal(signer, set->owner))
		return val_result_set(r, VAL_BOGUS, DNS_EDE_DNSSEC_BOGUS,
				      "DS RRset signed by its own zone");
	st = signer_keys(a, set->owner, signer, &ks, r);
	if (st != VAL_SECURE)
		return st;
	st = val_rrset_verify(set, ks, a->now, a->b, r, &info);
	if (st != VAL_SECURE)
		return st;
	if (info.wildcard) {
		struct val_result wr;
		uint32_t ttl = r->ttl, exp = r->expire;

		val_result_init(&wr);
		st = wildcard_proof(a, set, ks, info.labels, &wr);
		*r = wr;
		val_result_bound(r, ttl, exp, true);
		if (st != VAL_SECURE)
			return st;
		r->status = VAL_SECURE;
	}
	return VAL_SECURE;
}

/* NXDOMAIN or no data for @name: the proof in the authority section. */
static enum val_status negative(struct actx *a, const uint8_t *name,
				uint16_t qtype, bool nx, struct val_result *r)
{
	char t[DNS_NAME_TEXT_MAXLEN], u[DNS_NAME_TEXT_MAXLEN];
	const uint8_t *zone = NULL, *anchor;
	struct val_keyset *ks = NULL;
	struct val_rrset soa = { 0 }, set;
	bool have_soa = false;
	struct val_denial d;
	struct val_result sr;
	enum val_status st;

	val_result_init(r);
	for (size_t i = 0; i < a->vs->n[DNS_SECTION_AUTHORITY]; i++) {
		if (!val_sections_set(a->vs, DNS_SECTION_AUTHORITY, i, &set))
			continue;
		if (set.type == DNS_TYPE_SOA && !have_soa) {
			soa = set;
			have_soa = true;
			if (val_rrset_signer(&set))
				zone = val_rrset_signer(&set);
		}
		if ((set.type == DNS_TYPE_NSEC || set.type == DNS_TYPE_NSEC3) &&
		    !zone)
			zone = val_rrset_signer(&set);
	}
	st = anchor_for(a, name, &anchor, r);
	if (st != VAL_SECURE)
		return st;
	text_of(name, t, sizeof(t));
	if (!zone) {
		st = val_chain_zone_keys(a->c, name, a->now, a->b, r, a->need,
					 &ks);
		if (st != VAL_SECURE)
			return st;
		return val_result_set(r, VAL_BOGUS,
				      have_soa ? DNS_EDE_RRSIGS_MISSING :
						 DNS_EDE_NSEC_MISSING,
				      "unsigned %s for %s in a signed zone",
				      nx ? "NXDOMAIN" : "no data answer", t);
	}
	/* A denial signed above the closest anchor of the name never
	 * answers for it (DESIGN.md "Private anchors"). */
	if (!dns_name_is_subdomain(zone, anchor)) {
		text_of(zone, u, sizeof(u));
		return val_result_set(r, VAL_BOGUS, DNS_EDE_DNSSEC_BOGUS,
				      "denial for %s by %s, above its trust "
				      "anchor", t, u);
	}
	st = signer_keys(a, name, zone, &ks, r);
	if (st != VAL_SECURE)
		return st;
	/* RFC 2308 3 and RFC 4035 3.1.3: a negative answer carries the
	 * zone's SOA; without it the denial cannot be cached or trusted. */
	if (!have_soa || !dns_name_equal(soa.owner, zone))
		return val_result_set(r, VAL_BOGUS, DNS_EDE_DNSSEC_BOGUS,
				      "negative answer for %s without the "
				      "zone's SOA", t);
	{
		val_result_init(&sr);
		if (val_rrset_verify(&soa, ks, a->now, a->b, &sr, NULL) !=
		    VAL_SECURE) {
			*r = sr;
			return VAL_BOGUS;
		}
		val_result_bound(r, sr.ttl, sr.expire, sr.has_expire);
	}
	val_result_init(&sr);
	st = val_denial_collect(a->vs, DNS_SECTION_AUTHORITY, ks, a->now,
				a->b, &d, &sr);
	if (st != VAL_SECURE) {
		*r = sr;
		return st;
	}
	val_result_bound(r, sr.ttl, sr.expire, sr.has_expire);
	if (d.nsec_count)
		st = nx ? val_nsec_nxdomain(&d, name, &sr) :
			  val_nsec_nodata(&d, name, qtype, &sr);
	else if (d.nsec3_count)
		st = nx ? val_nsec3_nxdomain(&d, name, a->b, &sr) :
			  val_nsec3_nodata(&d, name, qtype, a->b, &sr);
	else
		st = val_result_set(&sr, VAL_BOGUS, DNS_EDE_NSEC_MISSING,
				    "no NSEC or NSEC3 for %s", t);
	r->status = sr.status;
	r->ede = sr.ede;
	memcpy(r->reason, sr.reason, sizeof(r->reason));
	return st;
}

/* A DNAME at a proper ancestor of @name in the answer section. */
static bool find_dname(const struct val_sections *vs, const uint8_t *name,
		       struct val_rrset *out)
{
	for (size_t i = 0; i < vs->n[DNS_SECTION_ANSWER]; i++) {
		struct val_rrset set;

		if (!val_sections_set(vs, DNS_SECTION_ANSWER, i, &set) ||
		    set.type != DNS_TYPE_DNAME || set.count != 1 ||
		    dns_name_equal(set.owner, name) ||
		    !dns_name_is_subdomain(name, set.owner))
			continue;
		*out = set;
		return true;
	}
	return false;
}

/* The answer RRsets the chain from QNAME went through. */
struct visited {
	const uint8_t *owner[VAL_VISITED_MAX];
	uint16_t type[VAL_VISITED_MAX];
	size_t n;
};

static void visit(struct visited *v, const struct val_rrset *set)
{
	if (v->n < VAL_VISITED_MAX) {
		v->owner[v->n] = set->owner;
		v->type[v->n++] = set->type;
	}
}

/* Every other RRset of the answer section is unexplained: a resolver
 * must not pass it on as validated data (it could be anything). */
static void unexplained(const struct val_sections *vs,
			const struct visited *v, struct val_result *res)
{
	char t[DNS_NAME_TEXT_MAXLEN], ty[16];
	struct val_result link;

	for (size_t i = 0; i < vs->n[DNS_SECTION_ANSWER]; i++) {
		struct val_rrset set;
		bool seen = false;

		if (!val_sections_set(vs, DNS_SECTION_ANSWER, i, &set))
			continue;
		for (size_t k = 0; k < v->n && !seen; k++)
			seen = v->type[k] == set.type &&
			       dns_name_equal(v->owner[k], set.owner);
		if (seen)
			continue;
		text_of(set.owner, t, sizeof(t));
		dns_type_to_text(set.type, ty, sizeof(ty));
		val_result_init(&link);
		val_result_set(&link, VAL_BOGUS, DNS_EDE_DNSSEC_BOGUS,
			       "answer section holds %s %s, outside the chain "
			       "from the question", t, ty);
		val_result_merge(res, &link);
		return;
	}
}

/* Stop combining once the answer cannot get better than Insecure. */
static bool finished(const struct val_result *acc)
{
	return acc->status == VAL_BOGUS || acc->status == VAL_INDETERMINATE;
}

int val_answer_validate(struct val_chain *c, const struct dns_msg *msg,
			uint32_t now, struct val_result *res,
			struct val_need *need)
{
	uint8_t name[DNS_NAME_MAXLEN], target[DNS_NAME_MAXLEN];
	struct val_sections vs;
	struct val_budget b;
	struct val_result link;
	struct visited seen = { .n = 0 };
	struct actx a;
	uint16_t qtype;
	int err;

	val_result_init(res);
	if (need)
		need->qtype = 0;
	if (msg->qdcount < 1) {
		val_result_set(res, VAL_BOGUS, DNS_EDE_DNSSEC_BOGUS,
			       "response without a question");
		return 0;
	}
	if (msg->rcode != DNS_RCODE_NOERROR &&
	    msg->rcode != DNS_RCODE_NXDOMAIN) {
		val_result_set(res, VAL_INDETERMINATE,
			       DNS_EDE_DNSSEC_INDETERMINATE,
			       "rcode %u: nothing to validate", msg->rcode);
		return 0;
	}
	err = val_sections_load(&vs, msg);
	if (err)
		return err;
	val_budget_init(&b, val_chain_limits(c));
	a = (struct actx){ .c = c, .vs = &vs, .now = now, .b = &b,
			   .need = need };
	dns_name_copy(name, msg->question[0].name);
	qtype = msg->question[0].qtype;

	for (unsigned int links = 0;; links++) {
		struct val_rrset set, cname;

		val_result_init(&link);
		if (links > b.lim.max_chain_links) {
			val_budget_fail(&b, &link, "CNAME/DNAME chain length");
			val_result_merge(res, &link);
			break;
		}
		if (val_sections_find(&vs, DNS_SECTION_ANSWER, name, qtype,
				      &set)) {
			visit(&seen, &set);
			check_set(&a, &set, &link);
			val_result_merge(res, &link);
			break;
		}
		if (find_dname(&vs, name, &set)) {
			const struct dns_rr *d = &set.rr[set.idx[0]];
			unsigned int keep = dns_name_label_count(name) -
					    dns_name_label_count(set.owner);
			uint8_t prefix[DNS_NAME_MAXLEN];
			size_t plen;

			visit(&seen, &set);
			check_set(&a, &set, &link);
			val_result_merge(res, &link);
			if (finished(res))
				break;
			/* RFC 6672 2.2: replace the DNAME owner suffix of
			 * the name by the DNAME target. */
			plen = dns_name_length(name) -
			       dns_name_length(dns_name_strip(name, keep));
			memcpy(prefix, name, plen);
			prefix[plen] = 0;
			if (dns_name_concat(target, prefix, d->rdata) < 0) {
				val_result_set(&link, VAL_BOGUS,
					       DNS_EDE_DNSSEC_BOGUS,
					       "DNAME substitution too long");
				val_result_merge(res, &link);
				break;
			}
			/* RFC 6672 3.1: the synthesised CNAME comes with
			 * the DNAME and must say the same. */
			if (!val_sections_find(&vs, DNS_SECTION_ANSWER, name,
					       DNS_TYPE_CNAME, &cname) ||
			    (cname.count != 1 ||
			     !dns_name_equal(cname.rr[cname.idx[0]].rdata,
					     target))) {
				val_result_set(&link, VAL_BOGUS,
					       DNS_EDE_DNSSEC_BOGUS,
					       "synthesised CNAME missing or "
					       "not matching its DNAME");
				val_result_merge(res, &link);
				break;
			}
			visit(&seen, &cname);
			dns_name_copy(name, target);
			continue;
		}
		if (qtype != DNS_TYPE_CNAME &&
		    val_sections_find(&vs, DNS_SECTION_ANSWER, name,
				      DNS_TYPE_CNAME, &set)) {
			visit(&seen, &set);
			check_set(&a, &set, &link);
			val_result_merge(res, &link);
			if (finished(res) || set.count != 1)
				break;
			dns_name_copy(name, set.rr[set.idx[0]].rdata);
			continue;
		}
		negative(&a, name, qtype, msg->rcode == DNS_RCODE_NXDOMAIN,
			 &link);
		val_result_merge(res, &link);
		break;
	}
	if (!finished(res))
		unexplained(&vs, &seen, res);
	if (res->status == VAL_SECURE && !res->reason[0])
		val_result_set(res, VAL_SECURE, 0, "%s", "validated");
	val_sections_release(&vs);
	return 0;
}

int val_answer_next_need(struct val_chain *c, const struct dns_msg *msg,
			 uint32_t now, struct val_need *need)
{
	struct val_result res;
	int err;

	err = val_answer_validate(c, msg, now, &res, need);
	if (err)
		return err;
	return need->qtype ? 1 : 0;
}
