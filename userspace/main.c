// SPDX-License-Identifier: GPL-2.0
/* xdpdnsd: the validating forwarder daemon (foreground, logs to stderr). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "config.h"
#include "control.h"
#include "log.h"
#include "server.h"
#include "util/error.h"
#include "xdpdns/version.h"

struct daemon_ctx {
	int argc;
	char *const *argv;
	struct server *srv;
};

/* SIGHUP and the control "reload" command: read everything again; on any
 * error the running configuration stays. */
static int daemon_reload(void *arg)
{
	struct daemon_ctx *d = arg;
	static struct config cfg;	/* large: keep it off the stack */
	enum config_action action;
	char err[CONFIG_ERR_LEN];
	int ret;

	ret = config_from_args(&cfg, d->argc, d->argv, &action, err, sizeof(err));
	if (ret) {
		log_error("reload failed, keeping the running configuration: %s", err);
		return ret;
	}
	server_reload(d->srv, &cfg);
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
	if (cfg->trust_anchor_count)
		log_warn("DNSSEC validation is not wired in yet: %u trust anchor files "
			 "read for checking only, answers are never AD",
			 cfg->trust_anchor_count);
	if (cfg->interface[0])
		log_info("interface %s, xdp mode %s (attached by the XDP loader)",
			 cfg->interface, attach_mode_name(cfg->xdp_mode));
}

int main(int argc, char **argv)
{
	static struct config cfg;
	struct daemon_ctx d = { .argc = argc, .argv = argv };
	struct control *ctl = NULL;
	enum config_action action;
	char err[CONFIG_ERR_LEN];
	struct pollfd pfd[2];
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
	if (action == CONFIG_ACTION_CHECK) {
		printf("xdpdnsd: configuration OK%s%s\n",
		       cfg.config_file[0] ? ": " : "", cfg.config_file);
		return 0;
	}
	log_setup(cfg.log_level, cfg.log_format);

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

	ret = server_new(&cfg, &d.srv);
	if (ret) {
		log_error("cannot start: %s", xdpdns_strerror(ret));
		goto out;
	}
	ret = control_new(d.srv, cfg.control_socket, &ctl);
	if (ret) {
		log_error("control socket %s: %s", cfg.control_socket,
			  xdpdns_strerror(ret));
		goto out;
	}
	control_set_reload(ctl, daemon_reload, &d);
	ret = server_start(d.srv);
	if (ret) {
		log_error("cannot start workers: %s", xdpdns_strerror(ret));
		goto out;
	}
	log_config(&cfg);
	log_info("xdpdnsd %s started, %u workers, control socket %s", XDPDNS_VERSION,
		 d.srv->nworkers, cfg.control_socket);

	pfd[0].fd = sfd;
	pfd[0].events = POLLIN;
	pfd[1].fd = control_fd(ctl);
	pfd[1].events = POLLIN;
	for (;;) {
		struct signalfd_siginfo si;

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			log_error("poll: %s", strerror(errno));
			break;
		}
		if (pfd[1].revents & POLLIN)
			control_accept(ctl);
		if (!(pfd[0].revents & POLLIN))
			continue;
		if (read(sfd, &si, sizeof(si)) != sizeof(si))
			continue;
		if (si.ssi_signo == SIGHUP) {
			log_info("SIGHUP: reloading");
			daemon_reload(&d);
		} else if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
			log_info("signal %u: stopping", si.ssi_signo);
			status = 0;
			break;
		}
	}
	server_stop(d.srv);
out:
	control_free(ctl);
	server_free(d.srv);
	if (sfd >= 0)
		close(sfd);
	log_info("stopped");
	return status;
}
