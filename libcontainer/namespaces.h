/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_NAMESPACES_H
#define HR_NAMESPACES_H

/*
 * Namespaces of a new container. Namespaces to create become clone3 flags; namespaces to join
 * ("path") are opened in the parent before clone, so that the child only calls setns on fds.
 * pid and time namespaces apply to a process's children only: the parent itself enters them
 * (setns, or unshare + timens_offsets) right before clone3, so the child is born inside.
 */
#include <stdbool.h>
#include <sys/types.h>

#include "config.h"
#include "error.h"

struct hr_ns_plan {
	unsigned long clone_flags; /* CLONE_NEW* given to clone3 */
	unsigned long
	    unshare_flags; /* created by the child with unshare (after joining a user ns) */
	int join_fds[HR_NS__COUNT]; /* -1 when not joined */
	bool new_user;		    /* a user namespace is created: the parent writes the maps */
	/*
	 * ... as an unprivileged user (rootless): through /proc/PID files that belong to root
	 * while the child is not dumpable, so the child stays dumpable until they are written.
	 */
	bool maps_unprivileged;
	/*
	 * The identity the child takes in its new user namespace before it sets up the rootfs:
	 * files and mount points it creates must belong to a mapped id (the kernel refuses
	 * directories of an unmapped owner on the container's own filesystems: EOVERFLOW).
	 * Container root when it is mapped, else the first mapped id.
	 */
	uid_t setup_uid;
	gid_t setup_gid;
	/*
	 * A new time namespace with a new user namespace: the child creates it once in that user
	 * namespace, which then owns it (as the container's other namespaces; a rootless parent
	 * could not create it at all). Without a new user namespace the parent creates it.
	 */
	bool time_in_child;
};

unsigned long hr_ns_clone_flag(enum hr_ns_type type);
/* Whether the config gives the container a namespace of this type (new or joined). */
bool hr_ns_configured(const struct hr_config *config, enum hr_ns_type type);
const char *hr_ns_proc_name(enum hr_ns_type type); /* the name under /proc/<pid>/ns/ */

/* Parent, before clone: open the paths to join, compute the flags. */
int hr_ns_plan_build(const struct hr_linux *linux_cfg, struct hr_ns_plan *plan, struct hr_err *err);
void hr_ns_plan_close(struct hr_ns_plan *plan);

/* Parent, right before clone3: enter the pid/time namespaces the child must be born in. */
int hr_ns_enter_for_children(const struct hr_ns_plan *plan, const struct hr_linux *linux_cfg,
			     struct hr_err *err);

/*
 * Writes maps to /proc/PID/FILE (uid_map or gid_map), "containerID hostID size" per line, after
 * checking that the file is on a procfs.
 */
int hr_ns_write_map(pid_t pid, const char *file, const struct hr_id_mapping *maps, size_t n,
		    struct hr_err *err);

/*
 * Parent, after clone: write uid_map and gid_map of the child's new user namespace. Root
 * writes them itself. An unprivileged parent (rootless) writes a map that is the one line of
 * its own id itself, after "deny" to /proc/PID/setgroups for gid_map as the kernel requires,
 * and has newuidmap/newgidmap (package uidmap, ranges from /etc/subuid and /etc/subgid) write
 * any other.
 */
int hr_ns_write_id_maps(pid_t pid, const struct hr_linux *linux_cfg, struct hr_err *err);

/*
 * /proc/self/timens_offsets for writing, checked to be on a procfs. The child of time_in_child
 * opens it first thing, while it is still dumpable: once it is not, the file is the host
 * root's, which the child's user namespace does not map.
 */
int hr_ns_open_time_offsets(struct hr_err *err);

/*
 * Child: join the namespaces given by path (user first), then unshare what is left; in a new
 * user namespace, create the time namespace (time_in_child: linux_cfg's offsets written to
 * time_offsets_fd, from hr_ns_open_time_offsets) and take the plan's setup identity.
 */
int hr_ns_join(const struct hr_ns_plan *plan, const struct hr_linux *linux_cfg, int time_offsets_fd,
	       struct hr_err *err);

#endif
