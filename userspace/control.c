// SPDX-License-Identifier: GPL-2.0
/* The control socket: line-based JSON requests and responses, commands in
 * a table so that new ones (for the CLI) are one entry each. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "kernel.h"
#include "proof_daemon.h"
#include "dns/name.h"
#include "dns/rr.h"
#include "dnssec/anchor.h"
#include "dnssec/keytag.h"
#include "resolve.h"
#include "trust.h"
#include "upstream.h"
#include "util/error.h"
#include "xdpdns/version.h"
#include "zones.h"

struct control {
	struct server *srv;
	int fd;
	char path[108];
	int (*reload)(void *arg);
	void *reload_arg;
	char errmsg[256];	/* a command's own error text, "" for none */
};

/* A command's failure in its own words (instead of the code's text). */
static int ctl_fail(struct control *ctl, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int ctl_fail(struct control *ctl, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctl->errmsg, sizeof(ctl->errmsg), fmt, ap);
	va_end(ap);
	return code;
}

/* --- a growing string for the JSON answer ------------------------------ */

struct jbuf {
	char *s;
	size_t len, cap;
	bool oom;
};

static void jb_printf(struct jbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void jb_printf(struct jbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		if (b->oom)
			return;
		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0,
			      fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (b->s && b->len + (size_t)n < b->cap) {
			b->len += (size_t)n;
			return;
		}
		size_t cap = (b->cap ? b->cap * 2 : 1024) + (size_t)n;
		char *s = realloc(b->s, cap);

		if (!s) {
			b->oom = true;
			return;
		}
		b->s = s;
		b->cap = cap;
	}
}

/* A JSON string value (RFC 8259 7), quotes included. */
static void jb_str(struct jbuf *b, const char *s)
{
	jb_printf(b, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			jb_printf(b, "\\%c", c);
		else if (c < 0x20)
			jb_printf(b, "\\u%04x", c);
		else
			jb_printf(b, "%c", c);
	}
	jb_printf(b, "\"");
}

/* --- request parsing: one flat JSON object of strings and integers ------- */

/* The string value of "key" in a flat object, or NULL. Enough for our
 * requests, whose values are plain names without escapes. */
static bool req_get(const char *line, const char *key, char *out, size_t cap)
{
	char pat[64];
	const char *p, *end;

	snprintf(pat, sizeof(pat), "\"%s\"", key);
	p = strstr(line, pat);
	if (!p)
		return false;
	p += strlen(pat);
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p++ != ':')
		return false;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '"') {
		end = strchr(++p, '"');
	} else {
		end = p;
		while (*end && *end != ',' && *end != '}' && *end != ' ')
			end++;
	}
	if (!end || (size_t)(end - p) >= cap)
		return false;
	memcpy(out, p, (size_t)(end - p));
	out[end - p] = '\0';
	return true;
}

/* --- commands --------------------------------------------------------------- */

typedef int (*control_fn)(struct control *ctl, const char *req, struct jbuf *b);

static int do_stats(struct control *ctl, const char *req, struct jbuf *b)
{
	struct server *srv = ctl->srv;
	struct server_stats *st = &srv->stats;
	struct upstream_info ui[CONFIG_MAX_UPSTREAMS];
	struct cache_stats cs;
	unsigned int n;
	static const char *const rcodes[16] = {
		"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
		"YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE", "DSOTYPENI",
		"RCODE12", "RCODE13", "RCODE14", "RCODE15",
	};

	cache_get_stats(srv->cache, &cs);
	jb_printf(b, "{\"uptime\":%llu,\"workers\":%u,",
		  (unsigned long long)(time(NULL) - (time_t)srv->started), srv->nworkers);
	jb_printf(b, "\"queries\":{\"udp\":%llu,\"tcp\":%llu,\"dropped\":%llu,"
		  "\"formerr\":%llu,\"coalesced\":%llu,\"inflight\":%zu,"
		  "\"inflight_full\":%llu,\"failed\":%llu},",
		  (unsigned long long)STAT_GET(st->queries_udp),
		  (unsigned long long)STAT_GET(st->queries_tcp),
		  (unsigned long long)STAT_GET(st->queries_dropped),
		  (unsigned long long)STAT_GET(st->queries_formerr),
		  (unsigned long long)STAT_GET(st->coalesced),
		  resolve_table_count(srv->table),
		  (unsigned long long)STAT_GET(st->inflight_full),
		  (unsigned long long)STAT_GET(st->failures));
	jb_printf(b, "\"answers\":{");
	for (int i = 0; i < 16; i++)
		jb_printf(b, "\"%s\":%llu,", rcodes[i],
			  (unsigned long long)STAT_GET(st->answers_rcode[i]));
	jb_printf(b, "\"truncated\":%llu,\"from_cache\":%llu,\"unvalidated\":%llu},",
		  (unsigned long long)STAT_GET(st->answers_truncated),
		  (unsigned long long)STAT_GET(st->answers_from_cache),
		  (unsigned long long)STAT_GET(st->unvalidated));
	jb_printf(b, "\"validation\":{\"secure\":%llu,\"bogus\":%llu},",
		  (unsigned long long)STAT_GET(st->secure),
		  (unsigned long long)STAT_GET(st->bogus));
	jb_printf(b, "\"tcp\":{\"accepted\":%llu,\"closed_idle\":%llu},",
		  (unsigned long long)STAT_GET(st->tcp_accepted),
		  (unsigned long long)STAT_GET(st->tcp_closed_idle));
	jb_printf(b, "\"cache\":{\"entries\":%llu,\"bytes\":%llu,\"limit\":%llu,"
		  "\"hits\":%llu,\"misses\":%llu,\"inserts\":%llu,"
		  "\"evictions\":%llu,\"expired\":%llu},",
		  (unsigned long long)cs.entries, (unsigned long long)cs.bytes,
		  (unsigned long long)cs.limit, (unsigned long long)cs.hits,
		  (unsigned long long)cs.misses, (unsigned long long)cs.inserts,
		  (unsigned long long)cs.evictions, (unsigned long long)cs.expired);
	n = upstream_set_info(srv->ups, server_now_ms(), ui);
	jb_printf(b, "\"upstreams\":[");
	for (unsigned int i = 0; i < n; i++) {
		jb_printf(b, "%s{\"address\":", i ? "," : "");
		jb_str(b, ui[i].text);
		jb_printf(b, ",\"up\":%s,\"srtt_ms\":%u,\"rttvar_ms\":%u,\"rto_ms\":%u,"
			  "\"fails\":%u,\"sent\":%llu,\"received\":%llu,"
			  "\"timeouts\":%llu,\"errors\":%llu,\"dropped_mismatch\":%llu,"
			  "\"truncated\":%llu,\"connections\":%llu}",
			  ui[i].up ? "true" : "false", ui[i].srtt_ms, ui[i].rttvar_ms,
			  ui[i].rto_ms, ui[i].fails,
			  (unsigned long long)ui[i].st.sent,
			  (unsigned long long)ui[i].st.received,
			  (unsigned long long)ui[i].st.timeouts,
			  (unsigned long long)ui[i].st.errors,
			  (unsigned long long)ui[i].st.mismatched,
			  (unsigned long long)ui[i].st.truncated,
			  (unsigned long long)ui[i].st.connections);
	}
	jb_printf(b, "]");
	/* The XDP program's counters, when the daemon has the maps open. */
	if (srv->kmaps) {
		struct xdpdns_stats ks;

		if (refill_stats_read(srv->kmaps, &ks, NULL, 0) > 0) {
			jb_printf(b, ",\"kernel\":{");
			for (int i = 0; i < XDPDNS_CNT_MAX; i++)
				jb_printf(b, "%s\"%s\":%llu", i ? "," : "",
					  refill_counter_name(i),
					  (unsigned long long)ks.counter[i]);
			jb_printf(b, "}");
		}
	}
	jb_printf(b, "}");
	return 0;
}

struct show_ctx {
	struct jbuf *b;
	size_t count, limit;
};

static int show_one(const struct cache_entry_info *info, void *arg)
{
	struct show_ctx *sc = arg;
	char name[DNS_NAME_TEXT_MAXLEN], type[16];

	if (sc->count >= sc->limit)
		return 1;
	if (dns_name_to_text(info->key->name, name, sizeof(name)) < 0)
		strcpy(name, "?");
	dns_type_to_text(info->key->qtype, type, sizeof(type));
	jb_printf(sc->b, "%s{\"name\":", sc->count ? "," : "");
	jb_str(sc->b, name);
	jb_printf(sc->b, ",\"type\":\"%s\",\"class\":%u,\"do\":%s,\"kind\":\"%s\","
		  "\"rcode\":%u,\"security\":\"%s\",\"ttl\":%u,\"bytes\":%zu",
		  type, info->key->qclass, info->key->do_bit ? "true" : "false",
		  cache_kind_name(info->kind), info->rcode,
		  cache_security_name(info->security), info->ttl_left,
		  info->wire_len);
	if (info->ede != RESOLVE_NO_EDE)
		jb_printf(sc->b, ",\"ede\":%u", info->ede);
	jb_printf(sc->b, "}");
	sc->count++;
	return 0;
}

static int do_cache_show(struct control *ctl, const char *req, struct jbuf *b)
{
	struct show_ctx sc = { .b = b, .limit = 1000 };
	char limit[16];

	if (req_get(req, "limit", limit, sizeof(limit)))
		sc.limit = strtoul(limit, NULL, 10);
	jb_printf(b, "{\"entries\":[");
	cache_foreach(ctl->srv->cache, server_now_ms() / 1000, show_one, &sc);
	jb_printf(b, "],\"shown\":%zu}", sc.count);
	return 0;
}

static int do_cache_flush(struct control *ctl, const char *req, struct jbuf *b)
{
	char text[DNS_NAME_TEXT_MAXLEN];
	uint8_t name[DNS_NAME_MAXLEN];
	unsigned int kn = 0;
	int kerr = 0;
	size_t n;

	/* The kernel cache holds copies of these answers: flush both. */
	if (req_get(req, "name", text, sizeof(text))) {
		if (dns_name_from_text(text, name) < 0)
			return XDPDNS_ESYNTAX;
		n = cache_flush_below(ctl->srv->cache, name);
		if (ctl->srv->kmaps)
			kerr = refill_cache_flush_below(ctl->srv->kmaps, name, &kn);
	} else {
		n = cache_flush(ctl->srv->cache);
		if (ctl->srv->kmaps)
			kerr = refill_cache_flush(ctl->srv->kmaps, &kn);
	}
	if (kerr)
		return kerr;
	jb_printf(b, "{\"flushed\":%zu", n);
	if (ctl->srv->kmaps)
		jb_printf(b, ",\"kernel_flushed\":%u", kn);
	jb_printf(b, "}");
	return 0;
}

static int do_reload(struct control *ctl, const char *req, struct jbuf *b)
{
	int err;

	if (!ctl->reload)
		return -EOPNOTSUPP;
	err = ctl->reload(ctl->reload_arg);
	if (err)
		return err;
	jb_printf(b, "{\"reloaded\":true}");
	return 0;
}

static int do_version(struct control *ctl, const char *req, struct jbuf *b)
{
	jb_printf(b, "{\"version\":\"%s\"}", XDPDNS_VERSION);
	return 0;
}

static int do_help(struct control *ctl, const char *req, struct jbuf *b);

/* --- trust anchors, NTAs, zones (RFC 7646; docs/control.md) ------------------- */

/* The "name" member as a wire name. */
static int req_name(struct control *ctl, const char *req, uint8_t *name)
{
	char text[DNS_NAME_TEXT_MAXLEN];

	if (!req_get(req, "name", text, sizeof(text)))
		return ctl_fail(ctl, XDPDNS_ESYNTAX, "missing \"name\"");
	if (dns_name_from_text(text, name) < 0)
		return ctl_fail(ctl, XDPDNS_ESYNTAX, "bad name '%s'", text);
	dns_name_to_lower(name);
	return 0;
}

static void jb_name(struct jbuf *b, const uint8_t *name)
{
	char text[DNS_NAME_TEXT_MAXLEN];

	if (dns_name_to_text(name, text, sizeof(text)) < 0)
		strcpy(text, "?");
	jb_str(b, text);
}

static void jb_anchor(struct jbuf *b, const struct trust_anchor_info *ai)
{
	jb_printf(b, "{\"name\":");
	jb_name(b, ai->name);
	jb_printf(b, ",\"type\":\"%s\",\"key_tag\":%u,\"algorithm\":%u,",
		  ai->kind == VAL_ANCHOR_DS ? "DS" : "DNSKEY", ai->tag, ai->algorithm);
	if (ai->kind == VAL_ANCHOR_DS)
		jb_printf(b, "\"digest_type\":%u,", ai->digest_type);
	else
		jb_printf(b, "\"flags\":%u,", ai->flags);
	jb_printf(b, "\"source\":");
	jb_str(b, ai->source);
	jb_printf(b, "}");
}

struct list_ctx {
	struct jbuf *b;
	size_t count;
	uint64_t now;
};

static int anchor_one(const struct trust_anchor_info *ai, void *arg)
{
	struct list_ctx *lc = arg;

	jb_printf(lc->b, "%s", lc->count++ ? "," : "");
	jb_anchor(lc->b, ai);
	return 0;
}

static int do_anchor_list(struct control *ctl, const char *req, struct jbuf *b)
{
	struct list_ctx lc = { .b = b };

	jb_printf(b, "{\"anchors\":[");
	trust_foreach_anchor(ctl->srv->trust, anchor_one, &lc);
	jb_printf(b, "]}");
	return 0;
}

static int do_anchor_add(struct control *ctl, const char *req, struct jbuf *b)
{
	char type[16], rdata[3072], name_text[DNS_NAME_TEXT_MAXLEN];
	char line[sizeof(name_text) + sizeof(type) + sizeof(rdata) + 4];
	struct trust_anchor_info ai = { .source = TRUST_SOURCE_RUNTIME };
	struct val_anchors *one;
	struct val_anchor *a;
	uint8_t name[DNS_NAME_MAXLEN];
	int err;

	err = req_name(ctl, req, name);
	if (err)
		return err;
	if (!req_get(req, "type", type, sizeof(type)) ||
	    (strcasecmp(type, "DS") && strcasecmp(type, "DNSKEY")))
		return ctl_fail(ctl, XDPDNS_ESYNTAX, "\"type\" must be DS or DNSKEY");
	if (!req_get(req, "rdata", rdata, sizeof(rdata)))
		return ctl_fail(ctl, XDPDNS_ESYNTAX, "missing \"rdata\"");
	/* The RDATA through the anchor file parser: one syntax for both. */
	dns_name_to_text(name, name_text, sizeof(name_text));
	snprintf(line, sizeof(line), "%s %s %s", name_text, type, rdata);
	one = val_anchors_new();
	if (!one)
		return -ENOMEM;
	err = val_anchors_add_text(one, line);
	if (err || one->count != 1 || one->a[0].kind == VAL_ANCHOR_NTA) {
		val_anchors_free(one);
		return ctl_fail(ctl, XDPDNS_ESYNTAX, "not a %s record: %s", type,
				err ? xdpdns_strerror(err) : "unexpected form");
	}
	a = &one->a[0];
	err = trust_anchor_add(ctl->srv, a->name, a->kind, a->rdata, a->len);
	if (!err) {
		/* Describe it as anchor-list would. */
		ai.name = a->name;
		ai.kind = a->kind;
		if (a->kind == VAL_ANCHOR_DS) {
			ai.tag = (uint16_t)(a->rdata[0] << 8 | a->rdata[1]);
			ai.algorithm = a->rdata[2];
			ai.digest_type = a->rdata[3];
		} else {
			dnssec_keytag(a->rdata, a->len, &ai.tag);
			ai.flags = (uint16_t)(a->rdata[0] << 8 | a->rdata[1]);
			ai.algorithm = a->rdata[3];
		}
		jb_printf(b, "{\"added\":");
		jb_anchor(b, &ai);
		jb_printf(b, "}");
	}
	val_anchors_free(one);
	if (err == -EEXIST)
		return ctl_fail(ctl, err, "this anchor is already in force");
	if (err == -EPERM)
		return ctl_fail(ctl, err, "the daemon does not validate (no trust-anchor "
				"file configured): nothing to add an anchor to");
	return err;
}

static int do_anchor_remove(struct control *ctl, const char *req, struct jbuf *b)
{
	uint8_t name[DNS_NAME_MAXLEN];
	size_t removed = 0;
	int err;

	err = req_name(ctl, req, name);
	if (err)
		return err;
	err = trust_anchor_remove(ctl->srv, name, &removed);
	if (err == -ENOENT)
		return ctl_fail(ctl, -EINVAL, "no trust anchor at this name");
	if (err == -EPERM)
		return ctl_fail(ctl, err, "the daemon does not validate (no trust-anchor file)");
	if (err)
		return err;
	jb_printf(b, "{\"name\":");
	jb_name(b, name);
	jb_printf(b, ",\"removed\":%zu}", removed);
	return 0;
}

static int nta_one(const struct trust_nta_info *ni, void *arg)
{
	struct list_ctx *lc = arg;

	jb_printf(lc->b, "%s{\"name\":", lc->count++ ? "," : "");
	jb_name(lc->b, ni->name);
	jb_printf(lc->b, ",\"source\":");
	jb_str(lc->b, ni->source);
	if (ni->expires)
		jb_printf(lc->b, ",\"added\":%llu,\"expires\":%llu,\"remaining\":%llu}",
			  (unsigned long long)ni->added, (unsigned long long)ni->expires,
			  (unsigned long long)(ni->expires - lc->now));
	else
		jb_printf(lc->b, ",\"added\":null,\"expires\":null,\"remaining\":null}");
	return 0;
}

static int do_nta_list(struct control *ctl, const char *req, struct jbuf *b)
{
	struct list_ctx lc = { .b = b, .now = (uint64_t)time(NULL) };

	jb_printf(b, "{\"ntas\":[");
	trust_foreach_nta(ctl->srv->trust, lc.now, nta_one, &lc);
	jb_printf(b, "]}");
	return 0;
}

static int do_nta_add(struct control *ctl, const char *req, struct jbuf *b)
{
	uint64_t now = (uint64_t)time(NULL);
	uint8_t name[DNS_NAME_MAXLEN];
	unsigned long long ttl;
	struct config cfg;
	char text[24], *end;
	int err;

	err = req_name(ctl, req, name);
	if (err)
		return err;
	server_config(ctl->srv, &cfg);
	ttl = cfg.nta_default_ttl ? cfg.nta_default_ttl : TRUST_NTA_TTL_DEFAULT;
	if (req_get(req, "ttl", text, sizeof(text))) {
		errno = 0;
		ttl = strtoull(text, &end, 10);
		if (errno || *end || end == text || ttl < 1 || ttl > TRUST_NTA_TTL_MAX)
			return ctl_fail(ctl, -EINVAL, "\"ttl\" must be 1..%u seconds "
					"(RFC 7646 8: a week at most)", TRUST_NTA_TTL_MAX);
	}
	err = trust_nta_add(ctl->srv, name, (uint32_t)ttl, now);
	if (err)
		return err;
	jb_printf(b, "{\"name\":");
	jb_name(b, name);
	jb_printf(b, ",\"ttl\":%llu,\"expires\":%llu}", ttl,
		  (unsigned long long)(now + ttl));
	return 0;
}

static int do_nta_remove(struct control *ctl, const char *req, struct jbuf *b)
{
	uint8_t name[DNS_NAME_MAXLEN];
	int err;

	err = req_name(ctl, req, name);
	if (err)
		return err;
	err = trust_nta_remove(ctl->srv, name);
	if (err == -ENOENT)
		return ctl_fail(ctl, -EINVAL, "no runtime negative trust anchor at this name");
	if (err)
		return err;
	jb_printf(b, "{\"name\":");
	jb_name(b, name);
	jb_printf(b, ",\"removed\":true}");
	return 0;
}

static void jb_ds_set(struct jbuf *b, const struct zone_ds *ds, unsigned int n)
{
	jb_printf(b, "[");
	for (unsigned int i = 0; i < n; i++)
		jb_printf(b, "%s{\"key_tag\":%u,\"algorithm\":%u,\"digest_type\":%u}",
			  i ? "," : "", ds[i].tag, ds[i].algorithm, ds[i].digest_type);
	jb_printf(b, "]");
}

static void jb_match(struct jbuf *b, enum zone_cds_match m)
{
	const char *s = zones_cds_match_name(m);

	if (s)
		jb_printf(b, "\"%s\"", s);
	else
		jb_printf(b, "null");
}

/* One zone of the inventory (docs/control.md "zone-list"). */
static void jb_zone(struct control *ctl, struct jbuf *b, const struct zone_info *zi,
		    uint64_t now)
{
	bool nta = trust_nta_covers(ctl->srv->trust, zi->name, now);

	jb_printf(b, "{\"name\":");
	jb_name(b, zi->name);
	/* Under an NTA (RFC 7646) the zone is not validated, whatever it was. */
	jb_printf(b, ",\"state\":\"%s\",\"validated_state\":\"%s\",",
		  nta ? "nta" : zones_state_name(zi->state), zones_state_name(zi->state));
	if (zi->ede != 0xffff)
		jb_printf(b, "\"ede\":%u,", zi->ede);
	jb_printf(b, "\"algorithms\":[");
	for (unsigned int i = 0, n = 0; i < zi->nkeys; i++) {
		bool seen = false;

		for (unsigned int k = 0; k < i; k++)
			seen |= zi->keys[k].algorithm == zi->keys[i].algorithm;
		if (!seen)
			jb_printf(b, "%s%u", n++ ? "," : "", zi->keys[i].algorithm);
	}
	jb_printf(b, "],\"keys\":[");
	for (unsigned int i = 0; i < zi->nkeys; i++) {
		const struct zone_key *k = &zi->keys[i];

		/* RFC 4034 2.1.1: SEP marks the KSK by convention; RFC 5011 7:
		 * a revoked key signs nothing else. */
		jb_printf(b, "%s{\"key_tag\":%u,\"algorithm\":%u,\"flags\":%u,"
			  "\"role\":\"%s\",\"revoked\":%s}", i ? "," : "", k->tag,
			  k->algorithm, k->flags,
			  !(k->flags & ZONE_KEY_FLAG_ZONE) ? "other" :
			  k->flags & ZONE_KEY_FLAG_SEP ? "ksk" : "zsk",
			  k->flags & ZONE_KEY_FLAG_REVOKE ? "true" : "false");
	}
	jb_printf(b, "],\"ds\":");
	if (zi->has_ds)
		jb_ds_set(b, zi->ds, zi->nds);
	else
		jb_printf(b, "null");
	if (zi->has_expiry)
		jb_printf(b, ",\"expiry\":%u,\"expires_in\":%lld", zi->expiry,
			  (long long)zi->expiry - (long long)now);
	else
		jb_printf(b, ",\"expiry\":null,\"expires_in\":null");
	jb_printf(b, ",\"validated\":%llu,\"validated_ago\":%llu",
		  (unsigned long long)zi->validated,
		  (unsigned long long)(zi->validated ? now - zi->validated : 0));
	jb_printf(b, ",\"cds\":");
	if (zi->has_cds) {
		jb_printf(b, "{\"records\":");
		jb_ds_set(b, zi->cds, zi->ncds);
		jb_printf(b, ",\"match\":");
		jb_match(b, zi->cds_match);
		jb_printf(b, "}");
	} else {
		jb_printf(b, "null");
	}
	jb_printf(b, ",\"cdnskey\":");
	if (zi->has_cdnskey) {
		jb_printf(b, "{\"key_tags\":[");
		for (unsigned int i = 0; i < zi->ncdnskey; i++)
			jb_printf(b, "%s%u", i ? "," : "", zi->cdnskey_tags[i]);
		jb_printf(b, "],\"match\":");
		jb_match(b, zi->cdnskey_match);
		jb_printf(b, "}");
	} else {
		jb_printf(b, "null");
	}
	jb_printf(b, "}");
}

struct zone_ctx {
	struct control *ctl;
	struct jbuf *b;
	size_t count;
	uint64_t now;
};

static int zone_one(const struct zone_info *zi, void *arg)
{
	struct zone_ctx *zc = arg;

	jb_printf(zc->b, "%s", zc->count++ ? "," : "");
	jb_zone(zc->ctl, zc->b, zi, zc->now);
	return 0;
}

static int do_zone_list(struct control *ctl, const char *req, struct jbuf *b)
{
	struct zone_ctx zc = { .ctl = ctl, .b = b, .now = (uint64_t)time(NULL) };
	int err;

	jb_printf(b, "{\"zones\":[");
	err = zones_foreach(ctl->srv->zones, zone_one, &zc);
	jb_printf(b, "]}");
	return err;
}

static int do_zone_show(struct control *ctl, const char *req, struct jbuf *b)
{
	uint8_t name[DNS_NAME_MAXLEN];
	struct zone_info *zi;
	int err;

	err = req_name(ctl, req, name);
	if (err)
		return err;
	zi = malloc(sizeof(*zi));
	if (!zi)
		return -ENOMEM;
	err = zones_get(ctl->srv->zones, name, zi);
	if (err)
		err = ctl_fail(ctl, -EINVAL, "this zone is not in the inventory "
			       "(no DS or DNSKEY of it was validated)");
	else
		jb_zone(ctl, b, zi, (uint64_t)time(NULL));
	free(zi);
	return err;
}

/* The proof pack of an answer (docs/proof-pack.md): the pack whatever
 * the verdict, which says whether it proves anything. */
static int do_proof(struct control *ctl, const char *req, struct jbuf *b)
{
	struct proof_daemon_result pr;
	uint8_t name[DNS_NAME_MAXLEN];
	char type[16];
	int qtype, err;

	err = req_name(ctl, req, name);
	if (err)
		return err;
	if (!req_get(req, "type", type, sizeof(type)) ||
	    (qtype = dns_type_from_text(type)) < 0)
		return ctl_fail(ctl, XDPDNS_ESYNTAX, "\"type\" must be an RR type");
	err = proof_daemon_build(ctl->srv, name, (uint16_t)qtype, &pr, ctl->errmsg,
				 sizeof(ctl->errmsg));
	if (err)
		return err;
	jb_printf(b, "{\"name\":");
	jb_name(b, name);
	jb_printf(b, ",\"type\":");
	jb_str(b, type);
	jb_printf(b, ",\"verdict\":\"%s\",\"reason\":", val_status_name(pr.res.status));
	jb_str(b, pr.res.reason);
	if (pr.res.status != VAL_SECURE && pr.res.ede)
		jb_printf(b, ",\"ede\":%u", pr.res.ede);
	jb_printf(b, ",\"daemon\":");
	jb_str(b, pr.daemon);
	jb_printf(b, ",\"pack\":");
	jb_str(b, pr.pack);
	jb_printf(b, "}");
	proof_daemon_result_free(&pr);
	return 0;
}

static const struct {
	const char *name;
	control_fn fn;
	const char *help;
} control_cmds[] = {
	{ "stats", do_stats, "counters, upstream health and RTT, cache occupancy" },
	{ "cache-show", do_cache_show, "userspace cache entries (\"limit\": N)" },
	{ "cache-flush", do_cache_flush, "empty the cache (\"name\": flush at and below)" },
	{ "reload", do_reload, "reload the configuration, like SIGHUP" },
	{ "version", do_version, "daemon version" },
	{ "anchor-list", do_anchor_list, "trust anchors in force, configured and runtime" },
	{ "anchor-add", do_anchor_add,
	  "add a runtime anchor (\"name\", \"type\": DS|DNSKEY, \"rdata\")" },
	{ "anchor-remove", do_anchor_remove, "remove every anchor of \"name\"" },
	{ "nta-list", do_nta_list, "negative trust anchors in force (RFC 7646)" },
	{ "nta-add", do_nta_add, "add or renew an NTA (\"name\", \"ttl\" seconds)" },
	{ "nta-remove", do_nta_remove, "remove a runtime NTA (\"name\")" },
	{ "zone-list", do_zone_list, "the zone inventory" },
	{ "zone-show", do_zone_show, "one zone of the inventory (\"name\")" },
	{ "proof", do_proof, "proof pack of an answer (\"name\", \"type\")" },
	{ "help", do_help, "this list" },
};

static int do_help(struct control *ctl, const char *req, struct jbuf *b)
{
	jb_printf(b, "{\"commands\":{");
	for (size_t i = 0; i < sizeof(control_cmds) / sizeof(control_cmds[0]); i++) {
		jb_printf(b, "%s\"%s\":", i ? "," : "", control_cmds[i].name);
		jb_str(b, control_cmds[i].help);
	}
	jb_printf(b, "}}");
	return 0;
}

int control_handle_line(struct control *ctl, const char *line, char **out)
{
	struct jbuf b = { 0 };
	char cmd[32];
	int err = -ENOENT;
	const char *p = line;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '{') {
		if (!req_get(p, "cmd", cmd, sizeof(cmd)))
			cmd[0] = '\0';
	} else {
		size_t n = strcspn(p, " \t\r\n");

		snprintf(cmd, sizeof(cmd), "%.*s", (int)(n < sizeof(cmd) ? n : 0), p);
	}
	ctl->errmsg[0] = '\0';
	jb_printf(&b, "{\"ok\":true,\"result\":");
	for (size_t i = 0; i < sizeof(control_cmds) / sizeof(control_cmds[0]); i++) {
		if (!strcmp(cmd, control_cmds[i].name)) {
			err = control_cmds[i].fn(ctl, p, &b);
			break;
		}
	}
	if (err) {
		b.len = 0;
		jb_printf(&b, "{\"ok\":false,\"error\":");
		jb_str(&b, err == -ENOENT ? "unknown command" :
			   ctl->errmsg[0] ? ctl->errmsg : xdpdns_strerror(err));
	}
	jb_printf(&b, "}\n");
	if (b.oom) {
		free(b.s);
		return -ENOMEM;
	}
	*out = b.s;
	return 0;
}

/* Bind (0600, parent directory created 0700) and listen on @path. */
static int control_listen(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char dir[108], *slash;
	mode_t old;
	int fd, err;

	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, path);
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		mkdir(dir, 0700);	/* parent may exist already */
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* A socket file nobody answers on is stale: replace it. */
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
		close(fd);
		return -EADDRINUSE;
	}
	close(fd);
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* Created 0600 from the start: no window where others could connect. */
	old = umask(0177);
	err = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (err < 0 || listen(fd, 16) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

int control_new(struct server *srv, const char *path, struct control **out)
{
	struct control *ctl;
	int fd;

	fd = control_listen(path);
	if (fd < 0)
		return fd;
	ctl = calloc(1, sizeof(*ctl));
	if (!ctl) {
		close(fd);
		unlink(path);
		return -ENOMEM;
	}
	ctl->srv = srv;
	ctl->fd = fd;
	strcpy(ctl->path, path);
	*out = ctl;
	return 0;
}

int control_move(struct control *ctl, const char *path)
{
	int fd;

	if (!strcmp(path, ctl->path))
		return 0;
	/* The new socket first: on failure the old one keeps serving. */
	fd = control_listen(path);
	if (fd < 0)
		return fd;
	close(ctl->fd);
	unlink(ctl->path);
	ctl->fd = fd;
	strcpy(ctl->path, path);
	return 0;
}

int control_fd(const struct control *ctl)
{
	return ctl->fd;
}

void control_set_reload(struct control *ctl, int (*fn)(void *arg), void *arg)
{
	ctl->reload = fn;
	ctl->reload_arg = arg;
}

void control_accept(struct control *ctl)
{
	struct timeval tv = { .tv_sec = 1 };
	char buf[4096];
	size_t len = 0;
	int fd;

	fd = accept4(ctl->fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	for (;;) {
		char *nl;
		ssize_t n;

		while ((nl = memchr(buf, '\n', len))) {
			char *reply = NULL;

			*nl = '\0';
			if (control_handle_line(ctl, buf, &reply) == 0) {
				size_t off = 0, rl = strlen(reply);

				while (off < rl) {
					n = send(fd, reply + off, rl - off, MSG_NOSIGNAL);
					if (n <= 0)
						break;
					off += (size_t)n;
				}
				free(reply);
			}
			len -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, len);
		}
		if (len == sizeof(buf))
			break;	/* a line this long is no request of ours */
		n = recv(fd, buf + len, sizeof(buf) - len, 0);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
}

void control_free(struct control *ctl)
{
	if (!ctl)
		return;
	close(ctl->fd);
	unlink(ctl->path);
	free(ctl);
}
