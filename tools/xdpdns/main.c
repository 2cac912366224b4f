// SPDX-License-Identifier: GPL-2.0
/* xdpdns: inspect and manage the XDP DNS cache, its counters, programs and
 * the daemon, in the manner of bpftool (object, command, prefixes, -j). */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/libbpf.h>

#include "dns/name.h"
#include "dns/rr.h"
#include "attach.h"
#include "main.h"
#include "util/error.h"
#include "xdpdns/version.h"

bool cli_is_prefix(const char *arg, const char *word)
{
	size_t n = strlen(arg);

	return n && !strncmp(arg, word, n);
}

static void cli_vreport(struct cli *cli, const char *kind, const char *fmt,
			va_list ap)
{
	char msg[sizeof(cli->error)];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	fprintf(stderr, "%s: %s%s\n", cli->argv0, kind, msg);
	if (!cli->failed) {
		cli->failed = true;
		snprintf(cli->error, sizeof(cli->error), "%s", msg);
	}
}

int cli_error(struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_vreport(cli, "error: ", fmt, ap);
	va_end(ap);
	return CLI_ERROR;
}

int cli_usage_error(struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_vreport(cli, "usage error: ", fmt, ap);
	va_end(ap);
	return CLI_USAGE;
}

void cli_warn(struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: warning: ", cli->argv0);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_parse_uint(struct cli *cli, const char *what, const char *text,
		   unsigned long long min, unsigned long long max,
		   unsigned long long *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(text, &end, 10);
	if (!*text || *end || errno || text[0] == '-' || v < min || v > max)
		return cli_usage_error(cli, "%s: '%s' is not a number in %llu..%llu",
				       what, text, min, max);
	*out = v;
	return 0;
}

int cli_parse_type(struct cli *cli, const char *text, unsigned int *out)
{
	int t = dns_type_from_text(text);

	if (t < 0)
		return cli_usage_error(cli, "unknown record type '%s'", text);
	*out = (unsigned int)t;
	return 0;
}

int cli_parse_name(struct cli *cli, const char *text, unsigned char *out)
{
	int n = dns_name_from_text(text, out);

	if (n < 0)
		return cli_usage_error(cli, "bad domain name '%s': %s", text,
				       xdpdns_strerror(n));
	dns_name_to_lower(out);
	return 0;
}

int cli_parse_name_text(struct cli *cli, const char *text, char *out, size_t cap)
{
	unsigned char wire[DNS_NAME_MAXLEN];

	if (cli_parse_name(cli, text, wire))
		return CLI_USAGE;
	if (dns_name_to_text(wire, out, cap) < 0)
		return cli_usage_error(cli, "name '%s' is too long", text);
	return 0;
}

int cli_maps_open(struct cli *cli, struct refill_maps *maps)
{
	int err = refill_maps_open(maps, cli->pin_dir);

	return err ? cli_maps_error(cli, err) : 0;
}

int cli_maps_error(struct cli *cli, int err)
{
	if (err == XDPDNS_ELAYOUT)
		return cli_error(cli, "maps pinned in %s have another layout version "
				 "(this xdpdns reads version %d): refusing to read them",
				 cli->pin_dir, XDPDNS_LAYOUT_VERSION);
	if (err == -ENOENT)
		return cli_error(cli, "no xdpdns maps pinned in %s (is a program attached?)",
				 cli->pin_dir);
	return cli_error(cli, "cannot open the maps pinned in %s: %s",
			 cli->pin_dir, xdpdns_strerror(err));
}

unsigned long long cli_boottime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int cli_dispatch(struct cli *cli, const char *what, const struct cli_cmd *cmds,
		 int argc, char **argv,
		 int (*help)(struct cli *cli, int argc, char **argv))
{
	const struct cli_cmd *found = NULL, *c;
	const char *word;
	int matches = 0;

	if (argc < 1) {
		for (c = cmds; c->name; c++)
			if (!c->name[0])
				return c->fn(cli, 0, argv);
		if (help)
			return help(cli, 0, argv);
		return cli_usage_error(cli, "missing %s", what);
	}
	word = argv[0];
	if (help && cli_is_prefix(word, "help")) {
		/* "help", or a prefix of it that starts no command's name. */
		bool other = false;

		for (c = cmds; c->name; c++)
			other = other || (c->name[0] && cli_is_prefix(word, c->name));
		if (!other || !strcmp(word, "help"))
			return help(cli, argc - 1, argv + 1);
	}
	for (c = cmds; c->name; c++) {
		if (!c->name[0])
			continue;
		if (!strcmp(word, c->name)) {
			found = c;
			matches = 1;
			break;
		}
		if (cli_is_prefix(word, c->name)) {
			found = c;
			matches++;
		}
	}
	if (matches == 1)
		return found->fn(cli, argc - 1, argv + 1);
	if (matches > 1) {
		char list[256] = "";

		for (c = cmds; c->name; c++)
			if (c->name[0] && cli_is_prefix(word, c->name))
				snprintf(list + strlen(list), sizeof(list) - strlen(list),
					 "%s%s", list[0] ? ", " : "", c->name);
		return cli_usage_error(cli, "ambiguous %s '%s' (%s)", what, word, list);
	}
	return cli_usage_error(cli, "unknown %s '%s' (try help)", what, word);
}

static int do_help(struct cli *cli, int argc, char **argv)
{
	if (cli->json) {
		jw_null(&cli->jw);
		return CLI_OK;
	}
	fprintf(stderr,
		"Usage: %s [OPTIONS] OBJECT { COMMAND | help }\n"
		"       %s help\n"
		"\n"
		"OBJECT := { cache | stats | prog | listen | anchor | nta | zone | proof }\n"
		"OPTIONS := { -j|--json | -p|--pretty | -d|--debug | -V|--version |\n"
		"             --pin-path DIR | --control PATH }\n"
		"\n"
		"Defaults: --pin-path %s, --control %s.\n"
		"Objects and commands may be abbreviated: '%s c s' is 'cache show'.\n",
		cli->argv0, cli->argv0, XDPDNS_PIN_DIR_DEFAULT,
		CLI_CONTROL_DEFAULT, cli->argv0);
	return CLI_OK;
}

static int do_version(struct cli *cli)
{
	if (cli->json) {
		jw_start_object(&cli->jw);
		jw_string_field(&cli->jw, "version", XDPDNS_VERSION);
		jw_uint_field(&cli->jw, "layout_version", XDPDNS_LAYOUT_VERSION);
		jw_string_field(&cli->jw, "libbpf", libbpf_version_string());
		jw_end_object(&cli->jw);
	} else {
		printf("xdpdns v%s\nlayout version %d\nlibbpf %s\n", XDPDNS_VERSION,
		       XDPDNS_LAYOUT_VERSION, libbpf_version_string());
	}
	return CLI_OK;
}

static const struct cli_cmd objects[] = {
	{ "cache", do_cache },
	{ "stats", do_stats },
	{ "prog", do_prog },
	{ "listen", do_listen },
	{ "anchor", do_anchor },
	{ "nta", do_nta },
	{ "zone", do_zone },
	{ "proof", do_proof },
	{ NULL, NULL },
};

static int cli_libbpf_print(enum libbpf_print_level level, const char *fmt,
			    va_list ap)
{
	return vfprintf(stderr, fmt, ap);
}

static int cli_libbpf_quiet(enum libbpf_print_level level, const char *fmt,
			    va_list ap)
{
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "debug", no_argument, NULL, 'd' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ "pin-path", required_argument, NULL, 'P' },
		{ "control", required_argument, NULL, 'C' },
		{ 0 },
	};
	struct cli cli = {
		.argv0 = "xdpdns",
		.pin_dir = XDPDNS_PIN_DIR_DEFAULT,
		.control = CLI_CONTROL_DEFAULT,
	};
	bool version = false, help = false;
	int opt, status;

	/* Options come before the object; the rest is left alone. */
	while ((opt = getopt_long(argc, argv, "+jpdVh", options, NULL)) != -1) {
		switch (opt) {
		case 'j':
			cli.json = true;
			break;
		case 'p':
			cli.json = cli.pretty = true;
			break;
		case 'd':
			cli.debug = true;
			break;
		case 'V':
			version = true;
			break;
		case 'h':
			help = true;
			break;
		case 'P':
			cli.pin_dir = optarg;
			break;
		case 'C':
			cli.control = optarg;
			break;
		default:
			/* getopt printed the reason already. */
			status = CLI_USAGE;
			snprintf(cli.error, sizeof(cli.error), "bad option");
			cli.failed = true;
			jw_init(&cli.jw, cli.pretty);
			goto out;
		}
	}
	jw_init(&cli.jw, cli.pretty);
	/* libxdp logs through libbpf's print function too. */
	libbpf_set_print(cli.debug ? cli_libbpf_print : cli_libbpf_quiet);
	attach_set_print(cli.debug);
	argc -= optind;
	argv += optind;
	if (version)
		status = do_version(&cli);
	else if (help || argc < 1)
		status = do_help(&cli, argc, argv);
	else if (cli_is_prefix(argv[0], "help"))
		status = do_help(&cli, argc - 1, argv + 1);
	else
		status = cli_dispatch(&cli, "object", objects, argc, argv, NULL);
out:
	if (cli.json) {
		if (status != CLI_OK || cli.failed) {
			if (status == CLI_OK)
				status = CLI_ERROR;
			/* Whatever was built is dropped: stdout stays one
			 * valid JSON text. */
			if (!cli.streamed) {
				cli.jw.len = 0;
				cli.jw.depth = 0;
				cli.jw.after_name = false;
				jw_start_object(&cli.jw);
				jw_string_field(&cli.jw, "error", cli.error);
				jw_end_object(&cli.jw);
			}
		} else if (!cli.streamed && cli.jw.len == 0) {
			jw_null(&cli.jw);	/* empty result */
		}
		if (jw_flush(&cli.jw, stdout) && status == CLI_OK)
			status = CLI_ERROR;
	}
	jw_release(&cli.jw);
	if (fflush(stdout) && status == CLI_OK)
		status = CLI_ERROR;
	return status;
}
