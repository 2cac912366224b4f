// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the DNSSEC validator: a mutated response is judged
 * against fixed anchors (the root's DS, a private anchor, an NTA) and the
 * DS/DNSKEY responses of the generated fixtures. An input starting with
 * 0xff instead replaces one of those chain responses and judges a fixed
 * fixture answer. Checks: no crash, no leak, a verdict always comes out,
 * a Secure verdict always carries its TTL bound, and the need loop ends.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns/message.h"
#include "dnssec/answer.h"
#include "dnssec/chain.h"
#include "dnssec_fixtures.h"


static struct val_anchors *anchors;
static struct val_chain *full;
static struct dns_msg msg;

static void check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_validator: %s\n", what);
		abort();
	}
}

static struct val_chain *pool_chain(void)
{
	struct val_chain *c = val_chain_new(anchors, NULL);

	check(c != NULL, "no memory");
	for (int i = 0; i < FIX_POOL_COUNT; i++)
		check(val_chain_add(c, fix_pool[i].wire, fix_pool[i].len) == 0,
		      "pool entry refused");
	return c;
}

static int pool_is(const struct fix_response *p, const struct val_need *need)
{
	char text[DNS_NAME_TEXT_MAXLEN];

	return p->qtype == need->qtype &&
	       dns_name_to_text(need->name, text, sizeof(text)) > 0 &&
	       strcasecmp(p->name, text) == 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	anchors = val_anchors_new();
	check(anchors && val_anchors_add_text(anchors, "nta.test. NTA") == 0,
	      "NTA refused");
	/* The root's DS and the mesh.internal. key, as the private_anchor
	 * fixture has them. */
	for (size_t i = 0; i < FIX_CASE_COUNT; i++)
		if (strcmp(fix_cases[i].name, "private_anchor") == 0)
			for (int k = 0; fix_cases[i].anchors[k]; k++)
				check(val_anchors_add_text(anchors,
					fix_cases[i].anchors[k]) == 0,
				      "anchor refused");
	full = pool_chain();
	dns_msg_init(&msg);
	return 0;
}

static void judge(struct val_chain *c, const struct dns_msg *m)
{
	struct val_result res;
	struct val_need need;
	int err;

	/* The need loop must end: everything the pool has is in already,
	 * so a second request for the same thing would be a loop. */
	err = val_answer_next_need(c, m, FIX_NOW, &need);
	check(err >= 0, "next_need failed");
	err = val_answer_validate(c, m, FIX_NOW, &res, NULL);
	check(err == 0, "validate failed");
	check(res.status <= VAL_BOGUS, "status out of range");
	check(memchr(res.reason, 0, sizeof(res.reason)) != NULL,
	      "reason not terminated");
	if (res.status == VAL_SECURE)
		check(res.ttl != VAL_TTL_NONE, "Secure without a TTL bound");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size >= 2 && data[0] == 0xff) {
		const struct fix_case *fc = &fix_cases[data[1] % FIX_CASE_COUNT];
		struct val_chain *c = val_chain_new(anchors, NULL);
		struct val_need need;

		check(c != NULL, "no memory");
		val_chain_add(c, data + 2, size - 2);
		if (dns_msg_parse(&msg, fc->wire, fc->len) == 0) {
			/* Fetch only what is missing, so the fuzzed entry
			 * stays in place of the pool's. */
			for (int n = 0; n < 64; n++) {
				int i = -1;

				if (val_answer_next_need(c, &msg, FIX_NOW,
							 &need) <= 0)
					break;
				for (int k = 0; k < FIX_POOL_COUNT && i < 0; k++)
					if (pool_is(&fix_pool[k], &need))
						i = k;
				if (i < 0)
					break;
				check(val_chain_add(c, fix_pool[i].wire,
						    fix_pool[i].len) == 0,
				      "pool entry refused");
			}
			judge(c, &msg);
		}
		val_chain_free(c);
		return 0;
	}
	if (dns_msg_parse(&msg, data, size) == 0)
		judge(full, &msg);
	return 0;
}
