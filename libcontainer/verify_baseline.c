/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * verify's checks against a baseline: the security guide's rules (audit.h, named by their
 * IDs) held against what the container has, with the limits of a `spec` profile or of a
 * policy file. A policy's ignored rules are not checked.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "spec.h"
#include "verify_baseline.h"

int hr_baseline_load(const struct hr_verify_options *opts, struct hr_baseline *b,
		     struct hr_err *err)
{
	memset(b, 0, sizeof(*b));
	if (opts->has_profile) {
		if (hr_audit_params_from_profile(opts->profile, &b->params, err) < 0)
			return -1;
		b->source = hr_spec_profile_name(opts->profile);
		b->label = hr_xstrdup(b->source);
		b->is_profile = true;
	} else if (opts->policy_path != NULL) {
		b->policy = hr_policy_load(opts->policy_path, true, err);
		if (b->policy == NULL)
			return -1;
		if (!b->policy->from_file)
			return hr_err_set(err, ENOENT, "policy %s: no such file",
					  opts->policy_path);
		b->params = b->policy->params;
		b->source = "policy";
		b->label = hr_xstrdup(opts->policy_path);
	}
	return 0;
}

void hr_baseline_free(struct hr_baseline *b)
{
	if (b->policy != NULL)
		hr_policy_free(b->policy);
	free(b->label);
	memset(b, 0, sizeof(*b));
}

static bool rule_on(const struct verify_job *job, const char *id)
{
	int i = hr_audit_rule_index(id);

	return job->baseline.policy == NULL || i < 0 || !job->baseline.policy->rules[i].ignore;
}

static void check_user(struct verify_job *job, const struct hr_proc_view *v)
{
	char uids[HR_VERIFY_VALUE_MAX], gids[HR_VERIFY_VALUE_MAX], obs[HR_VERIFY_VALUE_MAX];
	bool uid_same, gid_same, ok;
	uint32_t uid, gid;
	struct hr_verify_check *c;

	hr_verify_ids(job, v, false, uids, sizeof(uids), &uid_same, &uid);
	hr_verify_ids(job, v, true, gids, sizeof(gids), &gid_same, &gid);
	snprintf(obs, sizeof(obs), "uid %s, gid %s", uids, gids);
	if (job->baseline.is_profile) {
		ok = uid_same && gid_same && uid == HR_SPEC_DEFAULT_UID &&
		     gid == HR_SPEC_DEFAULT_GID;
		c = hr_verify_add(job, v->pid, "CIS-4.1", "process.user", ok);
		hr_verify_set(c, obs, "uid %d, gid %d", HR_SPEC_DEFAULT_UID, HR_SPEC_DEFAULT_GID);
		return;
	}
	c = hr_verify_add(job, v->pid, "CIS-4.1", "process.user", uid_same && uid != 0);
	hr_verify_set(c, obs, "a uid other than 0, in all four");
}

static void check_caps(struct verify_job *job, const struct hr_proc_view *v)
{
	const struct hr_audit_params *p = &job->baseline.params;
	uint64_t all = v->cap_bounding | v->cap_effective | v->cap_permitted | v->cap_inheritable |
		       v->cap_ambient;
	uint64_t forbidden = all & hr_audit_forbidden_caps(p);
	uint64_t beyond =
	    (v->cap_bounding | v->cap_effective | v->cap_permitted) & ~hr_audit_cap_baseline(p);
	uint64_t passed_on = v->cap_inheritable | v->cap_ambient;
	char obs[HR_VERIFY_VALUE_MAX], exp[HR_VERIFY_VALUE_MAX];
	struct hr_verify_check *c;

	if (rule_on(job, "CIS-5.3")) {
		c = hr_verify_add(job, v->pid, "CIS-5.3", "process.capabilities", forbidden == 0);
		hr_verify_set(c, hr_verify_caps(forbidden, obs, sizeof(obs)), "none of %s",
			      hr_verify_caps(hr_audit_forbidden_caps(p), exp, sizeof(exp)));
	}
	if (rule_on(job, "HR-CAP-01")) {
		c = hr_verify_add(job, v->pid, "HR-CAP-01", "process.capabilities", beyond == 0);
		hr_verify_set(c, hr_verify_caps(beyond, obs, sizeof(obs)), "nothing beyond %s",
			      hr_verify_caps(hr_audit_cap_baseline(p), exp, sizeof(exp)));
	}
	if (rule_on(job, "HR-CAP-02")) {
		c = hr_verify_add(job, v->pid, "HR-CAP-02",
				  "process.capabilities.inheritable+ambient", passed_on == 0);
		hr_verify_set(c, hr_verify_caps(passed_on, obs, sizeof(obs)), "none");
	}
}

static void check_process(struct verify_job *job, const struct hr_proc_view *v)
{
	char obs[64];
	struct hr_verify_check *c;

	if (rule_on(job, "CIS-4.1"))
		check_user(job, v);
	if (rule_on(job, "CIS-5.25")) {
		c = hr_verify_add(job, v->pid, "CIS-5.25", "process.noNewPrivileges",
				  v->no_new_privs == 1);
		snprintf(obs, sizeof(obs), "NoNewPrivs %d", v->no_new_privs);
		hr_verify_set(c, obs, "1");
	}
	check_caps(job, v);
	if (rule_on(job, "CIS-5.21")) {
		c = hr_verify_add(job, v->pid, "CIS-5.21", "linux.seccomp", v->seccomp_mode == 2);
		snprintf(obs, sizeof(obs), "Seccomp %d", v->seccomp_mode);
		hr_verify_set(c, obs, "Seccomp 2 (filter)");
	}
}

static void check_namespaces(struct verify_job *job)
{
	static const struct {
		const char *rule;
		enum hr_ns_type type;
	} private_ns[] = {
	    {"CIS-5.15", HR_NS_PID}, {"CIS-5.16", HR_NS_IPC},	{"CIS-5.9", HR_NS_NETWORK},
	    {"CIS-5.20", HR_NS_UTS}, {"HR-NS-01", HR_NS_MOUNT},
	};

	for (size_t i = 0; i < sizeof(private_ns) / sizeof(private_ns[0]); i++) {
		enum hr_ns_type t = private_ns[i].type;
		char name[64], obs[32];
		struct hr_verify_check *c;

		if (!rule_on(job, private_ns[i].rule))
			continue;
		snprintf(name, sizeof(name), "linux.namespaces[%s]", hr_ns_type_name(t));
		snprintf(obs, sizeof(obs), "%ju", (uintmax_t)job->views[0].ns[t]);
		c = hr_verify_add(job, 0, private_ns[i].rule, name,
				  job->views[0].ns[t] != job->own_ns[t]);
		hr_verify_set(c, obs, "its own, not the host's %ju", (uintmax_t)job->own_ns[t]);
	}
}

static void check_filesystems(struct verify_job *job)
{
	static const char *const tmp_dirs[] = {"/tmp", "/var/tmp"};
	const struct hr_mountinfo *m = hr_verify_mount_at(job, "/");
	char obs[HR_VERIFY_VALUE_MAX], size[32];
	struct hr_verify_check *c;

	if (rule_on(job, "CIS-5.12")) {
		c = hr_verify_add(job, 0, "CIS-5.12", "root.readonly",
				  m != NULL && hr_proc_has_option(m->options, "ro"));
		hr_verify_set(c, m ? m->options : "no mount at /", "ro");
	}
	for (size_t i = 0; rule_on(job, "HR-FS-01") && i < 2; i++) {
		char name[64];

		m = hr_verify_mount_at(job, tmp_dirs[i]);
		snprintf(name, sizeof(name), "mounts[%s]", tmp_dirs[i]);
		c = hr_verify_add(
		    job, 0, "HR-FS-01", name,
		    m != NULL && strcmp(m->fstype, "tmpfs") == 0 &&
			hr_proc_option_value(m->super_options, "size", size, sizeof(size)));
		if (m != NULL)
			snprintf(obs, sizeof(obs), "%s %s%s%s", m->fstype, m->options,
				 c->result == HR_VERIFY_PASS ? " size=" : "",
				 c->result == HR_VERIFY_PASS ? size : "");
		hr_verify_set(c, m ? obs : "nothing mounted", "a tmpfs with a size limit");
	}
	if (job->baseline.is_profile) {
		m = hr_verify_mount_at(job, HR_SPEC_APP_TEMP_DEST);
		c = hr_verify_add(job, 0, NULL, "mounts[" HR_SPEC_APP_TEMP_DEST "]",
				  m != NULL && hr_proc_has_option(m->options, "rw"));
		if (m != NULL)
			snprintf(obs, sizeof(obs), "%s %s", m->fstype, m->options);
		hr_verify_set(c, m ? obs : "nothing mounted", "a writable mount");
	}
}

static void check_guide_paths(struct verify_job *job, const char *rule, const char *const *paths,
			      bool masked)
{
	char missing[HR_VERIFY_VALUE_MAX] = "";
	size_t o = 0, n = 0;
	struct hr_verify_check *c;

	if (!rule_on(job, rule))
		return;
	for (; paths[n] != NULL; n++) {
		const struct hr_mountinfo *m = hr_verify_mount_at(job, paths[n]);
		bool ok = masked ? m != NULL : m != NULL && hr_proc_has_option(m->options, "ro");

		if (!ok && hr_verify_presence(job, paths[n]) != HR_VERIFY_ABSENT &&
		    o < sizeof(missing))
			o += (size_t)snprintf(missing + o, sizeof(missing) - o, "%s%s",
					      o ? " " : "", paths[n]);
	}
	c = hr_verify_add(job, 0, rule, masked ? "linux.maskedPaths" : "linux.readonlyPaths",
			  o == 0);
	if (o > 0)
		snprintf(missing + o, o < sizeof(missing) ? sizeof(missing) - o : 0, " %s",
			 masked ? "not masked" : "not read-only");
	hr_verify_set(c, o ? missing : "all of them, or absent", "the guide's %zu paths %s", n,
		      masked ? "masked" : "read-only");
}

/* A limit file against a maximum (max_set false: any number, only "max" fails). */
static void check_limit(struct verify_job *job, const char *rule, const char *name,
			const char *file, bool max_set, int64_t max)
{
	char have[128];
	struct hr_verify_check *c;
	int64_t value;

	if (!rule_on(job, rule))
		return;
	if (job->cgroup_fd < 0) {
		hr_verify_skip(job, 0, rule, name,
			       "no cgroup: the container was created without a cgroup manager");
		return;
	}
	if (hr_verify_cgroup_read(job, file, have, sizeof(have)) < 0)
		snprintf(have, sizeof(have), "unreadable");
	value = strcmp(have, "max") == 0 ? -1 : strtoll(have, NULL, 10);
	c = hr_verify_add(job, 0, rule, name, value > 0 && (!max_set || value <= max));
	if (max_set)
		hr_verify_set(c, have, "%s at most %" PRId64, file, max);
	else
		hr_verify_set(c, have, "%s set (not max)", file);
}

static void check_cpu(struct verify_job *job)
{
	const struct hr_audit_params *p = &job->baseline.params;
	char have[128];
	int64_t quota = -1, period = 0;
	bool ok;
	struct hr_verify_check *c;

	if (!rule_on(job, "CIS-5.11"))
		return;
	if (job->cgroup_fd < 0) {
		hr_verify_skip(job, 0, "CIS-5.11", "linux.resources.cpu",
			       "no cgroup: the container was created without a cgroup manager");
		return;
	}
	if (hr_verify_cgroup_read(job, "cpu.max", have, sizeof(have)) < 0)
		snprintf(have, sizeof(have), "unreadable");
	if (strncmp(have, "max", 3) != 0 &&
	    sscanf(have, "%" SCNd64 " %" SCNd64, &quota, &period) != 2)
		quota = -1;
	ok = quota > 0 && period > 0;
	/* quota/period <= max_quota/max_period, without division */
	if (ok && p->max_cpu_quota.set)
		ok = (__int128)quota * p->max_cpu_period <=
		     (__int128)p->max_cpu_quota.value * period;
	c = hr_verify_add(job, 0, "CIS-5.11", "linux.resources.cpu", ok);
	if (p->max_cpu_quota.set)
		hr_verify_set(c, have, "cpu.max at most %" PRId64 " %" PRId64,
			      p->max_cpu_quota.value, p->max_cpu_period);
	else
		hr_verify_set(c, have, "cpu.max a quota (not max)");
}

void hr_verify_baseline_checks(struct verify_job *job)
{
	const struct hr_audit_params *p = &job->baseline.params;

	for (size_t i = 0; i < job->n_views; i++)
		check_process(job, &job->views[i]);
	check_namespaces(job);
	check_filesystems(job);
	check_guide_paths(job, "HR-MASK-01", hr_audit_masked_paths, true);
	check_guide_paths(job, "HR-MASK-02", hr_audit_readonly_paths, false);
	check_limit(job, "CIS-5.10", "linux.resources.memory.limit", "memory.max",
		    p->max_memory.set && p->max_memory.value > 0, p->max_memory.value);
	check_cpu(job);
	check_limit(job, "CIS-5.28", "linux.resources.pids.limit", "pids.max",
		    p->max_pids.set && p->max_pids.value > 0, p->max_pids.value);
}
