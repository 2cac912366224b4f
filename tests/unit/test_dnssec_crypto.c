// SPDX-License-Identifier: GPL-2.0
/*
 * dnssec/crypto, algorithm, keytag and base32hex: error paths, policy,
 * sharing a key between threads. With DNSSEC_CRYPTO_VECTORS=FILE it instead
 * checks the vectors in FILE (written by crypto_vs_python.t); with
 * DNSSEC_CRYPTO_NO_PROVIDER=1 (and an OPENSSL_CONF without usable
 * providers) it checks that OpenSSL failures are reported, not judged.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "dnssec/algorithm.h"
#include "dnssec/base32hex.h"
#include "dnssec/crypto.h"
#include "dnssec/keytag.h"
#include "tap.h"
#include "test_dnssec_util.h"
#include "util/error.h"

/* RFC 5702 6.1 (RSASHA256, 512-bit) and RFC 6605 6.1 (P-256) examples. */
static const char rsa_key_b64[] =
	"AwEAAcFcGsaxxdgiuuGmCkVImy4h99CqT7jwY3pexPGcnUFtR2Fh36BponcwtkZ4cAgtvd4Qs8P"
	"kxUdp6p/DlUmObdk=";
static const char rsa_sig_b64[] =
	"kRCOH6u7l0QGy9qpC9l1sLncJcOKFLJ7GhiUOibu4teYp5VE9RncriShZNz85mwlMgNEa"
	"cFYK/lPtPiVYP4bwg==";
static const struct tu_rrsig rsa_rrsig = { 1, 8, 3, 3600, "20300101000000",
					   "20000101000000", 9033, "example.net." };
static const uint8_t rsa_a[] = { 192, 0, 2, 91 };

static const char ec_key_b64[] =
	"GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edbkrSqQpF64cYbcB7wNcP+e+MAnLr+Wi9xMWyQLc8NAA==";
static const char ec_sig_b64[] =
	"qx6wLYqmh+l9oCKTN6qIc+bw6ya+KJ8oMz0YP107epXAyGmt+3SNruPFKG7tZoLBLlUzGGus7ZwmwWep666VCw==";
static const struct tu_rrsig ec_rrsig = { 1, 13, 3, 3600, "20100909100439",
					  "20100812100439", 55648, "example.net." };
static const uint8_t ec_a[] = { 192, 0, 2, 1 };

/* Build DNSKEY RDATA from raw key octets. */
static size_t rdata_raw(uint8_t *out, uint16_t flags, uint8_t alg,
			const uint8_t *key, size_t klen)
{
	tu_put16(out, flags);
	out[2] = 3;
	out[3] = alg;
	memcpy(out + 4, key, klen);
	return 4 + klen;
}

static int key_new_err(const uint8_t *rdata, size_t len)
{
	struct dnssec_key *key = (struct dnssec_key *)0x1;
	int err = dnssec_key_new(rdata, len, &key);

	if (err == 0)
		dnssec_key_free(key);
	else if (key != NULL)
		return 12345;	/* *out must be NULL on failure */
	return err;
}

static void test_key_errors(void)
{
	uint8_t rd[1200], key[1100];
	size_t n;

	is_int(dnssec_key_new(NULL, 10, NULL), -EINVAL, "NULL arguments");
	rd[0] = 1;
	rd[1] = 0;
	rd[2] = 3;
	rd[3] = 8;
	is_int(key_new_err(rd, 3), XDPDNS_ETRUNCATED, "RDATA under 4 octets");
	is_int(key_new_err(rd, 4), XDPDNS_EBAD_KEY, "RSA: empty key");
	{
		static const uint8_t algs[] = { 0, 1, 2, 3, 6, 9, 11, 12, 17, 200, 253 };
		size_t i;

		for (i = 0; i < sizeof(algs); i++) {
			rd[3] = algs[i];
			is_int(key_new_err(rd, 40), XDPDNS_EUNSUPPORTED_ALG,
			       "algorithm %u (%s) unsupported", algs[i],
			       dnssec_algorithm_name(algs[i]));
		}
	}

	/* RSA per RFC 3110 2. */
	n = (size_t)tu_base64(rsa_key_b64, key, sizeof(key));
	rdata_raw(rd, 256, 8, key, n);
	is_int(key_new_err(rd, 4 + n), 0, "RSA: the RFC 5702 key is fine");
	rd[2] = 2;
	is_int(key_new_err(rd, 4 + n), XDPDNS_EBAD_KEY, "protocol 2 rejected (RFC 4034 2.1.2)");
	rd[2] = 3;
	is_int(key_new_err(rd, 5), XDPDNS_EBAD_KEY, "RSA: exponent length only");
	rd[4] = 0;
	is_int(key_new_err(rd, 6), XDPDNS_EBAD_KEY, "RSA: truncated long exponent length");
	rd[5] = 0;
	rd[6] = 0;
	is_int(key_new_err(rd, 4 + n), XDPDNS_EBAD_KEY, "RSA: zero-length exponent (long form)");
	rd[4] = 200;
	is_int(key_new_err(rd, 4 + n), XDPDNS_EBAD_KEY, "RSA: exponent length past the end");
	rd[4] = 0;
	rd[5] = 0xff;
	rd[6] = 0xff;
	is_int(key_new_err(rd, 4 + n), XDPDNS_EBAD_KEY, "RSA: 65535-octet exponent length");
	rd[4] = (uint8_t)(n - 1);
	is_int(key_new_err(rd, 4 + n), XDPDNS_EBAD_KEY, "RSA: exponent fills key, no modulus");
	rd[4] = (uint8_t)(n / 2 + 1);
	is_int(key_new_err(rd, 4 + n), XDPDNS_EBAD_KEY, "RSA: exponent longer than modulus");

	/* Long exponent-length form with the same key must work the same. */
	{
		uint8_t data[300], sig[100];
		struct dnssec_key *k = NULL;
		size_t len;
		int siglen;

		rd[4] = 0;
		rd[5] = 0;
		rd[6] = key[0];
		memcpy(rd + 7, key + 1, n - 1);
		is_int(dnssec_key_new(rd, 4 + n + 2, &k), 0, "RSA: 3-octet exponent length form");
		len = tu_signed_data(data, &rsa_rrsig, "www.example.net.", rsa_a, 4);
		siglen = tu_base64(rsa_sig_b64, sig, sizeof(sig));
		if (k)
			is_int(dnssec_key_verify(k, data, len, sig, (size_t)siglen), 0,
			       "RSA: long form verifies the RFC 5702 signature");
		else
			ok(0, "RSA: long form verifies the RFC 5702 signature");
		dnssec_key_free(k);
	}

	/* Moduli outside 512..4096 bits, even moduli, bad exponents. */
	memset(key, 0xab, sizeof(key));
	key[0] = 3;
	key[1] = 0x01;
	key[2] = 0x00;
	key[3] = 0x01;
	rdata_raw(rd, 256, 8, key, 4 + 64);
	rd[4 + 4] = 0x7f;	/* 511-bit modulus */
	is_int(key_new_err(rd, 4 + 4 + 64), XDPDNS_EBAD_KEY, "RSA: 511-bit modulus rejected");
	rd[4 + 4] = 0xff;	/* 512 bits, odd */
	is_int(key_new_err(rd, 4 + 4 + 64), 0, "RSA: 512-bit modulus accepted");
	rd[4 + 4 + 63] = 0xaa;	/* even */
	is_int(key_new_err(rd, 4 + 4 + 64), XDPDNS_EBAD_KEY, "RSA: even modulus rejected");
	rdata_raw(rd, 256, 8, key, 4 + 512);
	is_int(key_new_err(rd, 4 + 4 + 512), 0, "RSA: 4096-bit modulus accepted");
	rdata_raw(rd, 256, 8, key, 4 + 513);
	is_int(key_new_err(rd, 4 + 4 + 513), XDPDNS_EBAD_KEY, "RSA: 4104-bit modulus rejected");
	memset(key, 0xab, sizeof(key));
	key[0] = 1;
	key[1] = 1;	/* e = 1 */
	rdata_raw(rd, 256, 8, key, 2 + 64);
	is_int(key_new_err(rd, 4 + 2 + 64), XDPDNS_EBAD_KEY, "RSA: exponent 1 rejected");
	rd[5] = 4;	/* e = 4 */
	is_int(key_new_err(rd, 4 + 2 + 64), XDPDNS_EBAD_KEY, "RSA: even exponent rejected");
	rd[5] = 3;
	is_int(key_new_err(rd, 4 + 2 + 64), 0, "RSA: exponent 3 accepted");
	key[0] = 9;
	memset(key + 1, 0xff, 9);	/* 72-bit exponent */
	rdata_raw(rd, 256, 8, key, 10 + 64);
	is_int(key_new_err(rd, 4 + 10 + 64), XDPDNS_EBAD_KEY, "RSA: 72-bit exponent rejected");
	ok(strstr(dnssec_crypto_last_error(), "exponent") != NULL,
	   "RSA: the reason names the exponent: %s", dnssec_crypto_last_error());

	/* ECDSA: exact x || y lengths and a point on the curve. */
	n = (size_t)tu_base64(ec_key_b64, key, sizeof(key));
	rdata_raw(rd, 257, 13, key, n);
	is_int(key_new_err(rd, 4 + n), 0, "ECDSA: the RFC 6605 key is fine");
	is_int(key_new_err(rd, 4 + n - 1), XDPDNS_EBAD_KEY, "ECDSA P-256: 63-octet key");
	rd[4 + n] = 0;
	is_int(key_new_err(rd, 4 + n + 1), XDPDNS_EBAD_KEY, "ECDSA P-256: 65-octet key");
	rd[3] = 14;
	is_int(key_new_err(rd, 4 + n), XDPDNS_EBAD_KEY, "ECDSA P-384: 64-octet key");
	rd[3] = 13;
	rd[4 + n - 1] ^= 1;	/* y no longer matches x */
	is_int(key_new_err(rd, 4 + n), XDPDNS_EBAD_KEY, "ECDSA: point off the curve");
	diag("reason given: %s", dnssec_crypto_last_error());
	memset(rd + 4, 0, 64);
	is_int(key_new_err(rd, 4 + 64), XDPDNS_EBAD_KEY, "ECDSA: all-zero point");

	/* EdDSA: 32 and 57 octets exactly (RFC 8080 3). */
	memset(key, 0x11, 60);
	rdata_raw(rd, 257, 15, key, 60);
	is_int(key_new_err(rd, 4 + 31), XDPDNS_EBAD_KEY, "Ed25519: 31-octet key");
	is_int(key_new_err(rd, 4 + 33), XDPDNS_EBAD_KEY, "Ed25519: 33-octet key");
	rd[3] = 16;
	is_int(key_new_err(rd, 4 + 56), XDPDNS_EBAD_KEY, "Ed448: 56-octet key");
	is_int(key_new_err(rd, 4 + 58), XDPDNS_EBAD_KEY, "Ed448: 58-octet key");
	is_int(key_new_err(rd, 4 + 32), XDPDNS_EBAD_KEY, "Ed448: Ed25519-sized key");
}

static struct dnssec_key *example_key(uint16_t flags, uint8_t alg, const char *b64)
{
	struct dnssec_key *key = NULL;
	uint8_t rd[600];
	int n = tu_dnskey(rd, sizeof(rd), flags, alg, b64);

	if (n < 0 || dnssec_key_new(rd, (size_t)n, &key) != 0)
		return NULL;
	return key;
}

static void test_signature_errors(void)
{
	uint8_t data[300], sig[200], junk[200];
	struct dnssec_key *rsa, *ec, *ed;
	size_t len, i;
	int siglen;

	rsa = example_key(256, 8, rsa_key_b64);
	ec = example_key(257, 13, ec_key_b64);
	ed = example_key(257, 15, "l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=");
	if (!ok(rsa && ec && ed, "example keys build"))
		goto out;
	is_int(dnssec_key_bits(rsa), 512, "RSA key size 512");
	is_int(dnssec_key_bits(ec), 256, "P-256 key size 256");
	is_int(dnssec_key_protocol(ec), 3, "protocol accessor");
	{
		size_t rl;
		const uint8_t *r = dnssec_key_rdata(ec, &rl);

		ok(rl == 68 && r[3] == 13, "RDATA accessor");
	}

	/* ECDSA: exact r || s lengths; DER-sized signatures are not r || s. */
	len = tu_signed_data(data, &ec_rrsig, "www.example.net.", ec_a, 4);
	siglen = tu_base64(ec_sig_b64, sig, sizeof(sig));
	is_int(dnssec_key_verify(ec, data, len, sig, (size_t)siglen), 0, "P-256 example verifies");
	{
		static const size_t bad[] = { 0, 1, 32, 63, 65, 70, 71, 72, 96 };

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			is_int(dnssec_key_verify(ec, data, len, sig, bad[i]),
			       XDPDNS_EBAD_SIGNATURE, "P-256: %zu-octet signature", bad[i]);
	}
	memset(junk, 0, sizeof(junk));
	is_int(dnssec_key_verify(ec, data, len, junk, 64), XDPDNS_EBAD_SIGNATURE,
	       "P-256: r = s = 0 is a bad signature, not a crypto error");
	memcpy(junk, sig, 64);
	memset(junk + 32, 0, 32);
	is_int(dnssec_key_verify(ec, data, len, junk, 64), XDPDNS_EBAD_SIGNATURE,
	       "P-256: s = 0");
	memset(junk, 0xff, 64);
	is_int(dnssec_key_verify(ec, data, len, junk, 64), XDPDNS_EBAD_SIGNATURE,
	       "P-256: r, s above the group order");
	memcpy(junk, sig, 64);
	memset(junk, 0, 31);	/* r with leading zero octets: short DER */
	is_int(dnssec_key_verify(ec, data, len, junk, 64), XDPDNS_EBAD_SIGNATURE,
	       "P-256: small r encodes and fails cleanly");
	is_int(dnssec_key_verify(ec, NULL, 5, sig, 64), -EINVAL, "NULL data with length");
	is_int(dnssec_key_verify(NULL, data, len, sig, 64), -EINVAL, "NULL key");

	/* RSA: signature as long as the modulus (64 octets here). */
	len = tu_signed_data(data, &rsa_rrsig, "www.example.net.", rsa_a, 4);
	siglen = tu_base64(rsa_sig_b64, sig, sizeof(sig));
	is_int(dnssec_key_verify(rsa, data, len, sig, 63), XDPDNS_EBAD_SIGNATURE,
	       "RSA: 63-octet signature");
	memcpy(junk, sig, 64);
	junk[64] = 0;
	is_int(dnssec_key_verify(rsa, data, len, junk, 65), XDPDNS_EBAD_SIGNATURE,
	       "RSA: 65-octet signature");
	memset(junk, 0xff, 64);
	is_int(dnssec_key_verify(rsa, data, len, junk, 64), XDPDNS_EBAD_SIGNATURE,
	       "RSA: signature above the modulus");
	memset(junk, 0, 64);
	is_int(dnssec_key_verify(rsa, data, len, junk, 64), XDPDNS_EBAD_SIGNATURE,
	       "RSA: all-zero signature");
	is_int(dnssec_key_verify(rsa, data, 0, sig, 64), XDPDNS_EBAD_SIGNATURE,
	       "RSA: empty data");

	/* Ed25519. */
	is_int(dnssec_key_verify(ed, data, len, junk, 63), XDPDNS_EBAD_SIGNATURE,
	       "Ed25519: 63-octet signature");
	is_int(dnssec_key_verify(ed, data, len, junk, 114), XDPDNS_EBAD_SIGNATURE,
	       "Ed25519: Ed448-sized signature");
	memset(junk, 0xff, 64);
	is_int(dnssec_key_verify(ed, data, len, junk, 64), XDPDNS_EBAD_SIGNATURE,
	       "Ed25519: non-canonical signature");
	ok(dnssec_crypto_last_error() != NULL, "last error never NULL");
out:
	dnssec_key_free(rsa);
	dnssec_key_free(ec);
	dnssec_key_free(ed);
}

static void test_policy(void)
{
	uint8_t rd[300], sig[128], owner[32], digest[64];
	struct dnssec_key *k5 = NULL, *k7 = NULL;
	struct dnssec_ds_info ds[3];
	size_t n, dlen, rdlen, slen;
	uint8_t key[200];
	int alg;

	/* Defaults: RFC 8624 3.1 validation column. */
	ok(dnssec_policy_sha1(), "SHA-1 allowed by default");
	for (alg = 0; alg < 256; alg++) {
		bool want = alg == 5 || alg == 7 || alg == 8 || alg == 10 ||
			    (alg >= 13 && alg <= 16);

		if (dnssec_algorithm_supported((uint8_t)alg) != want)
			break;
	}
	is_int(alg, 256, "supported algorithms are exactly 5 7 8 10 13 14 15 16");
	ok(dnssec_digest_supported(1) && dnssec_digest_supported(2) &&
		   !dnssec_digest_supported(3) && dnssec_digest_supported(4) &&
		   !dnssec_digest_supported(0) && !dnssec_digest_supported(5),
	   "DS digests 1 2 4 supported, 0 3 5 not");

	/* An RSASHA1 and an RSASHA1-NSEC3-SHA1 key (RFC 4034 5.4 material). */
	n = (size_t)tu_base64("AQOeiiR0GOMYkDshWoSKz9XzfwJr1AYtsmx3TGkJaNXVbfi/"
			      "2pHm822aJ5iI9BMzNXxeYCmZDRD99WYwYqUSdjMmmAphXdvx"
			      "egXd/M5+X7OrzKBaMbCVdFLUUh6DhweJBjEVv5f2wwjM9Xzc"
			      "nOf+EPbtG9DMBmADjFDc2w/rljwvFw==",
			      key, sizeof(key));
	rdlen = rdata_raw(rd, 256, 5, key, n);
	dnssec_key_new(rd, rdlen, &k5);
	rd[3] = 7;
	dnssec_key_new(rd, 4 + n, &k7);
	if (!ok(k5 && k7, "RSASHA1 keys build"))
		goto out;
	slen = dnssec_key_bits(k5) / 8;
	is_int(slen, 128, "RFC 4034 5.4 key is RSA-1024");
	memset(sig, 0x42, sizeof(sig));
	is_int(dnssec_key_verify(k5, rd, 10, sig, slen), XDPDNS_EBAD_SIGNATURE,
	       "RSASHA1 with SHA-1 on: garbage is a bad signature");

	dnssec_policy_set_sha1(false);
	ok(!dnssec_algorithm_supported(5) && !dnssec_algorithm_supported(7) &&
		   dnssec_algorithm_supported(8) && !dnssec_digest_supported(1) &&
		   dnssec_digest_supported(2),
	   "SHA-1 off: 5, 7 and digest 1 unsupported, others unchanged");
	is_int(dnssec_key_verify(k5, rd, 10, sig, slen), XDPDNS_EUNSUPPORTED_ALG,
	       "SHA-1 off: cached RSASHA1 key refuses to verify");
	is_int(dnssec_key_verify(k7, rd, 10, sig, slen), XDPDNS_EUNSUPPORTED_ALG,
	       "SHA-1 off: cached RSASHA1-NSEC3-SHA1 key refuses to verify");
	n = tu_name("dskey.example.com.", owner);
	dlen = sizeof(digest);
	rd[3] = 5;
	is_int(dnssec_ds_digest(1, owner, n, rd, rdlen, digest, &dlen),
	       XDPDNS_EUNSUPPORTED_DIGEST, "SHA-1 off: SHA-1 DS digest refused");
	dlen = sizeof(digest);
	is_int(dnssec_ds_digest(2, owner, n, rd, rdlen, digest, &dlen), 0,
	       "SHA-1 off: SHA-256 DS digest still computed");

	/* RFC 4509 3 with SHA-1 off: nothing SHA-1 or alg 5 is usable. */
	ds[0] = (struct dnssec_ds_info){ 60485, 5, 2 };
	ok(!dnssec_ds_usable(ds, 1, 0), "SHA-1 off: SHA-256 DS of an RSASHA1 key unusable");
	dnssec_policy_set_sha1(true);
	ok(dnssec_ds_usable(ds, 1, 0), "SHA-1 on again: usable");
	is_int(dnssec_key_verify(k5, rd, 10, sig, slen), XDPDNS_EBAD_SIGNATURE,
	       "SHA-1 on again: the same key verifies (and rejects garbage)");

	/* RFC 4509 3: SHA-1 DS ignored when a stronger usable DS is present. */
	ds[0] = (struct dnssec_ds_info){ 100, 8, 1 };
	ds[1] = (struct dnssec_ds_info){ 100, 8, 2 };
	ds[2] = (struct dnssec_ds_info){ 200, 13, 1 };
	ok(!dnssec_ds_usable(ds, 3, 0), "RFC 4509: SHA-1 DS beside SHA-256 DS ignored");
	ok(dnssec_ds_usable(ds, 3, 1), "RFC 4509: the SHA-256 DS is used");
	ok(!dnssec_ds_usable(ds, 3, 2), "RFC 4509: RRset-wide, other keys' SHA-1 DS ignored too");
	ok(dnssec_ds_usable(ds + 2, 1, 0), "SHA-1 DS alone is used");
	ds[1].digest_type = 4;
	ok(!dnssec_ds_usable(ds, 2, 0) && dnssec_ds_usable(ds, 2, 1),
	   "RFC 4509: SHA-384 counts as stronger too");
	ds[1] = (struct dnssec_ds_info){ 100, 12, 2 };	/* GOST key: unusable */
	ok(dnssec_ds_usable(ds, 2, 0) && !dnssec_ds_usable(ds, 2, 1),
	   "SHA-256 DS of an unsupported algorithm does not hide a usable SHA-1 DS");
	ds[1] = (struct dnssec_ds_info){ 100, 8, 3 };	/* GOST digest */
	ok(dnssec_ds_usable(ds, 2, 0) && !dnssec_ds_usable(ds, 2, 1),
	   "GOST DS unusable and does not hide SHA-1");
	ok(!dnssec_ds_usable(ds, 2, 2) && !dnssec_ds_usable(NULL, 0, 0),
	   "index out of range / NULL set");
out:
	dnssec_key_free(k5);
	dnssec_key_free(k7);
}

static void test_names(void)
{
	is_str(dnssec_algorithm_name(8), "RSASHA256", "name of 8");
	is_str(dnssec_algorithm_name(7), "RSASHA1-NSEC3-SHA1", "name of 7");
	is_str(dnssec_algorithm_name(15), "ED25519", "name of 15");
	is_str(dnssec_algorithm_name(99), "UNKNOWN", "name of 99");
	is_str(dnssec_digest_name(2), "SHA-256", "digest name of 2");
	is_str(dnssec_digest_name(9), "UNKNOWN", "digest name of 9");
	is_int(dnssec_algorithm_from_name("ecdsap256sha256"), 13, "parse mnemonic");
	is_int(dnssec_algorithm_from_name("16"), 16, "parse number");
	is_int(dnssec_algorithm_from_name("256"), -1, "reject 256");
	is_int(dnssec_algorithm_from_name("RSASHA3"), -1, "reject unknown name");
	is_int(dnssec_algorithm_from_name(""), -1, "reject empty");
	is_int(dnssec_digest_length(4), 48, "SHA-384 length");
	is_int(dnssec_digest_length(7), 0, "unknown digest length");
}

static void test_keytag(void)
{
	uint8_t rd[16] = { 0x01, 0x00, 3, 1, 0x03, 0x01, 0x00, 0x01, 0xde, 0xad,
			   0xbe, 0xef, 0x12, 0x34, 0x56, 0x78 };
	uint16_t tag;

	/* RFC 4034 B.1: algorithm 1 takes bits 8..23 of the modulus' end. */
	is_int(dnssec_keytag(rd, sizeof(rd), &tag), 0, "alg 1 key tag computed");
	is_int(tag, 0x3456, "alg 1: octets len-3 and len-2 of the RDATA");
	rd[3] = 8;	/* the same bytes under the general rule */
	dnssec_keytag(rd, sizeof(rd), &tag);
	is_int(tag, (0x0100 + 0x0308 + 0x0301 + 0x0001 + 0xdead + 0xbeef +
		     0x1234 + 0x5678 + ((0x0100 + 0x0308 + 0x0301 + 0x0001 +
					0xdead + 0xbeef + 0x1234 + 0x5678) >> 16)) &
			    0xffff,
	       "general rule: 16-bit sum with the carry folded");
	is_int(dnssec_keytag(rd, 3, &tag), XDPDNS_ETRUNCATED, "key tag of 3 octets");
	rd[3] = 1;
	is_int(dnssec_keytag(rd, 6, &tag), XDPDNS_ETRUNCATED, "alg 1 needs 3 key octets");
	is_int(dnssec_keytag(NULL, 6, &tag), -EINVAL, "NULL RDATA");
}

static void test_base32hex(void)
{
	uint8_t buf[40];
	char text[80];
	int n;

	/* RFC 4648 10 test vectors, base32hex, padding removed. */
	static const struct {
		const char *in, *out;
	} v[] = {
		{ "", "" },	      { "f", "co" },	       { "fo", "cpng" },
		{ "foo", "cpnmu" },   { "foob", "cpnmuog" },  { "fooba", "cpnmuoj1" },
		{ "foobar", "cpnmuoj1e8" },
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		n = dnssec_base32hex_encode((const uint8_t *)v[i].in, strlen(v[i].in),
					    text, sizeof(text));
		is_str(text, v[i].out, "base32hex(\"%s\")", v[i].in);
		n = dnssec_base32hex_decode(v[i].out, strlen(v[i].out), buf, sizeof(buf));
		ok(n == (int)strlen(v[i].in) && memcmp(buf, v[i].in, (size_t)n) == 0,
		   "base32hex decode \"%s\"", v[i].out);
	}
	n = dnssec_base32hex_decode("CPNMUOJ1E8", 10, buf, sizeof(buf));
	ok(n == 6 && memcmp(buf, "foobar", 6) == 0, "decode upper case");
	is_int(dnssec_base32hex_decode("cpnmw", 5, buf, sizeof(buf)), XDPDNS_ESYNTAX,
	       "reject w");
	is_int(dnssec_base32hex_decode("cpn", 3, buf, sizeof(buf)), XDPDNS_ESYNTAX,
	       "reject impossible length 3");
	is_int(dnssec_base32hex_decode("cp", 2, buf, sizeof(buf)), XDPDNS_ESYNTAX,
	       "reject non-zero trailing bits");
	is_int(dnssec_base32hex_decode("cpnmuoj1e8", 10, buf, 5), XDPDNS_ESPACE,
	       "decode into a short buffer");
	is_int(dnssec_base32hex_encode((const uint8_t *)"foo", 3, text, 5), XDPDNS_ESPACE,
	       "encode into a short buffer");
}

static void test_digest_errors(void)
{
	uint8_t owner[] = { 0 }, out[64], salt[4] = { 0 };
	size_t len = sizeof(out);

	is_int(dnssec_ds_digest(3, owner, 1, owner, 1, out, &len),
	       XDPDNS_EUNSUPPORTED_DIGEST, "GOST DS digest unsupported");
	len = 20;
	is_int(dnssec_ds_digest(2, owner, 1, owner, 1, out, &len), XDPDNS_ESPACE,
	       "SHA-256 DS into 20 octets");
	len = sizeof(out);
	is_int(dnssec_ds_digest(2, owner, 256, owner, 1, out, &len),
	       XDPDNS_ENAME_TOO_LONG, "owner over 255 octets");
	is_int(dnssec_ds_digest(2, NULL, 1, owner, 1, out, &len), -EINVAL, "NULL owner");
	is_int(dnssec_nsec3_hash(2, 0, NULL, 0, owner, 1, out),
	       XDPDNS_EUNSUPPORTED_DIGEST, "NSEC3 hash algorithm 2 unknown");
	is_int(dnssec_nsec3_hash(1, 0, NULL, 4, owner, 1, out), -EINVAL,
	       "NSEC3 NULL salt with length");
	is_int(dnssec_nsec3_hash(1, 0, salt, 256, owner, 1, out), -EINVAL,
	       "NSEC3 salt over 255");
	is_int(dnssec_nsec3_hash(1, 0, salt, 0, owner, 256, out), XDPDNS_ENAME_TOO_LONG,
	       "NSEC3 name over 255");
	is_int(dnssec_crypto_init(), 0, "explicit init");
}

/* Several threads share one key, as the validator's key cache does. */
struct thread_job {
	const struct dnssec_key *key;
	const uint8_t *data;
	size_t len;
	const uint8_t *sig;
	size_t siglen;
	int wrong;
};

static void *thread_run(void *arg)
{
	struct thread_job *job = arg;
	uint8_t bad[128];
	int i;

	memcpy(bad, job->sig, job->siglen);
	bad[3] ^= 0x40;
	for (i = 0; i < 300; i++) {
		if (dnssec_key_verify(job->key, job->data, job->len, job->sig,
				      job->siglen) != 0)
			job->wrong++;
		if (dnssec_key_verify(job->key, job->data, job->len, bad,
				      job->siglen) != XDPDNS_EBAD_SIGNATURE)
			job->wrong++;
	}
	return NULL;
}

static void test_threads(void)
{
	struct dnssec_key *ec = example_key(257, 13, ec_key_b64);
	struct thread_job jobs[6];
	pthread_t tid[6];
	uint8_t data[300], sig[100];
	size_t len;
	int i, siglen, wrong = 0;

	if (!ok(ec != NULL, "shared key builds"))
		return;
	len = tu_signed_data(data, &ec_rrsig, "www.example.net.", ec_a, 4);
	siglen = tu_base64(ec_sig_b64, sig, sizeof(sig));
	for (i = 0; i < 6; i++) {
		jobs[i] = (struct thread_job){ ec, data, len, sig, (size_t)siglen, 0 };
		pthread_create(&tid[i], NULL, thread_run, &jobs[i]);
	}
	for (i = 0; i < 6; i++) {
		pthread_join(tid[i], NULL);
		wrong += jobs[i].wrong;
	}
	is_int(wrong, 0, "6 threads (4 context slots) x 600 verifications on one shared key all right");
	dnssec_key_free(ec);
}

/* --- vectors from a file (crypto_vs_python.t) -------------------------- */

static int hex_field(char **save, uint8_t **buf, size_t *len)
{
	char *tok = strtok_r(NULL, " \t\n", save);
	size_t cap;
	int n;

	if (!tok)
		return -1;
	if (strcmp(tok, "-") == 0) {
		*buf = malloc(1);
		*len = 0;
		return *buf ? 0 : -1;
	}
	cap = strlen(tok) / 2 + 1;
	*buf = malloc(cap);
	if (!*buf)
		return -1;
	n = tu_hex(tok, *buf, cap);
	if (n < 0)
		return -1;
	*len = (size_t)n;
	return 0;
}

static int run_vector_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, *save, *kind, *label;
	size_t cap = 0, lines = 0;

	if (!f) {
		printf("Bail out! cannot open %s\n", path);
		return 1;
	}
	while (getline(&line, &cap, f) > 0) {
		uint8_t *a = NULL, *b = NULL, *c = NULL, *d = NULL;
		size_t al = 0, bl = 0, cl = 0, dl = 0;
		char *expect;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		lines++;
		kind = strtok_r(line, " \t\n", &save);
		if (strcmp(kind, "sig") == 0) {
			struct dnssec_key *key = NULL;
			int err, want;

			expect = strtok_r(NULL, " \t\n", &save);
			if (hex_field(&save, &a, &al) || hex_field(&save, &b, &bl) ||
			    hex_field(&save, &c, &cl) || !expect) {
				ok(0, "vector line %zu parses", lines);
				goto next;
			}
			label = strtok_r(NULL, "\n", &save);
			err = dnssec_key_new(a, al, &key);
			if (strcmp(expect, "badkey") == 0) {
				is_int(err, XDPDNS_EBAD_KEY, "%s", label);
				dnssec_key_free(key);
				goto next;
			}
			if (err) {
				is_int(err, 0, "%s (key: %s)", label, dnssec_crypto_last_error());
				goto next;
			}
			want = strcmp(expect, "valid") == 0 ? 0 : XDPDNS_EBAD_SIGNATURE;
			is_int(dnssec_key_verify(key, b, bl, c, cl), want, "%s", label);
			dnssec_key_free(key);
		} else if (strcmp(kind, "ds") == 0) {
			uint8_t out[64];
			size_t outlen = sizeof(out);
			char *type = strtok_r(NULL, " \t\n", &save);

			if (!type || hex_field(&save, &a, &al) || hex_field(&save, &b, &bl) ||
			    hex_field(&save, &c, &cl)) {
				ok(0, "vector line %zu parses", lines);
				goto next;
			}
			label = strtok_r(NULL, "\n", &save);
			ok(dnssec_ds_digest((uint8_t)atoi(type), a, al, b, bl, out, &outlen) == 0 &&
				   outlen == cl && memcmp(out, c, cl) == 0,
			   "%s", label);
		} else if (strcmp(kind, "nsec3") == 0) {
			uint8_t out[20];
			char *iter = strtok_r(NULL, " \t\n", &save);

			if (!iter || hex_field(&save, &a, &al) || hex_field(&save, &b, &bl) ||
			    hex_field(&save, &c, &cl)) {
				ok(0, "vector line %zu parses", lines);
				goto next;
			}
			label = strtok_r(NULL, "\n", &save);
			ok(dnssec_nsec3_hash(1, (uint16_t)atoi(iter), a, al, b, bl, out) == 0 &&
				   cl == 20 && memcmp(out, c, 20) == 0,
			   "%s", label);
		} else {
			ok(0, "vector line %zu: unknown kind %s", lines, kind);
		}
next:
		free(a);
		free(b);
		free(c);
		free(d);
		(void)dl;
	}
	free(line);
	fclose(f);
	return done_testing();
}

/*
 * Run with OPENSSL_CONF naming a configuration that activates only the
 * null provider (crypto_vs_python.t does): every operation must fail with
 * XDPDNS_ECRYPTO and OpenSSL's reason, never with a verdict.
 */
static int run_without_provider(void)
{
	uint8_t rd[100], out[64], name[] = { 0 };
	struct dnssec_key *key = NULL;
	size_t len = sizeof(out);
	int n;

	is_int(dnssec_crypto_init(), XDPDNS_ECRYPTO, "no provider: init fails");
	ok(strstr(dnssec_crypto_last_error(), "SHA1") &&
		   strstr(dnssec_crypto_last_error(), "unsupported"),
	   "no provider: reason names the digest and OpenSSL's cause: %s",
	   dnssec_crypto_last_error());
	n = tu_dnskey(rd, sizeof(rd), 257, 13, ec_key_b64);
	is_int(dnssec_key_new(rd, (size_t)n, &key), XDPDNS_ECRYPTO,
	       "no provider: key creation is a crypto failure");
	ok(key == NULL, "no provider: no key returned");
	is_int(dnssec_ds_digest(2, name, 1, rd, (size_t)n, out, &len), XDPDNS_ECRYPTO,
	       "no provider: DS digest is a crypto failure");
	is_int(dnssec_nsec3_hash(1, 1, NULL, 0, name, 1, out), XDPDNS_ECRYPTO,
	       "no provider: NSEC3 hash is a crypto failure");
	return done_testing();
}

int main(void)
{
	const char *vectors = getenv("DNSSEC_CRYPTO_VECTORS");
	const char *noprov = getenv("DNSSEC_CRYPTO_NO_PROVIDER");

	if (noprov && *noprov)
		return run_without_provider();
	if (vectors && *vectors)
		return run_vector_file(vectors);
	test_key_errors();
	test_signature_errors();
	test_policy();
	test_names();
	test_keytag();
	test_base32hex();
	test_digest_errors();
	test_threads();
	return done_testing();
}
