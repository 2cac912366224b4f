// SPDX-License-Identifier: GPL-2.0
/* The audit events of a zone inventory update: what changed between two
 * snapshots of one zone, as audit log lines. */
#include <stdbool.h>
#include <string.h>

#include "audit.h"
#include "dns/name.h"
#include "zones.h"
#include "zones_audit.h"

static void keyset_from_keys(struct audit_keyset *s, const struct zone_key *k,
			     unsigned int n)
{
	memset(s, 0, sizeof(*s));
	for (unsigned int i = 0; i < n; i++) {
		if (s->n == AUDIT_MAX_KEYS) {
			s->cut = true;
			break;
		}
		s->key[s->n++] = (struct audit_key){ .tag = k[i].tag,
						     .algorithm = k[i].algorithm,
						     .flags = k[i].flags };
	}
}

static void keyset_from_ds(struct audit_keyset *s, const struct zone_ds *d,
			   unsigned int n)
{
	memset(s, 0, sizeof(*s));
	for (unsigned int i = 0; i < n; i++) {
		if (s->n == AUDIT_MAX_KEYS) {
			s->cut = true;
			break;
		}
		s->key[s->n] = (struct audit_key){ .tag = d[i].tag,
						   .algorithm = d[i].algorithm,
						   .digest_type = d[i].digest_type };
		/* Both ends hold at most 64 bytes (SHA-384 is 48). */
		s->key[s->n].digest_len = d[i].digest_len < AUDIT_DIGEST_MAX ?
					  d[i].digest_len : AUDIT_DIGEST_MAX;
		memcpy(s->key[s->n].digest, d[i].digest, s->key[s->n].digest_len);
		s->n++;
	}
}

static enum audit_state audit_state_of(enum zone_state s)
{
	switch (s) {
	case ZONE_SECURE:
		return AUDIT_STATE_SECURE;
	case ZONE_INSECURE:
		return AUDIT_STATE_INSECURE;
	case ZONE_BOGUS:
		return AUDIT_STATE_BOGUS;
	case ZONE_NTA:
		return AUDIT_STATE_NTA;
	default:
		return AUDIT_STATE_NONE;	/* keys seen, no verdict yet */
	}
}

int zones_audit_diff(struct audit *a, const struct zone_info *before,
		     const struct zone_info *after)
{
	static const struct zone_info none;	/* a zone not known before */
	/* Large (the key arrays): one per thread rather than on the stack. */
	static __thread struct audit_event ev;
	const struct zone_info *b = before ? before : &none;
	char zone[DNS_NAME_TEXT_MAXLEN];
	int n = 0;

	if (!a)
		return 0;
	memset(&ev, 0, sizeof(ev));
	dns_name_to_text(after->name, zone, sizeof(zone));
	memcpy(ev.zone, zone, strnlen(zone, sizeof(ev.zone) - 1));

	if (b->nkeys && after->nkeys &&
	    !zones_keys_equal(b->keys, b->nkeys, after->keys, after->nkeys)) {
		ev.kind = AUDIT_DNSKEY_CHANGED;
		keyset_from_keys(&ev.before_keys, b->keys, b->nkeys);
		keyset_from_keys(&ev.after_keys, after->keys, after->nkeys);
		n += !audit_event(a, &ev);
	}
	if (b->has_ds && after->has_ds && !zones_ds_set_equal(b->ds, b->nds, after->ds, after->nds)) {
		ev.kind = AUDIT_DS_CHANGED;
		keyset_from_ds(&ev.before_keys, b->ds, b->nds);
		keyset_from_ds(&ev.after_keys, after->ds, after->nds);
		n += !audit_event(a, &ev);
	}
	if (after->state != ZONE_UNKNOWN && after->state != b->state) {
		memset(&ev.before_keys, 0, sizeof(ev.before_keys));
		memset(&ev.after_keys, 0, sizeof(ev.after_keys));
		ev.kind = AUDIT_ZONE_STATE_CHANGED;
		ev.before_state = audit_state_of(b->state);
		ev.after_state = audit_state_of(after->state);
		n += !audit_event(a, &ev);
	}
	if (after->has_cds) {
		bool changed = b->has_cds &&
			       !zones_ds_set_equal(b->cds, b->ncds, after->cds, after->ncds);

		keyset_from_ds(&ev.before_keys, b->cds, b->ncds);
		keyset_from_ds(&ev.after_keys, after->cds, after->ncds);
		if (!b->has_cds || changed) {
			ev.kind = b->has_cds ? AUDIT_CDS_CHANGED : AUDIT_CDS_APPEARED;
			n += !audit_event(a, &ev);
		}
		/* RFC 7344 4.1: the parent has not followed the child (yet). */
		if (after->cds_match == ZONE_CDS_DIFFER &&
		    (b->cds_match != ZONE_CDS_DIFFER || changed ||
		     !zones_ds_set_equal(b->ds, b->nds, after->ds, after->nds))) {
			ev.kind = AUDIT_CDS_MISMATCH;
			keyset_from_ds(&ev.before_keys, after->ds, after->nds);
			n += !audit_event(a, &ev);
		}
	}
	return n;
}
