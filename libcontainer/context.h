/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_CONTEXT_H
#define HR_CONTEXT_H

#include <stdbool.h>

enum hr_cgroup_manager {
	HR_CGROUP_CGROUPFS,
	HR_CGROUP_SYSTEMD,
	HR_CGROUP_DISABLED,
};

/* --rootless, as runc's: auto (the default) is rootless when the caller is not root. */
enum hr_rootless {
	HR_ROOTLESS_AUTO,
	HR_ROOTLESS_TRUE,
	HR_ROOTLESS_FALSE,
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
	/*
	 * The state directory: --root, else /run/hardrun, or $XDG_RUNTIME_DIR/hardrun when
	 * rootless (rootless.h); NULL when rootless without XDG_RUNTIME_DIR nor --root (the state
	 * functions refuse it by name).
	 */
	const char *root;
	const char *log_path;
	enum hr_log_format log_format;
	bool debug;
	enum hr_cgroup_manager cgroup_manager;
	bool rootless; /* --rootless resolved (rootless.h) */
	/* the manager is disabled because the caller is rootless, not by --cgroup-manager */
	bool cgroup_rootless_default;
	const char
	    *policy_path; /* --policy FILE; NULL: $HARDRUN_POLICY or the default (policy.h) */
	const char *argv0;
	char rootless_root[4096]; /* $XDG_RUNTIME_DIR/hardrun, when root points here */
	const char *criu_path;	  /* --criu PATH; NULL: criu from $PATH (criu.h) */
};

#define HR_DEFAULT_ROOT "/run/hardrun"

#endif
