/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config.json: the linux section but for linux.resources and linux.seccomp. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>

#include "config_linux.h"
#include "config_resources.h"
#include "config_seccomp.h"
#include "mempolicy.h"
#include "netdev.h"

static const char *const ns_names[HR_NS__COUNT] = {
    [HR_NS_PID] = "pid",       [HR_NS_NETWORK] = "network", [HR_NS_MOUNT] = "mount",
    [HR_NS_IPC] = "ipc",       [HR_NS_UTS] = "uts",	    [HR_NS_USER] = "user",
    [HR_NS_CGROUP] = "cgroup", [HR_NS_TIME] = "time",
};

const char *hr_ns_type_name(enum hr_ns_type type)
{
	return (unsigned)type < HR_NS__COUNT ? ns_names[type] : NULL;
}

int hr_ns_type_from_name(const char *name)
{
	for (int i = 0; name != NULL && i < HR_NS__COUNT; i++)
		if (strcmp(ns_names[i], name) == 0)
			return i;
	return -1;
}

/* ---- namespaces ---- */

static void read_namespace(struct hr_jctx *ctx, yajl_val item, void *elem)
{
	struct hr_namespace *ns = elem;
	char *type = NULL;

	ns->type = HR_NS__COUNT; /* not known (yet): skipped by the checks across entries */
	if (hr_cfg_string(ctx, item, "type", true, &type) && type != NULL) {
		int t = hr_ns_type_from_name(type);

		if (t >= 0) {
			ns->type = (enum hr_ns_type)t;
		} else {
			size_t saved = hr_jpath_key(ctx, "type");

			hr_jerror(ctx, "unknown namespace type \"%.32s\"", type);
			hr_jpath_pop(ctx, saved);
		}
	}
	/* an empty path means "create", as in runc */
	if (hr_cfg_string(ctx, item, "path", false, &ns->path) && ns->path != NULL) {
		size_t saved = hr_jpath_key(ctx, "path");

		if (ns->path[0] == '\0')
			ns->path = NULL;
		else
			hr_cfg_check_abs(ctx, ns->path);
		hr_jpath_pop(ctx, saved);
	}
}

static void check_namespace_duplicates(struct hr_jctx *ctx, const struct hr_linux *l)
{
	size_t saved = hr_jpath_key(ctx, "namespaces");

	for (size_t i = 0; i < l->n_namespaces; i++) {
		if (l->namespaces[i].type == HR_NS__COUNT)
			continue;
		for (size_t j = 0; j < i; j++) {
			if (l->namespaces[j].type != l->namespaces[i].type)
				continue;
			size_t at = hr_jpath_index(ctx, i);
			hr_jpath_key(ctx, "type");
			hr_jerror(ctx, "duplicate namespace type \"%s\" (also in namespaces[%zu])",
				  ns_names[l->namespaces[i].type], j);
			hr_jpath_pop(ctx, at);
			break;
		}
	}
	hr_jpath_pop(ctx, saved);
}

/* ---- devices ---- */

static void read_device_number(struct hr_jctx *ctx, yajl_val item, const char *key, char type,
			       int64_t *out)
{
	size_t saved;
	yajl_val v = hr_cfg_enter(ctx, item, key, false, &saved);

	if (v != NULL) {
		hr_cfg_read_nonneg_i64(ctx, v, out);
		hr_jpath_pop(ctx, saved);
	} else if (type == 'c' || type == 'b' || type == 'u') {
		saved = hr_jpath_key(ctx, key);
		hr_jerror(ctx, "required for a device of type \"%c\"", type);
		hr_jpath_pop(ctx, saved);
	}
}

static void read_device(struct hr_jctx *ctx, yajl_val item, void *elem)
{
	struct hr_device *d = elem;
	char *type = NULL;
	size_t saved;
	yajl_val v;

	hr_cfg_path(ctx, item, "path", true, HR_CFG_PATH_CONTAINER, &d->path);
	if (hr_cfg_string(ctx, item, "type", true, &type) && type != NULL) {
		if (strlen(type) == 1 && strchr("cbup", type[0]) != NULL) {
			d->type = type[0];
		} else {
			saved = hr_jpath_key(ctx, "type");
			hr_jerror(ctx, "expected \"c\", \"b\", \"u\" or \"p\", got \"%.16s\"",
				  type);
			hr_jpath_pop(ctx, saved);
		}
	}
	read_device_number(ctx, item, "major", d->type, &d->major);
	read_device_number(ctx, item, "minor", d->type, &d->minor);
	if ((v = hr_cfg_enter(ctx, item, "fileMode", false, &saved)) != NULL) {
		uint64_t mode;

		/* permission bits with setuid/setgid/sticky (07777), never file type bits */
		if (hr_cfg_read_u64_range(ctx, v, 0, 07777, &mode)) {
			d->has_file_mode = true;
			d->file_mode = (uint32_t)mode;
		}
		hr_jpath_pop(ctx, saved);
	}
	hr_cfg_u32(ctx, item, "uid", false, &d->uid, &d->has_uid);
	hr_cfg_u32(ctx, item, "gid", false, &d->gid, &d->has_gid);
}

/* ---- smaller members ---- */

static const struct {
	const char *name;
	unsigned long flags;
} propagations[] = {
    {"private", MS_PRIVATE},	   {"rprivate", MS_PRIVATE | MS_REC},
    {"shared", MS_SHARED},	   {"rshared", MS_SHARED | MS_REC},
    {"slave", MS_SLAVE},	   {"rslave", MS_SLAVE | MS_REC},
    {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
};

static void read_propagation(struct hr_jctx *ctx, yajl_val obj, struct hr_linux *l)
{
	size_t saved;
	yajl_val v = hr_cfg_enter(ctx, obj, "rootfsPropagation", false, &saved);
	char *name = NULL;

	if (v == NULL)
		return;
	if (hr_jread_string(ctx, v, &name)) {
		for (size_t i = 0; i < HR_N_ELEMS(propagations); i++)
			if (strcmp(propagations[i].name, name) == 0)
				l->rootfs_propagation = propagations[i].flags;
		if (l->rootfs_propagation == 0)
			hr_jerror(ctx,
				  "expected private, shared, slave or unbindable (or r*), got "
				  "\"%.32s\"",
				  name);
	}
	hr_jpath_pop(ctx, saved);
}

static void read_container_paths(struct hr_jctx *ctx, yajl_val obj, const char *key, char ***out,
				 size_t *n)
{
	size_t saved;
	yajl_val v = hr_cfg_enter(ctx, obj, key, false, &saved);

	if (v == NULL)
		return;
	if (hr_jread_strv(ctx, v, out, n)) {
		for (size_t i = 0; i < *n; i++) {
			size_t at = hr_jpath_index(ctx, i);

			hr_cfg_check_container_path(ctx, (*out)[i]);
			hr_jpath_pop(ctx, at);
		}
	}
	hr_jpath_pop(ctx, saved);
}

/* ---- personality names ---- */

struct name_value {
	const char *name;
	unsigned long value;
};

static const struct name_value personality_domains[] = {
    {"LINUX", PER_LINUX},
    {"LINUX32", PER_LINUX32},
};

static const struct name_value personality_flags[] = {
    {"UNAME26", UNAME26},
    {"ADDR_NO_RANDOMIZE", ADDR_NO_RANDOMIZE},
    {"FDPIC_FUNCPTRS", FDPIC_FUNCPTRS},
    {"MMAP_PAGE_ZERO", MMAP_PAGE_ZERO},
    {"ADDR_COMPAT_LAYOUT", ADDR_COMPAT_LAYOUT},
    {"READ_IMPLIES_EXEC", READ_IMPLIES_EXEC},
    {"ADDR_LIMIT_32BIT", ADDR_LIMIT_32BIT},
    {"SHORT_INODE", SHORT_INODE},
    {"WHOLE_SECONDS", WHOLE_SECONDS},
    {"STICKY_TIMEOUTS", STICKY_TIMEOUTS},
    {"ADDR_LIMIT_3GB", ADDR_LIMIT_3GB},
};

static int lookup_name(const struct name_value *table, size_t n, const char *name,
		       unsigned long *value)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(table[i].name, name) == 0) {
			*value = table[i].value;
			return 0;
		}
	}
	return -1;
}

int hr_personality_domain(const char *name, unsigned long *value)
{
	return lookup_name(personality_domains,
			   sizeof(personality_domains) / sizeof(personality_domains[0]), name,
			   value);
}

int hr_personality_flag(const char *name, unsigned long *value)
{
	return lookup_name(personality_flags,
			   sizeof(personality_flags) / sizeof(personality_flags[0]), name, value);
}

static void read_personality(struct hr_jctx *ctx, yajl_val v, struct hr_linux *l)
{
	struct hr_personality *p;
	size_t saved;

	if (!hr_jexpect_object(ctx, v))
		return;
	p = hr_arena_alloc(ctx->arena, sizeof(*p));
	l->personality = p;
	if (hr_cfg_string(ctx, v, "domain", true, &p->domain) && p->domain != NULL &&
	    strcmp(p->domain, "LINUX") != 0 && strcmp(p->domain, "LINUX32") != 0) {
		saved = hr_jpath_key(ctx, "domain");
		hr_jerror(ctx, "expected \"LINUX\" or \"LINUX32\", got \"%.32s\"", p->domain);
		hr_jpath_pop(ctx, saved);
	}
	hr_cfg_strv(ctx, v, "flags", &p->flags, &p->n_flags);
	for (size_t i = 0; i < p->n_flags; i++) {
		unsigned long flag;

		if (hr_personality_flag(p->flags[i], &flag) == 0)
			continue;
		saved = hr_jpath_key(ctx, "flags");
		hr_jpath_index(ctx, i);
		hr_jerror(ctx, "unknown flag \"%.32s\"", p->flags[i]);
		hr_jpath_pop(ctx, saved);
	}
}

static void read_time_offset(struct hr_jctx *ctx, yajl_val obj, const char *key,
			     struct hr_time_offset *off)
{
	size_t saved;
	yajl_val v = hr_cfg_enter(ctx, obj, key, false, &saved), m;

	if (v == NULL)
		return;
	if (hr_jexpect_object(ctx, v)) {
		size_t at;

		off->set = true;
		if ((m = hr_cfg_enter(ctx, v, "secs", false, &at)) != NULL) {
			hr_jread_i64(ctx, m, &off->secs);
			hr_jpath_pop(ctx, at);
		}
		if ((m = hr_cfg_enter(ctx, v, "nanosecs", false, &at)) != NULL) {
			uint64_t ns;

			if (hr_cfg_read_u64_range(ctx, m, 0, 999999999, &ns))
				off->nanosecs = (uint32_t)ns;
			hr_jpath_pop(ctx, at);
		}
	}
	hr_jpath_pop(ctx, saved);
}

static void read_time_offsets(struct hr_jctx *ctx, yajl_val obj, struct hr_linux *l)
{
	size_t saved;
	yajl_val v = hr_cfg_enter(ctx, obj, "timeOffsets", false, &saved);

	if (v == NULL)
		return;
	if (hr_jexpect_object(ctx, v)) {
		read_time_offset(ctx, v, "boottime", &l->time_offsets[0]);
		read_time_offset(ctx, v, "monotonic", &l->time_offsets[1]);
	}
	hr_jpath_pop(ctx, saved);
}

/* linux.memoryPolicy.flags: each name known, each compatible with the mode and the earlier. */
static bool read_mpol_flags(struct hr_jctx *ctx, yajl_val v, struct hr_mempolicy *mp, bool mode_ok)
{
	char **names = NULL;
	size_t n = 0, saved;
	const char *why;
	unsigned int flag;
	bool ok = true;

	if (!hr_jread_strv(ctx, v, &names, &n))
		return false;
	for (size_t i = 0; i < n; i++) {
		saved = hr_jpath_index(ctx, i);
		flag = hr_mpol_flag_from_name(names[i]);
		why =
		    flag == 0 || !mode_ok ? NULL : hr_mpol_flag_problem(mp->mode, mp->flags, flag);
		if (flag == 0)
			hr_jerror(ctx,
				  "unknown flag \"%.40s\" (MPOL_F_NUMA_BALANCING, "
				  "MPOL_F_RELATIVE_NODES or MPOL_F_STATIC_NODES)",
				  names[i]);
		else if (why != NULL)
			hr_jerror(ctx, "%s: %s", names[i], why);
		ok = ok && flag != 0 && why == NULL;
		mp->flags |= flag;
		hr_jpath_pop(ctx, saved);
	}
	return ok;
}

/* linux.memoryPolicy: {"mode": "MPOL_*", "nodes": "0-3,7", "flags": ["MPOL_F_*"]} */
static void read_memory_policy(struct hr_jctx *ctx, yajl_val v, struct hr_linux *l)
{
	struct hr_mempolicy *mp;
	struct hr_err err;
	char *name = NULL, *nodes = NULL;
	size_t saved;
	yajl_val m;
	const char *why;
	bool ok;

	if (!hr_jexpect_object(ctx, v))
		return;
	mp = hr_arena_alloc(ctx->arena, sizeof(*mp));
	ok = hr_cfg_string(ctx, v, "mode", true, &name) && name != NULL;
	if (ok && (mp->mode = hr_mpol_mode_from_name(name)) < 0) {
		saved = hr_jpath_key(ctx, "mode");
		hr_jerror(
		    ctx,
		    "unknown mode \"%.40s\" (MPOL_DEFAULT, MPOL_BIND, MPOL_INTERLEAVE, "
		    "MPOL_WEIGHTED_INTERLEAVE, MPOL_PREFERRED, MPOL_PREFERRED_MANY or MPOL_LOCAL)",
		    name);
		hr_jpath_pop(ctx, saved);
		ok = false;
	}
	if ((m = hr_cfg_enter(ctx, v, "flags", false, &saved)) != NULL) {
		ok = read_mpol_flags(ctx, m, mp, ok) && ok;
		hr_jpath_pop(ctx, saved);
	}
	if (!hr_cfg_string(ctx, v, "nodes", false, &nodes))
		return;
	saved = hr_jpath_key(ctx, "nodes");
	if (hr_mpol_parse_nodes(nodes != NULL ? nodes : "", mp->nodes, &err) < 0)
		ok = hr_jerror(ctx, "%s", err.msg);
	else if (ok && (why = hr_mpol_nodes_problem(mp->mode, mp->flags,
						    hr_mpol_nodes_empty(mp->nodes))) != NULL)
		ok = hr_jerror(ctx, "%s", why);
	hr_jpath_pop(ctx, saved);
	if (ok)
		l->memory_policy = mp;
}

/* ---- network devices ---- */

/* An interface name at the current path: a valid one, and not the loopback device. */
static bool check_ifname(struct hr_jctx *ctx, const char *name, const char *lo_why)
{
	const char *why = hr_netdev_name_problem(name);

	if (why != NULL)
		return hr_jerror(ctx, "%s, got \"%.32s\"", why, name);
	if (strcmp(name, "lo") == 0)
		return hr_jerror(ctx, "%s", lo_why);
	return true;
}

/* linux.netDevices.KEY: {"name": "eth0"}; an absent, null or empty name keeps the host's. */
static void read_net_device(struct hr_jctx *ctx, const char *key, yajl_val v,
			    struct hr_net_device *d)
{
	size_t saved;

	d->host_name = hr_arena_strdup(ctx->arena, key);
	d->json_path = hr_arena_strdup(ctx->arena, hr_jpath(ctx));
	check_ifname(ctx, key, "the loopback device cannot leave its network namespace");
	if (v == NULL || YAJL_IS_NULL(v) || !hr_jexpect_object(ctx, v))
		return;
	if (!hr_cfg_string(ctx, v, "name", false, &d->name) || d->name == NULL ||
	    d->name[0] == '\0') {
		d->name = NULL;
		return;
	}
	saved = hr_jpath_key(ctx, "name");
	if (!check_ifname(ctx, d->name, "\"lo\" is the container's own loopback device"))
		d->name = NULL;
	hr_jpath_pop(ctx, saved);
}

/* Two devices cannot have one name in the container (a "%d" template is the kernel's to fill). */
static void check_net_device_name(struct hr_jctx *ctx, const struct hr_linux *l, size_t i)
{
	const struct hr_net_device *d = &l->net_devices[i];
	const char *name = d->name != NULL ? d->name : d->host_name;
	size_t saved;

	if (strchr(name, '%') != NULL)
		return;
	for (size_t j = 0; j < i; j++) {
		const struct hr_net_device *o = &l->net_devices[j];

		if (strcmp(name, o->name != NULL ? o->name : o->host_name) != 0)
			continue;
		saved = d->name != NULL ? hr_jpath_key(ctx, "name") : 0;
		hr_jerror(ctx, "duplicate interface name \"%s\" in the container (also %s's)", name,
			  o->json_path);
		if (d->name != NULL)
			hr_jpath_pop(ctx, saved);
		return;
	}
}

static void read_net_devices(struct hr_jctx *ctx, yajl_val v, struct hr_linux *l)
{
	size_t n;

	if (!hr_jexpect_object(ctx, v) || (n = v->u.object.len) == 0)
		return;
	l->net_devices = hr_arena_array(ctx->arena, n, sizeof(*l->net_devices));
	for (size_t i = 0; i < n; i++) {
		size_t saved = hr_jpath_key(ctx, v->u.object.keys[i]);

		read_net_device(ctx, v->u.object.keys[i], v->u.object.values[i],
				&l->net_devices[i]);
		check_net_device_name(ctx, l, i);
		hr_jpath_pop(ctx, saved);
	}
	l->n_net_devices = n;
}

void hr_cfg_read_linux(struct hr_jctx *ctx, yajl_val v, struct hr_linux *l)
{
	size_t saved;
	yajl_val m;

	l->namespaces = hr_cfg_array(ctx, v, "namespaces", sizeof(*l->namespaces), read_namespace,
				     &l->n_namespaces);
	check_namespace_duplicates(ctx, l);
	l->uid_mappings = hr_cfg_array(ctx, v, "uidMappings", sizeof(*l->uid_mappings),
				       hr_cfg_read_id_mapping, &l->n_uid_mappings);
	l->gid_mappings = hr_cfg_array(ctx, v, "gidMappings", sizeof(*l->gid_mappings),
				       hr_cfg_read_id_mapping, &l->n_gid_mappings);
	l->devices =
	    hr_cfg_array(ctx, v, "devices", sizeof(*l->devices), read_device, &l->n_devices);
	hr_cfg_string(ctx, v, "cgroupsPath", false, &l->cgroups_path);
	if ((m = hr_cfg_enter(ctx, v, "resources", false, &saved)) != NULL) {
		if (hr_jexpect_object(ctx, m)) {
			l->has_resources = true;
			hr_cfg_read_resources(ctx, m, &l->resources);
		}
		hr_jpath_pop(ctx, saved);
	}
	if ((m = hr_cfg_enter(ctx, v, "seccomp", false, &saved)) != NULL) {
		if (hr_jexpect_object(ctx, m)) {
			l->seccomp = hr_arena_alloc(ctx->arena, sizeof(*l->seccomp));
			hr_cfg_read_seccomp(ctx, m, l->seccomp);
		}
		hr_jpath_pop(ctx, saved);
	}
	read_propagation(ctx, v, l);
	read_container_paths(ctx, v, "maskedPaths", &l->masked_paths, &l->n_masked_paths);
	read_container_paths(ctx, v, "readonlyPaths", &l->readonly_paths, &l->n_readonly_paths);
	if ((m = hr_cfg_enter(ctx, v, "sysctl", false, &saved)) != NULL) {
		hr_cfg_read_string_map(ctx, m, &l->sysctl, &l->n_sysctl);
		hr_jpath_pop(ctx, saved);
	}
	hr_cfg_string(ctx, v, "mountLabel", false, &l->mount_label);
	if ((m = hr_cfg_enter(ctx, v, "personality", false, &saved)) != NULL) {
		read_personality(ctx, m, l);
		hr_jpath_pop(ctx, saved);
	}
	read_time_offsets(ctx, v, l);
	if ((m = hr_cfg_enter(ctx, v, "memoryPolicy", false, &saved)) != NULL) {
		read_memory_policy(ctx, m, l);
		hr_jpath_pop(ctx, saved);
	}
	if ((m = hr_cfg_enter(ctx, v, "netDevices", false, &saved)) != NULL) {
		read_net_devices(ctx, m, l);
		hr_jpath_pop(ctx, saved);
	}
}

/* ---- checks across sections ---- */

struct ns_set {
	bool present[HR_NS__COUNT];
	bool joined[HR_NS__COUNT]; /* has a path */
	size_t index[HR_NS__COUNT];
};

static void report_at(struct hr_jctx *ctx, const char *key1, const char *key2, const char *key3,
		      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Reports at the path key1[.key2[.key3]] below the current one. */
static void report_at(struct hr_jctx *ctx, const char *key1, const char *key2, const char *key3,
		      const char *fmt, ...)
{
	size_t saved = hr_jpath_key(ctx, key1);
	char msg[400];
	va_list ap;

	if (key2 != NULL)
		hr_jpath_key(ctx, key2);
	if (key3 != NULL)
		hr_jpath_key(ctx, key3);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	hr_jerror(ctx, "%s", msg);
	hr_jpath_pop(ctx, saved);
}

static void check_user_namespace(struct hr_jctx *ctx, const struct hr_linux *l,
				 const struct ns_set *ns)
{
	static const char *const keys[2] = {"uidMappings", "gidMappings"};
	size_t counts[2] = {l->n_uid_mappings, l->n_gid_mappings};

	for (int i = 0; i < 2; i++) {
		if (counts[i] > 0 && !ns->present[HR_NS_USER])
			report_at(ctx, "linux", keys[i], NULL,
				  "requires a user namespace (no \"user\" in linux.namespaces)");
		else if (counts[i] == 0 && ns->present[HR_NS_USER] && !ns->joined[HR_NS_USER])
			report_at(ctx, "linux", keys[i], NULL,
				  "required by the new user namespace (linux.namespaces[%zu])",
				  ns->index[HR_NS_USER]);
	}
}

static void check_time_namespace(struct hr_jctx *ctx, const struct hr_linux *l,
				 const struct ns_set *ns)
{
	if (!l->time_offsets[0].set && !l->time_offsets[1].set)
		return;
	if (!ns->present[HR_NS_TIME])
		report_at(ctx, "linux", "timeOffsets", NULL,
			  "requires a time namespace (no \"time\" in linux.namespaces)");
	else if (ns->joined[HR_NS_TIME])
		report_at(ctx, "linux", "timeOffsets", NULL,
			  "cannot be applied to an existing time namespace (linux.namespaces[%zu] "
			  "has a path)",
			  ns->index[HR_NS_TIME]);
}

/* The namespace a sysctl belongs to, as runc decides it; HR_NS__COUNT for a host-wide one. */
static enum hr_ns_type sysctl_namespace(const char *key)
{
	static const char *const ipc_keys[] = {
	    "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
	    "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced"};
	char name[256];

	/* "net/ipv4/ip_forward" is the same sysctl as "net.ipv4.ip_forward" */
	snprintf(name, sizeof(name), "%s", key);
	for (char *p = name; *p; p++)
		if (*p == '/')
			*p = '.';
	for (size_t i = 0; i < HR_N_ELEMS(ipc_keys); i++)
		if (strcmp(name, ipc_keys[i]) == 0)
			return HR_NS_IPC;
	if (strncmp(name, "fs.mqueue.", 10) == 0)
		return HR_NS_IPC;
	if (strncmp(name, "net.", 4) == 0)
		return HR_NS_NETWORK;
	if (strcmp(name, "kernel.domainname") == 0)
		return HR_NS_UTS;
	return HR_NS__COUNT;
}

/*
 * kernel.hostname and kernel.domainname against the config's own properties: the hostname
 * has only the property (runc refuses its sysctl too); the domainname may come from either,
 * but not from both with different values. Returns whether key was one of the two.
 */
static bool check_uts_sysctl(struct hr_jctx *ctx, const struct hr_config *c, const char *key,
			     const char *value)
{
	if (strcmp(key, "kernel.hostname") == 0 || strcmp(key, "kernel/hostname") == 0) {
		if (c->hostname != NULL && c->hostname[0] != '\0')
			report_at(ctx, "linux", "sysctl", key,
				  "conflicts with hostname: set only the hostname property");
		else
			report_at(ctx, "linux", "sysctl", key, "set the hostname property instead");
		return true;
	}
	if (strcmp(key, "kernel.domainname") != 0 && strcmp(key, "kernel/domainname") != 0)
		return false;
	if (c->domainname != NULL && c->domainname[0] != '\0' && value != NULL &&
	    strcmp(value, c->domainname) != 0)
		report_at(ctx, "linux", "sysctl", key,
			  "conflicts with domainname, which sets the same name to another value: "
			  "set only one of them");
	return false;
}

static void check_sysctls(struct hr_jctx *ctx, const struct hr_config *c, const struct ns_set *ns)
{
	const struct hr_linux *l = &c->linux_cfg;

	for (size_t i = 0; i < l->n_sysctl; i++) {
		const char *key = l->sysctl[i].key;
		enum hr_ns_type type;

		if (key == NULL) /* already reported */
			continue;
		type = sysctl_namespace(key);
		if (check_uts_sysctl(ctx, c, key, l->sysctl[i].value))
			continue;
		if (type == HR_NS__COUNT)
			report_at(ctx, "linux", "sysctl", key,
				  "not in a namespace the container can have: it would change the "
				  "host");
		else if (!ns->present[type])
			report_at(ctx, "linux", "sysctl", key,
				  "requires a %s namespace (no \"%s\" in linux.namespaces)",
				  type == HR_NS_NETWORK ? "network"
				  : type == HR_NS_IPC	? "IPC"
							: "UTS",
				  ns_names[type]);
	}
}

/*
 * Without a mount namespace of its own the container shares the caller's mounts: hardrun then
 * mounts nothing, pivots nothing and only chroots into the rootfs (as crun does). Everything
 * that would need a mount, or a file created in the rootfs, is refused by name.
 */
static void check_mount_namespace(struct hr_jctx *ctx, const struct hr_config *c,
				  const struct ns_set *ns)
{
	static const char why[] =
	    "requires a mount namespace (no \"mount\" in linux.namespaces): "
	    "without one hardrun changes nothing in the caller's mounts (stricter than "
	    "crun, on purpose)";
	const struct hr_linux *l = &c->linux_cfg;

	if (ns->present[HR_NS_MOUNT])
		return;
	if (c->n_mounts > 0)
		report_at(ctx, "mounts", NULL, NULL, "%s", why);
	if (c->root_readonly)
		report_at(ctx, "root", "readonly", NULL, "%s", why);
	if (l->n_masked_paths > 0)
		report_at(ctx, "linux", "maskedPaths", NULL, "%s", why);
	if (l->n_readonly_paths > 0)
		report_at(ctx, "linux", "readonlyPaths", NULL, "%s", why);
	if (l->rootfs_propagation != 0)
		report_at(ctx, "linux", "rootfsPropagation", NULL, "%s", why);
	if (l->n_devices > 0)
		report_at(ctx, "linux", "devices", NULL, "%s", why);
	if (l->n_sysctl > 0)
		report_at(ctx, "linux", "sysctl", NULL,
			  "%s; the sysctls are written through the container's own /proc", why);
}

/*
 * org.hardrun.rootfs.idmap: the rootfs bind takes the mapping of the user namespace hardrun
 * creates; one joined by path has no mapping in the config to take.
 */
static void check_rootfs_idmap(struct hr_jctx *ctx, const struct hr_config *c,
			       const struct ns_set *ns)
{
	const struct hr_linux *l = &c->linux_cfg;
	const char *why = NULL;

	if (!c->root_idmap)
		return;
	if (!ns->present[HR_NS_MOUNT])
		why = "requires a mount namespace (no \"mount\" in linux.namespaces)";
	else if (!ns->present[HR_NS_USER] || ns->joined[HR_NS_USER])
		why = "requires a new user namespace (\"user\" in linux.namespaces, without a "
		      "path): its mapping is the rootfs's";
	else if (l->n_uid_mappings == 0 || l->n_gid_mappings == 0)
		why = "requires linux.uidMappings and linux.gidMappings: their mapping is the "
		      "rootfs's";
	if (why != NULL)
		report_at(ctx, "annotations", HR_ANNOTATION_ROOTFS_IDMAP, NULL, "%s", why);
}

/*
 * hardrun moves the devices from the parent, before the container sets up: into a namespace it
 * joins, or one born with it. One the container creates itself after joining a user namespace
 * does not exist yet then.
 */
static void check_net_devices(struct hr_jctx *ctx, const struct hr_linux *l,
			      const struct ns_set *ns)
{
	if (l->n_net_devices == 0)
		return;
	if (!ns->present[HR_NS_NETWORK])
		report_at(ctx, "linux", "netDevices", NULL,
			  "requires a network namespace (no \"network\" in linux.namespaces): the "
			  "devices would stay on the host");
	else if (ns->joined[HR_NS_USER] && !ns->joined[HR_NS_NETWORK])
		report_at(ctx, "linux", "netDevices", NULL,
			  "cannot be moved into a network namespace created in a joined user "
			  "namespace (linux.namespaces[%zu] has a path): give the network "
			  "namespace a path too",
			  ns->index[HR_NS_USER]);
}

void hr_cfg_check_linux(struct hr_jctx *ctx, const struct hr_config *c)
{
	const struct hr_linux *l = &c->linux_cfg;
	struct ns_set ns = {0};

	for (size_t i = 0; i < l->n_namespaces; i++) {
		enum hr_ns_type t = l->namespaces[i].type;

		if (t == HR_NS__COUNT || ns.present[t])
			continue;
		ns.present[t] = true;
		ns.joined[t] = l->namespaces[i].path != NULL;
		ns.index[t] = i;
	}
	check_user_namespace(ctx, l, &ns);
	check_time_namespace(ctx, l, &ns);
	check_sysctls(ctx, c, &ns);
	check_mount_namespace(ctx, c, &ns);
	check_rootfs_idmap(ctx, c, &ns);
	check_net_devices(ctx, l, &ns);
	if (c->hostname != NULL && c->hostname[0] != '\0' && !ns.present[HR_NS_UTS])
		report_at(ctx, "hostname", NULL, NULL,
			  "requires a UTS namespace (no \"uts\" in linux.namespaces)");
	if (c->domainname != NULL && c->domainname[0] != '\0' && !ns.present[HR_NS_UTS])
		report_at(ctx, "domainname", NULL, NULL,
			  "requires a UTS namespace (no \"uts\" in linux.namespaces)");
}
