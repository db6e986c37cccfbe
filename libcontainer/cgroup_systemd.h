/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_CGROUP_SYSTEMD_H
#define HR_CGROUP_SYSTEMD_H

/* The ops table of the systemd driver: a transient scope that systemd makes and delegates. */
#include "cgroup_driver.h"

extern const struct hr_cgroup_ops hr_cgroup_systemd_ops;

#endif
