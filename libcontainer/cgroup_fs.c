/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The cgroupfs driver: the container's cgroup is a directory hardrun makes itself, at the path
 * linux.cgroupsPath names (see cgroup.h), then adopts like any other (cgroup_dir.c). Everything
 * after creation is the shared directory's (cgroup_dir.c, cgroup_stats.c).
 */
#include "cgroup_fs.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cgroup_dir.h"
#include "cgroup_stats.h"

/*
 * mkdir of every component of rel below the root; counts those created. A parent that
 * existed may vanish under us (another container's delete removes the parents it made once
 * they are empty): start again, a few times.
 */
static int make_dirs(struct hr_cgroup *cg, const char *rel, struct hr_err *err)
{
	size_t root_len = strlen(HR_CGROUP_ROOT);
	int tries = 0;

	if ((size_t)snprintf(cg->path, sizeof(cg->path), "%s%s", HR_CGROUP_ROOT, rel) >=
	    sizeof(cg->path))
		return hr_err_set(err, ENAMETOOLONG, "cgroup path %s", rel);
again:
	for (char *p = cg->path + root_len + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;

		*p = '\0';
		if (mkdir(cg->path, 0755) == 0) {
			cg->n_created++;
		} else if (errno == ENOENT && cg->n_created == 0 && ++tries < 5) {
			*p = saved;
			goto again;
		} else if (errno != EEXIST || cg->n_created > 0) {
			return hr_err_sys(err, "create cgroup %s", cg->path);
		}
		*p = saved;
		if (saved == '\0')
			break;
	}
	if (cg->n_created == 0 && hr_cgroup_has_processes(cg->path))
		return hr_err_set(err, EBUSY, "cgroup %s already exists and has processes",
				  cg->path);
	return 0;
}

static int create_fs(const struct hr_config *config, const char *id, struct hr_cgroup *cg,
		     struct hr_err *err)
{
	static const struct hr_resources none;
	const struct hr_resources *r = &none;
	const char *cgroups_path = config->has_linux ? config->linux_cfg.cgroups_path : NULL;
	char own[PATH_MAX], rel[PATH_MAX];
	struct hr_arena arena = {0};
	struct hr_cgroup_plan plan;
	int ret;

	if (config->has_linux && config->linux_cfg.has_resources)
		r = &config->linux_cfg.resources;
	if (cgroups_path != NULL && cgroups_path[0] != '\0' && cgroups_path[0] != '/' &&
	    hr_cgroup_self(own, sizeof(own), err) < 0)
		return -1;
	if (hr_cgroup_derive_path(cgroups_path, id, own, rel, sizeof(rel), err) < 0)
		return -1;
	/* refuse what cannot be expressed before creating anything */
	ret = hr_cgroup_plan_build(r, &arena, &plan, err);
	hr_arena_free(&arena);
	if (ret < 0 || make_dirs(cg, rel, err) < 0)
		return -1;
	return hr_cgroup_adopt(cg, rel, r, err);
}

const struct hr_cgroup_ops hr_cgroup_fs_ops = {
    .check_host = NULL, /* a cgroup v2 mount is all it needs */
    .create = create_fs,
    .start = NULL, /* create makes the directory; the init is born in it */
    .enter = hr_cgroup_dir_enter,
    .apply = hr_cgroup_dir_apply,
    .freeze = hr_cgroup_dir_freeze,
    .is_frozen = hr_cgroup_dir_is_frozen,
    .kill = hr_cgroup_dir_signal,
    .pids = hr_cgroup_dir_pids,
    .destroy = hr_cgroup_dir_destroy, /* and the parents make_dirs created */
    .stats = hr_cgroup_stats_gen,
    .oom_kills = hr_cgroup_stats_oom_kills,
    .oom_watch = hr_cgroup_stats_oom_watch,
};
