// SPDX-License-Identifier: GPL-2.0
/* JSON parser (RFC 8259): recursive descent with a depth limit. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_value.h"
#include "util/error.h"

#define JSON_MAX_DEPTH 64

struct json_parser {
	const char *p;
	int depth;
};

static void json_skip_ws(struct json_parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')
		ps->p++;
}

static struct json_value *json_node(enum json_type type)
{
	struct json_value *v = calloc(1, sizeof(*v));

	if (v)
		v->type = type;
	return v;
}

void json_value_free(struct json_value *v)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < v->count; i++) {
		if (v->names)
			free(v->names[i]);
		json_value_free(v->items[i]);
	}
	free(v->names);
	free(v->items);
	free(v->text);
	free(v);
}

static int json_hex4(const char *p, unsigned int *out)
{
	unsigned int v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return XDPDNS_ESYNTAX;
	}
	*out = v;
	return 0;
}

static size_t json_utf8(unsigned int cp, char *out)
{
	if (cp < 0x80) {
		out[0] = cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = 0xc0 | (cp >> 6);
		out[1] = 0x80 | (cp & 0x3f);
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = 0xe0 | (cp >> 12);
		out[1] = 0x80 | ((cp >> 6) & 0x3f);
		out[2] = 0x80 | (cp & 0x3f);
		return 3;
	}
	out[0] = 0xf0 | (cp >> 18);
	out[1] = 0x80 | ((cp >> 12) & 0x3f);
	out[2] = 0x80 | ((cp >> 6) & 0x3f);
	out[3] = 0x80 | (cp & 0x3f);
	return 4;
}

/* A string at ps->p (on its opening quote); the decoded text is malloc'ed. */
static int json_parse_string(struct json_parser *ps, char **out)
{
	const char *p = ps->p + 1;
	size_t cap = 0, len = 0;
	char *s;

	/* Decoded text is never longer than the escaped input. */
	for (const char *q = p; *q && *q != '"'; q++, cap++)
		if (*q == '\\' && q[1])
			q++, cap++;
	s = malloc(cap + 1);
	if (!s)
		return -ENOMEM;
	while (*p != '"') {
		unsigned char c = (unsigned char)*p;

		if (c == '\0' || c < 0x20)
			goto bad;
		if (c != '\\') {
			s[len++] = c;
			p++;
			continue;
		}
		p++;
		switch (*p) {
		case '"': case '\\': case '/':
			s[len++] = *p++;
			break;
		case 'b': s[len++] = '\b'; p++; break;
		case 'f': s[len++] = '\f'; p++; break;
		case 'n': s[len++] = '\n'; p++; break;
		case 'r': s[len++] = '\r'; p++; break;
		case 't': s[len++] = '\t'; p++; break;
		case 'u': {
			unsigned int cp, lo;

			if (json_hex4(p + 1, &cp))
				goto bad;
			p += 5;
			/* A surrogate pair encodes one code point (RFC 8259 7). */
			if (cp >= 0xd800 && cp < 0xdc00 && p[0] == '\\' &&
			    p[1] == 'u' && !json_hex4(p + 2, &lo) &&
			    lo >= 0xdc00 && lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				p += 6;
			}
			/* \uXXXX is 6 input bytes, at most 4 output bytes. */
			len += json_utf8(cp, s + len);
			break;
		}
		default:
			goto bad;
		}
	}
	s[len] = '\0';
	ps->p = p + 1;
	*out = s;
	return 0;
bad:
	free(s);
	return XDPDNS_ESYNTAX;
}

static int json_parse_value(struct json_parser *ps, struct json_value **out);

static int json_append(struct json_value *v, char *name, struct json_value *item)
{
	struct json_value **items;

	items = realloc(v->items, (v->count + 1) * sizeof(*items));
	if (!items)
		return -ENOMEM;
	v->items = items;
	if (v->type == JSON_OBJECT) {
		char **names = realloc(v->names, (v->count + 1) * sizeof(*names));

		if (!names)
			return -ENOMEM;
		v->names = names;
		v->names[v->count] = name;
	}
	v->items[v->count++] = item;
	return 0;
}

static int json_parse_container(struct json_parser *ps, struct json_value *v)
{
	char close = v->type == JSON_OBJECT ? '}' : ']';
	int err;

	if (++ps->depth > JSON_MAX_DEPTH)
		return XDPDNS_ESYNTAX;
	ps->p++;
	json_skip_ws(ps);
	if (*ps->p == close) {
		ps->p++;
		ps->depth--;
		return 0;
	}
	for (;;) {
		struct json_value *item = NULL;
		char *name = NULL;

		json_skip_ws(ps);
		if (v->type == JSON_OBJECT) {
			if (*ps->p != '"')
				return XDPDNS_ESYNTAX;
			err = json_parse_string(ps, &name);
			if (err)
				return err;
			json_skip_ws(ps);
			if (*ps->p++ != ':') {
				free(name);
				return XDPDNS_ESYNTAX;
			}
		}
		err = json_parse_value(ps, &item);
		if (!err)
			err = json_append(v, name, item);
		if (err) {
			free(name);
			json_value_free(item);
			return err;
		}
		json_skip_ws(ps);
		if (*ps->p == ',') {
			ps->p++;
			continue;
		}
		if (*ps->p != close)
			return XDPDNS_ESYNTAX;
		ps->p++;
		ps->depth--;
		return 0;
	}
}

static int json_parse_number(struct json_parser *ps, struct json_value *v)
{
	const char *start = ps->p;
	char *end;

	/* strtod accepts more (hex, inf); check the RFC 8259 6 grammar. */
	if (*ps->p == '-')
		ps->p++;
	if (*ps->p < '0' || *ps->p > '9')
		return XDPDNS_ESYNTAX;
	while ((*ps->p >= '0' && *ps->p <= '9') || *ps->p == '.' ||
	       *ps->p == 'e' || *ps->p == 'E' || *ps->p == '+' || *ps->p == '-')
		ps->p++;
	v->number = strtod(start, &end);
	if (end != ps->p)
		return XDPDNS_ESYNTAX;
	v->text = strndup(start, (size_t)(ps->p - start));
	return v->text ? 0 : -ENOMEM;
}

static int json_parse_value(struct json_parser *ps, struct json_value **out)
{
	struct json_value *v = NULL;
	int err = 0;

	json_skip_ws(ps);
	switch (*ps->p) {
	case '{':
	case '[':
		v = json_node(*ps->p == '{' ? JSON_OBJECT : JSON_ARRAY);
		if (!v)
			return -ENOMEM;
		err = json_parse_container(ps, v);
		break;
	case '"':
		v = json_node(JSON_STRING);
		if (!v)
			return -ENOMEM;
		err = json_parse_string(ps, &v->text);
		break;
	case 't':
	case 'f':
	case 'n': {
		static const char *const words[] = { "true", "false", "null" };
		size_t i;

		for (i = 0; i < 3; i++)
			if (!strncmp(ps->p, words[i], strlen(words[i])))
				break;
		if (i == 3)
			return XDPDNS_ESYNTAX;
		v = json_node(i == 2 ? JSON_NULL : JSON_BOOL);
		if (!v)
			return -ENOMEM;
		v->boolean = i == 0;
		ps->p += strlen(words[i]);
		break;
	}
	default:
		v = json_node(JSON_NUMBER);
		if (!v)
			return -ENOMEM;
		err = json_parse_number(ps, v);
		break;
	}
	if (err) {
		json_value_free(v);
		return err;
	}
	*out = v;
	return 0;
}

int json_parse(const char *text, struct json_value **out)
{
	struct json_parser ps = { .p = text };
	struct json_value *v = NULL;
	int err;

	err = json_parse_value(&ps, &v);
	if (err)
		return err;
	json_skip_ws(&ps);
	if (*ps.p) {
		json_value_free(v);
		return XDPDNS_ESYNTAX;
	}
	*out = v;
	return 0;
}

const struct json_value *json_get(const struct json_value *obj, const char *name)
{
	size_t i;

	if (!obj || obj->type != JSON_OBJECT)
		return NULL;
	for (i = 0; i < obj->count; i++)
		if (!strcmp(obj->names[i], name))
			return obj->items[i];
	return NULL;
}

const char *json_get_string(const struct json_value *obj, const char *name)
{
	const struct json_value *v = json_get(obj, name);

	return v && v->type == JSON_STRING ? v->text : NULL;
}

uint64_t json_get_u64(const struct json_value *obj, const char *name,
		      uint64_t dflt)
{
	const struct json_value *v = json_get(obj, name);

	if (!v || v->type != JSON_NUMBER || v->number < 0)
		return dflt;
	return strtoull(v->text, NULL, 10);
}

void json_emit(struct json_writer *jw, const struct json_value *v)
{
	size_t i;

	switch (v->type) {
	case JSON_NULL:
		jw_null(jw);
		break;
	case JSON_BOOL:
		jw_bool(jw, v->boolean);
		break;
	case JSON_NUMBER:
		jw_raw(jw, v->text);
		break;
	case JSON_STRING:
		jw_string(jw, v->text);
		break;
	case JSON_ARRAY:
		jw_start_array(jw);
		for (i = 0; i < v->count; i++)
			json_emit(jw, v->items[i]);
		jw_end_array(jw);
		break;
	case JSON_OBJECT:
		jw_start_object(jw);
		for (i = 0; i < v->count; i++) {
			jw_name(jw, v->names[i]);
			json_emit(jw, v->items[i]);
		}
		jw_end_object(jw);
		break;
	}
}

static bool json_is_scalar(const struct json_value *v)
{
	return v->type != JSON_ARRAY && v->type != JSON_OBJECT;
}

static void json_print_scalar(const struct json_value *v)
{
	switch (v->type) {
	case JSON_NULL:
		printf("-");
		break;
	case JSON_BOOL:
		printf("%s", v->boolean ? "yes" : "no");
		break;
	case JSON_NUMBER:
	case JSON_STRING:
		printf("%s", v->text);
		break;
	default:
		break;
	}
}

void json_print_plain(const struct json_value *v, int indent)
{
	size_t i, j;

	if (json_is_scalar(v)) {
		printf("%*s", indent, "");
		json_print_scalar(v);
		printf("\n");
		return;
	}
	if (v->type == JSON_ARRAY) {
		if (!v->count)
			printf("%*s(none)\n", indent, "");
		for (i = 0; i < v->count; i++) {
			const struct json_value *it = v->items[i];

			if (json_is_scalar(it)) {
				json_print_plain(it, indent);
				continue;
			}
			/* An object item on one line when all its members are
			 * scalars: a table row people can grep. */
			if (it->type == JSON_OBJECT) {
				bool flat = true;

				for (j = 0; j < it->count; j++)
					flat = flat && json_is_scalar(it->items[j]);
				if (flat) {
					printf("%*s", indent, "");
					for (j = 0; j < it->count; j++) {
						printf("%s%s ", j ? "  " : "", it->names[j]);
						json_print_scalar(it->items[j]);
					}
					printf("\n");
					continue;
				}
			}
			printf("%*s[%zu]\n", indent, "", i);
			json_print_plain(it, indent + 2);
		}
		return;
	}
	for (i = 0; i < v->count; i++) {
		const struct json_value *it = v->items[i];

		printf("%*s%s:", indent, "", v->names[i]);
		if (json_is_scalar(it)) {
			printf(" ");
			json_print_scalar(it);
			printf("\n");
		} else {
			printf("\n");
			json_print_plain(it, indent + 2);
		}
	}
}
