/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_ROOTFS_H
#define HR_ROOTFS_H

/*
 * The container's filesystem: the parent turns the config into a plan (explicit mount steps
 * with resolved flags, devices, masked and read-only paths, sysctls) in an arena; the child,
 * in its new mount namespace and still privileged, executes it without allocating:
 *
 *   hr_rootfs_prepare       propagation of /, the rootfs bound onto itself, every mount in
 *                           config order (a tmpcopyup tmpfs filled before it is attached),
 *                           /dev devices and symlinks
 *   hr_rootfs_pivot         pivot_root(".", ".") (or MS_MOVE + chroot)
 *   hr_rootfs_bind_console  (terminal only) the pty slave onto /dev/console; after the pivot,
 *                           because the pty comes from the container's own devpts
 *   hr_rootfs_finalize      deferred read-only remounts, sysctls, readonlyPaths, maskedPaths,
 *                           and the read-only root as the last mount change
 *
 * Every path inside the rootfs is resolved with openat2(RESOLVE_IN_ROOT) from an fd of the
 * rootfs and every mount is attached through the resulting fd (open_tree/fsmount +
 * move_mount), so a symlink in the rootfs can never redirect a mount to the host.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "arena.h"
#include "config.h"
#include "error.h"
#include "mountopts.h"

enum hr_rootfs_mount_kind {
	HR_ROOTFS_MOUNT_FS,	 /* fsopen/fsconfig/fsmount of fstype */
	HR_ROOTFS_MOUNT_BIND,	 /* open_tree(OPEN_TREE_CLONE) of source */
	HR_ROOTFS_MOUNT_CGROUP,	 /* cgroup2 (also for type "cgroup"), see rootfs_child.c */
	HR_ROOTFS_MOUNT_REMOUNT, /* "remount": mount_setattr on the existing mount */
};

/* What the new filesystem must turn out to be (checked with fstatfs on the mount). */
enum hr_rootfs_fs_check {
	HR_ROOTFS_CHECK_NONE,
	HR_ROOTFS_CHECK_PROC,
	HR_ROOTFS_CHECK_SYSFS,
};

struct hr_rootfs_mount {
	const char *destination; /* relative to the rootfs, cleaned: "proc", "dev/pts" */
	const char *display;	 /* as written in the config, for messages: "/proc" */
	enum hr_rootfs_mount_kind kind;
	enum hr_rootfs_fs_check check;
	const char *source;    /* bind: absolute host path (relative ones joined to the bundle) */
	const char *fstype;    /* NULL for binds */
	unsigned long flags;   /* MS_* as mount(8) would compute them */
	unsigned long cleared; /* MS_* explicitly cleared */
	unsigned long propagation; /* MS_SHARED... | MS_REC applied after the mount, 0 = none */
	uint64_t attr_set;	   /* MOUNT_ATTR_* (fsmount attrs, or mount_setattr on binds) */
	uint64_t attr_clr;
	uint64_t rec_attr_set; /* r* options: mount_setattr with AT_RECURSIVE */
	uint64_t rec_attr_clr;
	const char *data; /* the non-flag options, NULL when none; binds ignore it, as mount(2) */
	const struct hr_fsparam *params; /* data split for fsconfig, plus superblock flags */
	size_t n_params;
	bool is_bind;
	bool recursive;	     /* rbind: the whole subtree, and attributes with AT_RECURSIVE */
	bool defer_readonly; /* tmpfs or /dev with ro: mounted rw, made ro in finalize */
	bool under_proc_ok;  /* one of the few files under /proc that may be covered (lxcfs) */
	bool tmpcopyup;	     /* tmpfs only: filled with the destination's contents (copyup.h) */
	/*
	 * A bind whose detached tree the parent cloned, attributes set (hr_rootfs_plan_add_bind):
	 * a child in a user namespace may not reach the source (hardrun's state directory).
	 */
	bool has_tree;
	int tree_fd;
	/*
	 * An idmapped bind (option idmap or ridmap, or uidMappings/gidMappings): the parent
	 * clones its tree with this mapping set (idmap.h), has_tree then set. The mapping is the
	 * mount's own, or the container's user namespace mapping when it gives none.
	 */
	bool idmap;
	bool idmap_recursive; /* ridmap: every mount of an rbind's tree, not only its top */
	const struct hr_id_mapping *uid_map;
	size_t n_uid_map;
	const struct hr_id_mapping *gid_map;
	size_t n_gid_map;
};

struct hr_rootfs_device {
	const char *path;      /* relative: "dev/null" */
	const char *parent;    /* "dev" */
	const char *name;      /* "null" */
	const char *host_path; /* "/dev/null": bound instead when mknod is not permitted */
	mode_t type;	       /* S_IFCHR, S_IFBLK or S_IFIFO */
	mode_t mode;	       /* permission bits */
	dev_t rdev;
	uid_t uid;
	gid_t gid;
};

struct hr_rootfs_symlink {
	const char *parent; /* "dev" */
	const char *name;   /* "fd" */
	const char *target; /* "/proc/self/fd" */
};

struct hr_rootfs_sysctl {
	const char *key;  /* as written: "net.ipv4.ip_forward" */
	const char *path; /* relative to /proc/sys: "net/ipv4/ip_forward" */
	const char *value;
};

struct hr_rootfs_plan {
	const char *rootfs;		/* realpath of the bundle's root.path */
	unsigned long root_propagation; /* applied to / first: MS_REC | (MS_PRIVATE by default) */
	bool root_readonly;
	bool dev_is_tmpfs;  /* the config mounts a tmpfs on /dev: default devices and symlinks */
	bool dev_is_bind;   /* /dev is bound from the host: no device is created */
	bool terminal;	    /* process.terminal: /dev/console comes from hr_rootfs_bind_console */
	bool caller_mounts; /* no mount namespace: nothing is mounted, the root is a chroot */
	bool mounts_proc;   /* a procfs on /proc among the mounts */
	/*
	 * annotations["org.hardrun.rootfs.idmap"]: the rootfs's own bind, idmapped with the user
	 * namespace's mapping; the parent clones its tree (idmap.h), the child attaches it in
	 * place of the plain bind of the rootfs onto itself. NULL: the plain bind.
	 */
	struct hr_rootfs_mount *root_idmap;
	/*
	 * process.cwd, relative and cleaned: created (0755) when missing, after the mounts, as
	 * runc and crun do. NULL for the root, or a path with "..", left to the process's chdir.
	 */
	const char *cwd;
	struct hr_rootfs_mount *mounts;
	size_t n_mounts;
	struct hr_rootfs_device *devices;
	size_t n_devices;
	struct hr_rootfs_symlink *symlinks;
	size_t n_symlinks;
	const char **masked_paths; /* relative, cleaned */
	size_t n_masked_paths;
	const char **readonly_paths;
	size_t n_readonly_paths;
	struct hr_rootfs_sysctl *sysctls;
	size_t n_sysctls;
};

/*
 * Parent side, before clone: everything the child needs, allocated in arena (released with
 * it; there is no separate free). bundle is the bundle directory (relative root.path and
 * bind sources are resolved against it). Fails when the rootfs is not a directory, a mount
 * is not allowed (into /proc, onto "/", a refused option, tmpcopyup on anything but a new
 * tmpfs) or a device is malformed.
 */
int hr_rootfs_plan_build(const struct hr_config *config, const char *bundle, struct hr_arena *arena,
			 struct hr_rootfs_plan **plan, struct hr_err *err);

/*
 * Parent side: one more mount after the config's, a read-only bind (nosuid, nodev, noexec) of
 * the host directory source at destination (absolute, in the container), planned as a config
 * mount would be, its tree cloned here (the child attaches it; hr_rootfs_plan_close closes
 * it). Refused without a mount namespace.
 */
int hr_rootfs_plan_add_bind(struct hr_rootfs_plan *p, struct hr_arena *arena, const char *source,
			    const char *destination, struct hr_err *err);
/* Closes the trees hr_rootfs_plan_add_bind cloned (plan may be NULL). */
void hr_rootfs_plan_close(struct hr_rootfs_plan *p);
/* Child side, in the new mount namespace, in this order. None of them allocates. */
int hr_rootfs_prepare(const struct hr_rootfs_plan *plan, struct hr_err *err);
int hr_rootfs_bind_console(const struct hr_rootfs_plan *plan, int pty_slave_fd, struct hr_err *err);
int hr_rootfs_pivot(const struct hr_rootfs_plan *plan, bool no_pivot, struct hr_err *err);
int hr_rootfs_finalize(const struct hr_rootfs_plan *plan, struct hr_err *err);

/*
 * Child, before the root changes: a directory fd of /proc/self/fd for a container that will
 * have no procfs on /proc (mounts_proc false). It comes from a detached procfs of the child's
 * own pid namespace showing only processes (subset=pid), never from the caller's /proc.
 */
int hr_rootfs_open_self_fds(struct hr_err *err);

#endif
