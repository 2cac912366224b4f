// SPDX-License-Identifier: GPL-2.0
/* The control socket: line-based JSON requests and responses, commands in
 * a table so that new ones (for the CLI) are one entry each. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "dns/name.h"
#include "dns/rr.h"
#include "resolve.h"
#include "upstream.h"
#include "util/error.h"
#include "xdpdns/version.h"

struct control {
	struct server *srv;
	int fd;
	char path[108];
	int (*reload)(void *arg);
	void *reload_arg;
};

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
			  "\"truncated\":%llu}",
			  ui[i].up ? "true" : "false", ui[i].srtt_ms, ui[i].rttvar_ms,
			  ui[i].rto_ms, ui[i].fails,
			  (unsigned long long)ui[i].st.sent,
			  (unsigned long long)ui[i].st.received,
			  (unsigned long long)ui[i].st.timeouts,
			  (unsigned long long)ui[i].st.errors,
			  (unsigned long long)ui[i].st.mismatched,
			  (unsigned long long)ui[i].st.truncated);
	}
	jb_printf(b, "]}");
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
	size_t n;

	if (req_get(req, "name", text, sizeof(text))) {
		if (dns_name_from_text(text, name) < 0)
			return XDPDNS_ESYNTAX;
		n = cache_flush_below(ctl->srv->cache, name);
	} else {
		n = cache_flush(ctl->srv->cache);
	}
	jb_printf(b, "{\"flushed\":%zu}", n);
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
		jb_str(&b, err == -ENOENT ? "unknown command" : xdpdns_strerror(err));
	}
	jb_printf(&b, "}\n");
	if (b.oom) {
		free(b.s);
		return -ENOMEM;
	}
	*out = b.s;
	return 0;
}

int control_new(struct server *srv, const char *path, struct control **out)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct control *ctl;
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
