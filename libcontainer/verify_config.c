/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * verify's checks against the container's own config: what each process and the container
 * have, held against what the config asked for. A process may have less than the config
 * (a non-root user's permitted capabilities are gone after execve); never more.
 */
#include <errno.h>
#include <inttypes.h>
#include <linux/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cgroup.h"
#include "mountopts.h"
#include "spec.h"
#include "verify_config.h"

static const struct hr_process *process_of(const struct verify_job *job)
{
	static const struct hr_process none;

	return job->config->has_process ? &job->config->process : &none;
}

static void check_ids(struct verify_job *job, const struct hr_proc_view *v, bool gid)
{
	const struct hr_user *user = &process_of(job)->user;
	uint32_t want = gid ? user->gid : user->uid, id;
	char obs[HR_VERIFY_VALUE_MAX];
	bool same;
	struct hr_verify_check *c;

	hr_verify_ids(job, v, gid, obs, sizeof(obs), &same, &id);
	c = hr_verify_add(job, v->pid, NULL, gid ? "process.user.gid" : "process.user.uid",
			  same && id == want);
	hr_verify_set(c, obs, "%" PRIu32 " (real, effective, saved and filesystem)", want);
}

static bool gid_configured(const struct hr_user *user, uint32_t gid)
{
	if (gid == user->gid)
		return true;
	for (size_t i = 0; i < user->n_additional_gids; i++)
		if (user->additional_gids[i] == gid)
			return true;
	return false;
}

static void check_groups(struct verify_job *job, const struct hr_proc_view *v)
{
	static const char name[] = "process.user.additionalGids";
	const struct hr_user *user = &process_of(job)->user;
	char obs[HR_VERIFY_VALUE_MAX] = "", extra[HR_VERIFY_VALUE_MAX] = "";
	size_t o = 0, e = 0, unmapped = 0;
	struct hr_verify_check *c;

	if (job->config->keep_original_groups) {
		hr_verify_skip(job, v->pid, NULL, name,
			       "annotation " HR_ANNOTATION_KEEP_GROUPS
			       " keeps the caller's groups");
		return;
	}
	for (size_t i = 0; i < v->n_groups && i < HR_PROC_VIEW_GROUPS; i++) {
		uint32_t g;

		if (!hr_proc_map_id(&job->views[0], true, v->groups[i], true, &g)) {
			unmapped++; /* the caller's, kept where setgroups(2) is denied */
			continue;
		}
		if (o < sizeof(obs))
			o += (size_t)snprintf(obs + o, sizeof(obs) - o, "%s%" PRIu32, o ? " " : "",
					      g);
		if (!gid_configured(user, g) && e < sizeof(extra))
			e += (size_t)snprintf(extra + e, sizeof(extra) - e, " %" PRIu32, g);
	}
	if (unmapped > 0 && o < sizeof(obs))
		snprintf(obs + o, sizeof(obs) - o, "%s%zu unmapped", o ? " + " : "", unmapped);
	c = hr_verify_add(job, v->pid, NULL, name, e == 0 && v->n_groups <= HR_PROC_VIEW_GROUPS);
	if (e > 0)
		snprintf(obs + strlen(obs), sizeof(obs) - strlen(obs), " (not configured:%s)",
			 extra);
	o = (size_t)snprintf(extra, sizeof(extra), "%" PRIu32, user->gid);
	for (size_t i = 0; i < user->n_additional_gids && o < sizeof(extra); i++)
		o += (size_t)snprintf(extra + o, sizeof(extra) - o, " %" PRIu32,
				      user->additional_gids[i]);
	hr_verify_set(c, obs[0] ? obs : "none", "at most %s (the gid, additionalGids)", extra);
}

static void check_caps(struct verify_job *job, const struct hr_proc_view *v)
{
	const struct hr_process *p = process_of(job);
	const struct hr_capabilities none = {0}, *want = p->has_capabilities ? &p->caps : &none;
	const struct {
		const char *name;
		uint64_t have, allowed;
	} sets[] = {
	    {"process.capabilities.bounding", v->cap_bounding, want->bounding},
	    {"process.capabilities.effective", v->cap_effective, want->effective},
	    {"process.capabilities.permitted", v->cap_permitted, want->permitted},
	    {"process.capabilities.inheritable", v->cap_inheritable, want->inheritable},
	    {"process.capabilities.ambient", v->cap_ambient, want->ambient},
	};

	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		uint64_t extra = sets[i].have & ~sets[i].allowed;
		char obs[HR_VERIFY_VALUE_MAX], exp[HR_VERIFY_VALUE_MAX];
		struct hr_verify_check *c = hr_verify_add(job, v->pid, NULL, sets[i].name, !extra);

		if (extra != 0) {
			char all[HR_VERIFY_VALUE_MAX];

			snprintf(obs, sizeof(obs), "%s beyond the config (all: %s)",
				 hr_verify_caps(extra, all, sizeof(all)),
				 hr_verify_caps(sets[i].have, exp, sizeof(exp)));
		} else {
			hr_verify_caps(sets[i].have, obs, sizeof(obs));
		}
		hr_verify_set(c, obs, "at most %s",
			      hr_verify_caps(sets[i].allowed, exp, sizeof(exp)));
	}
}

static void check_nnp_seccomp(struct verify_job *job, const struct hr_proc_view *v)
{
	bool want_nnp = process_of(job)->no_new_privileges;
	bool want_filter = job->config->has_linux && job->config->linux_cfg.seccomp != NULL;
	char obs[64];
	struct hr_verify_check *c;

	c = hr_verify_add(job, v->pid, NULL, "process.noNewPrivileges",
			  !want_nnp || v->no_new_privs == 1);
	snprintf(obs, sizeof(obs), "NoNewPrivs %d", v->no_new_privs);
	hr_verify_set(c, obs, want_nnp ? "1" : "0 or 1 (the config does not ask for it)");
	c = hr_verify_add(job, v->pid, NULL, "linux.seccomp",
			  !want_filter || (v->seccomp_mode == 2 && v->seccomp_filters != 0));
	if (v->seccomp_filters >= 0)
		snprintf(obs, sizeof(obs), "Seccomp %d, %d filters", v->seccomp_mode,
			 v->seccomp_filters);
	else
		snprintf(obs, sizeof(obs), "Seccomp %d", v->seccomp_mode);
	hr_verify_set(c, obs,
		      want_filter ? "Seccomp 2 (filter), at least 1 filter"
				  : "any (the config has no linux.seccomp)");
}

/* Every process in the container's cgroup; the others also in the init's namespaces. */
static void check_membership(struct verify_job *job, const struct hr_proc_view *v)
{
	const struct hr_proc_view *init = &job->views[0];
	char obs[HR_VERIFY_VALUE_MAX] = "";
	size_t o = 0, rel_len = strlen(job->cgroup_rel);
	struct hr_verify_check *c;

	for (int t = 0; t < HR_NS__COUNT; t++)
		if (v->ns[t] != init->ns[t] && o < sizeof(obs))
			o += (size_t)snprintf(obs + o, sizeof(obs) - o, "%s%s:[%ju]", o ? " " : "",
					      hr_ns_type_name(t), (uintmax_t)v->ns[t]);
	if (v != init) {
		c = hr_verify_add(job, v->pid, NULL, "linux.namespaces", o == 0);
		hr_verify_set(c, o ? obs : "the init's", "the init's (pid %d)", (int)init->pid);
	}
	if (job->cgroup_fd < 0)
		return;
	c = hr_verify_add(job, v->pid, NULL, "linux.cgroupsPath",
			  strncmp(v->cgroup, job->cgroup_rel, rel_len) == 0 &&
			      (v->cgroup[rel_len] == '\0' || v->cgroup[rel_len] == '/'));
	hr_verify_set(c, v->cgroup, "%s or below", job->cgroup_rel);
}

static void check_namespaces(struct verify_job *job)
{
	const struct hr_proc_view *init = &job->views[0];
	const struct hr_linux *l = &job->config->linux_cfg;

	for (size_t i = 0; job->config->has_linux && i < l->n_namespaces; i++) {
		const struct hr_namespace *ns = &l->namespaces[i];
		char name[64], obs[64];
		struct hr_verify_check *c;
		struct stat st;

		snprintf(name, sizeof(name), "linux.namespaces[%s]", hr_ns_type_name(ns->type));
		snprintf(obs, sizeof(obs), "%ju", (uintmax_t)init->ns[ns->type]);
		if (ns->path == NULL) {
			c = hr_verify_add(job, init->pid, NULL, name,
					  init->ns[ns->type] != job->own_ns[ns->type]);
			hr_verify_set(c, obs, "a new one, not hardrun's %ju",
				      (uintmax_t)job->own_ns[ns->type]);
		} else if (stat(ns->path, &st) < 0) {
			c = hr_verify_add(job, init->pid, NULL, name, false);
			hr_verify_set(c, obs, "the one of %s (%s)", ns->path, strerror(errno));
		} else {
			c = hr_verify_add(job, init->pid, NULL, name,
					  init->ns[ns->type] == st.st_ino);
			hr_verify_set(c, obs, "%ju (%s)", (uintmax_t)st.st_ino, ns->path);
		}
	}
}

static void check_root(struct verify_job *job)
{
	const struct hr_mountinfo *m = hr_verify_mount_at(job, "/");
	bool ro = m != NULL && hr_proc_has_option(m->options, "ro");
	struct hr_verify_check *c =
	    hr_verify_add(job, 0, NULL, "root.readonly", !job->config->root_readonly || ro);
	char obs[HR_VERIFY_VALUE_MAX];

	snprintf(obs, sizeof(obs), "%s (%s %s)", ro ? "ro" : "rw", m ? m->fstype : "?",
		 m ? m->options : "no mount at /");
	hr_verify_set(c, obs, job->config->root_readonly ? "ro" : "ro or rw (readonly is false)");
}

/* The fstype a config's type mounts (cgroup is cgroup2 on a v2-only host). */
static const char *expected_fstype(const struct hr_mount *m, const struct hr_mountopts *o)
{
	if (o->bind || m->type == NULL || strcmp(m->type, "bind") == 0 ||
	    strcmp(m->type, "none") == 0)
		return NULL;
	return strcmp(m->type, "cgroup") == 0 ? "cgroup2" : m->type;
}

/* tmpfs's size= in bytes as the kernel keeps it (whole pages), or -1 when not comparable. */
static int64_t tmpfs_size(const char *value, long page_size)
{
	struct hr_err err;
	int64_t bytes;

	if (hr_spec_parse_size(value, &bytes, &err) < 0)
		return -1;
	return (bytes + page_size - 1) / page_size * page_size;
}

static bool mount_matches(const struct verify_job *job, const struct hr_mount *m,
			  const struct hr_mountopts *o, const struct hr_mountinfo *mi, char *exp,
			  size_t size)
{
	static const struct {
		uint64_t attr;
		const char *name;
	} flags[] = {{MOUNT_ATTR_RDONLY, "ro"},
		     {MOUNT_ATTR_NOSUID, "nosuid"},
		     {MOUNT_ATTR_NODEV, "nodev"},
		     {MOUNT_ATTR_NOEXEC, "noexec"}};
	const char *fstype = expected_fstype(m, o);
	char want_size[32], have_size[32];
	bool ok = mi != NULL;
	size_t e = (size_t)snprintf(exp, size, "%s", fstype ? fstype : "a bind mount");

	ok = ok && (fstype == NULL || strcmp(fstype, mi->fstype) == 0);
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (!((o->attr_set | o->rec_attr_set) & flags[i].attr))
			continue;
		e += (size_t)snprintf(exp + e, e < size ? size - e : 0, " %s", flags[i].name);
		ok = ok && hr_proc_has_option(mi->options, flags[i].name);
	}
	if (fstype != NULL && strcmp(fstype, "tmpfs") == 0 && o->data != NULL &&
	    hr_proc_option_value(o->data, "size", want_size, sizeof(want_size))) {
		int64_t want = tmpfs_size(want_size, job->page_size);

		snprintf(exp + e, e < size ? size - e : 0, " size=%s", want_size);
		if (want > 0 && ok)
			ok = hr_proc_option_value(mi->super_options, "size", have_size,
						  sizeof(have_size)) &&
			     tmpfs_size(have_size, job->page_size) == want;
	}
	return ok;
}

static void check_mounts(struct verify_job *job)
{
	for (size_t i = 0; i < job->config->n_mounts; i++) {
		const struct hr_mount *m = &job->config->mounts[i];
		const struct hr_mountinfo *mi = hr_verify_mount_resolved(job, m->destination);
		char name[HR_VERIFY_NAME_MAX], obs[HR_VERIFY_VALUE_MAX], exp[HR_VERIFY_VALUE_MAX];
		char size[32] = "";
		struct hr_mountopts o;
		struct hr_err err;
		struct hr_verify_check *c;

		snprintf(name, sizeof(name), "mounts[%s]", m->destination);
		if (hr_mountopts_parse(m->options, m->n_options, &job->arena, &o, &err) < 0) {
			hr_verify_skip(job, 0, NULL, name, err.msg);
			continue;
		}
		c = hr_verify_add(job, 0, NULL, name,
				  mount_matches(job, m, &o, mi, exp, sizeof(exp)));
		if (mi != NULL &&
		    hr_proc_option_value(mi->super_options, "size", size + 6, sizeof(size) - 6))
			memcpy(size, " size=", 6);
		if (mi != NULL)
			snprintf(obs, sizeof(obs), "%s %s%s", mi->fstype, mi->options, size);
		else
			snprintf(obs, sizeof(obs), "nothing mounted");
		hr_verify_set(c, obs, "%s", exp);
	}
}

/* Masked: a mount covers the path; read-only: the mount on it is ro. Absent paths pass. */
static void check_paths(struct verify_job *job, char *const *paths, size_t n, bool masked)
{
	for (size_t i = 0; i < n; i++) {
		enum hr_verify_presence p = hr_verify_presence(job, paths[i]);
		const struct hr_mountinfo *mi = hr_verify_mount_at(job, paths[i]);
		bool ok = p == HR_VERIFY_ABSENT ||
			  (mi != NULL && (masked || hr_proc_has_option(mi->options, "ro")));
		char name[HR_VERIFY_NAME_MAX], obs[HR_VERIFY_VALUE_MAX];
		struct hr_verify_check *c;

		snprintf(name, sizeof(name), "linux.%s[%s]",
			 masked ? "maskedPaths" : "readonlyPaths", paths[i]);
		c = hr_verify_add(job, 0, NULL, name, ok);
		if (mi != NULL)
			snprintf(obs, sizeof(obs), "%s %s on it", mi->fstype, mi->options);
		else
			snprintf(obs, sizeof(obs), "%s",
				 p == HR_VERIFY_ABSENT	  ? "absent"
				 : p == HR_VERIFY_UNKNOWN ? "cannot be looked up"
							  : "present, nothing mounted on it");
		hr_verify_set(c, obs,
			      masked ? "a mount over it (or absent)"
				     : "a read-only mount on it (or absent)");
	}
}

/* One cgroup file against the value the config asks for (want NULL: the config sets none). */
static void check_cgroup_file(struct verify_job *job, const char *name, const char *file,
			      const char *want, bool prefix)
{
	char have[128];
	struct hr_verify_check *c;

	if (job->cgroup_fd < 0) {
		hr_verify_skip(job, 0, NULL, name,
			       "no cgroup: the container was created without a cgroup manager");
		return;
	}
	if (hr_verify_cgroup_read(job, file, have, sizeof(have)) < 0) {
		c = hr_verify_add(job, 0, NULL, name, false);
		hr_verify_set(c, "unreadable", "%s %s", file, want ? want : "readable");
		return;
	}
	c = hr_verify_add(
	    job, 0, NULL, name,
	    want == NULL || (prefix ? strncmp(have, want, strlen(want)) == 0 &&
					  (have[strlen(want)] == ' ' || have[strlen(want)] == '\0')
				    : strcmp(have, want) == 0));
	hr_verify_set(c, have, "%s %s", file, want ? want : "any (not in the config)");
}

static void check_resources(struct verify_job *job)
{
	const struct hr_resources *r =
	    job->config->has_linux && job->config->linux_cfg.has_resources
		? &job->config->linux_cfg.resources
		: NULL;
	char mem[32], cpu[64], pids[32];
	bool has_mem = r && r->has_memory && r->memory.limit.set;
	bool has_pids = r && r->has_pids && r->pids_limit.set;
	bool has_cpu = r && r->has_cpu && hr_cgroup_cpu_max_value(&r->cpu, cpu, sizeof(cpu));

	if (has_mem) {
		int64_t limit = r->memory.limit.value;

		/* the kernel keeps whole pages */
		hr_cgroup_memory_value(limit < 0 ? -1 : limit / job->page_size * job->page_size,
				       mem, sizeof(mem));
	}
	if (has_pids) {
		if (r->pids_limit.value > 0)
			snprintf(pids, sizeof(pids), "%" PRId64, r->pids_limit.value);
		else
			snprintf(pids, sizeof(pids), "max");
	}
	check_cgroup_file(job, "linux.resources.memory.limit", "memory.max", has_mem ? mem : NULL,
			  false);
	/* a quota without a period leaves the period the kernel had: compare the quota */
	check_cgroup_file(job, "linux.resources.cpu", "cpu.max", has_cpu ? cpu : NULL,
			  has_cpu && !r->cpu.period.set);
	check_cgroup_file(job, "linux.resources.pids.limit", "pids.max", has_pids ? pids : NULL,
			  false);
}

void hr_verify_config_checks(struct verify_job *job)
{
	const struct hr_linux *l = &job->config->linux_cfg;

	for (size_t i = 0; i < job->n_views; i++) {
		const struct hr_proc_view *v = &job->views[i];

		check_ids(job, v, false);
		check_ids(job, v, true);
		check_groups(job, v);
		check_caps(job, v);
		check_nnp_seccomp(job, v);
		check_membership(job, v);
	}
	check_namespaces(job);
	check_root(job);
	check_mounts(job);
	if (job->config->has_linux) {
		check_paths(job, l->masked_paths, l->n_masked_paths, true);
		check_paths(job, l->readonly_paths, l->n_readonly_paths, false);
	}
	check_resources(job);
}
