// SPDX-License-Identifier: GPL-2.0
/* What a reload (SIGHUP, control "reload") changes besides the anchors:
 * listen addresses, control socket, metrics endpoint, audit log. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "control.h"
#include "daemon_metrics.h"
#include "daemon_reload.h"
#include "kernel.h"
#include "listener.h"
#include "log.h"
#include "metrics.h"
#include "server.h"
#include "util/error.h"
#include "zones.h"

int daemon_metrics_open(struct daemon_obs *obs, const char *listen,
			struct metrics **out)
{
	int ret;

	ret = metrics_new(listen, daemon_metrics_render, obs, out);
	if (ret)
		return ret;
	metrics_set_checks(*out, NULL, daemon_ready, obs);
	log_info("metrics on http://%s/metrics (port %u), /healthz, /readyz",
		 listen, metrics_port(*out));
	return 0;
}

/* A setting the running daemon cannot take without a restart. */
struct restart_only {
	const char *key;	/* as the config file names it */
	size_t off, len;
};

#define RESTART_ONLY(key, field) \
	{ key, offsetof(struct config, field), sizeof(((struct config *)0)->field) }

static const struct restart_only restart_only[] = {
	RESTART_ONLY("server.workers", workers),
	RESTART_ONLY("server.max-tcp-clients", max_tcp_clients),
	RESTART_ONLY("xdp-mode", xdp_mode),
	RESTART_ONLY("xdp.pin-path", pin_path),
	RESTART_ONLY("cache.kernel-entries", kernel_entries),
};

static bool interfaces_equal(const struct config *a, const struct config *b)
{
	if (a->interface_count != b->interface_count)
		return false;
	for (unsigned int i = 0; i < a->interface_count; i++)
		if (strcmp(a->interface[i], b->interface[i]))
			return false;
	return true;
}

void daemon_reload_restart_only(const struct config *run, struct config *next)
{
	for (size_t i = 0; i < sizeof(restart_only) / sizeof(restart_only[0]); i++) {
		const struct restart_only *r = &restart_only[i];

		if (!memcmp((const char *)run + r->off, (char *)next + r->off, r->len))
			continue;
		log_warn("reload: %s changed: it needs a restart, the running value "
			 "stays", r->key);
		memcpy((char *)next + r->off, (const char *)run + r->off, r->len);
	}
	if (!interfaces_equal(run, next)) {
		log_warn("reload: interfaces changed: they need a restart, the "
			 "running ones stay");
		memcpy(next->interface, run->interface, sizeof(next->interface));
		next->interface_count = run->interface_count;
	}
}

static int reload_control(struct daemon_live *l, const struct config *run,
			  struct config *next)
{
	int ret;

	if (!strcmp(run->control_socket, next->control_socket))
		return 0;
	ret = control_move(l->ctl, next->control_socket);
	if (ret) {
		log_error("reload: control socket %s: %s; staying on %s",
			  next->control_socket, xdpdns_strerror(ret), run->control_socket);
		snprintf(next->control_socket, sizeof(next->control_socket), "%s",
			 run->control_socket);
		return ret;
	}
	log_info("control socket moved from %s to %s", run->control_socket,
		 next->control_socket);
	return 0;
}

static void audit_keep_running(const struct config *run, struct config *next)
{
	memcpy(next->audit_path, run->audit_path, sizeof(next->audit_path));
	next->audit_max_size = run->audit_max_size;
	next->audit_keep = run->audit_keep;
}

static int reload_audit(struct daemon_live *l, const struct config *run,
			struct config *next)
{
	struct audit *a = NULL;
	int ret;

	if (!strcmp(run->audit_path, next->audit_path) &&
	    run->audit_max_size == next->audit_max_size &&
	    run->audit_keep == next->audit_keep)
		return 0;
	if (l->audit) {
		ret = audit_configure(l->audit, next->audit_path, next->audit_max_size,
				      next->audit_keep);
	} else if (next->audit_path[0]) {
		/* The first audit log of this run: every writer gets it. */
		ret = audit_open(next->audit_path, next->audit_max_size,
				 next->audit_keep, &a);
		if (!ret) {
			l->audit = a;
			__atomic_store_n(&l->srv->audit, a, __ATOMIC_RELEASE);
			__atomic_store_n(&l->obs->audit, a, __ATOMIC_RELEASE);
			if (l->srv->zones)
				zones_set_audit(l->srv->zones, a);
		}
	} else {
		ret = 0;
	}
	if (ret) {
		log_error("reload: audit log %s: %s; keeping %s", next->audit_path,
			  xdpdns_strerror(ret), run->audit_path[0] ? run->audit_path :
			  "it off");
		audit_keep_running(run, next);
		return ret;
	}
	if (next->audit_path[0])
		log_info("DNSSEC audit log %s (rotated above %llu bytes, %u kept)",
			 next->audit_path, (unsigned long long)next->audit_max_size,
			 next->audit_keep);
	else
		log_info("DNSSEC audit log off");
	return 0;
}

static int reload_metrics(struct daemon_live *l, const struct config *run,
			  struct config *next)
{
	struct metrics *m = NULL;
	int ret = 0;

	if (!strcmp(run->metrics_listen, next->metrics_listen))
		return 0;
	if (next->metrics_listen[0]) {
		ret = daemon_metrics_open(l->obs, next->metrics_listen, &m);
		if (ret && l->metrics) {
			/* The new address may overlap the old one (0.0.0.0
			 * and 127.0.0.1 on one port): free the port, retry. */
			metrics_free(l->metrics);
			l->metrics = NULL;
			ret = daemon_metrics_open(l->obs, next->metrics_listen, &m);
			if (ret && daemon_metrics_open(l->obs, run->metrics_listen,
						       &l->metrics))
				log_error("reload: metrics endpoint %s could not be "
					  "restarted", run->metrics_listen);
		}
	}
	if (ret) {
		log_error("reload: metrics endpoint %s: %s; keeping %s",
			  next->metrics_listen, xdpdns_strerror(ret),
			  run->metrics_listen[0] ? run->metrics_listen : "it off");
		memcpy(next->metrics_listen, run->metrics_listen,
		       sizeof(next->metrics_listen));
		return ret;
	}
	metrics_free(l->metrics);	/* after the new one listens */
	l->metrics = m;
	if (!m)
		log_info("metrics endpoint %s stopped", run->metrics_listen);
	return 0;
}

static bool listen_has(const struct config *cfg, const struct config_listen *l)
{
	for (unsigned int i = 0; i < cfg->listen_count; i++)
		if (listener_same_addr(&cfg->listen[i], l))
			return true;
	return false;
}

static bool listen_equal(const struct config *a, const struct config *b)
{
	return a->listen_count == b->listen_count &&
	       !memcmp(a->listen, b->listen, a->listen_count * sizeof(a->listen[0]));
}

int daemon_reload_apply(struct daemon_live *l, const struct config *run,
			struct config *next)
{
	int ret = 0, err;

	err = reload_control(l, run, next);
	ret = ret ? ret : err;
	err = reload_audit(l, run, next);
	ret = ret ? ret : err;
	err = reload_metrics(l, run, next);
	ret = ret ? ret : err;
	err = server_reload(l->srv, next);
	ret = ret ? ret : err;
	if (!err && !listen_equal(run, next)) {
		for (unsigned int i = 0; i < run->listen_count; i++)
			if (!listen_has(next, &run->listen[i]))
				log_info("no longer listening on %s (open TCP "
					 "connections finish)", run->listen[i].text);
		for (unsigned int i = 0; i < next->listen_count; i++)
			log_info("listening on %s (udp, tcp)", next->listen[i].text);
		err = kernel_listen_update(l->kern, next);
		if (err)
			log_error("reload: XDP listen map: %s", xdpdns_strerror(err));
		ret = ret ? ret : err;
	}
	return ret;
}
