// SPDX-License-Identifier: GPL-2.0
/* Resource record types: the type table, RDATA decompression and checks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns/name.h"
#include "dns/rr.h"
#include "util/error.h"

#define L (DNS_TYPEF_CANON_LOWER | DNS_TYPEF_NAMES)
#define N DNS_TYPEF_NAMES
#define K DNS_TYPEF_KNOWN
#define M DNS_TYPEF_META

/*
 * Name fields: RFC 1035 types compress (NAME_C); RFC 3597 4 asks receivers
 * to decompress RP, AFSDB, RT, SIG, PX, NXT, NAPTR and SRV (NAME_D, never
 * compressed on output); DNAME (RFC 6672 2.5) is sent uncompressed but old
 * senders compressed it, so it is decompressed too. DNSSEC names (RRSIG
 * signer, NSEC next) must not be compressed (RFC 4034 3.1.7, 4.1.1): NAME_U.
 * Entries without K only give a mnemonic: their RDATA stays opaque (A6,
 * TSIG, and the types whose fields need no decompression or lowering).
 */
/* Types 0..255 indexed by number (an O(1) lookup on the parse path). */
static const struct dns_type_info type_table[256] = {
	[DNS_TYPE_A] = { DNS_TYPE_A, K, "A", { DNS_RDF_FIX4 } },
	[DNS_TYPE_NS] = { DNS_TYPE_NS, K | L, "NS", { DNS_RDF_NAME_C } },
	[DNS_TYPE_MD] = { DNS_TYPE_MD, K | L, "MD", { DNS_RDF_NAME_C } },
	[DNS_TYPE_MF] = { DNS_TYPE_MF, K | L, "MF", { DNS_RDF_NAME_C } },
	[DNS_TYPE_CNAME] = { DNS_TYPE_CNAME, K | L, "CNAME", { DNS_RDF_NAME_C } },
	[DNS_TYPE_SOA] = { DNS_TYPE_SOA, K | L, "SOA",
	  { DNS_RDF_NAME_C, DNS_RDF_NAME_C, DNS_RDF_FIX4, DNS_RDF_FIX4,
	    DNS_RDF_FIX4, DNS_RDF_FIX4, DNS_RDF_FIX4 } },
	[DNS_TYPE_MB] = { DNS_TYPE_MB, K | L, "MB", { DNS_RDF_NAME_C } },
	[DNS_TYPE_MG] = { DNS_TYPE_MG, K | L, "MG", { DNS_RDF_NAME_C } },
	[DNS_TYPE_MR] = { DNS_TYPE_MR, K | L, "MR", { DNS_RDF_NAME_C } },
	[DNS_TYPE_NULL] = { DNS_TYPE_NULL, K, "NULL", { DNS_RDF_REST } },
	[DNS_TYPE_PTR] = { DNS_TYPE_PTR, K | L, "PTR", { DNS_RDF_NAME_C } },
	[DNS_TYPE_HINFO] = { DNS_TYPE_HINFO, K, "HINFO", { DNS_RDF_STR, DNS_RDF_STR } },
	[DNS_TYPE_MINFO] = { DNS_TYPE_MINFO, K | L, "MINFO", { DNS_RDF_NAME_C, DNS_RDF_NAME_C } },
	[DNS_TYPE_MX] = { DNS_TYPE_MX, K | L, "MX", { DNS_RDF_FIX2, DNS_RDF_NAME_C } },
	[DNS_TYPE_TXT] = { DNS_TYPE_TXT, K, "TXT", { DNS_RDF_STRS } },
	[DNS_TYPE_RP] = { DNS_TYPE_RP, K | L, "RP", { DNS_RDF_NAME_D, DNS_RDF_NAME_D } },
	[DNS_TYPE_AFSDB] = { DNS_TYPE_AFSDB, K | L, "AFSDB", { DNS_RDF_FIX2, DNS_RDF_NAME_D } },
	[DNS_TYPE_RT] = { DNS_TYPE_RT, K | L, "RT", { DNS_RDF_FIX2, DNS_RDF_NAME_D } },
	[DNS_TYPE_SIG] = { DNS_TYPE_SIG, K | L, "SIG",
	  { DNS_RDF_FIX18, DNS_RDF_NAME_D, DNS_RDF_REST } },
	[DNS_TYPE_PX] = { DNS_TYPE_PX, K | L, "PX",
	  { DNS_RDF_FIX2, DNS_RDF_NAME_D, DNS_RDF_NAME_D } },
	[DNS_TYPE_AAAA] = { DNS_TYPE_AAAA, K, "AAAA", { DNS_RDF_FIX16 } },
	[29] = { 29, 0, "LOC", { 0 } },
	[DNS_TYPE_NXT] = { DNS_TYPE_NXT, K | L, "NXT", { DNS_RDF_NAME_D, DNS_RDF_REST } },
	[DNS_TYPE_SRV] = { DNS_TYPE_SRV, K | L, "SRV",
	  { DNS_RDF_FIX2, DNS_RDF_FIX2, DNS_RDF_FIX2, DNS_RDF_NAME_D } },
	[DNS_TYPE_NAPTR] = { DNS_TYPE_NAPTR, K | L, "NAPTR",
	  { DNS_RDF_FIX2, DNS_RDF_FIX2, DNS_RDF_STR, DNS_RDF_STR, DNS_RDF_STR,
	    DNS_RDF_NAME_D } },
	/* KX is not in RFC 3597's decompression list: no pointers. */
	[DNS_TYPE_KX] = { DNS_TYPE_KX, K | L, "KX", { DNS_RDF_FIX2, DNS_RDF_NAME_U } },
	[37] = { 37, 0, "CERT", { 0 } },
	[DNS_TYPE_A6] = { DNS_TYPE_A6, 0, "A6", { 0 } },
	[DNS_TYPE_DNAME] = { DNS_TYPE_DNAME, K | L, "DNAME", { DNS_RDF_NAME_D } },
	[DNS_TYPE_OPT] = { DNS_TYPE_OPT, K, "OPT", { DNS_RDF_OPTIONS } },
	[42] = { 42, 0, "APL", { 0 } },
	[DNS_TYPE_DS] = { DNS_TYPE_DS, K, "DS", { DNS_RDF_FIX4, DNS_RDF_REST } },
	[44] = { 44, 0, "SSHFP", { 0 } },
	[45] = { 45, 0, "IPSECKEY", { 0 } },
	[DNS_TYPE_RRSIG] = { DNS_TYPE_RRSIG, K | N, "RRSIG",
	  { DNS_RDF_FIX18, DNS_RDF_NAME_U, DNS_RDF_REST } },
	[DNS_TYPE_NSEC] = { DNS_TYPE_NSEC, K | N, "NSEC", { DNS_RDF_NAME_U, DNS_RDF_BITMAP } },
	[DNS_TYPE_DNSKEY] = { DNS_TYPE_DNSKEY, K, "DNSKEY", { DNS_RDF_FIX4, DNS_RDF_REST } },
	[49] = { 49, 0, "DHCID", { 0 } },
	[DNS_TYPE_NSEC3] = { DNS_TYPE_NSEC3, K, "NSEC3",
	  { DNS_RDF_FIX1, DNS_RDF_FIX1, DNS_RDF_FIX2, DNS_RDF_BSTR,
	    DNS_RDF_HASH, DNS_RDF_BITMAP } },
	[DNS_TYPE_NSEC3PARAM] = { DNS_TYPE_NSEC3PARAM, K, "NSEC3PARAM",
	  { DNS_RDF_FIX1, DNS_RDF_FIX1, DNS_RDF_FIX2, DNS_RDF_BSTR } },
	[52] = { 52, 0, "TLSA", { 0 } },
	[53] = { 53, 0, "SMIMEA", { 0 } },
	[55] = { 55, 0, "HIP", { 0 } },
	[DNS_TYPE_CDS] = { DNS_TYPE_CDS, K, "CDS", { DNS_RDF_FIX4, DNS_RDF_REST } },
	[DNS_TYPE_CDNSKEY] = { DNS_TYPE_CDNSKEY, K, "CDNSKEY", { DNS_RDF_FIX4, DNS_RDF_REST } },
	[61] = { 61, 0, "OPENPGPKEY", { 0 } },
	[62] = { 62, 0, "CSYNC", { 0 } },
	[63] = { 63, 0, "ZONEMD", { 0 } },
	[64] = { 64, 0, "SVCB", { 0 } },
	[65] = { 65, 0, "HTTPS", { 0 } },
	[99] = { 99, K, "SPF", { DNS_RDF_STRS } },
	[108] = { 108, 0, "EUI48", { 0 } },
	[109] = { 109, 0, "EUI64", { 0 } },
	[249] = { 249, 0, "TKEY", { 0 } },
	[DNS_TYPE_TSIG] = { DNS_TYPE_TSIG, 0, "TSIG", { 0 } },
	[DNS_TYPE_IXFR] = { DNS_TYPE_IXFR, M, "IXFR", { 0 } },
	[DNS_TYPE_AXFR] = { DNS_TYPE_AXFR, M, "AXFR", { 0 } },
	[DNS_TYPE_ANY] = { DNS_TYPE_ANY, M, "ANY", { 0 } },
};

/* The few types above 255 that have a mnemonic here. */
static const struct dns_type_info high_types[] = {
	{ 256, 0, "URI", { 0 } },
	{ 257, 0, "CAA", { 0 } },
};

#undef L
#undef N
#undef K
#undef M

#define HIGH_TYPES_LEN (sizeof(high_types) / sizeof(high_types[0]))

static const struct dns_type_info *type_entry(uint16_t type)
{
	if (type < 256)
		return type_table[type].name ? &type_table[type] : NULL;
	for (size_t i = 0; i < HIGH_TYPES_LEN; i++)
		if (high_types[i].type == type)
			return &high_types[i];
	return NULL;
}

const struct dns_type_info *dns_type_info(uint16_t type)
{
	const struct dns_type_info *ti = type_entry(type);

	return ti && (ti->flags & DNS_TYPEF_KNOWN) ? ti : NULL;
}

const char *dns_type_name(uint16_t type)
{
	const struct dns_type_info *ti = type_entry(type);

	return ti ? ti->name : NULL;
}

int dns_type_to_text(uint16_t type, char *out, size_t cap)
{
	const char *name = dns_type_name(type);
	int n;

	n = name ? snprintf(out, cap, "%s", name) :
		   snprintf(out, cap, "TYPE%u", type);
	return n < 0 || (size_t)n >= cap ? XDPDNS_ESPACE : n;
}

/* Parse the decimal after a "TYPE"/"CLASS" prefix (RFC 3597 5). */
static int parse_generic(const char *digits)
{
	char *end;
	unsigned long v;

	if (*digits < '0' || *digits > '9')
		return XDPDNS_ESYNTAX;
	v = strtoul(digits, &end, 10);
	if (*end || v > 65535)
		return XDPDNS_ESYNTAX;
	return (int)v;
}

int dns_type_from_text(const char *text)
{
	for (size_t i = 0; i < 256; i++)
		if (type_table[i].name && strcasecmp(text, type_table[i].name) == 0)
			return (int)i;
	for (size_t i = 0; i < HIGH_TYPES_LEN; i++)
		if (strcasecmp(text, high_types[i].name) == 0)
			return high_types[i].type;
	if (strncasecmp(text, "TYPE", 4) == 0)
		return parse_generic(text + 4);
	return XDPDNS_ESYNTAX;
}

static const struct {
	uint16_t rclass;
	const char *name;
} class_table[] = {
	{ DNS_CLASS_IN, "IN" },	    { DNS_CLASS_CH, "CH" },
	{ DNS_CLASS_HS, "HS" },	    { DNS_CLASS_NONE, "NONE" },
	{ DNS_CLASS_ANY, "ANY" },
};

int dns_class_to_text(uint16_t rclass, char *out, size_t cap)
{
	int n = -1;

	for (size_t i = 0; i < sizeof(class_table) / sizeof(class_table[0]); i++)
		if (class_table[i].rclass == rclass)
			n = snprintf(out, cap, "%s", class_table[i].name);
	if (n < 0)
		n = snprintf(out, cap, "CLASS%u", rclass);
	return n < 0 || (size_t)n >= cap ? XDPDNS_ESPACE : n;
}

int dns_class_from_text(const char *text)
{
	for (size_t i = 0; i < sizeof(class_table) / sizeof(class_table[0]); i++)
		if (strcasecmp(text, class_table[i].name) == 0)
			return class_table[i].rclass;
	if (strncasecmp(text, "CLASS", 5) == 0)
		return parse_generic(text + 5);
	return XDPDNS_ESYNTAX;
}

bool dns_rdata_has_names(uint16_t type)
{
	const struct dns_type_info *ti = dns_type_info(type);

	return ti && (ti->flags & DNS_TYPEF_NAMES);
}

int dns_nsec_bitmap_check(const uint8_t *bitmap, size_t len)
{
	size_t pos = 0;
	int last_window = -1;

	while (pos < len) {
		uint8_t window, blen;

		if (len - pos < 2)
			return XDPDNS_EBAD_RDATA;
		window = bitmap[pos];
		blen = bitmap[pos + 1];
		/* RFC 4034 4.1.2: windows ascending, each 1..32 octets. */
		if ((int)window <= last_window || blen == 0 || blen > 32)
			return XDPDNS_EBAD_RDATA;
		if (len - pos - 2 < blen)
			return XDPDNS_EBAD_RDATA;
		last_window = window;
		pos += 2 + (size_t)blen;
	}
	return 0;
}

bool dns_nsec_bitmap_has_type(const uint8_t *bitmap, size_t len, uint16_t type)
{
	size_t pos = 0;
	uint8_t want = type >> 8, bit = type & 0xff;

	while (pos + 2 <= len) {
		uint8_t window = bitmap[pos], blen = bitmap[pos + 1];

		if (pos + 2 + blen > len)
			return false;
		if (window == want)
			return (size_t)(bit >> 3) < blen &&
			       (bitmap[pos + 2 + (bit >> 3)] & (0x80 >> (bit & 7)));
		pos += 2 + (size_t)blen;
	}
	return false;
}

int dns_nsec_bitmap_build(const uint16_t *types, size_t count, uint8_t *out,
			  size_t cap)
{
	size_t pos = 0;

	for (unsigned int window = 0; window < 256; window++) {
		uint8_t bits[32] = { 0 };
		int blen = 0;

		for (size_t i = 0; i < count; i++) {
			uint8_t lo = types[i] & 0xff;

			if ((types[i] >> 8) != window)
				continue;
			bits[lo >> 3] |= 0x80 >> (lo & 7);
			if ((lo >> 3) + 1 > blen)
				blen = (lo >> 3) + 1;
		}
		if (!blen)
			continue;
		if (pos + 2 + (size_t)blen > cap)
			return XDPDNS_ESPACE;
		out[pos] = (uint8_t)window;
		out[pos + 1] = (uint8_t)blen;
		memcpy(out + pos + 2, bits, (size_t)blen);
		pos += 2 + (size_t)blen;
	}
	return (int)pos;
}

size_t dns_nsec_bitmap_types(const uint8_t *bitmap, size_t len,
			     uint16_t *types, size_t max)
{
	size_t pos = 0, n = 0;

	while (pos + 2 <= len) {
		uint8_t window = bitmap[pos], blen = bitmap[pos + 1];

		if (pos + 2 + blen > len)
			break;
		for (unsigned int i = 0; i < (unsigned int)blen * 8; i++) {
			if (!(bitmap[pos + 2 + i / 8] & (0x80 >> (i % 8))))
				continue;
			if (n < max)
				types[n] = (uint16_t)(window << 8 | i);
			n++;
		}
		pos += 2 + (size_t)blen;
	}
	return n;
}

/* Check that an EDNS options list is well framed (RFC 6891 6.1.2). */
static int options_check(const uint8_t *p, size_t len)
{
	size_t pos = 0;

	while (pos < len) {
		if (len - pos < 4)
			return XDPDNS_EBAD_RDATA;
		if (len - pos - 4 < (size_t)(p[pos + 2] << 8 | p[pos + 3]))
			return XDPDNS_EBAD_RDATA;
		pos += 4 + (size_t)(p[pos + 2] << 8 | p[pos + 3]);
	}
	return 0;
}

/*
 * Walk the RDATA of a known type field by field.
 * With @msg set, the RDATA is at @msg + @start in a message of @msg_len and
 * NAME_C/NAME_D fields may be compressed; otherwise @rd holds uncompressed
 * RDATA. When @out is set the uncompressed form is written to it. Name
 * offsets (in the uncompressed form) go to @noff/@nkind when set.
 */
struct walk {
	const uint8_t *msg;
	size_t msg_len;
	const uint8_t *rd;	/* start of RDATA */
	size_t len;		/* RDATA length on input */
	uint8_t *out;
	size_t out_cap;
	size_t out_len;
	uint16_t *noff;
	uint8_t *nkind;
	int names;
};

static int emit(struct walk *w, const uint8_t *src, size_t n)
{
	if (!w->out) {
		w->out_len += n;
		return 0;
	}
	if (w->out_len + n > w->out_cap)
		return XDPDNS_ESPACE;
	memcpy(w->out + w->out_len, src, n);
	w->out_len += n;
	return 0;
}

static int walk_name(struct walk *w, uint8_t kind, size_t *pos)
{
	uint8_t name[DNS_NAME_MAXLEN];
	size_t consumed;
	int len;

	if (w->msg && kind != DNS_RDF_NAME_U) {
		size_t at = (size_t)(w->rd - w->msg) + *pos;

		len = dns_name_unpack(w->msg, w->msg_len, at, name, &consumed);
		if (len < 0)
			return len;
		/* The name's own octets must stay inside RDLENGTH. */
		if (consumed > w->len - *pos)
			return XDPDNS_EBAD_RDATA;
	} else {
		len = dns_name_unpack_flat(w->rd + *pos, w->len - *pos, name);
		if (len == XDPDNS_ETRUNCATED)
			return XDPDNS_EBAD_RDATA;
		if (len < 0)
			return len;
		consumed = (size_t)len;
	}
	if (w->noff && w->names < 4) {
		w->noff[w->names] = (uint16_t)w->out_len;
		if (w->nkind)
			w->nkind[w->names] = kind;
	}
	w->names++;
	*pos += consumed;
	return emit(w, name, (size_t)len);
}

static int walk_fields(const struct dns_type_info *ti, struct walk *w)
{
	size_t pos = 0;
	int err;

	for (int i = 0; i < DNS_RDF_MAX && ti->fields[i] != DNS_RDF_END; i++) {
		uint8_t f = ti->fields[i];
		size_t need = 0, left = w->len - pos;

		switch (f) {
		case DNS_RDF_NAME_C:
		case DNS_RDF_NAME_D:
		case DNS_RDF_NAME_U:
			err = walk_name(w, f, &pos);
			if (err)
				return err;
			continue;
		case DNS_RDF_FIX1:
			need = 1;
			break;
		case DNS_RDF_FIX2:
			need = 2;
			break;
		case DNS_RDF_FIX4:
			need = 4;
			break;
		case DNS_RDF_FIX16:
			need = 16;
			break;
		case DNS_RDF_FIX18:
			need = 18;
			break;
		case DNS_RDF_STR:
		case DNS_RDF_BSTR:
		case DNS_RDF_HASH:
			if (left < 1)
				return XDPDNS_EBAD_RDATA;
			/* RFC 5155 3.2: the next hashed owner is never empty. */
			if (f == DNS_RDF_HASH && w->rd[pos] == 0)
				return XDPDNS_EBAD_RDATA;
			need = 1 + (size_t)w->rd[pos];
			break;
		case DNS_RDF_STRS:
			/* TXT: one or more character-strings filling RDATA. */
			if (left < 1)
				return XDPDNS_EBAD_RDATA;
			for (size_t p = 0; p < left; p += 1 + w->rd[pos + p])
				if (1 + (size_t)w->rd[pos + p] > left - p)
					return XDPDNS_EBAD_RDATA;
			need = left;
			break;
		case DNS_RDF_BITMAP:
			err = dns_nsec_bitmap_check(w->rd + pos, left);
			if (err)
				return err;
			need = left;
			break;
		case DNS_RDF_OPTIONS:
			err = options_check(w->rd + pos, left);
			if (err)
				return err;
			need = left;
			break;
		case DNS_RDF_REST1:
			if (left < 1)
				return XDPDNS_EBAD_RDATA;
			need = left;
			break;
		default: /* DNS_RDF_REST */
			need = left;
			break;
		}
		if (need > left)
			return XDPDNS_EBAD_RDATA;
		err = emit(w, w->rd + pos, need);
		if (err)
			return err;
		pos += need;
	}
	/* The fields must use up RDLENGTH exactly. */
	return pos == w->len ? 0 : XDPDNS_EBAD_RDATA;
}

int dns_rdata_unpack(uint16_t type, const uint8_t *msg, size_t msg_len,
		     size_t offset, uint16_t rdlength, uint8_t *out,
		     size_t out_cap)
{
	const struct dns_type_info *ti = dns_type_info(type);
	struct walk w = { 0 };
	bool names;
	int err;

	if (offset > msg_len || msg_len - offset < rdlength)
		return XDPDNS_ETRUNCATED;
	if (!ti)
		return rdlength; /* RFC 3597: opaque */
	names = dns_rdata_has_names(type);
	w.msg = msg;
	w.msg_len = msg_len;
	w.rd = msg + offset;
	w.len = rdlength;
	w.out = names ? out : NULL;
	w.out_cap = out_cap;
	if (names && !out)
		return XDPDNS_ESPACE;
	err = walk_fields(ti, &w);
	if (err)
		return err;
	return names ? (int)w.out_len : rdlength;
}

int dns_rdata_check(uint16_t type, const uint8_t *rdata, size_t len)
{
	const struct dns_type_info *ti = dns_type_info(type);
	struct walk w = { 0 };

	if (!ti)
		return 0;
	w.rd = rdata;
	w.len = len;
	return walk_fields(ti, &w);
}

int dns_rdata_name_offsets(uint16_t type, const uint8_t *rdata, size_t len,
			   uint16_t offsets[4], uint8_t kinds[4])
{
	const struct dns_type_info *ti = dns_type_info(type);
	struct walk w = { 0 };

	if (!ti)
		return 0;
	w.rd = rdata;
	w.len = len;
	w.noff = offsets;
	w.nkind = kinds;
	if (walk_fields(ti, &w))
		return 0;
	return w.names > 4 ? 4 : w.names;
}
