// SPDX-License-Identifier: GPL-2.0
/* Follows network interfaces whose names match shell globs, through rtnetlink. */

#include <errno.h>
#include <fnmatch.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "ifwatch.h"

#define IFWATCH_BUF_SIZE 65536
#define IFWATCH_RCVBUF (1 << 20)
#define IFWATCH_DUMP_TRIES 5
#define IFWATCH_MAX_READS 4096	/* per ifwatch_process() call */

struct followed {
	int ifindex;
	bool seen;		/* during a resync: still listed */
	char name[IF_NAMESIZE];
};

/**
 * struct ifwatch - the watcher.
 * @fd:       the event socket (RTMGRP_LINK), non-blocking.
 * @patterns: copied globs.
 * @ifs:      interfaces followed now.
 * @buf:      receive buffer shared by events and dumps.
 */
struct ifwatch {
	int fd;
	char **patterns;
	size_t npatterns;
	ifwatch_cb added, removed;
	void *arg;
	struct followed *ifs;
	size_t nifs, capifs;
	char *buf;
	unsigned int seq;
	unsigned long overruns;
};

static bool name_matches(const struct ifwatch *w, const char *name)
{
	size_t i;

	for (i = 0; i < w->npatterns; i++)
		if (!fnmatch(w->patterns[i], name, 0))
			return true;
	return false;
}

static struct followed *find(struct ifwatch *w, int ifindex)
{
	size_t i;

	for (i = 0; i < w->nifs; i++)
		if (w->ifs[i].ifindex == ifindex)
			return &w->ifs[i];
	return NULL;
}

static void forget(struct ifwatch *w, struct followed *f, int *calls)
{
	struct followed gone = *f;

	/* Swap-remove first: the callback may look at ifwatch_count(). */
	*f = w->ifs[--w->nifs];
	if (w->removed) {
		w->removed(gone.ifindex, gone.name, w->arg);
		(*calls)++;
	}
}

static int follow(struct ifwatch *w, int ifindex, const char *name,
		  int *calls)
{
	struct followed *f;

	if (w->nifs == w->capifs) {
		size_t cap = w->capifs ? w->capifs * 2 : 16;

		f = realloc(w->ifs, cap * sizeof(*f));
		if (!f)
			return -ENOMEM;
		w->ifs = f;
		w->capifs = cap;
	}
	f = &w->ifs[w->nifs++];
	f->ifindex = ifindex;
	f->seen = true;
	snprintf(f->name, sizeof(f->name), "%s", name);
	w->added(ifindex, f->name, w->arg);
	(*calls)++;
	return 0;
}

/*
 * One RTM_NEWLINK or RTM_DELLINK, from an event or a dump: the state
 * machine that keeps "one added before one removed" per interface,
 * renames included.
 */
static int handle_link(struct ifwatch *w, const struct nlmsghdr *nh,
		       int *calls)
{
	const struct ifinfomsg *ifi = NLMSG_DATA(nh);
	char name[IF_NAMESIZE] = "";
	struct followed *f;
	struct rtattr *rta;
	int len;

	if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
		return 0;
	/*
	 * A bridge also reports its ports with family AF_BRIDGE, and sends
	 * an AF_BRIDGE RTM_DELLINK when a port merely leaves the bridge
	 * (CNI bridges such as cni0 do that to veth* interfaces): only the
	 * AF_UNSPEC messages speak of the interface itself.
	 */
	if (ifi->ifi_family != AF_UNSPEC)
		return 0;
	len = (int)(nh->nlmsg_len - NLMSG_LENGTH(sizeof(*ifi)));
	for (rta = IFLA_RTA(ifi); RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		if (rta->rta_type == IFLA_IFNAME) {
			size_t n = RTA_PAYLOAD(rta);

			if (n >= sizeof(name))
				n = sizeof(name) - 1;
			memcpy(name, RTA_DATA(rta), n);
			name[n] = '\0';
		}
	}
	f = find(w, ifi->ifi_index);
	if (nh->nlmsg_type == RTM_DELLINK) {
		if (f)
			forget(w, f, calls);
		return 0;
	}
	if (nh->nlmsg_type != RTM_NEWLINK || !name[0])
		return 0;
	if (f && !strcmp(f->name, name)) {
		f->seen = true;
		return 0;
	}
	/* A rename is the old name going and the new one coming. */
	if (f)
		forget(w, f, calls);
	if (name_matches(w, name))
		return follow(w, ifi->ifi_index, name, calls);
	return 0;
}

/* Read one batch of messages from @fd into w->buf and handle them.
 * Return: 1 more may follow, 0 dump done, -EAGAIN nothing, -errno. */
static int read_batch(struct ifwatch *w, int fd, bool dump, int *calls)
{
	struct sockaddr_nl from;
	socklen_t fromlen = sizeof(from);
	struct nlmsghdr *nh;
	ssize_t n;
	int len, err;

	n = recvfrom(fd, w->buf, IFWATCH_BUF_SIZE, 0, (struct sockaddr *)&from,
		     &fromlen);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	/* Only the kernel speaks rtnetlink to us; ignore anyone else. */
	if (from.nl_pid != 0)
		return 1;
	len = (int)n;
	for (nh = (struct nlmsghdr *)w->buf; NLMSG_OK(nh, len);
	     nh = NLMSG_NEXT(nh, len)) {
		if (dump && (nh->nlmsg_flags & NLM_F_DUMP_INTR))
			return -EINTR;
		if (nh->nlmsg_type == NLMSG_DONE)
			return 0;
		if (nh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(nh);

			return e->error ? e->error : 0;
		}
		err = handle_link(w, nh, calls);
		if (err)
			return err;
	}
	return 1;
}

/* List every interface on a separate socket, as if each were a NEWLINK. */
static int dump_links(struct ifwatch *w, int *calls)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
	} req;
	struct timeval tv = { .tv_sec = 2 };
	int fd, err;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = sizeof(req);
	req.nh.nlmsg_type = RTM_GETLINK;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.nh.nlmsg_seq = ++w->seq;
	req.ifi.ifi_family = AF_UNSPEC;
	if (send(fd, &req, sizeof(req), 0) < 0) {
		err = -errno;
		goto out;
	}
	/* Bounded: a dump ends with NLMSG_DONE; the receive timeout stops a
	 * kernel that never sends it. */
	while ((err = read_batch(w, fd, true, calls)) == 1)
		;
	if (err == -EAGAIN)
		err = -ETIMEDOUT;
out:
	close(fd);
	return err;
}

/*
 * Bring the followed set in line with what exists now: at start, and
 * after the event socket overran and events were lost.
 */
static int resync(struct ifwatch *w, int *calls)
{
	int err = -EINTR, tries;
	size_t i;

	for (tries = 0; tries < IFWATCH_DUMP_TRIES && err == -EINTR; tries++) {
		for (i = 0; i < w->nifs; i++)
			w->ifs[i].seen = false;
		/* An interrupted dump (links changed meanwhile) is redone. */
		err = dump_links(w, calls);
	}
	if (err)
		return err;
	for (i = w->nifs; i-- > 0;)
		if (!w->ifs[i].seen)
			forget(w, &w->ifs[i], calls);
	return 0;
}

int ifwatch_new(const char *const *patterns, size_t n, ifwatch_cb added,
		ifwatch_cb removed, void *arg, struct ifwatch **out)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK,
				  .nl_groups = RTMGRP_LINK };
	int rcvbuf = IFWATCH_RCVBUF, calls = 0, err;
	struct ifwatch *w;
	size_t i;

	*out = NULL;
	if (!n || !patterns || !added)
		return -EINVAL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->fd = -1;
	w->added = added;
	w->removed = removed;
	w->arg = arg;
	w->buf = malloc(IFWATCH_BUF_SIZE);
	w->patterns = calloc(n, sizeof(char *));
	if (!w->buf || !w->patterns) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (!patterns[i] || !(w->patterns[i] = strdup(patterns[i]))) {
			err = patterns[i] ? -ENOMEM : -EINVAL;
			goto out;
		}
		w->npatterns++;
	}
	w->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
		       NETLINK_ROUTE);
	if (w->fd < 0) {
		err = -errno;
		goto out;
	}
	/* A burst of pod starts must not overrun us; FORCE needs
	 * CAP_NET_ADMIN, which the daemon has; without it keep the default. */
	if (setsockopt(w->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		       sizeof(rcvbuf)))
		setsockopt(w->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
			   sizeof(rcvbuf));
	if (bind(w->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		err = -errno;
		goto out;
	}
	/* Subscribed before listing: an interface created in between shows
	 * up in both, and the followed set makes the second one a no-op. */
	err = resync(w, &calls);
	if (err)
		goto out;
	*out = w;
	return 0;
out:
	ifwatch_free(w);
	return err;
}

int ifwatch_fd(const struct ifwatch *w)
{
	return w->fd;
}

size_t ifwatch_count(const struct ifwatch *w)
{
	return w->nifs;
}

unsigned long ifwatch_overruns(const struct ifwatch *w)
{
	return w->overruns;
}

int ifwatch_process(struct ifwatch *w)
{
	bool lost = false;
	int calls = 0, err = 0, reads;

	for (reads = 0; reads < IFWATCH_MAX_READS; reads++) {
		err = read_batch(w, w->fd, false, &calls);
		if (err == -ENOBUFS) {
			/* The kernel dropped events: read on, then list. */
			lost = true;
			continue;
		}
		if (err < 0 && err != -EINTR)
			break;
	}
	/* Nothing left (or the read budget spent: the descriptor stays
	 * readable and the caller's epoll comes back). */
	if (err == -EAGAIN || err > 0)
		err = 0;
	if (lost && !err) {
		w->overruns++;
		err = resync(w, &calls);
	}
	return err ? err : calls;
}

void ifwatch_free(struct ifwatch *w)
{
	size_t i;

	if (!w)
		return;
	if (w->fd >= 0)
		close(w->fd);
	for (i = 0; i < w->npatterns; i++)
		free(w->patterns[i]);
	free(w->patterns);
	free(w->ifs);
	free(w->buf);
	free(w);
}
