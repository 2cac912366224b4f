// SPDX-License-Identifier: GPL-2.0
/* Daemon logging to stderr, as plain lines or JSON lines. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "util/error.h"

static volatile int log_cur_level = LOG_LEVEL_INFO;
static volatile int log_cur_format = LOG_FORMAT_PLAIN;

static const char *const level_names[] = {
	[LOG_LEVEL_ERROR] = "error",
	[LOG_LEVEL_WARN] = "warn",
	[LOG_LEVEL_INFO] = "info",
	[LOG_LEVEL_DEBUG] = "debug",
};

void log_setup(enum log_level level, enum log_format format)
{
	log_cur_level = level;
	log_cur_format = format;
}

int log_level_parse(const char *text, enum log_level *out)
{
	for (unsigned int i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (strcmp(text, level_names[i]) == 0) {
			*out = i;
			return 0;
		}
	}
	return XDPDNS_ECONFIG;
}

int log_format_parse(const char *text, enum log_format *out)
{
	if (strcmp(text, "plain") == 0)
		*out = LOG_FORMAT_PLAIN;
	else if (strcmp(text, "json") == 0)
		*out = LOG_FORMAT_JSON;
	else
		return XDPDNS_ECONFIG;
	return 0;
}

const char *log_level_name(enum log_level level)
{
	if ((unsigned int)level > LOG_LEVEL_DEBUG)
		return "?";
	return level_names[level];
}

int log_enabled(enum log_level level)
{
	return (int)level <= log_cur_level;
}

/* Append @s to @out as the inside of a JSON string (RFC 8259 7). */
static size_t json_escape(char *out, size_t cap, size_t len, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	for (; *s && len + 7 < cap; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			out[len++] = '\\';
			out[len++] = c;
		} else if (c == '\n') {
			out[len++] = '\\';
			out[len++] = 'n';
		} else if (c < 0x20) {
			memcpy(out + len, "\\u00", 4);
			out[len + 4] = hex[c >> 4];
			out[len + 5] = hex[c & 15];
			len += 6;
		} else {
			out[len++] = c;
		}
	}
	return len;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	char text[1024], line[2600], ts[96];
	struct timespec now;
	struct tm tm;
	va_list ap;
	size_t len;
	ssize_t w;

	if (!log_enabled(level))
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	snprintf(ts, sizeof(ts), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, now.tv_nsec / 1000000);
	if (log_cur_format == LOG_FORMAT_JSON) {
		len = (size_t)snprintf(line, sizeof(line),
				       "{\"ts\":\"%s\",\"level\":\"%s\",\"msg\":\"",
				       ts, log_level_name(level));
		len = json_escape(line, sizeof(line), len, text);
		len += (size_t)snprintf(line + len, sizeof(line) - len, "\"}\n");
	} else {
		len = (size_t)snprintf(line, sizeof(line), "%s %s: %s\n", ts,
				       log_level_name(level), text);
	}
	if (len >= sizeof(line))
		len = sizeof(line) - 1;
	/* One write per line: stderr lines from several threads never mix. */
	w = write(STDERR_FILENO, line, len);
	(void)w;
}
