/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_CGROUP_STATS_H
#define HR_CGROUP_STATS_H

/*
 * What `events` reports of a cgroup v2 directory (cgroup_stats.c), for the drivers' ops tables
 * (cgroup_driver.h) to point at; nothing above the drivers includes this header.
 */
#include <stdint.h>
#include <yajl/yajl_gen.h>

#include "error.h"

/*
 * The cgroup's part of runc's stats event, into the "data" map g has open: "cpu":{...},
 * "memory":{...}, "pids":{...}, "blkio":{...}, "hugetlb":{...} with runc's field names
 * (types/events.go); "max" reads as 18446744073709551615 as in runc.
 */
int hr_cgroup_stats_gen(yajl_gen g, const char *path, struct hr_err *err);
/* memory.events oom_kill: 0 when the file cannot be read, -1 when it has no such key. */
int64_t hr_cgroup_stats_oom_kills(const char *path);
/* An inotify fd (non-blocking) that wakes on changes of memory.events; -1 without one. */
int hr_cgroup_stats_oom_watch(const char *path);

#endif
