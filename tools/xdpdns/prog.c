// SPDX-License-Identifier: GPL-2.0
/* xdpdns prog: where the xdp_dns program runs (show), attaching it with
 * the pinned maps (attach) and detaching it (detach). */
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>

#include "attach.h"
#include "kernel.h"
#include "main.h"
#include "refill.h"
#include "util/error.h"

#define PROG_NAME "xdp_dns"
#define PROG_DISPATCHER "xdp_dispatcher"
#define PROG_MAX_MAPS 64

/**
 * struct prog_row - one attachment of xdp_dns.
 * @ifindex, @ifname:	the interface.
 * @mode:		"native", "generic" or "offload".
 * @prog_id:		the xdp_dns program's id.
 * @dispatcher_id:	libxdp's dispatcher it hangs from, 0 if attached alone.
 * @load_time:		bpf_prog_info.load_time (ns since boot).
 * @pinned_maps:	1 if it uses the cache map pinned in the pin dir, 0 if
 *			not, -1 if nothing is pinned there.
 */
struct prog_row {
	unsigned int ifindex;
	char ifname[IF_NAMESIZE];
	const char *mode;
	__u32 prog_id;
	__u32 dispatcher_id;
	__u64 load_time;
	int pinned_maps;
};

/* Name, load time and map ids of a program by id. */
static int prog_info(__u32 id, struct bpf_prog_info *info, __u32 *map_ids,
		     __u32 nmaps)
{
	__u32 len = sizeof(*info);
	int fd, err;

	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return -errno;
	memset(info, 0, sizeof(*info));
	if (map_ids) {
		info->nr_map_ids = nmaps;
		info->map_ids = (__u64)(unsigned long)map_ids;
	}
	err = bpf_obj_get_info_by_fd(fd, info, &len) ? -errno : 0;
	close(fd);
	return err;
}

/*
 * The xdp_dns program that a libxdp dispatcher runs: the freplace
 * (tracing) link whose target is the dispatcher and whose program is
 * called xdp_dns. Bounded walk over the system's links.
 */
static __u32 prog_dispatched(__u32 dispatcher_id)
{
	__u32 id = 0, found = 0;
	int steps;

	for (steps = 0; steps < 65536 && !found; steps++) {
		struct bpf_link_info li;
		struct bpf_prog_info pi;
		__u32 len = sizeof(li);
		int fd;

		if (bpf_link_get_next_id(id, &id))
			break;
		fd = bpf_link_get_fd_by_id(id);
		if (fd < 0)
			continue;
		memset(&li, 0, sizeof(li));
		if (!bpf_obj_get_info_by_fd(fd, &li, &len) &&
		    li.type == BPF_LINK_TYPE_TRACING &&
		    li.tracing.target_obj_id == dispatcher_id &&
		    !prog_info(li.prog_id, &pi, NULL, 0) &&
		    !strcmp(pi.name, PROG_NAME))
			found = li.prog_id;
		close(fd);
	}
	return found;
}

/* Id of the cache map pinned in the pin dir, 0 if none. */
static __u32 prog_pinned_cache_id(const char *pin_dir)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info), id = 0;
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", pin_dir, XDPDNS_MAP_CACHE_NAME);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return 0;
	if (!bpf_obj_get_info_by_fd(fd, &info, &len))
		id = info.id;
	close(fd);
	return id;
}

/* Find xdp_dns on one interface, in each XDP mode. */
static int prog_scan_if(unsigned int ifindex, const char *ifname,
			__u32 cache_id, struct prog_row *rows, int max)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	struct {
		__u32 id;
		const char *mode;
	} slots[3];
	int n = 0, i;

	if (bpf_xdp_query(ifindex, 0, &q))
		return 0;
	slots[0].id = q.drv_prog_id, slots[0].mode = "native";
	slots[1].id = q.skb_prog_id, slots[1].mode = "generic";
	slots[2].id = q.hw_prog_id, slots[2].mode = "offload";
	for (i = 0; i < 3 && n < max; i++) {
		__u32 map_ids[PROG_MAX_MAPS], prog_id = 0, dispatcher = 0, k;
		struct bpf_prog_info info;
		struct prog_row *r;

		if (!slots[i].id || prog_info(slots[i].id, &info, NULL, 0))
			continue;
		if (!strcmp(info.name, PROG_NAME)) {
			prog_id = slots[i].id;
		} else if (!strcmp(info.name, PROG_DISPATCHER)) {
			dispatcher = slots[i].id;
			prog_id = prog_dispatched(dispatcher);
		}
		if (!prog_id || prog_info(prog_id, &info, map_ids, PROG_MAX_MAPS))
			continue;
		r = &rows[n++];
		memset(r, 0, sizeof(*r));
		r->ifindex = ifindex;
		snprintf(r->ifname, sizeof(r->ifname), "%s", ifname);
		r->mode = slots[i].mode;
		r->prog_id = prog_id;
		r->dispatcher_id = dispatcher;
		r->load_time = info.load_time;
		r->pinned_maps = cache_id ? 0 : -1;
		for (k = 0; cache_id && k < info.nr_map_ids && k < PROG_MAX_MAPS; k++)
			if (map_ids[k] == cache_id)
				r->pinned_maps = 1;
	}
	return n;
}

/* Every attachment of xdp_dns in this network namespace (or on @only). */
static int prog_scan(const char *pin_dir, unsigned int only,
		     struct prog_row **rows_out)
{
	struct if_nameindex *ifs = if_nameindex(), *it;
	__u32 cache_id = prog_pinned_cache_id(pin_dir);
	struct prog_row *rows;
	int n = 0, count = 0;

	*rows_out = NULL;
	if (!ifs)
		return -errno;
	for (it = ifs; it->if_index; it++)
		count++;
	rows = calloc((size_t)count * 3 + 1, sizeof(*rows));
	if (!rows) {
		if_freenameindex(ifs);
		return -ENOMEM;
	}
	for (it = ifs; it->if_index; it++) {
		if (only && it->if_index != only)
			continue;
		n += prog_scan_if(it->if_index, it->if_name, cache_id, rows + n,
				  count * 3 - n);
	}
	if_freenameindex(ifs);
	*rows_out = rows;
	return n;
}

/* Wall-clock time of a CLOCK_BOOTTIME instant. */
static time_t prog_boot_to_wall(__u64 boot_ns)
{
	struct timespec real;
	unsigned long long now_boot = cli_boottime_ns();

	clock_gettime(CLOCK_REALTIME, &real);
	return real.tv_sec - (time_t)((now_boot - boot_ns) / 1000000000ULL);
}

static int do_show(struct cli *cli, int argc, char **argv)
{
	struct prog_row *rows = NULL;
	unsigned int only = 0;
	int n, i;

	if (argc > 0) {
		if (cli_is_prefix(*argv, "dev")) {
			NEXT_ARG();
			REQ_ARGS(1);
		}
		only = if_nametoindex(*argv);
		if (!only)
			return cli_error(cli, "no interface '%s' in this network namespace",
					 *argv);
		NEXT_ARG();
	}
	if (argc > 0)
		return cli_usage_error(cli, "unexpected '%s'", *argv);
	n = prog_scan(cli->pin_dir, only, &rows);
	if (n < 0)
		return cli_error(cli, "cannot list the interfaces: %s", xdpdns_strerror(n));
	if (cli->json)
		n ? jw_start_array(&cli->jw) : jw_null(&cli->jw);
	else if (n)
		printf("%-16s %-8s %8s %10s  %-20s %s\n", "INTERFACE", "MODE", "PROG",
		       "DISPATCHER", "LOADED", "PINNED-MAPS");
	for (i = 0; i < n; i++) {
		const struct prog_row *r = &rows[i];
		time_t when = prog_boot_to_wall(r->load_time);
		unsigned long long age = (cli_boottime_ns() - r->load_time) / 1000000000ULL;
		char stamp[32];
		struct tm tm;

		gmtime_r(&when, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
		if (cli->json) {
			struct json_writer *jw = &cli->jw;

			jw_start_object(jw);
			jw_string_field(jw, "interface", r->ifname);
			jw_uint_field(jw, "ifindex", r->ifindex);
			jw_string_field(jw, "mode", r->mode);
			jw_uint_field(jw, "prog_id", r->prog_id);
			jw_name(jw, "dispatcher_id");
			if (r->dispatcher_id)
				jw_uint(jw, r->dispatcher_id);
			else
				jw_null(jw);
			jw_string_field(jw, "loaded_at", stamp);
			jw_uint_field(jw, "loaded_seconds_ago", age);
			jw_name(jw, "pinned_maps");
			if (r->pinned_maps < 0)
				jw_null(jw);
			else
				jw_bool(jw, r->pinned_maps);
			jw_end_object(jw);
		} else {
			char disp[16] = "-";

			if (r->dispatcher_id)
				snprintf(disp, sizeof(disp), "%u", r->dispatcher_id);
			printf("%-16s %-8s %8u %10s  %-20s %s\n", r->ifname, r->mode,
			       r->prog_id, disp, stamp,
			       r->pinned_maps < 0 ? "none pinned" :
			       r->pinned_maps ? "yes" : "other maps");
		}
	}
	if (cli->json && n)
		jw_end_array(&cli->jw);
	else if (!cli->json && !n && only)
		printf("xdp_dns is not attached to %s\n", argv[-1]);
	else if (!cli->json && !n)
		printf("xdp_dns is attached to no interface in this network namespace\n");
	free(rows);
	return CLI_OK;
}

static int do_attach(struct cli *cli, int argc, char **argv)
{
	enum attach_mode mode = ATTACH_MODE_AUTO, used = ATTACH_MODE_AUTO;
	struct kernel_opts opts = { 0 };
	struct kernel *k = NULL;
	struct prog_row *rows = NULL;
	unsigned int ifindex;
	const char *dev;
	char msg[512];
	int err, lock = -1, status = CLI_ERROR;

	REQ_ARGS(1);
	dev = GET_ARG();
	if (argc > 0) {
		if (!cli_is_prefix(*argv, "mode"))
			return cli_usage_error(cli, "unexpected '%s' (expected mode MODE)", *argv);
		NEXT_ARG();
		REQ_ARGS(1);
		if (attach_mode_parse(*argv, &mode))
			return cli_usage_error(cli, "unknown mode '%s' (native, generic or auto)",
					       *argv);
		NEXT_ARG();
	}
	if (argc > 0)
		return cli_usage_error(cli, "unexpected '%s'", *argv);
	ifindex = if_nametoindex(dev);
	if (!ifindex)
		return cli_error(cli, "no interface '%s' in this network namespace", dev);
	/* The lock keeps two attaches from both passing the check below. */
	lock = kernel_pin_lock(cli->pin_dir);
	if (lock == -ENOTSUP)
		return cli_error(cli, "%s is not on a bpffs mount: maps cannot be pinned there",
				 cli->pin_dir);
	if (lock < 0)
		return cli_error(cli, "cannot check or lock the pin path %s: %s",
				 cli->pin_dir, xdpdns_strerror(lock));
	err = prog_scan(cli->pin_dir, ifindex, &rows);
	free(rows);
	if (err > 0) {
		status = cli_error(cli, "xdp_dns is already attached to %s", dev);
		goto out;
	}

	opts.pin_dir = cli->pin_dir;
	opts.mode = mode;
	err = kernel_load_and_attach(&opts, &dev, 1, &k, msg, sizeof(msg));
	if (err) {
		status = cli_error(cli, "%s", msg);
		goto out;
	}
	used = k->link[0].mode;
	if (cli->json) {
		jw_start_object(&cli->jw);
		jw_string_field(&cli->jw, "interface", dev);
		jw_string_field(&cli->jw, "mode", attach_mode_name(used));
		jw_string_field(&cli->jw, "pin_path", cli->pin_dir);
		jw_end_object(&cli->jw);
	} else {
		printf("attached xdp_dns to %s in %s mode, maps pinned in %s\n", dev,
		       attach_mode_name(used), cli->pin_dir);
	}
	status = CLI_OK;
out:
	/* Freeing the handles leaves the program attached. */
	kernel_free(k);
	if (lock >= 0)
		close(lock);
	return status;
}

static int do_detach(struct cli *cli, int argc, char **argv)
{
	char buf[256];
	const char *dev;
	int n;

	REQ_ARGS(1);
	dev = GET_ARG();
	if (argc > 0)
		return cli_usage_error(cli, "unexpected '%s'", *argv);
	if (!if_nametoindex(dev))
		return cli_error(cli, "no interface '%s' in this network namespace", dev);
	n = attach_detach_by_name(dev, PROG_NAME);
	if (n < 0)
		return cli_error(cli, "cannot detach xdp_dns from %s: %s", dev,
				 attach_error_text(n, buf, sizeof(buf)));
	if (n == 0)
		return cli_error(cli, "xdp_dns is not attached to %s", dev);
	if (cli->json) {
		jw_start_object(&cli->jw);
		jw_string_field(&cli->jw, "interface", dev);
		jw_uint_field(&cli->jw, "detached", (unsigned int)n);
		jw_end_object(&cli->jw);
	} else {
		printf("detached xdp_dns from %s\n", dev);
	}
	return CLI_OK;
}

static int do_help(struct cli *cli, int argc, char **argv)
{
	if (cli->json) {
		jw_null(&cli->jw);
		return CLI_OK;
	}
	fprintf(stderr,
		"Usage: %1$s prog show [[dev] DEV]\n"
		"       %1$s prog attach DEV [mode {native|generic|auto}]\n"
		"       %1$s prog detach DEV\n"
		"       %1$s prog help\n"
		"\n"
		"attach loads the built-in xdp_dns program with the maps pinned in the\n"
		"pin path (created there if missing) and attaches it through libxdp;\n"
		"the attachment stays after %1$s exits. auto means generic on veth\n"
		"(whose peer may run no XDP) and native elsewhere.\n",
		cli->argv0);
	return CLI_OK;
}

static const struct cli_cmd prog_cmds[] = {
	{ "show", do_show },
	{ "list", do_show },
	{ "attach", do_attach },
	{ "detach", do_detach },
	{ NULL, NULL },
};

int do_prog(struct cli *cli, int argc, char **argv)
{
	return cli_dispatch(cli, "command", prog_cmds, argc, argv, do_help);
}
