// SPDX-License-Identifier: GPL-2.0
/* Upstream recursors: health, smoothed RTT, selection, and query attempts
 * over UDP (fresh random port per query) and TCP. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "dns/name.h"
#include "log.h"
#include "metrics.h"
#include "tls.h"
#include "upstream.h"
#include "util/error.h"

struct upstream {
	struct config_upstream cfg;
	uint32_t srtt_ms;		/* 0: no sample yet */
	uint32_t rttvar_ms;
	uint32_t rto_ms;
	uint32_t fails;			/* consecutive failures */
	uint64_t down_until;		/* monotonic ms; 0 when up */
	struct upstream_stats st;
	struct metrics_hist rtt;	/* every accepted answer's RTT, seconds */
};

struct upstream_set {
	pthread_mutex_t lock;
	struct upstream u[CONFIG_MAX_UPSTREAMS];
	unsigned int n;
	unsigned int generation;
};

static void upstream_reset(struct upstream *u, const struct config_upstream *cfg)
{
	memset(u, 0, sizeof(*u));
	u->cfg = *cfg;
	u->rto_ms = UPSTREAM_RTO_INITIAL;
	metrics_hist_init_rtt(&u->rtt);
}

int upstream_set_new(const struct config *cfg, struct upstream_set **out)
{
	struct upstream_set *set = calloc(1, sizeof(*set));

	if (!set)
		return -ENOMEM;
	pthread_mutex_init(&set->lock, NULL);
	for (unsigned int i = 0; i < cfg->upstream_count; i++)
		upstream_reset(&set->u[i], &cfg->upstream[i]);
	set->n = cfg->upstream_count;
	*out = set;
	return 0;
}

void upstream_set_free(struct upstream_set *set)
{
	if (!set)
		return;
	pthread_mutex_destroy(&set->lock);
	free(set);
}

unsigned int upstream_set_update(struct upstream_set *set,
				 const struct config *cfg)
{
	struct upstream old[CONFIG_MAX_UPSTREAMS];
	unsigned int nold, gen;

	pthread_mutex_lock(&set->lock);
	memcpy(old, set->u, sizeof(old));
	nold = set->n;
	for (unsigned int i = 0; i < cfg->upstream_count; i++) {
		const struct config_upstream *c = &cfg->upstream[i];
		unsigned int j;

		upstream_reset(&set->u[i], c);
		for (j = 0; j < nold; j++) {
			if (old[j].cfg.addr_len == c->addr_len &&
			    !memcmp(&old[j].cfg.addr, &c->addr, c->addr_len) &&
			    !strcmp(old[j].cfg.text, c->text)) {
				set->u[i] = old[j];
				set->u[i].cfg = *c;
				break;
			}
		}
	}
	set->n = cfg->upstream_count;
	gen = ++set->generation;
	pthread_mutex_unlock(&set->lock);
	return gen;
}

unsigned int upstream_set_count(struct upstream_set *set)
{
	unsigned int n;

	pthread_mutex_lock(&set->lock);
	n = set->n;
	pthread_mutex_unlock(&set->lock);
	return n;
}

int upstream_get(struct upstream_set *set, unsigned int idx,
		 struct config_upstream *out)
{
	int ret = -ENOENT;

	pthread_mutex_lock(&set->lock);
	if (idx < set->n) {
		*out = set->u[idx].cfg;
		ret = 0;
	}
	pthread_mutex_unlock(&set->lock);
	return ret;
}

int upstream_select(struct upstream_set *set, uint32_t tried, uint64_t now)
{
	int best = -1, probe = -1, any = -1;

	pthread_mutex_lock(&set->lock);
	for (unsigned int i = 0; i < set->n; i++) {
		struct upstream *u = &set->u[i];

		if (tried & (1u << i)) {
			if (any < 0 || u->rto_ms < set->u[any].rto_ms)
				any = (int)i;
			continue;
		}
		if (u->down_until <= now) {
			if (best < 0 || u->rto_ms < set->u[best].rto_ms)
				best = (int)i;
		} else if (probe < 0 || u->down_until < set->u[probe].down_until) {
			probe = (int)i;
		}
	}
	pthread_mutex_unlock(&set->lock);
	if (best >= 0)
		return best;
	if (probe >= 0)
		return probe;
	return any >= 0 ? any : -ENOENT;
}

uint32_t upstream_rto(struct upstream_set *set, unsigned int idx)
{
	uint32_t rto = UPSTREAM_RTO_INITIAL;

	pthread_mutex_lock(&set->lock);
	if (idx < set->n)
		rto = set->u[idx].rto_ms;
	pthread_mutex_unlock(&set->lock);
	return rto;
}

static uint32_t clamp_rto(uint64_t v)
{
	if (v < UPSTREAM_RTO_MIN)
		return UPSTREAM_RTO_MIN;
	if (v > UPSTREAM_RTO_MAX)
		return UPSTREAM_RTO_MAX;
	return (uint32_t)v;
}

void upstream_report(struct upstream_set *set, unsigned int idx, int result,
		     uint32_t rtt_ms, uint64_t now)
{
	struct upstream *u;

	pthread_mutex_lock(&set->lock);
	if (idx >= set->n)
		goto out;
	u = &set->u[idx];
	if (result == 0) {
		u->st.received++;
		metrics_hist_observe(&u->rtt, rtt_ms / 1000.0);
		/* RFC 6298 2.2-2.3: alpha 1/8, beta 1/4, RTO = SRTT + 4 RTTVAR. */
		if (u->srtt_ms == 0) {
			u->srtt_ms = rtt_ms ? rtt_ms : 1;
			u->rttvar_ms = rtt_ms / 2;
		} else {
			uint32_t diff = rtt_ms > u->srtt_ms ? rtt_ms - u->srtt_ms :
							      u->srtt_ms - rtt_ms;

			u->rttvar_ms = (3 * u->rttvar_ms + diff) / 4;
			u->srtt_ms = (7 * u->srtt_ms + rtt_ms) / 8;
			if (u->srtt_ms == 0)
				u->srtt_ms = 1;
		}
		u->rto_ms = clamp_rto((uint64_t)u->srtt_ms + 4 * u->rttvar_ms);
		u->fails = 0;
		u->down_until = 0;
		goto out;
	}
	u->fails++;
	if (result == -ETIMEDOUT) {
		u->st.timeouts++;
		/* RFC 6298 5.5: back off the timer. */
		u->rto_ms = clamp_rto((uint64_t)u->rto_ms * 2);
	} else {
		u->st.errors++;
		/* A refusal or reset is certain: no need to wait for three. */
		if (u->fails < 3)
			u->fails = 3;
	}
	if (u->fails >= 3) {
		unsigned int shift = u->fails - 3 > 5 ? 5 : u->fails - 3;
		uint64_t backoff = 1000ull << shift;

		u->down_until = now + (backoff > 30000 ? 30000 : backoff);
	}
out:
	pthread_mutex_unlock(&set->lock);
}

void upstream_count(struct upstream_set *set, unsigned int idx,
		    enum upstream_counter which)
{
	pthread_mutex_lock(&set->lock);
	if (idx < set->n) {
		if (which == UPSTREAM_SENT)
			set->u[idx].st.sent++;
		else if (which == UPSTREAM_MISMATCHED)
			set->u[idx].st.mismatched++;
		else
			set->u[idx].st.truncated++;
	}
	pthread_mutex_unlock(&set->lock);
}

unsigned int upstream_set_info(struct upstream_set *set, uint64_t now,
			       struct upstream_info *out)
{
	unsigned int n;

	pthread_mutex_lock(&set->lock);
	n = set->n;
	for (unsigned int i = 0; i < n; i++) {
		struct upstream *u = &set->u[i];

		snprintf(out[i].text, sizeof(out[i].text), "%s", u->cfg.text);
		out[i].up = u->down_until <= now;
		out[i].srtt_ms = u->srtt_ms;
		out[i].rttvar_ms = u->rttvar_ms;
		out[i].rto_ms = u->rto_ms;
		out[i].fails = u->fails;
		out[i].st = u->st;
		out[i].rtt = u->rtt;
	}
	pthread_mutex_unlock(&set->lock);
	return n;
}

int upstream_query_build(uint8_t *buf, size_t cap, uint16_t id,
			 const uint8_t *name, uint16_t qtype, uint16_t qclass)
{
	struct dns_edns edns = {
		.udp_size = UPSTREAM_EDNS_SIZE,
		.flags = DNS_EDNS_FLAG_DO,
	};
	struct dns_builder b;
	int err;

	err = dns_builder_init(&b, buf, cap, 0, id, DNS_FLAG_RD | DNS_FLAG_CD);
	if (!err)
		err = dns_builder_question(&b, name, qtype, qclass);
	if (!err)
		err = dns_builder_opt(&b, &edns);
	if (err)
		return err;
	return (int)dns_builder_finish(&b);
}

int upstream_response_check(struct dns_msg *msg, const uint8_t *wire,
			    size_t len, uint16_t id, const uint8_t *name,
			    uint16_t qtype, uint16_t qclass)
{
	int err;

	/* Cheap header checks first: a flood of forgeries costs no parsing. */
	if (len < DNS_HEADER_LEN || dns_hdr_id(wire) != id ||
	    !(dns_hdr_flags(wire) & DNS_FLAG_QR) ||
	    dns_hdr_opcode(wire) != DNS_OPCODE_QUERY || dns_hdr_qdcount(wire) != 1)
		return XDPDNS_EMALFORMED;
	err = dns_msg_parse(msg, wire, len);
	if (err)
		return err;
	if (msg->question[0].qtype != qtype || msg->question[0].qclass != qclass ||
	    !dns_name_equal(msg->question[0].name, name))
		return XDPDNS_EMALFORMED;
	return 0;
}

int upstream_attempt_start(struct worker *w, struct upstream_attempt *a,
			   int transport, const struct config_upstream *up,
			   const uint8_t *query, size_t len)
{
	int type = transport == UPSTREAM_UDP ? SOCK_DGRAM : SOCK_STREAM;
	int fd, err;

	a->io.kind = IO_UPSTREAM;
	a->io.fd = -1;
	a->transport = transport;
	a->connected = false;
	a->out_pos = 0;
	a->in_len = 0;
	if (len + 2 > sizeof(a->out))
		return -EMSGSIZE;
	fd = socket(up->addr.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	a->io.fd = fd;
	if (transport == UPSTREAM_TCP) {
		int one = 1;

		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
	/*
	 * A connected UDP socket on a kernel-chosen ephemeral port: Linux picks
	 * the port at random, the kernel only delivers datagrams from the
	 * upstream's address and port, and ICMP unreachable comes back as
	 * ECONNREFUSED instead of a silent timeout.
	 */
	if (connect(fd, (const struct sockaddr *)&up->addr, up->addr_len) < 0 &&
	    errno != EINPROGRESS) {
		err = -errno;
		goto fail;
	}
	a->sent_ms = server_now_ms();
	if (transport == UPSTREAM_UDP) {
		if (send(fd, query, len, 0) < 0) {
			err = -errno;
			goto fail;
		}
		a->connected = true;
		err = worker_epoll_set(w, &a->io, EPOLLIN, true);
	} else {
		/* RFC 1035 4.2.2 / RFC 7766 8: two-octet length prefix. */
		dns_put16(a->out, (uint16_t)len);
		memcpy(a->out + 2, query, len);
		a->out_len = len + 2;
		err = worker_epoll_set(w, &a->io, EPOLLOUT | EPOLLIN, true);
	}
	if (err)
		goto fail;
	return 0;
fail:
	close(fd);
	a->io.fd = -1;
	return err;
}

static __thread uint8_t upstream_udp_buf[DNS_MSG_MAXLEN];

int upstream_attempt_event(struct worker *w, struct upstream_attempt *a,
			   uint32_t events, const uint8_t **msg, size_t *len)
{
	ssize_t n;

	if (a->transport == UPSTREAM_UDP) {
		n = recv(a->io.fd, upstream_udp_buf, sizeof(upstream_udp_buf), 0);
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
		*msg = upstream_udp_buf;
		*len = (size_t)n;
		return 1;
	}
	if (events & (EPOLLERR | EPOLLHUP) && !(events & EPOLLIN)) {
		int soerr = 0;
		socklen_t sl = sizeof(soerr);

		getsockopt(a->io.fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
		return soerr ? -soerr : -ECONNRESET;
	}
	if (a->out_pos < a->out_len) {
		n = send(a->io.fd, a->out + a->out_pos, a->out_len - a->out_pos,
			 MSG_NOSIGNAL);
		if (n < 0)
			return errno == EAGAIN || errno == ENOTCONN ? 0 : -errno;
		a->out_pos += (size_t)n;
		a->connected = true;
		if (a->out_pos == a->out_len)
			worker_epoll_set(w, &a->io, EPOLLIN, false);
		return 0;
	}
	if (!a->in) {
		a->in = malloc(2 + DNS_MSG_MAXLEN);
		if (!a->in)
			return -ENOMEM;
	}
	for (;;) {
		size_t want = a->in_len < 2 ? 2 : 2 + (size_t)dns_get16(a->in);

		if (a->in_len >= 2 && a->in_len == want) {
			*msg = a->in + 2;
			*len = want - 2;
			a->in_len = 0;	/* a further read starts a new message */
			return 1;
		}
		n = recv(a->io.fd, a->in + a->in_len, want - a->in_len, 0);
		if (n == 0)
			return -ECONNRESET;
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
		a->in_len += (size_t)n;
	}
}

void upstream_attempt_close(struct worker *w, struct upstream_attempt *a)
{
	if (a->io.fd >= 0) {
		worker_epoll_del(w, &a->io);
		close(a->io.fd);
		a->io.fd = -1;
	}
	free(a->in);
	a->in = NULL;
	a->in_len = 0;
}

/* --- DNS over TLS ---------------------------------------------------------- */

#define DOT_IDLE_MS 10000	/* close a DoT connection idle this long */

struct dot_conn {
	struct io_handle io;
	unsigned int idx;
	char text[320];			/* the upstream it was opened for */
	struct tls_ctx *ctx;
	struct tls_conn *tls;
	bool connected;
	bool handshaken;
	bool dead;			/* failed: free when the handler returns */
	unsigned int busy;		/* inside its event handler */
	uint8_t *out;
	size_t out_len, out_cap;
	uint8_t *in;
	size_t in_len;
	struct dot_pending *pending;
	struct timer idle;
	uint64_t last_active;
};

static void dot_free(struct worker *w, struct dot_conn *c)
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

/* The connection is unusable: detach it and fail every query on it. */
static void dot_fail(struct worker *w, struct dot_conn *c, int err)
{
	struct dot_pending *p, *next;

	if (c->dead)
		return;
	c->dead = true;
	if (w->dot[c->idx] == c)
		w->dot[c->idx] = NULL;
	p = c->pending;
	c->pending = NULL;
	for (; p; p = next) {
		next = p->next;
		p->conn = NULL;
		p->prev = p->next = NULL;
		resolve_dot_failed(w, p->owner, err);
	}
	if (!c->busy)
		dot_free(w, c);
}

static void dot_idle(struct worker *w, struct timer *t)
{
	struct dot_conn *c = (struct dot_conn *)((char *)t -
						 offsetof(struct dot_conn, idle));
	uint64_t now = server_now_ms();

	if (c->pending || now < c->last_active + DOT_IDLE_MS) {
		timer_arm(w, &c->idle, now + DOT_IDLE_MS);
		return;
	}
	dot_fail(w, c, -ETIMEDOUT);
}

static void dot_update_events(struct worker *w, struct dot_conn *c)
{
	uint32_t ev = EPOLLIN;

	if (!c->connected || (c->out_len && c->handshaken))
		ev |= EPOLLOUT;
	if (c->connected && c->tls && (!c->handshaken || c->out_len))
		ev |= tls_conn_events(c->tls);
	worker_epoll_set(w, &c->io, ev, false);
}

static int dot_open(struct worker *w, unsigned int idx,
		    const struct config_upstream *up, struct dot_conn **out)
{
	struct dot_conn *c = calloc(1, sizeof(*c));
	int one = 1, err;

	if (!c)
		return -ENOMEM;
	c->io.kind = IO_DOT;
	c->idx = idx;
	snprintf(c->text, sizeof(c->text), "%s", up->text);
	timer_init(&c->idle, dot_idle);
	c->in = malloc(2 + DNS_MSG_MAXLEN);
	c->io.fd = socket(up->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (!c->in || c->io.fd < 0) {
		err = c->in ? -errno : -ENOMEM;
		goto fail;
	}
	setsockopt(c->io.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	err = tls_ctx_new(up->ca_file, &c->ctx);
	if (!err)
		err = tls_conn_new(c->ctx, c->io.fd, up->tls_name, up->tls_pin, &c->tls);
	if (err)
		goto fail;
	if (connect(c->io.fd, (const struct sockaddr *)&up->addr, up->addr_len) < 0 &&
	    errno != EINPROGRESS) {
		err = -errno;
		goto fail;
	}
	err = worker_epoll_set(w, &c->io, EPOLLOUT | EPOLLIN, true);
	if (err)
		goto fail;
	c->last_active = server_now_ms();
	timer_arm(w, &c->idle, c->last_active + DOT_IDLE_MS);
	*out = c;
	return 0;
fail:
	if (c->io.fd >= 0) {
		close(c->io.fd);
		c->io.fd = -1;
	}
	dot_free(w, c);
	return err;
}

int upstream_dot_send(struct worker *w, unsigned int idx,
		      const struct config_upstream *up, struct dot_pending *p,
		      const uint8_t *query, size_t len)
{
	struct dot_conn *c = w->dot[idx];
	int err;

	/* A reload changed what this slot points to: start afresh. */
	if (c && strcmp(c->text, up->text)) {
		dot_fail(w, c, -ECONNRESET);
		c = NULL;
	}
	if (!c) {
		err = dot_open(w, idx, up, &c);
		if (err)
			return err;
		w->dot[idx] = c;
	}
	if (c->out_len + len + 2 > c->out_cap) {
		size_t cap = (c->out_len + len + 2) * 2;
		uint8_t *n = realloc(c->out, cap);

		if (!n)
			return -ENOMEM;
		c->out = n;
		c->out_cap = cap;
	}
	dns_put16(c->out + c->out_len, (uint16_t)len);
	memcpy(c->out + c->out_len + 2, query, len);
	c->out_len += len + 2;
	p->id = dns_hdr_id(query);
	p->conn = c;
	p->prev = NULL;
	p->next = c->pending;
	if (c->pending)
		c->pending->prev = p;
	c->pending = p;
	dot_update_events(w, c);
	return 0;
}

void upstream_dot_cancel(struct worker *w, struct dot_pending *p)
{
	struct dot_conn *c = p->conn;

	if (!c)
		return;
	if (p->prev)
		p->prev->next = p->next;
	else
		c->pending = p->next;
	if (p->next)
		p->next->prev = p->prev;
	p->prev = p->next = NULL;
	p->conn = NULL;
}

/* Hand each complete answer to its query; unknown IDs are dropped. */
static void dot_deliver(struct worker *w, struct dot_conn *c)
{
	size_t off = 0;

	while (!c->dead && c->in_len - off >= 2) {
		size_t mlen = dns_get16(c->in + off);
		const uint8_t *m = c->in + off + 2;
		struct dot_pending *p;

		if (c->in_len - off < 2 + mlen)
			break;
		off += 2 + mlen;
		if (mlen < DNS_HEADER_LEN)
			continue;
		for (p = c->pending; p && p->id != dns_hdr_id(m); p = p->next)
			;
		if (!p) {
			upstream_count(w->srv->ups, c->idx, UPSTREAM_MISMATCHED);
			continue;
		}
		upstream_dot_cancel(w, p);
		resolve_dot_answer(w, p->owner, m, mlen);
	}
	if (off && !c->dead) {
		memmove(c->in, c->in + off, c->in_len - off);
		c->in_len -= off;
	}
}

static int dot_step(struct worker *w, struct dot_conn *c, uint32_t events)
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
	}
	if (!c->handshaken) {
		err = tls_conn_handshake(c->tls);
		if (err == -EAGAIN)
			return 0;
		if (err) {
			log_warn("DoT %s: %s", c->text, tls_conn_error(c->tls));
			return err;
		}
		c->handshaken = true;
	}
	while (c->out_len) {
		n = tls_conn_write(c->tls, c->out, c->out_len);
		if (n == -EAGAIN)
			break;
		if (n < 0)
			return (int)n;
		memmove(c->out, c->out + n, c->out_len - (size_t)n);
		c->out_len -= (size_t)n;
	}
	for (;;) {
		n = tls_conn_read(c->tls, c->in + c->in_len, 2 + DNS_MSG_MAXLEN - c->in_len);
		if (n == -EAGAIN)
			break;
		if (n == 0)
			return -ECONNRESET;	/* the server closed (RFC 7766 6.2.4) */
		if (n < 0)
			return (int)n;
		c->in_len += (size_t)n;
		c->last_active = server_now_ms();
		dot_deliver(w, c);
		if (c->dead)
			return 0;
	}
	return 0;
}

void upstream_dot_event(struct worker *w, struct io_handle *h, uint32_t events)
{
	struct dot_conn *c = (struct dot_conn *)h;
	int err;

	c->busy++;
	err = dot_step(w, c, events);
	c->busy--;
	if (err && !c->dead) {
		/* Each query on it reports the failure to the upstream's health. */
		dot_fail(w, c, err);
		return;
	}
	if (c->dead) {
		if (!c->busy)
			dot_free(w, c);
		return;
	}
	dot_update_events(w, c);
}

void upstream_dot_close_all(struct worker *w)
{
	for (unsigned int i = 0; i < CONFIG_MAX_UPSTREAMS; i++) {
		if (w->dot[i]) {
			w->dot[i]->pending = NULL;
			dot_free(w, w->dot[i]);
			w->dot[i] = NULL;
		}
	}
}
