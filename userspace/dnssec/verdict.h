/* SPDX-License-Identifier: GPL-2.0 */
/* Validation outcomes: the four RFC 4035 4.3 states, a reason and an EDE. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/*
 * enum val_status - security status of data (RFC 4035 4.3).
 * @VAL_SECURE:        a chain of signed DNSKEY and DS records reaches the
 *                     data from a trust anchor.
 * @VAL_INSECURE:      there is proof that no such chain exists (an unsigned
 *                     delegation, only unsupported algorithms, a negative
 *                     trust anchor, NSEC3 iterations over the limit).
 * @VAL_BOGUS:         a chain should exist and does not verify.
 * @VAL_INDETERMINATE: no trust anchor covers the data, or data the
 *                     validator needs has not been handed in yet.
 * The order is the "worst wins" order used to combine links of a chain:
 * Secure < Insecure < Indeterminate < Bogus.
 */
enum val_status {
	VAL_SECURE = 0,
	VAL_INSECURE = 1,
	VAL_INDETERMINATE = 2,
	VAL_BOGUS = 3,
};

#define VAL_REASON_MAX 192
#define VAL_TTL_NONE UINT32_MAX

/**
 * struct val_result - a verdict with its explanation.
 * @status: enum val_status.
 * @ede:    RFC 8914 info code to return with it (enum dns_ede_code);
 *          meaningful for Bogus, Insecure-by-policy and Indeterminate.
 * @reason: human readable reason, always NUL terminated ("" when Secure
 *          and nothing to say).
 * @ttl:    for Secure data, the largest TTL the data may be cached with:
 *          the smallest of the RRset TTLs, the RRSIG Original TTLs and
 *          the time left until the earliest RRSIG expiration
 *          (VAL_TTL_NONE when no signature was involved).
 * @expire: earliest RRSIG expiration (absolute, RFC 1982 serial time)
 *          among the signatures that made the data Secure; 0 when
 *          @has_expire is false.
 * @has_expire: @expire is set.
 */
struct val_result {
	enum val_status status;
	uint16_t ede;
	char reason[VAL_REASON_MAX];
	uint32_t ttl;
	uint32_t expire;
	bool has_expire;
};

/**
 * val_result_init() - start a result as Secure with no TTL bound and no
 * reason (the state a chain combination starts from).
 * @r: the result.
 */
void val_result_init(struct val_result *r);

/**
 * val_result_set() - set status, EDE and a printf-style reason.
 * @r:      the result.
 * @status: enum val_status.
 * @ede:    RFC 8914 code.
 * @fmt:    reason format.
 *
 * Return: @status, so that callers can write `return val_result_set(...)`.
 */
enum val_status val_result_set(struct val_result *r, enum val_status status,
			       uint16_t ede, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/**
 * val_result_merge() - fold the verdict of one link into a whole answer.
 * @acc:  the accumulated result (from val_result_init()).
 * @link: the link's result.
 *
 * The worse status wins (Secure < Insecure < Indeterminate < Bogus) and
 * brings its EDE and reason; TTL and expiration bounds are the minimum of
 * both whatever the status.
 */
void val_result_merge(struct val_result *acc, const struct val_result *link);

/**
 * val_result_bound() - lower the TTL and expiration bounds.
 * @r:      the result.
 * @ttl:    a TTL bound (VAL_TTL_NONE for none).
 * @expire: an RRSIG expiration; ignored when @has_expire is false.
 * @has_expire: whether @expire is meaningful.
 */
void val_result_bound(struct val_result *r, uint32_t ttl, uint32_t expire,
		      bool has_expire);

/**
 * val_status_name() - "secure", "insecure", "bogus" or "indeterminate".
 * Return: a static string, never NULL.
 */
const char *val_status_name(enum val_status status);

/**
 * val_serial_lt() - RFC 1982 serial number arithmetic on 32-bit times.
 * Return: true when @a is before @b (a != b and (b - a) mod 2^32 < 2^31).
 */
static inline bool val_serial_lt(uint32_t a, uint32_t b)
{
	return a != b && (uint32_t)(b - a) < 0x80000000u;
}
