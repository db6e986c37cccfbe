/* SPDX-License-Identifier: GPL-2.0-or-later */
/* exec: a new process in a running container, with the same privilege drop as its init. */
#include "exec.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capabilities.h"
#include "cgroup.h"
#include "cleanup.h"
#include "container_open.h"
#include "init.h"
#include "lsm.h"
#include "json.h"
#include "log.h"
#include "namespaces.h"
#include "paths.h"
#include "policy.h"
#include "process.h"
#include "process_fds.h"
#include "seccomp_filter.h"
#include "spawn.h"
#include "supervisor.h"
#include "sync.h"
#include "terminal.h"

struct exec_job {
	const struct hr_exec_opts *opts;
	struct hr_opened opened;
	bool opened_ok;
	struct hr_config *config;
	struct hr_process_doc *process_doc;
	struct hr_process process; /* what runs: from --process, or the config's with overrides */
	struct hr_arena arena;
	struct hr_process_plan *plan;
	struct hr_seccomp_program *seccomp;
	struct hr_fd_slots fd_slots;
	int init_pidfd;
	int init_root; /* the init's root, when the container shares the caller's mounts */
	int cgroup_fd; /* the container's cgroup (or --cgroup's sub-cgroup), to be born in it; -1
			* without one */
	const char *cgroup_path; /* the same cgroup's path */
	int sync[2];
	int console_sock;
	int pidfd;
	int pty_master;
	pid_t pid;
};

static int load_process_file(struct exec_job *job, struct hr_err *err)
{
	const char *path = job->opts->process_path;
	_cleanup_free_ char *data = NULL;
	struct hr_diags diags = {0};
	size_t len;
	int r;

	r = hr_read_path_or_stdin(path, HR_CONFIG_MAX_SIZE, &data, &len, err);
	if (r < 0)
		return -1;
	job->process_doc = hr_process_parse(data, len, path, &diags);
	if (job->process_doc == NULL) {
		hr_diags_to_err(&diags, err);
		hr_diags_free(&diags);
		return -1;
	}
	hr_log_doc_warnings(&job->process_doc->warnings);
	job->process = job->process_doc->process;
	return 0;
}

/* "NAME=..." entries of add replace those of base with the same name. */
static char **merge_env(struct hr_arena *arena, char **base, size_t n_base, char **add,
			size_t n_add, size_t *n_out)
{
	char **env = hr_arena_array(arena, n_base + n_add + 1, sizeof(char *));
	size_t n = 0;

	for (size_t i = 0; i < n_base; i++) {
		size_t key_len = strcspn(base[i], "=");
		bool replaced = false;

		for (size_t j = 0; j < n_add && !replaced; j++)
			replaced = strncmp(add[j], base[i], key_len + 1) == 0;
		if (!replaced)
			env[n++] = base[i];
	}
	for (size_t j = 0; j < n_add; j++)
		env[n++] = add[j];
	*n_out = n;
	return env;
}

static int parse_user(const char *spec, struct hr_user *user, struct hr_err *err)
{
	char *end;
	unsigned long uid, gid;

	errno = 0;
	uid = strtoul(spec, &end, 10);
	if (end == spec || errno || uid > UINT32_MAX || (*end != '\0' && *end != ':'))
		return hr_err_set(err, EINVAL, "--user %s: expected UID[:GID]", spec);
	user->uid = (uint32_t)uid;
	if (*end == ':') {
		const char *g = end + 1;

		gid = strtoul(g, &end, 10);
		if (end == g || errno || gid > UINT32_MAX || *end != '\0')
			return hr_err_set(err, EINVAL, "--user %s: expected UID[:GID]", spec);
		user->gid = (uint32_t)gid;
	}
	user->n_additional_gids = 0;
	return 0;
}

static int apply_overrides(struct exec_job *job, struct hr_err *err)
{
	const struct hr_exec_opts *o = job->opts;
	struct hr_process *p = &job->process;

	p->args = o->args;
	p->n_args = o->n_args;
	p->env = merge_env(&job->arena, p->env, p->n_env, o->env, o->n_env, &p->n_env);
	for (size_t i = 0; i < o->n_env; i++)
		if (strchr(o->env[i], '=') == NULL || o->env[i][0] == '=')
			return hr_err_set(err, EINVAL, "--env #%zu: expected KEY=VALUE", i + 1);
	if (o->cwd != NULL) {
		if (o->cwd[0] != '/')
			return hr_err_set(err, EINVAL, "--cwd %s: must be an absolute path",
					  o->cwd);
		p->cwd = (char *)o->cwd;
	}
	if (o->user != NULL && parse_user(o->user, &p->user, err) < 0)
		return -1;
	for (size_t i = 0; i < o->n_caps; i++) {
		int cap = hr_cap_from_name(o->caps[i]);

		if (cap < 0)
			return hr_err_set(err, EINVAL, "--cap %s: unknown capability", o->caps[i]);
		p->has_capabilities = true;
		p->caps.bounding |= 1ULL << cap;
		p->caps.effective |= 1ULL << cap;
		p->caps.permitted |= 1ULL << cap;
	}
	p->terminal = o->tty;
	if (o->no_new_privs)
		p->no_new_privileges = true;
	return 0;
}

/* --apparmor and --process-label replace the process's, from the config or --process alike. */
static void apply_lsm_overrides(struct exec_job *job)
{
	if (job->opts->apparmor != NULL)
		job->process.apparmor_profile = (char *)job->opts->apparmor;
	if (job->opts->process_label != NULL)
		job->process.selinux_label = (char *)job->opts->process_label;
}

/* runc's rule: running, or paused with --ignore-paused. */
static int check_status(const struct exec_job *job, struct hr_err *err)
{
	enum hr_status status = job->opened.status;

	if (status == HR_STATUS_RUNNING || (status == HR_STATUS_PAUSED && job->opts->ignore_paused))
		return 0;
	if (status == HR_STATUS_PAUSED)
		return hr_err_set(err, EINVAL,
				  "cannot exec in container %s: it is paused (--ignore-paused runs "
				  "the process once it is resumed)",
				  job->opts->id);
	return hr_err_set(err, EINVAL, "cannot exec in container %s: it is not running (%s)",
			  job->opts->id, hr_status_name(status));
}

/*
 * The cgroup the process is born in: the container's, or with --cgroup its existing
 * sub-cgroup, opened beneath the container's (the path was checked before anything).
 */
static int open_cgroup(struct exec_job *job, struct hr_err *err)
{
	const char *base = job->opened.state.cgroup_path, *sub = job->opts->cgroup;
	int fd;

	if (base == NULL) {
		if (sub != NULL)
			return hr_err_set(err, ENOENT,
					  "exec --cgroup %s: container %s has no cgroup (it runs "
					  "with --cgroup-manager=disabled)",
					  sub, job->opts->id);
		return 0;
	}
	job->cgroup_fd = open(base, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (job->cgroup_fd < 0)
		return hr_err_sys(err, "open cgroup %s", base);
	job->cgroup_path = base;
	if (sub == NULL)
		return 0;
	fd = hr_openat2(job->cgroup_fd, sub, O_PATH | O_DIRECTORY | O_CLOEXEC, 0,
			RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
	if (fd < 0 && errno == ENOENT)
		return hr_err_set(err, ENOENT,
				  "exec --cgroup %s: container %s has no sub-cgroup %s (in %s)",
				  sub, job->opts->id, sub, base);
	if (fd < 0)
		return hr_err_sys(err, "exec --cgroup %s: open %s/%s", sub, base, sub);
	close(job->cgroup_fd);
	job->cgroup_fd = fd;
	job->cgroup_path = hr_arena_printf(&job->arena, "%s/%s", base, sub);
	return 0;
}

/*
 * A container without a mount namespace shares the caller's mounts, its init chrooted into the
 * rootfs: the exec process goes to the same root. Opened while the pidfd shows the init alive
 * after the open, so the root cannot be that of a process that took over its pid.
 */
static int open_init_root(struct exec_job *job, struct hr_err *err)
{
	char path[64];

	if (hr_ns_configured(job->config, HR_NS_MOUNT))
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/root", (int)job->opened.state.pid);
	job->init_root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (job->init_root < 0)
		return hr_err_sys(err, "open the root of container %s (%s)", job->opts->id, path);
	if (syscall(SYS_pidfd_send_signal, job->init_pidfd, 0, NULL, 0) < 0)
		return hr_err_sys(err, "container %s: its init", job->opts->id);
	return 0;
}

static int prepare(struct exec_job *job, const struct hr_context *ctx, struct hr_err *err)
{
	const struct hr_linux *linux_cfg;
	char cache[4096];

	if (hr_container_open(ctx, job->opts->id, &job->opened, err) < 0)
		return -1;
	job->opened_ok = true;
	if (check_status(job, err) < 0)
		return -1;
	job->config = hr_container_load_config(&job->opened, err);
	if (job->config == NULL)
		return -1;
	hr_state_annotations_from(&job->opened.state, job->config);
	linux_cfg = job->config->has_linux ? &job->config->linux_cfg : NULL;
	if (job->opts->process_path != NULL) {
		if (load_process_file(job, err) < 0)
			return -1;
	} else {
		if (job->opts->n_args == 0)
			return hr_err_set(err, EINVAL, "exec: no command given");
		job->process = job->config->process;
		if (apply_overrides(job, err) < 0)
			return -1;
	}
	apply_lsm_overrides(job);
	hr_log_add_config_secrets(job->opts->id, job->process.env, job->process.n_env,
				  job->config->annotations, job->config->n_annotations);
	if (hr_policy_apply_exec(ctx, job->config, &job->process, err) < 0)
		return -1;
	if (job->process.terminal && job->opts->console_socket != NULL) {
		job->console_sock = hr_console_socket_connect(job->opts->console_socket, err);
		if (job->console_sock < 0)
			return -1;
	} else if (job->process.terminal && job->opts->detach) {
		return hr_err_set(err, EINVAL, "exec --tty --detach needs --console-socket");
	}
	if (hr_lsm_check(job->process.apparmor_profile, job->process.selinux_label, NULL, err) <
		0 ||
	    hr_process_plan_build(&job->process, linux_cfg, &job->arena, &job->plan, err) < 0)
		return -1;
	if (job->config->keep_original_groups)
		hr_process_plan_keep_groups(job->plan);
	if (linux_cfg != NULL && linux_cfg->seccomp != NULL) {
		snprintf(cache, sizeof(cache), "%s/.seccomp-cache", ctx->root);
		if (hr_seccomp_compile(linux_cfg->seccomp, cache, &job->arena, &job->seccomp, err) <
		    0)
			return -1;
	}
	if (hr_pidfd_open_verified(job->opened.state.pid, job->opened.state.pid_start_time,
				   &job->init_pidfd, err) < 0)
		return hr_err_set(err, ESRCH, "container %s is not running", job->opts->id);
	if (open_init_root(job, err) < 0)
		return -1;
	return open_cgroup(job, err);
}

/* The namespaces to join: those the container has, the pid one being entered by us. */
static int join_flags(const struct hr_config *config)
{
	int flags = 0;

	for (size_t i = 0; config->has_linux && i < config->linux_cfg.n_namespaces; i++)
		flags |= (int)hr_ns_clone_flag(config->linux_cfg.namespaces[i].type);
	return flags & ~(CLONE_NEWPID | CLONE_NEWTIME);
}

static int spawn(struct exec_job *job, struct hr_err *err)
{
	struct hr_init_plan plan = {
	    .kind = HR_INIT_EXEC,
	    .config = job->config,
	    .process = job->plan,
	    .seccomp = job->seccomp,
	    .no_new_privileges = job->process.no_new_privileges,
	    .terminal = job->process.terminal,
	    .console_height = job->process.console_height,
	    .console_width = job->process.console_width,
	    .preserve_fds = job->opts->preserve_fds,
	    .fd_slots = job->fd_slots.fds,
	    .n_fd_slots = job->fd_slots.n,
	    .sync_fd = job->sync[1],
	    .fifo_fd = -1,
	    .state_fd = -1,
	    .join_pidfd = job->init_pidfd,
	    .join_ns_flags = join_flags(job->config),
	    .join_root = job->init_root,
	};
	struct hr_spawn_req req = {
	    .what = "the exec process",
	    .cgroup_fd = job->cgroup_fd,
	    .cgroup = hr_state_cgroup(&job->opened.state),
	    .parent_sync_fd = job->sync[0],
	    .plan = &plan,
	};
	struct hr_spawned spawned;
	int children_flags = CLONE_NEWPID, r;

	if (job->cgroup_path != NULL)
		req.cgroup.path = job->cgroup_path;

	for (size_t i = 0; job->config->has_linux && i < job->config->linux_cfg.n_namespaces; i++)
		if (job->config->linux_cfg.namespaces[i].type == HR_NS_TIME)
			children_flags |= CLONE_NEWTIME;
	/*
	 * A rootless parent's only privilege over the container's namespaces is that it owns
	 * their user namespace: it joins that first, with the pid namespace (the child, born in
	 * it, then joins the rest and not the user namespace again: EINVAL). The container cannot
	 * reach this process: it is outside the container's pid namespace.
	 */
	if (geteuid() != 0 && (plan.join_ns_flags & CLONE_NEWUSER) != 0) {
		children_flags |= CLONE_NEWUSER;
		plan.join_ns_flags &= ~CLONE_NEWUSER;
	}
	/* pid and time namespaces apply to children: enter them here, be born there */
	if (setns(job->init_pidfd, children_flags) < 0)
		return hr_err_sys(err, "join the pid namespace of container %s", job->opts->id);
	r = hr_spawn(&req, &spawned, err);
	job->pid = spawned.pid;
	job->pidfd = spawned.pidfd;
	close(job->sync[1]);
	job->sync[1] = -1;
	return r;
}

static int drive(struct exec_job *job, struct hr_err *err)
{
	/* exec's listener fd goes with the state "running" and the new process's pid */
	const struct hr_seccomp *sc = job->config->linux_cfg.seccomp;
	struct hr_seccomp_listener listener;

	if (hr_process_apply_from_parent(job->plan, job->pid, err) < 0 ||
	    hr_sync_send(job->sync[0], HR_SYNC_GO, NULL, -1, err) < 0)
		return -1;
	if (hr_seccomp_has_listener(job->seccomp)) {
		listener = (struct hr_seccomp_listener){.path = sc->listener_path,
							.metadata = sc->listener_metadata,
							.state = &job->opened.state,
							.status = HR_STATUS_RUNNING,
							.pid = job->pid};
	}
	if (hr_wait_ready(job->sync[0], job->process.terminal, job->console_sock, &job->pty_master,
			  hr_seccomp_has_listener(job->seccomp) ? &listener : NULL, err) < 0)
		return -1;
	if (job->opts->pid_file != NULL)
		return hr_write_pid_file(job->opts->pid_file, job->pid, err);
	return 0;
}

static void release(struct exec_job *job, bool failed)
{
	if (failed && job->pid > 0) {
		syscall(SYS_pidfd_send_signal, job->pidfd, SIGKILL, NULL, 0);
		waitpid(job->pid, NULL, 0);
	}
	int *fds[] = {&job->init_pidfd, &job->init_root,    &job->cgroup_fd, &job->sync[0],
		      &job->sync[1],	&job->console_sock, &job->pidfd,     &job->pty_master};

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
	if (job->opened_ok)
		hr_container_close(&job->opened);
	if (job->config != NULL)
		hr_config_free(job->config);
	if (job->process_doc != NULL)
		hr_process_doc_free(job->process_doc);
	hr_arena_free(&job->arena);
	hr_process_release_fd_slots(&job->fd_slots);
}

static void job_init(struct exec_job *job, const struct hr_exec_opts *opts)
{
	*job = (struct exec_job){.opts = opts};
	job->init_pidfd = job->init_root = job->cgroup_fd = job->sync[0] = job->sync[1] = -1;
	job->console_sock = job->pidfd = job->pty_master = -1;
}

/* Starts the prepared process and waits until it runs its program. */
static int launch(struct exec_job *job, struct hr_err *err)
{
	if (hr_sync_pair(job->sync, err) < 0 || spawn(job, err) < 0)
		return -1;
	return drive(job, err);
}

/* Waits for the process, forwarding signals (and the pty); its exit status in *status. */
static int supervise(struct exec_job *job, int sigfd, int *status, struct hr_err *err)
{
	const struct hr_supervised sup = {
	    .pidfd = job->pidfd, .sigfd = sigfd, .pty_master = job->pty_master};
	int r = hr_supervise(&sup, err);

	if (r < 0)
		return -1;
	*status = r;
	return 0;
}

int hr_container_exec(const struct hr_context *ctx, const struct hr_exec_opts *opts, int *status,
		      struct hr_err *err)
{
	struct exec_job job;
	sigset_t old;
	int sigfd = -1, r;

	*status = 0;
	if (opts->cgroup != NULL && hr_cgroup_sub_path_check(opts->cgroup, err) < 0)
		return -1;
	job_init(&job, opts);
	/* first: no fd hardrun opens from here on may take a slot the caller left closed */
	if (hr_process_hold_fd_slots(opts->preserve_fds, &job.fd_slots, err) < 0) {
		release(&job, true);
		return -1;
	}
	if (!opts->detach) {
		sigfd = hr_signalfd_for_forwarding(&old, err);
		if (sigfd < 0)
			return -1;
	}
	r = prepare(&job, ctx, err);
	/* paused (--ignore-paused): the process starts only at resume, which needs the lock */
	if (r == 0 && job.opened.status == HR_STATUS_PAUSED)
		hr_container_dir_close(&job.opened.dir);
	if (r == 0)
		r = launch(&job, err);
	/* the container's lock is not held while its process runs */
	if (job.opened_ok) {
		hr_container_close(&job.opened);
		job.opened_ok = false;
	}
	if (r == 0 && !opts->detach)
		r = supervise(&job, sigfd, status, err);
	if (sigfd >= 0) {
		close(sigfd);
		sigprocmask(SIG_SETMASK, &old, NULL);
	}
	release(&job, r < 0);
	return r;
}

struct hr_exec_probe {
	char *args[4]; /* sh -c CMD */
	struct hr_exec_opts opts;
	struct exec_job job;
	int prepared; /* 0, or -1 with the reason in error */
	struct hr_err error;
};

struct hr_exec_probe *hr_exec_probe_prepare(const struct hr_context *ctx, const char *id,
					    const char *cmd)
{
	struct hr_exec_probe *probe = hr_xcalloc(1, sizeof(*probe));

	probe->args[0] = "/bin/sh";
	probe->args[1] = "-c";
	probe->args[2] = hr_xstrdup(cmd);
	probe->opts = (struct hr_exec_opts){.id = id, .args = probe->args, .n_args = 3};
	job_init(&probe->job, &probe->opts);
	probe->prepared = prepare(&probe->job, ctx, &probe->error);
	/* the state stays in the job's arena; the lock is not held between probes */
	hr_container_dir_close(&probe->job.opened.dir);
	return probe;
}

int hr_exec_probe_run(void *arg, int *status, struct hr_err *err)
{
	struct hr_exec_probe *probe = arg;
	struct exec_job *job = &probe->job;
	sigset_t old;
	int sigfd, r;

	*status = 0;
	if (probe->prepared < 0) {
		*err = probe->error;
		return -1;
	}
	/* the probe's timeout sends TERM to us: forward it to the command */
	sigfd = hr_signalfd_for_forwarding(&old, err);
	if (sigfd < 0)
		return -1;
	r = launch(job, err);
	if (r == 0) {
		r = supervise(job, sigfd, status, err);
	} else if (job->pid > 0) {
		/* reaped here: an orphan would go to a reaper outside the container's pid
		 * namespace, and a zombie there keeps the container's init from dying */
		syscall(SYS_pidfd_send_signal, job->pidfd, SIGKILL, NULL, 0);
		waitpid(job->pid, NULL, 0);
	}
	close(sigfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return r;
}

void hr_exec_probe_free(struct hr_exec_probe *probe)
{
	if (probe == NULL)
		return;
	release(&probe->job, false);
	free(probe->args[2]);
	free(probe);
}
