// SPDX-License-Identifier: GPL-2.0
/* Toolchain proof: the counting XDP program under BPF_PROG_TEST_RUN, then
 * loaded through its skeleton and attached with libxdp to a veth inside
 * network namespaces, in generic and native mode, seeing real packets. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "attach.h"
#include "tap.h"
#include "util/bpffs.h"
#include "xdp_count.skel.h"

#define NS_A "xdpdns-cnt-a"
#define NS_B "xdpdns-cnt-b"
#define DEV_A "xcnt-a"
#define ADDR_A "198.18.200.1"
#define PACKETS 200
#define PAYLOAD 64

static int home_ns = -1;

static void netns_cleanup(void)
{
	if (home_ns >= 0)
		setns(home_ns, CLONE_NEWNET);
	/* Deleting a namespace deletes its veth end, and the peer with it. */
	if (system("ip netns del " NS_A " 2>/dev/null; ip netns del " NS_B
		   " 2>/dev/null; true"))
		diag("namespace cleanup failed");
}

static int netns_enter(const char *name)
{
	char path[128];
	int fd, err;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = setns(fd, CLONE_NEWNET) ? -errno : 0;
	close(fd);
	return err;
}

static int netns_setup(void)
{
	netns_cleanup();
	return system("set -e; ip netns add " NS_A "; ip netns add " NS_B ";"
		      "ip -n " NS_A " link add " DEV_A " type veth peer name xcnt-b netns " NS_B ";"
		      "ip -n " NS_A " addr add " ADDR_A "/24 dev " DEV_A ";"
		      "ip -n " NS_B " addr add 198.18.200.2/24 dev xcnt-b;"
		      "ip -n " NS_A " link set " DEV_A " up; ip -n " NS_A " link set lo up;"
		      "ip -n " NS_B " link set xcnt-b up; ip -n " NS_B " link set lo up");
}

/* Sum the per-CPU values of one slot of the counting map. */
static __u64 count_read(int map_fd, __u32 slot)
{
	int ncpu = libbpf_num_possible_cpus();
	__u64 values[ncpu > 0 ? ncpu : 1], sum = 0;

	if (ncpu <= 0 || bpf_map_lookup_elem(map_fd, &slot, values))
		return 0;
	for (int i = 0; i < ncpu; i++)
		sum += values[i];
	return sum;
}

static int udp_send_burst(void)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9) };
	char payload[PAYLOAD] = "xdpdns";
	int fd, sent = 0;

	inet_pton(AF_INET, ADDR_A, &to.sin_addr);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	for (int i = 0; i < PACKETS; i++)
		if (sendto(fd, payload, sizeof(payload), 0, (void *)&to, sizeof(to)) ==
		    sizeof(payload))
			sent++;
	close(fd);
	return sent;
}

static void test_run_alone(void)
{
	unsigned char frame[64] = { 0 };
	struct xdp_count_bpf *skel;
	int err;

	skel = xdp_count_bpf__open_and_load();
	if (!ok(skel, "skeleton opens and loads"))
		return;
	DECLARE_LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame,
			    .data_size_in = sizeof(frame), .repeat = 1);
	err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.xdp_count), &opts);
	is_int(err, 0, "BPF_PROG_TEST_RUN runs");
	is_int(opts.retval, XDP_PASS, "verdict is XDP_PASS");
	is_int(count_read(bpf_map__fd(skel->maps.xdp_count_stats), 0), 1,
	       "one packet counted");
	is_int(count_read(bpf_map__fd(skel->maps.xdp_count_stats), 1),
	       sizeof(frame), "its bytes counted");
	xdp_count_bpf__destroy(skel);
}

static void test_attached(enum attach_mode mode)
{
	const char *name = attach_mode_name(mode);
	struct xdp_program *prog = NULL;
	struct xdp_count_bpf *skel;
	enum attach_mode used;
	__u64 packets, bytes;
	char errbuf[256];
	int err, sent;

	if (netns_enter(NS_A)) {
		ok(0, "%s: enter namespace " NS_A, name);
		return;
	}
	skel = xdp_count_bpf__open();
	if (!ok(skel, "%s: skeleton opens", name))
		return;
	err = attach_program(skel->obj, "xdp_count", DEV_A, mode, &used, &prog);
	if (!ok(err == 0, "%s: attached with libxdp to " DEV_A, name)) {
		diag("%s", attach_error_text(err, errbuf, sizeof(errbuf)));
		goto out;
	}
	is_int(used, mode, "%s: the mode asked for is the mode used", name);

	netns_enter(NS_B);
	sent = udp_send_burst();
	netns_enter(NS_A);
	is_int(sent, PACKETS, "%s: %d datagrams sent from " NS_B, name, PACKETS);

	packets = count_read(bpf_map__fd(skel->maps.xdp_count_stats), 0);
	bytes = count_read(bpf_map__fd(skel->maps.xdp_count_stats), 1);
	ok(packets >= PACKETS, "%s: program counted the datagrams (%llu packets)",
	   name, (unsigned long long)packets);
	ok(bytes >= (__u64)PACKETS * (14 + 20 + 8 + PAYLOAD),
	   "%s: and their bytes (%llu)", name, (unsigned long long)bytes);

	err = attach_detach(prog, DEV_A, used);
	is_int(err, 0, "%s: detached", name);
	is_int(attach_detach_by_name(DEV_A, "xdp_count"), 0,
	       "%s: nothing of ours is left on " DEV_A, name);
out:
	attach_program_close(prog);
	xdp_count_bpf__destroy(skel);
}

/* A second attachment that the owner lost track of (a restart) is found
 * and removed by name. */
static void test_detach_by_name(void)
{
	struct xdp_program *prog = NULL;
	struct xdp_count_bpf *skel;

	netns_enter(NS_A);
	skel = xdp_count_bpf__open();
	if (!skel || attach_program(skel->obj, "xdp_count", DEV_A,
				    ATTACH_MODE_AUTO, NULL, &prog)) {
		ok(0, "auto: attached");
		goto out;
	}
	ok(1, "auto: attached (veth resolves to %s)",
	   attach_mode_name(attach_mode_resolve(DEV_A)));
	is_int(attach_detach_by_name(DEV_A, "xdp_count"), 1,
	       "detach by name finds the program");
out:
	attach_program_close(prog);
	xdp_count_bpf__destroy(skel);
}

int main(void)
{
	if (geteuid() != 0)
		skip_all("needs root for BPF and namespaces");
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	/* libxdp announces its fallback when the dispatcher cannot load. */
	attach_set_print(false);
	is_int(bpffs_ensure_mounted("/sys/fs/bpf"), 0, "bpffs is mounted");
	test_run_alone();

	home_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	atexit(netns_cleanup);
	if (!ok(netns_setup() == 0, "namespaces and veth pair created"))
		return done_testing();
	test_attached(ATTACH_MODE_GENERIC);
	test_attached(ATTACH_MODE_NATIVE);
	test_detach_by_name();
	return done_testing();
}
