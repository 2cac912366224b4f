// SPDX-License-Identifier: GPL-2.0
/* What xdpdnsd serves on its metrics endpoint, and its readiness check. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>

#include "audit.h"
#include "cache.h"
#include "daemon_metrics.h"
#include "dns/name.h"
#include "kernel.h"
#include "metrics.h"
#include "server.h"
#include "upstream.h"
#include "zones.h"

/* RFC 1035 4.1.1, RFC 6895 2.3: the 4-bit header RCODEs by name. */
static const char *const rcode_names[16] = {
	"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
	"YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE", "DSOTYPENI",
	"RCODE12", "RCODE13", "RCODE14", "RCODE15",
};

/*
 * Entries in the kernel cache now: its keys walked once, bounded by the
 * map's capacity (the map has no counter of its own; an LRU hash keeps
 * at most max_entries keys).
 */
static long kernel_cache_count(const struct refill_maps *maps, uint32_t cap)
{
	struct xdpdns_cache_key key;
	long n = 0;

	if (bpf_map_get_next_key(maps->cache_fd, NULL, &key))
		return errno == ENOENT ? 0 : -errno;
	for (n = 1; n < (long)cap; n++)
		if (bpf_map_get_next_key(maps->cache_fd, &key, &key))
			break;
	return n;
}

struct expiry_ctx {
	struct metrics_buf *buf;
	int64_t now;
};

static int zone_expiry(const struct zone_info *zi, void *arg)
{
	struct expiry_ctx *x = arg;
	char zone[DNS_NAME_TEXT_MAXLEN];
	const char *labels[] = { "zone", zone, NULL };

	if (!zi->has_expiry)
		return 0;
	dns_name_to_text(zi->name, zone, sizeof(zone));
	metrics_gauge(x->buf, "xdpdns_zone_signature_expiry_seconds",
		      "Seconds until the earliest RRSIG expiration seen in a zone.",
		      labels, (double)((int64_t)zi->expiry - x->now));
	return 0;
}

static void render_upstreams(struct metrics_buf *buf, struct server *srv)
{
	static struct upstream_info info[CONFIG_MAX_UPSTREAMS];	/* one scrape at a time */
	unsigned int n = upstream_set_info(srv->ups, server_now_ms(), info);

	for (unsigned int i = 0; i < n; i++) {
		const char *labels[] = { "upstream", info[i].text, NULL };

		metrics_counter(buf, "xdpdns_upstream_requests_total",
				"Queries sent to each upstream.", labels, info[i].st.sent);
		metrics_hist_render(buf, "xdpdns_upstream_rtt_seconds",
				    "Upstream round-trip times.", labels, &info[i].rtt);
	}
}

static void render_validation(struct metrics_buf *buf, struct server_stats *st)
{
	static const char *const help = "Validation verdicts (RFC 4035 4.3).";
	static const char *const name = "xdpdns_validation_total";
	static const char *const sig = "xdpdns_signature_cache_total";
	static const char *const sig_help = "RRSIG verifications answered by the "
		"cache of verified signatures (hit) or done with public-key math (miss).";

	metrics_counter(buf, name, help, (const char *const[]){ "result", "secure", NULL },
			STAT_GET(st->secure));
	metrics_counter(buf, name, help, (const char *const[]){ "result", "insecure", NULL },
			STAT_GET(st->insecure));
	metrics_counter(buf, name, help, (const char *const[]){ "result", "bogus", NULL },
			STAT_GET(st->bogus));
	metrics_counter(buf, name, help,
			(const char *const[]){ "result", "indeterminate", NULL },
			STAT_GET(st->indeterminate));
	metrics_counter(buf, sig, sig_help, (const char *const[]){ "result", "hit", NULL },
			STAT_GET(st->sigcache_hits));
	metrics_counter(buf, sig, sig_help, (const char *const[]){ "result", "miss", NULL },
			STAT_GET(st->sigcache_misses));
	for (unsigned int i = 0; i < SERVER_EDE_CODES; i++) {
		uint64_t v = STAT_GET(st->ede[i]);
		char code[8];

		/* Only codes sent at least once: 64 zero series say nothing. */
		if (!v)
			continue;
		snprintf(code, sizeof(code), "%u", i);
		metrics_counter(buf, "xdpdns_ede_total",
				"Extended DNS Errors sent (RFC 8914), by INFO-CODE.",
				(const char *const[]){ "code", code, NULL }, v);
	}
}

void daemon_metrics_render(struct metrics_buf *buf, void *arg)
{
	static const char *const req_help = "Queries by path (xdp: answered by the "
		"XDP program; daemon: received by the daemon) and transport.";
	struct daemon_obs *o = arg;
	struct server *srv = o->srv;
	struct server_stats *st = &srv->stats;
	const struct refill_maps *kmaps = __atomic_load_n(&srv->kmaps, __ATOMIC_ACQUIRE);
	struct expiry_ctx x = { .buf = buf, .now = (int64_t)time(NULL) };
	struct cache_stats cs;

	if (kmaps)
		metrics_render_xdp(buf, kmaps);
	metrics_counter(buf, "xdpdns_requests_total", req_help,
			(const char *const[]){ "path", "daemon", "proto", "udp", NULL },
			STAT_GET(st->queries_udp));
	metrics_counter(buf, "xdpdns_requests_total", req_help,
			(const char *const[]){ "path", "daemon", "proto", "tcp", NULL },
			STAT_GET(st->queries_tcp));
	cache_get_stats(srv->cache, &cs);
	metrics_counter(buf, "xdpdns_cache_hits_total", "Answers served from a cache.",
			(const char *const[]){ "cache", "daemon", NULL }, cs.hits);
	metrics_counter(buf, "xdpdns_cache_misses_total",
			"Lookups the daemon's cache could not answer.",
			(const char *const[]){ "cache", "daemon", NULL }, cs.misses);
	for (unsigned int i = 0; i < 16; i++) {
		uint64_t v = STAT_GET(st->answers_rcode[i]);

		/* The common three always, the rest once seen. */
		if (!v && i > 3)
			continue;
		metrics_counter(buf, "xdpdns_responses_total",
				"Answers sent by the daemon, by RCODE.",
				(const char *const[]){ "rcode", rcode_names[i], NULL }, v);
	}
	metrics_gauge(buf, "xdpdns_cache_entries", "Entries in a cache now.",
		      (const char *const[]){ "cache", "daemon", NULL }, (double)cs.entries);
	if (kmaps && o->kern) {
		long n = kernel_cache_count(kmaps, o->kern->cache_entries);

		if (n >= 0)
			metrics_gauge(buf, "xdpdns_cache_entries", "Entries in a cache now.",
				      (const char *const[]){ "cache", "xdp", NULL }, (double)n);
	}
	render_validation(buf, st);
	render_upstreams(buf, srv);
	if (o->audit) {
		uint64_t written, dropped, failed;
		static const char *const help = "DNSSEC audit events, by outcome.";

		audit_stats(o->audit, &written, &dropped, &failed);
		metrics_counter(buf, "xdpdns_audit_events_total", help,
				(const char *const[]){ "result", "written", NULL }, written);
		metrics_counter(buf, "xdpdns_audit_events_total", help,
				(const char *const[]){ "result", "dropped", NULL }, dropped);
		metrics_counter(buf, "xdpdns_audit_events_total", help,
				(const char *const[]){ "result", "failed", NULL }, failed);
	}
	if (o->kern) {
		metrics_gauge(buf, "xdpdns_xdp_interfaces",
			      "Interfaces the XDP program is attached to.", NULL,
			      (double)__atomic_load_n(&o->xdp_ifaces, __ATOMIC_RELAXED));
		metrics_counter(buf, "xdpdns_interface_resyncs_total",
				"Interface lists read again after netlink overruns.", NULL,
				__atomic_load_n(&o->if_resyncs, __ATOMIC_RELAXED));
	}
	if (srv->zones)
		zones_foreach(srv->zones, zone_expiry, &x);
}

bool daemon_ready(void *arg, const char **reason)
{
	static struct upstream_info info[CONFIG_MAX_UPSTREAMS];
	struct daemon_obs *o = arg;
	struct server *srv = o->srv;
	bool want_anchors, have_anchors;
	unsigned int n, up = 0;

	pthread_rwlock_rdlock(&srv->cfg_lock);
	want_anchors = srv->cfg.trust_anchor_count > 0;
	have_anchors = srv->anchors != NULL;
	pthread_rwlock_unlock(&srv->cfg_lock);
	if (want_anchors && !have_anchors) {
		*reason = "trust anchors not loaded";
		return false;
	}
	/* Called on the HTTP thread only, one request at a time: the static
	 * snapshot is not shared. */
	n = upstream_set_info(srv->ups, server_now_ms(), info);
	for (unsigned int i = 0; i < n; i++)
		up += info[i].up;
	if (!up) {
		*reason = n ? "every upstream is down" : "no upstream configured";
		return false;
	}
	return true;
}
