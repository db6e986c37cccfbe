/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_SPAWN_H
#define HR_SPAWN_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "seccomp_notify.h"

/*
 * clone3 with a pidfd (and CLONE_INTO_CGROUP when cgroup_fd >= 0): the child of create or
 * exec, which then runs the init plan. Returns the pid (0 in the child), -1 with errno.
 */
pid_t hr_clone3(unsigned long flags, int *pidfd, int cgroup_fd);

/*
 * Parent side of the last setup steps: receive the pty master (process.terminal) and hand it to
 * the console socket, or keep it in *pty_master for a foreground relay; with a listener (the
 * filter has SCMP_ACT_NOTIFY rules), receive the seccomp listener fd and send it there; then
 * wait for READY.
 */
int hr_wait_ready(int sync_fd, bool terminal, int console_sock, int *pty_master,
		  const struct hr_seccomp_listener *listener, struct hr_err *err);

#endif
