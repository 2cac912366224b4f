// SPDX-License-Identifier: GPL-2.0
/* JSON writer: escaping (RFC 8259 7), commas and indentation. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "json_writer.h"

void jw_init(struct json_writer *jw, bool pretty)
{
	memset(jw, 0, sizeof(*jw));
	jw->pretty = pretty;
}

void jw_release(struct json_writer *jw)
{
	free(jw->buf);
	jw->buf = NULL;
	jw->len = jw->cap = 0;
}

static void jw_put(struct json_writer *jw, const char *s, size_t n)
{
	if (jw->oom)
		return;
	if (jw->len + n > jw->cap) {
		size_t cap = jw->cap ? jw->cap : 4096;
		char *p;

		while (cap < jw->len + n)
			cap *= 2;
		p = realloc(jw->buf, cap);
		if (!p) {
			jw->oom = true;
			return;
		}
		jw->buf = p;
		jw->cap = cap;
	}
	memcpy(jw->buf + jw->len, s, n);
	jw->len += n;
}

static void jw_puts(struct json_writer *jw, const char *s)
{
	jw_put(jw, s, strlen(s));
}

static void jw_newline(struct json_writer *jw)
{
	int i;

	if (!jw->pretty)
		return;
	jw_put(jw, "\n", 1);
	for (i = 0; i < jw->depth; i++)
		jw_put(jw, "  ", 2);
}

/* Comma and line break before a value or a member name. */
static void jw_before(struct json_writer *jw)
{
	if (jw->after_name) {
		jw->after_name = false;
		return;
	}
	if (jw->depth > 0) {
		if (jw->count[jw->depth - 1]++)
			jw_put(jw, ",", 1);
		jw_newline(jw);
	}
}

int jw_flush(struct json_writer *jw, FILE *f)
{
	if (jw->oom)
		return -ENOMEM;
	if (jw->len && fwrite(jw->buf, 1, jw->len, f) != jw->len)
		return -EIO;
	jw->len = 0;
	return fflush(f) ? -EIO : 0;
}

static void jw_open(struct json_writer *jw, const char *c)
{
	jw_before(jw);
	jw_puts(jw, c);
	if (jw->depth < JSON_WRITER_DEPTH)
		jw->count[jw->depth] = 0;
	jw->depth++;
}

static void jw_close(struct json_writer *jw, const char *c)
{
	bool empty;

	if (jw->depth == 0)
		return;
	jw->depth--;
	empty = jw->depth < JSON_WRITER_DEPTH && !jw->count[jw->depth];
	if (!empty)
		jw_newline(jw);
	jw_puts(jw, c);
	if (jw->depth == 0)
		jw_put(jw, "\n", 1);
}

void jw_start_object(struct json_writer *jw) { jw_open(jw, "{"); }
void jw_end_object(struct json_writer *jw) { jw_close(jw, "}"); }
void jw_start_array(struct json_writer *jw) { jw_open(jw, "["); }
void jw_end_array(struct json_writer *jw) { jw_close(jw, "]"); }

static void jw_quoted(struct json_writer *jw, const char *s)
{
	char esc[8];

	jw_put(jw, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = c;
			jw_put(jw, esc, 2);
		} else if (c < 0x20 || c == 0x7f) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			jw_puts(jw, esc);
		} else {
			jw_put(jw, (const char *)&c, 1);
		}
	}
	jw_put(jw, "\"", 1);
}

void jw_name(struct json_writer *jw, const char *name)
{
	jw_before(jw);
	jw_quoted(jw, name);
	jw_puts(jw, jw->pretty ? ": " : ":");
	jw->after_name = true;
}

static void jw_scalar(struct json_writer *jw, const char *text)
{
	jw_before(jw);
	jw_puts(jw, text);
	if (jw->depth == 0)
		jw_put(jw, "\n", 1);
}

void jw_string(struct json_writer *jw, const char *s)
{
	if (!s) {
		jw_null(jw);
		return;
	}
	jw_before(jw);
	jw_quoted(jw, s);
	if (jw->depth == 0)
		jw_put(jw, "\n", 1);
}

void jw_uint(struct json_writer *jw, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	jw_scalar(jw, buf);
}

void jw_int(struct json_writer *jw, int64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRId64, v);
	jw_scalar(jw, buf);
}

void jw_double(struct json_writer *jw, double v, int decimals)
{
	char buf[64];

	/* JSON has no NaN or infinity. */
	if (!isfinite(v)) {
		jw_null(jw);
		return;
	}
	snprintf(buf, sizeof(buf), "%.*f", decimals, v);
	jw_scalar(jw, buf);
}

void jw_bool(struct json_writer *jw, bool v) { jw_scalar(jw, v ? "true" : "false"); }
void jw_null(struct json_writer *jw) { jw_scalar(jw, "null"); }
void jw_raw(struct json_writer *jw, const char *text) { jw_scalar(jw, text); }

void jw_string_field(struct json_writer *jw, const char *name, const char *s)
{
	jw_name(jw, name);
	jw_string(jw, s);
}

void jw_uint_field(struct json_writer *jw, const char *name, uint64_t v)
{
	jw_name(jw, name);
	jw_uint(jw, v);
}

void jw_int_field(struct json_writer *jw, const char *name, int64_t v)
{
	jw_name(jw, name);
	jw_int(jw, v);
}

void jw_bool_field(struct json_writer *jw, const char *name, bool v)
{
	jw_name(jw, name);
	jw_bool(jw, v);
}

void jw_null_field(struct json_writer *jw, const char *name)
{
	jw_name(jw, name);
	jw_null(jw);
}
