/* SPDX-License-Identifier: GPL-2.0 */
/* Trust anchors (DS or DNSKEY form, several zones) and negative anchors. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/name.h"

/*
 * The anchor set answers one question: which anchor point decides how a
 * name is validated. It is the closest (deepest) anchor or negative trust
 * anchor (RFC 7646) at or above the name; at the same name an NTA wins
 * (the operator's override). A denial proven under one anchor never
 * answers for names at or below a closer anchor (DESIGN.md "Private
 * anchors"): the chain code only ever starts at the closest one.
 */

enum val_anchor_kind {
	VAL_ANCHOR_DS = 43,
	VAL_ANCHOR_DNSKEY = 48,
	VAL_ANCHOR_NTA = 0,
};

/**
 * struct val_anchor - one configured anchor record.
 * @name:  the zone (lower case wire form).
 * @kind:  enum val_anchor_kind.
 * @rdata: DS or DNSKEY RDATA (owned), NULL for an NTA.
 * @len:   its length.
 */
struct val_anchor {
	uint8_t name[DNS_NAME_MAXLEN];
	int kind;
	uint8_t *rdata;
	uint16_t len;
};

/** struct val_anchors - the configured set (opaque use; fields for tests). */
struct val_anchors {
	struct val_anchor *a;
	size_t count;
	size_t cap;
};

/** val_anchors_new() - empty set. Return: the set, NULL on no memory. */
struct val_anchors *val_anchors_new(void);

/** val_anchors_free() - free the set and its records; NULL ok. */
void val_anchors_free(struct val_anchors *set);

/**
 * val_anchors_add() - add a DS or DNSKEY anchor, or an NTA.
 * @set:   the set.
 * @name:  the zone (wire form, any case; copied lowercased).
 * @kind:  enum val_anchor_kind.
 * @rdata: DS or DNSKEY RDATA (copied); NULL for an NTA.
 * @len:   its length.
 * Return: 0, -EINVAL (bad kind, RDATA too short), -ENOMEM.
 */
int val_anchors_add(struct val_anchors *set, const uint8_t *name, int kind,
		    const uint8_t *rdata, size_t len);

/**
 * val_anchors_add_text() - add one anchor written in zone file form.
 * @set:  the set.
 * @line: "NAME [TTL] [IN] DS TAG ALG DIGESTTYPE HEX",
 *        "NAME [TTL] [IN] DNSKEY FLAGS PROTO ALG BASE64" (base64 may be
 *        split by spaces), or "NAME NTA" for a negative trust anchor.
 * Return: 0, XDPDNS_ESYNTAX, -ENOMEM, or a name error.
 */
int val_anchors_add_text(struct val_anchors *set, const char *line);

/**
 * val_anchors_closest() - the anchor point deciding @name.
 * @set:  the set.
 * @name: the name.
 * @nta:  receives true when that point is a negative trust anchor.
 * Return: the anchor's zone name (inside @set), or NULL if no anchor or
 * NTA is at or above @name (the name is then Indeterminate).
 */
const uint8_t *val_anchors_closest(const struct val_anchors *set,
				   const uint8_t *name, bool *nta);

/**
 * val_anchors_records() - the DS or DNSKEY anchor records of one zone.
 * @set:   the set.
 * @zone:  the zone.
 * @kind:  VAL_ANCHOR_DS or VAL_ANCHOR_DNSKEY.
 * @rdata: receives pointers to the RDATA (inside @set).
 * @len:   receives their lengths.
 * @max:   capacity of both arrays.
 * Return: number written.
 */
size_t val_anchors_records(const struct val_anchors *set, const uint8_t *zone,
			   int kind, const uint8_t **rdata, uint16_t *len,
			   size_t max);
