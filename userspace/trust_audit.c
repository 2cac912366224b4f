// SPDX-License-Identifier: GPL-2.0
/* The audit events of runtime trust changes: NTAs (RFC 7646) and anchors. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "dns/name.h"
#include "dnssec/anchor.h"
#include "dnssec/keytag.h"
#include "trust_audit.h"

/* One event, zone and detail filled; large, so one per thread. */
static struct audit_event *trust_audit_event(enum audit_kind kind, const uint8_t *name,
					     const char *detail)
{
	static __thread struct audit_event ev;
	char text[DNS_NAME_TEXT_MAXLEN];

	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	if (dns_name_to_text(name, text, sizeof(text)) < 0)
		text[0] = '\0';
	/* The log keeps AUDIT_ZONE_MAX - 1 characters of a name. */
	memcpy(ev.zone, text, strnlen(text, sizeof(ev.zone) - 1));
	if (detail)
		memcpy(ev.detail, detail, strnlen(detail, sizeof(ev.detail) - 1));
	return &ev;
}

int trust_audit_nta(struct audit *a, const uint8_t *name, int64_t before,
		    int64_t after, const char *detail)
{
	struct audit_event *ev;

	if (!a)
		return 0;
	ev = trust_audit_event(AUDIT_NTA_CHANGED, name, detail);
	ev->nta_before = before;
	ev->nta_after = after;
	return audit_event(a, ev);
}

/* One anchor record as the log shows it: a DS by tag, algorithm, digest
 * type and digest (RFC 4034 5.1), a DNSKEY by tag, algorithm and flags
 * (RFC 4034 2.1). Return: false when the RDATA is too short. */
static bool trust_audit_key(struct audit_key *k, int kind, const uint8_t *rd,
			    uint16_t len)
{
	memset(k, 0, sizeof(*k));
	if (kind == VAL_ANCHOR_DS) {
		if (len < 5)
			return false;
		k->tag = (uint16_t)(rd[0] << 8 | rd[1]);
		k->algorithm = rd[2];
		k->digest_type = rd[3];
		k->digest_len = len - 4 < AUDIT_DIGEST_MAX ? len - 4 : AUDIT_DIGEST_MAX;
		memcpy(k->digest, rd + 4, k->digest_len);
		return true;
	}
	if (len < 4 || dnssec_keytag(rd, len, &k->tag))
		return false;
	k->flags = (uint16_t)(rd[0] << 8 | rd[1]);
	k->algorithm = rd[3];
	return true;
}

/* The DS and DNSKEY anchors of @name in @set; none for a NULL set. */
static void trust_audit_keys(struct audit_keyset *out, const struct val_anchors *set,
			     const uint8_t *name)
{
	static const int kinds[] = { VAL_ANCHOR_DS, VAL_ANCHOR_DNSKEY };
	const uint8_t *rdata[AUDIT_MAX_KEYS + 1];
	uint16_t len[AUDIT_MAX_KEYS + 1];

	memset(out, 0, sizeof(*out));
	for (size_t j = 0; set && j < sizeof(kinds) / sizeof(kinds[0]); j++) {
		size_t n = val_anchors_records(set, name, kinds[j], rdata, len,
					       AUDIT_MAX_KEYS + 1);

		for (size_t i = 0; i < n; i++) {
			if (out->n == AUDIT_MAX_KEYS) {
				out->cut = true;
				return;
			}
			out->n += trust_audit_key(&out->key[out->n], kinds[j], rdata[i],
						  len[i]);
		}
	}
}

int trust_audit_anchor(struct audit *a, const uint8_t *name,
		       const struct val_anchors *before, const struct val_anchors *after,
		       const char *detail)
{
	struct audit_event *ev;

	if (!a)
		return 0;
	ev = trust_audit_event(AUDIT_ANCHOR_CHANGED, name, detail);
	trust_audit_keys(&ev->before_keys, before, name);
	trust_audit_keys(&ev->after_keys, after, name);
	return audit_event(a, ev);
}
