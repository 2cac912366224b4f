// SPDX-License-Identifier: GPL-2.0
/* Control socket client: connect, write one request line, read one answer
 * line (docs/control.md), within a bounded time. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ctl_client.h"
#include "dns/name.h"
#include "util/error.h"

#define CTL_TIMEOUT_MS 2000
#define CTL_ANSWER_MAX (16u << 20)

static long long ctl_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int ctl_connect(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd, err;

	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		err = errno;
		close(fd);
		/* No socket file, or a stale one: no daemon there. */
		if (err == ENOENT || err == ECONNREFUSED || err == ENOTSOCK)
			return CTL_ENOTUP;
		return -err;
	}
	return fd;
}

static int ctl_send_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Read up to the first newline; *line is malloc'ed and NUL-terminated. */
static int ctl_read_line(int fd, unsigned int timeout_ms, char **line)
{
	long long deadline = ctl_now_ms() + timeout_ms;
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap), *nl;
	int err;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		long long left = deadline - ctl_now_ms();
		ssize_t n;

		if (left <= 0) {
			err = -ETIMEDOUT;
			goto out;
		}
		n = poll(&pfd, 1, (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n ? -errno : -ETIMEDOUT;
			goto out;
		}
		if (len + 1 >= cap) {
			char *p;

			if (cap >= CTL_ANSWER_MAX) {
				err = -E2BIG;
				goto out;
			}
			p = realloc(buf, cap * 2);
			if (!p) {
				err = -ENOMEM;
				goto out;
			}
			buf = p;
			cap *= 2;
		}
		n = recv(fd, buf + len, cap - len - 1, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			goto out;
		}
		if (n == 0) {
			/* Closed without a newline: take what came, if any. */
			err = len ? 0 : -ECONNRESET;
			buf[len] = '\0';
			goto out;
		}
		len += (size_t)n;
		buf[len] = '\0';
		nl = memchr(buf, '\n', len);
		if (nl) {
			*nl = '\0';
			err = 0;
			goto out;
		}
	}
out:
	if (err) {
		free(buf);
		return err;
	}
	*line = buf;
	return 0;
}

int ctl_request(struct cli *cli, const char *cmd, const struct ctl_arg *args,
		int nargs, struct json_value **result, char *errbuf,
		size_t errcap)
{
	struct json_writer req;
	struct json_value *answer = NULL, *res;
	const struct json_value *ok;
	char *line = NULL;
	int fd = -1, err, i;

	*result = NULL;
	jw_init(&req, false);
	jw_start_object(&req);
	jw_string_field(&req, "cmd", cmd);
	for (i = 0; i < nargs; i++) {
		if (args[i].text)
			jw_string_field(&req, args[i].name, args[i].text);
		else
			jw_uint_field(&req, args[i].name, args[i].number);
	}
	jw_end_object(&req);	/* ends with the newline the daemon wants */
	if (req.oom) {
		err = -ENOMEM;
		goto out;
	}
	fd = ctl_connect(cli->control);
	if (fd < 0) {
		err = fd;
		goto out;
	}
	err = ctl_send_all(fd, req.buf, req.len);
	if (err)
		goto out;
	err = ctl_read_line(fd, cli->ctl_timeout_ms ? cli->ctl_timeout_ms : CTL_TIMEOUT_MS,
			    &line);
	if (err)
		goto out;
	err = json_parse(line, &answer);
	if (err)
		goto out;
	ok = json_get(answer, "ok");
	if (!ok || ok->type != JSON_BOOL) {
		err = XDPDNS_ESYNTAX;
		goto out;
	}
	if (!ok->boolean) {
		const char *msg = json_get_string(answer, "error");

		snprintf(errbuf, errcap, "%s", msg ? msg : "no reason given");
		err = msg && !strcmp(msg, "unknown command") ? CTL_EUNKNOWN
							    : CTL_EFAILED;
		goto out;
	}
	/* Take the result out of the answer so the caller owns it alone. */
	res = NULL;
	for (size_t k = 0; k < answer->count; k++) {
		if (!strcmp(answer->names[k], "result")) {
			res = answer->items[k];
			answer->items[k] = NULL;
			break;
		}
	}
	if (!res) {
		err = XDPDNS_ESYNTAX;
		goto out;
	}
	*result = res;
	err = 0;
out:
	if (answer) {
		/* A moved-out item left NULL is fine for json_value_free. */
		json_value_free(answer);
	}
	free(line);
	if (fd >= 0)
		close(fd);
	jw_release(&req);
	return err;
}

int ctl_report(struct cli *cli, const char *cmd, int err, const char *errbuf)
{
	switch (err) {
	case CTL_ENOTUP:
		return cli_error(cli, "the daemon is not running (nothing answers on %s)",
				 cli->control);
	case CTL_EUNKNOWN:
		return cli_error(cli, "the daemon does not support '%s' (unknown command)",
				 cmd);
	case CTL_EFAILED:
		return cli_error(cli, "the daemon refused '%s': %s", cmd, errbuf);
	case XDPDNS_ESYNTAX:
		return cli_error(cli, "the daemon's answer to '%s' is not valid JSON", cmd);
	case -ETIMEDOUT:
		return cli_error(cli, "the daemon did not answer '%s' within %d ms on %s",
				 cmd, cli->ctl_timeout_ms ? cli->ctl_timeout_ms : CTL_TIMEOUT_MS,
				 cli->control);
	default:
		return cli_error(cli, "control socket %s: %s", cli->control,
				 xdpdns_strerror(err));
	}
}

int ctl_command(struct cli *cli, const char *cmd, const struct ctl_arg *args,
		int nargs, const char *empty_text)
{
	struct json_value *res = NULL;
	char errbuf[256];
	bool empty;
	int err;

	err = ctl_request(cli, cmd, args, nargs, &res, errbuf, sizeof(errbuf));
	if (err)
		return ctl_report(cli, cmd, err, errbuf);
	empty = res->type == JSON_NULL ||
		((res->type == JSON_ARRAY || res->type == JSON_OBJECT) && !res->count);
	/* A result wrapping one list ({"anchors": [...]}) is empty if it is. */
	if (res->type == JSON_OBJECT && res->count == 1 &&
	    res->items[0]->type == JSON_ARRAY && !res->items[0]->count)
		empty = true;
	if (cli->json) {
		if (empty)
			jw_null(&cli->jw);
		else
			json_emit(&cli->jw, res);
	} else if (empty) {
		if (empty_text)
			printf("%s\n", empty_text);
	} else {
		json_print_plain(res, 0);
	}
	json_value_free(res);
	return CLI_OK;
}

int ctl_command_print(struct cli *cli, const char *cmd, const struct ctl_arg *args,
		      int nargs, void (*print)(const struct json_value *result))
{
	struct json_value *res = NULL;
	char errbuf[256];
	int err;

	if (cli->json || !print)
		return ctl_command(cli, cmd, args, nargs, NULL);
	err = ctl_request(cli, cmd, args, nargs, &res, errbuf, sizeof(errbuf));
	if (err)
		return ctl_report(cli, cmd, err, errbuf);
	print(res);
	json_value_free(res);
	return CLI_OK;
}

int ctl_name_command(struct cli *cli, const char *cmd, int argc, char **argv,
		     void (*print)(const struct json_value *result))
{
	char name[DNS_NAME_TEXT_MAXLEN];
	struct ctl_arg arg = { .name = "name", .text = name };

	REQ_ARGS(1);
	if (cli_parse_name_text(cli, GET_ARG(), name, sizeof(name)))
		return CLI_USAGE;
	if (argc > 0)
		return cli_usage_error(cli, "unexpected '%s'", *argv);
	return ctl_command_print(cli, cmd, &arg, 1, print);
}
