/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_PROCESS_FDS_H
#define HR_PROCESS_FDS_H

/*
 * The descriptors the container's process gets: the caller's preserved ones (--preserve-fds,
 * socket activation's LISTEN_FDS) and nothing else. hardrun's own fds are kept out of the
 * preserved range in the parent and closed for real in the child before execve.
 */
#include <stddef.h>

#include "error.h"

/*
 * Closes every fd >= 3 except [3, 3 + preserve_fds), whose FD_CLOEXEC is cleared so that they
 * cross execve (a closed one in the range is skipped, as runc does), and the fds in keep, which are
 * left exactly as they are (their own FD_CLOEXEC decides). Closed for real, not marked
 * close-on-exec: a container waiting for `start` must not hold hardrun's descriptors (its state
 * directory's lock among them). No host fd reaches the container.
 */
int hr_process_close_fds(int preserve_fds, const int *keep, size_t n_keep, struct hr_err *err);

/*
 * Socket activation (sd_listen_fds(3)), as runc does it for create and run: the number of fds
 * from 3 that hardrun's caller passes as LISTEN_FDS, when LISTEN_PID is unset or names hardrun
 * itself; 0 otherwise, or when LISTEN_FDS is not a count from 1 to HR_LISTEN_FDS_MAX. Those fds
 * go on to the container's process with LISTEN_FDS=<n> and LISTEN_PID=1 in its environment,
 * the --preserve-fds ones after them.
 */
#define HR_LISTEN_FDS_MAX 65536
int hr_process_listen_fds(void);

/*
 * hardrun's own fds in [3, 3 + preserve_fds), the slots the caller left closed: a descriptor
 * hardrun opens lands in the lowest closed slot, and would reach the container as a preserved
 * fd. Each entry is a slot held with /dev/null (fd >= 0, closed by release), or -1 - fd for a
 * close-on-exec fd hardrun opened there earlier (its log, say: not the caller's, which crossed
 * execve into hardrun and so cannot be close-on-exec).
 */
struct hr_fd_slots {
	int *fds;
	size_t n;
};

/* Holds the closed slots in the range and lists them with hardrun's own fds there. */
int hr_process_hold_fd_slots(int preserve_fds, struct hr_fd_slots *slots, struct hr_err *err);
void hr_process_release_fd_slots(struct hr_fd_slots *slots);
/* In the child, before hr_process_close_fds: closes the fds hr_process_hold_fd_slots listed. */
int hr_process_close_fd_slots(const int *fds, size_t n, struct hr_err *err);

/*
 * The fallback hr_process_close_fds uses on kernels without close_range(2) (< 5.9): closes
 * every fd >= first listed in /proc/self/fd, except the kept ones. getdents64 into a stack
 * buffer: no allocation.
 */
int hr_process_close_from_proc(unsigned first, const int *keep, size_t n_keep, struct hr_err *err);

#endif
