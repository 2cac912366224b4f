// SPDX-License-Identifier: GPL-2.0
/* xdpdns zone: zones the daemon knows (anchored, forwarded, NTA'd) and
 * their validation state, through its control socket (zone-list,
 * zone-show). */
#include <string.h>

#include "ctl_client.h"
#include "dns/name.h"
#include "main.h"

static int do_list(struct cli *cli, int argc, char **argv)
{
	if (argc > 0)
		return cli_usage_error(cli, "unexpected '%s'", *argv);
	return ctl_command(cli, "zone-list", NULL, 0, "no zones");
}

static int do_show(struct cli *cli, int argc, char **argv)
{
	char name[DNS_NAME_TEXT_MAXLEN];
	unsigned char wire[DNS_NAME_MAXLEN];
	struct ctl_arg arg = { .name = "name", .text = name };

	REQ_ARGS(1);
	if (cli_parse_name(cli, GET_ARG(), wire))
		return CLI_USAGE;
	if (argc > 0)
		return cli_usage_error(cli, "unexpected '%s'", *argv);
	if (dns_name_to_text(wire, name, sizeof(name)) < 0)
		return cli_usage_error(cli, "name too long");
	return ctl_command(cli, "zone-show", &arg, 1, NULL);
}

static int do_help(struct cli *cli, int argc, char **argv)
{
	if (cli->json) {
		jw_null(&cli->jw);
		return CLI_OK;
	}
	fprintf(stderr,
		"Usage: %1$s zone list\n"
		"       %1$s zone show NAME\n"
		"       %1$s zone help\n"
		"\n"
		"Zones of the running daemon (through its control socket): the closest\n"
		"trust anchor or negative trust anchor above NAME and how it validates.\n",
		cli->argv0);
	return CLI_OK;
}

static const struct cli_cmd zone_cmds[] = {
	{ "list", do_list },
	{ "show", do_show },
	{ NULL, NULL },
};

int do_zone(struct cli *cli, int argc, char **argv)
{
	return cli_dispatch(cli, "command", zone_cmds, argc, argv, do_help);
}
