/* SPDX-License-Identifier: GPL-2.0 */
/* The zone inventory: every zone the validator went through, its keys, DS
 * set, signature expiry and CDS/CDNSKEY agreement, for "zone-list". */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/message.h"
#include "dns/name.h"

/*
 * Workers feed the inventory from the validation path, once per DS or
 * DNSKEY response handed to their chain (a zone's keys are fetched once
 * per TTL of those RRsets, not per query) and once per validated answer (its
 * signer's earliest RRSIG expiration: one lookup). The control thread
 * reads it. One mutex guards everything: updates are rare and short.
 * The table is bounded: past its capacity the least recently updated
 * zone goes.
 */

#define ZONES_MAX_KEYS 16	/* DNSKEYs kept per zone */
#define ZONES_MAX_DS 8		/* DS (and CDS) records kept per zone */
#define ZONES_DIGEST_MAX 64	/* SHA-384 is the longest digest in use */
#define ZONES_DEFAULT_CAP 4096
#define ZONES_DEFAULT_WARNING (3 * 86400)	/* dnssec.expiry-warning */

/* A zone's state as last seen (RFC 4035 4.3), or under an NTA (RFC 7646). */
enum zone_state {
	ZONE_UNKNOWN = 0,	/* keys seen, verdict still to come */
	ZONE_SECURE,
	ZONE_INSECURE,
	ZONE_BOGUS,
	ZONE_NTA,
};

/* DNSKEY flags (RFC 4034 2.1.1, RFC 5011 7). */
#define ZONE_KEY_FLAG_ZONE 0x0100
#define ZONE_KEY_FLAG_REVOKE 0x0080
#define ZONE_KEY_FLAG_SEP 0x0001

/**
 * struct zone_key - one DNSKEY of the zone.
 * @tag:   key tag (RFC 4034 B), computed on the flags as published.
 * @flags: DNSKEY flags.
 * @algorithm: DNSSEC algorithm number.
 */
struct zone_key {
	uint16_t tag;
	uint16_t flags;
	uint8_t algorithm;
};

/**
 * struct zone_ds - one DS (or CDS) record.
 * @tag, @algorithm, @digest_type: RFC 4034 5.1 fields.
 * @digest, @digest_len: the digest (truncated at ZONES_DIGEST_MAX).
 */
struct zone_ds {
	uint16_t tag;
	uint8_t algorithm;
	uint8_t digest_type;
	uint8_t digest_len;
	uint8_t digest[ZONES_DIGEST_MAX];
};

/* How the parent's DS relates to the child's CDS or CDNSKEY (RFC 7344 4,
 * RFC 8078 4). */
enum zone_cds_match {
	ZONE_CDS_NONE = 0,	/* the child's set was never seen */
	ZONE_CDS_MATCH,		/* DS and CDS/CDNSKEY designate the same keys */
	ZONE_CDS_DIFFER,	/* the parent has yet to follow the child */
	ZONE_CDS_DELETE,	/* RFC 8078 4: the child asks for DS removal */
};

/**
 * struct zone_info - a snapshot of one zone, as zones_foreach() gives it.
 * @name:          the zone (lower case wire form).
 * @state:         enum zone_state as last seen.
 * @ede:           the Extended DNS Error of the last Bogus or Insecure
 *                 verdict (0xffff for none).
 * @keys, @nkeys:  the DNSKEY RRset last seen.
 * @ds, @nds:      the parent's DS RRset last seen (@has_ds: seen at all).
 * @cds, @ncds:    the child's CDS RRset, when one passed through
 *                 (@has_cds); @cds_match how it relates to @ds.
 * @cdnskey_tags, @ncdnskey, @has_cdnskey: the child's CDNSKEY key tags;
 *                 @cdnskey_match how they relate to @ds.
 * @expiry:        earliest RRSIG expiration seen (UNIX time) since the
 *                 keys were last fetched; valid when @has_expiry.
 * @validated:     UNIX time of the last verdict.
 * @updated:       UNIX time of the last update of any kind.
 */
struct zone_info {
	uint8_t name[DNS_NAME_MAXLEN];
	enum zone_state state;
	uint16_t ede;
	struct zone_key keys[ZONES_MAX_KEYS];
	unsigned int nkeys;
	struct zone_ds ds[ZONES_MAX_DS];
	unsigned int nds;
	bool has_ds;
	struct zone_ds cds[ZONES_MAX_DS];
	unsigned int ncds;
	bool has_cds;
	enum zone_cds_match cds_match;
	uint16_t cdnskey_tags[ZONES_MAX_KEYS];
	unsigned int ncdnskey;
	bool has_cdnskey;
	enum zone_cds_match cdnskey_match;
	uint32_t expiry;
	bool has_expiry;
	uint64_t validated;
	uint64_t updated;
};

struct zones;

/**
 * zones_new() - an empty inventory.
 * @cap:     zones kept at most (0: ZONES_DEFAULT_CAP).
 * @warning: seconds before a zone's earliest signature expiry from which
 *           a warning is logged (once per zone per day); 0 turns it off.
 * Return: the inventory, or NULL on no memory.
 */
struct zones *zones_new(size_t cap, uint32_t warning);

/** zones_free() - free the inventory; NULL is fine. */
void zones_free(struct zones *z);

/**
 * zones_configure() - change the capacity (the least recently updated
 * zones go if it shrinks) and the warning horizon.
 */
void zones_configure(struct zones *z, size_t cap, uint32_t warning);

/**
 * zones_note_response() - record a DS or DNSKEY response handed to a
 * validator: for DNSKEY, the key set and the earliest expiration of the
 * RRSIGs over it (which replaces the earlier one: fresh keys, fresh
 * signatures); for DS, the DS RRset of the child named in the question.
 * @z:   the inventory.
 * @msg: the parsed response.
 * @now: UNIX time.
 * Return: 0, -EINVAL when the question is neither DS nor DNSKEY or the
 * response holds no such RRset, -ENOMEM.
 */
int zones_note_response(struct zones *z, const struct dns_msg *msg, uint64_t now);

/**
 * zones_note_state() - record a verdict about a zone's keys (or, for
 * Insecure, about the cut at the zone).
 * @z:     the inventory.
 * @zone:  the zone.
 * @state: enum zone_state.
 * @ede:   Extended DNS Error of the verdict, 0xffff for none.
 * @now:   UNIX time.
 * Return: 0 or -ENOMEM.
 */
int zones_note_state(struct zones *z, const uint8_t *zone, enum zone_state state,
		     uint16_t ede, uint64_t now);

/**
 * zones_note_signatures() - lower a zone's earliest expiration with the
 * RRSIGs of a validated answer: the first signer found and the earliest
 * expiration among its RRSIGs (one lookup per answer). Zones the
 * inventory does not hold are left alone.
 * @z:   the inventory.
 * @msg: the answer.
 * @now: UNIX time (for the warning).
 * Return: the signer (pointing into @msg), NULL when nothing is signed.
 */
const uint8_t *zones_note_signatures(struct zones *z, const struct dns_msg *msg,
				     uint64_t now);

#define ZONES_CDS_PROBE_EVERY 3600	/* seconds between CDS/CDNSKEY asks */

/**
 * zones_cds_probe_due() - whether to ask @zone's CDS and CDNSKEY now, so
 * that the inventory compares them with the parent's DS (RFC 7344 4,
 * RFC 8078) without waiting for a client to ask: true for a zone of the
 * inventory never asked, asked ZONES_CDS_PROBE_EVERY ago, or whose DNSKEY
 * set changed since (a rollover is when CDS changes). A true answer marks
 * the zone asked at @now, so concurrent callers ask once.
 * @z:    the inventory.
 * @zone: the zone (wire form).
 * @now:  UNIX time.
 */
bool zones_cds_probe_due(struct zones *z, const uint8_t *zone, uint64_t now);

/** zones_ds_in() - does some record of @set (@n of them) equal @ds? */
bool zones_ds_in(const struct zone_ds *ds, const struct zone_ds *set, unsigned int n);

/** zones_ds_set_equal() - the same DS (or CDS) records, in any order. */
bool zones_ds_set_equal(const struct zone_ds *a, unsigned int na,
			const struct zone_ds *b, unsigned int nb);

/** zones_keys_equal() - the same DNSKEYs (tag, flags, algorithm), in any
 * order. */
bool zones_keys_equal(const struct zone_key *a, unsigned int na,
		      const struct zone_key *b, unsigned int nb);

/**
 * zones_note_cds() - record a child's CDS or CDNSKEY RRset that passed
 * through (a validated answer to such a question, RFC 7344 4). An answer
 * without one clears what a known zone had and adds no zone.
 * @z:   the inventory.
 * @msg: the answer; its question names the zone.
 * @now: UNIX time.
 * Return: 0, -EINVAL (not a CDS/CDNSKEY answer), -ENOMEM.
 */
int zones_note_cds(struct zones *z, const struct dns_msg *msg, uint64_t now);

struct audit;

/**
 * zones_set_audit() - write the inventory's changes to @audit from now on
 * (zones_audit.h: dnskey_changed, ds_changed, zone_state_changed,
 * cds_appeared, cds_changed, cds_mismatch); NULL stops. The log must
 * outlive the inventory or be unset first.
 */
void zones_set_audit(struct zones *z, struct audit *audit);

/**
 * zones_get() - copy one zone's entry.
 * Return: 0, or -ENOENT when the inventory does not hold it.
 */
int zones_get(struct zones *z, const uint8_t *zone, struct zone_info *out);

/**
 * zones_foreach() - call @fn on a snapshot of every zone, in canonical
 * name order (RFC 4034 6.1). The lock is not held during the calls.
 * Return: 0, -ENOMEM, or the first non-zero return of @fn.
 */
int zones_foreach(struct zones *z, int (*fn)(const struct zone_info *zi, void *arg),
		  void *arg);

/** zones_count() - zones held. */
size_t zones_count(struct zones *z);

/** zones_state_name() - "secure", "insecure", "bogus", "nta", "unknown". */
const char *zones_state_name(enum zone_state state);

/** zones_cds_match_name() - "match", "differ", "delete", or NULL for none. */
const char *zones_cds_match_name(enum zone_cds_match m);

struct val_chain;

/**
 * zones_note_chain() - the feed from a worker: a DS or DNSKEY response
 * was just handed to @chain. Records it (zones_note_response()) and asks
 * the chain for the zone's verdict (remembered outcomes make this cheap;
 * its own budget bounds the rest): Secure or Bogus keys for a DNSKEY
 * response, an insecure cut for a DS response without DS, and the
 * verdict of a name under a negative trust anchor as "nta".
 * @z:     the inventory (NULL: nothing to do).
 * @chain: the worker's chain.
 * @wire:  the response.
 * @len:   its length.
 */
void zones_note_chain(struct zones *z, struct val_chain *chain, const uint8_t *wire,
		      size_t len);
