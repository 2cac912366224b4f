/* SPDX-License-Identifier: GPL-2.0 */
/* The control socket's "proof" command: resolve through the daemon's own
 * listener and write the proof pack of the answer (docs/proof-pack.md). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "dnssec/verdict.h"
#include "server.h"

#define PROOF_DAEMON_FETCHES_MAX 64	/* DS/DNSKEY queries per pack */
#define PROOF_DAEMON_TIMEOUT_MS 10000	/* the whole command */

/**
 * struct proof_daemon_result - a pack and what it says.
 * @pack:   the pack text (malloc'ed; free with proof_daemon_result_free()).
 * @len:    its length.
 * @res:    the verdict written in the pack.
 * @daemon: what the daemon answered a DO=1, CD=0 client ("NOERROR AD",
 *          "SERVFAIL EDE 7 ..."), the same line as the pack's "daemon".
 */
struct proof_daemon_result {
	char *pack;
	size_t len;
	struct val_result res;
	char daemon[160];
};

/**
 * proof_daemon_build() - the proof pack for (@name, @qtype).
 * @srv:    the server (its first listen address and its anchors in force).
 * @name:   the question name (wire form).
 * @qtype:  the question type.
 * @out:    receives the pack.
 * @errbuf: receives a reason on failure.
 * @errcap: its size.
 *
 * The question is asked over TCP at the daemon's own first listen address
 * (a wildcard address is reached on loopback), DO=1 and CD=0, so that a
 * worker resolves and validates it the usual way; when that answer is
 * SERVFAIL it is asked again with CD=1 to get the records. Each DS and
 * DNSKEY response the validator asks for is then fetched the same way
 * (CD=1: the raw data, which the builder's own chain checks) into a
 * struct val_proof over the anchors in force, which writes the pack.
 * Blocks the calling thread (the control thread) for at most
 * PROOF_DAEMON_TIMEOUT_MS.
 *
 * Return: 0 (the pack is written whatever the verdict), -EPERM (the daemon
 * does not validate), -ETIMEDOUT, -ECONNREFUSED and other -errno of the
 * queries, -ENOMEM, or a message error.
 */
int proof_daemon_build(struct server *srv, const uint8_t *name, uint16_t qtype,
		       struct proof_daemon_result *out, char *errbuf,
		       size_t errcap);

/** proof_daemon_result_free() - free the pack text. */
void proof_daemon_result_free(struct proof_daemon_result *out);
