/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tmpcopyup (libcontainer/copyup.c) for real: a source tree in /tmp copied into a new,
 * detached tmpfs (fsmount(2), never attached anywhere), then read back through the mount's
 * fd. Root only: run as non-root these tests fail with "needs root", they never skip.
 *
 * They belong to the rootfs suite's root_* tests (the child side of the rootfs, root only,
 * not run under valgrind, which does not emulate fsopen(2) nor openat2(2)), in a file of
 * their own so that test_rootfs.c stays small; each has its own fixture.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"
#include "libcontainer/copyup.h"

static char base[PATH_MAX];
static char src[PATH_MAX];
static struct hr_err err;

static void setup(void)
{
	if (geteuid() != 0)
		cr_assert_fail("needs root: these tests create a tmpfs and files of other owners");
	strcpy(base, "/tmp/hr-copyup-XXXXXX");
	cr_assert_not_null(mkdtemp(base));
	snprintf(src, sizeof(src), "%s/src", base);
	cr_assert_eq(mkdir(src, 0755), 0);
}

static void teardown(void)
{
	if (base[0] != '\0')
		hrt_rm_tree(base);
}

#define COPYUP_TEST(name)                                                                          \
	Test(rootfs, root_copyup_##name, .init = setup, .fini = teardown, .timeout = 60)

static char *at(const char *fmt, ...)
{
	static char bufs[4][PATH_MAX];
	static int next;
	char *buf = bufs[next++ % 4];
	int n = snprintf(buf, PATH_MAX, "%s/", src);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf + n, PATH_MAX - (size_t)n, fmt, ap);
	va_end(ap);
	return buf;
}

static void make_file(const char *rel, const char *content, mode_t mode, uid_t uid, gid_t gid)
{
	int fd = open(at("%s", rel), O_WRONLY | O_CREAT | O_EXCL, 0600);

	cr_assert_geq(fd, 0, "create %s: %s", rel, strerror(errno));
	cr_assert_eq(write(fd, content, strlen(content)), (ssize_t)strlen(content));
	cr_assert_eq(fchown(fd, uid, gid), 0);
	cr_assert_eq(fchmod(fd, mode), 0);
	close(fd);
}

static void set_mtime(const char *rel, time_t sec)
{
	struct timespec ts[2] = {{.tv_sec = sec, .tv_nsec = 0}, {.tv_sec = sec, .tv_nsec = 123}};

	cr_assert_eq(utimensat(AT_FDCWD, at("%s", rel), ts, AT_SYMLINK_NOFOLLOW), 0, "%s: %s", rel,
		     strerror(errno));
}

/* A new tmpfs, detached: only the returned fd reaches it. */
static int new_tmpfs(const char *size)
{
	int fs = fsopen("tmpfs", FSOPEN_CLOEXEC), mnt;

	cr_assert_geq(fs, 0, "fsopen: %s", strerror(errno));
	cr_assert_eq(fsconfig(fs, FSCONFIG_SET_STRING, "size", size, 0), 0);
	cr_assert_eq(fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0), 0);
	mnt = fsmount(fs, FSMOUNT_CLOEXEC, 0);
	cr_assert_geq(mnt, 0, "fsmount: %s", strerror(errno));
	close(fs);
	return mnt;
}

static int copy_src(int mnt, unsigned int flags)
{
	int fd = open(src, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int r;

	cr_assert_geq(fd, 0);
	r = hr_copyup(fd, mnt, flags, "/data", &err);
	close(fd);
	return r;
}

static struct stat stat_in(int mnt, const char *rel)
{
	struct stat st;

	cr_assert_eq(fstatat(mnt, rel, &st, AT_SYMLINK_NOFOLLOW), 0, "%s in the tmpfs: %s", rel,
		     strerror(errno));
	return st;
}

static void expect_meta(int mnt, const char *rel, mode_t type, mode_t mode, uid_t uid, gid_t gid)
{
	struct stat st = stat_in(mnt, rel);

	cr_expect_eq(st.st_mode & S_IFMT, type, "%s: type %o", rel, st.st_mode & S_IFMT);
	if (type != S_IFLNK)
		cr_expect_eq(st.st_mode & 07777, mode, "%s: mode %o, want %o", rel,
			     st.st_mode & 07777, mode);
	cr_expect_eq(st.st_uid, uid, "%s: uid %u", rel, st.st_uid);
	cr_expect_eq(st.st_gid, gid, "%s: gid %u", rel, st.st_gid);
}

static void expect_content(int mnt, const char *rel, const char *want)
{
	char buf[256] = {0};
	int fd = openat(mnt, rel, O_RDONLY | O_NOFOLLOW);

	cr_assert_geq(fd, 0, "open %s in the tmpfs: %s", rel, strerror(errno));
	cr_expect_eq(read(fd, buf, sizeof(buf) - 1), (ssize_t)strlen(want));
	cr_expect_str_eq(buf, want, "%s", rel);
	close(fd);
}

static void expect_link(int mnt, const char *rel, const char *want)
{
	char buf[PATH_MAX];
	ssize_t n = readlinkat(mnt, rel, buf, sizeof(buf) - 1);

	cr_assert_geq(n, 0, "readlink %s in the tmpfs: %s", rel, strerror(errno));
	buf[n] = '\0';
	cr_expect_str_eq(buf, want, "%s", rel);
}

static void make_socket(const char *rel)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	cr_assert_geq(fd, 0);
	cr_assert_lt(strlen(at("%s", rel)), sizeof(sa.sun_path));
	strcpy(sa.sun_path, at("%s", rel));
	cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0, "%s", strerror(errno));
	close(fd);
}

static void make_tree(void)
{
	cr_assert_eq(mkdir(at("sub"), 0750), 0);
	make_file("sub/file", "hello\n", 0640, 1001, 1001);
	make_file("suid", "#!/bin/true\n", 04755, 0, 0);
	make_file("hard1", "linked\n", 0644, 0, 0);
	cr_assert_eq(link(at("hard1"), at("hard2")), 0);
	cr_assert_eq(symlink("sub/file", at("link")), 0);
	cr_assert_eq(symlink("/etc", at("evil")), 0);
	cr_assert_eq(symlink("/../../../etc/passwd", at("abs")), 0);
	cr_assert_eq(lchown(at("link"), 1002, 1003), 0);
	cr_assert_eq(mkdir(at("empty"), 0711), 0);
	cr_assert_eq(chown(at("empty"), 1003, 1004), 0);
	cr_assert_eq(mkdir(at("locked"), 0700), 0);
	make_file("locked/inner", "inside\n", 0600, 0, 0);
	cr_assert_eq(chmod(at("locked"), 0500), 0);
	cr_assert_eq(mkfifo(at("fifo"), 0600), 0);
	cr_assert_eq(chmod(at("fifo"), 0620), 0);
	cr_assert_eq(mknod(at("null"), S_IFCHR | 0600, makedev(1, 3)), 0);
	cr_assert_eq(chmod(at("null"), 0666), 0);
	make_socket("sock");
	set_mtime("sub/file", 1000000000);
	set_mtime("link", 1100000000);
	set_mtime("sub", 1200000000);
	cr_assert_eq(chown(src, 1005, 1006), 0);
	cr_assert_eq(chmod(src, 0750), 0);
	set_mtime("", 1300000000);
}

COPYUP_TEST(copies_every_type_with_mode_owner_and_times)
{
	int mnt = new_tmpfs("4m");

	make_tree();
	cr_assert_eq(copy_src(mnt, HR_COPYUP_ROOT_UID | HR_COPYUP_ROOT_GID), 0, "%s", err.msg);

	expect_meta(mnt, "sub/file", S_IFREG, 0640, 1001, 1001);
	expect_content(mnt, "sub/file", "hello\n");
	cr_expect_eq(stat_in(mnt, "sub/file").st_mtim.tv_sec, 1000000000);
	cr_expect_eq(stat_in(mnt, "sub/file").st_mtim.tv_nsec, 123);
	expect_meta(mnt, "sub", S_IFDIR, 0750, 0, 0);
	cr_expect_eq(stat_in(mnt, "sub").st_mtim.tv_sec, 1200000000, "a directory's time, last");
	expect_meta(mnt, "suid", S_IFREG, 04755, 0, 0);
	expect_content(mnt, "hard2", "linked\n");
	cr_expect_neq(stat_in(mnt, "hard1").st_ino, stat_in(mnt, "hard2").st_ino);

	expect_meta(mnt, "link", S_IFLNK, 0, 1002, 1003);
	expect_link(mnt, "link", "sub/file");
	cr_expect_eq(stat_in(mnt, "link").st_mtim.tv_sec, 1100000000);
	/* copied as they are: never followed to the host */
	expect_link(mnt, "evil", "/etc");
	expect_link(mnt, "abs", "/../../../etc/passwd");

	expect_meta(mnt, "empty", S_IFDIR, 0711, 1003, 1004);
	expect_meta(mnt, "locked", S_IFDIR, 0500, 0, 0);
	expect_content(mnt, "locked/inner", "inside\n");
	expect_meta(mnt, "fifo", S_IFIFO, 0620, 0, 0);
	expect_meta(mnt, "null", S_IFCHR, 0666, 0, 0);
	cr_expect_eq(stat_in(mnt, "null").st_rdev, makedev(1, 3));
	cr_expect_eq(faccessat(mnt, "sock", F_OK, AT_SYMLINK_NOFOLLOW), -1, "a socket is skipped");

	/* the root of the tmpfs: the source's owner and times */
	expect_meta(mnt, ".", S_IFDIR, 01777, 1005, 1006);
	cr_expect_eq(stat_in(mnt, ".").st_mtim.tv_sec, 1300000000);
	close(mnt);
}

COPYUP_TEST(uid_and_gid_options_keep_the_root_owner)
{
	int mnt = new_tmpfs("1m");

	cr_assert_eq(chown(src, 1005, 1006), 0);
	cr_assert_eq(copy_src(mnt, HR_COPYUP_ROOT_GID), 0, "%s", err.msg);
	expect_meta(mnt, ".", S_IFDIR, 01777, 0, 1006);
	close(mnt);
}

COPYUP_TEST(a_large_file_is_copied_whole)
{
	static char big[300000];
	int mnt = new_tmpfs("4m"), fd;
	struct stat st;

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	fd = open(at("big"), O_WRONLY | O_CREAT, 0644);
	cr_assert_eq(write(fd, big, sizeof(big)), (ssize_t)sizeof(big));
	close(fd);
	cr_assert_eq(copy_src(mnt, 0), 0, "%s", err.msg);
	st = stat_in(mnt, "big");
	cr_assert_eq(st.st_size, (off_t)sizeof(big));
	fd = openat(mnt, "big", O_RDONLY);
	cr_assert_geq(fd, 0);
	cr_assert_eq(lseek(fd, 299999, SEEK_SET), 299999);
	cr_assert_eq(read(fd, big, 1), 1);
	cr_assert_eq(big[0], (char)('a' + 299999 % 26));
	close(fd);
	close(mnt);
}

/* d/d/.../d, levels deep (the levels that exist are kept). */
static void nest(int levels)
{
	char rel[PATH_MAX] = "";

	for (int i = 0; i < levels; i++) {
		strcat(rel, i == 0 ? "d" : "/d");
		cr_assert(mkdir(at("%s", rel), 0755) == 0 || errno == EEXIST);
	}
}

COPYUP_TEST(the_depth_is_bounded)
{
	int mnt = new_tmpfs("1m");

	nest(HR_COPYUP_MAX_DEPTH);
	cr_assert_eq(copy_src(mnt, 0), 0, "%d levels: %s", HR_COPYUP_MAX_DEPTH, err.msg);
	close(mnt);
	mnt = new_tmpfs("1m");
	nest(HR_COPYUP_MAX_DEPTH + 1);
	cr_assert_lt(copy_src(mnt, 0), 0);
	cr_assert(strstr(err.msg, "tmpcopyup /data/d/d/d/") == err.msg, "%s", err.msg);
	cr_assert(strstr(err.msg, "/d into the tmpfs at /data: more than 64 nested directories") !=
		      NULL,
		  "%s", err.msg);
	cr_assert_eq(strstr(err.msg, " into") - err.msg,
		     (ptrdiff_t)strlen("tmpcopyup /data") + 2 * (HR_COPYUP_MAX_DEPTH + 1),
		     "the message names the 65th directory: %s", err.msg);
	close(mnt);
}

COPYUP_TEST(an_error_names_the_entry_the_tmpfs_and_the_cause)
{
	static char big[200000];
	int mnt = new_tmpfs("64k"), fd;

	cr_assert_eq(mkdir(at("sub"), 0755), 0);
	fd = open(at("sub/big"), O_WRONLY | O_CREAT, 0644);
	cr_assert_eq(write(fd, big, sizeof(big)), (ssize_t)sizeof(big));
	close(fd);
	cr_assert_lt(copy_src(mnt, 0), 0);
	cr_assert_eq(err.errnum, ENOSPC);
	cr_assert_str_eq(err.msg, "tmpcopyup /data/sub/big into the tmpfs at /data: copy the "
				  "content: No space left on device");
	close(mnt);
}

/* In a child with a mount namespace of its own: returns 0 when every check held. */
static int copy_with_a_mount_below(int mnt)
{
	struct stat st;
	int fd;

	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return 10;
	if (mount("tmpfs", at("mnt"), "tmpfs", 0, "size=1m") < 0)
		return 11;
	fd = open(at("mnt/on-the-mount"), O_WRONLY | O_CREAT, 0644);
	if (fd < 0)
		return 12;
	close(fd);
	fd = open(src, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || hr_copyup(fd, mnt, 0, "/data", &err) < 0)
		return 13;
	if (fstatat(mnt, "mnt", &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode))
		return 14;
	if (faccessat(mnt, "mnt/on-the-mount", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return 15;
	if (faccessat(mnt, "beside", F_OK, AT_SYMLINK_NOFOLLOW) < 0)
		return 16;
	return 0;
}

COPYUP_TEST(another_mount_below_the_source_is_not_entered)
{
	int mnt = new_tmpfs("1m"), status;
	pid_t pid;

	cr_assert_eq(mkdir(at("mnt"), 0755), 0);
	make_file("beside", "x", 0644, 0, 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0)
		_exit(copy_with_a_mount_below(mnt));
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %d", status);
	close(mnt);
}
