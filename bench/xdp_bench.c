// SPDX-License-Identifier: GPL-2.0
/* Nanoseconds per packet of the XDP responder under BPF_PROG_TEST_RUN, beside a do-nothing program. */
#include "../tests/bpf/test_xdp_lib.h"
#include "xdp_pass.skel.h"
#include "xdp_bench_probe.skel.h"

#define BENCH_REPEAT 1000000
#define BENCH_ROUNDS 7
/* Operations each probe program repeats (bpf/xdp_bench_probe.bpf.c). */
#define PROBE_OPS 4

struct bench_case {
	const char *name;
	int prog_fd;
	uint8_t frame[512];
	size_t len;
	bool restore;		/* the bench map must hold this frame */
	uint32_t grow;		/* restore-only: grow by this after restoring */
	int verdict;		/* of every run */
	int counter;		/* must move by the repeat count */
	int still;		/* must not move at all, or -1 */
	int ops;		/* probe: operations per run, else 0 */
	double ns[BENCH_ROUNDS];
};

static struct refill_maps maps;
static int bench_map_fd;

static uint64_t counter_sum(int c)
{
	struct xdpdns_stats s;

	memset(&s, 0, sizeof(s));
	refill_stats_read(&maps, &s, NULL, 0);
	return s.counter[c];
}

/* One timed call of BENCH_REPEAT runs; returns ns per run or -1. */
static double bench_run(struct bench_case *c)
{
	static uint8_t out[TX_FRAME_MAX];
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = c->frame,
		    .data_size_in = c->len, .data_out = out,
		    .data_size_out = sizeof(out), .repeat = BENCH_REPEAT);
	uint64_t before = 0, still = 0;
	__u32 zero = 0;

	if (c->restore) {
		static struct xdpdns_bench_frame bf;

		memset(&bf, 0, sizeof(bf));
		bf.len = c->len;
		bf.grow = c->grow;
		memcpy(bf.data, c->frame, c->len);
		if (bpf_map_update_elem(bench_map_fd, &zero, &bf, BPF_ANY))
			return -1;
	}
	if (c->counter >= 0)
		before = counter_sum(c->counter);
	if (c->still >= 0)
		still = counter_sum(c->still);
	if (bpf_prog_test_run_opts(c->prog_fd, &opts))
		return -1;
	/* The last verdict is returned; the counters vouch for every run. */
	if ((int)opts.retval != c->verdict) {
		fprintf(stderr, "%s: verdict %u, want %d\n", c->name, opts.retval,
			c->verdict);
		return -1;
	}
	if (c->counter >= 0 && counter_sum(c->counter) - before != BENCH_REPEAT) {
		fprintf(stderr, "%s: counter %s moved by %llu, want %d\n", c->name,
			refill_counter_name(c->counter),
			(unsigned long long)(counter_sum(c->counter) - before),
			BENCH_REPEAT);
		return -1;
	}
	if (c->still >= 0 && counter_sum(c->still) != still) {
		fprintf(stderr, "%s: counter %s moved\n", c->name,
			refill_counter_name(c->still));
		return -1;
	}
	return opts.duration;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(struct bench_case *c)
{
	double v[BENCH_ROUNDS];

	memcpy(v, c->ns, sizeof(v));
	qsort(v, BENCH_ROUNDS, sizeof(double), cmp_double);
	return v[BENCH_ROUNDS / 2];
}

static size_t make_query(uint8_t *f, const char *name, bool edns, bool do_bit,
			 const struct tx_frame_opts *o)
{
	struct tx_query q = { .id = 0xbeef, .name = name, .qtype = 1,
			      .flags = 0x0100, .edns = edns, .do_bit = do_bit };
	uint8_t m[512];
	size_t n = tx_query_build(m, &q);

	return tx_frame(f, o, m, n);
}

/* A response sent to the server's port: ours, but no query. */
static size_t make_response_frame(uint8_t *f, const struct tx_frame_opts *o)
{
	uint8_t m[512];
	size_t n = make_query(m, "www.example.com", false, false, o);

	m[14 + 20 + 8 + 2] |= XDPDNS_DNS_QR;	/* IPv4, no VLAN */
	memcpy(f, m, n);
	return n;
}

static int put_entries(void)
{
	static const uint8_t a[4] = { 192, 0, 2, 10 };
	struct refill_params p = { .lifetime_s = 3600, .secure = true };
	struct xdpdns_cache_key key;
	static struct xdpdns_cache_entry e;
	uint8_t m[1024], sig[300];
	size_t n, sl;
	int i;

	n = tx_resp_start(m, "www.example.com", 1, 0);
	n = tx_rr(m, n, 12, 1, 300, a, 4);
	tx_resp_counts(m, 1, 0, 0);
	if (refill_entry_build(m, n, maps.hash_seed, &p, &key, &e) ||
	    refill_entry_put(&maps, &key, &e))
		return -1;

	/* DO=1: the A record and an RRSIG with a 256-byte signature. */
	n = tx_resp_start(m, "www.example.com", 1, 0);
	n = tx_rr(m, n, 12, 1, 300, a, 4);
	memset(sig, 0, sizeof(sig));
	dns_put16(sig, 1);
	sig[2] = 8;
	sig[3] = 3;
	dns_put32(sig + 4, 300);
	sl = tx_name(sig + 18, "example.com");
	for (i = 0; i < 256; i++)
		sig[18 + sl + i] = i;
	n = tx_rr(m, n, 12, 46, 300, sig, 18 + sl + 256);
	tx_resp_counts(m, 2, 0, 0);
	p.do_bit = true;
	if (refill_entry_build(m, n, maps.hash_seed, &p, &key, &e) ||
	    refill_entry_put(&maps, &key, &e))
		return -1;
	return 0;
}

/* Load every probe program and put the keys their lookups find. */
static struct xdp_bench_probe_bpf *probes_load(void)
{
	struct xdp_bench_probe_bpf *pr = xdp_bench_probe_bpf__open();
	struct bpf_program *prog;
	__u32 k20[5] = { 1, 2, 3, 4, 5 }, v = 1;
	__u64 k16[2] = { 7, 8 }, v64 = 1;

	if (!pr)
		return NULL;
	bpf_object__for_each_program(prog, pr->obj)
		bpf_program__set_autoload(prog, true);
	if (xdp_bench_probe_bpf__load(pr) ||
	    bpf_map_update_elem(bpf_map__fd(pr->maps.probe_hash20), k20, &v, BPF_ANY) ||
	    bpf_map_update_elem(bpf_map__fd(pr->maps.probe_lru16), k16, &v64, BPF_ANY)) {
		xdp_bench_probe_bpf__destroy(pr);
		return NULL;
	}
	return pr;
}

int main(void)
{
	struct tx_frame_opts o4 = { .family = 4 };
	struct tx_frame_opts other_port = { .family = 4, .dport = 5353 };
	struct tx_frame_opts other_addr = { .family = 4, .dst = tx_other4 };
	struct xdp_pass_bpf *pass;
	struct xdp_dns_bpf *skel;
	struct xdp_bench_probe_bpf *pr;
	struct bench_case cases[24];
	double base, restore, restore_grow, tail_op = 0;
	int tail_case;
	const char *only;
	int ncase = 0, i, r, dns_fd, bench_fd, restore_fd, pass_fd;

	if (geteuid() != 0) {
		fprintf(stderr, "xdp_bench: needs root\n");
		return 1;
	}
	skel = tx_load(&maps, true);
	pass = xdp_pass_bpf__open_and_load();
	pr = probes_load();
	if (!skel || !pass || !pr || put_entries()) {
		fprintf(stderr, "xdp_bench: cannot load or fill the cache\n");
		return 1;
	}
	bench_map_fd = bpf_map__fd(skel->maps.xdpdns_bench);
	dns_fd = bpf_program__fd(skel->progs.xdp_dns);
	bench_fd = bpf_program__fd(skel->progs.xdp_dns_bench);
	restore_fd = bpf_program__fd(skel->progs.xdp_dns_bench_restore);
	pass_fd = bpf_program__fd(pass->progs.xdp_pass);

#define CASE(n, fd, q, rest, v, cnt, st)                                  \
	do {                                                              \
		struct bench_case *c = &cases[ncase];                     \
		c->len = (q);                                             \
		ncase++;                                                  \
		c->name = n;                                              \
		c->prog_fd = fd;                                          \
		c->restore = rest;                                        \
		c->verdict = v;                                           \
		c->counter = cnt;                                         \
		c->still = st;                                            \
	} while (0)
#define PROBE(n, prog)                                                    \
	do {                                                              \
		CASE(n, bpf_program__fd(pr->progs.prog),                  \
		     make_query(cases[ncase].frame, "www.example.com",    \
				false, false, &o4),                       \
		     false, XDP_PASS, -1, -1);                            \
		cases[ncase - 1].ops = PROBE_OPS;                         \
	} while (0)

	CASE("do-nothing XDP program", pass_fd,
	     make_query(cases[ncase].frame, "www.example.com", false, false, &o4),
	     false, XDP_PASS, -1, -1);
	CASE("restore only (bench harness)", restore_fd,
	     make_query(cases[ncase].frame, "www.example.com", false, false, &o4),
	     true, XDP_PASS, -1, -1);
	CASE("restore only, then grow by 16 B (as after an A hit)", restore_fd,
	     make_query(cases[ncase].frame, "www.example.com", false, false, &o4),
	     true, XDP_PASS, -1, -1);
	cases[ncase - 1].grow = 16;
	CASE("hit: A, DO=0 (restore included)", bench_fd,
	     make_query(cases[ncase].frame, "www.example.com", false, false, &o4),
	     true, XDP_TX, XDPDNS_CNT_ANSWERED, -1);
	CASE("hit: A + RRSIG, DO=1, 337 B (restore included)", bench_fd,
	     make_query(cases[ncase].frame, "www.example.com", true, true, &o4),
	     true, XDP_TX, XDPDNS_CNT_ANSWERED, -1);
	CASE("miss: plain query, not cached", dns_fd,
	     make_query(cases[ncase].frame, "nothere.example.com", false, false, &o4),
	     false, XDP_PASS, XDPDNS_CNT_PASS_MISS, -1);
	CASE("ours, not a query (QR=1)", dns_fd,
	     make_response_frame(cases[ncase].frame, &o4),
	     false, XDP_PASS, XDPDNS_CNT_PASS_NOT_QUERY, -1);
	CASE("not ours: UDP to another port", dns_fd,
	     make_query(cases[ncase].frame, "www.example.com", false, false, &other_port),
	     false, XDP_PASS, XDPDNS_CNT_SEEN, XDPDNS_CNT_OURS);
	CASE("not ours: DNS to another address", dns_fd,
	     make_query(cases[ncase].frame, "www.example.com", false, false, &other_addr),
	     false, XDP_PASS, XDPDNS_CNT_SEEN, XDPDNS_CNT_OURS);

	PROBE("empty BPF-to-BPF call (global function)", probe_bpf_call);
	PROBE("helper call, near-empty body (bpf_get_prandom_u32)", probe_helper_prandom);
	PROBE("bpf_ktime_get_boot_ns", probe_ktime_boot);
	PROBE("bpf_ktime_get_coarse_ns", probe_ktime_coarse);
	PROBE("per-CPU array lookup (inlined) + increment", probe_pcpu_inc);
	PROBE("hash lookup, 20-byte key, found", probe_hash20_hit);
	PROBE("hash lookup, 20-byte key, absent", probe_hash20_miss);
	PROBE("LRU hash lookup, 16-byte key, found", probe_lru16_hit);
	tail_case = ncase;
	PROBE("bpf_xdp_adjust_tail (+16 or -16)", probe_adjust_tail);
	PROBE("bpf_xdp_store_bytes, 8 bytes", probe_store_bytes);
	PROBE("direct packet loads, 8 words", probe_pkt_load);
	PROBE("direct packet stores, 8 words", probe_pkt_store);
	PROBE("least \"not ours\" filter: counter, IPv4 UDP port check (once)",
	      probe_min_filter);
	cases[ncase - 1].ops = 1;

	/*
	 * XDP_BENCH_ONLY=TEXT runs only the cases whose name holds TEXT (and
	 * the do-nothing baseline), for a profiler attached meanwhile.
	 */
	only = getenv("XDP_BENCH_ONLY");
	/* Rounds interleave the cases so that noise hits all of them alike. */
	for (r = 0; r < BENCH_ROUNDS; r++) {
		for (i = 0; i < ncase; i++) {
			if (only && i && !strstr(cases[i].name, only)) {
				cases[i].ns[r] = 0;
				continue;
			}
			cases[i].ns[r] = bench_run(&cases[i]);
			if (cases[i].ns[r] < 0) {
				fprintf(stderr, "xdp_bench: %s failed\n", cases[i].name);
				return 1;
			}
		}
	}
	base = median(&cases[0]);
	restore = median(&cases[1]);
	restore_grow = median(&cases[2]);
	if (!only)
		tail_op = (median(&cases[tail_case]) - base) / PROBE_OPS;
	printf("| case | ns/packet (median of %d x %d runs) | minus do-nothing | hit net of harness: bounds (estimate) |\n",
	       BENCH_ROUNDS, BENCH_REPEAT);
	printf("|---|---:|---:|---:|\n");
	for (i = 0; i < ncase; i++) {
		double m = median(&cases[i]);

		if (cases[i].ops)
			continue;
		if (cases[i].verdict == XDP_TX)
			printf("| %s | %.1f | %+.1f | %.1f .. %.1f (%.1f) |\n",
			       cases[i].name, m, m - base, m - restore_grow,
			       m - restore, m - restore_grow + tail_op);
		else
			printf("| %s | %.1f | %+.1f | |\n", cases[i].name, m,
			       m - base);
	}
	printf("\nA hit's run first restores the query (a copy and a shrink of the\n"
	       "previous answer). \"Net of harness\" subtracts the restore-only\n"
	       "program that also grows the frame (lower bound: one grow too many)\n"
	       "or that does not (upper bound: the shrink not subtracted); the\n"
	       "estimate adds one bpf_xdp_adjust_tail (probe below) to the lower\n"
	       "bound.\n");
	printf("\n| operation (probe programs repeat it %d times unless noted) | ns/run | ns per operation |\n",
	       PROBE_OPS);
	printf("|---|---:|---:|\n");
	for (i = 0; i < ncase; i++) {
		double m = median(&cases[i]);

		if (cases[i].ops)
			printf("| %s | %.1f | %.1f |\n", cases[i].name, m,
			       (m - base) / cases[i].ops);
	}
	/* XDP_BENCH_HOLD=SECONDS keeps the programs loaded, for bpftool. */
	if (getenv("XDP_BENCH_HOLD"))
		sleep(atoi(getenv("XDP_BENCH_HOLD")));
	refill_maps_close(&maps);
	xdp_bench_probe_bpf__destroy(pr);
	xdp_pass_bpf__destroy(pass);
	xdp_dns_bpf__destroy(skel);
	return 0;
}
