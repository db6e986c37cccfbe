/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_CONTEXT_H
#define HR_CONTEXT_H

#include <stdbool.h>

enum hr_cgroup_manager {
	HR_CGROUP_CGROUPFS,
	HR_CGROUP_SYSTEMD,
	HR_CGROUP_DISABLED,
};

enum hr_log_format {
	HR_LOG_TEXT,
	HR_LOG_JSON,
};

/*
 * The parsed global options: the only process-wide state hardrun has. Commands receive it and
 * hand what the library needs down explicitly.
 */
struct hr_context {
	const char *root; /* state directory, default /run/hardrun */
	const char *log_path;
	enum hr_log_format log_format;
	bool debug;
	enum hr_cgroup_manager cgroup_manager;
	const char
	    *policy_path; /* --policy FILE; NULL: $HARDRUN_POLICY or the default (policy.h) */
	const char *argv0;
};

#define HR_DEFAULT_ROOT "/run/hardrun"

#endif
