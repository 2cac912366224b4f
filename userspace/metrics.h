/* SPDX-License-Identifier: GPL-2.0 */
/* Prometheus metrics and health endpoints over HTTP (libmicrohttpd). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct metrics;
struct metrics_buf;
struct refill_maps;

/*
 * Label sets are NULL-terminated arrays of alternating names and values:
 *	(const char *const[]){ "path", "xdp", "proto", "udp", NULL }
 * NULL instead of an array means no labels.
 */

/**
 * metrics_render_fn - fills @buf with the current values for one scrape.
 * @buf: where metrics_counter(), metrics_gauge() and metrics_histogram()
 *       append; samples of one family may come in any order, from several
 *       places: families are grouped when the buffer is finished.
 * @arg: the caller's argument given to metrics_new().
 *
 * Called from the HTTP server's thread, one scrape at a time: read shared
 * counters with atomics (STAT_GET) or under the owner's lock.
 */
typedef void (*metrics_render_fn)(struct metrics_buf *buf, void *arg);

/**
 * metrics_check_fn - a liveness or readiness check.
 * @arg:    the argument given to metrics_set_checks().
 * @reason: may be set to a static string saying why not (sent in the body).
 * Return: true when healthy or ready.
 */
typedef bool (*metrics_check_fn)(void *arg, const char **reason);

/**
 * metrics_new() - start the HTTP endpoint in its own thread.
 * @addr_port: "127.0.0.1:9153", "[::1]:9153", "0.0.0.0:9153" ("host:0"
 *             picks a free port, see metrics_port()).
 * @render:    called for every GET /metrics.
 * @arg:       passed to @render.
 * @out:       receives the endpoint; release with metrics_free().
 *
 * Paths: /metrics (text exposition format 0.0.4), /healthz (liveness),
 * /readyz (readiness); GET and HEAD only.
 *
 * Return: 0, -EINVAL (unreadable address), -EADDRINUSE or another -errno
 * when the server cannot start, -ENOMEM.
 */
int metrics_new(const char *addr_port, metrics_render_fn render, void *arg,
		struct metrics **out);

/**
 * metrics_set_checks() - install the health checks (any time; the switch
 * is atomic for the HTTP thread).
 * @m:     the endpoint.
 * @live:  /healthz answers 200 when it returns true, 503 otherwise; NULL
 *         means 200 as long as the HTTP thread answers.
 * @ready: /readyz answers 200 when it returns true (for example: an
 *         upstream is up and the trust anchors are loaded), 503 otherwise;
 *         NULL means not ready.
 * @arg:   passed to both.
 */
void metrics_set_checks(struct metrics *m, metrics_check_fn live,
			metrics_check_fn ready, void *arg);

/** metrics_port() - the TCP port the endpoint listens on (host order). */
uint16_t metrics_port(const struct metrics *m);

/** metrics_free() - stop the HTTP thread and free @m; NULL is fine. */
void metrics_free(struct metrics *m);

/* --- rendering --------------------------------------------------------- */

/** metrics_buf_new() - an empty buffer (for tests and the CLI). NULL: ENOMEM. */
struct metrics_buf *metrics_buf_new(void);

/**
 * metrics_buf_finish() - the exposition text of everything appended: one
 * "# HELP" and "# TYPE" line per family, then its samples, families in the
 * order they first appeared.
 * @buf:  the buffer (consumed: freed by this call).
 * @text: receives a malloc'ed NUL-terminated text; the caller frees it.
 * @len:  if not NULL, receives its length.
 * Return: 0; -EINVAL if a helper was misused (an invalid metric or label
 * name, one family given two types), -ENOMEM. @text is NULL on error.
 */
int metrics_buf_finish(struct metrics_buf *buf, char **text, size_t *len);

/** metrics_buf_free() - drop a buffer without finishing it; NULL is fine. */
void metrics_buf_free(struct metrics_buf *buf);

/**
 * metrics_counter() - append one counter sample.
 * @buf:    the buffer.
 * @name:   family name, ending in "_total" by convention
 *          ([a-zA-Z_:][a-zA-Z0-9_:]*).
 * @help:   help text of the family (the first non-NULL one is kept).
 * @labels: NULL-terminated name/value pairs, or NULL. Values are escaped.
 * @value:  the count.
 * Errors are remembered in @buf and reported by metrics_buf_finish().
 */
void metrics_counter(struct metrics_buf *buf, const char *name,
		     const char *help, const char *const *labels,
		     uint64_t value);

/** metrics_gauge() - append one gauge sample; as metrics_counter(). */
void metrics_gauge(struct metrics_buf *buf, const char *name,
		   const char *help, const char *const *labels, double value);

/**
 * metrics_histogram() - append one histogram: cumulative "_bucket" samples
 * with an "le" label (the last one "+Inf"), "_sum" and "_count".
 * @buf, @name, @help, @labels: as metrics_counter() (no "le" in @labels).
 * @bounds:   @nbounds increasing upper bounds.
 * @counts:   @nbounds + 1 per-bucket (not cumulative) counts: counts[i]
 *            for observations in (bounds[i-1], bounds[i]], the last for
 *            those above bounds[nbounds-1].
 * @nbounds:  number of bounds.
 * @sum:      sum of all observations.
 */
void metrics_histogram(struct metrics_buf *buf, const char *name,
		       const char *help, const char *const *labels,
		       const double *bounds, const uint64_t *counts,
		       size_t nbounds, double sum);

/* --- a histogram the daemon can fill from any thread --------------------- */

#define METRICS_HIST_MAX_BOUNDS 16

/**
 * struct metrics_hist - lock-free histogram (relaxed atomics).
 * @bounds:  upper bounds, increasing.
 * @nbounds: how many (<= METRICS_HIST_MAX_BOUNDS).
 * @counts:  per-bucket counts, the last one for "+Inf".
 * @sum_bits: the sum of observations, a double stored as its bits.
 */
struct metrics_hist {
	double bounds[METRICS_HIST_MAX_BOUNDS];
	size_t nbounds;
	uint64_t counts[METRICS_HIST_MAX_BOUNDS + 1];
	uint64_t sum_bits;
};

/**
 * metrics_hist_init() - zero @h and set its bounds.
 * Return: 0, or -EINVAL (too many bounds, or not increasing).
 */
int metrics_hist_init(struct metrics_hist *h, const double *bounds,
		      size_t nbounds);

/** metrics_hist_init_rtt() - bounds for upstream RTTs: 1 ms to 4 s. */
void metrics_hist_init_rtt(struct metrics_hist *h);

/** metrics_hist_observe() - count one observation; thread-safe, no lock. */
void metrics_hist_observe(struct metrics_hist *h, double value);

/** metrics_hist_render() - metrics_histogram() of a snapshot of @h. */
void metrics_hist_render(struct metrics_buf *buf, const char *name,
			 const char *help, const char *const *labels,
			 const struct metrics_hist *h);

/* --- the kernel part ------------------------------------------------------ */

/**
 * metrics_render_xdp() - the XDP program's counters from the per-CPU map,
 * summed: xdpdns_xdp_packets_total{counter="..."} for each packet counter,
 * xdpdns_xdp_sent_bytes_total, and the answers it sent as
 * xdpdns_requests_total{path="xdp",proto="udp"} and
 * xdpdns_cache_hits_total{cache="xdp"}, so that the daemon adds only its
 * own samples (path="daemon", cache="daemon") to the same families.
 * @buf:  the buffer.
 * @maps: the shared maps (stats_fd used).
 * Return: 0 or the -errno of refill_stats_read() (nothing appended then).
 */
int metrics_render_xdp(struct metrics_buf *buf, const struct refill_maps *maps);
