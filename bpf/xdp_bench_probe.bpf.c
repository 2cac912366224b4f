// SPDX-License-Identifier: GPL-2.0
/* Bench only: XDP programs that each repeat one basic operation, to price it on this machine. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/*
 * bench/xdp_bench.c times each program beside a do-nothing one under
 * BPF_PROG_TEST_RUN; the difference divided by PROBE_OPS is the cost of
 * one operation. The kernel reports whole ns per run, so repeating the
 * operation PROBE_OPS times gives quarter-ns resolution. Every program
 * returns XDP_PASS and leaves the frame as it found it.
 */
#define PROBE_OPS 4

/* A hash map keyed like the listen map (20 bytes), one key present. */
struct probe_key20 {
	__u32 w[5];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, struct probe_key20);
	__type(value, __u32);
} probe_hash20 SEC(".maps");

/* An LRU hash keyed like the cache (16 bytes), one key present. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64[2]);
	__type(value, __u64);
} probe_lru16 SEC(".maps");

/* A per-CPU array of counters, like the stats map. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} probe_pcpu SEC(".maps");

/* Sink so that the compiler keeps every result. */
volatile __u64 probe_sink;

/* An empty BPF-to-BPF call: what a global (non-inlined) function costs. */
__noinline int probe_empty_fn(struct xdp_md *ctx)
{
	return ctx ? 1 : 0;
}

SEC("?xdp")
int probe_bpf_call(struct xdp_md *ctx)
{
	int i, s = 0;

#pragma unroll
	for (i = 0; i < PROBE_OPS; i++)
		s += probe_empty_fn(ctx);
	probe_sink = s;
	return XDP_PASS;
}

/* A helper with an almost empty body: the price of a helper call alone. */
SEC("?xdp")
int probe_helper_prandom(struct xdp_md *ctx)
{
	__u64 s = 0;
	int i;

#pragma unroll
	for (i = 0; i < PROBE_OPS; i++)
		s += bpf_get_prandom_u32();
	probe_sink = s;
	return XDP_PASS;
}

SEC("?xdp")
int probe_ktime_boot(struct xdp_md *ctx)
{
	__u64 s = 0;
	int i;

#pragma unroll
	for (i = 0; i < PROBE_OPS; i++)
		s += bpf_ktime_get_boot_ns();
	probe_sink = s;
	return XDP_PASS;
}

SEC("?xdp")
int probe_ktime_coarse(struct xdp_md *ctx)
{
	__u64 s = 0;
	int i;

#pragma unroll
	for (i = 0; i < PROBE_OPS; i++)
		s += bpf_ktime_get_coarse_ns();
	probe_sink = s;
	return XDP_PASS;
}

/* Per-CPU array lookup (inlined by the verifier) and an increment. */
SEC("?xdp")
int probe_pcpu_inc(struct xdp_md *ctx)
{
	__u32 zero = 0;
	__u64 *v;
	int i;

#pragma unroll
	for (i = 0; i < PROBE_OPS; i++) {
		v = bpf_map_lookup_elem(&probe_pcpu, &zero);
		if (v)
			(*v)++;
	}
	return XDP_PASS;
}

/* Hash lookup with a 20-byte key that is present (key 1,2,3,4,5). */
SEC("?xdp")
int probe_hash20_hit(struct xdp_md *ctx)
{
	struct probe_key20 k = { { 1, 2, 3, 4, 5 } };
	__u64 s = 0;
	int i;

#pragma unroll
	for (i = 0; i < PROBE_OPS; i++) {
		k.w[4] = 5 + (probe_sink & 0);	/* keep the key in memory */
		s += bpf_map_lookup_elem(&probe_hash20, &k) != 0;
	}
	probe_sink = s;
	return XDP_PASS;
}

/* The same map, a key that is absent. */
SEC("?xdp")
int probe_hash20_miss(struct xdp_md *ctx)
{
	struct probe_key20 k = { { 1, 2, 3, 4, 6 } };
	__u64 s = 0;
	int i;

#pragma unroll
	for (i = 0; i < PROBE_OPS; i++) {
		k.w[4] = 6 + (probe_sink & 0);
		s += bpf_map_lookup_elem(&probe_hash20, &k) != 0;
	}
	probe_sink = s;
	return XDP_PASS;
}

/* LRU hash lookup with a 16-byte key that is present (key 7,8). */
SEC("?xdp")
int probe_lru16_hit(struct xdp_md *ctx)
{
	__u64 k[2] = { 7, 8 };
	__u64 s = 0;
	int i;

#pragma unroll
	for (i = 0; i < PROBE_OPS; i++) {
		k[1] = 8 + (probe_sink & 0);
		s += bpf_map_lookup_elem(&probe_lru16, k) != 0;
	}
	probe_sink = s;
	return XDP_PASS;
}

/* bpf_xdp_adjust_tail: grow by 16 then shrink back, twice (4 calls). */
SEC("?xdp")
int probe_adjust_tail(struct xdp_md *ctx)
{
	int i;

#pragma unroll
	for (i = 0; i < PROBE_OPS / 2; i++) {
		if (bpf_xdp_adjust_tail(ctx, 16))
			return XDP_ABORTED;
		if (bpf_xdp_adjust_tail(ctx, -16))
			return XDP_ABORTED;
	}
	return XDP_PASS;
}

/* bpf_xdp_store_bytes of 8 bytes at offset 0, rewriting what is there. */
SEC("?xdp")
int probe_store_bytes(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u64 w;
	int i;

	if (data + 8 > data_end)
		return XDP_ABORTED;
	w = *(__u64 *)data;
#pragma unroll
	for (i = 0; i < PROBE_OPS; i++)
		if (bpf_xdp_store_bytes(ctx, 0, &w, sizeof(w)))
			return XDP_ABORTED;
	return XDP_PASS;
}

/* Direct loads of the frame's first 64 bytes, 8 words per operation. */
SEC("?xdp")
int probe_pkt_load(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u64 *w = data, s = 0;
	int i, k;

	if ((void *)(w + 8) > data_end)
		return XDP_ABORTED;
#pragma unroll
	for (k = 0; k < PROBE_OPS; k++) {
#pragma unroll
		for (i = 0; i < 8; i++)
			s += ((volatile __u64 *)w)[i];
	}
	probe_sink = s;
	return XDP_PASS;
}

/* Direct stores of 64 bytes over the frame's first 64 (same values). */
SEC("?xdp")
int probe_pkt_store(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u64 *w = data, v[8];
	int i, k;

	if ((void *)(w + 8) > data_end)
		return XDP_ABORTED;
#pragma unroll
	for (i = 0; i < 8; i++)
		v[i] = w[i];
#pragma unroll
	for (k = 0; k < PROBE_OPS; k++) {
#pragma unroll
		for (i = 0; i < 8; i++)
			((volatile __u64 *)w)[i] = v[i];
	}
	return XDP_PASS;
}

/*
 * The least a "not ours" verdict can cost: bump a per-CPU counter, find
 * an untagged IPv4 UDP header and compare its port with a constant. Run
 * once (not PROBE_OPS times): the bench reports it per run.
 */
SEC("?xdp")
int probe_min_filter(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u8 *p = data;
	__u32 zero = 0;
	__u64 *v;

	v = bpf_map_lookup_elem(&probe_pcpu, &zero);
	if (v)
		(*v)++;
	if ((void *)(p + 38) > data_end)
		return XDP_PASS;
	if (*(__u16 *)(p + 12) != bpf_htons(0x0800) || p[14] != 0x45 ||
	    p[23] != 17)
		return XDP_PASS;
	if (*(__u16 *)(p + 36) != bpf_htons(5353))
		return XDP_PASS;
	probe_sink++;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
