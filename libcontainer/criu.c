/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Running criu(8): its command line, its working directories, its log in the errors. */
#include "criu.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup_manager.h"
#include "cleanup.h"
#include "json.h"
#include "terminal.h"

static const char *const cgroups_names[] = {
    [HR_CRIU_CGROUPS_SOFT] = "soft",
    [HR_CRIU_CGROUPS_FULL] = "full",
    [HR_CRIU_CGROUPS_STRICT] = "strict",
    [HR_CRIU_CGROUPS_IGNORE] = "ignore",
};

int hr_criu_cgroups_parse(const char *name, enum hr_criu_cgroups *mode)
{
	for (size_t i = 0; i < sizeof(cgroups_names) / sizeof(cgroups_names[0]); i++) {
		if (strcmp(name, cgroups_names[i]) == 0) {
			*mode = (enum hr_criu_cgroups)i;
			return 0;
		}
	}
	return -1;
}

const char *hr_criu_cgroups_name(enum hr_criu_cgroups mode)
{
	return cgroups_names[mode];
}

/* --criu PATH, else the first executable criu in $PATH or the sbin directories. */
static const char *find_criu(const struct hr_context *ctx, struct hr_arena *arena,
			     struct hr_err *err)
{
	const char *env = getenv("PATH");
	_cleanup_free_ char *dirs = NULL;
	char *save = NULL;

	if (ctx->criu_path != NULL) {
		if (access(ctx->criu_path, X_OK) < 0)
			return hr_err_sys(err, "--criu %s", ctx->criu_path), NULL;
		return ctx->criu_path;
	}
	dirs = hr_xstrdup(
	    hr_arena_printf(arena, "%s:/usr/local/sbin:/usr/sbin:/sbin", env ? env : ""));
	for (char *d = strtok_r(dirs, ":", &save); d != NULL; d = strtok_r(NULL, ":", &save)) {
		char *path = hr_arena_printf(arena, "%s/criu", d);

		if (d[0] == '/' && access(path, X_OK) == 0)
			return path;
	}
	hr_err_set(err, ENOENT,
		   "criu not found in $PATH, /usr/sbin or /sbin (install it: apt-get install "
		   "criu; or name it with --criu PATH)");
	return NULL;
}

/* mkdir -p, the last component 0700: images hold the container's memory. */
static int make_dir(char *path, struct hr_err *err)
{
	for (char *p = path + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			int e = errno;

			*p = '/';
			return hr_err_set(err, e, "create directory %s", path);
		}
		*p = '/';
	}
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return hr_err_sys(err, "create directory %s", path);
	return 0;
}

/* An absolute path for dir (criu changes to the work directory), made if missing. */
static const char *prepare_dir(struct hr_arena *arena, const char *dir, struct hr_err *err)
{
	char cwd[PATH_MAX], *abs;
	struct stat st;

	if (dir[0] == '/') {
		abs = hr_arena_strdup(arena, dir);
	} else {
		if (getcwd(cwd, sizeof(cwd)) == NULL)
			return hr_err_sys(err, "getcwd"), NULL;
		abs = hr_arena_printf(arena, "%s/%s", cwd, dir);
	}
	if (make_dir(abs, err) < 0)
		return NULL;
	if (stat(abs, &st) < 0)
		return hr_err_sys(err, "stat %s", abs), NULL;
	if (!S_ISDIR(st.st_mode))
		return hr_err_set(err, ENOTDIR, "%s", abs), NULL;
	return abs;
}

int hr_criu_arg(struct hr_criu_cmd *cmd, struct hr_err *err, const char *fmt, ...)
{
	va_list ap;
	_cleanup_free_ char *s = NULL;

	if (cmd->argc >= HR_CRIU_MAX_ARGS)
		return hr_err_set(err, E2BIG, "criu: more than %d arguments", HR_CRIU_MAX_ARGS);
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (s == NULL)
		return hr_err_set(err, ENOMEM, "criu argument");
	cmd->argv[cmd->argc++] = hr_arena_strdup(cmd->arena, s);
	cmd->argv[cmd->argc] = NULL;
	return 0;
}

int hr_criu_inherit_fd(struct hr_criu_cmd *cmd, int fd, const char *key, struct hr_err *err)
{
	size_t max = sizeof(cmd->inherit_fds) / sizeof(cmd->inherit_fds[0]);

	if (cmd->n_inherit_fds >= max)
		return hr_err_set(err, E2BIG, "criu: more than %zu inherited fds", max);
	if (hr_criu_arg(cmd, err, "--inherit-fd=fd[%d]:%s", fd, key) < 0)
		return -1;
	cmd->inherit_fds[cmd->n_inherit_fds++] = fd;
	return 0;
}

static int add_options(struct hr_criu_cmd *cmd, const struct hr_criu_opts *opts, struct hr_err *err)
{
	const struct {
		bool on;
		const char *arg;
	} flags[] = {
	    {opts->tcp_established, "--tcp-established"},
	    {opts->ext_unix_sk, "--ext-unix-sk"},
	    {opts->shell_job, "--shell-job"},
	    {opts->file_locks, "--file-locks"},
	};

	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (flags[i].on && hr_criu_arg(cmd, err, "%s", flags[i].arg) < 0)
			return -1;
	}
	return hr_criu_arg(cmd, err, "--manage-cgroups=%s",
			   hr_criu_cgroups_name(opts->manage_cgroups));
}

int hr_criu_cmd_init(struct hr_criu_cmd *cmd, struct hr_arena *arena, const struct hr_context *ctx,
		     const char *action, const struct hr_criu_opts *opts, const char *log_name,
		     struct hr_err *err)
{
	const char *criu, *images, *work;

	memset(cmd, 0, sizeof(*cmd));
	cmd->arena = arena;
	cmd->tty_console_socket = -1;
	criu = find_criu(ctx, arena, err);
	if (criu == NULL)
		return -1;
	images = prepare_dir(arena, opts->image_path ? opts->image_path : "checkpoint", err);
	if (images == NULL)
		return hr_err_prefix(err, "--image-path");
	work = opts->work_path ? prepare_dir(arena, opts->work_path, err) : images;
	if (work == NULL)
		return hr_err_prefix(err, "--work-path");
	cmd->images = images;
	cmd->work = work;
	cmd->log = hr_arena_printf(arena, "%s/%s", work, log_name);
	if (hr_criu_arg(cmd, err, "%s", criu) < 0 || hr_criu_arg(cmd, err, "%s", action) < 0 ||
	    hr_criu_arg(cmd, err, "--images-dir=%s", images) < 0 ||
	    hr_criu_arg(cmd, err, "--work-dir=%s", work) < 0 ||
	    hr_criu_arg(cmd, err, "--log-file=%s", log_name) < 0 ||
	    hr_criu_arg(cmd, err, "-v4") < 0)
		return -1;
	return add_options(cmd, opts, err);
}

/* The first "Error (...)" line of criu's log (the cause; the last says only "FAILED"), for the
 * message; "" when none. */
static void first_error_line(const char *log, char *buf, size_t size)
{
	_cleanup_free_ char *data = NULL;
	struct hr_err ignored;
	size_t len;
	char *line, *found = NULL, *save = NULL;

	buf[0] = '\0';
	if (hr_read_file(log, 64 << 20, &data, &len, &ignored) < 0)
		return;
	for (line = strtok_r(data, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		/* criu's probe of /dev/net/tun fails harmlessly where the kernel has none */
		if (strstr(line, "Error (") != NULL && strstr(line, "Error (criu/tun.c") == NULL) {
			found = line;
			break;
		}
	}
	if (found != NULL)
		snprintf(buf, size, ": %.400s", found);
}

/* criu's child, in a mount namespace of its own: root bound onto itself read-only. */
static int readonly_root(const char *root)
{
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};

	if (mount(root, root, NULL, MS_BIND | MS_REC, NULL) < 0 ||
	    mount_setattr(AT_FDCWD, root, 0, &attr, sizeof(attr)) < 0)
		return -1;
	return 0;
}

/*
 * criu's child, in a mount namespace of its own: the new terminal (struct hr_criu_cmd,
 * tty_pts_dir). Its slave becomes HR_CRIU_TTY_FD; its master goes to the console socket.
 * Returns what failed, NULL when all went well.
 */
static const char *new_terminal(const struct hr_criu_cmd *cmd)
{
	_cleanup_close_ int master = -1, slave = -1;
	char ptmx[PATH_MAX];
	int unlock = 0, index = -1;
	struct hr_err err = {0};

	if (mount("devpts", cmd->tty_pts_dir, "devpts", MS_NOSUID | MS_NOEXEC,
		  cmd->tty_devpts_data) < 0)
		return "mount a devpts instance";
	snprintf(ptmx, sizeof(ptmx), "%s/ptmx", cmd->tty_pts_dir);
	master = open(ptmx, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return "open its ptmx";
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0 || ioctl(master, TIOCGPTN, &index) < 0)
		return "unlock its first pty";
	/* the console's external mount names pty 0 */
	if (index != 0)
		return (errno = EEXIST), "its first pty is not pty 0";
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY);
	if (slave < 0)
		return "open the pty's slave";
	if (dup2(slave, HR_CRIU_TTY_FD) < 0)
		return "hand the pty's slave to criu";
	if (hr_console_socket_send(cmd->tty_console_socket, master, &err) < 0)
		return (errno = err.errnum), "send the pty's master to the console socket";
	return NULL;
}

static void exec_criu(struct hr_criu_cmd *cmd, const struct hr_cgroup_handle *cg)
{
	struct hr_err err = {0};
	const char *why;

	if (cg != NULL && cg->path != NULL && hr_cgroup_enter(cg, getpid(), &err) < 0) {
		dprintf(STDERR_FILENO, "hardrun: criu: %s\n", err.msg);
		_exit(126);
	}
	for (size_t i = 0; i < cmd->n_inherit_fds; i++) {
		if (fcntl(cmd->inherit_fds[i], F_SETFD, 0) < 0) {
			dprintf(STDERR_FILENO, "hardrun: criu: keep fd %d open: %s\n",
				cmd->inherit_fds[i], strerror(errno));
			_exit(126);
		}
	}
	if ((cmd->readonly_root != NULL || cmd->tty_pts_dir != NULL) &&
	    (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)) {
		dprintf(STDERR_FILENO, "hardrun: criu: a mount namespace of its own: %s\n",
			strerror(errno));
		_exit(126);
	}
	if (cmd->readonly_root != NULL && readonly_root(cmd->readonly_root) < 0) {
		dprintf(STDERR_FILENO, "hardrun: criu: bind the rootfs %s read-only: %s\n",
			cmd->readonly_root, strerror(errno));
		_exit(126);
	}
	if (cmd->tty_pts_dir != NULL && (why = new_terminal(cmd)) != NULL) {
		dprintf(STDERR_FILENO, "hardrun: criu: the terminal on %s: %s: %s\n",
			cmd->tty_pts_dir, why, strerror(errno));
		_exit(126);
	}
	if (cmd->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		dprintf(STDERR_FILENO, "hardrun: criu: set no_new_privs: %s\n", strerror(errno));
		_exit(126);
	}
	execv(cmd->argv[0], (char *const *)cmd->argv);
	dprintf(STDERR_FILENO, "hardrun: execute %s: %s\n", cmd->argv[0], strerror(errno));
	_exit(127);
}

int hr_criu_run(struct hr_criu_cmd *cmd, const struct hr_cgroup_handle *cg, struct hr_err *err)
{
	char why[512];
	int status;
	pid_t pid, r;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return hr_err_sys(err, "fork for criu %s", cmd->argv[1]);
	if (pid == 0)
		exec_criu(cmd, cg);
	do
		r = waitpid(pid, &status, 0);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return hr_err_sys(err, "wait for criu %s", cmd->argv[1]);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	first_error_line(cmd->log, why, sizeof(why));
	if (WIFSIGNALED(status))
		return hr_err_set(err, 0, "criu %s killed by signal %d (its log: %s)%s",
				  cmd->argv[1], WTERMSIG(status), cmd->log, why);
	return hr_err_set(err, 0, "criu %s failed with status %d (its log: %s)%s", cmd->argv[1],
			  WEXITSTATUS(status), cmd->log, why);
}
