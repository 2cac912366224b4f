// SPDX-License-Identifier: GPL-2.0
/* Kernel cache refill: builds cache entries from responses, manages the pinned maps. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>
#include <linux/magic.h>
#include <arpa/inet.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dns/message.h"
#include "dns/name.h"
#include "dns/rr.h"
#include "refill.h"
#include "util/error.h"
#include "xdpdns/dns_wire.h"

/* Contract 7: the layout both sides compile must be the one described. */
_Static_assert(sizeof(struct xdpdns_cache_key) == 16, "cache key layout");
_Static_assert(sizeof(struct xdpdns_cache_entry) == 1456, "cache entry layout");
_Static_assert(sizeof(struct xdpdns_cache_entry) % 8 == 0, "entry alignment");
_Static_assert(sizeof(struct xdpdns_listen_key) == 20, "listen key layout");
_Static_assert(sizeof(struct xdpdns_listen_table) == 8 + 20 * XDPDNS_LISTEN_MAX,
	       "listen table layout");
_Static_assert(sizeof(struct xdpdns_info) == 32 + 2 * sizeof(struct xdpdns_listen_table),
	       "info layout");
_Static_assert(sizeof(struct xdpdns_stats) == 8 * XDPDNS_CNT_MAX, "stats layout");
_Static_assert(sizeof(struct xdpdns_bench_frame) == 8 + XDPDNS_BENCH_FRAME_MAX,
	       "bench frame layout");

#define NSEC_PER_SEC 1000000000ULL
#define BPFFS_ROOT "/sys/fs/bpf"

static const char *const counter_names[XDPDNS_CNT_MAX] = {
	[XDPDNS_CNT_SEEN] = "seen",
	[XDPDNS_CNT_OURS] = "ours",
	[XDPDNS_CNT_ANSWERED] = "answered",
	[XDPDNS_CNT_PASS_MISS] = "pass_miss",
	[XDPDNS_CNT_PASS_EXPIRED] = "pass_expired",
	[XDPDNS_CNT_PASS_TOO_BIG] = "pass_too_big",
	[XDPDNS_CNT_PASS_CD] = "pass_cd",
	[XDPDNS_CNT_PASS_EDNS_OPTION] = "pass_edns_option",
	[XDPDNS_CNT_PASS_NOT_QUERY] = "pass_not_query",
	[XDPDNS_CNT_PASS_MALFORMED] = "pass_malformed",
	[XDPDNS_CNT_PASS_ERROR] = "pass_error",
	[XDPDNS_CNT_DROP_ABORTED] = "drop_aborted",
	[XDPDNS_CNT_BYTES_SENT] = "bytes_sent",
};

const char *refill_counter_name(int counter)
{
	if (counter < 0 || counter >= XDPDNS_CNT_MAX)
		return NULL;
	return counter_names[counter];
}

uint64_t refill_name_key_hash(const uint8_t *name, uint64_t hash_seed)
{
	uint8_t buf[XDPDNS_NAME_BUF] = { 0 };
	size_t len = dns_name_length(name), i;
	uint64_t h = hash_seed, w;

	memcpy(buf, name, len);
	dns_name_to_lower(buf);
	/* Same words, same order as the program: native 8-byte loads. */
	for (i = 0; i < (len + 7) / 8; i++) {
		memcpy(&w, buf + i * 8, 8);
		h = xdpdns_name_hash_step(h, w);
	}
	return h;
}

/*
 * Follow a name at @off in @msg and check that no compression pointer
 * lands in the header: the answer keeps the response's layout from the
 * question on, but its header (ID, flags, counts) is the query's.
 */
static int refill_check_name_pointers(const uint8_t *msg, size_t len,
				      size_t off)
{
	unsigned int steps;

	for (steps = 0; steps < 256; steps++) {
		uint8_t c;

		if (off >= len)
			return -EINVAL;
		c = msg[off];
		if (c == 0)
			return 0;
		if ((c & 0xc0) == 0xc0) {
			if (off + 1 >= len)
				return -EINVAL;
			off = ((size_t)(c & 0x3f) << 8) | msg[off + 1];
			if (off < XDPDNS_DNS_HDR_LEN)
				return -EINVAL;
			continue;
		}
		if (c > 63)
			return -EINVAL;
		off += (size_t)c + 1;
	}
	return -EINVAL;
}

/* Check the owner and any compressible RDATA names of one record. */
static int refill_check_rr_pointers(const uint8_t *msg, size_t len,
				    const struct dns_rr *rr)
{
	const struct dns_type_info *info;
	size_t off = rr->rdata_offset, end = off + rr->rdlength;
	int i, err;

	err = refill_check_name_pointers(msg, len, rr->offset);
	if (err)
		return err;
	info = dns_type_info(rr->type);
	if (!info || !(info->flags & DNS_TYPEF_KNOWN))
		return 0;	/* opaque RDATA holds no pointers (RFC 3597) */
	for (i = 0; i < DNS_RDF_MAX && off < end; i++) {
		switch (info->fields[i]) {
		case DNS_RDF_NAME_C:
		case DNS_RDF_NAME_D:
		case DNS_RDF_NAME_U: {
			size_t used = 0;
			uint8_t name[DNS_NAME_MAXLEN];

			err = refill_check_name_pointers(msg, len, off);
			if (err)
				return err;
			if (dns_name_unpack(msg, len, off, name, &used) < 0)
				return -EINVAL;
			off += used;
			break;
		}
		case DNS_RDF_FIX1:
			off += 1;
			break;
		case DNS_RDF_FIX2:
			off += 2;
			break;
		case DNS_RDF_FIX4:
			off += 4;
			break;
		case DNS_RDF_FIX16:
			off += 16;
			break;
		case DNS_RDF_FIX18:
			off += 18;
			break;
		case DNS_RDF_STR:
		case DNS_RDF_BSTR:
		case DNS_RDF_HASH:
			off += 1 + (size_t)msg[off];
			break;
		default:
			/* Fields that run to the end hold no names. */
			return 0;
		}
	}
	return 0;
}

static uint64_t refill_boottime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

int refill_entry_build(const uint8_t *response, size_t len,
		       uint64_t hash_seed, const struct refill_params *params,
		       struct xdpdns_cache_key *key,
		       struct xdpdns_cache_entry *entry)
{
	const struct dns_question *q;
	struct dns_msg msg;
	size_t q_end, rec_end, rec_len, i;
	uint8_t sumbuf[XDPDNS_REC_MAX];
	uint64_t created, sum = 0;
	int err;

	if (!params || params->lifetime_s == 0)
		return -EINVAL;
	dns_msg_init(&msg);
	err = dns_msg_parse(&msg, response, len);
	if (err)
		goto out;
	err = -EINVAL;
	/* A response to a plain QUERY, complete, one IN question. */
	if (!(msg.flags & DNS_FLAG_QR) || (msg.flags & DNS_FLAG_TC) ||
	    dns_hdr_opcode(response) != DNS_OPCODE_QUERY || msg.qdcount != 1)
		goto out;
	if (msg.rcode > XDPDNS_DNS_RCODE_MASK)
		goto out;
	q = &msg.question[0];
	if (q->qclass != DNS_CLASS_IN || q->offset != DNS_HEADER_LEN ||
	    q->wire_len != q->name_len + 4 || q->name_len > XDPDNS_NAME_MAX)
		goto out;
	q_end = DNS_HEADER_LEN + q->wire_len;
	/* The OPT goes; it must be last so that nothing after it moves. */
	rec_end = len;
	if (msg.has_opt) {
		if ((size_t)msg.opt.offset + msg.opt.wire_len != len)
			goto out;
		rec_end = msg.opt.offset;
	}
	rec_len = rec_end - q_end;
	err = -E2BIG;
	if (rec_len > XDPDNS_REC_MAX || msg.rr_count > XDPDNS_TTL_MAX)
		goto out;

	memset(key, 0, sizeof(*key));
	memset(entry, 0, sizeof(*entry));
	for (i = 0; i < msg.rr_count; i++) {
		const struct dns_rr *rr = &msg.rr[i];

		err = refill_check_rr_pointers(response, len, &msg.rr[i]);
		if (err)
			goto out;
		entry->ttl_off[i] = rr->ttl_offset - q_end;
	}
	entry->ttl_count = msg.rr_count;

	memcpy(entry->name, q->name, q->name_len);
	dns_name_to_lower(entry->name);
	entry->name_len = q->name_len;
	memcpy(entry->rec, response + q_end, rec_len);
	entry->rec_len = rec_len;
	entry->an_count = msg.section_count[DNS_SECTION_ANSWER];
	entry->ns_count = msg.section_count[DNS_SECTION_AUTHORITY];
	entry->ar_count = msg.section_count[DNS_SECTION_ADDITIONAL];
	entry->rcode = msg.rcode;
	entry->state = params->secure ? XDPDNS_STATE_SECURE
				      : XDPDNS_STATE_INSECURE;

	/*
	 * Sum of the records with TTLs taken as zero (the program adds the
	 * TTLs it writes), at the parity they have in the message.
	 */
	memcpy(sumbuf, entry->rec, rec_len);
	for (i = 0; i < entry->ttl_count; i++)
		memset(sumbuf + entry->ttl_off[i], 0, 4);
	for (i = 0; i < rec_len; i++)
		sum += ((q_end + i) & 1) ? sumbuf[i] : (uint64_t)sumbuf[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	entry->rec_sum = sum;

	created = params->created_ns ? params->created_ns : refill_boottime_ns();
	entry->ttl_base = params->lifetime_s;
	entry->expiry_ns = created + (uint64_t)params->lifetime_s * NSEC_PER_SEC;

	key->name_hash = refill_name_key_hash(q->name, hash_seed);
	key->qtype = q->qtype;
	key->qclass = q->qclass;
	key->flags = params->do_bit ? XDPDNS_KEY_DO : 0;
	err = 0;
out:
	dns_msg_release(&msg);
	return err;
}

int refill_bpffs_ensure(const char *pin_dir)
{
	struct statfs st;

	if (statfs(BPFFS_ROOT, &st) || st.f_type != BPF_FS_MAGIC) {
		if (mount("bpf", BPFFS_ROOT, "bpf", 0, NULL))
			return -errno;
	}
	if (pin_dir && mkdir(pin_dir, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

static int refill_pin_path(char *buf, size_t cap, const char *dir,
			   const char *name)
{
	int n = snprintf(buf, cap, "%s/%s", dir, name);

	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

/* Check an info value against this build's layout (contract 7). */
static int refill_info_check(const struct xdpdns_info *info)
{
	if (info->layout_version != XDPDNS_LAYOUT_VERSION ||
	    info->key_size != sizeof(struct xdpdns_cache_key) ||
	    info->entry_size != sizeof(struct xdpdns_cache_entry))
		return XDPDNS_ELAYOUT;
	return 0;
}

/*
 * Read the info value of a map that may come from another build: check the
 * value size first, since an info value of another layout would not fit
 * (contract 7: a clear error, never a misread).
 */
static int refill_info_read(int fd, struct xdpdns_info *info)
{
	struct bpf_map_info mi;
	__u32 len = sizeof(mi), zero = 0;

	memset(&mi, 0, sizeof(mi));
	if (bpf_obj_get_info_by_fd(fd, &mi, &len))
		return -errno;
	if (mi.value_size != sizeof(*info) || mi.max_entries != 1)
		return XDPDNS_ELAYOUT;
	return bpf_map_lookup_elem(fd, &zero, info) ? -errno : 0;
}

static const char *const shared_maps[] = {
	XDPDNS_MAP_CACHE_NAME, XDPDNS_MAP_LISTEN_NAME, XDPDNS_MAP_STATS_NAME,
	XDPDNS_MAP_INFO_NAME,
};

int refill_object_prepare(struct bpf_object *obj, const char *pin_dir,
			  uint32_t cache_entries, uint64_t *hash_seed)
{
	struct xdpdns_info info = { 0 };
	char path[PATH_MAX];
	size_t i;
	int fd = -1, err;

	if (cache_entries) {
		struct bpf_map *map;

		map = bpf_object__find_map_by_name(obj, XDPDNS_MAP_CACHE_NAME);
		if (!map)
			return -ENOENT;
		err = bpf_map__set_max_entries(map, cache_entries);
		if (err)
			return err;
	}
	if (pin_dir) {
		err = refill_bpffs_ensure(pin_dir);
		if (err)
			return err;
		err = refill_pin_path(path, sizeof(path), pin_dir,
				      XDPDNS_MAP_INFO_NAME);
		if (err)
			return err;
		fd = bpf_obj_get(path);
		if (fd >= 0) {
			err = refill_info_read(fd, &info);
			close(fd);
			if (err)
				return err;
			if (info.layout_version) {
				err = refill_info_check(&info);
				if (err)
					return err;
			}
		} else if (errno != ENOENT) {
			return -errno;
		}
		/* libbpf reuses compatible pins and pins new maps at load. */
		for (i = 0; i < sizeof(shared_maps) / sizeof(shared_maps[0]); i++) {
			struct bpf_map *map;

			map = bpf_object__find_map_by_name(obj, shared_maps[i]);
			if (!map)
				return -ENOENT;
			err = refill_pin_path(path, sizeof(path), pin_dir,
					      shared_maps[i]);
			if (err)
				return err;
			err = bpf_map__set_pin_path(map, path);
			if (err)
				return err;
		}
	}
	if (info.layout_version) {
		*hash_seed = info.hash_seed;
		return 0;
	}
	if (getrandom(hash_seed, sizeof(*hash_seed), 0) != sizeof(*hash_seed))
		return -errno;
	return 0;
}

static int refill_map_fd_dup(struct bpf_object *obj, const char *name)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, name);
	int fd;

	if (!map)
		return -ENOENT;
	fd = fcntl(bpf_map__fd(map), F_DUPFD_CLOEXEC, 3);
	return fd < 0 ? -errno : fd;
}

static void refill_maps_reset(struct refill_maps *maps)
{
	maps->cache_fd = maps->listen_fd = maps->stats_fd = maps->info_fd = -1;
	maps->hash_seed = 0;
}

int refill_object_finish(struct bpf_object *obj, uint64_t hash_seed,
			 struct refill_maps *maps)
{
	struct xdpdns_info info = { 0 };
	__u32 zero = 0;
	int err;

	refill_maps_reset(maps);
	err = maps->cache_fd = refill_map_fd_dup(obj, XDPDNS_MAP_CACHE_NAME);
	if (err < 0)
		goto out;
	err = maps->listen_fd = refill_map_fd_dup(obj, XDPDNS_MAP_LISTEN_NAME);
	if (err < 0)
		goto out;
	err = maps->stats_fd = refill_map_fd_dup(obj, XDPDNS_MAP_STATS_NAME);
	if (err < 0)
		goto out;
	err = maps->info_fd = refill_map_fd_dup(obj, XDPDNS_MAP_INFO_NAME);
	if (err < 0)
		goto out;
	err = refill_info_read(maps->info_fd, &info);
	if (err)
		goto out;
	if (info.layout_version == 0) {
		/* New maps: record the layout and seed; drop stale entries. */
		info.layout_version = XDPDNS_LAYOUT_VERSION;
		info.key_size = sizeof(struct xdpdns_cache_key);
		info.entry_size = sizeof(struct xdpdns_cache_entry);
		info.hash_seed = hash_seed;
		if (bpf_map_update_elem(maps->info_fd, &zero, &info, BPF_ANY)) {
			err = -errno;
			goto out;
		}
		maps->hash_seed = hash_seed;
		err = refill_cache_flush(maps, NULL);
		if (err)
			goto out;
	} else {
		err = refill_info_check(&info);
		if (err)
			goto out;
		if (info.hash_seed != hash_seed) {
			err = -EINVAL;
			goto out;
		}
		maps->hash_seed = info.hash_seed;
	}
	err = 0;
out:
	if (err)
		refill_maps_close(maps);
	return err;
}

int refill_maps_open(struct refill_maps *maps, const char *pin_dir)
{
	int *fds[] = { &maps->cache_fd, &maps->listen_fd, &maps->stats_fd,
		       &maps->info_fd };
	struct xdpdns_info info = { 0 };
	char path[PATH_MAX];
	size_t i;
	int err;

	refill_maps_reset(maps);
	for (i = 0; i < 4; i++) {
		err = refill_pin_path(path, sizeof(path), pin_dir, shared_maps[i]);
		if (err)
			goto out;
		*fds[i] = bpf_obj_get(path);
		if (*fds[i] < 0) {
			err = -errno;
			goto out;
		}
	}
	err = refill_info_read(maps->info_fd, &info);
	if (err)
		goto out;
	err = refill_info_check(&info);
	if (err)
		goto out;
	maps->hash_seed = info.hash_seed;
out:
	if (err)
		refill_maps_close(maps);
	return err;
}

void refill_maps_close(struct refill_maps *maps)
{
	if (maps->cache_fd >= 0)
		close(maps->cache_fd);
	if (maps->listen_fd >= 0)
		close(maps->listen_fd);
	if (maps->stats_fd >= 0)
		close(maps->stats_fd);
	if (maps->info_fd >= 0)
		close(maps->info_fd);
	refill_maps_reset(maps);
}

int refill_maps_unpin(const char *pin_dir)
{
	char path[PATH_MAX];
	size_t i;
	int err, first = 0;

	for (i = 0; i < sizeof(shared_maps) / sizeof(shared_maps[0]); i++) {
		err = refill_pin_path(path, sizeof(path), pin_dir, shared_maps[i]);
		if (err)
			return err;
		if (unlink(path) && errno != ENOENT && !first)
			first = -errno;
	}
	if (rmdir(pin_dir) && errno != ENOENT && !first)
		first = -errno;
	return first;
}

int refill_entry_put(const struct refill_maps *maps,
		     const struct xdpdns_cache_key *key,
		     const struct xdpdns_cache_entry *entry)
{
	return bpf_map_update_elem(maps->cache_fd, key, entry, BPF_ANY) ? -errno : 0;
}

int refill_entry_delete(const struct refill_maps *maps,
			const struct xdpdns_cache_key *key)
{
	return bpf_map_delete_elem(maps->cache_fd, key) ? -errno : 0;
}

int refill_cache_flush(const struct refill_maps *maps, unsigned int *deleted)
{
	struct xdpdns_cache_key key, next;
	unsigned int n = 0, rounds;

	/*
	 * Always restart from the first key: deleting the current key makes
	 * get_next_key start over anyway. Bounded by twice the capacity.
	 */
	for (rounds = 0; rounds < 1u << 26; rounds++) {
		if (bpf_map_get_next_key(maps->cache_fd, NULL, &next)) {
			if (errno == ENOENT)
				break;
			return -errno;
		}
		key = next;
		if (bpf_map_delete_elem(maps->cache_fd, &key) && errno != ENOENT)
			return -errno;
		n++;
	}
	if (deleted)
		*deleted = n;
	return 0;
}

static int refill_listen_key(struct xdpdns_listen_key *k, int family,
			     const void *addr, uint16_t port)
{
	memset(k, 0, sizeof(*k));
	if (family != 4 && family != 6)
		return -EAFNOSUPPORT;
	k->family = family;
	k->port = htons(port);
	memcpy(k->addr, addr, family == 4 ? 4 : 16);
	return 0;
}

/* Fill @t with the listen map's keys, each once. */
static int refill_listen_collect(const struct refill_maps *maps,
				 struct xdpdns_listen_table *t)
{
	struct xdpdns_listen_key key, next;
	bool first = true;
	__u32 i;
	int steps;

	memset(t, 0, sizeof(*t));
	/* A concurrent delete may restart the walk: bounded, deduplicated. */
	for (steps = 0; steps < XDPDNS_LISTEN_MAX * 4; steps++) {
		if (bpf_map_get_next_key(maps->listen_fd, first ? NULL : &key,
					 &next))
			return errno == ENOENT ? 0 : -errno;
		first = false;
		key = next;
		for (i = 0; i < t->count; i++)
			if (!memcmp(&t->keys[i], &key, sizeof(key)))
				break;
		if (i < t->count)
			continue;
		if (t->count == XDPDNS_LISTEN_MAX)
			return -E2BIG;
		t->keys[t->count++] = key;
	}
	return -EAGAIN;
}

/*
 * Publish the listen map to the program's listen table in the info map
 * (struct xdpdns_info, @listen_gen): write the spare table, the live one
 * keeping its bytes, then make the spare one live in a second update.
 */
static int refill_listen_publish(const struct refill_maps *maps)
{
	struct xdpdns_info *info = calloc(1, sizeof(*info));
	__u32 zero = 0;
	int err;

	if (!info)
		return -ENOMEM;
	err = refill_info_read(maps->info_fd, info);
	if (err)
		goto out;
	err = refill_listen_collect(maps,
				    &info->listen[(info->listen_gen + 1) & 1]);
	if (err)
		goto out;
	if (bpf_map_update_elem(maps->info_fd, &zero, info, BPF_ANY)) {
		err = -errno;
		goto out;
	}
	info->listen_gen++;
	if (bpf_map_update_elem(maps->info_fd, &zero, info, BPF_ANY))
		err = -errno;
out:
	free(info);
	return err;
}

int refill_listen_add(const struct refill_maps *maps, int family,
		      const void *addr, uint16_t port)
{
	struct xdpdns_listen_key k;
	__u32 v = XDPDNS_LISTEN_ENABLED;
	int err = refill_listen_key(&k, family, addr, port);

	if (err)
		return err;
	if (bpf_map_update_elem(maps->listen_fd, &k, &v, BPF_ANY))
		return -errno;
	return refill_listen_publish(maps);
}

int refill_listen_delete(const struct refill_maps *maps, int family,
			 const void *addr, uint16_t port)
{
	struct xdpdns_listen_key k;
	int err = refill_listen_key(&k, family, addr, port);

	if (err)
		return err;
	if (bpf_map_delete_elem(maps->listen_fd, &k))
		return -errno;
	return refill_listen_publish(maps);
}

int refill_stats_read(const struct refill_maps *maps, struct xdpdns_stats *sum,
		      struct xdpdns_stats *per_cpu, int max_cpus)
{
	struct xdpdns_stats *vals;
	__u32 zero = 0;
	int ncpu = libbpf_num_possible_cpus(), cpu, c, err = 0;

	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	vals = calloc(ncpu, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	if (bpf_map_lookup_elem(maps->stats_fd, &zero, vals)) {
		err = -errno;
		goto out;
	}
	memset(sum, 0, sizeof(*sum));
	for (cpu = 0; cpu < ncpu; cpu++) {
		for (c = 0; c < XDPDNS_CNT_MAX; c++)
			sum->counter[c] += vals[cpu].counter[c];
		if (per_cpu && cpu < max_cpus)
			per_cpu[cpu] = vals[cpu];
	}
	err = ncpu;
out:
	free(vals);
	return err;
}

#define REFILL_FLUSH_WALK_MAX (1u << 22)	/* keys visited, at most */

int refill_cache_flush_below(const struct refill_maps *maps, const uint8_t *zone,
			     unsigned int *deleted)
{
	struct xdpdns_cache_key key, next, *victims = NULL;
	struct xdpdns_cache_entry *entry;
	size_t n = 0, cap = 0;
	unsigned int visited = 0, gone = 0;
	bool first = true;
	int err = 0;

	if (deleted)
		*deleted = 0;
	if (!maps || maps->cache_fd < 0)
		return 0;
	entry = malloc(sizeof(*entry));
	if (!entry)
		return -ENOMEM;
	/* Collect first, delete after: deleting while walking would make
	 * get_next_key start over. The walk is bounded: entries the XDP LRU
	 * evicts meanwhile can restart it too. */
	while (visited++ < REFILL_FLUSH_WALK_MAX) {
		if (bpf_map_get_next_key(maps->cache_fd, first ? NULL : &key, &next)) {
			if (errno != ENOENT)
				err = -errno;
			break;
		}
		first = false;
		key = next;
		if (bpf_map_lookup_elem(maps->cache_fd, &key, entry))
			continue;	/* gone meanwhile */
		if (entry->name_len < 1 || entry->name_len > XDPDNS_NAME_BUF ||
		    entry->name[entry->name_len - 1] != 0 ||
		    !dns_name_is_subdomain(entry->name, zone))
			continue;
		if (n == cap) {
			size_t c = cap ? cap * 2 : 64;
			struct xdpdns_cache_key *v = realloc(victims, c * sizeof(*v));

			if (!v) {
				err = -ENOMEM;
				break;
			}
			victims = v;
			cap = c;
		}
		victims[n++] = key;
	}
	for (size_t i = 0; i < n; i++) {
		int e = refill_entry_delete(maps, &victims[i]);

		if (!e)
			gone++;
		else if (e != -ENOENT && !err)
			err = e;
	}
	if (deleted)
		*deleted = gone;
	free(victims);
	free(entry);
	return err;
}
