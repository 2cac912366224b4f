/* SPDX-License-Identifier: GPL-2.0 */
/* EDNS(0) (RFC 6891): the OPT record, its options, EDE, COOKIE, ECS, padding. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DNS_EDNS_FLAG_DO 0x8000	/* DNSSEC OK (RFC 3225) */
#define DNS_EDNS_MIN_UDP 512	/* smaller advertised sizes count as 512 */
#define DNS_OPT_FIXED_LEN 11	/* root owner + type, class, TTL, rdlength */

enum dns_edns_option_code {
	DNS_EDNS_OPT_ECS = 8,		/* RFC 7871 client subnet */
	DNS_EDNS_OPT_COOKIE = 10,	/* RFC 7873 */
	DNS_EDNS_OPT_KEEPALIVE = 11,	/* RFC 7828 */
	DNS_EDNS_OPT_PADDING = 12,	/* RFC 7830 */
	DNS_EDNS_OPT_EDE = 15,		/* RFC 8914 extended DNS error */
};

/* Extended DNS Error info codes (RFC 8914 4). */
enum dns_ede_code {
	DNS_EDE_OTHER = 0,
	DNS_EDE_UNSUPPORTED_DNSKEY_ALG = 1,
	DNS_EDE_UNSUPPORTED_DS_DIGEST = 2,
	DNS_EDE_STALE_ANSWER = 3,
	DNS_EDE_FORGED_ANSWER = 4,
	DNS_EDE_DNSSEC_INDETERMINATE = 5,
	DNS_EDE_DNSSEC_BOGUS = 6,
	DNS_EDE_SIGNATURE_EXPIRED = 7,
	DNS_EDE_SIGNATURE_NOT_YET_VALID = 8,
	DNS_EDE_DNSKEY_MISSING = 9,
	DNS_EDE_RRSIGS_MISSING = 10,
	DNS_EDE_NO_ZONE_KEY_BIT = 11,
	DNS_EDE_NSEC_MISSING = 12,
	DNS_EDE_CACHED_ERROR = 13,
	DNS_EDE_NOT_READY = 14,
	DNS_EDE_BLOCKED = 15,
	DNS_EDE_CENSORED = 16,
	DNS_EDE_FILTERED = 17,
	DNS_EDE_PROHIBITED = 18,
	DNS_EDE_STALE_NXDOMAIN = 19,
	DNS_EDE_NOT_AUTHORITATIVE = 20,
	DNS_EDE_NOT_SUPPORTED = 21,
	DNS_EDE_NO_REACHABLE_AUTHORITY = 22,
	DNS_EDE_NETWORK_ERROR = 23,
	DNS_EDE_INVALID_DATA = 24,
	DNS_EDE_SIGNATURE_EXPIRED_BEFORE_VALID = 25,	/* IANA registry */
	DNS_EDE_TOO_EARLY = 26,
	DNS_EDE_UNSUPPORTED_NSEC3_ITERATIONS = 27,	/* RFC 9276 */
	DNS_EDE_UNABLE_TO_CONFORM_TO_POLICY = 28,
	DNS_EDE_SYNTHESIZED = 29,
};

/**
 * struct dns_edns - the decoded OPT record.
 * @udp_size:    requestor's UDP payload size (the OPT CLASS), as sent.
 * @ext_rcode:   upper 8 bits of the 12-bit rcode (the OPT TTL's top octet).
 * @version:     EDNS version.
 * @flags:       the 16 flag bits (DNS_EDNS_FLAG_DO is the top one).
 * @options:     the options (RDATA of the OPT), not copied.
 * @options_len: their length.
 */
struct dns_edns {
	uint16_t udp_size;
	uint8_t ext_rcode;
	uint8_t version;
	uint16_t flags;
	const uint8_t *options;
	uint16_t options_len;
};

/**
 * dns_edns_decode() - fill a struct dns_edns from an OPT's class, TTL and
 * RDATA, checking the option list.
 * @rclass:  the OPT CLASS field.
 * @ttl:     the OPT TTL field.
 * @rdata:   the OPT RDATA.
 * @rdlen:   its length.
 * @out:     the result.
 * Return: 0 or XDPDNS_EBAD_EDNS (an option runs past the RDATA).
 */
int dns_edns_decode(uint16_t rclass, uint32_t ttl, const uint8_t *rdata,
		    uint16_t rdlen, struct dns_edns *out);

/** dns_edns_do() - whether the DO bit is set. */
static inline bool dns_edns_do(const struct dns_edns *e)
{
	return (e->flags & DNS_EDNS_FLAG_DO) != 0;
}

/** dns_edns_ttl() - the OPT TTL field for an edns struct. */
static inline uint32_t dns_edns_ttl(const struct dns_edns *e)
{
	return (uint32_t)e->ext_rcode << 24 | (uint32_t)e->version << 16 |
	       e->flags;
}

/**
 * dns_edns_option_next() - iterate over an options list.
 * @opts:  the options octets.
 * @len:   their length.
 * @pos:   cursor, start at 0; advanced past the option returned.
 * @code:  receives the option code.
 * @data:  receives a pointer to its data.
 * @dlen:  receives its length.
 * Return: 1 when an option was returned, 0 at the end, XDPDNS_EBAD_EDNS if
 * an option header or data runs past @len.
 */
int dns_edns_option_next(const uint8_t *opts, size_t len, size_t *pos,
			 uint16_t *code, const uint8_t **data, uint16_t *dlen);

/**
 * dns_edns_option_find() - the first option with a given code.
 * @edns: decoded OPT (options already checked by dns_edns_decode()).
 * @code: the option code.
 * @data, @dlen: receive the data view.
 * Return: 1 if found, 0 if not.
 */
int dns_edns_option_find(const struct dns_edns *edns, uint16_t code,
			 const uint8_t **data, uint16_t *dlen);

/**
 * struct dns_ede - one Extended DNS Error (RFC 8914 2).
 * @info_code: the INFO-CODE.
 * @text:      EXTRA-TEXT, UTF-8, NOT NUL-terminated (view into the option).
 * @text_len:  its length (may be 0).
 */
struct dns_ede {
	uint16_t info_code;
	const char *text;
	uint16_t text_len;
};

/**
 * dns_ede_decode() - decode an EDE option's data.
 * @data, @dlen: option data.
 * @out: result (views into @data).
 * Return: 0, or XDPDNS_EBAD_EDNS if shorter than 2 octets or the text is
 * not valid UTF-8 (RFC 8914 2: EXTRA-TEXT is UTF-8).
 */
int dns_ede_decode(const uint8_t *data, uint16_t dlen, struct dns_ede *out);

/**
 * dns_ede_find() - the first EDE option of a decoded OPT.
 * Return: 1 and @out filled, 0 if none, or XDPDNS_EBAD_EDNS.
 */
int dns_ede_find(const struct dns_edns *edns, struct dns_ede *out);

/**
 * struct dns_edns_writer - builds an options list in a caller buffer.
 * @buf: the buffer.  @cap: its size.  @len: bytes written.
 */
struct dns_edns_writer {
	uint8_t *buf;
	size_t cap;
	size_t len;
};

/** dns_edns_writer_init() - start an empty list in @buf. */
void dns_edns_writer_init(struct dns_edns_writer *w, uint8_t *buf, size_t cap);

/**
 * dns_edns_add_option() - append one option.
 * Return: 0 or XDPDNS_ESPACE (nothing written).
 */
int dns_edns_add_option(struct dns_edns_writer *w, uint16_t code,
			const void *data, size_t dlen);

/**
 * dns_edns_add_ede() - append an Extended DNS Error.
 * @w:         the writer.
 * @info_code: INFO-CODE.
 * @text:      UTF-8 EXTRA-TEXT, NUL-terminated here, written without the NUL;
 *             NULL for none.
 * Return: 0, XDPDNS_ESPACE, or -EINVAL if @text is not valid UTF-8.
 */
int dns_edns_add_ede(struct dns_edns_writer *w, uint16_t info_code,
		     const char *text);

/**
 * dns_edns_add_cookie() - append a COOKIE option (RFC 7873 4).
 * @client:     8-octet client cookie.
 * @server:     server cookie, 8..32 octets, or NULL.
 * @server_len: its length (0 with NULL).
 * Return: 0, XDPDNS_ESPACE, or -EINVAL for a bad server cookie length.
 */
int dns_edns_add_cookie(struct dns_edns_writer *w, const uint8_t client[8],
			const uint8_t *server, size_t server_len);

/**
 * struct dns_cookie - a decoded COOKIE option.
 * @client: client cookie.  @server: server cookie view (NULL if absent).
 * @server_len: its length.
 */
struct dns_cookie {
	uint8_t client[8];
	const uint8_t *server;
	uint8_t server_len;
};

/**
 * dns_cookie_decode() - decode COOKIE option data.
 * Return: 0, or XDPDNS_EBAD_EDNS unless the length is 8 or 16..40.
 */
int dns_cookie_decode(const uint8_t *data, uint16_t dlen,
		      struct dns_cookie *out);

/**
 * dns_edns_add_padding() - append a PADDING option of @n zero octets.
 * Return: 0 or XDPDNS_ESPACE.
 */
int dns_edns_add_padding(struct dns_edns_writer *w, size_t n);

/**
 * dns_edns_padding_len() - padding data length that brings a message to
 * a multiple of @block (RFC 8467 block-length padding).
 * @msg_len: message length without the padding option (OPT included).
 * @block:   block size, e.g. 128 for queries, 468 for responses.
 * Return: the option data length (the 4-octet option header accounted).
 */
size_t dns_edns_padding_len(size_t msg_len, size_t block);

/**
 * struct dns_ecs - EDNS Client Subnet (RFC 7871 6).
 * @family:       1 IPv4, 2 IPv6.
 * @source_prefix, @scope_prefix: prefix lengths.
 * @addr:         address, only the first ceil(source_prefix/8) octets used.
 */
struct dns_ecs {
	uint16_t family;
	uint8_t source_prefix;
	uint8_t scope_prefix;
	uint8_t addr[16];
};

/**
 * dns_edns_add_ecs() - append an ECS option, address truncated to the
 * source prefix and the bits past it cleared (RFC 7871 6).
 * Return: 0, XDPDNS_ESPACE, or -EINVAL (family/prefix mismatch).
 */
int dns_edns_add_ecs(struct dns_edns_writer *w, const struct dns_ecs *ecs);

/**
 * dns_ecs_decode() - decode ECS option data.
 * Return: 0 or XDPDNS_EBAD_EDNS (unknown family, prefix too long, address
 * length not ceil(source/8), or non-zero bits past the prefix).
 */
int dns_ecs_decode(const uint8_t *data, uint16_t dlen, struct dns_ecs *out);
