// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for userspace/dns: parse a message; when it parses,
 * print every record, group and canonicalise every RRset, write it back
 * and parse the result again, which must give the same records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/canonical.h"
#include "dns/message.h"
#include "dns/print.h"
#include "dns/rrset.h"
#include "util/error.h"

#define MAX_RRS (DNS_MSG_MAXLEN / 11 + 1)

static struct dns_msg msg, again;
static char text[4 * DNS_RDATA_MAXLEN];
static uint8_t out[DNS_MSG_MAXLEN];
static uint8_t canon[DNS_RDATA_MAXLEN + 4 * DNS_NAME_MAXLEN];
static struct dns_rrset sets[MAX_RRS];
static uint32_t order[MAX_RRS];
static struct dns_rdata_view views[MAX_RRS];

static void check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_message: %s\n", what);
		abort();
	}
}

static void canonicalise(const struct dns_msg *m)
{
	for (int s = 0; s < DNS_SECTION_COUNT; s++) {
		int n = dns_rrset_group(m, s, sets, MAX_RRS, order);

		check(n >= 0, "grouping failed");
		for (int i = 0; i < n; i++) {
			size_t k;

			for (k = 0; k < sets[i].count; k++) {
				const struct dns_rr *rr =
					&m->rr[order[sets[i].first + k]];
				int c = dns_canonical_rdata(
					rr->type, rr->rdata, rr->rdata_len,
					canon, sizeof(canon));

				/* Parsed RDATA is valid, so this cannot fail. */
				check(c == rr->rdata_len, "canonical form failed");
				views[k].data = rr->rdata;
				views[k].len = rr->rdata_len;
			}
			k = dns_canonical_sort(views, sets[i].count);
			check(k >= 1 && k <= sets[i].count, "sort count");
			for (size_t j = 1; j < k; j++)
				check(dns_canonical_rdata_compare(&views[j - 1],
								  &views[j]) < 0,
				      "sort order");
		}
	}
}

static int same_records(const struct dns_msg *a, const struct dns_msg *b)
{
	if (a->rr_count != b->rr_count || a->qdcount != b->qdcount ||
	    a->has_opt != b->has_opt || a->rcode != b->rcode)
		return 0;
	for (size_t i = 0; i < a->rr_count; i++) {
		const struct dns_rr *x = &a->rr[i], *y = &b->rr[i];

		if (x->type != y->type || x->rclass != y->rclass ||
		    x->ttl != y->ttl || x->section != y->section ||
		    x->owner_len != y->owner_len ||
		    memcmp(x->owner, y->owner, x->owner_len) ||
		    x->rdata_len != y->rdata_len ||
		    memcmp(x->rdata, y->rdata, x->rdata_len))
			return 0;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns_builder b;
	struct dns_ede ede;
	int err;

	if (dns_msg_parse(&msg, data, size))
		return 0;
	for (size_t i = 0; i < msg.rr_count; i++)
		check(dns_print_rr(&msg.rr[i], text, sizeof(text)) > 0,
		      "print failed");
	if (msg.has_opt)
		dns_ede_find(&msg.edns, &ede);
	canonicalise(&msg);

	check(dns_builder_init(&b, out, sizeof(out), 0, msg.id, msg.flags) == 0,
	      "builder init");
	err = dns_msg_write(&msg, &b);
	if (err == XDPDNS_ESPACE)
		return 0; /* the OPT alone did not fit: nothing to compare */
	check(err == 0, "write failed");
	err = dns_msg_parse(&again, out, dns_builder_finish(&b));
	check(err == 0, "rebuilt message does not parse");
	if (!b.truncated)
		check(same_records(&msg, &again), "round trip differs");
	return 0;
}
