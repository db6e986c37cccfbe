/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "idmap.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "namespaces.h"

/* The maps written and the namespace opened while the child holds it. */
static int map_and_open(pid_t pid, const struct hr_id_mapping *uids, size_t n_uids,
			const struct hr_id_mapping *gids, size_t n_gids, struct hr_err *err)
{
	char path[64];
	int fd;

	if (hr_ns_write_map(pid, "uid_map", uids, n_uids, err) < 0 ||
	    hr_ns_write_map(pid, "gid_map", gids, n_gids, err) < 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return hr_err_sys(err, "open %s", path);
	return fd;
}

int hr_idmap_userns_open(const struct hr_id_mapping *uids, size_t n_uids,
			 const struct hr_id_mapping *gids, size_t n_gids, struct hr_err *err)
{
	int hold[2], fd, status;
	pid_t pid;
	char c;

	if (pipe2(hold, O_CLOEXEC) < 0)
		return hr_err_sys(err, "idmap: pipe");
	/* fork-like (no stack given): the child only waits for the pipe to close, then exits */
	pid = (pid_t)syscall(SYS_clone, (unsigned long)(CLONE_NEWUSER | SIGCHLD), NULL, NULL, NULL,
			     NULL);
	if (pid == 0) {
		close(hold[1]);
		while (read(hold[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(hold[0]);
	if (pid < 0) {
		close(hold[1]);
		return hr_err_sys(err, "idmap: clone a user namespace");
	}
	fd = map_and_open(pid, uids, n_uids, gids, n_gids, err);
	close(hold[1]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return fd;
}

static int idmap_error(const struct hr_rootfs_mount *m, struct hr_err *err)
{
	if (errno == EINVAL)
		return hr_err_set(err, EINVAL,
				  "mount to %s: the filesystem of %s cannot be idmapped "
				  "(mount_setattr MOUNT_ATTR_IDMAP: Invalid argument)",
				  m->display, m->source);
	return hr_err_sys(err, "mount to %s: idmap %s (mount_setattr MOUNT_ATTR_IDMAP)", m->display,
			  m->source);
}

static int prepare_one(struct hr_rootfs_mount *m, struct hr_err *err)
{
	unsigned int rec = m->recursive ? AT_RECURSIVE : 0;
	struct mount_attr attr = {.attr_set = m->attr_set, .attr_clr = m->attr_clr};
	_cleanup_close_ int userns = -1, tree = -1;

	userns = hr_idmap_userns_open(m->uid_map, m->n_uid_map, m->gid_map, m->n_gid_map, err);
	if (userns < 0)
		return hr_err_prefix(err, "mount to %s", m->display);
	tree = open_tree(AT_FDCWD, m->source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | rec);
	if (tree < 0)
		return hr_err_sys(err, "mount to %s: open_tree %s", m->display, m->source);
	if ((attr.attr_set | attr.attr_clr) != 0 &&
	    mount_setattr(tree, "", AT_EMPTY_PATH | rec, &attr, sizeof(attr)) < 0)
		return hr_err_sys(err, "mount to %s: set mount attributes", m->display);
	attr = (struct mount_attr){.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns};
	if (mount_setattr(tree, "", AT_EMPTY_PATH | (m->idmap_recursive ? AT_RECURSIVE : 0), &attr,
			  sizeof(attr)) < 0)
		return idmap_error(m, err);
	m->tree_fd = steal_fd(&tree);
	m->has_tree = true;
	return 0;
}

int hr_idmap_prepare(struct hr_rootfs_plan *plan, struct hr_err *err)
{
	if (plan->root_idmap != NULL && !plan->root_idmap->has_tree &&
	    prepare_one(plan->root_idmap, err) < 0)
		return -1;
	for (size_t i = 0; i < plan->n_mounts; i++)
		if (plan->mounts[i].idmap && !plan->mounts[i].has_tree &&
		    prepare_one(&plan->mounts[i], err) < 0)
			return -1;
	return 0;
}
