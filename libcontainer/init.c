/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "hooks.h"
#include "process.h"
#include "procfs.h"
#include "process_fds.h"
#include "rootfs.h"
#include "scheduler.h"
#include "seccomp_filter.h"
#include "sync.h"
#include "terminal.h"

/* Bytes on exec.fifo, read by `start` (container.c). */
#define HR_START_OK	"0"
#define HR_START_FAILED "1"

#ifndef KEYCTL_JOIN_SESSION_KEYRING
#define KEYCTL_JOIN_SESSION_KEYRING 1
#endif

static int set_names(const struct hr_config *config, struct hr_err *err)
{
	if (config->hostname != NULL && sethostname(config->hostname, strlen(config->hostname)) < 0)
		return hr_err_sys(err, "set hostname \"%.64s\"", config->hostname);
	if (config->domainname != NULL &&
	    setdomainname(config->domainname, strlen(config->domainname)) < 0)
		return hr_err_sys(err, "set domainname \"%.64s\"", config->domainname);
	return 0;
}

static int join_session_keyring(struct hr_err *err)
{
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 && errno != ENOSYS)
		return hr_err_sys(err, "create a session keyring");
	return 0;
}

/* The terminal is set up inside the container: its devpts, its /dev/console. */
static int setup_terminal(const struct hr_init_plan *plan, struct hr_err *err)
{
	_cleanup_close_ int master = -1, slave = -1;

	if (hr_pty_open(plan->console_height, plan->console_width, &master, &slave, err) < 0)
		return -1;
	/* the container's own pty belongs to its user, as a login's does (an unmapped id: not) */
	if (fchown(slave, plan->process->uid, plan->process->gid) < 0 && errno != EINVAL &&
	    errno != EPERM)
		return hr_err_sys(err, "give the pty to uid %u gid %u",
				  (unsigned)plan->process->uid, (unsigned)plan->process->gid);
	/* without a mount namespace nothing is mounted: the pty is only the process's stdio */
	if (plan->kind == HR_INIT_CONTAINER && !plan->rootfs->caller_mounts &&
	    hr_rootfs_bind_console(plan->rootfs, slave, err) < 0)
		return -1;
	if (hr_pty_make_controlling(slave, err) < 0)
		return -1;
	return hr_sync_send(plan->sync_fd, HR_SYNC_PTY, NULL, master, err);
}

static int setup_container(const struct hr_init_plan *plan, int time_offsets_fd, struct hr_err *err)
{
	const struct hr_config *config = plan->config;

	if (hr_ns_join(plan->ns, &config->linux_cfg, time_offsets_fd, err) < 0)
		return -1;
	if (plan->new_keyring && join_session_keyring(err) < 0)
		return -1;
	if (set_names(config, err) < 0)
		return -1;
	if (hr_rootfs_prepare(plan->rootfs, err) < 0) {
		/* as runc: the bundle and the mount sources must be reachable by the mapped id */
		if (plan->ns->new_user && (err->errnum == EACCES || err->errnum == EPERM))
			return hr_err_prefix(err, "as uid %u of the new user namespace",
					     (unsigned)plan->ns->setup_uid);
		return -1;
	}
	if (hr_hooks_run(config->hooks, HR_HOOK_CREATE_CONTAINER, plan->state_fd, err) < 0)
		return -1;
	/* the caller's devpts, when the container has none of its own: open the pty before chroot
	 */
	if (plan->terminal && plan->rootfs->caller_mounts && setup_terminal(plan, err) < 0)
		return -1;
	if (hr_rootfs_pivot(plan->rootfs, plan->no_pivot, err) < 0)
		return -1;
	if (plan->terminal && !plan->rootfs->caller_mounts && setup_terminal(plan, err) < 0)
		return -1;
	return hr_rootfs_finalize(plan->rootfs, err);
}

static int join_container(const struct hr_init_plan *plan, struct hr_err *err)
{
	/* a container with no namespace of its own shares them all: nothing to join */
	if (plan->join_ns_flags != 0 && setns(plan->join_pidfd, plan->join_ns_flags) < 0)
		return hr_err_sys(err, "join the container's namespaces");
	/* the terminal first: without a mount namespace the pty is the caller's, as for the init */
	if (plan->terminal && setup_terminal(plan, err) < 0)
		return -1;
	if (plan->join_root >= 0 && (fchdir(plan->join_root) < 0 || chroot(".") < 0))
		return hr_err_sys(err, "enter the container's root");
	return 0;
}

/* Before the user program runs: credentials, capabilities, NNP, fds; seccomp comes last. */
static bool needs_state_after_ready(const struct hr_init_plan *plan)
{
	return plan->kind == HR_INIT_CONTAINER &&
	       plan->config->hooks[HR_HOOK_START_CONTAINER].len > 0;
}

/*
 * Loads the filter; a listener fd goes to the parent at once (sendmsg is never notified, see
 * config_seccomp.c), which hands it to the agent before it waits for READY, and our copy is
 * closed: nothing past fd 2 but the planned ones survives to execve.
 */
static int install_seccomp(const struct hr_init_plan *plan, struct hr_err *err)
{
	int listener = -1, r;

	if (hr_seccomp_install(plan->seccomp, &listener, err) < 0)
		return -1;
	if (listener < 0)
		return 0;
	r = hr_sync_send(plan->sync_fd, HR_SYNC_SECCOMP, NULL, listener, err);
	if (close(listener) < 0 && r == 0)
		r = hr_err_sys(err, "close the seccomp listener fd");
	return r;
}

/*
 * The filter goes in as late as possible: right before execve, with or without NNP; but a
 * listener fd must reach the hardrun that set us up, which is gone once start releases us, so
 * a filter with SCMP_ACT_NOTIFY rules goes in before READY (as runc does), after everything
 * else here.
 */
static bool seccomp_before_ready(const struct hr_init_plan *plan)
{
	return plan->seccomp != NULL && hr_seccomp_has_listener(plan->seccomp);
}

/*
 * The filters of the user program, right before execve: the config's (unless it went in before
 * READY), then with --seccomp-record the recording one, once the recorder was told it is
 * coming: from then on each system call waits for the recorder's answer. Its listener fd is
 * close-on-exec: the recorder takes its own copy.
 */
static int install_filters(const struct hr_init_plan *plan, struct hr_err *err)
{
	int listener;

	if (plan->record != NULL && write(plan->record_fd, "R", 1) != 1)
		return hr_err_sys(err, "tell the seccomp recorder that its filter is coming");
	if (!seccomp_before_ready(plan) && install_seccomp(plan, err) < 0)
		return -1;
	if (plan->record != NULL && hr_seccomp_install(plan->record, &listener, err) < 0)
		return hr_err_prefix(err, "--seccomp-record");
	return 0;
}

/*
 * process.execCPUAffinity is for an exec'd process only: the runtime-spec says it does not
 * apply to the container's init (the config's is the default of an exec without --process).
 */
static const struct hr_cpu_affinity *exec_affinity(const struct hr_init_plan *plan)
{
	return plan->kind == HR_INIT_EXEC ? &plan->process->cpu_affinity : NULL;
}

/*
 * The initial CPUs, first thing once the parent lets the child go: the child was born in the
 * container's cgroup (CLONE_INTO_CGROUP), or the parent has written it there before GO, so no
 * cpuset placement comes after this to undo it, and all of hardrun's setup in the child runs
 * on these CPUs. The parent could set it on the child's pid, as runc does, but the child is
 * already running then; here nothing races.
 */
static int apply_initial_affinity(const struct hr_init_plan *plan, struct hr_err *err)
{
	const struct hr_cpu_affinity *a = exec_affinity(plan);

	if (a == NULL || !a->has_initial)
		return 0;
	return hr_cpu_affinity_apply(&a->initial, "initial", err);
}

/*
 * The final CPUs, after everything else of hardrun's in the child, before the seccomp filter
 * (which may deny sched_setaffinity) and execve; before READY, so that a failure is the exec
 * command's error.
 */
static int apply_final_affinity(const struct hr_init_plan *plan, struct hr_err *err)
{
	const struct hr_cpu_affinity *a = exec_affinity(plan);

	if (a == NULL || !a->has_final)
		return 0;
	return hr_cpu_affinity_apply(&a->final, "final", err);
}

static int drop_privileges(const struct hr_init_plan *plan, int own_fds, char *exe, size_t exe_size,
			   struct hr_err *err)
{
	/* the state memfd is closed with the rest unless startContainer hooks still need it */
	int keep[] = {plan->sync_fd, plan->fifo_fd, own_fds,
		      needs_state_after_ready(plan) ? plan->state_fd : -1,
		      plan->record != NULL ? plan->record_fd : -1};

	if (hr_process_apply_labels(plan->process, err) < 0)
		return -1;
	/* without NNP, CAP_SYS_ADMIN stays effective for the filter until execve (process.h) */
	if (hr_process_drop_privileges(plan->process, err) < 0)
		return -1;
	if (hr_process_resolve_executable(plan->process, exe, exe_size, err) < 0)
		return -1;
	if (plan->no_new_privileges && hr_process_set_no_new_privs(plan->process, err) < 0)
		return -1;
	hr_procfs_release();
	if (hr_process_close_fd_slots(plan->fd_slots, plan->n_fd_slots, err) < 0)
		return -1;
	if (hr_process_close_fds(plan->preserve_fds, keep, sizeof(keep) / sizeof(keep[0]), err) < 0)
		return -1;
	/* an exec'd process has nothing left to do but READY, then the filter and execve */
	if (apply_final_affinity(plan, err) < 0)
		return -1;
	if (seccomp_before_ready(plan))
		return install_seccomp(plan, err);
	return 0;
}

/*
 * Blocks until `start` opens the fifo for reading. The returned write end stays open, close-on-
 * exec: `start` reads a byte once the startContainer hooks have run, then sees end-of-file
 * when the execve of the user process has succeeded (or the init died), and only then runs the
 * poststart hooks, as the runtime-spec orders them.
 *
 * The fifo is reopened through /proc/self/fd: the container's own /proc, or, when it has none
 * (no /proc among its mounts, or no mount namespace), own_fds from hr_rootfs_open_self_fds.
 */
static int wait_for_start(const struct hr_init_plan *plan, int own_fds, struct hr_err *err)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", plan->fifo_fd);
	do
		fd = own_fds >= 0 ? openat(own_fds, path + sizeof("/proc/self/fd/") - 1,
					   O_WRONLY | O_CLOEXEC)
				  : open(path, O_WRONLY | O_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return hr_err_sys(err, "open exec fifo through %s", path);
	close(plan->fifo_fd);
	if (own_fds >= 0)
		close(own_fds);
	return fd;
}

static int signal_started(int fifo, struct hr_err *err)
{
	if (write(fifo, HR_START_OK, 1) != 1)
		return hr_err_sys(err, "write exec fifo");
	return 0;
}

static bool maps_by_user(const struct hr_init_plan *plan)
{
	return plan->ns != NULL && plan->ns->maps_unprivileged;
}

/*
 * No ptrace or /proc/<pid>/exe access from the container while hardrun's code runs. An
 * unprivileged parent writes the id maps (newuidmap checks the owner too) through /proc/<pid>,
 * which is root's while the process is not dumpable: then, as runc's nsexec, it stays dumpable
 * until the parent's go, before any process of the container runs. Returns the fd of
 * /proc/self/timens_offsets for time_in_child (opened while still dumpable: afterwards the
 * file is the host root's), else -1; fails through the sync socket.
 */
static int wait_for_go(const struct hr_init_plan *plan, struct hr_err *err)
{
	int time_offsets = -1;

	if (plan->ns != NULL && plan->ns->time_in_child) {
		time_offsets = hr_ns_open_time_offsets(err);
		if (time_offsets < 0)
			hr_sync_fail(plan->sync_fd, err);
	}
	if (!maps_by_user(plan))
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (hr_sync_wait(plan->sync_fd, HR_SYNC_GO, NULL, err) < 0)
		_exit(1);
	if (maps_by_user(plan) && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
		hr_err_sys(err, "prctl(PR_SET_DUMPABLE, 0)");
		hr_sync_fail(plan->sync_fd, err);
	}
	return time_offsets;
}

_Noreturn void hr_init_main(const struct hr_init_plan *plan)
{
	struct hr_err err = {0};
	char exe[PATH_MAX];
	sigset_t none;
	int r, fifo = -1, own_fds = -1, time_offsets = -1;

	/* a procfs handle of the parent's is of its PID namespace: this process opens its own */
	hr_procfs_release();
	/* the parent may block signals to forward them; the container starts with none blocked */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	/* until it is ready, the container dies with the hardrun process setting it up */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	time_offsets = wait_for_go(plan, &err);
	if (apply_initial_affinity(plan, &err) < 0)
		hr_sync_fail(plan->sync_fd, &err);
	/*
	 * As runc: the process leads a session and a process group of its own, born in the
	 * container's pid namespace, so that its pgid and sid are its pid there, not hardrun's
	 * outside (0 in the container). Without a terminal it has no controlling one: a foreground
	 * run/exec with stdin on the caller's terminal cannot be stopped by SIGTTIN as a
	 * background process group of the caller's session would be; hardrun forwards the signals
	 * it receives (supervisor.c). With a terminal, the pty becomes the new session's.
	 */
	if (setsid() < 0) {
		hr_err_sys(&err, "setsid: make the process a session and process group leader");
		hr_sync_fail(plan->sync_fd, &err);
	}
	/* before any hook of the container's or message of ours: both are its output */
	if (plan->output_piped && (dup2(plan->output_fds[0], STDOUT_FILENO) < 0 ||
				   dup2(plan->output_fds[1], STDERR_FILENO) < 0)) {
		hr_err_sys(&err, "make the output log's pipes stdout and stderr");
		hr_sync_fail(plan->sync_fd, &err);
	}
	if (plan->kind == HR_INIT_CONTAINER) {
		if (!plan->rootfs->mounts_proc)
			own_fds = hr_rootfs_open_self_fds(&err);
		r = !plan->rootfs->mounts_proc && own_fds < 0
			? -1
			: setup_container(plan, time_offsets, &err);
		if (time_offsets >= 0)
			close(time_offsets);
	} else {
		r = join_container(plan, &err);
	}
	if (r < 0 || drop_privileges(plan, own_fds, exe, sizeof(exe), &err) < 0)
		hr_sync_fail(plan->sync_fd, &err);
	/* from here on the process outlives the hardrun command that set it up */
	prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
	if (hr_sync_send(plan->sync_fd, HR_SYNC_READY, NULL, -1, &err) < 0)
		_exit(1);
	close(plan->sync_fd);
	if (plan->kind == HR_INIT_CONTAINER) {
		fifo = wait_for_start(plan, own_fds, &err);
		if (fifo < 0 ||
		    hr_hooks_run(plan->config->hooks, HR_HOOK_START_CONTAINER, plan->state_fd,
				 &err) < 0 ||
		    signal_started(fifo, &err) < 0)
			goto fail;
	}
	if (needs_state_after_ready(plan))
		close(plan->state_fd);
	if (install_filters(plan, &err) < 0)
		goto fail;
	hr_process_exec(plan->process, exe, &err);
fail:
	/*
	 * stderr says why, then `start`, waiting on the fifo, learns the process never ran: in
	 * that order, since a foreground run kills this process once it knows.
	 */
	dprintf(STDERR_FILENO, "hardrun: %s\n", err.msg);
	if (fifo >= 0 && write(fifo, HR_START_FAILED, 1) < 0) {
		/* start sees end-of-file without the byte: a failure as well */
	}
	_exit(err.errnum == ENOENT ? 127 : err.errnum == EACCES ? 126 : 1);
}
