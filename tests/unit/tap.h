/* SPDX-License-Identifier: GPL-2.0 */
/* Minimal TAP producer for the C unit tests, read by prove. */
#pragma once

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_count;
static int tap_failed;

/** Report one test result; returns @cond so callers can chain on it. */
static inline int tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tap_count++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	return cond;
}

#define ok(cond, ...) tap_ok(!!(cond), __VA_ARGS__)

/** Compare two integers, printing both on failure. */
#define is_int(got, want, ...)                                              \
	do {                                                                \
		long long _g = (long long)(got), _w = (long long)(want);    \
		if (!tap_ok(_g == _w, __VA_ARGS__))                         \
			printf("# got %lld, want %lld\n", _g, _w);          \
	} while (0)

/** Compare two NUL-terminated strings, printing both on failure. */
#define is_str(got, want, ...)                                              \
	do {                                                                \
		const char *_g = (got), *_w = (want);                       \
		if (!tap_ok(_g && _w && strcmp(_g, _w) == 0, __VA_ARGS__))  \
			printf("# got '%s', want '%s'\n", _g ? _g : "(null)", \
			       _w ? _w : "(null)");                          \
	} while (0)

/** Compare two byte buffers of equal length. */
#define is_mem(got, want, len, ...) \
	tap_ok(memcmp((got), (want), (len)) == 0, __VA_ARGS__)

/** Print a diagnostic line. */
#define diag(...)                      \
	do {                           \
		printf("# ");          \
		printf(__VA_ARGS__);   \
		printf("\n");          \
	} while (0)

/** Skip the whole test file with a reason (plan 0). */
#define skip_all(...)                      \
	do {                               \
		printf("1..0 # SKIP ");    \
		printf(__VA_ARGS__);       \
		printf("\n");              \
		return 0;                  \
	} while (0)

/** Print the plan after the tests and return the exit status. */
static inline int done_testing(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}
