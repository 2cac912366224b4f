// SPDX-License-Identifier: GPL-2.0
/* The audit events of runtime trust changes: NTAs (RFC 7646) and anchors. */
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "dns/name.h"
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

int trust_audit_anchor(struct audit *a, const uint8_t *name, const char *detail)
{
	if (!a)
		return 0;
	return audit_event(a, trust_audit_event(AUDIT_ANCHOR_CHANGED, name, detail));
}
