/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "paths.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cleanup.h"
#include "resolve_walk.h"

/* As the kernel's MAXSYMLINKS: a loop of dangling symlinks ends with ELOOP. */
#define HR_MAX_SYMLINKS 40

/* Whether openat2 can be used: 1 it has worked, -1 it cannot, 0 not known yet. */
static int openat2_usable;

static long sys_openat2(int dirfd, const char *path, int flags, mode_t mode, uint64_t resolve)
{
	struct open_how how = {
	    .flags = (uint64_t)(unsigned)flags,
	    .mode = (flags & (O_CREAT | __O_TMPFILE)) ? mode : 0,
	    .resolve = resolve,
	};

	return syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}

/*
 * After a failure with errno: whether it says openat2 itself is missing (ENOSYS) or refused
 * by a seccomp filter (EPERM for a lookup of "/" too), rather than something about the path.
 */
static bool openat2_unavailable(void)
{
	long fd;

	if (openat2_usable > 0 || (errno != ENOSYS && errno != EPERM))
		return false;
	if (errno == EPERM) {
		fd = sys_openat2(AT_FDCWD, "/", O_PATH | O_CLOEXEC, 0, 0);
		if (fd >= 0 || errno != EPERM) {
			if (fd >= 0)
				close((int)fd);
			openat2_usable = 1;
			errno = EPERM;
			return false;
		}
	}
	openat2_usable = -1;
	return true;
}

int hr_openat2(int dirfd, const char *path, int flags, mode_t mode, uint64_t resolve)
{
	long fd;

	if (openat2_usable >= 0) {
		fd = sys_openat2(dirfd, path, flags, mode, resolve);
		if (fd >= 0) {
			openat2_usable = 1;
			return (int)fd;
		}
		if (!openat2_unavailable())
			return -1;
	}
	return hr_resolve_walk(dirfd, path, flags, mode, resolve);
}

int hr_path_open_in_root(int root_fd, const char *path, int flags, uint64_t extra_resolve)
{
	while (*path == '/')
		path++;
	if (*path == '\0')
		path = ".";
	return hr_openat2(root_fd, path, flags | O_CLOEXEC, 0,
			  RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | extra_resolve);
}

static int open_dir(int root_fd, const char *path)
{
	return hr_path_open_in_root(root_fd, path, O_PATH | O_DIRECTORY, 0);
}

/*
 * buf[start..] is a component (NUL-terminated by the caller) that does not resolve: create it
 * in its parent. Returns 0 when it now exists (or may: the caller looks again), 1 when it is a
 * dangling symlink whose target was stored in link, -1 with errno on failure.
 */
static int create_component(int root_fd, char *buf, size_t start, mode_t mode, char *link,
			    size_t link_size)
{
	_cleanup_close_ int parent = -1;
	char c = buf[start];
	ssize_t n;

	buf[start] = '\0';
	parent = open_dir(root_fd, buf);
	buf[start] = c;
	if (parent < 0)
		return -1;
	if (mkdirat(parent, buf + start, mode) == 0)
		return 0;
	if (errno != EEXIST)
		return -1;
	n = readlinkat(parent, buf + start, link, link_size - 1);
	if (n < 0)
		return errno == EINVAL ? 0 : -1; /* not a symlink: created meanwhile, look again */
	link[n] = '\0';
	return 1;
}

/* Replaces buf with the dangling symlink's target followed by what came after it. */
static int substitute_link(char *buf, size_t size, size_t start, const char *link, const char *rest)
{
	char tmp[PATH_MAX];
	int n;

	if (link[0] == '/')
		n = snprintf(tmp, sizeof(tmp), "%s/%s", link, rest);
	else
		n = snprintf(tmp, sizeof(tmp), "%.*s%s/%s", (int)start, buf, link, rest);
	if (n < 0 || (size_t)n >= sizeof(tmp) || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, tmp, (size_t)n + 1);
	return 0;
}

int hr_path_mkdir_all(int root_fd, const char *path, mode_t mode, struct hr_err *err)
{
	char buf[PATH_MAX], link[PATH_MAX];
	size_t pos = 0;
	int links = 0, fd;

	if (strlen(path) >= sizeof(buf))
		return hr_err_set(err, ENAMETOOLONG, "create directory %s", path);
	/* most destinations exist: one lookup, no walk (any failure walks, for its message) */
	fd = open_dir(root_fd, path);
	if (fd >= 0)
		return fd;
	memcpy(buf, path, strlen(path) + 1);
	for (;;) {
		size_t start = pos, end;
		char saved;
		int r;

		while (buf[start] == '/')
			start++;
		if (buf[start] == '\0')
			break;
		for (end = start; buf[end] != '\0' && buf[end] != '/'; end++)
			;
		saved = buf[end];
		buf[end] = '\0';
		fd = open_dir(root_fd, buf);
		if (fd >= 0) {
			close(fd);
			buf[end] = saved;
			pos = end;
			continue;
		}
		if (errno != ENOENT)
			return hr_err_sys(err, "create directory %s: open %s", path, buf);
		r = create_component(root_fd, buf, start, mode, link, sizeof(link));
		if (r < 0)
			return hr_err_sys(err, "create directory %s: mkdir %s", path, buf);
		buf[end] = saved;
		if (r == 0)
			continue;
		if (++links > HR_MAX_SYMLINKS)
			return hr_err_set(err, ELOOP, "create directory %s", path);
		if (substitute_link(buf, sizeof(buf), start, link, saved ? buf + end + 1 : "") < 0)
			return hr_err_sys(err, "create directory %s: follow symlink", path);
		pos = 0;
	}
	fd = open_dir(root_fd, path);
	if (fd < 0)
		return hr_err_sys(err, "create directory %s: open", path);
	return fd;
}

int hr_path_create_file(int root_fd, const char *path, mode_t mode, struct hr_err *err)
{
	char parent[PATH_MAX];
	const char *slash;
	int fd;

	fd = hr_path_open_in_root(root_fd, path, O_PATH, 0);
	if (fd >= 0 || errno != ENOENT)
		return fd >= 0 ? fd : hr_err_sys(err, "create file %s: open", path);
	slash = strrchr(path, '/');
	if (slash != NULL && slash != path) {
		if ((size_t)(slash - path) >= sizeof(parent))
			return hr_err_set(err, ENAMETOOLONG, "create file %s", path);
		memcpy(parent, path, (size_t)(slash - path));
		parent[slash - path] = '\0';
		fd = hr_path_mkdir_all(root_fd, parent, 0755, err);
		if (fd < 0)
			return hr_err_prefix(err, "create file %s", path);
		close(fd);
	}
	while (*path == '/')
		path++;
	/* O_NONBLOCK: a FIFO appearing there meanwhile must not block the open */
	fd = hr_openat2(root_fd, path, O_CREAT | O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, mode,
			RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
	if (fd < 0)
		return hr_err_sys(err, "create file %s", path);
	close(fd);
	fd = hr_path_open_in_root(root_fd, path, O_PATH, 0);
	if (fd < 0)
		return hr_err_sys(err, "create file %s: open", path);
	return fd;
}

int hr_path_clean_relative(struct hr_arena *arena, const char *what, const char *path,
			   bool allow_root, char **out, struct hr_err *err)
{
	size_t len = strlen(path), n = 0;
	char *res = hr_arena_alloc(arena, len + 1);
	const char *p = path;

	while (*p != '\0') {
		const char *e;
		size_t cl;

		while (*p == '/')
			p++;
		e = p;
		while (*e != '\0' && *e != '/')
			e++;
		cl = (size_t)(e - p);
		if (cl == 2 && p[0] == '.' && p[1] == '.')
			return hr_err_set(err, EINVAL, "%s %s: \"..\" is not allowed", what, path);
		if (cl > 0 && !(cl == 1 && p[0] == '.')) {
			if (n > 0)
				res[n++] = '/';
			memcpy(res + n, p, cl);
			n += cl;
		}
		p = e;
	}
	res[n] = '\0';
	if (n == 0 && !allow_root)
		return hr_err_set(err, EINVAL, "%s %s: the root itself is not allowed", what, path);
	*out = res;
	return 0;
}

void hr_path_split(struct hr_arena *arena, const char *rel, char **parent, char **name)
{
	const char *slash = strrchr(rel, '/');

	if (slash == NULL) {
		*parent = hr_arena_strdup(arena, "");
		*name = hr_arena_strdup(arena, rel);
		return;
	}
	*parent = hr_arena_strndup(arena, rel, (size_t)(slash - rel));
	*name = hr_arena_strdup(arena, slash + 1);
}

int hr_path_bundle_rootfs(const char *bundle, const char *root_path, char *out, struct hr_err *err)
{
	char path[PATH_MAX];

	if (root_path[0] == '/')
		snprintf(path, sizeof(path), "%s", root_path);
	else if ((size_t)snprintf(path, sizeof(path), "%s/%s", bundle, root_path) >= sizeof(path))
		return hr_err_set(err, ENAMETOOLONG, "root.path in bundle %s", bundle);
	if (realpath(path, out) == NULL)
		return hr_err_sys(err, "root.path %s", path);
	return 0;
}

ssize_t hr_path_read_small(const char *path, char *buf, size_t size)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	do
		n = read(fd, buf, size - 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

/* The next component of p that is not empty nor ".", and its length. */
static const char *next_component(const char *p, size_t *len)
{
	for (;;) {
		while (*p == '/')
			p++;
		*len = strcspn(p, "/");
		if (*len != 1 || p[0] != '.')
			return p;
		p++;
	}
}

int hr_path_compare(const char *a, const char *b)
{
	for (;;) {
		size_t la, lb;
		int r;

		a = next_component(a, &la);
		b = next_component(b, &lb);
		r = memcmp(a, b, la < lb ? la : lb);
		if (r != 0)
			return r;
		if (la != lb)
			return la < lb ? -1 : 1;
		if (la == 0)
			return 0;
		a += la;
		b += lb;
	}
}
