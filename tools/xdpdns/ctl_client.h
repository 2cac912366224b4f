/* SPDX-License-Identifier: GPL-2.0 */
/* Client of the daemon's control socket: one JSON request, one JSON line. */
#pragma once

#include "json_value.h"
#include "main.h"

/* Outcomes of ctl_request() besides 0 and -errno. */
#define CTL_ENOTUP (-2001)	/* nobody answers on the socket */
#define CTL_EUNKNOWN (-2002)	/* the daemon does not know the command */
#define CTL_EFAILED (-2003)	/* the daemon answered with an error */

/**
 * struct ctl_arg - one string or number member of a request.
 * @name:	member name.
 * @text:	string value, or NULL when @number is meant.
 * @number:	number value when @text is NULL.
 */
struct ctl_arg {
	const char *name;
	const char *text;
	unsigned long long number;
};

/**
 * ctl_request() - send {"cmd": @cmd, args...} and read the answer.
 * @cli:	context (socket path).
 * @cmd:	command name as in the daemon's table ("stats", "cache-show").
 * @args:	extra members, @nargs of them (may be NULL).
 * @result:	receives the answer's "result" value (owned by the caller,
 *		free with json_value_free()).
 * @errbuf:	receives the daemon's error text for CTL_EFAILED.
 * @errcap:	its size.
 * Waits at most @cli->ctl_timeout_ms (two seconds when 0) for the answer.
 * Return: 0, CTL_ENOTUP, CTL_EUNKNOWN, CTL_EFAILED, XDPDNS_ESYNTAX (the
 * answer is not JSON), -ETIMEDOUT or another -errno.
 */
int ctl_request(struct cli *cli, const char *cmd, const struct ctl_arg *args,
		int nargs, struct json_value **result, char *errbuf,
		size_t errcap);

/**
 * ctl_report() - turn a ctl_request() failure into the CLI's one-line
 * error for @cmd. Return: CLI_ERROR.
 */
int ctl_report(struct cli *cli, const char *cmd, int err, const char *errbuf);

/**
 * ctl_command() - run a daemon command and print its result: as is with
 * -j (an empty list or object becomes null), as "name: value" lines
 * otherwise; @empty_text is printed for an empty list in plain mode.
 * Return: CLI_OK or CLI_ERROR (reported).
 */
int ctl_command(struct cli *cli, const char *cmd, const struct ctl_arg *args,
		int nargs, const char *empty_text);

/**
 * ctl_command_print() - run a daemon command; -j prints its result as
 * is, else @print gets it (ctl_command() when @print is NULL).
 * Return: CLI_OK or CLI_ERROR (reported).
 */
int ctl_command_print(struct cli *cli, const char *cmd, const struct ctl_arg *args,
		      int nargs, void (*print)(const struct json_value *result));

/**
 * ctl_name_command() - a daemon command of one NAME argument (the rest
 * of the command line), as {"cmd": @cmd, "name": NAME}, printed by
 * @print as ctl_command_print() does.
 * Return: CLI_OK, CLI_USAGE or CLI_ERROR (reported).
 */
int ctl_name_command(struct cli *cli, const char *cmd, int argc, char **argv,
		     void (*print)(const struct json_value *result));
