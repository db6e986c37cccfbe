/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_CGROUP_SYSTEMD_H
#define HR_CGROUP_SYSTEMD_H

/*
 * The systemd driver: its ops table (a transient scope that systemd makes and delegates) and
 * how it reads linux.cgroupsPath, for the unit tests.
 */
#include <stddef.h>

#include "cgroup_driver.h"

extern const struct hr_cgroup_ops hr_cgroup_systemd_ops;

/* "slice:prefix:name" -> slice "slice" (default system.slice), unit "prefix-name.scope". */
int hr_cgroup_systemd_unit(const char *cgroups_path, const char *id, char *slice, size_t slice_size,
			   char *unit, size_t unit_size, struct hr_err *err);

#endif
