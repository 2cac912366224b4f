/* SPDX-License-Identifier: GPL-2.0 */
/* DNSSEC cryptographic primitives on raw bytes: keys, signatures, digests. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

/*
 * The only part of xdpdns that talks to the crypto library (OpenSSL 3,
 * EVP). Everything here works on wire-format bytes so that it does not
 * depend on the message parser: DNSKEY RDATA, the signed data already
 * canonicalised by the caller (RFC 4034 3.1.8.1: RRSIG RDATA without the
 * signature, then the canonical RRs), and the RRSIG signature field.
 *
 * Thread safety: every function may be called from any thread. A key
 * object is immutable after dnssec_key_new() and may be shared by threads
 * (the validator's key cache); each thread keeps its own digest contexts.
 *
 * Errors: 0 or a negative code of enum xdpdns_error. When a function fails
 * with XDPDNS_ECRYPTO (OpenSSL itself failed) or XDPDNS_EBAD_KEY, the
 * reason, including OpenSSL's own error text, is available from
 * dnssec_crypto_last_error() in the same thread and is passed to the log
 * callback if one is set.
 */

/* RSA modulus sizes accepted, in bits (RFC 3110 2: 512..4096 for
 * RSA/SHA-1; RFC 5702 2: 512..4096 for RSA/SHA-256, 1024..4096 for
 * RSA/SHA-512 at signing time; we accept 512..4096 for every RSA
 * algorithm when validating). */
#define DNSSEC_RSA_MIN_BITS 512
#define DNSSEC_RSA_MAX_BITS 4096
/* Largest RSA public exponent accepted, in bits. Real keys use 3 or
 * 65537; a huge exponent would make every verification as expensive as a
 * private-key operation (a KeyTrap-style CPU lever), and OpenSSL itself
 * refuses exponents over 64 bits with moduli over 3072 bits. */
#define DNSSEC_RSA_MAX_EXP_BITS 64

/* Largest signature any supported algorithm produces (RSA-4096). */
#define DNSSEC_SIG_MAXLEN 512
/* Largest DS digest (SHA-384) and the NSEC3 SHA-1 hash length. */
#define DNSSEC_DIGEST_MAXLEN 64
#define DNSSEC_NSEC3_HASH_LEN 20

struct dnssec_key;

/**
 * dnssec_key_new() - build a reusable public key from DNSKEY RDATA.
 * @dnskey_rdata: DNSKEY RDATA: flags (2), protocol (1), algorithm (1),
 *                public key (RFC 4034 2.1).
 * @len:          RDATA length.
 * @out:          receives the new key; the caller owns it and frees it
 *                with dnssec_key_free().
 *
 * The key is parsed once: RSA per RFC 3110 2 (exponent length in one
 * octet, or a zero octet then two; then exponent, then modulus), ECDSA as
 * x || y of 64 (P-256) or 96 (P-384) octets (RFC 6605 4), EdDSA as the 32
 * (Ed25519) or 57 (Ed448) octet public key (RFC 8080 3). The policy switch
 * is not consulted here (it is checked at each verification, so that a
 * reload takes effect on cached keys).
 *
 * Return: 0;
 *  XDPDNS_ETRUNCATED     RDATA shorter than 4 octets;
 *  XDPDNS_EUNSUPPORTED_ALG algorithm not implemented (1, 3, 6, 12, ...);
 *  XDPDNS_EBAD_KEY       protocol not 3 (RFC 4034 2.1.2), or key material
 *                        unusable: zero-length exponent or modulus,
 *                        exponent length past the end or longer than the
 *                        modulus, modulus outside DNSSEC_RSA_MIN_BITS..
 *                        DNSSEC_RSA_MAX_BITS, exponent even, 1, or over
 *                        DNSSEC_RSA_MAX_EXP_BITS; ECDSA/EdDSA key of the
 *                        wrong length; ECDSA point not on the curve;
 *  XDPDNS_ECRYPTO        OpenSSL failed (out of memory, provider missing);
 *  -EINVAL               NULL argument; -ENOMEM.
 */
int dnssec_key_new(const uint8_t *dnskey_rdata, size_t len,
		   struct dnssec_key **out);

/** dnssec_key_free() - release a key; NULL is accepted. */
void dnssec_key_free(struct dnssec_key *key);

/** dnssec_key_algorithm() - the DNSKEY algorithm field. */
uint8_t dnssec_key_algorithm(const struct dnssec_key *key);

/** dnssec_key_flags() - the DNSKEY flags field (host byte order). */
uint16_t dnssec_key_flags(const struct dnssec_key *key);

/** dnssec_key_protocol() - the DNSKEY protocol field (always 3). */
uint8_t dnssec_key_protocol(const struct dnssec_key *key);

/** dnssec_key_tag() - the key tag (RFC 4034 Appendix B) of the RDATA. */
uint16_t dnssec_key_tag(const struct dnssec_key *key);

/**
 * dnssec_key_bits() - key size: RSA modulus bits, 256/384 for ECDSA,
 * 256/456 for Ed25519/Ed448 (the curve sizes OpenSSL reports).
 */
unsigned int dnssec_key_bits(const struct dnssec_key *key);

/**
 * dnssec_key_rdata() - the DNSKEY RDATA the key was built from.
 * @key: the key.
 * @len: receives the RDATA length.
 *
 * Return: pointer into @key, valid until dnssec_key_free().
 */
const uint8_t *dnssec_key_rdata(const struct dnssec_key *key, size_t *len);

/**
 * dnssec_key_verify() - check one RRSIG signature.
 * @key:    the signer's key.
 * @data:   the signed data, already in canonical form (RFC 4034 3.1.8.1).
 * @len:    its length.
 * @sig:    the RRSIG Signature field.
 * @siglen: its length.
 *
 * RSA signatures must be exactly as long as the modulus (RFC 3110 3,
 * RFC 5702 3); ECDSA signatures are r || s of exactly 64 or 96 octets
 * (RFC 6605 4); Ed25519 64, Ed448 114 octets (RFC 8080 4). Any other
 * length is a bad signature.
 *
 * Return: 0 when the signature verifies;
 *  XDPDNS_EBAD_SIGNATURE   it does not (including a wrong length);
 *  XDPDNS_EUNSUPPORTED_ALG the policy currently disables the algorithm;
 *  XDPDNS_ECRYPTO          OpenSSL failed or refused the operation (for
 *                          example a system crypto policy forbidding SHA-1
 *                          signatures): no verdict on the signature, see
 *                          dnssec_crypto_last_error();
 *  -EINVAL                 NULL key, or NULL pointer with nonzero length.
 */
int dnssec_key_verify(const struct dnssec_key *key, const uint8_t *data,
		      size_t len, const uint8_t *sig, size_t siglen);

/**
 * dnssec_ds_digest() - compute a DS digest (RFC 4034 5.1.4).
 * @digest_type: DS digest type: 1 (SHA-1), 2 (SHA-256), 4 (SHA-384).
 * @owner_wire:  the DNSKEY owner name, uncompressed wire form, already in
 *               canonical (lower-case) form.
 * @owner_len:   its length (1..255).
 * @dnskey_rdata: the DNSKEY RDATA.
 * @rdlen:       its length.
 * @out:         receives the digest.
 * @out_len:     in: size of @out; out: the digest length (20, 32 or 48).
 *
 * digest = HASH(owner name | DNSKEY RDATA).
 *
 * Return: 0;
 *  XDPDNS_EUNSUPPORTED_DIGEST type not implemented or disabled by policy;
 *  XDPDNS_ESPACE  @out too small;  XDPDNS_ENAME_TOO_LONG @owner_len > 255;
 *  XDPDNS_ECRYPTO OpenSSL failed;  -EINVAL NULL pointer or empty owner.
 */
int dnssec_ds_digest(uint8_t digest_type, const uint8_t *owner_wire,
		     size_t owner_len, const uint8_t *dnskey_rdata,
		     size_t rdlen, uint8_t *out, size_t *out_len);

/**
 * dnssec_digest() - hash a sequence of buffers with a DS digest algorithm.
 * @digest_type: 1 (SHA-1), 2 (SHA-256) or 4 (SHA-384).
 * @iov:         the buffers, hashed in order.
 * @iovcnt:      number of buffers (0 hashes the empty string).
 * @out:         receives the digest.
 * @out_len:     in: size of @out; out: the digest length.
 *
 * Does not consult the policy (for tools that display digests).
 *
 * Return: 0; XDPDNS_EUNSUPPORTED_DIGEST; XDPDNS_ESPACE; XDPDNS_ECRYPTO;
 * -EINVAL.
 */
int dnssec_digest(uint8_t digest_type, const struct iovec *iov, int iovcnt,
		  uint8_t *out, size_t *out_len);

/**
 * dnssec_nsec3_hash() - NSEC3 hashed owner name (RFC 5155 5).
 * @hash_alg:   NSEC3 hash algorithm; only 1 (SHA-1) exists.
 * @iterations: additional iterations (RFC 5155 5: IH(salt, x, k)). Limits
 *              (RFC 9276) are the caller's business.
 * @salt:       the salt (may be NULL when @salt_len is 0).
 * @salt_len:   0..255.
 * @name_wire_lower: the name, uncompressed wire form. It should already
 *              be in canonical form; ASCII upper-case letters are folded
 *              again here anyway, so a missed lower-casing cannot produce
 *              a wrong hash.
 * @name_len:   its length (1..255).
 * @out:        receives the 20-octet hash.
 *
 * Return: 0; XDPDNS_EUNSUPPORTED_DIGEST hash algorithm not 1;
 * XDPDNS_ENAME_TOO_LONG; XDPDNS_ECRYPTO; -EINVAL.
 */
int dnssec_nsec3_hash(uint8_t hash_alg, uint16_t iterations,
		      const uint8_t *salt, size_t salt_len,
		      const uint8_t *name_wire_lower, size_t name_len,
		      uint8_t out[DNSSEC_NSEC3_HASH_LEN]);

/**
 * dnssec_crypto_init() - set the library up now rather than on first use.
 *
 * Optional: every function initialises lazily. Calling it at start-up
 * makes a missing algorithm (for example a provider without SHA-1) a
 * start-up error with a reason instead of a later XDPDNS_ECRYPTO.
 *
 * Return: 0 or XDPDNS_ECRYPTO (reason in dnssec_crypto_last_error()).
 */
int dnssec_crypto_init(void);

/**
 * dnssec_crypto_last_error() - why the last XDPDNS_ECRYPTO or
 * XDPDNS_EBAD_KEY of this thread happened.
 *
 * Return: a NUL-terminated string in thread-local storage, overwritten by
 * the next failure in this thread; "" if none has happened.
 */
const char *dnssec_crypto_last_error(void);

/**
 * dnssec_crypto_set_log() - receive every crypto failure reason.
 * @fn:  called with @arg and the reason (the same text as
 *       dnssec_crypto_last_error()) from the failing thread; NULL to stop.
 * @arg: passed back to @fn.
 *
 * Set once at start-up, before other threads use the library.
 */
void dnssec_crypto_set_log(void (*fn)(void *arg, const char *msg), void *arg);
