// SPDX-License-Identifier: GPL-2.0
/* The validation step of a resolution: the worker's chain of trust, the
 * DS/DNSKEY fetches it asks for (internal transactions), the verdict, and
 * caching and answering by it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dnssec/answer.h"
#include "dnssec/chain.h"
#include "dnssec/sigcache.h"
#include "log.h"
#include "trust.h"
#include "zones.h"
#include "resolve_txn.h"
#include "util/error.h"

/* Whether a trust anchor set is in force (validation on). */
static bool server_anchors_in_force(struct server *srv)
{
	bool on;

	pthread_rwlock_rdlock(&srv->cfg_lock);
	on = srv->anchors != NULL;
	pthread_rwlock_unlock(&srv->cfg_lock);
	return on;
}

/* The worker's chain for the anchors in force (NULL: no anchors, or no
 * memory for a chain). */
static struct val_chain *worker_chain(struct worker *w)
{
	struct server *srv = w->srv;
	uint32_t ttl_max, negative_ttl_max;
	struct anchors_ref *held;
	unsigned int gen;
	bool have;

	/* RFC 7646 2: an NTA that ran out ends here, for every worker. */
	trust_tick(srv);
	pthread_rwlock_rdlock(&srv->cfg_lock);
	have = srv->anchors != NULL;
	gen = srv->anchors_gen;
	ttl_max = srv->cfg.ttl_max;
	negative_ttl_max = srv->cfg.negative_ttl_max;
	pthread_rwlock_unlock(&srv->cfg_lock);
	/* New anchors: afresh. Keys and DS sets otherwise go one by one,
	 * each when its own TTL runs out (val_chain_add_at()). */
	if (w->chain && (!have || w->chain_gen != gen)) {
		val_chain_free(w->chain);
		w->chain = NULL;
		server_anchors_release(w->chain_anchors);
		w->chain_anchors = NULL;
	}
	/* The chain borrows the set: held as long as the chain lives. */
	if (!w->chain && have && (held = server_anchors_hold(srv, &gen))) {
		w->chain = val_chain_new(server_anchors_set(held), NULL);
		if (!w->chain) {
			server_anchors_release(held);
			return NULL;
		}
		w->chain_anchors = held;
		w->chain_gen = gen;
		w->sig_hits_seen = w->sig_misses_seen = 0;
	}
	/* The caps in force now (SIGHUP may change them) bound what comes in. */
	if (w->chain)
		val_chain_set_ttl_caps(w->chain, ttl_max, negative_ttl_max);
	return w->chain;
}

/* Give a DS or DNSKEY response, received now, to the chain; a full chain
 * drops what has expired, and starts over if that was not enough. */
static int chain_add(struct val_chain *chain, const uint8_t *wire, size_t len)
{
	uint32_t now = (uint32_t)time(NULL);
	int err = val_chain_add_at(chain, wire, len, now);

	if (err == XDPDNS_ESPACE) {
		if (!val_chain_expire(chain, now))
			val_chain_clear(chain);
		err = val_chain_add_at(chain, wire, len, now);
	}
	return err;
}

static enum cache_security security_of(enum val_status st)
{
	switch (st) {
	case VAL_SECURE:
		return CACHE_SEC_SECURE;
	case VAL_INSECURE:
		return CACHE_SEC_INSECURE;
	case VAL_BOGUS:
		return CACHE_SEC_BOGUS;
	default:
		return CACHE_SEC_INDETERMINATE;
	}
}

/*
 * Get what the validator needs for @t: from the answer cache when a client
 * asked before (raw data; the chain checks it), else through an internal
 * transaction of this worker, joined if one is in flight.
 * Return: 1 when handed to the chain at once, 0 when @t now waits, or a
 * negative code.
 */
static int txn_fetch(struct worker *w, struct resolve_txn *t,
		     const struct val_need *need, struct val_chain *chain)
{
	struct server *srv = w->srv;
	struct resolve_table *table = srv->table;
	struct resolve_key key = { .internal = true, .cd = true };
	struct resolve_txn *s, **parents;
	struct cache_hit hit;
	uint32_t hash;

	cache_key_init(&key.ck, need->name, need->qtype, DNS_CLASS_IN, true);
	if (!cache_get(srv->cache, &key.ck, server_now_ms() / 1000, w->rw->cache_buf,
		       sizeof(w->rw->cache_buf), &hit) &&
	    hit.kind != CACHE_KIND_FAILURE) {
		chain_add(chain, w->rw->cache_buf, hit.len);
		zones_note_chain(srv->zones, chain, w->rw->cache_buf, hit.len);
		return 1;
	}
	hash = resolve_key_hash(&key);
	pthread_mutex_lock(&table->lock);
	for (s = table->buckets[hash % TABLE_BUCKETS]; s; s = s->hnext)
		if (s->hash == hash && resolve_key_equal(&s->key, &key) && s->owner == w)
			break;
	if (!s) {
		s = calloc(1, sizeof(*s));
		if (!s) {
			pthread_mutex_unlock(&table->lock);
			return -ENOMEM;
		}
		resolve_txn_list(table, s, &key, hash, w);
		pthread_mutex_unlock(&table->lock);
		resolve_txn_setup(w, s);
		/* Started from the loop: a synchronous failure must not
		 * re-enter the validation that asked. */
		timer_arm(w, &s->timer, server_now_ms());
	} else {
		pthread_mutex_unlock(&table->lock);
	}
	if (s->nparents == s->capparents) {
		size_t cap = s->capparents ? s->capparents * 2 : 4;

		parents = realloc(s->parents, cap * sizeof(*parents));
		if (!parents)
			return -ENOMEM;
		s->parents = parents;
		s->capparents = cap;
	}
	s->parents[s->nparents++] = t;
	timer_disarm(w, &t->timer);
	return 0;
}

/* The verdict is in: cache, hand off, answer every client. */
static void txn_validated(struct worker *w, struct resolve_txn *t,
			  enum cache_security sec, uint16_t ede, uint32_t sec_ttl)
{
	struct server *srv = w->srv;
	struct dns_msg *msg = &t->vmsg;
	struct cache_policy p = resolve_policy(srv, NULL);
	struct resolve_answer a = { .msg = msg, .security = sec, .ede = ede };
	uint8_t probe[DNS_NAME_MAXLEN];
	const uint8_t *signer;
	enum cache_kind kind;
	uint32_t life;

	probe[0] = 0xff;	/* no probe: no valid name starts so */
	if (sec == CACHE_SEC_BOGUS)
		STAT_INC(srv->stats.bogus);
	else if (sec == CACHE_SEC_SECURE)
		STAT_INC(srv->stats.secure);
	else if (sec == CACHE_SEC_INSECURE)
		STAT_INC(srv->stats.insecure);
	else if (sec == CACHE_SEC_INDETERMINATE)
		STAT_INC(srv->stats.indeterminate);
	/* The inventory: the signer's earliest expiry; a child's CDS or
	 * CDNSKEY only once validated (RFC 7344 4). */
	if (sec == CACHE_SEC_SECURE && srv->zones) {
		signer = zones_note_signatures(srv->zones, msg, (uint64_t)time(NULL));
		if (t->key.ck.qtype == DNS_TYPE_CDS || t->key.ck.qtype == DNS_TYPE_CDNSKEY)
			zones_note_cds(srv->zones, msg, (uint64_t)time(NULL));
		/* The signer's CDS/CDNSKEY, asked by the daemon itself, so that
		 * the inventory compares them with the DS (RFC 7344 4). */
		else if (signer && zones_cds_probe_due(srv->zones, signer, (uint64_t)time(NULL)))
			dns_name_copy(probe, signer);
	}
	life = cache_lifetime(msg, &p, (uint32_t)time(NULL), &kind);
	/* Secure data lives no longer than its signatures allow. */
	if (sec == CACHE_SEC_SECURE && sec_ttl != VAL_TTL_NONE && sec_ttl < life)
		life = sec_ttl;
	/* RFC 9520: a validation failure is a failure, cached briefly. */
	if (sec == CACHE_SEC_BOGUS && life > cache_failure_lifetime(&p))
		life = cache_failure_lifetime(&p);
	a.ttl = life ? life : UINT32_MAX;
	/* Anchors or NTAs changed while this was validated with the older
	 * set: answer, but cache nothing the change has already flushed. */
	if (sec != CACHE_SEC_UNCHECKED &&
	    w->chain_gen != __atomic_load_n(&srv->anchors_gen, __ATOMIC_RELAXED))
		life = 0;
	if (life) {
		uint64_t stored = server_now_ms() / 1000;

		cache_put(srv->cache, &t->key.ck, t->resp, t->resp_len, life, kind,
			  sec, ede, stored);
		/* DESIGN contract 2: only Secure or Insecure to the kernel,
		 * expiring with the userspace entry (contract 3, 4). */
		if ((sec == CACHE_SEC_SECURE || sec == CACHE_SEC_INSECURE) &&
		    kind != CACHE_KIND_FAILURE)
			resolve_handoff_kernel_cache_at(srv->kmaps, &t->key.ck, msg,
							life, sec, stored);
	}
	resolve_txn_finish(w, t, &a);
	if (probe[0] != 0xff) {
		resolve_probe(w, probe, DNS_TYPE_CDS);
		resolve_probe(w, probe, DNS_TYPE_CDNSKEY);
	}
}

/* What the chain's signature cache did since last time, into the stats
 * (xdpdns_signature_cache_total). */
static void sigcache_count(struct worker *w, struct val_chain *chain)
{
	uint64_t hits, misses;

	val_sigcache_stats(val_chain_sigcache(chain), &hits, &misses);
	STAT_ADD(w->srv->stats.sigcache_hits, hits - w->sig_hits_seen);
	STAT_ADD(w->srv->stats.sigcache_misses, misses - w->sig_misses_seen);
	w->sig_hits_seen = hits;
	w->sig_misses_seen = misses;
}

/*
 * The validation step: ask the chain what it still needs for this answer,
 * fetch it (from the cache, or upstream through an internal transaction
 * whose completion calls back here), and once nothing is missing, take
 * the verdict. Bounded by MAX_FETCHES and the query's deadline.
 */
static void txn_validate(struct worker *w, struct resolve_txn *t)
{
	uint32_t now = (uint32_t)time(NULL);
	struct val_chain *chain = worker_chain(w);
	struct val_result res;
	struct val_need need;
	int ret;

	if (!chain && server_anchors_in_force(w->srv)) {
		/* Anchors in force but no chain (no memory): never pass the
		 * data on unvalidated. */
		resolve_txn_fail(w, t, DNS_EDE_OTHER, "no memory to validate");
		return;
	}
	if (!chain) {
		/* No trust anchor configured: a plain forwarder. */
		txn_validated(w, t, CACHE_SEC_UNCHECKED, RESOLVE_NO_EDE, VAL_TTL_NONE);
		return;
	}
	/* Our own DS/DNSKEY answer is what validating it may need. */
	if (!t->self_added && t->vmsg.rcode == DNS_RCODE_NOERROR &&
	    (t->key.ck.qtype == DNS_TYPE_DS || t->key.ck.qtype == DNS_TYPE_DNSKEY)) {
		t->self_added = true;
		chain_add(chain, t->resp, t->resp_len);
		zones_note_chain(w->srv->zones, chain, t->resp, t->resp_len);
	}
	/* One validation per round: the verdict of the round that needs
	 * nothing more is the answer's, so no signature is checked twice. */
	for (;;) {
		ret = val_answer_validate(chain, &t->vmsg, now, &res, &need);
		if (ret < 0 || !need.qtype)
			break;
		if (++t->fetches > MAX_FETCHES) {
			txn_validated(w, t, CACHE_SEC_BOGUS, DNS_EDE_OTHER, VAL_TTL_NONE);
			return;
		}
		ret = txn_fetch(w, t, &need, chain);
		if (ret == 0)
			return;		/* waiting for an internal transaction */
		if (ret < 0) {
			STAT_INC(w->srv->stats.indeterminate);
			resolve_txn_fail(w, t, DNS_EDE_OTHER, "validation fetch failed");
			return;
		}
	}
	sigcache_count(w, chain);
	if (ret < 0) {
		txn_validated(w, t, CACHE_SEC_BOGUS, DNS_EDE_OTHER, VAL_TTL_NONE);
		return;
	}
	log_debug("validation: %s (%s)", val_status_name(res.status), res.reason);
	/* EDE for failures, and for Insecure by policy (RFC 8914 1, 2, 27). */
	txn_validated(w, t, security_of(res.status),
		      res.status == VAL_BOGUS ||
				      (res.status == VAL_INSECURE &&
				       (res.ede == DNS_EDE_UNSUPPORTED_DNSKEY_ALG ||
					res.ede == DNS_EDE_UNSUPPORTED_DS_DIGEST ||
					res.ede == DNS_EDE_UNSUPPORTED_NSEC3_ITERATIONS)) ?
			      res.ede : RESOLVE_NO_EDE,
		      res.status == VAL_SECURE ? res.ttl : VAL_TTL_NONE);
}

/* A DS/DNSKEY fetch ended: feed the chain and go on validating @p. */
void resolve_txn_sub_done(struct worker *w, struct resolve_txn *p,
			 const uint8_t *wire, size_t len, uint16_t ede)
{
	struct val_chain *chain;

	if (!wire) {
		/* RFC 4035 5.5: without the keys, no answer can be vouched
		 * for; the verdict could not be reached (RFC 4033 5). */
		STAT_INC(w->srv->stats.indeterminate);
		resolve_txn_fail(w, p, ede != RESOLVE_NO_EDE ? ede : DNS_EDE_DNSKEY_MISSING,
			 "DNSSEC data could not be fetched");
		return;
	}
	if (server_now_ms() >= p->deadline) {
		STAT_INC(w->srv->stats.indeterminate);
		resolve_txn_fail(w, p, DNS_EDE_NO_REACHABLE_AUTHORITY, "validation took too long");
		return;
	}
	chain = worker_chain(w);
	if (chain) {
		chain_add(chain, wire, len);
		zones_note_chain(w->srv->zones, chain, wire, len);
	}
	txn_validate(w, p);
}

/* An accepted upstream answer: keep it, then validate (or, for an internal
 * fetch, hand it to the waiting validations). */
void resolve_txn_answer(struct worker *w, struct resolve_txn *t,
		       const uint8_t *wire, size_t len)
{
	struct resolve_answer none = { .ede = RESOLVE_NO_EDE, .ttl = UINT32_MAX,
				       .msg = &w->rw->up };

	t->resp = malloc(len);
	if (!t->resp) {
		resolve_txn_fail(w, t, DNS_EDE_OTHER, "out of memory");
		return;
	}
	memcpy(t->resp, wire, len);
	t->resp_len = len;
	/* The answer is ours: no more reading (a late duplicate must not
	 * come in while validation runs), no attempt timeout. */
	resolve_txn_attempt_close(w, t);
	timer_disarm(w, &t->timer);
	if (t->key.internal) {
		resolve_txn_finish(w, t, &none);
		return;
	}
	if (dns_msg_parse(&t->vmsg, t->resp, t->resp_len)) {
		resolve_txn_fail(w, t, DNS_EDE_OTHER, "answer could not be parsed");
		return;
	}
	txn_validate(w, t);
}

