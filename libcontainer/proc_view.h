/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_PROC_VIEW_H
#define HR_PROC_VIEW_H

/*
 * What the kernel reports about a process, read from the host's side (proc_view.c): its
 * /proc/PID directory opened once and checked to be a procfs, the files under it read relative
 * to that directory. The kernel binds that directory to the process it was opened for, not to
 * the number: a pid reused while reading is never read through it, and once the process is
 * reaped nothing under it resolves (the same guarantee as a pidfd, which valgrind 3.19 cannot
 * run). Nothing here enters the process's namespaces or opens a path the process can
 * redirect: `hardrun verify` believes only the kernel.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "arena.h"
#include "config_model.h"
#include "error.h"

/* Supplementary groups kept per process (the kernel allows 65536; more are counted only). */
#define HR_PROC_VIEW_GROUPS 64

struct hr_proc_view {
	pid_t pid;
	int procfd;   /* /proc/PID, O_DIRECTORY: the handle on the process */
	uid_t uid[4]; /* real, effective, saved, filesystem: as the caller's user namespace sees */
	gid_t gid[4];
	gid_t groups[HR_PROC_VIEW_GROUPS];
	size_t n_groups; /* all of them, maybe more than HR_PROC_VIEW_GROUPS */
	uint64_t cap_inheritable, cap_permitted, cap_effective, cap_bounding, cap_ambient;
	int no_new_privs;	/* 0 or 1 */
	int seccomp_mode;	/* 0 none, 1 strict, 2 filter */
	int seccomp_filters;	/* -1 when the kernel does not say (before 5.9) */
	ino_t ns[HR_NS__COUNT]; /* 0 when the kernel has no such namespace */
	char cgroup[4096];	/* the cgroup v2 path ("0::" line), "" when none */
};

/*
 * Opens pid's /proc directory (start_time, when not 0, must match: see
 * hr_proc_start_time) and reads status, ns/ and cgroup. -ESRCH when the process is gone (or is
 * not the one started at start_time), -1 with err otherwise.
 */
int hr_proc_view_open(pid_t pid, uint64_t start_time, struct hr_proc_view *view,
		      struct hr_err *err);
/* True while the process read is alive: what was read belongs to it, not to a reused pid. */
bool hr_proc_view_alive(const struct hr_proc_view *view);
void hr_proc_view_close(struct hr_proc_view *view);

/* The inode of the caller's own namespace of type, 0 when the kernel has none. */
ino_t hr_proc_own_ns(enum hr_ns_type type);

/* One line of /proc/PID/mountinfo, the paths unescaped (\040 and the like). */
struct hr_mountinfo {
	int id;
	int parent;
	char *root;	   /* the path of the mount's root within its filesystem */
	char *mount_point; /* as the process sees it (relative to its root) */
	char *options;	   /* per-mount: "ro,nosuid,nodev,relatime" */
	char *fstype;
	char *source;
	char *super_options; /* the superblock's: "rw,size=65536k,mode=1777" */
};

/* The process's mount table, in mount order (later mounts cover earlier ones). */
int hr_proc_mountinfo(const struct hr_proc_view *view, struct hr_arena *arena,
		      struct hr_mountinfo **mounts, size_t *n, struct hr_err *err);
/* Whether a comma-separated option list has option (exactly, or as "option=..." for a key). */
bool hr_proc_has_option(const char *list, const char *option);
/* The value of key=VALUE in a comma-separated list into buf; false when absent. */
bool hr_proc_option_value(const char *list, const char *key, char *buf, size_t size);

/*
 * An id the process's user namespace maps from a host one, through /proc/PID/uid_map or
 * gid_map as the caller sees them; false when unmapped. inverse: host id to the namespace's.
 */
bool hr_proc_map_id(const struct hr_proc_view *view, bool gid, uint32_t id, bool inverse,
		    uint32_t *out);

#endif
