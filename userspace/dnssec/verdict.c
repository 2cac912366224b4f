// SPDX-License-Identifier: GPL-2.0
/* Validation outcomes: construction and the worst-wins combination. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dnssec/verdict.h"

void val_result_init(struct val_result *r)
{
	memset(r, 0, sizeof(*r));
	r->status = VAL_SECURE;
	r->ttl = VAL_TTL_NONE;
}

enum val_status val_result_set(struct val_result *r, enum val_status status,
			       uint16_t ede, const char *fmt, ...)
{
	va_list ap;

	r->status = status;
	r->ede = ede;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
	return status;
}

void val_result_bound(struct val_result *r, uint32_t ttl, uint32_t expire,
		      bool has_expire)
{
	if (ttl < r->ttl)
		r->ttl = ttl;
	if (has_expire && (!r->has_expire || val_serial_lt(expire, r->expire))) {
		r->expire = expire;
		r->has_expire = true;
	}
}

void val_result_merge(struct val_result *acc, const struct val_result *link)
{
	val_result_bound(acc, link->ttl, link->expire, link->has_expire);
	/* Keep the first reason among equals: it names the earliest link
	 * that went wrong, which is what an operator looks at first. */
	if (link->status > acc->status) {
		acc->status = link->status;
		acc->ede = link->ede;
		memcpy(acc->reason, link->reason, sizeof(acc->reason));
	}
}

const char *val_status_name(enum val_status status)
{
	switch (status) {
	case VAL_SECURE:
		return "secure";
	case VAL_INSECURE:
		return "insecure";
	case VAL_BOGUS:
		return "bogus";
	case VAL_INDETERMINATE:
		return "indeterminate";
	}
	return "unknown";
}
