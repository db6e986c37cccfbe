/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_CONTAINER_INTERNAL_H
#define HR_CONTAINER_INTERNAL_H

/* Shared between the lifecycle files (container.c, container_ops.c, exec.c). */
#include <signal.h>
#include <sys/types.h>

#include "arena.h"
#include "config.h"
#include "container.h"
#include "health.h"
#include "seccomp_notify.h"
#include "state.h"

#define HR_EXEC_FIFO   "exec.fifo"
#define HR_CONFIG_COPY "config.json"

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
/* Runs poststart/poststop hooks; failures are logged as warnings, as runc does. */
void hr_container_run_hooks(struct hr_opened *opened, enum hr_hook_kind kind,
			    enum hr_status status);

int hr_write_file_at(int dirfd, const char *name, const char *data, size_t len, struct hr_err *err);

#endif
