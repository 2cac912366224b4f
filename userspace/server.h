/* SPDX-License-Identifier: GPL-2.0 */
/* The serving core: shared daemon state, worker threads with epoll, UDP and
 * TCP listeners, client connections, timers and counters. */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "cache.h"
#include "config.h"

struct server;
struct worker;
struct upstream_set;
struct resolve_table;
struct val_anchors;
struct val_chain;
struct trust;
struct zones;
struct audit;
struct listener;
struct udp_batch;

/* --- counters --------------------------------------------------------- */

#define SERVER_EDE_CODES 64	/* INFO-CODEs counted; above: not counted */

/**
 * struct server_stats - daemon-wide counters, bumped with relaxed atomics
 * (STAT_INC) from every worker; read by the control socket.
 */
struct server_stats {
	uint64_t queries_udp;
	uint64_t queries_tcp;
	uint64_t queries_dropped;	/* unreadable: no header, or a response */
	uint64_t queries_formerr;	/* answered FORMERR */
	uint64_t answers_rcode[16];	/* by the 4-bit header rcode */
	uint64_t answers_truncated;	/* TC set for the client's size */
	uint64_t answers_from_cache;
	uint64_t coalesced;		/* queries joined to one in flight */
	uint64_t inflight_full;		/* refused: too many in flight */
	uint64_t failures;		/* resolutions ended in SERVFAIL without data */
	uint64_t tcp_accepted;
	uint64_t tcp_closed_idle;
	uint64_t unvalidated;		/* answers no validator looked at */
	uint64_t secure;		/* resolutions validated Secure */
	uint64_t bogus;			/* resolutions validated Bogus */
	uint64_t insecure;		/* resolutions validated Insecure */
	uint64_t indeterminate;		/* resolutions left Indeterminate */
	uint64_t sigcache_hits;		/* verifications the signature cache spared */
	uint64_t sigcache_misses;	/* verifications done with public-key math */
	uint64_t ede[SERVER_EDE_CODES];	/* EDE sent, by INFO-CODE (RFC 8914) */
};

#define STAT_INC(field) __atomic_fetch_add(&(field), 1, __ATOMIC_RELAXED)
#define STAT_ADD(field, n) __atomic_fetch_add(&(field), (n), __ATOMIC_RELAXED)
#define STAT_GET(field) __atomic_load_n(&(field), __ATOMIC_RELAXED)

/* --- timers ----------------------------------------------------------- */

/**
 * struct timer - one deadline in a worker's min-heap (intrusive).
 * @deadline: monotonic milliseconds.
 * @index:    position in the heap, or -1 when not armed.
 * @fn:       called by the worker when the deadline passes (disarmed by
 *            then; may re-arm or free the owner).
 */
struct timer {
	uint64_t deadline;
	long index;
	void (*fn)(struct worker *w, struct timer *t);
};

/** timer_init() - prepare a disarmed timer calling @fn. */
void timer_init(struct timer *t, void (*fn)(struct worker *w, struct timer *t));

/** timer_arm() - (re)arm @t at @deadline ms. Return: 0 or -ENOMEM. */
int timer_arm(struct worker *w, struct timer *t, uint64_t deadline);

/** timer_disarm() - remove @t from the heap if armed. */
void timer_disarm(struct worker *w, struct timer *t);

/** server_now_ms() - CLOCK_MONOTONIC in milliseconds. */
uint64_t server_now_ms(void);

/* --- epoll handles ------------------------------------------------------ */

/** What an epoll event's data.ptr points to: the first member of each. */
enum io_kind {
	IO_UDP_LISTEN = 1,
	IO_UDP_WILDCARD,	/* UDP on 0.0.0.0 or ::, answers need PKTINFO */
	IO_TCP_LISTEN,
	IO_TCP_CLIENT,
	IO_MAILBOX,
	IO_UPSTREAM,		/* a transaction's UDP socket */
	IO_UPSTREAM_CONN,	/* a TCP or DNS-over-TLS upstream connection */
};

/**
 * struct io_handle - head of every object registered with epoll.
 * @kind: enum io_kind.
 * @fd:   its descriptor.
 */
struct io_handle {
	int kind;
	int fd;
};

/** worker_epoll_set() - add or modify @h in @w's epoll with @events. */
int worker_epoll_set(struct worker *w, struct io_handle *h, uint32_t events,
		     bool add);

/** worker_epoll_del() - remove @h from @w's epoll (before closing it). */
void worker_epoll_del(struct worker *w, struct io_handle *h);

/* --- clients ------------------------------------------------------------ */

/**
 * struct client - everything needed to answer one client query later, from
 * any worker: plain data, no pointer into a worker's state.
 * @worker:    index of the worker that received it.
 * @tcp:       arrived over TCP.
 * @fd:        UDP: the listening socket (any thread may send on it).
 * @conn_slot, @conn_gen: TCP: the connection, checked when answering (a
 *             closed or reused slot has another generation).
 * @peer, @peer_len: UDP: where to answer.
 * @pktinfo:   4 or 6 when the query came to a wildcard listener: the
 *             answer leaves from @local, the address it was sent to; 0
 *             otherwise.
 * @id:        query ID.
 * @flags:     query header flags (RD and CD are echoed).
 * @has_edns:  the query had an OPT record.
 * @do_bit:    DO was set.
 * @udp_size:  the client's advertised size (512 without EDNS).
 * @qname:     the query name as the client spelled it (echoed).
 * @qtype, @qclass: the question.
 * @arrived_ms: when the query arrived.
 */
struct client {
	uint16_t worker;
	bool tcp;
	bool has_edns;
	bool do_bit;
	int fd;
	uint32_t conn_slot;
	uint32_t conn_gen;
	struct sockaddr_storage peer;
	socklen_t peer_len;
	uint8_t pktinfo;
	union {
		struct in_pktinfo v4;
		struct in6_pktinfo v6;
	} local;
	uint16_t id;
	uint16_t flags;
	uint16_t udp_size;
	uint16_t qtype;
	uint16_t qclass;
	uint64_t arrived_ms;
	uint8_t qname[255];
};

/**
 * server_send() - send an answer to a client, from any worker: UDP through
 * server_udp_send() (held for the batch @w is reading from that socket,
 * else at once), TCP through the owning worker's mailbox unless @w owns it.
 * @w:   the calling worker.
 * @c:   the client.
 * @msg: the answer (copied).
 * @len: its length.
 */
void server_send(struct worker *w, const struct client *c, const uint8_t *msg,
		 size_t len);

/* --- the daemon --------------------------------------------------------- */

/**
 * struct worker - one thread: its epoll, listeners, TCP clients, the
 * upstream transactions it started, its timers.
 */
struct worker {
	struct server *srv;
	unsigned int index;
	pthread_t thread;
	int epfd;
	struct io_handle mailbox;	/* eventfd: answers for our TCP clients, stop */
	pthread_mutex_t mb_lock;
	struct mailbox_item *mb_head, *mb_tail;
	struct listener *listeners;	/* listener.h, under srv->listen_lock */
	unsigned int listen_gen;	/* the listen change applied (atomic) */
	struct tcp_conn **conns;	/* slots, max_tcp_clients */
	uint32_t *conn_gen;
	unsigned int nconns;
	struct timer **heap;		/* min-heap of armed timers */
	size_t heap_len, heap_cap;
	uint32_t inflight;		/* client queries waiting here */
	volatile bool stop;
	struct resolve_worker *rw;	/* resolve.c's per-worker state */
	struct upstream_conn *upconn[CONFIG_MAX_UPSTREAMS];	/* TCP/TLS, per upstream */
	struct val_chain *chain;	/* DS/DNSKEY known to this worker */
	unsigned int chain_gen;		/* anchors generation it was built for */
	struct anchors_ref *chain_anchors;	/* held while @chain uses them */
	uint64_t sig_hits_seen;		/* @chain's signature cache counts */
	uint64_t sig_misses_seen;	/* already added to the stats */
	struct udp_batch *udp;		/* server_udp.h: recvmmsg/sendmmsg buffers */
};

/**
 * struct server - the daemon's shared state.
 * @cfg:       the configuration in force (replaced on reload under @cfg_lock).
 * @cache:     the userspace answer cache.
 * @ups:       upstreams with their health and RTT.
 * @table:     queries in flight, for coalescing.
 * @stats:     counters.
 * @workers:   the worker threads.
 * @nworkers:  how many.
 * @started:   wall-clock start time.
 * @anchors:   trust anchors in force (NULL: answers are not validated);
 *             read under @cfg_lock.
 * @anchors_gen: bumped when @anchors changes (workers rebuild chains).
 * @anchors_ref: @anchors with its count of holders
 *             (server_anchors_hold()): a replaced set is freed when the
 *             last holder lets it go.
 * @kmaps:     the kernel cache maps, set by whoever attaches the XDP
 *             program; NULL when there is none (answers stay in userspace).
 * @trust:     runtime trust anchors and NTAs (trust.h), layered over the
 *             configured anchors by server_set_anchors().
 * @zones:     the zone inventory (zones.h), fed by the validation path.
 * @audit:     the DNSSEC audit log (audit.h), or NULL; set by main()
 *             before the workers start, or by the first reload that
 *             configures one (atomic store); closed after server_free().
 * @listen_lock: guards every worker's listener list (listener.h).
 * @listen_gen: bumped by each listen change (reload); a worker that sees
 *             it differ from its own applies the change.
 */
struct server {
	pthread_rwlock_t cfg_lock;
	struct config cfg;
	struct cache *cache;
	struct upstream_set *ups;
	struct resolve_table *table;
	struct server_stats stats;
	struct worker *workers;
	unsigned int nworkers;
	uint64_t started;
	struct val_anchors *anchors;
	unsigned int anchors_gen;
	struct anchors_ref *anchors_ref;
	const struct refill_maps *kmaps;
	struct trust *trust;
	struct zones *zones;
	struct audit *audit;
	pthread_mutex_t listen_lock;
	unsigned int listen_gen;
};

/**
 * server_new() - create the shared state, open every listener (UDP and
 * TCP, SO_REUSEPORT, one socket per worker) and the upstream set.
 * @cfg: the configuration (copied).
 * @out: the server.
 * Return: 0 or a negative code (bind errors are -errno, logged).
 */
int server_new(const struct config *cfg, struct server **out);

/** server_start() - start the worker threads. Return: 0 or -errno. */
int server_start(struct server *srv);

/**
 * server_reload() - apply a new configuration: listen addresses (each
 * worker opens and closes its sockets; listener.h), upstreams, cache
 * limits, timeouts, log settings. Settings that need a restart (worker
 * count, server.max-tcp-clients) keep their running value; the caller
 * warns about them. Cached data is kept.
 * Return: 0, or the -errno of a listen address that cannot be bound: the
 * running listen addresses then stay (logged), the rest is applied.
 */
int server_reload(struct server *srv, const struct config *cfg);

/**
 * server_set_anchors() - install a new trust anchor set (ownership passes
 * to the server; NULL turns validation off). Workers rebuild their chains
 * at their next validation. Return: 0 or -ENOMEM.
 */
int server_set_anchors(struct server *srv, struct val_anchors *anchors);

/**
 * server_install_anchors() - install @anchors as they are (ownership
 * passes; NULL turns validation off) and bump the generation: the step
 * under server_set_anchors(), for trust.c, which merges the runtime
 * anchors in first. Return: 0 or -ENOMEM.
 */
int server_install_anchors(struct server *srv, struct val_anchors *anchors);

struct anchors_ref;

/**
 * server_anchors_hold() - the anchor set in force, kept allocated for the
 * caller until server_anchors_release(), even if a reload or a runtime
 * anchor/NTA change replaces it meanwhile.
 * @srv: the server.
 * @gen: if not NULL, receives the generation of the set (@anchors_gen).
 * Return: the hold (server_anchors_set() reads it), NULL when no set is
 * in force.
 */
struct anchors_ref *server_anchors_hold(struct server *srv, unsigned int *gen);

/** server_anchors_set() - the set a hold keeps; NULL for a NULL hold. */
struct val_anchors *server_anchors_set(const struct anchors_ref *ref);

/** server_anchors_release() - end a hold; NULL is fine. */
void server_anchors_release(struct anchors_ref *ref);

/** server_stop() - stop and join the workers. */
void server_stop(struct server *srv);

/** server_free() - close every socket and free everything; NULL is fine. */
void server_free(struct server *srv);

/** server_config() - copy the configuration in force into @out. */
void server_config(struct server *srv, struct config *out);
