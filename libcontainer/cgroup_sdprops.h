/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_CGROUP_SDPROPS_H
#define HR_CGROUP_SDPROPS_H

/*
 * The systemd unit properties (systemd.resource-control(5)) that say what linux.resources says,
 * as runc's systemd driver maps them: the one list both the scope's creation
 * (StartTransientUnit) and `update` (SetUnitProperties) send, so that systemd re-applying the
 * unit (daemon-reload) writes the same values as hardrun did. Pure: no D-Bus here.
 *
 *   memory.limit         MemoryMax            (-1: infinity)
 *   memory.reservation   MemoryLow            (-1: infinity)
 *   memory.swap          MemorySwapMax        swap only: memory.swap - memory.limit
 *   cpu.shares           CPUWeight            converted as for cpu.weight
 *   cpu.quota, period    CPUQuotaPerSecUSec   rounded up to 10 ms, infinity for quota <= 0;
 *                        CPUQuotaPeriodUSec   (systemd >= 242)
 *   cpu.cpus, cpu.mems   AllowedCPUs, AllowedMemoryNodes   bitmasks (systemd >= 244)
 *   pids.limit           TasksMax             (<= 0: infinity)
 *   blockIO.weight       IOWeight             converted as for io.weight
 *
 * Everything else (burst, idle, per-device I/O, hugetlb, unified) is not mapped: it is written
 * to the cgroup files only (where a reload may put back systemd's own value, as for a
 * unified memory.high).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "error.h"

#define HR_SD_PROPS_MAX	 12
#define HR_SD_MASK_BYTES 1024 /* CPUs 0..8191 */
#define HR_SD_INFINITY	 UINT64_MAX

struct hr_sd_prop {
	const char *name; /* "MemoryMax" */
	bool is_mask;	  /* D-Bus "ay" (bytes, n_bytes: bit i of byte j is CPU/node 8j+i) */
	uint64_t value;	  /* D-Bus "t" otherwise; HR_SD_INFINITY for unlimited */
	size_t n_bytes;
	uint8_t bytes[HR_SD_MASK_BYTES];
};

struct hr_sd_props {
	struct hr_sd_prop items[HR_SD_PROPS_MAX];
	size_t n;
};

/* The properties for r, in the order of the table above. Fails on what cannot be expressed. */
int hr_sd_props_build(const struct hr_resources *r, struct hr_sd_props *out, struct hr_err *err);
/* The property of that name, or NULL. */
const struct hr_sd_prop *hr_sd_props_find(const struct hr_sd_props *p, const char *name);
/* Drops the property of that name (when systemd does not know it); false when there is none. */
bool hr_sd_props_remove(struct hr_sd_props *p, const char *name);
/* The names, separated by ", " ("none" when empty), for messages. */
void hr_sd_props_names(const struct hr_sd_props *p, char *buf, size_t size);

#endif
