/* SPDX-License-Identifier: GPL-2.0-or-later */
/* procfs: hardrun's own procfs, and what it refuses to follow. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "child_harness.h"
#include "libcontainer/procfs.h"

static int read_all(int fd, char *buf, size_t size)
{
	ssize_t n = read(fd, buf, size - 1);

	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

static bool fsopen_works(void)
{
	int fd = fsopen("proc", FSOPEN_CLOEXEC);

	if (fd < 0)
		return errno != ENOSYS;
	close(fd);
	return true;
}

static int write_file(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, value, strlen(value));
	close(fd);
	return n == (ssize_t)strlen(value) ? 0 : -1;
}

Test(procfs, the_handle_is_a_procfs_root_and_self_is_the_caller)
{
	struct hr_err err = {0};
	int proc = hr_procfs_handle(&err);
	char buf[4096], want[64];
	struct statfs sfs;
	struct stat st;
	int fd;

	cr_assert_geq(proc, 0, "%s", err.msg);
	cr_assert_eq(fstatfs(proc, &sfs), 0);
	cr_assert_eq(sfs.f_type, PROC_SUPER_MAGIC);
	cr_assert_eq(fstat(proc, &st), 0);
	cr_assert_eq(st.st_ino, 1);
	/* root can make a procfs of its own (the tests run as root), where the kernel has fsopen:
	 * valgrind 3.19 does not know it and takes /proc */
	if (fsopen_works())
		cr_assert_str_eq(hr_procfs_handle_kind(), "fsmount");
	else
		cr_assert_str_eq(hr_procfs_handle_kind(), "/proc");
	cr_assert_eq(hr_procfs_handle(&err), proc, "one handle per process");
	fd = hr_procfs_open("self/status", O_RDONLY, &err);
	cr_assert_geq(fd, 0, "%s", err.msg);
	cr_assert_eq(read_all(fd, buf, sizeof(buf)), 0);
	snprintf(want, sizeof(want), "\nPid:\t%d\n", (int)getpid());
	cr_assert_not_null(strstr(buf, want), "%s", buf);
	fd = hr_procfs_open("thread-self/comm", O_RDONLY, &err);
	cr_assert_geq(fd, 0, "%s", err.msg);
	close(fd);
	hr_procfs_release();
	cr_assert_str_eq(hr_procfs_handle_kind(), "none");
}

Test(procfs, refuses_symlinks_magic_links_and_escapes)
{
	static const char *const bad[] = {
	    "mounts",		     /* a symlink to self/mounts */
	    "self/root/etc/passwd",  /* a magic link to the process's root */
	    "self/cwd",		     /* another */
	    "self/fd/0",	     /* and another */
	    "../etc/passwd",	     /* out of the procfs */
	    "self/../../etc/passwd", /* the same, further down */
	    "/etc/passwd",	     /* absolute */
	};
	struct hr_err err = {0};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int fd = hr_procfs_open(bad[i], O_RDONLY, &err);

		cr_expect_lt(fd, 0, "%s was opened", bad[i]);
		if (fd >= 0)
			close(fd);
		else
			cr_expect_not_null(strstr(err.msg, bad[i]), "%s: %s", bad[i], err.msg);
	}
}

/*
 * CVE-2025-52881's class: a mount over a procfs file of *another* procfs file passes a check of
 * the file system type, and the write meant for one lands in the other. In a mount namespace
 * of its own, the child binds /proc/sys/kernel/hostname over /proc/sys/kernel/domainname:
 * /proc's path now reads the hostname; hardrun's procfs still reads the domain name. (A build
 * whose hr_procfs_handle returns open("/proc") fails here: the open is refused with EXDEV; one
 * that also drops the mount check reads the hostname and fails the comparison.) Without fsopen
 * (valgrind 3.19), /proc is the handle and the open must fail with EXDEV.
 */
static int child_covered(const char *arg, char *msg, size_t size)
{
	struct utsname u;
	struct hr_err err = {0};
	char via_path[256], via_handle[256];
	int fd;

	(void)arg;
	if (unshare(CLONE_NEWNS | CLONE_NEWUTS) < 0 ||
	    mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0)
		return hrc_fail(msg, size, "unshare: %s", strerror(errno));
	/* through /proc/sys: valgrind 3.19 does not know setdomainname(2) */
	if (write_file("/proc/sys/kernel/hostname", "the-host-name") < 0 ||
	    write_file("/proc/sys/kernel/domainname", "the-domain") < 0)
		return hrc_fail(msg, size, "set names: %s", strerror(errno));
	if (mount("/proc/sys/kernel/hostname", "/proc/sys/kernel/domainname", "none", MS_BIND,
		  NULL) < 0)
		return hrc_fail(msg, size, "bind: %s", strerror(errno));
	fd = open("/proc/sys/kernel/domainname", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read_all(fd, via_path, sizeof(via_path)) < 0)
		return hrc_fail(msg, size, "read through /proc: %s", strerror(errno));
	if (strcmp(via_path, "the-host-name\n") != 0)
		return hrc_fail(msg, size, "the cover did not take: %s", via_path);
	fd = hr_procfs_open("sys/kernel/domainname", O_RDONLY, &err);
	/* where /proc itself is the handle (no fsopen: valgrind 3.19), the cover is refused */
	if (strcmp(hr_procfs_handle_kind(), "/proc") == 0 && !fsopen_works()) {
		if (fd >= 0 || err.errnum != EXDEV)
			return hrc_fail(msg, size, "through /proc: fd %d, %s", fd, err.msg);
		hr_procfs_release();
		return 0;
	}
	if (fd < 0)
		return hrc_fail(msg, size, "%s", err.msg);
	if (read_all(fd, via_handle, sizeof(via_handle)) < 0)
		return hrc_fail(msg, size, "read: %s", strerror(errno));
	if (uname(&u) < 0 || strncmp(via_handle, u.domainname, strlen(u.domainname)) != 0 ||
	    strcmp(via_handle, "the-domain\n") != 0)
		return hrc_fail(msg, size, "hardrun's procfs read \"%s\", not the domain name",
				via_handle);
	hr_procfs_release();
	return 0;
}

Test(procfs, cve_2025_52881_a_covered_file_is_never_the_one_written)
{
	hrc_expect_ok("procfs/covered", "");
}

static const struct hrc_case procfs_cases[] = {
    {"procfs/covered", child_covered},
};

__attribute__((constructor)) static void procfs_children(void)
{
	hrc_dispatch(procfs_cases, sizeof(procfs_cases) / sizeof(procfs_cases[0]));
}
