/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_PASSWD_H
#define HR_PASSWD_H

/*
 * The container's user database, read the way runc does for HOME: the rootfs's own
 * /etc/passwd, from inside the container (after the root changed, so that a file bound over
 * it counts), with a fixed buffer: the child side calls this, and it never allocates.
 */
#include <stddef.h>
#include <sys/types.h>

#include "error.h"

/*
 * The home directory of uid in the passwd file path, opened in-root below root_fd (no symlink
 * leaves the root, no fifo or device is read). Returns 1 and fills home, 0 when the file or
 * the uid is not there (or the entry's home is longer than size), -1 with err set when the
 * file exists but cannot be read.
 */
int hr_passwd_home(int root_fd, const char *path, uid_t uid, char *home, size_t size,
		   struct hr_err *err);

/* The same for any field of uid's entry (HR_PASSWD_NAME: `list`'s owner, from the host's file). */
enum hr_passwd_field { HR_PASSWD_NAME = 0, HR_PASSWD_HOME = 5 };
int hr_passwd_lookup(int root_fd, const char *path, uid_t uid, enum hr_passwd_field which,
		     char *out, size_t size, struct hr_err *err);

#endif
