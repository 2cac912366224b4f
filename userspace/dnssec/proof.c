// SPDX-License-Identifier: GPL-2.0
/* Proof packs: the chain of trust behind one answer, written as text. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dns/name.h"
#include "dns/print.h"
#include "dns/rr.h"
#include "dnssec/answer.h"
#include "dnssec/proof.h"
#include "dnssec/sections.h"

#define PROOF_STEPS_MAX 128
/* An RR line: owner, fields and up to 64 KiB of RDATA, at worst 4 characters
 * an octet (strings escaped as \DDD; RFC 3597 hex is 2, base64 4/3). */
#define PROOF_LINE_MAX (4 * 65536 + 2 * DNS_NAME_TEXT_MAXLEN)

/* One DS or DNSKEY response, kept to write out what the walk used. */
struct proof_resp {
	uint8_t name[DNS_NAME_MAXLEN];
	uint16_t qtype;
	uint8_t *wire;
	struct dns_msg msg;
	struct val_sections vs;
};

struct val_proof {
	const struct val_anchors *anchors;
	struct val_chain *chain;
	struct proof_resp **r;
	size_t count, cap;
};

/* What a pack holds above the answer, in the order of the walk down. */
enum proof_step_kind {
	PROOF_ANCHOR,		/* the anchor's zone: its DNSKEY RRset */
	PROOF_SECURE_CUT,	/* a DS RRset, then the child's DNSKEY RRset */
	PROOF_INSECURE_CUT,	/* the parent's signed denial of DS */
	PROOF_NTA,		/* a negative trust anchor: nothing to prove */
};

struct proof_step {
	enum proof_step_kind kind;
	uint8_t name[DNS_NAME_MAXLEN];
};

struct pack {
	struct val_proof *p;
	FILE *f;
	uint32_t now;
	size_t records;
	char *line;
	int err;
	struct proof_step step[PROOF_STEPS_MAX];
	size_t nsteps;
};

struct val_proof *val_proof_new(const struct val_anchors *anchors,
				const struct val_limits *lim)
{
	struct val_proof *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->anchors = anchors;
	p->chain = val_chain_new(anchors, lim);
	if (!p->chain) {
		free(p);
		return NULL;
	}
	return p;
}

static void resp_free(struct proof_resp *r)
{
	if (!r)
		return;
	val_sections_release(&r->vs);
	dns_msg_release(&r->msg);
	free(r->wire);
	free(r);
}

void val_proof_free(struct val_proof *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->count; i++)
		resp_free(p->r[i]);
	free(p->r);
	val_chain_free(p->chain);
	free(p);
}

struct val_chain *val_proof_chain(struct val_proof *p)
{
	return p->chain;
}

static struct proof_resp *resp_find(const struct val_proof *p,
				    const uint8_t *name, uint16_t qtype)
{
	for (size_t i = 0; i < p->count; i++)
		if (p->r[i]->qtype == qtype && dns_name_equal(p->r[i]->name, name))
			return p->r[i];
	return NULL;
}

int val_proof_add(struct val_proof *p, const uint8_t *wire, size_t len)
{
	struct proof_resp *r, *old;
	int err;

	/* The chain checks the question and parses first: what it refuses
	 * is not kept either. */
	err = val_chain_add(p->chain, wire, len);
	if (err)
		return err;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	dns_msg_init(&r->msg);
	r->wire = malloc(len ? len : 1);
	if (!r->wire) {
		err = -ENOMEM;
		goto fail;
	}
	memcpy(r->wire, wire, len);
	err = dns_msg_parse(&r->msg, r->wire, len);
	if (err)
		goto fail;
	err = val_sections_load(&r->vs, &r->msg);
	if (err)
		goto fail;
	dns_name_copy(r->name, r->msg.question[0].name);
	dns_name_to_lower(r->name);
	r->qtype = r->msg.question[0].qtype;
	/* Like the chain: a newer response for the same question wins. */
	old = resp_find(p, r->name, r->qtype);
	if (old) {
		for (size_t i = 0; i < p->count; i++)
			if (p->r[i] == old)
				p->r[i] = r;
		resp_free(old);
		return 0;
	}
	if (p->count == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		struct proof_resp **n = realloc(p->r, cap * sizeof(*n));

		if (!n) {
			err = -ENOMEM;
			goto fail;
		}
		p->r = n;
		p->cap = cap;
	}
	p->r[p->count++] = r;
	return 0;
fail:
	resp_free(r);
	return err;
}

/* --- the plan: which zones and cuts the answer's verdict went through ---- */

static void plan_add(struct pack *pk, enum proof_step_kind kind,
		     const uint8_t *name)
{
	for (size_t i = 0; i < pk->nsteps; i++)
		if (pk->step[i].kind == kind &&
		    dns_name_equal(pk->step[i].name, name))
			return;
	if (pk->nsteps >= PROOF_STEPS_MAX)
		return;
	pk->step[pk->nsteps].kind = kind;
	dns_name_copy(pk->step[pk->nsteps++].name, name);
}

/*
 * The walk of val_chain_zone_keys() from the closest anchor above
 * @target, recorded: the anchor, each secure cut (a DS RRset in the DS
 * response), and the insecure cut where the walk ends Insecure. Labels
 * that are no cut are left out: a validator trusts a zone's keys through
 * the DS RRset its parent signed, whatever lies between (RFC 4035 5.2).
 */
static void plan_walk(struct pack *pk, const uint8_t *target,
		      struct val_budget *b)
{
	struct val_proof *p = pk->p;
	const uint8_t *anchor;
	bool nta;

	anchor = val_anchors_closest(p->anchors, target, &nta);
	if (!anchor)
		return;
	if (nta) {
		plan_add(pk, PROOF_NTA, anchor);
		return;
	}
	plan_add(pk, PROOF_ANCHOR, anchor);
	for (unsigned int l = dns_name_label_count(anchor) + 1;
	     l <= dns_name_label_count(target); l++) {
		const uint8_t *name = dns_name_suffix(target, l);
		struct proof_resp *ds = resp_find(p, name, DNS_TYPE_DS);
		struct val_keyset *ks;
		struct val_result r;
		struct val_rrset set;
		enum val_status st;

		if (!ds)
			return;		/* the walk never got here */
		if (val_sections_find(&ds->vs, DNS_SECTION_ANSWER, name,
				      DNS_TYPE_DS, &set)) {
			plan_add(pk, PROOF_SECURE_CUT, name);
			continue;
		}
		/* No DS RRset: no cut, or an insecure one, as the chain
		 * classified it (remembered, so no signature work again). */
		val_result_init(&r);
		st = val_chain_zone_keys(p->chain, name, pk->now, b, &r, NULL,
					 &ks);
		if (st == VAL_INSECURE) {
			plan_add(pk, PROOF_INSECURE_CUT, name);
			return;
		}
		if (st != VAL_SECURE)
			return;
	}
}

/* Every zone the answer needs: signers of the answer and of the denial
 * records, owners of unsigned data (their insecure cut), the question. */
static void plan_answer(struct pack *pk, const struct dns_msg *msg,
			const struct val_sections *vs)
{
	static const int sections[] = { DNS_SECTION_ANSWER,
					DNS_SECTION_AUTHORITY };
	struct val_budget b;
	bool any = false;

	val_budget_init(&b, val_chain_limits(pk->p->chain));
	for (size_t s = 0; s < 2; s++) {
		for (size_t i = 0; i < vs->n[sections[s]]; i++) {
			const uint8_t *signer;
			struct val_rrset set;

			if (!val_sections_set(vs, sections[s], i, &set))
				continue;
			if (sections[s] == DNS_SECTION_AUTHORITY &&
			    set.type != DNS_TYPE_SOA &&
			    set.type != DNS_TYPE_NSEC &&
			    set.type != DNS_TYPE_NSEC3)
				continue;
			signer = val_rrset_signer(&set);
			plan_walk(pk, signer ? signer : set.owner, &b);
			any = true;
		}
	}
	if (!any)
		plan_walk(pk, msg->question[0].name, &b);
}

/* --- writing ---------------------------------------------------------- */

static void emit_rr(struct pack *pk, const struct dns_rr *rr)
{
	int n = dns_print_rr(rr, pk->line, PROOF_LINE_MAX);

	if (n < 0) {
		pk->err = n;
		return;
	}
	fprintf(pk->f, "%s\n", pk->line);
	pk->records++;
}

/* An RRset, then the RRSIGs that cover it. */
static void emit_set(struct pack *pk, const struct val_rrset *set)
{
	for (size_t i = 0; i < set->count; i++)
		emit_rr(pk, &set->rr[set->idx[i]]);
	for (size_t i = 0; i < set->sig_count; i++)
		emit_rr(pk, &set->rr[set->sig_idx[i]]);
}

static void text_of(const uint8_t *name, char *out, size_t cap)
{
	if (dns_name_to_text(name, out, cap) < 0)
		snprintf(out, cap, "?");
}

/* The DNSKEY RRset of zone @name, as its DNSKEY response carried it. */
static void emit_dnskey(struct pack *pk, const uint8_t *name)
{
	struct proof_resp *k = resp_find(pk->p, name, DNS_TYPE_DNSKEY);
	struct val_rrset set;

	if (k && val_sections_find(&k->vs, DNS_SECTION_ANSWER, name,
				   DNS_TYPE_DNSKEY, &set))
		emit_set(pk, &set);
}

/* The NSEC and NSEC3 RRsets of the DS response for @name: the parent's
 * proof that the delegation has no DS (RFC 4035 5.2, RFC 5155 8.6). */
static void emit_ds_denial(struct pack *pk, const uint8_t *name)
{
	struct proof_resp *d = resp_find(pk->p, name, DNS_TYPE_DS);

	if (!d)
		return;
	for (size_t i = 0; i < d->vs.n[DNS_SECTION_AUTHORITY]; i++) {
		struct val_rrset set;

		if (val_sections_set(&d->vs, DNS_SECTION_AUTHORITY, i, &set) &&
		    (set.type == DNS_TYPE_NSEC || set.type == DNS_TYPE_NSEC3))
			emit_set(pk, &set);
	}
}

static void emit_steps(struct pack *pk)
{
	char t[DNS_NAME_TEXT_MAXLEN];

	for (size_t i = 0; i < pk->nsteps; i++) {
		const struct proof_step *s = &pk->step[i];
		struct proof_resp *d;
		struct val_rrset set;

		text_of(s->name, t, sizeof(t));
		switch (s->kind) {
		case PROOF_ANCHOR:
			fprintf(pk->f, "; zone: %s (trust anchor)\n", t);
			emit_dnskey(pk, s->name);
			break;
		case PROOF_SECURE_CUT:
			fprintf(pk->f, "; delegation: %s\n", t);
			d = resp_find(pk->p, s->name, DNS_TYPE_DS);
			if (d && val_sections_find(&d->vs, DNS_SECTION_ANSWER,
						   s->name, DNS_TYPE_DS, &set))
				emit_set(pk, &set);
			fprintf(pk->f, "; zone: %s\n", t);
			emit_dnskey(pk, s->name);
			break;
		case PROOF_INSECURE_CUT:
			fprintf(pk->f, "; insecure-delegation: %s\n", t);
			emit_ds_denial(pk, s->name);
			break;
		case PROOF_NTA:
			break;
		}
	}
}

/* The answer section whole (every link of a CNAME or DNAME chain), and
 * the SOA, NSEC and NSEC3 RRsets of the authority section. */
static void emit_answer(struct pack *pk, const struct val_sections *vs)
{
	struct val_rrset set;

	fprintf(pk->f, "; answer\n");
	for (size_t i = 0; i < vs->n[DNS_SECTION_ANSWER]; i++)
		if (val_sections_set(vs, DNS_SECTION_ANSWER, i, &set))
			emit_set(pk, &set);
	fprintf(pk->f, "; authority\n");
	for (size_t i = 0; i < vs->n[DNS_SECTION_AUTHORITY]; i++)
		if (val_sections_set(vs, DNS_SECTION_AUTHORITY, i, &set) &&
		    (set.type == DNS_TYPE_SOA || set.type == DNS_TYPE_NSEC ||
		     set.type == DNS_TYPE_NSEC3))
			emit_set(pk, &set);
}

static const char *rcode_text(uint16_t rcode, char *buf, size_t cap)
{
	switch (rcode) {
	case DNS_RCODE_NOERROR:
		return "NOERROR";
	case DNS_RCODE_SERVFAIL:
		return "SERVFAIL";
	case DNS_RCODE_NXDOMAIN:
		return "NXDOMAIN";
	default:
		snprintf(buf, cap, "RCODE%u", rcode);
		return buf;
	}
}

/* The anchor records the verifier is expected to hold, for the reader. */
static void emit_anchor_lines(struct pack *pk, const uint8_t *zone)
{
	static const int kinds[] = { VAL_ANCHOR_DS, VAL_ANCHOR_DNSKEY };
	const uint8_t *rd[VAL_KEYSET_MAX];
	uint16_t rl[VAL_KEYSET_MAX];
	char t[DNS_NAME_TEXT_MAXLEN];

	text_of(zone, t, sizeof(t));
	for (size_t k = 0; k < 2; k++) {
		size_t n = val_anchors_records(pk->p->anchors, zone, kinds[k],
					       rd, rl, VAL_KEYSET_MAX);

		for (size_t i = 0; i < n; i++) {
			if (dns_print_rdata((uint16_t)kinds[k], rd[i], rl[i],
					    pk->line, PROOF_LINE_MAX) < 0)
				continue;
			fprintf(pk->f, "; anchor: %s IN %s %s\n", t,
				kinds[k] == VAL_ANCHOR_DS ? "DS" : "DNSKEY",
				pk->line);
		}
	}
}

static void emit_header(struct pack *pk, const struct dns_msg *msg,
			const struct val_result *res, const char *note)
{
	const struct dns_question *q = &msg->question[0];
	char t[DNS_NAME_TEXT_MAXLEN], ty[16], rc[16], when[32];
	time_t now = (time_t)pk->now;
	struct tm tm;

	text_of(q->name, t, sizeof(t));
	dns_type_to_text(q->qtype, ty, sizeof(ty));
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(pk->f, "; xdpdns proof pack (docs/proof-pack.md)\n");
	fprintf(pk->f, "; version: %d\n", VAL_PROOF_VERSION);
	fprintf(pk->f, "; question: %s IN %s\n", t, ty);
	fprintf(pk->f, "; rcode: %s\n", rcode_text(msg->rcode, rc, sizeof(rc)));
	fprintf(pk->f, "; verdict: %s\n", val_status_name(res->status));
	fprintf(pk->f, "; reason: %s\n", res->reason[0] ? res->reason : "-");
	if (res->status != VAL_SECURE && res->ede)
		fprintf(pk->f, "; ede: %u\n", res->ede);
	if (note)
		fprintf(pk->f, "; daemon: %s\n", note);
	fprintf(pk->f, "; time: %u %s\n", pk->now, when);
	for (size_t i = 0; i < pk->nsteps; i++) {
		text_of(pk->step[i].name, t, sizeof(t));
		if (pk->step[i].kind == PROOF_ANCHOR)
			emit_anchor_lines(pk, pk->step[i].name);
		else if (pk->step[i].kind == PROOF_NTA)
			fprintf(pk->f, "; negative-trust-anchor: %s\n", t);
	}
	fprintf(pk->f, ";\n");
}

int val_proof_write(struct val_proof *p, const struct dns_msg *msg,
		    uint32_t now, const char *note, struct val_result *res,
		    char **text, size_t *len)
{
	struct val_sections vs = { 0 };
	struct pack *pk;
	char *buf = NULL;
	size_t size = 0;
	int err;

	*text = NULL;
	if (msg->qdcount < 1)
		return -EINVAL;
	err = val_answer_validate(p->chain, msg, now, res, NULL);
	if (err)
		return err;
	err = val_sections_load(&vs, msg);
	if (err)
		return err;
	pk = calloc(1, sizeof(*pk));
	if (!pk) {
		err = -ENOMEM;
		goto out;
	}
	pk->p = p;
	pk->now = now;
	pk->line = malloc(PROOF_LINE_MAX);
	pk->f = open_memstream(&buf, &size);
	if (!pk->line || !pk->f) {
		err = -ENOMEM;
		goto out;
	}
	plan_answer(pk, msg, &vs);
	emit_header(pk, msg, res, note);
	emit_steps(pk);
	emit_answer(pk, &vs);
	fprintf(pk->f, "; end: %zu records\n", pk->records);
	err = pk->err;
out:
	if (pk && pk->f && fclose(pk->f) && !err)
		err = -ENOMEM;
	if (pk)
		free(pk->line);
	free(pk);
	val_sections_release(&vs);
	if (err) {
		free(buf);
		return err;
	}
	*text = buf;
	if (len)
		*len = size;
	return 0;
}
