/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The systemd cgroup manager: linux.cgroupsPath "slice:prefix:name" becomes a transient scope
 * unit "prefix-name.scope" in "slice" (default system.slice; absent path: ":hardrun:<id>"),
 * created over sd-bus with Delegate=yes and the resource properties systemd knows, so that a
 * daemon-reload does not undo them. A scope must hold a process when it starts: hardrun puts
 * itself in it, the init is born there, and hardrun moves back to its own cgroup afterwards
 * (hr_cgroup_leave). Inside the delegated scope everything is done as with cgroupfs: the table
 * points at cgroup_dir.c and cgroup_stats.c; this driver never calls the cgroupfs one.
 */
#include "cgroup_systemd.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>
#include <time.h>
#include <unistd.h>

#include "cgroup_dir.h"
#include "cgroup_stats.h"
#include "cleanup.h"
#include "json.h"
#include "log.h"

#define SCOPE_TIMEOUT_MS 10000

static int systemd_check(struct hr_err *err)
{
	if (access("/run/systemd/system", F_OK) < 0)
		return hr_err_set(err, ENOTSUP,
				  "the systemd cgroup manager needs systemd as PID 1 (/run/systemd/"
				  "system does not exist): use --cgroup-manager=cgroupfs");
	return 0;
}

int hr_cgroup_systemd_unit(const char *cgroups_path, const char *id, char *slice, size_t slice_size,
			   char *unit, size_t unit_size, struct hr_err *err)
{
	const char *c1, *c2;
	const char *path = cgroups_path && *cgroups_path ? cgroups_path : NULL;
	char prefix[256];

	if (path == NULL) {
		snprintf(slice, slice_size, "system.slice");
		snprintf(unit, unit_size, "hardrun-%s.scope", id);
		return 0;
	}
	c1 = strchr(path, ':');
	c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (c2 == NULL || strchr(c2 + 1, ':') != NULL || strchr(path, '/') != NULL ||
	    c2[1] == '\0' || (size_t)(c1 - path) >= slice_size ||
	    (size_t)(c2 - c1 - 1) >= sizeof(prefix))
		return hr_err_set(
		    err, EINVAL,
		    "linux.cgroupsPath \"%.256s\": the systemd cgroup manager expects "
		    "\"slice:prefix:name\"",
		    path);
	snprintf(slice, slice_size, "%.*s", (int)(c1 - path), path);
	if (slice[0] == '\0')
		snprintf(slice, slice_size, "system.slice");
	snprintf(prefix, sizeof(prefix), "%.*s", (int)(c2 - c1 - 1), c1 + 1);
	if ((size_t)snprintf(unit, unit_size, "%s%s%s.scope", prefix, prefix[0] ? "-" : "",
			     c2 + 1) >= unit_size)
		return hr_err_set(err, ENAMETOOLONG, "linux.cgroupsPath \"%.64s...\"", path);
	return 0;
}

static int append_resources(sd_bus_message *m, const struct hr_resources *r)
{
	int ret = 0;

	if (r->has_memory && r->memory.limit.set && r->memory.limit.value > 0)
		ret = sd_bus_message_append(m, "(sv)", "MemoryMax", "t",
					    (uint64_t)r->memory.limit.value);
	if (ret >= 0 && r->has_pids && r->pids_limit.set)
		ret = sd_bus_message_append(m, "(sv)", "TasksMax", "t",
					    r->pids_limit.value > 0 ? (uint64_t)r->pids_limit.value
								    : UINT64_MAX);
	if (ret >= 0 && r->has_cpu && r->cpu.shares.set && r->cpu.shares.value > 0)
		ret = sd_bus_message_append(m, "(sv)", "CPUWeight", "t",
					    hr_cgroup_shares_to_weight(r->cpu.shares.value));
	if (ret >= 0 && r->has_cpu && r->cpu.quota.set && r->cpu.quota.value > 0) {
		uint64_t period =
		    r->cpu.period.set && r->cpu.period.value ? r->cpu.period.value : 100000;
		/* systemd counts the quota per second, rounded up to 10 ms as runc does */
		uint64_t per_sec = (uint64_t)r->cpu.quota.value * 1000000 / period;

		per_sec = (per_sec + 9999) / 10000 * 10000;
		ret = sd_bus_message_append(m, "(sv)", "CPUQuotaPerSecUSec", "t", per_sec);
		if (ret >= 0)
			ret = sd_bus_message_append(m, "(sv)", "CPUQuotaPeriodUSec", "t", period);
	}
	return ret;
}

static int start_scope(sd_bus *bus, const char *unit, const char *slice, const char *id,
		       const struct hr_resources *r, struct hr_err *err)
{
	sd_bus_message *m = NULL, *reply = NULL;
	sd_bus_error error = SD_BUS_ERROR_NULL;
	char desc[256];
	int ret;

	snprintf(desc, sizeof(desc), "hardrun container %s", id);
	ret = sd_bus_message_new_method_call(
	    bus, &m, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
	    "org.freedesktop.systemd1.Manager", "StartTransientUnit");
	if (ret >= 0)
		ret = sd_bus_message_append(m, "ss", unit, "fail");
	if (ret >= 0)
		ret = sd_bus_message_open_container(m, 'a', "(sv)");
	if (ret >= 0)
		ret = sd_bus_message_append(m, "(sv)(sv)(sv)(sv)(sv)", "Description", "s", desc,
					    "Slice", "s", slice, "Delegate", "b", 1,
					    "DefaultDependencies", "b", 0, "PIDs", "au", 1,
					    (uint32_t)getpid());
	if (ret >= 0)
		ret = append_resources(m, r);
	if (ret >= 0)
		ret = sd_bus_message_close_container(m);
	if (ret >= 0)
		ret = sd_bus_message_append(m, "a(sa(sv))", 0);
	if (ret < 0) {
		sd_bus_message_unref(m);
		return hr_err_set(err, -ret, "build the systemd StartTransientUnit call");
	}
	ret = sd_bus_call(bus, m, 0, &error, &reply);
	sd_bus_message_unref(m);
	sd_bus_message_unref(reply);
	if (ret < 0) {
		hr_err_set(err, -ret, "systemd: start transient unit %s in %s: %s", unit, slice,
			   error.message ? error.message : "failed");
		sd_bus_error_free(&error);
		return -1;
	}
	return 0;
}

/* The system bus, or systemd's private socket when no bus daemon runs (root only). */
static int connect_systemd(sd_bus **bus)
{
	int ret = sd_bus_default_system(bus);

	if (ret >= 0)
		return ret;
	ret = sd_bus_new(bus);
	if (ret < 0)
		return ret;
	ret = sd_bus_set_address(*bus, "unix:path=/run/systemd/private");
	if (ret >= 0)
		ret = sd_bus_start(*bus);
	if (ret < 0) {
		sd_bus_unref(*bus);
		*bus = NULL;
	}
	return ret;
}

/* The job that starts the scope moves us: wait until /proc/self/cgroup ends with the unit. */
static int wait_in_scope(const char *unit, char *cgroup, size_t size, struct hr_err *err)
{
	struct timespec ts = {.tv_nsec = 10 * 1000000};

	for (int ms = 0; ms < SCOPE_TIMEOUT_MS; ms += 10) {
		const char *leaf;

		if (hr_cgroup_self(cgroup, size, err) < 0)
			return -1;
		leaf = strrchr(cgroup, '/');
		if (leaf != NULL && strcmp(leaf + 1, unit) == 0)
			return 0;
		nanosleep(&ts, NULL);
	}
	return hr_err_set(err, ETIMEDOUT, "systemd did not start %s within %d s", unit,
			  SCOPE_TIMEOUT_MS / 1000);
}

/* A transient scope (Delegate=yes) from "slice:prefix:name", then the plan applied in it. */
static int systemd_create(const struct hr_config *config, const char *id, struct hr_cgroup *cg,
			  struct hr_err *err)
{
	static const struct hr_resources none;
	const struct hr_resources *r = &none;
	char slice[256], unit[512], scope[PATH_MAX];
	sd_bus *bus = NULL;
	int ret;

	if (config->has_linux && config->linux_cfg.has_resources)
		r = &config->linux_cfg.resources;
	if (systemd_check(err) < 0 ||
	    hr_cgroup_systemd_unit(config->has_linux ? config->linux_cfg.cgroups_path : NULL, id,
				   slice, sizeof(slice), unit, sizeof(unit), err) < 0 ||
	    hr_cgroup_self(cg->own, sizeof(cg->own), err) < 0)
		return -1;
	ret = connect_systemd(&bus);
	if (ret < 0)
		return hr_err_set(err, -ret,
				  "connect to systemd (system bus or /run/systemd/private)");
	ret = start_scope(bus, unit, slice, id, r, err);
	sd_bus_flush_close_unref(bus);
	if (ret < 0)
		return -1;
	cg->leave_own = true;
	if (wait_in_scope(unit, scope, sizeof(scope), err) < 0)
		return -1;
	return hr_cgroup_adopt(cg, scope, r, err);
}

const struct hr_cgroup_ops hr_cgroup_systemd_ops = {
    .check_host = systemd_check,
    .create = systemd_create,
    .enter = hr_cgroup_dir_enter,
    .apply = hr_cgroup_dir_apply,
    .freeze = hr_cgroup_dir_freeze,
    .is_frozen = hr_cgroup_dir_is_frozen,
    .kill = hr_cgroup_dir_signal,
    .pids = hr_cgroup_dir_pids,
    /* the scope's directory is removed as any other; no call to systemd */
    .destroy = hr_cgroup_dir_destroy,
    .stats = hr_cgroup_stats_event,
    .oom_kills = hr_cgroup_stats_oom_kills,
    .oom_watch = hr_cgroup_stats_oom_watch,
};
