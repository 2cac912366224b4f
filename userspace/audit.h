/* SPDX-License-Identifier: GPL-2.0 */
/* Append-only JSON-lines audit log of DNSSEC events, written by its own thread. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct audit;

/** enum audit_kind - what changed ("kind" in the JSON line). */
enum audit_kind {
	AUDIT_DNSKEY_CHANGED = 0,	/* keys added, removed or revoked */
	AUDIT_DS_CHANGED,		/* DS set at the parent changed */
	AUDIT_CDS_APPEARED,		/* RFC 7344: a child published CDS/CDNSKEY */
	AUDIT_CDS_CHANGED,		/* its CDS set changed */
	AUDIT_CDS_MISMATCH,		/* CDS disagrees with the parent's DS
					 * (RFC 7344 4.1, RFC 8078 3) */
	AUDIT_ZONE_STATE_CHANGED,	/* secure, insecure, bogus */
	AUDIT_ANCHOR_CHANGED,		/* a trust anchor added, removed, rolled */
	AUDIT_NTA_CHANGED,		/* RFC 7646 negative trust anchor */
	AUDIT_KIND_MAX,
};

/** enum audit_state - a zone's validation state (RFC 4033 5). */
enum audit_state {
	AUDIT_STATE_NONE = 0,		/* not known before, or gone */
	AUDIT_STATE_SECURE,
	AUDIT_STATE_INSECURE,
	AUDIT_STATE_BOGUS,
	AUDIT_STATE_INDETERMINATE,
	AUDIT_STATE_NTA,		/* under a negative trust anchor (RFC 7646) */
};

#define AUDIT_MAX_KEYS 16
#define AUDIT_ZONE_MAX 256
#define AUDIT_DETAIL_MAX 160
#define AUDIT_DIGEST_MAX 64	/* SHA-384 is the longest DS digest in use */
/* The longest line: 16 keys in each of the four key arrays of a DS event
 * with 64-byte digests (a DNSKEY event has five shorter arrays), every
 * byte of zone and detail escaped as \u00XX; about 14 KiB. */
#define AUDIT_LINE_MAX 16384

/**
 * struct audit_key - one DNSKEY, DS, CDS or anchor, as far as the log shows it.
 * @tag:         key tag (RFC 4034 appendix B).
 * @algorithm:   DNSSEC algorithm number.
 * @digest_type: DS/CDS digest type; 0 for DNSKEYs.
 * @flags:       DNSKEY flags (257 KSK, 256 ZSK, +128 REVOKE); 0 for DS.
 * @digest_len:  DS/CDS digest length (0: none shown; DNSKEYs).
 * @digest:      the digest, written in hex as "digest".
 */
struct audit_key {
	uint16_t tag;
	uint8_t algorithm;
	uint8_t digest_type;
	uint16_t flags;
	uint8_t digest_len;
	uint8_t digest[AUDIT_DIGEST_MAX];
};

/** struct audit_keyset - up to AUDIT_MAX_KEYS keys (the rest is cut, @cut set). */
struct audit_keyset {
	uint8_t n;
	bool cut;
	struct audit_key key[AUDIT_MAX_KEYS];
};

/**
 * struct audit_event - one event, copied into the ring by audit_event().
 * @kind:       enum audit_kind.
 * @time_ms:    Unix time in milliseconds; 0 means now.
 * @zone:       zone name in presentation format ("example.com.").
 * @before_keys, @after_keys: the sets for DNSKEY, DS, CDS and anchor
 *              events (for cds_mismatch: before = parent DS, after = CDS).
 * @before_state, @after_state: for zone_state_changed.
 * @nta_before, @nta_after: for nta_changed: Unix expiry times, 0 = no NTA.
 * @detail:     optional free text (a reason); may be empty.
 */
struct audit_event {
	enum audit_kind kind;
	int64_t time_ms;
	char zone[AUDIT_ZONE_MAX];
	struct audit_keyset before_keys, after_keys;
	enum audit_state before_state, after_state;
	int64_t nta_before, nta_after;
	char detail[AUDIT_DETAIL_MAX];
};

/**
 * audit_open() - open (append, create 0640) the log and start its writer.
 * @path:       the log file.
 * @max_bytes:  rotate before a line would take the file past this size;
 *              0 never rotates.
 * @keep_files: rotated files kept as path.1 (newest) ... path.N; 0 keeps
 *              none (the file starts again empty).
 * @out:        receives the log; release with audit_close().
 * Return: 0, -errno of open(2) or pthread_create(3), -ENOMEM.
 */
int audit_open(const char *path, uint64_t max_bytes, unsigned int keep_files,
	       struct audit **out);

/**
 * audit_event() - queue one event; never waits for the disk: when the
 * ring (AUDIT_RING_SIZE events) is full the event is dropped and counted.
 * @a:  the log (NULL is fine: nothing happens).
 * @ev: the event (copied).
 * Return: 0, -ENOSPC (dropped), -EINVAL (unknown kind).
 */
int audit_event(struct audit *a, const struct audit_event *ev);

#define AUDIT_RING_SIZE 1024

/**
 * audit_flush() - wait until every queued event is written.
 * @timeout_ms: the longest wait.
 * Return: 0, or -ETIMEDOUT.
 */
int audit_flush(struct audit *a, unsigned int timeout_ms);

/**
 * audit_stats() - counters so far (any of the pointers may be NULL).
 * @written: lines written.
 * @dropped: events dropped because the ring was full.
 * @errors:  write or rotation failures (those lines are lost).
 */
void audit_stats(struct audit *a, uint64_t *written, uint64_t *dropped,
		 uint64_t *errors);

/**
 * audit_reopen() - ask the writer to reopen @path (after an external tool
 * moved it, on SIGHUP); asynchronous, safe from any thread.
 */
void audit_reopen(struct audit *a);

/**
 * audit_format() - the JSON line of @ev (no newline).
 * @ev:   the event.
 * @out:  buffer.
 * @size: its size (AUDIT_LINE_MAX always suffices).
 * Return: the length, or -ENOSPC if it did not fit.
 */
int audit_format(const struct audit_event *ev, char *out, size_t size);

/** audit_kind_name() - "dnskey_changed"..., or NULL. */
const char *audit_kind_name(enum audit_kind kind);

/**
 * audit_configure() - a reload changed the log's file or bounds: events
 * queued so far are written to the old file first, later ones to @path.
 * @a:          the log.
 * @path:       the file (opened, created 0640, by this call); NULL or ""
 *              turns the log off: events are ignored until a later call
 *              gives a file again.
 * @max_bytes, @keep_files: as for audit_open().
 * Return: 0, or -errno when @path cannot be opened (the log goes on as
 * before), -ENOMEM.
 */
int audit_configure(struct audit *a, const char *path, uint64_t max_bytes,
		    unsigned int keep_files);

/** audit_enabled() - false while a reload has turned the log off. */
bool audit_enabled(struct audit *a);

/** audit_close() - write what is queued, stop the writer, close; NULL is fine. */
void audit_close(struct audit *a);
