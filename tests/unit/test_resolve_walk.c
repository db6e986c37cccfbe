/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hr_resolve_walk, openat2's stand-in, against a tree of hostile symlinks: each lookup must
 * reach the file openat2 reaches (named here, relative to the root) or fail as it fails. The
 * same table goes through hr_openat2, which uses the real syscall where it can, so that both
 * are held to one set of answers.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"
#include "libcontainer/paths.h"
#include "libcontainer/resolve_walk.h"

static char dir[] = "/tmp/hr-walk-XXXXXX";
static char root_path[PATH_MAX];
static int root = -1;

static void make(const char *kind, const char *path, const char *target)
{
	char full[PATH_MAX];
	int fd;

	snprintf(full, sizeof(full), "%s/%s", root_path, path);
	if (strcmp(kind, "dir") == 0)
		cr_assert_eq(mkdir(full, 0755), 0, "mkdir %s: %s", full, strerror(errno));
	else if (strcmp(kind, "file") == 0) {
		fd = open(full, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
		cr_assert_geq(fd, 0, "create %s: %s", full, strerror(errno));
		close(fd);
	} else
		cr_assert_eq(symlink(target, full), 0, "symlink %s: %s", full, strerror(errno));
}

/*
 * DIR/root is the root; DIR/etc/passwd, outside it, is what an escape would reach: every
 * escaping symlink below names "etc/passwd" so that a walk that leaves the root finds it.
 */
static void setup(void)
{
	char outside[PATH_MAX];
	int fd;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(outside, sizeof(outside), "%s/etc", dir);
	cr_assert_eq(mkdir(outside, 0755), 0);
	snprintf(outside, sizeof(outside), "%s/etc/passwd.outside", dir);
	fd = open(outside, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	cr_assert_geq(fd, 0);
	close(fd);
	snprintf(root_path, sizeof(root_path), "%s/root", dir);
	cr_assert_eq(mkdir(root_path, 0755), 0);
	make("dir", "etc", NULL);
	make("file", "etc/passwd", NULL);
	make("dir", "dir", NULL);
	make("dir", "dir/sub", NULL);
	make("file", "file", NULL);
	make("link", "abs", "/etc");
	make("link", "rel", "../../../../../etc");
	make("link", "dir/up", "../../..");
	make("link", "dir/sub/self", ".");
	make("link", "loop", "loop");
	make("link", "to_file", "dir/../etc/passwd");
	make("link", "to_abs_file", "/etc/passwd");
	make("link", "dangling", "/made-by-open");
	make("link", "empty_chain", "abs/");
	make("link", "proc_like", "/proc/self/root/etc");
	root = open(root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(root, 0);
}

static void teardown(void)
{
	close(root);
	hrt_rm_tree(dir);
	strcpy(dir, "/tmp/hr-walk-XXXXXX");
}

struct lookup {
	const char *path;
	int flags;
	uint64_t resolve;
	const char *expect; /* the file reached, relative to the root ("." the root), or NULL */
	int error;	    /* the errno when expect is NULL */
};

#define IN_ROOT (RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)
#define BENEATH (RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)

static const struct lookup lookups[] = {
    {"etc/passwd", O_RDONLY, IN_ROOT, "etc/passwd", 0},
    {"/etc/passwd", O_RDONLY, IN_ROOT, "etc/passwd", 0},
    {"../../../etc/passwd", O_RDONLY, IN_ROOT, "etc/passwd", 0},
    {"abs/passwd", O_RDONLY, IN_ROOT, "etc/passwd", 0},
    {"rel/passwd", O_RDONLY, IN_ROOT, "etc/passwd", 0},
    {"dir/up/etc/passwd", O_RDONLY, IN_ROOT, "etc/passwd", 0},
    {"dir/sub/self/self/../../etc/passwd", O_RDONLY, IN_ROOT, "etc/passwd", 0},
    {"to_file", O_RDONLY, IN_ROOT, "etc/passwd", 0},
    {"to_abs_file", O_RDONLY, IN_ROOT, "etc/passwd", 0},
    {"empty_chain/passwd", O_RDONLY, IN_ROOT, "etc/passwd", 0},
    {"proc_like/passwd", O_RDONLY, IN_ROOT, NULL, ENOENT},
    {"to_file", O_PATH | O_NOFOLLOW, IN_ROOT, "to_file", 0},
    {"to_file", O_RDONLY | O_NOFOLLOW, IN_ROOT, NULL, ELOOP},
    {"", O_PATH, IN_ROOT, NULL, ENOENT},
    {"/", O_PATH | O_DIRECTORY, IN_ROOT, ".", 0},
    {".", O_PATH, IN_ROOT, ".", 0},
    {"..", O_PATH, IN_ROOT, ".", 0},
    {"dir/sub/", O_PATH, IN_ROOT, "dir/sub", 0},
    {"dir/sub/..", O_PATH, IN_ROOT, "dir", 0},
    {"abs", O_PATH | O_DIRECTORY, IN_ROOT, "etc", 0},
    {"loop", O_RDONLY, IN_ROOT, NULL, ELOOP},
    {"loop/x", O_RDONLY, IN_ROOT, NULL, ELOOP},
    {"file/x", O_RDONLY, IN_ROOT, NULL, ENOTDIR},
    {"file/", O_RDONLY, IN_ROOT, NULL, ENOTDIR},
    {"etc/passwd", O_RDONLY | O_DIRECTORY, IN_ROOT, NULL, ENOTDIR},
    {"missing/x", O_RDONLY, IN_ROOT, NULL, ENOENT},
    {"abs/passwd", O_RDONLY, IN_ROOT | RESOLVE_NO_SYMLINKS, NULL, ELOOP},
    {"to_file", O_RDONLY, IN_ROOT | RESOLVE_NO_SYMLINKS, NULL, ELOOP},
    {"etc/passwd", O_RDONLY, IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV, "etc/passwd", 0},
    {"etc/passwd", O_RDONLY, BENEATH, "etc/passwd", 0},
    {"dir/sub/../../etc/passwd", O_RDONLY, BENEATH, "etc/passwd", 0},
    {"../etc/passwd", O_RDONLY, BENEATH, NULL, EXDEV},
    {"/etc/passwd", O_RDONLY, BENEATH, NULL, EXDEV},
    {"abs/passwd", O_RDONLY, BENEATH, NULL, EXDEV},
    {"dir/up/etc", O_PATH, BENEATH, NULL, EXDEV},
    {"to_file", O_RDONLY, BENEATH, "etc/passwd", 0},
};

typedef int (*opener)(int, const char *, int, mode_t, uint64_t);

static void check_all(opener open_fn, const char *name)
{
	for (size_t i = 0; i < sizeof(lookups) / sizeof(lookups[0]); i++) {
		const struct lookup *l = &lookups[i];
		struct stat got, want;
		int fd = open_fn(root, l->path, l->flags | O_CLOEXEC, 0, l->resolve);
		int error = errno;

		if (l->expect == NULL) {
			cr_assert_lt(fd, 0, "%s(\"%s\", resolve %#llx): opened, expected %s", name,
				     l->path, (unsigned long long)l->resolve, strerror(l->error));
			cr_assert_eq(error, l->error, "%s(\"%s\"): %s, expected %s", name, l->path,
				     strerror(error), strerror(l->error));
			continue;
		}
		cr_assert_geq(fd, 0, "%s(\"%s\", resolve %#llx): %s", name, l->path,
			      (unsigned long long)l->resolve, strerror(error));
		cr_assert_eq(fstat(fd, &got), 0);
		close(fd);
		cr_assert_eq(fstatat(root, l->expect, &want, AT_SYMLINK_NOFOLLOW), 0);
		cr_assert(got.st_dev == want.st_dev && got.st_ino == want.st_ino,
			  "%s(\"%s\") reached another file than %s", name, l->path, l->expect);
	}
}

TestSuite(resolve_walk, .init = setup, .fini = teardown);

Test(resolve_walk, stays_in_the_root_as_openat2_does)
{
	check_all(hr_resolve_walk, "hr_resolve_walk");
}

Test(resolve_walk, openat2_gives_the_same_answers)
{
	check_all(hr_openat2, "hr_openat2");
}

Test(resolve_walk, creates_in_the_root_through_a_dangling_symlink)
{
	char outside[PATH_MAX];
	struct stat st;
	int fd;

	fd = hr_resolve_walk(root, "dangling", O_CREAT | O_WRONLY | O_CLOEXEC, 0600, IN_ROOT);
	cr_assert_geq(fd, 0, "create through dangling: %s", strerror(errno));
	close(fd);
	cr_assert_eq(fstatat(root, "made-by-open", &st, AT_SYMLINK_NOFOLLOW), 0);
	cr_assert(S_ISREG(st.st_mode));
	cr_assert_eq(st.st_mode & 07777, 0600);
	snprintf(outside, sizeof(outside), "/made-by-open");
	cr_assert_neq(stat(outside, &st), 0, "a file was created outside the root");
	fd = hr_resolve_walk(root, "dir/new", O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644,
			     IN_ROOT);
	cr_assert_geq(fd, 0);
	close(fd);
	cr_assert_eq(fstatat(root, "dir/new", &st, 0), 0);
	cr_assert_lt(hr_resolve_walk(root, "dir/new", O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644,
				     IN_ROOT),
		     0);
	cr_assert_eq(errno, EEXIST);
}

Test(resolve_walk, refuses_what_it_cannot_emulate)
{
	cr_assert_lt(hr_resolve_walk(root, "etc", O_PATH, 0, 0), 0);
	cr_assert_eq(errno, ENOSYS);
	cr_assert_lt(hr_resolve_walk(root, "etc", O_PATH, 0, RESOLVE_IN_ROOT | RESOLVE_CACHED), 0);
	cr_assert_eq(errno, ENOSYS);
}

Test(resolve_walk, leaks_no_fd)
{
	int before = dup(0), after;

	close(before);
	check_all(hr_resolve_walk, "hr_resolve_walk");
	after = dup(0);
	close(after);
	cr_assert_eq(after, before, "the walk left fds open (next free fd %d, was %d)", after,
		     before);
}

/* hr_path_compare (paths.c): the order mount destinations are compared and sorted in. */
Test(paths, compare_by_components)
{
	cr_assert_eq(hr_path_compare("/app/temp", "/app/temp"), 0);
	cr_assert_eq(hr_path_compare("//app/./temp/", "/app/temp"), 0);
	cr_assert_eq(hr_path_compare("app/temp", "/app/temp"), 0);
	cr_assert_eq(hr_path_compare("/", "//./"), 0);
	cr_assert_neq(hr_path_compare("/app/../temp", "/temp"), 0);
	cr_assert_lt(hr_path_compare("/app", "/app/temp"), 0);
	cr_assert_gt(hr_path_compare("/app/temp", "/app"), 0);
	cr_assert_lt(hr_path_compare("/a/b", "/ab"), 0);
	cr_assert_lt(hr_path_compare("/data", "/data2"), 0);
	cr_assert_gt(hr_path_compare("/tmp", "/sys/fs"), 0);
}
