/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A procfs nothing can have redirected (see procfs.h). */
#include "procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cleanup.h"
#include "paths.h"

/* The root directory of every procfs instance. */
#define PROC_ROOT_INO 1

static int handle_fd = -1;
static pid_t handle_pid;
static uint64_t handle_mnt_id;
static const char *handle_kind = "none";

static int fresh_instance(void)
{
	_cleanup_close_ int fs = fsopen("proc", FSOPEN_CLOEXEC);

	if (fs < 0)
		return -1;
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -1;
	return fsmount(fs, FSMOUNT_CLOEXEC,
		       MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
}

static uint64_t mount_id(int fd)
{
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &stx) < 0 ||
	    !(stx.stx_mask & STATX_MNT_ID))
		return 0;
	return stx.stx_mnt_id;
}

/* fd is the root of a procfs, or the error says what it is instead. */
static int check_root(int fd, const char *kind, struct hr_err *err)
{
	struct statfs sfs;
	struct stat st;

	if (fstatfs(fd, &sfs) < 0 || fstat(fd, &st) < 0)
		return hr_err_sys(err, "procfs handle (%s): stat", kind);
	if (sfs.f_type != PROC_SUPER_MAGIC || st.st_ino != PROC_ROOT_INO)
		return hr_err_set(err, EXDEV,
				  "procfs handle (%s): not the root of a procfs (type 0x%lx, "
				  "inode %lu)",
				  kind, (unsigned long)sfs.f_type, (unsigned long)st.st_ino);
	return 0;
}

int hr_procfs_handle(struct hr_err *err)
{
	int fd;

	if (handle_fd >= 0 && handle_pid == getpid())
		return handle_fd;
	/* a child's copy of its parent's handle: of the parent's PID namespace, maybe */
	if (handle_fd >= 0)
		close(handle_fd);
	handle_fd = -1;
	if ((fd = fresh_instance()) >= 0) {
		handle_kind = "fsmount";
	} else if ((fd = open_tree(AT_FDCWD, "/proc", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC)) >= 0) {
		handle_kind = "clone of /proc";
	} else {
		fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			return hr_err_sys(err, "open /proc");
		handle_kind = "/proc";
	}
	if (check_root(fd, handle_kind, err) < 0) {
		close(fd);
		return -1;
	}
	handle_fd = fd;
	handle_pid = getpid();
	handle_mnt_id = mount_id(fd);
	return handle_fd;
}

void hr_procfs_release(void)
{
	if (handle_fd >= 0)
		close(handle_fd);
	handle_fd = -1;
	handle_kind = "none";
}

const char *hr_procfs_handle_kind(void)
{
	return handle_kind;
}

/* "self/x" and "thread-self/x" as the handle's procfs numbers the caller: "PID/x", ... */
static int resolve_self(int proc, const char *path, char *out, size_t size)
{
	const char *names[] = {"thread-self", "self"};

	for (size_t i = 0; i < 2; i++) {
		size_t n = strlen(names[i]);
		char link[64];
		ssize_t len;

		if (strncmp(path, names[i], n) != 0 || (path[n] != '/' && path[n] != '\0'))
			continue;
		len = readlinkat(proc, names[i], link, sizeof(link) - 1);
		if (len < 0)
			return -1;
		link[len] = '\0';
		if ((size_t)snprintf(out, size, "%s%s", link, path + n) >= size)
			return errno = ENAMETOOLONG, -1;
		return 0;
	}
	if ((size_t)snprintf(out, size, "%s", path) >= size)
		return errno = ENAMETOOLONG, -1;
	return 0;
}

int hr_procfs_open(const char *path, int flags, struct hr_err *err)
{
	int proc = hr_procfs_handle(err);
	char real[PATH_MAX];
	_cleanup_close_ int fd = -1;
	struct statfs sfs;
	uint64_t mnt;

	if (proc < 0)
		return -1;
	if (resolve_self(proc, path, real, sizeof(real)) < 0)
		return hr_err_sys(err, "/proc/%s: resolve", path);
	fd = hr_openat2(proc, real, flags | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0,
			RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
			    RESOLVE_NO_XDEV);
	if (fd < 0)
		return hr_err_sys(err, "open /proc/%s", path);
	/* the stand-in for openat2 (valgrind, old kernels) does not know RESOLVE_NO_XDEV */
	mnt = mount_id(fd);
	if (fstatfs(fd, &sfs) < 0)
		return hr_err_sys(err, "fstatfs /proc/%s", path);
	if (sfs.f_type != PROC_SUPER_MAGIC || (handle_mnt_id != 0 && mnt != handle_mnt_id))
		return hr_err_set(err, EXDEV, "/proc/%s: something is mounted on it", path);
	return steal_fd(&fd);
}

int hr_procfs_write(const char *path, const char *data, size_t len, struct hr_err *err)
{
	_cleanup_close_ int fd = hr_procfs_open(path, O_WRONLY, err);
	ssize_t n;

	if (fd < 0)
		return -1;
	do
		n = write(fd, data, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return hr_err_sys(err, "write /proc/%s", path);
	if ((size_t)n != len)
		return hr_err_set(err, EIO, "write /proc/%s: %zd of %zu bytes taken", path, n, len);
	return 0;
}
