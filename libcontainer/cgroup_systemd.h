/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_CGROUP_SYSTEMD_H
#define HR_CGROUP_SYSTEMD_H

/*
 * The systemd driver: its ops table (a transient scope that systemd makes and delegates) and,
 * for the unit tests, how it reads linux.cgroupsPath and what it checks of a user manager.
 */
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "cgroup_driver.h"

extern const struct hr_cgroup_ops hr_cgroup_systemd_ops;

/*
 * "slice:prefix:name" -> slice "slice" (default system.slice; rootless, user.slice in the
 * user's manager), unit "prefix-name.scope".
 */
int hr_cgroup_systemd_unit(const char *cgroups_path, const char *id, bool rootless, char *slice,
			   size_t slice_size, char *unit, size_t unit_size, struct hr_err *err);
/*
 * Rootless: fails (ENOTSUP) when the plan needs a controller the user manager of uid is not
 * delegated (have: its cgroup.controllers), naming the config field, the controller, the fix.
 */
int hr_cgroup_systemd_delegated(const struct hr_cgroup_plan *plan, const char *have, uid_t uid,
				struct hr_err *err);
/* Whether the cgroup path lies below a user manager (".../user@UID.service/..."): its uid. */
bool hr_cgroup_systemd_user_uid(const char *path, uid_t *uid);

#endif
