/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_CONTAINER_CGROUP_H
#define HR_CONTAINER_CGROUP_H

#include <stdbool.h>

#include "config.h"
#include "context.h"
#include "error.h"

/*
 * A container's cgroup operations. Each fails with "container ID has no cgroup" for a
 * container created with --cgroup-manager=disabled.
 */
int hr_container_pause(const struct hr_context *ctx, const char *id, struct hr_err *err);
int hr_container_resume(const struct hr_context *ctx, const char *id, struct hr_err *err);
/* Applies resources live (created, running or paused containers). */
int hr_container_update(const struct hr_context *ctx, const char *id,
			const struct hr_resources *resources, struct hr_err *err);

struct hr_events_opts {
	const char *id;
	bool stats;	 /* print one stats event and return */
	int interval_ms; /* stats period while streaming; default 5000 */
};
/* Writes runc-compatible event lines to stdout until the container stops. */
int hr_container_events(const struct hr_context *ctx, const struct hr_events_opts *opts,
			struct hr_err *err);

#endif
