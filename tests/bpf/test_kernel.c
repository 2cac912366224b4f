// SPDX-License-Identifier: GPL-2.0
/* The kernel module (userspace/kernel.c): pin directory lock, flushing the
 * kernel cache below a name, replacing the listen map, and loading and
 * attaching xdp_dns on a veth in a private network namespace (replace,
 * reuse of the pinned maps, another layout version, detach). */
#include <sched.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "../unit/tap.h"
#include "cache.h"
#include "dns/message.h"
#include "kernel.h"
#include "resolve.h"
#include "server.h"
#include "test_xdp_lib.h"
#include "util/error.h"

static char pin_dir[128], pin_bad[160];

static void cleanup(void)
{
	char path[256];

	if (pin_dir[0])
		refill_maps_unpin(pin_dir);
	if (pin_bad[0]) {
		snprintf(path, sizeof(path), "%s/%s", pin_bad, XDPDNS_MAP_INFO_NAME);
		unlink(path);
		rmdir(pin_bad);
	}
}

static int put_a(const struct refill_maps *maps, const char *name)
{
	static const uint8_t a[4] = { 192, 0, 2, 7 };
	struct refill_params p = { .lifetime_s = 60, .secure = true };
	static struct xdpdns_cache_entry e;
	struct xdpdns_cache_key key;
	uint8_t m[512];
	size_t n = tx_resp_start(m, name, 1, 0);
	int err;

	n = tx_rr(m, n, 12, 1, 300, a, 4);
	tx_resp_counts(m, 1, 0, 0);
	err = refill_entry_build(m, n, maps->hash_seed, &p, &key, &e);
	return err ? err : refill_entry_put(maps, &key, &e);
}

/* Number of entries whose name is @text (lower case). */
static int count_name(const struct refill_maps *maps, const char *text)
{
	static struct xdpdns_cache_entry e;
	struct xdpdns_cache_key key;
	uint8_t name[XDPDNS_NAME_BUF] = { 0 };
	int n = 0, first = 1, steps = 0;

	tx_name(name, text);
	while (steps++ < 1024 &&
	       !bpf_map_get_next_key(maps->cache_fd, first ? NULL : &key, &key)) {
		first = 0;
		if (!bpf_map_lookup_elem(maps->cache_fd, &key, &e) &&
		    !memcmp(e.name, name, sizeof(name)))
			n++;
	}
	return n;
}

static void test_flush_below(const struct refill_maps *maps)
{
	static const char *const below[] = { "zone.test", "www.Zone.Test",
					     "a.b.zone.test" };
	static const char *const kept[] = { "notzone.test", "test", "zone.test2",
					    "other.test" };
	uint8_t name[DNS_NAME_MAXLEN];
	unsigned int deleted = 99;
	size_t i;
	int err = 0;

	for (i = 0; i < 3; i++)
		err |= put_a(maps, below[i]);
	for (i = 0; i < 4; i++)
		err |= put_a(maps, kept[i]);
	is_int(err, 0, "seven entries put");
	dns_name_from_text("ZONE.test.", name);
	is_int(refill_cache_flush_below(maps, name, &deleted), 0, "flush below ZONE.test");
	is_int(deleted, 3, "the name itself and two below it deleted (any case)");
	is_int(count_name(maps, "zone.test") + count_name(maps, "www.zone.test") +
	       count_name(maps, "a.b.zone.test"), 0, "none of them left");
	is_int(count_name(maps, "notzone.test") + count_name(maps, "test") +
	       count_name(maps, "zone.test2") + count_name(maps, "other.test"), 4,
	       "names that only end with the same characters, and parents, kept");
	dns_name_from_text(".", name);
	is_int(refill_cache_flush_below(maps, name, &deleted), 0, "flush below the root");
	is_int(deleted, 4, "the rest deleted");
}

static void test_listen_replace(const struct refill_maps *maps)
{
	const int family[2] = { 4, 6 };
	uint8_t addrs[2][16] = { { 198, 18, 2, 1 }, { 0xfd, 0x53, 0, 2, [15] = 1 } };
	const uint16_t ports[2] = { 53, 5353 };
	struct xdpdns_listen_key key, want4 = { .family = 4 }, want6 = { .family = 6 };
	int n = 0, found = 0, first = 1;
	__u32 value;

	/* tx_load() put 192.0.2.53 and 2001:db8::53 there. */
	is_int(kernel_listen_replace(maps, family, (const uint8_t (*)[16])addrs, ports, 2),
	       0, "listen map replaced");
	want4.port = htons(53);
	memcpy(want4.addr, addrs[0], 4);
	want6.port = htons(5353);
	memcpy(want6.addr, addrs[1], 16);
	while (n < 100 && !bpf_map_get_next_key(maps->listen_fd, first ? NULL : &key, &key)) {
		first = 0;
		n++;
		if (!bpf_map_lookup_elem(maps->listen_fd, &key, &value) &&
		    value == XDPDNS_LISTEN_ENABLED &&
		    (!memcmp(&key, &want4, sizeof(key)) || !memcmp(&key, &want6, sizeof(key))))
			found++;
	}
	is_int(n, 2, "exactly two listen entries");
	is_int(found, 2, "the new addresses and ports");
	is_int(kernel_listen_replace(maps, family, NULL, NULL, 0), 0, "emptied");
	ok(bpf_map_get_next_key(maps->listen_fd, NULL, &key) != 0, "listen map empty");
}

/* The daemon's hand-off: both DO forms, expiring with the userspace entry. */
static void test_handoff(const struct refill_maps *maps)
{
	static const uint8_t a[4] = { 192, 0, 2, 9 };
	static struct xdpdns_cache_entry e;
	struct xdpdns_cache_key key;
	struct cache_key ck;
	struct dns_msg msg;
	struct timespec boot;
	uint8_t m[512], name[DNS_NAME_MAXLEN];
	uint64_t stored = server_now_ms() / 1000 - 5, now_boot, left_ms;
	size_t n = tx_resp_start(m, "Hand.Off.test", 1, 0);
	int forms = 0, first = 1, steps = 0, ttl_ok = 1;

	n = tx_rr(m, n, 12, 1, 300, a, 4);
	tx_resp_counts(m, 1, 0, 0);
	dns_msg_init(&msg);
	if (!ok(dns_msg_parse(&msg, m, n) == 0, "a response parsed"))
		return;
	dns_name_from_text("Hand.Off.test.", name);
	cache_key_init(&ck, name, DNS_TYPE_A, DNS_CLASS_IN, false);
	is_int(resolve_handoff_kernel_cache_at(maps, &ck, &msg, 60, CACHE_SEC_BOGUS, stored),
	       -EINVAL, "Bogus refused with the maps open (contract 2)");
	is_int(resolve_handoff_kernel_cache_at(maps, &ck, &msg, 60, CACHE_SEC_INDETERMINATE,
					       stored), -EINVAL, "Indeterminate refused");
	is_int(count_name(maps, "hand.off.test"), 0, "nothing written for them");
	is_int(resolve_handoff_kernel_cache_at(maps, &ck, &msg, 60, CACHE_SEC_SECURE, stored),
	       0, "Secure answer handed off (stored 5 s ago)");
	clock_gettime(CLOCK_BOOTTIME, &boot);
	now_boot = (uint64_t)boot.tv_sec * 1000000000ull + (uint64_t)boot.tv_nsec;
	while (steps++ < 1024 &&
	       !bpf_map_get_next_key(maps->cache_fd, first ? NULL : &key, &key)) {
		first = 0;
		if (bpf_map_lookup_elem(maps->cache_fd, &key, &e) || e.name_len != 15)
			continue;
		forms |= 1 << (key.flags & XDPDNS_KEY_DO);
		/* 60 s from the start of the stored second: 54 to 55 s left,
		 * as the userspace entry's stored + 60 - now. */
		left_ms = (e.expiry_ns - now_boot) / 1000000;
		if (e.ttl_base != 60 || e.state != XDPDNS_STATE_SECURE ||
		    left_ms > 55000 || left_ms < 53900)
			ttl_ok = 0;
		if (!ttl_ok)
			diag("ttl_base %u, %llu ms left", e.ttl_base,
			     (unsigned long long)left_ms);
	}
	is_int(forms, 3, "two entries: DO=0 and DO=1 forms");
	ok(ttl_ok, "lifetime 60 s counted from the userspace entry's second");
	dns_msg_release(&msg);
}

static void test_lock(void)
{
	int fd, fd2;

	is_int(kernel_pin_lock("/proc/xdpdns-not-bpffs"), -ENOTSUP,
	       "pin path outside bpffs: -ENOTSUP");
	fd = kernel_pin_lock(pin_dir);
	ok(fd >= 0, "pin directory locked");
	fd2 = open(pin_dir, O_RDONLY | O_DIRECTORY);
	ok(fd2 >= 0 && flock(fd2, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK,
	   "a second locker waits");
	if (fd2 >= 0)
		close(fd2);
	if (fd >= 0)
		close(fd);
}

static int veth_up(void)
{
	return system("ip link add xk0 type veth peer name xk1 && "
		      "ip link set xk0 up && ip link set xk1 up");
}

static void test_attach(void)
{
	const char *dev = "xk0";
	struct kernel_opts o = { .pin_dir = pin_dir, .cache_entries = 512,
				 .mode = ATTACH_MODE_GENERIC };
	struct kernel *k = NULL, *k2 = NULL;
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	__u32 first_id;
	char err[512] = "";
	int ret;

	if (!ok(unshare(CLONE_NEWNET) == 0 && veth_up() == 0,
		"private network namespace with a veth pair"))
		return;
	attach_set_print(false);
	ret = kernel_load_and_attach(&o, &dev, 1, &k, err, sizeof(err));
	if (!ok(ret == 0, "load and attach on a veth")) {
		diag("%d: %s", ret, err);
		return;
	}
	is_int(k->link[0].mode, ATTACH_MODE_GENERIC, "generic mode");
	is_int(k->cache_entries, 512, "new cache map sized as asked");
	ok(bpf_xdp_query(if_nametoindex(dev), 0, &q) == 0 && q.skb_prog_id, "program in the skb slot");
	first_id = q.skb_prog_id;
	is_int(put_a(&k->maps, "kept.test"), 0, "entry put");
	kernel_free(k);	/* stays attached */

	o.replace = true;
	o.cache_entries = 4096;
	ret = kernel_load_and_attach(&o, &dev, 1, &k2, err, sizeof(err));
	is_int(ret, 0, "a second load replaces the attached program");
	ok(ret == 0 && bpf_xdp_query(if_nametoindex(dev), 0, &q) == 0 &&
	   q.skb_prog_id && q.skb_prog_id != first_id, "another program in the slot");
	ok(ret == 0 && k2->cache_entries == 512 && count_name(&k2->maps, "kept.test") == 1,
	   "pinned maps reused with their size and entries");
	is_int(ret == 0 ? kernel_detach(k2) : -1, 0, "detached");
	ok(bpf_xdp_query(if_nametoindex(dev), 0, &q) == 0 && !q.skb_prog_id && !q.prog_id,
	   "nothing attached any more");
	kernel_free(k2);

	/* Two interfaces in one call, one set of maps. */
	{
		const char *two[2] = { "xk0", "xk1" };
		LIBBPF_OPTS(bpf_xdp_query_opts, q1);

		k = NULL;
		ret = kernel_load_and_attach(&o, two, 2, &k, err, sizeof(err));
		ok(ret == 0 && k->nlinks == 2 &&
		   bpf_xdp_query(if_nametoindex("xk0"), 0, &q) == 0 && q.skb_prog_id &&
		   bpf_xdp_query(if_nametoindex("xk1"), 0, &q1) == 0 && q1.skb_prog_id,
		   "two interfaces attached in one call");
		ok(ret == 0 && count_name(&k->maps, "kept.test") == 1, "on the same pinned maps");
		is_int(ret == 0 ? kernel_detach(k) : -1, 0, "both detached");
		ok(bpf_xdp_query(if_nametoindex("xk0"), 0, &q) == 0 && !q.skb_prog_id &&
		   bpf_xdp_query(if_nametoindex("xk1"), 0, &q1) == 0 && !q1.skb_prog_id,
		   "nothing left on either");
		kernel_free(k);
		ret = kernel_load_and_attach(&o, (const char *[]){ "xk0", "nosuchdev9" }, 2,
					     &k, err, sizeof(err));
		ok(ret == -ENODEV && k == NULL && strstr(err, "nosuchdev9") &&
		   bpf_xdp_query(if_nametoindex("xk0"), 0, &q) == 0 && !q.skb_prog_id,
		   "an unknown interface: refused before anything is attached");
	}
}

static void test_layout(void)
{
	const char *dev = "xk0";
	struct kernel_opts o = { .pin_dir = pin_bad, .mode = ATTACH_MODE_GENERIC };
	struct xdpdns_info info = { .layout_version = 99,
				    .key_size = sizeof(struct xdpdns_cache_key),
				    .entry_size = sizeof(struct xdpdns_cache_entry) };
	struct kernel *k = NULL;
	char path[256], err[512] = "";
	__u32 zero = 0;
	int fd;

	snprintf(pin_bad, sizeof(pin_bad), "%s-layout", pin_dir);
	snprintf(path, sizeof(path), "%s/%s", pin_bad, XDPDNS_MAP_INFO_NAME);
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, XDPDNS_MAP_INFO_NAME, 4, sizeof(info), 1, NULL);
	if (!ok(mkdir(pin_bad, 0700) == 0 && fd >= 0 &&
		bpf_map_update_elem(fd, &zero, &info, 0) == 0 && bpf_obj_pin(fd, path) == 0,
		"an info map of layout version 99 pinned in %s", pin_bad))
		return;
	close(fd);
	is_int(kernel_load_and_attach(&o, &dev, 1, &k, err, sizeof(err)), XDPDNS_ELAYOUT,
	       "maps of another layout: XDPDNS_ELAYOUT");
	ok(strstr(err, "another layout version") != NULL, "clear message: %s", err);
}

int main(void)
{
	struct refill_maps maps;
	struct xdp_dns_bpf *skel;

	if (geteuid() != 0)
		skip_all("needs root for bpffs, BPF maps and namespaces");
	snprintf(pin_dir, sizeof(pin_dir), "/sys/fs/bpf/xdpdns-kernel-test-%d", getpid());
	atexit(cleanup);
	if (refill_bpffs_ensure(pin_dir))
		skip_all("no bpffs");
	libbpf_set_print(NULL);	/* libxdp's dispatcher fallback is expected */
	skel = tx_load(&maps, false);
	if (!skel)
		skip_all("cannot load xdp_dns: %s", strerror(errno));
	test_flush_below(&maps);
	test_listen_replace(&maps);
	test_handoff(&maps);
	refill_maps_close(&maps);
	xdp_dns_bpf__destroy(skel);
	test_lock();
	test_attach();
	test_layout();
	return done_testing();
}
