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
};
int hr_container_exec(const struct hr_context *ctx, const struct hr_exec_opts *opts, int *status,
		      struct hr_err *err);

/*
 * A health probe (health.h's hr_health_probe_fn): ARGS run in container ID as an exec
 * without a terminal, stdio inherited; *status is its exit status.
 */
int hr_exec_probe(const struct hr_context *ctx, const char *id, char **args, size_t n_args,
		  int *status, struct hr_err *err);

#endif
