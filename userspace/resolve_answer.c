// SPDX-License-Identifier: GPL-2.0
/* Building client answers (flags, DNSSEC records by DO, size limits, EDE)
 * and the hand-off of validated answers to the kernel cache. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "dns/rrset.h"
#include "refill.h"
#include "resolve.h"
#include "server.h"
#include "util/error.h"

static bool is_dnssec_type(uint16_t type)
{
	return type == DNS_TYPE_RRSIG || type == DNS_TYPE_NSEC ||
	       type == DNS_TYPE_NSEC3;
}

uint16_t resolve_answer_ede(const struct client *c, const struct resolve_answer *a)
{
	if (!c->has_edns)
		return RESOLVE_NO_EDE;	/* RFC 8914 2: an EDNS option */
	if (a->msg && a->security == CACHE_SEC_BOGUS && !(c->flags & DNS_FLAG_CD) &&
	    a->ede == RESOLVE_NO_EDE)
		return DNS_EDE_DNSSEC_BOGUS;
	return a->ede;
}

int resolve_answer_build(const struct client *c, const struct resolve_answer *a,
			 uint16_t udp_size, uint8_t *out, size_t cap)
{
	uint8_t optbuf[300];
	struct dns_edns_writer ew;
	struct dns_builder b;
	uint16_t rcode = a->rcode, ede = a->ede, flags;
	const char *ede_text = a->ede_text;
	const struct dns_msg *msg = a->msg;
	size_t limit;
	int err;

	if (msg)
		rcode = msg->rcode;
	/* RFC 4035 3.2.2: bogus data only reaches clients that set CD. */
	if (msg && a->security == CACHE_SEC_BOGUS && !(c->flags & DNS_FLAG_CD)) {
		msg = NULL;
		rcode = DNS_RCODE_SERVFAIL;
		if (ede == RESOLVE_NO_EDE)
			ede = DNS_EDE_DNSSEC_BOGUS;
	}
	if (!c->has_edns && rcode > 15)
		rcode = DNS_RCODE_SERVFAIL;
	flags = DNS_FLAG_QR | DNS_FLAG_RA | (c->flags & (DNS_FLAG_RD | DNS_FLAG_CD)) |
		(rcode & DNS_RCODE_MASK);
	/* RFC 6840 5.7-5.8: AD only for Secure data, only if DO or AD asked. */
	if (msg && a->security == CACHE_SEC_SECURE &&
	    (c->do_bit || (c->flags & DNS_FLAG_AD)) &&
	    (rcode == DNS_RCODE_NOERROR || rcode == DNS_RCODE_NXDOMAIN))
		flags |= DNS_FLAG_AD;
	if (c->tcp)
		limit = DNS_MSG_MAXLEN;
	else if (c->has_edns)
		/* RFC 6891 6.2.5: the smaller of the two sizes, never below 512. */
		limit = c->udp_size < udp_size ? c->udp_size : udp_size;
	else
		limit = DNS_EDNS_MIN_UDP;	/* RFC 1035 4.2.1 */
	if (limit < DNS_EDNS_MIN_UDP)
		limit = DNS_EDNS_MIN_UDP;

	dns_edns_writer_init(&ew, optbuf, sizeof(optbuf));
	if (c->has_edns && ede != RESOLVE_NO_EDE)
		dns_edns_add_ede(&ew, ede, ede_text);
	err = dns_builder_init(&b, out, cap, limit, c->id, flags);
	if (!err)
		err = dns_builder_question(&b, c->qname, c->qtype, c->qclass);
	if (!err && c->has_edns)
		err = dns_builder_reserve(&b, DNS_OPT_FIXED_LEN + ew.len);
	if (err)
		return err;
	for (int s = 0; msg && s < DNS_SECTION_COUNT; s++) {
		size_t n = msg->section_count[s];
		struct dns_rrset *sets;
		uint32_t *order;
		struct dns_rr *rrs;
		int nsets;

		if (!n)
			continue;
		sets = malloc(n * sizeof(*sets));
		order = malloc(n * sizeof(*order));
		rrs = malloc(n * sizeof(*rrs));
		nsets = sets && order && rrs ?
				dns_rrset_group(msg, s, sets, n, order) : -ENOMEM;
		for (int i = 0; i < nsets; i++) {
			struct dns_rrset *set = &sets[i];

			/* RFC 4035 3.2.1: without DO, no DNSSEC records unless
			 * the query asked for that very type. */
			if (!c->do_bit && is_dnssec_type(set->type) &&
			    !(s == DNS_SECTION_ANSWER && set->type == c->qtype))
				continue;
			for (uint32_t j = 0; j < set->count; j++) {
				rrs[j] = msg->rr[order[set->first + j]];
				if (a->ttl != UINT32_MAX)
					rrs[j].ttl = a->ttl;
			}
			err = dns_builder_rrset(&b, s, rrs, set->count);
			if (err && err != XDPDNS_ESPACE)
				break;
			err = 0;
		}
		if (nsets < 0)
			err = nsets;
		free(sets);
		free(order);
		free(rrs);
		if (err)
			return err;
	}
	if (c->has_edns) {
		struct dns_edns edns = {
			.udp_size = udp_size,
			.ext_rcode = (uint8_t)(rcode >> 4),
			.flags = c->do_bit ? DNS_EDNS_FLAG_DO : 0,
			.options = optbuf,
			.options_len = (uint16_t)ew.len,
		};

		err = dns_builder_opt(&b, &edns);
		if (err)
			return err;
	}
	return (int)dns_builder_finish(&b);
}

/*
 * CLOCK_BOOTTIME (the kernel's clock for entries) of the start of the
 * CLOCK_MONOTONIC second @stored_s, in which the userspace cache stored
 * the answer: the kernel then counts the same whole seconds down as the
 * userspace cache (ttl_left = stored + lifetime - now, in whole seconds)
 * and both stop answering at the same instant.
 */
static uint64_t handoff_created_ns(uint64_t stored_s)
{
	struct timespec mono, boot;
	uint64_t mono_ns, boot_ns, since;

	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	mono_ns = (uint64_t)mono.tv_sec * 1000000000ull + (uint64_t)mono.tv_nsec;
	boot_ns = (uint64_t)boot.tv_sec * 1000000000ull + (uint64_t)boot.tv_nsec;
	since = mono_ns - stored_s * 1000000000ull;
	if (stored_s * 1000000000ull > mono_ns || since > boot_ns)
		return 0;	/* a stamp from the future: "now" */
	return boot_ns - since;
}

int resolve_handoff_kernel_cache_at(const struct refill_maps *maps,
				    const struct cache_key *key,
				    const struct dns_msg *msg, uint32_t lifetime,
				    enum cache_security security, uint64_t stored_s)
{
	struct xdpdns_cache_key kkey;
	struct xdpdns_cache_entry *entry;
	struct refill_params params = {
		.lifetime_s = lifetime,
		.secure = security == CACHE_SEC_SECURE,
	};
	static __thread uint8_t buf[DNS_MSG_MAXLEN];
	int len, err = 0;

	/* DESIGN contract 2: only Secure or Insecure data goes to the kernel;
	 * a caller passing anything else is a bug, refused here whatever it
	 * asked. */
	if (security != CACHE_SEC_SECURE && security != CACHE_SEC_INSECURE)
		return -EINVAL;
	if (!maps)
		return 0;	/* no XDP program attached: nothing to refill */
	if (!lifetime)
		return -EINVAL;
	params.created_ns = handoff_created_ns(stored_s);
	entry = malloc(sizeof(*entry));
	if (!entry)
		return -ENOMEM;
	/*
	 * The upstream query always had DO=1, so @msg holds the DNSSEC
	 * records: write both forms, the DO=1 answer and the DO=0 one
	 * (RFC 4035 3.2.1: without the DNSSEC records), whichever DO bit the
	 * query that brought it had. Each is the exact answer userspace gives
	 * an EDNS client with that DO bit, TTLs set to the lifetime as the
	 * userspace cache does: what the kernel replays and counts down.
	 */
	for (int do_bit = 1; do_bit >= 0 && !err; do_bit--) {
		struct client c = { .tcp = true, .has_edns = true, .do_bit = do_bit,
				    .udp_size = DNS_MSG_MAXLEN, .qtype = key->qtype,
				    .qclass = key->qclass, .flags = DNS_FLAG_RD };
		struct resolve_answer a = { .msg = msg, .ede = RESOLVE_NO_EDE,
					    .security = security, .ttl = lifetime };

		memcpy(c.qname, key->name, key->name_len);
		params.do_bit = do_bit;
		len = resolve_answer_build(&c, &a, CONFIG_EDNS_UDP_SIZE, buf, sizeof(buf));
		if (len < 0) {
			err = len;
			break;
		}
		err = refill_entry_build(buf, (size_t)len, maps->hash_seed, &params,
					 &kkey, entry);
		/* Too big for an entry, or not cacheable there: userspace keeps
		 * answering it; the other form may still fit. */
		if (err == -E2BIG || err == -EINVAL) {
			err = 0;
			continue;
		}
		if (!err)
			err = refill_entry_put(maps, &kkey, entry);
	}
	free(entry);
	return err;
}

int resolve_handoff_kernel_cache(const struct refill_maps *maps,
				 const struct cache_key *key,
				 const struct dns_msg *msg, uint32_t lifetime,
				 enum cache_security security)
{
	return resolve_handoff_kernel_cache_at(maps, key, msg, lifetime, security,
					       server_now_ms() / 1000);
}
