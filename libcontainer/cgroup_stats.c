/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What `events` reports of a cgroup v2 directory: its statistics as runc's `events --stats`
 * reports them (types/events.go), and its OOM kills.
 */
#include "cgroup_stats.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "cgroup_dir.h"
#include "cleanup.h"
#include "json.h"

/* A small cgroup file as a number; "max" is UINT64_MAX as in runc; 0 when absent. */
static uint64_t read_u64(const char *path, const char *file, bool *present)
{
	char buf[64];
	struct hr_err ignored;

	if (present != NULL)
		*present = false;
	if (hr_cgroup_read(path, file, buf, sizeof(buf), &ignored) < 0)
		return 0;
	if (present != NULL)
		*present = true;
	if (strcmp(buf, "max") == 0)
		return UINT64_MAX;
	return strtoull(buf, NULL, 10);
}

/* The value of key in a "key value" file, or 0. */
static uint64_t keyed_u64(const char *text, const char *key)
{
	int64_t v = hr_cgroup_keyed(text, key);

	return v < 0 ? 0 : (uint64_t)v;
}

static void gen_cpu(yajl_gen g, const char *path)
{
	char stat[1024] = "";
	struct hr_err ignored;

	hr_cgroup_read(path, "cpu.stat", stat, sizeof(stat), &ignored);
	hr_jgen_key(g, "cpu");
	yajl_gen_map_open(g);
	hr_jgen_key(g, "usage");
	yajl_gen_map_open(g);
	hr_jgen_kv_u64(g, "total", keyed_u64(stat, "usage_usec") * 1000);
	hr_jgen_kv_u64(g, "kernel", keyed_u64(stat, "system_usec") * 1000);
	hr_jgen_kv_u64(g, "user", keyed_u64(stat, "user_usec") * 1000);
	yajl_gen_map_close(g);
	hr_jgen_key(g, "throttling");
	yajl_gen_map_open(g);
	hr_jgen_kv_u64(g, "periods", keyed_u64(stat, "nr_periods"));
	hr_jgen_kv_u64(g, "throttledPeriods", keyed_u64(stat, "nr_throttled"));
	hr_jgen_kv_u64(g, "throttledTime", keyed_u64(stat, "throttled_usec") * 1000);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static void gen_entry(yajl_gen g, const char *key, uint64_t usage, uint64_t limit, uint64_t max,
		      uint64_t failcnt)
{
	hr_jgen_key(g, key);
	yajl_gen_map_open(g);
	hr_jgen_kv_u64(g, "usage", usage);
	hr_jgen_kv_u64(g, "limit", limit);
	hr_jgen_kv_u64(g, "max", max);
	hr_jgen_kv_u64(g, "failcnt", failcnt);
	yajl_gen_map_close(g);
}

static void gen_raw(yajl_gen g, const char *text)
{
	hr_jgen_key(g, "raw");
	yajl_gen_map_open(g);
	for (const char *line = text; line != NULL && *line;) {
		const char *sp = strchr(line, ' '), *nl = strchr(line, '\n');
		char key[128];

		if (sp != NULL && (nl == NULL || sp < nl) && (size_t)(sp - line) < sizeof(key)) {
			memcpy(key, line, (size_t)(sp - line));
			key[sp - line] = '\0';
			hr_jgen_kv_u64(g, key, strtoull(sp + 1, NULL, 10));
		}
		line = nl ? nl + 1 : NULL;
	}
	yajl_gen_map_close(g);
}

static void gen_memory(yajl_gen g, const char *path)
{
	char stat[8192] = "", events[512] = "";
	struct hr_err ignored;
	bool present;
	uint64_t usage = read_u64(path, "memory.current", &present);
	uint64_t limit = read_u64(path, "memory.max", NULL);
	uint64_t swap = read_u64(path, "memory.swap.current", NULL);
	uint64_t swap_max = read_u64(path, "memory.swap.max", NULL);

	if (!present)
		return; /* no memory controller in this cgroup */
	hr_cgroup_read(path, "memory.stat", stat, sizeof(stat), &ignored);
	hr_cgroup_read(path, "memory.events", events, sizeof(events), &ignored);
	hr_jgen_key(g, "memory");
	yajl_gen_map_open(g);
	hr_jgen_kv_u64(g, "cache", keyed_u64(stat, "file"));
	gen_entry(g, "usage", usage, limit, read_u64(path, "memory.peak", NULL),
		  keyed_u64(events, "max"));
	/* as runc: swap reads as memory + swap, the cgroup v1 "memsw" */
	gen_entry(g, "swap", add_sat(usage, swap), add_sat(limit, swap_max), 0, 0);
	gen_raw(g, stat);
	yajl_gen_map_close(g);
}

static void gen_pids(yajl_gen g, const char *path)
{
	bool present;
	uint64_t current = read_u64(path, "pids.current", &present);

	if (!present)
		return;
	hr_jgen_key(g, "pids");
	yajl_gen_map_open(g);
	hr_jgen_kv_u64(g, "current", current);
	hr_jgen_kv_u64(g, "limit", read_u64(path, "pids.max", NULL));
	yajl_gen_map_close(g);
}

static void gen_blkio_entries(yajl_gen g, const char *stat, const char *key, const char *rkey,
			      const char *wkey)
{
	hr_jgen_key(g, key);
	yajl_gen_array_open(g);
	for (const char *line = stat; line != NULL && *line;) {
		unsigned major, minor;
		const char *ops[2][2] = {{"Read", rkey}, {"Write", wkey}};

		if (sscanf(line, "%u:%u", &major, &minor) == 2) {
			for (int i = 0; i < 2; i++) {
				char k[16];
				const char *p;

				snprintf(k, sizeof(k), " %s=", ops[i][1]);
				p = strstr(line, k);
				if (p == NULL || (strchr(line, '\n') && p > strchr(line, '\n')))
					continue;
				yajl_gen_map_open(g);
				hr_jgen_kv_u64(g, "major", major);
				hr_jgen_kv_u64(g, "minor", minor);
				hr_jgen_kv_str(g, "op", ops[i][0]);
				hr_jgen_kv_u64(g, "value", strtoull(p + strlen(k), NULL, 10));
				yajl_gen_map_close(g);
			}
		}
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	yajl_gen_array_close(g);
}

static void gen_blkio(yajl_gen g, const char *path)
{
	char stat[8192] = "";
	struct hr_err ignored;

	if (hr_cgroup_read(path, "io.stat", stat, sizeof(stat), &ignored) < 0)
		return;
	hr_jgen_key(g, "blkio");
	yajl_gen_map_open(g);
	gen_blkio_entries(g, stat, "ioServiceBytesRecursive", "rbytes", "wbytes");
	gen_blkio_entries(g, stat, "ioServicedRecursive", "rios", "wios");
	yajl_gen_map_close(g);
}

static void gen_hugetlb(yajl_gen g, const char *path)
{
	_cleanup_dir_ DIR *d = opendir(path);
	struct dirent *de;
	bool open = false;

	while (d != NULL && (de = readdir(d)) != NULL) {
		char size[64], file[128], events[256] = "";
		struct hr_err ignored;
		size_t len = strlen(de->d_name);

		if (strncmp(de->d_name, "hugetlb.", 8) != 0 || len < 16 ||
		    strcmp(de->d_name + len - 8, ".current") != 0 || len - 16 >= sizeof(size))
			continue;
		memcpy(size, de->d_name + 8, len - 16);
		size[len - 16] = '\0';
		if (strchr(size, '.') != NULL) /* hugetlb.2MB.rsvd.current */
			continue;
		if (!open) {
			hr_jgen_key(g, "hugetlb");
			yajl_gen_map_open(g);
			open = true;
		}
		hr_jgen_key(g, size);
		yajl_gen_map_open(g);
		hr_jgen_kv_u64(g, "usage", read_u64(path, de->d_name, NULL));
		snprintf(file, sizeof(file), "hugetlb.%s.max", size);
		hr_jgen_kv_u64(g, "max", read_u64(path, file, NULL));
		snprintf(file, sizeof(file), "hugetlb.%s.events", size);
		hr_cgroup_read(path, file, events, sizeof(events), &ignored);
		hr_jgen_kv_u64(g, "failcnt", keyed_u64(events, "max"));
		yajl_gen_map_close(g);
	}
	if (open)
		yajl_gen_map_close(g);
}

int hr_cgroup_stats_gen(yajl_gen g, const char *path, struct hr_err *err)
{
	if (access(path, F_OK) < 0)
		return hr_err_sys(err, "cgroup %s", path);
	gen_cpu(g, path);
	gen_memory(g, path);
	gen_pids(g, path);
	gen_blkio(g, path);
	gen_hugetlb(g, path);
	return 0;
}

int64_t hr_cgroup_stats_oom_kills(const char *path)
{
	char buf[512];
	struct hr_err ignored;

	if (hr_cgroup_read(path, "memory.events", buf, sizeof(buf), &ignored) < 0)
		return 0;
	return hr_cgroup_keyed(buf, "oom_kill");
}

int hr_cgroup_stats_oom_watch(const char *path)
{
	char file[PATH_MAX];
	int fd;

	if ((size_t)snprintf(file, sizeof(file), "%s/memory.events", path) >= sizeof(file))
		return -1;
	fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (fd >= 0 && inotify_add_watch(fd, file, IN_MODIFY) < 0) {
		close(fd);
		return -1; /* no memory controller: no OOM events */
	}
	return fd;
}
