/* SPDX-License-Identifier: GPL-2.0 */
/* The one error space of xdpdns: 0, negative errno values, domain codes. */
#pragma once

/*
 * Functions return 0 on success or a negative code: either -errno (system
 * and libbpf failures, passed on unchanged) or one of the codes below, all
 * below XDPDNS_ERROR_BASE so they never collide with errno values.
 */
enum xdpdns_error {
	XDPDNS_EOK = 0,
	XDPDNS_ERROR_BASE = -1000,

	/* Wire format */
	XDPDNS_EMALFORMED = XDPDNS_ERROR_BASE,	/* generic malformed message */
	XDPDNS_ETRUNCATED = -1001,	/* data ends before the field it needs */
	XDPDNS_ELABEL_TOO_LONG = -1002,	/* label over 63 octets */
	XDPDNS_ENAME_TOO_LONG = -1003,	/* name over 255 octets */
	XDPDNS_EBAD_POINTER = -1004,	/* compression pointer forward or out of range */
	XDPDNS_EPOINTER_LOOP = -1005,	/* compression pointers loop */
	XDPDNS_EBAD_LABEL_TYPE = -1006,	/* reserved label type (0x40, 0x80) */
	XDPDNS_EBAD_COUNT = -1007,	/* section count larger than the message */
	XDPDNS_EBAD_RDATA = -1008,	/* RDATA does not match its type */
	XDPDNS_ESPACE = -1009,	/* output buffer too small */
	XDPDNS_EBAD_EDNS = -1010,	/* OPT record misplaced, repeated or malformed */
	XDPDNS_ETRAILING = -1011,	/* bytes after the last record */
	XDPDNS_ESYNTAX = -1012,	/* presentation format not understood */

	/* DNSSEC */
	XDPDNS_EBAD_SIGNATURE = -1100,	/* signature does not verify */
	XDPDNS_ENO_SIGNATURE = -1101,	/* RRset has no usable RRSIG */
	XDPDNS_ESIG_EXPIRED = -1102,	/* RRSIG expiration is in the past */
	XDPDNS_ESIG_NOT_YET = -1103,	/* RRSIG inception is in the future */
	XDPDNS_EUNSUPPORTED_ALG = -1104,	/* algorithm unknown or disabled by policy */
	XDPDNS_EUNSUPPORTED_DIGEST = -1105,	/* DS digest unknown or disabled by policy */
	XDPDNS_ENO_KEY = -1106,	/* no DNSKEY matches the RRSIG or DS */
	XDPDNS_ENO_ZONE_KEY = -1107,	/* DNSKEY lacks the zone-key flag */
	XDPDNS_EBAD_KEY = -1108,	/* key material unusable */
	XDPDNS_EBAD_SIGNER = -1109,	/* signer name not a suffix of the owner */
	XDPDNS_EBAD_LABELS = -1110,	/* RRSIG labels field inconsistent */
	XDPDNS_ENO_PROOF = -1111,	/* denial of existence not proven */
	XDPDNS_ELIMIT = -1112,	/* a resource cap was reached */
	XDPDNS_ECRYPTO = -1113,	/* the crypto library failed (not a bad signature) */

	/* Configuration and layout */
	XDPDNS_ECONFIG = -1200,	/* configuration invalid */
	XDPDNS_ELAYOUT = -1201,	/* shared struct layout version mismatch */

	XDPDNS_ERROR_LAST = -1202,
};

/**
 * xdpdns_strerror() - describe an error code.
 * @code: 0, a negative errno value or an enum xdpdns_error value.
 *
 * Return: a static string; never NULL.
 */
const char *xdpdns_strerror(int code);
