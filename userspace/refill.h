/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel cache refill: response -> cache entry, and the pinned BPF maps. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xdpdns/shared.h"

struct bpf_object;

/**
 * struct refill_maps - file descriptors of the shared maps (-1 if closed).
 * @cache_fd:	the cache (LRU hash of struct xdpdns_cache_entry).
 * @listen_fd:	listen addresses and ports.
 * @stats_fd:	per-CPU counters.
 * @info_fd:	layout version and hash seed.
 * @hash_seed:	seed read from the info map, for refill_entry_build().
 */
struct refill_maps {
	int cache_fd;
	int listen_fd;
	int stats_fd;
	int info_fd;
	uint64_t hash_seed;
};

/**
 * struct refill_params - what the caller decided about a response.
 * @lifetime_s:	seconds the entry may answer; the daemon computes it from
 *		the smallest TTL, the earliest RRSIG expiration, the configured
 *		cap and RFC 2308 for negative answers (contract 4). >= 1.
 * @created_ns:	CLOCK_BOOTTIME of creation (the moment the response's TTLs
 *		are valid for); 0 means now.
 * @secure:	the validator classed the answer Secure (else Insecure; Bogus
 *		and Indeterminate must never get here, contract 2).
 * @do_bit:	the entry answers queries with DO=1 (the response carries the
 *		DNSSEC records such a query gets).
 */
struct refill_params {
	uint32_t lifetime_s;
	uint64_t created_ns;
	bool secure;
	bool do_bit;
};

/**
 * refill_entry_build() - turn a response into a cache key and entry.
 * @response:	the exact message userspace would send for a query of that
 *		name, type and DO bit (ID and header flags do not matter; an
 *		OPT record, if any, must be the last record and is dropped).
 * @len:	its length.
 * @hash_seed:	the seed of the maps the entry goes to (refill_maps).
 * @params:	lifetime, creation time, validation state, DO bit.
 * @key:	receives the key.
 * @entry:	receives the entry.
 *
 * Records after the question are copied verbatim. Refused: not a QUERY
 * response, TC set, an extended RCODE, not exactly one IN question, a
 * compression pointer into the header, records over XDPDNS_REC_MAX bytes or
 * more than XDPDNS_TTL_MAX records.
 *
 * Return: 0; -EINVAL (not cacheable in the kernel), -E2BIG (too big for an
 * entry), or a parse error of dns_msg_parse(); -ENOMEM.
 */
int refill_entry_build(const uint8_t *response, size_t len,
		       uint64_t hash_seed, const struct refill_params *params,
		       struct xdpdns_cache_key *key,
		       struct xdpdns_cache_entry *entry);

/**
 * refill_name_key_hash() - the cache key hash of a wire name.
 * @name:	uncompressed wire name (any case).
 * @hash_seed:	seed from the info map.
 *
 * Return: the hash the XDP program computes for the same name.
 */
uint64_t refill_name_key_hash(const uint8_t *name, uint64_t hash_seed);

/**
 * refill_bpffs_ensure() - make sure @pin_dir can hold pins: mount bpffs at
 * /sys/fs/bpf if it is not mounted (Debian boots without it here) and
 * create @pin_dir.
 * Return: 0 or -errno.
 */
int refill_bpffs_ensure(const char *pin_dir);

/**
 * refill_object_prepare() - before loading an xdp_dns object: reuse the
 * maps pinned in @pin_dir (checking their layout version) or arrange for
 * new ones to be pinned there, and size the cache.
 * @obj:		the opened, not yet loaded object.
 * @pin_dir:		bpffs directory, or NULL for unpinned maps (tests).
 * @cache_entries:	cache capacity for new maps; 0 keeps the default.
 * @hash_seed:		receives the seed to store in the object's rodata
 *			(name_hash_seed) before load: the pinned one, or a
 *			new random one.
 *
 * The loader's sequence: xdp_dns_bpf__open(), this, then set the rodata
 * (name_hash_seed = *@hash_seed; optionally listen_ports[0..3] in network
 * order with listen_port_count, a quick filter that drops other ports
 * before the listen-map lookup; edns_udp_size, default 1232), load,
 * refill_object_finish(), refill_listen_add() for each listen address.
 *
 * Return: 0, XDPDNS_ELAYOUT (pinned maps of another layout), or -errno.
 */
int refill_object_prepare(struct bpf_object *obj, const char *pin_dir,
			  uint32_t cache_entries, uint64_t *hash_seed);

/**
 * refill_object_finish() - after load: write the info map if it is new and
 * take duplicates of the map descriptors.
 * @obj:	the loaded object.
 * @hash_seed:	the seed given by refill_object_prepare().
 * @maps:	receives the descriptors; release with refill_maps_close().
 * Return: 0 or -errno.
 */
int refill_object_finish(struct bpf_object *obj, uint64_t hash_seed,
			 struct refill_maps *maps);

/**
 * refill_maps_open() - open the maps pinned in @pin_dir (CLI, daemon
 * restart) and check their layout version and sizes.
 * @maps:	receives the descriptors; release with refill_maps_close().
 * @pin_dir:	bpffs directory (XDPDNS_PIN_DIR_DEFAULT normally).
 * Return: 0, XDPDNS_ELAYOUT, or -errno (-ENOENT: nothing pinned).
 */
int refill_maps_open(struct refill_maps *maps, const char *pin_dir);

/** refill_maps_close() - close the descriptors; safe on closed maps. */
void refill_maps_close(struct refill_maps *maps);

/**
 * refill_maps_unpin() - remove the pins of the shared maps and @pin_dir.
 * Return: 0 or -errno of the first failure (missing pins are fine).
 */
int refill_maps_unpin(const char *pin_dir);

/** refill_entry_put() - insert or replace an entry. Return: 0 or -errno. */
int refill_entry_put(const struct refill_maps *maps,
		     const struct xdpdns_cache_key *key,
		     const struct xdpdns_cache_entry *entry);

/** refill_entry_delete() - delete an entry. Return: 0 or -errno (-ENOENT). */
int refill_entry_delete(const struct refill_maps *maps,
			const struct xdpdns_cache_key *key);

/**
 * refill_cache_flush() - delete every entry.
 * @maps:	the maps.
 * @deleted:	if not NULL, receives how many entries went.
 * Return: 0 or -errno.
 */
int refill_cache_flush(const struct refill_maps *maps, unsigned int *deleted);

/**
 * refill_cache_flush_below() - delete the kernel cache entries whose
 * question name is at or below @zone.
 * @maps:    the XDP maps (NULL: nothing to do).
 * @zone:    the name.
 * @deleted: if not NULL, receives how many entries went.
 * Return: 0 or -errno.
 */
int refill_cache_flush_below(const struct refill_maps *maps, const uint8_t *zone,
			     unsigned int *deleted);

/**
 * refill_listen_add() - answer queries to this address and port.
 * @maps:	the maps.
 * @family:	4 or 6.
 * @addr:	4 or 16 bytes, network order.
 * @port:	UDP port, host order.
 * Return: 0 or -errno.
 */
int refill_listen_add(const struct refill_maps *maps, int family,
		      const void *addr, uint16_t port);

/** refill_listen_delete() - stop answering there. Return: 0 or -errno. */
int refill_listen_delete(const struct refill_maps *maps, int family,
			 const void *addr, uint16_t port);

/**
 * refill_stats_read() - read the counters.
 * @maps:	the maps.
 * @sum:	receives the counters summed over CPUs.
 * @per_cpu:	if not NULL, receives up to @max_cpus per-CPU values.
 * @max_cpus:	entries in @per_cpu.
 * Return: the number of possible CPUs, or -errno.
 */
int refill_stats_read(const struct refill_maps *maps, struct xdpdns_stats *sum,
		      struct xdpdns_stats *per_cpu, int max_cpus);

/** refill_counter_name() - short name of a counter ("answered"...), or NULL. */
const char *refill_counter_name(int counter);
