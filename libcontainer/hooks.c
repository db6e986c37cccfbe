/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"

static char *const empty_env[] = {NULL};

_Noreturn static void exec_hook(const struct hr_hook *hook, int state_fd)
{
	int fd = (int)fcntl(state_fd, F_DUPFD_CLOEXEC, 3);

	/* hooks run one after another, so rewinding the shared offset is enough */
	if (fd < 0 || lseek(fd, 0, SEEK_SET) < 0 || dup2(fd, STDIN_FILENO) < 0)
		_exit(127);
	signal(SIGPIPE, SIG_DFL);
	execve(hook->path, hook->args ? hook->args : (char *[]){hook->path, NULL},
	       hook->env ? hook->env : empty_env);
	_exit(127);
}

static int wait_hook(pid_t pid, int timeout_s, int *status, struct hr_err *err)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	int timeout_ms = timeout_s > 0 ? timeout_s * 1000 : -1;

	if (pidfd >= 0) {
		struct pollfd p = {.fd = pidfd, .events = POLLIN};
		int r;

		do
			r = poll(&p, 1, timeout_ms);
		while (r < 0 && errno == EINTR);
		close(pidfd);
		if (r == 0) {
			kill(pid, SIGKILL);
			waitpid(pid, status, 0);
			return hr_err_set(err, ETIMEDOUT, "timed out after %d s", timeout_s);
		}
	}
	while (waitpid(pid, status, 0) < 0) {
		if (errno != EINTR)
			return hr_err_sys(err, "wait");
	}
	return 0;
}

static int run_one(const struct hr_hook *hook, int state_fd, struct hr_err *err)
{
	int status = 0;
	pid_t pid = fork();

	if (pid < 0)
		return hr_err_sys(err, "fork");
	if (pid == 0)
		exec_hook(hook, state_fd);
	if (wait_hook(pid, hook->has_timeout ? hook->timeout : 0, &status, err) < 0)
		return -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFSIGNALED(status))
		return hr_err_set(err, ECANCELED, "killed by signal %d", WTERMSIG(status));
	if (WEXITSTATUS(status) == 127)
		return hr_err_set(err, ENOENT, "could not be executed (exit status 127)");
	return hr_err_set(err, ECANCELED, "exited with status %d", WEXITSTATUS(status));
}

int hr_hook_run(const struct hr_hook_list *hooks, enum hr_hook_kind kind, size_t i, int state_fd,
		struct hr_err *err)
{
	const struct hr_hook *hook = &hooks[kind].items[i];

	if (run_one(hook, state_fd, err) < 0)
		return hr_err_prefix(err, "%s hook #%zu (%s)", hr_hook_kind_name(kind), i,
				     hook->path);
	return 0;
}

int hr_hooks_run(const struct hr_hook_list *hooks, enum hr_hook_kind kind, int state_fd,
		 struct hr_err *err)
{
	for (size_t i = 0; i < hooks[kind].len; i++) {
		if (hr_hook_run(hooks, kind, i, state_fd, err) < 0)
			return -1;
	}
	return 0;
}

int hr_memfd_with(const char *name, const char *text, struct hr_err *err)
{
	_cleanup_close_ int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	size_t len = strlen(text);

	if (fd < 0)
		return hr_err_sys(err, "memfd_create %s", name);
	if (write(fd, text, len) != (ssize_t)len)
		return hr_err_sys(err, "write %s", name);
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0)
		return hr_err_sys(err, "seal %s", name);
	return steal_fd(&fd);
}
