/* SPDX-License-Identifier: GPL-2.0 */
/* Signatures already verified: the same RRSIG over the same data with the
 * same key is not verified twice. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * What makes it pay: a wildcard's RRSIG is made over the wildcard owner
 * (RFC 4035 5.3.2), so every name it expands to carries the same signed
 * data and signature; a zone's few NSEC3 records prove the absence of
 * many names. Without this each expansion costs the full public-key
 * operations again.
 *
 * An entry is the SHA-256 of (key RDATA, signed data, signature), each
 * prefixed by its length: only exactly what verified matches, and a
 * forged answer would need a SHA-256 second preimage. The fact it records
 * ("this key verifies this signature over these octets") holds forever;
 * the time window and the algorithm policy are checked by the caller on
 * every use, before the cache is asked. Fixed size (two ways per set,
 * the older way replaced); not thread safe, like the chain that owns it.
 */

#define VAL_SIGCACHE_SETS 512
#define VAL_SIGCACHE_DIGEST 32

struct val_sigcache;

/**
 * val_sigcache_new() - an empty cache of VAL_SIGCACHE_SETS * 2 entries.
 * Return: the cache, or NULL on no memory.
 */
struct val_sigcache *val_sigcache_new(void);

/** val_sigcache_free() - free the cache; NULL is fine. */
void val_sigcache_free(struct val_sigcache *sc);

/**
 * val_sigcache_digest() - the entry for one verification.
 * @key:     DNSKEY RDATA.
 * @key_len: its length.
 * @data:    the signed data (RFC 4034 3.1.8.1).
 * @len:     its length.
 * @sig:     the signature field of the RRSIG.
 * @sig_len: its length.
 * @out:     receives VAL_SIGCACHE_DIGEST octets.
 * Return: 0, or a crypto error (then do not use the cache).
 */
int val_sigcache_digest(const uint8_t *key, size_t key_len, const uint8_t *data,
			size_t len, const uint8_t *sig, size_t sig_len,
			uint8_t out[VAL_SIGCACHE_DIGEST]);

/** val_sigcache_has() - was this exact verification done and good? */
bool val_sigcache_has(struct val_sigcache *sc, const uint8_t digest[VAL_SIGCACHE_DIGEST]);

/** val_sigcache_put() - remember a verification that succeeded. */
void val_sigcache_put(struct val_sigcache *sc, const uint8_t digest[VAL_SIGCACHE_DIGEST]);

/**
 * val_sigcache_stats() - @hits and @misses (lookups that found nothing)
 * since the cache was made.
 */
void val_sigcache_stats(const struct val_sigcache *sc, uint64_t *hits,
			uint64_t *misses);
