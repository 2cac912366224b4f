/* SPDX-License-Identifier: GPL-2.0 */
/* Domain names in wire form: decompression, comparison, text conversion. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A "name" in this API is always an UNCOMPRESSED wire-format name: a
 * sequence of length-prefixed labels ending with the zero-length root
 * label, at most DNS_NAME_MAXLEN octets, each label at most
 * DNS_LABEL_MAXLEN octets. Buffers meant to hold any name are
 * DNS_NAME_MAXLEN bytes. Functions taking such a name trust it to be
 * well formed (as produced by dns_name_unpack() or dns_name_from_text(),
 * or checked by dns_name_length()); they never read past its root label.
 */

#define DNS_NAME_MAXLEN 255	/* RFC 1035 2.3.4, including length octets */
#define DNS_LABEL_MAXLEN 63	/* RFC 1035 2.3.4 */
#define DNS_NAME_MAXLABELS 127	/* 255 octets hold at most 127 labels + root */
#define DNS_NAME_TEXT_MAXLEN 1024	/* 254 octets as \DDD plus dots and NUL */

/**
 * dns_name_unpack() - read a possibly compressed name out of a message.
 * @msg:      the whole message (compression pointers are offsets into it).
 * @msg_len:  its length.
 * @offset:   where the name starts.
 * @out:      receives the uncompressed name; DNS_NAME_MAXLEN bytes.
 * @consumed: if not NULL, receives how many octets the name occupies at
 *            @offset (up to and including the first pointer or the root).
 *
 * Every pointer must point strictly before the start of the label sequence
 * it continues (RFC 1035 4.1.4 only allows prior occurrences): a pointer
 * back into octets this name already visited (self pointer, pointer into
 * itself, cycles) gives XDPDNS_EPOINTER_LOOP; a pointer further forward or
 * past the message gives XDPDNS_EBAD_POINTER, so every walk ends.
 *
 * A length octet 0x40..0x7f (what a label of 64..127 octets would need;
 * the RFC 6891-deprecated extended label type) gives XDPDNS_ELABEL_TOO_LONG,
 * 0x80..0xbf (reserved) XDPDNS_EBAD_LABEL_TYPE.
 *
 * Return: length of the uncompressed name (1..255), or XDPDNS_ETRUNCATED,
 * XDPDNS_ELABEL_TOO_LONG, XDPDNS_ENAME_TOO_LONG, XDPDNS_EBAD_POINTER,
 * XDPDNS_EPOINTER_LOOP, XDPDNS_EBAD_LABEL_TYPE.
 */
int dns_name_unpack(const uint8_t *msg, size_t msg_len, size_t offset,
		    uint8_t *out, size_t *consumed);

/**
 * dns_name_unpack_flat() - read an uncompressed name (no pointers allowed).
 * @buf:      buffer holding the name.
 * @len:      octets available from @buf.
 * @out:      receives the name (DNS_NAME_MAXLEN bytes), or NULL to only check.
 *
 * Used for names that RFC 3597 / RFC 4034 forbid to compress (RRSIG
 * signer, NSEC next name) and for names inside RDATA already uncompressed.
 *
 * Return: the name's length, or XDPDNS_ETRUNCATED, XDPDNS_ENAME_TOO_LONG,
 * XDPDNS_ELABEL_TOO_LONG, XDPDNS_EBAD_LABEL_TYPE (a compression pointer
 * counts as a bad label type here).
 */
int dns_name_unpack_flat(const uint8_t *buf, size_t len, uint8_t *out);

/**
 * dns_name_length() - length of a well-formed uncompressed name.
 * @name: the name.
 *
 * Return: octets up to and including the root label.
 */
size_t dns_name_length(const uint8_t *name);

/**
 * dns_name_label_count() - number of labels, the root not counted.
 * @name: the name. "." has 0 labels, "example.com." has 2.
 *
 * Return: the count (the RRSIG Labels field compares against it minus a
 * leading "*" label, see dns_name_is_wildcard()).
 */
unsigned int dns_name_label_count(const uint8_t *name);

/**
 * dns_name_equal() - compare two names ignoring ASCII case (RFC 4343).
 * Return: true if equal.
 */
bool dns_name_equal(const uint8_t *a, const uint8_t *b);

/**
 * dns_name_compare() - canonical DNS name order (RFC 4034 6.1).
 * @a, @b: names.
 *
 * Labels are compared from the rightmost, each as a left-justified octet
 * string with uppercase ASCII mapped to lowercase; a name that runs out of
 * labels first sorts first.
 *
 * Return: <0, 0 or >0 as @a sorts before, equal to, or after @b.
 */
int dns_name_compare(const uint8_t *a, const uint8_t *b);

/**
 * dns_name_to_lower() - lowercase the ASCII letters of a name in place.
 * @name: the name.
 */
void dns_name_to_lower(uint8_t *name);

/**
 * dns_name_copy() - copy a name.
 * @dst: DNS_NAME_MAXLEN bytes (or at least dns_name_length(@src)).
 * @src: the name.
 * Return: its length.
 */
size_t dns_name_copy(uint8_t *dst, const uint8_t *src);

/**
 * dns_name_is_subdomain() - whether @name is @parent or below it.
 * Return: true if @name equals @parent or ends with all of its labels.
 */
bool dns_name_is_subdomain(const uint8_t *name, const uint8_t *parent);

/**
 * dns_name_strip() - the suffix left after removing leading labels.
 * @name:  the name.
 * @count: labels to remove; more than the name has yields the root.
 *
 * Return: a pointer inside @name (no copy: a suffix of an uncompressed
 * name is itself a name).
 */
const uint8_t *dns_name_strip(const uint8_t *name, unsigned int count);

/**
 * dns_name_suffix() - the last @labels labels of a name.
 * @name:   the name.
 * @labels: labels to keep (0 gives the root).
 *
 * Return: a pointer inside @name; @name itself if it has fewer labels.
 */
const uint8_t *dns_name_suffix(const uint8_t *name, unsigned int labels);

/**
 * dns_name_common_labels() - how many rightmost labels two names share.
 * Return: the count, compared case-insensitively.
 */
unsigned int dns_name_common_labels(const uint8_t *a, const uint8_t *b);

/**
 * dns_name_is_wildcard() - whether the first label is exactly "*".
 */
bool dns_name_is_wildcard(const uint8_t *name);

/**
 * dns_name_wildcard() - build "*." + @parent.
 * @dst:    DNS_NAME_MAXLEN bytes.
 * @parent: the name to prefix.
 * Return: the new length, or XDPDNS_ENAME_TOO_LONG.
 */
int dns_name_wildcard(uint8_t *dst, const uint8_t *parent);

/**
 * dns_name_concat() - join a relative label sequence and a name.
 * @dst:       DNS_NAME_MAXLEN bytes; may not overlap the inputs.
 * @prefix:    a name whose labels go first (its root label is dropped).
 * @suffix:    the name appended.
 * Return: the new length, or XDPDNS_ENAME_TOO_LONG.
 */
int dns_name_concat(uint8_t *dst, const uint8_t *prefix, const uint8_t *suffix);

/**
 * dns_name_from_text() - parse presentation format into a wire name.
 * @text: e.g. "www.example.com." or "www.example.com" (always taken as
 *        absolute), "." for the root; "\." is a literal dot inside a label
 *        and "\DDD" a decimal octet value (RFC 1035 5.1).
 * @out:  DNS_NAME_MAXLEN bytes.
 *
 * Return: the wire length, or XDPDNS_ESYNTAX (empty label, bad escape),
 * XDPDNS_ELABEL_TOO_LONG, XDPDNS_ENAME_TOO_LONG.
 */
int dns_name_from_text(const char *text, uint8_t *out);

/**
 * dns_name_to_text() - presentation format of a name, always with the
 * trailing dot.
 * @name: the name.
 * @out:  output buffer; DNS_NAME_TEXT_MAXLEN bytes always suffice.
 * @cap:  its size.
 *
 * Special characters . " ( ) ; \ @ $ are escaped with a backslash; octets
 * outside 0x21..0x7e become \DDD (the same choice as BIND and dnspython).
 *
 * Return: the string length (NUL written), or XDPDNS_ESPACE.
 */
int dns_name_to_text(const uint8_t *name, char *out, size_t cap);
