// SPDX-License-Identifier: GPL-2.0
/* The XDP fast path as one unit: load xdp_dns with the pinned maps, attach
 * it to interfaces, detach it (shared by xdpdnsd and `xdpdns prog`). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <linux/magic.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "config.h"
#include "dns/name.h"
#include "kernel.h"
#include "log.h"
#include "util/bpffs.h"
#include "util/error.h"
#include "xdp_dns.skel.h"

#define KERNEL_PROG_NAME "xdp_dns"

_Static_assert(CONFIG_MAX_IFACES <= KERNEL_MAX_IFACES,
	       "every configured interface fits in one kernel_load_and_attach()");
_Static_assert(CONFIG_MAX_LISTEN <= KERNEL_MAX_LISTEN,
	       "every listen address fits in struct kernel");

/*
 * Pins only work on a bpffs: check the pin path, or its closest existing
 * parent, after making sure /sys/fs/bpf is mounted (Debian boots without
 * it), so that a wrong pin path fails before anything loads.
 */
static int kernel_check_bpffs(const char *pin_dir)
{
	char path[PATH_MAX], *slash;
	struct statfs st;
	int err;

	err = refill_bpffs_ensure(NULL);
	if (err)
		return err;
	if (snprintf(path, sizeof(path), "%s", pin_dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	while (statfs(path, &st)) {
		if (errno != ENOENT)
			return -errno;
		slash = strrchr(path, '/');
		if (!slash)
			return -ENOENT;
		if (slash == path)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
	if (st.f_type != BPF_FS_MAGIC)
		return -ENOTSUP;
	/* Parents too: refill_object_prepare() creates only the last one. */
	return bpffs_mkdir_p(pin_dir);
}

int kernel_pin_lock(const char *pin_dir)
{
	int fd, err;

	err = kernel_check_bpffs(pin_dir);
	if (err)
		return err;
	fd = open(pin_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/*
 * Capacity of the cache map pinned in @pin_dir, 0 if none: libbpf reuses
 * a pin only when its definition matches, so new objects take its size.
 */
static uint32_t kernel_pinned_cache_entries(const char *pin_dir)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", pin_dir, XDPDNS_MAP_CACHE_NAME);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return 0;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		info.max_entries = 0;
	close(fd);
	return info.max_entries;
}

/* Load one skeleton on the pinned maps and attach it to @ifname. */
static int kernel_link_add(struct kernel *k, const struct kernel_opts *o,
			   const char *ifname, char *err, size_t errlen)
{
	struct kernel_link *l;
	struct refill_maps maps;
	uint64_t seed = 0;
	char buf[256];
	int ret;

	if (k->nlinks == k->caplinks) {
		unsigned int cap = k->caplinks ? 2 * k->caplinks : KERNEL_MAX_IFACES;
		struct kernel_link *grown = realloc(k->link, cap * sizeof(*grown));

		if (!grown) {
			snprintf(err, errlen, "out of memory for interface %s", ifname);
			return -ENOMEM;
		}
		k->link = grown;
		k->caplinks = cap;
	}
	l = &k->link[k->nlinks];
	memset(l, 0, sizeof(*l));
	snprintf(l->ifname, sizeof(l->ifname), "%s", ifname);
	l->ifindex = if_nametoindex(ifname);
	if (o->replace) {
		/* A previous daemon (or the CLI) left xdp_dns there: replace
		 * it; the maps it used are the pinned ones we reuse. */
		ret = attach_detach_by_name(ifname, KERNEL_PROG_NAME);
		if (ret < 0) {
			snprintf(err, errlen, "cannot detach the xdp_dns already on %s: %s",
				 ifname, attach_error_text(ret, buf, sizeof(buf)));
			return ret;
		}
	}
	l->skel = xdp_dns_bpf__open();
	if (!l->skel) {
		ret = -errno;
		snprintf(err, errlen, "cannot open the embedded xdp_dns object: %s",
			 strerror(errno));
		return ret ? ret : -ENOMEM;
	}
	ret = refill_object_prepare(l->skel->obj, o->pin_dir, k->cache_entries, &seed);
	if (ret == XDPDNS_ELAYOUT) {
		snprintf(err, errlen, "maps pinned in %s have another layout version "
			 "(this xdpdns writes version %d): refusing to use them",
			 o->pin_dir, XDPDNS_LAYOUT_VERSION);
		goto fail;
	}
	if (ret) {
		snprintf(err, errlen, "cannot prepare the maps in %s: %s", o->pin_dir,
			 xdpdns_strerror(ret));
		goto fail;
	}
	l->skel->rodata->name_hash_seed = seed;
	if (o->nports && o->nports <= KERNEL_MAX_PORTS) {
		for (unsigned int i = 0; i < o->nports; i++)
			l->skel->rodata->listen_ports[i] = htons(o->ports[i]);
		l->skel->rodata->listen_port_count = o->nports;
	}
	ret = attach_program(l->skel->obj, KERNEL_PROG_NAME, ifname, o->mode,
			     &l->mode, &l->prog);
	if (ret) {
		snprintf(err, errlen, "cannot attach xdp_dns to %s (mode %s): %s", ifname,
			 attach_mode_name(o->mode), attach_error_text(ret, buf, sizeof(buf)));
		goto fail;
	}
	/* Records the layout and seed in new maps (contract 7). */
	ret = refill_object_finish(l->skel->obj, seed, &maps);
	if (ret) {
		attach_detach(l->prog, ifname, l->mode);
		snprintf(err, errlen, "cannot initialise the maps in %s: %s", o->pin_dir,
			 xdpdns_strerror(ret));
		goto fail;
	}
	if (k->maps.cache_fd < 0)
		k->maps = maps;
	else
		refill_maps_close(&maps);
	k->nlinks++;
	return 0;
fail:
	attach_program_close(l->prog);
	xdp_dns_bpf__destroy(l->skel);
	memset(l, 0, sizeof(*l));
	return ret;
}

/* An empty fast path remembering @opts (copied) for later attachments. */
static struct kernel *kernel_alloc(const struct kernel_opts *opts)
{
	struct kernel *k = calloc(1, sizeof(*k));

	if (!k)
		return NULL;
	k->maps.cache_fd = k->maps.listen_fd = k->maps.stats_fd = k->maps.info_fd = -1;
	k->opts = *opts;
	snprintf(k->pin_dir, sizeof(k->pin_dir), "%s", opts->pin_dir);
	k->opts.pin_dir = k->pin_dir;
	if (opts->nports <= KERNEL_MAX_PORTS && opts->nports)
		memcpy(k->ports, opts->ports, opts->nports * sizeof(k->ports[0]));
	else
		k->opts.nports = 0;	/* no quick filter, as documented */
	k->opts.ports = k->ports;
	return k;
}

int kernel_load_and_attach(const struct kernel_opts *opts,
			   const char *const *ifnames, unsigned int nifnames,
			   struct kernel **out, char *err, size_t errlen)
{
	struct kernel *k;
	uint32_t pinned;
	int ret = 0;

	*out = NULL;
	if (!nifnames || nifnames > KERNEL_MAX_IFACES) {
		snprintf(err, errlen, "between 1 and %d interfaces", KERNEL_MAX_IFACES);
		return -EINVAL;
	}
	for (unsigned int i = 0; i < nifnames; i++) {
		if (!if_nametoindex(ifnames[i])) {
			snprintf(err, errlen, "no interface '%s' in this network namespace",
				 ifnames[i]);
			return -ENODEV;
		}
	}
	k = kernel_alloc(opts);
	if (!k)
		return -ENOMEM;
	pinned = kernel_pinned_cache_entries(opts->pin_dir);
	k->cache_entries = pinned ? pinned : opts->cache_entries;
	for (unsigned int i = 0; i < nifnames; i++) {
		ret = kernel_link_add(k, &k->opts, ifnames[i], err, errlen);
		if (ret)
			break;
	}
	if (ret) {
		kernel_detach(k);
		kernel_free(k);
		return ret;
	}
	if (!k->cache_entries)
		k->cache_entries = kernel_pinned_cache_entries(opts->pin_dir);
	*out = k;
	return 0;
}

int kernel_detach(struct kernel *k)
{
	int first = 0;

	for (unsigned int i = 0; k && i < k->nlinks; i++) {
		struct kernel_link *l = &k->link[i];
		int ret;

		if (!l->prog)
			continue;
		ret = attach_detach(l->prog, l->ifname, l->mode);
		/* Someone detached it already (xdpdns prog detach): fine. */
		if (ret && ret != -ENOENT && !first)
			first = ret;
		attach_program_close(l->prog);
		l->prog = NULL;
	}
	return first;
}

void kernel_free(struct kernel *k)
{
	if (!k)
		return;
	for (unsigned int i = 0; i < k->nlinks; i++) {
		attach_program_close(k->link[i].prog);
		xdp_dns_bpf__destroy(k->link[i].skel);
	}
	refill_maps_close(&k->maps);
	free(k->link);
	free(k);
}

int kernel_attach_one(struct kernel *k, const char *ifname)
{
	bool had_maps = k->maps.cache_fd >= 0;
	char err[512];
	int lock, ret;

	for (unsigned int i = 0; i < k->nlinks; i++)
		if (!strcmp(k->link[i].ifname, ifname))
			return -EEXIST;
	lock = kernel_pin_lock(k->pin_dir);
	if (lock < 0) {
		log_error("xdp_dns on %s: cannot lock the pin path %s: %s", ifname,
			  k->pin_dir, xdpdns_strerror(lock));
		return lock;
	}
	ret = kernel_link_add(k, &k->opts, ifname, err, sizeof(err));
	if (ret) {
		log_error("xdp_dns on %s: %s", ifname, err);
		goto out;
	}
	if (!k->cache_entries)
		k->cache_entries = kernel_pinned_cache_entries(k->pin_dir);
	/* The first interface opened the maps: the daemon owns the listen map. */
	if (!had_maps) {
		ret = kernel_listen_replace(&k->maps, k->listen_family,
					    (const uint8_t (*)[16])k->listen_addr,
					    k->listen_port, k->nlisten);
		if (ret)
			log_error("cannot fill the listen map: %s", xdpdns_strerror(ret));
	}
	log_info("xdp_dns attached to %s in %s mode", ifname,
		 attach_mode_name(k->link[k->nlinks - 1].mode));
out:
	close(lock);
	return ret;
}

int kernel_detach_one(struct kernel *k, const char *ifname)
{
	char now[IF_NAMESIZE];
	unsigned int i;
	struct kernel_link *l;
	int ret;

	for (i = 0; i < k->nlinks && strcmp(k->link[i].ifname, ifname); i++)
		;
	if (i == k->nlinks)
		return -ENOENT;
	l = &k->link[i];
	/* A deleted interface took the program with it; a renamed one still
	 * has it attached, under its new name. */
	if (l->prog && l->ifindex && if_indextoname(l->ifindex, now)) {
		ret = attach_detach(l->prog, now, l->mode);
		if (ret && ret != -ENOENT)
			log_warn("detaching xdp_dns from %s: %s", now,
				 xdpdns_strerror(ret));
	}
	attach_program_close(l->prog);
	xdp_dns_bpf__destroy(l->skel);
	memmove(l, l + 1, (k->nlinks - i - 1) * sizeof(*l));
	k->nlinks--;
	log_info("xdp_dns forgets %s", ifname);
	return 0;
}

int kernel_listen_replace(const struct refill_maps *maps, const int *family,
			  const uint8_t (*addrs)[16], const uint16_t *ports,
			  unsigned int n)
{
	struct xdpdns_listen_key key, next;
	unsigned int rounds;
	int ret;

	/* Restart from the first key after each delete; bounded. */
	for (rounds = 0; rounds < 4 * XDPDNS_LISTEN_MAX; rounds++) {
		if (bpf_map_get_next_key(maps->listen_fd, NULL, &next))
			break;
		key = next;
		/* Through refill, which republishes the program's table: a bare
		 * map delete would leave the program answering there. */
		ret = refill_listen_delete(maps, key.family, key.addr,
					   ntohs(key.port));
		if (ret && ret != -ENOENT)
			return ret;
	}
	for (unsigned int i = 0; i < n; i++) {
		ret = refill_listen_add(maps, family[i], addrs[i], ports[i]);
		if (ret)
			return ret;
	}
	return 0;
}

/* The explicit listen addresses of @cfg, and their distinct ports. */
static unsigned int kernel_listen_from_config(const struct config *cfg,
					      int *family, uint8_t (*addrs)[16],
					      uint16_t *ports, uint16_t *uports,
					      unsigned int *nuports)
{
	unsigned int n = 0;

	*nuports = 0;
	for (unsigned int i = 0; i < cfg->listen_count; i++) {
		const struct config_listen *l = &cfg->listen[i];
		const struct sockaddr_in *s4 = (const void *)&l->addr;
		const struct sockaddr_in6 *s6 = (const void *)&l->addr;
		uint16_t port;
		unsigned int j;

		memset(addrs[n], 0, 16);
		if (l->addr.ss_family == AF_INET) {
			if (s4->sin_addr.s_addr == htonl(INADDR_ANY)) {
				log_warn("listen %s: a wildcard address is not answered "
					 "by XDP (list the addresses to serve there)", l->text);
				continue;
			}
			family[n] = 4;
			memcpy(addrs[n], &s4->sin_addr, 4);
			port = ntohs(s4->sin_port);
		} else {
			if (IN6_IS_ADDR_UNSPECIFIED(&s6->sin6_addr)) {
				log_warn("listen %s: a wildcard address is not answered "
					 "by XDP (list the addresses to serve there)", l->text);
				continue;
			}
			family[n] = 6;
			memcpy(addrs[n], &s6->sin6_addr, 16);
			port = ntohs(s6->sin6_port);
		}
		ports[n++] = port;
		for (j = 0; j < *nuports && uports[j] != port; j++)
			;
		if (j == *nuports && *nuports < CONFIG_MAX_LISTEN)
			uports[(*nuports)++] = port;
	}
	return n;
}

int kernel_listen_update(struct kernel *k, const struct config *cfg)
{
	uint16_t ports[CONFIG_MAX_LISTEN], uports[CONFIG_MAX_LISTEN];
	int family[CONFIG_MAX_LISTEN];
	uint8_t addrs[CONFIG_MAX_LISTEN][16];
	unsigned int n, nuports;
	int lock, ret = 0;

	if (!k)
		return 0;
	n = kernel_listen_from_config(cfg, family, addrs, ports, uports, &nuports);
	k->nlisten = n;
	memcpy(k->listen_family, family, n * sizeof(family[0]));
	memcpy(k->listen_addr, addrs, n * sizeof(addrs[0]));
	memcpy(k->listen_port, ports, n * sizeof(ports[0]));
	/* The program's quick port filter is read-only data fixed at load:
	 * a new port is served by the sockets until a restart. */
	for (unsigned int i = 0; k->opts.nports && i < nuports; i++) {
		unsigned int j;

		for (j = 0; j < k->opts.nports && k->ports[j] != uports[i]; j++)
			;
		if (j == k->opts.nports)
			log_warn("reload: port %u is not in xdp_dns's port filter: "
				 "queries there go to the daemon until a restart",
				 uports[i]);
	}
	if (k->maps.listen_fd < 0)
		return 0;	/* filled when the first interface opens the maps */
	lock = kernel_pin_lock(k->pin_dir);
	if (lock < 0)
		return lock;
	ret = kernel_listen_replace(&k->maps, family, (const uint8_t (*)[16])addrs,
				    ports, n);
	close(lock);
	return ret;
}

/* libbpf's messages (its fallbacks are expected here) at debug level. */
static int kernel_libbpf_print(enum libbpf_print_level level, const char *fmt,
			       va_list args)
{
	char line[512];
	size_t n;

	vsnprintf(line, sizeof(line), fmt, args);
	n = strlen(line);
	if (n && line[n - 1] == '\n')
		line[n - 1] = '\0';
	log_debug("libbpf: %s", line);
	return 0;
}

int kernel_start(const struct config *cfg, struct kernel **out, char *err,
		 size_t errlen)
{
	const char *ifnames[CONFIG_MAX_IFACES];
	uint16_t ports[CONFIG_MAX_LISTEN], uports[CONFIG_MAX_LISTEN];
	struct kernel_opts o = {
		.pin_dir = cfg->pin_path,
		.cache_entries = cfg->kernel_entries,
		.mode = cfg->xdp_mode,
		.replace = true,
		.ports = uports,
	};
	struct kernel *k = NULL;
	unsigned int n, nnames = 0, npatterns = 0;
	int family[CONFIG_MAX_LISTEN];
	uint8_t addrs[CONFIG_MAX_LISTEN][16];
	int lock, ret;

	*out = NULL;
	for (unsigned int i = 0; i < cfg->interface_count; i++) {
		if (config_iface_is_pattern(cfg->interface[i]))
			npatterns++;
		else
			ifnames[nnames++] = cfg->interface[i];
	}
	if (!nnames && !npatterns)
		return 0;
	/* libxdp reports its dispatcher fallback on every load here; every
	 * failure comes back as an error code anyway. */
	attach_set_print(cfg->log_level >= LOG_LEVEL_DEBUG);
	libbpf_set_print(kernel_libbpf_print);
	n = kernel_listen_from_config(cfg, family, addrs, ports, uports, &o.nports);
	if (!n)
		log_warn("no explicit listen address: XDP will answer nothing");
	lock = kernel_pin_lock(cfg->pin_path);
	if (lock < 0) {
		if (lock == -ENOTSUP)
			snprintf(err, errlen, "pin path %s is not on a bpffs mount",
				 cfg->pin_path);
		else
			snprintf(err, errlen, "cannot check or lock the pin path %s: %s",
				 cfg->pin_path, xdpdns_strerror(lock));
		return lock;
	}
	if (nnames) {
		ret = kernel_load_and_attach(&o, ifnames, nnames, &k, err, errlen);
	} else {
		/* Only globs: the maps open with the first interface that
		 * matches (kernel_attach_one()). */
		uint32_t pinned = kernel_pinned_cache_entries(cfg->pin_path);

		k = kernel_alloc(&o);
		ret = k ? 0 : -ENOMEM;
		if (k)
			k->cache_entries = pinned ? pinned : o.cache_entries;
		else
			snprintf(err, errlen, "out of memory");
	}
	if (!ret) {
		k->nlisten = n;
		memcpy(k->listen_family, family, n * sizeof(family[0]));
		memcpy(k->listen_addr, addrs, n * sizeof(addrs[0]));
		memcpy(k->listen_port, ports, n * sizeof(ports[0]));
	}
	if (!ret && nnames) {
		/* The daemon owns the listen map while it runs. */
		ret = kernel_listen_replace(&k->maps, family,
					    (const uint8_t (*)[16])addrs, ports, n);
		if (ret)
			snprintf(err, errlen, "cannot fill the listen map: %s",
				 xdpdns_strerror(ret));
	}
	close(lock);
	if (ret && k) {
		kernel_detach(k);
		kernel_free(k);
		return ret;
	}
	if (ret)
		return ret;
	if (cfg->kernel_entries && k->cache_entries != cfg->kernel_entries)
		log_warn("kernel cache: the pinned map holds %u entries, not the "
			 "%u configured (remove the pins in %s to resize)",
			 k->cache_entries, cfg->kernel_entries, cfg->pin_path);
	for (unsigned int i = 0; i < k->nlinks; i++)
		log_info("xdp_dns attached to %s in %s mode", k->link[i].ifname,
			 attach_mode_name(k->link[i].mode));
	log_info("kernel cache: %u entries, maps pinned in %s, %u listen addresses%s",
		 k->cache_entries, cfg->pin_path, n,
		 npatterns ? ", interface globs followed" : "");
	*out = k;
	return 0;
}

void kernel_stop(struct kernel *k, bool keep_attached)
{
	int ret;

	if (!k)
		return;
	if (keep_attached) {
		log_info("xdp_dns stays attached (keep-attached): the kernel keeps "
			 "answering from the cache");
	} else {
		ret = kernel_detach(k);
		if (ret)
			log_warn("detaching xdp_dns: %s", xdpdns_strerror(ret));
		else
			log_info("xdp_dns detached; maps stay pinned");
	}
	kernel_free(k);
}
