// SPDX-License-Identifier: GPL-2.0
/* Toolchain probe: counts every packet per CPU and passes it on. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <xdp/xdp_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} xdp_count_stats SEC(".maps");

/* Slot 0 counts packets, slot 1 counts bytes. */
SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *value;

	value = bpf_map_lookup_elem(&xdp_count_stats, &key);
	if (value)
		*value += 1;
	key = 1;
	value = bpf_map_lookup_elem(&xdp_count_stats, &key);
	if (value)
		*value += ctx->data_end - ctx->data;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
