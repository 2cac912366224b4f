// SPDX-License-Identifier: GPL-2.0
/* Prometheus metrics and health endpoints over HTTP (libmicrohttpd). */

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "metrics.h"
#include "refill.h"

/* Text exposition format 0.0.4, the one every Prometheus version scrapes. */
#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"
#define METRICS_MAX_CONNECTIONS 16
#define METRICS_CONN_TIMEOUT_S 10

/* --- growable strings ----------------------------------------------------- */

struct strbuf {
	char *data;
	size_t len, cap;
};

static int sb_reserve(struct strbuf *sb, size_t more)
{
	size_t cap;
	char *p;

	if (sb->len + more + 1 <= sb->cap)
		return 0;
	cap = sb->cap ? sb->cap : 256;
	while (cap < sb->len + more + 1)
		cap *= 2;
	p = realloc(sb->data, cap);
	if (!p)
		return -ENOMEM;
	sb->data = p;
	sb->cap = cap;
	return 0;
}

static int sb_add(struct strbuf *sb, const char *s, size_t n)
{
	if (sb_reserve(sb, n))
		return -ENOMEM;
	memcpy(sb->data + sb->len, s, n);
	sb->len += n;
	sb->data[sb->len] = '\0';
	return 0;
}

static int sb_str(struct strbuf *sb, const char *s)
{
	return sb_add(sb, s, strlen(s));
}

static int sb_printf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	if (sb_reserve(sb, (size_t)n))
		return -ENOMEM;
	va_start(ap, fmt);
	vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
	return 0;
}

/*
 * Escaping of the exposition format: in label values backslash, double
 * quote and line feed become \\, \" and \n; in HELP text only backslash and
 * line feed are escaped.
 */
static int sb_escaped(struct strbuf *sb, const char *s, bool quote)
{
	int err = 0;

	for (; *s && !err; s++) {
		if (*s == '\\')
			err = sb_add(sb, "\\\\", 2);
		else if (*s == '\n')
			err = sb_add(sb, "\\n", 2);
		else if (*s == '"' && quote)
			err = sb_add(sb, "\\\"", 2);
		else
			err = sb_add(sb, s, 1);
	}
	return err;
}

/* A float as Go's ParseFloat reads it, in the fewest digits that round-trip. */
static void format_double(char *out, size_t size, double v)
{
	int prec;

	if (isnan(v)) {
		snprintf(out, size, "NaN");
		return;
	}
	if (isinf(v)) {
		snprintf(out, size, v > 0 ? "+Inf" : "-Inf");
		return;
	}
	/* Whole numbers (entry counts, expiry times) stay plain integers. */
	if (v == trunc(v) && fabs(v) < 1e15) {
		snprintf(out, size, "%.0f", v);
		return;
	}
	for (prec = 1; prec < 17; prec++) {
		snprintf(out, size, "%.*g", prec, v);
		if (strtod(out, NULL) == v)
			return;
	}
	snprintf(out, size, "%.17g", v);
}

/* --- families --------------------------------------------------------------- */

enum family_type { FAMILY_COUNTER, FAMILY_GAUGE, FAMILY_HISTOGRAM };

static const char *const family_type_names[] = {
	[FAMILY_COUNTER] = "counter",
	[FAMILY_GAUGE] = "gauge",
	[FAMILY_HISTOGRAM] = "histogram",
};

struct family {
	char *name;
	char *help;
	enum family_type type;
	struct strbuf samples;
};

/**
 * struct metrics_buf - samples grouped by family, in first-seen order.
 * @err: the first error of a helper, reported by metrics_buf_finish().
 */
struct metrics_buf {
	struct family *fam;
	size_t nfam, capfam;
	int err;
};

struct metrics_buf *metrics_buf_new(void)
{
	return calloc(1, sizeof(struct metrics_buf));
}

void metrics_buf_free(struct metrics_buf *buf)
{
	size_t i;

	if (!buf)
		return;
	for (i = 0; i < buf->nfam; i++) {
		free(buf->fam[i].name);
		free(buf->fam[i].help);
		free(buf->fam[i].samples.data);
	}
	free(buf->fam);
	free(buf);
}

static bool valid_name(const char *s, bool colon)
{
	const char *p;

	if (!s || !*s || (*s >= '0' && *s <= '9'))
		return false;
	for (p = s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' || (colon && *p == ':'))
			continue;
		return false;
	}
	return true;
}

static void buf_error(struct metrics_buf *buf, int err)
{
	if (!buf->err)
		buf->err = err;
}

/* The family @name of @type, created on first use; NULL on error. */
static struct family *family_get(struct metrics_buf *buf, const char *name,
				 const char *help, enum family_type type)
{
	struct family *f;
	size_t i;

	if (!valid_name(name, true)) {
		buf_error(buf, -EINVAL);
		return NULL;
	}
	for (i = 0; i < buf->nfam; i++) {
		f = &buf->fam[i];
		if (strcmp(f->name, name))
			continue;
		if (f->type != type) {
			buf_error(buf, -EINVAL);
			return NULL;
		}
		if (!f->help && help && !(f->help = strdup(help))) {
			buf_error(buf, -ENOMEM);
			return NULL;
		}
		return f;
	}
	if (buf->nfam == buf->capfam) {
		size_t cap = buf->capfam ? buf->capfam * 2 : 16;

		f = realloc(buf->fam, cap * sizeof(*f));
		if (!f) {
			buf_error(buf, -ENOMEM);
			return NULL;
		}
		buf->fam = f;
		buf->capfam = cap;
	}
	f = &buf->fam[buf->nfam];
	memset(f, 0, sizeof(*f));
	f->type = type;
	f->name = strdup(name);
	f->help = help ? strdup(help) : NULL;
	if (!f->name || (help && !f->help)) {
		free(f->name);
		free(f->help);
		buf_error(buf, -ENOMEM);
		return NULL;
	}
	buf->nfam++;
	return f;
}

/*
 * One sample line: NAME{labels[,le="X"]} VALUE. @suffix is appended to the
 * family name (histogram parts), @le is the bucket bound or NULL.
 */
static void sample_line(struct metrics_buf *buf, struct family *f,
			const char *suffix, const char *const *labels,
			const char *le, const char *value)
{
	struct strbuf *sb = &f->samples;
	bool any = false;
	int err;
	size_t i;

	err = sb_printf(sb, "%s%s", f->name, suffix);
	for (i = 0; labels && labels[i] && !err; i += 2) {
		if (!labels[i + 1] || !valid_name(labels[i], false) ||
		    !strncmp(labels[i], "__", 2) ||
		    (le && !strcmp(labels[i], "le"))) {
			buf_error(buf, -EINVAL);
			return;
		}
		err = sb_printf(sb, "%s%s=\"", any ? "," : "{", labels[i]);
		if (!err)
			err = sb_escaped(sb, labels[i + 1], true);
		if (!err)
			err = sb_str(sb, "\"");
		any = true;
	}
	if (le && !err) {
		err = sb_printf(sb, "%sle=\"%s\"", any ? "," : "{", le);
		any = true;
	}
	if (!err && any)
		err = sb_str(sb, "}");
	if (!err)
		err = sb_printf(sb, " %s\n", value);
	if (err)
		buf_error(buf, err);
}

void metrics_counter(struct metrics_buf *buf, const char *name,
		     const char *help, const char *const *labels,
		     uint64_t value)
{
	struct family *f = family_get(buf, name, help, FAMILY_COUNTER);
	char v[24];

	if (!f)
		return;
	snprintf(v, sizeof(v), "%llu", (unsigned long long)value);
	sample_line(buf, f, "", labels, NULL, v);
}

void metrics_gauge(struct metrics_buf *buf, const char *name,
		   const char *help, const char *const *labels, double value)
{
	struct family *f = family_get(buf, name, help, FAMILY_GAUGE);
	char v[32];

	if (!f)
		return;
	format_double(v, sizeof(v), value);
	sample_line(buf, f, "", labels, NULL, v);
}

void metrics_histogram(struct metrics_buf *buf, const char *name,
		       const char *help, const char *const *labels,
		       const double *bounds, const uint64_t *counts,
		       size_t nbounds, double sum)
{
	struct family *f = family_get(buf, name, help, FAMILY_HISTOGRAM);
	unsigned long long total = 0;
	char le[32], v[32];
	size_t i;

	if (!f)
		return;
	/* Buckets are cumulative: each counts everything at or below it. */
	for (i = 0; i <= nbounds; i++) {
		if (i < nbounds && i > 0 && !(bounds[i] > bounds[i - 1])) {
			buf_error(buf, -EINVAL);
			return;
		}
		total += counts[i];
		if (i < nbounds)
			format_double(le, sizeof(le), bounds[i]);
		else
			snprintf(le, sizeof(le), "+Inf");
		snprintf(v, sizeof(v), "%llu", total);
		sample_line(buf, f, "_bucket", labels, le, v);
	}
	format_double(v, sizeof(v), sum);
	sample_line(buf, f, "_sum", labels, NULL, v);
	snprintf(v, sizeof(v), "%llu", total);
	sample_line(buf, f, "_count", labels, NULL, v);
}

int metrics_buf_finish(struct metrics_buf *buf, char **text, size_t *len)
{
	struct strbuf out = { 0 };
	int err = buf->err;
	size_t i;

	*text = NULL;
	for (i = 0; i < buf->nfam && !err; i++) {
		struct family *f = &buf->fam[i];

		if (f->help) {
			err = sb_printf(&out, "# HELP %s ", f->name);
			if (!err)
				err = sb_escaped(&out, f->help, false);
			if (!err)
				err = sb_str(&out, "\n");
		}
		if (!err)
			err = sb_printf(&out, "# TYPE %s %s\n", f->name,
					family_type_names[f->type]);
		if (!err && f->samples.len)
			err = sb_add(&out, f->samples.data, f->samples.len);
	}
	if (!err && !out.data && !(err = sb_reserve(&out, 0)))
		out.data[0] = '\0';
	metrics_buf_free(buf);
	if (err) {
		free(out.data);
		return err;
	}
	*text = out.data;
	if (len)
		*len = out.len;
	return 0;
}

/* --- lock-free histogram ---------------------------------------------------- */

int metrics_hist_init(struct metrics_hist *h, const double *bounds,
		      size_t nbounds)
{
	size_t i;

	if (nbounds > METRICS_HIST_MAX_BOUNDS)
		return -EINVAL;
	for (i = 1; i < nbounds; i++)
		if (!(bounds[i] > bounds[i - 1]))
			return -EINVAL;
	memset(h, 0, sizeof(*h));
	memcpy(h->bounds, bounds, nbounds * sizeof(*bounds));
	h->nbounds = nbounds;
	return 0;
}

void metrics_hist_init_rtt(struct metrics_hist *h)
{
	static const double rtt[] = { 0.001, 0.0025, 0.005, 0.01, 0.025,
				      0.05,  0.1,    0.25,  0.5,  1,
				      2,     4 };

	metrics_hist_init(h, rtt, sizeof(rtt) / sizeof(rtt[0]));
}

void metrics_hist_observe(struct metrics_hist *h, double value)
{
	uint64_t old, new;
	double sum;
	size_t i;

	for (i = 0; i < h->nbounds; i++)
		if (value <= h->bounds[i])
			break;
	__atomic_fetch_add(&h->counts[i], 1, __ATOMIC_RELAXED);
	/* A double has no atomic add: compare-and-swap its bits. */
	old = __atomic_load_n(&h->sum_bits, __ATOMIC_RELAXED);
	do {
		memcpy(&sum, &old, sizeof(sum));
		sum += value;
		memcpy(&new, &sum, sizeof(new));
	} while (!__atomic_compare_exchange_n(&h->sum_bits, &old, new, true,
					      __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
}

void metrics_hist_render(struct metrics_buf *buf, const char *name,
			 const char *help, const char *const *labels,
			 const struct metrics_hist *h)
{
	uint64_t counts[METRICS_HIST_MAX_BOUNDS + 1], bits;
	double sum;
	size_t i;

	for (i = 0; i <= h->nbounds; i++)
		counts[i] = __atomic_load_n(&h->counts[i], __ATOMIC_RELAXED);
	bits = __atomic_load_n(&h->sum_bits, __ATOMIC_RELAXED);
	memcpy(&sum, &bits, sizeof(sum));
	metrics_histogram(buf, name, help, labels, h->bounds, counts,
			  h->nbounds, sum);
}

/* --- the kernel part ---------------------------------------------------------- */

int metrics_render_xdp(struct metrics_buf *buf, const struct refill_maps *maps)
{
	static const char *const xdp_udp[] = { "path", "xdp", "proto", "udp",
					       NULL };
	static const char *const xdp_cache[] = { "cache", "xdp", NULL };
	struct xdpdns_stats sum;
	int i, ret;

	ret = refill_stats_read(maps, &sum, NULL, 0);
	if (ret < 0)
		return ret;
	for (i = 0; i < XDPDNS_CNT_MAX; i++) {
		const char *labels[] = { "counter", refill_counter_name(i),
					 NULL };

		if (i == XDPDNS_CNT_BYTES_SENT || !labels[1])
			continue;
		metrics_counter(buf, "xdpdns_xdp_packets_total",
				"Packets seen by the XDP program, by outcome.",
				labels, sum.counter[i]);
	}
	metrics_counter(buf, "xdpdns_xdp_sent_bytes_total",
			"Frame bytes of the answers the XDP program sent.",
			NULL, sum.counter[XDPDNS_CNT_BYTES_SENT]);
	metrics_counter(buf, "xdpdns_requests_total",
			"Queries by path (xdp: answered by the XDP program; "
			"daemon: received by the daemon) and transport.",
			xdp_udp,
			sum.counter[XDPDNS_CNT_ANSWERED]);
	metrics_counter(buf, "xdpdns_cache_hits_total",
			"Answers served from a cache.", xdp_cache,
			sum.counter[XDPDNS_CNT_ANSWERED]);
	return 0;
}

/* --- the HTTP endpoint -------------------------------------------------------- */

struct metrics_checks {
	metrics_check_fn live, ready;
	void *arg;
};

/**
 * struct metrics - the endpoint.
 * @daemon:  the libmicrohttpd server (its own polling thread).
 * @render:  the caller's render function and argument.
 * @lock:    guards @checks (set by the daemon, read by the HTTP thread).
 * @port:    bound port.
 */
struct metrics {
	struct MHD_Daemon *daemon;
	metrics_render_fn render;
	void *arg;
	pthread_mutex_t lock;
	struct metrics_checks checks;
	uint16_t port;
};

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned int status,
			     const char *type, char *body, size_t len,
			     bool owned)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	if (owned)
		resp = MHD_create_response_from_buffer(len, body,
						       MHD_RESPMEM_MUST_FREE);
	else
		resp = MHD_create_response_from_buffer(len, body,
						       MHD_RESPMEM_PERSISTENT);
	if (!resp) {
		if (owned)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result reply_text(struct MHD_Connection *conn,
				  unsigned int status, const char *text)
{
	char *body;
	int n;

	n = asprintf(&body, "%s\n", text);
	if (n < 0)
		return MHD_NO;
	return reply(conn, status, "text/plain; charset=utf-8", body,
		     (size_t)n, true);
}

static enum MHD_Result serve_check(struct metrics *m,
				   struct MHD_Connection *conn, bool readiness)
{
	struct metrics_checks c;
	const char *reason = NULL;
	bool good;

	pthread_mutex_lock(&m->lock);
	c = m->checks;
	pthread_mutex_unlock(&m->lock);
	if (readiness) {
		good = c.ready && c.ready(c.arg, &reason);
		if (!c.ready)
			reason = "no readiness check installed";
	} else {
		good = !c.live || c.live(c.arg, &reason);
	}
	if (good)
		return reply_text(conn, MHD_HTTP_OK, "ok");
	return reply_text(conn, MHD_HTTP_SERVICE_UNAVAILABLE,
			  reason ? reason : "not ready");
}

static enum MHD_Result serve_metrics(struct metrics *m,
				     struct MHD_Connection *conn)
{
	struct metrics_buf *buf = metrics_buf_new();
	size_t len;
	char *text;

	if (!buf)
		return reply_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
				  "out of memory");
	m->render(buf, m->arg);
	if (metrics_buf_finish(buf, &text, &len))
		return reply_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
				  "metrics could not be rendered");
	return reply(conn, MHD_HTTP_OK, METRICS_CONTENT_TYPE, text, len, true);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn,
			      const char *url, const char *method,
			      const char *version, const char *upload_data,
			      size_t *upload_data_size, void **con_cls)
{
	struct metrics *m = cls;

	/* Request bodies are not expected; refuse them rather than buffer. */
	if (*upload_data_size)
		return MHD_NO;
	if (strcmp(url, "/metrics") && strcmp(url, "/healthz") &&
	    strcmp(url, "/readyz"))
		return reply_text(conn, MHD_HTTP_NOT_FOUND, "not found");
	if (strcmp(method, MHD_HTTP_METHOD_GET) &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
				  "method not allowed");
	if (!strcmp(url, "/metrics"))
		return serve_metrics(m, conn);
	return serve_check(m, conn, !strcmp(url, "/readyz"));
}

/* "a.b.c.d:port" or "[v6]:port" into a socket address. */
static int parse_addr_port(const char *s, struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	char host[INET6_ADDRSTRLEN + 1];
	const char *colon, *hb = s, *he;
	unsigned long port;
	char *end;

	memset(ss, 0, sizeof(*ss));
	if (*s == '[') {
		hb = s + 1;
		he = strchr(hb, ']');
		if (!he || he[1] != ':')
			return -EINVAL;
		colon = he + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return -EINVAL;
		he = colon;
	}
	if ((size_t)(he - hb) >= sizeof(host) || !colon[1])
		return -EINVAL;
	memcpy(host, hb, (size_t)(he - hb));
	host[he - hb] = '\0';
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (*end || errno || port > 65535)
		return -EINVAL;
	if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		return 0;
	}
	return -EINVAL;
}

int metrics_new(const char *addr_port, metrics_render_fn render, void *arg,
		struct metrics **out)
{
	const union MHD_DaemonInfo *info;
	struct sockaddr_storage ss;
	unsigned int flags;
	struct metrics *m;
	int err;

	*out = NULL;
	if (!render)
		return -EINVAL;
	err = parse_addr_port(addr_port, &ss);
	if (err)
		return err;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->render = render;
	m->arg = arg;
	pthread_mutex_init(&m->lock, NULL);
	/*
	 * One internal thread polls every connection: scrapes are rare and
	 * small, and the daemon's workers never wait for this thread.
	 */
	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	errno = 0;
	m->daemon = MHD_start_daemon(
		flags, 0, NULL, NULL, handle, m, MHD_OPTION_SOCK_ADDR,
		(const struct sockaddr *)&ss, MHD_OPTION_CONNECTION_LIMIT,
		(unsigned int)METRICS_MAX_CONNECTIONS,
		MHD_OPTION_CONNECTION_TIMEOUT,
		(unsigned int)METRICS_CONN_TIMEOUT_S, MHD_OPTION_END);
	if (!m->daemon) {
		/* libmicrohttpd leaves the cause of a failed bind in errno. */
		err = errno ? -errno : -EADDRNOTAVAIL;
		goto out;
	}
	info = MHD_get_daemon_info(m->daemon, MHD_DAEMON_INFO_BIND_PORT);
	if (!info) {
		err = -EIO;
		goto out;
	}
	m->port = info->port;
	*out = m;
	return 0;
out:
	metrics_free(m);
	return err;
}

void metrics_set_checks(struct metrics *m, metrics_check_fn live,
			metrics_check_fn ready, void *arg)
{
	pthread_mutex_lock(&m->lock);
	m->checks.live = live;
	m->checks.ready = ready;
	m->checks.arg = arg;
	pthread_mutex_unlock(&m->lock);
}

uint16_t metrics_port(const struct metrics *m)
{
	return m->port;
}

void metrics_free(struct metrics *m)
{
	if (!m)
		return;
	if (m->daemon)
		MHD_stop_daemon(m->daemon);
	pthread_mutex_destroy(&m->lock);
	free(m);
}
