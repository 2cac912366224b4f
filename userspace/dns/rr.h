/* SPDX-License-Identifier: GPL-2.0 */
/* Resource record types: the type table, RDATA decompression and checks. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum dns_type {
	DNS_TYPE_A = 1,
	DNS_TYPE_NS = 2,
	DNS_TYPE_MD = 3,
	DNS_TYPE_MF = 4,
	DNS_TYPE_CNAME = 5,
	DNS_TYPE_SOA = 6,
	DNS_TYPE_MB = 7,
	DNS_TYPE_MG = 8,
	DNS_TYPE_MR = 9,
	DNS_TYPE_NULL = 10,
	DNS_TYPE_PTR = 12,
	DNS_TYPE_HINFO = 13,
	DNS_TYPE_MINFO = 14,
	DNS_TYPE_MX = 15,
	DNS_TYPE_TXT = 16,
	DNS_TYPE_RP = 17,
	DNS_TYPE_AFSDB = 18,
	DNS_TYPE_RT = 21,
	DNS_TYPE_SIG = 24,
	DNS_TYPE_PX = 26,
	DNS_TYPE_AAAA = 28,
	DNS_TYPE_NXT = 30,
	DNS_TYPE_SRV = 33,
	DNS_TYPE_NAPTR = 35,
	DNS_TYPE_KX = 36,
	DNS_TYPE_A6 = 38,
	DNS_TYPE_DNAME = 39,
	DNS_TYPE_OPT = 41,
	DNS_TYPE_DS = 43,
	DNS_TYPE_RRSIG = 46,
	DNS_TYPE_NSEC = 47,
	DNS_TYPE_DNSKEY = 48,
	DNS_TYPE_NSEC3 = 50,
	DNS_TYPE_NSEC3PARAM = 51,
	DNS_TYPE_CDS = 59,
	DNS_TYPE_CDNSKEY = 60,
	DNS_TYPE_TSIG = 250,
	DNS_TYPE_IXFR = 251,
	DNS_TYPE_AXFR = 252,
	DNS_TYPE_ANY = 255,
};

enum dns_class {
	DNS_CLASS_IN = 1,
	DNS_CLASS_CH = 3,
	DNS_CLASS_HS = 4,
	DNS_CLASS_NONE = 254,
	DNS_CLASS_ANY = 255,
};

/* Fixed part of an RR after its owner name: type, class, TTL, rdlength. */
#define DNS_RR_FIXED_LEN 10
/* Fixed part of an RRSIG's RDATA before the signer name (RFC 4034 3.1). */
#define DNS_RRSIG_FIXED_LEN 18
/* Maximum RDATA length on the wire. */
#define DNS_RDATA_MAXLEN 65535

/*
 * How a type's RDATA is laid out, one entry per field, ending with
 * DNS_RDF_END. Only the fields that matter for decompression, checking and
 * canonical form are distinguished; everything else is DNS_RDF_REST.
 */
enum dns_rdata_field {
	DNS_RDF_END = 0,
	DNS_RDF_NAME_C,		/* name, compressible (RFC 1035 well-known type) */
	DNS_RDF_NAME_D,		/* name, decompressed on input, never compressed */
	DNS_RDF_NAME_U,		/* name, must be uncompressed (RFC 4034 signer, next) */
	DNS_RDF_FIX1,		/* 1 octet */
	DNS_RDF_FIX2,		/* 2 octets */
	DNS_RDF_FIX4,		/* 4 octets */
	DNS_RDF_FIX16,		/* 16 octets */
	DNS_RDF_FIX18,		/* 18 octets (RRSIG fixed part) */
	DNS_RDF_STR,		/* one <character-string> (length octet + data) */
	DNS_RDF_STRS,		/* one or more character-strings to the end (TXT) */
	DNS_RDF_BSTR,		/* length octet + binary (NSEC3 salt) */
	DNS_RDF_HASH,		/* length octet (>= 1) + binary (NSEC3 next hash) */
	DNS_RDF_BITMAP,		/* NSEC type bitmap to the end (RFC 4034 4.1.2) */
	DNS_RDF_OPTIONS,	/* EDNS options to the end (RFC 6891 6.1.2) */
	DNS_RDF_REST,		/* any octets to the end, possibly none */
	DNS_RDF_REST1,		/* at least one octet to the end */
};

/* enum dns_type_flags: properties of a type (struct dns_type_info.flags). */
enum dns_type_flags {
	/* RDATA names are lowercased in canonical form (RFC 4034 6.2 as
	 * amended by RFC 6840 5.1, which drops RRSIG and NSEC). */
	DNS_TYPEF_CANON_LOWER = 1 << 0,
	/* Only meaningful in the question or as a meta type (ANY, AXFR...). */
	DNS_TYPEF_META = 1 << 1,
	/* The type is described by its field list; otherwise opaque. */
	DNS_TYPEF_KNOWN = 1 << 2,
	/* The field list holds at least one domain name. */
	DNS_TYPEF_NAMES = 1 << 3,
};

#define DNS_RDF_MAX 8

/**
 * struct dns_type_info - what the library knows about one RR type.
 * @type:   the number.
 * @name:   mnemonic, e.g. "AAAA".
 * @flags:  enum dns_type_flags.
 * @fields: RDATA layout, DNS_RDF_END terminated.
 */
struct dns_type_info {
	uint16_t type;
	uint8_t flags;
	const char *name;
	uint8_t fields[DNS_RDF_MAX];
};

/**
 * dns_type_info() - look up a type.
 * @type: type number.
 * Return: its entry, or NULL for a type the library treats as opaque
 * (RFC 3597: RDATA kept as is, no decompression, no name lowering).
 */
const struct dns_type_info *dns_type_info(uint16_t type);

/**
 * dns_type_name() - mnemonic of a type.
 * Return: a static string, or NULL when the type has no mnemonic here
 * (print it as "TYPEnnn", see dns_type_to_text()).
 */
const char *dns_type_name(uint16_t type);

/**
 * dns_type_to_text() - mnemonic or RFC 3597 "TYPEnnn" form.
 * @type: the type.
 * @out:  at least 12 bytes.
 * @cap:  size of @out.
 * Return: the string length, or XDPDNS_ESPACE.
 */
int dns_type_to_text(uint16_t type, char *out, size_t cap);

/**
 * dns_type_from_text() - parse a mnemonic (case-insensitive) or "TYPEnnn".
 * Return: the type number (0..65535) or XDPDNS_ESYNTAX.
 */
int dns_type_from_text(const char *text);

/**
 * dns_class_to_text() - "IN", "CH", "HS", "NONE", "ANY" or "CLASSnnn".
 * Return: the string length, or XDPDNS_ESPACE.
 */
int dns_class_to_text(uint16_t rclass, char *out, size_t cap);

/**
 * dns_class_from_text() - parse a class mnemonic or "CLASSnnn".
 * Return: the class number or XDPDNS_ESYNTAX.
 */
int dns_class_from_text(const char *text);

/**
 * dns_rdata_has_names() - whether a type's RDATA holds domain names.
 * Return: true if any field is a name (so a parsed copy may differ from
 * the wire octets).
 */
bool dns_rdata_has_names(uint16_t type);

/**
 * dns_rdata_unpack() - check one RR's RDATA and decompress it.
 * @type:      the RR type.
 * @msg:       the whole message (for compression pointers).
 * @msg_len:   its length.
 * @offset:    where the RDATA starts in @msg.
 * @rdlength:  the RR's RDLENGTH; @offset + @rdlength <= @msg_len is checked.
 * @out:       receives the uncompressed RDATA when the type has names
 *             (at most @rdlength + 254 per name field; DNS_RDATA_MAXLEN
 *             plus 3 * DNS_NAME_MAXLEN always suffices), else untouched.
 * @out_cap:   size of @out.
 *
 * Names of RFC 1035 types, of the types RFC 3597 4 asks a receiver to
 * decompress (RP, AFSDB, RT, SIG, PX, NXT, NAPTR, SRV) and of DNAME may
 * use pointers; RRSIG signer, NSEC next name and KX exchange must not
 * (RFC 4034 3.1.7, 4.1.1; RFC 3597 4). Types unknown to the table are
 * opaque.
 * Every field is checked against its type: A is exactly 4 octets, AAAA 16,
 * DNSKEY at least 4, RRSIG 18 + a name + a signature, NSEC bitmaps per RFC
 * 4034 4.1.2 (increasing windows, bitmap length 1..32), and the fields must
 * use up RDLENGTH exactly.
 *
 * Return: the uncompressed RDATA length (which equals @rdlength when the
 * type has no names and nothing was written), or XDPDNS_ETRUNCATED,
 * XDPDNS_EBAD_RDATA, XDPDNS_ESPACE, or a name error of dns_name_unpack().
 */
int dns_rdata_unpack(uint16_t type, const uint8_t *msg, size_t msg_len,
		     size_t offset, uint16_t rdlength, uint8_t *out,
		     size_t out_cap);

/**
 * dns_rdata_check() - validate uncompressed RDATA against its type.
 * @type:  the RR type.
 * @rdata: uncompressed RDATA (no pointers accepted anywhere).
 * @len:   its length.
 * Return: 0, or XDPDNS_EBAD_RDATA / a name error.
 */
int dns_rdata_check(uint16_t type, const uint8_t *rdata, size_t len);

/**
 * dns_rdata_name_offsets() - where the names are inside uncompressed RDATA.
 * @type:    the RR type.
 * @rdata:   uncompressed, checked RDATA.
 * @len:     its length.
 * @offsets: receives up to 4 offsets of name fields.
 * @kinds:   if not NULL, receives the matching enum dns_rdata_field values.
 * Return: number of names (0..4).
 */
int dns_rdata_name_offsets(uint16_t type, const uint8_t *rdata, size_t len,
			   uint16_t offsets[4], uint8_t kinds[4]);

/**
 * dns_nsec_bitmap_check() - validate a type bitmap (RFC 4034 4.1.2).
 * @bitmap: the bitmap field (windows of number, length, octets).
 * @len:    its length (0 is valid: an empty bitmap).
 * Return: 0, or XDPDNS_EBAD_RDATA for decreasing or repeated windows, a
 * bitmap length of 0 or over 32, or a truncated window.
 */
int dns_nsec_bitmap_check(const uint8_t *bitmap, size_t len);

/**
 * dns_nsec_bitmap_has_type() - whether a checked bitmap lists a type.
 */
bool dns_nsec_bitmap_has_type(const uint8_t *bitmap, size_t len,
			      uint16_t type);

/**
 * dns_nsec_bitmap_build() - encode a set of types as a bitmap.
 * @types: the types, any order, duplicates allowed.
 * @count: how many.
 * @out:   output; 8704 octets (256 windows of 34) always suffice.
 * @cap:   its size.
 * Return: the bitmap length, or XDPDNS_ESPACE.
 */
int dns_nsec_bitmap_build(const uint16_t *types, size_t count, uint8_t *out,
			  size_t cap);

/**
 * dns_nsec_bitmap_types() - list the types of a checked bitmap, ascending.
 * @bitmap, @len: the bitmap.
 * @types: output array.
 * @max:   its capacity.
 * Return: number of types present (may exceed @max; only @max written).
 */
size_t dns_nsec_bitmap_types(const uint8_t *bitmap, size_t len,
			     uint16_t *types, size_t max);
