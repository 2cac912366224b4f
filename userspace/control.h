/* SPDX-License-Identifier: GPL-2.0 */
/* The control socket: a UNIX stream socket (0600) speaking one JSON object
 * per line each way; commands are a table (see docs/control.md). */
#pragma once

#include <stddef.h>

#include "server.h"

struct control;

/**
 * control_new() - create, bind (mode 0600, parent directory created 0700)
 * and listen on @path.
 * @srv:  the server the commands act on.
 * @path: socket path; a stale socket there is replaced, a live one is an
 *        error (-EADDRINUSE).
 * @out:  the control socket.
 * Return: 0 or -errno.
 */
int control_new(struct server *srv, const char *path, struct control **out);

/**
 * control_move() - listen on @path instead (a reload changed the path):
 * the new socket is bound first, then the old one is closed and
 * unlinked. A connection being served (the one asking for the reload)
 * carries on. The listening descriptor changes: poll control_fd() again.
 * @ctl:  the control socket.
 * @path: the new path (same rules as control_new()).
 * Return: 0 (also when @path is the current one), or -errno: then the old
 * socket stays.
 */
int control_move(struct control *ctl, const char *path);

/** control_fd() - the listening descriptor, for the caller's poll loop. */
int control_fd(const struct control *ctl);

/**
 * control_accept() - accept one connection and serve its requests until it
 * closes or stays silent for a second (the caller's thread is blocked
 * meanwhile; requests are small and answered at once).
 */
void control_accept(struct control *ctl);

/**
 * control_handle_line() - answer one request line.
 * @ctl:  the control socket.
 * @line: a JSON object such as {"cmd":"stats"} (or a bare command name).
 * @out:  receives a malloc'ed NUL-terminated JSON line (with "\n"); the
 *        caller frees it.
 * Return: 0 or -ENOMEM.
 */
int control_handle_line(struct control *ctl, const char *line, char **out);

/** control_free() - close and unlink the socket; NULL is fine. */
void control_free(struct control *ctl);

/**
 * control_set_reload() - the function the "reload" command calls (the
 * daemon's SIGHUP path). Return of @fn: 0 or a negative code.
 */
void control_set_reload(struct control *ctl, int (*fn)(void *arg), void *arg);
