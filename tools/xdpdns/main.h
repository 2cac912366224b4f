/* SPDX-License-Identifier: GPL-2.0 */
/* The xdpdns CLI: shared context, command tables and argument helpers. */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "json_writer.h"
#include "refill.h"

/* Exit statuses of every do_*() function and of the program. */
#define CLI_OK 0
#define CLI_ERROR 1	/* the command failed; one line on stderr */
#define CLI_USAGE 2	/* unknown object, command, type, bad number */

#define CLI_CONTROL_DEFAULT "/run/xdpdns/control.sock"

/**
 * struct cli - what every command needs, instead of globals.
 * @argv0:	program name for messages.
 * @json:	JSON output (-j, -p).
 * @pretty:	indented JSON (-p).
 * @debug:	libbpf and libxdp logs on stderr (-d).
 * @pin_dir:	bpffs directory of the maps (--pin-path).
 * @control:	the daemon's control socket (--control).
 * @jw:		JSON output, buffered until the command ends so that an
 *		error can replace it with {"error": ...}.
 * @streamed:	part of @jw was already written to stdout (stats watch).
 * @failed:	an error was reported (its text is in @error).
 * @error:	the first error's text.
 * @ctl_timeout_ms: how long a control request may take (0: the default,
 *		two seconds; "proof" resolves, so it waits longer).
 */
struct cli {
	const char *argv0;
	bool json;
	bool pretty;
	bool debug;
	const char *pin_dir;
	const char *control;
	struct json_writer jw;
	bool streamed;
	bool failed;
	char error[512];
	unsigned int ctl_timeout_ms;
};

/**
 * struct cli_cmd - one entry of a command table.
 * @name:	the command's full name; prefixes select it when unambiguous.
 * @fn:		runs it with the arguments after its name; returns CLI_*.
 */
struct cli_cmd {
	const char *name;
	int (*fn)(struct cli *cli, int argc, char **argv);
};

/**
 * cli_dispatch() - run the command of @cmds that argv[0] names.
 * @cli:	context.
 * @what:	"object" or "command", for the error message.
 * @cmds:	table ending with a NULL name.
 * @argc, @argv:	argv[0] is the command; none runs the entry named "",
 *		if the table has one, else "help" if present.
 * @help:	run for "help" and on usage errors (may be NULL).
 * Return: the command's CLI_* status; CLI_USAGE for an unknown or
 * ambiguous name.
 */
int cli_dispatch(struct cli *cli, const char *what, const struct cli_cmd *cmds,
		 int argc, char **argv,
		 int (*help)(struct cli *cli, int argc, char **argv));

/** cli_is_prefix() - whether @arg is a non-empty prefix of @word. */
bool cli_is_prefix(const char *arg, const char *word);

/**
 * cli_error() - report an error: one line on stderr, and with -j the JSON
 * output becomes {"error": "..."} at the end. Return: CLI_ERROR.
 */
int cli_error(struct cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** cli_usage_error() - the same for usage errors. Return: CLI_USAGE. */
int cli_usage_error(struct cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** cli_warn() - one line on stderr that does not fail the command. */
void cli_warn(struct cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * cli_parse_uint() - a decimal number in [@min, @max] for keyword @what.
 * Return: 0, or CLI_USAGE after reporting the bad number.
 */
int cli_parse_uint(struct cli *cli, const char *what, const char *text,
		   unsigned long long min, unsigned long long max,
		   unsigned long long *out);

/**
 * cli_parse_type() - an RR type mnemonic or TYPEnnn.
 * Return: 0, or CLI_USAGE after reporting the unknown type.
 */
int cli_parse_type(struct cli *cli, const char *text, unsigned int *out);

/**
 * cli_parse_name() - a domain name in presentation form into wire form.
 * @out:	DNS_NAME_MAXLEN bytes, lower-cased.
 * Return: 0, or CLI_USAGE after reporting the bad name.
 */
int cli_parse_name(struct cli *cli, const char *text, unsigned char *out);

/**
 * cli_parse_name_text() - a domain name argument in the canonical text
 * form the daemon's requests take (absolute, lower case).
 * @out:	DNS_NAME_TEXT_MAXLEN bytes are enough (@cap).
 * Return: 0, or CLI_USAGE after reporting the bad name.
 */
int cli_parse_name_text(struct cli *cli, const char *text, char *out, size_t cap);

/**
 * cli_maps_open() - open the pinned maps of @cli->pin_dir.
 * Return: 0, or CLI_ERROR after reporting why (nothing pinned, another
 * layout version, permissions).
 */
int cli_maps_open(struct cli *cli, struct refill_maps *maps);

/**
 * cli_maps_error() - report a refill_maps_open() failure @err (another
 * layout version, nothing pinned, anything else). Return: CLI_ERROR.
 */
int cli_maps_error(struct cli *cli, int err);

/** cli_boottime_ns() - CLOCK_BOOTTIME now, the clock of entry expiry. */
unsigned long long cli_boottime_ns(void);

/*
 * Argument helpers in bpftool's manner, for do_*() functions whose
 * parameters are named argc and argv: NEXT_ARG() consumes one word,
 * REQ_ARGS(n) insists on n more and returns a usage error otherwise.
 */
#define NEXT_ARG() ({ argc--; argv++; })
#define REQ_ARGS(n)							\
	({								\
		if (argc < (n))						\
			return cli_usage_error(cli, "'%s' needs %d more argument%s", \
					       argc > 0 ? argv[-1] : "command", (n), \
					       (n) > 1 ? "s" : "");	\
	})
#define GET_ARG() ({ char *a_ = *argv; NEXT_ARG(); a_; })

/* The objects, one file each. */
int do_cache(struct cli *cli, int argc, char **argv);
int do_stats(struct cli *cli, int argc, char **argv);
int do_prog(struct cli *cli, int argc, char **argv);
int do_listen(struct cli *cli, int argc, char **argv);
int do_anchor(struct cli *cli, int argc, char **argv);
int do_nta(struct cli *cli, int argc, char **argv);
int do_zone(struct cli *cli, int argc, char **argv);
int do_proof(struct cli *cli, int argc, char **argv);
