/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroup v2, the pure parts: the plan from linux.resources, the path, update options. */
#include "cgroup.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "log.h"

static const struct {
	unsigned bit;
	const char *name;
} controllers[] = {
    {HR_CTRL_CPU, "cpu"},   {HR_CTRL_CPUSET, "cpuset"}, {HR_CTRL_MEMORY, "memory"},
    {HR_CTRL_IO, "io"},	    {HR_CTRL_PIDS, "pids"},	{HR_CTRL_HUGETLB, "hugetlb"},
    {HR_CTRL_RDMA, "rdma"}, {HR_CTRL_MISC, "misc"},
};

#define N_CONTROLLERS (sizeof(controllers) / sizeof(controllers[0]))

const char *hr_cgroup_controller_name(unsigned controller)
{
	for (size_t i = 0; i < N_CONTROLLERS; i++)
		if (controllers[i].bit == controller)
			return controllers[i].name;
	return NULL;
}

unsigned hr_cgroup_controller_of(const char *file)
{
	size_t len = strcspn(file, ".");

	if (file[len] != '.')
		return 0;
	for (size_t i = 0; i < N_CONTROLLERS; i++)
		if (strlen(controllers[i].name) == len &&
		    strncmp(controllers[i].name, file, len) == 0)
			return controllers[i].bit;
	return 0;
}

/* ---- value conversions ---- */

uint64_t hr_cgroup_shares_to_weight(uint64_t shares)
{
	/* the cgroup v1 range of cpu.shares is 2..262144, that of cpu.weight 1..10000 */
	if (shares < 2)
		shares = 2;
	if (shares > 262144)
		shares = 262144;
	return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t hr_cgroup_blkio_to_io_weight(uint64_t weight)
{
	if (weight < 10)
		weight = 10;
	if (weight > 1000)
		weight = 1000;
	return 1 + ((weight - 10) * 9999) / 990;
}

void hr_cgroup_memory_value(int64_t limit, char *buf, size_t size)
{
	if (limit < 0)
		snprintf(buf, size, "max");
	else
		snprintf(buf, size, "%" PRId64, limit);
}

int hr_cgroup_swap_max(const hr_opt_i64 *swap, const hr_opt_i64 *limit, int64_t *out,
		       struct hr_err *err)
{
	bool unlimited_memory = limit->set && limit->value == -1;

	*out = -1;
	if (!swap->set || swap->value == 0)
		/* memory unlimited and swap unsaid: both unlimited, as with cgroup v1 */
		return unlimited_memory ? 1 : 0;
	if (swap->value == -1)
		return 1;
	if (!limit->set || limit->value <= 0)
		return hr_err_set(err, EINVAL,
				  "memory.swap %" PRId64 ": a swap limit needs a memory limit",
				  swap->value);
	if (swap->value < limit->value)
		return hr_err_set(err, EINVAL,
				  "memory.swap %" PRId64 " is less than memory.limit %" PRId64
				  " (swap counts memory + swap)",
				  swap->value, limit->value);
	*out = swap->value - limit->value;
	return 1;
}

int hr_cgroup_swap_value(const hr_opt_i64 *swap, const hr_opt_i64 *limit, char *buf, size_t size,
			 struct hr_err *err)
{
	int64_t max;
	int r = hr_cgroup_swap_max(swap, limit, &max, err);

	if (r > 0)
		hr_cgroup_memory_value(max, buf, size);
	return r;
}

bool hr_cgroup_cpu_max_value(const struct hr_cpu *cpu, char *buf, size_t size)
{
	bool has_quota = cpu->quota.set && cpu->quota.value != 0;
	bool has_period = cpu->period.set && cpu->period.value != 0;
	int n;

	if (!has_quota && !has_period)
		return false;
	if (has_quota && cpu->quota.value > 0)
		n = snprintf(buf, size, "%" PRId64, cpu->quota.value);
	else
		n = snprintf(buf, size, "max");
	if (has_period && n > 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, " %" PRIu64, cpu->period.value);
	return true;
}

bool hr_cgroup_unified_key_valid(const char *key)
{
	return key[0] != '\0' && strchr(key, '/') == NULL && strcmp(key, ".") != 0 &&
	       strcmp(key, "..") != 0;
}

/* ---- the plan ---- */

struct builder {
	struct hr_arena *arena;
	struct hr_cgroup_plan *plan;
	size_t cap;
};

static struct hr_cgroup_write *add(struct builder *b, const char *file, const char *what,
				   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static struct hr_cgroup_write *add(struct builder *b, const char *file, const char *what,
				   const char *fmt, ...)
{
	struct hr_cgroup_write *w;
	char value[256];
	va_list ap;

	if (b->plan->n_writes == b->cap)
		hr_oom(); /* the capacity is computed from the resources: cannot happen */
	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	w = &b->plan->writes[b->plan->n_writes++];
	w->file = hr_arena_strdup(b->arena, file);
	w->value = hr_arena_strdup(b->arena, value);
	w->what = what;
	w->if_missing = HR_MISSING_FAIL;
	b->plan->controllers |= hr_cgroup_controller_of(file);
	return w;
}

static int plan_memory(struct builder *b, const struct hr_memory *m, struct hr_err *err)
{
	char value[32];
	int r;

	if (m->limit.set && m->limit.value != 0) {
		hr_cgroup_memory_value(m->limit.value, value, sizeof(value));
		add(b, "memory.max", "memory.limit", "%s", value);
	}
	if (m->reservation.set && m->reservation.value != 0) {
		hr_cgroup_memory_value(m->reservation.value, value, sizeof(value));
		add(b, "memory.low", "memory.reservation", "%s", value);
	}
	r = hr_cgroup_swap_value(&m->swap, &m->limit, value, sizeof(value), err);
	if (r < 0)
		return -1;
	if (r > 0) {
		struct hr_cgroup_write *w = add(b, "memory.swap.max", "memory.swap", "%s", value);

		/* without swap accounting runc skips both: "max" is had, "0" cannot be */
		if (strcmp(value, "max") == 0 || strcmp(value, "0") == 0)
			w->if_missing =
			    m->swap.set && m->swap.value != 0 ? HR_MISSING_WARN : HR_MISSING_QUIET;
	}
	return 0;
}

static int plan_cpu(struct builder *b, const struct hr_cpu *c, struct hr_err *err)
{
	char value[64];

	/* 0 and -1 (UINT64_MAX for the period, as Go writes it) leave them alone */
	if ((c->realtime_runtime.set && c->realtime_runtime.value != 0 &&
	     c->realtime_runtime.value != -1) ||
	    (c->realtime_period.set && c->realtime_period.value != 0 &&
	     c->realtime_period.value != UINT64_MAX))
		return hr_err_set(err, ENOTSUP,
				  "cpu.realtimeRuntime/realtimePeriod: real-time CPU limits do not "
				  "exist in cgroup v2");
	if (c->shares.set && c->shares.value != 0)
		add(b, "cpu.weight", "cpu.shares", "%" PRIu64,
		    hr_cgroup_shares_to_weight(c->shares.value));
	if (hr_cgroup_cpu_max_value(c, value, sizeof(value)))
		add(b, "cpu.max", "cpu.quota", "%s", value);
	if (c->burst.set)
		add(b, "cpu.max.burst", "cpu.burst", "%" PRIu64, c->burst.value);
	if (c->idle.set)
		add(b, "cpu.idle", "cpu.idle", "%" PRId64, c->idle.value);
	if (c->cpus != NULL && c->cpus[0] != '\0')
		add(b, "cpuset.cpus", "cpu.cpus", "%s", c->cpus);
	if (c->mems != NULL && c->mems[0] != '\0')
		add(b, "cpuset.mems", "cpu.mems", "%s", c->mems);
	return 0;
}

static void plan_io(struct builder *b, const struct hr_block_io *io)
{
	static const char *const keys[HR_THROTTLE__COUNT] = {"rbps", "wbps", "riops", "wiops"};

	if (io->has_weight)
		add(b, "io.weight", "blockIO.weight", "default %" PRIu64,
		    hr_cgroup_blkio_to_io_weight(io->weight));
	for (size_t i = 0; i < io->n_weight_devices; i++) {
		const struct hr_weight_device *d = &io->weight_devices[i];

		if (d->has_weight)
			add(b, "io.weight", "blockIO.weightDevice",
			    "%" PRId64 ":%" PRId64 " %" PRIu64, d->major, d->minor,
			    hr_cgroup_blkio_to_io_weight(d->weight));
	}
	for (int k = 0; k < HR_THROTTLE__COUNT; k++) {
		for (size_t i = 0; i < io->n_throttle[k]; i++) {
			const struct hr_throttle_device *d = &io->throttle[k][i];

			if (d->rate == 0)
				add(b, "io.max", "blockIO.throttle",
				    "%" PRId64 ":%" PRId64 " %s=max", d->major, d->minor, keys[k]);
			else
				add(b, "io.max", "blockIO.throttle",
				    "%" PRId64 ":%" PRId64 " %s=%" PRIu64, d->major, d->minor,
				    keys[k], d->rate);
		}
	}
}

/* rdma.max, a line per device: "DEVICE hca_handle=N hca_object=M", an unset count as "max". */
static void plan_rdma(struct builder *b, const struct hr_resources *r)
{
	for (size_t i = 0; i < r->n_rdma; i++) {
		const struct hr_rdma_limit *l = &r->rdma[i];
		char handles[16] = "max", objects[16] = "max";

		if (l->hca_handles.set)
			snprintf(handles, sizeof(handles), "%" PRIu64, l->hca_handles.value);
		if (l->hca_objects.set)
			snprintf(objects, sizeof(objects), "%" PRIu64, l->hca_objects.value);
		add(b, "rdma.max", hr_jpath_member(b->arena, "rdma", l->device),
		    "%s hca_handle=%s hca_object=%s", l->device, handles, objects);
	}
}

static size_t plan_capacity(const struct hr_resources *r)
{
	size_t n = 16 + r->n_hugepage_limits + r->n_rdma + r->n_unified;

	if (r->has_block_io) {
		n += r->block_io.n_weight_devices;
		for (int k = 0; k < HR_THROTTLE__COUNT; k++)
			n += r->block_io.n_throttle[k];
	}
	return n;
}

static int plan_unified(struct builder *b, const struct hr_resources *r, struct hr_err *err)
{
	for (size_t i = 0; i < r->n_hugepage_limits; i++) {
		const char *size = r->hugepage_limits[i].page_size;
		char file[64];

		if (!hr_cgroup_unified_key_valid(size) || strlen(size) > 32)
			return hr_err_set(err, EINVAL,
					  "hugepageLimits: invalid page size \"%.32s\"", size);
		snprintf(file, sizeof(file), "hugetlb.%s.max", size);
		add(b, file, "hugepageLimits", "%" PRIu64, r->hugepage_limits[i].limit);
	}
	for (size_t i = 0; i < r->n_unified; i++) {
		const struct hr_kv *kv = &r->unified[i];

		if (!hr_cgroup_unified_key_valid(kv->key))
			return hr_err_set(err, EINVAL,
					  "unified: \"%.64s\": must be a cgroup file name, without "
					  "\"/\"",
					  kv->key);
		if (strlen(kv->value) >= 256)
			return hr_err_set(err, EINVAL, "unified.%.64s: value longer than 255 bytes",
					  kv->key);
		add(b, kv->key, hr_jpath_member(b->arena, "unified", kv->key), "%s", kv->value);
	}
	return 0;
}

int hr_cgroup_plan_build(const struct hr_resources *r, struct hr_arena *arena,
			 struct hr_cgroup_plan *plan, struct hr_err *err)
{
	struct builder b = {.arena = arena, .plan = plan, .cap = plan_capacity(r)};

	memset(plan, 0, sizeof(*plan));
	plan->writes = hr_arena_array(arena, b.cap, sizeof(*plan->writes));
	if (r->has_memory && plan_memory(&b, &r->memory, err) < 0)
		return -1;
	if (r->has_cpu && plan_cpu(&b, &r->cpu, err) < 0)
		return -1;
	if (r->has_pids && r->pids_limit.set) {
		if (r->pids_limit.value <= 0)
			add(&b, "pids.max", "pids.limit", "max");
		else
			add(&b, "pids.max", "pids.limit", "%" PRId64, r->pids_limit.value);
	}
	if (r->has_block_io)
		plan_io(&b, &r->block_io);
	plan_rdma(&b, r);
	if (plan_unified(&b, r, err) < 0)
		return -1;
	if (r->n_devices > 0 && hr_devfilter_build(r->devices, r->n_devices, arena, &plan->dev_prog,
						   &plan->dev_prog_len, err) < 0)
		return hr_err_prefix(err, "devices");
	return 0;
}

/* ---- the path ---- */

int hr_cgroup_parse_self(const char *text, char *out, size_t size, struct hr_err *err)
{
	for (const char *line = text; line != NULL && *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);

		if (len >= 3 && strncmp(line, "0::", 3) == 0) {
			if (len - 3 >= size || line[3] != '/')
				return hr_err_set(err, EINVAL,
						  "/proc/self/cgroup: bad cgroup v2 entry");
			memcpy(out, line + 3, len - 3);
			out[len - 3] = '\0';
			return 0;
		}
		line = end ? end + 1 : NULL;
	}
	return hr_err_set(err, ENOENT, "/proc/self/cgroup has no cgroup v2 entry (\"0::/...\")");
}

/* Appends the components of path to out ("/a/b"), refusing "." and "..". */
static int append_components(char *out, size_t size, const char *path, struct hr_err *err)
{
	size_t len = strlen(out);

	for (const char *p = path; *p;) {
		size_t n = strcspn(p, "/");

		if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return hr_err_set(err, EINVAL,
					  "linux.cgroupsPath \"%.256s\": \".\" and \"..\" are not "
					  "allowed",
					  path);
		if (n > 0) {
			if (len + 1 + n >= size)
				return hr_err_set(err, ENAMETOOLONG,
						  "linux.cgroupsPath \"%.64s...\"", path);
			out[len++] = '/';
			memcpy(out + len, p, n);
			len += n;
			out[len] = '\0';
		}
		p += n;
		while (*p == '/')
			p++;
	}
	return 0;
}

int hr_cgroup_derive_path(const char *cgroups_path, const char *id, const char *own, char *out,
			  size_t size, struct hr_err *err)
{
	out[0] = '\0';
	if (cgroups_path == NULL || cgroups_path[0] == '\0') {
		if (append_components(out, size, id, err) < 0)
			return -1;
	} else if (cgroups_path[0] == '/') {
		if (append_components(out, size, cgroups_path, err) < 0)
			return -1;
	} else {
		if (own == NULL)
			return hr_err_set(err, EINVAL,
					  "relative linux.cgroupsPath without an own cgroup");
		if (append_components(out, size, own, err) < 0 ||
		    append_components(out, size, cgroups_path, err) < 0)
			return -1;
	}
	if (out[0] == '\0')
		return hr_err_set(err, EINVAL,
				  "linux.cgroupsPath \"%.256s\": the root cgroup cannot be a "
				  "container's cgroup",
				  cgroups_path ? cgroups_path : "");
	return 0;
}

/* ---- the host ---- */

bool hr_cgroup_config_has_limits(const struct hr_config *config)
{
	const struct hr_resources *r = &config->linux_cfg.resources;

	if (!config->has_linux || !config->linux_cfg.has_resources)
		return false;
	return r->has_memory || r->has_cpu || r->has_pids || r->has_block_io ||
	       r->n_hugepage_limits > 0 || r->n_rdma > 0 || r->n_unified > 0 || r->n_devices > 0;
}

/* ---- update options ---- */

/* A size in bytes: digits with an optional K, M, G or T (binary units, optional B), or -1. */
static int parse_size(const char *s, int64_t *out)
{
	static const char units[] = "KMGT";
	unsigned long long n;
	const char *u;
	char *end;

	if (strcmp(s, "-1") == 0) {
		*out = -1;
		return 0;
	}
	if (!isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	if (*end != '\0') {
		u = strchr(units, toupper((unsigned char)*end));
		if (u == NULL || (end[1] != '\0' && strcasecmp(end + 1, "B") != 0 &&
				  strcasecmp(end + 1, "iB") != 0))
			return -1;
		for (int i = 0; i <= u - units; i++) {
			if (n > (unsigned long long)INT64_MAX / 1024)
				return -1;
			n *= 1024;
		}
	}
	if (n > (unsigned long long)INT64_MAX)
		return -1;
	*out = (int64_t)n;
	return 0;
}

static int parse_i64(const char *s, int64_t *out)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0')
		return -1;
	*out = n;
	return 0;
}

static int set_number_option(struct hr_resources *r, const char *name, const char *value,
			     struct hr_err *err)
{
	int64_t n;

	if (parse_i64(value, &n) < 0 || n < -1)
		return hr_err_set(err, EINVAL, "--%s %s: expected an integer (-1 for no limit)",
				  name, value);
	if (strcmp(name, "cpu-quota") == 0) {
		r->has_cpu = true;
		r->cpu.quota = (hr_opt_i64){true, n};
	} else if (strcmp(name, "pids-limit") == 0) {
		r->has_pids = true;
		r->pids_limit = (hr_opt_i64){true, n};
	} else if (n < 0) {
		return hr_err_set(err, EINVAL, "--%s %s: expected a non-negative integer", name,
				  value);
	} else if (strcmp(name, "cpu-period") == 0) {
		r->has_cpu = true;
		r->cpu.period = (hr_opt_u64){true, (uint64_t)n};
	} else if (strcmp(name, "cpu-shares") == 0 || strcmp(name, "cpu-share") == 0) {
		r->has_cpu = true;
		r->cpu.shares = (hr_opt_u64){true, (uint64_t)n};
	} else if (strcmp(name, "blkio-weight") == 0) {
		if (n < 10 || n > 1000)
			return hr_err_set(err, EINVAL, "--blkio-weight %s: expected 10..1000",
					  value);
		r->has_block_io = true;
		r->block_io.has_weight = true;
		r->block_io.weight = (uint16_t)n;
	} else {
		return hr_err_set(err, EINVAL, "unknown update option --%s", name);
	}
	return 0;
}

int hr_resources_set_option(struct hr_resources *r, const char *name, const char *value,
			    struct hr_err *err)
{
	static const struct {
		const char *name;
		size_t offset;
	} sizes[] = {
	    {"memory", offsetof(struct hr_memory, limit)},
	    {"memory-swap", offsetof(struct hr_memory, swap)},
	    {"memory-reservation", offsetof(struct hr_memory, reservation)},
	};
	int64_t n;

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		if (strcmp(name, sizes[i].name) != 0)
			continue;
		if (parse_size(value, &n) < 0)
			return hr_err_set(err, EINVAL,
					  "--%s %s: expected a size in bytes (with K, M, G or T) "
					  "or -1",
					  name, value);
		r->has_memory = true;
		*(hr_opt_i64 *)((char *)&r->memory + sizes[i].offset) = (hr_opt_i64){true, n};
		return 0;
	}
	if (strcmp(name, "cpuset-cpus") == 0 || strcmp(name, "cpuset-mems") == 0) {
		r->has_cpu = true;
		if (name[7] == 'c')
			r->cpu.cpus = (char *)value;
		else
			r->cpu.mems = (char *)value;
		return 0;
	}
	return set_number_option(r, name, value, err);
}

int hr_cgroup_sub_path_check(const char *sub, struct hr_err *err)
{
	const char *p = sub;

	if (sub[0] == '\0')
		return hr_err_set(err, EINVAL, "--cgroup: the sub-cgroup is empty");
	if (sub[0] == '/')
		return hr_err_set(err, EINVAL,
				  "--cgroup %s: must be relative to the container's cgroup, not an "
				  "absolute path",
				  sub);
	if (strchr(sub, ':') != NULL)
		return hr_err_set(err, EINVAL,
				  "--cgroup %s: the CONTROLLER:PATH form is for cgroup v1; hardrun "
				  "takes a path below the container's cgroup v2",
				  sub);
	while (*p != '\0') {
		size_t len = strcspn(p, "/");

		if (len == 0 || (len == 1 && p[0] == '.') ||
		    (len == 2 && p[0] == '.' && p[1] == '.'))
			return hr_err_set(err, EINVAL,
					  "--cgroup %s: empty, \".\" and \"..\" components are not "
					  "allowed: the sub-cgroup must stay below the container's",
					  sub);
		p += len;
		if (*p == '/')
			p++;
	}
	return 0;
}
