/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_CGROUP_FS_H
#define HR_CGROUP_FS_H

/* The ops table of the cgroupfs driver: hardrun makes the directory itself. */
#include "cgroup_driver.h"

extern const struct hr_cgroup_ops hr_cgroup_fs_ops;

#endif
