/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "process.h"

#include <cap-ng.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "capabilities.h"
#include "cleanup.h"
#include "config_linux.h"
#include "log.h"
#include "passwd.h"
#include "paths.h"
#include "procfs.h"
#include "scheduler.h"

/*
 * Messages in the form Go's os/exec and syscall packages print them (lower-case errno text),
 * because engines match substrings of runc's messages ("no such file or directory",
 * "executable file not found", "permission denied") to choose exit codes 127 and 126.
 * Allocation-free: the child side uses it.
 */
__attribute__((format(printf, 3, 4))) static int go_err(struct hr_err *err, int errnum,
							const char *fmt, ...)
{
	char desc_buf[128];
	const char *desc;
	size_t used;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	err->errnum = errnum;
	if (errnum == 0)
		return -1;
	desc = strerror_r(errnum, desc_buf, sizeof(desc_buf));
	used = strnlen(err->msg, sizeof(err->msg));
	if (used + 3 >= sizeof(err->msg))
		return -1;
	snprintf(err->msg + used, sizeof(err->msg) - used, ": %s", desc);
	if (err->msg[used + 2] >= 'A' && err->msg[used + 2] <= 'Z')
		err->msg[used + 2] = (char)(err->msg[used + 2] - 'A' + 'a');
	return -1;
}

/* ---- plan (parent side) ---- */

/* "HOME=" and a path */
#define HOME_ENV_SIZE (sizeof("HOME=") + PATH_MAX)

static char **copy_strv(struct hr_arena *arena, char *const *v, size_t n)
{
	char **out = hr_arena_array(arena, n + 1, sizeof(*out));

	for (size_t i = 0; i < n; i++)
		out[i] = hr_arena_strdup(arena, v[i]);
	return out;
}

/* The highest capability number the running kernel knows. */
static int cap_last_cap(void)
{
	_cleanup_close_ int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
	int last = CAP_LAST_CAP;
	char buf[16];

	if (fd >= 0) {
		ssize_t n = read(fd, buf, sizeof(buf) - 1);

		if (n > 0) {
			buf[n] = '\0';
			last = atoi(buf);
		}
	}
	if (last < 0 || last > 63)
		return CAP_LAST_CAP;
	return last;
}

static void plan_caps(struct hr_process_plan *plan, const struct hr_process *proc)
{
	uint64_t *sets[] = {&plan->caps.bounding, &plan->caps.effective, &plan->caps.permitted,
			    &plan->caps.inheritable, &plan->caps.ambient};
	uint64_t known;

	plan->cap_last_cap = cap_last_cap();
	known =
	    plan->cap_last_cap >= 63 ? UINT64_MAX : (UINT64_C(1) << (plan->cap_last_cap + 1)) - 1;
	if (!proc->has_capabilities)
		return;
	plan->caps = proc->caps;
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		plan->unknown_caps |= *sets[i] & ~known;
		*sets[i] &= known;
	}
	plan->ambient_not_raised =
	    plan->caps.ambient & ~(plan->caps.permitted & plan->caps.inheritable);
	plan->caps.ambient &= ~plan->ambient_not_raised;
}

/* Said once, in the parent: what of the config's capabilities the process will not have. */
static void warn_caps(const struct hr_process_plan *plan)
{
	char names[512];

	if (plan->unknown_caps != 0)
		hr_log(HR_LOG_WARNING,
		       "process.capabilities: %s unknown to this kernel (cap_last_cap %d): ignored",
		       hr_cap_list(plan->unknown_caps, names, sizeof(names)), plan->cap_last_cap);
	if (plan->ambient_not_raised != 0)
		hr_log(HR_LOG_WARNING,
		       "process.capabilities.ambient: %s not raised: an ambient capability must "
		       "also be permitted and inheritable",
		       hr_cap_list(plan->ambient_not_raised, names, sizeof(names)));
}

static int plan_personality(struct hr_process_plan *plan, const struct hr_personality *pers,
			    struct hr_err *err)
{
	unsigned long value = PER_LINUX;

	if (pers == NULL)
		return 0;
	if (pers->domain != NULL && hr_personality_domain(pers->domain, &value) < 0)
		return hr_err_set(err, EINVAL, "linux.personality.domain: unknown domain \"%s\"",
				  pers->domain);
	for (size_t i = 0; i < pers->n_flags; i++) {
		unsigned long flag;

		if (hr_personality_flag(pers->flags[i], &flag) < 0)
			return hr_err_set(err, EINVAL,
					  "linux.personality.flags[%zu]: unknown flag \"%s\"", i,
					  pers->flags[i]);
		value |= flag;
	}
	plan->has_personality = true;
	plan->personality = value;
	return 0;
}

static int plan_rlimits(struct hr_process_plan *plan, const struct hr_process *proc,
			struct hr_arena *arena, struct hr_err *err)
{
	plan->rlimits = hr_arena_array(arena, proc->n_rlimits, sizeof(*plan->rlimits));
	plan->n_rlimits = proc->n_rlimits;
	for (size_t i = 0; i < proc->n_rlimits; i++) {
		const struct hr_rlimit *r = &proc->rlimits[i];
		struct hr_process_rlimit *out = &plan->rlimits[i];
		const char *name = r->type != NULL ? r->type : "rlimit";

		if (r->soft > r->hard)
			return hr_err_set(err, EINVAL,
					  "process.rlimits[%zu]: %s: soft limit %" PRIu64
					  " exceeds hard limit %" PRIu64,
					  i, name, r->soft, r->hard);
		out->resource = r->resource;
		out->name = hr_arena_strdup(arena, name);
		out->soft = r->soft;
		out->hard = r->hard;
	}
	return 0;
}

static int plan_io_priority(struct hr_process_plan *plan, const struct hr_process *proc,
			    struct hr_err *err)
{
	if (!proc->has_io_priority)
		return 0;
	plan->io_priority_name = hr_ioprio_class_name(proc->io_priority_class);
	if (plan->io_priority_name == NULL)
		return hr_err_set(err, EINVAL, "process.ioPriority.class: unknown class %d",
				  proc->io_priority_class);
	if (proc->io_priority < 0 || proc->io_priority > HR_IOPRIO_MAX)
		return hr_err_set(err, EINVAL,
				  "process.ioPriority.priority: %d is out of range (0..%d)",
				  proc->io_priority, HR_IOPRIO_MAX);
	plan->has_io_priority = true;
	plan->io_priority_class = proc->io_priority_class;
	plan->io_priority = proc->io_priority;
	return 0;
}

static int plan_scheduler(struct hr_process_plan *plan, const struct hr_process *proc,
			  struct hr_err *err)
{
	const char *field;
	char msg[256];

	plan->cpu_affinity = proc->cpu_affinity;
	if (!proc->has_scheduler)
		return 0;
	if ((field = hr_sched_check(&proc->scheduler, msg, sizeof(msg))) != NULL)
		return hr_err_set(err, EINVAL, "process.scheduler.%s: %s", field, msg);
	plan->has_scheduler = true;
	plan->scheduler = proc->scheduler;
	return 0;
}

static void plan_env(struct hr_process_plan *plan, const struct hr_process *proc,
		     struct hr_arena *arena)
{
	bool has_home = false, has_path = false;

	plan->env = hr_arena_array(arena, proc->n_env + 2, sizeof(*plan->env));
	plan->n_env = proc->n_env;
	plan->path_env = HR_DEFAULT_PATH;
	for (size_t i = 0; i < plan->n_env; i++) {
		plan->env[i] = hr_arena_strdup(arena, proc->env[i]);
		if (strncmp(plan->env[i], "PATH=", 5) == 0 && !has_path) {
			plan->path_env = plan->env[i] + 5;
			has_path = true;
		}
		has_home |= strncmp(plan->env[i], "HOME=", 5) == 0;
	}
	if (has_home)
		return;
	plan->home_env = hr_arena_alloc(arena, HOME_ENV_SIZE);
	memcpy(plan->home_env, "HOME=/", sizeof("HOME=/"));
	plan->env[plan->n_env++] = plan->home_env;
}

/* HOME from the container's own /etc/passwd, or "/" when the uid is not there (runc's rule). */
static int set_home(const struct hr_process_plan *plan, struct hr_err *err)
{
	_cleanup_close_ int root = -1;
	char *dir = plan->home_env + sizeof("HOME=") - 1;
	int r;

	if (plan->home_env == NULL)
		return 0;
	root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return hr_err_sys(err, "open the container's root");
	r = hr_passwd_home(root, "/etc/passwd", plan->uid, dir,
			   HOME_ENV_SIZE - (sizeof("HOME=") - 1), err);
	if (r < 0)
		return hr_err_prefix(err, "HOME of uid %u", (unsigned)plan->uid);
	if (r == 0)
		memcpy(dir, "/", 2);
	return 0;
}

int hr_process_plan_setenv(struct hr_process_plan *plan, struct hr_arena *arena, const char *key,
			   const char *value, struct hr_err *err)
{
	size_t klen = strlen(key);
	char *entry = hr_arena_printf(arena, "%s=%s", key, value); /* arenas never fail */
	char **env;

	(void)err;
	for (size_t i = 0; i < plan->n_env; i++) {
		if (strncmp(plan->env[i], key, klen) == 0 && plan->env[i][klen] == '=') {
			plan->env[i] = entry;
			return 0;
		}
	}
	env = hr_arena_array(arena, plan->n_env + 2, sizeof(*env));
	for (size_t i = 0; i < plan->n_env; i++)
		env[i] = plan->env[i];
	env[plan->n_env++] = entry;
	plan->env = env;
	return 0;
}

int hr_process_plan_build(const struct hr_process *proc, const struct hr_linux *linux_cfg,
			  struct hr_arena *arena, struct hr_process_plan **plan_out,
			  struct hr_err *err)
{
	struct hr_process_plan *plan = hr_arena_alloc(arena, sizeof(*plan));

	if (proc->n_args == 0 || proc->args == NULL || proc->args[0] == NULL)
		return hr_err_set(err, EINVAL, "process.args: must have at least one element");
	plan->uid = proc->user.uid;
	plan->gid = proc->user.gid;
	plan->n_additional_gids = proc->user.n_additional_gids;
	plan->additional_gids =
	    hr_arena_array(arena, plan->n_additional_gids, sizeof(*plan->additional_gids));
	for (size_t i = 0; i < plan->n_additional_gids; i++)
		plan->additional_gids[i] = proc->user.additional_gids[i];
	plan->umask = proc->user.has_umask ? (mode_t)(proc->user.umask & 07777) : HR_DEFAULT_UMASK;
	plan_caps(plan, proc);
	warn_caps(plan);
	plan->no_new_privileges = proc->no_new_privileges;
	if (linux_cfg != NULL && linux_cfg->seccomp != NULL)
		hr_process_plan_hold_admin_for_filter(plan);
	plan->args = copy_strv(arena, proc->args, proc->n_args);
	plan->n_args = proc->n_args;
	plan_env(plan, proc, arena);
	plan->cwd = hr_arena_strdup(arena, proc->cwd != NULL ? proc->cwd : "/");
	if (plan_rlimits(plan, proc, arena, err) < 0)
		return -1;
	plan->has_oom_score_adj = proc->has_oom_score_adj;
	plan->oom_score_adj = proc->oom_score_adj;
	if (plan_io_priority(plan, proc, err) < 0 || plan_scheduler(plan, proc, err) < 0)
		return -1;
	if (linux_cfg != NULL && plan_personality(plan, linux_cfg->personality, err) < 0)
		return -1;
	if (linux_cfg != NULL && linux_cfg->memory_policy != NULL) {
		if (hr_mpol_plan_build(linux_cfg->memory_policy, HR_MPOL_ONLINE_NODES,
				       &plan->memory_policy, err) < 0)
			return -1;
		plan->has_memory_policy = true;
	}
	plan->apparmor_profile = hr_arena_strdup(arena, proc->apparmor_profile);
	plan->selinux_label = hr_arena_strdup(arena, proc->selinux_label);
	plan->terminal = proc->terminal;
	plan->has_console_size = proc->has_console_size;
	plan->console_height = proc->console_height;
	plan->console_width = proc->console_width;
	*plan_out = plan;
	return 0;
}

/* ---- parent side ---- */

static int write_oom_score_adj(pid_t pid, int value, struct hr_err *err)
{
	char path[32], buf[16];
	int len = snprintf(buf, sizeof(buf), "%d", value);

	snprintf(path, sizeof(path), "%d/oom_score_adj", (int)pid);
	return hr_procfs_write(path, buf, (size_t)len, err);
}

int hr_process_apply_from_parent(const struct hr_process_plan *plan, pid_t pid, struct hr_err *err)
{
	for (size_t i = 0; i < plan->n_rlimits; i++) {
		const struct hr_process_rlimit *r = &plan->rlimits[i];
		struct rlimit rl = {.rlim_cur = (rlim_t)r->soft, .rlim_max = (rlim_t)r->hard};

		if (prlimit(pid, (__rlimit_resource_t)r->resource, &rl, NULL) < 0)
			return hr_err_sys(err,
					  "set %s (soft %" PRIu64 ", hard %" PRIu64 ") on pid %d",
					  r->name, r->soft, r->hard, (int)pid);
	}
	if (plan->has_oom_score_adj && write_oom_score_adj(pid, plan->oom_score_adj, err) < 0)
		return -1;
	return 0;
}

/* ---- child side ---- */

/* path under /proc/thread-self, through hardrun's own procfs (procfs.h) */
static int write_attr(const char *path, const char *value, struct hr_err *err)
{
	return hr_procfs_write(path, value, strlen(value), err);
}

static int set_apparmor_profile(const char *profile, struct hr_err *err)
{
	char value[4096];
	int len = snprintf(value, sizeof(value), "exec %s", profile);

	if (len < 0 || (size_t)len >= sizeof(value))
		return hr_err_set(err, ENAMETOOLONG, "AppArmor profile \"%.64s...\"", profile);
	/* Linux >= 5.8 has a per-LSM directory; the shared file works when AppArmor is major.
	 * Only its absence sends us there: any other failure (a mount on it) is the answer. */
	if (write_attr("thread-self/attr/apparmor/exec", value, err) == 0)
		return 0;
	if (err->errnum != ENOENT)
		return hr_err_prefix(err, "set AppArmor exec profile \"%s\"", profile);
	if (write_attr("thread-self/attr/exec", value, err) < 0)
		return hr_err_prefix(err, "set AppArmor exec profile \"%s\" (is AppArmor enabled?)",
				     profile);
	return 0;
}

int hr_process_apply_labels(const struct hr_process_plan *plan, struct hr_err *err)
{
	if (plan->apparmor_profile != NULL && plan->apparmor_profile[0] != '\0' &&
	    set_apparmor_profile(plan->apparmor_profile, err) < 0)
		return -1;
	if (plan->selinux_label != NULL && plan->selinux_label[0] != '\0' &&
	    write_attr("thread-self/attr/exec", plan->selinux_label, err) < 0)
		return hr_err_prefix(err, "set SELinux exec label \"%s\" (is SELinux enabled?)",
				     plan->selinux_label);
	return 0;
}

/* True when this user namespace forbids setgroups(2) ("deny" in /proc/self/setgroups). */
static bool setgroups_denied(void)
{
	char buf[16];

	return hr_path_read_small("/proc/self/setgroups", buf, sizeof(buf)) > 0 &&
	       strncmp(buf, "deny", 4) == 0;
}

void hr_process_plan_hold_admin_for_filter(struct hr_process_plan *plan)
{
	if (!plan->no_new_privileges)
		plan->held_until_exec = (UINT64_C(1) << CAP_SYS_ADMIN) & ~plan->caps.effective;
}

void hr_process_plan_keep_groups(struct hr_process_plan *plan)
{
	plan->keep_original_groups = true;
	if (plan->n_additional_gids > 0)
		hr_log(HR_LOG_WARNING,
		       "process.user.additionalGids (%zu groups) not applied: annotation "
		       "\"" HR_ANNOTATION_KEEP_GROUPS "\" keeps the caller's groups instead",
		       plan->n_additional_gids);
}

static int set_ids(const struct hr_process_plan *plan, struct hr_err *err)
{
	if (plan->keep_original_groups) {
		/* the caller's supplementary groups stay */
	} else if (setgroups_denied()) {
		if (plan->n_additional_gids > 0)
			return hr_err_set(err, EPERM,
					  "setgroups(%zu groups): /proc/self/setgroups is \"deny\"",
					  plan->n_additional_gids);
	} else if (setgroups(plan->n_additional_gids, plan->additional_gids) < 0) {
		return hr_err_sys(err, "setgroups(%zu groups)", plan->n_additional_gids);
	}
	if (setresgid(plan->gid, plan->gid, plan->gid) < 0)
		return hr_err_sys(err, "setresgid(%u)", (unsigned)plan->gid);
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return hr_err_sys(err, "prctl(PR_SET_KEEPCAPS, 1)");
	if (setresuid(plan->uid, plan->uid, plan->uid) < 0)
		return hr_err_sys(err, "setresuid(%u)", (unsigned)plan->uid);
	return 0;
}

/*
 * setresuid from 0 to another uid empties the effective set even with PR_SET_KEEPCAPS; the
 * bounding set can only be lowered with CAP_SETPCAP effective, so raise effective back to the
 * permitted set first (always allowed).
 */
static int raise_effective(struct hr_err *err)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &hdr, data) < 0)
		return hr_err_sys(err, "apply capabilities: capget");
	for (size_t i = 0; i < _LINUX_CAPABILITY_U32S_3; i++)
		data[i].effective = data[i].permitted;
	if (syscall(SYS_capset, &hdr, data) < 0)
		return hr_err_sys(err, "apply capabilities: raise the effective set");
	return 0;
}

static const char *cap_name(int cap)
{
	const char *name = hr_cap_name(cap);

	return name != NULL ? name : "an unnamed capability";
}

static int capng_load(const struct hr_capabilities *caps, struct hr_err *err)
{
	static const capng_type_t types[] = {CAPNG_EFFECTIVE, CAPNG_PERMITTED, CAPNG_INHERITABLE};
	const uint64_t masks[] = {caps->effective, caps->permitted, caps->inheritable};

	capng_clear(CAPNG_SELECT_ALL);
	/*
	 * libcap-ng caches the thread id it acts on; after a raw clone3 its fork handler did not
	 * run, so the cached id may be the parent's. 0 means "the calling thread".
	 */
	capng_setpid(0);
	for (size_t s = 0; s < sizeof(types) / sizeof(types[0]); s++) {
		for (unsigned bit = 0; bit < 64; bit++) {
			if (!(masks[s] & (UINT64_C(1) << bit)))
				continue;
			if (capng_update(CAPNG_ADD, types[s], bit) < 0)
				return hr_err_set(err, errno ? errno : EINVAL,
						  "apply capabilities: add %s", cap_name((int)bit));
		}
	}
	return 0;
}

static int capng_err(struct hr_err *err, int rc, const char *what)
{
	int errnum = errno ? errno : EPERM;

	if (rc == -4)
		return hr_err_set(err, EPERM,
				  "apply capabilities: %s: CAP_SETPCAP is not effective", what);
	return hr_err_set(err, errnum, "apply capabilities: %s (libcap-ng %d)", what, rc);
}

/*
 * Reads the effective, permitted and inheritable sets back (one capget): libcap-ng is trusted
 * with nothing it could get wrong silently, as its 0.8.3 did with the bounding set when
 * CAP_SETPCAP was not effective. The bounding and ambient sets are set by hardrun itself, and
 * the kernel's answer to each of those calls is checked.
 */
static int verify_caps(const struct hr_process_plan *plan, struct hr_err *err)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	uint64_t want_eff = plan->caps.effective | plan->held_until_exec;
	uint64_t want_prm = plan->caps.permitted | plan->held_until_exec;
	uint64_t eff, prm, inh;

	if (syscall(SYS_capget, &hdr, data) < 0)
		return hr_err_sys(err, "apply capabilities: capget");
	eff = data[0].effective | (uint64_t)data[1].effective << 32;
	prm = data[0].permitted | (uint64_t)data[1].permitted << 32;
	inh = data[0].inheritable | (uint64_t)data[1].inheritable << 32;
	if (eff != want_eff || prm != want_prm || inh != plan->caps.inheritable)
		return hr_err_set(err, EPERM,
				  "apply capabilities: the kernel holds effective 0x%" PRIx64
				  ", permitted 0x%" PRIx64 ", inheritable 0x%" PRIx64
				  " instead of 0x%" PRIx64 ", 0x%" PRIx64 ", 0x%" PRIx64,
				  eff, prm, inh, want_eff, want_prm, plan->caps.inheritable);
	return 0;
}

/*
 * Drops from the bounding set each capability the plan leaves out: one call each, none to
 * read the set first (dropping an absent one succeeds); without CAP_SETPCAP the kernel refuses.
 */
static int apply_bounding(const struct hr_process_plan *plan, struct hr_err *err)
{
	for (int cap = 0; cap <= plan->cap_last_cap && cap < 64; cap++) {
		if (plan->caps.bounding & (UINT64_C(1) << cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			return hr_err_sys(err, "apply capabilities: drop %s from the bounding set",
					  cap_name(cap));
	}
	return 0;
}

/* The ambient set: cleared in one call, then the plan's raised (each in permitted and
 * inheritable by then). */
static int apply_ambient(const struct hr_process_plan *plan, struct hr_err *err)
{
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		return hr_err_sys(err, "apply capabilities: clear the ambient set");
	for (int cap = 0; cap <= plan->cap_last_cap && cap < 64; cap++) {
		if (!(plan->caps.ambient & (UINT64_C(1) << cap)))
			continue;
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
			return hr_err_sys(err, "apply capabilities: raise %s in the ambient set",
					  cap_name(cap));
	}
	return 0;
}

static int apply_caps(const struct hr_process_plan *plan, struct hr_err *err)
{
	int rc;

	struct hr_capabilities caps = plan->caps;

	caps.effective |= plan->held_until_exec;
	caps.permitted |= plan->held_until_exec;
	if (raise_effective(err) < 0 || apply_bounding(plan, err) < 0 || capng_load(&caps, err) < 0)
		return -1;
	errno = 0;
	rc = capng_apply(CAPNG_SELECT_CAPS);
	if (rc != 0)
		return capng_err(err, rc, "effective, permitted and inheritable sets");
	if (apply_ambient(plan, err) < 0)
		return -1;
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return hr_err_sys(err, "prctl(PR_SET_KEEPCAPS, 0)");
	return verify_caps(plan, err);
}

/* A path that names an fd through procfs (/proc/self/fd/N, /proc/1/task/1/fd/N, ...). */
static bool is_proc_fd_path(const char *path)
{
	size_t len = strlen(path);

	if (strncmp(path, "/dev/fd/", 8) == 0 || strcmp(path, "/dev/fd") == 0)
		return true;
	if (strncmp(path, "/proc/", 6) != 0)
		return false;
	return strstr(path, "/fd/") != NULL || (len >= 3 && strcmp(path + len - 3, "/fd") == 0);
}

static int open_cwd(const char *cwd, struct hr_err *err)
{
	struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
			       .resolve = RESOLVE_NO_MAGICLINKS};
	long fd;

	if (is_proc_fd_path(cwd))
		return hr_err_set(
		    err, EPERM, "chdir to cwd %s: refusing a file descriptor path (CVE-2024-21626)",
		    cwd);
	fd = syscall(SYS_openat2, AT_FDCWD, cwd, &how, sizeof(how));
	/*
	 * Linux < 5.6, or an outer seccomp filter that refuses openat2 with EPERM: plain open,
	 * after which enter_cwd's getcwd check still catches a directory outside the root.
	 */
	if (fd < 0 && (errno == ENOSYS || errno == EPERM))
		fd = open(cwd, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 && errno == ELOOP)
		return hr_err_sys(err, "chdir to cwd %s (magic links are refused)", cwd);
	if (fd < 0)
		return hr_err_sys(err, "chdir to cwd %s", cwd);
	return (int)fd;
}

static int enter_cwd(const char *cwd, struct hr_err *err)
{
	_cleanup_close_ int fd = open_cwd(cwd, err);
	char buf[PATH_MAX];
	struct stat st;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		return hr_err_sys(err, "stat cwd %s", cwd);
	if (!S_ISDIR(st.st_mode))
		return hr_err_set(err, ENOTDIR, "chdir to cwd %s", cwd);
	if (fchdir(fd) < 0)
		return hr_err_sys(err, "chdir to cwd %s", cwd);
	/* glibc reports a directory outside the root as ENOENT ("(unreachable)" before 2.27). */
	if (getcwd(buf, sizeof(buf)) == NULL) {
		if (errno != ERANGE && errno != ENAMETOOLONG)
			return hr_err_sys(err, "cwd %s is not inside the container", cwd);
	} else if (buf[0] != '/') {
		return hr_err_set(err, EPERM, "cwd %s is not inside the container", cwd);
	}
	return 0;
}

/*
 * Standard input, output and error (pipes, files, sockets) come from the caller, owned by it:
 * given to the process's user, as runc does, so that it can reopen them (/dev/stdout).
 * Devices are left alone: /dev/null, and a terminal of the caller's (unlike runc: hardrun
 * does not hand the caller's own tty to the container; the container's pty is given to its
 * user where it is opened). An owner the user namespace does not map (EPERM), a group it does
 * not map (EINVAL) or a read-only file system are left as they are, as runc leaves them.
 */
static int give_stdio_to_user(const struct hr_process_plan *plan, struct hr_err *err)
{
	for (int fd = 0; fd <= 2; fd++) {
		struct stat st;

		if (fstat(fd, &st) < 0) {
			if (errno == EBADF)
				continue;
			return hr_err_sys(err, "stat fd %d", fd);
		}
		if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
			continue;
		if (st.st_uid == plan->uid && st.st_gid == plan->gid)
			continue;
		if (fchown(fd, plan->uid, plan->gid) < 0 && errno != EPERM && errno != EINVAL &&
		    errno != EROFS)
			return hr_err_sys(err, "give fd %d to uid %u gid %u", fd,
					  (unsigned)plan->uid, (unsigned)plan->gid);
	}
	return 0;
}

/* The kernel's IOPRIO_WHO_PROCESS and IOPRIO_PRIO_VALUE (linux/ioprio.h, not in every libc). */
#define IOPRIO_WHO_PROCESS_ 1
#define IOPRIO_CLASS_SHIFT_ 13

static int apply_io_priority(const struct hr_process_plan *plan, struct hr_err *err)
{
	int value = (plan->io_priority_class << IOPRIO_CLASS_SHIFT_) | plan->io_priority;

	if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS_, 0, value) < 0)
		return hr_err_sys(err, "process.ioPriority: ioprio_set(%s, %d)",
				  plan->io_priority_name, plan->io_priority);
	return 0;
}

int hr_process_drop_privileges(const struct hr_process_plan *plan, struct hr_err *err)
{
	/* first, while CAP_SYS_ADMIN is held: the realtime class needs it */
	if (plan->has_io_priority && apply_io_priority(plan, err) < 0)
		return -1;
	/* then the scheduler, while CAP_SYS_NICE is held: the realtime policies need it */
	if (plan->has_scheduler && hr_sched_apply(&plan->scheduler, err) < 0)
		return -1;
	if (plan->has_memory_policy && hr_mpol_apply(&plan->memory_policy, err) < 0)
		return -1;
	if (set_home(plan, err) < 0 || give_stdio_to_user(plan, err) < 0)
		return -1;
	if (plan->has_personality && personality(plan->personality) < 0)
		return hr_err_sys(err, "personality(0x%lx)", plan->personality);
	if (set_ids(plan, err) < 0)
		return -1;
	if (apply_caps(plan, err) < 0)
		return -1;
	umask(plan->umask);
	return enter_cwd(plan->cwd, err);
}

int hr_process_set_no_new_privs(const struct hr_process_plan *plan, struct hr_err *err)
{
	if (!plan->no_new_privileges)
		return 0;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return hr_err_sys(err, "prctl(PR_SET_NO_NEW_PRIVS)");
	return 0;
}

/*
 * 0 when path is a regular file with an execute bit we may use, otherwise an errno; *stat_failed
 * tells a missing file (reported with the stat error) from an unusable one (EACCES).
 */
static int check_executable(const char *path, bool *stat_failed)
{
	struct stat st;

	*stat_failed = false;
	if (stat(path, &st) < 0) {
		*stat_failed = true;
		return errno;
	}
	if (!S_ISREG(st.st_mode) || (st.st_mode & 0111) == 0)
		return EACCES;
	if (faccessat(AT_FDCWD, path, X_OK, AT_EACCESS) < 0)
		return errno;
	return 0;
}

static int resolve_with_slash(const char *file, char *buf, size_t size, struct hr_err *err)
{
	bool stat_failed;
	int rc = check_executable(file, &stat_failed);

	if (rc != 0 && stat_failed)
		return go_err(err, rc, "exec: \"%s\": stat %s", file, file);
	if (rc != 0)
		return go_err(err, rc, "exec: \"%s\"", file);
	if (strlen(file) >= size)
		return go_err(err, ENAMETOOLONG, "exec: \"%s\"", file);
	memcpy(buf, file, strlen(file) + 1);
	return 0;
}

int hr_process_resolve_executable(const struct hr_process_plan *plan, char *buf, size_t size,
				  struct hr_err *err)
{
	const char *file = plan->args[0];
	const char *dir = plan->path_env;
	bool denied = false;
	size_t flen = strlen(file);

	if (strchr(file, '/') != NULL)
		return resolve_with_slash(file, buf, size, err);
	while (flen > 0 && dir != NULL && *dir != '\0') {
		const char *end = strchrnul(dir, ':');
		size_t dlen = (size_t)(end - dir);
		bool stat_failed;
		int rc;

		/* An empty PATH entry means the current directory, as in Go. */
		if (dlen + 1 + flen + 1 > size)
			return go_err(err, ENAMETOOLONG, "exec: \"%s\"", file);
		memcpy(buf, dlen ? dir : ".", dlen ? dlen : 1);
		dlen = dlen ? dlen : 1;
		buf[dlen] = '/';
		memcpy(buf + dlen + 1, file, flen + 1);
		rc = check_executable(buf, &stat_failed);
		if (rc == 0)
			return 0;
		if (rc == EACCES)
			denied = true;
		dir = *end == ':' ? end + 1 : end;
	}
	if (denied)
		return go_err(err, EACCES, "exec: \"%s\"", file);
	go_err(err, 0, "exec: \"%s\": executable file not found in $PATH", file);
	err->errnum = ENOENT;
	return -1;
}

int hr_process_exec(const struct hr_process_plan *plan, const char *path, struct hr_err *err)
{
	execve(path, plan->args, plan->env);
	return go_err(err, errno, "exec %s", path);
}
