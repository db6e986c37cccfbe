/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The child side of the rootfs plan (rootfs.h): runs in the container's new mount namespace,
 * privileged, after clone. It allocates nothing (fds and stack buffers only) and reports the
 * first failure in err.
 *
 * Every mount is made with the new mount API and attached through an fd of its target:
 * the target is resolved with openat2(RESOLVE_IN_ROOT) from an O_PATH fd of the rootfs, the
 * new mount comes from open_tree(OPEN_TREE_CLONE) (binds) or fsopen/fsconfig/fsmount
 * (filesystems), and move_mount(MOVE_MOUNT_T_EMPTY_PATH) attaches it to exactly that target.
 */
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cleanup.h"
#include "copyup.h"
#include "mountinfo.h"
#include "paths.h"
#include "procfs.h"

#define MNT_ATTR_HARDEN (MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC)

/* ---- small wrappers ---------------------------------------------------------------------- */

static int setattr_fd(int fd, unsigned int flags, uint64_t set, uint64_t clr, uint64_t prop)
{
	struct mount_attr attr = {.attr_set = set, .attr_clr = clr, .propagation = prop};

	return mount_setattr(fd, "", AT_EMPTY_PATH | flags, &attr, sizeof(attr));
}

static int attach(int mnt_fd, int target_fd)
{
	return move_mount(mnt_fd, "", target_fd, "",
			  MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
}

static int clone_fd(int fd, bool recursive)
{
	return open_tree(fd, "",
			 OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH |
			     (recursive ? AT_RECURSIVE : 0));
}

/* Reports errno, with the filesystem's own explanation from the fs context log when any. */
static int fs_error(int fsfd, struct hr_err *err, const char *what)
{
	int e = errno;
	char log[256];
	ssize_t n = fsfd >= 0 ? read(fsfd, log, sizeof(log) - 1) : -1;

	if (n > 2 && log[0] == 'e' && log[1] == ' ') {
		log[n] = '\0';
		log[strcspn(log, "\n")] = '\0';
		return hr_err_set(err, e, "%s (%s)", what, log + 2);
	}
	return hr_err_set(err, e, "%s", what);
}

/* An empty, read-only tmpfs that hides what is below target (masking, cgroup fallback). */
static int attach_empty_tmpfs(int target, struct hr_err *err)
{
	_cleanup_close_ int fsfd = -1, mnt = -1;

	fsfd = fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fsfd < 0)
		return hr_err_sys(err, "fsopen tmpfs");
	if (fsconfig(fsfd, FSCONFIG_SET_STRING, "source", "tmpfs", 0) < 0 ||
	    fsconfig(fsfd, FSCONFIG_SET_STRING, "size", "0", 0) < 0 ||
	    fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return fs_error(fsfd, err, "create tmpfs");
	mnt = fsmount(fsfd, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY | MNT_ATTR_HARDEN);
	if (mnt < 0)
		return hr_err_sys(err, "fsmount tmpfs");
	if (attach(mnt, target) < 0)
		return hr_err_sys(err, "move_mount tmpfs");
	return 0;
}

/* Propagation and the r* attributes, once the mount is attached (mnt still refers to it). */
static int after_attach(int mnt, const struct hr_rootfs_mount *m, struct hr_err *err)
{
	unsigned long prop = m->propagation;

	if (prop != 0 &&
	    setattr_fd(mnt, (prop & MS_REC) ? AT_RECURSIVE : 0, 0, 0, prop & ~MS_REC) < 0)
		return hr_err_sys(err, "set propagation");
	if ((m->rec_attr_set | m->rec_attr_clr) != 0 &&
	    setattr_fd(mnt, AT_RECURSIVE, m->rec_attr_set, m->rec_attr_clr, 0) < 0)
		return hr_err_sys(err, "set recursive mount attributes");
	return 0;
}

/*
 * The device of a directory a bind target was found in whose filesystem is not a procfs: fstatfs
 * makes the filesystem count its free space (ext4: a sum over every CPU), which dominated the
 * cost of each bind mount, and most targets sit on one filesystem. A directory reports its own
 * filesystem's device, which no other mounted filesystem shares (a procfs gets an anonymous one
 * of its own), so a directory on that device is not on a procfs.
 */
static dev_t not_proc_dev;
static bool not_proc_dev_known;

/*
 * A target that is already on a procfs may only be one of the lxcfs-style files. st: the
 * target's, when the caller has it (binds).
 */
static int check_not_in_proc(int target, const struct stat *st, const struct hr_rootfs_mount *m,
			     struct hr_err *err)
{
	bool dir = st != NULL && S_ISDIR(st->st_mode);
	struct statfs sfs;

	if (dir && not_proc_dev_known && st->st_dev == not_proc_dev)
		return 0;
	if (fstatfs(target, &sfs) < 0)
		return hr_err_sys(err, "statfs destination");
	if (sfs.f_type == PROC_SUPER_MAGIC) {
		if (!m->under_proc_ok)
			return hr_err_set(err, EPERM, "the destination resolves into a procfs");
		return 0;
	}
	if (dir) {
		not_proc_dev = st->st_dev;
		not_proc_dev_known = true;
	}
	return 0;
}

/* ---- filesystems ------------------------------------------------------------------------- */

static int refuse_symlink(const struct hr_rootfs_mount *m, struct hr_err *err)
{
	return hr_err_set(err, ELOOP,
			  "the destination is or passes through a symlink: %s must be mounted on "
			  "a real directory",
			  m->fstype);
}

/*
 * The directory to mount a filesystem on. proc and sysfs must land on a real directory
 * (CVE-2019-19921, CVE-2023-27561): no symlink anywhere on the way, checked with
 * RESOLVE_NO_SYMLINKS after creating what is missing. mode gets the existing directory's
 * permissions (0 when it was created), which a tmpfs inherits as runc does.
 */
static int open_fs_target(int root, const struct hr_rootfs_mount *m, mode_t *mode,
			  struct hr_err *err)
{
	uint64_t extra = m->check != HR_ROOTFS_CHECK_NONE ? RESOLVE_NO_SYMLINKS : 0;
	_cleanup_close_ int fd = hr_path_open_in_root(root, m->destination, O_PATH, extra);
	struct stat st;

	*mode = 0;
	if (fd < 0 && errno == ELOOP && extra != 0)
		return refuse_symlink(m, err);
	if (fd < 0 && errno != ENOENT)
		return hr_err_sys(err, "open destination");
	if (fd >= 0) {
		if (fstat(fd, &st) < 0)
			return hr_err_sys(err, "stat destination");
		*mode = st.st_mode & 07777;
	} else {
		fd = hr_path_mkdir_all(root, m->destination, 0755, err);
		if (fd < 0)
			return -1;
		if (extra != 0) {
			close(fd);
			fd = hr_path_open_in_root(root, m->destination, O_PATH, extra);
			if (fd < 0)
				return errno == ELOOP ? refuse_symlink(m, err)
						      : hr_err_sys(err, "open destination");
		}
		if (fstat(fd, &st) < 0)
			return hr_err_sys(err, "stat destination");
	}
	if (!S_ISDIR(st.st_mode))
		return hr_err_set(err, ENOTDIR, "the destination is not a directory");
	return steal_fd(&fd);
}

static bool has_param(const struct hr_rootfs_mount *m, const char *key)
{
	for (size_t i = 0; i < m->n_params; i++) {
		if (strcmp(m->params[i].key, key) == 0)
			return true;
	}
	return false;
}

/* Messages name the option's key only: a value may be a credential (cifs password=...). */
static int configure_fs(int fsfd, const struct hr_rootfs_mount *m, mode_t dir_mode,
			struct hr_err *err)
{
	char buf[64];

	if (m->source != NULL && fsconfig(fsfd, FSCONFIG_SET_STRING, "source", m->source, 0) < 0)
		return fs_error(fsfd, err, "set source");
	for (size_t i = 0; i < m->n_params; i++) {
		const struct hr_fsparam *p = &m->params[i];
		int r = p->value != NULL ? fsconfig(fsfd, FSCONFIG_SET_STRING, p->key, p->value, 0)
					 : fsconfig(fsfd, FSCONFIG_SET_FLAG, p->key, NULL, 0);

		if (r < 0) {
			snprintf(buf, sizeof(buf), "set option %s", p->key);
			return fs_error(fsfd, err, buf);
		}
	}
	if (dir_mode != 0 && strcmp(m->fstype, "tmpfs") == 0 && !has_param(m, "mode")) {
		snprintf(buf, sizeof(buf), "%o", (unsigned int)dir_mode);
		if (fsconfig(fsfd, FSCONFIG_SET_STRING, "mode", buf, 0) < 0)
			return fs_error(fsfd, err, "set option mode");
	}
	if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return fs_error(fsfd, err, "create the filesystem");
	return 0;
}

static int check_magic(int mnt, const struct hr_rootfs_mount *m, struct hr_err *err)
{
	struct statfs sfs;

	if (m->check == HR_ROOTFS_CHECK_NONE)
		return 0;
	if (fstatfs(mnt, &sfs) < 0)
		return hr_err_sys(err, "statfs the new mount");
	if (m->check == HR_ROOTFS_CHECK_PROC && sfs.f_type != PROC_SUPER_MAGIC)
		return hr_err_set(err, EINVAL, "the new mount is not a procfs");
	if (m->check == HR_ROOTFS_CHECK_SYSFS && sfs.f_type != SYSFS_MAGIC)
		return hr_err_set(err, EINVAL, "the new mount is not a sysfs");
	return 0;
}

/*
 * tmpcopyup: the new tmpfs, still detached, gets what target holds before anyone can see it.
 * Its root takes the directory's owner unless uid=/gid= say otherwise (the mode came through
 * configure_fs already, unless mode= was given).
 */
static int copy_up(int target, int mnt, const struct hr_rootfs_mount *m, struct hr_err *err)
{
	unsigned int flags = 0;

	if (!has_param(m, "uid"))
		flags |= HR_COPYUP_ROOT_UID;
	if (!has_param(m, "gid"))
		flags |= HR_COPYUP_ROOT_GID;
	return hr_copyup(target, mnt, flags, m->destination, err);
}

/* The filesystem itself, onto an already resolved and checked target. */
static int mount_fs_at(int target, const struct hr_rootfs_mount *m, const char *fstype,
		       mode_t dir_mode, struct hr_err *err)
{
	_cleanup_close_ int fsfd = -1, mnt = -1;
	uint64_t attrs = m->attr_set;

	fsfd = fsopen(fstype, FSOPEN_CLOEXEC);
	if (fsfd < 0)
		return hr_err_sys(err, "fsopen");
	if (configure_fs(fsfd, m, dir_mode, err) < 0)
		return -1;
	if (m->defer_readonly)
		attrs &= ~(uint64_t)MOUNT_ATTR_RDONLY;
	mnt = fsmount(fsfd, FSMOUNT_CLOEXEC, (unsigned int)attrs);
	if (mnt < 0)
		return hr_err_sys(err, "fsmount");
	if (check_magic(mnt, m, err) < 0)
		return -1;
	if (m->tmpcopyup && copy_up(target, mnt, m, err) < 0)
		return -1;
	if (attach(mnt, target) < 0)
		return hr_err_sys(err, "move_mount");
	return after_attach(mnt, m, err);
}

static int open_checked_fs_target(int root, const struct hr_rootfs_mount *m, mode_t *dir_mode,
				  struct hr_err *err)
{
	_cleanup_close_ int target = open_fs_target(root, m, dir_mode, err);

	if (target < 0 || check_not_in_proc(target, NULL, m, err) < 0)
		return -1;
	return steal_fd(&target);
}

static int mount_fs(int root, const struct hr_rootfs_mount *m, struct hr_err *err)
{
	_cleanup_close_ int target = -1;
	mode_t dir_mode;

	target = open_checked_fs_target(root, m, &dir_mode, err);
	if (target < 0)
		return -1;
	return mount_fs_at(target, m, m->fstype, dir_mode, err);
}

/*
 * cgroup2, for type "cgroup" too: in a cgroup namespace it shows the container's own cgroup.
 * Without one, inside a user namespace, the kernel refuses (EPERM/EBUSY); then, as crun does,
 * the host's /sys/fs/cgroup is bound read-only if it is a cgroup2 mount; on a v1 or hybrid
 * host (like the development machine) it is an empty read-only tmpfs instead, so that the
 * container never sees nor writes the host's v1 hierarchies. Only a refusal of the cgroup2
 * filesystem itself falls back, never a refused destination.
 */
static int mount_cgroup(int root, const struct hr_rootfs_mount *m, struct hr_err *err)
{
	_cleanup_close_ int target = -1, tree = -1;
	struct statfs sfs;
	mode_t dir_mode;

	target = open_checked_fs_target(root, m, &dir_mode, err);
	if (target < 0)
		return -1;
	if (mount_fs_at(target, m, "cgroup2", dir_mode, err) == 0)
		return 0;
	if (err->errnum != EPERM && err->errnum != EBUSY)
		return -1;
	tree = open_tree(AT_FDCWD, "/sys/fs/cgroup", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree >= 0 && fstatfs(tree, &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC) {
		if (setattr_fd(tree, 0, MOUNT_ATTR_RDONLY | MNT_ATTR_HARDEN, 0, 0) < 0)
			return hr_err_sys(err, "make the host's cgroup2 bind read-only");
		if (attach(tree, target) < 0)
			return hr_err_sys(err, "bind the host's cgroup2");
		return 0;
	}
	return attach_empty_tmpfs(target, err);
}

/* ---- binds and remounts ------------------------------------------------------------------ */

static int open_bind_target(int root, const struct hr_rootfs_mount *m, bool dir, struct hr_err *err)
{
	_cleanup_close_ int fd = -1;
	struct stat st;

	fd = dir ? hr_path_mkdir_all(root, m->destination, 0755, err)
		 : hr_path_create_file(root, m->destination, 0644, err);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		return hr_err_sys(err, "stat destination");
	/* a directory's fd comes from an O_DIRECTORY open: only a file's target can be wrong */
	if (!dir && S_ISDIR(st.st_mode))
		return hr_err_set(err, EISDIR,
				  "the source is not a directory but the destination is");
	if (check_not_in_proc(fd, &st, m, err) < 0)
		return -1;
	return steal_fd(&fd);
}

/*
 * The target's type comes from the source actually opened (hooks may have made it since the
 * plan). The attributes (MOUNT_ATTR_RDONLY for ro) are set by mount_setattr on the detached
 * tree, here or in the parent for a tree opened there: its success is the kernel's word that
 * they hold, so the mount is not looked at again.
 */
static int mount_bind(int root, const struct hr_rootfs_mount *m, struct hr_err *err)
{
	_cleanup_close_ int tree = -1, target = -1;
	unsigned int rec = m->recursive ? AT_RECURSIVE : 0;
	struct stat st;

	tree = m->has_tree
		   ? m->tree_fd
		   : open_tree(AT_FDCWD, m->source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | rec);
	if (tree < 0)
		return hr_err_sys(err, "open_tree");
	if (fstat(tree, &st) < 0)
		return hr_err_sys(err, "stat source");
	target = open_bind_target(root, m, S_ISDIR(st.st_mode), err);
	if (target < 0)
		return -1;
	/* Only the requested attributes change: nosuid/nodev/... of the source stay (locked
	 * flags in a user namespace cannot be cleared anyway). rbind applies them to the tree. */
	if (!m->has_tree && (m->attr_set | m->attr_clr) != 0 &&
	    setattr_fd(tree, rec, m->attr_set, m->attr_clr, 0) < 0)
		return hr_err_sys(err, "set mount attributes");
	if (attach(tree, target) < 0)
		return hr_err_sys(err, "move_mount");
	return after_attach(tree, m, err);
}

static int mount_remount(int root, const struct hr_rootfs_mount *m, struct hr_err *err)
{
	_cleanup_close_ int target = hr_path_open_in_root(root, m->destination, O_PATH, 0);

	if (target < 0)
		return hr_err_sys(err, "open destination");
	if ((m->attr_set | m->attr_clr) != 0 &&
	    setattr_fd(target, m->recursive ? AT_RECURSIVE : 0, m->attr_set, m->attr_clr, 0) < 0)
		return hr_err_sys(err, "set mount attributes");
	return after_attach(target, m, err);
}

static int do_mount(int root, const struct hr_rootfs_mount *m, struct hr_err *err)
{
	switch (m->kind) {
	case HR_ROOTFS_MOUNT_BIND:
		if (mount_bind(root, m, err) < 0)
			return hr_err_prefix(err, "bind mount %s to %s in rootfs", m->source,
					     m->display);
		return 0;
	case HR_ROOTFS_MOUNT_CGROUP:
		if (mount_cgroup(root, m, err) < 0)
			return hr_err_prefix(err, "mount cgroup2 to %s in rootfs", m->display);
		return 0;
	case HR_ROOTFS_MOUNT_REMOUNT:
		if (mount_remount(root, m, err) < 0)
			return hr_err_prefix(err, "remount %s in rootfs", m->display);
		return 0;
	case HR_ROOTFS_MOUNT_FS:
		break;
	}
	if (mount_fs(root, m, err) < 0)
		return hr_err_prefix(err, "mount %s to %s in rootfs", m->fstype, m->display);
	return 0;
}

/* ---- /dev -------------------------------------------------------------------------------- */

/* In a user namespace mknod is refused: bind the host's node, once it is verified to be it. */
static int bind_host_device(int parent, const struct hr_rootfs_device *d, struct hr_err *err)
{
	_cleanup_close_ int host = -1, file = -1, target = -1, tree = -1;
	struct stat st;

	host = open(d->host_path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (host < 0)
		return hr_err_sys(err,
				  "no mknod in a user namespace: bind the host's node at the same "
				  "path: open host device %s",
				  d->host_path);
	if (fstat(host, &st) < 0)
		return hr_err_sys(err, "stat host device %s", d->host_path);
	if ((st.st_mode & S_IFMT) != d->type || st.st_rdev != d->rdev)
		return hr_err_set(err, EINVAL,
				  "no mknod in a user namespace: the host's %s is not the same "
				  "device (%s %u:%u)",
				  d->host_path, S_ISCHR(d->type) ? "char" : "block", major(d->rdev),
				  minor(d->rdev));
	file = openat(parent, d->name, O_CREAT | O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0);
	if (file < 0)
		return hr_err_sys(err, "create mount point");
	target = openat(parent, d->name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (target < 0)
		return hr_err_sys(err, "open mount point");
	tree = clone_fd(host, false);
	if (tree < 0)
		return hr_err_sys(err, "open_tree %s", d->host_path);
	if (attach(tree, target) < 0)
		return hr_err_sys(err, "bind %s", d->host_path);
	return 0;
}

static int create_device(int root, const struct hr_rootfs_device *d, struct hr_err *err)
{
	_cleanup_close_ int parent = hr_path_mkdir_all(root, d->parent, 0755, err);
	mode_t old;
	int r, e;

	if (parent < 0)
		return -1;
	old = umask(0);
	r = mknodat(parent, d->name, d->type | d->mode, d->rdev);
	e = errno;
	umask(old);
	if (r == 0) {
		if (fchownat(parent, d->name, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0)
			return hr_err_sys(err, "chown");
		return 0;
	}
	if (e == EEXIST)
		return 0;
	if (e != EPERM)
		return hr_err_set(err, e, "mknod");
	return bind_host_device(parent, d, err);
}

static int setup_dev(int root, const struct hr_rootfs_plan *plan, struct hr_err *err)
{
	for (size_t i = 0; i < plan->n_devices; i++) {
		if (create_device(root, &plan->devices[i], err) < 0)
			return hr_err_prefix(err, "create device /%s in rootfs",
					     plan->devices[i].path);
	}
	for (size_t i = 0; i < plan->n_symlinks; i++) {
		const struct hr_rootfs_symlink *s = &plan->symlinks[i];
		_cleanup_close_ int parent = hr_path_mkdir_all(root, s->parent, 0755, err);

		if (parent < 0)
			return hr_err_prefix(err, "create symlink /%s/%s", s->parent, s->name);
		if (symlinkat(s->target, parent, s->name) < 0 && errno != EEXIST)
			return hr_err_sys(err, "create symlink /%s/%s in rootfs", s->parent,
					  s->name);
	}
	return 0;
}

struct parent_mount {
	unsigned long long id;
	bool found;
};

static int make_private_if_shared(const struct mountinfo *mi, void *data, struct hr_err *err)
{
	struct parent_mount *pm = data;

	if (mi->id != pm->id)
		return 0;
	pm->found = true;
	if (mi->shared && mount(NULL, mi->mountpoint, NULL, MS_PRIVATE, NULL) < 0)
		return hr_err_sys(err, "make %s private", mi->mountpoint);
	return 1;
}

/*
 * As runc: if the mount holding the rootfs is shared (rootfsPropagation "shared"), make it
 * private, or the rootfs bind would propagate to its peers and pivot_root would refuse it.
 */
static int rootfs_parent_private(const char *rootfs, struct hr_err *err)
{
	_cleanup_close_ int proc_self = -1;
	struct parent_mount pm = {0};
	struct statx stx;

	if (statx(AT_FDCWD, rootfs, 0, STATX_MNT_ID, &stx) < 0)
		return hr_err_sys(err, "statx rootfs %s", rootfs);
	if (!(stx.stx_mask & STATX_MNT_ID))
		return hr_err_set(err, ENOTSUP, "statx rootfs %s: no mount id", rootfs);
	pm.id = stx.stx_mnt_id;
	proc_self = hr_mountinfo_open_proc_self(err);
	if (proc_self < 0)
		return -1;
	if (hr_mountinfo_foreach(proc_self, make_private_if_shared, &pm, err) < 0)
		return -1;
	if (!pm.found)
		return hr_err_set(err, ENOENT, "find the mount holding rootfs %s", rootfs);
	return 0;
}

/* ---- the steps --------------------------------------------------------------------------- */

/* A missing process.cwd, made in the rootfs (in-root, no symlink out) once the mounts are in. */
static int create_cwd(int root, const struct hr_rootfs_plan *plan, struct hr_err *err)
{
	_cleanup_close_ int dir = -1;

	if (plan->cwd == NULL)
		return 0;
	dir = hr_path_mkdir_all(root, plan->cwd, 0755, err);
	if (dir < 0)
		return hr_err_prefix(err, "process.cwd /%s in rootfs", plan->cwd);
	return 0;
}

int hr_rootfs_prepare(const struct hr_rootfs_plan *plan, struct hr_err *err)
{
	_cleanup_close_ int root = -1;

	/* Nothing can be bound from an unbindable tree: private while mounting, unbindable after */
	bool unbindable = (plan->root_propagation & MS_UNBINDABLE) != 0;

	if (plan->caller_mounts) {
		root = open(plan->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (root < 0)
			return hr_err_sys(err, "open rootfs %s", plan->rootfs);
		return create_cwd(root, plan, err);
	}
	if (mount(NULL, "/", NULL, unbindable ? MS_REC | MS_PRIVATE : plan->root_propagation,
		  NULL) < 0)
		return hr_err_sys(err, "set the propagation of /");
	if (rootfs_parent_private(plan->rootfs, err) < 0)
		return -1;
	if (plan->root_idmap != NULL) {
		if (move_mount(plan->root_idmap->tree_fd, "", AT_FDCWD, plan->rootfs,
			       MOVE_MOUNT_F_EMPTY_PATH) < 0)
			return hr_err_sys(err, "attach the idmapped rootfs %s", plan->rootfs);
	} else if (mount(plan->rootfs, plan->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0) {
		return hr_err_sys(err, "bind mount rootfs %s onto itself", plan->rootfs);
	}
	/* Opened after the bind: lookups from here see the mounts made on top of it. */
	root = open(plan->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return hr_err_sys(err, "open rootfs %s", plan->rootfs);
	for (size_t i = 0; i < plan->n_mounts; i++) {
		if (do_mount(root, &plan->mounts[i], err) < 0)
			return -1;
	}
	if (setup_dev(root, plan, err) < 0 || create_cwd(root, plan, err) < 0)
		return -1;
	if (unbindable && mount(NULL, "/", NULL, plan->root_propagation, NULL) < 0)
		return hr_err_sys(err, "set the propagation of /");
	return 0;
}

/*
 * /dev/console of the container's root, made an empty file when missing: never through a
 * symlink (CVE-2025-52565: a rootfs whose /dev/console pointed into /proc turned the console's
 * bind into a mount over a procfs file), never on a procfs or sysfs.
 */
static int open_console_target(int root, struct hr_err *err)
{
	_cleanup_close_ int dev = -1, target = -1;
	struct statfs sfs;
	struct stat st;

	dev = hr_path_open_in_root(root, "dev", O_PATH | O_DIRECTORY, RESOLVE_NO_SYMLINKS);
	if (dev < 0)
		return hr_err_sys(err,
				  "bind console: open /dev in the container (no symlink taken)");
	target = openat(dev, "console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (target < 0 && errno == ENOENT) {
		int fd = openat(dev, "console",
				O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);

		if (fd < 0)
			return hr_err_sys(err, "bind console: create /dev/console");
		close(fd);
		target = openat(dev, "console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
	}
	if (target < 0 || fstat(target, &st) < 0 || fstatfs(target, &sfs) < 0)
		return hr_err_sys(err, "bind console: open /dev/console");
	if (S_ISLNK(st.st_mode))
		return hr_err_set(err, ELOOP,
				  "bind console: /dev/console in the rootfs is a symlink: refused");
	if (S_ISDIR(st.st_mode))
		return hr_err_set(err, EISDIR, "bind console: /dev/console is a directory");
	if (sfs.f_type == PROC_SUPER_MAGIC || sfs.f_type == SYSFS_MAGIC)
		return hr_err_set(err, EXDEV, "bind console: /dev/console is on a %s",
				  sfs.f_type == PROC_SUPER_MAGIC ? "procfs" : "sysfs");
	return steal_fd(&target);
}

int hr_rootfs_bind_console(const struct hr_rootfs_plan *plan, int pty_slave_fd, struct hr_err *err)
{
	_cleanup_close_ int root = -1, target = -1, tree = -1;
	struct stat st;

	if (fstat(pty_slave_fd, &st) < 0)
		return hr_err_sys(err, "bind console: stat the pty");
	if (!S_ISCHR(st.st_mode))
		return hr_err_set(err, EINVAL, "bind console: the pty is not a character device");
	(void)plan;
	/* called after pivot_root: "/" is the container's root */
	root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return hr_err_sys(err, "bind console: open the container's root");
	target = open_console_target(root, err);
	if (target < 0)
		return -1;
	tree = clone_fd(pty_slave_fd, false);
	if (tree < 0 || attach(tree, target) < 0)
		return hr_err_sys(err, "bind console to /dev/console in rootfs");
	return 0;
}

/* ---- a procfs of our own, detached -------------------------------------------------------- */

int hr_rootfs_open_self_fds(struct hr_err *err)
{
	_cleanup_close_ int fsfd = fsopen("proc", FSOPEN_CLOEXEC), mnt = -1, fds = -1;
	struct statfs sfs;

	if (fsfd < 0)
		return hr_err_sys(err, "open /proc/self/fd: fsopen proc");
	if (fsconfig(fsfd, FSCONFIG_SET_STRING, "subset", "pid", 0) < 0)
		return fs_error(fsfd, err, "open /proc/self/fd: set option subset");
	if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return fs_error(fsfd, err, "open /proc/self/fd: create the procfs");
	mnt = fsmount(fsfd, FSMOUNT_CLOEXEC, MNT_ATTR_HARDEN);
	if (mnt < 0)
		return hr_err_sys(err, "open /proc/self/fd: fsmount proc");
	if (fstatfs(mnt, &sfs) < 0)
		return hr_err_sys(err, "open /proc/self/fd: statfs the procfs");
	if (sfs.f_type != PROC_SUPER_MAGIC)
		return hr_err_set(err, EINVAL, "open /proc/self/fd: the new mount is not a procfs");
	fds = openat(mnt, "self/fd", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fds < 0)
		return hr_err_sys(err, "open /proc/self/fd in the detached procfs");
	return hr_steal_fd(&fds);
}

/* ---- after pivot ------------------------------------------------------------------------- */

static int deferred_readonly(int root, const struct hr_rootfs_plan *plan, struct hr_err *err)
{
	for (size_t i = 0; i < plan->n_mounts; i++) {
		const struct hr_rootfs_mount *m = &plan->mounts[i];
		_cleanup_close_ int target = -1;

		if (!m->defer_readonly)
			continue;
		target = hr_path_open_in_root(root, m->destination, O_PATH | O_DIRECTORY, 0);
		if (target < 0)
			return hr_err_sys(err, "make %s read-only: open", m->display);
		if (setattr_fd(target, 0, MOUNT_ATTR_RDONLY, 0, 0) < 0)
			return hr_err_sys(err, "make %s read-only", m->display);
	}
	return 0;
}

/*
 * Sysctls go through hardrun's own procfs (procfs.h), not the container's /proc: nothing a
 * rootfs or a mount did can redirect the write, and a config without /proc may set them. A
 * sysctl file shows the namespaces of whoever opens it: ours, the container's.
 */
static int write_sysctls(const struct hr_rootfs_plan *plan, struct hr_err *err)
{
	for (size_t i = 0; i < plan->n_sysctls; i++) {
		const struct hr_rootfs_sysctl *s = &plan->sysctls[i];
		char path[PATH_MAX];

		if ((size_t)snprintf(path, sizeof(path), "sys/%s", s->path) >= sizeof(path))
			return hr_err_set(err, ENAMETOOLONG, "write sysctl %s", s->key);
		if (hr_procfs_write(path, s->value, strlen(s->value), err) < 0)
			return hr_err_prefix(err, "write sysctl %s", s->key);
	}
	return 0;
}

/* Bound onto itself (recursively), read-only, keeping nosuid/nodev/noexec as runc does. */
static int readonly_path(int root, const char *path, struct hr_err *err)
{
	_cleanup_close_ int target = -1, tree = -1;
	struct statvfs before, after;
	uint64_t keep = 0;
	unsigned long need = ST_RDONLY;

	target = hr_path_open_in_root(root, path, O_PATH, 0);
	if (target < 0)
		return errno == ENOENT ? 0 : hr_err_sys(err, "open");
	if (fstatvfs(target, &before) < 0)
		return hr_err_sys(err, "statvfs");
	keep |= (before.f_flag & ST_NOSUID) ? MOUNT_ATTR_NOSUID : 0;
	keep |= (before.f_flag & ST_NODEV) ? MOUNT_ATTR_NODEV : 0;
	keep |= (before.f_flag & ST_NOEXEC) ? MOUNT_ATTR_NOEXEC : 0;
	need |= before.f_flag & (ST_NOSUID | ST_NODEV | ST_NOEXEC);
	tree = clone_fd(target, true);
	if (tree < 0)
		return hr_err_sys(err, "open_tree");
	if (setattr_fd(tree, AT_RECURSIVE, MOUNT_ATTR_RDONLY | keep, 0, 0) < 0)
		return hr_err_sys(err, "set read-only");
	if (attach(tree, target) < 0)
		return hr_err_sys(err, "move_mount");
	if (fstatvfs(tree, &after) < 0)
		return hr_err_sys(err, "statvfs");
	if ((after.f_flag & need) != need)
		return hr_err_set(err, EIO, "the mount flags did not take effect");
	return 0;
}

/* /dev/null of the container, refused unless it is the real thing (CVE-2025-31133). */
static int open_dev_null(int root, int *fd, struct hr_err *err)
{
	struct stat st;

	if (*fd >= 0)
		return 0;
	*fd = hr_path_open_in_root(root, "dev/null", O_PATH, RESOLVE_NO_SYMLINKS);
	if (*fd < 0 && errno == ELOOP)
		return hr_err_set(err, ELOOP, "/dev/null in the container is a symlink");
	if (*fd < 0)
		return hr_err_sys(err, "open /dev/null in the container");
	if (fstat(*fd, &st) < 0)
		return hr_err_sys(err, "stat /dev/null in the container");
	if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
		return hr_err_set(err, EINVAL, "/dev/null in the container is not the null device");
	return 0;
}

static int mask_path(int root, const char *path, int *dev_null, struct hr_err *err)
{
	_cleanup_close_ int target = -1, tree = -1;
	struct stat st;

	target = hr_path_open_in_root(root, path, O_PATH, 0);
	if (target < 0)
		return (errno == ENOENT || errno == ENOTDIR) ? 0 : hr_err_sys(err, "open");
	if (fstat(target, &st) < 0)
		return hr_err_sys(err, "stat");
	if (S_ISDIR(st.st_mode))
		return attach_empty_tmpfs(target, err);
	if (open_dev_null(root, dev_null, err) < 0)
		return -1;
	tree = clone_fd(*dev_null, false);
	if (tree < 0)
		return hr_err_sys(err, "open_tree /dev/null");
	if (attach(tree, target) < 0)
		return hr_err_sys(err, "bind /dev/null");
	return 0;
}

static int protect_paths(int root, const struct hr_rootfs_plan *plan, struct hr_err *err)
{
	_cleanup_close_ int dev_null = -1;

	for (size_t i = 0; i < plan->n_readonly_paths; i++) {
		if (readonly_path(root, plan->readonly_paths[i], err) < 0)
			return hr_err_prefix(err, "make /%s read-only", plan->readonly_paths[i]);
	}
	for (size_t i = 0; i < plan->n_masked_paths; i++) {
		if (mask_path(root, plan->masked_paths[i], &dev_null, err) < 0)
			return hr_err_prefix(err, "mask /%s", plan->masked_paths[i]);
	}
	return 0;
}

/*
 * Order: deferred read-only mounts, sysctls (before /proc/sys turns read-only), readonlyPaths,
 * maskedPaths, and the read-only root as the very last change to the mounts.
 */
int hr_rootfs_finalize(const struct hr_rootfs_plan *plan, struct hr_err *err)
{
	_cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct statvfs svfs;

	if (root < 0)
		return hr_err_sys(err, "open /");
	if (deferred_readonly(root, plan, err) < 0 || write_sysctls(plan, err) < 0 ||
	    protect_paths(root, plan, err) < 0)
		return -1;
	if (!plan->root_readonly)
		return 0;
	if (setattr_fd(root, 0, MOUNT_ATTR_RDONLY, 0, 0) < 0)
		return hr_err_sys(err, "make the root read-only");
	if (fstatvfs(root, &svfs) < 0 || !(svfs.f_flag & ST_RDONLY))
		return hr_err_set(err, EIO, "make the root read-only: it is still writable");
	return 0;
}
