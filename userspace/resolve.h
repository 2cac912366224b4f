/* SPDX-License-Identifier: GPL-2.0 */
/* The per-query state machine: parse the client's query, look in the
 * cache, join an identical query in flight or start one upstream (with
 * failover), validate, cache, hand Secure/Insecure answers to the kernel
 * cache, and build every client's answer. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cache.h"
#include "dns/message.h"
#include "server.h"

#define RESOLVE_NO_EDE 0xffff

struct resolve_table;
struct resolve_worker;

/**
 * resolve_table_new() - the shared table of queries in flight, keyed by
 * lower-cased name, type, class, DO and CD, used to coalesce identical
 * queries into one upstream query.
 * Return: the table or NULL.
 */
struct resolve_table *resolve_table_new(void);

/** resolve_table_free() - free an (empty) table; NULL is fine. */
void resolve_table_free(struct resolve_table *table);

/** resolve_table_count() - queries in flight (for the stats). */
size_t resolve_table_count(struct resolve_table *table);

/**
 * resolve_worker_new() - per-worker state (parse buffers, the list of
 * transactions the worker owns, the memo of cache-hit answers).
 * Return: 0 or -ENOMEM.
 */
int resolve_worker_new(struct worker *w);

/**
 * resolve_worker_free() - abandon the worker's transactions (their clients
 * get no answer: the daemon is stopping) and free its state.
 */
void resolve_worker_free(struct worker *w);

/**
 * resolve_client_query() - handle one query from a client.
 * @w:    the receiving worker.
 * @c:    the client's transport fields (worker, tcp, fd, peer or TCP slot)
 *        already set, and @c->arrived_ms when the reader stamped it (0:
 *        stamped here); the DNS fields are filled here.
 * @wire: the query.
 * @len:  its length.
 *
 * Queries without a readable header, and responses, are dropped; a query
 * that cannot be parsed gets FORMERR (RFC 1035 4.1.1), other opcodes
 * NOTIMP, EDNS versions other than 0 BADVERS (RFC 6891 6.1.3), zone
 * transfers NOTIMP. Everything else is answered from the cache or
 * resolved; the answer is sent through server_send().
 *
 * Return: 1 if the query was accepted (an answer will be sent, maybe
 * already was), 0 if it was dropped.
 */
int resolve_client_query(struct worker *w, struct client *c,
			 const uint8_t *wire, size_t len);

/**
 * resolve_probe() - resolve and validate @name/@qtype (DO=1, CD=0) for the
 * daemon itself, with no client waiting: the answer is cached and noted
 * like any other. Nothing happens when it is cached, already in flight,
 * or the worker is at its limit of queries in flight.
 * @w:     the worker that will own the query.
 * @name:  the owner (wire form).
 * @qtype: the type.
 */
void resolve_probe(struct worker *w, const uint8_t *name, uint16_t qtype);

/**
 * resolve_io_event() - readiness of an upstream socket (IO_UPSTREAM).
 */
void resolve_io_event(struct worker *w, struct io_handle *h, uint32_t events);

/**
 * struct resolve_answer - what a client answer is built from.
 * @msg:      the upstream (or cached) message, parsed; NULL to build an
 *            error answer carrying only the question.
 * @rcode:    the rcode when @msg is NULL.
 * @ede:      EDE info code to attach (RESOLVE_NO_EDE for none).
 * @ede_text: its EXTRA-TEXT or NULL.
 * @security: the validation state of @msg.
 * @ttl:      every record's TTL is set to this (the time the answer has
 *            left in the cache, so TTLs count down); UINT32_MAX keeps the
 *            message's TTLs.
 */
struct resolve_answer {
	const struct dns_msg *msg;
	uint16_t rcode;
	uint16_t ede;
	const char *ede_text;
	enum cache_security security;
	uint32_t ttl;
};

/**
 * resolve_answer_build() - build the answer for one client.
 * @c:        the client (ID, RD and CD echoed, question as it spelled it).
 * @a:        the material.
 * @udp_size: our advertised EDNS UDP size.
 * @out:      output buffer.
 * @cap:      its size (65535 for TCP).
 *
 * AD is set only for Secure data and only when the client set DO or AD
 * (RFC 6840 5.7-5.8). Bogus data is replaced by SERVFAIL unless the client
 * set CD (RFC 4035 3.2.2). Without DO, RRSIG, NSEC and NSEC3 records are
 * left out unless the query asked for that type (RFC 4035 3.2.1). The
 * answer is limited to the client's UDP size (512 without EDNS, RFC 6891
 * 7) and TC is set when a needed RRset did not fit.
 *
 * Return: the answer's length, or a negative code.
 */
int resolve_answer_build(const struct client *c, const struct resolve_answer *a,
			 uint16_t udp_size, uint8_t *out, size_t cap);

/**
 * resolve_answer_ede() - the EDE INFO-CODE resolve_answer_build() puts in
 * the answer for @c (DNSSEC Bogus, 6, when Bogus data is withheld without
 * another code), or RESOLVE_NO_EDE when it sends none (no EDNS, no code).
 */
uint16_t resolve_answer_ede(const struct client *c, const struct resolve_answer *a);

struct refill_maps;

/**
 * resolve_handoff_kernel_cache() - give an answer to the kernel cache.
 * Called only for Secure or Insecure, cacheable answers (DESIGN contract 2).
 * @maps:     the pinned maps (NULL when no XDP program is attached: then
 *            nothing is written).
 * @key:      the cache key (name, type, class, DO).
 * @msg:      the parsed upstream answer.
 * @lifetime: seconds it may be served (cache_lifetime()).
 * @security: CACHE_SEC_SECURE or CACHE_SEC_INSECURE.
 *
 * The entry is the answer userspace itself would send to an EDNS client
 * with that DO bit, built by resolve_answer_build() and converted by
 * refill_entry_build().
 *
 * Both the DO=1 and the DO=0 forms are written (the upstream query had
 * DO=1); a form too big for an entry is left to userspace.
 *
 * Return: 0, -EINVAL for other security states, or refill's error.
 */
int resolve_handoff_kernel_cache(const struct refill_maps *maps,
				 const struct cache_key *key,
				 const struct dns_msg *msg, uint32_t lifetime,
				 enum cache_security security);

/**
 * resolve_handoff_kernel_cache_at() - resolve_handoff_kernel_cache() for
 * an answer the userspace cache stored at @stored_s (server_now_ms() /
 * 1000): the kernel entry then expires, and its TTLs count down, in step
 * with the userspace entry (DESIGN contract 3).
 */
int resolve_handoff_kernel_cache_at(const struct refill_maps *maps,
				    const struct cache_key *key,
				    const struct dns_msg *msg, uint32_t lifetime,
				    enum cache_security security, uint64_t stored_s);
