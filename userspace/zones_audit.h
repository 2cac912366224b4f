/* SPDX-License-Identifier: GPL-2.0 */
/* The audit events of a zone inventory update: what changed between two
 * snapshots of one zone, as audit log lines. */
#pragma once

struct audit;
struct zone_info;

/**
 * zones_audit_diff() - queue the audit events that turn @before into
 * @after (same zone): dnskey_changed and ds_changed when a stored set
 * differs from the new one (a first sighting is no change),
 * zone_state_changed when the verdict differs (a first verdict is a
 * change from none), cds_appeared, cds_changed, and cds_mismatch when the
 * child's CDS starts to disagree with the parent's DS or changes while
 * it does (RFC 7344 4.1, RFC 8078 3).
 * @a:      the log (NULL: nothing happens).
 * @before: the zone as stored before the update, or NULL if it was new.
 * @after:  the zone after the update.
 * Return: the number of events queued.
 */
int zones_audit_diff(struct audit *a, const struct zone_info *before,
		     const struct zone_info *after);
