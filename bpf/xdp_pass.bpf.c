// SPDX-License-Identifier: GPL-2.0
/* Do-nothing XDP program: the baseline the bench measures the responder against. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
