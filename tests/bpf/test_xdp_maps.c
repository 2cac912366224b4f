// SPDX-License-Identifier: GPL-2.0
/* Pinned maps, layout version checks, entry building rules, memory per entry. */
#include "../unit/tap.h"
#include "test_xdp_lib.h"
#include "util/error.h"

static char pin_dir[128];

static void cleanup(void)
{
	if (pin_dir[0])
		refill_maps_unpin(pin_dir);
}

static struct xdp_dns_bpf *load_pinned(struct refill_maps *maps, uint32_t entries,
				       int *err)
{
	struct xdp_dns_bpf *skel = xdp_dns_bpf__open();
	uint64_t seed;

	*err = -ENOMEM;
	if (!skel)
		return NULL;
	*err = refill_object_prepare(skel->obj, pin_dir, entries, &seed);
	if (*err)
		goto fail;
	skel->rodata->name_hash_seed = seed;
	*err = xdp_dns_bpf__load(skel);
	if (*err)
		goto fail;
	*err = refill_object_finish(skel->obj, seed, maps);
	if (*err)
		goto fail;
	return skel;
fail:
	xdp_dns_bpf__destroy(skel);
	return NULL;
}

static size_t a_response(uint8_t *m, const char *name, uint32_t ttl)
{
	static const uint8_t a[4] = { 192, 0, 2, 7 };
	size_t n = tx_resp_start(m, name, 1, 0);

	n = tx_rr(m, n, 12, 1, ttl, a, 4);
	tx_resp_counts(m, 1, 0, 0);
	return n;
}

static void test_pinning(void)
{
	struct refill_maps m1, m2, m3;
	struct xdp_dns_bpf *s1, *s2;
	struct refill_params p = { .lifetime_s = 60, .secure = true };
	struct xdpdns_cache_key key, got;
	static struct xdpdns_cache_entry e;
	struct xdpdns_info info;
	uint8_t resp[512];
	size_t n;
	__u32 zero = 0;
	int err;

	snprintf(pin_dir, sizeof(pin_dir), "/sys/fs/bpf/xdpdns-test-%d", getpid());
	atexit(cleanup);
	ok(refill_bpffs_ensure(pin_dir) == 0, "bpffs mounted, pin dir made");
	s1 = load_pinned(&m1, 256, &err);
	if (!ok(s1 != NULL, "load with maps pinned in %s", pin_dir)) {
		diag("%s", xdpdns_strerror(err));
		return;
	}
	n = a_response(resp, "Pin.Example", 300);
	ok(refill_entry_build(resp, n, m1.hash_seed, &p, &key, &e) == 0 &&
	   refill_entry_put(&m1, &key, &e) == 0, "entry put through the loader's maps");

	/* The CLI's view: the pins alone. */
	ok(refill_maps_open(&m3, pin_dir) == 0, "pinned maps open");
	is_int(m3.hash_seed == m1.hash_seed, 1, "same hash seed");
	ok(bpf_map_get_next_key(m3.cache_fd, NULL, &got) == 0 &&
	   memcmp(&got, &key, sizeof(key)) == 0, "entry visible through the pins");
	refill_maps_close(&m3);

	/* A daemon restart: a second load reuses the pinned cache. */
	s2 = load_pinned(&m2, 256, &err);
	ok(s2 != NULL && m2.hash_seed == m1.hash_seed, "reload reuses pins and seed");
	if (s2)
		ok(bpf_map_get_next_key(m2.cache_fd, NULL, &got) == 0,
		   "cache survives the reload");

	/* A layout mismatch is an error, never a misread. */
	bpf_map_lookup_elem(m1.info_fd, &zero, &info);
	info.layout_version = XDPDNS_LAYOUT_VERSION + 1;
	bpf_map_update_elem(m1.info_fd, &zero, &info, BPF_ANY);
	is_int(refill_maps_open(&m3, pin_dir), XDPDNS_ELAYOUT,
	       "open refuses another layout version");
	{
		struct xdp_dns_bpf *s3 = xdp_dns_bpf__open();
		uint64_t seed;

		is_int(refill_object_prepare(s3->obj, pin_dir, 0, &seed),
		       XDPDNS_ELAYOUT, "loader refuses another layout version");
		xdp_dns_bpf__destroy(s3);
	}
	info.layout_version = XDPDNS_LAYOUT_VERSION;
	info.entry_size = 1;
	bpf_map_update_elem(m1.info_fd, &zero, &info, BPF_ANY);
	is_int(refill_maps_open(&m3, pin_dir), XDPDNS_ELAYOUT,
	       "open refuses another entry size");

	if (s2) {
		refill_maps_close(&m2);
		xdp_dns_bpf__destroy(s2);
	}
	refill_maps_close(&m1);
	xdp_dns_bpf__destroy(s1);
	ok(refill_maps_unpin(pin_dir) == 0, "pins removed");
	is_int(refill_maps_open(&m3, pin_dir), -ENOENT, "nothing pinned any more");
	pin_dir[0] = 0;
}

/* Sum of the records with TTLs zeroed, computed here byte by byte. */
static uint16_t ref_rec_sum(const uint8_t *msg, size_t q_end, size_t len,
			    const struct xdpdns_cache_entry *e)
{
	uint8_t buf[2048] = { 0 };
	size_t i;

	memcpy(buf + q_end, msg + q_end, len - q_end);
	for (i = 0; i < e->ttl_count; i++)
		memset(buf + q_end + e->ttl_off[i], 0, 4);
	return tx_fold(tx_sum(buf + (q_end & ~1UL), len - (q_end & ~1UL), 0));
}

static void test_build(const struct refill_maps *maps)
{
	struct refill_params p = { .lifetime_s = 60, .secure = false };
	struct xdpdns_cache_key key;
	static struct xdpdns_cache_entry e;
	uint8_t m[4096], lower[64];
	size_t n, i;
	uint64_t before;
	int err;

	n = a_response(m, "MiXeD.Example.COM", 300);
	before = tx_boottime_ns();
	err = refill_entry_build(m, n, 42, &p, &key, &e);
	ok(err == 0, "plain A response builds");
	tx_name(lower, "mixed.example.com");
	ok(e.name_len == 19 && memcmp(e.name, lower, 19) == 0 && e.name[19] == 0,
	   "name lower-cased and zero padded");
	ok(key.name_hash == refill_name_key_hash(lower, 42) &&
	   key.name_hash != refill_name_key_hash(lower, 43), "hash uses the seed");
	ok(key.qtype == 1 && key.qclass == 1 && key.flags == 0, "key fields");
	ok(e.rec_len == 16 && e.an_count == 1 && e.ttl_count == 1 && e.ttl_off[0] == 6,
	   "records and TTL offset");
	ok(e.state == XDPDNS_STATE_INSECURE && e.ttl_base == 60 &&
	   e.expiry_ns >= before + 60000000000ULL &&
	   e.expiry_ns <= tx_boottime_ns() + 60000000000ULL, "state and expiry");
	is_int(e.rec_sum, ref_rec_sum(m, 12 + 19 + 4, n, &e), "records sum, odd start");
	n = a_response(m, "even.example.com", 300);
	refill_entry_build(m, n, 42, &p, &key, &e);
	is_int(e.rec_sum, ref_rec_sum(m, 12 + 18 + 4, n, &e), "records sum, even start");

	/* Refusals. */
	p.lifetime_s = 0;
	is_int(refill_entry_build(m, n, 42, &p, &key, &e), -EINVAL, "lifetime 0");
	p.lifetime_s = 60;
	m[2] |= 0x02;
	is_int(refill_entry_build(m, n, 42, &p, &key, &e), -EINVAL, "TC set");
	m[2] &= ~0x82;
	is_int(refill_entry_build(m, n, 42, &p, &key, &e), -EINVAL, "not a response");
	m[2] |= 0x80;
	m[n - 16] = 0xc0;	/* owner pointer into the header */
	m[n - 15] = 4;
	ok(refill_entry_build(m, n, 42, &p, &key, &e) != 0, "pointer into the header");
	m[n - 15] = 12;
	/* An OPT with an extended RCODE (BADVERS). */
	m[n] = 0;
	dns_put16(m + n + 1, 41);
	dns_put16(m + n + 3, 1232);
	dns_put32(m + n + 5, 0x01000000);
	dns_put16(m + n + 9, 0);
	tx_resp_counts(m, 1, 0, 1);
	is_int(refill_entry_build(m, n + 11, 42, &p, &key, &e), -EINVAL,
	       "extended RCODE");
	dns_put32(m + n + 5, 0x8000);
	ok(refill_entry_build(m, n + 11, 42, &p, &key, &e) == 0 && e.ar_count == 0 &&
	   e.rec_len == 16, "OPT stripped, ARCOUNT without it");
	/* OPT not last: an A record after it. */
	memcpy(m + n + 11, m + n - 16, 16);
	tx_resp_counts(m, 1, 0, 2);
	is_int(refill_entry_build(m, n + 27, 42, &p, &key, &e), -EINVAL, "OPT not last");

	/* Too many records, too many bytes. */
	n = tx_resp_start(m, "many.example", 1, 0);
	for (i = 0; i < 33; i++) {
		uint8_t a[4] = { 10, 0, 0, (uint8_t)i };

		n = tx_rr(m, n, 12, 1, 300, a, 4);
	}
	tx_resp_counts(m, 33, 0, 0);
	is_int(refill_entry_build(m, n, 42, &p, &key, &e), -E2BIG, "33 records");
	tx_resp_counts(m, 32, 0, 0);
	ok(refill_entry_build(m, n - 16, 42, &p, &key, &e) == 0 && e.ttl_count == 32,
	   "32 records fit");
	n = tx_resp_start(m, "big.example", 16, 0);
	{
		uint8_t txt[1200];

		for (i = 0; i < 6; i++) {
			txt[i * 200] = 199;
			memset(txt + i * 200 + 1, 'x', 199);
		}
		n = tx_rr(m, n, 12, 16, 300, txt, 1200);
	}
	tx_resp_counts(m, 1, 0, 0);
	is_int(refill_entry_build(m, n, 42, &p, &key, &e), -E2BIG, "records over XDPDNS_REC_MAX bytes");

	/* Map operations. */
	n = a_response(m, "one.example", 300);
	refill_entry_build(m, n, maps->hash_seed, &p, &key, &e);
	ok(refill_entry_put(maps, &key, &e) == 0, "put");
	n = a_response(m, "two.example", 300);
	refill_entry_build(m, n, maps->hash_seed, &p, &key, &e);
	ok(refill_entry_put(maps, &key, &e) == 0, "put another");
	ok(refill_entry_delete(maps, &key) == 0, "delete");
	is_int(refill_entry_delete(maps, &key), -ENOENT, "delete again: ENOENT");
	{
		unsigned int deleted = 0;
		struct xdpdns_cache_key k;

		ok(refill_cache_flush(maps, &deleted) == 0 && deleted == 1, "flush");
		ok(bpf_map_get_next_key(maps->cache_fd, NULL, &k) != 0, "cache empty");
	}
	{
		struct xdpdns_stats sum, per[512];
		int ncpu = refill_stats_read(maps, &sum, per, 512);

		ok(ncpu >= 1, "stats read for %d CPUs", ncpu);
	}
	is_int(refill_listen_add(maps, 5, tx_server4, 53), -EAFNOSUPPORT, "family 5");
	ok(refill_listen_delete(maps, 4, tx_server4, 53) == 0, "listen delete");
}

/* Kernel memory of a full cache, from the map's fdinfo (memlock). */
static void test_memory(void)
{
	const uint32_t entries = 8192;
	struct refill_maps maps;
	struct xdp_dns_bpf *skel = xdp_dns_bpf__open();
	char path[64], line[256];
	unsigned long long memlock = 0;
	uint64_t seed;
	FILE *fh;

	if (!skel || refill_object_prepare(skel->obj, NULL, entries, &seed) ||
	    xdp_dns_bpf__load(skel) || refill_object_finish(skel->obj, seed, &maps)) {
		ok(0, "load with %u entries", entries);
		xdp_dns_bpf__destroy(skel);
		return;
	}
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", maps.cache_fd);
	fh = fopen(path, "r");
	while (fh && fgets(line, sizeof(line), fh))
		sscanf(line, "memlock: %llu", &memlock);
	if (fh)
		fclose(fh);
	diag("cache of %u entries: memlock %llu bytes, %llu per entry", entries,
	     memlock, memlock / entries);
	ok(memlock > 0 && memlock / entries <= 1536,
	   "at most 1.5 KiB of kernel memory per entry (%llu)", memlock / entries);
	refill_maps_close(&maps);
	xdp_dns_bpf__destroy(skel);
}

int main(void)
{
	struct refill_maps maps;
	struct xdp_dns_bpf *skel;

	if (geteuid() != 0)
		skip_all("needs root for bpffs and BPF maps");
	test_pinning();
	skel = tx_load(&maps, false);
	if (!skel)
		skip_all("cannot load xdp_dns: %s", strerror(errno));
	test_build(&maps);
	refill_maps_close(&maps);
	xdp_dns_bpf__destroy(skel);
	test_memory();
	return done_testing();
}
