/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_MOUNTINFO_H
#define HR_MOUNTINFO_H

/*
 * /proc/self/mountinfo, read without allocating (mountinfo.c): the rootfs child walks it before
 * and during the pivot, where nothing may be allocated.
 */
#include <stdbool.h>

#include "error.h"

/* One line of mountinfo; the strings point into the reader's buffer, unescaped. */
struct mountinfo {
	unsigned long long id;
	const char *root;
	const char *mountpoint;
	const char *fstype;
	bool shared;
};

/* Called for each mount: 0 goes on, > 0 stops, < 0 stops with err set. */
typedef int (*mountinfo_fn)(const struct mountinfo *mi, void *data, struct hr_err *err);

/*
 * Calls fn for each mount of the namespace until it returns non-zero (< 0: error). proc_self is
 * an fd of /proc/self, so that it keeps working once /proc itself is unmounted. A line longer
 * than the buffer (huge superblock options) is cut: the fields used all come first.
 */
int hr_mountinfo_foreach(int proc_self, mountinfo_fn fn, void *data, struct hr_err *err);
/* An O_PATH fd of /proc/self for hr_mountinfo_foreach. */
int hr_mountinfo_open_proc_self(struct hr_err *err);

#endif
