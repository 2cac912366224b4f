/* SPDX-License-Identifier: GPL-2.0 */
/* The XDP fast path as one unit: load xdp_dns with the pinned maps, attach
 * it to interfaces, detach it (shared by xdpdnsd and `xdpdns prog`). */
#pragma once

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "attach.h"
#include "refill.h"

#define KERNEL_MAX_IFACES 16
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
 * @ifname:	the interface.
 * @mode:	the mode actually used.
 * @prog:	libxdp's handle.
 * @skel:	the loaded skeleton (one per interface, all on the same maps).
 */
struct kernel_link {
	char ifname[IF_NAMESIZE];
	enum attach_mode mode;
	struct xdp_program *prog;
	struct xdp_dns_bpf *skel;
};

/**
 * struct kernel - the loaded fast path.
 * @maps:		the shared maps (open while @kernel lives).
 * @cache_entries:	capacity of the cache map in use.
 * @link:		one per attached interface.
 * @nlinks:		how many.
 */
struct kernel {
	struct refill_maps maps;
	uint32_t cache_entries;
	struct kernel_link link[KERNEL_MAX_IFACES];
	unsigned int nlinks;
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
 * @nifnames:	how many (1..KERNEL_MAX_IFACES).
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

/**
 * kernel_cache_flush_below() - delete every kernel cache entry whose name
 * is @name or below it (a changed trust anchor or NTA).
 * @maps:	the maps.
 * @name:	uncompressed wire name (any case).
 * @deleted:	if not NULL, receives how many went.
 * Return: 0 or -errno.
 */
int kernel_cache_flush_below(const struct refill_maps *maps,
			     const uint8_t *name, unsigned int *deleted);

struct config;

/**
 * kernel_start() - the daemon's fast path: with interfaces configured,
 * load xdp_dns on the maps pinned in cfg->pin_path (replacing an xdp_dns
 * a previous run left attached), attach it to each interface in
 * cfg->xdp_mode and fill the listen map with the explicit listen
 * addresses. Wildcard listen addresses (0.0.0.0, ::) are not put in the
 * listen map (a warning says so): the program answers only addresses it
 * is told, so queries to those go to the sockets as before.
 * @cfg:	the configuration.
 * @out:	receives the fast path, or NULL when no interface is
 *		configured (a plain userspace forwarder).
 * @err:	receives a one-line message on failure.
 * @errlen:	its size.
 * Return: 0, XDPDNS_ELAYOUT, or another negative code.
 */
int kernel_start(const struct config *cfg, struct kernel **out, char *err,
		 size_t errlen);

/**
 * kernel_stop() - on exit: detach unless @keep_attached, then free. The
 * maps stay pinned either way, so that a restarted daemon reuses them and,
 * with @keep_attached, the kernel keeps answering from the cache
 * meanwhile. NULL is fine.
 */
void kernel_stop(struct kernel *k, bool keep_attached);
