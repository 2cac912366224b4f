// SPDX-License-Identifier: GPL-2.0
/* The daemon's listen addresses: SO_REUSEPORT UDP and TCP sockets per
 * worker, opened at start and added or removed by a reload. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "listener.h"
#include "log.h"

#define LISTENER_APPLY_WAIT_MS 2000	/* a worker applies a change by then */
#define LISTENER_CLOSE_SLACK_MS 1000	/* past the query timeout */

bool listener_same_addr(const struct config_listen *a,
			const struct config_listen *b)
{
	return a->addr_len == b->addr_len &&
	       !memcmp(&a->addr, &b->addr, a->addr_len);
}

/* 0.0.0.0 or ::: the kernel picks no source address for answers. */
static bool listener_is_wildcard(const struct config_listen *l)
{
	if (l->addr.ss_family == AF_INET6)
		return IN6_IS_ADDR_UNSPECIFIED(
			&((const struct sockaddr_in6 *)&l->addr)->sin6_addr);
	return ((const struct sockaddr_in *)&l->addr)->sin_addr.s_addr == htonl(INADDR_ANY);
}

static int listener_socket(const struct config_listen *l, int type)
{
	int fd, one = 1, err;

	fd = socket(l->addr.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* One socket per worker on the same address: the kernel spreads
	 * queries over them. */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0)
		goto fail;
	if (l->addr.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (type == SOCK_STREAM) {
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	} else {
		if (listener_is_wildcard(l)) {
			if (l->addr.ss_family == AF_INET6)
				setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one,
					   sizeof(one));
			else
				setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
		}
		/* Room for bursts (like unbound's so-rcvbuf); FORCE passes
		 * rmem_max when we may, else the plain request is capped. */
		int size = 8 << 20;

		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	}
	if (bind(fd, (const struct sockaddr *)&l->addr, l->addr_len) < 0)
		goto fail;
	if (type == SOCK_STREAM && listen(fd, 1024) < 0)
		goto fail;
	return fd;
fail:
	err = -errno;
	close(fd);
	return err;
}

static void listener_close_timer(struct worker *w, struct timer *t);

/* The TCP socket of @l (a new one, or again for a retired one). */
static int listener_open_tcp(struct listener *l)
{
	int fd = listener_socket(&l->addr, SOCK_STREAM);

	if (fd < 0) {
		log_error("listen tcp %s: %s", l->addr.text, strerror(-fd));
		return fd;
	}
	l->tcp.fd = fd;
	return 0;
}

/* Both sockets of a new listener, in state ADDING. */
static int listener_new(const struct config_listen *addr, struct listener **out)
{
	struct listener *l = calloc(1, sizeof(*l));
	int fd, err;

	if (!l)
		return -ENOMEM;
	l->addr = *addr;
	l->state = LISTENER_ADDING;
	l->udp.kind = listener_is_wildcard(addr) ? IO_UDP_WILDCARD : IO_UDP_LISTEN;
	l->tcp.kind = IO_TCP_LISTEN;
	l->tcp.fd = -1;
	timer_init(&l->close_timer, listener_close_timer);
	fd = listener_socket(addr, SOCK_DGRAM);
	if (fd < 0) {
		log_error("listen udp %s: %s", addr->text, strerror(-fd));
		free(l);
		return fd;
	}
	l->udp.fd = fd;
	err = listener_open_tcp(l);
	if (err) {
		close(l->udp.fd);
		free(l);
		return err;
	}
	*out = l;
	return 0;
}

static void listener_close(struct listener *l)
{
	if (l->udp.fd >= 0)
		close(l->udp.fd);
	if (l->tcp.fd >= 0)
		close(l->tcp.fd);
	free(l);
}

static bool cfg_has(const struct config *cfg, const struct config_listen *a)
{
	for (unsigned int i = 0; i < cfg->listen_count; i++)
		if (listener_same_addr(&cfg->listen[i], a))
			return true;
	return false;
}

int listener_open_all(struct server *srv)
{
	for (unsigned int i = 0; i < srv->nworkers; i++) {
		struct worker *w = &srv->workers[i];
		struct listener **tail = &w->listeners;

		for (unsigned int j = 0; j < srv->cfg.listen_count; j++) {
			int err = listener_new(&srv->cfg.listen[j], tail);

			if (err)
				return err;
			tail = &(*tail)->next;
		}
	}
	return 0;
}

/* A change not committed: close what it opened, retire what it revived. */
static void listener_undo(struct server *srv)
{
	for (unsigned int i = 0; i < srv->nworkers; i++) {
		struct listener **pp = &srv->workers[i].listeners, *l;

		while ((l = *pp)) {
			if (!l->staged) {
				pp = &l->next;
			} else if (l->close_at) {
				/* A revived one: back to retired, its timer
				 * is still armed in the worker. */
				if (l->tcp.fd >= 0)
					close(l->tcp.fd);
				l->tcp.fd = -1;
				l->state = LISTENER_RETIRED;
				l->staged = false;
				pp = &l->next;
			} else {
				*pp = l->next;
				listener_close(l);
			}
		}
	}
}

/* Open (or revive) @addr in every worker. Under the listen lock. */
static int listener_add_everywhere(struct server *srv,
				   const struct config_listen *addr)
{
	for (unsigned int i = 0; i < srv->nworkers; i++) {
		struct worker *w = &srv->workers[i];
		struct listener *l;
		int err;

		for (l = w->listeners; l; l = l->next)
			if (l->state == LISTENER_RETIRED &&
			    listener_same_addr(&l->addr, addr))
				break;
		if (l) {
			/*
			 * Its UDP socket is still bound (answers in flight):
			 * a new one would join its SO_REUSEPORT group and
			 * share the queries with a socket nobody reads.
			 */
			err = listener_open_tcp(l);
			if (err)
				return err;
			l->state = LISTENER_ADDING;
			l->staged = true;
			continue;
		}
		err = listener_new(addr, &l);
		if (err)
			return err;
		l->staged = true;
		l->next = w->listeners;
		w->listeners = l;
	}
	return 0;
}

int listener_update(struct server *srv, const struct config *cfg)
{
	const struct config *cur = &srv->cfg;
	unsigned int gen, changes = 0;
	uint64_t deadline;
	int err = 0;

	/* srv->cfg.listen changes only in the main thread: no lock to read. */
	pthread_mutex_lock(&srv->listen_lock);
	for (unsigned int i = 0; i < cfg->listen_count && !err; i++) {
		if (cfg_has(cur, &cfg->listen[i]))
			continue;
		/* A repeated entry of the new list is opened once. */
		bool seen = false;

		for (unsigned int j = 0; j < i; j++)
			seen |= listener_same_addr(&cfg->listen[j], &cfg->listen[i]);
		if (seen)
			continue;
		err = listener_add_everywhere(srv, &cfg->listen[i]);
		changes++;
	}
	if (err) {
		listener_undo(srv);
		pthread_mutex_unlock(&srv->listen_lock);
		return err;
	}
	for (unsigned int i = 0; i < srv->nworkers; i++) {
		for (struct listener *l = srv->workers[i].listeners; l; l = l->next) {
			l->staged = false;
			if ((l->state == LISTENER_ACTIVE || l->state == LISTENER_ADDING) &&
			    !cfg_has(cfg, &l->addr)) {
				l->state = LISTENER_REMOVING;
				changes++;
			}
		}
	}
	if (!changes) {
		pthread_mutex_unlock(&srv->listen_lock);
		return 0;
	}
	gen = __atomic_add_fetch(&srv->listen_gen, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&srv->listen_lock);

	/* Wake every worker; each applies the change in its own thread. */
	for (unsigned int i = 0; i < srv->nworkers; i++) {
		uint64_t one = 1;
		ssize_t n = write(srv->workers[i].mailbox.fd, &one, sizeof(one));

		(void)n;
	}
	deadline = server_now_ms() + LISTENER_APPLY_WAIT_MS;
	for (unsigned int i = 0; i < srv->nworkers; i++) {
		struct timespec ts = { .tv_nsec = 1000000 };

		while (__atomic_load_n(&srv->workers[i].listen_gen, __ATOMIC_ACQUIRE) != gen &&
		       server_now_ms() < deadline)
			nanosleep(&ts, NULL);
		if (__atomic_load_n(&srv->workers[i].listen_gen, __ATOMIC_ACQUIRE) != gen)
			log_warn("reload: worker %u has not applied the listen change yet", i);
	}
	return 0;
}

static void listener_close_timer(struct worker *w, struct timer *t)
{
	struct listener *l = (struct listener *)((char *)t -
						 offsetof(struct listener, close_timer));
	struct listener **pp;

	pthread_mutex_lock(&w->srv->listen_lock);
	/* Taken back by a reload meanwhile: it serves again. */
	if (l->state == LISTENER_RETIRED) {
		for (pp = &w->listeners; *pp && *pp != l; pp = &(*pp)->next)
			;
		if (*pp)
			*pp = l->next;
		listener_close(l);
	}
	pthread_mutex_unlock(&w->srv->listen_lock);
}

void listener_apply(struct worker *w,
		    void (*drain)(struct worker *w, struct listener *l))
{
	uint32_t timeout_ms;

	pthread_rwlock_rdlock(&w->srv->cfg_lock);
	timeout_ms = w->srv->cfg.query_timeout_ms;
	pthread_rwlock_unlock(&w->srv->cfg_lock);
	pthread_mutex_lock(&w->srv->listen_lock);
	for (struct listener *l = w->listeners; l; l = l->next) {
		if (l->state == LISTENER_ADDING) {
			timer_disarm(w, &l->close_timer);
			l->close_at = 0;
			if (worker_epoll_set(w, &l->udp, EPOLLIN, true) ||
			    worker_epoll_set(w, &l->tcp, EPOLLIN, true))
				log_error("listen %s: worker %u cannot watch it: %s",
					  l->addr.text, w->index, strerror(errno));
			l->state = LISTENER_ACTIVE;
		} else if (l->state == LISTENER_REMOVING) {
			/* What already arrived is answered: queued datagrams
			 * and connections waiting in the accept queue. */
			if (drain)
				drain(w, l);
			worker_epoll_del(w, &l->udp);
			worker_epoll_del(w, &l->tcp);
			close(l->tcp.fd);
			l->tcp.fd = -1;
			l->state = LISTENER_RETIRED;
			l->close_at = server_now_ms() + timeout_ms + LISTENER_CLOSE_SLACK_MS;
			timer_arm(w, &l->close_timer, l->close_at);
		}
	}
	pthread_mutex_unlock(&w->srv->listen_lock);
}

void listener_free_all(struct worker *w)
{
	struct listener *l, *next;

	for (l = w->listeners; l; l = next) {
		next = l->next;
		timer_disarm(w, &l->close_timer);
		listener_close(l);
	}
	w->listeners = NULL;
}
