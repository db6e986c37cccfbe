/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The systemd cgroup manager: linux.cgroupsPath "slice:prefix:name" becomes a transient scope
 * unit "prefix-name.scope" in "slice" (default system.slice, user.slice rootless; absent path:
 * ":hardrun:<id>"),
 * created over D-Bus (dbus.c) with Delegate=yes and the resource properties systemd knows
 * (cgroup_sdprops.h), so that a daemon-reload does not undo them. A scope must hold a process
 * when it starts: create only checks and names it; once the init is cloned (in hardrun's own
 * cgroup, waiting for GO), the scope is started with the init's pid (PIDs=[pid], as runc and
 * crun do), and the limits are written before the init runs. hardrun itself never enters it,
 * so nothing of the runtime's (the clone's page tables, its reads) is charged to the
 * container's memory. restore starts it with hardrun's own pid, criu runs there, and hardrun
 * goes back to its own cgroup afterwards (hr_cgroup_leave). `update` sets the same properties on
 * the scope (SetUnitProperties, runtime) before it writes the files, for the same reason.
 * Otherwise, inside the delegated scope everything is done as with cgroupfs: the table points at
 * cgroup_dir.c and cgroup_stats.c; this driver never calls the cgroupfs one.
 *
 * Root talks to the system manager (the system bus, else /run/systemd/private). Rootless, to the
 * caller's own user manager, user@UID.service (the user bus, $DBUS_SESSION_BUS_ADDRESS or
 * $XDG_RUNTIME_DIR/bus, else $XDG_RUNTIME_DIR/systemd/private), as runc and crun do: its tree
 * is delegated to the user, so the scope is the user's to freeze, signal and remove. That
 * manager has only the controllers systemd delegates to it (user@UID.service's
 * cgroup.controllers: Debian 12's systemd 252 gives cpu, memory and pids): a limit needing
 * another one fails before anything is created, naming the field, the controller and the fix,
 * as crun does (a warning would run the container without the limit it asked for). The device
 * rules are not applied rootless (a cgroup device filter needs CAP_SYS_ADMIN): a warning says
 * so. An existing scope is the user manager's when its path lies below user@UID.service. A
 * process hardrun may not clone into that scope from its own cgroup (EACCES: exec from a login
 * session's cgroup) is attached to it by that manager (AttachProcessesToUnit).
 */
#include "cgroup_systemd.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "cgroup_dir.h"
#include "cgroup_sdprops.h"
#include "cgroup_stats.h"
#include "cleanup.h"
#include "json.h"
#include "dbus.h"
#include "log.h"

#define SCOPE_TIMEOUT_MS 10000

/* $XDG_RUNTIME_DIR when absolute (rootless.h), else NULL. */
static const char *runtime_dir(void)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");

	return xdg != NULL && xdg[0] == '/' ? xdg : NULL;
}

/* configure --without-systemd leaves the manager out: every entry says so */
static int built_in(struct hr_err *err)
{
#ifdef HR_HAVE_SYSTEMD
	(void)err;
	return 0;
#else
	return hr_err_set(err, ENOTSUP,
			  "this hardrun was built without the systemd cgroup manager (./configure "
			  "--without-systemd): use --cgroup-manager=cgroupfs");
#endif
}

static int systemd_check(bool rootless, struct hr_err *err)
{
	if (built_in(err) < 0)
		return -1;
	if (access("/run/systemd/system", F_OK) < 0 && rootless)
		return hr_err_set(err, ENOTSUP,
				  "rootless, the systemd cgroup manager needs systemd as PID 1 "
				  "(/run/systemd/system does not exist) and the user's systemd "
				  "manager: use --cgroup-manager=disabled (no resource limits)");
	if (access("/run/systemd/system", F_OK) < 0)
		return hr_err_set(err, ENOTSUP,
				  "the systemd cgroup manager needs systemd as PID 1 (/run/systemd/"
				  "system does not exist): use --cgroup-manager=cgroupfs");
	if (rootless && runtime_dir() == NULL && getenv("DBUS_SESSION_BUS_ADDRESS") == NULL)
		return hr_err_set(err, ENOTSUP,
				  "rootless, the systemd cgroup manager talks to the systemd user "
				  "manager of uid %u over $XDG_RUNTIME_DIR/bus: XDG_RUNTIME_DIR is "
				  "not set (or not absolute)",
				  (unsigned)geteuid());
	return 0;
}

int hr_cgroup_systemd_unit(const char *cgroups_path, const char *id, bool rootless, char *slice,
			   size_t slice_size, char *unit, size_t unit_size, struct hr_err *err)
{
	const char *c1, *c2;
	const char *path = cgroups_path && *cgroups_path ? cgroups_path : NULL;
	const char *default_slice = rootless ? "user.slice" : "system.slice";
	char prefix[256];

	if (path == NULL) {
		snprintf(slice, slice_size, "%s", default_slice);
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
		snprintf(slice, slice_size, "%s", default_slice);
	snprintf(prefix, sizeof(prefix), "%.*s", (int)(c2 - c1 - 1), c1 + 1);
	if ((size_t)snprintf(unit, unit_size, "%s%s%s.scope", prefix, prefix[0] ? "-" : "",
			     c2 + 1) >= unit_size)
		return hr_err_set(err, ENAMETOOLONG, "linux.cgroupsPath \"%.64s...\"", path);
	return 0;
}

/* A call to systemd's manager object: Manager.member(signature) with body. */
static struct hr_dbus_call manager_call(const char *member, const char *signature,
					const struct hr_dbus_body *body)
{
	return (struct hr_dbus_call){.destination = "org.freedesktop.systemd1",
				     .path = "/org/freedesktop/systemd1",
				     .interface = "org.freedesktop.systemd1.Manager",
				     .member = member,
				     .signature = signature,
				     .body = body};
}

/* A property's (sv) up to its value, which the caller writes: a value of type sig. */
static void prop_open(struct hr_dbus_body *b, const char *name, const char *sig)
{
	hr_dbus_struct_open(b);
	hr_dbus_put_string(b, name);
	hr_dbus_put_variant(b, sig);
}

/* An "au" of one pid (PIDs=, AttachProcessesToUnit). */
static void put_pid_list(struct hr_dbus_body *b, pid_t pid)
{
	struct hr_dbus_array pids = hr_dbus_array_open(b, 4);

	hr_dbus_put_u32(b, (uint32_t)pid);
	hr_dbus_array_close(b, pids);
}

/* One property of the resources: (sv) with a "t" or, for a bitmask, an "ay". */
static void append_prop(struct hr_dbus_body *b, const struct hr_sd_prop *p)
{
	struct hr_dbus_array bytes;

	prop_open(b, p->name, p->is_mask ? "ay" : "t");
	if (!p->is_mask) {
		hr_dbus_put_u64(b, p->value);
		return;
	}
	bytes = hr_dbus_array_open(b, 1);
	for (size_t i = 0; i < p->n_bytes; i++)
		hr_dbus_put_byte(b, p->bytes[i]);
	hr_dbus_array_close(b, bytes);
}

/*
 * A call to systemd's manager that carries the resources' properties: StartTransientUnit when
 * slice is set (create: the scope, with pid in it), SetUnitProperties otherwise (update:
 * runtime, so until the next boot, as runc).
 */
struct unit_call {
	const char *unit;
	const char *slice; /* StartTransientUnit */
	const char *id;	   /* StartTransientUnit: for the description */
	pid_t pid;	   /* StartTransientUnit: the scope's first process */
};

static void append_scope_props(struct hr_dbus_body *b, const struct unit_call *c)
{
	char desc[256];

	snprintf(desc, sizeof(desc), "hardrun container %s", c->id);
	prop_open(b, "Description", "s");
	hr_dbus_put_string(b, desc);
	prop_open(b, "Slice", "s");
	hr_dbus_put_string(b, c->slice);
	prop_open(b, "Delegate", "b");
	hr_dbus_put_bool(b, true);
	prop_open(b, "DefaultDependencies", "b");
	hr_dbus_put_bool(b, false);
	prop_open(b, "PIDs", "au");
	put_pid_list(b, c->pid);
}

/*
 * StartTransientUnit(ssa(sv)a(sa(sv))): the unit, "fail", its properties, no auxiliary units;
 * SetUnitProperties(sba(sv)): the unit, runtime, the properties.
 */
static void build_call(const struct unit_call *c, const struct hr_sd_props *props,
		       struct hr_dbus_body *b)
{
	struct hr_dbus_array list;

	hr_dbus_put_string(b, c->unit);
	if (c->slice)
		hr_dbus_put_string(b, "fail");
	else
		hr_dbus_put_bool(b, true);
	list = hr_dbus_array_open(b, 8);
	if (c->slice)
		append_scope_props(b, c);
	for (size_t i = 0; i < props->n; i++)
		append_prop(b, &props->items[i]);
	hr_dbus_array_close(b, list);
	if (c->slice)
		hr_dbus_array_close(b, hr_dbus_array_open(b, 8));
}

/* The property systemd said it does not know (too old for it), or NULL. */
static const char *unknown_property(const struct hr_dbus_error *error,
				    const struct hr_sd_props *props)
{
	if (strcmp(error->name, "org.freedesktop.DBus.Error.PropertyReadOnly") != 0 &&
	    strcmp(error->name, "org.freedesktop.DBus.Error.UnknownProperty") != 0)
		return NULL;
	for (size_t i = 0; i < props->n; i++) {
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
static int call_unit(struct hr_dbus *bus, const struct unit_call *c, struct hr_sd_props *props,
		     struct hr_err *err)
{
	for (;;) {
		struct hr_dbus_body body __attribute__((cleanup(hr_dbus_body_free))) = {0};
		const struct hr_dbus_call call =
		    c->slice ? manager_call("StartTransientUnit", "ssa(sv)a(sa(sv))", &body)
			     : manager_call("SetUnitProperties", "sba(sv)", &body);
		struct hr_dbus_error error;
		const char *unknown;
		char names[256];

		build_call(c, props, &body);
		if (hr_dbus_call(bus, &call, &error, err) == 0)
			return 0;
		if (error.name[0] == '\0')
			return hr_err_prefix(err, "systemd: %s", c->unit);
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
			return hr_err_set(err, err->errnum,
					  "systemd: start transient unit %s in %s (%s): %s",
					  c->unit, c->slice, names,
					  error.message[0] ? error.message : error.name);
		return hr_err_set(err, err->errnum, "systemd: set the properties of %s (%s): %s",
				  c->unit, names, error.message[0] ? error.message : error.name);
	}
}

/* A direct connection to a manager's private socket (no bus daemon in between: no Hello). */
static int connect_private(struct hr_dbus *bus, const char *socket, struct hr_err *err)
{
	char address[PATH_MAX + 16];

	if ((size_t)snprintf(address, sizeof(address), "unix:path=%s", socket) >= sizeof(address))
		return hr_err_set(err, ENAMETOOLONG, "%.200s", socket);
	return hr_dbus_open(bus, address, false, err);
}

/* The system bus, or systemd's private socket when no bus daemon runs (root only). */
static int connect_system(struct hr_dbus *bus, struct hr_err *err)
{
	const char *address = getenv("DBUS_SYSTEM_BUS_ADDRESS");

	if (address == NULL || address[0] == '\0')
		address = "unix:path=/run/dbus/system_bus_socket";
	if (hr_dbus_open(bus, address, true, err) == 0)
		return 0;
	return connect_private(bus, "/run/systemd/private", err);
}

/*
 * The caller's user manager: the user bus ($DBUS_SESSION_BUS_ADDRESS, else
 * $XDG_RUNTIME_DIR/bus), else the manager's own $XDG_RUNTIME_DIR/systemd/private, as
 * `systemctl --user` reaches it without a bus daemon.
 */
static int connect_user(struct hr_dbus *bus, struct hr_err *err)
{
	const char *address = getenv("DBUS_SESSION_BUS_ADDRESS");
	const char *xdg = runtime_dir();
	char buf[PATH_MAX + 16];
	struct hr_err private_err;

	if (address == NULL || address[0] == '\0') {
		if (xdg == NULL)
			return hr_err_set(err, ENOENT, "no user bus: XDG_RUNTIME_DIR is not set");
		snprintf(buf, sizeof(buf), "unix:path=%s/bus", xdg);
		address = buf;
	}
	if (hr_dbus_open(bus, address, true, err) == 0)
		return 0;
	if (xdg == NULL)
		return -1;
	/* the bus's error stays the one reported */
	snprintf(buf, sizeof(buf), "%s/systemd/private", xdg);
	return connect_private(bus, buf, &private_err);
}

/* Where the user manager was looked for, for the error. */
static void user_bus_where(char *buf, size_t size)
{
	const char *address = getenv("DBUS_SESSION_BUS_ADDRESS");
	const char *xdg = runtime_dir();

	if (address != NULL && address[0] != '\0')
		snprintf(buf, size, "$DBUS_SESSION_BUS_ADDRESS %.200s", address);
	else if (xdg != NULL)
		snprintf(buf, size, "$XDG_RUNTIME_DIR/bus %.200s/bus, nor %.200s/systemd/private",
			 xdg, xdg);
	else
		snprintf(buf, size, "$XDG_RUNTIME_DIR/bus: XDG_RUNTIME_DIR is not set");
}

/* The manager's bus (rootless: the caller's user manager), as an error naming where it looked. */
static int connect_or_fail(bool user, struct hr_dbus *bus, struct hr_err *err)
{
	char where[640];
	int errnum;

	if (built_in(err) < 0)
		return -1;
	if ((user ? connect_user(bus, err) : connect_system(bus, err)) == 0)
		return 0;
	errnum = err->errnum;
	if (!user)
		return hr_err_set(err, errnum,
				  "connect to systemd (system bus or /run/systemd/private)");
	user_bus_where(where, sizeof(where));
	hr_err_set(err, 0,
		   "connect to the systemd user manager of uid %u (%s): %s; is `loginctl "
		   "enable-linger %u` set? (without it, the user manager runs only while the "
		   "user is logged in)",
		   (unsigned)geteuid(), where, strerror(errnum), (unsigned)geteuid());
	err->errnum = errnum;
	return -1;
}

static long monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Whether pid, a child of ours (the init just cloned), has exited: systemd will never move it.
 * WNOWAIT leaves it to be reaped where it always is. Not a child (restore's own pid): no.
 */
static bool exited(pid_t pid)
{
	siginfo_t info = {0};

	return waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
	       info.si_pid == pid;
}

/*
 * The job that starts the scope moves pid, after systemd's reply: wait until /proc/PID/cgroup
 * ends with the unit. Polled every millisecond at first (it is usually there within a few),
 * then every 10; a pid that exits meanwhile (the init failed before GO) ends the wait at once.
 */
static int wait_in_scope(pid_t pid, const char *unit, char *cgroup, size_t size, struct hr_err *err)
{
	long start = monotonic_ms(), now;

	while ((now = monotonic_ms()) - start < SCOPE_TIMEOUT_MS) {
		struct timespec ts = {.tv_nsec = now - start < 50 ? 1000000 : 10000000};
		const char *leaf;

		if (hr_cgroup_of(pid, cgroup, size, err) == 0) {
			leaf = strrchr(cgroup, '/');
			if (leaf != NULL && strcmp(leaf + 1, unit) == 0)
				return 0;
		}
		if (exited(pid))
			return hr_err_set(err, ESRCH,
					  "the container's init exited before systemd put it in %s",
					  unit);
		nanosleep(&ts, NULL);
	}
	return hr_err_set(err, ETIMEDOUT, "systemd did not start %s within %d s", unit,
			  SCOPE_TIMEOUT_MS / 1000);
}

/* ---- rootless: the caller's user manager ---- */

static bool listed(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' ' || p[n] == '\n'))
			return true;
	return false;
}

int hr_cgroup_systemd_delegated(const struct hr_cgroup_plan *plan, const char *have, uid_t uid,
				struct hr_err *err)
{
	for (unsigned bit = 1; bit <= HR_CTRL_MISC; bit <<= 1) {
		const char *name = hr_cgroup_controller_name(bit);
		const char *what = name;

		if (!(plan->controllers & bit) || listed(have, name))
			continue;
		for (size_t i = 0; i < plan->n_writes; i++)
			if (hr_cgroup_controller_of(plan->writes[i].file) == bit) {
				what = plan->writes[i].what;
				break;
			}
		return hr_err_set(
		    err, ENOTSUP,
		    "linux.resources.%s needs the %s cgroup controller, which systemd does not "
		    "delegate to the user manager of uid %u (user@%u.service has \"%s\"): as "
		    "root, add it to Delegate= in a drop-in for user@.service (Delegate=%s%s%s), "
		    "then `systemctl daemon-reload` and restart user@%u.service; or remove the "
		    "limit",
		    what, name, (unsigned)uid, (unsigned)uid, have, have, have[0] ? " " : "", name,
		    (unsigned)uid);
	}
	return 0;
}

bool hr_cgroup_systemd_user_uid(const char *path, uid_t *uid)
{
	for (const char *p = path; (p = strstr(p, "/user@")) != NULL; p++) {
		char *end;
		unsigned long n;

		if (p[6] < '0' || p[6] > '9')
			continue;
		n = strtoul(p + 6, &end, 10);
		if (strncmp(end, ".service", 8) == 0 && (end[8] == '/' || end[8] == '\0') &&
		    n < (uid_t)-1) {
			*uid = (uid_t)n;
			return true;
		}
	}
	return false;
}

/* The controllers systemd gives the user manager of uid: its cgroup's cgroup.controllers. */
static int user_controllers(uid_t uid, char *have, size_t size, struct hr_err *err)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), HR_CGROUP_ROOT "/user.slice/user-%u.slice/user@%u.service",
		 (unsigned)uid, (unsigned)uid);
	if (hr_cgroup_read(dir, "cgroup.controllers", have, size, err) < 0)
		return hr_err_prefix(err,
				     "rootless: the cgroup controllers systemd delegates to the "
				     "user manager of uid %u",
				     (unsigned)uid);
	return 0;
}

/*
 * Whether the plan of writes for r can be made: checked before systemd is told anything; for a
 * user manager (user), also that it has every controller the plan needs.
 */
static int plan_check(const struct hr_resources *resources, bool user, uid_t uid,
		      struct hr_err *err)
{
	struct hr_resources r = *resources;
	struct hr_arena arena = {0};
	struct hr_cgroup_plan plan;
	char have[512];
	int ret;

	r.n_devices = 0; /* update leaves the device rules as created; rootless has none */
	ret = hr_cgroup_plan_build(&r, &arena, &plan, err);
	if (ret == 0 && user && plan.controllers != 0) {
		ret = user_controllers(uid, have, sizeof(have), err);
		if (ret == 0)
			ret = hr_cgroup_systemd_delegated(&plan, have, uid, err);
	}
	hr_arena_free(&arena);
	return ret;
}

/*
 * The resources the scope of config gets. Rootless, without the device rules (a device filter
 * needs CAP_SYS_ADMIN): warn says so, once, at create.
 */
static struct hr_resources scope_resources(const struct hr_config *config, bool rootless, bool warn)
{
	struct hr_resources r = {0};

	if (config->has_linux && config->linux_cfg.has_resources)
		r = config->linux_cfg.resources;
	if (rootless && r.n_devices > 0) {
		if (warn)
			hr_warning("linux.resources.devices: rootless, the device rules are NOT "
				   "applied (a cgroup device filter needs CAP_SYS_ADMIN): the "
				   "container reaches the device nodes its mounts give it, with "
				   "the host's permissions");
		r.n_devices = 0;
	}
	return r;
}

/*
 * AttachProcessesToUnit: the unit is the last ".scope" component of path, what follows it the
 * sub-cgroup (exec --cgroup).
 */
static int attach_call(struct hr_dbus *bus, const char *path, pid_t pid, struct hr_err *err)
{
	struct hr_dbus_body body __attribute__((cleanup(hr_dbus_body_free))) = {0};
	const struct hr_dbus_call call = manager_call("AttachProcessesToUnit", "ssau", &body);
	struct hr_dbus_error error;
	char unit[256];
	const char *sub = "", *name = NULL;

	for (const char *p = strchr(path, '/'); p != NULL; p = strchr(p + 1, '/')) {
		size_t len = strcspn(p + 1, "/");

		if (len > 6 && len < sizeof(unit) && strncmp(p + 1 + len - 6, ".scope", 6) == 0) {
			name = p + 1;
			sub = p + 1 + len;
			snprintf(unit, sizeof(unit), "%.*s", (int)len, name);
		}
	}
	if (name == NULL)
		return hr_err_set(err, EINVAL, "%s is not in a systemd scope", path);
	hr_dbus_put_string(&body, unit);
	hr_dbus_put_string(&body, sub);
	put_pid_list(&body, pid);
	if (hr_dbus_call(bus, &call, &error, err) == 0)
		return 0;
	if (error.name[0] == '\0')
		return hr_err_prefix(err, "systemd user manager: attach process %d to %s%s",
				     (int)pid, unit, sub);
	return hr_err_set(err, err->errnum, "systemd user manager: attach process %d to %s%s: %s",
			  (int)pid, unit, sub, error.message[0] ? error.message : error.name);
}

/*
 * Moves pid into the cgroup: cgroup.procs, else, for a scope of a user manager that hardrun may
 * not write from its cgroup (EACCES: outside the user's delegated tree), the caller's user
 * manager's AttachProcessesToUnit (it asks the system manager, as for the scope's creation;
 * another user's manager would not know the unit).
 */
static int systemd_enter(const char *path, pid_t pid, struct hr_err *err)
{
	struct hr_dbus bus = {.fd = -1};
	uid_t uid;
	int ret;

	if (hr_cgroup_dir_enter(path, pid, err) == 0)
		return 0;
	/* no uid check: exec calls this from the container's user namespace (uid 0 there) */
	if ((err->errnum != EACCES && err->errnum != EPERM) ||
	    !hr_cgroup_systemd_user_uid(path, &uid))
		return -1;
	if (connect_or_fail(true, &bus, err) < 0)
		return -1;
	ret = attach_call(&bus, path, pid, err);
	hr_dbus_close(&bus);
	return ret;
}

/* ---- the operations ---- */

/*
 * A transient scope (Delegate=yes) from "slice:prefix:name": what hardrun can refuse itself is
 * refused here, before a process exists (the manager's reachability, the unit's name, the
 * delegated controllers rootless, the properties); systemd_start makes it, and what systemd
 * itself refuses (a unit of that name, a property) comes then, the init killed with it.
 */
static int systemd_create(const struct hr_config *config, const char *id, struct hr_cgroup *cg,
			  struct hr_err *err)
{
	struct hr_resources r = scope_resources(config, cg->rootless, true);
	struct hr_sd_props props;

	if (systemd_check(cg->rootless, err) < 0 ||
	    hr_cgroup_systemd_unit(config->has_linux ? config->linux_cfg.cgroups_path : NULL, id,
				   cg->rootless, cg->slice, sizeof(cg->slice), cg->unit,
				   sizeof(cg->unit), err) < 0 ||
	    (cg->rootless && plan_check(&r, true, geteuid(), err) < 0) ||
	    hr_sd_props_build(&r, &props, err) < 0)
		return -1;
	cg->config = config;
	cg->id = id;
	cg->scope_pending = true;
	return 0;
}

/* The scope started with pid in it (PIDs=[pid]), then the plan applied in it. */
static int systemd_start(struct hr_cgroup *cg, pid_t pid, struct hr_err *err)
{
	struct hr_resources r = scope_resources(cg->config, cg->rootless, false);
	struct unit_call call = {.unit = cg->unit, .slice = cg->slice, .id = cg->id, .pid = pid};
	char scope[PATH_MAX];
	struct hr_sd_props props;
	struct hr_dbus bus = {.fd = -1};
	int ret;

	if ((pid == getpid() && hr_cgroup_self(cg->own, sizeof(cg->own), err) < 0) ||
	    hr_sd_props_build(&r, &props, err) < 0 || connect_or_fail(cg->rootless, &bus, err) < 0)
		return -1;
	ret = call_unit(&bus, &call, &props, err);
	hr_dbus_close(&bus);
	if (ret < 0)
		return -1;
	cg->scope_pending = false;
	cg->leave_own = pid == getpid();
	if (wait_in_scope(pid, cg->unit, scope, sizeof(scope), err) < 0)
		return -1;
	return hr_cgroup_adopt(cg, scope, &r, err);
}

/*
 * update: the scope's properties first (SetUnitProperties, runtime), so that systemd
 * re-applying the unit (daemon-reload) keeps the new limits, then the files as with cgroupfs,
 * which also hold what systemd has no property for. A scope below user@UID.service is that
 * user manager's: only that user updates it, through that manager.
 */
static int systemd_apply(const char *path, const struct hr_resources *resources, struct hr_err *err)
{
	const char *leaf = strrchr(path, '/');
	struct unit_call call = {.unit = leaf != NULL ? leaf + 1 : path};
	struct hr_resources r = *resources;
	struct hr_sd_props props;
	struct hr_dbus bus = {.fd = -1};
	size_t len = strlen(call.unit);
	uid_t uid = 0;
	bool user = hr_cgroup_systemd_user_uid(path, &uid);
	int ret;

	if (len < sizeof(".scope") || strcmp(call.unit + len - strlen(".scope"), ".scope") != 0)
		return hr_err_set(err, EINVAL, "%s is not the cgroup of a systemd scope", path);
	if (user && uid != geteuid())
		return hr_err_set(err, EPERM,
				  "%s is a scope of the systemd user manager of uid %u: update it "
				  "as that user",
				  path, (unsigned)uid);
	if (hr_cgroup_dir_check_update(path, resources, err) < 0)
		return -1;
	hr_cgroup_dir_complete(path, &r);
	if (plan_check(&r, user, uid, err) < 0 || hr_sd_props_build(&r, &props, err) < 0)
		return -1;
	if (props.n > 0) {
		if (connect_or_fail(user, &bus, err) < 0)
			return -1;
		ret = call_unit(&bus, &call, &props, err);
		hr_dbus_close(&bus);
		if (ret < 0)
			return -1;
	}
	return hr_cgroup_dir_apply(path, &r, err);
}

const struct hr_cgroup_ops hr_cgroup_systemd_ops = {
    .check_host = systemd_check,
    .create = systemd_create,
    .start = systemd_start,
    .enter = systemd_enter,
    .apply = systemd_apply,
    .freeze = hr_cgroup_dir_freeze,
    .is_frozen = hr_cgroup_dir_is_frozen,
    .kill = hr_cgroup_dir_signal,
    .pids = hr_cgroup_dir_pids,
    /* the scope's directory is removed as any other; no call to systemd */
    .destroy = hr_cgroup_dir_destroy,
    .stats = hr_cgroup_stats_gen,
    .oom_kills = hr_cgroup_stats_oom_kills,
    .oom_watch = hr_cgroup_stats_oom_watch,
};
