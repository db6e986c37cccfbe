/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cgroup.h"

#include <errno.h>
#include <linux/magic.h>
#include <sys/vfs.h>

#include "log.h"

bool hr_cgroup_config_has_limits(const struct hr_config *config)
{
	const struct hr_resources *r = &config->linux_cfg.resources;

	if (!config->has_linux || !config->linux_cfg.has_resources)
		return false;
	return r->has_memory || r->has_cpu || r->has_pids || r->has_block_io ||
	       r->n_hugepage_limits > 0 || r->n_unified > 0 || r->n_devices > 0;
}

int hr_cgroup_check_host(const struct hr_context *ctx, const struct hr_config *config,
			 struct hr_err *err)
{
	struct statfs sfs;

	if (ctx->cgroup_manager == HR_CGROUP_DISABLED) {
		if (hr_cgroup_config_has_limits(config))
			hr_warning("the cgroup manager is disabled: the resource limits in "
				   "linux.resources are NOT applied");
		return 0;
	}
	if (statfs("/sys/fs/cgroup", &sfs) < 0)
		return hr_err_sys(err, "statfs /sys/fs/cgroup");
	if (sfs.f_type != CGROUP2_SUPER_MAGIC)
		return hr_err_set(err, ENOTSUP,
				  "/sys/fs/cgroup is not a pure cgroup v2 mount and hardrun manages "
				  "cgroup v2 only: use --cgroup-manager=disabled to run without "
				  "resource control, or --systemd-cgroup / --cgroup-manager=systemd "
				  "on a systemd host with cgroup v2");
	return hr_err_set(err, ENOTSUP,
			  "cgroup v2 resource control is not available in this build yet: use "
			  "--cgroup-manager=disabled");
}
