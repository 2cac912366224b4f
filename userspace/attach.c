// SPDX-License-Identifier: GPL-2.0
/* Attaching XDP programs through libxdp, so other XDP programs can share
 * the interface through its dispatcher. */
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "attach.h"
#include "util/error.h"

int attach_mode_parse(const char *text, enum attach_mode *mode)
{
	if (!strcmp(text, "auto"))
		*mode = ATTACH_MODE_AUTO;
	else if (!strcmp(text, "native") || !strcmp(text, "drv"))
		*mode = ATTACH_MODE_NATIVE;
	else if (!strcmp(text, "generic") || !strcmp(text, "skb"))
		*mode = ATTACH_MODE_GENERIC;
	else
		return XDPDNS_ECONFIG;
	return 0;
}

const char *attach_mode_name(enum attach_mode mode)
{
	switch (mode) {
	case ATTACH_MODE_NATIVE:
		return "native";
	case ATTACH_MODE_GENERIC:
		return "generic";
	default:
		return "auto";
	}
}

/* The driver's name as ethtool reports it, or "" when it cannot be read. */
static void attach_driver_name(const char *ifname, char *buf, size_t size)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr = { 0 };
	int fd;

	buf[0] = '\0';
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
	ifr.ifr_data = (void *)&info;
	if (ioctl(fd, SIOCETHTOOL, &ifr) == 0)
		snprintf(buf, size, "%.*s", (int)sizeof(info.driver), info.driver);
	close(fd);
}

enum attach_mode attach_mode_resolve(const char *ifname)
{
	char driver[sizeof(((struct ethtool_drvinfo *)0)->driver) + 1];

	attach_driver_name(ifname, driver, sizeof(driver));
	if (!strcmp(driver, "veth"))
		return ATTACH_MODE_GENERIC;
	return ATTACH_MODE_NATIVE;
}

static enum xdp_attach_mode attach_libxdp_mode(enum attach_mode mode)
{
	return mode == ATTACH_MODE_GENERIC ? XDP_MODE_SKB : XDP_MODE_NATIVE;
}

int attach_program(struct bpf_object *obj, const char *prog_name,
		   const char *ifname, enum attach_mode mode,
		   enum attach_mode *used, struct xdp_program **out)
{
	DECLARE_LIBXDP_OPTS(xdp_program_opts, opts, .obj = obj,
			    .prog_name = prog_name);
	struct xdp_program *prog;
	bool fallback = false;
	int ifindex, err;

	*out = NULL;
	ifindex = if_nametoindex(ifname);
	if (!ifindex)
		return -ENODEV;
	if (mode == ATTACH_MODE_AUTO) {
		mode = attach_mode_resolve(ifname);
		fallback = mode == ATTACH_MODE_NATIVE;
	}

	prog = xdp_program__create(&opts);
	err = libxdp_get_error(prog);
	if (err)
		return err;

	err = xdp_program__attach(prog, ifindex, attach_libxdp_mode(mode), 0);
	/* A driver without native XDP answers EOPNOTSUPP; in auto mode the
	 * generic hook still works everywhere. */
	if (err && fallback && (err == -EOPNOTSUPP || err == -EINVAL)) {
		mode = ATTACH_MODE_GENERIC;
		err = xdp_program__attach(prog, ifindex, XDP_MODE_SKB, 0);
	}
	if (err) {
		xdp_program__close(prog);
		return err;
	}
	if (used)
		*used = mode;
	*out = prog;
	return 0;
}

int attach_detach(struct xdp_program *prog, const char *ifname,
		  enum attach_mode mode)
{
	int ifindex = if_nametoindex(ifname);

	if (!ifindex)
		return -ENODEV;
	return xdp_program__detach(prog, ifindex, attach_libxdp_mode(mode), 0);
}

int attach_detach_by_name(const char *ifname, const char *prog_name)
{
	struct xdp_multiprog *mp;
	struct xdp_program *prog;
	enum xdp_attach_mode mode;
	int ifindex, err, count = 0;

	ifindex = if_nametoindex(ifname);
	if (!ifindex)
		return -ENODEV;
	mp = xdp_multiprog__get_from_ifindex(ifindex);
	err = libxdp_get_error(mp);
	if (err)
		return err == -ENOENT ? 0 : err;
	mode = xdp_multiprog__attach_mode(mp);

	/* A legacy (non-dispatcher) attachment has only a main program. */
	if (xdp_multiprog__is_legacy(mp)) {
		prog = xdp_multiprog__main_prog(mp);
		if (prog && !strcmp(xdp_program__name(prog), prog_name)) {
			err = xdp_multiprog__detach(mp);
			count = err ? err : 1;
		}
		goto out;
	}
	for (prog = xdp_multiprog__next_prog(NULL, mp); prog;
	     prog = xdp_multiprog__next_prog(prog, mp)) {
		if (strcmp(xdp_program__name(prog), prog_name))
			continue;
		err = xdp_program__detach(prog, ifindex, mode, 0);
		if (err) {
			count = err;
			goto out;
		}
		count++;
	}
out:
	xdp_multiprog__close(mp);
	return count;
}

static int attach_print_verbose(enum libxdp_print_level level,
				const char *format, va_list args)
{
	return vfprintf(stderr, format, args);
}

static int attach_print_quiet(enum libxdp_print_level level,
			      const char *format, va_list args)
{
	return 0;
}

void attach_set_print(bool verbose)
{
	libxdp_set_print(verbose ? attach_print_verbose : attach_print_quiet);
}

void attach_program_close(struct xdp_program *prog)
{
	if (prog)
		xdp_program__close(prog);
}

const char *attach_error_text(int err, char *buf, unsigned long size)
{
	if (libxdp_strerror(err, buf, size) < 0)
		snprintf(buf, size, "%s", strerror(err < 0 ? -err : err));
	return buf;
}
