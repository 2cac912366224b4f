// SPDX-License-Identifier: GPL-2.0
/* Chain of trust: DS and DNSKEY responses handed in, walked from anchors. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/edns.h"
#include "dns/name.h"
#include "dnssec/chain.h"
#include "dnssec/sigcache.h"
#include "dnssec/nsec3.h"
#include "util/error.h"

/*
 * One response held by the chain, and what validating it concluded
 * (remembered while the store does not change and the signatures that
 * concluded it have not expired).
 */
struct val_entry {
	uint8_t name[DNS_NAME_MAXLEN];
	uint16_t qtype;
	uint8_t *wire;
	struct dns_msg msg;
	struct val_sections vs;
	bool memo;
	uint32_t memo_now;
	enum val_status memo_status;
	struct val_result memo_res;
	enum val_cut cut;		/* DS responses */
	size_t ds_count;
	const uint8_t *ds[VAL_KEYSET_MAX];
	uint16_t ds_len[VAL_KEYSET_MAX];
	struct val_keyset ks;		/* DNSKEY responses, when Secure */
	bool timed;			/* handed in by val_chain_add_at() */
	uint32_t expires;		/* then: held through this second */
};

struct val_chain {
	const struct val_anchors *anchors;
	struct val_limits lim;
	uint32_t ttl_max, negative_ttl_max;
	struct val_sigcache *sigcache;	/* shared by every key set here */
	struct val_entry **e;
	size_t count;
	size_t cap;
};

struct val_chain *val_chain_new(const struct val_anchors *anchors,
				const struct val_limits *lim)
{
	struct val_chain *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->sigcache = val_sigcache_new();
	if (!c->sigcache) {
		free(c);
		return NULL;
	}
	c->anchors = anchors;
	if (lim)
		c->lim = *lim;
	else
		val_limits_default(&c->lim);
	c->ttl_max = VAL_CHAIN_TTL_MAX_DEFAULT;
	c->negative_ttl_max = VAL_CHAIN_NEGATIVE_TTL_MAX_DEFAULT;
	return c;
}

static void entry_free(struct val_entry *e)
{
	if (!e)
		return;
	val_keyset_release(&e->ks);
	val_sections_release(&e->vs);
	dns_msg_release(&e->msg);
	free(e->wire);
	free(e);
}

void val_chain_clear(struct val_chain *c)
{
	for (size_t i = 0; i < c->count; i++)
		entry_free(c->e[i]);
	c->count = 0;
}

void val_chain_free(struct val_chain *c)
{
	if (!c)
		return;
	val_chain_clear(c);
	val_sigcache_free(c->sigcache);
	free(c->e);
	free(c);
}

struct val_sigcache *val_chain_sigcache(struct val_chain *c)
{
	return c->sigcache;
}

const struct val_limits *val_chain_limits(const struct val_chain *c)
{
	return &c->lim;
}

const struct val_anchors *val_chain_anchors(const struct val_chain *c)
{
	return c->anchors;
}

static void forget(struct val_chain *c)
{
	for (size_t i = 0; i < c->count; i++) {
		c->e[i]->memo = false;
		val_keyset_release(&c->e[i]->ks);
		c->e[i]->ks.count = 0;
	}
}

void val_chain_set_ttl_caps(struct val_chain *c, uint32_t ttl_max,
			    uint32_t negative_ttl_max)
{
	c->ttl_max = ttl_max;
	c->negative_ttl_max = negative_ttl_max;
}

static uint32_t min32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* Seconds from @now to an RRSIG's expiration (RFC 4034 3.1.5), 0 past it. */
static uint32_t rrsig_left(const struct dns_rr *rr, uint32_t now)
{
	uint32_t expiration;

	if (rr->rdata_len < 12)
		return 0;
	expiration = dns_get32(rr->rdata + 8);
	return val_serial_lt(now, expiration) ? expiration - now : 0;
}

uint32_t val_chain_lifetime(const struct dns_msg *msg, uint32_t now,
			    uint32_t ttl_max, uint32_t negative_ttl_max)
{
	uint32_t life = UINT32_MAX, soa_life = UINT32_MAX;
	bool positive, have_soa = false;

	if (msg->rcode != DNS_RCODE_NOERROR && msg->rcode != DNS_RCODE_NXDOMAIN)
		return 0;
	positive = msg->rcode == DNS_RCODE_NOERROR &&
		   msg->section_count[DNS_SECTION_ANSWER];
	for (size_t i = 0; i < msg->rr_count; i++) {
		const struct dns_rr *rr = &msg->rr[i];

		if (rr->section != DNS_SECTION_ANSWER &&
		    rr->section != DNS_SECTION_AUTHORITY)
			continue;
		life = min32(life, rr->ttl);
		/* RFC 4035 5.3.3: never trusted past the signature. */
		if (rr->type == DNS_TYPE_RRSIG)
			life = min32(life, rrsig_left(rr, now));
		/* RFC 2308 5: a denial lives min(SOA TTL, SOA MINIMUM). */
		if (rr->section == DNS_SECTION_AUTHORITY &&
		    rr->type == DNS_TYPE_SOA && rr->rdata_len >= 20) {
			have_soa = true;
			soa_life = min32(soa_life,
					 min32(rr->ttl, dns_get32(rr->rdata +
								  rr->rdata_len - 4)));
		}
	}
	if (!positive) {
		/* RFC 2308 5: without a SOA a denial is not cached. */
		if (!have_soa)
			return 0;
		life = min32(life, soa_life);
		if (negative_ttl_max)
			life = min32(life, negative_ttl_max);
	}
	if (life == UINT32_MAX)
		return 0;
	if (ttl_max)
		life = min32(life, ttl_max);
	return life;
}

/* Past its lifetime at @now: a walk must not use it (serial time). */
static bool entry_stale(const struct val_entry *e, uint32_t now)
{
	return e->timed && val_serial_lt(e->expires, now);
}

static int chain_add(struct val_chain *c, const uint8_t *wire, size_t len,
		     bool timed, uint32_t now)
{
	struct val_entry *e = calloc(1, sizeof(*e));
	int err;

	if (!e)
		return -ENOMEM;
	dns_msg_init(&e->msg);
	e->wire = malloc(len ? len : 1);
	if (!e->wire) {
		err = -ENOMEM;
		goto fail;
	}
	memcpy(e->wire, wire, len);
	err = dns_msg_parse(&e->msg, e->wire, len);
	if (err)
		goto fail;
	if (e->msg.qdcount < 1 ||
	    (e->msg.question[0].qtype != DNS_TYPE_DS &&
	     e->msg.question[0].qtype != DNS_TYPE_DNSKEY)) {
		err = -EINVAL;
		goto fail;
	}
	err = val_sections_load(&e->vs, &e->msg);
	if (err)
		goto fail;
	dns_name_copy(e->name, e->msg.question[0].name);
	dns_name_to_lower(e->name);
	e->qtype = e->msg.question[0].qtype;
	if (timed) {
		/*
		 * Held through the second its lifetime ends in: a response
		 * good for 0 s still serves the validation that asked for it
		 * in the same second. Within half the serial space, so that
		 * RFC 1982 comparisons stay defined.
		 */
		e->timed = true;
		e->expires = now + min32(val_chain_lifetime(&e->msg, now, c->ttl_max,
							    c->negative_ttl_max),
					 INT32_MAX);
	}

	/*
	 * A new (name, type) cannot change a remembered outcome: every
	 * outcome was reached with all the responses above it present, and
	 * the walk from an anchor never skips a label. Replacing a response
	 * can change everything below it, so then everything is forgotten.
	 */
	for (size_t i = 0; i < c->count; i++) {
		if (c->e[i]->qtype == e->qtype &&
		    dns_name_equal(c->e[i]->name, e->name)) {
			forget(c);
			entry_free(c->e[i]);
			c->e[i] = e;
			return 0;
		}
	}
	if (c->count >= VAL_CHAIN_MAX_ENTRIES) {
		err = XDPDNS_ESPACE;
		goto fail;
	}
	if (c->count == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct val_entry **n = realloc(c->e, cap * sizeof(*n));

		if (!n) {
			err = -ENOMEM;
			goto fail;
		}
		c->e = n;
		c->cap = cap;
	}
	c->e[c->count++] = e;
	return 0;
fail:
	entry_free(e);
	return err;
}

int val_chain_add(struct val_chain *c, const uint8_t *wire, size_t len)
{
	return chain_add(c, wire, len, false, 0);
}

int val_chain_add_at(struct val_chain *c, const uint8_t *wire, size_t len,
		     uint32_t now)
{
	return chain_add(c, wire, len, true, now);
}

size_t val_chain_expire(struct val_chain *c, uint32_t now)
{
	size_t keep = 0, n = 0;

	for (size_t i = 0; i < c->count; i++) {
		if (entry_stale(c->e[i], now)) {
			entry_free(c->e[i]);
			n++;
		} else {
			c->e[keep++] = c->e[i];
		}
	}
	c->count = keep;
	/* What is re-fetched in their place comes in as a "new" (name,
	 * type) and would keep outcomes reached with the old data. */
	if (n)
		forget(c);
	return n;
}

static struct val_entry *find(struct val_chain *c, const uint8_t *name,
			      uint16_t qtype)
{
	for (size_t i = 0; i < c->count; i++)
		if (c->e[i]->qtype == qtype &&
		    dns_name_equal(c->e[i]->name, name))
			return c->e[i];
	return NULL;
}

/* The response for (@name, @qtype), unless its TTL ran out before @now:
 * then it is missing, to be fetched again (the new one replaces it). */
static struct val_entry *find_fresh(struct val_chain *c, const uint8_t *name,
				    uint16_t qtype, uint32_t now)
{
	struct val_entry *e = find(c, name, qtype);

	return e && !entry_stale(e, now) ? e : NULL;
}

/* A remembered outcome still holds at @now: same instant, or a
 * Secure/Insecure outcome whose signatures have not expired since. */
static bool memo_ok(const struct val_entry *e, uint32_t now)
{
	if (!e->memo)
		return false;
	if (e->memo_now == now)
		return true;
	if (e->memo_status != VAL_SECURE && e->memo_status != VAL_INSECURE)
		return false;
	if (val_serial_lt(now, e->memo_now))
		return false;
	return !e->memo_res.has_expire ||
	       !val_serial_lt(e->memo_res.expire, now);
}

static enum val_status memo_put(struct val_entry *e, uint32_t now,
				enum val_status st, struct val_result *r)
{
	e->memo = true;
	e->memo_now = now;
	e->memo_status = st;
	e->memo_res = *r;
	return st;
}

static enum val_status need_it(struct val_result *r, struct val_need *need,
			       const uint8_t *name, uint16_t qtype)
{
	char text[DNS_NAME_TEXT_MAXLEN];

	if (need) {
		need->qtype = qtype;
		dns_name_copy(need->name, name);
	}
	dns_name_to_text(name, text, sizeof(text));
	return val_result_set(r, VAL_INDETERMINATE,
			      DNS_EDE_DNSSEC_INDETERMINATE, "need %s for %s",
			      qtype == DNS_TYPE_DS ? "DS" : "DNSKEY", text);
}

static enum val_status eval_dnskey(struct val_entry *e,
				   const struct val_trust *t, uint32_t now,
				   struct val_budget *b, struct val_result *r)
{
	struct val_rrset set;
	enum val_status st;

	if (memo_ok(e, now)) {
		*r = e->memo_res;
		return e->memo_status;
	}
	val_keyset_release(&e->ks);
	e->ks.count = 0;
	if (!val_sections_find(&e->vs, DNS_SECTION_ANSWER, e->name,
			       DNS_TYPE_DNSKEY, &set))
		st = val_result_set(r, VAL_BOGUS, DNS_EDE_DNSKEY_MISSING,
				    "DNSKEY RRset missing from the response");
	else
		st = val_dnskey_validate(t, &set, now, b, r, &e->ks);
	/* A limit hit says nothing about the data: do not remember it. */
	if (b->exceeded)
		return st;
	return memo_put(e, now, st, r);
}

enum val_status val_denial_collect(const struct val_sections *vs, int section,
				   struct val_keyset *ks, uint32_t now,
				   struct val_budget *b, struct val_denial *d,
				   struct val_result *r)
{
	memset(d, 0, sizeof(*d));
	d->zone = ks->zone;
	for (size_t i = 0; i < vs->n[section]; i++) {
		struct val_rrset set;
		const uint8_t *signer;
		struct val_result vr;

		if (!val_sections_set(vs, section, i, &set) ||
		    (set.type != DNS_TYPE_NSEC && set.type != DNS_TYPE_NSEC3))
			continue;
		val_result_init(&vr);
		signer = val_rrset_signer(&set);
		if (!signer || !dns_name_equal(signer, ks->zone))
			continue;
		if (val_rrset_verify(&set, ks, now, b, &vr, NULL) !=
		    VAL_SECURE) {
			*r = vr;
			return VAL_BOGUS;
		}
		for (size_t k = 0; k < set.count; k++) {
			const struct dns_rr *rr = &set.rr[set.idx[k]];

			if (set.type == DNS_TYPE_NSEC &&
			    d->nsec_count < VAL_DENIAL_MAX)
				d->nsec[d->nsec_count++] = rr;
			else if (set.type == DNS_TYPE_NSEC3 &&
				 d->nsec3_count < VAL_DENIAL_MAX)
				d->nsec3[d->nsec3_count++] = rr;
		}
		val_result_bound(r, vr.ttl, vr.expire, vr.has_expire);
	}
	return VAL_SECURE;
}

/* What the DS response for @e->name says, checked with the parent's keys. */
static enum val_status eval_ds(struct val_entry *e, struct val_keyset *ks,
			       uint32_t now, struct val_budget *b,
			       struct val_result *r)
{
	struct val_rrset set;
	struct val_denial d;
	enum val_status st;

	if (memo_ok(e, now)) {
		*r = e->memo_res;
		return e->memo_status;
	}
	e->cut = VAL_CUT_NONE;
	e->ds_count = 0;
	val_result_init(r);
	if (val_sections_find(&e->vs, DNS_SECTION_ANSWER, e->name, DNS_TYPE_DS,
			      &set)) {
		st = val_rrset_verify(&set, ks, now, b, r, NULL);
		if (st == VAL_SECURE) {
			e->cut = VAL_CUT_SECURE;
			for (size_t i = 0; i < set.count &&
			     e->ds_count < VAL_KEYSET_MAX; i++) {
				const struct dns_rr *rr = &set.rr[set.idx[i]];

				e->ds[e->ds_count] = rr->rdata;
				e->ds_len[e->ds_count++] = rr->rdata_len;
			}
		}
		goto out;
	}
	/* An alias is not a delegation point. */
	if (val_sections_find(&e->vs, DNS_SECTION_ANSWER, e->name,
			      DNS_TYPE_CNAME, &set)) {
		st = val_rrset_verify(&set, ks, now, b, r, NULL);
		goto out;
	}
	st = val_denial_collect(&e->vs, DNS_SECTION_AUTHORITY, ks, now, b, &d,
				r);
	if (st != VAL_SECURE)
		goto out;
	if (d.nsec_count)
		st = val_nsec_cut(&d, e->name, &e->cut, r);
	else if (d.nsec3_count)
		st = val_nsec3_cut(&d, e->name, &e->cut, b, r);
	else
		st = val_result_set(r, VAL_BOGUS, DNS_EDE_NSEC_MISSING,
				    "no DS and no signed NSEC/NSEC3 proof");
	/* Too many NSEC3 iterations: treated as an insecure cut. */
	if (st == VAL_INSECURE) {
		e->cut = VAL_CUT_INSECURE;
		st = VAL_SECURE;
	}
out:
	if (b->exceeded)
		return st;
	return memo_put(e, now, st, r);
}

enum val_status val_chain_zone_keys(struct val_chain *c, const uint8_t *target,
				    uint32_t now, struct val_budget *b,
				    struct val_result *r, struct val_need *need,
				    struct val_keyset **ks)
{
	const uint8_t *anchor_ds[VAL_KEYSET_MAX], *anchor_key[VAL_KEYSET_MAX];
	uint16_t anchor_ds_len[VAL_KEYSET_MAX], anchor_key_len[VAL_KEYSET_MAX];
	char text[DNS_NAME_TEXT_MAXLEN];
	struct val_trust t = { 0 };
	const uint8_t *anchor;
	struct val_entry *e, *k;
	struct val_keyset *cur;
	unsigned int depth = 0;
	enum val_status st;
	bool nta;

	val_result_init(r);
	if (need)
		need->qtype = 0;
	*ks = NULL;
	dns_name_to_text(target, text, sizeof(text));
	anchor = val_anchors_closest(c->anchors, target, &nta);
	if (!anchor)
		return val_result_set(r, VAL_INDETERMINATE,
				      DNS_EDE_DNSSEC_INDETERMINATE,
				      "no trust anchor above %s", text);
	if (nta)
		return val_result_set(r, VAL_INSECURE, 0,
				      "negative trust anchor above %s", text);
	e = find_fresh(c, anchor, DNS_TYPE_DNSKEY, now);
	if (!e)
		return need_it(r, need, anchor, DNS_TYPE_DNSKEY);
	t.zone = anchor;
	t.ds = anchor_ds;
	t.ds_len = anchor_ds_len;
	t.ds_count = val_anchors_records(c->anchors, anchor, VAL_ANCHOR_DS,
					 anchor_ds, anchor_ds_len,
					 VAL_KEYSET_MAX);
	t.key = anchor_key;
	t.key_len = anchor_key_len;
	t.key_count = val_anchors_records(c->anchors, anchor,
					  VAL_ANCHOR_DNSKEY, anchor_key,
					  anchor_key_len, VAL_KEYSET_MAX);
	st = eval_dnskey(e, &t, now, b, r);
	if (st != VAL_SECURE)
		return st;
	e->ks.sigcache = c->sigcache;
	cur = &e->ks;

	for (unsigned int l = dns_name_label_count(anchor) + 1;
	     l <= dns_name_label_count(target); l++) {
		const uint8_t *name = dns_name_suffix(target, l);
		struct val_trust ct = { 0 };

		if (++depth > b->lim.max_zone_depth)
			return val_budget_fail(b, r, "zone cut depth");
		e = find_fresh(c, name, DNS_TYPE_DS, now);
		if (!e)
			return need_it(r, need, name, DNS_TYPE_DS);
		st = eval_ds(e, cur, now, b, r);
		if (st != VAL_SECURE)
			return st;
		if (e->cut == VAL_CUT_NONE)
			continue;
		dns_name_to_text(name, text, sizeof(text));
		if (e->cut == VAL_CUT_INSECURE) {
			/* Keep a more specific reason (NSEC3 iterations). */
			if (r->ede == DNS_EDE_UNSUPPORTED_NSEC3_ITERATIONS)
				return val_result_set(r, VAL_INSECURE, r->ede,
					"NSEC3 iterations above the limit "
					"in the DS proof for %s", text);
			return val_result_set(r, VAL_INSECURE, 0,
					      "insecure delegation at %s", text);
		}
		k = find_fresh(c, name, DNS_TYPE_DNSKEY, now);
		if (!k)
			return need_it(r, need, name, DNS_TYPE_DNSKEY);
		ct.zone = name;
		ct.ds = e->ds;
		ct.ds_len = e->ds_len;
		ct.ds_count = e->ds_count;
		st = eval_dnskey(k, &ct, now, b, r);
		if (st != VAL_SECURE)
			return st;
		k->ks.sigcache = c->sigcache;
		cur = &k->ks;
	}
	*ks = cur;
	return VAL_SECURE;
}
