/* SPDX-License-Identifier: GPL-2.0 */
/* Daemon logging to stderr, as plain lines or JSON lines, thread-safe. */
#pragma once

#include <stdarg.h>

/** Severity of a log line; lines above the configured level are dropped. */
enum log_level {
	LOG_LEVEL_ERROR = 0,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
};

/** Output format of log lines. */
enum log_format {
	LOG_FORMAT_PLAIN = 0,	/* "2026-11-28T22:00:00Z info: text" */
	LOG_FORMAT_JSON,	/* {"ts":"...","level":"info","msg":"text"} */
};

/**
 * log_setup() - choose the level and format (may be called again on reload).
 * @level:  the most verbose level written.
 * @format: plain or JSON lines.
 */
void log_setup(enum log_level level, enum log_format format);

/**
 * log_level_parse() - read "error", "warn", "info" or "debug".
 * Return: 0 and @out set, or XDPDNS_ECONFIG.
 */
int log_level_parse(const char *text, enum log_level *out);

/**
 * log_format_parse() - read "plain" or "json".
 * Return: 0 and @out set, or XDPDNS_ECONFIG.
 */
int log_format_parse(const char *text, enum log_format *out);

/** log_level_name() - the name of @level ("info"...). */
const char *log_level_name(enum log_level level);

/** log_enabled() - whether a line at @level would be written. */
int log_enabled(enum log_level level);

/**
 * log_msg() - write one line at @level, printf-style; a line is written
 * with a single write(2) so that threads never interleave.
 */
void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...)                                  \
	do {                                            \
		if (log_enabled(LOG_LEVEL_DEBUG))       \
			log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__); \
	} while (0)
