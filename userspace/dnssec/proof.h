/* SPDX-License-Identifier: GPL-2.0 */
/* Proof packs: the chain of trust behind one answer, written as text. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "dns/message.h"
#include "dnssec/anchor.h"
#include "dnssec/chain.h"
#include "dnssec/limits.h"
#include "dnssec/verdict.h"

/*
 * A proof pack (docs/proof-pack.md) holds, in RFC 1035 presentation form,
 * every record an offline validator needs to reach the verdict on one
 * answer from the trust anchor alone: the DNSKEY RRset of the anchor's
 * zone, the DS and DNSKEY RRsets of each secure delegation down to every
 * zone that signs part of the answer, the signed denial of DS at an
 * insecure delegation, the answer's RRsets (CNAME and DNAME links
 * included) and the SOA, NSEC and NSEC3 RRsets of a denial, each RRset
 * followed by its RRSIGs.
 *
 * A struct val_proof is a chain of trust (chain.h) that also keeps the
 * DS and DNSKEY responses it was handed, so that the records the walk
 * used can be written out afterwards. It is filled by the same loop as a
 * chain:
 *
 *	while (val_answer_next_need(val_proof_chain(p), msg, now, &need) > 0)
 *		val_proof_add(p, fetch(need.name, need.qtype), len);
 *	val_proof_write(p, msg, now, note, &res, &text, &len);
 */

#define VAL_PROOF_VERSION 1

struct val_proof;

/**
 * val_proof_new() - an empty proof builder over a set of anchors.
 * @anchors: trust anchors and NTAs (borrowed; must outlive the builder).
 * @lim:     validation caps (copied); NULL for the defaults.
 * Return: the builder, or NULL on no memory.
 */
struct val_proof *val_proof_new(const struct val_anchors *anchors,
				const struct val_limits *lim);

/** val_proof_free() - free the builder, its chain and its responses. */
void val_proof_free(struct val_proof *p);

/**
 * val_proof_chain() - the builder's chain, for val_answer_next_need().
 * Owned by the builder. Responses must be handed in through
 * val_proof_add(), not val_chain_add(), or they cannot be written out.
 */
struct val_chain *val_proof_chain(struct val_proof *p);

/**
 * val_proof_add() - hand in a DS or DNSKEY response (copied), to the
 * chain and to the builder's store.
 * Return: 0, or the error of val_chain_add() (-EINVAL when the question
 * is not DS or DNSKEY, a parse error, XDPDNS_ESPACE, -ENOMEM).
 */
int val_proof_add(struct val_proof *p, const uint8_t *wire, size_t len);

/**
 * val_proof_write() - validate @msg and write its proof pack.
 * @p:    the builder, holding every response the validation needs (see
 *        the loop above; what is missing shows as Indeterminate).
 * @msg:  the parsed answer; its first question is the one proven.
 * @now:  validation time (seconds since the epoch), written in the pack.
 * @note: one line saying what the daemon answered a client (written as
 *        the "daemon" header field), or NULL.
 * @res:  receives the verdict written in the pack.
 * @text: receives the pack, malloc'ed and NUL-terminated (the caller
 *        frees it), also for Bogus and Indeterminate verdicts: then it
 *        holds what was used, and proves nothing.
 * @len:  receives its length (without the NUL); may be NULL.
 *
 * Return: 0, -ENOMEM, -EINVAL (no question), or a validation error.
 */
int val_proof_write(struct val_proof *p, const struct dns_msg *msg,
		    uint32_t now, const char *note, struct val_result *res,
		    char **text, size_t *len);
