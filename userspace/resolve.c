// SPDX-License-Identifier: GPL-2.0
/* The per-query state machine: cache, coalescing, upstream attempts with
 * failover, the validation step, caching and the client answers. */
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>

#include "dns/name.h"
#include "dns/rrset.h"
#include "log.h"
#include "refill.h"
#include "resolve.h"
#include "upstream.h"
#include "util/error.h"

#define TABLE_BUCKETS 4096
#define MAX_ATTEMPTS 6		/* upstream attempts per query, all upstreams */

struct resolve_key {
	struct cache_key ck;
	bool cd;
};

/*
 * One upstream resolution and the clients waiting for it. Owned by the
 * worker that started it: only that worker touches it, except @waiters,
 * which other workers append to under the table lock while it is listed.
 */
struct resolve_txn {
	struct resolve_txn *hnext;	/* table chain */
	struct resolve_txn *prev, *next;	/* owner's list */
	uint32_t hash;
	bool listed;
	struct resolve_key key;
	struct worker *owner;
	struct client *waiters;
	size_t nwait, capwait;
	struct timer timer;
	uint64_t deadline;		/* ms: the clients' answers are due */
	uint64_t attempt_deadline;
	struct upstream_attempt att;
	struct dot_pending dp;		/* the attempt when over TLS */
	int up_idx;
	uint32_t tried;
	unsigned int attempts;
	bool force_tcp;
	bool network_error;		/* an attempt failed by refusal/reset */
	uint16_t qid;
	uint8_t query[512];
	size_t qlen;
};

struct resolve_table {
	pthread_mutex_t lock;
	struct resolve_txn *buckets[TABLE_BUCKETS];
	size_t count;
};

struct resolve_worker {
	struct dns_msg msg;		/* client queries */
	struct dns_msg up;		/* upstream responses */
	struct resolve_txn *txns;	/* owned transactions */
	uint8_t cache_buf[DNS_MSG_MAXLEN];
	uint8_t out[DNS_MSG_MAXLEN];
};

/* --- the table ------------------------------------------------------------ */

struct resolve_table *resolve_table_new(void)
{
	struct resolve_table *t = calloc(1, sizeof(*t));

	if (t)
		pthread_mutex_init(&t->lock, NULL);
	return t;
}

void resolve_table_free(struct resolve_table *table)
{
	if (!table)
		return;
	pthread_mutex_destroy(&table->lock);
	free(table);
}

size_t resolve_table_count(struct resolve_table *table)
{
	size_t n;

	pthread_mutex_lock(&table->lock);
	n = table->count;
	pthread_mutex_unlock(&table->lock);
	return n;
}

static uint32_t key_hash(const struct resolve_key *k)
{
	uint32_t h = 2166136261u;

	for (unsigned int i = 0; i < k->ck.name_len; i++)
		h = (h ^ k->ck.name[i]) * 16777619u;
	h = (h ^ k->ck.qtype) * 16777619u;
	h = (h ^ k->ck.qclass) * 16777619u;
	h = (h ^ (k->ck.do_bit | k->cd << 1)) * 16777619u;
	return h;
}

static bool key_equal(const struct resolve_key *a, const struct resolve_key *b)
{
	return a->ck.name_len == b->ck.name_len && a->ck.qtype == b->ck.qtype &&
	       a->ck.qclass == b->ck.qclass && a->ck.do_bit == b->ck.do_bit &&
	       a->cd == b->cd && !memcmp(a->ck.name, b->ck.name, a->ck.name_len);
}

/* Remove @t from the table; lock held. */
static void table_unlink(struct resolve_table *table, struct resolve_txn *t)
{
	struct resolve_txn **pp = &table->buckets[t->hash % TABLE_BUCKETS];

	while (*pp && *pp != t)
		pp = &(*pp)->hnext;
	if (*pp) {
		*pp = t->hnext;
		table->count--;
	}
	t->listed = false;
}

static int waiter_add(struct resolve_txn *t, const struct client *c)
{
	if (t->nwait == t->capwait) {
		size_t cap = t->capwait ? t->capwait * 2 : 4;
		struct client *n = realloc(t->waiters, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		t->waiters = n;
		t->capwait = cap;
	}
	t->waiters[t->nwait++] = *c;
	return 0;
}

/* --- answers -------------------------------------------------------------- */

static bool is_dnssec_type(uint16_t type)
{
	return type == DNS_TYPE_RRSIG || type == DNS_TYPE_NSEC ||
	       type == DNS_TYPE_NSEC3;
}

int resolve_answer_build(const struct client *c, const struct resolve_answer *a,
			 uint16_t udp_size, uint8_t *out, size_t cap)
{
	uint8_t optbuf[300];
	struct dns_edns_writer ew;
	struct dns_builder b;
	uint16_t rcode = a->rcode, ede = a->ede, flags;
	const char *ede_text = a->ede_text;
	const struct dns_msg *msg = a->msg;
	size_t limit;
	int err;

	if (msg)
		rcode = msg->rcode;
	/* RFC 4035 3.2.2: bogus data only reaches clients that set CD. */
	if (msg && a->security == CACHE_SEC_BOGUS && !(c->flags & DNS_FLAG_CD)) {
		msg = NULL;
		rcode = DNS_RCODE_SERVFAIL;
		if (ede == RESOLVE_NO_EDE)
			ede = DNS_EDE_DNSSEC_BOGUS;
	}
	if (!c->has_edns && rcode > 15)
		rcode = DNS_RCODE_SERVFAIL;
	flags = DNS_FLAG_QR | DNS_FLAG_RA | (c->flags & (DNS_FLAG_RD | DNS_FLAG_CD)) |
		(rcode & DNS_RCODE_MASK);
	/* RFC 6840 5.7-5.8: AD only for Secure data, only if DO or AD asked. */
	if (msg && a->security == CACHE_SEC_SECURE &&
	    (c->do_bit || (c->flags & DNS_FLAG_AD)) &&
	    (rcode == DNS_RCODE_NOERROR || rcode == DNS_RCODE_NXDOMAIN))
		flags |= DNS_FLAG_AD;
	if (c->tcp)
		limit = DNS_MSG_MAXLEN;
	else if (c->has_edns)
		/* RFC 6891 6.2.5: the smaller of the two sizes, never below 512. */
		limit = c->udp_size < udp_size ? c->udp_size : udp_size;
	else
		limit = DNS_EDNS_MIN_UDP;	/* RFC 1035 4.2.1 */
	if (limit < DNS_EDNS_MIN_UDP)
		limit = DNS_EDNS_MIN_UDP;

	dns_edns_writer_init(&ew, optbuf, sizeof(optbuf));
	if (c->has_edns && ede != RESOLVE_NO_EDE)
		dns_edns_add_ede(&ew, ede, ede_text);
	err = dns_builder_init(&b, out, cap, limit, c->id, flags);
	if (!err)
		err = dns_builder_question(&b, c->qname, c->qtype, c->qclass);
	if (!err && c->has_edns)
		err = dns_builder_reserve(&b, DNS_OPT_FIXED_LEN + ew.len);
	if (err)
		return err;
	for (int s = 0; msg && s < DNS_SECTION_COUNT; s++) {
		size_t n = msg->section_count[s];
		struct dns_rrset *sets;
		uint32_t *order;
		struct dns_rr *rrs;
		int nsets;

		if (!n)
			continue;
		sets = malloc(n * sizeof(*sets));
		order = malloc(n * sizeof(*order));
		rrs = malloc(n * sizeof(*rrs));
		nsets = sets && order && rrs ?
				dns_rrset_group(msg, s, sets, n, order) : -ENOMEM;
		for (int i = 0; i < nsets; i++) {
			struct dns_rrset *set = &sets[i];

			/* RFC 4035 3.2.1: without DO, no DNSSEC records unless
			 * the query asked for that very type. */
			if (!c->do_bit && is_dnssec_type(set->type) &&
			    !(s == DNS_SECTION_ANSWER && set->type == c->qtype))
				continue;
			for (uint32_t j = 0; j < set->count; j++) {
				rrs[j] = msg->rr[order[set->first + j]];
				if (a->ttl != UINT32_MAX)
					rrs[j].ttl = a->ttl;
			}
			err = dns_builder_rrset(&b, s, rrs, set->count);
			if (err && err != XDPDNS_ESPACE)
				break;
			err = 0;
		}
		if (nsets < 0)
			err = nsets;
		free(sets);
		free(order);
		free(rrs);
		if (err)
			return err;
	}
	if (c->has_edns) {
		struct dns_edns edns = {
			.udp_size = udp_size,
			.ext_rcode = (uint8_t)(rcode >> 4),
			.flags = c->do_bit ? DNS_EDNS_FLAG_DO : 0,
			.options = optbuf,
			.options_len = (uint16_t)ew.len,
		};

		err = dns_builder_opt(&b, &edns);
		if (err)
			return err;
	}
	return (int)dns_builder_finish(&b);
}

/* Build and send an answer; count it by rcode. */
static void answer_send(struct worker *w, const struct client *c,
			const struct resolve_answer *a)
{
	struct server *srv = w->srv;
	uint16_t udp_size;
	int len;

	pthread_rwlock_rdlock(&srv->cfg_lock);
	udp_size = srv->cfg.edns_udp_size;
	pthread_rwlock_unlock(&srv->cfg_lock);
	len = resolve_answer_build(c, a, udp_size, w->rw->out, sizeof(w->rw->out));
	if (len < 0) {
		/* A message we cannot rebuild: tell the client, never crash. */
		struct resolve_answer fail = { .rcode = DNS_RCODE_SERVFAIL,
					       .ede = DNS_EDE_OTHER,
					       .ede_text = "answer could not be built" };

		log_debug("answer build failed: %s", xdpdns_strerror(len));
		len = resolve_answer_build(c, &fail, udp_size, w->rw->out,
					   sizeof(w->rw->out));
		if (len < 0)
			return;
	}
	STAT_INC(srv->stats.answers_rcode[dns_hdr_rcode(w->rw->out)]);
	if (dns_hdr_flags(w->rw->out) & DNS_FLAG_TC)
		STAT_INC(srv->stats.answers_truncated);
	if (a->msg && a->security == CACHE_SEC_UNCHECKED)
		STAT_INC(srv->stats.unvalidated);
	server_send(w, c, w->rw->out, (size_t)len);
}

/* A reply built from the query header alone (FORMERR, NOTIMP...). */
static void answer_header_only(struct worker *w, const struct client *c,
			       const uint8_t *wire, uint16_t rcode)
{
	uint8_t out[DNS_HEADER_LEN] = { 0 };
	uint16_t flags = DNS_FLAG_QR | (dns_hdr_flags(wire) &
					(DNS_OPCODE_MASK | DNS_FLAG_RD)) | rcode;

	dns_hdr_set_id(out, dns_hdr_id(wire));
	dns_hdr_set_flags(out, flags);
	STAT_INC(w->srv->stats.answers_rcode[rcode]);
	server_send(w, c, out, sizeof(out));
}

/* --- validation and kernel cache hand-off --------------------------------- */

/*
 * The validation step. The chain-of-trust engine (userspace/dnssec/) is
 * not wired in yet: every answer stays CACHE_SEC_UNCHECKED, which means no
 * AD bit and no hand-off to the kernel cache. When the engine lands, this
 * function runs it on @msg (fetching DS/DNSKEY through the upstream for
 * what it still needs) and returns its verdict and EDE.
 */
static enum cache_security resolve_validate(struct resolve_txn *t,
					    const struct dns_msg *msg,
					    uint16_t *ede)
{
	*ede = RESOLVE_NO_EDE;
	return CACHE_SEC_UNCHECKED;
}

int resolve_handoff_kernel_cache(const struct refill_maps *maps,
				 const struct cache_key *key,
				 const struct dns_msg *msg, uint32_t lifetime,
				 enum cache_security security)
{
	struct xdpdns_cache_key kkey;
	struct xdpdns_cache_entry *entry;
	struct refill_params params = {
		.lifetime_s = lifetime,
		.secure = security == CACHE_SEC_SECURE,
		.do_bit = key->do_bit,
	};
	/* The exact answer userspace gives a DO/no-DO EDNS client, TTLs as
	 * they are now: that is what the kernel will replay and count down. */
	struct client c = { .tcp = true, .has_edns = true, .do_bit = key->do_bit,
			    .udp_size = DNS_MSG_MAXLEN, .qtype = key->qtype,
			    .qclass = key->qclass, .flags = DNS_FLAG_RD };
	struct resolve_answer a = { .msg = msg, .ede = RESOLVE_NO_EDE,
				    .security = security, .ttl = lifetime };
	static __thread uint8_t buf[DNS_MSG_MAXLEN];
	int len, err;

	/* DESIGN contract 2: only Secure or Insecure data goes to the kernel. */
	if (security != CACHE_SEC_SECURE && security != CACHE_SEC_INSECURE)
		return -EINVAL;
	if (!maps)
		return 0;	/* no XDP program attached: nothing to refill */
	memcpy(c.qname, key->name, key->name_len);
	len = resolve_answer_build(&c, &a, CONFIG_EDNS_UDP_SIZE, buf, sizeof(buf));
	if (len < 0)
		return len;
	entry = malloc(sizeof(*entry));
	if (!entry)
		return -ENOMEM;
	err = refill_entry_build(buf, (size_t)len, maps->hash_seed, &params,
				 &kkey, entry);
	if (!err)
		err = refill_entry_put(maps, &kkey, entry);
	free(entry);
	return err;
}

/* --- transactions ------------------------------------------------------------ */

static void txn_start_attempt(struct worker *w, struct resolve_txn *t);

/* Stop listening for the current attempt, whatever its transport. */
static void txn_attempt_close(struct worker *w, struct resolve_txn *t)
{
	upstream_attempt_close(w, &t->att);
	upstream_dot_cancel(w, &t->dp);
}

static struct cache_policy policy_of(struct server *srv, uint32_t *timeout_ms)
{
	struct cache_policy p;

	pthread_rwlock_rdlock(&srv->cfg_lock);
	p.ttl_min = srv->cfg.ttl_min;
	p.ttl_max = srv->cfg.ttl_max;
	p.negative_ttl_max = srv->cfg.negative_ttl_max;
	p.failure_ttl = srv->cfg.failure_ttl;
	if (timeout_ms)
		*timeout_ms = srv->cfg.query_timeout_ms;
	pthread_rwlock_unlock(&srv->cfg_lock);
	return p;
}

/* Unlist, answer every waiter with @a, free. */
static void txn_finish(struct worker *w, struct resolve_txn *t,
		       const struct resolve_answer *a)
{
	struct server *srv = w->srv;

	pthread_mutex_lock(&srv->table->lock);
	if (t->listed)
		table_unlink(srv->table, t);
	pthread_mutex_unlock(&srv->table->lock);
	/* Unlisted: nobody else touches @t->waiters any more. */
	timer_disarm(w, &t->timer);
	for (size_t i = 0; i < t->nwait; i++) {
		answer_send(w, &t->waiters[i], a);
		__atomic_fetch_sub(&srv->workers[t->waiters[i].worker].inflight, 1,
				   __ATOMIC_RELAXED);
	}
	/* Only now: @a->msg may point into the attempt's TCP buffer. */
	txn_attempt_close(w, t);
	if (t->prev)
		t->prev->next = t->next;
	else
		w->rw->txns = t->next;
	if (t->next)
		t->next->prev = t->prev;
	free(t->waiters);
	free(t);
}

/* No usable answer from any upstream: SERVFAIL with EDE 22 or 23, cached
 * for the failure lifetime (RFC 9520). */
static void txn_fail(struct worker *w, struct resolve_txn *t, uint16_t ede,
		     const char *text)
{
	struct server *srv = w->srv;
	struct cache_policy p = policy_of(srv, NULL);
	struct resolve_answer a = { .rcode = DNS_RCODE_SERVFAIL, .ede = ede,
				    .ede_text = text, .ttl = UINT32_MAX };
	struct client stub = { .id = 0, .qtype = t->key.ck.qtype,
			       .qclass = t->key.ck.qclass, .tcp = true };
	int len;

	STAT_INC(srv->stats.timeouts);
	/* What is cached is a bare SERVFAIL for the question; the EDE comes
	 * from the entry. */
	memcpy(stub.qname, t->key.ck.name, t->key.ck.name_len);
	len = resolve_answer_build(&stub, &a, UPSTREAM_EDNS_SIZE, w->rw->out,
				   sizeof(w->rw->out));
	if (len > 0)
		cache_put(srv->cache, &t->key.ck, w->rw->out, (size_t)len,
			  cache_failure_lifetime(&p), CACHE_KIND_FAILURE,
			  CACHE_SEC_UNCHECKED, ede, server_now_ms() / 1000);
	txn_finish(w, t, &a);
}

/* Arm the transaction's timer for an attempt that may take @rto ms. */
static void txn_arm(struct worker *w, struct resolve_txn *t, uint32_t rto)
{
	t->attempt_deadline = server_now_ms() + rto;
	timer_arm(w, &t->timer, t->attempt_deadline < t->deadline ?
				      t->attempt_deadline : t->deadline);
}

static void txn_attempt_failed(struct worker *w, struct resolve_txn *t, int err)
{
	struct upstream_set *ups = w->srv->ups;
	uint64_t now = server_now_ms();

	if (t->up_idx >= 0)
		upstream_report(ups, (unsigned int)t->up_idx, err, 0, now);
	if (err != -ETIMEDOUT)
		t->network_error = true;
	t->attempts++;
	if (now >= t->deadline || t->attempts >= MAX_ATTEMPTS) {
		txn_attempt_close(w, t);
		if (t->network_error)
			txn_fail(w, t, DNS_EDE_NETWORK_ERROR, "upstream unreachable");
		else
			txn_fail(w, t, DNS_EDE_NO_REACHABLE_AUTHORITY,
				 "no upstream answered in time");
		return;
	}
	/*
	 * A UDP timeout with no other upstream to try: retransmit on the same
	 * socket with the same ID, so that a slow answer to the first copy
	 * still counts (and the RTT sample stays the first send's).
	 */
	if (err == -ETIMEDOUT && t->att.transport == UPSTREAM_UDP &&
	    t->att.io.fd >= 0 && upstream_select(ups, t->tried, now) == t->up_idx &&
	    send(t->att.io.fd, t->query, t->qlen, 0) >= 0) {
		upstream_count(ups, (unsigned int)t->up_idx, UPSTREAM_SENT);
		txn_arm(w, t, upstream_rto(ups, (unsigned int)t->up_idx));
		return;
	}
	txn_attempt_close(w, t);
	txn_start_attempt(w, t);
}

static void txn_timer(struct worker *w, struct timer *tm)
{
	struct resolve_txn *t = (struct resolve_txn *)((char *)tm -
						       offsetof(struct resolve_txn, timer));

	txn_attempt_failed(w, t, -ETIMEDOUT);
}

static void txn_start_attempt(struct worker *w, struct resolve_txn *t)
{
	struct server *srv = w->srv;
	struct config_upstream up;
	uint64_t now = server_now_ms();
	uint32_t rto;
	int idx, len, err;

	for (;;) {
		idx = upstream_select(srv->ups, t->tried, now);
		if (idx < 0 || upstream_get(srv->ups, (unsigned int)idx, &up)) {
			t->up_idx = -1;
			t->network_error = true;
			txn_fail(w, t, DNS_EDE_NO_REACHABLE_AUTHORITY,
				 "no upstream configured");
			return;
		}
		t->up_idx = idx;
		t->tried |= 1u << idx;
		/* RFC 5452 9.2: a fresh random ID for every query sent. */
		if (getrandom(&t->qid, sizeof(t->qid), 0) != sizeof(t->qid))
			t->qid = (uint16_t)(now * 2654435761u >> 7);
		len = upstream_query_build(t->query, sizeof(t->query), t->qid,
					   t->key.ck.name, t->key.ck.qtype,
					   t->key.ck.qclass);
		if (len < 0) {
			txn_fail(w, t, DNS_EDE_OTHER, "query could not be built");
			return;
		}
		t->qlen = (size_t)len;
		t->att.owner = t;
		if (up.tls) {
			/* RFC 7858: over the worker's reused TLS connection;
			 * never in clear text to a TLS upstream. */
			t->dp.owner = t;
			t->att.transport = UPSTREAM_TLS;
			t->att.sent_ms = now;
			err = upstream_dot_send(w, (unsigned int)idx, &up, &t->dp,
						t->query, t->qlen);
		} else
			err = upstream_attempt_start(w, &t->att,
						     t->force_tcp ? UPSTREAM_TCP : UPSTREAM_UDP,
						     &up, t->query, t->qlen);
		if (!err)
			break;
		upstream_report(srv->ups, (unsigned int)idx, err, 0, now);
		t->network_error = true;
		t->force_tcp = false;
		if (++t->attempts >= MAX_ATTEMPTS) {
			txn_fail(w, t, DNS_EDE_NETWORK_ERROR, "upstream unreachable");
			return;
		}
	}
	upstream_count(srv->ups, (unsigned int)idx, UPSTREAM_SENT);
	rto = upstream_rto(srv->ups, (unsigned int)idx);
	/* TCP needs a handshake too: give it two round trips. */
	if (t->force_tcp)
		rto *= 2;
	/* TLS may need TCP and TLS handshakes before the query leaves. */
	if (up.tls && rto < 1000)
		rto = 1000;
	txn_arm(w, t, rto);
}

/* An accepted upstream answer: validate, cache, hand off, answer. */
static void txn_answer(struct worker *w, struct resolve_txn *t,
		       const uint8_t *wire, size_t len)
{
	struct server *srv = w->srv;
	struct dns_msg *msg = &w->rw->up;
	struct cache_policy p = policy_of(srv, NULL);
	struct resolve_answer a = { .msg = msg, .ede = RESOLVE_NO_EDE };
	enum cache_kind kind;
	uint32_t life;
	uint16_t ede;

	a.security = resolve_validate(t, msg, &ede);
	a.ede = ede;
	life = cache_lifetime(msg, &p, (uint32_t)time(NULL), &kind);
	a.ttl = life ? life : UINT32_MAX;
	if (life) {
		cache_put(srv->cache, &t->key.ck, wire, len, life, kind, a.security,
			  ede, server_now_ms() / 1000);
		if ((a.security == CACHE_SEC_SECURE ||
		     a.security == CACHE_SEC_INSECURE) && kind != CACHE_KIND_FAILURE)
			resolve_handoff_kernel_cache(srv->kmaps, &t->key.ck, msg,
						     life, a.security);
	}
	txn_finish(w, t, &a);
}

/* An answer that passed upstream_response_check() (parsed in rw->up). */
static void txn_accepted(struct worker *w, struct resolve_txn *t,
			 const uint8_t *wire, size_t len)
{
	struct server *srv = w->srv;
	uint64_t now = server_now_ms();

	upstream_report(srv->ups, (unsigned int)t->up_idx, 0,
			(uint32_t)(now - t->att.sent_ms), now);
	if ((w->rw->up.flags & DNS_FLAG_TC) && t->att.transport == UPSTREAM_UDP) {
		/* RFC 7766 5: a truncated answer is retried over TCP. */
		upstream_count(srv->ups, (unsigned int)t->up_idx, UPSTREAM_TRUNCATED);
		txn_attempt_close(w, t);
		t->force_tcp = true;
		t->tried &= ~(1u << t->up_idx);
		txn_start_attempt(w, t);
		return;
	}
	/* An upstream that fails or refuses: try another one first. */
	if ((w->rw->up.rcode == DNS_RCODE_SERVFAIL ||
	     w->rw->up.rcode == DNS_RCODE_REFUSED) &&
	    t->tried != (1u << upstream_set_count(srv->ups)) - 1 &&
	    ++t->attempts < MAX_ATTEMPTS && now < t->deadline) {
		txn_attempt_close(w, t);
		t->force_tcp = false;
		txn_start_attempt(w, t);
		return;
	}
	txn_answer(w, t, wire, len);
}

void resolve_io_event(struct worker *w, struct io_handle *h, uint32_t events)
{
	struct upstream_attempt *att = (struct upstream_attempt *)h;
	struct resolve_txn *t = att->owner;
	struct server *srv = w->srv;
	const uint8_t *wire;
	size_t len;
	int ret;

	/* Bounded: a flood of forged datagrams cannot hold the worker. */
	for (int round = 0; round < 64; round++) {
		ret = upstream_attempt_event(w, att, events, &wire, &len);
		if (ret == 0)
			return;
		if (ret < 0) {
			txn_attempt_failed(w, t, ret);
			return;
		}
		if (upstream_response_check(&w->rw->up, wire, len, t->qid,
					    t->key.ck.name, t->key.ck.qtype,
					    t->key.ck.qclass)) {
			/* RFC 5452 9.1: wrong ID, question or garbage: drop,
			 * count, keep waiting for the real answer. */
			upstream_count(srv->ups, (unsigned int)t->up_idx,
				       UPSTREAM_MISMATCHED);
			if (att->transport != UPSTREAM_UDP) {
				txn_attempt_failed(w, t, -EPROTO);
				return;
			}
			continue;
		}
		txn_accepted(w, t, wire, len);
		return;
	}
}

void resolve_dot_answer(struct worker *w, void *owner, const uint8_t *msg,
			size_t len)
{
	struct resolve_txn *t = owner;

	if (upstream_response_check(&w->rw->up, msg, len, t->qid, t->key.ck.name,
				    t->key.ck.qtype, t->key.ck.qclass)) {
		/* Over an authenticated channel a wrong answer is a broken
		 * upstream: count it and move on. */
		upstream_count(w->srv->ups, (unsigned int)t->up_idx,
			       UPSTREAM_MISMATCHED);
		txn_attempt_failed(w, t, -EPROTO);
		return;
	}
	txn_accepted(w, t, msg, len);
}

void resolve_dot_failed(struct worker *w, void *owner, int err)
{
	txn_attempt_failed(w, owner, err);
}

/* --- client queries -------------------------------------------------------- */

/* Answer from the cache if possible. Return: true if answered. */
static bool answer_from_cache(struct worker *w, const struct client *c)
{
	struct server *srv = w->srv;
	struct resolve_worker *rw = w->rw;
	struct cache_key key;
	struct cache_hit hit;
	struct dns_msg *msg = &rw->up;

	cache_key_init(&key, c->qname, c->qtype, c->qclass, c->do_bit);
	if (cache_get(srv->cache, &key, server_now_ms() / 1000, rw->cache_buf,
		      sizeof(rw->cache_buf), &hit))
		return false;
	STAT_INC(srv->stats.answers_from_cache);
	if (hit.kind == CACHE_KIND_FAILURE) {
		struct resolve_answer a = { .rcode = DNS_RCODE_SERVFAIL,
					    .ede = hit.ede != RESOLVE_NO_EDE ?
						   hit.ede : DNS_EDE_CACHED_ERROR,
					    .ede_text = "cached failure",
					    .ttl = UINT32_MAX };

		answer_send(w, c, &a);
		return true;
	}
	if (dns_msg_parse(msg, rw->cache_buf, hit.len))
		return false;
	{
		struct resolve_answer a = { .msg = msg, .ede = hit.ede,
					    .security = hit.security,
					    .ttl = hit.ttl_left };

		answer_send(w, c, &a);
	}
	return true;
}

static void resolve_query(struct worker *w, struct client *c)
{
	struct server *srv = w->srv;
	struct resolve_table *table = srv->table;
	struct resolve_key key;
	struct resolve_txn *t;
	uint32_t timeout_ms, max_inflight;

	if (answer_from_cache(w, c))
		return;
	pthread_rwlock_rdlock(&srv->cfg_lock);
	max_inflight = srv->cfg.max_inflight;
	pthread_rwlock_unlock(&srv->cfg_lock);
	if (__atomic_load_n(&w->inflight, __ATOMIC_RELAXED) >= max_inflight) {
		struct resolve_answer a = { .rcode = DNS_RCODE_SERVFAIL,
					    .ede = DNS_EDE_OTHER,
					    .ede_text = "too many queries in flight",
					    .ttl = UINT32_MAX };

		STAT_INC(srv->stats.inflight_full);
		answer_send(w, c, &a);
		return;
	}
	cache_key_init(&key.ck, c->qname, c->qtype, c->qclass, c->do_bit);
	key.cd = (c->flags & DNS_FLAG_CD) != 0;
	uint32_t hash = key_hash(&key);

	__atomic_fetch_add(&w->inflight, 1, __ATOMIC_RELAXED);
	pthread_mutex_lock(&table->lock);
	for (t = table->buckets[hash % TABLE_BUCKETS]; t; t = t->hnext) {
		if (t->hash == hash && key_equal(&t->key, &key)) {
			/* Coalesce: one upstream query answers both. */
			int err = waiter_add(t, c);

			pthread_mutex_unlock(&table->lock);
			if (err) {
				__atomic_fetch_sub(&w->inflight, 1, __ATOMIC_RELAXED);
				return;
			}
			STAT_INC(srv->stats.coalesced);
			return;
		}
	}
	t = calloc(1, sizeof(*t));
	if (!t || waiter_add(t, c)) {
		pthread_mutex_unlock(&table->lock);
		free(t);
		__atomic_fetch_sub(&w->inflight, 1, __ATOMIC_RELAXED);
		return;
	}
	t->key = key;
	t->hash = hash;
	t->owner = w;
	t->listed = true;
	t->hnext = table->buckets[hash % TABLE_BUCKETS];
	table->buckets[hash % TABLE_BUCKETS] = t;
	table->count++;
	pthread_mutex_unlock(&table->lock);

	t->att.io.fd = -1;
	t->up_idx = -1;
	timer_init(&t->timer, txn_timer);
	policy_of(srv, &timeout_ms);
	t->deadline = server_now_ms() + timeout_ms;
	t->next = w->rw->txns;
	if (t->next)
		t->next->prev = t;
	w->rw->txns = t;
	txn_start_attempt(w, t);
}

int resolve_client_query(struct worker *w, struct client *c,
			 const uint8_t *wire, size_t len)
{
	struct server *srv = w->srv;
	struct dns_msg *msg = &w->rw->msg;
	const struct dns_question *q;
	uint16_t flags;
	int err;

	/* No header to answer to, or a response: drop (RFC 1035 4.1.1). */
	if (len < DNS_HEADER_LEN || (dns_hdr_flags(wire) & DNS_FLAG_QR)) {
		STAT_INC(srv->stats.queries_dropped);
		return 0;
	}
	flags = dns_hdr_flags(wire);
	c->id = dns_hdr_id(wire);
	c->flags = flags;
	if (dns_hdr_opcode(wire) != DNS_OPCODE_QUERY) {
		answer_header_only(w, c, wire, DNS_RCODE_NOTIMP);
		return 1;
	}
	err = dns_msg_parse(msg, wire, len);
	if (err || msg->qdcount != 1 || msg->section_count[DNS_SECTION_ANSWER] ||
	    msg->section_count[DNS_SECTION_AUTHORITY]) {
		STAT_INC(srv->stats.queries_formerr);
		answer_header_only(w, c, wire, DNS_RCODE_FORMERR);
		return 1;
	}
	q = &msg->question[0];
	c->has_edns = msg->has_opt;
	c->do_bit = msg->has_opt && dns_edns_do(&msg->edns);
	c->udp_size = msg->has_opt ? msg->edns.udp_size : DNS_EDNS_MIN_UDP;
	if (c->udp_size < DNS_EDNS_MIN_UDP)
		c->udp_size = DNS_EDNS_MIN_UDP;
	memcpy(c->qname, q->name, q->name_len);
	c->qtype = q->qtype;
	c->qclass = q->qclass;
	c->arrived_ms = server_now_ms();
	if (msg->has_opt && msg->edns.version != 0) {
		/* RFC 6891 6.1.3: BADVERS, with our highest version (0). */
		struct resolve_answer a = { .rcode = DNS_RCODE_BADVERS,
					    .ede = RESOLVE_NO_EDE, .ttl = UINT32_MAX };

		answer_send(w, c, &a);
		return 1;
	}
	if (q->qtype == DNS_TYPE_AXFR || q->qtype == DNS_TYPE_IXFR ||
	    q->qtype == DNS_TYPE_OPT || q->qtype == DNS_TYPE_TSIG) {
		struct resolve_answer a = { .rcode = DNS_RCODE_NOTIMP,
					    .ede = DNS_EDE_NOT_SUPPORTED,
					    .ttl = UINT32_MAX };

		answer_send(w, c, &a);
		return 1;
	}
	resolve_query(w, c);
	return 1;
}

/* --- per-worker state ----------------------------------------------------- */

int resolve_worker_new(struct worker *w)
{
	struct resolve_worker *rw = calloc(1, sizeof(*rw));

	if (!rw)
		return -ENOMEM;
	dns_msg_init(&rw->msg);
	dns_msg_init(&rw->up);
	w->rw = rw;
	return 0;
}

void resolve_worker_free(struct worker *w)
{
	struct resolve_worker *rw = w->rw;
	struct resolve_txn *t, *next;

	if (!rw)
		return;
	for (t = rw->txns; t; t = next) {
		next = t->next;
		pthread_mutex_lock(&w->srv->table->lock);
		if (t->listed)
			table_unlink(w->srv->table, t);
		pthread_mutex_unlock(&w->srv->table->lock);
		timer_disarm(w, &t->timer);
		txn_attempt_close(w, t);
		free(t->waiters);
		free(t);
	}
	upstream_dot_close_all(w);
	dns_msg_release(&rw->msg);
	dns_msg_release(&rw->up);
	free(rw);
	w->rw = NULL;
}
