/* SPDX-License-Identifier: GPL-2.0 */
/* The audit events of runtime trust changes: NTAs (RFC 7646) and anchors. */
#pragma once

#include <stdint.h>

struct audit;
struct val_anchors;

/**
 * trust_audit_nta() - queue an nta_changed event.
 * @a:      the log (NULL: nothing happens).
 * @name:   the NTA's name (wire form).
 * @before: its UNIX expiry before the change, 0 when there was none.
 * @after:  after the change, 0 when it is gone.
 * @detail: why ("added", "renewed", "removed", "expired"); may be NULL.
 * Return: 0, or the code of audit_event().
 */
int trust_audit_nta(struct audit *a, const uint8_t *name, int64_t before,
		    int64_t after, const char *detail);

/**
 * trust_audit_anchor() - queue an anchor_changed event.
 * @a:      the log (NULL: nothing happens).
 * @name:   the anchor's owner (wire form, lower case as in the sets).
 * @before: the anchors in force before the change (NULL: none); the DS
 *          and DNSKEY anchors of @name become the line's "before" keys
 *          (DS by key tag, algorithm, digest type and digest; DNSKEY by
 *          key tag, algorithm and flags).
 * @after:  the anchors in force after it (NULL: none): "after".
 * @detail: what happened ("DS added at run time"...); may be NULL.
 * Return: 0, or the code of audit_event().
 */
int trust_audit_anchor(struct audit *a, const uint8_t *name,
		       const struct val_anchors *before, const struct val_anchors *after,
		       const char *detail);
