/* SPDX-License-Identifier: GPL-2.0-or-later */
/* create, start and run: the parent side of a new container. */
#include "container.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup_manager.h"
#include "cleanup.h"
#include "cgroup_devices.h"
#include "config.h"
#include "container_open.h"
#include "container_ops.h"
#include "exec.h"
#include "health.h"
#include "hooks.h"
#include "init.h"
#include "lsm.h"
#include "idmap.h"
#include "json.h"
#include "log.h"
#include "namespaces.h"
#include "netdev.h"
#include "paths.h"
#include "notify.h"
#include "policy.h"
#include "process.h"
#include "process_fds.h"
#include "rootfs.h"
#include "seccomp_filter.h"
#include "seccomp_record.h"
#include "spawn.h"
#include "sealed_exe.h"
#include "supervisor.h"
#include "sync.h"
#include "terminal.h"

/* Everything create builds; released in one place whatever step failed. */
struct create_job {
	const struct hr_context *ctx;
	const struct hr_create_opts *opts;
	bool relay_pty; /* foreground run without a console socket */
	struct hr_config *config;
	char *config_text;
	size_t config_len;
	struct hr_arena arena;
	struct hr_container_dir dir;
	bool dir_created;
	struct hr_ns_plan ns;
	struct hr_netdev_plan netdev;
	struct hr_rootfs_plan *rootfs;
	struct hr_process_plan *process;
	struct hr_seccomp_program *seccomp;
	struct hr_state state;
	struct hr_cgroup cgroup;
	struct hr_fd_slots fd_slots;
	int listen_fds;	  /* socket activation: LISTEN_FDS fds from 3 (hr_process_listen_fds) */
	int preserve_fds; /* listen_fds, then --preserve-fds */
	char bundle[PATH_MAX];
	char rootfs_path[PATH_MAX];
	char created[64];
	int sync[2];
	int fifo_fd;
	int state_fd;
	int console_sock;
	int pidfd;
	int pty_master;
	pid_t pid;
	struct hr_recorder recorder; /* --seccomp-record */
	bool foreground;	     /* a foreground run waits for the recorder */
	/* a foreground run's health check: the command line's (health_in), then the config's
	 * annotations (health; cmd NULL: none) */
	const struct hr_health_opts *health_in;
	struct hr_health_opts health;
	/* run --output-log: the log to open (NULL: none), and the output pipes (-1: none) */
	struct hr_output_log *output_log;
	int output_pipes[HR_OUTPUT__COUNT][2];
};

static void job_init(struct create_job *job, const struct hr_context *ctx,
		     const struct hr_create_opts *opts)
{
	memset(job, 0, sizeof(*job));
	job->ctx = ctx;
	job->opts = opts;
	job->dir.fd = -1;
	job->sync[0] = job->sync[1] = -1;
	job->fifo_fd = job->state_fd = job->console_sock = job->pidfd = job->pty_master = -1;
	job->recorder.ready[0] = job->recorder.ready[1] = -1;
	for (int s = 0; s < HR_OUTPUT__COUNT; s++)
		job->output_pipes[s][0] = job->output_pipes[s][1] = -1;
	for (int i = 0; i < HR_NS__COUNT; i++)
		job->ns.join_fds[i] = -1;
	hr_cgroup_init(&job->cgroup);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* On failure: kill what was started and remove what was created. */
static void job_release(struct create_job *job, bool failed)
{
	if (failed && job->pid > 0) {
		if (job->pidfd >= 0)
			syscall(SYS_pidfd_send_signal, job->pidfd, SIGKILL, NULL, 0);
		waitpid(job->pid, NULL, 0);
	}
	/* the recorder of a container that never ran sees its pipe close and writes nothing */
	if (failed && job->recorder.pid > 0) {
		kill(job->recorder.pid, SIGKILL);
		waitpid(job->recorder.pid, NULL, 0);
	}
	hr_recorder_close(&job->recorder);
	for (int s = 0; s < HR_OUTPUT__COUNT; s++) {
		close_fd(&job->output_pipes[s][0]);
		close_fd(&job->output_pipes[s][1]);
	}
	if (failed)
		hr_cgroup_remove_created(&job->cgroup);
	hr_cgroup_close(&job->cgroup);
	if (failed && job->dir_created) {
		struct hr_err ignored;

		hr_container_dir_remove(&job->dir, &ignored);
	}
	hr_container_dir_close(&job->dir);
	hr_process_release_fd_slots(&job->fd_slots);
	hr_rootfs_plan_close(job->rootfs);
	hr_ns_plan_close(&job->ns);
	close_fd(&job->sync[0]);
	close_fd(&job->sync[1]);
	close_fd(&job->fifo_fd);
	close_fd(&job->state_fd);
	close_fd(&job->console_sock);
	if (failed) {
		close_fd(&job->pidfd);
		close_fd(&job->pty_master);
	}
	free(job->config_text);
	if (job->config != NULL)
		hr_config_free(job->config);
	hr_arena_free(&job->arena);
}

/* A foreground run's health check, decided before anything is made: bad ones leave nothing. */
static int plan_health(struct create_job *job, struct hr_err *err)
{
	if (job->health_in == NULL)
		return 0;
	job->health = *job->health_in;
	return hr_health_opts_from_annotations(&job->health, job->config->annotations,
					       job->config->n_annotations,
					       job->health_in->cmd != NULL, err);
}

/*
 * Whether a process of the container could see this command's processes while they are
 * hardrun's code (sealed_exe.h). Not when the init gets a PID namespace of its own, runs no
 * hooks in there and no health probe follows it: until the init's execve, nothing else is in
 * its PID namespace (exec waits for "running", which `start` reports only after the execve, the
 * container's lock held), and the command's other processes stay outside it. Everywhere else,
 * a sealed copy: a joined PID namespace, the host's, in-container hooks, health probes.
 */
static bool init_needs_sealed_copy(const struct create_job *job)
{
	const struct hr_config *config = job->config;
	bool own_pid_ns = false;

	if (!config->has_linux)
		return true;
	for (size_t i = 0; i < config->linux_cfg.n_namespaces; i++) {
		const struct hr_namespace *ns = &config->linux_cfg.namespaces[i];

		if (ns->type == HR_NS_PID)
			own_pid_ns = ns->path == NULL;
	}
	return !own_pid_ns || config->hooks[HR_HOOK_CREATE_CONTAINER].len > 0 ||
	       config->hooks[HR_HOOK_START_CONTAINER].len > 0 || job->health.cmd != NULL;
}

static int load_config(struct create_job *job, struct hr_err *err)
{
	const struct hr_create_opts *opts = job->opts;
	char path[PATH_MAX];
	struct hr_diags diags = {0};
	const char *name;

	if (realpath(opts->bundle ? opts->bundle : ".", job->bundle) == NULL)
		return hr_err_sys(err, "bundle %s", opts->bundle ? opts->bundle : ".");
	if (opts->config_path != NULL && opts->config_path[0] == '/')
		name = opts->config_path;
	else if ((size_t)snprintf(path, sizeof(path), "%s/%s", job->bundle,
				  opts->config_path ? opts->config_path : "config.json") >=
		 sizeof(path))
		return hr_err_set(err, ENAMETOOLONG, "config path in bundle %s", job->bundle);
	else
		name = path;
	if (hr_read_file(name, HR_CONFIG_MAX_SIZE, &job->config_text, &job->config_len, err) < 0)
		return -1;
	job->config = hr_config_parse(job->config_text, job->config_len, name, &diags);
	if (job->config == NULL) {
		hr_diags_to_err(&diags, err);
		hr_diags_free(&diags);
		return -1;
	}
	if (!job->config->has_process)
		return hr_err_set(err, EINVAL, "%s: process: required to create a container", name);
	if (plan_health(job, err) < 0)
		return -1;
	/* before anything is printed or made: the command starts over in the copy */
	if (init_needs_sealed_copy(job) && hr_reexec_from_sealed_copy(err) < 0)
		return -1;
	hr_log_doc_warnings(&job->config->warnings);
	hr_log_add_config_secrets(job->opts->id, job->config->process.env,
				  job->config->process.n_env, job->config->annotations,
				  job->config->n_annotations);
	return 0;
}

static int resolve_rootfs(struct create_job *job, struct hr_err *err)
{
	return hr_path_bundle_rootfs(job->bundle, job->config->root_path, job->rootfs_path, err);
}

/*
 * sd_notify relay (notify.h): the state directory's notify/ bound read-only at /run/notify, and
 * NOTIFY_SOCKET pointing at the socket start binds there. Without a mount namespace nothing is
 * bound, and the process gets no NOTIFY_SOCKET.
 */
static int plan_notify(struct create_job *job, struct hr_err *err)
{
	const char *source = hr_arena_printf(&job->arena, "%s/%s", job->dir.path, HR_NOTIFY_DIR);

	if (hr_notify_make_dir(job->dir.fd, job->dir.path, err) < 0 ||
	    hr_rootfs_plan_add_bind(job->rootfs, &job->arena, source, HR_NOTIFY_CONTAINER_DIR,
				    err) < 0)
		return -1;
	return hr_process_plan_setenv(job->process, &job->arena, "NOTIFY_SOCKET",
				      HR_NOTIFY_CONTAINER_SOCKET, err);
}

/* Build every plan in the parent: the child only executes them. */
static int build_plans(struct create_job *job, struct hr_err *err)
{
	const struct hr_config *config = job->config;
	const struct hr_linux *linux_cfg = config->has_linux ? &config->linux_cfg : NULL;
	char cache[PATH_MAX];

	if (hr_rootfs_plan_build(config, job->bundle, &job->arena, &job->rootfs, err) < 0)
		return -1;
	if (hr_idmap_prepare(job->rootfs, err) < 0)
		return -1;
	if (hr_process_plan_build(&config->process, linux_cfg, &job->arena, &job->process, err) < 0)
		return -1;
	if (config->keep_original_groups)
		hr_process_plan_keep_groups(job->process);
	if (job->opts->seccomp_record != NULL)
		hr_process_plan_hold_admin_for_filter(job->process);
	if (linux_cfg != NULL && linux_cfg->seccomp != NULL) {
		snprintf(cache, sizeof(cache), "%s/.seccomp-cache", job->ctx->root);
		if (hr_seccomp_compile(linux_cfg->seccomp, cache, &job->arena, &job->seccomp, err) <
		    0)
			return -1;
	}
	if (job->listen_fds > 0) {
		char n[16];

		snprintf(n, sizeof(n), "%d", job->listen_fds);
		if (hr_process_plan_setenv(job->process, &job->arena, "LISTEN_FDS", n, err) < 0 ||
		    hr_process_plan_setenv(job->process, &job->arena, "LISTEN_PID", "1", err) < 0)
			return -1;
	}
	if (hr_notify_caller_socket() != NULL && !job->rootfs->caller_mounts &&
	    plan_notify(job, err) < 0)
		return -1;
	if (hr_netdev_plan_build(linux_cfg, &job->arena, &job->netdev, err) < 0)
		return -1;
	return hr_ns_plan_build(linux_cfg, &job->ns, err);
}

static int make_exec_fifo(struct create_job *job, struct hr_err *err)
{
	if (mkfifoat(job->dir.fd, HR_EXEC_FIFO, 0600) < 0)
		return hr_err_sys(err, "create %s/%s", job->dir.path, HR_EXEC_FIFO);
	/* the init opens it for writing after dropping to the container's user */
	if (fchmodat(job->dir.fd, HR_EXEC_FIFO, 0622, 0) < 0)
		return hr_err_sys(err, "chmod %s/%s", job->dir.path, HR_EXEC_FIFO);
	job->fifo_fd = openat(job->dir.fd, HR_EXEC_FIFO, O_PATH | O_CLOEXEC);
	if (job->fifo_fd < 0)
		return hr_err_sys(err, "open %s/%s", job->dir.path, HR_EXEC_FIFO);
	return 0;
}

static int prepare_fds(struct create_job *job, struct hr_err *err)
{
	const struct hr_process *proc = &job->config->process;

	if (proc->terminal) {
		if (job->opts->console_socket != NULL) {
			job->console_sock =
			    hr_console_socket_connect(job->opts->console_socket, err);
			if (job->console_sock < 0)
				return -1;
		} else if (!job->relay_pty) {
			return hr_err_set(err, EINVAL,
					  "process.terminal is true: --console-socket is required");
		}
	} else if (job->opts->console_socket != NULL) {
		return hr_err_set(err, EINVAL,
				  "--console-socket given but process.terminal is false");
	}
	job->state_fd = memfd_create("hardrun-state", MFD_CLOEXEC);
	if (job->state_fd < 0)
		return hr_err_sys(err, "memfd_create for the container state");
	if (hr_write_file_at(job->dir.fd, HR_CONFIG_COPY, job->config_text, job->config_len, err) <
	    0)
		return -1;
	return hr_sync_pair(job->sync, err);
}

/*
 * run --output-log: the log in the state directory; without a terminal, whose output is read
 * from the pty, the init's stdout and stderr become pipes (read ends non-blocking: the
 * supervisor drains them once the process exited).
 */
static int prepare_output_log(struct create_job *job, struct hr_err *err)
{
	const struct hr_process *proc = &job->config->process;

	if (job->output_log == NULL)
		return 0;
	if (proc->terminal && job->opts->console_socket != NULL)
		return hr_err_set(err, EINVAL,
				  "--output-log: the terminal goes to the console socket, whose "
				  "owner keeps the output");
	if (hr_output_log_open(job->output_log, job->dir.fd, &job->opts->output_log, proc->env,
			       proc->n_env, err) < 0)
		return -1;
	if (proc->terminal)
		return 0;
	for (int s = 0; s < HR_OUTPUT__COUNT; s++) {
		int *p = job->output_pipes[s];

		if (pipe2(p, O_CLOEXEC) < 0)
			return hr_err_sys(err, "create a pipe for the output log");
		if (fcntl(p[0], F_SETFL, O_NONBLOCK) < 0)
			return hr_err_sys(err, "make the output log's pipe non-blocking");
	}
	return 0;
}

static void fill_state(struct create_job *job)
{
	hr_state_init_new(&job->state, job->opts->id, job->bundle, job->rootfs_path, job->config,
			  job->created, sizeof(job->created));
}

static void init_plan_fill(struct create_job *job, struct hr_init_plan *plan)
{
	const struct hr_process *proc = &job->config->process;

	memset(plan, 0, sizeof(*plan));
	plan->kind = HR_INIT_CONTAINER;
	plan->config = job->config;
	plan->ns = &job->ns;
	plan->rootfs = job->rootfs;
	plan->process = job->process;
	plan->seccomp = job->seccomp;
	plan->no_new_privileges = proc->no_new_privileges;
	plan->terminal = proc->terminal;
	plan->console_height = proc->console_height;
	plan->console_width = proc->console_width;
	plan->no_pivot = job->opts->no_pivot;
	plan->new_keyring = !job->opts->no_new_keyring;
	plan->preserve_fds = job->preserve_fds;
	plan->fd_slots = job->fd_slots.fds;
	plan->n_fd_slots = job->fd_slots.n;
	plan->sync_fd = job->sync[1];
	plan->fifo_fd = job->fifo_fd;
	plan->state_fd = job->state_fd;
	plan->join_pidfd = -1;
	plan->join_root = -1;
	plan->record = job->opts->seccomp_record ? hr_seccomp_record_program() : NULL;
	plan->record_fd = job->recorder.ready[1];
	plan->output_piped = job->output_pipes[HR_OUTPUT_STDOUT][1] >= 0;
	plan->output_fds[0] = job->output_pipes[HR_OUTPUT_STDOUT][1];
	plan->output_fds[1] = job->output_pipes[HR_OUTPUT_STDERR][1];
}

/* What the state says of the cgroup; called again once a pending scope exists. */
static void record_cgroup(struct create_job *job)
{
	job->state.cgroup_manager = job->cgroup.manager;
	if (job->cgroup.path[0] == '\0')
		return;
	job->state.cgroup_path = job->cgroup.path;
	if (job->cgroup.n_created > 1)
		job->state.cgroup_parents_created = job->cgroup.n_created - 1;
}

static int spawn_init(struct create_job *job, struct hr_err *err)
{
	struct hr_init_plan plan;
	const struct hr_linux *linux_cfg = job->config->has_linux ? &job->config->linux_cfg : NULL;
	struct hr_spawn_req req = {
	    .what = "the container's init",
	    .flags = job->ns.clone_flags,
	    .cgroup_fd = job->cgroup.fd,
	    .cgroup = hr_state_cgroup(&job->state),
	    .parent_sync_fd = job->sync[0],
	    .plan = &plan,
	};
	struct hr_spawned spawned;
	int r;

	init_plan_fill(job, &plan);
	if (hr_ns_enter_for_children(&job->ns, linux_cfg, err) < 0)
		return -1;
	r = hr_spawn(&req, &spawned, err);
	job->pid = spawned.pid;
	job->pidfd = spawned.pidfd;
	close_fd(&job->sync[1]);
	/* the output pipes' end of file is the init's (and its children's) */
	for (int s = 0; s < HR_OUTPUT__COUNT; s++)
		close_fd(&job->output_pipes[s][1]);
	/* systemd: the scope starts with the init, which waits for GO */
	if (r == 0 && job->cgroup.scope_pending) {
		r = hr_cgroup_place(&job->cgroup, job->pid, err);
		record_cgroup(job);
	}
	job->recorder.own_pid_ns = (job->ns.clone_flags & CLONE_NEWPID) != 0;
	if (r == 0 && job->opts->seccomp_record != NULL)
		r = hr_recorder_start(&job->recorder, job->pid, job->pidfd, job->foreground, err);
	/* the init holds the pipe's write end now: its end of file is the init's */
	close_fd(&job->recorder.ready[1]);
	return r;
}

/*
 * --seccomp-record: the recording filter is a notifier of its own, so a config whose filter
 * already has one (SCMP_ACT_NOTIFY, listenerPath) cannot be recorded.
 */
static int prepare_recorder(struct create_job *job, struct hr_err *err)
{
	const struct hr_linux *l = &job->config->linux_cfg;

	if (job->opts->seccomp_record == NULL)
		return 0;
	if (job->config->has_linux && l->seccomp != NULL && l->seccomp->listener_path != NULL)
		return hr_err_set(err, EINVAL,
				  "--seccomp-record: linux.seccomp.listenerPath is set: the "
				  "recording filter cannot share a process with another notifier");
	return hr_recorder_prepare(&job->recorder, job->opts->seccomp_record, err);
}

/* The init's listener fd goes to listenerPath with the state "creating", as runc sends it. */
static const struct hr_seccomp_listener *listener_for(const struct create_job *job,
						      struct hr_seccomp_listener *l)
{
	const struct hr_seccomp *sc = job->config->linux_cfg.seccomp;

	if (!hr_seccomp_has_listener(job->seccomp))
		return NULL;
	*l = (struct hr_seccomp_listener){.path = sc->listener_path,
					  .metadata = sc->listener_metadata,
					  .state = &job->state,
					  .status = HR_STATUS_CREATING,
					  .pid = job->pid};
	return l;
}

/*
 * linux.netDevices into the network namespace the init joins, or the one it was born with (the
 * config refuses one it would create itself, after GO).
 */
static int move_net_devices(struct create_job *job, struct hr_err *err)
{
	_cleanup_close_ int own = -1;
	int netns = job->ns.join_fds[HR_NS_NETWORK];
	char path[64];

	if (job->netdev.n == 0)
		return 0;
	if (netns < 0) {
		snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)job->pid);
		own = open(path, O_RDONLY | O_CLOEXEC);
		if (own < 0)
			return hr_err_sys(err, "linux.netDevices: open %s", path);
		netns = own;
	}
	return hr_netdev_move(&job->netdev, netns, err);
}

/* The hooks whose stdin is the state made at create. */
#define CREATE_HOOK_KINDS                                                                          \
	((1u << HR_HOOK_PRESTART) | (1u << HR_HOOK_CREATE_RUNTIME) |                               \
	 (1u << HR_HOOK_CREATE_CONTAINER) | (1u << HR_HOOK_START_CONTAINER))

/*
 * Parent side between clone and ready: maps, network devices, limits, runtime hooks, go, pty,
 * seccomp, ready.
 */
static int drive_init(struct create_job *job, struct hr_err *err)
{
	const struct hr_config *config = job->config;
	_cleanup_free_ char *state_json = NULL;
	struct hr_seccomp_listener listener;

	if (job->ns.new_user && hr_ns_write_id_maps(job->pid, &config->linux_cfg, err) < 0)
		return -1;
	if (move_net_devices(job, err) < 0)
		return -1;
	if (hr_process_apply_from_parent(job->process, job->pid, err) < 0)
		return -1;
	if (hr_proc_start_time(job->pid, &job->state.pid_start_time, NULL) < 0)
		return hr_err_set(err, ESRCH, "container init %d vanished", (int)job->pid);
	if (hr_init_record_write(&job->dir, job->pid, job->state.pid_start_time, err) < 0)
		return -1;
	job->state.pid = job->pid;
	/* the state on the hooks' stdin: made only for hooks that will read it */
	if (job->state.hook_kinds & CREATE_HOOK_KINDS) {
		state_json = hr_state_oci_json(&job->state, HR_STATUS_CREATING, false);
		if (pwrite(job->state_fd, state_json, strlen(state_json), 0) < 0)
			return hr_err_sys(err, "write the state for hooks");
	}
	if (hr_hooks_run(config->hooks, HR_HOOK_PRESTART, job->state_fd, err) < 0 ||
	    hr_hooks_run(config->hooks, HR_HOOK_CREATE_RUNTIME, job->state_fd, err) < 0)
		return -1;
	if (hr_sync_send(job->sync[0], HR_SYNC_GO, NULL, -1, err) < 0)
		return -1;
	return hr_wait_ready(job->sync[0], config->process.terminal, job->console_sock,
			     &job->pty_master, listener_for(job, &listener), err);
}

/*
 * The init is born in its cgroup (cgroupfs: CLONE_INTO_CGROUP), or placed in it while it waits
 * for GO (systemd: the scope starts with it), limits and device filter in place either way.
 */
static int prepare_cgroup(struct create_job *job, struct hr_err *err)
{
	hr_devices_add_default_rules(job->config);
	if (hr_cgroup_create(job->ctx, job->config, job->opts->id, &job->cgroup, err) < 0)
		return -1;
	record_cgroup(job);
	if (job->cgroup.path[0] == '\0' && !job->cgroup.scope_pending)
		return 0;
	/*
	 * A cgroup namespace made by clone3 is rooted where the parent is, not in the cgroup the
	 * child is born in: the child creates it itself, after GO, from inside its cgroup.
	 */
	if (job->ns.clone_flags & CLONE_NEWCGROUP) {
		job->ns.clone_flags &= ~(unsigned long)CLONE_NEWCGROUP;
		job->ns.unshare_flags |= CLONE_NEWCGROUP;
	}
	return 0;
}

static int create_with_job(struct create_job *job, struct hr_err *err)
{
	/* a refused ID is refused before anything is read, warned about or created */
	if (hr_id_validate(job->opts->id, err) < 0)
		return -1;
	job->listen_fds = hr_process_listen_fds();
	job->preserve_fds = job->listen_fds + job->opts->preserve_fds;
	/* then: no fd hardrun opens from here on may take a slot the caller left closed */
	if (hr_process_hold_fd_slots(job->preserve_fds, &job->fd_slots, err) < 0)
		return -1;
	if (load_config(job, err) < 0 || hr_policy_apply(job->ctx, job->config, err) < 0 ||
	    resolve_rootfs(job, err) < 0 || prepare_recorder(job, err) < 0)
		return -1;
	if (hr_lsm_check(job->config->process.apparmor_profile, job->config->process.selinux_label,
			 job->config->has_linux ? job->config->linux_cfg.mount_label : NULL,
			 err) < 0)
		return -1;
	if (hr_cgroup_check_host(job->ctx, job->config, err) < 0)
		return -1;
	if (hr_container_dir_create(job->ctx->root, job->opts->id, &job->dir, err) < 0)
		return -1;
	job->dir_created = true;
	if (build_plans(job, err) < 0 || make_exec_fifo(job, err) < 0 ||
	    prepare_output_log(job, err) < 0 || prepare_fds(job, err) < 0)
		return -1;
	fill_state(job);
	if (prepare_cgroup(job, err) < 0)
		return -1;
	if (spawn_init(job, err) < 0 || drive_init(job, err) < 0)
		return -1;
	if (job->opts->pid_file != NULL &&
	    hr_write_pid_file(job->opts->pid_file, job->pid, err) < 0)
		return -1;
	return hr_state_write(&job->dir, &job->state, err);
}

static int create_internal(const struct hr_context *ctx, const struct hr_create_opts *opts,
			   bool foreground, const struct hr_health_opts *health,
			   struct hr_created *created, struct hr_err *err)
{
	struct create_job job;
	int r;

	job_init(&job, ctx, opts);
	/* the foreground run relays a terminal unless a console socket takes it */
	job.relay_pty = foreground && opts->console_socket == NULL;
	job.foreground = foreground;
	job.health_in = health;
	job.output_log = created != NULL ? created->output_log : NULL;
	r = create_with_job(&job, err);
	if (r < 0 && job.dir_created)
		hr_err_prefix(err, "create container %s", opts->id);
	if (r == 0 && created != NULL) {
		created->pid = job.pid;
		created->pidfd = job.pidfd;
		created->pty_master = job.pty_master;
		created->recorder = job.recorder;
		created->health = job.health;
		/* a command from the annotations lives in the config's arena: keep it beyond */
		if (job.health.cmd != NULL && job.health.cmd != health->cmd)
			created->health.cmd = created->health_cmd_copy = hr_xstrdup(job.health.cmd);
		job.pidfd = job.pty_master = -1;
		for (int s = 0; s < HR_OUTPUT__COUNT; s++) {
			created->output_fds[s] = job.output_pipes[s][0];
			job.output_pipes[s][0] = -1;
		}
	}
	if (r == 0) {
		close_fd(&job.pidfd);
		close_fd(&job.pty_master);
	}
	job_release(&job, r < 0);
	return r;
}

int hr_container_create(const struct hr_context *ctx, const struct hr_create_opts *opts,
			struct hr_created *created, struct hr_err *err)
{
	return create_internal(ctx, opts, created != NULL, NULL, created, err);
}

/* Waits for fd to be readable, or for the init behind pidfd to exit (then fails). */
static int poll_fifo(int fifo, int pidfd, const char *id, struct hr_err *err)
{
	struct pollfd fds[2] = {{.fd = fifo, .events = POLLIN}, {.fd = pidfd, .events = POLLIN}};

	for (;;) {
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return hr_err_sys(err, "wait for container %s to start", id);
		}
		if (fds[0].revents & (POLLIN | POLLHUP))
			return 0;
		if (fds[1].revents & POLLIN)
			return hr_err_set(err, ESRCH, "container %s: its init exited during start",
					  id);
	}
}

/*
 * Opening the fifo for reading releases the init blocked on its write side. It writes "0" after
 * the startContainer hooks, and its write end closes on a successful execve: end-of-file means
 * the user process runs. A "1" means the seccomp install or the execve failed (see init.c).
 * The init's pidfd is taken before the fifo is opened: once it is, the init may fail and exit at
 * once, and its "1" is what start must report.
 */
static int release_init(const struct hr_container_dir *dir, const struct hr_state *state,
			struct hr_err *err)
{
	_cleanup_close_ int fifo = -1, pidfd = -1;
	char buf[16];
	ssize_t n;
	bool started = false;

	if (hr_pidfd_open_verified(state->pid, state->pid_start_time, &pidfd, err) < 0)
		return hr_err_set(err, ESRCH, "container %s: its init exited before start",
				  state->id);
	fifo = openat(dir->fd, HR_EXEC_FIFO, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fifo < 0)
		return hr_err_sys(err, "open %s/%s", dir->path, HR_EXEC_FIFO);
	/* the fifo is gone once start has begun: a second start sees "running" */
	if (unlinkat(dir->fd, HR_EXEC_FIFO, 0) < 0)
		return hr_err_sys(err, "remove %s/%s", dir->path, HR_EXEC_FIFO);
	for (;;) {
		if (poll_fifo(fifo, pidfd, state->id, err) < 0)
			return -1;
		n = read(fifo, buf, sizeof(buf));
		if (n > 0 && memchr(buf, '1', (size_t)n) != NULL)
			return hr_err_set(
			    err, ECANCELED,
			    "container %s: its process could not be executed (see its "
			    "standard error)",
			    state->id);
		if (n > 0)
			started = true;
		else if (n == 0)
			break;
		else if (errno != EAGAIN && errno != EINTR)
			return hr_err_sys(err, "read %s/%s", dir->path, HR_EXEC_FIFO);
	}
	if (!started)
		return hr_err_set(err, ECANCELED,
				  "container %s failed to start (see its standard error)",
				  state->id);
	return 0;
}

/* *sock: the sd_notify relay's, when create planned one and the caller has NOTIFY_SOCKET. */
static int notify_socket_for(const struct hr_opened *opened, int *sock, struct hr_err *err)
{
	struct stat st;

	*sock = -1;
	if (hr_notify_caller_socket() == NULL ||
	    fstatat(opened->dir.fd, HR_NOTIFY_DIR, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    !S_ISDIR(st.st_mode))
		return 0;
	*sock = hr_notify_bind(opened->dir.fd, opened->dir.path, err);
	return *sock < 0 ? -1 : 0;
}

/* Waits for the container's READY=1 and passes it on (notify.h); the lock is not held. */
static int notify_relay(int sock, pid_t pid, uint64_t start_time, const char *id,
			struct hr_err *err)
{
	_cleanup_close_ int pidfd = -1;

	if (hr_pidfd_open_verified(pid, start_time, &pidfd, err) < 0)
		return 0; /* gone already: nothing will be ready */
	if (hr_notify_relay(sock, pidfd, pid, hr_notify_caller_socket(), err) < 0)
		return hr_err_prefix(err, "container %s", id);
	return 0;
}

int hr_container_start(const struct hr_context *ctx, const char *id, struct hr_err *err)
{
	struct hr_opened opened;
	_cleanup_close_ int notify = -1;
	pid_t pid;
	uint64_t start_time;
	int r;

	if (hr_container_open(ctx, id, &opened, err) < 0)
		return -1;
	if (opened.status != HR_STATUS_CREATED) {
		r = hr_err_set(err, EINVAL, "cannot start container %s: it is %s, not created", id,
			       hr_status_name(opened.status));
		goto out;
	}
	/* bound before the process runs: its READY=1 may come at once */
	r = notify_socket_for(&opened, &notify, err);
	if (r == 0)
		r = release_init(&opened.dir, &opened.state, err);
	/* a failing poststart hook fails the start, and the container goes (as runc) */
	if (r == 0 &&
	    hr_container_run_hooks(&opened, HR_HOOK_POSTSTART, HR_STATUS_RUNNING, false, err) < 0) {
		struct hr_err del_err = {0};

		r = -1;
		if (hr_container_delete_opened(&opened, true, NULL, &del_err) < 0)
			hr_warning("after its failed start: %s", del_err.msg);
	}
out:
	pid = opened.state.pid;
	start_time = opened.state.pid_start_time;
	hr_container_close(&opened);
	if (r == 0 && notify >= 0)
		r = notify_relay(notify, pid, start_time, id, err);
	return r;
}

/*
 * run --output-log without a terminal: the output pump, a process of its own from create on,
 * so that the container never blocks on a full pipe, not even before start (its hooks'
 * output, what it writes before READY=1, the message of a failing exec). It writes the log
 * and, in the foreground (to_ours), copies the output to our stdout and stderr; it ends when
 * the output does. It holds only its pipes, the log, the lock on HR_OUTPUT_LOGGER_LOCK that
 * delete waits for, and, to_ours, our stdout and stderr: every other fd is closed, the state
 * directory's lock among them. In the foreground it keeps the signals run blocks (run
 * forwards them to the container); with -d it leads a session of its own, stdio /dev/null.
 */
static pid_t start_pump(struct hr_output_log *log, const int fds[HR_OUTPUT__COUNT], bool to_ours,
			struct hr_err *err)
{
	_cleanup_close_ int lock = -1;
	pid_t pid;

	lock = openat(log->dirfd, HR_OUTPUT_LOGGER_LOCK,
		      O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
	if (lock < 0 || flock(lock, LOCK_EX) < 0)
		return hr_err_sys(err, "lock %s", HR_OUTPUT_LOGGER_LOCK);
	pid = fork();
	if (pid < 0)
		return hr_err_sys(err, "fork the output log's pump");
	if (pid == 0) {
		const int keep[] = {lock, log->fd, log->dirfd, fds[0], fds[1]};
		const int ours[HR_OUTPUT__COUNT] = {to_ours ? STDOUT_FILENO : -1,
						    to_ours ? STDERR_FILENO : -1};
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		struct hr_err ignored;

		if (null < 0 || dup2(null, STDIN_FILENO) < 0)
			_exit(1);
		if (!to_ours && (dup2(null, STDOUT_FILENO) < 0 || dup2(null, STDERR_FILENO) < 0 ||
				 setsid() < 0))
			_exit(1);
		if (hr_process_close_fds(0, keep, sizeof(keep) / sizeof(keep[0]), &ignored) < 0)
			_exit(1);
		hr_output_log_follow(log, fds, ours);
		hr_output_log_close(log);
		_exit(0);
	}
	return pid;
}

/* The foreground's pump, once the process exited: the rest of the output, a while. A process
 * left behind (no PID namespace of its own) may hold the pipes: the pump then goes on alone. */
static void wait_for_pump(pid_t pump)
{
	for (int waited = 0; waited < HR_OUTPUT_LOGGER_WAIT_MS; waited += 10) {
		pid_t r = waitpid(pump, NULL, WNOHANG);

		if (r == pump || (r < 0 && errno != EINTR))
			return;
		usleep(10 * 1000);
	}
}

static void close_created(struct hr_created *created)
{
	free(created->health_cmd_copy);
	created->health_cmd_copy = NULL;
	close_fd(&created->pidfd);
	close_fd(&created->pty_master);
	for (int s = 0; s < HR_OUTPUT__COUNT; s++)
		close_fd(&created->output_fds[s]);
	hr_output_log_close(created->output_log);
}

/* create, and the output log's pump when there are pipes; after a failure, nothing left. */
static int create_for_run(const struct hr_context *ctx, const struct hr_run_opts *opts,
			  bool foreground, struct hr_created *created, pid_t *pump,
			  struct hr_err *err)
{
	struct hr_err del_err;

	*pump = -1;
	if (create_internal(ctx, &opts->create, foreground, foreground ? &opts->health : NULL,
			    created, err) < 0)
		return -1;
	if (created->output_fds[HR_OUTPUT_STDOUT] < 0)
		return 0;
	*pump = start_pump(created->output_log, created->output_fds, foreground, err);
	/* the pump owns them now: the log is written by one process */
	for (int s = 0; s < HR_OUTPUT__COUNT; s++)
		close_fd(&created->output_fds[s]);
	if (*pump < 0) {
		if (hr_container_delete(ctx, opts->create.id, true, NULL, &del_err) < 0)
			hr_warning("%s", del_err.msg);
		return -1;
	}
	memset(created->output_log, 0, sizeof(*created->output_log));
	return 0;
}

static int run_detached(const struct hr_context *ctx, const struct hr_run_opts *opts,
			struct hr_created *created, struct hr_err *err)
{
	struct hr_err del_err;
	pid_t pump;
	int r;

	r = create_for_run(ctx, opts, false, created, &pump, err);
	close_created(created);
	if (r < 0)
		return -1;
	if (hr_container_start(ctx, opts->create.id, err) == 0)
		return 0;
	/* as runc: a run that failed leaves no container behind (and no process holding the
	 * caller's output open); the pump ends with the container's output */
	if (!opts->keep && hr_container_delete(ctx, opts->create.id, true, NULL, &del_err) < 0)
		hr_warning("%s", del_err.msg);
	return -1;
}

/* The foreground: supervised (health check, a terminal's output log) until its process exits. */
static int run_supervised(const struct hr_context *ctx, const struct hr_run_opts *opts,
			  struct hr_created *created, int sigfd, int *status, struct hr_err *err)
{
	const struct hr_health_opts *health_opts = &created->health;
	struct hr_exec_probe *probe = NULL;
	struct hr_health health;
	int r;

	if (health_opts->cmd != NULL)
		probe = hr_exec_probe_prepare(ctx, opts->create.id, health_opts->cmd);
	hr_health_start(&health, health_opts, hr_exec_probe_run, probe, ctx, opts->create.id,
			created->pidfd);
	r = hr_supervise(
	    &(struct hr_supervised){
		.pidfd = created->pidfd,
		.sigfd = sigfd,
		.pty_master = created->pty_master,
		.log = opts->create.output_log.enabled ? created->output_log : NULL,
		.health = health_opts->cmd ? &health : NULL,
	    },
	    err);
	hr_health_stop(&health);
	hr_exec_probe_free(probe);
	if (r < 0)
		return -1;
	*status = r;
	return 0;
}

int hr_container_run(const struct hr_context *ctx, const struct hr_run_opts *opts, int *status,
		     struct hr_err *err)
{
	static struct hr_output_log output_log; /* 33 KiB: not on the stack */
	struct hr_created created = {.pidfd = -1, .pty_master = -1, .output_fds = {-1, -1}};
	struct hr_err rec_err, del_err;
	sigset_t old;
	pid_t pump = -1;
	int sigfd, r;

	*status = 0;
	memset(&output_log, 0, sizeof(output_log));
	if (opts->create.output_log.enabled)
		created.output_log = &output_log;
	if (opts->detach)
		return run_detached(ctx, opts, &created, err);
	sigfd = hr_signalfd_for_forwarding(&old, err);
	if (sigfd < 0)
		return -1;
	r = create_for_run(ctx, opts, true, &created, &pump, err);
	if (r == 0)
		r = hr_container_start(ctx, opts->create.id, err);
	if (r == 0)
		r = run_supervised(ctx, opts, &created, sigfd, status, err);
	/* what the process wrote last (or, when start failed, why) before the delete */
	if (pump > 0)
		wait_for_pump(pump);
	close(sigfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	/* the log complete (its unfinished lines written) before delete may keep it */
	close_created(&created);
	if (!opts->keep && (r == 0 || created.pid > 0) &&
	    hr_container_delete(ctx, opts->create.id, true, opts->keep_logs, &del_err) < 0 &&
	    r == 0)
		r = hr_err_set(err, del_err.errnum, "%s", del_err.msg);
	/* the profile is complete once the last process of the container is gone */
	if (created.recorder.pid > 0 && hr_recorder_wait(&created.recorder, &rec_err) < 0 && r == 0)
		r = hr_err_set(err, rec_err.errnum, "%s", rec_err.msg);
	return r;
}
