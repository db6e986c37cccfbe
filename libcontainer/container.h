/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_CONTAINER_H
#define HR_CONTAINER_H

/*
 * The container lifecycle, as the OCI runtime-spec defines it (runtime.md) and as runc's
 * command line exposes it. Each operation takes the container's lock for its whole duration.
 */
#include <stdbool.h>
#include <sys/types.h>

#include "context.h"
#include "error.h"
#include "health.h"
#include "output_log.h"
#include "seccomp_record.h"
#include "state.h"

struct hr_create_opts {
	const char *id;
	const char *bundle;	 /* default: the current directory */
	const char *config_path; /* default: <bundle>/config.json */
	const char *pid_file;
	const char *console_socket;
	bool no_pivot;
	bool no_new_keyring;
	int preserve_fds;
	const char *seccomp_record; /* --seccomp-record FILE (seccomp_record.h), or NULL */
	struct hr_output_log_opts output_log; /* run --output-log (output_log.h) */
};

/* What `run` needs to supervise the container it created. */
struct hr_created {
	pid_t pid;
	int pidfd;
	int pty_master;		      /* -1 unless process.terminal and no console socket */
	struct hr_recorder recorder;  /* with --seccomp-record: the recorder to wait for */
	struct hr_health_opts health; /* run's health check (cmd NULL: none) */
	char *health_cmd_copy;	      /* health.cmd when it came from the annotations: free it */
	/* run --output-log: the log, opened by create when not NULL; without a terminal, the
	 * read ends of the process's stdout and stderr pipes (O_NONBLOCK), or -1 */
	struct hr_output_log *output_log;
	int output_fds[HR_OUTPUT__COUNT];
};

int hr_container_create(const struct hr_context *ctx, const struct hr_create_opts *opts,
			struct hr_created *created, struct hr_err *err);
int hr_container_start(const struct hr_context *ctx, const char *id, struct hr_err *err);

struct hr_run_opts {
	struct hr_create_opts create;
	bool detach;
	bool keep;
	const char *keep_logs; /* the automatic delete keeps the output log and health here */
	/* foreground only; cmd NULL: taken from org.hardrun.health.* annotations if any */
	struct hr_health_opts health;
};
/* create + start; in the foreground, waits and returns the container's status in *status
 * (128+signal when killed) and deletes the container unless keep. */
int hr_container_run(const struct hr_context *ctx, const struct hr_run_opts *opts, int *status,
		     struct hr_err *err);

#endif
