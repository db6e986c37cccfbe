/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /proc/self/mountinfo, read without allocating (mountinfo.c): the rootfs child walks it before
 * and during the pivot, where nothing may be allocated.
 */
#include "mountinfo.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"

/* Undoes the octal escapes (\040 for a space...) of mountinfo, in place. */
static void unescape(char *s)
{
	char *w = s;

	for (char *r = s; *r != '\0'; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
		    r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

/* "36 35 98:0 /root /mountpoint rw,noatime shared:1 - ext4 /dev/sda1 rw" */
static bool parse_mountinfo(char *line, struct mountinfo *mi)
{
	char *save = NULL, *tok;
	int field = 0;
	bool after_dash = false;

	memset(mi, 0, sizeof(*mi));
	for (tok = strtok_r(line, " ", &save); tok != NULL; tok = strtok_r(NULL, " ", &save)) {
		if (after_dash) {
			mi->fstype = tok;
			break;
		}
		if (field == 0)
			mi->id = strtoull(tok, NULL, 10);
		else if (field == 3)
			mi->root = tok;
		else if (field == 4)
			mi->mountpoint = tok;
		else if (field > 5 && strcmp(tok, "-") == 0)
			after_dash = true;
		else if (field > 5 && strncmp(tok, "shared:", 7) == 0)
			mi->shared = true;
		field++;
	}
	if (mi->root == NULL || mi->mountpoint == NULL || mi->fstype == NULL)
		return false;
	unescape((char *)mi->root);
	unescape((char *)mi->mountpoint);
	return true;
}

static int mountinfo_line(char *line, mountinfo_fn fn, void *data, struct hr_err *err)
{
	struct mountinfo mi;

	return parse_mountinfo(line, &mi) ? fn(&mi, data, err) : 0;
}

int hr_mountinfo_foreach(int proc_self, mountinfo_fn fn, void *data, struct hr_err *err)
{
	_cleanup_close_ int fd = openat(proc_self, "mountinfo", O_RDONLY | O_CLOEXEC);
	char buf[16384];
	size_t len = 0;
	bool skipping = false;

	if (fd < 0)
		return hr_err_sys(err, "open /proc/self/mountinfo");
	for (;;) {
		ssize_t n = read(fd, buf + len, sizeof(buf) - 1 - len);
		char *start = buf, *nl;
		int r = 0;

		if (n < 0)
			return hr_err_sys(err, "read /proc/self/mountinfo");
		len += (size_t)n;
		buf[len] = '\0';
		while (r == 0 && (nl = memchr(start, '\n', len - (size_t)(start - buf))) != NULL) {
			*nl = '\0';
			if (!skipping)
				r = mountinfo_line(start, fn, data, err);
			skipping = false;
			start = nl + 1;
		}
		len -= (size_t)(start - buf);
		if (r == 0 && (n == 0 || len == sizeof(buf) - 1) && len > 0 && !skipping)
			r = mountinfo_line(start, fn, data, err);
		if (r != 0 || n == 0)
			return r < 0 ? -1 : 0;
		if (len == sizeof(buf) - 1) {
			skipping = true;
			len = 0;
		} else {
			memmove(buf, start, len);
		}
	}
}

int hr_mountinfo_open_proc_self(struct hr_err *err)
{
	int fd = open("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC);

	return fd >= 0 ? fd : hr_err_sys(err, "open /proc/self");
}
