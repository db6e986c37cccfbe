/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tmpcopyup (copyup.h): a recursive copy from fds to fds, without allocating. Every entry of
 * the source is looked at with statx(AT_SYMLINK_NOFOLLOW) in its directory's fd and opened
 * with O_NOFOLLOW there, so a symlink of the rootfs is copied, never followed, and no path of
 * the rootfs is resolved again once the caller has resolved the source in the root.
 */
#include "copyup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "fdio.h"
#include "cleanup.h"
#include "paths.h"

#define COPY_CHUNK ((size_t)1 << 30)

#define HR_STR_(x) #x
#define HR_STR(x)  HR_STR_(x)

struct copyup {
	char path[PATH_MAX]; /* the entry being copied, for messages: "/run/foo" */
	size_t len;
	const char *dest; /* the tmpfs's destination: "run" */
	uint64_t mnt_id;  /* the source's mount: directories on other mounts are not entered */
	struct hr_err *err;
};

/* The message names the entry, the tmpfs and the operation; errno gives the cause. */
static int fail(struct copyup *c, const char *op)
{
	return hr_err_sys(c->err, "tmpcopyup %.512s into the tmpfs at /%s: %s", c->path, c->dest,
			  op);
}

/* A failure errno does not describe (errnum 0: no cause appended). */
static int fail_with(struct copyup *c, int errnum, const char *what)
{
	return hr_err_set(c->err, errnum, "tmpcopyup %.512s into the tmpfs at /%s: %s", c->path,
			  c->dest, what);
}

/* Appends "/name" to the path of messages, cut when too long; returns the length to restore. */
static size_t push(struct copyup *c, const char *name)
{
	size_t saved = c->len, room = sizeof(c->path) - c->len;
	int n = snprintf(c->path + c->len, room, "/%s", name);

	if (n > 0)
		c->len += (size_t)n < room ? (size_t)n : room - 1;
	return saved;
}

static void pop(struct copyup *c, size_t saved)
{
	c->len = saved;
	c->path[saved] = '\0';
}

static void times_of(const struct statx *stx, struct timespec ts[2])
{
	ts[0].tv_sec = stx->stx_atime.tv_sec;
	ts[0].tv_nsec = stx->stx_atime.tv_nsec;
	ts[1].tv_sec = stx->stx_mtime.tv_sec;
	ts[1].tv_nsec = stx->stx_mtime.tv_nsec;
}

/* Owner, then mode (a chown clears the set-id bits), then times, on an fd of the copy. */
static int set_meta_fd(struct copyup *c, int fd, const struct statx *stx)
{
	struct timespec ts[2];

	if (fchown(fd, stx->stx_uid, stx->stx_gid) < 0)
		return fail(c, "chown");
	if (fchmod(fd, stx->stx_mode & 07777) < 0)
		return fail(c, "chmod");
	times_of(stx, ts);
	if (futimens(fd, ts) < 0)
		return fail(c, "set the times");
	return 0;
}

/* The same for a symlink or a node, by name in its directory (the private, detached tmpfs). */
static int set_meta_at(struct copyup *c, int dir, const char *name, const struct statx *stx)
{
	struct timespec ts[2];

	if (fchownat(dir, name, stx->stx_uid, stx->stx_gid, AT_SYMLINK_NOFOLLOW) < 0)
		return fail(c, "chown");
	if (!S_ISLNK(stx->stx_mode) && fchmodat(dir, name, stx->stx_mode & 07777, 0) < 0)
		return fail(c, "chmod");
	times_of(stx, ts);
	if (utimensat(dir, name, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return fail(c, "set the times");
	return 0;
}

/*
 * copy_file_range, else sendfile, else read/write: the first two fail with EXDEV, EINVAL...
 * between some filesystems. copy_file_range also reports 0 for files whose size is not known
 * in advance, so its 0 is confirmed by the next method before it counts as the end.
 */
static int copy_data(int in, int out)
{
	char buf[16384];
	int method = 0;

	for (;;) {
		ssize_t n;

		if (method == 0)
			n = copy_file_range(in, NULL, out, NULL, COPY_CHUNK, 0);
		else if (method == 1)
			n = sendfile(out, in, NULL, COPY_CHUNK);
		else
			n = read(in, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if ((n == 0 && method == 0) || (n < 0 && method < 2 &&
						(errno == EXDEV || errno == EINVAL ||
						 errno == ENOSYS || errno == EOPNOTSUPP))) {
			method++;
			continue;
		}
		if (n <= 0)
			return (int)n;
		if (method == 2 && hr_write_all(out, buf, (size_t)n) < 0)
			return -1;
	}
}

static int copy_file(struct copyup *c, int src_dir, int dst_dir, const char *name)
{
	_cleanup_close_ int in = -1, out = -1;
	struct statx stx;

	in = openat(src_dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (in < 0)
		return fail(c, "open");
	if (statx(in, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx) < 0)
		return fail(c, "stat");
	if (!S_ISREG(stx.stx_mode))
		return fail_with(c, 0, "not a regular file any more");
	out = openat(dst_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0)
		return fail(c, "create");
	if (copy_data(in, out) < 0)
		return fail(c, "copy the content");
	return set_meta_fd(c, out, &stx);
}

static int copy_symlink(struct copyup *c, int src_dir, int dst_dir, const char *name,
			const struct statx *stx)
{
	char target[PATH_MAX];
	ssize_t n = readlinkat(src_dir, name, target, sizeof(target));

	if (n < 0)
		return fail(c, "readlink");
	if ((size_t)n >= sizeof(target))
		return fail_with(c, ENAMETOOLONG, "readlink");
	target[n] = '\0';
	if (symlinkat(target, dst_dir, name) < 0)
		return fail(c, "create the symlink");
	return set_meta_at(c, dst_dir, name, stx);
}

/* FIFOs and device nodes (in a user namespace, mknod of a device fails: an error). */
static int copy_node(struct copyup *c, int dst_dir, const char *name, const struct statx *stx)
{
	dev_t rdev = makedev(stx->stx_rdev_major, stx->stx_rdev_minor);

	if (mknodat(dst_dir, name, (stx->stx_mode & S_IFMT) | 0600,
		    S_ISFIFO(stx->stx_mode) ? 0 : rdev) < 0)
		return fail(c, "mknod");
	return set_meta_at(c, dst_dir, name, stx);
}

static int copy_dir(struct copyup *c, int src, int dst, unsigned int depth);

/* A directory on another mount (the root of a mount below the source) is created, empty. */
static int copy_subdir(struct copyup *c, int src_dir, int dst_dir, const char *name,
		       unsigned int depth)
{
	_cleanup_close_ int in = -1, out = -1;
	struct statx stx;

	if (depth >= HR_COPYUP_MAX_DEPTH)
		return fail_with(c, 0,
				 "more than " HR_STR(HR_COPYUP_MAX_DEPTH) " nested directories");
	in = openat(src_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0)
		return fail(c, "open");
	if (statx(in, "", AT_EMPTY_PATH, STATX_BASIC_STATS | STATX_MNT_ID, &stx) < 0)
		return fail(c, "stat");
	if (mkdirat(dst_dir, name, 0700) < 0)
		return fail(c, "mkdir");
	out = openat(dst_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (out < 0)
		return fail(c, "open the copy");
	if (stx.stx_mnt_id == c->mnt_id && copy_dir(c, in, out, depth + 1) < 0)
		return -1;
	/* last: the mode may forbid writing, and every entry made changed the times */
	return set_meta_fd(c, out, &stx);
}

static int copy_entry(struct copyup *c, int src_dir, int dst_dir, const char *name,
		      unsigned int depth)
{
	size_t saved = push(c, name);
	struct statx stx;
	int r;

	if (statx(src_dir, name, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, STATX_BASIC_STATS, &stx) <
	    0) {
		r = fail(c, "stat");
	} else if (S_ISREG(stx.stx_mode)) {
		r = copy_file(c, src_dir, dst_dir, name);
	} else if (S_ISDIR(stx.stx_mode)) {
		r = copy_subdir(c, src_dir, dst_dir, name, depth);
	} else if (S_ISLNK(stx.stx_mode)) {
		r = copy_symlink(c, src_dir, dst_dir, name, &stx);
	} else if (S_ISFIFO(stx.stx_mode) || S_ISCHR(stx.stx_mode) || S_ISBLK(stx.stx_mode)) {
		r = copy_node(c, dst_dir, name, &stx);
	} else {
		r = 0; /* a socket: nothing listens on a copy */
	}
	pop(c, saved);
	return r;
}

/* getdents64 into a stack buffer rather than readdir: nothing is allocated at any depth. */
static int copy_dir(struct copyup *c, int src, int dst, unsigned int depth)
{
	char buf[2048] __attribute__((aligned(8)));

	for (;;) {
		ssize_t n = getdents64(src, buf, sizeof(buf));

		if (n < 0)
			return fail(c, "read the directory");
		if (n == 0)
			return 0;
		for (ssize_t off = 0; off < n;) {
			const struct dirent64 *de = (const struct dirent64 *)(buf + off);
			const char *name = de->d_name;

			off += de->d_reclen;
			if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
				continue;
			if (copy_entry(c, src, dst, name, depth) < 0)
				return -1;
		}
	}
}

static int set_root_meta(struct copyup *c, int root, const struct statx *stx, unsigned int flags)
{
	uid_t uid = (flags & HR_COPYUP_ROOT_UID) ? stx->stx_uid : (uid_t)-1;
	gid_t gid = (flags & HR_COPYUP_ROOT_GID) ? stx->stx_gid : (gid_t)-1;
	struct timespec ts[2];

	if ((uid != (uid_t)-1 || gid != (gid_t)-1) && fchown(root, uid, gid) < 0)
		return fail(c, "chown");
	times_of(stx, ts);
	if (futimens(root, ts) < 0)
		return fail(c, "set the times");
	return 0;
}

int hr_copyup(int src, int mnt, unsigned int flags, const char *dest, struct hr_err *err)
{
	_cleanup_close_ int in = -1, out = -1;
	struct copyup c = {.dest = dest, .err = err};
	struct statx stx;

	while (*c.dest == '/')
		c.dest++;
	pop(&c, 0);
	push(&c, c.dest);
	/* src itself, readable: "" is the root of the resolution, so nothing is looked up */
	in = hr_path_open_in_root(src, "", O_RDONLY | O_DIRECTORY, 0);
	if (in < 0)
		return fail(&c, "open");
	if (statx(in, "", AT_EMPTY_PATH, STATX_BASIC_STATS | STATX_MNT_ID, &stx) < 0)
		return fail(&c, "stat");
	if (!(stx.stx_mask & STATX_MNT_ID))
		return fail_with(&c, ENOTSUP, "statx gives no mount id");
	c.mnt_id = stx.stx_mnt_id;
	out = openat(mnt, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (out < 0)
		return fail(&c, "open the tmpfs");
	if (copy_dir(&c, in, out, 0) < 0)
		return -1;
	return set_root_meta(&c, out, &stx, flags);
}
