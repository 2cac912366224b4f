// SPDX-License-Identifier: GPL-2.0
/* The CLI's JSON writer and parser (tools/xdpdns/json_*.c): escaping,
 * layout, RFC 8259 grammar, rejection of malformed input, round trips. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "util/error.h"

/* The CLI's objects are not in the library: compile them in. */
#include "../../tools/xdpdns/json_writer.c"
#include "../../tools/xdpdns/json_value.c"

/* The writer's text as a NUL-terminated string (caller frees). */
static char *written(struct json_writer *jw)
{
	char *s = malloc(jw->len + 1);

	memcpy(s, jw->buf, jw->len);
	s[jw->len] = '\0';
	return s;
}

static void test_writer(void)
{
	struct json_writer jw;
	char *s;

	jw_init(&jw, false);
	jw_start_object(&jw);
	jw_string_field(&jw, "name", "a\"b\\c\n\x01");
	jw_uint_field(&jw, "big", 18446744073709551615ULL);
	jw_int_field(&jw, "neg", -5);
	jw_bool_field(&jw, "t", true);
	jw_null_field(&jw, "n");
	jw_name(&jw, "list");
	jw_start_array(&jw);
	jw_double(&jw, 0.5, 4);
	jw_double(&jw, 1.0 / 0.0, 2);
	jw_start_object(&jw);
	jw_end_object(&jw);
	jw_end_array(&jw);
	jw_name(&jw, "nullstr");
	jw_string(&jw, NULL);
	jw_end_object(&jw);
	s = written(&jw);
	is_str(s, "{\"name\":\"a\\\"b\\\\c\\u000a\\u0001\",\"big\":18446744073709551615,"
	       "\"neg\":-5,\"t\":true,\"n\":null,\"list\":[0.5000,null,{}],"
	       "\"nullstr\":null}\n", "compact: escapes, numbers, infinity as null, nesting");
	free(s);
	jw_release(&jw);

	jw_init(&jw, true);
	jw_start_array(&jw);
	jw_uint(&jw, 1);
	jw_start_object(&jw);
	jw_uint_field(&jw, "a", 2);
	jw_end_object(&jw);
	jw_end_array(&jw);
	s = written(&jw);
	is_str(s, "[\n  1,\n  {\n    \"a\": 2\n  }\n]\n", "pretty: two-space indent");
	free(s);
	jw_release(&jw);

	jw_init(&jw, false);
	jw_null(&jw);
	s = written(&jw);
	is_str(s, "null\n", "a top-level scalar ends the document with a newline");
	free(s);
	jw_release(&jw);
}

static void test_parser(void)
{
	struct json_value *v = NULL;
	const struct json_value *x;
	static const char *const bad[] = {
		"", "{", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "'x'", "01x",
		"-", "1.2.3", "tru", "nul", "\"\\x\"", "\"a\nb\"", "\"\\u12\"",
		"{} {}", "[1] x", "0x10", "inf", "\"unterminated",
	};
	char deep[200];
	size_t i;

	is_int(json_parse(" {\"ok\":true,\"result\":{\"n\":-1.5e2,\"s\":\"\\u00e9\\ud83d\\ude00\\/\","
			  "\"a\":[null,false,18446744073709551615]}} ", &v), 0, "parse a control answer");
	x = json_get(v, "result");
	ok(x && x->type == JSON_OBJECT && x->count == 3, "nested object");
	ok(json_get(x, "n") && json_get(x, "n")->number == -150.0, "number with exponent");
	is_str(json_get_string(x, "s"), "\xc3\xa9\xf0\x9f\x98\x80/", "\\u escapes and a surrogate pair as UTF-8");
	x = json_get(x, "a");
	ok(x && x->type == JSON_ARRAY && x->count == 3 && x->items[0]->type == JSON_NULL &&
	   x->items[1]->type == JSON_BOOL && !x->items[1]->boolean, "array of scalars");
	is_str(x->items[2]->text, "18446744073709551615", "big integers keep their text");
	ok(json_get(v, "missing") == NULL && json_get_string(v, "ok") == NULL,
	   "missing member and wrong type give NULL");
	json_value_free(v);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = NULL;
		is_int(json_parse(bad[i], &v), XDPDNS_ESYNTAX, "rejected: bad[%zu]", i);
		ok(v == NULL, "nothing returned for bad[%zu]", i);
	}
	memset(deep, '[', sizeof(deep) - 1);
	deep[sizeof(deep) - 1] = '\0';
	is_int(json_parse(deep, &v), XDPDNS_ESYNTAX, "nesting deeper than 64 rejected");
}

static void test_roundtrip(void)
{
	const char *text = "{\"a\":[1,2.5,\"x\\\"y\"],\"b\":{\"c\":null,\"d\":true},\"e\":[]}";
	struct json_value *v = NULL;
	struct json_writer jw;
	char *s;

	is_int(json_parse(text, &v), 0, "parse for a round trip");
	jw_init(&jw, false);
	json_emit(&jw, v);
	s = written(&jw);
	s[strlen(s) - 1] = '\0';	/* the writer's final newline */
	is_str(s, text, "emit gives back the same text");
	free(s);
	jw_release(&jw);
	json_value_free(v);
}

int main(void)
{
	test_writer();
	test_parser();
	test_roundtrip();
	done_testing();
}
