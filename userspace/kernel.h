/* SPDX-License-Identifier: GPL-2.0 */
/* The XDP fast path as one unit: load xdp_dns with the pinned maps, attach
 * it to interfaces, detach it (shared by xdpdnsd and `xdpdns prog`). */
#pragma once

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "attach.h"
#include "refill.h"

#define KERNEL_MAX_IFACES 16	/* interfaces named at load; more attach later */
#define KERNEL_MAX_LISTEN 16	/* listen map entries the daemon keeps */
#define KERNEL_MAX_PORTS 4	/* listen_ports[] of the program's rodata */

struct xdp_dns_bpf;
struct xdp_program;

/**
 * struct kernel_opts - how to load and attach.
 * @pin_dir:		bpffs directory of the shared maps.
 * @cache_entries:	capacity of a new cache map (0: the default). Pinned
 *			maps keep their size: a different value is reported
 *			through @resized of kernel_load_and_attach().
 * @mode:		XDP mode (auto, native, generic).
 * @replace:		detach an xdp_dns already attached to an interface
 *			first (a restarted daemon); without it the caller
 *			checks (the CLI refuses).
 * @ports:		UDP ports (host order) the program's quick filter
 *			keeps; 0 ports or more than KERNEL_MAX_PORTS: no
 *			filter, the listen map alone decides.
 * @nports:		entries in @ports.
 */
struct kernel_opts {
	const char *pin_dir;
	uint32_t cache_entries;
	enum attach_mode mode;
	bool replace;
	const uint16_t *ports;
	unsigned int nports;
};

/**
 * struct kernel_link - xdp_dns on one interface.
 * @ifname:	the interface (its name when attached).
 * @ifindex:	its index (a renamed interface keeps it).
 * @mode:	the mode actually used.
 * @prog:	libxdp's handle.
 * @skel:	the loaded skeleton (one per interface, all on the same maps).
 */
struct kernel_link {
	char ifname[IF_NAMESIZE];
	unsigned int ifindex;
	enum attach_mode mode;
	struct xdp_program *prog;
	struct xdp_dns_bpf *skel;
};

/**
 * struct kernel - the loaded fast path.
 * @maps:		the shared maps (open while @kernel lives; fds -1
 *			until the first interface is attached).
 * @cache_entries:	capacity of the cache map in use.
 * @link:		one per attached interface (grows as needed).
 * @nlinks:		how many.
 * @caplinks:		room in @link.
 * @opts:		how interfaces are attached, kept for
 *			kernel_attach_one() (@pin_dir and @ports point into
 *			this struct).
 * @pin_dir, @ports:	copies behind @opts.
 * @nlisten, @listen_family, @listen_addr, @listen_port: the listen map's
 *			entries, written when the maps first open.
 */
struct kernel {
	struct refill_maps maps;
	uint32_t cache_entries;
	struct kernel_link *link;
	unsigned int nlinks;
	unsigned int caplinks;
	struct kernel_opts opts;
	char pin_dir[PATH_MAX];
	uint16_t ports[KERNEL_MAX_PORTS];
	unsigned int nlisten;
	int listen_family[KERNEL_MAX_LISTEN];
	uint8_t listen_addr[KERNEL_MAX_LISTEN][16];
	uint16_t listen_port[KERNEL_MAX_LISTEN];
};

/**
 * kernel_pin_lock() - make sure bpffs is mounted and @pin_dir exists, then
 * take an exclusive lock on it (as xdp-tools do), so that two loaders
 * cannot race. Released by closing the descriptor.
 * @pin_dir:	the pin directory (parents created too).
 * Return: the descriptor, -ENOTSUP if @pin_dir is not on a bpffs, or -errno.
 */
int kernel_pin_lock(const char *pin_dir);

/**
 * kernel_load_and_attach() - load xdp_dns reusing the maps pinned in
 * @opts->pin_dir (layout checked, contract 7) or pinning new ones, and
 * attach it to each interface. The caller should hold kernel_pin_lock().
 * @opts:	what and how.
 * @ifnames:	interfaces.
 * @nifnames:	how many (1..KERNEL_MAX_IFACES; kernel_attach_one() adds
 *		more later).
 * @out:	receives the fast path; kernel_free() it (leaves it attached)
 *		after kernel_detach() if it should go.
 * @err:	receives a one-line message on failure.
 * @errlen:	its size.
 *
 * On failure nothing stays attached that this call attached (an xdp_dns
 * detached by @opts->replace stays detached).
 *
 * Return: 0, XDPDNS_ELAYOUT (pinned maps of another layout), -ENODEV (no
 * such interface), or another negative code (libbpf, libxdp).
 */
int kernel_load_and_attach(const struct kernel_opts *opts,
			   const char *const *ifnames, unsigned int nifnames,
			   struct kernel **out, char *err, size_t errlen);

/**
 * kernel_attach_one() - attach xdp_dns to one more interface (one that
 * appeared: an interface glob of the daemon, ifwatch.h), on the same
 * pinned maps; the first one opens the maps and fills the listen map.
 * Takes the pin lock itself. Failures are logged.
 * @k:		the fast path.
 * @ifname:	the interface.
 * Return: 0, -EEXIST when already attached there, -ENOMEM, or the
 * negative code of the load or attach.
 */
int kernel_attach_one(struct kernel *k, const char *ifname);

/**
 * kernel_detach_one() - forget one interface: detach xdp_dns if the
 * interface still exists (renamed away from a glob: found by its index,
 * under its new name), and free its link.
 * @k:		the fast path.
 * @ifname:	the interface.
 * Return: 0, or -ENOENT when xdp_dns was not attached there by @k.
 */
int kernel_detach_one(struct kernel *k, const char *ifname);

/**
 * kernel_detach() - detach xdp_dns from every interface of @k (the maps
 * stay pinned). Return: 0 or the first libxdp error.
 */
int kernel_detach(struct kernel *k);

/**
 * kernel_free() - close handles and maps; what is attached stays attached
 * (libxdp keeps it). NULL is fine.
 */
void kernel_free(struct kernel *k);

/**
 * kernel_listen_replace() - make the listen map hold exactly these
 * addresses (the daemon owns it while it runs).
 * @maps:	the maps.
 * @family:	4 or 6 per address.
 * @addrs:	16 bytes each (IPv4 in the first 4), network order.
 * @ports:	UDP ports, host order.
 * @n:		how many.
 * Return: 0 or -errno.
 */
int kernel_listen_replace(const struct refill_maps *maps, const int *family,
			  const uint8_t (*addrs)[16], const uint16_t *ports,
			  unsigned int n);

struct config;

/**
 * kernel_start() - the daemon's fast path: with interfaces configured
 * (names, or globs, see config_iface_is_pattern(): those are left to
 * kernel_attach_one(), and with nothing but globs the maps open with the
 * first matching interface),
 * load xdp_dns on the maps pinned in cfg->pin_path (replacing an xdp_dns
 * a previous run left attached), attach it to each interface in
 * cfg->xdp_mode and fill the listen map with the explicit listen
 * addresses. Wildcard listen addresses (0.0.0.0, ::) are not put in the
 * listen map (a warning says so): the program answers only addresses it
 * is told, so queries to those go to the sockets as before.
 * @cfg:	the configuration.
 * @out:	receives the fast path, or NULL when no interface (name or
 *		glob) is configured (a plain userspace forwarder).
 * @err:	receives a one-line message on failure.
 * @errlen:	its size.
 * Return: 0, XDPDNS_ELAYOUT, or another negative code.
 */
int kernel_start(const struct config *cfg, struct kernel **out, char *err,
		 size_t errlen);

/**
 * kernel_listen_update() - a reload changed the listen addresses: make the
 * listen map hold the explicit ones of @cfg (contract 5: the program
 * answers nowhere else), and remember them for interfaces attached later.
 * A port the loaded program's port filter lacks is logged (served by the
 * sockets until a restart). NULL @k is fine.
 * Return: 0 or a negative code of the map update.
 */
int kernel_listen_update(struct kernel *k, const struct config *cfg);

/**
 * kernel_stop() - on exit: detach unless @keep_attached, then free. The
 * maps stay pinned either way, so that a restarted daemon reuses them and,
 * with @keep_attached, the kernel keeps answering from the cache
 * meanwhile. NULL is fine.
 */
void kernel_stop(struct kernel *k, bool keep_attached);
