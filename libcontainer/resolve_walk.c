/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "resolve_walk.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"

/* As the kernel's MAXSYMLINKS. */
#define WALK_MAX_SYMLINKS 40

#define WALK_RESOLVE_KNOWN                                                                         \
	(RESOLVE_IN_ROOT | RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |         \
	 RESOLVE_NO_XDEV)

struct walk {
	int root;	     /* the lookup's root (dirfd): never closed here */
	int cur;	     /* the directory reached: root, or an fd the walk owns */
	uint64_t resolve;    /* the RESOLVE_* flags asked for */
	dev_t root_dev;	     /* for RESOLVE_NO_XDEV */
	int links;	     /* symlinks followed so far */
	size_t done_len;     /* length of done */
	char done[PATH_MAX]; /* the components gone through from the root, none a symlink */
	char todo[PATH_MAX]; /* what is left to resolve */
};

static void set_cur(struct walk *w, int fd)
{
	if (w->cur != w->root)
		close(w->cur);
	w->cur = fd;
}

static int fail(int fd, int error)
{
	if (fd >= 0)
		close(fd);
	errno = error;
	return -1;
}

/* The directory at done, opened again from the root without following anything. */
static int reopen_done(struct walk *w)
{
	char path[PATH_MAX];
	char *name = path, *save = NULL;

	memcpy(path, w->done, w->done_len + 1);
	set_cur(w, w->root);
	for (name = strtok_r(path, "/", &save); name != NULL; name = strtok_r(NULL, "/", &save)) {
		int fd = openat(w->cur, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

		/* It was a directory a moment ago: whatever it is now, the lookup raced a change.
		 */
		if (fd < 0)
			return fail(-1, errno == ENOENT || errno == ENOTDIR || errno == ELOOP
					    ? EAGAIN
					    : errno);
		set_cur(w, fd);
	}
	return 0;
}

static int go_up(struct walk *w)
{
	char *slash;

	if (w->done_len == 0)
		return (w->resolve & RESOLVE_IN_ROOT) ? 0 : fail(-1, EXDEV);
	slash = strrchr(w->done, '/');
	w->done_len = slash == NULL ? 0 : (size_t)(slash - w->done);
	w->done[w->done_len] = '\0';
	return reopen_done(w);
}

static int go_down(struct walk *w, int fd, const char *name)
{
	size_t len = strlen(name);

	if (w->done_len + 1 + len >= sizeof(w->done))
		return fail(fd, ENAMETOOLONG);
	if (w->done_len > 0)
		w->done[w->done_len++] = '/';
	memcpy(w->done + w->done_len, name, len + 1);
	w->done_len += len;
	set_cur(w, fd);
	return 0;
}

static int check_xdev(const struct walk *w, const struct stat *st)
{
	if ((w->resolve & RESOLVE_NO_XDEV) && st->st_dev != w->root_dev)
		return fail(-1, EXDEV);
	return 0;
}

/* todo becomes the symlink's text followed by rest; an absolute text starts from the root. */
static int follow(struct walk *w, int link_fd, const char *rest)
{
	_cleanup_close_ int fd = link_fd;
	char target[PATH_MAX], next[PATH_MAX];
	ssize_t n;
	int len;

	if (w->resolve & RESOLVE_NO_SYMLINKS)
		return fail(-1, ELOOP);
	if (++w->links > WALK_MAX_SYMLINKS)
		return fail(-1, ELOOP);
	n = readlinkat(fd, "", target, sizeof(target) - 1);
	if (n < 0)
		return -1;
	target[n] = '\0';
	if (n == 0)
		return fail(-1, ENOENT);
	len = *rest == '\0' ? snprintf(next, sizeof(next), "%s", target)
			    : snprintf(next, sizeof(next), "%s/%s", target, rest);
	if (len < 0 || (size_t)len >= sizeof(next))
		return fail(-1, ENAMETOOLONG);
	memcpy(w->todo, next, (size_t)len + 1);
	if (target[0] != '/')
		return 0;
	if (!(w->resolve & RESOLVE_IN_ROOT))
		return fail(-1, EXDEV);
	w->done_len = 0;
	w->done[0] = '\0';
	set_cur(w, w->root);
	return 0;
}

/*
 * The last component, name, in cur: opened with the caller's flags once it is known not to
 * be a symlink (or the symlink itself, for O_PATH | O_NOFOLLOW). Returns the fd, -1 with
 * errno, or -2 when name was a symlink to follow (todo was rewritten).
 */
static int open_last(struct walk *w, const char *name, int flags, mode_t mode, bool must_dir)
{
	int fd = openat(w->cur, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	struct stat st, again;
	int final;

	if (fd < 0) {
		if (errno != ENOENT || !(flags & O_CREAT) || must_dir)
			return -1;
		return openat(w->cur, name, flags | O_NOFOLLOW, mode);
	}
	if (fstat(fd, &st) < 0)
		return fail(fd, errno);
	if (S_ISLNK(st.st_mode) && !(flags & O_NOFOLLOW))
		return follow(w, fd, must_dir ? "/" : "") < 0 ? -1 : -2;
	if (S_ISLNK(st.st_mode) && !(flags & O_PATH))
		return fail(fd, ELOOP);
	if (must_dir && !S_ISDIR(st.st_mode))
		return fail(fd, ENOTDIR);
	if (check_xdev(w, &st) < 0)
		return fail(fd, errno);
	if ((flags & ~(O_PATH | O_NOFOLLOW | O_CLOEXEC)) == 0 && (flags & O_CLOEXEC))
		return fd;
	final = openat(w->cur, name, flags | O_NOFOLLOW, mode);
	if (final < 0)
		return fail(fd, errno);
	close(fd);
	if (fstat(final, &again) < 0)
		return fail(final, errno);
	if (again.st_dev != st.st_dev || again.st_ino != st.st_ino)
		return fail(final, EAGAIN);
	return final;
}

/* A component that is not the last: entered, or followed when it is a symlink. */
static int step(struct walk *w, const char *name, const char *rest)
{
	int fd = openat(w->cur, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		return fail(fd, errno);
	if (S_ISLNK(st.st_mode))
		return follow(w, fd, rest);
	if (!S_ISDIR(st.st_mode))
		return fail(fd, ENOTDIR);
	if (check_xdev(w, &st) < 0)
		return fail(fd, errno);
	return go_down(w, fd, name);
}

/* One component of todo; returns the final fd, -1 with errno, or -2 to go on. */
static int advance(struct walk *w, int flags, mode_t mode)
{
	char name[NAME_MAX + 1], *p = w->todo, *end, *rest;
	size_t len;
	bool last, must_dir;

	while (*p == '/')
		p++;
	if (*p == '\0')
		return openat(w->cur, ".", flags, mode);
	for (end = p; *end != '\0' && *end != '/'; end++)
		;
	len = (size_t)(end - p);
	if (len > NAME_MAX)
		return fail(-1, ENAMETOOLONG);
	memcpy(name, p, len);
	name[len] = '\0';
	for (rest = end; *rest == '/'; rest++)
		;
	last = *rest == '\0';
	must_dir = *end == '/';
	memmove(w->todo, rest, strlen(rest) + 1);
	if (strcmp(name, ".") == 0)
		return -2;
	if (strcmp(name, "..") == 0)
		return go_up(w) < 0 ? -1 : -2;
	if (last)
		return open_last(w, name, flags, mode, must_dir);
	return step(w, name, w->todo) < 0 ? -1 : -2;
}

int hr_resolve_walk(int dirfd, const char *path, int flags, mode_t mode, uint64_t resolve)
{
	struct walk w = {.root = dirfd, .cur = dirfd, .resolve = resolve};
	struct stat st;
	int fd;

	if ((resolve & ~(uint64_t)WALK_RESOLVE_KNOWN) ||
	    !(resolve & (RESOLVE_IN_ROOT | RESOLVE_BENEATH)))
		return fail(-1, ENOSYS);
	if (*path == '\0')
		return fail(-1, ENOENT);
	if (*path == '/' && !(resolve & RESOLVE_IN_ROOT))
		return fail(-1, EXDEV);
	if (strlen(path) >= sizeof(w.todo))
		return fail(-1, ENAMETOOLONG);
	if (fstat(dirfd, &st) < 0)
		return -1;
	w.root_dev = st.st_dev;
	strcpy(w.todo, path);
	do
		fd = advance(&w, flags, mode);
	while (fd == -2);
	if (fd < 0) {
		int saved = errno;

		set_cur(&w, w.root);
		errno = saved;
		return -1;
	}
	set_cur(&w, w.root);
	return fd;
}
