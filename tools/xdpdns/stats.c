// SPDX-License-Identifier: GPL-2.0
/* xdpdns stats: fast-path counters (summed or per CPU), the hit ratio, and
 * the daemon's counters when it answers; "watch" shows rates like top. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl_client.h"
#include "main.h"
#include "refill.h"
#include "util/error.h"

#define STATS_MAX_CPUS 1024

static bool stats_is_pass(int c)
{
	return c >= XDPDNS_CNT_PASS_MISS && c <= XDPDNS_CNT_PASS_ERROR;
}

/* answered / ours, or a negative value when nothing was ours yet. */
static double stats_hit_ratio(const struct xdpdns_stats *s)
{
	if (!s->counter[XDPDNS_CNT_OURS])
		return -1;
	return (double)s->counter[XDPDNS_CNT_ANSWERED] /
	       (double)s->counter[XDPDNS_CNT_OURS];
}

static void stats_counters_json(struct json_writer *jw, const struct xdpdns_stats *s)
{
	int c;

	jw_start_object(jw);
	for (c = 0; c < XDPDNS_CNT_MAX; c++)
		jw_uint_field(jw, refill_counter_name(c), s->counter[c]);
	jw_end_object(jw);
}

/* The daemon's counters, or NULL; @why receives the reason it is NULL. */
static struct json_value *stats_daemon(struct cli *cli, char *why, size_t cap)
{
	struct json_value *res = NULL;
	char errbuf[256];
	int err;

	err = ctl_request(cli, "stats", NULL, 0, &res, errbuf, sizeof(errbuf));
	if (err == CTL_ENOTUP)
		snprintf(why, cap, "the daemon is not running (nothing answers on %s)",
			 cli->control);
	else if (err == CTL_EFAILED || err == CTL_EUNKNOWN)
		snprintf(why, cap, "the daemon refused 'stats': %s", errbuf);
	else if (err)
		snprintf(why, cap, "cannot read the daemon's counters from %s: %s",
			 cli->control, err == -ETIMEDOUT ? "no answer within 2 s"
							 : xdpdns_strerror(err));
	return res;
}

/* Read the kernel counters; @why receives the reason when they are absent. */
static int stats_kernel(struct cli *cli, struct xdpdns_stats *sum,
			struct xdpdns_stats *per_cpu, char *why, size_t cap)
{
	struct refill_maps maps;
	int err;

	err = refill_maps_open(&maps, cli->pin_dir);
	if (err == -ENOENT) {
		snprintf(why, cap, "no xdpdns maps pinned in %s", cli->pin_dir);
		return err;
	}
	if (err == XDPDNS_ELAYOUT)
		return err;
	if (err) {
		snprintf(why, cap, "cannot open the maps pinned in %s: %s",
			 cli->pin_dir, xdpdns_strerror(err));
		return err;
	}
	err = refill_stats_read(&maps, sum, per_cpu, STATS_MAX_CPUS);
	refill_maps_close(&maps);
	if (err < 0)
		snprintf(why, cap, "cannot read the counters map: %s", xdpdns_strerror(err));
	return err;
}

static void stats_show_json(struct cli *cli, const struct xdpdns_stats *sum,
			    const struct xdpdns_stats *per_cpu, int ncpu,
			    bool show_cpus, const struct json_value *daemon)
{
	struct json_writer *jw = &cli->jw;
	double ratio = stats_hit_ratio(sum);
	int cpu;

	jw_start_object(jw);
	jw_name(jw, "kernel");
	if (ncpu > 0) {
		jw_start_object(jw);
		jw_name(jw, "counters");
		stats_counters_json(jw, sum);
		jw_name(jw, "hit_ratio");
		if (ratio < 0)
			jw_null(jw);
		else
			jw_double(jw, ratio, 4);
		if (show_cpus) {
			jw_name(jw, "per_cpu");
			jw_start_array(jw);
			for (cpu = 0; cpu < ncpu; cpu++)
				stats_counters_json(jw, &per_cpu[cpu]);
			jw_end_array(jw);
		}
		jw_end_object(jw);
	} else {
		jw_null(jw);
	}
	jw_name(jw, "daemon");
	if (daemon)
		json_emit(jw, daemon);
	else
		jw_null(jw);
	jw_end_object(jw);
}

static void stats_show_plain(const struct xdpdns_stats *sum,
			     const struct xdpdns_stats *per_cpu, int ncpu,
			     bool show_cpus, const struct json_value *daemon)
{
	double ratio = stats_hit_ratio(sum);
	int c, cpu;

	if (ncpu <= 0) {
		printf("kernel fast path: not available\n");
		goto daemon;
	}
	printf("kernel fast path:\n");
	for (c = 0; c < XDPDNS_CNT_MAX; c++) {
		if (stats_is_pass(c) || c == XDPDNS_CNT_DROP_ABORTED)
			continue;
		printf("  %-18s %llu\n", refill_counter_name(c),
		       (unsigned long long)sum->counter[c]);
	}
	if (ratio < 0)
		printf("  %-18s -\n", "hit_ratio");
	else
		printf("  %-18s %.2f%%\n", "hit_ratio", ratio * 100);
	printf("  passed up:\n");
	for (c = 0; c < XDPDNS_CNT_MAX; c++)
		if (stats_is_pass(c))
			printf("    %-16s %llu\n", refill_counter_name(c) + 5,
			       (unsigned long long)sum->counter[c]);
	printf("  %-18s %llu\n", refill_counter_name(XDPDNS_CNT_DROP_ABORTED),
	       (unsigned long long)sum->counter[XDPDNS_CNT_DROP_ABORTED]);
	if (show_cpus) {
		printf("  per CPU:\n    %-18s", "counter");
		for (cpu = 0; cpu < ncpu; cpu++) {
			char label[16];

			snprintf(label, sizeof(label), "cpu%d", cpu);
			printf(" %15s", label);
		}
		printf("\n");
		for (c = 0; c < XDPDNS_CNT_MAX; c++) {
			printf("    %-18s", refill_counter_name(c));
			for (cpu = 0; cpu < ncpu; cpu++)
				printf(" %15llu", (unsigned long long)per_cpu[cpu].counter[c]);
			printf("\n");
		}
	}
daemon:
	if (daemon) {
		printf("daemon:\n");
		json_print_plain(daemon, 2);
	} else {
		printf("daemon: not available\n");
	}
}

/*
 * Both sources are optional, as long as one answers: the kernel counters
 * outlive the daemon (contract 6), and a daemon may run without XDP. Maps
 * of another layout are an error whatever the daemon says (contract 7).
 */
static int do_show(struct cli *cli, int argc, char **argv)
{
	struct xdpdns_stats sum = { 0 }, *per_cpu = NULL;
	struct json_value *daemon = NULL;
	char kernel_why[320] = "", daemon_why[320] = "";
	bool show_cpus = false;
	int ncpu, status = CLI_OK;

	while (argc > 0) {
		if (cli_is_prefix(*argv, "per-cpu")) {
			show_cpus = true;
			NEXT_ARG();
		} else {
			return cli_usage_error(cli, "unexpected '%s' (expected per-cpu)", *argv);
		}
	}
	per_cpu = calloc(STATS_MAX_CPUS, sizeof(*per_cpu));
	if (!per_cpu)
		return cli_error(cli, "%s", xdpdns_strerror(-ENOMEM));
	ncpu = stats_kernel(cli, &sum, per_cpu, kernel_why, sizeof(kernel_why));
	if (ncpu == XDPDNS_ELAYOUT) {
		status = cli_maps_error(cli, ncpu);
		goto out;
	}
	if (ncpu > STATS_MAX_CPUS)
		ncpu = STATS_MAX_CPUS;
	daemon = stats_daemon(cli, daemon_why, sizeof(daemon_why));
	if (ncpu < 0 && !daemon) {
		status = cli_error(cli, "%s, and %s", kernel_why, daemon_why);
		goto out;
	}
	if (ncpu < 0)
		cli_warn(cli, "%s: daemon counters only", kernel_why);
	else if (!daemon)
		cli_warn(cli, "%s: kernel counters only", daemon_why);
	if (cli->json)
		stats_show_json(cli, &sum, per_cpu, ncpu, show_cpus, daemon);
	else
		stats_show_plain(&sum, per_cpu, ncpu, show_cpus, daemon);
out:
	json_value_free(daemon);
	free(per_cpu);
	return status;
}

static volatile sig_atomic_t stats_stop;

static void stats_on_signal(int sig)
{
	stats_stop = 1;
}

static double stats_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Sleep @s seconds unless a signal asks to stop. */
static void stats_sleep(double s)
{
	struct timespec ts = { .tv_sec = (time_t)s,
			       .tv_nsec = (long)((s - (time_t)s) * 1e9) };

	while (!stats_stop && nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Daemon counters that watch turns into rates: section and member. */
static const char *const stats_daemon_metrics[][2] = {
	{ "queries", "udp" },	{ "queries", "tcp" },
	{ "answers", "NOERROR" }, { "answers", "NXDOMAIN" },
	{ "answers", "SERVFAIL" }, { "cache", "hits" },
	{ "cache", "misses" },
};
#define STATS_DAEMON_METRICS \
	(sizeof(stats_daemon_metrics) / sizeof(stats_daemon_metrics[0]))

/**
 * struct stats_daemon_sample - the daemon's counters at one instant.
 * @up:		the daemon answered.
 * @value:	the counters of stats_daemon_metrics[] (0 when absent).
 */
struct stats_daemon_sample {
	bool up;
	uint64_t value[STATS_DAEMON_METRICS];
};

/* Ask the daemon for its counters; silent when it does not answer. */
static void stats_daemon_read(struct cli *cli, struct stats_daemon_sample *ds)
{
	struct json_value *res = NULL;
	char errbuf[256];
	size_t i;

	memset(ds, 0, sizeof(*ds));
	if (ctl_request(cli, "stats", NULL, 0, &res, errbuf, sizeof(errbuf)))
		return;
	ds->up = true;
	for (i = 0; i < STATS_DAEMON_METRICS; i++)
		ds->value[i] = json_get_u64(json_get(res, stats_daemon_metrics[i][0]),
					    stats_daemon_metrics[i][1], 0);
	json_value_free(res);
}

static void stats_daemon_metric_name(size_t i, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s_%s", stats_daemon_metrics[i][0], stats_daemon_metrics[i][1]);
}

/* Rate of a counter that may have restarted (daemon restart): never < 0. */
static double stats_rate(uint64_t prev, uint64_t cur, double dt)
{
	return cur >= prev ? (double)(cur - prev) / dt : (double)cur / dt;
}

static void stats_watch_sample(struct cli *cli, const struct xdpdns_stats *prev,
			       const struct xdpdns_stats *cur, double dt,
			       unsigned long long n, bool tty, bool kernel,
			       const struct stats_daemon_sample *dprev,
			       const struct stats_daemon_sample *dcur)
{
	bool drates = dprev->up && dcur->up;
	struct xdpdns_stats d;
	char label[64];
	double ratio;
	size_t i;
	int c;

	for (c = 0; c < XDPDNS_CNT_MAX; c++)
		d.counter[c] = cur->counter[c] - prev->counter[c];
	ratio = stats_hit_ratio(&d);
	if (cli->json) {
		struct json_writer *jw = &cli->jw;

		jw_start_object(jw);
		jw_uint_field(jw, "sample", n);
		jw_name(jw, "interval");
		jw_double(jw, dt, 3);
		jw_name(jw, "rates");
		if (kernel) {
			jw_start_object(jw);
			for (c = 0; c < XDPDNS_CNT_MAX; c++) {
				jw_name(jw, refill_counter_name(c));
				jw_double(jw, d.counter[c] / dt, 1);
			}
			jw_end_object(jw);
		} else {
			jw_null(jw);
		}
		jw_name(jw, "hit_ratio");
		if (ratio < 0 || !kernel)
			jw_null(jw);
		else
			jw_double(jw, ratio, 4);
		jw_name(jw, "counters");
		if (kernel)
			stats_counters_json(jw, cur);
		else
			jw_null(jw);
		jw_name(jw, "daemon_rates");
		if (drates) {
			jw_start_object(jw);
			for (i = 0; i < STATS_DAEMON_METRICS; i++) {
				stats_daemon_metric_name(i, label, sizeof(label));
				jw_name(jw, label);
				jw_double(jw, stats_rate(dprev->value[i], dcur->value[i], dt), 1);
			}
			jw_end_object(jw);
		} else {
			jw_null(jw);
		}
		jw_end_object(jw);
		jw_flush(&cli->jw, stdout);
		return;
	}
	/* Like top: redraw in place on a terminal, append otherwise. */
	if (tty)
		printf("\033[H\033[2J");
	printf("xdpdns, per second over %.1f s (sample %llu)\n", dt, n);
	printf("  %-18s %14s %16s\n", "counter", "rate/s", "total");
	if (!kernel)
		printf("kernel fast path: not available\n");
	for (c = 0; kernel && c < XDPDNS_CNT_MAX; c++)
		printf("  %-18s %14.1f %16llu\n", refill_counter_name(c),
		       d.counter[c] / dt, (unsigned long long)cur->counter[c]);
	if (kernel && ratio < 0)
		printf("  %-18s %14s\n", "hit_ratio", "-");
	else if (kernel)
		printf("  %-18s %13.2f%%\n", "hit_ratio", ratio * 100);
	if (drates) {
		printf("xdpdnsd:\n");
		for (i = 0; i < STATS_DAEMON_METRICS; i++) {
			stats_daemon_metric_name(i, label, sizeof(label));
			printf("  %-18s %14.1f %16llu\n", label,
			       stats_rate(dprev->value[i], dcur->value[i], dt),
			       (unsigned long long)dcur->value[i]);
		}
	} else {
		printf("xdpdnsd: not available\n");
	}
	if (!tty)
		printf("\n");
	fflush(stdout);
}

static int do_watch(struct cli *cli, int argc, char **argv)
{
	unsigned long long interval = 1, count = 0, n;
	struct xdpdns_stats prev, cur;
	struct stats_daemon_sample dprev, dcur;
	struct sigaction sa = { .sa_handler = stats_on_signal };
	struct refill_maps maps;
	bool tty = isatty(STDOUT_FILENO), kernel;
	double t_prev, t_cur;
	int err, status = CLI_OK;

	while (argc > 0) {
		if (cli_is_prefix(*argv, "interval")) {
			NEXT_ARG();
			REQ_ARGS(1);
			if (cli_parse_uint(cli, "interval", GET_ARG(), 1, 3600, &interval))
				return CLI_USAGE;
		} else if (cli_is_prefix(*argv, "count")) {
			NEXT_ARG();
			REQ_ARGS(1);
			if (cli_parse_uint(cli, "count", GET_ARG(), 1, 1000000, &count))
				return CLI_USAGE;
		} else {
			return cli_usage_error(cli, "unexpected '%s' (expected interval N "
					       "or count N)", *argv);
		}
	}
	/* Either source will do, as for "show"; another layout never. */
	memset(&prev, 0, sizeof(prev));
	memset(&cur, 0, sizeof(cur));
	err = refill_maps_open(&maps, cli->pin_dir);
	if (err == XDPDNS_ELAYOUT)
		return cli_maps_error(cli, err);
	kernel = !err;
	if (kernel) {
		err = refill_stats_read(&maps, &prev, NULL, 0);
		if (err < 0) {
			refill_maps_close(&maps);
			return cli_error(cli, "cannot read the counters map: %s",
					 xdpdns_strerror(err));
		}
	}
	stats_daemon_read(cli, &dprev);
	if (!kernel && !dprev.up)
		return cli_error(cli, "no xdpdns maps pinned in %s, and the daemon does "
				 "not answer on %s", cli->pin_dir, cli->control);
	if (!kernel)
		cli_warn(cli, "no xdpdns maps pinned in %s: daemon counters only",
			 cli->pin_dir);
	t_prev = stats_now_s();
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* The samples stream out as they come: a JSON array closed at the
	 * end, also after Ctrl-C. */
	if (cli->json) {
		cli->streamed = true;
		jw_start_array(&cli->jw);
	}
	for (n = 1; !stats_stop && (!count || n <= count); n++) {
		stats_sleep((double)interval);
		if (stats_stop)
			break;
		err = kernel ? refill_stats_read(&maps, &cur, NULL, 0) : 0;
		if (err < 0) {
			status = cli_error(cli, "cannot read the counters map: %s",
					   xdpdns_strerror(err));
			break;
		}
		t_cur = stats_now_s();
		stats_daemon_read(cli, &dcur);
		stats_watch_sample(cli, &prev, &cur, t_cur - t_prev, n, tty, kernel,
				   &dprev, &dcur);
		prev = cur;
		dprev = dcur;
		t_prev = t_cur;
	}
	if (cli->json) {
		jw_end_array(&cli->jw);
		jw_flush(&cli->jw, stdout);
	}
	refill_maps_close(&maps);
	return status;
}

static int do_help(struct cli *cli, int argc, char **argv)
{
	if (cli->json) {
		jw_null(&cli->jw);
		return CLI_OK;
	}
	fprintf(stderr,
		"Usage: %1$s stats [show] [per-cpu]\n"
		"       %1$s stats watch [interval SECONDS] [count N]\n"
		"       %1$s stats help\n"
		"\n"
		"show prints the XDP counters (summed, or per CPU), the hit ratio\n"
		"(answered / ours), why packets were passed up, and the daemon's\n"
		"counters when its control socket answers. watch prints rates per\n"
		"second every interval (default 1 s), count times (default: until\n"
		"interrupted); it redraws the screen only on a terminal.\n",
		cli->argv0);
	return CLI_OK;
}

static const struct cli_cmd stats_cmds[] = {
	{ "", do_show },
	{ "show", do_show },
	{ "watch", do_watch },
	{ NULL, NULL },
};

int do_stats(struct cli *cli, int argc, char **argv)
{
	/* "stats per-cpu" is "stats show per-cpu". */
	if (argc > 0 && cli_is_prefix(argv[0], "per-cpu"))
		return do_show(cli, argc, argv);
	return cli_dispatch(cli, "command", stats_cmds, argc, argv, do_help);
}
