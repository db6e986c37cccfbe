/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_CONTAINER_OPS_H
#define HR_CONTAINER_OPS_H

/* The lifecycle operations on a container that exists: state, kill, delete, ps. */
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "context.h"
#include "error.h"

struct hr_opened;

/* The OCI state document; caller frees. */
int hr_container_state(const struct hr_context *ctx, const char *id, char **json,
		       struct hr_err *err);
int hr_container_kill(const struct hr_context *ctx, const char *id, int signal, bool all,
		      struct hr_err *err);
/* keep_logs (NULL: none): delete --keep-logs DIR, as hr_container_delete_opened */
int hr_container_delete(const struct hr_context *ctx, const char *id, bool force,
			const char *keep_logs, struct hr_err *err);
/*
 * delete ID...: deletes each container in turn; a failure is reported (hr_log_error_report)
 * and the others are still deleted; then the error counts the failures. One ID: exactly
 * hr_container_delete.
 */
int hr_container_delete_each(const struct hr_context *ctx, char *const *ids, size_t n, bool force,
			     const char *keep_logs, struct hr_err *err);
/*
 * Deletes a container opened (and locked) by the caller: kills it unless stopped (a running or
 * paused one only with force), removes its cgroup, runs its poststop hooks (a failing one is a
 * warning), with keep_logs copies its output log and health results into keep_logs/ID/
 * (hr_output_log_keep; when that fails the container stays, stopped), removes its state
 * directory. The caller still closes opened.
 */
int hr_container_delete_opened(struct hr_opened *opened, bool force, const char *keep_logs,
			       struct hr_err *err);
/* Host pids of the container's processes; caller frees *pids. */
int hr_container_pids(const struct hr_context *ctx, const char *id, pid_t **pids, size_t *n,
		      struct hr_err *err);
/* The same for a container the caller opened (and holds locked). */
int hr_container_pids_opened(const struct hr_opened *opened, pid_t **pids, size_t *n,
			     struct hr_err *err);

/* Signal names with or without SIG, and numbers: "TERM", "SIGKILL", "9". */
int hr_signal_parse(const char *name, int *signal);

#endif
