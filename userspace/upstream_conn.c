// SPDX-License-Identifier: GPL-2.0
/* Stream connections to upstreams, TCP (RFC 7766) and DNS over TLS
 * (RFC 7858): one per upstream and worker, reused and pipelined. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dns/message.h"
#include "log.h"
#include "tls.h"
#include "upstream.h"

/**
 * struct upstream_conn - one connection.
 * @up:        the upstream it was opened for (a reload may give its slot
 *             to another one).
 * @ctx, @tls: the TLS session, NULL for plain TCP.
 * @ready:     connected, and for TLS handshaken: queries can be written.
 * @dead:      failed: freed when its handler returns (@busy).
 * @inflight:  queries written to it and not answered: the sent pending
 *             entries plus the @ghost ones.
 * @ghost, @ghost_until, @nghost: IDs of queries given up (cancelled) after
 *             they were written: their answers may still come, so they
 *             keep their slot of the pipeline and their ID until then, or
 *             until @ghost_until (monotonic ms) if the upstream never
 *             answers.
 * @out:       bytes to write (length-prefixed queries, RFC 7766 8).
 * @in:        bytes read, up to one whole message.
 * @head, @tail: pending queries, oldest first.
 * @last_active: when the last answer came, or the first of the queries
 *             now outstanding was written (monotonic ms).
 */
struct upstream_conn {
	struct io_handle io;
	unsigned int idx;
	struct config_upstream up;
	struct tls_ctx *ctx;
	struct tls_conn *tls;
	bool connected;
	bool ready;
	bool dead;
	unsigned int busy;
	unsigned int inflight;
	uint16_t ghost[UPSTREAM_CONN_PIPELINE];
	uint64_t ghost_until[UPSTREAM_CONN_PIPELINE];
	unsigned int nghost;
	uint8_t *out;
	size_t out_len, out_cap;
	uint8_t *in;
	size_t in_len;
	struct upstream_pending *head, *tail;
	struct timer idle;
	uint64_t last_active;
};

static void conn_free(struct worker *w, struct upstream_conn *c)
{
	timer_disarm(w, &c->idle);
	if (c->io.fd >= 0) {
		worker_epoll_del(w, &c->io);
		close(c->io.fd);
	}
	tls_conn_free(c->tls);
	tls_ctx_free(c->ctx);
	free(c->out);
	free(c->in);
	free(c);
}

static void ghost_drop(struct upstream_conn *c, unsigned int i)
{
	c->nghost--;
	c->ghost[i] = c->ghost[c->nghost];
	c->ghost_until[i] = c->ghost_until[c->nghost];
	c->inflight--;
}

/* A ghost whose answer came (then true), or that waited too long. */
static bool ghost_take(struct upstream_conn *c, int id, uint64_t now)
{
	bool found = false;

	for (unsigned int i = 0; i < c->nghost;) {
		if (c->ghost[i] == id && !found) {
			found = true;
			ghost_drop(c, i);
		} else if (c->ghost_until[i] <= now) {
			ghost_drop(c, i);
		} else {
			i++;
		}
	}
	return found;
}

static void pending_unlink(struct upstream_conn *c, struct upstream_pending *p)
{
	if (p->prev)
		p->prev->next = p->next;
	else
		c->head = p->next;
	if (p->next)
		p->next->prev = p->prev;
	else
		c->tail = p->prev;
	if (p->sent && c->inflight)
		c->inflight--;
	p->prev = p->next = NULL;
	p->conn = NULL;
}

/* Append @p's query to the bytes to write. */
static int conn_write_query(struct upstream_conn *c, struct upstream_pending *p)
{
	if (c->out_len + p->len + 2 > c->out_cap) {
		size_t cap = (c->out_len + p->len + 2) * 2;
		uint8_t *n = realloc(c->out, cap);

		if (!n)
			return -ENOMEM;
		c->out = n;
		c->out_cap = cap;
	}
	dns_put16(c->out + c->out_len, (uint16_t)p->len);
	memcpy(c->out + c->out_len + 2, p->query, p->len);
	c->out_len += p->len + 2;
	p->sent = true;
	/* The first query outstanding: the wait for an answer starts now. */
	if (!c->inflight)
		c->last_active = server_now_ms();
	c->inflight++;
	return 0;
}

/* Queries waiting for room in the pipeline go out, oldest first. */
static void conn_promote(struct upstream_conn *c)
{
	if (c->inflight >= UPSTREAM_CONN_PIPELINE && c->nghost)
		ghost_take(c, -1, server_now_ms());
	for (struct upstream_pending *p = c->head;
	     p && c->inflight < UPSTREAM_CONN_PIPELINE; p = p->next)
		if (!p->sent && conn_write_query(c, p))
			return;	/* out of memory: the query's timer fails it */
}

static void conn_update_events(struct worker *w, struct upstream_conn *c)
{
	uint32_t ev = EPOLLIN;

	if (!c->connected || (c->out_len && c->ready))
		ev |= EPOLLOUT;
	if (c->connected && c->tls && (!c->ready || c->out_len))
		ev |= tls_conn_events(c->tls);
	worker_epoll_set(w, &c->io, ev, false);
}

/*
 * The connection is unusable: detach it and hand its queries back. When
 * the upstream closed it (RFC 7766 6.2.4 allows that at any time, an idle
 * one in particular), each query is sent once more on a new connection
 * before it counts as a failure; @err -ESTALE (a reload gave the slot to
 * another upstream) and other errors fail the queries at once.
 */
static int conn_enqueue(struct worker *w, unsigned int idx,
			const struct config_upstream *up, struct upstream_pending *p,
			uint8_t *query, size_t len);

static bool conn_same_upstream(const struct config_upstream *a,
			       const struct config_upstream *b)
{
	return a->tls == b->tls && !strcmp(a->text, b->text);
}

static void conn_fail(struct worker *w, struct upstream_conn *c, int err)
{
	bool closed = err == -ECONNRESET || err == -EPIPE;
	struct upstream_pending *p, *next;

	if (c->dead)
		return;
	c->dead = true;
	if (w->upconn[c->idx] == c)
		w->upconn[c->idx] = NULL;
	/* Never onto a connection a reload opened for another upstream. */
	if (w->upconn[c->idx] && !conn_same_upstream(&w->upconn[c->idx]->up, &c->up))
		closed = false;
	p = c->head;
	c->head = c->tail = NULL;
	c->inflight = c->nghost = 0;
	for (; p; p = next) {
		next = p->next;
		p->conn = NULL;
		p->prev = p->next = NULL;
		if (closed && !p->resent) {
			p->resent = true;
			if (!conn_enqueue(w, c->idx, &c->up, p, p->query, p->len))
				continue;
		}
		resolve_conn_failed(w, p->owner, err == -ESTALE ? -ECONNRESET : err);
	}
	if (!c->busy)
		conn_free(w, c);
}

static void conn_idle(struct worker *w, struct timer *t)
{
	struct upstream_conn *c = (struct upstream_conn *)((char *)t -
				   offsetof(struct upstream_conn, idle));
	uint64_t now = server_now_ms();
	uint64_t quiet_end = c->last_active + UPSTREAM_CONN_IDLE_MS;

	if (c->dead) {
		conn_free(w, c);	/* replaced by a reload (conn_enqueue()) */
		return;
	}

	/*
	 * Queries outstanding and no answer to any of them for that long
	 * (each attempt has timed out well before): the stream is stuck, a
	 * silent peer or framing lost to a wrong length prefix. Close it, so
	 * that the queries move to a new connection instead of joining it.
	 */
	if (c->inflight && now >= quiet_end) {
		conn_fail(w, c, -ETIMEDOUT);
		return;
	}
	if (c->head || now < quiet_end) {
		timer_arm(w, &c->idle, now < quiet_end ? quiet_end :
						       now + UPSTREAM_CONN_IDLE_MS);
		return;
	}
	conn_fail(w, c, -ETIMEDOUT);	/* nothing pending: just closes */
}

static int conn_open(struct worker *w, unsigned int idx,
		     const struct config_upstream *up, struct upstream_conn **out)
{
	struct upstream_conn *c = calloc(1, sizeof(*c));
	int one = 1, err;

	if (!c)
		return -ENOMEM;
	c->io.kind = IO_UPSTREAM_CONN;
	c->idx = idx;
	c->up = *up;
	timer_init(&c->idle, conn_idle);
	c->in = malloc(2 + DNS_MSG_MAXLEN);
	c->io.fd = socket(up->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (!c->in || c->io.fd < 0) {
		err = c->in ? -errno : -ENOMEM;
		goto fail;
	}
	setsockopt(c->io.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (up->tls) {
		err = tls_ctx_new(up->ca_file, &c->ctx);
		if (!err)
			err = tls_conn_new(c->ctx, c->io.fd, up->tls_name, up->tls_pin,
					   &c->tls);
		if (err)
			goto fail;
	}
	if (connect(c->io.fd, (const struct sockaddr *)&up->addr, up->addr_len) < 0 &&
	    errno != EINPROGRESS) {
		err = -errno;
		goto fail;
	}
	err = worker_epoll_set(w, &c->io, EPOLLOUT | EPOLLIN, true);
	if (err)
		goto fail;
	c->last_active = server_now_ms();
	timer_arm(w, &c->idle, c->last_active + UPSTREAM_CONN_IDLE_MS);
	upstream_count(w->srv->ups, idx, UPSTREAM_CONNECTED);
	*out = c;
	return 0;
fail:
	if (c->io.fd >= 0) {
		close(c->io.fd);
		c->io.fd = -1;
	}
	conn_free(w, c);
	return err;
}

static bool conn_id_used(const struct upstream_conn *c, uint16_t id)
{
	for (const struct upstream_pending *p = c->head; p; p = p->next)
		if (p->id == id)
			return true;
	for (unsigned int i = 0; i < c->nghost; i++)
		if (c->ghost[i] == id)
			return true;
	return false;
}

/* Queue @p on the connection of upstream @idx (opened if needed). */
static int conn_enqueue(struct worker *w, unsigned int idx,
			const struct config_upstream *up, struct upstream_pending *p,
			uint8_t *query, size_t len)
{
	struct upstream_conn *c = w->upconn[idx];
	uint16_t id;
	int err;

	if (len < DNS_HEADER_LEN || len > UINT16_MAX)
		return -EMSGSIZE;
	/*
	 * A reload changed what this slot points to: start afresh. The old
	 * connection may have an event later in the epoll batch the worker
	 * is handling: it is freed by its timer on the next loop turn (or by
	 * that event), never under a handler that still holds its pointer.
	 */
	if (c && !conn_same_upstream(&c->up, up)) {
		c->busy++;
		conn_fail(w, c, -ESTALE);
		c->busy--;
		if (timer_arm(w, &c->idle, 0) && !c->busy)
			conn_free(w, c);
		c = NULL;
	}
	if (!c) {
		err = conn_open(w, idx, up, &c);
		if (err)
			return err;
		w->upconn[idx] = c;
	}
	/* RFC 7766 6.2.1.1: IDs unique among the connection's queries. */
	id = dns_hdr_id(query);
	for (int tries = 0; conn_id_used(c, id) && tries < 16; tries++) {
		if (getrandom(&id, sizeof(id), 0) != sizeof(id))
			id = (uint16_t)(id * 40503u + 1);
	}
	if (conn_id_used(c, id))
		return -EBUSY;
	dns_put16(query, id);
	p->id = id;
	p->query = query;
	p->len = len;
	p->sent = false;
	p->conn = c;
	p->next = NULL;
	p->prev = c->tail;
	if (c->tail)
		c->tail->next = p;
	else
		c->head = p;
	c->tail = p;
	if (c->inflight >= UPSTREAM_CONN_PIPELINE && c->nghost)
		ghost_take(c, -1, server_now_ms());
	if (c->inflight < UPSTREAM_CONN_PIPELINE) {
		err = conn_write_query(c, p);
		if (err) {
			pending_unlink(c, p);
			return err;
		}
	}
	conn_update_events(w, c);
	return 0;
}

int upstream_conn_send(struct worker *w, unsigned int idx,
		       const struct config_upstream *up, struct upstream_pending *p,
		       uint8_t *query, size_t len)
{
	p->resent = false;	/* a new attempt may be moved once again */
	return conn_enqueue(w, idx, up, p, query, len);
}

void upstream_conn_cancel(struct worker *w, struct upstream_pending *p)
{
	struct upstream_conn *c = p->conn;

	if (!c)
		return;
	if (p->sent && c->nghost < UPSTREAM_CONN_PIPELINE) {
		/* Its answer may still come: it keeps its slot and ID. */
		c->ghost[c->nghost] = p->id;
		c->ghost_until[c->nghost++] = server_now_ms() + UPSTREAM_CONN_GHOST_MS;
		c->inflight++;	/* pending_unlink() gives back the sent one */
	}
	pending_unlink(c, p);
	if (!c->dead) {
		conn_promote(c);
		conn_update_events(w, c);
	}
}

/* Hand each complete answer to its query; unknown IDs are dropped. */
static void conn_deliver(struct worker *w, struct upstream_conn *c)
{
	size_t off = 0;

	while (!c->dead && c->in_len - off >= 2) {
		size_t mlen = dns_get16(c->in + off);
		const uint8_t *m = c->in + off + 2;
		struct upstream_pending *p;

		if (c->in_len - off < 2 + mlen)
			break;
		off += 2 + mlen;
		if (mlen < DNS_HEADER_LEN)
			continue;
		/* Answers come in any order (RFC 7766 7): match by ID. */
		for (p = c->head; p && !(p->sent && p->id == dns_hdr_id(m)); p = p->next)
			;
		if (!p) {
			/* A late answer to a query given up is no forgery. */
			if (ghost_take(c, dns_hdr_id(m), server_now_ms()))
				c->last_active = server_now_ms();
			else
				upstream_count(w->srv->ups, c->idx, UPSTREAM_MISMATCHED);
			continue;
		}
		/* Only answers show the stream alive (conn_idle()), not bytes. */
		c->last_active = server_now_ms();
		pending_unlink(c, p);
		resolve_conn_answer(w, p->owner, m, mlen);
	}
	if (off && !c->dead) {
		memmove(c->in, c->in + off, c->in_len - off);
		c->in_len -= off;
		conn_promote(c);
	}
}

/* Write or read @len bytes, TLS or not. Return: bytes, 0 at end of
 * stream (read), -EAGAIN, or another negative errno. */
static long conn_io(struct upstream_conn *c, bool wr, uint8_t *buf, size_t len)
{
	int one = 1;
	ssize_t n;

	/*
	 * Acknowledge at once: an upstream that writes pipelined answers
	 * with Nagle on holds the next one until this ACK, which delayed
	 * ACKs would keep back for up to 40 ms. Linux clears the flag as it
	 * goes, so it is set again before each read.
	 */
	if (!wr)
		setsockopt(c->io.fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
	if (c->tls)
		return wr ? tls_conn_write(c->tls, buf, len) :
			    tls_conn_read(c->tls, buf, len);
	n = wr ? send(c->io.fd, buf, len, MSG_NOSIGNAL) : recv(c->io.fd, buf, len, 0);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? -EAGAIN : -errno;
	return n;
}

static int conn_step(struct worker *w, struct upstream_conn *c, uint32_t events)
{
	long n;
	int err;

	if (!c->connected) {
		int soerr = 0;
		socklen_t sl = sizeof(soerr);

		getsockopt(c->io.fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
		if (soerr)
			return -soerr;
		if (!(events & (EPOLLOUT | EPOLLIN)))
			return 0;
		c->connected = true;
		c->ready = !c->tls;
	}
	if (!c->ready) {
		err = tls_conn_handshake(c->tls);
		if (err == -EAGAIN)
			return 0;
		if (err) {
			log_warn("DoT %s: %s", c->up.text, tls_conn_error(c->tls));
			return err;
		}
		c->ready = true;
	}
	while (c->out_len) {
		n = conn_io(c, true, c->out, c->out_len);
		if (n == -EAGAIN)
			break;
		if (n < 0)
			return (int)n;
		memmove(c->out, c->out + n, c->out_len - (size_t)n);
		c->out_len -= (size_t)n;
	}
	for (;;) {
		n = conn_io(c, false, c->in + c->in_len, 2 + DNS_MSG_MAXLEN - c->in_len);
		if (n == -EAGAIN)
			break;
		if (n == 0)
			return -ECONNRESET;	/* the server closed (RFC 7766 6.2.4) */
		if (n < 0)
			return (int)n;
		c->in_len += (size_t)n;
		conn_deliver(w, c);
		if (c->dead)
			return 0;
	}
	return 0;
}

void upstream_conn_event(struct worker *w, struct io_handle *h, uint32_t events)
{
	struct upstream_conn *c = (struct upstream_conn *)h;
	int err;

	if (c->dead) {
		if (!c->busy)
			conn_free(w, c);	/* replaced by a reload */
		return;
	}
	c->busy++;
	err = conn_step(w, c, events);
	c->busy--;
	if (err && !c->dead) {
		/* Each query on it reports the failure to the upstream's health. */
		conn_fail(w, c, err);
		return;
	}
	if (c->dead) {
		if (!c->busy)
			conn_free(w, c);
		return;
	}
	conn_update_events(w, c);
}

void upstream_conn_close_all(struct worker *w)
{
	/* Replaced ones still waiting for their timer (conn_enqueue()). */
	for (size_t i = 0; i < w->heap_len;) {
		struct timer *t = w->heap[i];
		struct upstream_conn *c = (struct upstream_conn *)((char *)t -
					   offsetof(struct upstream_conn, idle));

		if (t->fn == conn_idle && c->dead) {
			conn_free(w, c);	/* disarms: the heap moved */
			i = 0;
		} else {
			i++;
		}
	}
	for (unsigned int i = 0; i < CONFIG_MAX_UPSTREAMS; i++) {
		if (w->upconn[i]) {
			w->upconn[i]->head = NULL;
			conn_free(w, w->upconn[i]);
			w->upconn[i] = NULL;
		}
	}
}
