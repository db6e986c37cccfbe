/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The seccomp recorder: a least-privilege profile from what a container does (seccomp_record.h). */
#include "seccomp_record.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "json.h"
#include "seccomp.h"
#include "seccomp_filter.h"

/* Every system call, of every architecture, goes to the recorder. */
static struct sock_filter record_insns[] = {
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
};
static const struct hr_seccomp_program record_program = {
    .filter = record_insns,
    .len = 1,
    .flags = SECCOMP_FILTER_FLAG_NEW_LISTENER,
};

const struct hr_seccomp_program *hr_seccomp_record_program(void)
{
	return &record_program;
}

/* How long the recorder looks for the listener once the init said it is coming. */
#define LISTENER_WAIT_MS 10000
/* Distinct (architecture, number) pairs kept: far more than any kernel has. */
#define MAX_CALLS 8192

struct call {
	uint32_t arch;
	int nr;
};

struct recording {
	struct call *calls;
	size_t n;
	size_t notifications;
};

int hr_recorder_prepare(struct hr_recorder *rec, const char *path, struct hr_err *err)
{
	char dir[PATH_MAX], resolved[PATH_MAX];
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;

	memset(rec, 0, sizeof(*rec));
	rec->ready[0] = rec->ready[1] = -1;
	if (*base == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return hr_err_set(err, EINVAL, "--seccomp-record %s: not a file name", path);
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) + (slash == path) : 1,
		 slash ? path : ".");
	if (realpath(dir, resolved) == NULL)
		return hr_err_sys(err, "--seccomp-record %s: directory %s", path, dir);
	if ((size_t)snprintf(rec->path, sizeof(rec->path), "%s/%s",
			     strcmp(resolved, "/") == 0 ? "" : resolved, base) >= sizeof(rec->path))
		return hr_err_set(err, ENAMETOOLONG, "--seccomp-record %s", path);
	if (pipe2(rec->ready, O_CLOEXEC) < 0)
		return hr_err_sys(err, "create the seccomp recorder's pipe");
	return 0;
}

/* The listener the init holds: the fd of /proc/PID/fd that links to a seccomp notifier. */
static int grab_listener(pid_t init, int pidfd)
{
	char path[64];

	for (int waited = 0; waited < LISTENER_WAIT_MS; waited++) {
		_cleanup_dir_ DIR *fds = NULL;
		struct dirent *de;
		const struct timespec ms = {0, 1000000};

		snprintf(path, sizeof(path), "/proc/%d/fd", (int)init);
		fds = opendir(path);
		if (fds == NULL)
			return -1;
		while ((de = readdir(fds)) != NULL) {
			char link[64], target[64];
			ssize_t n;

			if (de->d_name[0] == '.')
				continue;
			snprintf(link, sizeof(link), "%s/%s", path, de->d_name);
			n = readlink(link, target, sizeof(target) - 1);
			if (n < 0)
				continue;
			target[n] = '\0';
			if (strcmp(target, "anon_inode:seccomp notify") == 0)
				return (int)syscall(SYS_pidfd_getfd, pidfd, atoi(de->d_name), 0);
		}
		nanosleep(&ms, NULL);
	}
	errno = ETIMEDOUT;
	return -1;
}

static void note_call(struct recording *r, uint32_t arch, int nr)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->calls[i].arch == arch && r->calls[i].nr == nr)
			return;
	if (r->n < MAX_CALLS)
		r->calls[r->n++] = (struct call){arch, nr};
}

/* Notes one notification and lets the call go on; ENOENT: its caller died meanwhile. */
static int answer(int listener, struct recording *r)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;

	memset(&req, 0, sizeof(req));
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
		return errno == EINTR || errno == ENOENT ? 0 : -1;
	r->notifications++;
	note_call(r, req.data.arch, req.data.nr);
	memset(&resp, 0, sizeof(resp));
	resp.id = req.id;
	resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
		return -1;
	return 0;
}

/*
 * Answers every notification with "continue" until no process uses the filter (POLLHUP). The
 * kernel releases a filter only when its last user is reaped, and a detached container's init
 * is reaped by whoever adopted it, maybe never: with a PID namespace of its own, the init's
 * exit is the end (the kernel has killed and reaped every other process of the namespace
 * before the init's pidfd reports it), and what is still queued is read first.
 */
static int record(int listener, int pidfd, struct recording *r)
{
	struct pollfd pfd[2] = {{.fd = listener, .events = POLLIN},
				{.fd = pidfd, .events = POLLIN}};
	bool init_gone = false;

	for (;;) {
		if (poll(pfd, pidfd >= 0 ? 2 : 1, init_gone ? 0 : -1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (pfd[0].revents & POLLIN) {
			if (answer(listener, r) < 0)
				return -1;
			continue;
		}
		if (pfd[0].revents != 0 || init_gone)
			return pfd[0].revents & (POLLERR | POLLNVAL) ? -1 : 0;
		init_gone = pidfd >= 0 && (pfd[1].revents & POLLIN);
	}
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The profile as JSON: the seen architectures, the names sorted and without duplicates. */
static char *profile_json(const struct recording *r, size_t *len)
{
	_cleanup_yajl_gen_ yajl_gen g = hr_jgen_new(true);
	char **names = hr_xcalloc(r->n + 1, sizeof(*names));
	uint32_t arches[16];
	size_t n_names = 0, n_arches = 0;
	char *out;

	for (size_t i = 0; i < r->n; i++) {
		size_t a = 0;
		char *name = seccomp_syscall_resolve_num_arch(r->calls[i].arch, r->calls[i].nr);

		while (a < n_arches && arches[a] != r->calls[i].arch)
			a++;
		if (a == n_arches && n_arches < 16 && hr_seccomp_arch_name(r->calls[i].arch))
			arches[n_arches++] = r->calls[i].arch;
		if (name == NULL)
			fprintf(stderr,
				"hardrun: seccomp recorder: system call %d of architecture "
				"0x%x has no name in libseccomp: not in the profile\n",
				r->calls[i].nr, r->calls[i].arch);
		else
			names[n_names++] = name;
	}
	qsort(names, n_names, sizeof(*names), compare_names);
	yajl_gen_map_open(g);
	hr_jgen_kv_str(g, "defaultAction", "SCMP_ACT_ERRNO");
	hr_jgen_kv_u64(g, "defaultErrnoRet", EPERM);
	hr_jgen_key(g, "architectures");
	yajl_gen_array_open(g);
	for (size_t a = 0; a < n_arches; a++)
		hr_jgen_str(g, hr_seccomp_arch_name(arches[a]));
	yajl_gen_array_close(g);
	hr_jgen_key(g, "syscalls");
	yajl_gen_array_open(g);
	yajl_gen_map_open(g);
	hr_jgen_key(g, "names");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < n_names; i++)
		if (i == 0 || strcmp(names[i], names[i - 1]) != 0)
			hr_jgen_str(g, names[i]);
	yajl_gen_array_close(g);
	hr_jgen_kv_str(g, "action", "SCMP_ACT_ALLOW");
	yajl_gen_map_close(g);
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	for (size_t i = 0; i < n_names; i++)
		free(names[i]);
	free(names);
	out = hr_jgen_dup(g, true, len);
	return out;
}

/* path written whole or not at all: a temporary file beside it, then rename. */
static int write_profile(const char *path, const char *text, size_t len)
{
	char tmp[PATH_MAX + 32];
	_cleanup_close_ int fd = -1;
	int r = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	for (size_t off = 0; off < len && r == 0;) {
		ssize_t n = write(fd, text + off, len - off);

		if (n < 0 && errno != EINTR)
			r = -1;
		off += n > 0 ? (size_t)n : 0;
	}
	if (r == 0 && (fsync(fd) < 0 || rename(tmp, path) < 0))
		r = -1;
	if (r < 0)
		unlink(tmp);
	return r;
}

_Noreturn static void recorder_main(const struct hr_recorder *rec, pid_t init, int pidfd)
{
	struct recording r = {.calls = hr_xcalloc(MAX_CALLS, sizeof(struct call))};
	_cleanup_free_ char *text = NULL;
	size_t len;
	char byte;
	int listener;

	/* the init's signal to say the filter is coming; EOF: it failed or was killed first */
	if (read(rec->ready[0], &byte, 1) != 1)
		_exit(3);
	listener = grab_listener(init, pidfd);
	if (listener < 0) {
		fprintf(stderr, "hardrun: seccomp recorder: take the listener of %d: %s\n",
			(int)init, strerror(errno));
		kill(init, SIGKILL); /* it waits for an answer that would never come */
		_exit(1);
	}
	close(rec->ready[0]);
	if (record(listener, rec->own_pid_ns ? pidfd : -1, &r) < 0) {
		fprintf(stderr, "hardrun: seccomp recorder: %s\n", strerror(errno));
		_exit(1);
	}
	text = profile_json(&r, &len);
	if (write_profile(rec->path, text, len) < 0) {
		fprintf(stderr, "hardrun: seccomp recorder: write %s: %s\n", rec->path,
			strerror(errno));
		_exit(1);
	}
	_exit(0);
}

/* The recorder keeps the pipe's read end, the init's pidfd and maybe stderr; nothing else. */
static void recorder_fds(struct hr_recorder *rec, int *pidfd, bool keep_stderr)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	close(rec->ready[1]);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		if (!keep_stderr)
			dup2(null, STDERR_FILENO);
	}
	/* 3 and 4, in an order that never closes the other */
	if (rec->ready[0] != 3) {
		if (*pidfd == 3)
			*pidfd = fcntl(*pidfd, F_DUPFD_CLOEXEC, 5);
		dup2(rec->ready[0], 3);
		rec->ready[0] = 3;
	}
	dup2(*pidfd, 4);
	*pidfd = 4;
	syscall(SYS_close_range, 5, ~0U, 0);
}

int hr_recorder_start(struct hr_recorder *rec, pid_t init, int init_pidfd, bool keep_stderr,
		      struct hr_err *err)
{
	pid_t pid = fork();

	if (pid < 0)
		return hr_err_sys(err, "fork the seccomp recorder");
	if (pid == 0) {
		int pidfd = init_pidfd;

		/* a terminal's signals for the foreground run are not for the recorder */
		setsid();
		signal(SIGPIPE, SIG_IGN);
		recorder_fds(rec, &pidfd, keep_stderr);
		recorder_main(rec, init, pidfd);
	}
	rec->pid = pid;
	close(rec->ready[0]);
	rec->ready[0] = -1;
	return 0;
}

int hr_recorder_wait(struct hr_recorder *rec, struct hr_err *err)
{
	int status;

	if (rec->pid <= 0)
		return 0;
	while (waitpid(rec->pid, &status, 0) < 0)
		if (errno != EINTR)
			return hr_err_sys(err, "wait for the seccomp recorder");
	rec->pid = 0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return hr_err_set(err, EIO, "the seccomp recorder wrote no profile to %s",
				  rec->path);
	return 0;
}

void hr_recorder_close(struct hr_recorder *rec)
{
	for (int i = 0; i < 2; i++)
		if (rec->ready[i] >= 0)
			close(rec->ready[i]);
	rec->ready[0] = rec->ready[1] = -1;
}
