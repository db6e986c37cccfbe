/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_CGROUP_H
#define HR_CGROUP_H

/*
 * cgroup v2 resource control (cgroup v2 only): the pure part (cgroup.c) and the types every
 * layer of it shares. What container code calls is the manager (cgroup_manager.h); the layers
 * are drawn in cgroup_driver.h.
 *
 * With --cgroup-manager=disabled nothing is created and a config that asks for limits gets one
 * warning. Otherwise hardrun requires a pure cgroup2 mount at /sys/fs/cgroup and refuses a
 * hybrid/v1 host with a message naming both ways out.
 *
 * Where a container's cgroup lives (relative to /sys/fs/cgroup):
 *   linux.cgroupsPath absolute ("/a/b")  that path;
 *   linux.cgroupsPath relative ("a/b")   below hardrun's own cgroup (/proc/self/cgroup), as runc;
 *   absent                               "/<id>", as crun.
 *
 * Data flows one way: the resources become a plan (the files to write with their values, the
 * controllers to enable, a compiled BPF device filter) that unit tests inspect without cgroups;
 * executing it creates the directory, enables the controllers in the ancestors'
 * cgroup.subtree_control, writes the files and attaches the filter. A value the kernel refuses
 * fails with the file and the value in the message, and nothing is left behind.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "arena.h"
#include "cgroup_devices.h"
#include "config.h"
#include "context.h"
#include "error.h"

#define HR_CGROUP_ROOT "/sys/fs/cgroup"

enum hr_cgroup_controller {
	HR_CTRL_CPU = 1 << 0,
	HR_CTRL_CPUSET = 1 << 1,
	HR_CTRL_MEMORY = 1 << 2,
	HR_CTRL_IO = 1 << 3,
	HR_CTRL_PIDS = 1 << 4,
	HR_CTRL_HUGETLB = 1 << 5,
	HR_CTRL_RDMA = 1 << 6,
	HR_CTRL_MISC = 1 << 7,
};

/* "memory" for HR_CTRL_MEMORY; NULL for anything else. */
const char *hr_cgroup_controller_name(unsigned controller);
/* The controller a cgroup file belongs to ("memory.max" -> HR_CTRL_MEMORY); 0 for core files. */
unsigned hr_cgroup_controller_of(const char *file);

/* What applying a write does when its file does not exist in the cgroup. */
enum hr_cgroup_if_missing {
	HR_MISSING_FAIL,  /* an error naming the config field */
	HR_MISSING_QUIET, /* nothing to apply (a debug message) */
	HR_MISSING_WARN,  /* asked for, but nothing to apply: a warning */
};

/*
 * One file to write; `what` names the config field below linux.resources for messages
 * ("memory.limit", "rdma.mlx5_0", "unified[\"memory.high\"]"), as JSON paths are written.
 */
struct hr_cgroup_write {
	const char *file;
	const char *value;
	const char *what;
	enum hr_cgroup_if_missing if_missing;
};

struct bpf_insn;

struct hr_cgroup_plan {
	struct hr_cgroup_write *writes; /* in order; linux.resources.unified last */
	size_t n_writes;
	unsigned controllers;	   /* HR_CTRL_* to enable in the ancestors */
	struct bpf_insn *dev_prog; /* NULL when there are no device rules */
	size_t dev_prog_len;
};

/* Turns resources into a plan (everything in arena). Fails on values cgroup v2 cannot express. */
int hr_cgroup_plan_build(const struct hr_resources *r, struct hr_arena *arena,
			 struct hr_cgroup_plan *plan, struct hr_err *err);

/* ---- value conversions (pure, exposed for the unit tests) ---- */

/* cpu.weight from cpu.shares, as runc and crun: 1 + ((shares - 2) * 9999) / 262142. */
uint64_t hr_cgroup_shares_to_weight(uint64_t shares);
/* io.weight from a blkio weight (10..1000), as runc: 1 + ((weight - 10) * 9999) / 990. */
uint64_t hr_cgroup_blkio_to_io_weight(uint64_t weight);
/* memory.max: "max" for -1, the number otherwise. */
void hr_cgroup_memory_value(int64_t limit, char *buf, size_t size);
/*
 * memory.swap.max from the spec's memory+swap and memory limits, as runc: -1 -> "max"; swap
 * unset with an unlimited memory -> "max"; otherwise swap - limit (0 when equal). Returns 1 when
 * there is a value to write, 0 when none, -1 (err) when it cannot be expressed.
 *
 * Without swap accounting (no memory.swap.max in the cgroup) "max" and "0" are skipped, as runc
 * does: with a warning when memory.swap asked for them, silently when only an unlimited memory
 * did; any other value fails naming linux.resources.memory.swap.
 */
int hr_cgroup_swap_value(const hr_opt_i64 *swap, const hr_opt_i64 *limit, char *buf, size_t size,
			 struct hr_err *err);
/* The same as a number: swap only, -1 for unlimited ("max"). */
int hr_cgroup_swap_max(const hr_opt_i64 *swap, const hr_opt_i64 *limit, int64_t *out,
		       struct hr_err *err);
/* cpu.max: "QUOTA PERIOD", "max PERIOD" for quota <= 0/unset, "QUOTA" without a period. */
bool hr_cgroup_cpu_max_value(const struct hr_cpu *cpu, char *buf, size_t size);
/* A linux.resources.unified key: a file name without '/', not "." or "..", not empty. */
bool hr_cgroup_unified_key_valid(const char *key);

/* ---- the cgroup path ---- */

/* hardrun's own cgroup v2 path ("/user.slice/x.scope") from a /proc/self/cgroup text. */
int hr_cgroup_parse_self(const char *proc_self_cgroup, char *out, size_t size, struct hr_err *err);
/*
 * The container's cgroup path relative to /sys/fs/cgroup ("/a/b", never "/"): see the header
 * comment for the rules. own is hardrun's own cgroup (needed for a relative cgroupsPath only).
 */
int hr_cgroup_derive_path(const char *cgroups_path, const char *id, const char *own, char *out,
			  size_t size, struct hr_err *err);

/*
 * exec --cgroup SUB: a path below the container's cgroup ("a" or "a/b"). Refused: empty, an
 * absolute path, "." or ".." components, and cgroup v1's "controller:path" form.
 */
int hr_cgroup_sub_path_check(const char *sub, struct hr_err *err);

/* Whether the config sets any resource limit. */
bool hr_cgroup_config_has_limits(const struct hr_config *config);

/* ---- a container's cgroup ---- */

/* What create makes (cgroup_manager.h): the cgroup being set up, with what to undo. */
struct hr_cgroup {
	enum hr_cgroup_manager manager; /* the driver that made it; HR_CGROUP_DISABLED: none */
	char path[4096];		/* absolute: /sys/fs/cgroup/... ; "" when none */
	int fd;		/* O_PATH | O_DIRECTORY of path, for CLONE_INTO_CGROUP; -1 when none */
	int n_created;	/* trailing path components this hardrun created (removed on failure) */
	char own[4096]; /* systemd: hardrun's own cgroup, to go back to (hr_cgroup_leave) */
	bool leave_own; /* systemd: hardrun put itself in the scope (restore: criu runs there) */
	bool rootless;	/* the caller is rootless (ctx->rootless): systemd: the user manager */
	/*
	 * systemd: create checked everything and named the scope; hr_cgroup_place starts it with
	 * the process it first holds (a scope cannot start empty). Until then path is "".
	 */
	bool scope_pending;
	char unit[256];			/* "prefix-name.scope" */
	char slice[256];		/* the slice it goes in */
	const struct hr_config *config; /* its linux.resources */
	const char *id;			/* the container's, for the scope's description */
};

/*
 * An existing container's cgroup, as its state records it (hr_state_cgroup): what the manager's
 * operations on it take. The manager says which driver serves it.
 */
struct hr_cgroup_handle {
	enum hr_cgroup_manager manager; /* HR_CGROUP_DISABLED: no cgroup (path NULL) */
	const char *path;		/* absolute: /sys/fs/cgroup/... */
	int parents_created;		/* ancestors of path that create made (delete removes) */
};

/* ---- update options (runc's flags) ---- */

/*
 * Sets one `update` option into r: name is the long option without dashes ("memory",
 * "memory-swap", "memory-reservation", "cpu-quota", "cpu-period", "cpu-shares", "cpuset-cpus",
 * "cpuset-mems", "pids-limit", "blkio-weight"). Sizes accept K, M, G, T suffixes (binary) and
 * -1 for unlimited. Strings are stored by pointer (value must outlive r).
 */
int hr_resources_set_option(struct hr_resources *r, const char *name, const char *value,
			    struct hr_err *err);

#endif
