/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config.json: linux.resources, also read alone for `update --resources`. */
#include <inttypes.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config_resources.h"
#include "id_list.h"

/* ---- devices ---- */

/* A device rule number: -1 (any) is stored as unset, so that set means a real number. */
static void read_rule_number(struct hr_jctx *ctx, yajl_val item, const char *key, hr_opt_i64 *out)
{
	size_t saved;
	yajl_val v = hr_cfg_enter(ctx, item, key, false, &saved);
	int64_t n;

	if (v == NULL)
		return;
	if (hr_jread_i64(ctx, v, &n)) {
		if (n < -1)
			hr_jerror(ctx, "expected -1 (any) or a non-negative integer, got %" PRId64,
				  n);
		else if (n >= 0)
			*out = (hr_opt_i64){.set = true, .value = n};
	}
	hr_jpath_pop(ctx, saved);
}

static void read_device_rule(struct hr_jctx *ctx, yajl_val item, void *elem)
{
	struct hr_device_rule *r = elem;
	char *type = NULL;
	size_t saved;
	yajl_val v;

	if ((v = hr_cfg_enter(ctx, item, "allow", true, &saved)) != NULL) {
		hr_jread_bool(ctx, v, &r->allow);
		hr_jpath_pop(ctx, saved);
	}
	r->type = 'a';
	if (hr_cfg_string(ctx, item, "type", false, &type) && type != NULL) {
		if (strlen(type) == 1 && strchr("abc", type[0]) != NULL) {
			r->type = type[0];
		} else {
			saved = hr_jpath_key(ctx, "type");
			hr_jerror(ctx, "expected \"a\", \"b\" or \"c\", got \"%.16s\"", type);
			hr_jpath_pop(ctx, saved);
		}
	}
	read_rule_number(ctx, item, "major", &r->major);
	read_rule_number(ctx, item, "minor", &r->minor);
	if (hr_cfg_string(ctx, item, "access", false, &r->access) && r->access != NULL &&
	    r->access[strspn(r->access, "rwm")] != '\0') {
		saved = hr_jpath_key(ctx, "access");
		hr_jerror(ctx, "expected letters among \"rwm\", got \"%.16s\"", r->access);
		hr_jpath_pop(ctx, saved);
	}
}

/* ---- memory ---- */

static const struct {
	const char *key;
	size_t offset;
} memory_limits[] = {
    {"limit", offsetof(struct hr_memory, limit)},
    {"reservation", offsetof(struct hr_memory, reservation)},
    {"swap", offsetof(struct hr_memory, swap)},
    {"kernel", offsetof(struct hr_memory, kernel)},
    {"kernelTCP", offsetof(struct hr_memory, kernel_tcp)},
};

static void report_key(struct hr_jctx *ctx, const char *key, const char *msg)
{
	size_t saved = hr_jpath_key(ctx, key);

	hr_jerror(ctx, "%s", msg);
	hr_jpath_pop(ctx, saved);
}

static void warn_key(struct hr_jctx *ctx, const char *key, const char *msg)
{
	size_t saved = hr_jpath_key(ctx, key);

	hr_jwarn(ctx, "%s", msg);
	hr_jpath_pop(ctx, saved);
}

/*
 * cgroup v1's memory knobs, which cgroup v2 does not have: refused when they ask for a limit
 * or a behaviour the container would then run without; their neutral values (absent, 0, -1,
 * false, Docker's -1 swappiness) are accepted, as engines send them. A swappiness only tunes
 * reclaim (the runtime-spec's own example sets one): a warning, not an error.
 */
static void refuse_cgroup_v1_memory(struct hr_jctx *ctx, const struct hr_memory *m)
{
	if (m->kernel.set && m->kernel.value > 0)
		report_key(ctx, "kernel",
			   "cgroup v2 has no kernel memory limit of its own: kernel memory counts "
			   "in memory.max (linux.resources.memory.limit)");
	if (m->kernel_tcp.set && m->kernel_tcp.value > 0)
		report_key(ctx, "kernelTCP",
			   "cgroup v2 has no TCP buffer limit of its own: socket memory counts in "
			   "memory.max (linux.resources.memory.limit)");
	if (m->swappiness.set && m->swappiness.value != UINT64_MAX)
		warn_key(ctx, "swappiness",
			 "cgroup v2 has no per-cgroup swappiness (memory.swappiness is cgroup "
			 "v1's): ignored");
	if (m->has_disable_oom_killer && m->disable_oom_killer)
		report_key(ctx, "disableOOMKiller",
			   "cgroup v2 cannot turn the OOM killer off for a cgroup "
			   "(memory.oom_control is cgroup v1's)");
	if (m->has_use_hierarchy && !m->use_hierarchy)
		report_key(ctx, "useHierarchy", "cgroup v2 is always hierarchical");
}

static void read_memory(struct hr_jctx *ctx, yajl_val v, struct hr_memory *m)
{
	size_t saved;
	yajl_val s;

	for (size_t i = 0; i < HR_N_ELEMS(memory_limits); i++) {
		hr_opt_i64 *field = (hr_opt_i64 *)((char *)m + memory_limits[i].offset);

		if (!hr_cfg_i64(ctx, v, memory_limits[i].key, field) || field->value >= -1)
			continue;
		saved = hr_jpath_key(ctx, memory_limits[i].key);
		hr_jerror(ctx, "expected -1 (unlimited) or a non-negative integer, got %" PRId64,
			  field->value);
		hr_jpath_pop(ctx, saved);
		field->set = false;
	}
	if (m->limit.set && m->swap.set && m->limit.value > 0 && m->swap.value > 0 &&
	    m->swap.value < m->limit.value) {
		saved = hr_jpath_key(ctx, "swap");
		hr_jerror(ctx,
			  "%" PRId64 " is less than limit %" PRId64 " (swap counts memory + swap)",
			  m->swap.value, m->limit.value);
		hr_jpath_pop(ctx, saved);
	}
	if ((s = hr_cfg_enter(ctx, v, "swappiness", false, &saved)) != NULL) {
		/* UINT64_MAX is -1 cast by Go callers (Docker): "leave the default" */
		if (hr_jread_u64(ctx, s, &m->swappiness.value)) {
			if (m->swappiness.value <= 100 || m->swappiness.value == UINT64_MAX)
				m->swappiness.set = true;
			else
				hr_jerror(ctx, "%" PRIu64 " is out of range (0..100)",
					  m->swappiness.value);
		}
		hr_jpath_pop(ctx, saved);
	}
	hr_cfg_bool(ctx, v, "disableOOMKiller", &m->disable_oom_killer, &m->has_disable_oom_killer);
	hr_cfg_bool(ctx, v, "useHierarchy", &m->use_hierarchy, &m->has_use_hierarchy);
	hr_cfg_bool(ctx, v, "checkBeforeUpdate", &m->check_before_update, NULL);
	refuse_cgroup_v1_memory(ctx, m);
}

/* A cpuset list as the kernel reads it: "0-3,5", also with strides ("0-31:2/8"); "" is unset. */
static bool valid_cpu_list(const char *s)
{
	static const struct hr_id_list_syntax syntax = {
	    .max = ULONG_MAX, .strides = true, .empty = true};
	struct hr_id_list_error e;

	return hr_id_list_parse(s, &syntax, NULL, &e) == 0;
}

static void read_cpu_list(struct hr_jctx *ctx, yajl_val v, const char *key, char **out)
{
	size_t saved;

	if (!hr_cfg_string(ctx, v, key, false, out) || *out == NULL || valid_cpu_list(*out))
		return;
	saved = hr_jpath_key(ctx, key);
	hr_jerror(ctx, "expected a list like \"0-3,5\", got \"%.40s\"", *out);
	hr_jpath_pop(ctx, saved);
}

static void check_cpu(struct hr_jctx *ctx, const struct hr_cpu *c)
{
	/* the kernel's bounds for cfs_period_us / cpu.max, in microseconds */
	if (c->period.set && c->period.value != 0 &&
	    (c->period.value < 1000 || c->period.value > 1000000))
		report_key(ctx, "period", "out of range (1000..1000000 microseconds)");
	if (c->quota.set && c->quota.value < -1)
		report_key(ctx, "quota", "expected -1 (unlimited), 0 (unset) or at least 1000");
	else if (c->quota.set && c->quota.value > 0 && c->quota.value < 1000)
		report_key(ctx, "quota", "out of range (at least 1000 microseconds)");
	else if (c->quota.set && c->quota.value > 0 && (!c->period.set || c->period.value == 0))
		report_key(ctx, "quota", "a quota requires cpu.period");
	if (c->burst.set && c->burst.value > 0 &&
	    (!c->quota.set || c->quota.value <= 0 || c->burst.value > (uint64_t)c->quota.value))
		report_key(ctx, "burst", "must not exceed a positive cpu.quota");
	/* refused here as create and update refuse them (cgroup.c), so that validate agrees */
	if (c->realtime_runtime.set && c->realtime_runtime.value != 0 &&
	    c->realtime_runtime.value != -1)
		report_key(ctx, "realtimeRuntime",
			   "real-time CPU limits do not exist in cgroup v2 (cpu.rt_runtime_us is "
			   "cgroup v1's)");
	if (c->realtime_period.set && c->realtime_period.value != 0 &&
	    c->realtime_period.value != UINT64_MAX)
		report_key(ctx, "realtimePeriod",
			   "real-time CPU limits do not exist in cgroup v2 (cpu.rt_period_us is "
			   "cgroup v1's)");
	if (c->idle.set && c->idle.value != 0 && c->idle.value != 1)
		report_key(ctx, "idle", "expected 0 or 1");
}

static void read_cpu(struct hr_jctx *ctx, yajl_val v, struct hr_cpu *c)
{
	hr_cfg_u64(ctx, v, "shares", &c->shares);
	hr_cfg_i64(ctx, v, "quota", &c->quota);
	hr_cfg_u64(ctx, v, "burst", &c->burst);
	hr_cfg_u64(ctx, v, "period", &c->period);
	hr_cfg_i64(ctx, v, "realtimeRuntime", &c->realtime_runtime);
	hr_cfg_u64(ctx, v, "realtimePeriod", &c->realtime_period);
	read_cpu_list(ctx, v, "cpus", &c->cpus);
	read_cpu_list(ctx, v, "mems", &c->mems);
	hr_cfg_i64(ctx, v, "idle", &c->idle);
	check_cpu(ctx, c);
}

/* ---- blockIO ---- */

/* A blkio weight: 10..1000, with 0 meaning "not set" as in runc. */
static void read_weight(struct hr_jctx *ctx, yajl_val obj, const char *key, bool *has,
			uint16_t *out)
{
	size_t saved;
	yajl_val v = hr_cfg_enter(ctx, obj, key, false, &saved);
	uint64_t w;

	if (v == NULL)
		return;
	if (hr_jread_u64(ctx, v, &w)) {
		if (w != 0 && (w < 10 || w > 1000))
			hr_jerror(ctx, "%" PRIu64 " is out of range (10..1000, or 0 for unset)", w);
		else if (w != 0) {
			*has = true;
			*out = (uint16_t)w;
		}
	}
	hr_jpath_pop(ctx, saved);
}

/* A leaf weight only shares the disk between a group and its children: a warning. */
static void warn_leaf_weight(struct hr_jctx *ctx, bool has)
{
	if (has)
		warn_key(
		    ctx, "leafWeight",
		    "cgroup v2 has no leaf weights (blkio.leaf_weight is cgroup v1's; io.weight "
		    "is the group's one weight): ignored");
}

static void read_block_device(struct hr_jctx *ctx, yajl_val item, int64_t *major, int64_t *minor)
{
	size_t saved;
	yajl_val v;

	if ((v = hr_cfg_enter(ctx, item, "major", true, &saved)) != NULL) {
		hr_cfg_read_nonneg_i64(ctx, v, major);
		hr_jpath_pop(ctx, saved);
	}
	if ((v = hr_cfg_enter(ctx, item, "minor", true, &saved)) != NULL) {
		hr_cfg_read_nonneg_i64(ctx, v, minor);
		hr_jpath_pop(ctx, saved);
	}
}

static void read_weight_device(struct hr_jctx *ctx, yajl_val item, void *elem)
{
	struct hr_weight_device *d = elem;

	read_block_device(ctx, item, &d->major, &d->minor);
	read_weight(ctx, item, "weight", &d->has_weight, &d->weight);
	read_weight(ctx, item, "leafWeight", &d->has_leaf_weight, &d->leaf_weight);
	warn_leaf_weight(ctx, d->has_leaf_weight);
}

static void read_throttle_device(struct hr_jctx *ctx, yajl_val item, void *elem)
{
	struct hr_throttle_device *d = elem;
	hr_opt_u64 rate = {0};

	read_block_device(ctx, item, &d->major, &d->minor);
	hr_cfg_u64(ctx, item, "rate", &rate);
	d->rate = rate.value;
}

static const char *const throttle_keys[HR_THROTTLE__COUNT] = {
    [HR_THROTTLE_READ_BPS] = "throttleReadBpsDevice",
    [HR_THROTTLE_WRITE_BPS] = "throttleWriteBpsDevice",
    [HR_THROTTLE_READ_IOPS] = "throttleReadIOPSDevice",
    [HR_THROTTLE_WRITE_IOPS] = "throttleWriteIOPSDevice",
};

static void read_block_io(struct hr_jctx *ctx, yajl_val v, struct hr_block_io *b)
{
	read_weight(ctx, v, "weight", &b->has_weight, &b->weight);
	read_weight(ctx, v, "leafWeight", &b->has_leaf_weight, &b->leaf_weight);
	warn_leaf_weight(ctx, b->has_leaf_weight);
	b->weight_devices = hr_cfg_array(ctx, v, "weightDevice", sizeof(*b->weight_devices),
					 read_weight_device, &b->n_weight_devices);
	for (int k = 0; k < HR_THROTTLE__COUNT; k++)
		b->throttle[k] = hr_cfg_array(ctx, v, throttle_keys[k], sizeof(*b->throttle[k]),
					      read_throttle_device, &b->n_throttle[k]);
}

/* ---- hugepages, unified ---- */

/* "2MB", "1GB", "64KB": the spec's ^[1-9][0-9]*[KMG]B$ */
static bool valid_page_size(const char *s)
{
	size_t digits = strspn(s, "0123456789");

	return digits > 0 && s[0] != '0' && s[digits] != '\0' && strchr("KMG", s[digits]) &&
	       strcmp(s + digits + 1, "B") == 0;
}

static void read_hugepage_limit(struct hr_jctx *ctx, yajl_val item, void *elem)
{
	struct hr_hugepage_limit *h = elem;
	size_t saved;
	yajl_val v;

	if (hr_cfg_string(ctx, item, "pageSize", true, &h->page_size) && h->page_size != NULL &&
	    !valid_page_size(h->page_size)) {
		saved = hr_jpath_key(ctx, "pageSize");
		hr_jerror(ctx, "expected a size like \"2MB\" or \"1GB\", got \"%.32s\"",
			  h->page_size);
		hr_jpath_pop(ctx, saved);
	}
	if ((v = hr_cfg_enter(ctx, item, "limit", true, &saved)) != NULL) {
		hr_jread_u64(ctx, v, &h->limit);
		hr_jpath_pop(ctx, saved);
	}
}

/*
 * The core interface files a container's config may write: the others move processes
 * (cgroup.procs, cgroup.threads), delegate (cgroup.subtree_control, cgroup.type), or freeze and
 * kill, which pause, resume and kill own; cgroup.controllers, .events and .stat are read-only.
 */
static const char *const writable_core_files[] = {
    "cgroup.max.depth",
    "cgroup.max.descendants",
    "cgroup.pressure",
};

/* Why key cannot be a linux.resources.unified key; NULL when it can. */
static const char *unified_key_problem(const char *key)
{
	if (strchr(key, '/') != NULL || strcmp(key, ".") == 0 || strcmp(key, "..") == 0)
		return "must be a cgroup file name, without \"/\", \".\" or \"..\"";
	if (strchr(key, '.') == NULL || key[0] == '.')
		return "must be a file of the form CONTROLLER.PARAMETER (like \"memory.high\")";
	if (strncmp(key, "cgroup.", 7) != 0)
		return NULL;
	for (size_t i = 0; i < HR_N_ELEMS(writable_core_files); i++)
		if (strcmp(key, writable_core_files[i]) == 0)
			return NULL;
	return "is a cgroup core interface file hardrun manages, not a resource limit (of the "
	       "cgroup.* files only cgroup.max.depth, cgroup.max.descendants and cgroup.pressure "
	       "may be set)";
}

static void read_unified(struct hr_jctx *ctx, yajl_val v, struct hr_resources *r)
{
	if (!hr_cfg_read_string_map(ctx, v, &r->unified, &r->n_unified))
		return;
	for (size_t i = 0; i < r->n_unified; i++) {
		const char *key = r->unified[i].key;
		const char *why = unified_key_problem(key);
		size_t saved;

		if (why == NULL)
			continue;
		saved = hr_jpath_key(ctx, key);
		hr_jerror(ctx, "%s", why);
		hr_jpath_pop(ctx, saved);
	}
}

/* ---- rdma ---- */

/* An RDMA device name as rdma.max reads it: 1..63 printable bytes, no space, no '/'. */
static const char *rdma_device_problem(const char *name)
{
	if (name[0] == '\0')
		return "an RDMA device name must not be empty";
	if (strlen(name) > 63)
		return "an RDMA device name has at most 63 bytes";
	for (const char *p = name; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f || *p == '/')
			return "an RDMA device name has no spaces, control characters or \"/\"";
	return NULL;
}

static void read_rdma_count(struct hr_jctx *ctx, yajl_val obj, const char *key, hr_opt_u64 *out)
{
	size_t saved;
	yajl_val v = hr_cfg_enter(ctx, obj, key, false, &saved);

	if (v == NULL)
		return;
	/* the kernel keeps the count in an int: larger numbers are refused with EINVAL */
	out->set = hr_cfg_read_u64_range(ctx, v, 0, HR_RDMA_LIMIT_MAX, &out->value);
	hr_jpath_pop(ctx, saved);
}

/* linux.resources.rdma: {"DEVICE": {"hcaHandles": N, "hcaObjects": M}, ...} */
static void read_rdma(struct hr_jctx *ctx, yajl_val v, struct hr_resources *r)
{
	size_t n;

	if (!hr_jexpect_object(ctx, v) || (n = v->u.object.len) == 0)
		return;
	r->rdma = hr_arena_array(ctx->arena, n, sizeof(*r->rdma));
	for (size_t i = 0; i < n; i++) {
		struct hr_rdma_limit *l = &r->rdma[i];
		const char *name = v->u.object.keys[i];
		yajl_val item = v->u.object.values[i];
		size_t saved = hr_jpath_key(ctx, name);
		const char *why = rdma_device_problem(name);

		l->device = hr_arena_strdup(ctx->arena, name);
		if (why != NULL) {
			hr_jerror(ctx, "%s, got \"%.64s\"", why, name);
		} else if (item != NULL && !YAJL_IS_NULL(item) && hr_jexpect_object(ctx, item)) {
			read_rdma_count(ctx, item, "hcaHandles", &l->hca_handles);
			read_rdma_count(ctx, item, "hcaObjects", &l->hca_objects);
		}
		hr_jpath_pop(ctx, saved);
	}
	r->n_rdma = n;
}

/* Reads a member object with fn when present; sets *has when it is an object. */
static void read_section(struct hr_jctx *ctx, yajl_val obj, const char *key, bool *has,
			 void (*fn)(struct hr_jctx *, yajl_val, void *), void *out)
{
	size_t saved;
	yajl_val v = hr_cfg_enter(ctx, obj, key, false, &saved);

	if (v == NULL)
		return;
	if (hr_jexpect_object(ctx, v)) {
		if (has != NULL)
			*has = true;
		fn(ctx, v, out);
	}
	hr_jpath_pop(ctx, saved);
}

static void memory_fn(struct hr_jctx *ctx, yajl_val v, void *out)
{
	read_memory(ctx, v, out);
}

static void cpu_fn(struct hr_jctx *ctx, yajl_val v, void *out)
{
	read_cpu(ctx, v, out);
}

static void pids_fn(struct hr_jctx *ctx, yajl_val v, void *out)
{
	hr_opt_i64 *limit = out;
	size_t saved;
	yajl_val m = hr_cfg_enter(ctx, v, "limit", true, &saved);

	if (m == NULL)
		return;
	limit->set = hr_jread_i64(ctx, m, &limit->value);
	hr_jpath_pop(ctx, saved);
}

static void block_io_fn(struct hr_jctx *ctx, yajl_val v, void *out)
{
	read_block_io(ctx, v, out);
}

void hr_cfg_read_resources(struct hr_jctx *ctx, yajl_val v, struct hr_resources *r)
{
	size_t saved;
	yajl_val m;

	r->devices =
	    hr_cfg_array(ctx, v, "devices", sizeof(*r->devices), read_device_rule, &r->n_devices);
	read_section(ctx, v, "memory", &r->has_memory, memory_fn, &r->memory);
	read_section(ctx, v, "cpu", &r->has_cpu, cpu_fn, &r->cpu);
	read_section(ctx, v, "pids", &r->has_pids, pids_fn, &r->pids_limit);
	read_section(ctx, v, "blockIO", &r->has_block_io, block_io_fn, &r->block_io);
	r->hugepage_limits = hr_cfg_array(ctx, v, "hugepageLimits", sizeof(*r->hugepage_limits),
					  read_hugepage_limit, &r->n_hugepage_limits);
	if ((m = hr_cfg_enter(ctx, v, "rdma", false, &saved)) != NULL) {
		read_rdma(ctx, m, r);
		hr_jpath_pop(ctx, saved);
	}
	if ((m = hr_cfg_enter(ctx, v, "unified", false, &saved)) != NULL) {
		read_unified(ctx, m, r);
		hr_jpath_pop(ctx, saved);
	}
}
