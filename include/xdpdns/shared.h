/* SPDX-License-Identifier: GPL-2.0 */
/* Structs, map names and counters shared by the XDP program and userspace. */
#pragma once

#include <linux/types.h>

/*
 * Layout version of every struct below. Bump it whenever a struct, a map
 * definition or the name hash changes. Userspace writes it into the pinned
 * info map when it creates the maps and refuses pinned maps carrying another
 * value (XDPDNS_ELAYOUT), so an old CLI never misreads a new daemon's cache.
 */
#define XDPDNS_LAYOUT_VERSION 2

/* Default bpffs directory where the maps are pinned by name. */
#define XDPDNS_PIN_DIR_DEFAULT "/sys/fs/bpf/xdpdns"

/*
 * Map names: the BPF side uses them as symbols, userspace builds pin paths
 * (PIN_DIR "/" name) from their strings. Kernel map names hold 15 chars.
 */
#define XDPDNS_MAP_CACHE xdpdns_cache
#define XDPDNS_MAP_LISTEN xdpdns_listen
#define XDPDNS_MAP_STATS xdpdns_stats
#define XDPDNS_MAP_INFO xdpdns_info
#define XDPDNS_STR_(x) #x
#define XDPDNS_STR(x) XDPDNS_STR_(x)
#define XDPDNS_MAP_CACHE_NAME XDPDNS_STR(XDPDNS_MAP_CACHE)
#define XDPDNS_MAP_LISTEN_NAME XDPDNS_STR(XDPDNS_MAP_LISTEN)
#define XDPDNS_MAP_STATS_NAME XDPDNS_STR(XDPDNS_MAP_STATS)
#define XDPDNS_MAP_INFO_NAME XDPDNS_STR(XDPDNS_MAP_INFO)

/* Default capacity of the cache map; userspace may set another before load. */
#define XDPDNS_CACHE_ENTRIES_DEFAULT 16384
/* Capacity of the listen map (address, port pairs). */
#define XDPDNS_LISTEN_MAX 64

/* Longest wire-format name (RFC 1035 3.1) and its buffer, zero padded. */
#define XDPDNS_NAME_MAX 255
#define XDPDNS_NAME_BUF 256
/* Bytes of answer, authority and additional records an entry can hold. */
#define XDPDNS_REC_MAX 1104
/* TTL fields an entry can count down; answers with more stay in userspace. */
#define XDPDNS_TTL_MAX 32
/* UDP payload size the program advertises in its OPT record (RFC 6891). */
#define XDPDNS_EDNS_UDP_SIZE 1232

/**
 * struct xdpdns_cache_key - key of the cache map.
 * @name_hash:	xdpdns_name_hash() of the lower-cased wire name with
 *		the seed stored in the info map. The entry keeps the name, and
 *		the program compares it in full, so a collision is a miss.
 * @qtype:	QTYPE in host byte order.
 * @qclass:	QCLASS in host byte order (the program only looks up IN).
 * @flags:	XDPDNS_KEY_DO when the entry answers queries with DO=1.
 * @pad:	zero.
 */
struct xdpdns_cache_key {
	__u64 name_hash;
	__u16 qtype;
	__u16 qclass;
	__u8 flags;
	__u8 pad[3];
};

#define XDPDNS_KEY_DO 0x01

/* Validation state of an entry (RFC 4035 4.3); only these two enter. */
enum xdpdns_state {
	XDPDNS_STATE_INSECURE = 1,
	XDPDNS_STATE_SECURE = 2,
};

/**
 * struct xdpdns_cache_entry - a ready-made answer, value of the cache map.
 * @expiry_ns:	absolute expiry on CLOCK_BOOTTIME (bpf_ktime_get_boot_ns(),
 *		clock_gettime(CLOCK_BOOTTIME)), so time spent suspended ages
 *		entries too. The program answers while now < expiry_ns.
 * @ttl_base:	lifetime in seconds at creation. With remaining =
 *		(expiry_ns - now) / 1e9 rounded up, every TTL field is written
 *		as its stored value minus (ttl_base - remaining), that is minus
 *		the whole seconds elapsed since creation (never below 0).
 * @rec_sum:	ones-complement sum (RFC 1071, folded to 16 bits) of the
 *		records area with every TTL field taken as zero, summed at the
 *		parity the records have in the message (they start at DNS offset
 *		12 + @name_len + 4).
 * @rec_len:	bytes used in @rec.
 * @an_count:	ANCOUNT of the answer.
 * @ns_count:	NSCOUNT of the answer.
 * @ar_count:	ARCOUNT without the OPT record.
 * @name_len:	length of the wire name in @name, root label included.
 * @rcode:	RCODE (4 bits; extended RCODEs never enter).
 * @state:	enum xdpdns_state; the program sets AD for Secure entries when
 *		the query had DO=1 or AD=1 (RFC 6840 5.7, 5.8).
 * @ttl_count:	TTL fields listed in @ttl_off.
 * @pad:	zero.
 * @ttl_off:	offsets of TTL fields from the start of @rec.
 * @name:	lower-cased wire name of the question, zero padded.
 * @rec:	the records, verbatim from the response after its question,
 *		OPT removed; compression pointers refer to offsets in a message
 *		whose question is this name, so they stay valid in the answer.
 */
struct xdpdns_cache_entry {
	__u64 expiry_ns;
	__u32 ttl_base;
	__u32 rec_sum;
	__u16 rec_len;
	__u16 an_count;
	__u16 ns_count;
	__u16 ar_count;
	__u16 name_len;
	__u8 rcode;
	__u8 state;
	__u8 ttl_count;
	__u8 pad[3];
	__u16 ttl_off[XDPDNS_TTL_MAX];
	__u8 name[XDPDNS_NAME_BUF];
	__u8 rec[XDPDNS_REC_MAX];
};

/**
 * struct xdpdns_listen_key - key of the listen map: where queries are ours.
 * @family:	4 or 6.
 * @pad:	zero.
 * @port:	UDP port, network byte order.
 * @addr:	IPv4 address in the first 4 bytes (rest zero) or IPv6 address.
 * The value is a __u32, XDPDNS_LISTEN_ENABLED.
 */
struct xdpdns_listen_key {
	__u8 family;
	__u8 pad;
	__u16 port;
	__u8 addr[16];
};

#define XDPDNS_LISTEN_ENABLED 1

/**
 * struct xdpdns_listen_table - the listen map's keys as the program scans
 * them: a hash lookup is a call costing about 40 ns here, a scan of a few
 * entries of an array element that the verifier inlines costs a few ns.
 * @count:	keys in use, 0..XDPDNS_LISTEN_MAX.
 * @pad:	zero.
 * @keys:	the keys, each as in the listen map (pad bytes zero).
 */
struct xdpdns_listen_table {
	__u32 count;
	__u32 pad;
	struct xdpdns_listen_key keys[XDPDNS_LISTEN_MAX];
};

/**
 * struct xdpdns_info - the single value of the info array map.
 * @layout_version:	XDPDNS_LAYOUT_VERSION of whoever created the maps.
 * @key_size:		sizeof(struct xdpdns_cache_key).
 * @entry_size:		sizeof(struct xdpdns_cache_entry).
 * @pad:		zero.
 * @hash_seed:		seed of xdpdns_name_hash(); chosen at random when the
 *			maps are created, given to the program as rodata.
 * @listen_gen:		generation of the listen tables; @listen[gen & 1] is
 *			the live one. Userspace (refill_listen_add/delete)
 *			rewrites the listen map, then writes the other table
 *			(the live one keeps its bytes), then bumps @listen_gen
 *			in a second update. The program reads @listen_gen
 *			before and after its scan and takes a change as "not
 *			ours", so a table being rewritten never matches.
 *			The listen map must change only through those two
 *			functions: a key deleted from the map directly stays
 *			in the live table, and the program keeps answering
 *			there, until the next refill_listen_add/delete.
 * @pad2:		zero.
 * @listen:		the two copies of the listen table.
 */
struct xdpdns_info {
	__u32 layout_version;
	__u32 key_size;
	__u32 entry_size;
	__u32 pad;
	__u64 hash_seed;
	__u32 listen_gen;
	__u32 pad2;
	struct xdpdns_listen_table listen[2];
};

/*
 * Counters: one per-CPU array element holding XDPDNS_CNT_MAX __u64 values,
 * indexed by this enum. Every packet bumps SEEN; every packet addressed to a
 * listen address and port bumps OURS, then exactly one of ANSWERED or a
 * PASS_ reason (or DROP_ABORTED).
 */
enum xdpdns_counter {
	XDPDNS_CNT_SEEN = 0,		/* every packet the program saw */
	XDPDNS_CNT_OURS,		/* UDP to a listen address and port */
	XDPDNS_CNT_ANSWERED,		/* answered with XDP_TX */
	XDPDNS_CNT_PASS_MISS,		/* plain query, no entry */
	XDPDNS_CNT_PASS_EXPIRED,	/* entry present but expired */
	XDPDNS_CNT_PASS_TOO_BIG,	/* answer larger than the client's UDP size */
	XDPDNS_CNT_PASS_CD,		/* CD=1: userspace answers (contract 2) */
	XDPDNS_CNT_PASS_EDNS_OPTION,	/* EDNS option other than COOKIE/PADDING, or version != 0 */
	XDPDNS_CNT_PASS_NOT_QUERY,	/* well-formed but not a plain QUERY */
	XDPDNS_CNT_PASS_MALFORMED,	/* truncated or malformed headers or question */
	XDPDNS_CNT_PASS_ERROR,		/* a helper failed before the packet changed */
	XDPDNS_CNT_DROP_ABORTED,	/* a helper failed after the packet changed */
	XDPDNS_CNT_BYTES_SENT,		/* frame bytes of the answers sent */
	XDPDNS_CNT_MAX,
};

/** struct xdpdns_stats - the value of the per-CPU stats array (one element). */
struct xdpdns_stats {
	__u64 counter[XDPDNS_CNT_MAX];
};

/* Multiplier of the name hash (2^64 / golden ratio, odd). */
#define XDPDNS_HASH_MUL 0x9e3779b97f4a7c15ULL

/**
 * xdpdns_name_hash_step() - mix one 8-byte word of the padded name.
 * @h:	running hash, starting at the seed.
 * @w:	next 8 bytes of the lower-cased, zero-padded wire name, read in the
 *	host's byte order.
 *
 * The hash covers (name_len + 7) / 8 words. It is fast, not cryptographic:
 * the program checks the full name, so a collision only costs a cache slot.
 *
 * Return: the new running hash.
 */
static inline __u64 xdpdns_name_hash_step(__u64 h, __u64 w)
{
	h = (h ^ w) * XDPDNS_HASH_MUL;
	return h ^ (h >> 29);
}

/**
 * xdpdns_word_tolower() - lower-case the ASCII letters of 8 bytes at once.
 * @w:	8 bytes of a wire name; length octets (<= 63) and other bytes are left
 *	alone, only 'A'..'Z' gain 0x20 (RFC 4343 case-insensitive names).
 *
 * Return: @w with its upper-case letters made lower-case.
 */
static inline __u64 xdpdns_word_tolower(__u64 w)
{
	const __u64 low7 = 0x7f7f7f7f7f7f7f7fULL;
	const __u64 high = 0x8080808080808080ULL;
	__u64 t = w & low7;
	/* High bit set where the low 7 bits are >= 'A', and where > 'Z'. */
	__u64 ge_a = t + 0x3f3f3f3f3f3f3f3fULL;
	__u64 gt_z = t + 0x2525252525252525ULL;
	__u64 upper = ge_a & ~gt_z & ~w & high;

	return w | (upper >> 2);
}

/* Largest frame the bench restore program can hold (bench only). */
#define XDPDNS_BENCH_FRAME_MAX 512

/**
 * struct xdpdns_bench_frame - value of the bench map: a query frame that the
 * bench-only programs copy back into the packet before each timed run,
 * since BPF_PROG_TEST_RUN repeats on the buffer the previous run rewrote.
 * @len:	frame length, 1..XDPDNS_BENCH_FRAME_MAX.
 * @grow:	bytes the restore-only program adds after restoring, so that
 *		its next run shrinks the frame as a hit's restore does.
 * @data:	the frame.
 */
struct xdpdns_bench_frame {
	__u32 len;
	__u32 grow;
	__u8 data[XDPDNS_BENCH_FRAME_MAX];
};
