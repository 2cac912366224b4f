// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the stream connections to upstreams (userspace/
 * upstream_conn.c) driven by hand as a worker's loop would: a connection
 * that a reload replaces stays valid until the epoll batch that may still
 * hold an event for it is over. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "config.h"
#include "server.h"
#include "tap.h"
#include "upstream.h"

static const uint8_t qname[] = "\3www\7example";

/* An upstream entry for 127.0.0.1:@port, told apart by @text. */
static void upstream_entry(struct config_upstream *u, uint16_t port,
			   const char *text)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&u->addr;

	memset(u, 0, sizeof(*u));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	u->addr_len = sizeof(*sin);
	snprintf(u->text, sizeof(u->text), "%s", text);
}

/* The connection handle the worker's epoll reports, after a wait. */
static struct io_handle *conn_handle(struct worker *w, uint32_t *events)
{
	struct epoll_event ev;

	if (epoll_wait(w->epfd, &ev, 1, 2000) != 1)
		return NULL;
	*events = ev.events;
	return ev.data.ptr;
}

/* A query with @id for upstream slot 0 (@u), queued on its connection. */
static bool queue_query(struct worker *w, const struct config_upstream *u,
			struct upstream_pending *p, uint8_t *q, uint16_t id)
{
	int len = upstream_query_build(q, 512, id, qname, DNS_TYPE_A, DNS_CLASS_IN);

	return len > 0 && !upstream_conn_send(w, 0, u, p, q, (size_t)len);
}

/* What the upstream's side of a connection sees: 1 data or nothing yet
 * (open), 0 the daemon closed it. */
static int peer_open(int fd)
{
	uint8_t buf[512];
	ssize_t n;

	do {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	} while (n > 0);
	return n == 0 ? 0 : (errno == EAGAIN || errno == EWOULDBLOCK);
}

int main(void)
{
	static struct config cfg;
	struct server srv = { 0 };
	struct worker w = { 0 };
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t slen = sizeof(sin);
	struct timeval tv = { .tv_sec = 2 };
	struct upstream_pending p1 = { 0 }, p2 = { 0 }, p3 = { 0 }, p4 = { 0 };
	uint8_t q1[512], q2[512], q3[512], q4[512];
	struct io_handle *h_old;
	struct timer *t;
	uint32_t events = 0;
	int lfd, s1, s2, s3, s4;

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* Accepts give up rather than hang the suite. */
	if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) ||
	    listen(lfd, 8) || getsockname(lfd, (struct sockaddr *)&sin, &slen))
		skip_all("no TCP listener on loopback: %s", strerror(errno));
	config_defaults(&cfg);
	cfg.upstream_count = 1;
	upstream_entry(&cfg.upstream[0], ntohs(sin.sin_port), "upstream-a");
	ok(!upstream_set_new(&cfg, &srv.ups), "upstream set");
	w.srv = &srv;
	w.epfd = epoll_create1(EPOLL_CLOEXEC);

	/* A query on a connection to "upstream-a", written, then given up. */
	ok(queue_query(&w, &cfg.upstream[0], &p1, q1, 0x1001),
	   "query queued on a new connection");
	h_old = conn_handle(&w, &events);
	ok(h_old && h_old->kind == IO_UPSTREAM_CONN, "its connection in the epoll");
	if (h_old)
		upstream_conn_event(&w, h_old, events);
	s1 = accept(lfd, NULL, NULL);
	ok(s1 >= 0 && peer_open(s1), "the upstream accepted it");
	upstream_conn_cancel(&w, &p1);

	/* A reload gives slot 0 to another upstream; a query for it comes
	 * while the old connection still has an event in the same batch. */
	upstream_entry(&cfg.upstream[0], ntohs(sin.sin_port), "upstream-b");
	ok(queue_query(&w, &cfg.upstream[0], &p2, q2, 0x2002),
	   "query for the new upstream queued");
	ok(peer_open(s1), "the replaced connection is not freed under the batch");
	/* The old connection's event of that batch: freed then, not touched
	 * after being freed (ASan would tell). */
	upstream_conn_event(&w, h_old, EPOLLIN);
	ok(s1 >= 0 && !peer_open(s1), "closed once its event was handled");

	/* Replaced again, and no event comes: its timer frees it. */
	h_old = conn_handle(&w, &events);
	if (h_old)
		upstream_conn_event(&w, h_old, events);
	s2 = accept(lfd, NULL, NULL);
	upstream_conn_cancel(&w, &p2);
	upstream_entry(&cfg.upstream[0], ntohs(sin.sin_port), "upstream-c");
	ok(queue_query(&w, &cfg.upstream[0], &p3, q3, 0x3003), "replaced once more");
	s3 = accept(lfd, NULL, NULL);
	ok(s2 >= 0 && peer_open(s2), "the replaced one stays until the loop turn ends");
	t = w.heap_len ? w.heap[0] : NULL;
	ok(t && t->deadline == 0, "its timer is due at once");
	if (t) {
		timer_disarm(&w, t);
		t->fn(&w, t);
	}
	ok(s2 >= 0 && !peer_open(s2), "the timer closed it");

	/* Replaced right before the worker stops: freed at exit too. */
	upstream_conn_cancel(&w, &p3);
	upstream_entry(&cfg.upstream[0], ntohs(sin.sin_port), "upstream-d");
	ok(queue_query(&w, &cfg.upstream[0], &p4, q4, 0x4004), "replaced at the end");
	s4 = accept(lfd, NULL, NULL);
	upstream_conn_cancel(&w, &p4);
	upstream_conn_close_all(&w);
	ok(s3 >= 0 && !peer_open(s3), "the replaced one closed by upstream_conn_close_all()");
	ok(s4 >= 0 && !peer_open(s4), "and the one in use");
	is_int(w.heap_len, 0, "no timer left");
	close(s1);
	close(s2);
	close(s3);
	close(s4);
	close(lfd);
	close(w.epfd);
	free(w.heap);
	upstream_set_free(srv.ups);
	return done_testing();
}
