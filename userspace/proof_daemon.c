// SPDX-License-Identifier: GPL-2.0
/* The control socket's "proof" command: resolve through the daemon's own
 * listener and write the proof pack of the answer (docs/proof-pack.md). */
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "dns/edns.h"
#include "dns/message.h"
#include "dns/name.h"
#include "dns/rr.h"
#include "dnssec/answer.h"
#include "dnssec/proof.h"
#include "proof_daemon.h"
#include "util/error.h"

/* Where the daemon answers its own queries: the first listen address, a
 * wildcard one reached on loopback. */
static void self_address(struct server *srv, struct sockaddr_storage *ss,
			 socklen_t *len)
{
	pthread_rwlock_rdlock(&srv->cfg_lock);
	*ss = srv->cfg.listen[0].addr;
	*len = srv->cfg.listen[0].addr_len;
	pthread_rwlock_unlock(&srv->cfg_lock);
	if (ss->ss_family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		if (in->sin_addr.s_addr == htonl(INADDR_ANY))
			in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	} else if (ss->ss_family == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

		if (IN6_IS_ADDR_UNSPECIFIED(&in6->sin6_addr))
			in6->sin6_addr = in6addr_loopback;
	}
}

/* Socket timeouts for what is left until @deadline (ms, server_now_ms). */
static int set_timeouts(int fd, uint64_t deadline)
{
	uint64_t now = server_now_ms();
	uint64_t left = deadline > now ? deadline - now : 0;
	struct timeval tv = { .tv_sec = (time_t)(left / 1000),
			      .tv_usec = (suseconds_t)(left % 1000) * 1000 };

	if (!left)
		return -ETIMEDOUT;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)))
		return -errno;
	return 0;
}

static int recv_all(int fd, uint8_t *buf, size_t len, uint64_t deadline)
{
	while (len) {
		ssize_t n;
		int err = set_timeouts(fd, deadline);

		if (err)
			return err;
		n = recv(fd, buf, len, 0);
		if (n == 0)
			return -ECONNRESET;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * One query to the daemon itself over TCP (RFC 7766: no truncation),
 * DO=1, with CD as asked. The reply must carry our ID and question.
 */
static int ask(const struct sockaddr_storage *ss, socklen_t sl,
	       const uint8_t *name, uint16_t qtype, bool cd, uint64_t deadline,
	       uint8_t **out, size_t *outlen)
{
	struct dns_edns edns = { .udp_size = 1232, .flags = DNS_EDNS_FLAG_DO };
	uint8_t q[2 + DNS_NAME_MAXLEN + 64], hdr[2], *reply = NULL;
	struct dns_builder b;
	size_t qlen, rlen;
	uint16_t id = 0;
	int fd, err;

	*out = NULL;
	if (getrandom(&id, sizeof(id), 0) < 0)
		id = (uint16_t)server_now_ms();
	err = dns_builder_init(&b, q + 2, sizeof(q) - 2, 0, id,
			       DNS_FLAG_RD | (cd ? DNS_FLAG_CD : 0));
	if (!err)
		err = dns_builder_question(&b, name, qtype, DNS_CLASS_IN);
	if (!err)
		err = dns_builder_opt(&b, &edns);
	if (err)
		return err;
	qlen = dns_builder_finish(&b);
	dns_put16(q, (uint16_t)qlen);
	fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	err = set_timeouts(fd, deadline);
	if (err)
		goto out;
	errno = 0;
	if (connect(fd, (const struct sockaddr *)ss, sl) < 0 ||
	    send(fd, q, qlen + 2, MSG_NOSIGNAL) != (ssize_t)(qlen + 2)) {
		/* A short send sets no errno: still a failure. */
		err = errno == EINPROGRESS || errno == EAGAIN ? -ETIMEDOUT :
		      errno ? -errno : -EIO;
		goto out;
	}
	err = recv_all(fd, hdr, 2, deadline);
	if (err)
		goto out;
	rlen = dns_get16(hdr);
	reply = malloc(rlen ? rlen : 1);
	if (!reply) {
		err = -ENOMEM;
		goto out;
	}
	err = recv_all(fd, reply, rlen, deadline);
	if (err)
		goto out;
	if (rlen < DNS_HEADER_LEN || dns_hdr_id(reply) != id ||
	    !(dns_hdr_flags(reply) & DNS_FLAG_QR)) {
		err = XDPDNS_EMALFORMED;
		goto out;
	}
	*out = reply;
	*outlen = rlen;
	reply = NULL;
out:
	free(reply);
	close(fd);
	return err;
}

/* "NOERROR AD", "SERVFAIL EDE 7 (signature expired)": what a client got. */
static void describe(const struct dns_msg *msg, char *out, size_t cap)
{
	char rc[16], text[96];
	struct dns_ede ede;
	size_t n;

	switch (msg->rcode) {
	case DNS_RCODE_NOERROR:
		snprintf(rc, sizeof(rc), "NOERROR");
		break;
	case DNS_RCODE_SERVFAIL:
		snprintf(rc, sizeof(rc), "SERVFAIL");
		break;
	case DNS_RCODE_NXDOMAIN:
		snprintf(rc, sizeof(rc), "NXDOMAIN");
		break;
	default:
		snprintf(rc, sizeof(rc), "RCODE%u", msg->rcode);
	}
	n = (size_t)snprintf(out, cap, "%s%s", rc,
			     msg->flags & DNS_FLAG_AD ? " AD" : "");
	if (n >= cap || !msg->has_opt || dns_ede_find(&msg->edns, &ede) != 1)
		return;
	/* EXTRA-TEXT goes on one comment line: printable ASCII only. */
	for (n = 0; n < ede.text_len && n < sizeof(text) - 1; n++)
		text[n] = ede.text[n] >= 0x20 && ede.text[n] < 0x7f ?
				  ede.text[n] : '?';
	text[n] = '\0';
	n = strlen(out);
	snprintf(out + n, cap - n, " EDE %u%s%s%s", ede.info_code,
		 text[0] ? " (" : "", text, text[0] ? ")" : "");
}

/* The answer to prove, parsed into @msg (which borrows *@wire). */
static int ask_parsed(const struct sockaddr_storage *ss, socklen_t sl,
		      const uint8_t *name, uint16_t qtype, bool cd,
		      uint64_t deadline, uint8_t **wire, struct dns_msg *msg)
{
	size_t len;
	int err;

	free(*wire);
	err = ask(ss, sl, name, qtype, cd, deadline, wire, &len);
	if (err)
		return err;
	err = dns_msg_parse(msg, *wire, len);
	if (err)
		return err;
	if (msg->qdcount != 1 || msg->question[0].qtype != qtype ||
	    !dns_name_equal(msg->question[0].name, name))
		return XDPDNS_EMALFORMED;
	return 0;
}

int proof_daemon_build(struct server *srv, const uint8_t *name, uint16_t qtype,
		       struct proof_daemon_result *out, char *errbuf,
		       size_t errcap)
{
	uint64_t deadline = server_now_ms() + PROOF_DAEMON_TIMEOUT_MS;
	struct anchors_ref *anchors;
	struct sockaddr_storage ss;
	struct val_proof *p = NULL;
	uint8_t *wire = NULL, *sub = NULL;
	struct val_need need;
	struct dns_msg msg;
	uint32_t now;
	socklen_t sl;
	size_t sublen;
	int err;

	memset(out, 0, sizeof(*out));
	dns_msg_init(&msg);
	/* Held: a reload during the proof does not free them under it. */
	anchors = server_anchors_hold(srv, NULL);
	if (!anchors) {
		snprintf(errbuf, errcap, "the daemon does not validate (no trust anchor)");
		return -EPERM;
	}
	self_address(srv, &ss, &sl);
	/* What a validating client gets: the worker's own verdict. */
	err = ask_parsed(&ss, sl, name, qtype, false, deadline, &wire, &msg);
	if (err) {
		snprintf(errbuf, errcap, "query to the daemon itself: %s",
			 xdpdns_strerror(err));
		goto out;
	}
	describe(&msg, out->daemon, sizeof(out->daemon));
	/* Bogus data is withheld from CD=0 clients (RFC 4035 3.2.2): the
	 * records behind the failure come with CD=1. */
	if (msg.rcode == DNS_RCODE_SERVFAIL) {
		err = ask_parsed(&ss, sl, name, qtype, true, deadline, &wire, &msg);
		if (!err && msg.rcode == DNS_RCODE_SERVFAIL)
			err = -ENODATA;
		if (err) {
			snprintf(errbuf, errcap, "no records to prove (%s): %s",
				 out->daemon, err == -ENODATA ?
				 "SERVFAIL with CD=1 too" : xdpdns_strerror(err));
			goto out;
		}
	}
	p = val_proof_new(server_anchors_set(anchors), NULL);
	if (!p) {
		err = -ENOMEM;
		goto out;
	}
	now = (uint32_t)time(NULL);
	/* The daemon's need/fetch loop (chain.h), through the daemon. */
	for (unsigned int i = 0; i < PROOF_DAEMON_FETCHES_MAX; i++) {
		err = val_answer_next_need(val_proof_chain(p), &msg, now, &need);
		if (err <= 0)
			break;
		err = ask(&ss, sl, need.name, need.qtype, true, deadline, &sub,
			  &sublen);
		if (err)
			break;	/* the pack then says Indeterminate, and why */
		err = val_proof_add(p, sub, sublen);
		free(sub);
		sub = NULL;
		if (err)
			break;
	}
	err = val_proof_write(p, &msg, now, out->daemon, &out->res, &out->pack,
			      &out->len);
	if (err)
		snprintf(errbuf, errcap, "writing the pack: %s", xdpdns_strerror(err));
out:
	val_proof_free(p);
	server_anchors_release(anchors);
	dns_msg_release(&msg);
	free(wire);
	free(sub);
	return err;
}

void proof_daemon_result_free(struct proof_daemon_result *out)
{
	free(out->pack);
	out->pack = NULL;
}
