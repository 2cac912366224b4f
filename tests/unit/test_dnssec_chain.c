// SPDX-License-Identifier: GPL-2.0
/* Chain of trust and whole-answer verdicts on generated fixtures, and
 * mutation tests: no mutant of a Secure fixture may validate Secure. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dns/message.h"
#include "dnssec/answer.h"
#include "dnssec/chain.h"
#include "dnssec/algorithm.h"
#include "dnssec/crypto.h"
#include "dnssec/keytag.h"
#include "util/error.h"
#include "dnssec_run.h"
#include "tap.h"

/* The daemon's loop over the fixture pool (dnssec_run.h). */
static int run_case(const struct fix_case *fc, const uint8_t *wire,
		    size_t len, struct fix_run *out)
{
	return fix_validate(fc->anchors, NULL, wire, len, out);
}

/* Validate with a fixed set of pool entries, one of them replaced. */
static enum val_status run_fixed(const struct fix_case *fc,
				 const uint8_t *wire, size_t len,
				 const struct fix_run *base, size_t replace,
				 const uint8_t *rwire, size_t rlen)
{
	struct val_anchors *a = fix_anchors(fc->anchors);
	struct val_chain *c = val_chain_new(a, NULL);
	struct val_result res;
	struct dns_msg msg;
	enum val_status st = VAL_BOGUS;

	dns_msg_init(&msg);
	if (dns_msg_parse(&msg, wire, len))
		goto out;
	for (size_t i = 0; i < base->nused; i++) {
		const struct fix_response *p = &fix_pool[base->used[i]];

		if (i == replace)
			val_chain_add(c, rwire, rlen);
		else
			val_chain_add(c, p->wire, p->len);
	}
	if (val_answer_validate(c, &msg, FIX_NOW, &res, NULL) == 0)
		st = res.status;
out:
	dns_msg_release(&msg);
	val_chain_free(c);
	val_anchors_free(a);
	return st;
}

struct tally {
	unsigned int total, unparsable, bogus, insecure, indeterminate, secure;
};

static void count(struct tally *t, enum val_status st, const char *what,
		  const char *name)
{
	t->total++;
	switch (st) {
	case VAL_SECURE:
		t->secure++;
		diag("SECURE mutant of %s: %s", name, what);
		break;
	case VAL_INSECURE:
		t->insecure++;
		break;
	case VAL_BOGUS:
		t->bogus++;
		break;
	case VAL_INDETERMINATE:
		t->indeterminate++;
		break;
	}
}

/* Rebuild @msg without RR @skip, or with the owners of @swap and
 * @swap + 1 exchanged. Return the length or 0. */
static size_t rebuild(const struct dns_msg *msg, size_t skip, size_t swap,
		      uint8_t *out, size_t cap)
{
	struct dns_builder b;

	if (dns_builder_init(&b, out, cap, 0, msg->id, msg->flags))
		return 0;
	if (dns_builder_question(&b, msg->question[0].name,
				 msg->question[0].qtype,
				 msg->question[0].qclass))
		return 0;
	for (size_t i = 0; i < msg->rr_count; i++) {
		const struct dns_rr *rr = &msg->rr[i];
		const uint8_t *owner = rr->owner;

		if (i == skip)
			continue;
		if (swap != SIZE_MAX && swap + 1 < msg->rr_count && i == swap)
			owner = msg->rr[swap + 1].owner;
		else if (swap != SIZE_MAX && swap + 1 < msg->rr_count &&
			 i == swap + 1)
			owner = msg->rr[swap].owner;
		if (dns_builder_rr(&b, rr->section, owner, rr->type,
				   rr->rclass, rr->ttl, rr->rdata,
				   rr->rdata_len))
			return 0;
	}
	return dns_builder_finish(&b);
}

/* Every single-point mutation of one message: bit flips at three places
 * of each RDATA, RRSIG validity windows moved, records removed, owners
 * swapped. @apply validates one mutant. */
typedef enum val_status (*apply_fn)(const uint8_t *w, size_t l, void *arg);

static void mutate_msg(const uint8_t *wire, size_t len, apply_fn apply,
		       void *arg, struct tally *t, const char *name,
		       const char *where)
{
	uint8_t *m = malloc(len), *big = malloc(DNS_MSG_MAXLEN);
	struct dns_msg msg;
	char what[128];

	dns_msg_init(&msg);
	if (!m || !big || dns_msg_parse(&msg, wire, len))
		goto out;
	for (size_t i = 0; i < msg.rr_count; i++) {
		const struct dns_rr *rr = &msg.rr[i];
		size_t pos[3] = { 0, rr->rdlength / 2, rr->rdlength - 1 };
		size_t n;

		for (int p = 0; p < 3 && rr->rdlength; p++) {
			for (int bit = 0; bit < 8; bit += 7) {
				struct dns_msg chk;

				memcpy(m, wire, len);
				m[rr->rdata_offset + pos[p]] ^= 1 << bit;
				dns_msg_init(&chk);
				if (dns_msg_parse(&chk, m, len)) {
					t->unparsable++;
					dns_msg_release(&chk);
					continue;
				}
				dns_msg_release(&chk);
				snprintf(what, sizeof(what),
					 "%s rr %zu type %u byte %zu bit %d",
					 where, i, rr->type, pos[p], bit);
				count(t, apply(m, len, arg), what, name);
			}
		}
		if (rr->type == DNS_TYPE_RRSIG && rr->rdlength > 16) {
			/* Expired a second ago; valid only from tomorrow. */
			uint32_t win[2][2] = {
				{ FIX_NOW - 86400, FIX_NOW - 1 },
				{ FIX_NOW + 86400, FIX_NOW + 2 * 86400 },
			};
			for (int w = 0; w < 2; w++) {
				memcpy(m, wire, len);
				dns_put32(m + rr->rdata_offset + 8, win[w][1]);
				dns_put32(m + rr->rdata_offset + 12, win[w][0]);
				snprintf(what, sizeof(what),
					 "%s rr %zu window %d", where, i, w);
				count(t, apply(m, len, arg), what, name);
			}
		}
		n = rebuild(&msg, i, SIZE_MAX, big, DNS_MSG_MAXLEN);
		if (n) {
			snprintf(what, sizeof(what), "%s rr %zu removed", where,
				 i);
			count(t, apply(big, n, arg), what, name);
		}
		if (i + 1 < msg.rr_count &&
		    !dns_name_equal(msg.rr[i].owner, msg.rr[i + 1].owner)) {
			n = rebuild(&msg, SIZE_MAX, i, big, DNS_MSG_MAXLEN);
			if (n) {
				snprintf(what, sizeof(what),
					 "%s rr %zu owner swapped", where, i);
				count(t, apply(big, n, arg), what, name);
			}
		}
	}
out:
	dns_msg_release(&msg);
	free(m);
	free(big);
}

struct mctx {
	const struct fix_case *fc;
	const struct fix_run *base;
	size_t replace;		/* SIZE_MAX: mutate the response itself */
};

static enum val_status apply_response(const uint8_t *w, size_t l, void *arg)
{
	struct mctx *x = arg;
	struct fix_run r;

	/* The need loop runs again: a mutant may ask for other data. */
	run_case(x->fc, w, l, &r);
	return r.res.status;
}

static enum val_status apply_chain(const uint8_t *w, size_t l, void *arg)
{
	struct mctx *x = arg;

	return run_fixed(x->fc, x->fc->wire, x->fc->len, x->base, x->replace,
			 w, l);
}

/* One chain across queries and time: remembered outcomes are reused
 * while valid, never past the expiry of the signatures behind them. */
static void test_memo_and_time(void)
{
	const struct fix_case *fc = fix_case_find("ecdsa_positive");
	struct val_anchors *a = fix_anchors(fc->anchors);
	struct val_chain *c = val_chain_new(a, NULL);
	struct val_result res;
	struct val_need need;
	struct dns_msg msg;
	uint32_t later = FIX_NOW + 31 * 86400;	/* after every expiry */
	int fetched = 0;

	dns_msg_init(&msg);
	dns_msg_parse(&msg, fc->wire, fc->len);
	while (val_answer_next_need(c, &msg, FIX_NOW, &need) > 0 &&
	       fetched < 20) {
		int i = fix_pool_find(&need);

		if (i < 0)
			break;
		val_chain_add(c, fix_pool[i].wire, fix_pool[i].len);
		fetched++;
	}
	is_int(fetched, 5, "ecdsa_positive: 5 fetches (. DNSKEY, test. DS "
	       "and DNSKEY, secure.test. DS and DNSKEY)");
	val_answer_validate(c, &msg, FIX_NOW, &res, NULL);
	is_int(res.status, VAL_SECURE, "Secure at the fixture clock");
	val_answer_validate(c, &msg, FIX_NOW + 3600, &res, NULL);
	is_int(res.status, VAL_SECURE, "Secure an hour later (remembered)");
	val_answer_validate(c, &msg, later, &res, NULL);
	is_int(res.status, VAL_BOGUS, "Bogus after the expiry: %s",
	       res.reason);
	is_int(res.ede, 7, "EDE 7");
	val_answer_validate(c, &msg, FIX_NOW, &res, NULL);
	is_int(res.status, VAL_SECURE, "Secure again when asked at the "
	       "fixture clock");
	ok(val_answer_next_need(c, &msg, FIX_NOW, &need) == 0 &&
	   need.qtype == 0, "nothing more needed");
	/* An unrelated RRset slipped into the answer section. */
	{
		static uint8_t out[4096];
		static const uint8_t addr[4] = { 192, 0, 2, 99 };
		uint8_t other[DNS_NAME_MAXLEN];
		struct dns_builder bld;
		struct dns_msg extra;
		size_t n;

		dns_builder_init(&bld, out, sizeof(out), 0, msg.id, msg.flags);
		dns_builder_question(&bld, msg.question[0].name,
				     msg.question[0].qtype, 1);
		for (size_t i = 0; i < msg.rr_count; i++)
			dns_builder_rr(&bld, msg.rr[i].section,
				       msg.rr[i].owner, msg.rr[i].type,
				       msg.rr[i].rclass, msg.rr[i].ttl,
				       msg.rr[i].rdata, msg.rr[i].rdata_len);
		dns_name_from_text("bank.example.", other);
		dns_builder_rr(&bld, DNS_SECTION_ANSWER, other, DNS_TYPE_A, 1,
			       300, addr, 4);
		n = dns_builder_finish(&bld);
		dns_msg_init(&extra);
		is_int(dns_msg_parse(&extra, out, n), 0, "rebuilt with an "
		       "extra A RRset");
		val_answer_validate(c, &extra, FIX_NOW, &res, NULL);
		is_int(res.status, VAL_BOGUS, "extra RRset: Bogus");
		ok(strstr(res.reason, "outside the chain") != NULL,
		   "reason: %s", res.reason);
		dns_msg_release(&extra);
	}
	/* Replacing a response forgets what was concluded from it. */
	{
		uint8_t bad[4096];
		int i;

		dns_name_from_text("secure.test.", need.name);
		need.qtype = DNS_TYPE_DNSKEY;
		i = fix_pool_find(&need);
		struct dns_msg km;

		memcpy(bad, fix_pool[i].wire, fix_pool[i].len);
		dns_msg_init(&km);
		dns_msg_parse(&km, fix_pool[i].wire, fix_pool[i].len);
		/* Last octet of the answer's last record: the RRSIG. */
		{
			const struct dns_rr *sig =
				&km.rr[km.section_count[0] - 1];

			is_int(sig->type, DNS_TYPE_RRSIG, "found the RRSIG");
			bad[sig->rdata_offset + sig->rdlength - 1] ^= 0x10;
		}
		dns_msg_release(&km);
		is_int(val_chain_add(c, bad, fix_pool[i].len), 0,
		       "tampered DNSKEY response replaces the good one");
		val_answer_validate(c, &msg, FIX_NOW, &res, NULL);
		is_int(res.status, VAL_BOGUS, "then Bogus: %s", res.reason);
	}
	is_int(val_chain_add(c, fc->wire, fc->len), -EINVAL,
	       "an A response is not a chain response");
	dns_msg_release(&msg);
	val_chain_free(c);
	val_anchors_free(a);
}

static void test_anchors(void)
{
	struct val_anchors *a = val_anchors_new();
	uint8_t name[DNS_NAME_MAXLEN];
	const uint8_t *rd[4];
	uint16_t len[4];
	const uint8_t *z;
	bool nta;

	is_int(val_anchors_add_text(a, "example. DS 1234 13 2 "
				       "AABBCCDD eeff"), 0,
	       "DS anchor, hex split by a space");
	is_int(val_anchors_add_text(a, "Sub.Example. 3600 IN DNSKEY 257 3 15 "
				       "AAEC AwQ="), 0,
	       "DNSKEY anchor with TTL and class, base64 with a space");
	is_int(val_anchors_add_text(a, "nta.sub.example. NTA"), 0, "NTA");
	is_int(val_anchors_add_text(a, "x. DS 1 2 3 zz"), XDPDNS_ESYNTAX,
	       "bad hex refused");
	is_int(val_anchors_add_text(a, "x. DS 70000 8 2 aa"), XDPDNS_ESYNTAX,
	       "key tag out of range refused");
	is_int(val_anchors_add_text(a, "x. TXT foo"), XDPDNS_ESYNTAX,
	       "other types refused");
	is_int(val_anchors_add_text(a, "x. DNSKEY 257 3 8 A==="),
	       XDPDNS_ESYNTAX, "bad base64 refused");
	dns_name_from_text("example.", name);
	is_int(val_anchors_records(a, name, VAL_ANCHOR_DS, rd, len, 4), 1,
	       "one DS anchor for example.");
	ok(len[0] == 10 && rd[0][0] == 0x04 && rd[0][1] == 0xd2 &&
	   rd[0][2] == 13 && rd[0][3] == 2 && rd[0][9] == 0xff,
	   "DS anchor RDATA as written");
	dns_name_from_text("sub.example.", name);
	is_int(val_anchors_records(a, name, VAL_ANCHOR_DNSKEY, rd, len, 4), 1,
	       "DNSKEY anchor found case-insensitively");
	ok(len[0] == 9 && rd[0][0] == 1 && rd[0][1] == 1 && rd[0][8] == 4,
	   "DNSKEY anchor RDATA as written");
	dns_name_from_text("www.sub.example.", name);
	z = val_anchors_closest(a, name, &nta);
	ok(z && dns_name_label_count(z) == 2 && !nta,
	   "closest anchor of www.sub.example. is sub.example.");
	dns_name_from_text("a.nta.sub.example.", name);
	z = val_anchors_closest(a, name, &nta);
	ok(z && nta, "below the NTA: the NTA decides");
	dns_name_from_text("other.", name);
	ok(!val_anchors_closest(a, name, &nta), "no anchor above other.");
	dns_name_from_text("sub.example.", name);
	val_anchors_add(a, name, VAL_ANCHOR_NTA, NULL, 0);
	z = val_anchors_closest(a, name, &nta);
	ok(z && nta, "an NTA at an anchor's own name wins");
	val_anchors_free(a);
}

/* DS digest policy on secure.test.'s real key: RFC 4509 3 and the
 * SHA-1 switch. */
static void test_ds_digests(void)
{
	struct val_need need;
	struct dns_msg km;
	struct val_sections vs;
	struct val_rrset keys;
	struct val_keyset out;
	struct val_result r;
	struct val_budget b;
	struct val_trust t = { 0 };
	uint8_t zone[DNS_NAME_MAXLEN], ds[3][64];
	const uint8_t *dsp[3] = { ds[0], ds[1], ds[2] };
	uint16_t dslen[3];
	const uint8_t *ksk = NULL;
	size_t ksk_len = 0;
	int i;

	dns_name_from_text("secure.test.", zone);
	dns_name_copy(need.name, zone);
	need.qtype = DNS_TYPE_DNSKEY;
	i = fix_pool_find(&need);
	dns_msg_init(&km);
	dns_msg_parse(&km, fix_pool[i].wire, fix_pool[i].len);
	val_sections_load(&vs, &km);
	val_sections_find(&vs, DNS_SECTION_ANSWER, zone, DNS_TYPE_DNSKEY,
			  &keys);
	for (size_t k = 0; k < keys.count; k++)
		if (keys.rr[keys.idx[k]].rdata[1] & 1) {	/* SEP */
			ksk = keys.rr[keys.idx[k]].rdata;
			ksk_len = keys.rr[keys.idx[k]].rdata_len;
		}
	/* ds[0]: SHA-1, correct; ds[1]: SHA-256, wrong digest; ds[2]:
	 * SHA-384, correct. */
	for (int d = 0; d < 3; d++) {
		uint8_t type = d == 0 ? 1 : d == 1 ? 2 : 4;
		size_t dl = 48;
		uint16_t tag;

		dnssec_keytag(ksk, ksk_len, &tag);
		dns_put16(ds[d], tag);
		ds[d][2] = 13;
		ds[d][3] = type;
		dnssec_ds_digest(type, zone, dns_name_length(zone), ksk,
				 ksk_len, ds[d] + 4, &dl);
		dslen[d] = (uint16_t)(4 + dl);
	}
	ds[1][10] ^= 1;
	t.zone = zone;
	t.ds = dsp;
	t.ds_len = dslen;

	t.ds_count = 1;
	val_budget_init(&b, NULL);
	is_int(val_dnskey_validate(&t, &keys, FIX_NOW, &b, &r, &out),
	       VAL_SECURE, "SHA-1 DS alone: Secure (policy allows SHA-1)");
	val_keyset_release(&out);
	t.ds_count = 2;
	val_budget_init(&b, NULL);
	is_int(val_dnskey_validate(&t, &keys, FIX_NOW, &b, &r, &out),
	       VAL_BOGUS, "SHA-1 good, SHA-256 bad: SHA-1 ignored (RFC 4509 3)");
	dsp[1] = ds[2];
	dslen[1] = dslen[2];
	val_budget_init(&b, NULL);
	is_int(val_dnskey_validate(&t, &keys, FIX_NOW, &b, &r, &out),
	       VAL_SECURE, "SHA-384 DS: Secure");
	val_keyset_release(&out);
	dnssec_policy_set_sha1(false);
	t.ds_count = 1;
	val_budget_init(&b, NULL);
	is_int(val_dnskey_validate(&t, &keys, FIX_NOW, &b, &r, &out),
	       VAL_INSECURE, "SHA-1 switched off, only a SHA-1 DS: Insecure");
	is_int(r.ede, 2, "EDE 2 Unsupported DS Digest Type");
	dnssec_policy_set_sha1(true);
	t.ds_count = 0;
	val_budget_init(&b, NULL);
	is_int(val_dnskey_validate(&t, &keys, FIX_NOW, &b, &r, &out),
	       VAL_BOGUS, "no DS and no anchor key: Bogus");
	val_sections_release(&vs);
	dns_msg_release(&km);
}

int main(void)
{
	test_anchors();
	test_ds_digests();
	test_memo_and_time();
	struct tally t = { 0 };

	diag("%-34s %-13s %-4s %s", "fixture", "verdict", "EDE", "reason");
	for (size_t i = 0; i < FIX_CASE_COUNT; i++) {
		const struct fix_case *fc = &fix_cases[i];
		struct fix_run r;
		int err = run_case(fc, fc->wire, fc->len, &r);
		enum val_status status = r.res.status;

		is_int(err, 0, "%s: validation ran", fc->name);
		ok(!r.missing, "%s: every need was in the pool (%d fetches)",
		   fc->name, r.fetches);
		is_str(val_status_name(status), val_status_name(fc->status),
		       "%s: verdict (%s)", fc->name, r.res.reason);
		is_int(r.res.ede, fc->ede, "%s: EDE", fc->name);
		if (fc->note[0])
			ok(strstr(r.res.reason, fc->note) != NULL,
			   "%s: reason names the cap '%s'", fc->name, fc->note);
		if (status == VAL_SECURE)
			ok(r.res.ttl != VAL_TTL_NONE && r.res.has_expire &&
			   r.res.ttl <= 86400,
			   "%s: Secure verdict carries TTL %u and expiry",
			   fc->name, r.res.ttl);
		diag("%-34s %-13s %-4u %s", fc->name,
		     val_status_name(status), r.res.ede, r.res.reason);
	}

	for (size_t i = 0; i < FIX_CASE_COUNT; i++) {
		const struct fix_case *fc = &fix_cases[i];
		struct tally before = t;
		struct mctx x = { .fc = fc, .replace = SIZE_MAX };
		struct fix_run base;

		if (!fc->mutate)
			continue;
		run_case(fc, fc->wire, fc->len, &base);
		x.base = &base;
		mutate_msg(fc->wire, fc->len, apply_response, &x, &t,
			   fc->name, "response");
		for (size_t u = 0; u < base.nused; u++) {
			const struct fix_response *p = &fix_pool[base.used[u]];
			char where[300];

			x.replace = u;
			snprintf(where, sizeof(where), "%s %s", p->name,
				 p->qtype == DNS_TYPE_DS ? "DS" : "DNSKEY");
			mutate_msg(p->wire, p->len, apply_chain, &x, &t,
				   fc->name, where);
		}
		is_int(t.secure - before.secure, 0,
		       "%s: %u mutants, none Secure", fc->name,
		       t.total - before.total);
	}
	diag("mutants: %u validated (%u bogus, %u insecure, %u indeterminate, "
	     "%u secure), %u unparsable skipped", t.total, t.bogus, t.insecure,
	     t.indeterminate, t.secure, t.unparsable);
	ok(t.total > 1000, "more than 1000 mutants validated (%u)", t.total);
	return done_testing();
}
