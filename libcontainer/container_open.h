/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_CONTAINER_OPEN_H
#define HR_CONTAINER_OPEN_H

/*
 * A container opened for an operation (container_open.c), shared by the lifecycle files:
 * create, start, run, exec, kill, delete, state, pause, update, events.
 */
#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "arena.h"
#include "config.h"
#include "context.h"
#include "hooks.h"
#include "state.h"

#define HR_EXEC_FIFO "exec.fifo"

/* A container opened for an operation: locked directory, its state and current status. */
struct hr_opened {
	struct hr_container_dir dir;
	struct hr_arena arena;
	struct hr_state state;
	enum hr_status status;
};

int hr_container_open(const struct hr_context *ctx, const char *id, struct hr_opened *opened,
		      struct hr_err *err);
void hr_container_close(struct hr_opened *opened);
/* The config the container was created with (its copy in the state directory). */
struct hr_config *hr_container_load_config(struct hr_opened *opened, struct hr_err *err);
/*
 * Runs the container's hooks of kind (poststart, poststop) with its state, at status, on their
 * stdin. Without keep_going the first failing hook stops them and is the error (poststart);
 * with it each failure is a warning naming the hook and the later hooks still run (poststop,
 * as runc): only reading the config or writing the state can fail then.
 */
int hr_container_run_hooks(struct hr_opened *opened, enum hr_hook_kind kind, enum hr_status status,
			   bool keep_going, struct hr_err *err);

int hr_write_file_at(int dirfd, const char *name, const char *data, size_t len, struct hr_err *err);
/* Writes a pid file: the pid as digits, no newline, atomically. */
int hr_write_pid_file(const char *path, pid_t pid, struct hr_err *err);

#endif
