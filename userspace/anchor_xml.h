/* SPDX-License-Identifier: GPL-2.0 */
/* Trust anchors read from an RFC 7958 root-anchors.xml file. */
#pragma once

#include <stddef.h>
#include <time.h>

#include "dnssec/anchor.h"

/**
 * anchor_xml_load() - add the KeyDigest entries of an RFC 7958 file.
 * @path:   the XML file (<TrustAnchor> with <Zone> and <KeyDigest> children).
 * @set:    the anchor set receiving one DS anchor per digest valid at @now.
 * @now:    the time deciding validity (RFC 7958 section 2.3: validFrom at
 *          or before it, validUntil absent or after it).
 * @err:    receives a message naming the file (and the line when known).
 * @errlen: its size.
 *
 * The file is parsed without network access, without entity substitution
 * and without loading any DTD; a document with a DOCTYPE or an entity
 * reference is refused. Optional <PublicKey>/<Flags> elements are ignored:
 * the DS built from the digest is the anchor.
 *
 * Return: the number of anchors added (> 0), XDPDNS_ECONFIG (malformed XML,
 * a missing or invalid element, no digest valid at @now), -errno (file
 * unreadable) or -ENOMEM. On
 * error some anchors of the file may already be in @set.
 */
int anchor_xml_load(const char *path, struct val_anchors *set, time_t now,
		    char *err, size_t errlen);
