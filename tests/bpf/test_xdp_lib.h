/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers of the XDP responder tests: load, craft frames, run, check answers. */
#pragma once

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dns/message.h"
#include "refill.h"
#include "xdp_dns.skel.h"
#include "xdpdns/dns_wire.h"
#include "xdpdns/shared.h"

#define TX_FRAME_MAX 4096

/* Addresses of the test world. */
static const uint8_t tx_server4[4] = { 192, 0, 2, 53 };
static const uint8_t tx_client4[4] = { 192, 0, 2, 1 };
static const uint8_t tx_other4[4] = { 192, 0, 2, 99 };
static const uint8_t tx_server6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x53 };
static const uint8_t tx_client6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x01 };
static const uint8_t tx_mac_server[6] = { 0x02, 0, 0, 0, 0, 0x53 };
static const uint8_t tx_mac_client[6] = { 0x02, 0, 0, 0, 0, 0x01 };

/** Load xdp_dns without pinning, listen on the test addresses, port 53. */
static inline struct xdp_dns_bpf *tx_load(struct refill_maps *maps, bool bench)
{
	struct xdp_dns_bpf *skel;
	uint64_t seed;
	int err;

	skel = xdp_dns_bpf__open();
	if (!skel)
		return NULL;
	if (bench) {
		bpf_program__set_autoload(skel->progs.xdp_dns_bench, true);
		bpf_program__set_autoload(skel->progs.xdp_dns_bench_restore, true);
	}
	err = refill_object_prepare(skel->obj, NULL, 1024, &seed);
	if (err)
		goto fail;
	skel->rodata->name_hash_seed = seed;
	if (bench) {
		/* The daemon knows its port: the quick filter a deployment uses. */
		skel->rodata->listen_ports[0] = htons(53);
		skel->rodata->listen_port_count = 1;
	}
	err = xdp_dns_bpf__load(skel);
	if (err)
		goto fail;
	err = refill_object_finish(skel->obj, seed, maps);
	if (err)
		goto fail;
	if (refill_listen_add(maps, 4, tx_server4, 53) ||
	    refill_listen_add(maps, 6, tx_server6, 53)) {
		refill_maps_close(maps);
		goto fail;
	}
	return skel;
fail:
	xdp_dns_bpf__destroy(skel);
	return NULL;
}

/* --- ones-complement sums ------------------------------------------------ */

static inline uint32_t tx_sum(const uint8_t *p, size_t len, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	return s;
}

static inline uint16_t tx_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

/* --- frames --------------------------------------------------------------- */

/**
 * struct tx_frame_opts - how to wrap a DNS message into a frame.
 * @family: 4 or 6.  @vlans: 0..2 tags.  @ip_opts: IPv4 option bytes (x4).
 * @dst: destination address (NULL: the server).  @dport: 0 means 53.
 */
struct tx_frame_opts {
	int family;
	int vlans;
	int ip_opts;
	const uint8_t *dst;
	uint16_t dport;
};

/** Build Ethernet/VLAN/IP/UDP around @dns; return the frame length. */
static inline size_t tx_frame(uint8_t *buf, const struct tx_frame_opts *o,
			      const uint8_t *dns, size_t dns_len)
{
	size_t off = 12, l4, udp_len = 8 + dns_len;
	uint32_t s;
	int i;

	memcpy(buf, tx_mac_server, 6);
	memcpy(buf + 6, tx_mac_client, 6);
	for (i = 0; i < o->vlans; i++) {
		buf[off] = i == 0 && o->vlans == 2 ? 0x88 : 0x81;
		buf[off + 1] = i == 0 && o->vlans == 2 ? 0xa8 : 0x00;
		buf[off + 2] = 0;
		buf[off + 3] = 10 + i;
		off += 4;
	}
	if (o->family == 4) {
		size_t ihl = 20 + o->ip_opts;

		buf[off] = 0x08;
		buf[off + 1] = 0x00;
		off += 2;
		memset(buf + off, 0, ihl);
		buf[off] = 0x40 | (ihl / 4);
		buf[off + 2] = (ihl + udp_len) >> 8;
		buf[off + 3] = (ihl + udp_len) & 0xff;
		buf[off + 4] = 0x12;
		buf[off + 5] = 0x34;
		buf[off + 6] = 0x40;	/* DF */
		buf[off + 8] = 64;
		buf[off + 9] = 17;
		memcpy(buf + off + 12, tx_client4, 4);
		memcpy(buf + off + 16, o->dst ? o->dst : tx_server4, 4);
		for (i = 0; i < o->ip_opts; i++)
			buf[off + 20 + i] = i + 1 == o->ip_opts ? 0 : 1;
		s = tx_fold(tx_sum(buf + off, ihl, 0));
		buf[off + 10] = ~s >> 8;
		buf[off + 11] = ~s & 0xff;
		l4 = off + ihl;
	} else {
		buf[off] = 0x86;
		buf[off + 1] = 0xdd;
		off += 2;
		memset(buf + off, 0, 40);
		buf[off] = 0x60;
		buf[off + 4] = udp_len >> 8;
		buf[off + 5] = udp_len & 0xff;
		buf[off + 6] = 17;
		buf[off + 7] = 64;
		memcpy(buf + off + 8, tx_client6, 16);
		memcpy(buf + off + 24, o->dst ? o->dst : tx_server6, 16);
		l4 = off + 40;
	}
	buf[l4] = 40000 >> 8;
	buf[l4 + 1] = 40000 & 0xff;
	buf[l4 + 2] = (o->dport ? o->dport : 53) >> 8;
	buf[l4 + 3] = (o->dport ? o->dport : 53) & 0xff;
	buf[l4 + 4] = udp_len >> 8;
	buf[l4 + 5] = udp_len & 0xff;
	/* A partial checksum, as veth delivers it: the program must not use it. */
	buf[l4 + 6] = 0xab;
	buf[l4 + 7] = 0xcd;
	memcpy(buf + l4 + 8, dns, dns_len);
	return l4 + udp_len;
}

/* --- DNS messages --------------------------------------------------------- */

/** Wire name from dotted text (no escapes); returns its length. */
static inline size_t tx_name(uint8_t *out, const char *text)
{
	size_t n = 0;

	while (*text) {
		const char *dot = strchr(text, '.');
		size_t l = dot ? (size_t)(dot - text) : strlen(text);

		out[n++] = l;
		memcpy(out + n, text, l);
		n += l;
		text += l + (dot ? 1 : 0);
	}
	out[n++] = 0;
	return n;
}

/**
 * struct tx_query - a query to craft.
 * @id, @name, @qtype: the question.  @flags: header flags word (RD default).
 * @edns: add an OPT.  @do_bit, @udp_size: its fields.
 * @opts, @opts_len: raw EDNS options.
 */
struct tx_query {
	uint16_t id;
	const char *name;
	uint16_t qtype;
	uint16_t flags;
	bool edns;
	bool do_bit;
	uint16_t udp_size;
	const uint8_t *opts;
	size_t opts_len;
};

static inline size_t tx_query_build(uint8_t *m, const struct tx_query *q)
{
	size_t n = 12;

	memset(m, 0, 12);
	dns_put16(m, q->id);
	dns_put16(m + 2, q->flags);
	dns_put16(m + 4, 1);
	dns_put16(m + 10, q->edns ? 1 : 0);
	n += tx_name(m + n, q->name);
	dns_put16(m + n, q->qtype);
	dns_put16(m + n + 2, 1);
	n += 4;
	if (q->edns) {
		m[n] = 0;
		dns_put16(m + n + 1, 41);
		dns_put16(m + n + 3, q->udp_size ? q->udp_size : 1232);
		dns_put32(m + n + 5, q->do_bit ? 0x8000 : 0);
		dns_put16(m + n + 9, q->opts_len);
		memcpy(m + n + 11, q->opts, q->opts_len);
		n += 11 + q->opts_len;
	}
	return n;
}

/** Append an RR owned by a pointer to @owner_off; returns the new length. */
static inline size_t tx_rr(uint8_t *m, size_t n, uint16_t owner_off,
			   uint16_t type, uint32_t ttl, const uint8_t *rdata,
			   size_t rdlen)
{
	dns_put16(m + n, 0xc000 | owner_off);
	dns_put16(m + n + 2, type);
	dns_put16(m + n + 4, 1);
	dns_put32(m + n + 6, ttl);
	dns_put16(m + n + 10, rdlen);
	memcpy(m + n + 12, rdata, rdlen);
	return n + 12 + rdlen;
}

/** Start a response to @name/@qtype with @rcode; returns its length. */
static inline size_t tx_resp_start(uint8_t *m, const char *name,
				   uint16_t qtype, int rcode)
{
	size_t n = 12;

	memset(m, 0, 12);
	dns_put16(m + 2, 0x8180 | rcode);
	dns_put16(m + 4, 1);
	n += tx_name(m + n, name);
	dns_put16(m + n, qtype);
	dns_put16(m + n + 2, 1);
	return n + 4;
}

static inline void tx_resp_counts(uint8_t *m, int an, int ns, int ar)
{
	dns_put16(m + 6, an);
	dns_put16(m + 8, ns);
	dns_put16(m + 10, ar);
}

/* --- running -------------------------------------------------------------- */

/** Run one frame once; returns the verdict or -errno, output in @out. */
static inline int tx_run(int prog_fd, const uint8_t *in, size_t len,
			 uint8_t *out, uint32_t *out_len)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in,
		    .data_size_in = len, .data_out = out,
		    .data_size_out = TX_FRAME_MAX, .repeat = 1);
	int err = bpf_prog_test_run_opts(prog_fd, &opts);

	if (err)
		return err < 0 ? err : -err;
	*out_len = opts.data_size_out;
	return opts.retval;
}

static inline uint64_t tx_boottime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/** Offsets of the L3, L4 and DNS parts of a frame we built (VLAN aware). */
static inline int tx_offsets(const uint8_t *f, size_t len, size_t *l3,
			     size_t *l4, int *family)
{
	size_t off = 12;
	uint16_t proto;

	if (len < 14)
		return -1;
	proto = dns_get16(f + off);
	while ((proto == 0x8100 || proto == 0x88a8) && off + 6 <= len) {
		off += 4;
		proto = dns_get16(f + off);
	}
	off += 2;
	*l3 = off;
	if (proto == 0x0800 && off + 20 <= len) {
		*family = 4;
		*l4 = off + (f[off] & 0x0f) * 4;
	} else if (proto == 0x86dd && off + 40 <= len) {
		*family = 6;
		*l4 = off + 40;
	} else {
		return -1;
	}
	return *l4 + 8 <= len ? 0 : -1;
}

/** Check IP header and UDP checksums of an answer frame; 1 if valid. */
static inline int tx_checksums_ok(const uint8_t *f, size_t len)
{
	size_t l3, l4, udp_len;
	uint32_t s = 0;
	int family;

	if (tx_offsets(f, len, &l3, &l4, &family))
		return 0;
	udp_len = dns_get16(f + l4 + 4);
	if (l4 + udp_len != len)
		return 0;
	if (family == 4) {
		if (tx_fold(tx_sum(f + l3, l4 - l3, 0)) != 0xffff)
			return 0;
		s = tx_sum(f + l3 + 12, 8, 0);
	} else {
		s = tx_sum(f + l3 + 8, 32, 0);
	}
	s += 17 + udp_len;
	s = tx_sum(f + l4, udp_len, s);
	return tx_fold(s) == 0xffff && dns_get16(f + l4 + 6) != 0;
}
