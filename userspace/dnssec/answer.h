/* SPDX-License-Identifier: GPL-2.0 */
/* Verdict on a whole response: positive, CNAME/DNAME chains, negative. */
#pragma once

#include <stdint.h>

#include "dns/message.h"
#include "dnssec/chain.h"
#include "dnssec/verdict.h"

/**
 * val_answer_validate() - judge a response to (QNAME, QTYPE).
 * @c:    the chain holding the DS/DNSKEY responses known so far.
 * @msg:  the parsed response (its first question is what was asked).
 * @now:  current time, seconds (RFC 1982 arithmetic).
 * @res:  receives the verdict, reason, EDE, and on Secure the TTL and
 *        expiration bounds of the signatures used.
 * @need: if not NULL, receives the first DS/DNSKEY response still needed
 *        when the verdict is Indeterminate for lack of it (qtype 0 when
 *        nothing is missing).
 *
 * Each link of the answer is judged by the zone that signs it, from the
 * closest trust anchor or NTA above its owner: the RRset for QNAME, or a
 * CNAME (then the target is followed), or a DNAME at an ancestor (the
 * synthesised CNAME, unsigned, must point where the DNAME says, RFC 6672
 * 3), up to lim.max_chain_links links; a final name without the asked
 * data needs an NXDOMAIN or no-data proof (NSEC or NSEC3, with the SOA
 * signed) from the zone of that name. Wildcard expansions need the proof
 * that the next closer name does not exist. A proof signed by a zone
 * above the closest anchor of the name is refused, so a parent's denial
 * never hides a privately anchored zone. An answer-section RRset that
 * is not on the chain from QNAME makes the answer Bogus (nothing vouches
 * for it; a cache must not keep it). The answer is Secure only if
 * every link is; otherwise the worst link decides (Insecure <
 * Indeterminate < Bogus). Rcodes other than NOERROR and NXDOMAIN are
 * Indeterminate (nothing to validate).
 *
 * Return: 0 (the verdict is in @res), -ENOMEM, or a message error.
 */
int val_answer_validate(struct val_chain *c, const struct dns_msg *msg,
			uint32_t now, struct val_result *res,
			struct val_need *need);

/**
 * val_answer_next_need() - what the caller must fetch next for @msg.
 * @c, @msg, @now: as for val_answer_validate().
 * @need: receives the name and type to ask for (DS or DNSKEY).
 *
 * Return: 1 when something is needed (fetch it, val_chain_add() the
 * reply, ask again), 0 when the verdict no longer depends on missing
 * data, or a negative error. Each call may do signature work; remembered
 * outcomes keep the loop linear.
 */
int val_answer_next_need(struct val_chain *c, const struct dns_msg *msg,
			 uint32_t now, struct val_need *need);
