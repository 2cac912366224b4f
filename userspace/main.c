// SPDX-License-Identifier: GPL-2.0
/* xdpdnsd: the validating forwarder daemon (foreground, logs to stderr). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "config.h"
#include "dns/name.h"
#include "dnssec/anchor.h"
#include "audit.h"
#include "control.h"
#include "daemon_metrics.h"
#include "daemon_reload.h"
#include "ifwatch.h"
#include "kernel.h"
#include "log.h"
#include "metrics.h"
#include "server.h"
#include "trust.h"
#include "zones.h"
#include "util/error.h"
#include "xdpdns/version.h"

struct daemon_ctx {
	int argc;
	char *const *argv;
	struct server *srv;
	struct kernel *kern;
	struct audit *audit;
	struct daemon_obs obs;		/* what the metrics endpoint reads */
	struct control *ctl;
	struct metrics *metrics;	/* NULL when off; a reload may replace it */
	bool keep_attached;		/* on exit; a reload may change it */
};

#define ANCHOR_OWNERS_MAX 256

/* What the trust anchor files say per owner name: a hash of its lines,
 * independent of their order, to see which zones a reload changes. */
struct anchor_digest {
	uint8_t owner[DNS_NAME_MAXLEN];
	uint64_t sum;
};

static uint64_t line_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	int space = 0;

	for (; *s && *s != '\n'; s++) {
		/* Whitespace runs count as one blank; case does not matter. */
		if (isspace((unsigned char)*s)) {
			space = 1;
			continue;
		}
		if (space)
			h = (h ^ ' ') * 1099511628211ull;
		space = 0;
		h = (h ^ (uint8_t)tolower((unsigned char)*s)) * 1099511628211ull;
	}
	return h;
}

static size_t anchor_digests(const struct config *cfg, struct anchor_digest *out)
{
	size_t n = 0;

	for (unsigned int i = 0; i < cfg->trust_anchor_count; i++) {
		FILE *f = fopen(cfg->trust_anchor[i], "r");
		char line[4096], owner[1024];
		uint8_t name[DNS_NAME_MAXLEN];

		while (f && fgets(line, sizeof(line), f)) {
			size_t j;

			if (sscanf(line, "%1023s", owner) != 1 || owner[0] == ';' ||
			    owner[0] == '#' || dns_name_from_text(owner, name) < 0)
				continue;
			dns_name_to_lower(name);
			for (j = 0; j < n && !dns_name_equal(out[j].owner, name); j++)
				;
			if (j == n) {
				if (n == ANCHOR_OWNERS_MAX)
					continue;
				dns_name_copy(out[n].owner, name);
				out[n++].sum = 0;
			}
			out[j].sum += line_hash(line);
		}
		if (f)
			fclose(f);
	}
	return n;
}

/* The anchors as last loaded (files can change under the same path). */
static struct anchor_digest anchors_prev[ANCHOR_OWNERS_MAX];
static size_t anchors_nprev;

/* Flush the cached answers below every anchor that a reload adds, removes
 * or changes since the last load; everything else stays cached. @before:
 * the anchors in force before the reload (for the audit lines). */
static void anchors_flush_changed(struct server *srv, const struct config *cur,
				  const struct anchors_ref *before)
{
	static struct anchor_digest b[ANCHOR_OWNERS_MAX];
	struct anchor_digest *a = anchors_prev;
	size_t na = anchors_nprev, nb = anchor_digests(cur, b);
	char text[DNS_NAME_TEXT_MAXLEN];

	for (int pass = 0; srv && pass < 2; pass++) {
		struct anchor_digest *x = pass ? b : a, *y = pass ? a : b;
		size_t nx = pass ? nb : na, ny = pass ? na : nb;

		for (size_t i = 0; i < nx; i++) {
			size_t j;

			for (j = 0; j < ny && !dns_name_equal(x[i].owner, y[j].owner); j++)
				;
			if (j < ny && x[i].sum == y[j].sum)
				continue;
			if (pass && j < ny)
				continue;	/* changed: flushed in the first pass */
			dns_name_to_text(x[i].owner, text, sizeof(text));
			trust_audit_change(srv, x[i].owner, before, j == ny ?
					   (pass ? "added on reload" : "removed on reload") :
					   "changed on reload");
			log_info("trust anchor for %s changed: %zu cached answers flushed",
				 text, cache_flush_below(srv->cache, x[i].owner));
			/* The kernel's copies of that zone go too: a Secure or
			 * Insecure verdict under the old anchor no longer holds. */
			if (srv->kmaps) {
				unsigned int kn = 0;
				int kerr = refill_cache_flush_below(srv->kmaps,
								    x[i].owner, &kn);

				if (kerr)
					log_error("kernel cache flush below %s: %s", text,
						  xdpdns_strerror(kerr));
				else
					log_info("trust anchor for %s changed: %u kernel "
						 "cache entries flushed", text, kn);
			}
		}
	}
	memcpy(anchors_prev, b, nb * sizeof(b[0]));
	anchors_nprev = nb;
}

/* Everything but the anchors (daemon_reload.h): what cannot be applied
 * keeps its running value, in @cfg too. */
static void daemon_reload_settings(struct daemon_ctx *d, struct config *cfg)
{
	struct daemon_live live = { d->srv, d->kern, d->ctl, d->metrics,
				    d->audit, &d->obs };
	static struct config run;	/* large: keep it off the stack */

	server_config(d->srv, &run);
	daemon_reload_restart_only(&run, cfg);
	daemon_reload_apply(&live, &run, cfg);
	d->metrics = live.metrics;
	d->audit = live.audit;
	d->keep_attached = cfg->keep_attached;
}

/* SIGHUP and the control "reload" command: read everything again; on any
 * error the running configuration stays. */
static int daemon_reload(void *arg)
{
	struct daemon_ctx *d = arg;
	static struct config cfg;	/* large: keep it off the stack */
	enum config_action action;
	char err[CONFIG_ERR_LEN];
	int ret;

	struct val_anchors *anchors = NULL;
	struct anchors_ref *before;

	ret = config_from_args(&cfg, d->argc, d->argv, &action, err, sizeof(err));
	if (!ret)
		ret = config_load_anchors(&cfg, &anchors, err, sizeof(err));
	if (ret) {
		log_error("reload failed, keeping the running configuration: %s", err);
		return ret;
	}
	daemon_reload_settings(d, &cfg);
	before = server_anchors_hold(d->srv, NULL);
	ret = server_set_anchors(d->srv, anchors);
	if (ret)
		log_error("reload: trust anchors not replaced: %s", xdpdns_strerror(ret));
	anchors_flush_changed(d->srv, &cfg, before);
	server_anchors_release(before);
	log_info("configuration reloaded (%u upstreams, %u trust anchor files)",
		 cfg.upstream_count, cfg.trust_anchor_count);
	return 0;
}

static void log_config(const struct config *cfg)
{
	for (unsigned int i = 0; i < cfg->listen_count; i++)
		log_info("listening on %s (udp, tcp)", cfg->listen[i].text);
	for (unsigned int i = 0; i < cfg->upstream_count; i++)
		log_info("upstream %s", cfg->upstream[i].text);
	if (!cfg->upstream_count)
		log_warn("no upstream configured: every query gets SERVFAIL");
	if (cfg->anchor_is_default)
		log_info("DNSSEC validation on, the root's anchors from %s (default)",
			 cfg->trust_anchor[0]);
	else if (cfg->trust_anchor_count)
		log_info("DNSSEC validation on, anchors from %u files",
			 cfg->trust_anchor_count);
	else if (!cfg->validation)
		log_info("DNSSEC validation off: a plain forwarder (never AD, "
			 "never in the kernel cache)");
	else
		log_warn("no trust anchor (none given, %s absent): answers are not "
			 "validated (never AD, never in the kernel cache)",
			 CONFIG_DEFAULT_ANCHOR);
	if (!cfg->interface_count)
		log_info("no interface configured: userspace forwarder only, no XDP");
}

/* Every upstream query in flight holds a socket (a fresh random port per
 * query): take the whole hard limit of descriptors. */
static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 16384)
		log_warn("only %llu file descriptors: fewer queries can be in flight",
			 (unsigned long long)rl.rlim_cur);
}

/* The kernel maps open with the first attached interface: from then on
 * the workers fill them (they read srv->kmaps). */
static void daemon_kmaps_update(struct daemon_ctx *d)
{
	if (!d->kern)
		return;
	if (d->kern->maps.cache_fd >= 0 && !d->srv->kmaps)
		__atomic_store_n(&d->srv->kmaps, &d->kern->maps, __ATOMIC_RELEASE);
	__atomic_store_n(&d->obs.xdp_ifaces, d->kern->nlinks, __ATOMIC_RELAXED);
}

/* ifwatch: an interface matching a configured glob appeared. */
static void daemon_if_added(int ifindex, const char *name, void *arg)
{
	struct daemon_ctx *d = arg;

	if (!kernel_attach_one(d->kern, name))
		daemon_kmaps_update(d);
}

/* ifwatch: it went (deleted, moved away, renamed to a non-matching name). */
static void daemon_if_removed(int ifindex, const char *name, void *arg)
{
	struct daemon_ctx *d = arg;

	if (!kernel_detach_one(d->kern, name))
		daemon_kmaps_update(d);
}

/* With interface globs configured: follow them (the fast path is there). */
static int daemon_ifwatch_start(struct daemon_ctx *d, const struct config *cfg,
				struct ifwatch **out)
{
	const char *patterns[CONFIG_MAX_IFACES];
	size_t n = 0;
	int ret;

	*out = NULL;
	for (unsigned int i = 0; i < cfg->interface_count; i++)
		if (config_iface_is_pattern(cfg->interface[i]))
			patterns[n++] = cfg->interface[i];
	if (!n || !d->kern)
		return 0;
	ret = ifwatch_new(patterns, n, daemon_if_added, daemon_if_removed, d, out);
	if (ret)
		return ret;
	for (size_t i = 0; i < n; i++)
		log_info("following interfaces matching %s", patterns[i]);
	return 0;
}

/* The metrics and health endpoint, when configured. */
static int daemon_metrics_start(struct daemon_ctx *d, const struct config *cfg,
				struct metrics **out)
{
	/* Filled even when off: a reload may start the endpoint. */
	d->obs.srv = d->srv;
	d->obs.kern = d->kern;
	d->obs.audit = d->audit;
	*out = NULL;
	if (!cfg->metrics_listen[0])
		return 0;
	return daemon_metrics_open(&d->obs, cfg->metrics_listen, out);
}

int main(int argc, char **argv)
{
	static struct config cfg;
	struct daemon_ctx d = { .argc = argc, .argv = argv };
	struct val_anchors *anchors = NULL;
	struct ifwatch *ifw = NULL;
	enum config_action action;
	char err[CONFIG_ERR_LEN];
	struct pollfd pfd[3];
	sigset_t mask;
	int sfd = -1, ret, status = 1;

	ret = config_from_args(&cfg, argc, argv, &action, err, sizeof(err));
	if (action == CONFIG_ACTION_HELP) {
		fputs(config_usage(), stdout);
		return 0;
	}
	if (action == CONFIG_ACTION_VERSION && !ret) {
		printf("xdpdnsd %s\n", XDPDNS_VERSION);
		return 0;
	}
	if (ret) {
		fprintf(stderr, "xdpdnsd: %s\n", err);
		return 2;
	}
	ret = config_load_anchors(&cfg, &anchors, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "xdpdnsd: %s\n", err);
		return 2;
	}
	if (action == CONFIG_ACTION_CHECK) {
		val_anchors_free(anchors);
		printf("xdpdnsd: configuration OK%s%s\n",
		       cfg.config_file[0] ? ": " : "", cfg.config_file);
		for (unsigned int i = 0; i < cfg.trust_anchor_count; i++)
			printf("trust anchors: %s%s\n", cfg.trust_anchor[i],
			       cfg.anchor_is_default ? " (default)" : "");
		if (!cfg.trust_anchor_count)
			printf("DNSSEC validation: %s\n", cfg.validation ?
			       "none (no trust anchor file; " CONFIG_DEFAULT_ANCHOR
			       " absent)" : "off");
		return 0;
	}
	log_setup(cfg.log_level, cfg.log_format);
	d.keep_attached = cfg.keep_attached;
	raise_fd_limit();

	/* Signals are read from a signalfd in this thread; the workers
	 * inherit the blocked mask and never see them. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sfd < 0) {
		log_error("signalfd: %s", strerror(errno));
		return 1;
	}

	if (cfg.audit_path[0]) {
		ret = audit_open(cfg.audit_path, cfg.audit_max_size, cfg.audit_keep,
				 &d.audit);
		if (ret) {
			log_error("audit log %s: %s", cfg.audit_path, xdpdns_strerror(ret));
			val_anchors_free(anchors);
			goto out;
		}
		log_info("DNSSEC audit log %s", cfg.audit_path);
	}
	ret = server_new(&cfg, &d.srv);
	if (ret) {
		log_error("cannot start: %s", xdpdns_strerror(ret));
		val_anchors_free(anchors);
		goto out;
	}
	d.srv->audit = d.audit;	/* trust.c's NTA and anchor events */
	if (d.audit && d.srv->zones)
		zones_set_audit(d.srv->zones, d.audit);
	ret = server_set_anchors(d.srv, anchors);
	if (ret) {
		log_error("trust anchors: %s", xdpdns_strerror(ret));
		goto out;
	}
	ret = control_new(d.srv, cfg.control_socket, &d.ctl);
	if (ret) {
		log_error("control socket %s: %s", cfg.control_socket,
			  xdpdns_strerror(ret));
		goto out;
	}
	control_set_reload(d.ctl, daemon_reload, &d);
	anchors_flush_changed(NULL, &cfg, NULL);	/* remember the anchors loaded */
	/* The fast path after the sockets are bound: queries passed up while
	 * an old xdp_dns is replaced find the daemon listening. */
	ret = kernel_start(&cfg, &d.kern, err, sizeof(err));
	if (ret) {
		log_error("XDP fast path: %s", err);
		goto out;
	}
	daemon_kmaps_update(&d);
	/* Interfaces matching a glob now are attached during this call. */
	ret = daemon_ifwatch_start(&d, &cfg, &ifw);
	if (ret) {
		log_error("interface follower: %s", xdpdns_strerror(ret));
		goto out;
	}
	ret = server_start(d.srv);
	if (ret) {
		log_error("cannot start workers: %s", xdpdns_strerror(ret));
		goto out;
	}
	ret = daemon_metrics_start(&d, &cfg, &d.metrics);
	if (ret) {
		log_error("metrics endpoint %s: %s", cfg.metrics_listen,
			  xdpdns_strerror(ret));
		status = 1;
		goto stop;
	}
	log_config(&cfg);
	log_info("xdpdnsd %s started, %u workers, control socket %s", XDPDNS_VERSION,
		 d.srv->nworkers, cfg.control_socket);

	pfd[0].fd = sfd;
	pfd[0].events = POLLIN;
	pfd[1].fd = control_fd(d.ctl);
	pfd[1].events = POLLIN;
	pfd[2].fd = ifw ? ifwatch_fd(ifw) : -1;	/* poll skips a negative fd */
	pfd[2].events = POLLIN;
	for (;;) {
		struct signalfd_siginfo si;

		/* A reload may have moved the control socket. */
		pfd[1].fd = control_fd(d.ctl);
		if (poll(pfd, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			log_error("poll: %s", strerror(errno));
			break;
		}
		if (pfd[1].revents & POLLIN)
			control_accept(d.ctl);
		if (pfd[2].revents & POLLIN) {
			ret = ifwatch_process(ifw);
			if (ret < 0)
				log_warn("interface events: %s", xdpdns_strerror(ret));
			__atomic_store_n(&d.obs.if_resyncs, ifwatch_overruns(ifw),
					 __ATOMIC_RELAXED);
		}
		if (!(pfd[0].revents & POLLIN))
			continue;
		if (read(sfd, &si, sizeof(si)) != sizeof(si))
			continue;
		if (si.ssi_signo == SIGHUP) {
			log_info("SIGHUP: reloading");
			if (d.audit)
				audit_reopen(d.audit);
			daemon_reload(&d);
		} else if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
			log_info("signal %u: stopping", si.ssi_signo);
			status = 0;
			break;
		}
	}
stop:
	metrics_free(d.metrics);	/* no scrape reads the server past here */
	server_stop(d.srv);
out:
	control_free(d.ctl);
	ifwatch_free(ifw);
	if (d.srv)
		d.srv->kmaps = NULL;
	kernel_stop(d.kern, d.keep_attached);
	server_free(d.srv);
	audit_close(d.audit);
	if (sfd >= 0)
		close(sfd);
	log_info("stopped");
	return status;
}
