/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_CGROUP_DRIVER_H
#define HR_CGROUP_DRIVER_H

/*
 * The cgroup drivers and the ground they share. Each layer calls only the ones below it:
 *
 *   cgroup_manager.c     chooses the driver once from --cgroup-manager; what container code calls
 *                        to check the host and create a cgroup
 *   cgroup_fs.c          the cgroupfs driver: mkdir of the path derived from linux.cgroupsPath
 *   cgroup_systemd.c     the systemd driver: a transient scope with Delegate=yes
 *   cgroup_dir.c         an existing cgroup directory: adopt it (apply the limits), its files,
 *                        enter, signal, freeze, update, destroy
 *   cgroup.c             pure: the plan of writes, the path, the value conversions
 *
 * Only making the cgroup differs between the drivers: a systemd scope is delegated to us, so
 * everything after creation (update, pause, kill, stats, delete) works on the directory through
 * cgroup_dir.c, whichever driver made it. The drivers never call each other; each names its
 * table in its own header (cgroup_fs.h, cgroup_systemd.h), which only cgroup_manager.c includes.
 */
#include "cgroup.h"

struct hr_cgroup_ops {
	/* What the host needs beyond a pure cgroup v2 mount; NULL when nothing. */
	int (*check_host)(struct hr_err *err);
	/*
	 * Makes the container's cgroup and applies linux.resources in it (hr_cgroup_adopt). On
	 * failure cg tells hr_cgroup_create what to undo (n_created, leave_own).
	 */
	int (*create)(const struct hr_config *config, const char *id, struct hr_cgroup *cg,
		      struct hr_err *err);
};

#endif
