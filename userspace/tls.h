/* SPDX-License-Identifier: GPL-2.0 */
/* TLS client for DNS over TLS (RFC 7858): the daemon's only OpenSSL user
 * besides dnssec/crypto.c. Non-blocking, on a socket the caller owns. */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct tls_ctx;
struct tls_conn;

/**
 * tls_ctx_new() - a client context: TLS 1.2 or newer, peers verified
 * against @ca_file, or the system store when @ca_file is NULL or "".
 * Return: 0, -ENOENT (CA file unreadable) or -ENOMEM.
 */
int tls_ctx_new(const char *ca_file, struct tls_ctx **out);

/** tls_ctx_free() - free a context; NULL is fine. */
void tls_ctx_free(struct tls_ctx *ctx);

/**
 * tls_conn_new() - start a client session on connected socket @fd.
 * @ctx:  the context.
 * @fd:   a non-blocking connected TCP socket (stays the caller's).
 * @name: the name the certificate must carry (sent as SNI too), or NULL.
 * @pin:  base64 SHA-256 of the server's SubjectPublicKeyInfo (RFC 7858
 *        4.2 / RFC 7469), or NULL.
 *
 * With a name, the chain must verify and match it; with a pin, the key
 * must match it (and a pin alone does not require a verifiable chain, as
 * for a self-signed server); with both, both must hold.
 *
 * Return: 0 or -ENOMEM / -EINVAL.
 */
int tls_conn_new(struct tls_ctx *ctx, int fd, const char *name,
		 const char *pin, struct tls_conn **out);

/**
 * tls_conn_handshake() - advance the handshake.
 * Return: 0 when done (and the pin checked), -EAGAIN to wait for
 * tls_conn_events(), or -EPROTO / -EACCES (verification or pin failed).
 */
int tls_conn_handshake(struct tls_conn *c);

/**
 * tls_conn_read() - read decrypted bytes.
 * Return: bytes read (> 0), 0 when the peer closed, -EAGAIN, or -EPROTO.
 */
long tls_conn_read(struct tls_conn *c, uint8_t *buf, size_t len);

/**
 * tls_conn_write() - write bytes (possibly partly).
 * Return: bytes written (> 0), -EAGAIN, or -EPROTO.
 */
long tls_conn_write(struct tls_conn *c, const uint8_t *buf, size_t len);

/**
 * tls_conn_events() - the epoll events the last -EAGAIN waits for
 * (EPOLLIN and/or EPOLLOUT).
 */
uint32_t tls_conn_events(const struct tls_conn *c);

/**
 * tls_conn_error() - a description of the last failure (verification
 * result or OpenSSL's error queue), for logs. Return: a string in @c.
 */
const char *tls_conn_error(const struct tls_conn *c);

/** tls_conn_free() - free the session (not the socket); NULL is fine. */
void tls_conn_free(struct tls_conn *c);

/**
 * tls_spki_pin() - the pin of a PEM certificate file, for tests and docs.
 * @pem_file: the certificate.
 * @out:      receives base64 of the SHA-256 of its SPKI (45 bytes with NUL).
 * Return: 0, -ENOENT or -EINVAL.
 */
int tls_spki_pin(const char *pem_file, char out[64]);
