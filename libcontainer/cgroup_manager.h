/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_CGROUP_MANAGER_H
#define HR_CGROUP_MANAGER_H

/*
 * The cgroup manager (cgroup_manager.c): all that container code calls of the cgroup layer.
 * Each call goes to the driver chosen once: by --cgroup-manager at create, by what the
 * container's state records (struct hr_cgroup_handle, hr_state_cgroup) afterwards.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <yajl/yajl_gen.h>

#include "cgroup.h"

/* ---- creating a container's cgroup (struct hr_cgroup) ---- */

/*
 * Checks that the host can serve the chosen manager; warns once when it is disabled and the
 * config asks for limits.
 */
int hr_cgroup_check_host(const struct hr_context *ctx, const struct hr_config *config,
			 struct hr_err *err);
void hr_cgroup_init(struct hr_cgroup *cg);
/*
 * Creates the container's cgroup with the driver --cgroup-manager chose and applies config's
 * linux.resources. On failure removes what it created. Does nothing (cg->path stays "") with
 * the manager disabled.
 */
int hr_cgroup_create(const struct hr_context *ctx, const struct hr_config *config, const char *id,
		     struct hr_cgroup *cg, struct hr_err *err);
/*
 * Puts pid in the cgroup create made ready: a systemd scope starts with it (PIDs=[pid], so that
 * no process of hardrun's is ever charged to the container) and gets its limits before pid
 * runs anything of the container's. Nothing to do for a cgroupfs cgroup (the init is born
 * in it) or without a manager. pid may be hardrun's own (restore: criu runs in the scope);
 * hr_cgroup_leave then takes it back to its own cgroup.
 */
int hr_cgroup_place(struct hr_cgroup *cg, pid_t pid, struct hr_err *err);
/* Moves hardrun back to its own cgroup after hr_cgroup_place put it in the scope. */
void hr_cgroup_leave(struct hr_cgroup *cg);
/* Removes the cgroup and the ancestors this hardrun created, if it created any. */
void hr_cgroup_remove_created(struct hr_cgroup *cg);
/* hr_cgroup_leave, then closes cg->fd. */
void hr_cgroup_close(struct hr_cgroup *cg);

/*
 * ---- an existing container's cgroup (struct hr_cgroup_handle) ----
 * Each fails with ENOTSUP for a handle without a cgroup (HR_CGROUP_DISABLED), except
 * hr_cgroup_destroy (nothing to do) and the queries (their "none" value).
 */

/* Moves pid into the cgroup: the fallback when clone3 cannot be born there. */
int hr_cgroup_enter(const struct hr_cgroup_handle *cg, pid_t pid, struct hr_err *err);
/* Applies resources live (update); device rules stay as created. */
int hr_cgroup_apply(const struct hr_cgroup_handle *cg, const struct hr_resources *r,
		    struct hr_err *err);
/* Freezes (pause) or thaws (resume) every process and waits until the kernel says so. */
int hr_cgroup_freeze(const struct hr_cgroup_handle *cg, bool frozen, struct hr_err *err);
/* 1 when frozen, 0 when not, -1 when unknown or without a cgroup. */
int hr_cgroup_is_frozen(const struct hr_cgroup_handle *cg);
/* Sends signal to every process of the cgroup (SIGKILL also reaches those forked meanwhile). */
int hr_cgroup_kill(const struct hr_cgroup_handle *cg, int signal, struct hr_err *err);
/* The pids of every process of the cgroup; caller frees *pids. */
int hr_cgroup_pids(const struct hr_cgroup_handle *cg, pid_t **pids, size_t *n, struct hr_err *err);
/*
 * Kills what is left in the cgroup, removes it and the ancestors create made (those still
 * empty). A cgroup that does not exist, or none at all, is not an error.
 */
int hr_cgroup_destroy(const struct hr_cgroup_handle *cg, struct hr_err *err);
/* The cgroup's statistics into the "data" map of a stats event g has open (cgroup_stats.h). */
int hr_cgroup_stats(const struct hr_cgroup_handle *cg, yajl_gen g, struct hr_err *err);
/* The OOM kills so far; 0 or -1 when unknown. */
int64_t hr_cgroup_oom_kills(const struct hr_cgroup_handle *cg);
/* An fd (non-blocking) that wakes when the OOM kills may have changed; -1 without one. */
int hr_cgroup_oom_watch(const struct hr_cgroup_handle *cg);

#endif
