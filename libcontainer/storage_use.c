/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "storage_use.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cleanup.h"
#include "paths.h"

/* File systems that hold no data of the container's: the kernel's views and controls. */
static const char *const pseudo_fs[] = {
    "proc",	  "sysfs",   "devpts",	   "mqueue",   "cgroup",    "cgroup2",	 "bpf",
    "securityfs", "debugfs", "tracefs",	   "fusectl",  "configfs",  "pstore",	 "binfmt_misc",
    "autofs",	  "nsfs",    "rpc_pipefs", "efivarfs", "selinuxfs", "hugetlbfs",
};

static bool holds_data(const struct hr_mountinfo *m)
{
	if (hr_proc_has_option(m->options, "ro"))
		return false;
	for (size_t i = 0; i < sizeof(pseudo_fs) / sizeof(pseudo_fs[0]); i++)
		if (strcmp(m->fstype, pseudo_fs[i]) == 0)
			return false;
	return true;
}

/* The later mounts at the same point cover m: the container cannot reach it. */
static bool covered(const struct hr_mountinfo *mounts, size_t n, size_t i)
{
	for (size_t j = i + 1; j < n; j++)
		if (strcmp(mounts[j].mount_point, mounts[i].mount_point) == 0)
			return true;
	return false;
}

/* statfs of mount m through root, only when the opened directory is that mount. */
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
	*used = (uint64_t)(sfs.f_blocks - sfs.f_bfree) * (uint64_t)sfs.f_frsize;
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

		if (!holds_data(&mounts[i]) || covered(mounts, n_mounts, i) ||
		    !measure(root, &mounts[i], &u->size, &u->used))
			continue;
		u->path = mounts[i].mount_point;
		u->fstype = mounts[i].fstype;
		(*n)++;
	}
	return 0;
}
