/* SPDX-License-Identifier: GPL-2.0 */
/* Test helper: run the daemon's need/fetch loop over the fixture pool. */
#pragma once

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "dns/message.h"
#include "dnssec/answer.h"
#include "dnssec/chain.h"
#include "dnssec_fixtures.h"

#define FIX_MAX_USED 64

/**
 * struct fix_run - outcome of one validation through the need loop.
 * @res:     the verdict.
 * @used:    pool indexes fetched, in order.
 * @nused:   how many.
 * @fetches: loop iterations.
 * @missing: the loop asked for something the pool does not hold.
 */
struct fix_run {
	struct val_result res;
	size_t used[FIX_MAX_USED];
	size_t nused;
	int fetches;
	bool missing;
};

static inline int fix_pool_find(const struct val_need *need)
{
	char text[DNS_NAME_TEXT_MAXLEN];

	if (dns_name_to_text(need->name, text, sizeof(text)) < 0)
		return -1;
	for (int i = 0; i < FIX_POOL_COUNT; i++)
		if (fix_pool[i].qtype == need->qtype &&
		    strcasecmp(fix_pool[i].name, text) == 0)
			return i;
	return -1;
}

static inline struct val_anchors *fix_anchors(const char *const *lines)
{
	struct val_anchors *a = val_anchors_new();

	for (size_t i = 0; a && lines[i]; i++)
		val_anchors_add_text(a, lines[i]);
	return a;
}

/**
 * fix_validate() - ask, fetch from the pool, add, ask again; then judge.
 * @anchors: anchor lines (NULL terminated).
 * @lim:     caps, NULL for the defaults.
 * @wire, @len: the response.
 * @out:     the outcome.
 * Return: 0 or the error of parsing or validating.
 */
static inline int fix_validate(const char *const *anchors,
			       const struct val_limits *lim,
			       const uint8_t *wire, size_t len,
			       struct fix_run *out)
{
	struct val_anchors *a = fix_anchors(anchors);
	struct val_chain *c = val_chain_new(a, lim);
	struct dns_msg msg;
	struct val_need need;
	int err;

	memset(out, 0, sizeof(*out));
	val_result_init(&out->res);
	out->res.status = VAL_BOGUS;
	dns_msg_init(&msg);
	err = dns_msg_parse(&msg, wire, len);
	if (err || !a || !c)
		goto out;
	for (out->fetches = 0; out->fetches < 100; out->fetches++) {
		int i;

		err = val_answer_next_need(c, &msg, FIX_NOW, &need);
		if (err <= 0)
			break;
		i = fix_pool_find(&need);
		if (i < 0) {
			out->missing = true;
			break;
		}
		val_chain_add(c, fix_pool[i].wire, fix_pool[i].len);
		if (out->nused < FIX_MAX_USED)
			out->used[out->nused++] = (size_t)i;
	}
	err = val_answer_validate(c, &msg, FIX_NOW, &out->res, NULL);
out:
	dns_msg_release(&msg);
	val_chain_free(c);
	val_anchors_free(a);
	return err;
}

/** fix_case_find() - a fixture by name, NULL if absent. */
static inline const struct fix_case *fix_case_find(const char *name)
{
	for (size_t i = 0; i < FIX_CASE_COUNT; i++)
		if (strcmp(fix_cases[i].name, name) == 0)
			return &fix_cases[i];
	return NULL;
}
