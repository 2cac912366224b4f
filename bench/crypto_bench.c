// SPDX-License-Identifier: GPL-2.0
/*
 * Speed of dnssec/crypto: signature verifications per second with a key
 * built once (as the validator's key cache holds it), NSEC3 hashes per
 * second. Reads the signature vectors ("sig valid RDATA DATA SIG LABEL",
 * hex) written by `tests/unit/crypto_vs_python.t --bench FILE`.
 *
 *   crypto_bench [VECTOR_FILE]
 *   CRYPTO_BENCH_SECONDS=3 (CPU seconds per measurement)
 *
 * Prints one "RESULT <name> <per-second>" line per measurement, for
 * bench/run.sh to tabulate, after a human-readable line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dnssec/algorithm.h"
#include "dnssec/crypto.h"
#include "util/error.h"

/*
 * CPU time of this thread, not wall time: `openssl speed` divides by CPU
 * (user) time too unless given -elapsed, and on a shared machine CPU time
 * keeps other processes' load out of both figures.
 */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int unhex(const char *in, uint8_t *out, size_t cap)
{
	size_t n = strlen(in), i;
	unsigned int v;

	if (n % 2 || n / 2 > cap)
		return -1;
	for (i = 0; i < n / 2; i++) {
		if (sscanf(in + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	return (int)(n / 2);
}

/* Verify in batches until @seconds have passed; returns verifications/s,
 * or a negative value if any verification did not succeed. */
static double bench_verify(const struct dnssec_key *key, const uint8_t *data,
			   size_t len, const uint8_t *sig, size_t siglen,
			   double seconds)
{
	double start = now(), elapsed;
	unsigned long count = 0;
	int i;

	do {
		for (i = 0; i < 32; i++)
			if (dnssec_key_verify(key, data, len, sig, siglen) != 0)
				return -1;
		count += 32;
		elapsed = now() - start;
	} while (elapsed < seconds);
	return (double)count / elapsed;
}

static int bench_signatures(const char *path, double seconds)
{
	static uint8_t rdata[2048], data[2048], sig[1024];
	char kind[8], expect[16], rd_hex[4200], data_hex[4200], sig_hex[2200], label[64];
	struct dnssec_key *key;
	int rdlen, dlen, slen, err, bad = 0;
	FILE *f = fopen(path, "r");
	double rate;

	if (!f) {
		perror(path);
		return 1;
	}
	printf("%-24s %12s\n", "signature (100 octets)", "verify/s");
	while (fscanf(f, "%7s %15s %4199s %4199s %2199s %63s", kind, expect, rd_hex,
		      data_hex, sig_hex, label) == 6) {
		rdlen = unhex(rd_hex, rdata, sizeof(rdata));
		dlen = unhex(data_hex, data, sizeof(data));
		slen = unhex(sig_hex, sig, sizeof(sig));
		if (strcmp(kind, "sig") || strcmp(expect, "valid") || rdlen < 0 ||
		    dlen < 0 || slen < 0) {
			fprintf(stderr, "crypto_bench: bad vector %s\n", label);
			bad = 1;
			continue;
		}
		err = dnssec_key_new(rdata, (size_t)rdlen, &key);
		if (err) {
			fprintf(stderr, "crypto_bench: %s: %s (%s)\n", label,
				xdpdns_strerror(err), dnssec_crypto_last_error());
			bad = 1;
			continue;
		}
		rate = bench_verify(key, data, (size_t)dlen, sig, (size_t)slen, seconds);
		if (rate < 0) {
			fprintf(stderr, "crypto_bench: %s: signature did not verify\n", label);
			bad = 1;
		} else {
			printf("%-24s %12.0f\n", label, rate);
			printf("RESULT verify:%s %.0f\n", label, rate);
		}
		dnssec_key_free(key);
	}
	fclose(f);
	return bad;
}

static void bench_nsec3(double seconds)
{
	/* www.example.com., salt aabbccdd (the RFC 5155 example's salt). */
	static const uint8_t name[] = { 3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p',
					'l', 'e', 3, 'c', 'o', 'm', 0 };
	static const uint8_t salt[] = { 0xaa, 0xbb, 0xcc, 0xdd };
	static const uint16_t iterations[] = { 0, 10, 150 };
	uint8_t out[20];
	unsigned long count;
	double start, elapsed;
	size_t i;
	int j;

	printf("%-24s %12s %14s\n", "NSEC3 hash", "names/s", "SHA-1 blocks/s");
	for (i = 0; i < sizeof(iterations) / sizeof(iterations[0]); i++) {
		count = 0;
		start = now();
		do {
			for (j = 0; j < 64; j++)
				dnssec_nsec3_hash(1, iterations[i], salt, sizeof(salt), name,
						  sizeof(name), out);
			count += 64;
			elapsed = now() - start;
		} while (elapsed < seconds);
		printf("%-24s %12.0f %14.0f\n", iterations[i] == 0 ? "0 iterations" :
			       iterations[i] == 10 ? "10 iterations" : "150 iterations",
		       (double)count / elapsed,
		       (double)count * (iterations[i] + 1) / elapsed);
		printf("RESULT nsec3:%u %.0f\n", iterations[i], (double)count / elapsed);
	}
}

int main(int argc, char **argv)
{
	const char *s = getenv("CRYPTO_BENCH_SECONDS");
	double seconds = s ? atof(s) : 3.0;
	int bad = 0;

	if (seconds <= 0)
		seconds = 3.0;
	if (dnssec_crypto_init() != 0) {
		fprintf(stderr, "crypto_bench: %s\n", dnssec_crypto_last_error());
		return 1;
	}
	if (argc > 1)
		bad = bench_signatures(argv[1], seconds);
	bench_nsec3(seconds);
	return bad;
}
