/* SPDX-License-Identifier: GPL-2.0 */
/* Runtime trust anchors and negative trust anchors (RFC 7646) layered over
 * the configured ones, installed into every worker's chain. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/name.h"

struct server;
struct val_anchors;
struct refill_maps;

/*
 * The set the workers validate with is rebuilt from three parts whenever
 * one changes: the configured anchors (files, read at start and on every
 * reload), the anchors added at run time, and the NTAs added at run time
 * that have not expired. Runtime additions survive a reload; the removal
 * of a configured anchor lasts until the next reload (the files are read
 * again and are the authority for what they hold). The new set is handed
 * to server_install_anchors(), whose generation counter makes each worker
 * rebuild its chain before its next validation (as after SIGHUP).
 *
 * Every change flushes the answers cached at and below the name, in the
 * userspace cache and in the kernel cache when the XDP maps are there.
 * Mutations come from the control thread and the reload path (the main
 * thread) and from a worker finding an NTA expired; a mutex orders them.
 */

#define TRUST_NTA_TTL_DEFAULT 3600	/* an hour, when the request has none */
#define TRUST_NTA_TTL_MAX 604800	/* RFC 7646 8: no more than a week */
#define TRUST_SOURCE_RUNTIME "runtime"

struct trust;

/** trust_new() - empty runtime state. Return: it, or NULL on no memory. */
struct trust *trust_new(void);

/** trust_free() - free it (and the configured set it keeps); NULL ok. */
void trust_free(struct trust *t);

/**
 * trust_rebase() - the reload path: take @base (the configured anchors,
 * ownership passes; NULL when no file is configured) as the new base,
 * forget removals of configured anchors, and install base + runtime
 * anchors + live NTAs.
 * @srv:  the server (srv->trust is used).
 * @base: the configured set.
 * Return: 0 or -ENOMEM.
 */
int trust_rebase(struct server *srv, struct val_anchors *base);

struct anchors_ref;

/**
 * trust_audit_change() - the audit line (anchor_changed) for a change of
 * @zone's anchors: @before (held by the caller, server_anchors_hold())
 * against the set in force now.
 * @detail: what changed them ("removed at run time", "changed on reload").
 */
void trust_audit_change(struct server *srv, const uint8_t *zone,
			const struct anchors_ref *before, const char *detail);

/**
 * trust_anchor_add() - add a DS or DNSKEY anchor at run time.
 * @srv:   the server.
 * @name:  the zone (wire form).
 * @kind:  VAL_ANCHOR_DS or VAL_ANCHOR_DNSKEY.
 * @rdata: the RDATA (copied).
 * @len:   its length.
 * Return: 0; -EEXIST (the same record is in force); -EPERM (the daemon
 * does not validate: no configured anchor to layer over); -EINVAL;
 * -ENOMEM.
 */
int trust_anchor_add(struct server *srv, const uint8_t *name, int kind,
		     const uint8_t *rdata, size_t len);

/**
 * trust_anchor_remove() - remove every DS and DNSKEY anchor of @name,
 * runtime or configured.
 * @removed: receives how many records went.
 * Return: 0, -ENOENT (no anchor there), -EPERM (validation off), -ENOMEM.
 */
int trust_anchor_remove(struct server *srv, const uint8_t *name, size_t *removed);

/**
 * trust_nta_add() - add or renew a negative trust anchor.
 * @ttl: seconds it lasts (1..TRUST_NTA_TTL_MAX).
 * @now: UNIX time.
 * Return: 0, -EINVAL (@ttl out of range), -ENOMEM.
 */
int trust_nta_add(struct server *srv, const uint8_t *name, uint32_t ttl, uint64_t now);

/**
 * trust_nta_remove() - remove a runtime negative trust anchor.
 * Return: 0, -ENOENT (no runtime NTA of that name; configured NTAs are
 * removed from their file), -ENOMEM.
 */
int trust_nta_remove(struct server *srv, const uint8_t *name);

/**
 * trust_expire_due() - does a runtime NTA expire by @now? One atomic
 * load: the workers ask before each validation.
 */
bool trust_expire_due(const struct trust *t, uint64_t now);

/**
 * trust_expire() - drop the NTAs that expired by @now and install the
 * set without them (validation resumes under them, RFC 7646 2).
 * Return: 0 or -ENOMEM.
 */
int trust_expire(struct server *srv, uint64_t now);

/**
 * struct trust_anchor_info - one anchor record as trust_foreach_anchor()
 * gives it.
 * @name:   the zone.
 * @kind:   VAL_ANCHOR_DS or VAL_ANCHOR_DNSKEY.
 * @tag:    key tag (the DS's field, or computed from the DNSKEY).
 * @algorithm: DNSSEC algorithm.
 * @digest_type: DS digest type (0 for DNSKEY).
 * @flags:  DNSKEY flags (0 for DS).
 * @source: the file it came from, or TRUST_SOURCE_RUNTIME.
 */
struct trust_anchor_info {
	const uint8_t *name;
	int kind;
	uint16_t tag;
	uint8_t algorithm;
	uint8_t digest_type;
	uint16_t flags;
	const char *source;
};

/**
 * struct trust_nta_info - one negative trust anchor.
 * @name:    the name.
 * @expires: UNIX time it ends; 0 for a configured NTA (no end).
 * @added:   UNIX time it was added (0 for a configured one).
 * @source:  its file, or TRUST_SOURCE_RUNTIME.
 */
struct trust_nta_info {
	const uint8_t *name;
	uint64_t expires;
	uint64_t added;
	const char *source;
};

/**
 * trust_foreach_anchor() - call @fn on every DS and DNSKEY anchor in
 * force, under the mutex (@fn must not call back into trust).
 * Return: 0 or the first non-zero return of @fn.
 */
int trust_foreach_anchor(struct trust *t,
			 int (*fn)(const struct trust_anchor_info *ai, void *arg),
			 void *arg);

/**
 * trust_foreach_nta() - call @fn on every NTA in force at @now.
 * Return: 0 or the first non-zero return of @fn.
 */
int trust_foreach_nta(struct trust *t, uint64_t now,
		      int (*fn)(const struct trust_nta_info *ni, void *arg), void *arg);

/**
 * trust_nta_covers() - is @name at or below an NTA in force at @now,
 * with no closer anchor below that NTA (RFC 7646 2)?
 */
bool trust_nta_covers(struct trust *t, const uint8_t *name, uint64_t now);


/**
 * trust_poll_timeout() - a worker's epoll timeout shortened so that it
 * wakes when the next runtime NTA expires (the kernel cache answers
 * without asking userspace: what the NTA let in must go on time).
 * @t:       the runtime state.
 * @timeout: the timeout the worker computed (ms, -1 for none).
 * Return: the timeout to use.
 */
int trust_poll_timeout(const struct trust *t, int timeout);

/**
 * trust_tick() - called by every worker after each wake-up: one atomic
 * load, and the expiry of due NTAs (trust_expire()) when one is due.
 */
void trust_tick(struct server *srv);
