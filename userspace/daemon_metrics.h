/* SPDX-License-Identifier: GPL-2.0 */
/* What xdpdnsd serves on its metrics endpoint, and its readiness check. */
#pragma once

#include <stdbool.h>

struct audit;
struct kernel;
struct metrics_buf;
struct server;

/**
 * struct daemon_obs - what a scrape reads, owned by the daemon's main
 * thread; the render runs on the HTTP thread.
 * @srv:        the server (counters, caches, upstreams, zone inventory).
 * @kern:       the fast path, or NULL; only @kern->cache_entries is read
 *              (set before the endpoint starts).
 * @audit:      the audit log, or NULL.
 * @xdp_ifaces: interfaces xdp_dns is attached to now (stored by the main
 *              thread with __atomic_store_n).
 * @if_resyncs: ifwatch_overruns(), stored likewise.
 */
struct daemon_obs {
	struct server *srv;
	struct kernel *kern;
	struct audit *audit;
	unsigned int xdp_ifaces;
	unsigned long if_resyncs;
};

/**
 * daemon_metrics_render() - metrics_render_fn of xdpdnsd: every family of
 * docs/metrics.md, the XDP ones through metrics_render_xdp() when the
 * kernel maps are open.
 * @buf: the scrape's buffer.
 * @arg: a struct daemon_obs.
 */
void daemon_metrics_render(struct metrics_buf *buf, void *arg);

/**
 * daemon_ready() - metrics_check_fn for /readyz: the configured trust
 * anchors are loaded and at least one upstream is not marked down.
 * @arg:    a struct daemon_obs.
 * @reason: receives a static text when not ready.
 * Return: true when ready.
 */
bool daemon_ready(void *arg, const char **reason);
