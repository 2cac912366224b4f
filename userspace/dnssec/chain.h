/* SPDX-License-Identifier: GPL-2.0 */
/* Chain of trust: DS and DNSKEY responses handed in, walked from anchors. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/message.h"
#include "dnssec/anchor.h"
#include "dnssec/dnskey.h"
#include "dnssec/limits.h"
#include "dnssec/nsec.h"
#include "dnssec/rrsig.h"
#include "dnssec/sections.h"
#include "dnssec/verdict.h"

/*
 * The caller (the daemon) owns the network; the chain owns what it was
 * handed: whole DS and DNSKEY responses, as the upstream returned them
 * (DO=1), each identified by its question. The walk for a name starts at
 * the closest trust anchor (or NTA) above it and goes down one label at a
 * time: the DS response for each next label is checked with the current
 * zone's keys and says "secure cut" (then the child's DNSKEY response is
 * checked against the DS RRset), "insecure cut" (proven absent DS: stop,
 * Insecure) or "no cut here" (continue). Whatever is missing is reported
 * as a struct val_need, so that the daemon can loop:
 *
 *	while (val_answer_next_need(chain, msg, now, &need) > 0) {
 *		fetch need.name/need.qtype upstream with DO=1;
 *		val_chain_add(chain, reply, reply_len);
 *	}
 *	val_answer_validate(chain, msg, now, &result, NULL);
 *
 * Validation outcomes are remembered per response (with the signature
 * expiry) so that later queries reuse verified keys without new crypto.
 * Not thread safe: one chain per thread, or a lock around it.
 */

/**
 * struct val_need - one response the validator still needs.
 * @qtype: DNS_TYPE_DS or DNS_TYPE_DNSKEY; 0 when nothing is needed.
 * @name:  the owner to ask about (wire form).
 */
struct val_need {
	uint16_t qtype;
	uint8_t name[DNS_NAME_MAXLEN];
};

#define VAL_CHAIN_MAX_ENTRIES 4096

struct val_chain;

/**
 * val_chain_new() - an empty chain over a set of anchors.
 * @anchors: trust anchors and NTAs (borrowed; must outlive the chain).
 * @lim:     caps for each validation (copied); NULL for the defaults.
 * Return: the chain, or NULL on no memory.
 */
struct val_chain *val_chain_new(const struct val_anchors *anchors,
				const struct val_limits *lim);

/** val_chain_free() - free the chain and every response it holds. */
void val_chain_free(struct val_chain *c);

/**
 * val_chain_add() - hand in a DS or DNSKEY response.
 * @c:    the chain.
 * @wire: the response (copied).
 * @len:  its length.
 *
 * The question (first entry) names what it answers; a response for the
 * same name and type replaces the earlier one, and then every remembered
 * outcome is forgotten (the new data may change them); a response for a
 * new name and type keeps them (nothing remembered depended on it).
 *
 * The response never expires by TTL (fixtures at a fixed clock, offline
 * checks); the daemon uses val_chain_add_at().
 *
 * Return: 0; -EINVAL when the question is not DS or DNSKEY; XDPDNS_ESPACE
 * at VAL_CHAIN_MAX_ENTRIES; a parse error; -ENOMEM.
 */
int val_chain_add(struct val_chain *c, const uint8_t *wire, size_t len);

/** val_chain_clear() - drop every response held. */
void val_chain_clear(struct val_chain *c);

/* Default caps on how long a response is held (like the answer cache's). */
#define VAL_CHAIN_TTL_MAX_DEFAULT 86400
#define VAL_CHAIN_NEGATIVE_TTL_MAX_DEFAULT 3600

/**
 * val_chain_add_at() - hand in a DS or DNSKEY response received at @now,
 * held only as long as its TTLs allow.
 * @c:    the chain.
 * @wire: the response (copied).
 * @len:  its length.
 * @now:  UNIX time of reception (RFC 1982 serial arithmetic on 32 bits).
 *
 * As val_chain_add(), but the response expires after
 * val_chain_lifetime(): from then on a walk that reaches it asks for it
 * again (struct val_need), so that a key rollover is seen once the old
 * keys' TTL has run out (RFC 4035 5.3.3 bounds, RFC 6781 4.1).
 *
 * Return: as val_chain_add().
 */
int val_chain_add_at(struct val_chain *c, const uint8_t *wire, size_t len,
		     uint32_t now);

/**
 * val_chain_set_ttl_caps() - cap how long responses handed in by
 * val_chain_add_at() from now on are held.
 * @c:                the chain.
 * @ttl_max:          cap for positive responses (0: no cap).
 * @negative_ttl_max: cap for NODATA and NXDOMAIN responses (0: no cap).
 */
void val_chain_set_ttl_caps(struct val_chain *c, uint32_t ttl_max,
			    uint32_t negative_ttl_max);

/**
 * val_chain_lifetime() - how long the chain holds a response received at
 * @now: the smallest TTL of the records in its answer and authority
 * sections, never past the earliest RRSIG expiration among them, capped by
 * @ttl_max; for a NODATA or NXDOMAIN response, RFC 2308 5: the SOA's TTL
 * and MINIMUM bound it, capped by @negative_ttl_max (without a SOA, or
 * with another rcode, it is not held past @now's second).
 * @msg:              the parsed response.
 * @now:              UNIX time.
 * @ttl_max:          positive cap (0: none).
 * @negative_ttl_max: negative cap (0: none).
 * Return: seconds.
 */
uint32_t val_chain_lifetime(const struct dns_msg *msg, uint32_t now,
			    uint32_t ttl_max, uint32_t negative_ttl_max);

/**
 * val_chain_expire() - drop the responses whose lifetime ended before
 * @now (every remembered outcome is forgotten if one goes).
 * Return: how many were dropped.
 */
size_t val_chain_expire(struct val_chain *c, uint32_t now);

struct val_sigcache;

/**
 * val_chain_sigcache() - the signatures verified through this chain's
 * keys (dnssec/sigcache.h), owned by the chain.
 */
struct val_sigcache *val_chain_sigcache(struct val_chain *c);

/** val_chain_limits() - the caps the chain applies. */
const struct val_limits *val_chain_limits(const struct val_chain *c);

/**
 * val_chain_anchors() - the anchor set the chain was built with.
 */
const struct val_anchors *val_chain_anchors(const struct val_chain *c);

/**
 * val_chain_zone_keys() - walk from the closest anchor down to @target.
 * @c:      the chain.
 * @target: the name (a signer name, or the owner of unsigned data).
 * @now:    current time.
 * @b:      the query's budget.
 * @r:      receives the verdict (initialized here: the walk's TTL and
 *          signature bounds only).
 * @need:   if not NULL, receives what is missing when the result is
 *          Indeterminate for lack of data (qtype 0 otherwise); a
 *          response whose lifetime ended before @now is missing too.
 * @ks:     on Secure, receives the key set of the deepest zone enclosing
 *          @target (owned by the chain, valid until the next
 *          val_chain_add(), val_chain_add_at(), val_chain_expire() or
 *          val_chain_clear()); its @zone tells which.
 *
 * Return: VAL_SECURE, VAL_INSECURE (NTA, provably unsigned delegation,
 * unsupported algorithms only), VAL_BOGUS, or VAL_INDETERMINATE (no
 * anchor above @target, or data missing: see @need).
 */
enum val_status val_chain_zone_keys(struct val_chain *c, const uint8_t *target,
				    uint32_t now, struct val_budget *b,
				    struct val_result *r, struct val_need *need,
				    struct val_keyset **ks);

/**
 * val_denial_collect() - validate the NSEC and NSEC3 RRsets of a section
 * with a zone's keys and gather them for a proof.
 * @vs:      the message's sections.
 * @section: usually DNS_SECTION_AUTHORITY.
 * @ks:      the zone's trusted keys (@d->zone is set to its zone).
 * @now, @b: time and budget.
 * @d:       receives the records.
 * @r:       receives a Bogus verdict if one of the sets signed by the zone
 *           does not verify.
 * Sets signed by another zone are skipped (they cannot prove anything
 * about this zone's names).
 * Return: VAL_SECURE or VAL_BOGUS.
 */
enum val_status val_denial_collect(const struct val_sections *vs, int section,
				   struct val_keyset *ks, uint32_t now,
				   struct val_budget *b, struct val_denial *d,
				   struct val_result *r);
