/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_CGROUP_DIR_H
#define HR_CGROUP_DIR_H

/*
 * The ground both cgroup drivers stand on (cgroup_dir.c): what they need to turn a directory
 * they made into the container's cgroup. The rest of what cgroup_dir.c does to a directory
 * (read, write, freeze, signal, destroy) is in cgroup.h, for container code.
 */
#include <stdbool.h>
#include <stddef.h>

#include "cgroup.h"

/* Uses an existing cgroup directory (rel below the root) and applies r to it. */
int hr_cgroup_adopt(struct hr_cgroup *cg, const char *rel, const struct hr_resources *r,
		    struct hr_err *err);
/* hardrun's own cgroup v2 path ("/user.slice/x.scope"), read from /proc/self/cgroup. */
int hr_cgroup_self(char *out, size_t size, struct hr_err *err);
/* Whether cgroup.procs lists a process (false when it cannot be read). */
bool hr_cgroup_has_processes(const char *path);

#endif
