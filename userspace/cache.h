/* SPDX-License-Identifier: GPL-2.0 */
/* The daemon's answer cache: bounded by memory, LRU, TTL countdown. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/message.h"

/**
 * enum cache_security - what validation said about a cached answer
 * (RFC 4035 4.3), plus "unchecked" for answers no validator looked at.
 */
enum cache_security {
	CACHE_SEC_UNCHECKED = 0,
	CACHE_SEC_SECURE,
	CACHE_SEC_INSECURE,
	CACHE_SEC_BOGUS,
	CACHE_SEC_INDETERMINATE,
};

/** enum cache_kind - which caching rule gave an entry its lifetime. */
enum cache_kind {
	CACHE_KIND_POSITIVE = 0,	/* data: smallest TTL */
	CACHE_KIND_NXDOMAIN,		/* RFC 2308 5: min(SOA TTL, SOA MINIMUM) */
	CACHE_KIND_NODATA,		/* same rule */
	CACHE_KIND_FAILURE,		/* RFC 9520: SERVFAIL and unreachable */
};

/**
 * struct cache_key - what identifies an entry, like the kernel cache.
 * @name:     the query name, lower-cased by cache_key_init().
 * @name_len: its length.
 * @qtype, @qclass: from the question.
 * @do_bit:   the query's DO bit (answers differ: RRSIGs or not).
 */
struct cache_key {
	uint8_t name[DNS_NAME_MAXLEN];
	uint8_t name_len;
	uint16_t qtype;
	uint16_t qclass;
	bool do_bit;
};

/**
 * cache_key_init() - build a key from a question.
 * @key:  result.
 * @name: uncompressed name (any case).
 * @qtype, @qclass, @do_bit: the rest of the key.
 */
void cache_key_init(struct cache_key *key, const uint8_t *name, uint16_t qtype,
		    uint16_t qclass, bool do_bit);

/**
 * struct cache_policy - lifetime bounds from the configuration.
 * @ttl_min, @ttl_max: bounds for every entry but failures.
 * @negative_ttl_max:  extra cap for NXDOMAIN and NODATA.
 * @failure_ttl:       lifetime of failures, forced into 1..300 s
 *                     (RFC 9520 3.2).
 */
struct cache_policy {
	uint32_t ttl_min;
	uint32_t ttl_max;
	uint32_t negative_ttl_max;
	uint32_t failure_ttl;
};

/**
 * cache_lifetime() - how long an upstream answer may be cached.
 * @msg:      the parsed answer.
 * @policy:   configured bounds.
 * @wall_now: current UNIX time, to keep within RRSIG expirations.
 * @kind:     receives the rule applied.
 *
 * Positive answers live as long as their smallest TTL; NXDOMAIN and NODATA
 * as min(SOA TTL, SOA MINIMUM) of the SOA in the authority section, and are
 * not cached without one (RFC 2308 5); SERVFAIL and other error rcodes get
 * the failure lifetime. The result is then bounded by the policy, and never
 * reaches past the earliest RRSIG expiration in the answer.
 *
 * Return: the lifetime in seconds; 0 means "do not cache".
 */
uint32_t cache_lifetime(const struct dns_msg *msg,
			const struct cache_policy *policy, uint32_t wall_now,
			enum cache_kind *kind);

/**
 * cache_failure_lifetime() - lifetime of a locally produced failure (no
 * upstream answer at all): the policy's failure_ttl forced into 1..300 s.
 */
uint32_t cache_failure_lifetime(const struct cache_policy *policy);

struct cache;

/**
 * struct cache_stats - counters and occupancy.
 */
struct cache_stats {
	uint64_t entries;
	uint64_t bytes;
	uint64_t limit;
	uint64_t hits;
	uint64_t misses;
	uint64_t inserts;
	uint64_t evictions;	/* removed to stay under the memory limit */
	uint64_t expired;	/* removed because their lifetime ran out */
};

/**
 * struct cache_hit - what cache_get() returns besides the message.
 * @kind, @security, @ede: as stored (@ede is 0xffff for none).
 * @age:       seconds since the entry was stored.
 * @ttl_left:  seconds until it expires (> 0); answer TTLs are set to it.
 * @len:       message length (copied, unless @copied is false).
 * @id:        the entry's identity: unique to each cache_put(), so equal
 *             ids mean the same stored message.
 * @copied:    the message was copied out (cache_get_unless() may skip it).
 */
struct cache_hit {
	enum cache_kind kind;
	enum cache_security security;
	uint16_t ede;
	uint32_t age;
	uint32_t ttl_left;
	size_t len;
	uint64_t id;
	bool copied;
};

/**
 * cache_new() - create an empty cache.
 * @memory_limit: bytes the entries (with their bookkeeping) may use.
 * Return: the cache, or NULL on allocation failure. Thread-safe.
 */
struct cache *cache_new(uint64_t memory_limit);

/** cache_free() - free the cache and every entry; NULL is fine. */
void cache_free(struct cache *cache);

/**
 * cache_set_limit() - change the memory limit, evicting least recently
 * used entries at once if the cache is now over it.
 */
void cache_set_limit(struct cache *cache, uint64_t memory_limit);

/**
 * cache_put() - store (or replace) an entry.
 * @cache:    the cache.
 * @key:      its key.
 * @wire:     the upstream message (copied).
 * @len:      its length.
 * @lifetime: seconds (> 0).
 * @kind, @security, @ede: stored with it (@ede 0xffff for none).
 * @now:      monotonic seconds.
 *
 * Least recently used entries are evicted until the new one fits.
 * Return: 0, -EINVAL (lifetime 0), -E2BIG (larger than the whole limit),
 * -ENOMEM.
 */
int cache_put(struct cache *cache, const struct cache_key *key,
	      const uint8_t *wire, size_t len, uint32_t lifetime,
	      enum cache_kind kind, enum cache_security security,
	      uint16_t ede, uint64_t now);

/**
 * cache_get() - look an entry up and copy its message out.
 * @cache: the cache.
 * @key:   the key.
 * @now:   monotonic seconds; expired entries are removed and missed.
 * @buf:   receives the message.
 * @cap:   its size (65535 always suffices).
 * @hit:   receives the entry's details.
 * Return: 0 on a hit (entry becomes most recently used), -ENOENT on a
 * miss, -ENOSPC if @cap is too small.
 */
int cache_get(struct cache *cache, const struct cache_key *key, uint64_t now,
	      uint8_t *buf, size_t cap, struct cache_hit *hit);

/**
 * cache_get_unless() - cache_get(), except that the message is not copied
 * (@hit->copied false) when the entry found is @have_id with @have_ttl
 * seconds left: the caller already holds what it built from that entry
 * at that TTL. Expiry, LRU order and counters as cache_get().
 * @have_id: an id from an earlier @hit->id, or 0 for none (ids start at 1).
 * @have_ttl: the @hit->ttl_left that went with it.
 * Other parameters and return value: cache_get().
 */
int cache_get_unless(struct cache *cache, const struct cache_key *key,
		     uint64_t now, uint64_t have_id, uint32_t have_ttl,
		     uint8_t *buf, size_t cap, struct cache_hit *hit);

/** cache_flush() - remove every entry. Return: how many were removed. */
size_t cache_flush(struct cache *cache);

/**
 * cache_flush_below() - remove the entries whose name is @name or below it
 * (after a trust anchor for @name changed, for instance).
 * Return: how many were removed.
 */
size_t cache_flush_below(struct cache *cache, const uint8_t *name);

/** cache_get_stats() - a snapshot of the counters. */
void cache_get_stats(struct cache *cache, struct cache_stats *out);

/**
 * struct cache_entry_info - one entry as cache_foreach() shows it.
 * The pointers are valid only during the callback.
 */
struct cache_entry_info {
	const struct cache_key *key;
	enum cache_kind kind;
	enum cache_security security;
	uint16_t ede;
	uint16_t rcode;
	uint32_t ttl_left;
	size_t wire_len;
};

/**
 * cache_foreach() - call @fn for each live entry, most recently used
 * first, under the cache's lock (@fn must not call into the cache).
 * @fn returns non-zero to stop. Return: number of entries visited.
 */
size_t cache_foreach(struct cache *cache, uint64_t now,
		     int (*fn)(const struct cache_entry_info *info, void *ctx),
		     void *ctx);

/** cache_security_name() - "secure", "insecure", "bogus"... */
const char *cache_security_name(enum cache_security sec);

/** cache_kind_name() - "positive", "nxdomain", "nodata", "failure". */
const char *cache_kind_name(enum cache_kind kind);
