// SPDX-License-Identifier: GPL-2.0
/* UDP client I/O of a worker: queries read in batches with recvmmsg(),
 * the answers to a batch sent together with sendmmsg(). */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "resolve.h"
#include "server.h"
#include "server_udp.h"

/*
 * Receive slots: one per datagram of a batch, each able to hold the
 * largest UDP payload, so that a query is read whole whatever its size
 * (as one recvfrom() into a 64 KiB buffer did). The slots live in one
 * anonymous mapping: only the pages datagrams touch become resident
 * (about a page per slot for ordinary queries). The extra 256 octets
 * stagger the slots' starts over the cache sets.
 */
#define UDP_SLOT_STRIDE (DNS_MSG_MAXLEN + 1 + 256)
#define UDP_TX_ARENA (64 * 1024)	/* held answers' octets */

/* Room for the destination address of a wildcard listener's datagram. */
union udp_ctl {
	char buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
		 CMSG_SPACE(sizeof(struct in_pktinfo))];
	struct cmsghdr align;
};

struct udp_batch {
	/* Receiving: recvmmsg() fills these. */
	struct mmsghdr rx[SERVER_UDP_BATCH];
	struct iovec rx_iov[SERVER_UDP_BATCH];
	struct sockaddr_storage rx_peer[SERVER_UDP_BATCH];
	union udp_ctl rx_ctl[SERVER_UDP_BATCH];
	uint8_t *rx_buf;		/* SERVER_UDP_BATCH slots */
	/* Sending: answers held while @tx_fd's batch is handled. */
	int tx_fd;			/* -1: none, send at once */
	unsigned int ntx;
	size_t tx_used;
	struct mmsghdr tx[SERVER_UDP_BATCH];
	struct iovec tx_iov[SERVER_UDP_BATCH];
	struct sockaddr_storage tx_peer[SERVER_UDP_BATCH];
	union udp_ctl tx_ctl[SERVER_UDP_BATCH];
	uint8_t tx_buf[UDP_TX_ARENA];
};

int server_udp_batch_new(struct udp_batch **out)
{
	struct udp_batch *ub = calloc(1, sizeof(*ub));
	void *slots;

	if (!ub)
		return -ENOMEM;
	slots = mmap(NULL, (size_t)SERVER_UDP_BATCH * UDP_SLOT_STRIDE,
		     PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (slots == MAP_FAILED) {
		free(ub);
		return -ENOMEM;
	}
	ub->rx_buf = slots;
	for (unsigned int i = 0; i < SERVER_UDP_BATCH; i++) {
		struct msghdr *mh = &ub->rx[i].msg_hdr;

		ub->rx_iov[i].iov_base = ub->rx_buf + (size_t)i * UDP_SLOT_STRIDE;
		ub->rx_iov[i].iov_len = DNS_MSG_MAXLEN;
		mh->msg_name = &ub->rx_peer[i];
		mh->msg_namelen = sizeof(ub->rx_peer[i]);
		mh->msg_iov = &ub->rx_iov[i];
		mh->msg_iovlen = 1;
		mh->msg_control = ub->rx_ctl[i].buf;
		mh->msg_controllen = sizeof(ub->rx_ctl[i].buf);
	}
	ub->tx_fd = -1;
	*out = ub;
	return 0;
}

void server_udp_batch_free(struct udp_batch *ub)
{
	if (!ub)
		return;
	munmap(ub->rx_buf, (size_t)SERVER_UDP_BATCH * UDP_SLOT_STRIDE);
	free(ub);
}

/*
 * Address an answer to @c in @mh: the peer, and for a wildcard listener
 * the address the query was sent to as the source (IP_PKTINFO /
 * IPV6_PKTINFO), since the kernel would pick one of its own otherwise.
 */
static void udp_msghdr_fill(struct msghdr *mh, struct sockaddr_storage *peer,
			    union udp_ctl *ctl, struct iovec *iov,
			    const struct client *c)
{
	struct cmsghdr *cm;
	size_t size;

	memcpy(peer, &c->peer, c->peer_len);
	mh->msg_name = peer;
	mh->msg_namelen = c->peer_len;
	mh->msg_iov = iov;
	mh->msg_iovlen = 1;
	mh->msg_flags = 0;
	if (!c->pktinfo) {
		mh->msg_control = NULL;
		mh->msg_controllen = 0;
		return;
	}
	size = c->pktinfo == 4 ? sizeof(c->local.v4) : sizeof(c->local.v6);
	memset(ctl, 0, sizeof(*ctl));
	mh->msg_control = ctl->buf;
	mh->msg_controllen = CMSG_SPACE(size);
	cm = CMSG_FIRSTHDR(mh);
	cm->cmsg_level = c->pktinfo == 4 ? IPPROTO_IP : IPPROTO_IPV6;
	cm->cmsg_type = c->pktinfo == 4 ? IP_PKTINFO : IPV6_PKTINFO;
	cm->cmsg_len = CMSG_LEN(size);
	memcpy(CMSG_DATA(cm), &c->local, size);
}

/* Send the held answers. A message the kernel refuses (full send buffer,
 * unreachable peer) is dropped as a failed sendto() was, and the rest
 * still go: sendmmsg() stops at the first failure. */
static void udp_tx_flush(struct udp_batch *ub)
{
	unsigned int off = 0;

	while (off < ub->ntx) {
		int n = sendmmsg(ub->tx_fd, ub->tx + off, ub->ntx - off, MSG_DONTWAIT);

		off += n > 0 ? (unsigned int)n : 1;
	}
	ub->ntx = 0;
	ub->tx_used = 0;
}

void server_udp_send(struct worker *w, const struct client *c,
		     const uint8_t *msg, size_t len)
{
	struct udp_batch *ub = w->udp;
	union udp_ctl ctl;
	struct sockaddr_storage peer;
	struct iovec iov = { .iov_base = (void *)msg, .iov_len = len };
	struct msghdr mh;
	unsigned int i;
	ssize_t n;

	if (ub && ub->tx_fd == c->fd && len <= UDP_TX_ARENA) {
		if (ub->ntx == SERVER_UDP_BATCH || ub->tx_used + len > UDP_TX_ARENA)
			udp_tx_flush(ub);
		i = ub->ntx++;
		memcpy(ub->tx_buf + ub->tx_used, msg, len);
		ub->tx_iov[i].iov_base = ub->tx_buf + ub->tx_used;
		ub->tx_iov[i].iov_len = len;
		ub->tx_used += len;
		udp_msghdr_fill(&ub->tx[i].msg_hdr, &ub->tx_peer[i], &ub->tx_ctl[i],
				&ub->tx_iov[i], c);
		return;
	}
	/* Not this worker's batch (a coalesced query of another worker's
	 * client, an upstream answer, a timer): at once. */
	udp_msghdr_fill(&mh, &peer, &ctl, &iov, c);
	n = sendmsg(c->fd, &mh, MSG_DONTWAIT);
	(void)n;
}

/* The destination address of a wildcard listener's datagram, kept in @c
 * so that the answer leaves from it. */
static void udp_pktinfo(struct msghdr *mh, struct client *c)
{
	struct cmsghdr *cm;

	for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO) {
			memcpy(&c->local.v4, CMSG_DATA(cm), sizeof(c->local.v4));
			/* Route by the source address, not the interface. */
			c->local.v4.ipi_spec_dst = c->local.v4.ipi_addr;
			c->local.v4.ipi_ifindex = 0;
			c->pktinfo = 4;
		} else if (cm->cmsg_level == IPPROTO_IPV6 &&
			   cm->cmsg_type == IPV6_PKTINFO) {
			memcpy(&c->local.v6, CMSG_DATA(cm), sizeof(c->local.v6));
			c->pktinfo = 6;
		}
	}
}

void server_udp_read(struct worker *w, struct io_handle *h)
{
	struct udp_batch *ub = w->udp;
	bool wildcard = h->kind == IO_UDP_WILDCARD;
	uint64_t now;
	int n;

	if (!ub)
		return;		/* server_start() not run: nothing reads */
	n = recvmmsg(h->fd, ub->rx, SERVER_UDP_BATCH, MSG_DONTWAIT, NULL);
	if (n <= 0)
		return;
	/* One clock read for the batch: it arrived within microseconds. */
	now = server_now_ms();
	STAT_ADD(w->srv->stats.queries_udp, (uint64_t)n);
	/* Answers to this socket are held until every query is handled. */
	ub->tx_fd = h->fd;
	for (int i = 0; i < n; i++) {
		struct msghdr *mh = &ub->rx[i].msg_hdr;
		struct client c = { 0 };

		c.peer_len = mh->msg_namelen <= sizeof(c.peer) ? mh->msg_namelen :
								  sizeof(c.peer);
		memcpy(&c.peer, mh->msg_name, c.peer_len);
		if (wildcard)
			udp_pktinfo(mh, &c);
		c.worker = (uint16_t)w->index;
		c.fd = h->fd;
		c.arrived_ms = now;
		resolve_client_query(w, &c, ub->rx_iov[i].iov_base, ub->rx[i].msg_len);
		/* Ready for the next recvmmsg(), which overwrites both. */
		mh->msg_namelen = sizeof(ub->rx_peer[i]);
		mh->msg_controllen = sizeof(ub->rx_ctl[i].buf);
	}
	udp_tx_flush(ub);
	ub->tx_fd = -1;
}
