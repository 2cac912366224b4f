// SPDX-License-Identifier: GPL-2.0
/* Signatures already verified, keyed by SHA-256 (sigcache.h). */
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "dnssec/algorithm.h"
#include "dnssec/crypto.h"
#include "dnssec/sigcache.h"
#include "util/error.h"

struct val_sigcache_way {
	uint8_t digest[VAL_SIGCACHE_DIGEST];
	bool used;
};

struct val_sigcache {
	struct val_sigcache_way set[VAL_SIGCACHE_SETS][2];	/* [0] newer */
	uint64_t hits, misses;
};

struct val_sigcache *val_sigcache_new(void)
{
	return calloc(1, sizeof(struct val_sigcache));
}

void val_sigcache_free(struct val_sigcache *sc)
{
	free(sc);
}

int val_sigcache_digest(const uint8_t *key, size_t key_len, const uint8_t *data,
			size_t len, const uint8_t *sig, size_t sig_len,
			uint8_t out[VAL_SIGCACHE_DIGEST])
{
	/* Lengths first: no two different triples hash the same octets. */
	uint64_t lens[3] = { key_len, len, sig_len };
	struct iovec iov[4] = {
		{ .iov_base = lens, .iov_len = sizeof(lens) },
		{ .iov_base = (void *)key, .iov_len = key_len },
		{ .iov_base = (void *)data, .iov_len = len },
		{ .iov_base = (void *)sig, .iov_len = sig_len },
	};
	size_t n = VAL_SIGCACHE_DIGEST;
	int err = dnssec_digest(DNSSEC_DIGEST_SHA256, iov, 4, out, &n);

	return err ? err : n == VAL_SIGCACHE_DIGEST ? 0 : XDPDNS_ECRYPTO;
}

static struct val_sigcache_way *set_of(struct val_sigcache *sc,
				       const uint8_t digest[VAL_SIGCACHE_DIGEST])
{
	/* The digest is uniform already: its first octets pick the set. */
	unsigned int i = ((unsigned int)digest[0] << 8 | digest[1]) % VAL_SIGCACHE_SETS;

	return sc->set[i];
}

bool val_sigcache_has(struct val_sigcache *sc, const uint8_t digest[VAL_SIGCACHE_DIGEST])
{
	struct val_sigcache_way *w = set_of(sc, digest);

	for (int i = 0; i < 2; i++)
		if (w[i].used && !memcmp(w[i].digest, digest, VAL_SIGCACHE_DIGEST)) {
			sc->hits++;
			return true;
		}
	sc->misses++;
	return false;
}

void val_sigcache_put(struct val_sigcache *sc, const uint8_t digest[VAL_SIGCACHE_DIGEST])
{
	struct val_sigcache_way *w = set_of(sc, digest);

	if (w[0].used && !memcmp(w[0].digest, digest, VAL_SIGCACHE_DIGEST))
		return;
	w[1] = w[0];
	memcpy(w[0].digest, digest, VAL_SIGCACHE_DIGEST);
	w[0].used = true;
}

void val_sigcache_stats(const struct val_sigcache *sc, uint64_t *hits,
			uint64_t *misses)
{
	*hits = sc->hits;
	*misses = sc->misses;
}
