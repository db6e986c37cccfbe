/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arena.h"
#include "cleanup.h"
#include "paths.h"
#include "procfs.h"

extern char **environ;

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct {
	unsigned long flag;
	const char *proc_name;
} ns_info[HR_NS__COUNT] = {
    [HR_NS_PID] = {CLONE_NEWPID, "pid"},	  [HR_NS_NETWORK] = {CLONE_NEWNET, "net"},
    [HR_NS_MOUNT] = {CLONE_NEWNS, "mnt"},	  [HR_NS_IPC] = {CLONE_NEWIPC, "ipc"},
    [HR_NS_UTS] = {CLONE_NEWUTS, "uts"},	  [HR_NS_USER] = {CLONE_NEWUSER, "user"},
    [HR_NS_CGROUP] = {CLONE_NEWCGROUP, "cgroup"}, [HR_NS_TIME] = {CLONE_NEWTIME, "time"},
};

unsigned long hr_ns_clone_flag(enum hr_ns_type type)
{
	return ns_info[type].flag;
}

bool hr_ns_configured(const struct hr_config *config, enum hr_ns_type type)
{
	for (size_t i = 0; config->has_linux && i < config->linux_cfg.n_namespaces; i++)
		if (config->linux_cfg.namespaces[i].type == type)
			return true;
	return false;
}

const char *hr_ns_proc_name(enum hr_ns_type type)
{
	return ns_info[type].proc_name;
}

void hr_ns_plan_close(struct hr_ns_plan *plan)
{
	for (int i = 0; i < HR_NS__COUNT; i++) {
		if (plan->join_fds[i] >= 0)
			close(plan->join_fds[i]);
		plan->join_fds[i] = -1;
	}
}

static bool id_mapped(const struct hr_id_mapping *maps, size_t n, uint32_t id)
{
	for (size_t i = 0; i < n; i++)
		if (id >= maps[i].container_id && id - maps[i].container_id < maps[i].size)
			return true;
	return false;
}

/* Container root when it is mapped, else the lowest container id of the first mapping. */
static uint32_t setup_id(const struct hr_id_mapping *maps, size_t n)
{
	return n == 0 || id_mapped(maps, n, 0) ? 0 : maps[0].container_id;
}

int hr_ns_plan_build(const struct hr_linux *linux_cfg, struct hr_ns_plan *plan, struct hr_err *err)
{
	memset(plan, 0, sizeof(*plan));
	for (int i = 0; i < HR_NS__COUNT; i++)
		plan->join_fds[i] = -1;
	for (size_t i = 0; linux_cfg != NULL && i < linux_cfg->n_namespaces; i++) {
		const struct hr_namespace *ns = &linux_cfg->namespaces[i];

		if (ns->path == NULL) {
			plan->clone_flags |= ns_info[ns->type].flag;
			continue;
		}
		plan->join_fds[ns->type] = open(ns->path, O_RDONLY | O_CLOEXEC);
		if (plan->join_fds[ns->type] < 0) {
			hr_err_sys(err, "open %s namespace %s", hr_ns_type_name(ns->type),
				   ns->path);
			hr_ns_plan_close(plan);
			return -1;
		}
	}
	plan->new_user = (plan->clone_flags & CLONE_NEWUSER) != 0;
	plan->maps_unprivileged = plan->new_user && geteuid() != 0;
	if (plan->new_user) {
		plan->setup_uid = setup_id(linux_cfg->uid_mappings, linux_cfg->n_uid_mappings);
		plan->setup_gid = setup_id(linux_cfg->gid_mappings, linux_cfg->n_gid_mappings);
	}
	/* a time namespace is created with unshare: by the parent (see enter_for_children), or by
	 * the child in its new user namespace */
	plan->time_in_child = plan->new_user && (plan->clone_flags & CLONE_NEWTIME) != 0;
	plan->clone_flags &= ~(unsigned long)CLONE_NEWTIME;
	/*
	 * Joining a user namespace must come before creating the others, so that they are owned
	 * by it: then the child creates them itself after setns (pid stays with clone3).
	 */
	if (plan->join_fds[HR_NS_USER] >= 0) {
		plan->unshare_flags = plan->clone_flags & ~(unsigned long)CLONE_NEWPID;
		plan->clone_flags &= CLONE_NEWPID;
	}
	return 0;
}

int hr_ns_open_time_offsets(struct hr_err *err)
{
	return hr_procfs_open("self/timens_offsets", O_WRONLY, err);
}

/* The offsets act on the namespace the writer's children get, which nothing has entered yet. */
static int write_time_offsets(int fd, const struct hr_linux *linux_cfg, struct hr_err *err)
{
	static const char *const clocks[2] = {"boottime", "monotonic"};

	for (int i = 0; i < 2; i++) {
		char line[96];
		int n;

		if (!linux_cfg->time_offsets[i].set)
			continue;
		n = snprintf(line, sizeof(line), "%s %lld %u\n", clocks[i],
			     (long long)linux_cfg->time_offsets[i].secs,
			     linux_cfg->time_offsets[i].nanosecs);
		if (write(fd, line, (size_t)n) != n)
			return hr_err_sys(err, "write %s offset to /proc/self/timens_offsets",
					  clocks[i]);
	}
	return 0;
}

int hr_ns_enter_for_children(const struct hr_ns_plan *plan, const struct hr_linux *linux_cfg,
			     struct hr_err *err)
{
	bool new_time = false;

	for (size_t i = 0; linux_cfg != NULL && i < linux_cfg->n_namespaces; i++)
		if (linux_cfg->namespaces[i].type == HR_NS_TIME &&
		    linux_cfg->namespaces[i].path == NULL)
			new_time = true;
	if (plan->join_fds[HR_NS_PID] >= 0 && setns(plan->join_fds[HR_NS_PID], CLONE_NEWPID) < 0)
		return hr_err_sys(err, "join pid namespace");
	if (plan->join_fds[HR_NS_TIME] >= 0 && setns(plan->join_fds[HR_NS_TIME], CLONE_NEWTIME) < 0)
		return hr_err_sys(err, "join time namespace");
	if (new_time && !plan->time_in_child) {
		_cleanup_close_ int fd = -1;

		if (unshare(CLONE_NEWTIME) < 0)
			return hr_err_sys(err, "create time namespace");
		fd = hr_ns_open_time_offsets(err);
		if (fd < 0 || write_time_offsets(fd, linux_cfg, err) < 0)
			return -1;
	}
	return 0;
}

/*
 * Child, in its new user namespace with every capability there: unshare(CLONE_NEWTIME) makes
 * the namespace for the children only; the offsets are written while nothing is in it yet,
 * then the child enters it itself, so that the process it executes is in it.
 */
static int enter_new_time(int offsets_fd, const struct hr_linux *linux_cfg, struct hr_err *err)
{
	_cleanup_close_ int fd = -1;

	if (unshare(CLONE_NEWTIME) < 0)
		return hr_err_sys(err, "create time namespace");
	if (write_time_offsets(offsets_fd, linux_cfg, err) < 0)
		return -1;
	fd = open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return hr_err_sys(err, "open /proc/self/ns/time_for_children");
	if (setns(fd, CLONE_NEWTIME) < 0)
		return hr_err_sys(err, "enter the new time namespace");
	return 0;
}

int hr_ns_write_map(pid_t pid, const char *file, const struct hr_id_mapping *maps, size_t n,
		    struct hr_err *err)
{
	char path[64], buf[4096];
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		int w = snprintf(buf + len, sizeof(buf) - len, "%u %u %u\n", maps[i].container_id,
				 maps[i].host_id, maps[i].size);
		if (w < 0 || (size_t)w >= sizeof(buf) - len)
			return hr_err_set(err, E2BIG, "%s: too many mappings", file);
		len += (size_t)w;
	}
	snprintf(path, sizeof(path), "%d/%s", (int)pid, file);
	/* a map written anywhere else than procfs would map nothing, silently */
	return hr_procfs_write(path, buf, len, err);
}

/* The one line an unprivileged writer may write itself: its own id, once. */
static bool own_id_only(const struct hr_id_mapping *maps, size_t n, uint32_t own)
{
	return n == 1 && maps[0].host_id == own && maps[0].size == 1;
}

/* An unprivileged writer's gid_map needs setgroups(2) denied in the namespace first. */
static int deny_setgroups(pid_t pid, struct hr_err *err)
{
	char path[64];

	snprintf(path, sizeof(path), "%d/setgroups", (int)pid);
	return hr_procfs_write(path, "deny", 4, err);
}

/*
 * Runs newuidmap or newgidmap (package uidmap): the setuid helpers that write more than the
 * caller's own id, within the ranges /etc/subuid and /etc/subgid give it.
 */
static int run_id_helper(const char *helper, const char *ranges, pid_t pid,
			 const struct hr_id_mapping *maps, size_t n, struct hr_err *err)
{
	_cleanup_free_ char **argv = hr_xmalloc((3 * n + 3) * sizeof(*argv));
	_cleanup_free_ char *args = hr_xmalloc(12 * (3 * n + 1));
	char *p = args;
	pid_t child;
	int status, r;

	argv[0] = (char *)helper;
	argv[1] = p;
	p += sprintf(p, "%d", (int)pid) + 1;
	for (size_t i = 0; i < n; i++) {
		const uint32_t v[3] = {maps[i].container_id, maps[i].host_id, maps[i].size};

		for (size_t j = 0; j < 3; j++) {
			argv[2 + 3 * i + j] = p;
			p += sprintf(p, "%u", v[j]) + 1;
		}
	}
	argv[3 * n + 2] = NULL;
	r = posix_spawnp(&child, helper, NULL, NULL, argv, environ);
	if (r != 0)
		return hr_err_set(err, r,
				  "rootless: mapping more ids than your own needs %s (package "
				  "uidmap) and a range in %s",
				  helper, ranges);
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			return hr_err_sys(err, "wait for %s", helper);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return hr_err_set(err, 0,
				  "rootless: %s %d failed (its message is above): %s must give "
				  "uid %u the ranges the config maps",
				  helper, (int)pid, ranges, (unsigned)geteuid());
	return 0;
}

int hr_ns_write_id_maps(pid_t pid, const struct hr_linux *linux_cfg, struct hr_err *err)
{
	const struct hr_id_mapping *uids = linux_cfg->uid_mappings, *gids = linux_cfg->gid_mappings;
	size_t n_uids = linux_cfg->n_uid_mappings, n_gids = linux_cfg->n_gid_mappings;
	int r;

	if (geteuid() == 0) {
		if (hr_ns_write_map(pid, "uid_map", uids, n_uids, err) < 0)
			return -1;
		return hr_ns_write_map(pid, "gid_map", gids, n_gids, err);
	}
	/* unprivileged: its own id itself, anything more through the setuid helpers */
	if (own_id_only(uids, n_uids, geteuid()))
		r = hr_ns_write_map(pid, "uid_map", uids, n_uids, err);
	else
		r = run_id_helper("newuidmap", "/etc/subuid", pid, uids, n_uids, err);
	if (r < 0)
		return -1;
	if (!own_id_only(gids, n_gids, getegid()))
		return run_id_helper("newgidmap", "/etc/subgid", pid, gids, n_gids, err);
	if (deny_setgroups(pid, err) < 0)
		return -1;
	return hr_ns_write_map(pid, "gid_map", gids, n_gids, err);
}

int hr_ns_join(const struct hr_ns_plan *plan, const struct hr_linux *linux_cfg, int time_offsets_fd,
	       struct hr_err *err)
{
	static const enum hr_ns_type order[] = {HR_NS_USER, HR_NS_MOUNT, HR_NS_NETWORK,
						HR_NS_IPC,  HR_NS_UTS,	 HR_NS_CGROUP};

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		enum hr_ns_type t = order[i];

		if (plan->join_fds[t] >= 0 && setns(plan->join_fds[t], (int)ns_info[t].flag) < 0)
			return hr_err_sys(err, "join %s namespace", hr_ns_type_name(t));
	}
	if (plan->unshare_flags != 0 && unshare((int)plan->unshare_flags) < 0)
		return hr_err_sys(err, "create namespaces after joining the user namespace");
	if (!plan->new_user)
		return 0;
	/* before the setup identity: a non-root one has no capability left */
	if (plan->time_in_child && enter_new_time(time_offsets_fd, linux_cfg, err) < 0)
		return -1;
	/* gid first: after setresuid to a non-root id the child may lack CAP_SETGID */
	if (setresgid(plan->setup_gid, plan->setup_gid, plan->setup_gid) < 0)
		return hr_err_sys(err, "take gid %u in the new user namespace",
				  (unsigned)plan->setup_gid);
	if (setresuid(plan->setup_uid, plan->setup_uid, plan->setup_uid) < 0)
		return hr_err_sys(err, "take uid %u in the new user namespace",
				  (unsigned)plan->setup_uid);
	return 0;
}
