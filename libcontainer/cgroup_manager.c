/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The cgroup manager: the one place that chooses a driver from --cgroup-manager. It picks the
 * driver's ops table (cgroup_fs.h, cgroup_systemd.h) and is what container code calls to check
 * the host and create a container's cgroup; everything after creation goes to cgroup_dir.c
 * directly, since both drivers leave a plain cgroup v2 directory behind.
 */
#include "cgroup.h"

#include <errno.h>
#include <linux/magic.h>
#include <sys/vfs.h>

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

int hr_cgroup_check_host(const struct hr_context *ctx, const struct hr_config *config,
			 struct hr_err *err)
{
	const struct hr_cgroup_ops *driver = driver_for(ctx->cgroup_manager);
	struct statfs sfs;

	if (driver == NULL) {
		if (hr_cgroup_config_has_limits(config))
			hr_warning("the cgroup manager is disabled: the resource limits in "
				   "linux.resources are NOT applied");
		return 0;
	}
	if (statfs(HR_CGROUP_ROOT, &sfs) < 0)
		return hr_err_sys(err, "statfs " HR_CGROUP_ROOT);
	if (sfs.f_type != CGROUP2_SUPER_MAGIC)
		return hr_err_set(
		    err, ENOTSUP,
		    "/sys/fs/cgroup is not a pure cgroup v2 mount and hardrun manages "
		    "cgroup v2 only: use --cgroup-manager=disabled to run without "
		    "resource control, or --systemd-cgroup / --cgroup-manager=systemd "
		    "on a systemd host with cgroup v2");
	return driver->check_host != NULL ? driver->check_host(err) : 0;
}

int hr_cgroup_create(const struct hr_context *ctx, const struct hr_config *config, const char *id,
		     struct hr_cgroup *cg, struct hr_err *err)
{
	const struct hr_cgroup_ops *driver = driver_for(ctx->cgroup_manager);
	int r;

	hr_cgroup_init(cg);
	if (driver == NULL)
		return 0;
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
