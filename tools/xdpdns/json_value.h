/* SPDX-License-Identifier: GPL-2.0 */
/* A small JSON parser into a tree (RFC 8259), for the daemon's answers. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json_writer.h"

enum json_type {
	JSON_NULL,
	JSON_BOOL,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

/**
 * struct json_value - one node of the tree.
 * @type:	enum json_type.
 * @boolean:	JSON_BOOL's value.
 * @number:	JSON_NUMBER's value as a double.
 * @text:	JSON_STRING's decoded text, or JSON_NUMBER's text as written
 *		(so integers above 2^53 are re-emitted exactly).
 * @count:	members of an object or items of an array.
 * @names:	member names of an object (@count of them).
 * @items:	member values or array items (@count of them).
 * All strings and children are owned by the node.
 */
struct json_value {
	enum json_type type;
	bool boolean;
	double number;
	char *text;
	size_t count;
	char **names;
	struct json_value **items;
};

/**
 * json_parse() - parse one JSON text (surrounding white space allowed).
 * @text:	NUL-terminated input.
 * @out:	receives the tree; free it with json_value_free().
 * Return: 0, XDPDNS_ESYNTAX (not JSON, or nested deeper than 64), -ENOMEM.
 */
int json_parse(const char *text, struct json_value **out);

/** json_value_free() - free a tree; NULL is fine. */
void json_value_free(struct json_value *v);

/**
 * json_get() - a member of an object.
 * Return: the value (owned by @obj), or NULL if @obj is no object or lacks
 * @name.
 */
const struct json_value *json_get(const struct json_value *obj, const char *name);

/** json_get_string() - a string member's text, or NULL. */
const char *json_get_string(const struct json_value *obj, const char *name);

/** json_get_u64() - a number member as an unsigned integer, or @dflt. */
uint64_t json_get_u64(const struct json_value *obj, const char *name,
		      uint64_t dflt);

/** json_emit() - write a tree through a JSON writer (as one value). */
void json_emit(struct json_writer *jw, const struct json_value *v);

/**
 * json_print_plain() - print a tree for people: "name: value" lines,
 * nested objects indented, arrays of objects as numbered blocks.
 * @v:		the tree.
 * @indent:	spaces before each line.
 */
void json_print_plain(const struct json_value *v, int indent);
