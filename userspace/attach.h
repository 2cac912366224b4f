/* SPDX-License-Identifier: GPL-2.0 */
/* Attaching XDP programs to interfaces through libxdp (its only user). */
#pragma once

#include <stdbool.h>

struct bpf_object;
struct xdp_program;

/** How a program is attached to an interface. */
enum attach_mode {
	ATTACH_MODE_AUTO = 0,	/* native where sensible, generic otherwise */
	ATTACH_MODE_NATIVE,	/* driver mode; fails where the driver lacks it */
	ATTACH_MODE_GENERIC,	/* skb mode; works on every interface */
};

/**
 * attach_mode_parse() - read "auto", "native" or "generic".
 * @text: the mode's name.
 * @mode: set on success.
 *
 * Return: 0, or XDPDNS_ECONFIG for an unknown name.
 */
int attach_mode_parse(const char *text, enum attach_mode *mode);

/** attach_mode_name() - the name of @mode, for logs and the CLI. */
const char *attach_mode_name(enum attach_mode mode);

/**
 * attach_mode_resolve() - decide what ATTACH_MODE_AUTO means on @ifname.
 * @ifname: interface name.
 *
 * A veth's XDP_TX reaches its peer only when the peer runs XDP too, which
 * xdpdns cannot promise for a pod's interface, so veth gets generic mode.
 * Other drivers get native mode; attach_program() falls back to generic if
 * the driver refuses it.
 *
 * Return: ATTACH_MODE_NATIVE or ATTACH_MODE_GENERIC.
 */
enum attach_mode attach_mode_resolve(const char *ifname);

/**
 * attach_program() - load and attach one program of an opened object.
 * @obj: a libbpf object, opened (rodata set) but not yet loaded: libxdp
 *       loads it, as a multi-program dispatcher needs.
 * @prog_name: the program's function name in @obj.
 * @ifname: interface to attach to.
 * @mode: requested mode; AUTO is resolved by attach_mode_resolve().
 * @used: set to the mode actually used (may be NULL).
 * @out: set to the libxdp handle, to pass to attach_detach(); the caller
 *       frees it with attach_program_close(). @obj stays the caller's.
 *
 * Return: 0, -ENODEV for an unknown interface, or libxdp's negative errno.
 */
int attach_program(struct bpf_object *obj, const char *prog_name,
		   const char *ifname, enum attach_mode mode,
		   enum attach_mode *used, struct xdp_program **out);

/**
 * attach_detach() - detach a program attached by attach_program().
 * Return: 0 or a negative errno from libxdp.
 */
int attach_detach(struct xdp_program *prog, const char *ifname,
		  enum attach_mode mode);

/**
 * attach_detach_by_name() - detach every program called @prog_name from
 * @ifname, whoever attached it (used after a restart and by the CLI).
 * Return: the number detached (>= 0) or a negative errno.
 */
int attach_detach_by_name(const char *ifname, const char *prog_name);

/**
 * attach_set_print() - send libxdp's messages to stderr (@verbose) or
 * drop them: by default libxdp prints its fallbacks itself, while every
 * failure also comes back to the caller as an error code.
 */
void attach_set_print(bool verbose);

/** attach_program_close() - free a handle from attach_program(); NULL-safe. */
void attach_program_close(struct xdp_program *prog);

/**
 * attach_error_text() - libxdp's description of @err (libxdp and errno codes).
 * Return: @buf.
 */
const char *attach_error_text(int err, char *buf, unsigned long size);
