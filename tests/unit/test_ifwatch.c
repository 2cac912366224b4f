// SPDX-License-Identifier: GPL-2.0
/* Tests of the interface follower in a private network namespace. */

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ifwatch.h"
#include "tap.h"

/* Callbacks append "+name" or "-name" here, in order. */
static char events[4096];
static int nevents;

static void on_added(int ifindex, const char *name, void *arg)
{
	size_t len = strlen(events);

	snprintf(events + len, sizeof(events) - len, "%s+%s",
		 len ? " " : "", name);
	nevents++;
	if (ifindex <= 0)
		diag("bad ifindex %d for %s", ifindex, name);
}

static void on_removed(int ifindex, const char *name, void *arg)
{
	size_t len = strlen(events);

	snprintf(events + len, sizeof(events) - len, "%s-%s",
		 len ? " " : "", name);
	nevents++;
}

static void reset(void)
{
	events[0] = '\0';
	nevents = 0;
}

static int sh(const char *cmd)
{
	int ret = system(cmd);

	if (ret)
		diag("command failed: %s", cmd);
	return ret;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Process events until @want callbacks came (at most 3 s), then 200 ms
 * more so that any extra, unwanted callback is caught too.
 */
static void wait_events(struct ifwatch *w, int want)
{
	struct pollfd pfd = { .fd = ifwatch_fd(w), .events = POLLIN };
	long end = now_ms() + 3000;
	bool extra = false;

	for (;;) {
		if (nevents >= want && !extra) {
			extra = true;
			end = now_ms() + 200;
		}
		if (now_ms() >= end)
			break;
		if (poll(&pfd, 1, (int)(end - now_ms())) > 0 &&
		    ifwatch_process(w) < 0)
			diag("ifwatch_process failed");
	}
}

int main(void)
{
	static const char *const patterns[] = { "veth*", "lxc*", "cali*" };
	struct ifwatch *w = NULL;
	int err, pod_pid = 0;
	char cmd[128];
	FILE *pod;

	if (geteuid() != 0)
		skip_all("needs root for a network namespace");
	if (system("ip -V >/dev/null 2>&1"))
		skip_all("iproute2 missing");
	/*
	 * Every interface is a veth pair whose peer matches no pattern (this
	 * kernel has no dummy driver). A namespace of our own that dies with this process: nothing can be
	 * left behind, whatever happens below (ip(8) inherits it).
	 */
	if (unshare(CLONE_NEWNET))
		skip_all("unshare(CLONE_NEWNET): %s", strerror(errno));

	is_int(ifwatch_new(patterns, 0, on_added, on_removed, NULL, &w), -EINVAL,
	       "no pattern is an error");
	sh("ip link add vethA0 type veth peer name peerA0");
	sh("ip link add lxc1 type veth peer name plxc1");
	sh("ip link add eth5 type veth peer name peth5");

	err = ifwatch_new(patterns, 3, on_added, on_removed, NULL, &w);
	is_int(err, 0, "watcher starts");
	if (err)
		return done_testing();
	ok(strstr(events, "+vethA0") && strstr(events, "+lxc1") &&
		   nevents == 2,
	   "initial list: the matching ones only (%s)", events);
	is_int(ifwatch_count(w), 2, "two followed");
	ok(ifwatch_fd(w) >= 0, "descriptor for epoll");

	reset();
	sh("ip link add cali123 type veth peer name pcali123");
	sh("ip link add eth9 type veth peer name peth9");
	sh("ip link add veth9 type veth peer name other9");
	wait_events(w, 2);
	is_str(events, "+cali123 +veth9",
	       "new interfaces: matching ones added, others ignored");

	reset();
	sh("ip link set lxc1 name foo1");
	sh("ip link set eth5 name lxc5");
	wait_events(w, 2);
	is_str(events, "-lxc1 +lxc5",
	       "renames: away from a pattern removes, into one adds");

	reset();
	sh("ip link set veth9 up");
	sh("ip link set cali123 mtu 1400");
	wait_events(w, 0);
	is_str(events, "", "state changes of followed interfaces are no events");

	/* A CNI bridge: enslaving and releasing a port is no event. */
	reset();
	sh("ip link add cni0 type bridge");
	sh("ip link set veth9 master cni0");
	sh("ip link set veth9 nomaster");
	sh("ip link set veth9 master cni0");
	wait_events(w, 0);
	is_str(events, "", "bridge port changes are no events");
	is_int(ifwatch_count(w), 4, "still four followed");

	reset();
	sh("ip link del veth9");
	sh("ip link del cali123");
	sh("ip link del eth9");
	wait_events(w, 2);
	is_str(events, "-veth9 -cali123", "deletions: matching ones removed");

	reset();
	sh("ip link del peerA0");
	wait_events(w, 1);
	is_str(events, "-vethA0", "deleting the peer removes the veth too");
	is_int(ifwatch_count(w), 1, "one followed (lxc5)");

	/* A pod: the container end of a pair moves to the pod's namespace. */
	reset();
	sh("ip link add veth7 type veth peer name lxc7");
	wait_events(w, 2);
	ok(nevents == 2 && strstr(events, "+veth7") && strstr(events, "+lxc7"),
	   "both ends of a new pair added (%s)", events);
	reset();
	pod = popen("exec unshare -n sh -c 'echo $$; exec sleep 30'", "r");
	if (pod && fscanf(pod, "%d", &pod_pid) == 1) {
		snprintf(cmd, sizeof(cmd), "ip link set lxc7 netns %d", pod_pid);
		sh(cmd);
		wait_events(w, 1);
		is_str(events, "-lxc7",
		       "the end moved to another namespace is removed");
		reset();
		sh("ip link del veth7");
		wait_events(w, 1);
		is_str(events, "-veth7", "host end removed when the pair goes");
		kill(pod_pid, SIGTERM);
	} else {
		ok(0, "a pod namespace (unshare -n)");
	}
	if (pod)
		pclose(pod);

	/* A burst larger than what is processed at once, then all gone. */
	reset();
	sh("for i in $(seq 1 40); do ip link add veth-b$i type veth peer name pb$i; done");
	sh("for i in $(seq 1 40); do ip link del veth-b$i; done");
	wait_events(w, 80);
	is_int(nevents, 80, "a burst of 40 created and deleted: 80 callbacks");
	is_int(ifwatch_count(w), 1, "and none of them left followed");
	/*
	 * Overrun: more events than the socket holds arrive while nobody
	 * reads; the kernel drops some (ENOBUFS) and the watcher must list
	 * the interfaces again and still report each one exactly once.
	 */
	reset();
	sh("for i in $(seq 1 600); do echo link add veth-o$i type veth peer "
	   "name po$i; done > /tmp/xdpdns-ifw-batch.$PPID && "
	   "ip -batch /tmp/xdpdns-ifw-batch.$PPID; "
	   "rm -f /tmp/xdpdns-ifw-batch.$PPID");
	wait_events(w, 600);
	is_int(nevents, 600, "600 interfaces created unread: 600 added");
	is_int(ifwatch_count(w), 601, "601 followed");
	diag("socket overruns: %lu", ifwatch_overruns(w));
	ok(ifwatch_overruns(w) > 0, "the burst overran the socket (resync path)");
	reset();
	sh("for i in $(seq 1 600); do echo link del veth-o$i; done "
	   "> /tmp/xdpdns-ifw-batch.$PPID && "
	   "ip -batch /tmp/xdpdns-ifw-batch.$PPID; "
	   "rm -f /tmp/xdpdns-ifw-batch.$PPID");
	wait_events(w, 600);
	is_int(nevents, 600, "and 600 removed");
	is_int(ifwatch_count(w), 1, "one followed again");
	ifwatch_free(w);
	return done_testing();
}
