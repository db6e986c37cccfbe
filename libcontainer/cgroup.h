/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_CGROUP_H
#define HR_CGROUP_H

/*
 * cgroup v2 resource control. With --cgroup-manager=disabled nothing is created and a config
 * that asks for limits gets one warning. Otherwise hardrun requires a pure cgroup2 mount at
 * /sys/fs/cgroup and refuses a hybrid/v1 host with a message naming both ways out.
 */
#include <stdbool.h>

#include "config.h"
#include "context.h"
#include "error.h"

/* Checks that the host can serve the chosen manager; warns once for disabled + limits. */
int hr_cgroup_check_host(const struct hr_context *ctx, const struct hr_config *config,
			 struct hr_err *err);

/* Whether the config sets any resource limit. */
bool hr_cgroup_config_has_limits(const struct hr_config *config);

#endif
