/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_CGROUP_DRIVER_H
#define HR_CGROUP_DRIVER_H

/*
 * The cgroup layers, each calling only the ones below it:
 *
 *   cgroup_manager.c   what container code calls (cgroup_manager.h); chooses the driver once:
 *                      from --cgroup-manager to create, from what the state records for an
 *                      existing container; then calls only through that driver's ops table
 *   cgroup_fs.c        the cgroupfs driver: mkdir of the path derived from linux.cgroupsPath
 *   cgroup_systemd.c   the systemd driver: a transient scope with Delegate=yes; update sets
 *                      its properties (SetUnitProperties) and then writes the files. Root
 *                      talks to the system manager; rootless, to the caller's user manager
 *                      (user@UID.service), which delegates only some controllers
 *   cgroup_sdprops.c   pure: the scope's resource properties (create and update alike)
 *   cgroup_stats.c     what `events` reports of a directory: stats, OOM kills
 *   cgroup_dir.c       an existing cgroup directory: adopt it (apply the limits), its files,
 *                      enter, signal, list, freeze, update, destroy
 *   cgroup.c           pure: the plan of writes, the path, the value conversions
 *
 * Only making the cgroup, updating its limits and entering it differ between the drivers
 * today (systemd's enter asks a user manager to attach what a rootless hardrun may not move
 * itself): a systemd scope is delegated to us, so both tables point their other operations at
 * the same cgroup_dir.c and cgroup_stats.c functions. The drivers never call each other; each
 * names its table in its own header (cgroup_fs.h, cgroup_systemd.h), which in the library only
 * cgroup_manager.c includes. Nothing above the manager includes cgroup_driver.h, cgroup_dir.h
 * or cgroup_stats.h.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <yajl/yajl_gen.h>

#include "cgroup.h"

/* A driver's operations; path is the cgroup's absolute directory. */
struct hr_cgroup_ops {
	/*
	 * What the host needs beyond a pure cgroup v2 mount; NULL when nothing. rootless: the
	 * caller is (ctx->rootless), which create finds in cg->rootless.
	 */
	int (*check_host)(bool rootless, struct hr_err *err);
	/*
	 * Makes the container's cgroup and applies linux.resources in it (hr_cgroup_adopt), or,
	 * for a cgroup that can only be made with a process in it (a systemd scope), checks all
	 * it can and sets cg->scope_pending for start. On failure cg tells hr_cgroup_create what
	 * to undo (n_created).
	 */
	int (*create)(const struct hr_config *config, const char *id, struct hr_cgroup *cg,
		      struct hr_err *err);
	/*
	 * A pending cgroup made with pid as its first process, then linux.resources applied;
	 * NULL for a driver whose create makes the cgroup itself.
	 */
	int (*start)(struct hr_cgroup *cg, pid_t pid, struct hr_err *err);
	/* Moves pid into the cgroup. */
	int (*enter)(const char *path, pid_t pid, struct hr_err *err);
	/* Applies resources live (update). */
	int (*apply)(const char *path, const struct hr_resources *r, struct hr_err *err);
	/* Freezes or thaws every process and waits until done; is_frozen: 1, 0, -1 unknown. */
	int (*freeze)(const char *path, bool frozen, struct hr_err *err);
	int (*is_frozen)(const char *path);
	/* Sends signal to every process of the cgroup. */
	int (*kill)(const char *path, int signal, struct hr_err *err);
	/* The pids of every process of the cgroup; caller frees *pids. */
	int (*pids)(const char *path, pid_t **pids, size_t *n, struct hr_err *err);
	/* Kills what is left, removes the cgroup, then the `parents` ancestors create made. */
	int (*destroy)(const char *path, int parents, struct hr_err *err);
	/* the cgroup's statistics into the "data" map of a stats event (cgroup_stats.h) */
	int (*stats)(yajl_gen g, const char *path, struct hr_err *err);
	/* The OOM kills so far; an fd that wakes when they change (-1 without one). */
	int64_t (*oom_kills)(const char *path);
	int (*oom_watch)(const char *path);
};

#endif
