/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HR_PROCESS_H
#define HR_PROCESS_H

/*
 * The container's process: credentials, capabilities, limits and the final execve.
 *
 * The plan is built in the parent from a struct hr_process (the config's, or an
 * `exec --process` document) and holds everything the child needs, already resolved: the
 * child side below never parses and never calls malloc. libcap-ng is the one exception we
 * accept: capng_apply(CAPNG_SELECT_BOUNDS) re-reads the bounding set through fopen(3) of
 * /proc/<tid>/status (one small stdio buffer), falling back to prctl when /proc is absent.
 *
 * Order of use (the lead's orchestration):
 *   parent:  hr_process_plan_build, then hr_process_apply_from_parent(plan, child_pid)
 *   child:   (after pivot_root) hr_process_apply_labels, hr_process_drop_privileges (HOME
 *            from the container's /etc/passwd when env has none, then the credentials),
 *            hr_process_resolve_executable (as the container's user, in its cwd, so that a
 *            missing binary is a create-time error as in runc), hr_process_set_no_new_privs,
 *            hr_process_close_fds (process_fds.h), (wait for start), hr_seccomp_install,
 *            hr_process_exec.
 * Installing a seccomp filter needs NNP or CAP_SYS_ADMIN. Without NNP the drop keeps
 * CAP_SYS_ADMIN in the effective and permitted sets only (held_until_exec): execve drops it,
 * since it is in none of the bounding, inheritable and ambient sets, so the filter still goes
 * in last, with nothing of hardrun's own (lookup, fd closing, checks) running under it.
 * A filter with SCMP_ACT_NOTIFY rules goes in before READY rather than after start (init.c):
 * its listener fd must reach the parent over the sync socket.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "arena.h"
#include "config.h"
#include "error.h"
#include "mempolicy.h"

#define HR_DEFAULT_PATH	 "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define HR_DEFAULT_UMASK 0022

struct hr_process_rlimit {
	int resource;	  /* RLIMIT_* */
	const char *name; /* "RLIMIT_NOFILE", for messages */
	uint64_t soft;
	uint64_t hard;
};

struct hr_process_plan {
	uid_t uid;
	gid_t gid;
	gid_t *additional_gids;
	size_t n_additional_gids;
	bool keep_original_groups; /* no setgroups(2): see hr_process_plan_keep_groups */
	mode_t umask;		   /* HR_DEFAULT_UMASK unless the config sets one */

	/*
	 * CAP_* bit masks. An absent "capabilities" object means every set is empty (hardened
	 * default). Bits the running kernel does not know (above cap_last_cap) are removed and
	 * recorded in unknown_caps, as runc ignores them with a warning.
	 */
	struct hr_capabilities caps;
	/*
	 * Added to effective and permitted until execve, which drops them: CAP_SYS_ADMIN when a
	 * seccomp filter must go in without no_new_privs (see the order above).
	 */
	uint64_t held_until_exec;
	uint64_t unknown_caps;
	/*
	 * Ambient capabilities the config lists without listing them as permitted and
	 * inheritable: the kernel cannot raise them. As runc and crun, the process starts without
	 * them (and hardrun says so); `runc spec` writes such configs.
	 */
	uint64_t ambient_not_raised;
	int cap_last_cap; /* of the kernel, read in the parent */
	bool no_new_privileges;

	char **args; /* NULL-terminated, n_args >= 1 */
	size_t n_args;
	char **env; /* NULL-terminated "KEY=VALUE", as in the config (and home_env) */
	size_t n_env;
	/*
	 * When the config's env has no HOME: the last entry of env, a "HOME=/" the child
	 * rewrites from the container's /etc/passwd (hr_process_drop_privileges), as runc does.
	 */
	char *home_env;
	const char *path_env; /* PATH's value from env, HR_DEFAULT_PATH when unset */
	const char *cwd;      /* absolute, "/" when the config has none */

	struct hr_process_rlimit *rlimits;
	size_t n_rlimits;
	bool has_oom_score_adj;
	int oom_score_adj;

	bool has_io_priority;
	int io_priority_class;	      /* HR_IOPRIO_CLASS_* */
	int io_priority;	      /* 0..7 */
	const char *io_priority_name; /* "IOPRIO_CLASS_RT", for messages */

	bool has_scheduler;
	struct hr_scheduler scheduler; /* checked (hr_sched_check) */
	/*
	 * process.execCPUAffinity, for an exec'd process only (init.c): initial is set by the
	 * child first thing after the parent lets it go, final right before the seccomp filter
	 * goes in, and so before execve.
	 */
	struct hr_cpu_affinity cpu_affinity;

	bool has_memory_policy; /* linux.memoryPolicy */
	struct hr_mpol_plan memory_policy;

	bool has_personality;
	unsigned long personality; /* domain | flags, for personality(2) */

	const char *apparmor_profile; /* NULL when none */
	const char *selinux_label;    /* NULL when none */

	bool terminal;
	bool has_console_size;
	uint32_t console_height;
	uint32_t console_width;
};

/*
 * Builds the plan (all memory from arena; the plan does not point into proc or linux_cfg).
 * linux_cfg may be NULL; it is only read for the personality and the memory policy. Fails on an
 * unknown personality domain or flag, an rlimit whose soft limit exceeds its hard limit, an I/O
 * priority whose class or level is out of range, a scheduler hr_sched_check refuses, or a
 * memory policy this machine cannot take (hr_mpol_plan_build: a mode or flag the kernel lacks,
 * a node that is not online).
 */
int hr_process_plan_build(const struct hr_process *proc, const struct hr_linux *linux_cfg,
			  struct hr_arena *arena, struct hr_process_plan **plan,
			  struct hr_err *err);

/*
 * The config's run.oci.keep_original_groups: the process keeps the supplementary groups it
 * inherits from hardrun's caller, as crun does (no setgroups(2) at all). The plan's
 * additionalGids are then not applied: warned about when there are some.
 */
void hr_process_plan_keep_groups(struct hr_process_plan *plan);
/* A filter goes in before execve (the config's, or --seccomp-record's): without no_new_privs,
 * CAP_SYS_ADMIN is held until execve for it (see the order above). */
void hr_process_plan_hold_admin_for_filter(struct hr_process_plan *plan);

/*
 * Parent side, on the child's pid before it runs anything of the container: prlimit(2) every
 * rlimit (host root can raise hard limits; the child in a user namespace could not) and write
 * /proc/<pid>/oom_score_adj.
 */
int hr_process_apply_from_parent(const struct hr_process_plan *plan, pid_t pid, struct hr_err *err);

/*
 * Child side: sets the AppArmor exec profile and the SELinux exec label (both take effect at
 * execve). The /proc they are written to must be a real procfs (checked with fstatfs, against
 * a malicious /proc mount: CVE-2019-16884). A no-op when the plan has neither.
 */
int hr_process_apply_labels(const struct hr_process_plan *plan, struct hr_err *err);

/*
 * Child side, after pivot_root, still root in its namespaces, in this order: the I/O priority
 * (ioprio_set(2) on itself, while CAP_SYS_ADMIN, which the realtime class needs, is held); the
 * scheduler (sched_setattr(2), while CAP_SYS_NICE is held); the memory policy
 * (set_mempolicy(2), kept across execve); personality; setgroups (skipped when
 * /proc/self/setgroups says "deny" and there are no additional gids); setresgid; PR_SET_KEEPCAPS;
 * setresuid; capabilities (bounding, then effective/permitted/inheritable, then ambient, through
 * libcap-ng); umask; chdir(cwd), refusing a cwd that is reached through a magic link
 * (/proc/self/fd/N: CVE-2024-21626), is not a directory, or lies outside the root.
 */
int hr_process_drop_privileges(const struct hr_process_plan *plan, struct hr_err *err);

/* PR_SET_NO_NEW_PRIVS when the plan asks for it (a no-op otherwise). */
int hr_process_set_no_new_privs(const struct hr_process_plan *plan, struct hr_err *err);

/*
 * Resolves args[0] as runc does (Go's exec.LookPath): with a '/', the path itself; otherwise
 * each entry of the plan's PATH in turn. The result goes to buf. Errors (engines map them to
 * exit codes 127 and 126):
 *   exec: "foo": executable file not found in $PATH      (ENOENT)
 *   exec: "/x/y": stat /x/y: no such file or directory  (ENOENT)
 *   exec: "/x/y": permission denied                      (EACCES: not a regular file with an
 *                                                         execute bit we may use)
 */
int hr_process_resolve_executable(const struct hr_process_plan *plan, char *buf, size_t size,
				  struct hr_err *err);

/*
 * Sets KEY=VALUE in the plan's environment, replacing KEY's entry if there is one (memory from
 * arena). PATH is not to be set this way (path_env would not follow).
 */
int hr_process_plan_setenv(struct hr_process_plan *plan, struct hr_arena *arena, const char *key,
			   const char *value, struct hr_err *err);

/* execve(path, plan->args, plan->env); returns (-1) only on error. */
int hr_process_exec(const struct hr_process_plan *plan, const char *path, struct hr_err *err);

#endif
