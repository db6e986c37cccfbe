/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cgroup_sdprops.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cgroup.h"
#include "id_list.h"

#define LONG_BITS      (sizeof(unsigned long) * CHAR_BIT)
#define MAX_CPU	       (HR_SD_MASK_BYTES * CHAR_BIT - 1)
#define MAX_NODE       1023 /* the kernel's MAX_NUMNODES at most */
#define DEFAULT_PERIOD 100000

static struct hr_sd_prop *add(struct hr_sd_props *p, const char *name)
{
	struct hr_sd_prop *prop = &p->items[p->n++]; /* the table has fewer than HR_SD_PROPS_MAX */

	memset(prop, 0, sizeof(*prop));
	prop->name = name;
	return prop;
}

static void add_u64(struct hr_sd_props *p, const char *name, uint64_t value)
{
	add(p, name)->value = value;
}

static uint64_t or_infinity(int64_t value)
{
	return value < 0 ? HR_SD_INFINITY : (uint64_t)value;
}

static int add_memory(struct hr_sd_props *p, const struct hr_memory *m, struct hr_err *err)
{
	int64_t swap;
	int r;

	if (m->limit.set && m->limit.value != 0)
		add_u64(p, "MemoryMax", or_infinity(m->limit.value));
	if (m->reservation.set && m->reservation.value != 0)
		add_u64(p, "MemoryLow", or_infinity(m->reservation.value));
	r = hr_cgroup_swap_max(&m->swap, &m->limit, &swap, err);
	if (r > 0)
		add_u64(p, "MemorySwapMax", or_infinity(swap));
	return r < 0 ? -1 : 0;
}

/*
 * As runc: systemd counts the quota per second of CPU time and keeps it as a percentage, so it
 * is rounded up to 10 ms; a period alone leaves the quota unlimited, as cpu.max "max PERIOD".
 */
static int add_cpu_quota(struct hr_sd_props *p, const struct hr_cpu *c, struct hr_err *err)
{
	int64_t quota = c->quota.set ? c->quota.value : 0;
	uint64_t period = c->period.set ? c->period.value : 0;
	uint64_t per_sec = HR_SD_INFINITY;

	if (quota == 0 && period == 0)
		return 0;
	if (quota > 0) {
		if ((uint64_t)quota > (UINT64_MAX - 10000) / 1000000)
			return hr_err_set(err, ERANGE, "cpu.quota %" PRId64 " is too large", quota);
		per_sec = (uint64_t)quota * 1000000 / (period ? period : DEFAULT_PERIOD);
		per_sec = (per_sec + 9999) / 10000 * 10000;
	}
	add_u64(p, "CPUQuotaPerSecUSec", per_sec);
	if (period != 0)
		add_u64(p, "CPUQuotaPeriodUSec", period);
	return 0;
}

/* A CPU or node list as systemd's byte array: bit i of byte j is number 8j+i. */
static int add_mask(struct hr_sd_props *p, const char *name, const char *what, const char *list,
		    unsigned long max, struct hr_err *err)
{
	const struct hr_id_list_syntax syntax = {.max = max, .spaces = true, .strides = true};
	unsigned long mask[HR_SD_MASK_BYTES * CHAR_BIT / LONG_BITS];
	struct hr_id_list_error e;
	struct hr_sd_prop *prop;

	if (list == NULL || list[0] == '\0')
		return 0;
	memset(mask, 0, sizeof(mask));
	if (hr_id_list_parse(list, &syntax, mask, &e) < 0)
		return hr_err_set(
		    err, EINVAL,
		    "%s \"%.64s\": not a list of numbers up to %lu and ranges N-M, as "
		    "in \"0-3,7\" (for systemd's %s)",
		    what, list, max, name);
	prop = add(p, name);
	prop->is_mask = true;
	for (size_t j = 0; j < HR_SD_MASK_BYTES; j++) {
		prop->bytes[j] =
		    (uint8_t)(mask[j / sizeof(long)] >> (CHAR_BIT * (j % sizeof(long))));
		if (prop->bytes[j] != 0)
			prop->n_bytes = j + 1;
	}
	return 0;
}

static int add_cpu(struct hr_sd_props *p, const struct hr_cpu *c, struct hr_err *err)
{
	if (c->shares.set && c->shares.value != 0)
		add_u64(p, "CPUWeight", hr_cgroup_shares_to_weight(c->shares.value));
	if (add_cpu_quota(p, c, err) < 0 ||
	    add_mask(p, "AllowedCPUs", "cpu.cpus", c->cpus, MAX_CPU, err) < 0 ||
	    add_mask(p, "AllowedMemoryNodes", "cpu.mems", c->mems, MAX_NODE, err) < 0)
		return -1;
	return 0;
}

int hr_sd_props_build(const struct hr_resources *r, struct hr_sd_props *out, struct hr_err *err)
{
	out->n = 0;
	if (r->has_memory && add_memory(out, &r->memory, err) < 0)
		return -1;
	if (r->has_cpu && add_cpu(out, &r->cpu, err) < 0)
		return -1;
	if (r->has_pids && r->pids_limit.set)
		add_u64(out, "TasksMax",
			r->pids_limit.value > 0 ? (uint64_t)r->pids_limit.value : HR_SD_INFINITY);
	if (r->has_block_io && r->block_io.has_weight)
		add_u64(out, "IOWeight", hr_cgroup_blkio_to_io_weight(r->block_io.weight));
	return 0;
}

const struct hr_sd_prop *hr_sd_props_find(const struct hr_sd_props *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->items[i].name, name) == 0)
			return &p->items[i];
	return NULL;
}

bool hr_sd_props_remove(struct hr_sd_props *p, const char *name)
{
	const struct hr_sd_prop *prop = hr_sd_props_find(p, name);
	size_t i;

	if (prop == NULL)
		return false;
	i = (size_t)(prop - p->items);
	memmove(&p->items[i], &p->items[i + 1], (p->n - i - 1) * sizeof(p->items[0]));
	p->n--;
	return true;
}

void hr_sd_props_names(const struct hr_sd_props *p, char *buf, size_t size)
{
	size_t len = 0;

	snprintf(buf, size, "%s", p->n == 0 ? "none" : "");
	for (size_t i = 0; i < p->n && len < size; i++) {
		int n = snprintf(buf + len, size - len, "%s%s", i ? ", " : "", p->items[i].name);

		if (n < 0)
			break;
		len += (size_t)n;
	}
}
