/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The policy for engine-launched containers: the file and its schema (hardrun-policy(5)), the
 * harden rewrites, and the decision at create and exec. The rules themselves are audit.c's.
 */
#include "policy.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "capabilities.h"
#include "cleanup.h"
#include "json.h"
#include "log.h"
#include "lsm.h"
#include "spec.h"
#include "spec_seccomp.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The kernel's PID_MAX_LIMIT, and the CFS bounds (1 ms to 1 s periods, 1 ms minimum quota). */
#define PIDS_MAX       4194304
#define CPU_PERIOD_MIN 1000
#define CPU_PERIOD_MAX 1000000
#define CPU_QUOTA_MIN  1000

static const char *const mode_names[] = {
    [HR_POLICY_OFF] = "off",
    [HR_POLICY_AUDIT] = "audit",
    [HR_POLICY_HARDEN] = "harden",
    [HR_POLICY_ENFORCE] = "enforce",
};

static const char *const change_names[] = {
    "noNewPrivileges",
    "inheritableCapabilities",
    "ambientCapabilities",
    "forbiddenCapabilities",
    "seccomp",
    "maskedPaths",
    "readonlyPaths",
    "memory",
    "cpu",
    "pids",
};

const char *hr_policy_mode_name(enum hr_policy_mode mode)
{
	return (size_t)mode < N(mode_names) ? mode_names[mode] : "?";
}

void hr_policy_change_names(unsigned changes, char *buf, size_t size)
{
	size_t used = 0;

	snprintf(buf, size, "none");
	for (size_t i = 0; i < N(change_names); i++) {
		int n;

		if (!(changes & (1U << i)) || used >= size)
			continue;
		n = snprintf(buf + used, size - used, "%s%s", used ? "," : "", change_names[i]);
		if (n > 0)
			used += (size_t)n;
	}
}

/* --- The file ------------------------------------------------------------------------------ */

enum param_kind {
	PARAM_MAX_SIZE,
	PARAM_MAX_CPUS,
	PARAM_MAX_COUNT,
	PARAM_ALLOWED_CAPS,
	PARAM_FORBIDDEN_CAPS,
};

/* The rules that take a parameter, and its member name. */
static const struct {
	const char *rule;
	const char *member;
	enum param_kind kind;
} rule_params[] = {
    {"CIS-5.10", "max", PARAM_MAX_SIZE},
    {"CIS-5.11", "max", PARAM_MAX_CPUS},
    {"CIS-5.28", "max", PARAM_MAX_COUNT},
    {"HR-CAP-01", "allowed", PARAM_ALLOWED_CAPS},
    {"CIS-5.3", "forbidden", PARAM_FORBIDDEN_CAPS},
};

/* A size: a positive number of bytes, or a string such as "512M" (binary units). */
static bool read_size(struct hr_jctx *ctx, yajl_val v, int64_t *out)
{
	struct hr_err err;

	if (YAJL_IS_STRING(v)) {
		if (hr_spec_parse_size(v->u.string, out, &err) < 0)
			return hr_jerror(ctx, "%s", err.msg);
		return true;
	}
	if (YAJL_IS_NUMBER(v))
		return hr_jread_int_range(ctx, v, 1, INT64_MAX, out);
	return hr_jerror(ctx, "expected a size (a number of bytes, or a string such as \"512M\")");
}

/* A CPU count as a number or a string: 0.5 or "0.5", to a quota per HR_SPEC_CPU_PERIOD. */
static bool read_cpus(struct hr_jctx *ctx, yajl_val v, int64_t *quota)
{
	struct hr_err err;
	const char *text = YAJL_IS_STRING(v)   ? v->u.string
			   : YAJL_IS_NUMBER(v) ? v->u.number.r
					       : NULL;

	if (text == NULL)
		return hr_jerror(ctx, "expected a number of CPUs such as 0.5 or \"2\"");
	if (hr_spec_parse_cpus(text, quota, &err) < 0)
		return hr_jerror(ctx, "%s", err.msg);
	return true;
}

static bool read_caps(struct hr_jctx *ctx, yajl_val v, uint64_t *mask)
{
	char **names;
	size_t n;
	bool ok;

	if (!hr_jread_strv(ctx, v, &names, &n))
		return false;
	*mask = 0;
	ok = true;
	for (size_t i = 0; i < n; i++) {
		int cap = hr_cap_from_name(names[i]);
		size_t saved = hr_jpath_index(ctx, i);

		if (cap < 0)
			ok = hr_jerror(ctx,
				       "unknown capability \"%.64s\" (expected a name such as "
				       "CAP_NET_BIND_SERVICE)",
				       names[i]);
		else
			*mask |= UINT64_C(1) << cap;
		hr_jpath_pop(ctx, saved);
	}
	return ok;
}

static void read_param(struct hr_jctx *ctx, yajl_val v, enum param_kind kind, struct hr_policy *p)
{
	struct hr_audit_params *a = &p->params;
	int64_t value;

	switch (kind) {
	case PARAM_MAX_SIZE:
		if (read_size(ctx, v, &value))
			a->max_memory = (hr_opt_i64){true, value};
		break;
	case PARAM_MAX_CPUS:
		if (read_cpus(ctx, v, &value)) {
			a->max_cpu_quota = (hr_opt_i64){true, value};
			a->max_cpu_period = HR_SPEC_CPU_PERIOD;
		}
		break;
	case PARAM_MAX_COUNT:
		if (hr_jread_int_range(ctx, v, 1, PIDS_MAX, &value))
			a->max_pids = (hr_opt_i64){true, value};
		break;
	case PARAM_ALLOWED_CAPS:
		a->has_cap_baseline = read_caps(ctx, v, &a->cap_baseline);
		break;
	case PARAM_FORBIDDEN_CAPS:
		read_caps(ctx, v, &a->forbidden_caps);
		break;
	}
}

static void read_rule(struct hr_jctx *ctx, const char *id, yajl_val v, struct hr_policy *p)
{
	int idx = hr_audit_rule_index(id);
	struct hr_policy_rule *rule;
	ssize_t param = -1;

	if (idx < 0) {
		hr_jerror(ctx, "unknown rule (`hardrun audit` lists the rules)");
		return;
	}
	if (!hr_jexpect_object(ctx, v))
		return;
	rule = &p->rules[idx];
	for (size_t i = 0; i < N(rule_params); i++)
		if (strcmp(rule_params[i].rule, id) == 0)
			param = (ssize_t)i;
	for (size_t i = 0; i < v->u.object.len; i++) {
		const char *key = v->u.object.keys[i];
		yajl_val val = v->u.object.values[i];
		size_t saved = hr_jpath_key(ctx, key);

		if (strcmp(key, "required") == 0)
			hr_jread_bool(ctx, val, &rule->required);
		else if (strcmp(key, "failOnWarn") == 0)
			hr_jread_bool(ctx, val, &rule->fail_on_warn);
		else if (strcmp(key, "ignore") == 0)
			hr_jread_bool(ctx, val, &rule->ignore);
		else if (param >= 0 && strcmp(key, rule_params[param].member) == 0)
			read_param(ctx, val, rule_params[param].kind, p);
		else
			hr_jerror(ctx, "unknown member (expected required, failOnWarn, ignore%s%s)",
				  param >= 0 ? " or " : "",
				  param >= 0 ? rule_params[param].member : "");
		hr_jpath_pop(ctx, saved);
	}
	if (rule->required && rule->ignore)
		hr_jerror(ctx, "a rule cannot be both required and ignored");
}

static void read_rules(struct hr_jctx *ctx, yajl_val v, struct hr_policy *p)
{
	if (!hr_jexpect_object(ctx, v))
		return;
	for (size_t i = 0; i < v->u.object.len; i++) {
		size_t saved = hr_jpath_key(ctx, v->u.object.keys[i]);

		read_rule(ctx, v->u.object.keys[i], v->u.object.values[i], p);
		hr_jpath_pop(ctx, saved);
	}
}

static void read_defaults(struct hr_jctx *ctx, yajl_val v, struct hr_policy *p)
{
	int64_t value;

	if (!hr_jexpect_object(ctx, v))
		return;
	for (size_t i = 0; i < v->u.object.len; i++) {
		const char *key = v->u.object.keys[i];
		yajl_val val = v->u.object.values[i];
		size_t saved = hr_jpath_key(ctx, key);

		if (strcmp(key, "memory") == 0) {
			if (read_size(ctx, val, &value))
				p->default_memory = (hr_opt_i64){true, value};
		} else if (strcmp(key, "cpuQuota") == 0) {
			if (hr_jread_int_range(ctx, val, CPU_QUOTA_MIN, INT64_MAX, &value))
				p->default_cpu_quota = (hr_opt_i64){true, value};
		} else if (strcmp(key, "cpuPeriod") == 0) {
			if (hr_jread_int_range(ctx, val, CPU_PERIOD_MIN, CPU_PERIOD_MAX, &value))
				p->default_cpu_period = value;
		} else if (strcmp(key, "pids") == 0) {
			if (hr_jread_int_range(ctx, val, 1, PIDS_MAX, &value))
				p->default_pids = (hr_opt_i64){true, value};
		} else {
			hr_jerror(ctx,
				  "unknown member (expected memory, cpuQuota, cpuPeriod or pids)");
		}
		hr_jpath_pop(ctx, saved);
	}
	if (p->default_cpu_period != 0 && !p->default_cpu_quota.set) {
		size_t saved = hr_jpath_key(ctx, "cpuPeriod");

		hr_jerror(ctx, "needs cpuQuota");
		hr_jpath_pop(ctx, saved);
	}
}

static void read_mode(struct hr_jctx *ctx, yajl_val v, struct hr_policy *p)
{
	char desc[64];

	for (size_t i = 0; YAJL_IS_STRING(v) && i < N(mode_names); i++) {
		if (strcmp(v->u.string, mode_names[i]) == 0) {
			p->mode = (enum hr_policy_mode)i;
			return;
		}
	}
	hr_jerror(ctx, "expected \"enforce\", \"harden\", \"audit\" or \"off\", got %s",
		  hr_json_describe(v, desc, sizeof(desc)));
}

/* A default that its own rule would refuse is a mistake in the file. */
static void check_defaults(struct hr_jctx *ctx, const struct hr_policy *p)
{
	const struct hr_audit_params *a = &p->params;
	size_t saved = hr_jpath_key(ctx, "defaults");
	size_t inner;

	if (p->default_memory.set && a->max_memory.set &&
	    p->default_memory.value > a->max_memory.value) {
		inner = hr_jpath_key(ctx, "memory");
		hr_jerror(ctx, "more than rules[\"CIS-5.10\"].max");
		hr_jpath_pop(ctx, inner);
	}
	if (p->default_cpu_quota.set && a->max_cpu_quota.set &&
	    (__int128)p->default_cpu_quota.value * a->max_cpu_period >
		(__int128)a->max_cpu_quota.value * p->default_cpu_period) {
		inner = hr_jpath_key(ctx, "cpuQuota");
		hr_jerror(ctx, "more CPU than rules[\"CIS-5.11\"].max");
		hr_jpath_pop(ctx, inner);
	}
	if (p->default_pids.set && a->max_pids.set && p->default_pids.value > a->max_pids.value) {
		inner = hr_jpath_key(ctx, "pids");
		hr_jerror(ctx, "more than rules[\"CIS-5.28\"].max");
		hr_jpath_pop(ctx, inner);
	}
	hr_jpath_pop(ctx, saved);
}

static void read_policy(struct hr_jctx *ctx, yajl_val doc, struct hr_policy *p)
{
	bool has_mode = false;

	if (!hr_jexpect_object(ctx, doc))
		return;
	for (size_t i = 0; i < doc->u.object.len; i++) {
		const char *key = doc->u.object.keys[i];
		yajl_val val = doc->u.object.values[i];
		size_t saved = hr_jpath_key(ctx, key);
		char *ignored;

		if (strcmp(key, "mode") == 0) {
			has_mode = true;
			read_mode(ctx, val, p);
		} else if (strcmp(key, "rules") == 0) {
			read_rules(ctx, val, p);
		} else if (strcmp(key, "defaults") == 0) {
			read_defaults(ctx, val, p);
		} else if (strcmp(key, "description") == 0) {
			hr_jread_string(ctx, val, &ignored);
		} else {
			hr_jerror(ctx, "unknown member (expected mode, rules, defaults or "
				       "description)");
		}
		hr_jpath_pop(ctx, saved);
	}
	if (!has_mode) {
		size_t saved = hr_jpath_key(ctx, "mode");

		hr_jerror(ctx, "required property is missing");
		hr_jpath_pop(ctx, saved);
	}
	if (p->default_cpu_quota.set && p->default_cpu_period == 0)
		p->default_cpu_period = HR_SPEC_CPU_PERIOD;
	check_defaults(ctx, p);
}

static struct hr_policy *policy_new(const char *path, enum hr_policy_mode mode)
{
	struct hr_policy *p = hr_xcalloc(1, sizeof(*p));
	size_t n;

	hr_audit_rules(&n);
	p->path = hr_arena_strdup(&p->arena, path);
	p->mode = mode;
	p->rules = hr_arena_array(&p->arena, n, sizeof(*p->rules));
	p->n_rules = n;
	p->params.limits_source = "the policy";
	return p;
}

struct hr_policy *hr_policy_parse(const char *data, size_t len, const char *name,
				  struct hr_diags *diags)
{
	_cleanup_yajl_tree_ yajl_val doc = hr_json_parse(data, len, name, diags);
	size_t before = diags->len + diags->dropped;
	struct hr_policy *p;
	struct hr_jctx ctx;

	if (doc == NULL)
		return NULL;
	p = policy_new(name, HR_POLICY_AUDIT);
	p->from_file = true;
	hr_jctx_init(&ctx, name, &p->arena, diags);
	read_policy(&ctx, doc, p);
	if (diags->len + diags->dropped != before) {
		hr_policy_free(p);
		return NULL;
	}
	return p;
}

struct hr_policy *hr_policy_load(const char *path, bool explicit, struct hr_err *err)
{
	_cleanup_free_ char *data = NULL;
	struct hr_diags diags = {0};
	struct hr_policy *p;
	size_t len;

	if (hr_read_file(path, HR_POLICY_MAX_SIZE, &data, &len, err) < 0) {
		if (err->errnum != ENOENT)
			return NULL;
		hr_err_clear(err);
		if (explicit)
			hr_warning("policy %s: no such file: auditing only", path);
		else
			hr_debug("policy %s: no such file: auditing only", path);
		p = policy_new(path, HR_POLICY_AUDIT);
		p->implicit = !explicit;
		return p;
	}
	p = hr_policy_parse(data, len, path, &diags);
	if (p == NULL)
		hr_diags_to_err(&diags, err);
	hr_diags_free(&diags);
	return p;
}

void hr_policy_free(struct hr_policy *policy)
{
	hr_arena_free(&policy->arena);
	free(policy);
}

const char *hr_policy_path(const struct hr_context *ctx, bool *explicit)
{
	const char *env = getenv(HR_POLICY_ENV);

	*explicit = true;
	if (ctx != NULL && ctx->policy_path != NULL)
		return ctx->policy_path;
	if (env != NULL && env[0] != '\0')
		return env;
	*explicit = false;
	return HR_POLICY_DEFAULT_PATH;
}

/* --- Harden -------------------------------------------------------------------------------- */

static void log_change(const struct hr_policy *p, bool exec, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void log_change(const struct hr_policy *p, bool exec, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	hr_info("policy %s (harden%s): %s", p->path, exec ? ", exec" : "", msg);
}

static void harden_caps(const struct hr_policy *p, struct hr_process *proc, bool exec,
			unsigned *changes)
{
	struct hr_capabilities *c = &proc->caps;
	uint64_t forbidden = hr_audit_forbidden_caps(&p->params), found;
	char names[512];

	if (!proc->has_capabilities)
		return;
	if (c->inheritable != 0) {
		log_change(p, exec, "emptied the inheritable capabilities (%s)",
			   hr_cap_list(c->inheritable, names, sizeof(names)));
		c->inheritable = 0;
		*changes |= HR_CHANGE_INHERITABLE;
	}
	if (c->ambient != 0) {
		log_change(p, exec, "emptied the ambient capabilities (%s)",
			   hr_cap_list(c->ambient, names, sizeof(names)));
		c->ambient = 0;
		*changes |= HR_CHANGE_AMBIENT;
	}
	found = (c->bounding | c->effective | c->permitted) & forbidden;
	if (found != 0) {
		c->bounding &= ~forbidden;
		c->effective &= ~forbidden;
		c->permitted &= ~forbidden;
		log_change(p, exec, "dropped %s from every capability set",
			   hr_cap_list(found, names, sizeof(names)));
		*changes |= HR_CHANGE_FORBIDDEN_CAPS;
	}
}

static char **copy_strv(struct hr_arena *a, char *const *v, size_t n)
{
	char **out = hr_arena_array(a, n + 1, sizeof(char *));

	for (size_t i = 0; i < n; i++)
		out[i] = hr_arena_strdup(a, v[i]);
	return out;
}

static char *copy_str(struct hr_arena *a, const char *s)
{
	return s ? hr_arena_strdup(a, s) : NULL;
}

static struct hr_seccomp *copy_seccomp(struct hr_arena *a, const struct hr_seccomp *s)
{
	struct hr_seccomp *out = hr_arena_alloc(a, sizeof(*out));

	*out = *s;
	out->architectures = hr_arena_array(a, s->n_architectures + 1, sizeof(uint32_t));
	if (s->n_architectures > 0)
		memcpy(out->architectures, s->architectures, s->n_architectures * sizeof(uint32_t));
	out->flags = copy_strv(a, s->flags, s->n_flags);
	out->listener_path = copy_str(a, s->listener_path);
	out->listener_metadata = copy_str(a, s->listener_metadata);
	out->syscalls = hr_arena_array(a, s->n_syscalls + 1, sizeof(*out->syscalls));
	for (size_t i = 0; i < s->n_syscalls; i++) {
		const struct hr_seccomp_rule *r = &s->syscalls[i];
		struct hr_seccomp_rule *o = &out->syscalls[i];

		*o = *r;
		o->names = copy_strv(a, r->names, r->n_names);
		o->args = hr_arena_array(a, r->n_args + 1, sizeof(*o->args));
		if (r->n_args > 0)
			memcpy(o->args, r->args, r->n_args * sizeof(*o->args));
	}
	return out;
}

struct hr_seccomp *hr_policy_default_seccomp(struct hr_arena *arena, struct hr_err *err)
{
	_cleanup_yajl_gen_ yajl_gen g = hr_jgen_new(false);
	_cleanup_config_ struct hr_config *doc = NULL;
	struct hr_diags diags = {0};
	const char *text;
	size_t len;

	/* the profile `hardrun spec --profile production` writes, read back by the parser */
	yajl_gen_map_open(g);
	hr_jgen_kv_str(g, "ociVersion", "1.0.2");
	hr_jgen_key(g, "root");
	yajl_gen_map_open(g);
	hr_jgen_kv_str(g, "path", "rootfs");
	yajl_gen_map_close(g);
	hr_jgen_key(g, "linux");
	yajl_gen_map_open(g);
	hr_spec_gen_seccomp(g);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	text = hr_jgen_buf(g, &len);
	doc = hr_config_parse(text, len, "the default seccomp profile", &diags);
	if (doc == NULL || doc->linux_cfg.seccomp == NULL) {
		if (doc == NULL)
			hr_diags_to_err(&diags, err);
		else
			hr_err_set(err, 0, "the default seccomp profile is empty");
		hr_diags_free(&diags);
		return NULL;
	}
	return copy_seccomp(arena, doc->linux_cfg.seccomp);
}

static int harden_seccomp(const struct hr_policy *p, struct hr_config *c, bool exec,
			  unsigned *changes, struct hr_err *err)
{
	struct hr_seccomp *s;

	if (c->has_linux && c->linux_cfg.seccomp != NULL)
		return 0;
	if (!c->has_linux) {
		/* exec has planned the container's (absent) linux section already */
		if (exec)
			return 0;
		c->has_linux = true;
	}
	s = hr_policy_default_seccomp(&c->arena, err);
	if (s == NULL)
		return -1;
	c->linux_cfg.seccomp = s;
	*changes |= HR_CHANGE_SECCOMP;
	log_change(p, exec, "added the default seccomp profile (%zu rules, default action %s)",
		   s->n_syscalls, hr_seccomp_action_name(s->default_action));
	return 0;
}

/* Appends the expected paths missing from *v; their list goes to names. */
static bool add_missing(struct hr_arena *a, char ***v, size_t *n, const char *const *expected,
			char *names, size_t size)
{
	size_t n_expected = 0, n_new = *n, used = 0;
	char **out;

	while (expected[n_expected] != NULL)
		n_expected++;
	out = hr_arena_array(a, *n + n_expected + 1, sizeof(char *));
	for (size_t i = 0; i < *n; i++)
		out[i] = (*v)[i];
	names[0] = '\0';
	for (size_t i = 0; i < n_expected; i++) {
		bool found = false;
		int len;

		for (size_t j = 0; j < *n && !found; j++)
			found = strcmp((*v)[j], expected[i]) == 0;
		if (found)
			continue;
		out[n_new++] = hr_arena_strdup(a, expected[i]);
		len = used < size ? snprintf(names + used, size - used, "%s%s", used ? ", " : "",
					     expected[i])
				  : 0;
		if (len > 0)
			used += (size_t)len;
	}
	if (n_new == *n)
		return false;
	*v = out;
	*n = n_new;
	return true;
}

static void harden_paths(const struct hr_policy *p, struct hr_config *c, unsigned *changes)
{
	struct hr_linux *l = &c->linux_cfg;
	char names[512];

	if (add_missing(&c->arena, &l->masked_paths, &l->n_masked_paths, hr_audit_masked_paths,
			names, sizeof(names))) {
		*changes |= HR_CHANGE_MASKED_PATHS;
		log_change(p, false, "masked %s", names);
	}
	if (add_missing(&c->arena, &l->readonly_paths, &l->n_readonly_paths,
			hr_audit_readonly_paths, names, sizeof(names))) {
		*changes |= HR_CHANGE_READONLY_PATHS;
		log_change(p, false, "made %s read-only", names);
	}
}

static void harden_memory(const struct hr_policy *p, struct hr_resources *r, unsigned *changes)
{
	struct hr_memory *m = &r->memory;
	int64_t limit = p->default_memory.value;

	if (!p->default_memory.set || (r->has_memory && m->limit.set && m->limit.value > 0))
		return;
	r->has_memory = true;
	m->limit = (hr_opt_i64){true, limit};
	/* no swap, unless the config asked for unlimited swap explicitly */
	if (!m->swap.set || (m->swap.value >= 0 && m->swap.value < limit))
		m->swap = (hr_opt_i64){true, limit};
	*changes |= HR_CHANGE_MEMORY;
	log_change(p, false, "set the memory limit to %" PRId64 " bytes", limit);
}

static void harden_resources(const struct hr_policy *p, struct hr_config *c, unsigned *changes)
{
	struct hr_resources *r = &c->linux_cfg.resources;
	bool had = c->linux_cfg.has_resources;

	harden_memory(p, r, changes);
	if (p->default_cpu_quota.set &&
	    !(r->has_cpu && r->cpu.quota.set && r->cpu.quota.value > 0)) {
		r->has_cpu = true;
		r->cpu.quota = p->default_cpu_quota;
		r->cpu.period = (hr_opt_u64){true, (uint64_t)p->default_cpu_period};
		*changes |= HR_CHANGE_CPU;
		log_change(p, false, "set the CPU quota to %" PRId64 " per %" PRId64 " us",
			   p->default_cpu_quota.value, p->default_cpu_period);
	}
	if (p->default_pids.set && !(r->has_pids && r->pids_limit.set && r->pids_limit.value > 0)) {
		r->has_pids = true;
		r->pids_limit = p->default_pids;
		*changes |= HR_CHANGE_PIDS;
		log_change(p, false, "set the pids limit to %" PRId64, p->default_pids.value);
	}
	c->linux_cfg.has_resources =
	    had || (*changes & (HR_CHANGE_MEMORY | HR_CHANGE_CPU | HR_CHANGE_PIDS));
}

/* Adds or replaces an annotation (a config cannot pre-set what harden reports). */
static void set_annotation(struct hr_config *c, const char *key, const char *value)
{
	struct hr_kv *kv;

	c->annotations_changed = true;
	for (size_t i = 0; i < c->n_annotations; i++) {
		if (strcmp(c->annotations[i].key, key) == 0) {
			c->annotations[i].value = hr_arena_strdup(&c->arena, value);
			return;
		}
	}
	kv = hr_arena_array(&c->arena, c->n_annotations + 1, sizeof(*kv));
	if (c->n_annotations > 0)
		memcpy(kv, c->annotations, c->n_annotations * sizeof(*kv));
	kv[c->n_annotations].key = hr_arena_strdup(&c->arena, key);
	kv[c->n_annotations].value = hr_arena_strdup(&c->arena, value);
	c->annotations = kv;
	c->n_annotations++;
}

int hr_policy_harden(const struct hr_policy *policy, struct hr_config *config,
		     struct hr_process *exec_process, unsigned *changes, struct hr_err *err)
{
	bool exec = exec_process != NULL;
	struct hr_process *proc = exec ? exec_process : &config->process;
	char names[256];

	*changes = 0;
	if (exec || config->has_process) {
		if (!proc->no_new_privileges) {
			proc->no_new_privileges = true;
			*changes |= HR_CHANGE_NO_NEW_PRIVS;
			log_change(policy, exec, "set noNewPrivileges");
		}
		harden_caps(policy, proc, exec, changes);
	}
	if (harden_seccomp(policy, config, exec, changes, err) < 0)
		return -1;
	if (exec)
		return 0;
	config->has_linux = true;
	harden_paths(policy, config, changes);
	harden_resources(policy, config, changes);
	hr_policy_change_names(*changes, names, sizeof(names));
	set_annotation(config, HR_POLICY_ANNOTATION, names);
	return 0;
}

/* --- The decision -------------------------------------------------------------------------- */

void hr_policy_audit(const struct hr_policy *policy, const struct hr_config *config,
		     const struct hr_process *exec_process, struct hr_audit_report *report)
{
	struct hr_audit_params params = policy->params;
	struct hr_config view;
	const struct hr_config *subject = config;

	if (exec_process != NULL) {
		/* the exec'd process in its container: a shallow view, never freed */
		view = *config;
		view.process = *exec_process;
		view.has_process = true;
		subject = &view;
		params.exec = true;
	}
	params.host_apparmor = hr_lsm_apparmor_enabled();
	hr_audit_run(subject, &params, report);
	for (size_t i = 0; i < report->n && i < policy->n_rules; i++) {
		if (!policy->rules[i].ignore)
			continue;
		report->findings[i].result = HR_AUDIT_SKIP;
		snprintf(report->findings[i].detail, sizeof(report->findings[i].detail),
			 "ignored by the policy");
	}
	hr_audit_recount(report);
}

static bool refuses(const struct hr_policy *p, size_t i, const struct hr_audit_finding *f)
{
	const struct hr_policy_rule *r = &p->rules[i];

	if (p->mode != HR_POLICY_ENFORCE && p->mode != HR_POLICY_HARDEN)
		return false;
	return r->required &&
	       (f->result == HR_AUDIT_FAIL || (f->result == HR_AUDIT_WARN && r->fail_on_warn));
}

/* One error line naming every required rule that failed; 0 when there is none. */
static int check_required(const struct hr_policy *p, const struct hr_audit_report *report,
			  bool exec, struct hr_err *err)
{
	char list[HR_ERR_MSG_MAX / 2] = "";
	size_t used = 0, count = 0;

	for (size_t i = 0; i < report->n; i++) {
		const struct hr_audit_finding *f = &report->findings[i];
		int n;

		if (!refuses(p, i, f))
			continue;
		count++;
		if (used >= sizeof(list))
			continue;
		n = snprintf(list + used, sizeof(list) - used, "%s%s%s", used ? ", " : "",
			     f->rule->id, f->result == HR_AUDIT_WARN ? " (warning)" : "");
		if (n > 0)
			used += (size_t)n;
	}
	if (count == 0)
		return 0;
	return hr_err_set(err, 0,
			  "policy %s (%s) refuses the %s: %zu required rule%s failed: %s "
			  "(hardrun audit explains each)",
			  p->path, hr_policy_mode_name(p->mode),
			  exec ? "process to exec" : "container", count, count > 1 ? "s" : "",
			  list);
}

static void log_findings(const struct hr_policy *p, const struct hr_audit_report *report, bool exec)
{
	/* Nobody asked for these: without --log, stderr is the container's (run, exec). */
	if (p->implicit && hr_log_keeps_quiet())
		return;
	for (size_t i = 0; i < report->n; i++) {
		const struct hr_audit_finding *f = &report->findings[i];

		if (f->result != HR_AUDIT_FAIL && f->result != HR_AUDIT_WARN)
			continue;
		hr_warning("policy %s (%s%s): %s %s: %s: %s: %s", p->path,
			   hr_policy_mode_name(p->mode), exec ? ", exec" : "", f->rule->id,
			   hr_audit_result_name(f->result), f->rule->title, f->path, f->detail);
	}
}

int hr_policy_apply_loaded(const struct hr_policy *policy, struct hr_config *config,
			   struct hr_process *exec_process, struct hr_err *err)
{
	struct hr_audit_report report = {0};
	unsigned changes = 0;
	int r;

	if (policy->mode == HR_POLICY_OFF)
		return 0;
	if (policy->mode == HR_POLICY_HARDEN &&
	    hr_policy_harden(policy, config, exec_process, &changes, err) < 0)
		return hr_err_prefix(err, "policy %s (harden)", policy->path);
	hr_policy_audit(policy, config, exec_process, &report);
	r = check_required(policy, &report, exec_process != NULL, err);
	if (r == 0)
		log_findings(policy, &report, exec_process != NULL);
	hr_audit_report_free(&report);
	return r;
}

static int apply(const struct hr_context *ctx, struct hr_config *config,
		 struct hr_process *exec_process, struct hr_err *err)
{
	bool explicit;
	const char *path = hr_policy_path(ctx, &explicit);
	_cleanup_policy_ struct hr_policy *policy = hr_policy_load(path, explicit, err);

	if (policy == NULL)
		/* fail closed: nothing starts until the file is fixed */
		return hr_err_prefix(err, "invalid policy, refusing the %s",
				     exec_process ? "exec" : "container");
	return hr_policy_apply_loaded(policy, config, exec_process, err);
}

int hr_policy_apply(const struct hr_context *ctx, struct hr_config *config, struct hr_err *err)
{
	return apply(ctx, config, NULL, err);
}

int hr_policy_apply_exec(const struct hr_context *ctx, struct hr_config *config,
			 struct hr_process *process, struct hr_err *err)
{
	return apply(ctx, config, process, err);
}
