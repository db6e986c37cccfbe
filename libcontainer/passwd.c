/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "passwd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "paths.h"

/* Longer lines are skipped whole: no sane passwd entry needs them. */
#define LINE_MAX_BYTES 4096

/* "name:password:uid:gid:gecos:home:shell": field n when uid matches, else NULL. */
static const char *line_field(char *line, uid_t uid, enum hr_passwd_field n_field)
{
	char *field[7];
	char *p = line, *end;
	unsigned long value;
	int n = 0;

	while (n < 7) {
		field[n++] = p;
		p = strchr(p, ':');
		if (p == NULL)
			break;
		*p++ = '\0';
	}
	if (n < 6 || field[2][0] == '\0')
		return NULL;
	errno = 0;
	value = strtoul(field[2], &end, 10);
	if (errno != 0 || *end != '\0' || field[2][0] == '-' || value != (unsigned long)uid)
		return NULL;
	return field[n_field];
}

/* 1 and out filled when the line names uid with a non-empty field that fits. */
static int match_line(char *line, uid_t uid, enum hr_passwd_field n, char *out, size_t size)
{
	const char *value = line_field(line, uid, n);
	size_t len;

	if (value == NULL || value[0] == '\0')
		return 0;
	len = strlen(value);
	if (len >= size)
		return 0;
	memcpy(out, value, len + 1);
	return 1;
}

int hr_passwd_home(int root_fd, const char *path, uid_t uid, char *home, size_t size,
		   struct hr_err *err)
{
	return hr_passwd_lookup(root_fd, path, uid, HR_PASSWD_HOME, home, size, err);
}

int hr_passwd_lookup(int root_fd, const char *path, uid_t uid, enum hr_passwd_field which,
		     char *out, size_t size, struct hr_err *err)
{
	_cleanup_close_ int fd = -1;
	char buf[LINE_MAX_BYTES + 1];
	size_t used = 0;
	bool skipping = false;
	struct stat st;

	fd = hr_path_open_in_root(root_fd, path, O_RDONLY | O_NONBLOCK | O_NOCTTY, 0);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		return hr_err_sys(err, "open %s in the container", path);
	}
	if (fstat(fd, &st) < 0)
		return hr_err_sys(err, "stat %s in the container", path);
	if (!S_ISREG(st.st_mode))
		return 0;
	for (;;) {
		ssize_t n = read(fd, buf + used, LINE_MAX_BYTES - used);
		char *line = buf, *nl;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return hr_err_sys(err, "read %s in the container", path);
		used += (size_t)n;
		buf[used] = '\0';
		while ((nl = memchr(line, '\n', used - (size_t)(line - buf))) != NULL) {
			*nl = '\0';
			if (!skipping && match_line(line, uid, which, out, size))
				return 1;
			skipping = false;
			line = nl + 1;
		}
		used -= (size_t)(line - buf);
		memmove(buf, line, used);
		if (n == 0)
			return used > 0 && !skipping ? match_line(buf, uid, which, out, size) : 0;
		if (used == LINE_MAX_BYTES) {
			/* a line longer than the buffer: drop what we have up to its end */
			skipping = true;
			used = 0;
		}
	}
}
