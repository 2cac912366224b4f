// SPDX-License-Identifier: GPL-2.0
/* The serving core: worker threads with epoll, SO_REUSEPORT UDP and TCP
 * listeners, TCP clients with pipelining and idle timeouts (RFC 7766),
 * cross-worker mailboxes and per-worker timer heaps. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "dnssec/anchor.h"
#include "dnssec/chain.h"
#include "listener.h"
#include "log.h"
#include "resolve.h"
#include "server.h"
#include "server_udp.h"
#include "trust.h"
#include "upstream.h"
#include "zones.h"

#define TCP_PENDING_MAX 64	/* queries in flight per TCP connection */

struct mailbox_item {
	struct mailbox_item *next;
	uint32_t slot, gen;
	size_t len;
	uint8_t data[];
};

struct outbuf {
	struct outbuf *next;
	size_t len, pos;
	uint8_t data[];
};

struct tcp_conn {
	struct io_handle io;
	uint32_t slot, gen;
	uint8_t *in;
	size_t in_len;
	struct outbuf *out_head, *out_tail;
	unsigned int pending;
	bool eof;		/* the client closed its side */
	bool failed;		/* a write failed: close when back in the loop */
	bool processing;	/* inside conn_process(): no re-entry */
	uint64_t last_active;
	struct timer idle;
};

uint64_t server_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* --- timers: a binary min-heap of struct timer pointers -------------------- */

void timer_init(struct timer *t, void (*fn)(struct worker *w, struct timer *t))
{
	t->deadline = 0;
	t->index = -1;
	t->fn = fn;
}

static void heap_swap(struct worker *w, size_t a, size_t b)
{
	struct timer *t = w->heap[a];

	w->heap[a] = w->heap[b];
	w->heap[b] = t;
	w->heap[a]->index = (long)a;
	w->heap[b]->index = (long)b;
}

static void heap_up(struct worker *w, size_t i)
{
	while (i > 0 && w->heap[(i - 1) / 2]->deadline > w->heap[i]->deadline) {
		heap_swap(w, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void heap_down(struct worker *w, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < w->heap_len && w->heap[l]->deadline < w->heap[m]->deadline)
			m = l;
		if (r < w->heap_len && w->heap[r]->deadline < w->heap[m]->deadline)
			m = r;
		if (m == i)
			return;
		heap_swap(w, i, m);
		i = m;
	}
}

void timer_disarm(struct worker *w, struct timer *t)
{
	size_t i;

	if (t->index < 0)
		return;
	i = (size_t)t->index;
	t->index = -1;
	w->heap_len--;
	if (i == w->heap_len)
		return;
	w->heap[i] = w->heap[w->heap_len];
	w->heap[i]->index = (long)i;
	heap_up(w, i);
	heap_down(w, (size_t)w->heap[i]->index);
}

int timer_arm(struct worker *w, struct timer *t, uint64_t deadline)
{
	timer_disarm(w, t);
	if (w->heap_len == w->heap_cap) {
		size_t cap = w->heap_cap ? w->heap_cap * 2 : 256;
		struct timer **n = realloc(w->heap, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		w->heap = n;
		w->heap_cap = cap;
	}
	t->deadline = deadline;
	t->index = (long)w->heap_len;
	w->heap[w->heap_len++] = t;
	heap_up(w, (size_t)t->index);
	return 0;
}

/* Run every expired timer; return ms until the next one (-1: none). */
static int timers_run(struct worker *w)
{
	/* Bounded per loop turn so I/O keeps being served under a storm. */
	for (int n = 0; n < 4096 && w->heap_len; n++) {
		struct timer *t = w->heap[0];
		uint64_t now = server_now_ms();

		if (t->deadline > now)
			return (int)(t->deadline - now > 1000 ? 1000 : t->deadline - now);
		timer_disarm(w, t);
		t->fn(w, t);
	}
	return w->heap_len ? 0 : 1000;
}

/* --- epoll ------------------------------------------------------------------- */

int worker_epoll_set(struct worker *w, struct io_handle *h, uint32_t events,
		     bool add)
{
	struct epoll_event ev = { .events = events, .data.ptr = h };

	if (epoll_ctl(w->epfd, add ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, h->fd, &ev) < 0)
		return -errno;
	return 0;
}

void worker_epoll_del(struct worker *w, struct io_handle *h)
{
	epoll_ctl(w->epfd, EPOLL_CTL_DEL, h->fd, NULL);
}

/* --- TCP clients --------------------------------------------------------- */

static void conn_close(struct worker *w, struct tcp_conn *conn)
{
	struct outbuf *o, *next;

	worker_epoll_del(w, &conn->io);
	close(conn->io.fd);
	timer_disarm(w, &conn->idle);
	for (o = conn->out_head; o; o = next) {
		next = o->next;
		free(o);
	}
	/* A new generation: late answers for this slot are dropped. */
	w->conn_gen[conn->slot]++;
	w->conns[conn->slot] = NULL;
	w->nconns--;
	free(conn->in);
	free(conn);
}

/* Write what is queued; EPOLLOUT only while something is left. */
static void conn_flush(struct worker *w, struct tcp_conn *conn)
{
	while (conn->out_head) {
		struct outbuf *o = conn->out_head;
		ssize_t n = send(conn->io.fd, o->data + o->pos, o->len - o->pos,
				 MSG_NOSIGNAL);

		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				conn->failed = true;
			break;
		}
		o->pos += (size_t)n;
		if (o->pos < o->len)
			break;
		conn->out_head = o->next;
		if (!conn->out_head)
			conn->out_tail = NULL;
		free(o);
	}
	/* Level-triggered: ask only for what can be acted on now, or the
	 * loop spins (no reading while the pipeline is full or after EOF). */
	worker_epoll_set(w, &conn->io,
			 (conn->eof || conn->pending >= TCP_PENDING_MAX ?
				  0 : EPOLLIN | EPOLLRDHUP) |
				 (conn->out_head ? EPOLLOUT : 0),
			 false);
}

static void conn_process(struct worker *w, struct tcp_conn *conn);

/* Queue one answer (length-prefixed, RFC 1035 4.2.2) on a connection. */
static void conn_deliver(struct worker *w, uint32_t slot, uint32_t gen,
			 const uint8_t *msg, size_t len)
{
	struct tcp_conn *conn;
	struct outbuf *o;

	if (slot >= w->srv->cfg.max_tcp_clients || w->conn_gen[slot] != gen ||
	    !(conn = w->conns[slot]))
		return;
	o = malloc(sizeof(*o) + len + 2);
	if (!o) {
		conn->failed = true;
		return;
	}
	o->next = NULL;
	o->len = len + 2;
	o->pos = 0;
	o->data[0] = (uint8_t)(len >> 8);
	o->data[1] = (uint8_t)len;
	memcpy(o->data + 2, msg, len);
	if (conn->out_tail)
		conn->out_tail->next = o;
	else
		conn->out_head = o;
	conn->out_tail = o;
	if (conn->pending)
		conn->pending--;
	conn->last_active = server_now_ms();
	/* Queries held back while the pipeline was full can go now. */
	if (!conn->processing && conn->in_len >= 2 && conn->pending < TCP_PENDING_MAX)
		conn_process(w, conn);
	conn_flush(w, conn);
}

static void conn_idle(struct worker *w, struct timer *t)
{
	struct tcp_conn *conn = (struct tcp_conn *)((char *)t -
						    offsetof(struct tcp_conn, idle));
	uint64_t idle_ms = w->srv->cfg.tcp_idle_timeout_ms;
	uint64_t now = server_now_ms();

	if (conn->failed) {
		conn_close(w, conn);
		return;
	}
	/* RFC 7766 6.2.3: close idle connections, never with queries pending. */
	if (conn->pending || conn->out_head || now < conn->last_active + idle_ms) {
		timer_arm(w, &conn->idle, (conn->pending || conn->out_head) ?
						  now + idle_ms : conn->last_active + idle_ms);
		return;
	}
	STAT_INC(w->srv->stats.tcp_closed_idle);
	conn_close(w, conn);
}

/* Handle every complete query in the input buffer (pipelining). */
static void conn_process(struct worker *w, struct tcp_conn *conn)
{
	size_t off = 0;

	conn->processing = true;
	while (conn->pending < TCP_PENDING_MAX && conn->in_len - off >= 2) {
		size_t mlen = (size_t)conn->in[off] << 8 | conn->in[off + 1];
		struct client c = { 0 };

		if (conn->in_len - off < 2 + mlen)
			break;
		c.worker = (uint16_t)w->index;
		c.tcp = true;
		c.fd = -1;
		c.conn_slot = conn->slot;
		c.conn_gen = conn->gen;
		STAT_INC(w->srv->stats.queries_tcp);
		conn->pending++;
		if (!resolve_client_query(w, &c, conn->in + off + 2, mlen))
			conn->pending--;
		off += 2 + mlen;
		if (conn->failed)
			break;
	}
	if (off) {
		memmove(conn->in, conn->in + off, conn->in_len - off);
		conn->in_len -= off;
	}
	conn->processing = false;
}

static void conn_event(struct worker *w, struct tcp_conn *conn, uint32_t events)
{
	if (events & EPOLLOUT)
		conn_flush(w, conn);
	if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
		/* Read only while the pipeline has room: back-pressure. */
		while (!conn->eof && !conn->failed && conn->pending < TCP_PENDING_MAX &&
		       conn->in_len < 2 + DNS_MSG_MAXLEN) {
			ssize_t n = recv(conn->io.fd, conn->in + conn->in_len,
					 2 + DNS_MSG_MAXLEN - conn->in_len, 0);

			if (n == 0) {
				conn->eof = true;
				break;
			}
			if (n < 0) {
				if (errno != EAGAIN && errno != EWOULDBLOCK)
					conn->failed = true;
				break;
			}
			conn->in_len += (size_t)n;
			conn->last_active = server_now_ms();
			conn_process(w, conn);
		}
	}
	if (conn->failed || (conn->eof && !conn->pending && !conn->out_head)) {
		conn_close(w, conn);
		return;
	}
	conn_flush(w, conn);
}

static void tcp_accept(struct worker *w, struct io_handle *lh)
{
	for (int i = 0; i < 64; i++) {
		int fd = accept4(lh->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct tcp_conn *conn;
		uint32_t slot;

		if (fd < 0)
			return;
		if (w->nconns >= w->srv->cfg.max_tcp_clients) {
			close(fd);
			continue;
		}
		for (slot = 0; w->conns[slot]; slot++)
			;
		conn = calloc(1, sizeof(*conn));
		if (conn)
			conn->in = malloc(2 + DNS_MSG_MAXLEN);
		if (!conn || !conn->in) {
			if (conn)
				free(conn);
			close(fd);
			continue;
		}
		conn->io.kind = IO_TCP_CLIENT;
		conn->io.fd = fd;
		conn->slot = slot;
		conn->gen = w->conn_gen[slot];
		conn->last_active = server_now_ms();
		timer_init(&conn->idle, conn_idle);
		if (worker_epoll_set(w, &conn->io, EPOLLIN | EPOLLRDHUP, true)) {
			free(conn->in);
			free(conn);
			close(fd);
			continue;
		}
		w->conns[slot] = conn;
		w->nconns++;
		STAT_INC(w->srv->stats.tcp_accepted);
		timer_arm(w, &conn->idle, conn->last_active + w->srv->cfg.tcp_idle_timeout_ms);
	}
}

/* --- sending -------------------------------------------------------------- */

void server_send(struct worker *w, const struct client *c, const uint8_t *msg,
		 size_t len)
{
	struct worker *to;
	struct mailbox_item *it;
	uint64_t one = 1;
	ssize_t n;

	if (!c->tcp) {
		/* UDP listeners are shared by address: any thread may send. */
		server_udp_send(w, c, msg, len);
		return;
	}
	if (c->worker == w->index) {
		conn_deliver(w, c->conn_slot, c->conn_gen, msg, len);
		return;
	}
	to = &w->srv->workers[c->worker];
	it = malloc(sizeof(*it) + len);
	if (!it)
		return;
	it->next = NULL;
	it->slot = c->conn_slot;
	it->gen = c->conn_gen;
	it->len = len;
	memcpy(it->data, msg, len);
	pthread_mutex_lock(&to->mb_lock);
	if (to->mb_tail)
		to->mb_tail->next = it;
	else
		to->mb_head = it;
	to->mb_tail = it;
	pthread_mutex_unlock(&to->mb_lock);
	n = write(to->mailbox.fd, &one, sizeof(one));
	(void)n;
}

static void mailbox_drain(struct worker *w)
{
	struct mailbox_item *it, *next;
	uint64_t v;
	ssize_t n = read(w->mailbox.fd, &v, sizeof(v));

	(void)n;
	pthread_mutex_lock(&w->mb_lock);
	it = w->mb_head;
	w->mb_head = w->mb_tail = NULL;
	pthread_mutex_unlock(&w->mb_lock);
	for (; it; it = next) {
		next = it->next;
		conn_deliver(w, it->slot, it->gen, it->data, it->len);
		/* A write that failed closes the connection, but not here: an
		 * event for it may follow in this epoll batch. Its timer, due
		 * now, runs after the batch. */
		if (it->slot < w->srv->cfg.max_tcp_clients && w->conns[it->slot] &&
		    w->conns[it->slot]->failed)
			timer_arm(w, &w->conns[it->slot]->idle, server_now_ms());
		free(it);
	}
}

/* --- workers ------------------------------------------------------------------ */

/* A listener a reload removes: serve what its sockets already hold, up
 * to 16 batches (a read of an empty socket returns at once). */
static void listen_drain(struct worker *w, struct listener *l)
{
	for (int i = 0; i < 16; i++)
		server_udp_read(w, &l->udp);
	tcp_accept(w, &l->tcp);
}

/* The worker's half of a listen change (listener_update()). */
static void worker_listen_apply(struct worker *w)
{
	unsigned int gen = __atomic_load_n(&w->srv->listen_gen, __ATOMIC_ACQUIRE);

	listener_apply(w, listen_drain);
	__atomic_store_n(&w->listen_gen, gen, __ATOMIC_RELEASE);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct epoll_event ev[128];

	while (!w->stop) {
		int timeout = timers_run(w);
		int n;

		/* Runtime NTAs end on time (RFC 7646 2), cached answers too. */
		if (w->srv->trust)
			timeout = trust_poll_timeout(w->srv->trust, timeout);
		n = epoll_wait(w->epfd, ev, 128, timeout);
		trust_tick(w->srv);

		for (int i = 0; i < n; i++) {
			struct io_handle *h = ev[i].data.ptr;

			switch (h->kind) {
			case IO_UDP_LISTEN:
			case IO_UDP_WILDCARD:
				server_udp_read(w, h);
				break;
			case IO_TCP_LISTEN:
				tcp_accept(w, h);
				break;
			case IO_TCP_CLIENT:
				conn_event(w, (struct tcp_conn *)h, ev[i].events);
				break;
			case IO_MAILBOX:
				mailbox_drain(w);
				break;
			case IO_UPSTREAM:
				resolve_io_event(w, h, ev[i].events);
				break;
			case IO_UPSTREAM_CONN:
				upstream_conn_event(w, h, ev[i].events);
				break;
			default:
				break;
			}
		}
		/* A reload changed the listen addresses (listener.h). */
		if (__atomic_load_n(&w->srv->listen_gen, __ATOMIC_ACQUIRE) != w->listen_gen)
			worker_listen_apply(w);
	}
	return NULL;
}

static int worker_init(struct server *srv, struct worker *w, unsigned int index)
{
	const struct config *cfg = &srv->cfg;
	int err;

	w->srv = srv;
	w->index = index;
	pthread_mutex_init(&w->mb_lock, NULL);
	w->mailbox.kind = IO_MAILBOX;
	w->mailbox.fd = -1;
	w->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (w->epfd < 0)
		return -errno;
	w->mailbox.fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (w->mailbox.fd < 0)
		return -errno;
	err = worker_epoll_set(w, &w->mailbox, EPOLLIN, true);
	if (err)
		return err;
	w->conns = calloc(cfg->max_tcp_clients, sizeof(*w->conns));
	w->conn_gen = calloc(cfg->max_tcp_clients, sizeof(*w->conn_gen));
	if (!w->conns || !w->conn_gen)
		return -ENOMEM;
	return resolve_worker_new(w);
}

static void worker_cleanup(struct worker *w)
{
	struct mailbox_item *it, *next;

	resolve_worker_free(w);
	server_udp_batch_free(w->udp);
	val_chain_free(w->chain);
	server_anchors_release(w->chain_anchors);
	for (unsigned int i = 0; w->conns && i < w->srv->cfg.max_tcp_clients; i++)
		if (w->conns[i])
			conn_close(w, w->conns[i]);
	listener_free_all(w);
	for (it = w->mb_head; it; it = next) {
		next = it->next;
		free(it);
	}
	if (w->mailbox.fd >= 0)
		close(w->mailbox.fd);
	if (w->epfd >= 0)
		close(w->epfd);
	pthread_mutex_destroy(&w->mb_lock);
	free(w->conns);
	free(w->conn_gen);
	free(w->heap);
}

int server_new(const struct config *cfg, struct server **out)
{
	struct server *srv = calloc(1, sizeof(*srv));
	long ncpu;
	int err;

	if (!srv)
		return -ENOMEM;
	pthread_rwlock_init(&srv->cfg_lock, NULL);
	pthread_mutex_init(&srv->listen_lock, NULL);
	srv->cfg = *cfg;
	srv->started = (uint64_t)time(NULL);
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	srv->nworkers = cfg->workers ? cfg->workers : (ncpu > 0 ? (unsigned int)ncpu : 1);
	srv->cache = cache_new(cfg->cache_memory);
	srv->table = resolve_table_new();
	srv->trust = trust_new();
	srv->zones = zones_new(cfg->zone_inventory_max, cfg->expiry_warning);
	srv->workers = calloc(srv->nworkers, sizeof(*srv->workers));
	if (!srv->cache || !srv->table || !srv->workers || !srv->trust || !srv->zones) {
		err = -ENOMEM;
		goto fail;
	}
	for (unsigned int i = 0; i < srv->nworkers; i++)
		srv->workers[i].epfd = -1;
	err = upstream_set_new(cfg, &srv->ups);
	if (err)
		goto fail;
	for (unsigned int i = 0; i < srv->nworkers; i++) {
		err = worker_init(srv, &srv->workers[i], i);
		if (err)
			goto fail;
	}
	err = listener_open_all(srv);
	if (err)
		goto fail;
	for (unsigned int i = 0; i < srv->nworkers; i++)
		listener_apply(&srv->workers[i], NULL);
	*out = srv;
	return 0;
fail:
	server_free(srv);
	return err;
}

int server_start(struct server *srv)
{
	/* Before any thread runs: every worker reads its UDP in batches. */
	for (unsigned int i = 0; i < srv->nworkers; i++) {
		int err = srv->workers[i].udp ? 0 :
			  server_udp_batch_new(&srv->workers[i].udp);

		if (err)
			return err;	/* no thread started: server_free() cleans up */
	}
	for (unsigned int i = 0; i < srv->nworkers; i++) {
		int err = pthread_create(&srv->workers[i].thread, NULL, worker_main,
					 &srv->workers[i]);

		if (err) {
			srv->nworkers = i;	/* only join what started */
			return -err;
		}
	}
	return 0;
}

int server_reload(struct server *srv, const struct config *cfg)
{
	struct config next = *cfg;
	int ret;

	/* Sockets first: a bind failure keeps the running addresses. */
	ret = listener_update(srv, cfg);
	if (ret) {
		log_error("reload: keeping the listen addresses in force (%u)",
			  srv->cfg.listen_count);
		memcpy(next.listen, srv->cfg.listen, sizeof(next.listen));
		next.listen_count = srv->cfg.listen_count;
	}
	pthread_rwlock_wrlock(&srv->cfg_lock);
	/* Threads and per-worker tables stay: those need a restart. */
	next.workers = srv->cfg.workers;
	next.max_tcp_clients = srv->cfg.max_tcp_clients;
	srv->cfg = next;
	pthread_rwlock_unlock(&srv->cfg_lock);
	upstream_set_update(srv->ups, &next);
	cache_set_limit(srv->cache, next.cache_memory);
	zones_configure(srv->zones, next.zone_inventory_max, next.expiry_warning);
	log_setup(next.log_level, next.log_format);
	return ret;
}

int server_set_anchors(struct server *srv, struct val_anchors *anchors)
{
	/* Runtime anchors and NTAs survive a reload: merged in by trust.c. */
	if (srv->trust)
		return trust_rebase(srv, anchors);
	return server_install_anchors(srv, anchors);
}

/* A set and the number of its holders: the server while it is in force,
 * plus every server_anchors_hold() not yet released. */
struct anchors_ref {
	struct val_anchors *set;
	unsigned int refs;
};

void server_anchors_release(struct anchors_ref *ref)
{
	if (ref && __atomic_sub_fetch(&ref->refs, 1, __ATOMIC_ACQ_REL) == 0) {
		val_anchors_free(ref->set);
		free(ref);
	}
}

struct anchors_ref *server_anchors_hold(struct server *srv, unsigned int *gen)
{
	struct anchors_ref *ref;

	/* Under the lock the server's own count keeps @ref alive. */
	pthread_rwlock_rdlock(&srv->cfg_lock);
	ref = srv->anchors_ref;
	if (ref)
		__atomic_add_fetch(&ref->refs, 1, __ATOMIC_RELAXED);
	if (gen)
		*gen = srv->anchors_gen;
	pthread_rwlock_unlock(&srv->cfg_lock);
	return ref;
}

struct val_anchors *server_anchors_set(const struct anchors_ref *ref)
{
	return ref ? ref->set : NULL;
}

int server_install_anchors(struct server *srv, struct val_anchors *anchors)
{
	struct anchors_ref *ref = NULL, *old;

	if (anchors) {
		ref = malloc(sizeof(*ref));
		if (!ref) {
			val_anchors_free(anchors);
			return -ENOMEM;
		}
		ref->set = anchors;
		ref->refs = 1;		/* the server's */
	}
	pthread_rwlock_wrlock(&srv->cfg_lock);
	old = srv->anchors_ref;
	srv->anchors_ref = ref;
	srv->anchors = anchors;
	srv->anchors_gen++;
	pthread_rwlock_unlock(&srv->cfg_lock);
	/* Freed now, or by the last worker or caller still holding it. */
	server_anchors_release(old);
	return 0;
}

void server_stop(struct server *srv)
{
	uint64_t one = 1;

	for (unsigned int i = 0; i < srv->nworkers; i++) {
		ssize_t n;

		srv->workers[i].stop = true;
		n = write(srv->workers[i].mailbox.fd, &one, sizeof(one));
		(void)n;
	}
	for (unsigned int i = 0; i < srv->nworkers; i++)
		pthread_join(srv->workers[i].thread, NULL);
}

void server_free(struct server *srv)
{
	if (!srv)
		return;
	for (unsigned int i = 0; srv->workers && i < srv->nworkers; i++)
		if (srv->workers[i].srv)
			worker_cleanup(&srv->workers[i]);
	free(srv->workers);
	server_anchors_release(srv->anchors_ref);
	trust_free(srv->trust);
	zones_free(srv->zones);
	upstream_set_free(srv->ups);
	resolve_table_free(srv->table);
	cache_free(srv->cache);
	pthread_rwlock_destroy(&srv->cfg_lock);
	pthread_mutex_destroy(&srv->listen_lock);
	free(srv);
}

void server_config(struct server *srv, struct config *out)
{
	pthread_rwlock_rdlock(&srv->cfg_lock);
	*out = srv->cfg;
	pthread_rwlock_unlock(&srv->cfg_lock);
}
