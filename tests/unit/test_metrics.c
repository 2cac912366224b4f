// SPDX-License-Identifier: GPL-2.0
/* Tests of the metrics endpoint: exposition format, health checks, HTTP. */

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "metrics.h"
#include "refill.h"
#include "tap.h"

/*
 * A checker of the text exposition format 0.0.4: HELP and TYPE lines at
 * most once per family and before its samples, samples of a family
 * contiguous, names and label syntax valid, values parseable floats,
 * histogram buckets cumulative and ending in +Inf equal to _count.
 * Returns 0 or the 1-based number of the first bad line.
 */
static int check_exposition(const char *text)
{
	static const char *sample_re =
		"^([a-zA-Z_:][a-zA-Z0-9_:]*)"
		"(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\[\\\\\"n])*\""
		"(,[a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\[\\\\\"n])*\")*)\\})?"
		" ([^ ]+)$";
	static const char *meta_re =
		"^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*)( (.*))?$";
	char seen[64][128], cur[128] = "", type[128] = "";
	unsigned long long last_bucket = 0, inf = 0;
	int nseen = 0, lineno = 0, ret = 0, i;
	regex_t sre, mre;
	regmatch_t mt[10];
	char *copy, *line, *save = NULL;

	if (regcomp(&sre, sample_re, REG_EXTENDED) ||
	    regcomp(&mre, meta_re, REG_EXTENDED))
		return -1;
	copy = strdup(text);
	if (!copy || (*text && text[strlen(text) - 1] != '\n'))
		ret = 1;
	for (line = strtok_r(copy, "\n", &save); line && !ret;
	     line = strtok_r(NULL, "\n", &save)) {
		char name[128], fam[128], *end;
		size_t n;

		lineno++;
		if (!regexec(&mre, line, 10, mt, 0)) {
			n = (size_t)(mt[2].rm_eo - mt[2].rm_so);
			snprintf(name, sizeof(name), "%.*s", (int)n,
				 line + mt[2].rm_so);
			if (strcmp(name, cur)) {
				for (i = 0; i < nseen; i++)
					if (!strcmp(seen[i], name))
						ret = lineno;
				snprintf(cur, sizeof(cur), "%s", name);
				snprintf(seen[nseen++ % 64], 128, "%s", name);
				type[0] = '\0';
			}
			if (line[2] == 'T') {
				snprintf(type, sizeof(type), "%s",
					 line + mt[4].rm_so);
				if (strcmp(type, "counter") &&
				    strcmp(type, "gauge") &&
				    strcmp(type, "histogram"))
					ret = lineno;
			}
			continue;
		}
		if (line[0] == '#' || regexec(&sre, line, 10, mt, 0)) {
			ret = lineno;
			break;
		}
		n = (size_t)(mt[1].rm_eo - mt[1].rm_so);
		snprintf(name, sizeof(name), "%.*s", (int)n, line);
		snprintf(fam, sizeof(fam), "%s", name);
		if (!strcmp(type, "histogram")) {
			char *s = strrchr(fam, '_');

			if (s && (!strcmp(s, "_bucket") || !strcmp(s, "_sum") ||
				  !strcmp(s, "_count")))
				*s = '\0';
		}
		if (strcmp(fam, cur)) {
			ret = lineno;	/* a sample outside its family */
			break;
		}
		errno = 0;
		strtod(line + mt[7].rm_so, &end);
		if (*end && strcmp(line + mt[7].rm_so, "+Inf") &&
		    strcmp(line + mt[7].rm_so, "NaN"))
			ret = lineno;
		if (strstr(name, "_bucket")) {
			unsigned long long v =
				strtoull(line + mt[7].rm_so, NULL, 10);

			if (v < last_bucket && !strstr(line, "le=\"+Inf\""))
				ret = lineno;
			last_bucket = v;
			if (strstr(line, "le=\"+Inf\"")) {
				inf = v;
				last_bucket = 0;
			}
		} else if (strstr(name, "_count") &&
			   !strcmp(type, "histogram")) {
			if (strtoull(line + mt[7].rm_so, NULL, 10) != inf)
				ret = lineno;
		}
	}
	free(copy);
	regfree(&sre);
	regfree(&mre);
	return ret;
}

static void test_buffer(void)
{
	static const double bounds[] = { 0.001, 0.01, 0.1 };
	static const uint64_t counts[] = { 2, 3, 0, 1 };
	const char *esc[] = { "zone", "a\"b\\c\nd", NULL };
	struct metrics_buf *b = metrics_buf_new();
	char *text = NULL;
	size_t len = 0;
	int err;

	metrics_counter(b, "xdpdns_requests_total", "Queries answered.",
			(const char *const[]){ "path", "daemon", "proto", "udp",
					       NULL },
			7);
	metrics_gauge(b, "xdpdns_cache_entries", "Entries\\cached\nnow.",
		      (const char *const[]){ "cache", "daemon", NULL }, 12);
	metrics_histogram(b, "xdpdns_upstream_rtt_seconds", "RTT.",
			  (const char *const[]){ "upstream", "192.0.2.1", NULL },
			  bounds, counts, 3, 0.5);
	/* A second sample of the first family, later: grouped on finish. */
	metrics_counter(b, "xdpdns_requests_total", NULL,
			(const char *const[]){ "path", "daemon", "proto", "tcp",
					       NULL },
			1);
	metrics_counter(b, "xdpdns_audit_events_total",
			"DNSSEC audit events, by outcome.",
			(const char *const[]){ "result", "written", NULL }, 7);
	metrics_counter(b, "xdpdns_audit_events_total", NULL,
			(const char *const[]){ "result", "dropped", NULL }, 0);
	metrics_counter(b, "xdpdns_audit_events_total", NULL,
			(const char *const[]){ "result", "failed", NULL }, 0);
	metrics_gauge(b, "xdpdns_xdp_interfaces",
		      "Interfaces the XDP program is attached to.", NULL, 23);
	metrics_counter(b, "xdpdns_interface_resyncs_total",
			"Interface lists read again after netlink overruns.",
			NULL, 0);
	metrics_gauge(b, "xdpdns_zone_signature_expiry_seconds", "Expiry.",
		      esc, 1.5e9);
	metrics_gauge(b, "xdpdns_weird", NULL, NULL, INFINITY);
	err = metrics_buf_finish(b, &text, &len);
	is_int(err, 0, "buffer finishes");
	ok(text && strlen(text) == len, "length matches the text");
	if (!text)
		return;
	is_int(check_exposition(text), 0, "rendered text passes the checker");
	ok(strstr(text, "# HELP xdpdns_requests_total Queries answered.\n"
			"# TYPE xdpdns_requests_total counter\n"
			"xdpdns_requests_total{path=\"daemon\",proto=\"udp\"} 7\n"
			"xdpdns_requests_total{path=\"daemon\",proto=\"tcp\"} 1\n"),
	   "family grouped with HELP and TYPE first");
	ok(strstr(text, "# HELP xdpdns_cache_entries Entries\\\\cached\\nnow.\n"),
	   "HELP text escaped");
	ok(strstr(text, "{zone=\"a\\\"b\\\\c\\nd\"} 1500000000\n"),
	   "label value escaped");
	ok(strstr(text, "xdpdns_upstream_rtt_seconds_bucket{upstream=\"192.0.2.1\",le=\"0.001\"} 2\n"
			"xdpdns_upstream_rtt_seconds_bucket{upstream=\"192.0.2.1\",le=\"0.01\"} 5\n"
			"xdpdns_upstream_rtt_seconds_bucket{upstream=\"192.0.2.1\",le=\"0.1\"} 5\n"
			"xdpdns_upstream_rtt_seconds_bucket{upstream=\"192.0.2.1\",le=\"+Inf\"} 6\n"
			"xdpdns_upstream_rtt_seconds_sum{upstream=\"192.0.2.1\"} 0.5\n"
			"xdpdns_upstream_rtt_seconds_count{upstream=\"192.0.2.1\"} 6\n"),
	   "histogram buckets cumulative, with _sum and _count");
	ok(strstr(text, "# TYPE xdpdns_weird gauge\nxdpdns_weird +Inf\n"),
	   "infinite gauge written +Inf, no HELP when none given");
	ok(check_exposition("a 1\nb 2\na 3\n") != 0,
	   "checker rejects a family split in two");
	ok(check_exposition("a{x=\"1\" 1\n") != 0,
	   "checker rejects a broken label set");
	free(text);

	b = metrics_buf_new();
	metrics_counter(b, "9bad", "x", NULL, 1);
	is_int(metrics_buf_finish(b, &text, NULL), -EINVAL,
	       "invalid metric name refused");
	ok(text == NULL, "no text on error");
	b = metrics_buf_new();
	metrics_counter(b, "x_total", "x", NULL, 1);
	metrics_gauge(b, "x_total", "x", NULL, 1);
	is_int(metrics_buf_finish(b, &text, NULL), -EINVAL,
	       "one family with two types refused");
	b = metrics_buf_new();
	metrics_counter(b, "x_total", "x",
			(const char *const[]){ "bad-label", "v", NULL }, 1);
	is_int(metrics_buf_finish(b, &text, NULL), -EINVAL,
	       "invalid label name refused");
	b = metrics_buf_new();
	is_int(metrics_buf_finish(b, &text, &len), 0, "empty buffer finishes");
	ok(text && len == 0 && text[0] == '\0', "empty buffer is empty text");
	free(text);
}

static void test_hist(void)
{
	static const double bad[] = { 1, 1 };
	struct metrics_hist h;
	struct metrics_buf *b;
	char *text = NULL;

	is_int(metrics_hist_init(&h, bad, 2), -EINVAL,
	       "bounds must increase");
	metrics_hist_init_rtt(&h);
	metrics_hist_observe(&h, 0.0004);
	metrics_hist_observe(&h, 0.003);
	metrics_hist_observe(&h, 30);
	b = metrics_buf_new();
	metrics_hist_render(b, "xdpdns_upstream_rtt_seconds", "RTT.", NULL, &h);
	is_int(metrics_buf_finish(b, &text, NULL), 0, "histogram renders");
	if (!text)
		return;
	ok(strstr(text, "xdpdns_upstream_rtt_seconds_bucket{le=\"0.001\"} 1\n") &&
		   strstr(text, "{le=\"0.005\"} 2\n") &&
		   strstr(text, "{le=\"4\"} 2\n") &&
		   strstr(text, "{le=\"+Inf\"} 3\n") &&
		   strstr(text, "xdpdns_upstream_rtt_seconds_count 3\n") &&
		   strstr(text, "xdpdns_upstream_rtt_seconds_sum 30.0034\n"),
	   "observations land in their buckets");
	is_int(check_exposition(text), 0, "histogram passes the checker");
	free(text);
}

/* --- HTTP -------------------------------------------------------------------- */

struct fake {
	int scrapes;
	bool ready;
	bool live;
};

static void fake_render(struct metrics_buf *b, void *arg)
{
	struct fake *f = arg;

	f->scrapes++;
	metrics_counter(b, "xdpdns_requests_total", "Queries answered.",
			(const char *const[]){ "path", "daemon", "proto", "udp",
					       NULL },
			(uint64_t)f->scrapes);
	metrics_counter(b, "xdpdns_validation_total", "Validations.",
			(const char *const[]){ "result", "secure", NULL }, 3);
}

static bool fake_ready(void *arg, const char **reason)
{
	struct fake *f = arg;

	if (!f->ready)
		*reason = "no upstream is up";
	return f->ready;
}

static bool fake_live(void *arg, const char **reason)
{
	return ((struct fake *)arg)->live;
}

static bool http_v6;

/* One HTTP/1.0 exchange; returns the status, fills @resp (headers+body). */
static int http(uint16_t port, const char *method, const char *path,
		char *resp, size_t size)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(port) };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6,
				     .sin6_port = htons(port),
				     .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct timeval tv = { .tv_sec = 5 };
	char req[256];
	size_t got = 0;
	int fd, status = -1;
	ssize_t n;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(http_v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (http_v6 ? connect(fd, (struct sockaddr *)&sin6, sizeof(sin6)) :
		      connect(fd, (struct sockaddr *)&sin, sizeof(sin)))
		goto out;
	n = snprintf(req, sizeof(req), "%s %s HTTP/1.0\r\nHost: test\r\n\r\n",
		     method, path);
	if (write(fd, req, (size_t)n) != n)
		goto out;
	while (got + 1 < size &&
	       (n = read(fd, resp + got, size - 1 - got)) > 0)
		got += (size_t)n;
	resp[got] = '\0';
	if (sscanf(resp, "HTTP/1.%*d %d", &status) != 1)
		status = -1;
out:
	close(fd);
	return status;
}

static void test_http(void)
{
	struct fake f = { .live = true };
	struct metrics *m = NULL;
	char resp[8192], *body;
	uint16_t port;
	int err;

	is_int(metrics_new("localhost:1", fake_render, &f, &m), -EINVAL,
	       "address must be numeric");
	is_int(metrics_new("127.0.0.1", fake_render, &f, &m), -EINVAL,
	       "port is required");
	err = metrics_new("127.0.0.1:0", fake_render, &f, &m);
	is_int(err, 0, "endpoint starts on 127.0.0.1, any port");
	if (err)
		return;
	ok(metrics_port(m) != 0, "bound port %u", metrics_port(m));
	{
		struct metrics *m2 = NULL;
		char taken[32];

		snprintf(taken, sizeof(taken), "127.0.0.1:%u", metrics_port(m));
		is_int(metrics_new(taken, fake_render, &f, &m2), -EADDRINUSE,
		       "a port in use is -EADDRINUSE");
		metrics_free(m2);
	}

	is_int(http(metrics_port(m), "GET", "/metrics", resp, sizeof(resp)),
	       200, "GET /metrics is 200");
	ok(strcasestr(resp, "\r\nContent-Type: text/plain; version=0.0.4; "
			    "charset=utf-8\r\n"),
	   "content type of the exposition format 0.0.4");
	body = strstr(resp, "\r\n\r\n");
	ok(body && strstr(body, "xdpdns_requests_total{path=\"daemon\","
				"proto=\"udp\"} 1\n"),
	   "body carries the rendered sample");
	is_int(body ? check_exposition(body + 4) : -1, 0,
	       "scraped body passes the checker");
	http(metrics_port(m), "GET", "/metrics", resp, sizeof(resp));
	ok(strstr(resp, "proto=\"udp\"} 2\n"), "each scrape renders again");

	is_int(http(metrics_port(m), "GET", "/healthz", resp, sizeof(resp)),
	       200, "healthz 200 with no liveness check");
	is_int(http(metrics_port(m), "GET", "/readyz", resp, sizeof(resp)),
	       503, "readyz 503 with no readiness check");
	metrics_set_checks(m, fake_live, fake_ready, &f);
	is_int(http(metrics_port(m), "GET", "/readyz", resp, sizeof(resp)),
	       503, "readyz 503 while not ready");
	ok(strstr(resp, "no upstream is up"), "the reason is in the body");
	f.ready = true;
	is_int(http(metrics_port(m), "GET", "/readyz", resp, sizeof(resp)),
	       200, "readyz 200 once ready");
	f.live = false;
	is_int(http(metrics_port(m), "GET", "/healthz", resp, sizeof(resp)),
	       503, "healthz follows the liveness check");
	is_int(http(metrics_port(m), "HEAD", "/metrics", resp, sizeof(resp)),
	       200, "HEAD /metrics is 200");
	is_int(http(metrics_port(m), "POST", "/metrics", resp, sizeof(resp)),
	       405, "POST is 405");
	ok(strcasestr(resp, "\r\nAllow: GET, HEAD\r\n"), "405 says what is allowed");
	is_int(http(metrics_port(m), "GET", "/nope", resp, sizeof(resp)), 404,
	       "unknown path is 404");
	port = metrics_port(m);
	metrics_free(m);
	is_int(http(port, "GET", "/healthz", resp, sizeof(resp)), -1,
	       "nothing answers once freed");
}

/*
 * Every documented family, served over HTTP the way the daemon will: the
 * XDP part from a real per-CPU map, the daemon's part from fixed values.
 * With XDPDNS_METRICS_SCRAPE=FILE the scraped body is saved there
 * (tests/integration/ops_metrics.t parses it with prometheus_client, and
 * docs/metrics.md shows it).
 */
static void demo_render(struct metrics_buf *b, void *arg)
{
	static const char *const rcodes[] = { "NOERROR", "NXDOMAIN", "SERVFAIL" };
	static const char *const results[] = { "secure", "insecure", "bogus",
					       "indeterminate" };
	static const double rtts[] = { 0.0008, 0.0021, 0.0035, 0.012, 0.4 };
	const struct refill_maps *maps = arg;
	struct metrics_hist h;
	unsigned int i;

	metrics_render_xdp(b, maps);
	metrics_counter(b, "xdpdns_requests_total", NULL,
			(const char *const[]){ "path", "daemon", "proto", "udp",
					       NULL }, 1843);
	metrics_counter(b, "xdpdns_requests_total", NULL,
			(const char *const[]){ "path", "daemon", "proto", "tcp",
					       NULL }, 12);
	for (i = 0; i < 3; i++)
		metrics_counter(b, "xdpdns_responses_total",
				"Answers sent by the daemon, by RCODE.",
				(const char *const[]){ "rcode", rcodes[i], NULL },
				(uint64_t)(1500 >> (4 * i)));
	metrics_counter(b, "xdpdns_cache_hits_total", NULL,
			(const char *const[]){ "cache", "daemon", NULL }, 950);
	metrics_gauge(b, "xdpdns_cache_entries", "Entries in a cache now.",
		      (const char *const[]){ "cache", "xdp", NULL }, 412);
	metrics_gauge(b, "xdpdns_cache_entries", NULL,
		      (const char *const[]){ "cache", "daemon", NULL }, 1377);
	for (i = 0; i < 4; i++)
		metrics_counter(b, "xdpdns_validation_total",
				"Validation verdicts (RFC 4035 4.3).",
				(const char *const[]){ "result", results[i], NULL },
				(uint64_t)(800 >> (3 * i)));
	metrics_counter(b, "xdpdns_ede_total",
			"Extended DNS Errors sent (RFC 8914), by INFO-CODE.",
			(const char *const[]){ "code", "6", NULL }, 3);
	metrics_counter(b, "xdpdns_upstream_requests_total",
			"Queries sent to each upstream.",
			(const char *const[]){ "upstream", "10.96.0.10:53", NULL },
			893);
	metrics_hist_init_rtt(&h);
	for (i = 0; i < 5; i++)
		metrics_hist_observe(&h, rtts[i]);
	metrics_hist_render(b, "xdpdns_upstream_rtt_seconds",
			    "Upstream round-trip times.",
			    (const char *const[]){ "upstream", "10.96.0.10:53",
						   NULL },
			    &h);
	metrics_counter(b, "xdpdns_audit_events_total",
			"DNSSEC audit events, by outcome.",
			(const char *const[]){ "result", "written", NULL }, 7);
	metrics_counter(b, "xdpdns_audit_events_total", NULL,
			(const char *const[]){ "result", "dropped", NULL }, 0);
	metrics_counter(b, "xdpdns_audit_events_total", NULL,
			(const char *const[]){ "result", "failed", NULL }, 0);
	metrics_gauge(b, "xdpdns_xdp_interfaces",
		      "Interfaces the XDP program is attached to.", NULL, 23);
	metrics_counter(b, "xdpdns_interface_resyncs_total",
			"Interface lists read again after netlink overruns.",
			NULL, 0);
	metrics_gauge(b, "xdpdns_zone_signature_expiry_seconds",
		      "Seconds until the earliest RRSIG expiration seen in a zone.",
		      (const char *const[]){ "zone", "mesh.internal.", NULL },
		      604800);
}

static void test_demo(const struct refill_maps *maps)
{
	struct metrics *m = NULL;
	static char resp[65536];
	const char *path = getenv("XDPDNS_METRICS_SCRAPE");
	char *body;
	FILE *f;

	/* Served on IPv6 loopback, as "[::1]:PORT" configurations are. */
	is_int(metrics_new("[::1]:0", demo_render, (void *)maps, &m), 0,
	       "endpoint starts on [::1]");
	if (!m)
		return;
	http_v6 = true;
	is_int(http(metrics_port(m), "GET", "/metrics", resp, sizeof(resp)),
	       200, "every documented family scraped");
	body = strstr(resp, "\r\n\r\n");
	is_int(body ? check_exposition(body + 4) : -1, 0,
	       "full scrape passes the checker");
	if (body && path && (f = fopen(path, "w"))) {
		fputs(body + 4, f);
		fclose(f);
	}
	http_v6 = false;
	metrics_free(m);
}

static void test_xdp(void)
{
	struct refill_maps maps = { .cache_fd = -1, .listen_fd = -1,
				    .info_fd = -1 };
	struct xdpdns_stats *vals;
	struct metrics_buf *b;
	int ncpu = libbpf_num_possible_cpus(), cpu, err;
	char *text = NULL, want[128];
	__u32 zero = 0;

	maps.stats_fd = bpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, "xdpdns_stats",
				       4, sizeof(struct xdpdns_stats), 1, NULL);
	if (maps.stats_fd < 0 || ncpu <= 0) {
		ok(1, "# SKIP no BPF map (%s)", strerror(errno));
		return;
	}
	vals = calloc((size_t)ncpu, sizeof(*vals));
	for (cpu = 0; cpu < ncpu; cpu++) {
		vals[cpu].counter[XDPDNS_CNT_SEEN] = 10;
		vals[cpu].counter[XDPDNS_CNT_ANSWERED] = (uint64_t)cpu + 1;
		vals[cpu].counter[XDPDNS_CNT_BYTES_SENT] = 100;
	}
	err = bpf_map_update_elem(maps.stats_fd, &zero, vals, BPF_ANY);
	is_int(err, 0, "per-CPU counters written");
	b = metrics_buf_new();
	is_int(metrics_render_xdp(b, &maps), 0, "XDP counters rendered");
	metrics_counter(b, "xdpdns_requests_total", NULL,
			(const char *const[]){ "path", "daemon", "proto", "udp",
					       NULL },
			5);
	is_int(metrics_buf_finish(b, &text, NULL), 0, "buffer finishes");
	if (text) {
		snprintf(want, sizeof(want),
			 "xdpdns_xdp_packets_total{counter=\"seen\"} %d\n",
			 10 * ncpu);
		ok(strstr(text, want), "seen summed over %d CPUs", ncpu);
		snprintf(want, sizeof(want),
			 "xdpdns_requests_total{path=\"xdp\",proto=\"udp\"} %d\n"
			 "xdpdns_requests_total{path=\"daemon\",proto=\"udp\"} 5\n",
			 ncpu * (ncpu + 1) / 2);
		ok(strstr(text, want), "XDP and daemon requests in one family");
		ok(strstr(text, "{counter=\"drop_aborted\"} 0\n") &&
			   !strstr(text, "{counter=\"bytes_sent\"}"),
		   "every packet counter, bytes apart");
		snprintf(want, sizeof(want), "xdpdns_xdp_sent_bytes_total %d\n",
			 100 * ncpu);
		ok(strstr(text, want), "bytes sent summed");
		is_int(check_exposition(text), 0, "passes the checker");
	}
	free(text);
	test_demo(&maps);
	free(vals);
	close(maps.stats_fd);
	maps.stats_fd = -1;
	b = metrics_buf_new();
	ok(metrics_render_xdp(b, &maps) < 0, "closed map is an error");
	metrics_buf_free(b);
}

int main(void)
{
	test_buffer();
	test_hist();
	test_http();
	test_xdp();
	done_testing();
}
