/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The policy: parsing good and bad files (every problem with the file name and its JSON path),
 * the harden rewrites (each change made, logged and recorded in the annotation), and the
 * decision of each mode.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "libcontainer/audit.h"
#include "libcontainer/cleanup.h"
#include "libcontainer/config.h"
#include "libcontainer/log.h"
#include "libcontainer/policy.h"
#include "libcontainer/spec.h"

#define AUDIT_DATA  HR_TEST_DATA "/audit"
#define CONTRIB_DIR HR_TEST_DATA "/../../../contrib/policy"
#define NAME	    "/etc/hardrun/policy.json"

#define CAP(c) (UINT64_C(1) << (c))

/* --- Helpers ------------------------------------------------------------------------------- */

static struct hr_policy *parse_sq(const char *sq, struct hr_diags *d)
{
	_cleanup_free_ char *json = hrt_json(sq);

	return hr_policy_parse(json, strlen(json), NAME, d);
}

static struct hr_policy *parses(const char *sq)
{
	struct hr_diags d = {0};
	struct hr_policy *p = parse_sq(sq, &d);
	_cleanup_free_ char *msgs = hrt_diags_text(&d);

	cr_assert_not_null(p, "%s: rejected:\n%s", sq, msgs);
	hr_diags_free(&d);
	return p;
}

static void rejects(const char *sq, const char *needle)
{
	struct hr_diags d = {0};
	struct hr_policy *p = parse_sq(sq, &d);
	_cleanup_free_ char *msgs = hrt_diags_text(&d);

	cr_expect_null(p, "%s: accepted", sq);
	if (p != NULL)
		hr_policy_free(p);
	cr_expect(hrt_diags_contain(&d, needle), "%s: expected \"%s\" in:\n%s", sq, needle, msgs);
	hr_diags_free(&d);
}

static struct hr_config *parse_config(const char *json)
{
	struct hr_diags d = {0};
	struct hr_config *c = hrt_parse(json, &d);
	_cleanup_free_ char *msgs = hrt_diags_text(&d);

	cr_assert_not_null(c, "config rejected:\n%s", msgs);
	hr_diags_free(&d);
	return c;
}

static struct hr_config *fixture(const char *name)
{
	char path[512];
	size_t len;
	_cleanup_free_ char *text = NULL;

	snprintf(path, sizeof(path), "%s/%s", AUDIT_DATA, name);
	text = hrt_read_file(path, &len);
	return parse_config(text);
}

static struct hr_config *production_with(const char *sq)
{
	struct hr_spec_options opts;
	struct hr_err err = {0};
	_cleanup_free_ char *text = NULL, *patch = NULL, *json = NULL;
	size_t len;

	hr_spec_options_init(&opts);
	opts.profile = HR_PROFILE_PRODUCTION;
	cr_assert_eq(hr_spec_generate(&opts, "/srv/bundle", &text, &len, &err), 0, "%s", err.msg);
	hr_spec_options_free(&opts);
	if (sq == NULL)
		return parse_config(text);
	patch = hrt_json(sq);
	json = hrt_merge(text, patch);
	return parse_config(json);
}

static const char *annotation(const struct hr_config *c, const char *key)
{
	for (size_t i = 0; i < c->n_annotations; i++)
		if (strcmp(c->annotations[i].key, key) == 0)
			return c->annotations[i].value;
	return NULL;
}

static bool has_path(char *const *v, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], path) == 0)
			return true;
	return false;
}

/* Keeps the policy's log lines off the test output. */
static void quiet_log(void)
{
	struct hr_err err = {0};

	cr_assert_eq(hr_log_init("/dev/null", HR_LOG_TEXT, false, &err), 0, "%s", err.msg);
}

TestSuite(policy, .init = quiet_log, .fini = hr_log_close);

/* Sends the log to a temporary file (each test runs in its own process). */
static char *log_to_temp(void)
{
	char *path = hrt_write_temp("", 0);
	struct hr_err err = {0};

	hr_log_close();
	cr_assert_eq(hr_log_init(path, HR_LOG_TEXT, false, &err), 0, "%s", err.msg);
	return path;
}

static char *read_log(const char *path)
{
	size_t len;

	hr_log_close();
	return hrt_read_file(path, &len);
}

/* --- Parsing ------------------------------------------------------------------------------- */

Test(policy, parses_every_member)
{
	struct hr_policy *p = parses(
	    "{'description': 'test', 'mode': 'harden', 'rules': {"
	    "'CIS-4.1': {'required': true}, "
	    "'CIS-5.20': {'ignore': true}, "
	    "'HR-CAP-01': {'required': true, 'failOnWarn': true, 'allowed': ['CAP_CHOWN']}, "
	    "'CIS-5.3': {'forbidden': ['CAP_NET_RAW', 'CAP_SYS_TIME']}, "
	    "'CIS-5.10': {'max': '2G'}, 'CIS-5.11': {'max': 1.5}, 'CIS-5.28': {'max': 500}}, "
	    "'defaults': {'memory': 268435456, 'cpuQuota': 20000, 'cpuPeriod': 50000, "
	    "'pids': 64}}");
	struct hr_policy_rule *r;

	cr_expect_eq(p->mode, HR_POLICY_HARDEN);
	cr_expect(p->from_file);
	cr_expect_str_eq(p->path, NAME);
	r = &p->rules[hr_audit_rule_index("CIS-4.1")];
	cr_expect(r->required && !r->ignore && !r->fail_on_warn);
	r = &p->rules[hr_audit_rule_index("CIS-5.20")];
	cr_expect(!r->required && r->ignore);
	r = &p->rules[hr_audit_rule_index("HR-CAP-01")];
	cr_expect(r->required && r->fail_on_warn);
	cr_expect(p->params.has_cap_baseline);
	cr_expect_eq(p->params.cap_baseline, CAP(0));
	cr_expect_eq(p->params.forbidden_caps, CAP(13) | CAP(25));
	cr_expect(p->params.max_memory.set && p->params.max_memory.value == 2147483648);
	cr_expect(p->params.max_cpu_quota.set && p->params.max_cpu_quota.value == 150000);
	cr_expect_eq(p->params.max_cpu_period, 100000);
	cr_expect(p->params.max_pids.set && p->params.max_pids.value == 500);
	cr_expect(p->default_memory.set && p->default_memory.value == 268435456);
	cr_expect(p->default_cpu_quota.set && p->default_cpu_quota.value == 20000);
	cr_expect_eq(p->default_cpu_period, 50000);
	cr_expect(p->default_pids.set && p->default_pids.value == 64);
	hr_policy_free(p);
}

Test(policy, modes_and_defaults)
{
	static const char *const modes[] = {"off", "audit", "harden", "enforce"};
	char sq[64];

	for (size_t i = 0; i < 4; i++) {
		struct hr_policy *p;

		snprintf(sq, sizeof(sq), "{'mode': '%s'}", modes[i]);
		p = parses(sq);
		cr_expect_eq(p->mode, (enum hr_policy_mode)i);
		cr_expect_str_eq(hr_policy_mode_name(p->mode), modes[i]);
		for (size_t j = 0; j < p->n_rules; j++)
			cr_expect(!p->rules[j].required && !p->rules[j].ignore);
		hr_policy_free(p);
	}
	/* a quota without a period gets the usual 100 ms */
	struct hr_policy *p = parses("{'mode': 'harden', 'defaults': {'cpuQuota': 25000}}");

	cr_expect_eq(p->default_cpu_period, 100000);
	hr_policy_free(p);
}

Test(policy, bad_policies_name_the_file_and_the_path)
{
	static const struct {
		const char *sq, *needle;
	} bad[] = {
	    {"[]", NAME ": expected an object, got an array"},
	    {"{'mode': 'strict'}", NAME ": mode: expected \"enforce\", \"harden\", \"audit\" or "
					"\"off\", got \"strict\""},
	    {"{'mode': 1}", NAME ": mode: expected"},
	    {"{'rules': {}}", NAME ": mode: required property is missing"},
	    {"{'mode': 'audit', 'rule': {}}", NAME ": rule: unknown member"},
	    {"{'mode': 'audit', 'rules': []}", NAME ": rules: expected an object"},
	    {"{'mode': 'audit', 'rules': {'CIS-9.99': {}}}",
	     NAME ": rules[\"CIS-9.99\"]: unknown rule"},
	    {"{'mode': 'audit', 'rules': {'CIS-4.1': true}}",
	     NAME ": rules[\"CIS-4.1\"]: expected an object, got true"},
	    {"{'mode': 'audit', 'rules': {'CIS-4.1': {'required': 'yes'}}}",
	     NAME ": rules[\"CIS-4.1\"].required: expected true or false"},
	    {"{'mode': 'audit', 'rules': {'CIS-4.1': {'max': 3}}}",
	     NAME ": rules[\"CIS-4.1\"].max: unknown member (expected required, failOnWarn, "
		  "ignore)"},
	    {"{'mode': 'audit', 'rules': {'CIS-5.10': {'maximum': 3}}}",
	     "rules[\"CIS-5.10\"].maximum: unknown member (expected required, failOnWarn, ignore "
	     "or max)"},
	    {"{'mode': 'audit', 'rules': {'CIS-4.1': {'required': true, 'ignore': true}}}",
	     NAME ": rules[\"CIS-4.1\"]: a rule cannot be both required and ignored"},
	    {"{'mode': 'audit', 'rules': {'CIS-5.10': {'max': '12Q'}}}",
	     NAME ": rules[\"CIS-5.10\"].max: invalid size \"12Q\""},
	    {"{'mode': 'audit', 'rules': {'CIS-5.10': {'max': 0}}}",
	     NAME ": rules[\"CIS-5.10\"].max: 0 is out of range"},
	    {"{'mode': 'audit', 'rules': {'CIS-5.10': {'max': true}}}",
	     NAME ": rules[\"CIS-5.10\"].max: expected a size"},
	    {"{'mode': 'audit', 'rules': {'CIS-5.11': {'max': 'lots'}}}",
	     NAME ": rules[\"CIS-5.11\"].max: invalid CPU count \"lots\""},
	    {"{'mode': 'audit', 'rules': {'CIS-5.28': {'max': -1}}}",
	     NAME ": rules[\"CIS-5.28\"].max: -1 is out of range"},
	    {"{'mode': 'audit', 'rules': {'HR-CAP-01': {'allowed': ['CAP_CHOWN', 'NET_RAW']}}}",
	     NAME ": rules.HR-CAP-01.allowed[1]: unknown capability \"NET_RAW\""},
	    {"{'mode': 'audit', 'rules': {'CIS-5.3': {'forbidden': 'CAP_CHOWN'}}}",
	     NAME ": rules[\"CIS-5.3\"].forbidden: expected an array"},
	    {"{'mode': 'audit', 'defaults': {'cpu': 1}}",
	     NAME ": defaults.cpu: unknown member (expected memory, cpuQuota, cpuPeriod or pids)"},
	    {"{'mode': 'audit', 'defaults': {'cpuPeriod': 100000}}",
	     NAME ": defaults.cpuPeriod: needs cpuQuota"},
	    {"{'mode': 'audit', 'defaults': {'cpuQuota': 5000, 'cpuPeriod': 5}}",
	     NAME ": defaults.cpuPeriod: 5 is out of range (1000..1000000)"},
	    {"{'mode': 'audit', 'defaults': {'cpuQuota': 10}}",
	     NAME ": defaults.cpuQuota: 10 is out of range"},
	    {"{'mode': 'audit', 'defaults': {'pids': 0}}",
	     NAME ": defaults.pids: 0 is out of range"},
	    {"{'mode': 'audit', 'defaults': {'memory': '-1'}}",
	     NAME ": defaults.memory: invalid size"},
	    {"{'mode': 'harden', 'rules': {'CIS-5.10': {'max': '512M'}}, 'defaults': {'memory': "
	     "'1G'}}",
	     NAME ": defaults.memory: more than rules[\"CIS-5.10\"].max"},
	    {"{'mode': 'harden', 'rules': {'CIS-5.11': {'max': '0.5'}}, 'defaults': {'cpuQuota': "
	     "60000}}",
	     NAME ": defaults.cpuQuota: more CPU than rules[\"CIS-5.11\"].max"},
	    {"{'mode': 'harden', 'rules': {'CIS-5.28': {'max': 10}}, 'defaults': {'pids': 11}}",
	     NAME ": defaults.pids: more than rules[\"CIS-5.28\"].max"},
	    {"{'mode': 'audit', 'description': 3}", NAME ": description: expected a string"},
	    {"{'mode': 'audit',", NAME ": line 1, column"},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		rejects(bad[i].sq, bad[i].needle);
}

Test(policy, every_problem_is_reported)
{
	struct hr_diags d = {0};
	struct hr_policy *p = parse_sq(
	    "{'mode': 'x', 'rules': {'NOPE': {}, 'CIS-4.1': {'required': 1}}, 'extra': 1}", &d);

	cr_expect_null(p);
	cr_expect_eq(d.len, 4, "%zu messages", d.len);
	hr_diags_free(&d);
}

Test(policy, contrib_policies_parse)
{
	static const char *const files[] = {CONTRIB_DIR "/production.json",
					    CONTRIB_DIR "/development.json"};
	struct hr_err err = {0};

	for (size_t i = 0; i < 2; i++) {
		_cleanup_policy_ struct hr_policy *p = hr_policy_load(files[i], true, &err);

		cr_assert_not_null(p, "%s: %s", files[i], err.msg);
		cr_expect(p->from_file);
		cr_expect_eq(p->mode, i == 0 ? HR_POLICY_ENFORCE : HR_POLICY_HARDEN);
		cr_expect(p->rules[hr_audit_rule_index("CIS-5.21")].required);
		cr_expect(p->rules[hr_audit_rule_index("CIS-5.4")].required);
	}
}

Test(policy, load_missing_file_means_audit)
{
	struct hr_err err = {0};
	_cleanup_policy_ struct hr_policy *p =
	    hr_policy_load("/nonexistent/hardrun/policy.json", false, &err);

	cr_assert_not_null(p, "%s", err.msg);
	cr_expect_eq(p->mode, HR_POLICY_AUDIT);
	cr_expect(!p->from_file);
	cr_expect_str_eq(p->path, "/nonexistent/hardrun/policy.json");
}

Test(policy, load_errors_fail_closed)
{
	struct hr_err err = {0};
	const char bad[] = "{\"mode\": \"enforce\", \"rules\": {\"CIS-5.10\": {\"max\": \"x\"}}}";
	_cleanup_free_ char *path = hrt_write_temp(bad, sizeof(bad) - 1);
	struct hr_policy *p = hr_policy_load(path, true, &err);
	char expect[512];

	cr_expect_null(p);
	snprintf(expect, sizeof(expect), "%s: rules[\"CIS-5.10\"].max: invalid size \"x\"", path);
	cr_expect(strstr(err.msg, expect) != NULL, "%s", err.msg);
	unlink(path);
	/* a directory, or anything else that is not a readable file, fails too */
	p = hr_policy_load("/tmp", true, &err);
	cr_expect_null(p);
	cr_expect(strstr(err.msg, "read /tmp") != NULL, "%s", err.msg);
}

Test(policy, path_resolution)
{
	struct hr_context ctx = {.policy_path = "/srv/p.json"};
	bool explicit;

	unsetenv(HR_POLICY_ENV);
	cr_expect_str_eq(hr_policy_path(&ctx, &explicit), "/srv/p.json");
	cr_expect(explicit);
	setenv(HR_POLICY_ENV, "/env/p.json", 1);
	cr_expect_str_eq(hr_policy_path(&ctx, &explicit), "/srv/p.json");
	ctx.policy_path = NULL;
	cr_expect_str_eq(hr_policy_path(&ctx, &explicit), "/env/p.json");
	cr_expect(explicit);
	setenv(HR_POLICY_ENV, "", 1);
	cr_expect_str_eq(hr_policy_path(&ctx, &explicit), HR_POLICY_DEFAULT_PATH);
	cr_expect(!explicit);
	unsetenv(HR_POLICY_ENV);
}

Test(policy, change_names)
{
	char buf[256];

	hr_policy_change_names(0, buf, sizeof(buf));
	cr_expect_str_eq(buf, "none");
	hr_policy_change_names(HR_CHANGE_NO_NEW_PRIVS | HR_CHANGE_SECCOMP | HR_CHANGE_PIDS, buf,
			       sizeof(buf));
	cr_expect_str_eq(buf, "noNewPrivileges,seccomp,pids");
}

/* --- Harden -------------------------------------------------------------------------------- */

static struct hr_policy *harden_policy(void)
{
	return parses("{'mode': 'harden', 'defaults': {'memory': '256M', 'cpuQuota': 25000, "
		      "'pids': 128}}");
}

Test(policy, harden_rewrites_a_docker_config)
{
	struct hr_config *c = fixture("docker-run.json");
	struct hr_policy *p = harden_policy();
	struct hr_err err = {0};
	_cleanup_free_ char *log_path = log_to_temp(), *log = NULL;
	const struct hr_resources *r;
	unsigned changes = 0;
	uint64_t before = c->process.caps.bounding;

	cr_assert_eq(hr_policy_harden(p, c, NULL, &changes, &err), 0, "%s", err.msg);
	cr_expect_eq(changes, HR_CHANGE_NO_NEW_PRIVS | HR_CHANGE_INHERITABLE | HR_CHANGE_SECCOMP |
				  HR_CHANGE_MEMORY | HR_CHANGE_CPU | HR_CHANGE_PIDS);
	cr_expect(c->process.no_new_privileges);
	cr_expect_eq(c->process.caps.inheritable, 0);
	cr_expect_eq(c->process.caps.ambient, 0);
	cr_expect_eq(c->process.caps.bounding, before, "harden keeps the allowed capabilities");
	cr_assert_not_null(c->linux_cfg.seccomp);
	cr_expect_eq(c->linux_cfg.seccomp->default_action, HR_SECCOMP_ERRNO);
	r = &c->linux_cfg.resources;
	cr_expect(r->has_memory && r->memory.limit.value == 268435456 &&
		  r->memory.swap.value == 268435456);
	cr_expect(r->has_cpu && r->cpu.quota.value == 25000 && r->cpu.period.value == 100000);
	cr_expect(r->has_pids && r->pids_limit.value == 128);
	cr_expect_str_eq(annotation(c, HR_POLICY_ANNOTATION),
			 "noNewPrivileges,inheritableCapabilities,seccomp,memory,cpu,pids");
	log = read_log(log_path);
	cr_expect(strstr(log, "info: policy " NAME " (harden): set noNewPrivileges\n"), "%s", log);
	cr_expect(strstr(log, "(harden): emptied the inheritable capabilities (CAP_CHOWN"));
	cr_expect(strstr(log, "(harden): added the default seccomp profile"));
	cr_expect(strstr(log, "(harden): set the memory limit to 268435456 bytes"));
	cr_expect(strstr(log, "(harden): set the CPU quota to 25000 per 100000 us"));
	cr_expect(strstr(log, "(harden): set the pids limit to 128"));
	unlink(log_path);
	hr_policy_free(p);
	hr_config_free(c);
}

Test(policy, harden_forbidden_and_ambient_capabilities)
{
	struct hr_config *c = production_with(
	    "{'process': {'capabilities': {'bounding': ['CAP_SYS_ADMIN', 'CAP_KILL', 'CAP_BPF'], "
	    "'effective': ['CAP_SYS_ADMIN', 'CAP_KILL'], 'permitted': ['CAP_SYS_ADMIN', "
	    "'CAP_KILL'], 'inheritable': ['CAP_KILL'], 'ambient': ['CAP_KILL']}}}");
	struct hr_policy *p = parses("{'mode': 'harden', 'rules': {'CIS-5.3': {'forbidden': "
				     "['CAP_KILL']}}}");
	struct hr_err err = {0};
	unsigned changes = 0;

	cr_assert_eq(hr_policy_harden(p, c, NULL, &changes, &err), 0, "%s", err.msg);
	cr_expect_eq(changes, HR_CHANGE_INHERITABLE | HR_CHANGE_AMBIENT | HR_CHANGE_FORBIDDEN_CAPS);
	cr_expect_eq(c->process.caps.bounding, 0);
	cr_expect_eq(c->process.caps.effective, 0);
	cr_expect_eq(c->process.caps.permitted, 0);
	cr_expect_str_eq(annotation(c, HR_POLICY_ANNOTATION),
			 "inheritableCapabilities,ambientCapabilities,forbiddenCapabilities");
	hr_policy_free(p);
	hr_config_free(c);
}

Test(policy, harden_masked_and_readonly_paths)
{
	struct hr_config *c = production_with(
	    "{'linux': {'maskedPaths': ['/proc/kcore', '/srv/own'], 'readonlyPaths': []}}");
	struct hr_policy *p = harden_policy();
	struct hr_err err = {0};
	unsigned changes = 0;
	const struct hr_linux *l = &c->linux_cfg;

	cr_assert_eq(hr_policy_harden(p, c, NULL, &changes, &err), 0, "%s", err.msg);
	cr_expect_eq(changes, HR_CHANGE_MASKED_PATHS | HR_CHANGE_READONLY_PATHS);
	cr_expect_eq(l->n_masked_paths, 12);
	cr_expect_str_eq(l->masked_paths[0], "/proc/kcore");
	cr_expect_str_eq(l->masked_paths[1], "/srv/own");
	cr_expect_null(l->masked_paths[l->n_masked_paths]);
	for (size_t i = 0; hr_audit_masked_paths[i] != NULL; i++)
		cr_expect(has_path(l->masked_paths, l->n_masked_paths, hr_audit_masked_paths[i]));
	cr_expect_eq(l->n_readonly_paths, 5);
	for (size_t i = 0; hr_audit_readonly_paths[i] != NULL; i++)
		cr_expect(
		    has_path(l->readonly_paths, l->n_readonly_paths, hr_audit_readonly_paths[i]));
	cr_expect_null(l->readonly_paths[5]);
	hr_policy_free(p);
	hr_config_free(c);
}

Test(policy, harden_keeps_what_the_config_sets)
{
	struct hr_config *c = production_with(
	    "{'annotations': {'org.hardrun.policy.changes': 'forged', 'keep': 'me'}}");
	struct hr_policy *p = harden_policy();
	struct hr_err err = {0};
	unsigned changes = 1;

	cr_assert_eq(hr_policy_harden(p, c, NULL, &changes, &err), 0, "%s", err.msg);
	cr_expect_eq(changes, 0);
	cr_expect_eq(c->linux_cfg.resources.memory.limit.value, 536870912);
	cr_expect_eq(c->linux_cfg.resources.cpu.quota.value, 50000);
	cr_expect_str_eq(annotation(c, HR_POLICY_ANNOTATION), "none");
	cr_expect_str_eq(annotation(c, "keep"), "me");
	hr_policy_free(p);
	hr_config_free(c);
}

Test(policy, harden_without_linux_section_or_defaults)
{
	const char json[] = "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"rootfs\"}, "
			    "\"process\": {\"args\": [\"sh\"], \"cwd\": \"/\", \"user\": "
			    "{\"uid\": 0, \"gid\": 0}}}";
	struct hr_config *c = parse_config(json);
	struct hr_policy *p = parses("{'mode': 'harden'}");
	struct hr_err err = {0};
	unsigned changes = 0;

	cr_assert(!c->has_linux);
	cr_assert_eq(hr_policy_harden(p, c, NULL, &changes, &err), 0, "%s", err.msg);
	cr_expect(c->has_linux);
	cr_expect_eq(changes, HR_CHANGE_NO_NEW_PRIVS | HR_CHANGE_SECCOMP | HR_CHANGE_MASKED_PATHS |
				  HR_CHANGE_READONLY_PATHS);
	cr_expect(!c->linux_cfg.has_resources, "no defaults: no limits added");
	hr_policy_free(p);
	hr_config_free(c);
}

Test(policy, harden_exec_rewrites_the_process_only)
{
	struct hr_config *c = fixture("docker-run.json");
	struct hr_policy *p = harden_policy();
	struct hr_process proc = c->process;
	struct hr_err err = {0};
	unsigned changes = 0;

	proc.caps.ambient = CAP(5);
	proc.caps.bounding |= CAP(21);
	cr_assert_eq(hr_policy_harden(p, c, &proc, &changes, &err), 0, "%s", err.msg);
	cr_expect_eq(changes, HR_CHANGE_NO_NEW_PRIVS | HR_CHANGE_INHERITABLE | HR_CHANGE_AMBIENT |
				  HR_CHANGE_FORBIDDEN_CAPS | HR_CHANGE_SECCOMP);
	cr_expect(proc.no_new_privileges && proc.caps.inheritable == 0 && proc.caps.ambient == 0);
	cr_expect_eq(proc.caps.bounding & CAP(21), 0);
	cr_expect(!c->process.no_new_privileges, "the container's own process is untouched");
	cr_expect_not_null(c->linux_cfg.seccomp);
	cr_expect(!c->linux_cfg.resources.has_memory, "no container-wide change at exec");
	cr_expect_null(annotation(c, HR_POLICY_ANNOTATION));
	hr_policy_free(p);
	hr_config_free(c);
}

Test(policy, default_seccomp_is_the_production_profile)
{
	struct hr_config *prod = production_with(NULL);
	struct hr_arena arena = {0};
	struct hr_err err = {0};
	struct hr_seccomp *s = hr_policy_default_seccomp(&arena, &err);
	const struct hr_seccomp *want = prod->linux_cfg.seccomp;

	cr_assert_not_null(s, "%s", err.msg);
	cr_expect_eq(s->default_action, want->default_action);
	cr_expect_eq(s->default_errno_ret, want->default_errno_ret);
	cr_expect_eq(s->n_architectures, want->n_architectures);
	cr_assert_eq(s->n_syscalls, want->n_syscalls);
	for (size_t i = 0; i < s->n_syscalls; i++) {
		cr_expect_eq(s->syscalls[i].n_names, want->syscalls[i].n_names);
		cr_expect_eq(s->syscalls[i].n_args, want->syscalls[i].n_args);
		cr_expect_str_eq(s->syscalls[i].names[0], want->syscalls[i].names[0]);
	}
	hr_arena_free(&arena);
	hr_config_free(prod);
}

/* --- The modes ----------------------------------------------------------------------------- */

Test(policy, enforce_refuses_failed_required_rules)
{
	struct hr_config *c = fixture("docker-run.json");
	struct hr_policy *p = parses("{'mode': 'enforce', 'rules': {'CIS-4.1': {'required': true}, "
				     "'CIS-5.21': {'required': true}, 'CIS-5.9': {'required': "
				     "true}, 'HR-CAP-01': {'required': true, 'failOnWarn': true}, "
				     "'CIS-5.18': {'required': true}}}");
	struct hr_err err = {0};

	cr_expect_eq(hr_policy_apply_loaded(p, c, NULL, &err), -1);
	cr_expect_str_eq(err.msg, "policy " NAME " (enforce) refuses the container: 3 required "
				  "rules failed: CIS-4.1, HR-CAP-01 (warning), CIS-5.21 "
				  "(hardrun audit explains each)");
	cr_expect_eq(c->process.no_new_privileges, false, "enforce changes nothing");
	hr_policy_free(p);
	hr_config_free(c);
}

Test(policy, enforce_accepts_production)
{
	struct hr_config *c = production_with(NULL);
	struct hr_err err = {0};
	_cleanup_policy_ struct hr_policy *p =
	    hr_policy_load(CONTRIB_DIR "/production.json", true, &err);
	_cleanup_free_ char *log_path = log_to_temp(), *log = NULL;

	cr_assert_not_null(p, "%s", err.msg);
	cr_expect_eq(hr_policy_apply_loaded(p, c, NULL, &err), 0, "%s", err.msg);
	log = read_log(log_path);
	cr_expect_str_eq(log, "", "nothing to report");
	unlink(log_path);
	hr_config_free(c);
}

Test(policy, harden_then_required_rules)
{
	struct hr_config *c = fixture("docker-run.json");
	struct hr_err err = {0};
	_cleanup_policy_ struct hr_policy *dev =
	    hr_policy_load(CONTRIB_DIR "/development.json", true, &err);
	struct hr_policy *strict;

	cr_assert_not_null(dev, "%s", err.msg);
	cr_expect_eq(hr_policy_apply_loaded(dev, c, NULL, &err), 0, "%s", err.msg);
	cr_expect_not_null(annotation(c, HR_POLICY_ANNOTATION));
	hr_config_free(c);
	/* what harden cannot change still refuses the container */
	c = fixture("docker-run.json");
	strict = parses("{'mode': 'harden', 'rules': {'CIS-4.1': {'required': true}, 'CIS-5.25': "
			"{'required': true}}}");
	cr_expect_eq(hr_policy_apply_loaded(strict, c, NULL, &err), -1);
	cr_expect(strstr(err.msg, "(harden) refuses the container: 1 required rule failed: "
				  "CIS-4.1 "),
		  "%s", err.msg);
	hr_policy_free(strict);
	hr_config_free(c);
}

#define SECRET "planted-s3cr3t-value-4711"

Test(policy, audit_logs_each_finding_without_secrets)
{
	_cleanup_free_ char *json = NULL, *log_path = log_to_temp(), *log = NULL;
	struct hr_config *c;
	struct hr_policy *p = parses("{'mode': 'audit', 'rules': {'CIS-4.1': {'required': true}, "
				     "'CIS-5.12': {'ignore': true}}}");
	struct hr_err err = {0};
	char *base;
	size_t len, lines = 0;

	base = hrt_read_file(AUDIT_DATA "/docker-run.json", &len);
	json = hrt_merge(base,
			 "{\"process\": {\"env\": [\"API_TOKEN=" SECRET "\", \"X=" SECRET "\"]}}");
	free(base);
	c = parse_config(json);
	cr_expect_eq(hr_policy_apply_loaded(p, c, NULL, &err), 0, "audit never refuses: %s",
		     err.msg);
	log = read_log(log_path);
	for (const char *s = log; (s = strchr(s, '\n')) != NULL; s++)
		lines++;
	/* docker-run.json: 8 FAIL and 3 WARN, the env WARN, CIS-5.12 ignored */
	cr_expect_eq(lines, 11, "%s", log);
	cr_expect(strstr(log, "warning: policy " NAME " (audit): CIS-4.1 FAIL: the process runs as "
			      "a non-root user: process.user.uid: runs as uid 0 (root)\n"),
		  "%s", log);
	cr_expect(strstr(log, "HR-ENV-01 WARN") && strstr(log, "API_TOKEN"), "%s", log);
	cr_expect(strstr(log, "CIS-5.12") == NULL, "an ignored rule is not logged");
	cr_expect(strstr(log, SECRET) == NULL, "a secret reached the log");
	cr_expect(!c->process.no_new_privileges);
	unlink(log_path);
	hr_policy_free(p);
	hr_config_free(c);
}

/* What applying p to the Docker fixture (or to its process, at exec) prints on stderr, without
 * --log. */
static char *stderr_of_apply(const struct hr_policy *p, bool debug, bool exec)
{
	_cleanup_free_ char *path = hrt_write_temp("", 0);
	struct hr_config *c = fixture("docker-run.json");
	struct hr_process proc = c->process;
	struct hr_err err = {0};
	int saved = dup(STDERR_FILENO), fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC), r;
	size_t len;
	char *out;

	cr_assert(saved >= 0 && fd >= 0);
	hr_log_close();
	cr_assert_eq(hr_log_init(NULL, HR_LOG_TEXT, debug, &err), 0, "%s", err.msg);
	cr_assert_eq(dup2(fd, STDERR_FILENO), STDERR_FILENO);
	r = hr_policy_apply_loaded(p, c, exec ? &proc : NULL, &err);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(fd);
	cr_expect_eq(r, 0, "audit never refuses: %s", err.msg);
	out = hrt_read_file(path, &len);
	unlink(path);
	hr_config_free(c);
	return out;
}

#define MISSING "/nonexistent/hardrun/policy.json"

Test(policy, implicit_audit_keeps_off_stderr)
{
	struct hr_err err = {0};
	_cleanup_policy_ struct hr_policy *p = hr_policy_load(MISSING, false, &err);
	_cleanup_free_ char *quiet = NULL, *quiet_exec = NULL, *debug = NULL, *log = NULL;
	_cleanup_free_ char *log_path = NULL;
	struct hr_config *c = fixture("docker-run.json");

	cr_assert_not_null(p, "%s", err.msg);
	cr_expect(p->implicit);
	/* run and exec: hardrun's stderr is the container's */
	quiet = stderr_of_apply(p, false, false);
	cr_expect_str_eq(quiet, "", "the implicit policy wrote on stderr");
	quiet_exec = stderr_of_apply(p, false, true);
	cr_expect_str_eq(quiet_exec, "", "the implicit policy wrote on stderr at exec");
	debug = stderr_of_apply(p, true, false);
	cr_expect(strstr(debug, "hardrun: warning: policy " MISSING " (audit): CIS-4.1 FAIL: "),
		  "--debug shows the findings: %s", debug);
	/* a log file takes them, as every warning */
	log_path = log_to_temp();
	cr_expect_eq(hr_policy_apply_loaded(p, c, NULL, &err), 0, "%s", err.msg);
	log = read_log(log_path);
	cr_expect(strstr(log, "warning: policy " MISSING " (audit): CIS-4.1 FAIL: "), "%s", log);
	unlink(log_path);
	hr_config_free(c);
}

Test(policy, configured_audit_warns_on_stderr)
{
	struct hr_err err = {0};
	/* a file named by --policy or $HARDRUN_POLICY that is missing, and an audit-mode file */
	_cleanup_policy_ struct hr_policy *named = hr_policy_load(MISSING, true, &err);
	struct hr_policy *file = parses("{'mode': 'audit'}");
	_cleanup_free_ char *from_named = NULL, *from_file = NULL, *at_exec = NULL;

	cr_assert_not_null(named, "%s", err.msg);
	cr_expect(!named->implicit && !file->implicit);
	from_named = stderr_of_apply(named, false, false);
	cr_expect(
	    strstr(from_named, "hardrun: warning: policy " MISSING " (audit): CIS-4.1 FAIL: "),
	    "%s", from_named);
	from_file = stderr_of_apply(file, false, false);
	cr_expect(strstr(from_file, "hardrun: warning: policy " NAME " (audit): CIS-4.1 FAIL: "),
		  "%s", from_file);
	at_exec = stderr_of_apply(file, false, true);
	cr_expect(
	    strstr(at_exec, "hardrun: warning: policy " NAME " (audit, exec): CIS-4.1 FAIL: "),
	    "%s", at_exec);
	hr_policy_free(file);
}

Test(policy, off_does_nothing)
{
	struct hr_config *c = fixture("docker-run.json");
	struct hr_policy *p = parses("{'mode': 'off', 'rules': {'CIS-4.1': {'required': true}}}");
	_cleanup_free_ char *log_path = log_to_temp(), *log = NULL;
	struct hr_err err = {0};

	cr_expect_eq(hr_policy_apply_loaded(p, c, NULL, &err), 0);
	log = read_log(log_path);
	cr_expect_str_eq(log, "");
	cr_expect(!c->process.no_new_privileges);
	cr_expect_null(c->linux_cfg.seccomp);
	hr_policy_free(p);
	unlink(log_path);
	hr_config_free(c);
}

Test(policy, exec_judges_the_process_rules_only)
{
	struct hr_config *c = fixture("docker-run.json");
	struct hr_policy *p = parses("{'mode': 'enforce', 'rules': {'CIS-5.12': {'required': "
				     "true}, 'CIS-4.1': {'required': true}}}");
	struct hr_process proc = c->process;
	struct hr_audit_report r = {0};
	struct hr_err err = {0};

	proc.user.uid = 1000;
	proc.user.gid = 1000;
	proc.user.n_additional_gids = 0;
	/* the container's writable root is judged at create, not at every exec */
	cr_expect_eq(hr_policy_apply_loaded(p, c, &proc, &err), 0, "%s", err.msg);
	hr_policy_audit(p, c, &proc, &r);
	cr_expect_eq(r.findings[hr_audit_rule_index("CIS-5.12")].result, HR_AUDIT_SKIP);
	cr_expect_eq(r.findings[hr_audit_rule_index("CIS-4.1")].result, HR_AUDIT_PASS);
	hr_audit_report_free(&r);
	proc.user.uid = 0;
	cr_expect_eq(hr_policy_apply_loaded(p, c, &proc, &err), -1);
	cr_expect(strstr(err.msg, "refuses the process to exec: 1 required rule failed: CIS-4.1"),
		  "%s", err.msg);
	hr_policy_free(p);
	hr_config_free(c);
}

Test(policy, apply_reads_the_context_policy)
{
	struct hr_config *c = fixture("docker-run.json");
	const char bad[] = "{\"mode\": \"enforce\", \"rules\": {\"CIS-5.10\": {\"max\": \"x\"}}}";
	_cleanup_free_ char *path = hrt_write_temp(bad, sizeof(bad) - 1);
	struct hr_context ctx = {.policy_path = path};
	struct hr_err err = {0};

	cr_expect_eq(hr_policy_apply(&ctx, c, &err), -1);
	cr_expect(strncmp(err.msg, "invalid policy, refusing the container: ", 40) == 0, "%s",
		  err.msg);
	cr_expect(strstr(err.msg, path) != NULL, "%s", err.msg);
	cr_expect_eq(hr_policy_apply_exec(&ctx, c, &c->process, &err), -1);
	cr_expect(strncmp(err.msg, "invalid policy, refusing the exec: ", 35) == 0, "%s", err.msg);
	unlink(path);
	ctx.policy_path = "/nonexistent/policy.json";
	cr_expect_eq(hr_policy_apply(&ctx, c, &err), 0, "a missing file audits: %s", err.msg);
	hr_config_free(c);
}
