/* SPDX-License-Identifier: GPL-2.0 */
/* xdpdnsd configuration: defaults, the YAML file (libyaml), command line. */
#pragma once

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "attach.h"
#include "log.h"

#define CONFIG_MAX_LISTEN 16
#define CONFIG_MAX_UPSTREAMS 16
#define CONFIG_MAX_ANCHORS 16
#define CONFIG_MAX_IFACES 16
#define CONFIG_ERR_LEN 512

#define CONFIG_DEFAULT_LISTEN "127.0.0.53:53"
#define CONFIG_DEFAULT_CONTROL "/run/xdpdns/control.sock"
/* The root's KSKs as `make install` puts them (deploy/anchors/root.ds);
 * the Makefile sets it from PREFIX. */
#ifndef CONFIG_DEFAULT_ANCHOR
#define CONFIG_DEFAULT_ANCHOR "/usr/share/xdpdns/root.ds"
#endif
#define CONFIG_EDNS_UDP_SIZE 1232	/* DNS flag day 2020 */
#define CONFIG_FAILURE_TTL_MIN 1	/* RFC 9520 3.2: at least 1 second */
#define CONFIG_FAILURE_TTL_MAX 300	/* RFC 9520 3.2: at most 5 minutes */

/**
 * struct config_listen - one address the daemon serves on (UDP and TCP).
 * @addr:     the socket address.
 * @addr_len: its length.
 * @text:     as written, for logs.
 */
struct config_listen {
	struct sockaddr_storage addr;
	socklen_t addr_len;
	char text[64];
};

/**
 * struct config_upstream - one upstream recursor.
 * @addr, @addr_len: its address and port.
 * @tls:      DNS over TLS (RFC 7858) instead of plain UDP/TCP.
 * @tls_name: name the certificate must carry ("" if only pinned).
 * @tls_pin:  base64 SHA-256 of the SubjectPublicKeyInfo, RFC 7858 4.2
 *            ("" for none).
 * @ca_file:  CA bundle to verify against ("" for the system store).
 * @text:     as written, for logs and stats.
 */
struct config_upstream {
	struct sockaddr_storage addr;
	socklen_t addr_len;
	bool tls;
	char tls_name[256];
	char tls_pin[64];
	char ca_file[PATH_MAX];
	char text[320];
};

/**
 * struct config - everything the daemon reads at start and on SIGHUP.
 * Plain data: copied by value, nothing to free.
 */
struct config {
	char config_file[PATH_MAX];	/* "" when none given */
	struct config_listen listen[CONFIG_MAX_LISTEN];
	unsigned int listen_count;
	struct config_upstream upstream[CONFIG_MAX_UPSTREAMS];
	unsigned int upstream_count;
	char trust_anchor[CONFIG_MAX_ANCHORS][PATH_MAX];
	unsigned int trust_anchor_count;
	bool anchor_is_default;		/* trust_anchor[0] is CONFIG_DEFAULT_ANCHOR */
	bool validation;		/* dnssec.validation: false, a plain forwarder */
	char control_socket[108];	/* sun_path size */
	/* XDP fast path: none configured means a plain userspace forwarder. */
	char interface[CONFIG_MAX_IFACES][IF_NAMESIZE];
	unsigned int interface_count;
	enum attach_mode xdp_mode;
	char pin_path[PATH_MAX];	/* bpffs directory of the shared maps */
	bool keep_attached;		/* leave xdp_dns attached on exit */
	uint32_t kernel_entries;	/* capacity of a new kernel cache map */
	enum log_level log_level;
	enum log_format log_format;
	unsigned int workers;		/* 0: one per online CPU */
	uint64_t cache_memory;		/* bytes for the userspace cache */
	uint32_t ttl_min;		/* answers are cached at least this long */
	uint32_t ttl_max;		/* and at most this long */
	uint32_t negative_ttl_max;	/* cap for NXDOMAIN/NODATA (RFC 2308 5) */
	uint32_t failure_ttl;		/* SERVFAIL caching, 1..300 s (RFC 9520) */
	uint32_t query_timeout_ms;	/* a client query gets an answer by then */
	uint32_t tcp_idle_timeout_ms;	/* RFC 7766 6.2.3 idle connection close */
	uint32_t max_inflight;		/* client queries in flight per worker */
	uint32_t max_tcp_clients;	/* TCP connections per worker */
	uint16_t edns_udp_size;		/* our advertised UDP payload size */
	uint32_t expiry_warning;	/* dnssec.expiry-warning: seconds, 0 off */
	uint32_t nta_default_ttl;	/* dnssec.nta-default-ttl (RFC 7646) */
	uint32_t zone_inventory_max;	/* dnssec.zone-inventory-max: zones kept */
	/* Operations: "" means off. */
	char metrics_listen[64];	/* metrics.listen: ADDR:PORT of /metrics */
	char audit_path[PATH_MAX];	/* audit.path: JSON-lines DNSSEC audit log */
	uint64_t audit_max_size;	/* audit.max-size: rotate above, 0 never */
	unsigned int audit_keep;	/* audit.keep: rotated files kept */
};

/**
 * config_iface_is_pattern() - true when an "interface" entry is a shell
 * glob (it holds '*', '?' or '['): the daemon follows the interfaces
 * matching it (ifwatch.h) instead of attaching to one named interface.
 */
bool config_iface_is_pattern(const char *name);

/**
 * config_defaults() - fill @cfg with the built-in defaults (listen on
 * 127.0.0.53:53, no upstream, control socket CONFIG_DEFAULT_CONTROL...).
 */
void config_defaults(struct config *cfg);

/**
 * config_load_file() - read a YAML configuration file over @cfg.
 * @cfg:  the configuration, usually from config_defaults().
 * @path: the file.
 * @err:  receives "FILE:LINE: key 'a.b': what is wrong" on failure.
 * @errlen: its size (CONFIG_ERR_LEN is enough).
 *
 * Lists given in the file (listen, upstreams, trust-anchors) replace the
 * defaults. Unknown keys are errors, so that a typo never goes unnoticed.
 *
 * Return: 0, XDPDNS_ECONFIG (message in @err) or -errno when the file
 * cannot be read.
 */
int config_load_file(struct config *cfg, const char *path, char *err,
		     size_t errlen);

/**
 * config_parse_listen() - read "ADDR[:PORT]", "[V6]:PORT" or a bare IPv6
 * address (port 53 by default).
 * Return: 0 or XDPDNS_ECONFIG.
 */
int config_parse_listen(const char *text, struct config_listen *out);

/**
 * config_parse_upstream() - read "ADDR[:PORT]" or "tls://ADDR[:PORT]#NAME"
 * (port 53, or 853 for TLS). The pin and CA file come from the YAML form.
 * Return: 0 or XDPDNS_ECONFIG.
 */
int config_parse_upstream(const char *text, struct config_upstream *out);

/**
 * config_parse_size() - read a byte count: digits with an optional K, M or
 * G suffix (powers of 1024).
 * Return: 0 or XDPDNS_ECONFIG.
 */
int config_parse_size(const char *text, uint64_t *out);

/**
 * config_check() - final consistency checks (TLS upstream without a name
 * or pin, limits out of range).
 * Return: 0 or XDPDNS_ECONFIG with a message in @err.
 */
int config_check(const struct config *cfg, char *err, size_t errlen);

/**
 * config_use_default_anchor() - with validation on and no trust anchor
 * file given (flags or file), use @path, the shipped root anchors, if it
 * can be read; sets anchor_is_default. config_from_args() calls it with
 * CONFIG_DEFAULT_ANCHOR.
 * Return: true when @path was taken.
 */
bool config_use_default_anchor(struct config *cfg, const char *path);

/**
 * enum config_action - what the command line asks for besides serving.
 */
enum config_action {
	CONFIG_ACTION_RUN = 0,
	CONFIG_ACTION_CHECK,	/* --check-config: load, check, exit */
	CONFIG_ACTION_VERSION,	/* -V */
	CONFIG_ACTION_HELP,	/* -h */
};

/**
 * config_from_args() - build the configuration from defaults, the file
 * named by --config and the command line, which wins over the file (a
 * repeatable flag given at least once replaces the file's list).
 * @cfg:    the result.
 * @argc, @argv: the command line (not modified; may be parsed again on
 *          SIGHUP to reload).
 * @action: receives what to do.
 * @err, @errlen: message on failure.
 * Return: 0, XDPDNS_ECONFIG or -errno.
 */
int config_from_args(struct config *cfg, int argc, char *const argv[],
		     enum config_action *action, char *err, size_t errlen);

struct val_anchors;

/**
 * config_anchor_file_load() - add the anchors of one file to @set: an
 * RFC 7958 XML file (first non-blank character '<') or DS, DNSKEY and NTA
 * lines in zone-file form.
 * @path:   the file.
 * @set:    receives the anchors.
 * @err:    receives a message naming the file (and line) on failure.
 * @errlen: its size.
 * Return: 0, XDPDNS_ECONFIG, -ENOMEM or -errno.
 */
int config_anchor_file_load(const char *path, struct val_anchors *set,
			    char *err, size_t errlen);

/**
 * config_load_anchors() - read every trust anchor file of @cfg.
 * @cfg:  the configuration.
 * @out:  receives a new anchor set (val_anchors_free() it), or NULL when
 *        no anchor file is configured (the daemon then does not validate).
 * @err, @errlen: "FILE:LINE: what is wrong" on failure.
 *
 * One record per line in zone file form: "NAME [TTL] [IN] DS ...",
 * "NAME [TTL] [IN] DNSKEY ..." or "NAME NTA" (RFC 7646 negative anchor);
 * blank lines and lines starting with ';' or '#' are skipped.
 *
 * Return: 0, XDPDNS_ECONFIG, -errno or -ENOMEM.
 */
int config_load_anchors(const struct config *cfg, struct val_anchors **out,
			char *err, size_t errlen);

/** config_usage() - the --help text. */
const char *config_usage(void);
