// SPDX-License-Identifier: GPL-2.0
/* The daemon's answer cache: a hash table with an LRU list, bounded by
 * memory, one lock (lookups copy the message out, so they are short). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "dns/name.h"

struct cache_entry {
	struct cache_entry *hnext;	/* hash chain */
	struct cache_entry *prev, *next;	/* LRU list, head = most recent */
	uint32_t hash;
	uint32_t lifetime;
	uint64_t stored;		/* monotonic seconds */
	uint64_t id;			/* unique per cache_put() */
	struct cache_key key;
	uint8_t kind;
	uint8_t security;
	uint16_t ede;
	uint16_t wire_len;
	uint8_t wire[];
};

struct cache {
	pthread_mutex_t lock;
	struct cache_entry **buckets;
	size_t nbuckets;		/* power of two */
	struct cache_entry *head, *tail;
	struct cache_stats st;
	uint64_t last_id;		/* of the latest entry stored */
};

/* What an entry costs: the struct, the message, its malloc header. */
static size_t cache_entry_cost(size_t wire_len)
{
	return sizeof(struct cache_entry) + wire_len + 16;
}

void cache_key_init(struct cache_key *key, const uint8_t *name, uint16_t qtype,
		    uint16_t qclass, bool do_bit)
{
	memset(key, 0, sizeof(*key));
	key->name_len = (uint8_t)dns_name_copy(key->name, name);
	dns_name_to_lower(key->name);
	key->qtype = qtype;
	key->qclass = qclass;
	key->do_bit = do_bit;
}

/* FNV-1a over the lower-cased name and the other key fields. */
static uint32_t cache_hash(const struct cache_key *key)
{
	uint32_t h = 2166136261u;
	uint8_t tail[5] = { key->qtype >> 8, key->qtype & 0xff,
			    key->qclass >> 8, key->qclass & 0xff, key->do_bit };

	for (unsigned int i = 0; i < key->name_len; i++)
		h = (h ^ key->name[i]) * 16777619u;
	for (unsigned int i = 0; i < sizeof(tail); i++)
		h = (h ^ tail[i]) * 16777619u;
	return h;
}

static bool cache_key_equal(const struct cache_key *a, const struct cache_key *b)
{
	return a->name_len == b->name_len && a->qtype == b->qtype &&
	       a->qclass == b->qclass && a->do_bit == b->do_bit &&
	       memcmp(a->name, b->name, a->name_len) == 0;
}

static uint32_t min32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

uint32_t cache_failure_lifetime(const struct cache_policy *policy)
{
	uint32_t t = policy->failure_ttl;

	/* RFC 9520 3.2: at least 1 second, and no longer than 5 minutes. */
	if (t < 1)
		t = 1;
	if (t > 300)
		t = 300;
	return t;
}

/* Seconds until an RRSIG expires (0 if already past), serial arithmetic
 * of RFC 4034 3.1.5 / RFC 1982. */
static uint32_t cache_rrsig_left(const struct dns_rr *rr, uint32_t wall_now)
{
	int32_t diff;

	if (rr->rdata_len < DNS_RRSIG_FIXED_LEN)
		return 0;
	diff = (int32_t)(dns_get32(rr->rdata + 8) - wall_now);
	return diff > 0 ? (uint32_t)diff : 0;
}

uint32_t cache_lifetime(const struct dns_msg *msg,
			const struct cache_policy *policy, uint32_t wall_now,
			enum cache_kind *kind)
{
	uint32_t life = UINT32_MAX, soa_life = UINT32_MAX;
	size_t nsig = 0;
	bool have_soa = false;

	switch (msg->rcode) {
	case DNS_RCODE_NOERROR:
		*kind = msg->section_count[DNS_SECTION_ANSWER] ?
				CACHE_KIND_POSITIVE : CACHE_KIND_NODATA;
		break;
	case DNS_RCODE_NXDOMAIN:
		*kind = CACHE_KIND_NXDOMAIN;
		break;
	default:
		/* SERVFAIL, REFUSED, NOTIMP...: RFC 9520 failure caching. */
		*kind = CACHE_KIND_FAILURE;
		return cache_failure_lifetime(policy);
	}
	for (size_t i = 0; i < msg->rr_count; i++) {
		const struct dns_rr *rr = &msg->rr[i];

		life = min32(life, rr->ttl);
		if (rr->type == DNS_TYPE_RRSIG) {
			life = min32(life, cache_rrsig_left(rr, wall_now));
			nsig++;
		}
		/* RFC 2308 5: negative answers live min(SOA TTL, MINIMUM). */
		if (rr->section == DNS_SECTION_AUTHORITY &&
		    rr->type == DNS_TYPE_SOA && rr->rdata_len >= 20) {
			have_soa = true;
			soa_life = min32(soa_life,
					 min32(rr->ttl,
					       dns_get32(rr->rdata + rr->rdata_len - 4)));
		}
	}
	if (*kind != CACHE_KIND_POSITIVE) {
		/* RFC 2308 5: no SOA, no negative caching. */
		if (!have_soa)
			return 0;
		life = min32(life, min32(soa_life, policy->negative_ttl_max));
	}
	if (life == UINT32_MAX)
		life = 0;
	if (life < policy->ttl_min)
		life = policy->ttl_min;
	life = min32(life, policy->ttl_max);
	/* The floor never extends data past a signature's expiration. */
	for (size_t i = 0; nsig && i < msg->rr_count; i++)
		if (msg->rr[i].type == DNS_TYPE_RRSIG)
			life = min32(life, cache_rrsig_left(&msg->rr[i], wall_now));
	return life;
}

struct cache *cache_new(uint64_t memory_limit)
{
	struct cache *c = calloc(1, sizeof(*c));
	size_t n = 1024;

	if (!c)
		return NULL;
	/* About one bucket per 512 bytes of budget, capped at 4M buckets. */
	while (n < memory_limit / 512 && n < (4u << 20))
		n <<= 1;
	c->buckets = calloc(n, sizeof(*c->buckets));
	if (!c->buckets) {
		free(c);
		return NULL;
	}
	c->nbuckets = n;
	c->st.limit = memory_limit;
	pthread_mutex_init(&c->lock, NULL);
	return c;
}

static void lru_unlink(struct cache *c, struct cache_entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		c->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		c->tail = e->prev;
	e->prev = e->next = NULL;
}

static void lru_push_front(struct cache *c, struct cache_entry *e)
{
	e->prev = NULL;
	e->next = c->head;
	if (c->head)
		c->head->prev = e;
	c->head = e;
	if (!c->tail)
		c->tail = e;
}

/* Unlink @e from its chain and the LRU list and free it; lock held. */
static void cache_remove(struct cache *c, struct cache_entry *e)
{
	struct cache_entry **pp = &c->buckets[e->hash & (c->nbuckets - 1)];

	while (*pp && *pp != e)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = e->hnext;
	lru_unlink(c, e);
	c->st.entries--;
	c->st.bytes -= cache_entry_cost(e->wire_len);
	free(e);
}

static void cache_evict_to(struct cache *c, uint64_t target)
{
	while (c->tail && c->st.bytes > target) {
		cache_remove(c, c->tail);
		c->st.evictions++;
	}
}

void cache_free(struct cache *cache)
{
	struct cache_entry *e, *next;

	if (!cache)
		return;
	for (e = cache->head; e; e = next) {
		next = e->next;
		free(e);
	}
	pthread_mutex_destroy(&cache->lock);
	free(cache->buckets);
	free(cache);
}

void cache_set_limit(struct cache *cache, uint64_t memory_limit)
{
	pthread_mutex_lock(&cache->lock);
	cache->st.limit = memory_limit;
	cache_evict_to(cache, memory_limit);
	pthread_mutex_unlock(&cache->lock);
}

static struct cache_entry *cache_find(struct cache *c, const struct cache_key *key,
				      uint32_t hash)
{
	struct cache_entry *e = c->buckets[hash & (c->nbuckets - 1)];

	for (; e; e = e->hnext)
		if (e->hash == hash && cache_key_equal(&e->key, key))
			return e;
	return NULL;
}

int cache_put(struct cache *cache, const struct cache_key *key,
	      const uint8_t *wire, size_t len, uint32_t lifetime,
	      enum cache_kind kind, enum cache_security security,
	      uint16_t ede, uint64_t now)
{
	uint32_t hash = cache_hash(key);
	size_t cost = cache_entry_cost(len);
	struct cache_entry *e, *old;

	if (lifetime == 0 || len > DNS_MSG_MAXLEN)
		return -EINVAL;
	if (cost > cache->st.limit)
		return -E2BIG;
	e = malloc(sizeof(*e) + len);
	if (!e)
		return -ENOMEM;
	memset(e, 0, sizeof(*e));
	e->hash = hash;
	e->lifetime = lifetime;
	e->stored = now;
	e->key = *key;
	e->kind = kind;
	e->security = security;
	e->ede = ede;
	e->wire_len = (uint16_t)len;
	memcpy(e->wire, wire, len);

	pthread_mutex_lock(&cache->lock);
	e->id = ++cache->last_id;
	old = cache_find(cache, key, hash);
	if (old)
		cache_remove(cache, old);
	cache_evict_to(cache, cache->st.limit - cost);
	e->hnext = cache->buckets[hash & (cache->nbuckets - 1)];
	cache->buckets[hash & (cache->nbuckets - 1)] = e;
	lru_push_front(cache, e);
	cache->st.entries++;
	cache->st.bytes += cost;
	cache->st.inserts++;
	pthread_mutex_unlock(&cache->lock);
	return 0;
}

int cache_get(struct cache *cache, const struct cache_key *key, uint64_t now,
	      uint8_t *buf, size_t cap, struct cache_hit *hit)
{
	return cache_get_unless(cache, key, now, 0, 0, buf, cap, hit);
}

int cache_get_unless(struct cache *cache, const struct cache_key *key,
		     uint64_t now, uint64_t have_id, uint32_t have_ttl,
		     uint8_t *buf, size_t cap, struct cache_hit *hit)
{
	uint32_t hash = cache_hash(key);
	struct cache_entry *e;
	int ret = 0;

	pthread_mutex_lock(&cache->lock);
	e = cache_find(cache, key, hash);
	if (e && now >= e->stored + e->lifetime) {
		cache_remove(cache, e);
		cache->st.expired++;
		e = NULL;
	}
	if (!e) {
		cache->st.misses++;
		ret = -ENOENT;
		goto out;
	}
	hit->ttl_left = (uint32_t)(e->stored + e->lifetime - now);
	/* The caller's copy of this very entry at this TTL will do. */
	hit->copied = e->id != have_id || hit->ttl_left != have_ttl;
	if (hit->copied && e->wire_len > cap) {
		ret = -ENOSPC;
		goto out;
	}
	if (hit->copied)
		memcpy(buf, e->wire, e->wire_len);
	hit->id = e->id;
	hit->kind = e->kind;
	hit->security = e->security;
	hit->ede = e->ede;
	hit->age = (uint32_t)(now - e->stored);
	hit->len = e->wire_len;
	lru_unlink(cache, e);
	lru_push_front(cache, e);
	cache->st.hits++;
out:
	pthread_mutex_unlock(&cache->lock);
	return ret;
}

size_t cache_flush(struct cache *cache)
{
	size_t n = 0;

	pthread_mutex_lock(&cache->lock);
	while (cache->head) {
		cache_remove(cache, cache->head);
		n++;
	}
	pthread_mutex_unlock(&cache->lock);
	return n;
}

size_t cache_flush_below(struct cache *cache, const uint8_t *name)
{
	struct cache_entry *e, *next;
	size_t n = 0;

	pthread_mutex_lock(&cache->lock);
	for (e = cache->head; e; e = next) {
		next = e->next;
		if (dns_name_is_subdomain(e->key.name, name)) {
			cache_remove(cache, e);
			n++;
		}
	}
	pthread_mutex_unlock(&cache->lock);
	return n;
}

void cache_get_stats(struct cache *cache, struct cache_stats *out)
{
	pthread_mutex_lock(&cache->lock);
	*out = cache->st;
	pthread_mutex_unlock(&cache->lock);
}

size_t cache_foreach(struct cache *cache, uint64_t now,
		     int (*fn)(const struct cache_entry_info *info, void *ctx),
		     void *ctx)
{
	struct cache_entry *e;
	size_t n = 0;

	pthread_mutex_lock(&cache->lock);
	for (e = cache->head; e; e = e->next) {
		struct cache_entry_info info;

		if (now >= e->stored + e->lifetime)
			continue;
		info.key = &e->key;
		info.kind = e->kind;
		info.security = e->security;
		info.ede = e->ede;
		info.rcode = e->wire_len >= DNS_HEADER_LEN ? dns_hdr_rcode(e->wire) : 0;
		info.ttl_left = (uint32_t)(e->stored + e->lifetime - now);
		info.wire_len = e->wire_len;
		n++;
		if (fn(&info, ctx))
			break;
	}
	pthread_mutex_unlock(&cache->lock);
	return n;
}

const char *cache_security_name(enum cache_security sec)
{
	switch (sec) {
	case CACHE_SEC_SECURE:
		return "secure";
	case CACHE_SEC_INSECURE:
		return "insecure";
	case CACHE_SEC_BOGUS:
		return "bogus";
	case CACHE_SEC_INDETERMINATE:
		return "indeterminate";
	default:
		return "unchecked";
	}
}

const char *cache_kind_name(enum cache_kind kind)
{
	switch (kind) {
	case CACHE_KIND_NXDOMAIN:
		return "nxdomain";
	case CACHE_KIND_NODATA:
		return "nodata";
	case CACHE_KIND_FAILURE:
		return "failure";
	default:
		return "positive";
	}
}
