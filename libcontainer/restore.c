/* SPDX-License-Identifier: GPL-2.0-or-later */
/* restore: a new container whose processes criu restores from a checkpoint's images. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup_devices.h"
#include "cgroup_manager.h"
#include "checkpoint.h"
#include "checkpoint_common.h"
#include "cleanup.h"
#include "config.h"
#include "container_open.h"
#include "container_ops.h"
#include "json.h"
#include "log.h"
#include "mountopts.h"
#include "paths.h"
#include "state.h"
#include "supervisor.h"
#include "terminal.h"

/* Everything restore builds; released in one place whatever step failed. */
struct restore_job {
	const struct hr_context *ctx;
	const struct hr_restore_opts *opts;
	struct hr_arena arena;
	struct hr_config *config;
	char *config_text;
	size_t config_len;
	struct hr_container_dir dir;
	bool dir_created;
	struct hr_cgroup cgroup;
	struct hr_state state;
	struct hr_criu_cmd cmd;
	char bundle[PATH_MAX];
	char rootfs[PATH_MAX];
	char created[64];
	pid_t pid;
	int pidfd;
	int netns_fd;	     /* a joined network namespace, criu's external one; -1 when none */
	int console_socket;  /* connected, for a terminal; -1 when none */
	const char *tty_key; /* the checkpoint's terminal, criu's tty[RDEV:DEV]; NULL if none */
	const char *pts_dir; /* where criu's child mounts the new terminal's devpts */
};

static int load_config(struct restore_job *job, struct hr_err *err)
{
	const char *bundle = job->opts->bundle ? job->opts->bundle : ".";
	struct hr_diags diags = {0};
	const char *name;

	if (realpath(bundle, job->bundle) == NULL)
		return hr_err_sys(err, "bundle %s", bundle);
	name = hr_arena_printf(&job->arena, "%s/config.json", job->bundle);
	if (hr_read_file(name, HR_CONFIG_MAX_SIZE, &job->config_text, &job->config_len, err) < 0)
		return -1;
	job->config = hr_config_parse(job->config_text, job->config_len, name, &diags);
	if (job->config == NULL) {
		hr_diags_to_err(&diags, err);
		hr_diags_free(&diags);
		return -1;
	}
	if (hr_ckpt_refuse_unsupported(job->config, "restore", err) < 0)
		return -1;
	return hr_path_bundle_rootfs(job->bundle, job->config->root_path, job->rootfs, err);
}

/* The bind mounts saved as external (keyed by destination) come from their sources again. */
static int add_external_mounts(struct restore_job *job, struct hr_err *err)
{
	for (size_t i = 0; i < job->config->n_mounts; i++) {
		const struct hr_mount *m = &job->config->mounts[i];
		const char *src = m->source;

		if (!hr_ckpt_is_bind(m))
			continue;
		if (src == NULL)
			return hr_err_set(err, EINVAL, "mounts[%zu]: a bind mount without a source",
					  i);
		if (src[0] != '/')
			src = hr_arena_printf(&job->arena, "%s/%s", job->bundle, src);
		if (hr_criu_arg(&job->cmd, err, "--ext-mount-map=%s:%s", m->destination, src) < 0)
			return -1;
	}
	return 0;
}

/* Whether rel (cleaned) lies strictly below one of the cleaned tmpfs destinations. */
static bool under_tmpfs(char *const *tmpfs, size_t n, const char *rel)
{
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(tmpfs[i]);

		if (len > 0 && strncmp(rel, tmpfs[i], len) == 0 && rel[len] == '/')
			return true;
	}
	return false;
}

/* A bind mount whose source is not a directory gets a file to mount on. */
static bool mounts_a_file(struct restore_job *job, const struct hr_mount *m)
{
	struct stat st;
	const char *src = m->source;

	if (!hr_ckpt_is_bind(m) || src == NULL)
		return false;
	if (src[0] != '/')
		src = hr_arena_printf(&job->arena, "%s/%s", job->bundle, src);
	return stat(src, &st) == 0 && !S_ISDIR(st.st_mode);
}

/* The config's destinations cleaned (rootfs-relative), and those of its tmpfs mounts. */
static int clean_destinations(struct restore_job *job, char **rel, char **tmpfs, size_t *n_tmpfs,
			      struct hr_err *err)
{
	*n_tmpfs = 0;
	for (size_t i = 0; i < job->config->n_mounts; i++) {
		const struct hr_mount *m = &job->config->mounts[i];

		if (hr_path_clean_relative(&job->arena, "mounts[].destination", m->destination,
					   true, &rel[i], err) < 0)
			return -1;
		if (m->type != NULL && strcmp(m->type, "tmpfs") == 0)
			tmpfs[(*n_tmpfs)++] = rel[i];
	}
	return 0;
}

/*
 * The mount points the root filesystem lacks, made in-root as create makes them: criu mounts
 * on them but does not create them, and a root filesystem rebuilt from its image and changes
 * (Podman's restore --import) has none of the files create made to mount on (/etc/hosts,
 * /run/.containerenv). As runc: none below a tmpfs (criu restores it with its content), none
 * for cgroup (it comes with /sys).
 */
static int make_mountpoints(struct restore_job *job, struct hr_err *err)
{
	size_t n = job->config->n_mounts, n_tmpfs;
	char **rel = hr_arena_array(&job->arena, n + 1, sizeof(char *));
	char **tmpfs = hr_arena_array(&job->arena, n + 1, sizeof(char *));
	_cleanup_close_ int root = open(job->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (root < 0)
		return hr_err_sys(err, "open root.path %s", job->rootfs);
	if (clean_destinations(job, rel, tmpfs, &n_tmpfs, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const struct hr_mount *m = &job->config->mounts[i];
		bool cgroup = m->type != NULL && strncmp(m->type, "cgroup", 6) == 0;
		int fd;

		if (cgroup || rel[i][0] == '\0' || under_tmpfs(tmpfs, n_tmpfs, rel[i]))
			continue;
		fd = mounts_a_file(job, m) ? hr_path_create_file(root, rel[i], 0644, err)
					   : hr_path_mkdir_all(root, rel[i], 0755, err);
		if (fd < 0)
			return hr_err_prefix(err, "mounts[%zu]: the mount point %s", i,
					     m->destination);
		close(fd);
	}
	return 0;
}

/* "tty[RDEV:DEV]", both hexadecimal, as checkpoint writes it: nothing else goes to criu. */
static bool is_tty_key(const char *key)
{
	unsigned long long rdev, dev;
	int end = -1;

	return sscanf(key, "tty[%llx:%llx]%n", &rdev, &dev, &end) == 2 && end > 0 &&
	       key[end] == '\0' && strspn(key + 4, "0123456789abcdef:]") == strlen(key + 4);
}

/*
 * A pipe, socket or file from outside the container that the init had as fd 0, 1 or 2 is not
 * the container's to restore: the restored process gets this restore's own fd in its place
 * (criu --inherit-fd, keyed as checkpoint recorded it). Files inside criu reopens by path.
 */
static int add_inherited_stdio(struct restore_job *job, struct hr_err *err)
{
	_cleanup_free_ char *data = NULL;
	char *save = NULL, *line;
	size_t len;
	int fd = 0;
	const char *path = hr_arena_printf(&job->arena, "%s/%s", job->cmd.images, HR_CKPT_STDIO);

	if (hr_read_file(path, 1 << 16, &data, &len, err) < 0)
		return hr_err_prefix(err, "not a checkpoint of hardrun's");
	for (line = data; fd < 3 && line != NULL; fd++, line = save) {
		save = strchr(line, '\n');
		if (save != NULL)
			*save++ = '\0';
		if (strncmp(line, "tty[", 4) == 0) {
			line[strcspn(line, " ")] = '\0';
			if (!is_tty_key(line))
				return hr_err_set(err, EINVAL,
						  "%s: fd %d: not a tty[RDEV:DEV] key: %.64s", path,
						  fd, line);
			job->tty_key = hr_arena_strdup(&job->arena, line);
			continue;
		}
		if (strncmp(line, "pipe:", 5) != 0 && strncmp(line, "socket:", 7) != 0 &&
		    strncmp(line, "file[", 5) != 0)
			continue;
		line[strcspn(line, " ")] = '\0';
		if (hr_criu_arg(&job->cmd, err, "--inherit-fd=fd[%d]:%s", fd, line) < 0)
			return -1;
	}
	return 0;
}

/* The options of the config's devpts mount, for the new instance; create's own default. */
static const char *devpts_data(struct restore_job *job, struct hr_err *err)
{
	for (size_t i = 0; i < job->config->n_mounts; i++) {
		const struct hr_mount *m = &job->config->mounts[i];
		struct hr_mountopts mo;

		if (strcmp(m->destination, HR_CKPT_DEVPTS) != 0 || m->type == NULL ||
		    strcmp(m->type, "devpts") != 0)
			continue;
		if (hr_mountopts_parse(m->options, m->n_options, &job->arena, &mo, err) < 0)
			return hr_err_prefix(err, "mounts[%zu].options", i), NULL;
		return mo.data != NULL ? mo.data : "";
	}
	return hr_err_set(err, EINVAL,
			  "process.terminal is true but no devpts is mounted on /dev/pts "
			  "(mounts[]): there is no terminal to restore into"),
	       NULL;
}

/*
 * The terminal: criu's child makes a new devpts instance on pts_dir in its own mount
 * namespace and sends the master of its pty 0 to the console socket (struct hr_criu_cmd);
 * criu gives the slave to the processes in place of the checkpoint's terminal, and the
 * instance and that pty for the container's /dev/pts and /dev/console (external mounts).
 */
static int add_terminal(struct restore_job *job, struct hr_err *err)
{
	const char *data, *key = job->tty_key;

	if (!job->config->process.terminal)
		return 0;
	if (key == NULL)
		return hr_err_set(err, EINVAL,
				  "process.terminal is true but the checkpoint's init had no "
				  "terminal (%s/%s)",
				  job->cmd.images, HR_CKPT_STDIO);
	data = devpts_data(job, err);
	if (data == NULL)
		return -1;
	job->pts_dir = hr_arena_printf(&job->arena, "%s/restore-pts", job->cmd.work);
	if (mkdir(job->pts_dir, 0700) < 0 && errno != EEXIST)
		return hr_err_sys(err, "create %s, for the terminal's devpts", job->pts_dir);
	job->cmd.tty_pts_dir = job->pts_dir;
	job->cmd.tty_devpts_data = data;
	job->cmd.tty_console_socket = job->console_socket;
	if (hr_criu_arg(&job->cmd, err, "--inherit-fd=fd[%d]:%s", HR_CRIU_TTY_FD, key) < 0 ||
	    hr_criu_arg(&job->cmd, err, "--ext-mount-map=%s:%s", HR_CKPT_DEVPTS, job->pts_dir) < 0)
		return -1;
	return hr_criu_arg(&job->cmd, err, "--ext-mount-map=%s:%s/0", HR_CKPT_CONSOLE,
			   job->pts_dir);
}

/* A joined network namespace: criu restores the processes into the one at the config's path. */
static int add_netns(struct restore_job *job, struct hr_err *err)
{
	const char *path = hr_ckpt_joined_netns(job->config);

	if (path == NULL)
		return 0;
	job->netns_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (job->netns_fd < 0)
		return hr_err_sys(err, "linux.namespaces: open the network namespace %s", path);
	if (ioctl(job->netns_fd, NS_GET_NSTYPE) != CLONE_NEWNET)
		return hr_err_set(err, EINVAL, "linux.namespaces: %s is not a network namespace",
				  path);
	return hr_criu_inherit_fd(&job->cmd, job->netns_fd, HR_CKPT_NETNS_KEY, err);
}

/*
 * The cgroup as create makes it; criu runs in it (systemd: hardrun starts the scope with itself
 * in it, criu is its child) and restores the processes there.
 */
static int make_cgroup(struct restore_job *job, struct hr_err *err)
{
	const char *rel;

	hr_devices_add_default_rules(job->config);
	if (hr_cgroup_create(job->ctx, job->config, job->opts->id, &job->cgroup, err) < 0 ||
	    hr_cgroup_place(&job->cgroup, getpid(), err) < 0)
		return -1;
	job->state.cgroup_manager = job->cgroup.manager;
	if (job->cgroup.path[0] == '\0')
		return 0;
	job->state.cgroup_path = job->cgroup.path;
	if (job->cgroup.n_created > 1)
		job->state.cgroup_parents_created = job->cgroup.n_created - 1;
	rel = job->cgroup.path + strlen(HR_CGROUP_ROOT);
	return hr_criu_arg(&job->cmd, err, "--cgroup-root=%s", rel[0] ? rel : "/");
}

static int read_pid(struct restore_job *job, const char *pidfile, struct hr_err *err)
{
	_cleanup_free_ char *data = NULL;
	char *end;
	size_t len;
	long pid;

	if (hr_read_file(pidfile, 64, &data, &len, err) < 0)
		return hr_err_prefix(err, "criu restore's pid file");
	errno = 0;
	pid = strtol(data, &end, 10);
	if (errno != 0 || end == data || pid <= 0 || pid > INT32_MAX)
		return hr_err_set(err, EINVAL, "criu restore's pid file %s: not a pid", pidfile);
	job->pid = (pid_t)pid;
	job->pidfd = (int)syscall(SYS_pidfd_open, job->pid, 0);
	if (job->pidfd < 0)
		return hr_err_sys(err, "pidfd_open %d, the restored init", (int)job->pid);
	if (hr_proc_start_time(job->pid, &job->state.pid_start_time, NULL) < 0)
		return hr_err_sys(err, "read /proc/%d/stat", (int)job->pid);
	return 0;
}

static int run_criu(struct restore_job *job, struct hr_err *err)
{
	const char *pidfile;
	int r;
	struct hr_cgroup_handle cg = {
	    .manager = job->cgroup.manager,
	    .path = job->cgroup.path[0] ? job->cgroup.path : NULL,
	};

	pidfile = hr_arena_printf(&job->arena, "%s/restore.pid", job->cmd.work);
	if (unlink(pidfile) < 0 && errno != ENOENT)
		return hr_err_sys(err, "remove %s", pidfile);
	/* the restored init is this hardrun's child (restore-sibling), as run's init is */
	if (hr_criu_arg(&job->cmd, err, "--root=%s", job->rootfs) < 0 ||
	    hr_criu_arg(&job->cmd, err, "--restore-detached") < 0 ||
	    hr_criu_arg(&job->cmd, err, "--restore-sibling") < 0 ||
	    hr_criu_arg(&job->cmd, err, "--pidfile=%s", pidfile) < 0 ||
	    add_inherited_stdio(job, err) < 0 || add_terminal(job, err) < 0 ||
	    make_mountpoints(job, err) < 0 || add_external_mounts(job, err) < 0 ||
	    add_netns(job, err) < 0)
		return -1;
	job->cmd.no_new_privs = job->config->process.no_new_privileges;
	job->cmd.readonly_root = job->config->root_readonly ? job->rootfs : NULL;
	hr_log(HR_LOG_DEBUG, "container %s: criu restore from %s (log %s)", job->opts->id,
	       job->cmd.images, job->cmd.log);
	r = hr_criu_run(&job->cmd, cg.path ? &cg : NULL, err);
	/* mounted only in criu's own mount namespace: here an empty directory */
	if (job->pts_dir != NULL)
		rmdir(job->pts_dir);
	if (r < 0)
		return -1;
	return read_pid(job, pidfile, err);
}

/* A terminal comes back through a console socket, as create's does, and only then. */
static int connect_console(struct restore_job *job, struct hr_err *err)
{
	const char *path = job->opts->console_socket;

	if (!job->config->process.terminal) {
		if (path != NULL)
			return hr_err_set(err, EINVAL,
					  "--console-socket given but process.terminal is false");
		return 0;
	}
	if (path == NULL)
		return hr_err_set(err, EINVAL,
				  "process.terminal is true: --console-socket is required to "
				  "receive the restored terminal");
	job->console_socket = hr_console_socket_connect(path, err);
	return job->console_socket < 0 ? -1 : 0;
}

static void fill_state(struct restore_job *job)
{
	hr_state_init_new(&job->state, job->opts->id, job->bundle, job->rootfs, job->config,
			  job->created, sizeof(job->created));
	job->state.pid = job->pid;
}

static int restore_with_job(struct restore_job *job, struct hr_err *err)
{
	const struct hr_restore_opts *opts = job->opts;

	if (hr_id_validate(opts->id, err) < 0)
		return -1;
	if (load_config(job, err) < 0 || connect_console(job, err) < 0 ||
	    hr_cgroup_check_host(job->ctx, job->config, err) < 0)
		return -1;
	if (hr_criu_cmd_init(&job->cmd, &job->arena, job->ctx, "restore", &opts->criu,
			     "restore.log", err) < 0)
		return -1;
	if (hr_container_dir_create(job->ctx->root, opts->id, &job->dir, err) < 0)
		return -1;
	job->dir_created = true;
	if (hr_write_file_at(job->dir.fd, HR_CONFIG_COPY, job->config_text, job->config_len, err) <
		0 ||
	    make_cgroup(job, err) < 0 || run_criu(job, err) < 0)
		return -1;
	fill_state(job);
	if (opts->pid_file != NULL && hr_write_pid_file(opts->pid_file, job->pid, err) < 0)
		return -1;
	return hr_state_write(&job->dir, &job->state, err);
}

static void job_release(struct restore_job *job, bool failed)
{
	if (failed && job->pidfd >= 0) {
		syscall(SYS_pidfd_send_signal, job->pidfd, SIGKILL, NULL, 0);
		waitpid(job->pid, NULL, 0);
	}
	if (failed)
		hr_cgroup_remove_created(&job->cgroup);
	hr_cgroup_close(&job->cgroup);
	if (failed && job->dir_created) {
		struct hr_err ignored;

		hr_container_dir_remove(&job->dir, &ignored);
	}
	hr_container_dir_close(&job->dir);
	if (failed && job->pidfd >= 0)
		close(job->pidfd);
	if (job->netns_fd >= 0)
		close(job->netns_fd);
	if (job->console_socket >= 0)
		close(job->console_socket);
	free(job->config_text);
	if (job->config != NULL)
		hr_config_free(job->config);
	hr_arena_free(&job->arena);
}

/* Without -d: the restored container is supervised as run's, then deleted. */
static int supervise(const struct hr_context *ctx, const char *id, int pidfd, int *status,
		     struct hr_err *err)
{
	struct hr_err del_err = {0};
	sigset_t old;
	int sigfd, r;

	sigfd = hr_signalfd_for_forwarding(&old, err);
	r = sigfd < 0
		? -1
		: hr_supervise(
		      &(struct hr_supervised){.pidfd = pidfd, .sigfd = sigfd, .pty_master = -1},
		      err);
	if (sigfd >= 0) {
		close(sigfd);
		sigprocmask(SIG_SETMASK, &old, NULL);
	}
	if (r >= 0) {
		*status = r;
		r = 0;
	}
	if (hr_container_delete(ctx, id, true, NULL, &del_err) < 0 && r == 0)
		return hr_err_set(err, del_err.errnum, "%s", del_err.msg);
	return r;
}

int hr_container_restore(const struct hr_context *ctx, const struct hr_restore_opts *opts,
			 int *status, struct hr_err *err)
{
	struct restore_job job;
	int r, pidfd;

	*status = 0;
	memset(&job, 0, sizeof(job));
	job.ctx = ctx;
	job.opts = opts;
	job.dir.fd = job.pidfd = job.netns_fd = job.console_socket = -1;
	hr_cgroup_init(&job.cgroup);
	r = restore_with_job(&job, err);
	if (r < 0)
		hr_err_prefix(err, "restore container %s", opts->id);
	pidfd = job.pidfd;
	job_release(&job, r < 0);
	if (r < 0)
		return -1;
	if (opts->detach) {
		close(pidfd);
		return 0;
	}
	r = supervise(ctx, opts->id, pidfd, status, err);
	close(pidfd);
	return r;
}
