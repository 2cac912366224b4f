// SPDX-License-Identifier: GPL-2.0
/* Upstream recursors: health, smoothed RTT, selection, and query attempts
 * over UDP (fresh random port per query); TCP and TLS: upstream_conn.c. */
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
		else if (which == UPSTREAM_CONNECTED)
			set->u[idx].st.connections++;
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
			   const struct config_upstream *up,
			   const uint8_t *query, size_t len)
{
	int fd, err;

	a->io.kind = IO_UPSTREAM;
	a->io.fd = -1;
	a->transport = UPSTREAM_UDP;
	fd = socket(up->addr.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	a->io.fd = fd;
	/*
	 * A connected UDP socket on a kernel-chosen ephemeral port: Linux picks
	 * the port at random, the kernel only delivers datagrams from the
	 * upstream's address and port, and ICMP unreachable comes back as
	 * ECONNREFUSED instead of a silent timeout.
	 */
	if (connect(fd, (const struct sockaddr *)&up->addr, up->addr_len) < 0 ||
	    send(fd, query, len, 0) < 0) {
		err = -errno;
		goto fail;
	}
	a->sent_ms = server_now_ms();
	err = worker_epoll_set(w, &a->io, EPOLLIN, true);
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
	ssize_t n = recv(a->io.fd, upstream_udp_buf, sizeof(upstream_udp_buf), 0);

	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	*msg = upstream_udp_buf;
	*len = (size_t)n;
	return 1;
}

void upstream_attempt_close(struct worker *w, struct upstream_attempt *a)
{
	if (a->io.fd >= 0) {
		worker_epoll_del(w, &a->io);
		close(a->io.fd);
		a->io.fd = -1;
	}
}
