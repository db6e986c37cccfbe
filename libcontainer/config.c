/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config.json: the entry points and the top level sections (root, mounts, process, hooks,
 * annotations). The linux section is in config_linux.c, linux.resources in
 * config_resources.c, linux.seccomp in config_seccomp.c; the typed readers they all use are in
 * config_reader.c, below every section.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "capabilities.h"
#include "cleanup.h"
#include "config_linux.h"
#include "config_keys.h"
#include "config_reader.h"
#include "config_resources.h"
#include "json.h"
#include "mountopts.h"
#include "paths.h"
#include "scheduler.h"

/* ---- process ---- */

static const struct {
	const char *name;
	int resource;
} rlimit_table[] = {
    {"RLIMIT_CPU", RLIMIT_CPU},		  {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_DATA", RLIMIT_DATA},	  {"RLIMIT_STACK", RLIMIT_STACK},
    {"RLIMIT_CORE", RLIMIT_CORE},	  {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_NPROC", RLIMIT_NPROC},	  {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},	  {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},	  {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},	  {"RLIMIT_RTTIME", RLIMIT_RTTIME},
};

static int rlimit_from_name(const char *name)
{
	for (size_t i = 0; i < HR_N_ELEMS(rlimit_table); i++)
		if (strcmp(rlimit_table[i].name, name) == 0)
			return rlimit_table[i].resource;
	return -1;
}

static void read_rlimit(struct hr_jctx *ctx, yajl_val item, void *elem)
{
	struct hr_rlimit *rl = elem;
	size_t saved;
	yajl_val v;
	bool ok = true;

	rl->resource = -1;
	if (hr_cfg_string(ctx, item, "type", true, &rl->type) && rl->type != NULL) {
		rl->resource = rlimit_from_name(rl->type);
		if (rl->resource < 0) {
			saved = hr_jpath_key(ctx, "type");
			hr_jerror(ctx, "unknown rlimit \"%.40s\"", rl->type);
			hr_jpath_pop(ctx, saved);
		}
	}
	if ((v = hr_cfg_enter(ctx, item, "soft", true, &saved)) != NULL) {
		ok = hr_jread_u64(ctx, v, &rl->soft);
		hr_jpath_pop(ctx, saved);
	} else {
		ok = false;
	}
	if ((v = hr_cfg_enter(ctx, item, "hard", true, &saved)) != NULL) {
		ok = hr_jread_u64(ctx, v, &rl->hard) && ok;
		hr_jpath_pop(ctx, saved);
	} else {
		ok = false;
	}
	if (ok && rl->soft > rl->hard)
		hr_jerror(ctx, "soft limit %" PRIu64 " is greater than hard limit %" PRIu64,
			  rl->soft, rl->hard);
}

static void check_rlimit_duplicates(struct hr_jctx *ctx, const struct hr_process *p)
{
	size_t saved = hr_jpath_key(ctx, "rlimits");

	for (size_t i = 0; i < p->n_rlimits; i++) {
		if (p->rlimits[i].resource < 0)
			continue;
		for (size_t j = 0; j < i; j++) {
			if (p->rlimits[j].resource != p->rlimits[i].resource)
				continue;
			size_t at = hr_jpath_index(ctx, i);
			hr_jpath_key(ctx, "type");
			hr_jerror(ctx, "duplicate rlimit \"%s\" (also in rlimits[%zu])",
				  p->rlimits[i].type, j);
			hr_jpath_pop(ctx, at);
			break;
		}
	}
	hr_jpath_pop(ctx, saved);
}

static void read_cap_set(struct hr_jctx *ctx, yajl_val caps, const char *key, uint64_t *mask)
{
	size_t saved;
	yajl_val v = hr_cfg_enter(ctx, caps, key, false, &saved);

	if (v == NULL)
		return;
	if (hr_jexpect_array(ctx, v)) {
		for (size_t i = 0; i < v->u.array.len; i++) {
			yajl_val e = v->u.array.values[i];
			size_t at = hr_jpath_index(ctx, i);
			int cap;

			if (!YAJL_IS_STRING(e))
				hr_cfg_type_error(ctx, e, "a capability name");
			else if ((cap = hr_cap_from_name(e->u.string)) < 0)
				hr_jerror(ctx, "unknown capability \"%.40s\"", e->u.string);
			else
				*mask |= UINT64_C(1) << cap;
			hr_jpath_pop(ctx, at);
		}
	}
	hr_jpath_pop(ctx, saved);
}

static void read_capabilities(struct hr_jctx *ctx, yajl_val v, struct hr_capabilities *caps)
{
	if (!hr_jexpect_object(ctx, v))
		return;
	read_cap_set(ctx, v, "bounding", &caps->bounding);
	read_cap_set(ctx, v, "effective", &caps->effective);
	read_cap_set(ctx, v, "permitted", &caps->permitted);
	read_cap_set(ctx, v, "inheritable", &caps->inheritable);
	read_cap_set(ctx, v, "ambient", &caps->ambient);
}

static void read_user(struct hr_jctx *ctx, yajl_val v, struct hr_user *u)
{
	size_t saved;
	yajl_val m;

	if (!hr_jexpect_object(ctx, v))
		return;
	hr_cfg_u32(ctx, v, "uid", false, &u->uid, NULL);
	hr_cfg_u32(ctx, v, "gid", false, &u->gid, NULL);
	if ((m = hr_cfg_enter(ctx, v, "umask", false, &saved)) != NULL) {
		uint64_t umask = 0;

		if (hr_cfg_read_u64_range(ctx, m, 0, 0777, &umask)) {
			u->has_umask = true;
			u->umask = (uint32_t)umask;
		}
		hr_jpath_pop(ctx, saved);
	}
	if ((m = hr_cfg_enter(ctx, v, "additionalGids", false, &saved)) != NULL) {
		if (hr_jexpect_array(ctx, m)) {
			u->n_additional_gids = m->u.array.len;
			u->additional_gids = hr_arena_array(ctx->arena, m->u.array.len + 1,
							    sizeof(*u->additional_gids));
			for (size_t i = 0; i < m->u.array.len; i++) {
				size_t at = hr_jpath_index(ctx, i);

				hr_jread_u32(ctx, m->u.array.values[i], &u->additional_gids[i]);
				hr_jpath_pop(ctx, at);
			}
		}
		hr_jpath_pop(ctx, saved);
	}
	hr_cfg_string(ctx, v, "username", false, &u->username);
}

static void read_console_size(struct hr_jctx *ctx, yajl_val v, struct hr_process *p)
{
	if (!hr_jexpect_object(ctx, v))
		return;
	bool ok = hr_cfg_u32(ctx, v, "height", true, &p->console_height, NULL);

	ok = hr_cfg_u32(ctx, v, "width", true, &p->console_width, NULL) && ok;
	p->has_console_size = ok;
}

static const struct {
	const char *name;
	int value;
} ioprio_class_table[] = {
    {"IOPRIO_CLASS_RT", HR_IOPRIO_CLASS_RT},
    {"IOPRIO_CLASS_BE", HR_IOPRIO_CLASS_BE},
    {"IOPRIO_CLASS_IDLE", HR_IOPRIO_CLASS_IDLE},
};

const char *hr_ioprio_class_name(int value)
{
	for (size_t i = 0; i < HR_N_ELEMS(ioprio_class_table); i++)
		if (ioprio_class_table[i].value == value)
			return ioprio_class_table[i].name;
	return NULL;
}

/* process.ioPriority: {"class": "IOPRIO_CLASS_RT|BE|IDLE", "priority": 0..7} */
static void read_io_priority(struct hr_jctx *ctx, yajl_val v, struct hr_process *p)
{
	size_t saved;
	yajl_val m;
	char *name = NULL;
	int64_t prio = 0;
	bool ok;

	if (!hr_jexpect_object(ctx, v))
		return;
	ok = hr_cfg_string(ctx, v, "class", true, &name) && name != NULL;
	if (ok) {
		p->io_priority_class = -1;
		for (size_t i = 0; i < HR_N_ELEMS(ioprio_class_table); i++)
			if (strcmp(ioprio_class_table[i].name, name) == 0)
				p->io_priority_class = ioprio_class_table[i].value;
		if (p->io_priority_class < 0) {
			saved = hr_jpath_key(ctx, "class");
			hr_jerror(ctx,
				  "unknown class \"%.40s\" (IOPRIO_CLASS_RT, IOPRIO_CLASS_BE or "
				  "IOPRIO_CLASS_IDLE)",
				  name);
			hr_jpath_pop(ctx, saved);
			ok = false;
		}
	}
	if ((m = hr_cfg_enter(ctx, v, "priority", false, &saved)) != NULL) {
		ok = hr_jread_int_range(ctx, m, 0, HR_IOPRIO_MAX, &prio) && ok;
		hr_jpath_pop(ctx, saved);
	}
	if (ok) {
		p->has_io_priority = true;
		p->io_priority = (int)prio;
	}
}

/* process.scheduler.flags: an array of SCHED_FLAG_* names. */
static bool read_sched_flags(struct hr_jctx *ctx, yajl_val v, uint64_t *flags)
{
	char **names = NULL;
	size_t n = 0, saved;
	bool ok;

	if (!hr_jread_strv(ctx, v, &names, &n))
		return false;
	ok = true;
	for (size_t i = 0; i < n; i++) {
		uint64_t bit = hr_sched_flag_from_name(names[i]);

		if (bit == 0) {
			saved = hr_jpath_index(ctx, i);
			hr_jerror(ctx, "unknown flag \"%.40s\"", names[i]);
			hr_jpath_pop(ctx, saved);
			ok = false;
		}
		*flags |= bit;
	}
	return ok;
}

/* A uint64 member of process.scheduler (runtime, deadline, period, in ns). */
static bool read_sched_u64(struct hr_jctx *ctx, yajl_val v, const char *key, uint64_t *out)
{
	hr_opt_u64 value = {0};

	if (!hr_cfg_u64(ctx, v, key, &value))
		return false;
	*out = value.set ? value.value : 0;
	return true;
}

/* The policy: a SCHED_* name. */
static bool read_sched_policy(struct hr_jctx *ctx, yajl_val v, int *policy)
{
	char *name = NULL;
	size_t saved;

	if (!hr_cfg_string(ctx, v, "policy", true, &name) || name == NULL)
		return false;
	*policy = hr_sched_policy_from_name(name);
	if (*policy >= 0)
		return true;
	saved = hr_jpath_key(ctx, "policy");
	hr_jerror(ctx,
		  "unknown policy \"%.40s\" (SCHED_OTHER, SCHED_FIFO, SCHED_RR, SCHED_BATCH, "
		  "SCHED_ISO, SCHED_IDLE or SCHED_DEADLINE)",
		  name);
	hr_jpath_pop(ctx, saved);
	return false;
}

/*
 * process.scheduler: {"policy": "SCHED_*", "nice", "priority", "flags": ["SCHED_FLAG_*"],
 * "runtime", "deadline", "period"}, checked with the kernel's rules (scheduler.h).
 */
static void read_scheduler(struct hr_jctx *ctx, yajl_val v, struct hr_process *p)
{
	struct hr_scheduler s = {0};
	const char *field;
	char msg[256];
	size_t saved;
	int64_t i;
	yajl_val m;
	bool ok;

	if (!hr_jexpect_object(ctx, v))
		return;
	ok = read_sched_policy(ctx, v, &s.policy);
	if ((m = hr_cfg_enter(ctx, v, "nice", false, &saved)) != NULL) {
		if (hr_jread_int_range(ctx, m, -20, 19, &i))
			s.nice = (int)i;
		else
			ok = false;
		hr_jpath_pop(ctx, saved);
	}
	if ((m = hr_cfg_enter(ctx, v, "priority", false, &saved)) != NULL) {
		if (hr_jread_int_range(ctx, m, INT32_MIN, INT32_MAX, &i))
			s.priority = (int)i;
		else
			ok = false;
		hr_jpath_pop(ctx, saved);
	}
	if ((m = hr_cfg_enter(ctx, v, "flags", false, &saved)) != NULL) {
		ok = read_sched_flags(ctx, m, &s.flags) && ok;
		hr_jpath_pop(ctx, saved);
	}
	ok = read_sched_u64(ctx, v, "runtime", &s.runtime) && ok;
	ok = read_sched_u64(ctx, v, "deadline", &s.deadline) && ok;
	ok = read_sched_u64(ctx, v, "period", &s.period) && ok;
	if (!ok)
		return;
	if ((field = hr_sched_check(&s, msg, sizeof(msg))) != NULL) {
		saved = hr_jpath_key(ctx, field);
		hr_jerror(ctx, "%s", msg);
		hr_jpath_pop(ctx, saved);
		return;
	}
	p->has_scheduler = true;
	p->scheduler = s;
}

/* One list of process.execCPUAffinity: an empty one is as good as none (runtime-spec). */
static void read_cpu_list(struct hr_jctx *ctx, yajl_val v, const char *key, bool *has,
			  cpu_set_t *set)
{
	char *list = NULL, msg[256];
	size_t saved;

	if (!hr_cfg_string(ctx, v, key, false, &list) || list == NULL || list[0] == '\0')
		return;
	if (hr_cpu_list_parse(list, set, msg, sizeof(msg)) == 0) {
		*has = true;
		return;
	}
	saved = hr_jpath_key(ctx, key);
	hr_jerror(ctx, "\"%.64s\": %s", list, msg);
	hr_jpath_pop(ctx, saved);
}

/* process.execCPUAffinity: {"initial": "0-3,7", "final": "1"} */
static void read_exec_cpu_affinity(struct hr_jctx *ctx, yajl_val v, struct hr_process *p)
{
	if (!hr_jexpect_object(ctx, v))
		return;
	read_cpu_list(ctx, v, "initial", &p->cpu_affinity.has_initial, &p->cpu_affinity.initial);
	read_cpu_list(ctx, v, "final", &p->cpu_affinity.has_final, &p->cpu_affinity.final);
}

static void read_args(struct hr_jctx *ctx, yajl_val v, struct hr_process *p)
{
	size_t saved;
	yajl_val m = hr_cfg_enter(ctx, v, "args", true, &saved);

	if (m == NULL)
		return;
	if (hr_jread_strv(ctx, m, &p->args, &p->n_args)) {
		if (p->n_args == 0)
			hr_jerror(ctx, "must have at least one element");
		else if (p->args[0][0] == '\0')
			hr_jerror(ctx, "the program (args[0]) must not be empty");
	}
	hr_jpath_pop(ctx, saved);
}

static void read_process(struct hr_jctx *ctx, yajl_val v, struct hr_process *p)
{
	size_t saved;
	yajl_val m;

	hr_cfg_bool(ctx, v, "terminal", &p->terminal, NULL);
	if ((m = hr_cfg_enter(ctx, v, "consoleSize", false, &saved)) != NULL) {
		read_console_size(ctx, m, p);
		hr_jpath_pop(ctx, saved);
	}
	if ((m = hr_cfg_enter(ctx, v, "user", false, &saved)) != NULL) {
		read_user(ctx, m, &p->user);
		hr_jpath_pop(ctx, saved);
	}
	read_args(ctx, v, p);
	if ((m = hr_cfg_enter(ctx, v, "env", false, &saved)) != NULL) {
		hr_cfg_read_env(ctx, m, &p->env, &p->n_env);
		hr_jpath_pop(ctx, saved);
	}
	hr_cfg_path(ctx, v, "cwd", true, HR_CFG_PATH_ABS, &p->cwd);
	if ((m = hr_cfg_enter(ctx, v, "capabilities", false, &saved)) != NULL) {
		p->has_capabilities = true;
		read_capabilities(ctx, m, &p->caps);
		hr_jpath_pop(ctx, saved);
	}
	p->rlimits =
	    hr_cfg_array(ctx, v, "rlimits", sizeof(*p->rlimits), read_rlimit, &p->n_rlimits);
	check_rlimit_duplicates(ctx, p);
	hr_cfg_bool(ctx, v, "noNewPrivileges", &p->no_new_privileges, NULL);
	if ((m = hr_cfg_enter(ctx, v, "oomScoreAdj", false, &saved)) != NULL) {
		int64_t adj;

		if (hr_jread_int_range(ctx, m, -1000, 1000, &adj)) {
			p->has_oom_score_adj = true;
			p->oom_score_adj = (int)adj;
		}
		hr_jpath_pop(ctx, saved);
	}
	if ((m = hr_cfg_enter(ctx, v, "ioPriority", false, &saved)) != NULL) {
		read_io_priority(ctx, m, p);
		hr_jpath_pop(ctx, saved);
	}
	if ((m = hr_cfg_enter(ctx, v, "scheduler", false, &saved)) != NULL) {
		read_scheduler(ctx, m, p);
		hr_jpath_pop(ctx, saved);
	}
	if ((m = hr_cfg_enter(ctx, v, "execCPUAffinity", false, &saved)) != NULL) {
		read_exec_cpu_affinity(ctx, m, p);
		hr_jpath_pop(ctx, saved);
	}
	hr_cfg_string(ctx, v, "apparmorProfile", false, &p->apparmor_profile);
	hr_cfg_string(ctx, v, "selinuxLabel", false, &p->selinux_label);
}

/* ---- root, mounts, hooks, annotations ---- */

static void annotation_error(struct hr_jctx *ctx, const char *key, const char *msg)
{
	size_t saved = hr_jpath_key(ctx, "annotations");

	hr_jpath_key(ctx, key);
	hr_jerror(ctx, "%s", msg);
	hr_jpath_pop(ctx, saved);
}

/*
 * The annotations hardrun acts on. crun's run.oci.keep_original_groups: present means on,
 * whatever its value, as in crun; a value that reads as "off" would then silently mean on, so
 * it is refused instead. hardrun's org.hardrun.rootfs.idmap: "true" or "false", nothing else.
 */
static void read_annotation_flags(struct hr_jctx *ctx, struct hr_config *c)
{
	for (size_t i = 0; i < c->n_annotations; i++) {
		const char *key = c->annotations[i].key, *value = c->annotations[i].value;
		bool off =
		    value != NULL && (strcmp(value, "0") == 0 || strcmp(value, "false") == 0);

		if (key == NULL)
			continue;
		if (strcmp(key, HR_ANNOTATION_KEEP_GROUPS) == 0) {
			if (off)
				annotation_error(
				    ctx, key,
				    "its presence keeps the caller's groups, whatever the "
				    "value (as in crun): remove it to have process.user's "
				    "groups");
			else
				c->keep_original_groups = true;
		} else if (strcmp(key, HR_ANNOTATION_ROOTFS_IDMAP) == 0) {
			if (value != NULL && strcmp(value, "true") == 0)
				c->root_idmap = true;
			else if (value == NULL || strcmp(value, "false") != 0)
				annotation_error(ctx, key, "must be \"true\" or \"false\"");
		}
	}
}

static void read_root(struct hr_jctx *ctx, yajl_val doc, struct hr_config *c)
{
	size_t saved;
	yajl_val v = hr_cfg_enter(ctx, doc, "root", true, &saved);

	if (v == NULL)
		return;
	if (hr_jexpect_object(ctx, v)) {
		hr_cfg_path(ctx, v, "path", true, HR_CFG_PATH_NONEMPTY, &c->root_path);
		hr_cfg_bool(ctx, v, "readonly", &c->root_readonly, NULL);
	}
	hr_jpath_pop(ctx, saved);
}

/*
 * The options read as create will read them, so that validate refuses what create refuses
 * (the rootfs plan parses them again, with the mount's type and the user namespace at hand).
 */
static void check_mount_options(struct hr_jctx *ctx, const struct hr_mount *m)
{
	struct hr_arena arena = {0};
	struct hr_mountopts opts;
	struct hr_err err = {0};
	size_t saved;

	if (hr_mountopts_parse(m->options, m->n_options, &arena, &opts, &err) < 0) {
		saved = hr_jpath_key(ctx, "options");
		hr_jerror(ctx, "%s", err.msg);
		hr_jpath_pop(ctx, saved);
	}
	hr_arena_free(&arena);
}

static void read_mount(struct hr_jctx *ctx, yajl_val item, void *elem)
{
	struct hr_mount *m = elem;

	hr_cfg_path(ctx, item, "destination", true, HR_CFG_PATH_CONTAINER, &m->destination);
	hr_cfg_string(ctx, item, "source", false, &m->source);
	hr_cfg_string(ctx, item, "type", false, &m->type);
	hr_cfg_strv(ctx, item, "options", &m->options, &m->n_options);
	check_mount_options(ctx, m);
	m->uid_mappings = hr_cfg_array(ctx, item, "uidMappings", sizeof(*m->uid_mappings),
				       hr_cfg_read_id_mapping, &m->n_uid_mappings);
	m->gid_mappings = hr_cfg_array(ctx, item, "gidMappings", sizeof(*m->gid_mappings),
				       hr_cfg_read_id_mapping, &m->n_gid_mappings);
	if ((m->n_uid_mappings == 0) != (m->n_gid_mappings == 0))
		hr_jerror(ctx, "an idmapped mount needs both uidMappings and gidMappings");
}

/* ---- mounts that share a destination ---- */

static int compare_destinations(const void *a, const void *b, void *arg)
{
	const struct hr_mount *mounts = arg;
	size_t ia = *(const size_t *)a, ib = *(const size_t *)b;
	int r = hr_path_compare(mounts[ia].destination, mounts[ib].destination);

	if (r != 0)
		return r;
	return ia < ib ? -1 : ia > ib;
}

/*
 * Two mounts at one destination: the runtime-spec allows it and they are made in order, so the
 * later covers the earlier, which is seldom what was meant (a volume put where a profile mount
 * already is). Each covering mount is marked (audit's HR-FS-02 names both) and warned about by
 * its JSON path. Sorted, not compared pairwise: a thousand mounts stay cheap.
 */
static void mark_shared_destinations(struct hr_jctx *ctx, struct hr_config *c)
{
	size_t *order, n = 0;

	if (c->n_mounts < 2)
		return;
	order = hr_xcalloc(c->n_mounts, sizeof(*order));
	for (size_t i = 0; i < c->n_mounts; i++)
		if (c->mounts[i].destination != NULL)
			order[n++] = i;
	qsort_r(order, n, sizeof(*order), compare_destinations, c->mounts);
	for (size_t k = 1; k < n; k++) {
		struct hr_mount *m = &c->mounts[order[k]];
		size_t saved;

		if (hr_path_compare(m->destination, c->mounts[order[k - 1]].destination) != 0)
			continue;
		m->covers_earlier = true;
		m->covered = order[k - 1];
		saved = hr_jpath_key(ctx, "mounts");
		hr_jpath_index(ctx, order[k]);
		hr_jpath_key(ctx, "destination");
		/* named as the earlier mount spells it: the same place */
		hr_jwarn(ctx, "%.256s is also the destination of mounts[%zu]: this mount covers it",
			 c->mounts[m->covered].destination, m->covered);
		hr_jpath_pop(ctx, saved);
	}
	free(order);
}

static const char *const hook_names[HR_HOOK__COUNT] = {
    [HR_HOOK_PRESTART] = "prestart",
    [HR_HOOK_CREATE_RUNTIME] = "createRuntime",
    [HR_HOOK_CREATE_CONTAINER] = "createContainer",
    [HR_HOOK_START_CONTAINER] = "startContainer",
    [HR_HOOK_POSTSTART] = "poststart",
    [HR_HOOK_POSTSTOP] = "poststop",
};

const char *hr_hook_kind_name(enum hr_hook_kind kind)
{
	return (unsigned)kind < HR_HOOK__COUNT ? hook_names[kind] : NULL;
}

static void read_hook(struct hr_jctx *ctx, yajl_val item, void *elem)
{
	struct hr_hook *h = elem;
	size_t saved;
	yajl_val v;

	hr_cfg_path(ctx, item, "path", true, HR_CFG_PATH_ABS, &h->path);
	hr_cfg_strv(ctx, item, "args", &h->args, &h->n_args);
	if ((v = hr_cfg_enter(ctx, item, "env", false, &saved)) != NULL) {
		hr_cfg_read_env(ctx, v, &h->env, &h->n_env);
		hr_jpath_pop(ctx, saved);
	}
	if ((v = hr_cfg_enter(ctx, item, "timeout", false, &saved)) != NULL) {
		int64_t timeout;

		if (hr_jread_int_range(ctx, v, 1, INT_MAX, &timeout)) {
			h->has_timeout = true;
			h->timeout = (int)timeout;
		}
		hr_jpath_pop(ctx, saved);
	}
}

static void read_hooks(struct hr_jctx *ctx, yajl_val doc, struct hr_config *c)
{
	size_t saved;
	yajl_val v = hr_cfg_enter(ctx, doc, "hooks", false, &saved);

	if (v == NULL)
		return;
	if (hr_jexpect_object(ctx, v)) {
		for (int k = 0; k < HR_HOOK__COUNT; k++)
			c->hooks[k].items =
			    hr_cfg_array(ctx, v, hook_names[k], sizeof(struct hr_hook), read_hook,
					 &c->hooks[k].len);
	}
	hr_jpath_pop(ctx, saved);
}

static void read_config(struct hr_jctx *ctx, yajl_val doc, void *out)
{
	struct hr_config *c = out;
	size_t saved;
	yajl_val v;

	if (hr_cfg_string(ctx, doc, "ociVersion", true, &c->oci_version) && c->oci_version &&
	    c->oci_version[0] == '\0') {
		saved = hr_jpath_key(ctx, "ociVersion");
		hr_jerror(ctx, "must not be empty");
		hr_jpath_pop(ctx, saved);
	}
	read_root(ctx, doc, c);
	c->mounts = hr_cfg_array(ctx, doc, "mounts", sizeof(*c->mounts), read_mount, &c->n_mounts);
	mark_shared_destinations(ctx, c);
	if ((v = hr_cfg_enter(ctx, doc, "process", false, &saved)) != NULL) {
		if (hr_jexpect_object(ctx, v)) {
			c->has_process = true;
			read_process(ctx, v, &c->process);
		}
		hr_jpath_pop(ctx, saved);
	}
	hr_cfg_string(ctx, doc, "hostname", false, &c->hostname);
	hr_cfg_string(ctx, doc, "domainname", false, &c->domainname);
	if ((v = hr_cfg_enter(ctx, doc, "annotations", false, &saved)) != NULL) {
		hr_cfg_read_string_map(ctx, v, &c->annotations, &c->n_annotations);
		hr_jpath_pop(ctx, saved);
		read_annotation_flags(ctx, c);
	}
	read_hooks(ctx, doc, c);
	if ((v = hr_cfg_enter(ctx, doc, "linux", false, &saved)) != NULL) {
		if (hr_jexpect_object(ctx, v)) {
			c->has_linux = true;
			hr_cfg_read_linux(ctx, v, &c->linux_cfg);
		}
		hr_jpath_pop(ctx, saved);
	}
	/* also without a linux section: then every namespace is the caller's */
	hr_cfg_check_linux(ctx, c);
}

/* ---- documents ---- */

/*
 * yajl turns "\u0000" into a NUL inside a C string, which would silently cut a path or an
 * argument short: refuse it. Runs on text yajl has accepted, so strings are well formed.
 */
static bool check_escaped_nul(const char *text, size_t len, const char *name,
			      struct hr_diags *diags)
{
	bool in_string = false;

	for (size_t i = 0; i < len; i++) {
		if (!in_string) {
			in_string = text[i] == '"';
			continue;
		}
		if (text[i] == '"') {
			in_string = false;
		} else if (text[i] == '\\') {
			if (i + 5 < len && text[i + 1] == 'u' &&
			    strncmp(text + i + 2, "0000", 4) == 0) {
				size_t line = 1, line_start = 0;

				for (size_t j = 0; j < i; j++) {
					if (text[j] == '\n') {
						line++;
						line_start = j + 1;
					}
				}
				hr_diags_add(diags, "%s: line %zu, column %zu: \\u0000 in a string",
					     name, line, i - line_start + 1);
				return false;
			}
			i++;
		}
	}
	return true;
}

typedef void (*doc_reader)(struct hr_jctx *ctx, yajl_val doc, void *out);

/*
 * Every document type starts with its arena, which also holds the document itself, then its
 * warnings.
 */
#define WARNINGS_AT sizeof(struct hr_arena)
_Static_assert(offsetof(struct hr_config, arena) == 0, "arena first");
_Static_assert(offsetof(struct hr_process_doc, arena) == 0, "arena first");
_Static_assert(offsetof(struct hr_resources_doc, arena) == 0, "arena first");
_Static_assert(offsetof(struct hr_config, warnings) == WARNINGS_AT, "warnings second");
_Static_assert(offsetof(struct hr_process_doc, warnings) == WARNINGS_AT, "warnings second");
_Static_assert(offsetof(struct hr_resources_doc, warnings) == WARNINGS_AT, "warnings second");

static void keep_warnings(void *doc, const struct hr_diags *found)
{
	struct hr_doc_warnings *w = (struct hr_doc_warnings *)((char *)doc + WARNINGS_AT);
	struct hr_arena *arena = doc;

	w->n = found->len;
	w->msgs = hr_arena_array(arena, found->len, sizeof(*w->msgs));
	for (size_t i = 0; i < found->len; i++)
		w->msgs[i] = hr_arena_strdup(arena, found->msgs[i]);
}

static void free_doc(void *doc)
{
	struct hr_arena arena;

	if (doc == NULL)
		return;
	memcpy(&arena, doc, sizeof(arena));
	hr_arena_free(&arena);
}

static void *parse_doc(const char *data, size_t len, const char *name, struct hr_diags *diags,
		       enum hr_doc_kind kind, size_t size, doc_reader fn)
{
	__attribute__((cleanup(hr_diags_free))) struct hr_diags warnings = {0};
	size_t before = hr_cfg_diag_count(diags);
	_cleanup_yajl_tree_ yajl_val tree = NULL;
	_cleanup_free_ char *text = NULL;
	struct hr_arena arena = {0};
	struct hr_jctx ctx;
	void *doc;

	if (len > HR_CONFIG_MAX_SIZE) {
		hr_diags_add(diags, "%s: %zu bytes is larger than the limit of %d bytes", name, len,
			     HR_CONFIG_MAX_SIZE);
		return NULL;
	}
	/* a private NUL-terminated copy: callers need not terminate data */
	text = hr_xmalloc(len + 1);
	if (len > 0)
		memcpy(text, data, len);
	text[len] = '\0';
	tree = hr_json_parse_terminated(text, len, name, diags);
	if (tree == NULL || !check_escaped_nul(text, len, name, diags))
		return NULL;
	doc = hr_arena_alloc(&arena, size);
	memcpy(doc, &arena, sizeof(arena));
	hr_jctx_init(&ctx, name, doc, diags);
	ctx.warnings = &warnings;
	if (hr_jexpect_object(&ctx, tree)) {
		hr_cfg_check_keys(&ctx, tree, kind);
		fn(&ctx, tree, doc);
	}
	if (hr_cfg_diag_count(diags) != before) {
		free_doc(doc);
		return NULL;
	}
	keep_warnings(doc, &warnings);
	return doc;
}

struct hr_config *hr_config_parse(const char *data, size_t len, const char *name,
				  struct hr_diags *diags)
{
	return parse_doc(data, len, name, diags, HR_DOC_CONFIG, sizeof(struct hr_config),
			 read_config);
}

struct hr_config *hr_config_load_file(const char *path, struct hr_diags *diags)
{
	_cleanup_free_ char *data = NULL;
	struct hr_err err;
	size_t len;

	if (hr_read_file(path, HR_CONFIG_MAX_SIZE, &data, &len, &err) < 0) {
		hr_diags_add(diags, "%s", err.msg);
		return NULL;
	}
	return hr_config_parse(data, len, path, diags);
}

struct hr_config *hr_config_load(const char *path, struct hr_err *err)
{
	struct hr_diags diags = {0};
	struct hr_config *config = hr_config_load_file(path, &diags);

	if (config == NULL)
		hr_diags_to_err(&diags, err);
	hr_diags_free(&diags);
	return config;
}

void hr_config_free(struct hr_config *config)
{
	free_doc(config);
}

static void read_process_doc(struct hr_jctx *ctx, yajl_val doc, void *out)
{
	read_process(ctx, doc, &((struct hr_process_doc *)out)->process);
}

struct hr_process_doc *hr_process_parse(const char *data, size_t len, const char *name,
					struct hr_diags *diags)
{
	return parse_doc(data, len, name, diags, HR_DOC_PROCESS, sizeof(struct hr_process_doc),
			 read_process_doc);
}

void hr_process_doc_free(struct hr_process_doc *doc)
{
	free_doc(doc);
}

static void read_resources_doc(struct hr_jctx *ctx, yajl_val doc, void *out)
{
	hr_cfg_read_resources(ctx, doc, &((struct hr_resources_doc *)out)->resources);
}

struct hr_resources_doc *hr_resources_parse(const char *data, size_t len, const char *name,
					    struct hr_diags *diags)
{
	return parse_doc(data, len, name, diags, HR_DOC_RESOURCES, sizeof(struct hr_resources_doc),
			 read_resources_doc);
}

void hr_resources_doc_free(struct hr_resources_doc *doc)
{
	free_doc(doc);
}
