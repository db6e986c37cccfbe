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
};

/* What `run` needs to supervise the container it created. */
struct hr_created {
	pid_t pid;
	int pidfd;
	int pty_master; /* -1 unless process.terminal and no console socket */
};

int hr_container_create(const struct hr_context *ctx, const struct hr_create_opts *opts,
			struct hr_created *created, struct hr_err *err);
int hr_container_start(const struct hr_context *ctx, const char *id, struct hr_err *err);

struct hr_run_opts {
	struct hr_create_opts create;
	bool detach;
	bool keep;
	/* foreground only; cmd NULL: taken from org.hardrun.health.* annotations if any */
	struct hr_health_opts health;
};
/* create + start; in the foreground, waits and returns the container's status in *status
 * (128+signal when killed) and deletes the container unless keep. */
int hr_container_run(const struct hr_context *ctx, const struct hr_run_opts *opts, int *status,
		     struct hr_err *err);

/* The OCI state document; caller frees. */
int hr_container_state(const struct hr_context *ctx, const char *id, char **json,
		       struct hr_err *err);
int hr_container_kill(const struct hr_context *ctx, const char *id, int signal, bool all,
		      struct hr_err *err);
int hr_container_delete(const struct hr_context *ctx, const char *id, bool force,
			struct hr_err *err);
/* Host pids of the container's processes; caller frees *pids. */
int hr_container_pids(const struct hr_context *ctx, const char *id, pid_t **pids, size_t *n,
		      struct hr_err *err);

/*
 * cgroup operations (container_cgroup.c). Each fails with "container ID has no cgroup" for a
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

/* Signal names with or without SIG, and numbers: "TERM", "SIGKILL", "9". */
int hr_signal_parse(const char *name, int *signal);

/* Writes a pid file: the pid as digits, no newline, atomically. */
int hr_write_pid_file(const char *path, pid_t pid, struct hr_err *err);

#endif
