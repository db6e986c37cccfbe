/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The systemd cgroup manager: linux.cgroupsPath "slice:prefix:name" becomes a transient scope
 * unit "prefix-name.scope" in "slice" (default system.slice; absent path: ":hardrun:<id>"),
 * created over sd-bus with Delegate=yes and the resource properties systemd knows
 * (cgroup_sdprops.h), so that a daemon-reload does not undo them. A scope must hold a process
 * when it starts: hardrun puts itself in it, the init is born there, and hardrun moves back to
 * its own cgroup afterwards (hr_cgroup_leave). `update` sets the same properties on the scope
 * (SetUnitProperties, runtime) before it writes the files, for the same reason. Otherwise,
 * inside the delegated scope everything is done as with cgroupfs: the table points at
 * cgroup_dir.c and cgroup_stats.c; this driver never calls the cgroupfs one.
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

#include "arena.h"
#include "cgroup_dir.h"
#include "cgroup_sdprops.h"
#include "cgroup_stats.h"
#include "cleanup.h"
#include "json.h"
#include "log.h"

#define SCOPE_TIMEOUT_MS 10000

/* sd-bus's own cleanup functions */
#define _cleanup_bus_message_ __attribute__((cleanup(sd_bus_message_unrefp)))
#define _cleanup_bus_error_   __attribute__((cleanup(sd_bus_error_free)))

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

/* One property of the resources: (sv) with a "t" or, for a bitmask, an "ay". */
static int append_prop(sd_bus_message *m, const struct hr_sd_prop *p)
{
	int ret;

	if (!p->is_mask)
		return sd_bus_message_append(m, "(sv)", p->name, "t", p->value);
	ret = sd_bus_message_open_container(m, 'r', "sv");
	if (ret >= 0)
		ret = sd_bus_message_append(m, "s", p->name);
	if (ret >= 0)
		ret = sd_bus_message_open_container(m, 'v', "ay");
	if (ret >= 0)
		ret = sd_bus_message_append_array(m, 'y', p->bytes, p->n_bytes);
	if (ret >= 0)
		ret = sd_bus_message_close_container(m);
	if (ret >= 0)
		ret = sd_bus_message_close_container(m);
	return ret;
}

/*
 * A call to systemd's manager that carries the resources' properties: StartTransientUnit when
 * slice is set (create: the scope, with hardrun in it), SetUnitProperties otherwise (update:
 * runtime, so until the next boot, as runc).
 */
struct unit_call {
	const char *unit;
	const char *slice; /* StartTransientUnit */
	const char *id;	   /* StartTransientUnit: for the description */
};

static int append_scope_props(sd_bus_message *m, const struct unit_call *c)
{
	char desc[256];

	snprintf(desc, sizeof(desc), "hardrun container %s", c->id);
	return sd_bus_message_append(m, "(sv)(sv)(sv)(sv)(sv)", "Description", "s", desc, "Slice",
				     "s", c->slice, "Delegate", "b", 1, "DefaultDependencies", "b",
				     0, "PIDs", "au", 1, (uint32_t)getpid());
}

static int build_call(sd_bus *bus, const struct unit_call *c, const struct hr_sd_props *props,
		      sd_bus_message **out)
{
	_cleanup_bus_message_ sd_bus_message *m = NULL;
	int ret;

	ret = sd_bus_message_new_method_call(bus, &m, "org.freedesktop.systemd1",
					     "/org/freedesktop/systemd1",
					     "org.freedesktop.systemd1.Manager",
					     c->slice ? "StartTransientUnit" : "SetUnitProperties");
	if (ret >= 0)
		ret = c->slice ? sd_bus_message_append(m, "ss", c->unit, "fail")
			       : sd_bus_message_append(m, "sb", c->unit, 1);
	if (ret >= 0)
		ret = sd_bus_message_open_container(m, 'a', "(sv)");
	if (ret >= 0 && c->slice)
		ret = append_scope_props(m, c);
	for (size_t i = 0; ret >= 0 && i < props->n; i++)
		ret = append_prop(m, &props->items[i]);
	if (ret >= 0)
		ret = sd_bus_message_close_container(m);
	if (ret >= 0 && c->slice)
		ret = sd_bus_message_append(m, "a(sa(sv))", 0);
	if (ret < 0)
		return ret;
	*out = steal_pointer(&m);
	return 0;
}

/* The property systemd said it does not know (too old for it), or NULL. */
static const char *unknown_property(const sd_bus_error *error, const struct hr_sd_props *props)
{
	if (!sd_bus_error_has_name(error, SD_BUS_ERROR_PROPERTY_READ_ONLY) &&
	    !sd_bus_error_has_name(error, SD_BUS_ERROR_UNKNOWN_PROPERTY))
		return NULL;
	for (size_t i = 0; error->message != NULL && i < props->n; i++) {
		const char *name = props->items[i].name;
		const char *at = strstr(error->message, name);

		/* "Cannot set property CPUQuotaPeriodUSec, or unknown property." */
		if (at != NULL && (at[strlen(name)] == ',' || at[strlen(name)] == ' ' ||
				   at[strlen(name)] == '\0'))
			return name;
	}
	return NULL;
}

/* A property systemd took on after 240 (Debian 11 has 247, 12 has 252). */
static bool newer_property(const char *name)
{
	return strcmp(name, "CPUQuotaPeriodUSec") == 0 || strcmp(name, "AllowedCPUs") == 0 ||
	       strcmp(name, "AllowedMemoryNodes") == 0;
}

/*
 * Makes the call; a property this systemd does not know (CPUQuotaPeriodUSec before 242,
 * AllowedCPUs before 244) is dropped and the call made again: its value still goes to the
 * cgroup file, and a systemd that does not know it does not re-apply it either.
 */
static int call_unit(sd_bus *bus, const struct unit_call *c, struct hr_sd_props *props,
		     struct hr_err *err)
{
	for (;;) {
		_cleanup_bus_message_ sd_bus_message *m = NULL, *reply = NULL;
		_cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
		const char *unknown;
		char names[256];
		int ret = build_call(bus, c, props, &m);

		if (ret < 0)
			return hr_err_set(err, -ret, "build the systemd call for %s", c->unit);
		ret = sd_bus_call(bus, m, 0, &error, &reply);
		if (ret >= 0)
			return 0;
		unknown = unknown_property(&error, props);
		if (unknown != NULL) {
			/* as runc: only a debug line for what older systemds lack */
			hr_log(newer_property(unknown) ? HR_LOG_DEBUG : HR_LOG_WARNING,
			       "systemd: %s: %s: the value is in the cgroup file only", c->unit,
			       error.message);
			hr_sd_props_remove(props, unknown);
			continue;
		}
		hr_sd_props_names(props, names, sizeof(names));
		if (c->slice)
			return hr_err_set(
			    err, -ret, "systemd: start transient unit %s in %s (%s): %s", c->unit,
			    c->slice, names, error.message ? error.message : "failed");
		return hr_err_set(err, -ret, "systemd: set the properties of %s (%s): %s", c->unit,
				  names, error.message ? error.message : "failed");
	}
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

/* systemd's bus, as an error naming both ways it tried. */
static int connect_or_fail(sd_bus **bus, struct hr_err *err)
{
	int ret = connect_systemd(bus);

	if (ret < 0)
		return hr_err_set(err, -ret,
				  "connect to systemd (system bus or /run/systemd/private)");
	return 0;
}

/* A transient scope (Delegate=yes) from "slice:prefix:name", then the plan applied in it. */
static int systemd_create(const struct hr_config *config, const char *id, struct hr_cgroup *cg,
			  struct hr_err *err)
{
	static const struct hr_resources none;
	const struct hr_resources *r = &none;
	char slice[256], unit[512], scope[PATH_MAX];
	struct unit_call call = {.unit = unit, .slice = slice, .id = id};
	struct hr_sd_props props;
	sd_bus *bus = NULL;
	int ret;

	if (config->has_linux && config->linux_cfg.has_resources)
		r = &config->linux_cfg.resources;
	if (systemd_check(err) < 0 ||
	    hr_cgroup_systemd_unit(config->has_linux ? config->linux_cfg.cgroups_path : NULL, id,
				   slice, sizeof(slice), unit, sizeof(unit), err) < 0 ||
	    hr_sd_props_build(r, &props, err) < 0 ||
	    hr_cgroup_self(cg->own, sizeof(cg->own), err) < 0 || connect_or_fail(&bus, err) < 0)
		return -1;
	ret = call_unit(bus, &call, &props, err);
	sd_bus_flush_close_unref(bus);
	if (ret < 0)
		return -1;
	cg->leave_own = true;
	if (wait_in_scope(unit, scope, sizeof(scope), err) < 0)
		return -1;
	return hr_cgroup_adopt(cg, scope, r, err);
}

/* Whether the plan of writes for r can be made: checked before systemd is told anything. */
static int plan_check(const struct hr_resources *resources, struct hr_err *err)
{
	struct hr_resources r = *resources;
	struct hr_arena arena = {0};
	struct hr_cgroup_plan plan;
	int ret;

	r.n_devices = 0; /* update leaves the device rules as created */
	ret = hr_cgroup_plan_build(&r, &arena, &plan, err);
	hr_arena_free(&arena);
	return ret;
}

/*
 * update: the scope's properties first (SetUnitProperties, runtime), so that systemd
 * re-applying the unit (daemon-reload) keeps the new limits, then the files as with cgroupfs,
 * which also hold what systemd has no property for.
 */
static int systemd_apply(const char *path, const struct hr_resources *resources, struct hr_err *err)
{
	const char *leaf = strrchr(path, '/');
	struct unit_call call = {.unit = leaf != NULL ? leaf + 1 : path};
	struct hr_resources r = *resources;
	struct hr_sd_props props;
	sd_bus *bus = NULL;
	size_t len = strlen(call.unit);
	int ret;

	if (len < sizeof(".scope") || strcmp(call.unit + len - strlen(".scope"), ".scope") != 0)
		return hr_err_set(err, EINVAL, "%s is not the cgroup of a systemd scope", path);
	if (hr_cgroup_dir_check_update(path, resources, err) < 0)
		return -1;
	hr_cgroup_dir_complete(path, &r);
	if (plan_check(&r, err) < 0 || hr_sd_props_build(&r, &props, err) < 0)
		return -1;
	if (props.n > 0) {
		if (connect_or_fail(&bus, err) < 0)
			return -1;
		ret = call_unit(bus, &call, &props, err);
		sd_bus_flush_close_unref(bus);
		if (ret < 0)
			return -1;
	}
	return hr_cgroup_dir_apply(path, &r, err);
}

const struct hr_cgroup_ops hr_cgroup_systemd_ops = {
    .check_host = systemd_check,
    .create = systemd_create,
    .enter = hr_cgroup_dir_enter,
    .apply = systemd_apply,
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
