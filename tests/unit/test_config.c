// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the daemon configuration: YAML file, errors with file,
 * line and key, command line over file. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "dnssec/anchor.h"
#include "tap.h"
#include "util/error.h"

static char dir[] = "/tmp/test_config.XXXXXX";

static const char *write_file(const char *name, const char *text)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

static const char *good_yaml =
	"# an example\n"
	"listen:\n"
	"  - 127.0.0.1:5353\n"
	"  - \"[::1]:5353\"\n"
	"upstreams:\n"
	"  - 198.18.0.53\n"
	"  - address: tls://198.18.0.54:853#resolver.test\n"
	"    pin: \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"\n"
	"    ca-file: /etc/ssl/certs/ca-certificates.crt\n"
	"control-socket: /tmp/x.sock\n"
	"interface: veth0\n"
	"xdp-mode: generic\n"
	"xdp:\n"
	"  pin-path: /sys/fs/bpf/xdpdns-t\n"
	"  keep-attached: true\n"
	"log:\n"
	"  level: debug\n"
	"  format: json\n"
	"cache:\n"
	"  memory: 16M\n"
	"  ttl-min: 5\n"
	"  ttl-max: 3600\n"
	"  negative-ttl-max: 900\n"
	"  failure-ttl: 30\n"
	"  kernel-entries: 4096\n"
	"server:\n"
	"  workers: 3\n"
	"  query-timeout-ms: 2500\n"
	"  tcp-idle-timeout-ms: 5000\n"
	"  max-inflight: 20000\n"
	"  edns-udp-size: 1400\n";

static void test_good(void)
{
	struct config cfg;
	char err[CONFIG_ERR_LEN] = "";
	const char *p = write_file("good.yaml", good_yaml);
	const struct sockaddr_in6 *s6;
	const struct sockaddr_in *s4;
	int ret;

	config_defaults(&cfg);
	ret = config_load_file(&cfg, p, err, sizeof(err));
	is_int(ret, 0, "good file loads");
	if (ret)
		diag("%s", err);
	is_int(cfg.listen_count, 2, "two listen addresses");
	s4 = (const struct sockaddr_in *)&cfg.listen[0].addr;
	is_int(ntohs(s4->sin_port), 5353, "v4 listen port");
	s6 = (const struct sockaddr_in6 *)&cfg.listen[1].addr;
	is_int(s6->sin6_family, AF_INET6, "v6 listen family");
	is_int(ntohs(s6->sin6_port), 5353, "v6 listen port");
	is_int(cfg.upstream_count, 2, "two upstreams");
	s4 = (const struct sockaddr_in *)&cfg.upstream[0].addr;
	is_int(ntohs(s4->sin_port), 53, "plain upstream port defaults to 53");
	ok(!cfg.upstream[0].tls, "first upstream is plain");
	ok(cfg.upstream[1].tls, "second upstream is TLS");
	s4 = (const struct sockaddr_in *)&cfg.upstream[1].addr;
	is_int(ntohs(s4->sin_port), 853, "TLS port");
	is_str(cfg.upstream[1].tls_name, "resolver.test", "TLS name");
	is_str(cfg.upstream[1].tls_pin, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "pin");
	is_str(cfg.upstream[1].ca_file, "/etc/ssl/certs/ca-certificates.crt", "CA file");
	is_str(cfg.control_socket, "/tmp/x.sock", "control socket");
	is_int(cfg.interface_count, 1, "one interface");
	is_str(cfg.interface[0], "veth0", "interface");
	is_str(cfg.pin_path, "/sys/fs/bpf/xdpdns-t", "xdp.pin-path");
	ok(cfg.keep_attached, "xdp.keep-attached");
	is_int(cfg.kernel_entries, 4096, "cache.kernel-entries");
	is_int(cfg.xdp_mode, ATTACH_MODE_GENERIC, "xdp mode");
	is_int(cfg.log_level, LOG_LEVEL_DEBUG, "log level");
	is_int(cfg.log_format, LOG_FORMAT_JSON, "log format");
	is_int(cfg.cache_memory, 16 << 20, "cache memory with suffix");
	is_int(cfg.ttl_min, 5, "ttl-min");
	is_int(cfg.ttl_max, 3600, "ttl-max");
	is_int(cfg.negative_ttl_max, 900, "negative-ttl-max");
	is_int(cfg.failure_ttl, 30, "failure-ttl");
	is_int(cfg.workers, 3, "workers");
	is_int(cfg.query_timeout_ms, 2500, "query timeout");
	is_int(cfg.tcp_idle_timeout_ms, 5000, "tcp idle timeout");
	is_int(cfg.max_inflight, 20000, "max inflight");
	is_int(cfg.edns_udp_size, 1400, "edns size");
	is_int(config_check(&cfg, err, sizeof(err)), 0, "good file passes checks");
}

static void test_defaults(void)
{
	struct config cfg;
	const struct sockaddr_in *s4;
	char err[CONFIG_ERR_LEN];
	const char *p = write_file("empty.yaml", "");

	config_defaults(&cfg);
	is_int(config_load_file(&cfg, p, err, sizeof(err)), 0, "empty file is fine");
	is_int(cfg.listen_count, 1, "default: one listen address");
	s4 = (const struct sockaddr_in *)&cfg.listen[0].addr;
	is_int(ntohl(s4->sin_addr.s_addr), 0x7f000035, "default 127.0.0.53");
	is_int(ntohs(s4->sin_port), 53, "default port 53");
	is_str(cfg.control_socket, "/run/xdpdns/control.sock", "default control socket");
	is_int(cfg.edns_udp_size, 1232, "default EDNS size 1232");
	is_int(cfg.upstream_count, 0, "no upstream by default");
}

/* Each bad file must fail with "FILE:LINE: key 'KEY'" in the message. */
static void expect_error(const char *name, const char *text, int line,
			 const char *key)
{
	struct config cfg;
	char err[CONFIG_ERR_LEN] = "", want[512];
	const char *p = write_file(name, text);
	int ret;

	config_defaults(&cfg);
	ret = config_load_file(&cfg, p, err, sizeof(err));
	is_int(ret, XDPDNS_ECONFIG, "%s: rejected", name);
	snprintf(want, sizeof(want), "%s:%d: key '%s'", p, line, key);
	if (!ok(strstr(err, want) != NULL, "%s: message names file, line %d and key %s",
		name, line, key))
		diag("message: %s (wanted %s)", err, want);
}

static void test_errors(void)
{
	expect_error("unknown-top.yaml", "listen:\n  - 127.0.0.1\nlisten_typo: 1\n",
		     3, "listen_typo");
	expect_error("unknown-nested.yaml", "cache:\n  ttl-min: 1\n  colour: red\n",
		     3, "cache.colour");
	expect_error("bad-listen.yaml", "listen:\n  - 127.0.0.1\n  - 300.1.1.1:53\n",
		     3, "listen");
	expect_error("bad-port.yaml", "listen:\n  - 127.0.0.1:70000\n", 2, "listen");
	expect_error("bad-upstream.yaml", "upstreams:\n  - not-an-address\n", 2,
		     "upstreams");
	expect_error("upstream-noaddr.yaml", "upstreams:\n  - pin: x\n", 2,
		     "upstreams.pin");
	expect_error("bad-pin.yaml",
		     "upstreams:\n  - address: tls://1.2.3.4#n\n    pin: short\n", 3,
		     "upstreams.pin");
	expect_error("bad-int.yaml", "cache:\n  ttl-max: lots\n", 2, "cache.ttl-max");
	expect_error("neg-int.yaml", "server:\n  workers: -1\n", 2, "server.workers");
	expect_error("range.yaml", "cache:\n  failure-ttl: 301\n", 2, "cache.failure-ttl");
	expect_error("range-low.yaml", "cache:\n  failure-ttl: 0\n", 2, "cache.failure-ttl");
	expect_error("bad-mode.yaml", "xdp-mode: turbo\n", 1, "xdp-mode");
	expect_error("bad-level.yaml", "log:\n  level: loud\n", 2, "log.level");
	expect_error("not-list.yaml", "listen: 127.0.0.1\n", 1, "listen");
	expect_error("empty-list.yaml", "upstreams: []\n", 1, "upstreams");
	expect_error("not-map.yaml", "cache: 5\n", 1, "cache");
	expect_error("top-list.yaml", "- a\n- b\n", 1, "");
	expect_error("anchor-missing.yaml", "trust-anchors:\n  - /nonexistent/root.key\n",
		     2, "trust-anchors");
	expect_error("syntax.yaml", "listen:\n  - 127.0.0.1\n bad: [\n", 3, "(syntax)");
}

static void test_strings(void)
{
	struct config_upstream u;
	struct config_listen l;
	uint64_t size;

	is_int(config_parse_upstream("tls://[2001:db8::1]:8853#dot.test", &u), 0,
	       "TLS v6 upstream");
	ok(u.tls && !strcmp(u.tls_name, "dot.test"), "TLS name from #NAME");
	is_int(ntohs(((struct sockaddr_in6 *)&u.addr)->sin6_port), 8853, "its port");
	is_int(config_parse_upstream("1.2.3.4#name", &u), XDPDNS_ECONFIG,
	       "#NAME only for TLS");
	is_int(config_parse_listen("::1", &l), 0, "bare v6 listen");
	is_int(ntohs(((struct sockaddr_in6 *)&l.addr)->sin6_port), 53, "bare v6 port 53");
	is_int(config_parse_listen("[::1", &l), XDPDNS_ECONFIG, "unclosed bracket");
	is_int(config_parse_listen("1.2.3.4:0", &l), XDPDNS_ECONFIG, "port 0");
	is_int(config_parse_size("64K", &size), 0, "64K");
	is_int(size, 65536, "64K is 65536");
	is_int(config_parse_size("2GiB", &size), 0, "2GiB");
	is_int(size, 2ull << 30, "2GiB value");
	is_int(config_parse_size("12X", &size), XDPDNS_ECONFIG, "bad suffix");
}

static void test_args(void)
{
	struct config cfg;
	enum config_action action;
	char err[CONFIG_ERR_LEN] = "";
	const char *p = write_file("args.yaml",
				   "listen:\n  - 127.0.0.1:5353\nupstreams:\n  - 10.0.0.1\n");
	char path[256];

	snprintf(path, sizeof(path), "%s", p);
	{
		char *argv[] = { "xdpdnsd", "--config", path, "--upstream", "10.0.0.2:5300",
				 "--upstream", "10.0.0.3", "--log-format", "json",
				 "--check-config", NULL };

		is_int(config_from_args(&cfg, 10, argv, &action, err, sizeof(err)), 0,
		       "command line with a file");
		is_int(action, CONFIG_ACTION_CHECK, "--check-config");
		is_int(cfg.upstream_count, 2, "--upstream replaces the file's list");
		is_str(cfg.upstream[0].text, "10.0.0.2:5300", "first upstream from flags");
		is_int(cfg.listen_count, 1, "file's listen kept");
		is_int(cfg.log_format, LOG_FORMAT_JSON, "--log-format");
	}
	{
		char *argv[] = { "xdpdnsd", "--upstream", "tls://1.2.3.4", NULL };

		is_int(config_from_args(&cfg, 3, argv, &action, err, sizeof(err)),
		       XDPDNS_ECONFIG, "TLS without name or pin refused");
		ok(strstr(err, "tls://1.2.3.4") != NULL, "message names the upstream");
	}
	{
		char *argv[] = { "xdpdnsd", "--bogus", NULL };

		is_int(config_from_args(&cfg, 2, argv, &action, err, sizeof(err)),
		       XDPDNS_ECONFIG, "unknown flag refused");
	}
	{
		char *argv[] = { "xdpdnsd", "--config", "/nonexistent.yaml", NULL };

		ok(config_from_args(&cfg, 3, argv, &action, err, sizeof(err)) < 0,
		   "missing config file refused");
		ok(strstr(err, "/nonexistent.yaml") != NULL, "message names the file");
	}
	{
		char *argv[] = { "xdpdnsd", "--listen", "[::1]:53", "--listen", "127.0.0.2",
				 "--xdp-mode", "native", "--interface", "eth9",
				 "--interface", "eth10", "--pin-path", "/sys/fs/bpf/p",
				 "--keep-attached", NULL };

		is_int(config_from_args(&cfg, 14, argv, &action, err, sizeof(err)), 0,
		       "listen flags");
		is_int(cfg.listen_count, 2, "two --listen");
		is_int(cfg.xdp_mode, ATTACH_MODE_NATIVE, "--xdp-mode");
		is_int(cfg.interface_count, 2, "--interface twice");
		is_str(cfg.interface[0], "eth9", "--interface");
		is_str(cfg.interface[1], "eth10", "second --interface");
		is_str(cfg.pin_path, "/sys/fs/bpf/p", "--pin-path");
		ok(cfg.keep_attached, "--keep-attached");
		is_int(action, CONFIG_ACTION_RUN, "run by default");
	}
}

static void test_anchors(void)
{
	struct config cfg;
	struct val_anchors *set = NULL;
	char err[CONFIG_ERR_LEN] = "", path1[256], path2[256], want[300];

	snprintf(path1, sizeof(path1), "%s", write_file("root.ds",
		 "; the lab's root\n\n. 3600 IN DS 6541 8 2 "
		 "1353627DB3F497A55BED1932F3CFB98D4EB9438F27CC6CE5000E13F3AA0FB3F2\n"
		 "# a negative anchor\nbroken.example. NTA\n"));
	config_defaults(&cfg);
	is_int(config_load_anchors(&cfg, &set, err, sizeof(err)), 0, "no anchor files");
	ok(set == NULL, "no anchors: no set (no validation)");
	strcpy(cfg.trust_anchor[0], path1);
	cfg.trust_anchor_count = 1;
	is_int(config_load_anchors(&cfg, &set, err, sizeof(err)), 0, "DS and NTA lines load");
	ok(set && set->count == 2, "two anchors");
	val_anchors_free(set);
	snprintf(path2, sizeof(path2), "%s", write_file("bad.ds",
		 "example. 3600 IN DS 1 8 2 00\nexample. 3600 IN A 192.0.2.1\n"));
	strcpy(cfg.trust_anchor[1], path2);
	cfg.trust_anchor_count = 2;
	set = NULL;
	ok(config_load_anchors(&cfg, &set, err, sizeof(err)) < 0 && !set,
	   "a line that is no anchor is refused");
	snprintf(want, sizeof(want), "%s:2:", path2);
	if (!ok(strstr(err, want) != NULL, "message names file and line 2"))
		diag("message: %s", err);
}

/* The shipped root anchors are the default; anything given replaces them,
 * and validation off means no anchor at all. */
static void test_default_anchor(void)
{
	static char *const off[] = { "xdpdnsd", "--no-validation", NULL };
	enum config_action action;
	char err[CONFIG_ERR_LEN], root[256], other[256], missing[300];
	struct config cfg;
	const char *yaml;

	snprintf(root, sizeof(root), "%s", write_file("default-root.ds",
		 ". 3600 IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\n"));
	snprintf(other, sizeof(other), "%s", write_file("other.ds",
		 "internal. 3600 IN DS 1 13 2 00\n"));
	snprintf(missing, sizeof(missing), "%s/absent.ds", dir);
	config_defaults(&cfg);
	ok(cfg.validation, "validation on by default");
	ok(config_use_default_anchor(&cfg, root) && cfg.trust_anchor_count == 1 &&
	   cfg.anchor_is_default && !strcmp(cfg.trust_anchor[0], root),
	   "no anchor given: the default file is used");
	config_defaults(&cfg);
	ok(!config_use_default_anchor(&cfg, missing) && cfg.trust_anchor_count == 0 &&
	   !cfg.anchor_is_default, "default file absent: no anchor, not validating");
	config_defaults(&cfg);
	strcpy(cfg.trust_anchor[0], other);
	cfg.trust_anchor_count = 1;
	ok(!config_use_default_anchor(&cfg, root) && cfg.trust_anchor_count == 1 &&
	   !strcmp(cfg.trust_anchor[0], other), "a given anchor replaces the default");
	is_int(config_from_args(&cfg, 2, off, &action, err, sizeof(err)), 0, "--no-validation");
	ok(!cfg.validation && !config_use_default_anchor(&cfg, root) &&
	   cfg.trust_anchor_count == 0, "validation off: the default is not used");
	config_defaults(&cfg);
	yaml = write_file("novalidation.yaml", "dnssec:\n  validation: false\n");
	is_int(config_load_file(&cfg, yaml, err, sizeof(err)), 0, "dnssec.validation: false");
	ok(!cfg.validation, "dnssec.validation read");
	strcpy(cfg.trust_anchor[0], other);
	cfg.trust_anchor_count = 1;
	ok(config_check(&cfg, err, sizeof(err)) == XDPDNS_ECONFIG &&
	   strstr(err, "validation is off"), "anchors with validation off: an error");
	expect_error("validation-bad.yaml", "dnssec:\n  validation: maybe\n", 2,
		     "dnssec.validation");
}

/* Operations keys: metrics, audit, interface globs; their flags. */
static void test_ops(void)
{
	static char *const argv[] = { "xdpdnsd", "--metrics", "[::1]:9253",
				      "--audit-log", "/tmp/a.log", NULL };
	static char *const bad[] = { "xdpdnsd", "--metrics", "127.0.0.1", NULL };
	enum config_action action;
	char err[CONFIG_ERR_LEN];
	struct config cfg;
	const char *p = write_file("ops.yaml",
				   "metrics:\n  listen: 0.0.0.0:9253\n"
				   "audit:\n  path: /var/log/xdpdns/audit.log\n"
				   "  max-size: 16M\n  keep: 4\n"
				   "interfaces:\n  - lxc*\n  - eth0\n  - veth[0-9]?\n");

	config_defaults(&cfg);
	ok(!cfg.metrics_listen[0] && !cfg.audit_path[0], "metrics and audit off by default");
	is_int(config_load_file(&cfg, p, err, sizeof(err)), 0, "ops keys accepted");
	is_str(cfg.metrics_listen, "0.0.0.0:9253", "metrics.listen");
	is_str(cfg.audit_path, "/var/log/xdpdns/audit.log", "audit.path");
	ok(cfg.audit_max_size == 16ull << 20 && cfg.audit_keep == 4,
	   "audit.max-size and audit.keep");
	ok(cfg.interface_count == 3 && config_iface_is_pattern(cfg.interface[0]) &&
	   !config_iface_is_pattern(cfg.interface[1]) &&
	   config_iface_is_pattern(cfg.interface[2]), "interface globs told from names");
	expect_error("metrics-noport.yaml", "metrics:\n  listen: 127.0.0.1\n", 2,
		     "metrics.listen");
	expect_error("metrics-unknown.yaml", "metrics:\n  port: 9253\n", 2, "metrics.port");
	expect_error("audit-keep.yaml", "audit:\n  keep: many\n", 2, "audit.keep");
	expect_error("audit-unknown.yaml", "audit:\n  path: /x\n  rotate: 1\n", 3,
		     "audit.rotate");
	is_int(config_from_args(&cfg, 5, argv, &action, err, sizeof(err)), 0,
	       "--metrics and --audit-log");
	ok(!strcmp(cfg.metrics_listen, "[::1]:9253") && !strcmp(cfg.audit_path, "/tmp/a.log"),
	   "flags set metrics.listen and audit.path");
	is_int(config_from_args(&cfg, 3, bad, &action, err, sizeof(err)), XDPDNS_ECONFIG,
	       "--metrics without a port rejected");
}

int main(void)
{
	char cmd[300];

	if (!mkdtemp(dir))
		skip_all("cannot create a temporary directory");
	test_defaults();
	test_good();
	test_errors();
	test_strings();
	test_args();
	test_anchors();
	test_default_anchor();
	test_ops();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		diag("could not remove %s", dir);
	return done_testing();
}
