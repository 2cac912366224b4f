/* SPDX-License-Identifier: GPL-2.0 */
/* A worker's memo of the answers it built from cache hits: the same cached
 * entry at the same TTL, asked the same way, gets the same octets again
 * with only the ID changed, without parsing and rebuilding. */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct client;
struct resolve_memo;
struct resolve_memo_slot;

/* Slots (two-way sets chosen by a hash of the question as spelled), and
 * the longest answer a slot holds: whatever fits the daemon's default
 * EDNS UDP size. */
#define RESOLVE_MEMO_SLOTS 128
#define RESOLVE_MEMO_MSG_MAX 1232

/**
 * resolve_memo_new() - an empty memo, for one worker (not thread-safe).
 * Return: the memo (resolve_memo_free()), or NULL.
 */
struct resolve_memo *resolve_memo_new(void);

/** resolve_memo_free() - free a memo; NULL is fine. */
void resolve_memo_free(struct resolve_memo *m);

/**
 * resolve_memo_find() - the slot for @c's question as spelled.
 * @m:        the memo.
 * @c:        the client: everything resolve_answer_build() reads of it
 *            but the ID (question as spelled, RD, CD and AD, EDNS, DO,
 *            UDP size, TCP) must match what the slot was stored with.
 * @udp_size: the daemon's EDNS UDP size in force.
 * @id, @ttl: receive the cache entry id and TTL of the answer the slot
 *            holds for exactly this client shape, or 0 and 0.
 * Return: the slot (always: the matching one, else the set's less
 * recently used one), to pass to resolve_memo_answer() or
 * resolve_memo_store().
 */
struct resolve_memo_slot *resolve_memo_find(struct resolve_memo *m,
					    const struct client *c,
					    uint16_t udp_size, uint64_t *id,
					    uint32_t *ttl);

/**
 * resolve_memo_answer() - the held answer, with @c's ID.
 * @s:   a slot resolve_memo_find() matched for @c.
 * @c:   the client.
 * @out: receives the message (RESOLVE_MEMO_MSG_MAX octets suffice).
 * @ede: receives the EDE it carries (resolve_answer_ede()).
 * Return: its length.
 */
size_t resolve_memo_answer(const struct resolve_memo_slot *s,
			   const struct client *c, uint8_t *out, uint16_t *ede);

/**
 * resolve_memo_store() - hold the answer built for @c from cache entry
 * @id at @ttl seconds left, replacing what @s held. An answer longer than
 * RESOLVE_MEMO_MSG_MAX empties the slot instead.
 * @s:        the slot resolve_memo_find() returned for @c.
 * @c:        the client it was built for.
 * @udp_size: the EDNS UDP size it was built with.
 * @id, @ttl: the cache entry and its TTL (cache_hit).
 * @ede:      the EDE it carries (resolve_answer_ede()).
 * @msg, @len: the answer (copied).
 */
void resolve_memo_store(struct resolve_memo_slot *s, const struct client *c,
			uint16_t udp_size, uint64_t id, uint32_t ttl,
			uint16_t ede, const uint8_t *msg, size_t len);
