/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_PROCFS_H
#define HR_PROCFS_H

/*
 * Every write hardrun makes under /proc (uid_map, gid_map, setgroups, oom_score_adj,
 * timens_offsets, the LSM's attr/exec, sysctls) goes through a procfs that nothing can have
 * covered or redirected, and lands on the file it names or fails. A check of the file system
 * type alone is not enough (CVE-2025-52881: a mount over /proc/self/attr/exec of *another*
 * procfs file passes it).
 *
 * The handle, best first: a procfs instance of hardrun's own (fsopen("proc") + fsmount: a
 * detached mount, in no mount table, of the caller's PID namespace); a clone of the /proc
 * mount without what is mounted under it (open_tree OPEN_TREE_CLONE); /proc itself (an
 * unprivileged caller), checked to be the root of a procfs. Files are opened beneath it with
 * RESOLVE_NO_SYMLINKS, RESOLVE_NO_MAGICLINKS and RESOLVE_NO_XDEV, and their mount is checked to
 * be the handle's: a path covered by a mount fails with EXDEV instead of being followed.
 * "self/" and "thread-self/" are resolved by the handle's own procfs to the caller's numbers.
 *
 * One handle per process, opened at first use (a cloned child opens its own: its PID
 * namespace differs); it is close-on-exec and never allocates.
 */
#include "error.h"

/* The handle (an O_PATH fd of a procfs root; not to be closed), or -1 with err. */
int hr_procfs_handle(struct hr_err *err);
/* Closes the handle: a cloned child forgets its parent's, the init closes its own before the
 * container's fds are closed. */
void hr_procfs_release(void);
/* How the handle was obtained: "fsmount", "clone of /proc", "/proc" (for tests and debug). */
const char *hr_procfs_handle_kind(void);
/*
 * Opens path (relative: "sys/kernel/hostname", "self/attr/exec", "1234/uid_map") beneath the
 * handle with flags (O_CLOEXEC and O_NOFOLLOW added). Returns the fd, or -1 with err naming
 * "/proc/PATH" and the cause (EXDEV: something is mounted on the way).
 */
int hr_procfs_open(const char *path, int flags, struct hr_err *err);
/* hr_procfs_open(path, O_WRONLY) and one write of len bytes; what names the value in errors. */
int hr_procfs_write(const char *path, const char *data, size_t len, struct hr_err *err);

#endif
