/* SPDX-License-Identifier: GPL-2.0 */
/* The daemon's listen addresses: SO_REUSEPORT UDP and TCP sockets per
 * worker, opened at start and added or removed by a reload. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "server.h"

/** enum listener_state - where a worker's listener is in its life. */
enum listener_state {
	LISTENER_ADDING = 0,	/* sockets open, not yet in the worker's epoll */
	LISTENER_ACTIVE,	/* served */
	LISTENER_REMOVING,	/* to be drained and taken out of epoll */
	LISTENER_RETIRED,	/* out of epoll; the UDP socket stays open
				 * until answers in flight have left by it */
};

/**
 * struct listener - one listen address of one worker.
 * @udp, @tcp:  the sockets as epoll handles (IO_UDP_LISTEN or
 *              IO_UDP_WILDCARD, and IO_TCP_LISTEN); fd -1 once closed.
 * @addr:       the address.
 * @state:      enum listener_state; changed under the server's listen lock.
 * @close_at:   RETIRED: when the UDP socket may close (monotonic ms).
 * @close_timer: the worker's timer for @close_at.
 * @staged:     opened or taken back by the reload in progress (undone
 *              if a later address of the same reload cannot be bound).
 * @next:       the worker's list.
 *
 * A UDP client's answer leaves by the socket it came in on (struct
 * client's fd), so a removed address's UDP socket is closed only after
 * the query timeout: never while an answer may still use its number.
 */
struct listener {
	struct io_handle udp, tcp;
	struct config_listen addr;
	int state;
	uint64_t close_at;
	struct timer close_timer;
	bool staged;
	struct listener *next;
};

/**
 * listener_same_addr() - true when @a and @b are the same address and port.
 */
bool listener_same_addr(const struct config_listen *a,
			const struct config_listen *b);

/**
 * listener_open_all() - first listeners of every worker of @srv, for the
 * addresses of @srv->cfg (server_new(); the workers do not run yet).
 * Return: 0, or the -errno of the first socket that cannot be opened
 * (logged with its address); the caller frees the server.
 */
int listener_open_all(struct server *srv);

/**
 * listener_update() - make the workers listen on exactly the addresses of
 * @cfg: open sockets for the added ones (or take back the still-open
 * sockets of an address removed moments ago), mark the removed ones, wake
 * every worker and wait (up to two seconds) until each has applied the
 * change in its own thread (worker_listen_apply()). Called by the main
 * thread, one reload at a time.
 * @srv: the server (workers running).
 * @cfg: the new configuration.
 * Return: 0 (applied, or nothing to do), or the -errno of an address that
 * cannot be bound: then nothing changed (the error names the address in
 * the log) and the running set stays.
 */
int listener_update(struct server *srv, const struct config *cfg);

/**
 * listener_apply() - the worker's half of a change, in its own thread:
 * add the ADDING listeners to its epoll; drain each REMOVING one with
 * @drain (what its sockets still hold is served), take it out of epoll,
 * close its TCP socket (accepted connections carry on until they end)
 * and retire its UDP socket until the query timeout has passed.
 * @w:     the worker.
 * @drain: serves what is queued on a listener's sockets.
 */
void listener_apply(struct worker *w,
		    void (*drain)(struct worker *w, struct listener *l));

/** listener_free_all() - close and free every listener of @w (at exit). */
void listener_free_all(struct worker *w);
