// SPDX-License-Identifier: GPL-2.0
/* xdpdns nta: negative trust anchors (RFC 7646) of the daemon, through its
 * control socket (requests nta-list, nta-add, nta-remove). */
#include <string.h>

#include "ctl_client.h"
#include "dns/name.h"
#include "main.h"

/* RFC 7646 8: an NTA should not outlive a week. */
#define NTA_TTL_MAX 604800

static int do_list(struct cli *cli, int argc, char **argv)
{
	if (argc > 0)
		return cli_usage_error(cli, "unexpected '%s'", *argv);
	return ctl_command(cli, "nta-list", NULL, 0, "no negative trust anchors");
}

static int do_add(struct cli *cli, int argc, char **argv)
{
	char name[DNS_NAME_TEXT_MAXLEN];
	struct ctl_arg args[2];
	unsigned long long ttl = 0;
	int nargs = 1;

	REQ_ARGS(1);
	if (cli_parse_name_text(cli, GET_ARG(), name, sizeof(name)))
		return CLI_USAGE;
	if (argc > 0 && cli_is_prefix(*argv, "ttl")) {
		NEXT_ARG();
		REQ_ARGS(1);
		if (cli_parse_uint(cli, "ttl", GET_ARG(), 1, NTA_TTL_MAX, &ttl))
			return CLI_USAGE;
	}
	if (argc > 0)
		return cli_usage_error(cli, "unexpected '%s' (expected ttl SECONDS)", *argv);
	args[0] = (struct ctl_arg){ .name = "name", .text = name };
	/* Without ttl the daemon applies its configured default. */
	if (ttl)
		args[nargs++] = (struct ctl_arg){ .name = "ttl", .number = ttl };
	return ctl_command(cli, "nta-add", args, nargs, NULL);
}

static int do_remove(struct cli *cli, int argc, char **argv)
{
	return ctl_name_command(cli, "nta-remove", argc, argv, NULL);
}

static int do_help(struct cli *cli, int argc, char **argv)
{
	if (cli->json) {
		jw_null(&cli->jw);
		return CLI_OK;
	}
	fprintf(stderr,
		"Usage: %1$s nta list\n"
		"       %1$s nta add NAME [ttl SECONDS]\n"
		"       %1$s nta remove NAME\n"
		"       %1$s nta help\n"
		"\n"
		"Negative trust anchors (RFC 7646) of the running daemon: names at and\n"
		"below NAME are treated as Insecure until the NTA expires (at most a\n"
		"week, %2$d s).\n",
		cli->argv0, NTA_TTL_MAX);
	return CLI_OK;
}

static const struct cli_cmd nta_cmds[] = {
	{ "list", do_list },
	{ "show", do_list },
	{ "add", do_add },
	{ "remove", do_remove },
	{ "delete", do_remove },
	{ NULL, NULL },
};

int do_nta(struct cli *cli, int argc, char **argv)
{
	return cli_dispatch(cli, "command", nta_cmds, argc, argv, do_help);
}
