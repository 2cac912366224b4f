// SPDX-License-Identifier: GPL-2.0
/* xdpdns listen: the addresses and ports whose queries XDP answers (the
 * listen map), so a program attached by hand can answer without a daemon. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "main.h"
#include "refill.h"
#include "util/error.h"

/* "ADDR [port PORT]": an IPv4 or IPv6 address, port 53 by default. */
static int listen_parse(struct cli *cli, int argc, char **argv, int *family,
			unsigned char *addr, unsigned short *port)
{
	unsigned long long p = 53;
	const char *text;

	REQ_ARGS(1);
	text = GET_ARG();
	if (inet_pton(AF_INET, text, addr) == 1)
		*family = 4;
	else if (inet_pton(AF_INET6, text, addr) == 1)
		*family = 6;
	else
		return cli_usage_error(cli, "'%s' is not an IPv4 or IPv6 address", text);
	if (argc > 0 && cli_is_prefix(*argv, "port")) {
		NEXT_ARG();
		REQ_ARGS(1);
		if (cli_parse_uint(cli, "port", GET_ARG(), 1, 65535, &p))
			return CLI_USAGE;
	}
	if (argc > 0)
		return cli_usage_error(cli, "unexpected '%s' (expected port PORT)", *argv);
	*port = (unsigned short)p;
	return 0;
}

static int listen_change(struct cli *cli, int argc, char **argv, bool add)
{
	unsigned char addr[16] = { 0 };
	struct refill_maps maps;
	unsigned short port = 53;
	char text[INET6_ADDRSTRLEN];
	int family = 4, err;

	err = listen_parse(cli, argc, argv, &family, addr, &port);
	if (err)
		return err;
	if (cli_maps_open(cli, &maps))
		return CLI_ERROR;
	err = add ? refill_listen_add(&maps, family, addr, port)
		  : refill_listen_delete(&maps, family, addr, port);
	refill_maps_close(&maps);
	inet_ntop(family == 4 ? AF_INET : AF_INET6, addr, text, sizeof(text));
	if (err == -ENOENT && !add)
		return cli_error(cli, "%s port %u is not a listen address", text, port);
	if (err)
		return cli_error(cli, "cannot %s %s port %u: %s", add ? "add" : "delete",
				 text, port, xdpdns_strerror(err));
	if (cli->json) {
		jw_start_object(&cli->jw);
		jw_string_field(&cli->jw, "address", text);
		jw_uint_field(&cli->jw, "port", port);
		jw_bool_field(&cli->jw, add ? "added" : "deleted", true);
		jw_end_object(&cli->jw);
	} else {
		printf("%s %s port %u\n", add ? "added" : "deleted", text, port);
	}
	return CLI_OK;
}

static int do_add(struct cli *cli, int argc, char **argv)
{
	return listen_change(cli, argc, argv, true);
}

static int do_delete(struct cli *cli, int argc, char **argv)
{
	return listen_change(cli, argc, argv, false);
}

static int do_show(struct cli *cli, int argc, char **argv)
{
	struct xdpdns_listen_key key, next;
	struct refill_maps maps;
	bool first = true;
	int n = 0, steps;

	if (argc > 0)
		return cli_usage_error(cli, "unexpected '%s'", *argv);
	if (cli_maps_open(cli, &maps))
		return CLI_ERROR;
	for (steps = 0; steps < XDPDNS_LISTEN_MAX * 2; steps++) {
		char text[INET6_ADDRSTRLEN];

		if (bpf_map_get_next_key(maps.listen_fd, first ? NULL : &key, &next))
			break;
		first = false;
		key = next;
		if (key.family != 4 && key.family != 6)
			continue;
		inet_ntop(key.family == 4 ? AF_INET : AF_INET6, key.addr, text, sizeof(text));
		if (cli->json) {
			if (!n)
				jw_start_array(&cli->jw);
			jw_start_object(&cli->jw);
			jw_string_field(&cli->jw, "address", text);
			jw_uint_field(&cli->jw, "port", ntohs(key.port));
			jw_end_object(&cli->jw);
		} else {
			printf("%s port %u\n", text, ntohs(key.port));
		}
		n++;
	}
	refill_maps_close(&maps);
	if (cli->json)
		n ? jw_end_array(&cli->jw) : jw_null(&cli->jw);
	else if (!n)
		printf("no listen addresses: XDP answers nothing\n");
	return CLI_OK;
}

static int do_help(struct cli *cli, int argc, char **argv)
{
	if (cli->json) {
		jw_null(&cli->jw);
		return CLI_OK;
	}
	fprintf(stderr,
		"Usage: %1$s listen show\n"
		"       %1$s listen add ADDRESS [port PORT]\n"
		"       %1$s listen delete ADDRESS [port PORT]\n"
		"       %1$s listen help\n"
		"\n"
		"The XDP program answers only queries to these addresses and UDP ports\n"
		"(port 53 by default). The daemon sets them from its configuration.\n",
		cli->argv0);
	return CLI_OK;
}

static const struct cli_cmd listen_cmds[] = {
	{ "show", do_show },
	{ "list", do_show },
	{ "add", do_add },
	{ "delete", do_delete },
	{ NULL, NULL },
};

int do_listen(struct cli *cli, int argc, char **argv)
{
	return cli_dispatch(cli, "command", listen_cmds, argc, argv, do_help);
}
