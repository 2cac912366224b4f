// SPDX-License-Identifier: GPL-2.0
/* xdpdnsd configuration: defaults, the YAML file (libyaml), command line. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "anchor_xml.h"
#include "config.h"
#include "dnssec/anchor.h"
#include "util/error.h"
#include "xdpdns/shared.h"

void config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	config_parse_listen(CONFIG_DEFAULT_LISTEN, &cfg->listen[0]);
	cfg->listen_count = 1;
	snprintf(cfg->control_socket, sizeof(cfg->control_socket), "%s",
		 CONFIG_DEFAULT_CONTROL);
	cfg->xdp_mode = ATTACH_MODE_AUTO;
	snprintf(cfg->pin_path, sizeof(cfg->pin_path), "%s", XDPDNS_PIN_DIR_DEFAULT);
	cfg->kernel_entries = XDPDNS_CACHE_ENTRIES_DEFAULT;
	cfg->log_level = LOG_LEVEL_INFO;
	cfg->log_format = LOG_FORMAT_PLAIN;
	cfg->cache_memory = 64ull << 20;
	cfg->ttl_min = 0;
	cfg->ttl_max = 86400;
	cfg->negative_ttl_max = 3600;
	cfg->failure_ttl = 5;
	cfg->query_timeout_ms = 3000;
	cfg->tcp_idle_timeout_ms = 10000;
	cfg->max_inflight = 16384;
	cfg->max_tcp_clients = 1024;
	cfg->edns_udp_size = CONFIG_EDNS_UDP_SIZE;
	cfg->validation = true;
	cfg->expiry_warning = 3 * 86400;
	cfg->nta_default_ttl = 3600;
	cfg->zone_inventory_max = 4096;
	cfg->audit_max_size = 16ull << 20;
	cfg->audit_keep = 4;
}

bool config_iface_is_pattern(const char *name)
{
	return strpbrk(name, "*?[") != NULL;
}

/* The metrics endpoint needs an explicit port: "ADDR:PORT" or "[V6]:PORT". */
static int config_check_metrics_listen(const char *text)
{
	struct config_listen l;
	const char *colon = strrchr(text, ':');

	if (!colon || config_parse_listen(text, &l))
		return XDPDNS_ECONFIG;
	if (text[0] == '[' ? colon[-1] != ']' : strchr(text, ':') != colon)
		return XDPDNS_ECONFIG;
	return 0;
}

/* Split "ADDR[:PORT]", "[V6]:PORT" or a bare v6 address into a sockaddr. */
static int config_parse_addr(const char *text, uint16_t default_port,
			     struct sockaddr_storage *ss, socklen_t *len)
{
	char host[128];
	const char *port_text = NULL;
	unsigned long port = default_port;
	char *end;

	if (text[0] == '[') {
		const char *close = strchr(text, ']');

		if (!close || (size_t)(close - text - 1) >= sizeof(host))
			return XDPDNS_ECONFIG;
		memcpy(host, text + 1, close - text - 1);
		host[close - text - 1] = '\0';
		if (close[1] == ':')
			port_text = close + 2;
		else if (close[1] != '\0')
			return XDPDNS_ECONFIG;
	} else {
		const char *colon = strchr(text, ':');

		if (strlen(text) >= sizeof(host))
			return XDPDNS_ECONFIG;
		/* One colon: v4 with a port; several: a bare v6 address. */
		if (colon && !strchr(colon + 1, ':')) {
			memcpy(host, text, colon - text);
			host[colon - text] = '\0';
			port_text = colon + 1;
		} else {
			strcpy(host, text);
		}
	}
	if (port_text) {
		errno = 0;
		port = strtoul(port_text, &end, 10);
		if (!*port_text || *end || errno || port == 0 || port > 65535)
			return XDPDNS_ECONFIG;
	}
	memset(ss, 0, sizeof(*ss));
	if (strchr(host, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		if (inet_pton(AF_INET6, host, &s6->sin6_addr) != 1)
			return XDPDNS_ECONFIG;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		*len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		if (inet_pton(AF_INET, host, &s4->sin_addr) != 1)
			return XDPDNS_ECONFIG;
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		*len = sizeof(*s4);
	}
	return 0;
}

int config_parse_listen(const char *text, struct config_listen *out)
{
	int err;

	memset(out, 0, sizeof(*out));
	err = config_parse_addr(text, 53, &out->addr, &out->addr_len);
	if (err)
		return err;
	snprintf(out->text, sizeof(out->text), "%s", text);
	return 0;
}

int config_parse_upstream(const char *text, struct config_upstream *out)
{
	char addr[128];
	const char *hash;
	size_t n;
	int err;

	memset(out, 0, sizeof(*out));
	if (strncmp(text, "tls://", 6) == 0) {
		out->tls = true;
		text += 6;
	}
	hash = strchr(text, '#');
	n = hash ? (size_t)(hash - text) : strlen(text);
	if (n >= sizeof(addr) || n == 0)
		return XDPDNS_ECONFIG;
	memcpy(addr, text, n);
	addr[n] = '\0';
	if (hash) {
		/* A certificate name only makes sense for TLS. */
		if (!out->tls || !hash[1] || strlen(hash + 1) >= sizeof(out->tls_name))
			return XDPDNS_ECONFIG;
		strcpy(out->tls_name, hash + 1);
	}
	err = config_parse_addr(addr, out->tls ? 853 : 53, &out->addr,
				&out->addr_len);
	if (err)
		return err;
	snprintf(out->text, sizeof(out->text), "%s%s", out->tls ? "tls://" : "",
		 text);
	return 0;
}

int config_parse_size(const char *text, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!*text || *text == '-')
		return XDPDNS_ECONFIG;
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno || end == text)
		return XDPDNS_ECONFIG;
	switch (*end) {
	case '\0':
		break;
	case 'k': case 'K':
		v <<= 10, end++;
		break;
	case 'm': case 'M':
		v <<= 20, end++;
		break;
	case 'g': case 'G':
		v <<= 30, end++;
		break;
	default:
		return XDPDNS_ECONFIG;
	}
	if (*end == 'i' || *end == 'B')
		end++;
	if (*end == 'B')
		end++;
	if (*end)
		return XDPDNS_ECONFIG;
	*out = v;
	return 0;
}

/* --- YAML ---------------------------------------------------------------- */

struct yctx {
	yaml_document_t *doc;
	const char *file;
	char *err;
	size_t errlen;
	struct config *cfg;
};

/* Record "FILE:LINE: key 'KEY': WHAT" (libyaml lines are 0-based). */
static int yerr(struct yctx *y, yaml_node_t *node, const char *key,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int yerr(struct yctx *y, yaml_node_t *node, const char *key,
		const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(y->err, y->errlen, "%s:%zu: key '%s': %s", y->file,
		 node ? node->start_mark.line + 1 : 0, key, what);
	return XDPDNS_ECONFIG;
}

static const char *yscalar(yaml_node_t *node)
{
	if (!node || node->type != YAML_SCALAR_NODE)
		return NULL;
	return (const char *)node->data.scalar.value;
}

static int ystring(struct yctx *y, yaml_node_t *node, const char *key,
		   char *out, size_t cap)
{
	const char *s = yscalar(node);

	if (!s)
		return yerr(y, node, key, "expected a string");
	if (strlen(s) >= cap)
		return yerr(y, node, key, "longer than %zu characters", cap - 1);
	strcpy(out, s);
	return 0;
}

static int yuint(struct yctx *y, yaml_node_t *node, const char *key,
		 uint64_t min, uint64_t max, uint64_t *out)
{
	const char *s = yscalar(node);
	uint64_t v;

	if (!s || config_parse_size(s, &v))
		return yerr(y, node, key, "expected a non-negative integer");
	if (v < min || v > max)
		return yerr(y, node, key, "%llu is outside %llu..%llu",
			    (unsigned long long)v, (unsigned long long)min,
			    (unsigned long long)max);
	*out = v;
	return 0;
}

static int yu32(struct yctx *y, yaml_node_t *node, const char *key,
		uint64_t min, uint64_t max, uint32_t *out)
{
	uint64_t v = 0;
	int err = yuint(y, node, key, min, max, &v);

	if (!err)
		*out = (uint32_t)v;
	return err;
}

/* Iterate over a mapping's pairs; @fn handles one key. */
typedef int (*ymap_fn)(struct yctx *y, const char *key, yaml_node_t *knode,
		       yaml_node_t *value, const char *path);

static int ymap(struct yctx *y, yaml_node_t *node, const char *path,
		ymap_fn fn)
{
	yaml_node_pair_t *pair;

	if (!node || node->type != YAML_MAPPING_NODE)
		return yerr(y, node, path, "expected a mapping");
	for (pair = node->data.mapping.pairs.start;
	     pair < node->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = yaml_document_get_node(y->doc, pair->key);
		yaml_node_t *v = yaml_document_get_node(y->doc, pair->value);
		const char *key = yscalar(k);
		char full[128];
		int err;

		if (!key)
			return yerr(y, k, path, "keys must be strings");
		snprintf(full, sizeof(full), "%s%s%s", path, *path ? "." : "", key);
		err = fn(y, key, k, v, full);
		if (err)
			return err;
	}
	return 0;
}

static int ylog(struct yctx *y, const char *key, yaml_node_t *k,
		yaml_node_t *v, const char *path)
{
	const char *s = yscalar(v);

	if (!strcmp(key, "level")) {
		if (!s || log_level_parse(s, &y->cfg->log_level))
			return yerr(y, v, path, "expected error, warn, info or debug");
	} else if (!strcmp(key, "format")) {
		if (!s || log_format_parse(s, &y->cfg->log_format))
			return yerr(y, v, path, "expected plain or json");
	} else {
		return yerr(y, k, path, "unknown key");
	}
	return 0;
}

static int ycache(struct yctx *y, const char *key, yaml_node_t *k,
		  yaml_node_t *v, const char *path)
{
	struct config *c = y->cfg;

	if (!strcmp(key, "memory"))
		return yuint(y, v, path, 64 << 10, 1ull << 40, &c->cache_memory);
	if (!strcmp(key, "ttl-min"))
		return yu32(y, v, path, 0, 86400, &c->ttl_min);
	if (!strcmp(key, "ttl-max"))
		return yu32(y, v, path, 1, 604800, &c->ttl_max);
	if (!strcmp(key, "negative-ttl-max"))
		return yu32(y, v, path, 1, 604800, &c->negative_ttl_max);
	if (!strcmp(key, "failure-ttl"))
		return yu32(y, v, path, CONFIG_FAILURE_TTL_MIN,
			    CONFIG_FAILURE_TTL_MAX, &c->failure_ttl);
	if (!strcmp(key, "kernel-entries"))
		return yu32(y, v, path, 64, 1u << 24, &c->kernel_entries);
	return yerr(y, k, path, "unknown key");
}

static int yserver(struct yctx *y, const char *key, yaml_node_t *k,
		   yaml_node_t *v, const char *path)
{
	struct config *c = y->cfg;
	uint32_t size;
	int err;

	if (!strcmp(key, "workers"))
		return yu32(y, v, path, 0, 256, &c->workers);
	if (!strcmp(key, "query-timeout-ms"))
		return yu32(y, v, path, 100, 60000, &c->query_timeout_ms);
	if (!strcmp(key, "tcp-idle-timeout-ms"))
		return yu32(y, v, path, 100, 600000, &c->tcp_idle_timeout_ms);
	if (!strcmp(key, "max-inflight"))
		return yu32(y, v, path, 16, 1 << 20, &c->max_inflight);
	if (!strcmp(key, "max-tcp-clients"))
		return yu32(y, v, path, 1, 1 << 16, &c->max_tcp_clients);
	if (!strcmp(key, "edns-udp-size")) {
		err = yu32(y, v, path, 512, 4096, &size);
		if (!err)
			c->edns_udp_size = (uint16_t)size;
		return err;
	}
	return yerr(y, k, path, "unknown key");
}

/* "xdp": the fast path's pin directory and what happens on exit. */
/* A YAML 1.1 boolean as the config writes them: true/yes, false/no. */
static int ybool(struct yctx *y, yaml_node_t *node, const char *key, bool *out)
{
	const char *s = yscalar(node);

	if (s && (!strcmp(s, "true") || !strcmp(s, "yes")))
		*out = true;
	else if (s && (!strcmp(s, "false") || !strcmp(s, "no")))
		*out = false;
	else
		return yerr(y, node, key, "expected true or false");
	return 0;
}

static int yxdp(struct yctx *y, const char *key, yaml_node_t *k,
		yaml_node_t *v, const char *path)
{
	struct config *c = y->cfg;

	if (!strcmp(key, "pin-path"))
		return ystring(y, v, path, c->pin_path, sizeof(c->pin_path));
	if (!strcmp(key, "keep-attached"))
		return ybool(y, v, path, &c->keep_attached);
	return yerr(y, k, path, "unknown key");
}

static struct config_upstream *yup_cur;

static int yupstream_map(struct yctx *y, const char *key, yaml_node_t *k,
			 yaml_node_t *v, const char *path)
{
	struct config_upstream *u = yup_cur;
	char name[sizeof(u->tls_name)];
	int err;

	if (!strcmp(key, "address")) {
		/* Keep what other keys already set (order does not matter). */
		struct config_upstream parsed;
		const char *s = yscalar(v);

		if (!s || config_parse_upstream(s, &parsed))
			return yerr(y, v, path,
				    "expected ADDR[:PORT] or tls://ADDR[:PORT]#NAME");
		if (!parsed.tls_name[0])
			strcpy(parsed.tls_name, u->tls_name);
		strcpy(parsed.tls_pin, u->tls_pin);
		strcpy(parsed.ca_file, u->ca_file);
		parsed.tls |= u->tls;
		*u = parsed;
		return 0;
	}
	if (!strcmp(key, "tls-name")) {
		err = ystring(y, v, path, name, sizeof(name));
		if (!err)
			strcpy(u->tls_name, name);
		return err;
	}
	if (!strcmp(key, "pin")) {
		err = ystring(y, v, path, u->tls_pin, sizeof(u->tls_pin));
		/* base64 of 32 octets is 44 characters ending in '=' */
		if (!err && strlen(u->tls_pin) != 44)
			return yerr(y, v, path,
				    "expected base64 of a SHA-256 digest (44 characters)");
		return err;
	}
	if (!strcmp(key, "ca-file"))
		return ystring(y, v, path, u->ca_file, sizeof(u->ca_file));
	if (!strcmp(key, "tls")) {
		const char *s = yscalar(v);

		if (s && (!strcmp(s, "true") || !strcmp(s, "yes")))
			u->tls = true;
		else if (s && (!strcmp(s, "false") || !strcmp(s, "no")))
			u->tls = false;
		else
			return yerr(y, v, path, "expected true or false");
		return 0;
	}
	return yerr(y, k, path, "unknown key");
}

/* A sequence: check it and return its items; empty lists are errors. */
static int yseq(struct yctx *y, yaml_node_t *v, const char *path,
		unsigned int max, yaml_node_item_t **start, size_t *count)
{
	if (!v || v->type != YAML_SEQUENCE_NODE)
		return yerr(y, v, path, "expected a list");
	*start = v->data.sequence.items.start;
	*count = (size_t)(v->data.sequence.items.top - *start);
	if (*count == 0)
		return yerr(y, v, path, "empty list");
	if (*count > max)
		return yerr(y, v, path, "more than %u entries", max);
	return 0;
}

/* "metrics": the Prometheus and health endpoint (docs/metrics.md). */
static int ymetrics(struct yctx *y, const char *key, yaml_node_t *k,
		    yaml_node_t *v, const char *path)
{
	struct config *c = y->cfg;
	int err;

	if (!strcmp(key, "listen")) {
		err = ystring(y, v, path, c->metrics_listen, sizeof(c->metrics_listen));
		if (!err && config_check_metrics_listen(c->metrics_listen))
			return yerr(y, v, path, "expected ADDR:PORT or [V6ADDR]:PORT");
		return err;
	}
	return yerr(y, k, path, "unknown key");
}

/* "audit": the DNSSEC audit log and its rotation. */
static int yaudit(struct yctx *y, const char *key, yaml_node_t *k,
		  yaml_node_t *v, const char *path)
{
	struct config *c = y->cfg;
	uint64_t n;
	int err;

	if (!strcmp(key, "path"))
		return ystring(y, v, path, c->audit_path, sizeof(c->audit_path));
	if (!strcmp(key, "max-size"))
		return yuint(y, v, path, 0, UINT64_MAX, &c->audit_max_size);
	if (!strcmp(key, "keep")) {
		err = yuint(y, v, path, 0, 100, &n);
		if (!err)
			c->audit_keep = (unsigned int)n;
		return err;
	}
	return yerr(y, k, path, "unknown key");
}

/* "dnssec": the zone inventory and negative trust anchors. */
static int ydnssec(struct yctx *y, const char *key, yaml_node_t *k,
		   yaml_node_t *v, const char *path)
{
	struct config *c = y->cfg;

	if (!strcmp(key, "validation"))
		return ybool(y, v, path, &c->validation);
	if (!strcmp(key, "expiry-warning"))
		return yu32(y, v, path, 0, 365 * 86400, &c->expiry_warning);
	/* RFC 7646 8: an NTA lasts a week at most. */
	if (!strcmp(key, "nta-default-ttl"))
		return yu32(y, v, path, 1, 604800, &c->nta_default_ttl);
	if (!strcmp(key, "zone-inventory-max"))
		return yu32(y, v, path, 16, 1u << 20, &c->zone_inventory_max);
	return yerr(y, k, path, "unknown key");
}

static int ytop(struct yctx *y, const char *key, yaml_node_t *k,
		yaml_node_t *v, const char *path)
{
	struct config *c = y->cfg;
	yaml_node_item_t *items;
	char mode[16];
	size_t n;
	int err;

	if (!strcmp(key, "listen")) {
		err = yseq(y, v, path, CONFIG_MAX_LISTEN, &items, &n);
		for (size_t i = 0; !err && i < n; i++) {
			yaml_node_t *it = yaml_document_get_node(y->doc, items[i]);
			const char *s = yscalar(it);

			if (!s || config_parse_listen(s, &c->listen[i]))
				return yerr(y, it, path,
					    "expected ADDR[:PORT] or [V6ADDR]:PORT");
		}
		if (!err)
			c->listen_count = (unsigned int)n;
		return err;
	}
	if (!strcmp(key, "upstreams")) {
		err = yseq(y, v, path, CONFIG_MAX_UPSTREAMS, &items, &n);
		for (size_t i = 0; !err && i < n; i++) {
			yaml_node_t *it = yaml_document_get_node(y->doc, items[i]);
			const char *s = yscalar(it);

			if (s) {
				if (config_parse_upstream(s, &c->upstream[i]))
					return yerr(y, it, path,
						    "expected ADDR[:PORT] or tls://ADDR[:PORT]#NAME");
				continue;
			}
			memset(&c->upstream[i], 0, sizeof(c->upstream[i]));
			yup_cur = &c->upstream[i];
			err = ymap(y, it, path, yupstream_map);
			if (!err && c->upstream[i].addr_len == 0)
				return yerr(y, it, path, "an upstream needs an address");
		}
		if (!err)
			c->upstream_count = (unsigned int)n;
		return err;
	}
	if (!strcmp(key, "trust-anchors")) {
		err = yseq(y, v, path, CONFIG_MAX_ANCHORS, &items, &n);
		for (size_t i = 0; !err && i < n; i++) {
			yaml_node_t *it = yaml_document_get_node(y->doc, items[i]);

			err = ystring(y, it, path, c->trust_anchor[i], PATH_MAX);
			if (!err && access(c->trust_anchor[i], R_OK))
				return yerr(y, it, path, "cannot read %s: %s",
					    c->trust_anchor[i], strerror(errno));
		}
		if (!err)
			c->trust_anchor_count = (unsigned int)n;
		return err;
	}
	if (!strcmp(key, "control-socket"))
		return ystring(y, v, path, c->control_socket, sizeof(c->control_socket));
	if (!strcmp(key, "interface") || !strcmp(key, "interfaces")) {
		/* One name, or a list of names. */
		if (yscalar(v)) {
			err = ystring(y, v, path, c->interface[0], IF_NAMESIZE);
			if (!err)
				c->interface_count = 1;
			return err;
		}
		err = yseq(y, v, path, CONFIG_MAX_IFACES, &items, &n);
		for (size_t i = 0; !err && i < n; i++)
			err = ystring(y, yaml_document_get_node(y->doc, items[i]), path,
				      c->interface[i], IF_NAMESIZE);
		if (!err)
			c->interface_count = (unsigned int)n;
		return err;
	}
	if (!strcmp(key, "xdp"))
		return ymap(y, v, path, yxdp);
	if (!strcmp(key, "xdp-mode")) {
		err = ystring(y, v, path, mode, sizeof(mode));
		if (!err && attach_mode_parse(mode, &c->xdp_mode))
			return yerr(y, v, path, "expected auto, native or generic");
		return err;
	}
	if (!strcmp(key, "log"))
		return ymap(y, v, path, ylog);
	if (!strcmp(key, "cache"))
		return ymap(y, v, path, ycache);
	if (!strcmp(key, "dnssec"))
		return ymap(y, v, path, ydnssec);
	if (!strcmp(key, "server"))
		return ymap(y, v, path, yserver);
	if (!strcmp(key, "metrics"))
		return ymap(y, v, path, ymetrics);
	if (!strcmp(key, "audit"))
		return ymap(y, v, path, yaudit);
	return yerr(y, k, path, "unknown key");
}

int config_load_file(struct config *cfg, const char *path, char *err,
		     size_t errlen)
{
	struct yctx y = { .file = path, .err = err, .errlen = errlen, .cfg = cfg };
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	FILE *f;
	int ret;

	f = fopen(path, "r");
	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	if (!yaml_parser_initialize(&parser)) {
		fclose(f);
		snprintf(err, errlen, "%s: libyaml initialisation failed", path);
		return -ENOMEM;
	}
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &doc)) {
		snprintf(err, errlen, "%s:%zu: key '(syntax)': %s %s", path,
			 parser.problem_mark.line + 1,
			 parser.problem ? parser.problem : "YAML error",
			 parser.context ? parser.context : "");
		ret = XDPDNS_ECONFIG;
		goto out_parser;
	}
	y.doc = &doc;
	root = yaml_document_get_root_node(&doc);
	/* An empty file is a valid configuration: the defaults. */
	ret = root ? ymap(&y, root, "", ytop) : 0;
	if (!ret)
		snprintf(cfg->config_file, sizeof(cfg->config_file), "%s", path);
	yaml_document_delete(&doc);
out_parser:
	yaml_parser_delete(&parser);
	fclose(f);
	return ret;
}

int config_check(const struct config *cfg, char *err, size_t errlen)
{
	for (unsigned int i = 0; i < cfg->upstream_count; i++) {
		const struct config_upstream *u = &cfg->upstream[i];

		/* RFC 7858 4.2 / RFC 8310: strict privacy needs a name or pin. */
		if (u->tls && !u->tls_name[0] && !u->tls_pin[0]) {
			snprintf(err, errlen,
				 "upstream %s: TLS needs a certificate name (#NAME) or a pin",
				 u->text);
			return XDPDNS_ECONFIG;
		}
	}
	if (cfg->ttl_min > cfg->ttl_max) {
		snprintf(err, errlen, "cache.ttl-min %u is above cache.ttl-max %u",
			 cfg->ttl_min, cfg->ttl_max);
		return XDPDNS_ECONFIG;
	}
	if (cfg->listen_count == 0) {
		snprintf(err, errlen, "no listen address");
		return XDPDNS_ECONFIG;
	}
	if (!cfg->validation && cfg->trust_anchor_count) {
		snprintf(err, errlen, "trust anchors are configured but validation is "
			 "off (dnssec.validation: false or --no-validation)");
		return XDPDNS_ECONFIG;
	}
	return 0;
}

bool config_use_default_anchor(struct config *cfg, const char *path)
{
	/* Anchors given anywhere replace the default; so does validation off. */
	if (!cfg->validation || cfg->trust_anchor_count ||
	    strlen(path) >= sizeof(cfg->trust_anchor[0]) || access(path, R_OK))
		return false;
	strcpy(cfg->trust_anchor[0], path);
	cfg->trust_anchor_count = 1;
	cfg->anchor_is_default = true;
	return true;
}

enum {
	OPT_LISTEN = 256, OPT_UPSTREAM, OPT_ANCHOR, OPT_CONFIG, OPT_CHECK,
	OPT_IFACE, OPT_XDPMODE, OPT_CONTROL, OPT_LOGFMT, OPT_LOGLEVEL,
	OPT_WORKERS, OPT_PINPATH, OPT_KEEP, OPT_METRICS, OPT_AUDIT,
	OPT_NOVALIDATION,
};

static const struct option config_options[] = {
	{ "listen", required_argument, NULL, OPT_LISTEN },
	{ "upstream", required_argument, NULL, OPT_UPSTREAM },
	{ "trust-anchor", required_argument, NULL, OPT_ANCHOR },
	{ "no-validation", no_argument, NULL, OPT_NOVALIDATION },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "check-config", no_argument, NULL, OPT_CHECK },
	{ "interface", required_argument, NULL, OPT_IFACE },
	{ "xdp-mode", required_argument, NULL, OPT_XDPMODE },
	{ "control-socket", required_argument, NULL, OPT_CONTROL },
	{ "log-format", required_argument, NULL, OPT_LOGFMT },
	{ "log-level", required_argument, NULL, OPT_LOGLEVEL },
	{ "workers", required_argument, NULL, OPT_WORKERS },
	{ "pin-path", required_argument, NULL, OPT_PINPATH },
	{ "keep-attached", no_argument, NULL, OPT_KEEP },
	{ "metrics", required_argument, NULL, OPT_METRICS },
	{ "audit-log", required_argument, NULL, OPT_AUDIT },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

const char *config_usage(void)
{
	return "usage: xdpdnsd [options]\n"
	       "  --config FILE            YAML configuration (see docs/xdpdnsd.md)\n"
	       "  --check-config           load and check the configuration, then exit\n"
	       "  --listen ADDR[:PORT]     serve on this address, repeatable\n"
	       "                           (IPv6 as [::1]:53; default 127.0.0.53:53)\n"
	       "  --upstream ADDR[:PORT]   forward to this recursor, repeatable;\n"
	       "             tls://ADDR[:PORT]#NAME for DNS over TLS\n"
	       "  --trust-anchor FILE      DNSSEC trust anchors, repeatable\n"
	       "                           (default " CONFIG_DEFAULT_ANCHOR ")\n"
	       "  --no-validation          forward without DNSSEC validation\n"
	       "  --interface DEV          attach the XDP fast path there, repeatable;\n"
	       "                           a glob (lxc*) follows matching interfaces\n"
	       "  --xdp-mode MODE          auto, native or generic\n"
	       "  --pin-path DIR           bpffs directory of the maps\n"
	       "                           (default " XDPDNS_PIN_DIR_DEFAULT ")\n"
	       "  --keep-attached          leave the XDP program attached on exit\n"
	       "  --control-socket PATH    default " CONFIG_DEFAULT_CONTROL "\n"
	       "  --log-format plain|json  --log-level error|warn|info|debug\n"
	       "  --workers N              worker threads (default: one per CPU)\n"
	       "  --metrics ADDR:PORT      serve /metrics, /healthz, /readyz there\n"
	       "  --audit-log PATH         append DNSSEC audit events (JSON lines)\n"
	       "  -V, --version            print the version and exit\n";
}

/* Two passes: the first only finds --config, the second applies flags. */
int config_from_args(struct config *cfg, int argc, char *const argv[],
		     enum config_action *action, char *err, size_t errlen)
{
	unsigned int nl = 0, nu = 0, na = 0, ni = 0;
	const char *file = NULL;
	int opt, ret;

	*action = CONFIG_ACTION_RUN;
	config_defaults(cfg);
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "Vh", config_options, NULL)) != -1) {
		if (opt == OPT_CONFIG)
			file = optarg;
		else if (opt == '?' || opt == ':') {
			snprintf(err, errlen, "unknown or incomplete option '%s'",
				 argv[optind - 1]);
			return XDPDNS_ECONFIG;
		}
	}
	if (optind < argc) {
		snprintf(err, errlen, "unexpected argument '%s'", argv[optind]);
		return XDPDNS_ECONFIG;
	}
	if (file) {
		ret = config_load_file(cfg, file, err, errlen);
		if (ret)
			return ret;
	}
	optind = 0;
	while ((opt = getopt_long(argc, argv, "Vh", config_options, NULL)) != -1) {
		switch (opt) {
		case OPT_LISTEN:
			if (nl >= CONFIG_MAX_LISTEN ||
			    config_parse_listen(optarg, &cfg->listen[nl])) {
				snprintf(err, errlen, "--listen %s: bad address or too many", optarg);
				return XDPDNS_ECONFIG;
			}
			cfg->listen_count = ++nl;
			break;
		case OPT_UPSTREAM:
			if (nu >= CONFIG_MAX_UPSTREAMS ||
			    config_parse_upstream(optarg, &cfg->upstream[nu])) {
				snprintf(err, errlen, "--upstream %s: bad address or too many", optarg);
				return XDPDNS_ECONFIG;
			}
			cfg->upstream_count = ++nu;
			break;
		case OPT_ANCHOR:
			if (na >= CONFIG_MAX_ANCHORS || strlen(optarg) >= PATH_MAX ||
			    access(optarg, R_OK)) {
				snprintf(err, errlen, "--trust-anchor %s: cannot read it or too many",
					 optarg);
				return XDPDNS_ECONFIG;
			}
			strcpy(cfg->trust_anchor[na], optarg);
			cfg->trust_anchor_count = ++na;
			break;
		case OPT_NOVALIDATION:
			cfg->validation = false;
			break;
		case OPT_CHECK:
			*action = CONFIG_ACTION_CHECK;
			break;
		case OPT_IFACE:
			if (strlen(optarg) >= IF_NAMESIZE || ni >= CONFIG_MAX_IFACES) {
				snprintf(err, errlen, "--interface %s: name too long or too many",
					 optarg);
				return XDPDNS_ECONFIG;
			}
			strcpy(cfg->interface[ni], optarg);
			cfg->interface_count = ++ni;
			break;
		case OPT_PINPATH:
			if (strlen(optarg) >= sizeof(cfg->pin_path)) {
				snprintf(err, errlen, "--pin-path: path too long");
				return XDPDNS_ECONFIG;
			}
			strcpy(cfg->pin_path, optarg);
			break;
		case OPT_KEEP:
			cfg->keep_attached = true;
			break;
		case OPT_METRICS:
			if (strlen(optarg) >= sizeof(cfg->metrics_listen) ||
			    config_check_metrics_listen(optarg)) {
				snprintf(err, errlen,
					 "--metrics %s: expected ADDR:PORT or [V6ADDR]:PORT", optarg);
				return XDPDNS_ECONFIG;
			}
			strcpy(cfg->metrics_listen, optarg);
			break;
		case OPT_AUDIT:
			if (!*optarg || strlen(optarg) >= sizeof(cfg->audit_path)) {
				snprintf(err, errlen, "--audit-log: empty or too long a path");
				return XDPDNS_ECONFIG;
			}
			strcpy(cfg->audit_path, optarg);
			break;
		case OPT_XDPMODE:
			if (attach_mode_parse(optarg, &cfg->xdp_mode)) {
				snprintf(err, errlen, "--xdp-mode %s: expected auto, native or generic",
					 optarg);
				return XDPDNS_ECONFIG;
			}
			break;
		case OPT_CONTROL:
			if (strlen(optarg) >= sizeof(cfg->control_socket)) {
				snprintf(err, errlen, "--control-socket: path too long");
				return XDPDNS_ECONFIG;
			}
			strcpy(cfg->control_socket, optarg);
			break;
		case OPT_LOGFMT:
			if (log_format_parse(optarg, &cfg->log_format)) {
				snprintf(err, errlen, "--log-format %s: expected plain or json", optarg);
				return XDPDNS_ECONFIG;
			}
			break;
		case OPT_LOGLEVEL:
			if (log_level_parse(optarg, &cfg->log_level)) {
				snprintf(err, errlen,
					 "--log-level %s: expected error, warn, info or debug", optarg);
				return XDPDNS_ECONFIG;
			}
			break;
		case OPT_WORKERS: {
			char *end;
			unsigned long n = strtoul(optarg, &end, 10);

			if (*end || !*optarg || n > 256) {
				snprintf(err, errlen, "--workers %s: expected 0..256", optarg);
				return XDPDNS_ECONFIG;
			}
			cfg->workers = (unsigned int)n;
			break;
		}
		case 'V':
			*action = CONFIG_ACTION_VERSION;
			break;
		case 'h':
			*action = CONFIG_ACTION_HELP;
			break;
		default:
			break;
		}
	}
	ret = config_check(cfg, err, errlen);
	if (!ret)
		config_use_default_anchor(cfg, CONFIG_DEFAULT_ANCHOR);
	return ret;
}

int config_anchor_file_load(const char *path, struct val_anchors *set,
			    char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[8192];
	unsigned int lineno = 0;
	int ch, ret = 0;

	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ret;
	}
	/* A file starting with '<' is an RFC 7958 root-anchors.xml. */
	while ((ch = getc(f)) == ' ' || ch == '\t' || ch == '\r' || ch == '\n')
		;
	if (ch == '<') {
		fclose(f);
		ret = anchor_xml_load(path, set, time(NULL), err, errlen);
		return ret > 0 ? 0 : ret;
	}
	rewind(f);
	while (!ret && fgets(line, sizeof(line), f)) {
		char *p = line;

		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == ';' || *p == '#')
			continue;
		ret = val_anchors_add_text(set, p);
		if (ret) {
			snprintf(err, errlen, "%s:%u: not a DS, DNSKEY or NTA record: %s",
				 path, lineno, xdpdns_strerror(ret));
			ret = ret == -ENOMEM ? ret : XDPDNS_ECONFIG;
		}
	}
	fclose(f);
	return ret;
}

int config_load_anchors(const struct config *cfg, struct val_anchors **out,
			char *err, size_t errlen)
{
	struct val_anchors *set;
	int ret = 0;

	*out = NULL;
	if (!cfg->trust_anchor_count)
		return 0;
	set = val_anchors_new();
	if (!set)
		return -ENOMEM;
	for (unsigned int i = 0; !ret && i < cfg->trust_anchor_count; i++)
		ret = config_anchor_file_load(cfg->trust_anchor[i], set, err, errlen);
	if (!ret && set->count == 0) {
		snprintf(err, errlen, "trust anchor files hold no anchor");
		ret = XDPDNS_ECONFIG;
	}
	if (ret) {
		val_anchors_free(set);
		return ret;
	}
	*out = set;
	return 0;
}
