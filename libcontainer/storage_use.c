/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "storage_use.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cleanup.h"
#include "paths.h"
#include "envfile.h"
#include "json.h"

/*
 * File systems whose statfs the kernel answers from memory: never a daemon (FUSE), a server
 * (NFS, CIFS, 9p) or anything else a container could make wait, so that `state` cannot hang.
 * The kernel's own (proc, sysfs, cgroup2, ...) hold no data of the container's.
 */
static const char *const measured_fs[] = {
    "tmpfs", "ext2", "ext3", "ext4", "xfs", "btrfs", "overlay", "f2fs", "vfat", "exfat", "zfs",
};

static bool measured(const struct hr_mountinfo *m)
{
	if (hr_proc_has_option(m->options, "ro") ||
	    !hr_utf8_valid(m->mount_point, strlen(m->mount_point)))
		return false;
	for (size_t i = 0; i < sizeof(measured_fs) / sizeof(measured_fs[0]); i++)
		if (strcmp(m->fstype, measured_fs[i]) == 0)
			return true;
	return false;
}

/*
 * statfs of mount m through root, only when the opened directory is that mount: a mount a later
 * one covers, or a path the container has changed, opens as another mount and is left out.
 */
static bool measure(int root, const struct hr_mountinfo *m, uint64_t *size, uint64_t *used)
{
	_cleanup_close_ int fd =
	    hr_openat2(root, m->mount_point, O_PATH | O_DIRECTORY | O_CLOEXEC, 0,
		       RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
	struct statx stx;
	struct statfs sfs;

	if (fd < 0 || statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) < 0 ||
	    !(stx.stx_mask & STATX_MNT_ID) || stx.stx_mnt_id != (uint64_t)m->id ||
	    fstatfs(fd, &sfs) < 0)
		return false;
	*size = (uint64_t)sfs.f_blocks * (uint64_t)sfs.f_frsize;
	*used = sfs.f_bfree < sfs.f_blocks
		    ? (uint64_t)(sfs.f_blocks - sfs.f_bfree) * (uint64_t)sfs.f_frsize
		    : 0;
	return true;
}

int hr_storage_usage(const struct hr_proc_view *view, struct hr_arena *arena,
		     struct hr_storage_use **out, size_t *n, struct hr_err *err)
{
	_cleanup_close_ int root = -1;
	struct hr_mountinfo *mounts;
	size_t n_mounts;

	*out = NULL;
	*n = 0;
	if (hr_proc_mountinfo(view, arena, &mounts, &n_mounts, err) < 0)
		return -1;
	/* the process's root, from its /proc directory: bound to that process, not to a pid */
	root = openat(view->procfd, "root", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return hr_err_sys(err, "open /proc/%d/root", (int)view->pid);
	*out = hr_arena_array(arena, n_mounts ? n_mounts : 1, sizeof(**out));
	for (size_t i = 0; i < n_mounts; i++) {
		struct hr_storage_use *u = &(*out)[*n];

		if (!measured(&mounts[i]) || !measure(root, &mounts[i], &u->size, &u->used))
			continue;
		u->mount_id = mounts[i].id;
		u->path = mounts[i].mount_point;
		u->fstype = mounts[i].fstype;
		(*n)++;
	}
	return 0;
}

void hr_storage_use_gen(yajl_gen g, const struct hr_storage_use *u)
{
	char percent[32];

	snprintf(percent, sizeof(percent), "%.1f",
		 u->size > 0 ? 100.0 * (double)u->used / (double)u->size : 0.0);
	yajl_gen_map_open(g);
	hr_jgen_kv_str(g, "path", u->path);
	hr_jgen_kv_str(g, "type", u->fstype);
	hr_jgen_kv_u64(g, "size", u->size);
	hr_jgen_kv_u64(g, "used", u->used);
	hr_jgen_key(g, "usedPercent");
	yajl_gen_number(g, percent, strlen(percent));
	yajl_gen_map_close(g);
}
