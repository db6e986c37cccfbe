/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_TEST_CHILD_HARNESS_H
#define HR_TEST_CHILD_HARNESS_H

/*
 * Running test code in a child process, for what must not happen in the test process itself
 * (credential changes, seccomp filters, execve).
 *
 * A child is a fresh image of the unit-test binary, not a plain fork: a forked copy of a
 * criterion worker carries criterion's heap, which valgrind (make check-valgrind, which follows
 * children) reports as lost when the child exits. The test forks and executes this binary with
 * HR_TEST_CHILD=<case>; a constructor in the test file runs that case before criterion's main,
 * writes its report to HR_TEST_REPORT_FD and exits: status 0 and an empty report mean success,
 * otherwise the report says what went wrong. HR_TEST_ARG passes one string (a temp dir, ...).
 * A case frees what it allocates before returning (arenas with _cleanup_arena_).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libcontainer/arena.h"

#define HRC_REPORT_FD 100

typedef int (*hrc_fn)(const char *arg, char *msg, size_t size);

struct hrc_case {
	const char *name;
	hrc_fn fn;
};

static inline void hrc_arena_freep(struct hr_arena *arena)
{
	hr_arena_free(arena);
}
#define _cleanup_arena_ __attribute__((cleanup(hrc_arena_freep)))

__attribute__((format(printf, 3, 4))) static inline int hrc_fail(char *msg, size_t size,
								 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, size, fmt, ap);
	va_end(ap);
	return -1;
}

/* Called from a constructor of each test file: runs the case named in the environment. */
static inline void hrc_dispatch(const struct hrc_case *cases, size_t n)
{
	const char *name = getenv("HR_TEST_CHILD");
	const char *arg = getenv("HR_TEST_ARG");
	char msg[2048] = "";
	int rc;

	if (name == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(cases[i].name, name) != 0)
			continue;
		fcntl(HRC_REPORT_FD, F_SETFD, FD_CLOEXEC);
		rc = cases[i].fn(arg != NULL ? arg : "", msg, sizeof(msg));
		if (write(HRC_REPORT_FD, msg, strlen(msg)) < 0)
			rc = -1;
		_exit(rc == 0 ? 0 : 1);
	}
}

/* Makes fd available as target across execve. */
static inline int move_fd(int fd, int target)
{
	if (fd == target)
		return fcntl(fd, F_SETFD, 0);
	return dup2(fd, target);
}

/* Starts case name in a child; its report comes on *report_fd. stdin_fd (or -1) becomes 0. */
static inline pid_t hrc_start(const char *name, const char *arg, int stdin_fd, int *report_fd)
{
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	int p[2];
	pid_t pid;

	cr_assert_gt(len, 0);
	exe[len] = '\0';
	cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		/* dup2 onto itself would keep O_CLOEXEC: the test process may have fds up to 100.
		 */
		if (move_fd(p[1], HRC_REPORT_FD) < 0 ||
		    (stdin_fd >= 0 && move_fd(stdin_fd, 0) < 0) ||
		    setenv("HR_TEST_CHILD", name, 1) < 0 || setenv("HR_TEST_ARG", arg, 1) < 0)
			_exit(126);
		execl(exe, exe, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	*report_fd = p[0];
	return pid;
}

/* Reads the report of a child started with hrc_start and returns its wait status. */
static inline int hrc_finish(pid_t pid, int report_fd, char *out, size_t size)
{
	size_t len = 0;
	ssize_t n;
	int status;

	while (len + 1 < size && (n = read(report_fd, out + len, size - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	close(report_fd);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	return status;
}

static inline int hrc_run(const char *name, const char *arg, char *out, size_t size)
{
	int fd;
	pid_t pid = hrc_start(name, arg, -1, &fd);

	return hrc_finish(pid, fd, out, size);
}

/* Runs a case that must succeed; returns (in out) what it reported. */
static inline void hrc_expect(const char *name, const char *arg, char *out, size_t size)
{
	int status = hrc_run(name, arg, out, size);

	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "child %s failed (status 0x%x): %s", name, status, out);
}

static inline void hrc_expect_ok(const char *name, const char *arg)
{
	char out[2048];

	hrc_expect(name, arg, out, sizeof(out));
	cr_assert_str_empty(out, "child %s: %s", name, out);
}

/* The value of "Key:" in /proc/self/status, without the surrounding blanks. */
static inline int hrc_status_field(const char *key, char *out, size_t size)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[512];
	size_t klen = strlen(key);
	int rc = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *v = line + klen + 1;
		size_t len;

		if (strncmp(line, key, klen) != 0 || line[klen] != ':')
			continue;
		v += strspn(v, " \t");
		len = strlen(v);
		while (len > 0 && (v[len - 1] == '\n' || v[len - 1] == ' '))
			v[--len] = '\0';
		snprintf(out, size, "%s", v);
		rc = 0;
		break;
	}
	fclose(f);
	return rc;
}

static inline int hrc_expect_field(const char *key, const char *want, char *msg, size_t size)
{
	char got[256];

	if (hrc_status_field(key, got, sizeof(got)) < 0)
		return hrc_fail(msg, size, "no %s in /proc/self/status", key);
	if (strcmp(got, want) != 0)
		return hrc_fail(msg, size, "%s: got \"%s\", want \"%s\"", key, got, want);
	return 0;
}

static inline void hrc_require_root(void)
{
	if (geteuid() != 0)
		cr_assert_fail("needs root (CI runs the unit tests as root)");
}

#endif
