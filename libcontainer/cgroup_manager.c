/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The cgroup manager: what container code calls of the cgroup layer (cgroup_manager.h). It
 * chooses a driver's ops table (cgroup_fs.h, cgroup_systemd.h) once, from --cgroup-manager to
 * create a cgroup and from the container's recorded manager (struct hr_cgroup_handle)
 * afterwards, and reaches the directory only through that table.
 */
#include "cgroup_manager.h"

#include <errno.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cgroup_fs.h"
#include "cgroup_systemd.h"
#include "log.h"

/* The driver for the manager; NULL when disabled (no cgroup at all). */
static const struct hr_cgroup_ops *driver_for(enum hr_cgroup_manager manager)
{
	switch (manager) {
	case HR_CGROUP_CGROUPFS:
		return &hr_cgroup_fs_ops;
	case HR_CGROUP_SYSTEMD:
		return &hr_cgroup_systemd_ops;
	case HR_CGROUP_DISABLED:
		break;
	}
	return NULL;
}

/* ---- creating ---- */

/* Without a manager a config's limits are warned about; a rootless default is said once. */
static void disabled_note(const struct hr_context *ctx, bool has_limits)
{
	if (ctx->cgroup_rootless_default)
		hr_log(has_limits ? HR_LOG_WARNING : HR_LOG_DEBUG,
		       "rootless (uid %u): no cgroup manager unless --cgroup-manager names one "
		       "for a delegated cgroup%s",
		       (unsigned)geteuid(),
		       has_limits ? ": the resource limits in linux.resources are NOT applied"
				  : "");
	else if (has_limits)
		hr_warning("the cgroup manager is disabled: the resource limits in "
			   "linux.resources are NOT applied");
}

int hr_cgroup_check_host(const struct hr_context *ctx, const struct hr_config *config,
			 struct hr_err *err)
{
	const struct hr_cgroup_ops *driver = driver_for(ctx->cgroup_manager);
	struct statfs sfs;

	if (driver == NULL) {
		disabled_note(ctx, hr_cgroup_config_has_limits(config));
		return 0;
	}
	/* the driver's own needs first: a missing library says what to install */
	if (driver->check_host != NULL && driver->check_host(ctx->rootless, err) < 0)
		return -1;
	if (statfs(HR_CGROUP_ROOT, &sfs) < 0)
		return hr_err_sys(err, "statfs " HR_CGROUP_ROOT);
	if (sfs.f_type != CGROUP2_SUPER_MAGIC)
		return hr_err_set(
		    err, ENOTSUP,
		    "/sys/fs/cgroup is not a pure cgroup v2 mount and hardrun manages "
		    "cgroup v2 only: use --cgroup-manager=disabled to run without "
		    "resource control, or --systemd-cgroup / --cgroup-manager=systemd "
		    "on a systemd host with cgroup v2");
	return 0;
}

void hr_cgroup_init(struct hr_cgroup *cg)
{
	cg->manager = HR_CGROUP_DISABLED;
	cg->path[0] = '\0';
	cg->fd = -1;
	cg->n_created = 0;
	cg->own[0] = '\0';
	cg->leave_own = false;
	cg->rootless = false;
	cg->scope_pending = false;
	cg->unit[0] = '\0';
	cg->slice[0] = '\0';
	cg->config = NULL;
	cg->id = NULL;
}

int hr_cgroup_place(struct hr_cgroup *cg, pid_t pid, struct hr_err *err)
{
	const struct hr_cgroup_ops *driver = driver_for(cg->manager);

	if (driver == NULL || !cg->scope_pending || driver->start == NULL)
		return 0;
	return driver->start(cg, pid, err);
}

void hr_cgroup_leave(struct hr_cgroup *cg)
{
	const struct hr_cgroup_ops *driver = driver_for(cg->manager);
	char dir[sizeof(cg->own) + sizeof(HR_CGROUP_ROOT)];
	struct hr_err err;

	if (!cg->leave_own || driver == NULL)
		return;
	cg->leave_own = false;
	snprintf(dir, sizeof(dir), "%s%s", HR_CGROUP_ROOT, strcmp(cg->own, "/") ? cg->own : "");
	if (driver->enter(dir, getpid(), &err) == 0)
		return;
	/* rootless, hardrun's own cgroup is seldom the user's to write (a login session's) */
	if (cg->rootless && (err.errnum == EACCES || err.errnum == EPERM))
		hr_debug("rootless: cannot go back to cgroup %s (%s): hardrun stays in the "
			 "container's scope until it exits",
			 dir, err.msg);
	else
		hr_warning("go back to cgroup %s: %s", dir, err.msg);
}

void hr_cgroup_remove_created(struct hr_cgroup *cg)
{
	const struct hr_cgroup_ops *driver = driver_for(cg->manager);
	struct hr_err err;

	if (driver == NULL || cg->path[0] == '\0' || cg->n_created == 0)
		return;
	if (driver->destroy(cg->path, cg->n_created - 1, &err) < 0) {
		hr_warning("%s", err.msg);
		return;
	}
	cg->n_created = 0;
}

void hr_cgroup_close(struct hr_cgroup *cg)
{
	hr_cgroup_leave(cg);
	if (cg->fd >= 0)
		close(cg->fd);
	cg->fd = -1;
}

int hr_cgroup_create(const struct hr_context *ctx, const struct hr_config *config, const char *id,
		     struct hr_cgroup *cg, struct hr_err *err)
{
	const struct hr_cgroup_ops *driver = driver_for(ctx->cgroup_manager);
	int r;

	hr_cgroup_init(cg);
	if (driver == NULL)
		return 0;
	cg->manager = ctx->cgroup_manager;
	cg->rootless = ctx->rootless;
	r = driver->create(config, id, cg, err);
	if (r == 0)
		return 0;
	/* whatever the driver got to: back to our own cgroup, then remove what it made */
	hr_cgroup_leave(cg);
	hr_cgroup_remove_created(cg);
	hr_cgroup_close(cg);
	cg->path[0] = '\0';
	return r;
}

/* ---- an existing container's cgroup ---- */

/* The driver that serves cg; NULL (err set) for a container without a cgroup. */
static const struct hr_cgroup_ops *driver_of(const struct hr_cgroup_handle *cg, struct hr_err *err)
{
	const struct hr_cgroup_ops *driver = cg->path != NULL ? driver_for(cg->manager) : NULL;

	if (driver == NULL && err != NULL)
		hr_err_set(err, ENOTSUP,
			   "no cgroup: the container runs with "
			   "--cgroup-manager=disabled");
	return driver;
}

int hr_cgroup_enter(const struct hr_cgroup_handle *cg, pid_t pid, struct hr_err *err)
{
	const struct hr_cgroup_ops *driver = driver_of(cg, err);

	return driver != NULL ? driver->enter(cg->path, pid, err) : -1;
}

int hr_cgroup_apply(const struct hr_cgroup_handle *cg, const struct hr_resources *r,
		    struct hr_err *err)
{
	const struct hr_cgroup_ops *driver = driver_of(cg, err);

	return driver != NULL ? driver->apply(cg->path, r, err) : -1;
}

int hr_cgroup_freeze(const struct hr_cgroup_handle *cg, bool frozen, struct hr_err *err)
{
	const struct hr_cgroup_ops *driver = driver_of(cg, err);

	return driver != NULL ? driver->freeze(cg->path, frozen, err) : -1;
}

int hr_cgroup_is_frozen(const struct hr_cgroup_handle *cg)
{
	const struct hr_cgroup_ops *driver = driver_of(cg, NULL);

	return driver != NULL ? driver->is_frozen(cg->path) : -1;
}

int hr_cgroup_kill(const struct hr_cgroup_handle *cg, int signal, struct hr_err *err)
{
	const struct hr_cgroup_ops *driver = driver_of(cg, err);

	return driver != NULL ? driver->kill(cg->path, signal, err) : -1;
}

int hr_cgroup_pids(const struct hr_cgroup_handle *cg, pid_t **pids, size_t *n, struct hr_err *err)
{
	const struct hr_cgroup_ops *driver = driver_of(cg, err);

	*pids = NULL;
	*n = 0;
	return driver != NULL ? driver->pids(cg->path, pids, n, err) : -1;
}

int hr_cgroup_destroy(const struct hr_cgroup_handle *cg, struct hr_err *err)
{
	const struct hr_cgroup_ops *driver = driver_of(cg, NULL);

	return driver != NULL ? driver->destroy(cg->path, cg->parents_created, err) : 0;
}

int hr_cgroup_stats(const struct hr_cgroup_handle *cg, yajl_gen g, struct hr_err *err)
{
	const struct hr_cgroup_ops *driver = driver_of(cg, err);

	return driver != NULL ? driver->stats(g, cg->path, err) : -1;
}

int64_t hr_cgroup_oom_kills(const struct hr_cgroup_handle *cg)
{
	const struct hr_cgroup_ops *driver = driver_of(cg, NULL);

	return driver != NULL ? driver->oom_kills(cg->path) : 0;
}

int hr_cgroup_oom_watch(const struct hr_cgroup_handle *cg)
{
	const struct hr_cgroup_ops *driver = driver_of(cg, NULL);

	return driver != NULL ? driver->oom_watch(cg->path) : -1;
}
