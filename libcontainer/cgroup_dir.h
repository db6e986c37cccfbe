/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_CGROUP_DIR_H
#define HR_CGROUP_DIR_H

/*
 * The ground both cgroup drivers stand on (cgroup_dir.c): what can be done to a cgroup v2
 * directory that exists. The drivers turn a directory they made into the container's cgroup
 * with hr_cgroup_adopt, and point their ops tables (cgroup_driver.h) at the hr_cgroup_dir_*
 * functions; nothing above the drivers includes this header.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup.h"

/* ---- files ---- */

/* Reads a cgroup file into buf (NUL-terminated, trailing newline removed). */
int hr_cgroup_read(const char *path, const char *file, char *buf, size_t size, struct hr_err *err);
/* Writes value to a cgroup file; the message names the file and the value. */
int hr_cgroup_write(const char *path, const char *file, const char *value, struct hr_err *err);
/* "key value" lines (cgroup.events, memory.events, cpu.stat): the value of key, or -1. */
int64_t hr_cgroup_keyed(const char *text, const char *key);

/* ---- adopting a directory the driver made ---- */

/* Uses an existing cgroup directory (rel below the root) and applies r to it. */
int hr_cgroup_adopt(struct hr_cgroup *cg, const char *rel, const struct hr_resources *r,
		    struct hr_err *err);
/* hardrun's own cgroup v2 path ("/user.slice/x.scope"), read from /proc/self/cgroup. */
int hr_cgroup_self(char *out, size_t size, struct hr_err *err);
/* The same for process pid (0: hardrun), from /proc/PID/cgroup. */
int hr_cgroup_of(pid_t pid, char *out, size_t size, struct hr_err *err);
/* Whether cgroup.procs lists a process (false when it cannot be read). */
bool hr_cgroup_has_processes(const char *path);

/* ---- what the drivers' ops tables point at ---- */

/* Moves pid into the cgroup (cgroup.procs). */
int hr_cgroup_dir_enter(const char *path, pid_t pid, struct hr_err *err);
/*
 * Fills in what an update leaves out but cgroup v2 needs together, from the cgroup's files: the
 * memory limit for a swap limit, the quota for a period. hr_cgroup_dir_apply does it itself.
 */
void hr_cgroup_dir_complete(const char *path, struct hr_resources *r);
/*
 * memory.checkBeforeUpdate: refuses a new memory limit below the cgroup's current usage
 * (memory.current), as runc does, before anything is changed. hr_cgroup_dir_apply calls it.
 */
int hr_cgroup_dir_check_update(const char *path, const struct hr_resources *r, struct hr_err *err);
/* Applies resources to an existing cgroup (update): enables what controllers they need. */
int hr_cgroup_dir_apply(const char *path, const struct hr_resources *r, struct hr_err *err);
/* cgroup.freeze: writes it and waits until cgroup.events says frozen 1/0 (bounded). */
int hr_cgroup_dir_freeze(const char *path, bool frozen, struct hr_err *err);
/* 1 when cgroup.freeze is 1, 0 when not, -1 when it cannot be read. */
int hr_cgroup_dir_is_frozen(const char *path);
/* SIGKILL through cgroup.kill (or each pid), other signals to every pid of cgroup.procs. */
int hr_cgroup_dir_signal(const char *path, int signal, struct hr_err *err);
/* The pids of cgroup.procs, the cgroup's and its descendants'; caller frees *pids. */
int hr_cgroup_dir_pids(const char *path, pid_t **pids, size_t *n, struct hr_err *err);
/*
 * Kills what is left in the cgroup, waits for it to empty (bounded) and removes it, with
 * retries on EBUSY for about a second; then removes up to `parents` ancestors (the ones create
 * made), nearest first, stopping at the first that is not empty. A cgroup that does not exist
 * is not an error.
 */
int hr_cgroup_dir_destroy(const char *path, int parents, struct hr_err *err);

#endif
