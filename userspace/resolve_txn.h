/* SPDX-License-Identifier: GPL-2.0 */
/* Private to resolve.c and resolve_validate.c: the transaction (one
 * resolution in flight and who waits for it) and the functions both use. */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cache.h"
#include "dns/message.h"
#include "resolve.h"
#include "server.h"
#include "upstream.h"

#define TABLE_BUCKETS 4096
#define MAX_ATTEMPTS 6		/* upstream attempts per query, all upstreams */
#define MAX_FETCHES 40		/* DS/DNSKEY fetches to validate one answer */

/*
 * What identifies a resolution in flight. @internal marks the DS/DNSKEY
 * fetches the validator asks for: they are never joined by clients (their
 * raw data is not for clients) and never cached.
 */
struct resolve_key {
	struct cache_key ck;
	bool cd;
	bool internal;
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
	struct upstream_pending cp;	/* the attempt when over TCP or TLS */
	int up_idx;
	uint32_t tried;
	unsigned int attempts;
	bool force_tcp;
	bool network_error;		/* an attempt failed by refusal/reset */
	bool started;			/* internal: first attempt sent */
	uint16_t qid;
	uint8_t query[512];
	size_t qlen;
	/* validation */
	uint8_t *resp;			/* the upstream answer (owned copy) */
	size_t resp_len;
	struct dns_msg vmsg;		/* @resp parsed */
	bool self_added;		/* own DS/DNSKEY answer given to the chain */
	unsigned int fetches;
	struct resolve_txn **parents;	/* internal: transactions waiting */
	size_t nparents, capparents;
	uint16_t fail_ede;		/* why it failed, for the parents */
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
	struct resolve_memo *memo;	/* cache-hit answers as built (resolve_memo.h) */
	uint8_t cache_buf[DNS_MSG_MAXLEN];
	uint8_t out[DNS_MSG_MAXLEN];
};

/* resolve.c */
uint32_t resolve_key_hash(const struct resolve_key *k);
bool resolve_key_equal(const struct resolve_key *a, const struct resolve_key *b);
/* The cache bounds in force; @timeout_ms (if not NULL) the query timeout. */
struct cache_policy resolve_policy(struct server *srv, uint32_t *timeout_ms);
/* Put @t, owned by @w, in the table under @key; called with the lock held. */
void resolve_txn_list(struct resolve_table *table, struct resolve_txn *t,
		      const struct resolve_key *key, uint32_t hash, struct worker *w);
/* Fill a new transaction's common fields and link it to its owner. */
void resolve_txn_setup(struct worker *w, struct resolve_txn *t);
/* Close the current upstream attempt (UDP/TCP socket or DoT queue entry). */
void resolve_txn_attempt_close(struct worker *w, struct resolve_txn *t);
/* Unlist, answer every client with @a, tell the parents, free. */
void resolve_txn_finish(struct worker *w, struct resolve_txn *t,
			const struct resolve_answer *a);
/* SERVFAIL with @ede to everyone (cached as a failure, RFC 9520). */
void resolve_txn_fail(struct worker *w, struct resolve_txn *t, uint16_t ede,
		      const char *text);
void resolve_txn_free(struct resolve_txn *t);

/* resolve_validate.c */
/* An accepted upstream answer: validate it (or hand an internal fetch's
 * answer to the validations waiting), cache, answer. */
void resolve_txn_answer(struct worker *w, struct resolve_txn *t,
			const uint8_t *wire, size_t len);
/* An internal fetch @p waited for ended: @wire is its answer, NULL on
 * failure (then @ede says why). */
void resolve_txn_sub_done(struct worker *w, struct resolve_txn *p,
			  const uint8_t *wire, size_t len, uint16_t ede);
