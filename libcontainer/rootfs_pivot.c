/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The rootfs becomes the container's root (rootfs.h, hr_rootfs_pivot): pivot_root, or with
 * --no-pivot a move of the rootfs onto / after the host's procfs and sysfs are hidden, or, for
 * a container without a mount namespace of its own, only chroot. Runs in the child, after the
 * mounts are in; allocates nothing.
 */
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "mountinfo.h"

/* pivot_root(".", "."), as runc and LXC do: no directory is needed in the rootfs. */
static int do_pivot(const char *rootfs, struct hr_err *err)
{
	_cleanup_close_ int oldroot = -1, newroot = -1;

	oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (oldroot < 0)
		return hr_err_sys(err, "open /");
	newroot = open(rootfs, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (newroot < 0)
		return hr_err_sys(err, "open rootfs %s", rootfs);
	if (fchdir(newroot) < 0)
		return hr_err_sys(err, "chdir to rootfs %s", rootfs);
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return hr_err_sys(err, "pivot_root to %s", rootfs);
	if (fchdir(oldroot) < 0)
		return hr_err_sys(err, "chdir to the old root");
	/* rslave first: the unmount below must never propagate to the host's mounts. */
	if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return hr_err_sys(err, "make the old root rslave");
	if (umount2(".", MNT_DETACH) < 0)
		return hr_err_sys(err, "detach the old root");
	if (chdir("/") < 0)
		return hr_err_sys(err, "chdir to /");
	return 0;
}

#define HR_MAX_HIDDEN 128

struct host_pseudofs {
	const char *rootfs;
	size_t rootfs_len;
	unsigned long long ids[HR_MAX_HIDDEN];
	size_t n;
};

static int collect_pseudofs(const struct mountinfo *mi, void *data, struct hr_err *err)
{
	struct host_pseudofs *h = data;
	const char *mp = mi->mountpoint;

	if (strcmp(mi->root, "/") != 0 ||
	    (strcmp(mi->fstype, "proc") != 0 && strcmp(mi->fstype, "sysfs") != 0))
		return 0;
	if (strncmp(mp, h->rootfs, h->rootfs_len) == 0 &&
	    (mp[h->rootfs_len] == '/' || mp[h->rootfs_len] == '\0'))
		return 0;
	if (h->n == HR_MAX_HIDDEN)
		return hr_err_set(err, E2BIG, "too many procfs/sysfs mounts to hide");
	h->ids[h->n++] = mi->id;
	return 0;
}

static int hide_one(const struct mountinfo *mi, void *data, struct hr_err *err)
{
	if (mi->id != *(unsigned long long *)data)
		return 0;
	if (mount(NULL, mi->mountpoint, NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return errno == ENOENT ? 1 : hr_err_sys(err, "make %s rslave", mi->mountpoint);
	if (umount2(mi->mountpoint, MNT_DETACH) == 0)
		return 1;
	if (errno != EINVAL && errno != EPERM)
		return hr_err_sys(err, "unmount %s", mi->mountpoint);
	if (mount("tmpfs", mi->mountpoint, "tmpfs", MS_RDONLY, "size=0") < 0)
		return hr_err_sys(err, "cover %s", mi->mountpoint);
	return 1;
}

/*
 * Without pivot_root the host's procfs and sysfs stay in the namespace, which would let the
 * kernel allow new procfs/sysfs mounts the container should not get (a "fully visible"
 * instance exists): detach, or cover, every full one outside the rootfs first, as runc does.
 */
static int hide_host_pseudofs(const char *rootfs, struct hr_err *err)
{
	_cleanup_close_ int proc_self = hr_mountinfo_open_proc_self(err);
	struct host_pseudofs h = {.rootfs = rootfs, .rootfs_len = strlen(rootfs)};

	if (proc_self < 0)
		return -1;
	if (hr_mountinfo_foreach(proc_self, collect_pseudofs, &h, err) < 0)
		return -1;
	for (size_t i = 0; i < h.n; i++) {
		if (hr_mountinfo_foreach(proc_self, hide_one, &h.ids[i], err) < 0)
			return -1;
	}
	return 0;
}

/*
 * chroot into the rootfs. move (--no-pivot): first the rootfs is moved onto "/" of the
 * container's mount namespace, the host's procfs and sysfs hidden. Without move (no mount
 * namespace of its own) the caller's mounts stay as they are, as with crun.
 */
static int do_chroot(const char *rootfs, bool move, struct hr_err *err)
{
	if (chdir(rootfs) < 0)
		return hr_err_sys(err, "chdir to rootfs %s", rootfs);
	if (move && hide_host_pseudofs(rootfs, err) < 0)
		return hr_err_prefix(err, "no-pivot");
	if (move && mount(rootfs, "/", NULL, MS_MOVE, NULL) < 0)
		return hr_err_sys(err, "move rootfs %s to /", rootfs);
	if (chroot(".") < 0)
		return hr_err_sys(err, "chroot to rootfs %s", rootfs);
	if (chdir("/") < 0)
		return hr_err_sys(err, "chdir to /");
	return 0;
}

int hr_rootfs_pivot(const struct hr_rootfs_plan *plan, bool no_pivot, struct hr_err *err)
{
	if (plan->caller_mounts || no_pivot)
		return do_chroot(plan->rootfs, !plan->caller_mounts, err);
	return do_pivot(plan->rootfs, err);
}
