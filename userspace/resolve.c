// SPDX-License-Identifier: GPL-2.0
/* The per-query state machine: client queries, cache, coalescing, upstream
 * attempts with failover (validation: resolve_validate.c; answers:
 * resolve_answer.c). */
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
#include "resolve.h"
#include "resolve_memo.h"
#include "resolve_txn.h"
#include "upstream.h"
#include "util/error.h"

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

uint32_t resolve_key_hash(const struct resolve_key *k)
{
	uint32_t h = 2166136261u;

	for (unsigned int i = 0; i < k->ck.name_len; i++)
		h = (h ^ k->ck.name[i]) * 16777619u;
	h = (h ^ k->ck.qtype) * 16777619u;
	h = (h ^ k->ck.qclass) * 16777619u;
	h = (h ^ (k->ck.do_bit | k->cd << 1 | k->internal << 2)) * 16777619u;
	return h;
}

bool resolve_key_equal(const struct resolve_key *a, const struct resolve_key *b)
{
	return a->ck.name_len == b->ck.name_len && a->ck.qtype == b->ck.qtype &&
	       a->ck.qclass == b->ck.qclass && a->ck.do_bit == b->ck.do_bit &&
	       a->cd == b->cd && a->internal == b->internal &&
	       !memcmp(a->ck.name, b->ck.name, a->ck.name_len);
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

/* Count an answer in @out (by rcode, EDE, TC; @unvalidated: data no
 * validator looked at) and send it. */
static void answer_count_send(struct worker *w, const struct client *c,
			      size_t len, uint16_t ede, bool unvalidated)
{
	struct server *srv = w->srv;

	STAT_INC(srv->stats.answers_rcode[dns_hdr_rcode(w->rw->out)]);
	if (ede < SERVER_EDE_CODES)
		STAT_INC(srv->stats.ede[ede]);
	if (dns_hdr_flags(w->rw->out) & DNS_FLAG_TC)
		STAT_INC(srv->stats.answers_truncated);
	if (unvalidated)
		STAT_INC(srv->stats.unvalidated);
	server_send(w, c, w->rw->out, len);
}

/* Build an answer into @w->rw->out with the EDNS size @udp_size, count
 * and send it. Return: its length if built from @a, 0 if a SERVFAIL went
 * instead (or nothing). */
static size_t answer_build_send(struct worker *w, const struct client *c,
				const struct resolve_answer *a, uint16_t udp_size)
{
	/* A message we cannot rebuild: tell the client, never crash. */
	static const struct resolve_answer fail = {
		.rcode = DNS_RCODE_SERVFAIL, .ede = DNS_EDE_OTHER,
		.ede_text = "answer could not be built" };
	const struct resolve_answer *sent = a;
	int len;

	len = resolve_answer_build(c, a, udp_size, w->rw->out, sizeof(w->rw->out));
	if (len < 0) {
		sent = &fail;
		log_debug("answer build failed: %s", xdpdns_strerror(len));
		len = resolve_answer_build(c, &fail, udp_size, w->rw->out,
					   sizeof(w->rw->out));
		if (len < 0)
			return 0;
	}
	answer_count_send(w, c, (size_t)len, resolve_answer_ede(c, sent),
			  a->msg && a->security == CACHE_SEC_UNCHECKED);
	return sent == a ? (size_t)len : 0;
}

static uint16_t answer_udp_size(struct server *srv)
{
	uint16_t udp_size;

	pthread_rwlock_rdlock(&srv->cfg_lock);
	udp_size = srv->cfg.edns_udp_size;
	pthread_rwlock_unlock(&srv->cfg_lock);
	return udp_size;
}

/* Build and send an answer; count it by rcode. */
static void answer_send(struct worker *w, const struct client *c,
			const struct resolve_answer *a)
{
	answer_build_send(w, c, a, answer_udp_size(w->srv));
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

/* --- transactions ------------------------------------------------------------ */

static void txn_start_attempt(struct worker *w, struct resolve_txn *t);

/* Stop listening for the current attempt, whatever its transport. */
void resolve_txn_attempt_close(struct worker *w, struct resolve_txn *t)
{
	upstream_attempt_close(w, &t->att);
	upstream_conn_cancel(w, &t->cp);
}

struct cache_policy resolve_policy(struct server *srv, uint32_t *timeout_ms)
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

void resolve_txn_free(struct resolve_txn *t)
{
	dns_msg_release(&t->vmsg);
	free(t->resp);
	free(t->parents);
	free(t->waiters);
	free(t);
}

/* Unlist, answer every waiter with @a, free. */
void resolve_txn_finish(struct worker *w, struct resolve_txn *t,
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
	resolve_txn_attempt_close(w, t);
	/* Validations waiting for this DS/DNSKEY go on (same worker). */
	for (size_t i = 0; i < t->nparents; i++)
		resolve_txn_sub_done(w, t->parents[i], t->resp, t->resp_len,
			     a->msg ? RESOLVE_NO_EDE : a->ede);
	if (t->prev)
		t->prev->next = t->next;
	else
		w->rw->txns = t->next;
	if (t->next)
		t->next->prev = t->prev;
	resolve_txn_free(t);
}

/* No usable answer from any upstream: SERVFAIL with EDE 22 or 23, cached
 * for the failure lifetime (RFC 9520). */
void resolve_txn_fail(struct worker *w, struct resolve_txn *t, uint16_t ede,
		     const char *text)
{
	struct server *srv = w->srv;
	struct cache_policy p = resolve_policy(srv, NULL);
	struct resolve_answer a = { .rcode = DNS_RCODE_SERVFAIL, .ede = ede,
				    .ede_text = text, .ttl = UINT32_MAX };
	struct client stub = { .id = 0, .qtype = t->key.ck.qtype,
			       .qclass = t->key.ck.qclass, .tcp = true };
	int len;

	STAT_INC(srv->stats.failures);
	/* What is cached is a bare SERVFAIL for the question; the EDE comes
	 * from the entry. */
	memcpy(stub.qname, t->key.ck.name, t->key.ck.name_len);
	len = t->key.internal ? -1 :
		resolve_answer_build(&stub, &a, UPSTREAM_EDNS_SIZE, w->rw->out,
				     sizeof(w->rw->out));
	if (len > 0)
		cache_put(srv->cache, &t->key.ck, w->rw->out, (size_t)len,
			  cache_failure_lifetime(&p), CACHE_KIND_FAILURE,
			  CACHE_SEC_UNCHECKED, ede, server_now_ms() / 1000);
	resolve_txn_finish(w, t, &a);
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
		resolve_txn_attempt_close(w, t);
		if (t->network_error)
			resolve_txn_fail(w, t, DNS_EDE_NETWORK_ERROR, "upstream unreachable");
		else
			resolve_txn_fail(w, t, DNS_EDE_NO_REACHABLE_AUTHORITY,
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
	resolve_txn_attempt_close(w, t);
	txn_start_attempt(w, t);
}

static void resolve_txn_timer(struct worker *w, struct timer *tm)
{
	struct resolve_txn *t = (struct resolve_txn *)((char *)tm -
						       offsetof(struct resolve_txn, timer));

	/* Validator fetches start from the loop, never inside a validation. */
	if (!t->started) {
		t->started = true;
		txn_start_attempt(w, t);
		return;
	}
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
			resolve_txn_fail(w, t, DNS_EDE_NO_REACHABLE_AUTHORITY,
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
			resolve_txn_fail(w, t, DNS_EDE_OTHER, "query could not be built");
			return;
		}
		t->qlen = (size_t)len;
		t->att.owner = t;
		if (up.tls || t->force_tcp) {
			/* The worker's reused, pipelined connection: TLS
			 * (RFC 7858; never in clear text to a TLS upstream)
			 * or TCP after a truncated answer (RFC 7766 5, 6.2.1). */
			t->cp.owner = t;
			t->att.transport = up.tls ? UPSTREAM_TLS : UPSTREAM_TCP;
			t->att.sent_ms = now;
			err = upstream_conn_send(w, (unsigned int)idx, &up, &t->cp,
						 t->query, t->qlen);
			t->qid = t->cp.id;	/* unique on the connection */
		} else {
			err = upstream_attempt_start(w, &t->att, &up, t->query, t->qlen);
		}
		if (!err)
			break;
		upstream_report(srv->ups, (unsigned int)idx, err, 0, now);
		t->network_error = true;
		t->force_tcp = false;
		if (++t->attempts >= MAX_ATTEMPTS) {
			resolve_txn_fail(w, t, DNS_EDE_NETWORK_ERROR, "upstream unreachable");
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
		resolve_txn_attempt_close(w, t);
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
		resolve_txn_attempt_close(w, t);
		t->force_tcp = false;
		txn_start_attempt(w, t);
		return;
	}
	resolve_txn_answer(w, t, wire, len);
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
			continue;
		}
		txn_accepted(w, t, wire, len);
		return;
	}
}

void resolve_conn_answer(struct worker *w, void *owner, const uint8_t *msg,
			 size_t len)
{
	struct resolve_txn *t = owner;

	/* A query moved to a new connection may have a new ID there. */
	t->qid = t->cp.id;
	if (upstream_response_check(&w->rw->up, msg, len, t->qid, t->key.ck.name,
				    t->key.ck.qtype, t->key.ck.qclass)) {
		/* Off-path forgers cannot inject into a TCP or TLS stream: a
		 * wrong answer there is a broken upstream; count, move on. */
		upstream_count(w->srv->ups, (unsigned int)t->up_idx,
			       UPSTREAM_MISMATCHED);
		txn_attempt_failed(w, t, -EPROTO);
		return;
	}
	txn_accepted(w, t, msg, len);
}

void resolve_conn_failed(struct worker *w, void *owner, int err)
{
	txn_attempt_failed(w, owner, err);
}

/* --- client queries -------------------------------------------------------- */

/* Answer from the cache if possible. Return: true if answered. */
static bool answer_from_cache(struct worker *w, const struct client *c)
{
	struct server *srv = w->srv;
	struct resolve_worker *rw = w->rw;
	uint16_t udp_size = answer_udp_size(srv);
	struct resolve_memo_slot *slot;
	struct cache_key key;
	struct cache_hit hit;
	struct dns_msg *msg = &rw->up;
	uint64_t have_id;
	uint32_t have_ttl;
	size_t len;

	/* The answer built last time from the same entry at the same TTL
	 * for the same question and client shape: the message is not even
	 * copied out of the cache then. */
	slot = resolve_memo_find(rw->memo, c, udp_size, &have_id, &have_ttl);
	cache_key_init(&key, c->qname, c->qtype, c->qclass, c->do_bit);
	if (cache_get_unless(srv->cache, &key, c->arrived_ms / 1000, have_id,
			     have_ttl, rw->cache_buf, sizeof(rw->cache_buf), &hit))
		return false;
	STAT_INC(srv->stats.answers_from_cache);
	if (!hit.copied) {
		uint16_t ede;

		len = resolve_memo_answer(slot, c, rw->out, &ede);
		answer_count_send(w, c, len, ede,
				  hit.security == CACHE_SEC_UNCHECKED);
		return true;
	}
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

		len = answer_build_send(w, c, &a, udp_size);
		if (len)
			resolve_memo_store(slot, c, udp_size, hit.id, hit.ttl_left,
					   resolve_answer_ede(c, &a), rw->out, len);
	}
	return true;
}

void resolve_txn_list(struct resolve_table *table, struct resolve_txn *t,
		      const struct resolve_key *key, uint32_t hash, struct worker *w)
{
	t->key = *key;
	t->hash = hash;
	t->owner = w;
	t->listed = true;
	t->hnext = table->buckets[hash % TABLE_BUCKETS];
	table->buckets[hash % TABLE_BUCKETS] = t;
	table->count++;
}

/* Common fields of a new transaction, and the owner's list. The caller
 * has listed it (resolve_txn_list()). */
void resolve_txn_setup(struct worker *w, struct resolve_txn *t)
{
	uint32_t timeout_ms;

	t->att.io.fd = -1;
	t->up_idx = -1;
	dns_msg_init(&t->vmsg);
	timer_init(&t->timer, resolve_txn_timer);
	resolve_policy(w->srv, &timeout_ms);
	t->deadline = server_now_ms() + timeout_ms;
	t->next = w->rw->txns;
	if (t->next)
		t->next->prev = t;
	w->rw->txns = t;
}

/* The configured bound of client queries in flight per worker. */
static uint32_t inflight_limit(struct server *srv)
{
	uint32_t n;

	pthread_rwlock_rdlock(&srv->cfg_lock);
	n = srv->cfg.max_inflight;
	pthread_rwlock_unlock(&srv->cfg_lock);
	return n;
}

/* The transaction in flight for @key, if any; table lock held. */
static struct resolve_txn *txn_find(struct resolve_table *table,
				    const struct resolve_key *key, uint32_t hash)
{
	struct resolve_txn *t;

	for (t = table->buckets[hash % TABLE_BUCKETS]; t; t = t->hnext)
		if (t->hash == hash && resolve_key_equal(&t->key, key))
			return t;
	return NULL;
}

/* A new listed transaction goes upstream. */
static void txn_begin(struct worker *w, struct resolve_txn *t)
{
	resolve_txn_setup(w, t);
	t->started = true;
	txn_start_attempt(w, t);
}

static void resolve_query(struct worker *w, struct client *c)
{
	struct server *srv = w->srv;
	struct resolve_table *table = srv->table;
	struct resolve_key key = { .internal = false };
	struct resolve_txn *t;
	uint32_t hash;

	if (answer_from_cache(w, c))
		return;
	if (__atomic_load_n(&w->inflight, __ATOMIC_RELAXED) >= inflight_limit(srv)) {
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
	hash = resolve_key_hash(&key);

	__atomic_fetch_add(&w->inflight, 1, __ATOMIC_RELAXED);
	pthread_mutex_lock(&table->lock);
	t = txn_find(table, &key, hash);
	if (t) {
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
	t = calloc(1, sizeof(*t));
	if (!t || waiter_add(t, c)) {
		pthread_mutex_unlock(&table->lock);
		free(t);
		__atomic_fetch_sub(&w->inflight, 1, __ATOMIC_RELAXED);
		return;
	}
	resolve_txn_list(table, t, &key, hash, w);
	pthread_mutex_unlock(&table->lock);
	txn_begin(w, t);
}

void resolve_probe(struct worker *w, const uint8_t *name, uint16_t qtype)
{
	struct server *srv = w->srv;
	struct resolve_table *table = srv->table;
	struct resolve_key key = { .internal = false };
	struct resolve_txn *t;
	struct cache_hit hit;
	uint32_t hash;

	cache_key_init(&key.ck, name, qtype, DNS_CLASS_IN, true);
	if (!cache_get(srv->cache, &key.ck, server_now_ms() / 1000, w->rw->cache_buf,
		       sizeof(w->rw->cache_buf), &hit))
		return;
	/* The daemon's own questions yield to its clients'. */
	if (__atomic_load_n(&w->inflight, __ATOMIC_RELAXED) >= inflight_limit(srv) / 2)
		return;
	hash = resolve_key_hash(&key);
	pthread_mutex_lock(&table->lock);
	if (txn_find(table, &key, hash) || !(t = calloc(1, sizeof(*t)))) {
		pthread_mutex_unlock(&table->lock);
		return;
	}
	resolve_txn_list(table, t, &key, hash, w);
	pthread_mutex_unlock(&table->lock);
	txn_begin(w, t);
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
	/* Readers that took a batch stamp it once for all of it. */
	if (!c->arrived_ms)
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
	rw->memo = resolve_memo_new();
	if (!rw->memo) {
		free(rw);
		return -ENOMEM;
	}
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
		resolve_txn_attempt_close(w, t);
		resolve_txn_free(t);
	}
	upstream_conn_close_all(w);
	dns_msg_release(&rw->msg);
	dns_msg_release(&rw->up);
	resolve_memo_free(rw->memo);
	free(rw);
	w->rw = NULL;
}
