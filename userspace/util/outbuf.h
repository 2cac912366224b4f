/* SPDX-License-Identifier: GPL-2.0 */
/* A bounded text cursor: writers append until the buffer is full, and the
 * first overflow sticks so the caller checks once at the end. */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/**
 * struct outbuf - where text goes.
 * @buf:  the caller's buffer (not owned).
 * @cap:  its size in bytes.
 * @len:  bytes written so far, never including a terminating NUL.
 * @full: set by the first write that did not fit; later writes do nothing.
 */
struct outbuf {
	char *buf;
	size_t cap;
	size_t len;
	bool full;
};

/** outbuf_printf() - append formatted text, or mark @o full. */
static inline __attribute__((format(printf, 2, 3))) void
outbuf_printf(struct outbuf *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->cap - o->len) {
		o->full = true;
		return;
	}
	o->len += (size_t)n;
}
