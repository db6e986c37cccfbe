/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config_keys.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_reader.h"

struct shape;

struct key {
	const char *name;
	const struct shape *shape; /* the value's members, or each element's when array */
	bool array;
	bool map;	     /* an object of any keys, each value of shape */
	const char *refused; /* known to the spec, not implemented: the reason */
	const char *other_platform;
};

struct shape {
	const struct key *keys;
	size_t n;
};

#define SHAPE(name, ...)                                                                           \
	static const struct key name##_keys[] = {__VA_ARGS__};                                     \
	static const struct shape name = {name##_keys, HR_N_ELEMS(name##_keys)}
#define LEAF(k)                                                                                    \
	{                                                                                          \
		.name = k                                                                          \
	}
#define OBJ(k, s)                                                                                  \
	{                                                                                          \
		.name = k, .shape = &s                                                             \
	}
#define ARRAY(k, s)                                                                                \
	{                                                                                          \
		.name = k, .shape = &s, .array = true                                              \
	}
#define MAP(k, s)                                                                                  \
	{                                                                                          \
		.name = k, .shape = &s, .map = true                                                \
	}
#define REFUSED(k, why)                                                                            \
	{                                                                                          \
		.name = k, .refused = why                                                          \
	}
#define ELSEWHERE(k, pf)                                                                           \
	{                                                                                          \
		.name = k, .other_platform = pf                                                    \
	}

SHAPE(id_mapping, LEAF("containerID"), LEAF("hostID"), LEAF("size"));
SHAPE(mount, LEAF("destination"), LEAF("source"), LEAF("type"), LEAF("options"),
      ARRAY("uidMappings", id_mapping), ARRAY("gidMappings", id_mapping));
SHAPE(hook, LEAF("path"), LEAF("args"), LEAF("env"), LEAF("timeout"));
SHAPE(hooks, ARRAY("prestart", hook), ARRAY("createRuntime", hook), ARRAY("createContainer", hook),
      ARRAY("startContainer", hook), ARRAY("poststart", hook), ARRAY("poststop", hook));
SHAPE(root, LEAF("path"), LEAF("readonly"));

SHAPE(console_size, LEAF("height"), LEAF("width"));
SHAPE(user, LEAF("uid"), LEAF("gid"), LEAF("umask"), LEAF("additionalGids"),
      ELSEWHERE("username", "Windows"));
SHAPE(capabilities, LEAF("bounding"), LEAF("effective"), LEAF("inheritable"), LEAF("permitted"),
      LEAF("ambient"));
SHAPE(rlimit, LEAF("type"), LEAF("soft"), LEAF("hard"));
SHAPE(io_priority, LEAF("class"), LEAF("priority"));
SHAPE(scheduler, LEAF("policy"), LEAF("nice"), LEAF("priority"), LEAF("flags"), LEAF("runtime"),
      LEAF("deadline"), LEAF("period"));
SHAPE(exec_cpu_affinity, LEAF("initial"), LEAF("final"));
SHAPE(process, LEAF("terminal"), OBJ("consoleSize", console_size), OBJ("user", user), LEAF("args"),
      ELSEWHERE("commandLine", "Windows"), LEAF("env"), LEAF("cwd"),
      OBJ("capabilities", capabilities), ARRAY("rlimits", rlimit), LEAF("noNewPrivileges"),
      LEAF("apparmorProfile"), LEAF("oomScoreAdj"), OBJ("scheduler", scheduler),
      LEAF("selinuxLabel"), OBJ("ioPriority", io_priority),
      OBJ("execCPUAffinity", exec_cpu_affinity));

SHAPE(device_rule, LEAF("allow"), LEAF("type"), LEAF("major"), LEAF("minor"), LEAF("access"));
SHAPE(memory, LEAF("limit"), LEAF("reservation"), LEAF("swap"), LEAF("kernel"), LEAF("kernelTCP"),
      LEAF("swappiness"), LEAF("disableOOMKiller"), LEAF("useHierarchy"),
      LEAF("checkBeforeUpdate"));
SHAPE(cpu, LEAF("shares"), LEAF("quota"), LEAF("burst"), LEAF("period"), LEAF("realtimeRuntime"),
      LEAF("realtimePeriod"), LEAF("cpus"), LEAF("mems"), LEAF("idle"));
SHAPE(pids, LEAF("limit"));
SHAPE(weight_device, LEAF("major"), LEAF("minor"), LEAF("weight"), LEAF("leafWeight"));
SHAPE(throttle_device, LEAF("major"), LEAF("minor"), LEAF("rate"));
SHAPE(block_io, LEAF("weight"), LEAF("leafWeight"), ARRAY("weightDevice", weight_device),
      ARRAY("throttleReadBpsDevice", throttle_device),
      ARRAY("throttleWriteBpsDevice", throttle_device),
      ARRAY("throttleReadIOPSDevice", throttle_device),
      ARRAY("throttleWriteIOPSDevice", throttle_device));
SHAPE(hugepage_limit, LEAF("pageSize"), LEAF("limit"));
SHAPE(rdma_limit, LEAF("hcaHandles"), LEAF("hcaObjects"));
SHAPE(resources, ARRAY("devices", device_rule), OBJ("memory", memory), OBJ("cpu", cpu),
      OBJ("pids", pids), OBJ("blockIO", block_io), ARRAY("hugepageLimits", hugepage_limit),
      REFUSED("network", "cgroup v2 has no net_cls or net_prio controller (classID and "
			 "priorities need cgroup v1)"),
      MAP("rdma", rdma_limit), LEAF("unified"));

SHAPE(namespace, LEAF("type"), LEAF("path"));
SHAPE(device, LEAF("type"), LEAF("path"), LEAF("major"), LEAF("minor"), LEAF("fileMode"),
      LEAF("uid"), LEAF("gid"));
SHAPE(syscall_arg, LEAF("index"), LEAF("value"), LEAF("valueTwo"), LEAF("op"));
SHAPE(syscall, LEAF("names"), LEAF("action"), LEAF("errnoRet"), ARRAY("args", syscall_arg));
SHAPE(seccomp, LEAF("defaultAction"), LEAF("defaultErrnoRet"), LEAF("architectures"), LEAF("flags"),
      LEAF("listenerPath"), LEAF("listenerMetadata"), ARRAY("syscalls", syscall));
SHAPE(personality, LEAF("domain"), LEAF("flags"));
SHAPE(time_offset, LEAF("secs"), LEAF("nanosecs"));
SHAPE(time_offsets, OBJ("boottime", time_offset), OBJ("monotonic", time_offset));
SHAPE(memory_policy, LEAF("mode"), LEAF("nodes"), LEAF("flags"));
SHAPE(net_device, LEAF("name"));
SHAPE(linux_section, ARRAY("namespaces", namespace), ARRAY("uidMappings", id_mapping),
      ARRAY("gidMappings", id_mapping), OBJ("timeOffsets", time_offsets), ARRAY("devices", device),
      LEAF("cgroupsPath"), OBJ("resources", resources),
      REFUSED("intelRdt", "Intel RDT (resctrl) is not supported"), LEAF("sysctl"),
      OBJ("seccomp", seccomp), LEAF("rootfsPropagation"), LEAF("maskedPaths"),
      LEAF("readonlyPaths"), LEAF("mountLabel"), OBJ("personality", personality),
      OBJ("memoryPolicy", memory_policy), MAP("netDevices", net_device));

SHAPE(config, LEAF("ociVersion"), OBJ("root", root), ARRAY("mounts", mount),
      OBJ("process", process), LEAF("hostname"), LEAF("domainname"), OBJ("hooks", hooks),
      LEAF("annotations"), OBJ("linux", linux_section), ELSEWHERE("windows", "Windows"),
      ELSEWHERE("solaris", "Solaris"), ELSEWHERE("vm", "virtual-machine runtimes"),
      ELSEWHERE("zos", "z/OS"), ELSEWHERE("freebsd", "FreeBSD"));

static const struct key *find_key(const struct shape *shape, const char *name)
{
	for (size_t i = 0; i < shape->n; i++)
		if (strcmp(shape->keys[i].name, name) == 0)
			return &shape->keys[i];
	return NULL;
}

/* An absent, null, empty object or empty array value asks for nothing. */
static bool asks_nothing(yajl_val v)
{
	return v == NULL || YAJL_IS_NULL(v) || (YAJL_IS_OBJECT(v) && v->u.object.len == 0) ||
	       (YAJL_IS_ARRAY(v) && v->u.array.len == 0);
}

static void walk(struct hr_jctx *ctx, yajl_val v, const struct shape *shape);

static void walk_member(struct hr_jctx *ctx, const struct key *key, yajl_val v)
{
	if (key->refused != NULL) {
		if (!asks_nothing(v))
			hr_jerror(ctx, "%s", key->refused);
		return;
	}
	if (key->other_platform != NULL) {
		if (!asks_nothing(v))
			hr_jwarn(ctx, "a field for %s, ignored on Linux", key->other_platform);
		return;
	}
	if (key->shape == NULL)
		return;
	if (key->map) {
		for (size_t i = 0; YAJL_IS_OBJECT(v) && i < v->u.object.len; i++) {
			size_t saved = hr_jpath_key(ctx, v->u.object.keys[i]);

			walk(ctx, v->u.object.values[i], key->shape);
			hr_jpath_pop(ctx, saved);
		}
		return;
	}
	if (!key->array) {
		walk(ctx, v, key->shape);
		return;
	}
	for (size_t i = 0; YAJL_IS_ARRAY(v) && i < v->u.array.len; i++) {
		size_t saved = hr_jpath_index(ctx, i);

		walk(ctx, v->u.array.values[i], key->shape);
		hr_jpath_pop(ctx, saved);
	}
}

/* Type errors are the typed readers' to report: a value of another type is skipped here. */
static void walk(struct hr_jctx *ctx, yajl_val v, const struct shape *shape)
{
	if (!YAJL_IS_OBJECT(v))
		return;
	for (size_t i = 0; i < v->u.object.len; i++) {
		const char *name = v->u.object.keys[i];
		const struct key *key = find_key(shape, name);
		size_t saved = hr_jpath_key(ctx, name);

		if (key == NULL)
			hr_jwarn(ctx, "not a field of the runtime-spec 1.3, ignored");
		else
			walk_member(ctx, key, v->u.object.values[i]);
		hr_jpath_pop(ctx, saved);
	}
}

static const struct shape *doc_shape(enum hr_doc_kind kind)
{
	static const struct shape *const shapes[] = {
	    [HR_DOC_CONFIG] = &config,
	    [HR_DOC_PROCESS] = &process,
	    [HR_DOC_RESOURCES] = &resources,
	};

	return shapes[kind];
}

void hr_cfg_check_keys(struct hr_jctx *ctx, yajl_val doc, enum hr_doc_kind kind)
{
	walk(ctx, doc, doc_shape(kind));
}

/* ---- the table, for its documentation ---- */

#define KEY_PATH_MAX 256 /* the longest path of the table is about 60 bytes */

struct key_walk {
	void (*fn)(const struct hr_key_info *key, void *data);
	void *data;
	char path[KEY_PATH_MAX];
};

/* Appends to w->path at len; the table's paths are short, so it always fits. */
static size_t append(struct key_walk *w, size_t len, const char *a, const char *b)
{
	int n = snprintf(w->path + len, sizeof(w->path) - len, "%s%s", a, b);

	if (n < 0 || (size_t)n >= sizeof(w->path) - len)
		abort();
	return len + (size_t)n;
}

/* What comes between a key and its members' names: "mounts[].destination". */
static const char *member_prefix(const struct key *k)
{
	if (k->array)
		return "[]";
	return k->map ? "." HR_KEY_MAP_NAME : "";
}

static void visit(struct key_walk *w, const struct shape *shape, size_t len)
{
	for (size_t i = 0; i < shape->n; i++) {
		const struct key *k = &shape->keys[i];
		size_t end = append(w, len, len > 0 ? "." : "", k->name);
		struct hr_key_info info = {
		    .path = w->path,
		    .status = k->refused	  ? HR_KEY_REFUSED
			      : k->other_platform ? HR_KEY_OTHER_PLATFORM
						  : HR_KEY_LINUX,
		    .why = k->refused ? k->refused : k->other_platform,
		    .has_members = k->shape != NULL,
		};

		w->fn(&info, w->data);
		if (k->shape != NULL)
			visit(w, k->shape, append(w, end, member_prefix(k), ""));
		w->path[len] = '\0';
	}
}

void hr_cfg_keys_walk(enum hr_doc_kind kind, void (*fn)(const struct hr_key_info *key, void *data),
		      void *data)
{
	struct key_walk w = {.fn = fn, .data = data};

	visit(&w, doc_shape(kind), 0);
}
