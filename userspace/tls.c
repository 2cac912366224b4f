// SPDX-License-Identifier: GPL-2.0
/* TLS client for DNS over TLS (RFC 7858) on OpenSSL 3: certificate name
 * verification, SPKI pins, non-blocking sessions. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "tls.h"

struct tls_ctx {
	SSL_CTX *ctx;
};

struct tls_conn {
	SSL *ssl;
	char pin[64];
	uint32_t want;
	char error[256];
};

int tls_ctx_new(const char *ca_file, struct tls_ctx **out)
{
	struct tls_ctx *t = calloc(1, sizeof(*t));
	int ok;

	if (!t)
		return -ENOMEM;
	t->ctx = SSL_CTX_new(TLS_client_method());
	if (!t->ctx) {
		free(t);
		return -ENOMEM;
	}
	/* RFC 8310 / BCP 195: no TLS below 1.2. */
	SSL_CTX_set_min_proto_version(t->ctx, TLS1_2_VERSION);
	SSL_CTX_set_mode(t->ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
					 SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if (ca_file && ca_file[0])
		ok = SSL_CTX_load_verify_locations(t->ctx, ca_file, NULL);
	else
		ok = SSL_CTX_set_default_verify_paths(t->ctx);
	if (!ok) {
		ERR_clear_error();
		SSL_CTX_free(t->ctx);
		free(t);
		return -ENOENT;
	}
	*out = t;
	return 0;
}

void tls_ctx_free(struct tls_ctx *ctx)
{
	if (!ctx)
		return;
	SSL_CTX_free(ctx->ctx);
	free(ctx);
}

int tls_conn_new(struct tls_ctx *ctx, int fd, const char *name,
		 const char *pin, struct tls_conn **out)
{
	struct tls_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->ssl = SSL_new(ctx->ctx);
	if (!c->ssl || !SSL_set_fd(c->ssl, fd)) {
		SSL_free(c->ssl);
		free(c);
		return -ENOMEM;
	}
	if (name && name[0]) {
		/* Verify the chain and the name (RFC 6125 rules in OpenSSL). */
		SSL_set_verify(c->ssl, SSL_VERIFY_PEER, NULL);
		SSL_set_hostflags(c->ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
		if (!SSL_set1_host(c->ssl, name) ||
		    !SSL_set_tlsext_host_name(c->ssl, name)) {
			SSL_free(c->ssl);
			free(c);
			return -EINVAL;
		}
	} else {
		/* Pin only: the key is what is trusted, not a chain. */
		SSL_set_verify(c->ssl, SSL_VERIFY_NONE, NULL);
	}
	if (pin && pin[0])
		snprintf(c->pin, sizeof(c->pin), "%s", pin);
	SSL_set_connect_state(c->ssl);
	*out = c;
	return 0;
}

/* base64(SHA-256(DER SubjectPublicKeyInfo)) of @cert (RFC 7469 2.4). */
static int tls_cert_pin(X509 *cert, char out[64])
{
	unsigned char *der = NULL, digest[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	int len;

	len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der);
	if (len <= 0)
		return -EINVAL;
	if (!EVP_Digest(der, (size_t)len, digest, &dlen, EVP_sha256(), NULL)) {
		OPENSSL_free(der);
		return -EINVAL;
	}
	OPENSSL_free(der);
	EVP_EncodeBlock((unsigned char *)out, digest, (int)dlen);
	return 0;
}

static void tls_record_error(struct tls_conn *c, const char *what)
{
	unsigned long e = ERR_get_error();
	char buf[160] = "";

	if (e)
		ERR_error_string_n(e, buf, sizeof(buf));
	snprintf(c->error, sizeof(c->error), "%s%s%s", what, buf[0] ? ": " : "", buf);
	ERR_clear_error();
}

/* Map an SSL_get_error() result to our return convention. */
static int tls_status(struct tls_conn *c, int ret, const char *what)
{
	switch (SSL_get_error(c->ssl, ret)) {
	case SSL_ERROR_WANT_READ:
		c->want = EPOLLIN;
		return -EAGAIN;
	case SSL_ERROR_WANT_WRITE:
		c->want = EPOLLOUT;
		return -EAGAIN;
	case SSL_ERROR_ZERO_RETURN:
		return 0;
	default:
		tls_record_error(c, what);
		return -EPROTO;
	}
}

int tls_conn_handshake(struct tls_conn *c)
{
	X509 *cert;
	char got[64];
	int ret = SSL_do_handshake(c->ssl);

	if (ret != 1) {
		long vr = SSL_get_verify_result(c->ssl);

		ret = tls_status(c, ret, "handshake");
		if (ret == -EAGAIN)
			return ret;
		if (vr != X509_V_OK) {
			snprintf(c->error, sizeof(c->error), "certificate: %s",
				 X509_verify_cert_error_string(vr));
			return -EACCES;
		}
		return -EPROTO;
	}
	if (!c->pin[0])
		return 0;
	cert = SSL_get1_peer_certificate(c->ssl);
	if (!cert) {
		snprintf(c->error, sizeof(c->error), "no certificate to check the pin");
		return -EACCES;
	}
	ret = tls_cert_pin(cert, got);
	X509_free(cert);
	if (ret || strcmp(got, c->pin)) {
		snprintf(c->error, sizeof(c->error), "SPKI pin mismatch (server has %s)",
			 ret ? "?" : got);
		return -EACCES;
	}
	return 0;
}

long tls_conn_read(struct tls_conn *c, uint8_t *buf, size_t len)
{
	size_t got = 0;
	int ret = SSL_read_ex(c->ssl, buf, len, &got);

	if (ret == 1)
		return (long)got;
	return tls_status(c, ret, "read");
}

long tls_conn_write(struct tls_conn *c, const uint8_t *buf, size_t len)
{
	size_t done = 0;
	int ret = SSL_write_ex(c->ssl, buf, len, &done);

	if (ret == 1)
		return (long)done;
	ret = tls_status(c, ret, "write");
	return ret == 0 ? -EPROTO : ret;
}

uint32_t tls_conn_events(const struct tls_conn *c)
{
	return c->want ? c->want : EPOLLIN;
}

const char *tls_conn_error(const struct tls_conn *c)
{
	return c->error[0] ? c->error : "TLS failure";
}

void tls_conn_free(struct tls_conn *c)
{
	if (!c)
		return;
	SSL_free(c->ssl);
	free(c);
}

int tls_spki_pin(const char *pem_file, char out[64])
{
	FILE *f = fopen(pem_file, "r");
	X509 *cert;
	int ret;

	if (!f)
		return -ENOENT;
	cert = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (!cert)
		return -EINVAL;
	ret = tls_cert_pin(cert, out);
	X509_free(cert);
	return ret;
}
