/* SPDX-License-Identifier: GPL-2.0 */
/* A small JSON writer into a growing buffer, compact or pretty (RFC 8259). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_WRITER_DEPTH 32

/**
 * struct json_writer - output buffer and nesting state.
 * @buf:	the text written so far (not NUL terminated; see @len).
 * @len:	bytes in @buf.
 * @cap:	allocated size of @buf.
 * @pretty:	indent with two spaces and break lines.
 * @oom:	an allocation failed; the text is incomplete.
 * @depth:	open objects and arrays.
 * @count:	values written at each depth, to place the commas.
 * @after_name:	a member name was written; its value comes next.
 */
struct json_writer {
	char *buf;
	size_t len, cap;
	bool pretty;
	bool oom;
	int depth;
	unsigned int count[JSON_WRITER_DEPTH];
	bool after_name;
};

/** jw_init() - start an empty document; @pretty chooses the layout. */
void jw_init(struct json_writer *jw, bool pretty);

/** jw_release() - free the buffer; the writer can be initialised again. */
void jw_release(struct json_writer *jw);

/**
 * jw_flush() - write the buffered text to @f and empty the buffer (the
 * nesting state is kept, so a streamed array can go on).
 * Return: 0, or -EIO when @f reports an error, -ENOMEM after @oom.
 */
int jw_flush(struct json_writer *jw, FILE *f);

/** jw_start_object(), jw_end_object(), jw_start_array(), jw_end_array() -
 * open and close containers (as a value: after a name or in an array). */
void jw_start_object(struct json_writer *jw);
void jw_end_object(struct json_writer *jw);
void jw_start_array(struct json_writer *jw);
void jw_end_array(struct json_writer *jw);

/** jw_name() - the name of the next member of the open object. */
void jw_name(struct json_writer *jw, const char *name);

/** Scalar values: strings are escaped; NULL strings are written as null. */
void jw_string(struct json_writer *jw, const char *s);
void jw_uint(struct json_writer *jw, uint64_t v);
void jw_int(struct json_writer *jw, int64_t v);
void jw_double(struct json_writer *jw, double v, int decimals);
void jw_bool(struct json_writer *jw, bool v);
void jw_null(struct json_writer *jw);
/** jw_raw() - a value already in JSON form (a number's text), as is. */
void jw_raw(struct json_writer *jw, const char *text);

/* Name and value in one call, for object members. */
void jw_string_field(struct json_writer *jw, const char *name, const char *s);
void jw_uint_field(struct json_writer *jw, const char *name, uint64_t v);
void jw_int_field(struct json_writer *jw, const char *name, int64_t v);
void jw_bool_field(struct json_writer *jw, const char *name, bool v);
void jw_null_field(struct json_writer *jw, const char *name);
