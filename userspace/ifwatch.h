/* SPDX-License-Identifier: GPL-2.0 */
/* Follows network interfaces whose names match shell globs, through rtnetlink. */
#pragma once

#include <stddef.h>

struct ifwatch;

/**
 * ifwatch_cb - an interface appeared or went.
 * @ifindex: its index.
 * @name:    its name (for a rename: the old name when removed, the new one
 *           when added).
 * @arg:     the caller's argument given to ifwatch_new().
 */
typedef void (*ifwatch_cb)(int ifindex, const char *name, void *arg);

/**
 * ifwatch_new() - subscribe to link events, then list existing interfaces.
 * @patterns: shell globs (fnmatch(3)) such as "lxc*", "cali*", "veth*";
 *            an interface is followed when any of them matches its name.
 * @n:        number of patterns (>= 1); they are copied.
 * @added:    called for each matching interface that exists now (during
 *            this call) and for each that appears, or is renamed to a
 *            matching name, later (from ifwatch_process()).
 * @removed:  called when a followed interface is deleted, leaves the
 *            network namespace, or is renamed to a name no pattern
 *            matches. May be NULL.
 * @arg:      passed to the callbacks.
 * @out:      receives the watcher; release with ifwatch_free().
 *
 * Each followed interface gets exactly one @added before its @removed.
 *
 * Return: 0, -EINVAL (no pattern), -errno of the netlink socket, -ENOMEM.
 */
int ifwatch_new(const char *const *patterns, size_t n, ifwatch_cb added,
		ifwatch_cb removed, void *arg, struct ifwatch **out);

/** ifwatch_fd() - non-blocking descriptor for the caller's epoll (EPOLLIN). */
int ifwatch_fd(const struct ifwatch *w);

/**
 * ifwatch_process() - handle every pending event, calling the callbacks.
 * When the kernel dropped events (the socket overran, ENOBUFS), the list
 * is read again and differences are reported as if they were events.
 * Return: the number of callbacks made, or -errno.
 */
int ifwatch_process(struct ifwatch *w);

/** ifwatch_count() - how many interfaces are followed now. */
size_t ifwatch_count(const struct ifwatch *w);

/**
 * ifwatch_overruns() - how many times the kernel dropped events (the
 * socket overran) and the interface list was read again; worth a log
 * line or a metric, harmless otherwise.
 */
unsigned long ifwatch_overruns(const struct ifwatch *w);

/** ifwatch_free() - close the socket; no callback is made. NULL is fine. */
void ifwatch_free(struct ifwatch *w);
