/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "process_fds.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"

int hr_process_listen_fds(void)
{
	const char *fds = getenv("LISTEN_FDS"), *pid = getenv("LISTEN_PID");
	char *end;
	long n;

	if (fds == NULL || *fds < '0' || *fds > '9')
		return 0;
	if (pid != NULL) {
		long owner;

		errno = 0;
		owner = strtol(pid, &end, 10);
		if (errno != 0 || *end != '\0' || end == pid || owner != (long)getpid())
			return 0;
	}
	errno = 0;
	n = strtol(fds, &end, 10);
	if (errno != 0 || *end != '\0' || n <= 0 || n > HR_LISTEN_FDS_MAX)
		return 0;
	return (int)n;
}

static int set_cloexec(int fd, bool on)
{
	int flags = fcntl(fd, F_GETFD);

	if (flags < 0)
		return -1;
	if (on == !!(flags & FD_CLOEXEC))
		return 0;
	return fcntl(fd, F_SETFD, on ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC);
}

static bool is_kept(unsigned fd, const int *keep, size_t n_keep)
{
	for (size_t i = 0; i < n_keep; i++)
		if (keep[i] >= 0 && (unsigned)keep[i] == fd)
			return true;
	return false;
}

/* The smallest kept fd >= from, UINT_MAX when there is none. */
static unsigned next_kept(unsigned from, const int *keep, size_t n_keep)
{
	unsigned best = UINT_MAX;

	for (size_t i = 0; i < n_keep; i++)
		if (keep[i] >= 0 && (unsigned)keep[i] >= from && (unsigned)keep[i] < best)
			best = (unsigned)keep[i];
	return best;
}

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* Closes the listed fds >= first; *closed tells whether there was any. */
static int close_dirents(int dirfd, unsigned first, const int *keep, size_t n_keep, bool *closed)
{
	_Alignas(8) char buf[4096];
	long n;

	while ((n = syscall(SYS_getdents64, dirfd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);
			char *end;
			unsigned long fd = strtoul(d->d_name, &end, 10);

			off += d->d_reclen;
			if (*end != '\0' || end == d->d_name || fd < first || fd > INT_MAX ||
			    (int)fd == dirfd || is_kept((unsigned)fd, keep, n_keep))
				continue;
			if (close((int)fd) == 0)
				*closed = true;
		}
	}
	return n < 0 ? -1 : 0;
}

int hr_process_close_from_proc(unsigned first, const int *keep, size_t n_keep, struct hr_err *err)
{
	_cleanup_close_ int dirfd =
	    open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	bool closed = true;

	if (dirfd < 0)
		return hr_err_sys(err, "open /proc/self/fd");
	/* Closing while the directory is read may skip entries: read it until nothing is left. */
	while (closed) {
		closed = false;
		if (lseek(dirfd, 0, SEEK_SET) < 0 ||
		    close_dirents(dirfd, first, keep, n_keep, &closed) < 0)
			return hr_err_sys(err, "close fds >= %u", first);
	}
	return 0;
}

/* The last fd worth looking at in [3, 3 + preserve_fds): none is open at or above RLIMIT_NOFILE. */
static int preserve_end(int preserve_fds)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur < (rlim_t)(3 + (unsigned)preserve_fds))
		return rl.rlim_cur < 3 ? 3 : (int)rl.rlim_cur;
	return 3 + preserve_fds;
}

/* A closed fd in the range is skipped, as runc and crun do: the caller passes what it has. */
static int preserve(int preserve_fds, const int *keep, size_t n_keep, struct hr_err *err)
{
	int end = preserve_end(preserve_fds);

	for (int fd = 3; fd < end; fd++) {
		if (is_kept((unsigned)fd, keep, n_keep))
			continue;
		if (set_cloexec(fd, false) < 0 && errno != EBADF)
			return hr_err_sys(err, "preserve fd %d", fd);
	}
	return 0;
}

static int add_slot(struct hr_fd_slots *slots, int entry)
{
	int *grown = reallocarray(slots->fds, slots->n + 1, sizeof(*grown));

	if (grown == NULL)
		return -1;
	slots->fds = grown;
	slots->fds[slots->n++] = entry;
	return 0;
}

/* Holds the closed slot fd with /dev/null, close-on-exec (devnull: a source, opened once). */
static int hold_slot(int fd, int *devnull, struct hr_err *err)
{
	int held;

	if (*devnull < 0) {
		*devnull = open("/dev/null", O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (*devnull < 0)
			return hr_err_sys(err, "open /dev/null");
		if (*devnull == fd) { /* the lowest closed fd: it holds the slot itself */
			*devnull = -1;
			return 0;
		}
	}
	held = fcntl(*devnull, F_DUPFD_CLOEXEC, fd);
	if (held == fd)
		return 0;
	if (held >= 0)
		close(held);
	return hr_err_sys(err, "hold the closed fd %d", fd);
}

int hr_process_hold_fd_slots(int preserve_fds, struct hr_fd_slots *slots, struct hr_err *err)
{
	_cleanup_close_ int devnull = -1;
	int end = preserve_end(preserve_fds);

	*slots = (struct hr_fd_slots){0};
	for (int fd = 3; fd < end; fd++) {
		int flags = fcntl(fd, F_GETFD);

		if (flags >= 0 && !(flags & FD_CLOEXEC))
			continue; /* the caller's */
		if (flags < 0 && errno != EBADF)
			return hr_err_sys(err, "preserve fd %d", fd);
		if (flags < 0 && hold_slot(fd, &devnull, err) < 0)
			return -1;
		if (add_slot(slots, flags < 0 ? fd : -1 - fd) < 0) {
			if (flags < 0)
				close(fd);
			return hr_err_sys(err, "list the closed fd %d", fd);
		}
	}
	return 0;
}

int hr_process_close_fd_slots(const int *fds, size_t n, struct hr_err *err)
{
	for (size_t i = 0; i < n; i++) {
		int fd = fds[i] < 0 ? -1 - fds[i] : fds[i];

		if (close(fd) < 0 && errno != EINTR)
			return hr_err_sys(err, "close fd %d", fd);
	}
	return 0;
}

void hr_process_release_fd_slots(struct hr_fd_slots *slots)
{
	for (size_t i = 0; i < slots->n; i++)
		if (slots->fds[i] >= 0)
			close(slots->fds[i]);
	free(slots->fds);
	*slots = (struct hr_fd_slots){0};
}

int hr_process_close_fds(int preserve_fds, const int *keep, size_t n_keep, struct hr_err *err)
{
	unsigned first;

	if (preserve_fds < 0 || preserve_fds > INT_MAX - 3)
		return hr_err_set(err, EINVAL, "preserve fds: invalid count %d", preserve_fds);
	if (preserve(preserve_fds, keep, n_keep, err) < 0)
		return -1;
	first = 3 + (unsigned)preserve_fds;
	for (;;) {
		unsigned next = next_kept(first, keep, n_keep);
		unsigned last = next == UINT_MAX ? UINT_MAX : next - 1;

		/*
		 * Really closed, not just close-on-exec: a descriptor kept until exec would keep
		 * hardrun's resources (the container's lock on its state directory) while the
		 * container waits for start.
		 */
		if (next > first && syscall(SYS_close_range, first, last, 0) < 0) {
			/* Linux < 5.9 has no close_range: walk /proc/self/fd instead. */
			if (errno == ENOSYS)
				return hr_process_close_from_proc(3 + (unsigned)preserve_fds, keep,
								  n_keep, err);
			return hr_err_sys(err, "close_range(%u, %u)", first, last);
		}
		if (next == UINT_MAX)
			return 0;
		first = next + 1;
	}
}
