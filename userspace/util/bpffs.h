/* SPDX-License-Identifier: GPL-2.0 */
/* Making sure a BPF filesystem is mounted where maps get pinned. */
#pragma once

/**
 * bpffs_ensure_mounted() - mount bpffs at @path unless one is there.
 * @path: mount point, normally "/sys/fs/bpf".
 *
 * Some machines boot without bpffs; pinning needs it.
 *
 * Return: 0 or a negative errno from statfs(2) or mount(2).
 */
int bpffs_ensure_mounted(const char *path);

/**
 * bpffs_mkdir_p() - create @dir and its parents inside a bpffs mount.
 * Return: 0 (also when it exists) or a negative errno.
 */
int bpffs_mkdir_p(const char *dir);
