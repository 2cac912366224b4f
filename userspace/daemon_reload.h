/* SPDX-License-Identifier: GPL-2.0 */
/* What a reload (SIGHUP, control "reload") changes besides the anchors:
 * listen addresses, control socket, metrics endpoint, audit log. */
#pragma once

#include "config.h"

struct audit;
struct control;
struct daemon_obs;
struct kernel;
struct metrics;
struct server;

/**
 * struct daemon_live - the running daemon's parts a reload may replace,
 * all owned by the main thread.
 * @srv:     the server.
 * @kern:    the fast path, or NULL.
 * @ctl:     the control socket.
 * @metrics: the metrics endpoint, or NULL (off); replaced by a reload.
 * @audit:   the audit log, or NULL (never configured); a reload may
 *           create it, and turns it off with audit_configure() rather
 *           than freeing it (workers hold the pointer).
 * @obs:     what the metrics endpoint reads.
 */
struct daemon_live {
	struct server *srv;
	struct kernel *kern;
	struct control *ctl;
	struct metrics *metrics;
	struct audit *audit;
	struct daemon_obs *obs;
};

/**
 * daemon_metrics_open() - start the metrics and health endpoint on
 * @listen ("ADDR:PORT"), rendering @obs, and log where it serves.
 * Return: 0 or a negative code (nothing started).
 */
int daemon_metrics_open(struct daemon_obs *obs, const char *listen,
			struct metrics **out);

/**
 * daemon_reload_restart_only() - the settings a reload cannot change
 * (worker count, server.max-tcp-clients, interfaces, xdp-mode,
 * xdp.pin-path, cache.kernel-entries): each one that differs in @next is
 * logged as a warning naming it ("needs a restart") and set back to its
 * running value from @run.
 */
void daemon_reload_restart_only(const struct config *run, struct config *next);

/**
 * daemon_reload_apply() - apply @next over @run: control socket path
 * (control_move()), audit log path and bounds, metrics endpoint (started,
 * stopped or moved), then the server's part (server_reload(): listen
 * addresses, upstreams, limits, log settings) and the XDP listen map.
 * Whatever fails is logged with its address or path and keeps its running
 * value, also in @next, which the server then holds; the rest applies.
 * @l:    the running parts (@l->metrics and @l->audit may be replaced).
 * @run:  the configuration in force (server_config()).
 * @next: the new one; corrected where a change could not be applied.
 * Return: 0 when everything applied, else the first negative code.
 */
int daemon_reload_apply(struct daemon_live *l, const struct config *run,
			struct config *next);
