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

/* The daemon's counters, or NULL with a warning when it does not answer. */
static struct json_value *stats_daemon(struct cli *cli, bool *up)
{
	struct json_value *res = NULL;
	char errbuf[256];
	int err;

	err = ctl_request(cli, "stats", NULL, 0, &res, errbuf, sizeof(errbuf));
	*up = !err;
	if (err == CTL_ENOTUP)
		cli_warn(cli, "the daemon is not running (nothing answers on %s): "
			 "kernel counters only", cli->control);
	else if (err == CTL_EFAILED || err == CTL_EUNKNOWN)
		cli_warn(cli, "the daemon refused 'stats': %s", errbuf);
	else if (err)
		cli_warn(cli, "cannot read the daemon's counters from %s: %s",
			 cli->control, err == -ETIMEDOUT ? "no answer within 2 s"
							 : xdpdns_strerror(err));
	return res;
}

static int do_show(struct cli *cli, int argc, char **argv)
{
	struct xdpdns_stats sum, *per_cpu = NULL;
	struct refill_maps maps;
	struct json_value *daemon;
	bool show_cpus = false, up;
	double ratio;
	int ncpu, c, cpu;

	while (argc > 0) {
		if (cli_is_prefix(*argv, "per-cpu")) {
			show_cpus = true;
			NEXT_ARG();
		} else {
			return cli_usage_error(cli, "unexpected '%s' (expected per-cpu)", *argv);
		}
	}
	if (cli_maps_open(cli, &maps))
		return CLI_ERROR;
	per_cpu = calloc(STATS_MAX_CPUS, sizeof(*per_cpu));
	if (!per_cpu) {
		refill_maps_close(&maps);
		return cli_error(cli, "%s", xdpdns_strerror(-ENOMEM));
	}
	ncpu = refill_stats_read(&maps, &sum, per_cpu, STATS_MAX_CPUS);
	refill_maps_close(&maps);
	if (ncpu < 0) {
		free(per_cpu);
		return cli_error(cli, "cannot read the counters map: %s",
				 xdpdns_strerror(ncpu));
	}
	if (ncpu > STATS_MAX_CPUS)
		ncpu = STATS_MAX_CPUS;
	ratio = stats_hit_ratio(&sum);
	daemon = stats_daemon(cli, &up);

	if (cli->json) {
		struct json_writer *jw = &cli->jw;

		jw_start_object(jw);
		jw_name(jw, "kernel");
		jw_start_object(jw);
		jw_name(jw, "counters");
		stats_counters_json(jw, &sum);
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
		jw_name(jw, "daemon");
		if (daemon)
			json_emit(jw, daemon);
		else
			jw_null(jw);
		jw_end_object(jw);
	} else {
		printf("kernel fast path:\n");
		for (c = 0; c < XDPDNS_CNT_MAX; c++) {
			if (stats_is_pass(c) || c == XDPDNS_CNT_DROP_ABORTED)
				continue;
			printf("  %-18s %llu\n", refill_counter_name(c),
			       (unsigned long long)sum.counter[c]);
		}
		if (ratio < 0)
			printf("  %-18s -\n", "hit_ratio");
		else
			printf("  %-18s %.2f%%\n", "hit_ratio", ratio * 100);
		printf("  passed up:\n");
		for (c = 0; c < XDPDNS_CNT_MAX; c++)
			if (stats_is_pass(c))
				printf("    %-16s %llu\n", refill_counter_name(c) + 5,
				       (unsigned long long)sum.counter[c]);
		printf("  %-18s %llu\n", refill_counter_name(XDPDNS_CNT_DROP_ABORTED),
		       (unsigned long long)sum.counter[XDPDNS_CNT_DROP_ABORTED]);
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
					printf(" %15llu",
					       (unsigned long long)per_cpu[cpu].counter[c]);
				printf("\n");
			}
		}
		if (daemon) {
			printf("daemon:\n");
			json_print_plain(daemon, 2);
		} else {
			printf("daemon: not available\n");
		}
	}
	json_value_free(daemon);
	free(per_cpu);
	return CLI_OK;
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

static void stats_watch_sample(struct cli *cli, const struct xdpdns_stats *prev,
			       const struct xdpdns_stats *cur, double dt,
			       unsigned long long n, bool tty)
{
	struct xdpdns_stats d;
	double ratio;
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
		jw_start_object(jw);
		for (c = 0; c < XDPDNS_CNT_MAX; c++) {
			jw_name(jw, refill_counter_name(c));
			jw_double(jw, d.counter[c] / dt, 1);
		}
		jw_end_object(jw);
		jw_name(jw, "hit_ratio");
		if (ratio < 0)
			jw_null(jw);
		else
			jw_double(jw, ratio, 4);
		jw_name(jw, "counters");
		stats_counters_json(jw, cur);
		jw_end_object(jw);
		jw_flush(&cli->jw, stdout);
		return;
	}
	/* Like top: redraw in place on a terminal, append otherwise. */
	if (tty)
		printf("\033[H\033[2J");
	printf("xdpdns fast path, per second over %.1f s (sample %llu)\n", dt, n);
	printf("  %-18s %14s %16s\n", "counter", "rate/s", "total");
	for (c = 0; c < XDPDNS_CNT_MAX; c++)
		printf("  %-18s %14.1f %16llu\n", refill_counter_name(c),
		       d.counter[c] / dt, (unsigned long long)cur->counter[c]);
	if (ratio < 0)
		printf("  %-18s %14s\n", "hit_ratio", "-");
	else
		printf("  %-18s %13.2f%%\n", "hit_ratio", ratio * 100);
	if (!tty)
		printf("\n");
	fflush(stdout);
}

static int do_watch(struct cli *cli, int argc, char **argv)
{
	unsigned long long interval = 1, count = 0, n;
	struct xdpdns_stats prev, cur;
	struct sigaction sa = { .sa_handler = stats_on_signal };
	struct refill_maps maps;
	bool tty = isatty(STDOUT_FILENO);
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
	if (cli_maps_open(cli, &maps))
		return CLI_ERROR;
	err = refill_stats_read(&maps, &prev, NULL, 0);
	if (err < 0) {
		refill_maps_close(&maps);
		return cli_error(cli, "cannot read the counters map: %s", xdpdns_strerror(err));
	}
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
		err = refill_stats_read(&maps, &cur, NULL, 0);
		if (err < 0) {
			status = cli_error(cli, "cannot read the counters map: %s",
					   xdpdns_strerror(err));
			break;
		}
		t_cur = stats_now_s();
		stats_watch_sample(cli, &prev, &cur, t_cur - t_prev, n, tty);
		prev = cur;
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
	if (argc > 0 && cli_is_prefix(argv[0], "per-cpu") && strcmp(argv[0], "p") != 0)
		return do_show(cli, argc, argv);
	return cli_dispatch(cli, "command", stats_cmds, argc, argv, do_help);
}
