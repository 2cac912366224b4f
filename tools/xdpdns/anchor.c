// SPDX-License-Identifier: GPL-2.0
/* xdpdns anchor: the daemon's trust anchors, through its control socket
 * (requests anchor-list, anchor-add, anchor-remove; docs/cli-json.md). */
#include <string.h>

#include "ctl_client.h"
#include "dns/name.h"
#include "dns/rr.h"
#include "main.h"

static int do_list(struct cli *cli, int argc, char **argv)
{
	if (argc > 0)
		return cli_usage_error(cli, "unexpected '%s'", *argv);
	return ctl_command(cli, "anchor-list", NULL, 0, "no trust anchors");
}

static int do_add(struct cli *cli, int argc, char **argv)
{
	char name[DNS_NAME_TEXT_MAXLEN], rdata[4096] = "";
	struct ctl_arg args[3];
	const char *type;
	size_t len = 0;

	REQ_ARGS(3);
	if (cli_parse_name_text(cli, GET_ARG(), name, sizeof(name)))
		return CLI_USAGE;
	/* A DS (RFC 4034 5) or a DNSKEY (RFC 4034 2), as in a zone file. */
	if (!strcasecmp(*argv, "ds"))
		type = "DS";
	else if (!strcasecmp(*argv, "dnskey"))
		type = "DNSKEY";
	else
		return cli_usage_error(cli, "anchor type '%s': expected ds or dnskey", *argv);
	NEXT_ARG();
	/* The RDATA may come as one quoted word or as several. */
	while (argc > 0) {
		const char *w = GET_ARG();
		size_t n = strlen(w);

		if (len + n + 2 > sizeof(rdata))
			return cli_usage_error(cli, "anchor RDATA too long");
		if (len)
			rdata[len++] = ' ';
		memcpy(rdata + len, w, n + 1);
		len += n;
	}
	args[0] = (struct ctl_arg){ .name = "name", .text = name };
	args[1] = (struct ctl_arg){ .name = "type", .text = type };
	args[2] = (struct ctl_arg){ .name = "rdata", .text = rdata };
	return ctl_command(cli, "anchor-add", args, 3, NULL);
}

static int do_remove(struct cli *cli, int argc, char **argv)
{
	return ctl_name_command(cli, "anchor-remove", argc, argv, NULL);
}

static int do_help(struct cli *cli, int argc, char **argv)
{
	if (cli->json) {
		jw_null(&cli->jw);
		return CLI_OK;
	}
	fprintf(stderr,
		"Usage: %1$s anchor list\n"
		"       %1$s anchor add NAME { ds | dnskey } RDATA\n"
		"       %1$s anchor remove NAME\n"
		"       %1$s anchor help\n"
		"\n"
		"Trust anchors of the running daemon (through its control socket).\n"
		"RDATA is the record's presentation form, e.g.\n"
		"  %1$s anchor add mesh.internal ds 12345 13 2 49FD46E6...\n",
		cli->argv0);
	return CLI_OK;
}

static const struct cli_cmd anchor_cmds[] = {
	{ "list", do_list },
	{ "show", do_list },
	{ "add", do_add },
	{ "remove", do_remove },
	{ "delete", do_remove },
	{ NULL, NULL },
};

int do_anchor(struct cli *cli, int argc, char **argv)
{
	return cli_dispatch(cli, "command", anchor_cmds, argc, argv, do_help);
}
