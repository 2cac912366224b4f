// SPDX-License-Identifier: GPL-2.0
/* DNSSEC keys, signature verification and digests over OpenSSL 3 EVP. */
/* Only the OpenSSL 3 API: deprecated low-level calls would not compile. */
#define OPENSSL_API_COMPAT 30000
#define OPENSSL_NO_DEPRECATED 1

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>	/* EVP_PKEY_CTX_set_rsa_padding, not the RSA_ API */

#include "dnssec/algorithm.h"
#include "dnssec/crypto.h"
#include "dnssec/keytag.h"
#include "util/error.h"

#define DNSKEY_FIXED_LEN 4	/* flags, protocol, algorithm */
#define DNSKEY_PROTOCOL 3	/* RFC 4034 2.1.2 */
#define ERROR_TEXT_LEN 512
#define KEY_CTX_SLOTS 4		/* threads verifying with one key at once */

/* How a key's signatures are checked. */
enum key_kind {
	KIND_RSA,
	KIND_ECDSA,
	KIND_EDDSA,
};

/* Digests fetched once from the default provider (implicit fetches on
 * every call cost a lock and a hash-table lookup in OpenSSL 3). */
enum md_index {
	MD_SHA1,
	MD_SHA256,
	MD_SHA384,
	MD_SHA512,
	MD_COUNT,
};

static const char *const md_names[MD_COUNT] = {
	[MD_SHA1] = "SHA1",
	[MD_SHA256] = "SHA256",
	[MD_SHA384] = "SHA384",
	[MD_SHA512] = "SHA512",
};

struct dnssec_key {
	uint16_t flags;
	uint8_t protocol;
	uint8_t algorithm;
	uint16_t tag;
	enum key_kind kind;
	unsigned int bits;
	size_t sig_len;		/* the one signature length accepted */
	size_t ecdsa_half;	/* ECDSA: octets of r and of s */
	EVP_PKEY *pkey;
	const EVP_MD *md;	/* RSA, ECDSA: the signature's hash */
	/*
	 * RSA, ECDSA: verification contexts prepared once and kept (the
	 * costly part of EVP_PKEY_verify_init() is the provider fetch). A
	 * thread claims a slot with its flag; only the claimer reads or fills
	 * slot_ctx[i], so the flag's acquire/release orders every access.
	 * Slot 0 is prepared by dnssec_key_new(), the others on first use; a
	 * thread finding every slot busy prepares a context for that call
	 * only. A NULL slot means preparing failed; each verification then
	 * retries and reports why.
	 */
	EVP_PKEY_CTX *slot_ctx[KEY_CTX_SLOTS];
	atomic_flag slot_busy[KEY_CTX_SLOTS];
	size_t rdata_len;
	uint8_t rdata[];
};

/* Per-thread state: reusable digest contexts and the last error text. */
struct crypto_thread {
	EVP_MD_CTX *md_ctx;	/* plain hashing */
	EVP_MD_CTX *ed_ctx;	/* EdDSA one-shot verification */
	char error[ERROR_TEXT_LEN];
};

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_status;
static EVP_MD *mds[MD_COUNT];
static char init_error[ERROR_TEXT_LEN];
static pthread_key_t thread_key;
static __thread struct crypto_thread *thread_state;
static void (*log_fn)(void *arg, const char *msg);
static void *log_arg;

static void thread_state_free(void *p)
{
	struct crypto_thread *t = p;

	if (!t)
		return;
	/* Runs in the exiting thread: a later destructor calling in again
	 * must get a fresh state, not this freed one. */
	if (thread_state == t)
		thread_state = NULL;
	EVP_MD_CTX_free(t->md_ctx);
	EVP_MD_CTX_free(t->ed_ctx);
	free(t);
}

static struct crypto_thread *thread_get(void)
{
	struct crypto_thread *t = thread_state;

	if (t)
		return t;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->md_ctx = EVP_MD_CTX_new();
	t->ed_ctx = EVP_MD_CTX_new();
	if (!t->md_ctx || !t->ed_ctx) {
		thread_state_free(t);
		return NULL;
	}
	/* The destructor frees it when a thread other than main exits. */
	pthread_setspecific(thread_key, t);
	thread_state = t;
	return t;
}

/*
 * Record why an operation failed, with OpenSSL's queued errors (oldest,
 * usually the root cause, first), and empty the queue so that the next
 * report does not inherit them.
 */
static void __attribute__((format(printf, 1, 2))) fail_reason(const char *fmt, ...)
{
	struct crypto_thread *t = thread_get();
	char local[ERROR_TEXT_LEN];
	char *buf = t ? t->error : local;
	unsigned long e;
	size_t used;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, ERROR_TEXT_LEN, fmt, ap);
	va_end(ap);
	while ((e = ERR_get_error()) != 0) {
		used = strlen(buf);
		if (used + 3 >= ERROR_TEXT_LEN)
			continue;
		snprintf(buf + used, ERROR_TEXT_LEN - used, ": ");
		ERR_error_string_n(e, buf + used + 2, ERROR_TEXT_LEN - used - 2);
	}
	if (log_fn)
		log_fn(log_arg, buf);
}

static void crypto_init_once(void)
{
	int i;

	if (pthread_key_create(&thread_key, thread_state_free) != 0) {
		snprintf(init_error, sizeof(init_error),
			 "pthread_key_create failed");
		init_status = XDPDNS_ECRYPTO;
		return;
	}
	for (i = 0; i < MD_COUNT; i++) {
		mds[i] = EVP_MD_fetch(NULL, md_names[i], NULL);
		if (!mds[i]) {
			unsigned long e = ERR_peek_last_error();
			char why[256] = "no error queued";

			if (e)
				ERR_error_string_n(e, why, sizeof(why));
			ERR_clear_error();
			snprintf(init_error, sizeof(init_error),
				 "OpenSSL has no %s digest: %s", md_names[i], why);
			init_status = XDPDNS_ECRYPTO;
			return;
		}
	}
}

/* Lazily set up; on failure leave the reason for dnssec_crypto_last_error. */
static int crypto_ready(void)
{
	pthread_once(&init_once, crypto_init_once);
	if (init_status)
		fail_reason("%s", init_error);
	return init_status;
}

int dnssec_crypto_init(void)
{
	return crypto_ready();
}

const char *dnssec_crypto_last_error(void)
{
	struct crypto_thread *t = thread_state;

	return t ? t->error : "";
}

void dnssec_crypto_set_log(void (*fn)(void *arg, const char *msg), void *arg)
{
	log_arg = arg;
	log_fn = fn;
}

/* --- digests ----------------------------------------------------------- */

static const EVP_MD *digest_md(uint8_t digest_type)
{
	switch (digest_type) {
	case DNSSEC_DIGEST_SHA1:
		return mds[MD_SHA1];
	case DNSSEC_DIGEST_SHA256:
		return mds[MD_SHA256];
	case DNSSEC_DIGEST_SHA384:
		return mds[MD_SHA384];
	default:
		return NULL;
	}
}

/* Hash @iov into @out with the thread's reusable context. */
static int hash_iov(const EVP_MD *md, const struct iovec *iov, int iovcnt,
		    uint8_t *out, unsigned int *out_len)
{
	struct crypto_thread *t = thread_get();
	int i;

	if (!t)
		return -ENOMEM;
	if (!EVP_DigestInit_ex2(t->md_ctx, md, NULL))
		goto fail;
	for (i = 0; i < iovcnt; i++)
		if (!EVP_DigestUpdate(t->md_ctx, iov[i].iov_base, iov[i].iov_len))
			goto fail;
	if (!EVP_DigestFinal_ex(t->md_ctx, out, out_len))
		goto fail;
	return 0;
fail:
	fail_reason("%s digest failed", EVP_MD_get0_name(md));
	return XDPDNS_ECRYPTO;
}

int dnssec_digest(uint8_t digest_type, const struct iovec *iov, int iovcnt,
		  uint8_t *out, size_t *out_len)
{
	const EVP_MD *md;
	unsigned int n;
	int i, err;

	if (!out || !out_len || iovcnt < 0 || (iovcnt > 0 && !iov))
		return -EINVAL;
	for (i = 0; i < iovcnt; i++)
		if (!iov[i].iov_base && iov[i].iov_len)
			return -EINVAL;
	err = crypto_ready();
	if (err)
		return err;
	md = digest_md(digest_type);
	if (!md)
		return XDPDNS_EUNSUPPORTED_DIGEST;
	if (*out_len < (size_t)EVP_MD_get_size(md))
		return XDPDNS_ESPACE;
	err = hash_iov(md, iov, iovcnt, out, &n);
	if (err)
		return err;
	*out_len = n;
	return 0;
}

int dnssec_ds_digest(uint8_t digest_type, const uint8_t *owner_wire,
		     size_t owner_len, const uint8_t *dnskey_rdata,
		     size_t rdlen, uint8_t *out, size_t *out_len)
{
	struct iovec iov[2];

	if (!owner_wire || !owner_len || !dnskey_rdata || !out || !out_len)
		return -EINVAL;
	if (owner_len > 255)
		return XDPDNS_ENAME_TOO_LONG;
	/* RFC 8624 3.3 and our policy: an unusable digest is "unsupported". */
	if (!dnssec_digest_supported(digest_type))
		return XDPDNS_EUNSUPPORTED_DIGEST;
	/* RFC 4034 5.1.4: digest = digest_algorithm(DNSKEY owner | DNSKEY RDATA) */
	iov[0].iov_base = (void *)owner_wire;
	iov[0].iov_len = owner_len;
	iov[1].iov_base = (void *)dnskey_rdata;
	iov[1].iov_len = rdlen;
	return dnssec_digest(digest_type, iov, 2, out, out_len);
}

int dnssec_nsec3_hash(uint8_t hash_alg, uint16_t iterations,
		      const uint8_t *salt, size_t salt_len,
		      const uint8_t *name_wire_lower, size_t name_len,
		      uint8_t out[DNSSEC_NSEC3_HASH_LEN])
{
	/* name || salt, then hash || salt: at most 255 + 255 octets. */
	uint8_t buf[255 + 255];
	struct crypto_thread *t;
	EVP_MD_CTX *ctx;
	unsigned int n;
	uint32_t k;
	size_t i;
	int err;

	if (!name_wire_lower || !name_len || !out || salt_len > 255 ||
	    (salt_len && !salt))
		return -EINVAL;
	if (name_len > 255)
		return XDPDNS_ENAME_TOO_LONG;
	/* RFC 5155 11 / IANA: hash algorithm 1 (SHA-1) is the only one. */
	if (hash_alg != 1)
		return XDPDNS_EUNSUPPORTED_DIGEST;
	err = crypto_ready();
	if (err)
		return err;
	t = thread_get();
	if (!t)
		return -ENOMEM;
	ctx = t->md_ctx;

	/* RFC 5155 5: the owner name in canonical form (RFC 4034 6.2); fold
	 * ASCII letters only. Length octets are at most 63, below 'A', so
	 * folding every octet is safe. */
	for (i = 0; i < name_len; i++) {
		uint8_t c = name_wire_lower[i];

		buf[i] = (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
	}
	if (salt_len)
		memcpy(buf + name_len, salt, salt_len);

	/*
	 * IH(salt, x, 0) = H(x || salt); IH(salt, x, k) = H(IH(k-1) || salt).
	 * One context and one contiguous input per round: the salt is placed
	 * once after the 20 hash octets and each digest lands in front of it.
	 * Re-initialising with the same fetched digest reuses its provider
	 * state instead of allocating.
	 */
	if (!EVP_DigestInit_ex2(ctx, mds[MD_SHA1], NULL) ||
	    !EVP_DigestUpdate(ctx, buf, name_len + salt_len) ||
	    !EVP_DigestFinal_ex(ctx, buf, &n))
		goto fail;
	if (salt_len)
		memcpy(buf + DNSSEC_NSEC3_HASH_LEN, salt, salt_len);
	for (k = 0; k < iterations; k++) {
		if (!EVP_DigestInit_ex2(ctx, NULL, NULL) ||
		    !EVP_DigestUpdate(ctx, buf, DNSSEC_NSEC3_HASH_LEN + salt_len) ||
		    !EVP_DigestFinal_ex(ctx, buf, &n))
			goto fail;
	}
	memcpy(out, buf, DNSSEC_NSEC3_HASH_LEN);
	return 0;
fail:
	fail_reason("NSEC3 SHA-1 hashing failed");
	return XDPDNS_ECRYPTO;
}

/* --- keys --------------------------------------------------------------- */

/* Build an EVP_PKEY of @type from @params; NULL on failure. */
static EVP_PKEY *pkey_from_params(const char *type, OSSL_PARAM *params)
{
	EVP_PKEY_CTX *ctx;
	EVP_PKEY *pkey = NULL;

	ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	if (!ctx)
		return NULL;
	if (EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0)
		pkey = NULL;
	EVP_PKEY_CTX_free(ctx);
	return pkey;
}

/* RFC 3110 2: exponent length (1 octet, or 0 then 2 octets), exponent,
 * modulus, all big-endian. */
static int rsa_key_parse(struct dnssec_key *key, const uint8_t *k, size_t klen)
{
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	BIGNUM *n = NULL, *e = NULL;
	size_t off, elen, mlen;
	int err = XDPDNS_EBAD_KEY;

	if (klen < 1) {
		fail_reason("RSA key empty");
		return XDPDNS_EBAD_KEY;
	}
	elen = k[0];
	off = 1;
	if (elen == 0) {
		if (klen < 3) {
			fail_reason("RSA key: truncated 3-octet exponent length");
			return XDPDNS_EBAD_KEY;
		}
		elen = (size_t)k[1] << 8 | k[2];
		off = 3;
	}
	if (elen == 0) {
		fail_reason("RSA key: zero-length exponent");
		return XDPDNS_EBAD_KEY;
	}
	if (elen >= klen - off) {
		fail_reason("RSA key: exponent length %zu leaves no modulus in %zu octets",
			    elen, klen);
		return XDPDNS_EBAD_KEY;
	}
	mlen = klen - off - elen;
	if (elen > mlen) {
		fail_reason("RSA key: exponent (%zu octets) longer than modulus (%zu)",
			    elen, mlen);
		return XDPDNS_EBAD_KEY;
	}

	e = BN_bin2bn(k + off, (int)elen, NULL);
	n = BN_bin2bn(k + off + elen, (int)mlen, NULL);
	if (!e || !n) {
		err = -ENOMEM;
		goto out;
	}
	key->bits = (unsigned int)BN_num_bits(n);
	if (key->bits < DNSSEC_RSA_MIN_BITS || key->bits > DNSSEC_RSA_MAX_BITS) {
		fail_reason("RSA key: %u-bit modulus outside %d..%d", key->bits,
			    DNSSEC_RSA_MIN_BITS, DNSSEC_RSA_MAX_BITS);
		goto out;
	}
	/* An even modulus or exponent, or e = 1, is no RSA key; e = 1 would
	 * make the "signature" the padded hash itself. */
	if (!BN_is_odd(n) || !BN_is_odd(e) || BN_is_one(e) ||
	    BN_num_bits(e) > DNSSEC_RSA_MAX_EXP_BITS) {
		fail_reason("RSA key: unusable exponent or modulus (exponent %d bits)",
			    BN_num_bits(e));
		goto out;
	}

	err = XDPDNS_ECRYPTO;
	bld = OSSL_PARAM_BLD_new();
	if (!bld || !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e))
		goto crypto_fail;
	params = OSSL_PARAM_BLD_to_param(bld);
	if (!params)
		goto crypto_fail;
	key->pkey = pkey_from_params("RSA", params);
	if (!key->pkey)
		goto crypto_fail;
	/* RFC 3110 3 / RFC 5702 3: the signature is as long as the modulus. */
	key->sig_len = (key->bits + 7) / 8;
	err = 0;
	goto out;
crypto_fail:
	fail_reason("building RSA public key failed");
out:
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(n);
	BN_free(e);
	return err;
}

/* RFC 6605 4: the key is x || y; OpenSSL wants the SEC1 point 04 || x || y. */
static int ecdsa_key_parse(struct dnssec_key *key, const uint8_t *k, size_t klen)
{
	const char *group = key->algorithm == DNSSEC_ALG_ECDSAP256SHA256 ?
				    "prime256v1" : "secp384r1";
	size_t half = key->algorithm == DNSSEC_ALG_ECDSAP256SHA256 ? 32 : 48;
	uint8_t point[1 + 2 * 48];
	OSSL_PARAM params[3];

	if (klen != 2 * half) {
		fail_reason("ECDSA key of %zu octets, want %zu", klen, 2 * half);
		return XDPDNS_EBAD_KEY;
	}
	point[0] = 0x04;
	memcpy(point + 1, k, klen);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
						     (char *)group, 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
						      point, klen + 1);
	params[2] = OSSL_PARAM_construct_end();
	key->pkey = pkey_from_params("EC", params);
	if (!key->pkey) {
		/* Import decodes the point and checks it lies on the curve;
		 * that is what fails for a well-sized but bogus key. */
		fail_reason("ECDSA key rejected (point not on %s?)", group);
		return XDPDNS_EBAD_KEY;
	}
	key->bits = (unsigned int)half * 8;
	key->ecdsa_half = half;
	key->sig_len = 2 * half;
	return 0;
}

/* RFC 8080 3: the raw public key of RFC 8032. */
static int eddsa_key_parse(struct dnssec_key *key, const uint8_t *k, size_t klen)
{
	bool ed25519 = key->algorithm == DNSSEC_ALG_ED25519;
	size_t want = ed25519 ? 32 : 57;

	if (klen != want) {
		fail_reason("%s key of %zu octets, want %zu",
			    ed25519 ? "Ed25519" : "Ed448", klen, want);
		return XDPDNS_EBAD_KEY;
	}
	key->pkey = EVP_PKEY_new_raw_public_key_ex(NULL, ed25519 ? "ED25519" : "ED448",
						   NULL, k, klen);
	if (!key->pkey) {
		fail_reason("building %s public key failed",
			    ed25519 ? "Ed25519" : "Ed448");
		return XDPDNS_ECRYPTO;
	}
	key->bits = ed25519 ? 256 : 456;
	key->sig_len = ed25519 ? 64 : 114;	/* RFC 8080 4 */
	return 0;
}

/* A context ready for EVP_PKEY_verify() with the key's hash; NULL (reason
 * recorded) if OpenSSL refuses, e.g. SHA-1 under a strict crypto policy. */
static EVP_PKEY_CTX *verify_ctx_new(const struct dnssec_key *key)
{
	EVP_PKEY_CTX *ctx;

	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key->pkey, NULL);
	if (!ctx)
		goto fail;
	if (EVP_PKEY_verify_init(ctx) <= 0)
		goto fail;
	if (key->kind == KIND_RSA &&
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) <= 0)
		goto fail;
	if (EVP_PKEY_CTX_set_signature_md(ctx, key->md) <= 0)
		goto fail;
	return ctx;
fail:
	fail_reason("OpenSSL refused a %s verification context with %s",
		    dnssec_algorithm_name(key->algorithm), EVP_MD_get0_name(key->md));
	EVP_PKEY_CTX_free(ctx);
	return NULL;
}

int dnssec_key_new(const uint8_t *dnskey_rdata, size_t len,
		   struct dnssec_key **out)
{
	struct dnssec_key *key;
	const uint8_t *k;
	size_t klen;
	int i;
	int err;

	if (!dnskey_rdata || !out)
		return -EINVAL;
	*out = NULL;
	if (len < DNSKEY_FIXED_LEN)
		return XDPDNS_ETRUNCATED;
	if (len > 65535)
		return XDPDNS_EBAD_RDATA;
	if (!dnssec_algorithm_implemented(dnskey_rdata[3]))
		return XDPDNS_EUNSUPPORTED_ALG;
	err = crypto_ready();
	if (err)
		return err;
	if (dnskey_rdata[2] != DNSKEY_PROTOCOL) {
		fail_reason("DNSKEY protocol %u, not 3", dnskey_rdata[2]);
		return XDPDNS_EBAD_KEY;
	}

	key = calloc(1, sizeof(*key) + len);
	if (!key)
		return -ENOMEM;
	for (i = 0; i < KEY_CTX_SLOTS; i++)
		atomic_flag_clear(&key->slot_busy[i]);
	memcpy(key->rdata, dnskey_rdata, len);
	key->rdata_len = len;
	key->flags = (uint16_t)(dnskey_rdata[0] << 8 | dnskey_rdata[1]);
	key->protocol = dnskey_rdata[2];
	key->algorithm = dnskey_rdata[3];
	err = dnssec_keytag(dnskey_rdata, len, &key->tag);
	if (err)
		goto fail;
	k = dnskey_rdata + DNSKEY_FIXED_LEN;
	klen = len - DNSKEY_FIXED_LEN;

	switch (key->algorithm) {
	case DNSSEC_ALG_RSASHA1:
	case DNSSEC_ALG_RSASHA1_NSEC3_SHA1:
		key->kind = KIND_RSA;
		key->md = mds[MD_SHA1];
		break;
	case DNSSEC_ALG_RSASHA256:
		key->kind = KIND_RSA;
		key->md = mds[MD_SHA256];
		break;
	case DNSSEC_ALG_RSASHA512:
		key->kind = KIND_RSA;
		key->md = mds[MD_SHA512];
		break;
	case DNSSEC_ALG_ECDSAP256SHA256:
		key->kind = KIND_ECDSA;
		key->md = mds[MD_SHA256];
		break;
	case DNSSEC_ALG_ECDSAP384SHA384:
		key->kind = KIND_ECDSA;
		key->md = mds[MD_SHA384];
		break;
	default:
		key->kind = KIND_EDDSA;	/* 15, 16: no separate hash */
		break;
	}

	if (key->kind == KIND_RSA)
		err = rsa_key_parse(key, k, klen);
	else if (key->kind == KIND_ECDSA)
		err = ecdsa_key_parse(key, k, klen);
	else
		err = eddsa_key_parse(key, k, klen);
	if (err)
		goto fail;

	/* Prepared now; if OpenSSL refuses, dnssec_key_verify() retries per
	 * call and reports the reason as XDPDNS_ECRYPTO. */
	if (key->kind != KIND_EDDSA) {
		key->slot_ctx[0] = verify_ctx_new(key);
		if (!key->slot_ctx[0])
			ERR_clear_error();
	}
	*out = key;
	return 0;
fail:
	dnssec_key_free(key);
	return err;
}

void dnssec_key_free(struct dnssec_key *key)
{
	int i;

	if (!key)
		return;
	for (i = 0; i < KEY_CTX_SLOTS; i++)
		EVP_PKEY_CTX_free(key->slot_ctx[i]);
	EVP_PKEY_free(key->pkey);
	free(key);
}

uint8_t dnssec_key_algorithm(const struct dnssec_key *key)
{
	return key->algorithm;
}

uint16_t dnssec_key_flags(const struct dnssec_key *key)
{
	return key->flags;
}

uint8_t dnssec_key_protocol(const struct dnssec_key *key)
{
	return key->protocol;
}

uint16_t dnssec_key_tag(const struct dnssec_key *key)
{
	return key->tag;
}

unsigned int dnssec_key_bits(const struct dnssec_key *key)
{
	return key->bits;
}

const uint8_t *dnssec_key_rdata(const struct dnssec_key *key, size_t *len)
{
	if (len)
		*len = key->rdata_len;
	return key->rdata;
}

/* --- verification ------------------------------------------------------- */

/*
 * DER-encode one unsigned big-endian integer of @len octets as an ASN.1
 * INTEGER, minimally (OpenSSL re-encodes and rejects non-canonical DER):
 * leading zero octets dropped, one 0x00 added when the top bit is set.
 */
static size_t der_integer(uint8_t *out, const uint8_t *v, size_t len)
{
	size_t skip = 0, body, o = 0;

	while (skip < len - 1 && v[skip] == 0)
		skip++;
	body = len - skip;
	out[o++] = 0x02;
	out[o++] = (uint8_t)(body + (v[skip] & 0x80 ? 1 : 0));
	if (v[skip] & 0x80)
		out[o++] = 0x00;
	memcpy(out + o, v + skip, body);
	return o + body;
}

/*
 * RFC 6605 4: the signature is r || s, each as long as the curve order.
 * OpenSSL wants SEQUENCE { INTEGER r, INTEGER s }. For P-384 the content is
 * at most 2 * (2 + 49) = 102 octets, under 128, so the short length form
 * always applies.
 */
static size_t ecdsa_sig_to_der(uint8_t *der, const uint8_t *sig, size_t half)
{
	size_t o = 2;

	o += der_integer(der + o, sig, half);
	o += der_integer(der + o, sig + half, half);
	der[0] = 0x30;
	der[1] = (uint8_t)(o - 2);
	return o;
}

static int eddsa_verify(const struct dnssec_key *key, struct crypto_thread *t,
			const uint8_t *data, size_t len, const uint8_t *sig,
			size_t siglen)
{
	int rc;

	/*
	 * EdDSA hashes internally and only verifies in one shot (RFC 8032).
	 * Reset first: an initialised context keeps its EVP_PKEY_CTX, and
	 * OpenSSL would reuse that (with the previous key) on re-init.
	 */
	EVP_MD_CTX_reset(t->ed_ctx);
	if (EVP_DigestVerifyInit_ex(t->ed_ctx, NULL, NULL, NULL, NULL, key->pkey,
				    NULL) <= 0) {
		fail_reason("OpenSSL refused a %s verification",
			    dnssec_algorithm_name(key->algorithm));
		return XDPDNS_ECRYPTO;
	}
	rc = EVP_DigestVerify(t->ed_ctx, sig, siglen, data, len);
	if (rc == 1)
		return 0;
	if (rc == 0) {
		ERR_clear_error();
		return XDPDNS_EBAD_SIGNATURE;
	}
	fail_reason("%s verification failed in OpenSSL",
		    dnssec_algorithm_name(key->algorithm));
	return XDPDNS_ECRYPTO;
}

int dnssec_key_verify(const struct dnssec_key *key, const uint8_t *data,
		      size_t len, const uint8_t *sig, size_t siglen)
{
	struct dnssec_key *mkey = (struct dnssec_key *)key;
	uint8_t der[2 + 2 * (3 + 48)];
	uint8_t digest[EVP_MAX_MD_SIZE];
	struct crypto_thread *t;
	const uint8_t *tbs_sig = sig;
	size_t tbs_siglen = siglen;
	EVP_PKEY_CTX *ctx;
	struct iovec iov;
	unsigned int dlen;
	int rc, err, i, slot;

	if (!key || (!data && len) || (!sig && siglen))
		return -EINVAL;
	if (!dnssec_algorithm_supported(key->algorithm))
		return XDPDNS_EUNSUPPORTED_ALG;
	/* Wrong lengths are bad signatures, never handed to OpenSSL. */
	if (siglen != key->sig_len)
		return XDPDNS_EBAD_SIGNATURE;
	t = thread_get();
	if (!t)
		return -ENOMEM;

	if (key->kind == KIND_EDDSA)
		return eddsa_verify(key, t, data, len, sig, siglen);

	iov.iov_base = (void *)data;
	iov.iov_len = len;
	err = hash_iov(key->md, &iov, 1, digest, &dlen);
	if (err)
		return err;
	if (key->kind == KIND_ECDSA) {
		tbs_siglen = ecdsa_sig_to_der(der, sig, key->ecdsa_half);
		tbs_sig = der;
	}

	slot = -1;
	for (i = 0; i < KEY_CTX_SLOTS; i++) {
		if (!atomic_flag_test_and_set_explicit(&mkey->slot_busy[i],
						       memory_order_acquire)) {
			slot = i;
			break;
		}
	}
	if (slot >= 0) {
		if (!mkey->slot_ctx[slot])
			mkey->slot_ctx[slot] = verify_ctx_new(key);
		ctx = mkey->slot_ctx[slot];
	} else {
		ctx = verify_ctx_new(key);
	}
	rc = ctx ? EVP_PKEY_verify(ctx, tbs_sig, tbs_siglen, digest, dlen) : -1;
	if (slot >= 0)
		atomic_flag_clear_explicit(&mkey->slot_busy[slot], memory_order_release);
	else
		EVP_PKEY_CTX_free(ctx);
	if (!ctx)
		return XDPDNS_ECRYPTO;	/* reason recorded by verify_ctx_new */

	if (rc == 1)
		return 0;
	if (rc == 0) {
		/* A signature that does not verify; drop OpenSSL's note of it. */
		ERR_clear_error();
		return XDPDNS_EBAD_SIGNATURE;
	}
	fail_reason("%s verification failed in OpenSSL (%d)",
		    dnssec_algorithm_name(key->algorithm), rc);
	return XDPDNS_ECRYPTO;
}
