/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_RESOLVE_WALK_H
#define HR_RESOLVE_WALK_H

/*
 * openat2(2)'s scoped lookups done one component at a time, for when the syscall cannot be
 * used: Linux older than 5.6 (ENOSYS), an outer seccomp filter that refuses it (EPERM, as
 * Docker's profiles before 20.10 do, and so a hardrun run inside such a container), or
 * valgrind, which does not emulate it.
 *
 * Every component is opened with O_NOFOLLOW from the directory reached so far; a symlink is
 * read and its text resolved again inside the root (an absolute one from the root itself),
 * and ".." is taken from the walk's own record of the components it went through, never from
 * the kernel's "..", so that a directory renamed out of the root during the walk cannot lead
 * out of it. A magic link (/proc/PID/fd/N) is never followed as one: its text is resolved
 * like any symlink's, inside the root. No allocation: usable in the container's child.
 */
#include <stdint.h>
#include <sys/types.h>

/*
 * Opens path below dirfd as openat2(dirfd, path, {flags, mode, resolve}) would, for resolve
 * holding RESOLVE_IN_ROOT or RESOLVE_BENEATH and any of RESOLVE_NO_SYMLINKS,
 * RESOLVE_NO_MAGICLINKS and RESOLVE_NO_XDEV (a mount of the same filesystem is not noticed:
 * only a change of device is). Returns the fd, or -1 with errno set as openat2 sets it:
 * ELOOP for a symlink where none is allowed or more than 40 of them, EXDEV for a lookup that
 * would leave the directory under RESOLVE_BENEATH or its device under RESOLVE_NO_XDEV,
 * EAGAIN when a directory changed under the walk; ENOSYS for other resolve flags.
 */
int hr_resolve_walk(int dirfd, const char *path, int flags, mode_t mode, uint64_t resolve);

#endif
