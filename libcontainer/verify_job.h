/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_VERIFY_JOB_H
#define HR_VERIFY_JOB_H

/*
 * Inside `hardrun verify`: the report and its checks, what verify.c gathers about a container
 * (its processes as the kernel reports them, the init's mount table, its cgroup) and the
 * helpers the checks of verify_config.c (against the config) and verify_baseline.c (against a
 * profile or policy) share (verify_job.c).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "arena.h"
#include "audit.h"
#include "config.h"
#include "policy.h"
#include "proc_view.h"
#include "spec.h"
#include "state.h"

enum hr_verify_result { HR_VERIFY_PASS, HR_VERIFY_FAIL, HR_VERIFY_SKIP, HR_VERIFY__COUNT };

#define HR_VERIFY_NAME_MAX  160
#define HR_VERIFY_VALUE_MAX 320

struct hr_verify_check {
	char name[HR_VERIFY_NAME_MAX]; /* the config path held against ("mounts[/tmp]") */
	pid_t pid;		       /* the process looked at; 0: the container as a whole */
	const char *source;	       /* "config", or the baseline: "production", "policy" */
	const char *rule;	       /* a baseline check's audit rule ("CIS-5.25"), or NULL */
	enum hr_verify_result result;
	char observed[HR_VERIFY_VALUE_MAX];
	char expected[HR_VERIFY_VALUE_MAX]; /* for SKIP, the reason */
};

struct hr_verify_report {
	char *id;
	char *baseline; /* NULL, "production", "development" or "policy FILE" */
	struct hr_verify_check *checks;
	size_t n;
	size_t cap;
	size_t counts[HR_VERIFY__COUNT];
};

/* What a container is held against besides its config. */
struct hr_verify_options {
	bool has_profile;
	enum hr_spec_profile profile; /* production or development */
	const char *policy_path;      /* a policy file (hardrun-policy(5)) */
	bool json;
};

void hr_verify_report_free(struct hr_verify_report *report);
const char *hr_verify_result_name(enum hr_verify_result result); /* "PASS", "FAIL", "SKIP" */

/* What a container is held against besides its config (verify_baseline.c loads it). */
struct hr_baseline {
	const char *source; /* "production", "development", "policy"; NULL: no baseline */
	char *label;	    /* the source, with the policy's path */
	struct hr_audit_params params;
	bool is_profile;	  /* a profile: also its uid:gid and /app/temp */
	struct hr_policy *policy; /* a policy: its ignored rules are not checked */
};

struct verify_job {
	struct hr_verify_report *report;
	const char *baseline_source;
	bool in_baseline;
	struct hr_baseline baseline;
	struct hr_config *config;
	const struct hr_state *state;
	struct hr_proc_view *views; /* [0] the init, then the container's other processes */
	size_t n_views;
	struct hr_mountinfo *mounts; /* the init's mount table */
	size_t n_mounts;
	int root_fd;		    /* the init's root (/proc/PID/root), O_PATH */
	int cgroup_fd;		    /* the container's cgroup directory, -1 without one */
	char cgroup_rel[4096];	    /* its path below /sys/fs/cgroup, "/a/b" */
	ino_t own_ns[HR_NS__COUNT]; /* hardrun's own namespaces */
	long page_size;
	struct hr_arena arena;
};

/* A check: PASS when ok, FAIL otherwise; the caller fills observed and expected. */
struct hr_verify_check *hr_verify_add(struct verify_job *job, pid_t pid, const char *rule,
				      const char *name, bool ok);
void hr_verify_set(struct hr_verify_check *c, const char *observed, const char *expected_fmt, ...)
    __attribute__((format(printf, 3, 4)));
void hr_verify_skip(struct verify_job *job, pid_t pid, const char *rule, const char *name,
		    const char *reason);

/* A process's ids in the container's terms (see verify_job.c). */
void hr_verify_ids(const struct verify_job *job, const struct hr_proc_view *v, bool gid, char *buf,
		   size_t size, bool *all_equal, uint32_t *id);
/* "CAP_KILL, CAP_CHOWN", or "none". */
const char *hr_verify_caps(uint64_t mask, char *buf, size_t size);

/* The topmost mount at path (exactly), or NULL. */
const struct hr_mountinfo *hr_verify_mount_at(const struct verify_job *job, const char *path);
/* The same, or the mount path resolves to inside the container's root. */
const struct hr_mountinfo *hr_verify_mount_resolved(const struct verify_job *job, const char *path);

enum hr_verify_presence {
	HR_VERIFY_MOUNTED, /* something is mounted there */
	HR_VERIFY_PRESENT, /* it exists, nothing mounted on it */
	HR_VERIFY_ABSENT,
	HR_VERIFY_UNKNOWN, /* it could not be looked up (a symlink on the way, EACCES) */
};
enum hr_verify_presence hr_verify_presence(const struct verify_job *job, const char *path);

/* A file of the container's cgroup into buf, trailing newline removed; -1 when unreadable. */
int hr_verify_cgroup_read(const struct verify_job *job, const char *file, char *buf, size_t size);

#endif
