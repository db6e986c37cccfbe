/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_POLICY_H
#define HR_POLICY_H

/*
 * The policy applied to every container an engine launches through hardrun (create, run) and
 * to every process exec'd into one: /etc/hardrun/policy.json, or the file of the global
 * --policy option, or of $HARDRUN_POLICY. The schema is in hardrun-policy(5):
 *
 *   {"mode": "enforce" | "harden" | "audit" | "off",
 *    "rules": {"CIS-5.10": {"required": true, "max": "512M"}, ...},
 *    "defaults": {"memory": "512M", "cpuQuota": 50000, "cpuPeriod": 100000, "pids": 256}}
 *
 *   enforce  refuse a container (or exec) that FAILs a required rule; log the other findings
 *   harden   rewrite the config in memory first (no_new_privs, capabilities, seccomp, masked
 *            and read-only paths, default limits), record each change in the log and in the
 *            annotation org.hardrun.policy.changes; then as enforce
 *   audit    log every FAIL and WARN, one warning each
 *   off      nothing
 *
 * No file means audit mode; when none was configured either, its findings are written only
 * to the log file, or with --debug (never into the stderr of run and exec, the container's).
 * A file that cannot be read or parsed refuses every container:
 * the policy fails closed. At exec only the process rules apply (audit.h's HR_AUDIT_PROCESS),
 * and harden rewrites the exec'd process (no_new_privs, capabilities) and adds the default
 * seccomp profile when the container has none.
 */
#include <stdbool.h>
#include <stddef.h>

#include "audit.h"
#include "config.h"
#include "context.h"
#include "error.h"

#define HR_POLICY_DEFAULT_PATH "/etc/hardrun/policy.json"
#define HR_POLICY_ENV	       "HARDRUN_POLICY"
#define HR_POLICY_MAX_SIZE     (1024 * 1024)
/* The annotation harden writes: the changes, comma-separated ("none" when there was none). */
#define HR_POLICY_ANNOTATION "org.hardrun.policy.changes"

enum hr_policy_mode {
	HR_POLICY_OFF,
	HR_POLICY_AUDIT,
	HR_POLICY_HARDEN,
	HR_POLICY_ENFORCE,
};

struct hr_policy_rule {
	bool required;	   /* enforce and harden refuse a FAIL */
	bool fail_on_warn; /* ... and a WARN */
	bool ignore;	   /* reported as SKIP, never logged */
};

struct hr_policy {
	struct hr_arena arena;
	char *path;
	bool from_file; /* false: there was no file (audit mode) */
	/* No file was configured (no --policy nor $HARDRUN_POLICY, and no default file): its
	 * findings go to the log file, and to stderr only with --debug (hr_log_keeps_quiet). */
	bool implicit;
	enum hr_policy_mode mode;
	struct hr_policy_rule *rules; /* indexed like hr_audit_rules() */
	size_t n_rules;
	struct hr_audit_params params; /* the rules' parameters (max, allowed, forbidden) */
	hr_opt_i64 default_memory;     /* harden: limits for a config that sets none */
	hr_opt_i64 default_cpu_quota;
	int64_t default_cpu_period;
	hr_opt_i64 default_pids;
};

/* What harden changed (bits); hr_policy_change_names spells them as in the annotation. */
enum hr_policy_change {
	HR_CHANGE_NO_NEW_PRIVS = 1 << 0,   /* "noNewPrivileges" */
	HR_CHANGE_INHERITABLE = 1 << 1,	   /* "inheritableCapabilities" */
	HR_CHANGE_AMBIENT = 1 << 2,	   /* "ambientCapabilities" */
	HR_CHANGE_FORBIDDEN_CAPS = 1 << 3, /* "forbiddenCapabilities" */
	HR_CHANGE_SECCOMP = 1 << 4,	   /* "seccomp" */
	HR_CHANGE_MASKED_PATHS = 1 << 5,   /* "maskedPaths" */
	HR_CHANGE_READONLY_PATHS = 1 << 6, /* "readonlyPaths" */
	HR_CHANGE_MEMORY = 1 << 7,	   /* "memory" */
	HR_CHANGE_CPU = 1 << 8,		   /* "cpu" */
	HR_CHANGE_PIDS = 1 << 9,	   /* "pids" */
};

/* "noNewPrivileges,seccomp" into buf; "none" for 0. */
void hr_policy_change_names(unsigned changes, char *buf, size_t size);
const char *hr_policy_mode_name(enum hr_policy_mode mode);

/* The file to read: ctx->policy_path, else $HARDRUN_POLICY when set and not empty, else the
 * default. *explicit tells whether it was named (a missing named file is warned about). */
const char *hr_policy_path(const struct hr_context *ctx, bool *explicit);

/* Parses a policy document; every problem goes to diags as "name: json.path: problem". */
struct hr_policy *hr_policy_parse(const char *data, size_t len, const char *name,
				  struct hr_diags *diags);
/* Reads path: a missing file gives the audit-mode policy; any other failure is an error. */
struct hr_policy *hr_policy_load(const char *path, bool explicit, struct hr_err *err);
void hr_policy_free(struct hr_policy *policy);

static inline void hr_policy_freep(struct hr_policy **p)
{
	if (*p != NULL)
		hr_policy_free(*p);
}
#define _cleanup_policy_ __attribute__((cleanup(hr_policy_freep)))

/*
 * The harden rewrites. exec_process NULL: a container being created (config->process and the
 * container-wide changes); otherwise the process being exec'd into config's container.
 * Everything added is allocated in config->arena. Each change is logged (info).
 */
int hr_policy_harden(const struct hr_policy *policy, struct hr_config *config,
		     struct hr_process *exec_process, unsigned *changes, struct hr_err *err);

/* The default seccomp profile (the production profile's), built in arena. */
struct hr_seccomp *hr_policy_default_seccomp(struct hr_arena *arena, struct hr_err *err);

/* The audit as the policy sees it: its parameters, ignored rules as SKIP. */
void hr_policy_audit(const struct hr_policy *policy, const struct hr_config *config,
		     const struct hr_process *exec_process, struct hr_audit_report *report);

/* Applies a loaded policy (every mode); -1 with err when the container or exec is refused. */
int hr_policy_apply_loaded(const struct hr_policy *policy, struct hr_config *config,
			   struct hr_process *exec_process, struct hr_err *err);

/* Loads the policy of ctx and applies it: create calls the first, exec the second. */
int hr_policy_apply(const struct hr_context *ctx, struct hr_config *config, struct hr_err *err);
int hr_policy_apply_exec(const struct hr_context *ctx, struct hr_config *config,
			 struct hr_process *process, struct hr_err *err);

#endif
