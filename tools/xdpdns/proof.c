// SPDX-License-Identifier: GPL-2.0
/* xdpdns proof: the proof pack of an answer (docs/proof-pack.md), built by
 * the running daemon (control command "proof") and written to stdout or a
 * file, for an offline verifier such as tools/proof-verify. */
#include <stdio.h>
#include <string.h>

#include "ctl_client.h"
#include "dns/name.h"
#include "main.h"

/* The daemon resolves within 10 s (PROOF_DAEMON_TIMEOUT_MS); some slack. */
#define PROOF_CTL_TIMEOUT_MS 15000

static int do_help(struct cli *cli)
{
	if (cli->json) {
		jw_null(&cli->jw);
		return CLI_OK;
	}
	fprintf(stderr,
		"Usage: %1$s proof NAME TYPE [-o FILE]\n"
		"       %1$s proof help\n"
		"\n"
		"The running daemon resolves NAME TYPE, validates it, and writes the\n"
		"chain of trust behind the answer (anchor DNSKEYs, DS and DNSKEY of each\n"
		"zone down, the answer and its denial records, all with their RRSIGs)\n"
		"as a proof pack (docs/proof-pack.md) to stdout or FILE. Exit status 1\n"
		"when the answer is Bogus or Indeterminate (the pack is still written).\n"
		"Verify offline with: xdpdns-proof-verify --anchor FILE PACK\n",
		cli->argv0);
	return CLI_OK;
}

/* Write the pack to @path, or stdout when NULL. */
static int write_pack(struct cli *cli, const char *path, const char *pack)
{
	FILE *f = path ? fopen(path, "w") : stdout;
	size_t len = strlen(pack);

	if (!f)
		return cli_error(cli, "cannot write %s: %m", path);
	if (fwrite(pack, 1, len, f) != len || (path ? fclose(f) : fflush(f))) {
		if (path)
			return cli_error(cli, "cannot write %s: %m", path);
		return cli_error(cli, "cannot write the pack: %m");
	}
	return CLI_OK;
}

int do_proof(struct cli *cli, int argc, char **argv)
{
	char name[DNS_NAME_TEXT_MAXLEN], type[16];
	struct ctl_arg args[2] = { { .name = "name", .text = name },
				   { .name = "type", .text = type } };
	const char *output = NULL, *verdict, *pack, *words[2];
	struct json_value *res = NULL;
	unsigned int qtype, nwords = 0;
	char errbuf[512];
	int err, status = CLI_OK;

	if (argc < 1 || !strcmp(argv[0], "help"))
		return do_help(cli);
	for (; argc > 0; NEXT_ARG()) {
		if (!strcmp(*argv, "-o") || !strcmp(*argv, "--output")) {
			NEXT_ARG();
			REQ_ARGS(1);
			output = *argv;
		} else if (nwords < 2) {
			words[nwords++] = *argv;
		} else {
			return cli_usage_error(cli, "unexpected '%s'", *argv);
		}
	}
	if (nwords < 2)
		return cli_usage_error(cli, "proof needs NAME and TYPE");
	if (cli_parse_name_text(cli, words[0], name, sizeof(name)) ||
	    cli_parse_type(cli, words[1], &qtype))
		return CLI_USAGE;
	snprintf(type, sizeof(type), "%s", words[1]);
	cli->ctl_timeout_ms = PROOF_CTL_TIMEOUT_MS;
	err = ctl_request(cli, "proof", args, 2, &res, errbuf, sizeof(errbuf));
	if (err)
		return ctl_report(cli, "proof", err, errbuf);
	verdict = json_get_string(res, "verdict");
	pack = json_get_string(res, "pack");
	if (!verdict || !pack) {
		json_value_free(res);
		return cli_error(cli, "the daemon's answer to 'proof' has no pack");
	}
	if (output || !cli->json)
		status = write_pack(cli, output, pack);
	if (status == CLI_OK && cli->json)
		json_emit(&cli->jw, res);
	else if (status == CLI_OK && output)
		printf("%s %s: %s, pack written to %s\n", name, type, verdict, output);
	/* A pack of a Bogus or Indeterminate answer proves nothing. */
	if (status == CLI_OK && strcmp(verdict, "secure") && strcmp(verdict, "insecure"))
		status = cli_error(cli, "%s %s is %s: %s", name, type, verdict,
				   json_get_string(res, "reason") ?: "?");
	json_value_free(res);
	return status;
}
