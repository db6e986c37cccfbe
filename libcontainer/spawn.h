/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_SPAWN_H
#define HR_SPAWN_H

#include <stdbool.h>
#include <sys/types.h>

#include "cgroup.h"
#include "error.h"
#include "seccomp_notify.h"

struct hr_init_plan;

/* A process to start in a container: the init of create, an exec, a health probe. */
struct hr_spawn_req {
	const char *what;    /* for messages: "the container's init", "the exec process" */
	unsigned long flags; /* CLONE_NEW* the child is born in (create only) */
	int cgroup_fd;	     /* O_PATH fd of the cgroup to be born in; -1: the caller's */
	struct hr_cgroup_handle cgroup; /* the same cgroup, entered where clone3 cannot */
	int parent_sync_fd; /* the parent's end of the sync socketpair: closed in the child */
	const struct hr_init_plan *plan; /* what the child runs; plan->sync_fd is its end */
};

struct hr_spawned {
	pid_t pid;
	int pidfd;
};

/*
 * clone3 with a pidfd, into the cgroup (CLONE_INTO_CGROUP; on kernels without it, the child is
 * written to cgroup.procs before it is told to go). The child runs hr_init_main(plan) and
 * never returns. In the parent, *out has the pid (> 0 once a child exists, even when a later
 * step failed: the caller kills and reaps it) and its pidfd.
 */
int hr_spawn(const struct hr_spawn_req *req, struct hr_spawned *out, struct hr_err *err);

/*
 * Parent side of the last setup steps: receive the pty master (process.terminal) and hand it to
 * the console socket, or keep it in *pty_master for a foreground relay; with a listener (the
 * filter has SCMP_ACT_NOTIFY rules), receive the seccomp listener fd and send it there; then
 * wait for READY.
 */
int hr_wait_ready(int sync_fd, bool terminal, int console_sock, int *pty_master,
		  const struct hr_seccomp_listener *listener, struct hr_err *err);

#endif
