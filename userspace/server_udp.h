/* SPDX-License-Identifier: GPL-2.0 */
/* UDP client I/O of a worker: queries read in batches with recvmmsg(),
 * the answers to a batch sent together with sendmmsg(). */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct worker;
struct io_handle;
struct client;

/* Datagrams read by one recvmmsg() per readiness event, and answers held
 * for one sendmmsg(). */
#define SERVER_UDP_BATCH 64

struct udp_batch;

/**
 * server_udp_batch_new() - allocate a worker's batch buffers: the receive
 * slots (each as large as any DNS message, committed by the kernel only
 * as far as datagrams fill them) and the held answers.
 * @out: receives the batch, owned by the caller (server_udp_batch_free()).
 * Return: 0 or -ENOMEM.
 */
int server_udp_batch_new(struct udp_batch **out);

/** server_udp_batch_free() - free a batch; NULL is fine. */
void server_udp_batch_free(struct udp_batch *ub);

/**
 * server_udp_read() - read up to SERVER_UDP_BATCH queries from a UDP
 * listener (IO_UDP_LISTEN, or IO_UDP_WILDCARD with the destination
 * address of each, IP_PKTINFO / IPV6_PKTINFO) with one recvmmsg(), handle
 * each through resolve_client_query(), then send the answers produced on
 * this socket meanwhile with sendmmsg(). Needs @w->udp.
 * @w: the worker (its thread).
 * @h: the listener.
 */
void server_udp_read(struct worker *w, struct io_handle *h);

/**
 * server_udp_send() - send an answer to a UDP client: held for the
 * batch's sendmmsg() when the calling worker is reading the client's
 * socket right now, sent at once with sendmsg() otherwise (from any
 * worker: the socket is shared). Errors are not reported, as for any
 * datagram lost on the way.
 * @w:   the calling worker (@w->udp may be NULL: sent at once).
 * @c:   the client (UDP).
 * @msg: the answer (copied).
 * @len: its length.
 */
void server_udp_send(struct worker *w, const struct client *c,
		     const uint8_t *msg, size_t len);
