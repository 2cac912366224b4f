// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the cache-hit answer memo (userspace/resolve_memo.c): a
 * held answer is byte for byte what resolve_answer_build() gives for the
 * same entry, TTL and client shape but the ID, and any difference in what
 * the builder reads of the client misses the memo. */
#include <string.h>

#include "dns/message.h"
#include "dns/name.h"
#include "resolve.h"
#include "resolve_fixture.h"
#include "resolve_memo.h"
#include "server.h"
#include "tap.h"

static uint8_t up[4096], built[65535], held[RESOLVE_MEMO_MSG_MAX];
static struct dns_msg upmsg;

/* An upstream answer for www.example./A: @n A records and one RRSIG. */
static void upstream_answer(int n)
{
	fixture_upstream_answer(up, sizeof(up), &upmsg, n);
}

static void client(struct client *c, uint16_t id, const char *name,
		   uint16_t flags, bool edns, bool do_bit, uint16_t size, bool tcp)
{
	fixture_client(c, id, name, flags, edns, do_bit, size, DNS_TYPE_A, tcp);
}

/* Build for @c, store in its slot as answer_from_cache() does. */
static int build_store(struct resolve_memo *m, const struct client *c,
		       const struct resolve_answer *a, uint64_t id)
{
	struct resolve_memo_slot *s;
	uint64_t hid;
	uint32_t httl;
	int len = resolve_answer_build(c, a, 1232, built, sizeof(built));

	s = resolve_memo_find(m, c, 1232, &hid, &httl);
	if (len > 0)
		resolve_memo_store(s, c, 1232, id, a->ttl, resolve_answer_ede(c, a),
				   built, (size_t)len);
	return len;
}

/* Does the memo hold entry @id at @ttl for @c? */
static bool holds(struct resolve_memo *m, const struct client *c,
		  uint16_t udp_size, uint64_t id, uint32_t ttl)
{
	uint64_t hid;
	uint32_t httl;

	resolve_memo_find(m, c, udp_size, &hid, &httl);
	return hid == id && httl == ttl;
}

int main(void)
{
	struct resolve_answer a = { .msg = &upmsg, .ede = RESOLVE_NO_EDE,
				    .security = CACHE_SEC_SECURE, .ttl = 250 };
	struct resolve_memo *m = resolve_memo_new();
	struct resolve_memo_slot *s;
	struct client c, d;
	uint64_t hid;
	uint32_t httl;
	uint16_t ede;
	size_t len;
	int blen;
	bool all_same = true, all_missed = true;

	ok(m != NULL, "memo allocated");
	dns_msg_init(&upmsg);
	upstream_answer(2);

	client(&c, 0x1111, "WWW.Example.", DNS_FLAG_RD, true, true, 1232, false);
	s = resolve_memo_find(m, &c, 1232, &hid, &httl);
	ok(s != NULL && hid == 0 && httl == 0, "empty memo: nothing held");
	ok(build_store(m, &c, &a, 42) > 0, "answer built and stored");

	/* Same shape, another ID: the held answer is what the builder gives. */
	client(&d, 0xbeef, "WWW.Example.", DNS_FLAG_RD, true, true, 1232, false);
	s = resolve_memo_find(m, &d, 1232, &hid, &httl);
	is_int(hid, 42, "held for the same question and shape: entry id");
	is_int(httl, 250, "and its TTL");
	len = resolve_memo_answer(s, &d, held, &ede);
	blen = resolve_answer_build(&d, &a, 1232, built, sizeof(built));
	ok(blen > 0 && len == (size_t)blen && !memcmp(held, built, len),
	   "held answer with the new ID equals a fresh build");
	is_int(dns_hdr_id(held), 0xbeef, "the client's ID");
	is_int(ede, resolve_answer_ede(&d, &a), "EDE as resolve_answer_ede()");

	/* Every input of the builder but the ID misses. */
	struct {
		const char *what;
		const char *name;
		uint16_t flags;
		bool edns, do_bit, tcp;
		uint16_t size, cfg;
	} miss[] = {
		{ "name spelled otherwise", "www.example.", DNS_FLAG_RD, true, true, false, 1232, 1232 },
		{ "another name", "WWW.Example.net.", DNS_FLAG_RD, true, true, false, 1232, 1232 },
		{ "no RD", "WWW.Example.", 0, true, true, false, 1232, 1232 },
		{ "CD", "WWW.Example.", DNS_FLAG_RD | DNS_FLAG_CD, true, true, false, 1232, 1232 },
		{ "AD", "WWW.Example.", DNS_FLAG_RD | DNS_FLAG_AD, true, true, false, 1232, 1232 },
		{ "no EDNS", "WWW.Example.", DNS_FLAG_RD, false, false, false, 512, 1232 },
		{ "no DO", "WWW.Example.", DNS_FLAG_RD, true, false, false, 1232, 1232 },
		{ "client size", "WWW.Example.", DNS_FLAG_RD, true, true, false, 4096, 1232 },
		{ "TCP", "WWW.Example.", DNS_FLAG_RD, true, true, true, 1232, 1232 },
		{ "daemon's size", "WWW.Example.", DNS_FLAG_RD, true, true, false, 1232, 1400 },
	};
	for (size_t i = 0; i < sizeof(miss) / sizeof(miss[0]); i++) {
		client(&d, 7, miss[i].name, miss[i].flags, miss[i].edns,
		       miss[i].do_bit, miss[i].size, miss[i].tcp);
		if (holds(m, &d, miss[i].cfg, 42, 250)) {
			all_missed = false;
			diag("memo matched with %s", miss[i].what);
		}
	}
	ok(all_missed, "any other name, spelling, RD/CD/AD, EDNS, DO, sizes or "
		       "TCP: not held");
	client(&d, 7, "WWW.Example.", DNS_FLAG_RD, true, true, 1232, false);
	d.qtype = DNS_TYPE_AAAA;
	ok(!holds(m, &d, 1232, 42, 250), "another type: not held");

	/* Every shape stored then served from the memo equals a fresh build. */
	for (int i = 0; i < 64; i++) {
		static const uint16_t sizes[] = { 512, 1232, 4096, 600 };
		static const char *const names[] = { "www.example.", "WwW.eXample.",
						     "WWW.EXAMPLE." };
		uint16_t flags = (i & 1 ? DNS_FLAG_RD : 0) | (i & 2 ? DNS_FLAG_CD : 0) |
				 (i & 4 ? DNS_FLAG_AD : 0);

		a.security = (enum cache_security)(i % 5);
		a.ttl = 100 + (uint32_t)i;
		client(&c, (uint16_t)i, names[i % 3], flags, i & 8, i & 16, sizes[i % 4],
		       i % 7 == 0);
		if (build_store(m, &c, &a, 100 + (uint64_t)i) <= 0) {
			all_same = false;
			continue;
		}
		c.id = (uint16_t)(0x8000 + i);
		s = resolve_memo_find(m, &c, 1232, &hid, &httl);
		if (hid != 100 + (uint64_t)i) {
			all_same = false;
			diag("shape %d not held", i);
			continue;
		}
		len = resolve_memo_answer(s, &c, held, &ede);
		blen = resolve_answer_build(&c, &a, 1232, built, sizeof(built));
		if (blen <= 0 || len != (size_t)blen || memcmp(held, built, len) ||
		    ede != resolve_answer_ede(&c, &a)) {
			all_same = false;
			diag("shape %d differs from a fresh build", i);
		}
	}
	ok(all_same, "64 client shapes and security states: memo equals a "
		     "fresh build every time");

	/* Too long to hold: the slot is emptied, not truncated. */
	a.security = CACHE_SEC_SECURE;
	a.ttl = 250;
	upstream_answer(80);
	client(&c, 1, "www.example.", DNS_FLAG_RD, true, true, 1232, true);
	blen = build_store(m, &c, &a, 7);
	ok(blen > RESOLVE_MEMO_MSG_MAX, "an answer over %d octets (%d)",
	   RESOLVE_MEMO_MSG_MAX, blen);
	ok(!holds(m, &c, 1232, 7, 250), "too long: not held");
	resolve_memo_find(m, &c, 1232, &hid, &httl);
	is_int(hid, 0, "and the slot emptied");

	dns_msg_release(&upmsg);
	resolve_memo_free(m);
	resolve_memo_free(NULL);
	return done_testing();
}
