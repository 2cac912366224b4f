/* SPDX-License-Identifier: GPL-2.0 */
/* Upstream recursors: health, smoothed RTT and selection (shared by all
 * workers), query attempts over UDP, and reused TCP and TLS connections
 * (owned by a worker). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "dns/message.h"
#include "metrics.h"
#include "server.h"

#define UPSTREAM_RTO_INITIAL 376	/* ms, what unbound starts with */
#define UPSTREAM_RTO_MIN 50
#define UPSTREAM_RTO_MAX 3000
#define UPSTREAM_EDNS_SIZE 1232		/* our UDP size towards upstreams */

/**
 * struct upstream_stats - per-upstream counters, as the control socket
 * shows them.
 */
struct upstream_stats {
	uint64_t sent;
	uint64_t received;		/* accepted answers */
	uint64_t timeouts;
	uint64_t errors;		/* refused, unreachable, reset, TLS failure */
	uint64_t mismatched;		/* dropped: wrong ID or question, malformed */
	uint64_t truncated;		/* TC answers retried over TCP */
	uint64_t connections;		/* TCP and TLS connections opened */
};

/**
 * struct upstream_info - one upstream as upstream_set_info() shows it
 * (@rtt: the round-trip times of its accepted answers, in seconds).
 */
struct upstream_info {
	char text[320];
	bool up;
	uint32_t srtt_ms;
	uint32_t rttvar_ms;
	uint32_t rto_ms;
	uint32_t fails;
	struct upstream_stats st;
	struct metrics_hist rtt;
};

struct upstream_set;

/**
 * upstream_set_new() - the upstreams of @cfg, all healthy, RTT unknown.
 * Return: 0 or -ENOMEM.
 */
int upstream_set_new(const struct config *cfg, struct upstream_set **out);

/** upstream_set_free() - free the set; NULL is fine. */
void upstream_set_free(struct upstream_set *set);

/**
 * upstream_set_update() - take the upstream list of a reloaded
 * configuration; upstreams present before keep their RTT and counters.
 * Return: the set's new generation (transactions and TLS connections of
 * an older generation are not reused).
 */
unsigned int upstream_set_update(struct upstream_set *set,
				 const struct config *cfg);

/** upstream_set_count() - how many upstreams are configured. */
unsigned int upstream_set_count(struct upstream_set *set);

/**
 * upstream_get() - copy one upstream's configuration.
 * Return: 0, or -ENOENT for a bad index.
 */
int upstream_get(struct upstream_set *set, unsigned int idx,
		 struct config_upstream *out);

/**
 * upstream_select() - choose the upstream for the next attempt.
 * @set:   the set.
 * @tried: bitmask of upstreams already tried by this query.
 * @now:   monotonic ms.
 *
 * Healthy untried upstreams come first, lowest retransmission timeout
 * first (the smoothed RTT decides, as in unbound); then upstreams marked
 * down whose back-off expired soonest, as probes; a tried one only when
 * nothing else is left.
 *
 * Return: the index, or -ENOENT when there are no upstreams.
 */
int upstream_select(struct upstream_set *set, uint32_t tried, uint64_t now);

/** upstream_rto() - the timeout for an attempt on @idx, in ms. */
uint32_t upstream_rto(struct upstream_set *set, unsigned int idx);

/**
 * upstream_report() - feed an attempt's outcome back.
 * @idx:    upstream.
 * @result: 0 for an accepted answer, -ETIMEDOUT, or another negative code
 *          for a network error (refused, reset, TLS).
 * @rtt_ms: round-trip time of an accepted answer.
 * @now:    monotonic ms.
 *
 * An answer updates srtt/rttvar (RFC 6298 weights) and clears the failure
 * count; a timeout doubles the RTO; three failures in a row, or one
 * network error, mark the upstream down for an exponential back-off
 * (1 s up to 30 s).
 */
void upstream_report(struct upstream_set *set, unsigned int idx, int result,
		     uint32_t rtt_ms, uint64_t now);

/** enum upstream_counter - which per-upstream counter upstream_count() bumps. */
enum upstream_counter {
	UPSTREAM_SENT,
	UPSTREAM_MISMATCHED,
	UPSTREAM_TRUNCATED,
	UPSTREAM_CONNECTED,
};

/** upstream_count() - bump one counter of @idx. */
void upstream_count(struct upstream_set *set, unsigned int idx,
		    enum upstream_counter which);

/**
 * upstream_set_info() - snapshot of every upstream for the stats.
 * @out: array of at least CONFIG_MAX_UPSTREAMS entries.
 * Return: how many were written.
 */
unsigned int upstream_set_info(struct upstream_set *set, uint64_t now,
			       struct upstream_info *out);

/**
 * upstream_query_build() - the query we send upstream: RD=1, CD=1
 * (RFC 6840 5.9: validate ourselves), EDNS with DO=1 and our UDP size.
 * @buf:  output (512 bytes suffice).
 * @cap:  its size.
 * @id:   the random message ID.
 * @name, @qtype, @qclass: the question.
 * Return: the length, or a negative code.
 */
int upstream_query_build(uint8_t *buf, size_t cap, uint16_t id,
			 const uint8_t *name, uint16_t qtype, uint16_t qclass);

/**
 * upstream_response_check() - parse an upstream response and accept it
 * only if it answers our query: QR set, opcode QUERY, same ID, exactly one
 * question with the same name (case-insensitively), type and class.
 * @msg:  parsed into (views into @wire).
 * Return: 0 if accepted, else a negative code (the packet is dropped).
 */
int upstream_response_check(struct dns_msg *msg, const uint8_t *wire,
			    size_t len, uint16_t id, const uint8_t *name,
			    uint16_t qtype, uint16_t qclass);

/** enum upstream_transport - how an attempt talks to its upstream. */
enum upstream_transport {
	UPSTREAM_UDP = 0,
	UPSTREAM_TCP,
	UPSTREAM_TLS,
};

/**
 * struct upstream_attempt - one query on the wire, inside a transaction.
 * @io:        epoll handle (IO_UPSTREAM): its own UDP socket; fd -1 when
 *             idle or when the query went on a stream connection.
 * @owner:     the transaction (opaque here).
 * @transport: UDP, or TCP and TLS on a shared stream connection
 *             (upstream_conn_send()).
 * @sent_ms:   when the query left, for the RTT.
 */
struct upstream_attempt {
	struct io_handle io;
	void *owner;
	int transport;
	uint64_t sent_ms;
};

/**
 * upstream_attempt_start() - open a fresh UDP socket (a new random source
 * port, RFC 5452 9.2), connect it to @addr and send @query, then watch it
 * in @w's epoll.
 * Return: 0, or -errno (then the attempt is closed).
 */
int upstream_attempt_start(struct worker *w, struct upstream_attempt *a,
			   const struct config_upstream *up,
			   const uint8_t *query, size_t len);

/**
 * upstream_attempt_event() - read a datagram from the attempt's socket.
 * @w: the worker.  @a: the attempt.  @events: epoll events.
 * @msg: receives a pointer to a candidate response (valid until the next
 *       call); the caller checks it with upstream_response_check().
 * @len: its length.
 * Return: 1 when a candidate is there (call again for more), 0 when
 * waiting, or a negative errno (refused).
 */
int upstream_attempt_event(struct worker *w, struct upstream_attempt *a,
			   uint32_t events, const uint8_t **msg, size_t *len);

/** upstream_attempt_close() - close the socket; safe when idle. */
void upstream_attempt_close(struct worker *w, struct upstream_attempt *a);

/* --- stream connections: TCP (RFC 7766) and DNS over TLS (RFC 7858), one
 * reused, pipelined connection per upstream and worker (upstream_conn.c) */

#define UPSTREAM_CONN_IDLE_MS 10000	/* close a connection idle this long */
#define UPSTREAM_CONN_PIPELINE 32	/* queries outstanding per connection */
#define UPSTREAM_CONN_GHOST_MS 3000	/* a given-up query's slot is kept this
					 * long for its late answer */

struct upstream_conn;

/**
 * struct upstream_pending - a query waiting on a stream connection
 * (embedded in the transaction).
 * @prev, @next: the connection's list, oldest first.
 * @conn:    the connection, NULL when not queued.
 * @id:      the query's ID on this connection, unique among its queries
 *           (RFC 7766 6.2.1.1: answers are matched by it, in any order).
 * @sent:    written (or being written) to the connection; else it waits
 *           for room in the pipeline.
 * @resent:  already moved once to a new connection after the upstream
 *           closed the old one.
 * @query, @len: the query (the owner's buffer, kept until answered or
 *           cancelled: it may be written later, or again).
 * @owner:   the transaction, handed back to the callbacks below.
 */
struct upstream_pending {
	struct upstream_pending *prev, *next;
	struct upstream_conn *conn;
	uint16_t id;
	bool sent;
	bool resent;
	uint8_t *query;
	size_t len;
	void *owner;
};

/**
 * upstream_conn_send() - queue a query on the worker's connection to
 * upstream @idx, opening it if needed (TCP, plus TLS with the name and
 * pin checks of tls_conn_new() for a TLS upstream). Up to
 * UPSTREAM_CONN_PIPELINE queries are outstanding on it at once (RFC 7766
 * 6.2.1.1 pipelining); later ones wait and are written as answers come
 * back, in any order.
 * @w:     the worker.
 * @idx:   the upstream's index.
 * @up:    its configuration.
 * @p:     the pending entry (@p->owner set by the caller).
 * @query: the query; its ID is changed in place when another query on
 *         the connection has it (then @p->id says the new one).
 * @len:   its length.
 * Return: 0, or a negative errno (then nothing is queued).
 */
int upstream_conn_send(struct worker *w, unsigned int idx,
		       const struct config_upstream *up, struct upstream_pending *p,
		       uint8_t *query, size_t len);

/** upstream_conn_cancel() - unqueue @p (an answer to it is ignored). */
void upstream_conn_cancel(struct worker *w, struct upstream_pending *p);

/** upstream_conn_event() - readiness of a stream connection (IO_UPSTREAM_CONN). */
void upstream_conn_event(struct worker *w, struct io_handle *h, uint32_t events);

/** upstream_conn_close_all() - close the worker's connections (no
 * callbacks: call after every pending query was cancelled). */
void upstream_conn_close_all(struct worker *w);

/**
 * resolve_conn_answer() - implemented by resolve.c: an answer for @owner
 * on a stream connection (ID matched; the question is still to be
 * checked). @msg stays valid during the call only.
 */
void resolve_conn_answer(struct worker *w, void *owner, const uint8_t *msg,
			 size_t len);

/**
 * resolve_conn_failed() - implemented by resolve.c: the connection @owner's
 * query was on failed with @err.
 */
void resolve_conn_failed(struct worker *w, void *owner, int err);
