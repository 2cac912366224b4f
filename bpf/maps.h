/* SPDX-License-Identifier: GPL-2.0 */
/* Maps and read-only configuration of the XDP DNS responder. */
#pragma once

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "xdpdns/shared.h"

/*
 * Cache of ready-made answers. LRU so that a full map makes room by itself;
 * preallocated, so memory per entry is exact (see docs/performance.md).
 * Userspace alone writes it (contract 1); the program only looks up, which
 * marks an entry recently used and nothing else. max_entries is set by
 * userspace before load.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, XDPDNS_CACHE_ENTRIES_DEFAULT);
	__type(key, struct xdpdns_cache_key);
	__type(value, struct xdpdns_cache_entry);
} XDPDNS_MAP_CACHE SEC(".maps");

/*
 * Listen addresses and ports, as userspace manages and lists them. The
 * program does not look here: refill_listen_add/delete copy the keys into
 * the info map's listen table, which the program scans (parse.h).
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XDPDNS_LISTEN_MAX);
	__type(key, struct xdpdns_listen_key);
	__type(value, __u32);
} XDPDNS_MAP_LISTEN SEC(".maps");

/* Counters, one element per CPU holding every enum xdpdns_counter. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpdns_stats);
} XDPDNS_MAP_STATS SEC(".maps");

/*
 * Layout version, hash seed and the listen table the program scans;
 * written by userspace, read by tools and by the program.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpdns_info);
} XDPDNS_MAP_INFO SEC(".maps");

/*
 * Per-CPU scratch space for the question: the lower-cased 8-byte words of
 * the name, compared with the entry's name, their hash, and the ones-
 * complement sum of the name's words as they came.
 */
struct xdpdns_scratch {
	__u64 lower[XDPDNS_NAME_BUF / 8];
	__u64 hash;
	__u64 qsum;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpdns_scratch);
} xdpdns_scratch SEC(".maps");

/* Query frame restored by the bench-only programs (bench/xdp_bench.c). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpdns_bench_frame);
} xdpdns_bench SEC(".maps");

/* Seed of xdpdns_name_hash_step(), from the info map, set before load. */
const volatile __u64 name_hash_seed = 0;
/*
 * Optional quick filter: when listen_port_count > 0, UDP packets to any
 * other destination port leave before the listen table scan. Network order.
 */
const volatile __u16 listen_ports[4] = { 0, 0, 0, 0 };
const volatile __u32 listen_port_count = 0;
/* UDP payload size advertised in the OPT record of answers (RFC 6891 6.2.3). */
const volatile __u16 edns_udp_size = XDPDNS_EDNS_UDP_SIZE;
