// SPDX-License-Identifier: GPL-2.0
/* Making sure a BPF filesystem is mounted where maps get pinned. */
#include <errno.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "util/bpffs.h"

int bpffs_ensure_mounted(const char *path)
{
	struct statfs st;

	if (statfs(path, &st) < 0)
		return -errno;
	if ((unsigned long)st.f_type == BPF_FS_MAGIC)
		return 0;
	if (mount("bpf", path, "bpf", 0, "mode=0700") < 0)
		return -errno;
	return 0;
}

int bpffs_mkdir_p(const char *dir)
{
	char path[PATH_MAX];
	size_t len = strlen(dir);

	if (len == 0 || len >= sizeof(path))
		return -ENAMETOOLONG;
	memcpy(path, dir, len + 1);
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}
