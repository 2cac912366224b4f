/* SPDX-License-Identifier: GPL-2.0 */
/* Checksum arithmetic and header rewriting for answers sent with XDP_TX. */
#pragma once

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "parse.h"

/*
 * Checksums here are ones-complement sums (RFC 1071) of 16-bit words read
 * big-endian, accumulated in 64 bits and folded at the end. A run of bytes
 * that starts at an odd offset of the UDP payload sums to the byte-swapped
 * value of the same bytes at an even offset (RFC 1071 2(B)).
 */

/* Fold a 64-bit accumulator to 16 bits. */
static __always_inline __u32 xdpdns_csum_fold(__u64 s)
{
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (__u32)s;
}

/* Byte-swap a folded 16-bit sum. */
static __always_inline __u32 xdpdns_csum_swap(__u32 s)
{
	return ((s & 0xff) << 8) | (s >> 8);
}

/* Sum of a 32-bit big-endian value at an even offset. */
static __always_inline __u32 xdpdns_csum_u32(__u32 v)
{
	return (v >> 16) + (v & 0xffff);
}

/*
 * xdpdns_swap_l2_l3() - turn the query's Ethernet and IP headers around
 * and set the IP lengths for a UDP payload of @udp_len bytes. IPv4 options
 * are overwritten with NOPs (the stack would not echo them) and the header
 * checksum is computed from the new header.
 *
 * Return: 0, or -1 if the headers are no longer where the parse found them.
 */
static __always_inline int xdpdns_swap_l2_l3(struct xdp_md *ctx,
					     const struct xdpdns_pkt *pkt,
					     __u32 udp_len, __u64 *pseudo)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u8 *m = data;
	__u32 l3 = pkt->l3_off, dst4, src4;
	__u16 dst2, src2;

	if ((void *)(m + ETH_HLEN) > data_end || l3 > 64)
		return -1;
	/*
	 * MACs swapped as 4 + 2 bytes each: struct ethhdr is packed, and
	 * memcpy through it moves them byte by byte.
	 */
	dst4 = *(__u32 *)m;
	dst2 = *(__u16 *)(m + 4);
	src4 = *(__u32 *)(m + 6);
	src2 = *(__u16 *)(m + 10);
	*(__u32 *)m = src4;
	*(__u16 *)(m + 4) = src2;
	*(__u32 *)(m + 6) = dst4;
	*(__u16 *)(m + 10) = dst2;

	if (pkt->family == 4) {
		struct iphdr *ip = data + l3;
		__u32 ihl = pkt->ihl, tot_len = ihl + udp_len;
		__u16 *w = (__u16 *)ip;
		__u64 s = 0;
		__be32 saddr, daddr;
		__u8 *opt;
		int i;

		if ((void *)(ip + 1) > data_end || ihl > 60)
			return -1;
		/*
		 * The header sum from the words as they will be, taken before
		 * the stores: reading back words just written with stores of
		 * other sizes stalls store-to-load forwarding.
		 */
		saddr = ip->saddr;
		daddr = ip->daddr;
		s = xdpdns_csum_u32(bpf_ntohl(saddr)) +
		    xdpdns_csum_u32(bpf_ntohl(daddr));
		*pseudo = s + IPPROTO_UDP + udp_len;
		/* version/IHL/TOS, ID, fragment word, then TTL 64/protocol. */
		s += bpf_ntohs(w[0]) + bpf_ntohs(w[2]) + bpf_ntohs(w[3]) +
		     (64 << 8) + ip->protocol + tot_len;
		ip->saddr = daddr;
		ip->daddr = saddr;
		ip->tot_len = bpf_htons(tot_len);
		ip->ttl = 64;
		/* Options: 0x01 (NOP) in every byte, each word sums to 0x0101. */
		opt = (__u8 *)(ip + 1);
		for (i = 0; i < 40; i++) {
			if (i >= (int)ihl - 20)
				break;
			if ((void *)(opt + i + 1) > data_end)
				return -1;
			opt[i] = 1;
		}
		s += ((ihl - 20) / 2) * 0x0101;
		ip->check = bpf_htons(~xdpdns_csum_fold(s) & 0xffff);
	} else {
		struct ipv6hdr *ip6 = data + l3;
		struct in6_addr addr;
		__u32 *a;
		__u64 s = 0;
		int i;

		if ((void *)(ip6 + 1) > data_end)
			return -1;
		addr = ip6->saddr;
		ip6->saddr = ip6->daddr;
		ip6->daddr = addr;
		ip6->payload_len = bpf_htons(udp_len);
		ip6->hop_limit = 64;
		a = (__u32 *)&ip6->saddr;
#pragma unroll
		for (i = 0; i < 8; i++)
			s += xdpdns_csum_u32(bpf_ntohl(a[i]));
		*pseudo = s + IPPROTO_UDP + udp_len;
	}
	return 0;
}
