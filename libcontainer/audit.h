/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_AUDIT_H
#define HR_AUDIT_H

/*
 * `hardrun audit`: a parsed config judged against the security guide (the production profile
 * of `hardrun spec`) and the items of the CIS Docker Benchmark (section 4 and 5, container
 * runtime) that an OCI config can show. One function per rule, all listed in one table: the
 * policy (policy.h) names rules by their ID and hands them parameters.
 *
 * A finding never quotes a value of process.env: the secrets rule names variables only.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "error.h"
#include "spec.h"

enum hr_audit_result {
	HR_AUDIT_PASS,
	HR_AUDIT_WARN,
	HR_AUDIT_FAIL,
	HR_AUDIT_SKIP,
	HR_AUDIT__COUNT
};

/* What a rule looks at: exec judges the process rules only (the container exists already). */
enum hr_audit_scope {
	HR_AUDIT_CONTAINER,
	HR_AUDIT_PROCESS,
};

/* Limits and capability sets the rules compare with; zeroed means the built-in defaults. */
struct hr_audit_params {
	hr_opt_i64 max_memory;	  /* CIS-5.10, bytes */
	hr_opt_i64 max_cpu_quota; /* CIS-5.11, microseconds per max_cpu_period */
	int64_t max_cpu_period;
	hr_opt_i64 max_pids;	   /* CIS-5.28 */
	const char *limits_source; /* names the maxima in messages ("the production profile") */
	bool has_cap_baseline;	   /* HR-CAP-01: the allowed set replaces the built-in one */
	uint64_t cap_baseline;
	uint64_t forbidden_caps; /* CIS-5.3: added to the built-in forbidden set */
	bool exec;		 /* judging an exec'd process: container rules are skipped */
	bool host_apparmor;	 /* CIS-5.1: the host has AppArmor (hr_lsm_apparmor_enabled) */
};

#define HR_AUDIT_PATH_MAX   160
#define HR_AUDIT_DETAIL_MAX 320

struct hr_audit_finding {
	const struct hr_audit_rule *rule;
	enum hr_audit_result result;
	char path[HR_AUDIT_PATH_MAX];	  /* the JSON path looked at, e.g. process.user.uid */
	char detail[HR_AUDIT_DETAIL_MAX]; /* what was found; for SKIP, the reason */
};

typedef void (*hr_audit_check_fn)(const struct hr_config *config,
				  const struct hr_audit_params *params,
				  struct hr_audit_finding *finding);

struct hr_audit_rule {
	const char *id; /* "CIS-5.12" when a CIS item maps, "HR-..." otherwise */
	const char *title;
	const char *path; /* what it looks at, reported unless a finding names a deeper one */
	const char *fix;  /* one line */
	enum hr_audit_scope scope;
	hr_audit_check_fn check;
};

/* The rule table, in report order; *n gets its length. */
const struct hr_audit_rule *hr_audit_rules(size_t *n);
/* The index of a rule in the table, or -1 for an unknown ID (case-sensitive). */
int hr_audit_rule_index(const char *id);

struct hr_audit_report {
	struct hr_audit_finding *findings; /* one per rule, in table order (malloc'd) */
	size_t n;
	size_t counts[HR_AUDIT__COUNT];
};

/* Judges config with every rule. params may be NULL (the built-in defaults). */
void hr_audit_run(const struct hr_config *config, const struct hr_audit_params *params,
		  struct hr_audit_report *report);
/* Recomputes report->counts after findings were changed (the policy skips ignored rules). */
void hr_audit_recount(struct hr_audit_report *report);
void hr_audit_report_free(struct hr_audit_report *report);

const char *hr_audit_result_name(enum hr_audit_result result); /* "PASS", "WARN", ... */

/* The maxima of a `hardrun spec` profile (its memory, CPU quota and pids) into params. */
int hr_audit_params_from_profile(enum hr_spec_profile profile, struct hr_audit_params *params,
				 struct hr_err *err);

/*
 * Output. Text: a table (ID, RESULT, TITLE; the path, what was found and the fix under each
 * result that is not PASS) ending with "N passed, N warnings, N failed, N skipped". JSON: an
 * object {"config", "profile", "summary", "results": [{"id", "title", "result", "path",
 * "detail", "fix"}]}; profile may be NULL. The JSON text is malloc'd.
 */
int hr_audit_print_text(const struct hr_audit_report *report, FILE *out);
char *hr_audit_json(const struct hr_audit_report *report, const char *config_name,
		    const char *profile, size_t *len);

/* The built-in sets, for the policy's harden mode and the tests. */
uint64_t hr_audit_forbidden_caps(const struct hr_audit_params *params);
uint64_t hr_audit_cap_baseline(const struct hr_audit_params *params);
/* The masked and read-only paths a container is expected to have (NULL-terminated). */
extern const char *const hr_audit_masked_paths[];
extern const char *const hr_audit_readonly_paths[];

#endif
