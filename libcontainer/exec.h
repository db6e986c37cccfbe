/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_EXEC_H
#define HR_EXEC_H

/* exec: a new process in a running container, with the same privilege drop as its init. */
#include <stdbool.h>
#include <stddef.h>

#include "context.h"
#include "error.h"

struct hr_exec_opts {
	const char *id;
	const char *process_path; /* --process FILE ("-" for stdin), or NULL */
	char **args;		  /* when no process file */
	size_t n_args;
	char **env; /* --env K=V, added to (or replacing) the config's */
	size_t n_env;
	const char *cwd;
	const char *user; /* "UID[:GID]" */
	char **caps;	  /* --cap: added to bounding, effective and permitted (not inheritable or
			   * ambient, which stay as the process asks) */
	size_t n_caps;
	bool tty;
	bool no_new_privs;
	bool detach;
	const char *pid_file;
	const char *console_socket;
	int preserve_fds;
	/* runc's --ignore-paused: exec into a paused container; the process is born frozen in
	 * its cgroup and runs once the container is resumed (until then exec waits) */
	bool ignore_paused;
	const char *apparmor;	   /* --apparmor: the process's AppArmor profile, or NULL */
	const char *process_label; /* --process-label: its SELinux label, or NULL */
	const char *cgroup;	   /* --cgroup: a sub-cgroup of the container's, or NULL */
};
int hr_container_exec(const struct hr_context *ctx, const struct hr_exec_opts *opts, int *status,
		      struct hr_err *err);

/*
 * A health probe: `/bin/sh -c CMD` in container ID as an exec without a terminal. Prepared
 * once, from the state and config the container was created with (the process plan, the
 * policy, the compiled filter, the init's pidfd and the cgroup); a preparation that failed is
 * kept and reported by every run. Then, for each check, hr_exec_probe_run (health.h's
 * hr_health_probe_fn) spawns it, with the caller's stdio, forwards signals to it and waits:
 * *status is its exit status. It is meant for a child forked for the check: it changes the
 * caller's pid namespace for children and its signal mask while it runs.
 */
struct hr_exec_probe;
struct hr_exec_probe *hr_exec_probe_prepare(const struct hr_context *ctx, const char *id,
					    const char *cmd);
int hr_exec_probe_run(void *probe, int *status, struct hr_err *err);
void hr_exec_probe_free(struct hr_exec_probe *probe);

#endif
