// SPDX-License-Identifier: GPL-2.0
/* The strerror table behind enum xdpdns_error. */
#include <string.h>

#include "util/error.h"

static const char *const error_text[] = {
	[-(XDPDNS_EMALFORMED - XDPDNS_ERROR_BASE)] = "malformed message",
	[-(XDPDNS_ETRUNCATED - XDPDNS_ERROR_BASE)] = "message truncated",
	[-(XDPDNS_ELABEL_TOO_LONG - XDPDNS_ERROR_BASE)] = "label longer than 63 octets",
	[-(XDPDNS_ENAME_TOO_LONG - XDPDNS_ERROR_BASE)] = "name longer than 255 octets",
	[-(XDPDNS_EBAD_POINTER - XDPDNS_ERROR_BASE)] = "bad compression pointer",
	[-(XDPDNS_EPOINTER_LOOP - XDPDNS_ERROR_BASE)] = "compression pointer loop",
	[-(XDPDNS_EBAD_LABEL_TYPE - XDPDNS_ERROR_BASE)] = "reserved label type",
	[-(XDPDNS_EBAD_COUNT - XDPDNS_ERROR_BASE)] = "section count exceeds message",
	[-(XDPDNS_EBAD_RDATA - XDPDNS_ERROR_BASE)] = "malformed RDATA",
	[-(XDPDNS_ESPACE - XDPDNS_ERROR_BASE)] = "output buffer too small",
	[-(XDPDNS_EBAD_EDNS - XDPDNS_ERROR_BASE)] = "malformed or misplaced OPT record",
	[-(XDPDNS_ETRAILING - XDPDNS_ERROR_BASE)] = "trailing bytes after last record",
	[-(XDPDNS_ESYNTAX - XDPDNS_ERROR_BASE)] = "syntax error",
	[-(XDPDNS_EBAD_SIGNATURE - XDPDNS_ERROR_BASE)] = "signature does not verify",
	[-(XDPDNS_ENO_SIGNATURE - XDPDNS_ERROR_BASE)] = "no usable signature",
	[-(XDPDNS_ESIG_EXPIRED - XDPDNS_ERROR_BASE)] = "signature expired",
	[-(XDPDNS_ESIG_NOT_YET - XDPDNS_ERROR_BASE)] = "signature not yet valid",
	[-(XDPDNS_EUNSUPPORTED_ALG - XDPDNS_ERROR_BASE)] = "unsupported DNSKEY algorithm",
	[-(XDPDNS_EUNSUPPORTED_DIGEST - XDPDNS_ERROR_BASE)] = "unsupported DS digest type",
	[-(XDPDNS_ENO_KEY - XDPDNS_ERROR_BASE)] = "no matching key",
	[-(XDPDNS_ENO_ZONE_KEY - XDPDNS_ERROR_BASE)] = "DNSKEY without zone-key flag",
	[-(XDPDNS_EBAD_KEY - XDPDNS_ERROR_BASE)] = "unusable key material",
	[-(XDPDNS_EBAD_SIGNER - XDPDNS_ERROR_BASE)] = "signer name not an ancestor of owner",
	[-(XDPDNS_EBAD_LABELS - XDPDNS_ERROR_BASE)] = "RRSIG labels field inconsistent",
	[-(XDPDNS_ENO_PROOF - XDPDNS_ERROR_BASE)] = "denial of existence not proven",
	[-(XDPDNS_ELIMIT - XDPDNS_ERROR_BASE)] = "resource limit reached",
	[-(XDPDNS_ECRYPTO - XDPDNS_ERROR_BASE)] = "crypto library failure",
	[-(XDPDNS_ECONFIG - XDPDNS_ERROR_BASE)] = "invalid configuration",
	[-(XDPDNS_ELAYOUT - XDPDNS_ERROR_BASE)] = "shared layout version mismatch",
};

const char *xdpdns_strerror(int code)
{
	unsigned int idx;

	if (code == 0)
		return "success";
	if (code > XDPDNS_ERROR_BASE && code < 0)
		return strerror(-code);
	if (code > XDPDNS_ERROR_BASE || code <= XDPDNS_ERROR_LAST)
		return "unknown error";
	idx = (unsigned int)-(code - XDPDNS_ERROR_BASE);
	if (idx >= sizeof(error_text) / sizeof(error_text[0]) || !error_text[idx])
		return "unknown error";
	return error_text[idx];
}
