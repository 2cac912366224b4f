/* SPDX-License-Identifier: GPL-2.0 */
/* Header parsing of the XDP DNS responder: L2 to the question and OPT. */
#pragma once

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/in.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "xdpdns/dns_wire.h"
#include "maps.h"

/* Parse results that are not a counter: the packet is not ours. */
#define XDPDNS_NOT_OURS (-1)
/* Parse went on to the end: a plain query candidate. */
#define XDPDNS_PARSE_OK 0

/*
 * Offsets never exceed this; checking it keeps every packet offset bounded
 * for the verifier (jumbo frames are far below).
 */
#define XDPDNS_OFF_MAX 0x3fff

/*
 * Give the verifier an upper bound it can see: clang drops a mask that an
 * earlier comparison made redundant, the empty asm keeps it.
 */
#define XDPDNS_CLAMP(v, mask)                      \
	({                                         \
		__u32 _v = (v);                    \
		asm volatile("" : "+r"(_v));       \
		_v & (mask);                       \
	})

/* Where things are in the frame and what the query asked. */
struct xdpdns_pkt {
	__u32 l3_off;
	__u32 l4_off;
	__u32 dns_off;
	__u32 dns_end;		/* offset just past the DNS message */
	__u32 frame_len;
	__u32 name_len;		/* wire name length, root label included */
	__u32 q_end;		/* offset just past QTYPE and QCLASS */
	__u16 qtype;		/* host order */
	__u16 udp_size;		/* OPT class field, 0 without EDNS */
	__u8 family;		/* 4 or 6 */
	__u8 edns;		/* query carried an OPT record */
	__u8 do_bit;		/* DO bit of that OPT */
	__u8 flags_hi;		/* query flags, first byte */
	__u8 flags_lo;		/* query flags, second byte */
	__u8 ihl;		/* IPv4 header length in bytes */
	__u16 pad;
};

/*
 * xdpdns_listen_match() - is @k a listen address and port? A scan of the
 * live listen table in the info map, whose lookup the verifier inlines,
 * instead of a lookup in the listen hash map: a map call costs about 40 ns
 * on a machine with retpolines and "safe RET", a scan of a few keys a few
 * ns. The generation is read before and after the scan: if it moved, the
 * table may have been rewritten meanwhile (see struct xdpdns_info) and the
 * packet counts as not ours, which only hands it to the stack.
 *
 * Return: 1 when @k is in the table and the table did not change, else 0.
 */
static __always_inline int
xdpdns_listen_match(const struct xdpdns_listen_key *k)
{
	const __u32 *kw = (const __u32 *)k, *w;
	struct xdpdns_listen_table *t;
	struct xdpdns_info *info;
	__u32 zero = 0, gen, n, i;
	int found = 0;

	info = bpf_map_lookup_elem(&XDPDNS_MAP_INFO, &zero);
	if (!info)
		return 0;
	gen = *(volatile __u32 *)&info->listen_gen;
	t = &info->listen[gen & 1];
	n = t->count;
	for (i = 0; i < XDPDNS_LISTEN_MAX; i++) {
		if (i >= n)
			break;
		w = (const __u32 *)&t->keys[i];
		if (w[0] == kw[0] && w[1] == kw[1] && w[2] == kw[2] &&
		    w[3] == kw[3] && w[4] == kw[4]) {
			found = 1;
			break;
		}
	}
	/*
	 * A compiler barrier suffices on x86-64, which keeps loads in order;
	 * a weakly ordered CPU would need a read barrier here.
	 */
	asm volatile("" ::: "memory");
	return found && *(volatile __u32 *)&info->listen_gen == gen;
}

/*
 * xdpdns_port_listed() - the quick port filter from rodata: with
 * listen_port_count > 0, traffic to other UDP ports leaves as soon as its
 * UDP header is found, before the rest of the IP header is looked at.
 *
 * Return: 1 if @dport (network order) may be ours, else 0.
 */
static __always_inline int xdpdns_port_listed(__be16 dport)
{
	if (listen_port_count == 0)
		return 1;
	return dport == listen_ports[0] ||
	       (listen_port_count >= 2 && dport == listen_ports[1]) ||
	       (listen_port_count >= 3 && dport == listen_ports[2]) ||
	       (listen_port_count >= 4 && dport == listen_ports[3]);
}

/*
 * xdpdns_quick_not_ours() - a first look at fixed offsets for the commonest
 * traffic: untagged IPv4 without options, or IPv6 without extension
 * headers. Other protocols, and UDP to a port the rodata filter excludes,
 * are not ours, and leave without the full parse (which would decide the
 * same). Anything else, ours or not, goes on to xdpdns_parse_l2_l4().
 *
 * Return: 1 when surely not ours, else 0.
 */
static __always_inline int xdpdns_quick_not_ours(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u8 *p = data;
	__be16 proto;

	if ((void *)(p + ETH_HLEN + 40 + 4) > data_end)
		return 0;
	proto = *(__be16 *)(p + 12);
	if (proto == bpf_htons(ETH_P_IP) && p[ETH_HLEN] == 0x45) {
		if (p[ETH_HLEN + 9] != IPPROTO_UDP)
			return 1;
		return !xdpdns_port_listed(*(__be16 *)(p + ETH_HLEN + 20 + 2));
	}
	if (proto == bpf_htons(ETH_P_IPV6) && (p[ETH_HLEN] >> 4) == 6 &&
	    p[ETH_HLEN + 6] == IPPROTO_UDP)
		return !xdpdns_port_listed(*(__be16 *)(p + ETH_HLEN + 40 + 2));
	return 0;
}

struct xdpdns_vlan_hdr {
	__be16 tci;
	__be16 encap_proto;
};

/*
 * xdpdns_parse_l2_l4() - find the UDP header and decide whether the packet
 * is addressed to a listen address and port (contract 5).
 *
 * Return: XDPDNS_PARSE_OK when ours, XDPDNS_NOT_OURS otherwise, or
 * XDPDNS_CNT_PASS_MALFORMED for ours with inconsistent IP/UDP lengths.
 */
static __always_inline int xdpdns_parse_l2_l4(struct xdp_md *ctx,
					       struct xdpdns_pkt *pkt)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct xdpdns_listen_key lkey = {};
	struct ethhdr *eth = data;
	struct udphdr *udp;
	__u32 off = sizeof(*eth);
	__u32 ip_payload;
	__be16 proto;
	int i;

	if ((void *)(eth + 1) > data_end)
		return XDPDNS_NOT_OURS;
	/* One 16-bit load: through the packed struct ethhdr clang reads bytes. */
	proto = *(__be16 *)((__u8 *)data + 12);
	/* 802.1Q and 802.1ad (QinQ): up to two tags. */
#pragma unroll
	for (i = 0; i < 2; i++) {
		struct xdpdns_vlan_hdr *vlan = data + off;

		if (proto != bpf_htons(ETH_P_8021Q) &&
		    proto != bpf_htons(ETH_P_8021AD))
			break;
		if ((void *)(vlan + 1) > data_end)
			return XDPDNS_NOT_OURS;
		proto = vlan->encap_proto;
		off += sizeof(*vlan);
	}
	pkt->l3_off = off;
	pkt->frame_len = data_end - data;

	if (proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = data + off;
		__u32 ihl, tot_len;

		if ((void *)(ip + 1) > data_end)
			return XDPDNS_NOT_OURS;
		if (ip->protocol != IPPROTO_UDP || ip->version != 4)
			return XDPDNS_NOT_OURS;
		/* Fragments (MF set or an offset) go up for reassembly. */
		if (ip->frag_off & bpf_htons(0x3fff))
			return XDPDNS_NOT_OURS;
		ihl = ip->ihl * 4;
		if (ihl < sizeof(*ip))
			return XDPDNS_NOT_OURS;
		udp = data + off + ihl;
		if ((void *)(udp + 1) > data_end ||
		    !xdpdns_port_listed(udp->dest))
			return XDPDNS_NOT_OURS;
		lkey.family = 4;
		__builtin_memcpy(lkey.addr, &ip->daddr, 4);
		tot_len = bpf_ntohs(ip->tot_len);
		if (tot_len < ihl)
			return XDPDNS_NOT_OURS;
		ip_payload = tot_len - ihl;
		if (off + tot_len > pkt->frame_len)
			ip_payload = 0xffffffff;	/* marked malformed below */
		pkt->ihl = ihl;
		off += ihl;
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = data + off;

		if ((void *)(ip6 + 1) > data_end)
			return XDPDNS_NOT_OURS;
		/* Extension headers are left to the stack. */
		if (ip6->nexthdr != IPPROTO_UDP || ip6->version != 6)
			return XDPDNS_NOT_OURS;
		udp = (void *)(ip6 + 1);
		if ((void *)(udp + 1) > data_end ||
		    !xdpdns_port_listed(udp->dest))
			return XDPDNS_NOT_OURS;
		lkey.family = 6;
		__builtin_memcpy(lkey.addr, &ip6->daddr, 16);
		ip_payload = bpf_ntohs(ip6->payload_len);
		if (off + sizeof(*ip6) + ip_payload > pkt->frame_len)
			ip_payload = 0xffffffff;
		off += sizeof(*ip6);
	} else {
		return XDPDNS_NOT_OURS;
	}

	lkey.port = udp->dest;
	if (!xdpdns_listen_match(&lkey))
		return XDPDNS_NOT_OURS;

	pkt->family = lkey.family;
	pkt->l4_off = off;
	pkt->dns_off = off + sizeof(*udp);
	/*
	 * The UDP length must agree with the IP length, hold a DNS header and
	 * lie inside the frame (Ethernet padding may follow it).
	 */
	if (bpf_ntohs(udp->len) != ip_payload ||
	    ip_payload < sizeof(*udp) + XDPDNS_DNS_HDR_LEN)
		return XDPDNS_CNT_PASS_MALFORMED;
	pkt->dns_end = off + ip_payload;
	if (pkt->dns_end > XDPDNS_OFF_MAX)
		return XDPDNS_CNT_PASS_MALFORMED;
	return XDPDNS_PARSE_OK;
}

/*
 * xdpdns_parse_header() - accept only a plain QUERY (RFC 1035 4.1.1):
 * QR=0, opcode 0, TC=0, one question, no answer or authority records, at
 * most one additional record (checked to be OPT later).
 *
 * Return: XDPDNS_PARSE_OK or a pass reason.
 */
static __always_inline int xdpdns_parse_header(struct xdp_md *ctx,
					       struct xdpdns_pkt *pkt,
					       __u16 *arcount)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct xdpdns_dns_hdr *dns;
	__u32 off = pkt->dns_off;

	if (off > 128)
		return XDPDNS_CNT_PASS_MALFORMED;
	dns = data + off;
	if ((void *)(dns + 1) > data_end)
		return XDPDNS_CNT_PASS_MALFORMED;
	pkt->flags_hi = dns->flags_hi;
	pkt->flags_lo = dns->flags_lo;
	if (dns->flags_hi & (XDPDNS_DNS_QR | XDPDNS_DNS_OPCODE_MASK |
			     XDPDNS_DNS_TC))
		return XDPDNS_CNT_PASS_NOT_QUERY;
	if (dns->qdcount != bpf_htons(1) || dns->ancount || dns->nscount)
		return XDPDNS_CNT_PASS_NOT_QUERY;
	*arcount = bpf_ntohs(dns->arcount);
	if (*arcount > 1)
		return XDPDNS_CNT_PASS_NOT_QUERY;
	return XDPDNS_PARSE_OK;
}

/*
 * xdpdns_parse_qname() - walk the question name's labels: uncompressed,
 * labels 1..63 octets, 255 octets in all (RFC 1035 2.3.4, 4.1.4); a
 * pointer or a reserved label type is malformed for a query we answer.
 *
 * Return: XDPDNS_PARSE_OK with pkt->name_len set, or a pass reason.
 */
static __always_inline int xdpdns_parse_qname(struct xdp_md *ctx,
					      struct xdpdns_pkt *pkt)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 qname_off = pkt->dns_off + XDPDNS_DNS_HDR_LEN;
	__u32 pos = 0;
	int i;

	if (qname_off > 128)
		return XDPDNS_CNT_PASS_MALFORMED;
	/* At most 128 labels fit in 255 octets. */
	for (i = 0; i < 128; i++) {
		__u8 *p = data + qname_off + XDPDNS_CLAMP(pos, 0xff);
		__u8 len;

		if ((void *)(p + 1) > data_end)
			return XDPDNS_CNT_PASS_MALFORMED;
		len = *p;
		if (len == 0) {
			pkt->name_len = pos + 1;
			if (qname_off + pos + 1 + 4 > pkt->dns_end)
				return XDPDNS_CNT_PASS_MALFORMED;
			return XDPDNS_PARSE_OK;
		}
		if (len > 63)
			return XDPDNS_CNT_PASS_MALFORMED;
		pos += len + 1;
		/* Leave room for the root label within 255 octets. */
		if (pos > XDPDNS_NAME_MAX - 1)
			return XDPDNS_CNT_PASS_MALFORMED;
	}
	return XDPDNS_CNT_PASS_MALFORMED;
}

/*
 * xdpdns_parse_opt() - check the single additional record: an OPT record
 * (RFC 6891 6.1) with root owner, version 0, whose RDATA ends the message,
 * and whose options are only COOKIE (RFC 7873) or PADDING (RFC 7830).
 * Client Subnet and anything else go to userspace.
 *
 * Return: XDPDNS_PARSE_OK with pkt->udp_size and pkt->do_bit set, or a
 * pass reason.
 */
static __always_inline int xdpdns_parse_opt(struct xdp_md *ctx,
					    struct xdpdns_pkt *pkt)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 off = pkt->q_end;
	__u32 end = pkt->dns_end;
	__u16 rdlen;
	__u8 *p;
	int i;

	if (off > XDPDNS_OFF_MAX || end > XDPDNS_OFF_MAX)
		return XDPDNS_CNT_PASS_MALFORMED;
	if (off + XDPDNS_OPT_FIXED_LEN > end)
		return XDPDNS_CNT_PASS_MALFORMED;
	p = data + XDPDNS_CLAMP(off, XDPDNS_OFF_MAX);
	if ((void *)(p + XDPDNS_OPT_FIXED_LEN) > data_end)
		return XDPDNS_CNT_PASS_MALFORMED;
	/* Another additional record (TSIG, ...) is for userspace. */
	if (p[0] != 0 || p[1] != 0 || p[2] != XDPDNS_DNS_TYPE_OPT)
		return XDPDNS_CNT_PASS_NOT_QUERY;
	/* Version other than 0: userspace answers BADVERS (RFC 6891 6.1.3). */
	if (p[6] != 0)
		return XDPDNS_CNT_PASS_EDNS_OPTION;
	pkt->udp_size = ((__u16)p[3] << 8) | p[4];
	pkt->do_bit = !!(p[7] & 0x80);
	rdlen = ((__u16)p[9] << 8) | p[10];
	off += XDPDNS_OPT_FIXED_LEN;
	if (off + rdlen != end)
		return XDPDNS_CNT_PASS_MALFORMED;

	for (i = 0; i < 8; i++) {
		__u16 code, olen;

		if (off >= end)
			break;
		if (off + 4 > end || off > XDPDNS_OFF_MAX)
			return XDPDNS_CNT_PASS_MALFORMED;
		p = data + XDPDNS_CLAMP(off, XDPDNS_OFF_MAX);
		if ((void *)(p + 4) > data_end)
			return XDPDNS_CNT_PASS_MALFORMED;
		code = ((__u16)p[0] << 8) | p[1];
		olen = ((__u16)p[2] << 8) | p[3];
		off += 4 + olen;
		if (off > end)
			return XDPDNS_CNT_PASS_MALFORMED;
		if (code != XDPDNS_EDNS_OPT_COOKIE &&
		    code != XDPDNS_EDNS_OPT_PADDING)
			return XDPDNS_CNT_PASS_EDNS_OPTION;
	}
	/* More than 8 options: unusual enough for userspace. */
	if (off != end)
		return XDPDNS_CNT_PASS_EDNS_OPTION;
	pkt->edns = 1;
	return XDPDNS_PARSE_OK;
}
