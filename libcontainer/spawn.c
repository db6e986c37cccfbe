/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The parent's side of starting a process in a container, shared by create (the init), exec
 * and the health probes: the clone and the last steps of the sync protocol (spawn.h).
 */
#include "spawn.h"

#include <errno.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup_manager.h"
#include "cleanup.h"
#include "init.h"
#include "sync.h"
#include "terminal.h"

static pid_t clone3_pidfd(unsigned long flags, int *pidfd, int cgroup_fd)
{
	struct clone_args args = {
	    .flags = flags | CLONE_PIDFD,
	    .pidfd = (uint64_t)(uintptr_t)pidfd,
	    .exit_signal = SIGCHLD,
	};

	if (cgroup_fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)cgroup_fd;
	}
	return (pid_t)syscall(SYS_clone3, &args, sizeof(args));
}

int hr_spawn(const struct hr_spawn_req *req, struct hr_spawned *out, struct hr_err *err)
{
	bool enter_by_path = false;

	out->pidfd = -1;
	out->pid = clone3_pidfd(req->flags, &out->pidfd, req->cgroup_fd);
	if (out->pid < 0 && req->cgroup_fd >= 0 &&
	    (errno == EINVAL || errno == ENOSYS || errno == EACCES)) {
		/*
		 * No CLONE_INTO_CGROUP (Linux < 5.7), or not from here (EACCES: rootless, hardrun
		 * outside the user's delegated tree): the driver moves the child before it runs
		 * anything (systemd: the user manager does, as it made the scope)
		 */
		enter_by_path = true;
		out->pid = clone3_pidfd(req->flags, &out->pidfd, -1);
	}
	if (out->pid < 0) {
		out->pid = 0;
		return hr_err_sys(err, "clone3 %s", req->what);
	}
	if (out->pid == 0) {
		close(req->parent_sync_fd);
		hr_init_main(req->plan);
	}
	if (enter_by_path && hr_cgroup_enter(&req->cgroup, out->pid, err) < 0)
		return -1;
	return 0;
}

static int receive_seccomp_fd(int sync_fd, const struct hr_seccomp_listener *listener,
			      struct hr_err *err)
{
	_cleanup_close_ int fd = -1;

	if (hr_sync_wait(sync_fd, HR_SYNC_SECCOMP, &fd, err) < 0)
		return -1;
	if (fd < 0)
		return hr_err_set(err, EPROTO,
				  "the seccomp listener fd did not come with its "
				  "message");
	return hr_seccomp_listener_send(listener, fd, err);
}

int hr_wait_ready(int sync_fd, bool terminal, int console_sock, int *pty_master,
		  const struct hr_seccomp_listener *listener, struct hr_err *err)
{
	int master = -1;

	if (terminal) {
		if (hr_sync_wait(sync_fd, HR_SYNC_PTY, &master, err) < 0)
			return -1;
		if (console_sock >= 0) {
			int r = hr_console_socket_send(console_sock, master, err);

			close(master);
			if (r < 0)
				return -1;
		} else {
			*pty_master = master;
		}
	}
	if (listener != NULL && receive_seccomp_fd(sync_fd, listener, err) < 0)
		return -1;
	return hr_sync_wait(sync_fd, HR_SYNC_READY, NULL, err);
}
